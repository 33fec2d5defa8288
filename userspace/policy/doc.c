// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Documents with positions (doc.h): the arena, diagnostics, the libyaml
 * event loop that builds trees from YAML and JSON text, and the
 * conversion of json-c objects.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <yaml.h>
#include "doc.h"

/* --- arena ------------------------------------------------------------ */

#define ARENA_BLOCK 16384
#define ARENA_ALIGN 16

struct arena_blk {
	struct arena_blk *next;
	size_t used, cap;
	/* the data follows, ARENA_ALIGN-aligned */
};

/*
 * Blocks start small (ARENA_FIRST, or what doc_arena_new_sized() is told)
 * and double up to ARENA_BLOCK: a resource kept for the daemon's lifetime
 * (a pod: about 1.5 KiB) must not hold 16 KiB, and a large manifest still
 * gets big blocks after a few.
 */
#define ARENA_FIRST 512

struct doc_arena {
	struct arena_blk *head;
	size_t next_cap;
};

#define BLK_HDR                                         \
	((sizeof(struct arena_blk) + ARENA_ALIGN - 1) & \
	 ~(size_t)(ARENA_ALIGN - 1))

void *doc_xalloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("strata: out of memory\n", stderr);
		abort();
	}
	return q;
}

struct doc_arena *doc_arena_new(void)
{
	return doc_arena_new_sized(ARENA_FIRST);
}

struct doc_arena *doc_arena_new_sized(size_t first)
{
	struct doc_arena *a = doc_xalloc(NULL, sizeof(*a));

	a->head = NULL;
	first = (first + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	a->next_cap = first < ARENA_ALIGN   ? ARENA_ALIGN
		      : first > ARENA_BLOCK ? ARENA_BLOCK
					    : first;
	return a;
}

size_t doc_arena_used(const struct doc_arena *a)
{
	const struct arena_blk *b;
	size_t n = 0;

	for (b = a->head; b; b = b->next)
		n += b->used;
	return n;
}

void doc_arena_free(struct doc_arena *a)
{
	struct arena_blk *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void *doc_alloc(struct doc_arena *a, size_t n)
{
	struct arena_blk *b = a->head;
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	char *p;

	if (need == 0)
		need = ARENA_ALIGN;
	if (!b || b->cap - b->used < need) {
		size_t cap = a->next_cap;

		while (cap < 2 * need && cap < ARENA_BLOCK)
			cap = 2 * cap < ARENA_BLOCK ? 2 * cap : ARENA_BLOCK;
		a->next_cap = 2 * cap < ARENA_BLOCK ? 2 * cap : ARENA_BLOCK;
		if (need > cap / 2)
			cap = need;

		b = doc_xalloc(NULL, BLK_HDR + cap);
		b->used = 0;
		b->cap = cap;
		/* big blocks go behind the current one so it stays usable */
		if (cap == need && a->head) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b + BLK_HDR + b->used;
	b->used += need;
	memset(p, 0, need);
	return p;
}

char *doc_strndup(struct doc_arena *a, const char *s, size_t n)
{
	char *p;

	if (!s)
		return NULL;
	p = doc_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *doc_strdup(struct doc_arena *a, const char *s)
{
	return s ? doc_strndup(a, s, strlen(s)) : NULL;
}

char *doc_printf(struct doc_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = doc_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* --- nodes ------------------------------------------------------------ */

const struct doc_pair *doc_pair_get(const struct doc_node *map, const char *key)
{
	size_t i;

	if (!map || map->type != DOC_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (!strcmp(map->pairs[i].key, key))
			return &map->pairs[i];
	return NULL;
}

const struct doc_node *doc_get(const struct doc_node *map, const char *key)
{
	const struct doc_pair *p = doc_pair_get(map, key);

	return p ? p->val : NULL;
}

const char *doc_str(const struct doc_node *n)
{
	return n && n->type == DOC_STR ? n->text : NULL;
}

bool doc_is_scalar(const struct doc_node *n)
{
	return n && n->type != DOC_MAP && n->type != DOC_SEQ;
}

const char *doc_type_name(const struct doc_node *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case DOC_NULL:
		return "null";
	case DOC_BOOL:
		return "a boolean";
	case DOC_INT:
	case DOC_FLOAT:
		return "a number";
	case DOC_STR:
		return "a string";
	case DOC_MAP:
		return "a mapping";
	case DOC_SEQ:
		return "a list";
	}
	return "?";
}

/* --- diagnostics ------------------------------------------------------ */

void diags_init(struct diags *d)
{
	memset(d, 0, sizeof(*d));
}

void diags_release(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].origin);
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	free(d->v);
	diags_init(d);
}

static char *xstrdup(const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s);
	p = doc_xalloc(NULL, n + 1);
	memcpy(p, s, n + 1);
	return p;
}

void diag_vadd(struct diags *d, enum diag_sev sev, const char *file,
	       const char *origin, unsigned int line, unsigned int col,
	       const char *path, const char *fmt, va_list ap)
{
	struct diag *m;
	va_list ap2;
	int n;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->v = doc_xalloc(d->v, d->cap * sizeof(*d->v));
	}
	m = &d->v[d->n++];
	m->sev = sev;
	m->file = xstrdup(file);
	m->origin = file ? NULL : xstrdup(origin);
	m->line = line;
	m->col = col;
	m->path = xstrdup(path ? path : "");
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	m->msg = doc_xalloc(NULL, (size_t)n + 1);
	vsnprintf(m->msg, (size_t)n + 1, fmt, ap);
	if (sev == DIAG_ERROR)
		d->errors++;
	else
		d->warnings++;
}

void diag_add(struct diags *d, enum diag_sev sev, const char *file,
	      const char *origin, unsigned int line, unsigned int col,
	      const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, sev, file, origin, line, col, path, fmt, ap);
	va_end(ap);
}

