#include "survey/bank_format.h"

#include <fmt/format.h>

#include <initializer_list>

#include "survey/internal/yaml_json.h"
#include "survey/problems.h"

namespace fincyber::survey {
namespace {

class Reader {
 public:
  Result<Bank> Read(const Json& json) {
    Bank bank;
    const std::string where = "bank";
    if (!Object(json, where, "bank")) return BankProblemsError(problems_);
    Fields(json, where,
           {"id", "version", "status", "title", "description", "target_level", "maturity_scale",
            "sections"});
    bank.id = String(json, "id", where, true);
    if (auto version = json.find("version");
        version != json.end() && version->is_number_integer()) {
      bank.version = std::to_string(version->get<std::int64_t>());
    } else {
      bank.version = String(json, "version", where, true);
    }
    if (auto status = json.find("status"); status != json.end()) {
      bank.status = Tag(*status, where, "status", ParseBankStatus).value_or(BankStatus::kDraft);
    }
    bank.title = ReadText(json, "title", where);
    bank.description = ReadText(json, "description", where);
    bank.target_level = Integer(json, "target_level", where, bank.target_level);
    bank.maturity_scale = ReadTexts(json, "maturity_scale", where);
    for (const auto& section : Array(json, "sections", where, true)) {
      bank.sections.push_back(ReadSection(section));
    }
    if (!problems_.empty()) return BankProblemsError(problems_);
    return bank;
  }

 private:
  void Problem(const std::string& where, std::string rule, std::string_view code,
               ProblemParams params = {}) {
    std::string message = ProblemText(code, params);
    problems_.push_back(
        {where, std::move(rule), std::move(message), std::string(code), std::move(params)});
  }

  bool Object(const Json& json, const std::string& where, std::string_view what) {
    if (json.is_object()) return true;
    Problem(where, "wrong_type", "bank.not_mapping", {{"what", std::string(what)}});
    return false;
  }

  void Fields(const Json& json, const std::string& where,
              std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : json.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Problem(where, "unknown_field", "bank.unknown_field", {{"field", key.substr(0, 64)}});
      }
    }
  }

  std::string String(const Json& json, std::string_view key, const std::string& where,
                     bool required) {
    auto found = json.find(key);
    if (found == json.end() || found->is_null()) {
      if (required)
        Problem(where, "required", "bank.field_required", {{"field", std::string(key)}});
      return {};
    }
    if (!found->is_string()) {
      Problem(where, "wrong_type", "bank.not_string", {{"field", std::string(key)}});
      return {};
    }
    return found->get<std::string>();
  }

  std::optional<double> Number(const Json& json, std::string_view key, const std::string& where) {
    auto found = json.find(key);
    if (found == json.end() || found->is_null()) return std::nullopt;
    if (!found->is_number()) {
      Problem(where, "wrong_type", "bank.not_number", {{"field", std::string(key)}});
      return std::nullopt;
    }
    return found->get<double>();
  }

  int Integer(const Json& json, std::string_view key, const std::string& where, int fallback) {
    auto found = json.find(key);
    if (found == json.end() || found->is_null()) return fallback;
    if (!found->is_number_integer() || found->get<std::int64_t>() < -1000000 ||
        found->get<std::int64_t>() > 1000000) {
      Problem(where, "wrong_type", "bank.not_small_integer", {{"field", std::string(key)}});
      return fallback;
    }
    return found->get<int>();
  }

  bool Bool(const Json& json, std::string_view key, const std::string& where, bool fallback) {
    auto found = json.find(key);
    if (found == json.end() || found->is_null()) return fallback;
    if (!found->is_boolean()) {
      Problem(where, "wrong_type", "bank.not_boolean", {{"field", std::string(key)}});
      return fallback;
    }
    return found->get<bool>();
  }

  const Json& Array(const Json& json, std::string_view key, const std::string& where,
                    bool required) {
    static const Json kEmpty = Json::array();
    auto found = json.find(key);
    if (found == json.end() || found->is_null()) {
      if (required)
        Problem(where, "required", "bank.field_required", {{"field", std::string(key)}});
      return kEmpty;
    }
    if (!found->is_array()) {
      Problem(where, "wrong_type", "bank.not_list", {{"field", std::string(key)}});
      return kEmpty;
    }
    return *found;
  }

