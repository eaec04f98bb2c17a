/*
 * mm/numa_acpi.c - SRAT and SLIT parsing into the NUMA registry (see
 * numa_acpi.h). Layouts from the ACPI specification (6.5: 5.2.16 SRAT,
 * 5.2.17 SLIT). Fields are read with byte copies: firmware tables promise
 * no alignment.
 */
#include "numa_acpi.h"
#include "host.h"
#include "numa.h"
#include "util.h"

#define SDT_HEADER_LEN 36
#define SRAT_SUBTABLES 48 /* header, 4 bytes "table revision", 8 reserved */
#define SLIT_ENTRIES 44	  /* header, 8-byte locality count */

#define SRAT_LAPIC 0
#define SRAT_MEMORY 1
#define SRAT_X2APIC 2
#define SRAT_LAPIC_LEN 16
#define SRAT_MEMORY_LEN 40
#define SRAT_X2APIC_LEN 24
#define SRAT_ENABLED 0x1u
#define SRAT_MEM_HOTPLUG 0x2u

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	mm_memcpy(&v, p, 4);
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	mm_memcpy(&v, p, 8);
	return v;
}

/*
 * The table's own length after checking what every ACPI table must hold:
 * @sig, a length that fits in @len and covers @min bytes, a zero byte sum.
 * 0 (after a message) when any of that fails.
 */
static uint32_t table_check(const uint8_t *t, size_t len, const char *sig, uint32_t min)
{
	if (!t || len < SDT_HEADER_LEN) {
		mm_printk("%s: %zu bytes, shorter than an ACPI table header\n", sig, t ? len : 0);
		return 0;
	}
	if (mm_memcmp(t, sig, 4)) {
		mm_printk("%s: signature is \"%c%c%c%c\"\n", sig, t[0], t[1], t[2], t[3]);
		return 0;
	}
	uint32_t tlen = get32(t + 4);
	if (tlen > len || tlen < min) {
		mm_printk("%s: table length %u is impossible (%zu bytes mapped, at least %u "
			  "needed)\n",
			  sig, tlen, len, min);
		return 0;
	}
	uint8_t sum = 0;
	for (uint32_t i = 0; i < tlen; i++)
		sum = (uint8_t)(sum + t[i]);
	if (sum) {
		mm_printk("%s: checksum is wrong (bytes sum to 0x%02x)\n", sig, sum);
		return 0;
	}
	return tlen;
}

static int srat_cpu(uint32_t pxm, uint32_t apic_id, numa_apic_to_cpu_fn apic_to_cpu, void *arg)
{
	int nid = mm_numa_pxm_to_node(pxm);

	if (nid == NUMA_NO_NODE) {
		mm_printk("SRAT: PXM %u is one proximity domain too many (at most %d)\n", pxm,
			  MAX_NUMNODES);
		return -1;
	}
	int cpu = apic_to_cpu ? apic_to_cpu(apic_id, arg) : -1;
	if (cpu < 0) {
		mm_printk("SRAT: PXM %u -> APIC 0x%02x -> Node %d: not a CPU we run, ignored\n",
			  pxm, apic_id, nid);
		return 0;
	}
	mm_printk("SRAT: PXM %u -> APIC 0x%02x -> Node %d (CPU %d)\n", pxm, apic_id, nid, cpu);
	mm_numa_set_cpu_node((unsigned int)cpu, nid);
	return 1;
}

static int srat_memory(const uint8_t *p, uint8_t rev)
{
	uint32_t pxm = get32(p + 2), flags = get32(p + 28);
	uint64_t base = get64(p + 8), size = get64(p + 16);

	if (!(flags & SRAT_ENABLED) || !size)
		return 0;
	if (rev <= 1)
		pxm &= 0xff; /* ACPI 2.0's SRAT had one byte of domain here */
	if (base + size < base) {
		mm_printk("SRAT: PXM %u range at 0x%llx of 0x%llx bytes wraps around\n", pxm,
			  (unsigned long long)base, (unsigned long long)size);
		return -1;
	}
	int nid = mm_numa_pxm_to_node(pxm);
	if (nid == NUMA_NO_NODE) {
		mm_printk("SRAT: PXM %u is one proximity domain too many (at most %d)\n", pxm,
			  MAX_NUMNODES);
		return -1;
	}
	bool hotplug = flags & SRAT_MEM_HOTPLUG;
	mm_printk("ACPI: SRAT: Node %d PXM %u [mem 0x%08llx-0x%08llx]%s\n", nid, pxm,
		  (unsigned long long)base, (unsigned long long)(base + size - 1),
		  hotplug ? " hotplug" : "");
	if (mm_numa_add_memblk_flags(nid, base, base + size, hotplug))
		return -1;
	return 1;
}

