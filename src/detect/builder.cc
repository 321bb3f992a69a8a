// Compiling indicators: patterns become conditions over distinct observables, and the
// observables become the lookup tables of internal/compiled.h.
#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "base/clock.h"
#include "detect/internal/compiled.h"
#include "detect/internal/modified_time.h"
#include "detect/matcher.h"
#include "stix/pattern.h"
#include "stix/uuid.h"

namespace fincyber::detect {

namespace internal {

IndicatorIdKey::IndicatorIdKey(std::string_view id) : text_(id) {
  constexpr std::string_view kPrefix = "indicator--";
  if (id.size() != kPrefix.size() + 36 || !id.starts_with(kPrefix)) return;
  const std::string_view uuid = id.substr(kPrefix.size());
  // An upper-case digit would not come back as it was written: such an id stays text.
  for (const std::size_t at : {0, 8, 16, 24, 28}) {
    std::uint64_t word;
    std::memcpy(&word, uuid.data() + at, sizeof word);
    if (LowerAscii8(word) != word) return;
  }
  const std::optional<stix::UuidBytes> bytes = stix::ParseUuid(uuid);
  if (!bytes) return;
  std::memcpy(uuid_.data(), bytes->data(), uuid_.size());
  compact_ = true;
}

std::string CompactIndicatorIdText(std::string_view uuid) {
  stix::UuidBytes bytes;
  std::memcpy(bytes.data(), uuid.data(), bytes.size());
  return "indicator--" + stix::FormatUuid(bytes);
}

}  // namespace internal

namespace {

using internal::Compiled;
using internal::ExprNode;
using internal::HashFolded;
using internal::kNone;
using internal::StringRef;
using stix::ObservableKind;

using internal::kUnknownTime;
constexpr std::array<std::size_t, 6> kHashLengths = {32, 40, 56, 64, 96, 128};

// Of the text whatever form the id is kept in, so that preparing an object on another
// thread needs no key.
std::uint64_t HashIndicatorId(std::string_view id) { return internal::Hash(id); }

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

// The host of a normalised URL ("http://user@host:8080/p" -> "host"), or "" when the URL
// has no authority ("mailto:...", "file:///...").
std::string_view UrlHost(std::string_view url) {
  const char* const end = url.data() + url.size();
  const char* authority = url.data();
  while (true) {  // to the first "://"
    const auto* colon = static_cast<const char*>(std::memchr(authority, ':', end - authority));
    if (colon == nullptr) return {};
    authority = colon + 1;
    if (end - authority >= 2 && authority[0] == '/' && authority[1] == '/') break;
  }
  authority += 2;
  // One pass over the authority, each byte looked up once: where it ends, the last '@'
  // and the first ':' after it (a loop, not find_first_of: that calls memchr per byte).
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> special{};
    for (const unsigned char c : {'/', '?', '#', '@', ':'}) special[c] = true;
    return special;
  }();
  const char* host = authority;
  const char* port = nullptr;
  const char* p = authority;
  for (; p < end; ++p) {
    const char c = *p;
    if (!kSpecial[static_cast<unsigned char>(c)]) continue;
    if (c == '/' || c == '?' || c == '#') break;
    if (c == '@') {
      host = p + 1;
      port = nullptr;
    } else if (port == nullptr) {
      port = p;
    }
  }
  const std::string_view rest(host, static_cast<std::size_t>(p - host));
  if (!rest.empty() && rest.front() == '[') return rest.substr(0, rest.find(']') + 1);
  return port == nullptr ? rest : rest.substr(0, static_cast<std::size_t>(port - host));
}

bool IsDottedQuad(std::string_view host) {
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

// The last two labels of a lower-case name, or the name when it has one label.
std::string_view LastTwoLabels(std::string_view name) {
  const std::size_t last = name.rfind('.');
  if (last == std::string_view::npos || last == 0) return name;
  const std::size_t second = name.rfind('.', last - 1);
  return second == std::string_view::npos ? name : name.substr(second + 1);
}

std::uint32_t PrefixOfRange(const std::string& first, const std::string& last) {
  std::uint32_t prefix = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    const auto differ = static_cast<unsigned char>(first[i] ^ last[i]);
    if (differ == 0) {
      prefix += 8;
      continue;
    }
    for (int bit = 7; bit >= 0 && !(differ & (1 << bit)); --bit) ++prefix;
    break;
  }
  return prefix;
}

// A condition while compiling: a leaf, AND/OR, or `never` (cannot be decided on a record).
struct Condition {
  ExprNode::Op op = ExprNode::Op::kObservable;
  std::uint32_t observable = 0;
  std::vector<Condition> operands;
  bool never = false;

