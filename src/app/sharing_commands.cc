#include "app/sharing_commands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <tuple>
#include <unordered_set>

#include "app/command_options.h"
#include "app/config.h"
#include "app/output.h"
#include "app/platform.h"
#include "base/crypto.h"
#include "base/outbound_http.h"
#include "identity/directory.h"
#include "sharing/bundle_stream.h"
#include "sharing/convert_csv.h"
#include "sharing/convert_misp.h"
#include "sharing/export_rules.h"
#include "sharing/import_pipeline.h"
#include "sharing/sync_state.h"
#include "stix/object.h"
#include "stix/tlp.h"
#include "taxii/client.h"

namespace fincyber::app {
namespace {

constexpr int kExitSomeObjectsLeftOut = 5;
constexpr int kMaxDeletionsEvery = 366 * 86400;  // seconds

// One AddObjects call, one transaction: large enough to amortise the commit, small enough
// that memory stays bounded whatever the size of the input.
constexpr std::size_t kBatchObjects = 500;
constexpr std::size_t kBatchBytes = 16 << 20;
constexpr std::chrono::milliseconds kTransactionTime{1000};

const sharing::RequestInfo kCliSharingRequest{"cli", ""};

// The principal a command acts as: the named, enabled user of its organisation, so that
// authorship, rights and visibility are that organisation's.
Result<identity::Principal> PrincipalOfUser(Platform& platform, const std::string& username) {
  const identity::Principal op = identity::OperatorPrincipal();
  return platform.db().ReadValue<identity::Principal>(
      [&](store::Connection& conn) -> Result<identity::Principal> {
        FC_ASSIGN_OR_RETURN(identity::User user, identity::FindUserByUsername(conn, op, username));
        if (user.disabled) return PermissionDenied("user " + username + " is disabled");
        FC_ASSIGN_OR_RETURN(identity::Org org, identity::GetOrg(conn, op, user.org_id));
        identity::Principal p;
        p.user_id = user.id;
        p.username = user.username;
        p.display_name = user.display_name;
        p.org_id = org.id;
        p.org_kind = org.kind;
        p.role = user.role;
        p.locale = user.locale;
        return p;
      });
}

// A collection by id or alias, among those the principal may read or write.
Result<sharing::Collection> FindCollection(sharing::SharingService& hub,
                                           const identity::Principal& principal,
                                           const std::string& id_or_alias) {
  auto by_id = hub.GetCollection(principal, id_or_alias);
  if (by_id.ok() || by_id.error().code() != ErrorCode::kNotFound) return by_id;
  FC_ASSIGN_OR_RETURN(auto collections, hub.ListCollections(principal));
  for (auto& c : collections) {
    if (!c.alias.empty() && c.alias == id_or_alias) return std::move(c);
  }
  return NotFound("collection " + id_or_alias + " not found (or not shared with you)");
}

std::string Bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

// "12000 objects, 3.1 MB of 40.0 MB, 5200 objects/s, ETA 0:07" on one line of a terminal,
// at most four times a second; silent when stderr is not a terminal.
class ProgressLine {
 public:
  ProgressLine() : enabled_(isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}
  ~ProgressLine() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
  }

  // `done` and `total` measure the input (bytes, or MISP events with `unit` "events");
  // total 0 when unknown.
  void Update(std::uint64_t objects, std::uint64_t done, std::uint64_t total,
              const char* unit = nullptr) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (shown_ && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    shown_ = true;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    std::string line = std::to_string(objects) + " objects";
    auto amount = [&](std::uint64_t n) {
      return unit ? std::to_string(n) + " " + unit : Bytes(static_cast<double>(n));
    };
    line += ", " + amount(done);
    if (total > 0) line += " of " + amount(total);
    if (elapsed > 0) {
      line += ", " + std::to_string(static_cast<std::uint64_t>(objects / elapsed)) + " objects/s";
    }
    if (total > done && done > 0 && elapsed > 0) {
      const auto eta = static_cast<long>((total - done) / (done / elapsed));
      char text[32];
      std::snprintf(text, sizeof text, ", ETA %ld:%02ld", eta / 60, eta % 60);
      line += text;
    }
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  const bool enabled_;
  const Clock::time_point start_;
  Clock::time_point last_;
  bool shown_ = false;
};

// Stores objects through the hub in batches, validating the next batch while the one
// before is written (sharing::ImportPipeline), counting outcomes and printing each
// failure once its batch is stored.
class BatchImporter {
 public:
  BatchImporter(sharing::SharingService& hub, const identity::Principal& principal,
                std::string collection_id)
      : pipeline_(hub, principal, std::move(collection_id), kCliSharingRequest,
                  {.max_objects = kBatchObjects,
                   .max_bytes = kBatchBytes,
                   .queued_batches = 1,
                   .max_objects_per_transaction = std::nullopt,  // as suits the backend
                   .max_transaction_time = kTransactionTime},
                  [this](const sharing::AddReport& report) { Count(report); }) {}

  Status Add(Json object, std::string raw,
             std::optional<stix::Tlp> tlp_if_unmarked = std::nullopt) {
    ++objects_;
    return pipeline_.Add(std::move(object), std::move(raw), tlp_if_unmarked);
  }

  // An input element that never became an object (malformed JSON, a bad CSV row).
  void Reject(const std::string& where, const std::string& why) {
    ++objects_;
    ++failed_;
    std::cout << "failed: " << where << ": " << why << "\n";
  }

  Status Flush() { return pipeline_.Flush(); }
  // After a failed read: the whole batches read before it are stored, as they always were.
  Status Settle() { return pipeline_.Settle(); }

  std::uint64_t objects() const { return objects_; }
  std::uint64_t failed() const { return failed_; }

