#!/usr/bin/env python3
"""Independent float64 reference for Hugging Face causal LMs: Llama, Qwen2, Mistral.

Plain PyTorch (no transformers, no safetensors package): reads config.json and the safetensors checkpoint of an HF
model directory and runs the decoder forward pass in float64, following transformers' modeling_llama.py,
modeling_qwen2.py, modeling_mistral.py and modeling_rope_utils.py. Each row runs alone (batch of one, no padding),
at positions 0..n-1.

    python3 reference_lm.py MODEL_DIR REQUEST.json [--logits]

REQUEST.json: {"rows": [{"ids": [int, ...], "start": s, "score_from": k}, ...]}
  ids         token ids of the row.
  start       optional, default 0: ids[:start] are dropped (left padding); the forward runs over ids[start:], whose
              first token is at position 0.
  score_from  optional, default start + 1: the first index (into ids) to score; needs start + 1 <= k <= len(ids).
stdout: {"logprobs": [[...], ...]}: per row, for t = score_from .. len(ids) - 1, the natural-log probability
  log_softmax(logits[t - 1])[ids[t]] (float64) of ids[t] given ids[start:t].
  With --logits also "logits": [[...], ...]: per row the full float64 logits at the row's last position
  (the distribution of the token after ids[-1]).
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)

SUPPORTED = ("llama", "qwen2", "mistral")


# ---------------------------------------------------------------------------------------------------------------
# Checkpoint
# ---------------------------------------------------------------------------------------------------------------

def read_safetensors(path):
    """name -> float64 tensor. Format: u64 LE header length, JSON header, then the raw little-endian data."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        dtype = info["dtype"]
        if dtype == "F32":
            values = raw.view("<f4")
        elif dtype == "F16":
            values = raw.view("<f2")
        elif dtype == "BF16":
            # bfloat16 is the top half of a float32: widen the bits and reinterpret (exact).
            values = (raw.view("<u2").astype(np.uint32) << 16).view("<f4")
        elif dtype == "F64":
            values = raw.view("<f8")
        else:
            raise SystemExit(f"{path}: tensor {name} has unsupported dtype {dtype}")
        out[name] = torch.from_numpy(values.astype(np.float64).reshape(info["shape"]))
    return out


def read_checkpoint(model_dir):
    """With model.safetensors.index.json exactly the shards its weight_map names, else model.safetensors, else every
    *.safetensors file (transformers' loading order)."""
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            weight_map = json.load(f)["weight_map"]
        files = sorted(set(weight_map.values()))
    elif os.path.exists(os.path.join(model_dir, "model.safetensors")):
        files = ["model.safetensors"]
    else:
        files = sorted(p for p in os.listdir(model_dir) if p.endswith(".safetensors"))
    if not files:
        raise SystemExit(f"{model_dir}: no safetensors checkpoint")
    tensors = {}
    for name in files:
        for key, value in read_safetensors(os.path.join(model_dir, name)).items():
            if key in tensors:
                raise SystemExit(f"{key} appears in two shards")
            tensors[key] = value
    return tensors


# ---------------------------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------------------------

