// Reading a JSON file whole (a model folder's config, tokenizer_config.json, an adapter's
// adapter_config.json), with errors that name the file. Not for writing JSON and not for
// streaming large files.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace tunedeck {

// The JSON value in the file at `path`. Throws std::runtime_error naming the file when it
// cannot be opened ("<path>: cannot open" + `open_hint`, e.g. " (is this a model folder?)") or
// does not hold valid JSON.
nlohmann::json json_file_read(const std::filesystem::path& path, const std::string& open_hint = "");

}  // namespace tunedeck
