// SPDX-License-Identifier: GPL-2.0
/*
 * Documents (policy/doc.c): YAML and JSON through libyaml with positions,
 * scalar typing as Kubernetes' YAML reader types it, multi-document
 * files, anchors, aliases and merge keys, refusals (recursion, alias
 * bombs, duplicate keys, syntax errors with their position), json-c
 * objects, and the format of messages.
 */
#include <errno.h>
#include <unistd.h>
#include <json-c/json.h>
#include "res_test.h"

static char *parse_msgs(const char *text, struct doc *doc)
{
	struct diags d;
	char *m;

	diags_init(&d);
	doc_parse(doc, "t.yaml", text, strlen(text), &d);
	m = rt_messages(&d);
	diags_release(&d);
	return m;
}

static void plain_scalars(void **state)
{
	static const struct {
		const char *in;
		enum doc_type t;
		int64_t i;
		double f;
		bool b;
	} cases[] = {
		{ "", DOC_NULL, 0, 0, false },
		{ "~", DOC_NULL, 0, 0, false },
		{ "null", DOC_NULL, 0, 0, false },
		{ "Null", DOC_NULL, 0, 0, false },
		{ "nULL", DOC_STR, 0, 0, false },
		{ "true", DOC_BOOL, 0, 0, true },
		{ "yes", DOC_BOOL, 0, 0, true },
		{ "y", DOC_BOOL, 0, 0, true },
		{ "On", DOC_BOOL, 0, 0, true },
		{ "no", DOC_BOOL, 0, 0, false },
		{ "OFF", DOC_BOOL, 0, 0, false },
		{ "n", DOC_BOOL, 0, 0, false },
		{ "yEs", DOC_STR, 0, 0, false },
		{ "80", DOC_INT, 80, 0, false },
		{ "-7", DOC_INT, -7, 0, false },
		{ "+7", DOC_INT, 7, 0, false },
		{ "0x1F", DOC_INT, 31, 0, false },
		{ "0o17", DOC_INT, 15, 0, false },
		{ "017", DOC_INT, 15, 0, false },
		{ "0b101", DOC_INT, 5, 0, false },
		{ "1_000", DOC_INT, 1000, 0, false },
		{ "9223372036854775807", DOC_INT, INT64_MAX, 0, false },
		{ "-9223372036854775808", DOC_INT, INT64_MIN, 0, false },
		{ "9223372036854775808", DOC_FLOAT, 0, 9223372036854775808.0,
		  false },
		{ "1e3", DOC_FLOAT, 0, 1000, false },
		{ ".5", DOC_FLOAT, 0, 0.5, false },
		{ "-1.25", DOC_FLOAT, 0, -1.25, false },
		{ "1.", DOC_FLOAT, 0, 1, false },
		/* not octal, so a float, as Go's YAML reader has it */
		{ "08", DOC_FLOAT, 0, 8, false },
		{ "1_0.5", DOC_FLOAT, 0, 10.5, false },
		{ "1e", DOC_STR, 0, 0, false },
		{ "80:90", DOC_STR, 0, 0, false },
		{ "10.0.0.1", DOC_STR, 0, 0, false },
		{ "2024-01-01", DOC_STR, 0, 0, false },
		{ "-", DOC_STR, 0, 0, false },
		{ "app", DOC_STR, 0, 0, false },
	};
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		bool b = false;
		int64_t i = 0;
		double f = 0;
		enum doc_type t = doc_resolve_plain(
			cases[k].in, strlen(cases[k].in), &b, &i, &f);

		if (t != cases[k].t)
			fail_msg("\"%s\": type %d, expected %d", cases[k].in, t,
				 cases[k].t);
		if (t == DOC_INT)
			assert_true(i == cases[k].i);
		if (t == DOC_FLOAT)
			assert_true(f == cases[k].f);
		if (t == DOC_BOOL)
			assert_int_equal(b, cases[k].b);
	}
	{
		bool b;
		int64_t i;
		double f;

		assert_int_equal(doc_resolve_plain(".inf", 4, &b, &i, &f),
				 DOC_FLOAT);
		assert_true(f > 1e308);
		assert_int_equal(doc_resolve_plain("-.Inf", 5, &b, &i, &f),
				 DOC_FLOAT);
		assert_true(f < -1e308);
		assert_int_equal(doc_resolve_plain(".NaN", 4, &b, &i, &f),
				 DOC_FLOAT);
		assert_true(f != f);
	}
}

