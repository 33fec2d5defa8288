// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Objects as JSON (json-c). The schema is stratactl(8)'s "JSON OUTPUT":
 * field names are stable, every list is an array (empty when there is
 * nothing), numbers are JSON numbers, booleans are JSON booleans, actions
 * and kinds are the grammar's keywords, prefixes are CIDR strings.
 * Optional rule matches (proto, icmp_type, ...) are present only when
 * they are set.
 */
#include <arpa/inet.h>
#include <string.h>
#include "text.h"

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *ju64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static struct json_object *jprefix(const struct strata_prefix *p)
{
	char a[INET6_ADDRSTRLEN], buf[STRATA_FMT_LEN];

	if (!inet_ntop(p->family == STRATA_FAMILY_IPV6 ? AF_INET6 : AF_INET,
		       p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, sizeof(buf), "%s/%u", a, p->prefix_len);
	return jstr(buf);
}

static struct json_object *jprefixes(const struct strata_prefix *p, uint32_t n)
{
	struct json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, jprefix(&p[i]));
	return a;
}

static struct json_object *jids(const uint32_t *v, uint32_t n)
{
	struct json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, ju64(v[i]));
	return a;
}

static struct json_object *jports(const struct strata_port_range *r, uint32_t n)
{
	struct json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();

		add(o, "first", ju64(r[i].lo));
		add(o, "last", ju64(r[i].hi));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *jent(const struct sc_ent *e)
{
	struct json_object *o = json_object_new_object();

	add(o, "nets", jprefixes(e->nets, e->n_nets));
	add(o, "not_nets", jprefixes(e->not_nets, e->n_not_nets));
	add(o, "sets", jids(e->sets, e->n_sets));
	add(o, "not_sets", jids(e->not_sets, e->n_not_sets));
	add(o, "ports", jports(e->ports, e->n_ports));
	add(o, "not_ports", jports(e->not_ports, e->n_not_ports));
	add(o, "port_sets", jids(e->psets, e->n_psets));
	add(o, "not_port_sets", jids(e->not_psets, e->n_not_psets));
	return o;
}

/**
 * strata_json_rule() - a rule
 * @r: the rule
 *
 * Return: {"action", "ip_version", ["proto", "not_proto", "icmp_type",
 * "icmp_code", "not_icmp_type", "not_icmp_code",] "src", "dst", "cookie"}.
 */
struct json_object *strata_json_rule(const struct sc_rule *r)
{
	struct json_object *o = json_object_new_object();

	add(o, "action", jstr(strata_action_name(r->action)));
	add(o, "ip_version", ju64(r->ip_version));
	if (r->present & STRATA_IMG_RULE_F_PROTO)
		add(o, "proto", ju64(r->proto));
	if (r->present & STRATA_IMG_RULE_F_NOT_PROTO)
		add(o, "not_proto", ju64(r->not_proto));
	if (r->present & STRATA_IMG_RULE_F_ICMP_TYPE)
		add(o, "icmp_type", ju64(r->icmp_type));
	if (r->present & STRATA_IMG_RULE_F_ICMP_CODE)
		add(o, "icmp_code", ju64(r->icmp_code));
	if (r->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE)
		add(o, "not_icmp_type", ju64(r->not_icmp_type));
	if (r->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE)
		add(o, "not_icmp_code", ju64(r->not_icmp_code));
	add(o, "src", jent(&r->src));
	add(o, "dst", jent(&r->dst));
	add(o, "cookie", ju64(r->cookie));
	return o;
}

/**
 * strata_json_tier() - a tier: {"id", "name", "default"}
 * @t: the tier
 *
 * Return: the object.
 */
struct json_object *strata_json_tier(const struct sc_tier *t)
{
	struct json_object *o = json_object_new_object();

	add(o, "id", ju64(t->id));
	add(o, "name", jstr(t->name));
	add(o, "default", jstr(strata_action_name(t->default_action)));
	return o;
}

/**
 * strata_json_policy() - a policy: {"id", "name", "ingress", "egress"}
 * @p: the policy
 *
 * Return: the object; the directions are arrays of rules.
 */
struct json_object *strata_json_policy(const struct sc_policy *p)
{
	struct json_object *o = json_object_new_object();
	unsigned int d;
	uint32_t i;

