// SPDX-License-Identifier: GPL-2.0
/*
 * libstrata's text layer: batch files (continuation lines, comments, errors
 * with their line numbers), the printer whose output is a batch file that
 * recreates the objects (every field, compared with the equality helpers),
 * and the JSON schema.
 */
#include "test_lib_util.h"

static char *print_to_string(void (*fn)(FILE *f, const void *obj),
			     const void *obj)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, obj);
	fclose(f);
	return buf;
}

/* Feed @text to a batch reader, line by line. */
static int read_text(struct strata_batch *b, const char *text,
		     struct strata_perr *perr)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	strata_batch_init(b);
	ret = strata_batch_read(b, f, perr);
	fclose(f);
	return ret;
}

static void batch_fail(const char *text, unsigned int line, const char *msg)
{
	struct strata_batch b;
	struct strata_perr perr;

	assert_int_equal(read_text(&b, text, &perr), -EINVAL);
	if (strcmp(perr.msg, msg) || perr.line != line)
		fail_msg("line %u \"%s\", expected line %u \"%s\"", perr.line,
			 perr.msg, line, msg);
	strata_batch_release(&b);
}

static void batch_syntax(void **state)
{
	static const char text[] =
		"# Strata batch file\n"
		"\n"
		"tier add id 10 name security default pass # trailing comment\n"
		"policy add id 5 name web\n"
		"\tingress allow proto tcp dport 80,443 src-set 7\n"
		"# a comment inside a command does not end it\n"
		"   \n"
		"  ingress deny\n"
		"\tegress allow\n"
		"ipset add id 7 name web-clients family 4 kind net\n"
		"\tmembers 10.0.0.0/8\n"
		"\tmembers 192.168.1.7\r\n"
		"ipset add-members id 7 exist members 10.1.0.0/16\n"
		"endpoint del name old\n"
		"settings set log-rate 20\n"
		"flush";
	struct strata_batch b;
	struct strata_perr perr;

	assert_int_equal(read_text(&b, text, &perr), 0);
	assert_int_equal(b.n, 7);
	assert_int_equal(b.ops[0].line, 3);
	assert_int_equal(b.ops[0].tier->default_action, STRATA_ACT_PASS);
	assert_int_equal(b.ops[1].line, 4);
	assert_int_equal(b.ops[1].policy->n_rules[SC_INGRESS], 2);
	assert_int_equal(b.ops[1].policy->n_rules[SC_EGRESS], 1);
	assert_int_equal(b.ops[2].line, 10);
	assert_int_equal(b.ops[2].n_members, 2);
	assert_int_equal(b.ops[3].type, STRATA_OP_MEMBERS);
	assert_true(b.ops[3].exist_ok);
	assert_int_equal(b.ops[4].type, STRATA_OP_DEL);
	assert_string_equal(b.ops[4].name, "old");
	assert_int_equal(b.ops[5].settings->log_rate, 20);
	assert_int_equal(b.ops[6].type, STRATA_OP_FLUSH);
	assert_int_equal(b.ops[6].line, 16);
	assert_int_equal(b.line, 16);
	strata_batch_release(&b);

	/* nothing at all is a valid, empty batch */
	assert_int_equal(read_text(&b, "# nothing\n\n", &perr), 0);
	assert_int_equal(b.n, 0);
	strata_batch_release(&b);
}

static void batch_errors(void **state)
{
	batch_fail(
		"\ttier add id 1 name x\n", 1,
		"a continuation line (it starts with a blank) needs a command above it");
	/* the line of the word at fault, inside a continued command */
	batch_fail("tier add id 1 name a\n"
		   "policy add id 5 name web\n"
		   "\tingress allow proto tcp\n"
		   "\tingress allow dport 99999\n",
		   4,
		   "dport \"99999\" is not a port (0..65535) or a range N:M");
	batch_fail("tier add id 1 name a\n"
		   "\n"
		   "tier show\n",
		   3, "unknown tier command \"show\"");
	batch_fail("tier add id 1\n", 1, "tier: \"name\" is required");
	/* the model's checks: the line the command starts on */
	batch_fail("tier add id 1 name a\n"
		   "policy add id 5 name web\n"
		   "\tingress allow proto tcp\n"
		   "\tingress allow dport 80\n",
		   2, "policy 5: ports need protocol TCP, UDP or SCTP");
	batch_fail(
		"ipset add id 7 name s family 4 kind addr\n"
		"\tmembers 10.0.0.1\n"
		"\tmembers 10.0.0.0/8\n",
		1,
		"ipset 7: member 10.0.0.0/8: address set members are full-length addresses");
	batch_fail("settings set\n"
		   "\tlog-rate 1\n"
		   "\tlog-rate 2\n",
		   3, "\"log-rate\" is given twice");
	batch_fail("version\n", 1, "unknown object \"version\"");
}

