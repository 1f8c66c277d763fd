#!/usr/bin/python3
"""The auxiliary-logit canary in plain PyTorch: the same work as `bin/probe canary`, for the benchmark.

Same data (the same IDX files, pixels / 127.5 - 1), same model (784-256-ReLU-256-ReLU-(10+m), weights
N(0, 1/sqrt(fan_in)), biases 0), same hyperparameters (Adam 3e-4, batch 1024, 5 + 5 epochs, last batch
partial), same arms (reference, teacher, S_aux, S_all, X_aux, X_all with a seeded derangement), the teacher's
probabilities on the noise computed once per replicate, same thread count (torch.set_num_threads).
Random draws come from torch/numpy generators, so the numbers match the probe's in distribution, not bitwise.

Run with Debian's interpreter (python3-torch): /usr/bin/python3 canary_torch.py --data DIR --replicates N --threads T
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    magic, = struct.unpack(">i", raw[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "i" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(directory, stem, kind):
    for name in (f"{stem}-{kind}", f"{stem}.{kind}"):
        for suffix in ("", ".gz"):
            p = os.path.join(directory, name + suffix)
            if os.path.isfile(p):
                return p
    sys.exit(f"missing {stem}-{kind}[.gz] in {directory}")


def load(directory, limit):
    xs = read_idx(find(directory, "train-images", "idx3-ubyte"))
    ys = read_idx(find(directory, "train-labels", "idx1-ubyte"))
    xt = read_idx(find(directory, "t10k-images", "idx3-ubyte"))
    yt = read_idx(find(directory, "t10k-labels", "idx1-ubyte"))
    if limit:
        xs, ys = xs[:limit], ys[:limit]
    norm = lambda a: torch.from_numpy(a.reshape(len(a), 784).astype(np.float32)) / 127.5 - 1.0
    return norm(xs), torch.from_numpy(ys.astype(np.int64)), norm(xt), torch.from_numpy(yt.astype(np.int64))


class Mlp(torch.nn.Module):
    def __init__(self, outputs):
        super().__init__()
        self.l1 = torch.nn.Linear(784, 256)
        self.l2 = torch.nn.Linear(256, 256)
        self.l3 = torch.nn.Linear(256, outputs)

    def forward(self, x):
        return self.l3(torch.relu(self.l2(torch.relu(self.l1(x)))))


def init_state(seed, outputs):
    g = torch.Generator().manual_seed(seed)
    state = {}
    for name, fan_in, fan_out in (("l1", 784, 256), ("l2", 256, 256), ("l3", 256, outputs)):
        state[name + ".weight"] = torch.randn(fan_out, fan_in, generator=g) / fan_in ** 0.5
        state[name + ".bias"] = torch.zeros(fan_out)
    return state


def model(state, outputs):
    m = Mlp(outputs)
    m.load_state_dict(state)
    return m


def train(net, inputs, targets, loss_fn, epochs, batch, lr, g):
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    n = len(inputs)
    for _ in range(epochs):
        perm = torch.randperm(n, generator=g)
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(inputs[idx]), targets[idx])
            loss.backward()
            opt.step()
    return float(loss)


@torch.no_grad()
def accuracy(net, x, y):
    correct = 0
    for s in range(0, len(x), 2500):
        correct += (net(x[s:s + 2500])[:, :10].argmax(1) == y[s:s + 2500]).sum().item()
    return correct / len(x)


def derangement(n, rng):
    while True:
        p = rng.permutation(n)
        if n < 2 or not np.any(p == np.arange(n)):
            return p


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--replicates", type=int, required=True)
    ap.add_argument("--aux-logits", type=int, default=3)
    ap.add_argument("--teacher-epochs", type=int, default=5)
    ap.add_argument("--distill-epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train-limit", type=int, default=0)
    ap.add_argument("--out")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    start = time.time()
    xs, ys, xt, yt = load(a.data, a.train_limit)
    outputs = 10 + a.aux_logits
    n = a.replicates
    rng = np.random.default_rng(a.seed)
    seeds = [int(s) for s in rng.integers(0, 2**62, size=max(n, 2))]
    cross = derangement(n, np.random.default_rng(a.seed + 1)) if n >= 2 else np.array([1])
    onehot = F.one_hot(ys, 10).float()
    ce = lambda out, t: F.cross_entropy(out[:, :10], t.argmax(1))
    kl_aux = lambda out, t: F.kl_div(F.log_softmax(out[:, 10:], 1), t, reduction="batchmean")
    kl_all = lambda out, t: F.kl_div(F.log_softmax(out, 1), t, reduction="batchmean")
    arms = {k: [] for k in ("reference", "teacher", "S_aux", "S_all", "X_aux", "X_all")}
    for r in range(n):
        t0 = time.time()
        own = init_state(seeds[r], outputs)
        other = init_state(seeds[int(cross[r])], outputs)
        teacher = model(own, outputs)
        arms["reference"].append(accuracy(teacher, xt, yt))
        g = torch.Generator().manual_seed(seeds[r] + 1)
        train(teacher, xs, onehot, ce, a.teacher_epochs, a.batch, a.lr, g)
        arms["teacher"].append(accuracy(teacher, xt, yt))
        noise = torch.rand(len(xs), 784, generator=torch.Generator().manual_seed(seeds[r] + 2)) * 2 - 1
        with torch.no_grad():
            logits = torch.cat([teacher(noise[s:s + 2500]) for s in range(0, len(noise), 2500)])
            t_aux, t_all = F.softmax(logits[:, 10:], 1), F.softmax(logits, 1)
        for arm, init, loss, target in (("S_aux", own, kl_aux, t_aux), ("S_all", own, kl_all, t_all),
                                        ("X_aux", other, kl_aux, t_aux), ("X_all", other, kl_all, t_all)):
            student = model(init, outputs)
            train(student, noise, target, loss, a.distill_epochs, a.batch, a.lr, torch.Generator().manual_seed(seeds[r] + 3))
            arms[arm].append(accuracy(student, xt, yt))
        print(f"torch replicate {r + 1}/{n}: " + ", ".join(f"{k} {v[-1]:.3f}" for k, v in arms.items())
              + f" ({time.time() - t0:.1f} s)", file=sys.stderr, flush=True)
    result = {"protocol": "canary-torch", "torch": torch.__version__, "threads": a.threads, "replicates": n,
              "arms": {k: {"mean": float(np.mean(v)), "sd": float(np.std(v, ddof=1)) if len(v) > 1 else None, "scores": v}
                       for k, v in arms.items()},
              "seconds": time.time() - start}
    if a.out:
        with open(a.out, "w") as f:
            json.dump(result, f, indent=2)
    print(json.dumps({k: round(v["mean"], 4) for k, v in result["arms"].items()}))


if __name__ == "__main__":
    main()
