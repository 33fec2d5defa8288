// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl get: show resources as Calico shows them (calicoctl get),
 * read from files (-f) or, without -f, from the running stratad over its
 * local API ({"command":"get","what":"resources"}, stratad(8)). Either
 * way the resources are printed by the same code: YAML and JSON print
 * Calico's objects (read back, they give the same resources), tables
 * print one line per resource.
 */
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "res.h"

void usage_get(FILE *f)
{
	fprintf(f,
		"Usage: stratactl get KIND [ NAME ] [ -n NAMESPACE | -A ]\n"
		"                     [ { -f PATH }... | --socket PATH ]\n"
		"                     [ -o { yaml | json | wide | table } ]\n"
		"KIND := { tier | globalnetworkpolicy | gnp | networkpolicy | np |\n"
		"          stagedglobalnetworkpolicy | sgnp | stagednetworkpolicy | snp |\n"
		"          profile | hostendpoint | hep | workloadendpoint | wep |\n"
		"          globalnetworkset | gns | networkset | netset | all }\n"
		"PATH is a file, a directory or - (see stratactl validate). Without -f,\n"
		"the resources of the running stratad (asked over its local API:\n"
		"--socket, default $STRATAD_SOCKET or /run/strata/stratad.sock).\n"
		"Kubernetes objects show as what Calico makes of them (NetworkPolicy\n"
		"knp.default.*, profiles kns.* and ksa.*, workload endpoints of pods,\n"
		"kube-admin and kube-baseline policies); every cluster's built-in tiers\n"
		"and profile are included. Namespaced kinds show namespace \"default\"\n"
		"unless -n or -A.\n");
}

struct gopts {
	const char **paths;
	size_t n_paths;
	const char *ns, *name, *sock;
	bool all_ns;
	int kind; /* enum res_kind, -1 all */
	enum res_fmt fmt;
};

static int parse_args(int argc, char **argv, struct gopts *o)
{
	int a;

	o->fmt = cli.json ? RES_FMT_JSON : RES_FMT_TABLE;
	o->ns = "default";
	o->kind = -2;
	for (a = 0; a < argc; a++) {
		const char *w = argv[a];

		if (!strcmp(w, "-f") || !strcmp(w, "--filename") ||
		    !strcmp(w, "-n") || !strcmp(w, "--namespace") ||
		    !strcmp(w, "-o") || !strcmp(w, "--socket")) {
			if (a + 1 >= argc)
				return cli_usage_error(
					usage_get, "%s needs an argument", w);
			a++;
			if (!strcmp(w, "-f") || !strcmp(w, "--filename")) {
				o->paths[o->n_paths++] = argv[a];
			} else if (!strcmp(w, "-n") ||
				   !strcmp(w, "--namespace")) {
				o->ns = argv[a];
				o->all_ns = false;
			} else if (!strcmp(w, "--socket")) {
				o->sock = argv[a];
			} else if (!strcmp(argv[a], "yaml")) {
				o->fmt = RES_FMT_YAML;
			} else if (!strcmp(argv[a], "json")) {
				o->fmt = RES_FMT_JSON;
			} else if (!strcmp(argv[a], "wide")) {
				o->fmt = RES_FMT_WIDE;
			} else if (!strcmp(argv[a], "table")) {
				o->fmt = RES_FMT_TABLE;
			} else {
				return cli_usage_error(
					usage_get,
					"unknown output format \"%s\"",
					argv[a]);
			}
		} else if (!strcmp(w, "-A") || !strcmp(w, "--all-namespaces")) {
			o->all_ns = true;
		} else if (w[0] == '-' && w[1]) {
			return cli_usage_error(usage_get,
					       "unknown option \"%s\"", w);
		} else if (o->kind == -2) {
			o->kind = strcmp(w, "all") ? res_kind_parse(w) : -1;
			if (o->kind == -2 ||
			    (o->kind == -1 && strcmp(w, "all")))
				return cli_usage_error(
					usage_get, "unknown kind \"%s\"", w);
		} else if (!o->name) {
			o->name = w;
		} else {
			return cli_usage_error(usage_get, "unexpected \"%s\"",
					       w);
		}
	}
	if (o->kind == -2)
		return cli_usage_error(usage_get, "a kind is needed");
	if (o->n_paths && o->sock)
		return cli_usage_error(
			usage_get,
			"-f reads files and --socket the daemon: give one");
	if (o->name && (o->kind < 0 || o->all_ns))
		return cli_usage_error(
			usage_get,
			"a NAME needs one kind and one namespace (not all, not -A)");
	if ((o->fmt == RES_FMT_TABLE || o->fmt == RES_FMT_WIDE) && o->kind < 0)
		return cli_usage_error(usage_get,
				       "\"all\" prints YAML or JSON (-o)");
	return EXIT_OK;
}

