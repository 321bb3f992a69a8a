// HTTP routes of the sector survey, under /api/v1/survey/:
//   GET  banks                                   stored banks (regulator's staff)
//   POST banks                                   import a draft {format, text}
//   POST banks/mission                           store and publish the mission's bank
//   GET  banks/{id}                              one bank: info, source, model
//   PUT  banks/{id}                              replace a draft's text {format, text}
//   POST banks/{id}/publish                      publish a draft
//   GET  campaigns                               campaigns the caller may see
//   POST campaigns                               open {bank, title{ja,en}, year, categories,
//                                                opens_at?, deadline}
//   GET  campaigns/{id}                          one campaign
//   POST campaigns/{id}/close                    close and freeze the results
//   GET  campaigns/{id}/assignments              visible assignments with progress
//   GET  campaigns/{id}/assignments/{org}        that institution's questionnaire
//   POST campaigns/{id}/assignments/{org}/extend {deadline}
//   POST campaigns/{id}/assignments/{org}/reopen grant the institution's request
//   POST campaigns/{id}/assignments/{org}/reopen-decline   {reason}; stays locked
//   PUT  campaigns/{id}/assignments/{org}/ratings/{item}   supervisor's rating
//   GET  campaigns/{id}/assignments/{org}/results          its frozen results
//   GET  campaigns/{id}/assignments/{org}/report           its feedback report
//                                                ?lang=ja|en&format=pdf|xlsx
//   GET  campaigns/{id}/my                       the caller's institution's questionnaire:
//                                                items with `shown`, answers, progress
//   GET  campaigns/{id}/my/answers/{item}        one answer (null when none)
//   GET  campaigns/{id}/my/answers/{item}/history  every saved version, oldest first
//   GET  campaigns/{id}/assignments/{org}/answers/{item}/history   (own or supervised)
//   PUT  campaigns/{id}/my/answers/{item}        autosave {value, comment?, evidence?,
//                                                version?}; value null clears
//   POST campaigns/{id}/my/submit                {executive_name, executive_title}
//   POST campaigns/{id}/my/reopen-request        {reason}
//   GET  campaigns/{id}/my/results               own scores and peer figures
//   GET  campaigns/{id}/report                   own feedback report (feedback_report.h),
//                                                ?lang=ja|en (ja)&format=pdf|xlsx (pdf)
//   GET  campaigns/{id}/sector                   every category's aggregates (regulator)
//   GET  campaigns/{id}/sector/{category}        one category with its drill-down
//
// Results: `own` (overall, functions, threats, areas, heatmap: each {items, items_met,
// percent_met, score, maturity} or null; items), `peers` (distributions {q1, median, q3,
// contributors} and heatmap figures {value, contributors}), bands {band}; a suppressed
// figure is {suppressed: "too_few_peers"|"dominated", reason: {ja, en}} and nothing else.
// Handlers only translate between HTTP and SurveyService, which enforces access.
#pragma once

#include "http/http.h"
#include "survey/service.h"

namespace fincyber::survey {

// `service` must outlive the router's server. Adds AddFileRoutes' routes too.
void AddRoutes(http::Router& router, SurveyService& service);

// Answer workbooks and evidence files (files_routes.cc):
//   GET    campaigns/{id}/my/workbook?lang=ja|en      the questionnaire as XLSX
//   POST   campaigns/{id}/my/workbook                 import it (body: XLSX); all or none
//   GET    campaigns/{id}/my/evidence                 every evidence file's metadata
//   GET    campaigns/{id}/my/answers/{item}/evidence  one item's files
//   POST   campaigns/{id}/my/answers/{item}/evidence  upload (body: the file; X-Filename)
//   GET    campaigns/{id}/my/answers/{item}/evidence/{evidence}     download
//   DELETE campaigns/{id}/my/answers/{item}/evidence/{evidence}     before submission
//   GET    campaigns/{id}/assignments/{org}/evidence                (own or supervised)
//   GET    campaigns/{id}/assignments/{org}/answers/{item}/evidence/{evidence}
void AddFileRoutes(http::Router& router, SurveyService& service);

// The questionnaire as the routes send it.
Json ToJson(const Questionnaire& questionnaire);

}  // namespace fincyber::survey
