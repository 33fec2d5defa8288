// SPDX-License-Identifier: GPL-2.0
/*
 * libstrata's events: commit and flow messages of the "config" and "flows"
 * groups, built the way kmod/events.c builds them, decoded
 * (strata_dec_event()), printed and turned into JSON; malformed and
 * oversized events.
 */
#include "test_lib_util.h"

#define FAMILY 0x1f

static struct nl_msg *event_msg(struct strata_reqv *rv, uint8_t cmd)
{
	struct nl_msg *m = strata_reqv_add(rv, cmd, 0);

	assert_non_null(m);
	return m;
}

/* A flow as the kernel sends it: @n_steps steps, each with @n_logs logs. */
static void put_flow(struct nl_msg *m, uint8_t family, bool ports,
		     uint32_t n_steps, uint32_t n_logs, int saddr_len)
{
	/* 16 bytes each: the malformed case sends a long IPv4 address */
	static const uint8_t s4[16] = { 10, 0, 0, 1 }, d4[16] = { 10, 0, 0, 5 };
	static const uint8_t s6[16] = { 0xfd, [15] = 1 };
	static const uint8_t d6[16] = { 0xfd, [15] = 5 };
	struct nlattr *fl, *steps, *st, *logs, *l;
	uint32_t i, j;

	fl = nla_nest_start(m, STRATA_A_FLOW | NLA_F_NESTED);
	nla_put_u64(m, STRATA_FLOW_A_GENERATION, 7);
	nla_put_u64(m, STRATA_FLOW_A_TIMESTAMP, 1700000000123456789ULL);
	nla_put_u8(m, STRATA_FLOW_A_FAMILY, family);
	nla_put_u8(m, STRATA_FLOW_A_PROTO, ports ? 6 : 58);
	nla_put(m, STRATA_FLOW_A_SADDR, saddr_len, family == 6 ? s6 : s4);
	nla_put(m, STRATA_FLOW_A_DADDR, family == 6 ? 16 : 4,
		family == 6 ? d6 : d4);
	nla_put_u8(m, STRATA_FLOW_A_HOOK, STRATA_HOOK_FORWARD);
	nla_put_u8(m, STRATA_FLOW_A_VERDICT, STRATA_VERDICT_DENY);
	nla_put_u8(m, STRATA_FLOW_A_REASON, STRATA_REASON_POLICY);
	nla_put_u32(m, STRATA_FLOW_A_LEN, 60);
	nla_put_u32(m, STRATA_FLOW_A_MARK, 0x10000);
	if (ports) {
		nla_put_u16(m, STRATA_FLOW_A_SPORT, 40000);
		nla_put_u16(m, STRATA_FLOW_A_DPORT, 443);
	} else {
		nla_put_u8(m, STRATA_FLOW_A_ICMP_TYPE, 128);
		nla_put_u8(m, STRATA_FLOW_A_ICMP_CODE, 0);
	}
	nla_put_string(m, STRATA_FLOW_A_IIF, "cali1");
	nla_put_string(m, STRATA_FLOW_A_OIF, "cali2");
	nla_put_u32(m, STRATA_FLOW_A_EP_IN, 3);
	nla_put_u32(m, STRATA_FLOW_A_EP_OUT, 4);
	nla_put_flag(m, STRATA_FLOW_A_LOGGED);
	steps = nla_nest_start(m, STRATA_FLOW_A_STEPS | NLA_F_NESTED);
	for (i = 0; i < n_steps; i++) {
		st = nla_nest_start(m, (int)(i + 1) | NLA_F_NESTED);
		nla_put_u32(m, STRATA_STEP_A_ENDPOINT, 4);
		nla_put_u8(m, STRATA_STEP_A_LIST, STRATA_LIST_INGRESS);
		nla_put_u8(m, STRATA_STEP_A_ACTION, STRATA_ACT_DENY);
		nla_put_u8(m, STRATA_STEP_A_KIND, STRATA_CTR_RULE);
		nla_put_u32(m, STRATA_STEP_A_TIER, 10);
		nla_put_u32(m, STRATA_STEP_A_POLICY, 5);
		nla_put_u32(m, STRATA_STEP_A_RULE, i);
		nla_put_u64(m, STRATA_STEP_A_COOKIE, 0xc0ffee);
		nla_put_u32(m, STRATA_STEP_A_PASSES, 1);
		logs = nla_nest_start(m, STRATA_STEP_A_LOGS | NLA_F_NESTED);
		for (j = 0; j < n_logs; j++) {
			l = nla_nest_start(m, (int)(j + 1) | NLA_F_NESTED);
			nla_put_u32(m, STRATA_LOG_A_TIER, 10);
			nla_put_u32(m, STRATA_LOG_A_POLICY, 6);
			nla_put_u32(m, STRATA_LOG_A_RULE, j);
			nla_nest_end(m, l);
		}
		nla_nest_end(m, logs);
		nla_nest_end(m, st);
	}
	nla_nest_end(m, steps);
	nla_nest_end(m, fl);
}

