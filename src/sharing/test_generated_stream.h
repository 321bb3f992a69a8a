// Test input of any size in constant memory, for the parsers' size limits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <streambuf>
#include <string>

namespace fincyber::sharing {

// Produces `prefix`, then `count` copies of `fill`, then `suffix`, without ever holding
// the whole text: a bundle of any size in constant memory.
class GeneratedStream : public std::streambuf {
 public:
  GeneratedStream(std::string prefix, char fill, std::uint64_t count, std::string suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)), fill_(fill), count_(count) {}

 protected:
  int_type underflow() override {
    chunk_.clear();
    if (stage_ == 0) {
      chunk_ = prefix_;
      stage_ = 1;
    } else if (stage_ == 1 && count_ > 0) {
      const std::uint64_t n = std::min<std::uint64_t>(count_, 1 << 16);
      chunk_.assign(n, fill_);
      count_ -= n;
    } else if (stage_ == 1) {
      chunk_ = suffix_;
      stage_ = 2;
    } else {
      return traits_type::eof();
    }
    if (chunk_.empty()) return underflow();
    setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size());
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  std::string prefix_;
  std::string suffix_;
  char fill_;
  std::uint64_t count_;
  int stage_ = 0;
  std::string chunk_;
};

}  // namespace fincyber::sharing
