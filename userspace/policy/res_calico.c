// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading documents into resources: the dispatch on apiVersion and kind
 * (Lists included), object metadata, and the projectcalico.org/v3 kinds
 * with Calico's validation rules (validator.go, the Tier CEL rules,
 * clientv3's name checks) and defaults.
 */
#include <errno.h>
#include <string.h>
#include <json-c/json.h>
#include "res_int.h"

/* --- metadata --------------------------------------------------------- */

struct meta_ctx {
	const struct doc_node *name, *ns;
	bool namespaced;
};

static void meta_name(struct rctx *c, const struct doc_node *v, void *o)
{
	struct meta_ctx *m = o;
	const char *s = rp_string(c, v);

	m->name = v;
	if (s)
		c->r->name = s;
}

static void meta_ns(struct rctx *c, const struct doc_node *v, void *o)
{
	struct meta_ctx *m = o;
	const char *s = rp_string(c, v);

	m->ns = v;
	if (!s)
		return;
	if (!m->namespaced) {
		rp_warn(c, v, "ignored: %s is not namespaced",
			res_kind_name(c->r->kind));
		return;
	}
	if (!rp_is_dns_label(s)) {
		rp_bad(c, v,
		       "a namespace is lowercase letters, digits and '-' (at most 63)");
		return;
	}
	c->r->ns = s;
}

static void meta_labels(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_labels(c, v, RP_LABELS, &c->r->labels, &c->r->n_labels);
}

static void meta_annotations(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_labels(c, v, RP_ANNOTATIONS, &c->r->annotations,
		  &c->r->n_annotations);
}

static void meta_uid(struct rctx *c, const struct doc_node *v, void *o)
{
	c->r->uid = rp_string(c, v);
}

static void meta_rv(struct rctx *c, const struct doc_node *v, void *o)
{
	c->r->resource_version = rp_string(c, v);
}

static void meta_created(struct rctx *c, const struct doc_node *v, void *o)
{
	c->r->creation_timestamp = rp_string(c, v);
}

static const struct rp_field meta_fields[] = {
	{ "name", meta_name, 0, NULL },
	{ "namespace", meta_ns, 0, NULL },
	{ "labels", meta_labels, 0, NULL },
	{ "annotations", meta_annotations, 0, NULL },
	{ "uid", meta_uid, 0, NULL },
	{ "resourceVersion", meta_rv, 0, NULL },
	{ "creationTimestamp", meta_created, 0, NULL },
	{ "generateName", NULL, RPF_IGNORE, NULL },
	{ "generation", NULL, RPF_IGNORE, NULL },
	{ "deletionTimestamp", NULL, RPF_IGNORE, NULL },
	{ "deletionGracePeriodSeconds", NULL, RPF_IGNORE, NULL },
	{ "ownerReferences", NULL, RPF_IGNORE, NULL },
	{ "finalizers", NULL, RPF_IGNORE, NULL },
	{ "managedFields", NULL, RPF_IGNORE, NULL },
	{ "selfLink", NULL, RPF_IGNORE, NULL },
	{ "clusterName", NULL, RPF_IGNORE, NULL },
	{ NULL, NULL, 0, NULL },
};

void res_parse_meta(struct rctx *c, const struct doc_node *root,
		    bool namespaced)
{
	const struct doc_node *md = doc_get(root, "metadata");
	struct meta_ctx m = { .namespaced = namespaced };
	size_t old = rp_push(c, "metadata");

	if (!md || md->type == DOC_NULL) {
		rp_err(c, root, "required: the object's name");
		rp_pop(c, old);
		return;
	}
	rp_map(c, md, meta_fields, &m, false);
	if (!m.name) {
		rp_push(c, "name");
		rp_err(c, md, "required");
	}
	rp_pop(c, old);
	if (namespaced && !m.ns)
		c->r->ns = res_strdup(c->r, c->ns_default ? c->ns_default
							  : "default");
}

/* Resource names in Calico's default format (a DNS subdomain). */
/*
 * Resource names in Calico's default format (a DNS subdomain, at most 253
 * characters). Names Calico's Kubernetes datastore makes up are accepted
 * as it makes them, so that what stratactl get prints reads back:
 * workload endpoint names (node and pod names joined) and kns./ksa.
 * profile names may be longer.
 */
