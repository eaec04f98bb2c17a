/*
 * arch/x86_64/cpu.c - CPU feature queries.
 */
#include "cpu.h"

static bool ext_feature(uint32_t edx_bit)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000001)
		return false;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	return (d >> edx_bit) & 1;
}

bool cpu_has_pdpe1gb(void)
{
	return ext_feature(26);
}
bool cpu_has_nx(void)
{
	return ext_feature(20);
}
