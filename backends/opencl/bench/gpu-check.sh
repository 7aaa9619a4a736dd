#!/usr/bin/env bash
# The OpenCL backend's speed on a GPU machine, in one run of under four minutes:
#   1. bench ops on the device, compared with the CPU backend, tuning every product class it meets and
#      printing each variant's GFLOP/s on the op's shape (-Djdiffusion.opencl.tuning.verbose);
#   2. bench unet at SD 1.5 / 512x512 / batch 2 on the device (5 timed runs after the tuning warm-up), compared
#      with one CPU run, and which variants the tuner chose for the UNet's product classes;
#   3. while time is left, conv2d, matmul and linear with each variant forced in turn (no tuning, no CPU).
#
# Usage: gpu-check.sh [DIR]
#   DIR holds jdiffusion-runtime/ (a jlinked JDK 25 runtime) and jdiffusion-dist/ (the jars); default: the
#   current directory. JAVA=... and DIST=... override either. Logs go to $OUT (when set) or DIR/gpu-check-results.
#   Made on a machine with JDK 25 from a built checkout (./jdiffusion build):
#     $JAVA_HOME/bin/jlink --add-modules java.base,java.desktop,java.management,jdk.incubator.vector \
#         --strip-debug --no-header-files --no-man-pages --output DIR/jdiffusion-runtime
#     mkdir -p DIR/jdiffusion-dist && cp cli/target/lib/*.jar cli/target/jdiffusion-cli.jar DIR/jdiffusion-dist/
#   Only libOpenCL.so.1 and the GPU driver are needed on the GPU machine.
set -u

# The variants of GemmVariant.ALL (a test keeps this list equal to it).
VARIANTS="classic16 classic64 classic128 t128x128_k8_8x8 t128x128_k16_8x8 t128x64_k8_8x8 t64x128_k8_8x8 t64x64_k8_8x8 t128x64_k16_8x4 t64x128_k16_4x8 t64x64_k16_4x4 t64x32_k16_4x4 t32x64_k16_4x4 t32x32_k16_4x4"

DIR=${1:-.}
JAVA=${JAVA:-$DIR/jdiffusion-runtime/bin/java}
DIST=${DIST:-$DIR/jdiffusion-dist}
RESULTS=${OUT:-$DIR/gpu-check-results}
LIMIT=${GPU_CHECK_SECONDS:-215}
# Smaller runs for trying the script on a CPU OpenCL device (e.g. UNET_CONFIG=sd15-tiny UNET_SIZE=16 OPS_ONLY=matmul).
UNET_CONFIG=${UNET_CONFIG:-sd15}
UNET_SIZE=${UNET_SIZE:-64}
OPS_ONLY=${OPS_ONLY:+--only $OPS_ONLY}
mkdir -p "$RESULTS"
TUNING=$RESULTS/tuning-$$
start=$SECONDS

if [[ ! -x "$JAVA" ]]; then echo "gpu-check: no java at $JAVA (set JAVA=... or pass DIR)" >&2; exit 2; fi
if ! ls "$DIST"/jdiffusion-cli*.jar >/dev/null 2>&1; then echo "gpu-check: no jdiffusion-cli jar in $DIST (set DIST=...)" >&2; exit 2; fi

