// SPDX-License-Identifier: GPL-2.0
/*
 * libstrata's decoding of NLMSG_ERROR replies: plain errors, extended acks
 * with and without the echoed request, and malformed input that must not
 * be read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <linux/netlink.h>
#include "strata.h"
#include "nl.h"

struct buf {
	union {
		struct nlmsghdr nlh;
		unsigned char b[1024];
	};
	size_t len;
};

/* An error reply to a request of req_len bytes, echoing it unless capped. */
static void mk_error(struct buf *m, int error, uint16_t flags, size_t req_len)
{
	struct nlmsgerr *e;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = NLMSG_ERROR;
	m->nlh.nlmsg_flags = flags;
	e = NLMSG_DATA(&m->nlh);
	e->error = error;
	e->msg.nlmsg_len = req_len;
	e->msg.nlmsg_type = 0x20;
	m->len = NLMSG_HDRLEN + sizeof(*e);
	if (!(flags & NLM_F_CAPPED))
		m->len += NLMSG_ALIGN(req_len) - sizeof(e->msg);
	m->nlh.nlmsg_len = m->len;
}

static void add_attr(struct buf *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(m->b + m->len + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(a->nla_len);
	m->nlh.nlmsg_len = m->len;
}

static void plain_error(void **state)
{
	struct strata_err err;
	struct buf m;

	mk_error(&m, -EPERM, 0, 20);
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EPERM);
	assert_int_equal(err.code, -EPERM);
	assert_string_equal(err.msg, "");
	assert_int_equal(err.offset, -1);
}

static void ack_is_zero(void **state)
{
	struct strata_err err;
	struct buf m;

	mk_error(&m, 0, NLM_F_CAPPED, 20);
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), 0);
	assert_int_equal(err.code, 0);
}

static void extack_capped(void **state)
{
	static const char txt[] = "Attribute failed policy validation\n";
	uint32_t off = 24;
	struct strata_err err;
	struct buf m;

	mk_error(&m, -EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 40);
	add_attr(&m, NLMSGERR_ATTR_MSG, txt, sizeof(txt));
	add_attr(&m, NLMSGERR_ATTR_OFFS, &off, sizeof(off));
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EINVAL);
	/* the trailing newline is dropped */
	assert_string_equal(err.msg, "Attribute failed policy validation");
	assert_int_equal(err.offset, 24);
}

static void extack_uncapped(void **state)
{
	static const char txt[] = "unknown tier";
	struct strata_err err;
	struct buf m;

	/* 52-byte request echoed in full before the TLVs */
	mk_error(&m, -ENOENT, NLM_F_ACK_TLVS, 52);
	add_attr(&m, NLMSGERR_ATTR_MSG, txt, sizeof(txt));
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -ENOENT);
	assert_string_equal(err.msg, "unknown tier");
}

static void extack_long_message_truncated(void **state)
{
	char txt[400];
	struct strata_err err;
	struct buf m;

	memset(txt, 'x', sizeof(txt) - 1);
	txt[sizeof(txt) - 1] = '\0';
	mk_error(&m, -EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 20);
	add_attr(&m, NLMSGERR_ATTR_MSG, txt, sizeof(txt));
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EINVAL);
	assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
}

static void extack_truncated_attr_ignored(void **state)
{
	static const char txt[] = "message";
	struct strata_err err;
	struct nlattr *a;
	struct buf m;

	mk_error(&m, -EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 20);
	add_attr(&m, NLMSGERR_ATTR_MSG, txt, sizeof(txt));
	/* claim the attribute runs past the end of the message */
	a = (struct nlattr *)(m.b + NLMSG_HDRLEN + sizeof(struct nlmsgerr));
	a->nla_len = 200;
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EINVAL);
	assert_string_equal(err.msg, "");
}

static void echoed_length_lies(void **state)
{
	struct strata_err err;
	struct nlmsgerr *e;
	struct buf m;

	mk_error(&m, -EINVAL, NLM_F_ACK_TLVS, 20);
	e = NLMSG_DATA(&m.nlh);
	e->msg.nlmsg_len = 4; /* shorter than a header: no TLVs trusted */
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EINVAL);
	assert_string_equal(err.msg, "");
}

static void not_an_error_message(void **state)
{
	struct strata_err err;
	struct buf m;

	mk_error(&m, -EINVAL, 0, 20);
	m.nlh.nlmsg_type = NLMSG_DONE;
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EBADMSG);
	mk_error(&m, -EINVAL, 0, 20);
	m.nlh.nlmsg_len = NLMSG_HDRLEN + 2;
	assert_int_equal(strata_nl_parse_error(&m.nlh, &err), -EBADMSG);
}

static void err_helpers(void **state)
{
	struct strata_err err;

	assert_int_equal(strata_err_set(&err, -ENOSPC, "limit %d", 7), -ENOSPC);
	assert_string_equal(err.msg, "limit 7");
	assert_int_equal(err.attr, -1);
	strata_err_clear(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
	/* a NULL err is allowed and still returns the code */
	assert_int_equal(strata_err_set(NULL, -EIO, "x"), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_error),
		cmocka_unit_test(ack_is_zero),
		cmocka_unit_test(extack_capped),
		cmocka_unit_test(extack_uncapped),
		cmocka_unit_test(extack_long_message_truncated),
		cmocka_unit_test(extack_truncated_attr_ignored),
		cmocka_unit_test(echoed_length_lies),
		cmocka_unit_test(not_an_error_message),
		cmocka_unit_test(err_helpers),
	};

	return cmocka_run_group_tests_name("nl_error", tests, NULL, NULL);
}
