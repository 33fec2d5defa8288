// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rules, entity rules and selectors, and the policy-level checks Calico's
 * validator applies (libcalico-go validator.go: validateRule,
 * validateEntityRule, validate(Global)NetworkPolicySpec, the name
 * formats, and the tier prefix of policy names).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "res_int.h"

/* --- selectors -------------------------------------------------------- */

static const char global_only_msg[] =
	"global() can only be used in a rule's namespaceSelector";

void res_parse_selector(struct rctx *c, const struct doc_node *n,
			unsigned int flags, struct res_sel *out)
{
	struct sel_err err;
	struct sel *s = NULL;
	const char *text = rp_string(c, n);
	int ret;

	if (!text)
		return;
	ret = sel_parse(text, flags, &s, &err);
	if (ret == -ENOMEM) {
		fputs("strata: out of memory\n", stderr);
		abort();
	}
	if (ret) {
		/* the parser's own global() errors, in the field's words */
		if (!strncmp(err.msg, "global() is only allowed", 24))
			rp_bad(c, n, "%s", global_only_msg);
		else if (!strncmp(err.msg, "global() must be the whole", 26))
			rp_bad(c, n,
			       "global() cannot be combined with other selectors");
		else
			rp_bad(c, n, "%s", err.msg);
		return;
	}
	res_keep_sel(c->r, s);
	out->text = text;
	out->sel = s;
}

bool res_make_selector(struct rctx *c, const struct doc_node *n,
		       const char *text, unsigned int flags,
		       struct res_sel *out)
{
	struct sel_err err;
	struct sel *s = NULL;
	int ret;

	ret = sel_parse(text, flags, &s, &err);
	if (ret == -ENOMEM) {
		fputs("strata: out of memory\n", stderr);
		abort();
	}
	if (ret) {
		rp_err(c, n,
		       "the selector this converts to, \"%s\", is invalid: %s",
		       text, err.msg);
		return false;
	}
	res_keep_sel(c->r, s);
	out->text = res_strdup(c->r, text);
	out->sel = s;
	return true;
}

/* --- values ----------------------------------------------------------- */

static bool parse_proto(struct rctx *c, const struct doc_node *n,
			struct res_proto *out)
{
	int64_t v;
	uint8_t num;

	memset(out, 0, sizeof(*out));
	if (n->type == DOC_INT || n->type == DOC_FLOAT) {
		if (!rp_int(c, n, 1, 255, &v))
			return false;
		out->set = true;
		out->num = (uint8_t)v;
		return true;
	}
	if (n->type != DOC_STR) {
		rp_bad(c, n,
		       "expected TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1-255");
		return false;
	}
	if (n->len && n->len <= 3 && strspn(n->text, "0123456789") == n->len) {
		v = strtol(n->text, NULL, 10);
		if (v < 1 || v > 255) {
			rp_bad(c, n, "a protocol number must be 1 to 255");
			return false;
		}
		out->set = true;
		out->num = (uint8_t)v;
		return true;
	}
	num = res_proto_num(n->text, false);
	if (!num) {
		num = res_proto_num(n->text, true);
		if (num)
			rp_bad(c, n,
			       "protocol names are case-sensitive: did you mean %s?",
			       num == 6	    ? "TCP"
			       : num == 17  ? "UDP"
			       : num == 1   ? "ICMP"
			       : num == 58  ? "ICMPv6"
			       : num == 132 ? "SCTP"
					    : "UDPLite");
		else
			rp_bad(c, n,
			       "expected TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1-255");
		return false;
	}
	out->set = true;
	out->num = num;
	out->name = res_strdup(c->r, n->text);
	return true;
}

static bool parse_port_node(struct rctx *c, const struct doc_node *n,
			    struct res_port *out)
{
	const char *why;
	int64_t v;

