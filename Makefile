# Makefile - builds the kernel, its ISO and ESP images, host tests, mmsim and
# benchmarks. `make run` boots in QEMU; `make test` runs every test;
# `make debug` boots stopped for gdb (tools/gdb/mmk.gdb).
#
# Conventions (so that adding a file needs no Makefile change):
#   kernel  = boot/*.asm arch/x86_64/*.{asm,c} kernel/*.c mm/*.c tests/kernel/*.c
#   host tests: each tests/host/test_*.c is one program, linked with mm/*.c,
#               tests/host/htest.c and tests/host/host_shim.c, under ASan+UBSan
#   mmsim   = tools/mmsim/*.c + mm/*.c + tests/host/host_shim.c + ramdisk_host.c

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

MM_SRCS      := $(wildcard mm/*.c)
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

# The smallest embedding of mm/ (docs/embedding.md): its own host, no shim,
# and mm/host.h's plain out-of-line interface (no MM_HOST_INLINE_H), so mm/
# is compiled again for it.
EMBED_CFLAGS := $(filter-out $(HOST_INLINE),$(HOST_CFLAGS))
$(BUILD)/embed/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EMBED_CFLAGS) -c $< -o $@
$(BUILD)/embed-example: $(BUILD)/embed/obj/tools/embed-example/main.o \
		$(MM_SRCS:%.c=$(BUILD)/embed/obj/%.o)
	$(CC) $(EMBED_CFLAGS) -o $@ $^
host-tests: $(BUILD)/embed-example

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

test: deps all
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
