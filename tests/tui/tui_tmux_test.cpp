// The full-screen app as a person uses it: the real binary in a tmux session (new-session -x -y,
// send-keys, capture-pane -p) on ../shared/models/stories260k. Each test has its own tmux
// server (-L) and scratch HOME/XDG folders, killed and removed in teardown. Waits poll the
// screen with a generous limit; nothing asserts on time.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Runs a shell command; returns its stdout.
std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

// One tmux server running `tunedeck app ARGS` in a fresh HOME, then "EXITED <status>".
class AppSession {
 public:
  AppSession(const std::string& app_args, int columns = 100, int rows = 30,
             const std::string& term = "xterm-256color") {
    static int counter = 0;
    socket_ = "tunedeck-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    const std::string home = scratch_.path();
    const std::string command =
        "env -i PATH=/usr/bin:/bin HOME=" + home + " XDG_CONFIG_HOME=" + home + "/config" +
        " XDG_DATA_HOME=" + home + "/data XDG_STATE_HOME=" + home + "/state LANG=C.UTF-8" +
        " TERM=" + term + " TUNEDECK_TODAY=2026-02-20 " + testing::bin_dir() + "/tunedeck app " +
        app_args + "; echo EXITED $?; sleep 600";
    shell("tmux -L " + socket_ + " -f /dev/null new-session -d -x " + std::to_string(columns) +
          " -y " + std::to_string(rows) + " " + shell_quote(command));
  }
  ~AppSession() { shell("tmux -L " + socket_ + " kill-server"); }

  std::string screen() const { return shell("tmux -L " + socket_ + " capture-pane -p"); }

  // Waits until `shows(screen)` holds (up to `limit`); returns the last screen seen. A failure
  // of the test, naming `what`, when it never does.
  std::string wait_until(const std::function<bool(const std::string&)>& shows,
                         const std::string& what,
                         std::chrono::seconds limit = std::chrono::seconds(30)) const {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = screen();
      if (shows(last)) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the screen never showed " << what << "; last screen:\n" << last;
    return last;
  }

  // Waits until the screen contains `text`.
  std::string wait_for(const std::string& text,
                       std::chrono::seconds limit = std::chrono::seconds(30)) const {
    return wait_until(
        [&](const std::string& screen) { return screen.find(text) != std::string::npos; },
        "'" + text + "'", limit);
  }

  // tmux key names (Enter, F10, Escape, BSpace, ...).
  void keys(const std::string& names) const { shell("tmux -L " + socket_ + " send-keys " + names); }
  // Literal text, byte for byte.
  void type(const std::string& text) const {
    shell("tmux -L " + socket_ + " send-keys -l " + shell_quote(text));
  }
  void resize(int columns, int rows) const {
    shell("tmux -L " + socket_ + " resize-window -x " + std::to_string(columns) + " -y " +
          std::to_string(rows));
  }
  std::string file(const std::string& relative) const { return scratch_.file(relative); }
  const std::string& socket() const { return socket_; }

 private:
  testing::ScratchDir scratch_;
  std::string socket_;
};

// A --config file that clears the shipped default model (datebot), as for a user without it.
class NoModelConfig {
 public:
  NoModelConfig() { testing::write_file(path(), "[model]\npath = \"\"\n"); }
  std::string path() const { return dir_.file("no-model.toml"); }
  std::string flag() const { return "--config " + path(); }

 private:
  testing::ScratchDir dir_;
};

// The status bar once the model is loaded.
const char kLoaded[] = "stories260k | adapter: none | cpu f32";

bool has(const std::string& screen, const std::string& text) {
  return screen.find(text) != std::string::npos;
}

// The rows of the screen.
std::vector<std::string> rows_of(const std::string& screen) {
  std::vector<std::string> rows;
  std::istringstream in(screen);
  for (std::string row; std::getline(in, row);) rows.push_back(row);
  return rows;
}

class TuiTmux : public ::testing::Test {
 protected:
  void SetUp() override {
    if (shell("command -v tmux").empty()) GTEST_SKIP() << "tmux is not installed";
  }
};

