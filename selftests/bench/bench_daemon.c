// SPDX-License-Identifier: GPL-2.0
/*
 * stratad at Calico's design point (felix/design/calc-graph.md: 100k+
 * endpoints, thousands of policies, 1,000+ endpoint updates a second
 * applied in under a second), end to end in one process: a synthetic
 * datastore feeds the daemon's sync engine (daemon/sync.c: the resource
 * store, compile, coalescing, one transaction per batch), which programs
 * the engine (kmod/core/, the code strata.ko runs, here in userspace).
 *
 * The cluster: --pods (100,000) pods in 100 namespaces on --nodes (1,000)
 * nodes, 100 of them on ours; labels app (5 per namespace), tier (web,
 * api, db, cache), version, zone (10), rack (100) and pool (50) from the
 * node;
 * namespaces labelled team and env; --policies (5,000) policies: 4,000
 * Kubernetes NetworkPolicies (40 per namespace), 900 Calico
 * NetworkPolicies and 100 GlobalNetworkPolicies in three tiers, with rule
 * selectors over pods, namespaces and nodes' labels (IP sets of up to
 * tens of thousands of members) and named ports.
 *
 * Phases:
 *  1. list: every object reported, then DS_SYNCED; the first programming
 *     (time to first programmed state, the transaction's size);
 *  2. churn: --rate (1,000) pod changes a second for --seconds (20),
 *     anywhere in the cluster (relabelled, re-addressed, deleted and
 *     re-created), each timed from the moment the datastore reports it to
 *     the commit that programs it (percentiles);
 *  3. restart: a new daemon on the same engine state, everything listed
 *     again: time to first programmed state and the changes it applied
 *     (none: nothing changed).
 * Memory: the process's peak and resident size, and the engine's own
 * bytes (the part strata.ko would hold), so the daemon's share shows.
 *
 *   make bench-daemon       (from the top) table + build/bench-daemon.json
 *   build/bench/bench-daemon [--pods N] [--nodes N] [--policies N]
 *                            [--rate N] [--seconds N] [--coalesce MS]
 *                            [--json FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "kern.h"
#include "log.h"
#include "state.h"
#include "sync.h"

static unsigned int n_pods = 100000, n_nodes = 1000, n_policies = 5000;
static unsigned int rate = 1000, seconds = 20, coalesce = 25;
static const char *json_path;
static uint64_t rng = 88172645463325252ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static double rss_mb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (double)resident * (double)sysconf(_SC_PAGESIZE) / 1048576.0;
}

static double peak_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* --- the cluster ------------------------------------------------------ */

struct pod {
	uint16_t version;
	uint8_t tier;
	uint8_t ip_gen;
	uint16_t app;
	bool alive;
};

static struct pod *pods;
static const char *const tiers[] = { "web", "api", "db", "cache" };

static unsigned int pod_node(unsigned int k)
{
	return k % n_nodes;
}

static unsigned int pod_ns(unsigned int k)
{
	return (k / n_nodes) % 100;
}

static struct json_object *parse(const char *s)
{
	struct json_object *o = json_tokener_parse(s);

	if (!o) {
		fprintf(stderr, "bench-daemon: bad JSON: %s\n", s);
		exit(1);
	}
	return o;
}

static struct json_object *pod_json(unsigned int k)
{
	const struct pod *p = &pods[k];
	unsigned int node = pod_node(k), a = k + p->ip_gen * 131072U;
	char buf[1024];

