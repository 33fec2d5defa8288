// SPDX-License-Identifier: GPL-2.0-or-later
/* stratactl policy: policies and profiles, and their rules. */
#include <errno.h>
#include "cli.h"

void usage_policy(FILE *f)
{
	fprintf(f,
		"Usage: stratactl policy { add | replace } id ID name NAME [ RULE ]...\n"
		"       stratactl policy del { id ID | name NAME }\n"
		"       stratactl policy show [ id ID | name NAME ]\n"
		"RULE := { ingress | egress } ACTION [ MATCH ]...\n"
		"ACTION := { allow | deny | pass | log | reject }\n"
		"MATCH := { ip-version { 4 | 6 } | proto PROTO | not-proto PROTO |\n"
		"           icmp-type TYPE | icmp-code CODE |\n"
		"           not-icmp-type TYPE | not-icmp-code CODE |\n"
		"           { src | dst }-{ net | not-net } PREFIX[,PREFIX]... |\n"
		"           { src | dst }-{ set | not-set } SETID[,SETID]... |\n"
		"           { src | dst }-{ port | not-port } PORTS[,PORTS]... |\n"
		"           { src | dst }-{ port-set | not-port-set } SETID[,SETID]... |\n"
		"           sport PORTS[,PORTS]... | dport PORTS[,PORTS]... |\n"
		"           cookie NUMBER }\n"
		"PROTO := { tcp | udp | icmp | icmpv6 | sctp | udplite | 1..255 }\n"
		"PORTS := { PORT | FIRST:LAST }\n"
		"PREFIX := { ADDRESS | ADDRESS/LENGTH }\n");
}

static int collect(struct sc_policy *p, void *arg)
{
	if (cli_objs_push(arg, p, 0)) {
		sc_policy_put(p);
		return -ENOMEM;
	}
	return 0;
}

static int read_policies(struct strata_nl *nl, uint32_t id, const char *name,
			 struct cli_objs *out, struct strata_err *err)
{
	struct sc_policy *p;
	int ret;

	if (!id && !name)
		return strata_dump_policies(nl, collect, out, NULL, err);
	ret = strata_get_policy(nl, id, name, &p, err);
	return ret ? ret : collect(p, out);
}

static int emit_policy(struct strata_nl *nl, void *obj, uint32_t count,
		       struct json_object *arr, struct strata_err *err)
{
	if (arr)
		json_object_array_add(arr, strata_json_policy(obj));
	else
		strata_print_policy(stdout, obj);
	return 0;
}

static void put_policy(void *obj)
{
	sc_policy_put(obj);
}

const struct cli_kind cli_policy_kind = {
	.kind = SC_OBJ_POLICY,
	.name = "policy",
	.usage = usage_policy,
	.read = read_policies,
	.emit = emit_policy,
	.put = put_policy,
};

int cmd_policy(int argc, char **argv)
{
	return cli_object(&cli_policy_kind, argc, argv);
}
