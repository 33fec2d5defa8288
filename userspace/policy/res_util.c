// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resource internals (res_int.h): memory, the parse context and its
 * messages, typed readers, the field walker, name formats, addresses,
 * ports and protocols; kind names.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gnutls/crypto.h>
#include "res_int.h"

/* --- kinds ------------------------------------------------------------ */

static const struct {
	const char *name;
	bool namespaced;
	const char *words[6];
} kinds[RES_KIND_MAX] = {
	[RES_TIER] = { "Tier", false, { "tier", "tiers" } },
	[RES_GNP] = { "GlobalNetworkPolicy",
		      false,
		      { "globalnetworkpolicy", "globalnetworkpolicies", "gnp",
			"gnps" } },
	[RES_NP] = { "NetworkPolicy",
		     true,
		     { "networkpolicy", "networkpolicies", "np", "nps",
		       "netpol" } },
	[RES_SGNP] = { "StagedGlobalNetworkPolicy",
		       false,
		       { "stagedglobalnetworkpolicy",
			 "stagedglobalnetworkpolicies", "sgnp", "sgnps" } },
	[RES_SNP] = { "StagedNetworkPolicy",
		      true,
		      { "stagednetworkpolicy", "stagednetworkpolicies", "snp",
			"snps" } },
	[RES_PROFILE] = { "Profile",
			  false,
			  { "profile", "profiles", "pro", "pros" } },
	[RES_HEP] = { "HostEndpoint",
		      false,
		      { "hostendpoint", "hostendpoints", "hep", "heps" } },
	[RES_WEP] = { "WorkloadEndpoint",
		      true,
		      { "workloadendpoint", "workloadendpoints", "wep",
			"weps" } },
	[RES_GNS] = { "GlobalNetworkSet",
		      false,
		      { "globalnetworkset", "globalnetworksets", "gns" } },
	[RES_NETSET] = { "NetworkSet",
			 true,
			 { "networkset", "networksets", "netset", "netsets" } },
};

const char *res_kind_name(enum res_kind k)
{
	return (unsigned int)k < RES_KIND_MAX ? kinds[k].name : "?";
}

bool res_kind_namespaced(enum res_kind k)
{
	return (unsigned int)k < RES_KIND_MAX && kinds[k].namespaced;
}

bool res_kind_is_policy(enum res_kind k)
{
	return k == RES_GNP || k == RES_NP || k == RES_SGNP || k == RES_SNP;
}

bool res_kind_is_staged(enum res_kind k)
{
	return k == RES_SGNP || k == RES_SNP;
}

int res_kind_parse(const char *word)
{
	unsigned int k, i;

	for (k = 0; k < RES_KIND_MAX; k++) {
		if (!strcasecmp(word, kinds[k].name))
			return (int)k;
		for (i = 0; i < 6 && kinds[k].words[i]; i++)
			if (!strcasecmp(word, kinds[k].words[i]))
				return (int)k;
	}
	return -1;
}

const char *res_action_name(enum res_action a)
{
	switch (a) {
	case RES_ALLOW:
		return "Allow";
	case RES_DENY:
		return "Deny";
	case RES_LOG:
		return "Log";
	case RES_PASS:
		return "Pass";
	}
	return "?";
}

/* --- memory ----------------------------------------------------------- */

/*
 * The first block of a resource's arena: the size the last resources of
 * its kind needed (a moving average, plus an eighth), so that a pod, which
 * the daemon keeps for every pod in the cluster, usually takes one block
 * that fits rather than several doubling ones. Per thread: no locking.
 */
static _Thread_local size_t arena_hint[RES_KIND_MAX];

#define ARENA_HINT_MIN 512

void res_settle(struct res *r)
{
	size_t used = doc_arena_used(r->mem->arena), *h;

	if ((unsigned int)r->kind >= RES_KIND_MAX)
		return;
	h = &arena_hint[r->kind];
	used += used / 8;
	*h = *h ? (3 * *h + used) / 4 : used;
}

struct res *res_alloc(enum res_kind kind)
{
	struct res_mem *m = doc_xalloc(NULL, sizeof(*m));
	size_t first = (unsigned int)kind < RES_KIND_MAX ? arena_hint[kind] : 0;
	struct res *r;