  static Condition Never() {
    Condition c;
    c.never = true;
    return c;
  }
  bool IsAnyOfObservables() const {
    if (op == ExprNode::Op::kObservable) return true;
    if (op != ExprNode::Op::kOr) return false;
    return std::all_of(operands.begin(), operands.end(),
                       [](const Condition& c) { return c.op == ExprNode::Op::kObservable; });
  }
};

// Joins operands with AND/OR, dropping what cannot be decided: a never-true operand makes
// an AND never true and is left out of an OR.
Condition Join(ExprNode::Op op, std::vector<Condition> operands) {
  std::vector<Condition> kept;
  for (Condition& operand : operands) {
    if (operand.never) {
      if (op == ExprNode::Op::kAnd) return Condition::Never();
      continue;
    }
    if (operand.op == op) {  // flatten a chain of the same operator
      for (Condition& inner : operand.operands) kept.push_back(std::move(inner));
    } else {
      kept.push_back(std::move(operand));
    }
  }
  if (kept.empty()) return Condition::Never();
  if (kept.size() == 1) return std::move(kept.front());
  Condition joined;
  joined.op = op;
  joined.operands = std::move(kept);
  return joined;
}

void CollectObservables(const Condition& condition, std::vector<std::uint32_t>* out) {
  if (condition.op == ExprNode::Op::kObservable) {
    out->push_back(condition.observable);
    return;
  }
  for (const Condition& operand : condition.operands) CollectObservables(operand, out);
}

// Below this many observables, compiling on one thread costs less than starting another.
constexpr std::size_t kTwoThreadCompileObservables = 4096;

// Runs `first` here and `second` on a thread of its own (both here when `two_threads` is
// false or no thread is to be had), and throws what either threw.
template <typename First, typename Second>
void RunBoth(bool two_threads, const First& first, const Second& second) {
  std::thread thread;
  std::exception_ptr second_failed;
  if (two_threads) {
    try {
      thread = std::thread([&] {
        try {
          second();
        } catch (...) {
          second_failed = std::current_exception();
        }
      });
    } catch (const std::system_error&) {
    }
  }
  if (!thread.joinable()) {
    first();
    second();
    return;
  }
  try {
    first();
  } catch (...) {
    thread.join();
    throw;
  }
  thread.join();
  if (second_failed) std::rethrow_exception(second_failed);
}

std::string Describe(const stix::Comparison& comparison) {
  stix::ComparisonExpr expression;
  expression.comparison = comparison;
  std::string text = stix::ToString(expression);
  if (text.size() > 200) text = text.substr(0, 200) + "...";
  return text;
}

}  // namespace

struct MatcherBuilder::State {
  std::unique_ptr<Compiled> compiled = std::make_unique<Compiled>();
  internal::HashIndex id_index;          // indicator id -> indicators[]
  internal::HashIndex observable_index;  // (kind, value) -> observables[]
  // Observables of "any of" indicators, as chains: first_link[indicator] -> links.
  struct Link {
    std::uint32_t observable;
    std::uint32_t next;
  };
  std::vector<Link> links;
  std::vector<std::uint32_t> first_link;
  std::vector<std::int64_t> modified;  // per indicator, Unix ms or kUnknownTime
  struct IpRange {
    std::uint32_t observable;
    std::string first;
    std::string last;
  };
  std::vector<IpRange> ip_ranges;
  SimplePaths simple_paths;
  PreparedStixObject prepared_object;  // reused from object to object

  // `hash` is HashIndicatorId(id).
  std::uint32_t FindIndicator(std::string_view id, std::uint64_t hash) const {
    std::optional<internal::IndicatorIdKey> key;  // read only when a slot's tag matches
    return id_index.Find(hash, [&](std::uint32_t i) {
      if (!key) key.emplace(id);
      return compiled->IndicatorIdIs(i, *key);
    });
  }

  // `hash` is HashIndicatorId(id).
  std::uint32_t AddIndicator(std::string_view id, std::uint64_t hash) {
    const auto index = static_cast<std::uint32_t>(compiled->indicators.size());
    internal::Indicator indicator;
    indicator.id = compiled->AddIndicatorId(internal::IndicatorIdKey(id));
    compiled->indicators.push_back(indicator);
    first_link.push_back(kNone);
    modified.push_back(kUnknownTime);
    id_index.Insert(hash, index,
                    [&](std::uint32_t i) { return HashIndicatorId(compiled->IndicatorIdText(i)); });
    return index;
  }

  static std::uint64_t ObservableHash(ObservableKind kind, std::string_view value) {
    return internal::Hash(value) ^ (static_cast<std::uint64_t>(kind) * 0x9E3779B97F4A7C15ULL);
  }

  // The index of a distinct observable, or kNone with `why` when logs cannot show it.
  std::uint32_t InternObservable(const stix::Observable& observable, std::string* why) {
    return InternObservable(observable, ObservableHash(observable.kind, observable.value), why);
  }
  // The same, `hash` being ObservableHash(observable.kind, observable.value).
  std::uint32_t InternObservable(const stix::Observable& observable, std::uint64_t hash,
                                 std::string* why) {
    switch (observable.kind) {
      case ObservableKind::kDomain:
      case ObservableKind::kIpv4:
      case ObservableKind::kIpv6:
      case ObservableKind::kEmail:
        break;
      case ObservableKind::kUrl:
        if (UrlHost(observable.value).empty()) {
          *why = "a URL without a host is not found in log records";
          return kNone;
        }
        break;
      case ObservableKind::kHash:
        if (!IsHex(observable.value) ||
            std::find(kHashLengths.begin(), kHashLengths.end(), observable.value.size()) ==
                kHashLengths.end()) {
          *why = observable.path + " values are not found in log records";
          return kNone;
        }
        break;
      case ObservableKind::kOther:
        *why = observable.type + ":" + observable.path + " is not found in log records";
        return kNone;
    }
    const std::uint32_t found = observable_index.Find(hash, [&](std::uint32_t o) {
      const internal::ObservableEntry& entry = compiled->observables[o];
      return entry.kind == observable.kind && compiled->Text(entry.value) == observable.value;
    });
    if (found != kNone) return found;
    const auto index = static_cast<std::uint32_t>(compiled->observables.size());
    internal::ObservableEntry entry;
    entry.kind = observable.kind;
    entry.value = StringRef{compiled->arena.Add(observable.value),
                            static_cast<std::uint32_t>(observable.value.size())};
    compiled->observables.push_back(entry);
    observable_index.Insert(hash, index, [&](std::uint32_t o) {
      const internal::ObservableEntry& e = compiled->observables[o];
      return ObservableHash(e.kind, compiled->Text(e.value));
    });
    if (observable.kind == ObservableKind::kIpv4 || observable.kind == ObservableKind::kIpv6) {
      ip_ranges.push_back(IpRange{index, observable.range_first, observable.range_last});
    }
    return index;
  }

