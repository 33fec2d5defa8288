// SPDX-License-Identifier: GPL-2.0-or-later
/* stratactl endpoint: workload and host endpoints, their policy lists. */
#include <errno.h>
#include "cli.h"

void usage_endpoint(FILE *f)
{
	fprintf(f,
		"Usage: stratactl endpoint { add | replace } id ID name NAME { workload | host }\n"
		"               iface IFNAME [ addr PREFIX[,PREFIX]... ] [ spoof PREFIX[,PREFIX]... ]\n"
		"               [ mark MARK ] [ no-match { allow | deny } ]\n"
		"               [ LIST { tier TIERID policies POLICYID[,POLICYID]... }... ]...\n"
		"               [ profiles POLICYID[,POLICYID]... ]\n"
		"       stratactl endpoint del { id ID | name NAME }\n"
		"       stratactl endpoint show [ id ID | name NAME ]\n"
		"LIST := { ingress | egress | untracked-ingress | untracked-egress |\n"
		"          prednat-ingress | forward-ingress | forward-egress }\n"
		"PREFIX := { ADDRESS | ADDRESS/LENGTH }\n");
}

static int collect(struct sc_endpoint *e, void *arg)
{
	if (cli_objs_push(arg, e, 0)) {
		sc_endpoint_put(e);
		return -ENOMEM;
	}
	return 0;
}

static int read_endpoints(struct strata_nl *nl, uint32_t id, const char *name,
			  struct cli_objs *out, struct strata_err *err)
{
	struct sc_endpoint *e;
	int ret;

	if (!id && !name)
		return strata_dump_endpoints(nl, collect, out, NULL, err);
	ret = strata_get_endpoint(nl, id, name, &e, err);
	return ret ? ret : collect(e, out);
}

static int emit_endpoint(struct strata_nl *nl, void *obj, uint32_t count,
			 struct json_object *arr, struct strata_err *err)
{
	if (arr)
		json_object_array_add(arr, strata_json_endpoint(obj));
	else
		strata_print_endpoint(stdout, obj);
	return 0;
}

static void put_endpoint(void *obj)
{
	sc_endpoint_put(obj);
}

const struct cli_kind cli_endpoint_kind = {
	.kind = SC_OBJ_ENDPOINT,
	.name = "endpoint",
	.usage = usage_endpoint,
	.read = read_endpoints,
	.emit = emit_endpoint,
	.put = put_endpoint,
};

int cmd_endpoint(int argc, char **argv)
{
	return cli_object(&cli_endpoint_kind, argc, argv);
}
