// SPDX-License-Identifier: GPL-2.0-or-later
/* stratactl settings: show them all, or change some. */
#include <string.h>
#include "cli.h"

void usage_settings(FILE *f)
{
	fprintf(f,
		"Usage: stratactl settings [ show ]\n"
		"       stratactl settings set SETTING VALUE [ SETTING VALUE ]...\n"
		"SETTING VALUE := { mark-mask MASK | mark-accept BITS |\n"
		"                   failsafe-in { FAILSAFE[,FAILSAFE]... | none } |\n"
		"                   failsafe-out { FAILSAFE[,FAILSAFE]... | none } |\n"
		"                   wl-prefixes { PREFIX[,PREFIX]... | none } |\n"
		"                   wl-to-host { drop | accept | return } |\n"
		"                   log-rate N | log-burst N | flow-rate N | flow-burst N |\n"
		"                   ct-invalid-drop BOOL | allow-ipip BOOL | allow-vxlan BOOL |\n"
		"                   vxlan-port PORT |\n"
		"                   limit-{ tiers | policies | rules | ipsets | members | endpoints } N }\n"
		"FAILSAFE := PROTO:PORT[@PREFIX]\n"
		"BOOL := { on | off | yes | no | true | false | 1 | 0 }\n");
}

static int show(void)
{
	struct sc_settings s;
	struct strata_err err;
	struct strata_nl *nl;
	struct json_object *o;
	int ret;

	ret = cli_connect(&nl);
	if (ret)
		return ret;
	ret = strata_get_settings(nl, &s, &err);
	strata_nl_close(nl);
	if (ret)
		return cli_fail(&err, "settings show");
	if (cli.json) {
		o = strata_json_settings(&s);
		cli_print_json(o);
		json_object_put(o);
	} else {
		strata_print_settings(stdout, &s);
	}
	return EXIT_OK;
}

int cmd_settings(int argc, char **argv)
{
	if (argc == 0 || !strcmp(argv[0], "show")) {
		if (argc > 1)
			return cli_usage_error(usage_settings,
					       "unexpected \"%s\"", argv[1]);
		return show();
	}
	if (cli_is_help(argv[0])) {
		usage_settings(stdout);
		return EXIT_OK;
	}
	/* "settings set ...": the parser wants the object keyword too */
	return cli_change(argc + 1, argv - 1, usage_settings);
}
