#!/usr/bin/env bash
# run-qemu.sh - boots the kernel in QEMU (TCG) with the serial console on
# stdout, and turns the kernel's isa-debug-exit code into our exit status.
#
#   ./run-qemu.sh [--mem 512M] [--smp N] [--boot bios|uefi-grub|uefi-gnuefi]
#                 [--machine pc|q35] [--cmdline "..."] [--timeout S] [--kvm]
#                 [--shell|--exit] [--numa N] [--kernel ELF] [-- extra qemu args]
#
# --kernel ELF: boot another build of the kernel (default build/kernel.elf;
# the Makefile's configurations with mm/ layers left out are
# build/kernel-<cfg>/kernel.elf).
#
# --numa N: N memory nodes (1-8) of unequal size (node i gets a share i+1 of
# --mem), CPUs dealt round-robin (CPU c on node c mod N), distances
# 11 + 10 * |i - j| (21 between neighbours) in the SLIT.
#
# After the self-tests the kernel starts its serial shell, unless its command
# line says `exit`. --exit adds `exit` (the tests' pass/fail code ends QEMU);
# --shell keeps the shell (its `poweroff` leaves with the last test run's
# pass/fail code; Ctrl-A X quits QEMU, Ctrl-A C is QEMU's monitor). Default:
# the shell when stdin and stdout are a terminal (then no timeout unless
# --timeout), --exit otherwise, so scripts never wait for a person.
#
# Exit status: 0 tests passed (QEMU 33), 1 tests failed (35), 2 kernel panic
# or CPU exception (37), 124 timeout, 3 QEMU stopped without a kernel exit
# code (triple fault, reset, poweroff), 4 usage or setup error.
#
# GRUB boots take the command line from a grub.cfg inside the ISO, so one ISO
# is made per (kernel, grub.cfg, command line) and cached under
# build/iso-cache/. The GNU-EFI boot uses a copy of build/esp.img (make esp)
# with the current kernel.elf and \cmdline.txt put in with mtools.
set -u
cd "$(dirname "$0")"

BUILD=build
MEM=512M
SMP=1
BOOT=bios
MACHINE=pc
CMDLINE=""
TIMEOUT=""
ACCEL=tcg
SHELL_MODE=auto
OVMF=/usr/share/ovmf/OVMF.fd
NUMA=""
KERNEL=$BUILD/kernel.elf
EXTRA=()

die() { echo "run-qemu: $*" >&2; exit 4; }

while [ $# -gt 0 ]; do
	case "$1" in
	--mem) MEM=${2:?--mem needs a size}; shift 2 ;;
	--smp) SMP=${2:?--smp needs a count}; shift 2 ;;
	--boot) BOOT=${2:?--boot needs bios, uefi-grub or uefi-gnuefi}; shift 2 ;;
	--machine) MACHINE=${2:?--machine needs pc or q35}; shift 2 ;;
	--cmdline) CMDLINE=${2?--cmdline needs a string}; shift 2 ;;
	--timeout) TIMEOUT=${2:?--timeout needs seconds}; shift 2 ;;
	--kvm) ACCEL=kvm; shift ;;
	--shell) SHELL_MODE=on; shift ;;
	--exit) SHELL_MODE=off; shift ;;
	--numa) NUMA=${2:?--numa needs a node count}; shift 2 ;;
	--kernel) KERNEL=${2:?--kernel needs an ELF file}; shift 2 ;;
	--) shift; EXTRA=("$@"); break ;;
	-h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done

case "$BOOT" in bios|uefi-grub|uefi-gnuefi) ;; *) die "--boot must be bios, uefi-grub or uefi-gnuefi, not '$BOOT'" ;; esac
case "$MACHINE" in pc|q35) ;; *) die "--machine must be pc or q35, not '$MACHINE'" ;; esac
[[ "$SMP" =~ ^[0-9]+$ ]] || die "--smp must be a number, not '$SMP'"
[[ "$MEM" =~ ^[0-9]+[MG]?$ ]] || die "--mem must look like 512M or 4G, not '$MEM'"
[ -z "$NUMA" ] || [[ "$NUMA" =~ ^[1-8]$ ]] || die "--numa must be a node count from 1 to 8, not '$NUMA'"
case "$CMDLINE" in *"'"*) die "the command line may not contain a single quote" ;; esac
INTERACTIVE=no
[ -t 0 ] && [ -t 1 ] && INTERACTIVE=yes
[ "$SHELL_MODE" = auto ] && { [ $INTERACTIVE = yes ] && SHELL_MODE=on || SHELL_MODE=off; }
[ "$SHELL_MODE" = off ] && CMDLINE="${CMDLINE:+$CMDLINE }exit"
if [ -z "$TIMEOUT" ]; then
	if [ "$SHELL_MODE" = on ] && [ $INTERACTIVE = yes ]; then
		TIMEOUT=0   # a person at the shell: no limit
	else
		[ "$BOOT" = bios ] && TIMEOUT=60 || TIMEOUT=120
	fi
fi
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout must be whole seconds, not '$TIMEOUT'"

[ -f "$KERNEL" ] || die "$KERNEL is missing: run 'make kernel' first"
if [ "$BOOT" != bios ] && [ ! -f "$OVMF" ]; then
	die "$OVMF is missing (apt-get install ovmf)"
fi

