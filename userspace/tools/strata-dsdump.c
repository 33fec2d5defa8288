// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * strata-dsdump: run one of stratad's datastores on its own and print what
 * it reports, one JSON object per line, for debugging a cluster connection
 * or a datastore:
 *
 *   strata-dsdump kubernetes [--kubeconfig FILE] [--context NAME]
 *                 [--in-cluster] [--sa-dir DIR] [--resources a,b,...]
 *                 [--page-size N] [--watch-timeout S] [--consistent-list]
 *                 [--http1] [--until-synced] [--no-objects] [--list]
 *
 * Lines: {"type":"upsert"|"delete","kind":...,"apiVersion":...,
 * "namespace":...,"name":...,"revision":...,"object":{...}},
 * {"type":"reset","kind":...}, {"type":"synced"},
 * {"type":"status","connected":...,"message":...[,"kind","name"]}.
 * The datastore's log goes to stderr, and the counters when it stops
 * (SIGINT, SIGTERM, or the first DS_SYNCED with --until-synced).
 *
 * Without --kubeconfig: $KUBECONFIG (its first file), else the in-cluster
 * configuration when KUBERNETES_SERVICE_HOST is set, else ~/.kube/config.
 * Exit codes: 0 ok, 1 usage, 2 configuration refused.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-event.h>

#include "ds_k8s.h"

struct dump {
	sd_event *loop;
	bool until_synced;
	bool no_objects;
};

static const char *const type_names[] = {
	[DS_UPSERT] = "upsert", [DS_DELETE] = "delete", [DS_RESET] = "reset",
	[DS_SYNCED] = "synced", [DS_STATUS] = "status",
};

static void put_str(struct json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

static void on_event(const struct ds_event *ev, void *arg)
{
	struct dump *d = arg;
	struct json_object *o = json_object_new_object();

	put_str(o, "type", type_names[ev->type]);
	put_str(o, "kind", ev->kind);
	put_str(o, "apiVersion", ev->api_version);
	if (ev->type == DS_UPSERT || ev->type == DS_DELETE ||
	    (ev->ns && *ev->ns))
		put_str(o, "namespace", ev->ns);
	if (ev->name && *ev->name)
		put_str(o, "name", ev->name);
	if (ev->revision && *ev->revision)
		put_str(o, "revision", ev->revision);
	if (ev->type == DS_STATUS)
		json_object_object_add(o, "connected",
				       json_object_new_boolean(ev->connected));
	put_str(o, "message", ev->message);
	if (ev->obj && !d->no_objects)
		json_object_object_add(o, "object", json_object_get(ev->obj));
	puts(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (ev->type == DS_SYNCED) {
		fflush(stdout);
		if (d->until_synced)
			sd_event_exit(d->loop, 0);
	}
}

static void on_log(int level, const char *msg, void *arg)
{
	static const char *const names[] = { "emerg", "alert",	 "crit",
					     "error", "warning", "notice",
					     "info",  "debug" };

	fprintf(stderr, "strata-dsdump: %s: %s\n",
		names[level >= 0 && level < 8 ? level : 7], msg);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: strata-dsdump kubernetes [--kubeconfig FILE] [--context NAME]\n"
		"                     [--in-cluster] [--sa-dir DIR] [--resources a,b,...]\n"
		"                     [--page-size N] [--watch-timeout S] [--consistent-list]\n"
		"                     [--http1] [--until-synced] [--no-objects]\n"
		"       strata-dsdump kubernetes --list   (the resources it knows)\n");
}

/* Split "a,b,c" into a NULL-terminated vector (in place). */
static const char **split(char *s)
{
	size_t n = 1, i = 0;
	const char **v;
	char *p;

	for (p = s; *p; p++)
		n += *p == ',';
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (p = strtok(s, ","); p; p = strtok(NULL, ","))
		v[i++] = p;
	return v;
}

int main(int argc, char **argv)
{
	struct ds_k8s_config cfg = { .log = on_log };
	struct dump d = { 0 };
	const char **resources = NULL;
	char err[512], *kc_env = NULL, *home_kc = NULL;
	bool in_cluster = false;
	struct ds_stats st;
	struct ds *ds;
	sigset_t ss;
	int i, rc;

	if (argc < 2 ||
	    (strcmp(argv[1], "kubernetes") && strcmp(argv[1], "k8s"))) {
		usage(stderr);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--list")) {
			const struct ds_k8s_resource *r;
			size_t n, j;

			r = ds_k8s_resources(&n);
			for (j = 0; j < n; j++)
				printf("%-55s %s %s%s\n", r[j].name,
				       r[j].api_version, r[j].kind,
				       r[j].namespaced ? " (namespaced)" : "");
			return 0;
		} else if (!strcmp(a, "--kubeconfig") && v) {
			cfg.kubeconfig = v;
			i++;
		} else if (!strcmp(a, "--context") && v) {
			cfg.context = v;
			i++;
		} else if (!strcmp(a, "--sa-dir") && v) {
			cfg.sa_dir = v;
			i++;
		} else if (!strcmp(a, "--resources") && v) {
			resources = split(argv[++i]);
			cfg.resources = resources;
		} else if (!strcmp(a, "--page-size") && v) {
			cfg.page_size =
				(unsigned int)strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(a, "--watch-timeout") && v) {
			cfg.watch_timeout_s =
				(unsigned int)strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(a, "--in-cluster")) {
			in_cluster = true;
		} else if (!strcmp(a, "--consistent-list")) {
			cfg.consistent_list = true;
		} else if (!strcmp(a, "--http1")) {
			cfg.http1 = true;
		} else if (!strcmp(a, "--until-synced")) {
			d.until_synced = true;
		} else if (!strcmp(a, "--no-objects")) {
			d.no_objects = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 1;
		}
	}
	if (!cfg.kubeconfig && !in_cluster) {
		const char *env = getenv("KUBECONFIG");
		const char *home = getenv("HOME");

		if (env && *env) {
			kc_env = strndup(env, strcspn(env, ":"));
			cfg.kubeconfig = kc_env;
		} else if (!getenv("KUBERNETES_SERVICE_HOST") && home) {
			if (asprintf(&home_kc, "%s/.kube/config", home) < 0)
				return 1;
			cfg.kubeconfig = home_kc;
		}
	}

	sd_event_default(&d.loop);
	sigemptyset(&ss);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGTERM);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	sd_event_add_signal(d.loop, NULL, SIGINT, NULL, NULL);
	sd_event_add_signal(d.loop, NULL, SIGTERM, NULL, NULL);
	ds = ds_k8s_new(d.loop, &cfg, on_event, &d, err, sizeof(err));
	if (!ds) {
		fprintf(stderr, "strata-dsdump: %s\n", err);
		rc = 2;
		goto out;
	}
	ds_start(ds);
	rc = sd_event_loop(d.loop) < 0 ? 1 : 0;
	fflush(stdout);
	ds->ops->stats(ds, &st);
	fprintf(stderr,
		"strata-dsdump: events %llu, resyncs %llu, errors %llu, malformed %llu, reconnects %llu\n",
		(unsigned long long)st.events, (unsigned long long)st.resyncs,
		(unsigned long long)st.errors, (unsigned long long)st.malformed,
		(unsigned long long)st.reconnects);
	ds_free(ds);
out:
	sd_event_unref(d.loop);
	free(resources);
	free(kc_env);
	free(home_kc);
	return rc;
}
