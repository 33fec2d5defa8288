// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl: the Strata command-line tool. This file is the dispatch table
 * and the helpers every subcommand shares; each subcommand lives in its own
 * file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

struct cli cli = { .prog = "stratactl" };

static void usage_main(void);

static const struct cmd cmds[] = {
	{ "version", cmd_version, "show CLI and kernel module versions",
	  usage_version },
};

static void usage_main(void)
{
	size_t i;

	fprintf(stderr,
		"Usage: stratactl [ OPTIONS ] COMMAND [ ARGS ]\n"
		"       stratactl COMMAND help\n"
		"OPTIONS := { -j | --json | -o { text | json } | -h | --help | -V }\n"
		"COMMAND :=\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

int cli_usage_error(void (*usage)(void), const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli.prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (usage)
		usage();
	return EXIT_USAGE;
}

/* Report a library error; the exit code tells scripts what kind it was. */
int cli_fail(const struct strata_err *err, const char *what)
{
	const char *msg = err->msg[0] ? err->msg : strerror(-err->code);

	switch (err->code) {
	case -EPERM:
	case -EACCES:
		fprintf(stderr,
			"%s: %s: permission denied: CAP_NET_ADMIN over this network namespace is required\n",
			cli.prog, what);
		return EXIT_PERM;
	case -ENOENT:
	case -ECONNREFUSED:
		if (strstr(msg, "not loaded")) {
			fprintf(stderr, "%s: %s: %s (try: modprobe strata)\n",
				cli.prog, what, msg);
			return EXIT_UNREACHABLE;
		}
		break;
	default:
		break;
	}
	fprintf(stderr, "%s: %s: %s (%s)\n", cli.prog, what, msg,
		strerror(-err->code));
	return EXIT_KERNEL;
}

void cli_print_json(struct json_object *obj)
{
	printf("%s\n", json_object_to_json_string_ext(
			       obj, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

int main(int argc, char **argv)
{
	size_t i;

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json")) {
			cli.json = true;
		} else if (!strcmp(argv[0], "-o")) {
			if (argc < 2)
				return cli_usage_error(usage_main,
						       "-o needs an argument");
			if (!strcmp(argv[1], "json"))
				cli.json = true;
			else if (!strcmp(argv[1], "text"))
				cli.json = false;
			else
				return cli_usage_error(
					usage_main,
					"unknown output format \"%s\"",
					argv[1]);
			argc--;
			argv++;
		} else if (!strcmp(argv[0], "-V") ||
			   !strcmp(argv[0], "--version")) {
			printf("stratactl %s\n", STRATA_CLI_VERSION);
			return EXIT_OK;
		} else if (cli_is_help(argv[0])) {
			usage_main();
			return EXIT_OK;
		} else {
			return cli_usage_error(
				usage_main, "unknown option \"%s\"", argv[0]);
		}
		argc--;
		argv++;
	}
	if (argc == 0) {
		usage_main();
		return EXIT_USAGE;
	}
	if (cli_is_help(argv[0])) {
		usage_main();
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name))
			continue;
		if (argc > 1 && cli_is_help(argv[1])) {
			cmds[i].usage();
			return EXIT_OK;
		}
		return cmds[i].fn(argc - 1, argv + 1);
	}
	return cli_usage_error(usage_main, "unknown command \"%s\"", argv[0]);
}
