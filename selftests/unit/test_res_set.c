// SPDX-License-Identifier: GPL-2.0
/*
 * The resource store (policy/res_set.c) and output (res_out.c): built-ins,
 * put/get/replace/delete, sorted listing, per-source updates as a
 * datastore makes them, loading files and directories (duplicates with
 * both positions, cross-resource warnings), printing (YAML, JSON, tables)
 * and round trips: what is printed loads back to an equal set.
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include "res_test.h"

#define EXAMPLE "../../examples/shop"

static struct res *make(const char *text)
{
	return rt_one(text);
}

static void builtins(void **state)
{
	struct rset *s = rset_new(true);
	struct res *t;

	assert_int_equal(rset_count(s, -1), 4);
	assert_int_equal(rset_count(s, RES_TIER), 3);
	assert_int_equal(rset_count(s, RES_PROFILE), 1);
	t = rset_get(s, RES_TIER, NULL, "kube-admin");
	assert_non_null(t);
	assert_true(t->builtin);
	assert_true(t->tier.order == 1000);
	assert_int_equal(t->tier.default_action, RES_PASS);
	t = rset_get(s, RES_TIER, NULL, "default");
	assert_true(t->tier.order == 1000000);
	assert_int_equal(t->tier.default_action, RES_DENY);
	assert_non_null(
		rset_get(s, RES_PROFILE, "", "projectcalico-default-allow"));
	rset_free(s);
	s = rset_new(false);
	assert_int_equal(rset_count(s, -1), 0);
	rset_free(s);
}

static void put_get_del(void **state)
{
	struct rset *s = rset_new(false);
	struct res *a, *b, *old, **v;
	uint64_t gen;
	size_t n;

	a = make("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
		 "metadata: {name: p, namespace: b}\nspec: {order: 1}\n");
	b = make("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
		 "metadata: {name: p, namespace: a}\n");
	gen = rset_generation(s);
	rset_put(s, a, &old);
	assert_null(old);
	rset_put(s, b, NULL);
	assert_true(rset_generation(s) > gen);
	assert_ptr_equal(rset_get(s, RES_NP, "b", "p"), a);
	assert_ptr_equal(rset_get(s, RES_NP, "a", "p"), b);
	assert_null(rset_get(s, RES_NP, "c", "p"));
	assert_null(rset_get(s, RES_GNP, "", "p"));
	/* replacing hands the old one back */
	a = make("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
		 "metadata: {name: p, namespace: b}\nspec: {order: 2}\n");
	rset_put(s, a, &old);
	assert_non_null(old);
	assert_true(old->pol.order == 1);
	res_free(old);
	assert_true(rset_get(s, RES_NP, "b", "p")->pol.order == 2);
	assert_int_equal(rset_count(s, RES_NP), 2);
	/* sorted by kind, namespace, name; filtered */
	rset_put(s,
		 make("apiVersion: projectcalico.org/v3\nkind: Tier\n"
		      "metadata: {name: z}\n"),
		 NULL);
	n = rset_list(s, -1, NULL, &v);
	assert_int_equal(n, 3);
	assert_int_equal(v[0]->kind, RES_TIER);
	assert_string_equal(v[1]->ns, "a");
	assert_string_equal(v[2]->ns, "b");
	free(v);
	n = rset_list(s, RES_NP, "b", &v);
	assert_int_equal(n, 1);
	assert_ptr_equal(v[0], a);
	free(v);
	/* the namespace filter does not apply to cluster-scoped kinds */
	n = rset_list(s, RES_TIER, "b", &v);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(rset_del(s, RES_NP, "a", "p"), 0);
	assert_int_equal(rset_del(s, RES_NP, "a", "p"), -ENOENT);
	assert_int_equal(rset_count(s, -1), 2);
	rset_free(s);
}

static void parse_list(const char *text, struct res_list *l)
{
	char *m = rt_parse(text, l);

	assert_string_equal(m, "");
	free(m);
}

