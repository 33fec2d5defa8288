// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The label index (labelidx.h): items with inherited labels, an inverted
 * index key -> value -> items, selectors registered under one indexable
 * term each (or on the list of unoptimisable selectors), and the current
 * (selector, item) pairs, each on a list of its selector and a list of its
 * item.
 *
 * Every operation takes a fresh stamp; a selector's or item's stamps say
 * whether it was already considered, or matched before, in this
 * operation, so candidates are deduplicated without any set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labelidx.h"

static void li_oom(void)
{
	fputs("strata: label index: out of memory\n", stderr);
	abort();
}

#define uthash_fatal(msg) li_oom()
#include <uthash.h>
#include <utlist.h>

static void *li_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		li_oom();
	return p;
}

static char *li_strdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		li_oom();
	return p;
}

struct li_item;
struct li_sel;
struct li_val;

/* label key: its values, the items carrying it, selectors on it */
struct li_key {
	UT_hash_handle hh;
	char *key;
	struct li_val *vals; /* hash by value */
	size_t nitems;
	size_t nmention; /* selectors mentioning the key */
	struct li_sref *has_sels; /* registered by has()-like terms */
	struct li_sref *unopt_sels; /* unoptimisable, mentioning the key */
};

/* one value of a key: items carrying it, selectors registered on it */
struct li_val {
	UT_hash_handle hh;
	char *val;
	struct li_key *key;
	struct li_member *items;
	size_t nitems;
	struct li_sref *sels;
};

/* an item's effective label, linked into its value's item list */
struct li_member {
	struct li_item *item;
	struct li_val *val;
	struct li_member *prev, *next;
};

/* a selector's registration with a value or key */
struct li_sref {
	struct li_sel *sel;
	void *owner; /* struct li_val (LI_VALUES) or struct li_key */
	struct li_sref *prev, *next;
};

/* a (selector, item) pair that matches */
struct li_pair {
	struct li_sel *sel;
	struct li_item *item;
	struct li_pair *sprev, *snext; /* on sel->pairs */
	struct li_pair *iprev, *inext; /* on item->pairs */
};

/* an item's reference to a parent, linked into the parent's children */
struct li_link {
	struct li_parent *parent;
	struct li_item *item;
	struct li_link *prev, *next;
};

struct li_parent {
	UT_hash_handle hh;
	char *id;
	struct sel_label *labels; /* owned strings, sorted */
	size_t n;
	bool defined;
	struct li_link *children;
};

struct li_item {
	UT_hash_handle hh;
	char *id;
	struct sel_label *own; /* owned strings, sorted */
	size_t nown;
	struct li_link *links; /* parents in priority order */
	size_t nlinks;
	struct sel_label *eff; /* effective labels (borrowed strings) */
	struct li_member *mem; /* parallel to eff */
	size_t neff;
	struct li_pair *pairs;
	size_t npairs;
	uint64_t stamp_old, stamp_keep;
};

enum li_kind {
	LI_UNOPT, /* scan; registered with every key it mentions */
	LI_VALUES, /* registered with each value of one key */
	LI_HAS, /* registered with one key */
	LI_NONE, /* matches nothing ("k in {}" conjunct) */
};

struct li_sel {
	UT_hash_handle hh;
	char *id;
	struct sel *sel;
	enum li_kind kind;
	const char **keys; /* sel_keys(), sorted */
	size_t nkeys;
	struct li_sref *refs;
	size_t nrefs;
	struct li_pair *pairs;
	size_t npairs;
	struct li_sel *uprev, *unext; /* on idx->unopt */
	uint64_t stamp_seen;
};

struct labelidx {
	labelidx_cb cb;
	void *ctx;
	struct li_item *items;
	struct li_parent *parents;
	struct li_sel *sels;
	struct li_key *keys;
	struct li_sel *unopt;
	uint64_t stamp;
	struct labelidx_stats st;
};

/* ---- keys and values ------------------------------------------------------
 */

static struct li_key *key_find(const struct labelidx *idx, const char *key)
{
	struct li_key *k;

	HASH_FIND_STR(idx->keys, key, k);
	return k;
}

