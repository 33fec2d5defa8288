// SPDX-License-Identifier: GPL-2.0
/*
 * explain (userspace/policy/explain.h): the planner (xp_plan() for every
 * combination of ends, --orig-dst and --node), the hooks of each kind of
 * leg (xp_hooks()), and decisions read back from sc_decide() by xp_run():
 * tiers with pass, log, and their default; profiles; the no-match action;
 * staged policies' pending verdict; host endpoints' untracked, pre-DNAT,
 * forward and normal policy with failsafe ports; anti-spoofing; the
 * workload-to-host action; objects named with and without a compiler.
 * The exact JSON fields, and the text xp_print() makes of them.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <json-c/json.h>
#include "cmp_test.h"
#include "explain.h"

/* --- JSON paths: "hooks.3.steps.0.tiers.1.outcome" ---------------------- */

static struct json_object *jp_at(struct json_object *o, const char *path,
				 bool *found)
{
	char buf[256], *tok, *save = NULL;

	*found = true;
	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok;
	     tok = strtok_r(NULL, ".", &save)) {
		if (!o) {
			*found = false;
			return NULL;
		}
		if (*tok >= '0' && *tok <= '9') {
			size_t i = strtoul(tok, NULL, 10);

			if (!json_object_is_type(o, json_type_array) ||
			    i >= json_object_array_length(o)) {
				*found = false;
				return NULL;
			}
			o = json_object_array_get_idx(o, i);
		} else if (!json_object_is_type(o, json_type_object) ||
			   !json_object_object_get_ex(o, tok, &o)) {
			*found = false;
			return NULL;
		}
	}
	return o;
}

static struct json_object *jp(struct json_object *o, const char *path)
{
	bool found;

	return jp_at(o, path, &found);
}

/* A field as text: strings as themselves, other values as plain JSON,
 * "<missing>" when the path does not exist. */
static const char *jps(struct json_object *o, const char *path)
{
	bool found;
	struct json_object *v = jp_at(o, path, &found);

	if (!found)
		return "<missing>";
	if (!v)
		return "null";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

static size_t jlen(struct json_object *o, const char *path)
{
	struct json_object *v = jp(o, path);

	return v && json_object_is_type(v, json_type_array)
		       ? json_object_array_length(v)
		       : 0;
}

#define assert_jp(o, path, want) assert_string_equal(jps(o, path), want)

/* --- the planner ---------------------------------------------------------- */

struct uplinks {
	char asked[8][16];
	size_t n;
};

static const char *uplink(void *arg, const char *node)
{
	struct uplinks *u = arg;

	snprintf(u->asked[u->n++ % 8], sizeof(u->asked[0]), "%s", node);
	return !strcmp(node, "n2") ? "ens2" : "ens1";
}

#define WL(node, iface)                  \
	{                                \
		XP_WORKLOAD, node, iface \
	}
#define HOST(node, iface)            \
	{                            \
		XP_HOST, node, iface \
	}
#define OUT                            \
	{                              \
		XP_OUTSIDE, NULL, NULL \
	}

/* The legs as one line each: "node src>dst iif oif [dnat]". */
static char *plan_text(const struct xp_end *src, const struct xp_end *dst,
		       const char *orig_node, bool has_orig, const char *node,
		       const char *iif, const char *oif, int *n_out)
{
	struct uplinks u = { 0 };
	struct xp_plan_in in = { .src = src,
				 .dst = dst,
				 .has_orig = has_orig,
				 .orig_node = orig_node,
				 .node = node,
				 .iif = iif,
				 .oif = oif,
				 .uplink = uplink,
				 .arg = &u };
	struct xp_leg legs[XP_MAX_LEGS];
	char why[128] = "", *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int n, i;

	n = xp_plan(&in, legs, why, sizeof(why));
	*n_out = n;
	if (n < 0)
		fprintf(f, "error %d: %s\n", n, why);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s>%s %s %s%s\n", legs[i].node,
			xp_role_name(legs[i].src), xp_role_name(legs[i].dst),
			legs[i].iif ? legs[i].iif : "-",
			legs[i].oif ? legs[i].oif : "-",
			legs[i].dnat ? " dnat" : "");
	fclose(f);
	return buf;
}

static void plan_is(const struct xp_end *src, const struct xp_end *dst,
		    const char *want)
{
	int n;

	ct_streq(plan_text(src, dst, NULL, false, NULL, NULL, NULL, &n), want);
}

static void test_plan_ends(void **state)
{
	const struct xp_end wa = WL("n1", "cali-a"), wb = WL("n1", "cali-b");
	const struct xp_end wc = WL("n2", "cali-c"), h1 = HOST("n1", NULL);
	const struct xp_end h1e = HOST("n1", "eth7"), h2 = HOST("n2", NULL);
	const struct xp_end out = OUT;

	/* workload to workload: same node, another node */
	plan_is(&wa, &wb, "n1 workload>workload cali-a cali-b\n");
	plan_is(&wa, &wc,
		"n1 workload>outside cali-a ens1\n"
		"n2 outside>workload ens2 cali-c\n");
	/* workload and host */
	plan_is(&wa, &h1, "n1 workload>host cali-a -\n");
	plan_is(&wa, &h2,
		"n1 workload>outside cali-a ens1\n"
		"n2 outside>host ens2 -\n");
	plan_is(&h1, &wa, "n1 host>workload - cali-a\n");
	plan_is(&h2, &wa,
		"n2 host>outside - ens2\n"
		"n1 outside>workload ens1 cali-a\n");
	/* host to host: over lo on one node; between nodes */
	plan_is(&h1, &h1, "n1 host>host lo lo\n");
	plan_is(&h1, &h2,
		"n1 host>outside - ens1\n"
		"n2 outside>host ens2 -\n");
	/* a host named by its host endpoint uses that one's interface */
	plan_is(&h1e, &out, "n1 host>outside - eth7\n");
	plan_is(&out, &h1e, "n1 outside>host eth7 -\n");
	plan_is(&h1e, &h2,
		"n1 host>outside - eth7\n"
		"n2 outside>host ens2 -\n");
	/* outside */
	plan_is(&wa, &out, "n1 workload>outside cali-a ens1\n");
	plan_is(&out, &wc, "n2 outside>workload ens2 cali-c\n");
	plan_is(&h2, &out, "n2 host>outside - ens2\n");
	plan_is(&out, &h2, "n2 outside>host ens2 -\n");
	plan_is(&out, &out,
		"error -22: neither end is a workload or host of a known node: give --node\n");
}