char *diag_format(const struct diag *m, char *buf, size_t size)
{
	size_t o = 0;

#define PUT(...)                                                    \
	do {                                                        \
		int n_ = snprintf(buf + o, o < size ? size - o : 0, \
				  __VA_ARGS__);                     \
		if (n_ > 0)                                         \
			o += (size_t)n_;                            \
	} while (0)
	if (size)
		buf[0] = 0;
	if (m->file && m->line)
		PUT("%s:%u:%u: ", m->file, m->line, m->col);
	else if (m->file)
		PUT("%s: ", m->file);
	else if (m->origin)
		PUT("%s: ", m->origin);
	if (m->sev == DIAG_WARNING)
		PUT("warning: ");
	if (m->path && m->path[0])
		PUT("%s: ", m->path);
	PUT("%s", m->msg);
#undef PUT
	return buf;
}

void diags_print(const struct diags *d, FILE *f)
{
	char buf[4096];
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(f, "%s\n", diag_format(&d->v[i], buf, sizeof(buf)));
}

static int nullstrcmp(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

struct diag_sortkey {
	struct diag m;
	size_t idx;
};

static int diag_cmp(const void *pa, const void *pb)
{
	const struct diag_sortkey *a = pa, *b = pb;
	int c = nullstrcmp(a->m.file, b->m.file);

	if (!c)
		c = nullstrcmp(a->m.origin, b->m.origin);
	if (!c)
		c = (a->m.line > b->m.line) - (a->m.line < b->m.line);
	if (!c)
		c = (a->m.col > b->m.col) - (a->m.col < b->m.col);
	if (!c)
		c = (a->idx > b->idx) - (a->idx < b->idx);
	return c;
}

void diags_sort(struct diags *d)
{
	struct diag_sortkey *k;
	size_t i;

	if (d->n < 2)
		return;
	k = doc_xalloc(NULL, d->n * sizeof(*k));
	for (i = 0; i < d->n; i++) {
		k[i].m = d->v[i];
		k[i].idx = i;
	}
	qsort(k, d->n, sizeof(*k), diag_cmp);
	for (i = 0; i < d->n; i++)
		d->v[i] = k[i].m;
	free(k);
}

/* --- plain scalars ---------------------------------------------------- */

static bool str_in(const char *s, size_t len, const char *const *set)
{
	for (; *set; set++)
		if (strlen(*set) == len && !memcmp(*set, s, len))
			return true;
	return false;
}

/* Go's strconv.ParseInt(s, 0, 64) after underscores are dropped, plus
 * 0b; returns false on syntax error, sets *overflow. */
static bool parse_go_int(const char *s, int64_t *out, bool *overflow)
{
	bool neg = false;
	uint64_t v = 0, lim;
	unsigned int base = 10, dig;

	*overflow = false;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	if (!*s)
		return false;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			dig = (unsigned int)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			dig = (unsigned int)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			dig = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		if (dig >= base)
			return false;
		if (v > (lim - dig) / base)
			*overflow = true;
		else
			v = v * base + dig;
	}
	if (*overflow)
		return true;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s)
{
	const char *p = s;

	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	} else {
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == 0;
}