	snprintf(buf, sizeof(buf),
		 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p%u\",\"namespace\":\"ns%u\",\"resourceVersion\":\"%u\","
		 "\"labels\":{\"app\":\"app%u\",\"tier\":\"%s\",\"version\":\"v%u\",\"zone\":\"z%u\",\"rack\":\"r%u\",\"pool\":\"pool%u\"}},"
		 "\"spec\":{\"nodeName\":\"node-%04u\",\"serviceAccountName\":\"sa%u\",\"containers\":[{\"name\":\"c\",\"image\":\"x\","
		 "\"ports\":[{\"name\":\"http\",\"containerPort\":%u},{\"name\":\"metrics\",\"containerPort\":9100}]}]},"
		 "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.%u.%u.%u\",\"podIPs\":[{\"ip\":\"10.%u.%u.%u\"}]}}",
		 k, pod_ns(k), p->version + 1, p->app, tiers[p->tier],
		 p->version, node % 10, node % 100, node / 20, node, k % 3,
		 8000 + k % 5, (a >> 16) & 255, (a >> 8) & 255, a & 255,
		 (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return parse(buf);
}

struct gen {
	struct ds ds; /* first */
	sd_event_source *start, *tick;
	unsigned int emitted_policies;
	uint64_t list_start_ns, list_end_ns;
	uint64_t events;
	bool churn;
};

static void emit(struct gen *g, enum ds_event_type type, struct json_object *o)
{
	struct json_object *meta = json_object_object_get(o, "metadata");
	struct json_object *ns = json_object_object_get(meta, "namespace");
	struct ds_event ev = { .type = type };

	ev.kind = json_object_get_string(json_object_object_get(o, "kind"));
	ev.api_version =
		json_object_get_string(json_object_object_get(o, "apiVersion"));
	ev.ns = ns ? json_object_get_string(ns) : "";
	ev.name = json_object_get_string(json_object_object_get(meta, "name"));
	ev.obj = o;
	ev.revision = "";
	g->events++;
	g->ds.sink(&ev, g->ds.sink_arg);
	json_object_put(o);
}

static void emit_namespaces(struct gen *g)
{
	char buf[256];
	unsigned int i;

	for (i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns%u\",\"labels\":{\"team\":\"t%u\",\"env\":\"%s\"}}}",
			 i, i % 10, i % 4 ? "prod" : "staging");
		emit(g, DS_UPSERT, parse(buf));
	}
}

static void emit_policies(struct gen *g)
{
	static const char *const tier_json[] = {
		"{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Tier\",\"metadata\":{\"name\":\"security\"},\"spec\":{\"order\":100,\"defaultAction\":\"Pass\"}}",
		"{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Tier\",\"metadata\":{\"name\":\"platform\"},\"spec\":{\"order\":200,\"defaultAction\":\"Pass\"}}",
	};
	unsigned int n_knp = n_policies * 4 / 5, n_cnp = n_policies * 9 / 50;
	unsigned int n_gnp = n_policies - n_knp - n_cnp, i;
	char buf[2048];

	for (i = 0; i < 2; i++)
		emit(g, DS_UPSERT, parse(tier_json[i]));
	for (i = 0; i < n_knp; i++) {
		unsigned int ns = i % 100, app = ns * 5 + (i / 100) % 5;

		snprintf(buf, sizeof(buf),
			 "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"np%u\",\"namespace\":\"ns%u\"},"
			 "\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"app%u\"}},\"policyTypes\":[\"Ingress\",\"Egress\"],"
			 "\"ingress\":[{\"from\":[{\"podSelector\":{\"matchLabels\":{\"tier\":\"%s\"}}},{\"namespaceSelector\":{\"matchLabels\":{\"team\":\"t%u\"}},\"podSelector\":{\"matchLabels\":{\"app\":\"app%u\"}}}],"
			 "\"ports\":[{\"port\":%u},{\"port\":\"http\"}]}],"
			 "\"egress\":[{\"to\":[{\"podSelector\":{\"matchLabels\":{\"app\":\"app%u\"}}},{\"ipBlock\":{\"cidr\":\"172.16.%u.0/24\"}}]}]}}",
			 i, ns, app, tiers[i % 4], i % 10, (app + 7) % 500,
			 8000 + i % 5, (app + 13) % 500, i % 256);
		emit(g, DS_UPSERT, parse(buf));
	}
	for (i = 0; i < n_cnp; i++) {
		unsigned int ns = i % 100, app = ns * 5 + (i / 100) % 5;

		snprintf(buf, sizeof(buf),
			 "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"platform.cnp%u\",\"namespace\":\"ns%u\"},"
			 "\"spec\":{\"tier\":\"platform\",\"order\":%u,\"selector\":\"app == 'app%u' && tier in {'api', 'db'}\","
			 "\"ingress\":[{\"action\":\"Allow\",\"protocol\":\"TCP\",\"source\":{\"selector\":\"app in {'app%u', 'app%u'}\"},\"destination\":{\"ports\":[%u, \"metrics\"]}},"
			 "{\"action\":\"Deny\",\"source\":{\"nets\":[\"192.168.%u.0/24\"]}}],"
			 "\"egress\":[{\"action\":\"Allow\",\"destination\":{\"selector\":\"rack == 'r%u'\"}}]}}",
			 i, ns, 100 + i % 50, app, (app + 5) % 500,
			 (app + 9) % 500, 9000 + i % 20, i % 256, i % 100);
		emit(g, DS_UPSERT, parse(buf));
	}
	for (i = 0; i < n_gnp; i++) {
		snprintf(buf, sizeof(buf),
			 "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"GlobalNetworkPolicy\",\"metadata\":{\"name\":\"security.gnp%u\"},"
			 "\"spec\":{\"tier\":\"security\",\"order\":%u,\"selector\":\"zone == 'z%u'\",\"namespaceSelector\":\"env == '%s'\","
			 "\"ingress\":[{\"action\":\"Deny\",\"source\":{\"selector\":\"pool == 'pool%u'\",\"namespaceSelector\":\"team == 't%u'\"}},"
			 "{\"action\":\"Pass\"}],"
			 "\"egress\":[{\"action\":\"Deny\",\"protocol\":\"UDP\",\"destination\":{\"ports\":[%u]}},{\"action\":\"Pass\"}]}}",
			 i, i, i % 10, i % 2 ? "prod" : "staging", i % 50,
			 i % 10, 5000 + i);
		emit(g, DS_UPSERT, parse(buf));
	}
}

static int on_list(sd_event_source *s, void *arg)
{
	struct gen *g = arg;
	struct ds_event synced = { .type = DS_SYNCED };
	unsigned int k;

	sd_event_source_set_enabled(s, SD_EVENT_OFF);
	g->list_start_ns = dsync_now_ns();
	emit_namespaces(g);
	emit_policies(g);
	for (k = 0; k < n_pods; k++)
		if (pods[k].alive)
			emit(g, DS_UPSERT, pod_json(k));
	g->ds.sink(&synced, g->ds.sink_arg);
	g->list_end_ns = dsync_now_ns();
	return 0;
}

/* One change to a random pod. */
static void change(struct gen *g)
{
	unsigned int k = rnd() % n_pods, what = rnd() % 10;
	struct pod *p = &pods[k];
	char buf[256];

	if (!p->alive) {
		p->alive = true;
		p->ip_gen++;
		emit(g, DS_UPSERT, pod_json(k));
		return;
	}
	if (what < 5) {
		/* relabelled: a tier or app other selectors use */
		if (what & 1)
			p->tier = (uint8_t)((p->tier + 1) % 4);
		else
			p->app = (uint16_t)(pod_ns(k) * 5 +
					    (p->app + 1) % 5);
		p->version++;
	} else if (what < 8) {
		/* restarted with a new address */
		p->ip_gen++;
		p->version++;
	} else {
		/* deleted */
		p->alive = false;
		snprintf(buf, sizeof(buf),
			 "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p%u\",\"namespace\":\"ns%u\"}}",
			 k, pod_ns(k));
		emit(g, DS_DELETE, parse(buf));
		return;
	}
	emit(g, DS_UPSERT, pod_json(k));
}

#define TICK_MS 10

static uint64_t churn_due, churn_done;

static int on_tick(sd_event_source *s, uint64_t usec, void *arg)
{
	struct gen *g = arg;

	sd_event_source_set_time(s, usec + TICK_MS * 1000ULL);
	churn_due += (uint64_t)rate * TICK_MS;
	while (churn_done * 1000 < churn_due) {
		change(g);
		churn_done++;
	}
	return 0;
}

static int gen_start(struct ds *ds)
{
	struct gen *g = (struct gen *)ds;

	return sd_event_add_defer(ds->loop, &g->start, on_list, g);
}

static void gen_stats(const struct ds *ds, struct ds_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->events = ((const struct gen *)ds)->events;
}

static void gen_free(struct ds *ds)
{
	struct gen *g = (struct gen *)ds;

	sd_event_source_disable_unref(g->start);
	sd_event_source_disable_unref(g->tick);
	free(g);
}

static const struct ds_ops gen_ops = {
	.name = "synthetic",
	.start = gen_start,
	.stats = gen_stats,
	.free = gen_free,
};

/* --- measuring --------------------------------------------------------- */

struct meter {
	bool first;
	uint64_t first_ns;
	size_t first_ops;
	uint64_t first_apply_ns;
	uint64_t commits, ops, apply_ns, max_apply_ns;
	uint64_t *lat;
	size_t n_lat, cap_lat;
};

static void on_commit(void *arg, const struct dsync_commit *c)
{
	struct meter *m = arg;
	size_t i;

	if (c->first) {
		m->first = true;
		m->first_ns = c->now_ns;
		m->first_ops = c->ops;
		m->first_apply_ns = c->apply_ns;
		return;
	}
	if (c->ops) {
		m->commits++;
		m->ops += c->ops;
		m->apply_ns += c->apply_ns;
		if (c->apply_ns > m->max_apply_ns)
			m->max_apply_ns = c->apply_ns;
	}
	for (i = 0; i < c->n_events; i++) {
		if (m->n_lat == m->cap_lat) {
			m->cap_lat = m->cap_lat ? 2 * m->cap_lat : 4096;
			m->lat = realloc(m->lat, m->cap_lat * sizeof(*m->lat));
			if (!m->lat)
				abort();
		}
		m->lat[m->n_lat++] = c->now_ns - c->event_ns[i];
	}
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return (double)v[i] / 1e6;
}

struct daemon {
	struct dkern *k;
	struct dsync *sync;
	struct gen *gen;
	struct meter m;
};

static void daemon_start(struct daemon *d, sd_event *loop, struct sc_state *s)
{
	struct dsync_config cfg = {
		.node = "node-0000",
		.manage_settings = true,
		.coalesce_ms = coalesce,
		.retry_min_ms = 250,
		.retry_max_ms = 30000,
		.probe_interval_ms = 3600000,
	};

	memset(d, 0, sizeof(*d));
	d->k = dkern_engine_new(s);
	d->sync = dsync_new(loop, &cfg, d->k);
	dsync_add_listener(d->sync, on_commit, &d->m);
	d->gen = calloc(1, sizeof(*d->gen));
	d->gen->ds.ops = &gen_ops;
	d->gen->ds.loop = loop;
	d->gen->ds.sink = dsync_on_event;
	d->gen->ds.sink_arg = d->sync;
	dsync_set_ds(d->sync, &d->gen->ds);
	dsync_start(d->sync);
	ds_start(&d->gen->ds);
}

static void daemon_stop(struct daemon *d)
{
	ds_free(&d->gen->ds);
	dsync_free(d->sync);
	dkern_free(d->k);
	free(d->m.lat);
}

static bool programmed(struct daemon *d)
{
	struct dsync_status st;

	dsync_get_status(d->sync, &st);
	return st.phase == DSYNC_PROGRAMMED;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: bench-daemon [--pods N] [--nodes N] [--policies N] [--rate N]\n"
		"                    [--seconds N] [--coalesce MS] [--json FILE]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct sc_limits caps = {
		.tiers = 65536,	 .policies = 262144,   .rules = 4194304,
		.ipsets = 262144, .members = 16777216, .endpoints = 262144,
	};
	struct sc_env env = { 0 };
	struct daemon d, r;
	struct sc_state *state;
	struct cmp_stats cs;
	struct dsync_status st;
	sd_event *loop;
	double t_first, t_list, rss_first, peak_first, eng_first;
	double t_restart, cpu0, cpu1, rss_end, eng_end;
	uint64_t t0, churn_start, end;
	struct json_object *j;
	unsigned int k;
	int i;

