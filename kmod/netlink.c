// SPDX-License-Identifier: GPL-2.0
/*
 * The "strata" generic netlink family. include/uapi/linux/strata.h documents
 * every command and attribute.
 *
 * DOC: Permissions
 *
 * Every operation is flagged GENL_UNS_ADMIN_PERM, so the genetlink core
 * refuses callers without CAP_NET_ADMIN over the user namespace owning the
 * socket's network namespace before a handler runs. Multicast groups carry
 * GENL_MCAST_CAP_NET_ADMIN for the same check at subscription time.
 *
 * DOC: Validation
 *
 * The family registers no attribute policy with the genetlink core, and
 * sets resv_start_op past its last command: Strata validates each request
 * itself, with the same strict parser and the strict tables of
 * netlink-policy.c, in pre_doit (and in the dump start callback). Two
 * things need that: a request refused for any reason inside a transaction
 * (a malformed attribute included) must doom the transaction, so that a
 * batch of requests sent without waiting for each ack can never commit
 * with one of them missing; and NEW_x takes NLM_F_REPLACE, which the
 * core's header check refuses for new families. The header check is done
 * here instead: the reserved byte must be zero and only NLM_F_REQUEST,
 * NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP (requests that dump) and NLM_F_REPLACE
 * (NEW_x) are accepted.
 *
 * DOC: Transactions
 *
 * A namespace has at most one open transaction, owned by the socket that
 * sent TX_BEGIN (its port id, and the socket itself so that a port id
 * reused after a close is not mistaken for the owner). Change requests
 * from the owner join it; from another socket they get -EBUSY; from
 * anyone while none is open they run as a transaction of their own,
 * committed before the reply. A refused change request dooms the open
 * transaction: TX_COMMIT then aborts it and fails with -EINVAL. Closing
 * the owner's socket aborts it (NETLINK_URELEASE notifier, which 6.1 calls
 * from netlink_release() through a blocking notifier chain, in process
 * context: it may take the mutex).
 *
 * DOC: Dumps
 *
 * Dumps hold the namespace mutex only within one dumpit call and resume
 * from the id last written (struct strata_dump in cb->ctx). Every message
 * carries STRATA_A_GENERATION; cb->seq is the generation (plus one: zero
 * means "not set"), so a commit between two calls sets NLM_F_DUMP_INTR. A
 * policy whose rules do not fit a message continues in the next one, from
 * the rule index given by STRATA_POLICY_A_INGRESS_START/EGRESS_START. An
 * object bigger than an empty message raises cb->min_dump_alloc, and the
 * message that made room carries only the generation: dump readers skip
 * messages without an object.
 *
 * A dump request is checked by the first dumpit call, not by a start
 * callback: 6.1's genetlink runs start callbacks without an extack, and
 * every refusal must say why. A refused dump therefore ends with an
 * NLMSG_DONE that carries the error and the extack message.
 */
#include <linux/notifier.h>
#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <linux/strata.h>
#include "strata.h"
#include "mem.h"
#include "netlink.h"
#include "enforce.h"
#include "netlink-policy.h"
#include "netlink-obj.h"
#include "version.h"
#include "core/model.h"
#include "core/state.h"

enum strata_mcgrp_id {
	STRATA_MCGRP_CONFIG_ID,
	STRATA_MCGRP_FLOWS_ID,
};

#ifdef STRATA_COMPAT_NO_GENL_MCAST_CAP
/*
 * 6.1.y before the GENL_MCAST_CAP_* backport gives a family no way to
 * refuse a subscription: struct genl_multicast_group has no flags and
 * struct genl_family no bind callback in 6.1. Rather than tell
 * unprivileged listeners what the configuration does, send nothing on the
 * groups there (they exist, so clients resolve them, but stay silent).
 */
#define STRATA_MCGRP(n)		{ .name = n }
#define STRATA_MCAST_ENABLED	false
#else
#define STRATA_MCGRP(n)		{ .name = n, .flags = GENL_MCAST_CAP_NET_ADMIN }
#define STRATA_MCAST_ENABLED	true
#endif

static const struct genl_multicast_group strata_mcgrps[] = {
	[STRATA_MCGRP_CONFIG_ID] = STRATA_MCGRP(STRATA_MCGRP_CONFIG),
	[STRATA_MCGRP_FLOWS_ID] = STRATA_MCGRP(STRATA_MCGRP_FLOWS),
};

static struct genl_family strata_genl_family;

/**
 * struct strata_dump - where a dump resumes (in cb->ctx)
 * @filter: dump only the object with this id (0: all)
 * @last: the last object written in full
 * @set: GET_MEMBERS: the set
 * @cur: GET_POLICY: the policy in progress if @partial
 * @partial: GET_POLICY: @cur is written up to @pos
 * @done: nothing more to write
 * @started: the request has been checked
 * @head: GET_MEMBERS: the first message is out
 * @pos: GET_POLICY: position in @cur
 * @cursor: GET_MEMBERS: the engine's member cursor
 */
struct strata_dump {
	u32 filter;
	u32 last;
	u32 set;
	u32 cur;
	u8 partial;
	u8 done;
	u8 started;
	u8 head;
	struct strata_policy_pos pos;
	u64 cursor;
};

/* Largest message a dump may ask for to carry one object. */
#define STRATA_DUMP_MAX		(2 * U16_MAX)

static bool strata_cmd_changes(u8 cmd)
{
	switch (cmd) {
	case STRATA_CMD_NEW_TIER:
	case STRATA_CMD_DEL_TIER:
	case STRATA_CMD_NEW_POLICY:
	case STRATA_CMD_DEL_POLICY:
	case STRATA_CMD_NEW_IPSET:
	case STRATA_CMD_DEL_IPSET:
	case STRATA_CMD_ADD_MEMBERS:
	case STRATA_CMD_DEL_MEMBERS:
	case STRATA_CMD_NEW_ENDPOINT:
	case STRATA_CMD_DEL_ENDPOINT:
	case STRATA_CMD_SET_SETTINGS:
	case STRATA_CMD_FLUSH:
		return true;
	}
	return false;
}

static bool strata_cmd_replaces(u8 cmd)
{
	return cmd == STRATA_CMD_NEW_TIER || cmd == STRATA_CMD_NEW_POLICY ||
	       cmd == STRATA_CMD_NEW_IPSET || cmd == STRATA_CMD_NEW_ENDPOINT;
}

/* The genetlink header checks the core skips for us (DOC: Validation). */
static int strata_hdr_check(const struct nlmsghdr *nlh, u8 cmd,
			    struct netlink_ext_ack *extack)
{
	const struct genlmsghdr *g = nlmsg_data(nlh);
	u16 flags = nlh->nlmsg_flags;

	if (g->reserved) {
		NL_SET_ERR_MSG(extack, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	else if (strata_cmd_replaces(cmd))
		flags &= ~NLM_F_REPLACE;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)) {
		NL_SET_ERR_MSG(extack,
			       "ambiguous or reserved bits set in nlmsg_flags");
		return -EINVAL;
	}
	return 0;
}

/* Strict parse of the top level, then refuse what @cmd does not take. */
static int strata_parse_top(const struct nlmsghdr *nlh, u8 cmd, bool dump,
			    struct nlattr **attrs,
			    struct netlink_ext_ack *extack)
{
	u32 allowed = strata_cmd_attrs(cmd, dump);
	int ret, i;

	ret = genlmsg_parse(nlh, &strata_genl_family, attrs, STRATA_A_MAX,
			    strata_policy, extack);
	if (ret)
		return ret;
	for (i = 1; i <= STRATA_A_MAX; i++) {
		if (attrs[i] && !(allowed & BIT(i))) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[i],
					    "attribute not accepted by this command");
			return -EINVAL;
		}
	}
	return 0;
}

