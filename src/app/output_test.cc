#include "app/output.h"

#include <gtest/gtest.h>

#include <sstream>

namespace fincyber::app {
namespace {

TEST(OutputTest, TableAlignsJapaneseByDisplayWidth) {
  Json rows = Json::array({{{"name", "監督局"}, {"kind", "bureau"}},
                           {{"name", "ISAC"}, {"kind", nullptr}}});
  std::ostringstream out;
  PrintRows(out, {"name", "kind"}, rows, OutputFormat::kTable);
  EXPECT_EQ(out.str(),
            "name    kind\n"
            "監督局  bureau\n"
            "ISAC    -\n");
  EXPECT_EQ(DisplayWidth("監督局"), 6u);
}

TEST(OutputTest, JsonIsTheRowsAsGiven) {
  Json rows = Json::array({{{"a", 1}}});
  std::ostringstream out;
  PrintRows(out, {"a"}, rows, OutputFormat::kJson);
  EXPECT_EQ(Json::parse(out.str()), rows);
}

}  // namespace
}  // namespace fincyber::app