	memset(m, 0, sizeof(*m));
	m->arena = doc_arena_new_sized(first > ARENA_HINT_MIN ? first
							      : ARENA_HINT_MIN);
	r = doc_alloc(m->arena, sizeof(*r));
	r->kind = kind;
	r->ns = "";
	r->mem = m;
	return r;
}

void *res_zalloc(struct res *r, size_t n)
{
	return doc_alloc(r->mem->arena, n);
}

const char *res_strdup(struct res *r, const char *s)
{
	return doc_strdup(r->mem->arena, s);
}

void res_keep_sel(struct res *r, struct sel *s)
{
	struct res_mem *m = r->mem;

	if (!s)
		return;
	if (m->n_sels == m->cap_sels) {
		m->cap_sels = m->cap_sels ? 2 * m->cap_sels : 8;
		m->sels = doc_xalloc(m->sels, m->cap_sels * sizeof(*m->sels));
	}
	m->sels[m->n_sels++] = s;
}

void res_free(struct res *r)
{
	struct res_mem *m;
	size_t i;

	if (!r)
		return;
	m = r->mem;
	for (i = 0; i < m->n_sels; i++)
		sel_put(m->sels[i]);
	free(m->sels);
	doc_arena_free(m->arena);
	free(m);
}

void res_list_push(struct res_list *l, struct res *r)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 4;
		l->v = doc_xalloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = r;
}

void res_list_release(struct res_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		res_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* --- path and messages ------------------------------------------------ */

size_t rp_push(struct rctx *c, const char *name)
{
	size_t old = c->plen;
	int n;

	n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "%s%s",
		     c->plen ? "." : "", name);
	if (n > 0)
		c->plen += (size_t)n;
	if (c->plen >= sizeof(c->path))
		c->plen = sizeof(c->path) - 1;
	return old;
}

size_t rp_push_idx(struct rctx *c, size_t i)
{
	size_t old = c->plen;
	int n;

	n = snprintf(c->path + c->plen, sizeof(c->path) - c->plen, "[%zu]", i);
	if (n > 0)
		c->plen += (size_t)n;
	if (c->plen >= sizeof(c->path))
		c->plen = sizeof(c->path) - 1;
	return old;
}

void rp_pop(struct rctx *c, size_t len)
{
	c->plen = len;
	c->path[len] = 0;
}

static void rp_vmsg(struct rctx *c, enum diag_sev sev, const struct doc_node *n,
		    const char *prefix, const char *fmt, va_list ap)
{
	char msg[2048];
	unsigned int line = n ? n->line : 0, col = n ? n->col : 0;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	diag_add(c->d, sev, c->doc->file, c->doc->origin, line, col, c->path,
		 "%s%s", prefix ? prefix : "", msg);
}

void rp_err(struct rctx *c, const struct doc_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rp_vmsg(c, DIAG_ERROR, n, NULL, fmt, ap);
	va_end(ap);
}

void rp_warn(struct rctx *c, const struct doc_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rp_vmsg(c, DIAG_WARNING, n, NULL, fmt, ap);
	va_end(ap);
}

const char *rp_repr(const struct doc_node *n, char *buf, size_t size)
{
	size_t o = 0, i, lim;

	if (!n)
		return "nothing";
	if (n->type == DOC_MAP || n->type == DOC_SEQ)
		return doc_type_name(n);
	if (n->type != DOC_STR) {
		snprintf(buf, size, "%s", n->text ? n->text : "null");
		return buf;
	}
	lim = size > 8 ? size - 8 : 0;
	buf[o++] = '"';
	for (i = 0; i < n->len && o < lim; i++) {
		unsigned char ch = (unsigned char)n->text[i];

		if (ch == '"' || ch == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)ch;
		} else if (ch < 0x20 || ch == 0x7f) {
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
		} else {
			buf[o++] = (char)ch;
		}
	}
	if (i < n->len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = 0;
	return buf;
}

