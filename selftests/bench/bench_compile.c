// SPDX-License-Identifier: GPL-2.0
/*
 * compile at the daemon's scale (userspace/policy/cmp.h): a cluster of
 * --pods pods (100,000) on --nodes nodes (1,000: 100 on ours) in 100
 * namespaces, 1,000 Kubernetes NetworkPolicies and 200
 * GlobalNetworkPolicies with rule selectors of every kind, and network
 * sets. It measures loading everything, the first flush (the whole node),
 * then batches of --changes (1,000) pod changes (labels, addresses,
 * deletions and re-creations, anywhere in the cluster) each followed by
 * one flush, a policy edit and a namespace relabelling, and the process's
 * peak memory. Not a test: timings never gate anything.
 *
 *   make bench-compile        (from the top) table + build/bench-compile.json
 *   build/bench/bench-compile [--pods N] [--nodes N] [--changes N]
 *                             [--rounds N] [--json FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/resource.h>
#include <time.h>
#include <json-c/json.h>
#include "cmp.h"

static unsigned int n_pods = 100000, n_nodes = 1000, n_changes = 1000;
static unsigned int rounds = 5;
static uint64_t rng = 88172645463325252ULL;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Parse one YAML document into its resources (appended to @out). */
static void parse(const char *text, struct res_list *out)
{
	struct diags d;
	struct doc doc;
	size_t i;

	diags_init(&d);
	doc_parse(&doc, "bench.yaml", text, strlen(text), &d);
	for (i = 0; i < doc.n; i++)
		res_parse(&doc, doc.roots[i], 0, out, &d);
	if (d.errors) {
		diags_print(&d, stderr);
		exit(1);
	}
	doc_release(&doc);
	diags_release(&d);
}

static char *pod_yaml(unsigned int k, unsigned int version)
{
	/* this node's pods spread over the namespaces */
	unsigned int ns = k % 100, node = (k + k / 100) % n_nodes;
	char *s;

	if (asprintf(&s,
		     "{apiVersion: v1, kind: Pod, metadata: {name: p%u, "
		     "namespace: ns%u, labels: {app: app%u, role: r%u, "
		     "version: v%u}}, spec: {nodeName: node-%u, "
		     "serviceAccountName: sa%u, containers: [{name: c, "
		     "image: x, ports: [{name: http, containerPort: %u}]}]}, "
		     "status: {phase: Running, podIP: 10.%u.%u.%u}}",
		     k, ns, (k / 100) % 200, (k + version) % 20, version, node,
		     k % 3, 8000 + (k % 5), 64 + (k >> 16), (k >> 8) & 255,
		     (k + version * 7) & 255) < 0)
		abort();
	return s;
}

