// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl get: show resources as Calico shows them (calicoctl get),
 * read from files; YAML and JSON print Calico's objects (read back, they
 * give the same resources), tables print one line per resource.
 */
#include <string.h>
#include "cli.h"
#include "res.h"

void usage_get(FILE *f)
{
	fprintf(f,
		"Usage: stratactl get KIND [ NAME ] [ -n NAMESPACE | -A ]\n"
		"                     { -f PATH }... [ -o { yaml | json | wide | table } ]\n"
		"KIND := { tier | globalnetworkpolicy | gnp | networkpolicy | np |\n"
		"          stagedglobalnetworkpolicy | sgnp | stagednetworkpolicy | snp |\n"
		"          profile | hostendpoint | hep | workloadendpoint | wep |\n"
		"          globalnetworkset | gns | networkset | netset | all }\n"
		"PATH is a file, a directory or - (see stratactl validate). Kubernetes\n"
		"objects show as what Calico makes of them (NetworkPolicy knp.default.*,\n"
		"profiles kns.* and ksa.*, workload endpoints of pods, kube-admin and\n"
		"kube-baseline policies); every cluster's built-in tiers and profile are\n"
		"included. Namespaced kinds show namespace \"default\" unless -n or -A.\n");
}

int cmd_get(int argc, char **argv)
{
	enum res_fmt fmt = cli.json ? RES_FMT_JSON : RES_FMT_TABLE;
	const char *ns = "default", *name = NULL, **paths;
	struct res **v, *one;
	struct rset *set;
	struct diags d;
	bool all_ns = false;
	size_t n = 0, count;
	int kind = -2, a, ret = EXIT_OK;

	paths = calloc((size_t)argc + 1, sizeof(*paths));
	if (!paths)
		return EXIT_INVALID;
	for (a = 0; a < argc; a++) {
		const char *w = argv[a];

		if (!strcmp(w, "-f") || !strcmp(w, "--filename") ||
		    !strcmp(w, "-n") || !strcmp(w, "--namespace") ||
		    !strcmp(w, "-o")) {
			if (a + 1 >= argc) {
				free(paths);
				return cli_usage_error(
					usage_get, "%s needs an argument", w);
			}
			a++;
			if (w[1] == 'f' || !strcmp(w, "--filename")) {
				paths[n++] = argv[a];
			} else if (w[1] == 'n' || !strcmp(w, "--namespace")) {
				ns = argv[a];
				all_ns = false;
			} else if (!strcmp(argv[a], "yaml")) {
				fmt = RES_FMT_YAML;
			} else if (!strcmp(argv[a], "json")) {
				fmt = RES_FMT_JSON;
			} else if (!strcmp(argv[a], "wide")) {
				fmt = RES_FMT_WIDE;
			} else if (!strcmp(argv[a], "table")) {
				fmt = RES_FMT_TABLE;
			} else {
				free(paths);
				return cli_usage_error(
					usage_get,
					"unknown output format \"%s\"",
					argv[a]);
			}
		} else if (!strcmp(w, "-A") || !strcmp(w, "--all-namespaces")) {
			all_ns = true;
		} else if (w[0] == '-' && w[1]) {
			free(paths);
			return cli_usage_error(usage_get,
					       "unknown option \"%s\"", w);
		} else if (kind == -2) {
			kind = strcmp(w, "all") ? res_kind_parse(w) : -1;
			if (kind == -2 || (kind == -1 && strcmp(w, "all"))) {
				free(paths);
				return cli_usage_error(
					usage_get, "unknown kind \"%s\"", w);
			}
		} else if (!name) {
			name = w;
		} else {
			free(paths);
			return cli_usage_error(usage_get, "unexpected \"%s\"",
					       w);
		}
	}
	if (kind == -2) {
		free(paths);
		return cli_usage_error(usage_get, "a kind is needed");
	}
	if (!n) {
		free(paths);
		return cli_usage_error(
			usage_get,
			"-f PATH is needed (reading from stratad is not available yet)");
	}
	if (name && (kind < 0 || all_ns)) {
		free(paths);
		return cli_usage_error(
			usage_get,
			"a NAME needs one kind and one namespace (not all, not -A)");
	}
	if ((fmt == RES_FMT_TABLE || fmt == RES_FMT_WIDE) && kind < 0) {
		free(paths);
		return cli_usage_error(usage_get,
				       "\"all\" prints YAML or JSON (-o)");
	}
	diags_init(&d);
	set = rset_new(true);
	rset_load(set, paths, n, 0, &d);
	diags_sort(&d);
	diags_print(&d, stderr);
	if (d.errors) {
		fprintf(stderr, "%s: get: %u error%s in the input\n", cli.prog,
			d.errors, d.errors == 1 ? "" : "s");
		ret = EXIT_INVALID;
		goto out;
	}
	if (name) {
		one = rset_get(set, (enum res_kind)kind, ns, name);
		if (!one) {
			fprintf(stderr, "%s: get: %s \"%s\"%s%s not found\n",
				cli.prog, res_kind_name((enum res_kind)kind),
				name,
				res_kind_namespaced((enum res_kind)kind)
					? " in namespace "
					: "",
				res_kind_namespaced((enum res_kind)kind) ? ns
									 : "");
			ret = EXIT_INVALID;
			goto out;
		}
		if (res_print(stdout, &one, 1, fmt, all_ns))
			ret = EXIT_INVALID;
		goto out;
	}
	count = rset_list(set, kind, all_ns ? NULL : ns, &v);
	if (!count && (fmt == RES_FMT_TABLE || fmt == RES_FMT_WIDE)) {
		fprintf(stderr, "%s: get: no %s%s%s\n", cli.prog,
			res_kind_name((enum res_kind)kind),
			res_kind_namespaced((enum res_kind)kind) && !all_ns
				? " in namespace "
				: "",
			res_kind_namespaced((enum res_kind)kind) && !all_ns
				? ns
				: "");
	} else if (res_print(stdout, v, count, fmt, all_ns)) {
		ret = EXIT_INVALID;
	}
	free(v);
out:
	rset_free(set);
	diags_release(&d);
	free(paths);
	return ret;
}