static void test_plan_options(void **state)
{
	const struct xp_end wa = WL("n1", "cali-a"), wc = WL("n2", "cali-c");
	const struct xp_end h1 = HOST("n1", NULL), out = OUT;
	struct uplinks u = { 0 };
	struct xp_plan_in in = {
		.src = &out, .dst = &wa, .uplink = uplink, .arg = &u
	};
	struct xp_leg legs[XP_MAX_LEGS];
	char why[64];
	int n;

	/* a NodePort on n2 for a pod on n1: translated on n2 */
	ct_streq(plan_text(&out, &wa, "n2", true, NULL, NULL, NULL, &n),
		 "n2 outside>outside ens2 ens2 dnat\n"
		 "n1 outside>workload ens1 cali-a\n");
	assert_int_equal(n, 2);
	/* from a pod on n2: egress on n2 (translated there), then n1 */
	ct_streq(plan_text(&wc, &wa, "n2", true, NULL, NULL, NULL, &n),
		 "n2 workload>outside cali-c ens2 dnat\n"
		 "n1 outside>workload ens1 cali-a\n");
	/* a NodePort on the pod's own node */
	ct_streq(plan_text(&out, &wa, "n1", true, NULL, NULL, NULL, &n),
		 "n1 outside>workload ens1 cali-a dnat\n");
	/* a pod on n2 through a NodePort of n3 to a pod on n1 */
	ct_streq(plan_text(&wc, &wa, "n3", true, NULL, NULL, NULL, &n),
		 "n2 workload>outside cali-c ens2 dnat\n"
		 "n3 outside>outside ens1 ens1\n"
		 "n1 outside>workload ens1 cali-a\n");
	assert_int_equal(n, 3);
	/* --orig-dst that is no node's: translated where the packet starts */
	ct_streq(plan_text(&wa, &wc, NULL, true, NULL, NULL, NULL, &n),
		 "n1 workload>outside cali-a ens1 dnat\n"
		 "n2 outside>workload ens2 cali-c\n");
	/* to a service address from the host */
	ct_streq(plan_text(&h1, &wa, NULL, true, NULL, NULL, NULL, &n),
		 "n1 host>workload - cali-a dnat\n");
	/* --node: that node only, as it sees the ends */
	ct_streq(plan_text(&wa, &wc, NULL, false, "n2", NULL, NULL, &n),
		 "n2 outside>workload ens2 cali-c\n");
	ct_streq(plan_text(&wa, &wc, NULL, false, "n1", NULL, NULL, &n),
		 "n1 workload>outside cali-a ens1\n");
	ct_streq(plan_text(&out, &out, NULL, false, "n2", NULL, NULL, &n),
		 "n2 outside>outside ens2 ens2\n");
	ct_streq(plan_text(&out, &out, NULL, true, "n2", NULL, NULL, &n),
		 "n2 outside>outside ens2 ens2 dnat\n");
	ct_streq(plan_text(&h1, &wc, NULL, false, "n9", NULL, NULL, &n),
		 "n9 outside>outside ens1 ens1\n");
	/* --iif and --oif replace the uplink, not workloads' interfaces */
	ct_streq(plan_text(&out, &wa, NULL, false, NULL, "bond0", "bond1", &n),
		 "n1 outside>workload bond0 cali-a\n");
	ct_streq(plan_text(&wa, &wc, NULL, false, NULL, "bond0", "bond1", &n),
		 "n1 workload>outside cali-a bond1\n"
		 "n2 outside>workload bond0 cali-c\n");
	ct_streq(plan_text(&out, &out, NULL, false, "n1", "cali-x", "eth3", &n),
		 "n1 outside>outside cali-x eth3\n");
	/* the uplink is asked per node, only when needed */
	assert_int_equal(xp_plan(&in, legs, why, sizeof(why)), 1);
	assert_int_equal(u.n, 1);
	assert_string_equal(u.asked[0], "n1");
	in.src = &wa;
	u.n = 0;
	assert_int_equal(xp_plan(&in, legs, why, sizeof(why)), 1);
	assert_int_equal(u.n, 0);
}

/* --- hooks ---------------------------------------------------------------- */

static char *hooks_text(const struct xp_leg *leg)
{
	struct xp_hook h[XP_MAX_HOOKS];
	size_t n = xp_hooks(leg, h), i;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_true(n <= XP_MAX_HOOKS);
	for (i = 0; i < n; i++)
		fprintf(f, "%s %s %s%s\n", strata_hook_name(h[i].hook),
			h[i].iif ? h[i].iif : "-", h[i].oif ? h[i].oif : "-",
			h[i].orig ? " orig" : "");
	fclose(f);
	return buf;
}

