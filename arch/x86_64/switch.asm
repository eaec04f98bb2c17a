; arch/x86_64/switch.asm - the kernel thread context switch and the first
; instructions a new thread runs.
;
; A switch happens inside a C call (kernel/sched.c), so only the registers
; the System V ABI makes callee-saved need saving: the caller of
; switch_stack has already spilled everything else. RFLAGS is not saved:
; the scheduler always switches with interrupts off and each side restores
; its own saved flags once it runs again.

global switch_stack
global thread_trampoline
extern thread_start

section .text
bits 64

; void switch_stack(uint64_t *prev_rsp, uint64_t next_rsp)
; Saves the callee-saved registers on the current stack, stores RSP in
; *prev_rsp, loads next_rsp and pops that thread's registers. The RET then
; resumes the next thread wherever it called switch_stack (or, for a new
; thread, at thread_trampoline: see thread_create in kernel/thread.c).
switch_stack:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; A new thread's first RET lands here with R12 = its struct thread, RBP = 0
; (ends frame-pointer backtraces) and RSP 16-byte aligned at the stack top.
thread_trampoline:
	mov rdi, r12
	call thread_start           ; never returns
	ud2

section .note.GNU-stack noalloc noexec nowrite progbits