	memset(out, 0, sizeof(*out));
	if (n->type == DOC_INT || n->type == DOC_FLOAT) {
		if (!rp_int(c, n, 1, 65535, &v))
			return false;
		out->first = out->last = (uint16_t)v;
		return true;
	}
	if (n->type != DOC_STR) {
		rp_bad(c, n,
		       "expected a port (80), a range (\"8000:8080\") or a port name");
		return false;
	}
	if (!res_parse_port(n->text, out, &why)) {
		rp_bad(c, n, "%s", why);
		return false;
	}
	if (out->name)
		out->name = res_strdup(c->r, out->name);
	return true;
}

static void parse_ports(struct rctx *c, const struct doc_node *n,
			struct res_port **out, size_t *count)
{
	size_t i, k = 0, old;
	struct res_port *v;

	if (!rp_expect(c, n, DOC_SEQ))
		return;
	v = res_zalloc(c->r, (n->n + 1) * sizeof(*v));
	for (i = 0; i < n->n; i++) {
		old = rp_push_idx(c, i);
		if (parse_port_node(c, n->items[i], &v[k]))
			k++;
		rp_pop(c, old);
	}
	*out = v;
	*count = k;
}

/* Rule nets: CIDRs, strictly masked (Calico's "net" validator). */
static void parse_nets(struct rctx *c, const struct doc_node *n,
		       struct res_cidr **out, size_t *count)
{
	struct res_cidr *v;
	const char *why;
	char masked[64];
	size_t i, k = 0, old;

	if (!rp_expect(c, n, DOC_SEQ))
		return;
	v = res_zalloc(c->r, (n->n + 1) * sizeof(*v));
	for (i = 0; i < n->n; i++) {
		const struct doc_node *it = n->items[i];
		const char *s;

		old = rp_push_idx(c, i);
		s = rp_string(c, it);
		if (s && !strchr(s, '/') &&
		    res_parse_cidr(s, false, &v[k], &why))
			rp_bad(c, it,
			       "a CIDR needs a prefix length: did you mean %s/%u?",
			       s, v[k].prefix);
		else if (s && !res_parse_cidr(s, true, &v[k], &why))
			rp_bad(c, it, "%s", why);
		else if (s && !res_cidr_masked(&v[k], masked, sizeof(masked)))
			rp_bad(c, it, "host bits are set: did you mean %s?",
			       masked);
		else if (s)
			k++;
		rp_pop(c, old);
	}
	*out = v;
	*count = k;
}

/* --- entity rules ----------------------------------------------------- */

struct entity_ctx {
	struct res_entity *e;
	const struct doc_node *ports, *not_ports, *nets[2];
};

static void ent_nets(struct rctx *c, const struct doc_node *v, void *o)
{
	struct entity_ctx *x = o;

	x->nets[0] = v;
	parse_nets(c, v, &x->e->nets, &x->e->n_nets);
}

static void ent_not_nets(struct rctx *c, const struct doc_node *v, void *o)
{
	struct entity_ctx *x = o;

	x->nets[1] = v;
	parse_nets(c, v, &x->e->not_nets, &x->e->n_not_nets);
}

static void ent_selector(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_selector(c, v, 0, &((struct entity_ctx *)o)->e->selector);
}

static void ent_not_selector(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_selector(c, v, 0, &((struct entity_ctx *)o)->e->not_selector);
}

static void ent_ns_selector(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_selector(c, v, SEL_F_ALLOW_GLOBAL,
			   &((struct entity_ctx *)o)->e->ns_selector);
}

static void ent_ports(struct rctx *c, const struct doc_node *v, void *o)
{
	struct entity_ctx *x = o;

	x->ports = v;
	parse_ports(c, v, &x->e->ports, &x->e->n_ports);
}

static void ent_not_ports(struct rctx *c, const struct doc_node *v, void *o)
{
	struct entity_ctx *x = o;

	x->not_ports = v;
	parse_ports(c, v, &x->e->not_ports, &x->e->n_not_ports);
}

static void sa_names(struct rctx *c, const struct doc_node *v, void *o)
{
	struct res_entity *e = o;

	rp_strings(c, v, NULL, &e->sa_names, &e->n_sa_names);
}

