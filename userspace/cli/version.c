// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl version: the CLI's version and ABI, and the kernel module's as
 * reported over generic netlink and over /dev/strata.
 */
#include <stdio.h>
#include <unistd.h>
#include "cli.h"

void usage_version(FILE *f)
{
	fprintf(f, "Usage: stratactl version\n");
}

int cmd_version(int argc, char **argv)
{
	struct strata_version_info v;
	struct strata_ioc_version dv;
	struct strata_ioc_stats ds;
	struct strata_err err;
	struct strata_nl *nl;
	struct json_object *o, *k;
	int fd, ret;

	if (argc > 0)
		return cli_usage_error(usage_version,
				       "unexpected argument \"%s\"", argv[0]);

	nl = strata_nl_open(&err);
	if (!nl)
		return cli_fail(&err, "version");
	ret = strata_get_version(nl, &v, &err);
	strata_nl_close(nl);
	if (ret < 0)
		return cli_fail(&err, "version");

	fd = strata_dev_open(&err);
	if (fd < 0)
		return cli_fail(&err, "version");
	ret = strata_dev_version(fd, &dv, &err);
	if (!ret)
		ret = strata_dev_stats(fd, &ds, &err);
	close(fd);
	if (ret < 0)
		return cli_fail(&err, "version");

	if (cli.json) {
		o = json_object_new_object();
		json_object_object_add(
			o, "cli_version",
			json_object_new_string(STRATA_CLI_VERSION));
		json_object_object_add(o, "cli_abi",
				       json_object_new_int(STRATA_ABI_VERSION));
		k = json_object_new_object();
		json_object_object_add(k, "version",
				       json_object_new_string(v.module));
		json_object_object_add(k, "abi", json_object_new_int(v.abi));
		json_object_object_add(k, "genl_version",
				       json_object_new_int(v.genl));
		json_object_object_add(k, "generation",
				       json_object_new_uint64(v.generation));
		json_object_object_add(k, "ioctl_abi",
				       json_object_new_int(dv.abi_version));
		json_object_object_add(k, "ioctl_generation",
				       json_object_new_uint64(ds.generation));
		json_object_object_add(o, "kernel", k);
		cli_print_json(o);
		json_object_put(o);
	} else {
		printf("stratactl %s (ABI %d)\n", STRATA_CLI_VERSION,
		       STRATA_ABI_VERSION);
		printf("strata.ko %s (ABI %u, generic netlink version %u), generation %llu\n",
		       v.module, v.abi, v.genl,
		       (unsigned long long)v.generation);
		printf("/dev/strata: ABI %u, module %s, generation %llu\n",
		       dv.abi_version, dv.module_version,
		       (unsigned long long)ds.generation);
	}
	if (v.abi != STRATA_ABI_VERSION ||
	    dv.abi_version != STRATA_ABI_VERSION) {
		fprintf(stderr,
			"stratactl: ABI mismatch: stratactl speaks ABI %d, the module ABI %u\n",
			STRATA_ABI_VERSION, v.abi);
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}