	for (i = 1; i < argc; i++) {
		unsigned int *v = NULL;

		if (!strcmp(argv[i], "--json") && i + 1 < argc) {
			json_path = argv[++i];
			continue;
		}
		if (!strcmp(argv[i], "--pods"))
			v = &n_pods;
		else if (!strcmp(argv[i], "--nodes"))
			v = &n_nodes;
		else if (!strcmp(argv[i], "--policies"))
			v = &n_policies;
		else if (!strcmp(argv[i], "--rate"))
			v = &rate;
		else if (!strcmp(argv[i], "--seconds"))
			v = &seconds;
		else if (!strcmp(argv[i], "--coalesce"))
			v = &coalesce;
		if (!v || i + 1 >= argc)
			usage();
		*v = (unsigned int)strtoul(argv[++i], NULL, 10);
	}
	if (!n_pods || !n_nodes || n_policies < 10)
		usage();
	dlog_init(LOG_WARNING, DLOG_STDERR, NULL);
	pods = calloc(n_pods, sizeof(*pods));
	for (k = 0; k < n_pods; k++) {
		pods[k].alive = true;
		pods[k].tier = (uint8_t)(k % 4);
		pods[k].app = (uint16_t)(pod_ns(k) * 5 + k % 5);
	}
	sd_event_new(&loop);
	state = sc_state_new(&env, &caps);

