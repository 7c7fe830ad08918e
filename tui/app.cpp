#include "tui/app.h"

#include <curses.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>

#include "core/kernels/cpu_block_cache.h"
#include "core/model_catalog.h"
#include "core/paths.h"
#include "core/stats/memory_accounting.h"
#include "core/stats/stats_sampler.h"
#include "core/stats/torch_memory.h"
#include "session/chat_session.h"
#include "train/run_log.h"
#include "train/train_config.h"
#include "tui/app_commands.h"
#include "tui/app_event_queue.h"
#include "tui/app_monitor.h"
#include "tui/app_screen.h"
#include "tui/app_state.h"
#include "tui/chat_worker.h"
#include "tui/input_line.h"
#include "tui/train_worker.h"

namespace tunedeck {
namespace {

constexpr int kIdleWakeMs = 1000;  // poll's longest sleep with nothing to draw
constexpr int kCtrlC = 3, kCtrlD = 4, kEsc = 27, kTab = '\t';

// Workers are started with the UI's signals blocked, so SIGWINCH (resize) and SIGINT always
// reach the UI thread (its poll() wakes with EINTR) and never a worker.
class WorkerSignalMask {
 public:
  WorkerSignalMask() {
    sigset_t blocked;
    sigemptyset(&blocked);
    for (int s : {SIGWINCH, SIGINT, SIGTERM, SIGHUP}) sigaddset(&blocked, s);
    pthread_sigmask(SIG_BLOCK, &blocked, &previous_);
  }
  ~WorkerSignalMask() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

 private:
  sigset_t previous_;
};

std::vector<std::string> tool_names_of(const AppConfig& config) {
  ToolRegistry tools;
  register_session_tools(tools, config);
  return tools.names();
}

// The bytes readline expects for a key ncurses decoded (ANSI sequences for the editing keys).
std::string readline_bytes(int key) {
  switch (key) {
    case KEY_UP:
      return "\033[A";
    case KEY_DOWN:
      return "\033[B";
    case KEY_RIGHT:
      return "\033[C";
    case KEY_LEFT:
      return "\033[D";
    case KEY_HOME:
      return "\033[H";
    case KEY_END:
      return "\033[F";
    case KEY_DC:
      return "\033[3~";
    case KEY_BACKSPACE:
      return "\x7f";
    case KEY_ENTER:
      return "\r";
    default:
      break;
  }
  if (key >= 0 && key < 256) return std::string(1, static_cast<char>(key));
  return "";  // other function keys mean nothing to the line
}

bool same_folder(const std::string& a, const std::string& b) {
  std::error_code error;
  return !a.empty() && !b.empty() && std::filesystem::equivalent(a, b, error);
}

class App {
 public:
  explicit App(const SessionFlags& flags);
  int run();

 private:
  void start_workers();
  void welcome();
  void handle_events();
  void handle_key(int key);
  bool handle_pane_key(int key);
  void scroll_by(Pane pane, int lines);
  void scroll_to_end(Pane pane, bool top);
  void move_focus(int step);
  void toggle_zoom();
  void cancel_or_clear();
  void handle_line(const std::string& line);
  void handle_app_command(const AppCommand& command);
  void start_training(const std::string& path);
  void show_models();
  std::string fresh_session_name() const;
  const std::vector<std::string>& model_names();
  void after_training_event();
  int cores() const;

