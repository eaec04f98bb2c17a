#!/usr/bin/env bash
# tests/host/shell_serial.sh - KTAP test of the kernel's serial shell: boots
# build/kernel.elf in QEMU (BIOS, 128M, test=none) with the shell on, types
# commands into COM1 through a FIFO one at a time (each waits for the next
# prompt), and checks the answers: help, /proc-style reports, alloc/free
# restoring buddyinfo, one-line errors for bad input, line editing and
# history, fill/fragment bookkeeping, and that poweroff leaves QEMU with the
# pass code. Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d)
LOG=$TMP/serial.log
FIFO=$TMP/in
QPID=
cleanup() {
	# run-qemu.sh's child is timeout(1), which passes the signal to QEMU.
	if [ -n "$QPID" ]; then
		for p in $(pgrep -P "$QPID"); do kill "$p" 2>/dev/null; done
		kill "$QPID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

KTAP_SUITE=shell_serial
. tests/ktap.sh

if [ ! -f build/kernel.elf ]; then
	notok kernel_exists "build/kernel.elf is missing (make kernel)"
	finish
fi

prompts() { grep -o 'mmk> ' "$LOG" 2>/dev/null | wc -l; }
# Wait until the log holds at least $1 prompts (15 s at most: `check` and
# `test` walk every page under TCG).
wait_prompts() {
	local end=$((SECONDS + 15))
	while [ $SECONDS -lt $end ]; do
		[ "$(prompts)" -ge "$1" ] && return 0
		kill -0 "$QPID" 2>/dev/null || return 1
		sleep 0.02
	done
	return 1
}
# Type raw bytes (printf format) that end in $2 new prompts; OUT is what the
# shell printed after the typed line's echo, without the final prompt.
OUT=
type_raw() { # printf-format prompts-expected
	local before size
	before=$(prompts)
	size=$(stat -c %s "$LOG")
	# shellcheck disable=SC2059
	printf "$1" >&7
	if ! wait_prompts $((before + $2)); then
		OUT="(no prompt: shell dead or stuck)"
		return 1
	fi
	OUT=$(tail -c +$((size + 1)) "$LOG" | tr -d '\r' | sed '1d;$d')
}
send() { # command
	local before size
	before=$(prompts)
	size=$(stat -c %s "$LOG")
	printf '%s\r' "$1" >&7
	if ! wait_prompts $((before + 1)); then
		OUT="(no prompt after '$1': shell dead or stuck)"
		return 1
	fi
	OUT=$(tail -c +$((size + 1)) "$LOG" | tr -d '\r' | sed '1d;$d')
}
lines() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l; }

mkfifo "$FIFO"
exec 7<>"$FIFO"   # read-write: opening never blocks, QEMU never sees EOF
./run-qemu.sh --shell --boot bios --mem 128M --timeout 40 --cmdline test=none \
	<"$FIFO" >"$LOG" 2>&1 &
QPID=$!

# 1. The shell comes up after the boot.
for _ in $(seq 400); do
	grep -q 'mmk> ' "$LOG" && break
	kill -0 "$QPID" 2>/dev/null || break
	sleep 0.05
done
if ! grep -q 'mmk> ' "$LOG"; then
	notok prompt_appears_after_boot "no 'mmk> ' prompt within 20 s" \
		"$(tail -3 "$LOG" | tr -d '\r' | tr '\n' '|')"
	finish
fi
ok prompt_appears_after_boot

# 2. help names every command.
send help
missing=""
for c in help meminfo buddyinfo zoneinfo pagetypeinfo vmstat slabinfo alloc free fill fragment \
	drop_caches compact kswapd trace test bench reboot poweroff; do
	printf '%s\n' "$OUT" | grep -qE "^  $c( |$)" || missing="$missing $c"
done
check help_lists_commands "$([ -z "$missing" ]; echo $?)" "missing:$missing"

# 3. meminfo in /proc/meminfo's layout, MemFree <= MemTotal.
send meminfo
total=$(printf '%s\n' "$OUT" | sed -n 's/^MemTotal: *\([0-9][0-9]*\) kB$/\1/p')
free=$(printf '%s\n' "$OUT" | sed -n 's/^MemFree: *\([0-9][0-9]*\) kB$/\1/p')
avail=$(printf '%s\n' "$OUT" | sed -n 's/^MemAvailable: *\([0-9][0-9]*\) kB$/\1/p')
[ -n "$total" ] && [ -n "$free" ] && [ -n "$avail" ] && [ "$free" -le "$total" ] &&
	[ "$total" -gt 100000 ] && [ "$total" -le 131072 ]
check meminfo_has_linux_fields $? "MemTotal '$total' MemFree '$free' MemAvailable '$avail'"

# 4. zoneinfo and vmstat answer in Linux's words.
send zoneinfo
printf '%s\n' "$OUT" | grep -qE '^Node 0, zone +DMA32$' &&
	printf '%s\n' "$OUT" | grep -qE '^ +pages free +[0-9]+$'
