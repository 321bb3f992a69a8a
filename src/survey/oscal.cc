#include "survey/oscal.h"

#include <fmt/format.h>

#include <pugixml.hpp>

#include "base/json.h"
#include "base/utf8.h"
#include "survey/csf.h"
#include "survey/mission_bank.h"
#include "survey/problems.h"

namespace fincyber::survey {
namespace {

// The parts of a catalog an import needs, from either syntax.
struct OscalControl {
  std::string id;
  std::string control_class;
  std::string title;
  std::string statement;
  bool has_example = false;
  bool status_withdrawn = false;
  std::vector<OscalControl> controls;
};

struct OscalGroup {
  std::string id;
  std::string title;
  std::vector<OscalControl> controls;
  std::vector<OscalGroup> groups;
};

struct OscalCatalog {
  std::string title;
  std::vector<OscalGroup> groups;
  std::vector<OscalControl> controls;  // controls outside any group
};

std::string CollapseSpaces(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// A catalog refused whole; its detail under "source" names the problem for translation.
Error NotACatalog(std::string_view code, ProblemParams params = {}) {
  FieldProblem problem = Problem("source", code, std::move(params));
  std::string message = problem.problem;
  return InvalidArgument(std::move(message), {std::move(problem)});
}

Error TooDeep(int max_depth) {
  return NotACatalog("oscal.too_deep", {{"max", std::to_string(max_depth)}});
}

// ---- XML ----

std::string XmlText(const pugi::xml_node& node) {
  struct Collector : pugi::xml_tree_walker {
    std::string text;
    bool for_each(pugi::xml_node& node) override {
      if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
        text += node.value();
        text += ' ';
      }
      return true;
    }
  } collector;
  const_cast<pugi::xml_node&>(node).traverse(collector);
  return CollapseSpaces(collector.text);
}

Result<OscalControl> XmlControl(const pugi::xml_node& node, int depth, int max_depth) {
  if (depth > max_depth) return TooDeep(max_depth);
  OscalControl control;
  control.id = node.attribute("id").value();
  control.control_class = node.attribute("class").value();
  control.title = CollapseSpaces(node.child("title").text().get());
  for (auto prop : node.children("prop")) {
    if (std::string_view(prop.attribute("name").value()) == "status" &&
        std::string_view(prop.attribute("value").value()) == "withdrawn") {
      control.status_withdrawn = true;
    }
  }
  for (auto part : node.children("part")) {
    const std::string_view name = part.attribute("name").value();
    if (name == "statement") control.statement = XmlText(part);
    if (name == "example") control.has_example = true;
  }
  for (auto child : node.children("control")) {
    FC_ASSIGN_OR_RETURN(auto sub, XmlControl(child, depth + 1, max_depth));
    control.controls.push_back(std::move(sub));
  }
  return control;
}

Result<OscalGroup> XmlGroup(const pugi::xml_node& node, int depth, int max_depth) {
  if (depth > max_depth) return TooDeep(max_depth);
  OscalGroup group;
  group.id = node.attribute("id").value();
  group.title = CollapseSpaces(node.child("title").text().get());
  for (auto child : node.children("group")) {
    FC_ASSIGN_OR_RETURN(auto sub, XmlGroup(child, depth + 1, max_depth));
    group.groups.push_back(std::move(sub));
  }
  for (auto child : node.children("control")) {
    FC_ASSIGN_OR_RETURN(auto control, XmlControl(child, depth + 1, max_depth));
    group.controls.push_back(std::move(control));
  }
  return group;
}

// pugixml parses without recursion, so only the walk above needs a depth bound.
Result<OscalCatalog> ReadXml(std::string_view xml, const OscalImportOptions& options) {
  pugi::xml_document document;
  const auto parsed = document.load_buffer(
      xml.data(), xml.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!parsed) {
    return NotACatalog("oscal.malformed_xml",
                       {{"byte", std::to_string(parsed.offset)}, {"reason", parsed.description()}});
  }
  for (auto node : document.children()) {
    if (node.type() == pugi::node_doctype) {
      return NotACatalog("oscal.doctype");
    }
  }
  const auto root = document.document_element();
  if (std::string_view(root.name()) != "catalog") {
    return NotACatalog("oscal.root_not_catalog");
  }
  OscalCatalog catalog;
  catalog.title = CollapseSpaces(root.child("metadata").child("title").text().get());
  for (auto child : root.children("group")) {
    FC_ASSIGN_OR_RETURN(auto group, XmlGroup(child, 1, options.max_depth));
    catalog.groups.push_back(std::move(group));
  }
  for (auto child : root.children("control")) {
    FC_ASSIGN_OR_RETURN(auto control, XmlControl(child, 1, options.max_depth));
    catalog.controls.push_back(std::move(control));
  }
  return catalog;
}

// ---- JSON ----

std::string JsonString(const Json& object, std::string_view key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? CollapseSpaces(found->get<std::string>())
                                                     : std::string();
}

const Json& JsonList(const Json& object, std::string_view key) {
  static const Json kEmpty = Json::array();
  auto found = object.find(key);
  return found != object.end() && found->is_array() ? *found : kEmpty;
}

std::string JsonPartText(const Json& part) {
  std::string text = JsonString(part, "prose");
  for (const auto& sub : JsonList(part, "parts")) {
    if (sub.is_object()) text += " " + JsonPartText(sub);
  }
  return CollapseSpaces(text);
}

Result<OscalControl> JsonControl(const Json& json, int depth, int max_depth) {
  if (depth > max_depth) return TooDeep(max_depth);
  if (!json.is_object()) return NotACatalog("oscal.control_not_object");
  OscalControl control;
  control.id = JsonString(json, "id");
  control.control_class = JsonString(json, "class");
  control.title = JsonString(json, "title");
  for (const auto& prop : JsonList(json, "props")) {
    if (prop.is_object() && JsonString(prop, "name") == "status" &&
        JsonString(prop, "value") == "withdrawn") {
      control.status_withdrawn = true;
    }
  }
  for (const auto& part : JsonList(json, "parts")) {
    if (!part.is_object()) continue;
    const std::string name = JsonString(part, "name");
    if (name == "statement") control.statement = JsonPartText(part);
    if (name == "example") control.has_example = true;
  }
  for (const auto& child : JsonList(json, "controls")) {
    FC_ASSIGN_OR_RETURN(auto sub, JsonControl(child, depth + 1, max_depth));
    control.controls.push_back(std::move(sub));
  }
  return control;
}

Result<OscalGroup> JsonGroup(const Json& json, int depth, int max_depth) {
  if (depth > max_depth) return TooDeep(max_depth);
  if (!json.is_object()) return NotACatalog("oscal.group_not_object");
  OscalGroup group;
  group.id = JsonString(json, "id");
  group.title = JsonString(json, "title");
  for (const auto& child : JsonList(json, "groups")) {
    FC_ASSIGN_OR_RETURN(auto sub, JsonGroup(child, depth + 1, max_depth));
    group.groups.push_back(std::move(sub));
  }
  for (const auto& child : JsonList(json, "controls")) {
    FC_ASSIGN_OR_RETURN(auto control, JsonControl(child, depth + 1, max_depth));
    group.controls.push_back(std::move(control));
  }
  return group;
}

Result<OscalCatalog> ReadJson(std::string_view text, const OscalImportOptions& options) {
  // Nesting of an OSCAL document is about three JSON levels per catalog level.
  FC_ASSIGN_OR_RETURN(auto json, ParseJson(text, {options.max_bytes, 3 * options.max_depth + 8}));
  if (!json.is_object() || !json.contains("catalog") || !json["catalog"].is_object()) {
    return NotACatalog("oscal.no_catalog_object");
  }
  const Json& root = json["catalog"];
  OscalCatalog catalog;
  if (auto metadata = root.find("metadata"); metadata != root.end() && metadata->is_object()) {
    catalog.title = JsonString(*metadata, "title");
  }
  for (const auto& child : JsonList(root, "groups")) {
    FC_ASSIGN_OR_RETURN(auto group, JsonGroup(child, 1, options.max_depth));
    catalog.groups.push_back(std::move(group));
  }
  for (const auto& child : JsonList(root, "controls")) {
    FC_ASSIGN_OR_RETURN(auto control, JsonControl(child, 1, options.max_depth));
    catalog.controls.push_back(std::move(control));
  }
  return catalog;
}

// ---- catalog to bank ----

class BankBuilder {
 public:
  explicit BankBuilder(const OscalImportOptions& options) : options_(options) {}

