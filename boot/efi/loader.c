/*
 * boot/efi/loader.c - the GNU-EFI loader (BOOTX64.EFI): reads \kernel.elf
 * and \cmdline.txt from its own volume, loads the kernel's PT_LOAD segments
 * at their physical addresses, exits boot services and enters the kernel's
 * 64-bit entry with a multiboot2 boot information block, exactly as if GRUB
 * had booted it (EAX = 0x36d76289, EBX = boot information, below 1 GiB).
 *
 * The ELF checks live in kimage.c and the boot information builder in
 * mb2info.c; this file is only the firmware glue.
 */
#include <efi.h>
#include <efilib.h>

#include "kimage.h"
#include "mb2info.h"

#define LOADER_NAME "pagealloc GNU-EFI loader"
#define MB2_BOOT_MAGIC 0x36d76289u
#define BOOTINFO_MAX 0x3fffffffull /* last byte of the boot info below 1 GiB */
#define EXIT_TRIES 8
#define CMDLINE_MAX 4096
#define RSDP_V1_LEN 20

static EFI_HANDLE image_handle;

struct rsdp_copy {
	const UINT8 *v1; /* from the ACPI 1.0 table GUID, NULL if none */
	const UINT8 *v2; /* from the ACPI 2.0 table GUID, NULL if none */
	UINT32 v2_len;
};

static EFI_STATUS fail(EFI_STATUS st, const CHAR16 *what)
{
	Print(L"loader: error: %s: %r\r\n", what, st);
	return st;
}

/* Going back to the firmware: leave the last error on screen for a
 * moment, since the boot manager may clear it. */
static EFI_STATUS give_up(EFI_STATUS st)
{
	Print(L"loader: giving up, returning to the firmware in 5 s\r\n");
	BS->Stall(5 * 1000 * 1000);
	return st;
}

/* Once boot services are gone, COM1 is the only voice left. */
static void serial_putc(char c)
{
	UINT8 lsr;

	do
		__asm__ volatile("inb %1, %0" : "=a"(lsr) : "Nd"((UINT16)0x3fd));
	while (!(lsr & 0x20));
	__asm__ volatile("outb %0, %1" : : "a"((UINT8)c), "Nd"((UINT16)0x3f8));
}

static void __attribute__((noreturn)) die_after_exit(const char *msg)
{
	for (const char *p = "loader: fatal after ExitBootServices: "; *p; p++)
		serial_putc(*p);
	while (*msg)
		serial_putc(*msg++);
	serial_putc('\r');
	serial_putc('\n');
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Read a whole file of the volume into pages (so that a kernel file of
 * many MiB does not strain the pool); one extra zero byte follows the
 * data so text files are NUL-terminated. */
static EFI_STATUS read_file(EFI_FILE_HANDLE root, CHAR16 *path, UINT8 **data, UINTN *size)
{
	EFI_FILE_HANDLE file;
	EFI_FILE_INFO *info;
	EFI_PHYSICAL_ADDRESS addr;
	EFI_STATUS st;
	UINTN done = 0;

	st = root->Open(root, &file, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	info = LibFileInfo(file);
	if (!info) {
		file->Close(file);
		return EFI_DEVICE_ERROR;
	}
	*size = info->FileSize;
	FreePool(info);
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, EFI_SIZE_TO_PAGES(*size + 1),
			       &addr);
	if (EFI_ERROR(st)) {
		file->Close(file);
		return st;
	}
	*data = (UINT8 *)(UINTN)addr;
	while (done < *size) {
		UINTN chunk = *size - done;

		st = file->Read(file, &chunk, *data + done);
		if (EFI_ERROR(st))
			break;
		if (chunk == 0) {
			st = EFI_END_OF_FILE;
			break;
		}
		done += chunk;
	}
	file->Close(file);
	if (EFI_ERROR(st)) {
		BS->FreePages(addr, EFI_SIZE_TO_PAGES(*size + 1));
		return st;
	}
	(*data)[*size] = 0;
	return EFI_SUCCESS;
}

static EFI_STATUS open_root(EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS st;

	st = BS->HandleProtocol(image_handle, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		return fail(st, L"no LoadedImage protocol");
	st = BS->HandleProtocol(li->DeviceHandle, &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(st))
		return fail(st, L"loader's volume has no SimpleFileSystem");
	st = fs->OpenVolume(fs, root);
	if (EFI_ERROR(st))
		return fail(st, L"cannot open the loader's volume");
	return EFI_SUCCESS;
}

/* cmdline.txt is optional; its trailing newline and blanks are not part
 * of the command line, nor is anything after an embedded NUL. */
static const char *read_cmdline(EFI_FILE_HANDLE root)
{
	UINT8 *data;
	UINTN size, n;
	EFI_STATUS st;

	st = read_file(root, L"\\cmdline.txt", &data, &size);
	if (st == EFI_NOT_FOUND)
		return "";
	if (EFI_ERROR(st)) {
		fail(st, L"cannot read \\cmdline.txt, using an empty command line");
		return "";
	}
	if (size > CMDLINE_MAX) {
		Print(L"loader: \\cmdline.txt is over %d bytes, cut there\r\n", CMDLINE_MAX);
		data[CMDLINE_MAX] = 0;
	}
	for (n = 0; data[n]; n++)
		;
	while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r' || data[n - 1] == ' ' ||
			 data[n - 1] == '\t'))
		data[--n] = 0;
	return (const char *)data;
}

