// Validation of STIX 2.1 objects against the specification (STIX 2.1 OS, sections 2-8 and
// 10-11). Every object type is described by a table of its properties; one generic
// checker walks an object against its table and then applies the rules that span several
// properties. Nothing here recurses on the input: tables nest a fixed, small number of
// levels, and the walks over arbitrary custom content use explicit stacks.
#include "stix/object.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>

#include "base/crypto.h"
#include "stix/internal/quote.h"
#include "stix/observable.h"
#include "stix/pattern.h"
#include "stix/tlp.h"
#include "stix/uuid.h"
#include "stix/vocabulary.h"

namespace fincyber::stix {
namespace {

// Beyond this many problems an object is hopeless; more would only cost memory.
constexpr std::size_t kMaxViolations = 100;
constexpr std::size_t kMaxNameLength = 250;
constexpr std::string_view kSpecVersion = "2.1";
constexpr std::string_view kScoNamespace = "00abedb4-aa42-466c-9c01-fed23315a9b7";
constexpr std::string_view kTlp2ExtensionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

// ---------------------------------------------------------------------------------------
// Property tables

enum class Kind {
  kAny,  // checked by a rule of its own, or anything goes
  kString,
  kStringList,
  kTimestamp,
  kBoolean,
  kInteger,  // within [min, max]
  kNumber,   // within [min, max]
  kRef,      // an identifier; ref_types restricts its object type
  kRefList,
  kHashes,
  kDictionary,
  kVocab,  // a value of `vocabulary`
  kVocabList,
  kBinary,  // base64
  kHex,
  kObject,  // an object described by `nested`
  kObjectList,
  kExtensions,
};

struct ObjectSpec;

struct PropertySpec {
  std::string_view name;
  Kind kind = Kind::kAny;
  bool required = false;
  const Vocabulary* vocabulary = nullptr;
  std::span<const std::string_view> ref_types = {};  // empty: any object type
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  const ObjectSpec* nested = nullptr;
};

class Checker;

// A nested structure (external reference, kill-chain phase, predefined extension...).
struct ObjectSpec {
  std::string_view name;  // for messages, e.g. "external reference"
  std::span<const PropertySpec> properties;
  void (*check)(Checker&, const Json& object, const std::string& path) = nullptr;
};

constexpr PropertySpec Prop(std::string_view name, Kind kind) {
  PropertySpec spec;
  spec.name = name;
  spec.kind = kind;
  return spec;
}
constexpr PropertySpec Required(PropertySpec spec) {
  spec.required = true;
  return spec;
}
constexpr PropertySpec Any(std::string_view name) { return Prop(name, Kind::kAny); }
constexpr PropertySpec Str(std::string_view name) { return Prop(name, Kind::kString); }
constexpr PropertySpec Strings(std::string_view name) { return Prop(name, Kind::kStringList); }
constexpr PropertySpec Time(std::string_view name) { return Prop(name, Kind::kTimestamp); }
constexpr PropertySpec Bool(std::string_view name) { return Prop(name, Kind::kBoolean); }
constexpr PropertySpec Hashes(std::string_view name) { return Prop(name, Kind::kHashes); }
constexpr PropertySpec Dict(std::string_view name) { return Prop(name, Kind::kDictionary); }
constexpr PropertySpec Binary(std::string_view name) { return Prop(name, Kind::kBinary); }
constexpr PropertySpec Hex(std::string_view name) { return Prop(name, Kind::kHex); }
constexpr PropertySpec Extensions(std::string_view name) { return Prop(name, Kind::kExtensions); }
constexpr PropertySpec Int(std::string_view name, double min = -9.007199254740992e15,
                           double max = 9.007199254740992e15) {
  PropertySpec spec = Prop(name, Kind::kInteger);
  spec.min = min;
  spec.max = max;
  return spec;
}
constexpr PropertySpec Number(std::string_view name, double min, double max) {
  PropertySpec spec = Prop(name, Kind::kNumber);
  spec.min = min;
  spec.max = max;
  return spec;
}
constexpr PropertySpec Ref(std::string_view name, std::span<const std::string_view> types = {}) {
  PropertySpec spec = Prop(name, Kind::kRef);
  spec.ref_types = types;
  return spec;
}
constexpr PropertySpec Refs(std::string_view name, std::span<const std::string_view> types = {}) {
  PropertySpec spec = Prop(name, Kind::kRefList);
  spec.ref_types = types;
  return spec;
}
constexpr PropertySpec Vocab(std::string_view name, const Vocabulary& vocabulary) {
  PropertySpec spec = Prop(name, Kind::kVocab);
  spec.vocabulary = &vocabulary;
  return spec;
}
constexpr PropertySpec VocabList(std::string_view name, const Vocabulary& vocabulary) {
  PropertySpec spec = Prop(name, Kind::kVocabList);
  spec.vocabulary = &vocabulary;
  return spec;
}
constexpr PropertySpec Nested(std::string_view name, const ObjectSpec& nested) {
  PropertySpec spec = Prop(name, Kind::kObject);
  spec.nested = &nested;
  return spec;
}
constexpr PropertySpec NestedList(std::string_view name, const ObjectSpec& nested) {
  PropertySpec spec = Prop(name, Kind::kObjectList);
  spec.nested = &nested;
  return spec;
}

using Types = std::string_view;
constexpr Types kIdentity[] = {"identity"};
constexpr Types kMarkingDefinition[] = {"marking-definition"};
constexpr Types kSoftware[] = {"software"};
constexpr Types kFileOrArtifact[] = {"file", "artifact"};
constexpr Types kAnalysisSample[] = {"file", "network-traffic", "artifact"};
constexpr Types kObservedData[] = {"observed-data"};
constexpr Types kIdentityOrLocation[] = {"identity", "location"};
constexpr Types kDomainResolution[] = {"ipv4-addr", "ipv6-addr", "domain-name"};
constexpr Types kMacAddr[] = {"mac-addr"};
constexpr Types kAutonomousSystem[] = {"autonomous-system"};
constexpr Types kUserAccount[] = {"user-account"};
constexpr Types kEmailAddr[] = {"email-addr"};
constexpr Types kArtifact[] = {"artifact"};
constexpr Types kFile[] = {"file"};
constexpr Types kFileOrDirectory[] = {"file", "directory"};
constexpr Types kDirectory[] = {"directory"};
constexpr Types kNetworkEndpoint[] = {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"};
constexpr Types kNetworkTraffic[] = {"network-traffic"};
constexpr Types kProcess[] = {"process"};
constexpr Types kExtensionDefinition[] = {"extension-definition"};

// Rules that span properties of nested structures; defined with the other rules below.
void CheckExternalReference(Checker& checker, const Json& reference, const std::string& path);
void CheckGranularMarking(Checker& checker, const Json& marking, const std::string& path);
void CheckAtLeastOneProperty(Checker& checker, const Json& object, const std::string& path);

constexpr PropertySpec kKillChainPhaseProperties[] = {Required(Str("kill_chain_name")),
                                                      Required(Str("phase_name"))};
constexpr ObjectSpec kKillChainPhase{"kill-chain phase", kKillChainPhaseProperties};
constexpr PropertySpec KillChain(std::string_view name) {
  return NestedList(name, kKillChainPhase);
}

constexpr PropertySpec kExternalReferenceProperties[] = {Required(Str("source_name")),
                                                         Str("description"), Str("url"),
                                                         Hashes("hashes"), Str("external_id")};
constexpr ObjectSpec kExternalReference{"external reference", kExternalReferenceProperties,
                                        &CheckExternalReference};

constexpr PropertySpec kGranularMarkingProperties[] = {
    Required(Strings("selectors")), Ref("marking_ref", kMarkingDefinition), Str("lang")};
constexpr ObjectSpec kGranularMarking{"granular marking", kGranularMarkingProperties,
                                      &CheckGranularMarking};

// Common properties (section 3.2) by kind of object.
constexpr PropertySpec kSdoCommon[] = {
    Any("type"),
    Any("spec_version"),
    Any("id"),
    Ref("created_by_ref", kIdentity),
    Required(Time("created")),
    Required(Time("modified")),
    Bool("revoked"),
    Strings("labels"),
    Int("confidence", 0, 100),
    Str("lang"),
    NestedList("external_references", kExternalReference),
    Refs("object_marking_refs", kMarkingDefinition),
    NestedList("granular_markings", kGranularMarking),
    Extensions("extensions"),
};
constexpr PropertySpec kScoCommon[] = {
    Any("type"),
    Any("spec_version"),
    Any("id"),
    Refs("object_marking_refs", kMarkingDefinition),
    NestedList("granular_markings", kGranularMarking),
    Bool("defanged"),
    Extensions("extensions"),
};
constexpr PropertySpec kMarkingDefinitionCommon[] = {
    Any("type"),
    Any("spec_version"),
    Any("id"),
    Ref("created_by_ref", kIdentity),
    Required(Time("created")),
    NestedList("external_references", kExternalReference),
    Refs("object_marking_refs", kMarkingDefinition),
    NestedList("granular_markings", kGranularMarking),
    Extensions("extensions"),
};
constexpr PropertySpec kExtensionDefinitionCommon[] = {
    Any("type"),
    Any("spec_version"),
    Any("id"),
    Required(Ref("created_by_ref", kIdentity)),
    Required(Time("created")),
    Required(Time("modified")),
    Bool("revoked"),
    Strings("labels"),
    NestedList("external_references", kExternalReference),
    Refs("object_marking_refs", kMarkingDefinition),
    NestedList("granular_markings", kGranularMarking),
    Extensions("extensions"),
};

// SDOs (section 4).
constexpr PropertySpec kAttackPattern[] = {Required(Str("name")), Str("description"),
                                           Strings("aliases"), KillChain("kill_chain_phases")};
constexpr PropertySpec kCampaign[] = {Required(Str("name")), Str("description"), Strings("aliases"),
                                      Time("first_seen"),    Time("last_seen"),  Str("objective")};
constexpr PropertySpec kCourseOfAction[] = {Required(Str("name")), Str("description")};
constexpr PropertySpec kGrouping[] = {Str("name"), Str("description"),
                                      Required(Vocab("context", vocabulary::kGroupingContext)),
                                      Required(Refs("object_refs"))};
constexpr PropertySpec kIdentitySdo[] = {Required(Str("name")),
                                         Str("description"),
                                         Strings("roles"),
                                         Vocab("identity_class", vocabulary::kIdentityClass),
                                         VocabList("sectors", vocabulary::kIndustrySector),
                                         Str("contact_information")};
constexpr PropertySpec kIncident[] = {Required(Str("name")), Str("description"),
                                      KillChain("kill_chain_phases")};
constexpr PropertySpec kIndicator[] = {Str("name"),
                                       Str("description"),
                                       VocabList("indicator_types", vocabulary::kIndicatorType),
                                       Required(Str("pattern")),
                                       Required(Vocab("pattern_type", vocabulary::kPatternType)),
                                       Str("pattern_version"),
                                       Required(Time("valid_from")),
                                       Time("valid_until"),
                                       KillChain("kill_chain_phases")};
constexpr PropertySpec kInfrastructure[] = {
    Required(Str("name")),
    Str("description"),
    VocabList("infrastructure_types", vocabulary::kInfrastructureType),
    Strings("aliases"),
    KillChain("kill_chain_phases"),
    Time("first_seen"),
    Time("last_seen")};
constexpr PropertySpec kIntrusionSet[] = {
    Required(Str("name")),
    Str("description"),
    Strings("aliases"),
    Time("first_seen"),
    Time("last_seen"),
    Strings("goals"),
    Vocab("resource_level", vocabulary::kAttackResourceLevel),
    Vocab("primary_motivation", vocabulary::kAttackMotivation),
    VocabList("secondary_motivations", vocabulary::kAttackMotivation)};
constexpr PropertySpec kLocation[] = {Str("name"),
                                      Str("description"),
                                      Number("latitude", -90, 90),
                                      Number("longitude", -180, 180),
                                      Number("precision", 0, std::numeric_limits<double>::max()),
                                      Vocab("region", vocabulary::kRegion),
                                      Str("country"),
                                      Str("administrative_area"),
                                      Str("city"),
                                      Str("street_address"),
                                      Str("postal_code")};
constexpr PropertySpec kMalware[] = {
    Str("name"),
    Str("description"),
    VocabList("malware_types", vocabulary::kMalwareType),
    Required(Bool("is_family")),
    Strings("aliases"),
    KillChain("kill_chain_phases"),
    Time("first_seen"),
    Time("last_seen"),
    Refs("operating_system_refs", kSoftware),
    VocabList("architecture_execution_envs", vocabulary::kProcessorArchitecture),
    VocabList("implementation_languages", vocabulary::kImplementationLanguage),
    VocabList("capabilities", vocabulary::kMalwareCapabilities),
    Refs("sample_refs", kFileOrArtifact)};
constexpr PropertySpec kMalwareAnalysis[] = {Required(Str("product")),
                                             Str("version"),
                                             Ref("host_vm_ref", kSoftware),
                                             Ref("operating_system_ref", kSoftware),
                                             Refs("installed_software_refs", kSoftware),
                                             Str("configuration_version"),
                                             Strings("modules"),
                                             Str("analysis_engine_version"),
                                             Str("analysis_definition_version"),
                                             Time("submitted"),
                                             Time("analysis_started"),
                                             Time("analysis_ended"),
                                             Str("result_name"),
                                             Vocab("result", vocabulary::kMalwareResult),
                                             Refs("analysis_sco_refs"),
                                             Ref("sample_ref", kAnalysisSample)};
constexpr PropertySpec kNote[] = {Str("abstract"), Required(Str("content")), Strings("authors"),
                                  Required(Refs("object_refs"))};
constexpr PropertySpec kObservedDataSdo[] = {
    Required(Time("first_observed")), Required(Time("last_observed")),
    Required(Int("number_observed", 1, 999'999'999)), Any("objects"), Refs("object_refs")};
constexpr PropertySpec kOpinion[] = {Str("explanation"), Strings("authors"),
                                     Required(Vocab("opinion", vocabulary::kOpinion)),
                                     Required(Refs("object_refs"))};
constexpr PropertySpec kReport[] = {Required(Str("name")), Str("description"),
                                    VocabList("report_types", vocabulary::kReportType),
                                    Required(Time("published")), Required(Refs("object_refs"))};
constexpr PropertySpec kThreatActor[] = {
    Required(Str("name")),
    Str("description"),
    VocabList("threat_actor_types", vocabulary::kThreatActorType),
    Strings("aliases"),
    Time("first_seen"),
    Time("last_seen"),
    VocabList("roles", vocabulary::kThreatActorRole),
    Strings("goals"),
    Vocab("sophistication", vocabulary::kThreatActorSophistication),
    Vocab("resource_level", vocabulary::kAttackResourceLevel),
    Vocab("primary_motivation", vocabulary::kAttackMotivation),
    VocabList("secondary_motivations", vocabulary::kAttackMotivation),
    VocabList("personal_motivations", vocabulary::kAttackMotivation)};
constexpr PropertySpec kTool[] = {Required(Str("name")),
                                  Str("description"),
                                  VocabList("tool_types", vocabulary::kToolType),
                                  Strings("aliases"),
                                  KillChain("kill_chain_phases"),
                                  Str("tool_version")};
constexpr PropertySpec kVulnerability[] = {Required(Str("name")), Str("description")};

// SROs (section 5).
constexpr PropertySpec kRelationship[] = {
    Required(Str("relationship_type")), Str("description"), Required(Ref("source_ref")),
    Required(Ref("target_ref")),        Time("start_time"), Time("stop_time")};
constexpr PropertySpec kSighting[] = {Str("description"),
                                      Time("first_seen"),
                                      Time("last_seen"),
                                      Int("count", 0, 999'999'999),
                                      Required(Ref("sighting_of_ref")),
                                      Refs("observed_data_refs", kObservedData),
                                      Refs("where_sighted_refs", kIdentityOrLocation),
                                      Bool("summary")};

// SCOs (section 6).
constexpr PropertySpec kArtifactSco[] = {
    Str("mime_type"),
    Binary("payload_bin"),
    Str("url"),
    Hashes("hashes"),
    Vocab("encryption_algorithm", vocabulary::kEncryptionAlgorithm),
    Str("decryption_key")};
constexpr PropertySpec kAutonomousSystemSco[] = {Required(Int("number", 0, 4294967295.0)),
                                                 Str("name"), Str("rir")};
constexpr PropertySpec kDirectorySco[] = {
    Required(Str("path")), Str("path_enc"), Time("ctime"),
    Time("mtime"),         Time("atime"),   Refs("contains_refs", kFileOrDirectory)};
constexpr PropertySpec kDomainNameSco[] = {Required(Str("value")),
                                           Refs("resolves_to_refs", kDomainResolution)};
constexpr PropertySpec kEmailAddrSco[] = {Required(Str("value")), Str("display_name"),
                                          Ref("belongs_to_ref", kUserAccount)};
constexpr PropertySpec kMimePartProperties[] = {Str("body"), Ref("body_raw_ref", kFileOrArtifact),
                                                Str("content_type"), Str("content_disposition")};
constexpr ObjectSpec kMimePart{"MIME part", kMimePartProperties, &CheckAtLeastOneProperty};
constexpr PropertySpec kEmailMessageSco[] = {Required(Bool("is_multipart")),
                                             Time("date"),
                                             Str("content_type"),
                                             Ref("from_ref", kEmailAddr),
                                             Ref("sender_ref", kEmailAddr),
                                             Refs("to_refs", kEmailAddr),
                                             Refs("cc_refs", kEmailAddr),
                                             Refs("bcc_refs", kEmailAddr),
                                             Str("message_id"),
                                             Str("subject"),
                                             Strings("received_lines"),
                                             Dict("additional_header_fields"),
                                             Str("body"),
                                             NestedList("body_multipart", kMimePart),
                                             Ref("raw_email_ref", kArtifact)};
constexpr PropertySpec kFileSco[] = {Hashes("hashes"),
                                     Int("size", 0),
                                     Str("name"),
                                     Str("name_enc"),
                                     Hex("magic_number_hex"),
                                     Str("mime_type"),
                                     Time("ctime"),
                                     Time("mtime"),
                                     Time("atime"),
                                     Ref("parent_directory_ref", kDirectory),
                                     Refs("contains_refs"),
                                     Ref("content_ref", kArtifact)};
constexpr PropertySpec kIpv4AddrSco[] = {Required(Str("value")), Refs("resolves_to_refs", kMacAddr),
                                         Refs("belongs_to_refs", kAutonomousSystem)};
constexpr PropertySpec kIpv6AddrSco[] = {Required(Str("value")), Refs("resolves_to_refs", kMacAddr),
                                         Refs("belongs_to_refs", kAutonomousSystem)};
constexpr PropertySpec kMacAddrSco[] = {Required(Str("value"))};
constexpr PropertySpec kMutexSco[] = {Required(Str("name"))};
constexpr PropertySpec kNetworkTrafficSco[] = {Time("start"),
                                               Time("end"),
                                               Bool("is_active"),
                                               Ref("src_ref", kNetworkEndpoint),
                                               Ref("dst_ref", kNetworkEndpoint),
                                               Int("src_port", 0, 65535),
                                               Int("dst_port", 0, 65535),
                                               Required(Strings("protocols")),
                                               Int("src_byte_count", 0),
                                               Int("dst_byte_count", 0),
                                               Int("src_packets", 0),
                                               Int("dst_packets", 0),
                                               Dict("ipfix"),
                                               Ref("src_payload_ref", kArtifact),
                                               Ref("dst_payload_ref", kArtifact),
                                               Refs("encapsulates_refs", kNetworkTraffic),
                                               Ref("encapsulated_by_ref", kNetworkTraffic)};
constexpr PropertySpec kProcessSco[] = {Bool("is_hidden"),
                                        Int("pid"),
                                        Time("created_time"),
                                        Str("cwd"),
                                        Str("command_line"),
                                        Dict("environment_variables"),
                                        Refs("opened_connection_refs", kNetworkTraffic),
                                        Ref("creator_user_ref", kUserAccount),
                                        Ref("image_ref", kFile),
                                        Ref("parent_ref", kProcess),
                                        Refs("child_refs", kProcess)};
constexpr PropertySpec kSoftwareSco[] = {Required(Str("name")), Str("cpe"),    Str("swid"),
                                         Strings("languages"),  Str("vendor"), Str("version")};
constexpr PropertySpec kUrlSco[] = {Required(Str("value"))};
constexpr PropertySpec kUserAccountSco[] = {Str("user_id"),
                                            Str("credential"),
                                            Str("account_login"),
                                            Vocab("account_type", vocabulary::kAccountType),
                                            Str("display_name"),
                                            Bool("is_service_account"),
                                            Bool("is_privileged"),
                                            Bool("can_escalate_privs"),
                                            Bool("is_disabled"),
                                            Time("account_created"),
                                            Time("account_expires"),
                                            Time("credential_last_changed"),
                                            Time("account_first_login"),
                                            Time("account_last_login")};
constexpr PropertySpec kRegistryValueProperties[] = {
    Str("name"), Str("data"), Vocab("data_type", vocabulary::kWindowsRegistryDatatype)};
constexpr ObjectSpec kRegistryValue{"registry value", kRegistryValueProperties,
                                    &CheckAtLeastOneProperty};
constexpr PropertySpec kWindowsRegistryKeySco[] = {
    Str("key"), NestedList("values", kRegistryValue), Time("modified_time"),
    Ref("creator_user_ref", kUserAccount), Int("number_of_subkeys", 0)};
constexpr PropertySpec kX509Sco[] = {Bool("is_self_signed"),
                                     Hashes("hashes"),
                                     Str("version"),
                                     Str("serial_number"),
                                     Str("signature_algorithm"),
                                     Str("issuer"),
                                     Time("validity_not_before"),
                                     Time("validity_not_after"),
                                     Str("subject"),
                                     Str("subject_public_key_algorithm"),
                                     Str("subject_public_key_modulus"),
                                     Int("subject_public_key_exponent", 0),
                                     Dict("x509_v3_extensions")};

// Predefined SCO extensions (section 6, per object).
constexpr PropertySpec kArchiveExt[] = {Required(Refs("contains_refs", kFileOrDirectory)),
                                        Str("comment")};
constexpr PropertySpec kAlternateDataStreamProperties[] = {Required(Str("name")), Hashes("hashes"),
                                                           Int("size", 0)};
constexpr ObjectSpec kAlternateDataStream{"alternate data stream", kAlternateDataStreamProperties};
constexpr PropertySpec kNtfsExt[] = {Str("sid"),
                                     NestedList("alternate_data_streams", kAlternateDataStream)};
constexpr PropertySpec kPdfExt[] = {Str("version"), Bool("is_optimized"),
                                    Dict("document_info_dict"), Str("pdfid0"), Str("pdfid1")};
constexpr PropertySpec kRasterImageExt[] = {Int("image_height", 0), Int("image_width", 0),
                                            Int("bits_per_pixel", 0), Dict("exif_tags")};
constexpr PropertySpec kPeOptionalHeaderProperties[] = {Hex("magic_hex"),
                                                        Int("major_linker_version"),
                                                        Int("minor_linker_version"),
                                                        Int("size_of_code", 0),
                                                        Int("size_of_initialized_data", 0),
                                                        Int("size_of_uninitialized_data", 0),
                                                        Int("address_of_entry_point"),
                                                        Int("base_of_code"),
                                                        Int("base_of_data"),
                                                        Int("image_base"),
                                                        Int("section_alignment"),
                                                        Int("file_alignment"),
                                                        Int("major_os_version"),
                                                        Int("minor_os_version"),
                                                        Int("major_image_version"),
                                                        Int("minor_image_version"),
                                                        Int("major_subsystem_version"),
                                                        Int("minor_subsystem_version"),
                                                        Hex("win32_version_value_hex"),
                                                        Int("size_of_image", 0),
                                                        Int("size_of_headers", 0),
                                                        Hex("checksum_hex"),
                                                        Hex("subsystem_hex"),
                                                        Hex("dll_characteristics_hex"),
                                                        Int("size_of_stack_reserve", 0),
                                                        Int("size_of_stack_commit", 0),
                                                        Int("size_of_heap_reserve", 0),
                                                        Int("size_of_heap_commit", 0),
                                                        Hex("loader_flags_hex"),
                                                        Int("number_of_rva_and_sizes"),
                                                        Hashes("hashes")};
constexpr ObjectSpec kPeOptionalHeader{"PE optional header", kPeOptionalHeaderProperties,
                                       &CheckAtLeastOneProperty};
constexpr PropertySpec kPeSectionProperties[] = {Required(Str("name")), Int("size", 0),
                                                 Number("entropy", 0, 8), Hashes("hashes")};
constexpr ObjectSpec kPeSection{"PE section", kPeSectionProperties};
constexpr PropertySpec kWindowsPebinaryExt[] = {
    Required(Vocab("pe_type", vocabulary::kWindowsPebinaryType)),
    Str("imphash"),
    Hex("machine_hex"),
    Int("number_of_sections", 0),
    Time("time_date_stamp"),
    Hex("pointer_to_symbol_table_hex"),
    Int("number_of_symbols", 0),
    Int("size_of_optional_header", 0),
    Hex("characteristics_hex"),
    Nested("optional_header", kPeOptionalHeader),
    NestedList("sections", kPeSection),
    Hashes("file_header_hashes")};
constexpr PropertySpec kHttpRequestExt[] = {
    Required(Str("request_method")), Required(Str("request_value")),
    Str("request_version"),          Dict("request_header"),
    Int("message_body_length", 0),   Ref("message_body_data_ref", kArtifact)};
constexpr PropertySpec kIcmpExt[] = {Required(Hex("icmp_type_hex")),
                                     Required(Hex("icmp_code_hex"))};
constexpr PropertySpec kSocketExt[] = {
    Required(Vocab("address_family", vocabulary::kNetworkSocketAddressFamily)),
    Bool("is_blocking"),
    Bool("is_listening"),
    Dict("options"),
    Vocab("socket_type", vocabulary::kNetworkSocketType),
    Int("socket_descriptor", 0),
    Int("socket_handle")};
constexpr PropertySpec kTcpExt[] = {Hex("src_flags_hex"), Hex("dst_flags_hex")};
constexpr PropertySpec kWindowsProcessExt[] = {
    Bool("aslr_enabled"),
    Bool("dep_enabled"),
    Str("priority"),
    Str("owner_sid"),
    Str("window_title"),
    Dict("startup_info"),
    Vocab("integrity_level", vocabulary::kWindowsIntegrityLevel)};
constexpr PropertySpec kWindowsServiceExt[] = {
    Str("service_name"),
    Strings("descriptions"),
    Str("display_name"),
    Str("group_name"),
    Vocab("start_type", vocabulary::kWindowsServiceStartType),
    Refs("service_dll_refs", kFile),
    Vocab("service_type", vocabulary::kWindowsServiceType),
    Vocab("service_status", vocabulary::kWindowsServiceStatus)};
constexpr PropertySpec kUnixAccountExt[] = {Int("gid"), Strings("groups"), Str("home_dir"),
                                            Str("shell")};

constexpr ObjectSpec kFileExtensions[] = {
    {"archive-ext", kArchiveExt},
    {"ntfs-ext", kNtfsExt, &CheckAtLeastOneProperty},
    {"pdf-ext", kPdfExt, &CheckAtLeastOneProperty},
    {"raster-image-ext", kRasterImageExt, &CheckAtLeastOneProperty},
    {"windows-pebinary-ext", kWindowsPebinaryExt},
};
constexpr ObjectSpec kNetworkTrafficExtensions[] = {
    {"http-request-ext", kHttpRequestExt},
    {"icmp-ext", kIcmpExt},
    {"socket-ext", kSocketExt},
    {"tcp-ext", kTcpExt, &CheckAtLeastOneProperty},
};
constexpr ObjectSpec kProcessExtensions[] = {
    {"windows-process-ext", kWindowsProcessExt, &CheckAtLeastOneProperty},
    {"windows-service-ext", kWindowsServiceExt, &CheckAtLeastOneProperty},
};
constexpr ObjectSpec kUserAccountExtensions[] = {
    {"unix-account-ext", kUnixAccountExt, &CheckAtLeastOneProperty},
};

// Meta objects (section 7).
constexpr PropertySpec kMarkingDefinitionMeta[] = {
    Str("name"), Vocab("definition_type", vocabulary::kMarkingDefinitionType), Any("definition")};
constexpr PropertySpec kLanguageContentMeta[] = {
    Required(Ref("object_ref")), Time("object_modified"), Required(Any("contents"))};
constexpr PropertySpec kExtensionDefinitionMeta[] = {
    Required(Str("name")),
    Str("description"),
    Required(Str("schema")),
    Required(Str("version")),
    Required(VocabList("extension_types", vocabulary::kExtensionType)),
    Strings("extension_properties")};

// Rules that span properties of one object type.
using TypeRule = void (*)(Checker&, const Json& object);
void CheckSeenOrder(Checker& checker, const Json& object);
void CheckIndicator(Checker& checker, const Json& object);
void CheckLocation(Checker& checker, const Json& object);
void CheckMalware(Checker& checker, const Json& object);
void CheckMalwareAnalysis(Checker& checker, const Json& object);
void CheckObservedData(Checker& checker, const Json& object);
void CheckRelationship(Checker& checker, const Json& object);
void CheckSighting(Checker& checker, const Json& object);
void CheckArtifact(Checker& checker, const Json& object);
void CheckEmailMessage(Checker& checker, const Json& object);
void CheckFile(Checker& checker, const Json& object);
void CheckIpAddress(Checker& checker, const Json& object);
void CheckMacAddress(Checker& checker, const Json& object);
void CheckNetworkTraffic(Checker& checker, const Json& object);
void CheckScoHasContent(Checker& checker, const Json& object);
void CheckMarkingDefinition(Checker& checker, const Json& object);
void CheckLanguageContent(Checker& checker, const Json& object);

struct TypeSpec {
  std::string_view type;
  Category category;
  std::span<const PropertySpec> properties;
  TypeRule rule = nullptr;
  std::span<const ObjectSpec> extensions = {};             // predefined extensions (SCOs)
  std::span<const std::string_view> id_contributing = {};  // SCOs (section 6)
};

constexpr std::string_view kArtifactId[] = {"hashes", "payload_bin"};
constexpr std::string_view kNumberId[] = {"number"};
constexpr std::string_view kPathId[] = {"path"};
constexpr std::string_view kValueId[] = {"value"};
constexpr std::string_view kEmailMessageId[] = {"from_ref", "subject", "body"};
constexpr std::string_view kFileId[] = {"hashes", "name", "extensions", "parent_directory_ref"};
constexpr std::string_view kNameId[] = {"name"};
constexpr std::string_view kNetworkTrafficId[] = {
    "start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"};
constexpr std::string_view kSoftwareId[] = {"name", "cpe", "swid", "vendor", "version"};
constexpr std::string_view kUserAccountId[] = {"account_type", "user_id", "account_login"};
constexpr std::string_view kRegistryKeyId[] = {"key", "values"};
constexpr std::string_view kX509Id[] = {"hashes", "serial_number"};

constexpr TypeSpec kTypes[] = {
    {"attack-pattern", Category::kSdo, kAttackPattern},
    {"campaign", Category::kSdo, kCampaign, &CheckSeenOrder},
    {"course-of-action", Category::kSdo, kCourseOfAction},
    {"grouping", Category::kSdo, kGrouping},
    {"identity", Category::kSdo, kIdentitySdo},
    {"incident", Category::kSdo, kIncident},
    {"indicator", Category::kSdo, kIndicator, &CheckIndicator},
    {"infrastructure", Category::kSdo, kInfrastructure, &CheckSeenOrder},
    {"intrusion-set", Category::kSdo, kIntrusionSet, &CheckSeenOrder},
    {"location", Category::kSdo, kLocation, &CheckLocation},
    {"malware", Category::kSdo, kMalware, &CheckMalware},
    {"malware-analysis", Category::kSdo, kMalwareAnalysis, &CheckMalwareAnalysis},
    {"note", Category::kSdo, kNote},
    {"observed-data", Category::kSdo, kObservedDataSdo, &CheckObservedData},
    {"opinion", Category::kSdo, kOpinion},
    {"report", Category::kSdo, kReport},
    {"threat-actor", Category::kSdo, kThreatActor, &CheckSeenOrder},
    {"tool", Category::kSdo, kTool},
    {"vulnerability", Category::kSdo, kVulnerability},
    {"relationship", Category::kSro, kRelationship, &CheckRelationship},
    {"sighting", Category::kSro, kSighting, &CheckSighting},
    {"artifact", Category::kSco, kArtifactSco, &CheckArtifact, {}, kArtifactId},
    {"autonomous-system", Category::kSco, kAutonomousSystemSco, nullptr, {}, kNumberId},
    {"directory", Category::kSco, kDirectorySco, nullptr, {}, kPathId},
    {"domain-name", Category::kSco, kDomainNameSco, nullptr, {}, kValueId},
    {"email-addr", Category::kSco, kEmailAddrSco, nullptr, {}, kValueId},
    {"email-message", Category::kSco, kEmailMessageSco, &CheckEmailMessage, {}, kEmailMessageId},
    {"file", Category::kSco, kFileSco, &CheckFile, kFileExtensions, kFileId},
    {"ipv4-addr", Category::kSco, kIpv4AddrSco, &CheckIpAddress, {}, kValueId},
    {"ipv6-addr", Category::kSco, kIpv6AddrSco, &CheckIpAddress, {}, kValueId},
    {"mac-addr", Category::kSco, kMacAddrSco, &CheckMacAddress, {}, kValueId},
    {"mutex", Category::kSco, kMutexSco, nullptr, {}, kNameId},
    {"network-traffic", Category::kSco, kNetworkTrafficSco, &CheckNetworkTraffic,
     kNetworkTrafficExtensions, kNetworkTrafficId},
    {"process", Category::kSco, kProcessSco, &CheckScoHasContent, kProcessExtensions},
    {"software", Category::kSco, kSoftwareSco, nullptr, {}, kSoftwareId},
    {"url", Category::kSco, kUrlSco, nullptr, {}, kValueId},
    {"user-account", Category::kSco, kUserAccountSco, &CheckScoHasContent, kUserAccountExtensions,
     kUserAccountId},
    {"windows-registry-key",
     Category::kSco,
     kWindowsRegistryKeySco,
     &CheckScoHasContent,
     {},
     kRegistryKeyId},
    {"x509-certificate", Category::kSco, kX509Sco, &CheckScoHasContent, {}, kX509Id},
    {"marking-definition", Category::kMeta, kMarkingDefinitionMeta, &CheckMarkingDefinition},
    {"language-content", Category::kMeta, kLanguageContentMeta, &CheckLanguageContent},
    {"extension-definition", Category::kMeta, kExtensionDefinitionMeta},
};

const TypeSpec* FindType(std::string_view type) {
  for (const auto& spec : kTypes) {
    if (spec.type == type) return &spec;
  }
  return nullptr;
}

std::span<const PropertySpec> CommonProperties(const TypeSpec* spec, Category category) {
  if (spec != nullptr && spec->type == "marking-definition") return kMarkingDefinitionCommon;
  if (spec != nullptr && spec->type == "extension-definition") return kExtensionDefinitionCommon;
  return category == Category::kSco ? std::span<const PropertySpec>(kScoCommon)
                                    : std::span<const PropertySpec>(kSdoCommon);
}

// Properties STIX 2.1 reserves and forbids on every object (section 3.2's JSON schema).
constexpr std::string_view kReservedProperties[] = {"severity",
                                                    "action",
                                                    "usernames",
                                                    "phone_numbers",
                                                    "addresses",
                                                    "first_seen_precision",
                                                    "last_seen_precision",
                                                    "valid_from_precision",
                                                    "valid_until_precision"};

// Dictionaries whose keys are data, not property names: the *_ref walk skips them.
constexpr std::string_view kDataDictionaries[] = {"hashes",
                                                  "additional_header_fields",
                                                  "environment_variables",
                                                  "ipfix",
                                                  "document_info_dict",
                                                  "startup_info",
                                                  "exif_tags",
                                                  "options",
                                                  "request_header",
                                                  "x509_v3_extensions",
                                                  "file_header_hashes",
                                                  "contents"};

constexpr std::string_view kTlp1Ids[][2] = {
    {"white", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},
    {"green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
    {"amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {"red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
};

// ---------------------------------------------------------------------------------------
// Names and identifiers

bool Contains(std::span<const std::string_view> list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Object type names (section 3.1 and the identifier schema): 3-250 of a-z, 0-9 and '-',
// starting with a letter, ending with a letter or digit, no "--".
bool IsTypeName(std::string_view name) {
  if (name.size() < 3 || name.size() > kMaxNameLength) return false;
  if (name.front() < 'a' || name.front() > 'z' || !IsLowerAlnum(name.back())) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!IsLowerAlnum(name[i]) && name[i] != '-') return false;
    if (name[i] == '-' && i > 0 && name[i - 1] == '-') return false;
  }
  return true;
}

// Property names (section 11.1 and the properties schema): 3-250 of a-z, 0-9 and '_',
// starting with a letter.
bool IsPropertyName(std::string_view name) {
  if (name.size() < 3 || name.size() > kMaxNameLength) return false;
  if (name.front() < 'a' || name.front() > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return IsLowerAlnum(c) || c == '_'; });
}

struct ParsedId {
  std::string_view type;
  UuidBytes uuid;
  bool upper_case = false;
};

// "type--UUID" with an RFC 4122 UUID (variant 10, version 1-5), or the reason it is not.
std::variant<ParsedId, std::string> ParseIdentifier(std::string_view text) {
  const std::size_t separator = text.find("--");
  if (separator == std::string_view::npos) {
    return std::string("is not an identifier of the form type--UUID");
  }
  ParsedId parsed;
  parsed.type = text.substr(0, separator);
  if (!IsTypeName(parsed.type)) {
    return fmt::format("{} is not an object type name", Quote(parsed.type));
  }
  const std::string_view uuid_text = text.substr(separator + 2);
  const auto uuid = ParseUuid(uuid_text);
  if (!uuid) return fmt::format("{} is not a UUID", Quote(uuid_text));
  if (!IsRfc4122Variant(*uuid) || UuidVersion(*uuid) < 1 || UuidVersion(*uuid) > 5) {
    return fmt::format("{} is not an RFC 4122 UUID (version 1-5, variant 10)", Quote(uuid_text));
  }
  parsed.uuid = *uuid;
  parsed.upper_case =
      std::any_of(uuid_text.begin(), uuid_text.end(), [](char c) { return c >= 'A' && c <= 'F'; });
  return parsed;
}

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

// Base64 as RFC 4648 section 4 (the alphabet with '+' and '/', padded).
bool IsBase64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    const char c = text[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

// A property path step. Keys come from the input, so an unusual one (long, or with
// characters outside printable ASCII) is shown quoted and cut like any other value.
std::string Child(const std::string& path, std::string_view name) {
  const bool plain =
      name.size() <= kQuotedMaxBytes &&
      std::all_of(name.begin(), name.end(), [](char c) { return c > 0x20 && c < 0x7F; });
  const std::string step = plain ? std::string(name) : Quote(name);
  return path.empty() ? step : fmt::format("{}.{}", path, step);
}

std::string Index(const std::string& path, std::size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string_view JsonKind(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "a list";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a number";
    default:
      return "not JSON";
  }
}

std::optional<Timestamp> TimeMember(const Json& object, std::string_view name) {
  const std::string* text = FindString(object, name);
  if (text == nullptr) return std::nullopt;
  auto parsed = ParseTimestamp(*text);
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

// ---------------------------------------------------------------------------------------
// The checker

class Checker {
 public:
  Checker(const ValidationOptions& options, const Json& root, std::string object_id)
      : options_(options), root_(root), object_id_(std::move(object_id)) {}

  const ValidationOptions& options() const { return options_; }
  const Json& root() const { return root_; }
  std::string_view type() const { return type_; }
  const TypeSpec* type_spec() const { return type_spec_; }
  Category category() const { return category_; }
  bool ok() const { return errors_.empty(); }

  void Error(std::string path, std::string_view rule, std::string message) {
    Add(errors_, std::move(path), rule, std::move(message));
  }
  void Warn(std::string path, std::string_view rule, std::string message) {
    Add(warnings_, std::move(path), rule, std::move(message));
  }
  // Strict mode turns what is only advice into an error.
  void Advise(std::string path, std::string_view rule, std::string message) {
    if (options_.strict_vocabularies) {
      Error(std::move(path), rule, std::move(message));
    } else {
      Warn(std::move(path), rule, std::move(message));
    }
  }

  // Says that problems were left out; exempt from the cap it reports.
  void NoteTruncation() {
    errors_.push_back(
        {object_id_, "", "too-many-violations",
         fmt::format("more than {} problems; the rest are not listed", kMaxViolations)});
  }

  std::vector<Violation> TakeErrors() { return std::move(errors_); }
  std::vector<Violation> TakeWarnings() { return std::move(warnings_); }
  void KeepPattern(Pattern pattern) { pattern_ = std::move(pattern); }
  std::optional<Pattern> TakePattern() { return std::move(pattern_); }

  void CheckObject(const Json& object);

  // Checks `object`'s properties against `specs` (and `common`); unknown properties go
  // through the custom-property rules. `path` is "" at the top level.
  void CheckProperties(const Json& object, std::span<const PropertySpec> common,
                       std::span<const PropertySpec> specs, const std::string& path,
                       std::string_view owner);
  void CheckNested(const Json& value, const ObjectSpec& spec, const std::string& path);
  void CheckValue(const PropertySpec& spec, const Json& value, const std::string& path);
  bool CheckList(const Json& value, const std::string& path);
  void CheckReferenceType(const Json& value, std::span<const std::string_view> types,
                          const std::string& path);
  void CheckHashes(const Json& value, const std::string& path);
  void CheckDictionary(const Json& value, const std::string& path);
  void CheckVocabularyValue(const Vocabulary& vocabulary, const Json& value,
                            const std::string& path);
  void CheckExtensions(const Json& value, const std::string& path);
  void CheckCustomProperty(std::string_view name, const Json& value, const std::string& path,
                           std::string_view owner, bool top_level);
  // Every *_ref and *_refs at any depth: well-formed identifiers, collected in order.
  void WalkReferences(std::vector<std::string>& references);
  void CheckTimeOrder(const Json& object, std::string_view earlier, std::string_view later,
                      bool strictly);

 private:
  void Add(std::vector<Violation>& list, std::string path, std::string_view rule,
           std::string message) {
    if (errors_.size() + warnings_.size() >= kMaxViolations) {
      truncated_ = true;
      return;
    }
    list.push_back({object_id_, std::move(path), std::string(rule), std::move(message)});
  }
  void DetermineType(const Json& object);
  void CheckId(const Json& object);
  void CheckSpecVersion(const Json& object);
  void CheckDeterministicId(const Json& object);

  const ValidationOptions& options_;
  const Json& root_;
  std::string object_id_;
  std::string type_;
  const TypeSpec* type_spec_ = nullptr;
  Category category_ = Category::kCustom;
  bool custom_sco_ = false;          // a custom object declared new-sco by its extension
  bool toplevel_extension_ = false;  // extra top-level properties come from an extension
  bool truncated_ = false;
  std::vector<Violation> errors_;
  std::vector<Violation> warnings_;
  std::optional<Pattern> pattern_;  // an indicator's, once parsed

 public:
  bool truncated() const { return truncated_; }
};

void Checker::CheckObject(const Json& object) {
  DetermineType(object);
  CheckId(object);
  CheckSpecVersion(object);
  const std::span<const PropertySpec> common =
      CommonProperties(type_spec_, custom_sco_ ? Category::kSco : category_);
  const std::span<const PropertySpec> specific =
      type_spec_ != nullptr ? type_spec_->properties : std::span<const PropertySpec>();
  const std::string owner = type_.empty() ? std::string("this object") : type_;
  CheckProperties(object, common, specific, "", owner);
  if (category_ != Category::kSco && !custom_sco_) {
    CheckTimeOrder(object, "created", "modified", false);
  }
  if (type_spec_ != nullptr && type_spec_->rule != nullptr) type_spec_->rule(*this, object);
  if (type_spec_ != nullptr && category_ == Category::kSco) CheckDeterministicId(object);
}

void Checker::DetermineType(const Json& object) {
  const auto it = object.find("type");
  if (it == object.end()) {
    Error("type", "required", "every STIX object has a type");
    return;
  }
  if (!it->is_string()) {
    Error("type", "type", fmt::format("must be a string, not {}", JsonKind(*it)));
    return;
  }
  type_ = it->get<std::string>();
  if (type_ == "bundle") {
    Error("type", "bundle", "a bundle is an envelope, not a STIX object; validate it as a bundle");
    return;
  }
  if (!IsTypeName(type_)) {
    Error("type", "type-name",
          fmt::format("{} is not a type name (3-250 of a-z, 0-9 and '-', starting with a "
                      "letter, no \"--\")",
                      Quote(type_)));
    return;
  }
  type_spec_ = FindType(type_);
  if (type_spec_ != nullptr) {
    category_ = type_spec_->category;
    return;
  }
  category_ = Category::kCustom;
  if (!options_.allow_custom) {
    Error("type", "custom-object",
          fmt::format("{} is not a STIX 2.1 object type and custom objects are not accepted",
                      Quote(type_)));
  }
  // A custom object defined by an extension-definition says what kind it is (section 7.3);
  // a new SCO has no created or modified.
  const auto extensions = object.find("extensions");
  if (extensions != object.end() && extensions->is_object()) {
    for (const auto& extension : *extensions) {
      if (extension.is_object() && extension.value("extension_type", "") == "new-sco") {
        custom_sco_ = true;
      }
    }
  }
}

void Checker::CheckId(const Json& object) {
  const auto it = object.find("id");
  if (it == object.end()) {
    Error("id", "required", "every STIX object has an id");
    return;
  }
  if (!it->is_string()) {
    Error("id", "type", fmt::format("must be a string, not {}", JsonKind(*it)));
    return;
  }
  const std::string& id = it->get_ref<const std::string&>();
  const auto parsed = ParseIdentifier(id);
  if (const auto* reason = std::get_if<std::string>(&parsed)) {
    Error("id", "id-form", *reason);
    return;
  }
  const auto& parts = std::get<ParsedId>(parsed);
  if (!type_.empty() && parts.type != type_) {
    Error("id", "id-type",
          fmt::format("the id names type {} but the object's type is {}", Quote(parts.type),
                      Quote(type_)));
  }
  if (parts.upper_case) {
    Warn("id", "uuid-case",
         "UUIDs are written in lower case (RFC 4122); this id differs from its lower-case "
         "form when compared as text");
  }
}

void Checker::CheckSpecVersion(const Json& object) {
  const auto it = object.find("spec_version");
  if (it == object.end()) {
    // SCOs may omit it (section 3.2); every other object must say which STIX it is.
    if (category_ != Category::kSco && !custom_sco_ && !type_.empty()) {
      Error("spec_version", "required",
            fmt::format("{} objects must have spec_version \"2.1\"", type_));
    }
    return;
  }
  if (!it->is_string() || it->get_ref<const std::string&>() != kSpecVersion) {
    Error("spec_version", "spec-version",
          fmt::format("must be \"2.1\", not {}", it->is_string()
                                                     ? Quote(it->get_ref<const std::string&>())
                                                     : std::string(JsonKind(*it))));
  }
}

void Checker::CheckProperties(const Json& object, std::span<const PropertySpec> common,
                              std::span<const PropertySpec> specs, const std::string& path,
                              std::string_view owner) {
  auto find_spec = [&](std::string_view name) -> const PropertySpec* {
    for (const auto* list : {&common, &specs}) {
      for (const auto& spec : *list) {
        if (spec.name == name) return &spec;
      }
    }
    return nullptr;
  };
  const bool top_level = path.empty();
  if (top_level) {
    // Extensions are read first: they decide whether unknown top-level properties are
    // a toplevel-property-extension's.
    const auto extensions = object.find("extensions");
    if (extensions != object.end() && extensions->is_object()) {
      for (const auto& extension : *extensions) {
        if (extension.is_object() &&
            extension.value("extension_type", "") == "toplevel-property-extension") {
          toplevel_extension_ = true;
        }
      }
    }
  }
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string property_path = Child(path, it.key());
    const PropertySpec* spec = find_spec(it.key());
    if (spec == nullptr) {
      CheckCustomProperty(it.key(), it.value(), property_path, owner, top_level);
      continue;
    }
    if (it.value().is_null()) {
      Error(property_path, "null", "properties without a value must be omitted, not null");
      continue;
    }
    CheckValue(*spec, it.value(), property_path);
  }
  for (const auto* list : {&common, &specs}) {
    for (const auto& spec : *list) {
      if (spec.required && !object.contains(spec.name)) {
        Error(Child(path, spec.name), "required", fmt::format("is required on {}", owner));
      }
    }
  }
}

void Checker::CheckCustomProperty(std::string_view name, const Json& value, const std::string& path,
                                  std::string_view owner, bool top_level) {
  if (top_level && Contains(kReservedProperties, name)) {
    Error(path, "reserved-property", "is reserved by STIX 2.1 and must not be used");
    return;
  }
  if (!IsPropertyName(name)) {
    Error(path, "property-name",
          "is not a property of " + std::string(owner) +
              " and not a valid custom property name (3-250 of a-z, 0-9 and '_', starting "
              "with a letter)");
    return;
  }
  if (!options_.allow_custom) {
    Error(path, "custom-property",
          fmt::format("is not a property of {} and custom properties are not accepted", owner));
    return;
  }
  if (!(top_level && toplevel_extension_) && !name.starts_with("x_")) {
    Warn(path, "custom-property",
         fmt::format("is not a STIX 2.1 property of {}; custom properties should start with "
                     "\"x_\"",
                     owner));
  }
  // The custom-property schema: *_bin is base64, *_hex is hex, lists are not empty.
  if (name.ends_with("_bin")) {
    CheckValue(Binary(name), value, path);
  } else if (name.ends_with("_hex")) {
    CheckValue(Hex(name), value, path);
  } else if (value.is_array() && value.empty()) {
    Error(path, "empty-list", "lists must not be empty");
  } else if (value.is_null()) {
    Error(path, "null", "properties without a value must be omitted, not null");
  }
}

bool Checker::CheckList(const Json& value, const std::string& path) {
  if (!value.is_array()) {
    Error(path, "type", fmt::format("must be a list, not {}", JsonKind(value)));
    return false;
  }
  if (value.empty()) {
    Error(path, "empty-list", "lists must not be empty");
    return false;
  }
  return true;
}

void Checker::CheckValue(const PropertySpec& spec, const Json& value, const std::string& path) {
  auto expect = [&](bool condition, std::string_view what) {
    if (!condition) Error(path, "type", fmt::format("must be {}, not {}", what, JsonKind(value)));
    return condition;
  };
  switch (spec.kind) {
    case Kind::kAny:
      break;
    case Kind::kString:
      expect(value.is_string(), "a string");
      break;
    case Kind::kStringList:
      if (CheckList(value, path)) {
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (!value[i].is_string()) {
            Error(Index(path, i), "type",
                  fmt::format("must be a string, not {}", JsonKind(value[i])));
          }
        }
      }
      break;
    case Kind::kTimestamp:
      if (expect(value.is_string(), "a timestamp string")) {
        const auto parsed = ParseTimestamp(value.get_ref<const std::string&>());
        if (!parsed.ok()) Error(path, "timestamp", parsed.error().safe_message());
      }
      break;
    case Kind::kBoolean:
      expect(value.is_boolean(), "a boolean");
      break;
    case Kind::kInteger: {
      if (!expect(value.is_number_integer(), "an integer")) break;
      const bool fits_signed =
          value.is_number_unsigned()
              ? value.get<std::uint64_t>() <=
                    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
              : true;
      const double number = fits_signed ? static_cast<double>(value.get<std::int64_t>())
                                        : std::numeric_limits<double>::infinity();
      if (number < spec.min || number > spec.max) {
        Error(path, "range",
              fmt::format("{} is outside {}..{}", value.dump(), static_cast<std::int64_t>(spec.min),
                          static_cast<std::int64_t>(spec.max)));
      }
      break;
    }
    case Kind::kNumber: {
      if (!expect(value.is_number(), "a number")) break;
      const double number = value.get<double>();
      if (number < spec.min || number > spec.max) {
        Error(path, "range", fmt::format("{} is outside {}..{}", value.dump(), spec.min, spec.max));
      }
      break;
    }
    case Kind::kRef:
      // Form is checked by WalkReferences for every *_ref; here only the target's type.
      CheckReferenceType(value, spec.ref_types, path);
      break;
    case Kind::kRefList:
      if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
          CheckReferenceType(value[i], spec.ref_types, Index(path, i));
        }
      }
      break;
    case Kind::kHashes:
      CheckHashes(value, path);
      break;
    case Kind::kDictionary:
      CheckDictionary(value, path);
      break;
    case Kind::kVocab:
      CheckVocabularyValue(*spec.vocabulary, value, path);
      break;
    case Kind::kVocabList:
      if (CheckList(value, path)) {
        for (std::size_t i = 0; i < value.size(); ++i) {
          CheckVocabularyValue(*spec.vocabulary, value[i], Index(path, i));
        }
      }
      break;
    case Kind::kBinary:
      if (expect(value.is_string(), "a base64 string") &&
          !IsBase64(value.get_ref<const std::string&>())) {
        Error(path, "binary", "is not base64 (RFC 4648, padded)");
      }
      break;
    case Kind::kHex:
      if (expect(value.is_string(), "a hex string")) {
        const auto& text = value.get_ref<const std::string&>();
        if (text.size() % 2 != 0 || !IsHex(text)) {
          Error(path, "hex", fmt::format("{} is not an even number of hex digits", Quote(text)));
        }
      }
      break;
    case Kind::kObject:
      CheckNested(value, *spec.nested, path);
      break;
    case Kind::kObjectList:
      if (CheckList(value, path)) {
        for (std::size_t i = 0; i < value.size(); ++i)
          CheckNested(value[i], *spec.nested, Index(path, i));
      }
      break;
    case Kind::kExtensions:
      CheckExtensions(value, path);
      break;
  }
}

void Checker::CheckNested(const Json& value, const ObjectSpec& spec, const std::string& path) {
  if (!value.is_object()) {
    Error(path, "type", fmt::format("must be an object ({}), not {}", spec.name, JsonKind(value)));
    return;
  }
  CheckProperties(value, {}, spec.properties, path, spec.name);
  if (spec.check != nullptr) spec.check(*this, value, path);
}

void Checker::CheckReferenceType(const Json& value, std::span<const std::string_view> types,
                                 const std::string& path) {
  if (types.empty() || !value.is_string()) return;
  const auto parsed = ParseIdentifier(value.get_ref<const std::string&>());
  const auto* parts = std::get_if<ParsedId>(&parsed);
  if (parts == nullptr || Contains(types, parts->type)) return;
  std::string allowed;
  for (const auto type : types) allowed += (allowed.empty() ? "" : ", ") + std::string(type);
  Error(path, "ref-type",
        fmt::format("refers to a {} but must refer to: {}", Quote(parts->type), allowed));
}

void Checker::CheckHashes(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    Error(path, "type", fmt::format("must be a hashes dictionary, not {}", JsonKind(value)));
    return;
  }
  if (value.empty()) {
    Error(path, "hashes", "must hold at least one hash");
    return;
  }
  struct HexLength {
    std::string_view algorithm;
    std::size_t digits;
  };
  static constexpr HexLength kLengths[] = {{"MD5", 32},      {"SHA-1", 40},    {"SHA-256", 64},
                                           {"SHA-512", 128}, {"SHA3-256", 64}, {"SHA3-512", 128}};
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& algorithm = it.key();
    const std::string hash_path = Child(path, algorithm);
    // The hashes schema: custom names are 3-256 of a-z, A-Z, 0-9, '_' and '-'.
    const bool name_ok = algorithm.size() >= 3 && algorithm.size() <= 256 &&
                         std::all_of(algorithm.begin(), algorithm.end(), [](char c) {
                           return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
                         });
    if (!name_ok) {
      Error(Child(path, algorithm), "hashes",
            "hash names are 3-256 ASCII letters, digits, '_' and '-'");
      continue;
    }
    if (!it.value().is_string() || it.value().get_ref<const std::string&>().empty()) {
      Error(hash_path, "type", "a hash value must be a non-empty string");
      continue;
    }
    const auto& hash = it.value().get_ref<const std::string&>();
    if (vocabulary::kHashingAlgorithm.Contains(algorithm)) {
      for (const auto& length : kLengths) {
        if (length.algorithm == algorithm && (hash.size() != length.digits || !IsHex(hash))) {
          Error(hash_path, "hash-value",
                fmt::format("{} is not a {} hash ({} hex digits)", Quote(hash), algorithm,
                            length.digits));
        }
      }
      continue;
    }
    Advise(hash_path, "open-vocabulary",
           fmt::format("{} is not in hashing-algorithm-ov (MD5, SHA-1, SHA-256, SHA-512, "
                       "SHA3-256, SHA3-512, SSDEEP, TLSH)",
                       Quote(algorithm)));
  }
}

