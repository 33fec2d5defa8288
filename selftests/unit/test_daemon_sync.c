// SPDX-License-Identifier: GPL-2.0
/*
 * The sync engine (daemon/sync.c) end to end in one process: the
 * directory datastore on a temporary directory, the resource store,
 * compile, and the engine (kmod/core/) as the kernel. What it proves:
 * nothing is programmed before the datastore's list is complete; the
 * first programming is one transaction; a restart with nothing changed
 * applies nothing and keeps the generation; a restart after changes
 * applies only them; changes within the coalescing window are one
 * transaction; a failed transaction is retried after reading the kernel
 * and repairs it; drift (a foreign change) is found and repaired; an
 * invalid object is ignored without holding up the rest.
 */
#include "daemon_test.h"
#include "ds_dir.h"
#include "engine_util.h"
#include "log.h"
#include "sync.h"

#define NODE "node-1"

struct commit_rec {
	uint64_t seq, generation;
	size_t ops, drift, n_events;
	bool full, first;
};

struct t {
	sd_event *loop;
	char *dir;
	struct sc_state *state;
	struct dkern *k;
	struct ds *ds;
	struct dsync *sync;
	struct commit_rec commits[64];
	size_t n_commits;
	char *log;
	size_t log_len;
	FILE *logf;
};

static struct t T;

static void quiet(int level, const char *msg, void *arg)
{
}

static void on_commit(void *arg, const struct dsync_commit *c)
{
	struct commit_rec *r;

	assert_true(T.n_commits < 64);
	r = &T.commits[T.n_commits++];
	r->seq = c->seq;
	r->generation = c->generation;
	r->ops = c->ops;
	r->drift = c->drift;
	r->n_events = c->n_events;
	r->full = c->full;
	r->first = c->first;
}

/* A daemon: datastore and engine on the shared state. */
static void daemon_start(unsigned int coalesce_ms)
{
	struct dsync_config cfg = {
		.node = NODE,
		.manage_settings = true,
		.coalesce_ms = coalesce_ms,
		.retry_min_ms = 20,
		.retry_max_ms = 100,
		.probe_interval_ms = 60000,
	};
	struct ds_dir_config dc = { .path = T.dir, .retry_ms = 50 };
	char err[256];

	dc.log = quiet;
	T.k = dkern_engine_new(T.state);
	T.sync = dsync_new(T.loop, &cfg, T.k);
	assert_non_null(T.sync);
	assert_int_equal(dsync_add_listener(T.sync, on_commit, NULL), 0);
	T.ds = ds_dir_new(T.loop, &dc, dsync_on_event, T.sync, err,
			  sizeof(err));
	assert_non_null(T.ds);
	dsync_set_ds(T.sync, T.ds);
	assert_int_equal(dsync_start(T.sync), 0);
	assert_int_equal(ds_start(T.ds), 0);
	T.n_commits = 0;
}

static void daemon_stop(void)
{
	ds_free(T.ds);
	dsync_free(T.sync);
	dkern_free(T.k);
	T.ds = NULL;
	T.sync = NULL;
	T.k = NULL;
}

static int setup(void **state)
{
	memset(&T, 0, sizeof(T));
	assert_int_equal(sd_event_new(&T.loop), 0);
	T.dir = dt_tmpdir();
	T.state = t_state();
	T.logf = open_memstream(&T.log, &T.log_len);
	assert_non_null(T.logf);
	dlog_init(LOG_INFO, DLOG_JOURNAL, T.logf);
	return 0;
}

static int teardown(void **state)
{
	daemon_stop();
	sc_state_free(T.state);
	sd_event_unref(T.loop);
	dt_rmdir(T.dir);
	fclose(T.logf);
	free(T.log);
	dlog_init(LOG_INFO, DLOG_STDERR, NULL);
	return 0;
}

static bool commits_at_least(void *arg)
{
	return T.n_commits >= (size_t)(uintptr_t)arg;
}

static void wait_commits(size_t n)
{
	if (!dt_run_until(T.loop, commits_at_least, (void *)(uintptr_t)n,
			  5000)) {
		struct dsync_status st;

		dsync_get_status(T.sync, &st);
		fflush(T.logf);
		fail_msg(
			"waited for %zu programmings, got %zu (phase %s, error \"%s\"); log:\n%s",
			n, T.n_commits, dsync_phase_name(st.phase),
			st.last_error, T.log);
	}
}

/* The kernel's endpoints, as "name,name,...". */
static char *kernel_endpoints(void)
{
	const struct sc_endpoint *e;
	char *s = calloc(1, 4096);

	assert_non_null(s);
	for (e = sc_state_next_endpoint(T.state, 0); e;
	     e = sc_state_next_endpoint(T.state, e->id)) {
		if (*s)
			strcat(s, ",");
		strcat(s, e->name);
	}
	return s;
}

#define assert_endpoints(want)                     \
	do {                                       \
		char *got_ = kernel_endpoints();   \
		assert_string_equal(got_, (want)); \
		free(got_);                        \
	} while (0)

