/*
 * arch/x86_64/acpi.c - RSDP, RSDT/XSDT and MADT parsing (see acpi.h). The
 * layouts are the ACPI specification's (5.2.5 RSDP, 5.2.6 SDT header,
 * 5.2.12 MADT); only what SMP bring-up needs is kept.
 */
#include "acpi.h"
#include "arch.h"
#include "layout.h"
#include "kernel/string.h"

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* first 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0; 2: has the fields below */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* all `length` bytes sum to 0 */
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_madt {
	struct acpi_sdt_header h;
	uint32_t lapic_address;
	uint32_t flags; /* bit 0: PC-AT compatible dual 8259 */
} __attribute__((packed));

#define MADT_LAPIC 0
#define MADT_IOAPIC 1
#define MADT_LAPIC_OVERRIDE 5
#define MADT_X2APIC 9
#define MADT_ENABLED 0x1u
#define MADT_ONLINE_CAPABLE 0x2u

bool acpi_checksum_ok(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	return sum == 0;
}

/* A readable pointer to [phys, phys + len), or NULL past the direct map. */
static const void *acpi_map(uint64_t phys, uint64_t len)
{
	uint64_t limit = arch_direct_map_size();

	if (!limit)
		limit = 1ULL << 30; /* before the direct map: the boot map's 1 GiB */
	if (!phys || phys >= limit || len > limit - phys)
		return NULL;
	return phys_to_virt(phys);
}

/* The table at @phys, with its length and checksum checked. */
static const struct acpi_sdt_header *acpi_table(uint64_t phys, const char **err)
{
	const struct acpi_sdt_header *h = acpi_map(phys, sizeof(*h));

	if (!h) {
		*err = "a table address is outside mapped memory";
		return NULL;
	}
	if (h->length < sizeof(*h) || !acpi_map(phys, h->length)) {
		*err = "a table has an impossible length";
		return NULL;
	}
	if (!acpi_checksum_ok(h, h->length)) {
		*err = "a table's checksum is wrong";
		return NULL;
	}
	return h;
}

static int madt_parse(const struct acpi_madt *madt, struct acpi_madt_info *out, const char **err)
{
	const uint8_t *p = (const uint8_t *)(madt + 1);
	const uint8_t *end = (const uint8_t *)madt + madt->h.length;

	if (madt->h.length < sizeof(*madt)) {
		*err = "MADT shorter than its fixed fields";
		return -1;
	}
	out->lapic_phys = madt->lapic_address;
	out->pcat_compat = madt->flags & 1;
	while (p < end) {
		if (end - p < 2 || p[1] < 2 || p[1] > end - p) {
			*err = "MADT entry runs past the end of the table";
			return -1;
		}
		uint8_t type = p[0], len = p[1];
		uint32_t id = UINT32_MAX, flags = 0;

		if (type == MADT_LAPIC && len >= 8) {
			id = p[3];
			memcpy(&flags, p + 4, 4);
		} else if (type == MADT_X2APIC && len >= 16) {
			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
		} else if (type == MADT_IOAPIC && len >= 12) {
			if (out->nr_ioapics < ACPI_MAX_IOAPICS) {
				struct acpi_ioapic *io = &out->ioapics[out->nr_ioapics++];
				io->id = p[2];
				memcpy(&io->addr, p + 4, 4);
				memcpy(&io->gsi_base, p + 8, 4);
			}
		} else if (type == MADT_LAPIC_OVERRIDE && len >= 12) {
			memcpy(&out->lapic_phys, p + 4, 8);
		} else if (type == MADT_LAPIC || type == MADT_X2APIC || type == MADT_IOAPIC ||
			   type == MADT_LAPIC_OVERRIDE) {
			*err = "MADT entry shorter than its type requires";
			return -1;
		}
		if (id != UINT32_MAX) {
			if (!(flags & MADT_ENABLED)) {
				if (!(flags & MADT_ONLINE_CAPABLE))
					out->nr_disabled++;
			} else if (out->nr_cpus < ACPI_MAX_CPUS) {
				out->apic_ids[out->nr_cpus++] = id;
			} else {
				out->nr_ignored++;
			}
		}
		p += len;
	}
	if (!out->nr_cpus) {
		*err = "MADT lists no enabled processor";
		return -1;
	}
	return 0;
}

/* The RSDT or XSDT the RSDP at @rsdp_phys leads to, every checksum checked;
 * *rsdp_out is the RSDP, *esz the root table's entry size. */
