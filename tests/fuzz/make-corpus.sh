#!/usr/bin/env bash
# tests/fuzz/make-corpus.sh - writes the seed corpus of every fuzz target
# into tests/fuzz/corpus/<target>/ (bash and printf only: no python on a
# fresh Debian). Seeds are valid inputs of each kind the target knows, so
# libFuzzer starts from the interesting shapes instead of finding them.
# Run from anywhere: `make fuzz-corpus` or `bash tests/fuzz/make-corpus.sh`.
set -eu
cd "$(dirname "$0")"
C=corpus
rm -rf "$C"
mkdir -p "$C/fuzz_bootinfo" "$C/fuzz_memmap" "$C/fuzz_e820_file" "$C/fuzz_alloc_ops" \
	"$C/fuzz_reserves" "$C/fuzz_trace_parse" "$C/fuzz_slab"

# Little-endian numbers as printf escapes.
le() { # bytes value
	local n=$1 v=$2 i out=""
	for ((i = 0; i < n; i++)); do
		out+=$(printf '\\x%02x' $(((v >> (8 * i)) & 255)))
		done
	printf '%s' "$out"
}
le32() { le 4 "$1"; }
le64() { le 8 "$1"; }

# ---- multiboot2 boot information (fuzz_bootinfo) ----
# A blob is built in the shell variable MB as escapes; tag() appends one tag
# padded to 8 bytes, finish() adds the end tag and total_size.
MB=""
MBLEN=0
mb_start() { MB=""; MBLEN=8; }
raw() { # escapes length
	MB+=$1
	MBLEN=$((MBLEN + $2))
}
pad8() { while ((MBLEN % 8)); do raw '\x00' 1; done; }
tag() { # type payload-escapes payload-length
	raw "$(le32 "$1")$(le32 $((8 + $3)))" 8
	raw "$2" "$3"
	pad8
}
str_tag() { # type string
	local s=$2
	tag "$1" "$s\\x00" $((${#s} + 1))
}
mb_finish() { # file
	tag 0 "" 0
	printf "$(le32 $MBLEN)$(le32 0)$MB" >"$1"
}
e820_entry() { printf '%s' "$(le64 "$1")$(le64 "$2")$(le32 "$3")$(le32 0)"; }
mmap_tag() { # esize entries... ("addr:len:type")
	local esize=$1 p="" n=0 e a l t
	shift
	for e in "$@"; do
		IFS=: read -r a l t <<<"$e"
		p+=$(e820_entry "$a" "$l" "$t")
		for ((k = 24; k < esize; k++)); do p+='\x00'; done
		n=$((n + 1))
	done
	tag 6 "$(le32 "$esize")$(le32 0)$p" $((8 + n * esize))
}
QEMU512=(0:0x9fc00:1 0x9fc00:0x400:2 0xf0000:0x10000:2 0x100000:0x1fee0000:1
	0x1ffe0000:0x20000:2 0xfffc0000:0x40000:2 0xfd00000000:0x300000000:2)
efi_tag() { # descriptors... ("type:phys:pages")
	local p="" n=0 d t a pg
	for d in "$@"; do
		IFS=: read -r t a pg <<<"$d"
		p+="$(le32 "$t")$(le32 0)$(le64 "$a")$(le64 0)$(le64 "$pg")$(le64 0xf)"
		n=$((n + 1))
	done
	tag 17 "$(le32 40)$(le32 1)$p" $((8 + n * 40))
}
rsdp_tag() { # type bytes
	local p="RSD PTR " i
	for ((i = 8; i < $2; i++)); do p+=$(printf '\\x%02x' "$i"); done
	tag "$1" "$p" "$2"
}

B=$C/fuzz_bootinfo
mb_start
str_tag 1 "test=memmap mem=256M"
str_tag 2 "GRUB 2.06-13+deb12u1"
tag 3 "$(le32 0x800000)$(le32 0x812345)initrd.img\\x00" 19
tag 4 "$(le32 639)$(le32 523136)" 8
mmap_tag 24 "${QEMU512[@]}"
rsdp_tag 15 36
mb_finish "$B/grub-qemu-512m.bin"

mb_start
str_tag 2 "ourloader"
efi_tag 7:0:0x9f 0:0x9f000:1 3:0x100000:0x700 7:0x800000:0x7800 4:0x8000000:0x100 \
	9:0x8100000:0x10 10:0x8110000:0x10 0xb:0xffc00000:0x400 14:0x100000000:0x1000
rsdp_tag 14 20
mb_finish "$B/efi-map-only.bin"

mb_start
mmap_tag 32 0:0x9fc00:1 0x100000:0x7ee0000:1 0x7fe0000:0x20000:2 0xfeffc000:0x4000:2
mb_finish "$B/mmap-entry-size-32.bin"

mb_start
mmap_tag 24 0x1000:0x9e000:1 0x100000:0x3ff00000:1 0x3ff00000:0x100000:3 0x50000000:0x1000:4 \
	0x60000000:0x1000:5 0x70000000:0x1000:7 0x80000000:0x1000:12 0x90000000:0x1000:0xefffffff \
	0x100000:0x1000:2 0xffffffffffff0000:0x20000:1
efi_tag 7:0:0x10
for i in 1 2 3; do tag 3 "$(le32 $((i << 20)))$(le32 $((i << 20 | 0xfff)))mod$i\\x00" 13; done
mb_finish "$B/overlaps-and-both-maps.bin"

mb_start
str_tag 1 "no end tag"
mmap_tag 24 0:0x9fc00:1
printf "$(le32 $MBLEN)$(le32 0)$MB" >"$B/bad-no-end-tag.bin"

# ---- firmware maps as 8-byte records (fuzz_memmap) ----
# type selector (0 usable, 4 reserved, 5 ACPI, 6 NVS, 7 unusable, 8 pmem,
# 9 pram, 10 soft reserved, 11-14 unknown), scale byte (low 3 bits: address
# shift 0/8/12/12/16/24/40 or 7 = below 2^64; bits 5-7: size shift), 24-bit
# address, 24-bit size.
rec() { printf '%s' "$(printf '\\x%02x\\x%02x' "$1" "$2")$(le 3 "$3")$(le 3 "$4")"; }
M=$C/fuzz_memmap
# QEMU 512M in 256-byte units (scale 1 for both): usable, reserved pieces
printf "$(rec 0 0x21 0 0x9fc)$(rec 4 0x21 0x9fc 4)$(rec 4 0x21 0xf00 0x100)$(rec 0 0x21 0x1000 0x1fee00)$(rec 4 0x21 0x1ffe00 0x200)$(rec 4 0x21 0xfffc00 0x400)" \
	>"$M/qemu-512m.bin"
# Overlaps of every type over one usable range, sub-page edges
printf "$(rec 0 0x00 0 0xffffff)$(rec 5 0x00 0x1800 0x800)$(rec 6 0x00 0x3000 0x1000)$(rec 7 0x00 0x5001 0x10)$(rec 8 0x00 0x8000 0x4000)$(rec 9 0x00 0x9000 0x4000)$(rec 10 0x00 0x20000 0x1000)$(rec 11 0x00 0x30000 0x1)$(rec 1 0x00 0x40000 0x100000)" \
	>"$M/every-type-overlapping.bin"
# Ranges reaching and wrapping past 2^64
printf "$(rec 0 0x47 1 4)$(rec 4 0xe7 0 0x10)$(rec 0 0x22 0x100 0x1000)" >"$M/top-of-address-space.bin"
# A full map: 260 alternating records (more than MEMMAP_MAX)
s=""
for ((i = 0; i < 260; i++)); do s+=$(rec $((i % 2 ? 4 : 0)) 0x42 $((i * 2)) 2); done
printf "$s" >"$M/full-map-260.bin"

# ---- dmesg text maps (fuzz_e820_file): the project's own map files ----
cp ../data/e820/*.txt "$C/fuzz_e820_file/"
chmod 644 "$C"/fuzz_e820_file/*

# ---- allocator operation sequences (fuzz_alloc_ops) ----
# byte 0: layout (0 QEMU-like 40 MiB, 1 flat 20 MiB); then operations, the
# first byte of each % 12: 0-2 alloc_pages (gfp selector, modifiers, order),
# 3 __get_free_pages (same), 4 alloc_pages_exact (gfp, mods, 16-bit size),
# 5-6 free (16-bit index), 7 bad free (kind, 16-bit a, b), 8 drain (b),
# 9 toggle poisoning, 10 get_page+free (index), 11 split_page (index); % 18:
# 12-13 page-cache write (16-bit first page, run length - 1), 14 read and
# verify (same), 15 cache misc (b % 4: fsync, evict, fill the shrinker's
# cache with 1 + (b >> 2) * 8 pages, drain tree-node pages), 16 reclaim
# (kind: direct, direct GFP_NOIO, balance_zone, kswapd; order; zone),
# 17 compaction (kind: compact_memory, one zone and order, try_to_compact_pages,
# kcompactd; order; priority; zone).
A=$C/fuzz_alloc_ops
op() { local b; for b in "$@"; do printf '\\x%02x' "$b"; done; }
printf "$(op 0)$(op 9)$(op 0 0 0 0)$(op 0 0 1 3)$(op 0 1 0 10)$(op 3 3 0 0)$(op 5 0 0)$(op 6 0 0)$(op 5 0 0)$(op 5 0 0)$(op 8 1)" \
	>"$A/alloc-free-poisoned.bin"
printf "$(op 1)$(op 0 5 2 4)$(op 4 0 1 0x00 0x50)$(op 11 0 0)$(op 10 1 0)$(op 8 2)$(op 5 3 0)$(op 5 1 0)" \
	>"$A/comp-zero-exact-split.bin"
printf "$(op 0)$(op 0 0 0 2)$(op 7 0 5 0 0)$(op 7 1 0 0 3)$(op 7 2 0 0 1)$(op 7 3 0 0 0)$(op 7 4 1 0 1)$(op 7 4 0 0 0)$(op 7 5 0 0 0)$(op 0 0 0 0)$(op 7 5 0 0 1)" \
	>"$A/bad-frees.bin"
printf "$(op 1)$(op 0 0xf0 0 0xff 0xff 0x7f)$(op 0 3 0x08 0)$(op 0 0 0 11)$(op 0 0 0 255)$(op 0 13 0 0)$(op 4 0 0 0 0)" \
	>"$A/invalid-requests.bin"
s="$(op 0)$(op 9)"
for ((i = 0; i < 40; i++)); do s+=$(op 0 $((i % 14)) $((i * 37 % 256)) $((i % 5))); done
for ((i = 0; i < 20; i++)); do s+=$(op 5 $((i * 7)) 0); done
printf "$s$(op 8 1)" >"$A/many-mixed.bin"
# the cache under pressure: reclaim of every kind, the shrinker, compaction
s="$(op 0)$(op 12 0 0 127)$(op 13 128 0 127)$(op 15 $((2 | 15 << 2)))"
for ((i = 0; i < 7; i++)); do s+=$(op 0 0 0 10); done
s+="$(op 16 0 0 1)$(op 16 1 3 1)$(op 16 2 0 1)$(op 16 3 9 1)$(op 14 0 0 127)$(op 14 128 0 127)"
s+="$(op 5 0 0)$(op 5 0 0)$(op 15 0)$(op 15 1)$(op 15 3)$(op 14 200 0 50)"
printf "$s" >"$A/cache-reclaim-shrink.bin"
# cache pages interleaved with unmovable ones, holes punched, then compaction
s="$(op 1)$(op 0 0 0 10)$(op 0 0 0 10)$(op 0 0 0 10)$(op 0 0 0 9)"
for ((i = 0; i < 60; i++)); do s+=$(op 12 $((i * 8)) 0 7)$(op 0 0 0 0); done
for ((i = 0; i < 30; i++)); do s+=$(op 5 $((4 + i * 2)) 0); done
s+="$(op 17 0 0 0 1)$(op 17 1 9 0 1)$(op 17 1 4 2 1)$(op 17 2 9 1 1)$(op 17 3 9 0 1)"
s+="$(op 0 5 0 9)$(op 14 0 0 255)$(op 14 0 1 127)"
printf "$s" >"$A/cache-compaction.bin"

# ---- reserve life cycles (fuzz_reserves) ----
# Operations of three bytes: op % 12, a, b. a % 4 is the CPU it runs on.
# 0-1 alloc (gfp (a / 4) % 10 from the table, order b % 4 or 9 + b % 2),
# 2-3 free held block (a << 8 | b) % held, 4 fill without reclaim (gfp b,
# order b % 3), 5 free every k-th, 6 drain all CPUs, 7 unreserve (zone and
# type from b, forced when a is odd), 8 reserve around a held block, 9
# page-cache write, 10 evict, 11 compaction (b odd: compact_memory).
R=$C/fuzz_reserves
# fill, an atomic order-2 below min (a reserve), freed on CPU 1, released, drained
printf "$(op 4 0 2)$(op 0 0 2)$(op 5 0 0)$(op 2 1 0)$(op 7 1 1)$(op 6 0 0)$(op 0 8 0)" \
	>"$R/reserve-pcp-release.bin"
# reserves around many held blocks, steals by every type, released unforced then forced
s="$(op 4 0 1)"
for ((i = 0; i < 12; i++)); do s+=$(op 8 $i $((i * 29))); done
for ((i = 0; i < 12; i++)); do s+=$(op 0 $((8 + i % 3 * 8)) $i)$(op 3 $((i + 1)) $((i * 13))); done
s+="$(op 7 0 1)$(op 7 0 3)$(op 7 1 1)$(op 7 1 3)$(op 6 2 0)$(op 5 0 3)"
printf "$s" >"$R/reserves-steals.bin"
# page cache among unmovable blocks, holes, compaction at each priority, then pageblock-sized blocks
s="$(op 9 0 63)$(op 9 0 127)$(op 0 8 1)$(op 0 16 2)$(op 5 0 1)$(op 11 1 1)$(op 11 2 0)"
s+="$(op 11 3 2)$(op 11 4 4)$(op 0 8 12)$(op 0 12 13)$(op 2 0 0)$(op 10 0 1)$(op 6 3 0)"
printf "$s" >"$R/cache-compaction-large.bin"

# ---- Linux page-allocator traces (fuzz_trace_parse) ----
# Each spelling the parser reads: trace_pipe, no prefix, trace-cmd report,
# perf's kmem: prefix, hashed and hidden pointers, decimal pfns, a failed
# allocation, extfrag, a batched duplicate, other events, lost events.
T=$C/fuzz_trace_parse
P='      init-1       [001] .....     1.768577: '
printf '%s\n' "${P}mm_page_alloc: page=ffffef9cc07f2f00 pfn=0x1fcbc order=0 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_ZERO" \
	"${P}mm_page_free: page=ffffef9cc07f2f00 pfn=0x1fcbc order=0" \
	"${P}mm_page_free_batched: page=ffffef9cc07f2f00 pfn=0x1fcbc order=0" >"$T/trace-pipe.txt"
printf '%s\n' "# tracer: nop" "#" \
	"mm_page_alloc: page=0000000000000000 pfn=0x0 order=3 migratetype=0 gfp_flags=GFP_NOWAIT|__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP" \
	"mm_page_alloc_extfrag: page=ffffef9cc07ec000 pfn=0x1fb00 alloc_order=0 fallback_order=8 pageblock_order=9 alloc_migratetype=1 fallback_migratetype=2 fragmenting=1 change_ownership=1" \
	>"$T/no-prefix.txt"
printf '%s\n' "version = 6" "cpus=2" \
	"  stress-ng-vm-126  [000]    13.080997: mm_page_alloc:        page=0xffffef9cc0188000 pfn=0x6200 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE" \
	"  stress-ng-vm-126  [000]    13.090997: mm_page_free:         page=0xffffef9cc0188000 pfn=0x6200 order=9" >"$T/trace-cmd.txt"
printf '%s\n' "bash 12 [001] 1.0: kmem:mm_page_alloc: page=000000007dc0b519 pfn=4660 order=1 migratetype=2 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_RECLAIMABLE|0x4000000" \
	"bash 12 [001] 1.1: kmem:mm_page_free: page=(____ptrval____) pfn=4660 order=1" \
	"          <idle>-0       [001] d..2.     1.8: sched_switch: prev_comm=swapper/1 prev_pid=0" \
	"CPU:1 [LOST 12 EVENTS]" "${P}mm_page_alloc: page=ffffef9cc07f2f00 pfn=0x1fcbc order=zero migratetype=0 gfp_flags=none" \
	>"$T/perf-hashed-other.txt"
printf '%s\n' "mm_page_alloc: [FAILED TO PARSE] pfn=4660 order=0 migratetype=1 gfp_flags=1264842" \
	"mm_page_free: [FAILED TO PARSE] pfn=4660 order=0" >"$T/raw-numeric.txt"

# ---- slab operations (fuzz_slab) ----
# Four cache specs (flags byte, size le16), then ops of 4 bytes (op, a, b le16).
# Seeds: each flag set once; a long mixed run from a fixed LCG; misuse of
# every kind; big kmallocs and krealloc chains.
S=corpus/fuzz_slab
caches() { # four flag bytes
	local out="" f
	for f in "$@"; do out+=$(printf '\\x%02x' "$f")$(le 2 $((f * 37 + 24))); done
	printf '%s' "$out"
}
sop() { printf '\\x%02x\\x%02x%s' "$1" "$2" "$(le 2 "$3")"; }
s=$(caches 0x00 0x08 0x10 0x18)
for ((i = 0; i < 60; i++)); do s+=$(sop $((i % 10)) $((i * 13 % 256)) $((i * 977))); done
printf "$s" >"$S/plain-mixed.bin"
s=$(caches 0x28 0x30 0x38 0x60)
for ((i = 0; i < 80; i++)); do s+=$(sop $((i % 12)) $((i * 29 % 256)) $((i * 613))); done
printf "$s" >"$S/debug-caches-misuse.bin"
s=$(caches 0x83 0xa4 0x4d 0xc2)
x=12345
for ((i = 0; i < 300; i++)); do
	x=$(((x * 1103515245 + 12345) % 2147483648))
	s+=$(sop $((x % 256)) $((x / 256 % 256)) $((x / 65536 % 65536)))
done
printf "$s" >"$S/lcg-300-ops.bin"
s=$(caches 0x01 0x02 0x03 0x04)
for ((i = 0; i < 20; i++)); do s+=$(sop 3 $((0x80 | i)) $((i * 3001)))$(sop 6 $((0x80 | i)) $i); done
for ((i = 0; i < 10; i++)); do s+=$(sop 10 $i $i)$(sop 5 $((0x80 | i)) 7); done
printf "$s" >"$S/big-kmalloc-krealloc.bin"

# Inputs that once failed (harness or mm bugs), kept as seeds so fuzz-smoke
# replays them: regress/<target>-<what>.bin
for f in regress/fuzz_*-*.bin; do
	[ -e "$f" ] || continue
	t=${f#regress/}
	cp "$f" "$C/${t%%-*}/regress-${t#*-}"
done

echo "make-corpus: $(find "$C" -type f | wc -l) seeds in tests/fuzz/$C"
