#include "core/safetensors.h"

#include <ATen/ATen.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the format's own limit is 100 MB

std::runtime_error file_error(const std::string& path, const std::string& what) {
  return std::runtime_error(path + ": " + what);
}

// Element size of every dtype the format defines; 0 for names it does not define.
size_t element_size(const std::string& dtype) {
  static const std::map<std::string, size_t> sizes = {
      {"F64", 8}, {"F32", 4}, {"F16", 2},  {"BF16", 2},    {"I64", 8},
      {"I32", 4}, {"I16", 2}, {"I8", 1},   {"U64", 8},     {"U32", 4},
      {"U16", 2}, {"U8", 1},  {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

c10::ScalarType torch_dtype(const std::string& dtype) {
  if (dtype == "F32") return c10::kFloat;
  if (dtype == "F16") return c10::kHalf;
  if (dtype == "BF16") return c10::kBFloat16;
  throw std::runtime_error("dtype " + dtype + " is not supported (tunedeck reads F32, F16, BF16)");
}

std::string safetensors_dtype(c10::ScalarType dtype) {
  switch (dtype) {
    case c10::kFloat:
      return "F32";
    case c10::kHalf:
      return "F16";
    case c10::kBFloat16:
      return "BF16";
    default:
      throw std::runtime_error(std::string("cannot write dtype ") + c10::toString(dtype));
  }
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

SafetensorsTensorInfo parse_tensor_entry(const std::string& name, const json& entry,
                                         uint64_t data_size, const std::string& path) {
  auto fail = [&](const std::string& what) {
    return file_error(path, "tensor '" + name + "': " + what);
  };
  if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
      !entry.contains("data_offsets"))
    throw fail("header entry needs dtype, shape and data_offsets");
  SafetensorsTensorInfo info;
  info.name = name;
  if (!entry["dtype"].is_string()) throw fail("dtype is not a string");
  info.dtype = entry["dtype"];
  size_t elem = element_size(info.dtype);
  if (elem == 0) throw fail("unknown dtype '" + info.dtype + "'");
  uint64_t numel = 1;
  if (!entry["shape"].is_array()) throw fail("shape is not a list");
  for (const auto& d : entry["shape"]) {
    if (!d.is_number_integer() || d.get<long long>() < 0) throw fail("shape has a bad dimension");
    info.shape.push_back(d.get<int64_t>());
    numel *= static_cast<uint64_t>(d.get<int64_t>());
  }
  const json& offsets = entry["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned())
    throw fail("data_offsets must be two non-negative integers");
  info.begin = offsets[0];
  info.end = offsets[1];
  if (info.end < info.begin) throw fail("data_offsets end before they begin");
  if (info.end > data_size)
    throw fail("data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
               "] run past the end of the data (" + std::to_string(data_size) +
               " bytes): truncated file?");
  if (info.end - info.begin != numel * elem)
    throw fail("data_offsets span " + std::to_string(info.end - info.begin) + " bytes but " +
               info.dtype + " " + shape_text(info.shape) + " needs " +
               std::to_string(numel * elem));
  return info;
}

void check_no_overlap(const std::map<std::string, SafetensorsTensorInfo>& tensors,
                      const std::string& path) {
  std::vector<const SafetensorsTensorInfo*> by_offset;
  for (const auto& kv : tensors) by_offset.push_back(&kv.second);
  std::sort(by_offset.begin(), by_offset.end(),
            [](auto* a, auto* b) { return a->begin < b->begin; });
  const SafetensorsTensorInfo* furthest = nullptr;  // the tensor reaching furthest so far
  for (const auto* cur : by_offset) {
    if (cur->end == cur->begin) continue;  // empty tensors occupy no bytes
    if (furthest && cur->begin < furthest->end)
      throw file_error(path, "tensors '" + furthest->name + "' and '" + cur->name +
                                 "' overlap in the data section");
    if (!furthest || cur->end > furthest->end) furthest = cur;
  }
}

}  // namespace

class SafetensorsMapping {
 public:
  SafetensorsMapping(void* base, size_t size) : base_(base), size_(size) {}
  ~SafetensorsMapping() {
    if (base_ && size_) munmap(base_, size_);
  }
  const uint8_t* bytes() const { return static_cast<const uint8_t*>(base_); }
  size_t size() const { return size_; }

 private:
  void* base_;
  size_t size_;
};

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw file_error(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    throw file_error(path, std::string("cannot stat: ") + std::strerror(errno));
  }
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  if (file_size < 8) {
    ::close(fd);
    throw file_error(path, "truncated: " + std::to_string(file_size) +
                               " bytes, shorter than the 8-byte header length");
  }
  // Private, writable, copy-on-write: a tensor written in place (training) never reaches the file.
  void* base = mmap(nullptr, file_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (base == MAP_FAILED)
    throw file_error(path, std::string("cannot mmap: ") + std::strerror(errno));
  auto self = std::shared_ptr<SafetensorsFile>(new SafetensorsFile());
  self->path_ = path;
  self->mapping_ = std::make_shared<SafetensorsMapping>(base, file_size);
  const uint8_t* bytes = self->mapping_->bytes();

  uint64_t header_len = 0;
  std::memcpy(&header_len, bytes, 8);  // little-endian u64, as on every machine we build for
  if (header_len > kMaxHeaderBytes || header_len > file_size - 8)
    throw file_error(path, "header length " + std::to_string(header_len) +
                               " runs past the end of the file (" + std::to_string(file_size) +
                               " bytes): truncated or not a safetensors file");
  json header;
  try {
    header = json::parse(bytes + 8, bytes + 8 + header_len);
  } catch (const json::parse_error& e) {
    throw file_error(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) throw file_error(path, "header is not a JSON object");
  const uint64_t data_size = file_size - 8 - header_len;
  self->data_ = bytes + 8 + header_len;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (entry.is_object())
        for (const auto& [k, v] : entry.items())
          self->metadata_[k] = v.is_string() ? v.get<std::string>() : v.dump();
      continue;
    }
    self->tensors_[name] = parse_tensor_entry(name, entry, data_size, path);
  }
  check_no_overlap(self->tensors_, path);
  // Huge pages where the kernel and filesystem allow them (a hint, ignored elsewhere): the page
  // cache then holds the weights in 2 MiB folios and decode's streaming reads stop paying a TLB
  // miss every 4 KiB (tinyllama bf16 decode: 12.3-16.6 -> 18.8 tok/s, bench/RESULTS.md).
  madvise(base, file_size, MADV_HUGEPAGE);
  madvise(base, file_size, MADV_WILLNEED);
  return self;
}

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw file_error(path_, "no tensor '" + name + "'");
  const SafetensorsTensorInfo& info = it->second;
  c10::ScalarType dtype;
  try {
    dtype = torch_dtype(info.dtype);
  } catch (const std::exception& e) {
    throw file_error(path_, "tensor '" + name + "': " + e.what());
  }
  const uint8_t* ptr = data_ + info.begin;
  const size_t elem = element_size(info.dtype);
  auto options = at::TensorOptions().dtype(dtype).device(at::kCPU);
  if (reinterpret_cast<uintptr_t>(ptr) % elem != 0) {
    // Misaligned for its element type: copy into an aligned tensor.
    at::Tensor copy = at::empty(info.shape, options);
    std::memcpy(copy.data_ptr(), ptr, info.end - info.begin);
    return copy;
  }
  auto keep_alive = mapping_;
  return at::from_blob(
      const_cast<uint8_t*>(ptr), info.shape, [keep_alive](void*) mutable { keep_alive.reset(); },
      options);
}

SafetensorsCheckpoint SafetensorsCheckpoint::open_file(const std::string& path) {
  SafetensorsCheckpoint ckpt;
  ckpt.description_ = path;
  ckpt.files_.push_back(SafetensorsFile::open(path));
  for (const auto& kv : ckpt.files_[0]->tensors()) ckpt.owner_[kv.first] = 0;
  return ckpt;
}

SafetensorsCheckpoint SafetensorsCheckpoint::open_dir(const std::string& dir) {
  const fs::path single = fs::path(dir) / "model.safetensors";
  const fs::path index = fs::path(dir) / "model.safetensors.index.json";
  if (fs::exists(single)) return open_file(single.string());
  if (!fs::exists(index))
    throw std::runtime_error(dir +
                             ": no model.safetensors or model.safetensors.index.json "
                             "(is this a Hugging Face model folder?)");
  std::ifstream in(index);
  std::stringstream ss;
  ss << in.rdbuf();
  json j;
  try {
    j = json::parse(ss.str());
  } catch (const json::parse_error& e) {
    throw file_error(index.string(), std::string("not valid JSON: ") + e.what());
  }
  if (!j.contains("weight_map") || !j["weight_map"].is_object())
    throw file_error(index.string(), "missing object 'weight_map'");
  SafetensorsCheckpoint ckpt;
  ckpt.description_ = index.string();
  std::map<std::string, size_t> file_index;
  for (const auto& [name, file] : j["weight_map"].items()) {
    if (!file.is_string())
      throw file_error(index.string(), "weight_map['" + name + "'] is not a file name");
    const std::string shard = file.get<std::string>();
    if (!file_index.count(shard)) {
      const fs::path shard_path = fs::path(dir) / shard;
      if (!fs::exists(shard_path))
        throw file_error(index.string(),
                         "shard '" + shard + "' (for '" + name + "') does not exist");
      file_index[shard] = ckpt.files_.size();
      ckpt.files_.push_back(SafetensorsFile::open(shard_path.string()));
    }
    const size_t owner = file_index[shard];
    if (!ckpt.files_[owner]->contains(name))
      throw file_error(ckpt.files_[owner]->path(),
                       "index says it holds '" + name + "' but it does not");
    ckpt.owner_[name] = owner;
  }
  return ckpt;
}

const SafetensorsTensorInfo& SafetensorsCheckpoint::info(const std::string& name) const {
  return files_.at(owner_.at(name))->tensors().at(name);
}

const std::string& SafetensorsCheckpoint::file_of(const std::string& name) const {
  return files_.at(owner_.at(name))->path();
}

at::Tensor SafetensorsCheckpoint::tensor(const std::string& name) const {
  auto it = owner_.find(name);
  if (it == owner_.end()) throw file_error(description_, "missing tensor '" + name + "'");
  return files_[it->second]->tensor(name);
}

std::vector<std::string> SafetensorsCheckpoint::names() const {
  std::vector<std::string> result;
  for (const auto& kv : owner_) result.push_back(kv.first);
  return result;
}

void safetensors_write(const std::string& path,
                       const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::vector<at::Tensor> cpu_tensors;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    at::Tensor cpu = tensor.detach().to(at::kCPU).contiguous();
    const uint64_t bytes = cpu.numel() * cpu.element_size();
    header[name] = {{"dtype", safetensors_dtype(cpu.scalar_type())},
                    {"shape", cpu.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    cpu_tensors.push_back(cpu);
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned
  const uint64_t header_len = header_text.size();
  atomic_file_write(path, [&](int fd) {
    write_all(fd, &header_len, 8, path);
    write_all(fd, header_text.data(), header_text.size(), path);
    for (const auto& t : cpu_tensors)
      write_all(fd, t.data_ptr(), t.numel() * t.element_size(), path);
  });
}

}  // namespace tunedeck
