#!/usr/bin/env bash
# tests/host/check_symbols.sh - mm/'s exported names stay out of an
# embedder's way. For each configuration of mm/ built as one object
# (build/mmlib-<cfg>/mm.o, Makefile "mm/ alone"), every global it defines
# is either mm_-prefixed or a function the public header mm/mm.h declares
# (the allocation API, which keeps Linux's names); and for the full
# configuration, every function mm/mm.h declares is defined.
#
# Usage: tests/host/check_symbols.sh [OBJECT-DIR-GLOB]   (KTAP on stdout)
set -u
cd "$(dirname "$0")/../.."
hdr=mm/mm.h
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
KTAP_SUITE=check_symbols
. tests/ktap.sh

# Function names mm/mm.h declares (comments and preprocessor lines out,
# static inline definitions skipped).
perl -0pe 's|/\*.*?\*/||gs; s|^#.*$||mg' "$hdr" | tr '\n' ' ' | tr ';{}' '\n\n\n' |
	grep -v 'static' |
	sed -n 's/^[^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\) *(.*/\1/p' | sort -u > "$tmp/public"
check public_header_parsed "$([ "$(wc -l < "$tmp/public")" -ge 20 ]; echo $?)" \
	"$(wc -l < "$tmp/public") functions found in $hdr"

found=0
for obj in ${1:-build/mmlib-*}/mm.o; do
	[ -f "$obj" ] || continue
	found=$((found + 1))
	cfg=$(basename "$(dirname "$obj")"); cfg=${cfg#mmlib-}
	nm -g --defined-only "$obj" | awk 'NF == 3 { print $3 }' | sort -u > "$tmp/defined"
	grep -v '^mm_' "$tmp/defined" | grep -v '^mm__' | comm -23 - "$tmp/public" > "$tmp/bad"
	RESULTS+=("# $cfg: $(wc -l < "$tmp/defined") names exported, $(comm -12 "$tmp/defined" "$tmp/public" | wc -l) of them $hdr's API")
	check "names_prefixed_or_public_$cfg" "$([ ! -s "$tmp/bad" ]; echo $?)" \
		"$(wc -l < "$tmp/bad") of $(wc -l < "$tmp/defined") exported names are neither mm_-prefixed nor declared in $hdr: $(head -20 "$tmp/bad" | tr '\n' ' ')"
	if [ "$cfg" = full ]; then
		comm -23 "$tmp/public" "$tmp/defined" > "$tmp/missing"
		check public_api_all_defined "$([ ! -s "$tmp/missing" ]; echo $?)" \
			"$hdr declares, the full configuration does not define: $(tr '\n' ' ' < "$tmp/missing")"
	fi
done
check configurations_found "$([ "$found" -ge 3 ]; echo $?)" \
	"$found build/mmlib-*/mm.o objects (make host-tests builds them)"
finish
