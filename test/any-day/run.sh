#!/usr/bin/env bash
# Proves the tests pass on any day: runs the unit suites and the date-sensitive real-n8n suites
# under shifted clocks (libfaketime, Debian package `faketime`). The shift is one offset in
# seconds (FAKETIME="+N"), inherited by every process — jest, the sandbox, n8n, Postgres, Redis
# (the e2e runner passes it into the environments it builds) — so they all read the same time,
# and FAKETIME_DONT_FAKE_MONOTONIC=1 leaves timers alone. See docs/testing-any-day.md.
#
#   bash test/any-day/run.sh          every clock: unit suites + e2e suites (the full proof)
#   bash test/any-day/run.sh --ci     for npm test: unit + e2e suites under the one clock that combines
#                                     the riskiest instants (a Sunday 31 December into Monday 1 January)
#   ANY_DAY_CLOCKS="sunday month-end" bash test/any-day/run.sh    only these clocks
#
# Needs `npm run build` first when e2e suites run (the runner packs dist/).
set -uo pipefail

# everything in one function: bash parses it whole before running, so editing this file mid-run is safe
main() {
cd "$(dirname "$0")/../.."

LIB=${FAKETIME_LIB:-$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)}
if [ -z "$LIB" ] || [ ! -r "$LIB" ]; then
	echo "any-day: libfaketime not found at $LIB — install Debian's faketime package (apt-get install faketime) or set FAKETIME_LIB" >&2
	exit 2
fi
MODE=full
[ "${1:-}" = "--ci" ] && MODE=ci
E2E_SUITES=(test/e2e/booking.e2e.test.cts)
[ "${HUSKYVOICE_SKIP_E2E:-}" = "1" ] && E2E_SUITES=()
# --ci: one clock that crosses from a Sunday into a Monday at a month and year end
CI_CLOCKS="sunday-year-end"

# --- the clocks: label and target instant (UTC), always ahead of the real time -----------------
utc() { date -u -d "$1" +%s; }
today=$(date -u +%F)
tomorrow=$(date -u -d "$today + 1 day" +%F)
year=$(date -u +%Y)
# month-end: the run starts shortly before midnight at the end of 31 December, so midnight passes
# while it runs (30 s in for the unit suites; 45 s in for e2e: during the tests on a quiet machine, during n8n's start on a busy one)
month_end=$(utc "$((year + 1))-01-01 00:00:00 UTC")
# the next 31 December that is a Sunday (2028 from 2026): Sunday → Monday, month, year, after a leap day
y=$year
until [ "$(date -u -d "$y-12-31" +%u)" = 7 ] && [ "$(utc "$((y + 1))-01-01 00:00:00 UTC")" -gt "$(date -u +%s)" ]; do y=$((y + 1)); done
sunday_year_end=$(utc "$((y + 1))-01-01 00:00:00 UTC")
declare -A TARGET=(
	[sunday]=$(utc "$(date -u -d 'next sunday' +%F) 10:00:00 UTC")
	[monday]=$(utc "$(date -u -d 'next monday' +%F) 10:00:00 UTC")
	[month-end]=$month_end
	[sunday-year-end]=$sunday_year_end
	[ist-1959]=$(utc "$tomorrow 14:29:00 UTC")
	[ist-2001]=$(utc "$tomorrow 14:31:00 UTC")
)
declare -A MEANING=(
	[sunday]='a Sunday (UTC)'
	[monday]='a Monday (UTC)'
	[month-end]='31 Dec, 30 s (unit) / 45 s (e2e) before midnight UTC: day, month and year end pass during the run'
	[sunday-year-end]='a Sunday 31 Dec, 30 s / 45 s before midnight UTC: into Monday 1 Jan (also the --ci clock)'
	[ist-1959]='19:59 IST (14:29 UTC), 1 min before the calling window closes'
	[ist-2001]='20:01 IST (14:31 UTC), 1 min after it closes'
)
DEFAULT_CLOCKS="sunday monday month-end sunday-year-end ist-1959 ist-2001"
[ "$MODE" = ci ] && DEFAULT_CLOCKS=$CI_CLOCKS
CLOCKS=${ANY_DAY_CLOCKS:-$DEFAULT_CLOCKS}
for c in $CLOCKS; do
	[ -n "${TARGET[$c]:-}" ] || { echo "any-day: unknown clock $c (known: ${!TARGET[*]})" >&2; exit 2; }
