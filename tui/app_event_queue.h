// The queue from the app's workers to its UI thread: a mutex-protected deque plus a self-pipe, so
// the UI thread's poll() wakes the moment an event arrives. Workers push and never wait on the
// UI (the lock is held only to move an event in or out; a full pipe is fine: one byte already
// says "look"). Not for commands to workers (each worker has its own job queue).
// Thread rules: push from any thread; drain() and wake_fd() from the UI thread.
#pragma once
#include <deque>
#include <mutex>
#include <vector>

#include "tui/app_events.h"

namespace tunedeck {

class AppEventQueue {
 public:
  AppEventQueue();  // throws std::system_error when the pipe cannot be made
  ~AppEventQueue();
  AppEventQueue(const AppEventQueue&) = delete;
  AppEventQueue& operator=(const AppEventQueue&) = delete;

  void push(AppEvent event);
  // Every event queued so far, oldest first; empties the pipe too.
  std::vector<AppEvent> drain();
  // Readable when events are waiting: give it to poll().
  int wake_fd() const { return pipe_[0]; }

 private:
  std::mutex mutex_;
  std::deque<AppEvent> events_;
  int pipe_[2] = {-1, -1};
};

}  // namespace tunedeck
