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

/*
 * A resolver that knows endpoint 4, tier 10 and policy 5 (and checks
 * what it is asked): endpoint 3 and policy 6 stay ids; tier 20 has an
 * empty name, which counts as unknown.
 */
static const char *test_names(uint8_t kind, uint32_t id, void *arg)
{
	int *calls = arg;

	(*calls)++;
	assert_int_not_equal(id, 0);
	switch (kind) {
	case STRATA_ERR_OBJ_ENDPOINT:
		return id == 4 ? "backend" : NULL;
	case STRATA_ERR_OBJ_TIER:
		return id == 10 ? "security" : id == 20 ? "" : NULL;
	case STRATA_ERR_OBJ_POLICY:
		return id == 5 ? "backend-ingress" : NULL;
	default:
		fail_msg("asked for kind %u id %u", kind, id);
		return NULL;
	}
}

static char *print_event_names(const struct strata_event *ev, strata_name_fn fn,
			       void *arg)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	strata_print_event_names(f, ev, fn, arg);
	fclose(f);
	return buf;
}

static char *json_event_names(const struct strata_event *ev, strata_name_fn fn,
			      void *arg)
{
	struct json_object *o = strata_json_event_names(ev, fn, arg);
	char *s = strdup(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));

	json_object_put(o);
	return s;
}

