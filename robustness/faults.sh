#!/usr/bin/env bash
# Injected device faults over every dump path (ipl-loader InjectedFaultCampaignTest): single-volume
# DASD with and without compression, multi-volume DASD (2-3 volumes, the fault on any), tape and the
# kdump kernel's vmcore. Each seeded run picks a path, a fault (I/O error on the N-th write or at a
# block, end of volume / file system full, read error during the read-back) and a point, runs the
# HMC load, and checks that it ended with a dump that reads back equal to storage or with the
# fault's documented code, never "Dump successful" over a wrong dump.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<USAGE
usage: robustness/faults.sh [--runs N] [--seed S] [--quick] [--report FILE]

  --runs N       seeded runs (default 1000, the long run)
  --seed S       first seed (default 1); run i uses seed S+i, so a failure names its seed
  --quick        --runs 20 (what .ci/run covers)
  --report FILE  also write the table to FILE
  -h, --help     this text

Flags of the other robustness scripts are ignored (robustness/run passes its flags to all).
Prints a markdown table per path and fault kind: runs, good dumps, each ending code, and wrong
dumps reported good (must be 0); exit status non-zero on any failure.
USAGE
}

runs=1000
seed=1
report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --quick) runs=20; shift ;;
    --report) report="${2:?--report needs a file}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*=*) shift ;;
    --*) if [ $# -gt 1 ] && [[ "$2" != --* ]]; then shift 2; else shift; fi ;;
    *) echo "faults.sh: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$runs$seed" in *[!0-9]*) echo "faults.sh: --runs and --seed take whole numbers" >&2; exit 2 ;; esac
[ "$runs" -ge 1 ] || { echo "faults.sh: --runs must be at least 1" >&2; exit 2; }

cd "$here"
mkdir -p target/robustness-faults
log=target/robustness-faults/verify.log
tsv="$here/target/robustness-faults/runs.tsv"
rm -f "$tsv"
echo "faults.sh: $runs seeded runs from seed $seed (log: $log)"
start=$(date +%s)
failed=0
./mvnw -B -ntp -pl ipl-loader -am verify \
  -Dtest=InjectedFaultCampaignTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=NoIntegrationTestOfThisPart -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dsadump.faults.runs="$runs" -Dsadump.faults.seed="$seed" -Dsadump.faults.report="$tsv" >"$log" 2>&1 || failed=1
seconds=$(( $(date +%s) - start ))

# one row per path and fault kind, in a fixed order
table="$(awk -F'\t' -v runs="$runs" -v seed="$seed" -v secs="$seconds" '
  { key = $2 "\t" $3; if (!(key in n)) order[++k] = key; n[key]++; total++
    if ($5 == "good dump") good[key]++
    else if ($5 == "dump failed") code[key, $6]++
    else if ($5 ~ /^vmcore failed/) code[key, "vmcore " $6]++
    else if ($5 ~ /^read-back stopped/) code[key, "read-back"]++
    if ($5 == "WRONG") wrong[key]++
    if ($7 != "ok") bad[key]++ }
  END {
    print "| path | fault | runs | good dump | Dump failed 0x0003 (I/O error) | Dump failed 0x4600 (device too small) | vmcore failed: EIO | vmcore failed: ENOSPC | read-back stopped by the read error | wrong dump reported good | runs breaking a rule |"
    print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    nsort = 0
    for (i = 1; i <= k; i++) keys[i] = order[i]
    # sort by path then fault (insertion sort: a few dozen rows)
    for (i = 2; i <= k; i++) { v = keys[i]; j = i - 1; while (j > 0 && keys[j] > v) { keys[j + 1] = keys[j]; j-- } keys[j + 1] = v }
    for (i = 1; i <= k; i++) {
      key = keys[i]; split(key, pk, "\t")
      printf "| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d | %d |\n", pk[1], pk[2], n[key], good[key],
        code[key, "0x0003"], code[key, "0x4600"], code[key, "vmcore EIO"], code[key, "vmcore ENOSPC"],
        code[key, "read-back"], wrong[key], bad[key]
      tg += good[key]; t3 += code[key, "0x0003"]; t46 += code[key, "0x4600"]; te += code[key, "vmcore EIO"]
      ts += code[key, "vmcore ENOSPC"]; tr += code[key, "read-back"]; tw += wrong[key]; tb += bad[key]
    }
    printf "| **all** | | **%d** | %d | %d | %d | %d | %d | %d | **%d** | **%d** |\n", total, tg, t3, t46, te, ts, tr, tw, tb
    printf "\n%d of %d seeded runs reported (seeds %d..%d), %d s. Faults: `write#N` the N-th block (vmcore: byte) written fails, `block:B` every write to block B (vmcore: byte offset B) fails, `eov:B` the volume ends before block B (vmcore: the file system is full at byte B), `read-block:B` a data check reading block B back. An empty cell is 0.\n", total, runs, seed, seed + runs - 1, secs
  }' "$tsv" 2>/dev/null || true)"
echo "$table"
# data lost: every wrong dump reported good and every run that broke a rule (robustness/run sums it)
lost=$( [ -f "$tsv" ] && awk -F'\t' '$5 == "WRONG" || $7 != "ok" { n++ } END { print n + 0 }' "$tsv" || echo 0 )
if [ -n "$report" ]; then
  printf '%s\n\ndata lost: %s\n' "$table" "$lost" >"$report"
fi
reported=$( [ -f "$tsv" ] && wc -l <"$tsv" || echo 0 )
if [ "$failed" != 0 ] || [ "$reported" -ne "$runs" ]; then
  echo "faults.sh: a run did not end as required (or did not run); see $log and the seeds above" >&2
  grep -E "seed [0-9]+ \(-Dsadump" "$log" | head -20 >&2 || true
  exit 1
fi
echo "faults.sh: every run ended with a good dump or its documented code; wrong dumps reported good: 0"
