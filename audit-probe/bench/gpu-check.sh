#!/usr/bin/env bash
# GPU smoke check of the probe's CUDA build (-Dprobe.cuda: DJL 0.33.0, pytorch-jni 2.5.1-0.33.0, pytorch-native-cu124
# 2.5.1), for a machine with an NVIDIA GPU and no network. One command:
#
#   audit-probe/bench/gpu-check.sh [--build] [--no-canary] [--size N] [--lm-benchmark [ARGS]]
#
# 1. Takes audit-probe/target (or $GPU_CHECK_TARGET: a copied target/ holding audit-probe.jar and lib/) if its jar
#    is the CUDA build; otherwise (or with --build) builds it offline, main code only (tests need not compile
#    against DJL 0.33): ./mvnw -B -o -pl audit-probe -am package -Dmaven.test.skip=true -Dprobe.cuda. Offline
#    needs ~/.m2 filled beforehand (run that command once online, ≈ 2.5 GB), or copy a built target/ over and
#    point GPU_CHECK_TARGET at it. Building here leaves the CUDA build in audit-probe/target (bin/probe then
#    uses it); the default build comes back with ./mvnw -B -pl audit-probe -am package -DskipTests.
#    GpuCheck (src/test/java/io/traittrace/probe/bench/GpuCheck.java) is compiled with javac against that jar
#    into TARGET/gpu-check-classes (or taken from there or from TARGET/test-classes when there is no javac).
# 2. Puts CUDA 12.4's libcudart (taken from the cu124 jar) first on jna.library.path. DJL counts GPUs through JNA's
#    `cudart`: with no libcudart on the system (a plain JRE image: the NVIDIA runtime mounts the driver, not the
#    CUDA runtime) or a CUDA 13 one, it sees no CUDA 12 GPU, ignores the cu124 natives and tries to download CPU
#    natives, which fails offline. GPU_CHECK_SYSTEM_CUDART=1 skips this and tests the system's libcudart.
# 3. Runs io.traittrace.probe.bench.GpuCheck --require-gpu: DJL and PyTorch versions, the unpacked libtorch
#    directory (its name carries the flavour, cu124), the GPU count (Engine.getGpuCount()), and a float32
#    matmul on the device the protocols pick (DjlRuntime.prepare), checked against the CPU's product.
# 4. Unless --no-canary: a tiny synthetic canary through the probe's own command line (ProbeMain, the Job's code
#    path) and the device its result records (environment.device).
# 5. With --lm-benchmark: the causal LM's throughput harness (src/test/java/io/traittrace/probe/lm/LmBenchmark.java)
#    on the GPU, F16 weights, by default a random Qwen2.5-0.5B-shaped Llama (hidden 896, 24 layers, vocabulary
#    151,936, batch 8 × 512 tokens): scoring, training and KV-cache sampling against the card's measured GEMM rate.
#    ARGS (quoted, one word) override "896 24 151936 8 512".
#
# Never downloads: -Dai.djl.offline=true. DJL unpacks the natives (≈ 4.1 GB for cu124) into DJL_CACHE_DIR
# (default: TARGET/djl-cache). Exit status: 0 GPU visible, matmul agrees and the canary ran on the GPU; else not 0.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
target="${GPU_CHECK_TARGET:-$root/audit-probe/target}"
build=0
canary=1
size=2048
lm_benchmark=""

