// SPDX-License-Identifier: GPL-2.0
/*
 * stratactl apply and delete (userspace/cli/apply.c, compiled into this
 * test with apiclient.c and common.c) against a real stratad in this
 * process: the directory datastore, the sync engine, the engine as
 * kernel and the local API on a Unix socket, its loop running in a second
 * thread while the command talks to it. apply writes one file per object
 * into the directory the daemon's status names and returns once the
 * daemon has programmed them (the daemon's own status says so right
 * after); again: unchanged; a changed object: configured; delete: the
 * files go, not found is exit 5 unless --ignore-not-found; -j. Then what
 * must write nothing: invalid manifests, objects a hand-written file
 * defines, an unreachable daemon. A stand-in daemon gives the replies a
 * real one gives rarely: an error reply to the status request is exit 5
 * (the daemon said no, as for get), not 3; a datastore that is not a
 * directory; a wait that timed out; a closed connection.
 */
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "daemon_test.h"
#include "api.h"
#include "log.h"

#include "../../userspace/cli/apiclient.c"
#include "../../userspace/cli/common.c"
#include "../../userspace/cli/apply.c"

struct cli cli = { .prog = "stratactl" };

static struct {
	sd_event *loop;
	char *top; /* the test's directory */
	char res[256]; /* the datastore's directory */
	char sock[256]; /* the API */
	char manifest[256]; /* what is applied (outside res) */
	struct dt_daemon d;
	struct dapi *api;
	pthread_t thread;
	atomic_bool stop;
} T;

static const char MANIFEST[] =
	"apiVersion: projectcalico.org/v3\n"
	"kind: Tier\n"
	"metadata: {name: security}\n"
	"spec: {order: 100}\n"
	"---\n"
	"apiVersion: projectcalico.org/v3\n"
	"kind: GlobalNetworkPolicy\n"
	"metadata: {name: security.web}\n"
	"spec:\n"
	"  tier: security\n"
	"  selector: app == 'web'\n"
	"  ingress: [{action: Allow, protocol: TCP, destination: {ports: [80]}}]\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\n"
	"kind: NetworkPolicy\n"
	"metadata: {name: api, namespace: shop}\n"
	"spec:\n"
	"  podSelector: {matchLabels: {app: api}}\n"
	"  policyTypes: [Ingress]\n";

static const char TIER_FILE[] = "tier.projectcalico.org_security.json";
static const char GNP_FILE[] =
	"globalnetworkpolicy.projectcalico.org_security.web.json";
static const char KNP_FILE[] = "networkpolicy.networking.k8s.io_shop_api.json";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* -j for run_cli() */
#include "cli_run.h"

static bool run_json;

/*
 * Run @fn with @args (NULL-terminated) and, when @sock is given, "--socket
 * @sock" after them; its exit status, stdout, stderr.
 */
static int run_cli(int (*fn)(int, char **), const char *const *args,
		   const char *sock, char **out, char **err)
{
	const char *argv[32];
	int argc = 0;

	while (args[argc]) {
		assert_true(argc < 29);
		argv[argc] = args[argc];
		argc++;
	}
	if (sock) {
		argv[argc++] = "--socket";
		argv[argc++] = sock;
	}
	argv[argc] = NULL;
	return run_as(fn, argv, run_json, out, err);
}

/* The names of the files in @dir, sorted, one a line (hidden ones too). */
static char *listing(const char *dir)
{
	struct dirent **ents;
	char *s = calloc(1, 1), *t;
	int n, i;

	assert_non_null(s);
	n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") &&
		    strcmp(ents[i]->d_name, "..")) {
			assert_true(asprintf(&t, "%s%s\n", s, ents[i]->d_name) >
				    0);
			free(s);
			s = t;
		}
		free(ents[i]);
	}
	free(ents);
	return s;
}

static void *loop_thread(void *arg)
{
	while (!atomic_load(&T.stop))
		sd_event_run(T.loop, 10000);
	return NULL;
}