static const CHAR16 *efi_type_name(UINT32 type)
{
	static const CHAR16 *names[] = {
		L"Reserved",
		L"LoaderCode",
		L"LoaderData",
		L"BootServicesCode",
		L"BootServicesData",
		L"RuntimeServicesCode",
		L"RuntimeServicesData",
		L"Conventional",
		L"Unusable",
		L"ACPIReclaim",
		L"ACPINVS",
		L"MMIO",
		L"MMIOPortSpace",
		L"PalCode",
		L"Persistent",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : L"Unknown";
}

/* Name what already occupies [lo, hi) when the kernel cannot go there. */
static void print_conflicts(UINT64 lo, UINT64 hi)
{
	UINTN nr = 0, key, dsize;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map;

	map = LibMemoryMap(&nr, &key, &dsize, &dver); /* nr counts descriptors */
	if (!map) {
		Print(L"loader: (cannot read the memory map to name the conflict)\r\n");
		return;
	}
	for (UINTN i = 0; i < nr; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * dsize);
		UINT64 end = d->PhysicalStart + d->NumberOfPages * EFI_PAGE_SIZE;

		if (d->Type == EfiConventionalMemory || end <= lo || d->PhysicalStart >= hi)
			continue;
		Print(L"loader:   in use: [mem 0x%016lx-0x%016lx] %s\r\n", d->PhysicalStart,
		      end - 1, efi_type_name(d->Type));
	}
	FreePool(map);
}

/* Reserve the kernel's whole physical span, then copy each segment and
 * leave everything else (bss, gaps) zero. */
static EFI_STATUS load_kernel(const UINT8 *file, const struct kimage *k)
{
	EFI_PHYSICAL_ADDRESS addr = k->lo;
	UINTN pages = (k->hi - k->lo) / EFI_PAGE_SIZE;
	EFI_STATUS st;

	st = BS->AllocatePages(AllocateAddress, EfiLoaderData, pages, &addr);
	if (EFI_ERROR(st)) {
		Print(L"loader: error: kernel range [mem 0x%016lx-0x%016lx] is not free: %r\r\n",
		      k->lo, k->hi - 1, st);
		print_conflicts(k->lo, k->hi);
		return st;
	}
	SetMem((void *)(UINTN)k->lo, k->hi - k->lo, 0);
	for (unsigned int i = 0; i < k->nr_segs; i++) {
		const struct kimage_seg *s = &k->seg[i];

		CopyMem((void *)(UINTN)s->paddr, (void *)(file + s->offset), s->filesz);
	}
	return EFI_SUCCESS;
}

