#!/usr/bin/env bash
# Speed of the stand-alone dump to a 3390 CKD image. Not a test: it prints figures.
#
#   bench/dump-bench.sh [STORAGE] [WORKDIR]       (defaults: 4G, a temporary directory, removed after)
#
# One run, side by side on the same filesystem (WORKDIR):
#   - 'sadump hmc DIR stop', then 'sadump hmc DIR load 190 --store-status --json' (timed) to a --no-compress DASD  vs  'dd bs=1M conv=fsync'
#     copying the machine's storage.img (the dumper forces its image to disk at the end, so dd does too);
#     target: at least 80 % of dd's rate;
#   - the same load to a compressing DASD (zlib level 1 on both cores)  vs  'gzip -1' on the same
#     storage.img; target: at least 2x gzip's rate, output at most 5 % larger.
# Rates are storage bytes per wall-clock second; the sadump figures include the JVM start, the kdump
# verdict and the store status (the loader's own duration_ms, without the JVM start, is shown too).
# The IPIB pointer is cleared first so the dumper ends in a disabled wait: the model's re-IPL would
# boot the first kernel again, which is not part of the dump. The machine has no kdump kernel
# loaded, so the verdict fails and the dumper falls back to the stand-alone dump. The heap is capped
# at 256 MiB (SADUMP_JAVA_OPTS, override it to compare); peak RSS comes from /usr/bin/time -v.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
storage="${1:-4G}"
if [ -n "${2:-}" ]; then
  work="$2"; keep=1
else
  work="$(mktemp -d /tmp/sadump-dump-bench.XXXXXX)"; keep=0
fi
mkdir -p "$work"
export SADUMP_JAVA_OPTS="${SADUMP_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}"
sadump="$here/sadump"
jar="$here/sadump-cli/target/sadump.jar"
"$sadump" --version >/dev/null          # builds the jar when sources changed
m="$work/m"
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
mibps() { echo "scale=1; $bytes / 1048576 / $1" | bc -l; }
pct() { echo "scale=1; 100 * $1 / $2" | bc -l; }
# rss_of FILE: peak RSS in MiB from /usr/bin/time -v output
rss_of() { awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
timev=()
[ -x /usr/bin/time ] && timev=(/usr/bin/time -v -o "$work/time.txt")

if [ ! -f "$m/storage.img" ]; then
  echo "creating a $storage mixed machine in $m ..." >&2
  bytes=$(numfmt --from=iec "$storage")
  # one 3390 holding the whole storage uncompressed: 15 tracks x 12 blocks of 4 KiB per cylinder, 2 % spare
  cyl=$(( bytes / (15 * 12 * 4096) * 102 / 100 + 16 ))
  "$sadump" machine create "$m" --storage "$storage" --workload mixed --dasd "0.0.0190:$cyl" >/dev/null
fi
bytes=$(stat -c %s "$m/storage.img")
img="$m/devices/$(ls "$m/devices" | grep -i 190 | head -1)"

# dump_once COMPRESS_FLAG: prepares the DASD, loads it, sets t_dump, dur_ms, dfile, rss
dump_once() {
  "$sadump" dumpdev prepare "$m" 0.0.0190 "$@" >/dev/null
  # No IPIB pointer (absolute 0x0E00, storage.img offset = address): after the dump the dumper stops in
  # a disabled wait instead of re-IPLing, which in this model boots the first kernel again and is no
  # part of the dump's time.
  python3 -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(0x0E00); f.write(bytes(8)); f.close()' \
    "$m/storage.img"
  # the HMC refuses a normal load of running CPUs: stop them first, as an operator does (untimed)
  "$sadump" hmc "$m" stop >/dev/null
  sync
  local t0 t1
  t0=$(now)
  "${timev[@]}" "$sadump" hmc "$m" load 0.0.0190 --store-status --json >"$work/load.json" || true
  t1=$(now)
  t_dump=$(secs "$t0" "$t1")
  read -r verdict complete dfile dur_ms < <(python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
print(o["verdict"], o["dump"]["complete"], o["dump"]["bytes"], o["duration_ms"])' "$work/load.json")
  rss="n/a"
  [ -f "$work/time.txt" ] && rss="$(rss_of "$work/time.txt") MiB"
  if [ "$complete" != "True" ]; then
    echo "the stand-alone dump did not complete (verdict: $verdict):" >&2
    cat "$work/load.json" >&2
    exit 1
  fi
}

cat "$m/storage.img" >/dev/null           # warm the page cache for every reader alike

# --- without compression vs dd ---
t0=$(now); dd if="$m/storage.img" of="$work/dd.out" bs=1M conv=fsync status=none; t1=$(now)
t_dd=$(secs "$t0" "$t1"); rm -f "$work/dd.out"
dump_once --no-compress
t_plain=$t_dump; f_plain=$dfile; ms_plain=$dur_ms; rss_plain=$rss

# --- with compression vs gzip -1 ---
t0=$(now); gzip -1 -c "$m/storage.img" >"$work/ref.gz"; t1=$(now)
t_gz=$(secs "$t0" "$t1"); s_gz=$(stat -c %s "$work/ref.gz"); rm -f "$work/ref.gz"
dump_once
t_comp=$t_dump; f_comp=$dfile; ms_comp=$dur_ms; rss_comp=$rss

echo "storage: $bytes bytes ($storage mixed), $(nproc) CPUs, load: $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "SADUMP_JAVA_OPTS=$SADUMP_JAVA_OPTS; workdir filesystem: $(df -P "$work" | awk 'NR==2 { print $1 }')"
printf 'dd bs=1M conv=fsync          : %7.2f s  %7s MiB/s\n' "$t_dd" "$(mibps "$t_dd")"
printf 'dump, no compression         : %7.2f s  %7s MiB/s  (loader %d ms, dump file %d bytes, peak RSS %s)\n' \
  "$t_plain" "$(mibps "$t_plain")" "$ms_plain" "$f_plain" "$rss_plain"
printf '  rate vs dd                 : %s %% wall-clock, %s %% by the loader'"'"'s time  (target >= 80 %%)\n' \
  "$(pct "$t_dd" "$t_plain")" "$(pct "$t_dd" "$(echo "$ms_plain / 1000" | bc -l)")"
printf 'gzip -1                      : %7.2f s  %7s MiB/s  -> %d bytes\n' "$t_gz" "$(mibps "$t_gz")" "$s_gz"
printf 'dump, compressed             : %7.2f s  %7s MiB/s  (loader %d ms, dump file %d bytes, peak RSS %s)\n' \
  "$t_comp" "$(mibps "$t_comp")" "$ms_comp" "$f_comp" "$rss_comp"
printf '  rate vs gzip -1            : %sx wall-clock, %sx by the loader'"'"'s time  (target >= 2x)\n' \
  "$(echo "scale=2; $t_gz / $t_comp" | bc -l)" "$(echo "scale=2; $t_gz * 1000 / $ms_comp" | bc -l)"
printf '  size vs gzip -1            : %s %%  (target <= 105 %%)\n' "$(pct "$f_comp" "$s_gz")"
