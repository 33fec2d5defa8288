// SPDX-License-Identifier: GPL-2.0
/*
 * /metrics (daemon/metrics.c): the exposition text of a snapshot, exactly;
 * histogram buckets at their bounds; what a running daemon (directory
 * datastore, sync engine, the engine as kernel) reports; and the HTTP
 * responder on a real loopback socket: GET, HEAD, a request in two parts,
 * 404, 405, 400.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "daemon_test.h"
#include "log.h"
#include "metrics.h"

static const char expected[] =
	"# HELP stratad_programmed Whether the kernel holds everything the datastore said (1) or changes are pending or failing (0).\n"
	"# TYPE stratad_programmed gauge\n"
	"stratad_programmed 1\n"
	"# HELP stratad_datastore_connected Whether the datastore is reachable.\n"
	"# TYPE stratad_datastore_connected gauge\n"
	"stratad_datastore_connected 1\n"
	"# HELP stratad_datastore_synced Whether the datastore's first complete list is done.\n"
	"# TYPE stratad_datastore_synced gauge\n"
	"stratad_datastore_synced 0\n"
	"# HELP stratad_resources Resources known, by kind.\n"
	"# TYPE stratad_resources gauge\n"
	"stratad_resources{kind=\"Tier\"} 3\n"
	"stratad_resources{kind=\"GlobalNetworkPolicy\"} 5000\n"
	"stratad_resources{kind=\"NetworkPolicy\"} 0\n"
	"stratad_resources{kind=\"StagedGlobalNetworkPolicy\"} 0\n"
	"stratad_resources{kind=\"StagedNetworkPolicy\"} 0\n"
	"stratad_resources{kind=\"Profile\"} 0\n"
	"stratad_resources{kind=\"HostEndpoint\"} 0\n"
	"stratad_resources{kind=\"WorkloadEndpoint\"} 100000\n"
	"stratad_resources{kind=\"GlobalNetworkSet\"} 0\n"
	"stratad_resources{kind=\"NetworkSet\"} 0\n"
	"# HELP stratad_local_endpoints Endpoints programmed on this node.\n"
	"# TYPE stratad_local_endpoints gauge\n"
	"stratad_local_endpoints 100\n"
	"# HELP stratad_active_policies Policies and profiles compiled for this node's endpoints.\n"
	"# TYPE stratad_active_policies gauge\n"
	"stratad_active_policies 42\n"
	"# HELP stratad_ipsets IP sets programmed.\n"
	"# TYPE stratad_ipsets gauge\n"
	"stratad_ipsets 7\n"
	"# HELP stratad_ipset_members Members of the IP sets programmed.\n"
	"# TYPE stratad_ipset_members gauge\n"
	"stratad_ipset_members 12345\n"
	"# HELP stratad_selectors Distinct rule selectors tracked.\n"
	"# TYPE stratad_selectors gauge\n"
	"stratad_selectors 9\n"
	"# HELP stratad_kernel_generation The kernel generation last programmed.\n"
	"# TYPE stratad_kernel_generation gauge\n"
	"stratad_kernel_generation 77\n"
	"# HELP stratad_endpoint_status_records Programmed acknowledgements (endpoint status records).\n"
	"# TYPE stratad_endpoint_status_records gauge\n"
	"stratad_endpoint_status_records 99\n"
	"# HELP stratad_first_programmed_seconds Time from start to the first programming.\n"
	"# TYPE stratad_first_programmed_seconds gauge\n"
	"stratad_first_programmed_seconds 1.25\n"
	"# HELP stratad_updates_applied_total Transactions committed to the kernel.\n"
	"# TYPE stratad_updates_applied_total counter\n"
	"stratad_updates_applied_total 76\n"
	"# HELP stratad_operations_applied_total Operations in the transactions committed.\n"
	"# TYPE stratad_operations_applied_total counter\n"
	"stratad_operations_applied_total 1000\n"
	"# HELP stratad_apply_failures_total Transactions the kernel refused or that could not be sent.\n"
	"# TYPE stratad_apply_failures_total counter\n"
	"stratad_apply_failures_total 2\n"
	"# HELP stratad_kernel_repairs_total Programmings that read the kernel's state first.\n"
	"# TYPE stratad_kernel_repairs_total counter\n"
	"stratad_kernel_repairs_total 3\n"
	"# HELP stratad_kernel_drift_operations_total Operations needed to repair a kernel that differed from the desired state.\n"
	"# TYPE stratad_kernel_drift_operations_total counter\n"
	"stratad_kernel_drift_operations_total 4\n"
	"# HELP stratad_datastore_events_total Upserts and deletes received from the datastore.\n"
	"# TYPE stratad_datastore_events_total counter\n"
	"stratad_datastore_events_total 105000\n"
	"# HELP stratad_datastore_resyncs_total Relists of the datastore.\n"
	"# TYPE stratad_datastore_resyncs_total counter\n"
	"stratad_datastore_resyncs_total 5\n"
	"# HELP stratad_datastore_errors_total Datastore connection and protocol errors.\n"
	"# TYPE stratad_datastore_errors_total counter\n"
	"stratad_datastore_errors_total 6\n"
	"# HELP stratad_datastore_malformed_total Objects or messages the datastore skipped as malformed.\n"
	"# TYPE stratad_datastore_malformed_total counter\n"
	"stratad_datastore_malformed_total 7\n"
	"# HELP stratad_datastore_reconnects_total Datastore connections re-established.\n"
	"# TYPE stratad_datastore_reconnects_total counter\n"
	"stratad_datastore_reconnects_total 8\n"
	"# HELP stratad_invalid_resources_total Objects refused by validation.\n"
	"# TYPE stratad_invalid_resources_total counter\n"
	"stratad_invalid_resources_total 9\n"
	"# HELP stratad_kernel_flow_events_total Flow events the kernel sent.\n"
	"# TYPE stratad_kernel_flow_events_total counter\n"
	"stratad_kernel_flow_events_total 1000000\n"
	"# HELP stratad_kernel_flow_events_lost_total Flow events the kernel could not deliver.\n"
	"# TYPE stratad_kernel_flow_events_lost_total counter\n"
	"stratad_kernel_flow_events_lost_total 17\n"
	"# HELP stratad_apply_latency_seconds Time from a datastore change to the commit that programs it.\n"
	"# TYPE stratad_apply_latency_seconds histogram\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.001\"} 1\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.0025\"} 1\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.005\"} 2\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.01\"} 2\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.025\"} 2\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.05\"} 2\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.1\"} 2\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.25\"} 3\n"
	"stratad_apply_latency_seconds_bucket{le=\"0.5\"} 3\n"
	"stratad_apply_latency_seconds_bucket{le=\"1\"} 3\n"
	"stratad_apply_latency_seconds_bucket{le=\"2.5\"} 3\n"
	"stratad_apply_latency_seconds_bucket{le=\"5\"} 3\n"
	"stratad_apply_latency_seconds_bucket{le=\"10\"} 3\n"
	"stratad_apply_latency_seconds_bucket{le=\"+Inf\"} 4\n"
	"stratad_apply_latency_seconds_sum 16.1298828125\n"
	"stratad_apply_latency_seconds_count 4\n"
	"# HELP stratad_apply_duration_seconds Time one transaction took.\n"
	"# TYPE stratad_apply_duration_seconds histogram\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.001\"} 0\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.0025\"} 0\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.005\"} 0\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.01\"} 0\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.025\"} 0\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.05\"} 0\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.1\"} 0\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.25\"} 0\n"
	"stratad_apply_duration_seconds_bucket{le=\"0.5\"} 1\n"
	"stratad_apply_duration_seconds_bucket{le=\"1\"} 1\n"
	"stratad_apply_duration_seconds_bucket{le=\"2.5\"} 1\n"
	"stratad_apply_duration_seconds_bucket{le=\"5\"} 1\n"
	"stratad_apply_duration_seconds_bucket{le=\"10\"} 1\n"
	"stratad_apply_duration_seconds_bucket{le=\"+Inf\"} 1\n"
	"stratad_apply_duration_seconds_sum 0.5\n"
	"stratad_apply_duration_seconds_count 1\n";

static char *render(const struct dmet_snapshot *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	dmet_render(f, s);
	fclose(f);
	return text;
}

static void test_render(void **state)
{
	struct dmet_snapshot s = { 0 };
	char *text;

	s.programmed = true;
	s.ds_connected = true;
	s.resources[RES_TIER] = 3;
	s.resources[RES_GNP] = 5000;
	s.resources[RES_WEP] = 100000;
	s.local_endpoints = 100;
	s.active_policies = 42;
	s.ipsets = 7;
	s.members = 12345;
	s.selectors = 9;
	s.generation = 77;
	s.status_records = 99;
	s.first_programmed_s = 1.25;
	s.commits = 76;
	s.ops = 1000;
	s.failures = 2;
	s.repairs = 3;
	s.drift = 4;
	s.ds_events = 105000;
	s.ds_resyncs = 5;
	s.ds_errors = 6;
	s.ds_malformed = 7;
	s.ds_reconnects = 8;
	s.invalid = 9;
	s.have_kernel_stats = true;
	s.flow_events = 1000000;
	s.flow_events_lost = 17;
	dmet_observe(&s.latency, 0.0009765625);
	dmet_observe(&s.latency, 0.00390625);
	dmet_observe(&s.latency, 0.125);
	dmet_observe(&s.latency, 16);
	dmet_observe(&s.apply, 0.5);
	text = render(&s);
	assert_string_equal(text, expected);
	free(text);

	/* not programmed yet, no kernel statistics: those lines go */
	s.first_programmed_s = -1;
	s.have_kernel_stats = false;
	text = render(&s);
	assert_null(strstr(text, "stratad_first_programmed_seconds"));
	assert_null(strstr(text, "stratad_kernel_flow_events"));
	free(text);
}

