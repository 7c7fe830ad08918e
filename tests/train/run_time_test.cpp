// run_time: the ETA by the pace so far, and durations as the progress line and the pane show them.
#include "train/run_time.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tunedeck {
namespace {

TEST(RunTime, EtaIsThePaceSoFarTimesTheStepsLeft) {
  EXPECT_DOUBLE_EQ(run_time_eta_s(40, 20, 80), 160);
  EXPECT_DOUBLE_EQ(run_time_eta_s(3, 2, 1), 1.5);
}

TEST(RunTime, EtaIsZeroBeforeTheFirstStepAndAfterTheLast) {
  EXPECT_EQ(run_time_eta_s(5, 0, 100), 0);
  EXPECT_EQ(run_time_eta_s(40, 20, 0), 0);
  EXPECT_EQ(run_time_eta_s(40, 20, -3), 0);
}

TEST(RunTime, TextInSecondsMinutesOrHours) {
  EXPECT_EQ(run_time_text(0), "0s");
  EXPECT_EQ(run_time_text(45.4), "45s");
  EXPECT_EQ(run_time_text(59.6), "1m00s");
  EXPECT_EQ(run_time_text(200), "3m20s");
  EXPECT_EQ(run_time_text(3599), "59m59s");
  EXPECT_EQ(run_time_text(3900), "1h05m");
  EXPECT_EQ(run_time_text(30 * 3600 + 60), "30h01m");
}

TEST(RunTime, TextOfNoDurationIsAQuestionMark) {
  EXPECT_EQ(run_time_text(-1), "?");
  EXPECT_EQ(run_time_text(std::nan("")), "?");
  EXPECT_EQ(run_time_text(std::numeric_limits<double>::infinity()), "?");
}

}  // namespace
}  // namespace tunedeck
