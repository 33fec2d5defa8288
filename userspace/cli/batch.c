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
	struct strata_perr perr;
	struct strata_err err;
	struct strata_nl *nl;
	const char *file = NULL, *shown;
	bool check = false;
	char what[300];
	FILE *f;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--check"))
			check = true;
		else if (!file)
			file = argv[i];
		else
			return cli_usage_error(usage_batch, "unexpected \"%s\"",
					       argv[i]);
	}
	if (!file)
		return cli_usage_error(usage_batch, "a file is needed");
	shown = strcmp(file, "-") ? file : "<stdin>";
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		fprintf(stderr, "%s: cannot open %s: %m\n", cli.prog, file);
		return EXIT_INVALID;
	}
	strata_batch_init(&b);
	ret = strata_batch_read(&b, f, &perr);
	if (f != stdin)
		fclose(f);
	if (ret) {
		ret = cli_perr(&perr, shown, NULL);
		goto out;
	}
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
