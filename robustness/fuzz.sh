#!/usr/bin/env bash
# Fuzzes every parser of outside bytes with Jazzer, one @FuzzTest at a time (each fuzzing JVM
# takes a core and 1-1.5 GB). Findings land in the test's src/test/resources/.../<Test>Inputs/<method>/
# directory as crash-* files, so that every later `mvn verify` replays them; the corpus a run
# grows stays in <module>/.cifuzz-corpus/ (gitignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# module  test-class#method: every fuzz target of the project, found in the sources (each method
# annotated @FuzzTest), so a new target is fuzzed without being listed here
targets=()
while IFS= read -r t; do
  targets+=("$t")
done < <(cd "$here" && grep -rl --include='*.java' '@FuzzTest' -- */src/test/java | sort | while IFS= read -r f; do
  awk -v module="${f%%/*}" -v class="$(basename "$f" .java)" '
    /@FuzzTest/ { want = 1; next }
    want && match($0, /void [A-Za-z0-9_]+\(/) { print module " " class "#" substr($0, RSTART + 5, RLENGTH - 6); want = 0 }
  ' "$f"
done)

usage() {
  cat <<USAGE
usage: robustness/fuzz.sh [--fuzz-minutes N] [--target PATTERN] [--report FILE] [--list] [--quick]

Fuzzes each Jazzer @FuzzTest target for N minutes, one after the other, and prints a
markdown table: target, seconds, executions, findings.

  --fuzz-minutes N   minutes per target (default 1; fractions allowed, e.g. 0.5)
  --quick            replay the committed inputs only (no fuzzing): what .ci/run does
  --target PATTERN   only targets whose "module Class#method" matches the grep PATTERN
  --report FILE      also write the table to FILE
  --list             list the targets and exit
  -h, --help         this text

Options of other robustness parts are ignored (robustness/run hands every option to every part).

A finding is an input that makes a parser throw anything but the project's typed exceptions,
hang, or run out of memory. Jazzer saves it as crash-<sha1> beside the seeds; fix the parser,
keep the file (it is now a regression input) and run again.
USAGE
}

minutes=1 pattern="" report="" quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --fuzz-minutes) minutes="${2:?--fuzz-minutes needs a number}"; shift 2 ;;
    --target) pattern="${2:?--target needs a pattern}"; shift 2 ;;
    --report) report="${2:?--report needs a file}"; shift 2 ;;
    --quick) quick=1; shift ;;
    --list) printf '%s\n' "${targets[@]}"; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    --*) # another part's option (robustness/run hands every option to every part): skip it and its value
      if [ $# -gt 1 ] && [[ "$2" != --* ]]; then shift 2; else shift; fi ;;
    *) echo "fuzz.sh: unexpected argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$minutes" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
  echo "fuzz.sh: --fuzz-minutes wants a number of minutes, got '$minutes'" >&2; exit 2
fi
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')

cd "$here"
logdir="$here/target/robustness-fuzz"
mkdir -p "$logdir"
table="| target | mode | seconds | executions | findings |
|---|---|---:|---:|---:|"
failed=0
if [ "$quick" = 1 ]; then
  # one build replays every committed input of every target (what .ci/run does under mvn verify)
  modules="$(printf '%s\n' "${targets[@]}" | awk '{ print $1 }' | sort -u | paste -sd, -)"
  log="$logdir/replay.log"
  start=$(date +%s)
  env -u JAZZER_FUZZ ./mvnw -B -ntp -pl "$modules" -am test -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
    >"$log" 2>&1 || failed=1
  took=$(( $(date +%s) - start ))
  inputs=$(grep -E '^\[(INFO|ERROR)\] Tests run: .* -- in ' "$log" | sed -E 's/.*Tests run: ([0-9]+).*/\1/' \
    | awk '{ s += $1 } END { print s + 0 }')
  row="| all ${#targets[@]} targets | replay of $inputs inputs | $took | $inputs | $([ "$failed" = 0 ] && echo 0 || echo 'see log') |"
  echo "$row"
  table+=$'\n'"$row"
  targets=()
fi
for t in "${targets[@]}"; do
  if [ -n "$pattern" ] && ! grep -q -- "$pattern" <<<"$t"; then
    continue
  fi
  module="${t%% *}" test="${t#* }"
  inputs="$( (find "$module/src/test/resources" -type d -name "${test%%#*}Inputs" 2>/dev/null || true) | head -1)"
  before=$( (find "$inputs/${test#*#}" -name 'crash-*' 2>/dev/null || true) | wc -l)
  log="$logdir/${test/\#/.}.log"
  start=$(date +%s)
  mode=fuzz
  JAZZER_FUZZ=1 ./mvnw -B -ntp -pl "$module" -am test -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" >"$log" 2>&1 || failed=1
  took=$(( $(date +%s) - start ))
  execs=$(grep -o '^Done [0-9]* runs' "$log" | awk '{ s += $2 } END { print s + 0 }')
  after=$( (find "$inputs/${test#*#}" -name 'crash-*' 2>/dev/null || true) | wc -l)
  row="| $module $test | $mode | $took | $execs | $((after - before)) |"
  echo "$row"
  table+=$'\n'"$row"
done
if [ -n "$report" ]; then
  printf '%s\n' "$table" >"$report"
  # parsers only read: a pass (no finding) means no input made one misread or destroy data
  [ "$failed" != 0 ] || echo "data lost: 0" >>"$report"
fi
if [ "$failed" != 0 ]; then
  echo "fuzz.sh: a target failed; see the logs in $logdir" >&2
  exit 1
fi