  Condition ConvertComparison(const stix::Comparison& comparison,
                              std::vector<std::string>* dropped) {
    const bool decidable_op = comparison.op == stix::ComparisonOp::kEqual ||
                              comparison.op == stix::ComparisonOp::kIn ||
                              comparison.op == stix::ComparisonOp::kIsSubset;
    if (comparison.negated || !decidable_op) {
      dropped->push_back(Describe(comparison) + " (only =, IN and ISSUBSET are matched)");
      return Condition::Never();
    }
    const std::string path = stix::PropertyPathToString(comparison.path);
    std::vector<Condition> alternatives;
    for (const stix::Constant& constant : comparison.values) {
      if (constant.kind != stix::ConstantKind::kString) {
        dropped->push_back(Describe(comparison) + " (not a string value)");
        continue;
      }
      auto observable =
          stix::NormaliseObservable(comparison.path.object_type, path, constant.text);
      if (!observable.ok()) {
        dropped->push_back(Describe(comparison) + " (" + observable.error().safe_message() + ")");
        continue;
      }
      const bool ip = observable->kind == ObservableKind::kIpv4 ||
                      observable->kind == ObservableKind::kIpv6;
      if (comparison.op == stix::ComparisonOp::kIsSubset && !ip) {
        dropped->push_back(Describe(comparison) + " (ISSUBSET applies to IP addresses)");
        continue;
      }
      std::string why;
      const std::uint32_t index = InternObservable(*observable, &why);
      if (index == kNone) {
        dropped->push_back(Describe(comparison) + " (" + why + ")");
        continue;
      }
      Condition leaf;
      leaf.observable = index;
      alternatives.push_back(std::move(leaf));
    }
    return Join(ExprNode::Op::kOr, std::move(alternatives));
  }

  Condition Convert(const stix::ComparisonExpr& expression, std::vector<std::string>* dropped) {
    if (expression.kind == stix::ComparisonExpr::Kind::kComparison) {
      return ConvertComparison(expression.comparison, dropped);
    }
    std::vector<Condition> operands;
    for (const auto& operand : expression.operands) operands.push_back(Convert(operand, dropped));
    return Join(expression.kind == stix::ComparisonExpr::Kind::kAnd ? ExprNode::Op::kAnd
                                                                    : ExprNode::Op::kOr,
                std::move(operands));
  }

  // Only OR joins observations here: the pattern passed NeedsOf(...).SingleRecord().
  Condition Convert(const stix::ObservationExpr& expression, std::vector<std::string>* dropped) {
    if (expression.kind == stix::ObservationExpr::Kind::kObservation) {
      return Convert(expression.comparison, dropped);
    }
    std::vector<Condition> operands;
    for (const auto& operand : expression.operands) operands.push_back(Convert(operand, dropped));
    return Join(ExprNode::Op::kOr, std::move(operands));
  }

  std::uint32_t StoreExpr(Condition condition) {
    ExprNode node;
    node.op = condition.op;
    node.observable = condition.observable;
    for (Condition& operand : condition.operands) {
      node.operands.push_back(StoreExpr(std::move(operand)));
    }
    compiled->exprs.push_back(std::move(node));
    return static_cast<std::uint32_t>(compiled->exprs.size() - 1);
  }

  // Sets what an indicator matches, replacing what an earlier version set.
  void SetCondition(std::uint32_t indicator, Condition condition) {
    first_link[indicator] = kNone;
    compiled->indicators[indicator].expr = kNone;
    if (condition.IsAnyOfObservables()) {
      std::vector<std::uint32_t> observables;
      CollectObservables(condition, &observables);
      for (auto it = observables.rbegin(); it != observables.rend(); ++it) AddLink(indicator, *it);
    } else {
      compiled->indicators[indicator].expr = StoreExpr(std::move(condition));
    }
  }

  void AddLink(std::uint32_t indicator, std::uint32_t observable) {
    links.push_back(Link{observable, first_link[indicator]});
    first_link[indicator] = static_cast<std::uint32_t>(links.size() - 1);
  }
};

namespace {

// The value of a pattern of the form [type:path = 'value'], normalised into `out`; false
// for a pattern of another form or a value that does not normalise.
bool NormaliseSimplePattern(std::string_view pattern, MatcherBuilder::SimplePaths& paths,
                            stix::Observable* out) {
  stix::SimpleEquality& simple = paths.equality();
  if (!stix::MatchSimpleEquality(pattern, &simple)) return false;
  const stix::ObservablePath* path = paths.Find(simple.path);
  return path != nullptr && path->NormaliseInto(simple.value, out).ok();
}

}  // namespace

const stix::ObservablePath* MatcherBuilder::SimplePaths::Find(std::string_view text) {
  for (const auto& [known, path] : paths_) {
    if (known == text) return path ? &*path : nullptr;
  }
  if (paths_.size() >= kMax) return nullptr;
  auto parsed = stix::ParseObjectPath(text);
  auto& added = paths_.emplace_back(std::string(text), std::nullopt);
  if (parsed.ok()) added.second.emplace(*parsed);
  return added.second ? &*added.second : nullptr;
}

MatcherBuilder::MatcherBuilder() : state_(std::make_unique<State>()) {}
MatcherBuilder::~MatcherBuilder() = default;

void MatcherBuilder::Warn(std::string_view indicator_id, std::string message) {
  if (report_.warnings.size() >= LoadReport::kMaxWarnings) {
    ++report_.warnings_dropped;
    return;
  }
  report_.warnings.push_back(LoadWarning{std::string(indicator_id), std::move(message)});
}

void MatcherBuilder::Reserve(std::size_t indicators) {
  State& state = *state_;
  const std::size_t total = state.compiled->indicators.size() + indicators;
  if (state.id_index.size() == 0) state.id_index.Reserve(total);
  if (state.observable_index.size() == 0) state.observable_index.Reserve(total);
  internal::ReserveOnHugePages(state.compiled->indicators, total);
  internal::ReserveOnHugePages(state.compiled->observables, total);
  internal::ReserveOnHugePages(state.first_link, total);
  internal::ReserveOnHugePages(state.modified, total);
  internal::ReserveOnHugePages(state.links, total);
}

