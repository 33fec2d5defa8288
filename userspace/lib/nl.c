// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Generic netlink transport: family resolution, sending request vectors and
 * receiving their replies with extended acks. libnl-genl opens the socket
 * and builds messages; replies are walked here, message by message, because
 * libnl 3.7 exposes neither extack nor the error code of NLMSG_DONE.
 *
 * DOC: Replies
 *
 * Every request is sent with its own sequence number; messages with another
 * one (late replies to an earlier request) are skipped. A plain request
 * ends with an ack (NLMSG_ERROR, code 0 or an error); a dump ends with
 * NLMSG_DONE, whose payload may carry an error and an extack of its own.
 * Data messages go to the request's callback with their top-level
 * attributes parsed. After the first error (the kernel's or the
 * callback's) the rest of the replies is read and dropped, so that the
 * socket is clean for the next request.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "strata.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/**
 * strata_nl_open() - open a generic netlink handle for the strata family
 * @err: why it failed (STRATA_ERR_TRANSPORT)
 *
 * Return: the handle, or NULL.
 */
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
	/* Requests go up to STRATA_MSG_BUDGET; replies can be larger. */
	nl_socket_set_buffer_size(nl->sk, STRATA_SOCK_BUF, STRATA_SOCK_BUF);
	nl_socket_enable_msg_peek(nl->sk);
	/* strata_nl_do() decides about NLM_F_ACK */
	nl_socket_disable_auto_ack(nl->sk);
	nl->request = strata_nl_request;
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
	if (err)
		err->src = STRATA_ERR_TRANSPORT;
	return NULL;
}

/**
 * strata_nl_close() - close a handle
 * @nl: the handle (may be NULL); a transaction still open on it is aborted
 *      by the kernel when the socket closes
 */
void strata_nl_close(struct strata_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

static void format_kernel_msg(struct strata_err *err)
{
	const char *text = err->kmsg;

	if (!text[0] && err->miss_type >= 0)
		text = "a required attribute is missing";
	strata_err_format(err, text);
}

/* Extended ack TLVs at @base + @off, up to @len. */
static void parse_ext_tlvs(const unsigned char *base, size_t off, size_t len,
			   struct strata_err *err)
{
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const struct nlattr *)(base + off);
		const unsigned char *d = base + off + NLA_HDRLEN;
		size_t alen = a->nla_len, n;
		uint32_t v;

		if (alen < NLA_HDRLEN || off + alen > len)
			break;
		n = alen - NLA_HDRLEN;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (n >= sizeof(err->kmsg))
				n = sizeof(err->kmsg) - 1;
			memcpy(err->kmsg, d, n);
			err->kmsg[n] = '\0';
			n = strlen(err->kmsg);
			while (n && err->kmsg[n - 1] == '\n')
				err->kmsg[--n] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (n >= sizeof(uint32_t)) {
				memcpy(&v, d, sizeof(v));
				err->offset = (int32_t)v;
			}
			break;
		case NLMSGERR_ATTR_COOKIE:
			if (n == sizeof(struct strata_err_cookie)) {
				struct strata_err_cookie c;

				memcpy(&c, d, sizeof(c));
				err->obj_kind = c.kind;
				err->obj_id = c.id;
			}
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (n >= sizeof(uint32_t)) {
				memcpy(&v, d, sizeof(v));
				err->miss_type = (int)v;
			}
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			/* where the missing attribute belonged */
			if (n >= sizeof(uint32_t) && err->offset < 0) {
				memcpy(&v, d, sizeof(v));
				err->offset = (int32_t)v;
			}
			break;
		default:
			break;
		}
		off += NLA_ALIGN(alen);
	}
}

