/*
 * tools/embed-kernel/port.h - the example kernel's RAM: a static array
 * standing in for physical memory from address 0.
 */
#ifndef PORT_H
#define PORT_H

#define RAM_BYTES (48UL << 20)
#define RAM_PAGES (RAM_BYTES >> 12)

extern unsigned char ram[RAM_BYTES];

#endif /* PORT_H */