	printf("stratad at %u pods on %u nodes (%u on ours), %u policies; churn %u/s for %u s; coalescing %u ms\n",
	       n_pods, n_nodes, (n_pods + n_nodes - 1) / n_nodes, n_policies,
	       rate, seconds, coalesce);

	/* 1. list and first programming */
	t0 = dsync_now_ns();
	daemon_start(&d, loop, state);
	while (!d.m.first)
		sd_event_run(loop, 100000);
	t_first = secs(d.m.first_ns - t0);
	t_list = secs(d.gen->list_end_ns - d.gen->list_start_ns);
	rss_first = rss_mb();
	peak_first = peak_mb();
	eng_first = (double)strata_env_bytes(&env) / 1048576.0;
	cmp_get_stats(dsync_cmp(d.sync), &cs);
	printf("\nfirst programmed state: %.2f s (listing and compiling %.2f s, one transaction of %zu operations: %.3f s)\n",
	       t_first, t_list, d.m.first_ops, secs(d.m.first_apply_ns));
	printf("  %zu policies (%zu active here), %zu local endpoints, %zu cluster items, %zu selectors, %zu IP sets with %zu members\n",
	       cs.policies, cs.active_policies, cs.local_endpoints, cs.items,
	       cs.selectors, cs.sets, cs.members);
	printf("  memory: resident %.0f MB (peak %.0f MB), of which the engine state %.0f MB (what strata.ko holds)\n",
	       rss_first, peak_first, eng_first);

