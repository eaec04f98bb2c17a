; arch/x86_64/trampoline.asm - where an application processor starts: the
; STARTUP IPI puts it in real mode at CS:IP = (T >> 4):0, T being the page
; below 1 MiB that arch/x86_64/smp.c copied this code to. It goes 16 -> 32
; -> 64-bit on a temporary PML4 (the kernel's, plus an identity map of the
; low memory it runs in), then calls the C entry in the kernel image, which
; loads the real page tables.
;
; Nothing here may depend on where it was assembled: the code runs at T,
; so every address is T + (label - trampoline_start), and smp.c patches the
; absolute ones (GDT pointer, far-jump targets) and the per-AP inputs
; (stack, argument) into the data block at the end before each STARTUP.

global trampoline_start
global trampoline_end
global tramp_gdtr
global tramp_pm_jump
global tramp_lm_jump
global tramp_cr3
global tramp_efer
global tramp_stack
global tramp_entry
global tramp_arg
global tramp_pm32
global tramp_lm64
global tramp_gdt

CR0_PE  equ 1 << 0
CR0_WP  equ 1 << 16
CR0_PG  equ 1 << 31
CR0_NW  equ 1 << 29
CR0_CD  equ 1 << 30
CR4_PAE equ 1 << 5
CR4_PGE equ 1 << 7

%define OFF(x) ((x) - trampoline_start)

; Copied, never run in place: read-only data as far as the image goes.
section .rodata
align 16
bits 16
trampoline_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4                   ; EBX = T, kept until 64-bit mode
	o32 lgdt [OFF(tramp_gdtr)]
	mov eax, cr0
	or eax, CR0_PE
	mov cr0, eax
	jmp dword far [OFF(tramp_pm_jump)]

bits 32
tramp_pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, CR4_PAE | CR4_PGE
	mov cr4, eax
	mov eax, [ebx + OFF(tramp_cr3)]
	mov cr3, eax
	mov ecx, 0xc0000080          ; EFER: LME, and NXE when the BSP uses it
	rdmsr
	or eax, [ebx + OFF(tramp_efer)]
	wrmsr
	mov eax, cr0
	and eax, ~(CR0_CD | CR0_NW)  ; INIT leaves the caches disabled
	or eax, CR0_PG | CR0_WP | CR0_PE
	mov cr0, eax
	jmp far [ebx + OFF(tramp_lm_jump)]

bits 64
tramp_lm64:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, [rbx + OFF(tramp_stack)]
	mov rdi, [rbx + OFF(tramp_arg)]
	mov rax, [rbx + OFF(tramp_entry)]
	xor ebp, ebp                 ; ends frame-pointer back-traces
	call rax                     ; smp_ap_entry(arg): never returns
.hang:
	cli
	hlt
	jmp .hang

align 16
tramp_gdt:
	dq 0
	dq 0x00cf9a000000ffff        ; 0x08 32-bit code
	dq 0x00cf92000000ffff        ; 0x10 data
	dq 0x00af9a000000ffff        ; 0x18 64-bit code
tramp_gdt_end:
align 4
	dw 0                         ; aligns the base below
tramp_gdtr:
	dw tramp_gdt_end - tramp_gdt - 1
	dd 0                         ; T + OFF(tramp_gdt), patched
tramp_pm_jump:
	dd 0                         ; T + OFF(tramp_pm32), patched
	dw 0x08
tramp_lm_jump:
	dd 0                         ; T + OFF(tramp_lm64), patched
	dw 0x18
align 4
tramp_cr3:  dd 0                 ; temporary PML4, below 4 GiB
tramp_efer: dd 0                 ; bits ORed into EFER
align 8
tramp_stack: dq 0                ; the AP's initial RSP (virtual)
tramp_entry: dq 0                ; smp_ap_entry (virtual)
tramp_arg:   dq 0                ; its struct cpu
trampoline_end:

section .note.GNU-stack noalloc noexec nowrite progbits
