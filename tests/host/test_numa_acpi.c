/*
 * tests/host/test_numa_acpi.c - host tests of the SRAT/SLIT parsers
 * (mm/numa_acpi.c) on fabricated tables: good two- and four-node tables of
 * unequal sizes, then every kind of damage (short, truncated, bad checksum,
 * bad subtable lengths, bad distances), and random corruption. Tables are
 * handed over in heap buffers of exactly the stated size, so ASan catches
 * any read past them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_shim.h"
#include "htest.h"
#include "mm/numa.h"
#include "mm/numa_acpi.h"

#define MB (1ULL << 20)
#define GB (1ULL << 30)
#define PFN(a) ((unsigned long)((a) >> 12))

/* ---- table builders ---- */

struct table {
	uint8_t b[4096];
	uint32_t len;
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void header(struct table *t, const char *sig, uint8_t rev, uint32_t fixed)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = rev;
	memcpy(t->b + 10, "MMTEST", 6);
	t->len = fixed;
}

/* Set the length field and make the bytes sum to zero. */
static void finish(struct table *t)
{
	uint8_t sum = 0;

	put32(t->b + 4, t->len);
	t->b[9] = 0;
	for (uint32_t i = 0; i < t->len; i++)
		sum = (uint8_t)(sum + t->b[i]);
	t->b[9] = (uint8_t)-sum;
}

static void srat_begin(struct table *t, uint8_t rev)
{
	header(t, "SRAT", rev, 48);
	t->b[36] = 1; /* "table revision", reserved */
}

static void srat_lapic(struct table *t, uint32_t pxm, uint8_t apic, uint32_t flags)
{
	uint8_t *p = t->b + t->len;

	p[0] = 0;
	p[1] = 16;
	p[2] = (uint8_t)pxm;
	p[3] = apic;
	put32(p + 4, flags);
	p[9] = (uint8_t)(pxm >> 8);
	p[10] = (uint8_t)(pxm >> 16);
	p[11] = (uint8_t)(pxm >> 24);
	t->len += 16;
}

static void srat_x2apic(struct table *t, uint32_t pxm, uint32_t apic, uint32_t flags)
{
	uint8_t *p = t->b + t->len;

	p[0] = 2;
	p[1] = 24;
	put32(p + 4, pxm);
	put32(p + 8, apic);
	put32(p + 12, flags);
	t->len += 24;
}

static void srat_mem(struct table *t, uint32_t pxm, uint64_t base, uint64_t size, uint32_t flags)
{
	uint8_t *p = t->b + t->len;

	p[0] = 1;
	p[1] = 40;
	put32(p + 2, pxm);
	put64(p + 8, base);
	put64(p + 16, size);
	put32(p + 28, flags);
	t->len += 40;
}

static void slit_make(struct table *t, unsigned int n, const uint8_t *d)
{
	header(t, "SLIT", 1, 44);
	put64(t->b + 36, n);
	memcpy(t->b + 44, d, (size_t)n * n);
	t->len += n * n;
	finish(t);
}

/* Call a parser on an exact-size heap copy of the first @len bytes. */
static int parse_srat(const struct table *t, size_t len);
static int parse_slit(const struct table *t, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, t->b, len);
	int r = mm_numa_acpi_parse_slit(copy, len);
	free(copy);
	return r;
}

/* APIC id -> CPU: ids 0..63 are CPUs 0..63, except 0xee, never ours. */
static int apic_to_cpu(uint32_t apic, void *arg)
{
	(void)arg;
	return apic < 64 ? (int)apic : -1;
}

static int parse_srat(const struct table *t, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, t->b, len);
	int r = mm_numa_acpi_parse_srat(copy, len, apic_to_cpu, NULL);
	free(copy);
	return r;
}

static void reset(void)
{
	mm_numa_reset();
	host_capture_start();
}

static int has(const char *log, const char *s)
{
	if (strstr(log, s))
		return 1;
	ktest_diag("wanted \"%s\" in:\n%s", s, log);
	return 0;
}