check zoneinfo_prints_zones $? "$(printf '%s\n' "$OUT" | head -2 | tr '\n' '|')"
send vmstat
printf '%s\n' "$OUT" | grep -qE '^pgfree [0-9]+$'
check vmstat_prints_counters $? "$(printf '%s\n' "$OUT" | head -2 | tr '\n' '|')"
send slabinfo
printf '%s\n' "$OUT" | grep -qx 'slabinfo - version: 2.1' &&
	printf '%s\n' "$OUT" | grep -qE '^thread +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ : tunables ' &&
	printf '%s\n' "$OUT" | grep -qE '^kmalloc-64 +[0-9]+ +[0-9]+ +64 +64 +1 : tunables +120 +60 +0 : slabdata '
check slabinfo_lists_the_kernels_caches $? "$(printf '%s\n' "$OUT" | head -3 | tr '\n' '|')"

# 5. alloc then free restores buddyinfo (per-CPU lists drained around it,
# since an order-3 free lands on them first).
buddy_re='^Node 0, zone +(DMA|DMA32|Normal)( +[0-9]+){11} *$'
send drain
send buddyinfo; before=$OUT
printf '%s\n' "$before" | grep -qE "${buddy_re/(DMA|DMA32|Normal)/DMA}" &&
	printf '%s\n' "$before" | grep -qE "${buddy_re/(DMA|DMA32|Normal)/DMA32}"
check buddyinfo_prints_zone_lines $? "$(printf '%s\n' "$before" | head -2 | tr '\n' '|')"
send "alloc 3 GFP_KERNEL"
alloc_out=$OUT
id=$(printf '%s\n' "$OUT" | sed -nE 's/^id ([0-9]+): order 3 pfn 0x[0-9a-f]+ zone (DMA|DMA32|Normal) gfp 0x[0-9a-f]+$/\1/p')
check alloc_prints_id_pfn_zone "$([ -n "$id" ]; echo $?)" "got: $alloc_out"
send buddyinfo; during=$OUT
check alloc_changes_buddyinfo "$([ "$during" != "$before" ]; echo $?)" "buddyinfo unchanged"
send "free ${id:-1}"
free_out=$OUT
send drain
send buddyinfo; after=$OUT
[ "$after" = "$before" ] && printf '%s\n' "$free_out" | grep -q "^free: id ${id:-1} "
check free_restores_buddyinfo $? "free said '$free_out'; before|after: $(printf '%s\n' "$before" "$after" | tr -s ' ' | tr '\n' '|')"

# 6. Mistakes: exactly one line of error each, and the shell goes on.
expect_error() { # name command regex
	send "$2"
	if [ "$(lines "$OUT")" = 1 ] && printf '%s\n' "$OUT" | grep -qE "$3"; then
		ok "$1"
	else
		notok "$1" "'$2' gave: $(printf '%s\n' "$OUT" | tr '\n' '|')"
	fi
}
expect_error double_free_is_an_error "free ${id:-1}" "^free: id ${id:-1} was already freed$"
expect_error unknown_command_is_one_line "frobnicate now" "^frobnicate: unknown command"
expect_error order_above_max_is_refused "alloc 11" "^alloc: bad order '11'"
expect_error order_with_junk_is_refused "alloc 3x" "^alloc: bad order '3x'"
expect_error unknown_flag_is_refused "alloc 2 GFP_KERNEL|GFP_FOO" "^alloc: unknown gfp flag 'GFP_FOO'"
expect_error empty_flag_term_is_refused "alloc 2 GFP_KERNEL|" "^alloc: bad flags"
expect_error missing_argument_is_refused "free" "^free: wrong number of arguments"
expect_error extra_argument_is_refused "alloc 1 GFP_KERNEL 7" "^alloc: wrong number of arguments"
expect_error id_never_given_is_refused "free 0" "^free: no allocation ever had id 0"
expect_error huge_id_is_refused "free 99999999999999999999999" "^free: bad id"
expect_error fill_zero_is_refused "fill 0" "^fill: bad page count"
expect_error unknown_suite_is_refused "test nosuchsuite" "^test: no suite 'nosuchsuite'"

# 7. Flag combinations reach the allocator: __GFP_DMA lands in DMA.
send "alloc 0 GFP_DMA|__GFP_ZERO"
printf '%s\n' "$OUT" | grep -qE '^id [0-9]+: order 0 pfn 0x[0-9a-f]+ zone DMA gfp 0x101$'
check dma_flag_allocates_from_dma "$?" "got: $OUT"

# 8. fill and fragment hold what they say; free all gives it back.
send "fill 100"; fill_out=$OUT
send "fragment 200"; frag_out=$OUT
send held; held_out=$OUT
printf '%s\n' "$fill_out" | grep -q '^fill: allocated 100 of 100 pages' &&
	printf '%s\n' "$frag_out" | grep -q '^fragment: allocated 200 order-0 pages, freed every other one (100)' &&
	printf '%s\n' "$held_out" | grep -q '^held: 201 pages in all, 200 of them from fill/fragment$'
