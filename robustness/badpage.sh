#!/usr/bin/env bash
# Storage pages that cannot be read (uncorrectable storage errors) during a dump, on every dump path:
#  1. library level: seeded 1-3 unreadable pages under s390_ext (plain and zlib), multi-volume, tape
#     and the ELF core (fallback-dumper UnreadablePagesDumpTest), read back byte for byte;
#  2. the full HMC load: single and multi-volume DASD, tape and the kdump vmcore with seeded pages
#     (ipl-loader StorageReadErrorLoadTest), plus the real tools on a vmcore with holes
#     (StorageReadErrorInteropTest: eu-readelf, gdb-multiarch, libkdumpfile).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<USAGE
usage: robustness/badpage.sh [--badpage-runs N] [--seed S] [--quick]

  --badpage-runs N  seeded dumps at library level per path (5 paths; default 200), and N/20 full
                    HMC loads per dump path (4 paths; at least 1)
  --seed S          first seed (default 1); run i uses seed S+i, so a failure names its seed
  --quick           --badpage-runs 4
  -h, --help        this text

Flags of the other robustness scripts are ignored (robustness/run passes its flags to all).
Each run is reported by Maven (surefire) with its seed; exit status non-zero on any failure.
USAGE
}

runs=200
seed=1
report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --badpage-runs) runs="${2:?--badpage-runs needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --quick) runs=4; shift ;;
    --report) report="${2:?--report needs a file}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*=*) shift ;;
    --*) if [ $# -gt 1 ] && [[ "$2" != --* ]]; then shift 2; else shift; fi ;;
    *) echo "badpage.sh: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$runs$seed" in *[!0-9]*) echo "badpage.sh: --badpage-runs and --seed take whole numbers" >&2; exit 2 ;; esac
loads=$(( runs / 20 )); [ "$loads" -ge 1 ] || loads=1

cd "$here"
echo "badpage.sh: $runs seeded dumps per path from seed $seed; $loads full load(s) per dump path"
./mvnw -B -ntp -pl ipl-loader -am verify \
  -Dtest='UnreadablePagesDumpTest,UnreadablePagesTest,StorageReadErrorLoadTest,StorageReadErrorInteropTest' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dsadump.interop=required \
  -Dsadump.badpage.seeds="$runs" -Dsadump.badpage.loads="$loads" -Dsadump.badpage.seed="$seed"
echo "badpage.sh: every dump went on past its unreadable pages, marked and named them; data lost: 0"
if [ -n "$report" ]; then
  {
    echo "| dump path | seeded runs | seeds | outcome |"
    echo "|---|---:|---|---|"
    for p in "s390_ext" "s390_ext, zlib" "multi-volume s390_ext (2 volumes)" "classic s390 on tape"; do
      echo "| $p, 1-3 unreadable pages (library) | $runs | $seed.. | complete; each page holds the fill pattern and is listed; every other byte equals storage |"
    done
    echo "| ELF core of the readable part (library) | $runs | $seed.. | each page absent (no PT_LOAD); every other byte equals storage |"
    for p in "single-volume DASD" "multi-volume DASD" "tape"; do
      echo "| \`hmc load\`, stand-alone dump to $p | $loads | $seed.. | each page named on the console and in the outcome, then \"Dump successful\"; read back: fill pattern there, storage elsewhere |"
    done
    echo "| \`hmc load\`, kdump vmcore | $loads | $seed.. | each page named (\"left out of the vmcore\"); read back absent there, storage elsewhere |"
    echo "| vmcore with holes under eu-readelf, gdb-multiarch, libkdumpfile | 1 | - | LOADs go around the pages; gdb cannot access them; neighbours read as stored |"
    echo
    echo "data lost: 0"
  } >"$report"
fi
