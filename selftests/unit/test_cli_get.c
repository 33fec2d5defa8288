// SPDX-License-Identifier: GPL-2.0
/*
 * stratactl get without -f (userspace/cli/get.c, compiled into this test
 * with apiclient.c and common.c): the resources of a running stratad, over
 * its real local API. A daemon in this process (the directory datastore
 * on a copy of examples/shop, the sync engine, the engine as kernel, the
 * API listening on a Unix socket) runs its loop in a second thread while
 * the command talks to it; what it prints must be exactly what it prints
 * for the same files (-f), in every format. Then: the request sent, the
 * daemon's errors (exit 5), a daemon that is not there (exit 3, the
 * message), $STRATAD_SOCKET, and replies that are not what they should be.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "daemon_test.h"
#include "api.h"
#include "log.h"

#include "../../userspace/cli/apiclient.c"
#include "../../userspace/cli/common.c"
#include "../../userspace/cli/get.c"

struct cli cli = { .prog = "stratactl" };

#define EXAMPLE "../../examples/shop"

static struct {
	sd_event *loop;
	char *dir, sock[256];
	struct dt_daemon d;
	struct dapi *api;
	pthread_t thread;
	atomic_bool stop;
} T;

/* -j for run_cli() */
static bool run_json;

#include "cli_run.h"

/* Run @fn with @args (NULL-terminated), -j when run_json is set; its exit
 * status, stdout, stderr. */
static int run_cli(int (*fn)(int, char **), const char *const *args, char **out,
		   char **err)
{
	return run_as(fn, args, run_json, out, err);
}

static void *loop_thread(void *arg)
{
	while (!atomic_load(&T.stop))
		sd_event_run(T.loop, 10000);
	return NULL;
}

static int setup(void **state)
{
	char cmd[512], err[256];

	memset(&T, 0, sizeof(T));
	dlog_init(LOG_ERR, DLOG_STDERR, NULL);
	assert_int_equal(sd_event_new(&T.loop), 0);
	T.dir = dt_tmpdir();
	snprintf(cmd, sizeof(cmd), "cp %s/*.yaml '%s'/", EXAMPLE, T.dir);
	assert_int_equal(system(cmd), 0);
	dt_daemon_start(&T.d, T.loop, T.dir, NULL, NULL);
	T.api = dapi_new(T.loop, T.d.sync, T.d.status, "directory");
	assert_non_null(T.api);
	assert_int_equal(dsync_add_listener(T.d.sync, dapi_on_commit, T.api),
			 0);
	snprintf(T.sock, sizeof(T.sock), "%s/run/stratad.sock", T.dir);
	assert_int_equal(dapi_listen(T.api, T.sock, err, sizeof(err)), 0);
	dt_daemon_settle(&T.d);
	/* from now on only the thread touches the loop */
	assert_int_equal(pthread_create(&T.thread, NULL, loop_thread, NULL), 0);
	unsetenv("STRATAD_SOCKET");
	return 0;
}

static int teardown(void **state)
{
	atomic_store(&T.stop, true);
	pthread_join(T.thread, NULL);
	dapi_free(T.api);
	dt_daemon_stop(&T.d, false);
	sd_event_unref(T.loop);
	dt_rmdir(T.dir);
	return 0;
}

/*
 * get ARGS... from the daemon prints exactly what get ARGS... -f EXAMPLE
 * prints, and exits the same.
 */
static void same_as_files(const char *const *args, int want_rc)
{
	const char *a[24], *b[24];
	char *out_d, *err_d, *out_f, *err_f;
	int n = 0, rc_d, rc_f;

	while (args[n]) {
		a[n] = b[n] = args[n];
		n++;
	}
	a[n] = "--socket";
	a[n + 1] = T.sock;
	a[n + 2] = NULL;
	b[n] = "-f";
	b[n + 1] = EXAMPLE;
	b[n + 2] = NULL;
	rc_d = run_cli(cmd_get, a, &out_d, &err_d);
	rc_f = run_cli(cmd_get, b, &out_f, &err_f);
	if (rc_d != want_rc || rc_f != want_rc || strcmp(out_d, out_f) ||
	    strcmp(err_d, err_f))
		fail_msg("get %s %s: daemon exit %d, files exit %d (want %d)\n"
			 "--- daemon stdout:\n%s--- files stdout:\n%s"
			 "--- daemon stderr:\n%s--- files stderr:\n%s",
			 args[0], args[1] ? args[1] : "", rc_d, rc_f, want_rc,
			 out_d, out_f, err_d, err_f);
	if (want_rc == EXIT_OK && !*out_d && !*err_d)
		fail_msg("get %s: nothing printed", args[0]);
	free(out_d);
	free(err_d);
	free(out_f);
	free(err_f);
}

