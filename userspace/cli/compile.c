// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl compile: Calico and Kubernetes manifests and a node name to
 * the kernel objects of that node (policy/cmp.h), printed as a batch file
 * or JSON, shown as the changes the running kernel needs (--diff), or
 * applied: as one transaction that changes only what differs from the
 * kernel's state (--apply), or as one state image (--apply --image).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "cmp.h"

void usage_compile(FILE *f)
{
	fprintf(f,
		"Usage: stratactl compile [ -f ] PATH [ [ -f ] PATH ]... [ --node NODE ]\n"
		"                         [ --reject ] [ --felix KEY=VALUE ]...\n"
		"                         [ --diff | --apply [ --image ] ] [ -o { text | json } ]\n"
		"PATH is a YAML or JSON manifest, a directory of them, or - (stdin).\n"
		"NODE defaults to this host's name. Prints the node's kernel objects\n"
		"as a batch file (-o json: as JSON); --diff prints the changes the\n"
		"kernel needs; --apply makes them, as one transaction; --image loads\n"
		"the whole state as one image instead. --reject makes Deny rules\n"
		"reject; --felix sets FelixConfiguration keys (DefaultEndpointToHostAction,\n"
		"FailsafeInboundHostPorts, FailsafeOutboundHostPorts, InterfacePrefix,\n"
		"AllowIPIPPacketsFromWorkloads, AllowVXLANPacketsFromWorkloads,\n"
		"VXLANPort, IptablesMarkMask, DisableConntrackInvalidCheck).\n");
}

struct copts {
	const char **paths;
	size_t n_paths;
	const char *node;
	bool apply, image, diff, reject;
	char **felix;
	size_t n_felix;
};

static int parse_args(int argc, char **argv, struct copts *o)
{
	int i;

	o->paths = calloc((size_t)argc + 1, sizeof(*o->paths));
	o->felix = calloc((size_t)argc + 1, sizeof(*o->felix));
	if (!o->paths || !o->felix)
		return cli_usage_error(usage_compile, "out of memory");
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-f") || !strcmp(a, "--filename")) {
			if (++i == argc)
				return cli_usage_error(usage_compile,
						       "%s needs a path", a);
			o->paths[o->n_paths++] = argv[i];
		} else if (!strcmp(a, "--node")) {
			if (++i == argc)
				return cli_usage_error(usage_compile,
						       "--node needs a name");
			o->node = argv[i];
		} else if (!strcmp(a, "--felix")) {
			if (++i == argc || !strchr(argv[i], '='))
				return cli_usage_error(
					usage_compile,
					"--felix needs KEY=VALUE");
			o->felix[o->n_felix++] = argv[i];
		} else if (!strcmp(a, "--apply")) {
			o->apply = true;
		} else if (!strcmp(a, "--image")) {
			o->image = true;
		} else if (!strcmp(a, "--diff")) {
			o->diff = true;
		} else if (!strcmp(a, "--reject")) {
			o->reject = true;
		} else if (!strcmp(a, "-o")) {
			if (++i == argc || (strcmp(argv[i], "json") &&
					    strcmp(argv[i], "text")))
				return cli_usage_error(
					usage_compile,
					"-o needs \"text\" or \"json\"");
			cli.json = !strcmp(argv[i], "json");
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error(usage_compile,
					       "unknown option \"%s\"", a);
		} else {
			o->paths[o->n_paths++] = a;
		}
	}
	if (!o->n_paths)
		return cli_usage_error(usage_compile, "a path is needed");
	if (o->image && !o->apply)
		return cli_usage_error(usage_compile,
				       "--image goes with --apply");
	if (o->diff && o->apply)
		return cli_usage_error(usage_compile,
				       "--diff and --apply exclude each other");
	return EXIT_OK;
}

/* The FelixConfiguration keys on top of @s. */
static int felix_settings(const struct copts *o, struct sc_settings *s)
{
	char why[160];
	size_t i;

	for (i = 0; i < o->n_felix; i++) {
		const char *kv = o->felix[i], *eq = strchr(kv, '=');
		char key[64];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
		if (cmp_felix_setting(s, key, eq + 1, why, sizeof(why))) {
			fprintf(stderr, "%s: compile: --felix %s: %s\n",
				cli.prog, key, why);
			return EXIT_INVALID;
		}
	}
	return EXIT_OK;
}

/* Read the manifests and give every resource to a new compiler. */
static int load(const struct copts *o, const char *node, struct cmp **out)
{
	struct cmp_config cfg = { 0 };
	struct rset *s = rset_new(true);
	struct res **v = NULL;
	struct diags d;
	size_t n, i;
	int ret;

	diags_init(&d);
	ret = rset_load(s, o->paths, o->n_paths, 0, &d);
	diags_sort(&d);
	diags_print(&d, stderr);
	if (ret || d.errors) {
		fprintf(stderr, "%s: compile: %u error%s in the manifests\n",
			cli.prog, d.errors, d.errors == 1 ? "" : "s");
		diags_release(&d);
		rset_free(s);
		return EXIT_INVALID;
	}
	diags_release(&d);
	if (o->reject)
		cfg.deny_action = STRATA_ACT_REJECT;
	*out = cmp_new(node, &cfg);
	n = rset_list(s, -1, NULL, &v);
	for (i = 0; i < n; i++)
		cmp_upsert(*out, v[i]);
	free(v);
	rset_free(s);
	return EXIT_OK;
}

static void problems(const struct cmp *c)
{
	struct diags d;

	diags_init(&d);
	cmp_problems(c, &d);
	diags_print(&d, stderr);
	diags_release(&d);
}