  Result<OscalImport> Build(const OscalCatalog& catalog) {
    OscalImport result;
    Bank& bank = result.bank;
    bank.id = options_.bank_id;
    bank.version = options_.version;
    bank.status = BankStatus::kDraft;
    bank.title.en = catalog.title.empty() ? std::string("Imported catalog") : catalog.title;
    bank.maturity_scale = MissionBank().bank().maturity_scale;
    for (const auto& group : catalog.groups) {
      Section section;
      section.id = group.id;
      section.title.en = group.title.empty() ? group.id : group.title;
      AddGroup(group, CsfFunctionOf(group.id), section);
      if (!section.items.empty()) bank.sections.push_back(std::move(section));
    }
    if (!catalog.controls.empty()) {
      Section section;
      section.id = "controls";
      section.title.en = "Controls";
      for (const auto& control : catalog.controls) AddControl(control, std::nullopt, section);
      if (!section.items.empty()) bank.sections.push_back(std::move(section));
    }
    if (bank.sections.empty()) return NotACatalog("oscal.no_controls");
    result.withdrawn = withdrawn_;
    return result;
  }

 private:
  void AddGroup(const OscalGroup& group, std::optional<Function> function, Section& section) {
    for (const auto& sub : group.groups) {
      AddGroup(sub, CsfFunctionOf(sub.id) ? CsfFunctionOf(sub.id) : function, section);
    }
    for (const auto& control : group.controls) AddControl(control, function, section);
  }

