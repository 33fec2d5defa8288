// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Generic netlink transport: family resolution, request/reply with extended
 * acks. libnl-genl does the socket work; extack parsing is done here because
 * libnl 3.7 does not expose it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "strata.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct strata_nl *strata_nl_open(struct strata_err *err)
{
	struct strata_nl *nl;
	int one = 1;
	int ret;

	strata_err_clear(err);
	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		strata_err_set(err, -ENOMEM, "out of memory");
		return NULL;
	}
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		strata_err_set(err, -ENOMEM, "out of memory");
		goto err_free;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		strata_err_set(err, -ECONNREFUSED,
			       "cannot open a generic netlink socket: %s",
			       nl_geterror(ret));
		goto err_sock;
	}
	/* Best effort: kernels without extack still work, just less chatty. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, STRATA_GENL_NAME);
	if (nl->family < 0) {
		strata_err_set(
			err, -ENOENT,
			"the strata kernel module is not loaded (generic netlink family \"%s\" not found)",
			STRATA_GENL_NAME);
		goto err_sock;
	}
	return nl;

err_sock:
	nl_socket_free(nl->sk);
err_free:
	free(nl);
	return NULL;
}

void strata_nl_close(struct strata_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct nl_msg *strata_nl_msg(struct strata_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, STRATA_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct xact {
	strata_nl_parse_fn parse;
	void *arg;
	struct strata_err *err;
	int ret;
	bool done;
};

/**
 * strata_nl_parse_error() - decode an NLMSG_ERROR message
 * @nlh: the message, nlmsg_len bytes long
 * @err: filled with the errno, the extack text and the offending attribute
 *
 * Return: the (negative or zero) error code, or -EBADMSG if @nlh is not a
 * well-formed NLMSG_ERROR message.
 */
int strata_nl_parse_error(const struct nlmsghdr *nlh, struct strata_err *err)
{
	const unsigned char *base = NLMSG_DATA(nlh);
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t len, off = sizeof(*e);

	strata_err_clear(err);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*e) ||
	    nlh->nlmsg_type != NLMSG_ERROR)
		return strata_err_set(err, -EBADMSG, "malformed error message");
	len = nlh->nlmsg_len - NLMSG_HDRLEN;
	err->code = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(e->msg))
			return e->error;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	}
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const struct nlattr *)(base + off);
		size_t alen = a->nla_len, n;

		if (alen < NLA_HDRLEN || off + alen > len)
			break;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			n = alen - NLA_HDRLEN;
			if (n >= sizeof(err->msg))
				n = sizeof(err->msg) - 1;
			memcpy(err->msg, base + off + NLA_HDRLEN, n);
			err->msg[n] = '\0';
			n = strlen(err->msg);
			while (n && err->msg[n - 1] == '\n')
				err->msg[--n] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (alen >= NLA_HDRLEN + sizeof(uint32_t))
				memcpy(&err->offset, base + off + NLA_HDRLEN,
				       sizeof(uint32_t));
			break;
		default:
			break;
		}
		off += NLA_ALIGN(alen);
	}
	return e->error;
}

static int cb_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct xact *x = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct strata_err tmp;

	(void)who;
	x->ret = strata_nl_parse_error(nlh, x->err ? x->err : &tmp);
	x->done = true;
	return NL_STOP;
}

static int cb_valid(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;
	int ret;

	if (!x->parse)
		return NL_OK;
	ret = x->parse(msg, x->arg);
	if (ret < 0) {
		x->ret = ret;
		strata_err_set(x->err, ret, "malformed reply from the kernel");
		return NL_STOP;
	}
	return NL_OK;
}

static int cb_finish(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	(void)msg;
	x->done = true;
	return NL_STOP;
}

static int cb_ack(struct nl_msg *msg, void *arg)
{
	return cb_finish(msg, arg);
}

/* Map the extack offset back to the attribute type in what we sent. */
static void resolve_attr(struct nl_msg *msg, struct strata_err *err)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	const struct nlattr *a;

	if (err->offset < (int32_t)(NLMSG_HDRLEN + GENL_HDRLEN) ||
	    (size_t)err->offset + NLA_HDRLEN > nlh->nlmsg_len)
		return;
	a = (const struct nlattr *)((const char *)nlh + err->offset);
	err->attr = a->nla_type & NLA_TYPE_MASK;
}

int strata_nl_transact(struct strata_nl *nl, struct nl_msg *msg,
		       strata_nl_parse_fn parse, void *arg,
		       struct strata_err *err)
{
	struct xact x = { .parse = parse, .arg = arg, .err = err };
	struct nl_cb *cb;
	int ret;

	strata_err_clear(err);
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb)
		return strata_err_set(err, -ENOMEM, "out of memory");
	nl_cb_err(cb, NL_CB_CUSTOM, cb_error, &x);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, cb_valid, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, cb_finish, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, cb_ack, &x);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		ret = strata_err_set(err, -EIO, "send failed: %s",
				     nl_geterror(ret));
		goto out;
	}
	while (!x.done && x.ret == 0) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && x.ret == 0) {
			ret = strata_err_set(err, -EIO, "receive failed: %s",
					     nl_geterror(ret));
			goto out;
		}
	}
	ret = x.ret;
	if (ret < 0 && err)
		resolve_attr(msg, err);
out:
	nl_cb_put(cb);
	return ret;
}
