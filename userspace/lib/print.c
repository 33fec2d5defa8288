// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Objects as text, in the grammar "add" accepts: "stratactl x show" output
 * is a batch file that recreates what it shows. Rules, endpoint lists and
 * long member lists go on continuation lines (tab-indented).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include "text.h"

/* Members per continuation line. */
#define MEMBERS_PER_LINE 8

static const char *const action_names[] = {
	[STRATA_ACT_ALLOW] = "allow",	[STRATA_ACT_DENY] = "deny",
	[STRATA_ACT_PASS] = "pass",	[STRATA_ACT_LOG] = "log",
	[STRATA_ACT_REJECT] = "reject",
};

/**
 * strata_action_name() - an action's keyword
 * @action: STRATA_ACT_*
 *
 * Return: "allow", ..., or "unknown".
 */
const char *strata_action_name(uint8_t action)
{
	if (action < sizeof(action_names) / sizeof(action_names[0]) &&
	    action_names[action])
		return action_names[action];
	return "unknown";
}

const char *strata_ipset_kind_name(uint8_t kind)
{
	switch (kind) {
	case STRATA_IPSET_ADDR:
		return "addr";
	case STRATA_IPSET_NET:
		return "net";
	case STRATA_IPSET_ADDR_PORT:
		return "addr-port";
	}
	return "unknown";
}

const char *strata_wl_to_host_name(uint8_t v)
{
	switch (v) {
	case STRATA_WL_TO_HOST_DROP:
		return "drop";
	case STRATA_WL_TO_HOST_ACCEPT:
		return "accept";
	case STRATA_WL_TO_HOST_RETURN:
		return "return";
	}
	return "unknown";
}

/**
 * strata_proto_name() - a protocol as the grammar writes it
 * @proto: the number
 * @buf: room for a number
 * @len: its size
 *
 * Return: its name ("tcp") or its number in @buf.
 */
const char *strata_proto_name(uint8_t proto, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < strata_n_protos; i++)
		if (strata_protos[i].proto == proto)
			return strata_protos[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

static const char *fmt_addr(uint8_t family, const uint8_t *addr, char *buf,
			    size_t len)
{
	if (inet_ntop(family == STRATA_FAMILY_IPV6 ? AF_INET6 : AF_INET, addr,
		      buf, (socklen_t)len))
		return buf;
	snprintf(buf, len, "?");
	return buf;
}

/**
 * strata_fmt_prefix() - a prefix as the grammar writes it
 * @p: the prefix
 * @buf: at least STRATA_FMT_LEN bytes
 * @len: its size
 *
 * Return: @buf: "10.0.0.0/8", or a bare address for a full-length prefix.
 */
const char *strata_fmt_prefix(const struct strata_prefix *p, char *buf,
			      size_t len)
{
	char a[INET6_ADDRSTRLEN];

	fmt_addr(p->family, p->addr, a, sizeof(a));
	if (p->prefix_len == sc_family_bits(p->family))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, p->prefix_len);
	return buf;
}

/**
 * strata_fmt_member() - an IP set member as the grammar writes it
 * @family: the set's family
 * @m: the member
 * @buf: at least STRATA_FMT_LEN bytes
 * @len: its size
 *
 * Return: @buf: "10.0.0.5", "10.0.0.0/8" or "tcp:80@10.0.0.5".
 */
const char *strata_fmt_member(uint8_t family, const struct strata_member *m,
			      char *buf, size_t len)
{
	struct strata_prefix p = { .family = family,
				   .prefix_len = m->prefix_len };
	/* an address, '/' and a length: room left for "udplite:65535@" */
	char pfx[INET6_ADDRSTRLEN + 4], pn[8];

	memcpy(p.addr, m->addr, sizeof(p.addr));
	strata_fmt_prefix(&p, pfx, sizeof(pfx));
	if (m->proto || m->port)
		snprintf(buf, len, "%s:%u@%s",
			 strata_proto_name(m->proto, pn, sizeof(pn)), m->port,
			 pfx);
	else
		snprintf(buf, len, "%s", pfx);
	return buf;
}

