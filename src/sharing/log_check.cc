#include "sharing/log_check.h"

#include <algorithm>
#include <map>

#include "base/json.h"
#include "detect/indicator_files.h"
#include "detect/report.h"

namespace fincyber::sharing {
namespace {

// The line cut at `max` bytes, on a character boundary.
std::string RecordText(std::string_view line, std::size_t max) {
  if (line.size() <= max) return std::string(line);
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
  return std::string(line.substr(0, end));
}

}  // namespace

Json ToJson(const LogCheckResult& result) {
  Json listed = Json::array();
  for (const LogCheckMatch& m : result.listed) {
    Json match = {{"line", m.line}, {"offset", m.offset},         {"indicator_id", m.indicator_id},
                  {"kind", m.kind}, {"observable", m.observable}, {"record", m.record}};
    if (!m.matched.empty()) match["matched"] = m.matched;
    if (m.record_truncated) match["record_truncated"] = true;
    listed.push_back(std::move(match));
  }
  Json by_indicator = Json::array();
  for (const LogCheckIndicator& i : result.by_indicator) {
    by_indicator.push_back(
        {{"indicator_id", i.indicator_id}, {"count", i.count}, {"first_line", i.first_line}});
  }
  return {{"format", detect::LogFormatName(result.format)},
          {"indicators", result.indicators},
          {"bytes", result.bytes},
          {"lines", result.lines},
          {"over_long_lines", result.over_long_lines},
          {"matches", result.matches},
          {"listed", std::move(listed)},
          {"listed_all", result.listed.size() == result.matches},
          {"by_indicator", std::move(by_indicator)}};
}

Result<LogCheckResult> LogChecker::Check(const identity::Principal& principal,
                                         std::string_view collection_id, std::string_view sample,
                                         detect::LogFormat format) {
  if (sample.size() > kMaxSampleBytes) {
    return InvalidArgument("a log sample may hold at most " +
                           std::to_string(kMaxSampleBytes >> 20) + " MiB");
  }
  FC_ASSIGN_OR_RETURN(const std::shared_ptr<const detect::Matcher> matcher,
                      MatcherFor(principal, collection_id));
  LogCheckResult result;
  result.indicators = matcher->indicator_count();
  result.bytes = sample.size();
  if (format == detect::LogFormat::kAuto) {
    format = detect::DetectLogFormat(sample.substr(0, sample.find('\n')));
  }
  result.format = format;
  detect::RecordReader reader(format, {}, kMaxLineBytes);
  detect::RecordMatcher record_matcher(*matcher);
  std::map<std::uint32_t, std::size_t> indicator_rows;  // indicator -> by_indicator index
  std::uint64_t line_number = 0;
  for (std::size_t begin = 0; begin < sample.size();) {
    std::size_t end = sample.find('\n', begin);
    if (end == std::string_view::npos) end = sample.size();
    std::string_view line = sample.substr(begin, end - begin);
    const std::uint64_t line_offset = begin;
    begin = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLineBytes) {
      ++result.over_long_lines;
      continue;
    }
    if (!reader.Read(line, record_matcher) || record_matcher.empty()) continue;
    const std::vector<detect::IndicatorHit>& hits = record_matcher.Resolve();
    for (const detect::IndicatorHit& hit : hits) {
      ++result.matches;
      auto [row, added] = indicator_rows.try_emplace(hit.indicator, result.by_indicator.size());
      if (added) {
        result.by_indicator.push_back(
            {std::string(matcher->IndicatorId(hit.indicator)), 0, line_number});
      }
      ++result.by_indicator[row->second].count;
      if (result.listed.size() >= kMaxListedMatches) continue;
      const bool located = hit.length > 0 && hit.offset + hit.length <= line.size();
      result.listed.push_back(
          {.line = line_number,
           .offset = line_offset + (located ? hit.offset : 0),
           .matched = located ? std::string(line.substr(hit.offset, hit.length)) : "",
           .indicator_id = std::string(matcher->IndicatorId(hit.indicator)),
           .kind = std::string(detect::KindName(matcher->ObservableKind(hit.observable))),
           .observable = std::string(matcher->ObservableValue(hit.observable)),
           .record = RecordText(line, kMaxRecordBytes),
           .record_truncated = line.size() > kMaxRecordBytes});
    }
  }
  result.lines = line_number;
  return result;
}

