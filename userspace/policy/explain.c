// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain: a packet's path through the nodes it crosses, each hook
 * decided by the engine's own sc_decide(), and the decisions read back
 * into tiers, policies, rules and their manifest positions (explain.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "explain.h"
#include "state.h"
#include "runtime.h"
#include "prog.h"

/* --- the path --------------------------------------------------------- */

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* How node @node sees end @e. */
static uint8_t seen_as(const struct xp_end *e, const char *node)
{
	if (e->role != XP_OUTSIDE && same(e->node, node))
		return e->role;
	return XP_OUTSIDE;
}

static void add_node(const char **nodes, size_t *n, const char *node)
{
	size_t i;

	if (!node)
		return;
	for (i = 0; i < *n; i++)
		if (!strcmp(nodes[i], node))
			return;
	nodes[(*n)++] = node;
}

int xp_plan(const struct xp_plan_in *in, struct xp_leg *legs, char *why,
	    size_t len)
{
	const char *natural[XP_MAX_LEGS], *nodes[XP_MAX_LEGS], *dnat_at;
	size_t nn = 0, n = 0, i;

	if (in->src->role != XP_OUTSIDE)
		add_node(natural, &nn, in->src->node);
	if (in->has_orig)
		add_node(natural, &nn, in->orig_node);
	if (in->dst->role != XP_OUTSIDE)
		add_node(natural, &nn, in->dst->node);
	if (in->node)
		nodes[n++] = in->node;
	else
		for (i = 0; i < nn; i++)
			nodes[n++] = natural[i];
	if (!n) {
		snprintf(
			why, len,
			"neither end is a workload or host of a known node: give --node");
		return -EINVAL;
	}
	/* destination NAT happens where the packet meets the first node */
	dnat_at = nn ? natural[0] : in->node;
	for (i = 0; i < n; i++) {
		struct xp_leg *l = &legs[i];
		const char *node = nodes[i];

		memset(l, 0, sizeof(*l));
		l->node = node;
		l->src = seen_as(in->src, node);
		l->dst = seen_as(in->dst, node);
		l->dnat = in->has_orig && same(node, dnat_at);
		if (l->src == XP_HOST && l->dst == XP_HOST) {
			l->iif = "lo";
			l->oif = "lo";
			continue;
		}
		switch (l->src) {
		case XP_WORKLOAD:
			l->iif = in->src->iface;
			break;
		case XP_HOST:
			l->iif = NULL;
			break;
		default:
			l->iif = in->iif ? in->iif
				 : l->dst == XP_HOST && in->dst->iface
					 ? in->dst->iface
					 : in->uplink(in->arg, node);
		}
		switch (l->dst) {
		case XP_WORKLOAD:
			l->oif = in->dst->iface;
			break;
		case XP_HOST:
			l->oif = NULL;
			break;
		default:
			l->oif = in->oif ? in->oif
				 : l->src == XP_HOST && in->src->iface
					 ? in->src->iface
					 : in->uplink(in->arg, node);
		}
	}
	return (int)n;
}

#define HOOK(h, i, o, d)           \
	do {                       \
		out[n].hook = (h); \
		out[n].iif = (i);  \
		out[n].oif = (o);  \
		out[n].orig = (d); \
		n++;               \
	} while (0)

size_t xp_hooks(const struct xp_leg *leg, struct xp_hook *out)
{
	size_t n = 0;

	if (leg->src == XP_HOST) {
		/* locally generated: DNAT (nat OUTPUT, -100) lies between */
		HOOK(SC_HOOK_RAW_OUT, NULL, leg->oif, leg->dnat);
		HOOK(SC_HOOK_OUTPUT, NULL, leg->oif, false);
		if (leg->dst != XP_HOST)
			return n;
		/* to the host itself: back in over lo, already translated */
		HOOK(SC_HOOK_RAW_PRE, leg->iif, NULL, false);
		HOOK(SC_HOOK_PREDNAT, leg->iif, NULL, false);
		HOOK(SC_HOOK_PRE, leg->iif, NULL, false);
		HOOK(SC_HOOK_INPUT, leg->iif, NULL, false);
		return n;
	}
	/* received: raw and mangle PREROUTING come before DNAT (-100) */
	HOOK(SC_HOOK_RAW_PRE, leg->iif, NULL, leg->dnat);
	HOOK(SC_HOOK_PREDNAT, leg->iif, NULL, leg->dnat);
	HOOK(SC_HOOK_PRE, leg->iif, NULL, false);
	if (leg->dst == XP_HOST)
		HOOK(SC_HOOK_INPUT, leg->iif, NULL, false);
	else
		HOOK(SC_HOOK_FORWARD, leg->iif, leg->oif, false);
	return n;
}

#undef HOOK

/* --- names -------------------------------------------------------------- */

const char *xp_role_name(uint8_t role)
{
	switch (role) {
	case XP_WORKLOAD:
		return "workload";
	case XP_HOST:
		return "host";
	default:
		return "outside";
	}
}

const char *xp_ct_name(uint8_t ct)
{
	static const char *const names[] = {
		[SC_CT_NEW] = "new",
		[SC_CT_ESTABLISHED] = "established",
		[SC_CT_RELATED] = "related",
		[SC_CT_INVALID] = "invalid",
		[SC_CT_UNTRACKED] = "untracked",
	};

	return ct < sizeof(names) / sizeof(names[0]) ? names[ct] : "unknown";
}

static const char *act_name(uint8_t a)
{
	return a == SC_ACT_CONTINUE ? "continue" : strata_action_name(a);
}

/* JSON keys use underscores ("untracked_ingress"). */
static const char *list_key(uint8_t list)
{
	static const char *const names[__STRATA_LIST_MAX] = {
		[STRATA_LIST_INGRESS] = "ingress",
		[STRATA_LIST_EGRESS] = "egress",
		[STRATA_LIST_UNTRACKED_INGRESS] = "untracked_ingress",
		[STRATA_LIST_UNTRACKED_EGRESS] = "untracked_egress",
		[STRATA_LIST_PREDNAT_INGRESS] = "prednat_ingress",
		[STRATA_LIST_FORWARD_INGRESS] = "forward_ingress",
		[STRATA_LIST_FORWARD_EGRESS] = "forward_egress",
	};

	return list < __STRATA_LIST_MAX ? names[list] : "unknown";
}

/* The direction of policy rules a list evaluates. */
static uint8_t list_dir(uint8_t list)
{
	switch (list) {
	case STRATA_LIST_EGRESS:
	case STRATA_LIST_UNTRACKED_EGRESS:
	case STRATA_LIST_FORWARD_EGRESS:
		return SC_EGRESS;
	default:
		return SC_INGRESS;
	}
}

static void jstr(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v ? json_object_new_string(v) : NULL);
}