enum doc_type doc_resolve_plain(const char *s, size_t len, bool *b, int64_t *i,
				double *f)
{
	static const char *const nulls[] = { "",     "~",    "null",
					     "Null", "NULL", NULL };
	static const char *const trues[] = { "y",   "Y",    "yes",  "Yes",
					     "YES", "true", "True", "TRUE",
					     "on",  "On",   "ON",   NULL };
	static const char *const falses[] = { "n",   "N",     "no",    "No",
					      "NO",  "false", "False", "FALSE",
					      "off", "Off",   "OFF",   NULL };
	static const char *const pinf[] = { ".inf",  ".Inf",  ".INF", "+.inf",
					    "+.Inf", "+.INF", NULL };
	static const char *const ninf[] = { "-.inf", "-.Inf", "-.INF", NULL };
	static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };
	char buf[128];
	size_t k, o = 0;
	bool overflow;

	if (str_in(s, len, nulls))
		return DOC_NULL;
	if (str_in(s, len, trues) || str_in(s, len, falses)) {
		*b = str_in(s, len, trues);
		return DOC_BOOL;
	}
	if (str_in(s, len, pinf) || str_in(s, len, ninf)) {
		*f = str_in(s, len, pinf) ? INFINITY : -INFINITY;
		return DOC_FLOAT;
	}
	if (str_in(s, len, nans)) {
		*f = NAN;
		return DOC_FLOAT;
	}
	if (!len || len >= sizeof(buf) || memchr(s, 0, len))
		return DOC_STR;
	if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' ||
	      s[0] == '.'))
		return DOC_STR;
	for (k = 0; k < len; k++)
		if (s[k] != '_')
			buf[o++] = s[k];
	buf[o] = 0;
	if (parse_go_int(buf, i, &overflow) && !overflow)
		return DOC_INT;
	/* Go then tries uint64 (which only adds ints we would keep as
	 * floats) and floats of YAML's form, underscores dropped */
	if (yaml_style_float(buf)) {
		*f = strtod(buf, NULL);
		return DOC_FLOAT;
	}
	return DOC_STR;
}

/* --- the YAML builder ------------------------------------------------- */

struct kid {
	struct doc_node *node;
	bool merge; /* a plain "<<" key */
};

struct frame {
	struct doc_node *node;
	struct kid *kids;
	size_t n, cap;
	char *anchor;
};

struct anchor {
	char *name;
	struct doc_node *node;
};

struct builder {
	struct doc *doc;
	struct diags *d;
	struct frame *st;
	size_t depth, cap;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	struct doc_node *root;
	unsigned int root_line;
	bool failed;
};

static void berr(struct builder *b, unsigned int line, unsigned int col,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void berr(struct builder *b, unsigned int line, unsigned int col,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(b->d, DIAG_ERROR, b->doc->file, NULL, line, col, "", fmt, ap);
	va_end(ap);
}

static struct doc_node *new_node(struct builder *b, enum doc_type t,
				 const yaml_mark_t *m)
{
	struct doc_node *n = doc_alloc(b->doc->arena, sizeof(*n));

	n->type = t;
	n->line = (unsigned int)m->line + 1;
	n->col = (unsigned int)m->column + 1;
	n->weight = 1;
	return n;
}

static void kids_push(struct frame *f, struct doc_node *n, bool merge)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 8;
		f->kids = doc_xalloc(f->kids, f->cap * sizeof(*f->kids));
	}
	f->kids[f->n].node = n;
	f->kids[f->n].merge = merge;
	f->n++;
}

/* A finished node goes to its parent or becomes the root. */
static void add_child(struct builder *b, struct doc_node *n, bool merge)
{
	if (!b->depth) {
		b->root = n;
		return;
	}
	kids_push(&b->st[b->depth - 1], n, merge);
}

