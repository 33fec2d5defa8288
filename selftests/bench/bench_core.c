// SPDX-License-Identifier: GPL-2.0
/*
 * bench-core: the classifier core (kmod/core, compiled here unchanged) at
 * 10, 100, 1,000 and 10,000 rules per endpoint, against the linear
 * evaluator on the same rules; address resolution against sets of 10 to
 * 1,000,000 members; memory per endpoint, rule and set member.
 *
 * Profiles follow ../shared/reference/classifier.md: "mid" (every rule
 * constrains the source set or the port; sets and ports Zipf-popular;
 * 3 tiers that pass, policies of 10 rules, 5% log rules) with no negated
 * sets, and the same with 1% of rules carrying a negated set. The core is
 * given the address classes (resolved once per address beforehand), as
 * the target says; resolution is measured separately ("frontend").
 *
 * Instruction counts come from callgrind (deterministic here: there is no
 * PMU): the program re-runs itself under valgrind --tool=callgrind with
 * --toggle-collect on the evaluation function and divides by the number
 * of lookups. Nanoseconds are wall time (min of 5 runs), warm (one
 * program, cache-resident) and cold (lookups spread over many programs so
 * the working set exceeds L2).
 *
 *   bench-core [--quick] [--json FILE]
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <json-c/json.h>
#include "strata.h"
#include "model.h"
#include "state.h"
#include "runtime.h"
#include "prog.h"
#include "decide.h"
#include "addridx.h"

#define NSETS  2048
#define NADDRS 4096
#define NPKTS  65536
#define NPORTS 1024

static const u32 rule_counts[] = { 10, 100, 1000, 10000 };
static const u32 member_counts[] = { 10, 1000, 100000, 1000000 };

static u64 rng = 88172645463325252ULL;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (u32)(rng % n) : 0;
}

/* Zipf(s=1) over [0, n) by inverse transform on a precomputed CDF. */
struct zipf {
	u32 n;
	double *cdf;
};

static void zipf_init(struct zipf *z, u32 n)
{
	double sum = 0;
	u32 i;

	z->n = n;
	z->cdf = malloc(n * sizeof(double));
	for (i = 0; i < n; i++)
		sum += 1.0 / (i + 1);
	for (i = 0, z->cdf[0] = 0; i < n; i++)
		z->cdf[i] = (i ? z->cdf[i - 1] : 0) + 1.0 / (i + 1) / sum;
}

static u32 zipf(const struct zipf *z)
{
	double u = (double)rnd(1u << 30) / (1u << 30);
	u32 lo = 0, hi = z->n - 1;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct zipf zsets, zports, zaddrs;
static u16 port_of[NPORTS];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, const struct sc_err *err)
{
	fprintf(stderr, "bench-core: %s: %s\n", what, err ? err->detail : "");
	exit(1);
}

/* ---- building the world --------------------------------------------- */

struct world {
	struct sc_env env;
	struct sc_state *s;
	/* per address: its v4 address; classes resolved once */
	u8 addr[NADDRS][16];
	const struct sc_class *cls[NADDRS][2];
};

static void commit(struct sc_state *s, struct sc_tx *tx)
{
	struct sc_runtime *rt;
	struct sc_err err;

	if (sc_tx_commit(tx, &rt, &err))
		die("commit", &err);
	sc_commit_finish(s);
}