static int setup(void **state)
{
	char err[256];

	memset(&T, 0, sizeof(T));
	dlog_init(LOG_ERR, DLOG_STDERR, NULL);
	assert_int_equal(sd_event_new(&T.loop), 0);
	T.top = dt_tmpdir();
	snprintf(T.res, sizeof(T.res), "%s/res", T.top);
	snprintf(T.sock, sizeof(T.sock), "%s/run/stratad.sock", T.top);
	snprintf(T.manifest, sizeof(T.manifest), "%s/policy.yaml", T.top);
	assert_int_equal(mkdir(T.res, 0755), 0);
	dt_pod(T.res, "web-0", "10.65.0.10", "web");
	dt_pod(T.res, "api-0", "10.65.0.20", "api");
	write_file(T.manifest, MANIFEST);
	dt_daemon_start(&T.d, T.loop, T.res, NULL, NULL);
	T.api = dapi_new(T.loop, T.d.sync, T.d.status, "directory");
	assert_non_null(T.api);
	dapi_set_directory(T.api, T.res);
	assert_int_equal(dsync_add_listener(T.d.sync, dapi_on_commit, T.api),
			 0);
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
	dt_rmdir(T.top);
	return 0;
}

/* The daemon's status reply, asked as any client asks. */
static struct json_object *daemon_status(void)
{
	struct json_object *req = json_object_new_object(), *rep;
	int fd;

	json_object_object_add(req, "command",
			       json_object_new_string("status"));
	assert_int_equal(cli_api_connect(T.sock, &fd), EXIT_OK);
	assert_int_equal(cli_api_call(fd, req, 10000, &rep), EXIT_OK);
	close(fd);
	json_object_put(req);
	assert_true(cli_api_ok(rep, NULL));
	return rep;
}

static int64_t status_int(struct json_object *st, const char *path)
{
	struct json_object *v = cli_api_get(st, path);

	return v ? json_object_get_int64(v) : -1;
}

/*
 * @out ends with "programmed: generation G (waited N ms)\n", after
 * @lines; right after it returned, the daemon has read everything and
 * programmed it, at generation G. The status reply is returned.
 */
static struct json_object *check_programmed(const char *out, const char *lines)
{
	struct json_object *st = daemon_status();
	size_t n = strlen(lines);
	regex_t re;
	regmatch_t m[2];
	long long gen;

	if (strncmp(out, lines, n))
		fail_msg("stdout:\n%sexpected first:\n%s", out, lines);
	assert_int_equal(regcomp(&re,
				 "^programmed: generation ([0-9]+) "
				 "\\(waited [0-9]+ ms\\)\n$",
				 REG_EXTENDED),
			 0);
	if (regexec(&re, out + n, 2, m, 0))
		fail_msg("stdout:\n%s", out);
	regfree(&re);
	gen = strtoll(out + n + m[1].rm_so, NULL, 10);
	assert_string_equal(json_object_get_string(cli_api_get(st, "phase")),
			    "programmed");
	assert_int_equal(status_int(st, "generation"), gen);
	assert_int_equal(status_int(st, "programmedSequence"),
			 status_int(st, "inputSequence"));
	return st;
}