static void test_hooks(void **state)
{
	static const struct {
		struct xp_leg leg;
		const char *want;
	} t[] = {
		{ { "n", XP_WORKLOAD, XP_WORKLOAD, "cali-a", "cali-b", false },
		  "raw-prerouting cali-a -\nprednat cali-a -\n"
		  "prerouting cali-a -\nforward cali-a cali-b\n" },
		{ { "n", XP_OUTSIDE, XP_WORKLOAD, "eth0", "cali-b", true },
		  "raw-prerouting eth0 - orig\nprednat eth0 - orig\n"
		  "prerouting eth0 -\nforward eth0 cali-b\n" },
		{ { "n", XP_WORKLOAD, XP_OUTSIDE, "cali-a", "eth0", false },
		  "raw-prerouting cali-a -\nprednat cali-a -\n"
		  "prerouting cali-a -\nforward cali-a eth0\n" },
		{ { "n", XP_OUTSIDE, XP_OUTSIDE, "eth0", "eth1", true },
		  "raw-prerouting eth0 - orig\nprednat eth0 - orig\n"
		  "prerouting eth0 -\nforward eth0 eth1\n" },
		{ { "n", XP_WORKLOAD, XP_HOST, "cali-a", NULL, false },
		  "raw-prerouting cali-a -\nprednat cali-a -\n"
		  "prerouting cali-a -\ninput cali-a -\n" },
		{ { "n", XP_OUTSIDE, XP_HOST, "eth0", NULL, true },
		  "raw-prerouting eth0 - orig\nprednat eth0 - orig\n"
		  "prerouting eth0 -\ninput eth0 -\n" },
		{ { "n", XP_HOST, XP_WORKLOAD, NULL, "cali-b", true },
		  "raw-output - cali-b orig\noutput - cali-b\n" },
		{ { "n", XP_HOST, XP_OUTSIDE, NULL, "eth0", false },
		  "raw-output - eth0\noutput - eth0\n" },
		{ { "n", XP_HOST, XP_HOST, "lo", "lo", true },
		  "raw-output - lo orig\noutput - lo\n"
		  "raw-prerouting lo -\nprednat lo -\nprerouting lo -\n"
		  "input lo -\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ct_streq(hooks_text(&t[i].leg), t[i].want);
}

/* --- decisions ------------------------------------------------------------ */

/*
 * Node n1: workloads a (profile allow-all), b (tiers sec and app, profile
 * udp-only), d (no profile: OpenStack, no-match deny), a host endpoint on
 * eth0 with untracked, pre-DNAT, forward and normal policy. Node n2:
 * workload c. Line numbers below are t.yaml's.
 */
static const char cluster[] =
	"apiVersion: projectcalico.org/v3\n" /* 1 */
	"kind: Tier\n"
	"metadata: {name: sec}\n"
	"spec: {order: 10, defaultAction: Deny}\n"
	"---\n" /* 5 */
	"apiVersion: projectcalico.org/v3\n"
	"kind: Tier\n"
	"metadata: {name: app}\n"
	"spec: {order: 20, defaultAction: Pass}\n"
	"---\n" /* 10 */
	"apiVersion: projectcalico.org/v3\n"
	"kind: Profile\n"
	"metadata: {name: allow-all}\n"
	"spec: {ingress: [{action: Allow}], egress: [{action: Allow}]}\n"
	"---\n" /* 15 */
	"apiVersion: projectcalico.org/v3\n"
	"kind: Profile\n"
	"metadata: {name: udp-only}\n"
	"spec:\n"
	"  ingress:\n" /* 20 */
	"  - action: Allow\n"
	"    protocol: UDP\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: WorkloadEndpoint\n" /* 25 */
	"metadata: {name: n1-k8s-a-eth0, namespace: ns, labels: {app: a}}\n"
	"spec: {orchestrator: k8s, node: n1, pod: a, endpoint: eth0,\n"
	"  interfaceName: cali-a, ipNetworks: [10.0.0.1/32, 'fd00::1/128'],\n"
	"  profiles: [allow-all]}\n"
	"---\n" /* 30 */
	"apiVersion: projectcalico.org/v3\n"
	"kind: WorkloadEndpoint\n"
	"metadata: {name: n1-k8s-b-eth0, namespace: ns, labels: {app: b}}\n"
	"spec: {orchestrator: k8s, node: n1, pod: b, endpoint: eth0,\n"
	"  interfaceName: cali-b, ipNetworks: [10.0.0.2/32, 'fd00::2/128'],\n" /* 35 */
	"  profiles: [udp-only]}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: WorkloadEndpoint\n"
	"metadata: {name: n2-k8s-c-eth0, namespace: ns, labels: {app: c}}\n" /* 40 */
	"spec: {orchestrator: k8s, node: n2, pod: c, endpoint: eth0,\n"
	"  interfaceName: cali-c, ipNetworks: [10.0.1.3/32],\n"
	"  profiles: [allow-all]}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n" /* 45 */
	"kind: WorkloadEndpoint\n"
	"metadata: {name: n1-openstack-d-tap0, namespace: ns, labels: {app: d}}\n"
	"spec: {orchestrator: openstack, node: n1, workload: d, endpoint: tap0,\n"
	"  interfaceName: tapd, ipNetworks: [10.0.0.4/32]}\n"
	"---\n" /* 50 */
	"apiVersion: projectcalico.org/v3\n"
	"kind: GlobalNetworkPolicy\n"
	"metadata: {name: sec.log-and-pass}\n"
	"spec:\n"
	"  tier: sec\n" /* 55 */
	"  order: 1\n"
	"  selector: app == 'b'\n"
	"  ingress:\n"
	"  - action: Log\n"
	"  - action: Pass\n" /* 60 */
	"    protocol: TCP\n"
	"    destination: {ports: [80]}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: GlobalNetworkPolicy\n" /* 65 */
	"metadata: {name: sec.no-ssh}\n"
	"spec:\n"
	"  tier: sec\n"
	"  order: 2\n"
	"  selector: app == 'b'\n" /* 70 */
	"  ingress:\n"
	"  - action: Deny\n"
	"    protocol: TCP\n"
	"    destination: {ports: [22]}\n"
	"  - action: Pass\n" /* 75 */
	"    protocol: UDP\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: GlobalNetworkPolicy\n"
	"metadata: {name: app.web}\n" /* 80 */
	"spec:\n"
	"  tier: app\n"
	"  order: 1\n"
	"  selector: app == 'b'\n"
	"  ingress:\n" /* 85 */
	"  - action: Allow\n"
	"    protocol: TCP\n"
	"    source: {selector: app == 'a'}\n"
	"    destination: {ports: [80]}\n"
	"---\n" /* 90 */
	"apiVersion: projectcalico.org/v3\n"
	"kind: StagedGlobalNetworkPolicy\n"
	"metadata: {name: app.lockdown}\n"
	"spec:\n"
	"  tier: app\n" /* 95 */
	"  order: 0\n"
	"  selector: app == 'b'\n"
	"  ingress:\n"
	"  - action: Deny\n"
	"    protocol: TCP\n" /* 100 */
	"    source: {nets: [10.0.0.1/32]}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: HostEndpoint\n"
	"metadata: {name: n1-eth0, labels: {host: n1}}\n" /* 105 */
	"spec: {node: n1, interfaceName: eth0, expectedIPs: [192.168.0.1]}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: GlobalNetworkPolicy\n"
	"metadata: {name: untracked}\n" /* 110 */
	"spec:\n"
	"  selector: host == 'n1'\n"
	"  doNotTrack: true\n"
	"  applyOnForward: true\n"
	"  ingress:\n" /* 115 */
	"  - action: Allow\n"
	"    protocol: UDP\n"
	"    destination: {ports: [5000]}\n"
	"  egress:\n"
	"  - action: Allow\n" /* 120 */
	"    protocol: UDP\n"
	"    source: {ports: [5000]}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: GlobalNetworkPolicy\n" /* 125 */
	"metadata: {name: nodeports}\n"
	"spec:\n"
	"  selector: host == 'n1'\n"
	"  preDNAT: true\n"
	"  applyOnForward: true\n" /* 130 */
	"  ingress:\n"
	"  - action: Allow\n"
	"    protocol: TCP\n"
	"    source: {nets: [10.1.0.0/16]}\n"
	"    destination: {ports: ['30000:32767']}\n" /* 135 */
	"  - action: Deny\n"
	"    protocol: TCP\n"
	"    destination: {ports: ['30000:32767']}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n" /* 140 */
	"kind: GlobalNetworkPolicy\n"
	"metadata: {name: no-bad-net}\n"
	"spec:\n"
	"  selector: host == 'n1'\n"
	"  applyOnForward: true\n" /* 145 */
	"  types: [Ingress]\n"
	"  ingress:\n"
	"  - action: Deny\n"
	"    source: {nets: [172.16.0.0/12]}\n"
	"  - action: Allow\n" /* 150 */
	"    protocol: TCP\n"
	"    destination: {ports: [443]}\n";

/**
 * struct fx - one node's compiled state, as stratactl explain builds it
 * @c: the compiler (names)
 * @st: its state
 */
struct fx {
	struct cmp *c;
	struct sc_state *st;
};

static const struct sc_limits nocaps = { UINT32_MAX, UINT32_MAX, UINT32_MAX,
					 UINT32_MAX, UINT32_MAX, UINT32_MAX };

static void fx_init(struct fx *f, const char *node, bool staged,
		    const char *felix_key, const char *felix_value)
{
	struct cmp_config cfg = { .staged_as_enforced = staged };
	struct sc_err err = { 0 };
	struct strata_batch b;

	f->c = ct_new(node, &cfg);
	ct_apply(f->c, cluster);
	if (felix_key) {
		static const struct sc_limits caps = { 0 };
		struct sc_settings s;
		char why[128];

		sc_settings_default(&s, &caps);
		assert_int_equal(cmp_felix_setting(&s, felix_key, felix_value,
						   why, sizeof(why)),
				 0);
		cmp_set_settings(f->c, &s);
	}
	strata_batch_init(&b);
	cmp_flush(f->c, &b);
	f->st = sc_state_new(NULL, &nocaps);
	assert_non_null(f->st);
	if (xp_commit(f->st, &b, &err))
		fail_msg("commit: %s", err.msg);
	strata_batch_release(&b);
}

static void fx_free(struct fx *f)
{
	sc_state_free(f->st);
	cmp_free(f->c);
}

static void addr(uint8_t *out, const char *s)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) != 1)
		assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