static void positions_and_types(void **state)
{
	static const char text[] = "# a comment\n"
				   "a: 1\n"
				   "b:\n"
				   "  - \"80\"\n"
				   "  - 'x'\n"
				   "  - !!str 12\n"
				   "  - !!int \"12\"\n"
				   "c: {d: é, e: [true]}\n";
	const struct doc_node *r, *b, *c;
	struct doc doc;
	char *m = parse_msgs(text, &doc);

	assert_string_equal(m, "");
	free(m);
	assert_int_equal(doc.n, 1);
	r = doc.roots[0];
	assert_int_equal(r->type, DOC_MAP);
	assert_int_equal(r->line, 2);
	assert_int_equal(r->col, 1);
	assert_int_equal(r->n, 3);
	assert_string_equal(r->pairs[1].key, "b");
	assert_int_equal(r->pairs[1].line, 3);
	assert_int_equal(r->pairs[1].col, 1);
	assert_int_equal(doc_get(r, "a")->type, DOC_INT);
	assert_int_equal(doc_get(r, "a")->col, 4);
	b = doc_get(r, "b");
	assert_int_equal(b->type, DOC_SEQ);
	assert_int_equal(b->n, 4);
	assert_int_equal(b->items[0]->type, DOC_STR);
	assert_string_equal(b->items[0]->text, "80");
	assert_int_equal(b->items[0]->line, 4);
	assert_int_equal(b->items[0]->col, 5);
	assert_int_equal(b->items[2]->type, DOC_STR);
	assert_int_equal(b->items[3]->type, DOC_INT);
	assert_int_equal(b->items[3]->i, 12);
	c = doc_get(r, "c");
	/* columns count characters: é is one */
	assert_string_equal(doc_get(c, "d")->text, "é");
	assert_int_equal(doc_get(c, "e")->col, 14);
	assert_int_equal(doc_get(c, "e")->items[0]->type, DOC_BOOL);
	assert_null(doc_get(r, "zz"));
	assert_null(doc_get(b, "a"));
	doc_release(&doc);
}

static void documents(void **state)
{
	static const char text[] = "a: 1\n"
				   "---\n"
				   "# only a comment\n"
				   "---\n"
				   "---\n"
				   "b: 2\n"
				   "...\n"
				   "---\n"
				   "[1, 2]\n";
	struct doc doc;
	char *m = parse_msgs(text, &doc);

	assert_string_equal(m, "");
	free(m);
	/* empty and null documents are left out */
	assert_int_equal(doc.n, 3);
	assert_int_equal(doc.lines[0], 1);
	assert_int_equal(doc.roots[1]->line, 6);
	assert_int_equal(doc.roots[2]->type, DOC_SEQ);
	doc_release(&doc);
}

static void anchors(void **state)
{
	static const char text[] = "base: &b {x: 1, y: 2}\n"
				   "list: &l [a, b]\n"
				   "one:\n"
				   "  <<: *b\n"
				   "  y: 3\n"
				   "two:\n"
				   "  <<: [*b, {z: 4, x: 9}]\n"
				   "copy: *l\n";
	const struct doc_node *r, *one, *two;
	struct doc doc;
	char *m = parse_msgs(text, &doc);

	assert_string_equal(m, "");
	free(m);
	r = doc.roots[0];
	one = doc_get(r, "one");
	/* explicit keys win over merged ones */
	assert_int_equal(one->n, 2);
	assert_int_equal(doc_get(one, "y")->i, 3);
	assert_int_equal(doc_get(one, "x")->i, 1);
	two = doc_get(r, "two");
	/* earlier sources win */
	assert_int_equal(two->n, 3);
	assert_int_equal(doc_get(two, "x")->i, 1);
	assert_int_equal(doc_get(two, "z")->i, 4);
	/* an alias is the anchored node itself */
	assert_ptr_equal(doc_get(r, "copy"), doc_get(r, "list"));
	doc_release(&doc);
}

