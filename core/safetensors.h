// The safetensors format: read by mmap with zero-copy tensor views (F32, F16, BF16), sharded
// checkpoints through model.safetensors.index.json, and an atomic writer. Every structural
// problem (truncation, offsets, dtypes) is found at open and reported with the file and tensor.
// Not for model semantics (names, shapes vs config: core/llama_model). Read-only after open: safe
// to share across threads.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tunedeck {

struct SafetensorsTensorInfo {
  std::string name;
  std::string dtype;  // as written: "F32", "BF16", ...
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte offsets relative to the end of the header
};

class SafetensorsMapping;  // the mmap'd file; kept alive by every tensor viewing it

class SafetensorsFile {
 public:
  // Maps and validates the file. Throws "<path>: <problem>" (tensor named where relevant).
  static std::shared_ptr<SafetensorsFile> open(const std::string& path);

  const std::string& path() const { return path_; }
  const std::map<std::string, SafetensorsTensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return tensors_.count(name) > 0; }
  // A CPU tensor viewing the mapping (a copy only when the data is misaligned). The mapping is
  // private copy-on-write: writing into the view never touches the file. Throws for dtypes
  // other than F32/F16/BF16.
  at::Tensor tensor(const std::string& name) const;

 private:
  std::string path_;
  std::shared_ptr<SafetensorsMapping> mapping_;
  const uint8_t* data_ = nullptr;  // start of the data section
  std::map<std::string, SafetensorsTensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

// A checkpoint folder: model.safetensors, or shards listed by model.safetensors.index.json.
class SafetensorsCheckpoint {
 public:
  static SafetensorsCheckpoint open_dir(const std::string& dir);
  static SafetensorsCheckpoint open_file(const std::string& path);

  bool contains(const std::string& name) const { return owner_.count(name) > 0; }
  const SafetensorsTensorInfo& info(const std::string& name) const;
  at::Tensor tensor(const std::string& name) const;  // throws naming the tensor if absent
  const std::string& file_of(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::string& description() const { return description_; }  // for error messages

 private:
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::map<std::string, size_t> owner_;  // tensor name -> index in files_
  std::string description_;
};

// Writes tensors (any device/dtype among F32/F16/BF16) atomically: temp file, fsync, rename.
void safetensors_write(const std::string& path,
                       const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace tunedeck