/* A datastore's updates: each object replaces what it gave before. */
static void sources(void **state)
{
	static const char pod[] =
		"apiVersion: v1\nkind: Pod\n"
		"metadata: {name: web, namespace: prod}\n"
		"spec: {nodeName: node1}\nstatus: {podIP: %s, phase: %s}\n";
	struct rset *s = rset_new(false);
	struct res_list l = { 0 };
	char text[512];
	struct res *w;

	snprintf(text, sizeof(text), pod, "10.0.0.1", "Running");
	parse_list(text, &l);
	rset_apply_source(s, "v1", "Pod", "prod", "web", &l);
	assert_int_equal(l.n, 0);
	w = rset_get(s, RES_WEP, "prod", "node1-k8s-web-eth0");
	assert_non_null(w);
	assert_string_equal(w->wep.ip_networks[0].text, "10.0.0.1/32");

	/* a new address replaces the endpoint */
	snprintf(text, sizeof(text), pod, "10.0.0.2", "Running");
	parse_list(text, &l);
	rset_apply_source(s, "v1", "Pod", "prod", "web", &l);
	assert_int_equal(rset_count(s, RES_WEP), 1);
	w = rset_get(s, RES_WEP, "prod", "node1-k8s-web-eth0");
	assert_string_equal(w->wep.ip_networks[0].text, "10.0.0.2/32");

	/* a finished pod gives nothing: the endpoint goes */
	snprintf(text, sizeof(text), pod, "10.0.0.2", "Succeeded");
	parse_list(text, &l);
	assert_int_equal(l.n, 0);
	rset_apply_source(s, "v1", "Pod", "prod", "web", &l);
	assert_int_equal(rset_count(s, RES_WEP), 0);

	/* a resource another source has replaced since is left alone */
	snprintf(text, sizeof(text), pod, "10.0.0.3", "Running");
	parse_list(text, &l);
	rset_apply_source(s, "v1", "Pod", "prod", "web", &l);
	parse_list("apiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\n"
		   "metadata: {name: node1-k8s-web-eth0, namespace: prod}\n"
		   "spec: {orchestrator: k8s, node: node1, pod: web, "
		   "endpoint: eth0}\n",
		   &l);
	rset_apply_source(s, "projectcalico.org/v3", "WorkloadEndpoint", "prod",
			  "node1-k8s-web-eth0", &l);
	rset_apply_source(s, "v1", "Pod", "prod", "web", NULL);
	assert_int_equal(rset_count(s, RES_WEP), 1);
	w = rset_get(s, RES_WEP, "prod", "node1-k8s-web-eth0");
	assert_int_equal(w->wep.n_ip_networks, 0);

	/* v1alpha1 and v1alpha2 of a group are one source key space */
	parse_list("apiVersion: projectcalico.org/v3\nkind: Tier\n"
		   "metadata: {name: t}\n",
		   &l);
	rset_apply_source(s, "projectcalico.org/v3", "Tier", "", "t", &l);
	assert_non_null(rset_get(s, RES_TIER, "", "t"));
	rset_apply_source(s, "crd.projectcalico.org/v1", "Tier", "", "t", NULL);
	assert_non_null(rset_get(s, RES_TIER, "", "t"));
	rset_apply_source(s, "projectcalico.org/v1", "Tier", "", "t", NULL);
	assert_null(rset_get(s, RES_TIER, "", "t"));
	rset_free(s);
}

static void add_source(struct rset *s, const char *text, const char *api,
		       const char *kind, const char *ns, const char *name)
{
	struct res_list l = { 0 };

	parse_list(text, &l);
	rset_apply_source(s, api, kind, ns, name, &l);
}

