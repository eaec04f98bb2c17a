#!/usr/bin/env bash
# tools/make-plots.sh - `make plots`: reproduces the README's pictures from
# fresh boots. Boots build/kernel.elf (BIOS, 512 MiB, no self-tests) with
# the serial shell, dumps the fragmentation map (`pbmap`), fragments memory
# with a mix of movable, unmovable and reclaimable order-0 pages, dumps it
# again, and draws both with tools/plot-fragmap.sh. Then, if
# tools/plot-trace.sh exists, boots once more with `trace=mm` and draws the
# kswapd trace. Last, when the shared Linux trace is there (../shared or
# ../../shared from a worktree), replays it with build/bench/mmsim and draws
# free pages by block order over the replay beside Linux's end
# (tools/plot-replay.sh). Logs are kept in build/plots/.
#
#   tools/make-plots.sh [OUTDIR]        (default docs/img)
set -u
cd "$(dirname "$0")/.."
OUT=${1:-docs/img}
LOGDIR=build/plots
LOG=$LOGDIR/fragmap.log
mkdir -p "$OUT" "$LOGDIR"
[ -f build/kernel.elf ] || { echo "make-plots: build/kernel.elf is missing (make kernel)" >&2; exit 1; }
TMP=$(mktemp -d)
FIFO=$TMP/in
QPID=
cleanup() {
	if [ -n "$QPID" ]; then
		for p in $(pgrep -P "$QPID"); do kill "$p" 2>/dev/null; done
		kill "$QPID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

prompts() { grep -o 'mmk> ' "$LOG" 2>/dev/null | wc -l; }
send() { # command [seconds]: type it, wait for the next prompt
	local before=$(prompts) end=$((SECONDS + ${2:-30}))
	printf '%s\r' "$1" >&7
	while [ "$(prompts)" -le "$before" ]; do
		if [ $SECONDS -ge $end ] || ! kill -0 "$QPID" 2>/dev/null; then
			echo "make-plots: no prompt after '$1' (see $LOG)" >&2
			exit 1
		fi
		sleep 0.05
	done
}

mkfifo "$FIFO"
exec 7<>"$FIFO"
./run-qemu.sh --shell --boot bios --mem 512M --timeout 300 --cmdline test=none \
	<"$FIFO" >"$LOG" 2>&1 &
QPID=$!
for _ in $(seq 600); do
	[ "$(prompts)" -ge 1 ] && break
	kill -0 "$QPID" 2>/dev/null || break
	sleep 0.05
done
[ "$(prompts)" -ge 1 ] || { echo "make-plots: the shell never came up (see $LOG)" >&2; exit 1; }

send drain
send pbmap
# A long-running mix: user pages (movable) in checkerboards, kernel
# allocations (unmovable, reclaimable) interleaved, so that kernel pages
# land in stolen blocks scattered among the movable ones; the last sweep
# takes what is left down to the min watermark, without reclaim.
send "fragment 30000"
send "fragment 6000 GFP_KERNEL"
send "fill 8000 GFP_HIGHUSER_MOVABLE"
send "fragment 3000 GFP_KERNEL|__GFP_RECLAIMABLE"
send "fragment 4000 GFP_KERNEL"
send "fragment 400000 __GFP_MOVABLE" 120
send drain
send pbmap
send buddyinfo
printf 'poweroff\r' >&7
wait "$QPID"
QPID=

rc=0
tools/plot-fragmap.sh "$LOG" "$OUT/fragmap-fresh.png" 1 "Fresh boot (512 MiB)" || rc=1
tools/plot-fragmap.sh "$LOG" "$OUT/fragmap-fragmented.png" 2 \
	"After fragmenting: order-0 pages of three migratetypes, every other one freed" || rc=1

if [ -x tools/plot-trace.sh ]; then
	TLOG=$LOGDIR/trace.log
	./run-qemu.sh --mem 512M --cmdline "test=kswapd trace=mm" --exit --timeout 300 >"$TLOG" 2>&1 ||
		echo "make-plots: the trace boot exited with $? (see $TLOG)" >&2
	tools/plot-trace.sh "$TLOG" "$OUT/kswapd-trace.png" DMA32 || rc=1
else
	echo "make-plots: tools/plot-trace.sh not present: no kswapd trace picture"
fi
TRACES=
for d in ${MMK_SHARED:-} ../shared ../../shared; do
	[ -f "$d/data/traces/linux-6.1-mix-512m-20s.trace.xz" ] && { TRACES=$d/data/traces; break; }
done
if [ -z "$TRACES" ]; then
	echo "make-plots: no ../shared/data/traces/: no replay picture"
elif [ ! -x build/bench/mmsim ]; then
	echo "make-plots: build/bench/mmsim is missing (make build/bench/mmsim): no replay picture" >&2
	rc=1
else
	RLOG=$LOGDIR/replay.log
	xz -dc "$TRACES/linux-6.1-mix-512m-20s.trace.xz" |
		build/bench/mmsim --e820 tests/data/e820/qemu-pc-512m.txt --replay - \
			--replay-linux-end "$TRACES/linux-6.1-mix-512m-20s.log" --replay-sample 20000 \
			>"$RLOG" 2>&1 || { echo "make-plots: the replay failed (see $RLOG)" >&2; rc=1; }
	tools/plot-replay.sh "$RLOG" "$OUT/replay-free-by-order.png" \
		"Linux 6.1's trace (512 MiB, stress-ng mix) replayed through mm/; Linux's end on the right" ||
		rc=1
fi
exit $rc
