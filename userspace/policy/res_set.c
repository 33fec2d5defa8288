// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The resource store (res.h: rset_*): resources keyed by kind, namespace
 * and name (uthash), an index of what each source object gave (for
 * datastores), the built-in tiers and profile, loading files and
 * directories with duplicate detection and cross-resource warnings, and
 * semantic equality.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uthash.h>
#include "res_int.h"

struct rentry {
	char *key;
	struct res *r;
	UT_hash_handle hh;
};

struct sentry {
	char *key;
	char **keys; /* the resources this source gave */
	size_t n;
	bool marked; /* a relist has not given it again yet */
	UT_hash_handle hh;
};

struct rset {
	struct rentry *by_key;
	struct sentry *by_src;
	uint64_t gen;
	size_t count[RES_KIND_MAX];
};

static char *make_key(enum res_kind kind, const char *ns, const char *name)
{
	size_t n = strlen(ns) + strlen(name) + 8;
	char *k = doc_xalloc(NULL, n);

	snprintf(k, n, "%u\x1f%s\x1f%s", (unsigned int)kind,
		 res_kind_namespaced(kind) ? ns : "", name);
	return k;
}

static char *src_key(const char *api, const char *kind, const char *ns,
		     const char *name)
{
	const char *slash = api ? strchr(api, '/') : NULL;
	size_t glen = slash ? (size_t)(slash - api) : 0;
	size_t n = glen + strlen(kind) + strlen(ns) + strlen(name) + 8;
	char *k = doc_xalloc(NULL, n);

	/* the group, not the version: v1alpha1 and v1alpha2 of one kind are
	 * one object */
	snprintf(k, n, "%.*s\x1f%s\x1f%s\x1f%s", (int)glen, api ? api : "",
		 kind, ns, name);
	return k;
}

struct rset *rset_new(bool builtins)
{
	struct rset *s = doc_xalloc(NULL, sizeof(*s));
	static const struct {
		const char *name;
		double order;
		enum res_action action;
	} tiers[] = {
		{ "default", 1000000, RES_DENY },
		{ "kube-admin", 1000, RES_PASS },
		{ "kube-baseline", 10000000, RES_PASS },
	};
	struct res *r;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!builtins)
		return s;
	for (i = 0; i < 3; i++) {
		r = res_alloc(RES_TIER);
		r->name = tiers[i].name;
		r->builtin = true;
		r->tier.has_order = true;
		r->tier.order = tiers[i].order;
		r->tier.default_action = tiers[i].action;
		r->src.kind = "Tier";
		r->src.ns = "";
		r->src.name = r->name;
		rset_put(s, r, NULL);
	}
	r = res_alloc(RES_PROFILE);
	r->name = "projectcalico-default-allow";
	r->builtin = true;
	r->prof.ingress = res_zalloc(r, sizeof(*r->prof.ingress));
	r->prof.egress = res_zalloc(r, sizeof(*r->prof.egress));
	r->prof.ingress[0].action = RES_ALLOW;
	r->prof.egress[0].action = RES_ALLOW;
	r->prof.n_ingress = r->prof.n_egress = 1;
	r->src.kind = "Profile";
	r->src.ns = "";
	r->src.name = r->name;
	rset_put(s, r, NULL);
	s->gen = 0;
	return s;
}

void rset_free(struct rset *s)
{
	struct rentry *e, *tmp;
	struct sentry *se, *stmp;
	size_t i;

	if (!s)
		return;
	HASH_ITER (hh, s->by_key, e, tmp) {
		HASH_DEL(s->by_key, e);
		res_free(e->r);
		free(e->key);
		free(e);
	}
	HASH_ITER (hh, s->by_src, se, stmp) {
		HASH_DEL(s->by_src, se);
		for (i = 0; i < se->n; i++)
			free(se->keys[i]);
		free(se->keys);
		free(se->key);
		free(se);
	}
	free(s);
}

size_t rset_count(const struct rset *s, int kind)
{
	size_t n = 0;
	int k;

	if (kind >= 0 && kind < RES_KIND_MAX)
		return s->count[kind];
	for (k = 0; k < RES_KIND_MAX; k++)
		n += s->count[k];
	return n;
}

