#!/usr/bin/env bash
# Kills every command that changes a machine or writes a named output and checks what the next
# command finds:
#  1. real processes (sadump-cli KillJarIT): `java -jar sadump.jar` SIGKILLed at a seeded random moment
#     of machine create, kexec load, dumpdev prepare (DASD, tape), hmc load (kdump; stand-alone dump to
#     DASD and to tape), hmc mount, archive create -o and zgetdump -o; the next command finds the work
#     complete, absent, undone or reports it incomplete; storage MiB digests, device images and older
#     outputs as before unless the command completed; every CKD/AWS image passes Hercules' checks;
#  2. library level: every journaled change (hmc load with kdump swap / stand-alone dump / re-IPL,
#     kexec load and unload, inject, re-IPL, mount) cut short at a seeded random step
#     (ipl-loader InterruptedChangeRecoveryTest), the directory as the kill leaves it opened again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<USAGE
usage: robustness/kill.sh [--kills N] [--seed S] [--storage MIB] [--journal-steps N] [--quick] [--report FILE]

  --kills N       real-process SIGKILLs spread over the 10 killed commands (default 200); the
                  library-level test cuts each of its 8 journaled changes short at N/8 seeded steps
  --seed S        first seed (default 1); kill i uses seed S+i and seed s kills command s mod 10,
                  so a failure names its seed and --seed s --kills 1 repeats it
  --storage MIB   storage of the killed machines in MiB (default 256; longer phases to hit)
  --journal-steps N  library-level kills per journaled change (default N/8 of --kills, at least 1)
  --quick         --kills 10 --storage 128: one kill per command
  --report FILE   also write the markdown table to FILE
  -h, --help      this text

Flags of the other robustness scripts are ignored (robustness/run passes its flags to all).
Exit status non-zero on any failure; the table then counts the failed kills as data lost.
USAGE
}

kills=200
seed=1
storage=256
steps=""
report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kills) kills="${2:?--kills needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --storage) storage="${2:?--storage needs a number of MiB}"; shift 2 ;;
    --journal-steps) steps="${2:?--journal-steps needs a number}"; shift 2 ;;
    --quick) kills=10; storage=128; shift ;;
    --report) report="${2:?--report needs a file}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*=*) shift ;;
    --*) if [ $# -gt 1 ] && [[ "$2" != --* ]]; then shift 2; else shift; fi ;;
    *) echo "kill.sh: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$kills$seed$storage$steps" in *[!0-9]*|"") echo "kill.sh: --kills, --seed, --storage and --journal-steps take whole numbers" >&2; exit 2 ;; esac
[ -n "$steps" ] || steps=$(( kills / 8 ))
[ "$steps" -ge 1 ] || steps=1

cd "$here"
out="$here/target/robustness-kill"
mkdir -p "$out"
tsv="$out/kills.tsv"
log="$out/verify.log"
rm -f "$tsv"
echo "kill.sh: $kills real-process kills from seed $seed (storage ${storage}M); $steps kill(s) per journaled change; log $log"
failed=0
./mvnw -B -ntp -pl sadump-cli -am verify \
  -Dtest=InterruptedChangeRecoveryTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=KillJarIT -Dfailsafe.failIfNoSpecifiedTests=false -Dsadump.interop=required \
  -Dsadump.kill.count="$kills" -Dsadump.kill.seed="$seed" -Dsadump.kill.storage="$storage" \
  -Dsadump.kill.seeds="$steps" -Dsadump.kill.log="$tsv" >"$log" 2>&1 || failed=1

# one row per command from the TSV (command, seed, delay ms, found, device images checked), in the
# order of KillJarIT.Killed: seed s kills command s mod 10
table="$(awk -F'\t' '
  BEGIN { n = 10 }
  {
    order[$2 % n] = $1
    kills[$1]++
    if ($4 == "failed") { lost[$1]++ } else { found[$1, $4]++; images[$1] += $5 }
  }
  END {
    print "| command (real process, SIGKILL at a seeded random moment) | kills | found complete | found absent | undone by the next command | reported incomplete | device images passing Hercules checks | data lost |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|"
    for (i = 0; i < n; i++) {
      if (!(i in order)) { continue }
      c = order[i]
      printf "| `sadump %s` | %d | %d | %d | %d | %d | %d | %d |\n", c, kills[c], found[c, "complete"], found[c, "absent"],
        found[c, "undone"], found[c, "incomplete"], images[c], lost[c]
      tk += kills[c]; tc += found[c, "complete"]; ta += found[c, "absent"]; tu += found[c, "undone"]
      ti += found[c, "incomplete"]; tim += images[c]; tl += lost[c]
    }
    printf "| all | %d | %d | %d | %d | %d | %d | %d |\n", tk, tc, ta, tu, ti, tim, tl
  }' "$tsv" 2>/dev/null || true)"
logged=$(wc -l <"$tsv" 2>/dev/null || echo 0)
library="| each journaled change (swap, kexec load/unload, inject, re-IPL, mount), library level, cut at a seeded random step | $steps per change | - | - | all undone | - | - | $([ "$failed" = 0 ] && echo 0 || echo "see $log") |"
table+=$'\n'"$library"
note="Seeds $seed..$(( seed + kills - 1 )), storage ${storage}M; what the next command found: complete = as an uninterrupted run made it, absent = as before, undone = put back by the next command, incomplete = a dump reported as cut short."
echo "$table"
echo
echo "$note"
# data lost (robustness/run sums it): every kill the next command did not recover as required
lost=$(awk -F'\t' '$4 == "failed" { n++ } END { print n + 0 }' "$tsv" 2>/dev/null || echo 0)
if [ -n "$report" ]; then
  printf '%s\n\n%s\n\ndata lost: %s\n' "$table" "$note" "$lost" >"$report"
fi
if [ "$failed" != 0 ] || [ "$logged" != "$kills" ]; then
  echo "kill.sh: a kill was not recovered as required ($logged of $kills kills logged); the failing seeds:" >&2
  grep -o 'seed [0-9]*: SIGKILL [^"]*' "$log" | sort -u | head -20 >&2 || true
  echo "see $log" >&2
  exit 1
fi
echo "kill.sh: every kill recovered; data lost: 0"