TEST_F(TuiTmux, OpensWithFourPanesStatusBarAndInputLine) {
  AppSession app("--model " + testing::stories_dir());
  app.wait_for(kLoaded);
  const std::string screen = app.wait_for("RSS ");  // the GPU / memory pane, on a CPU box
  for (const char* title : {"Conversation", "Tool trace", "GPU / memory", "Training"})
    EXPECT_TRUE(has(screen, title)) << title << "\n" << screen;
  EXPECT_TRUE(has(screen, "· model ")) << screen;  // the load notice
  EXPECT_TRUE(has(screen, "F10 quit")) << screen;
  EXPECT_TRUE(has(screen, "No run shown. /train start CONFIG.toml")) << screen;
  const std::vector<std::string> rows = rows_of(screen);
  ASSERT_EQ(rows.size(), 30u);
  EXPECT_EQ(rows[29], ">");  // the input line, last (capture-pane drops trailing spaces)
}

TEST_F(TuiTmux, ToolsListsAddDaysAndToolRunsIt) {
  AppSession app("--model " + testing::stories_dir());
  app.wait_for(kLoaded);
  app.type("/tools");
  app.keys("Enter");
  std::string screen = app.wait_for("add_days(date, days)");
  EXPECT_TRUE(has(screen, "> /tools")) << screen;
  app.type(R"(/tool add_days {"date": "2026-02-20", "days": 100})");
  app.keys("Enter");
  screen = app.wait_for("\"date\": \"2026-05-31\"");
  EXPECT_TRUE(has(screen, "\"weekday_en\": \"Sunday\"")) << screen;
  app.type(R"(/tool add_days {"date": "2026-02-30", "days": 1})");
  app.keys("Enter");
  screen = app.wait_for("! error:");
}

TEST_F(TuiTmux, AQuestionStreamsAnAnswerIntoTheConversation) {
  AppSession app("--model " + testing::stories_dir() + " --max-new-tokens 40");
  app.wait_for(kLoaded);
  app.type("Once upon a time");
  app.keys("Enter");
  const std::string screen = app.wait_for("tok/s");  // the status bar, once the answer is done
  const std::vector<std::string> rows = rows_of(screen);
  size_t question = rows.size();
  for (size_t i = 0; i < rows.size(); i++)
    if (rows[i].rfind("> Once upon a time", 0) == 0) question = i;
  ASSERT_LT(question + 1, rows.size()) << screen;
  // The answer's first line: model text (no notice or error marker), not empty.
  const std::string answer = rows[question + 1].substr(0, 50);
  EXPECT_NE(answer.find_first_not_of(' '), std::string::npos) << screen;
  EXPECT_NE(answer.substr(0, 2), "· ") << screen;
  EXPECT_NE(answer.substr(0, 2), "! ") << screen;
  // The memory pane shows tunedeck's CPU block cache once the chat worker has set it up.
  app.wait_for("blocks live ");
}

// Polls the screen until `done(screen)` (up to `limit`); returns the last screen. No failure.
std::string poll_screen(const AppSession& app, const std::function<bool(const std::string&)>& done,
                        std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::string screen = app.screen();
  while (!done(screen) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    screen = app.screen();
  }
  return screen;
}

TEST_F(TuiTmux, EscCancelsAnAnswerAndTheAppStays) {
  // On a quiet machine stories260k writes a whole answer (up to its 512-token context) in a
  // fraction of a second, so an Escape sent once "answering" shows may arrive after the answer
  // ended, with nothing left to cancel. So: ask until an Escape lands mid-answer. A cancel that
  // does not work never shows "cancelled", in any attempt.
  AppSession app("--model " + testing::stories_dir() + " --max-new-tokens 100000 --max-steps 1");
  app.wait_for(kLoaded);
  const char kAnswering[] = "answering (Esc cancels)";
  bool cancelled = false;
  for (int attempt = 0; attempt < 10 && !cancelled; ++attempt) {
    app.type("Once upon a time");
    app.keys("Enter");
    const std::string seen = poll_screen(
        app, [&](const std::string& screen) { return has(screen, kAnswering); },
        std::chrono::seconds(10));
    if (has(seen, kAnswering)) app.keys("Escape");
    const std::string after = poll_screen(
        app, [&](const std::string& screen) { return !has(screen, kAnswering); },
        std::chrono::seconds(30));
    ASSERT_FALSE(has(after, kAnswering)) << "the answer neither ended nor was cancelled:\n"
                                         << after;
    cancelled = has(after, "cancelled");  // the notice in the conversation
  }
  ASSERT_TRUE(cancelled) << "no answer was cancelled in 10 tries; last screen:\n" << app.screen();
  app.type("/tools");  // runs once the turn has ended
  app.keys("Enter");
  app.wait_for("add_days(date, days)");  // still usable
}

