// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kubernetes objects into the Calico model, as Calico's Kubernetes
 * datastore converts them (libcalico-go/lib/backend/k8s/conversion):
 *
 *  - Namespace -> Profile kns.<ns>: allow-all ingress and egress,
 *    labelsToApply pcns.<key> plus pcns.projectcalico.org/name;
 *  - ServiceAccount -> Profile ksa.<ns>.<sa>: labelsToApply pcsa.<key>
 *    plus pcsa.projectcalico.org/name, no rules;
 *  - Pod -> WorkloadEndpoint <node>-k8s-<pod>-eth0 (host-networked,
 *    unscheduled and address-less pods give none; finished pods lose
 *    their addresses and so give none);
 *  - networking.k8s.io/v1 NetworkPolicy -> NetworkPolicy knp.default.<name>
 *    in tier default at order 1000 (and StagedKubernetesNetworkPolicy ->
 *    StagedNetworkPolicy of the same name);
 *  - AdminNetworkPolicy (v1alpha1) -> GlobalNetworkPolicy
 *    kanp.kube-admin.<name> in tier kube-admin, order = priority;
 *    BaselineAdminNetworkPolicy -> kbanp.kube-baseline.<name> in tier
 *    kube-baseline (no order); ClusterNetworkPolicy (v1alpha2) ->
 *    kcnp.kube-admin.<name> or kcnp.kube-baseline.<name>, order =
 *    priority. Rules Calico cannot convert fail closed as Calico's do: a
 *    Deny or Pass rule becomes "Deny everything", an Allow rule is dropped,
 *    with a warning.
 *
 * Kubernetes objects are validated as the API server validates the fields
 * read; other fields of Pods, Namespaces and ServiceAccounts are ignored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "res_int.h"

#define LABEL_NAMESPACE "projectcalico.org/namespace"
#define LABEL_ORCH	"projectcalico.org/orchestrator"
#define LABEL_SA	"projectcalico.org/serviceaccount"
#define NAME_LABEL	"projectcalico.org/name"
#define ANN_POD_IP	"cni.projectcalico.org/podIP"
#define ANN_POD_IPS	"cni.projectcalico.org/podIPs"
#define ANN_AWS_IPS	"vpc.amazonaws.com/pod-ips"
#define ANN_CONTAINER	"cni.projectcalico.org/containerID"
#define ANN_SPOOF	"cni.projectcalico.org/allowedSourcePrefixes"

/* --- a growable string ------------------------------------------------ */

struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->n + (size_t)n + 1 > b->cap) {
		b->cap = (b->n + (size_t)n + 1) * 2;
		b->s = doc_xalloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

static const char *sb_take(struct rctx *c, struct sbuf *b)
{
	const char *s = res_strdup(c->r, b->s ? b->s : "");

	free(b->s);
	memset(b, 0, sizeof(*b));
	return s;
}

/* --- naming ----------------------------------------------------------- */

void res_k8s_iface_name(const char *ns, const char *pod, const char *prefix,
			char *out, size_t size)
{
	char hex[41], *in;
	size_t n = strlen(ns) + strlen(pod) + 2;

	in = doc_xalloc(NULL, n);
	snprintf(in, n, "%s.%s", ns, pod);
	res_sha1_hex(in, strlen(in), hex);
	free(in);
	snprintf(out, size, "%s%.11s", prefix ? prefix : "cali", hex);
}

static bool escape_dashes(const char *s, struct sbuf *b)
{
	size_t n = strlen(s), i;

	if (!n || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		sb_printf(b, s[i] == '-' ? "--" : "%c", s[i]);
	return true;
}

int res_wep_name(const char *node, const char *orchestrator,
		 const char *workload, const char *endpoint, char *out,
		 size_t size)
{
	const char *parts[4] = { node, orchestrator, workload, endpoint };
	struct sbuf b = { 0 };
	unsigned int i;
	int ret = 0;

	for (i = 0; i < 4; i++) {
		if (i)
			sb_printf(&b, "-");
		if (!parts[i] || !escape_dashes(parts[i], &b)) {
			ret = -EINVAL;
			break;
		}
	}
	if (!ret)
		snprintf(out, size, "%s", b.s);
	free(b.s);
	return ret;
}

/* --- label selectors -------------------------------------------------- */

enum sel_kind {
	SELECT_PODS,
	SELECT_NAMESPACES,
};

struct lsel_ctx {
	struct sbuf *b;
	size_t terms;
	bool ok;
};

static void lsel_match_labels(struct rctx *c, const struct doc_node *v, void *o)
{
	struct lsel_ctx *x = o;
	struct sel_label *l;
	size_t n, i;

	if (!rp_labels(c, v, RP_LABELS, &l, &n)) {
		x->ok = false;
		return;
	}
	/* sorted by key, as Calico sorts them */
	for (i = 0; i < n; i++) {
		sb_printf(x->b, "%s%s == '%s'", x->terms ? " && " : "",
			  l[i].key, l[i].value);
		x->terms++;
	}
}

struct expr_ctx {
	const char *key, *op;
	const char **values;
	size_t n_values;
	const struct doc_node *values_node;
};

static void expr_key(struct rctx *c, const struct doc_node *v, void *o)
{
	struct expr_ctx *e = o;
	const char *s = rp_string(c, v), *why;

	if (s && !rp_is_label_key(s, &why))
		rp_bad(c, v, "invalid label key: %s", why);
	else
		e->key = s;
}

static void expr_op(struct rctx *c, const struct doc_node *v, void *o)
{
	struct expr_ctx *e = o;
	const char *s = rp_string(c, v);

	if (s && strcmp(s, "In") && strcmp(s, "NotIn") && strcmp(s, "Exists") &&
	    strcmp(s, "DoesNotExist"))
		rp_bad(c, v, "expected In, NotIn, Exists or DoesNotExist");
	else
		e->op = s;
}

static bool check_label_value(struct rctx *c, const struct doc_node *it,
			      const char *s)
{
	const char *why;

	if (rp_is_label_value(s, &why))
		return true;
	rp_bad(c, it, "invalid label value: %s", why);
	return false;
}

static void expr_values(struct rctx *c, const struct doc_node *v, void *o)
{
	struct expr_ctx *e = o;

	e->values_node = v;
	rp_strings(c, v, check_label_value, &e->values, &e->n_values);
}

static const struct rp_field expr_fields[] = {
	{ "key", expr_key, 0, NULL },
	{ "operator", expr_op, 0, NULL },
	{ "values", expr_values, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void lsel_exprs(struct rctx *c, const struct doc_node *v, void *o)
{
	struct lsel_ctx *x = o;
	unsigned int errors = c->d->errors;
	size_t i, j, old, o2;

	if (!rp_expect(c, v, DOC_SEQ)) {
		x->ok = false;
		return;
	}
	for (i = 0; i < v->n; i++) {
		struct expr_ctx e = { 0 };
		bool set;

		old = rp_push_idx(c, i);
		rp_map(c, v->items[i], expr_fields, &e, false);
		if (!e.key || !e.op) {
			o2 = rp_push(c, !e.key ? "key" : "operator");
			if (c->d->errors == errors)
				rp_err(c, v->items[i], "required");
			rp_pop(c, o2);
			rp_pop(c, old);
			x->ok = false;
			continue;
		}
		set = !strcmp(e.op, "In") || !strcmp(e.op, "NotIn");
		o2 = rp_push(c, "values");
		if (set && !e.n_values)
			rp_err(c, e.values_node ? e.values_node : v->items[i],
			       "required (at least one) for operator %s", e.op);
		else if (!set && e.n_values)
			rp_err(c, e.values_node,
			       "must be empty for operator %s", e.op);
		rp_pop(c, o2);
		rp_pop(c, old);
		if (c->d->errors != errors) {
			x->ok = false;
			continue;
		}
		sb_printf(x->b, "%s", x->terms ? " && " : "");
		x->terms++;
		if (set) {
			sb_printf(x->b, "%s %s { ", e.key,
				  !strcmp(e.op, "In") ? "in" : "not in");
			for (j = 0; j < e.n_values; j++)
				sb_printf(x->b, "%s'%s'", j ? ", " : "",
					  e.values[j]);
			sb_printf(x->b, " }");
		} else if (!strcmp(e.op, "Exists")) {
			sb_printf(x->b, "has(%s)", e.key);
		} else {
			sb_printf(x->b, "! has(%s)", e.key);
		}
	}
}

static const struct rp_field lsel_fields[] = {
	{ "matchLabels", lsel_match_labels, 0, NULL },
	{ "matchExpressions", lsel_exprs, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

/*
 * Calico's k8sSelectorToCalico(): pod selectors start with
 * projectcalico.org/orchestrator == 'k8s'; a present but empty namespace
 * selector is all(); matchLabels sorted, then matchExpressions in order,
 * joined by " && ". @v NULL is an absent selector.
 */
static bool k8s_selector(struct rctx *c, const struct doc_node *v,
			 enum sel_kind kind, struct res_sel *out,
			 const struct doc_node *at)
{
	struct sbuf b = { 0 };
	struct lsel_ctx x = { .b = &b, .ok = true };
	const char *text;

	memset(out, 0, sizeof(*out));
	if (kind == SELECT_PODS) {
		sb_printf(&b, "%s == 'k8s'", LABEL_ORCH);
		x.terms = 1;
	}
	if (v && v->type != DOC_NULL) {
		if (!rp_map(c, v, lsel_fields, &x, false))
			x.ok = false;
		if (kind == SELECT_NAMESPACES && x.ok && !x.terms)
			sb_printf(&b, "all()");
	}
	text = sb_take(c, &b);
	if (!x.ok)
		return false;
	if (!*text)
		return true;
	return res_make_selector(
		c, v ? v : at, text,
		kind == SELECT_NAMESPACES ? SEL_F_ALLOW_GLOBAL : 0, out);
}

/* --- shared conversion pieces ----------------------------------------- */

/* A rule's ports per protocol, as Calico's k8sRuleToCalico groups them. */
struct pgroup {
	bool present, all;
	struct res_port *v;
	size_t n, cap;
};

struct pgroups {
	bool any; /* the "" protocol: no ports at all */
	struct pgroup g[3]; /* SCTP, TCP, UDP: sorted by name */
};

static const char *const group_proto[3] = { "SCTP", "TCP", "UDP" };

static int group_index(const char *proto)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		if (!strcmp(proto, group_proto[i]))
			return (int)i;
	return -1;
}

/* Add one port of @proto; @p NULL means all ports of it. */
static void pgroups_add(struct pgroups *pg, const char *proto,
			const struct res_port *p)
{
	struct pgroup *g = &pg->g[group_index(proto)];

	if (!p) {
		g->present = true;
		g->all = true;
		g->n = 0;
		return;
	}
	if (g->present && g->all)
		return;
	g->present = true;
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 4;
		g->v = doc_xalloc(g->v, g->cap * sizeof(*g->v));
	}
	g->v[g->n++] = *p;
}

static void pgroups_release(struct pgroups *pg)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		free(pg->g[i].v);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Calico's SimplifyPorts(): unchanged when there is at most one port or
 * at most one number; otherwise named ports first (in order), then the
 * numbers sorted and merged into ranges. */
static void simplify_ports(struct rctx *c, const struct pgroup *g,
			   struct res_port **out, size_t *count)
{
	struct res_port *v;
	size_t total = 0, i, k = 0, m = 0;
	int *nums, p, first, last;

	*out = NULL;
	*count = 0;
	if (!g->n)
		return;
	for (i = 0; i < g->n; i++)
		if (!g->v[i].name)
			total += (size_t)g->v[i].last - g->v[i].first + 1;
	v = res_zalloc(c->r, (g->n + total + 1) * sizeof(*v));
	if (g->n <= 1 || total <= 1) {
		memcpy(v, g->v, g->n * sizeof(*v));
		*out = v;
		*count = g->n;
		return;
	}
	nums = doc_xalloc(NULL, total * sizeof(*nums));
	for (i = 0; i < g->n; i++) {
		if (g->v[i].name) {
			v[k++] = g->v[i];
			continue;
		}
		for (p = g->v[i].first; p <= g->v[i].last; p++)
			nums[m++] = p;
	}
	qsort(nums, m, sizeof(*nums), cmp_int);
	for (i = 0; i < m;) {
		first = last = nums[i++];
		while (i < m && nums[i] <= last + 1)
			last = nums[i++];
		v[k].first = (uint16_t)first;
		v[k].last = (uint16_t)last;
		v[k].name = NULL;
		k++;
	}
	free(nums);
	*out = v;
	*count = k;
}

struct peer {
	const struct doc_node *node;
	struct res_cidr *nets, *not_nets;
	size_t n_nets, n_not_nets;
	struct res_sel sel, ns_sel;
	const char *unsupported; /* Calico cannot convert it: why */
};

struct rule_vec {
	struct res_rule *v;
	size_t n, cap;
};

static struct res_rule *rule_vec_add(struct rule_vec *rv)
{
	if (rv->n == rv->cap) {
		rv->cap = rv->cap ? 2 * rv->cap : 8;
		rv->v = doc_xalloc(rv->v, rv->cap * sizeof(*rv->v));
	}
	memset(&rv->v[rv->n], 0, sizeof(rv->v[0]));
	return &rv->v[rv->n++];
}

static void rule_vec_take(struct rctx *c, struct rule_vec *rv,
			  struct res_rule **out, size_t *count)
{
	*out = res_zalloc(c->r, (rv->n + 1) * sizeof(**out));
	if (rv->n)
		memcpy(*out, rv->v, rv->n * sizeof(**out));
	*count = rv->n;
	free(rv->v);
	memset(rv, 0, sizeof(*rv));
}

/*
 * One rule per protocol (sorted, "" first) and peer, as Calico generates
 * them; the peer goes on the source of ingress rules and the destination
 * of egress rules, the ports on the destination.
 */
static void emit_rules(struct rctx *c, struct rule_vec *rv,
		       const struct doc_node *at, enum res_action action,
		       bool ingress, const struct pgroups *pg,
		       const struct peer *peers, size_t n_peers,
		       const char *rule_name)
{
	size_t gi, pi, n_ports;
	struct res_port *ports;
	int g;

	for (g = -1; g < 3; g++) {
		if (g < 0 ? !pg->any : pg->any || !pg->g[g].present)
			continue;
		ports = NULL;
		n_ports = 0;
		if (g >= 0 && !pg->g[g].all)
			simplify_ports(c, &pg->g[g], &ports, &n_ports);
		for (pi = 0; pi < (n_peers ? n_peers : 1); pi++) {
			struct res_rule *r = rule_vec_add(rv);
			const struct peer *p = n_peers ? &peers[pi] : NULL;
			struct res_entity *side = ingress ? &r->src : &r->dst;

			r->action = action;
			r->line = at->line;
			r->col = at->col;
			if (g >= 0) {
				r->proto.set = true;
				r->proto.name = group_proto[g];
				r->proto.num = g == 0 ? 132 : g == 1 ? 6 : 17;
			}
			r->dst.ports = ports;
			r->dst.n_ports = n_ports;
			if (p) {
				side->nets = p->nets;
				side->n_nets = p->n_nets;
				side->not_nets = p->not_nets;
				side->n_not_nets = p->n_not_nets;
				side->selector = p->sel;
				side->ns_selector = p->ns_sel;
			}
			if (rule_name && *rule_name) {
				r->annotations = res_zalloc(
					c->r, sizeof(*r->annotations));
				r->annotations[0].key = "name";
				r->annotations[0].value = rule_name;
				r->n_annotations = 1;
			}
		}
		(void)gi;
	}
}

/* --- networking.k8s.io/v1 NetworkPolicy -------------------------------- */

struct knp_port_ctx {
	const struct doc_node *proto, *port, *end;
	const char *proto_name;
	struct res_port p;
	bool has_port;
};

static void kport_proto(struct rctx *c, const struct doc_node *v, void *o)
{
	struct knp_port_ctx *x = o;
	const char *s = rp_string(c, v);

	x->proto = v;
	if (s && group_index(s) < 0)
		rp_bad(c, v, "expected TCP, UDP or SCTP");
	else if (s)
		x->proto_name = s;
}

static void kport_port(struct rctx *c, const struct doc_node *v, void *o)
{
	struct knp_port_ctx *x = o;
	const char *why;
	int64_t n;

	x->port = v;
	if (v->type == DOC_STR) {
		if (!rp_is_port_name(v->text, &why)) {
			rp_bad(c, v, "%s", why);
			return;
		}
		x->p.name = res_strdup(c->r, v->text);
		x->has_port = true;
		return;
	}
	if (rp_int(c, v, 1, 65535, &n)) {
		x->p.first = x->p.last = (uint16_t)n;
		x->has_port = true;
	}
}

static void kport_end(struct rctx *c, const struct doc_node *v, void *o)
{
	struct knp_port_ctx *x = o;
	int64_t n;

	x->end = v;
	if (rp_int(c, v, 1, 65535, &n))
		x->p.last = (uint16_t)n;
}

static const struct rp_field knp_port_fields[] = {
	{ "protocol", kport_proto, 0, NULL },
	{ "port", kport_port, 0, NULL },
	{ "endPort", kport_end, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void knp_ports(struct rctx *c, const struct doc_node *v,
		      struct pgroups *pg)
{
	unsigned int errors;
	size_t i, old, o2;

	memset(pg, 0, sizeof(*pg));
	pg->any = true;
	if (!v || v->type == DOC_NULL || !rp_expect(c, v, DOC_SEQ))
		return;
	pg->any = v->n == 0;
	for (i = 0; i < v->n; i++) {
		struct knp_port_ctx x;

		memset(&x, 0, sizeof(x));
		errors = c->d->errors;
		old = rp_push_idx(c, i);
		rp_map(c, v->items[i], knp_port_fields, &x, false);
		if (x.end && x.has_port) {
			o2 = rp_push(c, "endPort");
			if (x.p.name)
				rp_err(c, x.end,
				       "needs a numeric port, not a port name");
			else if (x.p.last < x.p.first)
				rp_bad(c, x.end, "must not be below port (%u)",
				       x.p.first);
			rp_pop(c, o2);
		} else if (x.end && !x.port) {
			o2 = rp_push(c, "endPort");
			rp_err(c, x.end, "needs a port");
			rp_pop(c, o2);
		}
		if (!x.end)
			x.p.last = x.p.first;
		rp_pop(c, old);
		if (c->d->errors != errors)
			continue;
		/* the protocol defaults to TCP */
		pgroups_add(pg, x.proto_name ? x.proto_name : "TCP",
			    x.has_port ? &x.p : NULL);
	}
}

struct ipblock_ctx {
	const struct doc_node *cidr_node, *except_node;
	struct res_cidr cidr;
	bool have_cidr;
	struct res_cidr *except;
	const struct doc_node **except_nodes;
	size_t n_except;
};

static void ipb_cidr(struct rctx *c, const struct doc_node *v, void *o)
{
	struct ipblock_ctx *x = o;
	const char *s = rp_string(c, v), *why;
	char masked[64];

	x->cidr_node = v;
	if (!s)
		return;
	if (!res_parse_cidr(s, true, &x->cidr, &why)) {
		rp_bad(c, v, "%s", why);
		return;
	}
	/* Calico keeps the network (cnet.ParseCIDR masks it) */
	res_cidr_masked(&x->cidr, masked, sizeof(masked));
	res_parse_cidr(res_strdup(c->r, masked), true, &x->cidr, &why);
	x->have_cidr = true;
}

static void ipb_except(struct rctx *c, const struct doc_node *v, void *o)
{
	struct ipblock_ctx *x = o;
	const char *why;
	char masked[64];
	size_t i, old;

	x->except_node = v;
	if (!rp_expect(c, v, DOC_SEQ))
		return;
	x->except = res_zalloc(c->r, (v->n + 1) * sizeof(*x->except));
	x->except_nodes =
		res_zalloc(c->r, (v->n + 1) * sizeof(*x->except_nodes));
	for (i = 0; i < v->n; i++) {
		struct res_cidr *e = &x->except[x->n_except];
		const char *s;

		old = rp_push_idx(c, i);
		s = rp_string(c, v->items[i]);
		if (s && !res_parse_cidr(s, true, e, &why)) {
			rp_bad(c, v->items[i], "%s", why);
		} else if (s) {
			res_cidr_masked(e, masked, sizeof(masked));
			res_parse_cidr(res_strdup(c->r, masked), true, e, &why);
			x->except_nodes[x->n_except++] = v->items[i];
		}
		rp_pop(c, old);
	}
}

static const struct rp_field ipblock_fields[] = {
	{ "cidr", ipb_cidr, 0, NULL },
	{ "except", ipb_except, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

/* Is @in inside @out and smaller (a strict subset)? */
static bool cidr_strictly_within(const struct res_cidr *in,
				 const struct res_cidr *out)
{
	unsigned int i, bits = out->prefix;

	if (in->family != out->family || in->prefix <= out->prefix)
		return false;
	for (i = 0; i < bits; i++) {
		unsigned int byte = i / 8, bit = 7 - i % 8;

		if (((in->addr[byte] >> bit) ^ (out->addr[byte] >> bit)) & 1)
			return false;
	}
	return true;
}

struct knp_peer_ctx {
	const struct doc_node *pod, *ns, *ipblock;
	struct ipblock_ctx ipb;
};

static void kpeer_pod(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct knp_peer_ctx *)o)->pod = v;
}

static void kpeer_ns(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct knp_peer_ctx *)o)->ns = v;
}

static void kpeer_ipblock(struct rctx *c, const struct doc_node *v, void *o)
{
	struct knp_peer_ctx *x = o;
	size_t i, old;

	x->ipblock = v;
	if (!rp_map(c, v, ipblock_fields, &x->ipb, false))
		return;
	if (!x->ipb.cidr_node) {
		old = rp_push(c, "cidr");
		rp_err(c, v, "required");
		rp_pop(c, old);
		return;
	}
	for (i = 0; x->ipb.have_cidr && i < x->ipb.n_except; i++)
		if (!cidr_strictly_within(&x->ipb.except[i], &x->ipb.cidr)) {
			old = rp_push(c, "except");
			rp_push_idx(c, i);
			rp_bad(c, x->ipb.except_nodes[i],
			       "must be a strict subset of cidr %s",
			       x->ipb.cidr.text);
			rp_pop(c, old);
		}
}

static const struct rp_field knp_peer_fields[] = {
	{ "podSelector", kpeer_pod, 0, NULL },
	{ "namespaceSelector", kpeer_ns, 0, NULL },
	{ "ipBlock", kpeer_ipblock, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void knp_peers(struct rctx *c, const struct doc_node *v,
		      struct peer **out, size_t *count)
{
	struct peer *peers;
	unsigned int errors;
	size_t i, k = 0, old, o2;

	*out = NULL;
	*count = 0;
	if (!v || v->type == DOC_NULL || !rp_expect(c, v, DOC_SEQ))
		return;
	peers = res_zalloc(c->r, (v->n + 1) * sizeof(*peers));
	for (i = 0; i < v->n; i++) {
		struct knp_peer_ctx x;
		struct peer *p = &peers[k];

		memset(&x, 0, sizeof(x));
		errors = c->d->errors;
		old = rp_push_idx(c, i);
		rp_map(c, v->items[i], knp_peer_fields, &x, false);
		if (x.ipblock && (x.pod || x.ns)) {
			rp_err(c, v->items[i],
			       "ipBlock cannot be combined with podSelector or namespaceSelector");
		} else if (c->d->errors == errors && !x.ipblock && !x.pod &&
			   !x.ns && v->items[i]->type == DOC_MAP) {
			rp_err(c, v->items[i],
			       "a peer needs podSelector, namespaceSelector or ipBlock");
		} else if (x.ipblock) {
			p->nets = res_zalloc(c->r, sizeof(*p->nets));
			p->nets[0] = x.ipb.cidr;
			p->n_nets = 1;
			p->not_nets = x.ipb.except;
			p->n_not_nets = x.ipb.n_except;
		} else if (c->d->errors == errors) {
			o2 = rp_push(c, "podSelector");
			k8s_selector(c, x.pod, SELECT_PODS, &p->sel,
				     v->items[i]);
			rp_pop(c, o2);
			o2 = rp_push(c, "namespaceSelector");
			k8s_selector(c, x.ns, SELECT_NAMESPACES, &p->ns_sel,
				     v->items[i]);
			rp_pop(c, o2);
		}
		p->node = v->items[i];
		rp_pop(c, old);
		if (c->d->errors == errors)
			k++;
	}
	*out = peers;
	*count = k;
}

struct knp_rule_ctx {
	const struct doc_node *peers, *ports;
};

static void krule_peers(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct knp_rule_ctx *)o)->peers = v;
}

static void krule_ports(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct knp_rule_ctx *)o)->ports = v;
}

static const struct rp_field knp_in_fields[] = {
	{ "from", krule_peers, 0, NULL },
	{ "ports", krule_ports, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field knp_eg_fields[] = {
	{ "to", krule_peers, 0, NULL },
	{ "ports", krule_ports, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void knp_rules(struct rctx *c, const struct doc_node *v, bool ingress,
		      struct res_rule **out, size_t *count)
{
	struct rule_vec rv = { 0 };
	size_t i, old, o2, n_peers;
	struct peer *peers;
	struct pgroups pg;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	for (i = 0; i < v->n; i++) {
		struct knp_rule_ctx x = { 0 };

		old = rp_push_idx(c, i);
		if (rp_map(c, v->items[i],
			   ingress ? knp_in_fields : knp_eg_fields, &x,
			   false)) {
			o2 = rp_push(c, ingress ? "from" : "to");
			knp_peers(c, x.peers, &peers, &n_peers);
			rp_pop(c, o2);
			o2 = rp_push(c, "ports");
			knp_ports(c, x.ports, &pg);
			rp_pop(c, o2);
			emit_rules(c, &rv, v->items[i], RES_ALLOW, ingress, &pg,
				   peers, n_peers, NULL);
			pgroups_release(&pg);
		}
		rp_pop(c, old);
	}
	rule_vec_take(c, &rv, out, count);
}

struct knp_spec_ctx {
	const struct doc_node *pod_selector, *types, *ingress, *egress;
	bool staged;
};

static void kspec_pod(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct knp_spec_ctx *)o)->pod_selector = v;
}

static void kspec_types(struct rctx *c, const struct doc_node *v, void *o)
{
	struct knp_spec_ctx *x = o;
	unsigned int seen = 0, t;
	size_t i, old;

	x->types = v;
	if (!rp_expect(c, v, DOC_SEQ))
		return;
	for (i = 0; i < v->n; i++) {
		const struct doc_node *it = v->items[i];

		old = rp_push_idx(c, i);
		t = 0;
		if (it->type == DOC_STR && !strcmp(it->text, "Ingress"))
			t = RES_INGRESS;
		else if (it->type == DOC_STR && !strcmp(it->text, "Egress"))
			t = RES_EGRESS;
		else
			rp_bad(c, it, "expected Ingress or Egress");
		if (t & seen)
			rp_bad(c, it, "given more than once");
		seen |= t;
		rp_pop(c, old);
	}
	c->r->pol.types = seen;
}

static void kspec_ingress(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct knp_spec_ctx *)o)->ingress = v;
	knp_rules(c, v, true, &c->r->pol.ingress, &c->r->pol.n_ingress);
}

static void kspec_egress(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct knp_spec_ctx *)o)->egress = v;
	knp_rules(c, v, false, &c->r->pol.egress, &c->r->pol.n_egress);
}

