#include "core/kernels/prefill_gemm.h"

#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

#include "core/kernels/avx512_target.h"
#include "core/kernels/cpu_rows.h"

namespace tunedeck {
namespace {

constexpr int64_t kPanelRows = 32;     // rows of x per panel: two 16-float vectors per k
constexpr int64_t kTileRows = 12;      // rows of W per tile: 12 x 2 vector accumulators
constexpr int64_t kDepthBlock = 1024;  // k per pass: the tile's W segments (48 KiB) stay in L1,
                                       // the panel's (128 KiB) in L2

// What one tile writes: out[m][n0 + i] for the panel's valid rows m and the tile's rows i.
struct TileTarget {
  float* out;          // out[panel's first row][n0]
  int64_t out_stride;  // N
  int64_t valid_rows;  // rows of the panel that are rows of x
  bool first_pass;     // the first depth block stores, later ones add
};

// One depth block of the product: every panel at the same k0, W from column k0.
struct DepthBlock {
  const float* panels;   // panel 0 at k0; panel p starts panel_stride floats later
  int64_t panel_stride;  // K * kPanelRows
  int64_t panel_count;
  int64_t depth;       // k's in this block
  const float* w;      // W[0][k0]
  int64_t w_stride;    // K
  float* out;          // out [M, N]
  int64_t rows;        // M
  int64_t out_stride;  // N
  bool first_pass;
};

#if defined(__x86_64__)

// Tile of NT rows of W against one panel (16 * MZ rows of x) over `depth` k's: each W scalar
// is broadcast and multiplied into MZ vectors of the panel; the accumulators are the outputs.
template <int NT, int MZ>
TD_AVX512 void tile_kernel(const float* panel, int64_t depth, const float* w, int64_t w_stride,
                           const TileTarget& target) {
  __m512 acc[NT][MZ];
  for (int i = 0; i < NT; ++i)
    for (int j = 0; j < MZ; ++j) acc[i][j] = _mm512_setzero_ps();
  for (int64_t k = 0; k < depth; ++k) {
    __m512 xs[MZ];
    for (int j = 0; j < MZ; ++j) xs[j] = _mm512_loadu_ps(panel + k * kPanelRows + 16 * j);
    for (int i = 0; i < NT; ++i) {
      const __m512 wi = _mm512_set1_ps(w[i * w_stride + k]);
      for (int j = 0; j < MZ; ++j) acc[i][j] = _mm512_fmadd_ps(wi, xs[j], acc[i][j]);
    }
  }
  alignas(64) float sums[NT][16 * MZ];
  for (int i = 0; i < NT; ++i)
    for (int j = 0; j < MZ; ++j) _mm512_store_ps(&sums[i][16 * j], acc[i][j]);
  for (int64_t m = 0; m < target.valid_rows; ++m) {
    float* row = target.out + m * target.out_stride;
    if (target.first_pass)
      for (int i = 0; i < NT; ++i) row[i] = sums[i][m];
    else
      for (int i = 0; i < NT; ++i) row[i] += sums[i][m];
  }
}

template <int NT>
TD_AVX512 void tile_any_width(const float* panel, int64_t depth, const float* w, int64_t w_stride,
                              const TileTarget& target) {
  if (target.valid_rows > 16)
    tile_kernel<NT, 2>(panel, depth, w, w_stride, target);
  else
    tile_kernel<NT, 1>(panel, depth, w, w_stride, target);
}

// Tiles of NT rows of W starting at row n, each against every panel while its W segments are
// still in L1.
template <int NT>
TD_AVX512 void tile_against_panels(const DepthBlock& block, int64_t n) {
  for (int64_t p = 0; p < block.panel_count; ++p) {
    const TileTarget target{block.out + p * kPanelRows * block.out_stride + n, block.out_stride,
                            std::min(kPanelRows, block.rows - p * kPanelRows), block.first_pass};
    tile_any_width<NT>(block.panels + p * block.panel_stride, block.depth,
                       block.w + n * block.w_stride, block.w_stride, target);
  }
}

// W rows [n0, n1) of one depth block: tiles of 12 rows, then 4, then 1.
TD_AVX512 void rows_of_block(const DepthBlock& block, int64_t n0, int64_t n1) {
  int64_t n = n0;
  for (; n + kTileRows <= n1; n += kTileRows) tile_against_panels<kTileRows>(block, n);
  for (; n + 4 <= n1; n += 4) tile_against_panels<4>(block, n);
  for (; n < n1; ++n) tile_against_panels<1>(block, n);
}

// ---- packing: rows of x into panels [k][32] (rows past M zero) ----

// 16 rows (r[i] = row i's 16 k's) -> cols[kk] = the 16 rows' values at k kk.
TD_AVX512 inline void transpose16(__m512 r[16]) {
  __m512 t[16], u[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {  // u[i + c], 128-bit lane l: column 4l + c of rows i..i+3
    u[i + 0] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
    u[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
    u[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
    u[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
  }
  for (int c = 0; c < 4; ++c) {
    const __m512 even_lo = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x88);
    const __m512 odd_lo = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xDD);
    const __m512 even_hi = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x88);
    const __m512 odd_hi = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xDD);
    r[c] = _mm512_shuffle_f32x4(even_lo, even_hi, 0x88);
    r[8 + c] = _mm512_shuffle_f32x4(even_lo, even_hi, 0xDD);
    r[4 + c] = _mm512_shuffle_f32x4(odd_lo, odd_hi, 0x88);
    r[12 + c] = _mm512_shuffle_f32x4(odd_lo, odd_hi, 0xDD);
  }
}

// Rows [0, valid) of `rows` ([valid][K], row-major) into one panel [K][32]; rows past `valid`
// become zeros.
TD_AVX512 void rows_into_panel(const float* rows, int64_t valid, int64_t K, float* panel) {
  int64_t k0 = 0;
  for (; k0 + 16 <= K; k0 += 16)
    for (int64_t j0 = 0; j0 < kPanelRows; j0 += 16) {
      __m512 block[16];
      for (int64_t i = 0; i < 16; ++i)
        block[i] = j0 + i < valid ? _mm512_loadu_ps(rows + (j0 + i) * K + k0) : _mm512_setzero_ps();
      transpose16(block);
      for (int64_t kk = 0; kk < 16; ++kk)
        _mm512_storeu_ps(panel + (k0 + kk) * kPanelRows + j0, block[kk]);
    }
  for (; k0 < K; ++k0)
    for (int64_t j = 0; j < kPanelRows; ++j)
      panel[k0 * kPanelRows + j] = j < valid ? rows[j * K + k0] : 0.0f;
}

#endif

}  // namespace

bool PrefillRows::applies(const at::Tensor& x) {
  if (!x.defined() || !x.device().is_cpu() || x.scalar_type() != at::kFloat || x.dim() < 2)
    return false;
  if (x.requires_grad() && c10::GradMode::is_enabled()) return false;
  if (x.numel() / std::max<int64_t>(1, x.size(-1)) < kMinRows) return false;
  return cpu_rows_supported();
}

PrefillRows::PrefillRows(const at::Tensor& like, int64_t cols) : cols_(cols) {
  lead_shape_ = like.sizes().vec();
  lead_shape_.pop_back();
  rows_ = like.numel() / std::max<int64_t>(1, like.size(-1));
  const int64_t panel_count = (rows_ + kPanelRows - 1) / kPanelRows;
  panels_ = at::empty({panel_count, cols_, kPanelRows}, like.options());
}

void PrefillRows::pack_panels(
    const std::function<void(int64_t first_row, int64_t count)>& make_rows, const float* rows) {
#if defined(__x86_64__)
  float* panels = panels_.data_ptr<float>();
  const int64_t K = cols_, M = rows_;
  at::parallel_for(0, panels_.size(0), 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const int64_t first = p * kPanelRows, count = std::min(kPanelRows, M - first);
      if (make_rows) make_rows(first, count);
      rows_into_panel(rows + first * K, count, K, panels + p * K * kPanelRows);
    }
  });
