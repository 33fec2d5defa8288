// SPDX-License-Identifier: GPL-2.0
/*
 * The Kubernetes API datastore (userspace/daemon/ds_k8s.c) against
 * kube-testserver (selftests/helpers), a real HTTPS server speaking the
 * list/watch protocol, run as a child process on 127.0.0.1 with an
 * ephemeral port, certificates generated at start and bearer-token auth.
 *
 * Every wait runs the datastore's sd-event loop until a condition holds or
 * a deadline passes; nothing sleeps to synchronise. Server commands are
 * acknowledged on a pipe (also an event source), so the client keeps
 * running while the test waits for the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "ds_k8s.h"

#define WAIT_MS 10000

/* ------------------------------------------------------------------ */
/* Realistic objects, as a real API server stores them                 */

struct fixture {
	const char *path;
	const char *kind; /* as reported */
	const char *api_version; /* as reported */
	const char *ns;
	const char *name;
	const char *json;
};

static const struct fixture fixtures[] = {
	{ "/api/v1/namespaces", "Namespace", "v1", "", "prod",
	  "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"prod\",\"labels\":{\"kubernetes.io/metadata.name\":\"prod\",\"env\":\"production\"},\"managedFields\":[{\"manager\":\"kubectl-create\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-01T08:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:env\":{},\"f:kubernetes.io/metadata.name\":{}}}}}]},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}" },
	{ "/api/v1/namespaces", "Namespace", "v1", "", "kube-system",
	  "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"kube-system\",\"labels\":{\"kubernetes.io/metadata.name\":\"kube-system\"}},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}" },
	{ "/api/v1/serviceaccounts", "ServiceAccount", "v1", "prod", "web",
	  "{\"kind\":\"ServiceAccount\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web\",\"namespace\":\"prod\",\"labels\":{\"team\":\"storefront\"}}}" },
	{ "/api/v1/pods", "Pod", "v1", "prod", "web-6d4cf56db6-x7k2p",
	  "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-6d4cf56db6-x7k2p\",\"generateName\":\"web-6d4cf56db6-\",\"namespace\":\"prod\",\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"6d4cf56db6\"},\"annotations\":{\"cni.projectcalico.org/containerID\":\"3f2a9c\",\"cni.projectcalico.org/podIP\":\"10.65.0.20/32\",\"cni.projectcalico.org/podIPs\":\"10.65.0.20/32,fd00:65::20/128\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-6d4cf56db6\",\"uid\":\"a1b2c3d4-0000-4000-8000-000000000001\",\"controller\":true,\"blockOwnerDeletion\":true}],\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-11-27T09:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:generateName\":{},\"f:labels\":{\".\":{},\"f:app\":{},\"f:pod-template-hash\":{}},\"f:ownerReferences\":{\".\":{},\"k:{\\\"uid\\\":\\\"a1b2c3d4-0000-4000-8000-000000000001\\\"}\":{}}},\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{},\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":8080,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{},\"f:name\":{},\"f:protocol\":{}}}}}}}}]},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"}],\"resources\":{}}],\"serviceAccountName\":\"web\",\"nodeName\":\"node-1\"},\"status\":{\"phase\":\"Running\",\"hostIP\":\"192.168.1.11\",\"podIP\":\"10.65.0.20\",\"podIPs\":[{\"ip\":\"10.65.0.20\"},{\"ip\":\"fd00:65::20\"}]}}" },
	{ "/api/v1/pods", "Pod", "v1", "prod", "db-0",
	  "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"db-0\",\"namespace\":\"prod\",\"labels\":{\"app\":\"db\",\"statefulset.kubernetes.io/pod-name\":\"db-0\"}},\"spec\":{\"containers\":[{\"name\":\"postgres\",\"image\":\"postgres:16\",\"ports\":[{\"name\":\"pg\",\"containerPort\":5432,\"protocol\":\"TCP\"}]}],\"nodeName\":\"node-2\"},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.65.1.7\",\"podIPs\":[{\"ip\":\"10.65.1.7\"}]}}" },
	{ "/api/v1/pods", "Pod", "v1", "kube-system",
	  "coredns-5d78c9869d-4vxkq",
	  "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"coredns-5d78c9869d-4vxkq\",\"namespace\":\"kube-system\",\"labels\":{\"k8s-app\":\"kube-dns\"}},\"spec\":{\"containers\":[{\"name\":\"coredns\",\"image\":\"registry.k8s.io/coredns/coredns:v1.11.1\",\"ports\":[{\"name\":\"dns\",\"containerPort\":53,\"protocol\":\"UDP\"},{\"name\":\"dns-tcp\",\"containerPort\":53,\"protocol\":\"TCP\"}]}],\"priorityClassName\":\"system-cluster-critical\"},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.65.2.2\"}}" },
	{ "/apis/networking.k8s.io/v1/networkpolicies", "NetworkPolicy",
	  "networking.k8s.io/v1", "prod", "web-ingress",
	  "{\"kind\":\"NetworkPolicy\",\"apiVersion\":\"networking.k8s.io/v1\",\"metadata\":{\"name\":\"web-ingress\",\"namespace\":\"prod\"},\"spec\":{\"podSelector\":{\"matchLabels\":{\"app\":\"web\"}},\"policyTypes\":[\"Ingress\"],\"ingress\":[{\"from\":[{\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"ingress\"}}}],\"ports\":[{\"protocol\":\"TCP\",\"port\":\"http\"}]}]}}" },
	{ "/apis/policy.networking.k8s.io/v1alpha1/adminnetworkpolicies",
	  "AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", "",
	  "cluster-control",
	  "{\"kind\":\"AdminNetworkPolicy\",\"apiVersion\":\"policy.networking.k8s.io/v1alpha1\",\"metadata\":{\"name\":\"cluster-control\"},\"spec\":{\"priority\":10,\"subject\":{\"namespaces\":{}},\"ingress\":[{\"name\":\"allow-monitoring\",\"action\":\"Allow\",\"from\":[{\"namespaces\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"monitoring\"}}}]}],\"egress\":[{\"name\":\"deny-metadata\",\"action\":\"Deny\",\"to\":[{\"networks\":[\"169.254.169.254/32\"]}]}]}}" },
	{ "/apis/policy.networking.k8s.io/v1alpha1/baselineadminnetworkpolicies",
	  "BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", "",
	  "default",
	  "{\"kind\":\"BaselineAdminNetworkPolicy\",\"apiVersion\":\"policy.networking.k8s.io/v1alpha1\",\"metadata\":{\"name\":\"default\"},\"spec\":{\"subject\":{\"namespaces\":{\"matchLabels\":{\"env\":\"production\"}}},\"ingress\":[{\"name\":\"default-deny\",\"action\":\"Deny\",\"from\":[{\"namespaces\":{}}]}]}}" },
	{ "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies",
	  "ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2", "",
	  "deny-sensitive",
	  "{\"kind\":\"ClusterNetworkPolicy\",\"apiVersion\":\"policy.networking.k8s.io/v1alpha2\",\"metadata\":{\"name\":\"deny-sensitive\"},\"spec\":{\"tier\":\"Admin\",\"priority\":20,\"subject\":{\"namespaces\":{\"matchLabels\":{\"sensitive\":\"true\"}}},\"ingress\":[{\"name\":\"deny-all\",\"action\":\"Deny\",\"from\":[{\"namespaces\":{}}]}]}}" },
	{ "/apis/crd.projectcalico.org/v1/tiers", "Tier",
	  "projectcalico.org/v3", "", "security",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"Tier\",\"metadata\":{\"name\":\"security\",\"generation\":1},\"spec\":{\"order\":100,\"defaultAction\":\"Deny\"}}" },
	{ "/apis/crd.projectcalico.org/v1/globalnetworkpolicies",
	  "GlobalNetworkPolicy", "projectcalico.org/v3", "",
	  "security.block-blocklist",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"GlobalNetworkPolicy\",\"metadata\":{\"name\":\"security.block-blocklist\",\"annotations\":{\"projectcalico.org/metadata\":\"{\\\"creationTimestamp\\\":null}\"}},\"spec\":{\"tier\":\"security\",\"order\":10,\"selector\":\"all()\",\"types\":[\"Ingress\",\"Egress\"],\"ingress\":[{\"action\":\"Deny\",\"source\":{\"selector\":\"blocklist == 'true'\"}},{\"action\":\"Pass\"}],\"egress\":[{\"action\":\"Deny\",\"destination\":{\"nets\":[\"203.0.113.0/24\"]}},{\"action\":\"Pass\"}]}}" },
	{ "/apis/crd.projectcalico.org/v1/networkpolicies", "NetworkPolicy",
	  "projectcalico.org/v3", "prod", "default.allow-dns",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"default.allow-dns\",\"namespace\":\"prod\"},\"spec\":{\"tier\":\"default\",\"order\":500,\"selector\":\"has(app)\",\"types\":[\"Egress\"],\"egress\":[{\"action\":\"Allow\",\"protocol\":\"UDP\",\"destination\":{\"namespaceSelector\":\"projectcalico.org/name == 'kube-system'\",\"selector\":\"k8s-app == 'kube-dns'\",\"ports\":[53]}}]}}" },
	{ "/apis/crd.projectcalico.org/v1/globalnetworksets",
	  "GlobalNetworkSet", "projectcalico.org/v3", "", "blocklist",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"GlobalNetworkSet\",\"metadata\":{\"name\":\"blocklist\",\"labels\":{\"blocklist\":\"true\"}},\"spec\":{\"nets\":[\"198.51.100.0/24\",\"2001:db8:bad::/48\"]}}" },
	{ "/apis/crd.projectcalico.org/v1/networksets", "NetworkSet",
	  "projectcalico.org/v3", "prod", "partners",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"NetworkSet\",\"metadata\":{\"name\":\"partners\",\"namespace\":\"prod\",\"labels\":{\"role\":\"partner\"}},\"spec\":{\"nets\":[\"192.0.2.0/28\"]}}" },
	{ "/apis/crd.projectcalico.org/v1/hostendpoints", "HostEndpoint",
	  "projectcalico.org/v3", "", "node-1-eth0",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"HostEndpoint\",\"metadata\":{\"name\":\"node-1-eth0\",\"labels\":{\"host-endpoint\":\"ingress\"}},\"spec\":{\"node\":\"node-1\",\"interfaceName\":\"eth0\",\"expectedIPs\":[\"192.168.1.11\"],\"ports\":[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\"}]}}" },
	{ "/apis/crd.projectcalico.org/v1/stagedglobalnetworkpolicies",
	  "StagedGlobalNetworkPolicy", "projectcalico.org/v3", "",
	  "security.try-deny-ssh",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"StagedGlobalNetworkPolicy\",\"metadata\":{\"name\":\"security.try-deny-ssh\"},\"spec\":{\"stagedAction\":\"Set\",\"tier\":\"security\",\"order\":20,\"selector\":\"all()\",\"ingress\":[{\"action\":\"Deny\",\"protocol\":\"TCP\",\"destination\":{\"ports\":[22]}}]}}" },
	{ "/apis/crd.projectcalico.org/v1/stagednetworkpolicies",
	  "StagedNetworkPolicy", "projectcalico.org/v3", "prod",
	  "default.try-web",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"StagedNetworkPolicy\",\"metadata\":{\"name\":\"default.try-web\",\"namespace\":\"prod\"},\"spec\":{\"stagedAction\":\"Set\",\"tier\":\"default\",\"selector\":\"app == 'web'\",\"ingress\":[{\"action\":\"Allow\"}]}}" },
	{ "/apis/crd.projectcalico.org/v1/stagedkubernetesnetworkpolicies",
	  "StagedKubernetesNetworkPolicy", "projectcalico.org/v3", "prod",
	  "try-db",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"StagedKubernetesNetworkPolicy\",\"metadata\":{\"name\":\"try-db\",\"namespace\":\"prod\"},\"spec\":{\"stagedAction\":\"Set\",\"podSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"policyTypes\":[\"Ingress\"]}}" },
	{ "/apis/crd.projectcalico.org/v1/felixconfigurations",
	  "FelixConfiguration", "projectcalico.org/v3", "", "default",
	  "{\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"FelixConfiguration\",\"metadata\":{\"name\":\"default\"},\"spec\":{\"logSeverityScreen\":\"Info\",\"reportingInterval\":\"0s\",\"failsafeInboundHostPorts\":[{\"protocol\":\"tcp\",\"port\":22}]}}" },
};

