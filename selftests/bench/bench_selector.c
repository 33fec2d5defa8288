// SPDX-License-Identifier: GPL-2.0
/*
 * bench-selector: the label index (userspace/policy/labelidx.c and
 * selector.c, compiled here unchanged, -O2) at Kubernetes scale.
 *
 * The cluster: 250 namespaces (ns0 holds 1,000 pods, the others share the
 * rest) and 1,250 service accounts as parents with Calico's pcns./pcsa.
 * labels; 98,000 pods with the labels Calico and Kubernetes put on them
 * (projectcalico.org/namespace, orchestrator, serviceaccount, app, tier,
 * version, pod-template-hash) and 2,000 global network sets; 5,000
 * selectors in the shapes policies produce, about 95% indexable (a
 * namespace, app, tier or role equality or set, has(), starts with) and 5%
 * not (!=, !has(), ||, not in).
 *
 * Reported: the time to index everything (items first then selectors, and
 * the other way round), then per change: one pod's label (a key many
 * selectors use, and one few do), one namespace's label with 1,000
 * children, and setting then deleting one selector; each with the
 * selector evaluations it did and, for comparison, what re-evaluating
 * every selector against the changed items would cost (naive).
 *
 * Times are the CPU time of the benchmark's thread (CLOCK_THREAD_CPUTIME_ID:
 * user and system), so that other load on a shared machine does not
 * inflate them; cache contention still can.
 *
 *   bench-selector [--quick] [--json FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "selector.h"
#include "labelidx.h"

#define NNS	     250
#define NSA_PER_NS   5
#define NS0_PODS     1000
#define NAPPS_GLOBAL 100
#define NAPPS_NS     20

static unsigned int npods = 98000, nnets = 2000, nsels = 5000;

static uint64_t rng = 0x2545F4914F6CDD1DULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t events;

static void count_cb(void *ctx, const char *sel_id, const char *item_id,
		     bool match)
{
	events++;
}

static const char *const tiers[] = { "frontend", "backend", "cache", "db",
				     "worker" };
static const char *const envs[] = { "prod", "staging", "dev" };

struct pod {
	char id[32];
	int ns;
	char app[32];
	const char *tier;
	char version[8];
	char hash[16];
	char sa[16];
};

static struct pod *pods;
static char (*sel_text)[256];

static int pod_ns(unsigned int i)
{
	if (i < NS0_PODS)
		return 0;
	return 1 + (int)((i - NS0_PODS) % (NNS - 1));
}

static void app_name(char *buf, size_t len, int ns)
{
	if (rnd(2))
		snprintf(buf, len, "app-%u", rnd(NAPPS_GLOBAL));
	else
		snprintf(buf, len, "ns%d-svc-%u", ns, rnd(NAPPS_NS));
}

static void make_pods(void)
{
	unsigned int i;

	pods = calloc(npods, sizeof(*pods));
	for (i = 0; i < npods; i++) {
		struct pod *p = &pods[i];

		p->ns = pod_ns(i);
		snprintf(p->id, sizeof(p->id), "pod/%d/%u", p->ns, i);
		app_name(p->app, sizeof(p->app), p->ns);
		p->tier = tiers[rnd(5)];
		snprintf(p->version, sizeof(p->version), "v%u", 1 + rnd(4));
		snprintf(p->hash, sizeof(p->hash), "%08x%02x", rnd(~0U),
			 rnd(256));
		snprintf(p->sa, sizeof(p->sa), "sa-%u", rnd(NSA_PER_NS));
	}
}

static void set_pod(struct labelidx *idx, const struct pod *p)
{
	char ns[16], nsp[24], sap[48];
	struct sel_label l[] = {
		{ "projectcalico.org/namespace", ns },
		{ "projectcalico.org/orchestrator", "k8s" },
		{ "projectcalico.org/serviceaccount", p->sa },
		{ "app", p->app },
		{ "tier", p->tier },
		{ "version", p->version },
		{ "pod-template-hash", p->hash },
	};
	const char *parents[] = { nsp, sap };

	snprintf(ns, sizeof(ns), "ns%d", p->ns);
	snprintf(nsp, sizeof(nsp), "kns.ns%d", p->ns);
	snprintf(sap, sizeof(sap), "ksa.ns%d.%s", p->ns, p->sa);
	labelidx_item_set(idx, p->id, l, 7, parents, 2);
}

static void set_ns(struct labelidx *idx, int ns, const char *env)
{
	char id[24], name[16], team[16];
	struct sel_label l[] = {
		{ "pcns.projectcalico.org/name", name },
		{ "pcns.kubernetes.io/metadata.name", name },
		{ "pcns.env", env },
		{ "pcns.team", team },
	};

	snprintf(id, sizeof(id), "kns.ns%d", ns);
	snprintf(name, sizeof(name), "ns%d", ns);
	snprintf(team, sizeof(team), "team-%d", ns % 40);
	labelidx_parent_set(idx, id, l, 4);
}

static void set_parents(struct labelidx *idx)
{
	int ns, k;

	for (ns = 0; ns < NNS; ns++) {
		set_ns(idx, ns, envs[ns % 3]);
		for (k = 0; k < NSA_PER_NS; k++) {
			char id[48], name[16];
			struct sel_label l[] = {
				{ "pcsa.projectcalico.org/name", name },
				{ "pcsa.role", k == 0 ? "admin" : "app" },
			};

			snprintf(id, sizeof(id), "ksa.ns%d.sa-%d", ns, k);
			snprintf(name, sizeof(name), "sa-%d", k);
			labelidx_parent_set(idx, id, l, 2);
		}
	}
}

static void set_nets(struct labelidx *idx)
{
	unsigned int i;

	for (i = 0; i < nnets; i++) {
		char id[32], role[32];
		struct sel_label l[] = {
			{ "role", role },
			{ "zone", i % 2 ? "eu" : "us" },
		};

		snprintf(id, sizeof(id), "gns/%u", i);
		snprintf(role, sizeof(role), "external-%u", i % 200);
		labelidx_item_set(idx, id, l, 2, NULL, 0);
	}
}

/* The selector mix: ~95% indexable. */
static void make_sels(void)
{
	unsigned int i;

	sel_text = calloc(nsels, sizeof(*sel_text));
	for (i = 0; i < nsels; i++) {
		const struct pod *p = &pods[rnd(npods)];
		char *t = sel_text[i];
		size_t len = sizeof(sel_text[i]);
		uint32_t c = rnd(100);

		if (c < 35)
			snprintf(
				t, len,
				"projectcalico.org/namespace == 'ns%d' && app == '%s'",
				p->ns, p->app);
		else if (c < 50)
			snprintf(
				t, len,
				"projectcalico.org/namespace == 'ns%d' && tier in {'%s', '%s'}",
				p->ns, p->tier, tiers[rnd(5)]);
		else if (c < 60)
			snprintf(t, len,
				 "projectcalico.org/namespace == 'ns%d'",
				 p->ns);
		else if (c < 70)
			snprintf(t, len, "pcns.env == '%s' && app == '%s'",
				 envs[rnd(3)], p->app);
		else if (c < 78)
			snprintf(t, len, "app in {'%s', 'app-%u', 'app-%u'}",
				 p->app, rnd(NAPPS_GLOBAL), rnd(NAPPS_GLOBAL));
		else if (c < 85)
			snprintf(t, len, "role == 'external-%u'", rnd(200));
		else if (c < 90)
			snprintf(
				t, len,
				"pcsa.projectcalico.org/name == '%s' && projectcalico.org/namespace == 'ns%d'",
				p->sa, p->ns);
		else if (c < 95)
			snprintf(
				t, len,
				"has(pcns.team) && version starts with 'v%u' && projectcalico.org/namespace == 'ns%d'",
				1 + rnd(4), p->ns);
		else if (c < 96)
			snprintf(t, len, "app != '%s'", p->app);
		else if (c < 97)
			snprintf(t, len, "!has(quarantine-%u)", i);
		else if (c < 98)
			snprintf(t, len, "tier == 'db' || app == '%s'", p->app);
		else if (c < 99)
			snprintf(t, len, "version not in {'v1', 'v%u'}",
				 1 + rnd(4));
		else
			snprintf(
				t, len,
				"projectcalico.org/namespace != 'ns%d' && tier != 'db'",
				p->ns);
	}
}