  void PrintSummary() const {
    std::cout << "stored " << stored_ << ", duplicates " << duplicates_ << ", failed " << failed_;
    if (warned_ > 0) std::cout << ", warning-list hits " << warned_;
    std::cout << "\n";
  }

 private:
  void Count(const sharing::AddReport& report) {
    for (const auto& s : report.successes) {
      if (s.message.starts_with("already present")) {
        ++duplicates_;
      } else {
        ++stored_;
      }
    }
    for (const auto& w : report.warnings) {
      ++warned_;
      std::cout << "warning: " << w.id << ": on warning list '" << w.list << "' (" << w.entry
                << ")\n";
    }
    for (const auto& f : report.failures) {
      ++failed_;
      std::cout << "failed: " << (f.id.empty() ? "(no id)" : f.id) << ": " << f.message << "\n";
    }
  }

  std::uint64_t objects_ = 0, stored_ = 0, duplicates_ = 0, failed_ = 0, warned_ = 0;
  // Last: its writer thread stops before the counters it reports to go away.
  sharing::ImportPipeline pipeline_;
};

struct ImportFlags {
  CommonOptions location;
  std::string collection;
  std::string as_user;
  std::string bundle;
  std::string misp;
  std::string csv;
};

stix::Timestamp NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status ImportBundle(const std::string& path, BatchImporter& importer, ProgressLine& progress) {
  FC_ASSIGN_OR_RETURN(auto summary,
                      sharing::ReadBundleFile(
                          path, {},
                          [&](sharing::BundleObject& element) -> Status {
                            if (!element.json.ok()) {
                              importer.Reject("objects[" + std::to_string(element.index) + "]",
                                              element.json.error().safe_message());
                              return OkStatus();
                            }
                            return importer.Add(std::move(*element.json), std::string(element.raw));
                          },
                          [&](const sharing::BundleProgress& p) {
                            progress.Update(p.objects, p.bytes_read, p.total_bytes);
                          }));
  (void)summary;
  return importer.Flush();
}

Status ImportMisp(const std::string& directory, BatchImporter& importer, ProgressLine& progress) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return NotFound("no MISP feed folder " + directory);
  }
  std::uint64_t notes = 0;
  FC_ASSIGN_OR_RETURN(auto summary, sharing::ImportMispFeed(
                                        sharing::MispFeedFromDirectory(directory), {},
                                        [&](Json object) -> Status {
                                          std::string raw = DumpJson(object);
                                          return importer.Add(std::move(object), std::move(raw));
                                        },
                                        [&](const sharing::MispNote& note) {
                                          ++notes;
                                          std::cout << "not converted: " << note.ToString() << "\n";
                                        },
                                        [&](const sharing::MispFeedProgress& p) {
                                          progress.Update(importer.objects(), p.events_done,
                                                          p.events_total, "events");
                                        }));
  FC_RETURN_IF_ERROR(importer.Flush());
  std::cout << "MISP events converted " << summary.events << ", events failed "
            << summary.failed_events << ", attributes or events not converted " << notes << "\n";
  return OkStatus();
}

Status ImportCsv(const std::string& path, BatchImporter& importer, ProgressLine& progress) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::error_code ec;
  const auto total = std::filesystem::file_size(path, ec);
  sharing::CsvImportOptions options;
  options.now = NowMicros();
  FC_ASSIGN_OR_RETURN(auto summary,
                      sharing::ImportIndicatorCsv(
                          in, options,
                          [&](Json indicator) -> Status {
                            std::string raw = DumpJson(indicator);
                            FC_RETURN_IF_ERROR(importer.Add(std::move(indicator), std::move(raw)));
                            const auto position = in.tellg();
                            progress.Update(importer.objects(),
                                            position < 0 ? 0 : std::uint64_t(position),
                                            ec ? 0 : total);
                            return OkStatus();
                          },
                          [&](const sharing::CsvRowError& row) {
                            importer.Reject("line " + std::to_string(row.line), row.ToString());
                          }));
  (void)summary;
  return importer.Flush();
}

int RunImport(const ImportFlags& flags) {
  const int sources = !flags.bundle.empty() + !flags.misp.empty() + !flags.csv.empty();
  if (sources != 1) {
    return Fail(InvalidArgument("give exactly one of --bundle, --misp and --csv"));
  }
  auto platform = OpenPlatform(flags.location);
  if (!platform.ok()) return Fail(platform.error());
  auto& hub = (*platform)->sharing();
  auto principal = PrincipalOfUser(**platform, flags.as_user);
  if (!principal.ok()) return Fail(principal.error());
  auto collection = FindCollection(hub, *principal, flags.collection);
  if (!collection.ok()) return Fail(collection.error());
  // Checked before reading what may be a large file.
  if (!collection->can_write) {
    return Fail(PermissionDenied(flags.as_user + " may not add to " + collection->title));
  }
  BatchImporter importer(hub, *principal, collection->id);
  Status imported = OkStatus();
  {
    ProgressLine progress;
    if (!flags.bundle.empty()) {
      imported = ImportBundle(flags.bundle, importer, progress);
    } else if (!flags.misp.empty()) {
      imported = ImportMisp(flags.misp, importer, progress);
    } else {
      imported = ImportCsv(flags.csv, importer, progress);
    }
  }
  if (!imported.ok()) (void)importer.Settle();
  importer.PrintSummary();
  if (!imported.ok()) return Fail(imported.error());
  return importer.failed() > 0 ? kExitSomeObjectsLeftOut : 0;
}

struct ExportFlags {
  CommonOptions location;
  std::string collection;
  std::string as_user;
  std::string format = "bundle";
  std::string output = "-";
  std::string hash_lists;  // folder for Suricata's file-hash lists; "" refuses hashes
};