  template <typename Parse>
  auto Tag(const Json& value, const std::string& where, std::string_view key, Parse parse)
      -> decltype(parse(std::string_view())) {
    if (!value.is_string()) {
      Problem(where, "wrong_type", "bank.not_name", {{"field", std::string(key)}});
      return std::nullopt;
    }
    auto parsed = parse(value.get_ref<const std::string&>());
    if (!parsed) {
      Problem(where, "unknown_tag", "bank.unknown_name",
              {{"value", value.get_ref<const std::string&>().substr(0, 64)},
               {"field", std::string(key)}});
    }
    return parsed;
  }

  Text TextOf(const Json& value, const std::string& where, std::string_view key) {
    Text text;
    if (!value.is_object()) {
      Problem(where, "wrong_type", "bank.not_text", {{"field", std::string(key)}});
      return text;
    }
    for (const auto& [language, member] : value.items()) {
      if (language != "ja" && language != "en") {
        Problem(where, "unknown_field", "bank.unknown_language",
                {{"field", std::string(key)}, {"language", language.substr(0, 16)}});
      } else if (!member.is_string()) {
        Problem(where, "wrong_type", "bank.text_not_string",
                {{"field", std::string(key)}, {"language", language}});
      } else {
        (language == "ja" ? text.ja : text.en) = member.get<std::string>();
      }
    }
    return text;
  }

  Text ReadText(const Json& json, std::string_view key, const std::string& where) {
    auto found = json.find(key);
    if (found == json.end() || found->is_null()) return {};
    return TextOf(*found, where, key);
  }

  std::vector<Text> ReadTexts(const Json& json, std::string_view key, const std::string& where) {
    std::vector<Text> texts;
    for (const auto& value : Array(json, key, where, false)) {
      texts.push_back(TextOf(value, where, key));
    }
    return texts;
  }

  Section ReadSection(const Json& json) {
    Section section;
    if (!Object(json, "section", "a section")) return section;
    section.id = String(json, "id", "section", true);
    const std::string where = fmt::format("section {}", section.id);
    Fields(json, where, {"id", "title", "items"});
    section.title = ReadText(json, "title", where);
    for (const auto& item : Array(json, "items", where, true)) {
      section.items.push_back(ReadItem(item));
    }
    return section;
  }

  Item ReadItem(const Json& json) {
    Item item;
    if (!Object(json, "item", "an item")) return item;
    item.id = String(json, "id", "item", true);
    const std::string where = fmt::format("item {}", item.id);
    Fields(json, where,
           {"id", "text", "help", "type", "levels", "choices", "number", "level", "weight",
            "not_applicable", "threats", "function", "area", "csf", "condition"});
    item.text = ReadText(json, "text", where);
    item.help = ReadText(json, "help", where);
    if (auto type = json.find("type"); type == json.end()) {
      Problem(where, "required", "bank.field_required", {{"field", "type"}});
    } else if (auto parsed = Tag(*type, where, "type", ParseAnswerType)) {
      item.type = *parsed;
    }
    item.levels = ReadTexts(json, "levels", where);
    for (const auto& choice : Array(json, "choices", where, false)) {
      if (!Object(choice, where, "a choice")) continue;
      Fields(choice, where, {"id", "label", "credit"});
      item.choices.push_back({String(choice, "id", where, true), ReadText(choice, "label", where),
                              Number(choice, "credit", where)});
    }
    if (auto number = json.find("number");
        number != json.end() && Object(*number, where, "number")) {
      Fields(*number, where, {"min", "max", "unit", "met_min", "met_max"});
      NumberSpec spec;
      auto min = Number(*number, "min", where);
      auto max = Number(*number, "max", where);
      if (!min || !max) Problem(where, "missing_range", "bank.number_needs_range");
      spec.min = min.value_or(0);
      spec.max = max.value_or(0);
      spec.unit = ReadText(*number, "unit", where);
      spec.met_min = Number(*number, "met_min", where);
      spec.met_max = Number(*number, "met_max", where);
      item.number = spec;
    }
    item.level = Integer(json, "level", where, item.level);
    item.weight = Number(json, "weight", where).value_or(item.weight);
    item.allow_not_applicable = Bool(json, "not_applicable", where, item.allow_not_applicable);
    for (const auto& threat : Array(json, "threats", where, false)) {
      if (auto parsed = Tag(threat, where, "threat", ParseThreat)) item.threats.push_back(*parsed);
    }
    if (auto function = json.find("function"); function == json.end()) {
      Problem(where, "required", "bank.field_required", {{"field", "function"}});
    } else if (auto parsed = Tag(*function, where, "function", ParseFunction)) {
      item.function = *parsed;
    }
    if (auto area = json.find("area"); area != json.end()) {
      if (auto parsed = Tag(*area, where, "area", ParseArea)) item.area = *parsed;
    }
    for (const auto& ref : Array(json, "csf", where, false)) {
      if (!ref.is_string()) {
        Problem(where, "wrong_type", "bank.csf_not_list");
      } else {
        item.csf.push_back(ref.get<std::string>());
      }
    }
    item.condition = String(json, "condition", where, false);
    return item;
  }

