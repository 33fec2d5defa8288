// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl status: what stratad is doing, over its local API: the
 * daemon's summary, the programmed acknowledgements of local endpoints
 * (waiting for one, as a CNI plugin does before starting a workload), and
 * waiting until everything the daemon has read is programmed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

void usage_status(FILE *f)
{
	fprintf(f,
		"Usage: stratactl status [ --socket PATH ]\n"
		"       stratactl status endpoints [ --socket PATH ]\n"
		"       stratactl status endpoint ENDPOINT [ --wait ] [ --timeout SECONDS ]\n"
		"                                      [ --socket PATH ]\n"
		"       stratactl status wait [ --timeout SECONDS ] [ --socket PATH ]\n"
		"Asks stratad over its local API (--socket, default $STRATAD_SOCKET or\n"
		"/run/strata/stratad.sock). ENDPOINT: pod:NAMESPACE/POD, NAMESPACE/POD,\n"
		"wep/NAMESPACE/NAME, hep/NAME or a kernel endpoint name. \"endpoint\"\n"
		"exits 0 once it is programmed (--wait: waits for it, default 30 s), 5 if\n"
		"it is not; \"wait\" returns once everything stratad has read is\n"
		"programmed. -j prints the daemon's JSON replies.\n");
}

static const char *sget(struct json_object *o, const char *path)
{
	struct json_object *v = cli_api_get(o, path);

	return v ? json_object_get_string(v) : "";
}

static int64_t iget(struct json_object *o, const char *path)
{
	struct json_object *v = cli_api_get(o, path);

	return v ? json_object_get_int64(v) : 0;
}

static void print_duration(uint64_t s)
{
	if (s >= 86400)
		printf("%llud", (unsigned long long)(s / 86400));
	if (s >= 3600)
		printf("%lluh", (unsigned long long)(s % 86400 / 3600));
	if (s >= 60)
		printf("%llum", (unsigned long long)(s % 3600 / 60));
	printf("%llus", (unsigned long long)(s % 60));
}

static void print_status(struct json_object *r)
{
	struct json_object *res = cli_api_get(r, "resources");
	struct json_object *probs = cli_api_get(r, "problems");
	struct json_object *first = cli_api_get(r, "firstProgrammedSeconds");
	bool any = false;
	size_t i;

	printf("node:        %s\n", sget(r, "node"));
	printf("phase:       %s\n", sget(r, "phase"));
	printf("datastore:   %s%s%s (%s, %s)\n", sget(r, "datastore.type"),
	       cli_api_get(r, "datastore.directory") ? " " : "",
	       sget(r, "datastore.directory"),
	       iget(r, "datastore.connected") ? "connected" : "disconnected",
	       iget(r, "datastore.synced") ? "synced" : "listing");
	printf("generation:  %lld (datastore changes: %lld received, %lld programmed)\n",
	       (long long)iget(r, "generation"),
	       (long long)iget(r, "inputSequence"),
	       (long long)iget(r, "programmedSequence"));
	printf("endpoints:   %lld local, %lld acknowledged\n",
	       (long long)iget(r, "localEndpoints"),
	       (long long)iget(r, "endpointStatusRecords"));
	printf("policies:    %lld active\n",
	       (long long)iget(r, "activePolicies"));
	printf("ip sets:     %lld with %lld members\n",
	       (long long)iget(r, "ipsets"), (long long)iget(r, "members"));
	printf("resources:  ");
	if (res) {
		json_object_object_foreach (res, k, v) {
			if (!json_object_get_int64(v))
				continue;
			printf("%s %s %lld", any ? "," : "", k,
			       (long long)json_object_get_int64(v));
			any = true;
		}
	}
	printf("%s\n", any ? "" : " none");
	printf("commits:     %lld (%lld operations), %lld failures, %lld repairs, %lld drift\n",
	       (long long)iget(r, "commits"), (long long)iget(r, "operations"),
	       (long long)iget(r, "failures"), (long long)iget(r, "repairs"),
	       (long long)iget(r, "drift"));
	printf("invalid:     %lld objects refused\n",
	       (long long)iget(r, "invalid"));
	printf("uptime:      ");
	print_duration((uint64_t)iget(r, "uptimeSeconds"));
	if (first)
		printf(" (first programmed after %.3f s)",
		       json_object_get_double(first));
	printf("\n");
	if (*sget(r, "lastError"))
		printf("last error:  %s\n", sget(r, "lastError"));
	for (i = 0; probs && i < json_object_array_length(probs); i++)
		printf("problem:     %s\n",
		       json_object_get_string(
			       json_object_array_get_idx(probs, i)));
}

static void print_endpoint(struct json_object *e)
{
	printf("%-40s %-16s %10lld  %s\n", sget(e, "endpoint"),
	       *sget(e, "interface") ? sget(e, "interface") : "-",
	       (long long)iget(e, "generation"), sget(e, "programmedAt"));
}

