#include "tui/chat_worker.h"

#include <filesystem>
#include <thread>

#include "core/generator.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/runtime.h"
#include "core/stats/proc_stats.h"
#include "core/stats/torch_memory.h"
#include "session/app_config.h"
#include "session/chat_session.h"
#include "train/train_config.h"

namespace tunedeck {
namespace {

// The first shipped training config made for the model in `model_dir` (etc/train/*.toml whose
// [model] path is that folder), as the user would type it; "" when none.
std::string train_example_for(const std::string& model_dir) {
  namespace fs = std::filesystem;
  try {
    const std::vector<std::string> configs =
        train_configs_for_model(app_config_etc_dir() + "/train", model_dir);
    if (configs.empty()) return "";
    std::error_code ec;
    const fs::path relative = fs::relative(configs.front(), fs::current_path(), ec);
    return !ec && !relative.empty() && relative.string().rfind("..", 0) != 0 ? relative.string()
                                                                             : configs.front();
  } catch (const std::exception&) {
    return "";  // no etc/ folder: nothing to suggest
  }
}

}  // namespace

ChatWorker::ChatWorker(AppConfig config, std::string session_name, std::string extra_help,
                       AppEventQueue& events, MemoryAccounting& accounting)
    : config_(std::move(config)),
      session_name_(std::move(session_name)),
      extra_help_(std::move(extra_help)),
      events_(events),
      accounting_(accounting) {}

ChatWorker::~ChatWorker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
    jobs_.clear();
    cancel_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChatWorker::start() {
  queue(JobKind::kStartUp, "");
  thread_ = std::thread([this] {
    proc_stats_name_this_thread("td-chat");
    run();
  });
}

void ChatWorker::ask(const std::string& question) { queue(JobKind::kAsk, question); }
void ChatWorker::command(const std::string& line) { queue(JobKind::kCommand, line); }
void ChatWorker::load_model(const std::string& path) { queue(JobKind::kLoadModel, path); }
void ChatWorker::set_adapter(const std::string& path) { queue(JobKind::kSetAdapter, path); }

void ChatWorker::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = jobs_.begin(); it != jobs_.end();)
    it = it->kind == JobKind::kAsk ? jobs_.erase(it) : it + 1;
  cancel_ = true;
}

LoadedModel ChatWorker::loaded_model() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return loaded_;
}

void ChatWorker::queue(JobKind kind, const std::string& text) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(Job{kind, text});
    busy_ = true;
  }
  wake_.notify_one();
}

void ChatWorker::post_notice(const std::string& text, bool ok) {
  AppEvent event;
  event.kind = AppEventKind::kNotice;
  event.text = text;
  event.ok = ok;
  events_.push(std::move(event));
}

void ChatWorker::post_busy(const std::string& text) {
  AppEvent event;
  event.kind = AppEventKind::kBusy;
  event.text = text;
  events_.push(std::move(event));
}

// The thread: the session is made here (its database connection belongs to this thread), then
// jobs run in order until the worker is destroyed. Exceptions end at each job: they become
// notices (an exception leaving a thread would end the program).
void ChatWorker::run() {
  std::unique_ptr<ChatSession> session;
  try {
    runtime_init(threads_);
    session = std::make_unique<ChatSession>(config_, session_name_);
  } catch (const std::exception& e) {
    post_notice(std::string("the chat cannot start: ") + e.what(), false);
    post_busy("");
    busy_ = false;
    return;
  }
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      busy_ = !jobs_.empty();
      wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) break;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      busy_ = true;
      cancel_ = false;
    }
    runtime_init(threads_);  // this thread's share of the cores (see App: the thread split)
    try {
      run_job(*session, job);
    } catch (const std::exception& e) {
      post_busy("");
      post_notice(std::string("error: ") + e.what(), false);
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  loaded_ = LoadedModel{};
}

