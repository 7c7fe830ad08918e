#include "core/kernels/train_rows.h"

#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/kernels/avx512_exp.h"
#include "core/kernels/avx512_target.h"
#include "core/kernels/cpu_rows.h"

namespace tunedeck {
namespace {

constexpr int64_t kMaxChunks =
    64;  // row chunks of the backward, each with its own weight-gradient sum

#if defined(__x86_64__)

// One row: r = 1 / sqrt(mean(x^2) + eps); with g = dy * w,
//   dx = r g - (r^3 / K) x sum(g x),   dw += dy x r (when dw is given).
// K is a multiple of 16 here; the remainder goes through the scalar loop.
TD_AVX512 void rms_norm_backward_row(const float* x, const float* w, const float* dy, double eps,
                                     int64_t K, float* dx, float* dw) {
  __m512 squares = _mm512_setzero_ps(), dots = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 16 <= K; k += 16) {
    const __m512 xv = _mm512_loadu_ps(x + k);
    squares = _mm512_fmadd_ps(xv, xv, squares);
    dots =
        _mm512_fmadd_ps(_mm512_mul_ps(_mm512_loadu_ps(dy + k), _mm512_loadu_ps(w + k)), xv, dots);
  }
  double sum_squares = _mm512_reduce_add_ps(squares), dot = _mm512_reduce_add_ps(dots);
  for (int64_t j = k; j < K; ++j) {
    sum_squares += static_cast<double>(x[j]) * x[j];
    dot += static_cast<double>(dy[j]) * w[j] * x[j];
  }
  const double r = 1.0 / std::sqrt(sum_squares / static_cast<double>(K) + eps);
  const float rf = static_cast<float>(r),
              c = static_cast<float>(r * r * r * dot / static_cast<double>(K));
  const __m512 r_lanes = _mm512_set1_ps(rf), c_lanes = _mm512_set1_ps(c);
  for (k = 0; k + 16 <= K; k += 16) {
    const __m512 xv = _mm512_loadu_ps(x + k), g = _mm512_loadu_ps(dy + k);
    const __m512 gw = _mm512_mul_ps(g, _mm512_loadu_ps(w + k));
    _mm512_storeu_ps(dx + k, _mm512_fnmadd_ps(c_lanes, xv, _mm512_mul_ps(r_lanes, gw)));
    if (dw)
      _mm512_storeu_ps(dw + k,
                       _mm512_fmadd_ps(_mm512_mul_ps(g, xv), r_lanes, _mm512_loadu_ps(dw + k)));
  }
  for (; k < K; ++k) {
    dx[k] = rf * dy[k] * w[k] - c * x[k];
    if (dw) dw[k] += dy[k] * x[k] * rf;
  }
}

// One row of K: with s = sigmoid(g), dg = dy u s (1 + g (1 - s)), du = dy g s.
TD_AVX512 void swiglu_backward_row(const float* g, const float* u, const float* dy, int64_t K,
                                   float* dg, float* du) {
  const __m512 one = _mm512_set1_ps(1.0f);
  int64_t k = 0;
  for (; k + 16 <= K; k += 16) {
    const __m512 gv = _mm512_loadu_ps(g + k), uv = _mm512_loadu_ps(u + k),
                 dyv = _mm512_loadu_ps(dy + k);
    const __m512 s =
        _mm512_div_ps(one, _mm512_add_ps(one, exp_lanes(_mm512_sub_ps(_mm512_setzero_ps(), gv))));
    const __m512 silu_grad = _mm512_mul_ps(s, _mm512_fmadd_ps(gv, _mm512_sub_ps(one, s), one));
    _mm512_storeu_ps(dg + k, _mm512_mul_ps(_mm512_mul_ps(dyv, uv), silu_grad));
    _mm512_storeu_ps(du + k, _mm512_mul_ps(dyv, _mm512_mul_ps(gv, s)));
  }
  for (; k < K; ++k) {
    const float s = 1.0f / (1.0f + std::exp(-g[k]));
    dg[k] = dy[k] * u[k] * s * (1.0f + g[k] * (1.0f - s));
    du[k] = dy[k] * g[k] * s;
  }
}
#endif

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct RmsNormNode : public torch::autograd::Function<RmsNormNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight,
                            double eps) {
    ctx->save_for_backward({x, weight});
    ctx->saved_data["eps"] = eps;
    return rms_norm_rows(x, weight, eps);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor x = saved[0].contiguous(), w = saved[1].contiguous();
    const at::Tensor dy = grads[0].contiguous();
    const double eps = ctx->saved_data["eps"].toDouble();
    const int64_t K = x.size(-1), rows = x.numel() / std::max<int64_t>(1, K);
    const bool want_dw = ctx->needs_input_grad(1);
    at::Tensor dx = at::empty_like(x);
    const int64_t chunks = std::max<int64_t>(1, std::min(kMaxChunks, rows));
    std::vector<float> dw_parts(want_dw ? chunks * K : 0, 0.0f);
#if defined(__x86_64__)
    const float* xp = x.data_ptr<float>();
    const float* wp = w.data_ptr<float>();
    const float* gp = dy.data_ptr<float>();
    float* dxp = dx.data_ptr<float>();
    at::parallel_for(0, chunks, 1, [&](int64_t begin, int64_t end) {
      for (int64_t chunk = begin; chunk < end; ++chunk) {
        float* dw = want_dw ? dw_parts.data() + chunk * K : nullptr;
        for (int64_t row = rows * chunk / chunks; row < rows * (chunk + 1) / chunks; ++row)
          rms_norm_backward_row(xp + row * K, wp, gp + row * K, eps, K, dxp + row * K, dw);
      }
    });
#endif
    at::Tensor dw;
    if (want_dw) {
      dw = at::zeros({K}, x.options());
      float* out = dw.data_ptr<float>();
      for (int64_t chunk = 0; chunk < chunks; ++chunk)
        for (int64_t k = 0; k < K; ++k) out[k] += dw_parts[chunk * K + k];
    }
    return {dx, dw, at::Tensor()};
  }
};

