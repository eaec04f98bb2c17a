#!/usr/bin/env bash
# tools/boot-bench.sh - boot time and struct page set-up time per GiB, for
# BENCHMARKS.md. Boots each configuration RUNS times with no self-tests
# (test=none) and prints the median wall-clock time from QEMU start to the
# kernel's exit, and the median of the kernel's own mm_init timing.
#
#   tools/boot-bench.sh [RUNS]      (default 5)
set -eu
cd "$(dirname "$0")/.."
RUNS=${1:-5}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf '%-22s %12s %16s %18s\n' config boot_ms mm_init_us mm_init_us_per_GiB
for cfg in "bios pc 512M" "bios pc 4G" "bios q35 16G" "uefi-grub q35 4G" "uefi-gnuefi q35 4G"; do
	set -- $cfg
	walls=(); inits=(); pergib=()
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		out=$(./run-qemu.sh --boot "$1" --machine "$2" --mem "$3" --cmdline test=none 2>&1) || {
			echo "boot-bench: $cfg failed" >&2; echo "$out" | tail -5 >&2; exit 1; }
		t1=$(date +%s%N)
		walls+=($(( (t1 - t0) / 1000000 )))
		line=$(echo "$out" | grep -a 'mm: zones and struct pages' | head -1)
		inits+=($(echo "$line" | sed -n 's/.* in \([0-9]*\) us.*/\1/p'))
		pergib+=($(echo "$line" | sed -n 's/.*(\([0-9]*\) us per GiB).*/\1/p'))
	done
	printf '%-22s %12s %16s %18s\n' "$1-$2-$3" \
		"$(printf '%s\n' "${walls[@]}" | median)" \
		"$(printf '%s\n' "${inits[@]}" | median)" \
		"$(printf '%s\n' "${pergib[@]}" | median)"
done