static bool strata_is_owner(const struct strata_net *sn,
			    const struct sk_buff *skb)
{
	return sn->tx && NETLINK_CB(skb).portid == sn->tx_portid &&
	       NETLINK_CB(skb).sk == sn->tx_sk;
}

/* A change request from the owner was refused before it ran. */
static void strata_doom_if_owner(struct strata_net *sn,
				 const struct sk_buff *skb)
{
	mutex_lock(&sn->lock);
	if (strata_is_owner(sn, skb))
		sn->tx_doomed = true;
	mutex_unlock(&sn->lock);
}

static int strata_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	struct nlattr **attrs;
	int ret;

	ret = strata_hdr_check(info->nlhdr, ops->cmd, info->extack);
	if (ret)
		goto refused;
	attrs = kcalloc(STRATA_A_MAX + 1, sizeof(*attrs), GFP_KERNEL);
	if (!attrs) {
		ret = -ENOMEM;
		goto refused;
	}
	ret = strata_parse_top(info->nlhdr, ops->cmd, false, attrs,
			       info->extack);
	if (ret) {
		kfree(attrs);
		goto refused;
	}
	info->attrs = attrs;
	return 0;

refused:
	if (strata_cmd_changes(ops->cmd))
		strata_doom_if_owner(strata_pernet(genl_info_net(info)), skb);
	return ret;
}

static void strata_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	kfree(info->attrs);
	info->attrs = NULL;
}

/* A required top-level attribute. */
static int strata_require_top(struct genl_info *info, int type,
			      const char *msg)
{
	if (!GENL_REQ_ATTR_CHECK(info, type))
		return 0;
	strata_set_err(info->extack, NULL, msg);
	return -EINVAL;
}

/* ---- replies and events --------------------------------------------- */

static struct sk_buff *strata_gen_msg(void)
{
	return genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
}

/* Send @msg (from strata_gen_msg()) as the reply: {GENERATION}. */
static void strata_reply_gen(struct sk_buff *msg, struct genl_info *info,
			     u64 gen)
{
	void *hdr;

	hdr = genlmsg_put_reply(msg, info, &strata_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr ||
	    nla_put_u64_64bit(msg, STRATA_A_GENERATION, gen, STRATA_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_reply(msg, info);
}

/**
 * strata_genl_notify_commit() - announce a commit on the "config" group
 * @net: the namespace that committed
 * @gen: the new generation
 *
 * Context: process context; called with the namespace's mutex held, so
 * that events leave in commit order.
 */
void strata_genl_notify_commit(struct net *net, u64 gen)
{
	struct sk_buff *msg;
	void *hdr;

	if (!STRATA_MCAST_ENABLED)
		return;
	msg = strata_gen_msg();
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &strata_genl_family, 0,
			  STRATA_CMD_COMMIT_EVENT);
	if (!hdr ||
	    nla_put_u64_64bit(msg, STRATA_A_GENERATION, gen, STRATA_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	/* -ESRCH: nobody listens */
	genlmsg_multicast_netns(&strata_genl_family, net, msg, 0,
				STRATA_MCGRP_CONFIG_ID, GFP_KERNEL);
}

static int strata_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &strata_genl_family, 0,
				STRATA_CMD_GET_VERSION);
	if (!hdr)
		goto nospace;
	if (nla_put_u32(msg, STRATA_A_VERSION_ABI, STRATA_ABI_VERSION) ||
	    nla_put_u32(msg, STRATA_A_VERSION_GENL, STRATA_GENL_VERSION) ||
	    nla_put_string(msg, STRATA_A_VERSION_MODULE, STRATA_VERSION) ||
	    nla_put_u64_64bit(msg, STRATA_A_GENERATION, strata_generation(sn),
			      STRATA_A_PAD))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- transactions ----------------------------------------------------- */

static int strata_tx_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	struct strata_req rq = { .sn = sn, .extack = info->extack };
	struct sc_tx *tx;
	int ret = 0;

	mutex_lock(&sn->lock);
	if (sn->tx) {
		strata_set_err(info->extack, NULL, strata_is_owner(sn, skb) ?
			       "this socket's transaction is already open" :
			       "another socket's transaction is open");
		ret = -EBUSY;
		goto out;
	}
	tx = sc_tx_begin(sn->state, &rq.err);
	if (!tx) {
		ret = strata_req_fail(&rq, -ENOMEM);
		goto out;
	}
	sn->tx = tx;
	sn->tx_sk = NETLINK_CB(skb).sk;
	sn->tx_doomed = false;
	WRITE_ONCE(sn->tx_portid, NETLINK_CB(skb).portid);
out:
	mutex_unlock(&sn->lock);
	return ret;
}

/* The open transaction must exist and be the sender's. */
static int strata_tx_check_owner(struct strata_net *sn, struct sk_buff *skb,
				 struct genl_info *info)
{
	if (!sn->tx) {
		NL_SET_ERR_MSG(info->extack, "no transaction is open");
		return -ENOENT;
	}
	if (!strata_is_owner(sn, skb)) {
		NL_SET_ERR_MSG(info->extack,
			       "the open transaction belongs to another socket");
		return -EBUSY;
	}
	return 0;
}

static int strata_tx_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	struct strata_req rq = { .sn = sn, .extack = info->extack };
	struct sk_buff *msg;
	u64 gen;
	int ret;

	msg = strata_gen_msg();
	if (!msg)
		return -ENOMEM;
	mutex_lock(&sn->lock);
	ret = strata_tx_check_owner(sn, skb, info);
	if (ret)
		goto out;
	if (sn->tx_doomed) {
		strata_tx_abort_locked(sn);
		NL_SET_ERR_MSG(info->extack,
			       "a request of this transaction was refused: nothing was committed");
		ret = -EINVAL;
		goto out;
	}
	ret = strata_commit_locked(sn, sn->tx, &gen, &rq.err);
	if (ret) {
		ret = strata_req_fail(&rq, ret);
		goto out;
	}
	strata_genl_notify_commit(sn->net, gen);
	strata_reply_gen(msg, info, gen);
	msg = NULL;
out:
	mutex_unlock(&sn->lock);
	nlmsg_free(msg);
	return ret;
}

static int strata_tx_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	int ret;

	mutex_lock(&sn->lock);
	ret = strata_tx_check_owner(sn, skb, info);
	if (!ret)
		strata_tx_abort_locked(sn);
	mutex_unlock(&sn->lock);
	return ret;
}

/**
 * struct strata_change - a change request on its way through a transaction
 * @rq: the request context
 * @info: the request
 * @tx: the transaction it joins (the open one, or its own)
 * @implicit: @tx is the request's own: commit it at the end
 * @reply: the reply an implicit commit sends ({GENERATION})
 */
struct strata_change {
	struct strata_req rq;
	struct genl_info *info;
	struct sc_tx *tx;
	bool implicit;
	struct sk_buff *reply;
};