static struct li_key *key_get(struct labelidx *idx, const char *key)
{
	struct li_key *k = key_find(idx, key);

	if (!k) {
		k = li_calloc(1, sizeof(*k));
		k->key = li_strdup(key);
		HASH_ADD_KEYPTR(hh, idx->keys, k->key, strlen(k->key), k);
	}
	return k;
}

static void key_release(struct labelidx *idx, struct li_key *k)
{
	if (k->vals || k->has_sels || k->unopt_sels || k->nmention)
		return;
	HASH_DEL(idx->keys, k);
	free(k->key);
	free(k);
}

static struct li_val *val_find(const struct li_key *k, const char *val)
{
	struct li_val *v;

	HASH_FIND_STR(k->vals, val, v);
	return v;
}

static struct li_val *val_get(struct labelidx *idx, const char *key,
			      const char *val)
{
	struct li_key *k = key_get(idx, key);
	struct li_val *v = val_find(k, val);

	if (!v) {
		v = li_calloc(1, sizeof(*v));
		v->val = li_strdup(val);
		v->key = k;
		HASH_ADD_KEYPTR(hh, k->vals, v->val, strlen(v->val), v);
	}
	return v;
}

static void val_release(struct labelidx *idx, struct li_val *v)
{
	struct li_key *k = v->key;

	if (v->items || v->sels)
		return;
	HASH_DEL(k->vals, v);
	free(v->val);
	free(v);
	key_release(idx, k);
}

/* ---- labels ---------------------------------------------------------------
 */

/* Copy and sort @n labels; NULL strings are -EINVAL. */
static int labels_copy(const struct sel_label *in, size_t n,
		       struct sel_label **out, size_t *nout)
{
	struct sel_label *v;
	size_t i;

	for (i = 0; i < n; i++)
		if (!in[i].key || !in[i].value)
			return -EINVAL;
	v = li_calloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].key = in[i].key;
		v[i].value = in[i].value;
	}
	n = sel_labels_sort(v, n);
	for (i = 0; i < n; i++) {
		v[i].key = li_strdup(v[i].key);
		v[i].value = li_strdup(v[i].value);
	}
	*out = v;
	*nout = n;
	return 0;
}

static void labels_free(struct sel_label *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)v[i].key);
		free((char *)v[i].value);
	}
	free(v);
}

static bool labels_equal(const struct sel_label *a, size_t na,
			 const struct sel_label *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i].key, b[i].key) ||
		    strcmp(a[i].value, b[i].value))
			return false;
	return true;
}

/* ---- pairs ----------------------------------------------------------------
 */

static void pair_add(struct labelidx *idx, struct li_sel *s, struct li_item *it)
{
	struct li_pair *p = li_calloc(1, sizeof(*p));

	p->sel = s;
	p->item = it;
	DL_APPEND2(s->pairs, p, sprev, snext);
	DL_APPEND2(it->pairs, p, iprev, inext);
	s->npairs++;
	it->npairs++;
	idx->st.matches++;
	idx->st.started++;
	if (idx->cb)
		idx->cb(idx->ctx, s->id, it->id, true);
}

static void pair_del(struct labelidx *idx, struct li_pair *p, bool report)
{
	struct li_sel *s = p->sel;
	struct li_item *it = p->item;

	DL_DELETE2(s->pairs, p, sprev, snext);
	DL_DELETE2(it->pairs, p, iprev, inext);
	s->npairs--;
	it->npairs--;
	idx->st.matches--;
	if (report) {
		idx->st.stopped++;
		if (idx->cb)
			idx->cb(idx->ctx, s->id, it->id, false);
	}
	free(p);
}

static bool eval(struct labelidx *idx, const struct li_sel *s,
		 const struct li_item *it)
{
	struct sel_labels l = { it->eff, it->neff };

	idx->st.evals++;
	return sel_match(s->sel, &l);
}

/* ---- items ------------------------------------------------------------------
 */

/* Move a membership node to @to, fixing its neighbours (utlist's doubly
 * linked lists: the head's prev is the tail, the tail's next NULL). */
