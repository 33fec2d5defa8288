// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon's resource store (store.h): struct rset plus the index of
 * what each source gave, so that every change reaches compile.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "store.h"

struct skey {
	int kind;
	char *ns, *name;
};

struct ssrc {
	char *key; /* group \x1f kind \x1f ns \x1f name */
	struct skey *keys;
	size_t n;
	bool marked;
	UT_hash_handle hh;
};

struct dstore {
	struct rset *rs;
	struct cmp *c;
	struct ssrc *srcs;
	struct dstore_stats st;
};

static const char *const builtin_json[] = {
	"{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Tier\","
	"\"metadata\":{\"name\":\"default\"},"
	"\"spec\":{\"order\":1000000,\"defaultAction\":\"Deny\"}}",
	"{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Tier\","
	"\"metadata\":{\"name\":\"kube-admin\"},"
	"\"spec\":{\"order\":1000,\"defaultAction\":\"Pass\"}}",
	"{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Tier\","
	"\"metadata\":{\"name\":\"kube-baseline\"},"
	"\"spec\":{\"order\":10000000,\"defaultAction\":\"Pass\"}}",
	"{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Profile\","
	"\"metadata\":{\"name\":\"projectcalico-default-allow\"},"
	"\"spec\":{\"ingress\":[{\"action\":\"Allow\"}],"
	"\"egress\":[{\"action\":\"Allow\"}]}}",
};

static char *src_key(const char *api, const char *kind, const char *ns,
		     const char *name)
{
	const char *slash = api ? strchr(api, '/') : NULL;
	size_t glen = slash ? (size_t)(slash - api) : 0;
	char *k;

	if (asprintf(&k, "%.*s\x1f%s\x1f%s\x1f%s", (int)glen, api ? api : "",
		     kind ? kind : "", ns ? ns : "", name ? name : "") < 0)
		abort();
	return k;
}

struct dstore *dstore_new(struct cmp *c)
{
	struct dstore *s = calloc(1, sizeof(*s));
	struct res **v = NULL;
	size_t n, i;

	if (!s)
		abort();
	s->rs = rset_new(true);
	s->c = c;
	n = rset_list(s->rs, -1, NULL, &v);
	for (i = 0; i < n; i++)
		cmp_upsert(c, v[i]);
	free(v);
	return s;
}

static void keys_free(struct skey *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(k[i].ns);
		free(k[i].name);
	}
	free(k);
}

void dstore_free(struct dstore *s)
{
	struct ssrc *e, *tmp;

	if (!s)
		return;
	HASH_ITER (hh, s->srcs, e, tmp) {
		HASH_DEL(s->srcs, e);
		keys_free(e->keys, e->n);
		free(e->key);
		free(e);
	}
	rset_free(s->rs);
	free(s);
}

/* A built-in tier or profile the deletion of @k removed: put it back. */
static void restore_builtin(struct dstore *s, const struct skey *k)
{
	struct res_list l = { 0 };
	struct diags d;
	struct json_object *o;
	size_t i;

	if (k->kind != RES_TIER && k->kind != RES_PROFILE)
		return;
	for (i = 0; i < sizeof(builtin_json) / sizeof(builtin_json[0]); i++) {
		o = json_tokener_parse(builtin_json[i]);
		diags_init(&d);
		res_parse_object(o, 0, &l, &d);
		diags_release(&d);
		json_object_put(o);
		if (l.n == 1 && (int)l.v[0]->kind == k->kind &&
		    !strcmp(l.v[0]->name, k->name)) {
			struct res *r = l.v[0];

			r->builtin = true;
			l.n = 0;
			rset_put(s->rs, r, NULL);
			cmp_upsert(s->c, r);
			s->st.changes++;
		}
		res_list_release(&l);
	}
}

/*
 * What source @skey gives is now @l (taken; NULL or empty: nothing).
 * Returns the resources that changed.
 */
static int apply_source(struct dstore *s, struct ssrc *src, const char *api,
			const char *kind, const char *ns, const char *name,
			struct res_list *l)
{
	struct skey *nk = NULL;
	bool *changed = NULL;
	size_t n = l ? l->n : 0, i, j;
	int count = 0;