/* Addresses 10.x.y.z, each in 0..6 sets (Zipf-popular sets). */
static void build_sets(struct world *w, struct sc_tx *tx)
{
	static struct strata_member *mem[NSETS];
	static u32 nmem[NSETS], cap[NSETS];
	struct sc_err err;
	u32 i, j, k;

	for (i = 0; i < NADDRS; i++) {
		u32 nin = rnd(7), picked[6];

		memset(w->addr[i], 0, 16);
		w->addr[i][0] = 10;
		w->addr[i][1] = (u8)(i >> 12);
		w->addr[i][2] = (u8)(i >> 4);
		w->addr[i][3] = (u8)(i << 4 | 1);
		for (j = 0; j < nin; j++) {
			u32 set = zipf(&zsets);

			for (k = 0; k < j && picked[k] != set; k++)
				;
			if (k < j)
				continue;
			picked[j] = set;
			if (nmem[set] == cap[set]) {
				cap[set] = cap[set] ? cap[set] * 2 : 8;
				mem[set] = realloc(mem[set],
						   cap[set] * sizeof(**mem));
			}
			memset(&mem[set][nmem[set]], 0, sizeof(**mem));
			memcpy(mem[set][nmem[set]].addr, w->addr[i], 4);
			mem[set][nmem[set]].prefix_len = 32;
			nmem[set]++;
		}
	}
	for (i = 0; i < NSETS; i++) {
		struct sc_ipset *set = sc_ipset_new(&w->env);

		set->id = 1 + i;
		set->family = STRATA_FAMILY_IPV4;
		set->kind = STRATA_IPSET_ADDR;
		snprintf(set->name, sizeof(set->name), "set%u", i);
		if (sc_tx_put_ipset(tx, set, mem[i], nmem[i], false, &err))
			die("ipset", &err);
		free(mem[i]);
		mem[i] = NULL;
		nmem[i] = cap[i] = 0;
	}
}

/*
 * The "mid" profile: every rule constrains the source set or the
 * destination port; 5% log; a few pass and reject; @neg_pct percent of
 * rules carry a negated set (residual).
 */
static void gen_rule(struct sc_arena *a, struct sc_rule *r, u32 neg_pct)
{
	u32 c = rnd(100), what = rnd(3);

	memset(r, 0, sizeof(*r));
	r->action = c < 5    ? STRATA_ACT_LOG
		    : c < 8  ? STRATA_ACT_PASS
		    : c < 50 ? STRATA_ACT_ALLOW
		    : c < 90 ? STRATA_ACT_DENY
			     : STRATA_ACT_REJECT;
	if (what != 1) { /* source set */
		u32 id = 1 + zipf(&zsets);

		r->src.n_sets = 1;
		r->src.sets = sc_arena_dup(a, &id, sizeof(id));
	}
	if (what != 0) { /* port */
		struct strata_port_range pr;

		r->present = STRATA_IMG_RULE_F_PROTO;
		r->proto = rnd(5) ? 6 : 17;
		pr.lo = pr.hi = port_of[zipf(&zports)];
		r->dst.n_ports = 1;
		r->dst.ports = sc_arena_dup(a, &pr, sizeof(pr));
	}
	if (rnd(100) < neg_pct) {
		u32 id = 1 + rnd(NSETS);

		r->src.n_not_sets = 1;
		r->src.not_sets = sc_arena_dup(a, &id, sizeof(id));
	}
}

/* One endpoint with @nrules ingress rules in 3 tiers that pass. */
static void build_endpoint(struct world *w, struct sc_tx *tx, u32 epid,
			   u32 nrules, u32 neg_pct, u32 *next_pol)
{
	struct sc_endpoint *ep = sc_endpoint_new(&w->env);
	u32 per_tier = (nrules + 2) / 3, t, done = 0;
	struct sc_err err;

	ep->id = epid;
	ep->kind = STRATA_EP_WORKLOAD;
	snprintf(ep->name, sizeof(ep->name), "ep%u", epid);
	snprintf(ep->ifname, sizeof(ep->ifname), "cali%u", epid);
	ep->lists[STRATA_LIST_INGRESS].refs =
		sc_arena_alloc(&ep->arena, 3 * sizeof(struct sc_tierref));
	for (t = 0; t < 3 && done < nrules; t++) {
		u32 n = per_tier < nrules - done ? per_tier : nrules - done;
		u32 npol = (n + 9) / 10, p, *ids;
		struct sc_tierref *tr = &ep->lists[STRATA_LIST_INGRESS].refs[t];

		ids = sc_arena_alloc(&ep->arena, npol * sizeof(u32));
		for (p = 0; p < npol; p++) {
			struct sc_policy *pol = sc_policy_new(&w->env);
			struct sc_rule rules[10];
			struct sc_arena tmp;
			u32 k, m = n - p * 10 < 10 ? n - p * 10 : 10;

			sc_arena_init(&tmp, &w->env);
			for (k = 0; k < m; k++)
				gen_rule(&tmp, &rules[k], neg_pct);
			pol->id = (*next_pol)++;
			snprintf(pol->name, sizeof(pol->name), "p%u", pol->id);
			if (sc_policy_add_rules(pol, SC_INGRESS, rules, m,
						&err))
				die("rules", &err);
			sc_arena_release(&tmp);
			ids[p] = pol->id;
			if (sc_tx_put_policy(tx, pol, false, &err))
				die("policy", &err);
		}
		tr->tier = 1 + t;
		tr->n_policies = npol;
		tr->policies = ids;
		ep->lists[STRATA_LIST_INGRESS].n++;
		done += n;
	}
	ep->no_match = STRATA_ACT_DENY;
	if (sc_tx_put_endpoint(tx, ep, false, &err))
		die("endpoint", &err);
}

