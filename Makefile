# Makefile - builds the kernel, its ISO and ESP images, host tests, mmsim and
# benchmarks. `make run` boots in QEMU; `make test` runs every test;
# `make debug` boots stopped for gdb (tools/gdb/mmk.gdb).
#
# Conventions (so that adding a file needs no Makefile change):
#   kernel  = boot/*.asm arch/x86_64/*.{asm,c} kernel/*.c mm/*.c tests/kernel/*.c
#   host tests: each tests/host/test_*.c is one program, linked with mm/*.c,
#               tests/host/htest.c and tests/host/host_shim.c, under ASan+UBSan
#   mmsim   = tools/mmsim/*.c + mm/*.c + tests/host/host_shim.c + ramdisk_host.c
# where mm/*.c is every file but mm/host_up.c (the optional porting defaults);
# a new mm/ file is core unless a layer list below names it.

BUILD    := build
CC       ?= gcc
NASM     ?= nasm

KERNEL_CFLAGS := -std=c11 -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=kernel -mno-mmx -mno-sse -mno-sse2 -mno-avx \
	-fno-omit-frame-pointer -fno-strict-aliasing -O2 -g \
	-Wall -Wextra -Werror -I. -MMD -MP \
	-DMM_HOST_INLINE_H='"arch/x86_64/mm_host_inline.h"'
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -no-pie -Wl,--build-id=none -T linker.ld
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -MMD -MP
BENCH_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I. -MMD -MP
# mm/host.h's fast-path functions inline on the host too (tests/host/host_inline.h).
HOST_INLINE  := -DMM_HOST_INLINE_H='"tests/host/host_inline.h"'
HOST_CFLAGS  += $(HOST_INLINE)
BENCH_CFLAGS += $(HOST_INLINE) -DHOST_ONE_CPU

# mm/'s layers (mm/config.h), one file list each; a file no layer names is
# core. A configuration compiles the core and the layers it switches on.
MM_RECLAIM_SRCS    := mm/lru.c mm/vmscan.c mm/kswapd.c mm/shrinker.c mm/oom.c
MM_PAGECACHE_SRCS  := mm/filemap.c
MM_COMPACTION_SRCS := mm/migrate.c $(wildcard mm/compact*.c mm/kcompactd*.c) mm/vmarea.c
# Page-cache pages as migration sees them: both layers.
MM_PAGECACHE_COMPACTION_SRCS := mm/filemap_migrate.c
MM_NUMA_SRCS       := mm/numa.c mm/numa_acpi.c
MM_FAIL_PAGE_ALLOC_SRCS := mm/fail_page_alloc.c
MM_SLAB_SRCS       := mm/slab.c mm/slab_debug.c mm/slab_stat.c mm/kmalloc.c
# Not part of mm/ proper: default host functions an embedder may compile in.
MM_PORT_SRCS       := mm/host_up.c
MM_LAYER_SRCS := $(MM_RECLAIM_SRCS) $(MM_PAGECACHE_SRCS) $(MM_COMPACTION_SRCS) \
	$(MM_PAGECACHE_COMPACTION_SRCS) $(MM_NUMA_SRCS) $(MM_FAIL_PAGE_ALLOC_SRCS) $(MM_SLAB_SRCS)