void Checker::CheckDictionary(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    Error(path, "type", fmt::format("must be a dictionary, not {}", JsonKind(value)));
    return;
  }
  // Section 2.6 and the dictionary schema: at least one entry, keys of at most 250 ASCII
  // characters from a-z, A-Z, 0-9, '_' and '-'. Real producers put other characters in
  // keys (environment variables such as "ProgramFiles(x86)"), so the character set is
  // advice unless strict; the length is not.
  if (value.empty()) {
    Error(path, "dictionary", "must hold at least one entry");
    return;
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& key = it.key();
    if (key.size() > kMaxNameLength) {
      Error(Child(path, key), "dictionary-key", "dictionary keys are at most 250 characters");
    } else if (!std::all_of(key.begin(), key.end(), [](char c) {
                 return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
               })) {
      Advise(Child(path, key), "dictionary-key",
             "dictionary keys should be ASCII letters, digits, '_' and '-'");
    }
    if (it.value().is_null()) {
      Error(Child(path, key), "null", "dictionary values must not be null");
    } else if (it.value().is_array() && it.value().empty()) {
      Error(Child(path, key), "empty-list", "lists must not be empty");
    }
  }
}

void Checker::CheckVocabularyValue(const Vocabulary& vocabulary, const Json& value,
                                   const std::string& path) {
  if (!value.is_string()) {
    Error(path, "type",
          fmt::format("must be a string from {}, not {}", vocabulary.name, JsonKind(value)));
    return;
  }
  const auto& text = value.get_ref<const std::string&>();
  if (vocabulary.Contains(text)) return;
  if (vocabulary.open) {
    Advise(path, "open-vocabulary",
           fmt::format("{} is not a suggested value of {}", Quote(text), vocabulary.name));
  } else {
    Error(path, "vocabulary", fmt::format("{} is not a value of {}", Quote(text), vocabulary.name));
  }
}

