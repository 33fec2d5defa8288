// SPDX-License-Identifier: GPL-2.0
/*
 * The Calico selector language (userspace/policy/selector.c): valid
 * selectors and their canonical forms, invalid ones with the exact
 * position and message, matching (every operator, absent labels, empty
 * sets), the rewrites compile uses, and the introspection the label index
 * relies on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "selector.h"

#define G SEL_F_ALLOW_GLOBAL

/* ---- helpers ------------------------------------------------------------ */

static struct sel *parse_ok(const char *text, unsigned int flags)
{
	struct sel_err err = { 0 };
	struct sel *s = NULL;
	int rc = sel_parse(text, flags, &s, &err);

	if (rc)
		fail_msg("\"%s\": rc %d: %s", text, rc, err.msg);
	assert_non_null(s);
	return s;
}

/*
 * Labels from "k=v,k2=v2" (no commas or '=' in keys; "k=" is an empty
 * value). Storage is static: one set at a time.
 */
static struct sel_labels mklabels(const char *spec)
{
	static char buf[1024];
	static struct sel_label v[32];
	struct sel_labels l = { v, 0 };
	char *p, *save = NULL;
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(p, '=');

		assert_non_null(eq);
		*eq = '\0';
		v[n].key = p;
		v[n].value = eq + 1;
		n++;
	}
	l.n = sel_labels_sort(v, n);
	return l;
}

/* ---- canonical forms ----------------------------------------------------- */