/**
 * strata_fmt_failsafe() - a failsafe entry as the grammar writes it
 * @f: the entry
 * @buf: at least STRATA_FMT_LEN bytes
 * @len: its size
 *
 * Return: @buf: "tcp:22" or "tcp:22@10.0.0.0/8".
 */
const char *strata_fmt_failsafe(const struct strata_failsafe *f, char *buf,
				size_t len)
{
	char pfx[INET6_ADDRSTRLEN + 4], pn[8];

	if (f->net.family)
		snprintf(buf, len, "%s:%u@%s",
			 strata_proto_name(f->proto, pn, sizeof(pn)), f->port,
			 strata_fmt_prefix(&f->net, pfx, sizeof(pfx)));
	else
		snprintf(buf, len, "%s:%u",
			 strata_proto_name(f->proto, pn, sizeof(pn)), f->port);
	return buf;
}

static void print_prefixes(FILE *f, const char *kw,
			   const struct strata_prefix *p, uint32_t n)
{
	char buf[STRATA_FMT_LEN];
	uint32_t i;

	if (!n)
		return;
	fprintf(f, " %s ", kw);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "," : "",
			strata_fmt_prefix(&p[i], buf, sizeof(buf)));
}

static void print_ids(FILE *f, const char *kw, const uint32_t *v, uint32_t n)
{
	uint32_t i;

	if (!n)
		return;
	fprintf(f, "%s%s ", kw[0] ? " " : "", kw);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%u", i ? "," : "", v[i]);
}

static void print_ports(FILE *f, const char *kw,
			const struct strata_port_range *r, uint32_t n)
{
	uint32_t i;

	if (!n)
		return;
	fprintf(f, " %s ", kw);
	for (i = 0; i < n; i++) {
		if (r[i].lo == r[i].hi)
			fprintf(f, "%s%u", i ? "," : "", r[i].lo);
		else
			fprintf(f, "%s%u:%u", i ? "," : "", r[i].lo, r[i].hi);
	}
}

static void print_ent(FILE *f, const char *side, const struct sc_ent *e)
{
	char kw[24];

#define K(s) (snprintf(kw, sizeof(kw), "%s-%s", side, s), kw)
	print_prefixes(f, K("net"), e->nets, e->n_nets);
	print_prefixes(f, K("not-net"), e->not_nets, e->n_not_nets);
	print_ids(f, K("set"), e->sets, e->n_sets);
	print_ids(f, K("not-set"), e->not_sets, e->n_not_sets);
	print_ports(f, K("port"), e->ports, e->n_ports);
	print_ports(f, K("not-port"), e->not_ports, e->n_not_ports);
	print_ids(f, K("port-set"), e->psets, e->n_psets);
	print_ids(f, K("not-port-set"), e->not_psets, e->n_not_psets);
#undef K
}

/**
 * strata_print_rule() - one rule: "ingress allow proto tcp ..." (no newline)
 * @f: output
 * @dir: its direction
 * @r: the rule
 */
void strata_print_rule(FILE *f, enum sc_dir dir, const struct sc_rule *r)
{
	char pn[8];

	fprintf(f, "%s %s", dir == SC_EGRESS ? "egress" : "ingress",
		strata_action_name(r->action));
	if (r->ip_version)
		fprintf(f, " ip-version %u", r->ip_version);
	if (r->present & STRATA_IMG_RULE_F_PROTO)
		fprintf(f, " proto %s",
			strata_proto_name(r->proto, pn, sizeof(pn)));
	if (r->present & STRATA_IMG_RULE_F_NOT_PROTO)
		fprintf(f, " not-proto %s",
			strata_proto_name(r->not_proto, pn, sizeof(pn)));
	if (r->present & STRATA_IMG_RULE_F_ICMP_TYPE)
		fprintf(f, " icmp-type %u", r->icmp_type);
	if (r->present & STRATA_IMG_RULE_F_ICMP_CODE)
		fprintf(f, " icmp-code %u", r->icmp_code);
	if (r->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE)
		fprintf(f, " not-icmp-type %u", r->not_icmp_type);
	if (r->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE)
		fprintf(f, " not-icmp-code %u", r->not_icmp_code);
	print_ent(f, "src", &r->src);
	print_ent(f, "dst", &r->dst);
	if (r->cookie)
		fprintf(f, " cookie 0x%" PRIx64, (uint64_t)r->cookie);
}