void Checker::CheckExtensions(const Json& value, const std::string& path) {
  if (!value.is_object()) {
    Error(path, "type", fmt::format("must be a dictionary of extensions, not {}", JsonKind(value)));
    return;
  }
  if (value.empty()) {
    Error(path, "extensions", "must hold at least one extension");
    return;
  }
  const std::span<const ObjectSpec> predefined =
      type_spec_ != nullptr ? type_spec_->extensions : std::span<const ObjectSpec>();
  for (auto it = value.begin(); it != value.end(); ++it) {
    const std::string& name = it.key();
    const std::string extension_path = Child(path, name);
    if (!it.value().is_object() || it.value().empty()) {
      Error(extension_path, "type", "an extension must be a non-empty object");
      continue;
    }
    const Json& extension = it.value();
    if (name.starts_with("extension-definition--")) {
      const auto parsed = ParseIdentifier(name);
      if (const auto* reason = std::get_if<std::string>(&parsed)) {
        Error(extension_path, "extension", "the key " + *reason);
      }
      // The extension schema: extension_type is required, the other members follow the
      // custom-property naming rules.
      for (auto member = extension.begin(); member != extension.end(); ++member) {
        const std::string member_path = Child(extension_path, member.key());
        if (member.key() == "extension_type") {
          CheckVocabularyValue(vocabulary::kExtensionType, member.value(), member_path);
        } else if (!IsPropertyName(member.key()) && member.key() != "id") {
          Error(member_path, "property-name",
                "extension properties are 3-250 of a-z, 0-9 and '_', starting with a letter");
        }
      }
      if (!extension.contains("extension_type")) {
        Error(Child(extension_path, "extension_type"), "required",
              "an extension-definition extension says its extension_type");
      }
      continue;
    }
    const auto spec = std::find_if(predefined.begin(), predefined.end(),
                                   [&](const ObjectSpec& s) { return s.name == name; });
    if (spec != predefined.end()) {
      CheckNested(extension, *spec, extension_path);
      continue;
    }
    if (!options_.allow_custom) {
      Error(extension_path, "custom-extension",
            fmt::format("is neither a predefined extension of {} nor an extension-definition id, "
                        "and custom extensions are not accepted",
                        type_));
    } else {
      Warn(extension_path, "custom-extension",
           fmt::format("is neither a predefined extension of {} nor an extension-definition id "
                       "(STIX 2.1 defines new extensions by extension-definition)",
                       type_));
    }
  }
}