static void member_move(struct li_member *to, struct li_member *from)
{
	struct li_val *v = from->val;

	*to = *from;
	if (v->items == from)
		v->items = to;
	else
		to->prev->next = to;
	if (to->next)
		to->next->prev = to;
	else
		v->items->prev = to; /* a single node's prev is itself */
}

/*
 * Recompute @it's effective labels and relink its memberships. Returns the
 * keys whose value changed (added, removed or different), sorted, in a
 * malloc'ed array (*@nchanged entries) whose strings stay valid until the
 * caller frees the old own or parent labels.
 */
static const char **item_relabel(struct labelidx *idx, struct li_item *it,
				 size_t *nchanged)
{
	struct sel_label *eff, *old = it->eff;
	struct li_member *mem, *oldmem = it->mem;
	size_t n = it->nown, neff, nold = it->neff, i, j, nc = 0;
	const char **changed;

	for (i = 0; i < it->nlinks; i++)
		n += it->links[i].parent->n;
	eff = li_calloc(n, sizeof(*eff));
	n = 0;
	/* lowest priority first: the last parent ... the first, then own */
	for (i = it->nlinks; i-- > 0;) {
		const struct li_parent *p = it->links[i].parent;

		if (p->n)
			memcpy(eff + n, p->labels, p->n * sizeof(*eff));
		n += p->n;
	}
	memcpy(eff + n, it->own, it->nown * sizeof(*eff));
	n += it->nown;
	neff = sel_labels_sort(eff, n);

	/* which keys changed */
	changed = li_calloc(neff + nold, sizeof(*changed));
	for (i = 0, j = 0; i < nold || j < neff;) {
		int c = i == nold   ? 1
			: j == neff ? -1
				    : strcmp(old[i].key, eff[j].key);

		if (c < 0) {
			changed[nc++] = old[i++].key;
		} else if (c > 0) {
			changed[nc++] = eff[j++].key;
		} else {
			if (strcmp(old[i].value, eff[j].value))
				changed[nc++] = eff[j].key;
			i++;
			j++;
		}
	}

	/* memberships: unchanged ones move to the new array; new ones are
	 * linked before old ones are unlinked, so that a key in both is not
	 * freed and recreated */
	mem = li_calloc(neff, sizeof(*mem));
	for (i = 0, j = 0; j < neff; j++) {
		struct li_val *v;

		while (i < nold && strcmp(old[i].key, eff[j].key) < 0)
			i++;
		if (i < nold && !strcmp(old[i].key, eff[j].key) &&
		    !strcmp(old[i].value, eff[j].value)) {
			member_move(&mem[j], &oldmem[i]);
			oldmem[i].val = NULL;
			continue;
		}
		v = val_get(idx, eff[j].key, eff[j].value);
		mem[j].item = it;
		mem[j].val = v;
		DL_APPEND(v->items, &mem[j]);
		v->nitems++;
		v->key->nitems++;
	}
	for (i = 0; i < nold; i++) {
		struct li_val *v = oldmem[i].val;

		if (!v)
			continue;
		DL_DELETE(v->items, &oldmem[i]);
		v->nitems--;
		v->key->nitems--;
		val_release(idx, v);
	}
	free(old);
	free(oldmem);
	it->eff = eff;
	it->mem = mem;
	it->neff = neff;
	*nchanged = nc;
	return changed;
}

/* Does @s mention any of the @nc sorted keys @changed? */
static bool mentions(const struct li_sel *s, const char **changed, size_t nc)
{
	size_t i = 0, j = 0;

	while (i < s->nkeys && j < nc) {
		int c = strcmp(s->keys[i], changed[j]);

		if (c == 0)
			return true;
		if (c < 0)
			i++;
		else
			j++;
	}
	return false;
}

/* A selector that did not match @it before: does it now? */
static void consider(struct labelidx *idx, struct li_sel *s, struct li_item *it,
		     uint64_t op, bool is_new, const char **changed, size_t nc)
{
	if (s->stamp_seen == op)
		return;
	s->stamp_seen = op;
	if (!is_new && !mentions(s, changed, nc))
		return;
	if (eval(idx, s, it))
		pair_add(idx, s, it);
}

