#include "sharing/envelope.h"

#include <fmt/format.h>

namespace fincyber::sharing {
namespace {

// Walks text that ParseJson has already accepted, so it only needs to find where
// values begin and end, not to check them.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  char Peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void Advance() { ++pos_; }
  std::size_t pos() const { return pos_; }

  // Precondition: at a '"'. Leaves the position after the closing quote.
  void SkipString() {
    ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') pos_ += text_[pos_] == '\\' ? 2 : 1;
    ++pos_;
  }

  void SkipValue() {
    const char c = Peek();
    if (c == '"') {
      SkipString();
    } else if (c == '{' || c == '[') {
      int depth = 0;
      do {
        const char d = Peek();
        if (d == '"') {
          SkipString();
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') --depth;
        ++pos_;
      } while (depth > 0 && pos_ < text_.size());
    } else {
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' &&
             text_[pos_] != ']' && text_[pos_] != ' ' && text_[pos_] != '\t' &&
             text_[pos_] != '\n' && text_[pos_] != '\r') {
        ++pos_;
      }
    }
  }

  std::string_view Slice(std::size_t from) const { return text_.substr(from, pos_ - from); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// The byte ranges of the elements of the last top-level "objects" key (the one a JSON
// parser keeps when a key repeats).
std::vector<std::string_view> ObjectSlices(std::string_view text) {
  std::vector<std::string_view> slices;
  Scanner scan(text);
  scan.SkipSpace();
  scan.Advance();  // '{'
  scan.SkipSpace();
  while (scan.Peek() == '"') {
    const std::size_t key_start = scan.pos();
    scan.SkipString();
    // Keys may be written with escapes; decoding the key's JSON string compares them.
    const Json key = Json::parse(scan.Slice(key_start), nullptr, false);
    scan.SkipSpace();
    scan.Advance();  // ':'
    scan.SkipSpace();
    if (key.is_string() && key.get<std::string>() == "objects" && scan.Peek() == '[') {
      slices.clear();
      scan.Advance();
      scan.SkipSpace();
      while (scan.Peek() != ']' && scan.Peek() != '\0') {
        const std::size_t start = scan.pos();
        scan.SkipValue();
        slices.push_back(scan.Slice(start));
        scan.SkipSpace();
        if (scan.Peek() == ',') scan.Advance();
        scan.SkipSpace();
      }
      scan.Advance();  // ']'
    } else {
      scan.SkipValue();
    }
    scan.SkipSpace();
    if (scan.Peek() == ',') scan.Advance();
    scan.SkipSpace();
  }
  return slices;
}

}  // namespace

Result<std::vector<IncomingObject>> SplitObjects(std::string_view text, const JsonLimits& limits) {
  FC_ASSIGN_OR_RETURN(Json parsed, ParseJson(text, limits));
  if (!parsed.is_object()) return InvalidArgument("the envelope must be a JSON object");
  std::vector<IncomingObject> out;
  auto objects = parsed.find("objects");
  if (objects == parsed.end()) return out;
  if (!objects->is_array()) return InvalidArgument("\"objects\" must be an array");
  for (std::size_t i = 0; i < objects->size(); ++i) {
    if (!(*objects)[i].is_object()) {
      return InvalidArgument(fmt::format("objects[{}] is not a JSON object", i));
    }
  }
  const std::vector<std::string_view> slices = ObjectSlices(text);
  if (slices.size() != objects->size()) {
    return Internal(fmt::format("envelope split into {} slices for {} objects", slices.size(),
                                objects->size()));
  }
  out.reserve(slices.size());
  for (std::size_t i = 0; i < slices.size(); ++i) {
    out.push_back({std::move((*objects)[i]), std::string(slices[i])});
  }
  return out;
}

}  // namespace fincyber::sharing