void Checker::CheckTimeOrder(const Json& object, std::string_view earlier, std::string_view later,
                             bool strictly) {
  const auto first = TimeMember(object, earlier);
  const auto second = TimeMember(object, later);
  if (!first || !second) return;
  if (*second < *first || (strictly && *second == *first)) {
    Error(std::string(later), "time-order",
          fmt::format("must be {} {}", strictly ? "later than" : "the same as or later than",
                      earlier));
  }
}

void Checker::WalkReferences(std::vector<std::string>& references) {
  // Paths are kept as a tree of steps and rendered only for a violation: building every
  // path eagerly would cost time and memory quadratic in the depth.
  struct Step {
    std::size_t parent;
    const std::string* key;  // nullptr for a list index
    std::size_t index;
  };
  constexpr std::size_t kNoParent = std::numeric_limits<std::size_t>::max();
  std::vector<Step> steps;
  auto path_of = [&](std::size_t step) {
    std::vector<std::size_t> chain;
    for (; step != kNoParent; step = steps[step].parent) chain.push_back(step);
    std::reverse(chain.begin(), chain.end());
    // A path through very deep content shows its first and last steps.
    constexpr std::size_t kShownEachEnd = 8;
    std::string path;
    for (std::size_t i = 0; i < chain.size(); ++i) {
      if (chain.size() > 2 * kShownEachEnd && i == kShownEachEnd) {
        path += fmt::format(".\xE2\x80\xA6({} steps)", chain.size() - 2 * kShownEachEnd);
        i = chain.size() - kShownEachEnd;
      }
      const Step& current = steps[chain[i]];
      path = current.key != nullptr ? Child(path, *current.key) : Index(path, current.index);
    }
    return path;
  };
  auto add_step = [&](std::size_t parent, const std::string* key, std::size_t index) {
    steps.push_back({parent, key, index});
    return steps.size() - 1;
  };
  std::unordered_set<std::string_view> seen;
  auto collect = [&](const Json& value, std::size_t parent, const std::string* key,
                     std::size_t index) {
    if (!value.is_string()) {
      Error(path_of(add_step(parent, key, index)), "identifier",
            fmt::format("must be an identifier string, not {}", JsonKind(value)));
      return;
    }
    const auto& text = value.get_ref<const std::string&>();
    if (seen.contains(text)) return;
    const auto parsed = ParseIdentifier(text);
    if (const auto* reason = std::get_if<std::string>(&parsed)) {
      Error(path_of(add_step(parent, key, index)), "identifier", *reason);
      return;
    }
    if (std::get<ParsedId>(parsed).upper_case) {
      Warn(path_of(add_step(parent, key, index)), "uuid-case",
           "UUIDs are written in lower case (RFC 4122); this reference differs from its "
           "lower-case form when compared as text");
    }
    seen.insert(text);
    references.push_back(text);
  };
  struct Frame {
    const Json* value;
    std::size_t step;  // kNoParent for the object itself
  };
  std::vector<Frame> stack{{&root_, kNoParent}};
  while (!stack.empty()) {
    const Frame frame = stack.back();
    stack.pop_back();
    const Json& value = *frame.value;
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i].is_structured()) {
          stack.push_back({&value[i], add_step(frame.step, nullptr, i)});
        }
      }
      continue;
    }
    if (!value.is_object()) continue;
    const bool top_level = frame.step == kNoParent;
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& key = it.key();
      const Json& child = it.value();
      if (Contains(kDataDictionaries, key)) continue;
      // observed-data's deprecated "objects" refers by local keys ("0", "1"), not ids.
      if (top_level && key == "objects" && type_ == "observed-data") continue;
      if (key.ends_with("_ref")) {
        collect(child, frame.step, &key, 0);
      } else if (key.ends_with("_refs")) {
        const std::size_t list_step = add_step(frame.step, &key, 0);
        if (!child.is_array() || child.empty()) {
          CheckList(child, path_of(list_step));
          continue;
        }
        for (std::size_t i = 0; i < child.size(); ++i) collect(child[i], list_step, nullptr, i);
      } else if (child.is_structured()) {
        stack.push_back({&child, add_step(frame.step, &key, 0)});
      }
    }
  }
}

