// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl validate: read Calico and Kubernetes manifests (files,
 * directories, standard input) and report every error and warning with its
 * file, line, column and field; nothing is applied.
 */
#include <string.h>
#include "cli.h"
#include "res.h"

void usage_validate(FILE *f)
{
	fprintf(f,
		"Usage: stratactl validate [ -q ] [ -o { text | json } ] { -f PATH | PATH }...\n"
		"PATH is a YAML or JSON file (many documents, \"---\"), a directory (its\n"
		"*.yaml, *.yml and *.json files) or - for standard input. Kinds read:\n"
		"projectcalico.org/v3 Tier, GlobalNetworkPolicy, NetworkPolicy,\n"
		"StagedGlobalNetworkPolicy, StagedNetworkPolicy,\n"
		"StagedKubernetesNetworkPolicy, Profile, HostEndpoint, WorkloadEndpoint,\n"
		"GlobalNetworkSet, NetworkSet; networking.k8s.io/v1 NetworkPolicy;\n"
		"v1 Namespace, ServiceAccount, Pod; policy.networking.k8s.io\n"
		"AdminNetworkPolicy, BaselineAdminNetworkPolicy (v1alpha1),\n"
		"ClusterNetworkPolicy (v1alpha2); Lists of them.\n"
		"Messages: FILE:LINE:COLUMN: FIELD: MESSAGE, on standard error.\n"
		"Exit status 0 without errors (warnings allowed), 2 with errors.\n");
}

static int report_json(const struct diags *d, size_t resources)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array(), *m;
	size_t i;

	json_object_object_add(o, "valid",
			       json_object_new_boolean(d->errors == 0));
	json_object_object_add(o, "resources",
			       json_object_new_int64((int64_t)resources));
	json_object_object_add(o, "errors", json_object_new_int(d->errors));
	json_object_object_add(o, "warnings", json_object_new_int(d->warnings));
	for (i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		m = json_object_new_object();
		json_object_object_add(
			m, "severity",
			json_object_new_string(
				g->sev == DIAG_ERROR ? "error" : "warning"));
		if (g->file)
			json_object_object_add(m, "file",
					       json_object_new_string(g->file));
		if (g->origin)
			json_object_object_add(
				m, "object", json_object_new_string(g->origin));
		if (g->line) {
			json_object_object_add(m, "line",
					       json_object_new_int(g->line));
			json_object_object_add(m, "column",
					       json_object_new_int(g->col));
		}
		json_object_object_add(m, "path",
				       json_object_new_string(g->path));
		json_object_object_add(m, "message",
				       json_object_new_string(g->msg));
		json_object_array_add(a, m);
	}
	json_object_object_add(o, "messages", a);
	cli_print_json(o);
	json_object_put(o);
	return d->errors ? EXIT_INVALID : EXIT_OK;
}

int cmd_validate(int argc, char **argv)
{
	const char **paths;
	struct rset *set;
	struct diags d;
	size_t n = 0, resources, i;
	bool json = cli.json, quiet = false;
	int k, ret;

	paths = calloc((size_t)argc + 1, sizeof(*paths));
	if (!paths)
		return EXIT_INVALID;
	for (k = 0; k < argc; k++) {
		if (!strcmp(argv[k], "-f") || !strcmp(argv[k], "--filename")) {
			if (k + 1 >= argc) {
				free(paths);
				return cli_usage_error(usage_validate,
						       "-f needs a path");
			}
			paths[n++] = argv[++k];
		} else if (!strcmp(argv[k], "-o")) {
			if (k + 1 >= argc || (strcmp(argv[k + 1], "json") &&
					      strcmp(argv[k + 1], "text"))) {
				free(paths);
				return cli_usage_error(
					usage_validate,
					"-o needs \"text\" or \"json\"");
			}
			json = !strcmp(argv[++k], "json");
		} else if (!strcmp(argv[k], "-q") ||
			   !strcmp(argv[k], "--quiet")) {
			quiet = true;
		} else if (argv[k][0] == '-' && argv[k][1]) {
			free(paths);
			return cli_usage_error(usage_validate,
					       "unknown option \"%s\"",
					       argv[k]);
		} else {
			paths[n++] = argv[k];
		}
	}
	if (!n) {
		free(paths);
		return cli_usage_error(usage_validate, "a path is needed");
	}
	diags_init(&d);
	set = rset_new(true);
	rset_load(set, paths, n, 0, &d);
	diags_sort(&d);
	resources = rset_count(set, -1);
	{
		struct res **v;
		size_t all = rset_list(set, -1, NULL, &v);

		for (i = 0; i < all; i++)
			if (v[i]->builtin)
				resources--;
		free(v);
	}
	if (json) {
		ret = report_json(&d, resources);
	} else {
		diags_print(&d, stderr);
		if (d.errors) {
			fprintf(stderr, "%s: %u error%s, %u warning%s\n",
				cli.prog, d.errors, d.errors == 1 ? "" : "s",
				d.warnings, d.warnings == 1 ? "" : "s");
			ret = EXIT_INVALID;
		} else {
			if (!quiet)
				printf("%zu resource%s valid%s\n", resources,
				       resources == 1 ? "" : "s",
				       d.warnings ? " (with warnings)" : "");
			ret = EXIT_OK;
		}
	}
	rset_free(set);
	diags_release(&d);
	free(paths);
	return ret;
}