static const struct {
	const char *in;
	unsigned int flags;
	const char *canon;
} valid[] = {
	/* all() and blanks */
	{ "", 0, "all()" },
	{ " \t ", 0, "all()" },
	{ "all()", 0, "all()" },
	{ "all( )", 0, "all()" },
	{ "\tall(\t)\t", 0, "all()" },
	{ "global()", G, "global()" },
	{ " global( ) ", G, "global()" },
	{ "(global())", G, "global()" },
	/* each operator, quotes and spacing */
	{ "a == 'b'", 0, "a == \"b\"" },
	{ "a==\"b\"", 0, "a == \"b\"" },
	{ "a\t==\t'b'", 0, "a == \"b\"" },
	{ "a != 'b'", 0, "a != \"b\"" },
	{ "a!='b'", 0, "a != \"b\"" },
	{ "a == ''", 0, "a == \"\"" },
	{ "a == 'say \"hi\"'", 0, "a == 'say \"hi\"'" },
	{ "a == \"it's\"", 0, "a == \"it's\"" },
	{ "a == ' spaces && || ! ( ) { } '", 0,
	  "a == \" spaces && || ! ( ) { } \"" },
	{ "has(a)", 0, "has(a)" },
	{ "has( a )", 0, "has(a)" },
	{ "has(\ta\t)", 0, "has(a)" },
	{ "a contains 'x'", 0, "a contains \"x\"" },
	{ "a contains\"x\"", 0, "a contains \"x\"" },
	{ "a starts with 'x'", 0, "a starts with \"x\"" },
	{ "a startswith 'x'", 0, "a starts with \"x\"" },
	{ "a starts \t with'x'", 0, "a starts with \"x\"" },
	{ "a ends with 'x'", 0, "a ends with \"x\"" },
	{ "a endswith 'x'", 0, "a ends with \"x\"" },
	{ "a in {'x', 'y'}", 0, "a in {\"x\", \"y\"}" },
	{ "a in{'y','x'}", 0, "a in {\"x\", \"y\"}" },
	{ "a in {'y', 'x', 'y', 'x'}", 0, "a in {\"x\", \"y\"}" },
	{ "a in {'x', 'y',}", 0, "a in {\"x\", \"y\"}" },
	{ "a in { 'x' , 'y' , }", 0, "a in {\"x\", \"y\"}" },
	{ "a in {}", 0, "a in {}" },
	{ "a in { }", 0, "a in {}" },
	{ "a in {'x'}", 0, "a == \"x\"" },
	{ "a in {'x', 'x'}", 0, "a == \"x\"" },
	{ "a not in {'x', 'y'}", 0, "a not in {\"x\", \"y\"}" },
	{ "a notin {'y','x'}", 0, "a not in {\"x\", \"y\"}" },
	{ "a not\t in {'x','y'}", 0, "a not in {\"x\", \"y\"}" },
	{ "a not in {}", 0, "a not in {}" },
	{ "a not in {'x'}", 0, "a != \"x\"" },
	{ "a in {'\"', \"'\"}", 0, "a in {'\"', \"'\"}" },
	/* label characters; keywords as labels */
	{ "projectcalico.org/namespace == 'x'", 0,
	  "projectcalico.org/namespace == \"x\"" },
	{ "A-Z_0.9/x == 'v'", 0, "A-Z_0.9/x == \"v\"" },
	{ "all == 'x'", 0, "all == \"x\"" },
	{ "has == 'x'", 0, "has == \"x\"" },
	{ "in in {'x', 'y'}", 0, "in in {\"x\", \"y\"}" },
	{ "not not in {'x', 'y'}", 0, "not not in {\"x\", \"y\"}" },
	{ "contains contains 'c'", 0, "contains contains \"c\"" },
	{ "global == 'x'", 0, "global == \"x\"" },
	/* negation */
	{ "!has(a)", 0, "!has(a)" },
	{ "! has(a)", 0, "!has(a)" },
	{ "!!has(a)", 0, "has(a)" },
	{ "! ! ! has(a)", 0, "!has(a)" },
	{ "!(!has(a))", 0, "has(a)" },
	{ "!(a == 'x')", 0, "a != \"x\"" },
	{ "!(a != 'x')", 0, "a == \"x\"" },
	{ "!a == 'x'", 0, "a != \"x\"" },
	{ "!a in {'x', 'y'}", 0, "a not in {\"x\", \"y\"}" },
	{ "!a not in {'x', 'y'}", 0, "a in {\"x\", \"y\"}" },
	{ "!a in {}", 0, "a not in {}" },
	{ "!a contains 'x'", 0, "!a contains \"x\"" },
	{ "!all()", 0, "!all()" },
	{ "!(a == 'x' && b == 'y')", 0, "!(a == \"x\" && b == \"y\")" },
	{ "!(a == 'x' || b == 'y')", 0, "!(a == \"x\" || b == \"y\")" },
	/* && and ||: flattening, order, duplicates, all() */
	{ "b == 'y' && a == 'x'", 0, "a == \"x\" && b == \"y\"" },
	{ "a == 'x'&&b == 'y'", 0, "a == \"x\" && b == \"y\"" },
	{ "a == 'x' && (b == 'y' && c == 'z')", 0,
	  "a == \"x\" && b == \"y\" && c == \"z\"" },
	{ "(a == 'x' && b == 'y') && c == 'z'", 0,
	  "a == \"x\" && b == \"y\" && c == \"z\"" },
	{ "c == 'z' || (b == 'y' || a == 'x')", 0,
	  "a == \"x\" || b == \"y\" || c == \"z\"" },
	{ "a == 'x' && a == \"x\"", 0, "a == \"x\"" },
	{ "has(a) || has(a) || has(a)", 0, "has(a)" },
	{ "all() && a == 'x'", 0, "a == \"x\"" },
	{ "all() && all()", 0, "all()" },
	{ "all() || a == 'x'", 0, "all()" },
	{ "((((a == 'x'))))", 0, "a == \"x\"" },
	{ "a == 'x' && b == 'y' || c == 'z'", 0,
	  "a == \"x\" && b == \"y\" || c == \"z\"" },
	{ "c == 'z' || a == 'x' && b == 'y'", 0,
	  "a == \"x\" && b == \"y\" || c == \"z\"" },
	{ "a == 'x' && (b == 'y' || c == 'z')", 0,
	  "a == \"x\" && (b == \"y\" || c == \"z\")" },
	{ "(c == 'z' || b == 'y') && a == 'x'", 0,
	  "a == \"x\" && (b == \"y\" || c == \"z\")" },
	{ "d == 'w' && (b == 'y' || c == 'z')", 0,
	  "(b == \"y\" || c == \"z\") && d == \"w\"" },
	{ "!has(b) && has(a)", 0, "!has(b) && has(a)" },
	{ "has(a) && !!!has(b)", 0, "!has(b) && has(a)" },
	{ "a in {'y','x'} && a in {'x','y',}", 0, "a in {\"x\", \"y\"}" },
	{ "(a == 'x' || b == 'y') && (b == 'y' || a == 'x')", 0,
	  "a == \"x\" || b == \"y\"" },
	{ "!(a == 'x') && !(b != 'y')", 0, "a != \"x\" && b == \"y\"" },
	{ "!(!(a == 'x' && b == 'y'))", 0, "a == \"x\" && b == \"y\"" },
	{ "!!(a == 'x' || b == 'y') && c == 'z'", 0,
	  "(a == \"x\" || b == \"y\") && c == \"z\"" },
};