void MatcherBuilder::AddObservable(std::string_view indicator_id,
                                   const stix::Observable& observable) {
  AddObservable(indicator_id, observable, Prepare(indicator_id, observable));
}

MatcherBuilder::Prepared MatcherBuilder::Prepare(std::string_view indicator_id,
                                                 const stix::Observable& observable) {
  return Prepared{HashIndicatorId(indicator_id),
                  State::ObservableHash(observable.kind, observable.value)};
}

void MatcherBuilder::Prefetch(const Prepared& prepared) const {
  state_->id_index.Prefetch(prepared.id_hash);
  state_->observable_index.Prefetch(prepared.observable_hash);
}

void MatcherBuilder::AddObservable(std::string_view indicator_id,
                                   const stix::Observable& observable, const Prepared& prepared) {
  std::string why;
  const std::uint32_t index =
      state_->InternObservable(observable, prepared.observable_hash, &why);
  if (index == kNone) {
    ++report_.invalid;
    Warn(indicator_id, "not used: " + why);
    return;
  }
  const std::uint64_t id_hash = prepared.id_hash;
  std::uint32_t indicator = state_->FindIndicator(indicator_id, id_hash);
  if (indicator == kNone) {
    indicator = state_->AddIndicator(indicator_id, id_hash);
  } else if (state_->compiled->indicators[indicator].expr != kNone) {
    ++report_.invalid;
    Warn(indicator_id, "observable " + observable.value +
                           " not used: the indicator is also given as a compound pattern");
    return;
  }
  state_->AddLink(indicator, index);
}

bool MatcherBuilder::AddSimplePattern(std::string_view indicator_id, std::uint64_t id_hash,
                                      std::uint32_t existing, std::string_view pattern,
                                      std::uint32_t* indicator) {
  stix::Observable& observable = state_->simple_paths.normalised();
  if (!NormaliseSimplePattern(pattern, state_->simple_paths, &observable)) return false;
  return AddNormalisedValue(indicator_id, id_hash, existing, observable,
                            State::ObservableHash(observable.kind, observable.value), indicator);
}

bool MatcherBuilder::AddNormalisedValue(std::string_view indicator_id, std::uint64_t id_hash,
                                        std::uint32_t existing, const stix::Observable& observable,
                                        std::uint64_t observable_hash, std::uint32_t* indicator) {
  std::string why;
  Condition leaf;
  leaf.observable = state_->InternObservable(observable, observable_hash, &why);
  if (leaf.observable == kNone) return false;
  *indicator = existing;
  if (*indicator == kNone) {
    *indicator = state_->AddIndicator(indicator_id, id_hash);
  } else {
    ++report_.superseded;
  }
  state_->SetCondition(*indicator, std::move(leaf));
  return true;
}

void MatcherBuilder::AddPattern(std::string_view indicator_id, std::string_view pattern) {
  const std::uint64_t id_hash = HashIndicatorId(indicator_id);
  AddPatternTo(indicator_id, id_hash, state_->FindIndicator(indicator_id, id_hash), pattern);
}

std::uint32_t MatcherBuilder::AddPatternTo(std::string_view indicator_id, std::uint64_t id_hash,
                                           std::uint32_t existing, std::string_view pattern) {
  std::uint32_t indicator = kNone;
  if (AddSimplePattern(indicator_id, id_hash, existing, pattern, &indicator)) return indicator;
  return AddParsedPattern(indicator_id, id_hash, existing, pattern);
}

std::uint32_t MatcherBuilder::AddParsedPattern(std::string_view indicator_id,
                                               std::uint64_t id_hash, std::uint32_t existing,
                                               std::string_view pattern) {
  auto parsed = stix::ParsePattern(pattern);
  if (!parsed.ok()) {
    ++report_.invalid;
    Warn(indicator_id, "not used: the pattern is invalid: " + parsed.error().safe_message());
    return existing;
  }
  const stix::PatternNeeds needs = stix::NeedsOf(*parsed);
  if (!needs.SingleRecord()) {
    std::string what;
    auto add = [&](bool present, std::string_view name) {
      if (!present) return;
      if (!what.empty()) what += ", ";
      what += name;
    };
    add(needs.observation_and, "AND between observations");
    add(needs.followed_by, "FOLLOWEDBY");
    add(needs.within, "WITHIN");
    add(needs.repeats, "REPEATS");
    add(needs.start_stop, "START/STOP");
    ++report_.needs_state;
    Warn(indicator_id, "not used: " + what + " cannot be decided on one log record");
    return existing;
  }
  std::vector<std::string> dropped;
  Condition condition = state_->Convert(parsed->root, &dropped);
  if (condition.never) {
    ++report_.invalid;
    std::string message = "not used: no comparison can be decided on a log record";
    if (!dropped.empty()) message += ": " + dropped.front();
    Warn(indicator_id, std::move(message));
    return existing;
  }
  if (!dropped.empty()) {
    ++report_.partly_used;
    std::string message = "used without";
    for (std::size_t i = 0; i < dropped.size() && i < 3; ++i) {
      message += (i == 0 ? " " : "; ") + dropped[i];
    }
    if (dropped.size() > 3) message += "; and " + std::to_string(dropped.size() - 3) + " more";
    Warn(indicator_id, std::move(message));
  }
  std::uint32_t indicator = existing;
  if (indicator == kNone) {
    indicator = state_->AddIndicator(indicator_id, id_hash);
  } else {
    ++report_.superseded;
  }
  state_->SetCondition(indicator, std::move(condition));
  return indicator;
}