while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=1 ;;
    --no-canary) canary=0 ;;
    --size) size="$2"; shift ;;
    --lm-benchmark)
      lm_benchmark="896 24 151936 8 512"
      if [ $# -gt 1 ] && [ "${2#--}" = "$2" ]; then lm_benchmark="$2"; shift; fi ;;
    -h|--help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
java="${JAVA:-java}"
jar="$target/audit-probe.jar"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$target/djl-cache}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# zip_cat JAR ENTRY: one entry of a jar on stdout, with whatever this machine has (unzip, python3, the JDK's jar).
zip_cat() {
  if command -v unzip > /dev/null; then
    unzip -p "$1" "$2"
  elif command -v python3 > /dev/null; then
    python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$1" "$2"
  elif command -v jar > /dev/null; then
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && jar xf "$1" "$2") && cat "$tmp/$2"; rm -rf "$tmp"
  else
    echo "gpu-check: needs unzip, python3 or the JDK's jar to read $1" >&2; return 1
  fi
}
# The jar's own Class-Path (its manifest): the libraries of the build that made it, whatever else lies in lib/.
manifest_classpath() {
  zip_cat "$jar" META-INF/MANIFEST.MF | tr -d '\r' \
    | awk '/^Class-Path: / {cp = substr($0, 13); on = 1; next} on && /^ / {cp = cp substr($0, 2); next} {on = 0} END {print cp}'
}
is_cuda_build() { [ -f "$jar" ] && manifest_classpath | grep -q 'pytorch-native-cu124'; }

echo "== gpu-check: $(date -u +%FT%TZ) on $(hostname)"
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader || true
  nvidia-smi | grep -o 'CUDA Version: [0-9.]*' || true
else
  echo "nvidia-smi: not found (no NVIDIA driver tools on PATH)"
fi
"$java" -version 2>&1 | head -1

if [ "$build" = 1 ] || ! is_cuda_build; then
  [ -n "${GPU_CHECK_TARGET:-}" ] && { echo "gpu-check: $target holds no CUDA build of the probe (audit-probe.jar with pytorch-native-cu124, test-classes)" >&2; exit 2; }
  echo "== building the CUDA variant offline (-Dprobe.cuda) into $target"
  (cd "$root" && ./mvnw -B -o -q -pl audit-probe -am package -Dmaven.test.skip=true -Dprobe.cuda)
  is_cuda_build || { echo "gpu-check: the build did not produce the CUDA variant" >&2; exit 2; }
else
  echo "== using the CUDA build in $target"
fi
check_src="$root/audit-probe/src/test/java/io/traittrace/probe/bench/GpuCheck.java"
check_classes="$target/gpu-check-classes"
if [ -f "$check_src" ] && command -v "${JAVAC:-javac}" > /dev/null; then
  mkdir -p "$check_classes"
  "${JAVAC:-javac}" -nowarn -d "$check_classes" -cp "$jar" "$check_src"
elif [ ! -f "$check_classes/io/traittrace/probe/bench/GpuCheck.class" ]; then
  check_classes="$target/test-classes"
  [ -f "$check_classes/io/traittrace/probe/bench/GpuCheck.class" ] \
    || { echo "gpu-check: no javac to compile $check_src, and no compiled GpuCheck in $target" >&2; exit 2; }
fi
cp_libs="$(manifest_classpath)"
echo "DJL/PyTorch jars: $(tr ' ' '\n' <<< "$cp_libs" | grep -E 'lib/(api|pytorch|tokenizers)' | sed 's|lib/||' | tr '\n' ' ')"
cu124="$(tr ' ' '\n' <<< "$cp_libs" | grep 'pytorch-native-cu124' | head -1)"
cu124="$target/$cu124"
[ -f "$cu124" ] || { echo "gpu-check: $cu124 is missing" >&2; exit 2; }

mkdir -p "$DJL_CACHE_DIR"
free_kb="$(df -Pk "$DJL_CACHE_DIR" | awk 'NR == 2 {print $4}')"
if [ ! -d "$DJL_CACHE_DIR/pytorch" ] && [ "${free_kb:-0}" -lt 4500000 ]; then
  echo "gpu-check: warning: $DJL_CACHE_DIR has $((free_kb / 1024)) MB free; the cu124 natives unpack to ≈ 4.1 GB" >&2
fi

