/*
 * arch/x86_64/trap.c - the kernel GDT with its TSS, the IDT for the 32 CPU
 * exceptions, and what happens on one: a PANIC line, a register dump and
 * QEMU's panic exit code. A double fault runs on its own IST stack so a
 * blown kernel stack still reports instead of triple-faulting.
 */
#include "trap.h"
#include "cpu.h"
#include "desc.h"
#include "layout.h"
#include "qemu_exit.h"
#include "smp.h"
#include "kernel/printk.h"

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x18
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define IST_EMERGENCY 1
#define EMERGENCY_STACK_SIZE 8192

extern const uint64_t isr_stub_table[32];
void trap_dispatch(struct trap_frame *f);

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t emergency_stack[EMERGENCY_STACK_SIZE] __attribute__((aligned(16)));
static trap_hook_fn trap_hook;

static const char *const trap_names[32] = {
	"Divide error",
	"Debug",
	"NMI",
	"Breakpoint",
	"Overflow",
	"Bound range exceeded",
	"Invalid opcode",
	"Device not available",
	"Double fault",
	"Coprocessor segment overrun",
	"Invalid TSS",
	"Segment not present",
	"Stack-segment fault",
	"General protection fault",
	"Page fault",
	"Reserved",
	"x87 floating-point error",
	"Alignment check",
	"Machine check",
	"SIMD floating-point error",
	"Virtualization exception",
	"Control protection exception",
	"Reserved",
	"Reserved",
	"Reserved",
	"Reserved",
	"Reserved",
	"Reserved",
	"Hypervisor injection",
	"VMM communication",
	"Security exception",
	"Reserved",
};

const char *trap_name(unsigned int vector)
{
	return vector < 32 ? trap_names[vector] : "Unknown";
}

static void set_gate(unsigned int vec, uint64_t handler, uint8_t ist)
{
	idt[vec] = (struct idt_gate){
		.offset_lo = (uint16_t)handler,
		.selector = SEL_KCODE,
		.ist = ist,
		.type_attr = GATE_INTERRUPT,
		.offset_mid = (uint16_t)(handler >> 16),
		.offset_hi = (uint32_t)(handler >> 32),
	};
}

static void gdt_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	tss.ist[IST_EMERGENCY - 1] = (uint64_t)(uintptr_t)(emergency_stack + EMERGENCY_STACK_SIZE);
	tss.iomap_base = sizeof(tss); /* no I/O bitmap */

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL; /* kernel code, long mode */
	gdt[2] = 0x00cf92000000ffffULL; /* kernel data */
	/* 64-bit available TSS: a 16-byte descriptor. */
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
	gdt_load(&gdtr, SEL_KCODE, SEL_KDATA, SEL_TSS);
}

void trap_init(void)
{
	gdt_init();
	for (unsigned int v = 0; v < 32; v++) {
		uint8_t ist = (v == 2 || v == 8 || v == 18) ? IST_EMERGENCY : 0;
		set_gate(v, isr_stub_table[v], ist);
	}
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

unsigned int trap_present_gates(void)
{
	struct desc_ptr idtr;
	unsigned int n = 0;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	const struct idt_gate *g = (const struct idt_gate *)(uintptr_t)idtr.base;
	for (unsigned int v = 0; v < 32 && (v + 1) * sizeof(*g) <= (size_t)idtr.limit + 1; v++) {
		uint64_t off = g[v].offset_lo | ((uint64_t)g[v].offset_mid << 16) |
			       ((uint64_t)g[v].offset_hi << 32);
		if ((g[v].type_attr & 0x80) && off == isr_stub_table[v])
			n++;
	}
	return n;
}

void idt_set_gate(unsigned int vector, void (*stub)(void), unsigned int ist)
{
	set_gate(vector & 0xff, (uint64_t)(uintptr_t)stub, (uint8_t)ist);
}

void trap_set_hook(trap_hook_fn hook)
{
	trap_hook = hook;
}

static void dump_frame(const struct trap_frame *f)
{
	printk("RIP: %04lx:%016lx RFLAGS: %08lx\n", f->cs, f->rip, f->rflags);
	printk("RSP: %04lx:%016lx\n", f->ss, f->rsp);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", f->rax, f->rbx, f->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", f->rdx, f->rsi, f->rdi);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", f->rbp, f->r8, f->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", f->r10, f->r11, f->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", f->r13, f->r14, f->r15);
	printk("CR0: %016lx CR3: %016lx CR4: %016lx\n", read_cr0(), read_cr3(), read_cr4());
}

/* Follow saved frame pointers (the kernel keeps them) while they stay in
 * the kernel's half of the address space. */
void dump_backtrace(uint64_t rbp)
{
	printk("Call trace:\n");
	for (int depth = 0; depth < 16 && rbp >= DIRECT_MAP_BASE && !(rbp & 7); depth++) {
		const uint64_t *fp = (const uint64_t *)(uintptr_t)rbp;
		if (!fp[1])
			break;
		printk(" [<%016lx>]\n", fp[1]);
		if (fp[0] <= rbp)
			break;
		rbp = fp[0];
	}
}

void trap_dispatch(struct trap_frame *f)
{
	static int nested;

	if (f->vector == 2 && smp_stopping()) {
		/* Another CPU panicked and stopped us (smp_stop_other_cpus). */
		smp_stopped_here();
	}
	if (trap_hook && trap_hook(f))
		return;
	if (nested++) {
		/* Faulted while reporting: say so with the least machinery. */
		printk("PANIC: nested exception %lu (%s) rip=0x%lx\n", f->vector,
		       trap_name((unsigned int)f->vector), f->rip);
		qemu_exit(QEMU_EXIT_PANIC);
	}
	smp_stop_other_cpus();
	printk("PANIC: exception %lu (%s) error=0x%lx rip=0x%lx cr2=0x%lx rsp=0x%lx\n", f->vector,
	       trap_name((unsigned int)f->vector), f->error, f->rip, read_cr2(), f->rsp);
	dump_frame(f);
	dump_backtrace(f->rbp);
	printk("Kernel panic - not syncing: fatal exception\n");
	qemu_exit(QEMU_EXIT_PANIC);
}
