# Writes OUTPUT, a C++ source defining fincyber::survey::internal::kMissionBankYaml with
# the bytes of INPUT.
file(READ ${INPUT} bytes HEX)
string(LENGTH "${bytes}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," array "${bytes}")
file(WRITE ${OUTPUT}
  "// Generated from banks/mission.yaml by embed_bank.cmake.\n"
  "#include <string_view>\n"
  "namespace fincyber::survey::internal {\n"
  "namespace { constexpr char kBytes[] = {${array}}; }\n"
  "extern const std::string_view kMissionBankYaml(kBytes, ${size});\n"
  "}  // namespace fincyber::survey::internal\n")
