// Writes a file so that readers see either the old content or the complete new one, never a part:
// write to "<path>.tmp-<pid>", fsync, rename over <path>, fsync the folder. A failure (disk full,
// permission) throws with the path and errno text and leaves the old file untouched.
#pragma once
#include <functional>
#include <string>

namespace tunedeck {

// `write` receives an open file descriptor; it must write everything or throw.
void atomic_file_write(const std::string& path, const std::function<void(int fd)>& write);
void atomic_file_write_string(const std::string& path, const std::string& content);
// Writes all of [data, data+size) to fd; throws naming `path` on short write or error.
void write_all(int fd, const void* data, size_t size, const std::string& path);
// Test hook: when set, write_all fails with ENOSPC after this many bytes in total (-1 = off).
void atomic_file_inject_failure_after(long long bytes);

}  // namespace tunedeck
