#include <gtest/gtest.h>

#include <string>

#include "stix/pattern.h"

namespace fincyber::stix {
namespace {

TEST(StixPatternTest, ParsesOneComparison) {
  auto pattern = ParsePattern("[domain-name:value = 'evil.example']");
  ASSERT_TRUE(pattern.ok()) << pattern.error().safe_message();
  const ObservationExpr& root = pattern->root;
  ASSERT_EQ(root.kind, ObservationExpr::Kind::kObservation);
  const Comparison& comparison = root.comparison.comparison;
  EXPECT_EQ(comparison.path.object_type, "domain-name");
  ASSERT_EQ(comparison.path.steps.size(), 1u);
  EXPECT_EQ(comparison.path.steps[0].key, "value");
  EXPECT_EQ(comparison.op, ComparisonOp::kEqual);
  ASSERT_EQ(comparison.values.size(), 1u);
  EXPECT_EQ(comparison.values[0].text, "evil.example");
  EXPECT_EQ(ToString(*pattern), "[domain-name:value = 'evil.example']");
}

}  // namespace
}  // namespace fincyber::stix