uint64_t rset_generation(const struct rset *s)
{
	return s->gen;
}

struct res *rset_get(const struct rset *s, enum res_kind kind, const char *ns,
		     const char *name)
{
	struct rentry *e;
	char *k = make_key(kind, ns ? ns : "", name);

	HASH_FIND_STR(s->by_key, k, e);
	free(k);
	return e ? e->r : NULL;
}

void rset_put(struct rset *s, struct res *r, struct res **old)
{
	struct rentry *e;
	char *k = make_key(r->kind, r->ns, r->name);

	if (old)
		*old = NULL;
	HASH_FIND_STR(s->by_key, k, e);
	if (e) {
		free(k);
		if (old)
			*old = e->r;
		else
			res_free(e->r);
		e->r = r;
	} else {
		e = doc_xalloc(NULL, sizeof(*e));
		e->key = k;
		e->r = r;
		HASH_ADD_KEYPTR(hh, s->by_key, e->key, strlen(e->key), e);
		s->count[r->kind]++;
	}
	s->gen++;
}

static int del_key(struct rset *s, const char *k)
{
	struct rentry *e;

	HASH_FIND_STR(s->by_key, k, e);
	if (!e)
		return -ENOENT;
	HASH_DEL(s->by_key, e);
	s->count[e->r->kind]--;
	res_free(e->r);
	free(e->key);
	free(e);
	s->gen++;
	return 0;
}

int rset_del(struct rset *s, enum res_kind kind, const char *ns,
	     const char *name)
{
	char *k = make_key(kind, ns ? ns : "", name);
	int ret = del_key(s, k);

	free(k);
	return ret;
}

static bool same_source(const struct res *r, const char *skey)
{
	char *k = src_key(r->src.api_version, r->src.kind ? r->src.kind : "",
			  r->src.ns ? r->src.ns : "",
			  r->src.name ? r->src.name : "");
	bool same = !strcmp(k, skey);

	free(k);
	return same;
}

void rset_apply_source(struct rset *s, const char *api_version,
		       const char *kind, const char *ns, const char *name,
		       struct res_list *l)
{
	char *skey = src_key(api_version, kind, ns ? ns : "", name);
	struct sentry *se;
	struct rentry *e;
	size_t i;