static struct xp_flow flow(const char *src, const char *dst, uint8_t proto,
			   uint16_t dport)
{
	struct xp_flow f = { 0 };

	f.pkt.family = strchr(src, ':') ? STRATA_FAMILY_IPV6
					: STRATA_FAMILY_IPV4;
	f.pkt.proto = proto;
	f.pkt.flags = SC_PKT_L4;
	f.pkt.len = 64;
	addr(f.pkt.saddr, src);
	addr(f.pkt.daddr, dst);
	if (proto == 1 || proto == 58) {
		f.pkt.icmp_type = proto == 1 ? 8 : 128;
	} else {
		f.pkt.sport = 40000;
		f.pkt.dport = dport;
	}
	f.ct = SC_CT_NEW;
	return f;
}

static struct json_object *run(const struct fx *f, bool names,
			       const struct xp_flow *fl, struct xp_leg leg,
			       uint8_t *verdict)
{
	struct xp_state x = { .st = f->st, .names = names ? f->c : NULL };

	return xp_run(&x, fl, &leg, verdict);
}

static void test_tiers(void **state)
{
	struct fx f;
	struct xp_flow fl = flow("10.0.0.1", "10.0.0.2", 6, 80);
	const struct xp_leg ab = { "n1",     XP_WORKLOAD, XP_WORKLOAD,
				   "cali-a", "cali-b",	  false };
	struct json_object *o;
	uint8_t v;

	fx_init(&f, "n1", false, NULL, NULL);

	/* a to b:80: sec logs and passes, app allows */
	o = run(&f, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "node", "n1");
	assert_jp(o, "from", "workload");
	assert_jp(o, "to", "workload");
	assert_jp(o, "iif", "cali-a");
	assert_jp(o, "oif", "cali-b");
	assert_jp(o, "dnat", "false");
	assert_jp(o, "verdict", "allow");
	assert_int_equal(jlen(o, "hooks"), 4);
	assert_jp(o, "hooks.0.hook", "raw-prerouting");
	assert_jp(o, "hooks.0.verdict", "none");
	assert_jp(o, "hooks.0.why",
		  "a workload's interface: no host endpoint policy");
	assert_jp(o, "hooks.1.hook", "prednat");
	/* a's egress: no tier applies, its profile allows */
	assert_jp(o, "hooks.2.hook", "prerouting");
	assert_jp(o, "hooks.2.verdict", "allow");
	assert_jp(o, "hooks.2.reason", "policy");
	assert_jp(o, "hooks.2.why", "<missing>");
	assert_jp(o, "hooks.2.mark", "65536");
	assert_jp(o, "hooks.2.mark_mask", "4294901760");
	assert_jp(o, "hooks.2.endpoint_in.kernel_name", "pod:ns/a");
	assert_jp(o, "hooks.2.endpoint_in.pod", "a");
	assert_jp(o, "hooks.2.endpoint_in.line", "24");
	assert_jp(o, "hooks.2.steps.0.list", "egress");
	assert_jp(o, "hooks.2.steps.0.action", "allow");
	assert_int_equal(jlen(o, "hooks.2.steps.0.tiers"), 0);
	assert_jp(o, "hooks.2.steps.0.profiles.0.name", "allow-all");
	assert_jp(o, "hooks.2.steps.0.profiles.0.kind", "Profile");
	assert_jp(o, "hooks.2.steps.0.profiles.0.outcome", "allow");
	assert_jp(o, "hooks.2.steps.0.profiles.0.rule", "0");
	assert_jp(o, "hooks.2.steps.0.decided_by.kind", "rule");
	assert_jp(o, "hooks.2.steps.0.decided_by.policy.kernel_name",
		  "pro:allow-all");
	assert_jp(o, "hooks.2.steps.0.decided_by.tier", "<missing>");
	/* b's ingress */
	assert_jp(o, "hooks.3.hook", "forward");
	assert_jp(o, "hooks.3.iif", "cali-a");
	assert_jp(o, "hooks.3.oif", "cali-b");
	assert_jp(o, "hooks.3.mark_in", "65536");
	assert_jp(o, "hooks.3.verdict", "allow");
	assert_jp(o, "hooks.3.endpoint_out.kernel_name", "pod:ns/b");
	assert_jp(o, "hooks.3.steps.0.endpoint.name", "n1-k8s-b-eth0");
	assert_jp(o, "hooks.3.steps.0.endpoint.namespace", "ns");
	assert_jp(o, "hooks.3.steps.0.list", "ingress");
	assert_int_equal(jlen(o, "hooks.3.steps.0.tiers"), 2);
	assert_jp(o, "hooks.3.steps.0.tiers.0.name", "sec");
	assert_jp(o, "hooks.3.steps.0.tiers.0.kernel_name", "tier:sec");
	assert_jp(o, "hooks.3.steps.0.tiers.0.line", "1");
	assert_jp(o, "hooks.3.steps.0.tiers.0.default", "deny");
	assert_jp(o, "hooks.3.steps.0.tiers.0.outcome", "pass");
	assert_jp(o, "hooks.3.steps.0.tiers.0.action", "pass");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.name",
		  "sec.log-and-pass");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.outcome", "pass");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.rule", "1");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.line", "60");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.logs.0.rule", "0");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.logs.0.line", "59");
	/* a pass skips the rest of the tier */
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.name", "sec.no-ssh");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.outcome",
		  "not-reached");
	assert_jp(o, "hooks.3.steps.0.tiers.1.name", "app");
	assert_jp(o, "hooks.3.steps.0.tiers.1.outcome", "decided");
	assert_jp(o, "hooks.3.steps.0.tiers.1.action", "allow");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.name", "app.web");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.outcome", "allow");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.kernel_rule", "0");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.file", "t.yaml");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.line", "86");
	/* the profile was not reached */
	assert_jp(o, "hooks.3.steps.0.profiles.0.name", "udp-only");
	assert_jp(o, "hooks.3.steps.0.profiles.0.outcome", "not-reached");
	assert_jp(o, "hooks.3.steps.0.decided_by.kind", "rule");
	assert_jp(o, "hooks.3.steps.0.decided_by.tier.name", "app");
	assert_jp(o, "hooks.3.steps.0.decided_by.policy.name", "app.web");
	assert_jp(o, "hooks.3.steps.0.decided_by.rule", "0");
	assert_jp(o, "hooks.3.steps.0.decided_by.line", "86");
	assert_jp(o, "hooks.3.steps.0.decided_by.action", "allow");
	json_object_put(o);

	/* b:22: logged, denied by sec.no-ssh rule 0 */
	fl.pkt.dport = 22;
	o = run(&f, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "verdict", "deny");
	assert_jp(o, "hooks.3.verdict", "deny");
	assert_jp(o, "hooks.3.steps.0.tiers.0.outcome", "decided");
	assert_jp(o, "hooks.3.steps.0.tiers.0.action", "deny");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.outcome", "no-match");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.logs.0.line", "59");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.outcome", "deny");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.rule", "0");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.line", "72");
	assert_jp(o, "hooks.3.steps.0.tiers.1.outcome", "not-reached");
	assert_jp(o, "hooks.3.steps.0.tiers.1.action", "<missing>");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies", "[]");
	json_object_put(o);

	/* b:443: sec's default denies */
	fl.pkt.dport = 443;
	o = run(&f, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "hooks.3.steps.0.tiers.0.outcome", "default");
	assert_jp(o, "hooks.3.steps.0.tiers.0.action", "deny");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.outcome", "no-match");
	assert_jp(o, "hooks.3.steps.0.decided_by.kind", "tier-default");
	assert_jp(o, "hooks.3.steps.0.decided_by.tier.name", "sec");
	assert_jp(o, "hooks.3.steps.0.decided_by.action", "deny");
	json_object_put(o);

	/* UDP: sec passes (no-ssh rule 1), app's default passes, the
	 * profile allows UDP */
	fl.pkt.proto = 17;
	fl.pkt.dport = 53;
	o = run(&f, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.3.steps.0.tiers.0.outcome", "pass");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.outcome", "pass");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.rule", "1");
	assert_jp(o, "hooks.3.steps.0.tiers.1.outcome", "default");
	assert_jp(o, "hooks.3.steps.0.tiers.1.action", "pass");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.outcome", "no-match");
	assert_jp(o, "hooks.3.steps.0.profiles.0.outcome", "allow");
	assert_jp(o, "hooks.3.steps.0.profiles.0.line", "21");
	assert_jp(o, "hooks.3.steps.0.decided_by.kind", "rule");
	assert_jp(o, "hooks.3.steps.0.decided_by.tier", "<missing>");
	assert_jp(o, "hooks.3.steps.0.decided_by.policy.kernel_name",
		  "pro:udp-only");
	json_object_put(o);
	fx_free(&f);
}

