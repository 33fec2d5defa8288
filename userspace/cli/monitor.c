// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl monitor: print commits and flow decisions as they happen,
 * until interrupted. With -j, one JSON object per line.
 */
#include <string.h>
#include "cli.h"

void usage_monitor(FILE *f)
{
	fprintf(f, "Usage: stratactl monitor [ config ] [ flows ]\n"
		   "(both when neither is given)\n");
}

static int print_event(const struct strata_event *ev, void *arg)
{
	struct json_object *o;

	if (cli.json) {
		o = strata_json_event(ev);
		printf("%s\n",
		       json_object_to_json_string_ext(
			       o, JSON_C_TO_STRING_PLAIN |
					  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		strata_print_event(stdout, ev);
	}
	fflush(stdout);
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	struct strata_err err;
	struct strata_mon *mon;
	unsigned int groups = 0;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "config"))
			groups |= STRATA_MON_CONFIG;
		else if (!strcmp(argv[i], "flows"))
			groups |= STRATA_MON_FLOWS;
		else
			return cli_usage_error(usage_monitor,
					       "unexpected \"%s\"", argv[i]);
	}
	if (!groups)
		groups = STRATA_MON_CONFIG | STRATA_MON_FLOWS;
	mon = strata_mon_open(groups, &err);
	if (!mon)
		return cli_fail(&err, "monitor");
	do
		ret = strata_mon_read(mon, print_event, NULL, &err);
	while (ret >= 0);
	strata_mon_close(mon);
	return cli_fail(&err, "monitor");
}