static void print_tier(FILE *f, const void *o)
{
	strata_print_tier(f, o);
}

static void print_policy(FILE *f, const void *o)
{
	strata_print_policy(f, o);
}

static void print_endpoint(FILE *f, const void *o)
{
	strata_print_endpoint(f, o);
}

static void print_settings(FILE *f, const void *o)
{
	strata_print_settings(f, o);
}

/* Print, read back as a batch file, expect one op. */
static void reparse(const char *text, struct strata_batch *b)
{
	struct strata_perr perr;

	if (read_text(b, text, &perr))
		fail_msg("line %u: %s\n%s", perr.line, perr.msg, text);
	assert_int_equal(b->n, 1);
}

static void print_roundtrip(void **state)
{
	struct sc_tier *t = tl_tier(10, STRATA_ACT_PASS);
	struct sc_policy *p = tl_policy(5, 30, 31), *e0 = tl_policy(6, 0, 0);
	struct sc_endpoint *ep[2] = { tl_endpoint(3, false),
				      tl_endpoint(4, true) };
	struct sc_settings s;
	struct strata_batch b;
	char *text;
	int i;

	text = print_to_string(print_tier, t);
	assert_string_equal(text, "tier add id 10 name tier-10 default pass\n");
	reparse(text, &b);
	assert_equal_obj(strata_tier_equal, t, b.ops[0].tier);
	free(text);
	strata_batch_release(&b);

	text = print_to_string(print_policy, p);
	reparse(text, &b);
	assert_equal_obj(strata_policy_equal, p, b.ops[0].policy);
	free(text);
	strata_batch_release(&b);
	text = print_to_string(print_policy, e0);
	assert_string_equal(text, "policy add id 6 name policy-6\n");
	free(text);

	text = print_to_string(print_endpoint, ep[0]);
	assert_string_equal(
		text,
		"endpoint add id 3 name ep-3 workload iface cali3 addr 10.0.0.3,fd00::3 spoof 10.99.0.0/16 mark 0x3000000 no-match allow\n"
		"\tingress tier 10 policies 5,6 tier 20 policies 9\n"
		"\tegress tier 10 policies 5,7\n"
		"\tprofiles 40,41\n");
	free(text);
	for (i = 0; i < 2; i++) {
		text = print_to_string(print_endpoint, ep[i]);
		reparse(text, &b);
		assert_equal_obj(strata_endpoint_equal, ep[i],
				 b.ops[0].endpoint);
		free(text);
		strata_batch_release(&b);
	}

	tl_settings(&s);
	text = print_to_string(print_settings, &s);
	reparse(text, &b);
	assert_int_equal(b.ops[0].settings_mask, STRATA_SETTINGS_ALL);
	assert_equal_obj(strata_settings_equal, &s, b.ops[0].settings);
	free(text);
	strata_batch_release(&b);
	/* empty lists print as "none" and read back empty */
	s.n_failsafe_in = s.n_failsafe_out = 0;
	s.n_wl_prefixes = 0;
	text = print_to_string(print_settings, &s);
	assert_non_null(strstr(text, "\tfailsafe-in none\n"));
	assert_non_null(strstr(text, "\twl-prefixes none\n"));
	reparse(text, &b);
	assert_equal_obj(strata_settings_equal, &s, b.ops[0].settings);
	free(text);
	strata_batch_release(&b);

	sc_tier_put(t);
	sc_policy_put(p);
	sc_policy_put(e0);
	sc_endpoint_put(ep[0]);
	sc_endpoint_put(ep[1]);
}

