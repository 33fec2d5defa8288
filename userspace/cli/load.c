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
	struct strata_batch b;
	struct strata_err err;
	struct sc_settings s;
	struct strata_nl *nl;
	const char *shown;
	char what[300];
	void *img = NULL;
	bool check;
	size_t len;
	int fd, ret;

	ret = cli_batch_file(argc, argv, usage_load, &b, &shown, &check);
	if (ret)
		return ret;
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
