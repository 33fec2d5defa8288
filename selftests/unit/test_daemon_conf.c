// SPDX-License-Identifier: GPL-2.0
/*
 * stratad's configuration (daemon/conf.c): every default as
 * --print-config writes it, a file with comments, quotes, durations and
 * booleans, -o overrides, FelixConfiguration keys, exact messages for
 * every kind of mistake (with file and line), the cross-key checks, and
 * the log's level names and journal format.
 */
#include "daemon_test.h"
#include "conf.h"
#include "log.h"

static char *printed(const struct dconf *c)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	dconf_print(c, f);
	fclose(f);
	return s;
}

static const char defaults[] =
	"node_name = node-7\n"
	"datastore = directory\n"
	"log_level = info\n"
	"log_target = auto\n"
	"directory = /etc/strata/resources.d\n"
	"kubeconfig = \"\"\n"
	"kube_context = \"\"\n"
	"kube_page_size = 500\n"
	"kube_watch_timeout = 5min\n"
	"kube_http1 = false\n"
	"kube_consistent_list = false\n"
	"etcd_endpoints = \"\"\n"
	"etcd_prefix = /calico/resources/v3/projectcalico.org/\n"
	"etcd_ca_file = \"\"\n"
	"etcd_cert_file = \"\"\n"
	"etcd_key_file = \"\"\n"
	"etcd_username = \"\"\n"
	"etcd_password = \"\"\n"
	"etcd_page_limit = 500\n"
	"coalesce = 25ms\n"
	"resync_interval = 5min\n"
	"retry_min = 250ms\n"
	"retry_max = 30s\n"
	"deny_action = drop\n"
	"manage_settings = true\n"
	"api_socket = /run/strata/stratad.sock\n"
	"endpoint_status_dir = /run/strata/endpoint-status\n"
	"metrics_address = 127.0.0.1\n"
	"metrics_port = 9097\n"
	"workload_routes = false\n"
	"workload_iface_settings = true\n"
	"route_table = 254\n"
	"route_protocol = 83\n";

static void test_defaults(void **state)
{
	struct dconf c;
	char err[256], *s;

	setenv("NODENAME", "node-7", 1);
	dconf_init(&c);
	s = printed(&c);
	assert_string_equal(s, defaults);
	free(s);
	assert_int_equal(dconf_check(&c, err, sizeof(err)), 0);
	dconf_release(&c);
}

static void test_file(void **state)
{
	char *dir = dt_tmpdir(), path[512], err[256], *s;
	struct dconf c;

	setenv("NODENAME", "node-7", 1);
	dt_write(dir, "stratad.conf",
		 "# stratad.conf\n"
		 "\n"
		 "   node_name   =   worker-3   # trailing comment\n"
		 "datastore=kubernetes\n"
		 "kubeconfig = \"/etc/kube/with # hash and \\\"quotes\\\"\"\n"
		 "coalesce = 0.5s\n"
		 "resync_interval = 0\n"
		 "retry_min = 100ms\n"
		 "retry_max = 2min\n"
		 "kube_watch_timeout = 1h\n"
		 "kube_http1 = yes\n"
		 "deny_action = reject\n"
		 "metrics_port = 0\n"
		 "log_level = warn\n"
		 "felix.DefaultEndpointToHostAction = Accept\n"
		 "felix.FailsafeInboundHostPorts = tcp:22, udp:68\n"
		 "coalesce = 40ms\n");
	snprintf(path, sizeof(path), "%s/stratad.conf", dir);
	dconf_init(&c);
	assert_int_equal(dconf_load(&c, path, false, err, sizeof(err)), 0);
	assert_int_equal(
		dconf_set_arg(&c, "metrics_port=9123", err, sizeof(err)), 0);
	assert_int_equal(dconf_check(&c, err, sizeof(err)), 0);
	assert_string_equal(c.node_name, "worker-3");
	assert_int_equal(c.datastore, DCONF_DS_KUBERNETES);
	assert_string_equal(c.kubeconfig,
			    "/etc/kube/with # hash and \"quotes\"");
	assert_int_equal(c.coalesce_ms, 40); /* the later line wins */
	assert_int_equal(c.resync_interval_ms, 0);
	assert_int_equal(c.retry_min_ms, 100);
	assert_int_equal(c.retry_max_ms, 120000);
	assert_int_equal(c.kube_watch_timeout_ms, 3600000);
	assert_true(c.kube_http1);
	assert_true(c.deny_reject);
	assert_int_equal(c.metrics_port, 9123);
	assert_int_equal(c.log_level, LOG_WARNING);
	assert_int_equal(c.n_felix, 2);
	assert_string_equal(c.felix_keys[1], "FailsafeInboundHostPorts");
	assert_string_equal(c.felix_values[1], "tcp:22, udp:68");
	s = printed(&c);
	assert_non_null(strstr(
		s,
		"kubeconfig = \"/etc/kube/with # hash and \\\"quotes\\\"\"\n"));
	assert_non_null(strstr(s, "retry_max = 2min\ndeny_action = reject\n"));
	assert_non_null(strstr(s, "coalesce = 40ms\nresync_interval = 0ms\n"));
	assert_non_null(strstr(s, "log_level = warning\n"));
	assert_non_null(strstr(
		s,
		"felix.DefaultEndpointToHostAction = Accept\nfelix.FailsafeInboundHostPorts = tcp:22, udp:68\n"));
	free(s);
	dconf_release(&c);
	/* what --print-config writes reads back the same */
	dconf_init(&c);
	assert_int_equal(dconf_load(&c, path, false, err, sizeof(err)), 0);
	s = printed(&c);
	dt_write(dir, "again.conf", "%s", s);
	dconf_release(&c);
	dconf_init(&c);
	snprintf(path, sizeof(path), "%s/again.conf", dir);
	assert_int_equal(dconf_load(&c, path, false, err, sizeof(err)), 0);
	{
		char *s2 = printed(&c);

		assert_string_equal(s2, s);
		free(s2);
	}
	free(s);
	dconf_release(&c);
	dt_rmdir(dir);
}