StixObjectFields StixObjectFieldsOf(const Json& object) {
  StixObjectFields fields;
  if (!object.is_object()) return fields;
  const auto string_of = [&](const char* key) -> std::optional<std::string_view> {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return std::string_view(it->get_ref<const std::string&>());
  };
  fields.is_indicator = string_of("type") == "indicator";
  if (!fields.is_indicator) return fields;
  fields.id = string_of("id");
  const auto revoked = object.find("revoked");
  fields.revoked = revoked != object.end() && revoked->is_boolean() && revoked->get<bool>();
  fields.valid_until = string_of("valid_until");
  fields.has_pattern_type = object.contains("pattern_type");
  fields.stix_pattern_type = string_of("pattern_type") == "stix";
  fields.pattern = string_of("pattern");
  fields.modified = string_of("modified");
  return fields;
}

void MatcherBuilder::AddStixObject(const Json& object, std::int64_t now_millis) {
  AddStixObject(StixObjectFieldsOf(object), now_millis);
}

void MatcherBuilder::AddStixObject(const StixObjectFields& object, std::int64_t now_millis) {
  PreparedStixObject& prepared = state_->prepared_object;
  PrepareStixObject(object, now_millis, state_->simple_paths, &prepared);
  AddPrepared(prepared);
}

void MatcherBuilder::PrepareStixObject(const StixObjectFields& object, std::int64_t now_millis,
                                       SimplePaths& paths, PreparedStixObject* out) {
  using Verdict = PreparedStixObject::Verdict;
  out->simple = false;
  out->verdict = Verdict::kIgnored;
  if (!object.is_indicator) return;
  out->verdict = Verdict::kNoId;
  if (!object.id) return;
  out->verdict = Verdict::kRevokedOrExpired;
  if (object.revoked) return;
  if (object.valid_until) {
    const auto until = ParseRfc3339Millis(*object.valid_until);
    if (until && *until <= now_millis) return;
  }
  // STIX 2.0 indicators have no pattern_type; their patterns are STIX patterns.
  out->verdict = Verdict::kNotStix;
  if (object.has_pattern_type && !object.stix_pattern_type) return;
  // What is hashed is read from the parser's text and from a value normalised in this
  // thread's cache, not from `out`: the loading thread read `out` last, and a read right
  // after a copy into it waits until its cache lines have come over.
  out->prepared.id_hash = HashIndicatorId(*object.id);
  out->id.assign(*object.id);
  out->verdict = Verdict::kNoPattern;
  if (!object.pattern) return;
  out->verdict = Verdict::kIndicator;
  out->modified = object.modified ? internal::ModifiedMillis(*object.modified) : kUnknownTime;
  out->pattern.assign(*object.pattern);
  stix::Observable& normalised = paths.normalised();
  if (!NormaliseSimplePattern(*object.pattern, paths, &normalised)) return;
  out->simple = true;
  out->prepared.observable_hash = State::ObservableHash(normalised.kind, normalised.value);
  swap(out->observable, normalised);  // each keeps the other's storage for reuse
}

void MatcherBuilder::AddPrepared(const PreparedStixObject& object) {
  using Verdict = PreparedStixObject::Verdict;
  switch (object.verdict) {
    case Verdict::kIgnored:
      return;
    case Verdict::kNoId:
      ++report_.invalid;
      Warn("", "not used: an indicator without an id");
      return;
    case Verdict::kRevokedOrExpired:
      ++report_.revoked_or_expired;
      return;
    case Verdict::kNotStix:
      ++report_.not_stix_patterns;
      return;
    case Verdict::kNoPattern:
      ++report_.invalid;
      Warn(object.id, "not used: no pattern");
      return;
    case Verdict::kIndicator:
      break;
  }
  const std::uint64_t id_hash = object.prepared.id_hash;
  const std::uint32_t existing = state_->FindIndicator(object.id, id_hash);
  if (existing != kNone && state_->modified[existing] >= object.modified) {
    ++report_.superseded;
    return;
  }
  // The simple form was tried when the object was prepared: a pattern without it, or
  // whose value cannot be matched, goes to the parser, which reports why.
  std::uint32_t added = kNone;
  if (!object.simple || !AddNormalisedValue(object.id, id_hash, existing, object.observable,
                                            object.prepared.observable_hash, &added)) {
    added = AddParsedPattern(object.id, id_hash, existing, object.pattern);
  }
  if (added != kNone) state_->modified[added] = object.modified;
}

Result<std::unique_ptr<const Matcher>> MatcherBuilder::Build(int threads) {
  try {
    // The indicators' state is freed while the exception leaves Compile, which leaves
    // room for the error.
    return Compile(std::exchange(state_, std::make_unique<State>()), threads);
  } catch (const std::bad_alloc&) {
    return ResourceExhausted("not enough memory to compile the indicators");
  }
}