TMPFILES=()
cleanup() { [ ${#TMPFILES[@]} -eq 0 ] || rm -f "${TMPFILES[@]}"; }
trap cleanup EXIT

# An ISO whose grub.cfg passes $CMDLINE; built once per distinct input.
make_iso() {
	local key iso dir
	key=$( { sha1sum "$KERNEL" boot/grub.cfg; printf '%s' "$CMDLINE"; } | sha1sum | cut -c1-16)
	mkdir -p "$BUILD/iso-cache"
	iso=$BUILD/iso-cache/$key.iso
	if [ ! -f "$iso" ]; then
		dir=$(mktemp -d "$BUILD/iso-cache/tmp.XXXXXX")
		mkdir -p "$dir/boot/grub"
		cp "$KERNEL" "$dir/boot/kernel.elf"
		# Each word single-quoted, so GRUB passes it through untouched.
		local args="" w
		for w in $CMDLINE; do args="$args '$w'"; done
		sed "s|^\([[:space:]]*multiboot2 /boot/kernel.elf\).*|\1$args|" boot/grub.cfg \
			> "$dir/boot/grub/grub.cfg"
		if ! grub-mkrescue -o "$dir.iso" "$dir" >"$dir.log" 2>&1; then
			cat "$dir.log" >&2
			rm -rf "$dir" "$dir.iso" "$dir.log"
			die "grub-mkrescue failed"
		fi
		mv -f "$dir.iso" "$iso"   # atomic: parallel runs may race here
		rm -rf "$dir" "$dir.log"
		# Keep the cache small: the 16 newest ISOs.
		ls -1t "$BUILD"/iso-cache/*.iso 2>/dev/null | tail -n +17 | xargs -r rm -f
	fi
	echo "$iso"
}

make_esp() {
	local src=$BUILD/esp.img img
	[ -f "$src" ] || die "$src is missing: run 'make esp' first"
	img=$(mktemp "$BUILD/esp-run.XXXXXX")
	TMPFILES+=("$img" "$img.cmdline")
	cp "$src" "$img"
	mcopy -o -i "$img" "$KERNEL" ::/kernel.elf || die "mcopy of kernel.elf failed"
	mdel -i "$img" ::/cmdline.txt >/dev/null 2>&1 || true
	if [ -n "$CMDLINE" ]; then
		printf '%s\n' "$CMDLINE" > "$img.cmdline"
		mcopy -o -i "$img" "$img.cmdline" ::/cmdline.txt || die "mcopy of cmdline.txt failed"
	fi
	echo "$img"
}

# Several vCPUs: one host thread each (QEMU 7.2 already defaults to it for
# x86 on x86, said explicitly so an older default cannot serialise them).
ACCEL_ARG=$ACCEL
[ "$ACCEL" = tcg ] && [ "$SMP" -gt 1 ] && ACCEL_ARG="tcg,thread=multi"
QEMU=(qemu-system-x86_64 -accel "$ACCEL_ARG" -machine "$MACHINE" -m "$MEM" -smp "$SMP"
	-display none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ "$SHELL_MODE" = on ]; then
	# Ctrl-C goes to the guest's shell; Ctrl-A X quits, Ctrl-A C is the monitor.
	QEMU+=(-chardev stdio,id=con0,mux=on,signal=off -serial chardev:con0
		-mon chardev=con0,mode=readline)
else
	QEMU+=(-serial stdio -monitor none)
fi
# --numa: memory-backend objects summing to -m, one -numa node each.
if [ -n "$NUMA" ]; then
	mib=${MEM%[MG]}
	[[ "$MEM" == *G ]] && mib=$((mib * 1024))
	weights=$((NUMA * (NUMA + 1) / 2))
	left=$mib
	for ((i = 0; i < NUMA; i++)); do
		size=$((mib * (i + 1) / weights))
		[ $i = $((NUMA - 1)) ] && size=$left
		[ "$size" -gt 0 ] || die "--mem $MEM is too small for $NUMA NUMA nodes"
		left=$((left - size))
		node="node,nodeid=$i,memdev=numa-m$i"
		for ((c = i; c < SMP; c += NUMA)); do node="$node,cpus=$c"; done
		QEMU+=(-object "memory-backend-ram,id=numa-m$i,size=${size}M" -numa "$node")
	done
	for ((i = 0; i < NUMA; i++)); do
		for ((j = i + 1; j < NUMA; j++)); do
			QEMU+=(-numa "dist,src=$i,dst=$j,val=$((11 + 10 * (j - i)))")
		done
	done
fi
case "$BOOT" in
bios)        QEMU+=(-cdrom "$(make_iso)") || exit 4 ;;
uefi-grub)   QEMU+=(-bios "$OVMF" -cdrom "$(make_iso)") || exit 4 ;;
uefi-gnuefi) QEMU+=(-bios "$OVMF" -drive "format=raw,file=$(make_esp)") || exit 4 ;;
esac
# $(...) above runs in a subshell: a die() there only ends the subshell.
for a in "${QEMU[@]}"; do [ -n "$a" ] || die "could not prepare the boot image"; done

# --foreground: QEMU must stay in the terminal's foreground process group to
# read the keyboard (a background reader is stopped by SIGTTIN).
FG=()
[ -t 0 ] && FG=(--foreground)
timeout "${FG[@]}" -k 5 "$TIMEOUT" "${QEMU[@]}" "${EXTRA[@]}"
rc=$?
case $rc in
33) exit 0 ;;
35) exit 1 ;;
37) exit 2 ;;
124|137) echo "run-qemu: TIMEOUT after ${TIMEOUT}s ($BOOT, $MACHINE, $MEM)" >&2; exit 124 ;;
*)
	if [ "$SHELL_MODE" = on ] && [ $rc = 0 ]; then
		echo "run-qemu: QEMU quit (Ctrl-A X, reboot or ACPI poweroff) without a kernel exit code" >&2
	else
		echo "run-qemu: QEMU exited with status $rc without a kernel exit code (triple fault, reset or poweroff?)" >&2
	fi
	exit 3 ;;
esac
