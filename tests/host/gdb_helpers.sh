#!/usr/bin/env bash
# tests/host/gdb_helpers.sh - KTAP test of tools/gdb/mmk.gdb and its mm-*
# helpers: boots build/kernel.elf (BIOS, 128M, test=none) stopped under
# QEMU's gdb stub, lets gdb run it to ktest_run() with a hardware
# breakpoint, calls the helpers in batch mode, detaches, and compares
# mm-buddyinfo with the /proc/buddyinfo the kernel itself prints right after
# (nothing allocates in between with test=none). Run from the repository root.
set -u
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d)
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

KTAP_SUITE=gdb_helpers
. tests/ktap.sh

if ! command -v gdb >/dev/null || ! gdb -nx -batch -ex 'python print(1)' >/dev/null 2>&1; then
	ok "gdb_helpers # SKIP gdb with Python is not installed"
	finish
fi
if [ ! -f build/kernel.elf ]; then
	notok kernel_exists "build/kernel.elf is missing (make kernel)"
	finish
fi

# A free TCP port for the stub (others may be debugging on 1234).
PORT=
for _ in $(seq 20); do
	p=$((20000 + RANDOM % 30000))
	ss -ltn 2>/dev/null | grep -q ":$p " || { PORT=$p; break; }
done
[ -n "$PORT" ] || { notok free_port "no free TCP port found"; finish; }

./run-qemu.sh --exit --boot bios --mem 128M --cmdline test=none --timeout 40 \
	-- -S -gdb "tcp:127.0.0.1:$PORT" >"$TMP/serial.log" 2>&1 </dev/null &
QPID=$!
for _ in $(seq 200); do
	ss -ltn 2>/dev/null | grep -q "127.0.0.1:$PORT " && break
	kill -0 "$QPID" 2>/dev/null || break
	sleep 0.05
done

# The first free order-10 block of DMA32, as mm-free-blocks lists it, then
# its struct page: one gdb session, so the pfn is read before mm-page.
MMK_GDB_PORT=$PORT timeout 30 gdb -batch -nx -x tools/gdb/mmk.gdb \
	-ex 'delete' -ex 'hbreak ktest_run' -ex 'continue' \
	-ex 'echo ==buddyinfo\n' -ex 'mm-buddyinfo' \
	-ex 'echo ==zoneinfo\n' -ex 'mm-zoneinfo' \
	-ex 'echo ==freeblocks\n' \
	-ex "python import re; out = gdb.execute('mm-free-blocks DMA32 10 1', to_string=True); gdb.write(out); gdb.write('==page-free\n'); gdb.execute('mm-page ' + re.findall(r'0x[0-9a-f]+', out)[0])" \
	-ex 'echo ==page0\n' -ex 'mm-page 0' \
	-ex 'echo ==page-bad\n' -ex 'mm-page 0x7fffffff' \
	-ex 'echo ==end\n' -ex 'delete' -ex 'detach' >"$TMP/gdb.log" 2>&1
GDB_RC=$?
wait "$QPID"
QRC=$?
QPID=
section() { sed -n "/^==$1\$/,/^==/p" "$TMP/gdb.log" | sed '1d;$d'; }

grep -q '^Breakpoint [0-9]*, ktest_run' "$TMP/gdb.log"
check gdb_stops_at_ktest_run $? "gdb status $GDB_RC: $(tail -3 "$TMP/gdb.log" | tr '\n' '|')"

kernel_bi=$(tr -d '\r' <"$TMP/serial.log" | sed -n '/^# \/proc\/buddyinfo$/,/^# /p' | sed '1d;$d')
gdb_bi=$(section buddyinfo)
[ -n "$gdb_bi" ] && [ "$gdb_bi" = "$kernel_bi" ]
check mm_buddyinfo_matches_kernel_buddyinfo $? \
	"gdb: $(echo "$gdb_bi" | tr -s ' ' | tr '\n' '|')" "kernel: $(echo "$kernel_bi" | tr -s ' ' | tr '\n' '|')"

zi=$(section zoneinfo)
kfree=$(tr -d '\r' <"$TMP/serial.log" | sed -n '/^Node 0, zone *DMA32$/,/^Node/p' | sed -n 's/^  pages free *\([0-9]*\)$/\1/p' | head -1)
echo "$zi" | grep -qE "^Node 0, zone +DMA32: start_pfn 0x1000 spanned [0-9]+ present [0-9]+ managed [0-9]+ free $kfree min [0-9]+ low [0-9]+ high [0-9]+$"
check mm_zoneinfo_matches_kernel_free_count $? "kernel DMA32 free '$kfree'; gdb: $(echo "$zi" | tr '\n' '|')"

pg=$(section page-free)
echo "$pg" | grep -q 'PG_buddy' && echo "$pg" | grep -q '^  zone DMA32 ' &&
	echo "$pg" | grep -q 'free block: buddy order 10 '
check mm_page_decodes_a_free_block $? "$(section freeblocks | tr '\n' '|') $(echo "$pg" | tr '\n' '|')"

pg0=$(section page0)
echo "$pg0" | grep -qE '^  flags 0x[0-9a-f]+ PG_reserved$' && echo "$pg0" | grep -q '^  zone DMA '
check mm_page_shows_pfn0_reserved $? "$(echo "$pg0" | tr '\n' '|')"

section page-bad | grep -q '^mm-page: pfn 0x7fffffff out of range'
check mm_page_refuses_bad_pfn $? "$(section page-bad | tr '\n' '|')"

[ "$QRC" = 0 ]
check kernel_runs_on_after_detach $? "run-qemu.sh status $QRC"
finish