static void jint(struct json_object *o, const char *key, int64_t v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static void jbool(struct json_object *o, const char *key, bool v)
{
	json_object_object_add(o, key, json_object_new_boolean(v));
}

/* What a kernel name says without a compiler: compile's naming scheme
 * (cmp.h, DOC: Kernel identity), or nothing for names it did not make. */
static void kname_parse(struct json_object *o, uint8_t kind, const char *kname)
{
	static const struct {
		uint8_t kind;
		const char *prefix, *res;
		bool ns;
	} pfx[] = {
		{ SC_OBJ_TIER, "tier:", "Tier", false },
		{ SC_OBJ_POLICY, "gnp:", "GlobalNetworkPolicy", false },
		{ SC_OBJ_POLICY, "np:", "NetworkPolicy", true },
		{ SC_OBJ_POLICY, "pro:", "Profile", false },
		{ SC_OBJ_ENDPOINT, "pod:", "WorkloadEndpoint", true },
		{ SC_OBJ_ENDPOINT, "wep:", "WorkloadEndpoint", true },
		{ SC_OBJ_ENDPOINT, "hep:", "HostEndpoint", false },
	};
	size_t i, l;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		const char *rest, *slash;
		char ns[STRATA_NAME_LEN];

		l = strlen(pfx[i].prefix);
		if (pfx[i].kind != kind || strncmp(kname, pfx[i].prefix, l))
			continue;
		rest = kname + l;
		/* a long name ends in "~" and a hash: not the resource's */
		if (!*rest || strchr(rest, '~'))
			return;
		slash = strchr(rest, '/');
		if (pfx[i].ns != !!slash)
			return;
		jstr(o, "kind", pfx[i].res);
		if (slash) {
			snprintf(ns, sizeof(ns), "%.*s", (int)(slash - rest),
				 rest);
			jstr(o, "namespace", ns);
			rest = slash + 1;
		}
		/* a pod's endpoint is named after the pod, not the WEP */
		jstr(o, strcmp(pfx[i].prefix, "pod:") ? "name" : "pod", rest);
		return;
	}
}

struct json_object *xp_object_json(const struct cmp *names, uint8_t kind,
				   const char *kname)
{
	struct json_object *o = json_object_new_object();
	struct cmp_obj_info in;

	jstr(o, "kernel_name", kname);
	if (!names || cmp_lookup(names, kind, 0, kname, &in)) {
		kname_parse(o, kind, kname);
		return o;
	}
	if (in.res_kind >= 0)
		jstr(o, "kind", res_kind_name(in.res_kind));
	else if (in.src == CMP_SRC_TIER)
		jstr(o, "kind", "Tier");
	else if (in.src == CMP_SRC_MISSING_PROFILE)
		jstr(o, "kind", "Profile");
	if (in.ns && *in.ns)
		jstr(o, "namespace", in.ns);
	if (in.res_name)
		jstr(o, "name", in.res_name);
	if (in.src == CMP_SRC_ENDPOINT && !strncmp(kname, "pod:", 4) &&
	    strchr(kname, '/') && !strchr(kname, '~'))
		jstr(o, "pod", strchr(kname, '/') + 1);
	if (in.res_kind < 0)
		jbool(o, "defined", false);
	if (in.file)
		jstr(o, "file", in.file);
	if (in.line)
		jint(o, "line", in.line);
	if (in.staged)
		jbool(o, "staged", true);
	return o;
}

/*
 * Rule @ri of direction @dir of kernel policy @pol: its index in the
 * resource and position in the manifest when known.
 */