static void anchor_set(struct builder *b, const char *name, struct doc_node *n)
{
	size_t i;

	/* a later anchor of the same name replaces the earlier one */
	for (i = 0; i < b->n_anchors; i++)
		if (!strcmp(b->anchors[i].name, name)) {
			b->anchors[i].node = n;
			return;
		}
	if (b->n_anchors == b->cap_anchors) {
		b->cap_anchors = b->cap_anchors ? 2 * b->cap_anchors : 8;
		b->anchors = doc_xalloc(b->anchors,
					b->cap_anchors * sizeof(*b->anchors));
	}
	b->anchors[b->n_anchors].name = xstrdup(name);
	b->anchors[b->n_anchors].node = n;
	b->n_anchors++;
}

static void anchors_clear(struct builder *b)
{
	size_t i;

	for (i = 0; i < b->n_anchors; i++)
		free(b->anchors[i].name);
	b->n_anchors = 0;
}

static bool tag_is(const unsigned char *tag, const char *what)
{
	static const char prefix[] = "tag:yaml.org,2002:";

	return tag && !strncmp((const char *)tag, prefix, sizeof(prefix) - 1) &&
	       !strcmp((const char *)tag + sizeof(prefix) - 1, what);
}

static void scalar_event(struct builder *b, const yaml_event_t *ev)
{
	const unsigned char *tag = ev->data.scalar.tag;
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct doc_node *n = new_node(b, DOC_STR, &ev->start_mark);
	enum doc_type t;
	bool merge = false;

	n->text = doc_strndup(b->doc->arena, text, len);
	n->len = len;
	if (!tag || !strcmp((const char *)tag, "!")) {
		if (!tag && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			n->type = doc_resolve_plain(text, len, &n->b, &n->i,
						    &n->f);
			merge = len == 2 && !memcmp(text, "<<", 2);
		}
	} else if (tag_is(tag, "str")) {
		n->type = DOC_STR;
	} else if (tag_is(tag, "null") || tag_is(tag, "bool") ||
		   tag_is(tag, "int") || tag_is(tag, "float")) {
		t = doc_resolve_plain(text, len, &n->b, &n->i, &n->f);
		if (t == DOC_INT && tag_is(tag, "float")) {
			n->f = (double)n->i;
			t = DOC_FLOAT;
		}
		if ((tag_is(tag, "null") && t != DOC_NULL) ||
		    (tag_is(tag, "bool") && t != DOC_BOOL) ||
		    (tag_is(tag, "int") && t != DOC_INT) ||
		    (tag_is(tag, "float") && t != DOC_FLOAT))
			berr(b, n->line, n->col,
			     "\"%s\" is not a valid value for tag %s", n->text,
			     (const char *)tag);
		n->type = t;
	} else {
		berr(b, n->line, n->col, "unsupported tag %s",
		     (const char *)tag);
	}
	if (ev->data.scalar.anchor)
		anchor_set(b, (const char *)ev->data.scalar.anchor, n);
	add_child(b, n, merge);
}

static void alias_event(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	unsigned int line = (unsigned int)ev->start_mark.line + 1;
	unsigned int col = (unsigned int)ev->start_mark.column + 1;
	size_t i;

	for (i = 0; i < b->n_anchors; i++)
		if (!strcmp(b->anchors[i].name, name)) {
			add_child(b, b->anchors[i].node, false);
			return;
		}
	for (i = 0; i < b->depth; i++)
		if (b->st[i].anchor && !strcmp(b->st[i].anchor, name)) {
			berr(b, line, col,
			     "alias *%s refers to a node that contains it (recursive structures are not supported)",
			     name);
			b->failed = true;
			return;
		}
	berr(b, line, col, "alias *%s: no anchor &%s before it", name, name);
	b->failed = true;
}

static bool push_frame(struct builder *b, enum doc_type t, const yaml_mark_t *m,
		       const unsigned char *anchor, const unsigned char *tag)
{
	struct frame *f;

	if (b->depth >= DOC_MAX_DEPTH) {
		berr(b, (unsigned int)m->line + 1, (unsigned int)m->column + 1,
		     "nesting deeper than %d levels", DOC_MAX_DEPTH);
		b->failed = true;
		return false;
	}
	if (tag && strcmp((const char *)tag, "!") &&
	    !tag_is(tag, t == DOC_MAP ? "map" : "seq"))
		berr(b, (unsigned int)m->line + 1, (unsigned int)m->column + 1,
		     "unsupported tag %s", (const char *)tag);
	if (b->depth == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->st = doc_xalloc(b->st, b->cap * sizeof(*b->st));
	}
	f = &b->st[b->depth++];
	memset(f, 0, sizeof(*f));
	f->node = new_node(b, t, m);
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
	return true;
}