/**
 * strata_print_tier() - "tier add id ... name ... default ..."
 * @f: output
 * @t: the tier
 */
void strata_print_tier(FILE *f, const struct sc_tier *t)
{
	fprintf(f, "tier add id %u name %s default %s\n", t->id, t->name,
		t->default_action == STRATA_ACT_PASS ? "pass" : "deny");
}

/**
 * strata_print_policy() - "policy add id ... name ...", one rule per
 * continuation line
 * @f: output
 * @p: the policy
 */
void strata_print_policy(FILE *f, const struct sc_policy *p)
{
	unsigned int d;
	uint32_t i;

	fprintf(f, "policy add id %u name %s\n", p->id, p->name);
	for (d = 0; d < SC_NDIRS; d++) {
		for (i = 0; i < p->n_rules[d]; i++) {
			fputc('\t', f);
			strata_print_rule(f, d, &p->rules[d][i]);
			fputc('\n', f);
		}
	}
}

/**
 * strata_print_ipset() - "ipset add ...", members on continuation lines
 * @f: output
 * @s: the set
 * @m: its members (may be NULL)
 * @n: how many
 */
void strata_print_ipset(FILE *f, const struct sc_ipset *s,
			const struct strata_member *m, uint32_t n)
{
	char buf[STRATA_FMT_LEN];
	uint32_t i;

	fprintf(f, "ipset add id %u name %s family %u kind %s\n", s->id,
		s->name, s->family, strata_ipset_kind_name(s->kind));
	for (i = 0; i < n; i++) {
		if (i % MEMBERS_PER_LINE == 0)
			fputs("\tmembers ", f);
		fprintf(f, "%s%s", i % MEMBERS_PER_LINE ? "," : "",
			strata_fmt_member(s->family, &m[i], buf, sizeof(buf)));
		if (i % MEMBERS_PER_LINE == MEMBERS_PER_LINE - 1 || i == n - 1)
			fputc('\n', f);
	}
}

/**
 * strata_print_endpoint() - "endpoint add ...", each policy list and the
 * profiles on continuation lines
 * @f: output
 * @e: the endpoint
 */
void strata_print_endpoint(FILE *f, const struct sc_endpoint *e)
{
	unsigned int l;
	uint32_t i;

	fprintf(f, "endpoint add id %u name %s %s iface %s", e->id, e->name,
		e->kind == STRATA_EP_HOST ? "host" : "workload", e->ifname);
	print_prefixes(f, "addr", e->addrs, e->n_addrs);
	print_prefixes(f, "spoof", e->spoof, e->n_spoof);
	if (e->mark)
		fprintf(f, " mark 0x%x", e->mark);
	fprintf(f, " no-match %s\n",
		e->no_match == STRATA_ACT_ALLOW ? "allow" : "deny");
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		const struct sc_eplist *el = &e->lists[l];

		if (!el->n)
			continue;
		fprintf(f, "\t%s", strata_list_names[l]);
		for (i = 0; i < el->n; i++) {
			fprintf(f, " tier %u", el->refs[i].tier);
			print_ids(f, "policies", el->refs[i].policies,
				  el->refs[i].n_policies);
		}
		fputc('\n', f);
	}
	if (e->n_profiles) {
		fputs("\tprofiles", f);
		print_ids(f, "", e->profiles, e->n_profiles);
		fputc('\n', f);
	}
}

