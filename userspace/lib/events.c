// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Events: a socket subscribed to the family's "config" and "flows"
 * multicast groups, and the decoding of what arrives there.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "strata.h"
#include "nl.h"

struct strata_mon {
	struct nl_sock *sk;
	int family;
};

static int bad(struct strata_err *err, const char *what)
{
	strata_err_set(err, -EBADMSG, "malformed event from the kernel: %s",
		       what);
	if (err)
		err->src = STRATA_ERR_TRANSPORT;
	return -EBADMSG;
}

/* Scalars of @size bytes (1, 2, 4 or 8) into @out, if present. */
static int get(const struct nlattr *a, void *out, int size)
{
	if (!a)
		return 0;
	if (nla_len(a) < size)
		return -EBADMSG;
	memcpy(out, nla_data(a), (size_t)size);
	return 0;
}

static int get_str(const struct nlattr *a, char *out, size_t size)
{
	size_t n;

	if (!a)
		return 0;
	n = strnlen(nla_data(a), (size_t)nla_len(a));
	if (n >= size)
		return -EBADMSG;
	memcpy(out, nla_data(a), n);
	out[n] = '\0';
	return 0;
}

static int dec_logs(const struct nlattr *nest, struct strata_flow_step *st,
		    bool *truncated)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem)
	{
		const struct nlattr *tb[STRATA_LOG_A_MAX + 1];
		struct strata_flow_log *l;

		if (st->n_logs == STRATA_FLOW_MAX_LOGS) {
			*truncated = true;
			break;
		}
		l = &st->logs[st->n_logs++];
		if (strata_attr_parse_nested(tb, STRATA_LOG_A_MAX, a) ||
		    get(tb[STRATA_LOG_A_TIER], &l->tier, 4) ||
		    get(tb[STRATA_LOG_A_POLICY], &l->policy, 4) ||
		    get(tb[STRATA_LOG_A_RULE], &l->rule, 4))
			return -EBADMSG;
	}
	return 0;
}

static int dec_steps(const struct nlattr *nest, struct strata_flow *f)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem)
	{
		const struct nlattr *tb[STRATA_STEP_A_MAX + 1];
		struct strata_flow_step *st;

		if (f->n_steps == STRATA_FLOW_MAX_STEPS) {
			f->truncated = true;
			break;
		}
		st = &f->steps[f->n_steps++];
		if (strata_attr_parse_nested(tb, STRATA_STEP_A_MAX, a) ||
		    get(tb[STRATA_STEP_A_ENDPOINT], &st->endpoint, 4) ||
		    get(tb[STRATA_STEP_A_LIST], &st->list, 1) ||
		    get(tb[STRATA_STEP_A_ACTION], &st->action, 1) ||
		    get(tb[STRATA_STEP_A_KIND], &st->kind, 1) ||
		    get(tb[STRATA_STEP_A_TIER], &st->tier, 4) ||
		    get(tb[STRATA_STEP_A_POLICY], &st->policy, 4) ||
		    get(tb[STRATA_STEP_A_RULE], &st->rule, 4) ||
		    get(tb[STRATA_STEP_A_COOKIE], &st->cookie, 8) ||
		    get(tb[STRATA_STEP_A_PASSES], &st->passes, 4) ||
		    (tb[STRATA_STEP_A_LOGS] &&
		     dec_logs(tb[STRATA_STEP_A_LOGS], st, &f->truncated)))
			return -EBADMSG;
	}
	return 0;
}