static char *print_event(const struct strata_event *ev)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	strata_print_event(f, ev);
	fclose(f);
	return buf;
}

static void commit_event(void **state)
{
	struct strata_event *ev = calloc(1, sizeof(*ev));
	struct json_object *o;
	struct strata_reqv rv;
	struct strata_err err;
	struct nl_msg *m;
	char *text;

	strata_reqv_init(&rv, FAMILY, 0);
	m = event_msg(&rv, STRATA_CMD_COMMIT_EVENT);
	nla_put_u64(m, STRATA_A_GENERATION, 12);
	event_msg(&rv, STRATA_CMD_COMMIT_EVENT);
	event_msg(&rv, STRATA_CMD_GET_VERSION);
	assert_int_equal(strata_dec_event(nlmsg_hdr(rv.v[0].msg), ev, &err), 0);
	assert_int_equal(ev->type, STRATA_EVENT_COMMIT);
	assert_int_equal(ev->generation, 12);
	text = print_event(ev);
	assert_string_equal(text, "commit generation 12\n");
	free(text);
	o = strata_json_event(ev);
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"event\":\"commit\",\"generation\":12}");
	json_object_put(o);
	/* a commit without its generation is malformed */
	assert_int_equal(strata_dec_event(nlmsg_hdr(rv.v[1].msg), ev, &err),
			 -EBADMSG);
	/* other commands are no events */
	assert_int_equal(strata_dec_event(nlmsg_hdr(rv.v[2].msg), ev, &err), 1);
	strata_reqv_free(&rv);
	free(ev);
}