	HASH_FIND_STR(s->by_src, skey, se);
	if (se) {
		/* forget what it gave before, unless another source has
		 * since replaced it */
		for (i = 0; i < se->n; i++) {
			HASH_FIND_STR(s->by_key, se->keys[i], e);
			if (e && same_source(e->r, skey))
				del_key(s, se->keys[i]);
			free(se->keys[i]);
		}
		se->n = 0;
	}
	if (!l || !l->n) {
		if (se) {
			HASH_DEL(s->by_src, se);
			free(se->keys);
			free(se->key);
			free(se);
		}
		free(skey);
		return;
	}
	if (!se) {
		se = doc_xalloc(NULL, sizeof(*se));
		memset(se, 0, sizeof(*se));
		se->key = skey;
		HASH_ADD_KEYPTR(hh, s->by_src, se->key, strlen(se->key), se);
	} else {
		free(skey);
	}
	se->marked = false;
	se->keys = doc_xalloc(se->keys, l->n * sizeof(*se->keys));
	for (i = 0; i < l->n; i++) {
		se->keys[se->n++] =
			make_key(l->v[i]->kind, l->v[i]->ns, l->v[i]->name);
		rset_put(s, l->v[i], NULL);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Does source key @skey (group, kind, ns, name) have @group and @kind? */
static bool source_matches(const char *skey, const char *api_version,
			   const char *kind)
{
	const char *sep = strchr(skey, '\x1f'), *sep2;
	const char *slash = api_version ? strchr(api_version, '/') : NULL;
	size_t glen = slash ? (size_t)(slash - api_version) : 0;

	if (!sep)
		return false;
	if (api_version &&
	    ((size_t)(sep - skey) != glen || strncmp(skey, api_version, glen)))
		return false;
	sep2 = strchr(sep + 1, '\x1f');
	if (!sep2)
		return false;
	return !kind || ((size_t)(sep2 - sep - 1) == strlen(kind) &&
			 !strncmp(sep + 1, kind, strlen(kind)));
}

void rset_mark_sources(struct rset *s, const char *api_version,
		       const char *kind)
{
	struct sentry *se, *tmp;

	HASH_ITER (hh, s->by_src, se, tmp) {
		if (source_matches(se->key, api_version, kind))
			se->marked = true;
	}
}

size_t rset_sweep_sources(struct rset *s)
{
	struct sentry *se, *tmp;
	struct rentry *e;
	size_t i, n = 0;

	HASH_ITER (hh, s->by_src, se, tmp) {
		if (!se->marked)
			continue;
		for (i = 0; i < se->n; i++) {
			HASH_FIND_STR(s->by_key, se->keys[i], e);
			if (e && same_source(e->r, se->key))
				del_key(s, se->keys[i]);
			free(se->keys[i]);
		}
		HASH_DEL(s->by_src, se);
		free(se->keys);
		free(se->key);
		free(se);
		n++;
	}
	return n;
}

static int res_cmp(const void *pa, const void *pb)
{
	const struct res *a = *(struct res *const *)pa;
	const struct res *b = *(struct res *const *)pb;
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	c = strcmp(a->ns, b->ns);
	return c ? c : strcmp(a->name, b->name);
}

size_t rset_list(const struct rset *s, int kind, const char *ns,
		 struct res ***out)
{
	struct rentry *e, *tmp;
	struct res **v;
	size_t n = 0;

	v = doc_xalloc(NULL, (rset_count(s, -1) + 1) * sizeof(*v));
	HASH_ITER (hh, s->by_key, e, tmp) {
		if (kind >= 0 && e->r->kind != (enum res_kind)kind)
			continue;
		if (ns && res_kind_namespaced(e->r->kind) &&
		    strcmp(e->r->ns, ns))
			continue;
		v[n++] = e->r;
	}
	qsort(v, n, sizeof(*v), res_cmp);
	*out = v;
	return n;
}

/* --- loading ---------------------------------------------------------- */

static bool manifest_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static void res_where(const struct res *r, char *buf, size_t size)
{
	if (r->src.file && r->src.line)
		snprintf(buf, size, "%s:%u:%u", r->src.file, r->src.line,
			 r->src.col);
	else if (r->src.file)
		snprintf(buf, size, "%s", r->src.file);
	else if (r->src.origin)
		snprintf(buf, size, "%s", r->src.origin);
	else
		snprintf(buf, size, "(unknown)");
}

/* "Namespace frontend", or "Profile kns.frontend (from Namespace
 * frontend)" when the resource was converted from another kind */
static void describe(const struct res *r, bool with_source, char *buf,
		     size_t size)
{
	const char *kind = res_kind_name(r->kind);
	const struct res_src *s = &r->src;

	if (!with_source || !s->kind || !strcmp(s->kind, kind))
		snprintf(buf, size, "%s %s%s%s", kind, r->ns, *r->ns ? "/" : "",
			 r->name);
	else
		snprintf(buf, size, "%s %s%s%s (from %s %s%s%s)", kind, r->ns,
			 *r->ns ? "/" : "", r->name, s->kind, s->ns,
			 *s->ns ? "/" : "", s->name);
}

static bool same_origin(const struct res *a, const struct res *b)
{
	return a->src.kind && b->src.kind &&
	       !strcmp(a->src.kind, b->src.kind) &&
	       !strcmp(a->src.ns, b->src.ns) &&
	       !strcmp(a->src.name, b->src.name);
}

static void load_doc(struct rset *s, const struct doc *doc, unsigned int flags,
		     struct diags *d)
{
	struct res_list l = { 0 };
	char where[512], what[512], first[512];
	struct res *old;
	size_t i, k;

	for (i = 0; i < doc->n; i++) {
		res_parse(doc, doc->roots[i], flags, &l, d);
		for (k = 0; k < l.n; k++) {
			struct res *r = l.v[k];

			old = rset_get(s, r->kind, r->ns, r->name);
			if (old && !old->builtin) {
				res_where(old, where, sizeof(where));
				if (same_origin(r, old)) {
					snprintf(what, sizeof(what),
						 "%s %s%s%s", r->src.kind,
						 r->src.ns,
						 *r->src.ns ? "/" : "",
						 r->src.name);
					first[0] = 0;
				} else {
					describe(r, true, what, sizeof(what));
					describe(old, true, first,
						 sizeof(first));
				}
				diag_add(d, DIAG_ERROR, r->src.file,
					 r->src.origin, r->src.line, r->src.col,
					 "",
					 "%s is defined twice: first at %s%s%s",
					 what, where, *first ? " as " : "",
					 first);
				res_free(r);
				continue;
			}
			rset_put(s, r, NULL);
		}
		free(l.v);
		memset(&l, 0, sizeof(l));
	}
}

static int load_path(struct rset *s, const char *path, unsigned int flags,
		     struct diags *d)
{
	struct dirent **ents = NULL;
	struct stat st;
	struct doc doc;
	char *full;
	int n, i, ret = 0;

	if (strcmp(path, "-") && stat(path, &st)) {
		diag_add(d, DIAG_ERROR, path, NULL, 0, 0, "", "%s",
			 strerror(errno));
		return -errno;
	}
	if (strcmp(path, "-") && S_ISDIR(st.st_mode)) {
		n = scandir(path, &ents, NULL, alphasort);
		if (n < 0) {
			diag_add(d, DIAG_ERROR, path, NULL, 0, 0, "", "%s",
				 strerror(errno));
			return -errno;
		}
		for (i = 0; i < n; i++) {
			size_t len = strlen(path) + strlen(ents[i]->d_name) + 2;

			if (manifest_name(ents[i]->d_name)) {
				full = doc_xalloc(NULL, len);
				snprintf(full, len, "%s%s%s", path,
					 path[strlen(path) - 1] == '/' ? ""
								       : "/",
					 ents[i]->d_name);
				if (!stat(full, &st) && S_ISREG(st.st_mode)) {
					doc_read_file(&doc, full, d);
					load_doc(s, &doc, flags, d);
					doc_release(&doc);
				}
				free(full);
			}
			free(ents[i]);
		}
		free(ents);
		return ret;
	}
	doc_read_file(&doc, path, d);
	load_doc(s, &doc, flags, d);
	doc_release(&doc);
	return ret;
}

static void cross_checks(struct rset *s, struct diags *d)
{
	struct res **v;
	size_t n, i, k;

	n = rset_list(s, -1, NULL, &v);
	for (i = 0; i < n; i++) {
		const struct res *r = v[i];
		const char **profiles = NULL;
		size_t n_profiles = 0;

		if (r->builtin)
			continue;
		if (res_kind_is_policy(r->kind) &&
		    !rset_get(s, RES_TIER, "", r->pol.tier))
			diag_add(
				d, DIAG_WARNING, r->src.file, r->src.origin,
				r->pol.tier_line ? r->pol.tier_line
						 : r->src.line,
				r->pol.tier_line ? r->pol.tier_col : r->src.col,
				"spec.tier",
				"\"%s\": no Tier of that name is defined; Calico refuses a policy in a tier that does not exist",
				r->pol.tier);
		if (r->kind == RES_WEP) {
			profiles = r->wep.profiles;
			n_profiles = r->wep.n_profiles;
		} else if (r->kind == RES_HEP) {
			profiles = r->hep.profiles;
			n_profiles = r->hep.n_profiles;
		}
		for (k = 0; k < n_profiles; k++)
			if (!rset_get(s, RES_PROFILE, "", profiles[k]))
				diag_add(
					d, DIAG_WARNING, r->src.file,
					r->src.origin, r->src.line, r->src.col,
					"",
					"%s %s%s%s: profile \"%s\" is not defined (%s); Calico drops the endpoint's traffic that reaches a missing profile",
					res_kind_name(r->kind), r->ns,
					*r->ns ? "/" : "", r->name, profiles[k],
					!strncmp(profiles[k], "kns.", 4)
						? "a Namespace defines it"
					: !strncmp(profiles[k], "ksa.", 4)
						? "a ServiceAccount defines it"
						: "a Profile defines it");
	}
	free(v);
}

int rset_load(struct rset *s, const char *const *paths, size_t n,
	      unsigned int flags, struct diags *d)
{
	unsigned int errors = d->errors;
	size_t i;

	for (i = 0; i < n; i++)
		load_path(s, paths[i], flags, d);
	cross_checks(s, d);
	return d->errors > errors ? -EINVAL : 0;
}

/* --- equality --------------------------------------------------------- */

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return !a == !b;
	return !strcmp(a, b);
}

static bool labels_eq(const struct sel_label *a, size_t na,
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

static bool sel_eq(const struct res_sel *a, const struct res_sel *b)
{
	if (!a->sel || !b->sel)
		return !a->sel == !b->sel;
	return sel_equal(a->sel, b->sel);
}

static bool cidrs_eq(const struct res_cidr *a, size_t na,
		     const struct res_cidr *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].family != b[i].family || a[i].prefix != b[i].prefix ||
		    memcmp(a[i].addr, b[i].addr, a[i].family == 4 ? 4 : 16))
			return false;
	return true;
}

