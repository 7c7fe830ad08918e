#include "core/stats/page_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace tunedeck {

bool page_cache_drop(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
  close(fd);
  return ok;
}

std::optional<double> page_cache_resident_share(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    close(fd);
    return std::nullopt;
  }
  if (st.st_size == 0) {
    close(fd);
    return 1.0;
  }
  // Mapping without touching faults nothing in; mincore then reports residency per page.
  void* map = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return std::nullopt;
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t pages = (static_cast<size_t>(st.st_size) + page - 1) / page;
  std::vector<unsigned char> resident(pages);
  std::optional<double> share;
  if (mincore(map, static_cast<size_t>(st.st_size), resident.data()) == 0) {
    size_t cached = 0;
    for (unsigned char r : resident) cached += r & 1;
    share = static_cast<double>(cached) / static_cast<double>(pages);
  }
  munmap(map, static_cast<size_t>(st.st_size));
  return share;
}

}  // namespace tunedeck