/* QEMU's layout for two nodes of 384M and 640M (the 640K hole kept). */
static void qemu_two_nodes(struct table *t)
{
	srat_begin(t, 1);
	srat_lapic(t, 0, 0, 1);
	srat_lapic(t, 1, 1, 1);
	srat_mem(t, 0, 0, 0xa0000, 1);
	srat_mem(t, 0, MB, 384 * MB - MB, 1);
	srat_mem(t, 1, 384 * MB, 640 * MB, 1);
	finish(t);
}

/* ---- good tables ---- */

HTEST(srat_two_unequal_nodes_like_qemu)
{
	struct table t;

	reset();
	qemu_two_nodes(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 5);
	KT_ASSERT_EQ(mm_numa_finalize(GB), 2);
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "SRAT: PXM 1 -> APIC 0x01 -> Node 1 (CPU 1)"));
	KT_EXPECT(has(log, "ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0x17ffffff]"));
	KT_EXPECT_EQ(mm_cpu_to_node(0), 0);
	KT_EXPECT_EQ(mm_cpu_to_node(1), 1);
	KT_EXPECT_EQ(mm_node_start_pfn(0), 0);
	KT_EXPECT_EQ(mm_node_end_pfn(0), PFN(384 * MB));
	KT_EXPECT_EQ(mm_node_start_pfn(1), PFN(384 * MB));
	KT_EXPECT_EQ(mm_node_end_pfn(1), PFN(GB));
	KT_EXPECT_EQ(mm_pfn_to_nid(PFN(0xc0000)), 0); /* the VGA hole */
	KT_EXPECT_EQ(mm_node_distance(0, 1), REMOTE_DISTANCE);
}

HTEST(srat_and_slit_four_unequal_nodes)
{
	struct table t, s;
	/* Sizes 128M, 256M, 384M, 256M; PXMs 10..13 named in a shuffled
	 * order by the memory entries, but the CPUs come first: ids follow
	 * the CPUs. */
	static const uint64_t base[4] = { 0, 128 * MB, 384 * MB, 768 * MB };
	static const uint64_t size[4] = { 128 * MB, 256 * MB, 384 * MB, 256 * MB };

	reset();
	srat_begin(&t, 3);
	for (unsigned int c = 0; c < 8; c++)
		srat_x2apic(&t, 10 + c % 4, c, 1);
	for (int i = 3; i >= 0; i--)
		srat_mem(&t, 10 + (uint32_t)i, base[i], size[i], 1);
	finish(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 12);
	/* The SLIT is indexed by proximity domain: 14 localities, only 10..13
	 * are ours; the rest must be skipped. */
	uint8_t d[14 * 14];
	for (int i = 0; i < 14; i++)
		for (int j = 0; j < 14; j++)
			d[i * 14 + j] = i == j ? 10 : (uint8_t)(11 + 10 * abs(i - j));
	slit_make(&s, 14, d);
	KT_ASSERT_EQ(parse_slit(&s, s.len), 0);
	KT_ASSERT_EQ(mm_numa_finalize(GB), 4);
	host_capture_stop();
	for (int n = 0; n < 4; n++) {
		KT_EXPECT_EQ(mm_numa_node_to_pxm(n), 10 + n);
		KT_EXPECT_EQ(mm_node_start_pfn(n), PFN(base[n]));
		KT_EXPECT_EQ(mm_node_end_pfn(n), PFN(base[n] + size[n]));
	}
	KT_EXPECT_EQ(mm_cpu_to_node(6), 2);
	KT_EXPECT_EQ(mm_node_distance(0, 3), 41);
	KT_EXPECT_EQ(mm_node_distance(2, 1), 21);
	int order[MAX_NUMNODES];
	KT_ASSERT_EQ(mm_numa_node_order(1, order), 4);
	KT_EXPECT_EQ(order[0], 1);
	KT_EXPECT_EQ(order[1], 0); /* 21, tie with 2: lower id first */
	KT_EXPECT_EQ(order[2], 2);
	KT_EXPECT_EQ(order[3], 3);
}

