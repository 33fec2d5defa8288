// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Calico selector language: a recursive-descent parser over bytes,
 * canonicalising constructors, the matcher and the rewrites. See
 * selector.h for the grammar and the canonical form.
 *
 * Every node is built by a constructor that returns it already in
 * canonical form (sets sorted, negations folded, &&/|| flattened, sorted
 * and deduplicated) with its canonical text in ->str, so that a parent
 * can sort its operands by text and print itself by concatenation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selector.h"

enum sel_op {
	SEL_ALL,
	SEL_GLOBAL,
	SEL_HAS,
	SEL_EQ,
	SEL_NE,
	SEL_IN,
	SEL_NOTIN,
	SEL_CONTAINS,
	SEL_STARTS,
	SEL_ENDS,
	SEL_NOT,
	SEL_AND,
	SEL_OR,
};

struct sel_node {
	enum sel_op op;
	char *key; /* every leaf but all() and global() */
	char *value; /* ==, !=, contains, starts with, ends with */
	char **vals; /* in, not in: sorted, unique */
	size_t nvals;
	struct sel_node **kids; /* !: one; &&, ||: two or more */
	size_t nkids;
	char *str; /* canonical text of this subtree */
};

struct sel {
	atomic_int refs;
	struct sel_node *root;
	uint64_t hash;
	const char **keys; /* distinct keys, sorted (point into nodes) */
	size_t nkeys;
};

/* ---- labels ---------------------------------------------------------- */

static void labels_merge(struct sel_label *v, struct sel_label *tmp, size_t lo,
			 size_t mid, size_t hi)
{
	size_t i = lo, j = mid, k = lo;

	while (i < mid && j < hi) {
		if (strcmp(v[j].key, v[i].key) < 0)
			tmp[k++] = v[j++];
		else
			tmp[k++] = v[i++];
	}
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < hi)
		tmp[k++] = v[j++];
	memcpy(v + lo, tmp + lo, (hi - lo) * sizeof(*v));
}

