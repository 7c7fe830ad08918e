// interrupt_on_sigint: SIGINT sets the flag instead of ending the process; installing again
// clears it.
#include "cli/interrupt.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace tunedeck {
namespace {

TEST(Interrupt, SigintSetsTheFlagAndInstallingAgainClearsIt) {
  std::atomic<bool>& interrupted = interrupt_on_sigint();
  EXPECT_FALSE(interrupted);
  ASSERT_EQ(raise(SIGINT), 0);  // the process goes on
  EXPECT_TRUE(interrupted);
  std::atomic<bool>& again = interrupt_on_sigint();
  EXPECT_EQ(&again, &interrupted);  // one flag for the process
  EXPECT_FALSE(again);
  signal(SIGINT, SIG_DFL);
}

}  // namespace
}  // namespace tunedeck