HTEST(srat_memory_only_node_and_memoryless_cpu_node)
{
	struct table t;

	reset();
	srat_begin(&t, 1);
	srat_lapic(&t, 0, 0, 1);
	srat_lapic(&t, 1, 1, 1); /* PXM 1: a CPU, no memory */
	srat_mem(&t, 0, 0, 256 * MB, 1);
	srat_mem(&t, 2, 256 * MB, 256 * MB, 1); /* PXM 2: memory, no CPU */
	finish(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 4);
	KT_ASSERT_EQ(mm_numa_finalize(512 * MB), 3);
	host_capture_stop();
	KT_EXPECT(mm_node_online(1) && !mm_node_has_memory(1));
	KT_EXPECT(mm_node_has_memory(2));
	KT_EXPECT_EQ(mm_cpu_to_mem(1), 0); /* all at 20: the lowest id */
}

HTEST(srat_disabled_empty_and_unknown_entries_are_skipped)
{
	struct table t;

	reset();
	srat_begin(&t, 1);
	srat_lapic(&t, 5, 0, 0);	/* disabled CPU */
	srat_x2apic(&t, 6, 1, 0);	/* disabled x2APIC CPU */
	srat_mem(&t, 7, 0, 64 * MB, 0); /* disabled memory */
	srat_mem(&t, 8, 64 * MB, 0, 1); /* empty memory */
	t.b[t.len] = 5;			/* generic initiator: not ours */
	t.b[t.len + 1] = 32;
	t.len += 32;
	srat_mem(&t, 0, 0, 128 * MB, 1);
	finish(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 1);
	host_capture_stop();
	KT_EXPECT_EQ(mm_numa_pxm_lookup(5), NUMA_NO_NODE);
	KT_EXPECT_EQ(mm_numa_pxm_lookup(7), NUMA_NO_NODE);
	KT_EXPECT_EQ(mm_numa_pxm_lookup(0), 0);
}

HTEST(srat_hotplug_ranges_are_kept_and_marked)
{
	struct table t;

	reset();
	srat_begin(&t, 1);
	srat_mem(&t, 0, 0, 512 * MB, 1);
	srat_mem(&t, 1, 4 * GB, 4 * GB, 1 | 2);
	finish(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 2);
	KT_EXPECT(has(host_capture_stop(), "[mem 0x100000000-0x1ffffffff] hotplug"));
	int nid;
	uint64_t s, e;
	bool hp;
	KT_ASSERT(mm_numa_memblk(1, &nid, &s, &e, &hp));
	KT_EXPECT(hp);
	KT_EXPECT_EQ(nid, 1);
}

HTEST(srat_revision_decides_proximity_domain_width)
{
	struct table t;

	/* Revision 1: one byte of domain; 0x101 reads as 1. */
	reset();
	srat_begin(&t, 1);
	srat_lapic(&t, 0x201, 0, 1);
	srat_mem(&t, 0x101, 0, 64 * MB, 1);
	finish(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 2);
	KT_EXPECT_EQ(mm_numa_pxm_lookup(1), 0);
	KT_EXPECT_EQ(mm_numa_pxm_lookup(0x101), NUMA_NO_NODE);
	/* Revision 2 and later: all 32 bits. */
	reset();
	srat_begin(&t, 2);
	srat_lapic(&t, 0x201, 0, 1);
	srat_mem(&t, 0x101, 0, 64 * MB, 1);
	finish(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_numa_pxm_lookup(0x201), 0);
	KT_EXPECT_EQ(mm_numa_pxm_lookup(0x101), 1);
}

HTEST(srat_cpu_we_do_not_run_is_ignored)
{
	struct table t;

	reset();
	srat_begin(&t, 1);
	srat_lapic(&t, 0, 0, 1);
	srat_lapic(&t, 1, 0xee, 1);
	srat_mem(&t, 0, 0, 64 * MB, 1);
	finish(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 2);
	KT_EXPECT(has(host_capture_stop(), "APIC 0xee -> Node 1: not a CPU we run, ignored"));
}

/* ---- damage ---- */

HTEST(srat_bad_checksum_is_rejected_before_any_entry)
{
	struct table t;

	reset();
	qemu_two_nodes(&t);
	t.b[60] ^= 0x40;
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "SRAT: checksum is wrong"));
	KT_EXPECT_EQ(mm_numa_pxm_lookup(0), NUMA_NO_NODE);
}