static bool ports_eq(const struct res_port *a, size_t na,
		     const struct res_port *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].first != b[i].first || a[i].last != b[i].last ||
		    !str_eq(a[i].name, b[i].name))
			return false;
	return true;
}

static bool strs_eq(const char *const *a, size_t na, const char *const *b,
		    size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

static bool proto_eq(const struct res_proto *a, const struct res_proto *b)
{
	return a->set == b->set && (!a->set || a->num == b->num);
}

static bool icmp_eq(const struct res_icmp *a, const struct res_icmp *b)
{
	return a->set == b->set && a->has_type == b->has_type &&
	       a->has_code == b->has_code &&
	       (!a->has_type || a->type == b->type) &&
	       (!a->has_code || a->code == b->code);
}

static bool entity_eq(const struct res_entity *a, const struct res_entity *b)
{
	return cidrs_eq(a->nets, a->n_nets, b->nets, b->n_nets) &&
	       cidrs_eq(a->not_nets, a->n_not_nets, b->not_nets,
			b->n_not_nets) &&
	       sel_eq(&a->selector, &b->selector) &&
	       sel_eq(&a->not_selector, &b->not_selector) &&
	       sel_eq(&a->ns_selector, &b->ns_selector) &&
	       ports_eq(a->ports, a->n_ports, b->ports, b->n_ports) &&
	       ports_eq(a->not_ports, a->n_not_ports, b->not_ports,
			b->n_not_ports) &&
	       a->has_sa == b->has_sa &&
	       strs_eq(a->sa_names, a->n_sa_names, b->sa_names,
		       b->n_sa_names) &&
	       sel_eq(&a->sa_selector, &b->sa_selector);
}

static bool rules_eq(const struct res_rule *a, size_t na,
		     const struct res_rule *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].action != b[i].action ||
		    a[i].ip_version != b[i].ip_version ||
		    !proto_eq(&a[i].proto, &b[i].proto) ||
		    !proto_eq(&a[i].not_proto, &b[i].not_proto) ||
		    !icmp_eq(&a[i].icmp, &b[i].icmp) ||
		    !icmp_eq(&a[i].not_icmp, &b[i].not_icmp) ||
		    !entity_eq(&a[i].src, &b[i].src) ||
		    !entity_eq(&a[i].dst, &b[i].dst) ||
		    !labels_eq(a[i].annotations, a[i].n_annotations,
			       b[i].annotations, b[i].n_annotations))
			return false;
	return true;
}