static void test_apply_delete(void **state)
{
	const char *apply[] = { "-f", T.manifest, NULL };
	const char *del[] = { "-f", T.manifest, NULL };
	const char *del_ignore[] = { T.manifest, "--ignore-not-found", NULL };
	const char *created =
		"tier.projectcalico.org/security created\n"
		"globalnetworkpolicy.projectcalico.org/security.web created\n"
		"networkpolicy.networking.k8s.io/api created\n";
	char *out, *err, *files, path[512], want[512];
	struct json_object *st;

	/* created, and programmed when apply returns */
	assert_int_equal(run_cli(cmd_apply, apply, T.sock, &out, &err),
			 EXIT_OK);
	assert_string_equal(err, "");
	st = check_programmed(out, created);
	assert_int_equal(status_int(st, "resources.Tier"), 4);
	assert_int_equal(status_int(st, "resources.GlobalNetworkPolicy"), 1);
	assert_int_equal(status_int(st, "resources.NetworkPolicy"), 1);
	assert_int_equal(status_int(st, "activePolicies"), 2);
	json_object_put(st);
	free(out);
	free(err);
	files = listing(T.res);
	snprintf(want, sizeof(want),
		 "%s\n%s\npod-api-0.yaml\npod-web-0.yaml\n%s\n", GNP_FILE,
		 KNP_FILE, TIER_FILE);
	assert_string_equal(files, want);
	free(files);
	snprintf(path, sizeof(path), "%s/%s", T.res, TIER_FILE);
	out = slurp(path);
	assert_string_equal(out, "{\n"
				 "  \"apiVersion\": \"projectcalico.org/v3\",\n"
				 "  \"kind\": \"Tier\",\n"
				 "  \"metadata\": {\n"
				 "    \"name\": \"security\"\n"
				 "  },\n"
				 "  \"spec\": {\n"
				 "    \"order\": 100\n"
				 "  }\n"
				 "}\n");
	free(out);
	/* the namespace is written as the daemon reads it */
	snprintf(path, sizeof(path), "%s/%s", T.res, KNP_FILE);
	out = slurp(path);
	assert_non_null(strstr(out, "\"namespace\": \"shop\""));
	free(out);

	/* again: nothing changes, nothing is written */
	assert_int_equal(run_cli(cmd_apply, apply, T.sock, &out, &err),
			 EXIT_OK);
	assert_string_equal(err, "");
	json_object_put(check_programmed(
		out,
		"tier.projectcalico.org/security unchanged\n"
		"globalnetworkpolicy.projectcalico.org/security.web unchanged\n"
		"networkpolicy.networking.k8s.io/api unchanged\n"));
	free(out);
	free(err);

	/* one object changed: configured, and programmed */
	write_file(T.manifest, "apiVersion: projectcalico.org/v3\n"
			       "kind: Tier\n"
			       "metadata: {name: security}\n"
			       "spec: {order: 200}\n");
	assert_int_equal(run_cli(cmd_apply, apply, T.sock, &out, &err),
			 EXIT_OK);
	assert_string_equal(err, "");
	json_object_put(check_programmed(
		out, "tier.projectcalico.org/security configured\n"));
	free(out);
	free(err);
	snprintf(path, sizeof(path), "%s/%s", T.res, TIER_FILE);
	out = slurp(path);
	assert_non_null(strstr(out, "\"order\": 200"));
	free(out);

	/* delete: the files go, and that is programmed */
	write_file(T.manifest, MANIFEST);
	assert_int_equal(run_cli(cmd_delete, del, T.sock, &out, &err), EXIT_OK);
	assert_string_equal(err, "");
	st = check_programmed(
		out,
		"tier.projectcalico.org/security deleted\n"
		"globalnetworkpolicy.projectcalico.org/security.web deleted\n"
		"networkpolicy.networking.k8s.io/api deleted\n");
	assert_int_equal(status_int(st, "resources.Tier"), 3);
	assert_int_equal(status_int(st, "resources.GlobalNetworkPolicy"), 0);
	assert_int_equal(status_int(st, "resources.NetworkPolicy"), 0);
	json_object_put(st);
	free(out);
	free(err);
	files = listing(T.res);
	assert_string_equal(files, "pod-api-0.yaml\npod-web-0.yaml\n");
	free(files);

	/* again: not found is exit 5, unless --ignore-not-found */
	assert_int_equal(run_cli(cmd_delete, del, T.sock, &out, &err),
			 EXIT_KERNEL);
	snprintf(want, sizeof(want),
		 "stratactl: delete: 3 objects not found in %s\n", T.res);
	assert_string_equal(err, want);
	json_object_put(check_programmed(
		out,
		"tier.projectcalico.org/security not found\n"
		"globalnetworkpolicy.projectcalico.org/security.web not found\n"
		"networkpolicy.networking.k8s.io/api not found\n"));
	free(out);
	free(err);
	assert_int_equal(run_cli(cmd_delete, del_ignore, T.sock, &out, &err),
			 EXIT_OK);
	assert_string_equal(err, "");
	json_object_put(check_programmed(
		out,
		"tier.projectcalico.org/security not found\n"
		"globalnetworkpolicy.projectcalico.org/security.web not found\n"
		"networkpolicy.networking.k8s.io/api not found\n"));
	free(out);
	free(err);
}

