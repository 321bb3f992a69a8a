#include "detect/indicator_set.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "base/json.h"
#include "detect/internal/modified_time.h"

namespace fincyber::detect {
namespace {

constexpr int kStateFormat = 1;
// A reduced indicator is its pattern and a few short members; STIX patterns beyond this
// are not something a matcher can use anyway.
constexpr std::size_t kMaxLineBytes = std::size_t{1} << 20;

}  // namespace

IndicatorSet::Change IndicatorSet::Add(const Json& object) {
  if (!object.is_object() || StringMember(object, "type") != "indicator") return Change::kNone;
  const std::string id = StringMember(object, "id");
  if (id.empty()) return Change::kNone;
  Entry entry;
  entry.modified = StringMember(object, "modified");
  if (entry.modified.empty()) entry.modified = StringMember(object, "created");
  entry.modified_millis = internal::ModifiedMillis(entry.modified);
  const auto revoked = object.find("revoked");
  entry.revoked = revoked != object.end() && revoked->is_boolean() && revoked->get<bool>();
  if (!entry.revoked) {
    entry.pattern = StringMember(object, "pattern");
    entry.pattern_type = StringMember(object, "pattern_type");
    entry.valid_until = StringMember(object, "valid_until");
  }
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    const bool counted = !entry.revoked;
    entries_.emplace(id, std::move(entry));
    if (!counted) return Change::kNone;
    ++size_;
    return Change::kAdded;
  }
  Entry& existing = it->second;
  if (entry.modified_millis <= existing.modified_millis) return Change::kNone;
  const bool was_counted = !existing.revoked;
  const bool counted = !entry.revoked;
  existing = std::move(entry);
  if (was_counted && !counted) {
    --size_;
    return Change::kRemoved;
  }
  if (!was_counted && counted) {
    ++size_;
    return Change::kAdded;
  }
  return counted ? Change::kUpdated : Change::kNone;
}

Json IndicatorSet::ToObject(const std::string& id, const Entry& entry) const {
  Json object = {{"type", "indicator"}, {"id", id}, {"modified", entry.modified}};
  if (entry.revoked) {
    object["revoked"] = true;
    return object;
  }
  object["pattern"] = entry.pattern;
  if (!entry.pattern_type.empty()) object["pattern_type"] = entry.pattern_type;
  if (!entry.valid_until.empty()) object["valid_until"] = entry.valid_until;
  return object;
}

void IndicatorSet::AddTo(MatcherBuilder& builder, std::int64_t now_millis) const {
  builder.Reserve(size_);
  for (const auto& [id, entry] : entries_) {
    if (entry.revoked) continue;
    // The properties ToObject would write, without building the JSON object.
    StixObjectFields fields;
    fields.is_indicator = true;
    fields.id = id;
    fields.modified = entry.modified;
    fields.pattern = entry.pattern;
    fields.has_pattern_type = !entry.pattern_type.empty();
    fields.stix_pattern_type = entry.pattern_type == "stix";
    if (!entry.valid_until.empty()) fields.valid_until = entry.valid_until;
    builder.AddStixObject(fields, now_millis);
  }
}

Result<IndicatorSet> IndicatorSet::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path + ": " + std::strerror(errno));
  IndicatorSet set;
  std::string line;
  std::uint64_t number = 0;
  auto bad = [&](const std::string& why) {
    return InvalidArgument(path + " line " + std::to_string(number) +
                           " is not an indicator state file: " + why);
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.size() > kMaxLineBytes) return bad("line too long");
    auto parsed = ParseJson(line, JsonLimits{kMaxLineBytes, 8});
    if (!parsed.ok()) return bad(parsed.error().safe_message());
    const Json& object = *parsed;
    if (!object.is_object()) return bad("not a JSON object");
    if (number == 1) {
      const auto format = object.find("fincyber_indicator_set");
      if (format == object.end() || *format != kStateFormat) return bad("no format marker");
      set.source_ = StringMember(object, "source");
      set.position_ = StringMember(object, "position");
      continue;
    }
    if (StringMember(object, "type") != "indicator" || StringMember(object, "id").empty()) {
      return bad("not an indicator");
    }
    set.Add(object);
  }
  if (in.bad()) return Unavailable("reading " + path + " failed");
  if (number == 0) return bad("empty");
  return set;
}

Status IndicatorSet::Save(const std::string& path) const {
  const std::string temporary = path + ".tmp";
  // Shared indicators may be TLP:AMBER or RED: readable by this user only.
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot write " + temporary + ": " + std::strerror(errno));
  std::FILE* out = ::fdopen(fd, "w");
  if (out == nullptr) {
    ::close(fd);
    return Unavailable("cannot write " + temporary);
  }
  auto write_line = [out](const Json& value) {
    const std::string line = DumpJson(value);
    std::fwrite(line.data(), 1, line.size(), out);
    std::fputc('\n', out);
  };
  write_line(Json{{"fincyber_indicator_set", kStateFormat}, {"source", source_}, {"position", position_}});
  for (const auto& [id, entry] : entries_) write_line(ToObject(id, entry));
  const bool written = std::ferror(out) == 0;
  if (std::fclose(out) != 0 || !written) {
    std::remove(temporary.c_str());
    return Unavailable("cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temporary.c_str());
    return Unavailable("cannot replace " + path + ": " + why);
  }
  return OkStatus();
}

}  // namespace fincyber::detect