static struct world *world_new(u32 nrules, u32 neg_pct, u32 neps)
{
	static const struct sc_limits caps = {
		.tiers = 1000,
		.policies = 10000000,
		.rules = 100000000,
		.ipsets = 100000,
		.members = 10000000,
		.endpoints = 100000,
	};
	struct world *w = calloc(1, sizeof(*w));
	struct sc_tx *tx;
	struct sc_err err;
	u32 i, next_pol = 1;

	w->s = sc_state_new(&w->env, &caps);
	tx = sc_tx_begin(w->s, &err);
	build_sets(w, tx);
	for (i = 0; i < 3; i++) {
		struct sc_tier *t = sc_tier_new(&w->env);

		t->id = 1 + i;
		t->default_action = i < 2 ? STRATA_ACT_PASS : STRATA_ACT_DENY;
		snprintf(t->name, sizeof(t->name), "tier%u", i);
		if (sc_tx_put_tier(tx, t, false, &err))
			die("tier", &err);
	}
	for (i = 0; i < neps; i++)
		build_endpoint(w, tx, 1 + i, nrules, neg_pct, &next_pol);
	commit(w->s, tx);
	{
		const struct sc_runtime *rt = sc_state_runtime(w->s);

		for (i = 0; i < NADDRS; i++)
			sc_aidx_lookup(rt->aidx, rt->slot, STRATA_FAMILY_IPV4,
				       w->addr[i], &w->cls[i][0],
				       &w->cls[i][1]);
	}
	return w;
}

static void world_free(struct world *w)
{
	sc_state_free(w->s);
	free(w);
}

static const struct sc_prog *prog_of(struct world *w, u32 epid)
{
	char ifname[16];
	const struct sc_ep_rt *e;

	snprintf(ifname, sizeof(ifname), "cali%u", epid);
	e = sc_runtime_ep(sc_state_runtime(w->s), ifname);
	return e->prog[STRATA_LIST_INGRESS][0];
}

/* Packets and their pre-resolved views. */
struct pkts {
	struct sc_pkt p[NPKTS];
	u32 addr[NPKTS];
};

static void gen_pkts(struct pkts *k)
{
	static const u8 dst[4] = { 10, 255, 0, 1 };
	u32 i;

	for (i = 0; i < NPKTS; i++) {
		struct sc_pkt *p = &k->p[i];

		memset(p, 0, sizeof(*p));
		p->family = STRATA_FAMILY_IPV4;
		p->flags = SC_PKT_L4;
		p->proto = rnd(5) ? 6 : 17;
		p->sport = (u16)(1024 + rnd(60000));
		p->dport = port_of[zipf(&zports)];
		k->addr[i] = zipf(&zaddrs);
		memcpy(p->daddr, dst, 4);
	}
}

static void view(struct world *w, struct pkts *k, u32 i, struct sc_pview *v)
{
	const struct sc_runtime *rt = sc_state_runtime(w->s);

	memcpy(k->p[i].saddr, w->addr[k->addr[i]], 16);
	sc_pview_init(v, &k->p[i], rt->aidx, rt->slot);
	v->cls[0][0] = w->cls[k->addr[i]][0];
	v->cls[0][1] = w->cls[k->addr[i]][1];
	v->resolved = 1; /* the source (remote for ingress) is given */
}

