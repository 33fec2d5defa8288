/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STRATACTL_CLI_H
#define STRATACTL_CLI_H

#include <stdbool.h>
#include <json-c/json.h>
#include "strata.h"

/* Exit codes, documented in stratactl(8). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_INVALID = 2,
	EXIT_UNREACHABLE = 3,
	EXIT_PERM = 4,
	EXIT_KERNEL = 5,
};

struct cli {
	bool json;
	const char *prog;
};

extern struct cli cli;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	void (*usage)(void);
};

int cli_usage_error(void (*usage)(void), const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_fail(const struct strata_err *err, const char *what);
bool cli_is_help(const char *arg);
void cli_print_json(struct json_object *obj);

int cmd_version(int argc, char **argv);
void usage_version(void);

#endif /* STRATACTL_CLI_H */