Result<std::shared_ptr<const detect::Matcher>> LogChecker::KeptMatcher(
    const identity::Principal& principal, std::string_view collection_id) {
  std::optional<Kept> found;
  {
    std::lock_guard lock(mutex_);
    const auto it = std::find_if(kept_.begin(), kept_.end(), [&](const Kept& k) {
      return k.collection_id == collection_id && k.org_id == principal.org_id;
    });
    if (it != kept_.end()) {
      kept_.splice(kept_.begin(), kept_, it);
      found = kept_.front();
    }
  }
  if (!found || clock_.Now() - found->built_at >= kMaxMatcherAge) {
    return std::shared_ptr<const detect::Matcher>();
  }
  // Asked every time: the collection may no longer be readable.
  FC_ASSIGN_OR_RETURN(const bool newer,
                      NewerObjectVisible(principal, collection_id, found->newest_date_added));
  return newer ? std::shared_ptr<const detect::Matcher>() : found->matcher;
}

Result<std::shared_ptr<const detect::Matcher>> LogChecker::MatcherFor(
    const identity::Principal& principal, std::string_view collection_id) {
  FC_ASSIGN_OR_RETURN(auto kept, KeptMatcher(principal, collection_id));
  if (kept) return kept;
  // One set compiled at a time: a set of 1,000,000 indicators takes about 200 MB while it
  // is built, and checks that all miss (many organisations, a collection that changes)
  // would otherwise build theirs at once.
  std::lock_guard compiling(compile_mutex_);
  // Another check may have compiled it meanwhile.
  FC_ASSIGN_OR_RETURN(kept, KeptMatcher(principal, collection_id));
  if (kept) return kept;
  FC_ASSIGN_OR_RETURN(Kept built, Compile(principal, collection_id));
  std::shared_ptr<const detect::Matcher> matcher = built.matcher;
  std::lock_guard lock(mutex_);
  std::erase_if(kept_, [&](const Kept& k) {
    return k.collection_id == built.collection_id && k.org_id == built.org_id;
  });
  kept_.push_front(std::move(built));
  std::size_t bytes = 0;
  std::size_t count = 0;
  for (auto it = kept_.begin(); it != kept_.end();) {
    bytes += it->matcher->MemoryBytes();
    ++count;
    // The newest stays even when it alone is over the byte limit: it is in use.
    if (it != kept_.begin() && (count > kMaxKeptMatchers || bytes > kMaxKeptMatcherBytes)) {
      it = kept_.erase(it);
    } else {
      ++it;
    }
  }
  return matcher;
}

Result<LogChecker::Kept> LogChecker::Compile(const identity::Principal& principal,
                                             std::string_view collection_id) {
  Kept kept{std::string(collection_id), principal.org_id, nullptr, 0, clock_.Now()};
  const std::int64_t now_millis = ToUnixMillis(kept.built_at);
  detect::MatcherBuilder builder;
  const detect::IndicatorFileOptions options{.now_millis = now_millis};
  detect::StixObjectLoader loader(options, builder);
  ObjectQuery query;
  query.types = {"indicator"};
  query.limit = kMaxPageSize;
  while (true) {
    FC_ASSIGN_OR_RETURN(ObjectPage page, hub_.ListObjects(principal, collection_id, query));
    for (const StoredObject& object : page.objects) {
      kept.newest_date_added = std::max(kept.newest_date_added, object.date_added);
      loader.Add(object.body);
    }
    if (!page.more) break;
    query.after = page.next;
  }
  FC_ASSIGN_OR_RETURN(std::unique_ptr<const detect::Matcher> matcher, builder.Build());
  kept.matcher = std::move(matcher);
  return kept;
}

Result<bool> LogChecker::NewerObjectVisible(const identity::Principal& principal,
                                            std::string_view collection_id, std::int64_t after) {
  ObjectQuery query;
  query.types = {"indicator"};
  query.limit = 1;
  query.versions.all = true;
  query.added_after = after;
  query.with_body = false;
  FC_ASSIGN_OR_RETURN(ObjectPage page, hub_.ListObjects(principal, collection_id, query));
  return !page.objects.empty();
}

}  // namespace fincyber::sharing
