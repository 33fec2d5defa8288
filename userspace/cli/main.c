// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl: the Strata command-line tool. This file is the dispatch table
 * and the global options; each subcommand lives in its own file and the
 * helpers they share in common.c.
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

struct cli cli = { .prog = "stratactl" };

static const struct cmd cmds[] = {
	{ "tier", cmd_tier, "tiers: add, replace, del, show", usage_tier },
	{ "policy", cmd_policy,
	  "policies and profiles: add, replace, del, show", usage_policy },
	{ "endpoint", cmd_endpoint, "endpoints: add, replace, del, show",
	  usage_endpoint },
	{ "ipset", cmd_ipset, "IP sets and their members", usage_ipset },
	{ "settings", cmd_settings, "show or change the settings",
	  usage_settings },
	{ "show", cmd_show, "everything, as a batch file (or JSON)",
	  usage_show },
	{ "stats", cmd_stats,
	  "object counts, memory and enforcement statistics", usage_stats },
	{ "counters", cmd_counters, "per-rule and per-default counters; reset",
	  usage_counters },
	{ "monitor", cmd_monitor,
	  "print commits and flow decisions as they happen", usage_monitor },
	{ "flush", cmd_flush, "delete every object", usage_flush },
	{ "batch", cmd_batch, "apply a file of commands as one transaction",
	  usage_batch },
	{ "load", cmd_load,
	  "replace everything with a file's configuration, at once",
	  usage_load },
	{ "validate", cmd_validate,
	  "check Calico and Kubernetes manifests, every error with its line",
	  usage_validate },
	{ "get", cmd_get, "show Calico and Kubernetes resources as Calico does",
	  usage_get },
	{ "compile", cmd_compile,
	  "Calico/Kubernetes manifests to a node's kernel objects; apply them",
	  usage_compile },
	{ "select", cmd_select,
	  "the endpoints and network sets a selector matches", usage_select },
	{ "explain", cmd_explain,
	  "what happens to a packet and why: every hook, tier, policy, rule",
	  usage_explain },
	{ "apply", cmd_apply,
	  "write resources to stratad's directory; wait until programmed",
	  usage_apply },
	{ "delete", cmd_delete,
	  "remove resources from stratad's directory; wait until programmed",
	  usage_delete },
	{ "status", cmd_status,
	  "stratad's state, endpoint acknowledgements, waiting", usage_status },
	{ "version", cmd_version, "show CLI and kernel module versions",
	  usage_version },
};

static void usage_main(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: stratactl [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       stratactl batch [ -c | --check ] { FILE | - }\n"
		"OPTIONS := { -j | --json | -o { text | json } | -n | --numeric |\n"
		"             -h | --help | -V | --version }\n"
		"OBJECT :=\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
}

int main(int argc, char **argv)
{
	size_t i;

	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json")) {
			cli.json = true;
		} else if (!strcmp(argv[0], "-n") ||
			   !strcmp(argv[0], "--numeric")) {
			cli.numeric = true;
		} else if (!strcmp(argv[0], "-o")) {
			if (argc < 2)
				return cli_usage_error(usage_main,
						       "-o needs an argument");
			if (!strcmp(argv[1], "json"))
				cli.json = true;
			else if (!strcmp(argv[1], "text"))
				cli.json = false;
			else
				return cli_usage_error(
					usage_main,
					"unknown output format \"%s\"",
					argv[1]);
			argc--;
			argv++;
		} else if (!strcmp(argv[0], "-V") ||
			   !strcmp(argv[0], "--version")) {
			printf("stratactl %s\n", STRATA_CLI_VERSION);
			return EXIT_OK;
		} else if (cli_is_help(argv[0])) {
			usage_main(stdout);
			return EXIT_OK;
		} else {
			return cli_usage_error(
				usage_main, "unknown option \"%s\"", argv[0]);
		}
		argc--;
		argv++;
	}
	if (argc == 0)
		return cli_usage_error(usage_main, "an object is needed");
	if (cli_is_help(argv[0])) {
		usage_main(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name))
			continue;
		if (argc > 1 && cli_is_help(argv[1])) {
			cmds[i].usage(stdout);
			return EXIT_OK;
		}
		return cmds[i].fn(argc - 1, argv + 1);
	}
	return cli_usage_error(usage_main, "unknown object \"%s\"", argv[0]);
}
