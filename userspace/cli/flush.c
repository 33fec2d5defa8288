// SPDX-License-Identifier: GPL-2.0-or-later
/* stratactl flush: delete every object; settings keep their values. */
#include "cli.h"

void usage_flush(FILE *f)
{
	fprintf(f, "Usage: stratactl flush\n");
}

int cmd_flush(int argc, char **argv)
{
	if (argc > 0)
		return cli_usage_error(usage_flush, "unexpected \"%s\"",
				       argv[0]);
	/* the same path as a batch file's "flush" line */
	return cli_change(argc + 1, argv - 1, usage_flush);
}
