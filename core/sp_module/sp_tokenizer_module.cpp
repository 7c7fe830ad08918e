// The sentencepiece side of core/tokenizer: the only code that links libsentencepiece. Built as
// a shared module and opened with dlopen(RTLD_DEEPBIND) so sentencepiece's bundled protobuf never
// meets libtorch's (../shared/PLATFORM.md). Exposes two C entry points; nothing else.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/tokenizer.h"

// Declared by libsentencepiece (logging.h is not installed). The module must never write to
// std::cerr: under RTLD_DEEPBIND it binds to libstdc++'s own std::cerr, not the executable's
// copy-relocated (initialised) one, and writing there crashes. So all logging is switched off.
namespace sentencepiece::logging {
void SetMinLogLevel(int level);
}

namespace {

class SentencepieceBackend : public tunedeck::TokenizerBackend {
 public:
  explicit SentencepieceBackend(std::unique_ptr<sentencepiece::SentencePieceProcessor> sp)
      : sp_(std::move(sp)) {}

  std::vector<int> encode(const std::string& text) const override {
    std::vector<int> ids;
    auto status = sp_->Encode(text, &ids);
    if (!status.ok()) ids.clear();
    return ids;
  }
  std::string decode(const std::vector<int>& ids) const override {
    std::string text;
    std::vector<int> valid;
    valid.reserve(ids.size());
    for (int id : ids)
      if (id >= 0 && id < sp_->GetPieceSize()) valid.push_back(id);
    auto status = sp_->Decode(valid, &text);
    if (!status.ok()) text.clear();
    return text;
  }
  std::string id_to_piece(int id) const override {
    if (id < 0 || id >= sp_->GetPieceSize()) return "";
    return sp_->IdToPiece(id);
  }
  int piece_to_id(const std::string& piece) const override { return sp_->PieceToId(piece); }
  int vocab_size() const override { return sp_->GetPieceSize(); }
  int bos_id() const override { return sp_->bos_id(); }
  int eos_id() const override { return sp_->eos_id(); }
  int unk_id() const override { return sp_->unk_id(); }
  int pad_id() const override { return sp_->pad_id(); }
  bool is_byte(int id) const override {
    return id >= 0 && id < sp_->GetPieceSize() && sp_->IsByte(id);
  }

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
};

class VectorSentenceIterator : public sentencepiece::SentenceIterator {
 public:
  explicit VectorSentenceIterator(const std::vector<std::string>& sentences)
      : sentences_(sentences) {}
  bool done() const override { return index_ >= sentences_.size(); }
  void Next() override { ++index_; }
  const std::string& value() const override { return sentences_[index_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  const std::vector<std::string>& sentences_;
  size_t index_ = 0;
};

}  // namespace

extern "C" {

// Returns a new backend, or nullptr with *error set.
tunedeck::TokenizerBackend* tunedeck_sp_open(const std::string* path, std::string* error) {
  auto sp = std::make_unique<sentencepiece::SentencePieceProcessor>();
  auto status = sp->Load(*path);
  if (!status.ok()) {
    *error = status.ToString();
    return nullptr;
  }
  return new SentencepieceBackend(std::move(sp));
}

void tunedeck_sp_close(tunedeck::TokenizerBackend* backend) { delete backend; }

// Trains a model into `model_prefix`.model; returns false with *error set on failure.
bool tunedeck_sp_train(const std::vector<std::string>* sentences,
                       const std::map<std::string, std::string>* options,
                       const std::string* model_prefix, std::string* error) {
  sentencepiece::logging::SetMinLogLevel(100);
  std::unordered_map<std::string, std::string> kwargs(options->begin(), options->end());
  kwargs["model_prefix"] = *model_prefix;
  VectorSentenceIterator it(*sentences);
  auto status = sentencepiece::SentencePieceTrainer::Train(kwargs, &it);
  if (!status.ok()) {
    *error = status.ToString();
    return false;
  }
  return true;
}

}  // extern "C"
