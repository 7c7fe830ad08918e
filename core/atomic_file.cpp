#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace tunedeck {
namespace {

std::atomic<long long> g_fail_after_bytes{-1};  // test hook only; -1 = off

std::runtime_error io_error(const std::string& what, const std::string& path, int err) {
  return std::runtime_error(what + " " + path + ": " + std::strerror(err));
}

void fsync_parent_dir(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // best effort: the rename itself already happened
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void atomic_file_inject_failure_after(long long bytes) { g_fail_after_bytes = bytes; }

void write_all(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    size_t chunk = size;
    long long budget = g_fail_after_bytes.load();
    if (budget >= 0) {
      if (budget == 0) throw io_error("cannot write", path, ENOSPC);
      chunk = std::min<size_t>(chunk, static_cast<size_t>(budget));
      g_fail_after_bytes = budget - static_cast<long long>(chunk);
    }
    ssize_t n = ::write(fd, p, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw io_error("cannot write", path, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void atomic_file_write(const std::string& path, const std::function<void(int fd)>& write) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error("cannot create", tmp, errno);
  try {
    write(fd);
    if (::fsync(fd) != 0) throw io_error("cannot fsync", tmp, errno);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw io_error("cannot close", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw io_error("cannot rename into", path, err);
  }
  fsync_parent_dir(path);
}

void atomic_file_write_string(const std::string& path, const std::string& content) {
  atomic_file_write(path, [&](int fd) { write_all(fd, content.data(), content.size(), path); });
}

}  // namespace tunedeck
