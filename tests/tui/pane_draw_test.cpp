// tui/pane_* and tui/status_bar: what each pane draws for a given AppState, read back from
// curses windows on an off-screen terminal (newterm on /dev/null), in Unicode and ASCII.
#include <curses.h>
#include <gtest/gtest.h>

#include <clocale>
#include <cwchar>

#include "tui/pane_conversation.h"
#include "tui/pane_gpu.h"
#include "tui/pane_trace.h"
#include "tui/pane_training.h"
#include "tui/status_bar.h"
#include "tui/text_layout.h"

namespace tunedeck {
namespace {

class PaneDraw : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_NE(std::setlocale(LC_ALL, "C.UTF-8"), nullptr);
    out_ = std::fopen("/dev/null", "w");
    in_ = std::fopen("/dev/null", "r");
    screen_ = newterm("xterm-256color", out_, in_);
    ASSERT_NE(screen_, nullptr);
    resizeterm(60, 160);
  }
  static void TearDownTestSuite() {
    endwin();
    delscreen(screen_);
    std::fclose(out_);
    std::fclose(in_);
  }
  void TearDown() override {
    if (window_) delwin(window_);
  }

  WINDOW* window(int rows, int columns) {
    if (window_) delwin(window_);
    window_ = newwin(rows, columns, 0, 0);
    return window_;
  }

  // The window's rows as UTF-8, trailing spaces dropped.
  std::vector<std::string> rows() const {
    std::vector<std::string> result;
    const int height = getmaxy(window_), width = getmaxx(window_);
    for (int y = 0; y < height; y++) {
      std::vector<wchar_t> text(width + 1, 0);
      mvwinnwstr(window_, y, 0, text.data(), width);
      std::string row;
      for (const wchar_t* c = text.data(); *c; c++) {
        char bytes[MB_LEN_MAX];
        std::mbstate_t state{};
        const size_t n = std::wcrtomb(bytes, *c, &state);
        if (n != static_cast<size_t>(-1)) row.append(bytes, n);
      }
      row.erase(row.find_last_not_of(' ') + 1);
      result.push_back(row);
    }
    return result;
  }

  static FILE* out_;
  static FILE* in_;
  static SCREEN* screen_;
  WINDOW* window_ = nullptr;
};
FILE* PaneDraw::out_ = nullptr;
FILE* PaneDraw::in_ = nullptr;
SCREEN* PaneDraw::screen_ = nullptr;

using Rows = std::vector<std::string>;

TraceEntry ok_entry() {
  TraceEntry entry;
  entry.turn = 1;
  entry.step = 1;
  entry.tool = "add_days";
  entry.arguments = R"({"date":"2026-02-20","days":100})";
  entry.result = R"({"date":"2026-05-31"})";
  entry.raw = R"({"name": "add_days", "arguments": {"date": "2026-02-20", "days": 100}})";
  entry.step_output = "<tool_call>...</tool_call>";
  entry.ms = 0.25;
  entry.done = true;
  return entry;
}

TraceEntry parse_failure() {
  TraceEntry entry;
  entry.turn = 2;
  entry.step = 1;
  entry.raw = "{\"name\": ";
  entry.parse_error = "not JSON";
  entry.error = "the call is not valid JSON";
  entry.done = true;
  return entry;
}

TEST_F(PaneDraw, TraceShowsEachCallWithArgumentsResultAndTime) {
  AppState state;
  state.trace = {ok_entry()};
  pane_trace_draw(window(8, 50), state, false);
  EXPECT_EQ(rows(),
            (Rows{" Tool trace ────────────────────────────── 1 call", "[1.1] ✓ add_days  0.2 ms",
                  "  args {\"date\":\"2026-02-20\",\"days\":100}", "  = {\"date\":\"2026-05-31\"}",
                  "", "", "", ""}));
}

TEST_F(PaneDraw, AFailedParseShowsTheRawTextAndWhy) {
  AppState state;
  state.trace = {parse_failure()};
  pane_trace_draw(window(7, 50), state, false);
  EXPECT_EQ(rows(),
            (Rows{" Tool trace ────────────────────────────── 1 call",
                  "[2.1] ✗ (unreadable call)  0.0 ms", "  error: the call is not valid JSON",
                  "  parse: not JSON", "  raw: {\"name\":", "", ""}));
}

