#include "survey/csf.h"

#include <algorithm>

namespace fincyber::survey {

const std::vector<std::string_view>& Csf2Subcategories() {
  // Listed in NIST CSWP 29 order; sorted here for binary search.
  static const std::vector<std::string_view> kIds = [] {
    std::vector<std::string_view> ids = {
        "GV.OC-01", "GV.OC-02", "GV.OC-03", "GV.OC-04", "GV.OC-05", "GV.OV-01", "GV.OV-02",
        "GV.OV-03", "GV.PO-01", "GV.PO-02", "GV.RM-01", "GV.RM-02", "GV.RM-03", "GV.RM-04",
        "GV.RM-05", "GV.RM-06", "GV.RM-07", "GV.RR-01", "GV.RR-02", "GV.RR-03", "GV.RR-04",
        "GV.SC-01", "GV.SC-02", "GV.SC-03", "GV.SC-04", "GV.SC-05", "GV.SC-06", "GV.SC-07",
        "GV.SC-08", "GV.SC-09", "GV.SC-10", "ID.AM-01", "ID.AM-02", "ID.AM-03", "ID.AM-04",
        "ID.AM-05", "ID.AM-07", "ID.AM-08", "ID.IM-01", "ID.IM-02", "ID.IM-03", "ID.IM-04",
        "ID.RA-01", "ID.RA-02", "ID.RA-03", "ID.RA-04", "ID.RA-05", "ID.RA-06", "ID.RA-07",
        "ID.RA-08", "ID.RA-09", "ID.RA-10", "PR.AA-01", "PR.AA-02", "PR.AA-03", "PR.AA-04",
        "PR.AA-05", "PR.AA-06", "PR.AT-01", "PR.AT-02", "PR.DS-01", "PR.DS-02", "PR.DS-10",
        "PR.DS-11", "PR.IR-01", "PR.IR-02", "PR.IR-03", "PR.IR-04", "PR.PS-01", "PR.PS-02",
        "PR.PS-03", "PR.PS-04", "PR.PS-05", "PR.PS-06", "DE.AE-02", "DE.AE-03", "DE.AE-04",
        "DE.AE-06", "DE.AE-07", "DE.AE-08", "DE.CM-01", "DE.CM-02", "DE.CM-03", "DE.CM-06",
        "DE.CM-09", "RS.AN-03", "RS.AN-06", "RS.AN-07", "RS.AN-08", "RS.CO-02", "RS.CO-03",
        "RS.MA-01", "RS.MA-02", "RS.MA-03", "RS.MA-04", "RS.MA-05", "RS.MI-01", "RS.MI-02",
        "RC.CO-03", "RC.CO-04", "RC.RP-01", "RC.RP-02", "RC.RP-03", "RC.RP-04", "RC.RP-05",
        "RC.RP-06"};
    std::sort(ids.begin(), ids.end());
    return ids;
  }();
  return kIds;
}

bool IsCsf2Subcategory(std::string_view id) {
  const auto& ids = Csf2Subcategories();
  return std::binary_search(ids.begin(), ids.end(), id);
}

std::optional<Function> CsfFunctionOf(std::string_view id) {
  const std::string_view prefix = id.substr(0, 2);
  if (prefix == "GV") return Function::kGovern;
  if (prefix == "ID") return Function::kIdentify;
  if (prefix == "PR") return Function::kProtect;
  if (prefix == "DE") return Function::kDetect;
  if (prefix == "RS") return Function::kRespond;
  if (prefix == "RC") return Function::kRecover;
  return std::nullopt;
}

}  // namespace fincyber::survey
