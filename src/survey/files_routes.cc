// Routes for answer workbooks and evidence files: bytes in and out, the rest in the
// service (answer_workbook.h, evidence.h).
#include <fmt/format.h>

#include "base/ascii.h"
#include "survey/internal/route_paths.h"
#include "survey/routes.h"

namespace fincyber::survey {
namespace {

using http::Method;
using http::Request;
using http::Response;

using internal::InfoOf;
using internal::Path;

// The X-Filename header: the name percent-encoded as UTF-8 (RFC 3986), since header
// values are ASCII.
Result<std::string> FilenameHeader(const Request& req) {
  const std::string_view raw = req.Header("x-filename");
  if (raw.empty()) {
    return InvalidArgument("send the file's name in the X-Filename header, percent-encoded",
                           {{"X-Filename", "required"}});
  }
  std::string name;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      name += raw[i];
      continue;
    }
    const int high = i + 2 < raw.size() ? HexDigitValue(raw[i + 1]) : -1;
    const int low = i + 2 < raw.size() ? HexDigitValue(raw[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return InvalidArgument("X-Filename has a broken percent escape",
                             {{"X-Filename", "percent-encoded UTF-8"}});
    }
    const int value = high * 16 + low;
    name += static_cast<char>(value);
    i += 2;
  }
  return name;
}

Response FileResponse(std::string bytes, std::string content_type, std::string_view filename) {
  Response response;
  response.body = std::move(bytes);
  response.SetHeader("Content-Type", std::move(content_type));
  response.SetHeader("Content-Disposition", AttachmentDisposition(filename));
  // Never rendered by the browser, whatever the bytes look like.
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Content-Security-Policy", "default-src 'none'; sandbox");
  response.SetHeader("Cache-Control", "private, no-store");
  return response;
}

Result<Response> ListResponse(SurveyService& service, const Request& req, std::string_view org_id,
                              std::string_view item_id) {
  FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
  FC_ASSIGN_OR_RETURN(auto files,
                      service.ListEvidence(*principal, req.PathParam("id"), org_id, item_id));
  Json items = Json::array();
  for (const auto& f : files) items.push_back(ToJson(f));
  return Response::MakeJson({{"items", std::move(items)}});
}

Result<Response> DownloadResponse(SurveyService& service, const Request& req,
                                  std::string_view org_id) {
  FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
  FC_ASSIGN_OR_RETURN(auto download,
                      service.GetEvidence(*principal, req.PathParam("id"), org_id,
                                          req.PathParam("item"), req.PathParam("evidence")));
  return FileResponse(std::move(download.content), download.file.content_type,
                      download.file.filename);
}

}  // namespace

void AddFileRoutes(http::Router& router, SurveyService& service) {
  router.Add(
      {Method::kGet, Path("campaigns/{id}/my/workbook"), http::Auth::kRequired,
       [&service](Request& req) -> Result<Response> {
         FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
         const auto language = ParseWorkbookLanguage(req.QueryParam("lang").value_or("ja"));
         if (!language) return InvalidArgument("lang must be ja or en", {{"lang", "ja or en"}});
         FC_ASSIGN_OR_RETURN(
             auto q, service.GetQuestionnaire(*principal, req.PathParam("id"), principal->org_id));
         FC_ASSIGN_OR_RETURN(std::string bytes, WriteAnswerWorkbook(q, *language));
         return FileResponse(std::move(bytes),
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             fmt::format("answers-{}-{}.xlsx", q.campaign.year,
                                         *language == WorkbookLanguage::kJapanese ? "ja" : "en"));
       },
       "The caller's questionnaire and answers as an XLSX workbook (?lang=ja|en)"});
  router.Add({Method::kPost, Path("campaigns/{id}/my/workbook"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(auto summary, service.ImportAnswerWorkbook(
                                                      *principal, req.PathParam("id"),
                                                      principal->org_id, req.body, InfoOf(req)));
                return Response::MakeJson(ToJson(summary));
              },
              "Import a filled answer workbook (body: the XLSX bytes); all rows or none",
              kMaxAnswerWorkbookBytes});

  router.Add({Method::kGet, Path("campaigns/{id}/my/evidence"), http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return ListResponse(service, req, principal->org_id, "");
              },
              "The caller's evidence files of every item"});
  router.Add({Method::kGet, Path("campaigns/{id}/my/answers/{item}/evidence"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return ListResponse(service, req, principal->org_id, req.PathParam("item"));
              },
              "The caller's evidence files of one item"});
  router.Add({Method::kPost, Path("campaigns/{id}/my/answers/{item}/evidence"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_ASSIGN_OR_RETURN(std::string filename, FilenameHeader(req));
                FC_ASSIGN_OR_RETURN(
                    auto file,
                    service.UploadEvidence(*principal, req.PathParam("id"), principal->org_id,
                                           req.PathParam("item"), filename, req.body, InfoOf(req)));
                return Response::MakeJson(ToJson(file), 201);
              },
              "Attach an evidence file to one item (body: the file; X-Filename: its name)",
              service.evidence_limits().max_file_bytes});
  router.Add({Method::kGet, Path("campaigns/{id}/my/answers/{item}/evidence/{evidence}"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                return DownloadResponse(service, req, principal->org_id);
              },
              "Download one of the caller's evidence files"});
  router.Add({Method::kDelete, Path("campaigns/{id}/my/answers/{item}/evidence/{evidence}"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                FC_ASSIGN_OR_RETURN(const auto* principal, req.RequirePrincipal());
                FC_RETURN_IF_ERROR(service.DeleteEvidence(*principal, req.PathParam("id"),
                                                          principal->org_id, req.PathParam("item"),
                                                          req.PathParam("evidence"), InfoOf(req)));
                return Response::NoContent();
              },
              "Remove an evidence file before submission"});
  router.Add({Method::kGet, Path("campaigns/{id}/assignments/{org}/evidence"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                return ListResponse(service, req, req.PathParam("org"), "");
              },
              "An institution's evidence files (own or supervised)"});
  router.Add({Method::kGet,
              Path("campaigns/{id}/assignments/{org}/answers/{item}/evidence/{evidence}"),
              http::Auth::kRequired,
              [&service](Request& req) -> Result<Response> {
                return DownloadResponse(service, req, req.PathParam("org"));
              },
              "Download an institution's evidence file (own or supervised)"});
}

}  // namespace fincyber::survey
