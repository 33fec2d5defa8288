// SPDX-License-Identifier: GPL-2.0
/*
 * The differential test of compile's incremental engine: random sequences
 * of resource changes (tiers, policies of every kind, profiles,
 * namespaces, service accounts, pods moving between nodes, OpenStack
 * workloads, host endpoints, network sets, Kubernetes NetworkPolicies)
 * are given to one long-lived compiler, whose operations are applied
 * after every flush to a userspace engine state (which refuses anything
 * inconsistent). After every flush, a fresh compiler fed the same
 * resources and told the state's content (cmp_set_kernel()) must want
 * exactly that state: its flush must emit nothing. So the incremental
 * stream equals the full recompute, and a restarted compiler changes
 * nothing that did not change.
 *
 * STRATA_SEED=<n> replays a run; STRATA_STEPS=<n> changes its length.
 */
#include <time.h>
#include "cmp_test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t pick(uint32_t n)
{
	return rnd() % n;
}

static bool chance(uint32_t pct)
{
	return pick(100) < pct;
}

#define PICK(a) ((a)[pick(ARRAY_SIZE(a))])

/* --- YAML text ------------------------------------------------------- */

struct buf {
	char *s;
	size_t n, cap;
};

static void bp(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bp(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->n + (size_t)n + 1 > b->cap) {
		b->cap = (b->n + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

static const char *const NS[] = { "a", "b", "c" };
static const char *const SELS[] = {
	"app == 'web'",
	"app in {'api', 'db'}",
	"has(role)",
	"!has(env)",
	"role != 'fe'",
	"all()",
	"app == 'web' || role == 'be'",
	"app == 'api' && env == 'prod'",
	"pcns.team == 'x'",
	"ext == 'yes'",
	"",
};
static const char *const NSSELS[] = { "team == 'x'", "all()", "has(team)",
				      "team != 'y'" };
static const char *const NETS4[] = { "10.0.0.0/8", "10.65.1.0/24",
				     "192.168.1.5/32", "172.16.0.0/12" };
static const char *const NETS6[] = { "fd00::/8", "fd00:65::/64",
				     "2001:db8::1/128" };

static void labels(struct buf *b, const char *indent)
{
	static const char *const apps[] = { "web", "api", "db" };

	bp(b, "%slabels:\n", indent);
	bp(b, "%s  app: %s\n", indent, PICK(apps));
	if (chance(50))
		bp(b, "%s  role: %s\n", indent, chance(50) ? "fe" : "be");
	if (chance(30))
		bp(b, "%s  env: prod\n", indent);
	if (chance(15))
		bp(b, "%s  ext: 'yes'\n", indent);
}

static void nets(struct buf *b, const char *field, int fam)
{
	unsigned int i, n = 1 + pick(2);

	bp(b, "        %s: [", field);
	for (i = 0; i < n; i++)
		bp(b, "%s\"%s\"", i ? ", " : "",
		   fam == 6 ? PICK(NETS6) : PICK(NETS4));
	if (!strcmp(field, "notNets") && chance(20))
		bp(b, ", \"%s\"", fam == 6 ? "::/0" : "0.0.0.0/0");
	bp(b, "]\n");
}

static void entity(struct buf *b, const char *side, bool ports, bool udp,
		   int fam)
{
	bool any = false;

#define OPEN()                                      \
	do {                                        \
		if (!any)                           \
			bp(b, "      %s:\n", side); \
		any = true;                         \
	} while (0)
	if (chance(45)) {
		OPEN();
		bp(b, "        selector: \"%s\"\n", PICK(SELS));
	}
	if (chance(15)) {
		OPEN();
		bp(b, "        notSelector: \"%s\"\n", PICK(SELS));
	}
	if (chance(15)) {
		OPEN();
		bp(b, "        namespaceSelector: \"%s\"\n",
		   chance(20) ? "global()" : PICK(NSSELS));
	}
	if (chance(10)) {
		OPEN();
		if (chance(50))
			bp(b, "        serviceAccounts: {names: [sa1]}\n");
		else
			bp(b,
			   "        serviceAccounts: {selector: \"role == 'admin'\"}\n");
	}
	if (chance(20)) {
		OPEN();
		nets(b, "nets", fam);
	}
	if (chance(12)) {
		OPEN();
		nets(b, "notNets", fam);
	}
	if (ports && chance(50)) {
		OPEN();
		switch (pick(4)) {
		case 0:
			bp(b, "        ports: [80]\n");
			break;
		case 1:
			bp(b, "        ports: [\"8000:8080\", 443]\n");
			break;
		case 2:
			bp(b, "        ports: [%s]\n", udp ? "dns" : "http");
			break;
		default:
			bp(b, "        ports: [%s, 9090]\n",
			   udp ? "dns" : "http");
		}
	}
	if (ports && chance(10)) {
		OPEN();
		bp(b, "        notPorts: [%s]\n", chance(50) ? "22" : "http");
	}
#undef OPEN
}

static void rules(struct buf *b, const char *dir, unsigned int n)
{
	static const char *const actions[] = { "Allow", "Deny",	 "Pass",
					       "Log",	"Allow", "Deny" };
	unsigned int i;

	if (!n)
		return;
	bp(b, "  %s:\n", dir);
	for (i = 0; i < n; i++) {
		int fam = chance(25) ? 6 : 4, p = (int)pick(5);
		bool ports = p == 1 || p == 2, udp = p == 2;

		bp(b, "    - action: %s\n", PICK(actions));
		if (p == 3 || chance(15))
			bp(b, "      ipVersion: %d\n", p == 3 ? 4 : fam);
		if (p == 3)
			fam = 4;
		if (p == 1)
			bp(b, "      protocol: TCP\n");
		else if (p == 2)
			bp(b, "      protocol: UDP\n");
		else if (p == 3)
			bp(b, "      protocol: ICMP\n      icmp: {type: 8}\n");
		entity(b, "source", ports && chance(20), udp, fam);
		entity(b, "destination", ports, udp, fam);
	}
}

/* --- generators ------------------------------------------------------ */

static const char *const TIERS[] = { "default", "t1", "t2", "ghost" };

static void gen_tier(struct buf *b)
{
	bp(b,
	   "apiVersion: projectcalico.org/v3\nkind: Tier\n"
	   "metadata: {name: t%u}\nspec:\n",
	   1 + pick(2));
	if (chance(70))
		bp(b, "  order: %u\n", pick(3) * 100);
	bp(b, "  defaultAction: %s\n", chance(30) ? "Pass" : "Deny");
}

static void gen_policy(struct buf *b, bool global, bool staged)
{
	unsigned int k = pick(global ? 8 : 6), nin, neg;
	const char *tier = global ? TIERS[k % 4] : TIERS[k % 2];
	bool dnt = false, prednat = false, aof = false;

	bp(b, "apiVersion: projectcalico.org/v3\nkind: %s%s\n",
	   staged ? "Staged" : "",
	   global ? "GlobalNetworkPolicy" : "NetworkPolicy");
	if (!strcmp(tier, "default"))
		bp(b, "metadata: {name: p%u", k);
	else
		bp(b, "metadata: {name: %s.p%u", tier, k);
	if (!global)
		bp(b, ", namespace: %s", NS[k % 3]);
	bp(b, "}\nspec:\n  tier: %s\n", tier);
	if (staged)
		bp(b, "  stagedAction: %s\n",
		   chance(20)	? "Delete"
		   : chance(10) ? "Ignore"
				: "Set");
	if (staged && strstr(b->s, "Delete"))
		return;
	if (chance(70))
		bp(b, "  order: %u\n", pick(4) * 10);
	bp(b, "  selector: \"%s\"\n", PICK(SELS));
	if (global && chance(20))
		bp(b, "  namespaceSelector: \"%s\"\n", PICK(NSSELS));
	if (chance(10))
		bp(b, "  serviceAccountSelector: \"%s\"\n",
		   chance(50) ? "role == 'admin'" : "all()");
	if (global && chance(30)) {
		switch (pick(3)) {
		case 0:
			dnt = aof = true;
			break;
		case 1:
			prednat = aof = true;
			break;
		default:
			aof = true;
		}
		if (dnt)
			bp(b, "  doNotTrack: true\n");
		if (prednat)
			bp(b, "  preDNAT: true\n");
		if (aof)
			bp(b, "  applyOnForward: true\n");
	}
	if (global && chance(5))
		bp(b, "  performanceHints: [AssumeNeededOnEveryNode]\n");
	nin = pick(3);
	neg = prednat ? 0 : pick(3);
	if (chance(20) && !prednat)
		bp(b, "  types: [Ingress, Egress]\n");
	rules(b, "ingress", nin);
	rules(b, "egress", neg);
}

static void gen_knp(struct buf *b)
{
	unsigned int k = pick(3);

	bp(b,
	   "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
	   "metadata: {name: k%u, namespace: %s}\nspec:\n"
	   "  podSelector: {matchLabels: {app: %s}}\n",
	   k, NS[k % 3], chance(50) ? "web" : "api");
	if (chance(30))
		bp(b, "  policyTypes: [Ingress, Egress]\n");
	bp(b, "  ingress:\n  - from:\n");
	if (chance(50))
		bp(b, "    - podSelector: {matchLabels: {role: fe}}\n");
	if (chance(40))
		bp(b, "    - namespaceSelector: {matchLabels: {team: x}}\n");
	if (chance(30))
		bp(b,
		   "    - ipBlock: {cidr: 10.0.0.0/8, except: [10.65.0.0/16]}\n");
	if (!strstr(b->s, "    - "))
		bp(b, "    - podSelector: {}\n");
	if (chance(60))
		bp(b, "    ports:\n    - {port: %s}\n",
		   chance(50) ? "http" : "80");
	if (strstr(b->s, "Egress"))
		bp(b,
		   "  egress:\n  - to:\n    - podSelector: {matchLabels: {app: db}}\n");
}

static void gen_namespace(struct buf *b)
{
	bp(b,
	   "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: %s\n"
	   "  labels: {team: %s}\n",
	   PICK(NS), chance(50) ? "x" : "y");
}

static void gen_sa(struct buf *b)
{
	bp(b,
	   "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
	   "  name: sa1\n  namespace: %s\n  labels: {role: %s}\n",
	   PICK(NS), chance(50) ? "admin" : "user");
}

static void gen_pod(struct buf *b)
{
	unsigned int k = pick(12);

	bp(b,
	   "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod%u\n"
	   "  namespace: %s\n",
	   k, NS[k % 3]);
	labels(b, "  ");
	bp(b, "spec:\n  nodeName: %s\n", chance(65) ? "n1" : "n2");
	if (chance(50))
		bp(b, "  serviceAccountName: sa1\n");
	bp(b, "  containers:\n  - name: c\n    image: x\n");
	if (chance(60)) {
		bp(b, "    ports:\n");
		if (chance(70))
			bp(b, "    - {name: http, containerPort: %u}\n",
			   chance(50) ? 8080 : 8081);
		if (chance(40))
			bp(b,
			   "    - {name: dns, containerPort: 53, protocol: UDP}\n");
		if (!strstr(b->s, "- {name"))
			bp(b, "    - {name: metrics, containerPort: 9100}\n");
	}
	bp(b, "status:\n  phase: Running\n  podIPs:\n  - ip: 10.65.%u.%u\n", k,
	   1 + pick(3));
	if (chance(30))
		bp(b, "  - ip: fd00:65::%x\n", k * 16 + pick(3));
}

static void gen_vm(struct buf *b)
{
	unsigned int k = pick(3);
	const char *node = k < 2 ? "n1" : "n2";

	bp(b,
	   "apiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\n"
	   "metadata:\n  name: %s-openstack-vm%u-tap0\n  namespace: b\n",
	   node, k);
	labels(b, "  ");
	bp(b,
	   "spec:\n  orchestrator: openstack\n  workload: vm%u\n"
	   "  endpoint: tap0\n  node: %s\n  interfaceName: tap%u\n"
	   "  ipNetworks: [10.80.0.%u/32]\n",
	   k, node, chance(20) ? 9 : k, k + 1);
	if (chance(50))
		bp(b, "  profiles: [%s]\n",
		   chance(70) ? "sg" : "nosuchprofile");
	if (chance(20))
		bp(b, "  allowSpoofedSourcePrefixes: [10.99.0.0/16]\n");
}

static void gen_hep(struct buf *b)
{
	static const char *const ifs[] = { "eth0", "eth1", "\"*\"", NULL };
	unsigned int k = pick(4);
	const char *iface = PICK(ifs);

	bp(b,
	   "apiVersion: projectcalico.org/v3\nkind: HostEndpoint\n"
	   "metadata:\n  name: hep%u\n",
	   k);
	labels(b, "  ");
	bp(b, "spec:\n  node: %s\n", chance(80) ? "n1" : "n2");
	if (iface)
		bp(b, "  interfaceName: %s\n", iface);
	bp(b, "  expectedIPs: [192.168.1.%u]\n", 5 + k);
	if (chance(40))
		bp(b, "  profiles: [projectcalico-default-allow]\n");
	if (chance(40))
		bp(b, "  ports:\n  - {name: http, port: 80, protocol: TCP}\n");
}

static void gen_netset(struct buf *b, bool global)
{
	unsigned int k = pick(3);

	bp(b,
	   "apiVersion: projectcalico.org/v3\nkind: %s\nmetadata:\n"
	   "  name: s%u\n",
	   global ? "GlobalNetworkSet" : "NetworkSet", k);
	if (!global)
		bp(b, "  namespace: %s\n", NS[k % 3]);
	labels(b, "  ");
	bp(b, "spec:\n  nets: [\"%s\"", PICK(NETS4));
	if (chance(40))
		bp(b, ", \"%s\"", PICK(NETS6));
	if (chance(30))
		bp(b, ", \"10.65.%u.1/32\"", pick(12));
	bp(b, "]\n");
}

static void gen_profile(struct buf *b)
{
	bp(b,
	   "apiVersion: projectcalico.org/v3\nkind: Profile\n"
	   "metadata: {name: sg}\nspec:\n"
	   "  labelsToApply: {sg: '%u'}\n",
	   pick(2));
	rules(b, "ingress", pick(3));
	rules(b, "egress", pick(2));
}

static void generate(struct buf *b)
{
	switch (pick(16)) {
	case 0:
		gen_tier(b);
		break;
	case 1:
	case 2:
		gen_policy(b, true, false);
		break;
	case 3:
		gen_policy(b, false, false);
		break;
	case 4:
		gen_policy(b, chance(50), true);
		break;
	case 5:
		gen_knp(b);
		break;
	case 6:
		gen_namespace(b);
		break;
	case 7:
		gen_sa(b);
		break;
	case 8:
	case 9:
	case 10:
		gen_pod(b);
		break;
	case 11:
		gen_vm(b);
		break;
	case 12:
		gen_hep(b);
		break;
	case 13:
		gen_netset(b, true);
		break;
	case 14:
		gen_netset(b, false);
		break;
	default:
		gen_profile(b);
	}
}

/* --- the model: the resources now given ------------------------------ */

struct ent {
	char *key;
	struct res *r;
};

struct model {
	struct ent *v;
	size_t n, cap;
};

static char *res_key(const struct res *r)
{
	char *k;

	if (asprintf(&k, "%d/%s/%s", r->kind, r->ns ? r->ns : "", r->name) < 0)
		abort();
	return k;
}

static void model_put(struct model *m, struct res *r)
{
	char *k = res_key(r);
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i].key, k)) {
			res_free(m->v[i].r);
			m->v[i].r = r;
			free(k);
			return;
		}
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->v = realloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n].key = k;
	m->v[m->n++].r = r;
}

