// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl batch: a file of change commands applied as one transaction
 * (all or nothing), or only checked with -c.
 */
#include <string.h>
#include "cli.h"

void usage_batch(FILE *f)
{
	fprintf(f,
		"Usage: stratactl batch [ -c | --check ] { FILE | - }\n"
		"FILE holds one command per line, as after \"stratactl\": tier, policy,\n"
		"endpoint and ipset add|replace|del, ipset add-members|del-members,\n"
		"settings set, flush. '#' starts a comment; a line that starts with a\n"
		"blank continues the command above it.\n");
}

int cmd_batch(int argc, char **argv)
{
	const struct strata_op *failed;
	struct strata_batch b;
	struct strata_err err;
	struct strata_nl *nl;
	const char *shown;
	char what[300];
	bool check;
	int ret;

	ret = cli_batch_file(argc, argv, usage_batch, &b, &shown, &check);
	if (ret)
		return ret;
	if (check) {
		ret = EXIT_OK;
		goto out;
	}
	ret = cli_connect(&nl);
	if (ret)
		goto out;
	if (strata_batch_apply(nl, &b, NULL, &failed, &err)) {
		if (failed)
			snprintf(what, sizeof(what), "%s:%u", shown,
				 failed->line);
		else
			snprintf(what, sizeof(what), "%s: commit", shown);
		ret = cli_fail(&err, what);
	}
	strata_nl_close(nl);
out:
	strata_batch_release(&b);
	return ret;
}