static void load_cluster(struct cmp *c)
{
	struct res_list l = { 0 };
	unsigned int i, j;
	char *s;

	for (i = 0; i < 100; i++) {
		if (asprintf(&s,
			     "{apiVersion: v1, kind: Namespace, metadata: "
			     "{name: ns%u, labels: {team: t%u, tier: %s}}}",
			     i, i % 10, i % 4 ? "app" : "infra") < 0)
			abort();
		parse(s, &l);
		free(s);
		for (j = 0; j < 3; j++) {
			if (asprintf(&s,
				     "{apiVersion: v1, kind: ServiceAccount, "
				     "metadata: {name: sa%u, namespace: ns%u, "
				     "labels: {privileged: '%s'}}}",
				     j, i, j ? "no" : "yes") < 0)
				abort();
			parse(s, &l);
			free(s);
		}
		/* ten NetworkPolicies per namespace */
		for (j = 0; j < 10; j++) {
			if (asprintf(
				    &s,
				    "{apiVersion: networking.k8s.io/v1, "
				    "kind: NetworkPolicy, metadata: {name: np%u, "
				    "namespace: ns%u}, spec: {podSelector: "
				    "{matchLabels: {app: app%u}}, policyTypes: "
				    "[Ingress, Egress], ingress: [{from: "
				    "[{podSelector: {matchLabels: {app: app%u}}}, "
				    "{namespaceSelector: {matchLabels: {team: t%u}}}], "
				    "ports: [{port: http}, {port: 9090}]}], "
				    "egress: [{to: [{podSelector: {matchLabels: "
				    "{role: r%u}}}]}, {to: [{ipBlock: {cidr: "
				    "10.0.0.0/8}}]}]}}",
				    j, i, (i * 2 + j) % 200,
				    (i * 3 + j + 1) % 200, j, j) < 0)
				abort();
			parse(s, &l);
			free(s);
		}
	}
	for (i = 0; i < 200; i++) {
		if (asprintf(&s,
			     "{apiVersion: projectcalico.org/v3, kind: "
			     "GlobalNetworkPolicy, metadata: {name: g%u}, "
			     "spec: {order: %u, selector: \"role == 'r%u' || "
			     "app == 'app%u'\", namespaceSelector: \"tier == "
			     "'%s'\", ingress: [{action: Deny, source: "
			     "{selector: \"version == 'v%u'\", namespaceSelector: "
			     "all()}}, {action: Allow, protocol: TCP, source: "
			     "{serviceAccounts: {selector: \"privileged == "
			     "'yes'\"}}, destination: {ports: [http]}}, "
			     "{action: Pass}], egress: [{action: Deny, "
			     "destination: {selector: \"threat == 'high'\", "
			     "namespaceSelector: global()}}, {action: Pass}]}}",
			     i, i, i % 20, i % 200, i % 2 ? "app" : "infra",
			     i % 7) < 0)
			abort();
		parse(s, &l);
		free(s);
	}
	for (i = 0; i < 500; i++) {
		if (asprintf(&s,
			     "{apiVersion: projectcalico.org/v3, kind: "
			     "GlobalNetworkSet, metadata: {name: feed%u, "
			     "labels: {threat: %s}}, spec: {nets: "
			     "[198.%u.%u.0/24, 203.0.%u.%u]}}",
			     i, i % 3 ? "low" : "high", 18 + i / 256, i % 256,
			     i % 256, i / 256) < 0)
			abort();
		parse(s, &l);
		free(s);
	}
	for (i = 0; i < l.n; i++)
		cmp_upsert(c, l.v[i]);
	res_list_release(&l);
}

static double peak_mib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024.0;
}

struct result {
	const char *what;
	double secs;
	unsigned int changes;
	int ops;
};

