/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the compile tests (test_compile*.c): resources from YAML
 * text, a compiler fed with them, its output and operations as text, and
 * exact comparisons that print both sides.
 */
#ifndef STRATA_CMP_TEST_H
#define STRATA_CMP_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cmp.h"
#include "state.h"
#include "decide.h"

/* Parse @text as "t.yaml"; the resources go to @out. With @must, any
 * error fails the test. Returns the number of errors. */
static inline unsigned int ct_parse(const char *text, struct res_list *out,
				    bool must)
{
	struct diags d;
	struct doc doc;
	unsigned int errors;
	size_t i;

	diags_init(&d);
	doc_parse(&doc, "t.yaml", text, strlen(text), &d);
	for (i = 0; i < doc.n; i++)
		res_parse(&doc, doc.roots[i], 0, out, &d);
	errors = d.errors;
	if (must && errors) {
		diags_print(&d, stderr);
		fail_msg("the test's YAML has errors");
	}
	doc_release(&doc);
	diags_release(&d);
	return errors;
}

/* Give the compiler every resource of @text. */
static inline void ct_apply(struct cmp *c, const char *text)
{
	struct res_list l = { 0 };
	size_t i;

	ct_parse(text, &l, true);
	for (i = 0; i < l.n; i++)
		assert_int_equal(cmp_upsert(c, l.v[i]), 0);
	res_list_release(&l);
}

/* A compiler for @node with the built-in tiers and profile. */
static inline struct cmp *ct_new(const char *node, const struct cmp_config *cfg)
{
	struct cmp *c = cmp_new(node, cfg);
	struct rset *s = rset_new(true);
	struct res **v;
	size_t n, i;

	n = rset_list(s, -1, NULL, &v);
	for (i = 0; i < n; i++)
		cmp_upsert(c, v[i]);
	free(v);
	rset_free(s);
	return c;
}

/* cmp_print() as a string (free it). */
static inline char *ct_text(const struct cmp *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cmp_print(c, f);
	fclose(f);
	return buf;
}

static inline char *ct_ops_text(const struct strata_batch *b)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	for (i = 0; i < b->n; i++)
		cmp_print_op(f, &b->ops[i]);
	fclose(f);
	return buf;
}

/* Flush; the operations as text (free it). */
static inline char *ct_flush(struct cmp *c)
{
	struct strata_batch b;
	char *t;

	strata_batch_init(&b);
	cmp_flush(c, &b);
	t = ct_ops_text(&b);
	strata_batch_release(&b);
	return t;
}

#define ct_streq(got, want) ct_streq_at(got, want, __FILE__, __LINE__)

/* Compare and free @got. */
static inline void ct_streq_at(char *got, const char *want, const char *file,
			       int line)
{
	if (strcmp(got, want)) {
		/* not print_error(): its buffer cuts long outputs */
		fprintf(stderr,
			"%s:%d: output differs\n--- got:\n%s--- want:\n%s---\n",
			file, line, got, want);
		free(got);
		fail();
	}
	free(got);
}

/* Every warning cmp_problems() gives, one per line. */
static inline char *ct_problems(const struct cmp *c)
{
	char *buf = NULL, line[2048];
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	struct diags d;

	diags_init(&d);
	cmp_problems(c, &d);
	for (i = 0; i < d.n; i++)
		fprintf(f, "%s\n", diag_format(&d.v[i], line, sizeof(line)));
	diags_release(&d);
	fclose(f);
	return buf;
}

static inline const char *ct_name(const struct cmp *c, uint8_t kind,
				  uint32_t id)
{
	struct cmp_obj_info in;

	if (cmp_lookup(c, kind, id, NULL, &in))
		return "?";
	return in.name;
}

/* Endpoint @name's lists and profiles, by kernel name (free it). */
static inline char *ct_lists(const struct cmp *c, const char *name)
{
	static const char *const lists[] = {
		"ingress",	    "egress",	       "untracked-ingress",
		"untracked-egress", "prednat-ingress", "forward-ingress",
		"forward-egress"
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct cmp_view v;
	uint32_t i, l, j, k;

	cmp_desired(c, &v);
	for (i = 0; i < v.n_endpoints; i++) {
		const struct sc_endpoint *e = v.endpoints[i];

		if (strcmp(e->name, name))
			continue;
		for (l = 0; l < __STRATA_LIST_MAX; l++) {
			if (!e->lists[l].n)
				continue;
			fprintf(f, "%s:", lists[l]);
			for (j = 0; j < e->lists[l].n; j++) {
				const struct sc_tierref *tr =
					&e->lists[l].refs[j];

				fprintf(f, " %s [",
					ct_name(c, SC_OBJ_TIER, tr->tier));
				for (k = 0; k < tr->n_policies; k++)
					fprintf(f, "%s%s", k ? " " : "",
						ct_name(c, SC_OBJ_POLICY,
							tr->policies[k]));
				fprintf(f, "]");
			}
			fprintf(f, "\n");
		}
		if (e->n_profiles) {
			fprintf(f, "profiles:");
			for (j = 0; j < e->n_profiles; j++)
				fprintf(f, " %s",
					ct_name(c, SC_OBJ_POLICY,
						e->profiles[j]));
			fprintf(f, "\n");
		}
	}
	cmp_view_release(&v);
	fclose(f);
	return buf;
}

#endif /* STRATA_CMP_TEST_H */