static void set_sels(struct labelidx *idx, struct sel **parsed)
{
	unsigned int i;
	char id[16];

	for (i = 0; i < nsels; i++) {
		snprintf(id, sizeof(id), "s%u", i);
		labelidx_sel_set(idx, id, parsed[i]);
	}
}

static void set_items(struct labelidx *idx)
{
	unsigned int i;

	for (i = 0; i < npods; i++)
		set_pod(idx, &pods[i]);
	set_nets(idx);
}

static long rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Naive: every selector against one pod's labels. */
static double naive_item_ns(struct labelidx *idx, struct sel **parsed,
			    int samples)
{
	double t0, t = 0;
	volatile unsigned int hits = 0;
	int k;
	unsigned int i;

	for (k = 0; k < samples; k++) {
		struct sel_labels l;

		labelidx_item_labels(idx, pods[rnd(npods)].id, &l);
		t0 = now_ns();
		for (i = 0; i < nsels; i++)
			hits += sel_match(parsed[i], &l);
		t += now_ns() - t0;
	}
	return t / samples;
}

struct row {
	const char *name;
	double ns;
	double evals;
	double events;
	double naive_ns;
};

static void print_row(const struct row *r)
{
	if (r->naive_ns > 0)
		printf("%-44s | %12.1f | %9.1f | %8.1f | %12.1f\n", r->name,
		       r->ns / 1e3, r->evals, r->events, r->naive_ns / 1e3);
	else
		printf("%-44s | %12.1f | %9.1f | %8.1f | %12s\n", r->name,
		       r->ns / 1e3, r->evals, r->events, "-");
}

