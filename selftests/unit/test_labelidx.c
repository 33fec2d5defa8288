// SPDX-License-Identifier: GPL-2.0
/*
 * The label index (userspace/policy/labelidx.c): targeted cases
 * (inheritance, replacement, what is evaluated and what is not), then a
 * randomised differential test against brute force: after every step
 * (items, parents and selectors set, changed and deleted at random) the
 * callback stream must be exactly the difference between the brute-force
 * match sets before and after. STRATA_SEED fixes the seed,
 * STRATA_LABELIDX_STEPS scales it; the seed is printed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "labelidx.h"

/* ---- event recording -------------------------------------------------------
 */

struct ev {
	char sel[32];
	char item[32];
	bool match;
};

struct rec {
	struct ev v[4096];
	size_t n;
};

static void rec_cb(void *ctx, const char *sel_id, const char *item_id,
		   bool match)
{
	struct rec *r = ctx;

	assert_true(r->n < sizeof(r->v) / sizeof(r->v[0]));
	snprintf(r->v[r->n].sel, sizeof(r->v[r->n].sel), "%s", sel_id);
	snprintf(r->v[r->n].item, sizeof(r->v[r->n].item), "%s", item_id);
	r->v[r->n].match = match;
	r->n++;
}

/* The recorded events, sorted, as "+sel/item -sel/item ..." */
static int cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	int c = strcmp(x->sel, y->sel);

	return c ? c : strcmp(x->item, y->item);
}

static const char *rec_str(struct rec *r)
{
	static char buf[8192];
	size_t i, len = 0;

	qsort(r->v, r->n, sizeof(r->v[0]), cmp_ev);
	buf[0] = '\0';
	for (i = 0; i < r->n && len < sizeof(buf) - 80; i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%c%s/%s",
				i ? " " : "", r->v[i].match ? '+' : '-',
				r->v[i].sel, r->v[i].item);
	r->n = 0;
	return buf;
}

#define EXPECT_EVENTS(r, want) assert_string_equal(rec_str(r), want)

static struct sel *P(const char *text)
{
	struct sel_err err;
	struct sel *s;

	if (sel_parse(text, 0, &s, &err))
		fail_msg("%s: %s", text, err.msg);
	return s;
}

static void set_sel(struct labelidx *idx, const char *id, const char *text)
{
	struct sel *s = P(text);

	assert_int_equal(labelidx_sel_set(idx, id, s), 0);
	sel_put(s);
}

#define L(...)	     ((struct sel_label[]){ __VA_ARGS__ })
#define NL(...)	     (sizeof(L(__VA_ARGS__)) / sizeof(struct sel_label))
#define PARENTS(...) ((const char *const[]){ __VA_ARGS__ })
#define NP(...)	     (sizeof(PARENTS(__VA_ARGS__)) / sizeof(const char *))

static void set_item(struct labelidx *idx, const char *id,
		     const struct sel_label *l, size_t n,
		     const char *const *parents, size_t np)
{
	assert_int_equal(labelidx_item_set(idx, id, l, n, parents, np), 0);
}

static uint64_t evals(const struct labelidx *idx)
{
	struct labelidx_stats st;

	labelidx_get_stats(idx, &st);
	return st.evals;
}

/* ---- targeted cases
 * ---------------------------------------------------------- */