static void kspec_staged(struct rctx *c, const struct doc_node *v, void *o)
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

static const struct rp_field knp_spec_fields[] = {
	{ "podSelector", kspec_pod, 0, NULL },
	{ "policyTypes", kspec_types, 0, NULL },
	{ "ingress", kspec_ingress, 0, NULL },
	{ "egress", kspec_egress, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field sknp_spec_fields[] = {
	{ "podSelector", kspec_pod, 0, NULL },
	{ "policyTypes", kspec_types, 0, NULL },
	{ "ingress", kspec_ingress, 0, NULL },
	{ "egress", kspec_egress, 0, NULL },
	{ "stagedAction", kspec_staged, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field k8s_top_fields[] = {
	{ "apiVersion", NULL, 0, NULL },      { "kind", NULL, 0, NULL },
	{ "metadata", NULL, 0, NULL },	      { "spec", NULL, 0, NULL },
	{ "status", NULL, RPF_IGNORE, NULL }, { NULL, NULL, 0, NULL },
};

/* The object's own name, checked as a Kubernetes name. */
static const char *k8s_name(struct rctx *c, const struct doc_node *root,
			    bool dns_label)
{
	const struct doc_node *at = doc_get(doc_get(root, "metadata"), "name");
	const char *name = c->r->name;
	size_t old;

	if (!name || !at)
		return NULL;
	old = rp_push(c, "metadata.name");
	if (dns_label ? !rp_is_dns_label(name) : !rp_is_dns_subdomain(name)) {
		rp_bad(c, at,
		       dns_label
			       ? "a name is lowercase letters, digits and '-', at most 63 characters"
			       : "a name is lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters");
		name = NULL;
	}
	rp_pop(c, old);
	return name;
}

static int finish(struct rctx *c, unsigned int errors, struct res_list *out)
{
	if (c->d->errors != errors) {
		res_free(c->r);
		c->r = NULL;
		return -EINVAL;
	}
	res_list_push(out, c->r);
	c->r = NULL;
	return 0;
}

static int parse_knp(struct rctx *c, const struct doc_node *root,
		     const char *kind, bool staged, struct res_list *out)
{
	const struct doc_node *spec = doc_get(root, "spec");
	struct knp_spec_ctx x = { .staged = staged };
	unsigned int errors = c->d->errors;
	struct res_policy *p;
	const char *name;
	size_t old;

	c->r = res_alloc(staged ? RES_SNP : RES_NP);
	p = &c->r->pol;
	p->tier = "default";
	p->has_order = true;
	p->order = 1000;
	p->staged_action = staged ? RES_STAGED_SET : RES_STAGED_NONE;
	rp_map(c, root, k8s_top_fields, NULL, false);
	res_parse_meta(c, root, true);
	name = k8s_name(c, root, false);
	res_src_fill(c, root, kind, c->r->ns, c->r->name);
	if (spec && spec->type != DOC_NULL) {
		old = rp_push(c, "spec");
		rp_map(c, spec, staged ? sknp_spec_fields : knp_spec_fields, &x,
		       false);
		rp_pop(c, old);
	}
	if (staged && p->staged_action == RES_STAGED_DELETE &&
	    (x.pod_selector || x.types || x.ingress || x.egress)) {
		old = rp_push(c, "spec");
		rp_err(c, spec,
		       "with stagedAction Delete the spec must be empty");
		rp_pop(c, old);
	}
	old = rp_push(c, "spec.podSelector");
	k8s_selector(c, x.pod_selector, SELECT_PODS, &p->selector,
		     spec ? spec : root);
	rp_pop(c, old);
	if (!p->types)
		p->types = RES_INGRESS;
	if (p->n_egress && !(p->types & RES_EGRESS)) {
		old = rp_push(c, "spec.egress");
		rp_warn(c, x.egress,
			"has no effect: policyTypes does not include Egress");
		rp_pop(c, old);
	}
	if (name)
		c->r->name =
			doc_printf(c->r->mem->arena, "knp.default.%s", name);
	return finish(c, errors, out);
}

int res_parse_k8s_staged(struct rctx *c, const struct doc_node *root,
			 struct res_list *out);

int res_parse_k8s_staged(struct rctx *c, const struct doc_node *root,
			 struct res_list *out)
{
	return parse_knp(c, root, "StagedKubernetesNetworkPolicy", true, out);
}

/* --- Namespace, ServiceAccount ----------------------------------------- */

static void prefixed_labels(struct rctx *c, const char *prefix,
			    const char *name)
{
	struct res_profile *p = &c->r->prof;
	size_t i;

	p->labels = res_zalloc(c->r, (c->r->n_labels + 1) * sizeof(*p->labels));
	for (i = 0; i < c->r->n_labels; i++) {
		p->labels[i].key = doc_printf(c->r->mem->arena, "%s%s", prefix,
					      c->r->labels[i].key);
		p->labels[i].value = c->r->labels[i].value;
	}
	p->labels[i].key =
		doc_printf(c->r->mem->arena, "%s%s", prefix, NAME_LABEL);
	p->labels[i].value = name;
	p->n_labels = sel_labels_sort(p->labels, c->r->n_labels + 1);
}

static int parse_namespace(struct rctx *c, const struct doc_node *root,
			   struct res_list *out)
{
	unsigned int errors = c->d->errors;
	struct res_profile *p;
	const char *name;

	c->r = res_alloc(RES_PROFILE);
	p = &c->r->prof;
	res_parse_meta(c, root, false);
	name = k8s_name(c, root, true);
	res_src_fill(c, root, "Namespace", "", c->r->name);
	if (name) {
		prefixed_labels(c, "pcns.", name);
		c->r->name = doc_printf(c->r->mem->arena, "kns.%s", name);
	}
	p->ingress = res_zalloc(c->r, sizeof(*p->ingress));
	p->egress = res_zalloc(c->r, sizeof(*p->egress));
	p->ingress[0].action = RES_ALLOW;
	p->egress[0].action = RES_ALLOW;
	p->n_ingress = p->n_egress = 1;
	/* the profile carries no labels or annotations of its own */
	c->r->labels = NULL;
	c->r->n_labels = 0;
	c->r->annotations = NULL;
	c->r->n_annotations = 0;
	return finish(c, errors, out);
}

static int parse_sa(struct rctx *c, const struct doc_node *root,
		    struct res_list *out)
{
	unsigned int errors = c->d->errors;
	const char *name, *ns;

	c->r = res_alloc(RES_PROFILE);
	res_parse_meta(c, root, true);
	name = k8s_name(c, root, false);
	ns = c->r->ns;
	res_src_fill(c, root, "ServiceAccount", ns, c->r->name);
	if (name) {
		prefixed_labels(c, "pcsa.", name);
		c->r->name =
			doc_printf(c->r->mem->arena, "ksa.%s.%s", ns, name);
	}
	c->r->ns = "";
	c->r->labels = NULL;
	c->r->n_labels = 0;
	c->r->annotations = NULL;
	c->r->n_annotations = 0;
	return finish(c, errors, out);
}

/* --- Pod --------------------------------------------------------------- */

struct cport {
	const char *name;
	int64_t port, host_port;
	const char *proto;
	const char *host_ip;
};

struct pod_ctx {
	const char *node, *sa, *phase, *pod_ip;
	bool host_network;
	const char **ips;
	size_t n_ips, cap_ips;
	struct cport *ports;
	size_t n_ports, cap_ports;
	struct cport cur;
};

static void cp_name(struct rctx *c, const struct doc_node *v, void *o)
{
	const char *s = rp_string(c, v), *why;

	if (s && *s && !rp_is_port_name(s, &why))
		rp_bad(c, v, "%s", why);
	else
		((struct pod_ctx *)o)->cur.name = s;
}

static void cp_port(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_int(c, v, 1, 65535, &((struct pod_ctx *)o)->cur.port);
}

static void cp_host_port(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_int(c, v, 0, 65535, &((struct pod_ctx *)o)->cur.host_port);
}

static void cp_proto(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct pod_ctx *)o)->cur.proto = rp_string(c, v);
}

static void cp_host_ip(struct rctx *c, const struct doc_node *v, void *o)
{
	const char *s = rp_string(c, v), *why;
	struct res_cidr a;

	if (s && *s && (strchr(s, '/') || !res_parse_cidr(s, false, &a, &why)))
		rp_bad(c, v, "expected an IP address");
	else
		((struct pod_ctx *)o)->cur.host_ip = s;
}

static const struct rp_field cport_fields[] = {
	{ "name", cp_name, 0, NULL },
	{ "containerPort", cp_port, 0, NULL },
	{ "hostPort", cp_host_port, 0, NULL },
	{ "protocol", cp_proto, 0, NULL },
	{ "hostIP", cp_host_ip, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void ctr_ports(struct rctx *c, const struct doc_node *v, void *o)
{
	struct pod_ctx *x = o;
	size_t i, old;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	for (i = 0; i < v->n; i++) {
		memset(&x->cur, 0, sizeof(x->cur));
		old = rp_push_idx(c, i);
		rp_map(c, v->items[i], cport_fields, x, true);
		rp_pop(c, old);
		if (x->n_ports == x->cap_ports) {
			x->cap_ports = x->cap_ports ? 2 * x->cap_ports : 8;
			x->ports = doc_xalloc(x->ports,
					      x->cap_ports * sizeof(*x->ports));
		}
		x->ports[x->n_ports++] = x->cur;
	}
}

static const struct rp_field container_fields[] = {
	{ "ports", ctr_ports, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void pod_containers(struct rctx *c, const struct doc_node *v, void *o)
{
	size_t i, old;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	for (i = 0; i < v->n; i++) {
		old = rp_push_idx(c, i);
		rp_map(c, v->items[i], container_fields, o, true);
		rp_pop(c, old);
	}
}

static void pod_node(struct rctx *c, const struct doc_node *v, void *o)
{
	const char *s = rp_string(c, v);

	if (s && *s && !rp_is_dns_subdomain(s))
		rp_bad(c, v,
		       "a node name is lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
	else
		((struct pod_ctx *)o)->node = s;
}

static void pod_hostnet(struct rctx *c, const struct doc_node *v, void *o)
{
	rp_bool(c, v, &((struct pod_ctx *)o)->host_network);
}

static void pod_sa(struct rctx *c, const struct doc_node *v, void *o)
{
	struct pod_ctx *x = o;
	const char *s = rp_string(c, v);

	if (s && *s && !rp_is_dns_subdomain(s))
		rp_bad(c, v,
		       "a service account name is lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
	else if (s && *s)
		x->sa = s;
}

static const struct rp_field pod_spec_fields[] = {
	{ "nodeName", pod_node, 0, NULL },
	{ "hostNetwork", pod_hostnet, 0, NULL },
	{ "serviceAccountName", pod_sa, 0, NULL },
	{ "containers", pod_containers, 0, NULL },
	{ "initContainers", pod_containers, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void pod_phase(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct pod_ctx *)o)->phase = rp_string(c, v);
}

static void pod_ip(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct pod_ctx *)o)->pod_ip = rp_string(c, v);
}

static void push_ip(struct pod_ctx *x, const char *ip)
{
	if (x->n_ips == x->cap_ips) {
		x->cap_ips = x->cap_ips ? 2 * x->cap_ips : 4;
		x->ips = doc_xalloc(x->ips, x->cap_ips * sizeof(*x->ips));
	}
	x->ips[x->n_ips++] = ip;
}

static void podips_ip(struct rctx *c, const struct doc_node *v, void *o)
{
	const char *s = rp_string(c, v);

	if (s)
		push_ip(o, s);
}

static const struct rp_field podip_fields[] = {
	{ "ip", podips_ip, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void pod_ips(struct rctx *c, const struct doc_node *v, void *o)
{
	size_t i, old;

	if (!rp_expect(c, v, DOC_SEQ))
		return;
	for (i = 0; i < v->n; i++) {
		old = rp_push_idx(c, i);
		rp_map(c, v->items[i], podip_fields, o, true);
		rp_pop(c, old);
	}
}

static const struct rp_field pod_status_fields[] = {
	{ "phase", pod_phase, 0, NULL },
	{ "podIP", pod_ip, 0, NULL },
	{ "podIPs", pod_ips, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const char *annotation(const struct res *r, const char *key,
			      bool *present)
{
	size_t i;

	for (i = 0; i < r->n_annotations; i++)
		if (!strcmp(r->annotations[i].key, key)) {
			if (present)
				*present = true;
			return r->annotations[i].value;
		}
	if (present)
		*present = false;
	return NULL;
}

/* Split a comma-separated annotation into addresses. */
static void split_ips(struct rctx *c, struct pod_ctx *x, const char *list)
{
	const char *p = list, *comma;

	for (;;) {
		comma = strchr(p, ',');
		push_ip(x,
			doc_strndup(c->r->mem->arena, p,
				    comma ? (size_t)(comma - p) : strlen(p)));
		if (!comma)
			break;
		p = comma + 1;
	}
}

/* Calico's IsFinished(): a pod that is done has no addresses. */
static bool pod_finished(const struct res *r, const struct pod_ctx *x,
			 const struct doc_node *root)
{
	const struct doc_node *del =
		doc_get(doc_get(root, "metadata"), "deletionTimestamp");
	const char *v;
	bool present;

	if (del && del->type != DOC_NULL) {
		v = annotation(r, ANN_POD_IP, &present);
		if (present && !*v)
			return true;
		v = annotation(r, ANN_AWS_IPS, &present);
		if (present && !*v)
			return true;
	}
	return x->phase &&
	       (!strcmp(x->phase, "Failed") || !strcmp(x->phase, "Succeeded") ||
		!strcmp(x->phase, "Completed"));
}

static const struct doc_node *annotation_node(const struct doc_node *root,
					      const char *key)
{
	return doc_get(doc_get(doc_get(root, "metadata"), "annotations"), key);
}

static void pod_spoof(struct rctx *c, const struct doc_node *root,
		      struct res_wep *w)
{
	const char *text = annotation(c->r, ANN_SPOOF, NULL), *why;
	const struct doc_node *at = annotation_node(root, ANN_SPOOF);
	struct json_object *j;
	char masked[64];
	size_t i, n, old;

	if (!text || !*text)
		return;
	old = rp_push(c, "metadata.annotations");
	rp_push(c, ANN_SPOOF);
	j = json_tokener_parse(text);
	if (!j || !json_object_is_type(j, json_type_array)) {
		rp_bad(c, at, "expected a JSON list of CIDRs");
		goto out;
	}
	n = json_object_array_length(j);
	w->allow_spoofed =
		res_zalloc(c->r, (n + 1) * sizeof(*w->allow_spoofed));
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(j, i);
		struct res_cidr *cidr = &w->allow_spoofed[w->n_allow_spoofed];

		if (!json_object_is_type(e, json_type_string) ||
		    !res_parse_cidr(json_object_get_string(e), true, cidr,
				    &why)) {
			rp_bad(c, at, "item %zu is not a CIDR", i);
			continue;
		}
		res_cidr_masked(cidr, masked, sizeof(masked));
		res_parse_cidr(res_strdup(c->r, masked), true, cidr, &why);
		w->n_allow_spoofed++;
	}
out:
	json_object_put(j);
	rp_pop(c, old);
}

static int parse_pod(struct rctx *c, const struct doc_node *root,
		     struct res_list *out)
{
	const struct doc_node *spec = doc_get(root, "spec");
	const struct doc_node *status = doc_get(root, "status");
	unsigned int errors = c->d->errors;
	struct pod_ctx x;
	struct res_wep *w;
	const char *pod, *ns, *list, *why, *ip_src;
	char iface[32], wep[1024];
	struct sel_label *labels;
	size_t i, n, old;

	memset(&x, 0, sizeof(x));
	c->r = res_alloc(RES_WEP);
	w = &c->r->wep;
	res_parse_meta(c, root, true);
	pod = k8s_name(c, root, false);
	ns = c->r->ns;
	res_src_fill(c, root, "Pod", ns, c->r->name);
	if (spec && spec->type != DOC_NULL) {
		old = rp_push(c, "spec");
		rp_map(c, spec, pod_spec_fields, &x, true);
		rp_pop(c, old);
	}
	if (status && status->type != DOC_NULL) {
		old = rp_push(c, "status");
		rp_map(c, status, pod_status_fields, &x, true);
		rp_pop(c, old);
	}
	if (c->d->errors != errors || !pod)
		goto done;
	/* host-networked and unscheduled pods are not workload endpoints */
	if (x.host_network || !x.node || !*x.node)
		goto skip;
	/* addresses: status.podIPs, status.podIP, then the annotations */
	ip_src = "status.podIPs";
	if (!x.n_ips && x.pod_ip && *x.pod_ip) {
		push_ip(&x, x.pod_ip);
		ip_src = "status.podIP";
	}
	if (!x.n_ips && (list = annotation(c->r, ANN_POD_IPS, NULL)) && *list) {
		split_ips(c, &x, list);
		ip_src = "metadata.annotations." ANN_POD_IPS;
	}
	if (!x.n_ips && (list = annotation(c->r, ANN_POD_IP, NULL)) && *list) {
		push_ip(&x, list);
		ip_src = "metadata.annotations." ANN_POD_IP;
	}
	if (!x.n_ips && (list = annotation(c->r, ANN_AWS_IPS, NULL)) && *list) {
		split_ips(c, &x, list);
		ip_src = "metadata.annotations." ANN_AWS_IPS;
	}
	if (pod_finished(c->r, &x, root))
		x.n_ips = 0;
	/* a pod without addresses is left out, as Calico's syncer does */
	if (!x.n_ips)
		goto skip;
	w->ip_networks =
		res_zalloc(c->r, (x.n_ips + 1) * sizeof(*w->ip_networks));
	for (i = 0; i < x.n_ips; i++) {
		struct res_cidr *a = &w->ip_networks[w->n_ip_networks];
		char text[64];

		if (!res_parse_cidr(x.ips[i], false, a, &why)) {
			old = rp_push(c, ip_src);
			rp_err(c, status ? status : root, "\"%s\": %s",
			       x.ips[i], why);
			rp_pop(c, old);
			continue;
		}
		res_cidr_masked(a, text, sizeof(text));
		res_parse_cidr(res_strdup(c->r, text), false, a, &why);
		w->n_ip_networks++;
	}
	pod_spoof(c, root, w);

	w->orchestrator = "k8s";
	w->node = x.node;
	w->pod = pod;
	w->endpoint = "eth0";
	w->service_account = x.sa;
	w->container_id = annotation(c->r, ANN_CONTAINER, NULL);
	if (w->container_id && !*w->container_id)
		w->container_id = NULL;
	res_k8s_iface_name(ns, pod, NULL, iface, sizeof(iface));
	w->iface = res_strdup(c->r, iface);
	w->profiles = res_zalloc(c->r, 3 * sizeof(*w->profiles));
	w->profiles[w->n_profiles++] =
		doc_printf(c->r->mem->arena, "kns.%s", ns);
	if (x.sa)
		w->profiles[w->n_profiles++] =
			doc_printf(c->r->mem->arena, "ksa.%s.%s", ns, x.sa);
	/* named ports: container ports with a name or a host port */
	w->ports = res_zalloc(c->r, (x.n_ports + 1) * sizeof(*w->ports));
	for (i = 0; i < x.n_ports; i++) {
		const struct cport *p = &x.ports[i];
		struct res_ep_port *e = &w->ports[w->n_ports];
		const char *proto;

		if (!p->port || (!p->host_port && (!p->name || !*p->name)))
			continue;
		if (!p->proto || !*p->proto || !strcmp(p->proto, "TCP"))
			proto = "tcp";
		else if (!strcmp(p->proto, "UDP"))
			proto = "udp";
		else if (!strcmp(p->proto, "SCTP"))
			proto = "sctp";
		else
			continue;
		e->name = p->name && *p->name ? p->name : NULL;
		e->proto.set = true;
		e->proto.name = proto;
		e->proto.num = res_proto_num(proto, true);
		e->port = (uint16_t)p->port;
		e->host_port = (uint16_t)p->host_port;
		e->host_ip = p->host_ip && *p->host_ip ? p->host_ip : NULL;
		w->n_ports++;
	}
	/* labels: the pod's, plus namespace, orchestrator, service account */
	n = c->r->n_labels;
	labels = res_zalloc(c->r, (n + 4) * sizeof(*labels));
	if (n)
		memcpy(labels, c->r->labels, n * sizeof(*labels));
	labels[n].key = LABEL_NAMESPACE;
	labels[n++].value = ns;
	labels[n].key = LABEL_ORCH;
	labels[n++].value = "k8s";
	if (x.sa && strlen(x.sa) < 63) {
		labels[n].key = LABEL_SA;
		labels[n++].value = x.sa;
	}
	c->r->labels = labels;
	c->r->n_labels = sel_labels_sort(labels, n);
	c->r->annotations = NULL;
	c->r->n_annotations = 0;
	if (res_wep_name(x.node, "k8s", pod, "eth0", wep, sizeof(wep))) {
		old = rp_push(c, "spec.nodeName");
		rp_err(c, spec, "a node name must not start or end with '-'");
		rp_pop(c, old);
	} else {
		c->r->name = res_strdup(c->r, wep);
	}
done:
	free(x.ips);
	free(x.ports);
	return finish(c, errors, out);
skip:
	free(x.ips);
	free(x.ports);
	res_free(c->r);
	c->r = NULL;
	return 0;
}

/* --- AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy */

enum anp_flavour {
	ANP, /* policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy */
	BANP, /* v1alpha1 BaselineAdminNetworkPolicy */
	CNP, /* v1alpha2 ClusterNetworkPolicy */
};

struct anp_ctx {
	enum anp_flavour fl;
	const struct doc_node *priority, *subject, *tier, *ingress, *egress;
	int64_t prio;
	bool baseline; /* CNP tier Baseline */
	struct rule_vec in, eg;
};

/* Exactly one field of a mapping is set; false (reported) if not. */
static bool one_of(struct rctx *c, const struct doc_node *v,
		   const char *const *names, const char **which)
{
	size_t i, n = 0, k;
	char list[256];
	size_t o = 0;

	*which = NULL;
	if (!rp_expect(c, v, DOC_MAP))
		return false;
	for (k = 0; names[k]; k++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
				      k ? ", " : "", names[k]);
	for (i = 0; i < v->n; i++) {
		for (k = 0; names[k]; k++)
			if (!strcmp(v->pairs[i].key, names[k]))
				break;
		if (!names[k]) {
			struct doc_node at = { .type = DOC_STR,
					       .line = v->pairs[i].line,
					       .col = v->pairs[i].col };
			size_t old = rp_push(c, v->pairs[i].key);

			rp_err(c, &at, "unknown field; known fields: %s", list);
			rp_pop(c, old);
			return false;
		}
		if (v->pairs[i].val->type == DOC_NULL)
			continue;
		n++;
		*which = v->pairs[i].key;
	}
	if (n != 1) {
		rp_err(c, v, "exactly one of %s must be set", list);
		return false;
	}
	return true;
}

struct nsp_ctx {
	const struct doc_node *ns, *pod;
};

static void nsp_ns(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct nsp_ctx *)o)->ns = v;
}

static void nsp_pod(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct nsp_ctx *)o)->pod = v;
}

static const struct rp_field nsp_fields[] = {
	{ "namespaceSelector", nsp_ns, 0, NULL },
	{ "podSelector", nsp_pod, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

/* namespaces: / pods: {namespaceSelector, podSelector} into selectors;
 * an absent namespaceSelector of pods: is empty, that is all(). */
static bool ns_or_pods(struct rctx *c, const struct doc_node *v,
		       const char *which, struct res_sel *sel,
		       struct res_sel *ns_sel)
{
	const struct doc_node *w = doc_get(v, which);
	struct nsp_ctx x = { 0 };
	size_t old = rp_push(c, which);
	bool ok;

	if (!strcmp(which, "namespaces")) {
		memset(sel, 0, sizeof(*sel));
		ok = k8s_selector(c, w, SELECT_NAMESPACES, ns_sel, w);
		rp_pop(c, old);
		return ok;
	}
	ok = rp_map(c, w, nsp_fields, &x, false);
	if (ok && !x.pod) {
		size_t o2 = rp_push(c, "podSelector");

		rp_err(c, w, "required");
		rp_pop(c, o2);
		ok = false;
	}
	if (ok) {
		size_t o2 = rp_push(c, "namespaceSelector");

		if (x.ns)
			ok = k8s_selector(c, x.ns, SELECT_NAMESPACES, ns_sel,
					  w);
		else
			ok = res_make_selector(c, w, "all()",
					       SEL_F_ALLOW_GLOBAL, ns_sel);
		rp_pop(c, o2);
		o2 = rp_push(c, "podSelector");
		ok = k8s_selector(c, x.pod, SELECT_PODS, sel, w) && ok;
		rp_pop(c, o2);
	}
	rp_pop(c, old);
	return ok;
}

static void anp_subject(struct rctx *c, const struct doc_node *v, void *o)
{
	static const char *const names[] = { "namespaces", "pods", NULL };
	struct anp_ctx *x = o;
	struct res_policy *p = &c->r->pol;
	const char *which;

	x->subject = v;
	if (!one_of(c, v, names, &which))
		return;
	ns_or_pods(c, v, which, &p->selector, &p->ns_selector);
	if (!strcmp(which, "namespaces"))
		/* projectcalico.org/orchestrator == 'k8s' leaves host
		 * endpoints out */
		k8s_selector(c, NULL, SELECT_PODS, &p->selector, v);
}

static void anp_priority(struct rctx *c, const struct doc_node *v, void *o)
{
	struct anp_ctx *x = o;

	x->priority = v;
	rp_int(c, v, 0, 1000, &x->prio);
}

static void cnp_tier(struct rctx *c, const struct doc_node *v, void *o)
{
	struct anp_ctx *x = o;
	const char *s = rp_string(c, v);

	x->tier = v;
	if (s && !strcmp(s, "Admin"))
		x->baseline = false;
	else if (s && !strcmp(s, "Baseline"))
		x->baseline = true;
	else if (s)
		rp_bad(c, v, "expected Admin or Baseline");
}

/* One rule of any of the three: parse, then convert or fail closed. */
struct arule_ctx {
	struct anp_ctx *a;
	bool ingress;
	const struct doc_node *node, *name, *action, *peers, *ports;
	const char *rule_name;
	enum res_action act;
	bool act_ok;
};

static void ar_name(struct rctx *c, const struct doc_node *v, void *o)
{
	struct arule_ctx *x = o;
	const char *s = rp_string(c, v);

	x->name = v;
	if (s && strlen(s) > 100)
		rp_bad(c, v, "at most 100 characters");
	else
		x->rule_name = s;
}

static void ar_action(struct rctx *c, const struct doc_node *v, void *o)
{
	struct arule_ctx *x = o;
	const char *s = rp_string(c, v);
	const char *allow = x->a->fl == CNP ? "Accept" : "Allow";

	x->action = v;
	if (!s)
		return;
	x->act_ok = true;
	if (!strcmp(s, allow))
		x->act = RES_ALLOW;
	else if (!strcmp(s, "Deny"))
		x->act = RES_DENY;
	else if (!strcmp(s, "Pass") && x->a->fl != BANP)
		x->act = RES_PASS;
	else {
		x->act_ok = false;
		rp_bad(c, v,
		       x->a->fl == BANP ? "expected Allow or Deny"
					: "expected %s, Deny or Pass",
		       allow);
	}
}

static void ar_peers(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct arule_ctx *)o)->peers = v;
}

static void ar_ports(struct rctx *c, const struct doc_node *v, void *o)
{
	((struct arule_ctx *)o)->ports = v;
}

static const struct rp_field anp_in_fields[] = {
	{ "name", ar_name, 0, NULL },  { "action", ar_action, 0, NULL },
	{ "from", ar_peers, 0, NULL }, { "ports", ar_ports, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field anp_eg_fields[] = {
	{ "name", ar_name, 0, NULL }, { "action", ar_action, 0, NULL },
	{ "to", ar_peers, 0, NULL },  { "ports", ar_ports, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field cnp_in_fields[] = {
	{ "name", ar_name, 0, NULL },  { "action", ar_action, 0, NULL },
	{ "from", ar_peers, 0, NULL }, { "protocols", ar_ports, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field cnp_eg_fields[] = {
	{ "name", ar_name, 0, NULL }, { "action", ar_action, 0, NULL },
	{ "to", ar_peers, 0, NULL },  { "protocols", ar_ports, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

/* The peers of one rule; *@unsupported says why Calico cannot convert
 * one (the rule then fails closed). */
static bool arule_peers(struct rctx *c, struct arule_ctx *x, struct peer **out,
			size_t *count, const char **unsupported)
{
	static const char *const in_names[] = { "namespaces", "pods", NULL };
	static const char *const eg_names[] = { "namespaces",  "pods",
						"nodes",       "networks",
						"domainNames", NULL };
	const struct doc_node *v = x->peers;
	const char *which, *why;
	struct peer *peers;
	size_t i, j, old, max = x->a->fl == CNP ? 25 : 100;
	bool ok = true;

	*count = 0;
	old = rp_push(c, x->ingress ? "from" : "to");
	if (!v || v->type == DOC_NULL || (v->type == DOC_SEQ && !v->n)) {
		rp_err(c, v ? v : x->node, "required: at least one peer");
		rp_pop(c, old);
		return false;
	}
	if (!rp_expect(c, v, DOC_SEQ)) {
		rp_pop(c, old);
		return false;
	}
	if (v->n > max)
		rp_err(c, v, "at most %zu peers", max);
	peers = res_zalloc(c->r, (v->n + 1) * sizeof(*peers));
	for (i = 0; i < v->n; i++) {
		const struct doc_node *it = v->items[i];
		struct peer *p = &peers[i];
		size_t o2 = rp_push_idx(c, i);

		p->node = it;
		if (!one_of(c, it, x->ingress ? in_names : eg_names, &which)) {
			ok = false;
		} else if (!strcmp(which, "namespaces") ||
			   !strcmp(which, "pods")) {
			ok = ns_or_pods(c, it, which, &p->sel, &p->ns_sel) &&
			     ok;
		} else if (!strcmp(which, "networks")) {
			const struct doc_node *nets = doc_get(it, "networks");
			size_t o3 = rp_push(c, "networks");

			if (rp_expect(c, nets, DOC_SEQ)) {
				p->nets = res_zalloc(
					c->r, (nets->n + 1) * sizeof(*p->nets));
				for (j = 0; j < nets->n; j++) {
					struct res_cidr *n =
						&p->nets[p->n_nets];
					char masked[64];
					const char *s;
					size_t o4 = rp_push_idx(c, j);

					s = rp_string(c, nets->items[j]);
					if (s &&
					    !res_parse_cidr(s, true, n, &why)) {
						rp_bad(c, nets->items[j], "%s",
						       why);
						ok = false;
					} else if (s) {
						res_cidr_masked(n, masked,
								sizeof(masked));
						res_parse_cidr(
							res_strdup(c->r,
								   masked),
							true, n, &why);
						p->n_nets++;
					} else {
						ok = false;
					}
					rp_pop(c, o4);
				}
			} else {
				ok = false;
			}
			rp_pop(c, o3);
		} else {
			/* nodes, domainNames: Calico converts neither */
			*unsupported =
				!strcmp(which, "nodes")
					? "nodes peers are not supported"
					: "domainNames peers are not supported";
		}
		rp_pop(c, o2);
	}
	rp_pop(c, old);
	*out = peers;
	*count = v->n;
	return ok;
}

/* v1alpha1 ports: portNumber, portRange, namedPort. */
static bool anp_ports(struct rctx *c, struct arule_ctx *x, struct pgroups *pg,
		      const char **unsupported)
{
	static const char *const names[] = { "portNumber", "portRange",
					     "namedPort", NULL };
	const struct doc_node *v = x->ports;
	const char *which;
	size_t i, old;
	bool ok = true;

	memset(pg, 0, sizeof(*pg));
	pg->any = true;
	if (!v || v->type == DOC_NULL)
		return true;
	old = rp_push(c, "ports");
	if (!rp_expect(c, v, DOC_SEQ)) {
		rp_pop(c, old);
		return false;
	}
	pg->any = v->n == 0;
	for (i = 0; i < v->n; i++) {
		const struct doc_node *it = v->items[i], *w, *pn, *start, *end;
		size_t o2 = rp_push_idx(c, i), o3;
		const char *proto = "TCP";
		struct res_port port = { 0 };
		int64_t a = 0, b = 0;

		if (!one_of(c, it, names, &which)) {
			ok = false;
			rp_pop(c, o2);
			continue;
		}
		w = doc_get(it, which);
		o3 = rp_push(c, which);
		if (!strcmp(which, "namedPort")) {
			if (!rp_string(c, w))
				ok = false;
			*unsupported = "named ports are not supported";
			rp_pop(c, o3);
			rp_pop(c, o2);
			continue;
		}
		if (!rp_expect(c, w, DOC_MAP)) {
			ok = false;
			rp_pop(c, o3);
			rp_pop(c, o2);
			continue;
		}
		for (size_t k = 0; k < w->n; k++) {
			const struct doc_pair *pp = &w->pairs[k];
			struct doc_node at = { .type = DOC_STR,
					       .line = pp->line,
					       .col = pp->col };
			size_t o4 = rp_push(c, pp->key);

			if (!strcmp(pp->key, "protocol")) {
				proto = rp_string(c, pp->val);
				if (proto && group_index(proto) < 0) {
					rp_bad(c, pp->val,
					       "expected TCP, UDP or SCTP");
					proto = NULL;
				}
				if (!proto)
					ok = false;
			} else if (!(!strcmp(which, "portNumber") &&
				     !strcmp(pp->key, "port")) &&
				   !(!strcmp(which, "portRange") &&
				     (!strcmp(pp->key, "start") ||
				      !strcmp(pp->key, "end")))) {
				rp_err(c, &at, "unknown field");
				ok = false;
			}
			rp_pop(c, o4);
		}
		pn = doc_get(w, "port");
		start = doc_get(w, "start");
		end = doc_get(w, "end");
		if (!strcmp(which, "portNumber")) {
			size_t o4 = rp_push(c, "port");

			if (!pn) {
				rp_err(c, w, "required");
				ok = false;
			} else if (!rp_int(c, pn, 1, 65535, &a)) {
				ok = false;
			}
			rp_pop(c, o4);
			b = a;
		} else {
			size_t o4 = rp_push(c, "start");

			if (!start) {
				rp_err(c, w, "required");
				ok = false;
			} else if (!rp_int(c, start, 1, 65535, &a)) {
				ok = false;
			}
			rp_pop(c, o4);
			o4 = rp_push(c, "end");
			if (!end) {
				rp_err(c, w, "required");
				ok = false;
			} else if (!rp_int(c, end, 1, 65535, &b)) {
				ok = false;
			} else if (start && b <= a) {
				rp_bad(c, end, "must be above start (%lld)",
				       (long long)a);
				ok = false;
			}
			rp_pop(c, o4);
		}
		if (ok && proto) {
			port.first = (uint16_t)a;
			port.last = (uint16_t)b;
			pgroups_add(pg, proto, &port);
		}
		rp_pop(c, o3);
		rp_pop(c, o2);
	}
	rp_pop(c, old);
	return ok;
}

/* v1alpha2 protocols: tcp/udp/sctp {destinationPort: {number | range}},
 * destinationNamedPort. */
static bool cnp_protocols(struct rctx *c, struct arule_ctx *x,
			  struct pgroups *pg, const char **unsupported)
{
	static const char *const names[] = { "tcp", "udp", "sctp",
					     "destinationNamedPort", NULL };
	static const char *const port_names[] = { "number", "range", NULL };
	const struct doc_node *v = x->ports;
	const char *which, *pw;
	size_t i, old;
	bool ok = true;

	memset(pg, 0, sizeof(*pg));
	pg->any = true;
	if (!v || v->type == DOC_NULL)
		return true;
	old = rp_push(c, "protocols");
	if (!rp_expect(c, v, DOC_SEQ)) {
		rp_pop(c, old);
		return false;
	}
	pg->any = v->n == 0;
	for (i = 0; i < v->n; i++) {
		const struct doc_node *it = v->items[i], *w, *dp, *pv;
		size_t o2 = rp_push_idx(c, i), o3, o4;
		struct res_port port = { 0 };
		int64_t a = 0, b = 0;
		char proto[8];

		if (!one_of(c, it, names, &which)) {
			ok = false;
			rp_pop(c, o2);
			continue;
		}
		w = doc_get(it, which);
		o3 = rp_push(c, which);
		if (!strcmp(which, "destinationNamedPort")) {
			if (!rp_string(c, w))
				ok = false;
			*unsupported = "destinationNamedPort is not supported";
			rp_pop(c, o3);
			rp_pop(c, o2);
			continue;
		}
		snprintf(proto, sizeof(proto), "%s",
			 !strcmp(which, "tcp")	 ? "TCP"
			 : !strcmp(which, "udp") ? "UDP"
						 : "SCTP");
		if (!rp_expect(c, w, DOC_MAP)) {
			ok = false;
		} else if (w->n != 1 ||
			   strcmp(w->pairs[0].key, "destinationPort")) {
			rp_err(c, w, "expected {destinationPort: ...}");
			ok = false;
		} else {
			dp = w->pairs[0].val;
			o4 = rp_push(c, "destinationPort");
			if (!one_of(c, dp, port_names, &pw)) {
				ok = false;
			} else if (!strcmp(pw, "number")) {
				pv = doc_get(dp, "number");
				rp_push(c, "number");
				if (rp_int(c, pv, 1, 65535, &a)) {
					port.first = port.last = (uint16_t)a;
					pgroups_add(pg, proto, &port);
				} else {
					ok = false;
				}
			} else {
				const struct doc_node *st, *en;

				pv = doc_get(dp, "range");
				rp_push(c, "range");
				st = doc_get(pv, "start");
				en = doc_get(pv, "end");
				if (!rp_expect(c, pv, DOC_MAP) || !st || !en) {
					if (pv->type == DOC_MAP)
						rp_err(c, pv,
						       "start and end are required");
					ok = false;
				} else if (!rp_int(c, st, 1, 65535, &a) ||
					   !rp_int(c, en, 1, 65535, &b)) {
					ok = false;
				} else if (b <= a) {
					rp_push(c, "end");
					rp_bad(c, en,
					       "must be above start (%lld)",
					       (long long)a);
					ok = false;
				} else {
					port.first = (uint16_t)a;
					port.last = (uint16_t)b;
					pgroups_add(pg, proto, &port);
				}
			}
			rp_pop(c, o4);
		}
		rp_pop(c, o3);
		rp_pop(c, o2);
	}
	rp_pop(c, old);
	return ok;
}

static void anp_rules(struct rctx *c, const struct doc_node *v, void *o,
		      bool ingress)
{
	struct anp_ctx *a = o;
	struct rule_vec *rv = ingress ? &a->in : &a->eg;
	const struct rp_field *fields;
	size_t i, old, n_peers, max = a->fl == CNP ? 25 : 100;
	struct peer *peers;
	struct pgroups pg;

	if (ingress)
		a->ingress = v;
	else
		a->egress = v;
	if (a->fl == CNP)
		fields = ingress ? cnp_in_fields : cnp_eg_fields;
	else
		fields = ingress ? anp_in_fields : anp_eg_fields;
	if (!rp_expect(c, v, DOC_SEQ))
		return;
	if (v->n > max)
		rp_err(c, v, "at most %zu rules", max);
	for (i = 0; i < v->n; i++) {
		struct arule_ctx x = { .a = a, .ingress = ingress };
		unsigned int errors = c->d->errors;
		const char *unsupported = NULL;
		bool ok;

		x.node = v->items[i];
		old = rp_push_idx(c, i);
		if (!rp_map(c, x.node, fields, &x, false)) {
			rp_pop(c, old);
			continue;
		}
		if (!x.action) {
			size_t o2 = rp_push(c, "action");

			rp_err(c, x.node, "required");
			rp_pop(c, o2);
		}
		ok = arule_peers(c, &x, &peers, &n_peers, &unsupported);
		ok = (a->fl == CNP ? cnp_protocols(c, &x, &pg, &unsupported)
				   : anp_ports(c, &x, &pg, &unsupported)) &&
		     ok;
		if (ok && x.act_ok && c->d->errors == errors) {
			if (unsupported && x.act == RES_ALLOW) {
				rp_warn(c, x.node,
					"%s by Calico's conversion: this rule is dropped (it matches nothing)",
					unsupported);
			} else if (unsupported) {
				struct res_rule *r = rule_vec_add(rv);

				rp_warn(c, x.node,
					"%s by Calico's conversion: this rule becomes \"Deny everything\" (fail closed)",
					unsupported);
				r->action = RES_DENY;
				r->line = x.node->line;
				r->col = x.node->col;
			} else {
				emit_rules(c, rv, x.node, x.act, ingress, &pg,
					   peers, n_peers, x.rule_name);
			}
		}
		pgroups_release(&pg);
		rp_pop(c, old);
	}
}

static void anp_ingress(struct rctx *c, const struct doc_node *v, void *o)
{
	anp_rules(c, v, o, true);
}

static void anp_egress(struct rctx *c, const struct doc_node *v, void *o)
{
	anp_rules(c, v, o, false);
}

static const struct rp_field anp_spec_fields[] = {
	{ "priority", anp_priority, 0, NULL },
	{ "subject", anp_subject, 0, NULL },
	{ "ingress", anp_ingress, 0, NULL },
	{ "egress", anp_egress, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field banp_spec_fields[] = {
	{ "subject", anp_subject, 0, NULL },
	{ "ingress", anp_ingress, 0, NULL },
	{ "egress", anp_egress, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static const struct rp_field cnp_spec_fields[] = {
	{ "tier", cnp_tier, 0, NULL },
	{ "priority", anp_priority, 0, NULL },
	{ "subject", anp_subject, 0, NULL },
	{ "ingress", anp_ingress, 0, NULL },
	{ "egress", anp_egress, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static int parse_anp(struct rctx *c, const struct doc_node *root,
		     const char *kind, enum anp_flavour fl,
		     struct res_list *out)
{
	const struct doc_node *spec = doc_get(root, "spec");
	unsigned int errors = c->d->errors;
	struct anp_ctx x;
	struct res_policy *p;
	const char *name;
	size_t old;

	memset(&x, 0, sizeof(x));
	x.fl = fl;
	c->r = res_alloc(RES_GNP);
	p = &c->r->pol;
	rp_map(c, root, k8s_top_fields, NULL, false);
	res_parse_meta(c, root, false);
	name = k8s_name(c, root, false);
	res_src_fill(c, root, kind, "", c->r->name);
	old = rp_push(c, "spec");
	if (!spec || spec->type == DOC_NULL) {
		rp_err(c, root, "required");
	} else if (rp_map(c, spec,
			  fl == ANP    ? anp_spec_fields
			  : fl == BANP ? banp_spec_fields
				       : cnp_spec_fields,
			  &x, false)) {
		if (fl == CNP && !x.tier) {
			rp_push(c, "tier");
			rp_err(c, spec, "required: Admin or Baseline");
			rp_pop(c, old);
			rp_push(c, "spec");
		}
		if (fl != BANP && !x.priority) {
			rp_push(c, "priority");
			rp_err(c, spec, "required: 0 to 1000");
			rp_pop(c, old);
			rp_push(c, "spec");
		}
		if (!x.subject) {
			rp_push(c, "subject");
			rp_err(c, spec, "required");
		}
	}
	rp_pop(c, old);
	if (fl == BANP && name && strcmp(name, "default")) {
		old = rp_push(c, "metadata.name");
		rp_bad(c, doc_get(doc_get(root, "metadata"), "name"),
		       "a BaselineAdminNetworkPolicy must be named \"default\"");
		rp_pop(c, old);
	}
	rule_vec_take(c, &x.in, &p->ingress, &p->n_ingress);
	rule_vec_take(c, &x.eg, &p->egress, &p->n_egress);
	/* the tiers pass by default: a policy governs what it has rules for */
	p->types = (p->n_ingress ? RES_INGRESS : 0) |
		   (p->n_egress ? RES_EGRESS : 0);
	if (fl == BANP || (fl == CNP && x.baseline))
		p->tier = "kube-baseline";
	else
		p->tier = "kube-admin";
	if (fl != BANP) {
		p->has_order = true;
		p->order = (double)x.prio;
	}
	if (name)
		c->r->name = doc_printf(c->r->mem->arena, "%s.%s.%s",
					fl == ANP    ? "kanp"
					: fl == BANP ? "kbanp"
						     : "kcnp",
					p->tier, name);
	c->r->labels = NULL;
	c->r->n_labels = 0;
	c->r->annotations = NULL;
	c->r->n_annotations = 0;
	return finish(c, errors, out);
}

/* --- dispatch ---------------------------------------------------------- */

int res_parse_k8s(struct rctx *c, const struct doc_node *root,
		  const char *api_version, const char *kind,
		  struct res_list *out)
{
	size_t old;

	if (!strcmp(api_version, "v1")) {
		if (!strcmp(kind, "Namespace"))
			return parse_namespace(c, root, out);
		if (!strcmp(kind, "ServiceAccount"))
			return parse_sa(c, root, out);
		if (!strcmp(kind, "Pod"))
			return parse_pod(c, root, out);
	} else if (!strcmp(api_version, "networking.k8s.io/v1")) {
		if (!strcmp(kind, "NetworkPolicy"))
			return parse_knp(c, root, kind, false, out);
	} else if (!strcmp(api_version, "policy.networking.k8s.io/v1alpha1")) {
		if (!strcmp(kind, "AdminNetworkPolicy"))
			return parse_anp(c, root, kind, ANP, out);
		if (!strcmp(kind, "BaselineAdminNetworkPolicy"))
			return parse_anp(c, root, kind, BANP, out);
	} else if (!strcmp(api_version, "policy.networking.k8s.io/v1alpha2")) {
		if (!strcmp(kind, "ClusterNetworkPolicy"))
			return parse_anp(c, root, kind, CNP, out);
	}
	old = rp_push(c, "kind");
	if (!strcmp(kind, "NetworkPolicy") || !strcmp(kind, "Namespace") ||
	    !strcmp(kind, "Pod") || !strcmp(kind, "ServiceAccount") ||
	    !strcmp(kind, "AdminNetworkPolicy") ||
	    !strcmp(kind, "BaselineAdminNetworkPolicy") ||
	    !strcmp(kind, "ClusterNetworkPolicy")) {
		rp_bad(c, doc_get(root, "kind"),
		       "not a kind of %s (NetworkPolicy is networking.k8s.io/v1; Namespace, Pod, ServiceAccount are v1; AdminNetworkPolicy and BaselineAdminNetworkPolicy are policy.networking.k8s.io/v1alpha1; ClusterNetworkPolicy is v1alpha2)",
		       api_version);
		rp_pop(c, old);
		return -EINVAL;
	}
	rp_warn(c, doc_get(root, "kind"),
		"skipped: %s %s holds no network policy", api_version, kind);
	rp_pop(c, old);
	return 0;
}
