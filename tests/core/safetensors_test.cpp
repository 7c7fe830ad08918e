// safetensors: writer/reader round trip, atomic replacement on write failure, and every
// structural defect found at open with the file and tensor named.
#include "core/safetensors.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

// Builds a file from a header object and a data section, exactly as given (for corrupt cases).
std::string raw_file(const json& header, const std::string& data,
                     int64_t header_len_override = -1) {
  std::string h = header.dump();
  uint64_t len = header_len_override >= 0 ? static_cast<uint64_t>(header_len_override) : h.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &len, 8);
  return out + h + data;
}

std::string open_error(const std::string& content) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("x.safetensors"), content);
  try {
    SafetensorsFile::open(dir.file("x.safetensors"))->tensor("w");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(Safetensors, WriteThenReadRoundTripsAllFloatDtypes) {
  testing::ScratchDir dir;
  at::Tensor a = at::arange(12, at::kFloat).reshape({3, 4});
  at::Tensor b = at::linspace(-1, 1, 6).to(at::kBFloat16);
  at::Tensor c = at::ones({2, 2}, at::kHalf) * 3;
  safetensors_write(dir.file("m.safetensors"), {{"a", a}, {"b", b}, {"c", c}}, {{"format", "pt"}});
  auto f = SafetensorsFile::open(dir.file("m.safetensors"));
  EXPECT_EQ(f->metadata().at("format"), "pt");
  EXPECT_TRUE(at::equal(f->tensor("a"), a));
  EXPECT_TRUE(at::equal(f->tensor("b"), b));
  EXPECT_TRUE(at::equal(f->tensor("c"), c));
  EXPECT_EQ(f->tensors().at("b").dtype, "BF16");
}

TEST(Safetensors, InPlaceWritesToAViewNeverReachTheFile) {
  testing::ScratchDir dir;
  safetensors_write(dir.file("m.safetensors"), {{"a", at::zeros({4})}});
  {
    auto f = SafetensorsFile::open(dir.file("m.safetensors"));
    at::Tensor view = f->tensor("a");
    view.fill_(5.0f);  // copy-on-write private mapping: no segfault, no change on disk
  }
  EXPECT_TRUE(
      at::equal(SafetensorsFile::open(dir.file("m.safetensors"))->tensor("a"), at::zeros({4})));
}

TEST(Safetensors, FailedWriteLeavesThePreviousFileIntact) {
  testing::ScratchDir dir;
  const std::string path = dir.file("m.safetensors");
  safetensors_write(path, {{"a", at::ones({256})}});
  atomic_file_inject_failure_after(100);
  EXPECT_THROW(safetensors_write(path, {{"a", at::zeros({256})}}), std::runtime_error);
  atomic_file_inject_failure_after(-1);
  EXPECT_TRUE(at::equal(SafetensorsFile::open(path)->tensor("a"), at::ones({256})));
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1) << "the temp file was not removed";
}

TEST(Safetensors, RejectsFileShorterThanItsLengthPrefix) {
  EXPECT_NE(open_error("abc").find("truncated"), std::string::npos);
}

TEST(Safetensors, RejectsHeaderLengthPastTheEnd) {
  json h = {{"w", {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {0, 4}}}}};
  std::string e = open_error(raw_file(h, "abcd", 1 << 20));
  EXPECT_NE(e.find("header length 1048576 runs past the end"), std::string::npos) << e;
}

TEST(Safetensors, RejectsOffsetsPastTheData) {
  json h = {{"w", {{"dtype", "F32"}, {"shape", {4}}, {"data_offsets", {0, 16}}}}};
  std::string e = open_error(raw_file(h, "abcd"));
  EXPECT_NE(e.find("tensor 'w'"), std::string::npos) << e;
  EXPECT_NE(e.find("past the end of the data"), std::string::npos) << e;
}

TEST(Safetensors, RejectsOverlappingTensors) {
  json h = {{"w", {{"dtype", "F32"}, {"shape", {2}}, {"data_offsets", {0, 8}}}},
            {"v", {{"dtype", "F32"}, {"shape", {2}}, {"data_offsets", {4, 12}}}}};
  std::string e = open_error(raw_file(h, std::string(12, '\0')));
  EXPECT_NE(e.find("overlap"), std::string::npos) << e;
}

TEST(Safetensors, RejectsSizeThatDisagreesWithShape) {
  json h = {{"w", {{"dtype", "F32"}, {"shape", {3}}, {"data_offsets", {0, 8}}}}};
  std::string e = open_error(raw_file(h, std::string(8, '\0')));
  EXPECT_NE(e.find("needs 12"), std::string::npos) << e;
}

TEST(Safetensors, RejectsUnknownDtypeByName) {
  json h = {{"w", {{"dtype", "Q4_K"}, {"shape", {2}}, {"data_offsets", {0, 2}}}}};
  std::string e = open_error(raw_file(h, "ab"));
  EXPECT_NE(e.find("unknown dtype 'Q4_K'"), std::string::npos) << e;
}

TEST(Safetensors, RefusesKnownButUnsupportedDtypeWhenRead) {
  json h = {{"w", {{"dtype", "I64"}, {"shape", {1}}, {"data_offsets", {0, 8}}}}};
  std::string e = open_error(raw_file(h, std::string(8, '\0')));
  EXPECT_NE(e.find("dtype I64 is not supported"), std::string::npos) << e;
}

TEST(Safetensors, RejectsHeaderThatIsNotJson) {
  std::string content(8, '\0');
  uint64_t len = 5;
  std::memcpy(content.data(), &len, 8);
  std::string e = open_error(content + "{oops");
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
}

TEST(Safetensors, MisalignedDataIsCopiedNotMisread) {
  json h = {{"w", {{"dtype", "F32"}, {"shape", {2}}, {"data_offsets", {1, 9}}}}};
  float values[2] = {1.5f, -2.0f};
  std::string data(1, 'x');
  data.append(reinterpret_cast<const char*>(values), 8);
  std::string header = h.dump();
  header.append((8 - header.size() % 8) % 8, ' ');
  testing::ScratchDir dir;
  std::string content(8, '\0');
  uint64_t len = header.size();
  std::memcpy(content.data(), &len, 8);
  testing::write_file(dir.file("m.safetensors"), content + header + data);
  at::Tensor t = SafetensorsFile::open(dir.file("m.safetensors"))->tensor("w");
  EXPECT_FLOAT_EQ(t[0].item<float>(), 1.5f);
  EXPECT_FLOAT_EQ(t[1].item<float>(), -2.0f);
}

TEST(SafetensorsCheckpoint, IndexNamingAMissingShardIsAnError) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("model.safetensors.index.json"),
                      R"({"weight_map": {"w": "model-00001-of-00002.safetensors"}})");
  try {
    SafetensorsCheckpoint::open_dir(dir.path());
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("shard 'model-00001-of-00002.safetensors'"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace tunedeck