size_t sel_labels_sort(struct sel_label *v, size_t n)
{
	struct sel_label *tmp;
	size_t w, i, out;

	if (n < 2)
		return n;
	tmp = n > 16 ? malloc(n * sizeof(*tmp)) : NULL;
	if (tmp) {
		for (w = 1; w < n; w *= 2)
			for (i = 0; i + w < n; i += 2 * w)
				labels_merge(v, tmp, i, i + w,
					     i + 2 * w < n ? i + 2 * w : n);
		free(tmp);
	} else {
		/* small, or no memory: stable insertion sort */
		for (i = 1; i < n; i++) {
			struct sel_label x = v[i];
			size_t j = i;

			while (j > 0 && strcmp(v[j - 1].key, x.key) > 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
	}
	/* equal keys are adjacent in input order: keep the last of each */
	out = 0;
	for (i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(v[i].key, v[i + 1].key) == 0)
			continue;
		v[out++] = v[i];
	}
	return out;
}

const char *sel_labels_get(const struct sel_labels *l, const char *key)
{
	size_t lo = 0, hi = l ? l->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, l->v[mid].key);

		if (c == 0)
			return l->v[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* ---- text building ----------------------------------------------------- */

struct sb {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_addn(struct sb *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_add(struct sb *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

static void sb_quoted(struct sb *b, const char *s)
{
	const char *q = strchr(s, '"') ? "'" : "\"";

	sb_add(b, q);
	sb_add(b, s);
	sb_add(b, q);
}

/* The finished string, or NULL (and nothing leaked) on failure. */
static char *sb_done(struct sb *b)
{
	if (b->oom) {
		free(b->p);
		return NULL;
	}
	if (!b->p)
		return strdup("");
	return b->p;
}

/* ---- nodes ------------------------------------------------------------- */

static void node_free(struct sel_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	for (i = 0; i < n->nvals; i++)
		free(n->vals[i]);
	free(n->kids);
	free(n->vals);
	free(n->key);
	free(n->value);
	free(n->str);
	free(n);
}

static bool is_label_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '/' ||
	       c == '-';
}

static bool valid_label(const char *k)
{
	size_t n = strlen(k), i;

	if (n == 0 || n > SEL_MAX_LABEL)
		return false;
	for (i = 0; i < n; i++)
		if (!is_label_byte((unsigned char)k[i]))
			return false;
	return true;
}

static bool valid_value(const char *v)
{
	return !(strchr(v, '"') && strchr(v, '\''));
}

static const char *op_text(enum sel_op op)
{
	switch (op) {
	case SEL_EQ:
		return " == ";
	case SEL_NE:
		return " != ";
	case SEL_CONTAINS:
		return " contains ";
	case SEL_STARTS:
		return " starts with ";
	case SEL_ENDS:
		return " ends with ";
	case SEL_IN:
		return " in {";
	case SEL_NOTIN:
		return " not in {";
	default:
		return "";
	}
}

static bool is_nary(const struct sel_node *n)
{
	return n->op == SEL_AND || n->op == SEL_OR;
}

/* Fill n->str from n and its kids' ->str. Returns false on no memory. */
static bool node_print(struct sel_node *n)
{
	struct sb b = { 0 };
	size_t i;

	switch (n->op) {
	case SEL_ALL:
		sb_add(&b, "all()");
		break;
	case SEL_GLOBAL:
		sb_add(&b, "global()");
		break;
	case SEL_HAS:
		sb_add(&b, "has(");
		sb_add(&b, n->key);
		sb_add(&b, ")");
		break;
	case SEL_EQ:
	case SEL_NE:
	case SEL_CONTAINS:
	case SEL_STARTS:
	case SEL_ENDS:
		sb_add(&b, n->key);
		sb_add(&b, op_text(n->op));
		sb_quoted(&b, n->value);
		break;
	case SEL_IN:
	case SEL_NOTIN:
		sb_add(&b, n->key);
		sb_add(&b, op_text(n->op));
		for (i = 0; i < n->nvals; i++) {
			if (i)
				sb_add(&b, ", ");
			sb_quoted(&b, n->vals[i]);
		}
		sb_add(&b, "}");
		break;
	case SEL_NOT:
		sb_add(&b, "!");
		if (is_nary(n->kids[0]))
			sb_add(&b, "(");
		sb_add(&b, n->kids[0]->str);
		if (is_nary(n->kids[0]))
			sb_add(&b, ")");
		break;
	case SEL_AND:
	case SEL_OR:
		for (i = 0; i < n->nkids; i++) {
			bool paren = n->op == SEL_AND &&
				     n->kids[i]->op == SEL_OR;

			if (i)
				sb_add(&b, n->op == SEL_AND ? " && " : " || ");
			if (paren)
				sb_add(&b, "(");
			sb_add(&b, n->kids[i]->str);
			if (paren)
				sb_add(&b, ")");
		}
		break;
	}
	n->str = sb_done(&b);
	return n->str != NULL;
}

static struct sel_node *node_new(enum sel_op op)
{
	struct sel_node *n = calloc(1, sizeof(*n));

	if (n)
		n->op = op;
	return n;
}

/* Finish a node: print it, or free it on failure. */
static struct sel_node *node_finish(struct sel_node *n)
{
	if (!node_print(n)) {
		node_free(n);
		return NULL;
	}
	return n;
}

/* all(), global(), has(key) and the single-value operators. */
static struct sel_node *mk_leaf(enum sel_op op, const char *key,
				const char *value)
{
	struct sel_node *n = node_new(op);

	if (!n)
		return NULL;
	if (key && !(n->key = strdup(key)))
		goto fail;
	if (value && !(n->value = strdup(value)))
		goto fail;
	return node_finish(n);
fail:
	node_free(n);
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * in / not in: takes ownership of @vals (an array of @n malloc'ed strings,
 * itself malloc'ed, may be NULL when n == 0), sorts and deduplicates it;
 * one value becomes == / !=.
 */
static struct sel_node *mk_set(enum sel_op op, char *key, char **vals, size_t n)
{
	struct sel_node *node;
	size_t i, out = 0;

	if (n > 1)
		qsort(vals, n, sizeof(*vals), cmp_str);
	for (i = 0; i < n; i++) {
		if (out && strcmp(vals[out - 1], vals[i]) == 0)
			free(vals[i]);
		else
			vals[out++] = vals[i];
	}
	n = out;
	node = node_new(op);
	if (!node) {
		for (i = 0; i < n; i++)
			free(vals[i]);
		free(vals);
		free(key);
		return NULL;
	}
	node->key = key;
	if (n == 1) {
		node->op = op == SEL_IN ? SEL_EQ : SEL_NE;
		node->value = vals[0];
		free(vals);
	} else {
		node->vals = vals;
		node->nvals = n;
	}
	return node_finish(node);
}

/* !kid, folded: takes ownership of @kid. */
static struct sel_node *mk_not(struct sel_node *kid)
{
	struct sel_node *n;

	if (!kid)
		return NULL;
	switch (kid->op) {
	case SEL_NOT:
		n = kid->kids[0];
		kid->nkids = 0;
		node_free(kid);
		return n;
	case SEL_EQ:
	case SEL_NE:
	case SEL_IN:
	case SEL_NOTIN:
		kid->op = kid->op == SEL_EQ   ? SEL_NE
			  : kid->op == SEL_NE ? SEL_EQ
			  : kid->op == SEL_IN ? SEL_NOTIN
					      : SEL_IN;
		free(kid->str);
		kid->str = NULL;
		return node_finish(kid);
	default:
		break;
	}
	n = node_new(SEL_NOT);
	if (n)
		n->kids = malloc(sizeof(*n->kids));
	if (!n || !n->kids) {
		free(n);
		node_free(kid);
		return NULL;
	}
	n->kids[0] = kid;
	n->nkids = 1;
	return node_finish(n);
}

static int cmp_node(const void *a, const void *b)
{
	const struct sel_node *x = *(struct sel_node *const *)a;
	const struct sel_node *y = *(struct sel_node *const *)b;

	return strcmp(x->str, y->str);
}

/*
 * a && b && ... or a || b || ...: takes ownership of @kids (a malloc'ed
 * array of @n canonical nodes, NULL entries meaning an earlier failure).
 */
static struct sel_node *mk_nary(enum sel_op op, struct sel_node **kids,
				size_t n)
{
	struct sel_node **flat = NULL, *node = NULL;
	size_t nflat = 0, cap = 0, i, j, out;
	bool any_all = false;

	for (i = 0; i < n; i++)
		if (!kids[i])
			goto fail;
	for (i = 0; i < n; i++)
		cap += kids[i]->op == op ? kids[i]->nkids : 1;
	flat = malloc((cap ? cap : 1) * sizeof(*flat));
	if (!flat)
		goto fail;
	for (i = 0; i < n; i++) {
		struct sel_node *k = kids[i];

		if (k->op == op) {
			for (j = 0; j < k->nkids; j++)
				flat[nflat++] = k->kids[j];
			k->nkids = 0;
			node_free(k);
		} else if (k->op == SEL_ALL) {
			any_all = true;
			node_free(k);
		} else {
			flat[nflat++] = k;
		}
		kids[i] = NULL;
	}
	free(kids);
	kids = NULL;
	if (any_all && (op == SEL_OR || nflat == 0)) {
		for (i = 0; i < nflat; i++)
			node_free(flat[i]);
		free(flat);
		return mk_leaf(SEL_ALL, NULL, NULL);
	}
	qsort(flat, nflat, sizeof(*flat), cmp_node);
	out = 0;
	for (i = 0; i < nflat; i++) {
		if (out && strcmp(flat[out - 1]->str, flat[i]->str) == 0)
			node_free(flat[i]);
		else
			flat[out++] = flat[i];
	}
	if (out == 1) {
		node = flat[0];
		free(flat);
		return node;
	}
	node = node_new(op);
	if (!node) {
		for (i = 0; i < out; i++)
			node_free(flat[i]);
		free(flat);
		return NULL;
	}
	node->kids = flat;
	node->nkids = out;
	return node_finish(node);
fail:
	if (kids) {
		for (i = 0; i < n; i++)
			node_free(kids[i]);
		free(kids);
	}
	return NULL;
}

static struct sel_node *mk_pair(enum sel_op op, struct sel_node *a,
				struct sel_node *b)
{
	struct sel_node **kids = malloc(2 * sizeof(*kids));

	if (!kids) {
		node_free(a);
		node_free(b);
		return NULL;
	}
	kids[0] = a;
	kids[1] = b;
	return mk_nary(op, kids, 2);
}

/* ---- selectors --------------------------------------------------------- */

static bool collect_keys(const struct sel_node *n, const char ***keys,
			 size_t *nkeys, size_t *cap)
{
	size_t i;

	if (n->key) {
		if (*nkeys == *cap) {
			size_t c = *cap ? 2 * *cap : 8;
			const char **k = realloc(*keys, c * sizeof(**keys));

			if (!k)
				return false;
			*keys = k;
			*cap = c;
		}
		(*keys)[(*nkeys)++] = n->key;
	}
	for (i = 0; i < n->nkids; i++)
		if (!collect_keys(n->kids[i], keys, nkeys, cap))
			return false;
	return true;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Wrap a canonical root into a selector (takes ownership of @root). */
static struct sel *sel_wrap(struct sel_node *root)
{
	struct sel *s;
	size_t cap = 0, i, out = 0;

	if (!root)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s || !collect_keys(root, &s->keys, &s->nkeys, &cap)) {
		if (s)
			free(s->keys);
		free(s);
		node_free(root);
		return NULL;
	}
	if (s->nkeys > 1)
		qsort(s->keys, s->nkeys, sizeof(*s->keys), cmp_str);
	for (i = 0; i < s->nkeys; i++)
		if (!out || strcmp(s->keys[out - 1], s->keys[i]) != 0)
			s->keys[out++] = s->keys[i];
	s->nkeys = out;
	atomic_init(&s->refs, 1);
	s->root = root;
	s->hash = fnv1a(root->str);
	return s;
}

struct sel *sel_get(struct sel *s)
{
	if (s)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

void sel_put(struct sel *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	node_free(s->root);
	free(s->keys);
	free(s);
}

const char *sel_str(const struct sel *s)
{
	return s->root->str;
}

uint64_t sel_hash(const struct sel *s)
{
	return s->hash;
}

bool sel_equal(const struct sel *a, const struct sel *b)
{
	return a == b ||
	       (a->hash == b->hash && strcmp(a->root->str, b->root->str) == 0);
}

bool sel_is_all(const struct sel *s)
{
	return s->root->op == SEL_ALL;
}

bool sel_is_global(const struct sel *s)
{
	return s->root->op == SEL_GLOBAL;
}

/* ---- matching ---------------------------------------------------------- */

static bool in_set(const struct sel_node *n, const char *v)
{
	size_t lo = 0, hi = n->nvals;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v, n->vals[mid]);

		if (c == 0)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static bool node_match(const struct sel_node *n, const struct sel_labels *l)
{
	const char *v = n->key ? sel_labels_get(l, n->key) : NULL;
	size_t i, vl, pl;

	switch (n->op) {
	case SEL_ALL:
	case SEL_GLOBAL:
		return true;
	case SEL_HAS:
		return v != NULL;
	case SEL_EQ:
		return v && strcmp(v, n->value) == 0;
	case SEL_NE:
		return !v || strcmp(v, n->value) != 0;
	case SEL_IN:
		return v && in_set(n, v);
	case SEL_NOTIN:
		return !v || !in_set(n, v);
	case SEL_CONTAINS:
		return v && strstr(v, n->value) != NULL;
	case SEL_STARTS:
		return v && strncmp(v, n->value, strlen(n->value)) == 0;
	case SEL_ENDS:
		if (!v)
			return false;
		vl = strlen(v);
		pl = strlen(n->value);
		return vl >= pl && memcmp(v + vl - pl, n->value, pl) == 0;
	case SEL_NOT:
		return !node_match(n->kids[0], l);
	case SEL_AND:
		for (i = 0; i < n->nkids; i++)
			if (!node_match(n->kids[i], l))
				return false;
		return true;
	case SEL_OR:
		for (i = 0; i < n->nkids; i++)
			if (node_match(n->kids[i], l))
				return true;
		return false;
	}
	return false;
}

bool sel_match(const struct sel *s, const struct sel_labels *l)
{
	return node_match(s->root, l);
}

/* ---- introspection ------------------------------------------------------ */

static bool term_of(const struct sel_node *n, struct sel_term *t)
{
	switch (n->op) {
	case SEL_EQ:
		t->key = n->key;
		t->values = (const char *const *)&n->value;
		t->n = 1;
		t->has = false;
		return true;
	case SEL_IN:
		t->key = n->key;
		t->values = (const char *const *)n->vals;
		t->n = n->nvals;
		t->has = false;
		return true;
	case SEL_HAS:
	case SEL_CONTAINS:
	case SEL_STARTS:
	case SEL_ENDS:
		t->key = n->key;
		t->values = NULL;
		t->n = 0;
		t->has = true;
		return true;
	default:
		return false;
	}
}

size_t sel_index_terms(const struct sel *s, struct sel_term *out, size_t max)
{
	const struct sel_node *r = s->root;
	struct sel_term t;
	size_t i, count = 0;

	if (r->op != SEL_AND) {
		if (!term_of(r, &t))
			return 0;
		if (max)
			out[0] = t;
		return 1;
	}
	for (i = 0; i < r->nkids; i++) {
		if (!term_of(r->kids[i], &t))
			continue;
		if (count < max)
			out[count] = t;
		count++;
	}
	return count;
}

size_t sel_keys(const struct sel *s, const char **out, size_t max)
{
	size_t i;

	for (i = 0; i < s->nkeys && i < max; i++)
		out[i] = s->keys[i];
	return s->nkeys;
}

/* ---- parser ------------------------------------------------------------- */

struct parser {
	const char *in;
	size_t pos;
	unsigned int flags;
	int depth;
	bool have_global;
	size_t global_pos;
	bool failed;
	bool oom;
	struct sel_err *err;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void
fail_at(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = true;
	if (!p->err)
		return;
	p->err->pos = pos;
	va_start(ap, fmt);
	n = vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(p->err->msg))
		snprintf(p->err->msg + n, sizeof(p->err->msg) - n, " at %zu",
			 pos);
}

static void no_memory(struct parser *p)
{
	p->oom = true;
	p->failed = true;
}

static char cur(const struct parser *p)
{
	return p->in[p->pos];
}

static void skip_blanks(struct parser *p)
{
	while (cur(p) == ' ' || cur(p) == '\t')
		p->pos++;
}

static bool at_word(const struct parser *p, size_t at, const char *w)
{
	return strncmp(p->in + at, w, strlen(w)) == 0;
}

/*
 * A keyword operator of one or two words ("not" blanks* "in") at the
 * current position, ending at a word boundary; advances past it.
 */
static bool take_keyword(struct parser *p, const char *w1, const char *w2)
{
	size_t at = p->pos;

	if (!at_word(p, at, w1))
		return false;
	at += strlen(w1);
	if (w2) {
		while (p->in[at] == ' ' || p->in[at] == '\t')
			at++;
		if (!at_word(p, at, w2))
			return false;
		at += strlen(w2);
	}
	if (is_label_byte((unsigned char)p->in[at]))
		return false;
	p->pos = at;
	return true;
}

/* A label at the current position (length checked); NULL if none. */
static char *take_label(struct parser *p)
{
	size_t start = p->pos, n;
	char *k;

	while (is_label_byte((unsigned char)cur(p)))
		p->pos++;
	n = p->pos - start;
	if (n == 0)
		return NULL;
	if (n > SEL_MAX_LABEL) {
		fail_at(p, start, "label longer than %d characters",
			SEL_MAX_LABEL);
		return NULL;
	}
	k = strndup(p->in + start, n);
	if (!k)
		no_memory(p);
	return k;
}

/* A quoted string at the current position; @after names the operator
 * for the message when there is none. */
static char *take_string(struct parser *p, const char *after)
{
	char q = cur(p);
	const char *end;
	char *s;

	if (q != '"' && q != '\'') {
		fail_at(p, p->pos, "expected a quoted string after '%s'",
			after);
		return NULL;
	}
	end = strchr(p->in + p->pos + 1, q);
	if (!end) {
		fail_at(p, p->pos, "unterminated string");
		return NULL;
	}
	s = strndup(p->in + p->pos + 1, end - (p->in + p->pos + 1));
	if (!s) {
		no_memory(p);
		return NULL;
	}
	p->pos = end - p->in + 1;
	return s;
}

/* Describe the byte at @pos for a message. */
static void describe(const struct parser *p, size_t pos, char *buf, size_t len)
{
	unsigned char c = (unsigned char)p->in[pos];

	if (c == '\0')
		snprintf(buf, len, "end of selector");
	else if (c >= 0x21 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
}

/* "{" [ STR ( "," STR )* [","] ] "}" after in / not in */
static struct sel_node *parse_set(struct parser *p, enum sel_op op, char *key,
				  const char *opname)
{
	char **vals = NULL;
	size_t n = 0, cap = 0, i;
	char what[24];

	skip_blanks(p);
	if (cur(p) != '{') {
		fail_at(p, p->pos, "expected '{' after '%s'", opname);
		goto fail;
	}
	p->pos++;
	for (;;) {
		char *v;

		skip_blanks(p);
		if (cur(p) == '}')
			break;
		if (cur(p) != '"' && cur(p) != '\'') {
			describe(p, p->pos, what, sizeof(what));
			fail_at(p, p->pos,
				"expected a quoted string or '}', found %s",
				what);
			goto fail;
		}
		v = take_string(p, opname);
		if (!v)
			goto fail;
		if (n == cap) {
			size_t c = cap ? 2 * cap : 4;
			char **nv = realloc(vals, c * sizeof(*vals));

			if (!nv) {
				free(v);
				no_memory(p);
				goto fail;
			}
			vals = nv;
			cap = c;
		}
		vals[n++] = v;
		skip_blanks(p);
		if (cur(p) == ',') {
			p->pos++;
			continue;
		}
		if (cur(p) == '}')
			break;
		describe(p, p->pos, what, sizeof(what));
		fail_at(p, p->pos, "expected ',' or '}', found %s", what);
		goto fail;
	}
	p->pos++; /* } */
	{
		struct sel_node *node = mk_set(op, key, vals, n);

		if (!node)
			no_memory(p);
		return node;
	}
fail:
	for (i = 0; i < n; i++)
		free(vals[i]);
	free(vals);
	free(key);
	return NULL;
}

/* LABEL operator operand */
static struct sel_node *parse_match(struct parser *p)
{
	enum sel_op op;
	const char *opname;
	char *key, *value;
	struct sel_node *n;

	key = take_label(p);
	if (!key)
		return NULL;
	skip_blanks(p);
	if (at_word(p, p->pos, "==")) {
		op = SEL_EQ, opname = "==", p->pos += 2;
	} else if (at_word(p, p->pos, "!=")) {
		op = SEL_NE, opname = "!=", p->pos += 2;
	} else if (take_keyword(p, "contains", NULL)) {
		op = SEL_CONTAINS, opname = "contains";
	} else if (take_keyword(p, "starts", "with")) {
		op = SEL_STARTS, opname = "starts with";
	} else if (take_keyword(p, "ends", "with")) {
		op = SEL_ENDS, opname = "ends with";
	} else if (take_keyword(p, "not", "in")) {
		return parse_set(p, SEL_NOTIN, key, "not in");
	} else if (take_keyword(p, "in", NULL)) {
		return parse_set(p, SEL_IN, key, "in");
	} else {
		if (cur(p) == '=')
			fail_at(p, p->pos,
				"expected '==' after label '%.40s%s'", key,
				strlen(key) > 40 ? "..." : "");
		else
			fail_at(p, p->pos,
				"expected an operator (==, !=, in, not in, contains, starts with, ends with) after label '%.24s%s'",
				key, strlen(key) > 24 ? "..." : "");
		free(key);
		return NULL;
	}
	skip_blanks(p);
	value = take_string(p, opname);
	if (!value) {
		free(key);
		return NULL;
	}
	n = node_new(op);
	if (!n) {
		free(key);
		free(value);
		no_memory(p);
		return NULL;
	}
	n->key = key;
	n->value = value;
	n = node_finish(n);
	if (!n)
		no_memory(p);
	return n;
}

static struct sel_node *parse_or(struct parser *p);

/* "xxx(" blanks* ")" for all() and global(); at the "xxx(" */
static bool parse_empty_call(struct parser *p, const char *name)
{
	size_t len = strlen(name);

	p->pos += len + 1;
	skip_blanks(p);
	if (cur(p) != ')') {
		fail_at(p, p->pos, "expected ')' after '%s('", name);
		return false;
	}
	p->pos++;
	return true;
}

static struct sel_node *parse_primary(struct parser *p)
{
	struct sel_node *n;
	size_t start;
	char what[24];

	skip_blanks(p);
	start = p->pos;
	if (cur(p) == '(') {
		if (p->depth >= SEL_MAX_DEPTH) {
			fail_at(p, start, "parentheses nested deeper than %d",
				SEL_MAX_DEPTH);
			return NULL;
		}
		p->pos++;
		p->depth++;
		n = parse_or(p);
		p->depth--;
		if (!n)
			return NULL;
		skip_blanks(p);
		if (cur(p) != ')') {
			describe(p, p->pos, what, sizeof(what));
			fail_at(p, p->pos,
				"expected '&&', '||' or ')' (to close the '(' at %zu), found %s",
				start, what);
			node_free(n);
			return NULL;
		}
		p->pos++;
		return n;
	}
	if (at_word(p, start, "has(")) {
		char *key;

		p->pos += 4;
		skip_blanks(p);
		if (!is_label_byte((unsigned char)cur(p))) {
			fail_at(p, p->pos, "expected a label in has()");
			return NULL;
		}
		key = take_label(p);
		if (!key)
			return NULL;
		skip_blanks(p);
		if (cur(p) != ')') {
			fail_at(p, p->pos,
				"expected ')' after the label in has()");
			free(key);
			return NULL;
		}
		p->pos++;
		n = node_new(SEL_HAS);
		if (!n) {
			free(key);
			no_memory(p);
			return NULL;
		}
		n->key = key;
		n = node_finish(n);
		if (!n)
			no_memory(p);
		return n;
	}
	if (at_word(p, start, "all(")) {
		if (!parse_empty_call(p, "all"))
			return NULL;
		n = mk_leaf(SEL_ALL, NULL, NULL);
		if (!n)
			no_memory(p);
		return n;
	}
	if (at_word(p, start, "global(")) {
		if (!parse_empty_call(p, "global"))
			return NULL;
		if (!(p->flags & SEL_F_ALLOW_GLOBAL)) {
			fail_at(p, start,
				"global() is only allowed as a rule's namespaceSelector");
			return NULL;
		}
		if (!p->have_global) {
			p->have_global = true;
			p->global_pos = start;
		}
		n = mk_leaf(SEL_GLOBAL, NULL, NULL);
		if (!n)
			no_memory(p);
		return n;
	}
	if (is_label_byte((unsigned char)cur(p)))
		return parse_match(p);
	if (cur(p) == '\0' || cur(p) == ')' || cur(p) == '&' || cur(p) == '|' ||
	    cur(p) == '"' || cur(p) == '\'' || cur(p) == '!') {
		describe(p, start, what, sizeof(what));
		fail_at(p, start,
			"expected a label, has(), all(), '!' or '(', found %s",
			what);
		return NULL;
	}
	describe(p, start, what, sizeof(what));
	fail_at(p, start, "unexpected character %s", what);
	return NULL;
}

static struct sel_node *parse_unary(struct parser *p)
{
	bool neg = false;
	struct sel_node *n;

	for (;;) {
		skip_blanks(p);
		if (cur(p) != '!' || p->in[p->pos + 1] == '=')
			break;
		neg = !neg;
		p->pos++;
	}
	n = parse_primary(p);
	if (n && neg) {
		n = mk_not(n);
		if (!n)
			no_memory(p);
	}
	return n;
}

/* operand ( sep operand )*, for && and || */
static struct sel_node *parse_list(struct parser *p, enum sel_op op)
{
	const char *sep = op == SEL_AND ? "&&" : "||";
	struct sel_node **kids = NULL, *n;
	size_t nk = 0, cap = 0, i;

	for (;;) {
		n = op == SEL_AND ? parse_unary(p) : parse_list(p, SEL_AND);
		if (!n)
			goto fail;
		if (nk == cap) {
			size_t c = cap ? 2 * cap : 4;
			struct sel_node **k = realloc(kids, c * sizeof(*kids));

			if (!k) {
				node_free(n);
				no_memory(p);
				goto fail;
			}
			kids = k;
			cap = c;
		}
		kids[nk++] = n;
		skip_blanks(p);
		if (!at_word(p, p->pos, sep))
			break;
		p->pos += 2;
	}
	if (nk == 1) {
		n = kids[0];
		free(kids);
		return n;
	}
	n = mk_nary(op, kids, nk);
	if (!n)
		no_memory(p);
	return n;
fail:
	for (i = 0; i < nk; i++)
		node_free(kids[i]);
	free(kids);
	return NULL;
}

static struct sel_node *parse_or(struct parser *p)
{
	return parse_list(p, SEL_OR);
}

int sel_parse(const char *text, unsigned int flags, struct sel **out,
	      struct sel_err *err)
{
	struct parser p = { .in = text, .flags = flags, .err = err };
	struct sel_node *root;
	char what[24];

	*out = NULL;
	skip_blanks(&p);
	if (cur(&p) == '\0') {
		root = mk_leaf(SEL_ALL, NULL, NULL);
		if (!root)
			return -ENOMEM;
	} else {
		root = parse_or(&p);
		if (root) {
			skip_blanks(&p);
			if (cur(&p) != '\0') {
				describe(&p, p.pos, what, sizeof(what));
				if (cur(&p) == '&' || cur(&p) == '|')
					fail_at(&p, p.pos, "expected '%c%c'",
						cur(&p), cur(&p));
				else
					fail_at(&p, p.pos,
						"expected '&&', '||' or the end of the selector, found %s",
						what);
			} else if (p.have_global && root->op != SEL_GLOBAL) {
				fail_at(&p, p.global_pos,
					"global() must be the whole selector");
			}
		}
		if (p.failed) {
			node_free(root);
			return p.oom ? -ENOMEM : -EINVAL;
		}
	}
	*out = sel_wrap(root);
	return *out ? 0 : -ENOMEM;
}

/* ---- rewrites ----------------------------------------------------------- */

static struct sel_node *node_clone(const struct sel_node *n, const char *prefix,
				   const char *all_label);

static char *prefixed_key(const char *prefix, const char *key)
{
	size_t pl = strlen(prefix), kl = strlen(key);
	char *k = malloc(pl + kl + 1);

	if (!k)
		return NULL;
	memcpy(k, prefix, pl);
	memcpy(k + pl, key, kl + 1);
	if (!valid_label(k)) {
		free(k);
		return NULL;
	}
	return k;
}

/* Rebuild @n through the constructors, keys prefixed with @prefix. */
static struct sel_node *node_clone(const struct sel_node *n, const char *prefix,
				   const char *all_label)
{
	struct sel_node *c, **kids;
	char **vals;
	char *key;
	size_t i;

	switch (n->op) {
	case SEL_ALL:
		if (all_label)
			return mk_leaf(SEL_HAS, all_label, NULL);
		return mk_leaf(SEL_ALL, NULL, NULL);
	case SEL_GLOBAL:
		if (all_label)
			return mk_not(mk_leaf(SEL_HAS, all_label, NULL));
		return mk_leaf(SEL_GLOBAL, NULL, NULL);
	case SEL_NOT:
		return mk_not(node_clone(n->kids[0], prefix, all_label));
	case SEL_AND:
	case SEL_OR:
		kids = calloc(n->nkids, sizeof(*kids));
		if (!kids)
			return NULL;
		for (i = 0; i < n->nkids; i++)
			kids[i] = node_clone(n->kids[i], prefix, all_label);
		return mk_nary(n->op, kids, n->nkids);
	default:
		break;
	}
	key = prefixed_key(prefix, n->key);
	if (!key)
		return NULL;
	if (n->op == SEL_IN || n->op == SEL_NOTIN) {
		vals = calloc(n->nvals ? n->nvals : 1, sizeof(*vals));
		if (!vals) {
			free(key);
			return NULL;
		}
		for (i = 0; i < n->nvals; i++) {
			vals[i] = strdup(n->vals[i]);
			if (!vals[i]) {
				while (i--)
					free(vals[i]);
				free(vals);
				free(key);
				return NULL;
			}
		}
		return mk_set(n->op, key, vals, n->nvals);
	}
	c = node_new(n->op);
	if (!c) {
		free(key);
		return NULL;
	}
	c->key = key;
	if (n->value && !(c->value = strdup(n->value))) {
		node_free(c);
		return NULL;
	}
	return node_finish(c);
}

struct sel *sel_and(struct sel *a, struct sel *b)
{
	struct sel_node *n;

	n = mk_pair(SEL_AND, node_clone(a->root, "", NULL),
		    node_clone(b->root, "", NULL));
	/* global() is only expressible alone */
	if (n && n->op == SEL_AND &&
	    (a->root->op == SEL_GLOBAL || b->root->op == SEL_GLOBAL)) {
		node_free(n);
		return NULL;
	}
	return sel_wrap(n);
}

struct sel *sel_prefixed(struct sel *s, const char *prefix,
			 const char *all_label)
{
	if (all_label && !valid_label(all_label))
		return NULL;
	return sel_wrap(node_clone(s->root, prefix ? prefix : "", all_label));
}

struct sel *sel_in(const char *key, const char *const *values, size_t n)
{
	char **vals;
	char *k;
	size_t i;

	if (!valid_label(key))
		return NULL;
	for (i = 0; i < n; i++)
		if (!valid_value(values[i]))
			return NULL;
	k = strdup(key);
	vals = calloc(n ? n : 1, sizeof(*vals));
	if (!k || !vals) {
		free(k);
		free(vals);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		vals[i] = strdup(values[i]);
		if (!vals[i]) {
			while (i--)
				free(vals[i]);
			free(vals);
			free(k);
			return NULL;
		}
	}
	return sel_wrap(mk_set(SEL_IN, k, vals, n));
}
