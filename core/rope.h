// Rotary position embeddings as Hugging Face Llama lays them out (rotate_half over the two halves
// of each head), with "linear" and "llama3" frequency scaling. Tables are computed once per model.
// Not for the attention itself (core/llama_model). Tables are read-only: share across threads.
#pragma once
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/model_config.h"

namespace tunedeck {

// D/2 inverse frequencies after scaling, in double precision (for tests and table building).
std::vector<double> rope_inverse_frequencies(const ModelConfig& config);

struct RopeTables {
  at::Tensor cos;  // [P, D] = cos(pos * inv_freq) repeated over both halves, model dtype
  at::Tensor sin;  // [P, D]
};
RopeTables rope_tables(const ModelConfig& config, int64_t positions,
                       const at::TensorOptions& options);
// Rows [first, first + count) of the tables, computed alone (the same values as the rows of a
// longer table): for positions past a model's precomputed table.
RopeTables rope_rows(const ModelConfig& config, int64_t first, int64_t count,
                     const at::TensorOptions& options);

// x: [B, heads, T, D]; cos/sin: [T, D] rows for the positions of x. Returns x rotated.
at::Tensor rope_apply(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

}  // namespace tunedeck
