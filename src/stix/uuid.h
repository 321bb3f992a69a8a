// UUIDs as STIX identifiers use them (RFC 4122): parsing, and name-based version 5
// UUIDs for the deterministic identifiers of cyber-observable objects.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fincyber::stix {

using UuidBytes = std::array<std::uint8_t, 16>;

// The 16 bytes of "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex digits of either case),
// nullopt for any other text.
std::optional<UuidBytes> ParseUuid(std::string_view text);

// Canonical lower-case text form.
std::string FormatUuid(const UuidBytes& uuid);

// The version nibble (1-5 for RFC 4122 UUIDs) and whether the variant is RFC 4122's.
int UuidVersion(const UuidBytes& uuid);
bool IsRfc4122Variant(const UuidBytes& uuid);

// Version 5 UUID of `name` (its bytes, usually UTF-8) in `name_space` (RFC 4122 4.3: the
// first 16 bytes of SHA-1(namespace bytes || name), with version and variant set).
UuidBytes UuidV5(const UuidBytes& name_space, std::string_view name);

}  // namespace fincyber::stix
