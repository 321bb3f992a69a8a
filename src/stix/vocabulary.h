// The vocabularies of STIX 2.1 section 10. An open vocabulary ("-ov") suggests values and
// allows others; a closed one ("-enum") allows only its values.
#pragma once

#include <span>
#include <string_view>

namespace fincyber::stix {

struct Vocabulary {
  std::string_view name;  // as the specification names it, e.g. "indicator-type-ov"
  bool open = true;
  std::span<const std::string_view> values;

  bool Contains(std::string_view value) const;
};

namespace vocabulary {

// Open vocabularies.
extern const Vocabulary kAccountType;
extern const Vocabulary kAttackMotivation;
extern const Vocabulary kAttackResourceLevel;
extern const Vocabulary kGroupingContext;
extern const Vocabulary kHashingAlgorithm;
extern const Vocabulary kIdentityClass;
extern const Vocabulary kImplementationLanguage;
extern const Vocabulary kIndicatorType;
extern const Vocabulary kIndustrySector;
extern const Vocabulary kInfrastructureType;
extern const Vocabulary kMalwareCapabilities;
extern const Vocabulary kMalwareResult;
extern const Vocabulary kMalwareType;
extern const Vocabulary kPatternType;
extern const Vocabulary kProcessorArchitecture;
extern const Vocabulary kRegion;
extern const Vocabulary kReportType;
extern const Vocabulary kThreatActorRole;
extern const Vocabulary kThreatActorSophistication;
extern const Vocabulary kThreatActorType;
extern const Vocabulary kToolType;
extern const Vocabulary kWindowsPebinaryType;

// Closed vocabularies.
extern const Vocabulary kEncryptionAlgorithm;
extern const Vocabulary kExtensionType;
extern const Vocabulary kNetworkSocketAddressFamily;
extern const Vocabulary kNetworkSocketType;
extern const Vocabulary kOpinion;
extern const Vocabulary kWindowsIntegrityLevel;
extern const Vocabulary kWindowsRegistryDatatype;
extern const Vocabulary kWindowsServiceStartType;
extern const Vocabulary kWindowsServiceStatus;
extern const Vocabulary kWindowsServiceType;
// Marking definitions (section 7.2.1): the definition_type values (open: 2.1 says SHOULD)
// and the TLP 1.0 colours (closed).
extern const Vocabulary kMarkingDefinitionType;
extern const Vocabulary kTlp1Colour;

}  // namespace vocabulary
}  // namespace fincyber::stix