struct bad {
	const char *line;
	const char *msg;
};

static void test_errors(void **state)
{
	static const struct bad bad[] = {
		{ "colour = blue", "unknown key \"colour\"" },
		{ "just words", "expected KEY = VALUE" },
		{ "= 5", "a key is missing before '='" },
		{ "two words = 5", "a key has no spaces" },
		{ "node_name = \"open", "unterminated quoted value" },
		{ "node_name = \"x\" y", "text after a quoted value" },
		{ "datastore = consul",
		  "datastore: \"consul\" is not directory, kubernetes or etcd" },
		{ "log_level = loud",
		  "log_level: \"loud\" is not error, warning, notice, info or debug" },
		{ "log_target = syslog",
		  "log_target: \"syslog\" is not auto, stderr or journal" },
		{ "kube_page_size = 0",
		  "kube_page_size: \"0\" is not a number from 1 to 100000" },
		{ "metrics_port = 70000",
		  "metrics_port: \"70000\" is not a number from 0 to 65535" },
		{ "metrics_port = -1",
		  "metrics_port: \"-1\" is not a number from 0 to 65535" },
		{ "route_protocol = 4",
		  "route_protocol: \"4\" is not a number from 5 to 255" },
		{ "kube_http1 = maybe",
		  "kube_http1: \"maybe\" is not a boolean (true or false)" },
		{ "coalesce = 20 ms",
		  "coalesce: \"20 ms\" is not a duration from 0ms to 10000ms (a number with ms, s, min or h)" },
		{ "coalesce = 11s",
		  "coalesce: \"11s\" is not a duration from 0ms to 10000ms (a number with ms, s, min or h)" },
		{ "retry_min = 1ms",
		  "retry_min: \"1ms\" is not a duration from 10ms to 600000ms (a number with ms, s, min or h)" },
		{ "deny_action = refuse",
		  "deny_action: \"refuse\" is not drop or reject" },
		{ "felix.Nonsense = 1",
		  "unknown FelixConfiguration key \"Nonsense\"" },
	};
	char *dir = dt_tmpdir(), path[256], err[256], want[1024];
	struct dconf c;
	size_t i;

	snprintf(path, sizeof(path), "%s/stratad.conf", dir);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dt_write(dir, "stratad.conf", "# ok\nnode_name = a\n%s\n",
			 bad[i].line);
		dconf_init(&c);
		assert_int_equal(dconf_load(&c, path, false, err, sizeof(err)),
				 -EINVAL);
		snprintf(want, sizeof(want), "%s:3: %s", path, bad[i].msg);
		assert_string_equal(err, want);
		dconf_release(&c);
	}
	/* a FelixConfiguration value cmp_felix_setting() refuses */
	dconf_init(&c);
	assert_int_equal(dconf_set(&c, "felix.DefaultEndpointToHostAction",
				   "Maybe", err, sizeof(err)),
			 -EINVAL);
	assert_true(!strncmp(err, "felix.DefaultEndpointToHostAction: ", 35));
	assert_int_equal(dconf_set_arg(&c, "coalesce", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "-o coalesce: expected KEY=VALUE");
	dconf_release(&c);
	/* a missing file */
	dconf_init(&c);
	snprintf(path, sizeof(path), "%s/none.conf", dir);
	assert_int_equal(dconf_load(&c, path, true, err, sizeof(err)), 0);
	assert_int_equal(dconf_load(&c, path, false, err, sizeof(err)),
			 -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	dconf_release(&c);
	dt_rmdir(dir);
}

static void test_checks(void **state)
{
	struct dconf c;
	char err[256];

	dconf_init(&c);
	dconf_set(&c, "retry_min", "10s", err, sizeof(err));
	dconf_set(&c, "retry_max", "5s", err, sizeof(err));
	assert_int_equal(dconf_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(
		err, "retry_min (10000ms) is longer than retry_max (5000ms)");
	dconf_release(&c);

	dconf_init(&c);
	unsetenv("ETCD_ENDPOINTS");
	dconf_set(&c, "datastore", "etcd", err, sizeof(err));
	assert_int_equal(dconf_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(
		err,
		"datastore etcd needs etcd_endpoints (or $ETCD_ENDPOINTS)");
	dconf_set(&c, "etcd_endpoints", "http://127.0.0.1:2379", err,
		  sizeof(err));
	dconf_set(&c, "etcd_prefix", "/calico", err, sizeof(err));
	assert_int_equal(dconf_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "etcd_prefix must end with '/'");
	dconf_release(&c);

	dconf_init(&c);
	dconf_set(&c, "api_socket", "run/x.sock", err, sizeof(err));
	assert_int_equal(dconf_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "api_socket must be an absolute path");
	dconf_set(&c, "api_socket", "", err, sizeof(err));
	dconf_set(&c, "node_name", "", err, sizeof(err));
	assert_int_equal(dconf_check(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(
		err,
		"node_name is empty (and neither $NODENAME nor the host name gives one)");
	dconf_release(&c);
}

static void test_values(void **state)
{
	static const struct {
		const char *s;
		int ret;
		unsigned int ms;
	} d[] = {
		{ "25ms", 0, 25 },	 { "2s", 0, 2000 },
		{ "1.5s", 0, 1500 },	 { "3", 0, 3000 },
		{ "0", 0, 0 },		 { "2min", 0, 120000 },
		{ "2m", 0, 120000 },	 { "1h", 0, 3600000 },
		{ "0.5ms", -ERANGE, 0 }, { "", -EINVAL, 0 },
		{ "-1s", -EINVAL, 0 },	 { "5 s", -EINVAL, 0 },
		{ "5d", -EINVAL, 0 },	 { "2000h", -ERANGE, 0 },
	};
	unsigned int ms;
	bool b;
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		ms = 12345;
		assert_int_equal(dconf_parse_duration_ms(d[i].s, &ms),
				 d[i].ret);
		if (!d[i].ret)
			assert_int_equal(ms, d[i].ms);
	}
	assert_int_equal(dconf_parse_bool("On", &b), 0);
	assert_true(b);
	assert_int_equal(dconf_parse_bool("0", &b), 0);
	assert_false(b);
	assert_int_equal(dconf_parse_bool("nope", &b), -EINVAL);
	assert_string_equal(dconf_ds_name(DCONF_DS_ETCD), "etcd");
	assert_int_equal(dlog_level_parse("DEBUG"), LOG_DEBUG);
	assert_int_equal(dlog_level_parse("err"), LOG_ERR);
	assert_int_equal(dlog_level_parse("trace"), -1);
	assert_string_equal(dlog_level_name(LOG_NOTICE), "notice");
}

static void test_log(void **state)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	dlog_init(LOG_INFO, DLOG_JOURNAL, f);
	dlog(LOG_DEBUG, "not shown");
	dlog(LOG_INFO, "two\nlines");
	dlog(LOG_ERR, "bad %d", 7);
	dlog_ds(LOG_WARNING, "watch dropped", "kubernetes");
	fflush(f);
	assert_string_equal(
		s, "<6>two lines\n<3>bad 7\n<4>kubernetes: watch dropped\n");
	fclose(f);
	free(s);
	s = NULL;
	f = open_memstream(&s, &len);
	dlog_init(LOG_NOTICE, DLOG_STDERR, f);
	dlog(LOG_NOTICE, "plain");
	fflush(f);
	/* 2024-05-01T12:00:00.123Z stratad[PID]: notice: plain */
	assert_int_equal(s[4], '-');
	assert_int_equal(s[10], 'T');
	assert_int_equal(s[23], 'Z');
	assert_non_null(strstr(s, "]: notice: plain\n"));
	fclose(f);
	free(s);
	dlog_init(LOG_INFO, DLOG_STDERR, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_file),
		cmocka_unit_test(test_errors),	 cmocka_unit_test(test_checks),
		cmocka_unit_test(test_values),	 cmocka_unit_test(test_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
