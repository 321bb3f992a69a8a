// ZIP archives in memory for tests of what reads or writes them (XLSX, DOCX): the
// archive's parts by name, built or read with libzip.
#pragma once

#include <map>
#include <set>
#include <string>

namespace fincyber::testing {

using ZipParts = std::map<std::string, std::string>;

// A deflated archive of `parts`; those named in `encrypted` are encrypted with AES-256.
std::string Zip(const ZipParts& parts, const std::set<std::string>& encrypted = {});

// Every part of the archive `bytes`; empty when it is not a readable archive.
ZipParts Unzip(const std::string& bytes);

}  // namespace fincyber::testing