static int rsdp_valid(const UINT8 *p, UINTN len)
{
	UINT8 sum = 0;

	for (UINTN i = 0; i < 8; i++)
		if (p[i] != "RSD PTR "[i])
			return 0;
	for (UINTN i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* Find the RSDPs before exiting, when a warning can still be printed. */
static void find_rsdp(EFI_SYSTEM_TABLE *st, struct rsdp_copy *r)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	static EFI_GUID acpi10 = ACPI_TABLE_GUID;

	r->v1 = r->v2 = NULL;
	r->v2_len = 0;
	for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];
		const UINT8 *p = t->VendorTable;

		if (!CompareGuid(&t->VendorGuid, &acpi20) && !r->v2) {
			UINT32 len = *(const UINT32 *)(p + 20);

			if (p[15] >= 2 && len >= 36 && len <= 4096 && rsdp_valid(p, len)) {
				r->v2 = p;
				r->v2_len = len;
			} else {
				Print(L"loader: warning: ACPI 2.0 RSDP is invalid, skipped\r\n");
			}
		} else if (!CompareGuid(&t->VendorGuid, &acpi10) && !r->v1) {
			if (rsdp_valid(p, RSDP_V1_LEN))
				r->v1 = p;
			else
				Print(L"loader: warning: ACPI 1.0 RSDP is invalid, skipped\r\n");
		}
	}
	if (!r->v1 && !r->v2)
		Print(L"loader: warning: no ACPI RSDP in the configuration table\r\n");
}

static void build_bootinfo(struct mb2_builder *b, const char *cmdline, const void *map,
			   UINTN map_size, UINTN dsize, UINT32 dver, const struct rsdp_copy *r,
			   EFI_SYSTEM_TABLE *st)
{
	mb2_add_string(b, MB2_TAG_CMDLINE, cmdline);
	mb2_add_string(b, MB2_TAG_LOADER_NAME, LOADER_NAME);
	mb2_add_mmap_from_efi(b, map, map_size, (uint32_t)dsize);
	mb2_add_basic_meminfo(b);
	mb2_add_efi_mmap(b, map, map_size, (uint32_t)dsize, dver);
	if (r->v1)
		mb2_add_bytes(b, MB2_TAG_ACPI_OLD, r->v1, RSDP_V1_LEN);
	if (r->v2)
		mb2_add_bytes(b, MB2_TAG_ACPI_NEW, r->v2, r->v2_len);
	mb2_add_u64(b, MB2_TAG_EFI64, (uint64_t)(UINTN)st);
	mb2_add_u64(b, MB2_TAG_EFI64_IH, (uint64_t)(UINTN)image_handle);
}

static void __attribute__((noreturn)) enter_kernel(UINT64 entry, UINT64 info)
{
	__asm__ volatile("cli\n\t"
			 "cld\n\t"
			 "jmp *%2"
			 :
			 : "a"((UINT64)MB2_BOOT_MAGIC), "b"(info), "r"(entry)
			 : "memory");
	__builtin_unreachable();
}