/*
 * Re-evaluate the selectors that may have changed their verdict on @it
 * after its effective labels changed in the keys @changed (or after it
 * appeared: @is_new).
 */
static void item_update(struct labelidx *idx, struct li_item *it, bool is_new,
			const char **changed, size_t nc)
{
	uint64_t op = ++idx->stamp;
	struct li_pair *p, *ptmp;
	struct li_sref *r;
	struct li_sel *s;
	size_t i;

	if (!is_new) {
		/* nothing to do unless a selector mentions a changed key */
		for (i = 0; i < nc; i++) {
			const struct li_key *k = key_find(idx, changed[i]);

			if (k && k->nmention)
				break;
		}
		if (i == nc)
			return;
	}
	/* the selectors it matches: do they still? */
	DL_FOREACH_SAFE2(it->pairs, p, ptmp, inext)
	{
		p->sel->stamp_seen = op;
		if (!mentions(p->sel, changed, nc))
			continue;
		if (!eval(idx, p->sel, it))
			pair_del(idx, p, true);
	}
	/* indexed selectors registered with its labels */
	for (i = 0; i < it->neff; i++) {
		struct li_val *v = it->mem[i].val;

		DL_FOREACH (v->sels, r)
			consider(idx, r->sel, it, op, is_new, changed, nc);
		DL_FOREACH (v->key->has_sels, r)
			consider(idx, r->sel, it, op, is_new, changed, nc);
	}
	/* unoptimisable selectors: all of them for a new item, else those
	 * mentioning a changed key */
	if (is_new) {
		DL_FOREACH2(idx->unopt, s, unext)
		consider(idx, s, it, op, true, NULL, 0);
		return;
	}
	for (i = 0; i < nc; i++) {
		struct li_key *k = key_find(idx, changed[i]);

		if (!k)
			continue;
		DL_FOREACH (k->unopt_sels, r)
			consider(idx, r->sel, it, op, false, changed, nc);
	}
}

static struct li_parent *parent_get(struct labelidx *idx, const char *id)
{
	struct li_parent *p;

	HASH_FIND_STR(idx->parents, id, p);
	if (!p) {
		p = li_calloc(1, sizeof(*p));
		p->id = li_strdup(id);
		HASH_ADD_KEYPTR(hh, idx->parents, p->id, strlen(p->id), p);
		idx->st.parents++;
	}
	return p;
}

static void parent_release(struct labelidx *idx, struct li_parent *p)
{
	if (p->defined || p->children)
		return;
	HASH_DEL(idx->parents, p);
	idx->st.parents--;
	free(p->id);
	free(p);
}

static void links_drop(struct labelidx *idx, struct li_link *links, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		DL_DELETE(links[i].parent->children, &links[i]);
		parent_release(idx, links[i].parent);
	}
	free(links);
}

static bool parents_equal(const struct li_item *it, const char *const *ids,
			  size_t n)
{
	size_t i;

	if (it->nlinks != n)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(it->links[i].parent->id, ids[i]))
			return false;
	return true;
}

int labelidx_item_set(struct labelidx *idx, const char *id,
		      const struct sel_label *labels, size_t n,
		      const char *const *parents, size_t np)
{
	struct sel_label *own, *oldown;
	const char **pids, **changed;
	struct li_link *links, *oldlinks;
	size_t nown, npids = 0, noldown, noldlinks, nc, i, j;
	struct li_item *it;
	bool is_new;
	int rc;

	if (!id)
		return -EINVAL;
	for (i = 0; i < np; i++)
		if (!parents[i])
			return -EINVAL;
	rc = labels_copy(labels, n, &own, &nown);
	if (rc)
		return rc;
	/* parent ids, first occurrence of each */
	pids = li_calloc(np, sizeof(*pids));
	for (i = 0; i < np; i++) {
		for (j = 0; j < npids; j++)
			if (!strcmp(pids[j], parents[i]))
				break;
		if (j == npids)
			pids[npids++] = parents[i];
	}

	HASH_FIND_STR(idx->items, id, it);
	is_new = !it;
	if (it && labels_equal(it->own, it->nown, own, nown) &&
	    parents_equal(it, pids, npids)) {
		labels_free(own, nown);
		free(pids);
		return 0;
	}
	if (is_new) {
		it = li_calloc(1, sizeof(*it));
		it->id = li_strdup(id);
		HASH_ADD_KEYPTR(hh, idx->items, it->id, strlen(it->id), it);
		idx->st.items++;
	}
	/* new parent links first, so shared parents survive */
	links = li_calloc(npids, sizeof(*links));
	for (i = 0; i < npids; i++) {
		links[i].parent = parent_get(idx, pids[i]);
		links[i].item = it;
		DL_APPEND(links[i].parent->children, &links[i]);
	}
	free(pids);
	oldlinks = it->links;
	noldlinks = it->nlinks;
	it->links = links;
	it->nlinks = npids;
	links_drop(idx, oldlinks, noldlinks);

	oldown = it->own;
	noldown = it->nown;
	it->own = own;
	it->nown = nown;
	changed = item_relabel(idx, it, &nc);
	item_update(idx, it, is_new, changed, nc);
	free(changed);
	labels_free(oldown, noldown);
	return 0;
}