static const struct acpi_sdt_header *acpi_root(uint64_t rsdp_phys,
					       const struct acpi_rsdp **rsdp_out, unsigned int *esz,
					       const char **err)
{
	const struct acpi_rsdp *rsdp = acpi_map(rsdp_phys, 20);

	if (!rsdp) {
		*err = "no RSDP (none passed by the loader, none found in BIOS memory)";
		return NULL;
	}
	if (memcmp(rsdp->signature, "RSD PTR ", 8)) {
		*err = "RSDP signature is not \"RSD PTR \"";
		return NULL;
	}
	if (!acpi_checksum_ok(rsdp, 20)) {
		*err = "RSDP checksum is wrong";
		return NULL;
	}

	/* ACPI 2.0+: the XSDT (64-bit entries) supersedes the RSDT. */
	bool xsdt = false;
	uint64_t root = rsdp->rsdt_address;
	if (rsdp->revision >= 2) {
		if (rsdp->length < sizeof(*rsdp) || !acpi_map(rsdp_phys, rsdp->length) ||
		    !acpi_checksum_ok(rsdp, rsdp->length)) {
			*err = "RSDP (ACPI 2.0) length or extended checksum is wrong";
			return NULL;
		}
		if (rsdp->xsdt_address) {
			root = rsdp->xsdt_address;
			xsdt = true;
		}
	}
	const struct acpi_sdt_header *rt = acpi_table(root, err);
	if (!rt)
		return NULL;
	if (memcmp(rt->signature, xsdt ? "XSDT" : "RSDT", 4)) {
		*err = xsdt ? "XSDT signature is wrong" : "RSDT signature is wrong";
		return NULL;
	}
	*rsdp_out = rsdp;
	*esz = xsdt ? 8 : 4;
	return rt;
}

/* The physical address of the first table signed @sig in the root table, or 0. */
static uint64_t acpi_root_lookup(const struct acpi_sdt_header *rt, unsigned int esz,
				 const char *sig)
{
	unsigned int n = (rt->length - sizeof(*rt)) / esz;
	const uint8_t *ents = (const uint8_t *)(rt + 1);

	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = 0;
		memcpy(&a, ents + (uint64_t)i * esz, esz);
		const struct acpi_sdt_header *h = acpi_map(a, sizeof(*h));
		if (h && !memcmp(h->signature, sig, 4))
			return a;
	}
	return 0;
}

int acpi_parse(uint64_t rsdp_phys, struct acpi_madt_info *out, const char **err)
{
	const struct acpi_rsdp *rsdp = NULL;
	unsigned int esz = 0;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	const struct acpi_sdt_header *rt = acpi_root(rsdp_phys, &rsdp, &esz, err);
	if (!rt)
		return -1;
	out->rsdp_revision = rsdp->revision;
	memcpy(out->oem_id, rsdp->oem_id, 6);
	out->oem_id[6] = 0;

	uint64_t a = acpi_root_lookup(rt, esz, "APIC");
	if (!a) {
		*err = "no MADT (\"APIC\") in the RSDT/XSDT";
		return -1;
	}
	const struct acpi_sdt_header *h = acpi_table(a, err);
	if (!h) {
		*err = "MADT checksum or length is wrong";
		return -1;
	}
	return madt_parse((const struct acpi_madt *)h, out, err);
}

const void *acpi_find_table(uint64_t rsdp_phys, const char *sig, uint32_t *len, const char **err)
{
	const struct acpi_rsdp *rsdp = NULL;
	unsigned int esz = 0;

	*err = NULL;
	*len = 0;
	const struct acpi_sdt_header *rt = acpi_root(rsdp_phys, &rsdp, &esz, err);
	if (!rt)
		return NULL;
	uint64_t a = acpi_root_lookup(rt, esz, sig);
	if (!a)
		return NULL; /* absent, not broken: *err stays NULL */
	const struct acpi_sdt_header *h = acpi_map(a, sizeof(*h));
	if (h->length < sizeof(*h) || !acpi_map(a, h->length)) {
		*err = "the table's length runs outside mapped memory";
		return NULL;
	}
	*len = h->length;
	return h;
}

static uint64_t scan_rsdp(uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a + 20 <= end; a += 16) {
		const char *p = phys_to_virt(a);
		if (!memcmp(p, "RSD PTR ", 8) && acpi_checksum_ok(p, 20))
			return a;
	}
	return 0;
}

uint64_t acpi_find_rsdp_bios(void)
{
	/* The EBDA segment is stored at 0x40e in the BIOS data area. */
	uint64_t ebda = (uint64_t)(*(const uint16_t *)phys_to_virt(0x40e)) << 4;
	uint64_t r = 0;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = scan_rsdp(ebda, ebda + 1024);
	return r ? r : scan_rsdp(0xe0000, 0x100000);
}