struct keyref {
	const char *key;
	size_t idx;
};

static int keyref_cmp(const void *pa, const void *pb)
{
	const struct keyref *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* The text a scalar key stands for ("80" for 80, "" for null). */
static const char *key_text(const struct doc_node *k)
{
	return k->type == DOC_NULL ? "" : k->text;
}

static bool pair_present(const struct doc_pair *p, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(p[i].key, key))
			return true;
	return false;
}

static void merge_from(struct builder *b, struct doc_pair *out, size_t *n,
		       const struct doc_node *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		if (pair_present(out, *n, src->pairs[i].key))
			continue;
		out[(*n)++] = src->pairs[i];
	}
}

static void finish_map(struct builder *b, struct frame *f)
{
	struct doc_node *m = f->node;
	struct keyref *refs;
	bool *drop;
	size_t i, j, n_keys = f->n / 2, cap = 0, n = 0;

	drop = doc_xalloc(NULL, (n_keys + 1) * sizeof(*drop));
	memset(drop, 0, (n_keys + 1) * sizeof(*drop));
	/* keys must be scalars */
	for (i = 0; i < n_keys; i++) {
		const struct doc_node *k = f->kids[2 * i].node;

		if (!doc_is_scalar(k)) {
			berr(b, k->line, k->col,
			     "a mapping key must be a scalar, not %s",
			     doc_type_name(k));
			drop[i] = true;
		}
	}
	/* duplicates among explicit keys: the first one stays */
	refs = doc_xalloc(NULL, (n_keys + 1) * sizeof(*refs));
	for (i = 0, j = 0; i < n_keys; i++)
		if (!drop[i] && !f->kids[2 * i].merge) {
			refs[j].key = key_text(f->kids[2 * i].node);
			refs[j].idx = i;
			j++;
		}
	qsort(refs, j, sizeof(*refs), keyref_cmp);
	for (i = 1; i < j; i++)
		if (!strcmp(refs[i].key, refs[i - 1].key)) {
			const struct doc_node *k =
				f->kids[2 * refs[i].idx].node;
			const struct doc_node *first =
				f->kids[2 * refs[i - 1].idx].node;
			size_t k0 = i - 1;

			while (k0 > 0 && !strcmp(refs[k0 - 1].key, refs[i].key))
				k0--;
			first = f->kids[2 * refs[k0].idx].node;
			berr(b, k->line, k->col,
			     "duplicate key \"%s\" (first at %u:%u)",
			     refs[i].key, first->line, first->col);
			drop[refs[i].idx] = true;
		}
	free(refs);

	/* room for explicit pairs plus everything merged in */
	for (i = 0; i < n_keys; i++) {
		const struct doc_node *v = f->kids[2 * i + 1].node;

		if (drop[i])
			continue;
		if (!f->kids[2 * i].merge) {
			cap++;
		} else if (v->type == DOC_MAP) {
			cap += v->n;
		} else if (v->type == DOC_SEQ) {
			for (j = 0; j < v->n; j++)
				if (v->items[j]->type == DOC_MAP)
					cap += v->items[j]->n;
		}
	}
	m->pairs = doc_alloc(b->doc->arena, (cap + 1) * sizeof(*m->pairs));
	for (i = 0; i < n_keys; i++) {
		const struct doc_node *k = f->kids[2 * i].node;

		if (drop[i] || f->kids[2 * i].merge)
			continue;
		m->pairs[n].key = key_text(k);
		m->pairs[n].line = k->line;
		m->pairs[n].col = k->col;
		m->pairs[n].val = f->kids[2 * i + 1].node;
		n++;
	}
	/* merge keys: explicit keys win, then earlier sources */
	for (i = 0; i < n_keys; i++) {
		const struct doc_node *v = f->kids[2 * i + 1].node;
		bool ok = true;

		if (drop[i] || !f->kids[2 * i].merge)
			continue;
		if (v->type == DOC_MAP) {
			merge_from(b, m->pairs, &n, v);
		} else if (v->type == DOC_SEQ) {
			for (j = 0; j < v->n; j++)
				if (v->items[j]->type != DOC_MAP)
					ok = false;
			for (j = 0; ok && j < v->n; j++)
				merge_from(b, m->pairs, &n, v->items[j]);
		} else {
			ok = false;
		}
		if (!ok)
			berr(b, v->line, v->col,
			     "the value of a merge key (<<) must be a mapping or a list of mappings");
	}
	m->n = n;
	for (i = 0; i < n; i++)
		m->weight += m->pairs[i].val->weight;
	free(drop);
}

