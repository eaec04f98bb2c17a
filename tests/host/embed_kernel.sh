#!/usr/bin/env bash
# tests/host/embed_kernel.sh - KTAP test of tools/embed-kernel, mm/ taken
# in by a kernel-like program that already has its own list_head,
# container_of, max_pfn, printk and panic: it includes only the public
# header mm/mm.h (its port file also mm/host.h), builds core-only mm/
# under -Wpedantic, links, gives back every page it took, keeps its own
# max_pfn, and runs mm/'s self-tests.
# Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
BIN=${EMBED_KERNEL:-build/embed-kernel/embed-kernel}
DIR=tools/embed-kernel
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

KTAP_SUITE=embed_kernel
. tests/ktap.sh

# 1. mm/ reached through the public header only (and mm/host.h, which is
# the porting layer, in the port file).
other=$(grep -h '#include "mm/' "$DIR"/*.c "$DIR"/*.h | grep -v '"mm/mm.h"' |
	grep -v '"mm/host.h"' | tr '\n' ' ')
check includes_only_the_public_header "$([ -z "$other" ]; echo $?)" "other mm/ headers: $other"
host=$(grep -l '#include "mm/host.h"' "$DIR"/*.c | tr '\n' ' ')
check host_header_only_in_the_port "$([ "$host" = "$DIR/mm_port.c " ]; echo $?)" "files: $host"

# 2. Its own names that mm/ has too, or used to export.
for name in 'struct list_head {' 'define container_of' 'unsigned long max_pfn;' 'int printk(' 'void panic('; do
	grep -qF "$name" "$DIR"/klib.h "$DIR"/klib.c
	check "defines_its_own_${name//[^a-z_]/}" $? "'$name' not found in $DIR/klib.*"
done

if [ ! -x "$BIN" ]; then
	notok example_runs "$BIN is missing (make $BIN)"
	finish
fi

# 3. Runs to the end: every buffer allocated, all free pages back.
"$BIN" >"$TMP/out" 2>"$TMP/err" </dev/null
rc=$?
check exits_0 "$rc" "exit status $rc: $(tail -n 3 "$TMP/out" "$TMP/err" | tr '\n' '|')"
grep -q '^embed-kernel: ok$' "$TMP/out"
check reports_ok $? "last line: $(tail -1 "$TMP/out")"
n=$(grep -cE '^buffer [0-9]+: order [0-9]+ at pfn 0x[0-9a-f]+$' "$TMP/out")
check every_buffer_allocated "$([ "$n" = 9 ]; echo $?)" "$n of 9 buffers"
boot=$(sed -n 's/^free pages after boot: //p' "$TMP/out")
end=$(sed -n 's/^free pages at the end: //p' "$TMP/out")
check free_pages_restored "$([ -n "$boot" ] && [ "$boot" = "$end" ]; echo $?)" "boot $boot, end $end"

# 4. mm/'s self-tests inside it, in KUnit's shape.
out=$(tests/ktap_check.sh --kunit --fails "$TMP/out")
check selftests_wellformed_kunit_ktap $? "$(printf '%s' "$out" | tr '\n' '|')"
grep -qE '^# Totals: pass:[1-9][0-9]* fail:0 ' "$TMP/out"
check selftests_pass "$?" "$(grep -E '^# Totals|^ *not ok' "$TMP/out" | tr '\n' '|')"
finish
