// SPDX-License-Identifier: GPL-2.0
/*
 * Scale check of the etcd datastore (not a test: no thresholds). Starts a
 * real etcd, writes N WorkloadEndpoints as networking-calico does (Neutron
 * ports, about 1.5 kB of JSON each) in large transactions, then lists them
 * through ds_etcd in a fresh process (this program run again as "list"), so
 * that the peak RSS reported is the client's own: time to DS_SYNCED, pages,
 * peak RSS before and after. Then the watch: N/10 updates written while it
 * runs, and the time until the last arrives.
 *
 *   [PAGE_LIMIT=n] etcd-scale [N]   (default 100000; the client's page
 *                                    limit, default 500)
 *   etcd-scale list URL N     (the child)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <systemd/sd-event.h>

#include "ds_etcd.h"
#include "etcd_harness.h"

#define PREFIX DS_ETCD_PREFIX "workloadendpoints/openstack/"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Port @i as networking-calico writes it (name, key and value). */
static void port(int i, int gen, char *key, size_t ksize, char *val,
		 size_t vsize)
{
	char name[160];

	snprintf(name, sizeof(name),
		 "compute--%d-openstack-8e1a3f5e--3d8c--4b0c--9d6f--%012d-"
		 "%08x--5e6f--4a7b--8c9d--0e1f2a3b4c5d",
		 i % 500, i, i);
	snprintf(key, ksize, PREFIX "%s", name);
	snprintf(
		val, vsize,
		"{\"kind\": \"WorkloadEndpoint\", \"apiVersion\": \"projectcalico.org/v3\", "
		"\"metadata\": {\"name\": \"%s\", \"namespace\": \"openstack\", "
		"\"creationTimestamp\": \"2024-05-02T10:11:12Z\", "
		"\"uid\": \"9e0b7a52-5c1d-4a43-9f0e-%012d\", "
		"\"annotations\": {\"openstack.projectcalico.org/network-id\": "
		"\"b5f6e7d8-1111-4222-8333-944455566677\", "
		"\"openstack.projectcalico.org/fqdn\": \"vm-%d.openstack.example.\"}, "
		"\"labels\": {\"sg.projectcalico.org/openstack-4b1a2c3d-0001-4e5f-8a9b-0c1d2e3f4a5b\": \"web\", "
		"\"sg-name.projectcalico.org/openstack-web\": \"4b1a2c3d-0001-4e5f-8a9b-0c1d2e3f4a5b\", "
		"\"projectcalico.org/namespace\": \"openstack\", "
		"\"projectcalico.org/orchestrator\": \"openstack\", "
		"\"projectcalico.org/openstack-project-id\": \"0c8f6d1e2a3b4c5d6e7f8a9b0c1d2e3f\", "
		"\"projectcalico.org/openstack-project-name\": \"demo\", "
		"\"projectcalico.org/openstack-project-parent-id\": \"default\"}}, "
		"\"spec\": {\"orchestrator\": \"openstack\", "
		"\"workload\": \"8e1a3f5e-3d8c-4b0c-9d6f-%012d\", \"node\": \"compute-%d\", "
		"\"endpoint\": \"%08x-5e6f-4a7b-8c9d-0e1f2a3b4c5d\", "
		"\"interfaceName\": \"tap%08x-5e\", \"mac\": \"fa:16:3e:%02x:%02x:%02x\", "
		"\"ipNetworks\": [\"10.%d.%d.%d/32\", \"fd5f:65::%x/128\"], "
		"\"ipv4Gateway\": \"10.%d.0.1\", \"ipv6Gateway\": \"fd5f:65::1\", "
		"\"allowedIps\": [], \"ipNATs\": [], \"generation\": %d}}",
		name, i, i, i, i % 500, i, i, (i >> 16) & 255, (i >> 8) & 255,
		i & 255, 64 + (i >> 16), (i >> 8) & 255, i & 255, i,
		64 + (i >> 16), gen);
}

/* ---- the child: list through ds_etcd ---- */

struct counter {
	long upserts;
	long deletes;
	long synced;
	long statuses;
	long bad;
	long want_updates;
	long updates; /* UPSERTs after SYNCED */
	double t_synced;
	double t_last;
	sd_event *loop;
};

static void sink(const struct ds_event *ev, void *arg)
{
	struct counter *c = arg;

	switch (ev->type) {
	case DS_UPSERT:
		if (c->synced) {
			c->updates++;
			c->t_last = now_s();
			if (c->updates == c->want_updates)
				sd_event_exit(c->loop, 0);
		} else {
			c->upserts++;
		}
		if (!ev->obj)
			c->bad++;
		break;
	case DS_DELETE:
		c->deletes++;
		break;
	case DS_SYNCED:
		c->synced++;
		c->t_synced = now_s();
		/* tell the parent, which writes the updates */
		printf("synced\n");
		fflush(stdout);
		if (!c->want_updates)
			sd_event_exit(c->loop, 0);
		break;
	case DS_STATUS:
		c->statuses++;
		if (!ev->connected || ev->kind)
			fprintf(stderr, "status: %s\n", ev->message);
		break;
	case DS_RESET:
		break;
	}
}

