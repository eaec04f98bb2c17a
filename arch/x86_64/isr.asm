; arch/x86_64/isr.asm - entry stubs for the 32 CPU exception vectors and
; the common path into C (trap_dispatch), plus loading the GDT/TSS.
;
; Each stub makes the stack uniform (a zero error code where the CPU pushes
; none, then the vector number), saves the general registers into a
; struct trap_frame (arch/x86_64/trap.h) and calls trap_dispatch(frame).
; If it returns, the registers (possibly edited, e.g. RIP) are restored and
; the stub returns with IRETQ.

global isr_stub_table
global gdt_load
extern trap_dispatch

%macro ISR_NOERR 1
isr_%1:
	push 0
	push %1
	jmp isr_common
%endmacro
%macro ISR_ERR 1
isr_%1:
	push %1
	jmp isr_common
%endmacro

section .text
bits 64
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31

isr_common:
	cld
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp
	; The CPU aligns RSP to 16 before pushing its 5 quadwords, and 2 + 15
	; more keep it aligned; the AND only guards against a future stub
	; that pushes an odd number.
	mov rbx, rsp
	and rsp, -16
	call trap_dispatch
	mov rsp, rbx
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                 ; vector and error code
	iretq

; void gdt_load(const struct desc_ptr *gdtr, uint16_t code_sel,
;               uint16_t data_sel, uint16_t tss_sel)
gdt_load:
	lgdt [rdi]
	mov ax, dx
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	ltr cx
	lea rax, [rel .reload]
	push rsi
	push rax
	retfq
.reload:
	ret

section .rodata
align 8
isr_stub_table:
%assign i 0
%rep 32
	dq isr_ %+ i
%assign i i + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
