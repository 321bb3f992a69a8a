#include "sharing/log_check.h"

#include <algorithm>
#include <unordered_map>

#include "base/json.h"
#include "detect/indicator_files.h"
#include "detect/report.h"
#include "detect/scan.h"

namespace fincyber::sharing {
namespace {

// Counts every match per indicator and keeps the first kMaxListedMatches.
class CheckSink final : public detect::MatchSink {
 public:
  explicit CheckSink(LogCheckResult& result) : result_(result) {}

  void Write(const std::vector<detect::Match>& matches) override {
    for (const detect::Match& m : matches) {
      const detect::Matcher& matcher = *m.matcher;
      auto [row, added] = rows_.try_emplace(m.hit.indicator, result_.by_indicator.size());
      if (added) {
        LogCheckIndicator& row = result_.by_indicator.emplace_back();
        row.indicator_id = matcher.IndicatorId(m.hit.indicator);
        row.first_line = m.line;
      }
      ++result_.by_indicator[row->second].count;
      if (result_.listed.size() >= LogChecker::kMaxListedMatches) continue;
      const bool located = m.hit.length > 0 && m.hit.offset + m.hit.length <= m.record.size();
      result_.listed.push_back(
          {.line = m.line,
           .offset = m.offset + (located ? m.hit.offset : 0),
           .matched = located ? m.record.substr(m.hit.offset, m.hit.length) : "",
           .indicator_id = matcher.IndicatorId(m.hit.indicator),
           .kind = std::string(detect::KindName(matcher.ObservableKind(m.hit.observable))),
           .observable = std::string(matcher.ObservableValue(m.hit.observable)),
           .record = m.record,
           .record_truncated = m.record_truncated});
    }
  }