static void print_exact(void **state)
{
	static const char line[] =
		"policy add id 5 name web\n"
		"\tingress allow proto tcp src-set 7 dst-port 80,443:445\n"
		"\tingress log ip-version 6 proto icmpv6 icmp-type 128 icmp-code 0 not-icmp-type 1 not-icmp-code 3 cookie 0xdeadbeef\n"
		"\tegress reject ip-version 4 not-proto udp src-net 10.0.0.0/8,10.0.0.5 src-not-net 10.1.0.0/16 src-not-set 3\n"
		"\tegress pass proto udp src-port 1024:65535 src-not-port 1 src-port-set 8 src-not-port-set 9 dst-net fd00::/8 dst-not-net fd00::1 dst-set 4 dst-not-set 5,6 dst-not-port 5353 dst-port-set 10 dst-not-port-set 12\n";
	struct strata_batch b;
	char *text;

	reparse(line, &b);
	text = print_to_string(print_policy, b.ops[0].policy);
	/* what "show" prints is what was written, in canonical order */
	assert_string_equal(text, line);
	free(text);
	strata_batch_release(&b);
}

static void ipset_roundtrip(void **state)
{
	static const uint8_t kinds[] = { STRATA_IPSET_ADDR, STRATA_IPSET_NET,
					 STRATA_IPSET_ADDR_PORT };
	struct strata_batch b;
	char *text = NULL;
	size_t k, len = 0;

	for (k = 0; k < 6; k++) {
		uint8_t fam = k % 2 ? 6 : 4;
		struct sc_ipset *s = tl_ipset(7, fam, kinds[k / 2]);
		struct strata_member *m = tl_members(fam, kinds[k / 2], 1000);
		FILE *f = open_memstream(&text, &len);

		strata_print_ipset(f, s, m, 1000);
		fclose(f);
		/* eight members a line */
		assert_non_null(strstr(text, "\n\tmembers "));
		reparse(text, &b);
		assert_equal_obj(strata_ipset_equal, s, b.ops[0].ipset);
		assert_int_equal(b.ops[0].n_members, 1000);
		assert_memory_equal(b.ops[0].members, m, 1000 * sizeof(*m));
		strata_batch_release(&b);
		free(text);
		sc_ipset_put(s);
		free(m);
	}
}

static void formats(void **state)
{
	struct strata_member m = { .addr = { 10, 0, 0, 5 },
				   .prefix_len = 32,
				   .proto = 6,
				   .port = 80 };
	struct strata_failsafe fs = { .proto = 132, .port = 9 };
	struct strata_prefix p = TL_P6(64, 0xfd, 0, 0, 0, 0, 0, 0, 1);
	char buf[STRATA_FMT_LEN];

	assert_string_equal(strata_fmt_member(4, &m, buf, sizeof(buf)),
			    "tcp:80@10.0.0.5");
	m.proto = 47;
	assert_string_equal(strata_fmt_member(4, &m, buf, sizeof(buf)),
			    "47:80@10.0.0.5");
	assert_string_equal(strata_fmt_prefix(&p, buf, sizeof(buf)),
			    "fd00:0:0:1::/64");
	assert_string_equal(strata_fmt_failsafe(&fs, buf, sizeof(buf)),
			    "sctp:9");
	fs.net = TL_P4(10, 0, 0, 0, 8);
	assert_string_equal(strata_fmt_failsafe(&fs, buf, sizeof(buf)),
			    "sctp:9@10.0.0.0/8");
	assert_string_equal(strata_action_name(STRATA_ACT_REJECT), "reject");
	assert_string_equal(strata_action_name(0), "unknown");
}