/* Take the mutex and find the request's transaction (DOC: Transactions). */
static int strata_change_begin(struct strata_change *c, struct sk_buff *skb,
			       struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	int ret;

	memset(c, 0, sizeof(*c));
	c->rq.sn = sn;
	c->rq.extack = info->extack;
	c->info = info;
	mutex_lock(&sn->lock);
	if (sn->tx) {
		if (!strata_is_owner(sn, skb)) {
			NL_SET_ERR_MSG(info->extack,
				       "another socket's transaction is open");
			ret = -EBUSY;
			goto err;
		}
		if (sc_tx_ops(sn->tx) >= READ_ONCE(strata_max_tx_ops)) {
			sn->tx_doomed = true;
			NL_SET_ERR_MSG(info->extack,
				       "the transaction holds max_tx_ops changes already");
			ret = -ENOSPC;
			goto err;
		}
		c->tx = sn->tx;
		return 0;
	}
	c->reply = strata_gen_msg();
	if (!c->reply) {
		ret = -ENOMEM;
		goto err;
	}
	c->tx = sc_tx_begin(sn->state, &c->rq.err);
	if (!c->tx) {
		nlmsg_free(c->reply);
		ret = strata_req_fail(&c->rq, -ENOMEM);
		goto err;
	}
	c->implicit = true;
	return 0;

err:
	mutex_unlock(&sn->lock);
	return ret;
}

/*
 * Finish a change request: @ret is its result so far (extack already
 * set). Commits a request's own transaction, dooms the open one on error,
 * and drops the mutex.
 */
static int strata_change_end(struct strata_change *c, int ret)
{
	struct strata_net *sn = c->rq.sn;
	u64 gen;

	if (!c->implicit) {
		if (ret)
			sn->tx_doomed = true;
		goto out;
	}
	if (ret) {
		sc_tx_abort(c->tx);
		strata_finish_locked(sn);
		goto out;
	}
	ret = strata_commit_locked(sn, c->tx, &gen, &c->rq.err);
	if (ret) {
		ret = strata_req_fail(&c->rq, ret);
		goto out;
	}
	strata_genl_notify_commit(sn->net, gen);
	strata_reply_gen(c->reply, c->info, gen);
	c->reply = NULL;
out:
	mutex_unlock(&sn->lock);
	nlmsg_free(c->reply);
	return ret;
}

/*
 * An engine operation returned @ret: report it against @attr. A request's
 * own commit that fails later is reported against @attr too.
 */
static int strata_op_result(struct strata_change *c, const struct nlattr *attr,
			    int ret)
{
	c->rq.err_attr = attr;
	if (!ret)
		return 0;
	return strata_req_fail(&c->rq, ret);
}

static bool strata_replace(const struct genl_info *info)
{
	return info->nlhdr->nlmsg_flags & NLM_F_REPLACE;
}

static int strata_new_tier(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[STRATA_A_TIER];
	bool replace = strata_replace(info);
	struct strata_change c;
	struct sc_tier *t;
	int ret;

	ret = strata_change_begin(&c, skb, info);
	if (ret)
		return ret;
	ret = strata_require_top(info, STRATA_A_TIER,
				 "STRATA_A_TIER is required");
	if (!ret)
		ret = strata_parse_tier(&c.rq, nest, replace, &t);
	if (!ret)
		ret = strata_op_result(&c, nest,
				       sc_tx_put_tier(c.tx, t, replace,
						      &c.rq.err));
	return strata_change_end(&c, ret);
}

static int strata_new_policy(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[STRATA_A_POLICY];
	bool replace = strata_replace(info), append;
	struct strata_change c;
	struct sc_policy *p;
	int ret;

	ret = strata_change_begin(&c, skb, info);
	if (ret)
		return ret;
	ret = strata_require_top(info, STRATA_A_POLICY,
				 "STRATA_A_POLICY is required");
	if (!ret)
		ret = strata_parse_policy(&c.rq, nest, replace, &append, &p);
	if (ret)
		goto out;
	if (append) {
		if (c.implicit) {
			sc_policy_put(p);
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "STRATA_POLICY_F_APPEND needs the transaction that created the policy");
			ret = -EINVAL;
			goto out;
		}
		ret = sc_tx_append_rules(c.tx, p, &c.rq.err);
	} else {
		ret = sc_tx_put_policy(c.tx, p, replace, &c.rq.err);
	}
	ret = strata_op_result(&c, nest, ret);
out:
	return strata_change_end(&c, ret);
}

static int strata_new_ipset(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[STRATA_A_IPSET];
	bool replace = strata_replace(info);
	const struct strata_member *m;
	struct strata_change c;
	struct sc_ipset *s;
	u32 n;
	int ret;

	ret = strata_change_begin(&c, skb, info);
	if (ret)
		return ret;
	ret = strata_require_top(info, STRATA_A_IPSET,
				 "STRATA_A_IPSET is required");
	if (!ret)
		ret = strata_parse_ipset(&c.rq, nest, replace, &s, &m, &n);
	if (!ret)
		ret = strata_op_result(&c, nest,
				       sc_tx_put_ipset(c.tx, s, m, n, replace,
						       &c.rq.err));
	return strata_change_end(&c, ret);
}

static int strata_members(struct sk_buff *skb, struct genl_info *info,
			  bool add)
{
	struct nlattr *nest = info->attrs[STRATA_A_IPSET];
	const struct strata_member *m;
	struct strata_change c;
	struct strata_ref ref;
	bool exist = false;
	u32 n;
	int ret;

	ret = strata_change_begin(&c, skb, info);
	if (ret)
		return ret;
	if (info->attrs[STRATA_A_FLAGS])
		exist = nla_get_u32(info->attrs[STRATA_A_FLAGS]) &
			STRATA_F_EXIST;
	ret = strata_require_top(info, STRATA_A_IPSET,
				 "STRATA_A_IPSET is required");
	if (!ret)
		ret = strata_parse_members(&c.rq, nest, &ref, &m, &n);
	if (!ret) {
		ret = sc_tx_members(c.tx, ref.id, ref.name, add, m, n, exist,
				    &c.rq.err);
		if (ret)
			ret = strata_req_fail(&c.rq, ret);
	}
	return strata_change_end(&c, ret);
}

static int strata_add_members(struct sk_buff *skb, struct genl_info *info)
{
	return strata_members(skb, info, true);
}

static int strata_del_members(struct sk_buff *skb, struct genl_info *info)
{
	return strata_members(skb, info, false);
}

static int strata_new_endpoint(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[STRATA_A_ENDPOINT];
	bool replace = strata_replace(info);
	struct strata_change c;
	struct sc_endpoint *e;
	int ret;

	ret = strata_change_begin(&c, skb, info);
	if (ret)
		return ret;
	ret = strata_require_top(info, STRATA_A_ENDPOINT,
				 "STRATA_A_ENDPOINT is required");
	if (!ret)
		ret = strata_parse_endpoint(&c.rq, nest, replace, &e);
	if (!ret)
		ret = strata_op_result(&c, nest,
				       sc_tx_put_endpoint(c.tx, e, replace,
							  &c.rq.err));
	return strata_change_end(&c, ret);
}

/* Object kinds by command, and each kind's top-level attribute. */
static u8 strata_cmd_kind(u8 cmd)
{
	switch (cmd) {
	case STRATA_CMD_NEW_TIER:
	case STRATA_CMD_DEL_TIER:
	case STRATA_CMD_GET_TIER:
		return SC_OBJ_TIER;
	case STRATA_CMD_NEW_POLICY:
	case STRATA_CMD_DEL_POLICY:
	case STRATA_CMD_GET_POLICY:
		return SC_OBJ_POLICY;
	case STRATA_CMD_NEW_IPSET:
	case STRATA_CMD_DEL_IPSET:
	case STRATA_CMD_GET_IPSET:
	case STRATA_CMD_GET_MEMBERS:
		return SC_OBJ_IPSET;
	case STRATA_CMD_NEW_ENDPOINT:
	case STRATA_CMD_DEL_ENDPOINT:
	case STRATA_CMD_GET_ENDPOINT:
		return SC_OBJ_ENDPOINT;
	}
	return SC_OBJ_NONE;
}

