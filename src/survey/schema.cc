#include "survey/evidence.h"
#include "survey/remediation.h"
#include "survey/reminders.h"
#include "survey/service.h"

namespace fincyber::survey {

// Times are RFC 3339 text (they sort as text). Answer values are their JSON form
// (answers.h); a bank's model is its authoring JSON (bank_format.h) beside the source
// as it was written; an assignment keeps the institution's names as they were when it
// was assigned. Frozen results are JSON documents computed when a campaign closes.
std::vector<store::Migration> Migrations() {
  std::vector<store::Migration> all = {
      {"survey", 1, "banks, campaigns, assignments, answers, submissions, ratings, results",
       R"sql(
CREATE TABLE survey_banks (
  id TEXT PRIMARY KEY,
  bank_id TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL,
  sections BIGINT NOT NULL,
  items BIGINT NOT NULL,
  source_format TEXT NOT NULL,
  source TEXT NOT NULL,
  model TEXT NOT NULL,
  revision BIGINT NOT NULL,
  created_by_org TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  published_at TEXT
);
CREATE UNIQUE INDEX survey_banks_version ON survey_banks(bank_id, version);
CREATE TABLE survey_campaigns (
  id TEXT PRIMARY KEY,
  bank_storage_id TEXT NOT NULL REFERENCES survey_banks(id),
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL,
  year BIGINT NOT NULL,
  categories TEXT NOT NULL,
  opens_at TEXT NOT NULL,
  deadline TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  closed_at TEXT
);
CREATE INDEX survey_campaigns_year ON survey_campaigns(year);
CREATE TABLE survey_assignments (
  campaign_id TEXT NOT NULL REFERENCES survey_campaigns(id),
  org_id TEXT NOT NULL,
  org_name_ja TEXT NOT NULL,
  org_name_en TEXT NOT NULL,
  category TEXT NOT NULL,
  size_tier TEXT NOT NULL,
  deadline TEXT NOT NULL,
  status TEXT NOT NULL,
  submitted_at TEXT,
  executive_name TEXT NOT NULL DEFAULT '',
  executive_title TEXT NOT NULL DEFAULT '',
  reopen_reason TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, org_id)
);
CREATE INDEX survey_assignments_org ON survey_assignments(org_id, campaign_id);
CREATE TABLE survey_answers (
  campaign_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  value TEXT NOT NULL,
  comment TEXT NOT NULL,
  evidence TEXT NOT NULL,
  version BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (campaign_id, org_id, item_id)
);
CREATE TABLE survey_answer_history (
  id AUTO_ID,
  campaign_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT,
  comment TEXT NOT NULL,
  evidence TEXT NOT NULL,
  version BIGINT NOT NULL,
  changed_at TEXT NOT NULL,
  changed_by TEXT NOT NULL
);
CREATE INDEX survey_answer_history_item ON survey_answer_history(campaign_id, org_id, item_id);
CREATE TABLE survey_submissions (
  id AUTO_ID,
  campaign_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  executive_name TEXT NOT NULL,
  executive_title TEXT NOT NULL,
  answers BIGINT NOT NULL
);
CREATE INDEX survey_submissions_org ON survey_submissions(campaign_id, org_id);
CREATE TABLE survey_reopen_requests (
  id AUTO_ID,
  campaign_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  granted_at TEXT,
  granted_by TEXT
);
CREATE INDEX survey_reopen_requests_org ON survey_reopen_requests(campaign_id, org_id);
CREATE TABLE survey_ratings (
  campaign_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  value TEXT NOT NULL,
  comment TEXT NOT NULL,
  evidence TEXT NOT NULL,
  version BIGINT NOT NULL,
  rated_by_org TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  PRIMARY KEY (campaign_id, org_id, item_id)
);
CREATE TABLE survey_results (
  campaign_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (campaign_id, kind, subject)
)
)sql"},
      {"survey", 2, "declined reopen requests",
       R"sql(
ALTER TABLE survey_reopen_requests ADD COLUMN declined_at TEXT;
ALTER TABLE survey_reopen_requests ADD COLUMN declined_by TEXT;
ALTER TABLE survey_reopen_requests ADD COLUMN decline_reason TEXT
)sql"},
  };
  for (auto list : {RemediationMigrations(), ReminderMigrations(), EvidenceMigrations()})
    all.insert(all.end(), list.begin(), list.end());
  return all;
}

}  // namespace fincyber::survey