static void canonical(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		struct sel *s = parse_ok(valid[i].in, valid[i].flags);
		struct sel *again;

		if (strcmp(sel_str(s), valid[i].canon))
			fail_msg("\"%s\": canonical \"%s\", expected \"%s\"",
				 valid[i].in, sel_str(s), valid[i].canon);
		/* parse(print(x)) == x, and printing is a fixed point */
		again = parse_ok(sel_str(s), valid[i].flags);
		assert_string_equal(sel_str(again), valid[i].canon);
		assert_true(sel_equal(s, again));
		assert_true(sel_hash(s) == sel_hash(again));
		sel_put(again);
		sel_put(s);
	}
}

static void equality_and_hash(void **state)
{
	struct sel *a = parse_ok("b in {'2','1'} && a == 'x'", 0);
	struct sel *b = parse_ok("(a=='x')&&b in {\"1\",'2',}", 0);
	struct sel *c = parse_ok("a == 'x' && b in {'1', '3'}", 0);
	struct sel *e = parse_ok("", 0);

	assert_true(sel_equal(a, b));
	assert_false(sel_equal(a, c));
	assert_true(sel_hash(a) == sel_hash(b));
	assert_false(sel_hash(a) == sel_hash(c));
	/* FNV-1a 64 of "all()": stable across builds and hosts */
	assert_true(sel_hash(e) == 0x68f9c1bb7305fd57ULL);
	assert_true(sel_is_all(e));
	assert_false(sel_is_all(a));
	assert_false(sel_is_global(e));
	/* references */
	assert_ptr_equal(sel_get(a), a);
	sel_put(a);
	sel_put(a);
	sel_put(b);
	sel_put(c);
	sel_put(e);
	sel_put(NULL);
}

/* ---- errors ------------------------------------------------------------ */

