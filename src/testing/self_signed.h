// A self-signed certificate for 127.0.0.1, made with the openssl CLI, for TLS tests.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fincyber::testing {

struct CertificateFiles {
  std::string certificate;  // PEM
  std::string private_key;  // PEM
};

// Writes cert.pem and key.pem into `dir`; false when the openssl CLI failed.
inline bool MakeSelfSignedCertificate(const std::filesystem::path& dir, CertificateFiles* out) {
  out->certificate = (dir / "cert.pem").string();
  out->private_key = (dir / "key.pem").string();
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      out->private_key + " -out " + out->certificate + " >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

}  // namespace fincyber::testing