  AppConfig config_;
  std::string session_name_;
  std::vector<std::string> tool_names_;
  std::optional<std::vector<std::string>> model_names_;  // the catalog's, read at the first Tab
  // Declared in the order they must outlive each other: the queue outlives every worker.
  AppEventQueue events_;
  MemoryAccounting accounting_;
  std::unique_ptr<StatsSampler> sampler_;
  std::unique_ptr<ChatWorker> chat_;
  std::unique_ptr<TrainWorker> train_;
  std::unique_ptr<AppMonitor> monitor_;
  AppState state_;
  std::unique_ptr<AppScreen> screen_;
  std::unique_ptr<InputLine> input_;
  int64_t watched_run_ = 0;
  bool training_split_ = false;  // the cores are split with a training run
  bool quit_ = false;
};

App::App(const SessionFlags& flags)
    : config_(session_config(flags)),
      session_name_(flags.session.value_or("default")),
      tool_names_(tool_names_of(config_)) {}

int App::cores() const {
  if (config_.model.threads > 0) return config_.model.threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void App::start_workers() {
  WorkerSignalMask mask;
  StatsSamplerOptions stats;
  stats.interval = std::chrono::milliseconds(
      std::max<long long>(100, static_cast<long long>(config_.stats.interval_s * 1000)));
  stats.nvml_library = config_.stats.nvml_library;
  sampler_ = std::make_unique<StatsSampler>(accounting_, stats);
  sampler_->set_allocator_provider(cuda_allocator_stats);  // available = false in CPU builds
  sampler_->set_cpu_cache_provider(
      cpu_block_cache_stats);  // installed by the workers' runtime_init
  sampler_->start();
  chat_ = std::make_unique<ChatWorker>(config_, session_name_, app_command_help(), events_,
                                       accounting_);
  chat_->set_threads(cores());
  chat_->start();
  train_ = std::make_unique<TrainWorker>(events_, accounting_);
  monitor_ = std::make_unique<AppMonitor>(*sampler_, app_config_db_path(config_), events_);
  monitor_->start();
}

void App::welcome() {
  state_.add_notice(
      "tunedeck: type a question and press Enter, or /help for commands. Tab/F2 "
      "moves between panes, F5 zooms one, F10 quits.");
  if (config_.model.path.empty()) {
    const std::string user_file = app_config_user_file();
    state_.add_notice(
        "No model yet. Load one with /model PATH (a Hugging Face model folder, e.g. /model "
        "../shared/models/stories260k) or /model ORG/NAME (/models lists the local ones), or set "
        "[model] path in " +
        (user_file.empty() ? std::string("~/.config/tunedeck/config.toml") : user_file) +
        " to load it at start.");
  } else {
    state_.add_notice("loading model " + config_.model.path + " ...");
  }
}

int App::run() {
  screen_ = std::make_unique<AppScreen>(app_log_path());
  input_ = std::make_unique<InputLine>(
      "> ", line_history_path(), [this](const std::string& before, const std::string& word) {
        return app_command_complete(before, word, tool_names_, model_names());
      });
  start_workers();
  welcome();
  screen_->relayout(state_, *input_);
  screen_->draw(state_, *input_);

  while (!quit_) {
    const int timeout = state_.any_dirty() ? screen_->ms_until_frame() : kIdleWakeMs;
    pollfd fds[2] = {{0, POLLIN, 0}, {events_.wake_fd(), POLLIN, 0}};
    poll(fds, 2, timeout);  // EINTR (a resize, a signal) just goes round
    handle_events();
    for (int key = screen_->read_key(); key != -1 && !quit_; key = screen_->read_key())
      handle_key(key);
    for (const InputSubmission& line : input_->take_submissions()) {
      if (line.eof)
        quit_ = true;
      else
        handle_line(line.text);
    }
    const std::string candidates = input_->take_completion_list();
    if (!candidates.empty()) {
      state_.status.message = candidates;
      state_.status_dirty = true;
    }
    if (screen_->take_interrupt()) cancel_or_clear();
    if (screen_->terminate_requested()) quit_ = true;
    screen_->draw(state_, *input_);
  }
  // The terminal first, then the workers (a model load or a training step may take a while).
  input_.reset();
  screen_.reset();
  return 0;
}

void App::handle_events() {
  std::vector<AppEvent> events = events_.drain();
  if (events.empty()) return;
  state_.fold(std::move(events));
  after_training_event();
}

// The in-process run's id appears with its first logged progress: follow it in the run log
// (chart from the logged rows too); when it ends the chat gets every core back.
void App::after_training_event() {
  const TrainingView& view = state_.training;
  if (view.in_process && view.run_id > 0 && view.run_id != watched_run_) {
    watched_run_ = view.run_id;
    monitor_->watch(watched_run_);
  }
  if (training_split_ && !train_->running()) {
    training_split_ = false;
    chat_->set_threads(cores());
  }
}

void App::handle_key(int key) {
  if (!state_.status.message.empty()) {
    state_.status.message.clear();
    state_.status_dirty = true;
  }
  if (key == KEY_RESIZE) {
    screen_->relayout(state_, *input_);
    return;
  }
  if (key == KEY_F(10)) {
    quit_ = true;
    return;
  }
  if (key == KEY_F(2) || (key == kTab && (state_.focus || input_->empty()))) {
    move_focus(1);
    return;
  }
  if (key == KEY_BTAB) {
    move_focus(-1);
    return;
  }
  if (key == KEY_F(5)) {
    toggle_zoom();
    return;
  }
  if (key == kCtrlC) {
    cancel_or_clear();
    return;
  }
  if (key == kEsc) {
    const int next = screen_->read_key();
    if (next == -1) {  // a lone Esc: stop the answer, or leave the pane for the input line
      if (state_.status.generating)
        cancel_or_clear();
      else if (state_.focus)
        move_focus(0);
      return;
    }
    if (state_.focus) move_focus(0);
    input_->feed("\033" + readline_bytes(next));  // Alt+key: readline's Meta bindings
    return;
  }
  if (key == KEY_PPAGE || key == KEY_NPAGE) {
    const Pane pane = state_.focus.value_or(Pane::kConversation);
    const int page = std::max(1, screen_->last_draw(pane).view_lines - 1);
    if (pane == Pane::kTrace)
      handle_pane_key(key);
    else
      scroll_by(pane, key == KEY_PPAGE ? page : -page);
    return;
  }
  if (state_.focus && handle_pane_key(key)) return;
  if (state_.focus) move_focus(0);  // typing goes back to the input line
  if (key == kCtrlD && input_->empty()) {
    quit_ = true;
    return;
  }
  const std::string bytes = readline_bytes(key);
  if (!bytes.empty()) input_->feed(bytes);
}

// Keys of the focused pane; false when the key is not for the pane.
bool App::handle_pane_key(int key) {
  const Pane pane = *state_.focus;
  if (pane == Pane::kTrace) {
    const int count = static_cast<int>(state_.trace.size());
    if (count == 0) return key == KEY_UP || key == KEY_DOWN || key == KEY_HOME || key == KEY_END;
    int& selected = state_.trace_selected;
    const int current = selected >= 0 ? selected : count - 1;
    const int page = std::max(1, screen_->last_draw(pane).view_lines / 3);
    int next = current;
    switch (key) {
      case KEY_UP:
        next = current - 1;
        break;
      case KEY_DOWN:
        next = current + 1;
        break;
      case KEY_PPAGE:
        next = current - page;
        break;
      case KEY_NPAGE:
        next = current + page;
        break;
      case KEY_HOME:
        next = 0;
        break;
      case KEY_END:
        next = count;
        break;
      case '\r':
      case '\n':
      case KEY_ENTER:
        state_.trace[current].expanded = !state_.trace[current].expanded;
        state_.dirty[static_cast<int>(pane)] = true;
        return true;
      default:
        return false;
    }
    selected = next >= count ? -1 : std::max(0, next);
    state_.dirty[static_cast<int>(pane)] = true;
    return true;
  }
  // Conversation counts lines up from the newest; GPU and training lines down from the top.
  const int toward_older = pane == Pane::kConversation ? 1 : -1;
  switch (key) {
    case KEY_UP:
      scroll_by(pane, toward_older);
      return true;
    case KEY_DOWN:
      scroll_by(pane, -toward_older);
      return true;
    case KEY_HOME:
      scroll_to_end(pane, true);
      return true;
    case KEY_END:
      scroll_to_end(pane, false);
      return true;
    default:
      return false;
  }
}

void App::scroll_by(Pane pane, int lines) {
  const PaneDrawResult& drawn = screen_->last_draw(pane);
  int& scroll = state_.scroll[static_cast<int>(pane)];
  scroll = std::max(0, scroll + lines);
  const int limit = std::max(0, drawn.content_lines - drawn.view_lines);
  if (!drawn.more || pane != Pane::kConversation) scroll = std::min(scroll, limit);
  state_.dirty[static_cast<int>(pane)] = true;
}

void App::scroll_to_end(Pane pane, bool top) {
  int& scroll = state_.scroll[static_cast<int>(pane)];
  const bool from_bottom = pane == Pane::kConversation || pane == Pane::kTrace;
  // The conversation lays out only what it shows: a large offset, clamped after the next draw.
  if (top == from_bottom)
    scroll = 1 << 20;
  else
    scroll = 0;
  state_.dirty[static_cast<int>(pane)] = true;
}

// step 1: the next of input, trace, conversation, GPU, training (the trace first: it is what
// people Tab to, README's walkthrough); -1: the previous; 0: input. A zoom follows the focus
// from pane to pane and stays where it is while the input has the focus.
void App::move_focus(int step) {
  static const std::optional<Pane> kOrder[] = {std::nullopt, Pane::kTrace, Pane::kConversation,
                                               Pane::kGpu, Pane::kTraining};
  const int slots = kPaneCount + 1;
  int slot = 0;
  while (slot < slots && kOrder[slot] != state_.focus) slot++;
  slot = step == 0 ? 0 : (slot % slots + step + slots) % slots;
  state_.focus = kOrder[slot];
  if (state_.zoomed && state_.focus && state_.zoomed != state_.focus) {
    state_.zoomed = state_.focus;
    screen_->relayout(state_, *input_);
  }
  state_.mark_all_dirty();  // the titles show the focus
}

void App::toggle_zoom() {
  state_.zoomed = state_.zoomed ? std::nullopt
                                : std::optional<Pane>(state_.focus.value_or(Pane::kConversation));
  screen_->relayout(state_, *input_);
  state_.status.message = state_.zoomed ? "zoomed: F5 returns to all panes" : "";
}

// Esc / Ctrl-C: stop the answer being written (and drop questions queued behind it); with no
// answer going, Ctrl-C drops the line being typed.
void App::cancel_or_clear() {
  if (state_.status.generating) {
    chat_->cancel();
    state_.status.message = "cancelling the answer...";
    state_.status_dirty = true;
  } else {
    if (chat_->busy()) chat_->cancel();  // a question queued behind a model load
    input_->clear();
  }
}

void App::handle_line(const std::string& line) {
  if (line.find_first_not_of(" \t") == std::string::npos) return;
  state_.add_user_line(line);
  state_.scroll[static_cast<int>(Pane::kConversation)] = 0;
  const bool is_command = line.find_first_not_of(" \t") == line.find('/');
  if (!is_command) {
    if (state_.status.generating) state_.add_notice("queued: the answer before it comes first");
    chat_->ask(line);
    return;
  }
  const AppCommand command = app_command_parse(line);
  // Another session on screen starts with empty panes (its history is what the model sees).
  if (line.rfind("/session new ", 0) == 0 || line.rfind("/session open ", 0) == 0)
    state_.clear_conversation();
  if (command.kind == AppCommandKind::kNone)
    chat_->command(line);
  else
    handle_app_command(command);
}

void App::handle_app_command(const AppCommand& command) {
  switch (command.kind) {
    case AppCommandKind::kNone:
      break;
    case AppCommandKind::kQuit:
      quit_ = true;
      break;
    case AppCommandKind::kUsageError:
      state_.add_notice(command.argument, true);
      break;
    case AppCommandKind::kModel:
      if (command.argument.empty()) {
        const ModelStatus& model = state_.status.model;
        state_.add_notice(model.loaded ? "model " + model.path + " (" + model.device + " " +
                                             model.dtype + ", template " + model.template_name + ")"
                                       : no_model_hint());
      } else {
        chat_->load_model(command.argument);
      }
      break;
    case AppCommandKind::kModels:
      show_models();
      break;
    case AppCommandKind::kClear:
      state_.clear_conversation();
      chat_->command("/session new " + fresh_session_name());
      break;
    case AppCommandKind::kAdapter:
      if (command.argument.empty()) {
        const std::string& adapter = state_.status.model.adapter;
        state_.add_notice(adapter.empty() ? "no adapter (/adapter PATH puts one on)"
                                          : "adapter " + adapter);
      } else {
        chat_->set_adapter(command.argument == "off" ? "" : command.argument);
      }
      break;
    case AppCommandKind::kTrainStart:
      start_training(command.argument);
      break;
    case AppCommandKind::kTrainStop:
      if (train_->running()) {
        train_->stop();
        state_.add_notice("stopping the training run after its current step");
      } else {
        state_.add_notice("no training run in this app (/train start CONFIG.toml starts one)");
      }
      break;
    case AppCommandKind::kTrainWatch:
      state_.follow_in_process_training = false;
      watched_run_ = command.run_id;
      monitor_->watch(command.run_id);  // it says "following run N" or "no run N"
      break;
    case AppCommandKind::kTrainStatus: {
      const TrainingView& view = state_.training;
      state_.add_notice(view.shown ? "run " + std::to_string(view.run_id) + " " + view.name + ": " +
                                         view.status + ", step " + std::to_string(view.step) + "/" +
                                         std::to_string(view.total_steps)
                                   : "no run shown (/train start CONFIG.toml, /train watch ID)");
      break;
    }
  }
}

// "chat-20261207-223012": a session name no one has yet, for /clear.
std::string App::fresh_session_name() const {
  const std::time_t now = std::time(nullptr);
  char name[40];
  std::strftime(name, sizeof name, "chat-%Y%m%d-%H%M%S", std::localtime(&now));
  return name;
}

// /models: the catalog as a table in the conversation (it reads file headers only: quick), and
// its names for /model's completion.
void App::show_models() {
  const ModelSearch search = model_search_default(config_.model.models_dir);
  const std::vector<LocalModel> models = model_catalog_scan(search);
  model_names_.emplace();
  for (const LocalModel& m : models) model_names_->push_back(m.name);
  state_.add_notice(model_catalog_table(models, search) + "/model NAME loads one.");
}

const std::vector<std::string>& App::model_names() {
  if (!model_names_) {
    model_names_.emplace();
    for (const LocalModel& m : model_catalog_find(model_search_default(config_.model.models_dir)))
      model_names_->push_back(m.name);
  }
  return *model_names_;
}

// Reads the config here (a mistake shows at once), decides whether the chat's model can be the
// frozen base, splits the cores, and starts the run on the training thread.
//
// The thread split: at::set_num_threads() in libtorch 1.13 sets the calling thread's OpenMP
// thread count (and the default for threads that have not run torch work yet), so each worker
// sets its own share on its own thread (runtime_init at the start of each job). Two torch
// threads with all cores each ran 2.3x slower than one after the other on a 2-core box
// (PLATFORM.md); with the cores split, neither loses. While a run goes, training gets half the
// cores and the chat the rest; afterwards the chat gets them all back.
void App::start_training(const std::string& path) {
  if (train_->running()) {
    state_.add_notice("a training run is going: /train stop ends it first", true);
    return;
  }
  TrainConfig config;
  try {
    config = train_config_load(path);
  } catch (const std::exception& e) {
    state_.add_notice(std::string("cannot start training: ") + e.what(), true);
    return;
  }
  const LoadedModel loaded = chat_->loaded_model();
  const bool share = loaded.model && config.method == "lora" && config.init == "pretrained" &&
                     same_folder(config.model_path, loaded.path) &&
                     config.device == loaded.device && config.dtype == loaded.dtype;
  const int train_threads = std::max(1, cores() / 2);
  chat_->set_threads(std::max(1, cores() - train_threads));
  training_split_ = true;
  if (config.db.empty()) config.db = app_config_db_path(config_);  // the log the app watches
  monitor_->set_run_log(config.db);
  state_.follow_in_process_training = true;
  const std::string name = config.name;
  {
    WorkerSignalMask mask;
    train_->start(std::move(config), share ? loaded.model : nullptr, train_threads);
  }
  state_.add_notice("training " + name + " in the background (" + std::to_string(train_threads) +
                    (train_threads == 1 ? " thread" : " threads") +
                    (share ? ", on the chat's base weights" : ", its own copy of the base model") +
                    "); /train stop ends it");
}

}  // namespace

int run_app(const SessionFlags& flags) {
  App app(flags);
  return app.run();
}

}  // namespace tunedeck
