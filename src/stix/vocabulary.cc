#include "stix/vocabulary.h"

#include <algorithm>

namespace fincyber::stix {

bool Vocabulary::Contains(std::string_view value) const {
  return std::find(values.begin(), values.end(), value) != values.end();
}

namespace vocabulary {
namespace {

using V = std::string_view;

constexpr V kAccountTypeValues[] = {"facebook", "ldap",          "nis",           "openid",
                                    "radius",   "skype",         "tacacs",        "twitter",
                                    "unix",     "windows-local", "windows-domain"};
constexpr V kAttackMotivationValues[] = {"accidental",    "coercion",
                                         "dominance",     "ideology",
                                         "notoriety",     "organizational-gain",
                                         "personal-gain", "personal-satisfaction",
                                         "revenge",       "unpredictable"};
constexpr V kAttackResourceLevelValues[] = {"individual", "club",         "contest",
                                            "team",       "organization", "government"};
constexpr V kGroupingContextValues[] = {"suspicious-activity", "malware-analysis", "unspecified"};
constexpr V kHashingAlgorithmValues[] = {"MD5",      "SHA-1",    "SHA-256", "SHA-512",
                                         "SHA3-256", "SHA3-512", "SSDEEP",  "TLSH"};
constexpr V kIdentityClassValues[] = {"individual",   "group", "system",
                                      "organization", "class", "unknown"};
constexpr V kImplementationLanguageValues[] = {
    "applescript", "bash",  "c",           "c++",        "c#",           "go",         "java",
    "javascript",  "lua",   "objective-c", "perl",       "php",          "powershell", "python",
    "ruby",        "scala", "swift",       "typescript", "visual-basic", "x86-32",     "x86-64"};
constexpr V kIndicatorTypeValues[] = {
    "anomalous-activity", "anonymization", "benign", "compromised",
    "malicious-activity", "attribution",   "unknown"};
constexpr V kIndustrySectorValues[] = {"agriculture",
                                       "aerospace",
                                       "automotive",
                                       "chemical",
                                       "commercial",
                                       "communications",
                                       "construction",
                                       "defense",
                                       "education",
                                       "energy",
                                       "engineering",
                                       "entertainment",
                                       "financial-services",
                                       "government",
                                       "emergency-services",
                                       "government-local",
                                       "government-national",
                                       "government-public-services",
                                       "government-regional",
                                       "healthcare",
                                       "hospitality-leisure",
                                       "infrastructure",
                                       "dams",
                                       "nuclear",
                                       "water",
                                       "insurance",
                                       "manufacturing",
                                       "mining",
                                       "non-profit",
                                       "pharmaceuticals",
                                       "retail",
                                       "technology",
                                       "telecommunications",
                                       "transportation",
                                       "utilities"};
constexpr V kInfrastructureTypeValues[] = {"amplification",
                                           "anonymization",
                                           "botnet",
                                           "command-and-control",
                                           "control-system",
                                           "exfiltration",
                                           "firewall",
                                           "hosting-malware",
                                           "hosting-target-lists",
                                           "phishing",
                                           "reconnaissance",
                                           "routers-switches",
                                           "staging",
                                           "workstation",
                                           "unknown"};
constexpr V kMalwareCapabilitiesValues[] = {"accesses-remote-machines",
                                            "anti-debugging",
                                            "anti-disassembly",
                                            "anti-emulation",
                                            "anti-memory-forensics",
                                            "anti-sandbox",
                                            "anti-vm",
                                            "captures-input-peripherals",
                                            "captures-output-peripherals",
                                            "captures-system-state-data",
                                            "cleans-traces-of-infection",
                                            "commits-fraud",
                                            "communicates-with-c2",
                                            "compromises-data-availability",
                                            "compromises-data-integrity",
                                            "compromises-system-availability",
                                            "controls-local-machine",
                                            "degrades-security-software",
                                            "degrades-system-updates",
                                            "determines-c2-server",
                                            "emails-spam",
                                            "escalates-privileges",
                                            "evades-av",
                                            "exfiltrates-data",
                                            "fingerprints-host",
                                            "hides-artifacts",
                                            "hides-executing-code",
                                            "infects-files",
                                            "infects-remote-machines",
                                            "installs-other-components",
                                            "persists-after-system-reboot",
                                            "prevents-artifact-access",
                                            "prevents-artifact-deletion",
                                            "probes-network-environment",
                                            "self-modifies",
                                            "steals-authentication-credentials",
                                            "violates-system-operational-integrity"};
constexpr V kMalwareResultValues[] = {"malicious", "suspicious", "benign", "unknown"};
constexpr V kMalwareTypeValues[] = {"adware",
                                    "backdoor",
                                    "bot",
                                    "bootkit",
                                    "ddos",
                                    "downloader",
                                    "dropper",
                                    "exploit-kit",
                                    "keylogger",
                                    "ransomware",
                                    "remote-access-trojan",
                                    "resource-exploitation",
                                    "rogue-security-software",
                                    "rootkit",
                                    "screen-capture",
                                    "spyware",
                                    "trojan",
                                    "unknown",
                                    "virus",
                                    "webshell",
                                    "wiper",
                                    "worm"};
constexpr V kPatternTypeValues[] = {"stix", "pcre", "sigma", "snort", "suricata", "yara"};
constexpr V kProcessorArchitectureValues[] = {"alpha",   "arm",   "ia-64", "mips",
                                              "powerpc", "sparc", "x86",   "x86-64"};
constexpr V kRegionValues[] = {"africa",
                               "eastern-africa",
                               "middle-africa",
                               "northern-africa",
                               "southern-africa",
                               "western-africa",
                               "americas",
                               "latin-america-caribbean",
                               "south-america",
                               "caribbean",
                               "central-america",
                               "northern-america",
                               "asia",
                               "central-asia",
                               "eastern-asia",
                               "southern-asia",
                               "south-eastern-asia",
                               "western-asia",
                               "europe",
                               "eastern-europe",
                               "northern-europe",
                               "southern-europe",
                               "western-europe",
                               "oceania",
                               "antarctica",
                               "australia-new-zealand",
                               "melanesia",
                               "micronesia",
                               "polynesia"};
constexpr V kReportTypeValues[] = {"attack-pattern", "campaign", "identity",      "indicator",
                                   "intrusion-set",  "malware",  "observed-data", "threat-actor",
                                   "threat-report",  "tool",     "vulnerability"};
constexpr V kThreatActorRoleValues[] = {"agent",
                                        "director",
                                        "independent",
                                        "infrastructure-architect",
                                        "infrastructure-operator",
                                        "malware-author",
                                        "sponsor"};
constexpr V kThreatActorSophisticationValues[] = {"none",   "minimal",   "intermediate", "advanced",
                                                  "expert", "innovator", "strategic"};
constexpr V kThreatActorTypeValues[] = {"activist",
                                        "competitor",
                                        "crime-syndicate",
                                        "criminal",
                                        "hacker",
                                        "insider-accidental",
                                        "insider-disgruntled",
                                        "nation-state",
                                        "sensationalist",
                                        "spy",
                                        "terrorist",
                                        "unknown"};
constexpr V kToolTypeValues[] = {
    "denial-of-service",       "exploitation",  "information-gathering",  "network-capture",
    "credential-exploitation", "remote-access", "vulnerability-scanning", "unknown"};
constexpr V kWindowsPebinaryTypeValues[] = {"dll", "exe", "sys"};

constexpr V kEncryptionAlgorithmValues[] = {"AES-256-GCM", "ChaCha20-Poly1305",
                                            "mime-type-indicated"};
constexpr V kExtensionTypeValues[] = {"new-sdo", "new-sco", "new-sro", "property-extension",
                                      "toplevel-property-extension"};
constexpr V kNetworkSocketAddressFamilyValues[] = {"AF_UNSPEC",    "AF_INET",    "AF_IPX",
                                                   "AF_APPLETALK", "AF_NETBIOS", "AF_INET6",
                                                   "AF_IRDA",      "AF_BTH"};
constexpr V kNetworkSocketTypeValues[] = {"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM",
                                          "SOCK_SEQPACKET"};
constexpr V kOpinionValues[] = {"strongly-disagree", "disagree", "neutral", "agree",
                                "strongly-agree"};
constexpr V kWindowsIntegrityLevelValues[] = {"low", "medium", "high", "system"};
constexpr V kWindowsRegistryDatatypeValues[] = {"REG_NONE",
                                                "REG_SZ",
                                                "REG_EXPAND_SZ",
                                                "REG_BINARY",
                                                "REG_DWORD",
                                                "REG_DWORD_BIG_ENDIAN",
                                                "REG_DWORD_LITTLE_ENDIAN",
                                                "REG_LINK",
                                                "REG_MULTI_SZ",
                                                "REG_RESOURCE_LIST",
                                                "REG_FULL_RESOURCE_DESCRIPTION",
                                                "REG_RESOURCE_REQUIREMENTS_LIST",
                                                "REG_QWORD",
                                                "REG_INVALID_TYPE"};
constexpr V kWindowsServiceStartTypeValues[] = {"SERVICE_AUTO_START", "SERVICE_BOOT_START",
                                                "SERVICE_DEMAND_START", "SERVICE_DISABLED",
                                                "SERVICE_SYSTEM_ALERT"};
constexpr V kWindowsServiceStatusValues[] = {
    "SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED", "SERVICE_RUNNING",
    "SERVICE_START_PENDING",    "SERVICE_STOP_PENDING",  "SERVICE_STOPPED"};
constexpr V kWindowsServiceTypeValues[] = {"SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER",
                                           "SERVICE_WIN32_OWN_PROCESS",
                                           "SERVICE_WIN32_SHARE_PROCESS"};
constexpr V kMarkingDefinitionTypeValues[] = {"statement", "tlp"};
constexpr V kTlp1ColourValues[] = {"white", "green", "amber", "red"};

}  // namespace

const Vocabulary kAccountType{"account-type-ov", true, kAccountTypeValues};
const Vocabulary kAttackMotivation{"attack-motivation-ov", true, kAttackMotivationValues};
const Vocabulary kAttackResourceLevel{"attack-resource-level-ov", true, kAttackResourceLevelValues};
const Vocabulary kGroupingContext{"grouping-context-ov", true, kGroupingContextValues};
const Vocabulary kHashingAlgorithm{"hashing-algorithm-ov", true, kHashingAlgorithmValues};
const Vocabulary kIdentityClass{"identity-class-ov", true, kIdentityClassValues};
const Vocabulary kImplementationLanguage{"implementation-language-ov", true,
                                         kImplementationLanguageValues};
const Vocabulary kIndicatorType{"indicator-type-ov", true, kIndicatorTypeValues};
const Vocabulary kIndustrySector{"industry-sector-ov", true, kIndustrySectorValues};
const Vocabulary kInfrastructureType{"infrastructure-type-ov", true, kInfrastructureTypeValues};
const Vocabulary kMalwareCapabilities{"malware-capabilities-ov", true, kMalwareCapabilitiesValues};
const Vocabulary kMalwareResult{"malware-result-ov", true, kMalwareResultValues};
const Vocabulary kMalwareType{"malware-type-ov", true, kMalwareTypeValues};
const Vocabulary kPatternType{"pattern-type-ov", true, kPatternTypeValues};
const Vocabulary kProcessorArchitecture{"processor-architecture-ov", true,
                                        kProcessorArchitectureValues};
const Vocabulary kRegion{"region-ov", true, kRegionValues};
const Vocabulary kReportType{"report-type-ov", true, kReportTypeValues};
const Vocabulary kThreatActorRole{"threat-actor-role-ov", true, kThreatActorRoleValues};
const Vocabulary kThreatActorSophistication{"threat-actor-sophistication-ov", true,
                                            kThreatActorSophisticationValues};
const Vocabulary kThreatActorType{"threat-actor-type-ov", true, kThreatActorTypeValues};
const Vocabulary kToolType{"tool-type-ov", true, kToolTypeValues};
const Vocabulary kWindowsPebinaryType{"windows-pebinary-type-ov", true, kWindowsPebinaryTypeValues};

const Vocabulary kEncryptionAlgorithm{"encryption-algorithm-enum", false,
                                      kEncryptionAlgorithmValues};
const Vocabulary kExtensionType{"extension-type-enum", false, kExtensionTypeValues};
const Vocabulary kNetworkSocketAddressFamily{"network-socket-address-family-enum", false,
                                             kNetworkSocketAddressFamilyValues};
const Vocabulary kNetworkSocketType{"network-socket-type-enum", false, kNetworkSocketTypeValues};
const Vocabulary kOpinion{"opinion-enum", false, kOpinionValues};
const Vocabulary kWindowsIntegrityLevel{"windows-integrity-level-enum", false,
                                        kWindowsIntegrityLevelValues};
const Vocabulary kWindowsRegistryDatatype{"windows-registry-datatype-enum", false,
                                          kWindowsRegistryDatatypeValues};
const Vocabulary kWindowsServiceStartType{"windows-service-start-type-enum", false,
                                          kWindowsServiceStartTypeValues};
const Vocabulary kWindowsServiceStatus{"windows-service-status-enum", false,
                                       kWindowsServiceStatusValues};
const Vocabulary kWindowsServiceType{"windows-service-type-enum", false, kWindowsServiceTypeValues};
const Vocabulary kMarkingDefinitionType{"marking-definition-type", true,
                                        kMarkingDefinitionTypeValues};
const Vocabulary kTlp1Colour{"tlp-1.0-colour", false, kTlp1ColourValues};

}  // namespace vocabulary
}  // namespace fincyber::stix