static void model_del(struct model *m, size_t i)
{
	free(m->v[i].key);
	res_free(m->v[i].r);
	m->v[i] = m->v[--m->n];
}

static void model_free(struct model *m)
{
	while (m->n)
		model_del(m, 0);
	free(m->v);
}

/* --- checks ---------------------------------------------------------- */

static struct cmp_config cfg;
static unsigned long long seed;

static void fail_ops(const char *what, const struct strata_batch *ops,
		     unsigned int step)
{
	char *t = ct_ops_text(ops);

	print_error("seed %llu step %u: %s:\n%s", seed, step, what, t);
	free(t);
	fail();
}

/* A fresh compiler of the model, told the state's content, wants it. */
static void check_full(const struct model *m, struct sc_state *st,
		       unsigned int step)
{
	struct cmp *fresh = ct_new("n1", &cfg);
	struct strata_batch k, ops;
	size_t i;

	for (i = 0; i < m->n; i++)
		cmp_upsert(fresh, m->v[i].r);
	strata_batch_init(&k);
	strata_batch_init(&ops);
	cmp_state_dump(st, &k);
	assert_int_equal(cmp_set_kernel(fresh, &k), 0);
	cmp_flush(fresh, &ops);
	if (ops.n)
		fail_ops(
			"the full recompute differs from the incremental state",
			&ops, step);
	strata_batch_release(&ops);
	strata_batch_release(&k);
	cmp_free(fresh);
}