 private:
  LogCheckResult& result_;
  std::unordered_map<std::uint32_t, std::size_t> rows_;  // indicator -> by_indicator index
};

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
    Json entry = {
        {"indicator_id", i.indicator_id}, {"count", i.count}, {"first_line", i.first_line}};
    if (!i.name.empty()) entry["name"] = i.name;
    by_indicator.push_back(std::move(entry));
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
  // 16 MiB of gzip may hold gigabytes of log.
  if (sample.starts_with("\x1f\x8b")) {
    return InvalidArgument("send the log sample uncompressed");
  }
  FC_ASSIGN_OR_RETURN(const std::shared_ptr<const detect::Matcher> matcher,
                      MatcherFor(principal, collection_id));
  // The sample is scanned as `fincyber match` scans a file holding it.
  LogCheckResult result;
  result.indicators = matcher->indicator_count();
  CheckSink sink(result);
  detect::ScanOptions options;
  options.format = format;
  options.max_line_bytes = kMaxLineBytes;
  options.record_bytes = kMaxRecordBytes;
  options.threads = 1;
  const detect::ScanSummary summary =
      detect::ScanText(*matcher, sample, "log sample", options, sink, clock_);
  const detect::InputSummary& input = summary.inputs.front();
  if (input.error) return *input.error;
  result.format = input.format;
  result.bytes = sample.size();
  result.lines = input.lines;
  result.over_long_lines = input.over_long_lines;
  result.matches = input.matches;
  FC_RETURN_IF_ERROR(NameIndicators(principal, collection_id, &result));
  return result;
}

Status LogChecker::NameIndicators(const identity::Principal& principal,
                                  std::string_view collection_id, LogCheckResult* result) {
  const std::size_t named = std::min(result->by_indicator.size(), kMaxNamedIndicators);
  std::unordered_map<std::string_view, std::size_t> index;  // id -> by_indicator row
  for (std::size_t i = 0; i < named; ++i) index.emplace(result->by_indicator[i].indicator_id, i);
  constexpr std::size_t kIdsPerQuery = 100;  // ListObjects' limit for one match list
  for (std::size_t begin = 0; begin < named; begin += kIdsPerQuery) {
    ObjectQuery query;
    query.limit = kMaxPageSize;
    query.types = {"indicator"};
    for (std::size_t i = begin; i < std::min(named, begin + kIdsPerQuery); ++i) {
      query.ids.push_back(result->by_indicator[i].indicator_id);
    }
    FC_ASSIGN_OR_RETURN(const ObjectPage page, hub_.ListObjects(principal, collection_id, query));
    for (const StoredObject& object : page.objects) {
      const auto row = index.find(object.id);
      if (row == index.end()) continue;
      auto body = ParseStoredBody(object);
      if (!body.ok() || !body->is_object()) continue;
      const auto name = body->find("name");
      if (name != body->end() && name->is_string()) {
        result->by_indicator[row->second].name = name->get<std::string>();
      }
    }
  }
  return OkStatus();
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
  if (newer) return std::shared_ptr<const detect::Matcher>();
  FC_ASSIGN_OR_RETURN(const std::int64_t deletions, hub_.CollectionDeletions(collection_id));
  return deletions == found->deletions ? found->matcher : std::shared_ptr<const detect::Matcher>();
}

LogChecker::~LogChecker() {
  stopping_ = true;
  if (compiler_.joinable()) compiler_.join();
}

Result<std::shared_ptr<const detect::Matcher>> LogChecker::MatcherFor(
    const identity::Principal& principal, std::string_view collection_id) {
  FC_ASSIGN_OR_RETURN(auto kept, KeptMatcher(principal, collection_id));
  if (kept) return kept;
  // Nothing kept: whether the collection may be read at all is answered before anything
  // is compiled for it.
  FC_RETURN_IF_ERROR(NewerObjectVisible(principal, collection_id, 0));
  const auto deadline = std::chrono::steady_clock::now() + compile_wait_;
  std::unique_lock lock(mutex_);
  while (true) {
    if (!job_) {
      // The previous compiler thread has marked its job done and no longer locks anything.
      if (compiler_.joinable()) compiler_.join();
      job_ = std::make_shared<Job>();
      job_->collection_id = collection_id;
      job_->org_id = principal.org_id;
      compiler_ = std::thread([this, job = job_, principal] { RunJob(job, principal); });
    }
    const std::shared_ptr<Job> job = job_;
    const bool ours = job->collection_id == collection_id && job->org_id == principal.org_id;
    if (compile_wait_.count() == 0 ||
        !job_done_.wait_until(lock, deadline, [&] { return job->done; })) {
      return Unavailable(
          "the collection's indicators are being compiled; try again in a few "
          "seconds");
    }
    if (ours) {
      if (!job->status.ok()) return job->status.error();
      return job->matcher;
    }
    // Another organisation's or collection's set was being compiled: ours is next.
  }
}

void LogChecker::RunJob(const std::shared_ptr<Job>& job, const identity::Principal& principal) {
  Result<Kept> built = Compile(principal, job->collection_id);
  std::lock_guard lock(mutex_);
  if (built.ok()) {
    job->matcher = built->matcher;
    Keep(std::move(built).value());
  } else {
    job->status = std::move(built).error();
  }
  job->done = true;
  job_.reset();
  job_done_.notify_all();
}

void LogChecker::Keep(Kept built) {
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
}

Result<LogChecker::Kept> LogChecker::Compile(const identity::Principal& principal,
                                             std::string_view collection_id) {
  Kept kept{std::string(collection_id), principal.org_id, nullptr, 0, 0, clock_.Now()};
  // Read first: a deletion while the set is built makes the next check build it again.
  FC_ASSIGN_OR_RETURN(kept.deletions, hub_.CollectionDeletions(collection_id));
  const std::int64_t now_millis = ToUnixMillis(kept.built_at);
  detect::MatcherBuilder builder;
  const detect::IndicatorFileOptions options{.now_millis = now_millis};
  detect::StixObjectLoader loader(options, builder);
  ObjectQuery query;
  query.types = {"indicator"};
  query.limit = kMaxPageSize;
  while (true) {
    if (stopping_) return Unavailable("the hub is stopping");
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