static void finish_seq(struct builder *b, struct frame *f)
{
	struct doc_node *s = f->node;
	size_t i;

	s->n = f->n;
	s->items = doc_alloc(b->doc->arena, (f->n + 1) * sizeof(*s->items));
	for (i = 0; i < f->n; i++) {
		s->items[i] = f->kids[i].node;
		s->weight += f->kids[i].node->weight;
	}
}

static void pop_frame(struct builder *b)
{
	struct frame *f = &b->st[b->depth - 1];
	struct doc_node *n = f->node;
	char *anchor = f->anchor;

	if (n->type == DOC_MAP)
		finish_map(b, f);
	else
		finish_seq(b, f);
	free(f->kids);
	b->depth--;
	if (n->weight > DOC_MAX_WEIGHT) {
		berr(b, n->line, n->col,
		     "aliases expand this document beyond %u nodes",
		     DOC_MAX_WEIGHT);
		b->failed = true;
	}
	if (anchor) {
		anchor_set(b, anchor, n);
		free(anchor);
	}
	add_child(b, n, false);
}

static void builder_reset(struct builder *b)
{
	while (b->depth) {
		struct frame *f = &b->st[--b->depth];

		free(f->kids);
		free(f->anchor);
	}
	anchors_clear(b);
	b->root = NULL;
}

static void add_root(struct builder *b)
{
	struct doc *doc = b->doc;
	struct doc_node *r = b->root;

	b->root = NULL;
	if (!r || r->type == DOC_NULL)
		return;
	doc->roots = doc_xalloc(doc->roots, (doc->n + 1) * sizeof(*doc->roots));
	doc->lines = doc_xalloc(doc->lines, (doc->n + 1) * sizeof(*doc->lines));
	doc->roots[doc->n] = r;
	doc->lines[doc->n] = b->root_line;
	doc->n++;
}

static void parser_error(struct builder *b, yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "cannot parse";
	yaml_mark_t m = p->problem_mark;

	if (p->error == YAML_READER_ERROR) {
		berr(b, (unsigned int)p->mark.line + 1,
		     (unsigned int)p->mark.column + 1,
		     "cannot read the input: %s", problem);
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		fputs("strata: out of memory\n", stderr);
		abort();
	}
	if (p->context)
		berr(b, (unsigned int)m.line + 1, (unsigned int)m.column + 1,
		     "syntax error: %s (%s at %zu:%zu)", problem, p->context,
		     p->context_mark.line + 1, p->context_mark.column + 1);
	else
		berr(b, (unsigned int)m.line + 1, (unsigned int)m.column + 1,
		     "syntax error: %s", problem);
}

int doc_parse(struct doc *doc, const char *name, const char *buf, size_t len,
	      struct diags *d)
{
	struct builder b;
	yaml_parser_t p;
	yaml_event_t ev;
	bool done = false;
	unsigned int errors = d->errors;

