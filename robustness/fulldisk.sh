#!/usr/bin/env bash
# Runs every command that writes a named output on a file system that fills up (sadump-cli's
# FullDiskTest: size-limited tmpfs mounts, so it needs root) and tabulates each case: the command, what
# existed before, the tmpfs size, the exit status and the one line printed, and that nothing was left
# half-made and the older data is intact (the test checks both, byte for byte, before it writes a row).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<USAGE
usage: robustness/fulldisk.sh [--report FILE]

Runs sadump-cli's FullDiskTest (it mounts size-limited tmpfs file systems: run as root) and prints
a markdown table: command, what existed before, tmpfs size, exit status, the line printed,
nothing half-made, older data intact.

  --report FILE   also write the table to FILE, ending with 'data lost: 0' when every case passed
  --quick         the same run (it is short)
  -h, --help      this text

Options of other robustness parts (--fuzz-minutes N, --kills N...) are ignored.
USAGE
}

report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --report) report="${2:?--report needs a file}"; shift 2 ;;
    --quick) shift ;;
    -h|--help) usage; exit 0 ;;
    --*=*) shift ;;
    --*) if [ $# -gt 1 ] && [[ "$2" != --* ]]; then shift 2; else shift; fi ;;
    *) echo "fulldisk.sh: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

cd "$here"
out="$here/target/robustness-fulldisk"
mkdir -p "$out"
log="$out/test.log"
tsv="$out/full-disk.tsv"
rm -f "$tsv"
failed=0
./mvnw -B -ntp -pl sadump-cli -am test -Dtest=FullDiskTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsadump.fulldisk.report="$tsv" >"$log" 2>&1 || failed=1

# the rows the test wrote, one per case that passed
table="| command | what existed before | tmpfs | exit | the line it printed | nothing half-made | older data intact |
|---|---|---:|---:|---|---|---|"
rows=0
while IFS=$'\t' read -r command before size exit line halfmade intact; do
  [ -n "$command" ] || continue
  table+=$'\n'"| \`$command\` | $before | $size | $exit | ${line//|//} | $halfmade | $intact |"
  rows=$((rows + 1))
done < <(cat "$tsv" 2>/dev/null || true)
if [ "$failed" = 0 ] && [ "$rows" = 0 ]; then
  echo "fulldisk.sh: the test wrote no case to $tsv; see $log" >&2
  failed=1
fi
echo "$table"
if [ -n "$report" ]; then
  printf '%s\n' "$table" >"$report"
  [ "$failed" != 0 ] || echo "data lost: 0" >>"$report"
fi
if [ "$failed" != 0 ]; then
  echo "fulldisk.sh: a full-disk case failed (data may be lost or half-made); see $log" >&2
  exit 1
fi