static void basics(void **state)
{
	struct rec r = { .n = 0 };
	struct labelidx *idx = labelidx_new(rec_cb, &r);
	struct labelidx_stats st;
	struct sel_labels l;

	set_item(idx, "w1", L({ "app", "web" }, { "tier", "fe" }), 2, NULL, 0);
	set_item(idx, "w2", L({ "app", "web" }), 1, NULL, 0);
	set_item(idx, "d1", L({ "app", "db" }), 1, NULL, 0);
	EXPECT_EVENTS(&r, "");
	set_sel(idx, "web", "app == 'web'");
	EXPECT_EVENTS(&r, "+web/w1 +web/w2");
	set_sel(idx, "notweb", "app != 'web'");
	EXPECT_EVENTS(&r, "+notweb/d1");
	set_sel(idx, "all", "");
	EXPECT_EVENTS(&r, "+all/d1 +all/w1 +all/w2");
	set_sel(idx, "none", "app in {}");
	EXPECT_EVENTS(&r, "");

	/* a label change */
	set_item(idx, "w2", L({ "app", "db" }), 1, NULL, 0);
	EXPECT_EVENTS(&r, "+notweb/w2 -web/w2");
	/* setting the same again reports nothing and evaluates nothing */
	{
		uint64_t e = evals(idx);

		set_item(idx, "w2", L({ "app", "db" }), 1, NULL, 0);
		EXPECT_EVENTS(&r, "");
		assert_true(evals(idx) == e);
	}
	/* replacing a selector reports only the difference */
	set_sel(idx, "web", "has(app)");
	EXPECT_EVENTS(&r, "+web/d1 +web/w2");
	set_sel(idx, "web", "tier == 'fe' || app == 'db'");
	EXPECT_EVENTS(&r, "");
	set_sel(idx, "web", "tier == 'fe'");
	EXPECT_EVENTS(&r, "-web/d1 -web/w2");
	/* an equal selector (another spelling) is no change */
	set_sel(idx, "web", "(tier=='fe')");
	EXPECT_EVENTS(&r, "");

	assert_true(labelidx_matches(idx, "web", "w1"));
	assert_false(labelidx_matches(idx, "web", "w2"));
	assert_false(labelidx_matches(idx, "nope", "w2"));
	assert_false(labelidx_matches(idx, "web", "nope"));
	assert_int_equal(labelidx_item_labels(idx, "w1", &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(sel_labels_get(&l, "tier"), "fe");

	labelidx_get_stats(idx, &st);
	assert_int_equal(st.items, 3);
	assert_int_equal(st.sels_optimised, 2); /* web, none */
	assert_int_equal(st.sels_unoptimised, 2); /* notweb, all */
	assert_int_equal(st.matches, 1 + 2 + 3);

	/* deletions report every pair */
	assert_int_equal(labelidx_item_del(idx, "d1"), 0);
	EXPECT_EVENTS(&r, "-all/d1 -notweb/d1");
	assert_int_equal(labelidx_sel_del(idx, "all"), 0);
	EXPECT_EVENTS(&r, "-all/w1 -all/w2");
	assert_int_equal(labelidx_item_del(idx, "d1"), -ENOENT);
	assert_int_equal(labelidx_sel_del(idx, "all"), -ENOENT);
	assert_int_equal(labelidx_parent_del(idx, "p"), -ENOENT);
	assert_int_equal(labelidx_item_labels(idx, "d1", &l), -ENOENT);
	assert_int_equal(labelidx_sel_set(idx, NULL, NULL), -EINVAL);
	assert_int_equal(labelidx_item_set(idx, "x", L({ "k", NULL }), 1, NULL,
					   0),
			 -EINVAL);
	assert_int_equal(labelidx_item_set(idx, "x", NULL, 0, PARENTS(NULL), 1),
			 -EINVAL);
	assert_int_equal(labelidx_parent_set(idx, NULL, NULL, 0), -EINVAL);
	EXPECT_EVENTS(&r, "");
	labelidx_free(idx);
	labelidx_free(NULL);
}

static void inheritance(void **state)
{
	struct rec r = { .n = 0 };
	struct labelidx *idx = labelidx_new(rec_cb, &r);
	struct sel_labels l;
	struct labelidx_stats st;

	set_sel(idx, "prod", "env == 'prod'");
	set_sel(idx, "ns1", "projectcalico.org/namespace == 'ns1'");
	set_sel(idx, "noenv", "!has(env)");
	/* the parents are not defined yet */
	set_item(idx, "a", L({ "app", "x" }), 1, PARENTS("ns1", "prof"), 2);
	set_item(idx, "b", L({ "env", "dev" }), 1, PARENTS("ns1"), 1);
	EXPECT_EVENTS(&r, "+noenv/a");
	labelidx_get_stats(idx, &st);
	assert_int_equal(st.parents, 2);

	assert_int_equal(
		labelidx_parent_set(idx, "ns1",
				    L({ "env", "prod" },
				      { "projectcalico.org/namespace", "ns1" }),
				    2),
		0);
	/* b's own env wins */
	EXPECT_EVENTS(&r, "-noenv/a +ns1/a +ns1/b +prod/a");
	assert_int_equal(labelidx_item_labels(idx, "b", &l), 0);
	assert_string_equal(sel_labels_get(&l, "env"), "dev");
	/* the first parent wins over the second */
	assert_int_equal(labelidx_parent_set(
				 idx, "prof",
				 L({ "env", "staging" }, { "team", "t" }), 2),
			 0);
	EXPECT_EVENTS(&r, "");
	assert_int_equal(labelidx_item_labels(idx, "a", &l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(sel_labels_get(&l, "env"), "prod");
	assert_string_equal(sel_labels_get(&l, "team"), "t");
	/* reorder the parents: prof now wins */
	set_item(idx, "a", L({ "app", "x" }), 1, PARENTS("prof", "ns1"), 2);
	EXPECT_EVENTS(&r, "-prod/a");
	/* repeated parents are ignored */
	set_item(idx, "a", L({ "app", "x" }), 1, PARENTS("prof", "ns1", "prof"),
		 3);
	EXPECT_EVENTS(&r, "");
	/* the parent changes: only its children are evaluated */
	{
		uint64_t e;
		int i;
		char id[32];

		for (i = 0; i < 100; i++) {
			snprintf(id, sizeof(id), "other%d", i);
			set_item(idx, id, L({ "env", "prod" }), 1,
				 PARENTS("ns2"), 1);
		}
		r.n = 0; /* +prod/other0 ... */
		e = evals(idx);
		assert_int_equal(
			labelidx_parent_set(
				idx, "ns1",
				L({ "env", "dev" },
				  { "projectcalico.org/namespace", "ns1" }),
				2),
			0);
		EXPECT_EVENTS(&r, "");
		/* a inherits env from prof, b has its own: their effective
		 * labels did not change, nothing is evaluated */
		assert_true(evals(idx) - e == 0);
		assert_int_equal(labelidx_parent_set(idx, "ns2",
						     L({ "zone", "z" }), 1),
				 0);
		EXPECT_EVENTS(&r, "");
		/* a key no selector mentions evaluates nothing */
		assert_true(evals(idx) - e == 0);
	}
	/* deleting a parent removes what it gave */
	assert_int_equal(labelidx_parent_del(idx, "prof"), 0);
	EXPECT_EVENTS(&r, "");
	assert_int_equal(labelidx_item_labels(idx, "a", &l), 0);
	assert_string_equal(sel_labels_get(&l, "env"), "dev");
	assert_null(sel_labels_get(&l, "team"));
	assert_int_equal(labelidx_parent_del(idx, "ns1"), 0);
	EXPECT_EVENTS(&r, "+noenv/a -ns1/a -ns1/b");
	assert_int_equal(labelidx_parent_del(idx, "ns1"), -ENOENT);
	/* the item's own labels; parents still referenced are kept */
	assert_int_equal(labelidx_item_labels(idx, "a", &l), 0);
	assert_int_equal(l.n, 1);
	labelidx_get_stats(idx, &st);
	assert_int_equal(st.parents, 3); /* ns1 and prof referenced, ns2 */
	set_item(idx, "a", L({ "app", "x" }), 1, NULL, 0);
	set_item(idx, "b", L({ "env", "dev" }), 1, NULL, 0);
	EXPECT_EVENTS(&r, "");
	labelidx_get_stats(idx, &st);
	assert_int_equal(st.parents, 1); /* ns2 */
	labelidx_free(idx);
}

/* The inverted index: what an operation evaluates. */
static void indexing(void **state)
{
	struct labelidx *idx = labelidx_new(NULL, NULL);
	struct labelidx_stats st;
	uint64_t e;
	char id[32];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "i%d", i);
		set_item(idx, id,
			 L({ "app", i % 100 == 0 ? "web" : "other" },
			   { "n", i % 2 ? "odd" : "even" }),
			 2, NULL, 0);
	}
	/* == finds its 10 candidates */
	e = evals(idx);
	set_sel(idx, "s1", "app == 'web' && n == 'even'");
	assert_true(evals(idx) - e == 10);
	/* the cheapest term is chosen */
	e = evals(idx);
	set_sel(idx, "s2", "n == 'even' && app in {'web', 'nothing'}");
	assert_true(evals(idx) - e == 10);
	/* has() of a rare key */
	set_item(idx, "rare", L({ "rare", "1" }), 1, NULL, 0);
	e = evals(idx);
	set_sel(idx, "s3", "has(rare) && app != 'x'");
	assert_true(evals(idx) - e == 1);
	e = evals(idx);
	set_sel(idx, "s4", "rare starts with '1'");
	assert_true(evals(idx) - e == 1);
	/* matches nothing, evaluates nothing */
	e = evals(idx);
	set_sel(idx, "s5", "app in {} && has(n)");
	assert_true(evals(idx) - e == 0);
	labelidx_get_stats(idx, &st);
	assert_true(st.scans == 0);
	assert_int_equal(st.sels_optimised, 5);
	/* unoptimisable: a scan */
	e = evals(idx);
	set_sel(idx, "u1", "app != 'web'");
	assert_true(evals(idx) - e == 1001);
	labelidx_get_stats(idx, &st);
	assert_true(st.scans == 1);
	assert_int_equal(st.sels_unoptimised, 1);
	assert_int_equal(st.matches, 10 + 10 + 1 + 1 + 990 + 1);
	/* a new item: candidates from its labels, plus the scanning one */
	e = evals(idx);
	set_item(idx, "new", L({ "app", "web" }, { "n", "even" }), 2, NULL, 0);
	assert_true(evals(idx) - e == 3); /* s1, s2, u1 */
	/* a change of a key only u1 and s1, s2 mention */
	e = evals(idx);
	set_item(idx, "new", L({ "app", "db" }, { "n", "even" }), 2, NULL, 0);
	/* s1, s2 (matched before), u1 */
	assert_true(evals(idx) - e == 3);
	/* a key nobody mentions */
	e = evals(idx);
	set_item(idx, "new", L({ "app", "db" }, { "n", "even" }, { "z", "" }),
		 3, NULL, 0);
	assert_true(evals(idx) - e == 0);
	labelidx_free(idx);
}

/* ---- the differential test -------------------------------------------------
 */

#define NKEYS 6
#define NVALS 5
#define MAXI  40
#define MAXP  6
#define MAXS  30
#define MAXL  5

static const char *const keys[NKEYS] = { "a", "b", "app", "tier", "ns", "x/y" };
static const char *const vals[NVALS] = { "x", "y", "z", "", "xy" };

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

struct m_item {
	bool live;
	struct sel_label l[MAXL];
	size_t n;
	const char *parents[4];
	size_t np;
};

struct m_parent {
	bool live;
	struct sel_label l[MAXL];
	size_t n;
};

struct model {
	struct m_item items[MAXI];
	struct m_parent parents[MAXP];
	struct sel *sels[MAXS];
	bool match[MAXS][MAXI];
};

static const char *const parent_ids[MAXP] = {
	"p0", "p1", "p2", "p3", "p4", "p5"
};

static size_t rand_labels(struct sel_label *l)
{
	size_t n = rnd(MAXL + 1), i;

	for (i = 0; i < n; i++) {
		l[i].key = keys[rnd(NKEYS)];
		l[i].value = vals[rnd(NVALS)];
	}
	return n; /* duplicates on purpose: the last wins */
}

static void gen_sel(char *buf, size_t len, int depth)
{
	uint32_t c = rnd(depth > 2 ? 10 : 14);
	const char *k = keys[rnd(NKEYS)];
	char x[256], y[256];

	switch (c) {
	case 0:
		snprintf(buf, len, "%s == '%s'", k, vals[rnd(NVALS)]);
		break;
	case 1:
		snprintf(buf, len, "%s != '%s'", k, vals[rnd(NVALS)]);
		break;
	case 2:
		snprintf(buf, len, "has(%s)", k);
		break;
	case 3:
	case 4: {
		size_t n = rnd(4), i, o;

		o = snprintf(buf, len, "%s %s {", k, c == 3 ? "in" : "not in");
		for (i = 0; i < n; i++)
			o += snprintf(buf + o, len - o, "'%s',",
				      vals[rnd(NVALS)]);
		snprintf(buf + o, len - o, "}");
		break;
	}
	case 5:
		snprintf(buf, len, "%s contains '%s'", k, vals[rnd(NVALS)]);
		break;
	case 6:
		snprintf(buf, len, "%s starts with '%s'", k, vals[rnd(NVALS)]);
		break;
	case 7:
		snprintf(buf, len, "%s ends with '%s'", k, vals[rnd(NVALS)]);
		break;
	case 8:
		snprintf(buf, len, "all()");
		break;
	case 9:
		snprintf(buf, len, "%s == '%s'", k, vals[rnd(NVALS)]);
		break;
	case 10:
		gen_sel(x, sizeof(x), depth + 1);
		snprintf(buf, len, "!(%s)", x);
		break;
	case 11:
	case 12:
		gen_sel(x, sizeof(x), depth + 1);
		gen_sel(y, sizeof(y), depth + 1);
		snprintf(buf, len, "(%s) && (%s)", x, y);
		break;
	default:
		gen_sel(x, sizeof(x), depth + 1);
		gen_sel(y, sizeof(y), depth + 1);
		snprintf(buf, len, "(%s) || (%s)", x, y);
		break;
	}
}

/* Brute force: the item's effective labels, sorted, in @l. */
static size_t brute_labels(const struct model *m, int i, struct sel_label *l)
{
	const struct m_item *it = &m->items[i];
	size_t n = 0, j, p, q;

	/* own labels, last duplicate wins */
	for (j = 0; j < it->n; j++) {
		for (q = 0; q < n; q++)
			if (!strcmp(l[q].key, it->l[j].key))
				break;
		l[q] = it->l[j];
		if (q == n)
			n++;
	}
	/* parents in order, first of each key wins, never over own */
	for (p = 0; p < it->np; p++) {
		const struct m_parent *par =
			&m->parents[it->parents[p][1] - '0'];
		struct sel_label pl[MAXL];
		size_t np = 0;

		if (!par->live)
			continue;
		for (j = 0; j < par->n; j++) {
			for (q = 0; q < np; q++)
				if (!strcmp(pl[q].key, par->l[j].key))
					break;
			pl[q] = par->l[j];
			if (q == np)
				np++;
		}
		for (j = 0; j < np; j++) {
			for (q = 0; q < n; q++)
				if (!strcmp(l[q].key, pl[j].key))
					break;
			if (q == n)
				l[n++] = pl[j];
		}
	}
	return sel_labels_sort(l, n);
}

/* Brute force: the item's effective labels, then sel_match(). */
static bool brute(const struct model *m, int s, int i)
{
	struct sel_label l[MAXL * 5];
	struct sel_labels ls = { l, 0 };

	if (!m->sels[s] || !m->items[i].live)
		return false;
	ls.n = brute_labels(m, i, l);
	return sel_match(m->sels[s], &ls);
}

/* After a step: the events must be exactly the change of match sets. */
static void check_step(struct model *m, struct labelidx *idx, struct rec *r,
		       uint64_t seed, int step, const char *what)
{
	static int seen[MAXS][MAXI];
	struct labelidx_stats st;
	size_t nm = 0, k, ni = 0, ns = 0;
	int s, i;

	memset(seen, 0, sizeof(seen));
	for (k = 0; k < r->n; k++) {
		s = atoi(r->v[k].sel + 1);
		i = atoi(r->v[k].item + 1);
		if (seen[s][i]++)
			fail_msg(
				"seed %llu step %d (%s): pair s%d/i%d reported twice",
				(unsigned long long)seed, step, what, s, i);
		if (r->v[k].match == m->match[s][i] ||
		    r->v[k].match != brute(m, s, i))
			fail_msg(
				"seed %llu step %d (%s): %cs%d/i%d reported, brute force says %d, before %d",
				(unsigned long long)seed, step, what,
				r->v[k].match ? '+' : '-', s, i, brute(m, s, i),
				m->match[s][i]);
	}
	for (s = 0; s < MAXS; s++) {
		ns += m->sels[s] != NULL;
		for (i = 0; i < MAXI; i++) {
			bool b = brute(m, s, i);

			if (b != m->match[s][i] && !seen[s][i])
				fail_msg(
					"seed %llu step %d (%s): s%d/i%d changed to %d, not reported",
					(unsigned long long)seed, step, what, s,
					i, b);
			m->match[s][i] = b;
			nm += b;
		}
	}
	for (i = 0; i < MAXI; i++)
		ni += m->items[i].live;
	r->n = 0;
	labelidx_get_stats(idx, &st);
	assert_int_equal(st.matches, nm);
	assert_int_equal(st.items, ni);
	assert_int_equal(st.sels_optimised + st.sels_unoptimised, ns);
}

static void check_queries(const struct model *m, const struct labelidx *idx)
{
	char sid[16], iid[16];
	int s, i;

	/* effective labels */
	for (i = 0; i < MAXI; i++) {
		struct sel_label l[MAXL * 5];
		struct sel_labels got;
		size_t n, j;

		snprintf(iid, sizeof(iid), "i%d", i);
		if (!m->items[i].live) {
			assert_int_equal(labelidx_item_labels(idx, iid, &got),
					 -ENOENT);
			continue;
		}
		assert_int_equal(labelidx_item_labels(idx, iid, &got), 0);
		n = brute_labels(m, i, l);
		assert_int_equal(got.n, n);
		for (j = 0; j < n; j++) {
			assert_string_equal(got.v[j].key, l[j].key);
			assert_string_equal(got.v[j].value, l[j].value);
		}
	}

	for (s = 0; s < MAXS; s++) {
		for (i = 0; i < MAXI; i++) {
			snprintf(sid, sizeof(sid), "s%d", s);
			snprintf(iid, sizeof(iid), "i%d", i);
			assert_int_equal(labelidx_matches(idx, sid, iid),
					 m->match[s][i]);
		}
	}
}

static void count_cb(void *ctx, const char *id)
{
	(*(long *)ctx)++;
}

static void differential(void **state)
{
	const char *fixed = getenv("STRATA_SEED");
	const char *steps_env = getenv("STRATA_LABELIDX_STEPS");
	uint64_t seed = fixed ? strtoull(fixed, NULL, 0) : (uint64_t)time(NULL);
	int steps = steps_env ? atoi(steps_env) : 5000;
	struct model *m = calloc(1, sizeof(*m));
	struct rec *r = calloc(1, sizeof(*r));
	struct labelidx *idx = labelidx_new(rec_cb, r);
	struct labelidx_stats st;
	char id[16], buf[2048];
	int step, i;

	assert_non_null(m);
	assert_non_null(r);
	print_message("labelidx differential: %d steps, seed %llu\n", steps,
		      (unsigned long long)seed);
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (step = 0; step < steps; step++) {
		uint32_t op = rnd(100);
		const char *what;

		if (op < 35) {
			struct m_item *it = &m->items[i = rnd(MAXI)];
			size_t p;

			what = "item set";
			it->live = true;
			it->n = rand_labels(it->l);
			it->np = rnd(4);
			for (p = 0; p < it->np; p++)
				it->parents[p] = parent_ids[rnd(MAXP)];
			snprintf(id, sizeof(id), "i%d", i);
			assert_int_equal(labelidx_item_set(idx, id, it->l,
							   it->n, it->parents,
							   it->np),
					 0);
		} else if (op < 45) {
			what = "item del";
			i = rnd(MAXI);
			snprintf(id, sizeof(id), "i%d", i);
			assert_int_equal(labelidx_item_del(idx, id),
					 m->items[i].live ? 0 : -ENOENT);
			m->items[i].live = false;
		} else if (op < 60) {
			struct m_parent *p = &m->parents[i = rnd(MAXP)];

			what = "parent set";
			p->live = true;
			p->n = rand_labels(p->l);
			assert_int_equal(labelidx_parent_set(idx, parent_ids[i],
							     p->l, p->n),
					 0);
		} else if (op < 65) {
			what = "parent del";
			i = rnd(MAXP);
			assert_int_equal(labelidx_parent_del(idx,
							     parent_ids[i]),
					 m->parents[i].live ? 0 : -ENOENT);
			m->parents[i].live = false;
		} else if (op < 90) {
			struct sel_err err;
			struct sel *s;

			what = "selector set";
			i = rnd(MAXS);
			gen_sel(buf, sizeof(buf), 0);
			if (sel_parse(buf, 0, &s, &err))
				fail_msg("generated \"%s\": %s", buf, err.msg);
			snprintf(id, sizeof(id), "s%d", i);
			assert_int_equal(labelidx_sel_set(idx, id, s), 0);
			sel_put(m->sels[i]);
			m->sels[i] = s;
		} else {
			what = "selector del";
			i = rnd(MAXS);
			snprintf(id, sizeof(id), "s%d", i);
			assert_int_equal(labelidx_sel_del(idx, id),
					 m->sels[i] ? 0 : -ENOENT);
			sel_put(m->sels[i]);
			m->sels[i] = NULL;
		}
		check_step(m, idx, r, seed, step, what);
		if (step % 50 == 0) {
			check_queries(m, idx);
			for (i = 0; i < MAXS; i++) {
				long n = 0, want = 0, got;
				int j;

				snprintf(id, sizeof(id), "s%d", i);
				got = labelidx_foreach_item(idx, id, count_cb,
							    &n);
				for (j = 0; j < MAXI; j++)
					want += m->match[i][j];
				assert_int_equal(got,
						 m->sels[i] ? want : -ENOENT);
				if (m->sels[i])
					assert_int_equal(n, want);
			}
		}
	}
	labelidx_get_stats(idx, &st);
	print_message(
		"labelidx differential: %llu evaluations, %llu scans, %llu started, %llu stopped\n",
		(unsigned long long)st.evals, (unsigned long long)st.scans,
		(unsigned long long)st.started, (unsigned long long)st.stopped);
	for (i = 0; i < MAXI; i++) {
		long n = 0, want = 0;
		int s;

		snprintf(id, sizeof(id), "i%d", i);
		for (s = 0; s < MAXS; s++)
			want += m->match[s][i];
		if (m->items[i].live)
			assert_int_equal(labelidx_foreach_sel(idx, id, count_cb,
							      &n),
					 want);
		assert_int_equal(n, want);
	}
	labelidx_free(idx);
	for (i = 0; i < MAXS; i++)
		sel_put(m->sels[i]);
	free(m);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basics),
		cmocka_unit_test(inheritance),
		cmocka_unit_test(indexing),
		cmocka_unit_test(differential),
	};

	return cmocka_run_group_tests_name("labelidx", tests, NULL, NULL);
}