	memset(doc, 0, sizeof(*doc));
	doc->arena = doc_arena_new();
	doc->file = doc_strdup(doc->arena, name);
	memset(&b, 0, sizeof(b));
	b.doc = doc;
	b.d = d;
	if (!yaml_parser_initialize(&p)) {
		fputs("strata: out of memory\n", stderr);
		abort();
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && !b.failed) {
		if (!yaml_parser_parse(&p, &ev)) {
			parser_error(&b, &p);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			builder_reset(&b);
			b.root_line = (unsigned int)ev.start_mark.line + 1;
			break;
		case YAML_DOCUMENT_END_EVENT:
			add_root(&b);
			anchors_clear(&b);
			break;
		case YAML_SCALAR_EVENT:
			scalar_event(&b, &ev);
			break;
		case YAML_ALIAS_EVENT:
			alias_event(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			push_frame(&b, DOC_SEQ, &ev.start_mark,
				   ev.data.sequence_start.anchor,
				   ev.data.sequence_start.tag);
			break;
		case YAML_MAPPING_START_EVENT:
			push_frame(&b, DOC_MAP, &ev.start_mark,
				   ev.data.mapping_start.anchor,
				   ev.data.mapping_start.tag);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			pop_frame(&b);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	builder_reset(&b);
	free(b.st);
	free(b.anchors);
	yaml_parser_delete(&p);
	return d->errors > errors ? -EINVAL : 0;
}

int doc_read_file(struct doc *doc, const char *path, struct diags *d)
{
	bool is_stdin = !strcmp(path, "-");
	const char *name = is_stdin ? "<stdin>" : path;
	size_t len = 0, cap = 0;
	char *buf = NULL;
	ssize_t r;
	int fd, ret, err;

	memset(doc, 0, sizeof(*doc));
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		diag_add(d, DIAG_ERROR, name, NULL, 0, 0, "", "cannot open: %s",
			 strerror(err));
		return -err;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = doc_xalloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			diag_add(d, DIAG_ERROR, name, NULL, 0, 0, "",
				 "cannot read: %s", strerror(err));
			if (!is_stdin)
				close(fd);
			free(buf);
			return -err;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > DOC_MAX_FILE) {
			diag_add(d, DIAG_ERROR, name, NULL, 0, 0, "",
				 "larger than %u MiB", DOC_MAX_FILE >> 20);
			if (!is_stdin)
				close(fd);
			free(buf);
			return -EFBIG;
		}
	}
	if (!is_stdin)
		close(fd);
	ret = doc_parse(doc, name, buf, len, d);
	free(buf);
	return ret;
}

/* --- json-c ----------------------------------------------------------- */

static struct doc_node *from_json(struct doc_arena *a, struct json_object *o,
				  unsigned int depth)
{
	struct doc_node *n = doc_alloc(a, sizeof(*n));
	size_t i, len;

	n->weight = 1;
	if (depth > DOC_MAX_DEPTH) {
		n->type = DOC_NULL;
		return n;
	}
	switch (json_object_get_type(o)) {
	case json_type_null:
		n->type = DOC_NULL;
		n->text = "null";
		n->len = 4;
		break;
	case json_type_boolean:
		n->type = DOC_BOOL;
		n->b = json_object_get_boolean(o);
		n->text = n->b ? "true" : "false";
		n->len = strlen(n->text);
		break;
	case json_type_int:
		n->type = DOC_INT;
		n->i = json_object_get_int64(o);
		n->text = doc_printf(a, "%lld", (long long)n->i);
		n->len = strlen(n->text);
		break;
	case json_type_double:
		n->type = DOC_FLOAT;
		n->f = json_object_get_double(o);
		n->text = doc_strdup(a, json_object_to_json_string_ext(
						o, JSON_C_TO_STRING_PLAIN));
		n->len = strlen(n->text);
		break;
	case json_type_string:
		n->type = DOC_STR;
		len = (size_t)json_object_get_string_len(o);
		n->text = doc_strndup(a, json_object_get_string(o), len);
		n->len = len;
		break;
	case json_type_object: {
		n->type = DOC_MAP;
		n->pairs = doc_alloc(a, ((size_t)json_object_object_length(o) +
					 1) * sizeof(*n->pairs));
		json_object_object_foreach (o, key, val) {
			n->pairs[n->n].key = doc_strdup(a, key);
			n->pairs[n->n].val = from_json(a, val, depth + 1);
			n->weight += n->pairs[n->n].val->weight;
			n->n++;
		}
		break;
	}
	case json_type_array:
		n->type = DOC_SEQ;
		len = json_object_array_length(o);
		n->items = doc_alloc(a, (len + 1) * sizeof(*n->items));
		for (i = 0; i < len; i++) {
			n->items[i] = from_json(
				a, json_object_array_get_idx(o, i), depth + 1);
			n->weight += n->items[i]->weight;
		}
		n->n = len;
		break;
	}
	return n;
}

void doc_from_json(struct doc *doc, struct json_object *obj, const char *origin)
{
	memset(doc, 0, sizeof(*doc));
	doc->arena = doc_arena_new();
	doc->origin = doc_strdup(doc->arena, origin);
	doc->roots = doc_xalloc(NULL, sizeof(*doc->roots));
	doc->lines = doc_xalloc(NULL, sizeof(*doc->lines));
	doc->roots[0] = from_json(doc->arena, obj, 0);
	doc->lines[0] = 0;
	doc->n = 1;
}

void doc_release(struct doc *doc)
{
	if (!doc)
		return;
	free(doc->roots);
	free(doc->lines);
	doc_arena_free(doc->arena);
	memset(doc, 0, sizeof(*doc));
}