#define N_FIX (sizeof(fixtures) / sizeof(fixtures[0]))
#define N_RES 17 /* ds_k8s_resources() */

/* ------------------------------------------------------------------ */
/* Harness                                                             */

struct rec {
	enum ds_event_type type;
	char *kind, *av, *ns, *name, *rev, *obj, *msg;
	bool connected;
};

static struct {
	pid_t pid;
	int in, out;
	char buf[1 << 16];
	size_t have;
	int port;
	char dir[64];
	sd_event_source *src;
} S;

static sd_event *loop;
static struct ds *ds;
static struct rec *recs;
static size_t n_recs, cap_recs;
static char **logs;
static size_t n_logs;
static char kubeconfig[128];
static uint64_t fix_rv[N_FIX];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#define WAIT(cond)                                                           \
	do {                                                                 \
		uint64_t _d = now_ms() + WAIT_MS;                            \
		while (!(cond)) {                                            \
			if (now_ms() > _d)                                   \
				fail_msg("timed out waiting for %s", #cond); \
			sd_event_run(loop, 20000);                           \
		}                                                            \
	} while (0)

static char *dupn(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void sink(const struct ds_event *ev, void *arg)
{
	struct rec *r;

	if (n_recs == cap_recs) {
		cap_recs = cap_recs ? 2 * cap_recs : 64;
		recs = realloc(recs, cap_recs * sizeof(*recs));
		assert_non_null(recs);
	}
	r = &recs[n_recs++];
	memset(r, 0, sizeof(*r));
	r->type = ev->type;
	r->kind = dupn(ev->kind);
	r->av = dupn(ev->api_version);
	r->ns = dupn(ev->ns);
	r->name = dupn(ev->name);
	r->rev = dupn(ev->revision);
	r->msg = dupn(ev->message);
	r->connected = ev->connected;
	if (ev->obj)
		r->obj = strdup(json_object_to_json_string_ext(
			ev->obj, JSON_C_TO_STRING_PLAIN |
					 JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void logger(int level, const char *msg, void *arg)
{
	logs = realloc(logs, (n_logs + 1) * sizeof(*logs));
	assert_non_null(logs);
	logs[n_logs++] = strdup(msg);
}

static void clear_recs(void)
{
	size_t i;

	for (i = 0; i < n_recs; i++) {
		free(recs[i].kind);
		free(recs[i].av);
		free(recs[i].ns);
		free(recs[i].name);
		free(recs[i].rev);
		free(recs[i].obj);
		free(recs[i].msg);
	}
	n_recs = 0;
}

static size_t count(enum ds_event_type type, const char *kind)
{
	size_t i, n = 0;

	for (i = 0; i < n_recs; i++)
		if (recs[i].type == type &&
		    (!kind || (recs[i].kind && !strcmp(recs[i].kind, kind))))
			n++;
	return n;
}

/* The last event of @type for kind/ns/name, or NULL. */
static struct rec *find(enum ds_event_type type, const char *kind,
			const char *ns, const char *name)
{
	size_t i;

	for (i = n_recs; i-- > 0;)
		if (recs[i].type == type && recs[i].kind &&
		    !strcmp(recs[i].kind, kind) && recs[i].name &&
		    !strcmp(recs[i].name, name) &&
		    (!ns || !strcmp(recs[i].ns, ns)))
			return &recs[i];
	return NULL;
}

static size_t count_logs(const char *needle)
{
	size_t i, n = 0;

	for (i = 0; i < n_logs; i++)
		if (strstr(logs[i], needle))
			n++;
	return n;
}

static int srv_read(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	ssize_t r = read(fd, S.buf + S.have, sizeof(S.buf) - 1 - S.have);

	if (r > 0)
		S.have += (size_t)r;
	else
		sd_event_source_set_enabled(s, SD_EVENT_OFF);
	return 0;
}

/* One reply line (malloc'd), running the loop meanwhile. */
static char *srv_line(void)
{
	uint64_t d = now_ms() + WAIT_MS;

	for (;;) {
		char *nl = memchr(S.buf, '\n', S.have), *l;
		size_t n;

		if (nl) {
			n = (size_t)(nl - S.buf);
			l = strndup(S.buf, n);
			memmove(S.buf, nl + 1, S.have - n - 1);
			S.have -= n + 1;
			return l;
		}
		if (now_ms() > d)
			fail_msg("kube-testserver did not answer");
		sd_event_run(loop, 20000);
	}
}

static char *srv_cmd(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *srv_cmd(const char *fmt, ...)
{
	char *line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	line = realloc(line, (size_t)n + 2);
	line[n] = '\n';
	assert_int_equal(write(S.in, line, (size_t)n + 1), n + 1);
	free(line);
	return srv_line();
}

/* A command that must succeed; returns the number after "ok". */
static long long srv_ok(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static long long srv_ok(const char *fmt, ...)
{
	char *line, *reply;
	long long v = 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	reply = srv_cmd("%s", line);
	if (strncmp(reply, "ok", 2))
		fail_msg("%s: %s", line, reply);
	if (reply[2] == ' ')
		v = strtoll(reply + 3, NULL, 10);
	free(line);
	free(reply);
	return v;
}

/* The request lines since the last call, NULL-terminated. */
static char **srv_requests(void)
{
	char *l = srv_cmd("requests");
	size_t n, i;
	char **v;

	assert_memory_equal(l, "ok ", 3);
	n = strtoul(l + 3, NULL, 10);
	free(l);
	v = calloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = srv_line();
	return v;
}

static void free_strv(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* How many request lines start with @prefix. */
static size_t count_prefix(char **v, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; v[i]; i++)
		if (!strncmp(v[i], prefix, strlen(prefix)))
			n++;
	return n;
}

/*
 * Fetch the requests since the last call; return how many started with
 * @prefix over all calls since the last reset (req_total = 0). Lists of
 * namespaces seen meanwhile are counted in req_limit.
 */
static size_t req_total, req_limit;

static size_t poll_requests(const char *prefix)
{
	char **req = srv_requests();

	req_total += count_prefix(req, prefix);
	req_limit += count_prefix(req, "GET /api/v1/namespaces?limit") +
		     count_prefix(req, "GET /api/v1/pods?limit");
	free_strv(req);
	return req_total;
}

static const char *server_path(void)
{
	static char path[PATH_MAX + 32];
	const char *env = getenv("KUBE_TESTSERVER");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	snprintf(path, sizeof(path), "%s/../bin/kube-testserver", exe);
	return path;
}

static void register_resources(const char *skip1, const char *skip2)
{
	const struct ds_k8s_resource *r;
	size_t i, n;

	r = ds_k8s_resources(&n);
	for (i = 0; i < n; i++) {
		bool builtin =
			!strchr(r[i].api_version, '.') ||
			!strncmp(r[i].api_version, "networking.k8s.io/", 18);

		if ((skip1 && !strcmp(r[i].name, skip1)) ||
		    (skip2 && !strcmp(r[i].name, skip2)))
			continue;
		srv_ok("resource %s %s %sList %s %d %d", r[i].path, r[i].kind,
		       r[i].kind, r[i].api_version, r[i].namespaced, builtin);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static bool srv_http2; /* the next srv_start() offers HTTP/2 */

static void srv_start(void)
{
	int in[2], out[2];
	char *l;

	assert_int_equal(sd_event_new(&loop), 0);
	strcpy(S.dir, "/tmp/test_ds_k8s.XXXXXX");
	assert_non_null(mkdtemp(S.dir));
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	S.pid = fork();
	assert_true(S.pid >= 0);
	if (S.pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(server_path(), "kube-testserver", "--tls-dir", S.dir,
		      "--token", "secret-token",
		      srv_http2 ? "--http2" : (char *)NULL, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", server_path(),
			strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	S.in = in[1];
	S.out = out[0];
	S.have = 0;
	assert_int_equal(sd_event_add_io(loop, &S.src, S.out, EPOLLIN, srv_read,
					 NULL),
			 0);
	l = srv_line();
	assert_int_equal(sscanf(l, "port %d", &S.port), 1);
	free(l);
	snprintf(kubeconfig, sizeof(kubeconfig), "%s/kubeconfig", S.dir);
}

static void write_kubeconfig(const char *path, const char *ca,
			     const char *user_fields)
{
	char *text;

	assert_true(asprintf(&text,
			     "apiVersion: v1\n"
			     "kind: Config\n"
			     "current-context: test\n"
			     "clusters:\n"
			     "- name: kts\n"
			     "  cluster:\n"
			     "    server: https://127.0.0.1:%d/\n"
			     "    %s\n"
			     "contexts:\n"
			     "- name: test\n"
			     "  context: {cluster: kts, user: stratad}\n"
			     "users:\n"
			     "- name: stratad\n"
			     "  user:\n"
			     "    %s\n",
			     S.port, ca, user_fields) > 0);
	write_file(path, text);
	free(text);
}

static void load_fixtures(void)
{
	size_t i;

	for (i = 0; i < N_FIX; i++)
		fix_rv[i] = (uint64_t)srv_ok("put %s %s", fixtures[i].path,
					     fixtures[i].json);
}

static int setup(void **state)
{
	req_total = req_limit = 0;
	srv_start();
	register_resources(NULL, NULL);
	write_kubeconfig(kubeconfig, "certificate-authority: ca.crt",
			 "token: secret-token");
	return 0;
}

static int setup_h2(void **state)
{
	srv_http2 = true;
	setup(state);
	srv_http2 = false;
	return 0;
}

static int teardown(void **state)
{
	char *cmd;
	size_t i;
	int st;

	ds_free(ds);
	ds = NULL;
	if (write(S.in, "quit\n", 5) != 5)
		kill(S.pid, SIGTERM);
	close(S.in);
	waitpid(S.pid, &st, 0);
	close(S.out);
	sd_event_source_disable_unref(S.src);
	S.src = NULL;
	sd_event_unref(loop);
	loop = NULL;
	assert_true(asprintf(&cmd, "rm -rf %s", S.dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	clear_recs();
	free(recs);
	recs = NULL;
	cap_recs = 0;
	for (i = 0; i < n_logs; i++)
		free(logs[i]);
	free(logs);
	logs = NULL;
	n_logs = 0;
	return 0;
}

static struct ds_k8s_config base_cfg(void)
{
	struct ds_k8s_config c = {
		.kubeconfig = kubeconfig,
		.page_size = 2,
		.watch_timeout_s = 60,
		.backoff_base_ms = 4,
		.backoff_max_ms = 40,
		.missing_retry_ms = 30,
		.log = logger,
	};

	return c;
}

static void start_cfg(const struct ds_k8s_config *cfg)
{
	char err[256] = "";

	ds = ds_k8s_new(loop, cfg, sink, NULL, err, sizeof(err));
	if (!ds)
		fail_msg("ds_k8s_new: %s", err);
	assert_int_equal(ds_start(ds), 0);
}

static void start(void)
{
	struct ds_k8s_config c = base_cfg();

	start_cfg(&c);
}

static struct ds_stats stats(void)
{
	struct ds_stats st;

	ds->ops->stats(ds, &st);
	return st;
}

static long long watchers(const char *path)
{
	return srv_ok("watchers %s", path);
}

/* Objects equal, ignoring what the server or the client added. */
static void assert_same_object(const char *got, const struct fixture *f,
			       uint64_t rv)
{
	struct json_object *g = json_tokener_parse(got);
	struct json_object *w = json_tokener_parse(f->json), *gm, *wm, *x;
	char rvs[32];

	assert_non_null(g);
	assert_non_null(w);
	json_object_object_get_ex(g, "metadata", &gm);
	json_object_object_get_ex(w, "metadata", &wm);
	snprintf(rvs, sizeof(rvs), "%llu", (unsigned long long)rv);
	assert_true(json_object_object_get_ex(gm, "resourceVersion", &x));
	assert_string_equal(json_object_get_string(x), rvs);
	json_object_object_del(gm, "resourceVersion");
	json_object_object_del(gm, "uid");
	json_object_object_del(gm, "creationTimestamp");
	assert_true(json_object_object_get_ex(g, "apiVersion", &x));
	assert_string_equal(json_object_get_string(x), f->api_version);
	json_object_object_del(g, "apiVersion");
	json_object_object_del(w, "apiVersion");
	assert_true(json_object_object_get_ex(g, "kind", &x));
	assert_string_equal(json_object_get_string(x), f->kind);
	json_object_object_del(w, "kind");
	json_object_object_del(g, "kind");
	if (!json_object_equal(g, w))
		fail_msg("%s/%s differs:\n got  %s\n want %s", f->ns, f->name,
			 json_object_to_json_string(g),
			 json_object_to_json_string(w));
	json_object_put(g);
	json_object_put(w);
}

/* Every kind listed and watched. */
static void sync_all(void)
{
	load_fixtures();
	start();
	WAIT(count(DS_SYNCED, NULL) == 1);
	WAIT(srv_ok("watchers") == (long long)N_RES);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

/* Every kind listed (pages of 2, bodies cut into 7-byte HTTP chunks). */
static void initial_list(void **state)
{
	char **req, want[256];
	struct ds_stats st;
	size_t i, synced_at = 0;

	load_fixtures();
	srv_ok("chunk 7");
	start();
	WAIT(count(DS_SYNCED, NULL) == 1);
	for (i = 0; i < n_recs; i++)
		if (recs[i].type == DS_SYNCED)
			synced_at = i;
	for (i = 0; i < N_FIX; i++) {
		const struct fixture *f = &fixtures[i];
		struct rec *r = find(DS_UPSERT, f->kind, f->ns, f->name);
		char rvs[32];

		if (!r || strcmp(r->av, f->api_version))
			fail_msg("no upsert of %s %s/%s", f->kind, f->ns,
				 f->name);
		assert_true(r - recs < (ptrdiff_t)synced_at);
		snprintf(rvs, sizeof(rvs), "%llu",
			 (unsigned long long)fix_rv[i]);
		assert_string_equal(r->rev, rvs);
		assert_same_object(r->obj, f, fix_rv[i]);
	}
	assert_int_equal(count(DS_UPSERT, NULL), N_FIX);
	assert_int_equal(count(DS_RESET, NULL), 0);
	assert_int_equal(count(DS_DELETE, NULL), 0);
	/* one DS_STATUS: connected, before anything else */
	assert_int_equal(count(DS_STATUS, NULL), 1);
	assert_int_equal(recs[0].type, DS_STATUS);
	assert_true(recs[0].connected);
	st = stats();
	assert_int_equal(st.events, N_FIX);
	assert_int_equal(st.errors, 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.resyncs, 0);

	/* pods: 3 pods, pages of 2, then a watch from the list's revision */
	WAIT(watchers("/api/v1/pods") == 1);
	req = srv_requests();
	assert_int_equal(
		count_prefix(
			req,
			"GET /api/v1/pods?limit=2&resourceVersion=0&resourceVersionMatch=NotOlderThan"),
		1);
	assert_int_equal(count_prefix(req, "GET /api/v1/pods?continue="), 1);
	snprintf(
		want, sizeof(want),
		"GET /api/v1/pods?allowWatchBookmarks=true&resourceVersion=%llu&timeoutSeconds=",
		(unsigned long long)fix_rv[N_FIX - 1]);
	assert_int_equal(count_prefix(req, want), 1);
	assert_int_equal(count_prefix(req, "GET /api/v1/pods"), 3);
	free_strv(req);
}

/* Watch events: add, modify, delete, in order, with their revisions. */
static void watch_events(void **state)
{
	struct rec *r, *pods[4], *gnp = NULL;
	size_t i, np = 0;
	long long rv1, rv2, rv3, rv4;
	char rvs[32];
	size_t base;

	sync_all();
	base = n_recs;
	rv1 = srv_ok(
		"put /api/v1/pods {\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"api-1\",\"namespace\":\"prod\",\"labels\":{\"app\":\"api\"}},\"status\":{\"podIP\":\"10.65.0.30\"}}");
	rv2 = srv_ok(
		"put /api/v1/pods {\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"api-1\",\"namespace\":\"prod\",\"labels\":{\"app\":\"api\",\"v\":\"2\"}},\"status\":{\"podIP\":\"10.65.0.30\"}}");
	rv3 = srv_ok("delete /api/v1/pods prod/api-1");
	rv4 = srv_ok(
		"put /apis/crd.projectcalico.org/v1/globalnetworkpolicies {\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"GlobalNetworkPolicy\",\"metadata\":{\"name\":\"security.block-blocklist\"},\"spec\":{\"tier\":\"security\",\"order\":11,\"selector\":\"all()\"}}");
	WAIT(n_recs == base + 4);
	/* in order within a kind (kinds are separate streams) */
	for (i = base; i < n_recs; i++) {
		if (!strcmp(recs[i].kind, "Pod"))
			pods[np++] = &recs[i];
		else
			gnp = &recs[i];
	}
	assert_int_equal(np, 3);
	r = pods[0];
	assert_int_equal(r->type, DS_UPSERT);
	assert_string_equal(r->kind, "Pod");
	assert_string_equal(r->av, "v1");
	assert_string_equal(r->ns, "prod");
	assert_string_equal(r->name, "api-1");
	snprintf(rvs, sizeof(rvs), "%lld", rv1);
	assert_string_equal(r->rev, rvs);
	assert_non_null(strstr(r->obj, "\"labels\":{\"app\":\"api\"}"));
	r = pods[1];
	assert_int_equal(r->type, DS_UPSERT);
	snprintf(rvs, sizeof(rvs), "%lld", rv2);
	assert_string_equal(r->rev, rvs);
	assert_non_null(strstr(r->obj, "\"v\":\"2\""));
	r = pods[2];
	assert_int_equal(r->type, DS_DELETE);
	assert_string_equal(r->name, "api-1");
	snprintf(rvs, sizeof(rvs), "%lld", rv3);
	assert_string_equal(r->rev, rvs);
	assert_non_null(r->obj);
	assert_non_null(strstr(r->obj, "\"v\":\"2\""));
	r = gnp;
	assert_non_null(r);
	assert_int_equal(r->type, DS_UPSERT);
	assert_string_equal(r->kind, "GlobalNetworkPolicy");
	assert_string_equal(r->av, "projectcalico.org/v3");
	assert_string_equal(r->ns, "");
	snprintf(rvs, sizeof(rvs), "%lld", rv4);
	assert_string_equal(r->rev, rvs);
	assert_non_null(
		strstr(r->obj, "\"apiVersion\":\"projectcalico.org/v3\""));
	assert_non_null(strstr(r->obj, "\"order\":11"));
	assert_int_equal(stats().events, N_FIX + 4);
	assert_int_equal(stats().errors, 0);
}

/*
 * A bookmark moves the resume point: after a dropped connection the watch
 * resumes from the bookmark's revision, without a relist.
 */
static void bookmark_resume(void **state)
{
	char **req, want[160];
	long long ns_rv, bm;
	size_t base;

	sync_all();
	free_strv(srv_requests());
	/* a newer revision elsewhere; the pods watch sees nothing of it */
	ns_rv = srv_ok(
		"put /api/v1/namespaces {\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"staging\"}}");
	WAIT(find(DS_UPSERT, "Namespace", "", "staging"));
	bm = srv_ok("bookmark /api/v1/pods");
	assert_int_equal(bm, 1);
	/* a marker line after it: once it is counted, the bookmark was seen */
	srv_ok("inject /api/v1/pods {\"marker\":1}");
	WAIT(stats().malformed == 1);
	base = n_recs;
	srv_ok("drop /api/v1/pods");
	WAIT(watchers("/api/v1/pods") == 1);
	req = srv_requests();
	snprintf(
		want, sizeof(want),
		"GET /api/v1/pods?allowWatchBookmarks=true&resourceVersion=%lld&",
		ns_rv);
	assert_int_equal(count_prefix(req, want), 1);
	assert_int_equal(count_prefix(req, "GET /api/v1/pods?limit"), 0);
	assert_int_equal(count_prefix(req, "GET /api/v1/pods?continue"), 0);
	free_strv(req);
	assert_int_equal(count(DS_RESET, NULL), 0);
	assert_int_equal(count(DS_UPSERT, "Pod"), 3);
	assert_int_equal(n_recs, base);
	assert_int_equal(stats().resyncs, 0);
}

/* ERROR 410 in an established watch: DS_RESET(Pod), relist, DS_SYNCED. */
static void gone_in_stream(void **state)
{
	char **req, want[200];
	long long last;
	size_t base, i;

	sync_all();
	last = srv_ok("rv");
	free_strv(srv_requests());
	base = n_recs;
	srv_ok("compact");
	assert_int_equal(srv_ok("gone /api/v1/pods"), 1);
	WAIT(count(DS_SYNCED, NULL) == 2);
	/* RESET(Pod), the three pods again, SYNCED: nothing else */
	assert_int_equal(n_recs, base + 5);
	assert_int_equal(recs[base].type, DS_RESET);
	assert_string_equal(recs[base].kind, "Pod");
	assert_string_equal(recs[base].av, "v1");
	for (i = base + 1; i < base + 4; i++) {
		assert_int_equal(recs[i].type, DS_UPSERT);
		assert_string_equal(recs[i].kind, "Pod");
	}
	assert_int_equal(recs[base + 4].type, DS_SYNCED);
	assert_int_equal(stats().resyncs, 1);
	assert_int_equal(stats().errors, 0);
	req = srv_requests();
	snprintf(
		want, sizeof(want),
		"GET /api/v1/pods?limit=2&resourceVersion=%lld&resourceVersionMatch=NotOlderThan",
		last);
	assert_int_equal(count_prefix(req, want), 1);
	free_strv(req);
	WAIT(watchers("/api/v1/pods") == 1);
}

/*
 * The connection drops; while the client cannot reconnect, a pod is
 * deleted and history compacted. The resumed watch gets 410 (too old):
 * DS_RESET, relist without the deleted pod.
 */
static void gone_on_resume(void **state)
{
	size_t base, i;

	sync_all();
	srv_ok("fail /api/v1/pods 500 1000000");
	base = n_recs;
	srv_ok("drop /api/v1/pods");
	srv_ok("delete /api/v1/pods prod/db-0");
	srv_ok("compact");
	WAIT(stats().errors >= 2);
	srv_ok("fail /api/v1/pods 500 0");
	WAIT(count(DS_SYNCED, NULL) == 2);
	assert_int_equal(recs[base].type, DS_RESET);
	assert_string_equal(recs[base].kind, "Pod");
	assert_int_equal(n_recs, base + 4); /* RESET, 2 pods, SYNCED */
	for (i = base + 1; i < base + 3; i++) {
		assert_int_equal(recs[i].type, DS_UPSERT);
		assert_string_not_equal(recs[i].name, "db-0");
	}
	assert_int_equal(count(DS_DELETE, NULL), 0);
	assert_int_equal(stats().resyncs, 1);
	assert_true(stats().reconnects >= 1);
}

/* A dropped connection resumes from the last revision: nothing lost. */
static void drop_resume(void **state)
{
	char want[160];
	long long last, rv;
	size_t base;

	sync_all();
	last = fix_rv[N_FIX - 1];
	free_strv(srv_requests());
	srv_ok("fail /api/v1/pods 503 1000000");
	base = n_recs;
	assert_true(srv_ok("drop") >= 1);
	rv = srv_ok(
		"put /api/v1/pods {\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"late\",\"namespace\":\"prod\"}}");
	snprintf(
		want, sizeof(want),
		"GET /api/v1/pods?allowWatchBookmarks=true&resourceVersion=%lld&",
		last);
	/* two refused attempts, then the server is back */
	WAIT(poll_requests(want) >= 2);
	srv_ok("fail /api/v1/pods 503 0");
	WAIT(find(DS_UPSERT, "Pod", "prod", "late"));
	assert_int_equal(n_recs, base + 1);
	assert_int_equal(count(DS_RESET, NULL), 0);
	assert_true(stats().reconnects >= 1);
	assert_true(stats().errors >= 3);
	assert_true(poll_requests(want) >= 3);
	assert_int_equal(req_limit, 0);
	(void)rv;
}

/* Malformed lines and objects: logged, counted, skipped; nothing else lost. */
static void malformed_watch(void **state)
{
	static const char *const bad[] = {
		"this is not json",
		"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"x\"",
		"{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"namespace\":\"prod\",\"resourceVersion\":\"5\"}}}",
		"{\"type\":\"EXPLODED\",\"object\":{}}",
		"42",
		"{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"clusterpod\",\"resourceVersion\":\"7\"}}}",
		"{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s\",\"namespace\":\"prod\",\"resourceVersion\":\"7\"}}} trailing",
		"{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"s\",\"namespace\":\"prod\",\"resourceVersion\":\"7\"}}}",
	};
	static const char *const msgs[] = {
		"watch line is not JSON",
		"watch line is truncated JSON",
		"watch event has no metadata.name",
		"unknown watch event type \"EXPLODED\"",
		"watch line is not an event (type, object)",
		"watch event clusterpod has no namespace",
		"watch line is not JSON",
		"watch event s is a v1 Service, not a v1 Pod",
	};
	size_t i, base, k = 0;
	char **req;

	sync_all();
	free_strv(srv_requests());
	base = n_recs;
	srv_ok("chunk 5");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(srv_ok("inject /api/v1/pods %s", bad[i]), 1);
	srv_ok("put /api/v1/pods {\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"good\",\"namespace\":\"prod\"}}");
	WAIT(find(DS_UPSERT, "Pod", "prod", "good"));
	assert_int_equal(stats().malformed, 8);
	assert_int_equal(stats().errors, 0);
	assert_int_equal(n_recs, base + 9);
	for (i = base; i < base + 8; i++) {
		assert_int_equal(recs[i].type, DS_STATUS);
		assert_string_equal(recs[i].kind, "Pod");
		assert_true(recs[i].connected);
		assert_string_equal(recs[i].msg, msgs[k++]);
	}
	assert_int_equal(count_logs("pods: skipped: "), 8);
	assert_int_equal(
		count_logs("pods: skipped: watch line is not JSON (1 so far)"),
		1);
	/* the stream was never reconnected */
	req = srv_requests();
	assert_int_equal(count_prefix(req, "GET /api/v1/pods"), 0);
	free_strv(req);
}

/* Malformed list items are skipped; the rest of the list arrives. */
static void malformed_list(void **state)
{
	srv_ok("put-raw /api/v1/pods {\"metadata\":{\"namespace\":\"prod\",\"resourceVersion\":\"3\"}}");
	srv_ok("put-raw /api/v1/namespaces {\"metadata\":{\"name\":\"odd\",\"namespace\":\"prod\",\"resourceVersion\":\"3\"}}");
	srv_ok("put-raw /api/v1/serviceaccounts \"just a string\"");
	load_fixtures();
	start();
	WAIT(count(DS_SYNCED, NULL) == 1);
	assert_int_equal(count(DS_UPSERT, NULL), N_FIX);
	assert_int_equal(stats().malformed, 3);
	assert_int_equal(stats().errors, 0);
	assert_int_equal(
		count_logs("pods: skipped: list item has no metadata.name"), 1);
	assert_int_equal(
		count_logs(
			"namespaces: skipped: list item prod/odd has a namespace but Namespace is cluster-scoped"),
		1);
	assert_int_equal(
		count_logs(
			"serviceaccounts: skipped: list item is not an object"),
		1);
}

/* A list body that is not JSON is an error, retried; the retry succeeds. */
static void list_errors_backoff(void **state)
{
	char **req;

	load_fixtures();
	srv_ok("fail /api/v1/namespaces 500 3");
	start();
	WAIT(count(DS_SYNCED, NULL) == 1);
	assert_int_equal(stats().errors, 3);
	assert_int_equal(stats().reconnects, 1);
	assert_int_equal(count(DS_UPSERT, "Namespace"), 2);
	/* logged at failures 1 and 2 (powers of two), not 3 */
	assert_int_equal(
		count_logs(
			"namespaces: list: HTTP 500: InternalError: injected failure (failure 1,"),
		1);
	assert_int_equal(
		count_logs(
			"namespaces: list: HTTP 500: InternalError: injected failure (failure 2,"),
		1);
	assert_int_equal(count_logs("(failure 3,"), 0);
	req = srv_requests();
	assert_int_equal(
		count_prefix(req,
			     "GET /api/v1/namespaces?limit=2&resourceVersion=0"),
		4);
	free_strv(req);
}

/* The backoff: exponential, jittered in [d/2, d], capped. */
static void backoff(void **state)
{
	size_t n;

	ds_k8s_resources(&n);
	assert_int_equal(n, N_RES);
	assert_int_equal(ds_k8s_backoff_ms(0, 100, 1000, 7), 0);
	assert_int_equal(ds_k8s_backoff_ms(1, 100, 1000, 0), 50);
	assert_int_equal(ds_k8s_backoff_ms(1, 100, 1000, 50), 100);
	assert_int_equal(ds_k8s_backoff_ms(1, 100, 1000, 51), 50);
	assert_int_equal(ds_k8s_backoff_ms(3, 100, 1000, 0), 200);
	assert_int_equal(ds_k8s_backoff_ms(3, 100, 1000, 200), 400);
	assert_int_equal(ds_k8s_backoff_ms(5, 100, 1000, 0), 500);
	assert_int_equal(ds_k8s_backoff_ms(5, 100, 1000, 500), 1000);
	assert_int_equal(ds_k8s_backoff_ms(4000000000u, 250, 30000, 0), 15000);
	assert_int_equal(ds_k8s_backoff_ms(64, 250, 30000, UINT32_MAX),
			 15000 + UINT32_MAX % 15001);
}

/* An expired continue token (410 mid-list): reset, consistent relist. */
static void continue_expired(void **state)
{
	struct ds_k8s_config c = base_cfg();
	size_t i, base = 0;
	char **req;

	load_fixtures();
	c.page_size = 1;
	c.resources = (const char *const[]){ "pods", NULL };
	srv_ok("expire-continue 1");
	start_cfg(&c);
	WAIT(count(DS_SYNCED, NULL) == 1);
	for (i = 0; i < n_recs; i++)
		if (recs[i].type == DS_RESET)
			base = i;
	/* first page's pod, RESET, then all three, then SYNCED */
	assert_int_equal(count(DS_RESET, NULL), 1);
	assert_int_equal(base, 2); /* STATUS connected, 1 pod, RESET */
	assert_int_equal(n_recs, base + 5);
	assert_int_equal(recs[n_recs - 1].type, DS_SYNCED);
	assert_true(
		count_logs(
			"pods: list answered 410 Gone (Expired: The provided continue parameter is too old") ==
		1);
	WAIT(watchers("/api/v1/pods") == 1);
	req = srv_requests();
	assert_string_equal(
		req[0],
		"GET /api/v1/pods?limit=1&resourceVersion=0&resourceVersionMatch=NotOlderThan");
	assert_memory_equal(req[1], "GET /api/v1/pods?continue=", 26);
	assert_string_equal(req[2], "GET /api/v1/pods?limit=1");
	assert_memory_equal(req[3], "GET /api/v1/pods?continue=", 26);
	assert_memory_equal(req[4], "GET /api/v1/pods?continue=", 26);
	assert_memory_equal(req[5],
			    "GET /api/v1/pods?allowWatchBookmarks=true&", 42);
	free_strv(req);
}

/*
 * The first page is cut short after one pod: the retry reads a new
 * snapshot, so it begins with DS_RESET (the pod reported may be gone).
 */
static void list_cut(void **state)
{
	struct ds_k8s_config c = base_cfg();

	load_fixtures();
	c.resources = (const char *const[]){ "pods", NULL };
	srv_ok("cut-list /api/v1/pods 700 1");
	start_cfg(&c);
	WAIT(count(DS_SYNCED, NULL) == 1);
	assert_int_equal(n_recs, 7);
	assert_int_equal(recs[0].type, DS_STATUS);
	assert_int_equal(recs[1].type, DS_UPSERT);
	assert_string_equal(recs[1].name, "coredns-5d78c9869d-4vxkq");
	assert_int_equal(recs[2].type, DS_RESET);
	assert_string_equal(recs[2].kind, "Pod");
	assert_int_equal(recs[3].type, DS_UPSERT);
	assert_int_equal(recs[4].type, DS_UPSERT);
	assert_int_equal(recs[5].type, DS_UPSERT);
	assert_int_equal(recs[6].type, DS_SYNCED);
	assert_int_equal(stats().errors, 1);
	assert_int_equal(stats().resyncs, 1);
	assert_int_equal(stats().malformed, 0);
}

static void list_cut_h2(void **state)
{
	list_cut(state); /* RST_STREAM instead of a closed connection */
}

/* A CRD not installed: logged once, retried slowly, SYNCED without it. */
static void missing_crd(void **state)
{
	long long rv;

	teardown(state);
	srv_start();
	register_resources("tiers.crd.projectcalico.org",
			   "clusternetworkpolicies.policy.networking.k8s.io");
	write_kubeconfig(kubeconfig, "certificate-authority: ca.crt",
			 "token: secret-token");
	start();
	WAIT(count(DS_SYNCED, NULL) == 1);
	free_strv(srv_requests());
	/* several retries, one log line */
	WAIT(poll_requests("GET /apis/crd.projectcalico.org/v1/tiers?") >= 3);
	assert_int_equal(
		count_logs(
			"tiers.crd.projectcalico.org: not served by the API server (HTTP 404: CRD not installed or API not enabled); retrying every 1 s"),
		1);
	assert_int_equal(
		count_logs(
			"clusternetworkpolicies.policy.networking.k8s.io: not served"),
		1);
	assert_int_equal(stats().errors, 0);
	assert_int_equal(count(DS_RESET, NULL), 0);
	/* the CRD is installed: picked up at the next retry */
	srv_ok("resource /apis/crd.projectcalico.org/v1/tiers Tier TierList crd.projectcalico.org/v1 0 0");
	rv = srv_ok(
		"put /apis/crd.projectcalico.org/v1/tiers {\"apiVersion\":\"crd.projectcalico.org/v1\",\"kind\":\"Tier\",\"metadata\":{\"name\":\"platform\"},\"spec\":{\"order\":50}}");
	WAIT(find(DS_UPSERT, "Tier", "", "platform"));
	assert_string_equal(find(DS_UPSERT, "Tier", "", "platform")->av,
			    "projectcalico.org/v3");
	/* (the list may still be ending: items are reported as they come) */
	WAIT(count_logs("tiers.crd.projectcalico.org: now served") == 1);
	assert_int_equal(count(DS_SYNCED, NULL), 1);
	WAIT(watchers("/apis/crd.projectcalico.org/v1/tiers") == 1);
	(void)rv;
}

/* In-cluster configuration; the token file rotates and is re-read. */
static void in_cluster_token_rotation(void **state)
{
	struct ds_k8s_config c = base_cfg();
	char sa[128], path[160], port[16], *cmd;

	snprintf(sa, sizeof(sa), "%s/sa", S.dir);
	assert_int_equal(mkdir(sa, 0700), 0);
	snprintf(path, sizeof(path), "%s/token", sa);
	write_file(path, "secret-token\n");
	assert_true(asprintf(&cmd, "cp %s/ca.crt %s/ca.crt", S.dir, sa) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	snprintf(port, sizeof(port), "%d", S.port);
	setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
	setenv("KUBERNETES_SERVICE_PORT", port, 1);
	c.kubeconfig = NULL;
	c.sa_dir = sa;
	load_fixtures();
	start_cfg(&c);
	WAIT(count(DS_SYNCED, NULL) == 1);
	WAIT(srv_ok("watchers") == (long long)N_RES);
	/*
	 * Rotate as the kubelet does: the new token is valid before the file
	 * changes; then the old one is revoked and every connection cut.
	 */
	srv_ok("token secret-token rotated-token");
	write_file(path, "rotated-token\n");
	srv_ok("token rotated-token");
	srv_ok("drop");
	srv_ok("put /api/v1/pods {\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"after-rotation\",\"namespace\":\"prod\"}}");
	WAIT(find(DS_UPSERT, "Pod", "prod", "after-rotation"));
	assert_int_equal(count_logs("HTTP 401"), 0);
	assert_int_equal(count(DS_RESET, NULL), 0);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}

/* A client certificate from kubeconfig data (no token). */
static void client_cert(void **state)
{
	char *ca, *crt, *key, *text, *p;
	size_t len;
	FILE *f;
	int i;
	char *b64[3];
	const char *files[3] = { "ca.crt", "client.crt", "client.key" };

	for (i = 0; i < 3; i++) {
		assert_true(asprintf(&p, "base64 -w0 %s/%s", S.dir, files[i]) >
			    0);
		f = popen(p, "r");
		free(p);
		assert_non_null(f);
		b64[i] = NULL;
		len = 0;
		assert_true(getline(&b64[i], &len, f) > 0);
		pclose(f);
	}
	ca = b64[0];
	crt = b64[1];
	key = b64[2];
	assert_true(asprintf(&text, "certificate-authority-data: %s", ca) > 0);
	assert_true(
		asprintf(&p,
			 "client-certificate-data: %s\n    client-key-data: %s",
			 crt, key) > 0);
	write_kubeconfig(kubeconfig, text, p);
	free(text);
	free(p);
	free(ca);
	free(crt);
	free(key);
	load_fixtures();
	start();
	WAIT(count(DS_SYNCED, NULL) == 1);
	assert_int_equal(count(DS_UPSERT, NULL), N_FIX);
	assert_int_equal(stats().errors, 0);
}

/* No credentials at all: 401, retried with backoff, never synced. */
static void unauthorized(void **state)
{
	write_kubeconfig(kubeconfig, "certificate-authority: ca.crt",
			 "token: wrong-token");
	start();
	WAIT(stats().errors >= 20);
	assert_int_equal(count(DS_SYNCED, NULL), 0);
	assert_true(
		count_logs(
			"pods: list: HTTP 401: Unauthorized: Unauthorized (failure 1,") ==
		1);
	/* reachable all the same */
	assert_int_equal(count(DS_STATUS, NULL), 1);
	assert_true(recs[0].connected);
}

/* The wrong CA: not connected; insecure-skip-tls-verify: connected. */
static void tls_verify(void **state)
{
	struct rec *r;

	write_kubeconfig(kubeconfig, "certificate-authority: other-ca.crt",
			 "token: secret-token");
	start();
	WAIT(stats().errors >= 17);
	assert_int_equal(count(DS_SYNCED, NULL), 0);
	assert_int_equal(count(DS_STATUS, NULL), 1);
	r = &recs[0];
	assert_int_equal(r->type, DS_STATUS);
	assert_false(r->connected);
	assert_non_null(strstr(r->msg, "certificate"));
	ds_free(ds);
	ds = NULL;
	clear_recs();
	write_kubeconfig(
		kubeconfig,
		"certificate-authority: other-ca.crt\n    insecure-skip-tls-verify: true",
		"token: secret-token");
	start();
	WAIT(count(DS_SYNCED, NULL) == 1);
}

/* timeoutSeconds: the server ends the watch; it is resumed, no relist. */
static void watch_timeout(void **state)
{
	struct ds_k8s_config c = base_cfg();
	c.watch_timeout_s = 1;
	c.resources = (const char *const[]){ "namespaces", NULL };
	load_fixtures();
	start_cfg(&c);
	WAIT(count(DS_SYNCED, NULL) == 1);
	free_strv(srv_requests());
	WAIT(poll_requests(
		     "GET /api/v1/namespaces?allowWatchBookmarks=true&resourceVersion=") >=
	     1);
	assert_int_equal(req_limit, 0);
	assert_int_equal(stats().errors, 0);
	assert_int_equal(count(DS_RESET, NULL), 0);
}

/* The CRD goes away while watched: reset, then synced without it. */
static void crd_removed(void **state)
{
	sync_all();
	WAIT(watchers("/apis/crd.projectcalico.org/v1/tiers") == 1);
	srv_ok("unresource /apis/crd.projectcalico.org/v1/tiers");
	WAIT(count(DS_SYNCED, NULL) == 2);
	assert_int_equal(count(DS_RESET, "Tier"), 1);
	assert_int_equal(count(DS_RESET, NULL), 1);
	assert_int_equal(count_logs("tiers.crd.projectcalico.org: not served"),
			 1);
}

/* Configuration errors are reported at creation. */
static void config_errors(void **state)
{
	static const struct {
		const char *text;
		const char *context;
		const char *err;
	} cases[] = {
		{ "apiVersion: v1\nclusters: []\n", NULL,
		  "no current-context and no context given" },
		{ "current-context: a\ncontexts: []\n", NULL,
		  "context \"a\" not found" },
		{ "contexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://x/'}\n",
		  "a", "user \"u\" not found" },
		{ "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {insecure-skip-tls-verify: true}\n",
		  NULL, "cluster \"c\" has no server" },
		{ "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n  user:\n    exec: {command: aws}\n",
		  NULL,
		  "user \"u\": exec credential plugins are not supported (use a token, tokenFile or client certificate)" },
		{ "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: 'https://x', certificate-authority-data: '@@@'}\n",
		  NULL, "c: certificate-authority-data is not base64" },
		{ "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: 'https://x'}\nusers:\n- name: u\n  user: {client-certificate: c.crt}\n",
		  NULL,
		  "user \"u\": a client certificate needs a client key and the other way round" },
		{ "a: [b\n", NULL, "line 2: did not find expected ',' or ']'" },
	};
	struct ds_k8s_conn conn;
	char path[160], want[512], err[512];
	size_t i;

	snprintf(path, sizeof(path), "%s/bad-kubeconfig", S.dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(path, cases[i].text);
		assert_int_equal(ds_k8s_conn_from_kubeconfig(&conn, path,
							     cases[i].context,
							     err, sizeof(err)),
				 -EINVAL);
		snprintf(want, sizeof(want), "kubeconfig %s: %s", path,
			 cases[i].err);
		assert_string_equal(err, want);
	}
	assert_int_equal(ds_k8s_conn_from_kubeconfig(&conn, "/nonexistent/kc",
						     NULL, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(
		err, "kubeconfig /nonexistent/kc: No such file or directory");
	unsetenv("KUBERNETES_SERVICE_HOST");
	assert_int_equal(ds_k8s_conn_in_cluster(&conn, NULL, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(
		err,
		"in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
	{
		struct ds_k8s_config c = base_cfg();
		struct ds *d;

		c.resources = (const char *const[]){ "pods", "gadgets", NULL };
		d = ds_k8s_new(loop, &c, sink, NULL, err, sizeof(err));
		assert_null(d);
		assert_string_equal(err, "unknown resource \"gadgets\"");
	}
}

/* What a kubeconfig yields: every field, relative paths, the context. */
static void kubeconfig_fields(void **state)
{
	struct ds_k8s_conn c;
	char path[160], err[256], want[200];

	snprintf(path, sizeof(path), "%s/kc", S.dir);
	write_file(path, "apiVersion: v1\n"
			 "kind: Config\n"
			 "current-context: prod\n"
			 "clusters:\n"
			 "- name: one\n"
			 "  cluster:\n"
			 "    server: https://[fd00::1]:6443\n"
			 "    certificate-authority-data: LS0tLS1CRUdJTg==\n"
			 "- name: two\n"
			 "  cluster:\n"
			 "    server: https://10.0.0.1:443/\n"
			 "    certificate-authority: certs/ca.pem\n"
			 "    insecure-skip-tls-verify: true\n"
			 "contexts:\n"
			 "- name: prod\n"
			 "  context:\n"
			 "    cluster: one\n"
			 "    user: admin\n"
			 "    namespace: default\n"
			 "- name: dev\n"
			 "  context: {cluster: two, user: dev}\n"
			 "users:\n"
			 "- name: admin\n"
			 "  user:\n"
			 "    client-certificate-data: YWJj\n"
			 "    client-key: /etc/keys/admin.key\n"
			 "- name: dev\n"
			 "  user:\n"
			 "    tokenFile: dev.token\n");
	assert_int_equal(ds_k8s_conn_from_kubeconfig(&c, path, NULL, err,
						     sizeof(err)),
			 0);
	assert_string_equal(c.server, "https://[fd00::1]:6443");
	assert_int_equal(c.ca_len, 10);
	assert_memory_equal(c.ca_data, "-----BEGIN", 10);
	assert_null(c.ca_file);
	assert_false(c.insecure);
	assert_int_equal(c.cert_len, 3);
	assert_memory_equal(c.cert_data, "abc", 3);
	assert_string_equal(c.key_file, "/etc/keys/admin.key");
	assert_null(c.token);
	assert_null(c.token_file);
	ds_k8s_conn_clear(&c);
	assert_int_equal(ds_k8s_conn_from_kubeconfig(&c, path, "dev", err,
						     sizeof(err)),
			 0);
	assert_string_equal(c.server, "https://10.0.0.1:443");
	snprintf(want, sizeof(want), "%s/certs/ca.pem", S.dir);
	assert_string_equal(c.ca_file, want);
	assert_true(c.insecure);
	snprintf(want, sizeof(want), "%s/dev.token", S.dir);
	assert_string_equal(c.token_file, want);
	assert_null(c.cert_data);
	ds_k8s_conn_clear(&c);
}

/* "ok N H2" from the server: TCP connections so far, HTTP/2 ones. */
static void connections(unsigned long *n, unsigned long *h2)
{
	char *l = srv_cmd("connections");

	assert_int_equal(sscanf(l, "ok %lu %lu", n, h2), 2);
	free(l);
}

/*
 * HTTP/2: every list and every watch multiplexed on one connection; the
 * events, a drop and a 410 behave as over HTTP/1.1.
 */
static void http2_multiplexed(void **state)
{
	unsigned long n, h2;
	size_t base;
	long long rv;
	char rvs[32];

	sync_all();
	assert_int_equal(count(DS_UPSERT, NULL), N_FIX);
	connections(&n, &h2);
	assert_int_equal(n, 1);
	assert_int_equal(h2, 1);
	base = n_recs;
	rv = srv_ok(
		"put /api/v1/pods {\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"h2\",\"namespace\":\"prod\"}}");
	WAIT(n_recs == base + 1);
	snprintf(rvs, sizeof(rvs), "%lld", rv);
	assert_string_equal(recs[base].rev, rvs);
	/* the connection is cut: one new connection carries every watch */
	assert_true(srv_ok("drop") >= 1);
	WAIT(srv_ok("watchers") == (long long)N_RES);
	connections(&n, &h2);
	assert_int_equal(n, 2);
	assert_int_equal(h2, 2);
	assert_int_equal(count(DS_RESET, NULL), 0);
	/* a 410 in one stream resets that kind only */
	srv_ok("compact");
	assert_int_equal(srv_ok("gone /api/v1/namespaces"), 1);
	WAIT(count(DS_SYNCED, NULL) == 2);
	assert_int_equal(count(DS_RESET, "Namespace"), 1);
	assert_int_equal(count(DS_RESET, NULL), 1);
	srv_ok("delete /api/v1/pods prod/h2");
	WAIT(find(DS_DELETE, "Pod", "prod", "h2"));
	assert_int_equal(stats().malformed, 0);
	connections(&n, &h2);
	assert_int_equal(n, 2);
}

/* HTTP/2 with bodies in 7-byte DATA frames, malformed lines: as HTTP/1.1. */
static void http2_frames(void **state)
{
	srv_ok("chunk 7");
	sync_all();
	assert_int_equal(count(DS_UPSERT, NULL), N_FIX);
	assert_int_equal(srv_ok("inject /api/v1/pods {\"type\":\"ADDED\""), 1);
	srv_ok("put /api/v1/pods {\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"after\",\"namespace\":\"prod\"}}");
	WAIT(find(DS_UPSERT, "Pod", "prod", "after"));
	assert_int_equal(stats().malformed, 1);
	assert_int_equal(stats().errors, 0);
}

/* In-cluster settings: IPv6 service address, the mounted files. */
static void in_cluster_fields(void **state)
{
	struct ds_k8s_conn c;
	char sa[128], path[160], want[200], err[256];

	snprintf(sa, sizeof(sa), "%s/sa6", S.dir);
	assert_int_equal(mkdir(sa, 0700), 0);
	setenv("KUBERNETES_SERVICE_HOST", "fd00:10:96::1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	assert_int_equal(ds_k8s_conn_in_cluster(&c, sa, err, sizeof(err)),
			 -ENOENT);
	snprintf(want, sizeof(want), "in-cluster: %s/token: %s", sa,
		 strerror(ENOENT));
	assert_string_equal(err, want);
	snprintf(path, sizeof(path), "%s/token", sa);
	write_file(path, "t0ken\n");
	assert_int_equal(ds_k8s_conn_in_cluster(&c, sa, err, sizeof(err)),
			 -ENOENT);
	snprintf(want, sizeof(want), "in-cluster: %s/ca.crt: %s", sa,
		 strerror(ENOENT));
	assert_string_equal(err, want);
	snprintf(path, sizeof(path), "%s/ca.crt", sa);
	write_file(path, "-----BEGIN CERTIFICATE-----\n");
	assert_int_equal(ds_k8s_conn_in_cluster(&c, sa, err, sizeof(err)), 0);
	assert_string_equal(c.server, "https://[fd00:10:96::1]:443");
	assert_string_equal(c.ca_file, path);
	snprintf(path, sizeof(path), "%s/token", sa);
	assert_string_equal(c.token_file, path);
	assert_null(c.token);
	assert_false(c.insecure);
	ds_k8s_conn_clear(&c);
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
}

/* Freed with requests in flight: no event after, no leak. */
static void free_in_flight(void **state)
{
	size_t n;

	load_fixtures();
	start();
	sd_event_run(loop, 1000);
	n = n_recs;
	ds_free(ds);
	ds = NULL;
	sd_event_run(loop, 1000);
	assert_int_equal(n_recs, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff),
		cmocka_unit_test_setup_teardown(config_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(kubeconfig_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(in_cluster_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(initial_list, setup, teardown),
		cmocka_unit_test_setup_teardown(watch_events, setup, teardown),
		cmocka_unit_test_setup_teardown(bookmark_resume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(gone_in_stream, setup,
						teardown),
		cmocka_unit_test_setup_teardown(gone_on_resume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(drop_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_watch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(malformed_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(list_errors_backoff, setup,
						teardown),
		cmocka_unit_test_setup_teardown(continue_expired, setup,
						teardown),
		cmocka_unit_test_setup_teardown(missing_crd, setup, teardown),
		cmocka_unit_test_setup_teardown(crd_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(in_cluster_token_rotation,
						setup, teardown),
		cmocka_unit_test_setup_teardown(client_cert, setup, teardown),
		cmocka_unit_test_setup_teardown(unauthorized, setup, teardown),
		cmocka_unit_test_setup_teardown(tls_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(watch_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_flight, setup,
						teardown),
		cmocka_unit_test_setup_teardown(http2_multiplexed, setup_h2,
						teardown),
		cmocka_unit_test_setup_teardown(http2_frames, setup_h2,
						teardown),
		cmocka_unit_test_setup_teardown(list_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(list_cut_h2, setup_h2,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