void Checker::CheckDeterministicId(const Json& object) {
  const std::string* id = FindString(object, "id");
  if (id == nullptr) return;
  const auto parsed = ParseIdentifier(*id);
  const auto* parts = std::get_if<ParsedId>(&parsed);
  // Only a UUIDv5 claims to be the deterministic id; a random one is allowed (section 2.9:
  // SCOs SHOULD use deterministic ids).
  if (parts == nullptr || UuidVersion(parts->uuid) != 5) return;
  const auto expected = DeterministicScoId(object);
  if (!expected.ok()) return;
  const std::string lower = std::string(parts->type) + "--" + FormatUuid(parts->uuid);
  if (lower != *expected) {
    Warn("id", "deterministic-id",
         fmt::format("is a UUIDv5 but not the one its id-contributing properties give ({})",
                     *expected));
  }
}

// ---------------------------------------------------------------------------------------
// Rules spanning properties

void CheckAtLeastOneProperty(Checker& checker, const Json& object, const std::string& path) {
  if (object.empty()) checker.Error(path, "empty", "must have at least one property");
}

void CheckExternalReference(Checker& checker, const Json& reference, const std::string& path) {
  if (!reference.contains("description") && !reference.contains("url") &&
      !reference.contains("external_id")) {
    checker.Error(path, "external-reference",
                  "needs a description, url or external_id besides source_name");
  }
  const std::string* source = FindString(reference, "source_name");
  const std::string* external_id = FindString(reference, "external_id");
  if (source == nullptr || external_id == nullptr) return;
  // Section 2.5: CAPEC and CVE references carry their identifiers in a fixed form.
  auto digits_from = [&](std::size_t start) {
    return external_id->size() > start &&
           std::all_of(external_id->begin() + static_cast<std::ptrdiff_t>(start),
                       external_id->end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (*source == "capec" && !(external_id->starts_with("CAPEC-") && digits_from(6))) {
    checker.Error(Child(path, "external_id"), "external-reference",
                  fmt::format("{} is not a CAPEC id (CAPEC-<number>)", Quote(*external_id)));
  }
  if (*source == "cve") {
    const bool ok = external_id->size() >= 13 && external_id->starts_with("CVE-") &&
                    std::all_of(external_id->begin() + 4, external_id->begin() + 8,
                                [](char c) { return c >= '0' && c <= '9'; }) &&
                    (*external_id)[8] == '-' && digits_from(9);
    if (!ok) {
      checker.Error(Child(path, "external_id"), "external-reference",
                    fmt::format("{} is not a CVE id (CVE-YYYY-NNNN...)", Quote(*external_id)));
    }
  }
}

// A selector (section 7.2.3.1) is a path into the object: property names separated by
// '.', list indexes as "[n]". It must lead to content the object has.
bool SelectorResolves(const Json& root, std::string_view selector) {
  const Json* node = &root;
  while (true) {
    const std::size_t dot = selector.find('.');
    const std::string_view step = selector.substr(0, dot);
    if (step.empty()) return false;
    if (step.front() == '[' && step.back() == ']' && step.size() > 2) {
      const std::string_view digits = step.substr(1, step.size() - 2);
      if (!node->is_array() || digits.size() > 9 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
      }
      const std::size_t index = std::stoul(std::string(digits));
      if (index >= node->size()) return false;
      node = &(*node)[index];
    } else {
      if (!node->is_object()) return false;
      const auto it = node->find(step);
      if (it == node->end()) return false;
      node = &*it;
    }
    if (dot == std::string_view::npos) return true;
    selector.remove_prefix(dot + 1);
  }
}

void CheckGranularMarking(Checker& checker, const Json& marking, const std::string& path) {
  const bool has_ref = marking.contains("marking_ref");
  const bool has_lang = marking.contains("lang");
  if (has_ref == has_lang) {
    checker.Error(path, "granular-marking", "must have exactly one of marking_ref and lang");
  }
  const auto selectors = marking.find("selectors");
  if (selectors == marking.end() || !selectors->is_array()) return;
  for (std::size_t i = 0; i < selectors->size(); ++i) {
    const Json& selector = (*selectors)[i];
    if (selector.is_string() &&
        !SelectorResolves(checker.root(), selector.get_ref<const std::string&>())) {
      checker.Error(Index(Child(path, "selectors"), i), "selector",
                    fmt::format("{} does not select any content of this object",
                                Quote(selector.get_ref<const std::string&>())));
    }
  }
}

void CheckSeenOrder(Checker& checker, const Json& object) {
  checker.CheckTimeOrder(object, "first_seen", "last_seen", false);
}

void CheckIndicator(Checker& checker, const Json& object) {
  checker.CheckTimeOrder(object, "valid_from", "valid_until", true);
  const std::string* pattern_type = FindString(object, "pattern_type");
  const std::string* pattern = FindString(object, "pattern");
  if (pattern_type == nullptr || pattern == nullptr || *pattern_type != "stix") return;
  // STIX patterns are parsed by the patterning half of this module (pattern.h).
  auto parsed = ParsePattern(*pattern);
  if (!parsed.ok()) {
    checker.Error("pattern", "pattern", parsed.error().safe_message());
    return;
  }
  checker.KeepPattern(std::move(*parsed));
}

void CheckLocation(Checker& checker, const Json& object) {
  const bool latitude = object.contains("latitude");
  const bool longitude = object.contains("longitude");
  if (latitude != longitude) {
    checker.Error(latitude ? "longitude" : "latitude", "location",
                  "latitude and longitude come together");
  }
  if (object.contains("precision") && !(latitude && longitude)) {
    checker.Error("precision", "location", "precision needs latitude and longitude");
  }
  if (!object.contains("region") && !object.contains("country") && !(latitude && longitude)) {
    checker.Error("", "location", "a location needs a region, a country or latitude and longitude");
  }
}

void CheckMalware(Checker& checker, const Json& object) {
  CheckSeenOrder(checker, object);
  const auto is_family = object.find("is_family");
  if (is_family != object.end() && is_family->is_boolean() && is_family->get<bool>() &&
      !object.contains("name")) {
    checker.Error("name", "required", "is required on a malware family (is_family true)");
  }
}

// Whether an identifier's type can be of `category`: known types are what they are, a
// custom type may be anything, and "bundle" names an envelope, never an object.
bool MayBe(std::string_view type, Category category) {
  if (type == "bundle") return false;
  const TypeSpec* spec = FindType(type);
  return spec == nullptr || spec->category == category;
}

bool IsScoType(std::string_view type) { return MayBe(type, Category::kSco); }

// Checks that each identifier in the list property `name` names an object `accept` allows.
template <typename Accept>
void CheckRefCategories(Checker& checker, const Json& object, std::string_view name, Accept accept,
                        std::string_view what) {
  const auto list = object.find(name);
  if (list == object.end()) return;
  auto check_one = [&](const Json& value, const std::string& path) {
    if (!value.is_string()) return;
    const auto parsed = ParseIdentifier(value.get_ref<const std::string&>());
    const auto* parts = std::get_if<ParsedId>(&parsed);
    if (parts != nullptr && !accept(parts->type)) {
      checker.Error(path, "ref-type",
                    fmt::format("refers to a {} but must refer to {}", Quote(parts->type), what));
    }
  };
  if (list->is_array()) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      check_one((*list)[i], Index(std::string(name), i));
    }
  } else {
    check_one(*list, std::string(name));
  }
}