TEST_F(PaneDraw, AnOpenedEntryShowsTheRawModelText) {
  AppState state;
  state.trace = {ok_entry()};
  state.trace[0].expanded = true;
  state.focus = Pane::kTrace;
  state.trace_selected = 0;
  pane_trace_draw(window(9, 40), state, true);
  const Rows shown = rows();
  // The focused title: a marker, the name, and the keys at the right end (its last cell is a
  // space, dropped here).
  EXPECT_EQ(shown[0].rfind("│▶ Tool trace  ", 0), 0u) << shown[0];
  EXPECT_EQ(shown[0].substr(shown[0].size() - 16), " 1/1 Enter: open") << shown[0];
  EXPECT_EQ(text_width(shown[0]), 39);
  EXPECT_EQ(shown[1], "│[1.1] ✓ add_days  0.2 ms");
  EXPECT_EQ(shown[4], "│  raw: {\"name\": \"add_days\",");
  EXPECT_EQ(shown[7], "│  step output:");
  EXPECT_EQ(shown[8], "│  <tool_call>...</tool_call>");
}

TEST_F(PaneDraw, TraceInAsciiWithoutUnicode) {
  AppState state;
  state.unicode = false;
  state.trace = {ok_entry(), parse_failure()};
  pane_trace_draw(window(4, 40), state, false);
  // The newest lines show: the end of the second entry.
  EXPECT_EQ(rows()[0], " Tool trace ------------------- 2 calls");
  EXPECT_EQ(rows()[1], "  error: the call is not valid JSON");
}

TEST_F(PaneDraw, TraceSaysWhichToolCallFormatTheTemplateUses) {
  AppState state;
  state.tool_call_format = "llama3-json ({\"name\", \"parameters\"}, <|python_tag|>)";
  pane_trace_draw(window(5, 70), state, false);
  EXPECT_EQ(rows()[1], "format: llama3-json ({\"name\", \"parameters\"}, <|python_tag|>)");
  EXPECT_EQ(rows()[2].rfind("No tool calls yet.", 0), 0u) << rows()[2];
  state.trace = {ok_entry()};
  pane_trace_draw(window(8, 70), state, false);
  EXPECT_EQ(rows()[1].rfind("format: llama3-json", 0), 0u) << rows()[1];
  EXPECT_EQ(rows()[2], "[1.1] ✓ add_days  0.2 ms");
}

TEST_F(PaneDraw, ConversationWrapsKoreanAndScrolls) {
  AppState state;
  state.add_user_line("2026년 2월 20일에서 100일 후는 무슨 요일이야?");
  state.conversation.push_back(ConversationEntry{ConversationEntry::Kind::kAssistant,
                                                 "2026년 5월 31일 일요일입니다.", true});
  state.add_notice("cancelled");
  const PaneDrawResult drawn = pane_conversation_draw(window(6, 24), state, false);
  // The newest five lines; the question's first line is above them.
  EXPECT_EQ(rows(), (Rows{" Conversation ──────────", "  100일 후는 무슨", "  요일이야?",
                          "2026년 5월 31일", "일요일입니다.▌", "· cancelled"}));
  EXPECT_EQ(drawn.view_lines, 5);
  EXPECT_EQ(drawn.content_lines, 6);
  EXPECT_FALSE(drawn.more);

  state.scroll[static_cast<int>(Pane::kConversation)] = 3;
  pane_conversation_draw(window(4, 24), state, false);
  EXPECT_EQ(rows(), (Rows{" Conversation ──────────", "> 2026년 2월 20일에서", "  100일 후는 무슨",
                          "  요일이야?"}));

  // The same offset in a taller (zoomed) pane: the oldest line stays on the top row and the
  // rows below are filled, none blank.
  state.scroll[static_cast<int>(Pane::kConversation)] = 5;
  pane_conversation_draw(window(7, 24), state, false);
  EXPECT_EQ(rows(), (Rows{" Conversation ──────────", "> 2026년 2월 20일에서", "  100일 후는 무슨",
                          "  요일이야?", "2026년 5월 31일", "일요일입니다.▌", "· cancelled"}));
}

