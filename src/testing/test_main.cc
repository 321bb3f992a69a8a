#include <gtest/gtest.h>

#include "base/crypto.h"

int main(int argc, char** argv) {
  if (!fincyber::InitCrypto().ok()) return 1;
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