static void stats_text(void **state)
{
	struct strata_stats st = { .obj = { .generation = 3,
					    .tiers = 1,
					    .rules = 9,
					    .tx_open = 1 },
				   .packets = 77,
				   .flow_events_lost = 5 };
	struct strata_counter c = { .kind = STRATA_CTR_RULE,
				    .id = 5,
				    .list = 1,
				    .index = 2,
				    .flows = 3,
				    .packets = 4,
				    .bytes = 5 };
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	st.reasons[STRATA_REASON_SPOOF] = 12;
	strata_print_stats(f, &st);
	fclose(f);
	assert_non_null(strstr(buf, "generation 3\n"));
	assert_non_null(strstr(buf, "rules 9\n"));
	assert_non_null(strstr(buf, "tx-open yes\n"));
	assert_non_null(strstr(buf, "packets 77\n"));
	assert_non_null(strstr(buf, "flow-events-lost 5\n"));
	assert_non_null(strstr(buf, "reason spoof 12\n"));
	assert_non_null(strstr(buf, "reason no-endpoint 0\n"));
	free(buf);

	f = open_memstream(&buf, &len);
	strata_print_counter(f, &c);
	c.kind = STRATA_CTR_TIER_DEFAULT;
	c.list = STRATA_LIST_PREDNAT_INGRESS;
	strata_print_counter(f, &c);
	c.kind = STRATA_CTR_PROFILE_END;
	c.list = 0;
	strata_print_counter(f, &c);
	c.kind = STRATA_CTR_NO_MATCH;
	c.list = STRATA_LIST_EGRESS;
	strata_print_counter(f, &c);
	fclose(f);
	assert_string_equal(
		buf,
		"policy 5 egress rule 2 flows 3 packets 4 bytes 5\n"
		"tier 5 prednat-ingress default flows 3 packets 4 bytes 5\n"
		"policy 5 ingress profile-end flows 3 packets 4 bytes 5\n"
		"endpoint 5 egress no-match flows 3 packets 4 bytes 5\n");
	free(buf);
}

/* Knows policy 5, tier 10 and endpoint 3, by their counters' kinds. */
static const char *ctr_names(uint8_t kind, uint32_t id, void *arg)
{
	if (kind == STRATA_ERR_OBJ_POLICY && id == 5)
		return "web";
	if (kind == STRATA_ERR_OBJ_TIER && id == 10)
		return "security";
	if (kind == STRATA_ERR_OBJ_ENDPOINT && id == 3)
		return "pod-a";
	return NULL;
}