/* The long-lived compiler's own view of the kernel is the state. */
static void check_view(struct cmp *c, struct sc_state *st, unsigned int step)
{
	struct strata_batch k, ops;

	strata_batch_init(&k);
	strata_batch_init(&ops);
	cmp_state_dump(st, &k);
	assert_int_equal(cmp_set_kernel(c, &k), 0);
	cmp_flush(c, &ops);
	if (ops.n)
		fail_ops(
			"resyncing with the state it programmed changed something",
			&ops, step);
	strata_batch_release(&ops);
	strata_batch_release(&k);
}

static void run(bool staged)
{
	unsigned int steps = 1500, step, rejected = 0, flushes = 0;
	unsigned long long n_ops = 0;
	const char *env = getenv("STRATA_STEPS");
	struct model m = { 0 };
	struct sc_state *st;
	struct cmp *c;
	struct sc_limits caps = {
		1000, 100000, 1000000, 100000, 4000000, 100000
	};

	if (env)
		steps = (unsigned int)strtoul(env, NULL, 10);
	memset(&cfg, 0, sizeof(cfg));
	cfg.staged_as_enforced = staged;
	st = sc_state_new(NULL, &caps);
	assert_non_null(st);
	c = ct_new("n1", &cfg);
	for (step = 0; step < steps; step++) {
		if (m.n && chance(18)) {
			size_t i = pick((uint32_t)m.n);
			const struct res *r = m.v[i].r;

			assert_int_equal(cmp_delete(c, r->kind, r->ns, r->name),
					 0);
			model_del(&m, i);
		} else {
			struct buf b = { 0 };
			struct res_list l = { 0 };
			size_t i;

			generate(&b);
			if (ct_parse(b.s, &l, false))
				rejected++;
			for (i = 0; i < l.n; i++) {
				assert_int_equal(cmp_upsert(c, l.v[i]), 0);
				model_put(&m, l.v[i]);
			}
			free(l.v);
			free(b.s);
		}
		if (chance(35) || step + 1 == steps) {
			struct strata_batch ops;
			struct sc_err err = { 0 };

			strata_batch_init(&ops);
			cmp_flush(c, &ops);
			n_ops += ops.n;
			flushes++;
			if (cmp_state_apply(st, &ops, &err))
				fail_ops(err.detail[0] ? err.detail : err.msg,
					 &ops, step);
			strata_batch_release(&ops);
			check_full(&m, st, step);
			if (chance(5))
				check_view(c, st, step);
			if (chance(2)) {
				/* restart: a new compiler takes over */
				struct strata_batch k;
				size_t i;

				cmp_free(c);
				c = ct_new("n1", &cfg);
				for (i = 0; i < m.n; i++)
					cmp_upsert(c, m.v[i].r);
				strata_batch_init(&k);
				cmp_state_dump(st, &k);
				cmp_set_kernel(c, &k);
				strata_batch_release(&k);
				check_view(c, st, step);
			}
		}
	}
	print_message(
		"# %s: %u steps, %u flushes, %llu operations, %u documents refused, %zu resources at the end\n",
		staged ? "staged as enforced" : "normal", steps, flushes, n_ops,
		rejected, m.n);
	/* the run must have exercised something */
	assert_true(n_ops > steps / 4);
	assert_true(rejected < steps / 4);
	model_free(&m);
	cmp_free(c);
	sc_state_free(st);
}

static void seed_rng(void)
{
	const char *env = getenv("STRATA_SEED");

	seed = env ? strtoull(env, NULL, 10) : (unsigned long long)time(NULL);
	print_message("# seed %llu (STRATA_SEED=%llu replays it)\n", seed,
		      seed);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
}

static void test_differential(void **state)
{
	seed_rng();
	run(false);
}

static void test_differential_staged(void **state)
{
	seed_rng();
	rng ^= 0x5555;
	run(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_differential_staged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