check fill_and_fragment_hold_pages $? "$(printf '%s\n' "$fill_out" "$frag_out" "$held_out" | tr '\n' '|')"
send "free all"
printf '%s\n' "$OUT" | grep -q ', 201 pages in all$'
check free_all_returns_everything $? "got: $OUT"
send check
printf '%s\n' "$OUT" | grep -q '^check: allocator invariants hold$'
check invariants_hold_after_shell_session $? "got: $(printf '%s\n' "$OUT" | tr '\n' '|')"

# 8b. The reclaim and compaction controls answer in one line each.
send drop_caches
printf '%s\n' "$OUT" | grep -qE '^drop_caches: [0-9]+ page-cache pages dropped \([0-9]+ before, 0 left'
check drop_caches_empties_the_clean_cache $? "got: $(printf '%s\n' "$OUT" | tr '\n' '|')"
send compact
printf '%s\n' "$OUT" | grep -qE '^compact: [0-9]+ pages migrated$'
check compact_reports_pages_migrated $? "got: $(printf '%s\n' "$OUT" | tr '\n' '|')"
send "kswapd wake"
printf '%s\n' "$OUT" | grep -qE '^kswapd: (sleep|run|parked|off), [0-9]+ fruitless'
check kswapd_reports_its_state $? "got: $(printf '%s\n' "$OUT" | tr '\n' '|')"
expect_error kswapd_bad_argument_is_refused "kswapd now" "^kswapd: unknown argument 'now'"
send "trace on"
printf '%s\n' "$OUT" | grep -q '^trace: on$'
check trace_on_is_acknowledged $? "got: $(printf '%s\n' "$OUT" | tr '\n' '|')"
sleep 0.3
send "trace off"
grep -aq '^trace,[0-9]*,DMA32,' "$LOG"
check trace_prints_csv_lines $? "no trace,<ms>,DMA32 line in the log"
expect_error trace_bad_argument_is_refused "trace maybe" "^trace: want on or off"
send check
printf '%s\n' "$OUT" | grep -q '^check: allocator invariants hold$'
check invariants_hold_after_reclaim_controls $? "got: $(printf '%s\n' "$OUT" | tr '\n' '|')"

# 9. Line editing: backspace (DEL and ^H), Ctrl-U, Ctrl-C, up-arrow history.
type_raw 'buddyX\177infoo\010\r' 1
printf '%s\n' "$OUT" | grep -qE "${buddy_re/(DMA|DMA32|Normal)/DMA32}"
check backspace_edits_the_line $? "got: $(printf '%s\n' "$OUT" | head -2 | tr '\n' '|')"
type_raw 'alloc junk\025meminfo\r' 1
printf '%s\n' "$OUT" | grep -q '^MemTotal:'
check ctrl_u_erases_the_line $? "got: $(printf '%s\n' "$OUT" | head -2 | tr '\n' '|')"
type_raw 'alloc 0\003' 1
send held
printf '%s\n' "$OUT" | grep -q '^held: 0 pages in all'
check ctrl_c_cancels_the_line $? "got: $OUT"
send meminfo
type_raw '\033[A\r' 1
printf '%s\n' "$OUT" | grep -q '^MemTotal:'
check up_arrow_recalls_last_command $? "got: $(printf '%s\n' "$OUT" | head -2 | tr '\n' '|')"

# 10. test re-runs a suite without leaving the shell.
send "test zones"
printf '%s\n' "$OUT" | grep -qE '^# Totals: pass:[0-9]+ fail:0 skip:[0-9]+ total:[0-9]+$' &&
	printf '%s\n' "$OUT" | grep -q '^    # Subtest: zones$' && ! printf '%s\n' "$OUT" | grep -q '^ *not ok'
check test_reruns_a_suite $? "$(printf '%s\n' "$OUT" | tail -2 | tr '\n' '|')"

# 11. bench either runs the suite or says it is absent, in one line.
send bench
printf '%s\n' "$OUT" | grep -qE '^bench: this kernel has no benchmark suite|^# Totals: pass:[0-9]+'
check bench_answers $? "got: $(printf '%s\n' "$OUT" | head -2 | tr '\n' '|')"

# 12. poweroff leaves QEMU with the pass code (run-qemu.sh status 0).
printf 'poweroff\r' >&7
rc=124
for _ in $(seq 100); do
	if ! kill -0 "$QPID" 2>/dev/null; then
		wait "$QPID"; rc=$?
		break
	fi
	sleep 0.05
done
QPID=
check poweroff_exits_with_pass_code "$([ "$rc" = 0 ]; echo $?)" "run-qemu.sh status $rc"
! grep -qaE 'PANIC|Kernel panic|BUG: Bad page' "$LOG"
check no_panic_or_bad_page $? "$(grep -aE 'PANIC|Kernel panic|BUG' "$LOG" | head -2 | tr '\n' '|')"
finish