TEST_F(TuiTmux, FollowsResizesAndSaysWhenTooSmall) {
  AppSession app("--model " + testing::stories_dir());
  app.wait_for(kLoaded);
  // Each wait is for the whole redrawn screen: the one before a resize may still show the text
  // (or be half redrawn) for a moment after it.
  app.resize(80, 24);
  app.wait_until(
      [](const std::string& screen) {
        return rows_of(screen).size() == 24 && has(screen, "Conversation") &&
               has(screen, "Tool trace") && has(screen, "GPU / memory") &&
               has(screen, "Training") && has(screen, "F10 quit");
      },
      "the five panes and the key help in 80x24");

  app.resize(40, 10);
  app.wait_until(
      [](const std::string& screen) {
        return has(screen, "tunedeck needs at least 60x16") && has(screen, "40x10)") &&
               !has(screen, "Tool trace");
      },
      "only the too-small message at 40x10");

  app.resize(100, 30);
  app.wait_until(
      [](const std::string& screen) {
        return rows_of(screen).size() == 30 && has(screen, "Tool trace") &&
               !has(screen, "needs at least");
      },
      "the panes again, without the message, at 100x30");
}

TEST_F(TuiTmux, F10QuitsAndRestoresTheTerminal) {
  AppSession app("--model " + testing::stories_dir());
  app.wait_for(kLoaded);
  app.keys("F10");
  const std::string screen = app.wait_for("EXITED 0");
  EXPECT_FALSE(has(screen, "Conversation")) << screen;  // the screen before the app is back
  EXPECT_FALSE(has(screen, "Tool trace")) << screen;
  // stderr went to the log while the screen was up.
  EXPECT_TRUE(std::ifstream(app.file("state/tunedeck/tunedeck.log")).good());
}

TEST_F(TuiTmux, CtrlDOnAnEmptyLineAndQuitLeaveToo) {
  AppSession app("--model " + testing::stories_dir());
  app.wait_for(kLoaded);
  app.keys("C-d");
  app.wait_for("EXITED 0");

  AppSession again("--model " + testing::stories_dir());
  again.wait_for(kLoaded);
  again.type("/quit");
  again.keys("Enter");
  again.wait_for("EXITED 0");
}

TEST_F(TuiTmux, KoreanInputRoundTrip) {
  const NoModelConfig no_model;
  AppSession app(no_model.flag());  // no model: the line is still echoed and kept in the history
  app.wait_for("No model yet");
  app.type("가나다");
  app.keys("BSpace");  // one syllable, two cells
  app.type(" 며칠이야?");
  std::string screen = app.wait_for("> 가나 며칠이야?");
  app.keys("Enter");
  screen = app.wait_for("no model loaded");
  bool echoed = false;
  for (const std::string& row : rows_of(screen))
    echoed = echoed || row.rfind("> 가나 며칠이야?", 0) == 0;
  EXPECT_TRUE(echoed) << screen;
  app.keys("F10");
  app.wait_for("EXITED 0");
  EXPECT_EQ(testing::read_file(app.file("data/tunedeck/history")), "가나 며칠이야?\n");
}

TEST_F(TuiTmux, WithoutAModelItSaysHowAndModelLoadsOne) {
  const NoModelConfig no_model;
  AppSession app(no_model.flag());
  std::string screen = app.wait_for("No model yet");
  EXPECT_TRUE(has(screen, "/model PATH")) << screen;
  EXPECT_TRUE(has(screen, "no model")) << screen;  // the status bar
  app.type("/model " + testing::stories_dir());
  app.keys("Enter");
  screen = app.wait_for("stories260k | adapter: none");
}

// A model in the Hugging Face cache (~/.cache/huggingface/hub, laid out as huggingface_hub
// writes it): /models lists it, Tab completes its name after /model, and it loads by that name.
TEST_F(TuiTmux, ModelsListsTheCacheAndModelLoadsByName) {
  const NoModelConfig no_model;
  AppSession app(no_model.flag());
  app.wait_for("No model yet");
  const std::string entry = app.file(".cache/huggingface/hub/models--karpathy--stories260k");
  std::filesystem::create_directories(entry + "/snapshots/rev");
  std::filesystem::create_directories(entry + "/refs");
  std::ofstream(entry + "/refs/main") << "rev";
  for (const auto& file : std::filesystem::directory_iterator(testing::stories_dir()))
    std::filesystem::create_symlink(file.path(),
                                    entry + "/snapshots/rev/" + file.path().filename().string());
  app.type("/models");
  app.keys("Enter");
  std::string screen = app.wait_for("karpathy/stories260k");
  EXPECT_TRUE(has(screen, "llama")) << screen;
  app.type("/model karp");
  app.keys("Tab");
  app.wait_for("> /model karpathy/stories260k");
  app.keys("Enter");
  app.wait_for("karpathy/stories260k | adapter: none");
}