// Suricata matches file hashes only against list files: one lower-case hex hash a line,
// in files named by the rules (filemd5:NAME ...) relative to Suricata's rule path.
struct HashListFiles {
  std::ofstream md5, sha1, sha256;

  Status Open(const std::filesystem::path& folder, sharing::SuricataOptions& options) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec || !std::filesystem::is_directory(folder, ec)) {
      return InvalidArgument("cannot use " + folder.string() + " as the hash-list folder");
    }
    for (auto [file, name, stream] :
         {std::tuple{&md5, options.md5_list_name, &options.md5_list},
          std::tuple{&sha1, options.sha1_list_name, &options.sha1_list},
          std::tuple{&sha256, options.sha256_list_name, &options.sha256_list}}) {
      file->open(folder / name, std::ios::binary | std::ios::trunc);
      if (!*file) return InvalidArgument("cannot write " + (folder / name).string());
      *stream = file;
    }
    return OkStatus();
  }

  Status Close() {
    for (std::ofstream* file : {&md5, &sha1, &sha256}) {
      if (!file->is_open()) continue;
      file->close();
      if (!*file) return Internal("writing a hash list failed");
    }
    return OkStatus();
  }
};

// Writes one format. `Add` returns FailedPrecondition with the reason for an object the
// format cannot express.
class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  virtual Status Add(const sharing::StoredObject& object) = 0;
  virtual Status Finish() = 0;
};

class BundleExport final : public ExportWriter {
 public:
  explicit BundleExport(std::ostream& out) : writer_(out, "bundle--" + NewUuid()) {}
  Status Add(const sharing::StoredObject& object) override { return writer_.AddRaw(object.body); }
  Status Finish() override { return writer_.Finish(); }

 private:
  sharing::BundleWriter writer_;
};

template <typename Writer>
class IndicatorExport final : public ExportWriter {
 public:
  template <typename... Args>
  explicit IndicatorExport(Args&&... args) : writer_(std::forward<Args>(args)...) {}
  Status Add(const sharing::StoredObject& object) override {
    FC_ASSIGN_OR_RETURN(Json body, sharing::ParseStoredBody(object));
    FC_ASSIGN_OR_RETURN(auto written, writer_.Add(body));
    (void)written;
    return OkStatus();
  }
  Status Finish() override {
    if constexpr (requires(Writer & w) { w.Finish(); }) return writer_.Finish();
    return OkStatus();
  }

 private:
  Writer writer_;
};

