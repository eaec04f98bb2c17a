; boot/multiboot2.asm - the multiboot2 header: what we ask of GRUB (and of our
; GNU-EFI loader, which reads the same header) and where each entry lies.
; Every address in the header is physical: the kernel is linked at
; KERNEL_VMA + physical, so each one is written as `symbol - KERNEL_VMA`.

%include "boot.inc"

extern _start
extern _start64

MB2_MAGIC      equ 0xe85250d6
MB2_ARCH_I386  equ 0
MB2_TAG_OPTIONAL equ 1

section .multiboot2 progbits alloc noexec nowrite align=8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	; Information request. Optional, so a loader lacking one of them (BIOS
	; GRUB has no EFI memory map) still boots us; bootinfo_parse checks
	; what actually arrived.
	align 8
.info_req:
	dw 1, MB2_TAG_OPTIONAL
	dd .info_req_end - .info_req
	dd 1    ; command line
	dd 2    ; boot loader name
	dd 3    ; modules
	dd 4    ; basic meminfo
	dd 6    ; memory map
	dd 14   ; ACPI old RSDP
	dd 15   ; ACPI new RSDP
	dd 17   ; EFI memory map
.info_req_end:

	; 32-bit entry (GRUB). The ELF entry point is a higher-half address a
	; 32-bit loader cannot jump to.
	align 8
.entry:
	dw 3, 0
	dd 12
	dd _start - KERNEL_VMA

	; EFI amd64 entry: used by our GNU-EFI loader (already in long mode).
	; GRUB only honours it together with "keep boot services", which we
	; do not request, so it still takes the 32-bit entry above.
	align 8
.efi64_entry:
	dw 9, MB2_TAG_OPTIONAL
	dd 12
	dd _start64 - KERNEL_VMA

	; A framebuffer, optional and of any mode: we only use the serial
	; port, but without this tag GRUB under UEFI warns that "no console
	; will be available to OS". grub.cfg keeps the current mode.
	align 8
.framebuffer:
	dw 5, MB2_TAG_OPTIONAL
	dd 20
	dd 0, 0, 0          ; width, height, depth: no preference

	; Modules page aligned: memblock reserves whole pages anyway.
	align 8
.module_align:
	dw 6, MB2_TAG_OPTIONAL
	dd 8

	align 8
.end_tag:
	dw 0, 0
	dd 8
mb2_header_end:

section .note.GNU-stack noalloc noexec nowrite progbits