static void test_profiles_nomatch(void **state)
{
	struct fx f;
	struct xp_flow fl = flow("10.0.0.4", "10.0.0.2", 132, 9);
	const struct xp_leg db = { "n1",   XP_WORKLOAD, XP_WORKLOAD,
				   "tapd", "cali-b",	false };
	struct json_object *o;
	uint8_t v;

	fx_init(&f, "n1", false, NULL, NULL);
	/* d has no profile: its egress ends in the no-match action */
	o = run(&f, true, &fl, db, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_int_equal(jlen(o, "hooks"), 3);
	assert_jp(o, "hooks.2.hook", "prerouting");
	assert_jp(o, "hooks.2.verdict", "deny");
	assert_jp(o, "hooks.2.endpoint_in.kernel_name",
		  "wep:ns/openstack-d-tap0");
	assert_jp(o, "hooks.2.endpoint_in.kind", "WorkloadEndpoint");
	assert_jp(o, "hooks.2.endpoint_in.name", "n1-openstack-d-tap0");
	assert_jp(o, "hooks.2.endpoint_in.pod", "<missing>");
	assert_jp(o, "hooks.2.steps.0.tiers", "[]");
	assert_jp(o, "hooks.2.steps.0.profiles", "[]");
	assert_jp(o, "hooks.2.steps.0.decided_by.kind", "no-match");
	assert_jp(o, "hooks.2.steps.0.decided_by.action", "deny");
	json_object_put(o);

	/* a to b over SCTP: sec's policies do not match and its default
	 * denies; b's profile is not reached */
	fl = flow("10.0.0.1", "10.0.0.2", 132, 9);
	o = run(&f, true, &fl,
		(struct xp_leg){ "n1", XP_WORKLOAD, XP_WORKLOAD, "cali-a",
				 "cali-b", false },
		&v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "hooks.3.steps.0.decided_by.kind", "tier-default");
	assert_jp(o, "hooks.3.steps.0.profiles.0.outcome", "not-reached");
	json_object_put(o);
	fx_free(&f);
}

/* The enforced verdict and the pending one, side by side. */
static void test_staged(void **state)
{
	struct fx f, p;
	struct xp_flow fl = flow("10.0.0.1", "10.0.0.2", 6, 80);
	const struct xp_leg ab = { "n1",     XP_WORKLOAD, XP_WORKLOAD,
				   "cali-a", "cali-b",	  false };
	struct json_object *o;
	uint8_t v;

	fx_init(&f, "n1", false, NULL, NULL);
	fx_init(&p, "n1", true, NULL, NULL);
	o = run(&f, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_int_equal(jlen(o, "hooks.3.steps.0.tiers.1.policies"), 1);
	json_object_put(o);

	o = run(&p, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "verdict", "deny");
	assert_jp(o, "hooks.3.steps.0.tiers.1.name", "app");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.kind",
		  "StagedGlobalNetworkPolicy");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.name", "app.lockdown");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.staged", "true");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.outcome", "deny");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.line", "99");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.1.name", "app.web");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.1.staged", "<missing>");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.1.outcome",
		  "not-reached");
	assert_jp(o, "hooks.3.steps.0.decided_by.policy.staged", "true");
	json_object_put(o);

	/* from outside (an interface without a host endpoint) the staged
	 * policy does not match, nor app.web (app a only), nor b's profile
	 * (UDP only): the no-match action */
	fl = flow("10.9.9.9", "10.0.0.2", 6, 80);
	o = run(&p, true, &fl,
		(struct xp_leg){ "n1", XP_OUTSIDE, XP_WORKLOAD, "eth1",
				 "cali-b", false },
		&v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "hooks.0.why", "no host endpoint on eth1");
	assert_jp(o, "hooks.3.steps.0.list", "ingress");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.0.outcome", "no-match");
	assert_jp(o, "hooks.3.steps.0.tiers.1.policies.1.outcome", "no-match");
	assert_jp(o, "hooks.3.steps.0.decided_by.kind", "no-match");
	json_object_put(o);
	fx_free(&f);
	fx_free(&p);
}