/* @connect_ms: how long to retry connecting (waits: the daemon may be
 * starting) */
static int call(const char *sock, struct json_object *req,
		unsigned int timeout_ms, struct json_object **rep,
		unsigned int connect_ms)
{
	int fd, ret;

	ret = connect_ms ? cli_api_connect_wait(cli_api_socket(sock), &fd,
						connect_ms)
			 : cli_api_connect(cli_api_socket(sock), &fd);
	if (ret) {
		json_object_put(req);
		return ret;
	}
	ret = cli_api_call(fd, req, timeout_ms, rep);
	close(fd);
	json_object_put(req);
	return ret;
}

static struct json_object *request(const char *cmd)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "command", json_object_new_string(cmd));
	return r;
}

int cmd_status(int argc, char **argv)
{
	const char *sock = NULL, *what = NULL, *ep = NULL;
	struct json_object *req, *rep = NULL;
	unsigned int timeout_s = 30;
	bool wait = false;
	int i, ret;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--socket") || !strcmp(a, "--timeout")) {
			if (++i == argc)
				return cli_usage_error(usage_status,
						       "%s needs a value", a);
			if (!strcmp(a, "--socket")) {
				sock = argv[i];
			} else {
				char *end;
				unsigned long t = strtoul(argv[i], &end, 10);

				if (*end || !*argv[i] || !t || t > 3600)
					return cli_usage_error(
						usage_status,
						"--timeout takes 1 to 3600 seconds");
				timeout_s = (unsigned int)t;
			}
		} else if (!strcmp(a, "--wait")) {
			wait = true;
		} else if (a[0] == '-') {
			return cli_usage_error(usage_status,
					       "unknown option \"%s\"", a);
		} else if (!what) {
			what = a;
		} else if (!ep && what && !strcmp(what, "endpoint")) {
			ep = a;
		} else {
			return cli_usage_error(usage_status,
					       "unexpected \"%s\"", a);
		}
	}
	if (!what) {
		ret = call(sock, request("status"), 10000, &rep, 0);
		if (!ret && !cli_api_ok(rep, "status"))
			ret = EXIT_KERNEL;
		if (!ret) {
			if (cli.json)
				cli_print_json(rep);
			else
				print_status(rep);
		}
	} else if (!strcmp(what, "endpoints")) {
		req = request("get");
		json_object_object_add(req, "what",
				       json_object_new_string("endpoints"));
		ret = call(sock, req, 10000, &rep, 0);
		if (!ret && !cli_api_ok(rep, "status endpoints"))
			ret = EXIT_KERNEL;
		if (!ret && cli.json) {
			cli_print_json(cli_api_get(rep, "endpoints"));
		} else if (!ret) {
			struct json_object *arr = cli_api_get(rep, "endpoints");
			size_t n = arr ? json_object_array_length(arr) : 0, j;

			printf("%-40s %-16s %10s  %s\n", "ENDPOINT",
			       "INTERFACE", "GENERATION", "PROGRAMMED");
			for (j = 0; j < n; j++)
				print_endpoint(
					json_object_array_get_idx(arr, j));
		}
	} else if (!strcmp(what, "endpoint")) {
		if (!ep)
			return cli_usage_error(
				usage_status,
				"status endpoint needs an ENDPOINT");
		req = request("endpoint");
		json_object_object_add(req, "endpoint",
				       json_object_new_string(ep));
		if (wait) {
			json_object_object_add(req, "wait",
					       json_object_new_boolean(1));
			json_object_object_add(
				req, "timeoutMs",
				json_object_new_int64((int64_t)timeout_s *
						      1000));
		}
		ret = call(sock, req, timeout_s * 1000 + 10000, &rep,
			   wait ? timeout_s * 1000 : 0);
		if (!ret &&
		    !cli_api_ok(rep, cli.json ? NULL : "status endpoint"))
			ret = EXIT_KERNEL;
		if (cli.json && rep)
			cli_print_json(ret ? rep : cli_api_get(rep, "status"));
		else if (!ret)
			print_endpoint(cli_api_get(rep, "status"));
	} else if (!strcmp(what, "wait")) {
		req = request("wait");
		json_object_object_add(
			req, "timeoutMs",
			json_object_new_int64((int64_t)timeout_s * 1000));
		ret = call(sock, req, timeout_s * 1000 + 10000, &rep,
			   timeout_s * 1000);
		if (!ret && !cli_api_ok(rep, cli.json ? NULL : "status wait"))
			ret = EXIT_KERNEL;
		if (cli.json && rep)
			cli_print_json(rep);
		else if (!ret)
			printf("programmed: generation %lld (waited %lld ms)\n",
			       (long long)iget(rep, "generation"),
			       (long long)iget(rep, "waitedMs"));
	} else {
		return cli_usage_error(usage_status, "unknown \"%s\"", what);
	}
	json_object_put(rep);
	return ret;
}