/* Counters naming their objects: id first, the name in parentheses. */
static void counter_names(void **state)
{
	static const struct strata_counter cs[] = {
		{ .kind = STRATA_CTR_RULE, .id = 5, .list = 1, .index = 2 },
		{ .kind = STRATA_CTR_PROFILE_END, .id = 5 },
		{ .kind = STRATA_CTR_TIER_DEFAULT,
		  .id = 10,
		  .list = STRATA_LIST_PREDNAT_INGRESS },
		{ .kind = STRATA_CTR_NO_MATCH,
		  .id = 3,
		  .list = STRATA_LIST_EGRESS,
		  .flows = 2,
		  .packets = 2,
		  .bytes = 120 },
		/* unknown ids, and ids of another kind */
		{ .kind = STRATA_CTR_RULE, .id = 6 },
		{ .kind = STRATA_CTR_TIER_DEFAULT, .id = 5 },
		{ .kind = STRATA_CTR_NO_MATCH, .id = 10 },
	};
	char *buf = NULL, *ids = NULL;
	size_t len, i;
	FILE *f = open_memstream(&buf, &len), *g;
	struct json_object *o;

	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++)
		strata_print_counter_names(f, &cs[i], ctr_names, NULL);
	fclose(f);
	assert_string_equal(
		buf,
		"policy 5 (web) egress rule 2 flows 0 packets 0 bytes 0\n"
		"policy 5 (web) ingress profile-end flows 0 packets 0 bytes 0\n"
		"tier 10 (security) prednat-ingress default flows 0 packets 0 bytes 0\n"
		"endpoint 3 (pod-a) egress no-match flows 2 packets 2 bytes 120\n"
		"policy 6 ingress rule 0 flows 0 packets 0 bytes 0\n"
		"tier 5 ingress default flows 0 packets 0 bytes 0\n"
		"endpoint 10 ingress no-match flows 0 packets 0 bytes 0\n");
	free(buf);

	/* no resolver: strata_print_counter() */
	f = open_memstream(&buf, &len);
	g = open_memstream(&ids, &len);
	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		strata_print_counter_names(f, &cs[i], NULL, NULL);
		strata_print_counter(g, &cs[i]);
	}
	fclose(f);
	fclose(g);
	assert_string_equal(buf, ids);
	assert_null(strstr(buf, "("));
	free(buf);
	free(ids);

	o = strata_json_counter_names(&cs[2], ctr_names, NULL);
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"kind\":\"tier-default\",\"id\":10,\"name\":\"security\","
		"\"list\":\"prednat_ingress\",\"index\":0,\"flows\":0,"
		"\"packets\":0,\"bytes\":0}");
	json_object_put(o);
	o = strata_json_counter_names(&cs[0], ctr_names, NULL);
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"kind\":\"rule\",\"id\":5,\"name\":\"web\","
		"\"list\":\"egress\",\"index\":2,\"flows\":0,"
		"\"packets\":0,\"bytes\":0}");
	json_object_put(o);
	/* unknown: no "name" */
	o = strata_json_counter_names(&cs[6], ctr_names, NULL);
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"kind\":\"no-match\",\"id\":10,\"list\":\"ingress\","
		"\"index\":0,\"flows\":0,\"packets\":0,\"bytes\":0}");
	json_object_put(o);
	o = strata_json_counter(&cs[3]);
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"kind\":\"no-match\",\"id\":3,\"list\":\"egress\","
		"\"index\":0,\"flows\":2,\"packets\":2,\"bytes\":120}");
	json_object_put(o);
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;
	struct json_object *v = o;

	while (path && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s",
			 (int)(dot ? dot - path : (long)strlen(path)), path);
		if (!json_object_object_get_ex(v, key, &v))
			fail_msg("no %s", key);
		path = dot ? dot + 1 : NULL;
	}
	return v;
}