MM_CORE_SRCS := $(filter-out $(MM_LAYER_SRCS) $(MM_PORT_SRCS),$(wildcard mm/*.c))
MM_SRCS      := $(MM_CORE_SRCS) $(MM_LAYER_SRCS)
KERNEL_CSRCS := $(wildcard arch/x86_64/*.c kernel/*.c tests/kernel/*.c) $(MM_SRCS)
KERNEL_ASRCS := $(wildcard boot/*.asm arch/x86_64/*.asm)
KERNEL_OBJS  := $(KERNEL_ASRCS:%.asm=$(BUILD)/kernel/%.o) $(KERNEL_CSRCS:%.c=$(BUILD)/kernel/%.o)

HOST_SHIM    := tests/host/htest.c tests/host/host_shim.c tests/host/ramdisk_host.c
HOST_TESTS   := $(patsubst tests/host/%.c,$(BUILD)/host/%,$(wildcard tests/host/test_*.c))
HOST_MM_OBJS := $(MM_SRCS:%.c=$(BUILD)/host/obj/%.o) $(HOST_SHIM:%.c=$(BUILD)/host/obj/%.o)
MMSIM_SRCS   := $(wildcard tools/mmsim/*.c)

.PHONY: all kernel iso run test host-tests bench deps clean debug compile_commands.json plots
# Keep intermediate objects: relinking should not recompile.
.SECONDARY:
all: kernel iso $(BUILD)/mmsim host-tests

kernel: $(BUILD)/kernel.elf

$(BUILD)/kernel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# Self-tests run in source order: GCC would otherwise emit a file's KTEST
# descriptors into .ktest in reverse.
$(BUILD)/kernel/tests/kernel/%.o: KERNEL_CFLAGS += -fno-toplevel-reorder

$(BUILD)/kernel/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -g -F dwarf -I boot/ -I arch/x86_64/ $< -o $@

$(BUILD)/kernel.elf: $(KERNEL_OBJS) linker.ld
	$(CC) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) -lgcc

iso: $(BUILD)/os.iso
$(BUILD)/os.iso: $(BUILD)/kernel.elf boot/grub.cfg
	@mkdir -p $(BUILD)/isodir/boot/grub
	cp $(BUILD)/kernel.elf $(BUILD)/isodir/boot/kernel.elf
	cp boot/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/isodir 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

# Host programs
$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/test_%: $(BUILD)/host/obj/tests/host/test_%.o $(HOST_MM_OBJS)
	$(CC) $(HOST_CFLAGS) -o $@ $^ -lm

host-tests: $(HOST_TESTS)

$(BUILD)/mmsim: $(MMSIM_SRCS:%.c=$(BUILD)/host/obj/%.o) $(MM_SRCS:%.c=$(BUILD)/host/obj/%.o) \
		$(BUILD)/host/obj/tests/host/host_shim.o $(BUILD)/host/obj/tests/host/ramdisk_host.o
	$(CC) $(HOST_CFLAGS) -o $@ $^ -lm

# The smallest embedding of mm/ (docs/embedding.md): its own host (the
# seven functions without a default; mm/host_up.c gives the rest), no shim,
# and mm/host.h's plain out-of-line interface (no MM_HOST_INLINE_H), so mm/
# is compiled again for it.
EMBED_CFLAGS := $(filter-out $(HOST_INLINE),$(HOST_CFLAGS))
$(BUILD)/embed/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EMBED_CFLAGS) -c $< -o $@
$(BUILD)/embed-example: $(BUILD)/embed/obj/tools/embed-example/main.o \
		$(MM_SRCS:%.c=$(BUILD)/embed/obj/%.o) $(MM_PORT_SRCS:%.c=$(BUILD)/embed/obj/%.o)
	$(CC) $(EMBED_CFLAGS) -o $@ $^
host-tests: $(BUILD)/embed-example

# A second embedding (tools/embed-kernel, docs/embedding.md): a kernel-like
# program with lists, max_pfn, printk and panic of its own that takes in
# core-only mm/ through the public header mm/mm.h alone, under -Wpedantic;
# mm/host_up.c gives the host functions it does not write.
EMBEDK_CFLAGS = $(EMBED_CFLAGS) -Wpedantic $(MM_CFG_core)
$(BUILD)/embed-kernel/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EMBEDK_CFLAGS) -c $< -o $@
$(BUILD)/embed-kernel/embed-kernel: $(patsubst %.c,$(BUILD)/embed-kernel/obj/%.o,\
		$(wildcard tools/embed-kernel/*.c) $(MM_CORE_SRCS) $(MM_PORT_SRCS))
	$(CC) $(EMBEDK_CFLAGS) -o $@ $^
host-tests: $(BUILD)/embed-kernel/embed-kernel

# ---- configurations with layers left out (mm/config.h) ----
# Each is built for the host (its tests under ASan+UBSan, in
# build/host-<cfg>/) and as a kernel (build/kernel-<cfg>/kernel.elf, booted
# by tests/run-tests.sh with the suites that apply).
#   core     the allocator alone: no reclaim, page cache, compaction, NUMA,
#            fault injection or slab (the kernel then takes its own small
#            objects, thread structs and wait queues, as whole pages)
#   slab     core + slab
#   reclaim  core + slab + reclaim + page cache
#   up       core with every table at its smallest useful size: one node, one
#            CPU, 32-entry memory maps (host only)
MM_OFF_ALL := -DMM_CONFIG_RECLAIM=0 -DMM_CONFIG_PAGECACHE=0 -DMM_CONFIG_COMPACTION=0 \
	-DMM_CONFIG_NUMA=0 -DMM_CONFIG_FAIL_PAGE_ALLOC=0
MM_CFG_core    := $(MM_OFF_ALL) -DMM_CONFIG_SLAB=0
MM_CFG_slab    := $(MM_OFF_ALL)
MM_CFG_reclaim := -DMM_CONFIG_COMPACTION=0 -DMM_CONFIG_NUMA=0 -DMM_CONFIG_FAIL_PAGE_ALLOC=0
MM_CFG_up       := $(MM_CFG_core) -DMAX_NUMNODES=1 -DMM_MAX_CPUS=1 -DMEMMAP_MAX=32 \
	-DMEMBLOCK_MAX_REGIONS=32
MM_SRCS_core    := $(MM_CORE_SRCS)
MM_SRCS_up      := $(MM_CORE_SRCS)
MM_SRCS_slab    := $(MM_CORE_SRCS) $(MM_SLAB_SRCS)
MM_SRCS_reclaim := $(MM_CORE_SRCS) $(MM_SLAB_SRCS) $(MM_RECLAIM_SRCS) $(MM_PAGECACHE_SRCS)
# The host tests that apply to each (test_layers checks what the
# configuration leaves out); the reclaim configuration runs those that
# reclaim changes, not the core ones again.
HOST_TESTS_core    := buddy buddy_wmark memblock memmap bootinfo fastpath pbmap poison layers \
	free_reserved
HOST_TESTS_up      := layers fastpath free_reserved buddy_wmark
HOST_TESTS_reclaim := fastpath layers free_reserved reserves vmscan filemap reclaim_waste slab \
	slab_debug
# Kernel self-test files of switched-off layers are left out; the runner
# reports their suites as skipped (kernel/ktest.c: no such suite compiled).
KTEST_OFF_slab    := tests/kernel/test_compaction.c tests/kernel/test_reclaim.c \
	tests/kernel/test_kswapd.c tests/kernel/test_numa.c tests/kernel/test_soak.c \
	tests/kernel/bench_highalloc.c
KTEST_OFF_core    := $(KTEST_OFF_slab) tests/kernel/test_slab.c tests/kernel/bench_slab.c
KTEST_OFF_reclaim := tests/kernel/test_compaction.c tests/kernel/test_numa.c \
	tests/kernel/test_soak.c tests/kernel/bench_highalloc.c
MM_CONFIGS       := core up slab reclaim
MM_KERNEL_CONFIGS := core slab reclaim

define mm_config
$(BUILD)/host-$(1)/obj/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(HOST_CFLAGS) $$(MM_CFG_$(1)) -c $$< -o $$@
$(BUILD)/host-$(1)/test_%: $(BUILD)/host-$(1)/obj/tests/host/test_%.o \
		$$(patsubst %.c,$(BUILD)/host-$(1)/obj/%.o,$$(MM_SRCS_$(1)) $$(HOST_SHIM))
	$$(CC) $$(HOST_CFLAGS) -o $$@ $$^ -lm
host-tests: $$(patsubst %,$(BUILD)/host-$(1)/test_%,$$(HOST_TESTS_$(1)))
endef
$(foreach c,$(MM_CONFIGS),$(eval $(call mm_config,$(c))))

define mm_kernel_config
$(BUILD)/kernel-$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KERNEL_CFLAGS) $$(MM_CFG_$(1)) -c $$< -o $$@
$(BUILD)/kernel-$(1)/tests/kernel/%.o: KERNEL_CFLAGS += -fno-toplevel-reorder
$(BUILD)/kernel-$(1)/kernel.elf: $$(KERNEL_ASRCS:%.asm=$(BUILD)/kernel/%.o) \
		$$(patsubst %.c,$(BUILD)/kernel-$(1)/%.o,$$(filter-out $$(MM_SRCS) $$(KTEST_OFF_$(1)),\
			$$(KERNEL_CSRCS)) $$(MM_SRCS_$(1))) linker.ld
	$$(CC) $$(KERNEL_LDFLAGS) -o $$@ $$(filter %.o,$$^) -lgcc
kernel-configs: $(BUILD)/kernel-$(1)/kernel.elf
endef
$(foreach c,$(MM_KERNEL_CONFIGS),$(eval $(call mm_kernel_config,$(c))))
.PHONY: kernel-configs
all: kernel-configs

# mm/ alone, one relocatable object per configuration, compiled as a
# freestanding kernel would (no inline host header, -Wundef against a
# switch read without mm/config.h): tests/host/mm_configs.sh checks that
# each needs nothing but mm/host.h's functions and prints its size. core-up
# is core with one node, one CPU and 32-entry memory maps (docs/embedding.md
# "Table sizes").
MMLIB_CFLAGS := -std=c11 -ffreestanding -fno-stack-protector -fno-pic -mno-red-zone -O2 \
	-Wall -Wextra -Werror -Wundef -I. -MMD -MP
MM_CFG_core-up  := $(MM_CFG_up)
MM_SRCS_core-up := $(MM_CORE_SRCS)
MM_CFG_full     :=
MM_SRCS_full    := $(MM_SRCS)
# The switches are independent where mm/config.h allows: reclaim without a
# page cache, compaction without reclaim.
MM_CFG_nocache    := -DMM_CONFIG_PAGECACHE=0
MM_SRCS_nocache   := $(filter-out $(MM_PAGECACHE_SRCS) $(MM_PAGECACHE_COMPACTION_SRCS),$(MM_SRCS))
MM_CFG_noreclaim  := -DMM_CONFIG_RECLAIM=0
MM_SRCS_noreclaim := $(filter-out $(MM_RECLAIM_SRCS) $(MM_PAGECACHE_SRCS) \
	$(MM_PAGECACHE_COMPACTION_SRCS),$(MM_SRCS))
MMLIB_CONFIGS   := core-up core slab reclaim full nocache noreclaim
define mmlib_config
$(BUILD)/mmlib-$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(MMLIB_CFLAGS) $$(MM_CFG_$(1)) -c $$< -o $$@
$(BUILD)/mmlib-$(1)/mm.o: $$(patsubst %.c,$(BUILD)/mmlib-$(1)/%.o,$$(MM_SRCS_$(1)))
	$$(LD) -r -o $$@ $$^
host-tests: $(BUILD)/mmlib-$(1)/mm.o
endef
$(foreach c,$(MMLIB_CONFIGS),$(eval $(call mmlib_config,$(c))))

-include boot/efi/efi.mk
# The loader's host test and the ESP image are part of every build.
host-tests: $(BUILD)/efi/test_efi
all: $(BUILD)/esp.img
-include tools/bench/bench.mk
-include tests/fuzz/fuzz.mk
-include tests/host/smp/smp.mk

deps:
	@./tools/ensure-deps.sh

run: deps all
	./run-qemu.sh

# The build is a fifth of the suite's time when serial: `make test` builds
# with a job per CPU whatever -j it was given (CI runs it plain).
BUILD_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

test: deps
	$(MAKE) -j$(BUILD_JOBS) all
	./tests/run-tests.sh

# QEMU stopped at its first instruction with the gdb stub on GDB_PORT; the
# serial shell stays on this terminal. gdb attaches from another one.
GDB_PORT ?= 1234
debug: deps kernel
	@echo "debug: QEMU waits for gdb on :$(GDB_PORT). In another terminal, from this directory:"
	@echo "         MMK_GDB_PORT=$(GDB_PORT) gdb -x tools/gdb/mmk.gdb"
	@echo "       then 'continue'; mm-buddyinfo, mm-zoneinfo, mm-page PFN, mm-free-blocks ZONE ORDER."
	./run-qemu.sh --shell --timeout 0 -- -S -gdb tcp::$(GDB_PORT)

# The README's pictures from fresh boots: fragmentation maps (and the kswapd
# trace when tools/plot-trace.sh exists) into docs/img/, and the replay of
# the shared Linux trace when ../shared is there; logs in build/plots/.
plots: deps kernel $(BUILD)/bench/mmsim
	tools/make-plots.sh docs/img

# For editors (clangd): the compile commands make would run; nothing is built.
compile_commands.json:
	tools/compile-commands.sh > $@.tmp && mv $@.tmp $@

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