/* -j: the objects with their files and actions, the generation */
static void test_json(void **state)
{
	const char *apply[] = { T.manifest, NULL };
	struct json_object *o, *objs, *e, *st;
	char *out, *err;

	write_file(T.manifest, "apiVersion: projectcalico.org/v3\n"
			       "kind: NetworkSet\n"
			       "metadata: {name: office}\n"
			       "spec: {nets: [192.0.2.0/24]}\n");
	run_json = true;
	assert_int_equal(run_cli(cmd_apply, apply, T.sock, &out, &err),
			 EXIT_OK);
	run_json = false;
	assert_string_equal(err, "");
	st = daemon_status();
	o = json_tokener_parse(out);
	assert_non_null(o);
	objs = cli_api_get(o, "objects");
	assert_non_null(objs);
	assert_int_equal(json_object_array_length(objs), 1);
	e = json_object_array_get_idx(objs, 0);
	assert_string_equal(
		json_object_to_json_string_ext(
			e, JSON_C_TO_STRING_PLAIN |
				   JSON_C_TO_STRING_NOSLASHESCAPE),
		"{\"apiVersion\":\"projectcalico.org/v3\","
		"\"kind\":\"NetworkSet\",\"namespace\":\"default\","
		"\"name\":\"office\","
		"\"file\":\"networkset.projectcalico.org_default_office.json\","
		"\"action\":\"created\"}");
	assert_int_equal(status_int(o, "generation"),
			 status_int(st, "generation"));
	assert_true(status_int(o, "waitedMs") >= 0);
	assert_int_equal(status_int(st, "resources.NetworkSet"), 1);
	json_object_put(o);
	json_object_put(st);
	free(out);
	free(err);
	run_json = true;
	assert_int_equal(run_cli(cmd_delete, apply, T.sock, &out, &err),
			 EXIT_OK);
	run_json = false;
	assert_non_null(strstr(out, "\"action\":\"deleted\""));
	free(out);
	free(err);
	write_file(T.manifest, MANIFEST);
}