StatsSnapshot gpu_snapshot(int64_t used) {
  StatsSnapshot s;
  s.sequence = 1;
  s.gpu_status = "ok";
  GpuDeviceStats gpu;
  gpu.index = 0;
  gpu.name = "NVIDIA H200";
  gpu.memory_used_bytes = used;
  gpu.memory_total_bytes = 150109880320;
  gpu.utilization_percent = 45;
  gpu.temperature_c = 61;
  gpu.power_draw_w = 310;
  gpu.power_limit_w = 700;
  s.gpus.push_back(gpu);
  s.allocator.available = true;
  s.allocator.allocated_bytes = 1288490189;
  s.allocator.reserved_bytes = 2147483648;
  s.allocator.peak_allocated_bytes = 3328599654;
  s.process.rss_bytes = 1288490189;
  s.accounting.weights_bytes_by_dtype["bf16"] = 1073741824;
  s.accounting.kv_cache_bytes = 262144;
  return s;
}

TEST_F(PaneDraw, GpuPaneShowsMemoryHistoryUtilisationAndAllocator) {
  AppState state;
  state.stats = {gpu_snapshot(6604512217), gpu_snapshot(13207024435)};
  pane_gpu_draw(window(8, 44), state, false);
  const Rows shown = rows();
  EXPECT_EQ(shown[1], "GPU0 NVIDIA H200");
  EXPECT_EQ(shown[2], "mem 12.3/139.8 GiB                        ▁▁");
  EXPECT_EQ(shown[3], "util 45%  61C  310/700 W");
  EXPECT_EQ(shown[4], "alloc 1.2 GiB  resv 2.0 GiB  peak 3.1 GiB");
  EXPECT_EQ(shown[5], "RSS 1.2 GiB                               ▇▇");  // 10% headroom
  EXPECT_EQ(shown[6], "model 1.0 GiB bf16  KV 256.0 KiB");
}

TEST_F(PaneDraw, GpuPaneListsTheProcessesOnEachGpuAndWhereTheCoresGo) {
  AppState state;
  StatsSnapshot s = gpu_snapshot(13207024435);
  s.gpus[0].process_memory_bytes = 1610612736;
  s.gpus[0].processes = {{4242, 8589934592, "python3", false},
                         {777, 1610612736, "tunedeck_engine", true},
                         {99, std::nullopt, "", false}};
  s.thread_cpu = {{"td-chat", 3, 97.6},
                  {"td-train", 2, 180.2},
                  {"tunedeck_engine", 1, 1.2},
                  {"td-stats", 1, 0.1}};
  state.stats = {s};
  pane_gpu_draw(window(12, 50), state, false);
  const Rows shown = rows();
  EXPECT_EQ(shown[4], "this process 1.5 GiB");
  EXPECT_EQ(shown[5], "   4242 python3  8.0 GiB");
  EXPECT_EQ(shown[6], "    777 tunedeck_engine  1.5 GiB  (this)");
  EXPECT_EQ(shown[7], "     99 ?  N/A");
  EXPECT_EQ(shown[11], "CPU chat 98% · train 180% · main 1%");
}

TEST_F(PaneDraw, GpuPaneOnACpuBoxSaysWhyAndShowsAbsentFieldsAsNA) {
  AppState state;
  StatsSnapshot s;
  s.sequence = 3;
  s.gpu_status = "unavailable: cannot load NVML";
  state.stats = {s};
  pane_gpu_draw(window(6, 44), state, false);
  EXPECT_EQ(rows()[1], "no GPU: cannot load NVML");
  EXPECT_EQ(rows()[2], "RSS N/A");
  EXPECT_EQ(rows()[3], "model 0 B  KV 0 B");

  state.stats[0].cpu_cache.installed =
      true;  // tunedeck's CPU allocator (core/kernels/cpu_block_cache)
  state.stats[0].cpu_cache.live_bytes = 402653184;
  state.stats[0].cpu_cache.cached_bytes = 100663296;
  pane_gpu_draw(window(6, 44), state, false);
  EXPECT_EQ(rows()[2], "RSS N/A");
  EXPECT_EQ(rows()[3], "blocks live 384.0 MiB  cached 96.0 MiB");
  EXPECT_EQ(rows()[4], "model 0 B  KV 0 B");

  state.stats = {gpu_snapshot(1)};
  state.stats[0].gpus[0].utilization_percent.reset();
  state.stats[0].gpus[0].power_draw_w.reset();
  state.stats[0].gpus[0].power_limit_w.reset();
  state.stats[0].allocator.available = false;
  pane_gpu_draw(window(7, 44), state, false);
  EXPECT_EQ(rows()[3], "util N/A  61C  N/A W");
  EXPECT_EQ(rows()[4], "allocator N/A (no CUDA allocator)");
}

