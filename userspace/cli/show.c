// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl show: the whole configuration as a batch file (settings, IP
 * sets, tiers, policies, endpoints: references come after what they
 * refer to), or as one JSON object.
 */
#include "cli.h"

void usage_show(FILE *f)
{
	fprintf(f, "Usage: stratactl show\n");
}

int cmd_show(int argc, char **argv)
{
	static const struct {
		const struct cli_kind *k;
		const char *json;
	} kinds[] = {
		{ &cli_ipset_kind, "ipsets" },
		{ &cli_tier_kind, "tiers" },
		{ &cli_policy_kind, "policies" },
		{ &cli_endpoint_kind, "endpoints" },
	};
	struct json_object *all = NULL, *arr = NULL;
	struct sc_settings s;
	struct strata_err err;
	struct strata_nl *nl;
	size_t i;
	int ret;

	if (argc > 0)
		return cli_usage_error(usage_show, "unexpected \"%s\"",
				       argv[0]);
	ret = cli_connect(&nl);
	if (ret)
		return ret;
	if (strata_get_settings(nl, &s, &err)) {
		ret = cli_fail(&err, "show");
		goto out;
	}
	if (cli.json) {
		all = json_object_new_object();
		json_object_object_add(all, "settings",
				       strata_json_settings(&s));
	} else {
		strata_print_settings(stdout, &s);
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		arr = cli.json ? json_object_new_array() : NULL;
		if (cli_show_all(nl, kinds[i].k, arr, &err)) {
			json_object_put(arr);
			ret = cli_fail(&err, "show");
			goto out;
		}
		if (all)
			json_object_object_add(all, kinds[i].json, arr);
	}
	if (all)
		cli_print_json(all);
out:
	json_object_put(all);
	strata_nl_close(nl);
	return ret;
}
