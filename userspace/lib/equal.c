// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Field-by-field equality of model objects, naming the first difference.
 * Used by the unit tests (round trips through netlink, images and text)
 * and by anything that diffs desired against actual state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "strata.h"

static bool differ(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool differ(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool same_list(const void *a, uint32_t na, const void *b, uint32_t nb,
		      size_t size)
{
	return na == nb && (!na || !memcmp(a, b, (size_t)na * size));
}

#define SCALAR(a, b, f, what)                                             \
	do {                                                              \
		if ((a)->f != (b)->f)                                     \
			return differ(why, len, "%s: %llu != %llu", what, \
				      (unsigned long long)(a)->f,         \
				      (unsigned long long)(b)->f);        \
	} while (0)

#define LIST(a, b, n, p, what)                                              \
	do {                                                                \
		if (!same_list((a)->p, (a)->n, (b)->p, (b)->n,              \
			       sizeof(*(a)->p)))                            \
			return differ(why, len,                             \
				      "%s differ (%u vs %u entries)", what, \
				      (a)->n, (b)->n);                      \
	} while (0)

static bool ent_equal(const struct sc_ent *a, const struct sc_ent *b,
		      const char *side, char *why, size_t len)
{
	char w[32];

#define ELIST(n, p, name)                                    \
	do {                                                 \
		snprintf(w, sizeof(w), "%s %s", side, name); \
		LIST(a, b, n, p, w);                         \
	} while (0)
	ELIST(n_nets, nets, "nets");
	ELIST(n_not_nets, not_nets, "not-nets");
	ELIST(n_sets, sets, "sets");
	ELIST(n_not_sets, not_sets, "not-sets");
	ELIST(n_ports, ports, "ports");
	ELIST(n_not_ports, not_ports, "not-ports");
	ELIST(n_psets, psets, "port-sets");
	ELIST(n_not_psets, not_psets, "not-port-sets");
#undef ELIST
	return true;
}

/**
 * strata_rule_equal() - compare two rules
 * @a: one rule
 * @b: the other
 * @why: receives the first difference (may be NULL)
 * @len: its size
 *
 * Scalar matches are compared only when their present bit is set.
 *
 * Return: true if equal.
 */
bool strata_rule_equal(const struct sc_rule *a, const struct sc_rule *b,
		       char *why, size_t len)
{
	SCALAR(a, b, action, "action");
	SCALAR(a, b, ip_version, "ip-version");
	SCALAR(a, b, present, "present matches");
	if (a->present & STRATA_IMG_RULE_F_PROTO)
		SCALAR(a, b, proto, "proto");
	if (a->present & STRATA_IMG_RULE_F_NOT_PROTO)
		SCALAR(a, b, not_proto, "not-proto");
	if (a->present & STRATA_IMG_RULE_F_ICMP_TYPE)
		SCALAR(a, b, icmp_type, "icmp-type");
	if (a->present & STRATA_IMG_RULE_F_ICMP_CODE)
		SCALAR(a, b, icmp_code, "icmp-code");
	if (a->present & STRATA_IMG_RULE_F_NOT_ICMP_TYPE)
		SCALAR(a, b, not_icmp_type, "not-icmp-type");
	if (a->present & STRATA_IMG_RULE_F_NOT_ICMP_CODE)
		SCALAR(a, b, not_icmp_code, "not-icmp-code");
	SCALAR(a, b, cookie, "cookie");
	return ent_equal(&a->src, &b->src, "src", why, len) &&
	       ent_equal(&a->dst, &b->dst, "dst", why, len);
}

/**
 * strata_tier_equal() - compare two tiers
 * @a: one
 * @b: the other
 * @why: receives the first difference (may be NULL)
 * @len: its size
 *
 * Return: true if equal.
 */
bool strata_tier_equal(const struct sc_tier *a, const struct sc_tier *b,
		       char *why, size_t len)
{
	SCALAR(a, b, id, "id");
	if (strcmp(a->name, b->name))
		return differ(why, len, "name: \"%s\" != \"%s\"", a->name,
			      b->name);
	SCALAR(a, b, default_action, "default action");
	return true;
}

/**
 * strata_policy_equal() - compare two policies, rule by rule
 * @a: one
 * @b: the other
 * @why: receives the first difference (may be NULL)
 * @len: its size
 *
 * Return: true if equal.
 */
bool strata_policy_equal(const struct sc_policy *a, const struct sc_policy *b,
			 char *why, size_t len)
{
	char w[160];
	unsigned int d;
	uint32_t i;

	SCALAR(a, b, id, "id");
	if (strcmp(a->name, b->name))
		return differ(why, len, "name: \"%s\" != \"%s\"", a->name,
			      b->name);
	for (d = 0; d < SC_NDIRS; d++) {
		if (a->n_rules[d] != b->n_rules[d])
			return differ(why, len, "%s rules: %u != %u",
				      d ? "egress" : "ingress", a->n_rules[d],
				      b->n_rules[d]);
		for (i = 0; i < a->n_rules[d]; i++)
			if (!strata_rule_equal(&a->rules[d][i], &b->rules[d][i],
					       w, sizeof(w)))
				return differ(why, len, "%s rule %u: %s",
					      d ? "egress" : "ingress", i, w);
	}
	return true;
}

/**
 * strata_ipset_equal() - compare two IP set definitions
 * @a: one
 * @b: the other
 * @why: receives the first difference (may be NULL)
 * @len: its size
 *
 * Return: true if equal.
 */
bool strata_ipset_equal(const struct sc_ipset *a, const struct sc_ipset *b,
			char *why, size_t len)
{
	SCALAR(a, b, id, "id");
	if (strcmp(a->name, b->name))
		return differ(why, len, "name: \"%s\" != \"%s\"", a->name,
			      b->name);
	SCALAR(a, b, family, "family");
	SCALAR(a, b, kind, "kind");
	return true;
}

/**
 * strata_endpoint_equal() - compare two endpoints
 * @a: one
 * @b: the other
 * @why: receives the first difference (may be NULL)
 * @len: its size
 *
 * Return: true if equal.
 */
bool strata_endpoint_equal(const struct sc_endpoint *a,
			   const struct sc_endpoint *b, char *why, size_t len)
{
	unsigned int l;
	uint32_t i;

	SCALAR(a, b, id, "id");
	if (strcmp(a->name, b->name))
		return differ(why, len, "name: \"%s\" != \"%s\"", a->name,
			      b->name);
	SCALAR(a, b, kind, "kind");
	if (strcmp(a->ifname, b->ifname))
		return differ(why, len, "iface: \"%s\" != \"%s\"", a->ifname,
			      b->ifname);
	SCALAR(a, b, mark, "mark");
	SCALAR(a, b, no_match, "no-match");
	LIST(a, b, n_addrs, addrs, "addresses");
	LIST(a, b, n_spoof, spoof, "spoof prefixes");
	LIST(a, b, n_profiles, profiles, "profiles");
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		const struct sc_eplist *x = &a->lists[l], *y = &b->lists[l];

		if (x->n != y->n)
			return differ(why, len, "list %u: %u != %u tiers", l,
				      x->n, y->n);
		for (i = 0; i < x->n; i++) {
			if (x->refs[i].tier != y->refs[i].tier)
				return differ(why, len,
					      "list %u entry %u: tier %u != %u",
					      l, i, x->refs[i].tier,
					      y->refs[i].tier);
			if (!same_list(x->refs[i].policies,
				       x->refs[i].n_policies,
				       y->refs[i].policies,
				       y->refs[i].n_policies, sizeof(uint32_t)))
				return differ(
					why, len,
					"list %u tier %u: policies differ", l,
					x->refs[i].tier);
		}
	}
	return true;
}

/**
 * strata_settings_equal() - compare two sets of settings
 * @a: one
 * @b: the other
 * @why: receives the first difference (may be NULL)
 * @len: its size
 *
 * Return: true if equal.
 */
bool strata_settings_equal(const struct sc_settings *a,
			   const struct sc_settings *b, char *why, size_t len)
{
	uint16_t i;

	SCALAR(a, b, mark_mask, "mark-mask");
	SCALAR(a, b, mark_accept, "mark-accept");
	SCALAR(a, b, log_rate, "log-rate");
	SCALAR(a, b, log_burst, "log-burst");
	SCALAR(a, b, flow_rate, "flow-rate");
	SCALAR(a, b, flow_burst, "flow-burst");
	SCALAR(a, b, wl_to_host, "wl-to-host");
	SCALAR(a, b, ct_invalid_drop, "ct-invalid-drop");
	SCALAR(a, b, allow_ipip, "allow-ipip");
	SCALAR(a, b, allow_vxlan, "allow-vxlan");
	SCALAR(a, b, vxlan_port, "vxlan-port");
	SCALAR(a, b, n_wl_prefixes, "number of wl-prefixes");
	for (i = 0; i < a->n_wl_prefixes && i < STRATA_MAX_WL_PREFIXES; i++)
		if (strncmp(a->wl_prefixes[i], b->wl_prefixes[i],
			    STRATA_IFNAME_LEN))
			return differ(why, len, "wl-prefix %u differs", i);
	if (a->n_failsafe_in > SC_MAX_FAILSAFE ||
	    a->n_failsafe_out > SC_MAX_FAILSAFE)
		return differ(why, len, "failsafe lists too long");
	LIST(a, b, n_failsafe_in, failsafe_in, "failsafe-in");
	LIST(a, b, n_failsafe_out, failsafe_out, "failsafe-out");
	SCALAR(a, b, limits.tiers, "limit-tiers");
	SCALAR(a, b, limits.policies, "limit-policies");
	SCALAR(a, b, limits.rules, "limit-rules");
	SCALAR(a, b, limits.ipsets, "limit-ipsets");
	SCALAR(a, b, limits.members, "limit-members");
	SCALAR(a, b, limits.endpoints, "limit-endpoints");
	return true;
}
