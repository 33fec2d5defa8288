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

/*
 * Values that may be "-h" or "--help": object and interface names (any
 * printable word), interface prefixes, paths, explain's ends (a kernel
 * endpoint's name).
 */
static const char *const name_values[] = { "name", NULL };
static const char *const endpoint_values[] = { "name", "iface", "ifname",
					       NULL };
static const char *const settings_values[] = { "wl-prefixes", NULL };
static const char *const file_values[] = { "-f", "--filename", NULL };
static const char *const get_values[] = { "-f", "--filename", "--socket",
					  NULL };
static const char *const explain_values[] = { "-f",   "--filename", "--from",
					      "--to", "--iif",	    "--oif",
					      NULL };
static const char *const apply_values[] = { "-f", "--filename", "--dir",
					    "--socket", NULL };
static const char *const status_values[] = { "--socket", NULL };

static const struct cmd cmds[] = {
	{ "tier", cmd_tier, "tiers: add, replace, del, show", usage_tier,
	  name_values },
	{ "policy", cmd_policy,
	  "policies and profiles: add, replace, del, show", usage_policy,
	  name_values },
	{ "endpoint", cmd_endpoint, "endpoints: add, replace, del, show",
	  usage_endpoint, endpoint_values },
	{ "ipset", cmd_ipset, "IP sets and their members", usage_ipset,
	  name_values },
	{ "settings", cmd_settings, "show or change the settings",
	  usage_settings, settings_values },
	{ "show", cmd_show, "everything, as a batch file (or JSON)", usage_show,
	  NULL },
	{ "stats", cmd_stats,
	  "object counts, memory and enforcement statistics", usage_stats,
	  NULL },
	{ "counters", cmd_counters, "per-rule and per-default counters; reset",
	  usage_counters, NULL },
	{ "monitor", cmd_monitor,
	  "print commits and flow decisions as they happen", usage_monitor,
	  NULL },
	{ "flush", cmd_flush, "delete every object", usage_flush, NULL },
	{ "batch", cmd_batch, "apply a file of commands as one transaction",
	  usage_batch, NULL },
	{ "load", cmd_load,
	  "replace everything with a file's configuration, at once", usage_load,
	  NULL },
	{ "validate", cmd_validate,
	  "check Calico and Kubernetes manifests, every error with its line",
	  usage_validate, file_values },
	{ "get", cmd_get, "show Calico and Kubernetes resources as Calico does",
	  usage_get, get_values },
	{ "compile", cmd_compile,
	  "Calico/Kubernetes manifests to a node's kernel objects; apply them",
	  usage_compile, file_values },
	{ "select", cmd_select,
	  "the endpoints and network sets a selector matches", usage_select,
	  file_values },
	{ "explain", cmd_explain,
	  "what happens to a packet and why: every hook, tier, policy, rule",
	  usage_explain, explain_values },
	{ "apply", cmd_apply,
	  "write resources to stratad's directory; wait until programmed",
	  usage_apply, apply_values },
	{ "delete", cmd_delete,
	  "remove resources from stratad's directory; wait until programmed",
	  usage_delete, apply_values },
	{ "status", cmd_status,
	  "stratad's state, endpoint acknowledgements, waiting", usage_status,
	  status_values },
	{ "version", cmd_version, "show CLI and kernel module versions",
	  usage_version, NULL },
};

/*
 * Whether a subcommand's words ask for its usage: "help", "-h" or "--help"
 * first, or "-h" or "--help" after other words ("stratactl get gnp -o
 * wide --help"), except as the value of one of @values ("stratactl tier
 * del name -h" deletes the tier named "-h").
 */
static bool wants_help(int argc, char **argv, const char *const *values)
{
	const char *const *v;
	int i;

	if (argc > 0 && cli_is_help(argv[0]))
		return true;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
		for (v = values; v && *v; v++) {
			if (!strcmp(argv[i], *v)) {
				i++; /* its value */
				break;
			}
		}
	}
	return false;
}

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
		if (wants_help(argc - 1, argv + 1, cmds[i].values)) {
			cmds[i].usage(stdout);
			return EXIT_OK;
		}
		return cmds[i].fn(argc - 1, argv + 1);
	}
	return cli_usage_error(usage_main, "unknown object \"%s\"", argv[0]);
}