	/* 2. churn */
	cpu0 = cpu_s();
	churn_start = dsync_now_ns();
	{
		uint64_t now;

		sd_event_now(loop, CLOCK_MONOTONIC, &now);
		sd_event_add_time(loop, &d.gen->tick, CLOCK_MONOTONIC,
				  now + TICK_MS * 1000ULL, 1000, on_tick, d.gen);
		sd_event_source_set_enabled(d.gen->tick, SD_EVENT_ON);
	}
	end = churn_start + (uint64_t)seconds * 1000000000ULL;
	while (dsync_now_ns() < end)
		sd_event_run(loop, 100000);
	sd_event_source_set_enabled(d.gen->tick, SD_EVENT_OFF);
	while (!programmed(&d))
		sd_event_run(loop, 100000);
	cpu1 = cpu_s();
	qsort(d.m.lat, d.m.n_lat, sizeof(*d.m.lat), u64_cmp);
	dsync_get_status(d.sync, &st);
	rss_end = rss_mb();
	eng_end = (double)strata_env_bytes(&env) / 1048576.0;
	printf("\nchurn: %llu pod changes in %.1f s (%.0f/s): %llu transactions, %.1f operations and %.2f ms apply each (max %.1f ms); CPU %.0f%%\n",
	       (unsigned long long)churn_done, secs(dsync_now_ns() - churn_start),
	       (double)churn_done / secs(dsync_now_ns() - churn_start),
	       (unsigned long long)d.m.commits,
	       d.m.commits ? (double)d.m.ops / (double)d.m.commits : 0,
	       d.m.commits ? (double)d.m.apply_ns / (double)d.m.commits / 1e6
			   : 0,
	       (double)d.m.max_apply_ns / 1e6,
	       100.0 * (cpu1 - cpu0) / secs(dsync_now_ns() - churn_start));
	printf("  event to programmed (%zu changes that changed a resource): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
	       d.m.n_lat, pct(d.m.lat, d.m.n_lat, 50), pct(d.m.lat, d.m.n_lat, 90),
	       pct(d.m.lat, d.m.n_lat, 99), pct(d.m.lat, d.m.n_lat, 100));
	printf("  memory after: resident %.0f MB (peak %.0f MB), engine %.0f MB\n",
	       rss_end, peak_mb(), eng_end);

