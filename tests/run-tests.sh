#!/usr/bin/env bash
# tests/run-tests.sh - runs every test: the host programs (build/host/test_*,
# tests/host/*.sh), then the kernel's self-tests booted in a QEMU matrix
# (BIOS on pc and q35 from 32M to 16G, UEFI through GRUB and through our
# GNU-EFI loader). Each stream is KTAP, a boot's nested as KUnit prints it
# (a subtest per suite); tests/ktap_check.sh counts the test cases. A run
# that crashes, panics, times out, or whose KTAP is malformed (plans not
# met, suite results or totals that disagree with the cases) adds one
# failure naming its log.
#
#   tests/run-tests.sh                  everything (make test)
#   TESTS_QUICK=1 tests/run-tests.sh    host tests and one BIOS boot
#   tests/run-tests.sh bios-pc q35-4G   only runs whose name contains a word
#   tests/run-tests.sh --list           the run names
#
# Logs: build/test-logs/<name>.log. Last line: "N passed, N failed".
# Exit status 0 only when nothing failed.
set -u
cd "$(dirname "$0")/.."

BUILD=build
LOGS=$BUILD/test-logs
mkdir -p "$LOGS"
PASSED=0
FAILED=0

# --- the matrix: name | run-qemu.sh arguments | timeout | alone? | expect --
# "expect" (optional) turns a boot into a check that the kernel dies on
# purpose the right way: "<run-qemu.sh status>:<regex the log must hold>".
BOOTS=()
for m in pc q35; do
	for mem in 32M 512M 4G; do BOOTS+=("bios-$m-$mem|--boot bios --machine $m --mem $mem|60|no"); done
	for mem in 8G 16G; do BOOTS+=("bios-$m-$mem|--boot bios --machine $m --mem $mem|240|yes"); done
done
BOOTS+=("uefi-grub-pc-512M|--boot uefi-grub --machine pc --mem 512M|120|no")
BOOTS+=("uefi-grub-q35-4G|--boot uefi-grub --machine q35 --mem 4G|120|no")
BOOTS+=("uefi-gnuefi-pc-512M|--boot uefi-gnuefi --machine pc --mem 512M|120|no")
BOOTS+=("uefi-gnuefi-q35-4G|--boot uefi-gnuefi --machine q35 --mem 4G|120|no")

# SMP: every suite again with several CPUs (arch/x86_64/smp.c, suite smp).
BOOTS+=("smp2-bios-q35-512M|--boot bios --machine q35 --mem 512M --smp 2|90|no")
BOOTS+=("smp4-bios-q35-512M|--boot bios --machine q35 --mem 512M --smp 4|120|no")
BOOTS+=("smp4-bios-pc-4G|--boot bios --machine pc --mem 4G --smp 4|180|no")
BOOTS+=("smp2-uefi-gnuefi-q35-4G|--boot uefi-gnuefi --machine q35 --mem 4G --smp 2|180|no")

# NUMA: nodes of unequal size from QEMU's SRAT/SLIT (run-qemu.sh
# --numa: node i gets i+1 shares of RAM, CPUs round robin), every suite; the
# numa suite checks placement, zonelists and locality, kswapd one per node.
BOOTS+=("numa2-bios-q35-1G|--boot bios --machine q35 --mem 1G --smp 2 --numa 2|120|no")
BOOTS+=("numa4-bios-q35-2G|--boot bios --machine q35 --mem 2G --smp 4 --numa 4|180|no")
BOOTS+=("numa2-uefi-gnuefi-q35-4G|--boot uefi-gnuefi --machine q35 --mem 4G --smp 2 --numa 2|180|no")
# Edge cases: nodes too small for order-9 blocks; a node whose memory mem=
# cuts away (its CPU then allocates from the nearest node with memory).
BOOTS+=("numa4-bios-q35-32M|--boot bios --machine q35 --mem 32M --smp 4 --numa 4|90|no")
BOOTS+=("numa2-memoryless-bios-q35-1G|--boot bios --machine q35 --mem 1G --smp 2 --numa 2 --cmdline mem=256M|120|no")

# Soak: mixed workload with fault injection and kswapd, books balanced.
BOOTS+=("soak-smp2-bios-q35-512M|--boot bios --machine q35 --mem 512M --smp 2 --cmdline 'test=soak duration=20'|150|no")

# mm/ with layers left out (mm/config.h; the Makefile's MM_KERNEL_CONFIGS):
# the suites that apply, the others are not compiled in.
for cfg in core slab reclaim; do
	BOOTS+=("cfg-$cfg-bios-pc-512M|--boot bios --machine pc --mem 512M --kernel $BUILD/kernel-$cfg/kernel.elf|60|no")
done