Result<std::unique_ptr<const Matcher>> MatcherBuilder::Compile(std::unique_ptr<State> state,
                                                               int threads) {
  Compiled& c = *state->compiled;
  state->id_index = {};
  state->observable_index = {};

  // Which indicators each observable takes part in (CSR), from the any-of chains and the
  // compound expressions.
  const std::size_t observable_count = c.observables.size();
  std::vector<std::uint32_t> counts(observable_count + 1, 0);
  std::vector<std::uint32_t> expr_observables;
  auto for_each_ref = [&](auto&& visit) {
    for (std::uint32_t i = 0; i < c.indicators.size(); ++i) {
      for (std::uint32_t l = state->first_link[i]; l != kNone; l = state->links[l].next) {
        visit(state->links[l].observable, i << 1);
      }
      if (c.indicators[i].expr == kNone) continue;
      expr_observables.clear();
      std::vector<std::uint32_t> stack{c.indicators[i].expr};
      while (!stack.empty()) {
        const ExprNode& node = c.exprs[stack.back()];
        stack.pop_back();
        if (node.op == ExprNode::Op::kObservable) {
          expr_observables.push_back(node.observable);
        } else {
          stack.insert(stack.end(), node.operands.begin(), node.operands.end());
        }
      }
      std::sort(expr_observables.begin(), expr_observables.end());
      expr_observables.erase(std::unique(expr_observables.begin(), expr_observables.end()),
                             expr_observables.end());
      for (std::uint32_t o : expr_observables) visit(o, (i << 1) | 1);
    }
  };
  for_each_ref([&](std::uint32_t o, std::uint32_t) { ++counts[o + 1]; });
  for (std::size_t o = 0; o < observable_count; ++o) counts[o + 1] += counts[o];
  c.ref_begin = counts;
  c.refs.assign(counts.back(), 0);
  std::vector<std::uint32_t> next(counts.begin(), counts.end() - 1);
  for_each_ref([&](std::uint32_t o, std::uint32_t ref) { c.refs[next[o]++] = ref; });
  // Chains were built newest first; report alternatives in the order given.
  for (std::size_t o = 0; o < observable_count; ++o) {
    std::sort(c.refs.begin() + c.ref_begin[o], c.refs.begin() + c.ref_begin[o + 1]);
  }
  state->links = {};
  state->first_link = {};
  state->modified = {};

  std::uint64_t used = 0;
  {
    std::vector<bool> has_condition(c.indicators.size(), false);
    for (std::uint32_t r : c.refs) has_condition[r >> 1] = true;
    used = static_cast<std::uint64_t>(std::count(has_condition.begin(), has_condition.end(), true));
  }
  report_.indicators = used;
  if (used == 0) return InvalidArgument("no usable indicator: nothing to match");

  // Host names, then the indexes of URLs, e-mail addresses and hashes, the host filters
  // and the address ranges. The indexes are sized once from the counts (growing would
  // hash every name again), and the slot of the name a few observables ahead is
  // prefetched: with a million names nearly every lookup misses the cache.
  auto host_name_of = [&](std::uint32_t o) -> std::string_view {
    if (c.ref_begin[o] == c.ref_begin[o + 1]) return {};
    const std::string_view value = c.Text(c.observables[o].value);
    switch (c.observables[o].kind) {
      case ObservableKind::kDomain:
        return value;
      case ObservableKind::kUrl:
        return UrlHost(value);
      case ObservableKind::kEmail:
        return value.substr(value.rfind('@') + 1);
      default:
        return {};
    }
  };
  std::size_t host_names = 0;
  {
    std::size_t counts_by_kind[7] = {};
    for (std::uint32_t o = 0; o < observable_count; ++o) {
      if (c.ref_begin[o] != c.ref_begin[o + 1]) {
        ++counts_by_kind[static_cast<int>(c.observables[o].kind)];
      }
    }
    const auto count_of = [&](ObservableKind kind) { return counts_by_kind[static_cast<int>(kind)]; };
    host_names = count_of(ObservableKind::kDomain) + count_of(ObservableKind::kUrl) +
                 count_of(ObservableKind::kEmail);
    c.hosts.reserve(host_names);
    c.host_index.Reserve(host_names);
    c.url_index.Reserve(count_of(ObservableKind::kUrl));
    c.email_index.Reserve(count_of(ObservableKind::kEmail));
    c.hash_index.Reserve(count_of(ObservableKind::kHash));
  }
  constexpr std::uint32_t kAhead = 8;
  // The distinct host names, each with what names it (domain, URL host, e-mail domain).
  auto index_hosts = [&] {
    std::array<std::uint64_t, kAhead> host_hash_ahead{};
    std::array<std::string_view, kAhead> host_name_ahead{};
    auto look_ahead = [&](std::uint32_t o) {
      if (o >= observable_count) return;
      const std::string_view name = host_name_of(o);
      host_name_ahead[o % kAhead] = name;
      host_hash_ahead[o % kAhead] = name.empty() ? 0 : HashFolded(name);
      if (!name.empty()) c.host_index.Prefetch(host_hash_ahead[o % kAhead]);
    };
    for (std::uint32_t o = 0; o < kAhead; ++o) look_ahead(o);
    std::uint64_t host_hash = 0;  // of the host of the observable being compiled
    auto host_of = [&](StringRef ref) -> internal::HostEntry& {
      const std::string_view name = c.Text(ref);
      const std::uint64_t hash = host_hash;
      const std::uint32_t found =
          c.host_index.Find(hash, [&](std::uint32_t h) { return c.Text(c.hosts[h].name) == name; });
      if (found != kNone) return c.hosts[found];
      internal::HostEntry entry;
      entry.name = ref;
      c.hosts.push_back(entry);
      c.host_index.Insert(hash, static_cast<std::uint32_t>(c.hosts.size() - 1),
                          [&](std::uint32_t h) { return HashFolded(c.Text(c.hosts[h].name)); });
      return c.hosts.back();
    };
    // `name` lies inside the arena string `within`: refer to it without a copy.
    auto sub_ref = [&](StringRef within, std::string_view name) {
      const std::string_view whole = c.Text(within);
      return StringRef{within.handle + static_cast<std::uint32_t>(name.data() - whole.data()),
                       static_cast<std::uint32_t>(name.size())};
    };
    for (std::uint32_t o = 0; o < observable_count; ++o) {
      host_hash = host_hash_ahead[o % kAhead];
      const std::string_view host_name = host_name_ahead[o % kAhead];
      look_ahead(o + kAhead);
      if (c.ref_begin[o] == c.ref_begin[o + 1]) continue;  // only in superseded versions
      const internal::ObservableEntry& entry = c.observables[o];
      const std::string_view value = c.Text(entry.value);
      switch (entry.kind) {
        case ObservableKind::kDomain: {
          internal::HostEntry& host = host_of(entry.value);
          host.domain = o;
          if (value.find('.') == std::string_view::npos) c.has_single_label_domains = true;
          ++report_.domains;
          break;
        }
        case ObservableKind::kUrl: {
          internal::HostEntry& host = host_of(sub_ref(entry.value, host_name));
          host.url_host = true;
          if (IsDottedQuad(host_name)) {
            c.has_ip_url_hosts = true;
          } else if (host_name.front() == '[' || host_name.find('.') == std::string_view::npos) {
            c.has_unusual_url_hosts = true;
          }
          ++report_.urls;
          break;
        }
        case ObservableKind::kEmail: {
          host_of(sub_ref(entry.value, host_name)).email_domain = true;
          ++report_.emails;
          break;
        }
        default:
          break;
      }
    }
  };
  auto index_ranges = [&] {
    // IP ranges. Ranges inside ::ffff:0:0/96 are IPv4 ranges; an IPv6 range holding that
    // whole block holds every IPv4 address.
    static constexpr std::array<unsigned char, 16> kMappedBlock = {0, 0, 0,    0,    0, 0, 0, 0,
                                                                   0, 0, 0xFF, 0xFF, 0, 0, 0, 0};
    std::vector<bool> ipv6_prefix_used(129, false);
    for (const State::IpRange& range : state->ip_ranges) {
      if (c.ref_begin[range.observable] == c.ref_begin[range.observable + 1]) continue;
      ++report_.ip_ranges;
      const std::uint32_t prefix = PrefixOfRange(range.first, range.last);
      std::array<unsigned char, 16> first{};
      std::copy(range.first.begin(), range.first.begin() + 16, first.begin());
      if (prefix >= 96 && internal::MaskIpv6(first, 96) == kMappedBlock) {
        const std::uint32_t v4_prefix = prefix - 96;
        if (v4_prefix == 0) {
          c.ipv4_everything.push_back(range.observable);
          continue;
        }
        const std::uint32_t network = (std::uint32_t{first[12]} << 24) |
                                      (std::uint32_t{first[13]} << 16) |
                                      (std::uint32_t{first[14]} << 8) | first[15];
        if (c.ipv4_prefixes_by_block.empty()) c.ipv4_prefixes_by_block.assign(65536, 0);
        const std::uint32_t first_block = network >> 16;
        const std::uint32_t last_block =
            v4_prefix >= 16 ? first_block : first_block + (1u << (16 - v4_prefix)) - 1;
        for (std::uint32_t b = first_block; b <= last_block; ++b) {
          c.ipv4_prefixes_by_block[b] |= 1u << (v4_prefix - 1);
        }
        const std::uint64_t key = internal::Ipv4Key(network, v4_prefix);
        const auto entry_index = static_cast<std::uint32_t>(c.ipv4.size());
        const std::uint32_t same =
            c.ipv4_index.Find(internal::HashIpv4Key(key), [&](std::uint32_t e) {
              return c.ipv4[e].network == network && c.ipv4[e].prefix == v4_prefix;
            });
        c.ipv4.push_back(internal::Ipv4Entry{network, v4_prefix, range.observable, kNone});
        if (same != kNone) {
          c.ipv4[entry_index].next = c.ipv4[same].next;
          c.ipv4[same].next = entry_index;
        } else {
          c.ipv4_index.Insert(internal::HashIpv4Key(key), entry_index, [&](std::uint32_t e) {
            return internal::HashIpv4Key(internal::Ipv4Key(c.ipv4[e].network, c.ipv4[e].prefix));
          });
        }
        continue;
      }
      c.has_ipv6 = true;
      if (prefix < 96 && internal::MaskIpv6(kMappedBlock, prefix) == first) {
        c.ipv4_everything.push_back(range.observable);
      }
      ipv6_prefix_used[prefix] = true;
      const auto entry_index = static_cast<std::uint32_t>(c.ipv6.size());
      const std::uint64_t hash = internal::HashIpv6Key(first, prefix);
      const std::uint32_t same = c.ipv6_index.Find(hash, [&](std::uint32_t e) {
        return c.ipv6[e].network == first && c.ipv6[e].prefix == prefix;
      });
      c.ipv6.push_back(internal::Ipv6Entry{first, prefix, range.observable, kNone});
      if (same != kNone) {
        c.ipv6[entry_index].next = c.ipv6[same].next;
        c.ipv6[same].next = entry_index;
      } else {
        c.ipv6_index.Insert(hash, entry_index, [&](std::uint32_t e) {
          return internal::HashIpv6Key(c.ipv6[e].network, c.ipv6[e].prefix);
        });
      }
    }
    if (!c.ipv4_prefixes_by_block.empty()) {
      const auto set_bit = [](std::vector<std::uint64_t>& bits, std::size_t bit) {
        bits[bit / 64] |= 1ULL << (bit % 64);
      };
      // The text of numbers, in words as the scan reads it.
      const auto text_words = [](std::initializer_list<std::uint32_t> numbers) {
        std::string text;
        for (const std::uint32_t number : numbers) {
          if (!text.empty()) text += '.';
          text += std::to_string(number);
        }
        std::array<std::uint64_t, 2> words{};
        std::memcpy(words.data(), text.data(), text.size());
        return words;
      };
      c.ipv4_block_bits.assign(65536 / 64, 0);
      c.ipv4_wide_block_bits.assign(65536 / 64, 0);
      constexpr std::uint32_t kWiderThan24 = (1u << 23) - 1;  // bits of prefixes 1 to 23
      for (std::uint32_t b = 0; b < 65536; ++b) {
        const std::uint32_t prefixes = c.ipv4_prefixes_by_block[b];
        if (prefixes == 0) continue;
        const std::size_t bit = internal::Ipv4BlockTextBit(text_words({b >> 8, b & 255})[0]);
        set_bit(c.ipv4_block_bits, bit);
        if ((prefixes & kWiderThan24) != 0) set_bit(c.ipv4_wide_block_bits, bit);
      }
      c.ipv4_network_bits.assign(internal::kIpv4NetworkBits / 64, 0);
      for (const internal::Ipv4Entry& entry : c.ipv4) {
        if (entry.prefix < 24) continue;
        const std::uint32_t n = entry.network;
        const auto words = text_words({n >> 24, (n >> 16) & 255, (n >> 8) & 255});
        set_bit(c.ipv4_network_bits, internal::Ipv4NetworkTextBit(words[0], words[1]));
      }
    }
    for (int p = 128; p >= 0; --p) {
      if (ipv6_prefix_used[static_cast<std::size_t>(p)]) {
        c.ipv6_prefixes.push_back(static_cast<std::uint32_t>(p));
      }
    }
  };
  // The rest touches none of what index_hosts writes. The host filters take every host
  // name as it comes (adding a name twice changes neither), sized for that count.
  auto index_the_rest = [&] {
    c.host_bloom.Init(host_names);
    std::array<std::uint64_t, kAhead> url_hash_ahead{};
    std::array<std::uint64_t, kAhead> bloom_hash_ahead{};
    std::array<std::string_view, kAhead> host_name_ahead{};
    auto look_ahead = [&](std::uint32_t o) {
      if (o >= observable_count) return;
      const std::string_view name = host_name_of(o);
      host_name_ahead[o % kAhead] = name;
      if (name.empty()) return;
      bloom_hash_ahead[o % kAhead] = HashFolded(LastTwoLabels(name));
      c.host_bloom.Prefetch(bloom_hash_ahead[o % kAhead]);
      if (c.observables[o].kind == ObservableKind::kUrl) {
        url_hash_ahead[o % kAhead] = internal::Hash(c.Text(c.observables[o].value));
        c.url_index.Prefetch(url_hash_ahead[o % kAhead]);
      }
    };
    for (std::uint32_t o = 0; o < kAhead; ++o) look_ahead(o);
    for (std::uint32_t o = 0; o < observable_count; ++o) {
      const std::uint64_t url_hash = url_hash_ahead[o % kAhead];
      const std::uint64_t bloom_hash = bloom_hash_ahead[o % kAhead];
      const std::string_view host_name = host_name_ahead[o % kAhead];
      look_ahead(o + kAhead);
      if (c.ref_begin[o] == c.ref_begin[o + 1]) continue;  // only in superseded versions
      const internal::ObservableEntry& entry = c.observables[o];
      const std::string_view value = c.Text(entry.value);
      switch (entry.kind) {
        case ObservableKind::kUrl:
          c.url_index.Insert(url_hash, o, [&](std::uint32_t u) {
            return internal::Hash(c.Text(c.observables[u].value));
          });
          break;
        case ObservableKind::kEmail:
          c.email_index.Insert(internal::Hash(value), o, [&](std::uint32_t e) {
            return internal::Hash(c.Text(c.observables[e].value));
          });
          break;
        case ObservableKind::kHash:
          c.has_hashes = true;
          c.hash_index.Insert(internal::Hash(value), o, [&](std::uint32_t h) {
            return internal::Hash(c.Text(c.observables[h].value));
          });
          ++report_.hashes;
          break;
        default:
          break;
      }
      if (entry.kind == ObservableKind::kDomain || entry.kind == ObservableKind::kUrl ||
          entry.kind == ObservableKind::kEmail) {
        c.host_bloom.Add(bloom_hash);
        c.last_label_filter.Add(HashFolded(host_name.substr(host_name.rfind('.') + 1)));
      }
    }
    index_ranges();
  };
  // Each half is about 0.1 s of cache misses with a million indicators.
  RunBoth(threads > 1 && observable_count >= kTwoThreadCompileObservables, index_hosts,
          index_the_rest);
  return std::unique_ptr<const Matcher>(new Matcher(std::move(state->compiled)));
}