void rp_bad(struct rctx *c, const struct doc_node *n, const char *fmt, ...)
{
	char repr[256], prefix[300];
	va_list ap;

	snprintf(prefix, sizeof(prefix),
		 "%s: ", rp_repr(n, repr, sizeof(repr)));
	va_start(ap, fmt);
	rp_vmsg(c, DIAG_ERROR, n, doc_is_scalar(n) ? prefix : NULL, fmt, ap);
	va_end(ap);
}

/* --- typed readers ---------------------------------------------------- */

static const char *quote_hint(const struct doc_node *n, char *buf, size_t size)
{
	if (n->type == DOC_INT || n->type == DOC_FLOAT || n->type == DOC_BOOL ||
	    n->type == DOC_NULL)
		snprintf(buf, size, " (quote it: \"%s\")", n->text);
	else
		buf[0] = 0;
	return buf;
}

bool rp_expect(struct rctx *c, const struct doc_node *n, enum doc_type t)
{
	struct doc_node want = { .type = t };

	if (n->type == t)
		return true;
	rp_bad(c, n, "expected %s, not %s", doc_type_name(&want),
	       doc_type_name(n));
	return false;
}

const char *rp_string(struct rctx *c, const struct doc_node *n)
{
	char hint[300];

	if (n->type != DOC_STR) {
		rp_bad(c, n, "expected a string, not %s%s", doc_type_name(n),
		       quote_hint(n, hint, sizeof(hint)));
		return NULL;
	}
	if (strlen(n->text) != n->len) {
		rp_bad(c, n, "a NUL character is not allowed here");
		return NULL;
	}
	return res_strdup(c->r, n->text);
}

bool rp_bool(struct rctx *c, const struct doc_node *n, bool *out)
{
	if (n->type != DOC_BOOL) {
		rp_bad(c, n, "expected true or false, not %s",
		       doc_type_name(n));
		return false;
	}
	*out = n->b;
	return true;
}

bool rp_double(struct rctx *c, const struct doc_node *n, double *out)
{
	if (n->type == DOC_INT) {
		*out = (double)n->i;
		return true;
	}
	if (n->type != DOC_FLOAT) {
		rp_bad(c, n, "expected a number, not %s", doc_type_name(n));
		return false;
	}
	if (!isfinite(n->f)) {
		rp_bad(c, n, "expected a finite number");
		return false;
	}
	*out = n->f;
	return true;
}