void CheckMalwareAnalysis(Checker& checker, const Json& object) {
  checker.CheckTimeOrder(object, "analysis_started", "analysis_ended", false);
  if (!object.contains("result") && !object.contains("analysis_sco_refs")) {
    checker.Error("", "malware-analysis", "needs result or analysis_sco_refs");
  }
  CheckRefCategories(checker, object, "analysis_sco_refs", IsScoType, "a cyber-observable object");
}

void CheckObservedData(Checker& checker, const Json& object) {
  checker.CheckTimeOrder(object, "first_observed", "last_observed", false);
  const bool objects = object.contains("objects");
  const bool refs = object.contains("object_refs");
  if (objects == refs) {
    checker.Error("object_refs", "observed-data", "needs exactly one of object_refs and objects");
  }
  if (objects) {
    checker.Warn("objects", "deprecated", "is deprecated in STIX 2.1; use object_refs");
    if (!object["objects"].is_object() || object["objects"].empty()) {
      checker.Error("objects", "type", "must be a non-empty dictionary of cyber observables");
    }
  }
  CheckRefCategories(
      checker, object, "object_refs",
      [](std::string_view type) { return IsScoType(type) || type == "relationship"; },
      "a cyber-observable object or relationship");
}

void CheckRelationship(Checker& checker, const Json& object) {
  checker.CheckTimeOrder(object, "start_time", "stop_time", true);
  if (const std::string* type = FindString(object, "relationship_type")) {
    const bool ok = !type->empty() && std::all_of(type->begin(), type->end(), [](char c) {
      return IsLowerAlnum(c) || c == '-';
    });
    if (!ok) {
      checker.Error("relationship_type", "relationship-type",
                    fmt::format("{} is not lower-case a-z, 0-9 and '-'", Quote(*type)));
    }
  }
  // Section 5.1: relationships connect SDOs and SCOs, never SROs or meta objects.
  auto connectable = [](std::string_view type) {
    return MayBe(type, Category::kSdo) || MayBe(type, Category::kSco);
  };
  CheckRefCategories(checker, object, "source_ref", connectable, "an SDO or SCO");
  CheckRefCategories(checker, object, "target_ref", connectable, "an SDO or SCO");
}