/* what must write nothing */
static void test_nothing_written(void **state)
{
	const char *apply[] = { "-f", T.manifest, NULL };
	const char *gone[] = { "-f", T.manifest, "--socket",
			       "/nonexistent/stratad.sock", NULL };
	char *before, *after, *out, *err, bad[300], want[1024];

	before = listing(T.res);

	/* an invalid object: exit 2, nothing written */
	snprintf(bad, sizeof(bad), "%s/bad.yaml", T.top);
	write_file(bad, "apiVersion: projectcalico.org/v3\n"
			"kind: GlobalNetworkSet\n"
			"metadata: {name: ok}\n"
			"spec: {nets: [10.0.0.0/8]}\n"
			"---\n"
			"apiVersion: projectcalico.org/v3\n"
			"kind: GlobalNetworkSet\n"
			"metadata: {name: Bad}\n"
			"spec: {nets: [10.0.0.0/8]}\n");
	{
		const char *args[] = { "-f", bad, NULL };

		assert_int_equal(run_cli(cmd_apply, args, T.sock, &out, &err),
				 EXIT_INVALID);
	}
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "bad.yaml:8:"));
	assert_non_null(strstr(
		err, "stratactl: apply: 1 error: nothing was written\n"));
	free(out);
	free(err);

	/* an object a hand-written file defines: that file is the daemon's */
	write_file(
		bad,
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata: {name: web-0, namespace: shop}\n"
		"spec: {nodeName: node-1, containers: [{name: c, image: x}]}\n");
	{
		const char *args[] = { bad, NULL };

		assert_int_equal(run_cli(cmd_apply, args, T.sock, &out, &err),
				 EXIT_INVALID);
	}
	snprintf(
		want, sizeof(want),
		"stratactl: Pod shop/web-0 is defined in %s/pod-web-0.yaml, which stratactl apply does not manage: change that file\n"
		"stratactl: apply: nothing was written\n",
		T.res);
	assert_string_equal(err, want);
	assert_string_equal(out, "");
	free(out);
	free(err);

	/* no daemon: exit 3 */
	assert_int_equal(run_cli(cmd_apply, gone, NULL, &out, &err),
			 EXIT_UNREACHABLE);
	assert_string_equal(
		err,
		"stratactl: stratad is not reachable at /nonexistent/stratad.sock: No such file or directory\n");
	assert_string_equal(out, "");
	free(out);
	free(err);
	/* $STRATAD_SOCKET names it */
	setenv("STRATAD_SOCKET", "/nonexistent/env.sock", 1);
	assert_int_equal(run_cli(cmd_apply, apply, NULL, &out, &err),
			 EXIT_UNREACHABLE);
	unsetenv("STRATAD_SOCKET");
	assert_string_equal(
		err,
		"stratactl: stratad is not reachable at /nonexistent/env.sock: No such file or directory\n");
	free(out);
	free(err);

	after = listing(T.res);
	assert_string_equal(after, before);
	free(before);
	free(after);
	unlink(bad);
}

/* --dir and --no-wait: no daemon is needed */
static void test_dir_no_wait(void **state)
{
	char dir[300], *out, *err, *files;
	const char *args[] = { "-f",
			       T.manifest,
			       "--dir",
			       dir,
			       "--no-wait",
			       "--socket",
			       "/nonexistent/stratad.sock",
			       NULL };

	snprintf(dir, sizeof(dir), "%s/other", T.top);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(run_cli(cmd_apply, args, NULL, &out, &err), EXIT_OK);
	assert_string_equal(err, "");
	assert_string_equal(
		out,
		"tier.projectcalico.org/security created\n"
		"globalnetworkpolicy.projectcalico.org/security.web created\n"
		"networkpolicy.networking.k8s.io/api created\n");
	free(out);
	free(err);
	files = listing(dir);
	assert_string_equal(
		files,
		"globalnetworkpolicy.projectcalico.org_security.web.json\n"
		"networkpolicy.networking.k8s.io_shop_api.json\n"
		"tier.projectcalico.org_security.json\n");
	free(files);
	assert_int_equal(run_cli(cmd_delete, args, NULL, &out, &err), EXIT_OK);
	assert_string_equal(
		out,
		"tier.projectcalico.org/security deleted\n"
		"globalnetworkpolicy.projectcalico.org/security.web deleted\n"
		"networkpolicy.networking.k8s.io/api deleted\n");
	free(out);
	free(err);
	files = listing(dir);
	assert_string_equal(files, "");
	free(files);
	assert_int_equal(rmdir(dir), 0);
}

#include "fake_daemon.h"