	/* 3. restart on the same state */
	j = json_object_new_object();
	json_object_object_add(j, "pods", json_object_new_int64(n_pods));
	json_object_object_add(j, "nodes", json_object_new_int64(n_nodes));
	json_object_object_add(j, "policies", json_object_new_int64(n_policies));
	json_object_object_add(j, "local_endpoints",
			       json_object_new_int64((int64_t)cs.local_endpoints));
	json_object_object_add(j, "ipsets", json_object_new_int64((int64_t)cs.sets));
	json_object_object_add(j, "members", json_object_new_int64((int64_t)cs.members));
	json_object_object_add(j, "first_programmed_s", json_object_new_double(t_first));
	json_object_object_add(j, "first_ops", json_object_new_int64((int64_t)d.m.first_ops));
	json_object_object_add(j, "rss_mb", json_object_new_double(rss_first));
	json_object_object_add(j, "peak_mb", json_object_new_double(peak_first));
	json_object_object_add(j, "engine_mb", json_object_new_double(eng_first));
	json_object_object_add(j, "churn_changes", json_object_new_int64((int64_t)churn_done));
	json_object_object_add(j, "churn_commits", json_object_new_int64((int64_t)d.m.commits));
	json_object_object_add(j, "latency_p50_ms", json_object_new_double(pct(d.m.lat, d.m.n_lat, 50)));
	json_object_object_add(j, "latency_p90_ms", json_object_new_double(pct(d.m.lat, d.m.n_lat, 90)));
	json_object_object_add(j, "latency_p99_ms", json_object_new_double(pct(d.m.lat, d.m.n_lat, 99)));
	json_object_object_add(j, "latency_max_ms", json_object_new_double(pct(d.m.lat, d.m.n_lat, 100)));
	json_object_object_add(j, "churn_cpu_pct",
			       json_object_new_double(100.0 * (cpu1 - cpu0) / seconds));
	daemon_stop(&d);

	t0 = dsync_now_ns();
	daemon_start(&r, loop, state);
	while (!r.m.first)
		sd_event_run(loop, 100000);
	t_restart = secs(r.m.first_ns - t0);
	printf("\nrestart on the same kernel state, nothing changed: first programmed state in %.2f s, %zu operations applied\n",
	       t_restart, r.m.first_ops);
	printf("  peak memory of the run: %.0f MB\n", peak_mb());
	json_object_object_add(j, "restart_s", json_object_new_double(t_restart));
	json_object_object_add(j, "restart_ops", json_object_new_int64((int64_t)r.m.first_ops));
	json_object_object_add(j, "peak_mb_end", json_object_new_double(peak_mb()));
	daemon_stop(&r);
	if (json_path && json_object_to_file_ext(json_path, j, JSON_C_TO_STRING_PRETTY))
		fprintf(stderr, "bench-daemon: cannot write %s\n", json_path);
	json_object_put(j);
	sc_state_free(state);
	sd_event_unref(loop);
	free(pods);
	return 0;
}
