// SPDX-License-Identifier: GPL-2.0
/*
 * The directory datastore (daemon/ds_dir.c) on a real directory under
 * /tmp with inotify: the initial scan, files written atomically, changed,
 * removed, renamed away and back, broken and fixed, objects defined twice,
 * malformed documents, Lists, a directory that appears late or goes away,
 * a ConfigMap-style "..data" swap, and ds_dir_drain().
 */
#include "daemon_test.h"
#include "ds_dir.h"

struct t {
	sd_event *loop;
	char *dir;
	struct ds *ds;
	struct dt_rec rec;
};

static struct t T;

static void quiet(int level, const char *msg, void *arg)
{
}

static void t_start(const char *path)
{
	struct ds_dir_config cfg = { .path = path, .retry_ms = 50 };
	char err[256];

	cfg.log = quiet;
	T.ds = ds_dir_new(T.loop, &cfg, dt_sink, &T.rec, err, sizeof(err));
	assert_non_null(T.ds);
	assert_int_equal(ds_start(T.ds), 0);
}

static int setup(void **state)
{
	memset(&T, 0, sizeof(T));
	assert_int_equal(sd_event_new(&T.loop), 0);
	T.dir = dt_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	ds_free(T.ds);
	sd_event_unref(T.loop);
	dt_rmdir(T.dir);
	dt_rec_free(&T.rec);
	return 0;
}

static bool has_lines(void *arg)
{
	return T.rec.n >= (size_t)(uintptr_t)arg;
}

/* Run until @n lines are recorded, then a little longer (no more may
 * come). */
static void wait_lines(size_t n)
{
	if (!dt_run_until(T.loop, has_lines, (void *)(uintptr_t)n, 3000)) {
		char *got = dt_rec_text(&T.rec, 0);

		fail_msg("waited for %zu events, got %zu:\n%s", n, T.rec.n,
			 got);
	}
	dt_run_for(T.loop, 30);
}

static const char tier_gold[] = "apiVersion: projectcalico.org/v3\n"
				"kind: Tier\n"
				"metadata: {name: gold}\n"
				"spec: {order: 100}\n";

static void test_initial_scan(void **state)
{
	dt_write(
		T.dir, "b.json",
		"{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"NetworkPolicy\","
		" \"metadata\": {\"name\": \"web\"}, \"spec\": {\"selector\": \"app == 'web'\"}}");
	dt_write(T.dir, "a.yaml",
		 "%s---\n"
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: GlobalNetworkPolicy\n"
		 "metadata: {name: gold.deny}\n"
		 "spec: {tier: gold, selector: all()}\n",
		 tier_gold);
	dt_write(T.dir, "notes.txt", "not a manifest");
	dt_write(T.dir, "c.yml", "# only a comment\n");
	t_start(T.dir);
	wait_lines(5);
	dt_assert_rec(&T.rec, 0,
		      "status connected: reading the directory\n"
		      "upsert Tier gold\n"
		      "upsert GlobalNetworkPolicy gold.deny\n"
		      "upsert NetworkPolicy default/web\n"
		      "synced\n");
	/* the namespace was defaulted in the event, the object is as written */
	assert_string_equal(
		T.rec.last_json,
		"{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":\"web\"},\"spec\":{\"selector\":\"app == 'web'\"}}");
}

static void test_changes(void **state)
{
	size_t at;

	dt_write(T.dir, "a.yaml",
		 "%s---\n"
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: silver}\n",
		 tier_gold);
	t_start(T.dir);
	wait_lines(4);
	at = T.rec.n;
	/* silver changes, gold does not, bronze is new */
	dt_write(T.dir, "a.yaml",
		 "%s---\n"
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: silver}\n"
		 "spec: {order: 300}\n"
		 "---\n"
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: bronze}\n",
		 tier_gold);
	wait_lines(at + 2);
	dt_assert_rec(&T.rec, at, "upsert Tier silver\nupsert Tier bronze\n");
	/* the same content again: nothing */
	at = T.rec.n;
	dt_write(T.dir, "a.yaml",
		 "%s---\n"
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: silver}\n"
		 "spec: {order: 300}\n"
		 "---\n"
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: bronze}\n",
		 tier_gold);
	dt_run_for(T.loop, 100);
	assert_int_equal(T.rec.n, at);
	/* gold goes */
	dt_write(T.dir, "a.yaml",
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: silver}\n"
		 "spec: {order: 300}\n"
		 "---\n"
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: bronze}\n");
	wait_lines(at + 1);
	dt_assert_rec(&T.rec, at, "delete Tier gold\n");
	/* the file goes: both go, in key order */
	at = T.rec.n;
	dt_unlink(T.dir, "a.yaml");
	wait_lines(at + 2);
	dt_assert_rec(&T.rec, at, "delete Tier bronze\ndelete Tier silver\n");
}