static void item_free(struct labelidx *idx, struct li_item *it, bool report)
{
	struct li_pair *p, *ptmp;
	size_t i;

	DL_FOREACH_SAFE2(it->pairs, p, ptmp, inext)
	pair_del(idx, p, report);
	for (i = 0; i < it->neff; i++) {
		struct li_val *v = it->mem[i].val;

		DL_DELETE(v->items, &it->mem[i]);
		v->nitems--;
		v->key->nitems--;
		val_release(idx, v);
	}
	links_drop(idx, it->links, it->nlinks);
	HASH_DEL(idx->items, it);
	idx->st.items--;
	labels_free(it->own, it->nown);
	free(it->eff);
	free(it->mem);
	free(it->id);
	free(it);
}

int labelidx_item_del(struct labelidx *idx, const char *id)
{
	struct li_item *it;

	if (!id)
		return -ENOENT;
	HASH_FIND_STR(idx->items, id, it);
	if (!it)
		return -ENOENT;
	item_free(idx, it, true);
	return 0;
}

/* ---- parents
 * ------------------------------------------------------------------ */

/* Does @l's item take @key from somewhere before @l's parent (its own
 * labels or an earlier parent)? */
static bool overridden(const struct li_link *l, const char *key)
{
	const struct li_item *it = l->item;
	struct sel_labels own = { it->own, it->nown };
	const struct li_link *e;

	if (sel_labels_get(&own, key))
		return true;
	for (e = it->links; e < l; e++) {
		struct sel_labels pl = { e->parent->labels, e->parent->n };

		if (sel_labels_get(&pl, key))
			return true;
	}
	return false;
}

/*
 * @p's labels were replaced: re-evaluate those of its children whose
 * effective labels change, then free the old labels. The new labels adopt
 * the strings of the old ones they repeat, so that the children that are
 * not re-evaluated (they see none of the change) keep valid pointers;
 * those that are had their old effective labels pointing into @old.
 */
static void parent_changed(struct labelidx *idx, struct li_parent *p,
			   struct sel_label *old, size_t nold)
{
	struct sel_label *cur = p->labels;
	const char **pchanged;
	size_t npc = 0, i, j, n = p->n;
	struct li_link *l;

	/* the keys the parent changed */
	pchanged = li_calloc(n + nold, sizeof(*pchanged));
	for (i = 0, j = 0; i < nold || j < n;) {
		int c = i == nold ? 1
			: j == n  ? -1
				  : strcmp(old[i].key, cur[j].key);

		if (c < 0) {
			pchanged[npc++] = old[i++].key;
		} else if (c > 0) {
			pchanged[npc++] = cur[j++].key;
		} else {
			if (strcmp(old[i].value, cur[j].value)) {
				pchanged[npc++] = cur[j].key;
			} else {
				free((char *)cur[j].key);
				free((char *)cur[j].value);
				cur[j] = old[i];
				old[i].key = NULL;
				old[i].value = NULL;
			}
			i++;
			j++;
		}
	}
	DL_FOREACH (p->children, l) {
		size_t nc;
		const char **changed;

		for (i = 0; i < npc; i++)
			if (!overridden(l, pchanged[i]))
				break;
		if (i == npc)
			continue; /* the child sees none of it */
		changed = item_relabel(idx, l->item, &nc);
		item_update(idx, l->item, false, changed, nc);
		free(changed);
	}
	free(pchanged);
	labels_free(old, nold);
}