static void rule_origin(const struct xp_state *x, const struct sc_policy *pol,
			uint8_t dir, uint32_t ri, struct json_object *o)
{
	const struct sc_rule *r = &pol->rules[dir][ri];
	struct cmp_rule_info info;
	struct cmp_obj_info pin;
	int ret = -ENOENT;

	jint(o, "kernel_rule", ri);
	if (x->names && !x->by_cookie) {
		ret = cmp_rule_origin(x->names, pol->id, dir, ri, NULL, &info);
	} else if (x->names && r->cookie) {
		ret = cmp_cookie_origin(x->names, r->cookie, &pin, &info);
		if (!ret && strcmp(pin.name, pol->name))
			ret = -ENOENT;
	}
	if (!ret) {
		jint(o, "rule", info.synthetic ? -1 : (int64_t)info.index);
		if (info.synthetic)
			jbool(o, "synthetic", true);
		if (info.file)
			jstr(o, "file", info.file);
		if (info.line)
			jint(o, "line", info.line);
		return;
	}
	/* no compiler: a cookie compile made names the resource's index */
	if (r->cookie &&
	    cmp_cookie_hash(r->cookie) ==
		    cmp_cookie_hash(cmp_cookie(pol->name, 0, 0)) &&
	    cmp_cookie_dir(r->cookie) == dir) {
		if (cmp_cookie_index(r->cookie) == CMP_COOKIE_SYNTHETIC) {
			jint(o, "rule", -1);
			jbool(o, "synthetic", true);
		} else {
			jint(o, "rule", cmp_cookie_index(r->cookie));
		}
		return;
	}
	jint(o, "rule", ri);
}

/* --- reading one step --------------------------------------------------- */

/* Per segment of a program: the rule that ends it (tier end, profile
 * end, no-match), found by scanning the flat rules once. */
struct segs {
	uint32_t n;
	uint32_t *end;
};

static void segs_build(const struct sc_prog *p, struct segs *s)
{
	uint32_t nr = sc_prog_nrules(p), i;

	s->n = 0;
	for (i = 0; i < nr; i++)
		if (sc_prog_rule(p, i)->seg + 1U > s->n)
			s->n = sc_prog_rule(p, i)->seg + 1U;
	s->end = calloc(s->n ? s->n : 1, sizeof(*s->end));
	if (!s->end)
		abort();
	for (i = 0; i < nr; i++) {
		const struct sc_prule *r = sc_prog_rule(p, i);

		if (r->origin != SC_ORIG_RULE)
			s->end[r->seg] = i;
	}
}

/* The flat rule that ended segment @seg: a recorded pass, or the verdict. */
static bool seg_exit(const struct sc_prog *p, const struct sc_eval *ev,
		     uint32_t seg, uint32_t *rule)
{
	uint32_t i;

	if (sc_prog_rule(p, ev->rule)->seg == seg) {
		*rule = ev->rule;
		return true;
	}
	for (i = 0; i < ev->n_passes; i++)
		if (sc_prog_rule(p, ev->passes[i])->seg == seg) {
			*rule = ev->passes[i];
			return true;
		}
	return false;
}

/* The policies of one segment as JSON, with what each did. */
static struct json_object *
seg_policies(const struct xp_state *x, const struct sc_prog *p,
	     const struct sc_eval *ev, uint8_t dir, const uint32_t *ids,
	     uint32_t n, const struct sc_prule *exit_rule, bool reached)
{
	struct json_object *arr = json_object_new_array();
	bool after = false;
	uint32_t j, k;

	for (j = 0; j < n; j++) {
		const struct sc_policy *pol =
			sc_state_find_policy(x->st, ids[j], NULL);
		struct json_object *o, *logs = NULL;

		if (!pol)
			continue;
		o = xp_object_json(x->names, SC_OBJ_POLICY, pol->name);
		if (!reached || after) {
			jstr(o, "outcome", "not-reached");
		} else if (exit_rule && exit_rule->origin == SC_ORIG_RULE &&
			   exit_rule->policy->id == pol->id) {
			jstr(o, "outcome", act_name(exit_rule->action));
			rule_origin(x, pol, dir, exit_rule->rule, o);
			after = true;
		} else {
			jstr(o, "outcome", "no-match");
		}
		/* log rules of this policy that matched on the way */
		for (k = 0; reached && k < ev->n_logs; k++) {
			const struct sc_prule *lr =
				sc_prog_rule(p, ev->logs[k]);
			struct json_object *l;

			if (lr->origin != SC_ORIG_RULE ||
			    lr->policy->id != pol->id)
				continue;
			if (!logs)
				logs = json_object_new_array();
			l = json_object_new_object();
			rule_origin(x, pol, dir, lr->rule, l);
			json_object_array_add(logs, l);
		}
		if (logs)
			json_object_object_add(o, "logs", logs);
		json_object_array_add(arr, o);
	}
	return arr;
}