void ChatWorker::run_job(ChatSession& session, const Job& job) {
  switch (job.kind) {
    case JobKind::kStartUp:
      publish_model(session);
      if (!config_.model.path.empty()) {
        load_on_thread(session, config_.model.path);
        if (!config_.model.adapter.empty() && session.has_model()) {
          const std::string warning = session.set_adapter(config_.model.adapter);
          if (!warning.empty()) post_notice("warning: " + warning, false);
          report_memory(session);
          publish_model(session);
        }
      }
      break;
    case JobKind::kAsk:
      ask_on_thread(session, job.text);
      break;
    case JobKind::kCommand: {
      ChatCommandOutput output = session.commands().run(job.text);
      if (output.ok && job.text.rfind("/help", 0) == 0) output.text += extra_help_;
      if (!output.text.empty()) post_notice(output.text, output.ok);
      break;
    }
    case JobKind::kLoadModel:
      load_on_thread(session, job.text);
      break;
    case JobKind::kSetAdapter: {
      const std::string warning = session.set_adapter(job.text);
      report_memory(session);
      post_notice(job.text.empty() ? "adapter removed: the base model answers"
                                   : "adapter " + job.text + " applied (base weights kept)",
                  true);
      if (!warning.empty()) post_notice("warning: " + warning, false);
      publish_model(session);
      break;
    }
  }
}

void ChatWorker::load_on_thread(ChatSession& session, const std::string& path) {
  post_busy("loading " + path);
  try {
    session.load_model(path);
  } catch (const std::exception& e) {
    post_busy("");
    post_notice("cannot load model " + path + ": " + e.what(), false);
    return;
  }
  post_busy("");
  post_notice("model " + path + " loaded (template " + session.chat_template().name() + ")", true);
  if (!session.sampling_note().empty()) post_notice(session.sampling_note(), true);
  report_memory(session);
  publish_model(session);
  release_freed_memory();  // the previous model's own copies of its weights, if nothing holds it
}

void ChatWorker::publish_model(ChatSession& session) {
  AppEvent event;
  event.kind = AppEventKind::kModelChanged;
  event.model.loaded = session.has_model();
  event.model.path = session.model_path();
  event.model.name = session.model_name();
  event.model.context_length = session.context_length();
  if (session.has_model()) event.model.train_example = train_example_for(session.model_path());
  event.model.adapter = session.adapter_path();
  event.model.device = session.config().model.device;
  event.model.dtype = session.config().model.dtype;
  event.model.template_name = session.chat_template().name();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loaded_ = LoadedModel{session.model(), event.model.path, event.model.device, event.model.dtype};
  }
  events_.push(std::move(event));
}

void ChatWorker::ask_on_thread(ChatSession& session, const std::string& question) {
  if (!session.has_model()) {
    // Not through the loop: the question would be stored without an answer.
    post_notice(no_model_hint(), false);
    return;
  }
  AppEvent started;
  started.kind = AppEventKind::kTurnStarted;
  started.text = question;
  started.tool_call_syntax = session.chat_template().tool_call_syntax();
  events_.push(std::move(started));

  const AgentTurnResult turn = session.loop().run_turn(
      question,
      [this](const AgentEvent& agent_event) {
        AppEvent event;
        event.kind = AppEventKind::kAgent;
        event.agent = agent_event;
        events_.push(std::move(event));
      },
      &cancel_);
  session.commands().remember_turn(turn);
  report_memory(session);

  AppEvent finished;
  finished.kind = AppEventKind::kTurnFinished;
  if (turn.generate_ms > 0)
    finished.tokens_per_s = turn.completion_tokens / (turn.generate_ms / 1000.0);
  events_.push(std::move(finished));
}

void ChatWorker::report_memory(const ChatSession& session) {
  if (!session.has_model()) return;
  memory_account_model(accounting_, *session.model());
  memory_account_kv_cache(accounting_, "chat", session.kv_cache_bytes());
  const auto adapter = session.adapter();
  if (adapter)
    memory_account_lora(accounting_, "chat adapter", *adapter);
  else
    accounting_.remove(MemoryCategory::kLora, "chat adapter");
}

}  // namespace tunedeck
