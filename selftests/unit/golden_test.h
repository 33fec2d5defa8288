/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Golden-file tests of stratactl commands, shared by test_*_golden.c:
 * run a command (cli_run.h) and compare text with a file under GOLDEN
 * (which the test defines before including this). STRATA_GOLDEN_UPDATE=1
 * rewrites the files instead. Include after cmocka and the command
 * sources (struct cli, cli.json).
 */
#ifndef STRATA_GOLDEN_TEST_H
#define STRATA_GOLDEN_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"

/* run_as() in text */
static inline int run(int (*fn)(int, char **), const char *const *args,
		      char **out, char **err)
{
	return run_as(fn, args, false, out, err);
}

/* @got must equal the golden file GOLDEN @name (or rewrite it). */
static void golden(const char *name, const char *got)
{
	char path[256];
	char *want;

	snprintf(path, sizeof(path), GOLDEN "%s", name);
	if (getenv("STRATA_GOLDEN_UPDATE")) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	want = slurp(path);
	if (!want)
		fail_msg("%s: missing (STRATA_GOLDEN_UPDATE=1 writes it)",
			 path);
	if (strcmp(got, want)) {
		print_error("%s differs\n--- got:\n%s--- want:\n%s", path, got,
			    want);
		free(want);
		fail();
	}
	free(want);
}

#endif /* STRATA_GOLDEN_TEST_H */
