// A model folder with a chat template of its own for tests that need a loadable model: a copy of
// ../shared/models/stories260k with one of ../shared/templates as its chat_template.jinja.
// Not for production code. Single-threaded.
#pragma once
#include <filesystem>
#include <string>

#include "tests/test_support.h"

namespace tunedeck::testing {

// Copies stories260k to DIR/model, adds ../shared/templates/`template_file` as its
// chat_template.jinja, and returns the folder.
inline std::string stories_with_chat_template(const ScratchDir& dir,
                                              const std::string& template_file) {
  const std::string folder = dir.file("model");
  std::filesystem::create_directories(folder);
  for (const auto& entry : std::filesystem::directory_iterator(stories_dir()))
    std::filesystem::copy_file(entry.path(), folder + "/" + entry.path().filename().string());
  write_file(folder + "/chat_template.jinja",
             read_file(shared_dir() + "/templates/" + template_file));
  return folder;
}

}  // namespace tunedeck::testing