static int child(const char *url, long n)
{
	struct counter c = { .want_updates = n / 10 };
	struct ds_etcd_config cfg = { .endpoints = url };
	const char *page = getenv("PAGE_LIMIT");
	struct ds_etcd_info info;
	struct ds_stats st;
	long rss0;
	double t0;
	struct ds *ds;
	char *err;

	if (page)
		cfg.page_limit = (unsigned int)atoi(page);
	sd_event_new(&c.loop);
	ds = ds_etcd_new(&cfg, c.loop, sink, &c, &err);
	if (!ds) {
		fprintf(stderr, "ds_etcd_new: %s\n", err);
		return 1;
	}
	rss0 = peak_rss_kib();
	t0 = now_s();
	ds_start(ds);
	sd_event_loop(c.loop);
	ds_etcd_info(ds, &info);
	ds->ops->stats(ds, &st);
	printf("result listed=%ld list_s=%.3f pages=%" PRIu64
	       " page_limit=%u rss0_kib=%ld peak_kib=%ld updates=%ld "
	       "watch_s=%.3f malformed=%" PRIu64 " errors=%" PRIu64 "\n",
	       c.upserts, c.t_synced - t0, info.range_requests, info.page_limit,
	       rss0, peak_rss_kib(), c.updates, c.t_last - c.t_synced,
	       st.malformed, st.errors);
	ds_free(ds);
	sd_event_unref(c.loop);
	return c.upserts == n + 1 && c.updates == c.want_updates && !c.bad ? 0
									   : 1;
}

/* ---- the parent ---- */

static int load(struct eh_etcd *e, long n, int gen, long batch)
{
	const char **keys = calloc((size_t)batch, sizeof(*keys));
	const char **vals = calloc((size_t)batch, sizeof(*vals));
	char *kbuf = malloc((size_t)batch * 256);
	char *vbuf = malloc((size_t)batch * 4096);
	long i, j;

	for (i = 0; i < n; i += batch) {
		long m = n - i < batch ? n - i : batch;

		for (j = 0; j < m; j++) {
			keys[j] = kbuf + j * 256;
			vals[j] = vbuf + j * 4096;
			port((int)(i + j), gen, kbuf + j * 256, 256,
			     vbuf + j * 4096, 4096);
		}
		if (eh_put_many(e, keys, vals, (size_t)m) < 0)
			return -1;
	}
	free(keys);
	free(vals);
	free(kbuf);
	free(vbuf);
	return 0;
}

int main(int argc, char **argv)
{
	struct eh_opts o = { .big = true };
	struct eh_etcd e;
	long n = argc > 1 ? atol(argv[1]) : 100000;
	char key[256], val[4096], self[4096], num[32], line[512];
	struct rusage ru;
	double t0, t1;
	int pipefd[2], status, rc = 1;
	ssize_t len;
	pid_t pid;
	FILE *f;

	if (argc == 4 && !strcmp(argv[1], "list"))
		return child(argv[2], atol(argv[3]));
	if (n <= 0)
		return 2;
	port(0, 0, key, sizeof(key), val, sizeof(val));
	printf("etcd-scale: %ld WorkloadEndpoints of %zu bytes of JSON\n", n,
	       strlen(val));
	if (eh_start(&e, &o))
		return 1;
	t0 = now_s();
	if (load(&e, n, 0, 1000)) {
		fprintf(stderr, "load failed\n");
		goto out;
	}
	t1 = now_s();
	printf("load: %.2f s (%.0f keys/s, transactions of 1000)\n", t1 - t0,
	       (double)n / (t1 - t0));

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0 || pipe(pipefd))
		goto out;
	self[len] = 0;
	snprintf(num, sizeof(num), "%ld", n);
	fflush(NULL);
	pid = fork();
	if (!pid) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		execl(self, self, "list", e.url, num, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	f = fdopen(pipefd[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "synced\n")) {
			/* n/10 updates while it watches */
			t0 = now_s();
			if (load(&e, n / 10, 1, 1000))
				fprintf(stderr, "updates failed\n");
			printf("updates: %ld written in %.2f s\n", n / 10,
			       now_s() - t0);
			continue;
		}
		if (!strncmp(line, "result ", 7)) {
			long listed, peak, rss0, upd;
			double ls, ws;
			unsigned long pages;
			unsigned int limit;

			if (sscanf(line,
				   "result listed=%ld list_s=%lf pages=%lu "
				   "page_limit=%u rss0_kib=%ld peak_kib=%ld "
				   "updates=%ld watch_s=%lf",
				   &listed, &ls, &pages, &limit, &rss0, &peak,
				   &upd, &ws) == 8) {
				printf("list: %ld objects (+ the built-in profile) in %.2f s, "
				       "%lu pages of %u, %.0f objects/s\n",
				       listed - 1, ls, pages, limit,
				       (double)listed / ls);
				printf("watch: %ld updates received %.2f s after SYNCED\n",
				       upd, ws);
				printf("client peak RSS: %.1f MiB (%.1f MiB before start)\n",
				       (double)peak / 1024,
				       (double)rss0 / 1024);
			}
			fputs(line, stdout);
		}
	}
	if (f)
		fclose(f);
	if (wait4(pid, &status, 0, &ru) == pid && WIFEXITED(status) &&
	    !WEXITSTATUS(status))
		rc = 0;
	printf("client process: %.2f s user, %.2f s system, max RSS %.1f MiB: %s\n",
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	       (double)ru.ru_maxrss / 1024, rc ? "FAILED" : "ok");
out:
	eh_destroy(&e);
	return rc;
}