static void test_rename(void **state)
{
	char a[512], b[512];
	size_t at;

	dt_write(T.dir, "a.yaml", "%s", tier_gold);
	t_start(T.dir);
	wait_lines(3);
	at = T.rec.n;
	snprintf(a, sizeof(a), "%s/a.yaml", T.dir);
	snprintf(b, sizeof(b), "%s/a.yaml.disabled", T.dir);
	assert_int_equal(rename(a, b), 0);
	wait_lines(at + 1);
	assert_int_equal(rename(b, a), 0);
	wait_lines(at + 2);
	dt_assert_rec(&T.rec, at, "delete Tier gold\nupsert Tier gold\n");
}

static void test_broken_file(void **state)
{
	char *text;
	size_t at;

	dt_write(T.dir, "a.yaml", "%s", tier_gold);
	t_start(T.dir);
	wait_lines(3);
	at = T.rec.n;
	dt_write(T.dir, "a.yaml", "kind: Tier\nmetadata: {name: [\n");
	wait_lines(at + 1);
	text = dt_rec_text(&T.rec, at);
	assert_non_null(strstr(text, "problem: "));
	assert_non_null(strstr(text, "/a.yaml:3:1:"));
	assert_non_null(
		strstr(text, ", kept as it was: the file does not parse"));
	free(text);
	/* fixed: only what differs from before the break is reported */
	at = T.rec.n;
	dt_write(T.dir, "a.yaml", "%s", tier_gold);
	dt_run_for(T.loop, 100);
	assert_int_equal(T.rec.n, at);
	dt_write(T.dir, "a.yaml", "%s",
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: gold}\n"
		 "spec: {order: 200}\n");
	wait_lines(at + 1);
	dt_assert_rec(&T.rec, at, "upsert Tier gold\n");
}

static void test_duplicates(void **state)
{
	char want[1024];
	size_t at;

	dt_write(T.dir, "a.yaml", "%s", tier_gold);
	dt_write(T.dir, "b.yaml",
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: gold}\n"
		 "spec: {order: 999}\n");
	t_start(T.dir);
	wait_lines(4);
	snprintf(
		want, sizeof(want),
		"status connected: reading the directory\n"
		"upsert Tier gold\n"
		"problem: %s/b.yaml:1: Tier gold is also defined in a.yaml, which is used\n"
		"synced\n",
		T.dir);
	dt_assert_rec(&T.rec, 0, want);
	/* a goes: b's definition takes over */
	at = T.rec.n;
	dt_unlink(T.dir, "a.yaml");
	wait_lines(at + 1);
	dt_assert_rec(&T.rec, at, "upsert Tier gold\n");
	assert_non_null(strstr(T.rec.last_json, "999"));
	/* within one file: the first definition */
	at = T.rec.n;
	dt_write(T.dir, "c.yaml",
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: tin}\n"
		 "---\n"
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: tin}\n"
		 "spec: {order: 5}\n");
	wait_lines(at + 2);
	snprintf(
		want, sizeof(want),
		"problem: %s/c.yaml:5: Tier tin is defined again (line 1): the first definition is used\n"
		"upsert Tier tin\n",
		T.dir);
	dt_assert_rec(&T.rec, at, want);
}

static void test_malformed_and_lists(void **state)
{
	char want[2048];

	dt_write(T.dir, "a.yaml",
		 "apiVersion: projectcalico.org/v3\n"
		 "metadata: {name: nokind}\n"
		 "---\n"
		 "- just a list\n"
		 "---\n"
		 "apiVersion: v1\n"
		 "kind: List\n"
		 "items:\n"
		 "- apiVersion: v1\n"
		 "  kind: Namespace\n"
		 "  metadata: {name: prod}\n"
		 "- apiVersion: networking.k8s.io/v1\n"
		 "  kind: NetworkPolicy\n"
		 "  metadata: {name: deny, namespace: prod}\n"
		 "  spec: {podSelector: {}}\n"
		 "- apiVersion: v1\n"
		 "  kind: Pod\n"
		 "  metadata: {namespace: prod}\n");
	t_start(T.dir);
	wait_lines(7);
	snprintf(want, sizeof(want),
		 "status connected: reading the directory\n"
		 "problem: %s/a.yaml:1: kind is missing: skipped\n"
		 "problem: %s/a.yaml:4: a document must be an object: skipped\n"
		 "problem: %s/a.yaml:16: metadata.name is missing: skipped\n"
		 "upsert Namespace prod\n"
		 "upsert NetworkPolicy prod/deny\n"
		 "synced\n",
		 T.dir, T.dir, T.dir);
	dt_assert_rec(&T.rec, 0, want);
	{
		struct ds_stats st;

		T.ds->ops->stats(T.ds, &st);
		assert_int_equal(st.malformed, 3);
		assert_int_equal(st.events, 2);
	}
}

