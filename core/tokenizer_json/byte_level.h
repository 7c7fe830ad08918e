// GPT-2's byte alphabet: every byte as one printable character (byte-level BPE writes " " as
// "Ġ", "\n" as "Ċ"), and back. Not the splitting regex (pre_tokenizer.h).
#pragma once
#include <string>

namespace tunedeck::tokenizer_json {

// Each byte of `bytes` as its character of the byte alphabet (UTF-8).
std::string byte_level_encode(const std::string& bytes);
// The bytes a token of the alphabet stands for; false when a character is outside it.
bool byte_level_decode(const std::string& token, std::string& bytes);

}  // namespace tunedeck::tokenizer_json