static void test_buckets(void **state)
{
	struct dmet_hist h = { 0 };
	unsigned int i;

	/* a value on a bound is in that bucket (le: less or equal) */
	for (i = 0; i < DMET_BUCKETS; i++)
		dmet_observe(&h, dmet_bounds[i]);
	for (i = 0; i < DMET_BUCKETS; i++)
		assert_int_equal(h.buckets[i], 1);
	dmet_observe(&h, 10.000001);
	assert_int_equal(h.count, DMET_BUCKETS + 1);
	for (i = 0; i < DMET_BUCKETS; i++)
		assert_int_equal(h.buckets[i], 1);
}

/* --- a running daemon over HTTP ----------------------------------------- */

struct t {
	sd_event *loop;
	char *dir;
	struct dt_daemon d;
	struct dmetrics *m;
	unsigned int port;
	int fd;
	char *resp;
	size_t len;
	bool eof;
};

static struct t T;

static int setup(void **state)
{
	char err[256];

	memset(&T, 0, sizeof(T));
	assert_int_equal(sd_event_new(&T.loop), 0);
	T.dir = dt_tmpdir();
	dt_write(T.dir, "00-ns.yaml",
		 "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
	dt_pod(T.dir, "a", "10.65.0.1", "web");
	dt_daemon_start(&T.d, T.loop, T.dir, NULL, NULL);
	T.m = dmet_new(T.d.sync, T.d.status, T.d.k);
	assert_non_null(T.m);
	assert_int_equal(dsync_add_listener(T.d.sync, dmet_on_commit, T.m), 0);
	assert_int_equal(
		dmet_serve(T.m, T.loop, "127.0.0.1", 0, err, sizeof(err)), 0);
	T.port = dmet_bound_port(T.m);
	assert_true(T.port > 0);
	dt_daemon_settle(&T.d);
	return 0;
}

static int teardown(void **state)
{
	dmet_free(T.m);
	dt_daemon_stop(&T.d, false);
	sd_event_unref(T.loop);
	dt_rmdir(T.dir);
	free(T.resp);
	return 0;
}

static bool got_eof(void *arg)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(T.fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		T.resp = realloc(T.resp, T.len + (size_t)n + 1);
		memcpy(T.resp + T.len, buf, (size_t)n);
		T.len += (size_t)n;
		T.resp[T.len] = '\0';
	}
	return n == 0;
}