static void test_late_directory(void **state)
{
	char sub[512], want[1024];
	size_t at;

	snprintf(sub, sizeof(sub), "%s/later", T.dir);
	t_start(sub);
	dt_run_for(T.loop, 200);
	dt_assert_rec(&T.rec, 0,
		      "status disconnected: No such file or directory\n");
	assert_int_equal(mkdir(sub, 0755), 0);
	dt_write(sub, "a.yaml", "%s", tier_gold);
	wait_lines(4);
	dt_assert_rec(&T.rec, 1,
		      "status connected: reading the directory\n"
		      "upsert Tier gold\n"
		      "synced\n");
	/* it goes away: nothing is withdrawn */
	at = T.rec.n;
	snprintf(want, sizeof(want), "rm -rf '%s'", sub);
	assert_int_equal(system(want), 0);
	wait_lines(at + 1);
	dt_run_for(T.loop, 200);
	dt_assert_rec(&T.rec, at,
		      "status disconnected: the directory was removed\n");
	/* it comes back with other files: the difference */
	assert_int_equal(mkdir(sub, 0755), 0);
	dt_write(sub, "b.yaml",
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: silver}\n");
	wait_lines(at + 4);
	dt_assert_rec(&T.rec, at,
		      "status disconnected: the directory was removed\n"
		      "status connected: reading the directory\n"
		      "upsert Tier silver\n"
		      "delete Tier gold\n");
}

static void test_configmap_swap(void **state)
{
	char p[512], q[512];
	size_t at;

	/* DIR/..2024_1/a.yaml, DIR/..data -> ..2024_1, DIR/a.yaml ->
	 * ..data/a.yaml */
	snprintf(p, sizeof(p), "%s/..v1", T.dir);
	assert_int_equal(mkdir(p, 0755), 0);
	dt_write(p, "a.yaml", "%s", tier_gold);
	snprintf(q, sizeof(q), "%s/..data", T.dir);
	assert_int_equal(symlink("..v1", q), 0);
	snprintf(q, sizeof(q), "%s/a.yaml", T.dir);
	assert_int_equal(symlink("..data/a.yaml", q), 0);
	t_start(T.dir);
	wait_lines(3);
	dt_assert_rec(&T.rec, 1, "upsert Tier gold\nsynced\n");
	/* kubelet's update: a new ..v2, a new link, renamed over ..data */
	at = T.rec.n;
	snprintf(p, sizeof(p), "%s/..v2", T.dir);
	assert_int_equal(mkdir(p, 0755), 0);
	dt_write(p, "a.yaml",
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: Tier\n"
		 "metadata: {name: gold}\n"
		 "spec: {order: 7}\n");
	snprintf(q, sizeof(q), "%s/..data_tmp", T.dir);
	assert_int_equal(symlink("..v2", q), 0);
	snprintf(p, sizeof(p), "%s/..data", T.dir);
	assert_int_equal(rename(q, p), 0);
	wait_lines(at + 1);
	dt_assert_rec(&T.rec, at, "upsert Tier gold\n");
	assert_non_null(strstr(T.rec.last_json, "\"order\":7"));
}

static void test_drain(void **state)
{
	size_t at;

	t_start(T.dir);
	wait_lines(2);
	at = T.rec.n;
	dt_write(T.dir, "a.yaml", "%s", tier_gold);
	/* no loop iteration: the event is read and reported right away */
	assert_int_equal(ds_dir_drain(T.ds), 1);
	dt_assert_rec(&T.rec, at, "upsert Tier gold\n");
	assert_int_equal(ds_dir_drain(T.ds), 0);
	dt_run_for(T.loop, 50);
	assert_int_equal(T.rec.n, at + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_initial_scan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_broken_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_malformed_and_lists, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_late_directory, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_configmap_swap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_drain, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
