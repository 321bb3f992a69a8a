// Cryptographic helpers over libsodium. All functions are thread-safe once
// InitCrypto() has succeeded (app/ and test mains call it first).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace fincyber {

// Internal if libsodium cannot initialise (no entropy source).
Status InitCrypto();

// Lower-case hex of SHA-256(data).
std::string Sha256Hex(std::string_view data);
// Lower-case hex of HMAC-SHA-256(key, data).
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// `bytes` random bytes as URL-safe base64 without padding.
std::string RandomToken(std::size_t bytes = 32);
// A random UUID version 4 in canonical lower-case form.
std::string NewUuid();
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Argon2id password hash in libsodium's self-describing string form.
// `fast` lowers the cost for tests and demo seeding; never for real users.
Result<std::string> HashPassword(std::string_view password, bool fast = false);
bool VerifyPassword(std::string_view hash, std::string_view password);

}  // namespace fincyber