BOOTS+=("crash-df|--boot bios --mem 64M --cmdline crash=df|60|no|2:^PANIC: exception 8 \(Double fault\)")
BOOTS+=("crash-pf|--boot bios --mem 64M --cmdline crash=pf|60|no|2:^PANIC: exception 14 \(Page fault\) .*cr2=0xffffc00000000000")
BOOTS+=("crash-lockorder|--boot bios --mem 64M --cmdline crash=lockorder|60|no|2:^Kernel panic - not syncing: lock order: CPU 0 takes the lock at .* \(rank 20\) while holding one of rank 50")
BOOTS+=("crash-panic|--boot bios --mem 64M --cmdline crash=panic|60|no|2:^Kernel panic - not syncing: crash=panic")
BOOTS+=("crash-panic-smp4|--boot bios --machine q35 --mem 64M --smp 4 --cmdline crash=panic-smp|60|no|2:^smp: stopped 3 other CPUs")
BOOTS+=("bad-test-name|--boot bios --mem 64M --cmdline test=nosuchsuite|60|no|1:^not ok 1 test=nosuchsuite # no such test suite")

HOSTS=()
for t in "$BUILD"/host/test_*; do
	[ -f "$t" ] && [ -x "$t" ] && HOSTS+=("host-$(basename "$t")|$t")
done
# The same host tests built with mm/ layers left out (build/host-<cfg>/).
for t in "$BUILD"/host-*/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	cfg=${t%/*}
	HOSTS+=("host-${cfg##*/host-}-$(basename "$t")|$t")
done
[ -x "$BUILD/efi/test_efi" ] && HOSTS+=("host-test_efi|$BUILD/efi/test_efi")
for t in tests/host/*.sh; do
	[ -f "$t" ] && HOSTS+=("host-$(basename "$t" .sh)|bash $t")
done

FILTER=()
if [ "${1:-}" = "--list" ]; then
	for h in "${HOSTS[@]}"; do echo "${h%%|*}"; done
	for b in "${BOOTS[@]}"; do echo "${b%%|*}"; done
	exit 0
fi
if [ $# -gt 0 ]; then
	FILTER=("$@")
elif [ -n "${TESTS_QUICK:-}" ] && [ "${TESTS_QUICK}" != 0 ]; then
	FILTER=(host- bios-pc-512M crash-df)
fi
selected() { # name
	[ ${#FILTER[@]} -eq 0 ] && return 0
	local f
	for f in "${FILTER[@]}"; do [[ "$1" == *"$f"* ]] && return 0; done
	return 1
}

# Count a finished run from its log and exit status; prints its line.
# tests/ktap_check.sh reads the log's KTAP, nested or flat, counts its test
# cases (results that close no subtest; a skip counts as passed) and finds
# faults in its shape: plans not met, a suite result that disagrees with
# its cases, wrong counts or totals, carriage returns. A boot's log must be
# in KUnit's shape (--kunit): every suite a subtest, "# Totals:" at the end.
account() { # name log rc seconds [--kunit]
	local name=$1 log=$2 rc=$3 secs=$4 kind=${5:-} out ok notok faults why=""
	out=$(tests/ktap_check.sh ${kind:+"$kind"} --fails "$log")
	faults=$(printf '%s\n' "$out" | grep -vE '^(results: |not ok )')
	ok=$(printf '%s\n' "$out" | sed -n 's/^results: pass=\([0-9]*\) fail=[0-9]* skip=\([0-9]*\)$/\1 \2/p')
	ok=$(( ${ok% *} + ${ok#* } ))
	notok=$(printf '%s\n' "$out" | sed -n 's/^results: pass=[0-9]* fail=\([0-9]*\) .*/\1/p')
	case $rc in
	0|1) ;;
	2) why="kernel panic or CPU exception" ;;
	124) why="timed out" ;;
	3) why="QEMU stopped without a kernel exit code" ;;
	*) why="exit status $rc" ;;
	esac
	[ "$rc" = 1 ] && [ "$notok" = 0 ] && [ -z "$why" ] && why="exit status 1 but no failed result"
	if [ -z "$why" ] && [ -n "$faults" ]; then
		why="bad KTAP: $(printf '%s\n' "$faults" | head -1 | sed 's/^[^:]*:[0-9]*: //')"
	fi
	PASSED=$((PASSED + ok))
	FAILED=$((FAILED + notok))
	if [ -n "$why" ]; then
		FAILED=$((FAILED + 1))
		printf 'FAIL %-24s %s passed, %s failed, %s (%ss), log %s\n' "$name" "$ok" "$notok" "$why" "$secs" "$log"
		[ -n "$faults" ] && printf '%s\n' "$faults" | head -5 | sed 's/^/     /'
	elif [ "$notok" != 0 ]; then
		printf 'FAIL %-24s %s passed, %s failed (%ss), log %s\n' "$name" "$ok" "$notok" "$secs" "$log"
	else
		printf 'ok   %-24s %s passed, 0 failed (%ss)\n' "$name" "$ok" "$secs"
	fi
	[ "$notok" != 0 ] && printf '%s\n' "$out" | grep '^not ok ' | sed 's/^/     /'
}