/* Send @req (in two parts if @split), return the whole response. */
static const char *http(const char *req, bool split)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	size_t half = split ? strlen(req) / 2 : strlen(req);

	free(T.resp);
	T.resp = strdup("");
	T.len = 0;
	a.sin_port = htons((uint16_t)T.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	T.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(T.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(send(T.fd, req, half, 0), (ssize_t)half);
	if (split) {
		dt_run_for(T.loop, 20);
		assert_int_equal(send(T.fd, req + half, strlen(req) - half, 0),
				 (ssize_t)(strlen(req) - half));
	}
	assert_true(dt_run_until(T.loop, got_eof, NULL, 3000));
	close(T.fd);
	return T.resp;
}

static void test_http(void **state)
{
	const char *r, *body;
	unsigned long clen;

	static const char head[] =
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: ";

	r = http("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n", false);
	assert_true(!strncmp(r, head, sizeof(head) - 1));
	assert_int_equal(sscanf(r + sizeof(head) - 1, "%lu", &clen), 1);
	body = strstr(r, "\r\n\r\n") + 4;
	assert_int_equal(strlen(body), clen);
	assert_non_null(strstr(
		r, "\r\nConnection: close\r\n\r\n# HELP stratad_programmed "));
	assert_non_null(strstr(body, "\nstratad_programmed 1\n"));
	assert_non_null(strstr(body, "\nstratad_datastore_synced 1\n"));
	assert_non_null(strstr(
		body, "\nstratad_resources{kind=\"WorkloadEndpoint\"} 1\n"));
	assert_non_null(strstr(body, "\nstratad_local_endpoints 1\n"));
	assert_non_null(strstr(body, "\nstratad_kernel_generation 1\n"));
	assert_non_null(strstr(body, "\nstratad_updates_applied_total 1\n"));
	assert_non_null(strstr(body, "\nstratad_endpoint_status_records 1\n"));
	assert_non_null(
		strstr(body, "\nstratad_kernel_flow_events_lost_total 0\n"));
	/* the first programming's changes are not latency samples */
	assert_non_null(
		strstr(body, "\nstratad_apply_latency_seconds_count 0\n"));
	assert_non_null(
		strstr(body, "\nstratad_apply_duration_seconds_count 1\n"));

	/* a change: one latency sample, a second transaction */
	dt_pod(T.dir, "b", "10.65.0.2", "api");
	dt_daemon_settle(&T.d);
	body = strstr(http("GET /metrics?x=1 HTTP/1.0\r\n\r\n", true),
		      "\r\n\r\n");
	assert_non_null(
		strstr(body, "\nstratad_apply_latency_seconds_count 1\n"));
	assert_non_null(
		strstr(body, "\nstratad_apply_duration_seconds_count 2\n"));
	assert_non_null(strstr(body, "\nstratad_local_endpoints 2\n"));

	r = http("HEAD /metrics HTTP/1.1\r\n\r\n", false);
	assert_non_null(strstr(r, "HTTP/1.1 200 OK\r\n"));
	assert_int_equal(strstr(r, "\r\n\r\n")[4], '\0');
	assert_string_equal(
		http("GET /nope HTTP/1.1\r\n\r\n", false),
		"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n");
	assert_string_equal(
		http("POST /metrics HTTP/1.1\r\n\r\n", false),
		"HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 18\r\nConnection: close\r\n\r\nonly GET and HEAD\n");
	assert_string_equal(
		http("nonsense\r\n\r\n", false),
		"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbad request\n");
	assert_string_equal(
		http("GET / HTTP/1.1\n\n", false),
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 22\r\nConnection: close\r\n\r\nstratad: see /metrics\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test_setup_teardown(test_http, setup, teardown),
	};

	dlog_init(LOG_ERR, DLOG_STDERR, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