/* Keep the ids the kernel uses for the names it has (an image replaces
 * everything, but counters and flow logs read better with stable ids). */
static int seed_ids(struct cmp *c, const struct strata_batch *k)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		const struct strata_op *op = &k->ops[i];
		const char *name = NULL;
		uint32_t id = 0;

		switch (op->kind) {
		case SC_OBJ_TIER:
			name = op->tier ? op->tier->name : NULL;
			id = op->tier ? op->tier->id : 0;
			break;
		case SC_OBJ_POLICY:
			name = op->policy ? op->policy->name : NULL;
			id = op->policy ? op->policy->id : 0;
			break;
		case SC_OBJ_IPSET:
			name = op->ipset ? op->ipset->name : NULL;
			id = op->ipset ? op->ipset->id : 0;
			break;
		case SC_OBJ_ENDPOINT:
			name = op->endpoint ? op->endpoint->name : NULL;
			id = op->endpoint ? op->endpoint->id : 0;
			break;
		}
		if (op->type == STRATA_OP_PUT && name)
			cmp_seed_id(c, op->kind, name, id);
	}
	return 0;
}

static int apply_image(struct cmp *c, const struct sc_settings *s)
{
	struct strata_image_in in = { 0 };
	struct strata_err err;
	struct cmp_view v;
	uint64_t gen = 0;
	void *img = NULL;
	size_t len = 0;
	int fd, ret;

	cmp_flush(c, NULL);
	problems(c);
	cmp_desired(c, &v);
	in.settings = s;
	in.tiers = v.tiers;
	in.n_tiers = v.n_tiers;
	in.policies = v.policies;
	in.n_policies = v.n_policies;
	in.ipsets = v.ipsets;
	in.n_ipsets = v.n_ipsets;
	in.endpoints = v.endpoints;
	in.n_endpoints = v.n_endpoints;
	ret = strata_image_build(&in, &img, &len, &err);
	cmp_view_release(&v);
	if (ret)
		return cli_fail(&err, "compile: image");
	fd = strata_dev_open(&err);
	if (fd < 0) {
		free(img);
		return cli_fail(&err, "compile: image");
	}
	ret = strata_dev_load_image(fd, img, len, &gen, &err);
	close(fd);
	free(img);
	if (ret)
		return cli_fail(&err, "compile: image");
	if (cli.json)
		printf("{ \"image_bytes\": %zu, \"generation\": %llu }\n", len,
		       (unsigned long long)gen);
	else
		printf("loaded a %zu-byte image: generation %llu\n", len,
		       (unsigned long long)gen);
	return EXIT_OK;
}

static int against_kernel(const struct copts *o, struct cmp *c)
{
	const struct strata_op *failed;
	struct strata_batch k, ops;
	struct sc_settings s;
	struct strata_err err;
	struct strata_nl *nl;
	uint64_t gen = 0;
	size_t i;
	int ret;

	ret = cli_connect(&nl);
	if (ret)
		return ret;
	strata_batch_init(&k);
	strata_batch_init(&ops);
	if (cmp_dump_kernel(nl, &k, &err)) {
		ret = cli_fail(&err, "compile: reading the kernel's state");
		goto out;
	}
	s = *k.ops[0].settings; /* cmp_dump_kernel() gives them first */
	if (o->n_felix) {
		ret = felix_settings(o, &s);
		if (ret)
			goto out;
		cmp_set_settings(c, &s);
	}
	if (o->image) {
		seed_ids(c, &k);
		strata_nl_close(nl);
		nl = NULL;
		ret = apply_image(c, &s);
		goto out;
	}
	cmp_set_kernel(c, &k);
	cmp_flush(c, &ops);
	problems(c);
	if (o->diff) {
		for (i = 0; i < ops.n; i++)
			cmp_print_op(stdout, &ops.ops[i]);
		ret = EXIT_OK;
		goto out;
	}
	if (ops.n && strata_batch_apply(nl, &ops, &gen, &failed, &err)) {
		ret = cli_fail(&err, "compile: apply");
		goto out;
	}
	if (cli.json)
		printf("{ \"changes\": %zu, \"generation\": %llu }\n", ops.n,
		       (unsigned long long)gen);
	else if (ops.n)
		printf("applied %zu change%s: generation %llu\n", ops.n,
		       ops.n == 1 ? "" : "s", (unsigned long long)gen);
	else
		printf("nothing to change\n");
	ret = EXIT_OK;
out:
	strata_batch_release(&ops);
	strata_batch_release(&k);
	strata_nl_close(nl);
	return ret;
}

int cmd_compile(int argc, char **argv)
{
	struct copts o = { 0 };
	char host[256];
	struct cmp *c = NULL;
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		goto out;
	if (!o.node) {
		if (gethostname(host, sizeof(host)))
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		o.node = host;
	}
	ret = load(&o, o.node, &c);
	if (ret)
		goto out;
	if (o.apply || o.diff) {
		ret = against_kernel(&o, c);
		goto out;
	}
	if (o.n_felix) {
		static const struct sc_limits caps = { 0 };
		struct sc_settings s;

		sc_settings_default(&s, &caps);
		ret = felix_settings(&o, &s);
		if (ret)
			goto out;
		cmp_set_settings(c, &s);
	}
	cmp_flush(c, NULL);
	problems(c);
	if (cli.json) {
		struct json_object *j = cmp_json(c);

		cli_print_json(j);
		json_object_put(j);
	} else {
		cmp_print(c, stdout);
	}
	ret = EXIT_OK;
out:
	cmp_free(c);
	free(o.paths);
	free(o.felix);
	return ret;
}