/**
 * strata_nl_parse_error() - decode an NLMSG_ERROR message
 * @nlh: the message, nlmsg_len bytes long
 * @err: filled with the errno, the extack text, the object the kernel's
 *       cookie names and the offending attribute's offset
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
	    nlh->nlmsg_type != NLMSG_ERROR) {
		strata_err_set(err, -EBADMSG, "malformed error message");
		err->src = STRATA_ERR_TRANSPORT;
		return -EBADMSG;
	}
	len = nlh->nlmsg_len - NLMSG_HDRLEN;
	err->code = e->error;
	err->src = STRATA_ERR_KERNEL;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(e->msg))
			return e->error;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	}
	parse_ext_tlvs(base, off, len, err);
	format_kernel_msg(err);
	return e->error;
}

/* NLMSG_DONE: an int error, then (NLM_F_ACK_TLVS) an extack. */
static int parse_done(const struct nlmsghdr *nlh, struct strata_err *err)
{
	const unsigned char *base = NLMSG_DATA(nlh);
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN;
	int code;

	if (len < sizeof(int))
		return 0;
	memcpy(&code, base, sizeof(code));
	if (code >= 0)
		return 0;
	strata_err_clear(err);
	err->code = code;
	err->src = STRATA_ERR_KERNEL;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		parse_ext_tlvs(base, sizeof(int), len, err);
	format_kernel_msg(err);
	return code;
}

void strata_rx_init(struct strata_rx *rx, strata_rx_fn fn, void *arg,
		    uint32_t seq, bool dump)
{
	memset(rx, 0, sizeof(*rx));
	rx->fn = fn;
	rx->arg = arg;
	rx->seq = seq;
	rx->dump = dump;
}

static int rx_fail(struct strata_rx *rx, struct strata_err *err,
		   struct strata_err *e)
{
	if (!rx->ret) {
		rx->ret = e->code;
		if (err)
			*err = *e;
	}
	return rx->ret;
}

static void rx_data(struct strata_rx *rx, const struct nlmsghdr *nlh,
		    struct strata_err *err)
{
	const struct nlattr *tb[STRATA_A_MAX + 1];
	struct strata_err e;
	uint64_t gen;
	int ret;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		rx->intr = true;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    strata_attr_parse(tb, STRATA_A_MAX,
			      (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
			      nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN)) {
		strata_err_set(&e, -EBADMSG, "malformed reply from the kernel");
		e.src = STRATA_ERR_TRANSPORT;
		rx_fail(rx, err, &e);
		return;
	}
	if (tb[STRATA_A_GENERATION] &&
	    nla_len(tb[STRATA_A_GENERATION]) >= (int)sizeof(gen)) {
		memcpy(&gen, nla_data(tb[STRATA_A_GENERATION]), sizeof(gen));
		if (rx->have_gen && gen != rx->gen && rx->dump)
			rx->intr = true;
		rx->gen = gen;
		rx->have_gen = true;
	}
	if (rx->ret || !rx->fn)
		return;
	strata_err_clear(&e);
	ret = rx->fn(nlh, tb, rx->arg, &e);
	if (ret < 0) {
		if (!e.code) {
			strata_err_set(
				&e, ret, "%s",
				ret == -EBADMSG
					? "malformed reply from the kernel"
					: strerror(-ret));
			if (ret == -EBADMSG)
				e.src = STRATA_ERR_TRANSPORT;
		}
		e.code = ret;
		rx_fail(rx, err, &e);
	}
}

/* One message; returns 1 once the request is complete. */
static int rx_msg(struct strata_rx *rx, const struct nlmsghdr *nlh,
		  struct strata_err *err)
{
	struct strata_err e;
	int code;

	if (nlh->nlmsg_seq != rx->seq)
		return 0;
	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return 0;
	case NLMSG_OVERRUN:
		strata_err_set(&e, -EOVERFLOW, "netlink receive overrun");
		e.src = STRATA_ERR_TRANSPORT;
		rx_fail(rx, err, &e);
		rx->done = true;
		return 1;
	case NLMSG_ERROR:
		code = strata_nl_parse_error(nlh, &e);
		if (code < 0)
			rx_fail(rx, err, &e);
		rx->done = true;
		return 1;
	case NLMSG_DONE:
		code = parse_done(nlh, &e);
		if (code < 0)
			rx_fail(rx, err, &e);
		rx->done = true;
		return 1;
	default:
		rx_data(rx, nlh, err);
		return 0;
	}
}

/**
 * strata_rx_buf() - feed received bytes (one or more messages)
 * @rx: the request's reply state
 * @buf: what recv() returned
 * @len: its length
 * @err: receives the first error
 *
 * Return: 1 when the request is complete, 0 if more is to come.
 */