struct json_object *xp_step_json(const struct xp_state *x,
				 const struct sc_step *st)
{
	const struct sc_endpoint *ep = st->ep->ep;
	const struct sc_eplist *l = &ep->lists[st->list];
	const struct sc_prog *p = st->prog;
	const struct sc_eval *ev = &st->ev;
	const struct sc_prule *dr = sc_prog_rule(p, ev->rule), *xr;
	uint8_t dir = list_dir(st->list);
	struct json_object *o = json_object_new_object(), *tiers, *profs, *by;
	uint32_t dseg = dr->seg, s, rule;
	struct segs sg;

	segs_build(p, &sg);
	json_object_object_add(o, "endpoint",
			       xp_object_json(x->names, SC_OBJ_ENDPOINT,
					      ep->name));
	jstr(o, "list", list_key(st->list));
	jstr(o, "action", act_name(ev->action));

	tiers = json_object_new_array();
	for (s = 0; s < l->n && s < sg.n; s++) {
		const struct sc_prule *end = sc_prog_rule(p, sg.end[s]);
		const struct sc_tier *t = end->tier;
		bool reached = s <= dseg, known = seg_exit(p, ev, s, &rule);
		struct json_object *to;

		if (!t)
			continue;
		xr = known ? sc_prog_rule(p, rule) : NULL;
		to = xp_object_json(x->names, SC_OBJ_TIER, t->name);
		jstr(to, "default", act_name(end->action));
		if (!reached)
			jstr(to, "outcome", "not-reached");
		else if (!xr)
			jstr(to, "outcome", "pass"); /* beyond the record */
		else if (xr->origin == SC_ORIG_TIER_END)
			jstr(to, "outcome", "default");
		else if (xr->action == STRATA_ACT_PASS)
			jstr(to, "outcome", "pass");
		else
			jstr(to, "outcome", "decided");
		if (reached)
			jstr(to, "action", xr ? act_name(xr->action) : "pass");
		json_object_object_add(
			to, "policies",
			seg_policies(x, p, ev, dir, l->refs[s].policies,
				     reached ? l->refs[s].n_policies : 0, xr,
				     reached));
		json_object_array_add(tiers, to);
	}
	json_object_object_add(o, "tiers", tiers);

	profs = json_object_new_array();
	for (s = l->n; s < sg.n; s++) {
		const struct sc_prule *end = sc_prog_rule(p, sg.end[s]);
		bool reached = s <= dseg, known = seg_exit(p, ev, s, &rule);
		struct json_object *po, *one;
		uint32_t id;

		if (end->origin != SC_ORIG_PROFILE_END)
			continue;
		id = end->policy->id;
		xr = known ? sc_prog_rule(p, rule) : NULL;
		one = seg_policies(x, p, ev, dir, &id, 1, xr, reached);
		po = json_object_get(json_object_array_get_idx(one, 0));
		json_object_put(one);
		if (!po)
			continue;
		/* a profile that decided nothing ends in a pass */
		if (reached && xr && xr->origin == SC_ORIG_PROFILE_END)
			jstr(po, "outcome", "no-match");
		json_object_array_add(profs, po);
	}
	json_object_object_add(o, "profiles", profs);

	/* what decided */
	by = json_object_new_object();
	switch (dr->origin) {
	case SC_ORIG_RULE:
		jstr(by, "kind", "rule");
		json_object_object_add(by, "policy",
				       xp_object_json(x->names, SC_OBJ_POLICY,
						      dr->policy->name));
		if (dr->tier)
			json_object_object_add(by, "tier",
					       xp_object_json(x->names,
							      SC_OBJ_TIER,
							      dr->tier->name));
		rule_origin(x, dr->policy, dir, dr->rule, by);
		break;
	case SC_ORIG_TIER_END:
		jstr(by, "kind", "tier-default");
		json_object_object_add(by, "tier",
				       xp_object_json(x->names, SC_OBJ_TIER,
						      dr->tier->name));
		break;
	case SC_ORIG_PROFILE_END:
		jstr(by, "kind", "profile-end");
		break;
	default:
		jstr(by, "kind", "no-match");
		break;
	}
	jstr(by, "action", act_name(dr->action));
	json_object_object_add(o, "decided_by", by);
	if (ev->logs_dropped)
		jint(o, "logs_not_recorded", ev->logs_dropped);
	free(sg.end);
	return o;
}

/* --- running a leg -------------------------------------------------------- */

static bool is_wl_if(const struct sc_settings *s, const char *ifname)
{
	uint32_t i;

	if (!ifname)
		return false;
	for (i = 0; i < s->n_wl_prefixes; i++)
		if (!strncmp(ifname, s->wl_prefixes[i],
			     strnlen(s->wl_prefixes[i], STRATA_IFNAME_LEN)))
			return true;
	return false;
}

/* The host endpoint that applies to host interface @ifname, as decide.c
 * picks it (its own, else "*"; never lo or a workload's). */
static const struct sc_ep_rt *hep_of(const struct sc_runtime *rt,
				     const char *ifname)
{
	const struct sc_ep_rt *e;

	if (!ifname)
		return NULL;
	e = sc_runtime_ep(rt, ifname);
	if (e)
		return e->ep->kind == STRATA_EP_HOST ? e : NULL;
	if (is_wl_if(&rt->settings, ifname) || !strcmp(ifname, "lo"))
		return NULL;
	return rt->host_star;
}

static bool accepted_mark(const struct sc_settings *s, uint32_t mark)
{
	return s->mark_accept && (mark & s->mark_accept) == s->mark_accept;
}

static const char *wl_to_host_name(uint8_t a)
{
	switch (a) {
	case STRATA_WL_TO_HOST_ACCEPT:
		return "Accept";
	case STRATA_WL_TO_HOST_RETURN:
		return "Return";
	default:
		return "Drop";
	}
}

/*
 * Why a hook decided what it did, in words, when no program decided (or
 * none ran). Only for people: the verdict itself is sc_decide()'s.
 */