static bool subdomain_any_length(const char *s)
{
	char label[64];
	const char *dot;
	size_t n;

	for (;;) {
		dot = strchr(s, '.');
		n = dot ? (size_t)(dot - s) : strlen(s);
		if (n >= sizeof(label))
			return false;
		memcpy(label, s, n);
		label[n] = 0;
		if (!rp_is_dns_label(label))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

static void check_subdomain_name(struct rctx *c, const struct doc_node *root)
{
	const struct doc_node *at = doc_get(doc_get(root, "metadata"), "name");
	const char *name = c->r->name;
	bool made_up = c->r->kind == RES_WEP ||
		       (c->r->kind == RES_PROFILE &&
			(!strncmp(name ? name : "", "kns.", 4) ||
			 !strncmp(name ? name : "", "ksa.", 4)));
	size_t old;

	if (!name || !at)
		return;
	old = rp_push(c, "metadata.name");
	if (!made_up && strlen(name) > 253)
		rp_bad(c, at, "longer than 253 characters");
	else if (!subdomain_any_length(name))
		rp_bad(c, at,
		       "a name is lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
	rp_pop(c, old);
}

/* --- Tier ------------------------------------------------------------- */

struct spec_ctx {
	const struct doc_node *spec;
	const struct doc_node *order, *default_action, *tier;
	bool types_given;
	unsigned int seen_types;
};

static void tier_order(struct rctx *c, const struct doc_node *v, void *o)
{
	struct spec_ctx *x = o;

	x->order = v;
	c->r->tier.has_order = rp_double(c, v, &c->r->tier.order);
}

static void tier_action(struct rctx *c, const struct doc_node *v, void *o)
{
	struct spec_ctx *x = o;
	const char *s = rp_string(c, v);

	x->default_action = v;
	if (!s)
		return;
	if (!strcmp(s, "Deny"))
		c->r->tier.default_action = RES_DENY;
	else if (!strcmp(s, "Pass"))
		c->r->tier.default_action = RES_PASS;
	else
		rp_bad(c, v, "expected Deny or Pass");
}

static const struct rp_field tier_fields[] = {
	{ "order", tier_order, 0, NULL },
	{ "defaultAction", tier_action, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct {
	const char *name;
	double order;
	enum res_action action;
} protected_tiers[] = {
	{ "default", 1000000, RES_DENY },
	{ "kube-admin", 1000, RES_PASS },
	{ "kube-baseline", 10000000, RES_PASS },
};

static void parse_tier(struct rctx *c, const struct doc_node *root)
{
	const struct doc_node *spec = doc_get(root, "spec");
	const struct doc_node *at = doc_get(doc_get(root, "metadata"), "name");
	struct spec_ctx x = { .spec = spec };
	struct res_tier *t = &c->r->tier;
	size_t old, i;
	char o[64];

	t->default_action = RES_DENY;
	if (spec && spec->type != DOC_NULL) {
		old = rp_push(c, "spec");
		rp_map(c, spec, tier_fields, &x, false);
		rp_pop(c, old);
	}
	if (!c->r->name || !at)
		return;
	old = rp_push(c, "metadata.name");
	if (!rp_is_dns_label(c->r->name))
		rp_bad(c, at,
		       "a tier name is lowercase letters, digits and '-' (no '.'), at most 63 characters");
	rp_pop(c, old);
	for (i = 0; i < sizeof(protected_tiers) / sizeof(protected_tiers[0]);
	     i++) {
		if (strcmp(c->r->name, protected_tiers[i].name))
			continue;
		res_fmt_double(protected_tiers[i].order, o, sizeof(o));
		if (!t->has_order || t->order != protected_tiers[i].order) {
			old = rp_push(c, "spec.order");
			rp_err(c,
			       x.order ? x.order
			       : spec  ? spec
				       : root,
			       "the %s tier's order must be %s", c->r->name, o);
			rp_pop(c, old);
		}
		if (t->default_action != protected_tiers[i].action) {
			old = rp_push(c, "spec.defaultAction");
			rp_err(c,
			       x.default_action ? x.default_action
			       : spec		? spec
						: root,
			       "the %s tier's defaultAction must be %s",
			       c->r->name,
			       res_action_name(protected_tiers[i].action));
			rp_pop(c, old);
		}
	}
}

/* --- policies --------------------------------------------------------- */

static void pol_tier(struct rctx *c, const struct doc_node *v, void *o)
{
	struct spec_ctx *x = o;
	const char *s = rp_string(c, v);

	x->tier = v;
	c->r->pol.tier_line = v->line;
	c->r->pol.tier_col = v->col;
	if (!s)
		return;
	if (!rp_is_dns_label(s)) {
		rp_bad(c, v,
		       "a tier name is lowercase letters, digits and '-' (no '.'), at most 63 characters");
		return;
	}
	c->r->pol.tier = s;
}

static void pol_order(struct rctx *c, const struct doc_node *v, void *o)
{
	c->r->pol.has_order = rp_double(c, v, &c->r->pol.order);
}

static void pol_selector(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_selector(c, v, 0, &c->r->pol.selector);
}

static void pol_ns_selector(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_selector(c, v, 0, &c->r->pol.ns_selector);
}

static void pol_sa_selector(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_selector(c, v, 0, &c->r->pol.sa_selector);
}

static void pol_types(struct rctx *c, const struct doc_node *v, void *o)
{
	struct spec_ctx *x = o;
	size_t i, old;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	x->types_given = v->n > 0;
	for (i = 0; i < v->n; i++) {
		const struct doc_node *it = v->items[i];
		unsigned int t = 0;

		old = rp_push_idx(c, i);
		if (it->type == DOC_STR && !strcmp(it->text, "Ingress"))
			t = RES_INGRESS;
		else if (it->type == DOC_STR && !strcmp(it->text, "Egress"))
			t = RES_EGRESS;
		else
			rp_bad(c, it, "expected Ingress or Egress");
		if (t & x->seen_types)
			rp_bad(c, it, "given more than once");
		x->seen_types |= t;
		rp_pop(c, old);
	}
	c->r->pol.types = x->seen_types;
}

static void pol_ingress(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_rules(c, v, &c->r->pol.ingress, &c->r->pol.n_ingress, true);
}

static void pol_egress(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_rules(c, v, &c->r->pol.egress, &c->r->pol.n_egress, false);
}

static void pol_dnt(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_bool(c, v, &c->r->pol.do_not_track);
}

static void pol_prednat(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_bool(c, v, &c->r->pol.pre_dnat);
}

static void pol_aof(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_bool(c, v, &c->r->pol.apply_on_forward);
}

static void pol_hints(struct rctx *c, const struct doc_node *v, void *o)
{
	size_t i, old;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	for (i = 0; i < v->n; i++) {
		const struct doc_node *it = v->items[i];

		old = rp_push_idx(c, i);
		if (it->type != DOC_STR ||
		    strcmp(it->text, "AssumeNeededOnEveryNode"))
			rp_bad(c, it, "expected AssumeNeededOnEveryNode");
		else if (c->r->pol.assume_needed)
			rp_bad(c, it, "given more than once");
		else
			c->r->pol.assume_needed = true;
		rp_pop(c, old);
	}
}

static void pol_staged(struct rctx *c, const struct doc_node *v, void *o)
{
	static const char *const names[] = { "Set", "Delete", "Learn",
					     "Ignore" };
	const char *s = rp_string(c, v);
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			c->r->pol.staged_action =
				(enum res_staged_action)(RES_STAGED_SET + i);
			return;
		}
	rp_bad(c, v, "expected Set, Delete, Learn or Ignore");
}

#define POLICY_COMMON_FIELDS                                            \
	{ "tier", pol_tier, 0, NULL }, { "order", pol_order, 0, NULL }, \
		{ "selector", pol_selector, 0, NULL },                  \
		{ "serviceAccountSelector", pol_sa_selector, 0, NULL }, \
		{ "types", pol_types, 0, NULL },                        \
		{ "ingress", pol_ingress, 0, NULL },                    \
		{ "egress", pol_egress, 0, NULL },                      \
	{                                                               \
		"performanceHints", pol_hints, 0, NULL                  \
	}

#define GLOBAL_ONLY_FIELDS                                 \
	{ "namespaceSelector", pol_ns_selector, 0, NULL }, \
		{ "doNotTrack", pol_dnt, 0, NULL },        \
		{ "preDNAT", pol_prednat, 0, NULL },       \
	{                                                  \
		"applyOnForward", pol_aof, 0, NULL         \
	}

#define NOT_IN_NP_FIELDS                                                                                                \
	{                                                                                                               \
		"namespaceSelector", NULL, RPF_REJECT,                                                                  \
		"a NetworkPolicy has no namespaceSelector: it applies in its own namespace (use a GlobalNetworkPolicy)" \
	},                                                                                                              \
		{ "doNotTrack", NULL, RPF_REJECT,                                                                       \
		  "only a GlobalNetworkPolicy can be doNotTrack" },                                                     \
		{ "preDNAT", NULL, RPF_REJECT,                                                                          \
		  "only a GlobalNetworkPolicy can be preDNAT" },                                                        \
	{                                                                                                               \
		"applyOnForward", NULL, RPF_REJECT,                                                                     \
			"only a GlobalNetworkPolicy can be applyOnForward"                                              \
	}

static const struct rp_field gnp_fields[] = {
	POLICY_COMMON_FIELDS,
	GLOBAL_ONLY_FIELDS,
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field np_fields[] = {
	POLICY_COMMON_FIELDS,
	NOT_IN_NP_FIELDS,
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field sgnp_fields[] = {
	POLICY_COMMON_FIELDS,
	GLOBAL_ONLY_FIELDS,
	{ "stagedAction", pol_staged, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field snp_fields[] = {
	POLICY_COMMON_FIELDS,
	NOT_IN_NP_FIELDS,
	{ "stagedAction", pol_staged, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

/* A staged Delete only names the policy: nothing but tier may be set. */
static void check_staged_delete(struct rctx *c, const struct doc_node *spec)
{
	size_t i, old;

	if (!spec || spec->type != DOC_MAP)
		return;
	for (i = 0; i < spec->n; i++) {
		const struct doc_pair *p = &spec->pairs[i];
		struct doc_node at = { .type = DOC_STR,
				       .line = p->line,
				       .col = p->col };

		if (!strcmp(p->key, "tier") ||
		    !strcmp(p->key, "stagedAction") || p->val->type == DOC_NULL)
			continue;
		if ((p->val->type == DOC_SEQ || p->val->type == DOC_MAP) &&
		    p->val->n == 0)
			continue;
		if (p->val->type == DOC_BOOL && !p->val->b)
			continue;
		if (p->val->type == DOC_STR && p->val->len == 0)
			continue;
		old = rp_push(c, "spec");
		rp_push(c, p->key);
		rp_err(c, &at, "with stagedAction Delete only tier may be set");
		rp_pop(c, old);
	}
}

static void parse_policy(struct rctx *c, const struct doc_node *root)
{
	const struct doc_node *spec = doc_get(root, "spec");
	const struct doc_node *at = doc_get(doc_get(root, "metadata"), "name");
	struct spec_ctx x = { .spec = spec };
	struct res_policy *p = &c->r->pol;
	const struct rp_field *fields;
	size_t old;

	p->tier = "default";
	switch (c->r->kind) {
	case RES_GNP:
		fields = gnp_fields;
		break;
	case RES_NP:
		fields = np_fields;
		break;
	case RES_SGNP:
		fields = sgnp_fields;
		p->staged_action = RES_STAGED_SET;
		break;
	default:
		fields = snp_fields;
		p->staged_action = RES_STAGED_SET;
		break;
	}
	if (spec && spec->type != DOC_NULL) {
		old = rp_push(c, "spec");
		rp_map(c, spec, fields, &x, false);
		rp_pop(c, old);
	}
	if (p->staged_action == RES_STAGED_DELETE)
		check_staged_delete(c, spec);
	res_policy_finish(c, spec && spec->type == DOC_MAP ? spec : NULL,
			  x.types_given);
	if (c->r->name && at)
		res_check_policy_name(c, at);
}

/* --- Profile ---------------------------------------------------------- */

static void prof_ingress(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_rules(c, v, &c->r->prof.ingress, &c->r->prof.n_ingress, true);
}

static void prof_egress(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_rules(c, v, &c->r->prof.egress, &c->r->prof.n_egress, false);
}

static void prof_labels(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_labels(c, v, RP_PROFILE_LABELS, &c->r->prof.labels,
		  &c->r->prof.n_labels);
}

static const struct rp_field profile_fields[] = {
	{ "ingress", prof_ingress, 0, NULL },
	{ "egress", prof_egress, 0, NULL },
	{ "labelsToApply", prof_labels, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

/* --- endpoint ports --------------------------------------------------- */

struct port_ctx {
	struct res_ep_port *p;
	const struct doc_node *name, *proto, *port, *host_port;
};

static void ep_port_name(struct rctx *c, const struct doc_node *v, void *o)
{
	struct port_ctx *x = o;
	const char *s = rp_string(c, v), *why;

	x->name = v;
	if (s && !rp_is_port_name(s, &why))
		rp_bad(c, v, "%s", why);
	else
		x->p->name = s;
}

static void ep_port_proto(struct rctx *c, const struct doc_node *v, void *o)
{
	struct port_ctx *x = o;
	uint8_t num = 0;
	int64_t n;

	x->proto = v;
	if (v->type == DOC_STR)
		num = res_proto_num(v->text, true);
	else if (v->type == DOC_INT && rp_int(c, v, 1, 255, &n))
		num = (uint8_t)n;
	else if (v->type == DOC_INT)
		return;
	if (num != 6 && num != 17 && num != 132) {
		rp_bad(c, v,
		       "expected TCP, UDP or SCTP (a protocol with ports)");
		return;
	}
	x->p->proto.set = true;
	x->p->proto.num = num;
	x->p->proto.name = v->type == DOC_STR ? res_strdup(c->r, v->text)
					      : NULL;
}

static void ep_port_port(struct rctx *c, const struct doc_node *v, void *o)
{
	struct port_ctx *x = o;
	int64_t n;

	x->port = v;
	if (rp_int(c, v, 1, 65535, &n))
		x->p->port = (uint16_t)n;
}

static void ep_port_host_port(struct rctx *c, const struct doc_node *v, void *o)
{
	struct port_ctx *x = o;
	int64_t n;

	x->host_port = v;
	if (rp_int(c, v, 0, 65535, &n))
		x->p->host_port = (uint16_t)n;
}

static void ep_port_host_ip(struct rctx *c, const struct doc_node *v, void *o)
{
	struct port_ctx *x = o;
	struct res_cidr a;
	const char *s = rp_string(c, v), *why;

	if (s && *s && !res_parse_cidr(s, false, &a, &why))
		rp_bad(c, v, "%s", why);
	else if (s && *s)
		x->p->host_ip = s;
}

static const struct rp_field hep_port_fields[] = {
	{ "name", ep_port_name, 0, NULL },
	{ "protocol", ep_port_proto, 0, NULL },
	{ "port", ep_port_port, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field wep_port_fields[] = {
	{ "name", ep_port_name, 0, NULL },
	{ "protocol", ep_port_proto, 0, NULL },
	{ "port", ep_port_port, 0, NULL },
	{ "hostPort", ep_port_host_port, 0, NULL },
	{ "hostIP", ep_port_host_ip, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void parse_ep_ports(struct rctx *c, const struct doc_node *v, bool wep,
			   struct res_ep_port **out, size_t *count)
{
	struct res_ep_port *ports;
	size_t i, old, o2;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	ports = res_zalloc(c->r, (v->n + 1) * sizeof(*ports));
	for (i = 0; i < v->n; i++) {
		struct port_ctx x = { .p = &ports[i] };

		old = rp_push_idx(c, i);
		if (rp_map(c, v->items[i],
			   wep ? wep_port_fields : hep_port_fields, &x,
			   false)) {
			if (!x.proto) {
				o2 = rp_push(c, "protocol");
				rp_err(c, v->items[i],
				       "required: TCP, UDP or SCTP");
				rp_pop(c, o2);
			}
			if (!x.port) {
				o2 = rp_push(c, "port");
				rp_err(c, v->items[i], "required: 1 to 65535");
				rp_pop(c, o2);
			}
			if (!x.name && (!wep || !ports[i].host_port)) {
				o2 = rp_push(c, "name");
				rp_err(c, v->items[i],
				       wep ? "required unless hostPort is set"
					   : "required");
				rp_pop(c, o2);
			}
		}
		rp_pop(c, old);
	}
	*out = ports;
	*count = v->n;
}

/* Addresses with no prefix or a full one (expectedIPs, ipNetworks). */
static void parse_addrs(struct rctx *c, const struct doc_node *v,
			bool allow_prefix, struct res_cidr **out, size_t *count)
{
	struct res_cidr *a;
	const char *why;
	size_t i, k = 0, old;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	a = res_zalloc(c->r, (v->n + 1) * sizeof(*a));
	for (i = 0; i < v->n; i++) {
		const char *s;

		old = rp_push_idx(c, i);
		s = rp_string(c, v->items[i]);
		if (!s) {
		} else if (!res_parse_cidr(s, false, &a[k], &why)) {
			rp_bad(c, v->items[i], "%s", why);
		} else if (!allow_prefix && strchr(s, '/')) {
			rp_bad(c, v->items[i], "expected an IP address");
		} else if (a[k].prefix != (a[k].family == 4 ? 32 : 128)) {
			rp_bad(c, v->items[i],
			       "an endpoint address is one address (/32 or /128)");
		} else {
			k++;
		}
		rp_pop(c, old);
	}
	*out = a;
	*count = k;
}

/* CIDRs with host bits allowed (network sets, allowed source prefixes). */
static void parse_cidrs(struct rctx *c, const struct doc_node *v,
			struct res_cidr **out, size_t *count)
{
	struct res_cidr *a;
	const char *why;
	size_t i, k = 0, old;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	a = res_zalloc(c->r, (v->n + 1) * sizeof(*a));
	for (i = 0; i < v->n; i++) {
		const char *s;

		old = rp_push_idx(c, i);
		s = rp_string(c, v->items[i]);
		if (s && !res_parse_cidr(s, false, &a[k], &why))
			rp_bad(c, v->items[i], "%s", why);
		else if (s)
			k++;
		rp_pop(c, old);
	}
	*out = a;
	*count = k;
}

static bool check_profile_name(struct rctx *c, const struct doc_node *it,
			       const char *s)
{
	if (rp_is_dns_subdomain(s))
		return true;
	rp_bad(c, it, "not a profile name (a DNS subdomain)");
	return false;
}

static bool isalnum_ascii(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9');
}

/* --- HostEndpoint ----------------------------------------------------- */

struct ep_ctx {
	const struct doc_node *node, *iface, *ips, *name_fields[4];
};

static void hep_node(struct rctx *c, const struct doc_node *v, void *o)
{
	struct ep_ctx *x = o;

	x->node = v;
	c->r->hep.node = rp_string(c, v);
}

static void hep_iface(struct rctx *c, const struct doc_node *v, void *o)
{
	struct ep_ctx *x = o;
	const char *s = rp_string(c, v);

	x->iface = v;
	if (!s || !*s)
		return;
	if (strcmp(s, "*") && !rp_is_iface(s))
		rp_bad(c, v,
		       "an interface name is 1 to 15 of [a-zA-Z0-9_.-], or \"*\" for all");
	else
		c->r->hep.iface = s;
}

static void hep_ips(struct rctx *c, const struct doc_node *v, void *o)
{
	struct ep_ctx *x = o;

	x->ips = v;
	parse_addrs(c, v, false, &c->r->hep.expected_ips,
		    &c->r->hep.n_expected_ips);
}

static void hep_profiles(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_strings(c, v, check_profile_name, &c->r->hep.profiles,
		   &c->r->hep.n_profiles);
}

static void hep_ports(struct rctx *c, const struct doc_node *v, void *o)
{
	parse_ep_ports(c, v, false, &c->r->hep.ports, &c->r->hep.n_ports);
}

static const struct rp_field hep_fields[] = {
	{ "node", hep_node, 0, NULL },
	{ "interfaceName", hep_iface, 0, NULL },
	{ "expectedIPs", hep_ips, 0, NULL },
	{ "profiles", hep_profiles, 0, NULL },
	{ "ports", hep_ports, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void check_hep(struct rctx *c, const struct doc_node *root,
		      const struct ep_ctx *x)
{
	const struct doc_node *spec = doc_get(root, "spec");
	bool iface = x->iface && x->iface->type == DOC_STR && x->iface->len;
	bool ips = x->ips && x->ips->type == DOC_SEQ && x->ips->n;
	size_t old = rp_push(c, "spec");

	if (!x->node || (x->node->type == DOC_STR && !x->node->len)) {
		rp_push(c, "node");
		rp_err(c,
		       x->node ? x->node
		       : spec  ? spec
			       : root,
		       "required: the node the interface is on");
		rp_pop(c, old);
		rp_push(c, "spec");
	}
	if (!iface && !ips)
		rp_err(c, spec ? spec : root,
		       "interfaceName or expectedIPs is required");
	rp_pop(c, old);
}

/* --- WorkloadEndpoint ------------------------------------------------- */

#define WEP_STR(field, member)                                            \
	static void wep_##field(struct rctx *c, const struct doc_node *v, \
				void *o)                                  \
	{                                                                 \
		c->r->wep.member = rp_string(c, v);                       \
		if (c->r->wep.member && !*c->r->wep.member)               \
			c->r->wep.member = NULL;                          \
	}

WEP_STR(orchestrator, orchestrator)
WEP_STR(workload, workload)
WEP_STR(node, node)
WEP_STR(pod, pod)
WEP_STR(endpoint, endpoint)
WEP_STR(sa, service_account)

static void wep_container(struct rctx *c, const struct doc_node *v, void *o)
{
	const char *s = rp_string(c, v);
	size_t n, i;

	if (!s || !*s)
		return;
	n = strlen(s);
	for (i = 0; i < n; i++)
		if (!isalnum_ascii(s[i]) && s[i] != '-')
			break;
	if (i < n || s[0] == '-' || s[n - 1] == '-') {
		rp_bad(c, v,
		       "a container ID is letters, digits and '-', starting and ending with a letter or digit");
		return;
	}
	c->r->wep.container_id = s;
}

static void wep_iface(struct rctx *c, const struct doc_node *v, void *o)
{
	const char *s = rp_string(c, v);

	if (!s || !*s)
		return;
	if (!rp_is_iface(s))
		rp_bad(c, v, "an interface name is 1 to 15 of [a-zA-Z0-9_.-]");
	else
		c->r->wep.iface = s;
}

static void wep_mac(struct rctx *c, const struct doc_node *v, void *o)
{
	const char *s = rp_string(c, v);
	unsigned int b[6];
	char sep, tail;

	if (!s || !*s)
		return;
	if (strlen(s) != 17 ||
	    sscanf(s, "%2x%c%2x%*c%2x%*c%2x%*c%2x%*c%2x%c", &b[0], &sep, &b[1],
		   &b[2], &b[3], &b[4], &b[5], &tail) != 7 ||
	    (sep != ':' && sep != '-')) {
		rp_bad(c, v,
		       "a MAC address is six hex pairs (02:00:00:00:00:01)");
		return;
	}
	c->r->wep.mac = s;
}

static void wep_ipnets(struct rctx *c, const struct doc_node *v, void *o)
{
	parse_addrs(c, v, true, &c->r->wep.ip_networks,
		    &c->r->wep.n_ip_networks);
}

static void wep_gw(struct rctx *c, const struct doc_node *v, int family,
		   const char **out)
{
	const char *s = rp_string(c, v), *why;
	struct res_cidr a;

	if (!s || !*s)
		return;
	if (!res_parse_cidr(s, false, &a, &why))
		rp_bad(c, v, "%s", why);
	else if (a.family != family)
		rp_bad(c, v, "expected an IPv%d address", family);
	else
		*out = s;
}

static void wep_gw4(struct rctx *c, const struct doc_node *v, void *o)
{
	wep_gw(c, v, 4, &c->r->wep.ipv4_gateway);
}

static void wep_gw6(struct rctx *c, const struct doc_node *v, void *o)
{
	wep_gw(c, v, 6, &c->r->wep.ipv6_gateway);
}

static void wep_profiles(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_strings(c, v, check_profile_name, &c->r->wep.profiles,
		   &c->r->wep.n_profiles);
}

static void wep_ports(struct rctx *c, const struct doc_node *v, void *o)
{
	parse_ep_ports(c, v, true, &c->r->wep.ports, &c->r->wep.n_ports);
}

static void wep_spoof(struct rctx *c, const struct doc_node *v, void *o)
{
	parse_cidrs(c, v, &c->r->wep.allow_spoofed, &c->r->wep.n_allow_spoofed);
}

static const struct rp_field wep_fields[] = {
	{ "orchestrator", wep_orchestrator, 0, NULL },
	{ "workload", wep_workload, 0, NULL },
	{ "node", wep_node, 0, NULL },
	{ "containerID", wep_container, 0, NULL },
	{ "pod", wep_pod, 0, NULL },
	{ "endpoint", wep_endpoint, 0, NULL },
	{ "serviceAccountName", wep_sa, 0, NULL },
	{ "ipNetworks", wep_ipnets, 0, NULL },
	{ "ipv4Gateway", wep_gw4, 0, NULL },
	{ "ipv6Gateway", wep_gw6, 0, NULL },
	{ "profiles", wep_profiles, 0, NULL },
	{ "interfaceName", wep_iface, 0, NULL },
	{ "mac", wep_mac, 0, NULL },
	{ "ports", wep_ports, 0, NULL },
	{ "allowSpoofedSourcePrefixes", wep_spoof, 0, NULL },
	{ "ipNATs", NULL, RPF_WARN,
	  "ignored: NAT does not change L3/L4 policy verdicts" },
	{ "qosControls", NULL, RPF_WARN,
	  "ignored: QoS controls do not change L3/L4 policy verdicts" },
	{ "awsElasticIPs", NULL, RPF_WARN,
	  "ignored: elastic IPs do not change L3/L4 policy verdicts" },
	{ NULL, NULL, 0, NULL },
};

static void check_wep(struct rctx *c, const struct doc_node *root)
{
	const struct res_wep *w = &c->r->wep;
	const struct doc_node *spec = doc_get(root, "spec");
	const struct doc_node *at = doc_get(doc_get(root, "metadata"), "name");
	const char *workload;
	char want[512];
	size_t old;

	if (!w->orchestrator || !w->node || !w->endpoint) {
		old = rp_push(c, "spec");
		rp_push(c, !w->node	      ? "node"
			   : !w->orchestrator ? "orchestrator"
					      : "endpoint");
		rp_err(c, spec ? spec : root, "required");
		rp_pop(c, old);
		return;
	}
	if (!strcmp(w->orchestrator, "k8s"))
		workload = w->pod;
	else if (!strcmp(w->orchestrator, "cni"))
		workload = w->container_id;
	else if (!strcmp(w->orchestrator, "libnetwork"))
		workload = "libnetwork";
	else
		workload = w->workload;
	if (!workload) {
		old = rp_push(c, "spec");
		rp_push(c, !strcmp(w->orchestrator, "k8s")   ? "pod"
			   : !strcmp(w->orchestrator, "cni") ? "containerID"
							     : "workload");
		rp_err(c, spec ? spec : root, "required for orchestrator %s",
		       w->orchestrator);
		rp_pop(c, old);
		return;
	}
	if (res_wep_name(w->node, w->orchestrator, workload, w->endpoint, want,
			 sizeof(want))) {
		old = rp_push(c, "spec");
		rp_err(c, spec ? spec : root,
		       "node, orchestrator, workload and endpoint must not start or end with '-'");
		rp_pop(c, old);
		return;
	}
	if (c->r->name && at && strcmp(c->r->name, want)) {
		old = rp_push(c, "metadata.name");
		rp_bad(c, at,
		       "must be \"%s\" (node-orchestrator-workload-endpoint, each '-' doubled)",
		       want);
		rp_pop(c, old);
	}
}

/* --- network sets ----------------------------------------------------- */

static void set_nets(struct rctx *c, const struct doc_node *v, void *o)
{
	parse_cidrs(c, v, &c->r->set.nets, &c->r->set.n_nets);
}

static const struct rp_field set_fields[] = {
	{ "nets", set_nets, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void check_set_labels(struct rctx *c, const struct doc_node *root)
{
	size_t i, old;

	for (i = 0; i < c->r->n_labels; i++)
		if (!strcmp(c->r->labels[i].key,
			    "projectcalico.org/namespace")) {
			old = rp_push(c, "metadata.labels");
			rp_push(c, "projectcalico.org/namespace");
			rp_err(c,
			       doc_get(doc_get(doc_get(root, "metadata"),
					       "labels"),
				       "projectcalico.org/namespace"),
			       "reserved: Calico sets it on namespaced endpoints");
			rp_pop(c, old);
		}
}

/* --- dispatch --------------------------------------------------------- */

static const struct {
	const char *kind;
	enum res_kind rk;
} calico_kinds[] = {
	{ "Tier", RES_TIER },
	{ "GlobalNetworkPolicy", RES_GNP },
	{ "NetworkPolicy", RES_NP },
	{ "StagedGlobalNetworkPolicy", RES_SGNP },
	{ "StagedNetworkPolicy", RES_SNP },
	{ "Profile", RES_PROFILE },
	{ "HostEndpoint", RES_HEP },
	{ "WorkloadEndpoint", RES_WEP },
	{ "GlobalNetworkSet", RES_GNS },
	{ "NetworkSet", RES_NETSET },
};

/* Calico kinds that hold no policy: skipped with a warning. */
static const char *const calico_other[] = {
	"IPPool",
	"IPReservation",
	"BGPConfiguration",
	"BGPPeer",
	"BGPFilter",
	"FelixConfiguration",
	"KubeControllersConfiguration",
	"ClusterInformation",
	"Node",
	"CalicoNodeStatus",
	"IPAMConfiguration",
	"BlockAffinity",
	"IPAMBlock",
	"IPAMHandle",
	"QoSPolicy",
	NULL,
};

static void top_ignore(struct rctx *c, const struct doc_node *v, void *o)
{
}

static const struct rp_field top_fields[] = {
	{ "apiVersion", top_ignore, 0, NULL }, { "kind", top_ignore, 0, NULL },
	{ "metadata", top_ignore, 0, NULL },   { "spec", top_ignore, 0, NULL },
	{ "status", NULL, RPF_IGNORE, NULL },  { NULL, NULL, 0, NULL },
};

int res_parse_k8s_staged(struct rctx *c, const struct doc_node *root,
			 struct res_list *out);

int res_parse_calico(struct rctx *c, const struct doc_node *root,
		     const char *kind, struct res_list *out)
{
	const struct doc_node *spec = doc_get(root, "spec");
	const struct rp_field *fields = NULL;
	struct ep_ctx x;
	unsigned int errors = c->d->errors;
	size_t i, old;
	int rk = -1;

	for (i = 0; i < sizeof(calico_kinds) / sizeof(calico_kinds[0]); i++)
		if (!strcmp(kind, calico_kinds[i].kind))
			rk = (int)calico_kinds[i].rk;
	if (rk < 0 && !strcmp(kind, "StagedKubernetesNetworkPolicy"))
		return res_parse_k8s_staged(c, root, out);
	if (rk < 0) {
		const char *const *k;

		old = rp_push(c, "kind");
		for (k = calico_other; *k; k++)
			if (!strcmp(kind, *k))
				break;
		if (*k)
			rp_warn(c, doc_get(root, "kind"),
				"skipped: %s holds no network policy", kind);
		else
			rp_bad(c, doc_get(root, "kind"),
			       "not a projectcalico.org/v3 kind; policy kinds are Tier, GlobalNetworkPolicy, NetworkPolicy, StagedGlobalNetworkPolicy, StagedNetworkPolicy, StagedKubernetesNetworkPolicy, Profile, HostEndpoint, WorkloadEndpoint, GlobalNetworkSet, NetworkSet");
		rp_pop(c, old);
		return *k ? 0 : -EINVAL;
	}
	c->r = res_alloc((enum res_kind)rk);
	rp_map(c, root, top_fields, NULL, false);
	res_parse_meta(c, root, res_kind_namespaced((enum res_kind)rk));
	memset(&x, 0, sizeof(x));
	switch (rk) {
	case RES_TIER:
		parse_tier(c, root);
		break;
	case RES_GNP:
	case RES_NP:
	case RES_SGNP:
	case RES_SNP:
		parse_policy(c, root);
		break;
	case RES_PROFILE:
		fields = profile_fields;
		check_subdomain_name(c, root);
		break;
	case RES_HEP:
		fields = hep_fields;
		check_subdomain_name(c, root);
		break;
	case RES_WEP:
		fields = wep_fields;
		check_subdomain_name(c, root);
		break;
	case RES_GNS:
	case RES_NETSET:
		fields = set_fields;
		check_subdomain_name(c, root);
		check_set_labels(c, root);
		break;
	}
	res_src_fill(c, root, kind, c->r->ns, c->r->name);
	if (fields && spec && spec->type != DOC_NULL) {
		old = rp_push(c, "spec");
		rp_map(c, spec, fields, &x, false);
		rp_pop(c, old);
	}
	if (rk == RES_HEP)
		check_hep(c, root, &x);
	else if (rk == RES_WEP && c->d->errors == errors)
		check_wep(c, root);
	if (c->d->errors != errors) {
		res_free(c->r);
		c->r = NULL;
		return -EINVAL;
	}
	res_list_push(out, c->r);
	c->r = NULL;
	return 0;
}

/* --- documents -------------------------------------------------------- */

static const char *const k8s_apis[] = {
	"v1",
	"networking.k8s.io/v1",
	"policy.networking.k8s.io/v1alpha1",
	"policy.networking.k8s.io/v1alpha2",
	NULL,
};

static bool is_calico_api(const char *api)
{
	return !strcmp(api, "projectcalico.org/v3") ||
	       !strcmp(api, "crd.projectcalico.org/v1");
}

static int parse_one(struct rctx *c, const struct doc_node *root,
		     struct res_list *out, bool in_list);

static int parse_items(struct rctx *c, const struct doc_node *root,
		       struct res_list *out)
{
	const struct doc_node *items = doc_get(root, "items");
	size_t i, old;
	int ret = 0;

	old = rp_push(c, "items");
	if (items && items->type != DOC_NULL && rp_expect(c, items, DOC_SEQ)) {
		for (i = 0; i < items->n; i++) {
			size_t o2 = rp_push_idx(c, i);

			if (parse_one(c, items->items[i], out, true))
				ret = -EINVAL;
			rp_pop(c, o2);
		}
	}
	rp_pop(c, old);
	return ret;
}

static int parse_one(struct rctx *c, const struct doc_node *root,
		     struct res_list *out, bool in_list)
{
	const struct doc_node *api_n, *kind_n;
	const char *api, *kind, *const *k;
	char base[256];
	size_t old, len, i;

	if (root->type != DOC_MAP) {
		rp_err(c, root,
		       "expected a mapping with apiVersion, kind, metadata and spec, not %s",
		       doc_type_name(root));
		return -EINVAL;
	}
	api_n = doc_get(root, "apiVersion");
	kind_n = doc_get(root, "kind");
	if (!api_n || !kind_n) {
		old = rp_push(c, !api_n ? "apiVersion" : "kind");
		rp_err(c, root, "required");
		rp_pop(c, old);
		return -EINVAL;
	}
	old = rp_push(c, "apiVersion");
	api = api_n->type == DOC_STR ? api_n->text : NULL;
	if (!api)
		rp_bad(c, api_n, "expected a string");
	rp_pop(c, old);
	old = rp_push(c, "kind");
	kind = kind_n->type == DOC_STR ? kind_n->text : NULL;
	if (!kind)
		rp_bad(c, kind_n, "expected a string");
	rp_pop(c, old);
	if (!api || !kind)
		return -EINVAL;

	/* Lists: v1 List, and <Kind>List of the kinds we read */
	len = strlen(kind);
	if (len > 4 && !strcmp(kind + len - 4, "List") &&
	    len - 4 < sizeof(base)) {
		memcpy(base, kind, len - 4);
		base[len - 4] = 0;
		for (i = 0; i < sizeof(calico_kinds) / sizeof(calico_kinds[0]);
		     i++)
			if (!strcmp(base, calico_kinds[i].kind))
				break;
		if (!in_list &&
		    (i < sizeof(calico_kinds) / sizeof(calico_kinds[0]) ||
		     !strcmp(base, "Pod") || !strcmp(base, "Namespace") ||
		     !strcmp(base, "ServiceAccount") ||
		     !strcmp(base, "AdminNetworkPolicy") ||
		     !strcmp(base, "BaselineAdminNetworkPolicy") ||
		     !strcmp(base, "ClusterNetworkPolicy")))
			return parse_items(c, root, out);
	}
	if (!strcmp(kind, "List") && !in_list)
		return parse_items(c, root, out);
	if (in_list && len >= 4 && !strcmp(kind + len - 4, "List")) {
		rp_warn(c, root, "skipped: a List inside a List is not read");
		return 0;
	}

	c->api = api;
	if (is_calico_api(api))
		return res_parse_calico(c, root, kind, out);
	for (k = k8s_apis; *k; k++)
		if (!strcmp(api, *k))
			return res_parse_k8s(c, root, api, kind, out);
	if (!strncmp(api, "projectcalico.org/", 18)) {
		old = rp_push(c, "apiVersion");
		rp_bad(c, api_n, "expected projectcalico.org/v3");
		rp_pop(c, old);
		return -EINVAL;
	}
	rp_warn(c, root, "skipped: %s %s holds no network policy", api, kind);
	return 0;
}

void res_src_fill(struct rctx *c, const struct doc_node *root, const char *kind,
		  const char *ns, const char *name)
{
	struct res_src *s = &c->r->src;

	s->api_version = res_strdup(c->r, c->api);
	s->kind = res_strdup(c->r, kind);
	s->ns = res_strdup(c->r, ns ? ns : "");
	s->name = res_strdup(c->r, name ? name : "");
	s->file = res_strdup(c->r, c->doc->file);
	s->origin = res_strdup(c->r, c->doc->origin);
	s->line = root->line;
	s->col = root->col;
}

int res_parse(const struct doc *doc, const struct doc_node *root,
	      unsigned int flags, struct res_list *out, struct diags *d)
{
	unsigned int errors = d->errors;
	size_t i, n = out->n;
	struct rctx c;

	memset(&c, 0, sizeof(c));
	c.doc = doc;
	c.d = d;
	c.flags = flags;
	parse_one(&c, root, out, false);
	for (i = n; i < out->n; i++)
		res_settle(out->v[i]);
	return d->errors > errors ? -EINVAL : 0;
}

int res_parse_object(struct json_object *obj, unsigned int flags,
		     struct res_list *out, struct diags *d)
{
	struct json_object *md = NULL, *k = NULL, *n = NULL, *ns = NULL;
	char origin[512];
	struct doc doc;
	int ret;

	json_object_object_get_ex(obj, "kind", &k);
	json_object_object_get_ex(obj, "metadata", &md);
	if (md) {
		json_object_object_get_ex(md, "name", &n);
		json_object_object_get_ex(md, "namespace", &ns);
	}
	snprintf(origin, sizeof(origin), "%s %s%s%s",
		 k ? json_object_get_string(k) : "object",
		 ns ? json_object_get_string(ns) : "", ns ? "/" : "",
		 n ? json_object_get_string(n) : "(no name)");
	doc_from_json(&doc, obj, origin);
	ret = res_parse(&doc, doc.roots[0], flags, out, d);
	/* the resources point at no document memory: strings are copied */
	doc_release(&doc);
	return ret;
}