int strata_rx_buf(struct strata_rx *rx, const void *buf, size_t len,
		  struct strata_err *err)
{
	const struct nlmsghdr *nlh = buf;
	int rem = (int)len;

	for (; NLMSG_OK(nlh, rem); nlh = NLMSG_NEXT(nlh, rem))
		if (rx_msg(rx, nlh, err))
			return 1;
	return rx->done;
}

/**
 * strata_rx_result() - the outcome of a request once its replies are in
 * @rx: the reply state
 * @err: set for an inconsistent dump
 *
 * Return: 0, the first error, or -EAGAIN if a dump was interrupted by a
 * commit.
 */
int strata_rx_result(const struct strata_rx *rx, struct strata_err *err)
{
	if (rx->ret)
		return rx->ret;
	if (rx->intr) {
		strata_err_set(
			err, -EAGAIN,
			"the configuration changed while it was being read (dump interrupted); try again");
		if (err)
			err->src = STRATA_ERR_KERNEL;
		return -EAGAIN;
	}
	return 0;
}

/*
 * Our arrays number their elements from 1 within each message (the uapi
 * lets the type be anything); turn them into indexes in the whole list.
 */
static void path_indexes(const struct strata_req *req, struct strata_err *err)
{
	uint32_t *p = err->path;

	if (err->depth >= 3 && p[0] == STRATA_A_POLICY &&
	    (p[1] == STRATA_POLICY_A_INGRESS || p[1] == STRATA_POLICY_A_EGRESS))
		p[2] = req->base[p[1] == STRATA_POLICY_A_INGRESS ? SC_INGRESS
								 : SC_EGRESS] +
		       p[2] - 1;
	if (err->depth >= 4 && p[0] == STRATA_A_ENDPOINT &&
	    p[1] == STRATA_EP_A_LISTS)
		p[3] -= 1;
	if (err->depth >= 3 && p[0] == STRATA_A_SETTINGS &&
	    p[1] == STRATA_SET_A_WL_PREFIXES)
		p[2] -= 1;
}

/**
 * strata_nl_resolve_attr() - name the attribute an extack offset points at
 * @req: the request the kernel answered
 * @err: its error; @err->offset is read, @err->attr and @err->path set
 *
 * The offset counts from the request's netlink header. Nested attributes
 * are followed down to the innermost one that contains the offset.
 */
void strata_nl_resolve_attr(const struct strata_req *req,
			    struct strata_err *err)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(req->msg);
	const unsigned char *base = (const unsigned char *)nlh;
	size_t pos = NLMSG_HDRLEN + GENL_HDRLEN, end = nlh->nlmsg_len, off;

	if (err->offset < (int32_t)(NLMSG_HDRLEN + GENL_HDRLEN) ||
	    (size_t)err->offset + NLA_HDRLEN > nlh->nlmsg_len)
		return;
	off = (size_t)err->offset;
	err->depth = 0;
	while (pos + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)(base + pos);
		size_t alen = a->nla_len;

		if (alen < NLA_HDRLEN || pos + alen > end)
			break;
		if (off < pos || off >= pos + alen) {
			pos += NLA_ALIGN(alen);
			continue;
		}
		err->attr = a->nla_type & NLA_TYPE_MASK;
		err->path[err->depth++] = (uint32_t)err->attr;
		if (off == pos || !(a->nla_type & NLA_F_NESTED) ||
		    err->depth == STRATA_ERR_PATH_MAX)
			break;
		end = pos + alen;
		pos += NLA_HDRLEN;
	}
	if (err->miss_type >= 0 && err->depth < STRATA_ERR_PATH_MAX)
		err->path[err->depth++] = (uint32_t)err->miss_type;
	path_indexes(req, err);
}

/**
 * strata_req_is_dump() - whether a request is a dump
 * @nlh: the request
 *
 * NLM_F_DUMP is two bits, and one of them is NLM_F_REPLACE (NLM_F_ROOT):
 * a request is a dump only with both.
 *
 * Return: true for a dump.
 */