static int dec_flow(const struct nlattr *nest, struct strata_flow *f)
{
	const struct nlattr *tb[STRATA_FLOW_A_MAX + 1];
	int alen;

	memset(f, 0, sizeof(*f));
	if (strata_attr_parse_nested(tb, STRATA_FLOW_A_MAX, nest) ||
	    get(tb[STRATA_FLOW_A_GENERATION], &f->generation, 8) ||
	    get(tb[STRATA_FLOW_A_TIMESTAMP], &f->timestamp, 8) ||
	    get(tb[STRATA_FLOW_A_FAMILY], &f->family, 1) ||
	    get(tb[STRATA_FLOW_A_PROTO], &f->proto, 1) ||
	    get(tb[STRATA_FLOW_A_SPORT], &f->sport, 2) ||
	    get(tb[STRATA_FLOW_A_DPORT], &f->dport, 2) ||
	    get(tb[STRATA_FLOW_A_ICMP_TYPE], &f->icmp_type, 1) ||
	    get(tb[STRATA_FLOW_A_ICMP_CODE], &f->icmp_code, 1) ||
	    get_str(tb[STRATA_FLOW_A_IIF], f->iif, sizeof(f->iif)) ||
	    get_str(tb[STRATA_FLOW_A_OIF], f->oif, sizeof(f->oif)) ||
	    get(tb[STRATA_FLOW_A_EP_IN], &f->ep_in, 4) ||
	    get(tb[STRATA_FLOW_A_EP_OUT], &f->ep_out, 4) ||
	    get(tb[STRATA_FLOW_A_HOOK], &f->hook, 1) ||
	    get(tb[STRATA_FLOW_A_VERDICT], &f->verdict, 1) ||
	    get(tb[STRATA_FLOW_A_REASON], &f->reason, 1) ||
	    get(tb[STRATA_FLOW_A_LEN], &f->len, 4) ||
	    get(tb[STRATA_FLOW_A_MARK], &f->mark, 4))
		return -EBADMSG;
	f->has_ports = tb[STRATA_FLOW_A_SPORT] || tb[STRATA_FLOW_A_DPORT];
	f->has_icmp = tb[STRATA_FLOW_A_ICMP_TYPE];
	f->logged = tb[STRATA_FLOW_A_LOGGED];
	alen = f->family == STRATA_FAMILY_IPV6 ? 16 : 4;
	if ((tb[STRATA_FLOW_A_SADDR] &&
	     nla_len(tb[STRATA_FLOW_A_SADDR]) != alen) ||
	    (tb[STRATA_FLOW_A_DADDR] &&
	     nla_len(tb[STRATA_FLOW_A_DADDR]) != alen))
		return -EBADMSG;
	if (get(tb[STRATA_FLOW_A_SADDR], f->saddr, alen) ||
	    get(tb[STRATA_FLOW_A_DADDR], f->daddr, alen))
		return -EBADMSG;
	if (tb[STRATA_FLOW_A_STEPS])
		return dec_steps(tb[STRATA_FLOW_A_STEPS], f);
	return 0;
}

/**
 * strata_dec_event() - decode a message of the "config" or "flows" group
 * @nlh: the message
 * @ev: filled in
 * @err: failure
 *
 * Return: 0, 1 for a message that is no event (skip it), or -EBADMSG.
 */
int strata_dec_event(const struct nlmsghdr *nlh, struct strata_event *ev,
		     struct strata_err *err)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *tb[STRATA_A_MAX + 1];

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    strata_attr_parse(
		    tb, STRATA_A_MAX,
		    (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
		    (int)(nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN)))
		return bad(err, "attributes");
	switch (g->cmd) {
	case STRATA_CMD_COMMIT_EVENT:
		ev->type = STRATA_EVENT_COMMIT;
		if (!tb[STRATA_A_GENERATION] ||
		    get(tb[STRATA_A_GENERATION], &ev->generation, 8))
			return bad(err, "commit without a generation");
		return 0;
	case STRATA_CMD_FLOW_EVENT:
		ev->type = STRATA_EVENT_FLOW;
		if (!tb[STRATA_A_FLOW] ||
		    dec_flow(tb[STRATA_A_FLOW], &ev->flow))
			return bad(err, "flow");
		ev->generation = ev->flow.generation;
		return 0;
	}
	return 1;
}

/**
 * strata_mon_open() - subscribe to the family's events
 * @groups: STRATA_MON_CONFIG and/or STRATA_MON_FLOWS
 * @err: failure (-EPERM without CAP_NET_ADMIN)
 *
 * Return: the monitor, or NULL.
 */
