/*
 * kernel/shell.h - the serial monitor: a line-editing command shell on COM1
 * that runs after the boot self-tests (unless the command line says `exit`,
 * `poweroff` or `noexit`). kernel/shell.c owns the line editor and the
 * dispatcher; kernel/shell_cmds.c owns the commands and their table.
 *
 * Adding a command: write `static int cmd_x(int argc, char **argv)` in
 * shell_cmds.c and add one line to shell_cmds[]. argv[0] is the command
 * name. Return 0 on success, non-zero after printing a one-line error.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

#include <stdbool.h>
#include <stddef.h>

#define SHELL_PROMPT "mmk> "
#define SHELL_LINE_MAX 128
#define SHELL_ARGS_MAX 8

struct shell_cmd {
	const char *name;
	const char *usage; /* arguments, e.g. "ORDER [FLAGS]"; "" when none */
	const char *help;  /* one line */
	int (*fn)(int argc, char **argv);
};

/* The command table (shell_cmds.c), ended by an entry with a NULL name. */
extern const struct shell_cmd shell_cmds[];

/*
 * Run the monitor forever, polling COM1. @test_failures is the failure
 * count of the boot self-tests: `poweroff` leaves QEMU with the pass/fail
 * code of the most recent test run. Never returns (reboot and poweroff
 * leave the machine).
 */
void shell_run(int test_failures) __attribute__((noreturn));

/* Split @line in place at blanks and run the command it names. Returns the
 * command's status, 0 for an empty line, -1 for an unknown command or too
 * many words (with a one-line error printed). */
int shell_exec(char *line);

/* Strict number parsing for commands: decimal, or hex with 0x; no sign, no
 * trailing characters, at most @max. Returns false otherwise. */
bool shell_parse_ulong(const char *s, unsigned long max, unsigned long *out);

/* Failure count of the most recent test run (boot or `test`), for poweroff. */
extern int shell_last_test_failures;

#endif /* KERNEL_SHELL_H */