static const char ns_yaml[] =
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";

static void write_pod(const char *name, const char *node, const char *ip,
		      const char *app)
{
	char file[128];

	snprintf(file, sizeof(file), "pod-%s.yaml", name);
	dt_write(T.dir, file,
		 "apiVersion: v1\n"
		 "kind: Pod\n"
		 "metadata: {name: %s, namespace: shop, labels: {app: %s}}\n"
		 "spec: {nodeName: %s, containers: [{name: c, image: x}]}\n"
		 "status: {phase: Running, podIP: %s, podIPs: [{ip: %s}]}\n",
		 name, app, node, ip, ip);
}

static const char policy_yaml[] =
	"apiVersion: projectcalico.org/v3\n"
	"kind: Tier\n"
	"metadata: {name: security}\n"
	"spec: {order: 100, defaultAction: Pass}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: GlobalNetworkPolicy\n"
	"metadata: {name: security.quarantine}\n"
	"spec:\n"
	"  tier: security\n"
	"  selector: all()\n"
	"  ingress: [{action: Deny, source: {selector: quarantine == 'true'}}]\n"
	"  egress: [{action: Deny, destination: {selector: quarantine == 'true'}}]\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\n"
	"kind: NetworkPolicy\n"
	"metadata: {name: api, namespace: shop}\n"
	"spec:\n"
	"  podSelector: {matchLabels: {app: api}}\n"
	"  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]\n";

static void write_cluster(void)
{
	dt_write(T.dir, "00-ns.yaml", "%s", ns_yaml);
	dt_write(T.dir, "10-policy.yaml", "%s", policy_yaml);
	write_pod("web-0", NODE, "10.65.0.10", "web");
	write_pod("api-0", NODE, "10.65.0.20", "api");
	write_pod("api-1", "node-2", "10.65.1.20", "api");
}

static void test_first_programming(void **state)
{
	struct dsync_status st;

	write_cluster();
	daemon_start(10);
	wait_commits(1);
	assert_true(T.commits[0].first);
	assert_true(T.commits[0].full);
	assert_true(T.commits[0].ops > 0);
	assert_int_equal(T.commits[0].n_events, 0);
	assert_int_equal(T.commits[0].generation, sc_state_generation(T.state));
	assert_int_equal(T.commits[0].generation, 1); /* one transaction */
	assert_endpoints("pod:shop/api-0,pod:shop/web-0");
	dsync_get_status(T.sync, &st);
	assert_string_equal(dsync_phase_name(st.phase), "programmed");
	assert_int_equal(st.programmed_seq, st.input_seq);
	assert_int_equal(st.commits, 1);
	assert_int_equal(st.failures, 0);
	fflush(T.logf);
	assert_non_null(strstr(T.log, "<5>programmed generation 1 in "));
	assert_non_null(
		strstr(T.log, ": 2 local endpoints, 2 of 2 policies active"));
}

static void test_restart_unchanged(void **state)
{
	uint64_t gen;

	write_cluster();
	daemon_start(10);
	wait_commits(1);
	gen = sc_state_generation(T.state);
	daemon_stop();

	/* a restart (kill -9: nothing was cleaned up) */
	daemon_start(10);
	wait_commits(1);
	assert_true(T.commits[0].first && T.commits[0].full);
	assert_int_equal(T.commits[0].ops, 0);
	assert_int_equal(T.commits[0].generation, gen);
	assert_int_equal(sc_state_generation(T.state), gen);
	assert_endpoints("pod:shop/api-0,pod:shop/web-0");
}

static void test_restart_changed(void **state)
{
	write_cluster();
	daemon_start(10);
	wait_commits(1);
	daemon_stop();

	/* while it is down: a pod goes, one arrives */
	dt_unlink(T.dir, "pod-web-0.yaml");
	write_pod("web-1", NODE, "10.65.0.11", "web");
	daemon_start(10);
	wait_commits(1);
	assert_true(T.commits[0].ops > 0);
	assert_int_equal(sc_state_generation(T.state), 2);
	assert_endpoints("pod:shop/api-0,pod:shop/web-1");
	daemon_stop();

	daemon_start(10);
	wait_commits(1);
	assert_int_equal(T.commits[0].ops, 0);
	assert_int_equal(sc_state_generation(T.state), 2);
}

static void test_coalescing(void **state)
{
	struct dsync_status st;
	uint64_t target;

	write_cluster();
	daemon_start(300);
	wait_commits(1);
	/* three changes inside the window */
	write_pod("web-1", NODE, "10.65.0.11", "web");
	dsync_drain(T.sync);
	write_pod("web-2", NODE, "10.65.0.12", "web");
	dsync_drain(T.sync);
	dt_unlink(T.dir, "pod-api-0.yaml");
	target = dsync_drain(T.sync);
	dsync_get_status(T.sync, &st);
	assert_int_equal(st.input_seq, target);
	assert_true(st.programmed_seq < target);
	assert_string_equal(dsync_phase_name(st.phase), "pending");
	wait_commits(2);
	dt_run_for(T.loop, 400);
	assert_int_equal(T.n_commits, 2);
	assert_int_equal(T.commits[1].seq, target);
	assert_int_equal(T.commits[1].n_events, 3);
	assert_false(T.commits[1].full);
	assert_int_equal(sc_state_generation(T.state), 2);
	assert_endpoints("pod:shop/web-0,pod:shop/web-1,pod:shop/web-2");
}