static void print_failsafes(FILE *f, const struct strata_failsafe *v,
			    uint32_t n)
{
	char buf[STRATA_FMT_LEN];
	uint32_t i;

	if (!n)
		fputs("none", f);
	for (i = 0; i < n && i < SC_MAX_FAILSAFE; i++)
		fprintf(f, "%s%s", i ? "," : "",
			strata_fmt_failsafe(&v[i], buf, sizeof(buf)));
}

/**
 * strata_print_settings() - "settings set", every setting on its own
 * continuation line
 * @f: output
 * @s: the settings
 */
void strata_print_settings(FILE *f, const struct sc_settings *s)
{
	size_t i;
	uint16_t j;

	fputs("settings set\n", f);
	for (i = 0; i < strata_n_skeys; i++) {
		const struct strata_skey *k = &strata_skeys[i];
		const char *field = (const char *)s + k->off;
		uint32_t v32;
		uint16_t v16;

		fprintf(f, "\t%s ", k->key);
		switch (k->type) {
		case SKEY_U32:
			memcpy(&v32, field, sizeof(v32));
			fprintf(f, "%u", v32);
			break;
		case SKEY_MARK:
			memcpy(&v32, field, sizeof(v32));
			fprintf(f, "0x%x", v32);
			break;
		case SKEY_U16:
			memcpy(&v16, field, sizeof(v16));
			fprintf(f, "%u", v16);
			break;
		case SKEY_BOOL:
			fputs(*field ? "on" : "off", f);
			break;
		case SKEY_WL_TO_HOST:
			fputs(strata_wl_to_host_name((uint8_t)*field), f);
			break;
		case SKEY_FAILSAFE_IN:
			print_failsafes(f, s->failsafe_in, s->n_failsafe_in);
			break;
		case SKEY_FAILSAFE_OUT:
			print_failsafes(f, s->failsafe_out, s->n_failsafe_out);
			break;
		case SKEY_WL_PREFIXES:
			if (!s->n_wl_prefixes)
				fputs("none", f);
			for (j = 0;
			     j < s->n_wl_prefixes && j < STRATA_MAX_WL_PREFIXES;
			     j++)
				fprintf(f, "%s%.*s", j ? "," : "",
					STRATA_IFNAME_LEN, s->wl_prefixes[j]);
			break;
		}
		fputc('\n', f);
	}
}

static const char *const reason_names[__STRATA_REASON_MAX] = {
	[STRATA_REASON_NONE] = "none",
	[STRATA_REASON_POLICY] = "policy",
	[STRATA_REASON_ESTABLISHED] = "established",
	[STRATA_REASON_CT_INVALID] = "ct-invalid",
	[STRATA_REASON_UNKNOWN_IFACE] = "unknown-iface",
	[STRATA_REASON_NOT_COMMITTED] = "not-committed",
	[STRATA_REASON_SPOOF] = "spoof",
	[STRATA_REASON_TUNNEL] = "tunnel",
	[STRATA_REASON_FAILSAFE] = "failsafe",
	[STRATA_REASON_WL_TO_HOST] = "wl-to-host",
	[STRATA_REASON_HOST_TO_WL] = "host-to-wl",
	[STRATA_REASON_ND] = "nd",
	[STRATA_REASON_NO_ENDPOINT] = "no-endpoint",
};

/**
 * strata_reason_name() - a verdict reason's keyword
 * @reason: enum strata_reason
 *
 * Return: "policy", ..., or "unknown".
 */
const char *strata_reason_name(unsigned int reason)
{
	if (reason < __STRATA_REASON_MAX && reason_names[reason])
		return reason_names[reason];
	return "unknown";
}

/**
 * strata_counter_kind_name() - a counter kind's keyword
 * @kind: enum strata_counter_kind
 *
 * Return: "rule", "tier-default", "profile-end", "no-match" or "unknown".
 */