static void refusals(void **state)
{
	static const struct {
		const char *text, *msgs;
	} cases[] = {
		{ "a: &x [*x]\n",
		  "t.yaml:1:8: alias *x refers to a node that contains it (recursive structures are not supported)" },
		{ "a: *nope\n",
		  "t.yaml:1:4: alias *nope: no anchor &nope before it" },
		{ "a: 1\nb: 2\na: 3\n",
		  "t.yaml:3:1: duplicate key \"a\" (first at 1:1)" },
		{ "? [1]\n: x\n",
		  "t.yaml:1:3: a mapping key must be a scalar, not a list" },
		{ "a: !foo 1\n", "t.yaml:1:4: unsupported tag !foo" },
		{ "a: !!int x\n",
		  "t.yaml:1:4: \"x\" is not a valid value for tag tag:yaml.org,2002:int" },
		{ "a: [1, 2\nb: 3\n",
		  "t.yaml:2:2: syntax error: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)" },
		{ "a:\n  b: 1\n c: 2\n",
		  "t.yaml:3:2: syntax error: did not find expected key (while parsing a block mapping at 1:1)" },
		{ "a: b: c\n",
		  "t.yaml:1:5: syntax error: mapping values are not allowed in this context" },
		{ "<<: 1\n",
		  "t.yaml:1:5: the value of a merge key (<<) must be a mapping or a list of mappings" },
		{ "a: \"\\xff\"\n", "" },
		{ "{\"a\": 1, \"b\": [1, 2,], \"c\": {\"d\": null}}\n", "" },
	};
	struct doc doc;
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *m = parse_msgs(cases[k].text, &doc);

		if (strcmp(m, cases[k].msgs))
			fail_msg("case %zu: \"%s\", expected \"%s\"", k, m,
				 cases[k].msgs);
		free(m);
		doc_release(&doc);
	}
}

/* Documents before a syntax error are kept. */
static void partial(void **state)
{
	struct doc doc;
	char *m = parse_msgs("a: 1\n---\nb: [\n", &doc);

	assert_string_equal(
		m,
		"t.yaml:4:1: syntax error: did not find expected node content (while parsing a flow node at 4:1)");
	free(m);
	assert_int_equal(doc.n, 1);
	doc_release(&doc);
}

