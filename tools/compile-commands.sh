#!/usr/bin/env bash
# tools/compile-commands.sh - prints compile_commands.json (for clangd and
# other editors) on stdout: every C compile that `make all bench` would run,
# read from `make -n -B` against a scratch build directory, so nothing is
# built and build/ is not touched. `make compile_commands.json` calls it.
# Files compiled twice (mm/ for the kernel and for the host) appear twice,
# kernel flags first.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

make -n -B BUILD="$scratch" all bench 2>/dev/null |
	grep -E -- ' -c [^ ]+\.c( |$)' |
	awk -v root="$root" -v scratch="$scratch" '
	function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
	{
		cmd = $0
		gsub(scratch, "build", cmd)
		file = ""
		for (i = 1; i < NF; i++) if ($i == "-c") file = $(i + 1)
		if (file == "") next
		printf "%s\n  {\"directory\": \"%s\", \"file\": \"%s\", \"command\": \"%s\"}",
			(n++ ? "," : "["), esc(root), esc(file), esc(cmd)
	}
	END { print (n ? "\n]" : "[]") }'