/* Returns only on failure, with boot services still up. */
static EFI_STATUS load_and_enter(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_FILE_HANDLE root;
	EFI_STATUS st;
	UINT8 *kfile;
	UINTN ksize, map_size = 0, map_cap, key, dsize = 0, info_pages;
	UINT32 dver = 0;
	EFI_PHYSICAL_ADDRESS info_phys = BOOTINFO_MAX, map_phys;
	EFI_MEMORY_DESCRIPTOR *map;
	struct kimage k;
	struct rsdp_copy rsdp;
	struct mb2_builder b;
	const char *cmdline, *err;
	UINTN cmdline_len = 0;
	int tries, retried = 0;

	st = open_root(&root);
	if (EFI_ERROR(st))
		return st;
	st = read_file(root, L"\\kernel.elf", &kfile, &ksize);
	if (EFI_ERROR(st))
		return fail(st, L"cannot read \\kernel.elf from the loader's volume");
	cmdline = read_cmdline(root);
	while (cmdline[cmdline_len])
		cmdline_len++;
	root->Close(root);

	err = kimage_parse(kfile, ksize, &k);
	if (err) {
		Print(L"loader: error: \\kernel.elf: %a\r\n", err);
		return EFI_LOAD_ERROR;
	}
	st = load_kernel(kfile, &k);
	if (EFI_ERROR(st))
		return st;
	find_rsdp(systab, &rsdp);

	/* Size both buffers now: after ExitBootServices nothing can be
	 * allocated, and between a failed exit and the retry only
	 * GetMemoryMap may be called. Each allocation may add descriptors,
	 * hence the slack. */
	st = BS->GetMemoryMap(&map_size, NULL, &key, &dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL || dsize < sizeof(EFI_MEMORY_DESCRIPTOR))
		return fail(st, L"cannot size the memory map");
	map_cap = 2 * map_size + 32 * dsize;
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, EFI_SIZE_TO_PAGES(map_cap),
			       &map_phys);
	if (EFI_ERROR(st))
		return fail(st, L"cannot allocate the memory map buffer");
	map = (EFI_MEMORY_DESCRIPTOR *)(UINTN)map_phys;
	info_pages = EFI_SIZE_TO_PAGES(65536 + 2 * map_cap + cmdline_len);
	st = BS->AllocatePages(AllocateMaxAddress, EfiLoaderData, info_pages, &info_phys);
	if (EFI_ERROR(st))
		return fail(st, L"cannot allocate the boot information below 1 GiB");

	Print(L"loader: kernel [mem 0x%016lx-0x%016lx] entry 0x%lx, boot info at 0x%lx\r\n", k.lo,
	      k.hi - 1, k.entry, info_phys);
	Print(L"loader: command line \"%a\"; exiting boot services\r\n", cmdline);

	/* The map key goes stale whenever the firmware touches memory
	 * (timers run until the exit succeeds): refetch and retry. */
	for (tries = 0; tries < EXIT_TRIES; tries++) {
		map_size = map_cap;
		st = BS->GetMemoryMap(&map_size, map, &key, &dsize, &dver);
		if (EFI_ERROR(st)) {
			if (tries == 0)
				return fail(st, L"GetMemoryMap");
			die_after_exit("GetMemoryMap failed after a failed ExitBootServices");
		}
#ifdef LOADER_TEST_STALE_KEY
		/* Test build only: stale the key on the first try, to prove
		 * the retry path (make ... EFI_EXTRA_CFLAGS=-DLOADER_TEST_STALE_KEY). */
		if (tries == 0) {
			EFI_PHYSICAL_ADDRESS junk;

			BS->AllocatePages(AllocateAnyPages, EfiLoaderData, 1, &junk);
		}
#endif
		st = BS->ExitBootServices(image, key);
		if (!EFI_ERROR(st))
			break;
		retried++;
		if (st != EFI_INVALID_PARAMETER)
			die_after_exit("ExitBootServices failed");
	}
	if (tries == EXIT_TRIES)
		die_after_exit("ExitBootServices kept reporting a stale map key");

	/* Boot services are gone: no Print, no allocation from here on. */
	if (retried)
		for (const char *p = "loader: ExitBootServices needed a fresh map key\r\n"; *p; p++)
			serial_putc(*p);
	mb2_init(&b, (void *)(UINTN)info_phys, (uint32_t)(info_pages * EFI_PAGE_SIZE));
	build_bootinfo(&b, cmdline, map, map_size, dsize, dver, &rsdp, systab);
	if (!mb2_finish(&b))
		die_after_exit("boot information does not fit its buffer");
	enter_kernel(k.entry, info_phys);
}

/* gnu-efi's crt0 calls this with the System V convention, so no EFIAPI. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	image_handle = image;
	InitializeLib(image, systab);
	Print(L"%a: loading \\kernel.elf\r\n", LOADER_NAME);
	return give_up(load_and_enter(image, systab));
}