int mm_numa_acpi_parse_srat(const void *table, size_t len, numa_apic_to_cpu_fn apic_to_cpu, void *arg)
{
	const uint8_t *t = table;
	uint32_t tlen = table_check(t, len, "SRAT", SRAT_SUBTABLES);

	if (!tlen)
		return -1;
	uint8_t rev = t[8];
	int used = 0;
	for (uint32_t off = SRAT_SUBTABLES; off < tlen;) {
		const uint8_t *p = t + off;
		if (tlen - off < 2 || p[1] < 2 || p[1] > tlen - off) {
			mm_printk("SRAT: subtable at offset %u (length %u) runs past the table's "
				  "end (%u bytes); parsing stopped\n",
				  off, tlen - off < 2 ? 0 : p[1], tlen);
			return -1;
		}
		uint8_t type = p[0], slen = p[1];
		static const uint8_t want[] = { SRAT_LAPIC_LEN, SRAT_MEMORY_LEN, SRAT_X2APIC_LEN };
		if (type <= SRAT_X2APIC && slen != want[type]) {
			mm_printk("SRAT: type %u subtable at offset %u is %u bytes, want %u\n",
				  type, off, slen, want[type]);
			return -1;
		}
		int r = 0;
		if (type == SRAT_LAPIC && (get32(p + 4) & SRAT_ENABLED)) {
			uint32_t pxm = p[2];
			if (rev >= 2)
				pxm |= (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 |
				       (uint32_t)p[11] << 24;
			r = srat_cpu(pxm, p[3], apic_to_cpu, arg);
		} else if (type == SRAT_X2APIC && (get32(p + 12) & SRAT_ENABLED)) {
			r = srat_cpu(get32(p + 4), get32(p + 8), apic_to_cpu, arg);
		} else if (type == SRAT_MEMORY) {
			r = srat_memory(p, rev);
		}
		if (r < 0)
			return -1;
		used += r;
		off += slen;
	}
	return used;
}

int mm_numa_acpi_parse_slit(const void *table, size_t len)
{
	const uint8_t *t = table;
	uint32_t tlen = table_check(t, len, "SLIT", SLIT_ENTRIES);

	if (!tlen)
		return -1;
	uint64_t n = get64(t + 36);
	/* n <= 65535 keeps n * n in range; the length check does the rest. */
	if (n > 0xffff || n * n > tlen - SLIT_ENTRIES) {
		mm_printk("SLIT: %llu localities need %llu bytes, the table has %u\n",
			  (unsigned long long)n,
			  n > 0xffff ? 0ULL : (unsigned long long)(SLIT_ENTRIES + n * n), tlen);
		return -1;
	}
	const uint8_t *d = t + SLIT_ENTRIES;
	for (uint64_t i = 0; i < n; i++) {
		for (uint64_t j = 0; j < n; j++) {
			uint8_t v = d[i * n + j];
			if ((i == j && v != LOCAL_DISTANCE) || (i != j && v <= LOCAL_DISTANCE)) {
				mm_printk("SLIT: distance %llu->%llu is %u (want %d on the diagonal, "
					  "more elsewhere): table not used\n",
					  (unsigned long long)i, (unsigned long long)j, v,
					  LOCAL_DISTANCE);
				return -1;
			}
		}
	}
	for (uint64_t i = 0; i < n; i++) {
		int from = mm_numa_pxm_lookup((uint32_t)i);
		if (from == NUMA_NO_NODE)
			continue;
		for (uint64_t j = 0; j < n; j++) {
			int to = mm_numa_pxm_lookup((uint32_t)j);
			if (to != NUMA_NO_NODE)
				mm_numa_set_distance(from, to, d[i * n + j]);
		}
	}
	return 0;
}
