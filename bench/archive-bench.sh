#!/usr/bin/env bash
# Speed of 'sadump archive create' (zstd) against 'zstd -3 -T2', and of 's390 -> ELF' conversion
# against 'dd' copying the same bytes. Not a test: it prints figures.
#
#   bench/archive-bench.sh [SIZE_MIB] [WORKDIR]     (defaults: 2048, a temporary directory)
#
# Each command runs once to warm the page cache, then three times; the best run is reported (other
# sessions on a shared machine make single runs noisy). Throughput is input bytes per wall-clock
# second, JVM start included. Conversion and dd are measured both into /dev/null (the pipeline alone)
# and into a file on disk.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${1:-2048}"
work="${2:-$(mktemp -d /tmp/sadump-bench.XXXXXX)}"
mkdir -p "$work"
jar="$here/sadump-cli/target/sadump.jar"
"$here/sadump" --version >/dev/null          # builds the jar when sources changed
java_opts=(-Xmx512m -XX:+UseSerialGC)

dump="$work/dump.s390"
if [ ! -f "$dump" ]; then
  echo "making a ${size_mib} MiB classic s390 dump in $dump ..." >&2
  java -Xmx1g -cp "$jar" "$here/bench/MakeDump.java" "$dump" "$size_mib"
fi
bytes=$(stat -c %s "$dump")

now() { date +%s.%N; }
# timed CMD... : a warm-up run, then the best of three, in seconds
timed() {
  "$@" >/dev/null 2>&1
  local best="" t0 t1 t
  for _ in 1 2 3; do
    sync
    t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
# to_null CMD... : runs CMD with stdout to /dev/null (for timed)
to_null() { "$@" >/dev/null; }
mbps() { echo "scale=1; $bytes / 1048576 / $1" | bc -l; }
pct() { echo "scale=1; 100 * $1 / $2" | bc -l; }

cat "$dump" >/dev/null
t_zstd=$(timed zstd -3 -T2 -q -f "$dump" -o "$work/ref.zst")
# the same work the archive does natively: compression and the SHA-256 for SHA256SUMS side by side
zstd_and_sha() { zstd -3 -T2 -q -f "$dump" -o "$work/ref2.zst" & openssl dgst -sha256 "$dump" >/dev/null; wait; }
t_both=$(timed zstd_and_sha)
t_arch=$(timed java "${java_opts[@]}" -jar "$jar" archive create "$dump" -o "$work/a.tar.zst" --format asis --threads 2)
s_zstd=$(stat -c %s "$work/ref.zst")
s_arch=$(stat -c %s "$work/a.tar.zst")

t_jvm=$(timed java "${java_opts[@]}" -jar "$jar" --version)
t_ddn=$(timed dd if="$dump" of=/dev/null bs=1M)
t_convn=$(timed to_null java "${java_opts[@]}" -jar "$jar" zgetdump "$dump" -f elf -o -)
t_dd=$(timed dd if="$dump" of="$work/dd.out" bs=1M)
t_conv=$(timed java "${java_opts[@]}" -jar "$jar" zgetdump "$dump" -f elf -o "$work/conv.elf")

echo "input: $dump ($bytes bytes), $(nproc) CPUs, $(java -version 2>&1 | head -1)"
printf 'zstd -3 -T2            : %6.2f s  %7s MiB/s  -> %d bytes\n' "$t_zstd" "$(mbps "$t_zstd")" "$s_zstd"
printf 'sadump archive (zstd 3): %6.2f s  %7s MiB/s  -> %d bytes\n' "$t_arch" "$(mbps "$t_arch")" "$s_arch"
printf '  throughput vs zstd   : %s %%   size vs zstd: %s %%\n' "$(pct "$t_zstd" "$t_arch")" "$(pct "$s_arch" "$s_zstd")"
printf 'zstd -3 -T2 + openssl dgst -sha256 side by side: %6.2f s (%s %% of zstd alone; the archive: %s %% of this)\n' \
  "$t_both" "$(pct "$t_zstd" "$t_both")" "$(pct "$t_both" "$t_arch")"
printf 'JVM start (--version)  : %6.2f s  (included in every sadump figure)\n' "$t_jvm"
printf 'dd bs=1M > /dev/null   : %6.2f s  %7s MiB/s\n' "$t_ddn" "$(mbps "$t_ddn")"
printf 'zgetdump -f elf -o - >/dev/null: %6.2f s  %7s MiB/s\n' "$t_convn" "$(mbps "$t_convn")"
printf '  throughput vs dd     : %s %%\n' "$(pct "$t_ddn" "$t_convn")"
printf 'dd bs=1M to a file     : %6.2f s  %7s MiB/s\n' "$t_dd" "$(mbps "$t_dd")"
printf 'zgetdump -f elf -o FILE: %6.2f s  %7s MiB/s\n' "$t_conv" "$(mbps "$t_conv")"
printf '  throughput vs dd     : %s %%\n' "$(pct "$t_dd" "$t_conv")"
