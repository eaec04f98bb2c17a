# tools/gdb/mmk.gdb - debugging the kernel under QEMU's gdb stub:
#   terminal 1:  make debug            (QEMU stopped at the first instruction)
#   terminal 2:  gdb -x tools/gdb/mmk.gdb
# Loads build/kernel.elf's symbols and the mm-* helpers (tools/gdb/mmk.py:
# mm-buddyinfo, mm-zoneinfo, mm-page PFN, mm-free-blocks ZONE ORDER),
# connects to localhost:$MMK_GDB_PORT (default 1234) and stops at
# kernel_main. Run from the repository root.
set pagination off
set confirm off
file build/kernel.elf
source tools/gdb/mmk.py
python
import os
gdb.execute("target remote localhost:%s" % os.environ.get("MMK_GDB_PORT", "1234"))
end
# A hardware breakpoint: the kernel's higher-half addresses are not mapped
# yet when QEMU starts, so gdb could not write a software one there.
hbreak kernel_main
echo mmk: connected; 'continue' runs to kernel_main. Helpers: mm-buddyinfo mm-zoneinfo mm-page mm-free-blocks\n