static const struct {
	int attr;
	const char *missing;
	const char *not_found;
} strata_kind_top[] = {
	[SC_OBJ_TIER] = { STRATA_A_TIER, "STRATA_A_TIER is required",
			  "no tier with this id or name" },
	[SC_OBJ_POLICY] = { STRATA_A_POLICY, "STRATA_A_POLICY is required",
			    "no policy with this id or name" },
	[SC_OBJ_IPSET] = { STRATA_A_IPSET, "STRATA_A_IPSET is required",
			   "no IP set with this id or name" },
	[SC_OBJ_ENDPOINT] = { STRATA_A_ENDPOINT,
			      "STRATA_A_ENDPOINT is required",
			      "no endpoint with this id or name" },
};

static int strata_del_obj(struct sk_buff *skb, struct genl_info *info)
{
	u8 kind = strata_cmd_kind(info->genlhdr->cmd);
	int top = strata_kind_top[kind].attr;
	struct strata_change c;
	struct strata_ref ref;
	int ret;

	ret = strata_change_begin(&c, skb, info);
	if (ret)
		return ret;
	ret = strata_require_top(info, top, strata_kind_top[kind].missing);
	if (!ret)
		ret = strata_parse_ref(&c.rq, kind, info->attrs[top], &ref);
	if (!ret)
		ret = strata_op_result(&c, ref.attr,
				       sc_tx_del(c.tx, kind, ref.id, ref.name,
						 &c.rq.err));
	return strata_change_end(&c, ret);
}

