#!/usr/bin/env bash
# tools/ensure-deps.sh - installs the Debian packages the build and tests need,
# or, when not root, prints the exact command to do so.
set -eu
need=()
check() { # package file-that-proves-it
	[ -e "$2" ] || need+=("$1")
}
check gcc /usr/bin/gcc
check make /usr/bin/make
check nasm /usr/bin/nasm
check grub-pc-bin /usr/lib/grub/i386-pc/moddep.lst
check grub-efi-amd64-bin /usr/lib/grub/x86_64-efi/moddep.lst
check grub-common /usr/bin/grub-mkrescue
check xorriso /usr/bin/xorriso
check mtools /usr/bin/mformat
check qemu-system-x86 /usr/bin/qemu-system-x86_64
check ovmf /usr/share/ovmf/OVMF.fd
check gnu-efi /usr/lib/crt0-efi-x86_64.o
check valgrind /usr/bin/valgrind
check clang /usr/bin/clang
check gnuplot-nox /usr/bin/gnuplot
check libclang-rt-14-dev /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "ensure-deps: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q "${need[@]}" >/dev/null 2>&1 || {
		apt-get update -q >/dev/null 2>&1 || true
		apt-get install -y -q "${need[@]}"
	}
else
	echo "ensure-deps: missing packages. Run:" >&2
	echo "  sudo apt-get install -y ${need[*]}" >&2
	exit 1
fi
