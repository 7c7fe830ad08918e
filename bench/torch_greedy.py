#!/usr/bin/env python3
"""bench/torch_greedy.py: the plain-PyTorch baseline the decode bench compares tunedeck against. An eager
Llama greedy loop (KV cache, one token per step, torch ops only, no compile) on a Hugging Face
folder's safetensors, timing prefill and decode the way `tunedeck bench` does: random prompt ids
(fixed seed), the full --new-tokens, each step's argmax read back (a real loop waits for it).
Needs only torch; reads safetensors itself. `--prompt-ids` + `--check` compare greedy ids with a
golden list (used to check the loop itself on stories260k)."""
import argparse
import glob
import json
import os
import struct
import time

import torch

DTYPES = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}


def load_weights(folder, device, dtype):
    weights = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.safetensors"))):
        with open(path, "rb") as f:
            size = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(size))
            data = bytearray(f.read())
        for name, meta in header.items():
            if name == "__metadata__":
                continue
            kind = DTYPES[meta["dtype"]]
            begin, end = meta["data_offsets"]
            count = (end - begin) // torch.tensor([], dtype=kind).element_size()
            t = torch.frombuffer(data, dtype=kind, count=count, offset=begin) if count else torch.empty(0, dtype=kind)
            weights[name] = t.reshape(meta["shape"]).to(device=device, dtype=dtype)
    return weights


class Llama:
    def __init__(self, folder, device, dtype, context):
        c = json.load(open(os.path.join(folder, "config.json")))
        self.c, self.device, self.dtype = c, device, dtype
        self.H = c["num_attention_heads"]
        self.Hkv = c.get("num_key_value_heads", self.H)
        self.D = c["hidden_size"] // self.H
        self.eps = c.get("rms_norm_eps", 1e-5)
        self.L = c["num_hidden_layers"]
        self.w = load_weights(folder, device, dtype)
        if "lm_head.weight" not in self.w:
            self.w["lm_head.weight"] = self.w["model.embed_tokens.weight"]
        theta = c.get("rope_theta", 10000.0)
        inv = 1.0 / (theta ** (torch.arange(0, self.D, 2, dtype=torch.float32) / self.D))
        freqs = torch.outer(torch.arange(context, dtype=torch.float32), inv)
        emb = torch.cat([freqs, freqs], dim=-1)
        self.cos, self.sin = emb.cos().to(device, dtype), emb.sin().to(device, dtype)
        shape = (1, self.Hkv, context, self.D)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(self.L)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(self.L)]

    def norm(self, x, weight):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype) * weight

    def rope(self, x, start):
        T = x.shape[2]
        cos, sin = self.cos[start:start + T], self.sin[start:start + T]
        half = x.shape[-1] // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
        return x * cos + rotated * sin

    @torch.inference_mode()
    def forward(self, ids, start):
        w, T = self.w, ids.shape[1]
        x = w["model.embed_tokens.weight"][ids]
        for i in range(self.L):
            p = f"model.layers.{i}."
            h = self.norm(x, w[p + "input_layernorm.weight"])
            q = (h @ w[p + "self_attn.q_proj.weight"].T).view(1, T, self.H, self.D).transpose(1, 2)
            k = (h @ w[p + "self_attn.k_proj.weight"].T).view(1, T, self.Hkv, self.D).transpose(1, 2)
            v = (h @ w[p + "self_attn.v_proj.weight"].T).view(1, T, self.Hkv, self.D).transpose(1, 2)
            q, k = self.rope(q, start), self.rope(k, start)
            self.k[i][:, :, start:start + T] = k
            self.v[i][:, :, start:start + T] = v
            keys = self.k[i][:, :, :start + T].repeat_interleave(self.H // self.Hkv, dim=1)
            values = self.v[i][:, :, :start + T].repeat_interleave(self.H // self.Hkv, dim=1)
            scores = (q @ keys.transpose(-1, -2)).float() / self.D ** 0.5
            if T > 1:
                mask = torch.ones(T, start + T, dtype=torch.bool, device=x.device).tril(start)
                scores = scores.masked_fill(~mask, float("-inf"))
            att = (scores.softmax(-1).to(x.dtype) @ values).transpose(1, 2).reshape(1, T, -1)
            x = x + att @ w[p + "self_attn.o_proj.weight"].T
            h = self.norm(x, w[p + "post_attention_layernorm.weight"])
            gate = torch.nn.functional.silu(h @ w[p + "mlp.gate_proj.weight"].T)
            x = x + (gate * (h @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
        return self.norm(x[:, -1], w["model.norm.weight"]) @ w["lm_head.weight"].T


def greedy(model, prompt, new_tokens):
    """Returns (generated ids, prefill seconds, decode seconds for new_tokens - 1 steps)."""
    ids = torch.tensor([prompt], device=model.device)
    start = time.perf_counter()
    token = int(model.forward(ids, 0).argmax(-1).item())
    prefill = time.perf_counter() - start
    out, position = [token], len(prompt)
    start = time.perf_counter()
    for _ in range(new_tokens - 1):
        token = int(model.forward(torch.tensor([[token]], device=model.device), position).argmax(-1).item())
        out.append(token)
        position += 1
    return out, prefill, time.perf_counter() - start


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--model", required=True)
    a.add_argument("--device", default="cpu")
    a.add_argument("--dtype", default="f32", choices=["f32", "bf16"])
    a.add_argument("--prompt-tokens", type=int, default=128)
    a.add_argument("--new-tokens", type=int, default=64)
    a.add_argument("--runs", type=int, default=3)
    a.add_argument("--threads", type=int, default=0)
    a.add_argument("--prompt-ids", help="comma-separated ids instead of a random prompt")
    a.add_argument("--check", help="comma-separated ids the greedy output must equal (exit 1 if not)")
    args = a.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    dtype = torch.float32 if args.dtype == "f32" else torch.bfloat16
    load_start = time.perf_counter()
    model = Llama(args.model, args.device, dtype, args.prompt_tokens + args.new_tokens + 8
                  if not args.prompt_ids else len(args.prompt_ids.split(",")) + args.new_tokens + 8)
    load = time.perf_counter() - load_start
    vocab = model.c["vocab_size"]
    g = torch.Generator().manual_seed(0)
    prompts = ([[int(i) for i in args.prompt_ids.split(",")]] if args.prompt_ids else
               [torch.randint(0, vocab, (args.prompt_tokens,), generator=g).tolist() for _ in range(args.runs + 1)])
    results = [greedy(model, p, args.new_tokens) for p in prompts]  # the first is the warm-up
    timed = results[1:] if len(results) > 1 else results
    prefill = sorted(len(prompts[0]) / r[1] for r in timed)[len(timed) // 2]
    decode = sorted((args.new_tokens - 1) / r[2] for r in timed)[len(timed) // 2]
    print(json.dumps({"torch": torch.__version__, "device": args.device, "dtype": args.dtype,
                      "threads": torch.get_num_threads(), "load_s": round(load, 3),
                      "prefill_tok_s": round(prefill, 2), "decode_tok_s": round(decode, 2),
                      "prompt_tokens": len(prompts[0]), "new_tokens": args.new_tokens,
                      "runs": len(timed)}))
    if args.check:
        want = [int(i) for i in args.check.split(",")]
        got = results[0][0]
        print("greedy ids", "equal the check list" if got == want else f"DIFFER: {got}")
        return 0 if got == want else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
