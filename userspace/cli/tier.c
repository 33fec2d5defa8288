// SPDX-License-Identifier: GPL-2.0-or-later
/* stratactl tier: tiers, their default action. */
#include <errno.h>
#include "cli.h"

void usage_tier(FILE *f)
{
	fprintf(f,
		"Usage: stratactl tier { add | replace } id ID name NAME [ default { deny | pass } ]\n"
		"       stratactl tier del { id ID | name NAME }\n"
		"       stratactl tier show [ id ID | name NAME ]\n");
}

static int collect(struct sc_tier *t, void *arg)
{
	if (cli_objs_push(arg, t, 0)) {
		sc_tier_put(t);
		return -ENOMEM;
	}
	return 0;
}

static int read_tiers(struct strata_nl *nl, uint32_t id, const char *name,
		      struct cli_objs *out, struct strata_err *err)
{
	struct sc_tier *t;
	int ret;

	if (!id && !name)
		return strata_dump_tiers(nl, collect, out, NULL, err);
	ret = strata_get_tier(nl, id, name, &t, err);
	return ret ? ret : collect(t, out);
}

static int emit_tier(struct strata_nl *nl, void *obj, uint32_t count,
		     struct json_object *arr, struct strata_err *err)
{
	if (arr)
		json_object_array_add(arr, strata_json_tier(obj));
	else
		strata_print_tier(stdout, obj);
	return 0;
}

static void put_tier(void *obj)
{
	sc_tier_put(obj);
}

const struct cli_kind cli_tier_kind = {
	.kind = SC_OBJ_TIER,
	.name = "tier",
	.usage = usage_tier,
	.read = read_tiers,
	.emit = emit_tier,
	.put = put_tier,
};

int cmd_tier(int argc, char **argv)
{
	return cli_object(&cli_tier_kind, argc, argv);
}