int main(int argc, char **argv)
{
	const char *json = NULL;
	struct result res[64];
	unsigned int nres = 0, r, i, k, n_local = 0;
	struct res_list pods = { 0 };
	struct strata_batch b;
	struct cmp_stats st;
	struct cmp *c;
	double t0, parse_secs;
	int ops;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--pods") && i + 1 < (unsigned int)argc)
			n_pods = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--nodes") &&
			 i + 1 < (unsigned int)argc)
			n_nodes = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--changes") &&
			 i + 1 < (unsigned int)argc)
			n_changes = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--rounds") &&
			 i + 1 < (unsigned int)argc)
			rounds = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--json") &&
			 i + 1 < (unsigned int)argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--quick"))
			n_pods = 10000, n_nodes = 100, rounds = 2;
		else {
			fprintf(stderr,
				"usage: bench-compile [--pods N] [--nodes N] [--changes N] [--rounds N] [--quick] [--json FILE]\n");
			return 1;
		}
	}
	c = cmp_new("node-0", NULL);
	t0 = now();
	for (k = 0; k < n_pods; k++) {
		char *s = pod_yaml(k, 0);

		parse(s, &pods);
		free(s);
		n_local += (k + k / 100) % n_nodes == 0;
	}
	parse_secs = now() - t0;
	printf("compile at scale: %u pods on %u nodes (%u on this node), 1,000 NetworkPolicies, 200 GlobalNetworkPolicies, 500 network sets\n",
	       n_pods, n_nodes, n_local);
	printf("(parsing the pods' YAML: %.2f s, not counted)\n", parse_secs);

	t0 = now();
	load_cluster(c);
	for (i = 0; i < pods.n; i++)
		cmp_upsert(c, pods.v[i]);
	res[nres++] = (struct result){ "load every resource", now() - t0,
				       (unsigned int)pods.n, 0 };
	res_list_release(&pods);
	malloc_trim(0);
	printf("the compiler's memory after loading: %.0f MiB\n",
	       (double)mallinfo2().uordblks / (1 << 20));
	strata_batch_init(&b);
	t0 = now();
	ops = cmp_flush(c, &b);
	res[nres++] = (struct result){ "first flush (the whole node)",
				       now() - t0, 0, ops };
	strata_batch_release(&b);
	cmp_get_stats(c, &st);
	printf("%zu policies (%zu active here), %zu local endpoints, %zu items, %zu selectors, %zu IP sets, %zu members\n",
	       st.policies, st.active_policies, st.local_endpoints, st.items,
	       st.selectors, st.sets, st.members);

	for (r = 0; r < rounds; r++) {
		struct res_list l = { 0 };
		double t;

		/* the changes are parsed before the clock starts */
		for (i = 0; i < n_changes; i++) {
			char *s;

			k = rnd() % n_pods;
			s = pod_yaml(k, 1 + r * 3 + rnd() % 3);
			parse(s, &l);
			free(s);
		}
		t = now();
		for (i = 0; i < l.n; i++) {
			if (i % 5 == 4) {
				/* a pod goes away and comes back */
				cmp_delete(c, RES_WEP, l.v[i]->ns,
					   l.v[i]->name);
			}
			cmp_upsert(c, l.v[i]);
		}
		strata_batch_init(&b);
		ops = cmp_flush(c, &b);
		res[nres++] = (struct result){ "pod changes, one flush",
					       now() - t, (unsigned int)l.n,
					       ops };
		strata_batch_release(&b);
		res_list_release(&l);
	}
	{
		struct res_list l = { 0 };
		double t;

		parse("{apiVersion: projectcalico.org/v3, kind: "
		      "GlobalNetworkPolicy, metadata: {name: g0}, spec: {order: "
		      "0, selector: all(), ingress: [{action: Deny, source: "
		      "{selector: \"app == 'app1' || role == 'r1'\"}}]}}",
		      &l);
		t = now();
		cmp_upsert(c, l.v[0]);
		strata_batch_init(&b);
		ops = cmp_flush(c, &b);
		res[nres++] = (struct result){ "a policy selecting everything",
					       now() - t, 1, ops };
		strata_batch_release(&b);
		res_list_release(&l);
		l = (struct res_list){ 0 };
		parse("{apiVersion: v1, kind: Namespace, metadata: {name: ns0, "
		      "labels: {team: t9, tier: app}}}",
		      &l);
		t = now();
		cmp_upsert(c, l.v[0]);
		strata_batch_init(&b);
		ops = cmp_flush(c, &b);
		res[nres++] = (struct result){ "a namespace relabelled",
					       now() - t, 1, ops };
		strata_batch_release(&b);
		res_list_release(&l);
	}
	printf("\n%-34s %10s %8s %8s\n", "step", "ms", "changes", "ops");
	for (i = 0; i < nres; i++)
		printf("%-34s %10.1f %8u %8d\n", res[i].what, res[i].secs * 1e3,
		       res[i].changes, res[i].ops);
	printf("peak RSS %.0f MiB (the parsed YAML of every pod included); the compiler's memory now %.0f MiB\n",
	       peak_mib(), (double)mallinfo2().uordblks / (1 << 20));
	if (json) {
		struct json_object *o = json_object_new_object(), *a;
		FILE *f = fopen(json, "w");

		json_object_object_add(o, "pods",
				       json_object_new_int((int)n_pods));
		json_object_object_add(o, "nodes",
				       json_object_new_int((int)n_nodes));
		a = json_object_new_array();
		for (i = 0; i < nres; i++) {
			struct json_object *x = json_object_new_object();

			json_object_object_add(
				x, "step", json_object_new_string(res[i].what));
			json_object_object_add(
				x, "ms",
				json_object_new_double(res[i].secs * 1e3));
			json_object_object_add(
				x, "changes",
				json_object_new_int((int)res[i].changes));
			json_object_object_add(x, "ops",
					       json_object_new_int(res[i].ops));
			json_object_array_add(a, x);
		}
		json_object_object_add(o, "steps", a);
		json_object_object_add(o, "peak_rss_mib",
				       json_object_new_double(peak_mib()));
		if (f) {
			fputs(json_object_to_json_string_ext(
				      o, JSON_C_TO_STRING_PRETTY),
			      f);
			fputc('\n', f);
			fclose(f);
		}
		json_object_put(o);
	}
	cmp_free(c);
	return 0;
}