static int strata_set_settings(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[STRATA_A_SETTINGS];
	struct strata_change c;
	struct strata_net *sn;
	struct sc_settings *s;
	int ret;

	ret = strata_change_begin(&c, skb, info);
	if (ret)
		return ret;
	sn = c.rq.sn;
	ret = strata_require_top(info, STRATA_A_SETTINGS,
				 "STRATA_A_SETTINGS is required");
	if (ret)
		goto out;
	s = strata_kvzalloc(sn, sizeof(*s));
	if (!s) {
		NL_SET_ERR_MSG(info->extack, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	/* Attributes left out keep their value: as of this transaction. */
	if (!c.implicit && sn->tx_settings)
		*s = *sn->tx_settings;
	else
		*s = *sc_state_settings(sn->state);
	ret = strata_parse_settings(&c.rq, nest, s);
	if (!ret)
		ret = strata_op_result(&c, nest,
				       sc_tx_set_settings(c.tx, s, &c.rq.err));
	if (!ret && !c.implicit)
		swap(s, sn->tx_settings);
	strata_kvfree(sn, s, sizeof(*s));
out:
	return strata_change_end(&c, ret);
}

static int strata_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_change c;
	int ret;

	ret = strata_change_begin(&c, skb, info);
	if (ret)
		return ret;
	ret = strata_op_result(&c, NULL, sc_tx_flush(c.tx, &c.rq.err));
	return strata_change_end(&c, ret);
}

/* ---- reading ---------------------------------------------------------- */

static int strata_reply_obj(struct genl_info *info, struct strata_net *sn,
			    u8 kind, const struct strata_ref *ref)
{
	const struct sc_state *st = sn->state;
	struct strata_policy_pos pos = {};
	const struct sc_endpoint *e = NULL;
	const struct sc_policy *p = NULL;
	const struct sc_ipset *s = NULL;
	const struct sc_tier *t = NULL;
	size_t size;
	struct sk_buff *msg;
	void *hdr;
	u32 d, i;
	int ret;

	switch (kind) {
	case SC_OBJ_TIER:
		t = sc_state_find_tier(st, ref->id, ref->name);
		size = strata_tier_size();
		break;
	case SC_OBJ_POLICY:
		p = sc_state_find_policy(st, ref->id, ref->name);
		size = strata_policy_head_size();
		for (d = 0; p && d < SC_NDIRS; d++)
			for (i = 0; i < p->n_rules[d]; i++)
				size += strata_rule_size(&p->rules[d][i]);
		break;
	case SC_OBJ_IPSET:
		s = sc_state_find_ipset(st, ref->id, ref->name);
		size = strata_ipset_size();
		break;
	default:
		e = sc_state_find_endpoint(st, ref->id, ref->name);
		size = e ? strata_endpoint_size(e) : 0;
		break;
	}
	if (!t && !p && !s && !e) {
		strata_set_err(info->extack, ref->attr,
			       strata_kind_top[kind].not_found);
		return -ENOENT;
	}
	if (size > STRATA_DUMP_MAX) {
		NL_SET_ERR_MSG(info->extack,
			       "object too large for one reply: dump it (NLM_F_DUMP) instead");
		return -EMSGSIZE;
	}
	msg = genlmsg_new(size + nla_total_size_64bit(sizeof(u64)),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &strata_genl_family, 0,
				info->genlhdr->cmd);
	ret = -EMSGSIZE;
	if (!hdr || nla_put_u64_64bit(msg, STRATA_A_GENERATION,
				      sc_state_generation(st), STRATA_A_PAD))
		goto err;
	if (t)
		ret = strata_fill_tier(msg, t);
	else if (s)
		ret = strata_fill_ipset(msg, s, sc_state_ipset_count(st, s));
	else if (e)
		ret = strata_fill_endpoint(msg, e);
	else
		ret = strata_fill_policy(msg, p, &pos);
	if (ret) {
		NL_SET_ERR_MSG(info->extack,
			       "object too large for one reply: dump it (NLM_F_DUMP) instead");
		ret = ret == 1 ? -EMSGSIZE : ret;
		goto err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return ret;
}

static int strata_get_obj(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	struct strata_req rq = { .sn = sn, .extack = info->extack };
	u8 kind = strata_cmd_kind(info->genlhdr->cmd);
	int top = strata_kind_top[kind].attr;
	struct strata_ref ref;
	int ret;

	ret = strata_require_top(info, top, strata_kind_top[kind].missing);
	if (!ret)
		ret = strata_parse_ref(&rq, kind, info->attrs[top], &ref);
	if (ret)
		return ret;
	mutex_lock(&sn->lock);
	ret = strata_reply_obj(info, sn, kind, &ref);
	mutex_unlock(&sn->lock);
	return ret;
}

static int strata_get_members_doit(struct sk_buff *skb,
				   struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack,
		       "STRATA_CMD_GET_MEMBERS is a dump: set NLM_F_DUMP");
	return -EOPNOTSUPP;
}

static int strata_get_settings(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	const struct sc_settings *s;
	struct sk_buff *msg;
	void *hdr;
	int ret = -EMSGSIZE;

	mutex_lock(&sn->lock);
	s = sc_state_settings(sn->state);
	msg = genlmsg_new(strata_settings_size(s) +
			  nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put_reply(msg, info, &strata_genl_family, 0,
				STRATA_CMD_GET_SETTINGS);
	if (!hdr ||
	    nla_put_u64_64bit(msg, STRATA_A_GENERATION,
			      sc_state_generation(sn->state), STRATA_A_PAD) ||
	    strata_fill_settings(msg, s)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out:
	mutex_unlock(&sn->lock);
	return ret;
}

static int strata_fill_stats(struct sk_buff *msg, struct strata_net *sn)
{
	struct strata_ioc_stats st = {};
	struct strata_stats es;
	struct nlattr *nest;

	sc_state_stats(sn->state, &st);
	nest = nla_nest_start(msg, STRATA_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(msg, STRATA_STATS_A_GENERATION,
			      sc_state_generation(sn->state),
			      STRATA_STATS_A_PAD) ||
	    nla_put_u32(msg, STRATA_STATS_A_TIERS, st.tiers) ||
	    nla_put_u32(msg, STRATA_STATS_A_POLICIES, st.policies) ||
	    nla_put_u32(msg, STRATA_STATS_A_RULES, st.rules) ||
	    nla_put_u32(msg, STRATA_STATS_A_IPSETS, st.ipsets) ||
	    nla_put_u32(msg, STRATA_STATS_A_MEMBERS, st.members) ||
	    nla_put_u32(msg, STRATA_STATS_A_ENDPOINTS, st.endpoints) ||
	    nla_put_u32(msg, STRATA_STATS_A_PROGRAMS, st.programs) ||
	    nla_put_u32(msg, STRATA_STATS_A_CLASSES, st.classes) ||
	    nla_put_u64_64bit(msg, STRATA_STATS_A_MEM_BYTES,
			      atomic64_read(&sn->mem_bytes),
			      STRATA_STATS_A_PAD) ||
	    nla_put_u8(msg, STRATA_STATS_A_TX_OPEN, !!sn->tx))
		return -EMSGSIZE;
	strata_stats_read(sn, &es);
	if (nla_put_u64_64bit(msg, STRATA_STATS_A_PACKETS, es.packets,
			      STRATA_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, STRATA_STATS_A_EVALUATIONS, es.evaluations,
			      STRATA_STATS_A_PAD) ||
	    nla_put(msg, STRATA_STATS_A_REASONS, sizeof(es.reasons),
		    es.reasons) ||
	    nla_put_u64_64bit(msg, STRATA_STATS_A_FLOW_EVENTS, es.flow_events,
			      STRATA_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, STRATA_STATS_A_FLOW_EVENTS_LOST,
			      es.flow_events_lost, STRATA_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, STRATA_STATS_A_LOG_LINES, es.log_lines,
			      STRATA_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, STRATA_STATS_A_LOG_LINES_LOST,
			      es.log_lines_lost, STRATA_STATS_A_PAD) ||
	    nla_put_u64_64bit(msg, STRATA_STATS_A_CT_FLUSHED, es.ct_flushed,
			      STRATA_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int strata_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &strata_genl_family, 0,
				STRATA_CMD_GET_STATS);
	mutex_lock(&sn->lock);
	ret = hdr ? strata_fill_stats(msg, sn) : -EMSGSIZE;
	mutex_unlock(&sn->lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- dumps ------------------------------------------------------------ */

static struct strata_dump *strata_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct strata_dump) > sizeof(cb->ctx));
	return (struct strata_dump *)cb->ctx;
}

static u8 strata_dump_cmd(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->op.cmd;
}

static int strata_ctr_select(struct strata_net *sn, struct nlattr *nest,
			     struct netlink_ext_ack *extack, u8 *okind,
			     u32 *id);
static int strata_dump_counters(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct strata_net *sn, u64 gen);

/* Check a dump request; set up its filter (DOC: Dumps). */
static int strata_dump_init(struct netlink_callback *cb)
{
	struct strata_net *sn = strata_pernet(sock_net(cb->skb->sk));
	struct strata_req rq = { .sn = sn, .extack = cb->extack };
	struct strata_dump *d = strata_dump_ctx(cb);
	struct nlattr *attrs[STRATA_A_MAX + 1];
	u8 cmd = strata_dump_cmd(cb), kind;
	struct strata_ref ref;
	struct nlattr *nest;
	u32 id = 0;
	int ret;

	ret = strata_hdr_check(cb->nlh, cmd, cb->extack);
	if (!ret)
		ret = strata_parse_top(cb->nlh, cmd, true, attrs, cb->extack);
	if (ret)
		return ret;
	if (cmd == STRATA_CMD_GET_COUNTERS) {
		u8 okind;

		ret = strata_ctr_select(sn, attrs[STRATA_A_COUNTER], cb->extack,
					&okind, &d->filter);
		d->set = okind;
		return ret;
	}
	kind = strata_cmd_kind(cmd);
	nest = attrs[strata_kind_top[kind].attr];
	if (!nest) {
		if (cmd != STRATA_CMD_GET_MEMBERS)
			return 0;
		NL_SET_ERR_ATTR_MISS(cb->extack, NULL,
				     strata_kind_top[kind].attr);
		strata_set_err(cb->extack, NULL, strata_kind_top[kind].missing);
		return -EINVAL;
	}
	ret = strata_parse_ref(&rq, kind, nest, &ref);
	if (ret)
		return ret;
	mutex_lock(&sn->lock);
	switch (kind) {
	case SC_OBJ_TIER: {
		const struct sc_tier *t;

		t = sc_state_find_tier(sn->state, ref.id, ref.name);
		id = t ? t->id : 0;
		break;
	}
	case SC_OBJ_POLICY: {
		const struct sc_policy *p;

		p = sc_state_find_policy(sn->state, ref.id, ref.name);
		id = p ? p->id : 0;
		break;
	}
	case SC_OBJ_IPSET: {
		const struct sc_ipset *s;

		s = sc_state_find_ipset(sn->state, ref.id, ref.name);
		id = s ? s->id : 0;
		break;
	}
	case SC_OBJ_ENDPOINT: {
		const struct sc_endpoint *e;

		e = sc_state_find_endpoint(sn->state, ref.id, ref.name);
		id = e ? e->id : 0;
		break;
	}
	}
	mutex_unlock(&sn->lock);
	if (!id) {
		strata_set_err(cb->extack, ref.attr,
			       strata_kind_top[kind].not_found);
		return -ENOENT;
	}
	if (cmd == STRATA_CMD_GET_MEMBERS)
		d->set = id;
	else
		d->filter = id;
	return 0;
}

/* Start a dump message: header, consistency flag, generation. */
static void *strata_dump_msg(struct sk_buff *skb, struct netlink_callback *cb,
			     u64 gen)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &strata_genl_family, NLM_F_MULTI,
			  strata_dump_cmd(cb));
	if (!hdr)
		return NULL;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_u64_64bit(skb, STRATA_A_GENERATION, gen, STRATA_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

/*
 * The next object needs @need bytes and did not fit an empty message: ask
 * for a bigger one next time (DOC: Dumps), or fail if none can hold it.
 */
static int strata_dump_grow(struct sk_buff *skb, struct netlink_callback *cb,
			    u64 gen, size_t need)
{
	void *hdr;

	need += NLMSG_HDRLEN + GENL_HDRLEN + nla_total_size_64bit(sizeof(u64));
	if (need > STRATA_DUMP_MAX || need <= cb->min_dump_alloc) {
		NL_SET_ERR_MSG(cb->extack,
			       "an object is too large for a netlink message");
		return -EMSGSIZE;
	}
	cb->min_dump_alloc = need;
	hdr = strata_dump_msg(skb, cb, gen);
	if (!hdr)
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return skb->len;
}

/* One kind's objects, in id order (tiers, IP sets, endpoints). */
static int strata_dump_simple(struct sk_buff *skb, struct netlink_callback *cb,
			      struct strata_net *sn, u8 kind, u64 gen)
{
	struct strata_dump *d = strata_dump_ctx(cb);
	const struct sc_state *st = sn->state;
	const void *obj;
	size_t need;
	void *hdr;
	u32 id;
	int ret;

	while (!d->done) {
		const struct sc_endpoint *e = NULL;
		const struct sc_ipset *s = NULL;
		const struct sc_tier *t = NULL;

		switch (kind) {
		case SC_OBJ_TIER:
			t = d->filter ? sc_state_find_tier(st, d->filter, NULL)
				      : sc_state_next_tier(st, d->last);
			obj = t;
			id = t ? t->id : 0;
			break;
		case SC_OBJ_IPSET:
			s = d->filter ? sc_state_find_ipset(st, d->filter, NULL)
				      : sc_state_next_ipset(st, d->last);
			obj = s;
			id = s ? s->id : 0;
			break;
		default:
			e = d->filter ?
				sc_state_find_endpoint(st, d->filter, NULL) :
				sc_state_next_endpoint(st, d->last);
			obj = e;
			id = e ? e->id : 0;
			break;
		}
		if (!obj)
			break;
		need = 0;
		hdr = strata_dump_msg(skb, cb, gen);
		if (!hdr) {
			ret = -EMSGSIZE;
		} else if (t) {
			ret = strata_fill_tier(skb, t);
			need = strata_tier_size();
		} else if (s) {
			ret = strata_fill_ipset(skb, s,
						sc_state_ipset_count(st, s));
			need = strata_ipset_size();
		} else {
			ret = strata_fill_endpoint(skb, e);
			need = strata_endpoint_size(e);
		}
		if (ret) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			if (ret == -E2BIG || !skb->len) {
				if (ret == -E2BIG)
					need = STRATA_DUMP_MAX;
				return strata_dump_grow(skb, cb, gen, need);
			}
			break;
		}
		genlmsg_end(skb, hdr);
		d->last = id;
		if (d->filter)
			d->done = 1;
	}
	return skb->len;
}

/* Rules of @p written before @pos. */
static u32 strata_policy_done(const struct sc_policy *p,
			      const struct strata_policy_pos *pos)
{
	u32 d, done = 0;

	for (d = 0; d < SC_NDIRS && d < pos->dir; d++)
		done += p->n_rules[d];
	if (pos->dir < SC_NDIRS)
		done += min(pos->rule, p->n_rules[pos->dir]);
	return done;
}

/* The next rule to write after @pos (which fill_policy() advanced). */
static const struct sc_rule *strata_policy_next(const struct sc_policy *p,
						const struct strata_policy_pos *pos)
{
	u32 d;

	for (d = pos->dir; d < SC_NDIRS; d++) {
		u32 i = d == pos->dir ? pos->rule : 0;

		if (i < p->n_rules[d])
			return &p->rules[d][i];
	}
	return NULL;
}

static int strata_dump_policies(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct strata_net *sn, u64 gen)
{
	struct strata_dump *d = strata_dump_ctx(cb);
	const struct sc_state *st = sn->state;
	const struct sc_policy *p;
	const struct sc_rule *r;
	u32 before;
	void *hdr;
	bool first;
	int ret;

	while (!d->done) {
		if (d->partial) {
			p = sc_state_find_policy(st, d->cur, NULL);
			if (!p) {
				/* gone meanwhile (the dump is flagged) */
				d->partial = 0;
				d->last = d->cur;
				if (d->filter)
					d->done = 1;
				continue;
			}
		} else {
			p = d->filter ? sc_state_find_policy(st, d->filter, NULL)
				      : sc_state_next_policy(st, d->last);
			if (!p)
				break;
			d->cur = p->id;
			memset(&d->pos, 0, sizeof(d->pos));
		}
		first = !skb->len;
		before = strata_policy_done(p, &d->pos);
		hdr = strata_dump_msg(skb, cb, gen);
		if (!hdr)
			break;
		ret = strata_fill_policy(skb, p, &d->pos);
		if (ret == -E2BIG || (ret == -EMSGSIZE && first)) {
			genlmsg_cancel(skb, hdr);
			NL_SET_ERR_MSG(cb->extack,
				       "a rule is too large for a netlink attribute");
			return -EMSGSIZE;
		}
		if (ret < 0) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		if (ret == 1 && strata_policy_done(p, &d->pos) == before) {
			/* not even one more rule fitted */
			r = strata_policy_next(p, &d->pos);
			if (!first || !r) {
				genlmsg_cancel(skb, hdr);
				d->partial = 1;
				break;
			}
			genlmsg_cancel(skb, hdr);
			return strata_dump_grow(skb, cb, gen,
						strata_policy_head_size() +
						strata_rule_size(r));
		}
		genlmsg_end(skb, hdr);
		if (ret == 1) {
			d->partial = 1;
			break;
		}
		d->partial = 0;
		d->last = p->id;
		if (d->filter)
			d->done = 1;
	}
	return skb->len;
}

static int strata_dump_members(struct sk_buff *skb,
			       struct netlink_callback *cb,
			       struct strata_net *sn, u64 gen)
{
	struct strata_dump *d = strata_dump_ctx(cb);
	const struct sc_state *st = sn->state;
	const struct sc_ipset *set;
	struct nlattr *nest, *attr;
	u32 count, max, got;
	int room;
	void *hdr;

	set = sc_state_find_ipset(st, d->set, NULL);
	if (!set)
		return 0;	/* deleted meanwhile: the end is flagged */
	count = sc_state_ipset_count(st, set);
	while (!d->done) {
		hdr = strata_dump_msg(skb, cb, gen);
		if (!hdr)
			break;
		nest = nla_nest_start(skb, STRATA_A_IPSET);
		if (!nest || nla_put_u32(skb, STRATA_IPSET_A_ID, set->id) ||
		    nla_put_u32(skb, STRATA_IPSET_A_COUNT, count)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		room = skb_tailroom(skb) - NLA_HDRLEN;
		max = room > 0 ? room / sizeof(struct strata_member) : 0;
		max = min_t(u32, max,
			    (U16_MAX - NLA_HDRLEN) / sizeof(struct strata_member));
		if (!max) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		attr = nla_reserve(skb, STRATA_IPSET_A_MEMBERS,
				   max * sizeof(struct strata_member));
		if (!attr) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		got = sc_state_members(st, set, &d->cursor, nla_data(attr),
				       max);
		if (!got) {
			d->done = 1;
			if (d->head) {
				genlmsg_cancel(skb, hdr);
				break;
			}
			/* an empty set: one message with its count */
			nlmsg_trim(skb, attr);
		} else if (got < max) {
			attr->nla_len = nla_attr_size(got *
						      sizeof(struct strata_member));
			nlmsg_trim(skb, (u8 *)nla_data(attr) +
				   got * sizeof(struct strata_member));
		}
		d->head = 1;
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

static int strata_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct strata_net *sn = strata_pernet(sock_net(skb->sk));
	struct strata_dump *d = strata_dump_ctx(cb);
	u8 cmd = strata_dump_cmd(cb);
	u64 gen;
	int ret;

	if (!d->started) {
		d->started = 1;
		ret = strata_dump_init(cb);
		if (ret) {
			d->done = 1;
			return ret;
		}
	}
	if (d->done)
		return 0;
	mutex_lock(&sn->lock);
	gen = sc_state_generation(sn->state);
	/* 0 means "not set" to the consistency check */
	cb->seq = (u32)gen + 1 ?: 1;
	switch (cmd) {
	case STRATA_CMD_GET_POLICY:
		ret = strata_dump_policies(skb, cb, sn, gen);
		break;
	case STRATA_CMD_GET_MEMBERS:
		ret = strata_dump_members(skb, cb, sn, gen);
		break;
	case STRATA_CMD_GET_COUNTERS:
		ret = strata_dump_counters(skb, cb, sn, gen);
		break;
	default:
		ret = strata_dump_simple(skb, cb, sn, strata_cmd_kind(cmd), gen);
		break;
	}
	mutex_unlock(&sn->lock);
	return ret;
}

/* ---- counters ---------------------------------------------------------- */

/*
 * Counters dump in three phases (policies, tiers, endpoints), each in id
 * order; the cursor is phase << 62 | object id << 30 | counter index.
 */
#define CTR_PHASE(c)	((u32)((c) >> 62))
#define CTR_ID(c)	((u32)((c) >> 30))
#define CTR_IDX(c)	((u32)((c) & 0x3fffffff))
#define CTR_CURSOR(p, id, i) \
	(((u64)(p) << 62) | ((u64)(id) << 30) | (u64)(i))

static const u8 strata_ctr_phase_kind[] = {
	SC_OBJ_POLICY, SC_OBJ_TIER, SC_OBJ_ENDPOINT,
};

static int strata_put_counter(struct sk_buff *skb, u8 kind, u32 id, u8 list,
			      u32 idx, const struct sc_ctr *c, u32 ci)
{
	struct strata_ctr v;
	struct nlattr *n;

	strata_ctr_read(c, ci, &v);
	n = nla_nest_start(skb, STRATA_A_COUNTER);
	if (!n || nla_put_u8(skb, STRATA_CTR_A_KIND, kind) ||
	    nla_put_u32(skb, STRATA_CTR_A_ID, id) ||
	    nla_put_u8(skb, STRATA_CTR_A_LIST, list) ||
	    nla_put_u32(skb, STRATA_CTR_A_INDEX, idx) ||
	    nla_put_u64_64bit(skb, STRATA_CTR_A_FLOWS, v.flows,
			      STRATA_CTR_A_PAD) ||
	    nla_put_u64_64bit(skb, STRATA_CTR_A_PACKETS, v.packets,
			      STRATA_CTR_A_PAD) ||
	    nla_put_u64_64bit(skb, STRATA_CTR_A_BYTES, v.bytes,
			      STRATA_CTR_A_PAD)) {
		if (n)
			nla_nest_cancel(skb, n);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, n);
	return 0;
}

/* Object @id of @okind with counters, and what its counters mean. */
static const void *strata_ctr_obj(struct strata_net *sn, u8 okind, u32 after,
				  bool next, u32 *id, const struct sc_ctr **c,
				  u32 *n)
{
	switch (okind) {
	case SC_OBJ_POLICY: {
		const struct sc_policy *p = next ?
			sc_state_next_policy(sn->state, after) :
			sc_state_find_policy(sn->state, after, NULL);

		if (!p)
			return NULL;
		*id = p->id;
		*c = p->ctr;
		*n = p->ctr ? p->n_ctr : 0;
		return p;
	}
	case SC_OBJ_TIER: {
		const struct sc_tier *t = next ?
			sc_state_next_tier(sn->state, after) :
			sc_state_find_tier(sn->state, after, NULL);

		if (!t)
			return NULL;
		*id = t->id;
		*c = t->ctr;
		*n = t->ctr ? t->n_ctr : 0;
		return t;
	}
	default: {
		const struct sc_endpoint *e = next ?
			sc_state_next_endpoint(sn->state, after) :
			sc_state_find_endpoint(sn->state, after, NULL);

		if (!e)
			return NULL;
		*id = e->id;
		*c = e->ctr;
		*n = e->ctr ? e->n_ctr : 0;
		return e;
	}
	}
}

/* What counter @i of object @obj (of @okind) counts. */
static void strata_ctr_meaning(u8 okind, const void *obj, u32 i, u8 *kind,
			       u8 *list, u32 *idx)
{
	if (okind == SC_OBJ_POLICY) {
		const struct sc_policy *p = obj;
		u32 nin = p->n_rules[SC_INGRESS], nout = p->n_rules[SC_EGRESS];

		if (i < nin + nout) {
			*kind = STRATA_CTR_RULE;
			*list = i >= nin;
			*idx = i >= nin ? i - nin : i;
		} else {
			*kind = STRATA_CTR_PROFILE_END;
			*list = i - nin - nout;
			*idx = 0;
		}
		return;
	}
	*kind = okind == SC_OBJ_TIER ? STRATA_CTR_TIER_DEFAULT :
				       STRATA_CTR_NO_MATCH;
	*list = i;
	*idx = 0;
}

static u8 strata_ctr_okind(u8 ctr_kind)
{
	switch (ctr_kind) {
	case STRATA_CTR_RULE:
	case STRATA_CTR_PROFILE_END:
		return SC_OBJ_POLICY;
	case STRATA_CTR_TIER_DEFAULT:
		return SC_OBJ_TIER;
	default:
		return SC_OBJ_ENDPOINT;
	}
}

/* Parse the optional COUNTER { KIND, ID } selector of a request. */
static int strata_ctr_select(struct strata_net *sn, struct nlattr *nest,
			     struct netlink_ext_ack *extack, u8 *okind,
			     u32 *id)
{
	struct nlattr *tb[STRATA_CTR_A_MAX + 1];
	const struct sc_ctr *c;
	u32 n, found;
	int ret;

	*okind = 0;
	*id = 0;
	if (!nest)
		return 0;
	ret = nla_parse_nested(tb, STRATA_CTR_A_MAX, nest,
			       strata_counter_policy, extack);
	if (ret)
		return ret;
	if (!tb[STRATA_CTR_A_KIND]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, STRATA_CTR_A_KIND);
		NL_SET_ERR_MSG(extack,
			       "STRATA_CTR_A_KIND is required to select counters");
		return -EINVAL;
	}
	*okind = strata_ctr_okind(nla_get_u8(tb[STRATA_CTR_A_KIND]));
	if (!tb[STRATA_CTR_A_ID])
		return 0;
	*id = nla_get_u32(tb[STRATA_CTR_A_ID]);
	mutex_lock(&sn->lock);
	ret = strata_ctr_obj(sn, *okind, *id, false, &found, &c, &n) ?
		0 : -ENOENT;
	mutex_unlock(&sn->lock);
	if (ret)
		NL_SET_ERR_MSG_ATTR(extack, tb[STRATA_CTR_A_ID],
				    "no object of this kind with this id");
	return ret;
}

static int strata_dump_counters(struct sk_buff *skb,
				struct netlink_callback *cb,
				struct strata_net *sn, u64 gen)
{
	struct strata_dump *d = strata_dump_ctx(cb);
	u32 phase = CTR_PHASE(d->cursor), id = CTR_ID(d->cursor);
	u32 i = CTR_IDX(d->cursor), n, oid;
	bool more = d->cursor != 0 || d->partial;
	int written = 0;
	void *hdr;

	hdr = strata_dump_msg(skb, cb, gen);
	if (!hdr)
		return -EMSGSIZE;
	for (; phase < ARRAY_SIZE(strata_ctr_phase_kind); phase++, id = 0) {
		u8 okind = strata_ctr_phase_kind[phase];
		const struct sc_ctr *c;
		const void *obj;

		if (d->set && d->set != okind)
			continue;
		/* the object in progress, then the following ones */
		obj = more && id ? strata_ctr_obj(sn, okind, id, false, &oid,
						  &c, &n) : NULL;
		if (!obj) {
			i = 0;
			obj = strata_ctr_obj(sn, okind, id, true, &oid, &c, &n);
		}
		more = false;
		for (; obj; i = 0,
		     obj = strata_ctr_obj(sn, okind, oid, true, &oid, &c, &n)) {
			if (d->filter && oid != d->filter)
				continue;
			for (; i < n; i++) {
				u8 kind, list;
				u32 idx;

				strata_ctr_meaning(okind, obj, i, &kind, &list,
						   &idx);
				if (strata_put_counter(skb, kind, oid, list,
						       idx, c, i)) {
					if (!written) {
						genlmsg_cancel(skb, hdr);
						return -EMSGSIZE;
					}
					d->cursor = CTR_CURSOR(phase, oid, i);
					d->partial = 1;
					genlmsg_end(skb, hdr);
					return skb->len;
				}
				written++;
			}
		}
	}
	d->done = 1;
	genlmsg_end(skb, hdr);
	return skb->len;
}

static int strata_get_counters_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	NL_SET_ERR_MSG(info->extack,
		       "STRATA_CMD_GET_COUNTERS is a dump: set NLM_F_DUMP");
	return -EOPNOTSUPP;
}

static int strata_reset_counters(struct sk_buff *skb, struct genl_info *info)
{
	struct strata_net *sn = strata_pernet(genl_info_net(info));
	u8 phase, okind;
	u32 id, oid, n;
	int ret;

	ret = strata_ctr_select(sn, info->attrs[STRATA_A_COUNTER],
				info->extack, &okind, &id);
	if (ret)
		return ret;
	mutex_lock(&sn->lock);
	for (phase = 0; phase < ARRAY_SIZE(strata_ctr_phase_kind); phase++) {
		u8 k = strata_ctr_phase_kind[phase];
		const struct sc_ctr *c;
		const void *obj;

		if (okind && okind != k)
			continue;
		for (obj = strata_ctr_obj(sn, k, 0, true, &oid, &c, &n); obj;
		     obj = strata_ctr_obj(sn, k, oid, true, &oid, &c, &n))
			if ((!id || oid == id) && c)
				strata_ctr_reset((struct sc_ctr *)c, n);
	}
	mutex_unlock(&sn->lock);
	return 0;
}

/* ---- the family ------------------------------------------------------- */

#define STRATA_GET_OP(c, doit_fn) {		\
	.cmd = c,				\
	.doit = doit_fn,			\
	.dumpit = strata_dumpit,		\
	.flags = GENL_UNS_ADMIN_PERM,		\
}

static const struct genl_ops strata_genl_ops[] = {
	STRATA_GET_OP(STRATA_CMD_GET_TIER, strata_get_obj),
	STRATA_GET_OP(STRATA_CMD_GET_POLICY, strata_get_obj),
	STRATA_GET_OP(STRATA_CMD_GET_IPSET, strata_get_obj),
	STRATA_GET_OP(STRATA_CMD_GET_MEMBERS, strata_get_members_doit),
	STRATA_GET_OP(STRATA_CMD_GET_ENDPOINT, strata_get_obj),
	STRATA_GET_OP(STRATA_CMD_GET_COUNTERS, strata_get_counters_doit),
};

#define STRATA_DO_OP(c, fn) {			\
	.cmd = c,				\
	.doit = fn,				\
	.flags = GENL_UNS_ADMIN_PERM,		\
}

