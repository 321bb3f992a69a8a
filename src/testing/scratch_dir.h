// A fresh directory for one test's files, in the system's temporary directory (TMPDIR),
// removed with everything in it when the object goes.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fincyber::testing {

class ScratchDir {
 public:
  explicit ScratchDir(std::string_view prefix) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + ".XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot make a scratch directory from " + pattern);
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `content` to a new file of the directory and returns the file's path.
  std::string WriteFile(std::string_view content) {
    const std::string file = path_ + "/f" + std::to_string(files_++);
    std::ofstream(file, std::ios::binary) << content;
    return file;
  }

 private:
  std::string path_;
  int files_ = 0;
};

}  // namespace fincyber::testing