static bool ep_ports_eq(const struct res_ep_port *a, size_t na,
			const struct res_ep_port *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (!str_eq(a[i].name, b[i].name) ||
		    !proto_eq(&a[i].proto, &b[i].proto) ||
		    a[i].port != b[i].port ||
		    a[i].host_port != b[i].host_port ||
		    !str_eq(a[i].host_ip, b[i].host_ip))
			return false;
	return true;
}

bool res_equal(const struct res *a, const struct res *b)
{
	if (a->kind != b->kind || strcmp(a->name, b->name) ||
	    strcmp(a->ns, b->ns) ||
	    !labels_eq(a->labels, a->n_labels, b->labels, b->n_labels) ||
	    !labels_eq(a->annotations, a->n_annotations, b->annotations,
		       b->n_annotations))
		return false;
	switch (a->kind) {
	case RES_TIER:
		return a->tier.has_order == b->tier.has_order &&
		       (!a->tier.has_order || a->tier.order == b->tier.order) &&
		       a->tier.default_action == b->tier.default_action;
	case RES_GNP:
	case RES_NP:
	case RES_SGNP:
	case RES_SNP:
		return !strcmp(a->pol.tier, b->pol.tier) &&
		       a->pol.has_order == b->pol.has_order &&
		       (!a->pol.has_order || a->pol.order == b->pol.order) &&
		       sel_eq(&a->pol.selector, &b->pol.selector) &&
		       sel_eq(&a->pol.ns_selector, &b->pol.ns_selector) &&
		       sel_eq(&a->pol.sa_selector, &b->pol.sa_selector) &&
		       a->pol.types == b->pol.types &&
		       rules_eq(a->pol.ingress, a->pol.n_ingress,
				b->pol.ingress, b->pol.n_ingress) &&
		       rules_eq(a->pol.egress, a->pol.n_egress, b->pol.egress,
				b->pol.n_egress) &&
		       a->pol.do_not_track == b->pol.do_not_track &&
		       a->pol.pre_dnat == b->pol.pre_dnat &&
		       a->pol.apply_on_forward == b->pol.apply_on_forward &&
		       a->pol.assume_needed == b->pol.assume_needed &&
		       a->pol.staged_action == b->pol.staged_action;
	case RES_PROFILE:
		return labels_eq(a->prof.labels, a->prof.n_labels,
				 b->prof.labels, b->prof.n_labels) &&
		       rules_eq(a->prof.ingress, a->prof.n_ingress,
				b->prof.ingress, b->prof.n_ingress) &&
		       rules_eq(a->prof.egress, a->prof.n_egress,
				b->prof.egress, b->prof.n_egress);
	case RES_HEP:
		return str_eq(a->hep.node, b->hep.node) &&
		       str_eq(a->hep.iface, b->hep.iface) &&
		       cidrs_eq(a->hep.expected_ips, a->hep.n_expected_ips,
				b->hep.expected_ips, b->hep.n_expected_ips) &&
		       strs_eq(a->hep.profiles, a->hep.n_profiles,
			       b->hep.profiles, b->hep.n_profiles) &&
		       ep_ports_eq(a->hep.ports, a->hep.n_ports, b->hep.ports,
				   b->hep.n_ports);
	case RES_WEP:
		return str_eq(a->wep.orchestrator, b->wep.orchestrator) &&
		       str_eq(a->wep.workload, b->wep.workload) &&
		       str_eq(a->wep.node, b->wep.node) &&
		       str_eq(a->wep.container_id, b->wep.container_id) &&
		       str_eq(a->wep.pod, b->wep.pod) &&
		       str_eq(a->wep.endpoint, b->wep.endpoint) &&
		       str_eq(a->wep.service_account, b->wep.service_account) &&
		       str_eq(a->wep.iface, b->wep.iface) &&
		       str_eq(a->wep.mac, b->wep.mac) &&
		       cidrs_eq(a->wep.ip_networks, a->wep.n_ip_networks,
				b->wep.ip_networks, b->wep.n_ip_networks) &&
		       str_eq(a->wep.ipv4_gateway, b->wep.ipv4_gateway) &&
		       str_eq(a->wep.ipv6_gateway, b->wep.ipv6_gateway) &&
		       strs_eq(a->wep.profiles, a->wep.n_profiles,
			       b->wep.profiles, b->wep.n_profiles) &&
		       ep_ports_eq(a->wep.ports, a->wep.n_ports, b->wep.ports,
				   b->wep.n_ports) &&
		       cidrs_eq(a->wep.allow_spoofed, a->wep.n_allow_spoofed,
				b->wep.allow_spoofed, b->wep.n_allow_spoofed);
	case RES_GNS:
	case RES_NETSET:
		return cidrs_eq(a->set.nets, a->set.n_nets, b->set.nets,
				b->set.n_nets);
	case RES_KIND_MAX:
		break;
	}
	return false;
}