static void test_host_endpoint(void **state)
{
	struct fx f;
	struct xp_flow fl = flow("10.9.0.1", "192.168.0.1", 17, 5000);
	const struct xp_leg in = { "n1",   XP_OUTSIDE, XP_HOST,
				   "eth0", NULL,       false };
	const struct xp_leg out = { "n1", XP_HOST, XP_OUTSIDE,
				    NULL, "eth0",  false };
	const struct xp_leg fwd = { "n1",   XP_OUTSIDE, XP_WORKLOAD,
				    "eth0", "cali-a",	true };
	struct json_object *o;
	uint8_t v;

	fx_init(&f, "n1", false, NULL, NULL);

	/* untracked: allowed before conntrack, the later hooks see an
	 * untracked packet with the accept bit */
	o = run(&f, true, &fl, in, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.0.hook", "raw-prerouting");
	assert_jp(o, "hooks.0.verdict", "notrack");
	assert_jp(o, "hooks.0.endpoint_in.kind", "HostEndpoint");
	assert_jp(o, "hooks.0.endpoint_in.name", "n1-eth0");
	assert_jp(o, "hooks.0.steps.0.list", "untracked_ingress");
	assert_jp(o, "hooks.0.steps.0.tiers.0.name", "default");
	assert_jp(o, "hooks.0.steps.0.tiers.0.policies.0.name", "untracked");
	assert_jp(o, "hooks.0.steps.0.tiers.0.policies.0.outcome", "allow");
	assert_jp(o, "hooks.0.steps.0.tiers.0.policies.0.line", "116");
	assert_jp(o, "hooks.0.mark", "65536");
	assert_jp(o, "hooks.1.ct", "untracked");
	assert_jp(o, "hooks.1.mark_in", "65536");
	assert_jp(o, "hooks.1.verdict", "none");
	assert_jp(o, "hooks.1.why", "already allowed by untracked policy");
	assert_jp(o, "hooks.3.hook", "input");
	assert_jp(o, "hooks.3.verdict", "none");
	assert_jp(o, "hooks.3.why",
		  "already allowed by untracked or pre-DNAT policy");
	json_object_put(o);

	/* and its reply out, untracked egress */
	fl = flow("192.168.0.1", "10.9.0.1", 17, 40000);
	fl.pkt.sport = 5000;
	o = run(&f, true, &fl, out, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.0.hook", "raw-output");
	assert_jp(o, "hooks.0.verdict", "notrack");
	assert_jp(o, "hooks.0.steps.0.list", "untracked_egress");
	assert_jp(o, "hooks.0.steps.0.tiers.0.policies.0.line", "120");
	assert_jp(o, "hooks.1.hook", "output");
	assert_jp(o, "hooks.1.ct", "untracked");
	json_object_put(o);

	/* host ingress: allowed by no-bad-net rule 1, the tier's default
	 * otherwise (the host endpoint has no profile) */
	fl = flow("10.9.0.1", "192.168.0.1", 6, 443);
	o = run(&f, true, &fl, in, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.0.verdict", "none");
	assert_jp(o, "hooks.0.why", "no policy decided");
	assert_jp(o, "hooks.0.steps.0.list", "untracked_ingress");
	assert_jp(o, "hooks.0.steps.0.tiers.0.outcome", "default");
	assert_jp(o, "hooks.0.steps.0.tiers.0.action", "pass");
	assert_jp(o, "hooks.0.steps.0.decided_by.kind", "no-match");
	assert_jp(o, "hooks.0.steps.0.decided_by.action", "continue");
	assert_jp(o, "hooks.1.steps.0.list", "prednat_ingress");
	assert_jp(o, "hooks.1.steps.0.action", "continue");
	assert_jp(o, "hooks.1.why", "no policy decided");
	assert_jp(o, "hooks.3.verdict", "allow");
	assert_jp(o, "hooks.3.steps.0.list", "ingress");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.name", "no-bad-net");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.rule", "1");
	json_object_put(o);
	fl.pkt.dport = 8080;
	o = run(&f, true, &fl, in, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "hooks.3.steps.0.decided_by.kind", "tier-default");
	json_object_put(o);

	/* failsafe: tcp:22 in is allowed before policy, and skips the
	 * untracked stage */
	fl.pkt.dport = 22;
	o = run(&f, true, &fl, in, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.0.reason", "failsafe");
	assert_jp(o, "hooks.0.why",
		  "a failsafe port: host endpoint policy skipped");
	assert_jp(o, "hooks.3.verdict", "allow");
	assert_jp(o, "hooks.3.reason", "failsafe");
	assert_jp(o, "hooks.3.why", "a failsafe port: allowed before policy");
	assert_jp(o, "hooks.3.steps", "[]");
	json_object_put(o);

	/* pre-DNAT: a NodePort from outside the allowed network is denied
	 * before DNAT; the hooks after it see the real destination */
	fl = flow("10.9.0.1", "10.0.0.1", 6, 8080);
	fl.has_orig = true;
	addr(fl.orig_daddr, "192.168.0.1");
	fl.orig_dport = 30080;
	o = run(&f, true, &fl, fwd, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_int_equal(jlen(o, "hooks"), 2);
	assert_jp(o, "dnat", "true");
	assert_jp(o, "hooks.0.dst", "192.168.0.1");
	assert_jp(o, "hooks.0.dport", "30080");
	assert_jp(o, "hooks.1.hook", "prednat");
	assert_jp(o, "hooks.1.verdict", "deny");
	assert_jp(o, "hooks.1.steps.0.tiers.0.policies.0.name", "nodeports");
	assert_jp(o, "hooks.1.steps.0.tiers.0.policies.0.rule", "1");
	assert_jp(o, "hooks.1.steps.0.tiers.0.policies.0.line", "136");
	json_object_put(o);
	/* from the allowed network: the accept bit skips forward policy of
	 * the host endpoint; a's ingress still decides */
	addr(fl.pkt.saddr, "10.1.2.3");
	o = run(&f, true, &fl, fwd, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.1.verdict", "allow");
	assert_jp(o, "hooks.1.mark", "65536");
	assert_jp(o, "hooks.2.dst", "10.0.0.1");
	assert_jp(o, "hooks.2.dport", "8080");
	assert_jp(o, "hooks.3.mark_in", "65536");
	assert_int_equal(jlen(o, "hooks.3.steps"), 1);
	assert_jp(o, "hooks.3.steps.0.list", "ingress");
	assert_jp(o, "hooks.3.steps.0.endpoint.pod", "a");
	json_object_put(o);

	/* forward: no-bad-net denies 172.16/12 on its way to a workload */
	fl = flow("172.16.5.5", "10.0.0.1", 6, 8080);
	o = run(&f, true, &fl,
		(struct xp_leg){ "n1", XP_OUTSIDE, XP_WORKLOAD, "eth0",
				 "cali-a", false },
		&v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "hooks.3.steps.0.list", "forward_ingress");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.outcome", "deny");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.0.line", "148");
	json_object_put(o);
	/* from elsewhere: what forward policy does not allow, the end of
	 * its tier denies (profiles do not apply to forwarded traffic) */
	addr(fl.pkt.saddr, "10.9.0.1");
	o = run(&f, true, &fl,
		(struct xp_leg){ "n1", XP_OUTSIDE, XP_WORKLOAD, "eth0",
				 "cali-a", false },
		&v);
	assert_int_equal(v, SC_V_DROP);
	assert_int_equal(jlen(o, "hooks.3.steps"), 1);
	assert_jp(o, "hooks.3.steps.0.decided_by.kind", "tier-default");
	json_object_put(o);
	/* what it allows goes on to the workload's ingress */
	fl.pkt.dport = 443;
	o = run(&f, true, &fl,
		(struct xp_leg){ "n1", XP_OUTSIDE, XP_WORKLOAD, "eth0",
				 "cali-a", false },
		&v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.3.steps.0.list", "forward_ingress");
	assert_jp(o, "hooks.3.steps.0.action", "allow");
	assert_jp(o, "hooks.3.steps.1.list", "ingress");
	assert_jp(o, "hooks.3.steps.1.endpoint.pod", "a");
	assert_jp(o, "hooks.3.steps.1.decided_by.policy.name", "allow-all");
	json_object_put(o);
	fx_free(&f);
}

static void test_spoof_and_host(void **state)
{
	struct fx f, acc;
	struct xp_flow fl = flow("10.0.0.9", "10.0.0.2", 6, 80);
	const struct xp_leg ab = { "n1",     XP_WORKLOAD, XP_WORKLOAD,
				   "cali-a", "cali-b",	  false };
	const struct xp_leg ah = { "n1",     XP_WORKLOAD, XP_HOST,
				   "cali-a", NULL,	  false };
	const struct xp_leg ha = { "n1", XP_HOST,  XP_WORKLOAD,
				   NULL, "cali-a", false };
	struct json_object *o;
	uint8_t v;

	fx_init(&f, "n1", false, NULL, NULL);
	fx_init(&acc, "n1", false, "DefaultEndpointToHostAction", "Accept");

	/* anti-spoofing: a's interface, another source */
	o = run(&f, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_int_equal(jlen(o, "hooks"), 3);
	assert_jp(o, "hooks.2.reason", "spoof");
	assert_jp(
		o, "hooks.2.why",
		"the source is not one of the workload's addresses: dropped (anti-spoofing)");
	json_object_put(o);

	/* workload to host: Drop by default, Accept when configured */
	fl = flow("10.0.0.1", "192.168.0.1", 6, 8080);
	o = run(&f, true, &fl, ah, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "hooks.2.verdict", "allow");
	assert_jp(o, "hooks.3.hook", "input");
	assert_jp(o, "hooks.3.verdict", "deny");
	assert_jp(o, "hooks.3.reason", "wl-to-host");
	assert_jp(
		o, "hooks.3.why",
		"from a workload to this host: DefaultEndpointToHostAction Drop");
	json_object_put(o);
	o = run(&acc, true, &fl, ah, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.3.verdict", "allow");
	assert_jp(
		o, "hooks.3.why",
		"from a workload to this host: DefaultEndpointToHostAction Accept");
	json_object_put(o);

	/* the host to its own workload: always allowed */
	fl = flow("192.168.0.1", "10.0.0.1", 6, 8080);
	o = run(&f, true, &fl, ha, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_int_equal(jlen(o, "hooks"), 2);
	assert_jp(o, "hooks.0.hook", "raw-output");
	assert_jp(o, "hooks.1.hook", "output");
	assert_jp(o, "hooks.1.reason", "host-to-wl");
	json_object_put(o);

	/* an established connection: accepted without policy */
	fl = flow("10.0.0.1", "10.0.0.2", 6, 22);
	fl.ct = SC_CT_ESTABLISHED;
	o = run(&f, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_ACCEPT);
	assert_jp(o, "hooks.0.ct", "new");
	assert_jp(o, "hooks.2.ct", "established");
	assert_jp(o, "hooks.2.reason", "established");
	assert_jp(o, "hooks.3.verdict", "none");
	assert_jp(o, "hooks.3.why",
		  "an established connection: accepted without policy");
	json_object_put(o);

	/* IPv6: a workload's second address */
	fl = flow("fd00::1", "fd00::2", 6, 22);
	o = run(&f, true, &fl, ab, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(o, "hooks.3.dst", "fd00::2");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.line", "72");
	json_object_put(o);
	fx_free(&f);
	fx_free(&acc);
}

/* Without a compiler: kernel names, and what they tell. */
static void test_names(void **state)
{
	struct fx f;
	struct xp_flow fl = flow("10.0.0.1", "10.0.0.2", 6, 22);
	const struct xp_leg ab = { "n1",     XP_WORKLOAD, XP_WORKLOAD,
				   "cali-a", "cali-b",	  false };
	struct xp_state x = { 0 };
	struct json_object *o;
	uint8_t v;

	fx_init(&f, "n1", false, NULL, NULL);
	o = run(&f, false, &fl, ab, &v);
	assert_int_equal(v, SC_V_DROP);
	assert_jp(
		o, "hooks.3.steps.0.endpoint",
		"{\"kernel_name\":\"pod:ns\\/b\",\"kind\":\"WorkloadEndpoint\","
		"\"namespace\":\"ns\",\"pod\":\"b\"}");
	assert_jp(o, "hooks.3.steps.0.tiers.0.kernel_name", "tier:sec");
	assert_jp(o, "hooks.3.steps.0.tiers.0.kind", "Tier");
	assert_jp(o, "hooks.3.steps.0.tiers.0.name", "sec");
	assert_jp(o, "hooks.3.steps.0.tiers.0.line", "<missing>");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.kernel_name",
		  "gnp:sec.no-ssh");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.kind",
		  "GlobalNetworkPolicy");
	/* the rule's index in the resource, from its cookie */
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.rule", "0");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.file", "<missing>");
	json_object_put(o);

	/* a state read from a kernel: positions found by cookie */
	x.st = f.st;
	x.names = f.c;
	x.by_cookie = true;
	o = xp_run(&x, &fl, &ab, &v);
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.line", "72");
	assert_jp(o, "hooks.3.steps.0.tiers.0.policies.1.file", "t.yaml");
	json_object_put(o);

	/* names compile did not make */
	o = xp_object_json(NULL, SC_OBJ_POLICY, "my-policy");
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"kernel_name\":\"my-policy\"}");
	json_object_put(o);
	o = xp_object_json(NULL, SC_OBJ_POLICY, "np:ns/knp.default.x");
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"kernel_name\":\"np:ns\\/knp.default.x\",\"kind\":\"NetworkPolicy\","
		"\"namespace\":\"ns\",\"name\":\"knp.default.x\"}");
	json_object_put(o);
	o = xp_object_json(NULL, SC_OBJ_ENDPOINT,
			   "hep:a-very-long~0123456789ab");
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"kernel_name\":\"hep:a-very-long~0123456789ab\"}");
	json_object_put(o);
	o = xp_object_json(f.c, SC_OBJ_POLICY, "pro:allow-all");
	assert_string_equal(
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		"{\"kernel_name\":\"pro:allow-all\",\"kind\":\"Profile\","
		"\"name\":\"allow-all\",\"file\":\"t.yaml\",\"line\":11}");
	json_object_put(o);
	fx_free(&f);
}

/* The text of a whole explanation, as stratactl explain prints it. */
static void test_text(void **state)
{
	struct fx f, p;
	struct xp_flow fl = flow("10.0.0.1", "10.0.0.2", 6, 80);
	const struct xp_leg ab = { "n1",     XP_WORKLOAD, XP_WORKLOAD,
				   "cali-a", "cali-b",	  false };
	struct json_object *res, *nodes, *pnodes, *pend;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	uint8_t v, pv;

	fx_init(&f, "n1", false, NULL, NULL);
	fx_init(&p, "n1", true, NULL, NULL);
	res = json_tokener_parse(
		"{\"flow\": {\"family\": 4, \"protocol\": \"tcp\", \"proto\": 6,"
		" \"src\": \"10.0.0.1\", \"sport\": 40000, \"dst\": \"10.0.0.2\","
		" \"dport\": 80, \"ct\": \"new\"},"
		" \"from\": {\"role\": \"workload\", \"node\": \"n1\","
		" \"address\": \"10.0.0.1\", \"endpoint\": {\"kernel_name\":"
		" \"pod:ns/a\", \"kind\": \"WorkloadEndpoint\", \"namespace\":"
		" \"ns\", \"name\": \"n1-k8s-a-eth0\", \"pod\": \"a\"}, \"sets\": []},"
		" \"to\": {\"role\": \"outside\", \"address\": \"10.0.0.2\","
		" \"sets\": [{\"kind\": \"GlobalNetworkSet\", \"name\": \"g\"}]},"
		" \"notes\": [\"a note\"]}");
	assert_non_null(res);
	nodes = json_object_new_array();
	json_object_array_add(nodes, run(&f, true, &fl, ab, &v));
	json_object_object_add(res, "nodes", nodes);
	json_object_object_add(res, "verdict", json_object_new_string("allow"));
	pend = json_object_new_object();
	pnodes = json_object_new_array();
	json_object_array_add(pnodes, run(&p, true, &fl, ab, &pv));
	json_object_object_add(pend, "verdict", json_object_new_string("deny"));
	json_object_object_add(pend, "nodes", pnodes);
	json_object_object_add(res, "pending", pend);
	out = open_memstream(&buf, &len);
	xp_print(out, res);
	fclose(out);
	ct_streq(
		buf,
		"flow: tcp 10.0.0.1:40000 -> 10.0.0.2:80, a new connection\n"
		"from: pod ns/a on n1, 10.0.0.1\n"
		"to:   10.0.0.2 (outside), in GlobalNetworkSet g\n"
		"\n"
		"node n1: workload to workload, in cali-a, out cali-b\n"
		"  raw-prerouting [in cali-a]: no opinion (a workload's interface: no host endpoint policy)\n"
		"  prednat [in cali-a]: no opinion (a workload's interface: no host endpoint policy)\n"
		"  prerouting [in cali-a]: allow\n"
		"    egress policy of pod ns/a: allow\n"
		"      Profile allow-all: allow, egress rule 0 (t.yaml:14)\n"
		"  forward [in cali-a out cali-b]: allow\n"
		"    ingress policy of pod ns/b: allow\n"
		"      tier sec: pass\n"
		"        GlobalNetworkPolicy sec.log-and-pass: pass, ingress rule 1 (t.yaml:60)\n"
		"          logged by ingress rule 0 (t.yaml:59)\n"
		"        GlobalNetworkPolicy sec.no-ssh: not reached\n"
		"      tier app: allow\n"
		"        GlobalNetworkPolicy app.web: allow, ingress rule 0 (t.yaml:86)\n"
		"  pending: forward [in cali-a out cali-b]: deny\n"
		"    ingress policy of pod ns/b: deny\n"
		"      tier sec: pass\n"
		"        GlobalNetworkPolicy sec.log-and-pass: pass, ingress rule 1 (t.yaml:60)\n"
		"          logged by ingress rule 0 (t.yaml:59)\n"
		"        GlobalNetworkPolicy sec.no-ssh: not reached\n"
		"      tier app: deny\n"
		"        StagedGlobalNetworkPolicy app.lockdown (staged): deny, ingress rule 0 (t.yaml:99)\n"
		"        GlobalNetworkPolicy app.web: not reached\n"
		"\n"
		"verdict: allow\n"
		"pending: deny at n1 forward: ingress policy of pod ns/b, StagedGlobalNetworkPolicy app.lockdown (staged) ingress rule 0 (t.yaml:99) (staged policies as enforced)\n"
		"note: a note\n");
	json_object_put(res);
	fx_free(&f);
	fx_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_ends),
		cmocka_unit_test(test_plan_options),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_tiers),
		cmocka_unit_test(test_profiles_nomatch),
		cmocka_unit_test(test_staged),
		cmocka_unit_test(test_host_endpoint),
		cmocka_unit_test(test_spoof_and_host),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
