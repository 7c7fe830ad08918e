#include "tui/app_event_queue.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace tunedeck {

AppEventQueue::AppEventQueue() {
  if (pipe2(pipe_, O_NONBLOCK | O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "app event queue: pipe2");
}

AppEventQueue::~AppEventQueue() {
  close(pipe_[0]);
  close(pipe_[1]);
}

void AppEventQueue::push(AppEvent event) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    was_empty = events_.empty();
    events_.push_back(std::move(event));
  }
  if (was_empty) {
    const char byte = 1;
    // Non-blocking: when the pipe is full the UI has not drained yet and will see this event.
    [[maybe_unused]] const ssize_t written = write(pipe_[1], &byte, 1);
  }
}

std::vector<AppEvent> AppEventQueue::drain() {
  char bytes[256];
  while (read(pipe_[0], bytes, sizeof bytes) > 0) {
  }
  std::vector<AppEvent> drained;
  std::lock_guard<std::mutex> lock(mutex_);
  drained.reserve(events_.size());
  for (AppEvent& event : events_) drained.push_back(std::move(event));
  events_.clear();
  return drained;
}

}  // namespace tunedeck
