// For test binaries that draw documents (this module's and those of modules that use it);
// include it in one source file of each. cairo, pango and fontconfig keep font caches for
// the life of the process, which LeakSanitizer (in the sanitizer build) would report at
// exit: the tests free them after the last test, so that a leak left is one of ours. What
// cannot be freed is suppressed by name in the test main.
#pragma once

#include <gtest/gtest.h>
#include <pango/pangocairo.h>

namespace fincyber::documents::library_caches {

class LibraryCachesCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    pango_cairo_font_map_set_default(nullptr);  // this thread's font map and its fonts
  }
};

inline ::testing::Environment* const kLibraryCachesCleanup =
    ::testing::AddGlobalTestEnvironment(new LibraryCachesCleanup);

}  // namespace fincyber::documents::library_caches

// Read by AddressSanitizer at start-up: LeakSanitizer's suppressions of these libraries
// (in the test main) match callers by name, which needs whole stacks; cairo is built
// without frame pointers, so the fast unwinder stops inside it. Inline, as several
// sources of one test program include this.
extern "C" inline __attribute__((used)) const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0";
}
