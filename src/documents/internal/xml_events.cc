#include "documents/internal/xml_events.h"

#include <expat.h>

#include <climits>
#include <optional>
#include <string>

namespace fincyber::documents::internal {
namespace {

constexpr char kNamespaceSeparator = '\x01';

std::pair<std::string_view, std::string_view> SplitName(const char* name) {
  std::string_view full(name);
  const std::size_t separator = full.find(kNamespaceSeparator);
  if (separator == std::string_view::npos) return {{}, full};
  return {full.substr(0, separator), full.substr(separator + 1)};
}

struct ParseState {
  XML_Parser parser;
  XmlHandler* handler;
  std::string part;
  int max_depth;
  int depth = 0;
  std::optional<Error> error;
  std::vector<XmlAttribute> attributes;

  void Fail(Error e) {
    if (!error) error = std::move(e);
    XML_StopParser(parser, XML_FALSE);
  }
  void Check(Status status) {
    if (!status.ok()) Fail(std::move(status).error());
  }
};

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* state = static_cast<ParseState*>(data);
  if (state->error) return;
  if (++state->depth > state->max_depth) {
    state->Fail(InvalidArgument(state->part + " is nested deeper than " +
                                std::to_string(state->max_depth) + " elements"));
    return;
  }
  state->attributes.clear();
  for (int i = 0; attributes[i]; i += 2) {
    auto [ns, local] = SplitName(attributes[i]);
    state->attributes.push_back({ns, local, attributes[i + 1]});
  }
  state->Check(state->handler->Start(SplitName(name).second, state->attributes));
}

void XMLCALL OnEnd(void* data, const XML_Char* name) {
  auto* state = static_cast<ParseState*>(data);
  if (state->error) return;
  --state->depth;
  state->Check(state->handler->End(SplitName(name).second));
}

void XMLCALL OnText(void* data, const XML_Char* text, int length) {
  auto* state = static_cast<ParseState*>(data);
  if (state->error) return;
  state->Check(state->handler->Text(std::string_view(text, static_cast<std::size_t>(length))));
}

// A DTD could declare entities that expand without bound; OOXML parts never have one.
void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* state = static_cast<ParseState*>(data);
  state->Fail(InvalidArgument(state->part + " has a document type declaration, which is refused"));
}

void XMLCALL OnEntityDecl(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                          const XML_Char*, const XML_Char*, const XML_Char*) {
  auto* state = static_cast<ParseState*>(data);
  state->Fail(InvalidArgument(state->part + " declares an entity, which is refused"));
}

}  // namespace

Status ParseXml(std::string_view part, std::string_view xml, XmlHandler& handler, int max_depth) {
  if (xml.size() > static_cast<std::size_t>(INT_MAX)) {
    return ResourceExhausted(std::string(part) + " is too large");
  }
  XML_Parser parser = XML_ParserCreateNS(nullptr, kNamespaceSeparator);
  if (!parser) return Internal("expat could not create a parser");
  ParseState state{.parser = parser,
                   .handler = &handler,
                   .part = std::string(part),
                   .max_depth = max_depth,
                   .depth = 0,
                   .error = std::nullopt,
                   .attributes = {}};
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(parser, OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser, OnText);
  XML_SetStartDoctypeDeclHandler(parser, OnDoctype);
  XML_SetEntityDeclHandler(parser, OnEntityDecl);
  XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
  const XML_Status result = XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  std::string reason;
  if (result != XML_STATUS_OK && !state.error) {
    reason = std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
             std::to_string(XML_GetCurrentLineNumber(parser));
  }
  XML_ParserFree(parser);
  if (state.error) return std::move(*state.error);
  if (result != XML_STATUS_OK) {
    return InvalidArgument(std::string(part) + " is not well-formed XML: " + reason);
  }
  return OkStatus();
}

std::string_view FindAttribute(const std::vector<XmlAttribute>& attributes, std::string_view local,
                               std::string_view ns_suffix) {
  for (const auto& attribute : attributes) {
    if (attribute.local != local) continue;
    if (ns_suffix.empty() ? attribute.ns.empty() : attribute.ns.ends_with(ns_suffix)) {
      return attribute.value;
    }
  }
  return {};
}

}  // namespace fincyber::documents::internal