	if (n) {
		nk = calloc(n, sizeof(*nk));
		changed = calloc(n, sizeof(*changed));
		if (!nk || !changed)
			abort();
	}
	for (i = 0; i < n; i++) {
		struct res *r = l->v[i];
		struct res *cur = rset_get(s->rs, r->kind, r->ns, r->name);

		nk[i].kind = (int)r->kind;
		nk[i].ns = strdup(r->ns);
		nk[i].name = strdup(r->name);
		if (!nk[i].ns || !nk[i].name)
			abort();
		changed[i] = !cur || !res_equal(cur, r);
	}
	rset_apply_source(s->rs, api, kind, ns, name, l);
	for (i = 0; i < n; i++) {
		struct res *r;

		if (!changed[i])
			continue;
		r = rset_get(s->rs, nk[i].kind, nk[i].ns, nk[i].name);
		if (r) {
			cmp_upsert(s->c, r);
			count++;
		}
	}
	for (i = 0; src && i < src->n; i++) {
		const struct skey *k = &src->keys[i];
		bool kept = false;

		for (j = 0; j < n && !kept; j++)
			kept = k->kind == nk[j].kind &&
			       !strcmp(k->ns, nk[j].ns) &&
			       !strcmp(k->name, nk[j].name);
		if (kept || rset_get(s->rs, k->kind, k->ns, k->name))
			continue;
		cmp_delete(s->c, k->kind, k->ns, k->name);
		count++;
		restore_builtin(s, k);
	}
	free(changed);
	if (src) {
		keys_free(src->keys, src->n);
		src->keys = nk;
		src->n = n;
		src->marked = false;
		if (!n) {
			HASH_DEL(s->srcs, src);
			free(src->key);
			free(src);
		}
	} else if (n) {
		src = calloc(1, sizeof(*src));
		if (!src)
			abort();
		src->key = src_key(api, kind, ns, name);
		src->keys = nk;
		src->n = n;
		HASH_ADD_KEYPTR(hh, s->srcs, src->key, strlen(src->key), src);
	}
	s->st.changes += (uint64_t)count;
	return count;
}

int dstore_apply(struct dstore *s, const struct ds_event *ev, struct diags *d)
{
	struct res_list l = { 0 };
	struct ssrc *src;
	char *key = src_key(ev->api_version, ev->kind, ev->ns, ev->name);
	int ret = 0, n;

	HASH_FIND_STR(s->srcs, key, src);
	free(key);
	if (ev->type == DS_UPSERT && ev->obj) {
		ret = res_parse_object(ev->obj, RES_F_LENIENT, &l, d);
		if (ret) {
			s->st.invalid++;
			res_list_release(&l);
			memset(&l, 0, sizeof(l));
		}
	}
	n = apply_source(s, src, ev->api_version, ev->kind, ev->ns, ev->name,
			 &l);
	res_list_release(&l);
	return ret ? -EINVAL : n;
}

static bool group_eq(const char *skey, const char *api)
{
	const char *slash = strchr(api, '/');
	size_t glen = slash ? (size_t)(slash - api) : 0;
	const char *sep = strchr(skey, '\x1f');

	return sep && (size_t)(sep - skey) == glen && !strncmp(skey, api, glen);
}

static bool kind_eq(const char *skey, const char *kind)
{
	const char *a = strchr(skey, '\x1f'), *b;

	if (!a)
		return false;
	b = strchr(a + 1, '\x1f');
	return b && (size_t)(b - a - 1) == strlen(kind) &&
	       !strncmp(a + 1, kind, strlen(kind));
}

void dstore_mark(struct dstore *s, const char *api_version, const char *kind)
{
	struct ssrc *e, *tmp;

	HASH_ITER (hh, s->srcs, e, tmp) {
		if (api_version && !group_eq(e->key, api_version))
			continue;
		if (kind && !kind_eq(e->key, kind))
			continue;
		e->marked = true;
	}
}

size_t dstore_sweep(struct dstore *s)
{
	struct ssrc *e, *tmp;
	size_t changed = 0;

	HASH_ITER (hh, s->srcs, e, tmp) {
		char *parts[4], *k, *p;
		int i;

		if (!e->marked)
			continue;
		/* the key holds the source's identity; the group stands in
		 * for the apiVersion (only the group is compared) */
		k = strdup(e->key);
		if (!k)
			abort();
		for (i = 0, p = k; i < 4; i++) {
			parts[i] = p;
			p = strchr(p, '\x1f');
			if (p)
				*p++ = '\0';
			else
				p = k + strlen(k);
		}
		{
			char *api = NULL;

			if (*parts[0] && asprintf(&api, "%s/x", parts[0]) < 0)
				abort();
			changed += (size_t)apply_source(
				s, e, api, parts[1], parts[2], parts[3], NULL);
			free(api);
		}
		free(k);
	}
	return changed;
}

struct rset *dstore_rset(struct dstore *s)
{
	return s->rs;
}

void dstore_get_stats(const struct dstore *s, struct dstore_stats *st)
{
	*st = s->st;
	st->sources = HASH_COUNT(s->srcs);
}