/* The evaluation loops, kept out of line so callgrind can toggle on them. */
__attribute__((noinline)) void bench_classify(const struct sc_prog *p,
					      struct sc_pview *v,
					      struct sc_eval *out);
__attribute__((noinline)) void
bench_classify(const struct sc_prog *p, struct sc_pview *v, struct sc_eval *out)
{
	sc_prog_eval(p, v, out);
}

__attribute__((noinline)) void
bench_linear(const struct sc_prog *p, struct sc_pview *v, struct sc_eval *out);
__attribute__((noinline)) void
bench_linear(const struct sc_prog *p, struct sc_pview *v, struct sc_eval *out)
{
	sc_prog_eval_linear(p, v, out);
}

static volatile u32 sink;

static double time_lookups(struct world *w, struct pkts *k,
			   const struct sc_prog **progs, u32 nprogs,
			   bool linear, u32 n)
{
	double best = 1e30;
	u32 rep, i;

	for (rep = 0; rep < 5; rep++) {
		double t0 = now_ns();

		for (i = 0; i < n; i++) {
			struct sc_pview v;
			struct sc_eval ev;

			view(w, k, i % NPKTS, &v);
			if (linear)
				bench_linear(progs[i % nprogs], &v, &ev);
			else
				bench_classify(progs[i % nprogs], &v, &ev);
			sink += ev.rule;
		}
		t0 = (now_ns() - t0) / n;
		if (t0 < best)
			best = t0;
	}
	return best;
}

/* Lookups for callgrind: argv = --insn RULES NEG LINEAR N */
static int insn_mode(u32 nrules, u32 neg, bool linear, u32 n)
{
	struct world *w = world_new(nrules, neg, 1);
	struct pkts *k = malloc(sizeof(*k));
	const struct sc_prog *p = prog_of(w, 1);
	u32 i;

	gen_pkts(k);
	for (i = 0; i < n; i++) {
		struct sc_pview v;
		struct sc_eval ev;

		view(w, k, i % NPKTS, &v);
		if (linear)
			bench_linear(p, &v, &ev);
		else
			bench_classify(p, &v, &ev);
		sink += ev.rule;
	}
	free(k);
	world_free(w);
	return 0;
}

/* Instructions per lookup: run ourselves under callgrind. */
static double insn_per_lookup(const char *self, u32 nrules, u32 neg,
			      bool linear, u32 n)
{
	char out[] = "/tmp/bench-core-cg.XXXXXX", arg[5][32], cmd[1024];
	char line[512];
	double ir = -1;
	FILE *f;
	int fd = mkstemp(out);

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(arg[0], sizeof(arg[0]), "%u", nrules);
	snprintf(arg[1], sizeof(arg[1]), "%u", neg);
	snprintf(arg[2], sizeof(arg[2]), "%u", linear);
	snprintf(arg[3], sizeof(arg[3]), "%u", n);
	snprintf(
		cmd, sizeof(cmd),
		"valgrind --tool=callgrind --callgrind-out-file=%s --toggle-collect=%s %s --insn %s %s %s %s >/dev/null 2>&1",
		out, linear ? "bench_linear" : "bench_classify", self, arg[0],
		arg[1], arg[2], arg[3]);
	if (system(cmd) != 0)
		goto done;
	f = fopen(out, "r");
	if (!f)
		goto done;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "summary:", 8) ||
		    !strncmp(line, "totals:", 7))
			ir = strtod(strchr(line, ':') + 1, NULL);
	fclose(f);
	ir /= n;
done:
	unlink(out);
	return ir;
}

/* ---- address resolution and memory ------------------------------------- */

struct frontend {
	double ns;
	double bytes_per_member;
};

/* A set of @n members (IPv4 or IPv6 /32 or /128, plus 8 prefixes). */
static struct frontend frontend(u32 n, u8 fam)
{
	static const struct sc_limits caps = {
		.tiers = 10,
		.policies = 10,
		.rules = 10,
		.ipsets = 10,
		.members = 2000000,
		.endpoints = 10,
	};
	struct sc_env env = { 0 };
	struct sc_state *s = sc_state_new(&env, &caps);
	u32 bits = fam == 4 ? 32 : 128, chunk = 65536, i, done = 0;
	struct strata_member *m = calloc(chunk, sizeof(*m));
	struct frontend r = { 0 };
	size_t before = env.bytes;
	struct sc_tx *tx;
	struct sc_err err;
	struct sc_ipset *set = sc_ipset_new(&env);
	u8(*q)[16] = malloc(NPKTS * 16);
	double best = 1e30;
	u32 rep;