static void test_failure_and_repair(void **state)
{
	struct dsync_status st;

	write_cluster();
	daemon_start(10);
	wait_commits(1);
	dkern_engine_fail(T.k, 2, -ENOSPC, false);
	write_pod("web-1", NODE, "10.65.0.11", "web");
	wait_commits(2);
	dsync_get_status(T.sync, &st);
	assert_int_equal(st.failures, 2);
	assert_int_equal(st.repairs, 3); /* the start, then each retry */
	assert_string_equal(st.last_error,
			    "applying the changes: injected failure");
	assert_true(T.commits[1].full);
	assert_int_equal(T.commits[1].drift, 0);
	assert_int_equal(dkern_engine_applies(T.k), 4);
	assert_endpoints("pod:shop/api-0,pod:shop/web-0,pod:shop/web-1");
	assert_string_equal(dsync_phase_name(st.phase), "programmed");
	fflush(T.logf);
	assert_non_null(strstr(
		T.log,
		"<3>applying the changes: injected failure (failure 1 in a row); the kernel keeps its state, retrying in "));
	assert_non_null(strstr(T.log, "(failure 2 in a row)"));
}

static void test_drift(void **state)
{
	struct strata_batch b;
	struct strata_perr perr;
	struct sc_err err;
	struct dsync_status st;

	write_cluster();
	daemon_start(10);
	wait_commits(1);
	/* someone else deletes an endpoint behind the daemon's back */
	strata_batch_init(&b);
	assert_int_equal(strata_batch_line(
				 &b, "endpoint del name pod:shop/web-0", &perr),
			 0);
	assert_int_equal(strata_batch_finish(&b, &perr), 0);
	assert_int_equal(cmp_state_apply(T.state, &b, &err), 0);
	strata_batch_release(&b);
	assert_endpoints("pod:shop/api-0");
	dsync_request_resync(T.sync);
	wait_commits(2);
	assert_int_equal(T.commits[1].drift, 1);
	assert_true(T.commits[1].full);
	assert_endpoints("pod:shop/api-0,pod:shop/web-0");
	dsync_get_status(T.sync, &st);
	assert_int_equal(st.drift, 1);
	fflush(T.logf);
	assert_non_null(strstr(
		T.log,
		"<4>the kernel differed from the desired state: 1 change made it equal again (generation 3)"));
	/* nothing differs now: a resync changes nothing */
	dsync_request_resync(T.sync);
	wait_commits(3);
	assert_int_equal(T.commits[2].ops, 0);
	assert_int_equal(sc_state_generation(T.state), 3);
}

static void test_invalid_object(void **state)
{
	struct dsync_status st;

	write_cluster();
	dt_write(T.dir, "20-bad.yaml",
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: GlobalNetworkPolicy\n"
		 "metadata: {name: bad}\n"
		 "spec: {ingress: [{action: Maybe}]}\n");
	daemon_start(10);
	wait_commits(1);
	assert_endpoints("pod:shop/api-0,pod:shop/web-0");
	dsync_get_status(T.sync, &st);
	assert_int_equal(st.invalid, 1);
	fflush(T.logf);
	assert_non_null(strstr(
		T.log, "<4>GlobalNetworkPolicy bad: spec.ingress[0].action: "));
	assert_non_null(strstr(T.log, " (the object is ignored)"));
}

static void test_waits_for_datastore(void **state)
{
	struct dsync_status st;
	char sub[512];

	dt_rmdir(T.dir);
	T.dir = dt_tmpdir();
	snprintf(sub, sizeof(sub), "%s/later", T.dir);
	free(T.dir);
	T.dir = strdup(sub);
	daemon_start(10);
	dt_run_for(T.loop, 200);
	assert_int_equal(T.n_commits, 0);
	assert_int_equal(dkern_engine_applies(T.k), 0);
	dsync_get_status(T.sync, &st);
	assert_string_equal(dsync_phase_name(st.phase),
			    "waiting-for-datastore");
	assert_false(st.ds_synced);
	assert_int_equal(mkdir(T.dir, 0755), 0);
	write_cluster();
	wait_commits(1);
	assert_endpoints("pod:shop/api-0,pod:shop/web-0");
	/* the parent goes with teardown */
	snprintf(sub, sizeof(sub), "%s", T.dir);
	*strrchr(sub, '/') = '\0';
	free(T.dir);
	T.dir = strdup(sub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_programming, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_restart_unchanged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_restart_changed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_coalescing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failure_and_repair, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drift, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_object, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_waits_for_datastore, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