int labelidx_parent_set(struct labelidx *idx, const char *id,
			const struct sel_label *labels, size_t n)
{
	struct sel_label *v, *old;
	struct li_parent *p;
	size_t nv, nold;
	int rc;

	if (!id)
		return -EINVAL;
	rc = labels_copy(labels, n, &v, &nv);
	if (rc)
		return rc;
	p = parent_get(idx, id);
	if (p->defined && labels_equal(p->labels, p->n, v, nv)) {
		labels_free(v, nv);
		return 0;
	}
	old = p->labels;
	nold = p->n;
	p->labels = v;
	p->n = nv;
	p->defined = true;
	parent_changed(idx, p, old, nold);
	return 0;
}

int labelidx_parent_del(struct labelidx *idx, const char *id)
{
	struct sel_label *old;
	struct li_parent *p;
	size_t nold;

	if (!id)
		return -ENOENT;
	HASH_FIND_STR(idx->parents, id, p);
	if (!p || !p->defined)
		return -ENOENT;
	old = p->labels;
	nold = p->n;
	p->labels = NULL;
	p->n = 0;
	p->defined = false;
	parent_changed(idx, p, old, nold);
	parent_release(idx, p);
	return 0;
}

/* ---- selectors
 * ----------------------------------------------------------------- */

/* Items carrying @t's key with one of its values (or any, for has). */
static size_t term_cost(const struct labelidx *idx, const struct sel_term *t)
{
	const struct li_key *k = key_find(idx, t->key);
	size_t i, cost = 0;

	if (!k)
		return 0;
	if (t->has)
		return k->nitems;
	for (i = 0; i < t->n; i++) {
		const struct li_val *v = val_find(k, t->values[i]);

		if (v)
			cost += v->nitems;
	}
	return cost;
}

/* Register @s under its cheapest indexable term, or as unoptimisable. */
static void sel_register(struct labelidx *idx, struct li_sel *s)
{
	struct sel_term *terms;
	size_t nt = sel_index_terms(s->sel, NULL, 0), i, best = 0, bcost = 0;

	s->nkeys = sel_keys(s->sel, NULL, 0);
	s->keys = li_calloc(s->nkeys, sizeof(*s->keys));
	sel_keys(s->sel, s->keys, s->nkeys);
	for (i = 0; i < s->nkeys; i++)
		key_get(idx, s->keys[i])->nmention++;
	if (nt == 0) {
		s->kind = LI_UNOPT;
		s->nrefs = s->nkeys;
		s->refs = li_calloc(s->nrefs, sizeof(*s->refs));
		for (i = 0; i < s->nkeys; i++) {
			struct li_key *k = key_get(idx, s->keys[i]);

			s->refs[i].sel = s;
			s->refs[i].owner = k;
			DL_APPEND(k->unopt_sels, &s->refs[i]);
		}
		DL_APPEND2(idx->unopt, s, uprev, unext);
		idx->st.sels_unoptimised++;
		return;
	}
	idx->st.sels_optimised++;
	terms = li_calloc(nt, sizeof(*terms));
	sel_index_terms(s->sel, terms, nt);
	for (i = 0; i < nt; i++) {
		size_t cost;

		if (!terms[i].has && terms[i].n == 0) {
			s->kind = LI_NONE;
			free(terms);
			return;
		}
		cost = term_cost(idx, &terms[i]);
		/* fewest items; on a tie, values before has() */
		if (i == 0 || cost < bcost ||
		    (cost == bcost && terms[best].has && !terms[i].has)) {
			best = i;
			bcost = cost;
		}
	}
	if (terms[best].has) {
		struct li_key *k = key_get(idx, terms[best].key);

		s->kind = LI_HAS;
		s->nrefs = 1;
		s->refs = li_calloc(1, sizeof(*s->refs));
		s->refs[0].sel = s;
		s->refs[0].owner = k;
		DL_APPEND(k->has_sels, &s->refs[0]);
	} else {
		s->kind = LI_VALUES;
		s->nrefs = terms[best].n;
		s->refs = li_calloc(s->nrefs, sizeof(*s->refs));
		for (i = 0; i < s->nrefs; i++) {
			struct li_val *v = val_get(idx, terms[best].key,
						   terms[best].values[i]);

			s->refs[i].sel = s;
			s->refs[i].owner = v;
			DL_APPEND(v->sels, &s->refs[i]);
		}
	}
	free(terms);
}