// Waits for the shipped datebot, asks the README's question and returns the screen once the
// `weekday` call shows in the trace.
std::string ask_the_readme_question(const AppSession& app) {
  app.wait_for("datebot | adapter: none");
  app.type("2026년 2월 20일은 무슨 요일이야?");
  app.keys("Enter");
  return app.wait_for("✓ weekday");
}

// The README's path: no flags opens the shipped datebot; a Korean date question shows a
// `weekday` call in the trace and the answer in the conversation; the trace entry opens to the
// raw model text it was parsed from.
TEST_F(TuiTmux, DatebotByDefaultCallsAToolAndTheTraceShowsIt) {
  AppSession app("", 120, 36);
  std::string screen = ask_the_readme_question(app);
  EXPECT_TRUE(has(screen, "args {\"date\":\"2026-02-20\"}")) << screen;
  screen = app.wait_for("1 call");
  screen = app.wait_for("금요일");
  EXPECT_TRUE(has(screen, "\"weekday_en\":\"Friday\"")) << screen;  // the result in the trace
  app.keys("Tab");  // focus: input line -> tool trace, as the README says
  app.wait_for("Enter: open");
  app.keys("Enter");
  screen = app.wait_for("raw: ");
  EXPECT_TRUE(has(screen, "<tool_call>")) << screen;
  // F5 zooms the focused pane and says so; the zoom follows the focus to the next pane.
  app.keys("F5");
  screen = app.wait_for("zoomed (F5)");
  EXPECT_TRUE(has(screen, "Tool trace")) << screen;
  EXPECT_FALSE(has(screen, "Conversation")) << screen;
  app.keys("Tab");
  screen = app.wait_for("Conversation");
  EXPECT_TRUE(has(screen, "zoomed (F5)")) << screen;
  EXPECT_FALSE(has(screen, "Tool trace")) << screen;
  app.keys("F5");
  screen = app.wait_for("Tool trace");
  EXPECT_FALSE(has(screen, "zoomed (F5)")) << screen;
  app.keys("F10");
  app.wait_for("EXITED 0");
}

// What the model sees: each answer says its prompt size and speed, the status bar how much of
// the context the conversation fills; /clear starts a new session with empty panes, and the old
// one is still there to go back to.
TEST_F(TuiTmux, AnswersShowTheirCostAndClearStartsANewSession) {
  AppSession app("", 120, 36);
  ask_the_readme_question(app);
  std::string screen = app.wait_for("tok/s · 2 steps");
  EXPECT_TRUE(has(screen, "prompt ")) << screen;
  EXPECT_TRUE(has(screen, "| ctx ")) << screen;
  EXPECT_TRUE(has(screen, "/1024")) << screen;  // datebot's window
  app.type("/clear");
  app.keys("Enter");
  screen = app.wait_for("session: chat-");
  EXPECT_FALSE(has(screen, "무슨 요일이야?")) << screen;
  EXPECT_FALSE(has(screen, "✓ weekday")) << screen;
  app.type("/sessions");
  app.keys("Enter");
  screen = app.wait_for("  default  ");
  EXPECT_TRUE(has(screen, "* chat-")) << screen;
  app.keys("F10");
  app.wait_for("EXITED 0");
}

TEST_F(TuiTmux, WorksUnderScreenAndTmuxTermsWithoutColours) {
  for (const char* term : {"screen", "tmux-256color", "xterm-mono"}) {
    AppSession app("--model " + testing::stories_dir(), 80, 24, term);
    const std::string screen = app.wait_for(kLoaded);
    EXPECT_TRUE(has(screen, "Tool trace") && has(screen, "Training")) << term << "\n" << screen;
    app.keys("F10");
    app.wait_for("EXITED 0");
  }
}

