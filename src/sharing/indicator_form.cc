// Indicators written in the hub's form: the pattern check behind the editor, and the
// STIX object built server-side and added like any object a TAXII client posts.
#include <charconv>
#include <chrono>

#include "sharing/service.h"
#include "stix/pattern.h"

namespace fincyber::sharing {
namespace {

constexpr std::size_t kMaxName = 500;
constexpr std::size_t kMaxDescription = 10000;
constexpr std::size_t kMaxLabels = 50;
constexpr std::size_t kMaxLabelLength = 100;
constexpr std::size_t kMaxRecipients = 200;

// The parser's messages start "position N: ".
std::optional<int> PositionOf(std::string_view message) {
  constexpr std::string_view kPrefix = "position ";
  const auto at = message.find(kPrefix);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = message.data() + at + kPrefix.size();
  const char* last = message.data() + message.size();
  int position = 0;
  const auto [end, ec] = std::from_chars(first, last, position);
  if (ec != std::errc() || end == first || end == last || *end != ':') return std::nullopt;
  return position;
}

Status CheckForm(const NewIndicator& in) {
  if (in.name.empty() || in.name.size() > kMaxName) {
    return InvalidArgument("name must be 1 to 500 characters", {{"name", "1 to 500 characters"}});
  }
  if (in.description.size() > kMaxDescription) {
    return InvalidArgument("description is too long", {{"description", "too long"}});
  }
  if (in.labels.size() > kMaxLabels) {
    return InvalidArgument("at most 50 labels", {{"labels", "at most 50"}});
  }
  for (const auto& label : in.labels) {
    if (label.empty() || label.size() > kMaxLabelLength) {
      return InvalidArgument("labels must be 1 to 100 characters",
                             {{"labels", "1 to 100 characters"}});
    }
  }
  if (!in.recipients.empty() && in.tlp != stix::Tlp::kRed) {
    return InvalidArgument("recipients are named for TLP:RED only",
                           {{"recipients", "TLP:RED only"}});
  }
  if (in.recipients.size() > kMaxRecipients) {
    return InvalidArgument("too many recipients", {{"recipients", "at most 200"}});
  }
  const PatternCheck pattern = CheckPattern(in.pattern);
  if (!pattern.ok)
    return InvalidArgument("pattern: " + pattern.error, {{"pattern", pattern.error}});
  return OkStatus();
}

}  // namespace

PatternCheck CheckPattern(std::string_view pattern) {
  PatternCheck check;
  auto parsed = stix::ParsePattern(pattern);
  if (!parsed.ok()) {
    check.error = parsed.error().safe_message();
    check.position = PositionOf(check.error);
    return check;
  }
  check.ok = true;
  stix::PatternObservables named = stix::ObservablesOf(*parsed);
  check.observables = std::move(named.observables);
  check.rejected = std::move(named.rejected);
  return check;
}

Result<AddReport> SharingService::CreateIndicator(const identity::Principal& principal,
                                                  std::string_view collection_id,
                                                  const NewIndicator& indicator,
                                                  const RequestInfo& info) {
  FC_RETURN_IF_ERROR(CheckForm(indicator));
  const stix::Timestamp now =
      std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch())
          .count();
  const std::string created = stix::FormatTimestamp(now);
  Json object = {{"type", "indicator"},
                 {"spec_version", "2.1"},
                 {"id", stix::NewId("indicator")},
                 {"created", created},
                 {"modified", created},
                 {"name", indicator.name},
                 {"pattern", indicator.pattern},
                 {"pattern_type", "stix"},
                 {"valid_from", stix::FormatTimestamp(indicator.valid_from.value_or(now))},
                 {"object_marking_refs", {std::string(stix::Tlp2MarkingId(indicator.tlp))}}};
  if (!indicator.description.empty()) object["description"] = indicator.description;
  if (!indicator.labels.empty()) object["labels"] = indicator.labels;
  if (!indicator.recipients.empty())
    object[std::string(kRecipientsProperty)] = indicator.recipients;
  std::string raw = DumpJson(object);
  FC_ASSIGN_OR_RETURN(AddReport report, AddObjects(principal, collection_id,
                                                   {{std::move(object), std::move(raw)}}, info));
  if (!report.failures.empty()) {
    return InvalidArgument(report.failures.front().message,
                           {{"indicator", report.failures.front().message}});
  }
  return report;
}

}  // namespace fincyber::sharing