static void json_schema(void **state)
{
	struct sc_policy *p = tl_policy(5, 6, 0);
	struct sc_endpoint *e = tl_endpoint(3, true);
	struct sc_ipset *s = tl_ipset(7, 4, STRATA_IPSET_ADDR_PORT);
	struct strata_member *m = tl_members(4, STRATA_IPSET_ADDR_PORT, 2);
	struct sc_tier *t = tl_tier(10, STRATA_ACT_PASS);
	struct json_object *o, *r, *a;
	struct sc_settings st;

	o = strata_json_tier(t);
	assert_int_equal(json_object_get_int(get(o, "id")), 10);
	assert_string_equal(json_object_get_string(get(o, "default")), "pass");
	json_object_put(o);

	o = strata_json_policy(p);
	assert_int_equal(json_object_array_length(get(o, "ingress")), 6);
	assert_int_equal(json_object_array_length(get(o, "egress")), 0);
	r = json_object_array_get_idx(get(o, "ingress"), 0);
	assert_string_equal(json_object_get_string(get(r, "action")), "allow");
	assert_int_equal(json_object_get_type(get(r, "proto")), json_type_int);
	assert_int_equal(json_object_get_int(get(r, "proto")), 6);
	assert_int_equal(json_object_get_int(get(r, "ip_version")), 0);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(
				    get(r, "src.nets"), 1)),
			    "192.168.1.7/32");
	a = json_object_array_get_idx(get(r, "dst.ports"), 1);
	assert_int_equal(json_object_get_int(get(a, "first")), 443);
	assert_int_equal(json_object_get_int(get(a, "last")), 445);
	/* every list is there, empty or not */
	assert_int_equal(json_object_array_length(get(r, "dst.port_sets")), 0);
	/* optional matches appear only when set */
	assert_false(json_object_object_get_ex(r, "icmp_type", NULL));
	r = json_object_array_get_idx(get(o, "ingress"), 1);
	assert_int_equal(json_object_get_int(get(r, "not_icmp_code")), 1);
	assert_true(json_object_get_uint64(get(r, "cookie")) == 0x100000001ULL);
	json_object_put(o);

	o = strata_json_endpoint(e);
	assert_string_equal(json_object_get_string(get(o, "kind")), "host");
	assert_string_equal(json_object_get_string(get(o, "no_match")),
			    "allow");
	assert_int_equal(json_object_array_length(get(o, "addrs")), 2);
	assert_int_equal(json_object_array_length(get(o, "profiles")), 2);
	a = json_object_array_get_idx(get(o, "lists.forward_egress"), 1);
	assert_int_equal(json_object_get_int(get(a, "tier")), 20);
	assert_int_equal(json_object_get_int(json_object_array_get_idx(
				 get(a, "policies"), 0)),
			 9);
	assert_int_equal(json_object_array_length(get(o, "lists.egress")), 1);
	json_object_put(o);

	o = strata_json_ipset(s, 2, true, m, 2);
	assert_string_equal(json_object_get_string(get(o, "kind")),
			    "addr-port");
	assert_int_equal(json_object_get_int(get(o, "count")), 2);
	a = json_object_array_get_idx(get(o, "members"), 1);
	assert_string_equal(json_object_get_string(get(a, "addr")), "10.0.0.1");
	assert_int_equal(json_object_get_int(get(a, "proto")), 17);
	assert_int_equal(json_object_get_int(get(a, "port")), 2);
	json_object_put(o);
	o = strata_json_ipset(s, 2, false, NULL, 0);
	assert_false(json_object_object_get_ex(o, "members", NULL));
	json_object_put(o);

	tl_settings(&st);
	o = strata_json_settings(&st);
	assert_true(json_object_get_uint64(get(o, "mark_mask")) == 0xff000000);
	assert_int_equal(json_object_get_type(get(o, "allow_ipip")),
			 json_type_boolean);
	assert_string_equal(json_object_get_string(get(o, "wl_to_host")),
			    "return");
	assert_int_equal(json_object_array_length(get(o, "wl_prefixes")), 3);
	a = json_object_array_get_idx(get(o, "failsafe_in"), 0);
	assert_int_equal(json_object_get_type(get(a, "net")), json_type_null);
	a = json_object_array_get_idx(get(o, "failsafe_in"), 2);
	assert_string_equal(json_object_get_string(get(a, "net")),
			    "10.0.0.0/8");
	assert_int_equal(json_object_get_int(get(o, "limit_endpoints")), 997);
	json_object_put(o);

	{
		struct strata_stats ss = { .packets = 9 };
		struct strata_counter c = { .kind = STRATA_CTR_TIER_DEFAULT,
					    .id = 10,
					    .list = STRATA_LIST_FORWARD_INGRESS,
					    .bytes = 1ULL << 40 };

		ss.reasons[STRATA_REASON_FAILSAFE] = 4;
		o = strata_json_stats(&ss);
		assert_int_equal(json_object_get_int(get(o, "packets")), 9);
		assert_int_equal(
			json_object_get_int(get(o, "reasons.failsafe")), 4);
		assert_int_equal(json_object_get_type(get(o, "tx_open")),
				 json_type_boolean);
		json_object_put(o);
		o = strata_json_counter(&c);
		assert_string_equal(json_object_get_string(get(o, "kind")),
				    "tier-default");
		assert_string_equal(json_object_get_string(get(o, "list")),
				    "forward_ingress");
		assert_true(json_object_get_uint64(get(o, "bytes")) ==
			    1ULL << 40);
		json_object_put(o);
	}
	sc_policy_put(p);
	sc_endpoint_put(e);
	sc_ipset_put(s);
	free(m);
	sc_tier_put(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(batch_syntax),
		cmocka_unit_test(batch_errors),
		cmocka_unit_test(print_roundtrip),
		cmocka_unit_test(print_exact),
		cmocka_unit_test(ipset_roundtrip),
		cmocka_unit_test(formats),
		cmocka_unit_test(stats_text),
		cmocka_unit_test(counter_names),
		cmocka_unit_test(json_schema),
	};

	return cmocka_run_group_tests_name("lib_text", tests, NULL, NULL);
}