const char *strata_counter_kind_name(uint8_t kind)
{
	switch (kind) {
	case STRATA_CTR_RULE:
		return "rule";
	case STRATA_CTR_TIER_DEFAULT:
		return "tier-default";
	case STRATA_CTR_PROFILE_END:
		return "profile-end";
	case STRATA_CTR_NO_MATCH:
		return "no-match";
	}
	return "unknown";
}

/**
 * strata_print_stats() - the statistics, one "name value" per line
 * @f: output
 * @st: the statistics
 */
void strata_print_stats(FILE *f, const struct strata_stats *st)
{
	const struct strata_ioc_stats *o = &st->obj;
	unsigned int r;

	fprintf(f,
		"generation %llu\ntiers %u\npolicies %u\nrules %u\nipsets %u\n"
		"members %u\nendpoints %u\nprograms %u\nclasses %u\n"
		"mem-bytes %llu\ntx-open %s\n",
		(unsigned long long)o->generation, o->tiers, o->policies,
		o->rules, o->ipsets, o->members, o->endpoints, o->programs,
		o->classes, (unsigned long long)o->mem_bytes,
		o->tx_open ? "yes" : "no");
	fprintf(f,
		"packets %llu\nevaluations %llu\nflow-events %llu\n"
		"flow-events-lost %llu\nlog-lines %llu\nlog-lines-lost %llu\n"
		"ct-flushed %llu\n",
		(unsigned long long)st->packets,
		(unsigned long long)st->evaluations,
		(unsigned long long)st->flow_events,
		(unsigned long long)st->flow_events_lost,
		(unsigned long long)st->log_lines,
		(unsigned long long)st->log_lines_lost,
		(unsigned long long)st->ct_flushed);
	for (r = 0; r < __STRATA_REASON_MAX; r++)
		fprintf(f, "reason %s %llu\n", strata_reason_name(r),
			(unsigned long long)st->reasons[r]);
}

static const char *counter_list_name(const struct strata_counter *c)
{
	if (c->kind == STRATA_CTR_RULE || c->kind == STRATA_CTR_PROFILE_END)
		return c->list ? "egress" : "ingress";
	if (c->list < __STRATA_LIST_MAX)
		return strata_list_names[c->list];
	return "unknown";
}

/**
 * strata_name_of() - an object's name, as a resolver knows it
 * @fn: the resolver (may be NULL)
 * @arg: its argument
 * @kind: enum strata_err_obj
 * @id: the object's id (0: none, not looked up)
 *
 * Return: the name, or NULL when there is no resolver, no object or the
 * resolver does not know it (NULL or "").
 */
const char *strata_name_of(strata_name_fn fn, void *arg, uint8_t kind,
			   uint32_t id)
{
	const char *name;

	if (!fn || !id)
		return NULL;
	name = fn(kind, id, arg);
	return name && name[0] ? name : NULL;
}

/* The object a counter belongs to (enum strata_err_obj), or 0. */
uint8_t strata_counter_obj(uint8_t kind)
{
	switch (kind) {
	case STRATA_CTR_RULE:
	case STRATA_CTR_PROFILE_END:
		return STRATA_ERR_OBJ_POLICY;
	case STRATA_CTR_TIER_DEFAULT:
		return STRATA_ERR_OBJ_TIER;
	case STRATA_CTR_NO_MATCH:
		return STRATA_ERR_OBJ_ENDPOINT;
	default:
		return STRATA_ERR_OBJ_NONE;
	}
}

/* "@word ID" or "@word ID (NAME)" */
static void print_ref(FILE *f, const char *word, uint8_t kind, uint32_t id,
		      strata_name_fn fn, void *arg)
{
	const char *name = strata_name_of(fn, arg, kind, id);

	if (name)
		fprintf(f, "%s %u (%s)", word, id, name);
	else
		fprintf(f, "%s %u", word, id);
}