void CheckSighting(Checker& checker, const Json& object) {
  CheckSeenOrder(checker, object);
  CheckRefCategories(
      checker, object, "sighting_of_ref",
      [](std::string_view type) { return MayBe(type, Category::kSdo); }, "an SDO");
}

void CheckArtifact(Checker& checker, const Json& object) {
  const bool payload = object.contains("payload_bin");
  const bool url = object.contains("url");
  if (payload == url) {
    checker.Error("payload_bin", "artifact", "needs exactly one of payload_bin and url");
  }
  if (url && !object.contains("hashes")) {
    checker.Error("hashes", "required", "is required on an artifact given by url");
  }
  if (object.contains("decryption_key") && !object.contains("encryption_algorithm")) {
    checker.Error("decryption_key", "artifact", "needs encryption_algorithm");
  }
}

void CheckEmailMessage(Checker& checker, const Json& object) {
  const auto multipart = object.find("is_multipart");
  if (multipart == object.end() || !multipart->is_boolean()) return;
  if (multipart->get<bool>() && object.contains("body")) {
    checker.Error("body", "email-message", "a multipart message keeps its body in body_multipart");
  }
  if (!multipart->get<bool>() && object.contains("body_multipart")) {
    checker.Error("body_multipart", "email-message", "only a multipart message has body_multipart");
  }
}

void CheckFile(Checker& checker, const Json& object) {
  if (!object.contains("hashes") && !object.contains("name")) {
    checker.Error("", "file", "a file needs hashes or a name");
  }
}

void CheckIpAddress(Checker& checker, const Json& object) {
  const std::string* value = FindString(object, "value");
  if (value == nullptr) return;
  const auto normalised = NormaliseObservable(checker.type(), "value", *value);
  if (!normalised.ok()) checker.Error("value", "value", normalised.error().safe_message());
}

void CheckMacAddress(Checker& checker, const Json& object) {
  const std::string* value = FindString(object, "value");
  if (value == nullptr) return;
  // Section 6.10: a MAC-48 in lower case, colon-delimited, two digits per octet.
  bool ok = value->size() == 17;
  for (std::size_t i = 0; ok && i < value->size(); ++i) {
    const char c = (*value)[i];
    ok = i % 3 == 2 ? c == ':' : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  if (!ok) {
    checker.Error(
        "value", "value",
        fmt::format("{} is not a lower-case, colon-delimited MAC-48 address", Quote(*value)));
  }
}

void CheckNetworkTraffic(Checker& checker, const Json& object) {
  if (!object.contains("src_ref") && !object.contains("dst_ref")) {
    checker.Error("", "network-traffic", "needs src_ref or dst_ref");
  }
  checker.CheckTimeOrder(object, "start", "end", false);
  const auto active = object.find("is_active");
  if (active != object.end() && active->is_boolean() && active->get<bool>() &&
      object.contains("end")) {
    checker.Error("end", "network-traffic", "an active flow has no end");
  }
}

// Process, user-account, windows-registry-key and x509-certificate have no required
// property but must say something beyond the common ones.
void CheckScoHasContent(Checker& checker, const Json& object) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    const bool common =
        std::any_of(std::begin(kScoCommon), std::end(kScoCommon),
                    [&](const PropertySpec& spec) { return spec.name == it.key(); });
    if (!common || it.key() == "extensions") return;
  }
  checker.Error("", "empty",
                fmt::format("a {} needs at least one of its own properties", checker.type()));
}

