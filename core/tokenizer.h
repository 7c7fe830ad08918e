// Text <-> token ids. One interface; the sentencepiece implementation lives in a separate shared
// module (core/sp_module) opened with dlopen, because Debian's sentencepiece and libtorch crash
// when linked into one program. Special ids come from the model folder's JSON files.
// Thread rules: a loaded Tokenizer is immutable; encode/decode may be called from any thread.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tunedeck {

// The contract between tunedeck and the dlopen'd module (same compiler, same libstdc++).
class TokenizerBackend {
 public:
  virtual ~TokenizerBackend() = default;
  virtual std::vector<int> encode(const std::string& text) const = 0;  // no BOS/EOS
  virtual std::string decode(const std::vector<int>& ids) const = 0;
  virtual std::string id_to_piece(int id) const = 0;
  virtual int piece_to_id(const std::string& piece) const = 0;  // unk id when unknown
  virtual int vocab_size() const = 0;
  virtual int bos_id() const = 0;  // -1 when the model has none
  virtual int eos_id() const = 0;
  virtual int unk_id() const = 0;
  virtual int pad_id() const = 0;
  virtual bool is_byte(int id) const = 0;
};

// Special-token rules of a model folder (tokenizer_config.json, generation_config.json,
// config.json); missing files fall back to the tokenizer model's own ids.
struct SpecialTokens {
  int bos_id = -1;
  int eos_id = -1;
  int pad_id = -1;  // may equal eos_id (the seed's "EOS never learned" trap)
  int unk_id = -1;
  bool add_bos = true;
  bool add_eos = false;
  std::vector<int> stop_ids;  // generation stops on any of these (eos_token_id may be a list)
};

class Tokenizer {
 public:
  Tokenizer(std::unique_ptr<TokenizerBackend> backend, SpecialTokens special);

  std::vector<int> encode(const std::string& text) const { return backend_->encode(text); }
  // encode() with BOS prepended when the tokenizer config asks for it (and add_bos is true).
  // Never appends EOS: this is for prompts; datasets place EOS themselves.
  std::vector<int> encode_prompt(const std::string& text, bool add_bos = true) const;
  std::string decode(const std::vector<int>& ids) const { return backend_->decode(ids); }
  std::string id_to_piece(int id) const { return backend_->id_to_piece(id); }
  int piece_to_id(const std::string& piece) const { return backend_->piece_to_id(piece); }
  int vocab_size() const { return backend_->vocab_size(); }
  bool is_byte(int id) const { return backend_->is_byte(id); }
  const SpecialTokens& special() const { return special_; }

 private:
  std::unique_ptr<TokenizerBackend> backend_;
  SpecialTokens special_;
};

// Loads <dir>/tokenizer.model (sentencepiece), else <dir>/tokenizer.json (Hugging Face BPE), plus
// the special-token rules of the folder. Throws with the path and what is wrong (missing file,
// unreadable or malformed model, module not found).
std::unique_ptr<Tokenizer> tokenizer_load_dir(const std::string& model_dir);
// Loads just a sentencepiece .model file with its own special ids.
std::unique_ptr<Tokenizer> tokenizer_load_file(const std::string& model_path);
// Reads the special-token rules from a model folder; `backend` supplies the defaults.
SpecialTokens tokenizer_read_special_tokens(const std::string& model_dir,
                                            const TokenizerBackend& backend);

// Trains a sentencepiece model through the module's trainer. `options` are sentencepiece's
// own flag names ("vocab_size", "model_type", "byte_fallback", ...); `sentences` the corpus.
// Writes <model_prefix>.model (and .vocab). Throws on failure with sentencepiece's message.
void tokenizer_train_sentencepiece(const std::vector<std::string>& sentences,
                                   const std::map<std::string, std::string>& options,
                                   const std::string& model_prefix);

// Where the module is: $TUNEDECK_SP_MODULE, else beside /proc/self/exe, else ../lib/tunedeck/.
std::string tokenizer_module_path();

// Encodes text in which a chat template wrote markers ("</s>", "<|im_end|>", ...) as text: each
// marker that is one piece of the vocabulary (piece_to_id(marker) is not unk and the piece
// round-trips) becomes that id; the text between markers goes through encode() chunk by chunk
// (so a dummy-prefix tokenizer adds its "▁" at the start of each chunk). At one position the
// longest matching marker wins. Markers the vocabulary lacks stay text. No BOS/EOS added. The
// prompt side (agent) and the training side (train/example_encoder) both use this, so a model
// sees the same ids for a prompt in training and in chat.
std::vector<int> tokenizer_encode_with_markers(const Tokenizer& tokenizer, const std::string& text,
                                               const std::vector<std::string>& markers);

}  // namespace tunedeck