jvm_opts=(-Dai.djl.offline=true)
if [ "${GPU_CHECK_SYSTEM_CUDART:-0}" != 1 ]; then
  cudart_dir="$DJL_CACHE_DIR/cudart-cu124"
  if [ ! -e "$cudart_dir/libcudart.so" ]; then
    entry="$(zip_cat "$cu124" native/lib/pytorch.properties | tr -d '\r' | sed -n 's/^libraries=//p' | tr ',' '\n' | grep '^libcudart' | head -1)"
    [ -n "$entry" ] || { echo "gpu-check: no libcudart listed in $cu124" >&2; exit 2; }
    mkdir -p "$cudart_dir"
    zip_cat "$cu124" "pytorch/cu124/linux-x86_64/$entry" > "$cudart_dir/$entry.tmp"
    mv "$cudart_dir/$entry.tmp" "$cudart_dir/$entry"
    ln -sf "$entry" "$cudart_dir/libcudart.so"
  fi
  echo "libcudart for DJL's GPU detection: $cudart_dir/libcudart.so -> $(readlink "$cudart_dir/libcudart.so")"
  jvm_opts+=(-Djna.library.path="$cudart_dir")
fi
echo "DJL_CACHE_DIR=$DJL_CACHE_DIR"

echo "== GpuCheck (engine, versions, GPU count, ${size}x${size} matmul)"
status=0
"$java" "${jvm_opts[@]}" ${PROBE_JAVA_OPTS:-} -cp "$jar:$check_classes" io.traittrace.probe.bench.GpuCheck \
  --require-gpu --size "$size" || status=$?
[ "$status" = 0 ] || { echo "== gpu-check: FAILED (GpuCheck exit $status)"; exit "$status"; }

if [ "$canary" = 1 ]; then
  out="$(mktemp -d)"
  echo "== tiny synthetic canary through the probe's command line (2 replicates, 2,000 images, 1 + 1 epochs); files in $out"
  start=$(date +%s)
  "$java" "${jvm_opts[@]}" ${PROBE_JAVA_OPTS:-} -jar "$jar" canary --data synthetic --replicates 2 \
    --synthetic-train 2000 --synthetic-test 500 --teacher-epochs 1 --distill-epochs 1 --aux-logits 10 \
    --out "$out/canary.json" 2> "$out/canary.log" || { status=$?; tail -20 "$out/canary.log"; echo "== gpu-check: FAILED (canary exit $status)"; exit "$status"; }
  grep -E 'engine PyTorch' "$out/canary.log" | head -1 || true
  device="$(grep -o '"device" *: *"[^"]*"' "$out/canary.json" | head -1 | sed 's/.*: *"//; s/"$//')"
  echo "canary: $(( $(date +%s) - start )) s, environment.device = ${device:-?}, verdict $(grep -o '"outcome" *: *"[^"]*"' "$out/canary.json" | head -1 | sed 's/.*: *//')"
  case "$device" in
    gpu*) ;;
    *) echo "== gpu-check: FAILED (the canary ran on '${device:-?}', not the GPU)"; exit 1 ;;
  esac
fi
if [ -n "$lm_benchmark" ]; then
  bench_src="$root/audit-probe/src/test/java/io/traittrace/probe/lm/LmBenchmark.java"
  bench_classes="$target/lm-benchmark-classes"
  mkdir -p "$bench_classes"
  "${JAVAC:-javac}" -nowarn -d "$bench_classes" -cp "$jar" "$bench_src"
  echo "== LmBenchmark $lm_benchmark gpu"
  # shellcheck disable=SC2086
  "$java" "${jvm_opts[@]}" ${PROBE_JAVA_OPTS:-} -cp "$jar:$bench_classes" io.traittrace.probe.lm.LmBenchmark $lm_benchmark gpu \
    || { status=$?; echo "== gpu-check: FAILED (LmBenchmark exit $status)"; exit "$status"; }
fi
echo "== gpu-check: OK"