Matcher::Matcher(std::unique_ptr<internal::Compiled> compiled) : compiled_(std::move(compiled)) {}
Matcher::~Matcher() = default;

std::size_t Matcher::indicator_count() const { return compiled_->indicators.size(); }
std::string Matcher::IndicatorId(std::uint32_t indicator) const {
  return compiled_->IndicatorIdText(indicator);
}
std::size_t Matcher::observable_count() const { return compiled_->observables.size(); }
stix::ObservableKind Matcher::ObservableKind(std::uint32_t observable) const {
  return compiled_->observables[observable].kind;
}
std::string_view Matcher::ObservableValue(std::uint32_t observable) const {
  return compiled_->Text(compiled_->observables[observable].value);
}

std::size_t Matcher::MemoryBytes() const {
  const Compiled& c = *compiled_;
  std::size_t bytes =
      c.arena.MemoryBytes() + c.indicators.capacity() * sizeof(internal::Indicator) +
      c.observables.capacity() * sizeof(internal::ObservableEntry) + c.ref_begin.capacity() * 4 +
      c.refs.capacity() * 4 + c.host_bloom.MemoryBytes() + c.last_label_filter.MemoryBytes() +
      c.host_index.MemoryBytes() +
      (c.ipv4_block_bits.capacity() + c.ipv4_wide_block_bits.capacity() +
       c.ipv4_network_bits.capacity()) *
          8 +
      c.hosts.capacity() * sizeof(internal::HostEntry) + c.url_index.MemoryBytes() +
      c.email_index.MemoryBytes() + c.hash_index.MemoryBytes() + c.ipv4_index.MemoryBytes() +
      c.ipv4.capacity() * sizeof(internal::Ipv4Entry) + c.ipv4_prefixes_by_block.capacity() * 4 +
      c.ipv6_index.MemoryBytes() + c.ipv6.capacity() * sizeof(internal::Ipv6Entry);
  for (const ExprNode& node : c.exprs) bytes += sizeof(ExprNode) + node.operands.capacity() * 4;
  return bytes;
}

}  // namespace fincyber::detect
