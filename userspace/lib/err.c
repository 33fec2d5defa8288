// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * struct strata_err: setting and formatting errors, and naming the
 * attribute an extended ack points at ("policy.ingress[3].src.nets").
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "strata.h"
#include "nl.h"

void strata_err_clear(struct strata_err *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof(*err));
	err->attr = -1;
	err->offset = -1;
	err->miss_type = -1;
}

/**
 * strata_err_set() - record a library error
 * @err: filled in (may be NULL)
 * @code: negative errno
 * @fmt: printf format of the message
 *
 * Return: @code, so that callers can write "return strata_err_set(...)".
 */
int strata_err_set(struct strata_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		strata_err_clear(err);
		err->code = code;
		err->src = STRATA_ERR_LOCAL;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

/**
 * strata_err_format() - set @err->msg to @text, prefixed with the object
 * @err: the error (@obj_kind, @obj_id)
 * @text: the message proper (not @err->msg)
 *
 * "policy 7: text", "settings: text" or "text"; truncated to fit.
 */
void strata_err_format(struct strata_err *err, const char *text)
{
	size_t n = 0, t = strlen(text), room;
	int p = 0;

	if (err->obj_kind && err->obj_id)
		p = snprintf(err->msg, sizeof(err->msg),
			     "%s %u: ", sc_obj_kind_name(err->obj_kind),
			     err->obj_id);
	else if (err->obj_kind)
		p = snprintf(err->msg, sizeof(err->msg),
			     "%s: ", sc_obj_kind_name(err->obj_kind));
	if (p > 0)
		n = (size_t)p < sizeof(err->msg) ? (size_t)p
						 : sizeof(err->msg) - 1;
	room = sizeof(err->msg) - 1 - n;
	if (t > room)
		t = room;
	memcpy(err->msg + n, text, t);
	err->msg[n + t] = '\0';
}

/**
 * strata_err_from_sc() - turn a core model error into a library error
 * @err: filled in (may be NULL)
 * @e: the core's error (sc_*_check(), sc_policy_add_rules(), ...)
 *
 * The text names the object the way kernel errors do ("policy 7: ...").
 *
 * Return: @e->code.
 */
int strata_err_from_sc(struct strata_err *err, const struct sc_err *e)
{
	if (!err)
		return e->code;
	strata_err_clear(err);
	err->code = e->code;
	err->src = STRATA_ERR_LOCAL;
	err->obj_kind = e->kind;
	err->obj_id = e->id;
	err->ref = e->ref;
	snprintf(err->kmsg, sizeof(err->kmsg), "%s", e->msg ? e->msg : "");
	strata_err_format(err, err->kmsg);
	return e->code;
}

/**
 * strata_err_str() - the text to show for an error
 * @err: the error
 *
 * Return: @err->msg, or strerror() of the code when there is no message.
 */
const char *strata_err_str(const struct strata_err *err)
{
	if (err->msg[0])
		return err->msg;
	return strerror(err->code < 0 ? -err->code : err->code);
}

/*
 * The attribute tree of the family, for naming attributes: a node's kids
 * are indexed by attribute type; an array node's kids are its elements,
 * all described by @elem.
 */
struct aname {
	const char *name;
	const struct aname *kids;
	unsigned int n_kids;
	const struct aname *elem;
};

#define N(n)              \
	{                 \
		.name = n \
	}
#define NK(n, t)                                                         \
	{                                                                \
		.name = n, .kids = t, .n_kids = sizeof(t) / sizeof(t[0]) \
	}
#define NE(n, e)                     \
	{                            \
		.name = n, .elem = e \
	}

static const struct aname ent_names[] = {
	[STRATA_ENT_A_NETS] = N("nets"),
	[STRATA_ENT_A_NOT_NETS] = N("not_nets"),
	[STRATA_ENT_A_SETS] = N("sets"),
	[STRATA_ENT_A_NOT_SETS] = N("not_sets"),
	[STRATA_ENT_A_PORTS] = N("ports"),
	[STRATA_ENT_A_NOT_PORTS] = N("not_ports"),
	[STRATA_ENT_A_PORT_SETS] = N("port_sets"),
	[STRATA_ENT_A_NOT_PORT_SETS] = N("not_port_sets"),
};

static const struct aname rule_names[] = {
	[STRATA_RULE_A_ACTION] = N("action"),
	[STRATA_RULE_A_IP_VERSION] = N("ip_version"),
	[STRATA_RULE_A_PROTO] = N("proto"),
	[STRATA_RULE_A_NOT_PROTO] = N("not_proto"),
	[STRATA_RULE_A_ICMP_TYPE] = N("icmp_type"),
	[STRATA_RULE_A_ICMP_CODE] = N("icmp_code"),
	[STRATA_RULE_A_NOT_ICMP_TYPE] = N("not_icmp_type"),
	[STRATA_RULE_A_NOT_ICMP_CODE] = N("not_icmp_code"),
	[STRATA_RULE_A_SRC] = NK("src", ent_names),
	[STRATA_RULE_A_DST] = NK("dst", ent_names),
	[STRATA_RULE_A_COOKIE] = N("cookie"),
	[STRATA_RULE_A_PAD] = N("pad"),
};

static const struct aname rule_elem = NK("rule", rule_names);

static const struct aname tier_names[] = {
	[STRATA_TIER_A_ID] = N("id"),
	[STRATA_TIER_A_NAME] = N("name"),
	[STRATA_TIER_A_DEFAULT_ACTION] = N("default_action"),
};

static const struct aname policy_names[] = {
	[STRATA_POLICY_A_ID] = N("id"),
	[STRATA_POLICY_A_NAME] = N("name"),
	[STRATA_POLICY_A_INGRESS] = NE("ingress", &rule_elem),
	[STRATA_POLICY_A_EGRESS] = NE("egress", &rule_elem),
	[STRATA_POLICY_A_FLAGS] = N("flags"),
	[STRATA_POLICY_A_INGRESS_START] = N("ingress_start"),
	[STRATA_POLICY_A_EGRESS_START] = N("egress_start"),
	[STRATA_POLICY_A_INGRESS_COUNT] = N("ingress_count"),
	[STRATA_POLICY_A_EGRESS_COUNT] = N("egress_count"),
};

static const struct aname ipset_names[] = {
	[STRATA_IPSET_A_ID] = N("id"),
	[STRATA_IPSET_A_NAME] = N("name"),
	[STRATA_IPSET_A_FAMILY] = N("family"),
	[STRATA_IPSET_A_KIND] = N("kind"),
	[STRATA_IPSET_A_MEMBERS] = N("members"),
	[STRATA_IPSET_A_COUNT] = N("count"),
};

static const struct aname tierref_names[] = {
	[STRATA_TIERREF_A_TIER] = N("tier"),
	[STRATA_TIERREF_A_POLICIES] = N("policies"),
};

static const struct aname tierref_elem = NK("tierref", tierref_names);

static const struct aname list_names[] = {
	[STRATA_LIST_INGRESS + 1] = NE("ingress", &tierref_elem),
	[STRATA_LIST_EGRESS + 1] = NE("egress", &tierref_elem),
	[STRATA_LIST_UNTRACKED_INGRESS + 1] =
		NE("untracked_ingress", &tierref_elem),
	[STRATA_LIST_UNTRACKED_EGRESS + 1] =
		NE("untracked_egress", &tierref_elem),
	[STRATA_LIST_PREDNAT_INGRESS + 1] =
		NE("prednat_ingress", &tierref_elem),
	[STRATA_LIST_FORWARD_INGRESS + 1] =
		NE("forward_ingress", &tierref_elem),
	[STRATA_LIST_FORWARD_EGRESS + 1] = NE("forward_egress", &tierref_elem),
};

static const struct aname ep_names[] = {
	[STRATA_EP_A_ID] = N("id"),
	[STRATA_EP_A_NAME] = N("name"),
	[STRATA_EP_A_KIND] = N("kind"),
	[STRATA_EP_A_IFNAME] = N("ifname"),
	[STRATA_EP_A_ADDRS] = N("addrs"),
	[STRATA_EP_A_SPOOF] = N("spoof"),
	[STRATA_EP_A_MARK] = N("mark"),
	[STRATA_EP_A_NO_MATCH] = N("no_match"),
	[STRATA_EP_A_PROFILES] = N("profiles"),
	[STRATA_EP_A_LISTS] = NK("lists", list_names),
};

static const struct aname wl_prefix_elem = N("prefix");

static const struct aname settings_names[] = {
	[STRATA_SET_A_MARK_MASK] = N("mark_mask"),
	[STRATA_SET_A_MARK_ACCEPT] = N("mark_accept"),
	[STRATA_SET_A_FAILSAFE_IN] = N("failsafe_in"),
	[STRATA_SET_A_FAILSAFE_OUT] = N("failsafe_out"),
	[STRATA_SET_A_WL_PREFIXES] = NE("wl_prefixes", &wl_prefix_elem),
	[STRATA_SET_A_WL_TO_HOST] = N("wl_to_host"),
	[STRATA_SET_A_LOG_RATE] = N("log_rate"),
	[STRATA_SET_A_LOG_BURST] = N("log_burst"),
	[STRATA_SET_A_CT_INVALID_DROP] = N("ct_invalid_drop"),
	[STRATA_SET_A_ALLOW_IPIP] = N("allow_ipip"),
	[STRATA_SET_A_ALLOW_VXLAN] = N("allow_vxlan"),
	[STRATA_SET_A_VXLAN_PORT] = N("vxlan_port"),
	[STRATA_SET_A_FLOW_RATE] = N("flow_rate"),
	[STRATA_SET_A_FLOW_BURST] = N("flow_burst"),
	[STRATA_SET_A_LIMIT_TIERS] = N("limit_tiers"),
	[STRATA_SET_A_LIMIT_POLICIES] = N("limit_policies"),
	[STRATA_SET_A_LIMIT_RULES] = N("limit_rules"),
	[STRATA_SET_A_LIMIT_IPSETS] = N("limit_ipsets"),
	[STRATA_SET_A_LIMIT_MEMBERS] = N("limit_members"),
	[STRATA_SET_A_LIMIT_ENDPOINTS] = N("limit_endpoints"),
};

static const struct aname top_names[] = {
	[STRATA_A_VERSION_ABI] = N("version_abi"),
	[STRATA_A_VERSION_GENL] = N("version_genl"),
	[STRATA_A_VERSION_MODULE] = N("version_module"),
	[STRATA_A_GENERATION] = N("generation"),
	[STRATA_A_PAD] = N("pad"),
	[STRATA_A_TIER] = NK("tier", tier_names),
	[STRATA_A_POLICY] = NK("policy", policy_names),
	[STRATA_A_IPSET] = NK("ipset", ipset_names),
	[STRATA_A_ENDPOINT] = NK("endpoint", ep_names),
	[STRATA_A_SETTINGS] = NK("settings", settings_names),
	[STRATA_A_STATS] = N("stats"),
	[STRATA_A_FLAGS] = N("flags"),
};

static const struct aname top = NK("", top_names);

/**
 * strata_err_attr_path() - name the attribute an error points at
 * @err: the error (@err->path, @err->depth)
 * @buf: output
 * @len: its size
 *
 * Array elements are shown by their index in the whole list
 * ("policy.ingress[3].action"); types the table does not know are shown
 * as numbers.
 *
 * Return: @buf ("" when there is no attribute).
 */
const char *strata_err_attr_path(const struct strata_err *err, char *buf,
				 size_t len)
{
	const struct aname *node = &top;
	size_t used = 0;
	unsigned int i;
	int n;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < err->depth && i < STRATA_ERR_PATH_MAX; i++) {
		uint32_t t = err->path[i];

		if (node && node->elem) {
			n = snprintf(buf + used, len - used, "[%u]", t);
			node = node->elem;
		} else if (node && t < node->n_kids && node->kids[t].name) {
			node = &node->kids[t];
			n = snprintf(buf + used, len - used, "%s%s",
				     used ? "." : "", node->name);
		} else {
			node = NULL;
			n = snprintf(buf + used, len - used, "%s%u",
				     used ? "." : "", t);
		}
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += n;
	}
	return buf;
}
