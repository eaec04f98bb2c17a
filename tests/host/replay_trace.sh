#!/usr/bin/env bash
# tests/host/replay_trace.sh - KTAP test of `mmsim --replay`: the Linux 6.1
# trace excerpt in tests/data/traces/ replays to exact counts (a failed
# allocation, frees from before the trace, batched duplicates and
# batched-only frees, allocations at held pfns, an extfrag line and a
# malformed line, which strict mode refuses with its line number); the
# same events written as trace-cmd, perf and hashed-pointer lines, and
# read from stdin, count the same; each event runs on the CPU its prefix
# names; malformed lines get "FILE:LINE: why";
# replayed movable pages are moved by compaction for THP requests and the
# pfn map follows them (every page comes back at the end); and the shared
# trace (../shared/data/traces/, when present) replays against Linux's
# own end state with every allocation Linux served served too. A replay
# puts the pretend kernel image where Linux had its kernel: the log's
# iomem: ranges, else at 16 MiB (LOAD_PHYSICAL_ADDR), with a clear error
# when the map has no room there; other workloads keep our kernel's 2 MiB.
# Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
MMSIM=${MMSIM:-build/mmsim}
MAP=tests/data/e820/qemu-pc-512m.txt
EXCERPT=tests/data/traces/linux-6.1-mix-excerpt.trace
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

