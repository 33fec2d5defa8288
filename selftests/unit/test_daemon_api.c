// SPDX-License-Identifier: GPL-2.0
/*
 * The local API (daemon/api.c) over a socketpair, in front of a daemon in
 * one process (directory datastore, sync engine, the engine as kernel):
 * every command, exact error replies, ids, pipelined requests answered in
 * order, waits that complete on programming (by sequence, by generation,
 * after draining the directory), waits that time out while the kernel
 * refuses, endpoint acknowledgements with and without waiting, and the
 * size limit.
 */
#include <sys/socket.h>
#include "daemon_test.h"
#include "api.h"
#include "log.h"

struct t {
	sd_event *loop;
	char *dir;
	struct dt_daemon d;
	struct dapi *api;
	int fd; /* the client's end */
	char buf[1 << 16];
	size_t len;
};

static struct t T;

static int setup(void **state)
{
	int sv[2];

	memset(&T, 0, sizeof(T));
	assert_int_equal(sd_event_new(&T.loop), 0);
	T.dir = dt_tmpdir();
	dt_write(T.dir, "00-ns.yaml",
		 "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
	dt_pod(T.dir, "a", "10.65.0.1", "web");
	dt_daemon_start(&T.d, T.loop, T.dir, NULL, NULL);
	T.api = dapi_new(T.loop, T.d.sync, T.d.status, "directory");
	assert_non_null(T.api);
	dapi_set_directory(T.api, T.dir);
	assert_int_equal(dsync_add_listener(T.d.sync, dapi_on_commit, T.api),
			 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	assert_int_equal(dapi_serve_fd(T.api, sv[0]), 0);
	T.fd = sv[1];
	dt_daemon_settle(&T.d);
	return 0;
}

static int teardown(void **state)
{
	close(T.fd);
	dapi_free(T.api);
	dt_daemon_stop(&T.d, false);
	sd_event_unref(T.loop);
	dt_rmdir(T.dir);
	return 0;
}

static void send_text(const char *s)
{
	assert_int_equal(send(T.fd, s, strlen(s), MSG_NOSIGNAL),
			 (ssize_t)strlen(s));
}

static bool have_line(void *arg)
{
	ssize_t n = recv(T.fd, T.buf + T.len, sizeof(T.buf) - 1 - T.len,
			 MSG_DONTWAIT);

	if (n > 0)
		T.len += (size_t)n;
	T.buf[T.len] = '\0';
	return memchr(T.buf, '\n', T.len) != NULL;
}

/* The next reply line (malloc()ed), within @ms. */
static char *reply_within(unsigned int ms)
{
	char *nl, *line;

	if (!dt_run_until(T.loop, have_line, NULL, ms))
		return NULL;
	nl = memchr(T.buf, '\n', T.len);
	line = strndup(T.buf, (size_t)(nl - T.buf));
	memmove(T.buf, nl + 1, T.len - (size_t)(nl - T.buf) - 1);
	T.len -= (size_t)(nl - T.buf) + 1;
	return line;
}

static char *reply(void)
{
	char *l = reply_within(3000);

	if (!l)
		fail_msg("no reply");
	return l;
}

#define assert_reply(want)                                                   \
	do {                                                                 \
		char *got_ = reply();                                        \
		if (strcmp(got_, (want)))                                    \
			fail_msg("reply:\n%s\nexpected:\n%s", got_, (want)); \
		free(got_);                                                  \
	} while (0)

#define assert_reply_prefix(want)                                            \
	do {                                                                 \
		char *got_ = reply();                                        \
		if (strncmp(got_, (want), strlen(want)))                     \
			fail_msg("reply:\n%s\nexpected to start:\n%s", got_, \
				 (want));                                    \
		free(got_);                                                  \
	} while (0)

static void test_errors(void **state)
{
	send_text("not json\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"a request is one JSON object per line\"}");
	send_text("[1,2]\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"a request is one JSON object per line\"}");
	send_text("{\"id\":3}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"\\\"command\\\" is missing (status, get, wait, endpoint or resync)\",\"id\":3}");
	send_text("{\"command\":\"fly\",\"id\":\"x\"}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"unknown command \\\"fly\\\" (status, get, wait, endpoint or resync)\",\"id\":\"x\"}");
	send_text("{\"command\":\"wait\",\"timeoutMs\":-1}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"timeoutMs must be a number of milliseconds up to 3600000\"}");
	send_text("{\"command\":\"wait\",\"sequence\":\"7\"}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"wait: \\\"sequence\\\" must be a non-negative integer\"}");
	send_text("{\"command\":\"get\"}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"get: \\\"what\\\" is missing (resources, desired or endpoints)\"}");
	send_text("{\"command\":\"get\",\"what\":\"gossip\"}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"get: unknown \\\"what\\\": \\\"gossip\\\" (resources, desired or endpoints)\"}");
	send_text(
		"{\"command\":\"get\",\"what\":\"resources\",\"kind\":\"pod\"}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"get: unknown kind \\\"pod\\\"\"}");
	send_text("{\"command\":\"endpoint\"}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"endpoint: \\\"endpoint\\\" is missing (pod:NAMESPACE/POD, NAMESPACE/POD, ...)\"}");
	send_text("{\"command\":\"endpoint\",\"endpoint\":\"shop/zz\"}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"endpoint shop/zz is not programmed\"}");
}

static void test_status_and_get(void **state)
{
	char want[1024];

	send_text("{\"command\":\"status\",\"id\":[1]}\n");
	snprintf(
		want, sizeof(want),
		"{\"ok\":true,\"node\":\"node-1\",\"phase\":\"programmed\",\"datastore\":{\"type\":\"directory\",\"directory\":\"%s\",\"connected\":true,\"synced\":true,\"message\":\"reading the directory\",\"events\":2,\"resyncs\":0,\"errors\":0,\"malformed\":0,\"reconnects\":0},\"inputSequence\":2,\"programmedSequence\":2,\"generation\":1,\"commits\":1,",
		T.dir);
	assert_reply_prefix(want);
	/* the id comes last */
	send_text("{\"command\":\"status\",\"id\":[1]}\n");
	{
		char *r = reply();

		assert_non_null(strstr(
			r,
			"\"resources\":{\"Tier\":3,\"GlobalNetworkPolicy\":0,"));
		assert_non_null(strstr(
			r,
			"\"Profile\":2,\"HostEndpoint\":0,\"WorkloadEndpoint\":1,"));
		assert_non_null(strstr(r, "\"localEndpoints\":1,"));
		assert_non_null(strstr(
			r, "\"endpointStatusRecords\":1,\"problems\":[],"));
		assert_non_null(strstr(r, "\"version\":\"" STRATA_CLI_VERSION
					  "\",\"id\":[1]}"));
		free(r);
	}
	send_text(
		"{\"command\":\"get\",\"what\":\"resources\",\"kind\":\"wep\",\"namespace\":\"shop\"}\n");
	assert_reply_prefix(
		"{\"ok\":true,\"resources\":[{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"WorkloadEndpoint\",\"metadata\":{\"name\":\"node--1-k8s-a-eth0\",\"namespace\":\"shop\",");
	send_text(
		"{\"command\":\"get\",\"what\":\"resources\",\"kind\":\"wep\",\"namespace\":\"other\"}\n");
	assert_reply("{\"ok\":true,\"resources\":[]}");
	send_text("{\"command\":\"get\",\"what\":\"desired\"}\n");
	assert_reply_prefix("{\"ok\":true,\"desired\":{");
	send_text("{\"command\":\"get\",\"what\":\"endpoints\"}\n");
	assert_reply_prefix(
		"{\"ok\":true,\"endpoints\":[{\"endpoint\":\"pod:shop/a\",\"kind\":\"WorkloadEndpoint\",\"namespace\":\"shop\",\"name\":\"node--1-k8s-a-eth0\",\"pod\":\"a\",\"interface\":\"cali");
	send_text("{\"command\":\"resync\"}\n");
	assert_reply("{\"ok\":true}");
}

static void test_wait(void **state)
{
	char *r;

	/* nothing pending: at once */
	send_text("{\"command\":\"wait\"}\n");
	r = reply();
	assert_non_null(strstr(
		r,
		"{\"ok\":true,\"sequence\":2,\"programmedSequence\":2,\"generation\":1,\"waitedMs\":"));
	free(r);
	/* a file renamed into place, then the request: it is covered */
	dt_pod(T.dir, "b", "10.65.0.2", "api");
	send_text("{\"command\":\"wait\",\"id\":9}\n");
	r = reply();
	assert_non_null(strstr(
		r,
		"{\"ok\":true,\"sequence\":3,\"programmedSequence\":3,\"generation\":2,"));
	assert_non_null(strstr(r, ",\"id\":9}"));
	free(r);
	assert_non_null(dstatus_find(T.d.status, "shop/b"));
	/* by generation */
	send_text("{\"command\":\"wait\",\"generation\":2}\n");
	assert_reply_prefix(
		"{\"ok\":true,\"programmedSequence\":3,\"generation\":2,");
	send_text(
		"{\"command\":\"wait\",\"generation\":3,\"timeoutMs\":300}\n");
	dt_pod(T.dir, "c", "10.65.0.3", "api");
	dsync_drain(T.d.sync);
	assert_reply_prefix(
		"{\"ok\":true,\"programmedSequence\":4,\"generation\":3,");
}

static void test_wait_timeout(void **state)
{
	dkern_engine_fail(T.d.k, 1000, -ENOSPC, false);
	dt_pod(T.dir, "b", "10.65.0.2", "api");
	send_text("{\"command\":\"wait\",\"timeoutMs\":300}\n");
	assert_reply_prefix(
		"{\"ok\":false,\"error\":\"timed out after 300 ms: failing: applying the changes: injected failure\",\"phase\":\"failing\",\"lastError\":\"applying the changes: injected failure\",\"sequence\":3,\"programmedSequence\":2,\"generation\":1,\"waitedMs\":");
	/* the kernel accepts again: the next wait completes */
	dkern_engine_fail(T.d.k, 0, 0, false);
	send_text("{\"command\":\"wait\",\"sequence\":3}\n");
	assert_reply_prefix(
		"{\"ok\":true,\"sequence\":3,\"programmedSequence\":3,\"generation\":2,");
}

static void test_endpoint_wait(void **state)
{
	char *r;

	send_text("{\"command\":\"endpoint\",\"endpoint\":\"pod:shop/a\"}\n");
	assert_reply_prefix(
		"{\"ok\":true,\"status\":{\"endpoint\":\"pod:shop/a\",");
	/* a waiting request holds the ones after it */
	send_text(
		"{\"command\":\"endpoint\",\"endpoint\":\"shop/b\",\"wait\":true,\"id\":1}\n"
		"{\"command\":\"status\",\"id\":2}\n");
	assert_null(reply_within(200));
	dt_pod(T.dir, "b", "10.65.0.2", "api");
	r = reply();
	assert_non_null(strstr(
		r, "{\"ok\":true,\"status\":{\"endpoint\":\"pod:shop/b\","));
	assert_non_null(
		strstr(r, "\"status\":\"programmed\",\"generation\":2,"));
	assert_non_null(strstr(r, "},\"id\":1}"));
	free(r);
	r = reply();
	assert_non_null(strstr(r, ",\"id\":2}"));
	free(r);
	send_text(
		"{\"command\":\"endpoint\",\"endpoint\":\"shop/zz\",\"wait\":true,\"timeoutMs\":100}\n");
	assert_reply(
		"{\"ok\":false,\"error\":\"timed out after 100 ms: endpoint shop/zz is not programmed\"}");
}

static void test_pipelined_and_eof(void **state)
{
	send_text(
		"{\"command\":\"resync\",\"id\":1}\n{\"command\":\"resync\",\"id\":2}\n{\"command\":\"resync\",\"id\":3}");
	shutdown(T.fd, SHUT_WR);
	assert_reply("{\"ok\":true,\"id\":1}");
	assert_reply("{\"ok\":true,\"id\":2}");
	/* the last one had no newline: answered at end of input */
	assert_reply("{\"ok\":true,\"id\":3}");
}

static void test_too_large(void **state)
{
	size_t n = DAPI_MAX_REQUEST + 8192, off = 0;
	char *big = malloc(n);

	memset(big, ' ', n);
	/* the server may close before it has read everything */
	while (off < n) {
		ssize_t w = send(T.fd, big + off, n - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w > 0)
			off += (size_t)w;
		else if (errno == EAGAIN)
			dt_run_for(T.loop, 1);
		else
			break;
	}
	free(big);
	assert_reply(
		"{\"ok\":false,\"error\":\"a request is larger than 1048576 bytes\"}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_and_get, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_timeout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_endpoint_wait, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pipelined_and_eof, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup,
						teardown),
	};

	dlog_init(LOG_CRIT, DLOG_STDERR, NULL); /* the failures are expected */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
