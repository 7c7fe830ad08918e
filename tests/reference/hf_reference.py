#!/usr/bin/python3
"""Independent reference for tunedeck's model families, in plain PyTorch (Debian's python3-torch).

Written from Hugging Face transformers' modeling code (Llama, Qwen2, Qwen3, Gemma 3 text and
EXAONE 3.5), one small module per piece, without a KV cache: every logit is a full recompute.
Not for speed, and not shared with tunedeck's C++ in any way but the files it writes and reads.

  hf_reference.py make --family F --out DIR [--dtype f32|bf16] [--shards N] [--seed S]
      writes a tiny random checkpoint of family F (config.json, generation_config.json,
      safetensors, sharded when N > 1) and DIR/reference.json: the prompt's ids, the logits
      at every position, and the greedy continuation.
  hf_reference.py greedy --dir DIR --ids 1,2,3 --n 8 [--top K]
      reads DIR's checkpoint and prints {"output_ids": [...], "top_logits": [[id, logit], ...]}
      (top logits at the first generated position).
"""
import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch

FAMILIES = ("llama3", "qwen2", "qwen3", "gemma3", "exaone")
PROMPT_LENGTH = 20  # longer than the Gemma config's window of 8
GREEDY_TOKENS = 6


# ---- tiny configs (Hugging Face layout) ----

def tiny_config(family):
    base = {"hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4,
            "num_key_value_heads": 2, "vocab_size": 512, "max_position_embeddings": 256,
            "torch_dtype": "float32", "bos_token_id": 1, "eos_token_id": 2,
            "some_future_key": {"ignored": True}}
    if family == "llama3":
        return dict(base, model_type="llama", architectures=["LlamaForCausalLM"],
                    num_hidden_layers=2, hidden_act="silu", rms_norm_eps=1e-5,
                    rope_theta=500000.0, tie_word_embeddings=True, attention_bias=False,
                    eos_token_id=[2, 3, 4],
                    rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                  "high_freq_factor": 4.0,
                                  "original_max_position_embeddings": 8192})
    if family == "qwen2":
        return dict(base, model_type="qwen2", architectures=["Qwen2ForCausalLM"],
                    num_hidden_layers=3, hidden_act="silu", rms_norm_eps=1e-6,
                    rope_theta=1000000.0, tie_word_embeddings=False, use_sliding_window=False,
                    sliding_window=32, max_window_layers=2, rope_scaling=None)
    if family == "qwen3":
        return dict(base, model_type="qwen3", architectures=["Qwen3ForCausalLM"],
                    num_hidden_layers=2, head_dim=32, hidden_act="silu", rms_norm_eps=1e-6,
                    rope_theta=1000000.0, tie_word_embeddings=True, attention_bias=False,
                    use_sliding_window=False, sliding_window=None, rope_scaling=None)
    if family == "gemma3":
        return dict(base, model_type="gemma3_text", architectures=["Gemma3ForCausalLM"],
                    num_hidden_layers=4, num_key_value_heads=1, head_dim=16,
                    hidden_activation="gelu_pytorch_tanh", rms_norm_eps=1e-6,
                    rope_theta=1000000.0, rope_local_base_freq=10000.0,
                    rope_scaling={"rope_type": "linear", "factor": 2.0},
                    query_pre_attn_scalar=24, sliding_window=8, sliding_window_pattern=2,
                    tie_word_embeddings=True, final_logit_softcapping=None,
                    attn_logit_softcapping=None, eos_token_id=[1, 106])
    if family == "exaone":
        cfg = dict(base, model_type="exaone", architectures=["ExaoneForCausalLM"],
                   num_layers=2, activation_function="silu", layer_norm_epsilon=1e-5,
                   rope_theta=10000.0, tie_word_embeddings=False, rope_scaling=None)
        return cfg
    raise SystemExit("unknown family " + family)


