/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the resource tests (test_res_*.c): parse YAML text as file
 * "t.yaml" and compare every message, exactly, in order.
 */
#ifndef STRATA_RES_TEST_H
#define STRATA_RES_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "res.h"

/* All messages of @d, one per line (no trailing newline), malloc'ed. */
static inline char *rt_messages(const struct diags *d)
{
	size_t i, o = 0, cap = 1024;
	char *buf = malloc(cap), line[4096];

	buf[0] = 0;
	for (i = 0; i < d->n; i++) {
		size_t n;

		diag_format(&d->v[i], line, sizeof(line));
		n = strlen(line);
		while (o + n + 2 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		if (i)
			buf[o++] = '\n';
		memcpy(buf + o, line, n + 1);
		o += n;
	}
	return buf;
}

/* Parse @text as "t.yaml" with @flags into @out; the messages. */
static inline char *rt_parse_flags(const char *text, unsigned int flags,
				   struct res_list *out)
{
	struct diags d;
	struct doc doc;
	char *msgs;
	size_t i;

	diags_init(&d);
	doc_parse(&doc, "t.yaml", text, strlen(text), &d);
	for (i = 0; i < doc.n; i++)
		res_parse(&doc, doc.roots[i], flags, out, &d);
	msgs = rt_messages(&d);
	doc_release(&doc);
	diags_release(&d);
	return msgs;
}

static inline char *rt_parse(const char *text, struct res_list *out)
{
	return rt_parse_flags(text, 0, out);
}

/* @text gives exactly the messages @want (lines joined by '\n'). */
#define rt_expect(text, want) rt_expect_at(text, want, __FILE__, __LINE__)

static inline void rt_expect_at(const char *text, const char *want,
				const char *file, int line)
{
	struct res_list l = { 0 };
	char *got = rt_parse(text, &l);

	if (strcmp(got, want)) {
		print_error(
			"%s:%d: messages differ\n--- got:\n%s\n--- want:\n%s\n",
			file, line, got, want);
		free(got);
		res_list_release(&l);
		_fail(file, line);
	}
	free(got);
	res_list_release(&l);
}

/* @text parses with no message at all into exactly one resource. */
#define rt_one(text) rt_one_at(text, __FILE__, __LINE__)

static inline struct res *rt_one_at(const char *text, const char *file,
				    int line)
{
	struct res_list l = { 0 };
	char *got = rt_parse(text, &l);
	struct res *r;

	if (*got || l.n != 1) {
		print_error("%s:%d: %zu resources, messages:\n%s\n", file, line,
			    l.n, got);
		free(got);
		res_list_release(&l);
		_fail(file, line);
	}
	free(got);
	r = l.v[0];
	free(l.v);
	return r;
}

/* The resource as YAML text (malloc'ed). */
static inline char *rt_yaml(struct res *r, enum res_fmt fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(res_print(f, &r, 1, fmt, false), 0);
	fclose(f);
	return buf;
}

#endif /* STRATA_RES_TEST_H */
