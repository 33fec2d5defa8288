// SPDX-License-Identifier: GPL-2.0
/*
 * Programmed acknowledgements (daemon/status.c) in a real directory, fed
 * by a daemon in one process (directory datastore, sync engine, the engine
 * as kernel): one file per local endpoint (pod/NS/POD, wep/NS/NAME,
 * hep/NAME) with the exact record, written only once programmed, updated
 * when the endpoint's kernel object changes (not when it does not),
 * removed with the endpoint; stale files cleaned at the first
 * programming; lookups by key, kernel name and NAMESPACE/POD.
 */
#include "daemon_test.h"
#include "log.h"

struct t {
	sd_event *loop;
	char *dir, *sdir;
	struct dt_daemon d;
};

static struct t T;

static int setup(void **state)
{
	char p[512];

	memset(&T, 0, sizeof(T));
	assert_int_equal(sd_event_new(&T.loop), 0);
	T.dir = dt_tmpdir();
	T.sdir = dt_tmpdir();
	/* left over from an earlier run */
	snprintf(p, sizeof(p), "%s/pod", T.sdir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/pod/shop", T.sdir);
	assert_int_equal(mkdir(p, 0755), 0);
	dt_write(p, "zombie", "{}\n");
	dt_write(p, "a", "stale\n");
	dt_write(T.sdir, "notes.txt", "x\n");
	dt_write(T.dir, "00-ns.yaml",
		 "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
	dt_pod(T.dir, "a", "10.65.0.1", "web");
	dt_write(
		T.dir, "vm.yaml",
		"apiVersion: projectcalico.org/v3\n"
		"kind: WorkloadEndpoint\n"
		"metadata: {name: node--1-libvirt-vm1-eth0, namespace: shop}\n"
		"spec:\n"
		"  orchestrator: libvirt\n"
		"  node: node-1\n"
		"  workload: vm1\n"
		"  endpoint: eth0\n"
		"  interfaceName: tap-vm1\n"
		"  ipNetworks: [10.65.0.50/32]\n"
		"---\n"
		"apiVersion: projectcalico.org/v3\n"
		"kind: HostEndpoint\n"
		"metadata: {name: node-1-eth0}\n"
		"spec: {node: node-1, interfaceName: eth0, expectedIPs: [192.0.2.1]}\n"
		"---\n"
		"apiVersion: projectcalico.org/v3\n"
		"kind: HostEndpoint\n"
		"metadata: {name: node-2-eth0}\n"
		"spec: {node: node-2, interfaceName: eth0}\n");
	dt_daemon_start(&T.d, T.loop, T.dir, T.sdir, NULL);
	dt_daemon_settle(&T.d);
	return 0;
}

static int teardown(void **state)
{
	dt_daemon_stop(&T.d, false);
	sd_event_unref(T.loop);
	dt_rmdir(T.dir);
	dt_rmdir(T.sdir);
	return 0;
}

/* The file's line with programmedAt's value replaced by "T". */
static char *record(const char *key)
{
	char path[512], buf[2048], *at, *end;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", T.sdir, key);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	at = strstr(buf, "\"programmedAt\":\"");
	if (at) {
		at += 16;
		end = strchr(at, '"');
		/* 2024-05-01T12:00:00.123Z */
		assert_int_equal(end - at, 24);
		assert_int_equal(at[10], 'T');
		assert_int_equal(at[23], 'Z');
		memmove(at + 1, end, strlen(end) + 1);
		at[0] = 'T';
	}
	return strdup(buf);
}

#define assert_record(key, want)                                     \
	do {                                                         \
		char *got_ = record(key);                            \
		if (!got_ || strcmp(got_, (want)))                   \
			fail_msg("%s:\n%s\nexpected:\n%s", (key),    \
				 got_ ? got_ : "(no file)", (want)); \
		free(got_);                                          \
	} while (0)

/* Whether @key's record holds @text. */
static bool record_has(const char *key, const char *text)
{
	char *r = record(key);
	bool has = r && strstr(r, text);

	free(r);
	return has;
}

static bool exists(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", T.sdir, rel);
	return !access(path, F_OK);
}

static void test_records(void **state)
{
	char iface[16];
	char want[1024];

	res_k8s_iface_name("shop", "a", NULL, iface, sizeof(iface));
	snprintf(
		want, sizeof(want),
		"{\"endpoint\":\"pod:shop/a\",\"kind\":\"WorkloadEndpoint\",\"namespace\":\"shop\",\"name\":\"node--1-k8s-a-eth0\",\"pod\":\"a\",\"interface\":\"%s\",\"id\":%u,\"status\":\"programmed\",\"generation\":1,\"programmedAt\":\"T\"}\n",
		iface, dstatus_find(T.d.status, "pod:shop/a")->id);
	assert_record("pod/shop/a", want);
	snprintf(
		want, sizeof(want),
		"{\"endpoint\":\"wep:shop/libvirt-vm1-eth0\",\"kind\":\"WorkloadEndpoint\",\"namespace\":\"shop\",\"name\":\"node--1-libvirt-vm1-eth0\",\"interface\":\"tap-vm1\",\"id\":%u,\"status\":\"programmed\",\"generation\":1,\"programmedAt\":\"T\"}\n",
		dstatus_find(T.d.status, "wep/shop/node--1-libvirt-vm1-eth0")
			->id);
	assert_record("wep/shop/node--1-libvirt-vm1-eth0", want);
	snprintf(
		want, sizeof(want),
		"{\"endpoint\":\"hep:node-1-eth0\",\"kind\":\"HostEndpoint\",\"namespace\":\"\",\"name\":\"node-1-eth0\",\"interface\":\"eth0\",\"id\":%u,\"status\":\"programmed\",\"generation\":1,\"programmedAt\":\"T\"}\n",
		dstatus_find(T.d.status, "hep:node-1-eth0")->id);
	assert_record("hep/node-1-eth0", want);
	/* another node's host endpoint, and the leftovers: no files */
	assert_false(exists("hep/node-2-eth0"));
	assert_false(exists("pod/shop/zombie"));
	assert_false(exists("notes.txt"));
	assert_int_equal(dstatus_count(T.d.status), 3);
	/* lookups */
	assert_non_null(dstatus_find(T.d.status, "shop/a"));
	assert_non_null(dstatus_find(T.d.status, "pod/shop/a"));
	assert_ptr_equal(dstatus_find(T.d.status, "shop/a"),
			 dstatus_find(T.d.status, "pod:shop/a"));
	assert_null(dstatus_find(T.d.status, "shop/b"));
	assert_null(dstatus_find(T.d.status, "a"));
}

static void test_updates(void **state)
{
	const struct dstatus_rec **v;
	size_t n;

	/* a new pod: its record says the generation that programmed it */
	dt_pod(T.dir, "b", "10.65.0.2", "api");
	dt_daemon_settle(&T.d);
	assert_true(record_has("pod/shop/b", "\"generation\":2,"));
	assert_true(record_has("pod/shop/a", "\"generation\":1,"));
	/* a label change that does not change a's kernel object */
	dt_write(
		T.dir, "pod-a.yaml",
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata: {name: a, namespace: shop, labels: {app: web, tier: x}}\n"
		"spec: {nodeName: node-1, containers: [{name: c, image: x}]}\n"
		"status: {phase: Running, podIP: 10.65.0.1, podIPs: [{ip: 10.65.0.1}]}\n");
	dt_daemon_settle(&T.d);
	assert_true(record_has("pod/shop/a", "\"generation\":1,"));
	/* a new address: it does */
	dt_pod(T.dir, "a", "10.65.0.11", "web");
	dt_daemon_settle(&T.d);
	assert_true(record_has("pod/shop/a", "\"generation\":3,"));
	/* gone */
	dt_unlink(T.dir, "pod-a.yaml");
	dt_daemon_settle(&T.d);
	assert_false(exists("pod/shop/a"));
	assert_null(dstatus_find(T.d.status, "shop/a"));
	n = dstatus_list(T.d.status, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0]->key, "hep/node-1-eth0");
	assert_string_equal(v[1]->key, "pod/shop/b");
	assert_string_equal(v[2]->key, "wep/shop/node--1-libvirt-vm1-eth0");
	free(v);
}

static void test_restart(void **state)
{
	struct sc_state *s = T.d.state;

	dt_daemon_stop(&T.d, true);
	/* while it is down, a pod goes and its file stays behind */
	dt_unlink(T.dir, "pod-a.yaml");
	assert_true(exists("pod/shop/a"));
	dt_daemon_start(&T.d, T.loop, T.dir, T.sdir, s);
	dt_daemon_settle(&T.d);
	assert_false(exists("pod/shop/a"));
	assert_true(exists("hep/node-1-eth0"));
	assert_int_equal(dstatus_count(T.d.status), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_updates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
	};

	dlog_init(LOG_ERR, DLOG_STDERR, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