class Settings:
    """The config's numbers under each family's key names."""

    def __init__(self, cfg):
        t = cfg["model_type"]
        self.type = t
        self.gemma = t == "gemma3_text"
        self.exaone = t == "exaone"
        self.hidden = cfg["hidden_size"]
        self.layers = cfg["num_layers"] if self.exaone else cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        self.kv_heads = cfg.get("num_key_value_heads") or self.heads
        self.head_dim = cfg.get("head_dim") or self.hidden // self.heads
        self.ffn = cfg["intermediate_size"]
        self.vocab = cfg["vocab_size"]
        self.eps = cfg["layer_norm_epsilon"] if self.exaone else cfg["rms_norm_eps"]
        self.theta = cfg["rope_theta"]
        self.scaling = cfg.get("rope_scaling")
        self.tied = cfg.get("tie_word_embeddings", self.gemma)
        self.qkv_bias = t == "qwen2" or cfg.get("attention_bias", False)
        self.o_bias = t != "qwen2" and cfg.get("attention_bias", False)
        self.qk_norm = t in ("qwen3", "gemma3_text")
        self.scale = cfg["query_pre_attn_scalar"] ** -0.5 if self.gemma else self.head_dim ** -0.5
        self.window = cfg.get("sliding_window") or 0
        if self.gemma:
            pattern = cfg.get("sliding_window_pattern", 6)
            types = cfg.get("layer_types") or [
                "sliding_attention" if (i + 1) % pattern else "full_attention"
                for i in range(self.layers)]
        elif t in ("qwen2", "qwen3") and cfg.get("use_sliding_window"):
            types = ["sliding_attention" if i >= cfg["max_window_layers"] else "full_attention"
                     for i in range(self.layers)]
        else:
            types = ["full_attention"] * self.layers
        self.sliding = [x == "sliding_attention" for x in types]
        self.local_theta = cfg.get("rope_local_base_freq", 10000.0)


# ---- tensor names of each family ----

def layer_names(s, i):
    if s.exaone:
        p = "transformer.h.%d." % i
        return {"attn_norm": p + "ln_1.weight", "q": p + "attn.attention.q_proj.weight",
                "k": p + "attn.attention.k_proj.weight", "v": p + "attn.attention.v_proj.weight",
                "o": p + "attn.attention.out_proj.weight", "mlp_norm": p + "ln_2.weight",
                "gate": p + "mlp.c_fc_0.weight", "up": p + "mlp.c_fc_1.weight",
                "down": p + "mlp.c_proj.weight"}
    p = "model.layers.%d." % i
    n = {"attn_norm": p + "input_layernorm.weight", "q": p + "self_attn.q_proj.weight",
         "k": p + "self_attn.k_proj.weight", "v": p + "self_attn.v_proj.weight",
         "o": p + "self_attn.o_proj.weight", "mlp_norm": p + "post_attention_layernorm.weight",
         "gate": p + "mlp.gate_proj.weight", "up": p + "mlp.up_proj.weight",
         "down": p + "mlp.down_proj.weight"}
    if s.qkv_bias:
        n.update(bq=p + "self_attn.q_proj.bias", bk=p + "self_attn.k_proj.bias",
                 bv=p + "self_attn.v_proj.bias")
    if s.o_bias:
        n["bo"] = p + "self_attn.o_proj.bias"
    if s.qk_norm:
        n.update(q_norm=p + "self_attn.q_norm.weight", k_norm=p + "self_attn.k_norm.weight")
    if s.gemma:
        n.update(post_attn_norm=p + "post_attention_layernorm.weight",
                 mlp_norm=p + "pre_feedforward_layernorm.weight",
                 post_mlp_norm=p + "post_feedforward_layernorm.weight")
    return n


def global_names(s):
    if s.exaone:
        return {"embed": "transformer.wte.weight", "norm": "transformer.ln_f.weight",
                "head": "lm_head.weight"}
    return {"embed": "model.embed_tokens.weight", "norm": "model.norm.weight",
            "head": "lm_head.weight"}


def random_weights(s, seed):
    g = torch.Generator().manual_seed(seed)

    def normal(*shape, std):
        return torch.randn(*shape, generator=g) * std

    def norm_weight(n):  # Gemma's norms scale by (1 + w)
        return normal(n, std=0.1) + (0.0 if s.gemma else 1.0)

    H, Hkv, D, C, F, V = s.heads, s.kv_heads, s.head_dim, s.hidden, s.ffn, s.vocab
    w = {}
    gn = global_names(s)
    w[gn["embed"]] = normal(V, C, std=1.0 if not s.gemma else 0.2)
    for i in range(s.layers):
        n = layer_names(s, i)
        shapes = {"q": (H * D, C), "k": (Hkv * D, C), "v": (Hkv * D, C), "o": (C, H * D),
                  "gate": (F, C), "up": (F, C), "down": (C, F), "bq": (H * D,), "bk": (Hkv * D,),
                  "bv": (Hkv * D,), "bo": (C,)}
        for key, name in n.items():
            if key.endswith("norm"):
                w[name] = norm_weight(D if key in ("q_norm", "k_norm") else C)
            else:
                w[name] = normal(*shapes[key], std=0.5 if key.startswith("b") else 0.15)
    w[gn["norm"]] = norm_weight(C)
    if not s.tied:
        w[gn["head"]] = normal(V, C, std=0.15)
    return w