	add(o, "id", ju64(p->id));
	add(o, "name", jstr(p->name));
	for (d = 0; d < SC_NDIRS; d++) {
		struct json_object *a = json_object_new_array();

		for (i = 0; i < p->n_rules[d]; i++)
			json_object_array_add(
				a, strata_json_rule(&p->rules[d][i]));
		add(o, d ? "egress" : "ingress", a);
	}
	return o;
}

/**
 * strata_json_member() - one member
 * @family: the set's family
 * @kind: the set's kind
 * @m: the member
 *
 * Return: an address string (addr sets), a CIDR string (net sets), or
 * {"addr", "proto", "port"} (addr-port sets).
 */
struct json_object *strata_json_member(uint8_t family, uint8_t kind,
				       const struct strata_member *m)
{
	struct strata_prefix p = { .family = family,
				   .prefix_len = m->prefix_len };
	char a[INET6_ADDRSTRLEN];
	struct json_object *o;

	memcpy(p.addr, m->addr, sizeof(p.addr));
	if (kind == STRATA_IPSET_NET)
		return jprefix(&p);
	if (!inet_ntop(family == STRATA_FAMILY_IPV6 ? AF_INET6 : AF_INET,
		       m->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (kind != STRATA_IPSET_ADDR_PORT)
		return jstr(a);
	o = json_object_new_object();
	add(o, "addr", jstr(a));
	add(o, "proto", ju64(m->proto));
	add(o, "port", ju64(m->port));
	return o;
}

/**
 * strata_json_ipset() - an IP set: {"id", "name", "family", "kind",
 * "count"[, "members"]}
 * @s: the set
 * @count: its number of members
 * @with_members: add "members" (an array, possibly empty)
 * @m: the members
 * @n: how many
 *
 * Return: the object.
 */
struct json_object *strata_json_ipset(const struct sc_ipset *s, uint32_t count,
				      bool with_members,
				      const struct strata_member *m, uint32_t n)
{
	struct json_object *o = json_object_new_object(), *a;
	uint32_t i;

	add(o, "id", ju64(s->id));
	add(o, "name", jstr(s->name));
	add(o, "family", ju64(s->family));
	add(o, "kind", jstr(strata_ipset_kind_name(s->kind)));
	add(o, "count", ju64(count));
	if (!with_members)
		return o;
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(a, strata_json_member(s->family, s->kind,
							    &m[i]));
	add(o, "members", a);
	return o;
}

/**
 * strata_json_endpoint() - an endpoint
 * @e: the endpoint
 *
 * Return: {"id", "name", "kind", "iface", "addrs", "spoof", "mark",
 * "no_match", "profiles", "lists": {"ingress": [{"tier", "policies"}],
 * "egress", "untracked_ingress", "untracked_egress", "prednat_ingress",
 * "forward_ingress", "forward_egress"}}.
 */
struct json_object *strata_json_endpoint(const struct sc_endpoint *e)
{
	static const char *const keys[__STRATA_LIST_MAX] = {
		"ingress",	    "egress",	       "untracked_ingress",
		"untracked_egress", "prednat_ingress", "forward_ingress",
		"forward_egress",
	};
	struct json_object *o = json_object_new_object(), *lists;
	unsigned int l;
	uint32_t i;

	add(o, "id", ju64(e->id));
	add(o, "name", jstr(e->name));
	add(o, "kind", jstr(e->kind == STRATA_EP_HOST ? "host" : "workload"));
	add(o, "iface", jstr(e->ifname));
	add(o, "addrs", jprefixes(e->addrs, e->n_addrs));
	add(o, "spoof", jprefixes(e->spoof, e->n_spoof));
	add(o, "mark", ju64(e->mark));
	add(o, "no_match", jstr(strata_action_name(e->no_match)));
	add(o, "profiles", jids(e->profiles, e->n_profiles));
	lists = json_object_new_object();
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		struct json_object *a = json_object_new_array();

		for (i = 0; i < e->lists[l].n; i++) {
			const struct sc_tierref *r = &e->lists[l].refs[i];
			struct json_object *t = json_object_new_object();

			add(t, "tier", ju64(r->tier));
			add(t, "policies", jids(r->policies, r->n_policies));
			json_object_array_add(a, t);
		}
		add(lists, keys[l], a);
	}
	add(o, "lists", lists);
	return o;
}

static struct json_object *jfailsafes(const struct strata_failsafe *f,
				      uint32_t n)
{
	struct json_object *a = json_object_new_array();
	uint32_t i;

	for (i = 0; i < n && i < SC_MAX_FAILSAFE; i++) {
		struct json_object *o = json_object_new_object();

		add(o, "proto", ju64(f[i].proto));
		add(o, "port", ju64(f[i].port));
		add(o, "net", f[i].net.family ? jprefix(&f[i].net) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

/**
 * strata_json_settings() - every setting, under its keyword with '_' for
 * '-' ("mark_mask", "failsafe_in": [{"proto", "port", "net"}], ...)
 * @s: the settings
 *
 * Return: the object.
 */
struct json_object *strata_json_settings(const struct sc_settings *s)
{
	struct json_object *o = json_object_new_object(), *a;
	size_t i;
	uint16_t j;

	for (i = 0; i < strata_n_skeys; i++) {
		const struct strata_skey *k = &strata_skeys[i];
		const char *field = (const char *)s + k->off;
		uint32_t v32;
		uint16_t v16;

		switch (k->type) {
		case SKEY_U32:
		case SKEY_MARK:
			memcpy(&v32, field, sizeof(v32));
			add(o, k->json, ju64(v32));
			break;
		case SKEY_U16:
			memcpy(&v16, field, sizeof(v16));
			add(o, k->json, ju64(v16));
			break;
		case SKEY_BOOL:
			add(o, k->json, json_object_new_boolean(*field != 0));
			break;
		case SKEY_WL_TO_HOST:
			add(o, k->json,
			    jstr(strata_wl_to_host_name((uint8_t)*field)));
			break;
		case SKEY_FAILSAFE_IN:
			add(o, k->json,
			    jfailsafes(s->failsafe_in, s->n_failsafe_in));
			break;
		case SKEY_FAILSAFE_OUT:
			add(o, k->json,
			    jfailsafes(s->failsafe_out, s->n_failsafe_out));
			break;
		case SKEY_WL_PREFIXES:
			a = json_object_new_array();
			for (j = 0;
			     j < s->n_wl_prefixes && j < STRATA_MAX_WL_PREFIXES;
			     j++)
				json_object_array_add(
					a, json_object_new_string_len(
						   s->wl_prefixes[j],
						   (int)strnlen(
							   s->wl_prefixes[j],
							   STRATA_IFNAME_LEN)));
			add(o, k->json, a);
			break;
		}
	}
	return o;
}

/**
 * strata_json_stats() - the statistics: {"generation", "tiers",
 * "policies", "rules", "ipsets", "members", "endpoints", "programs",
 * "classes", "mem_bytes", "tx_open", "packets", "evaluations",
 * "flow_events", "flow_events_lost", "log_lines", "log_lines_lost",
 * "ct_flushed", "reasons": {"none": N, "policy": N, ...}}
 * @st: the statistics
 *
 * Return: the object.
 */
struct json_object *strata_json_stats(const struct strata_stats *st)
{
	struct json_object *o = json_object_new_object(), *r;
	const struct strata_ioc_stats *s = &st->obj;
	unsigned int i;

	add(o, "generation", ju64(s->generation));
	add(o, "tiers", ju64(s->tiers));
	add(o, "policies", ju64(s->policies));
	add(o, "rules", ju64(s->rules));
	add(o, "ipsets", ju64(s->ipsets));
	add(o, "members", ju64(s->members));
	add(o, "endpoints", ju64(s->endpoints));
	add(o, "programs", ju64(s->programs));
	add(o, "classes", ju64(s->classes));
	add(o, "mem_bytes", ju64(s->mem_bytes));
	add(o, "tx_open", json_object_new_boolean(s->tx_open));
	add(o, "packets", ju64(st->packets));
	add(o, "evaluations", ju64(st->evaluations));
	add(o, "flow_events", ju64(st->flow_events));
	add(o, "flow_events_lost", ju64(st->flow_events_lost));
	add(o, "log_lines", ju64(st->log_lines));
	add(o, "log_lines_lost", ju64(st->log_lines_lost));
	add(o, "ct_flushed", ju64(st->ct_flushed));
	r = json_object_new_object();
	for (i = 0; i < __STRATA_REASON_MAX; i++)
		add(r, strata_reason_name(i), ju64(st->reasons[i]));
	add(o, "reasons", r);
	return o;
}

/* @key: the name of @id, when @fn knows it */
static void add_name(struct json_object *o, const char *key, uint8_t kind,
		     uint32_t id, strata_name_fn fn, void *arg)
{
	const char *name = strata_name_of(fn, arg, kind, id);

	if (name)
		add(o, key, jstr(name));
}

/**
 * strata_json_counter() - a counter: {"kind", "id", "list", "index",
 * "flows", "packets", "bytes"}
 * @c: the counter
 *
 * strata_json_counter_names() with no resolver.
 *
 * Return: the object.
 */
struct json_object *strata_json_counter(const struct strata_counter *c)
{
	return strata_json_counter_names(c, NULL, NULL);
}

/**
 * strata_json_counter_names() - a counter: {"kind", "id", ["name",]
 * "list", "index", "flows", "packets", "bytes"}
 * @c: the counter
 * @fn: name resolver (may be NULL)
 * @arg: its argument
 *
 * "kind" is "rule", "tier-default", "profile-end" or "no-match"; "id" is
 * the policy's (rule, profile-end), tier's (tier-default) or endpoint's
 * (no-match); "name" is that object's name, present only when @fn knows
 * it. "list" is "ingress"/"egress" for rules and profile ends, an
 * endpoint list name ("ingress", "untracked_ingress", ...) otherwise;
 * "index" is the rule's (0 for other kinds).
 *
 * Return: the object.
 */
struct json_object *strata_json_counter_names(const struct strata_counter *c,
					      strata_name_fn fn, void *arg)
{
	static const char *const lists[__STRATA_LIST_MAX] = {
		"ingress",	    "egress",	       "untracked_ingress",
		"untracked_egress", "prednat_ingress", "forward_ingress",
		"forward_egress",
	};
	struct json_object *o = json_object_new_object();
	const char *list = "unknown";

	if (c->kind == STRATA_CTR_RULE || c->kind == STRATA_CTR_PROFILE_END)
		list = c->list ? "egress" : "ingress";
	else if (c->list < __STRATA_LIST_MAX)
		list = lists[c->list];
	add(o, "kind", jstr(strata_counter_kind_name(c->kind)));
	add(o, "id", ju64(c->id));
	add_name(o, "name", strata_counter_obj(c->kind), c->id, fn, arg);
	add(o, "list", jstr(list));
	add(o, "index", ju64(c->index));
	add(o, "flows", ju64(c->flows));
	add(o, "packets", ju64(c->packets));
	add(o, "bytes", ju64(c->bytes));
	return o;
}

static struct json_object *jaddr(uint8_t family, const uint8_t *addr)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == STRATA_FAMILY_IPV6 ? AF_INET6 : AF_INET, addr,
		       a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	return jstr(a);
}

/**
 * strata_json_event() - an event, with ids only
 * @ev: the event
 *
 * strata_json_event_names() with no resolver.
 *
 * Return: the object.
 */
struct json_object *strata_json_event(const struct strata_event *ev)
{
	return strata_json_event_names(ev, NULL, NULL);
}

/**
 * strata_json_event_names() - an event: {"event": "commit", "generation"},
 * {"event": "lost"}, or {"event": "flow", "generation", "timestamp",
 * "family", "proto", "saddr", "daddr", ["sport", "dport",] ["icmp_type",
 * "icmp_code",] "iif", "oif", "ep_in", ["ep_in_name",] "ep_out",
 * ["ep_out_name",] "hook", "verdict", "reason", "len", "mark", "logged",
 * "steps": [{"endpoint", ["endpoint_name",] "list", "action", "kind",
 * "tier", ["tier_name",] "policy", ["policy_name",] "rule", "cookie",
 * "passes", "logs": [{"tier", ["tier_name",] "policy", ["policy_name",]
 * "rule"}]}]}
 * @ev: the event
 * @fn: name resolver (may be NULL: no name fields)
 * @arg: its argument
 *
 * Each "..._name" field is the name of the object whose id the field
 * before it holds, present only when that id is not 0 and @fn knows it.
 *
 * Return: the object.
 */
struct json_object *strata_json_event_names(const struct strata_event *ev,
					    strata_name_fn fn, void *arg)
{
	static const char *const lists[__STRATA_LIST_MAX] = {
		"ingress",	    "egress",	       "untracked_ingress",
		"untracked_egress", "prednat_ingress", "forward_ingress",
		"forward_egress",
	};
	const struct strata_flow *f = &ev->flow;
	struct json_object *o = json_object_new_object(), *steps;
	uint32_t i, j;

	if (ev->type == STRATA_EVENT_LOST) {
		add(o, "event", jstr("lost"));
		return o;
	}
	add(o, "event",
	    jstr(ev->type == STRATA_EVENT_COMMIT ? "commit" : "flow"));
	add(o, "generation", ju64(ev->generation));
	if (ev->type != STRATA_EVENT_FLOW)
		return o;
	add(o, "timestamp", ju64(f->timestamp));
	add(o, "family", ju64(f->family));
	add(o, "proto", ju64(f->proto));
	add(o, "saddr", jaddr(f->family, f->saddr));
	add(o, "daddr", jaddr(f->family, f->daddr));
	if (f->has_ports) {
		add(o, "sport", ju64(f->sport));
		add(o, "dport", ju64(f->dport));
	}
	if (f->has_icmp) {
		add(o, "icmp_type", ju64(f->icmp_type));
		add(o, "icmp_code", ju64(f->icmp_code));
	}
	add(o, "iif", jstr(f->iif));
	add(o, "oif", jstr(f->oif));
	add(o, "ep_in", ju64(f->ep_in));
	add_name(o, "ep_in_name", STRATA_ERR_OBJ_ENDPOINT, f->ep_in, fn, arg);
	add(o, "ep_out", ju64(f->ep_out));
	add_name(o, "ep_out_name", STRATA_ERR_OBJ_ENDPOINT, f->ep_out, fn, arg);
	add(o, "hook", jstr(strata_hook_name(f->hook)));
	add(o, "verdict", jstr(strata_verdict_name(f->verdict)));
	add(o, "reason", jstr(strata_reason_name(f->reason)));
	add(o, "len", ju64(f->len));
	add(o, "mark", ju64(f->mark));
	add(o, "logged", json_object_new_boolean(f->logged));
	steps = json_object_new_array();
	for (i = 0; i < f->n_steps; i++) {
		const struct strata_flow_step *st = &f->steps[i];
		struct json_object *s = json_object_new_object(), *logs;

		add(s, "endpoint", ju64(st->endpoint));
		add_name(s, "endpoint_name", STRATA_ERR_OBJ_ENDPOINT,
			 st->endpoint, fn, arg);
		add(s, "list",
		    jstr(st->list < __STRATA_LIST_MAX ? lists[st->list]
						      : "unknown"));
		add(s, "action",
		    jstr(st->action ? strata_action_name(st->action) : "none"));
		add(s, "kind",
		    jstr(st->kind ? strata_counter_kind_name(st->kind)
				  : "none"));
		add(s, "tier", ju64(st->tier));
		add_name(s, "tier_name", STRATA_ERR_OBJ_TIER, st->tier, fn,
			 arg);
		add(s, "policy", ju64(st->policy));
		add_name(s, "policy_name", STRATA_ERR_OBJ_POLICY, st->policy,
			 fn, arg);
		add(s, "rule", ju64(st->rule));
		add(s, "cookie", ju64(st->cookie));
		add(s, "passes", ju64(st->passes));
		logs = json_object_new_array();
		for (j = 0; j < st->n_logs; j++) {
			const struct strata_flow_log *lg = &st->logs[j];
			struct json_object *l = json_object_new_object();

			add(l, "tier", ju64(lg->tier));
			add_name(l, "tier_name", STRATA_ERR_OBJ_TIER, lg->tier,
				 fn, arg);
			add(l, "policy", ju64(lg->policy));
			add_name(l, "policy_name", STRATA_ERR_OBJ_POLICY,
				 lg->policy, fn, arg);
			add(l, "rule", ju64(lg->rule));
			json_object_array_add(logs, l);
		}
		add(s, "logs", logs);
		json_object_array_add(steps, s);
	}
	add(o, "steps", steps);
	return o;
}