static const struct {
	const char *in;
	unsigned int flags;
	size_t pos;
	const char *msg;
} invalid[] = {
	{ "a == b", 0, 5, "expected a quoted string after '==' at 5" },
	{ "app == web", 0, 7, "expected a quoted string after '==' at 7" },
	{ "a ==", 0, 4, "expected a quoted string after '==' at 4" },
	{ "a != ", 0, 5, "expected a quoted string after '!=' at 5" },
	{ "a contains x", 0, 11,
	  "expected a quoted string after 'contains' at 11" },
	{ "a starts with x", 0, 14,
	  "expected a quoted string after 'starts with' at 14" },
	{ "a ends with", 0, 11,
	  "expected a quoted string after 'ends with' at 11" },
	{ "'b' == b", 0, 0,
	  "expected a label, has(), all(), '!' or '(', found ''' at 0" },
	{ "\"b\" == 'b'", 0, 0,
	  "expected a label, has(), all(), '!' or '(', found '\"' at 0" },
	{ "a", 0, 1,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'a' at 1" },
	{ "a = 'b'", 0, 2, "expected '==' after label 'a' at 2" },
	{ "a === 'b'", 0, 4, "expected a quoted string after '==' at 4" },
	{ "()", 0, 1,
	  "expected a label, has(), all(), '!' or '(', found ')' at 1" },
	{ "(", 0, 1,
	  "expected a label, has(), all(), '!' or '(', found end of selector at 1" },
	{ "a == 'b' &&", 0, 11,
	  "expected a label, has(), all(), '!' or '(', found end of selector at 11" },
	{ "a == 'b' || ", 0, 12,
	  "expected a label, has(), all(), '!' or '(', found end of selector at 12" },
	{ "&& a == 'b'", 0, 0,
	  "expected a label, has(), all(), '!' or '(', found '&' at 0" },
	{ "!", 0, 1,
	  "expected a label, has(), all(), '!' or '(', found end of selector at 1" },
	{ "!= 'b'", 0, 0,
	  "expected a label, has(), all(), '!' or '(', found '!' at 0" },
	{ "a == 'b", 0, 5, "unterminated string at 5" },
	{ "a in {'x', \"y}", 0, 11, "unterminated string at 11" },
	{ "%", 0, 0, "unexpected character '%' at 0" },
	{ "a == 'x' % b", 0, 9,
	  "expected '&&', '||' or the end of the selector, found '%' at 9" },
	{ "a\n== 'x'", 0, 1,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'a' at 1" },
	{ "\xc3\xa9 == 'x'", 0, 0, "unexpected character byte 0xc3 at 0" },
	{ "a == 'x' b == 'y'", 0, 9,
	  "expected '&&', '||' or the end of the selector, found 'b' at 9" },
	{ "a == 'x' & b == 'y'", 0, 9, "expected '&&' at 9" },
	{ "a == 'x' | b == 'y'", 0, 9, "expected '||' at 9" },
	{ "(a == 'x'", 0, 9,
	  "expected '&&', '||' or ')' (to close the '(' at 0), found end of selector at 9" },
	{ "(a == 'x' b", 0, 10,
	  "expected '&&', '||' or ')' (to close the '(' at 0), found 'b' at 10" },
	{ "a == 'x')", 0, 8,
	  "expected '&&', '||' or the end of the selector, found ')' at 8" },
	/* has(), all(), global() */
	{ "has (a)", 0, 4,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'has' at 4" },
	{ "has()", 0, 4, "expected a label in has() at 4" },
	{ "has( )", 0, 5, "expected a label in has() at 5" },
	{ "has(a", 0, 5, "expected ')' after the label in has() at 5" },
	{ "has(a b)", 0, 6, "expected ')' after the label in has() at 6" },
	{ "has('a')", 0, 4, "expected a label in has() at 4" },
	{ "all(x)", 0, 4, "expected ')' after 'all(' at 4" },
	{ "all (", 0, 4,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'all' at 4" },
	{ "global()", 0, 0,
	  "global() is only allowed as a rule's namespaceSelector at 0" },
	{ "a == 'x' || global()", 0, 12,
	  "global() is only allowed as a rule's namespaceSelector at 12" },
	{ "global() && a == 'x'", G, 0,
	  "global() must be the whole selector at 0" },
	{ "a == 'x' || global()", G, 12,
	  "global() must be the whole selector at 12" },
	{ "!global()", G, 1, "global() must be the whole selector at 1" },
	{ "global(a)", G, 7, "expected ')' after 'global(' at 7" },
	/* sets */
	{ "a in 'x'", 0, 5, "expected '{' after 'in' at 5" },
	{ "a not in ('x')", 0, 9, "expected '{' after 'not in' at 9" },
	{ "a in {x}", 0, 6, "expected a quoted string or '}', found 'x' at 6" },
	{ "a in {,}", 0, 6, "expected a quoted string or '}', found ',' at 6" },
	{ "a in {'x',,}", 0, 10,
	  "expected a quoted string or '}', found ',' at 10" },
	{ "a in {'x' 'y'}", 0, 10, "expected ',' or '}', found ''' at 10" },
	{ "a in {'x'", 0, 9,
	  "expected ',' or '}', found end of selector at 9" },
	{ "a in {", 0, 6,
	  "expected a quoted string or '}', found end of selector at 6" },
	/* keyword operators end at a word boundary */
	{ "a inx {}", 0, 2,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'a' at 2" },
	{ "a containsx 'y'", 0, 2,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'a' at 2" },
	{ "a starts 'x'", 0, 2,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'a' at 2" },
	{ "a not {}", 0, 2,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'a' at 2" },
	{ "a startswithx 'x'", 0, 2,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'a' at 2" },
	{ "a has(b)", 0, 2,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'a' at 2" },
	/* message truncates a long label */
	{ "abcdefghijklmnopqrstuvwxyz0123456789 'x'", 0, 37,
	  "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label 'abcdefghijklmnopqrstuvwx...' at 37" },
};

static void errors(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		struct sel_err err = { 0 };
		struct sel *s = (struct sel *)&err; /* must be reset */
		int rc = sel_parse(invalid[i].in, invalid[i].flags, &s, &err);

		if (rc == 0) {
			fail_msg("\"%s\": accepted as \"%s\"", invalid[i].in,
				 sel_str(s));
		}
		assert_int_equal(rc, -EINVAL);
		assert_null(s);
		if (strcmp(err.msg, invalid[i].msg) ||
		    err.pos != invalid[i].pos)
			fail_msg(
				"\"%s\": \"%s\" (pos %zu), expected \"%s\" (pos %zu)",
				invalid[i].in, err.msg, err.pos, invalid[i].msg,
				invalid[i].pos);
		/* a NULL err is fine */
		assert_int_equal(sel_parse(invalid[i].in, invalid[i].flags, &s,
					   NULL),
				 -EINVAL);
	}
}

static void limits(void **state)
{
	char buf[2048], *p;
	struct sel_err err;
	struct sel *s;
	int i;

	/* a 512-character label is fine, 513 is not */
	memset(buf, 'k', 512);
	snprintf(buf + 512, sizeof(buf) - 512, " == 'v'");
	s = parse_ok(buf, 0);
	assert_int_equal(strlen(sel_str(s)), 512 + 7);
	sel_put(s);
	memset(buf, 'k', 513);
	snprintf(buf + 513, sizeof(buf) - 513, " == 'v'");
	assert_int_equal(sel_parse(buf, 0, &s, &err), -EINVAL);
	assert_string_equal(err.msg, "label longer than 512 characters at 0");
	snprintf(buf, sizeof(buf), "has(  ");
	memset(buf + 6, 'k', 513);
	snprintf(buf + 6 + 513, sizeof(buf) - 6 - 513, ")");
	assert_int_equal(sel_parse(buf, 0, &s, &err), -EINVAL);
	assert_string_equal(err.msg, "label longer than 512 characters at 6");

	/* nesting: SEL_MAX_DEPTH parentheses are fine, one more is not */
	p = buf;
	for (i = 0; i < SEL_MAX_DEPTH; i++)
		*p++ = '(';
	p += sprintf(p, "has(a)");
	for (i = 0; i < SEL_MAX_DEPTH; i++)
		*p++ = ')';
	*p = '\0';
	s = parse_ok(buf, 0);
	assert_string_equal(sel_str(s), "has(a)");
	sel_put(s);
	p = buf;
	for (i = 0; i < SEL_MAX_DEPTH + 1; i++)
		*p++ = '(';
	sprintf(p, "has(a)");
	assert_int_equal(sel_parse(buf, 0, &s, &err), -EINVAL);
	assert_int_equal(err.pos, SEL_MAX_DEPTH);
	assert_string_equal(err.msg,
			    "parentheses nested deeper than 128 at 128");

	/* long chains of ! and && are not recursion */
	p = buf;
	for (i = 0; i < 1001; i++)
		*p++ = '!';
	sprintf(p, "has(a)");
	s = parse_ok(buf, 0);
	assert_string_equal(sel_str(s), "!has(a)");
	sel_put(s);
}

/* ---- matching ------------------------------------------------------------ */

static const struct {
	const char *sel;
	const char *labels;
	bool match;
} matches[] = {
	{ "", "", true },
	{ "all()", "a=x", true },
	{ "!all()", "a=x", false },
	/* == needs the label present */
	{ "a == 'x'", "a=x", true },
	{ "a == 'x'", "a=y", false },
	{ "a == 'x'", "b=x", false },
	{ "a == 'x'", "", false },
	{ "a == ''", "a=", true },
	{ "a == ''", "", false },
	{ "a == 'x'", "a=xx", false },
	/* != matches when absent */
	{ "a != 'x'", "a=x", false },
	{ "a != 'x'", "a=y", true },
	{ "a != 'x'", "", true },
	{ "a != 'x'", "b=x", true },
	{ "a != ''", "a=", false },
	/* has() ignores the value */
	{ "has(a)", "a=", true },
	{ "has(a)", "a=x", true },
	{ "has(a)", "b=x", false },
	{ "!has(a)", "b=x", true },
	{ "!has(a)", "a=", false },
	/* in / not in; empty sets; trailing comma */
	{ "a in {'x', 'y'}", "a=y", true },
	{ "a in {'x', 'y'}", "a=z", false },
	{ "a in {'x', 'y'}", "", false },
	{ "a in {'x', 'y',}", "a=x", true },
	{ "a in {}", "a=x", false },
	{ "a in {}", "", false },
	{ "a in {''}", "a=", true },
	{ "a not in {'x', 'y'}", "a=y", false },
	{ "a not in {'x', 'y'}", "a=z", true },
	{ "a not in {'x', 'y'}", "", true },
	{ "a not in {}", "a=x", true },
	{ "a not in {}", "", true },
	{ "a notin {'x',}", "a=x", false },
	/* contains, starts with, ends with: literal, label present */
	{ "a contains 'b'", "a=abc", true },
	{ "a contains 'abc'", "a=abc", true },
	{ "a contains 'abcd'", "a=abc", false },
	{ "a contains ''", "a=", true },
	{ "a contains ''", "", false },
	{ "a contains '.*'", "a=abc", false },
	{ "a contains '.*'", "a=x.*y", true },
	{ "a starts with 'ab'", "a=abc", true },
	{ "a starts with 'bc'", "a=abc", false },
	{ "a starts with 'abcd'", "a=abc", false },
	{ "a starts with ''", "a=", true },
	{ "a starts with 'a'", "b=a", false },
	{ "a ends with 'bc'", "a=abc", true },
	{ "a ends with 'ab'", "a=abc", false },
	{ "a ends with 'xabc'", "a=abc", false },
	{ "a ends with ''", "a=", true },
	{ "a ends with 'c'", "", false },
	{ "!a contains 'b'", "", true },
	{ "!a starts with 'b'", "a=bc", false },
	/* boolean structure */
	{ "a == 'x' && b == 'y'", "a=x,b=y", true },
	{ "a == 'x' && b == 'y'", "a=x,b=z", false },
	{ "a == 'x' && b == 'y'", "a=x", false },
	{ "a == 'x' || b == 'y'", "b=y", true },
	{ "a == 'x' || b == 'y'", "c=z", false },
	{ "!(a == 'x' || b == 'y')", "c=z", true },
	{ "!(a == 'x' && b == 'y')", "a=x", true },
	{ "a == 'x' && (b == 'y' || c == 'z')", "a=x,c=z", true },
	{ "a == 'x' && (b == 'y' || c == 'z')", "a=y,c=z", false },
	{ "a == 'x' && b == 'y' || c == 'z'", "c=z", true },
	{ "a == 'x' && !has(b)", "a=x", true },
	{ "a == 'x' && !has(b)", "a=x,b=", false },
	{ "!!a == 'x'", "a=x", true },
	/* realistic keys */
	{ "projectcalico.org/namespace == 'prod' && app in {'web', 'api'}",
	  "app=api,projectcalico.org/namespace=prod,tier=backend", true },
	{ "projectcalico.org/namespace == 'prod' && app in {'web', 'api'}",
	  "app=db,projectcalico.org/namespace=prod", false },
	{ "k8s-app starts with 'kube-' && !has(skip.io/x)", "k8s-app=kube-dns",
	  true },
	{ "global()", "a=x", true },
};

static void matching(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
		struct sel *s = parse_ok(matches[i].sel, G);
		struct sel_labels l = mklabels(matches[i].labels);
		struct sel *c;

		if (sel_match(s, &l) != matches[i].match)
			fail_msg("\"%s\" on {%s}: %s, expected %s",
				 matches[i].sel, matches[i].labels,
				 matches[i].match ? "no match" : "match",
				 matches[i].match ? "match" : "no match");
		/* the canonical form means the same */
		c = parse_ok(sel_str(s), G);
		assert_true(sel_match(c, &l) == matches[i].match);
		sel_put(c);
		sel_put(s);
	}
}

static void labels(void **state)
{
	struct sel_label v[] = {
		{ "b", "1" }, { "a", "1" }, { "c", "1" },
		{ "a", "2" }, { "b", "2" }, { "a", "3" },
	};
	struct sel_labels l;
	size_t n = sel_labels_sort(v, 6);

	assert_int_equal(n, 3);
	/* sorted; the last duplicate wins */
	assert_string_equal(v[0].key, "a");
	assert_string_equal(v[0].value, "3");
	assert_string_equal(v[1].key, "b");
	assert_string_equal(v[1].value, "2");
	assert_string_equal(v[2].key, "c");
	assert_string_equal(v[2].value, "1");
	l.v = v;
	l.n = n;
	assert_string_equal(sel_labels_get(&l, "b"), "2");
	assert_null(sel_labels_get(&l, "d"));
	assert_null(sel_labels_get(&l, ""));
	assert_int_equal(sel_labels_sort(v, 0), 0);
	l.n = 0;
	assert_null(sel_labels_get(&l, "a"));
	assert_null(sel_labels_get(NULL, "a"));
}

/* ---- rewrites ------------------------------------------------------------ */

static void check_str(struct sel *s, const char *want)
{
	struct sel *again;

	assert_non_null(s);
	if (strcmp(sel_str(s), want))
		fail_msg("got \"%s\", expected \"%s\"", sel_str(s), want);
	/* results are canonical: they parse back to themselves */
	again = parse_ok(sel_str(s), G);
	assert_string_equal(sel_str(again), want);
	sel_put(again);
	sel_put(s);
}

static void rewrite_and(void **state)
{
	static const struct {
		const char *a, *b, *want;
	} t[] = {
		{ "", "a == 'x'", "a == \"x\"" },
		{ "a == 'x'", "all()", "a == \"x\"" },
		{ "", "", "all()" },
		{ "b == 'y'", "a == 'x'", "a == \"x\" && b == \"y\"" },
		{ "a == 'x' && c == 'z'", "b == 'y' && a == 'x'",
		  "a == \"x\" && b == \"y\" && c == \"z\"" },
		{ "a == 'x' || b == 'y'", "c == 'z'",
		  "(a == \"x\" || b == \"y\") && c == \"z\"" },
		{ "a == 'x' || b == 'y'", "a == 'x' || b == 'y'",
		  "a == \"x\" || b == \"y\"" },
		{ "!has(a)", "has(a)", "!has(a) && has(a)" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sel *a = parse_ok(t[i].a, 0);
		struct sel *b = parse_ok(t[i].b, 0);

		check_str(sel_and(a, b), t[i].want);
		/* inputs untouched */
		assert_true(sel_str(a)[0] != '\0');
		sel_put(a);
		sel_put(b);
	}
	/* global() stays alone */
	{
		struct sel *g = parse_ok("global()", SEL_F_ALLOW_GLOBAL);
		struct sel *all = parse_ok("", 0);
		struct sel *x = parse_ok("a == 'x'", 0);

		check_str(sel_and(g, all), "global()");
		assert_null(sel_and(g, x));
		assert_null(sel_and(x, g));
		sel_put(g);
		sel_put(all);
		sel_put(x);
	}
}

static void rewrite_prefixed(void **state)
{
	static const char ns[] = "projectcalico.org/namespace";
	static const char sa[] = "projectcalico.org/serviceaccount";
	static const struct {
		const char *in;
		const char *prefix, *all;
		const char *want;
	} t[] = {
		{ "all()", "pcns.", ns, "has(projectcalico.org/namespace)" },
		{ "", "pcsa.", sa, "has(projectcalico.org/serviceaccount)" },
		{ "all()", "pcns.", NULL, "all()" },
		{ "global()", "pcns.", ns,
		  "!has(projectcalico.org/namespace)" },
		{ "global()", "pcns.", NULL, "global()" },
		{ "!all()", "pcns.", ns, "!has(projectcalico.org/namespace)" },
		{ "env == 'prod'", "pcns.", ns, "pcns.env == \"prod\"" },
		{ "has(team) && env in {'b', 'a'} && !has(x)", "pcns.", ns,
		  "!has(pcns.x) && has(pcns.team) && pcns.env in {\"a\", \"b\"}" },
		{ "a != 'x' || b not in {'1', '2'}", "pcsa.", sa,
		  "pcsa.a != \"x\" || pcsa.b not in {\"1\", \"2\"}" },
		{ "a contains 'c' && b starts with 's' && c ends with 'e'",
		  "pcns.", ns,
		  "pcns.a contains \"c\" && pcns.b starts with \"s\" && pcns.c ends with \"e\"" },
		/* prefixing can change the order of operands */
		{ "has(z) && a == 'x'", "p.", NULL,
		  "has(p.z) && p.a == \"x\"" },
		{ "a in {}", "pcns.", ns, "pcns.a in {}" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sel *s = parse_ok(t[i].in, G);

		check_str(sel_prefixed(s, t[i].prefix, t[i].all), t[i].want);
		sel_put(s);
	}
}

static void rewrite_prefixed_limits(void **state)
{
	char buf[600];
	struct sel *s, *r;

	/* a prefixed key must still be a label of at most 512 characters */
	memset(buf, 'k', 507);
	snprintf(buf + 507, sizeof(buf) - 507, " == 'v'");
	s = parse_ok(buf, 0);
	r = sel_prefixed(s, "pcns.", NULL);
	assert_non_null(r);
	sel_put(r);
	assert_null(sel_prefixed(s, "pcns.x", NULL));
	assert_null(sel_prefixed(s, "bad prefix", NULL));
	sel_put(s);
	s = parse_ok("", 0);
	assert_null(sel_prefixed(s, "p.", "bad label"));
	sel_put(s);
}

static void rewrite_in(void **state)
{
	static const char *const names[] = { "web", "api", "web", "db" };
	static const char *const one[] = { "default" };
	static const char *const quotes[] = { "it's", "say \"x\"" };
	static const char *const both[] = { "'\"" };
	struct sel *s;

	check_str(
		sel_in("projectcalico.org/serviceaccount", names, 4),
		"projectcalico.org/serviceaccount in {\"api\", \"db\", \"web\"}");
	check_str(sel_in("projectcalico.org/namespace", one, 1),
		  "projectcalico.org/namespace == \"default\"");
	check_str(sel_in("k", NULL, 0), "k in {}");
	check_str(sel_in("k", quotes, 2), "k in {\"it's\", 'say \"x\"'}");
	/* not expressible */
	assert_null(sel_in("k", both, 1));
	assert_null(sel_in("bad key", one, 1));
	assert_null(sel_in("", one, 1));
	/* sel_in is what "k in {...}" parses to */
	s = sel_in("k", names, 4);
	assert_non_null(s);
	{
		struct sel *p = parse_ok("k in {'db', 'web', 'api'}", 0);

		assert_true(sel_equal(s, p));
		sel_put(p);
	}
	sel_put(s);
}

/* ---- introspection --------------------------------------------------------
 */

static void terms(void **state)
{
	struct sel_term t[4];
	const char *k[8];
	struct sel *s;

	s = parse_ok("b in {'2', '1'} && has(c) && a == 'x' && d != 'y'", 0);
	assert_int_equal(sel_index_terms(s, t, 4), 3);
	/* in canonical order: a == "x", b in {...}, has(c) */
	assert_string_equal(t[0].key, "a");
	assert_int_equal(t[0].n, 1);
	assert_string_equal(t[0].values[0], "x");
	assert_false(t[0].has);
	assert_string_equal(t[1].key, "b");
	assert_int_equal(t[1].n, 2);
	assert_string_equal(t[1].values[0], "1");
	assert_string_equal(t[1].values[1], "2");
	assert_string_equal(t[2].key, "c");
	assert_true(t[2].has);
	assert_int_equal(sel_index_terms(s, t, 1), 3);
	assert_int_equal(sel_keys(s, k, 8), 4);
	assert_string_equal(k[0], "a");
	assert_string_equal(k[3], "d");
	sel_put(s);

	s = parse_ok("a in {}", 0);
	assert_int_equal(sel_index_terms(s, t, 4), 1);
	assert_int_equal(t[0].n, 0);
	assert_false(t[0].has);
	sel_put(s);

	s = parse_ok("a starts with 'x'", 0);
	assert_int_equal(sel_index_terms(s, t, 4), 1);
	assert_true(t[0].has);
	sel_put(s);

	/* not optimisable */
	{
		static const char *const unopt[] = {
			"",
			"!has(a)",
			"a != 'x'",
			"a not in {'x', 'y'}",
			"a == 'x' || b == 'y'",
			"!(a == 'x' && b == 'y')",
			"a != 'x' && !has(b)",
		};
		size_t i;

		for (i = 0; i < sizeof(unopt) / sizeof(unopt[0]); i++) {
			s = parse_ok(unopt[i], 0);
			assert_int_equal(sel_index_terms(s, t, 4), 0);
			sel_put(s);
		}
	}
	s = parse_ok("(a == 'x' || b == 'y') && a == 'x' && a != 'z'", 0);
	assert_int_equal(sel_index_terms(s, t, 4), 1);
	assert_int_equal(sel_keys(s, k, 8), 2);
	sel_put(s);
	s = parse_ok("all()", 0);
	assert_int_equal(sel_keys(s, k, 8), 0);
	sel_put(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical),
		cmocka_unit_test(equality_and_hash),
		cmocka_unit_test(errors),
		cmocka_unit_test(limits),
		cmocka_unit_test(matching),
		cmocka_unit_test(labels),
		cmocka_unit_test(rewrite_and),
		cmocka_unit_test(rewrite_prefixed),
		cmocka_unit_test(rewrite_prefixed_limits),
		cmocka_unit_test(rewrite_in),
		cmocka_unit_test(terms),
	};

	return cmocka_run_group_tests_name("selector", tests, NULL, NULL);
}