static struct json_object *row_json(const struct row *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "us", json_object_new_double(r->ns / 1e3));
	json_object_object_add(o, "evals", json_object_new_double(r->evals));
	json_object_object_add(o, "events", json_object_new_double(r->events));
	if (r->naive_ns > 0)
		json_object_object_add(
			o, "naive_us",
			json_object_new_double(r->naive_ns / 1e3));
	return o;
}

int main(int argc, char **argv)
{
	const char *json_path = "build/bench-selector.json";
	struct json_object *root, *build, *changes;
	struct labelidx_stats st, st0;
	struct labelidx *idx;
	struct sel **parsed;
	double t0, t_items, t_sels, t_rev, naive1;
	unsigned int i, nchanges = 20000, nnschanges = 100, nselchanges = 200;
	struct row rows[6];
	int nrows = 0, k;
	long rss0, rss1;

	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--quick")) {
			npods = 19000;
			nsels = 1000;
			nchanges = 2000;
			nnschanges = 10;
			nselchanges = 50;
		} else if (!strcmp(argv[k], "--json") && k + 1 < argc) {
			json_path = argv[++k];
		} else {
			fprintf(stderr,
				"usage: bench-selector [--quick] [--json FILE]\n");
			return 1;
		}
	}
	make_pods();
	make_sels();
	parsed = calloc(nsels, sizeof(*parsed));
	for (i = 0; i < nsels; i++) {
		struct sel_err err;

		if (sel_parse(sel_text[i], 0, &parsed[i], &err)) {
			fprintf(stderr, "bench-selector: %s: %s\n", sel_text[i],
				err.msg);
			return 1;
		}
	}

	/* build: parents and items, then selectors */
	rss0 = rss_kib();
	idx = labelidx_new(count_cb, NULL);
	t0 = now_ns();
	set_parents(idx);
	set_items(idx);
	t_items = now_ns() - t0;
	t0 = now_ns();
	set_sels(idx, parsed);
	t_sels = now_ns() - t0;
	rss1 = rss_kib();
	labelidx_get_stats(idx, &st);

	/* build the other way round, in a second index */
	{
		struct labelidx *rev = labelidx_new(count_cb, NULL);

		t0 = now_ns();
		set_sels(rev, parsed);
		set_parents(rev);
		set_items(rev);
		t_rev = now_ns() - t0;
		labelidx_free(rev);
	}

	printf("Strata label index: %u items (%u pods in %d namespaces, %u network sets), %d parents, %u selectors\n",
	       npods + nnets, npods, NNS, nnets, NNS * (1 + NSA_PER_NS), nsels);
	printf("selectors: %zu optimised, %zu unoptimised; %zu matching pairs; %ld MiB resident\n\n",
	       st.sels_optimised, st.sels_unoptimised, st.matches,
	       (rss1 - rss0) / 1024);
	printf("%-44s | %12s\n", "index everything", "ms");
	printf("%-44s | %12.1f\n", "parents + items, then selectors",
	       (t_items + t_sels) / 1e6);
	printf("%-44s | %12.1f\n", "  of which parents + items", t_items / 1e6);
	printf("%-44s | %12.1f\n", "  of which selectors", t_sels / 1e6);
	printf("%-44s | %12.1f\n\n", "selectors, then parents + items",
	       t_rev / 1e6);

	naive1 = naive_item_ns(idx, parsed, 200);

	/* one pod's label: app (most selectors use it), version (few) */
	for (k = 0; k < 2; k++) {
		const char *key = k == 0 ? "app" : "version";
		double t = 0;

		labelidx_get_stats(idx, &st0);
		events = 0;
		for (i = 0; i < nchanges; i++) {
			struct pod *p = &pods[rnd(npods)];

			if (k == 0)
				app_name(p->app, sizeof(p->app), p->ns);
			else
				snprintf(p->version, sizeof(p->version), "v%u",
					 1 + rnd(4));
			t0 = now_ns();
			set_pod(idx, p);
			t += now_ns() - t0;
		}
		labelidx_get_stats(idx, &st);
		rows[nrows].name =
			k == 0 ? "pod label change: app (used by most)"
			       : "pod label change: version (used by few)";
		(void)key;
		rows[nrows].ns = t / nchanges;
		rows[nrows].evals = (double)(st.evals - st0.evals) / nchanges;
		rows[nrows].events = (double)events / nchanges;
		rows[nrows].naive_ns = naive1;
		nrows++;
	}

	/* one namespace with 1,000 children: a label selectors use, then
	 * one they do not */
	for (k = 0; k < 2; k++) {
		double t = 0;
		unsigned int j;

		labelidx_get_stats(idx, &st0);
		events = 0;
		for (j = 0; j < nnschanges; j++) {
			t0 = now_ns();
			if (k == 0) {
				set_ns(idx, 0, envs[(j + 1) % 3]);
			} else {
				char v[16];
				struct sel_label l[] = {
					{ "pcns.projectcalico.org/name",
					  "ns0" },
					{ "pcns.kubernetes.io/metadata.name",
					  "ns0" },
					/* where the loop above left it */
					{ "pcns.env", envs[nnschanges % 3] },
					{ "pcns.team", "team-0" },
					{ "pcns.owner", v },
				};

				snprintf(v, sizeof(v), "o%u", j);
				labelidx_parent_set(idx, "kns.ns0", l, 5);
			}
			t += now_ns() - t0;
		}
		labelidx_get_stats(idx, &st);
		rows[nrows].name =
			k == 0 ? "namespace (1,000 pods) label: pcns.env"
			       : "namespace (1,000 pods) label: unused key";
		rows[nrows].ns = t / nnschanges;
		rows[nrows].evals = (double)(st.evals - st0.evals) / nnschanges;
		rows[nrows].events = (double)events / nnschanges;
		rows[nrows].naive_ns = naive1 * NS0_PODS;
		nrows++;
	}

	/* set then delete one selector: indexable, unoptimised */
	for (k = 0; k < 2; k++) {
		double t = 0;
		unsigned int j;

		labelidx_get_stats(idx, &st0);
		events = 0;
		for (j = 0; j < nselchanges; j++) {
			const struct pod *p = &pods[rnd(npods)];
			char text[160];
			struct sel *s;
			struct sel_err err;

			if (k == 0)
				snprintf(
					text, sizeof(text),
					"projectcalico.org/namespace == 'ns%d' && app == '%s' && tier != 'x%u'",
					p->ns, p->app, j);
			else
				snprintf(text, sizeof(text),
					 "app != '%s' && tier != 'x%u'", p->app,
					 j);
			if (sel_parse(text, 0, &s, &err))
				return 1;
			t0 = now_ns();
			labelidx_sel_set(idx, "bench", s);
			labelidx_sel_del(idx, "bench");
			t += now_ns() - t0;
			sel_put(s);
		}
		labelidx_get_stats(idx, &st);
		rows[nrows].name =
			k == 0 ? "selector set + delete: indexable"
			       : "selector set + delete: unoptimised";
		rows[nrows].ns = t / nselchanges;
		rows[nrows].evals =
			(double)(st.evals - st0.evals) / nselchanges;
		rows[nrows].events = (double)events / nselchanges;
		rows[nrows].naive_ns = 0;
		nrows++;
	}

	printf("%-44s | %12s | %9s | %8s | %12s\n", "per change", "us", "evals",
	       "events", "naive us");
	for (k = 0; k < nrows; k++)
		print_row(&rows[k]);

	root = json_object_new_object();
	build = json_object_new_object();
	changes = json_object_new_object();
	json_object_object_add(root, "items",
			       json_object_new_int64(npods + nnets));
	json_object_object_add(root, "selectors", json_object_new_int64(nsels));
	json_object_object_add(root, "sels_optimised",
			       json_object_new_int64(st.sels_optimised));
	json_object_object_add(root, "sels_unoptimised",
			       json_object_new_int64(st.sels_unoptimised));
	json_object_object_add(root, "matches",
			       json_object_new_int64(st.matches));
	json_object_object_add(root, "rss_mib",
			       json_object_new_int64((rss1 - rss0) / 1024));
	json_object_object_add(
		build, "items_then_selectors_ms",
		json_object_new_double((t_items + t_sels) / 1e6));
	json_object_object_add(build, "items_ms",
			       json_object_new_double(t_items / 1e6));
	json_object_object_add(build, "selectors_ms",
			       json_object_new_double(t_sels / 1e6));
	json_object_object_add(build, "selectors_then_items_ms",
			       json_object_new_double(t_rev / 1e6));
	json_object_object_add(root, "build", build);
	json_object_object_add(changes, "pod_app", row_json(&rows[0]));
	json_object_object_add(changes, "pod_version", row_json(&rows[1]));
	json_object_object_add(changes, "namespace_env", row_json(&rows[2]));
	json_object_object_add(changes, "namespace_unused", row_json(&rows[3]));
	json_object_object_add(changes, "selector_indexable",
			       row_json(&rows[4]));
	json_object_object_add(changes, "selector_unoptimised",
			       row_json(&rows[5]));
	json_object_object_add(root, "per_change", changes);
	if (json_object_to_file_ext(json_path, root, JSON_C_TO_STRING_PRETTY))
		fprintf(stderr, "bench-selector: cannot write %s\n", json_path);
	else
		printf("\nwrote %s\n", json_path);
	json_object_put(root);

	labelidx_free(idx);
	for (i = 0; i < nsels; i++)
		sel_put(parsed[i]);
	free(parsed);
	free(sel_text);
	free(pods);
	return 0;
}