static const struct genl_small_ops strata_genl_small_ops[] = {
	STRATA_DO_OP(STRATA_CMD_GET_VERSION, strata_get_version),
	STRATA_DO_OP(STRATA_CMD_TX_BEGIN, strata_tx_begin),
	STRATA_DO_OP(STRATA_CMD_TX_COMMIT, strata_tx_commit),
	STRATA_DO_OP(STRATA_CMD_TX_ABORT, strata_tx_abort),
	STRATA_DO_OP(STRATA_CMD_NEW_TIER, strata_new_tier),
	STRATA_DO_OP(STRATA_CMD_DEL_TIER, strata_del_obj),
	STRATA_DO_OP(STRATA_CMD_NEW_POLICY, strata_new_policy),
	STRATA_DO_OP(STRATA_CMD_DEL_POLICY, strata_del_obj),
	STRATA_DO_OP(STRATA_CMD_NEW_IPSET, strata_new_ipset),
	STRATA_DO_OP(STRATA_CMD_DEL_IPSET, strata_del_obj),
	STRATA_DO_OP(STRATA_CMD_ADD_MEMBERS, strata_add_members),
	STRATA_DO_OP(STRATA_CMD_DEL_MEMBERS, strata_del_members),
	STRATA_DO_OP(STRATA_CMD_NEW_ENDPOINT, strata_new_endpoint),
	STRATA_DO_OP(STRATA_CMD_DEL_ENDPOINT, strata_del_obj),
	STRATA_DO_OP(STRATA_CMD_SET_SETTINGS, strata_set_settings),
	STRATA_DO_OP(STRATA_CMD_GET_SETTINGS, strata_get_settings),
	STRATA_DO_OP(STRATA_CMD_GET_STATS, strata_get_stats),
	STRATA_DO_OP(STRATA_CMD_FLUSH, strata_flush),
	STRATA_DO_OP(STRATA_CMD_RESET_COUNTERS, strata_reset_counters),
};

