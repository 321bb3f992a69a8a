#include "stix/uuid.h"

#include <openssl/evp.h>

#include <string>

#include "base/ascii.h"

namespace fincyber::stix {
namespace {

constexpr bool IsDashPosition(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

std::optional<UuidBytes> ParseUuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  UuidBytes bytes{};
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (IsDashPosition(i)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const int value = HexDigitValue(text[i]);
    if (value < 0) return std::nullopt;
    bytes[nibble / 2] =
        static_cast<std::uint8_t>(bytes[nibble / 2] | (nibble % 2 == 0 ? value << 4 : value));
    ++nibble;
  }
  return bytes;
}

std::string FormatUuid(const UuidBytes& uuid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[uuid[i] >> 4];
    out += kHex[uuid[i] & 0x0F];
  }
  return out;
}

int UuidVersion(const UuidBytes& uuid) { return uuid[6] >> 4; }

bool IsRfc4122Variant(const UuidBytes& uuid) { return (uuid[8] & 0xC0) == 0x80; }

UuidBytes UuidV5(const UuidBytes& name_space, std::string_view name) {
  std::string input(name_space.begin(), name_space.end());
  input.append(name);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  // One-shot SHA-1 over memory fails only when OpenSSL cannot allocate, which aborts anyway.
  EVP_Digest(input.data(), input.size(), digest, &digest_length, EVP_sha1(), nullptr);
  UuidBytes uuid{};
  for (std::size_t i = 0; i < uuid.size(); ++i) uuid[i] = digest[i];
  uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0F) | 0x50);
  uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3F) | 0x80);
  return uuid;
}

}  // namespace fincyber::stix
