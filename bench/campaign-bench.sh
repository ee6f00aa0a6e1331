#!/usr/bin/env bash
# Campaign throughput benchmark: scenarios per second of 'sadump campaign' with 64 MiB systems
# on 2 cores (target: >= 20/s). Not a test; prints a short report.
#
#   bench/campaign-bench.sh [RUNS] [PARALLEL] [STORAGE]     defaults: 400 2 64M
#
# The first run builds the template (cached in the campaign directory) and is not measured; then RUNS and
# 2*RUNS scenarios are run with the given parallelism. Besides wall-clock scenarios/s the script prints
# the CPU seconds each JVM used (user+sys) and the load average, because on a shared machine wall-clock
# throughput says as much about the neighbours as about sadump. The difference of the two runs' CPU is
# the marginal CPU per scenario; PARALLEL / that is what PARALLEL idle cores would reach.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-400}"
parallel="${2:-2}"
storage="${3:-64M}"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; else base="${TMPDIR:-/tmp}"; fi
dir="$(mktemp -d "$base/sadump-bench-XXXXXX")"
trap 'rm -rf "$dir"' EXIT

cd "$here"
./sadump --version >/dev/null   # builds the CLI when sources changed
echo "campaign-bench: $runs scenarios, $storage systems, campaign dir $dir ($(nproc) cores)"
./sadump campaign "$dir" --runs 4 --parallel 1 --storage "$storage" --json >/dev/null   # builds the template

measure() {
  local p="$1" n="$2" out t0 t1 load me=$BASHPID
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  # CPU of this (sub)shell's finished children (cutime + cstime); the campaign's JVM is one of them
  t0=$(awk '{print $16+$17}' /proc/$me/stat)
  out="$(./sadump campaign "$dir" --runs "$n" --parallel "$p" --storage "$storage" --seed 4242 --json)" || {
    echo "campaign-bench: the campaign had unexpected outcomes:" >&2; echo "$out" >&2; exit 1; }
  t1=$(awk '{print $16+$17}' /proc/$me/stat)
  local ticks; ticks=$(getconf CLK_TCK)
  python3 - "$out" "$p" "$(( t1 - t0 ))" "$ticks" "$load" >&2 <<'PY'
import json, sys
o = json.loads(sys.argv[1]); p = int(sys.argv[2]); cpu = int(sys.argv[3]) / int(sys.argv[4]); load = sys.argv[5]
n = o["scenarios"]; wall = o["elapsed_seconds"]
print(f"  parallel {p}: {n} scenarios in {wall:.1f} s = {o['scenarios_per_second']:.1f} scenarios/s wall-clock"
      f" (load average before: {load})")
print(f"              JVM CPU {cpu:.1f} s (whole process, incl. start-up) = {1000*cpu/n:.0f} ms CPU per scenario"
      f" -> {n/(cpu/p):.1f} scenarios/s on {p} idle core(s)")
print(f"              detection {o['detection_rate_percent']}%, false fallbacks {o['false_fallback_rate_percent']}%,"
      f" unexpected {o['unexpected']}")
PY
  echo "$(( t1 - t0 )) $ticks" | awk '{printf "%.3f\n", $1 / $2}'
}
cpu1=$(measure "$parallel" "$runs")
cpu2=$(measure "$parallel" "$(( 2 * runs ))")
# The second run does RUNS more scenarios than the first; its extra CPU is what a scenario costs once the
# JVM has started and compiled (start-up, template scan and JIT cancel out).
python3 - "$cpu1" "$cpu2" "$runs" "$parallel" <<'PY'
import sys
c1, c2, n, p = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
per = (c2 - c1) / n
print(f"  marginal CPU per scenario (run of {2*n} minus run of {n}): {1000*per:.0f} ms"
      f" -> {p/per:.1f} scenarios/s on {p} idle core(s)")
PY
echo "campaign-bench: target >= 20 scenarios/s with 64M systems on 2 cores"