/**
 * strata_print_counter() - one counter on one line, e.g.
 * "policy 5 ingress rule 0 flows 3 packets 3 bytes 180"
 * @f: output
 * @c: the counter
 *
 * strata_print_counter_names() with no resolver.
 */
void strata_print_counter(FILE *f, const struct strata_counter *c)
{
	strata_print_counter_names(f, c, NULL, NULL);
}

/**
 * strata_print_counter_names() - one counter on one line, its object named
 * when @fn knows it, e.g.
 * "policy 5 (web) ingress rule 0 flows 3 packets 3 bytes 180"
 * @f: output
 * @c: the counter
 * @fn: name resolver (may be NULL: ids only)
 * @arg: its argument
 */
void strata_print_counter_names(FILE *f, const struct strata_counter *c,
				strata_name_fn fn, void *arg)
{
	uint8_t obj = strata_counter_obj(c->kind);

	switch (c->kind) {
	case STRATA_CTR_RULE:
		print_ref(f, "policy", obj, c->id, fn, arg);
		fprintf(f, " %s rule %u", counter_list_name(c), c->index);
		break;
	case STRATA_CTR_PROFILE_END:
		print_ref(f, "policy", obj, c->id, fn, arg);
		fprintf(f, " %s profile-end", counter_list_name(c));
		break;
	case STRATA_CTR_TIER_DEFAULT:
		print_ref(f, "tier", obj, c->id, fn, arg);
		fprintf(f, " %s default", counter_list_name(c));
		break;
	case STRATA_CTR_NO_MATCH:
		print_ref(f, "endpoint", obj, c->id, fn, arg);
		fprintf(f, " %s no-match", counter_list_name(c));
		break;
	default:
		fprintf(f, "counter %u %u %u %u", c->kind, c->id, c->list,
			c->index);
		break;
	}
	fprintf(f, " flows %llu packets %llu bytes %llu\n",
		(unsigned long long)c->flows, (unsigned long long)c->packets,
		(unsigned long long)c->bytes);
}

static const char *hook_name(uint8_t hook)
{
	static const char *const names[__STRATA_HOOK_MAX] = {
		[STRATA_HOOK_RAW_PRE] = "raw-prerouting",
		[STRATA_HOOK_RAW_OUT] = "raw-output",
		[STRATA_HOOK_PREDNAT] = "prednat",
		[STRATA_HOOK_PRE] = "prerouting",
		[STRATA_HOOK_INPUT] = "input",
		[STRATA_HOOK_FORWARD] = "forward",
		[STRATA_HOOK_OUTPUT] = "output",
	};

	return hook < __STRATA_HOOK_MAX ? names[hook] : "unknown";
}

const char *strata_verdict_name(uint8_t v)
{
	static const char *const names[__STRATA_VERDICT_MAX] = {
		[STRATA_VERDICT_NONE] = "none",
		[STRATA_VERDICT_ALLOW] = "allow",
		[STRATA_VERDICT_DENY] = "deny",
		[STRATA_VERDICT_REJECT] = "reject",
		[STRATA_VERDICT_NOTRACK] = "notrack",
	};

	return v < __STRATA_VERDICT_MAX ? names[v] : "unknown";
}

const char *strata_hook_name(uint8_t hook)
{
	return hook_name(hook);
}

static void print_flow_addr(FILE *f, const struct strata_flow *fl,
			    const uint8_t *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN];

	fmt_addr(fl->family, addr, a, sizeof(a));
	if (!fl->has_ports)
		fputs(a, f);
	else if (fl->family == STRATA_FAMILY_IPV6)
		fprintf(f, "[%s]:%u", a, port);
	else
		fprintf(f, "%s:%u", a, port);
}

/**
 * strata_print_event() - an event: a "commit" line, or a "flow" line and
 * one continuation line per step (and per log rule)
 * @f: output
 * @ev: the event
 *
 * strata_print_event_names() with no resolver.
 */
void strata_print_event(FILE *f, const struct strata_event *ev)
{
	strata_print_event_names(f, ev, NULL, NULL);
}

