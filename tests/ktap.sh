# tests/ktap.sh - KTAP output for the shell-scripted host tests.
# Source it after setting KTAP_SUITE; then ok NAME, notok NAME WHY..., and
# check NAME STATUS WHY record results, and finish prints them and exits
# (status 0 only when nothing failed).
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
check() { # name status why
	if [ "$2" = 0 ]; then ok "$1"; else notok "$1" "$3"; fi
}
finish() {
	echo "KTAP version 1"
	echo "# host suite $KTAP_SUITE"
	echo "1..$N"
	printf '%s\n' "${RESULTS[@]}"
	echo "# $KTAP_SUITE: $((N - FAILS)) passed, $FAILS failed"
	[ $FAILS = 0 ]
	exit
}
