/*
 * kernel/cmdline.c - parses the boot command line into struct
 * kernel_options (see cmdline.h for the options).
 */
#include "cmdline.h"
#include "printk.h"
#include "string.h"
#include "mm/boot_reserve.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Does the word [w, w+n) equal the option name @name (up to '=')? */
static bool word_is(const char *w, size_t n, const char *name)
{
	size_t l = strlen(name);
	return n == l && !strncmp(w, name, l);
}

static int parse_option(const char *w, size_t n, struct kernel_options *opt)
{
	size_t key_len = 0;
	while (key_len < n && w[key_len] != '=')
		key_len++;
	const char *val = w + key_len + 1;
	size_t val_len = key_len < n ? n - key_len - 1 : 0;
	bool has_val = key_len < n;

	if (word_is(w, key_len, "mem") && has_val) {
		const char *end;
		uint64_t v = mm_parse_size(val, &end);
		/* UINT64_MAX: the parser saturated, the number was too large. */
		if (end != val + val_len || !v || v == UINT64_MAX) {
			printk("cmdline: bad value in '%.*s' (want e.g. mem=512M), ignored\n",
			       (int)n, w);
			return 1;
		}
		opt->mem_limit = v;
		return 0;
	}
	if (word_is(w, key_len, "ramdisk") && has_val) {
		const char *end;
		uint64_t v = mm_parse_size(val, &end);
		if (end != val + val_len || !v || v == UINT64_MAX) {
			printk("cmdline: bad value in '%.*s' (want e.g. ramdisk=64M), ignored\n",
			       (int)n, w);
			return 1;
		}
		opt->ramdisk_size = v;
		return 0;
	}
	if (word_is(w, key_len, "test") && has_val) {
		if (!val_len || val_len >= sizeof(opt->tests)) {
			printk("cmdline: bad value in '%.*s', ignored\n", (int)n, w);
			return 1;
		}
		memcpy(opt->tests, val, val_len);
		opt->tests[val_len] = 0;
		return 0;
	}
	if (word_is(w, key_len, "loglevel") && has_val) {
		const char *end;
		uint64_t v = mm_parse_size(val, &end);
		if (end != val + val_len || end == val || v > 8) {
			printk("cmdline: bad value in '%.*s' (want 0-8), ignored\n", (int)n, w);
			return 1;
		}
		opt->loglevel = (int)v;
		return 0;
	}
	if (word_is(w, key_len, "crash") && has_val) {
		static const char *const kinds[] = { "pf",    "ud",	   "df",
						     "panic", "lockorder", "panic-smp" };
		for (unsigned int i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (word_is(val, val_len, kinds[i])) {
				/* val is not terminated: other words may follow */
				memcpy(opt->crash, val, val_len);
				opt->crash[val_len] = 0;
				return 0;
			}
		}
		printk("cmdline: bad value in '%.*s' (want pf, ud, df, panic, lockorder or panic-smp), ignored\n",
		       (int)n, w);
		return 1;
	}
	if (word_is(w, key_len, "trace") && has_val) {
		if (!word_is(val, val_len, "mm")) {
			printk("cmdline: bad value in '%.*s' (want trace=mm), ignored\n", (int)n,
			       w);
			return 1;
		}
		opt->trace_mm = true;
		return 0;
	}
	if (word_is(w, key_len, "duration") && has_val) {
		const char *end;
		uint64_t v = mm_parse_size(val, &end);
		if (end != val + val_len || end == val || !v || v > 86400) {
			printk("cmdline: bad value in '%.*s' (want seconds, 1-86400), ignored\n",
			       (int)n, w);
			return 1;
		}
		opt->duration_s = (unsigned int)v;
		return 0;
	}
	if (word_is(w, key_len, "pcp") && has_val) {
		if (!word_is(val, val_len, "on") && !word_is(val, val_len, "off")) {
			printk("cmdline: bad value in '%.*s' (want pcp=on or pcp=off), ignored\n",
			       (int)n, w);
			return 1;
		}
		opt->pcp_off = word_is(val, val_len, "off");
		return 0;
	}
	if (word_is(w, key_len, "numa") && has_val) {
		if (!word_is(val, val_len, "off")) {
			printk("cmdline: bad value in '%.*s' (want numa=off), ignored\n", (int)n,
			       w);
			return 1;
		}
		opt->numa_off = true;
		return 0;
	}
	if (word_is(w, key_len, "page_poison") && has_val) {
		if (!word_is(val, val_len, "0") && !word_is(val, val_len, "1")) {
			printk("cmdline: bad value in '%.*s' (want page_poison=0 or 1), ignored\n",
			       (int)n, w);
			return 1;
		}
		opt->page_poison = val[0] - '0';
		return 0;
	}
	if (word_is(w, key_len, "fail_page_alloc") && has_val) {
		const char *why = "";
		opt->fail_page_alloc.seed = 0x5eed;
		if (mm_fail_page_alloc_parse(val, val_len, &opt->fail_page_alloc, &why)) {
			printk("cmdline: bad value in '%.*s' (%s), ignored\n", (int)n, w, why);
			return 1;
		}
		opt->fail_page_alloc_set = true;
		return 0;
	}
	if (word_is(w, key_len, "slab_debug")) {
		if (has_val && val_len >= sizeof(opt->slab_debug)) {
			printk("cmdline: value too long in '%.*s', ignored\n", (int)n, w);
			return 1;
		}
		/* checked by mm_slab_debug_setup() at boot, which says what is wrong */
		memcpy(opt->slab_debug, has_val ? val : "", has_val ? val_len : 0);
		opt->slab_debug[has_val ? val_len : 0] = 0;
		opt->slab_debug_set = true;
		return 0;
	}
	if (word_is(w, n, "exit")) {
		opt->exit = true;
		return 0;
	}
	if (word_is(w, n, "noexit")) {
		opt->noexit = true;
		return 0;
	}
	if (word_is(w, n, "poweroff")) {
		opt->poweroff = true;
		return 0;
	}
	printk("cmdline: unknown option '%.*s' ignored\n", (int)n, w);
	return 1;
}

int cmdline_parse(const char *cmdline, struct kernel_options *opt)
{
	int problems = 0;

	*opt = (struct kernel_options){ .loglevel = 7, .page_poison = -1 };
	memcpy(opt->tests, "all", 4);
	if (!cmdline)
		return 0;
	for (const char *p = cmdline; *p;) {
		while (is_space(*p))
			p++;
		const char *w = p;
		while (*p && !is_space(*p))
			p++;
		if (p > w)
			problems += parse_option(w, (size_t)(p - w), opt);
	}
	return problems;
}