/* A relist: what is listed again stays, what is not goes at the end. */
static void relist(void **state)
{
	struct rset *s = rset_new(false);

	add_source(s, "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
		   "v1", "Namespace", "", "a");
	add_source(s, "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n",
		   "v1", "Namespace", "", "b");
	add_source(s,
		   "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
		   "metadata: {name: p, namespace: a}\n",
		   "networking.k8s.io/v1", "NetworkPolicy", "a", "p");
	assert_int_equal(rset_count(s, -1), 3);
	/* another kind's relist leaves namespaces alone */
	rset_mark_sources(s, "v1", "Pod");
	assert_int_equal(rset_sweep_sources(s), 0);
	rset_mark_sources(s, "v1", "Namespace");
	/* everything is still there until the sweep */
	assert_int_equal(rset_count(s, RES_PROFILE), 2);
	add_source(s, "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n",
		   "v1", "Namespace", "", "b");
	assert_int_equal(rset_sweep_sources(s), 1);
	assert_null(rset_get(s, RES_PROFILE, "", "kns.a"));
	assert_non_null(rset_get(s, RES_PROFILE, "", "kns.b"));
	assert_non_null(rset_get(s, RES_NP, "a", "knp.default.p"));
	/* every group and kind */
	rset_mark_sources(s, NULL, NULL);
	assert_int_equal(rset_sweep_sources(s), 2);
	assert_int_equal(rset_count(s, -1), 0);
	rset_free(s);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void load(void **state)
{
	char dir[] = "/tmp/strata-res-XXXXXX", path[256], *m;
	const char *paths[2];
	struct rset *s = rset_new(true);
	struct diags d;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	write_file(path, "apiVersion: projectcalico.org/v3\n"
			 "kind: GlobalNetworkPolicy\n"
			 "metadata: {name: security.p}\n"
			 "spec: {tier: security}\n"
			 "---\n"
			 "apiVersion: projectcalico.org/v3\n"
			 "kind: Tier\n"
			 "metadata: {name: default}\n"
			 "spec: {order: 1000000}\n");
	snprintf(path, sizeof(path), "%s/b.json", dir);
	write_file(path, "{\"apiVersion\": \"projectcalico.org/v3\",\n"
			 " \"kind\": \"GlobalNetworkPolicy\",\n"
			 " \"metadata\": {\"name\": \"security.p\"},\n"
			 " \"spec\": {\"tier\": \"security\"}}\n");
	snprintf(path, sizeof(path), "%s/c.txt", dir);
	write_file(path, "not: [read\n");
	snprintf(path, sizeof(path), "%s/.d.yaml", dir);
	write_file(path, "not: [read\n");
	snprintf(path, sizeof(path), "%s/e.yml", dir);
	write_file(path, "apiVersion: v1\nkind: Pod\n"
			 "metadata: {name: p, namespace: x}\n"
			 "spec: {nodeName: node1, serviceAccountName: sa}\n"
			 "status: {podIP: 10.1.1.1}\n");
	snprintf(path, sizeof(path), "%s/sub", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/f.yaml", dir);
	write_file(path, "not: [read\n");

	diags_init(&d);
	paths[0] = dir;
	paths[1] = "/nonexistent.yaml";
	assert_int_equal(rset_load(s, paths, 2, 0, &d), -EINVAL);
	diags_sort(&d);
	m = rt_messages(&d);
	/* file names are as found under the directory given */
	{
		char want[4096];

		snprintf(
			want, sizeof(want),
			"/nonexistent.yaml: No such file or directory\n"
			"%s/a.yaml:4:14: warning: spec.tier: \"security\": no Tier of that name is defined; Calico refuses a policy in a tier that does not exist\n"
			"%s/b.json:1:1: GlobalNetworkPolicy security.p is defined twice: first at %s/a.yaml:1:1\n"
			"%s/e.yml:1:1: warning: WorkloadEndpoint x/node1-k8s-p-eth0: profile \"kns.x\" is not defined (a Namespace defines it); Calico drops the endpoint's traffic that reaches a missing profile\n"
			"%s/e.yml:1:1: warning: WorkloadEndpoint x/node1-k8s-p-eth0: profile \"ksa.x.sa\" is not defined (a ServiceAccount defines it); Calico drops the endpoint's traffic that reaches a missing profile",
			dir, dir, dir, dir, dir);
		assert_string_equal(m, want);
	}
	free(m);
	/* the first definition stays; the default tier read replaced the
	 * built-in one without complaint */
	assert_int_equal(rset_count(s, RES_GNP), 1);
	assert_false(rset_get(s, RES_TIER, "", "default")->builtin);
	assert_int_equal(rset_count(s, RES_TIER), 3);
	assert_int_equal(rset_count(s, RES_WEP), 1);
	diags_release(&d);
	rset_free(s);

	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

/* The example loads clean. */
static void example(void **state)
{
	const char *path = EXAMPLE;
	struct rset *s = rset_new(true);
	struct diags d;
	char *m;

	diags_init(&d);
	assert_int_equal(rset_load(s, &path, 1, 0, &d), 0);
	m = rt_messages(&d);
	assert_string_equal(m, "");
	free(m);
	assert_int_equal(rset_count(s, RES_TIER), 5);
	assert_int_equal(rset_count(s, RES_GNP), 7);
	assert_int_equal(rset_count(s, RES_NP), 7);
	assert_int_equal(rset_count(s, RES_PROFILE), 11);
	assert_int_equal(rset_count(s, RES_WEP), 5);
	assert_int_equal(rset_count(s, RES_HEP), 2);
	assert_int_equal(rset_count(s, RES_GNS), 1);
	assert_int_equal(rset_count(s, RES_NETSET), 1);
	assert_non_null(rset_get(s, RES_NP, "backend", "knp.default.api"));
	assert_non_null(rset_get(s, RES_PROFILE, "", "ksa.backend.api"));
	diags_release(&d);
	rset_free(s);
}

/* Print everything, read it back: the same set. */
static void round_trip_fmt(const char *const *paths, size_t n_paths,
			   enum res_fmt fmt)
{
	struct rset *a = rset_new(true), *b = rset_new(true);
	char file[] = "/tmp/strata-rt-XXXXXX";
	const char *p = file;
	struct res **va, **vb;
	struct diags d;
	size_t na, nb, i;
	FILE *f;
	char *m;
	int fd;

	diags_init(&d);
	rset_load(a, paths, n_paths, 0, &d);
	m = rt_messages(&d);
	assert_string_equal(m, "");
	free(m);
	na = rset_list(a, -1, NULL, &va);
	fd = mkstemp(file);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_int_equal(res_print(f, va, na, fmt, false), 0);
	fclose(f);
	diags_release(&d);
	diags_init(&d);
	assert_int_equal(rset_load(b, &p, 1, 0, &d), 0);
	m = rt_messages(&d);
	assert_string_equal(m, "");
	free(m);
	nb = rset_list(b, -1, NULL, &vb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		if (!res_equal(va[i], vb[i]))
			fail_msg("%s %s/%s differs after a round trip",
				 res_kind_name(va[i]->kind), va[i]->ns,
				 va[i]->name);
	free(va);
	free(vb);
	unlink(file);
	diags_release(&d);
	rset_free(a);
	rset_free(b);
}

static void round_trips(void **state)
{
	static const char extra[] =
		"apiVersion: projectcalico.org/v3\n"
		"kind: GlobalNetworkPolicy\n"
		"metadata: {name: every.field, labels: {a: b}, annotations: {c: d}}\n"
		"spec:\n"
		"  tier: every\n"
		"  order: 0.125\n"
		"  selector: a in {'x', \"y\"}\n"
		"  namespaceSelector: has(t)\n"
		"  serviceAccountSelector: '!has(u)'\n"
		"  doNotTrack: true\n"
		"  applyOnForward: true\n"
		"  performanceHints: [AssumeNeededOnEveryNode]\n"
		"  ingress:\n"
		"  - action: Pass\n"
		"    ipVersion: 6\n"
		"    protocol: 58\n"
		"    notProtocol: TCP\n"
		"    icmp: {type: 1, code: 2}\n"
		"    notICMP: {type: 3}\n"
		"    source: {notNets: ['::/0'], notSelector: x == 'y', notPorts: []}\n"
		"    metadata: {annotations: {'true': 'yes'}}\n"
		"  egress:\n"
		"  - action: Log\n"
		"    protocol: UDPLite\n"
		"    destination:\n"
		"      nets: [10.0.0.0/8]\n"
		"      serviceAccounts: {names: ['80', 'null']}\n"
		"  - action: Allow\n"
		"    protocol: SCTP\n"
		"    source: {ports: [1, '2:3', named]}\n"
		"    destination: {namespaceSelector: global(), serviceAccounts: {}}\n"
		"---\n"
		"apiVersion: projectcalico.org/v3\n"
		"kind: Tier\n"
		"metadata: {name: every}\n"
		"---\n"
		"apiVersion: projectcalico.org/v3\n"
		"kind: StagedNetworkPolicy\n"
		"metadata: {name: s, namespace: ns1}\n"
		"spec: {stagedAction: Ignore, types: [Egress]}\n"
		"---\n"
		"apiVersion: projectcalico.org/v3\n"
		"kind: WorkloadEndpoint\n"
		"metadata: {name: h-cni-c1-e, namespace: ns1}\n"
		"spec: {orchestrator: cni, node: h, containerID: c1, endpoint: e,\n"
		"       mac: '02:00:00:00:00:0a', ipv6Gateway: 'fe80::1',\n"
		"       allowSpoofedSourcePrefixes: [10.1.2.0/24],\n"
		"       ports: [{protocol: UDP, port: 7, hostPort: 7}]}\n";
	char file[] = "/tmp/strata-rt-extra-XXXXXX";
	const char *paths[2] = { EXAMPLE, file };
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, extra, strlen(extra)),
			 (ssize_t)strlen(extra));
	close(fd);
	round_trip_fmt(paths, 2, RES_FMT_YAML);
	round_trip_fmt(paths, 2, RES_FMT_JSON);
	unlink(file);
}

/* res_equal() notices a difference in any field (a few samples). */
static void equality(void **state)
{
	static const char *const pairs[][2] = {
		{ "spec: {order: 1}", "spec: {order: 2}" },
		{ "spec: {selector: \"a == 'b'\"}",
		  "spec: {selector: \"a == 'c'\"}" },
		{ "spec: {ingress: [{action: Allow}]}",
		  "spec: {ingress: [{action: Deny}]}" },
		{ "spec: {egress: [{action: Allow, destination: {nets: [10.0.0.0/8]}}]}",
		  "spec: {egress: [{action: Allow, destination: {nets: [10.0.0.0/16]}}]}" },
		{ "spec: {egress: [{action: Allow, protocol: TCP, destination: {ports: [1]}}]}",
		  "spec: {egress: [{action: Allow, protocol: TCP, destination: {notPorts: [1]}}]}" },
		{ "spec: {types: [Ingress]}", "spec: {types: [Egress]}" },
	};
	char ta[512], tb[512];
	struct res *a, *b;
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		snprintf(ta, sizeof(ta),
			 "apiVersion: projectcalico.org/v3\n"
			 "kind: GlobalNetworkPolicy\nmetadata: {name: p}\n%s\n",
			 pairs[i][0]);
		snprintf(tb, sizeof(tb),
			 "apiVersion: projectcalico.org/v3\n"
			 "kind: GlobalNetworkPolicy\nmetadata: {name: p}\n%s\n",
			 pairs[i][1]);
		a = make(ta);
		b = make(tb);
		assert_true(res_equal(a, a));
		if (res_equal(a, b))
			fail_msg("pair %zu compares equal", i);
		res_free(a);
		res_free(b);
	}
	/* equivalent selector spellings are equal */
	a = make("apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n"
		 "metadata: {name: p}\nspec: {selector: \"a in {'x','y'}\"}\n");
	b = make(
		"apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\n"
		"metadata: {name: p}\nspec: {selector: 'a in {\"y\", \"x\"}'}\n");
	assert_true(res_equal(a, b));
	res_free(a);
	res_free(b);
}

static char *print_str(struct res **v, size_t n, enum res_fmt fmt, bool all_ns)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(res_print(f, v, n, fmt, all_ns), 0);
	fclose(f);
	return buf;
}

