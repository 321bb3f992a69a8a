#include "survey/internal/yaml_json.h"

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <regex>
#include <sstream>

#include "base/utf8.h"

namespace fincyber::survey::internal {
namespace {

// Thrown inside the event handler to stop yaml-cpp's parser; caught in YamlToJson.
struct Refused {
  Error error;
};

Json ResolvePlain(const std::string& value) {
  static const std::regex kInteger("[-+]?[0-9]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL") {
    return nullptr;
  }
  if (value == "true" || value == "True" || value == "TRUE") return true;
  if (value == "false" || value == "False" || value == "FALSE") return false;
  if (value.size() <= 32 && std::regex_match(value, kInteger)) {
    std::int64_t number = 0;
    const char* begin = value.data() + (value.front() == '+' ? 1 : 0);
    const auto [end, error] = std::from_chars(begin, value.data() + value.size(), number);
    if (error == std::errc() && end == value.data() + value.size()) return number;
  }
  if (value.size() <= 64 && std::regex_match(value, kFloat)) {
    const double number = std::strtod(value.c_str(), nullptr);
    if (std::isfinite(number)) return number;
  }
  return value;
}

class JsonBuilder : public YAML::EventHandler {
 public:
  explicit JsonBuilder(const YamlLimits& limits) : limits_(limits) {}

  Json Take() { return std::move(root_); }
  bool done() const { return done_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override { done_ = true; }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Put(mark, nullptr); }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    Refuse(mark, "YAML aliases are not accepted");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                const std::string& value) override {
    if (tag == "?") {
      Put(mark, ResolvePlain(value));
    } else if (tag == "!" || tag == "tag:yaml.org,2002:str") {
      Put(mark, value);
    } else {
      Refuse(mark, "YAML tags are not accepted");
    }
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Open(mark, tag, Json::array());
  }
  void OnSequenceEnd() override { stack_.pop_back(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Open(mark, tag, Json::object());
  }
  void OnMapEnd() override {
    if (stack_.back().key) Refuse({}, "mapping ends after a key without a value");
    stack_.pop_back();
  }

 private:
  struct Frame {
    Json* value;
    std::optional<std::string> key;  // mappings: the key waiting for its value
  };

  [[noreturn]] void Refuse(const YAML::Mark& mark, std::string_view what) {
    throw Refused{InvalidArgument(fmt::format("YAML line {}: {}", mark.line + 1, what))};
  }

  void Count(const YAML::Mark& mark) {
    if (++nodes_ > limits_.max_nodes) {
      throw Refused{ResourceExhausted(
          fmt::format("YAML line {}: more than {} values", mark.line + 1, limits_.max_nodes))};
    }
  }

  // Places `value` where the parser is and returns where it went.
  Json* Put(const YAML::Mark& mark, Json value) {
    Count(mark);
    if (stack_.empty()) {
      if (done_ || !root_.is_null()) Refuse(mark, "only one YAML document is accepted");
      root_ = std::move(value);
      return &root_;
    }
    Frame& frame = stack_.back();
    if (frame.value->is_array()) {
      frame.value->push_back(std::move(value));
      return &frame.value->back();
    }
    if (!frame.key) {
      if (!value.is_string()) {
        if (value.is_structured()) Refuse(mark, "mapping keys must be plain values");
        value = value.is_null() ? std::string() : value.dump();
      }
      std::string key = value.get<std::string>();
      if (frame.value->contains(key))
        Refuse(mark, fmt::format("duplicate key '{}'", key.substr(0, 64)));
      frame.key = std::move(key);
      return nullptr;
    }
    Json& slot = (*frame.value)[*frame.key];
    frame.key.reset();
    slot = std::move(value);
    return &slot;
  }

  void Open(const YAML::Mark& mark, const std::string& tag, Json empty) {
    if (tag != "?" && tag != "!" && !tag.empty()) Refuse(mark, "YAML tags are not accepted");
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      Refuse(mark, fmt::format("nested deeper than {} levels", limits_.max_depth));
    }
    if (!stack_.empty() && stack_.back().value->is_object() && !stack_.back().key) {
      Refuse(mark, "mapping keys must be plain values");
    }
    Json* slot = Put(mark, std::move(empty));
    stack_.push_back({slot, std::nullopt});
  }

  const YamlLimits& limits_;
  Json root_;
  std::vector<Frame> stack_;
  std::size_t nodes_ = 0;
  bool done_ = false;
};

// Keys in the order an author reads them (id first, Japanese before English); any other
// key follows in alphabetical order.
int KeyRank(std::string_view key) {
  static constexpr std::array<std::string_view, 32> kOrder = {"id",
                                                              "version",
                                                              "status",
                                                              "title",
                                                              "description",
                                                              "target_level",
                                                              "maturity_scale",
                                                              "text",
                                                              "label",
                                                              "help",
                                                              "type",
                                                              "levels",
                                                              "choices",
                                                              "number",
                                                              "min",
                                                              "max",
                                                              "unit",
                                                              "met_min",
                                                              "met_max",
                                                              "credit",
                                                              "level",
                                                              "weight",
                                                              "not_applicable",
                                                              "threats",
                                                              "function",
                                                              "area",
                                                              "csf",
                                                              "condition",
                                                              "sections",
                                                              "items",
                                                              "ja",
                                                              "en"};
  const auto found = std::find(kOrder.begin(), kOrder.end(), key);
  return static_cast<int>(found - kOrder.begin());
}

void Emit(YAML::Emitter& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: {
      std::vector<std::pair<int, std::string>> keys;
      for (const auto& [key, member] : value.items()) keys.emplace_back(KeyRank(key), key);
      std::stable_sort(keys.begin(), keys.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      out << YAML::BeginMap;
      for (const auto& [rank, key] : keys) {
        out << YAML::Key << key << YAML::Value;
        Emit(out, value.at(key));
      }
      out << YAML::EndMap;
      break;
    }
    case Json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& member : value) Emit(out, member);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string:
      out << YAML::DoubleQuoted << value.get<std::string>();
      break;
    case Json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      break;
    case Json::value_t::number_integer:
      out << value.get<std::int64_t>();
      break;
    case Json::value_t::number_unsigned:
      out << value.get<std::uint64_t>();
      break;
    case Json::value_t::number_float:
      out << value.dump();
      break;
    default:
      out << YAML::Null;
      break;
  }
}

}  // namespace

Result<Json> YamlToJson(std::string_view text, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted(fmt::format("YAML text of {} bytes exceeds the limit of {} bytes",
                                         text.size(), limits.max_bytes));
  }
  if (auto bad = FindInvalidUtf8(text)) {
    return InvalidArgument(fmt::format("invalid UTF-8 at byte {}", *bad));
  }
  std::istringstream stream{std::string(text)};
  JsonBuilder builder(limits);
  try {
    YAML::Parser parser(stream);
    if (!parser.HandleNextDocument(builder)) return InvalidArgument("empty YAML document");
    // A second document is refused rather than silently ignored.
    JsonBuilder rest(limits);
    if (parser.HandleNextDocument(rest)) {
      return InvalidArgument("only one YAML document is accepted");
    }
  } catch (const Refused& refused) {
    return refused.error;
  } catch (const YAML::Exception& e) {
    return InvalidArgument(fmt::format("YAML line {}: {}", e.mark.line + 1, e.msg));
  }
  return builder.Take();
}

std::string JsonToYaml(const Json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  Emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace fincyber::survey::internal