  std::vector<BankProblem> problems_;
};

Json TextToJson(const Text& text) {
  Json json = Json::object();
  if (!text.ja.empty()) json["ja"] = text.ja;
  if (!text.en.empty()) json["en"] = text.en;
  return json;
}

Json TextsToJson(const std::vector<Text>& texts) {
  Json json = Json::array();
  for (const auto& text : texts) json.push_back(TextToJson(text));
  return json;
}

Json ItemToJson(const Item& item) {
  const Item defaults;
  Json json = {{"id", item.id},
               {"text", TextToJson(item.text)},
               {"type", AnswerTypeName(item.type)},
               {"function", FunctionName(item.function)}};
  if (!item.help.empty()) json["help"] = TextToJson(item.help);
  if (!item.levels.empty()) json["levels"] = TextsToJson(item.levels);
  if (!item.choices.empty()) {
    Json choices = Json::array();
    for (const auto& choice : item.choices) {
      Json entry = {{"id", choice.id}, {"label", TextToJson(choice.label)}};
      if (choice.credit) entry["credit"] = *choice.credit;
      choices.push_back(std::move(entry));
    }
    json["choices"] = std::move(choices);
  }
  if (item.number) {
    Json number = {{"min", item.number->min}, {"max", item.number->max}};
    if (!item.number->unit.empty()) number["unit"] = TextToJson(item.number->unit);
    if (item.number->met_min) number["met_min"] = *item.number->met_min;
    if (item.number->met_max) number["met_max"] = *item.number->met_max;
    json["number"] = std::move(number);
  }
  if (item.level != defaults.level) json["level"] = item.level;
  if (item.weight != defaults.weight) json["weight"] = item.weight;
  if (item.allow_not_applicable != defaults.allow_not_applicable) {
    json["not_applicable"] = item.allow_not_applicable;
  }
  if (!item.threats.empty()) {
    Json threats = Json::array();
    for (Threat threat : item.threats) threats.push_back(ThreatName(threat));
    json["threats"] = std::move(threats);
  }
  if (item.area != defaults.area) json["area"] = AreaName(item.area);
  if (!item.csf.empty()) json["csf"] = item.csf;
  if (!item.condition.empty()) json["condition"] = item.condition;
  return json;
}

Result<CompiledBank> ReadAndCompile(const Result<Json>& json,
                                    const BankValidationOptions& options) {
  if (!json.ok()) return json.error();
  FC_ASSIGN_OR_RETURN(auto bank, BankFromJson(*json));
  return CompiledBank::Compile(std::move(bank), options);
}

}  // namespace

Result<Bank> BankFromJson(const Json& json) { return Reader().Read(json); }

Result<CompiledBank> ParseBankJson(std::string_view text, const BankValidationOptions& options,
                                   const BankFormatLimits& limits) {
  return ReadAndCompile(ParseJson(text, {limits.max_bytes, limits.max_depth}), options);
}

Result<CompiledBank> ParseBankYaml(std::string_view text, const BankValidationOptions& options,
                                   const BankFormatLimits& limits) {
  return ReadAndCompile(
      internal::YamlToJson(text, {limits.max_bytes, limits.max_depth, limits.max_yaml_nodes}),
      options);
}

Json BankToJson(const Bank& bank) {
  const Bank defaults;
  Json json = {{"id", bank.id},
               {"version", bank.version},
               {"status", BankStatusName(bank.status)},
               {"title", TextToJson(bank.title)}};
  if (!bank.description.empty()) json["description"] = TextToJson(bank.description);
  if (bank.target_level != defaults.target_level) json["target_level"] = bank.target_level;
  if (!bank.maturity_scale.empty()) json["maturity_scale"] = TextsToJson(bank.maturity_scale);
  Json sections = Json::array();
  for (const auto& section : bank.sections) {
    Json items = Json::array();
    for (const auto& item : section.items) items.push_back(ItemToJson(item));
    sections.push_back(
        {{"id", section.id}, {"title", TextToJson(section.title)}, {"items", std::move(items)}});
  }
  json["sections"] = std::move(sections);
  return json;
}

std::string BankToYaml(const Bank& bank) { return internal::JsonToYaml(BankToJson(bank)); }

}  // namespace fincyber::survey
