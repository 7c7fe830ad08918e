#include "core/json_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tunedeck {

nlohmann::json json_file_read(const std::filesystem::path& path, const std::string& open_hint) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot open" + open_hint);
  std::stringstream text;
  text << in.rdbuf();
  try {
    return nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(path.string() + ": not valid JSON: " + e.what());
  }
}

}  // namespace tunedeck