static void sa_selector(struct rctx *c, const struct doc_node *v, void *o)
{
	res_parse_selector(c, v, 0, &((struct res_entity *)o)->sa_selector);
}

static const struct rp_field sa_fields[] = {
	{ "names", sa_names, 0, NULL },
	{ "selector", sa_selector, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void ent_sa(struct rctx *c, const struct doc_node *v, void *o)
{
	struct entity_ctx *x = o;

	x->e->has_sa = true;
	rp_map(c, v, sa_fields, x->e, false);
}

static const struct rp_field entity_fields[] = {
	{ "nets", ent_nets, 0, NULL },
	{ "notNets", ent_not_nets, 0, NULL },
	{ "selector", ent_selector, 0, NULL },
	{ "notSelector", ent_not_selector, 0, NULL },
	{ "namespaceSelector", ent_ns_selector, 0, NULL },
	{ "ports", ent_ports, 0, NULL },
	{ "notPorts", ent_not_ports, 0, NULL },
	{ "serviceAccounts", ent_sa, 0, NULL },
	{ "services", NULL, RPF_REJECT,
	  "services matches are not supported (match the service's pods by selector and ports instead)" },
	{ NULL, NULL, 0, NULL },
};

/* --- rules ------------------------------------------------------------ */

struct rule_ctx {
	struct res_rule *r;
	const struct doc_node *node, *action, *ip_version, *proto, *not_proto;
	const struct doc_node *icmp, *not_icmp;
	struct entity_ctx src, dst;
	bool action_ok;
};

static void rule_action(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;
	static const char *const names[] = { "Allow", "Deny", "Log", "Pass" };
	unsigned int i;

	x->action = v;
	if (v->type == DOC_STR)
		for (i = 0; i < 4; i++)
			if (!strcmp(v->text, names[i])) {
				x->r->action = (enum res_action)i;
				x->action_ok = true;
				return;
			}
	if (v->type == DOC_STR && !strcasecmp(v->text, "allow"))
		rp_bad(c, v, "actions are case-sensitive: did you mean Allow?");
	else if (v->type == DOC_STR && !strcasecmp(v->text, "deny"))
		rp_bad(c, v, "actions are case-sensitive: did you mean Deny?");
	else if (v->type == DOC_STR && !strcasecmp(v->text, "pass"))
		rp_bad(c, v, "actions are case-sensitive: did you mean Pass?");
	else if (v->type == DOC_STR && !strcasecmp(v->text, "log"))
		rp_bad(c, v, "actions are case-sensitive: did you mean Log?");
	else
		rp_bad(c, v, "expected Allow, Deny, Log or Pass");
}

static void rule_ip_version(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;
	int64_t iv;

	x->ip_version = v;
	if (v->type != DOC_INT || (v->i != 4 && v->i != 6)) {
		rp_bad(c, v, "expected 4 or 6");
		return;
	}
	iv = v->i;
	x->r->ip_version = (uint8_t)iv;
}

static void rule_proto(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;

	x->proto = v;
	parse_proto(c, v, &x->r->proto);
}

static void rule_not_proto(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;

	x->not_proto = v;
	parse_proto(c, v, &x->r->not_proto);
}

struct icmp_ctx {
	struct res_icmp *icmp;
	const struct doc_node *code;
};

static void icmp_type(struct rctx *c, const struct doc_node *v, void *o)
{
	struct icmp_ctx *x = o;
	int64_t t;

	if (rp_int(c, v, 0, 254, &t)) {
		x->icmp->has_type = true;
		x->icmp->type = (uint8_t)t;
	}
}

static void icmp_code(struct rctx *c, const struct doc_node *v, void *o)
{
	struct icmp_ctx *x = o;
	int64_t t;

	x->code = v;
	if (rp_int(c, v, 0, 255, &t)) {
		x->icmp->has_code = true;
		x->icmp->code = (uint8_t)t;
	}
}

static const struct rp_field icmp_fields[] = {
	{ "type", icmp_type, 0, NULL },
	{ "code", icmp_code, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void parse_icmp(struct rctx *c, const struct doc_node *v,
		       struct res_icmp *out)
{
	struct icmp_ctx x = { .icmp = out };
	size_t old;

	out->set = true;
	if (!rp_map(c, v, icmp_fields, &x, false))
		return;
	if (x.code && !out->has_type) {
		old = rp_push(c, "code");
		rp_err(c, x.code, "an ICMP code needs an ICMP type");
		rp_pop(c, old);
	}
}

static void rule_icmp(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;

	x->icmp = v;
	parse_icmp(c, v, &x->r->icmp);
}

static void rule_not_icmp(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;

	x->not_icmp = v;
	parse_icmp(c, v, &x->r->not_icmp);
}

static void rule_src(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;

	rp_map(c, v, entity_fields, &x->src, false);
}

static void rule_dst(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;

	rp_map(c, v, entity_fields, &x->dst, false);
}

static void meta_annotations(struct rctx *c, const struct doc_node *v, void *o)
{
	struct res_rule *r = o;

	rp_labels(c, v, RP_ANNOTATIONS, &r->annotations, &r->n_annotations);
}

static const struct rp_field rule_meta_fields[] = {
	{ "annotations", meta_annotations, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static void rule_meta(struct rctx *c, const struct doc_node *v, void *o)
{
	struct rule_ctx *x = o;

	rp_map(c, v, rule_meta_fields, x->r, false);
}

static const struct rp_field rule_fields[] = {
	{ "action", rule_action, 0, NULL },
	{ "ipVersion", rule_ip_version, 0, NULL },
	{ "protocol", rule_proto, 0, NULL },
	{ "notProtocol", rule_not_proto, 0, NULL },
	{ "icmp", rule_icmp, 0, NULL },
	{ "notICMP", rule_not_icmp, 0, NULL },
	{ "source", rule_src, 0, NULL },
	{ "destination", rule_dst, 0, NULL },
	{ "metadata", rule_meta, 0, NULL },
	{ "http", NULL, RPF_REJECT,
	  "http matches are not supported (application-layer policy needs an L7 proxy)" },
	{ NULL, NULL, 0, NULL },
};

/* Calico's validateRule: ports need a protocol with ports. */
static void check_ports(struct rctx *c, const struct rule_ctx *x,
			const struct doc_node *ports, const char *side,
			const char *field)
{
	const struct res_proto *p = &x->r->proto;
	size_t a, b;
	char what[32];

	/* a protocol that did not parse was reported already */
	if (!ports || ports->type != DOC_SEQ || !ports->n ||
	    res_proto_has_ports(p) || (x->proto && !p->set))
		return;
	if (!p->set)
		snprintf(what, sizeof(what), "no protocol is set");
	else if (p->name)
		snprintf(what, sizeof(what), "protocol is %s", p->name);
	else
		snprintf(what, sizeof(what), "protocol is %u", p->num);
	a = rp_push(c, side);
	b = rp_push(c, field);
	rp_err(c, ports, "ports need protocol TCP, UDP or SCTP (%s)", what);
	rp_pop(c, b);
	rp_pop(c, a);
}

static void check_nets(struct rctx *c, const struct rule_ctx *x, bool *seen4,
		       bool *seen6)
{
	static const char *const sides[] = { "source", "destination" };
	static const char *const fields[] = { "nets", "notNets" };
	const struct entity_ctx *e;
	unsigned int s, f;
	size_t i, n, a, b;

	for (s = 0; s < 2; s++) {
		e = s ? &x->dst : &x->src;
		for (f = 0; f < 2; f++) {
			const struct res_cidr *v = f ? e->e->not_nets
						     : e->e->nets;
			bool v4 = false, v6 = false;

			n = f ? e->e->n_not_nets : e->e->n_nets;
			for (i = 0; i < n; i++) {
				v4 |= v[i].family == 4;
				v6 |= v[i].family == 6;
			}
			if (!n)
				continue;
			a = rp_push(c, sides[s]);
			b = rp_push(c, fields[f]);
			if (x->r->ip_version &&
			    ((v4 && x->r->ip_version != 4) ||
			     (v6 && x->r->ip_version != 6)))
				rp_err(c, e->nets[f],
				       "holds IPv%d networks but the rule has ipVersion %u",
				       x->r->ip_version == 4 ? 6 : 4,
				       x->r->ip_version);
			else if ((v4 && v6) || (v4 && *seen6) || (v6 && *seen4))
				rp_err(c, e->nets[f],
				       "the rule mixes IPv4 and IPv6 networks");
			rp_pop(c, b);
			rp_pop(c, a);
			*seen4 |= v4;
			*seen6 |= v6;
		}
	}
}

static void check_rule(struct rctx *c, struct rule_ctx *x)
{
	struct res_rule *r = x->r;
	bool seen4 = false, seen6 = false;
	size_t old;

	if (!x->action) {
		old = rp_push(c, "action");
		rp_err(c, x->node, "required: Allow, Deny, Log or Pass");
		rp_pop(c, old);
	}
	check_ports(c, x, x->src.ports, "source", "ports");
	check_ports(c, x, x->src.not_ports, "source", "notPorts");
	check_ports(c, x, x->dst.ports, "destination", "ports");
	check_ports(c, x, x->dst.not_ports, "destination", "notPorts");
	if (x->icmp &&
	    !(r->proto.set && (r->proto.num == 1 || r->proto.num == 58))) {
		old = rp_push(c, "icmp");
		rp_err(c, x->icmp, "icmp needs protocol ICMP or ICMPv6");
		rp_pop(c, old);
	}
	if (x->not_icmp &&
	    !(r->proto.set && (r->proto.num == 1 || r->proto.num == 58))) {
		old = rp_push(c, "notICMP");
		rp_warn(c, x->not_icmp,
			"notICMP without protocol ICMP or ICMPv6 matches any packet that is not ICMP");
		rp_pop(c, old);
	}
	if (r->ip_version == 6 &&
	    ((r->proto.set && r->proto.num == 1) ||
	     (r->not_proto.set && r->not_proto.num == 1))) {
		old = rp_push(c, "ipVersion");
		rp_err(c, x->ip_version, "protocol ICMP needs ipVersion 4");
		rp_pop(c, old);
	}
	if (r->ip_version == 4 &&
	    ((r->proto.set && r->proto.num == 58) ||
	     (r->not_proto.set && r->not_proto.num == 58))) {
		old = rp_push(c, "ipVersion");
		rp_err(c, x->ip_version, "protocol ICMPv6 needs ipVersion 6");
		rp_pop(c, old);
	}
	check_nets(c, x, &seen4, &seen6);
}

void res_parse_rules(struct rctx *c, const struct doc_node *n,
		     struct res_rule **out, size_t *count, bool ingress)
{
	struct res_rule *v;
	size_t i, old;

	if (!rp_expect(c, n, DOC_SEQ))
		return;
	v = res_zalloc(c->r, (n->n + 1) * sizeof(*v));
	for (i = 0; i < n->n; i++) {
		struct rule_ctx x;

		memset(&x, 0, sizeof(x));
		x.r = &v[i];
		x.node = n->items[i];
		x.src.e = &v[i].src;
		x.dst.e = &v[i].dst;
		v[i].line = x.node->line;
		v[i].col = x.node->col;
		old = rp_push_idx(c, i);
		if (rp_map(c, x.node, rule_fields, &x, false))
			check_rule(c, &x);
		rp_pop(c, old);
	}
	*out = v;
	*count = n->n;
}

/* --- policy names ----------------------------------------------------- */

static const char *const formatted_prefixes[] = {
	"knp.default.",
	"kcnp.kube-admin.",
	"kcnp.kube-baseline.",
	"kanp.kube-admin.",
	"kbanp.kube-baseline.",
	"ossg.",
	NULL,
};

static bool name_formatted(const char *name)
{
	const char *const *p;

	for (p = formatted_prefixes; *p; p++)
		if (!strncmp(name, *p, strlen(*p)))
			return true;
	return false;
}

/* ^label(\.label)?$ */
static bool one_dot_label(const char *s)
{
	const char *dot = strchr(s, '.');
	char head[64];
	size_t n;

	if (!dot)
		return rp_is_dns_label(s);
	n = (size_t)(dot - s);
	if (n >= sizeof(head))
		return false;
	memcpy(head, s, n);
	head[n] = 0;
	return rp_is_dns_label(head) && rp_is_dns_label(dot + 1);
}

void res_check_policy_name(struct rctx *c, const struct doc_node *at)
{
	const struct res *r = c->r;
	const char *name = r->name, *tier = r->pol.tier;
	const char *dot = strchr(name, '.');
	size_t old = rp_push(c, "metadata.name");
	bool ok;

	/* the names Calico's converters make (knp.default.<name>, ...) are
	 * accepted as they make them, whatever their length */
	if (!name_formatted(name) && strlen(name) > 253) {
		rp_err(c, at, "longer than 253 characters");
		goto out;
	}
	if (name_formatted(name)) {
		ok = rp_is_dns_subdomain(
			strchr(strchr(name, '.') + 1, '.')
				? strchr(strchr(name, '.') + 1, '.') + 1
				: strchr(name, '.') + 1);
	} else {
		ok = one_dot_label(name);
	}
	if (!ok) {
		rp_bad(c, at,
		       "a policy name is lowercase letters, digits and '-', starting and ending with a letter or digit, with at most one '.' (after the tier name)");
		goto out;
	}
	if (name_formatted(name))
		goto out;
	if (!dot && strcmp(tier, "default")) {
		rp_bad(c, at,
		       "a policy in tier \"%s\" must be named \"%s.<name>\"",
		       tier, tier);
	} else if (dot && (strncmp(name, tier, strlen(tier)) ||
			   name + strlen(tier) != dot)) {
		rp_bad(c, at,
		       "the part before '.' must be the policy's tier, \"%s\"",
		       tier);
	}
out:
	rp_pop(c, old);
}

/* --- policy-level checks ---------------------------------------------- */

static const struct doc_node *spec_field(const struct doc_node *spec,
					 const char *name, size_t *old,
					 struct rctx *c)
{
	const struct doc_pair *p = doc_pair_get(spec, name);

	*old = rp_push(c, name);
	return p ? p->val : spec;
}

void res_policy_finish(struct rctx *c, const struct doc_node *spec,
		       bool types_given)
{
	struct res_policy *p = &c->r->pol;
	const struct doc_node *at;
	size_t old, base = rp_push(c, "spec");

	if (!types_given) {
		if (p->n_egress && p->n_ingress)
			p->types = RES_INGRESS | RES_EGRESS;
		else if (p->n_egress)
			p->types = RES_EGRESS;
		else
			p->types = RES_INGRESS;
	}
	if (!spec)
		goto out;
	if (p->do_not_track && p->pre_dnat) {
		at = spec_field(spec, "preDNAT", &old, c);
		rp_err(c, at, "preDNAT and doNotTrack cannot both be true");
		rp_pop(c, old);
	}
	if (p->pre_dnat && p->n_egress) {
		at = spec_field(spec, "egress", &old, c);
		rp_err(c, at, "a preDNAT policy cannot have egress rules");
		rp_pop(c, old);
	}
	if (p->pre_dnat && types_given && (p->types & RES_EGRESS)) {
		at = spec_field(spec, "types", &old, c);
		rp_err(c, at, "a preDNAT policy cannot have type Egress");
		rp_pop(c, old);
	}
	if ((p->do_not_track || p->pre_dnat) && !p->apply_on_forward) {
		at = spec_field(spec, "applyOnForward", &old, c);
		rp_err(c, at,
		       "applyOnForward must be true when preDNAT or doNotTrack is");
		rp_pop(c, old);
	}
out:
	rp_pop(c, base);
}