static void flow_event(void **state)
{
	struct strata_event *ev = calloc(1, sizeof(*ev));
	const struct strata_flow *f = &ev->flow;
	struct json_object *o, *v;
	struct strata_reqv rv;
	struct strata_err err;
	char *text;

	strata_reqv_init(&rv, FAMILY, 1 << 16);
	put_flow(event_msg(&rv, STRATA_CMD_FLOW_EVENT), 4, true, 2, 2, 4);
	put_flow(event_msg(&rv, STRATA_CMD_FLOW_EVENT), 6, false, 1, 0, 16);
	assert_int_equal(strata_dec_event(nlmsg_hdr(rv.v[0].msg), ev, &err), 0);
	assert_int_equal(ev->type, STRATA_EVENT_FLOW);
	assert_int_equal(ev->generation, 7);
	assert_true(f->timestamp == 1700000000123456789ULL);
	assert_int_equal(f->family, 4);
	assert_int_equal(f->proto, 6);
	assert_int_equal(f->saddr[3], 1);
	assert_int_equal(f->daddr[3], 5);
	assert_true(f->has_ports);
	assert_false(f->has_icmp);
	assert_int_equal(f->sport, 40000);
	assert_int_equal(f->dport, 443);
	assert_string_equal(f->iif, "cali1");
	assert_string_equal(f->oif, "cali2");
	assert_int_equal(f->ep_in, 3);
	assert_int_equal(f->ep_out, 4);
	assert_int_equal(f->hook, STRATA_HOOK_FORWARD);
	assert_int_equal(f->verdict, STRATA_VERDICT_DENY);
	assert_int_equal(f->reason, STRATA_REASON_POLICY);
	assert_int_equal(f->len, 60);
	assert_int_equal(f->mark, 0x10000);
	assert_true(f->logged);
	assert_false(f->truncated);
	assert_int_equal(f->n_steps, 2);
	assert_int_equal(f->steps[1].rule, 1);
	assert_int_equal(f->steps[1].cookie, 0xc0ffee);
	assert_int_equal(f->steps[1].n_logs, 2);
	assert_int_equal(f->steps[1].logs[1].policy, 6);
	assert_int_equal(f->steps[1].logs[1].rule, 1);
	text = print_event(ev);
	assert_string_equal(
		text,
		"flow generation 7 deny reason policy hook forward tcp 10.0.0.1:40000 -> 10.0.0.5:443 iif cali1 oif cali2 ep-in 3 ep-out 4 len 60 mark 0x10000 logged\n"
		"\tstep endpoint 4 ingress deny by rule tier 10 policy 5 rule 0 cookie 0xc0ffee passes 1\n"
		"\tlog tier 10 policy 6 rule 0\n"
		"\tlog tier 10 policy 6 rule 1\n"
		"\tstep endpoint 4 ingress deny by rule tier 10 policy 5 rule 1 cookie 0xc0ffee passes 1\n"
		"\tlog tier 10 policy 6 rule 0\n"
		"\tlog tier 10 policy 6 rule 1\n");
	free(text);
	o = strata_json_event(ev);
	assert_true(json_object_object_get_ex(o, "saddr", &v));
	assert_string_equal(json_object_get_string(v), "10.0.0.1");
	assert_true(json_object_object_get_ex(o, "dport", &v));
	assert_int_equal(json_object_get_int(v), 443);
	assert_false(json_object_object_get_ex(o, "icmp_type", NULL));
	assert_true(json_object_object_get_ex(o, "steps", &v));
	assert_int_equal(json_object_array_length(v), 2);
	json_object_put(o);

	assert_int_equal(strata_dec_event(nlmsg_hdr(rv.v[1].msg), ev, &err), 0);
	assert_int_equal(f->family, 6);
	assert_false(f->has_ports);
	assert_true(f->has_icmp);
	assert_int_equal(f->icmp_type, 128);
	text = print_event(ev);
	assert_non_null(strstr(text, "icmpv6 fd00::1 -> fd00::5 icmp-type 128 "
				     "icmp-code 0"));
	free(text);
	strata_reqv_free(&rv);
	free(ev);
}

static void flow_event_limits(void **state)
{
	struct strata_event *ev = calloc(1, sizeof(*ev));
	struct strata_reqv rv;
	struct strata_err err;

	strata_reqv_init(&rv, FAMILY, 1 << 16);
	/* more than the arrays hold: kept up to their size, and flagged */
	put_flow(event_msg(&rv, STRATA_CMD_FLOW_EVENT), 4, true,
		 STRATA_FLOW_MAX_STEPS + 2, STRATA_FLOW_MAX_LOGS + 1, 4);
	/* an IPv4 flow with a 16-byte address */
	put_flow(event_msg(&rv, STRATA_CMD_FLOW_EVENT), 4, true, 1, 0, 16);
	assert_int_equal(strata_dec_event(nlmsg_hdr(rv.v[0].msg), ev, &err), 0);
	assert_true(ev->flow.truncated);
	assert_int_equal(ev->flow.n_steps, STRATA_FLOW_MAX_STEPS);
	assert_int_equal(ev->flow.steps[0].n_logs, STRATA_FLOW_MAX_LOGS);
	assert_int_equal(strata_dec_event(nlmsg_hdr(rv.v[1].msg), ev, &err),
			 -EBADMSG);
	assert_string_equal(err.msg, "malformed event from the kernel: flow");
	assert_int_equal(err.src, STRATA_ERR_TRANSPORT);
	ev->type = STRATA_EVENT_LOST;
	{
		char *text = print_event(ev);

		assert_string_equal(text, "events lost\n");
		free(text);
	}
	strata_reqv_free(&rv);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commit_event),
		cmocka_unit_test(flow_event),
		cmocka_unit_test(flow_event_limits),
	};

	return cmocka_run_group_tests_name("lib_events", tests, NULL, NULL);
}