static struct genl_family strata_genl_family __ro_after_init = {
	.name = STRATA_GENL_NAME,
	.version = STRATA_GENL_VERSION,
	/* no core policy: see DOC: Validation */
	.maxattr = 0,
	.resv_start_op = __STRATA_CMD_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.pre_doit = strata_pre_doit,
	.post_doit = strata_post_doit,
	.module = THIS_MODULE,
	.ops = strata_genl_ops,
	.n_ops = ARRAY_SIZE(strata_genl_ops),
	.small_ops = strata_genl_small_ops,
	.n_small_ops = ARRAY_SIZE(strata_genl_small_ops),
	.mcgrps = strata_mcgrps,
	.n_mcgrps = ARRAY_SIZE(strata_mcgrps),
};

/* The owner of a transaction closed its socket: abort the transaction. */
static int strata_netlink_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct netlink_notify *n = ptr;
	struct strata_net *sn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	sn = strata_pernet(n->net);
	if (READ_ONCE(sn->tx_portid) != n->portid)
		return NOTIFY_DONE;
	mutex_lock(&sn->lock);
	if (sn->tx && sn->tx_portid == n->portid)
		strata_tx_abort_locked(sn);
	mutex_unlock(&sn->lock);
	return NOTIFY_OK;
}

static struct notifier_block strata_netlink_notifier = {
	.notifier_call = strata_netlink_event,
};

