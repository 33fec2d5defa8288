// SPDX-License-Identifier: GPL-2.0-or-later
/* stratactl ipset: IP sets, their members. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

void usage_ipset(FILE *f)
{
	fprintf(f,
		"Usage: stratactl ipset { add | replace } id ID name NAME family { 4 | 6 }\n"
		"               kind { addr | net | addr-port } [ members MEMBER[,MEMBER]... ]...\n"
		"       stratactl ipset { add-members | del-members } { id ID | name NAME } [ exist ]\n"
		"               members MEMBER[,MEMBER]...\n"
		"       stratactl ipset del { id ID | name NAME }\n"
		"       stratactl ipset show [ id ID | name NAME ]\n"
		"       stratactl ipset members { id ID | name NAME }\n"
		"MEMBER := { ADDRESS | ADDRESS/LENGTH | PROTO:PORT@ADDRESS }\n"
		"PROTO := { tcp | udp | sctp | 1..255 }\n");
}

static int collect(struct sc_ipset *s, uint32_t count, void *arg)
{
	if (cli_objs_push(arg, s, count)) {
		sc_ipset_put(s);
		return -ENOMEM;
	}
	return 0;
}

static int read_ipsets(struct strata_nl *nl, uint32_t id, const char *name,
		       struct cli_objs *out, struct strata_err *err)
{
	struct sc_ipset *s;
	uint32_t count;
	int ret;

	if (!id && !name)
		return strata_dump_ipsets(nl, collect, out, NULL, err);
	ret = strata_get_ipset(nl, id, name, &s, &count, err);
	return ret ? ret : collect(s, count, out);
}

/* A set with its members, read now (a set can be large). */
static int emit_ipset(struct strata_nl *nl, void *obj, uint32_t count,
		      struct json_object *arr, struct strata_err *err)
{
	struct strata_member *m = NULL;
	struct sc_ipset *s = obj;
	uint32_t n = 0;
	int ret;

	if (count) {
		ret = strata_get_members(nl, s->id, NULL, &m, &n, err);
		if (ret)
			return ret;
	}
	if (arr)
		json_object_array_add(arr,
				      strata_json_ipset(s, count, true, m, n));
	else
		strata_print_ipset(stdout, s, m, n);
	free(m);
	return 0;
}

static void put_ipset(void *obj)
{
	sc_ipset_put(obj);
}

const struct cli_kind cli_ipset_kind = {
	.kind = SC_OBJ_IPSET,
	.name = "ipset",
	.usage = usage_ipset,
	.read = read_ipsets,
	.emit = emit_ipset,
	.put = put_ipset,
};

/* ipset members { id ID | name NAME }: one member per line, or JSON. */
static int members(int argc, char **argv)
{
	struct strata_member *m = NULL;
	struct json_object *arr;
	struct strata_err err;
	struct strata_nl *nl;
	char buf[STRATA_FMT_LEN];
	struct sc_ipset *s;
	const char *name;
	uint32_t id, n, i, count;
	int ret;

	ret = cli_parse_ref(argc, argv, &id, &name, true, usage_ipset);
	if (!ret)
		ret = cli_connect(&nl);
	if (ret)
		return ret;
	if (strata_get_ipset(nl, id, name, &s, &count, &err)) {
		ret = cli_fail(&err, "ipset members");
		strata_nl_close(nl);
		return ret;
	}
	if (strata_get_members(nl, s->id, NULL, &m, &n, &err)) {
		ret = cli_fail(&err, "ipset members");
		sc_ipset_put(s);
		strata_nl_close(nl);
		return ret;
	}
	if (cli.json) {
		arr = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(arr, strata_json_member(s->family,
								      s->kind,
								      &m[i]));
		cli_print_json(arr);
		json_object_put(arr);
	} else {
		for (i = 0; i < n; i++)
			printf("%s\n", strata_fmt_member(s->family, &m[i], buf,
							 sizeof(buf)));
	}
	free(m);
	sc_ipset_put(s);
	strata_nl_close(nl);
	return EXIT_OK;
}

int cmd_ipset(int argc, char **argv)
{
	if (argc > 0 && !strcmp(argv[0], "members"))
		return members(argc - 1, argv + 1);
	return cli_object(&cli_ipset_kind, argc, argv);
}