# A boot expected to fail in a given way: one result, pass or fail.
expect_check() { # name log rc seconds expect
	local name=$1 log=$2 rc=$3 secs=$4 want_rc=${5%%:*} re=${5#*:}
	if [ "$rc" = "$want_rc" ] && tr -d '\r' < "$log" | grep -qE "$re"; then
		PASSED=$((PASSED + 1))
		printf 'ok   %-24s died as expected (status %s) (%ss)\n' "$name" "$rc" "$secs"
	else
		FAILED=$((FAILED + 1))
		printf 'FAIL %-24s wanted status %s and /%s/, got status %s, log %s\n' \
			"$name" "$want_rc" "$re" "$rc" "$log"
	fi
}

skip() { # name why
	printf 'SKIP %-24s # SKIP %s\n' "$1" "$2"
}

# --- host programs ---------------------------------------------------------
for h in "${HOSTS[@]}"; do
	name=${h%%|*}; cmd=${h#*|}
	selected "$name" || continue
	log=$LOGS/$name.log
	start=$(date +%s)
	timeout -k 5 300 $cmd >"$log" 2>&1 </dev/null
	rc=$?
	[ $rc = 124 ] || [ $rc = 137 ] && rc=124
	[ $rc -gt 1 ] && [ $rc != 124 ] && rc=99     # crash, sanitizer report
	account "$name" "$log" "$rc" $(( $(date +%s) - start ))
done

# --- QEMU boots --------------------------------------------------------------
if [ ! -f "$BUILD/kernel.elf" ]; then
	echo "run-tests: $BUILD/kernel.elf is missing (make kernel); boots not run" >&2
	FAILED=$((FAILED + 1))
	BOOTS=()
fi
want_gnuefi=no
for b in "${BOOTS[@]}"; do
	[[ "${b%%|*}" == uefi-gnuefi* ]] && selected "${b%%|*}" && want_gnuefi=yes
done
if [ $want_gnuefi = yes ] && [ -f boot/efi/efi.mk ]; then
	# The ESP carries the loader; run-qemu.sh puts the current kernel in a copy.
	make -s esp >"$LOGS/make-esp.log" 2>&1 || echo "run-tests: 'make esp' failed, see $LOGS/make-esp.log" >&2
fi

declare -A PIDS=() STARTS=() EXPECT=()
# Wait for one boot to finish and account it.
reap_one() {
	local pid name rc
	wait -n -p pid "${!PIDS[@]}" 2>/dev/null
	rc=$?
	name=${PIDS[$pid]}
	unset "PIDS[$pid]"
	if [ -n "${EXPECT[$name]:-}" ]; then
		expect_check "$name" "$LOGS/$name.log" "$rc" $(( $(date +%s) - ${STARTS[$name]} )) \
			"${EXPECT[$name]}"
	else
		account "$name" "$LOGS/$name.log" "$rc" $(( $(date +%s) - ${STARTS[$name]} )) --kunit
	fi
}
launch() { # name args timeout
	local name=$1 args=$2 to=$3
	STARTS[$name]=$(date +%s)
	# shellcheck disable=SC2086
	# --exit: no serial shell after the tests, the pass/fail code ends QEMU.
	# eval: a --cmdline value with spaces is quoted in the matrix.
	# The log is saved without the carriage returns of the serial line
	# (CRLF from the kernel, lone ones from GRUB and the EFI loader), so
	# any TAP reader takes it as it is; the status is run-qemu.sh's.
	(
		eval "./run-qemu.sh --exit $args --timeout \"\$to\"" 2>&1 </dev/null |
			tr -d '\r' >"$LOGS/$name.log"
		exit "${PIPESTATUS[0]}"
	) &
	PIDS[$!]=$name
}

for pass in shared alone; do
	for b in "${BOOTS[@]}"; do
		IFS='|' read -r name args to alone expect <<<"$b"
		EXPECT[$name]=$expect
		selected "$name" || continue
		[ "$pass" = shared ] && [ "$alone" = yes ] && continue
		[ "$pass" = alone ] && [ "$alone" = no ] && continue
		if [[ "$name" == uefi-gnuefi* ]] && [ ! -f "$BUILD/esp.img" ]; then
			skip "$name" "$BUILD/esp.img does not exist (make esp)"
			continue
		fi
		max=2
		[ "$pass" = alone ] && max=1
		while [ ${#PIDS[@]} -ge $max ]; do reap_one; done
		launch "$name" "$args" "$to"
	done
	while [ ${#PIDS[@]} -gt 0 ]; do reap_one; done
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
