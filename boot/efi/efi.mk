# boot/efi/efi.mk - the GNU-EFI loader (BOOTX64.EFI), the FAT ESP image that
# boots the kernel through it under OVMF, and the loader's host unit test.
# Included by the top Makefile; uses $(BUILD).
#
#   make esp                       build/esp.img: EFI/BOOT/BOOTX64.EFI, kernel.elf
#   make esp EFI_CMDLINE="..."     ... plus cmdline.txt holding that line
#   make efi-run                   boot build/esp.img under OVMF (TCG), serial on stdio;
#                                  EFI_MACHINE=q35 EFI_MEM=4G pick the machine
#   make efi-test                  host test of the ELF checks and boot info builder

EFI_INC     := /usr/include/efi
EFI_LIBDIR  := /usr/lib
EFI_CRT0    := $(EFI_LIBDIR)/crt0-efi-x86_64.o
EFI_LDS     := $(EFI_LIBDIR)/elf_x86_64_efi.lds
# MS ABI straight from C (no uefi_call_wrapper thunks); -maccumulate-outgoing-args
# is what gnu-efi asks for with it. -std=gnu11: the headers use GNU extensions.
EFI_CFLAGS  := -std=gnu11 -O2 -g -fpic -fshort-wchar -ffreestanding -fno-stack-protector \
	-fno-strict-aliasing -mno-red-zone -mno-mmx -mno-sse -maccumulate-outgoing-args \
	-DGNU_EFI_USE_MS_ABI -Wall -Wextra -Werror \
	-I$(EFI_INC) -I$(EFI_INC)/x86_64 -I$(EFI_INC)/protocol -MMD -MP $(EFI_EXTRA_CFLAGS)
EFI_LDFLAGS := -nostdlib -znocombreloc -T $(EFI_LDS) -shared -Bsymbolic -L$(EFI_LIBDIR)
EFI_SRCS    := boot/efi/loader.c boot/efi/kimage.c boot/efi/mb2info.c
EFI_OBJS    := $(EFI_SRCS:%.c=$(BUILD)/efi/%.o)
EFI_CMDLINE ?=
OVMF        ?= /usr/share/ovmf/OVMF.fd
EFI_MEM     ?= 512M
EFI_MACHINE ?= pc

.PHONY: esp efi efi-run efi-test FORCE
efi: $(BUILD)/efi/BOOTX64.EFI
esp: $(BUILD)/esp.img

$(BUILD)/efi/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi/loader.so: $(EFI_OBJS) $(EFI_LDS)
	ld $(EFI_LDFLAGS) $(EFI_CRT0) $(EFI_OBJS) -o $@ -lefi -lgnuefi

$(BUILD)/efi/BOOTX64.EFI: $(BUILD)/efi/loader.so
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

# Rebuilt every time (mtools takes milliseconds) so EFI_CMDLINE always applies.
# The image is sized to the kernel plus 16 MiB, at least 34 MiB (FAT32-sized).
$(BUILD)/esp.img: $(BUILD)/efi/BOOTX64.EFI $(BUILD)/kernel.elf FORCE
	@rm -f $@
	@mb=$$(( $$(stat -c %s $(BUILD)/kernel.elf) / 1048576 + 16 )); \
		[ $$mb -ge 34 ] || mb=34; \
		dd if=/dev/zero of=$@ bs=1M count=0 seek=$$mb status=none
	mformat -i $@ -F -v ESP ::
	mmd -i $@ ::/EFI ::/EFI/BOOT
	mcopy -i $@ $(BUILD)/efi/BOOTX64.EFI ::/EFI/BOOT/BOOTX64.EFI
	mcopy -i $@ $(BUILD)/kernel.elf ::/kernel.elf
	@if [ -n "$(EFI_CMDLINE)" ]; then \
		printf '%s\n' "$(EFI_CMDLINE)" > $(BUILD)/efi/cmdline.txt && \
		mcopy -i $@ $(BUILD)/efi/cmdline.txt ::/cmdline.txt && \
		echo "esp: cmdline.txt = $(EFI_CMDLINE)"; fi

efi-run: $(BUILD)/esp.img
	timeout 120 qemu-system-x86_64 -accel tcg -machine $(EFI_MACHINE) -m $(EFI_MEM) \
		-bios $(OVMF) -drive format=raw,file=$(BUILD)/esp.img,snapshot=on -serial stdio \
		-display none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot; \
		rc=$$?; echo "efi-run: QEMU status $$rc (33 pass, 35 fail, 37 panic, 124 timeout)"; \
		[ $$rc -eq 33 ]

# The pure-C halves of the loader under ASan+UBSan, with the KTAP harness.
$(BUILD)/efi/test_efi: boot/efi/test_efi.c boot/efi/kimage.c boot/efi/mb2info.c \
		tests/host/htest.c boot/efi/kimage.h boot/efi/mb2info.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -o $@ boot/efi/test_efi.c boot/efi/kimage.c \
		boot/efi/mb2info.c tests/host/htest.c

efi-test: $(BUILD)/efi/test_efi
	$(BUILD)/efi/test_efi

FORCE:
