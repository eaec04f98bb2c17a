#!/usr/bin/env bash
# tools/bench/run-bench.sh - runs the host benchmark for wall-clock medians,
# then under callgrind for instructions per operation.
set -eu
cd "$(dirname "$0")/../.."
B=build/bench/bench
echo "== wall clock (median of 7 runs, ns per operation; x_floor = ratio to the LIFO floor) =="
"$B"
echo
echo "== instructions per operation (callgrind) =="
out=$(mktemp -d)
iters=20000
valgrind --tool=callgrind --callgrind-out-file="$out/cg.%p" "$B" --callgrind --iters $iters \
	>/dev/null 2>"$out/log" || { cat "$out/log"; exit 1; }
# Each dump file says which case it counted (desc: Trigger) and its total Ir.
declare -A ops=( [floor_pair]=$iters [floor_bulk]=131072 [pcp_pair_order0]=$iters [bulk_order0]=131072
	[pair_order1]=$((iters/4)) [pair_order2]=$((iters/4)) [pair_order3]=$((iters/4))
	[pair_order4]=$((iters/8)) [pair_order5]=$((iters/8)) [pair_order6]=$((iters/8)) [pair_order7]=$((iters/8))
	[pair_order8]=$((iters/16)) [pair_order9]=$((iters/16)) [pair_order10]=$((iters/16))
	[kmalloc64_pair]=$iters [kmalloc256_pair]=$iters [kmalloc4096_pair]=$((iters/4))
	[cache64_pair]=$iters [bulk_kmalloc64_alloc]=8192 [bulk_kmalloc64_free]=8192
	[bulk_cache64_alloc]=8192 [bulk_cache64_free]=8192 )
printf '%-20s %12s %10s\n' case instructions per_op
for f in "$out"/cg.*; do
	name=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
	[ -n "$name" ] || continue
	ir=$(sed -n 's/^summary: //p' "$f" | awk '{print $1}')
	n=${ops[$name]:-0}
	[ "$n" -gt 0 ] || continue
	printf '%-20s %12s %10.1f\n' "$name" "$ir" "$(awk -v a="$ir" -v b="$n" 'BEGIN{print a/b}')"
done | sort -k1,1V
rm -rf "$out"