done

# --- one suite under one clock --------------------------------------------------------------
LOG_DIR=${ANY_DAY_LOG_DIR:-${TMPDIR:-/tmp}/huskyvoice-any-day}
mkdir -p "$LOG_DIR"
ROWS=()
FAILED=0
run_under() { # clock, suite name, command...
	local clock=$1 suite=$2
	shift 2
	# the offset is taken just before the command starts, so the run begins at the target instant
	local lead=0
	[[ "$clock" == *-end ]] && { [ "$suite" = unit ] && lead=30 || lead=45; }
	local offset=$((TARGET[$clock] - lead - $(date -u +%s)))
	local -a clockenv=(LD_PRELOAD="$LIB" FAKETIME="+$offset" FAKETIME_DONT_FAKE_MONOTONIC=1)
	local seen log="$LOG_DIR/$clock-${suite//[^a-z0-9]/_}.log"
	seen=$(env "${clockenv[@]}" node -e 'const d = new Date(); console.log(`${d.toISOString()} (${d.toLocaleString("en-US", { weekday: "long", timeZone: "UTC" }).split(",")[0]} UTC, ${d.toLocaleTimeString("en-GB", { timeZone: "Asia/Kolkata" })} IST)`)')
	printf '\n== %s: %s — clock reads %s ==\n' "$clock" "$suite" "$seen"
	local start=$SECONDS
	env "${clockenv[@]}" "$@" >"$log" 2>&1
	local rc=$?
	local secs=$((SECONDS - start))
	local until
	until=$(env "${clockenv[@]}" date -u +%FT%TZ)
	local summary passed failed
	summary=$(grep -E '^Tests: ' "$log" | tail -1)
	passed=$(grep -oE '[0-9]+ passed' <<<"$summary" | grep -oE '[0-9]+' || true)
	failed=$(grep -oE '[0-9]+ failed' <<<"$summary" | grep -oE '[0-9]+' || true)
	passed=${passed:-0}
	failed=${failed:-0}
	if [ "$rc" -ne 0 ]; then
		FAILED=1
		[ "$failed" = 0 ] && failed='run failed'
		grep -E '✕|●' "$log" | head -20
		echo "any-day: $suite failed under $clock (exit $rc); log: $log"
	else
		echo "passed: $summary"
	fi
	local from=${seen%% (*}
	ROWS+=("$(printf '| %-15s | %-20s → %-20s | %-11s | %6s | %6s | %5s |' "$clock" "${from%.*}Z" "$until" "$suite" "$passed" "$failed" "$secs")")
}

total_start=$SECONDS
for clock in $CLOCKS; do
	run_under "$clock" unit npx jest --selectProjects unit
	for suite in "${E2E_SUITES[@]+"${E2E_SUITES[@]}"}"; do
		run_under "$clock" "$(basename "$suite" .test.cts)" npx jest "$suite" --selectProjects e2e --runInBand
	done
done

printf '\n== any-day summary (%s mode, %d s in all) ==\n\n' "$MODE" $((SECONDS - total_start))
for c in $CLOCKS; do printf -- '- %-15s %s\n' "$c" "${MEANING[$c]}"; done
printf '\n| clock           | clock during the run (UTC)                  | suite       | passed | failed |     s |\n'
printf '|-----------------|---------------------------------------------|-------------|--------|--------|-------|\n'
printf '%s\n' "${ROWS[@]}"
return $FAILED
}
main "$@"; exit $?
