#!/usr/bin/env python3
"""bench/torch_lora_sft.py: the plain-PyTorch baseline for the LoRA training target. An eager Llama
LoRA SFT step in Python (the way a peft/TRL loop runs it on a CPU: frozen f32 weights, LoRA r on
q,k,v,o,gate,up,down with alpha 2r, causal attention, cross-entropy on every position, backward,
grad-norm clip 1.0, AdamW), timed on the shape of a Hugging Face folder's config.json with random
N(0, 0.02) weights and random token batches (fixed seed), as `tunedeck_train_bench` does.
Run it with the python whose torch is the libtorch tunedeck links (here /usr/bin/python3 and
Debian's python3-torch 1.13) right next to `tunedeck_train_bench --method lora` with the same
--batch, --seq, --rank and --threads. Needs only torch."""
import argparse
import json
import os
import time

import torch
import torch.nn.functional as F


class LoraLinear:
    """y = x W^T + (x A^T) B^T * alpha / r, W frozen; A, B trained (B starts at zero, as in peft)."""

    def __init__(self, out_features, in_features, rank, g, dropout=0.0):
        self.dropout = dropout  # peft: an nn.Dropout of its own on each target's adapter input
        self.w = torch.randn(out_features, in_features, generator=g) * 0.02
        self.a = (torch.randn(rank, in_features, generator=g) / in_features ** 0.5).requires_grad_()
        self.b = torch.zeros(out_features, rank).requires_grad_()
        self.scale = 2.0  # alpha = 2r

    def __call__(self, x):
        h = F.dropout(x, self.dropout, training=True) if self.dropout > 0 else x
        return x @ self.w.T + (h @ self.a.T) @ self.b.T * self.scale

    def params(self):
        return [self.a, self.b]


class LoraLlama:
    def __init__(self, c, rank, seq, g, dropout=0.0):
        self.H, self.L = c["num_attention_heads"], c["num_hidden_layers"]
        self.Hkv = c.get("num_key_value_heads", self.H)
        C, I, V = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
        self.D, self.eps = C // self.H, c.get("rms_norm_eps", 1e-5)
        self.embed = torch.randn(V, C, generator=g) * 0.02
        self.head = self.embed if c.get("tie_word_embeddings") else torch.randn(V, C, generator=g) * 0.02
        self.final_norm = torch.ones(C)
        self.layers = []
        for _ in range(self.L):
            self.layers.append({
                "in_norm": torch.ones(C), "post_norm": torch.ones(C),
                "q": LoraLinear(self.H * self.D, C, rank, g, dropout), "k": LoraLinear(self.Hkv * self.D, C, rank, g, dropout),
                "v": LoraLinear(self.Hkv * self.D, C, rank, g, dropout), "o": LoraLinear(C, self.H * self.D, rank, g, dropout),
                "gate": LoraLinear(I, C, rank, g, dropout), "up": LoraLinear(I, C, rank, g, dropout),
                "down": LoraLinear(C, I, rank, g, dropout)})
        theta = c.get("rope_theta", 10000.0)
        inv = 1.0 / (theta ** (torch.arange(0, self.D, 2, dtype=torch.float32) / self.D))
        emb = torch.cat([torch.outer(torch.arange(seq, dtype=torch.float32), inv)] * 2, dim=-1)
        self.cos, self.sin = emb.cos(), emb.sin()
        self.mask = torch.ones(seq, seq, dtype=torch.bool).tril()

    def params(self):
        return [p for layer in self.layers for name in ("q", "k", "v", "o", "gate", "up", "down")
                for p in layer[name].params()]

    def norm(self, x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * weight

    def rope(self, x):
        half = x.shape[-1] // 2
        return x * self.cos + torch.cat([-x[..., half:], x[..., :half]], dim=-1) * self.sin

    def loss(self, ids):
        inputs, targets = ids[:, :-1], ids[:, 1:]
        B, T = inputs.shape
        x = self.embed[inputs]
        for p in self.layers:
            h = self.norm(x, p["in_norm"])
            q = self.rope(p["q"](h).view(B, T, self.H, self.D).transpose(1, 2))
            k = self.rope(p["k"](h).view(B, T, self.Hkv, self.D).transpose(1, 2))
            v = p["v"](h).view(B, T, self.Hkv, self.D).transpose(1, 2)
            k = k.repeat_interleave(self.H // self.Hkv, dim=1)
            v = v.repeat_interleave(self.H // self.Hkv, dim=1)
            scores = (q @ k.transpose(-1, -2)) / self.D ** 0.5
            scores = scores.masked_fill(~self.mask[:T, :T], float("-inf"))
            x = x + p["o"]((scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, -1))
            h = self.norm(x, p["post_norm"])
            x = x + p["down"](F.silu(p["gate"](h)) * p["up"](h))
        logits = self.norm(x, self.final_norm) @ self.head.T
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--model", required=True, help="a folder with config.json (its weights are not read)")
    a.add_argument("--batch", type=int, default=4)
    a.add_argument("--seq", type=int, default=128)
    a.add_argument("--rank", type=int, default=16)
    a.add_argument("--steps", type=int, default=3)
    a.add_argument("--warmup", type=int, default=1)
    a.add_argument("--threads", type=int, default=0)
    a.add_argument("--dropout", type=float, default=0.0, help="LoRA dropout on each adapter input (peft's lora_dropout)")
    args = a.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    c = json.load(open(os.path.join(args.model, "config.json")))
    g = torch.Generator().manual_seed(0)
    model = LoraLlama(c, args.rank, args.seq, g, args.dropout)
    params = model.params()
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    ids = torch.randint(3, c["vocab_size"], (args.batch, args.seq + 1), generator=g)
    times, losses = [], []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        loss = model.loss(ids)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if step >= args.warmup:
            times.append(time.perf_counter() - start)
    step_s = sorted(times)[len(times) // 2]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(),
                      "batch": args.batch, "seq": args.seq, "rank": args.rank, "dropout": args.dropout,
                      "trainable": sum(p.numel() for p in params),
                      "step_ms": round(step_s * 1000, 1), "tok_per_s": round(args.batch * args.seq / step_s, 1),
                      "loss_first": round(losses[0], 4), "loss_last": round(losses[-1], 4)}))


if __name__ == "__main__":
    main()
