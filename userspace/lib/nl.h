/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal to libstrata (and its unit tests): the generic netlink
 * transport, the request encoders and the reply decoders.
 *
 * Encoders never touch a socket: they turn an object into a vector of
 * request messages (struct strata_reqv), split to fit. Decoders take the
 * attributes of one message. The transport sends a vector and feeds what
 * comes back, message by message, through struct strata_rx. Unit tests
 * drive the same code with messages built in memory.
 */
#ifndef STRATA_LIB_NL_H
#define STRATA_LIB_NL_H

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include "strata.h"

/*
 * Every request message is at most this long, so that the outermost
 * attribute (and therefore every attribute) stays below the 64 KiB that
 * nla_len can express, with room to spare for the headers.
 */
#define STRATA_MSG_BUDGET (60 * 1024)

/* The netlink socket buffers libstrata asks for (large dumps, requests). */
#define STRATA_SOCK_BUF (1024 * 1024)

struct strata_nl;
struct strata_req;

/* Receiving (nl.c). @tb holds the message's top-level attributes. */
typedef int (*strata_rx_fn)(const struct nlmsghdr *nlh,
			    const struct nlattr *const *tb, void *arg,
			    struct strata_err *err);

/* Send one request and feed its replies to @fn (see strata_nl_request()). */
typedef int (*strata_request_fn)(struct strata_nl *nl, struct strata_req *req,
				 strata_rx_fn fn, void *arg,
				 uint64_t *generation, struct strata_err *err);

/**
 * struct strata_nl - a handle
 * @sk: the socket
 * @family: the family's id
 * @tx_open: a transaction is open on this handle
 * @request: how requests travel: strata_nl_request() on the socket; unit
 *           tests put an in-memory kernel here
 * @priv: for @request
 */
struct strata_nl {
	struct nl_sock *sk;
	int family;
	bool tx_open;
	strata_request_fn request;
	void *priv;
};

/**
 * struct strata_req - one request message of a vector
 * @msg: the message (family, command and flags set; seq/port are not)
 * @base: for policy messages, the index in the whole policy of the first
 *        ingress/egress rule the message carries (to name the rule the
 *        kernel complains about)
 */
struct strata_req {
	struct nl_msg *msg;
	uint32_t base[SC_NDIRS];
};

/**
 * struct strata_reqv - the messages one logical request needs
 * @v: the messages, in sending order
 * @n: how many
 * @cap: allocated entries
 * @family: generic netlink family id written into each message
 * @budget: the largest message, bytes (STRATA_MSG_BUDGET unless a test
 *          wants smaller pieces)
 */
struct strata_reqv {
	struct strata_req *v;
	size_t n, cap;
	int family;
	size_t budget;
};

void strata_reqv_init(struct strata_reqv *rv, int family, size_t budget);
void strata_reqv_free(struct strata_reqv *rv);
struct nl_msg *strata_reqv_add(struct strata_reqv *rv, uint8_t cmd, int flags);

/* Encoders (enc.c): append the messages for one request to @rv. */
int strata_enc_simple(struct strata_reqv *rv, uint8_t cmd, int flags,
		      struct strata_err *err);
int strata_enc_tier(struct strata_reqv *rv, const struct sc_tier *t,
		    bool replace, struct strata_err *err);
int strata_enc_policy(struct strata_reqv *rv, const struct sc_policy *p,
		      bool replace, struct strata_err *err);
int strata_enc_ipset(struct strata_reqv *rv, const struct sc_ipset *s,
		     const struct strata_member *m, uint32_t n, bool replace,
		     struct strata_err *err);
int strata_enc_members(struct strata_reqv *rv, bool add, uint32_t id,
		       const char *name, const struct strata_member *m,
		       uint32_t n, bool exist_ok, struct strata_err *err);
int strata_enc_endpoint(struct strata_reqv *rv, const struct sc_endpoint *e,
			bool replace, struct strata_err *err);
int strata_enc_settings(struct strata_reqv *rv, const struct sc_settings *s,
			uint32_t mask, struct strata_err *err);
/* DEL_x, GET_x (one object; @dump: all, no selector) and GET_MEMBERS */
int strata_enc_ref(struct strata_reqv *rv, uint8_t cmd, uint8_t kind,
		   uint32_t id, const char *name, bool dump,
		   struct strata_err *err);
/* GET_COUNTERS (dump) or RESET_COUNTERS, for all or some objects. */
int strata_enc_counters(struct strata_reqv *rv, uint8_t cmd, uint8_t kind,
			uint32_t id, struct strata_err *err);
/* One rule as a nested attribute of type @type (tests build dumps). */
int strata_enc_rule(struct nl_msg *msg, int type, const struct sc_rule *r);
uint8_t strata_kind_cmd(uint8_t kind, int op);
uint16_t strata_kind_attr(uint8_t kind);

enum {
	STRATA_KCMD_NEW,
	STRATA_KCMD_DEL,
	STRATA_KCMD_GET
};

