#include "core/tokenizer_json/byte_level.h"

#include <array>
#include <unordered_map>

#include "core/tokenizer_json/utf8.h"

namespace tunedeck::tokenizer_json {
namespace {

// bytes_to_unicode(): printable Latin-1 bytes stand for themselves; the other 68 get the code
// points 256, 257, ... in byte order.
struct Alphabet {
  std::array<std::string, 256> char_of_byte;
  std::unordered_map<std::string, unsigned char> byte_of_char;
  Alphabet() {
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable =
          (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      char_of_byte[b] = utf8_encode(printable ? b : 256 + extra++);
      byte_of_char.emplace(char_of_byte[b], static_cast<unsigned char>(b));
    }
  }
};

const Alphabet& alphabet() {
  static const Alphabet instance;
  return instance;
}

}  // namespace

std::string byte_level_encode(const std::string& bytes) {
  const Alphabet& a = alphabet();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) out += a.char_of_byte[b];
  return out;
}

bool byte_level_decode(const std::string& token, std::string& bytes) {
  const Alphabet& a = alphabet();
  std::string out;
  for (size_t i = 0; i < token.size();) {
    const size_t n = utf8_char_length(token, i);
    const auto it = a.byte_of_char.find(token.substr(i, n));
    if (it == a.byte_of_char.end()) return false;
    out += static_cast<char>(it->second);
    i += n;
  }
  bytes += out;
  return true;
}

}  // namespace tunedeck::tokenizer_json