class Model:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            cfg = json.load(f)
        self.cfg = cfg
        self.type = cfg["model_type"]
        if self.type not in SUPPORTED:
            raise SystemExit(f"model_type {self.type!r} is not one of {SUPPORTED}")
        if cfg.get("hidden_act", "silu") not in ("silu", "swish"):  # ACT2FN["silu"] and ["swish"] are both SiLU
            raise SystemExit(f"hidden_act {cfg['hidden_act']!r} is not silu")
        self.hidden = cfg["hidden_size"]
        self.layers = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        # Config default: num_key_value_heads = num_attention_heads (no GQA).
        self.kv_heads = cfg.get("num_key_value_heads") or self.heads
        # LlamaAttention / MistralAttention / Qwen2Attention: head_dim = config.head_dim or hidden // heads;
        # q is [heads * head_dim, hidden], which need not equal hidden (Mistral-Nemo, explicit head_dim).
        self.head_dim = cfg.get("head_dim") or self.hidden // self.heads
        self.eps = cfg["rms_norm_eps"]
        self.vocab = cfg["vocab_size"]
        # LlamaConfig, Qwen2Config and MistralConfig all default tie_word_embeddings to False.
        self.tied = cfg.get("tie_word_embeddings", False)

        # Biases, as the modules are built (from the config, not from whatever the file holds):
        #   Qwen2Attention: q/k/v Linear(bias=True), o_proj bias=False.
        #   LlamaAttention: q/k/v/o Linear(bias=config.attention_bias); LlamaMLP: gate/up/down bias=config.mlp_bias.
        #   Mistral: no biases.
        if self.type == "qwen2":
            self.qkv_bias, self.o_bias, self.mlp_bias = True, False, False
        elif self.type == "llama":
            attention_bias = bool(cfg.get("attention_bias", False))
            self.qkv_bias, self.o_bias, self.mlp_bias = attention_bias, attention_bias, bool(cfg.get("mlp_bias", False))
        else:
            self.qkv_bias, self.o_bias, self.mlp_bias = False, False, False

        self.windows = [self.sliding_window(i) for i in range(self.layers)]
        self.inv_freq = self.rope_inv_freq()
        self.w = read_checkpoint(model_dir)
        self.check_tensors()

    def sliding_window(self, layer):
        """The attention window of one layer, None for full causal attention."""
        cfg = self.cfg
        if self.type == "mistral":
            # MistralModel: a sliding-window causal mask for every layer when config.sliding_window is set.
            return cfg.get("sliding_window")
        if self.type == "qwen2":
            # Qwen2Config: layer_types[i] = "sliding_attention" if use_sliding_window and i >= max_window_layers.
            types = cfg.get("layer_types")
            if types is not None:
                sliding = types[layer] == "sliding_attention"
            else:
                sliding = bool(cfg.get("use_sliding_window", False)) and layer >= cfg.get("max_window_layers", 28)
            return cfg.get("sliding_window") if sliding else None
        return None

    def rope_inv_freq(self):
        """modeling_rope_utils: the inverse frequencies, default / linear / llama3 (attention_factor 1.0 for all)."""
        cfg = self.cfg
        # convert_rope_params_to_dict: rope_scaling (transformers 4.x name) or rope_parameters (5.x name);
        # rope_theta from the dict, else the top-level config field, else 10000; "type" is the old "rope_type".
        params = cfg.get("rope_scaling") or cfg.get("rope_parameters") or {}
        theta = params.get("rope_theta", cfg.get("rope_theta", 10000.0))
        rope_type = params.get("rope_type", params.get("type", "default"))
        partial = params.get("partial_rotary_factor", cfg.get("partial_rotary_factor", 1.0))
        if partial != 1.0:
            raise SystemExit("partial_rotary_factor is not supported")
        dim = self.head_dim
        # _compute_default_rope_parameters: 1 / base^(arange(0, dim, 2) / dim).
        inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
        if rope_type == "default":
            return inv_freq
        if rope_type == "linear":
            # _compute_linear_scaling_rope_parameters: inv_freq / factor (the same as positions / factor).
            return inv_freq / params["factor"]
        if rope_type == "llama3":
            # _compute_llama3_parameters (Llama 3.1): keep high frequencies, divide low ones by factor, smooth between.
            factor = params["factor"]
            low = params["low_freq_factor"]
            high = params["high_freq_factor"]
            old_context = params.get("original_max_position_embeddings", cfg["max_position_embeddings"])
            low_freq_wavelen = old_context / low
            high_freq_wavelen = old_context / high
            wavelen = 2 * math.pi / inv_freq
            inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
            smooth = (old_context / wavelen - low) / (high - low)
            smoothed = (1 - smooth) * inv_freq_llama / factor + smooth * inv_freq_llama
            medium = ~(wavelen < high_freq_wavelen) & ~(wavelen > low_freq_wavelen)
            return torch.where(medium, smoothed, inv_freq_llama)
        raise SystemExit(f"rope type {rope_type!r} is not supported (default, linear, llama3)")

    def names(self):
        """Every tensor the HF module tree loads, with its shape."""
        d, hd, inter = self.hidden, self.head_dim, self.cfg["intermediate_size"]
        q_out, kv_out = self.heads * hd, self.kv_heads * hd
        shapes = {"model.embed_tokens.weight": (self.vocab, d), "model.norm.weight": (d,)}
        for i in range(self.layers):
            p = f"model.layers.{i}."
            shapes[p + "input_layernorm.weight"] = (d,)
            shapes[p + "post_attention_layernorm.weight"] = (d,)
            for proj, out, inp in (("q", q_out, d), ("k", kv_out, d), ("v", kv_out, d), ("o", d, q_out)):
                shapes[f"{p}self_attn.{proj}_proj.weight"] = (out, inp)  # torch Linear: [out, in]
                if (proj != "o" and self.qkv_bias) or (proj == "o" and self.o_bias):
                    shapes[f"{p}self_attn.{proj}_proj.bias"] = (out,)
            for proj, out, inp in (("gate", inter, d), ("up", inter, d), ("down", d, inter)):
                shapes[f"{p}mlp.{proj}_proj.weight"] = (out, inp)
                if self.mlp_bias:
                    shapes[f"{p}mlp.{proj}_proj.bias"] = (out,)
        if not self.tied:
            shapes["lm_head.weight"] = (self.vocab, d)
        return shapes

    def check_tensors(self):
        self.expected = expected = self.names()
        for name, shape in expected.items():
            if name not in self.w:
                # transformers would initialise it at random with a warning; a reference must not.
                raise SystemExit(f"missing tensor {name}")
            if tuple(self.w[name].shape) != shape:
                raise SystemExit(f"{name}: shape {tuple(self.w[name].shape)}, expected {shape}")
        unused = sorted(set(self.w) - set(expected))
        if unused:
            # transformers ignores them ("Some weights ... were not used"); so do we, aloud.
            print(f"reference_lm: ignoring {len(unused)} unused tensors, e.g. {unused[0]}", file=sys.stderr)
        # tie_word_embeddings: lm_head shares model.embed_tokens.weight (a checkpoint written by transformers then
        # holds no lm_head.weight; if one is there anyway, the tie wins, as in transformers).
        self.head = self.w["model.embed_tokens.weight"] if self.tied else self.w["lm_head.weight"]

    # -- layers -------------------------------------------------------------------------------------------------

    def rms_norm(self, x, weight):
        # LlamaRMSNorm / Qwen2RMSNorm / MistralRMSNorm: x * rsqrt(mean(x^2, -1) + eps), in float32 there, float64 here;
        # then weight * (that, cast back to the input dtype).
        variance = x.pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(variance + self.eps))

    def linear(self, x, name):
        # torch Linear: x W^T + b, the bias only where the module has one (see __init__).
        y = x @ self.w[name + ".weight"].T
        if name + ".bias" in self.expected:
            y = y + self.w[name + ".bias"]
        return y

    @staticmethod
    def rotate_half(x):
        # rotate_half: cat(-x2, x1) over the two halves of the last dimension (the HF "half-split" RoPE layout).
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    def forward(self, ids):
        """Logits [n, vocab] for one row of ids at positions 0..n-1."""
        n = len(ids)
        x = self.w["model.embed_tokens.weight"][torch.tensor(ids, dtype=torch.long)]  # no embedding scale
        # LlamaRotaryEmbedding.forward: freqs = positions x inv_freq; emb = cat(freqs, freqs); cos, sin of it
        # (times attention_scaling, 1.0 for default / linear / llama3).
        positions = torch.arange(n, dtype=torch.float64)
        freqs = torch.outer(positions, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()  # [n, head_dim], broadcast over heads
        q_idx = torch.arange(n).view(n, 1)
        k_idx = torch.arange(n).view(1, n)
        groups = self.heads // self.kv_heads
        for i in range(self.layers):
            p = f"model.layers.{i}."
            # LlamaDecoderLayer: pre-norm residual blocks.
            h = self.rms_norm(x, self.w[p + "input_layernorm.weight"])
            q = self.linear(h, p + "self_attn.q_proj").view(n, self.heads, self.head_dim).transpose(0, 1)
            k = self.linear(h, p + "self_attn.k_proj").view(n, self.kv_heads, self.head_dim).transpose(0, 1)
            v = self.linear(h, p + "self_attn.v_proj").view(n, self.kv_heads, self.head_dim).transpose(0, 1)
            # apply_rotary_pos_emb: q * cos + rotate_half(q) * sin (same for k), before the GQA repeat.
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            # repeat_kv: kv head j serves query heads j*groups .. (j+1)*groups-1 (repeat_interleave on the head axis).
            k = k.repeat_interleave(groups, dim=0)
            v = v.repeat_interleave(groups, dim=0)
            # eager_attention_forward: softmax(q k^T * head_dim^-0.5 + mask) v.
            scores = (q @ k.transpose(1, 2)) * self.head_dim ** -0.5
            allowed = k_idx <= q_idx  # causal_mask_function
            window = self.windows[i]
            if window is not None:
                allowed = allowed & (k_idx > q_idx - window)  # sliding_window_overlay: kv_idx > q_idx - window
            scores = scores.masked_fill(~allowed, float("-inf"))
            attn = torch.softmax(scores, dim=-1) @ v  # [heads, n, head_dim]
            attn = attn.transpose(0, 1).reshape(n, self.heads * self.head_dim)
            x = x + self.linear(attn, p + "self_attn.o_proj")
            h = self.rms_norm(x, self.w[p + "post_attention_layernorm.weight"])
            # LlamaMLP: down_proj(silu(gate_proj(h)) * up_proj(h)).
            gate = self.linear(h, p + "mlp.gate_proj")
            up = self.linear(h, p + "mlp.up_proj")
            x = x + self.linear(torch.nn.functional.silu(gate) * up, p + "mlp.down_proj")
        x = self.rms_norm(x, self.w["model.norm.weight"])
        return x @ self.head.T  # lm_head, no bias


# ---------------------------------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------------------------------

def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    flags = {a for a in argv if a.startswith("--")}
    if len(args) != 2 or not flags <= {"--logits"}:
        raise SystemExit(__doc__)
    model = Model(args[0])
    with open(args[1]) as f:
        rows = json.load(f)["rows"]
    logprobs, last_logits = [], []
    for r, row in enumerate(rows):
        ids = [int(t) for t in row["ids"]]
        start = int(row.get("start", 0))
        score_from = int(row.get("score_from", start + 1))
        if not 0 <= start < len(ids):
            raise SystemExit(f"row {r}: start {start} outside 0..{len(ids) - 1}")
        if not start + 1 <= score_from <= len(ids):
            raise SystemExit(f"row {r}: score_from {score_from} outside {start + 1}..{len(ids)}")
        bad = [t for t in ids[start:] if not 0 <= t < model.vocab]
        if bad:
            raise SystemExit(f"row {r}: ids {bad[:5]} outside the vocabulary 0..{model.vocab - 1}")
        seq = ids[start:]
        if len(seq) > model.cfg.get("max_position_embeddings", len(seq)):
            print(f"reference_lm: row {r} is longer than max_position_embeddings", file=sys.stderr)
        logits = model.forward(seq)
        logp = torch.log_softmax(logits, dim=-1)
        logprobs.append([logp[t - start - 1, ids[t]].item() for t in range(score_from, len(ids))])
        if "--logits" in flags:
            last_logits.append(logits[-1].tolist())
    out = {"logprobs": logprobs}
    if "--logits" in flags:
        out["logits"] = last_logits
    json.dump(out, sys.stdout, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
