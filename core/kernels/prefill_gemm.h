// Batched float32 products for inference on the CPU (prefill: many tokens at once):
// out = x W^T for activations x [..., K] and a weight W [N, K] exactly as loaded (row-major,
// usually mmap'd: never packed, never copied). x is transposed once into panels of 32 rows and
// W's scalars are broadcast against them, so one packing serves every weight that reads the same
// input (q/k/v, gate/up). Exists because OpenBLAS packs all of W on every call, which a 128-row
// product cannot amortise (bench/RESULTS.md). Not for training (no autograd), bf16 (libtorch's
// oneDNN path), CUDA, or CPUs without AVX-512; core/kernels/forward_kernels decides when it runs.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace tunedeck {

class PrefillRows {
 public:
  // Whether x can be packed: on the CPU, float32, no gradient wanted, at least kMinRows rows,
  // and this CPU runs AVX-512F (cpu_rows_supported(), core/kernels/cpu_rows).
  static bool applies(const at::Tensor& x);

  // Packs x [..., K]. REQUIRES: applies(x).
  explicit PrefillRows(const at::Tensor& x);

  // Packs rms_norm(x) * weight (LlamaModel's RMSNorm: each row over its mean square, float32)
  // computed in the same pass; rows() holds them too (a LoRA pair reads them).
  // REQUIRES: applies(x); weight f32 [K] on the CPU.
  static PrefillRows rms_normalized(const at::Tensor& x, const at::Tensor& weight, double eps);

  // Packs silu(gate) * up (Llama's SwiGLU) computed in the same pass; rows() holds it too.
  // REQUIRES: applies(gate), applies(up), same shape.
  static PrefillRows swiglu(const at::Tensor& gate, const at::Tensor& up);

  // The rows that were packed, [..., K] as given (x, or the rows computed in the packing pass).
  const at::Tensor& rows() const { return rows_tensor_; }

  // Whether times_transposed can take `weight`: float32, CPU, contiguous, [N, K] for this K,
  // no gradient wanted.
  bool applies_to(const at::Tensor& weight) const;

  // x W^T as float32 [..., N]. Threads: at::get_num_threads(), each its share of W's rows.
  // REQUIRES: applies_to(weight).
  at::Tensor times_transposed(const at::Tensor& weight) const;

  // x W_i^T for each weight, in one parallel region (q/k/v, gate/up: fewer joins, and the
  // threads split all the tiles evenly). REQUIRES: applies_to(W_i) for each.
  std::vector<at::Tensor> times_transposed_each(const std::vector<at::Tensor>& weights) const;

  static constexpr int64_t kMinRows = 16;  // fewer rows: OpenBLAS packs little, keep it

 private:
  PrefillRows(const at::Tensor& like, int64_t cols);  // shapes and empty panels for like's rows
  // Fills every panel from `rows` [M][K], in parallel over panels; make_rows(first, count)
  // (when set) first writes those rows of `rows` on the same thread.
  void pack_panels(const std::function<void(int64_t first_row, int64_t count)>& make_rows,
                   const float* rows);
  // A packing of like's rows as make_row(m, row) writes them into rows() (like's shape) first.
  static PrefillRows pack_made_rows(const at::Tensor& like,
                                    const std::function<void(int64_t m, float* row)>& make_row);

  std::vector<int64_t> lead_shape_;  // x's shape without K
  int64_t rows_ = 0;                 // M: rows of x
  int64_t cols_ = 0;                 // K
  at::Tensor panels_;                // ceil(M / 32) panels, each [K][32]; rows past M are zero
  at::Tensor rows_tensor_;           // [..., K]: the rows packed
};

}  // namespace tunedeck
