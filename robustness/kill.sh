#!/usr/bin/env bash
# Kills multi-step changes of a machine and checks that the next command undoes them:
#  1. real processes: `sadump hmc DIR load --store-status` SIGKILLed at seeded random moments
#     (sadump-cli HmcKillJarIT); the next command recovers, storage equals the pre-load MiB digests;
#  2. library level: every journaled change (hmc load with kdump swap / stand-alone dump / re-IPL,
#     kexec load and unload, inject, re-IPL, mount) cut short at a seeded random step
#     (ipl-loader InterruptedChangeRecoveryTest), the directory as the kill leaves it opened again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<USAGE
usage: robustness/kill.sh [--kills N] [--seed S] [--quick]

  --kills N   real-process SIGKILLs of 'sadump hmc DIR load' (default 200); the library-level
              test cuts each of its 8 journaled changes short at N/8 seeded steps (at least 1)
  --seed S    first seed (default 1); kill i uses seed S+i, so a failure names its seed
  --quick     --kills 8
  -h, --help  this text

Flags of the other robustness scripts are ignored (robustness/run passes its flags to all).
Each kill is reported by Maven (surefire/failsafe) with its seed; exit status non-zero on any failure.
USAGE
}

kills=200
seed=1
report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) kills="${2:?--kills needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --quick) kills=8; shift ;;
    --report) report="${2:?--report needs a file}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*=*) shift ;;
    --*) if [ $# -gt 1 ] && [[ "$2" != --* ]]; then shift 2; else shift; fi ;;
    *) echo "kill.sh: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$kills$seed" in *[!0-9]*) echo "kill.sh: --kills and --seed take whole numbers" >&2; exit 2 ;; esac
steps=$(( kills / 8 )); [ "$steps" -ge 1 ] || steps=1

cd "$here"
echo "kill.sh: $kills real-process kills from seed $seed; $steps kill(s) per journaled change"
./mvnw -B -ntp -pl sadump-cli -am verify \
  -Dtest=InterruptedChangeRecoveryTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=HmcKillJarIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dsadump.kill.count="$kills" -Dsadump.kill.seed="$seed" -Dsadump.kill.seeds="$steps"
echo "kill.sh: every kill recovered; data lost: 0"
if [ -n "$report" ]; then
  {
    echo "| what | kills | seeds | outcome |"
    echo "|---|---:|---|---|"
    echo "| \`sadump hmc DIR load --store-status\`, real process, SIGKILL at a seeded random moment | $kills | $seed.. | next command recovered; storage MiB digests equal the pre-load ones; no vmcore under its name unless complete |"
    echo "| each journaled change (swap, kexec load/unload, inject, re-IPL, mount), cut at a seeded random step | $steps per change | - | undone; storage, files and state as before |"
    echo "data lost: 0"
  } >"$report"
fi