# jdiffusion NAME SECONDS [-Dprop=value ...] -- ARGS...: one CLI run, stdout and stderr kept as NAME.out/.err.
jdiffusion() {
  local name=$1 limit=$2; shift 2
  local props=()
  while [[ $# -gt 0 && $1 != -- ]]; do props+=("$1"); shift; done
  shift
  timeout --kill-after=5 "$limit" "$JAVA" -Djdiffusion.opencl.tuning.dir="$TUNING" "${props[@]}" \
    --enable-native-access=jdiffusion.core,jdiffusion.backends.cpu,jdiffusion.backends.opencl,jdiffusion.models \
    --module-path "$DIST" -m jdiffusion.cli/jdiffusion.cli.Main "$@" >"$RESULTS/$name.out" 2>"$RESULTS/$name.err"
  local rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "[$name exited with $rc$([[ $rc -eq 124 ]] && echo ": over ${limit}s")]; last lines of its output:"
    tail -n 5 "$RESULTS/$name.out"; grep -v '^WARNING' "$RESULTS/$name.err" | grep -v '^opencl tuning ' | tail -n 8
  fi
  return $rc
}

# The tuning lines of a log, shortened: class, each variant's GFLOP/s, the choice.
tuning_lines() {
  grep '^opencl tuning .* -> ' "$1" | sed -e 's/^opencl tuning //' -e 's/, GFLOP\/s:/:/'
}

echo "== gpu-check $(date -u +%FT%TZ) on ${HOSTNAME:-this machine}; $("$JAVA" -version 2>&1 | head -n 1)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,clocks.max.sm,memory.total --format=csv,noheader

echo "== 1. bench ops on the device (tuned), compared with the CPU backend"
jdiffusion ops 110 -Djdiffusion.opencl.tuning.verbose=true -- bench ops --backend opencl --warmup 3 --runs 7 \
  $OPS_ONLY --json "$RESULTS/ops.json"
grep -v '^WARNING' "$RESULTS/ops.out"
grep '^opencl device' "$RESULTS/ops.err"
tuning_lines "$RESULTS/ops.err"
echo "   ($((SECONDS - start)) s so far)"

echo "== 2. bench unet $UNET_CONFIG, batch 2, ${UNET_SIZE}x$UNET_SIZE latents, on the device (5 runs after the tuning warm-up) and once on the CPU"
jdiffusion unet 110 -Djdiffusion.opencl.tuning.verbose=true -- bench unet --config "$UNET_CONFIG" --batch 2 --size "$UNET_SIZE" \
  --backend opencl --iterations 5 --json "$RESULTS/unet.json"
grep -v '^WARNING' "$RESULTS/unet.out"
tuned=$(tuning_lines "$RESULTS/unet.err" | wc -l)
secs=$(grep '^opencl tuning .* -> ' "$RESULTS/unet.err" | sed -n 's/.*(\([0-9.]*\) s)$/\1/p' | awk '{s += $1} END {printf "%.1f", s}')
echo "   tuned $tuned product classes in $secs s (in the warm-up run); chosen:" \
  $(grep '^opencl tuning .* -> ' "$RESULTS/unet.err" | sed -n 's/.* -> \([^ ]*\) .*/\1/p' | sort | uniq -c | sort -rn | awk '{printf "%s x%s, ", $2, $1}')
echo "   slowest classes (all in $RESULTS/unet.err):"
grep '^opencl tuning .* -> ' "$RESULTS/unet.err" | sed -n 's/^opencl tuning \(.*\) (\([0-9.]*\) GFLOP).* -> \([^ ]*\) \([0-9.]*\) ms.*/\4 ms  \1  \2 GFLOP  \3/p' \
  | sort -rn | head -n 8 | sed 's/^/     /'
echo "   ($((SECONDS - start)) s so far)"

echo "== 3. each variant forced on conv2d, matmul, linear (GFLOP/s; no tuning, no CPU comparison)"
for v in $VARIANTS; do
  if (( SECONDS - start > LIMIT - 15 )); then echo "   (time is up: the remaining variants are skipped)"; break; fi
  if jdiffusion "forced-$v" 30 -Djdiffusion.opencl.gemm="$v" -Djdiffusion.opencl.tune=false -- bench ops --backend opencl \
      --compare none --only conv2d,matmul,linear --warmup 2 --warmup-seconds 0.5 --runs 5 --json "$RESULTS/forced-$v.json"; then
    printf '   %-18s' "$v"
    tr '}' '\n' <"$RESULTS/forced-$v.json" | sed -n 's/.*"id":"\([^"]*\)".*"gflops":\([0-9.]*\).*"kernel":"\([^"]*\)".*/\1 \2 [\3]/p' | tr '\n' ' '
    echo
  fi
done
echo "== done in $((SECONDS - start)) s; logs in $RESULTS"