/*
 * Decoders (dec.c). They accept attributes they do not know (newer
 * kernels) and refuse malformed ones with -EBADMSG.
 */
int strata_attr_parse(const struct nlattr **tb, int max, const void *data,
		      int len);
int strata_attr_parse_nested(const struct nlattr **tb, int max,
			     const struct nlattr *nest);
/*
 * Call @fn for each top-level attribute of @type in a reply, in order: a
 * message may carry several objects (counter dumps do).
 */
int strata_msg_each(const struct nlmsghdr *nlh, int type,
		    int (*fn)(const struct nlattr *a, void *arg,
			      struct strata_err *err),
		    void *arg, struct strata_err *err);
int strata_dec_tier(const struct nlattr *nest, struct sc_tier **out,
		    struct strata_err *err);
/* @r's lists point into the attribute: copy the rule before freeing it. */
int strata_dec_rule(const struct nlattr *nest, struct sc_rule *r,
		    struct strata_err *err);
/* @m (may be NULL) points into the attribute. */
int strata_dec_ipset(const struct nlattr *nest, struct sc_ipset **out,
		     uint32_t *count, const struct strata_member **m,
		     uint32_t *n, struct strata_err *err);
int strata_dec_endpoint(const struct nlattr *nest, struct sc_endpoint **out,
			struct strata_err *err);
/* Fills the fields present and sets their bits in *@mask (may be NULL). */
int strata_dec_settings(const struct nlattr *nest, struct sc_settings *s,
			uint32_t *mask, struct strata_err *err);
int strata_dec_stats(const struct nlattr *nest, struct strata_stats *st,
		     struct strata_err *err);
int strata_dec_counter(const struct nlattr *nest, struct strata_counter *c,
		       struct strata_err *err);
/* A multicast message (COMMIT_EVENT or FLOW_EVENT); 1 if it is neither. */
int strata_dec_event(const struct nlmsghdr *nlh, struct strata_event *ev,
		     struct strata_err *err);

/**
 * struct strata_pasm - reassembles policies that span messages
 *
 * Accepts both shapes a policy travels in: dumps (continuations carry
 * STRATA_POLICY_A_INGRESS_START/EGRESS_START and totals in _COUNT) and
 * requests (continuations carry STRATA_POLICY_F_APPEND). A piece with the
 * id of the policy being assembled continues it; a policy is complete when
 * its counts are reached, or when the next policy or the end of the
 * stream arrives.
 */
struct strata_pasm {
	bool open;
	uint32_t id;
	char name[STRATA_NAME_LEN];
	bool have_count[SC_NDIRS];
	uint32_t count[SC_NDIRS];
	uint32_t n[SC_NDIRS], cap[SC_NDIRS];
	struct sc_rule *rules[SC_NDIRS];
	struct sc_arena scratch;
};

void strata_pasm_init(struct strata_pasm *a);
int strata_pasm_feed(struct strata_pasm *a, const struct nlattr *nest,
		     strata_policy_fn fn, void *arg, struct strata_err *err);
int strata_pasm_finish(struct strata_pasm *a, strata_policy_fn fn, void *arg,
		       struct strata_err *err);
void strata_pasm_release(struct strata_pasm *a);

/**
 * struct strata_rx - the state of one request's replies
 * @fn: called for each data message (may be NULL)
 * @arg: its argument
 * @seq: the request's sequence number; other messages are ignored
 * @dump: the request was a dump (ends with NLMSG_DONE, not an ack)
 * @done: the last message arrived
 * @intr: the dump was inconsistent (NLM_F_DUMP_INTR or the generation
 *        changed between messages)
 * @have_gen: @gen is valid
 * @gen: the generation the replies reported
 * @ret: the first error (kernel or callback), 0 if none
 */
struct strata_rx {
	strata_rx_fn fn;
	void *arg;
	uint32_t seq;
	bool dump;
	bool done;
	bool intr;
	bool have_gen;
	uint64_t gen;
	int ret;
};

void strata_rx_init(struct strata_rx *rx, strata_rx_fn fn, void *arg,
		    uint32_t seq, bool dump);
int strata_rx_buf(struct strata_rx *rx, const void *buf, size_t len,
		  struct strata_err *err);
int strata_rx_result(const struct strata_rx *rx, struct strata_err *err);

void strata_err_format(struct strata_err *err, const char *text);
int strata_nl_parse_error(const struct nlmsghdr *nlh, struct strata_err *err);
bool strata_req_is_dump(const struct nlmsghdr *nlh);
void strata_nl_resolve_attr(const struct strata_req *req,
			    struct strata_err *err);

int strata_nl_request(struct strata_nl *nl, struct strata_req *req,
		      strata_rx_fn fn, void *arg, uint64_t *generation,
		      struct strata_err *err);
int strata_nl_do(struct strata_nl *nl, struct strata_req *req, strata_rx_fn fn,
		 void *arg, uint64_t *generation, struct strata_err *err);
int strata_nl_send(struct strata_nl *nl, struct strata_reqv *rv,
		   struct strata_err *err);

#endif /* STRATA_LIB_NL_H */