HTEST(srat_truncated_or_short_buffer_is_rejected)
{
	struct table t;

	reset();
	qemu_two_nodes(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len - 1), -1); /* table says more than we have */
	KT_EXPECT(has(host_capture_stop(), "table length 200 is impossible (199 bytes"));
	reset();
	KT_EXPECT_EQ(parse_srat(&t, 20), -1);
	KT_EXPECT(has(host_capture_stop(), "shorter than an ACPI table header"));
	reset();
	KT_EXPECT_EQ(mm_numa_acpi_parse_srat(NULL, 100, apic_to_cpu, NULL), -1);
	/* A length field below the fixed part. */
	srat_begin(&t, 1);
	t.len = 40;
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, 48), -1);
	KT_EXPECT(has(host_capture_stop(), "table length 40 is impossible"));
	KT_EXPECT_EQ(mm_numa_pxm_lookup(0), NUMA_NO_NODE);
}

HTEST(srat_wrong_signature_is_rejected)
{
	struct table t;

	reset();
	qemu_two_nodes(&t);
	memcpy(t.b, "SLIT", 4);
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "SRAT: signature is \"SLIT\""));
}

HTEST(srat_subtable_past_the_end_stops_parsing)
{
	struct table t;

	reset();
	srat_begin(&t, 1);
	srat_mem(&t, 0, 0, 64 * MB, 1);
	srat_mem(&t, 1, 64 * MB, 64 * MB, 1);
	t.len -= 8; /* the last entry is cut short, its length still says 40 */
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "subtable at offset 88 (length 40) runs past the "
					   "table's end (120 bytes)"));
	/* Also a single trailing byte: no room even for type and length. */
	reset();
	srat_begin(&t, 1);
	srat_mem(&t, 0, 0, 64 * MB, 1);
	t.len += 1;
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "runs past"));
}

HTEST(srat_bad_subtable_lengths_are_rejected)
{
	struct table t;

	/* Length 0 (would loop forever) and 1 (no room for itself). */
	for (uint8_t l = 0; l < 2; l++) {
		reset();
		srat_begin(&t, 1);
		srat_mem(&t, 0, 0, 64 * MB, 1);
		t.b[48 + 1] = l;
		finish(&t);
		KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
		host_capture_stop();
	}
	/* A memory entry of 32 bytes, a processor entry of 24. */
	reset();
	srat_begin(&t, 1);
	srat_mem(&t, 0, 0, 64 * MB, 1);
	t.b[48 + 1] = 32;
	t.len -= 8;
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "type 1 subtable at offset 48 is 32 bytes, want 40"));
	reset();
	srat_begin(&t, 1);
	srat_lapic(&t, 0, 0, 1);
	t.b[48 + 1] = 24;
	t.len += 8;
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "type 0 subtable at offset 48 is 24 bytes, want 16"));
}

HTEST(srat_wrapping_range_and_overlap_are_errors)
{
	struct table t;

	reset();
	srat_begin(&t, 1);
	srat_mem(&t, 0, 0xfffffffffff00000ULL, 2 * MB, 1);
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "wraps around"));
	reset();
	srat_begin(&t, 1);
	srat_mem(&t, 0, 0, 128 * MB, 1);
	srat_mem(&t, 1, 64 * MB, 128 * MB, 1);
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "overlaps with node 0"));
}

HTEST(srat_more_domains_than_nodes_is_an_error)
{
	struct table t;

	reset();
	srat_begin(&t, 1);
	for (uint32_t p = 0; p <= MAX_NUMNODES; p++)
		srat_mem(&t, p, p * 64 * MB, 64 * MB, 1);
	finish(&t);
	KT_EXPECT_EQ(parse_srat(&t, t.len), -1);
	KT_EXPECT(has(host_capture_stop(), "PXM 8 is one proximity domain too many (at most 8)"));
}

