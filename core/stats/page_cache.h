// The kernel's page cache for one file: drop its clean pages (posix_fadvise DONTNEED) so the next
// read has to come from the disk, and measure how much of it is cached (mincore). For benchmarks'
// "cold-ish" loads; the engine never calls it. Linux. Failures are reported, never thrown.
// Stateless: any thread.
#pragma once
#include <optional>
#include <string>

namespace tunedeck {

// Asks the kernel to drop the file's cached pages. Returns false when the file cannot be opened
// or the advice is refused. Pages still mapped by a process (a model loaded elsewhere) or dirty
// stay cached: check with page_cache_resident_share().
bool page_cache_drop(const std::string& path);

// Share of the file's pages in the page cache, 0..1; nullopt when it cannot be told (the file
// cannot be opened or mapped). An empty file counts as fully cached. Reads nothing itself.
std::optional<double> page_cache_resident_share(const std::string& path);

}  // namespace tunedeck