/* An alias bomb is refused without expanding it. */
static void billion_laughs(void **state)
{
	char text[4096];
	size_t o = 0;
	struct doc doc;
	char *m;
	int i;

	o += (size_t)snprintf(text + o, sizeof(text) - o,
			      "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++)
		o += (size_t)snprintf(
			text + o, sizeof(text) - o,
			"a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
			i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
			i - 1, i - 1, i - 1);
	m = parse_msgs(text, &doc);
	assert_string_equal(
		m,
		"t.yaml:6:5: aliases expand this document beyond 1048576 nodes");
	free(m);
	doc_release(&doc);
}

/* JSON files go through the same reader, with positions. */
static void json_text(void **state)
{
	static const char text[] =
		"{\n"
		"\t\"kind\": \"Tier\",\n"
		"\t\"spec\": {\"order\": 100.5, \"x\": \"80\"}\n"
		"}\n";
	const struct doc_node *spec;
	struct doc doc;
	char *m = parse_msgs(text, &doc);

	assert_string_equal(m, "");
	free(m);
	spec = doc_get(doc.roots[0], "spec");
	assert_int_equal(spec->line, 3);
	assert_int_equal(spec->col, 10);
	assert_int_equal(doc_get(spec, "order")->type, DOC_FLOAT);
	assert_true(doc_get(spec, "order")->f == 100.5);
	assert_int_equal(doc_get(spec, "x")->type, DOC_STR);
	doc_release(&doc);
}

static void from_json(void **state)
{
	struct json_object *o = json_tokener_parse(
		"{\"a\": [1, 2.5, true, null, \"s\"], \"b\": {\"c\": -3}}");
	const struct doc_node *a;
	struct doc doc;

	doc_from_json(&doc, o, "Thing x");
	json_object_put(o);
	assert_null(doc.file);
	assert_string_equal(doc.origin, "Thing x");
	assert_int_equal(doc.n, 1);
	a = doc_get(doc.roots[0], "a");
	assert_int_equal(a->n, 5);
	assert_int_equal(a->items[0]->type, DOC_INT);
	assert_int_equal(a->items[1]->type, DOC_FLOAT);
	assert_int_equal(a->items[2]->type, DOC_BOOL);
	assert_int_equal(a->items[3]->type, DOC_NULL);
	assert_int_equal(a->items[4]->type, DOC_STR);
	assert_int_equal(a->items[0]->line, 0);
	assert_int_equal(doc_get(doc_get(doc.roots[0], "b"), "c")->i, -3);
	doc_release(&doc);
}

static void messages(void **state)
{
	struct diags d;
	char *m;

	diags_init(&d);
	diag_add(&d, DIAG_ERROR, "b.yaml", NULL, 3, 4, "spec.order",
		 "expected %s", "a number");
	diag_add(&d, DIAG_WARNING, "a.yaml", NULL, 9, 1, "", "skipped");
	diag_add(&d, DIAG_ERROR, NULL, "Pod ns/p", 0, 0, "spec", "bad");
	diag_add(&d, DIAG_ERROR, "c.yaml", NULL, 0, 0, "", "cannot open");
	diag_add(&d, DIAG_ERROR, "a.yaml", NULL, 2, 7, "x", "first");
	assert_int_equal(d.errors, 4);
	assert_int_equal(d.warnings, 1);
	m = rt_messages(&d);
	assert_string_equal(m, "b.yaml:3:4: spec.order: expected a number\n"
			       "a.yaml:9:1: warning: skipped\n"
			       "Pod ns/p: spec: bad\n"
			       "c.yaml: cannot open\n"
			       "a.yaml:2:7: x: first");
	free(m);
	diags_sort(&d);
	m = rt_messages(&d);
	assert_string_equal(m, "Pod ns/p: spec: bad\n"
			       "a.yaml:2:7: x: first\n"
			       "a.yaml:9:1: warning: skipped\n"
			       "b.yaml:3:4: spec.order: expected a number\n"
			       "c.yaml: cannot open");
	free(m);
	diags_release(&d);
}

static void read_file(void **state)
{
	char path[] = "/tmp/strata-doc-XXXXXX";
	struct diags d;
	struct doc doc;
	int fd = mkstemp(path);
	char *m;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a: [\n", 5), 5);
	close(fd);
	diags_init(&d);
	assert_int_equal(doc_read_file(&doc, path, &d), -EINVAL);
	doc_release(&doc);
	assert_int_equal(doc_read_file(&doc, "/nonexistent/x.yaml", &d),
			 -ENOENT);
	doc_release(&doc);
	m = rt_messages(&d);
	assert_non_null(strstr(m, ":2:1: syntax error: "));
	assert_non_null(strstr(
		m,
		"/nonexistent/x.yaml: cannot open: No such file or directory"));
	free(m);
	diags_release(&d);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_scalars),
		cmocka_unit_test(positions_and_types),
		cmocka_unit_test(documents),
		cmocka_unit_test(anchors),
		cmocka_unit_test(refusals),
		cmocka_unit_test(partial),
		cmocka_unit_test(billion_laughs),
		cmocka_unit_test(json_text),
		cmocka_unit_test(from_json),
		cmocka_unit_test(messages),
		cmocka_unit_test(read_file),
	};

	return cmocka_run_group_tests_name("res_doc", tests, NULL, NULL);
}