# ---- the model, piece by piece as Hugging Face computes it ----

def rms_norm(x, weight, eps, gemma):
    xf = x.float()
    normed = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    if gemma:  # Gemma3RMSNorm: (1 + w) in float32, then the input's dtype
        return (normed * (1.0 + weight.float())).type_as(x)
    return weight * normed.to(x.dtype)  # LlamaRMSNorm / Qwen*RMSNorm / ExaoneRMSNorm


def inverse_frequencies(dim, theta, scaling):
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    kind = (scaling or {}).get("rope_type", (scaling or {}).get("type", "default"))
    if kind == "linear":
        return inv_freq / scaling["factor"]
    if kind == "llama3":
        factor = scaling["factor"]
        low, high = scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv_freq
        scaled = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        return torch.where(medium, smoothed, scaled)
    return inv_freq


def rope_cos_sin(positions, dim, theta, scaling):
    inv_freq = inverse_frequencies(dim, theta, scaling)
    freqs = positions.float()[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rope(x, cos, sin):  # x [B, heads, T, D]
    return x * cos + rotate_half(x) * sin


def attention(s, layer, w, n, x, cos, sin):
    B, T, _ = x.shape
    H, Hkv, D = s.heads, s.kv_heads, s.head_dim

    def linear(name, bias, inp):
        y = inp @ w[n[name]].t()
        return y + w[n[bias]] if bias in n else y

    q = linear("q", "bq", x).view(B, T, H, D)
    k = linear("k", "bk", x).view(B, T, Hkv, D)
    v = linear("v", "bv", x).view(B, T, Hkv, D).transpose(1, 2)
    if s.qk_norm:
        q = rms_norm(q, w[n["q_norm"]], s.eps, s.gemma)
        k = rms_norm(k, w[n["k_norm"]], s.eps, s.gemma)
    q = apply_rope(q.transpose(1, 2), cos, sin)
    k = apply_rope(k.transpose(1, 2), cos, sin)
    groups = H // Hkv  # repeat_kv
    k = k.repeat_interleave(groups, dim=1)
    v = v.repeat_interleave(groups, dim=1)
    scores = (q @ k.transpose(2, 3)) * s.scale
    pos = torch.arange(T)
    hidden = pos[None, :] > pos[:, None]
    if s.sliding[layer]:
        hidden = hidden | (pos[None, :] <= pos[:, None] - s.window)
    scores = scores.masked_fill(hidden, torch.finfo(scores.dtype).min)
    probs = torch.softmax(scores.float(), dim=-1).to(q.dtype)
    out = (probs @ v).transpose(1, 2).reshape(B, T, H * D)
    return linear("o", "bo", out)


def forward(s, w, ids):
    gn = global_names(s)
    tokens = torch.tensor([ids])
    x = w[gn["embed"]][tokens]
    if s.gemma:  # Gemma3TextScaledWordEmbedding
        x = x * torch.tensor(s.hidden ** 0.5).to(x.dtype)
    positions = torch.arange(len(ids))
    cos, sin = rope_cos_sin(positions, s.head_dim, s.theta, s.scaling)
    local = rope_cos_sin(positions, s.head_dim, s.local_theta, None) if s.gemma else (cos, sin)
    for i in range(s.layers):
        n = layer_names(s, i)
        c, sn = local if s.sliding[i] else (cos, sin)
        h = attention(s, i, w, n, rms_norm(x, w[n["attn_norm"]], s.eps, s.gemma), c, sn)
        if s.gemma:
            h = rms_norm(h, w[n["post_attn_norm"]], s.eps, True)
        x = x + h
        h = rms_norm(x, w[n["mlp_norm"]], s.eps, s.gemma)
        gate, up = h @ w[n["gate"]].t(), h @ w[n["up"]].t()
        act = torch.nn.functional.gelu(gate, approximate="tanh") if s.gemma else \
            torch.nn.functional.silu(gate)
        h = (act * up) @ w[n["down"]].t()
        if s.gemma:
            h = rms_norm(h, w[n["post_mlp_norm"]], s.eps, True)
        x = x + h
    x = rms_norm(x, w[gn["norm"]], s.eps, s.gemma)
    head = w[gn["embed"]] if s.tied else w[gn["head"]]
    return (x @ head.t()).float()[0]  # [T, V]


def greedy(s, w, ids, count):
    ids = list(ids)
    out = []
    first_logits = None
    for _ in range(count):
        logits = forward(s, w, ids)[-1]
        if first_logits is None:
            first_logits = logits
        nxt = int(torch.argmax(logits))
        out.append(nxt)
        ids.append(nxt)
    return out, first_logits


# ---- safetensors by hand: 8-byte header length, JSON header, raw little-endian bytes ----

def write_safetensors(path, tensors, dtype):
    header, chunks, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        if dtype == "bf16":
            raw = t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes()
        else:
            raw = t.float().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "BF16" if dtype == "bf16" else "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in chunks:
            f.write(raw)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = body[begin:end]
        if info["dtype"] == "BF16":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<i2").copy()).view(torch.bfloat16)
        elif info["dtype"] == "F32":
            t = torch.from_numpy(np.frombuffer(raw, dtype="<f4").copy())
        else:
            raise SystemExit(path + ": dtype " + info["dtype"] + " not handled here")
        out[name] = t.float().reshape(info["shape"])
    return out


def read_checkpoint(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        files = sorted(set(json.load(open(index))["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    w = {}
    for f in files:
        w.update(read_safetensors(os.path.join(folder, f)))
    return w


def write_checkpoint(folder, w, dtype, shards):
    names = list(w.keys())
    if shards <= 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), w, dtype)
        return
    per = (len(names) + shards - 1) // shards
    weight_map = {}
    for k in range(shards):
        part = names[k * per:(k + 1) * per]
        fname = "model-%05d-of-%05d.safetensors" % (k + 1, shards)
        write_safetensors(os.path.join(folder, fname), {n: w[n] for n in part}, dtype)
        weight_map.update({n: fname for n in part})
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=1)


# ---- commands ----

def command_make(args):
    cfg = tiny_config(args.family)
    if args.dtype == "bf16":
        cfg["torch_dtype"] = "bfloat16"
    s = Settings(cfg)
    w = random_weights(s, args.seed)
    if args.dtype == "bf16":  # the reference computes with the weights as stored
        w = {k: v.to(torch.bfloat16).float() for k, v in w.items()}
    os.makedirs(args.out, exist_ok=True)
    write_checkpoint(args.out, w, args.dtype, args.shards)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    eos = cfg["eos_token_id"]
    with open(os.path.join(args.out, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": 1, "eos_token_id": eos}, f)
    g = torch.Generator().manual_seed(args.seed + 1)
    ids = [1] + torch.randint(5, s.vocab, (PROMPT_LENGTH - 1,), generator=g).tolist()
    logits = forward(s, w, ids)
    out, _ = greedy(s, w, ids, GREEDY_TOKENS)
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump({"prompt_ids": ids, "logits": logits.tolist(), "greedy_ids": out}, f)


def command_greedy(args):
    cfg = json.load(open(os.path.join(args.dir, "config.json")))
    s = Settings(cfg)
    w = read_checkpoint(args.dir)
    ids = [int(x) for x in args.ids.split(",")]
    out, first = greedy(s, w, ids, args.n)
    values, order = torch.sort(first, descending=True)
    top = [[int(order[i]), float(values[i])] for i in range(args.top)]
    print(json.dumps({"output_ids": out, "top_logits": top}))


def main():
    torch.set_num_threads(1)
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make")
    m.add_argument("--family", choices=FAMILIES, required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--dtype", choices=("f32", "bf16"), default="f32")
    m.add_argument("--shards", type=int, default=1)
    m.add_argument("--seed", type=int, default=0)
    g = sub.add_parser("greedy")
    g.add_argument("--dir", required=True)
    g.add_argument("--ids", required=True)
    g.add_argument("--n", type=int, default=8)
    g.add_argument("--top", type=int, default=5)
    args = p.parse_args()
    with torch.no_grad():
        command_make(args) if args.command == "make" else command_greedy(args)


if __name__ == "__main__":
    sys.exit(main())
