#include <gtest/gtest.h>

#include "base/crypto.h"

// Read by LeakSanitizer at start-up, in the sanitizer build: what libraries keep for the
// life of the process. fontconfig keeps its configuration until FcFini, which pango
// forbids while any font map lives; cairo 1.16 loses about 768 bytes per embedded CFF
// font subset when a PDF surface is finished; libxlsxwriter 1.1.4 does not free the
// formula of a list validation.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n"
         "leak:cairo_surface_finish\n"
         "leak:libxlsxwriter.so\n";
}

int main(int argc, char** argv) {
  if (!fincyber::InitCrypto().ok()) return 1;
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