#endif
}

namespace {
const at::Tensor& checked(const at::Tensor& x, const char* what) {
  if (!PrefillRows::applies(x))
    throw std::logic_error(std::string(what) +
                           ": the fast prefill path does not apply to this input");
  return x;
}
}  // namespace

PrefillRows::PrefillRows(const at::Tensor& x) : PrefillRows(checked(x, "PrefillRows"), x.size(-1)) {
  rows_tensor_ = x;
  const at::Tensor rows = x.reshape({-1, cols_}).contiguous();
  pack_panels(nullptr, rows.data_ptr<float>());
}

PrefillRows PrefillRows::pack_made_rows(
    const at::Tensor& like, const std::function<void(int64_t m, float* row)>& make_row) {
  PrefillRows packed(like, like.size(-1));
  packed.rows_tensor_ = at::empty(like.sizes(), like.options());
  float* dst = packed.rows_tensor_.data_ptr<float>();
  const int64_t K = packed.cols_;
  packed.pack_panels(
      [&](int64_t first, int64_t count) {
        for (int64_t m = first; m < first + count; ++m) make_row(m, dst + m * K);
      },
      dst);
  return packed;
}

PrefillRows PrefillRows::rms_normalized(const at::Tensor& x, const at::Tensor& weight, double eps) {
  checked(x, "PrefillRows::rms_normalized");
  if (!weight.defined() || weight.scalar_type() != at::kFloat || !weight.device().is_cpu() ||
      weight.dim() != 1 || weight.size(0) != x.size(-1))
    throw std::logic_error("PrefillRows::rms_normalized: the weight must be f32 [K] on the CPU");
  const int64_t K = x.size(-1);
  const at::Tensor rows = x.reshape({-1, K}).contiguous(), w = weight.contiguous();
  const float* src = rows.data_ptr<float>();
  const float* scale = w.data_ptr<float>();
  return pack_made_rows(
      x, [&](int64_t m, float* row) { rms_norm_row_f32(src + m * K, scale, eps, K, row); });
}

