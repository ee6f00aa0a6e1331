#!/usr/bin/env bash
# Runs every hostile input of the issue's list through the CLI (sadump-cli's HostileInputTest, in the
# test JVM) and through the shaded jar in a 64 MiB heap (HostileInputJarIT), and tabulates how each
# ended. The inputs themselves are made by sadump-cli/src/test/java/io/sadump/cli/HostileFiles.java.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  cat <<USAGE
usage: robustness/hostile.sh [--report FILE]

Runs the hostile-input tests of sadump-cli (in the test JVM and as java -Xmx64m -jar sadump.jar)
and prints a markdown table: input, command, result in the test JVM, result of the jar.

  --report FILE   also write the table to FILE
  -h, --help      this text

Options of other robustness parts (--quick, --fuzz-minutes N...) are ignored: the run is short.
USAGE
}

report=""
while [ $# -gt 0 ]; do
  case "$1" in
    --report) report="${2:?--report needs a file}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*) if [ $# -gt 1 ] && [[ "$2" != --* ]]; then shift 2; else shift; fi ;;
    *) echo "hostile.sh: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

cd "$here"
mkdir -p target/robustness-hostile
log=target/robustness-hostile/verify.log
failed=0
rm -f sadump-cli/target/hostile-inputs.tsv sadump-cli/target/hostile-inputs-jar.tsv
./mvnw -B -ntp -pl sadump-cli -am verify -Dtest=HostileInputTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=HostileInputJarIT -Dfailsafe.failIfNoSpecifiedTests=false >"$log" 2>&1 || failed=1

# the rows the tests wrote: input, command, exit, the line the command printed
table="| hostile input | command | exit (jar, -Xmx64m) | the line it printed |
|---|---|---|---|"
while IFS=$'\t' read -r name command exit line; do
  [ -n "$name" ] || continue
  jarExit="$(awk -F'\t' -v n="$name" '$1 == n { print $3 }' sadump-cli/target/hostile-inputs-jar.tsv 2>/dev/null || true)"
  table+=$'\n'"| $name | $command | $exit (${jarExit:-not run}) | ${line//|//} |"
done < <(cat sadump-cli/target/hostile-inputs.tsv 2>/dev/null || true)
echo "$table"
if [ -n "$report" ]; then
  printf '%s\n' "$table" >"$report"
  # the tests also check that an extraction refused leaves nothing behind: passing, nothing was lost
  [ "$failed" != 0 ] || echo "data lost: 0" >>"$report"
fi
if [ "$failed" != 0 ]; then
  echo "hostile.sh: a hostile input was not refused as required; see $log" >&2
  exit 1
fi
