#include "stix/uuid.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <string>

#include "base/ascii.h"

namespace fincyber::stix {
namespace {

// Where each byte's two hex digits begin in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
constexpr std::array<std::uint8_t, 16> kByteDigits = {0,  2,  4,  6,  9,  11, 14, 16,
                                                      19, 21, 24, 26, 28, 30, 32, 34};

// Each byte's hex digit value, -1 for a byte that is not one.
constexpr std::array<std::int8_t, 256> kHexValues = [] {
  std::array<std::int8_t, 256> values{};
  for (int c = 0; c < 256; ++c)
    values[c] = static_cast<std::int8_t>(HexDigitValue(static_cast<char>(c)));
  return values;
}();

}  // namespace

// Every object's id, and every reference, goes through here: a table per digit at fixed
// places, not a test per character.
std::optional<UuidBytes> ParseUuid(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    return std::nullopt;
  }
  UuidBytes bytes{};
  for (std::size_t b = 0; b < bytes.size(); ++b) {
    const int high = kHexValues[static_cast<unsigned char>(text[kByteDigits[b]])];
    const int low = kHexValues[static_cast<unsigned char>(text[kByteDigits[b] + 1])];
    if ((high | low) < 0) return std::nullopt;
    bytes[b] = static_cast<std::uint8_t>((high << 4) | low);
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