PrefillRows PrefillRows::swiglu(const at::Tensor& gate, const at::Tensor& up) {
  checked(gate, "PrefillRows::swiglu");
  checked(up, "PrefillRows::swiglu");
  if (gate.sizes() != up.sizes())
    throw std::logic_error("PrefillRows::swiglu: gate and up differ in shape");
  const int64_t K = gate.size(-1);
  const at::Tensor g = gate.reshape({-1, K}).contiguous(), u = up.reshape({-1, K}).contiguous();
  const float* gp = g.data_ptr<float>();
  const float* upp = u.data_ptr<float>();
  return pack_made_rows(
      gate, [&](int64_t m, float* row) { swiglu_row_f32(gp + m * K, upp + m * K, K, row); });
}

bool PrefillRows::applies_to(const at::Tensor& weight) const {
  return weight.defined() && weight.device().is_cpu() && weight.scalar_type() == at::kFloat &&
         weight.dim() == 2 && weight.size(1) == cols_ && weight.is_contiguous() &&
         !(weight.requires_grad() && c10::GradMode::is_enabled());
}

at::Tensor PrefillRows::times_transposed(const at::Tensor& weight) const {
  return times_transposed_each({weight})[0];
}

std::vector<at::Tensor> PrefillRows::times_transposed_each(
    const std::vector<at::Tensor>& weights) const {
  const int64_t K = cols_, M = rows_;
  std::vector<at::Tensor> outs;
  std::vector<int64_t> first_unit = {
      0};  // weight i's tiles of 12 rows: [first_unit[i], first_unit[i + 1])
  for (const at::Tensor& weight : weights) {
    if (!applies_to(weight))
      throw std::logic_error("PrefillRows::times_transposed: weight must be f32 CPU [N, " +
                             std::to_string(cols_) + "] contiguous");
    outs.push_back(at::empty({M, weight.size(0)}, panels_.options()));
    first_unit.push_back(first_unit.back() + (weight.size(0) + kTileRows - 1) / kTileRows);
  }
#if defined(__x86_64__)
  const float* panels = panels_.data_ptr<float>();
  const int64_t panel_count = panels_.size(0);
  // One parallel region for all the weights: each thread takes whole tiles of any of them.
  at::parallel_for(0, first_unit.back(), 1, [&](int64_t begin, int64_t end) {
    for (size_t i = 0; i < weights.size(); ++i) {
      const int64_t from = std::max(begin, first_unit[i]), to = std::min(end, first_unit[i + 1]);
      if (from >= to) continue;
      const int64_t N = weights[i].size(0);
      const int64_t n0 = (from - first_unit[i]) * kTileRows;
      const int64_t n1 = std::min(N, (to - first_unit[i]) * kTileRows);
      const float* w = weights[i].data_ptr<float>();
      float* o = outs[i].data_ptr<float>();
      for (int64_t k0 = 0; k0 < K; k0 += kDepthBlock) {
        const DepthBlock block{panels + k0 * kPanelRows,
                               K * kPanelRows,
                               panel_count,
                               std::min(kDepthBlock, K - k0),
                               w + k0,
                               K,
                               o,
                               M,
                               N,
                               k0 == 0};
        rows_of_block(block, n0, n1);
      }
    }
  });
#endif
  for (at::Tensor& out : outs) {
    std::vector<int64_t> shape = lead_shape_;
    shape.push_back(out.size(1));
    out = out.view(shape);
  }
  return outs;
}

}  // namespace tunedeck
