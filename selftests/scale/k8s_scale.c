// SPDX-License-Identifier: GPL-2.0
/*
 * Scale check of the Kubernetes datastore (not a test: no thresholds).
 * Starts kube-testserver (HTTPS, bearer token) with N realistic pods (about
 * 2.3 kB of JSON each) over 100 namespaces, then lists them through ds_k8s
 * in a fresh process (this program again, as "list"), so that the peak RSS
 * reported is the client's own: time to DS_SYNCED, list requests, peak RSS.
 * Then the watch: N/10 pods are modified while it runs, and the time from
 * the first to the last of those events is reported.
 *
 *   [PAGE_LIMIT=n] [HTTP2=1] k8s-scale [N]   (default 100000; the client's
 *                                             page size, default 500; the
 *                                             server offers HTTP/2)
 *   k8s-scale list KUBECONFIG N         (the child)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-event.h>

#include "ds_k8s.h"

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

struct counts {
	sd_event *loop;
	unsigned long upserts, after_sync, want_after;
	bool synced;
	double t_first_after, t_last_after;
};

static void sink(const struct ds_event *ev, void *arg)
{
	struct counts *c = arg;

	if (ev->type == DS_UPSERT) {
		if (!c->synced) {
			c->upserts++;
			return;
		}
		if (!c->after_sync++)
			c->t_first_after = now_s();
		c->t_last_after = now_s();
	} else if (ev->type == DS_SYNCED) {
		c->synced = true;
	} else if (ev->type == DS_RESET) {
		fprintf(stderr, "k8s-scale: unexpected DS_RESET\n");
		exit(1);
	}
}

static void quiet(int level, const char *msg, void *arg)
{
	if (level <= LOG_WARNING)
		fprintf(stderr, "k8s-scale: %s\n", msg);
}

/* The child: list, report, watch N/10 modifications, report. */
static int list_main(const char *kubeconfig, unsigned long n)
{
	static const char *const res[] = { "pods", NULL };
	struct ds_k8s_config cfg = {
		.kubeconfig = kubeconfig,
		.resources = res,
		.log = quiet,
		.page_size = getenv("PAGE_LIMIT")
				     ? (unsigned int)atoi(getenv("PAGE_LIMIT"))
				     : 500,
	};
	struct counts c = { .want_after = n / 10 };
	long rss_before = peak_rss_kib();
	struct ds_stats st;
	char err[256];
	struct ds *ds;
	double t0;

	sd_event_new(&c.loop);
	ds = ds_k8s_new(c.loop, &cfg, sink, &c, err, sizeof(err));
	if (!ds) {
		fprintf(stderr, "k8s-scale: %s\n", err);
		return 1;
	}
	t0 = now_s();
	ds_start(ds);
	while (!c.synced)
		sd_event_run(c.loop, UINT64_MAX);
	printf("list: %lu pods, DS_SYNCED after %.2f s (%.0f pods/s), page size %u\n",
	       c.upserts, now_s() - t0, (double)c.upserts / (now_s() - t0),
	       cfg.page_size);
	printf("client peak RSS: %ld MiB at start, %ld MiB after the list\n",
	       rss_before / 1024, peak_rss_kib() / 1024);
	printf("synced\n");
	fflush(stdout);
	if (c.upserts != n)
		fprintf(stderr, "k8s-scale: expected %lu pods\n", n);
	/* the parent modifies n/10 pods now */
	while (c.after_sync < c.want_after)
		sd_event_run(c.loop, UINT64_MAX);
	printf("watch: %lu modifications, first to last in %.2f s (%.0f events/s)\n",
	       c.after_sync, c.t_last_after - c.t_first_after,
	       (double)c.after_sync / (c.t_last_after - c.t_first_after));
	printf("client peak RSS after the watch: %ld MiB\n",
	       peak_rss_kib() / 1024);
	ds->ops->stats(ds, &st);
	printf("stats: events %llu, errors %llu, malformed %llu, resyncs %llu\n",
	       (unsigned long long)st.events, (unsigned long long)st.errors,
	       (unsigned long long)st.malformed,
	       (unsigned long long)st.resyncs);
	ds_free(ds);
	sd_event_unref(c.loop);
	return c.upserts == n && c.after_sync == n / 10 ? 0 : 1;
}