/* Names from a resolver, in text and JSON; without one, ids only. */
static void flow_event_names(void **state)
{
	static const char ids_text[] =
		"flow generation 7 deny reason policy hook forward tcp 10.0.0.1:40000 -> 10.0.0.5:443 iif cali1 oif cali2 ep-in 3 ep-out 4 len 60 mark 0x10000 logged\n"
		"\tstep endpoint 4 ingress deny by rule tier 10 policy 5 rule 0 cookie 0xc0ffee passes 1\n"
		"\tlog tier 10 policy 6 rule 0\n";
	static const char names_text[] =
		"flow generation 7 deny reason policy hook forward tcp 10.0.0.1:40000 -> 10.0.0.5:443 iif cali1 oif cali2 ep-in 3 ep-out 4 (backend) len 60 mark 0x10000 logged\n"
		"\tstep endpoint 4 (backend) ingress deny by rule tier 10 (security) policy 5 (backend-ingress) rule 0 cookie 0xc0ffee passes 1\n"
		"\tlog tier 10 (security) policy 6 rule 0\n";
	static const char ids_json[] =
		"{\"event\":\"flow\",\"generation\":7,"
		"\"timestamp\":1700000000123456789,\"family\":4,\"proto\":6,"
		"\"saddr\":\"10.0.0.1\",\"daddr\":\"10.0.0.5\","
		"\"sport\":40000,\"dport\":443,"
		"\"iif\":\"cali1\",\"oif\":\"cali2\","
		"\"ep_in\":3,\"ep_out\":4,"
		"\"hook\":\"forward\",\"verdict\":\"deny\","
		"\"reason\":\"policy\",\"len\":60,\"mark\":65536,"
		"\"logged\":true,\"steps\":[{\"endpoint\":4,"
		"\"list\":\"ingress\",\"action\":\"deny\",\"kind\":\"rule\","
		"\"tier\":10,\"policy\":5,\"rule\":0,"
		"\"cookie\":12648430,\"passes\":1,"
		"\"logs\":[{\"tier\":10,\"policy\":6,\"rule\":0}]}]}";
	static const char names_json[] =
		"{\"event\":\"flow\",\"generation\":7,"
		"\"timestamp\":1700000000123456789,\"family\":4,\"proto\":6,"
		"\"saddr\":\"10.0.0.1\",\"daddr\":\"10.0.0.5\","
		"\"sport\":40000,\"dport\":443,"
		"\"iif\":\"cali1\",\"oif\":\"cali2\","
		"\"ep_in\":3,\"ep_out\":4,\"ep_out_name\":\"backend\","
		"\"hook\":\"forward\",\"verdict\":\"deny\","
		"\"reason\":\"policy\",\"len\":60,\"mark\":65536,"
		"\"logged\":true,\"steps\":[{\"endpoint\":4,"
		"\"endpoint_name\":\"backend\","
		"\"list\":\"ingress\",\"action\":\"deny\",\"kind\":\"rule\","
		"\"tier\":10,\"tier_name\":\"security\","
		"\"policy\":5,\"policy_name\":\"backend-ingress\",\"rule\":0,"
		"\"cookie\":12648430,\"passes\":1,"
		"\"logs\":[{\"tier\":10,\"tier_name\":\"security\","
		"\"policy\":6,\"rule\":0}]}]}";
	struct strata_event *ev = calloc(1, sizeof(*ev));
	struct strata_flow *f = &ev->flow;
	struct strata_names *n = strata_names_new();
	struct strata_reqv rv;
	struct strata_err err;
	int calls = 0;
	char *out;

	strata_reqv_init(&rv, FAMILY, 1 << 16);
	put_flow(event_msg(&rv, STRATA_CMD_FLOW_EVENT), 4, true, 1, 1, 4);
	assert_int_equal(strata_dec_event(nlmsg_hdr(rv.v[0].msg), ev, &err), 0);

	/* no resolver: the output of strata_print_event() */
	out = print_event_names(ev, NULL, NULL);
	assert_string_equal(out, ids_text);
	free(out);
	out = print_event(ev);
	assert_string_equal(out, ids_text);
	free(out);
	out = json_event_names(ev, NULL, NULL);
	assert_string_equal(out, ids_json);
	free(out);
	{
		struct json_object *o = strata_json_event(ev);

		assert_string_equal(json_object_to_json_string_ext(
					    o, JSON_C_TO_STRING_PLAIN),
				    ids_json);
		json_object_put(o);
	}

	/* a resolver: id first, the name in parentheses; unknown: id */
	out = print_event_names(ev, test_names, &calls);
	assert_string_equal(out, names_text);
	free(out);
	/* ep-in, ep-out, step endpoint, tier, policy, log tier and policy */
	assert_int_equal(calls, 7);
	out = json_event_names(ev, test_names, &calls);
	assert_string_equal(out, names_json);
	free(out);

	/* an empty name is no name; ids 0 are not looked up */
	f->steps[0].tier = 20;
	f->steps[0].logs[0].tier = 0;
	f->ep_in = 0;
	calls = 0;
	out = print_event_names(ev, test_names, &calls);
	assert_non_null(strstr(out, " oif cali2 ep-out 4 (backend) len 60"));
	assert_non_null(strstr(
		out, " tier 20 policy 5 (backend-ingress) rule 0 cookie"));
	assert_non_null(strstr(out, "\tlog tier 0 policy 6 rule 0\n"));
	free(out);
	assert_int_equal(calls, 5);
	out = json_event_names(ev, test_names, &calls);
	assert_null(strstr(out, "ep_in_name"));
	assert_non_null(strstr(out, "\"tier\":20,\"policy\":5,"));
	assert_non_null(strstr(out, "{\"tier\":0,\"policy\":6,\"rule\":0}"));
	free(out);

	/* the name cache as the resolver */
	assert_non_null(n);
	assert_int_equal(
		strata_names_add(n, STRATA_ERR_OBJ_ENDPOINT, 3, "frontend"), 0);
	assert_int_equal(
		strata_names_add(n, STRATA_ERR_OBJ_POLICY, 6, "audit-log"), 0);
	assert_int_equal(strata_names_add(n, STRATA_ERR_OBJ_TIER, 5, "tier-5"),
			 0);
	f->ep_in = 3;
	out = print_event_names(ev, strata_names_lookup, n);
	assert_non_null(strstr(out, " ep-in 3 (frontend) ep-out 4 len 60"));
	assert_non_null(strstr(out, "\tstep endpoint 4 ingress"));
	/* policy 5 is not tier 5 */
	assert_non_null(strstr(out, " tier 20 policy 5 rule 0 cookie"));
	assert_non_null(
		strstr(out, "\tlog tier 0 policy 6 (audit-log) rule 0\n"));
	free(out);
	out = json_event_names(ev, strata_names_lookup, n);
	assert_non_null(strstr(
		out, "\"ep_in\":3,\"ep_in_name\":\"frontend\",\"ep_out\":4,"
		     "\"hook\""));
	assert_non_null(
		strstr(out, "\"policy\":6,\"policy_name\":\"audit-log\""));
	free(out);

	/* commits and lost events name nothing */
	ev->type = STRATA_EVENT_COMMIT;
	ev->generation = 12;
	calls = 0;
	out = print_event_names(ev, test_names, &calls);
	assert_string_equal(out, "commit generation 12\n");
	free(out);
	out = json_event_names(ev, test_names, &calls);
	assert_string_equal(out, "{\"event\":\"commit\",\"generation\":12}");
	free(out);
	assert_int_equal(calls, 0);

	strata_names_free(n);
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
		cmocka_unit_test(flow_event_names),
		cmocka_unit_test(flow_event_limits),
	};

	return cmocka_run_group_tests_name("lib_events", tests, NULL, NULL);
}