TEST_F(PaneDraw, TrainingPaneShowsTheRunAChartAndRecentRuns) {
  AppState state;
  TrainingView& view = state.training;
  view.shown = true;
  view.in_process = true;
  view.run_id = 3;
  view.name = "lora";
  view.status = "running";
  view.step = 40;
  view.total_steps = 80;
  view.loss = 1.5;
  view.eval_loss = 1.75;
  view.lr = 0.005;
  view.tokens_per_s = 1671;
  view.eta_s = 200;
  view.loss_points = {{10, 3}, {20, 2}, {30, 1.75}, {40, 1.5}};
  view.eval_points = {{40, 1.75}};
  view.recent.resize(1);
  view.recent[0].id = 3;
  view.recent[0].name = "lora";
  view.recent[0].status = "running";
  view.recent[0].last_step = 40;
  view.recent[0].total_steps = 80;
  view.recent[0].last_loss = 1.5;
  pane_training_draw(window(9, 40), state, false);
  const Rows shown = rows();
  EXPECT_EQ(shown[1], "#3 lora  running (here)");
  EXPECT_EQ(shown[2], "step 40/80  loss 1.5000  eval 1.7500");
  EXPECT_EQ(shown[3], "lr 5.00e-03  1671 tok/s  ETA 3m20s");
  EXPECT_EQ(shown[4].substr(0, 7), "3.000  ");
  EXPECT_EQ(shown[6].substr(0, 7), "1.500  ");
  EXPECT_EQ(shown[7], "recent runs:");
  EXPECT_EQ(shown[8], "#3 running  40/80  loss 1.500  lora");
}

TEST_F(PaneDraw, TrainingPaneWithoutARunSaysHowToStartOne) {
  AppState state;
  pane_training_draw(window(6, 40), state, false);
  EXPECT_EQ(rows()[1], "No run shown. /train start CONFIG.toml");
  EXPECT_EQ(rows()[2], "trains here (examples in etc/train/);");
  state.status.model.train_example = "etc/train/datebot_lora.toml";
  pane_training_draw(window(6, 60), state, false);
  EXPECT_EQ(rows()[1], "No run shown. /train start CONFIG.toml trains here (for this");
  EXPECT_EQ(rows()[2], "model: etc/train/datebot_lora.toml); /train watch ID follows");
}

TEST_F(PaneDraw, TrainingPaneSaysTookOnlyOnceAStepRan) {
  AppState state;
  TrainingView& view = state.training;
  view.shown = true;
  view.name = "lora";
  view.status = "cancelled";
  view.total_steps = 60;
  view.elapsed_s = 1;
  pane_training_draw(window(6, 40), state, false);
  EXPECT_EQ(rows()[3], "lr 0.00e+00  0 tok/s");
  view.step = 4;
  pane_training_draw(window(6, 40), state, false);
  EXPECT_EQ(rows()[3], "lr 0.00e+00  0 tok/s  took 1s");
}

TEST_F(PaneDraw, StatusBarNamesModelAdapterDeviceAndRate) {
  AppState state;
  EXPECT_EQ(status_bar_text(state), "no model");
  state.status.model.loaded = true;
  state.status.model.path = "/models/stories260k/";
  state.status.model.adapter = "/runs/x/adapter";
  state.status.model.device = "cpu";
  state.status.model.dtype = "f32";
  state.status.last_tokens_per_s = 98.66;
  state.status.model.name = "";  // loaded by its folder: the folder's name shows
  state.status.generating = true;
  state.status.training = "training 4/40";
  EXPECT_EQ(status_bar_text(state),
            "stories260k | adapter: x/adapter | cpu f32 | 98.7 tok/s | answering (Esc cancels) | "
            "training 4/40");
  status_bar_draw(window(1, 160), state);
  EXPECT_NE(rows()[0].find("F10 quit"), std::string::npos);
  state.status.model.name = "karpathy/stories260k";  // loaded by its name in the cache
  EXPECT_EQ(status_bar_text(state).rfind("karpathy/stories260k | adapter", 0), 0u);
}

}  // namespace
}  // namespace tunedeck