/**
 * strata_genl_init() - register the family and the netlink release notifier
 *
 * Return: 0 or a negative errno.
 */
int __init strata_genl_init(void)
{
	int ret;

	ret = genl_register_family(&strata_genl_family);
	if (ret)
		return ret;
	ret = netlink_register_notifier(&strata_netlink_notifier);
	if (ret)
		goto err_notifier;
	return 0;

err_notifier:
	genl_unregister_family(&strata_genl_family);
	return ret;
}

/**
 * strata_genl_uninit() - unregister the notifier and the family
 */
void strata_genl_uninit(void)
{
	netlink_unregister_notifier(&strata_netlink_notifier);
	genl_unregister_family(&strata_genl_family);
}

/**
 * strata_genl_has_flow_listeners() - does anyone subscribe to "flows"?
 * @net: the namespace
 *
 * Context: any, including the packet path.
 * Return: true if a socket in @net is subscribed.
 */
bool strata_genl_has_flow_listeners(struct net *net)
{
	return STRATA_MCAST_ENABLED &&
	       genl_has_listeners(&strata_genl_family, net,
				  STRATA_MCGRP_FLOWS_ID);
}

/**
 * strata_genl_put_flow_header() - start a flow event message
 * @msg: the message
 *
 * Return: the genetlink header, or NULL if @msg has no room.
 */
void *strata_genl_put_flow_header(struct sk_buff *msg)
{
	return genlmsg_put(msg, 0, 0, &strata_genl_family, 0,
			   STRATA_CMD_FLOW_EVENT);
}

/**
 * strata_genl_send_flow() - multicast a flow event on "flows"
 * @net: the namespace
 * @msg: the message (consumed)
 *
 * Context: any; never sleeps.
 * Return: 0, -ESRCH without subscribers, or -ENOBUFS if a subscriber's
 * queue was full.
 */
int strata_genl_send_flow(struct net *net, struct sk_buff *msg)
{
	return genlmsg_multicast_netns(&strata_genl_family, net, msg, 0,
				       STRATA_MCGRP_FLOWS_ID, GFP_ATOMIC);
}