static void sel_unregister(struct labelidx *idx, struct li_sel *s)
{
	size_t i;

	for (i = 0; i < s->nrefs; i++) {
		struct li_sref *r = &s->refs[i];

		if (s->kind == LI_VALUES) {
			struct li_val *v = r->owner;

			DL_DELETE(v->sels, r);
			val_release(idx, v);
		} else if (s->kind == LI_HAS) {
			struct li_key *k = r->owner;

			DL_DELETE(k->has_sels, r);
			key_release(idx, k);
		} else {
			struct li_key *k = r->owner;

			DL_DELETE(k->unopt_sels, r);
			key_release(idx, k);
		}
	}
	if (s->kind == LI_UNOPT) {
		DL_DELETE2(idx->unopt, s, uprev, unext);
		idx->st.sels_unoptimised--;
	} else {
		idx->st.sels_optimised--;
	}
	free(s->refs);
	s->refs = NULL;
	s->nrefs = 0;
	for (i = 0; i < s->nkeys; i++) {
		struct li_key *k = key_find(idx, s->keys[i]);

		k->nmention--;
		key_release(idx, k);
	}
	free(s->keys);
	s->keys = NULL;
	s->nkeys = 0;
}

/* @it is a candidate for @s: record a new match, or that an old one
 * holds. */
static void sel_candidate(struct labelidx *idx, struct li_sel *s,
			  struct li_item *it, uint64_t op)
{
	if (!eval(idx, s, it))
		return;
	if (it->stamp_old == op)
		it->stamp_keep = op;
	else
		pair_add(idx, s, it);
}

static void sel_candidates_of_val(struct labelidx *idx, struct li_sel *s,
				  struct li_val *v, uint64_t op)
{
	struct li_member *m;

	DL_FOREACH (v->items, m)
		sel_candidate(idx, s, m->item, op);
}

int labelidx_sel_set(struct labelidx *idx, const char *id, struct sel *sel)
{
	uint64_t op = ++idx->stamp;
	struct li_pair *p, *ptmp;
	struct li_item *it, *itmp;
	struct li_sel *s;
	size_t i;

	if (!id || !sel)
		return -EINVAL;
	HASH_FIND_STR(idx->sels, id, s);
	if (s && sel_equal(s->sel, sel))
		return 0;
	if (s) {
		/* replace: remember what matched, then re-register */
		DL_FOREACH2(s->pairs, p, snext)
		p->item->stamp_old = op;
		sel_unregister(idx, s);
		sel_put(s->sel);
	} else {
		s = li_calloc(1, sizeof(*s));
		s->id = li_strdup(id);
		HASH_ADD_KEYPTR(hh, idx->sels, s->id, strlen(s->id), s);
	}
	s->sel = sel_get(sel);
	sel_register(idx, s);

	switch (s->kind) {
	case LI_VALUES:
		for (i = 0; i < s->nrefs; i++)
			sel_candidates_of_val(idx, s, s->refs[i].owner, op);
		break;
	case LI_HAS: {
		struct li_key *k = s->refs[0].owner;
		struct li_val *v, *vtmp;

		HASH_ITER (hh, k->vals, v, vtmp)
			sel_candidates_of_val(idx, s, v, op);
		break;
	}
	case LI_UNOPT:
		idx->st.scans++;
		HASH_ITER (hh, idx->items, it, itmp)
			sel_candidate(idx, s, it, op);
		break;
	case LI_NONE:
		break;
	}
	/* old matches that were not confirmed stop */
	DL_FOREACH_SAFE2(s->pairs, p, ptmp, snext)
	{
		if (p->item->stamp_old == op && p->item->stamp_keep != op)
			pair_del(idx, p, true);
	}
	return 0;
}