bool rp_int(struct rctx *c, const struct doc_node *n, int64_t min, int64_t max,
	    int64_t *out)
{
	int64_t v;

	if (n->type == DOC_FLOAT && isfinite(n->f) && n->f == floor(n->f) &&
	    fabs(n->f) < 9e15) {
		v = (int64_t)n->f;
	} else if (n->type == DOC_INT) {
		v = n->i;
	} else {
		rp_bad(c, n, "expected an integer, not %s",
		       n->type == DOC_FLOAT ? "a fraction" : doc_type_name(n));
		return false;
	}
	if (v < min || v > max) {
		rp_bad(c, n, "out of range: %lld to %lld", (long long)min,
		       (long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool rp_strings(struct rctx *c, const struct doc_node *n,
		bool (*check)(struct rctx *c, const struct doc_node *item,
			      const char *s),
		const char ***out, size_t *count)
{
	const char **v;
	size_t i, k = 0, old;
	bool ok = true;

	if (!rp_expect(c, n, DOC_SEQ))
		return false;
	v = res_zalloc(c->r, (n->n + 1) * sizeof(*v));
	for (i = 0; i < n->n; i++) {
		const char *s;

		old = rp_push_idx(c, i);
		s = rp_string(c, n->items[i]);
		if (!s || (check && !check(c, n->items[i], s)))
			ok = false;
		else
			v[k++] = s;
		rp_pop(c, old);
	}
	*out = v;
	*count = k;
	return ok;
}

bool rp_labels(struct rctx *c, const struct doc_node *n,
	       enum rp_labels_check check, struct sel_label **out,
	       size_t *count)
{
	struct sel_label *v;
	const char *why;
	size_t i, k = 0, old;
	bool ok = true;

	if (!rp_expect(c, n, DOC_MAP))
		return false;
	v = res_zalloc(c->r, (n->n + 1) * sizeof(*v));
	for (i = 0; i < n->n; i++) {
		const struct doc_pair *p = &n->pairs[i];
		struct doc_node keynode = { .type = DOC_STR,
					    .line = p->line,
					    .col = p->col,
					    .text = p->key,
					    .len = strlen(p->key) };
		const char *val;

		old = rp_push(c, p->key);
		if (check == RP_ANNOTATIONS) {
			/* Calico checks annotation keys in lowercase */
			char *low = (char *)res_strdup(c->r, p->key), *q;

			for (q = low; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			if (!rp_is_label_key(low, &why)) {
				rp_bad(c, &keynode,
				       "invalid annotation key: %s", why);
				ok = false;
			}
		} else if (check == RP_PROFILE_LABELS &&
			   (!strncmp(p->key, "pcns.", 5) ||
			    !strncmp(p->key, "pcsa.", 5))) {
			if (!rp_is_label_key(p->key + 5, &why)) {
				rp_bad(c, &keynode, "invalid label key: %s",
				       why);
				ok = false;
			}
		} else if ((check == RP_LABELS || check == RP_PROFILE_LABELS) &&
			   !rp_is_label_key(p->key, &why)) {
			rp_bad(c, &keynode, "invalid label key: %s", why);
			ok = false;
		}
		if (p->val->type == DOC_NULL) {
			/* Go reads null into a string as "" */
			val = "";
		} else {
			val = rp_string(c, p->val);
		}
		if (!val) {
			ok = false;
		} else if ((check == RP_LABELS || check == RP_PROFILE_LABELS) &&
			   !rp_is_label_value(val, &why)) {
			rp_bad(c, p->val, "invalid label value: %s", why);
			ok = false;
		} else {
			v[k].key = res_strdup(c->r, p->key);
			v[k].value = val;
			k++;
		}
		rp_pop(c, old);
	}
	*count = sel_labels_sort(v, k);
	*out = v;
	return ok;
}

/* --- the field walker ------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (lb >= 64 || la >= 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t best = prev + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

static void unknown_field(struct rctx *c, const struct doc_pair *p,
			  const struct rp_field *fields)
{
	struct doc_node at = { .type = DOC_STR,
			       .line = p->line,
			       .col = p->col };
	const struct rp_field *f, *best = NULL;
	size_t d, best_d = 99, n = 0, o = 0;
	char known[1024];

	for (f = fields; f->name; f++) {
		if (f->flags & RPF_IGNORE)
			continue;
		d = edit_distance(p->key, f->name);
		if (d < best_d) {
			best_d = d;
			best = f;
		}
		n++;
	}
	known[0] = 0;
	for (f = fields; f->name && o < sizeof(known); f++) {
		if (f->flags & (RPF_IGNORE | RPF_REJECT))
			continue;
		o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s",
				      o ? ", " : "", f->name);
	}
	if (best && (best_d <= 2 || (best_d <= 3 && strlen(p->key) > 8)))
		(c->flags & RES_F_LENIENT ? rp_warn : rp_err)(
			c, &at, "unknown field (did you mean \"%s\"?)",
			best->name);
	else if (n)
		(c->flags & RES_F_LENIENT ? rp_warn : rp_err)(
			c, &at, "unknown field; known fields: %s", known);
	else
		(c->flags & RES_F_LENIENT ? rp_warn : rp_err)(
			c, &at, "unknown field; none are allowed here");
}

bool rp_map(struct rctx *c, const struct doc_node *n,
	    const struct rp_field *fields, void *obj, bool partial)
{
	const struct rp_field *f;
	size_t i, old;

	if (!rp_expect(c, n, DOC_MAP))
		return false;
	for (i = 0; i < n->n; i++) {
		const struct doc_pair *p = &n->pairs[i];
		struct doc_node at = { .type = DOC_STR,
				       .line = p->line,
				       .col = p->col };

		for (f = fields; f->name; f++)
			if (!strcmp(f->name, p->key))
				break;
		old = rp_push(c, p->key);
		if (!f->name) {
			if (!partial)
				unknown_field(c, p, fields);
		} else if (f->flags & RPF_REJECT) {
			rp_err(c, &at, "%s", f->why);
		} else if (f->flags & RPF_WARN) {
			if (p->val->type != DOC_NULL)
				rp_warn(c, &at, "%s", f->why);
		} else if (f->fn && p->val->type != DOC_NULL) {
			f->fn(c, p->val, obj);
		}
		rp_pop(c, old);
	}
	return true;
}

/* --- names ------------------------------------------------------------ */

static bool alnum_lower(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static bool dns_label_n(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 63 || !alnum_lower(s[0]) || !alnum_lower(s[n - 1]))
		return false;
	for (i = 0; i < n; i++)
		if (!alnum_lower(s[i]) && s[i] != '-')
			return false;
	return true;
}

bool rp_is_dns_label(const char *s)
{
	return dns_label_n(s, strlen(s));
}

bool rp_is_dns_subdomain(const char *s)
{
	size_t len = strlen(s);
	const char *p = s, *dot;

	if (len == 0 || len > 253)
		return false;
	for (;;) {
		dot = strchr(p, '.');
		if (!dns_label_n(p, dot ? (size_t)(dot - p) : strlen(p)))
			return false;
		if (!dot)
			return true;
		p = dot + 1;
	}
}

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '-' || ch == '_' ||
	       ch == '.';
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 */
static bool qualified_part(const char *s, size_t n, const char **why)
{
	size_t i;

	if (n == 0) {
		*why = "the name part must not be empty";
		return false;
	}
	if (n > 63) {
		*why = "the name part must be no more than 63 characters";
		return false;
	}
	for (i = 0; i < n; i++)
		if (!name_char(s[i]) || (unsigned char)s[i] > 0x7f) {
			*why = "only alphanumerics, '-', '_' and '.' are allowed";
			return false;
		}
	if (!isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[n - 1])) {
		*why = "must start and end with an alphanumeric character";
		return false;
	}
	return true;
}

bool rp_is_label_key(const char *s, const char **why)
{
	const char *slash = strchr(s, '/');
	char prefix[260];
	size_t plen;

	if (!slash)
		return qualified_part(s, strlen(s), why);
	plen = (size_t)(slash - s);
	if (strchr(slash + 1, '/')) {
		*why = "at most one '/' (prefix/name)";
		return false;
	}
	if (plen == 0 || plen >= sizeof(prefix)) {
		*why = "the prefix must be a DNS subdomain (at most 253 characters)";
		return false;
	}
	memcpy(prefix, s, plen);
	prefix[plen] = 0;
	if (!rp_is_dns_subdomain(prefix)) {
		*why = "the prefix must be a lowercase DNS subdomain";
		return false;
	}
	return qualified_part(slash + 1, strlen(slash + 1), why);
}

bool rp_is_label_value(const char *s, const char **why)
{
	size_t n = strlen(s);

	if (n == 0)
		return true;
	if (n > 63) {
		*why = "must be no more than 63 characters";
		return false;
	}
	return qualified_part(s, n, why);
}

bool rp_is_port_name(const char *s, const char **why)
{
	size_t n = strlen(s), i;
	bool letter = false;

	if (n == 0 || n > 15) {
		*why = "a port name must be 1 to 15 characters";
		return false;
	}
	for (i = 0; i < n; i++) {
		if (!alnum_lower(s[i]) && s[i] != '-') {
			*why = "a port name may only hold lowercase letters, digits and '-'";
			return false;
		}
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
	}
	if (!letter) {
		*why = "a port name must contain a letter";
		return false;
	}
	if (s[0] == '-' || s[n - 1] == '-' || strstr(s, "--")) {
		*why = "a port name must not start or end with '-' or hold \"--\"";
		return false;
	}
	return true;
}

bool rp_is_iface(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 15)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

/* --- addresses -------------------------------------------------------- */

/* Go's parser refuses IPv4 octets with leading zeros. */
static bool v4_leading_zero(const char *s)
{
	const char *p = s;

	for (;;) {
		if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
			return true;
		p = strchr(p, '.');
		if (!p)
			return false;
		p++;
	}
}

bool res_parse_cidr(const char *s, bool need_prefix, struct res_cidr *out,
		    const char **why)
{
	const char *slash = strchr(s, '/');
	char addr[64];
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long prefix;
	char *end;
	int af;

	memset(out, 0, sizeof(*out));
	out->text = s;
	if (alen == 0 || alen >= sizeof(addr)) {
		*why = "not an IP address or CIDR";
		return false;
	}
	memcpy(addr, s, alen);
	addr[alen] = 0;
	af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(af, addr, out->addr) != 1 ||
	    (af == AF_INET && v4_leading_zero(addr))) {
		*why = slash ? "not a CIDR (address/prefix)"
			     : "not an IP address";
		return false;
	}
	out->family = af == AF_INET ? 4 : 6;
	if (!slash) {
		if (need_prefix) {
			*why = "a CIDR needs a prefix length (10.0.0.1/32)";
			return false;
		}
		out->prefix = af == AF_INET ? 32 : 128;
		return true;
	}
	if (slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2])) {
		*why = "the prefix length must be a decimal number without leading zeros";
		return false;
	}
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (*end || errno || prefix > (af == AF_INET ? 32UL : 128UL)) {
		*why = af == AF_INET ? "the prefix length must be 0 to 32"
				     : "the prefix length must be 0 to 128";
		return false;
	}
	out->prefix = (uint8_t)prefix;
	return true;
}

bool res_cidr_masked(const struct res_cidr *c, char *masked, size_t size)
{
	uint8_t net[16];
	unsigned int i, bytes = c->family == 4 ? 4 : 16;
	bool clean = true;
	char text[INET6_ADDRSTRLEN];

	memcpy(net, c->addr, sizeof(net));
	for (i = 0; i < bytes; i++) {
		unsigned int lo = i * 8;
		uint8_t mask;

		if (lo >= c->prefix)
			mask = 0;
		else if (lo + 8 <= c->prefix)
			mask = 0xff;
		else
			mask = (uint8_t)(0xff << (8 - (c->prefix - lo)));
		if (net[i] & ~mask)
			clean = false;
		net[i] &= mask;
	}
	if (masked) {
		inet_ntop(c->family == 4 ? AF_INET : AF_INET6, net, text,
			  sizeof(text));
		snprintf(masked, size, "%s/%u", text, c->prefix);
	}
	return clean;
}

/* --- protocols and ports ---------------------------------------------- */

uint8_t res_proto_num(const char *name, bool lower_ok)
{
	static const struct {
		const char *name;
		uint8_t num;
	} protos[] = {
		{ "TCP", 6 },	  { "UDP", 17 },   { "ICMP", 1 },
		{ "ICMPv6", 58 }, { "SCTP", 132 }, { "UDPLite", 136 },
	};
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (!strcmp(name, protos[i].name))
			return protos[i].num;
		if (lower_ok && !strcasecmp(name, protos[i].name))
			return protos[i].num;
	}
	return 0;
}