/*
 * Print @v (@count resources of the kind and namespace asked for), or
 * the one named: the same for files and for the daemon.
 */
static int print_found(const struct gopts *o, struct res **v, size_t count)
{
	enum res_kind k = (enum res_kind)o->kind;
	bool nsd = o->kind >= 0 && res_kind_namespaced(k);
	size_t i;

	if (o->name) {
		for (i = 0; i < count; i++)
			if (!strcmp(v[i]->name, o->name))
				break;
		if (i == count) {
			fprintf(stderr, "%s: get: %s \"%s\"%s%s not found\n",
				cli.prog, res_kind_name(k), o->name,
				nsd ? " in namespace " : "", nsd ? o->ns : "");
			return EXIT_INVALID;
		}
		return res_print(stdout, &v[i], 1, o->fmt, o->all_ns)
			       ? EXIT_INVALID
			       : EXIT_OK;
	}
	if (!count && (o->fmt == RES_FMT_TABLE || o->fmt == RES_FMT_WIDE)) {
		fprintf(stderr, "%s: get: no %s%s%s\n", cli.prog,
			res_kind_name(k),
			nsd && !o->all_ns ? " in namespace " : "",
			nsd && !o->all_ns ? o->ns : "");
		return EXIT_OK;
	}
	return res_print(stdout, v, count, o->fmt, o->all_ns) ? EXIT_INVALID
							      : EXIT_OK;
}

static int from_files(const struct gopts *o)
{
	struct rset *set = rset_new(true);
	struct diags d;
	struct res **v;
	size_t count;
	int ret;

	diags_init(&d);
	rset_load(set, o->paths, o->n_paths, 0, &d);
	diags_sort(&d);
	diags_print(&d, stderr);
	if (d.errors) {
		fprintf(stderr, "%s: get: %u error%s in the input\n", cli.prog,
			d.errors, d.errors == 1 ? "" : "s");
		ret = EXIT_INVALID;
	} else {
		count = rset_list(set, o->kind, o->all_ns ? NULL : o->ns, &v);
		ret = print_found(o, v, count);
		free(v);
	}
	rset_free(set);
	diags_release(&d);
	return ret;
}

/* The running stratad's resources: asked for, read back into resources,
 * printed as from files. */
static int from_daemon(const struct gopts *o)
{
	const char *path = cli_api_socket(o->sock);
	struct json_object *req = json_object_new_object(), *rep = NULL, *arr;
	struct res_list l = { 0 };
	struct diags d;
	size_t i, n;
	int fd, ret;

	json_object_object_add(req, "command", json_object_new_string("get"));
	json_object_object_add(req, "what",
			       json_object_new_string("resources"));
	if (o->kind >= 0)
		json_object_object_add(req, "kind",
				       json_object_new_string(res_kind_name(
					       (enum res_kind)o->kind)));
	if (!o->all_ns)
		json_object_object_add(req, "namespace",
				       json_object_new_string(o->ns));
	ret = cli_api_connect(path, &fd);
	if (ret) {
		if (ret == EXIT_UNREACHABLE)
			fprintf(stderr,
				"%s: get: without -f, get shows the running stratad's resources (-f PATH reads files)\n",
				cli.prog);
		json_object_put(req);
		return ret;
	}
	ret = cli_api_call(fd, req, 30000, &rep);
	close(fd);
	json_object_put(req);
	if (ret)
		return ret;
	if (!cli_api_ok(rep, "get")) {
		json_object_put(rep);
		return EXIT_KERNEL;
	}
	arr = cli_api_get(rep, "resources");
	if (!arr || !json_object_is_type(arr, json_type_array)) {
		fprintf(stderr, "%s: get: stratad's reply has no resources\n",
			cli.prog);
		json_object_put(rep);
		return EXIT_UNREACHABLE;
	}
	diags_init(&d);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		res_parse_object(json_object_array_get_idx(arr, i),
				 RES_F_LENIENT, &l, &d);
	if (d.errors) {
		diags_print(&d, stderr);
		fprintf(stderr,
			"%s: get: %u of stratad's resources do not read back\n",
			cli.prog, d.errors);
		ret = EXIT_INVALID;
	} else {
		ret = print_found(o, l.v, l.n);
	}
	res_list_release(&l);
	diags_release(&d);
	json_object_put(rep);
	return ret;
}

int cmd_get(int argc, char **argv)
{
	struct gopts o = { 0 };
	int ret;

	o.paths = calloc((size_t)argc + 1, sizeof(*o.paths));
	if (!o.paths)
		return EXIT_INVALID;
	ret = parse_args(argc, argv, &o);
	if (!ret)
		ret = o.n_paths ? from_files(&o) : from_daemon(&o);
	free(o.paths);
	return ret;
}
