// The TAXII 2.1 wire format that has no I/O in it: media types and Accept
// negotiation, error messages, query parameters, the paging cursor and resource
// bodies. Pure, so every rule is unit-tested.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/result.h"
#include "http/http.h"
#include "sharing/service.h"

namespace fincyber::taxii {

inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";
inline constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";

// Whether an Accept header admits a TAXII 2.1 response: absent, "*/*",
// "application/*", or "application/taxii+json" without a version or with
// version=2.1 (q=0 refuses).
bool AcceptsTaxii(std::string_view accept);
// Whether a Content-Type names a TAXII 2.1 envelope: "application/taxii+json" with
// no version or version=2.1, parameters and case aside.
bool IsTaxiiContentType(std::string_view content_type);

// A TAXII error message with the TAXII media type: {"title", "description",
// "error_id" (the request id), "http_status"}.
http::Response ErrorResponse(int status, std::string_view description, std::string_view request_id);
// The same for an Error the platform raised (internal errors never show their text),
// with the Basic and Bearer challenges on 401. Installed for every path under /taxii2/.
http::Response RenderError(const Error& error, int status, std::string_view request_id);

// A paging cursor, opaque to clients.
std::string EncodeCursor(const sharing::Cursor& cursor);
// InvalidArgument for a string this server did not issue.
Result<sharing::Cursor> DecodeCursor(std::string_view text);

// added_after, limit (over kMaxPageSize is lowered to it), next, match[id],
// match[type], match[version] (last, first, all or timestamps), match[spec_version];
// lists are comma-separated and may repeat. Other parameters are ignored. Errors:
// InvalidArgument naming the parameter.
Result<sharing::ObjectQuery> ParseObjectQuery(const std::multimap<std::string, std::string>& query);

// Bodies of the TAXII resources.
Json CollectionResource(const sharing::Collection& collection);
// `pending`: accepted but not stored yet (sharing::AddQueue), every object pending.
Json StatusResource(const sharing::AddReport& report, bool pending = false);
// An envelope {"more", "next"?, "objects"?} holding each object's stored bytes.
std::string EnvelopeBody(const sharing::ObjectPage& page);
Json ManifestResource(const sharing::ObjectPage& page);
Json VersionsResource(const sharing::ObjectPage& page);

// A 200 TAXII response with X-TAXII-Date-Added-First/Last for the objects of `page`
// (the headers only when it holds any).
http::Response TaxiiResponse(std::string body, const sharing::ObjectPage* page = nullptr);

}  // namespace fincyber::taxii