  bool IsItem(const OscalControl& control) const {
    if (options_.item_classes.empty()) return control.controls.empty();
    return std::find(options_.item_classes.begin(), options_.item_classes.end(),
                     control.control_class) != options_.item_classes.end();
  }

  void AddControl(const OscalControl& control, std::optional<Function> function, Section& section) {
    if (control.status_withdrawn) {
      withdrawn_ += 1;
      return;  // a withdrawn control's children are withdrawn with it
    }
    if (IsItem(control)) {
      if (options_.withdrawn_without_examples && !control.has_example) {
        withdrawn_ += 1;
      } else {
        Item item;
        item.id = control.id;
        item.text.en = control.statement.empty() ? control.title : control.statement;
        item.type = AnswerType::kMaturity;
        item.function = CsfFunctionOf(control.id).value_or(function.value_or(Function::kIdentify));
        if (IsCsf2Subcategory(control.id)) item.csf.push_back(control.id);
        section.items.push_back(std::move(item));
      }
    }
    for (const auto& sub : control.controls) AddControl(sub, function, section);
  }

  const OscalImportOptions& options_;
  int withdrawn_ = 0;
};

}  // namespace

Result<OscalImport> ImportOscalCatalogXml(std::string_view xml, const OscalImportOptions& options) {
  if (xml.size() > options.max_bytes) {
    return ResourceExhausted(fmt::format("OSCAL catalog of {} bytes exceeds the limit of {} bytes",
                                         xml.size(), options.max_bytes));
  }
  if (auto bad = FindInvalidUtf8(xml)) {
    return NotACatalog("oscal.bad_utf8", {{"byte", std::to_string(*bad)}});
  }
  FC_ASSIGN_OR_RETURN(auto catalog, ReadXml(xml, options));
  return BankBuilder(options).Build(catalog);
}

Result<OscalImport> ImportOscalCatalogJson(std::string_view json,
                                           const OscalImportOptions& options) {
  FC_ASSIGN_OR_RETURN(auto catalog, ReadJson(json, options));
  return BankBuilder(options).Build(catalog);
}

}  // namespace fincyber::survey
