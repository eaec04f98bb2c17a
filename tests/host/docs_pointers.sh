#!/usr/bin/env bash
# tests/host/docs_pointers.sh - KTAP test that the docs point at code that
# exists: in README.md, docs/design.md and docs/embedding.md (the documents
# that point into the code) every `path:function` names a file holding that
# identifier, every `dir/file` path exists, and every other
# `identifier_with_underscore` occurs somewhere in the sources.
# Run from the repository root (tests/run-tests.sh does).
set -u
cd "$(dirname "$0")/../.."
SRC_DIRS="mm kernel arch boot tools tests"
N=0
FAILS=0
RESULTS=()
ok() { N=$((N + 1)); RESULTS+=("ok $N $1"); }
notok() { # name why...
	N=$((N + 1)); FAILS=$((FAILS + 1))
	local name=$1; shift
	RESULTS+=("not ok $N $name")
	for w in "$@"; do RESULTS+=("    # $w"); done
}

for doc in README.md docs/design.md docs/embedding.md; do
	[ -f "$doc" ] || continue
	name=$(basename "$doc" .md | tr -c 'a-zA-Z0-9\n' '_')
	bad=()
	# Backticked spans, one per line (a span may wrap a line: join first).
	spans=$(tr '\n' ' ' <"$doc" | grep -o '`[^`]*`' | tr -d '`' | sort -u)
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		if [[ "$s" =~ ^([A-Za-z0-9_./-]+\.(c|h|asm|sh|py|gdb)):([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
			f=${BASH_REMATCH[1]} fn=${BASH_REMATCH[3]}
			if [ ! -f "$f" ]; then bad+=("$s: no file $f")
			elif ! grep -qw "$fn" "$f"; then bad+=("$s: $fn not in $f"); fi
		elif [[ "$s" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+$ ]] && [[ "$s" != build/* ]] &&
		     [[ "$s" != */ ]] && [[ "$s" != /* ]]; then
			[ -e "$s" ] || bad+=("$s: no such path")
		elif [[ "$s" =~ ^[a-z_][a-z0-9_]*_[a-z0-9_]*$ ]]; then
			# shellcheck disable=SC2086
			grep -rqw --include='*.[chS]' --include='*.asm' "$s" $SRC_DIRS ||
				bad+=("$s: not found in the sources")
		fi
	done <<<"$spans"
	if [ ${#bad[@]} = 0 ]; then ok "${name}_pointers_exist"; else notok "${name}_pointers_exist" "${bad[@]}"; fi
done

echo "KTAP version 1"
echo "# host suite docs_pointers"
echo "1..$N"
printf '%s\n' "${RESULTS[@]}"
echo "# docs_pointers: $((N - FAILS)) passed, $FAILS failed"
[ $FAILS = 0 ]