// The OASIS TLP 2.0 extension's schema fixes each level's id and name; a TLP id used for
// another level's content would mislabel everything marked with it.
void CheckTlpConsistency(Checker& checker, const Json& object) {
  const std::string* id = FindString(object, "id");
  const auto declared = TlpOfMarkingDefinition(object);
  if (id == nullptr || !declared) return;
  const auto by_id = TlpOfMarking(*id);
  if (by_id && *by_id != *declared) {
    checker.Error("id", "tlp-id",
                  fmt::format("is the id of TLP:{} but the content declares TLP:{}",
                              TlpName(*by_id), TlpName(*declared)));
    return;
  }
  const auto extensions = object.find("extensions");
  if (extensions == object.end() || !extensions->is_object() ||
      !extensions->contains(kTlp2ExtensionId)) {
    return;
  }
  if (*id != Tlp2MarkingId(*declared)) {
    checker.Error("id", "tlp-id",
                  fmt::format("the TLP 2.0 extension defines TLP:{} only as {}", TlpName(*declared),
                              Tlp2MarkingId(*declared)));
  }
  std::string expected_name = "TLP:" + std::string(TlpName(*declared));
  std::transform(expected_name.begin(), expected_name.end(), expected_name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  const std::string* name = FindString(object, "name");
  if (name == nullptr || *name != expected_name) {
    checker.Error("name", "tlp-name",
                  fmt::format("a TLP 2.0 marking is named \"{}\"", expected_name));
  }
}

void CheckMarkingDefinition(Checker& checker, const Json& object) {
  CheckTlpConsistency(checker, object);
  const std::string* definition_type = FindString(object, "definition_type");
  const bool has_definition = object.contains("definition");
  if ((definition_type != nullptr || object.contains("definition_type")) != has_definition) {
    checker.Error(has_definition ? "definition_type" : "definition", "marking-definition",
                  "definition_type and definition come together");
  }
  if (!has_definition && !object.contains("extensions")) {
    checker.Error("definition", "required",
                  "a marking definition needs definition_type and definition, or extensions");
  }
  if (definition_type == nullptr || !has_definition) return;
  const Json& definition = object["definition"];
  if (!definition.is_object()) {
    checker.Error("definition", "type", "must be an object");
    return;
  }
  const std::string* id = FindString(object, "id");
  if (*definition_type == "statement") {
    if (FindString(definition, "statement") == nullptr) {
      checker.Error("definition.statement", "required",
                    "a statement marking has a statement string");
    }
    return;
  }
  if (*definition_type != "tlp") return;
  const auto colour = definition.find("tlp");
  if (colour == definition.end()) {
    checker.Error("definition.tlp", "required", "a TLP marking names its colour");
    return;
  }
  checker.CheckVocabularyValue(vocabulary::kTlp1Colour, *colour, "definition.tlp");
  // Section 7.2.1.4: the TLP 1.0 markings exist once, under their fixed ids.
  if (!colour->is_string() || id == nullptr) return;
  for (const auto& [name, fixed_id] : kTlp1Ids) {
    if (name == colour->get_ref<const std::string&>() && fixed_id != *id) {
      checker.Error("id", "tlp-id",
                    fmt::format("TLP:{} is defined by STIX 2.1 as {}; other ids must not "
                                "redefine it",
                                name, fixed_id));
    }
  }
}

void CheckLanguageContent(Checker& checker, const Json& object) {
  const auto contents = object.find("contents");
  if (contents == object.end()) return;
  if (!contents->is_object() || contents->empty()) {
    checker.Error("contents", "type", "must be a non-empty dictionary of language codes");
    return;
  }
  for (auto it = contents->begin(); it != contents->end(); ++it) {
    if (!it.value().is_object() || it.value().empty()) {
      checker.Error(Child("contents", it.key()), "type",
                    "must be a non-empty dictionary of translated properties");
    }
  }
}

ObjectFacts FactsOf(const Json& object, const Checker& checker,
                    std::vector<std::string> references) {
  ObjectFacts facts;
  facts.id = object.value("id", "");
  facts.type = std::string(checker.type());
  facts.spec_version = std::string(kSpecVersion);
  facts.category = checker.category();
  const bool versioned = checker.category() != Category::kSco && object.contains("modified");
  if (checker.category() != Category::kSco) facts.created = TimeMember(object, "created");
  if (versioned) facts.modified = TimeMember(object, "modified");
  const auto revoked = object.find("revoked");
  facts.revoked = revoked != object.end() && revoked->is_boolean() && revoked->get<bool>();
  if (const std::string* creator = FindString(object, "created_by_ref")) {
    facts.created_by_ref = *creator;
  }
  if (const auto markings = object.find("object_marking_refs"); markings != object.end()) {
    for (const auto& ref : *markings) facts.object_marking_refs.push_back(ref.get<std::string>());
  }
  if (const auto granular = object.find("granular_markings"); granular != object.end()) {
    for (const auto& marking : *granular) {
      if (const std::string* ref = FindString(marking, "marking_ref")) {
        if (std::find(facts.granular_marking_refs.begin(), facts.granular_marking_refs.end(),
                      *ref) == facts.granular_marking_refs.end()) {
          facts.granular_marking_refs.push_back(*ref);
        }
      }
    }
  }
  if (const auto labels = object.find("labels"); labels != object.end()) {
    for (const auto& label : *labels) facts.labels.push_back(label.get<std::string>());
  }
  facts.references = std::move(references);
  for (const std::string_view name : {"name", "value", "pattern"}) {
    if (const std::string* text = FindString(object, name)) {
      facts.name = *text;
      break;
    }
  }
  return facts;
}

}  // namespace

std::string Violation::ToString() const {
  std::string text = object_id.empty() ? std::string("(no id)") : object_id;
  if (!property.empty()) text += " " + property;
  return fmt::format("{}: {}: {}", text, rule, message);
}

std::variant<Validated, Invalid> Validate(const Json& object, const ValidationOptions& options) {
  if (!object.is_object()) {
    return Invalid{{{"", "", "object",
                     fmt::format("a STIX object is a JSON object, not {}", JsonKind(object))}}};
  }
  const std::string* id = FindString(object, "id");
  Checker checker(options, object, id != nullptr ? *id : std::string());
  checker.CheckObject(object);
  std::vector<std::string> references;
  checker.WalkReferences(references);
  if (checker.truncated()) checker.NoteTruncation();
  if (!checker.ok()) return Invalid{checker.TakeErrors()};
  ObjectFacts facts = FactsOf(object, checker, std::move(references));
  return Validated{std::move(facts), checker.TakeWarnings(), checker.TakePattern()};
}

Result<ObjectFacts> ValidateToFacts(const Json& object, const ValidationOptions& options) {
  auto result = Validate(object, options);
  if (auto* valid = std::get_if<Validated>(&result)) return std::move(valid->facts);
  const auto& violations = std::get<Invalid>(result).violations;
  constexpr std::size_t kShown = 3;
  std::string message = "invalid STIX object: ";
  std::vector<FieldProblem> details;
  for (std::size_t i = 0; i < violations.size(); ++i) {
    if (i < kShown) message += (i > 0 ? "; " : "") + violations[i].ToString();
    details.push_back({violations[i].property, violations[i].rule + ": " + violations[i].message});
  }
  if (violations.size() > kShown) {
    message += fmt::format(" (and {} more)", violations.size() - kShown);
  }
  return InvalidArgument(std::move(message), std::move(details));
}

Result<BundleValidation> ValidateBundle(const Json& bundle, const ValidationOptions& options) {
  if (!bundle.is_object()) {
    return InvalidArgument(fmt::format("a bundle is a JSON object, not {}", JsonKind(bundle)));
  }
  const std::string* type = FindString(bundle, "type");
  if (type == nullptr || *type != "bundle") {
    return InvalidArgument("not a bundle: type must be \"bundle\"");
  }
  const std::string* id = FindString(bundle, "id");
  if (id == nullptr) return InvalidArgument("bundle: id is required");
  const auto parsed = ParseIdentifier(*id);
  if (const auto* reason = std::get_if<std::string>(&parsed)) {
    return InvalidArgument("bundle: id " + *reason);
  }
  if (std::get<ParsedId>(parsed).type != "bundle") {
    return InvalidArgument("bundle: id must be bundle--<UUID>");
  }
  BundleValidation result;
  result.bundle_id = *id;
  const auto objects = bundle.find("objects");
  if (objects == bundle.end()) return result;  // section 8: objects is optional
  if (!objects->is_array()) return InvalidArgument("bundle: objects must be a list");
  result.objects.reserve(objects->size());
  std::unordered_set<std::string> versions;
  for (const auto& object : *objects) {
    auto validated = Validate(object, options);
    if (auto* valid = std::get_if<Validated>(&validated)) {
      const auto& facts = valid->facts;
      const std::string version =
          facts.id + "@" + (facts.modified ? std::to_string(*facts.modified) : std::string());
      if (!versions.insert(version).second) {
        validated = Invalid{{{facts.id, "", "duplicate",
                              "the same object (id and modified) appears earlier in this bundle"}}};
      }
    }
    result.objects.push_back(std::move(validated));
  }
  return result;
}

Result<std::string> DeterministicScoId(const Json& sco) {
  if (!sco.is_object()) return InvalidArgument("a cyber-observable object is a JSON object");
  const std::string* type = FindString(sco, "type");
  const TypeSpec* spec = type != nullptr ? FindType(*type) : nullptr;
  if (spec == nullptr || spec->category != Category::kSco) {
    return InvalidArgument(fmt::format("{} is not a STIX 2.1 cyber-observable type",
                                       type != nullptr ? Quote(*type) : std::string("(no type)")));
  }
  // Section 2.9: UUIDv5 over the canonical JSON of the id-contributing properties present;
  // of the hashes, one is used, preferring MD5, SHA-1, SHA-256, SHA-512 (as the OASIS
  // reference implementation does), else the first name in code-point order.
  // The canonical object is assembled from the canonical text of each member rather than
  // by copying the members into a new Json: copying recurses, and an extension may nest
  // arbitrarily deep. Member names are ASCII, so their UTF-16 order is byte order.
  std::vector<std::string_view> names(spec->id_contributing.begin(), spec->id_contributing.end());
  std::sort(names.begin(), names.end());
  std::string canonical = "{";
  for (const auto name : names) {
    const auto it = sco.find(name);
    if (it == sco.end()) continue;
    std::string member;
    if (name != "hashes") {
      member = Serialise(*it);
    } else {
      if (!it->is_object() || it->empty()) continue;
      auto chosen = it->begin();
      for (const std::string_view algorithm : {"SHA-512", "SHA-256", "SHA-1", "MD5"}) {
        if (const auto found = it->find(algorithm); found != it->end()) chosen = found;
      }
      member = "{" + Serialise(Json(chosen.key())) + ":" + Serialise(chosen.value()) + "}";
    }
    if (canonical.size() > 1) canonical += ',';
    canonical += Serialise(Json(std::string(name))) + ":" + member;
  }
  if (canonical.size() == 1) {
    return InvalidArgument(fmt::format(
        "{} has none of its id-contributing properties; it takes a random UUIDv4 id", *type));
  }
  canonical += '}';
  const UuidBytes name_space = *ParseUuid(kScoNamespace);
  return *type + "--" + FormatUuid(UuidV5(name_space, canonical));
}

bool IsNewerVersion(const ObjectFacts& candidate, const ObjectFacts& current) {
  return candidate.id == current.id && candidate.modified.has_value() &&
         current.modified.has_value() && *candidate.modified > *current.modified;
}

std::string NewId(std::string_view type) { return std::string(type) + "--" + NewUuid(); }

}  // namespace fincyber::stix
