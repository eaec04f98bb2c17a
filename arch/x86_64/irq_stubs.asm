; arch/x86_64/irq_stubs.asm - entry stubs for the interrupt vectors 32..255
; (external, LAPIC and spurious interrupts) and their common path into C.
;
; Same frame as the exception stubs in isr.asm (struct trap_frame in
; trap.h, error code 0), but the C side is irq_dispatch(), which may switch
; threads before returning here (preemption): the frame stays on the
; interrupted thread's stack until that thread runs again and IRETQs.

global irq_stub_table
extern irq_dispatch

%macro IRQ_STUB 1
irq_%1:
	push 0
	push %1
	jmp irq_common
%endmacro

section .text
bits 64
%assign v 32
%rep 224
IRQ_STUB v
%assign v v + 1
%endrep

irq_common:
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
	mov rbx, rsp                ; callee-saved: survives the call and any switch
	and rsp, -16
	call irq_dispatch
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

section .rodata
align 8
irq_stub_table:                     ; entry i is the stub of vector 32 + i
%assign v 32
%rep 224
	dq irq_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