bool res_proto_has_ports(const struct res_proto *p)
{
	return p->set && (p->num == 6 || p->num == 17 || p->num == 132);
}

static bool parse_u16(const char *s, size_t n, uint16_t *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

bool res_parse_port(const char *s, struct res_port *out, const char **why)
{
	const char *colon = strchr(s, ':');
	size_t n = strlen(s);

	memset(out, 0, sizeof(*out));
	if (colon) {
		size_t a = (size_t)(colon - s);

		if (!parse_u16(s, a, &out->first) ||
		    !parse_u16(colon + 1, n - a - 1, &out->last)) {
			*why = "a port range is \"first:last\", each 1 to 65535";
			return false;
		}
		if (out->first > out->last) {
			*why = "the range start is above its end";
			return false;
		}
	} else if (all_digits(s, n)) {
		if (!parse_u16(s, n, &out->first)) {
			*why = "a port must be 1 to 65535";
			return false;
		}
		out->last = out->first;
	} else {
		if (!rp_is_port_name(s, why))
			return false;
		out->name = s;
		return true;
	}
	if (out->first == 0) {
		*why = "a port must be 1 to 65535";
		return false;
	}
	return true;
}

void res_sha1_hex(const void *data, size_t len, char out[41])
{
	unsigned char dig[20];
	size_t i;

	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, data, len, dig) < 0) {
		fputs("strata: sha1 unavailable\n", stderr);
		abort();
	}
	for (i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", dig[i]);
}