KTAP_SUITE=replay_trace
. tests/ktap.sh
skip() { N=$((N + 1)); RESULTS+=("ok $N $1 # SKIP $2"); }
run() { # args... -> $TMP/out $TMP/err, RC
	"$MMSIM" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	RC=$?
}
# books: "BEFORE AFTER-WITH-LISTS-EMPTIED HELD" from the report's free pages line.
books() {
	sed -n 's/^replay: free pages \([0-9]*\) before the replay, [0-9]* after (\([0-9]*\) with.*held: \([0-9]*\) pages$/\1 \2 \3/p' "$TMP/out"
}
# balanced NAME: free before = free after (lists emptied) + pages still held.
balanced() {
	local b
	b=$(books)
	set -- $b
	if [ $# = 3 ] && [ "$1" = $(($2 + $3)) ]; then ok "$BALANCED"; else
		notok "$BALANCED" "before, after, held: '$b'"; fi
}
# expect NAME LINE-PREFIX WANTED: the report line starting with the prefix
# must be exactly WANTED.
expect_line() {
	local got
	got=$(grep -m1 "^$2" "$TMP/out")
	if [ "$got" = "$3" ]; then ok "$1"; else notok "$1" "want: $3" "got:  $got"; fi
}

if [ ! -x "$MMSIM" ]; then
	notok mmsim_exists "$MMSIM is missing (make build/mmsim)"
	finish
fi

# 1. The excerpt, lenient: exact counts of every special case.
COUNTS="replay: 3500 events: 322 allocs (14 failed in Linux), 2377 frees, 800 batched frees, 1 extfrag; 2303 frees of unknown pages, 3 allocations at held pages; 1 bad lines"
BATCHED="replay: batched frees: 793 after their mm_page_free (the same free), 7 alone; 0 frees of another order than allocated; 0 frees of blocks mm/ had refused; 2 lines without a page event; 0 events lost in Linux"
SATISFIED="replay: satisfied: order 0 226/226, orders 1-3 82/82, orders 4-8 0/0, orders 9-10 0/0; of Linux's failures 14/14"
run --e820 $MAP --replay $EXCERPT --replay-lenient
if [ $RC != 0 ]; then
	notok excerpt_replays "exit $RC" "$(head -3 "$TMP/err")"
else
	ok excerpt_replays
fi
expect_line excerpt_counts_every_kind_of_event "replay: [0-9]* events" "$COUNTS"
expect_line excerpt_batched_duplicates_are_one_free "replay: batched" "$BATCHED"
expect_line excerpt_serves_what_linux_served "replay: satisfied" "$SATISFIED"
expect_line excerpt_counts_trace_extfrag "replay: fallbacks" \
	"replay: fallbacks: 0 fragmenting, 2 whole-pageblock (trace's own mm_page_alloc_extfrag: 1 fragmenting, 0 whole)"
if grep -q "^replay: migrated .*; mm_check_invariants 0 problems$" "$TMP/out"; then
	ok excerpt_keeps_invariants
else
	notok excerpt_keeps_invariants "$(grep -m1 '^replay: migrated' "$TMP/out")"
fi
BALANCED=excerpt_keeps_the_books balanced
if grep -q "Bad page state" "$TMP/out"; then
	notok excerpt_no_bad_page_reports "$(grep -m1 'Bad page' "$TMP/out")"
else
	ok excerpt_no_bad_page_reports
fi

# 1b. Where the pretend kernel image lies.
# refuses NAME MESSAGE ARGS...: mmsim ARGS exits 2 with exactly MESSAGE.
refuses() {
	local name=$1 want=$2
	shift 2
	run "$@"
	if [ $RC = 2 ] && [ "$(cat "$TMP/err")" = "$want" ]; then ok "$name"; else
		notok "$name" "exit $RC, want 2" "want: $want" "got:  $(head -1 "$TMP/err")"; fi
}
expect_line replay_places_the_image_as_linux_loads_its_kernel "mmsim: pretend kernel image" \
	"mmsim: pretend kernel image at [mem 0x0000000001000000-0x00000000011fffff] in 1 range (Linux's LOAD_PHYSICAL_ADDR rule)"
run --e820 $MAP
expect_line other_workloads_keep_our_kernels_place "mmsim: pretend kernel image" \
	"mmsim: pretend kernel image at [mem 0x0000000000200000-0x00000000003fffff] in 1 range (our kernel's load address)"
printf '%s\n' "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable" \
	"BIOS-e820: [mem 0x0000000000100000-0x0000000000ffffff] usable" >"$TMP/16m.e820"
refuses replay_refuses_a_map_without_room_for_linuxs_kernel \
	"mmsim: --replay: $TMP/16m.e820: no RAM range holds a 2048 KiB kernel image at or above 16 MiB, 2 MiB-aligned, where Linux x86-64 loads its kernel (LOAD_PHYSICAL_ADDR)" \
	--e820 "$TMP/16m.e820" --replay $EXCERPT --replay-lenient
# A log of tools/linux-trace/: the kernel's sections from its iomem: lines,
# and Linux's per-CPU list pages counted as free on both sides.
linux_log() { # kernel-code-start
	printf '%s\n' "iomem: 00100000-1ffdffff : System RAM" \
		"iomem:   $1-047fffff : Kernel code" "iomem:   04a00000-04bfffff : Kernel bss" \
		"after-buddyinfo: Node 0, zone      DMA      0      0      0      0      0      0      1      1      0      1      3" \
		"after-buddyinfo: Node 0, zone    DMA32     10     10     10     10     10     10     10     10     10     10    100" \
		"after-vmstat: nr_free_pages 110000" "after-zoneinfo: Node 0, zone    DMA32" \
		"after-zoneinfo:     cpu: 0" "after-zoneinfo:               count: 200" \
		"after-zoneinfo:     cpu: 1" "after-zoneinfo:               count: 100" >"$TMP/new.log"
}
linux_log 04000000
run --e820 $MAP --replay $EXCERPT --replay-lenient --replay-linux-end "$TMP/new.log"
expect_line replay_places_the_image_where_the_log_says "mmsim: pretend kernel image" \
	"mmsim: pretend kernel image at [mem 0x0000000004000000-0x0000000004bfffff] in 2 ranges (Linux's, from the log's iomem: lines)"
if [ $RC = 0 ] && grep -q "^replay: ballast [0-9]* pages (end free [0-9]* + [0-9]* on per-CPU lists, Linux 110000 + 300)$" "$TMP/out" &&
	grep -q "^replay: free in blocks of order >= 9, the per-CPU lists' pages counted as free (ours [0-9]*, Linux 300): [0-9.]*% (Linux [0-9.]*%)$" "$TMP/out"; then
	ok replay_counts_linuxs_per_cpu_pages_from_the_log
else
	notok replay_counts_linuxs_per_cpu_pages_from_the_log "exit $RC: $(head -1 "$TMP/err")" \
		"$(grep -m1 '^replay: ballast' "$TMP/out")"
fi
linux_log 24000000
refuses replay_refuses_a_log_with_an_empty_kernel_range "$TMP/new.log:2: cannot read this line" \
	--e820 $MAP --replay $EXCERPT --replay-lenient --replay-linux-end "$TMP/new.log"
linux_log 00000000
refuses replay_refuses_a_log_kernel_outside_the_maps_ram \
	"mmsim: $MAP: kernel image range [mem 0x0000000000000000-0x00000000047fffff] (Linux's, from the log's iomem: lines) is not inside the map's RAM" \
	--e820 $MAP --replay $EXCERPT --replay-lenient --replay-linux-end "$TMP/new.log"

# 2. Strict: the malformed line (1503) stops the replay with its number.
run --e820 $MAP --replay $EXCERPT
want="$EXCERPT:1503: order= is not an order mm/ has (0-10)"
if [ $RC = 2 ] && [ "$(cat "$TMP/err")" = "$want" ]; then
	ok strict_refuses_malformed_line_with_its_number
else
	notok strict_refuses_malformed_line_with_its_number "exit $RC, want 2" \
		"want: $want" "got:  $(head -1 "$TMP/err")"
fi

# 3. The same events in other spellings count the same (header and
# comment lines aside).
NORM='s/; [0-9]* bad lines$//; s/ [0-9]* lines without a page event;//'
grep -v "order=zero" $EXCERPT >"$TMP/clean.trace"
run --e820 $MAP --replay "$TMP/clean.trace"
base=$(grep '^replay: ' "$TMP/out" | grep -v 'events/s' | sed "$NORM")
variant() { # name file
	run --e820 $MAP --replay "$2"
	got=$(grep '^replay: ' "$TMP/out" | grep -v 'events/s' | sed "$NORM")
	if [ $RC = 0 ] && [ "$got" = "$base" ]; then
		ok "$1"
	else
		notok "$1" "exit $RC: $(head -1 "$TMP/err")" \
			"$(diff <(echo "$base") <(echo "$got") | head -4 | tr '\n' ' ')"
	fi
}
# Each event runs on the CPU its prefix names: the excerpt's two.
if grep -q "^replay: free pages .* of the 2 CPUs emptied" "$TMP/out"; then
	ok replays_on_the_cpus_the_trace_names
else
	notok replays_on_the_cpus_the_trace_names "$(grep -m1 '^replay: free pages' "$TMP/out")"
fi
# trace_pipe without the task/CPU/timestamp prefix: the same events, all on
# CPU 0 (so what the per-CPU lists hold differs, and the lines about it).
events() { grep -E '^replay: ([0-9]* events|batched|satisfied)' "$1" | sed "$NORM"; }
events "$TMP/out" >"$TMP/base.events"
sed 's/^.*: mm_page_/mm_page_/' "$TMP/clean.trace" >"$TMP/noprefix.trace"
run --e820 $MAP --replay "$TMP/noprefix.trace"
if [ $RC = 0 ] && [ "$(events "$TMP/out")" = "$(cat "$TMP/base.events")" ] &&
	grep -q "^replay: free pages .* of the 1 CPUs emptied" "$TMP/out"; then
	ok reads_lines_without_prefix
else
	notok reads_lines_without_prefix "exit $RC: $(head -1 "$TMP/err")" \
		"$(diff "$TMP/base.events" <(events "$TMP/out") | head -4 | tr '\n' ' ')"
fi
# trace-cmd report: its header, no flags column, page=0x...
{
	echo "version = 6"
	echo "cpus=2"
	sed -E 's/\] [.a-zA-Z0-9]{5} /] /; s/page=([0-9a-f]{16})/page=0x\1/' "$TMP/clean.trace"
} >"$TMP/tracecmd.trace"
variant reads_trace_cmd_report "$TMP/tracecmd.trace"
# perf script: kmem: before the event name
sed 's/ mm_page_/ kmem:mm_page_/' "$TMP/clean.trace" >"$TMP/perf.trace"
variant reads_kmem_prefixed_events "$TMP/perf.trace"
# hashed pointers, and pointers hidden as (____ptrval____)
sed -E 's/page=ffffef9c([0-9a-f]{8})/page=00000000\1/' "$TMP/clean.trace" >"$TMP/hashed.trace"
variant reads_hashed_pointers "$TMP/hashed.trace"
sed -E 's/page=[0-9a-f]{16}/page=(____ptrval____)/' "$TMP/clean.trace" >"$TMP/ptrval.trace"
variant reads_ptrval_pointers "$TMP/ptrval.trace"
# other events and a lost-events marker in between are skipped
{
	head -100 "$TMP/clean.trace"
	echo "          <idle>-0       [001] d..2.     1.8: sched_switch: prev_comm=swapper/1 prev_pid=0 ==> next_comm=init next_pid=1"
	echo "CPU:1 [LOST 12 EVENTS]"
	tail -n +101 "$TMP/clean.trace"
} >"$TMP/other.trace"
run --e820 $MAP --replay "$TMP/other.trace"
if [ $RC = 0 ] && grep -q "4 lines without a page event; 12 events lost in Linux" "$TMP/out"; then
	ok skips_other_events_and_counts_lost_ones
else
	notok skips_other_events_and_counts_lost_ones "exit $RC" \
		"$(grep -m1 '^replay: batched' "$TMP/out")"
fi
# libtraceevent's raw dump ("[FAILED TO PARSE]", decimal pfns) and numeric
# gfp_flags (Linux's bits: 0x134cca is GFP_HIGHUSER_MOVABLE|__GFP_COMP|...)
printf '%s\n' "mm_page_alloc: [FAILED TO PARSE] pfn=4660 order=0 migratetype=1 gfp_flags=1264842" \
	"mm_page_alloc: page=ffffea0000000040 pfn=0x1235 order=1 migratetype=0 gfp_flags=0xcc0" \
	"mm_page_free: [FAILED TO PARSE] pfn=4660 order=0" >"$TMP/raw.trace"
run --e820 $MAP --replay "$TMP/raw.trace"
if [ $RC = 0 ] && grep -q "^replay: 3 events: 2 allocs (0 failed in Linux), 1 frees" "$TMP/out" &&
	grep -q "^replay: satisfied: order 0 1/1, orders 1-3 1/1" "$TMP/out" &&
	grep -q "in mm/ (allocations naming them): __GFP_HARDWALL 1$" "$TMP/out"; then
	ok reads_raw_fields_and_numeric_gfp_flags
else
	notok reads_raw_fields_and_numeric_gfp_flags "exit $RC: $(head -1 "$TMP/err")"
fi
# The CPU is the last [NNN] before the event name (a task name may hold
# brackets too); the replay plays as many CPUs as the trace names, and
# refuses more than mm/ has.
cpu_trace() { # cpu
	printf '%s\n' \
		" kworker/[7]-52  [$1] d..2.     1.77: mm_page_alloc: page=ffffea0000000040 pfn=0x1235 order=0 migratetype=0 gfp_flags=GFP_KERNEL" \
		" kworker/[7]-52  [$1] d..2.     1.78: mm_page_free: page=ffffea0000000040 pfn=0x1235 order=0" >"$TMP/cpu.trace"
}
cpu_trace 003
run --e820 $MAP --replay "$TMP/cpu.trace"
if [ $RC = 0 ] && grep -q "^replay: free pages .* of the 4 CPUs emptied" "$TMP/out"; then
	ok reads_the_cpu_of_each_event
else
	notok reads_the_cpu_of_each_event "exit $RC: $(head -1 "$TMP/err")" \
		"$(grep -m1 '^replay: free pages' "$TMP/out")"
fi
cpu_trace 064
run --e820 $MAP --replay "$TMP/cpu.trace"
if [ $RC = 2 ] && [ "$(cat "$TMP/err")" = "mmsim: --replay: the trace has CPU 64, mm/ at most 64 CPUs" ]; then
	ok refuses_more_cpus_than_mm_has
else
	notok refuses_more_cpus_than_mm_has "exit $RC: $(head -1 "$TMP/err")"
fi
# standard input
"$MMSIM" --e820 $MAP --replay - <"$TMP/clean.trace" >"$TMP/out" 2>"$TMP/err"
RC=$?
got=$(grep '^replay: ' "$TMP/out" | grep -v 'events/s' | sed "$NORM")
if [ $RC = 0 ] && [ "$got" = "$base" ]; then ok reads_standard_input; else
	notok reads_standard_input "exit $RC: $(head -1 "$TMP/err")"; fi

# 4. Malformed lines: exit 2 and "FILE:LINE: why".
bad() { # name line message
	printf '%s\n%s\n' "$(head -1 "$TMP/clean.trace")" "$2" >"$TMP/bad.trace"
	run --e820 $MAP --replay "$TMP/bad.trace"
	if [ $RC = 2 ] && [ "$(cat "$TMP/err")" = "$TMP/bad.trace:2: $3" ]; then
		ok "$1"
	else
		notok "$1" "exit $RC" "want: $TMP/bad.trace:2: $3" "got:  $(head -1 "$TMP/err")"
	fi
}
bad refuses_garbage "hello world" "not a trace line"
bad refuses_missing_pfn "mm_page_free: page=ffffef9cc07f3100 order=0" \
	"a free needs pfn= (and order=)"
bad refuses_bad_pfn "mm_page_free: page=ffffef9cc07f3100 pfn=0xZZ order=0" "pfn= is not a number"
bad refuses_unknown_gfp_flag \
	"mm_page_alloc: page=ffffef9cc07f3100 pfn=0x1 order=0 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_BOGUS" \
	"unknown GFP flag in gfp_flags="
bad refuses_bad_pointer "mm_page_free: page=xyz pfn=0x1 order=0" "page= is not a pointer"
bad refuses_bad_cpu " kworker/0:2-52    [99999] .....   1.771859: mm_page_free: page=ffffef9cc07f3100 pfn=0x1 order=0" \
	"[cpu] is not a CPU number"
bad refuses_order_beyond_mm "mm_page_free: page=ffffef9cc07f3100 pfn=0x1 order=11" \
	"order= is not an order mm/ has (0-10)"
run --e820 $MAP --replay "$TMP/missing.trace"
if [ $RC = 2 ] && grep -q "missing.trace: No such file" "$TMP/err"; then
	ok refuses_missing_file
else
	notok refuses_missing_file "exit $RC: $(head -1 "$TMP/err")"
fi

# 5. Compaction moves replayed pages and the pfn map follows: 7000 movable
# pages, every other one freed, four THP requests (GFP_TRANSHUGE, direct
# compaction), then every page freed by its trace pfn. On a 32 MiB machine
# the THPs need compaction; every page must come back.
awk 'BEGIN {
	n = 7000; base = 1048576;
	for (i = 0; i < n; i++)
		printf "mm_page_alloc: page=(____ptrval____) pfn=%d order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP\n", base + i;
	for (i = 1; i < n; i += 2) printf "mm_page_free: page=(____ptrval____) pfn=%d order=0\n", base + i;
	for (k = 0; k < 4; k++)
		printf "mm_page_alloc: page=(____ptrval____) pfn=%d order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE\n", 2097152 + k * 512;
	for (i = 0; i < n; i += 2) printf "mm_page_free: page=(____ptrval____) pfn=%d order=0\n", base + i;
	for (k = 0; k < 4; k++) printf "mm_page_free: page=(____ptrval____) pfn=%d order=9\n", 2097152 + k * 512;
}' >"$TMP/thp.trace"
run --e820 tests/data/e820/qemu-pc-32m.txt --replay "$TMP/thp.trace"
migrated=$(sed -n 's/^replay: migrated \([0-9]*\) pages.*/\1/p' "$TMP/out")
free=$(sed -n 's/^replay: free pages \([0-9]*\) before the replay, [0-9]* after (\([0-9]*\) with.*held: \([0-9]*\) pages$/\1 \2 \3/p' "$TMP/out")
set -- $free
if [ $RC = 0 ] && [ "${migrated:-0}" -gt 0 ] && grep -q "orders 9-10 4/4" "$TMP/out" &&
	[ $# = 3 ] && [ "$1" = "$2" ] && [ "$3" = 0 ] &&
	grep -q "mm_check_invariants 0 problems" "$TMP/out" && ! grep -q "Bad page" "$TMP/out"; then
	ok compaction_moves_replayed_pages_and_the_map_follows
else
	notok compaction_moves_replayed_pages_and_the_map_follows "exit $RC, migrated '${migrated}'" \
		"$(grep -m1 '^replay: satisfied' "$TMP/out")" "$(grep -m1 '^replay: free pages' "$TMP/out")" \
		"$(grep -m1 'Bad page' "$TMP/out")"
fi

# 5b. Where the blocks still held at the end lie, in Linux's pageblocks (the
# trace's pfns) and in ours: two movable pages in Linux's pageblock 0x40,
# one alone in 0x48, an order-2 block in 0x50, an order-10 block over
# 0x60-0x61, and a page freed again (not counted): 5 pageblocks in Linux,
# one of them holding a single page. mm/ hands out neighbouring pages.
{
	m="migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP"
	echo "mm_page_alloc: page=(____ptrval____) pfn=0x8000 order=0 $m"
	echo "mm_page_alloc: page=(____ptrval____) pfn=0x8001 order=0 $m"
	echo "mm_page_alloc: page=(____ptrval____) pfn=0x9000 order=0 $m"
	echo "mm_page_alloc: page=(____ptrval____) pfn=0x9100 order=0 $m"
	echo "mm_page_free: page=(____ptrval____) pfn=0x9100 order=0"
	echo "mm_page_alloc: page=(____ptrval____) pfn=0xa000 order=2 migratetype=0 gfp_flags=GFP_KERNEL"
	echo "mm_page_alloc: page=(____ptrval____) pfn=0xc000 order=10 migratetype=0 gfp_flags=GFP_KERNEL"
} >"$TMP/held.trace"
run --e820 $MAP --replay "$TMP/held.trace"
expect_line held_blocks_pageblocks_ours_and_linux "replay: those held" \
	"replay: those held blocks lie in 4 pageblocks, 0 of which hold one page of them (at the trace's pfns in Linux: 5 and 1)"

# 6. A random stream with every irregularity at once (failed allocations,
# unknown frees, allocations at held pfns, frees of other orders than
# allocated, batched duplicates and batched-only frees) under memory
# pressure, so some allocations fail and their frees come later: the books
# must balance (free before = free after with the lists emptied + pages
# still held), no bad page, no invariant broken.
awk -v seed=1 -v steps=30000 'BEGIN {
	srand(seed);
	for (i = 0; i < steps; i++) {
		r = rand();
		pfn = 4096 + int(rand() * 6000) * 8;
		if (r < 0.45) {
			o = rand() < 0.7 ? 0 : int(rand() * 4);
			g = rand();
			if (g < 0.4) gfp = "GFP_HIGHUSER_MOVABLE|__GFP_COMP";
			else if (g < 0.6) gfp = "GFP_KERNEL";
			else if (g < 0.7) gfp = "GFP_KERNEL|__GFP_RECLAIMABLE";
			else if (g < 0.8) gfp = "GFP_NOWAIT|__GFP_NOWARN|__GFP_COMP";
			else if (g < 0.9) gfp = "GFP_ATOMIC";
			else gfp = "GFP_USER";
			if (rand() < 0.03) pfn = 0;
			printf "mm_page_alloc: page=%s pfn=0x%x order=%d migratetype=0 gfp_flags=%s\n",
				pfn ? "ffffea0000000040" : "0000000000000000", pfn, o, gfp;
		} else if (r < 0.9) {
			o = rand() < 0.8 ? 0 : int(rand() * 4);
			p2 = pfn + (rand() < 0.1 ? int(rand() * 8) : 0);
			printf "mm_page_free: page=ffffea0000000040 pfn=0x%x order=%d\n", p2, o;
			if (rand() < 0.5) printf "mm_page_free_batched: page=ffffea0000000040 pfn=0x%x order=0\n", p2;
		} else {
			printf "mm_page_free_batched: page=ffffea0000000040 pfn=0x%x order=0\n", pfn;
		}
	}
}' >"$TMP/random.trace"
run --e820 tests/data/e820/qemu-pc-32m.txt --replay "$TMP/random.trace"
books=$(books)
set -- $books
refused=$(sed -n 's/.* \([0-9]*\) frees of blocks mm\/ had refused.*/\1/p' "$TMP/out")
mism=$(sed -n 's/.* \([0-9]*\) frees of another order than allocated.*/\1/p' "$TMP/out")
if [ $RC = 0 ] && [ $# = 3 ] && [ "$1" = $(($2 + $3)) ] && [ "${refused:-0}" -gt 0 ] &&
	[ "${mism:-0}" -gt 0 ] && grep -q "mm_check_invariants 0 problems" "$TMP/out" &&
	! grep -q "Bad page" "$TMP/out"; then
	ok random_stream_keeps_the_books
else
	notok random_stream_keeps_the_books "exit $RC; before, after, held: $books;" \
		"refused $refused, other-order $mism" "$(grep -m1 'Bad page' "$TMP/out")"
fi

# 7. The shared trace against Linux's end state (about 5 s under ASan).
SHARED=
for d in ${MMK_SHARED:-} ../shared ../../shared; do
	[ -f "$d/data/traces/linux-6.1-mix-512m-20s.trace.xz" ] && { SHARED=$d/data/traces; break; }
done
if [ -z "$SHARED" ]; then
	skip shared_trace_replays_like_linux "no ../shared/data/traces/linux-6.1-mix-512m-20s.trace.xz"
	finish
fi
xz -dc "$SHARED/linux-6.1-mix-512m-20s.trace.xz" |
	"$MMSIM" --e820 $MAP --replay - --replay-linux-end "$SHARED/linux-6.1-mix-512m-20s.log" \
		--replay-sample 100000 >"$TMP/out" 2>"$TMP/err"
RC=$?
expect_line shared_trace_counts "replay: [0-9]* events" \
	"replay: 1528434 events: 596487 allocs (420 failed in Linux), 625483 frees, 306395 batched frees, 69 extfrag; 36564 frees of unknown pages, 2795 allocations at held pages; 0 bad lines"
expect_line shared_trace_serves_what_linux_served "replay: satisfied" \
	"replay: satisfied: order 0 554290/554290, orders 1-3 41769/41769, orders 4-8 8/8, orders 9-10 0/0; of Linux's failures 420/420"
# Replayed on Linux's two CPUs, with Linux's drain scaling: no more
# fragmenting fallbacks than Linux, and at least Linux's share of free
# pages in blocks of order >= 9 at the end (one CPU and a fixed drain
# batch left 42.3% against Linux's 53.4%). The pretend kernel image lies
# at 16 MiB, as Linux's did at the least (at 2 MiB, in DMA: 4 fragmenting
# fallbacks and 61.6%).
expect_line shared_trace_fallbacks "replay: fallbacks" \
	"replay: fallbacks: 5 fragmenting, 11 whole-pageblock (trace's own mm_page_alloc_extfrag: 62 fragmenting, 7 whole)"
expect_line shared_trace_order9_share_at_least_linux "replay: free in blocks of order >= 9" \
	"replay: free in blocks of order >= 9 at the end: 63.4% of free pages (Linux 53.4%); after emptying the per-CPU lists (534 pages): 82.2%"
ballast=$(sed -n 's/^replay: ballast \([0-9]*\) pages (end free \([0-9]*\), Linux \([0-9]*\))$/\1 \2 \3/p' "$TMP/out")
set -- $ballast
# The ballast brings our end within the per-CPU lists' slack of Linux's.
if [ $RC = 0 ] && [ $# = 3 ] && [ "$1" -gt 30000 ] && [ $(($2 - $3)) -lt 1000 ] &&
	[ $(($3 - $2)) -lt 1000 ] && grep -q "mm_check_invariants 0 problems" "$TMP/out"; then
	ok shared_trace_ballast_matches_linux_end_free
else
	notok shared_trace_ballast_matches_linux_end_free "exit $RC: $(head -1 "$TMP/err")" \
		"$(grep -m1 '^replay: ballast' "$TMP/out")"
fi
BALANCED=shared_trace_keeps_the_books balanced
cp "$TMP/out" "$TMP/stdin.out"
# From a file (parsed in place, mmap) the same report as from the pipe.
xz -dc "$SHARED/linux-6.1-mix-512m-20s.trace.xz" >"$TMP/shared.trace"
run --e820 $MAP --replay "$TMP/shared.trace" --replay-linux-end "$SHARED/linux-6.1-mix-512m-20s.log"
same() { grep '^replay: ' "$1" | grep -v 'events/s'; }
if [ $RC = 0 ] && [ "$(same "$TMP/out")" = "$(same "$TMP/stdin.out")" ]; then
	ok shared_trace_from_a_file_reads_the_same
else
	notok shared_trace_from_a_file_reads_the_same "exit $RC: $(head -1 "$TMP/err")" \
		"$(diff <(same "$TMP/stdin.out") <(same "$TMP/out") | head -3 | tr '\n' ' ')"
fi
rm -f "$TMP/shared.trace"
cp "$TMP/stdin.out" "$TMP/out"
# tools/plot-replay.sh draws the samples (every 100,000 events and the last: 17) and Linux's end.
if ! command -v gnuplot >/dev/null; then
	skip plot_replay_draws_the_samples "gnuplot is not installed"
elif tools/plot-replay.sh "$TMP/out" "$TMP/replay.png" >"$TMP/plot" 2>&1 &&
	grep -q "^plot-replay: 17 samples" "$TMP/plot" && grep -q '^replay-linux-end,1528434,' "$TMP/out" &&
	[ "$(stat -c %s "$TMP/replay.png")" -gt 10000 ]; then
	ok plot_replay_draws_the_samples
else
	notok plot_replay_draws_the_samples "$(head -2 "$TMP/plot")"
fi
finish