/**
 * strata_print_event_names() - an event, naming the endpoints, tiers and
 * policies @fn knows
 * @f: output
 * @ev: the event
 * @fn: name resolver (may be NULL: ids only, as strata_print_event())
 * @arg: its argument
 *
 * A known object is printed as its id followed by its name in
 * parentheses: "ep-in 2 (backend)", "step endpoint 2 (backend)",
 * "tier 10 (security)", "policy 201 (backend-ingress)"; an unknown one as
 * its id alone.
 */
void strata_print_event_names(FILE *f, const struct strata_event *ev,
			      strata_name_fn fn, void *arg)
{
	const struct strata_flow *fl = &ev->flow;
	char pn[8];
	uint32_t i, j;

	if (ev->type == STRATA_EVENT_COMMIT) {
		fprintf(f, "commit generation %llu\n",
			(unsigned long long)ev->generation);
		return;
	}
	if (ev->type != STRATA_EVENT_FLOW) {
		fputs("events lost\n", f);
		return;
	}
	fprintf(f, "flow generation %llu %s reason %s hook %s %s ",
		(unsigned long long)fl->generation,
		strata_verdict_name(fl->verdict),
		strata_reason_name(fl->reason), hook_name(fl->hook),
		strata_proto_name(fl->proto, pn, sizeof(pn)));
	print_flow_addr(f, fl, fl->saddr, fl->sport);
	fputs(" -> ", f);
	print_flow_addr(f, fl, fl->daddr, fl->dport);
	if (fl->has_icmp)
		fprintf(f, " icmp-type %u icmp-code %u", fl->icmp_type,
			fl->icmp_code);
	if (fl->iif[0])
		fprintf(f, " iif %s", fl->iif);
	if (fl->oif[0])
		fprintf(f, " oif %s", fl->oif);
	if (fl->ep_in)
		print_ref(f, " ep-in", STRATA_ERR_OBJ_ENDPOINT, fl->ep_in, fn,
			  arg);
	if (fl->ep_out)
		print_ref(f, " ep-out", STRATA_ERR_OBJ_ENDPOINT, fl->ep_out, fn,
			  arg);
	fprintf(f, " len %u mark 0x%x%s%s\n", fl->len, fl->mark,
		fl->logged ? " logged" : "", fl->truncated ? " truncated" : "");
	for (i = 0; i < fl->n_steps; i++) {
		const struct strata_flow_step *st = &fl->steps[i];

		print_ref(f, "\tstep endpoint", STRATA_ERR_OBJ_ENDPOINT,
			  st->endpoint, fn, arg);
		fprintf(f, " %s",
			st->list < __STRATA_LIST_MAX
				? strata_list_names[st->list]
				: "unknown");
		if (st->action)
			fprintf(f, " %s by %s", strata_action_name(st->action),
				strata_counter_kind_name(st->kind));
		else
			fputs(" no-verdict", f);
		if (st->tier)
			print_ref(f, " tier", STRATA_ERR_OBJ_TIER, st->tier, fn,
				  arg);
		if (st->policy)
			print_ref(f, " policy", STRATA_ERR_OBJ_POLICY,
				  st->policy, fn, arg);
		if (st->kind == STRATA_CTR_RULE)
			fprintf(f, " rule %u", st->rule);
		if (st->cookie)
			fprintf(f, " cookie 0x%llx",
				(unsigned long long)st->cookie);
		fprintf(f, " passes %u\n", st->passes);
		for (j = 0; j < st->n_logs; j++) {
			const struct strata_flow_log *l = &st->logs[j];

			print_ref(f, "\tlog tier", STRATA_ERR_OBJ_TIER, l->tier,
				  fn, arg);
			print_ref(f, " policy", STRATA_ERR_OBJ_POLICY,
				  l->policy, fn, arg);
			fprintf(f, " rule %u\n", l->rule);
		}
	}
}
