#!/usr/bin/env bash
# tests/host/mm_configs.sh - KTAP test of mm/'s configurations (mm/config.h):
# each build/mmlib-<cfg>/mm.o (the Makefile's MMLIB_CONFIGS, mm/ alone
# compiled freestanding) needs no symbol but the functions mm/host.h
# declares, defines the layers it switches on and none it leaves out; and
# core-up (core, one node, one CPU, 32-entry maps) keeps its data and BSS
# under 16 KiB. The size of each is printed as a diagnostic. Impossible
# settings stop the compiler with mm/config.h's message.
# Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}

KTAP_SUITE=mm_configs
. tests/ktap.sh

HOST_FNS=$(sed -n 's/^[a-z].*[ *]\(mm_[a-z_0-9]*\)(.*/\1/p' mm/host.h | sort -u)
# One symbol each layer defines, to tell whether it is in.
declare -A LAYER_SYM=([reclaim]=mm_try_to_free_pages [pagecache]=mm_filemap_init
	[compaction]=mm_try_to_compact_pages [numa]=mm_numa_add_memblk
	[fail_page_alloc]=mm_fail_page_alloc_setup [slab]=kmem_cache_create)
declare -A LAYERS_IN=([core-up]="" [core]="" [slab]="slab" [reclaim]="slab reclaim pagecache"
	[full]="slab reclaim pagecache compaction numa fail_page_alloc"
	[nocache]="slab reclaim compaction numa fail_page_alloc"
	[noreclaim]="slab compaction numa fail_page_alloc")

for cfg in core-up core slab reclaim full nocache noreclaim; do
	obj=$BUILD/mmlib-$cfg/mm.o
	if [ ! -f "$obj" ]; then
		notok "${cfg}_links_alone" "$obj is missing (make $obj)"
		continue
	fi
	extra=""
	for s in $(nm -u "$obj" | awk '{print $2}'); do
		grep -qx "$s" <<<"$HOST_FNS" || extra="$extra $s"
	done
	check "${cfg}_needs_only_mm_host_h" "$([ -z "$extra" ]; echo $?)" "undefined:$extra"
	wrong=""
	for layer in "${!LAYER_SYM[@]}"; do
		defined=no
		nm --defined-only "$obj" | grep -qE " T ${LAYER_SYM[$layer]}\$" && defined=yes
		want=no
		[[ " ${LAYERS_IN[$cfg]} " == *" $layer "* ]] && want=yes
		[ $defined = $want ] || wrong="$wrong $layer(in:$defined,want:$want)"
	done
	check "${cfg}_has_exactly_its_layers" "$([ -z "$wrong" ]; echo $?)" "layers:$wrong"
	read -r text data bss _ < <(size "$obj" | tail -1)
	RESULTS+=("    # $cfg: text $text data $data bss $bss")
	if [ "$cfg" = core-up ]; then
		check core_up_data_and_bss_under_16k "$([ $((data + bss)) -lt 16384 ]; echo $?)" \
			"data $data + bss $bss = $((data + bss)) bytes"
	fi
done
# Each impossible setting: the compiler stops, naming the rule.
bad_setting() { # name "-D..." message-regex
	local out
	out=$(echo '#include "mm/config.h"' | ${CC:-cc} -std=c11 -I. $2 -fsyntax-only -x c - 2>&1)
	if [ $? != 0 ] && grep -qE "$3" <<<"$out"; then
		ok "$1"
	else
		notok "$1" "$2 compiled, or said: $(head -c 200 <<<"$out")"
	fi
}
bad_setting pagecache_without_reclaim_is_an_error "-DMM_CONFIG_RECLAIM=0 -DMM_CONFIG_PAGECACHE=1" \
	"MM_CONFIG_PAGECACHE=1 needs MM_CONFIG_RECLAIM=1"
bad_setting two_nodes_without_numa_is_an_error "-DMM_CONFIG_NUMA=0 -DMAX_NUMNODES=2" \
	"MM_CONFIG_NUMA=0 means one node"
bad_setting nine_nodes_is_an_error "-DMAX_NUMNODES=9" "MAX_NUMNODES must be 1..8"
bad_setting zero_cpus_is_an_error "-DMM_MAX_CPUS=0" "MM_MAX_CPUS must be 1..1024"
bad_setting tiny_memmap_is_an_error "-DMEMMAP_MAX=2" "MEMMAP_MAX must be 4..65536"
bad_setting switch_value_2_is_an_error "-DMM_CONFIG_SLAB=2" "every MM_CONFIG_\\* switch is 0 or 1"
echo '#include "mm/config.h"' | ${CC:-cc} -std=c11 -I. -DMAX_NUMNODES=1 -DMM_MAX_CPUS=1 \
	-DMEMMAP_MAX=4 -DMEMBLOCK_MAX_REGIONS=4 -fsyntax-only -x c - 2>/dev/null
check smallest_settings_compile $? "-DMAX_NUMNODES=1 -DMM_MAX_CPUS=1 -DMEMMAP_MAX=4 rejected"
finish