bool strata_req_is_dump(const struct nlmsghdr *nlh)
{
	return (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/**
 * strata_nl_request() - send one request and process its replies
 * @nl: the handle
 * @req: the request (its message gets the handle's port and a sequence
 *       number; strata_nl_do() has set NLM_F_ACK unless it is a dump)
 * @fn: called for each reply message (may be NULL)
 * @arg: its argument
 * @generation: if not NULL, the generation the replies reported (left
 *              alone if they reported none)
 * @err: the kernel's error, or a transport error
 *
 * Return: 0 or a negative errno (-EAGAIN for an interrupted dump).
 */
int strata_nl_request(struct strata_nl *nl, struct strata_req *req,
		      strata_rx_fn fn, void *arg, uint64_t *generation,
		      struct strata_err *err)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req->msg);
	bool dump = strata_req_is_dump(nlh);
	struct sockaddr_nl who;
	struct strata_rx rx;
	int ret;

	strata_err_clear(err);
	nlh->nlmsg_seq = NL_AUTO_SEQ;
	nlh->nlmsg_pid = NL_AUTO_PORT;
	nl_complete_msg(nl->sk, req->msg);
	ret = nl_send(nl->sk, req->msg);
	if (ret < 0) {
		strata_err_set(err, -EIO, "cannot send to the kernel: %s",
			       nl_geterror(ret));
		if (err)
			err->src = STRATA_ERR_TRANSPORT;
		return -EIO;
	}
	strata_rx_init(&rx, fn, arg, nlh->nlmsg_seq, dump);
	while (!rx.done) {
		unsigned char *buf = NULL;

		ret = nl_recv(nl->sk, &who, &buf, NULL);
		if (ret <= 0) {
			free(buf);
			strata_err_set(err, -EIO,
				       "cannot receive from the kernel: %s",
				       ret ? nl_geterror(ret) : "end of file");
			if (err)
				err->src = STRATA_ERR_TRANSPORT;
			return -EIO;
		}
		strata_rx_buf(&rx, buf, (size_t)ret, err);
		free(buf);
	}
	ret = strata_rx_result(&rx, err);
	if (generation && rx.have_gen)
		*generation = rx.gen;
	return ret;
}

/**
 * strata_nl_do() - send one request the handle's way, name what it refused
 * @nl: the handle
 * @req: the request
 * @fn: called for each reply message (may be NULL)
 * @arg: its argument
 * @generation: if not NULL, the generation the replies reported
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_nl_do(struct strata_nl *nl, struct strata_req *req, strata_rx_fn fn,
		 void *arg, uint64_t *generation, struct strata_err *err)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req->msg);
	int ret;

	/* a request ends with its ack; a dump with NLMSG_DONE instead */
	if (strata_req_is_dump(nlh))
		nlh->nlmsg_flags &= ~NLM_F_ACK;
	else
		nlh->nlmsg_flags |= NLM_F_ACK;
	ret = nl->request(nl, req, fn, arg, generation, err);

	if (ret < 0 && err && err->src == STRATA_ERR_KERNEL)
		strata_nl_resolve_attr(req, err);
	return ret;
}

/**
 * strata_nl_send() - send every message of a vector, atomically
 * @nl: the handle
 * @rv: the messages
 * @err: the first failure
 *
 * A vector of more than one message is wrapped in a transaction of its
 * own unless one is already open on @nl (then the caller's transaction
 * provides the atomicity). On error that implicit transaction is aborted.
 *
 * Return: 0 or a negative errno.
 */
int strata_nl_send(struct strata_nl *nl, struct strata_reqv *rv,
		   struct strata_err *err)
{
	bool implicit = rv->n > 1 && !nl->tx_open;
	struct strata_err tmp;
	size_t i;
	int ret = 0;

	if (implicit) {
		ret = strata_tx_begin(nl, err);
		if (ret)
			return ret;
	}
	for (i = 0; i < rv->n && !ret; i++)
		ret = strata_nl_do(nl, &rv->v[i], NULL, NULL, NULL, err);
	if (implicit) {
		if (ret)
			strata_tx_abort(nl, &tmp);
		else
			ret = strata_tx_commit(nl, NULL, err);
	}
	return ret;
}
