/*
 * kernel/main.h - what kernel_main() found at boot, for later code and tests.
 */
#ifndef KERNEL_MAIN_H
#define KERNEL_MAIN_H

#include "cmdline.h"
#include "mm/bootinfo.h"

/* The parsed boot information; its memory map is the sanitized one printed
 * as BIOS-e820. Strings point into the boot information (direct map). */
extern struct boot_info kernel_boot_info;
/* The parsed command line. */
extern struct kernel_options kernel_opts;

#endif /* KERNEL_MAIN_H */