static void hook_why(const struct sc_runtime *rt, const struct sc_ctx *c,
		     const struct sc_verdict *v, char *buf, size_t len)
{
	const struct sc_settings *s = &rt->settings;
	const struct sc_ep_rt *h;
	const char *ifn;
	bool raw_in = c->hook == SC_HOOK_RAW_PRE;

	buf[0] = 0;
	switch (v->reason) {
	case SC_R_POLICY:
		if (v->code == SC_V_CONTINUE)
			snprintf(buf, len, "no policy decided");
		return;
	case SC_R_ESTABLISHED:
		snprintf(buf, len,
			 "an established connection: accepted without policy");
		return;
	case SC_R_CT_INVALID:
		snprintf(
			buf, len,
			"conntrack state invalid: dropped (DisableConntrackInvalidCheck is false)");
		return;
	case SC_R_UNKNOWN_IFACE:
		snprintf(
			buf, len,
			"%s has a workload prefix but no endpoint: dropped (fail closed)",
			c->hook == SC_HOOK_FORWARD &&
					!(c->iif && is_wl_if(s, c->iif) &&
					  !sc_runtime_ep(rt, c->iif))
				? c->oif
				: c->iif);
		return;
	case SC_R_NOT_COMMITTED:
		snprintf(
			buf, len,
			"nothing committed yet: workload interfaces fail closed");
		return;
	case SC_R_SPOOF:
		snprintf(
			buf, len,
			"the source is not one of the workload's addresses: dropped (anti-spoofing)");
		return;
	case SC_R_TUNNEL:
		snprintf(
			buf, len,
			"IP-in-IP or VXLAN from a workload: dropped (AllowIPIPPacketsFromWorkloads, AllowVXLANPacketsFromWorkloads)");
		return;
	case SC_R_FAILSAFE:
		snprintf(
			buf, len, "%s",
			v->code == SC_V_ACCEPT
				? "a failsafe port: allowed before policy"
				: "a failsafe port: host endpoint policy skipped");
		return;
	case SC_R_WL_TO_HOST:
		snprintf(
			buf, len,
			"from a workload to this host: DefaultEndpointToHostAction %s",
			wl_to_host_name(s->wl_to_host));
		return;
	case SC_R_HOST_TO_WL:
		snprintf(buf, len,
			 "from this host to its own workload: always allowed");
		return;
	case SC_R_ND:
		snprintf(
			buf, len,
			"IPv6 neighbour discovery or MLD: allowed under any policy");
		return;
	default:
		break;
	}
	if (v->code != SC_V_CONTINUE)
		return;
	ifn = raw_in || c->hook == SC_HOOK_PREDNAT ||
			      c->hook == SC_HOOK_INPUT || c->hook == SC_HOOK_PRE
		      ? c->iif
		      : c->oif;
	switch (c->hook) {
	case SC_HOOK_RAW_PRE:
	case SC_HOOK_RAW_OUT:
	case SC_HOOK_PREDNAT:
		if (is_wl_if(s, ifn) &&
		    !(sc_runtime_ep(rt, ifn) &&
		      sc_runtime_ep(rt, ifn)->ep->kind == STRATA_EP_HOST)) {
			snprintf(
				buf, len,
				"a workload's interface: no host endpoint policy");
			return;
		}
		h = hep_of(rt, ifn);
		if (!h) {
			snprintf(buf, len, "no host endpoint on %s",
				 ifn ? ifn : "-");
			return;
		}
		if (c->hook == SC_HOOK_PREDNAT) {
			if (c->ct == SC_CT_ESTABLISHED ||
			    c->ct == SC_CT_RELATED) {
				snprintf(
					buf, len,
					"an established connection: no pre-DNAT policy");
				return;
			}
			if (c->ct == SC_CT_UNTRACKED ||
			    accepted_mark(s, c->mark)) {
				snprintf(buf, len,
					 "already allowed by untracked policy");
				return;
			}
		}
		snprintf(buf, len, "host endpoint %s has no %s policy",
			 h->ep->name,
			 c->hook == SC_HOOK_PREDNAT ? "pre-DNAT"
			 : raw_in		    ? "untracked ingress"
						    : "untracked egress");
		return;
	case SC_HOOK_PRE:
		snprintf(buf, len, "not from a workload");
		return;
	case SC_HOOK_INPUT:
	case SC_HOOK_OUTPUT:
		h = hep_of(rt, ifn);
		if (!h)
			snprintf(
				buf, len,
				"no host endpoint on %s: host traffic there is not policed",
				ifn ? ifn : "-");
		else if (c->ct == SC_CT_UNTRACKED || accepted_mark(s, c->mark))
			snprintf(
				buf, len,
				"already allowed by untracked or pre-DNAT policy");
		return;
	case SC_HOOK_FORWARD:
		if (v->n_steps)
			snprintf(
				buf, len,
				"no forward policy decided: forwarded traffic is allowed");
		else if (hep_of(rt, c->iif) && accepted_mark(s, c->mark))
			snprintf(
				buf, len,
				"already allowed by pre-DNAT policy; no workload or forward policy");
		else
			snprintf(
				buf, len,
				"no workload and no host endpoint forward policy: allowed");
		return;
	}
}

static struct json_object *addr_json(uint8_t family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == STRATA_FAMILY_IPV6 ? AF_INET6 : AF_INET, a,
		       buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	return json_object_new_string(buf);
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136 ||
	       proto == 33;
}

int xp_commit(struct sc_state *st, const struct strata_batch *ops,
	      struct sc_err *err)
{
	struct sc_runtime *rt;
	struct sc_tx *tx;
	int ret;

	if (ops && ops->n)
		return cmp_state_apply(st, ops, err);
	tx = sc_tx_begin(st, err);
	if (!tx)
		return err->code ? err->code : -EBUSY;
	ret = sc_tx_commit(tx, &rt, err);
	if (!ret || sc_state_needs_finish(st))
		sc_commit_finish(st);
	return ret;
}