static FILE *srv_in, *srv_out;

static char *srv_cmd(const char *cmd)
{
	static char line[256];

	fprintf(srv_in, "%s\n", cmd);
	fflush(srv_in);
	if (!fgets(line, sizeof(line), srv_out)) {
		fprintf(stderr, "k8s-scale: kube-testserver died\n");
		exit(1);
	}
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "ok", 2)) {
		fprintf(stderr, "k8s-scale: %s: %s\n", cmd, line);
		exit(1);
	}
	return line;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/k8s-scale.XXXXXX", exe[PATH_MAX], srv[PATH_MAX + 32];
	char kc[PATH_MAX], cmd[128], line[512], *slash;
	unsigned long n = 100000, nreq;
	int in[2], out[2], child_out[2], port, st;
	pid_t spid, cpid;
	FILE *f, *cf;
	double t0;
	ssize_t len;

	if (argc == 4 && !strcmp(argv[1], "list"))
		return list_main(argv[2], strtoul(argv[3], NULL, 10));
	if (argc > 1)
		n = strtoul(argv[1], NULL, 10);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0)
		return 1;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	*slash = '\0';
	snprintf(srv, sizeof(srv), "%s/../bin/kube-testserver", exe);
	*slash = '/';
	if (!mkdtemp(dir) || pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(child_out, O_CLOEXEC))
		return 1;
	spid = fork();
	if (spid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(srv, "kube-testserver", "--tls-dir", dir, "--token",
		      "scale-token", getenv("HTTP2") ? "--http2" : (char *)NULL,
		      (char *)NULL);
		fprintf(stderr, "k8s-scale: %s: %s\n", srv, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	srv_in = fdopen(in[1], "w");
	srv_out = fdopen(out[0], "r");
	if (!fgets(line, sizeof(line), srv_out) ||
	    sscanf(line, "port %d", &port) != 1) {
		fprintf(stderr, "k8s-scale: kube-testserver did not start\n");
		return 1;
	}
	srv_cmd("resource /api/v1/pods Pod PodList v1 1 1");
	t0 = now_s();
	snprintf(cmd, sizeof(cmd), "gen-pods %lu 100", n);
	srv_cmd(cmd);
	printf("server: %lu pods generated in %.2f s\n", n, now_s() - t0);
	snprintf(kc, sizeof(kc), "%s/kubeconfig", dir);
	f = fopen(kc, "w");
	if (!f)
		return 1;
	fprintf(f,
		"apiVersion: v1\nkind: Config\ncurrent-context: scale\n"
		"clusters:\n- name: kts\n  cluster:\n"
		"    server: https://127.0.0.1:%d\n"
		"    certificate-authority: ca.crt\n"
		"contexts:\n- name: scale\n  context: {cluster: kts, user: u}\n"
		"users:\n- name: u\n  user: {token: scale-token}\n",
		port);
	fclose(f);
	fflush(stdout);

	cpid = fork();
	if (cpid == 0) {
		char nbuf[32];

		dup2(child_out[1], 1);
		close(child_out[0]);
		snprintf(nbuf, sizeof(nbuf), "%lu", n);
		execl(exe, "k8s-scale", "list", kc, nbuf, (char *)NULL);
		_exit(127);
	}
	close(child_out[1]);
	cf = fdopen(child_out[0], "r");
	while (fgets(line, sizeof(line), cf)) {
		if (!strcmp(line, "synced\n")) {
			nreq = strtoul(srv_cmd("requests") + 3, NULL, 10);
			for (unsigned long i = 0; i < nreq; i++)
				if (!fgets(line, sizeof(line), srv_out))
					return 1;
			printf("list requests: %lu\n", nreq);
			fflush(stdout);
			snprintf(cmd, sizeof(cmd), "gen-pods %lu 100", n / 10);
			srv_cmd(cmd);
			continue;
		}
		fputs(line, stdout);
		fflush(stdout);
	}
	waitpid(cpid, &st, 0);
	srv_cmd("quit");
	waitpid(spid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
