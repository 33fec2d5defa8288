/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running a stratactl command's function in a unit test with its standard
 * output and error captured (test_*_golden.c, test_cli_*.c). Include after
 * cmocka and the command sources (struct cli, cli.json).
 */
#ifndef STRATA_CLI_RUN_H
#define STRATA_CLI_RUN_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file's contents, NUL-terminated (NULL if it cannot be opened). */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		assert_non_null(buf);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	fclose(f);
	if (!buf)
		buf = calloc(1, 1);
	buf[len] = 0;
	return buf;
}

/* Run a command with its output in files, as with -j when @json; returns
 * its exit status. @out and @err are the caller's to free. */
static int run_as(int (*fn)(int, char **), const char *const *args, bool json,
		  char **out, char **err)
{
	char o[] = "/tmp/strata-golden-out-XXXXXX";
	char e[] = "/tmp/strata-golden-err-XXXXXX";
	int fo = mkstemp(o), fe = mkstemp(e), so, se, ret, argc = 0;
	char *argv[40];

	assert_true(fo >= 0 && fe >= 0);
	while (args[argc]) {
		assert_true(argc < 39);
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fo, 1);
	dup2(fe, 2);
	cli.json = json;
	ret = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	*out = slurp(o);
	*err = slurp(e);
	unlink(o);
	unlink(e);
	return ret;
}

#endif /* STRATA_CLI_RUN_H */