struct json_object *xp_run(const struct xp_state *x, const struct xp_flow *flow,
			   const struct xp_leg *leg, uint8_t *verdict)
{
	const struct sc_runtime *rt = sc_state_runtime(x->st);
	struct json_object *o = json_object_new_object(), *hooks;
	struct xp_hook hk[XP_MAX_HOOKS];
	size_t n = xp_hooks(leg, hk), i;
	bool untracked = false;
	uint32_t mark = 0;
	char why[256];

	*verdict = SC_V_ACCEPT;
	jstr(o, "node", leg->node);
	jstr(o, "from", xp_role_name(leg->src));
	jstr(o, "to", xp_role_name(leg->dst));
	jstr(o, "iif", leg->iif);
	jstr(o, "oif", leg->oif);
	jbool(o, "dnat", leg->dnat);
	hooks = json_object_new_array();
	for (i = 0; i < n; i++) {
		struct json_object *h = json_object_new_object(), *steps;
		struct sc_pkt p = flow->pkt;
		struct sc_ctx c = { 0 };
		struct sc_verdict v;
		bool raw = hk[i].hook == SC_HOOK_RAW_PRE ||
			   hk[i].hook == SC_HOOK_RAW_OUT;
		uint8_t k;

		if (hk[i].orig && flow->has_orig) {
			memcpy(p.daddr, flow->orig_daddr, sizeof(p.daddr));
			if (has_ports(p.proto))
				p.dport = flow->orig_dport;
		}
		c.hook = hk[i].hook;
		c.iif = hk[i].iif;
		c.oif = hk[i].oif;
		c.mark = mark;
		c.ct = untracked ? SC_CT_UNTRACKED : raw ? SC_CT_NEW : flow->ct;
		sc_decide(rt, &p, &c, &v);

		jstr(h, "hook", strata_hook_name(c.hook));
		jstr(h, "iif", c.iif);
		jstr(h, "oif", c.oif);
		json_object_object_add(h, "dst", addr_json(p.family, p.daddr));
		if (has_ports(p.proto) && (p.flags & SC_PKT_L4))
			jint(h, "dport", p.dport);
		jstr(h, "ct", xp_ct_name(c.ct));
		jint(h, "mark_in", c.mark);
		jstr(h, "verdict", strata_verdict_name(v.code));
		jstr(h, "reason", strata_reason_name(v.reason));
		hook_why(rt, &c, &v, why, sizeof(why));
		if (why[0])
			jstr(h, "why", why);
		if (v.ep_in)
			json_object_object_add(
				h, "endpoint_in",
				xp_object_json(x->names, SC_OBJ_ENDPOINT,
					       v.ep_in->ep->name));
		if (v.ep_out)
			json_object_object_add(
				h, "endpoint_out",
				xp_object_json(x->names, SC_OBJ_ENDPOINT,
					       v.ep_out->ep->name));
		if (v.mark_mask) {
			jint(h, "mark", v.mark);
			jint(h, "mark_mask", v.mark_mask);
		}
		steps = json_object_new_array();
		for (k = 0; k < v.n_steps; k++)
			json_object_array_add(steps,
					      xp_step_json(x, &v.steps[k]));
		json_object_object_add(h, "steps", steps);
		json_object_array_add(hooks, h);

		if (v.mark_mask)
			mark = (mark & ~v.mark_mask) | (v.mark & v.mark_mask);
		if (v.code == SC_V_NOTRACK)
			untracked = true;
		if (v.code == SC_V_DROP || v.code == SC_V_REJECT) {
			*verdict = v.code;
			break;
		}
	}
	json_object_object_add(o, "hooks", hooks);
	jstr(o, "verdict",
	     *verdict == SC_V_ACCEPT ? "allow" : strata_verdict_name(*verdict));
	return o;
}

/* --- text ----------------------------------------------------------------- */

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *gets(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static bool has(struct json_object *o, const char *key)
{
	return get(o, key) != NULL;
}

static int64_t geti(struct json_object *o, const char *key)
{
	return json_object_get_int64(get(o, key));
}

static size_t alen(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array)
		       ? json_object_array_length(a)
		       : 0;
}

static struct json_object *aget(struct json_object *a, size_t i)
{
	return i < alen(a) ? json_object_array_get_idx(a, i) : NULL;
}

/* "NetworkPolicy backend/knp.default.api", or the kernel name. */
static void obj_text(FILE *f, struct json_object *o)
{
	const char *kind = gets(o, "kind"), *ns = gets(o, "namespace");
	const char *name = gets(o, "name"), *pod = gets(o, "pod");

	if (kind && pod)
		fprintf(f, "pod %s/%s", ns, pod);
	else if (kind && name)
		fprintf(f, "%s %s%s%s", kind, ns ? ns : "", ns ? "/" : "",
			name);
	else
		fputs(gets(o, "kernel_name"), f);
	if (has(o, "staged"))
		fputs(" (staged)", f);
	if (has(o, "defined"))
		fputs(" (not defined)", f);
}

/* "ingress rule 2 (file:line)" */
static void rule_text(FILE *f, struct json_object *o, const char *dir)
{
	if (geti(o, "rule") < 0)
		fprintf(f, "%s deny-all (the profile is not defined)", dir);
	else
		fprintf(f, "%s rule %lld", dir, (long long)geti(o, "rule"));
	if (gets(o, "file") && has(o, "line"))
		fprintf(f, " (%s:%lld)", gets(o, "file"),
			(long long)geti(o, "line"));
	else if (gets(o, "file"))
		fprintf(f, " (%s)", gets(o, "file"));
}

static const char *dir_of(const char *list)
{
	return strstr(list, "egress") ? "egress" : "ingress";
}

