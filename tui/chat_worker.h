// The app's generation thread: runs the ChatSession (questions through the agent loop, slash
// commands, /model and /adapter) one job at a time and posts what happens as AppEvents. The UI
// thread queues jobs and never waits for one; Esc cancels the running answer.
// Not the session itself (session/chat_session.h) and not drawing. Thread rules: every public
// method may be called from any thread; the engine lives and dies on the worker thread.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/stats/memory_accounting.h"
#include "session/app_config.h"
#include "tui/app_event_queue.h"

namespace tunedeck {

class LlamaModel;   // core/llama_model.h
class ChatSession;  // session/chat_session.h

// The model the chat holds, for a training job that may share its weights.
struct LoadedModel {
  std::shared_ptr<const LlamaModel> model;  // nullptr: none
  std::string path, device, dtype;
};

class ChatWorker {
 public:
  // `events` and `accounting` must outlive the worker. `extra_help` is appended to /help.
  ChatWorker(AppConfig config, std::string session_name, std::string extra_help,
             AppEventQueue& events, MemoryAccounting& accounting);
  ~ChatWorker();  // cancels the running answer, drops queued jobs, joins
  ChatWorker(const ChatWorker&) = delete;
  ChatWorker& operator=(const ChatWorker&) = delete;

  // Starts the thread: it opens the engine, then loads the configured model and adapter.
  void start();

  void ask(const std::string& question);  // a turn of the agent loop
  void command(const std::string& line);  // a ChatCommands line (/tools, /set, ...)
  void load_model(const std::string& path);
  void set_adapter(const std::string& path);  // "" = off
  // Stops the answer being written and drops questions queued behind it.
  void cancel();
  // CPU threads torch may use for the next jobs (the split with a training job).
  void set_threads(int threads) { threads_ = threads; }

  LoadedModel loaded_model() const;
  bool busy() const { return busy_; }  // a job is running or queued

 private:
  enum class JobKind { kAsk, kCommand, kLoadModel, kSetAdapter, kStartUp };
  struct Job {
    JobKind kind;
    std::string text;
  };
  void queue(JobKind kind, const std::string& text);
  void run();  // the thread's body
  void run_job(ChatSession& session, const Job& job);
  void ask_on_thread(ChatSession& session, const std::string& question);
  void load_on_thread(ChatSession& session, const std::string& path);
  void publish_model(ChatSession& session);        // status bar and loaded_
  void report_memory(const ChatSession& session);  // model, KV cache and adapter bytes
  void post_notice(const std::string& text, bool ok);
  void post_busy(const std::string& text);

  AppConfig config_;
  std::string session_name_;
  std::string extra_help_;
  AppEventQueue& events_;
  MemoryAccounting& accounting_;
  std::atomic<int> threads_{0};

  mutable std::mutex mutex_;  // jobs_, stop_, loaded_; held only to move a job or a pointer
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  LoadedModel loaded_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> busy_{false};
  std::thread thread_;
};

}  // namespace tunedeck