static void test_same_output(void **state)
{
	static const char *const cases[][12] = {
		{ "tier", NULL },
		{ "tier", "-o", "yaml", NULL },
		{ "gnp", "-o", "wide", NULL },
		{ "gnp", "pci.cardholder-zone", "-o", "json", NULL },
		{ "gnp", "pci.cardholder-zone", "-o", "yaml", NULL },
		{ "wep", "-A", "-o", "wide", NULL },
		{ "wep", "-n", "frontend", NULL },
		{ "workloadendpoints", "-A", "-o", "json", NULL },
		{ "profile", NULL },
		{ "profile", "-o", "wide", NULL },
		{ "np", NULL },
		{ "np", "-A", NULL },
		{ "np", "knp.default.api", "-n", "backend", "-o", "yaml",
		  NULL },
		{ "netset", "-n", "backend", "-o", "yaml", NULL },
		{ "gns", "-o", "json", NULL },
		{ "hep", "-o", "yaml", NULL },
		{ "hep", "-o", "wide", NULL },
		{ "sgnp", NULL },
		{ "all", "-A", "-o", "yaml", NULL },
		{ "all", "-n", "backend", "-o", "json", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_as_files(cases[i], EXIT_OK);
}

static void test_not_found(void **state)
{
	static const char *const tier[] = { "tier", "nope", NULL };
	static const char *const np[] = { "np", "x", "-n", "db", NULL };
	const char *args[] = { "tier", "nope", "--socket", T.sock, NULL };
	char *out, *err;

	same_as_files(tier, EXIT_INVALID);
	same_as_files(np, EXIT_INVALID);
	assert_int_equal(run_cli(cmd_get, args, &out, &err), EXIT_INVALID);
	assert_string_equal(out, "");
	assert_string_equal(err, "stratactl: get: Tier \"nope\" not found\n");
	free(out);
	free(err);
}

/* -j is -o json; $STRATAD_SOCKET names the socket */
static void test_json_and_env(void **state)
{
	const char *args[] = { "tier", "default", NULL };
	const char *json[] = { "tier", "default", "-o", "json", NULL };
	char *out, *err, *out2, *err2;

	setenv("STRATAD_SOCKET", T.sock, 1);
	assert_int_equal(run_cli(cmd_get, json, &out, &err), EXIT_OK);
	assert_string_equal(err, "");
	assert_non_null(strstr(out, "\"kind\": \"Tier\""));
	run_json = true;
	assert_int_equal(run_cli(cmd_get, args, &out2, &err2), EXIT_OK);
	run_json = false;
	unsetenv("STRATAD_SOCKET");
	assert_string_equal(out2, out);
	assert_string_equal(err2, "");
	free(out);
	free(err);
	free(out2);
	free(err2);
}

/* the daemon is not there: exit 3 and why */
static void test_unreachable(void **state)
{
	const char *args[] = { "gnp", "--socket", "/nonexistent/stratad.sock",
			       NULL };
	const char *dflt[] = { "tier", NULL };
	char *out, *err, want[512];

	assert_int_equal(run_cli(cmd_get, args, &out, &err), EXIT_UNREACHABLE);
	assert_string_equal(out, "");
	assert_string_equal(
		err,
		"stratactl: stratad is not reachable at /nonexistent/stratad.sock: No such file or directory\n"
		"stratactl: get: without -f, get shows the running stratad's resources (-f PATH reads files)\n");
	free(out);
	free(err);
	/* $STRATAD_SOCKET, then the default */
	setenv("STRATAD_SOCKET", "/nonexistent/env.sock", 1);
	assert_int_equal(run_cli(cmd_get, dflt, &out, &err), EXIT_UNREACHABLE);
	assert_non_null(strstr(
		err,
		"stratactl: stratad is not reachable at /nonexistent/env.sock: "));
	free(out);
	free(err);
	unsetenv("STRATAD_SOCKET");
	if (access("/run/strata/stratad.sock", F_OK)) {
		assert_int_equal(run_cli(cmd_get, dflt, &out, &err),
				 EXIT_UNREACHABLE);
		snprintf(
			want, sizeof(want),
			"stratactl: stratad is not reachable at /run/strata/stratad.sock: %s\n",
			strerror(ENOENT));
		assert_memory_equal(err, want, strlen(want));
		free(out);
		free(err);
	}
}

#include "fake_daemon.h"

static void test_requests_and_replies(void **state)
{
	static const struct {
		const char *args[8];
		const char *reply;
		int rc;
		const char *request, *err;
	} cases[] = {
		{ { "gnp", NULL },
		  "{\"ok\":true,\"resources\":[]}\n",
		  EXIT_OK,
		  "{\"command\":\"get\",\"what\":\"resources\",\"kind\":\"GlobalNetworkPolicy\",\"namespace\":\"default\"}\n",
		  "stratactl: get: no GlobalNetworkPolicy\n" },
		{ { "wep", "-A", NULL },
		  "{\"ok\":true,\"resources\":[]}\n",
		  EXIT_OK,
		  "{\"command\":\"get\",\"what\":\"resources\",\"kind\":\"WorkloadEndpoint\"}\n",
		  "stratactl: get: no WorkloadEndpoint\n" },
		{ { "all", "-n", "shop", "-o", "yaml", NULL },
		  "{\"ok\":true,\"resources\":[]}\n",
		  EXIT_OK,
		  "{\"command\":\"get\",\"what\":\"resources\",\"namespace\":\"shop\"}\n",
		  "" },
		{ { "np", "-n", "shop", NULL },
		  "{\"ok\":true,\"resources\":[]}\n",
		  EXIT_OK,
		  "{\"command\":\"get\",\"what\":\"resources\",\"kind\":\"NetworkPolicy\",\"namespace\":\"shop\"}\n",
		  "stratactl: get: no NetworkPolicy in namespace shop\n" },
		{ { "tier", NULL },
		  "{\"ok\":false,\"error\":\"get: unknown kind \\\"Tier\\\"\"}\n",
		  EXIT_KERNEL,
		  NULL,
		  "stratactl: get: get: unknown kind \"Tier\"\n" },
		{ { "tier", NULL },
		  NULL,
		  EXIT_UNREACHABLE,
		  NULL,
		  "stratactl: stratad closed the connection\n" },
		{ { "tier", NULL },
		  "not json\n",
		  EXIT_UNREACHABLE,
		  NULL,
		  "stratactl: stratad's reply is not JSON\n" },
		{ { "tier", NULL },
		  "{\"ok\":true}\n",
		  EXIT_UNREACHABLE,
		  NULL,
		  "stratactl: get: stratad's reply has no resources\n" },
		{ { "tier", NULL },
		  "{\"ok\":true,\"resources\":[{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Tier\",\"metadata\":{\"name\":\"Bad Name\"},\"spec\":{}}]}\n",
		  EXIT_INVALID,
		  NULL,
		  NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[12];
		struct fake f;
		char *out, *err;
		int n = 0, rc;

		fake_start(&f, T.dir, cases[i].reply);
		while (cases[i].args[n]) {
			args[n] = cases[i].args[n];
			n++;
		}
		args[n++] = "--socket";
		args[n++] = f.path;
		args[n] = NULL;
		rc = run_cli(cmd_get, args, &out, &err);
		fake_stop(&f);
		if (rc != cases[i].rc ||
		    (cases[i].request && strcmp(f.request, cases[i].request)) ||
		    (cases[i].err && strcmp(err, cases[i].err)))
			fail_msg(
				"case %zu: exit %d (want %d), request %s, stderr \"%s\"",
				i, rc, cases[i].rc, f.request, err);
		if (rc == EXIT_INVALID &&
		    !strstr(err, "1 of stratad's resources do not read back"))
			fail_msg("case %zu: stderr \"%s\"", i, err);
		free(out);
		free(err);
	}
}

static void test_usage(void **state)
{
	const char *both[] = { "gnp", "-f", EXAMPLE, "--socket", T.sock, NULL };
	const char *nosock[] = { "gnp", "--socket", NULL };
	char *out, *err;

	assert_int_equal(run_cli(cmd_get, both, &out, &err), EXIT_USAGE);
	assert_memory_equal(
		err,
		"stratactl: -f reads files and --socket the daemon: give one\n",
		60);
	free(out);
	free(err);
	assert_int_equal(run_cli(cmd_get, nosock, &out, &err), EXIT_USAGE);
	assert_memory_equal(err, "stratactl: --socket needs an argument\n", 38);
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_output),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_json_and_env),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_requests_and_replies),
		cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests_name("cli_get", tests, setup, teardown);
}