static void sel_free(struct labelidx *idx, struct li_sel *s, bool report)
{
	struct li_pair *p, *ptmp;

	DL_FOREACH_SAFE2(s->pairs, p, ptmp, snext)
	pair_del(idx, p, report);
	sel_unregister(idx, s);
	HASH_DEL(idx->sels, s);
	sel_put(s->sel);
	free(s->id);
	free(s);
}

int labelidx_sel_del(struct labelidx *idx, const char *id)
{
	struct li_sel *s;

	if (!id)
		return -ENOENT;
	HASH_FIND_STR(idx->sels, id, s);
	if (!s)
		return -ENOENT;
	sel_free(idx, s, true);
	return 0;
}

/* ---- the index
 * ------------------------------------------------------------------ */

struct labelidx *labelidx_new(labelidx_cb cb, void *ctx)
{
	struct labelidx *idx = calloc(1, sizeof(*idx));

	if (idx) {
		idx->cb = cb;
		idx->ctx = ctx;
	}
	return idx;
}

void labelidx_free(struct labelidx *idx)
{
	struct li_parent *p, *ptmp;
	struct li_item *it, *itmp;
	struct li_sel *s, *stmp;

	if (!idx)
		return;
	HASH_ITER (hh, idx->sels, s, stmp)
		sel_free(idx, s, false);
	HASH_ITER (hh, idx->items, it, itmp)
		item_free(idx, it, false);
	HASH_ITER (hh, idx->parents, p, ptmp) {
		labels_free(p->labels, p->n);
		p->labels = NULL;
		p->n = 0;
		p->defined = false;
		parent_release(idx, p);
	}
	free(idx);
}

/* ---- queries
 * ---------------------------------------------------------------------- */

bool labelidx_matches(const struct labelidx *idx, const char *sel_id,
		      const char *item_id)
{
	struct li_item *it;
	struct li_sel *s;
	struct li_pair *p;

	if (!sel_id || !item_id)
		return false;
	HASH_FIND_STR(idx->sels, sel_id, s);
	HASH_FIND_STR(idx->items, item_id, it);
	if (!s || !it)
		return false;
	if (s->npairs < it->npairs) {
		DL_FOREACH2(s->pairs, p, snext)
		if (p->item == it)
			return true;
	} else {
		DL_FOREACH2(it->pairs, p, inext)
		if (p->sel == s)
			return true;
	}
	return false;
}

long labelidx_foreach_item(const struct labelidx *idx, const char *sel_id,
			   void (*fn)(void *ctx, const char *item_id),
			   void *ctx)
{
	struct li_sel *s;
	struct li_pair *p;

	if (!sel_id)
		return -ENOENT;
	HASH_FIND_STR(idx->sels, sel_id, s);
	if (!s)
		return -ENOENT;
	DL_FOREACH2(s->pairs, p, snext)
	fn(ctx, p->item->id);
	return (long)s->npairs;
}

long labelidx_foreach_sel(const struct labelidx *idx, const char *item_id,
			  void (*fn)(void *ctx, const char *sel_id), void *ctx)
{
	struct li_item *it;
	struct li_pair *p;

	if (!item_id)
		return -ENOENT;
	HASH_FIND_STR(idx->items, item_id, it);
	if (!it)
		return -ENOENT;
	DL_FOREACH2(it->pairs, p, inext)
	fn(ctx, p->sel->id);
	return (long)it->npairs;
}

int labelidx_item_labels(const struct labelidx *idx, const char *item_id,
			 struct sel_labels *out)
{
	struct li_item *it;

	if (!item_id)
		return -ENOENT;
	HASH_FIND_STR(idx->items, item_id, it);
	if (!it)
		return -ENOENT;
	out->v = it->eff;
	out->n = it->neff;
	return 0;
}

void labelidx_get_stats(const struct labelidx *idx, struct labelidx_stats *st)
{
	*st = idx->st;
}
