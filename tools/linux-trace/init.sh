#!/bin/busybox sh
# /init of the capture initramfs (see capture.sh): page-allocator events are on from boot (kernel
# command line) and streamed, gzipped, to /dev/vdb while stress-ng runs with the arguments in
# /stress-args on an ext2 file system on /dev/vda; Linux's own /proc figures follow on the console.
# The project's copy of ../shared/tools/linux-trace/init.sh, plus the kernel's physical range
# (iomem: lines) and the per-CPU list counts read in the same breath as buddyinfo.
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do insmod /$m.ko; done
sleep 1
T=/sys/kernel/tracing
echo "trace: events $(cat $T/set_event | tr '\n' ' ')"
echo 0 > $T/options/overwrite
echo "trace: buffer_size_kb $(cat $T/buffer_size_kb)"
(echo -1000 > /proc/self/oom_score_adj; exec sh -c "cat $T/trace_pipe | gzip -1 > /dev/vdb") &
pump=$!
ifconfig lo 127.0.0.1 up 2>/dev/null
mkdir -p /tmp /work && mount -t tmpfs tmpfs /tmp
mkfs.ext2 -q /dev/vda 2>/dev/null || mke2fs /dev/vda >/dev/null 2>&1; mount -t ext2 /dev/vda /work || echo "trace: no ext2 on vda"
dmesg | grep BIOS-e820 | sed "s/^/e820: /"
grep -E 'System RAM|Kernel ' /proc/iomem | sed "s/^/iomem: /"
cat /proc/buddyinfo | sed 's/^/before-buddyinfo: /'
LD_LIBRARY_PATH=/lib /stress-ng --temp-path /work $(cat /stress-args) --metrics-brief 2>&1 | sed 's/^/stress-ng: /'
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; sleep 2
echo 0 > $T/tracing_on
# One read of both: buddyinfo leaves out the pages on the per-CPU lists, zoneinfo counts them.
cat /proc/buddyinfo /proc/zoneinfo | sed -n -E -e '/^Node [0-9]+, zone +[A-Za-z0-9]+ +[0-9]/s/^/after-buddyinfo: /p' \
  -e '/^Node [0-9]+, zone +[A-Za-z0-9]+ *$|^ +(pages free|min|low|high|spanned|present|managed|high:|cpu:|count:|batch:) /s/^/after-zoneinfo: /p'
cat /proc/pagetypeinfo | sed 's/^/after-pagetypeinfo: /'
cat /proc/vmstat | sed 's/^/after-vmstat: /'
n=0; while [ $n -lt 600 ]; do left=$(cat $T/per_cpu/cpu*/stats | awk '/^entries:/{s+=$2} END{print s+0}'); [ "$left" = 0 ] && break; sleep 1; n=$((n+1)); done
echo "trace: drained after $n s; $(cat $T/per_cpu/cpu*/stats | awk '/^overrun:|^dropped events:/{s+=$NF} END{print s+0}') overrun/dropped"
sleep 3; kill $(pidof cat); sleep 2; sync
echo "trace: done"
poweroff -f
