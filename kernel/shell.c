/*
 * kernel/shell.c - the serial monitor's line editor and dispatcher: reads
 * COM1 by polling, edits one line (backspace, Ctrl-U erases the line,
 * Ctrl-C cancels it, up/down arrows walk a small history), splits it into
 * words and runs the matching entry of shell_cmds[] (shell_cmds.c).
 *
 * Polling rather than an interrupt: the monitor is the only thing reading
 * the UART, and a polled loop keeps working even when the code under study
 * has interrupts off or the IRQ set-up is broken.
 */
#include "shell.h"
#include "printk.h"
#include "string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/serial.h"

#define SHELL_HISTORY 16

#define CTRL(c) ((c)&0x1f)
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f

int shell_last_test_failures;

struct line_editor {
	char buf[SHELL_LINE_MAX];
	size_t len;
	/* History ring: entry i (0 = oldest kept) of the last nr_hist lines. */
	char hist[SHELL_HISTORY][SHELL_LINE_MAX];
	unsigned int nr_hist; /* lines ever entered (ring index = n % SHELL_HISTORY) */
	unsigned int browse;  /* 0: editing a new line; k: showing the k-th newest */
	enum { IN_NORMAL, IN_ESC, IN_CSI } in;
	bool last_cr; /* swallow the '\n' of a "\r\n" pair */
};

static struct line_editor ed;

static void echo(const char *s, size_t n)
{
	serial_write(s, n);
}

static void erase_chars(size_t n)
{
	while (n--)
		echo("\b \b", 3);
}

/* Replace what is on screen and in the buffer with @s. */
static void set_line(const char *s)
{
	erase_chars(ed.len);
	ed.len = strlen(s);
	memcpy(ed.buf, s, ed.len);
	echo(ed.buf, ed.len);
}

static void history_add(const char *s)
{
	if (!s[0])
		return;
	if (ed.nr_hist && !strcmp(ed.hist[(ed.nr_hist - 1) % SHELL_HISTORY], s))
		return;
	memcpy(ed.hist[ed.nr_hist % SHELL_HISTORY], s, strlen(s) + 1);
	ed.nr_hist++;
}

static void history_move(int dir)
{
	unsigned int kept = ed.nr_hist < SHELL_HISTORY ? ed.nr_hist : SHELL_HISTORY;
	unsigned int to = ed.browse + (unsigned int)dir;

	if (dir < 0 && ed.browse == 0)
		return;
	if (to > kept)
		return;
	ed.browse = to;
	set_line(to ? ed.hist[(ed.nr_hist - to) % SHELL_HISTORY] : "");
}

/* Feed one received byte; returns true when a line is complete in ed.buf. */
static bool editor_feed(int c)
{
	bool was_cr = ed.last_cr;

	ed.last_cr = false;
	if (ed.in == IN_ESC) {
		/* "ESC [ A" from most terminals, "ESC O A" in application mode. */
		ed.in = (c == '[' || c == 'O') ? IN_CSI : IN_NORMAL;
		return false;
	}
	if (ed.in == IN_CSI) {
		if (c >= '0' && c <= '9')
			return false; /* parameters of e.g. "ESC [ 3 ~": ignored */
		ed.in = IN_NORMAL;
		if (c == 'A')
			history_move(1);
		else if (c == 'B')
			history_move(-1);
		return false;
	}
	switch (c) {
	case '\r':
	case '\n':
		if (c == '\n' && was_cr)
			return false;
		ed.last_cr = c == '\r';
		echo("\n", 1);
		ed.buf[ed.len] = 0;
		return true;
	case '\b':
	case KEY_DEL:
		if (ed.len) {
			ed.len--;
			erase_chars(1);
		}
		return false;
	case CTRL('U'):
		erase_chars(ed.len);
		ed.len = 0;
		return false;
	case CTRL('C'):
		echo("^C\n" SHELL_PROMPT, 3 + sizeof(SHELL_PROMPT) - 1);
		ed.len = 0;
		ed.browse = 0;
		return false;
	case KEY_ESC:
		ed.in = IN_ESC;
		return false;
	default:
		/* Printable ASCII only; a full line ignores further input. */
		if (c >= 0x20 && c < 0x7f && ed.len + 1 < SHELL_LINE_MAX) {
			ed.buf[ed.len++] = (char)c;
			char ch = (char)c;
			echo(&ch, 1);
		}
		return false;
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int shell_exec(char *line)
{
	char *argv[SHELL_ARGS_MAX + 1];
	int argc = 0;

	for (char *p = line; *p;) {
		while (is_blank(*p))
			*p++ = 0;
		if (!*p)
			break;
		if (argc == SHELL_ARGS_MAX) {
			printk("%s: too many arguments\n", argv[0]);
			return -1;
		}
		argv[argc++] = p;
		while (*p && !is_blank(*p))
			p++;
	}
	argv[argc] = NULL;
	if (!argc)
		return 0;
	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		if (!strcmp(c->name, argv[0]))
			return c->fn(argc, argv);
	printk("%s: unknown command (try 'help')\n", argv[0]);
	return -1;
}

bool shell_parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0, base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned long d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned long)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned long)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned long)(*s - 'A' + 10);
		else
			return false;
		if (d > max || v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

void shell_run(int test_failures)
{
	shell_last_test_failures = test_failures;
	printk("shell: serial monitor on COM1; 'help' lists the commands\n");
	/* Bytes typed during the boot (or line noise) are not a command. */
	while (serial_getc() >= 0)
		;
	for (;;) {
		echo(SHELL_PROMPT, sizeof(SHELL_PROMPT) - 1);
		ed.len = 0;
		ed.browse = 0;
		for (;;) {
			int c = serial_getc();

			if (c < 0) {
				cpu_relax();
				continue;
			}
			if (editor_feed(c))
				break;
		}
		history_add(ed.buf);
		shell_exec(ed.buf);
	}
}