TEST_F(TuiTmux, TrainsInTheBackgroundWhileAQuestionIsAnswered) {
  AppSession app("--model " + testing::stories_dir() + " --max-new-tokens 60");
  app.wait_for(kLoaded);
  testing::write_file(
      app.file("chat.jsonl"),
      R"({"messages": [{"role": "user", "content": "Who has a red ball?"}, {"role": "assistant", "content": "Tom has a red ball."}]}
{"messages": [{"role": "user", "content": "Where is the dog?"}, {"role": "assistant", "content": "The dog is in the park."}]}
)");
  testing::write_file(app.file("lora.toml"),
                      "[model]\npath = \"" + testing::stories_dir() +
                          "\"\n[data]\ntrain = \"chat.jsonl\"\n"
                          "max_len = 64\n[lora]\nrank = 4\nalpha = 8\n[optim]\nlr = 5e-3\n"
                          "warmup_steps = 2\n[run]\nname = \"tmux-lora\"\noutput_dir = \"out\"\n"
                          "batch_size = 2\nsteps = 400\nlog_every = 1\n");
  app.type("/train start " + app.file("lora.toml"));
  app.keys("Enter");
  std::string screen = app.wait_for("tmux-lora  running");
  app.type("Once upon a time");
  app.keys("Enter");
  screen = app.wait_for("tok/s | training");  // an answer finished while the run goes
  EXPECT_TRUE(has(screen, "loss ")) << screen;
  screen = app.wait_for("tmux-lora  finished", std::chrono::seconds(300));
  EXPECT_TRUE(has(screen, "step 400/400")) << screen;
  EXPECT_TRUE(has(screen, "recent runs:")) << screen;
  app.wait_for("finished; adapter in");  // and how to try it

  // The adapter goes on without reloading the base, and comes off again.
  app.type("/adapter " + app.file("out/adapter"));
  app.keys("Enter");
  screen = app.wait_for("stories260k | adapter: out/adapter | cpu f32");
  app.type("/adapter off");
  app.keys("Enter");
  app.wait_for("adapter removed");
  app.wait_for(kLoaded);
}

TEST_F(TuiTmux, WatchesARunStartedByAnotherProcess) {
  AppSession app("--model " + testing::stories_dir());
  app.wait_for(kLoaded);
  testing::write_file(
      app.file("chat.jsonl"),
      R"({"messages": [{"role": "user", "content": "Who is happy?"}, {"role": "assistant", "content": "Ben is happy."}]}
)");
  testing::write_file(
      app.file("watch.toml"),
      "[model]\npath = \"" + testing::stories_dir() +
          "\"\n[data]\ntrain = \"chat.jsonl\"\n"
          "max_len = 128\n[lora]\nrank = 2\nalpha = 4\n[run]\nname = \"elsewhere\"\n"
          "output_dir = \"watched\"\nbatch_size = 1\nsteps = 12\nlog_every = 1\n");
  // `tunedeck train` in its own process, writing the same run log (the default one).
  const std::string train = "env XDG_DATA_HOME=" + app.file("data") + " HOME=" + app.file("") +
                            " " + testing::bin_dir() + "/tunedeck train " + app.file("watch.toml") +
                            " > " + app.file("train.out") + " 2>&1";
  const int status = std::system(train.c_str());
  ASSERT_EQ(status, 0) << testing::read_file(app.file("train.out"));
  app.type("/train watch 1");
  app.keys("Enter");
  std::string screen = app.wait_for("#1 elsewhere  finished");
  EXPECT_TRUE(has(screen, "step 12/12  loss ")) << screen;
  EXPECT_FALSE(has(screen, "(here)")) << screen;
  app.type("/train watch 7");
  app.keys("Enter");
  app.wait_for("no run 7 in the run log");
}

TEST_F(TuiTmux, ACrashRestoresTheTerminal) {
  AppSession app("--model " + testing::stories_dir());
  app.wait_for(kLoaded);
  const std::string shell_pid = shell("tmux -L " + app.socket() + " display -p '#{pane_pid}'");
  const std::string children =
      testing::read_file("/proc/" + std::to_string(std::stoi(shell_pid)) + "/task/" +
                         std::to_string(std::stoi(shell_pid)) + "/children");
  const int app_pid = std::stoi(children);
  ASSERT_EQ(kill(app_pid, SIGSEGV), 0);
  const std::string screen = app.wait_for("EXITED 139");
  EXPECT_TRUE(has(screen, "tunedeck: crashed; the terminal was restored")) << screen;
  EXPECT_FALSE(has(screen, "Tool trace")) << screen;
}

}  // namespace
}  // namespace tunedeck
