#!/usr/bin/env bash
# The canary benchmark: `bin/probe canary` against plain PyTorch (bench/canary_torch.py, Debian's python3-torch)
# on the same IDX files, replicates, hyperparameters and thread count. Prints both accuracy tables, both wall
# times (whole processes, start-up included), peak RSS of each, and the ratio probe / torch.
#
#   audit-probe/bench/run-canary-benchmark.sh [DATA_DIR] [REPLICATES] [THREADS] [-- extra canary flags]
#   e.g. audit-probe/bench/run-canary-benchmark.sh /usr/share/datasets/fashion-mnist 10 1
#        audit-probe/bench/run-canary-benchmark.sh /usr/share/datasets/fashion-mnist 3 1 -- --train-limit 10000
#
# Needs: apt-get install -y time python3-torch dataset-fashion-mnist. Extra flags (--train-limit, --aux-logits,
# --teacher-epochs, --distill-epochs, --batch, --lr, --seed) go to both sides.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="${1:-/usr/share/datasets/fashion-mnist}"
replicates="${2:-10}"
threads="${3:-1}"
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
out="${BENCH_OUT:-$(mktemp -d)}"
mkdir -p "$out"
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"

[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "needs Debian's python3-torch (apt-get install python3-torch)" >&2; exit 2; }
[ -f "$root/audit-probe/target/audit-probe.jar" ] || (cd "$root" && ./mvnw -q -B -pl audit-probe package -DskipTests)

echo "canary benchmark: data $data, replicates $replicates, threads $threads, extra: ${extra[*]:-none}; files in $out"
/usr/bin/time -v -o "$out/probe.time" "$root/bin/probe" canary --data "$data" --replicates "$replicates" --threads "$threads" \
  --out "$out/probe.json" "${extra[@]}" 2> "$out/probe.log"
/usr/bin/time -v -o "$out/torch.time" /usr/bin/python3 "$root/audit-probe/bench/canary_torch.py" --data "$data" \
  --replicates "$replicates" --threads "$threads" --out "$out/torch.json" "${extra[@]}" 2> "$out/torch.log" > /dev/null

/usr/bin/python3 - "$out" <<'PY'
import json, re, sys
out = sys.argv[1]
def wall(path):
    text = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    seconds = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return seconds, rss
probe, torch = json.load(open(f"{out}/probe.json")), json.load(open(f"{out}/torch.json"))
pw, pr = wall(f"{out}/probe.time")
tw, tr = wall(f"{out}/torch.time")
for name, res in (("probe (DJL " + probe["environment"]["djl"] + ", PyTorch " + probe["environment"]["engineVersion"] + ")", probe),
                  ("plain PyTorch " + torch["torch"], torch)):
    print(f"\n{name}: accuracy per arm")
    print(f"  {'arm':<10}{'mean':>8}{'sd':>8}   scores")
    for arm, a in res["arms"].items():
        sd = a["sd"] if isinstance(a["sd"], (int, float)) else float("nan")
        print(f"  {arm:<10}{a['mean']:>8.3f}{sd:>8.3f}   " + " ".join(f"{s:.3f}" for s in a["scores"]))
print(f"\nprobe verdict: {probe['verdict']['outcome']}")
print(f"probe: wall {pw:.1f} s, peak RSS {pr:.0f} MB (probe's own VmHWM {probe['evidence']['peakRssMb']} MB; RSS after each replicate {probe['evidence']['rssMbAfterReplicate']})")
print(f"torch: wall {tw:.1f} s, peak RSS {tr:.0f} MB")
print(f"ratio probe/torch wall time: {pw / tw:.3f}  (≤ 1.0: the probe is no slower)")
PY