static void printing(void **state)
{
	const char *path = EXAMPLE;
	struct rset *s = rset_new(true);
	struct res **v;
	struct diags d;
	size_t n;
	char *out;

	diags_init(&d);
	assert_int_equal(rset_load(s, &path, 1, 0, &d), 0);
	n = rset_list(s, RES_TIER, NULL, &v);
	out = print_str(v, n, RES_FMT_TABLE, false);
	assert_string_equal(out, "NAME            ORDER      DEFAULTACTION\n"
				 "default         1000000    Deny\n"
				 "kube-admin      1000       Pass\n"
				 "kube-baseline   10000000   Pass\n"
				 "pci             100        Deny\n"
				 "platform        200        Pass\n");
	free(out);
	free(v);
	n = rset_list(s, RES_NP, "backend", &v);
	out = print_str(v, n, RES_FMT_WIDE, true);
	assert_string_equal(
		out,
		"NAMESPACE   NAME                       TIER      ORDER   TYPES            SELECTOR\n"
		"backend     allow-payment-processor    default   500     Egress           app == \"api\"\n"
		"backend     knp.default.api            default   1000    Ingress,Egress   app == \"api\" && projectcalico.org/orchestrator == \"k8s\"\n"
		"backend     knp.default.default-deny   default   1000    Ingress,Egress   projectcalico.org/orchestrator == \"k8s\"\n");
	free(out);
	free(v);
	n = rset_list(s, RES_WEP, "db", &v);
	out = print_str(v, n, RES_FMT_TABLE, false);
	assert_string_equal(
		out,
		"NAME                           NODE     NETWORKS        INTERFACE\n"
		"node--2-k8s-postgres--0-eth0   node-2   10.65.2.10/32   cali2fa6b784459\n");
	free(out);
	out = print_str(v, n, RES_FMT_JSON, false);
	assert_string_equal(
		out,
		"{\n"
		"  \"apiVersion\": \"projectcalico.org/v3\",\n"
		"  \"kind\": \"WorkloadEndpoint\",\n"
		"  \"metadata\": {\n"
		"    \"name\": \"node--2-k8s-postgres--0-eth0\",\n"
		"    \"namespace\": \"db\",\n"
		"    \"labels\": {\n"
		"      \"app\": \"postgres\",\n"
		"      \"projectcalico.org/namespace\": \"db\",\n"
		"      \"projectcalico.org/orchestrator\": \"k8s\",\n"
		"      \"projectcalico.org/serviceaccount\": \"postgres\"\n"
		"    }\n"
		"  },\n"
		"  \"spec\": {\n"
		"    \"orchestrator\": \"k8s\",\n"
		"    \"node\": \"node-2\",\n"
		"    \"pod\": \"postgres-0\",\n"
		"    \"endpoint\": \"eth0\",\n"
		"    \"serviceAccountName\": \"postgres\",\n"
		"    \"ipNetworks\": [\n"
		"      \"10.65.2.10/32\"\n"
		"    ],\n"
		"    \"profiles\": [\n"
		"      \"kns.db\",\n"
		"      \"ksa.db.postgres\"\n"
		"    ],\n"
		"    \"interfaceName\": \"cali2fa6b784459\",\n"
		"    \"ports\": [\n"
		"      {\n"
		"        \"name\": \"postgres\",\n"
		"        \"protocol\": \"tcp\",\n"
		"        \"port\": 5432\n"
		"      },\n"
		"      {\n"
		"        \"name\": \"metrics\",\n"
		"        \"protocol\": \"tcp\",\n"
		"        \"port\": 9187\n"
		"      }\n"
		"    ]\n"
		"  }\n"
		"}\n");
	free(out);
	free(v);
	/* several resources of one kind print as a <Kind>List */
	n = rset_list(s, RES_GNS, NULL, &v);
	out = print_str(v, n, RES_FMT_YAML, false);
	assert_string_equal(out, "apiVersion: projectcalico.org/v3\n"
				 "kind: GlobalNetworkSet\n"
				 "metadata:\n"
				 "  labels:\n"
				 "    threat-feed: quarantine\n"
				 "  name: quarantine\n"
				 "spec:\n"
				 "  nets:\n"
				 "  - 198.51.100.0/24\n"
				 "  - 203.0.113.66/32\n"
				 "  - 2001:db8:bad::/48\n");
	free(out);
	free(v);
	n = rset_list(s, RES_HEP, NULL, &v);
	out = print_str(v, n, RES_FMT_YAML, false);
	assert_non_null(strstr(out, "apiVersion: projectcalico.org/v3\n"
				    "items:\n"
				    "- apiVersion: projectcalico.org/v3\n"
				    "  kind: HostEndpoint\n"));
	assert_non_null(strstr(out, "\nkind: HostEndpointList\n"));
	free(out);
	free(v);
	/* strings that would read back as something else are quoted */
	{
		struct res *r = make(
			"apiVersion: projectcalico.org/v3\nkind: Profile\n"
			"metadata: {name: p, annotations: {a: '80', b: 'true', c: '', d: '~', e: 'x: y', f: '1e3'}}\n");

		out = print_str(&r, 1, RES_FMT_YAML, false);
		assert_string_equal(out, "apiVersion: projectcalico.org/v3\n"
					 "kind: Profile\n"
					 "metadata:\n"
					 "  annotations:\n"
					 "    a: '80'\n"
					 "    b: 'true'\n"
					 "    c: ''\n"
					 "    d: '~'\n"
					 "    e: 'x: y'\n"
					 "    f: '1e3'\n"
					 "  name: p\n"
					 "spec: {}\n");
		free(out);
		res_free(r);
	}
	diags_release(&d);
	rset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtins),    cmocka_unit_test(put_get_del),
		cmocka_unit_test(sources),     cmocka_unit_test(relist),
		cmocka_unit_test(load),	       cmocka_unit_test(example),
		cmocka_unit_test(round_trips), cmocka_unit_test(equality),
		cmocka_unit_test(printing),
	};

	return cmocka_run_group_tests_name("res_set", tests, NULL, NULL);
}
