// SPDX-License-Identifier: GPL-2.0-or-later
/* stratactl stats: object counts, memory and enforcement (GET_STATS). */
#include "cli.h"

void usage_stats(FILE *f)
{
	fprintf(f, "Usage: stratactl stats\n");
}

int cmd_stats(int argc, char **argv)
{
	struct strata_stats st;
	struct strata_err err;
	struct strata_nl *nl;
	struct json_object *o;
	int ret;

	if (argc > 0)
		return cli_usage_error(usage_stats, "unexpected \"%s\"",
				       argv[0]);
	ret = cli_connect(&nl);
	if (ret)
		return ret;
	ret = strata_get_stats(nl, &st, &err);
	strata_nl_close(nl);
	if (ret)
		return cli_fail(&err, "stats");
	if (cli.json) {
		o = strata_json_stats(&st);
		cli_print_json(o);
		json_object_put(o);
	} else {
		strata_print_stats(stdout, &st);
	}
	return EXIT_OK;
}