static void test_replies(void **state)
{
	static const struct {
		bool del, dir; /* delete; --dir (no status request) */
		const char *reply;
		int rc;
		const char *request, *err;
	} cases[] = {
		/* the daemon says no: 5, as get (was 3, "unreachable") */
		{ false, false,
		  "{\"ok\":false,\"error\":\"permission denied: the local API is for root\"}\n",
		  EXIT_KERNEL, "{\"command\":\"status\"}\n",
		  "stratactl: status: permission denied: the local API is for root\n" },
		{ true, false, "{\"ok\":false}\n", EXIT_KERNEL,
		  "{\"command\":\"status\"}\n", "stratactl: status: failed\n" },
		{ false, false,
		  "{\"ok\":true,\"datastore\":{\"type\":\"kubernetes\"}}\n",
		  EXIT_KERNEL, "{\"command\":\"status\"}\n",
		  "stratactl: stratad reads the kubernetes datastore, not a directory: change the resources there\n" },
		/* the transport fails: 3 */
		{ false, false, NULL, EXIT_UNREACHABLE,
		  "{\"command\":\"status\"}\n",
		  "stratactl: stratad closed the connection\n" },
		{ true, false, "status\n", EXIT_UNREACHABLE,
		  "{\"command\":\"status\"}\n",
		  "stratactl: stratad's reply is not JSON\n" },
		/* with --dir the first request is the wait */
		{ false, true,
		  "{\"ok\":false,\"error\":\"timed out after 30000 ms: failing: ENOSPC\"}\n",
		  EXIT_KERNEL, "{\"command\":\"wait\",\"timeoutMs\":30000}\n",
		  "stratactl: waiting for stratad to program the change: timed out after 30000 ms: failing: ENOSPC\n" },
	};
	char dir[300];
	size_t i;

	snprintf(dir, sizeof(dir), "%s/other", T.top);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[] = { "-f", T.manifest, NULL, NULL, NULL };
		char *out, *err, *files;
		struct fake f;
		int rc;

		assert_int_equal(mkdir(dir, 0755), 0);
		if (cases[i].dir) {
			args[2] = "--dir";
			args[3] = dir;
		}
		fake_start(&f, T.top, cases[i].reply);
		rc = run_cli(cases[i].del ? cmd_delete : cmd_apply, args,
			     f.path, &out, &err);
		fake_stop(&f);
		if (rc != cases[i].rc || strcmp(f.request, cases[i].request) ||
		    strcmp(err, cases[i].err))
			fail_msg(
				"case %zu: exit %d (want %d), request %s, stderr \"%s\"",
				i, rc, cases[i].rc, f.request, err);
		files = listing(dir);
		/* only a wait can fail after writing */
		assert_string_equal(
			files,
			cases[i].dir
				? "globalnetworkpolicy.projectcalico.org_security.web.json\n"
				  "networkpolicy.networking.k8s.io_shop_api.json\n"
				  "tier.projectcalico.org_security.json\n"
				: "");
		free(files);
		free(out);
		free(err);
		dt_rmdir(strdup(dir));
	}
}

static void test_usage(void **state)
{
	static const struct {
		bool del;
		const char *args[6];
		const char *err;
	} cases[] = {
		{ false,
		  { NULL },
		  "stratactl: at least one -f PATH is needed\n" },
		{ false, { "-f", NULL }, "stratactl: -f needs a path\n" },
		{ false,
		  { "x.yaml", "--timeout", "0", NULL },
		  "stratactl: --timeout takes 1 to 3600 seconds\n" },
		{ false,
		  { "x.yaml", "--timeout", "3601", NULL },
		  "stratactl: --timeout takes 1 to 3600 seconds\n" },
		{ false,
		  { "x.yaml", "--ignore-not-found", NULL },
		  "stratactl: unknown option \"--ignore-not-found\"\n" },
		{ true,
		  { "x.yaml", "--socket", NULL },
		  "stratactl: --socket needs a value\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err, first[256];
		size_t len;
		int rc;

		rc = run_cli(cases[i].del ? cmd_delete : cmd_apply,
			     cases[i].args, NULL, &out, &err);
		len = strcspn(err, "\n") + 1;
		snprintf(first, sizeof(first), "%.*s", (int)len, err);
		if (rc != EXIT_USAGE || strcmp(first, cases[i].err) ||
		    strncmp(err + len, "Usage: stratactl ", 17) || *out)
			fail_msg("case %zu: exit %d, stderr \"%s\"", i, rc,
				 err);
		free(out);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_delete),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_nothing_written),
		cmocka_unit_test(test_dir_no_wait),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests_name("cli_apply", tests, setup, teardown);
}
