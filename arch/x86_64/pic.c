/*
 * arch/x86_64/pic.c - silences the legacy 8259 PICs. The BIOS leaves them
 * delivering IRQ 0-7 on vectors 8-15, which are CPU exceptions (the PIT
 * tick would look like a double fault); we remap them to 0x20-0x2f and
 * mask every line, since all our interrupts come from the LAPIC. A masked
 * PIC can still raise a spurious IRQ 7 or 15, which then lands on 0x27 or
 * 0x2f where irq.c counts and ignores it.
 */
#include "cpu.h"
#include "irq.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11 /* edge triggered, cascade, ICW4 follows */
#define ICW4_8086 0x01

/* Port 0x80 is unused: writing it gives old PICs time between commands. */
static void io_wait(void)
{
	outb(0x80, 0);
}

void pic_remap_and_mask(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	outb(PIC1_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC2_CMD, ICW1_INIT_ICW4);
	io_wait();
	outb(PIC1_DATA, IRQ_VECTOR_PIC_BASE); /* ICW2: vector base */
	io_wait();
	outb(PIC2_DATA, IRQ_VECTOR_PIC_BASE + 8);
	io_wait();
	outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ 2 */
	io_wait();
	outb(PIC2_DATA, 0x02); /* ICW3: cascade identity */
	io_wait();
	outb(PIC1_DATA, ICW4_8086);
	io_wait();
	outb(PIC2_DATA, ICW4_8086);
	io_wait();
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

uint8_t pic_read_masks(unsigned int which)
{
	return inb(which ? PIC2_DATA : PIC1_DATA);
}
