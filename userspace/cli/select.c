// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl select: which endpoints and network sets of the manifests a
 * selector matches, as a rule selector sees them (labels inherited from
 * profiles included, no namespace scoping), with the selector's
 * canonical form (the one IP sets are named after).
 */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cmp.h"

void usage_select(FILE *f)
{
	fprintf(f,
		"Usage: stratactl select SELECTOR [ -f ] PATH [ [ -f ] PATH ]... [ -o { text | json } ]\n"
		"PATH is a YAML or JSON manifest, a directory of them, or - (stdin).\n"
		"Prints the selector's canonical form, then every WorkloadEndpoint,\n"
		"HostEndpoint, NetworkSet and GlobalNetworkSet it matches.\n");
}

struct sel_out {
	struct json_object *arr;
	size_t n;
};

static const char *short_kind(int k)
{
	switch (k) {
	case RES_WEP:
		return "WorkloadEndpoint";
	case RES_HEP:
		return "HostEndpoint";
	case RES_NETSET:
		return "NetworkSet";
	default:
		return "GlobalNetworkSet";
	}
}

static void print_item(void *arg, const struct cmp_item *it)
{
	struct sel_out *o = arg;
	char buf[STRATA_FMT_LEN];
	size_t i;

	o->n++;
	if (o->arr) {
		struct json_object *x = json_object_new_object(), *a, *l;

		json_object_object_add(
			x, "kind",
			json_object_new_string(res_kind_name(it->res_kind)));
		if (*it->ns)
			json_object_object_add(x, "namespace",
					       json_object_new_string(it->ns));
		json_object_object_add(x, "name",
				       json_object_new_string(it->name));
		if (it->node)
			json_object_object_add(
				x, "node", json_object_new_string(it->node));
		a = json_object_new_array();
		for (i = 0; i < it->n_addrs; i++)
			json_object_array_add(
				a, json_object_new_string(strata_fmt_prefix(
					   &it->addrs[i], buf, sizeof(buf))));
		json_object_object_add(x, "addresses", a);
		l = json_object_new_object();
		for (i = 0; i < it->labels.n; i++)
			json_object_object_add(
				l, it->labels.v[i].key,
				json_object_new_string(it->labels.v[i].value));
		json_object_object_add(x, "labels", l);
		json_object_array_add(o->arr, x);
		return;
	}
	printf("%-17s %-16s %-40s %-12s", short_kind(it->res_kind),
	       *it->ns ? it->ns : "-", it->name, it->node ? it->node : "-");
	for (i = 0; i < it->n_addrs; i++)
		printf("%s%s", i ? "," : " ",
		       strata_fmt_prefix(&it->addrs[i], buf, sizeof(buf)));
	if (!it->n_addrs)
		printf(" -");
	putchar('\n');
}

int cmd_select(int argc, char **argv)
{
	const char **paths = calloc((size_t)argc + 1, sizeof(*paths));
	struct sel_out out = { 0 };
	const char *text = NULL;
	struct cmp *c = NULL;
	struct rset *s = NULL;
	struct res **v = NULL;
	struct sel *sel = NULL;
	struct sel_err serr;
	size_t n_paths = 0, n, i;
	struct diags d;
	int ret = EXIT_OK;

	diags_init(&d);
	if (!paths)
		return EXIT_INVALID;
	for (i = 0; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--filename")) {
			if (i + 1 == (size_t)argc) {
				ret = cli_usage_error(usage_select,
						      "%s needs a path",
						      argv[i]);
				goto out;
			}
			paths[n_paths++] = argv[++i];
		} else if (!strcmp(argv[i], "-o")) {
			if (i + 1 == (size_t)argc ||
			    (strcmp(argv[i + 1], "json") &&
			     strcmp(argv[i + 1], "text"))) {
				ret = cli_usage_error(
					usage_select,
					"-o needs \"text\" or \"json\"");
				goto out;
			}
			cli.json = !strcmp(argv[++i], "json");
		} else if (text && argv[i][0] == '-' && argv[i][1]) {
			ret = cli_usage_error(usage_select,
					      "unknown option \"%s\"", argv[i]);
			goto out;
		} else if (!text) {
			text = argv[i];
		} else {
			paths[n_paths++] = argv[i];
		}
	}
	if (!text) {
		ret = cli_usage_error(usage_select, "a selector is needed");
		goto out;
	}
	if (!n_paths) {
		ret = cli_usage_error(usage_select, "a path is needed");
		goto out;
	}
	if (sel_parse(text, 0, &sel, &serr)) {
		fprintf(stderr, "%s: select: %s\n", cli.prog, serr.msg);
		ret = EXIT_INVALID;
		goto out;
	}
	s = rset_new(true);
	ret = rset_load(s, paths, n_paths, 0, &d);
	diags_sort(&d);
	diags_print(&d, stderr);
	if (ret || d.errors) {
		fprintf(stderr, "%s: select: %u error%s in the manifests\n",
			cli.prog, d.errors, d.errors == 1 ? "" : "s");
		ret = EXIT_INVALID;
		goto out;
	}
	c = cmp_new("", NULL);
	n = rset_list(s, -1, NULL, &v);
	for (i = 0; i < n; i++)
		cmp_upsert(c, v[i]);
	if (cli.json) {
		struct json_object *o = json_object_new_object();

		out.arr = json_object_new_array();
		cmp_select(c, sel, print_item, &out);
		json_object_object_add(o, "selector",
				       json_object_new_string(sel_str(sel)));
		json_object_object_add(o, "matches", out.arr);
		cli_print_json(o);
		json_object_put(o);
	} else {
		printf("selector: %s\n", sel_str(sel));
		printf("%-17s %-16s %-40s %-12s %s\n", "KIND", "NAMESPACE",
		       "NAME", "NODE", "ADDRESSES");
		cmp_select(c, sel, print_item, &out);
	}
	ret = EXIT_OK;
out:
	free(v);
	cmp_free(c);
	rset_free(s);
	sel_put(sel);
	diags_release(&d);
	free(paths);
	return ret;
}
