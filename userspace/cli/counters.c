// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl counters: what each rule, tier default, profile end and
 * endpoint no-match action decided (GET_COUNTERS), and resetting them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

void usage_counters(FILE *f)
{
	fprintf(f,
		"Usage: stratactl [ -n ] counters [ show ] [ OBJECT [ ID ] ]\n"
		"       stratactl counters reset [ OBJECT [ ID ] ]\n"
		"OBJECT := { policy | tier | endpoint }\n"
		"(-n: ids only, no names)\n");
}

/* OBJECT [ ID ]: the counter kind whose objects are selected. */
static int parse_sel(int argc, char **argv, uint8_t *kind, uint32_t *id)
{
	static const struct {
		const char *name;
		uint8_t kind;
	} objs[] = {
		{ "policy", STRATA_CTR_RULE },
		{ "tier", STRATA_CTR_TIER_DEFAULT },
		{ "endpoint", STRATA_CTR_NO_MATCH },
	};
	struct strata_perr perr;
	size_t i;

	*kind = 0;
	*id = 0;
	if (argc == 0)
		return EXIT_OK;
	if (argc > 2)
		return cli_usage_error(usage_counters, "unexpected \"%s\"",
				       argv[2]);
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		if (!strcmp(argv[0], objs[i].name))
			*kind = objs[i].kind;
	if (!*kind)
		return cli_usage_error(
			usage_counters,
			"unknown object \"%s\" (policy, tier or endpoint)",
			argv[0]);
	if (argc == 2 && (strata_parse_u32(argv[1], id, &perr) || !*id)) {
		fprintf(stderr, "%s: id \"%s\": ids are 1..4294967295\n",
			cli.prog, argv[1]);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

struct shown {
	struct json_object *arr;
	struct strata_counter *v;
	size_t n, cap;
};

static int collect(const struct strata_counter *c, void *arg)
{
	struct shown *s = arg;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct strata_counter *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *c;
	return 0;
}

int cmd_counters(int argc, char **argv)
{
	struct strata_names *names = NULL;
	struct shown s = { 0 };
	struct strata_err err;
	bool warned = false;
	struct strata_nl *nl;
	bool reset = false;
	uint8_t kind;
	uint32_t id;
	int ret, tries;
	size_t i;

	if (argc > 0 && cli_is_help(argv[0])) {
		usage_counters(stdout);
		return EXIT_OK;
	}
	if (argc > 0 &&
	    (!strcmp(argv[0], "show") || !strcmp(argv[0], "reset"))) {
		reset = argv[0][0] == 'r';
		argc--;
		argv++;
	}
	ret = parse_sel(argc, argv, &kind, &id);
	if (!ret)
		ret = cli_connect(&nl);
	if (ret)
		return ret;
	if (reset) {
		ret = strata_reset_counters(nl, kind, id, &err)
			      ? cli_fail(&err, "counters reset")
			      : EXIT_OK;
		strata_nl_close(nl);
		return ret;
	}
	/* read everything first: a dump a commit interrupted is retried */
	ret = -EAGAIN;
	for (tries = 0; tries < 5 && ret == -EAGAIN; tries++) {
		s.n = 0;
		ret = strata_dump_counters(nl, kind, id, collect, &s, NULL,
					   &err);
	}
	if (ret) {
		strata_nl_close(nl);
		free(s.v);
		return cli_fail(&err, "counters");
	}
	/* the objects' names: ids only if they cannot be read */
	if (!cli.numeric && s.n) {
		names = strata_names_new();
		if (names && cli_names_load(names, nl, "counters", &warned)) {
			strata_names_free(names);
			names = NULL;
		}
	}
	strata_nl_close(nl);
	if (cli.json) {
		s.arr = json_object_new_array();
		for (i = 0; i < s.n; i++)
			json_object_array_add(
				s.arr,
				strata_json_counter_names(
					&s.v[i],
					names ? strata_names_lookup : NULL,
					names));
		cli_print_json(s.arr);
		json_object_put(s.arr);
	} else {
		for (i = 0; i < s.n; i++)
			strata_print_counter_names(
				stdout, &s.v[i],
				names ? strata_names_lookup : NULL, names);
	}
	strata_names_free(names);
	free(s.v);
	return EXIT_OK;
}
