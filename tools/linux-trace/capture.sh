#!/usr/bin/env bash
# Captures a real Linux kernel's page-allocator trace: Debian's Linux 6.1 cloud kernel boots in QEMU
# (TCG) with kmem:mm_page_alloc, mm_page_free, mm_page_free_batched and mm_page_alloc_extfrag on from
# early boot, runs stress-ng, drops the page cache, and prints its own /proc/buddyinfo, pagetypeinfo,
# vmstat and zoneinfo. Everything comes from Debian's packages (linux-image-cloud-amd64, busybox-static,
# stress-ng, qemu-system-x86, cpio).
# This is the project's copy of ../shared/tools/linux-trace/capture.sh (the team's shared capture
# tool, which made ../shared/data/traces/); it differs in init.sh only: the log also gets the
# kernel's physical range (/proc/iomem's "Kernel code/rodata/data/bss" as iomem: lines) and
# each CPU's per-CPU list count read together with buddyinfo (after-zoneinfo: cpu:/count: lines),
# which tools/mmsim's replay reads (docs/replay.md).
# Usage: capture.sh OUT MEM-MiB SECONDS [PRESET | -- STRESS-NG-ARGS...]
#   presets: mix (default: vm 50%, fork, hdd, sock, pipe), big (vm 2x35%, tmpfs, shm, fork 2, hdd, pipe)
# Writes OUT.trace.xz (ftrace text, as trace_pipe prints it) and OUT.log (the console, with the
# after-buddyinfo:/after-pagetypeinfo:/after-vmstat:/after-zoneinfo:, e820: and iomem: lines).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "$1"); mem=${2:-512}; secs=${3:-20}; shift 3 || shift $#
case "${1:-mix}" in
  mix) args="--vm 1 --vm-bytes 50% --fork 1 --hdd 1 --hdd-bytes 256m --sock 1 --pipe 1" ;;
  big) args="--vm 2 --vm-bytes 35% --tmpfs 1 --shm 1 --fork 2 --hdd 1 --hdd-bytes 512m --pipe 1" ;;
  --) shift; args="$*" ;;
  *) echo "capture.sh: unknown preset '$1' (mix, big, or -- followed by stress-ng arguments)" >&2; exit 2 ;;
esac
w=${LINUX_TRACE_WORK:-/tmp/linux-trace}; mkdir -p "$w/debs"; cd "$w"
need=(); for c in qemu-system-x86_64 cpio busybox stress-ng xz; do command -v $c >/dev/null || need+=($c); done
[ ${#need[@]} = 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-system-x86 cpio busybox-static stress-ng xz-utils >/dev/null
if [ ! -f ver ]; then
  ver=$(apt-cache depends linux-image-cloud-amd64 | sed -n 's/.*Depends: linux-image-\(.*\)/\1/p' | head -1)
  (cd debs && apt-get download linux-image-$ver >/dev/null 2>&1)
  mkdir -p root && dpkg -x debs/linux-image-$ver*.deb root && echo "$ver" > ver
fi
ver=$(cat ver); mods=root/lib/modules/$ver/kernel/drivers
rm -rf initrd && mkdir -p initrd/bin initrd/proc initrd/sys initrd/dev initrd/lib initrd/lib64
cp "$(command -v busybox)" initrd/bin/busybox
for m in virtio/virtio virtio/virtio_ring virtio/virtio_pci_modern_dev virtio/virtio_pci_legacy_dev virtio/virtio_pci block/virtio_blk; do cp $mods/$m.ko initrd/; done
cp "$(command -v stress-ng)" initrd/stress-ng
for l in $(ldd "$(command -v stress-ng)" | awk '{print $3}' | grep /); do cp -L "$l" initrd/lib/; done
cp -L /lib64/ld-linux-x86-64.so.2 initrd/lib64/
echo "$args --timeout ${secs}s" > initrd/stress-args
cp "$here/init.sh" initrd/init && chmod +x initrd/init
(cd initrd && find . | cpio -o -H newc 2>/dev/null | gzip) > initrd.gz
rm -f data.img trace.img; truncate -s $((mem * 5 / 4))M data.img; truncate -s 4G trace.img
buf=$(( mem >= 2048 ? 48 : 32 ))
timeout 3600 qemu-system-x86_64 -kernel root/boot/vmlinuz-$ver -initrd initrd.gz \
  -append "console=ttyS0 loglevel=4 panic=-1 init_on_alloc=0 no_hash_pointers trace_event=kmem:mm_page_alloc,kmem:mm_page_free,kmem:mm_page_free_batched,kmem:mm_page_alloc_extfrag trace_buf_size=${buf}M" \
  -m "$mem" -smp 2 -serial stdio -display none -no-reboot \
  -drive file=data.img,format=raw,if=virtio -drive file=trace.img,format=raw,if=virtio > "$out.log" 2>&1
grep -q '^trace: done' "$out.log" || { echo "capture.sh: the guest did not finish; see $out.log" >&2; exit 1; }
gzip -dc < trace.img 2>/dev/null | grep -a -E 'mm_page|LOST' | xz -T0 -6 > "$out.trace.xz" || true
echo "$out.trace.xz: $(xz -dc "$out.trace.xz" | wc -l) events; $(grep '^trace: drained' "$out.log")"