	set->id = 1;
	set->family = fam;
	set->kind = STRATA_IPSET_NET;
	snprintf(set->name, sizeof(set->name), "big");
	tx = sc_tx_begin(s, &err);
	if (sc_tx_put_ipset(tx, set, NULL, 0, false, &err))
		die("set", &err);
	while (done < n) {
		u32 c = n - done < chunk ? n - done : chunk;

		for (i = 0; i < c; i++) {
			u32 x = (done + i) * 2654435761u;

			memset(&m[i], 0, sizeof(m[i]));
			m[i].addr[0] = fam == 4 ? 11 : 0xfd;
			memcpy(&m[i].addr[fam == 4 ? 1 : 12], &x,
			       fam == 4 ? 3 : 4);
			m[i].prefix_len = bits;
		}
		if (sc_tx_members(tx, 1, NULL, true, m, c, true, &err))
			die("members", &err);
		done += c;
	}
	for (i = 0; i < 8; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].addr[0] = fam == 4 ? 12 : 0xfe;
		m[i].addr[1] = (u8)i;
		m[i].prefix_len = 16;
	}
	if (sc_tx_members(tx, 1, NULL, true, m, 8, true, &err))
		die("prefixes", &err);
	{
		struct sc_runtime *rt;

		if (sc_tx_commit(tx, &rt, &err))
			die("commit", &err);
		sc_commit_finish(s);
	}
	r.bytes_per_member = (double)(env.bytes - before) / (n + 8);
	/* half members, half misses */
	for (i = 0; i < NPKTS; i++) {
		u32 x = rnd(2) ? rnd(n) * 2654435761u : rnd(1u << 30);

		memset(q[i], 0, 16);
		q[i][0] = fam == 4 ? 11 : 0xfd;
		memcpy(&q[i][fam == 4 ? 1 : 12], &x, fam == 4 ? 3 : 4);
	}
	for (rep = 0; rep < 5; rep++) {
		const struct sc_runtime *rt = sc_state_runtime(s);
		double t0 = now_ns();

		for (i = 0; i < NPKTS * 4; i++) {
			const struct sc_class *e, *p;

			sc_aidx_lookup(rt->aidx, rt->slot, fam, q[i % NPKTS],
				       &e, &p);
			sink += (e != NULL) + (p != NULL);
		}
		t0 = (now_ns() - t0) / (NPKTS * 4);
		if (t0 < best)
			best = t0;
	}
	r.ns = best;
	free(m);
	free(q);
	sc_state_free(s);
	return r;
}

/* Bytes per endpoint: many endpoints sharing one program. */
static double bytes_per_endpoint(void)
{
	static const struct sc_limits caps = {
		.tiers = 10,
		.policies = 100,
		.rules = 1000,
		.ipsets = 10,
		.members = 10,
		.endpoints = 20000,
	};
	struct sc_env env = { 0 };
	struct sc_state *s = sc_state_new(&env, &caps);
	struct sc_tx *tx;
	struct sc_err err;
	size_t before;
	u32 i;

	tx = sc_tx_begin(s, &err);
	{
		struct sc_tier *t = sc_tier_new(&env);
		struct sc_policy *p = sc_policy_new(&env);

		t->id = 1;
		snprintf(t->name, sizeof(t->name), "t");
		p->id = 1;
		snprintf(p->name, sizeof(p->name), "p");
		sc_tx_put_tier(tx, t, false, &err);
		sc_tx_put_policy(tx, p, false, &err);
	}
	commit(s, tx);
	before = env.bytes;
	tx = sc_tx_begin(s, &err);
	for (i = 0; i < 10000; i++) {
		struct sc_endpoint *ep = sc_endpoint_new(&env);
		struct strata_prefix a = { .family = 4,
					   .prefix_len = 32,
					   .addr = { 10, (u8)(i >> 8), (u8)i,
						     1 } };
		static const u32 pol = 1;

		ep->id = 1 + i;
		ep->kind = STRATA_EP_WORKLOAD;
		snprintf(ep->name, sizeof(ep->name), "ep%u", i);
		snprintf(ep->ifname, sizeof(ep->ifname), "cali%u", i);
		ep->n_addrs = 1;
		ep->addrs = sc_arena_dup(&ep->arena, &a, sizeof(a));
		ep->lists[0].refs =
			sc_arena_alloc(&ep->arena, sizeof(struct sc_tierref));
		ep->lists[0].n = 1;
		ep->lists[0].refs[0].tier = 1;
		ep->lists[0].refs[0].n_policies = 1;
		ep->lists[0].refs[0].policies =
			sc_arena_dup(&ep->arena, &pol, sizeof(pol));
		if (sc_tx_put_endpoint(tx, ep, false, &err))
			die("endpoint", &err);
	}
	commit(s, tx);
	{
		double b = (double)(env.bytes - before) / 10000;

		sc_state_free(s);
		return b;
	}
}