struct strata_mon *strata_mon_open(unsigned int groups, struct strata_err *err)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} grp[] = {
		{ STRATA_MON_CONFIG, STRATA_MCGRP_CONFIG },
		{ STRATA_MON_FLOWS, STRATA_MCGRP_FLOWS },
	};
	struct strata_mon *mon;
	size_t i;
	int ret;

	strata_err_clear(err);
	mon = calloc(1, sizeof(*mon));
	if (!mon || !(mon->sk = nl_socket_alloc())) {
		free(mon);
		strata_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	nl_socket_disable_seq_check(mon->sk);
	ret = genl_connect(mon->sk);
	if (ret < 0) {
		strata_err_set(err, -ECONNREFUSED,
			       "cannot open a generic netlink socket: %s",
			       nl_geterror(ret));
		goto err_sock;
	}
	nl_socket_set_buffer_size(mon->sk, 4 * STRATA_SOCK_BUF, 0);
	nl_socket_enable_msg_peek(mon->sk);
	mon->family = genl_ctrl_resolve(mon->sk, STRATA_GENL_NAME);
	if (mon->family < 0) {
		strata_err_set(
			err, -ENOENT,
			"the strata kernel module is not loaded (generic netlink family \"%s\" not found)",
			STRATA_GENL_NAME);
		goto err_sock;
	}
	for (i = 0; i < sizeof(grp) / sizeof(grp[0]); i++) {
		if (!(groups & grp[i].bit))
			continue;
		ret = genl_ctrl_resolve_grp(mon->sk, STRATA_GENL_NAME,
					    grp[i].name);
		if (ret >= 0)
			ret = nl_socket_add_membership(mon->sk, ret);
		if (ret < 0) {
			int e = ret == -NLE_PERM ? -EPERM : -ENOENT;

			strata_err_set(err, e,
				       "cannot join the \"%s\" group: %s",
				       grp[i].name, nl_geterror(ret));
			if (err)
				err->src = e == -EPERM ? STRATA_ERR_KERNEL
						       : STRATA_ERR_TRANSPORT;
			nl_socket_free(mon->sk);
			free(mon);
			return NULL;
		}
	}
	return mon;

err_sock:
	nl_socket_free(mon->sk);
	free(mon);
	if (err)
		err->src = STRATA_ERR_TRANSPORT;
	return NULL;
}

/* For poll(): readable when events are waiting. */
int strata_mon_fd(const struct strata_mon *mon)
{
	return nl_socket_get_fd(mon->sk);
}

/**
 * strata_mon_read() - wait for events and hand each to @fn
 * @mon: the monitor
 * @fn: called per event (a STRATA_EVENT_LOST one after an overflow)
 * @arg: its argument
 * @err: failure
 *
 * Return: the number of events handed over, what @fn returned if
 * negative, or a negative errno.
 */
int strata_mon_read(struct strata_mon *mon, strata_event_fn fn, void *arg,
		    struct strata_err *err)
{
	struct strata_event *ev = calloc(1, sizeof(*ev));
	struct sockaddr_nl who;
	unsigned char *buf = NULL;
	const struct nlmsghdr *nlh;
	int len, n = 0, ret;

	strata_err_clear(err);
	if (!ev)
		return strata_err_set(err, -ENOMEM, "out of memory");
	len = nl_recv(mon->sk, &who, &buf, NULL);
	if (len == -NLE_NOMEM || len == -NLE_MSG_OVERFLOW) {
		/* the kernel dropped what did not fit: say so, go on */
		ev->type = STRATA_EVENT_LOST;
		ret = fn(ev, arg);
		free(buf);
		free(ev);
		return ret < 0 ? ret : 1;
	}
	if (len <= 0) {
		free(buf);
		free(ev);
		strata_err_set(err, -EIO, "cannot receive events: %s",
			       len ? nl_geterror(len) : "end of file");
		if (err)
			err->src = STRATA_ERR_TRANSPORT;
		return -EIO;
	}
	for (nlh = (const struct nlmsghdr *)buf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_type != mon->family)
			continue;
		ret = strata_dec_event(nlh, ev, err);
		if (ret == 1)
			continue;
		if (!ret)
			ret = fn(ev, arg);
		if (ret < 0) {
			n = ret;
			break;
		}
		n++;
	}
	free(buf);
	free(ev);
	return n;
}

void strata_mon_close(struct strata_mon *mon)
{
	if (!mon)
		return;
	nl_socket_free(mon->sk);
	free(mon);
}