struct SwigluNode : public torch::autograd::Function<SwigluNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& gate, const at::Tensor& up) {
    ctx->save_for_backward({gate, up});
    return swiglu_rows(gate, up);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor g = saved[0].contiguous(), u = saved[1].contiguous(),
                     dy = grads[0].contiguous();
    const int64_t K = g.size(-1), rows = g.numel() / std::max<int64_t>(1, K);
    at::Tensor dg = at::empty_like(g), du = at::empty_like(u);
#if defined(__x86_64__)
    const float *gp = g.data_ptr<float>(), *up = u.data_ptr<float>(), *dyp = dy.data_ptr<float>();
    float *dgp = dg.data_ptr<float>(), *dup = du.data_ptr<float>();
    at::parallel_for(0, rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, K)),
                     [&](int64_t begin, int64_t end) {
                       for (int64_t r = begin; r < end; ++r)
                         swiglu_backward_row(gp + r * K, up + r * K, dyp + r * K, K, dgp + r * K,
                                             dup + r * K);
                     });
#endif
    return {dg, du};
  }
};

// y1 = x1 c1 - x2 s1, y2 = x2 c2 + x1 s2 (halves of a head)  =>
// dx1 = dy1 c1 + dy2 s2, dx2 = dy2 c2 - dy1 s1; the gradient goes back to the rows' layout.
struct RopeNode : public torch::autograd::Function<RopeNode> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& rows, int64_t heads,
                            const at::Tensor& cos, const at::Tensor& sin) {
    ctx->save_for_backward({cos, sin});
    ctx->saved_data["heads"] = heads;
    return rope_rows_to_heads(rows, heads, cos, sin);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor c = saved[0].contiguous(), s = saved[1].contiguous();
    const at::Tensor dy = grads[0].contiguous();  // [B, heads, T, D]
    const int64_t heads = ctx->saved_data["heads"].toInt();
    const int64_t B = dy.size(0), T = dy.size(2), D = dy.size(3), half = D / 2;
    at::Tensor dx = at::empty({B, T, heads * D}, dy.options());
    const float *dyp = dy.data_ptr<float>(), *cp = c.data_ptr<float>(), *sp = s.data_ptr<float>();
    float* dxp = dx.data_ptr<float>();
    at::parallel_for(0, B * T, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, heads * D)),
                     [&](int64_t begin, int64_t end) {
                       for (int64_t r = begin; r < end; ++r) {
                         const int64_t b = r / T, t = r % T;
                         const float* cs = cp + t * D;
                         const float* sn = sp + t * D;
                         for (int64_t h = 0; h < heads; ++h) {
                           const float* g = dyp + ((b * heads + h) * T + t) * D;
                           float* out = dxp + r * heads * D + h * D;
                           for (int64_t i = 0; i < half; ++i) {
                             out[i] = g[i] * cs[i] + g[i + half] * sn[i + half];
                             out[i + half] = g[i + half] * cs[i + half] - g[i] * sn[i];
                           }
                         }
                       }
                     });
    return {dx, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

bool rope_grad_applies(const at::Tensor& rows, int64_t heads, const at::Tensor& cos,
                       const at::Tensor& sin) {
  if (!cpu_rows_supported() || !rows.defined() || rows.dim() != 3 || heads <= 0 ||
      rows.size(2) % heads != 0 || !rows.device().is_cpu() || rows.scalar_type() != at::kFloat)
    return false;
  const int64_t D = rows.size(2) / heads;
  return D % 2 == 0 && cos.defined() && sin.defined() && cos.scalar_type() == at::kFloat &&
         sin.scalar_type() == at::kFloat && cos.device().is_cpu() && sin.device().is_cpu() &&
         cos.sizes() == at::IntArrayRef({rows.size(1), D}) && sin.sizes() == cos.sizes();
}

at::Tensor rope_with_grad(const at::Tensor& rows, int64_t heads, const at::Tensor& cos,
                          const at::Tensor& sin) {
  if (!rope_grad_applies(rows, heads, cos, sin))
    throw std::logic_error(
        "rope_with_grad: needs float32 rows [B, T, heads * D] and cos/sin [T, D]");
  return RopeNode::apply(rows, heads, cos, sin);
}

bool swiglu_grad_applies(const at::Tensor& gate, const at::Tensor& up) {
  return cpu_rows_supported() && gate.defined() && up.defined() && gate.device().is_cpu() &&
         up.device().is_cpu() && gate.scalar_type() == at::kFloat &&
         up.scalar_type() == at::kFloat && gate.sizes() == up.sizes() && gate.dim() >= 1;
}

at::Tensor swiglu_with_grad(const at::Tensor& gate, const at::Tensor& up) {
  if (!swiglu_grad_applies(gate, up))
    throw std::logic_error("swiglu_with_grad: needs float32 gate and up of one shape on the CPU");
  return SwigluNode::apply(gate, up);
}

bool rms_norm_grad_applies(const at::Tensor& x, const at::Tensor& weight) {
  return cpu_rows_supported() && x.defined() && weight.defined() && x.device().is_cpu() &&
         weight.device().is_cpu() && x.scalar_type() == at::kFloat &&
         weight.scalar_type() == at::kFloat && x.dim() >= 1 && weight.dim() == 1 &&
         weight.size(0) == x.size(-1);
}

at::Tensor rms_norm_with_grad(const at::Tensor& x, const at::Tensor& weight, double eps) {
  if (!rms_norm_grad_applies(x, weight))
    throw std::logic_error(
        "rms_norm_with_grad: needs float32 x [..., K] and weight [K] on the CPU");
  return RmsNormNode::apply(x, weight, eps);
}

}  // namespace tunedeck
