; boot/entry.asm - from the loader's hand-off to kernel_main(): the 32-bit
; multiboot2 entry (GRUB), the 64-bit entry (our GNU-EFI loader), the boot
; page tables, the boot GDT and the boot stack.
;
; Both entries receive EAX = multiboot2 magic and EBX = physical address of
; the boot information; both end in long mode on our own page tables and
; GDT, running at the higher-half address, with .bss zeroed.

%include "boot.inc"

global _start
global _start64
global boot_pml4
global boot_stack_top
extern kernel_main
extern __bss_start
extern __bss_end

%define PHYS(x) ((x) - KERNEL_VMA)

PTE_P   equ 1 << 0
PTE_W   equ 1 << 1
PTE_PS  equ 1 << 7

CR0_PE  equ 1 << 0
CR0_WP  equ 1 << 16
CR0_PG  equ 1 << 31
CR4_PAE equ 1 << 5
CR4_PGE equ 1 << 7
MSR_EFER equ 0xc0000080
EFER_LME equ 1 << 8
EFER_NXE equ 1 << 11

GDT_KCODE equ 0x08
GDT_KDATA equ 0x10

section .text
bits 32
_start:
	cli
	cld
	mov edi, eax                ; magic  -> first argument of kernel_main
	mov esi, ebx                ; mbi    -> second argument
	cmp eax, MB2_BOOT_MAGIC
	jne .not_multiboot2

	; Long mode is required; NX is used when present.
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_long_mode
	mov ebp, edx                ; keep the feature bits for NX below

	mov eax, PHYS(boot_pml4)
	mov cr3, eax
	mov eax, cr4
	or eax, CR4_PAE | CR4_PGE
	mov cr4, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	test ebp, 1 << 20
	jz .no_nx
	or eax, EFER_NXE
.no_nx:
	wrmsr
	mov eax, cr0
	or eax, CR0_PG | CR0_WP | CR0_PE
	mov cr0, eax

	lgdt [PHYS(gdt_ptr32)]
	jmp GDT_KCODE:PHYS(long_mode_low)

.not_multiboot2:
	mov esi, PHYS(msg_not_mb2)
	jmp .fail
.no_long_mode:
	mov esi, PHYS(msg_no_lm)
.fail:
	; No C, no stack we trust: poll COM1 directly.
.fail_char:
	lodsb
	test al, al
	jz .fail_exit
	mov bl, al
	mov dx, COM1 + 5
.fail_wait:
	in al, dx
	test al, 0x20
	jz .fail_wait
	mov dx, COM1
	mov al, bl
	out dx, al
	jmp .fail_char
.fail_exit:
	mov dx, QEMU_EXIT_PORT
	mov eax, QEMU_EXIT_PANIC
	out dx, eax
.halt32:
	hlt
	jmp .halt32

bits 64
; Entered by the GNU-EFI loader in long mode on the firmware's identity map,
; at the physical address of this label. Everything here is RIP-relative or
; physical until we are on our own page tables.
_start64:
	cli
	cld
	mov edi, eax
	mov esi, ebx
	cmp eax, MB2_BOOT_MAGIC
	jne .bad_magic64
	lgdt [rel gdt_ptr32]        ; its base is physical: fine on an identity map
	; Our tables map the first 4 GiB identically too, so this code stays put.
	lea rax, [rel boot_pml4]
	mov cr3, rax
	lea rax, [rel long_mode_low]
	push GDT_KCODE
	push rax
	retfq                       ; reload CS with our descriptor
.bad_magic64:
	lea rsi, [rel msg_not_mb2]
.fail64:
	lodsb
	test al, al
	jz .exit64
	mov bl, al
	mov dx, COM1 + 5
.wait64:
	in al, dx
	test al, 0x20
	jz .wait64
	mov dx, COM1
	mov al, bl
	out dx, al
	jmp .fail64
.exit64:
	mov dx, QEMU_EXIT_PORT
	mov eax, QEMU_EXIT_PANIC
	out dx, eax
.halt64:
	hlt
	jmp .halt64

; Common path, still at a low (identity-mapped) address.
long_mode_low:
	mov ax, GDT_KDATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rax, higher_half
	jmp rax

higher_half:
	lgdt [gdt_ptr64]            ; same GDT, now through its higher-half address
	mov r12d, edi               ; magic
	mov r13d, esi               ; mbi physical address
	mov rdi, __bss_start
	mov rcx, __bss_end
	sub rcx, rdi
	xor eax, eax
	rep stosb
	mov rsp, boot_stack_top
	xor ebp, ebp                ; terminates frame-pointer back-traces
	mov edi, r12d
	mov esi, r13d
	call kernel_main
.hang:
	cli
	hlt
	jmp .hang

section .rodata
msg_not_mb2: db "boot: not started by a multiboot2 loader", 13, 10, 0
msg_no_lm:   db "boot: this CPU has no long mode (x86-64)", 13, 10, 0

section .data
align 16
gdt:
	dq 0
	dq 0x00af9a000000ffff       ; 0x08 kernel code: long mode, present, DPL 0
	dq 0x00cf92000000ffff       ; 0x10 kernel data
gdt_end:

gdt_ptr32:
	dw gdt_end - gdt - 1
	dq PHYS(gdt)
align 8
gdt_ptr64:
	dw gdt_end - gdt - 1
	dq gdt

; Boot page tables, 2 MiB pages: the first 4 GiB identity mapped (the entry
; code runs there) and at DIRECT_MAP_BASE (PML4 slot 273, same PDPT), and
; physical 0..1 GiB at KERNEL_VMA (PML4 511, PDPT 510). arch_setup_direct_map()
; replaces them once memblock knows where RAM is.
align 4096
boot_pml4:
	dq PHYS(boot_pdpt_low) + PTE_P + PTE_W
	times 272 dq 0
	dq PHYS(boot_pdpt_low) + PTE_P + PTE_W   ; 273: 0xffff888000000000
	times 511 - 274 dq 0
	dq PHYS(boot_pdpt_high) + PTE_P + PTE_W  ; 511: 0xffffff8000000000
boot_pdpt_low:
	dq PHYS(boot_pd) + 0x0000 + PTE_P + PTE_W
	dq PHYS(boot_pd) + 0x1000 + PTE_P + PTE_W
	dq PHYS(boot_pd) + 0x2000 + PTE_P + PTE_W
	dq PHYS(boot_pd) + 0x3000 + PTE_P + PTE_W
	times 508 dq 0
boot_pdpt_high:
	times 510 dq 0
	dq PHYS(boot_pd) + PTE_P + PTE_W         ; 510: 0xffffffff80000000
	dq 0
boot_pd:
%assign i 0
%rep 2048
	dq (i << 21) + PTE_P + PTE_W + PTE_PS
%assign i i + 1
%endrep

section .bss
align 16
boot_stack:
	resb BOOT_STACK_SIZE
boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