HTEST(slit_bad_tables_are_rejected_whole)
{
	struct table t, s;
	uint8_t good[4] = { 10, 21, 21, 10 };

	reset();
	qemu_two_nodes(&t);
	KT_ASSERT_EQ(parse_srat(&t, t.len), 5);
	host_capture_stop();

	static const uint8_t bad[][4] = {
		{ 10, 21, 21, 11 }, /* diagonal not 10 */
		{ 10, 10, 21, 10 }, /* remote as near as local */
		{ 10, 5, 21, 10 },  /* remote nearer than local */
	};
	for (unsigned int i = 0; i < 3; i++) {
		host_capture_start();
		slit_make(&s, 2, bad[i]);
		KT_EXPECT_EQ(parse_slit(&s, s.len), -1);
		KT_EXPECT(has(host_capture_stop(), "table not used"));
	}
	/* Checksum, a short table, an absurd locality count. */
	host_capture_start();
	slit_make(&s, 2, good);
	s.b[44 + 1] = 22;
	KT_EXPECT_EQ(parse_slit(&s, s.len), -1);
	slit_make(&s, 2, good);
	KT_EXPECT_EQ(parse_slit(&s, s.len - 1), -1);
	slit_make(&s, 2, good);
	put64(s.b + 36, 3); /* 3 localities need 9 bytes, the table has 4 */
	finish(&s);
	KT_EXPECT_EQ(parse_slit(&s, s.len), -1);
	put64(s.b + 36, 1ULL << 33); /* n * n would wrap a 64-bit size */
	finish(&s);
	KT_EXPECT_EQ(parse_slit(&s, s.len), -1);
	const char *log = host_capture_stop();
	KT_EXPECT(has(log, "SLIT: checksum is wrong"));
	KT_EXPECT(has(log, "SLIT: 3 localities need 53 bytes, the table has 48"));
	host_capture_start();
	KT_ASSERT_EQ(mm_numa_finalize(GB), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_node_distance(0, 1), REMOTE_DISTANCE); /* nothing was set */
	/* And the good one does set. */
	reset();
	KT_ASSERT_EQ(parse_srat(&t, t.len), 5);
	slit_make(&s, 2, good);
	KT_EXPECT_EQ(parse_slit(&s, s.len), 0);
	KT_ASSERT_EQ(mm_numa_finalize(GB), 2);
	host_capture_stop();
	KT_EXPECT_EQ(mm_node_distance(0, 1), 21);
}

/* Random damage to good tables: the parsers must return (ASan watches
 * every read), and a table that passed must describe a consistent set. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

HTEST(srat_slit_random_corruption_never_reads_out_of_bounds)
{
	struct table good, t, s;
	uint8_t d[9] = { 10, 21, 31, 21, 10, 21, 31, 21, 10 };
	int accepted = 0;

	srat_begin(&good, 2);
	for (unsigned int c = 0; c < 6; c++)
		srat_x2apic(&good, c % 3, c, 1);
	srat_lapic(&good, 1, 9, 1);
	srat_mem(&good, 0, 0, 100 * MB, 1);
	srat_mem(&good, 1, 100 * MB, 300 * MB, 1);
	srat_mem(&good, 2, 400 * MB, 200 * MB, 1);
	finish(&good);
	for (int round = 0; round < 3000; round++) {
		reset();
		t = good;
		int flips = 1 + (int)rnd(4);
		for (int f = 0; f < flips; f++)
			t.b[rnd(t.len)] = (uint8_t)rnd(256);
		if (rnd(2))
			finish(&t); /* reach the entries, not just the checksum */
		size_t len = rnd(4) ? t.len : rnd(t.len + 1);
		int r = parse_srat(&t, len);
		slit_make(&s, 3, d);
		for (int f = 0; f < 2; f++)
			s.b[rnd(s.len)] = (uint8_t)rnd(256);
		if (rnd(2))
			finish(&s);
		parse_slit(&s, rnd(4) ? s.len : rnd(s.len + 1));
		if (r < 0)
			mm_numa_disable("corrupt");
		int nodes = mm_numa_finalize(GB);
		host_capture_stop();
		KT_ASSERT(nodes >= 1 && nodes <= MAX_NUMNODES);
		if (r >= 0)
			accepted++;
		int nid;
		for_each_online_node(nid) {
			KT_ASSERT(mm_node_distance(nid, nid) == LOCAL_DISTANCE);
			KT_ASSERT(mm_node_end_pfn(nid) <= PFN(GB));
		}
	}
	ktest_diag("%d of 3000 damaged SRATs were accepted", accepted);
	KT_EXPECT(accepted > 0);
}

HTEST_MAIN("numa_acpi")