int RunExport(const ExportFlags& flags) {
  auto platform = OpenPlatform(flags.location);
  if (!platform.ok()) return Fail(platform.error());
  auto& hub = (*platform)->sharing();
  auto principal = PrincipalOfUser(**platform, flags.as_user);
  if (!principal.ok()) return Fail(principal.error());
  auto collection = FindCollection(hub, *principal, flags.collection);
  if (!collection.ok()) return Fail(collection.error());
  if (!collection->can_read) {
    return Fail(PermissionDenied(flags.as_user + " may not read " + collection->title));
  }

  std::ofstream file;
  if (flags.output != "-") {
    file.open(flags.output, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(InvalidArgument("cannot write " + flags.output));
  }
  std::ostream& out = flags.output == "-" ? std::cout : file;
  if (!flags.hash_lists.empty() && flags.format != "suricata") {
    return Fail(InvalidArgument("--hash-lists goes with --format suricata"));
  }
  HashListFiles hash_lists;
  sharing::SuricataOptions suricata;
  if (!flags.hash_lists.empty()) {
    Status opened = hash_lists.Open(flags.hash_lists, suricata);
    if (!opened.ok()) return Fail(opened.error());
  }
  std::unique_ptr<ExportWriter> writer;
  const bool whole_objects = flags.format == "bundle";
  if (whole_objects) {
    writer = std::make_unique<BundleExport>(out);
  } else if (flags.format == "csv") {
    writer = std::make_unique<IndicatorExport<sharing::IndicatorCsvWriter>>(out);
  } else if (flags.format == "suricata") {
    writer = std::make_unique<IndicatorExport<sharing::SuricataRuleWriter>>(out, suricata);
  } else {
    writer = std::make_unique<IndicatorExport<sharing::ZeekIntelWriter>>(
        out, sharing::ZeekIntelOptions{});
  }

  // ListObjects applies the user's organisation's visibility: nothing it may not see is
  // ever read, let alone written.
  sharing::ObjectQuery query;
  query.limit = sharing::kMaxPageSize;
  if (!whole_objects) query.types = {"indicator"};
  std::uint64_t exported = 0, left_out = 0;
  bool more = true;
  while (more) {
    auto page = hub.ListObjects(*principal, collection->id, query);
    if (!page.ok()) return Fail(page.error());
    for (const auto& object : page->objects) {
      // Rules and CSV rows lose the object's marking once deployed or opened in a
      // spreadsheet, so TLP:RED, meant for named recipients only, stays in bundles.
      if (!whole_objects && object.tlp == stix::Tlp::kRed) {
        ++left_out;
        std::cerr << "left out: " << object.id << ": TLP:RED is exported only as a bundle\n";
        continue;
      }
      Status added = writer->Add(object);
      if (added.ok()) {
        ++exported;
      } else if (added.error().code() == ErrorCode::kFailedPrecondition) {
        ++left_out;
        std::cerr << "left out: " << object.id << ": " << added.error().safe_message() << "\n";
      } else {
        return Fail(added.error());
      }
    }
    more = page->more;
    query.after = page->next;
  }
  Status finished = writer->Finish();
  if (!finished.ok()) return Fail(finished.error());
  Status closed = hash_lists.Close();
  if (!closed.ok()) return Fail(closed.error());
  out.flush();
  if (!out) return Fail(Internal("writing the export failed"));
  std::cerr << "exported " << exported << ", left out " << left_out << "\n";
  return left_out > 0 ? kExitSomeObjectsLeftOut : 0;
}

// How a federation command reaches the remote hub.
struct RemoteOptions {
  std::string token;  // else FINCYBER_SYNC_TOKEN
  int attempts = 5;
  int retry_for_seconds = 600;
};

void AddRemoteOptions(CLI::App* command, RemoteOptions& remote) {
  command->add_option("--token", remote.token, "API token for the remote (or FINCYBER_SYNC_TOKEN)");
  command
      ->add_option("--attempts", remote.attempts,
                   "tries per request while the remote is unreachable or busy (back-off 1 s, "
                   "2 s, 4 s ...); then exit 4")
      ->capture_default_str();
  command
      ->add_option("--retry-for", remote.retry_for_seconds,
                   "seconds one request may keep retrying, from its first try; then exit 4")
      ->capture_default_str();
}

// The TAXII client's options for `remote`, or the usage error to report.
Result<taxii::ClientOptions> ClientOptionsOf(const RemoteOptions& remote) {
  taxii::ClientOptions options;
  options.bearer_token = remote.token;
  if (options.bearer_token.empty()) {
    const char* from_env = std::getenv("FINCYBER_SYNC_TOKEN");
    if (from_env == nullptr || *from_env == '\0') {
      return InvalidArgument("give --token or set FINCYBER_SYNC_TOKEN");
    }
    options.bearer_token = from_env;
  }
  if (remote.attempts < 1 || remote.attempts > 100) {
    return InvalidArgument("--attempts must be between 1 and 100");
  }
  if (remote.retry_for_seconds < 0 || remote.retry_for_seconds > 86400) {
    return InvalidArgument("--retry-for must be between 0 and 86400 seconds");
  }
  options.max_attempts = remote.attempts;
  options.max_retry_elapsed = std::chrono::seconds(remote.retry_for_seconds);
  return options;
}

// The local side of a federation command: the hub, the user it acts as and the collection.
struct LocalCollection {
  std::unique_ptr<Platform> platform;
  identity::Principal principal;
  sharing::Collection collection;
};

Result<LocalCollection> OpenLocalCollection(const CommonOptions& location,
                                            const std::string& username,
                                            const std::string& collection) {
  LocalCollection local;
  FC_ASSIGN_OR_RETURN(local.platform, OpenPlatform(location));
  FC_ASSIGN_OR_RETURN(local.principal, PrincipalOfUser(*local.platform, username));
  FC_ASSIGN_OR_RETURN(local.collection,
                      FindCollection(local.platform->sharing(), local.principal, collection));
  return local;
}

struct SyncFlags {
  CommonOptions location;
  RemoteOptions remote;
  std::string from;
  std::string remote_collection;
  std::string into;
  std::string as_user;
  std::string since;
  bool keep_deleted = false;
  int deletions_every_seconds = 3600;
  std::string unmarked_tlp;  // "": the local collection's default
};

// The API root to pull from: the discovery resource's default, else its only root.
Result<std::string> ApiRootOf(taxii::TaxiiClient& client, const std::string& discovery_url) {
  FC_ASSIGN_OR_RETURN(taxii::DiscoveryInfo discovery, client.Discover(discovery_url));
  if (!discovery.default_api_root.empty()) return discovery.default_api_root;
  if (discovery.api_roots.size() == 1) return discovery.api_roots[0];
  return InvalidArgument(discovery_url + " names no default API root and " +
                         std::to_string(discovery.api_roots.size()) + " API roots");
}

// TLP:AMBER+STRICT is for the receiving organisation only: stored in a local collection it
// would reach that collection's other readers. (TLP:RED without named recipients is seen
// here by the syncing organisation alone, so it may be stored.)
bool ForTheReceivingOrganisationOnly(const Json& object) {
  return stix::TlpOfObject(object) == stix::Tlp::kAmberStrict;
}

int RunSync(const SyncFlags& flags) {
  auto options = ClientOptionsOf(flags.remote);
  if (!options.ok()) return Fail(options.error());
  if (!flags.since.empty() && !ParseRfc3339(flags.since)) {
    return Fail(InvalidArgument("--since must be an RFC 3339 time"));
  }
  std::optional<stix::Tlp> unmarked_tlp;
  if (!flags.unmarked_tlp.empty()) {
    unmarked_tlp = stix::ParseTlpName(flags.unmarked_tlp);
    if (!unmarked_tlp || *unmarked_tlp == stix::Tlp::kAmberStrict) {
      return Fail(InvalidArgument("--unmarked-tlp must be clear, green, amber or red"));
    }
  }
  if (flags.deletions_every_seconds < 0 || flags.deletions_every_seconds > kMaxDeletionsEvery) {
    return Fail(InvalidArgument("--deletions-every must be between 0 and " +
                                std::to_string(kMaxDeletionsEvery) + " seconds"));
  }
  auto local = OpenLocalCollection(flags.location, flags.as_user, flags.into);
  if (!local.ok()) return Fail(local.error());
  auto& platform = local->platform;
  auto& hub = platform->sharing();
  const identity::Principal& principal = local->principal;
  const sharing::Collection& collection = local->collection;
  if (!collection.can_write) {
    return Fail(PermissionDenied(flags.as_user + " may not add to " + collection.title));
  }

  auto http = MakeCurlHttp();
  taxii::TaxiiClient client(*http, *options);
  auto api_root = ApiRootOf(client, flags.from);
  if (!api_root.ok()) return Fail(api_root.error());
  const sharing::SyncSource source{*api_root, flags.remote_collection, collection.id};
  auto saved = sharing::LoadSyncPosition(platform->db(), source);
  if (!saved.ok()) return Fail(saved.error());
  sharing::SyncPosition position = saved->value_or(sharing::SyncPosition{});

  taxii::ObjectFilter filter;
  filter.added_after = !flags.since.empty() ? flags.since : position.last_date_added;
  // Every version, so that updates and revocations arrive as the versions they are.
  filter.versions = {"all"};
  filter.limit = sharing::kMaxPageSize;
  BatchImporter importer(hub, principal, collection.id);
  std::uint64_t received = 0, pages = 0, withheld = 0;
  auto progress = std::make_unique<ProgressLine>();
  auto pulled = client.PullObjects(
      *api_root, flags.remote_collection, filter, [&](taxii::ObjectsPage& page) -> Status {
        // Remembered before they are stored: an id remembered but never stored is only
        // forgotten when the remote drops it, while one stored but not remembered would
        // never be deleted here.
        std::vector<Json*> kept;
        std::vector<std::string> ids;
        for (Json& object : page.objects) {
          if (ForTheReceivingOrganisationOnly(object)) {
            ++withheld;
            std::cout << "not stored: " << object.value("id", std::string("(no id)"))
                      << ": TLP:AMBER+STRICT is for the receiving organisation only\n";
            continue;
          }
          if (auto id = object.find("id"); id != object.end() && id->is_string()) {
            ids.push_back(id->get<std::string>());
          }
          kept.push_back(&object);
        }
        FC_RETURN_IF_ERROR(sharing::RememberSyncedIds(platform->db(), source, ids));
        for (Json* object : kept) {
          std::string raw = DumpJson(*object);
          FC_RETURN_IF_ERROR(importer.Add(std::move(*object), std::move(raw), unmarked_tlp));
        }
        FC_RETURN_IF_ERROR(importer.Flush());
        received += page.objects.size();
        progress->Update(received, ++pages, 0, "pages");
        // Saved only once the page is stored: an interrupted pull resumes after it.
        if (page.date_added_last.empty()) return OkStatus();
        position.last_date_added = page.date_added_last;
        position.synced_at = FormatRfc3339(std::chrono::system_clock::now());
        position.objects += static_cast<std::int64_t>(page.objects.size());
        return sharing::SaveSyncPosition(platform->db(), source, position);
      });
  progress.reset();
  importer.PrintSummary();
  if (withheld > 0) std::cout << "not stored " << withheld << " TLP:AMBER+STRICT objects\n";
  // What was stored stays stored, even when the pull stopped; the position says where the
  // next pull starts.
  std::cout << "received " << received << " objects "
            << (pulled.ok() ? "in " + std::to_string(pulled->pages) + " pages"
                            : std::string("before the pull stopped"))
            << "; next pull "
            << (position.last_date_added.empty() ? "from the start"
                                                 : "after " + position.last_date_added)
            << "\n";
  if (!pulled.ok()) return Fail(pulled.error());
  const bool left_out = importer.failed() > 0 || withheld > 0;
  if (flags.keep_deleted) return left_out ? kExitSomeObjectsLeftOut : 0;
  const auto now = std::chrono::system_clock::now();
  const std::chrono::seconds deletions_every(flags.deletions_every_seconds);
  if (const auto checked = ParseRfc3339(position.deletions_checked_at);
      checked && now - *checked < deletions_every) {
    std::cout << "deletions at the remote last checked at " << position.deletions_checked_at
              << "; next check from " << FormatRfc3339(*checked + deletions_every)
              << " (--deletions-every)\n";
    return left_out ? kExitSomeObjectsLeftOut : 0;
  }

  // TAXII has no deletion feed: the remote's whole manifest (one entry per id) says what
  // it still has, and only a complete one is compared. Reading it costs a request per
  // 1,000 ids of the remote collection, hence at most once per --deletions-every.
  std::unordered_set<std::string> remote_ids;
  taxii::ObjectFilter every_id;
  every_id.limit = sharing::kMaxPageSize;
  auto listed = client.PullManifest(*api_root, flags.remote_collection, every_id,
                                    [&](taxii::ManifestPage& page) -> Status {
                                      for (auto& entry : page.objects) {
                                        remote_ids.insert(std::move(entry.id));
                                      }
                                      return OkStatus();
                                    });
  if (!listed.ok()) {
    std::cout << "deletions at the remote not checked: its manifest could not be read\n";
    return Fail(listed.error());
  }
  auto deletions = sharing::DeleteWhatTheRemoteDropped(hub, platform->db(), principal, source,
                                                       remote_ids, kCliSharingRequest);
  if (!deletions.ok()) return Fail(deletions.error());
  for (const std::string& failure : deletions->failed)
    std::cout << "not deleted: " << failure << "\n";
  std::cout << "deleted " << deletions->deleted << " objects the remote no longer has\n";
  position.deletions_checked_at = FormatRfc3339(now);
  position.synced_at = FormatRfc3339(std::chrono::system_clock::now());
  if (Status saved = sharing::SaveSyncPosition(platform->db(), source, position); !saved.ok()) {
    return Fail(saved.error());
  }
  return left_out || !deletions->failed.empty() ? kExitSomeObjectsLeftOut : 0;
}

struct PushFlags {
  CommonOptions location;
  RemoteOptions remote;
  std::string to;
  std::string remote_collection;
  std::string from;
  std::string as_user;
  std::string since;
  std::string max_tlp = "green";
  bool dry_run = false;
};

// Whether an object of the pushing organisation's may leave, and if not, why: it must
// carry its TLP marking (an unmarked one would take the remote collection's default,
// which may be wider than ours) at a level that may leave for another community, and
// name no recipients (organisations of this hub, for whom alone it is meant).
struct PushVerdict {
  enum class Kept { kNo, kUnmarked, kByTlp, kNamesRecipients } kept = Kept::kNo;
  std::string why;
};

PushVerdict JudgePush(const Json& object, stix::Tlp max_tlp) {
  const std::optional<stix::Tlp> tlp = stix::TlpOfObject(object);
  if (!tlp) {
    return {PushVerdict::Kept::kUnmarked,
            "no TLP marking (the remote would give it its own default)"};
  }
  std::string level = "TLP:" + std::string(stix::TlpName(*tlp));
  for (char& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (*tlp == stix::Tlp::kRed) {
    return {PushVerdict::Kept::kByTlp, level + " is for its named recipients only"};
  }
  if (*tlp == stix::Tlp::kAmberStrict) {
    return {PushVerdict::Kept::kByTlp, level + " is for the receiving organisation only"};
  }
  if (*tlp > max_tlp) return {PushVerdict::Kept::kByTlp, level + " is above --max-tlp"};
  if (const auto recipients = object.find(sharing::kRecipientsProperty);
      recipients != object.end() && !recipients->empty()) {
    return {PushVerdict::Kept::kNamesRecipients, "it names its recipients on this hub"};
  }
  return {};
}

int RunPush(const PushFlags& flags) {
  auto options = ClientOptionsOf(flags.remote);
  if (!options.ok()) return Fail(options.error());
  const std::optional<stix::Tlp> max_tlp = stix::ParseTlpName(flags.max_tlp);
  if (!max_tlp || *max_tlp > stix::Tlp::kAmber) {
    return Fail(InvalidArgument("--max-tlp must be clear, green or amber"));
  }
  std::optional<stix::Timestamp> since;
  if (!flags.since.empty()) {
    auto parsed = stix::ParseTimestamp(flags.since);
    if (!parsed.ok()) return Fail(InvalidArgument("--since must be an RFC 3339 time"));
    since = *parsed;
  }
  auto local = OpenLocalCollection(flags.location, flags.as_user, flags.from);
  if (!local.ok()) return Fail(local.error());
  auto& platform = local->platform;
  auto& hub = platform->sharing();
  const identity::Principal& principal = local->principal;
  const sharing::Collection& collection = local->collection;
  if (!collection.can_read) {
    return Fail(PermissionDenied(flags.as_user + " may not read " + collection.title));
  }

  auto http = MakeCurlHttp();
  taxii::TaxiiClient client(*http, *options);
  auto api_root = ApiRootOf(client, flags.to);
  if (!api_root.ok()) return Fail(api_root.error());
  auto root_info = client.GetApiRoot(*api_root);
  if (!root_info.ok()) return Fail(root_info.error());
  // An envelope stays within what the remote accepts in one request.
  constexpr std::size_t kMaxEnvelopeBytes = 16 << 20;
  constexpr std::size_t kMaxEnvelopeObjects = 1000;
  const std::size_t envelope_bytes =
      root_info->max_content_length > 0
          ? std::min(kMaxEnvelopeBytes, static_cast<std::size_t>(root_info->max_content_length))
          : std::size_t{1} << 20;
  const std::string_view kEnvelopeFrame = R"({"objects":[]})";

  const sharing::SyncSource target{*api_root, flags.remote_collection, collection.id};
  auto saved = sharing::LoadPushPosition(platform->db(), target);
  if (!saved.ok()) return Fail(saved.error());
  sharing::PushPosition position = saved->value_or(sharing::PushPosition{});

  sharing::ObjectQuery query;
  query.limit = sharing::kMaxPageSize;
  // Every version, so that updates and revocations leave as the versions they are.
  query.versions.all = true;
  if (since) {
    query.added_after = *since;
  } else if (!position.last_date_added.empty()) {
    auto last = stix::ParseTimestamp(position.last_date_added);
    if (!last.ok()) return Fail(Internal("the saved push position is not a time"));
    query.added_after = *last;
  }

  std::uint64_t pushed = 0, envelopes = 0, refused = 0, too_large = 0;
  std::uint64_t unmarked = 0, by_tlp = 0, with_recipients = 0;
  std::uint64_t others = 0, pulled = 0, pushed_when_saved = 0;
  std::vector<Json> envelope;
  std::size_t envelope_size = kEnvelopeFrame.size();
  // Sends the envelope (lists it, on a dry run) and empties it.
  auto send = [&]() -> Status {
    if (envelope.empty()) return OkStatus();
    if (flags.dry_run) {
      for (const Json& object : envelope) {
        std::cout << "would push: " << object.value("id", std::string()) << " "
                  << object.value("modified", object.value("created", std::string())) << "\n";
      }
      pushed += envelope.size();
    } else {
      FC_ASSIGN_OR_RETURN(taxii::AddStatus status,
                          client.AddObjects(*api_root, flags.remote_collection, envelope));
      if (!status.complete()) {
        FC_ASSIGN_OR_RETURN(status, client.WaitForStatus(*api_root, status.id,
                                                         std::chrono::milliseconds(200), 600));
        if (!status.complete()) {
          return Unavailable("the remote has not finished storing envelope " + status.id +
                             "; the next push sends it again");
        }
      }
      for (const taxii::StatusDetail& failure : status.failures) {
        std::cout << "refused by the remote: " << failure.id << ": " << failure.message << "\n";
      }
      refused += static_cast<std::uint64_t>(status.failure_count);
      pushed += static_cast<std::uint64_t>(status.success_count);
    }
    ++envelopes;
    envelope.clear();
    envelope_size = kEnvelopeFrame.size();
    return OkStatus();
  };
  Status outcome = OkStatus();
  auto progress = std::make_unique<ProgressLine>();
  std::uint64_t pages = 0;
  while (outcome.ok()) {
    auto page = hub.ListObjects(principal, collection.id, query);
    if (!page.ok()) {
      outcome = page.error();
      break;
    }
    std::vector<std::string> page_ids;
    for (const sharing::StoredObject& o : page->objects) page_ids.push_back(o.id);
    auto received = sharing::IdsReceivedByPulls(platform->db(), collection.id, page_ids);
    if (!received.ok()) {
      outcome = received.error();
      break;
    }
    for (const sharing::StoredObject& o : page->objects) {
      if (o.author_org != principal.org_id) {
        ++others;
        continue;
      }
      if (received->contains(o.id)) {
        ++pulled;
        continue;
      }
      auto object = sharing::ParseStoredBody(o);
      if (!object.ok() || !object->is_object()) {
        outcome = Internal("stored object " + o.id + " is not a JSON object");
        break;
      }
      if (const PushVerdict verdict = JudgePush(*object, *max_tlp);
          verdict.kept != PushVerdict::Kept::kNo) {
        std::cout << "not pushed: " << o.id << ": " << verdict.why << "\n";
        ++(verdict.kept == PushVerdict::Kept::kUnmarked ? unmarked
           : verdict.kept == PushVerdict::Kept::kByTlp  ? by_tlp
                                                        : with_recipients);
        continue;
      }
      const std::size_t size = DumpJson(*object).size() + 1;  // and its comma
      if (kEnvelopeFrame.size() + size > envelope_bytes) {
        std::cout << "not pushed: " << o.id << ": larger than the remote accepts ("
                  << envelope_bytes << " bytes a request)\n";
        ++too_large;
        continue;
      }
      if (envelope.size() == kMaxEnvelopeObjects || envelope_size + size > envelope_bytes) {
        if (outcome = send(); !outcome.ok()) break;
      }
      envelope.push_back(std::move(*object));
      envelope_size += size;
    }
    if (!outcome.ok()) break;
    // The page is done once what it adds has been accepted: only then is the position
    // saved, so that an interrupted push sends the rest again (as duplicates, harmlessly).
    if (outcome = send(); !outcome.ok()) break;
    if (!page->objects.empty() && !flags.dry_run) {
      position.last_date_added = stix::FormatTimestamp(page->objects.back().date_added);
      position.pushed_at = FormatRfc3339(std::chrono::system_clock::now());
      position.objects += static_cast<std::int64_t>(pushed - pushed_when_saved);
      pushed_when_saved = pushed;
      if (outcome = sharing::SavePushPosition(platform->db(), target, position); !outcome.ok()) {
        break;
      }
    }
    progress->Update(pushed, ++pages, 0, "pages");
    if (!page->more) break;
    query.after = page->next;
  }
  progress.reset();
  std::cout << (flags.dry_run ? "would push " : "pushed ") << pushed << " objects in " << envelopes
            << " envelopes; not pushed: " << unmarked << " unmarked, " << by_tlp
            << " by their TLP, " << with_recipients << " naming recipients, " << too_large
            << " too large, " << refused << " refused by the remote; left " << others
            << " of other organisations and " << pulled << " received from other hubs; next push "
            << (position.last_date_added.empty() ? "from the start"
                                                 : "after " + position.last_date_added)
            << "\n";
  if (!outcome.ok()) return Fail(outcome.error());
  const bool left_out = refused > 0 || unmarked > 0 || too_large > 0;
  return left_out ? kExitSomeObjectsLeftOut : 0;
}

struct CollectionFlags {
  CommonOptions location;
  std::string as_user;
  sharing::NewCollection collection;
  std::string default_tlp = "green";
  std::string format = "table";
};

}  // namespace

void AddSharingCommands(CLI::App& cli, int& exit_code) {
  // The callbacks own the parsed values, so they live as long as `cli`.
  auto collection_flags = std::make_shared<CollectionFlags>();
  auto import_flags = std::make_shared<ImportFlags>();
  auto export_flags = std::make_shared<ExportFlags>();

  auto* collection = cli.add_subcommand("collection", "Manage sharing-hub collections");
  collection->require_subcommand(1);
  auto* add = collection->add_subcommand("add", "Add a collection; prints its id");
  AddCommonOptions(add, collection_flags->location);
  CollectionFlags& c = *collection_flags;
  add->add_option("--title", c.collection.title, "title, unique")->required();
  add->add_option("--description", c.collection.description, "what is shared in it");
  add->add_option("--alias", c.collection.alias, "short name, a-z 0-9 - _, unique");
  add->add_option("--read-group", c.collection.read_group_id, "trust group that reads it")
      ->required();
  add->add_option("--write-group", c.collection.write_group_id, "trust group that adds to it")
      ->required();
  add->add_option("--default-tlp", c.default_tlp, "TLP of objects without a marking")
      ->check(CLI::IsMember({"clear", "green", "amber", "amber+strict", "red"}))
      ->capture_default_str();
  add->add_option("--as", c.as_user, "create as this curator (default: the operator)");
  add->callback([&exit_code, collection_flags] {
    CollectionFlags& c = *collection_flags;
    auto platform = OpenPlatform(c.location);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    identity::Principal principal = identity::OperatorPrincipal();
    if (!c.as_user.empty()) {
      auto user = PrincipalOfUser(**platform, c.as_user);
      if (!user.ok()) return void(exit_code = Fail(user.error()));
      principal = *user;
    }
    c.collection.default_tlp = *stix::ParseTlpName(c.default_tlp);
    auto created =
        (*platform)->sharing().CreateCollection(principal, c.collection, kCliSharingRequest);
    if (!created.ok()) return void(exit_code = Fail(created.error()));
    std::cout << created->id << "\n";
  });
  auto* list = collection->add_subcommand(
      "list", "List the collections a user's organisation may read or write");
  AddCommonOptions(list, c.location);
  list->add_option("--as", c.as_user, "username")->required();
  list->add_option("--format", c.format, "table or json")->check(CLI::IsMember({"table", "json"}));
  list->callback([&exit_code, collection_flags] {
    CollectionFlags& c = *collection_flags;
    auto platform = OpenPlatform(c.location);
    if (!platform.ok()) return void(exit_code = Fail(platform.error()));
    auto principal = PrincipalOfUser(**platform, c.as_user);
    if (!principal.ok()) return void(exit_code = Fail(principal.error()));
    auto collections = (*platform)->sharing().ListCollections(*principal);
    if (!collections.ok()) return void(exit_code = Fail(collections.error()));
    Json rows = Json::array();
    for (const auto& one : *collections) rows.push_back(sharing::ToJson(one));
    PrintRows(std::cout, {"id", "title", "alias", "default_tlp", "can_read", "can_write"}, rows,
              c.format == "json" ? OutputFormat::kJson : OutputFormat::kTable);
  });

  ImportFlags& i = *import_flags;
  auto* import =
      cli.add_subcommand("import",
                         "Import a STIX bundle, a MISP feed folder or a CSV of indicators into a "
                         "collection as a user; prints each refused object and the counts");
  AddCommonOptions(import, i.location);
  import->add_option("--collection", i.collection, "collection id or alias")->required();
  import->add_option("--as", i.as_user, "username whose organisation shares the objects")
      ->required();
  import->add_option("--bundle", i.bundle, "STIX 2.1 bundle file (any size)");
  import->add_option("--misp", i.misp, "MISP feed folder (manifest.json and event files)");
  import->add_option("--csv", i.csv, "CSV of indicators (type,value,...)");
  import->callback([&exit_code, import_flags] { exit_code = RunImport(*import_flags);
});

ExportFlags& e = *export_flags;
auto* exporter =
    cli.add_subcommand("export",
                       "Export a collection as a user sees it: a STIX bundle, CSV of indicators, "
                       "Suricata rules or a Zeek Intel file");
AddCommonOptions(exporter, e.location);
exporter->add_option("--collection", e.collection, "collection id or alias")->required();
exporter->add_option("--as", e.as_user, "username whose organisation's view is exported")
    ->required();
exporter->add_option("--format", e.format, "bundle, csv, suricata or zeek")
    ->check(CLI::IsMember({"bundle", "csv", "suricata", "zeek"}))
    ->capture_default_str();
exporter->add_option("--output", e.output, "file to write, - for standard output")
    ->capture_default_str();
exporter->add_option("--hash-lists", e.hash_lists,
                     "with suricata: write the MD5, SHA-1 and SHA-256 file-hash lists the rules "
                     "name (fincyber-md5.list ...) into this folder, to go beside the rules in "
                     "Suricata's rule path; without it, hash indicators are left out");
exporter->callback([&exit_code, export_flags] { exit_code = RunExport(*export_flags); });

auto sync_flags = std::make_shared<SyncFlags>();
SyncFlags& y = *sync_flags;
auto* hub_command = cli.add_subcommand("hub", "Federation with other hubs over TAXII 2.1");
hub_command->require_subcommand(1);
auto* sync = hub_command->add_subcommand(
    "sync",
    "Pull what a remote TAXII collection gained since the last pull into a local "
    "collection as a user (every version: updates and revocations; TLP:AMBER+STRICT "
    "objects are not stored), and delete here what the remote deleted");
AddCommonOptions(sync, y.location);
sync->add_option("--from", y.from, "the remote's TAXII discovery URL (https://host/taxii2/)")
    ->required();
sync->add_option("--collection", y.remote_collection, "remote collection id")->required();
sync->add_option("--into", y.into, "local collection id or alias")->required();
sync->add_option("--as", y.as_user, "username whose organisation stores the objects")->required();
sync->add_option("--since", y.since,
                 "RFC 3339: pull what was added after this instead of after the last pull");
AddRemoteOptions(sync, y.remote);
sync->add_option("--unmarked-tlp", y.unmarked_tlp,
                 "the TLP of remote objects without a TLP marking: clear, green, amber or red "
                 "(default: the local collection's default; give the remote collection's)");
sync->add_flag("--keep-deleted", y.keep_deleted,
               "keep objects the remote deleted (skips reading the remote's whole manifest)");
sync->add_option("--deletions-every", y.deletions_every_seconds,
                 "seconds between reads of the remote's whole manifest to find what it "
                 "deleted (0: every pull)")
    ->capture_default_str();
sync->callback([&exit_code, sync_flags] { exit_code = RunSync(*sync_flags); });

auto push_flags = std::make_shared<PushFlags>();
PushFlags& p = *push_flags;
auto* push = hub_command->add_subcommand(
    "push",
    "Send what a local collection gained since the last push to a remote TAXII collection: "
    "the objects of the user's organisation (every version), marked TLP:CLEAR or GREEN (or "
    "up to --max-tlp), and not received from another hub");
AddCommonOptions(push, p.location);
push->add_option("--to", p.to, "the remote's TAXII discovery URL (https://host/taxii2/)")
    ->required();
push->add_option("--collection", p.remote_collection, "remote collection id")->required();
push->add_option("--from", p.from, "local collection id or alias")->required();
push->add_option("--as", p.as_user, "username whose organisation's objects are sent")->required();
push->add_option("--since", p.since,
                 "RFC 3339: look at what was added here after this instead of after the last "
                 "push");
push->add_flag("--dry-run", p.dry_run,
               "list what would be sent (id and version) without sending it or moving the "
               "position");
push->add_option("--max-tlp", p.max_tlp,
                 "the widest marking sent: clear, green or amber (TLP:AMBER+STRICT and RED "
                 "are never sent)")
    ->capture_default_str();
AddRemoteOptions(push, p.remote);
push->callback([&exit_code, push_flags] { exit_code = RunPush(*push_flags); });
}  // namespace fincyber::app

}  // namespace fincyber::app
