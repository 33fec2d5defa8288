// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl load: replace the whole configuration with a file's, in one
 * step, through /dev/strata (STRATA_IOC_LOAD_IMAGE): the file's commands
 * become a state image.
 */
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include "cli.h"

void usage_load(FILE *f)
{
	fprintf(f,
		"Usage: stratactl load [ -c | --check ] { FILE | - }\n"
		"FILE is a batch file that describes a whole configuration: tier, policy,\n"
		"endpoint and ipset add|replace, ipset add-members, settings set (applied\n"
		"to the current settings), flush. It replaces everything at once.\n");
}

int cmd_load(int argc, char **argv)
{
	static const struct sc_limits nocaps = { UINT32_MAX, UINT32_MAX,
						 UINT32_MAX, UINT32_MAX,
						 UINT32_MAX, UINT32_MAX };
	const struct strata_op *failed;
	const char *file = NULL, *shown;
	struct strata_batch b;
	struct strata_perr perr;
	struct strata_err err;
	struct sc_settings s;
	struct strata_nl *nl;
	bool check = false;
	char what[300];
	void *img = NULL;
	size_t len;
	int i, fd, ret;
	FILE *f;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--check"))
			check = true;
		else if (!file)
			file = argv[i];
		else
			return cli_usage_error(usage_load, "unexpected \"%s\"",
					       argv[i]);
	}
	if (!file)
		return cli_usage_error(usage_load, "a file is needed");
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
		sc_settings_default(&s, &nocaps);
	} else {
		ret = cli_connect(&nl);
		if (ret)
			goto out;
		ret = strata_get_settings(nl, &s, &err);
		strata_nl_close(nl);
		if (ret) {
			ret = cli_fail(&err, "load");
			goto out;
		}
	}
	if (strata_batch_image(&b, &s, &img, &len, &failed, &err)) {
		if (failed)
			snprintf(what, sizeof(what), "%s:%u", shown,
				 failed->line);
		else
			snprintf(what, sizeof(what), "%s", shown);
		ret = cli_fail(&err, what);
		goto out;
	}
	ret = EXIT_OK;
	if (check)
		goto out;
	fd = strata_dev_open(&err);
	if (fd < 0) {
		ret = cli_fail(&err, "load");
		goto out;
	}
	if (strata_dev_load_image(fd, img, len, NULL, &err))
		ret = cli_fail(&err, "load");
	close(fd);
out:
	free(img);
	strata_batch_release(&b);
	return ret;
}