/* ---- main ------------------------------------------------------------ */

int main(int argc, char **argv)
{
	const char *json_path = "build/bench-core.json";
	bool quick = false;
	struct json_object *root, *ci, *cn, *oi, *on, *cold, *neg, *fe, *by;
	struct json_object *negi, *prof;
	double bytes_rule = 0, insn10 = 0, insn10k = 0;
	int i, r;

	zipf_init(&zsets, NSETS);
	zipf_init(&zports, NPORTS);
	zipf_init(&zaddrs, NADDRS);
	for (i = 0; i < NPORTS; i++)
		port_of[i] = (u16)(1 + (i * 37) % 60000);
	if (argc == 6 && !strcmp(argv[1], "--insn"))
		return insn_mode(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]),
				 atoi(argv[5]));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json_path = argv[++i];
		else {
			fprintf(stderr,
				"usage: bench-core [--quick] [--json FILE]\n");
			return 1;
		}
	}
	root = json_object_new_object();
	ci = json_object_new_object();
	cn = json_object_new_object();
	oi = json_object_new_object();
	on = json_object_new_object();
	cold = json_object_new_object();
	neg = json_object_new_object();
	negi = json_object_new_object();
	prof = json_object_new_object();

	printf("Strata core classifier, mid profile, core given address classes\n");
	printf("%7s | %10s %10s %9s | %10s %10s | %10s %10s | %9s %8s\n",
	       "rules", "insn", "ns warm", "ns cold", "lin insn", "lin ns",
	       "1%neg insn", "1%neg ns", "resid", "B/rule");
	for (r = 0; r < 4; r++) {
		u32 n = rule_counts[r],
		    nprogs = quick ? 8 : (n >= 10000 ? 24 : 100);
		u32 lookups = n >= 10000 ? 200000 : 400000;
		struct world *w = world_new(n, 0, nprogs), *wn;
		struct pkts *k = malloc(sizeof(*k));
		const struct sc_prog **progs = malloc(nprogs * sizeof(*progs));
		double ins, ns, ns_cold, lins, lns, nins, nns;
		char key[8];
		u32 e;

		if (quick)
			lookups /= 10;
		gen_pkts(k);
		for (e = 0; e < nprogs; e++)
			progs[e] = prog_of(w, 1 + e);
		ins = insn_per_lookup(argv[0], n, 0, false, 20000);
		lins = insn_per_lookup(argv[0], n, 0, true,
				       n >= 10000 ? 2000 : 20000);
		ns = time_lookups(w, k, progs, 1, false, lookups);
		ns_cold = time_lookups(w, k, progs, nprogs, false, lookups);
		lns = time_lookups(w, k, progs, 1, true,
				   n >= 1000 ? lookups / 20 : lookups);
		if (n == 10000)
			bytes_rule = (double)sc_prog_bytes(progs[0]) /
				     sc_prog_nrules(progs[0]);
		wn = world_new(n, 1, 1);
		nins = insn_per_lookup(argv[0], n, 1, false, 20000);
		{
			const struct sc_prog *pn = prog_of(wn, 1);

			nns = time_lookups(wn, k, &pn, 1, false, lookups);
		}
		printf("%7u | %10.0f %10.1f %9.1f | %10.0f %10.1f | %10.0f %10.1f | %9u %8.0f\n",
		       n, ins, ns, ns_cold, lins, lns, nins, nns,
		       sc_prog_nresidual(prog_of(wn, 1)),
		       (double)sc_prog_bytes(progs[0]) /
			       sc_prog_nrules(progs[0]));
		if (n == 10)
			insn10 = ins;
		if (n == 10000)
			insn10k = ins;
		snprintf(key, sizeof(key), "%u", n);
		json_object_object_add(ci, key, json_object_new_double(ins));
		json_object_object_add(cn, key, json_object_new_double(ns));
		json_object_object_add(oi, key, json_object_new_double(lins));
		json_object_object_add(on, key, json_object_new_double(lns));
		json_object_object_add(cold, key,
				       json_object_new_double(ns_cold));
		json_object_object_add(negi, key, json_object_new_double(nins));
		json_object_object_add(neg, key, json_object_new_double(nns));
		world_free(wn);
		world_free(w);
		free(progs);
		free(k);
	}
	json_object_object_add(root, "classify_insn", ci);
	json_object_object_add(root, "classify_ns", cn);
	json_object_object_add(root, "oracle_insn", oi);
	json_object_object_add(root, "oracle_ns", on);
	json_object_object_add(root, "classify_ns_cold", cold);
	json_object_object_add(root, "neg1pct_insn", negi);
	json_object_object_add(root, "neg1pct_ns", neg);

	printf("\nAddress resolution (frontend) and memory per member\n");
	printf("%9s | %10s %10s | %10s %10s\n", "members", "v4 ns", "v4 B/mem",
	       "v6 ns", "v6 B/mem");
	fe = json_object_new_object();
	by = json_object_new_object();
	for (r = 0; r < 4; r++) {
		u32 n = member_counts[r];
		struct frontend f4, f6;
		char key[16];

		if (quick && n > 100000)
			continue;
		f4 = frontend(n, 4);
		f6 = frontend(n, 6);
		printf("%9u | %10.1f %10.1f | %10.1f %10.1f\n", n, f4.ns,
		       f4.bytes_per_member, f6.ns, f6.bytes_per_member);
		snprintf(key, sizeof(key), "%u", n);
		json_object_object_add(fe, key, json_object_new_double(f4.ns));
		if (n == 1000000 || (quick && n == 100000)) {
			json_object_object_add(
				by, "set_member_v4",
				json_object_new_double(f4.bytes_per_member));
			json_object_object_add(
				by, "set_member_v6",
				json_object_new_double(f6.bytes_per_member));
		}
	}
	json_object_object_add(root, "frontend_ns", fe);
	json_object_object_add(by, "endpoint",
			       json_object_new_double(bytes_per_endpoint()));
	json_object_object_add(by, "rule", json_object_new_double(bytes_rule));
	json_object_object_add(root, "bytes", by);
	printf("\nBytes per endpoint (sharing a program): %.0f; per rule at 10,000 rules: %.0f\n",
	       json_object_get_double(json_object_object_get(by, "endpoint")),
	       bytes_rule);
	printf("Target: <= 400 insn at 10,000 rules (got %.0f) and <= 2.5x the 10-rule count (got %.2fx)\n",
	       insn10k, insn10 > 0 ? insn10k / insn10 : 0);
	json_object_object_add(prof, "profile", json_object_new_string("mid"));
	json_object_object_add(prof, "target_met",
			       json_object_new_boolean(insn10k <= 400 &&
						       insn10k <=
							       2.5 * insn10));
	json_object_object_add(root, "summary", prof);
	if (json_object_to_file_ext(json_path, root, JSON_C_TO_STRING_PRETTY)) {
		fprintf(stderr, "bench-core: cannot write %s\n", json_path);
		return 1;
	}
	printf("wrote %s\n", json_path);
	json_object_put(root);
	return 0;
}