static void policy_line(FILE *f, struct json_object *po, const char *dir,
			const char *indent)
{
	const char *out = gets(po, "outcome");
	struct json_object *logs = get(po, "logs");
	size_t i;

	fprintf(f, "%s", indent);
	obj_text(f, po);
	if (!strcmp(out, "no-match") || !strcmp(out, "not-reached"))
		fprintf(f, ": %s\n",
			!strcmp(out, "no-match") ? "no match" : "not reached");
	else {
		fprintf(f, ": %s, ", out);
		rule_text(f, po, dir);
		fputc('\n', f);
	}
	for (i = 0; i < alen(logs); i++) {
		fprintf(f, "%s  logged by ", indent);
		rule_text(f, aget(logs, i), dir);
		fputc('\n', f);
	}
}

/* A list's name as people read it. */
static const char *list_text(const char *list)
{
	static const struct {
		const char *key, *text;
	} t[] = {
		{ "ingress", "ingress policy" },
		{ "egress", "egress policy" },
		{ "untracked_ingress", "untracked ingress policy" },
		{ "untracked_egress", "untracked egress policy" },
		{ "prednat_ingress", "pre-DNAT ingress policy" },
		{ "forward_ingress", "forward ingress policy" },
		{ "forward_egress", "forward egress policy" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(list, t[i].key))
			return t[i].text;
	return list;
}

static void step_text(FILE *f, struct json_object *st, const char *ind)
{
	struct json_object *tiers = get(st, "tiers"),
			   *profs = get(st, "profiles");
	struct json_object *by = get(st, "decided_by");
	const char *dir = dir_of(gets(st, "list"));
	size_t i, j;

	fprintf(f, "%s%s of ", ind, list_text(gets(st, "list")));
	obj_text(f, get(st, "endpoint"));
	fprintf(f, ": %s\n", gets(st, "action"));
	for (i = 0; i < alen(tiers); i++) {
		struct json_object *t = aget(tiers, i),
				   *pols = get(t, "policies");
		const char *out = gets(t, "outcome");
		char sub[64];

		if (!strcmp(out, "not-reached"))
			continue;
		fprintf(f, "%s  tier %s: ", ind,
			gets(t, "name") ? gets(t, "name")
					: gets(t, "kernel_name"));
		if (!strcmp(out, "default"))
			fprintf(f, "%s (end of tier: its default)\n",
				gets(t, "action"));
		else
			fprintf(f, "%s\n", gets(t, "action"));
		snprintf(sub, sizeof(sub), "%s    ", ind);
		for (j = 0; j < alen(pols); j++)
			policy_line(f, aget(pols, j), dir, sub);
	}
	for (i = 0; i < alen(profs); i++) {
		struct json_object *po = aget(profs, i);
		char sub[64];

		if (!strcmp(gets(po, "outcome"), "not-reached"))
			continue;
		snprintf(sub, sizeof(sub), "%s  ", ind);
		policy_line(f, po, dir, sub);
	}
	if (!strcmp(gets(by, "kind"), "no-match"))
		fprintf(f, "%s  no tier or profile decided: %s\n", ind,
			!strcmp(gets(by, "action"), "continue")
				? "no opinion"
				: gets(by, "action"));
	if (has(st, "logs_not_recorded"))
		fprintf(f, "%s  (%lld more log rules matched)\n", ind,
			(long long)geti(st, "logs_not_recorded"));
}

static void hook_text(FILE *f, struct json_object *h, const char *label)
{
	struct json_object *steps = get(h, "steps");
	const char *v = gets(h, "verdict"), *why = gets(h, "why");
	size_t i;

	fprintf(f, "  %s%s", label, gets(h, "hook"));
	if (gets(h, "iif") || gets(h, "oif")) {
		fputs(" [", f);
		if (gets(h, "iif"))
			fprintf(f, "in %s", gets(h, "iif"));
		if (gets(h, "iif") && gets(h, "oif"))
			fputc(' ', f);
		if (gets(h, "oif"))
			fprintf(f, "out %s", gets(h, "oif"));
		fputc(']', f);
	}
	fprintf(f, ": %s", !strcmp(v, "none") ? "no opinion" : v);
	if (why)
		fprintf(f, " (%s)", why);
	fputc('\n', f);
	for (i = 0; i < alen(steps); i++)
		step_text(f, aget(steps, i), "    ");
}

/* The hook that ended a path (the last one), described briefly. */
static void cause_text(FILE *f, struct json_object *nodes)
{
	struct json_object *leg, *hooks, *h, *steps, *st, *by;
	size_t n = alen(nodes);

	if (!n)
		return;
	leg = aget(nodes, n - 1);
	hooks = get(leg, "hooks");
	if (!alen(hooks))
		return;
	h = aget(hooks, alen(hooks) - 1);
	fprintf(f, " at %s %s", gets(leg, "node"), gets(h, "hook"));
	steps = get(h, "steps");
	if (!alen(steps)) {
		if (gets(h, "why"))
			fprintf(f, ": %s", gets(h, "why"));
		return;
	}
	st = aget(steps, alen(steps) - 1);
	by = get(st, "decided_by");
	fprintf(f, ": %s of ", list_text(gets(st, "list")));
	obj_text(f, get(st, "endpoint"));
	if (!strcmp(gets(by, "kind"), "rule")) {
		fputs(", ", f);
		obj_text(f, get(by, "policy"));
		fputc(' ', f);
		rule_text(f, by, dir_of(gets(st, "list")));
	} else if (!strcmp(gets(by, "kind"), "tier-default")) {
		fprintf(f, ", the end of tier %s",
			gets(get(by, "tier"), "name")
				? gets(get(by, "tier"), "name")
				: gets(get(by, "tier"), "kernel_name"));
	} else {
		fputs(", no policy or profile allowed it", f);
	}
}

static void end_text(FILE *f, const char *what, struct json_object *e)
{
	const char *role = gets(e, "role"), *addr = gets(e, "address");

	fprintf(f, "%s ", what);
	if (!strcmp(role, "workload")) {
		obj_text(f, get(e, "endpoint"));
		fprintf(f, " on %s, %s", gets(e, "node"), addr);
	} else if (!strcmp(role, "host")) {
		fprintf(f, "host %s", gets(e, "node") ? gets(e, "node") : "");
		if (get(e, "endpoint")) {
			fputs(" (", f);
			obj_text(f, get(e, "endpoint"));
			fputc(')', f);
		}
		fprintf(f, ", %s", addr);
	} else if (get(e, "endpoint") && gets(e, "node")) {
		/* another node's endpoint, this host modelled (--kernel) */
		obj_text(f, get(e, "endpoint"));
		fprintf(f, " on %s, %s (outside this host)", gets(e, "node"),
			addr);
	} else {
		fprintf(f, "%s (outside)", addr);
	}
	if (alen(get(e, "sets"))) {
		size_t i;

		fputs(", in ", f);
		for (i = 0; i < alen(get(e, "sets")); i++) {
			fputs(i ? ", " : "", f);
			obj_text(f, aget(get(e, "sets"), i));
		}
	}
	fputc('\n', f);
}

static void flow_text(FILE *f, struct json_object *fl)
{
	const char *proto = gets(fl, "protocol");
	bool v6 = geti(fl, "family") == 6, ports = has(fl, "dport");

	fprintf(f, "%s ", proto);
	if (ports)
		fprintf(f, v6 ? "[%s]:%lld -> [%s]:%lld" : "%s:%lld -> %s:%lld",
			gets(fl, "src"), (long long)geti(fl, "sport"),
			gets(fl, "dst"), (long long)geti(fl, "dport"));
	else
		fprintf(f, "%s -> %s", gets(fl, "src"), gets(fl, "dst"));
	if (has(fl, "icmp_type"))
		fprintf(f, " type %lld code %lld",
			(long long)geti(fl, "icmp_type"),
			(long long)geti(fl, "icmp_code"));
	if (gets(fl, "orig_dst")) {
		fprintf(f, ", addressed to ");
		if (has(fl, "orig_dport"))
			fprintf(f, v6 ? "[%s]:%lld" : "%s:%lld",
				gets(fl, "orig_dst"),
				(long long)geti(fl, "orig_dport"));
		else
			fputs(gets(fl, "orig_dst"), f);
	}
	fprintf(f, ", %s\n",
		!strcmp(gets(fl, "ct"), "new") ? "a new connection"
		: !strcmp(gets(fl, "ct"), "established")
			? "an established connection"
			: gets(fl, "ct"));
}

/* The pending hook differs from the enforced one. */
static bool hook_differs(struct json_object *a, struct json_object *b)
{
	return !a || !json_object_equal(a, b);
}

void xp_print(FILE *f, struct json_object *res)
{
	struct json_object *nodes = get(res, "nodes");
	struct json_object *pend = get(res, "pending");
	struct json_object *pnodes = get(pend, "nodes"),
			   *notes = get(res, "notes");
	size_t n = alen(nodes), i, j;

	fputs("flow: ", f);
	flow_text(f, get(res, "flow"));
	end_text(f, "from:", get(res, "from"));
	end_text(f, "to:  ", get(res, "to"));
	if (alen(pnodes) > n)
		n = alen(pnodes);
	for (i = 0; i < n; i++) {
		struct json_object *leg = aget(nodes, i),
				   *pleg = aget(pnodes, i);
		struct json_object *any = leg ? leg : pleg;
		struct json_object *hooks = get(leg, "hooks");
		struct json_object *phooks = get(pleg, "hooks");
		size_t nh = alen(hooks) > alen(phooks) ? alen(hooks)
						       : alen(phooks);

		fprintf(f, "\nnode %s: %s to %s", gets(any, "node"),
			gets(any, "from"), gets(any, "to"));
		if (gets(any, "iif") && strcmp(gets(any, "from"), "host"))
			fprintf(f, ", in %s", gets(any, "iif"));
		if (gets(any, "oif") && strcmp(gets(any, "to"), "host"))
			fprintf(f, ", out %s", gets(any, "oif"));
		if (json_object_get_boolean(get(any, "dnat")))
			fputs(", destination translated here", f);
		fprintf(f, "%s\n", leg ? "" : " (pending only)");
		for (j = 0; j < nh; j++) {
			struct json_object *h = aget(hooks, j);
			struct json_object *ph = aget(phooks, j);

			if (h)
				hook_text(f, h, "");
			if (ph && hook_differs(h, ph))
				hook_text(f, ph, "pending: ");
		}
	}
	fprintf(f, "\nverdict: %s", gets(res, "verdict"));
	if (strcmp(gets(res, "verdict"), "allow"))
		cause_text(f, nodes);
	fputc('\n', f);
	if (pend) {
		fprintf(f, "pending: %s", gets(pend, "verdict"));
		if (strcmp(gets(pend, "verdict"), "allow"))
			cause_text(f, pnodes);
		fprintf(f, " (staged policies as enforced)\n");
	}
	for (i = 0; i < alen(notes); i++)
		fprintf(f, "note: %s\n",
			json_object_get_string(aget(notes, i)));
}
