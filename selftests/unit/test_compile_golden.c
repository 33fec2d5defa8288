// SPDX-License-Identifier: GPL-2.0
/*
 * Golden files for stratactl compile and select (userspace/cli/compile.c,
 * select.c, compiled into this test with the helpers they share): what
 * they print for the example (examples/shop/) on each of its nodes, as a
 * batch file and as JSON, and their usage errors. The compiled batch file
 * is also checked to load into a userspace engine state exactly as
 * `stratactl batch` would apply it.
 *
 * STRATA_GOLDEN_UPDATE=1 rewrites the golden files from the output (then
 * review the diff).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmp_test.h"

#include "../../userspace/cli/common.c"
#include "../../userspace/cli/compile.c"
#include "../../userspace/cli/select.c"

struct cli cli = { .prog = "stratactl" };

#define EXAMPLE "../../examples/shop"
#define GOLDEN	"golden/compile/"

#include "golden_test.h"

/* The batch text parses, and applies to an engine state as one
 * transaction: what `stratactl batch` does with it. */
static void loads(const char *text)
{
	static const struct sc_limits caps = { 100,  1000,   10000,
					       1000, 100000, 100 };
	struct sc_state *st = sc_state_new(NULL, &caps);
	struct strata_perr perr = { 0 };
	struct strata_batch b;
	struct sc_err err = { 0 };
	char *copy = strdup(text), *line, *save = NULL;

	strata_batch_init(&b);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strata_batch_line(&b, line, &perr))
			fail_msg("line %u: %s", perr.line, perr.msg);
	if (strata_batch_finish(&b, &perr))
		fail_msg("line %u: %s", perr.line, perr.msg);
	if (cmp_state_apply(st, &b, &err))
		fail_msg("the engine refused it: %s", err.detail);
	assert_true(b.n > 10);
	strata_batch_release(&b);
	free(copy);
	sc_state_free(st);
}

static void compile_example(void **state)
{
	static const char *const nodes[] = { "node-1", "node-2" };
	char *out, *err, name[64];
	size_t i;

	for (i = 0; i < 2; i++) {
		const char *args[] = { "-f", EXAMPLE, "--node", nodes[i],
				       NULL };

		assert_int_equal(run(cmd_compile, args, &out, &err), EXIT_OK);
		/* the example is clean: no warnings, nothing unprogrammable */
		assert_string_equal(err, "");
		snprintf(name, sizeof(name), "shop-%s.batch", nodes[i]);
		golden(name, out);
		loads(out);
		free(out);
		free(err);
	}
}

static void compile_json(void **state)
{
	const char *args[] = { EXAMPLE, "--node", "node-2", "-o", "json", NULL };
	char *out, *err;

	assert_int_equal(run(cmd_compile, args, &out, &err), EXIT_OK);
	assert_string_equal(err, "");
	golden("shop-node-2.json", out);
	free(out);
	free(err);
}

static void compile_options(void **state)
{
	const char *args[] = { "-f",
			       EXAMPLE "/10-tiers.yaml",
			       "-f",
			       EXAMPLE "/30-pci.yaml",
			       "-f",
			       EXAMPLE "/70-hosts.yaml",
			       "--node",
			       "node-1",
			       "--reject",
			       "--felix",
			       "DefaultEndpointToHostAction=Accept",
			       "--felix",
			       "FailsafeInboundHostPorts=tcp:22",
			       NULL };
	const char *bad[] = { EXAMPLE, "--felix", "VXLANPort=x", NULL };
	char *out, *err;

	assert_int_equal(run(cmd_compile, args, &out, &err), EXIT_OK);
	golden("options.batch", out);
	assert_string_equal(err, "");
	free(out);
	free(err);
	assert_int_equal(run(cmd_compile, bad, &out, &err), EXIT_INVALID);
	assert_string_equal(out, "");
	assert_string_equal(
		err,
		"stratactl: compile: --felix VXLANPort: \"x\" is not a port\n");
	free(out);
	free(err);
}

static void compile_broken(void **state)
{
	const char *args[] = { "-f", "golden/validate/bad-shop", "--node",
			       "node-1", NULL };
	char *out, *err;

	assert_int_equal(run(cmd_compile, args, &out, &err), EXIT_INVALID);
	assert_string_equal(out, "");
	assert_non_null(strstr(err, "stratactl: compile: "));
	assert_non_null(strstr(err, " errors in the manifests\n"));
	free(out);
	free(err);
}

static void select_example(void **state)
{
	const char *text[] = {
		"app in {'web', 'postgres'} || role == 'payment-processor'",
		"-f", EXAMPLE, NULL
	};
	const char *json[] = { "has(pcns.pci)", EXAMPLE, "-o", "json", NULL };
	const char *bad[] = { "app ==", EXAMPLE, NULL };
	char *out, *err;

	assert_int_equal(run(cmd_select, text, &out, &err), EXIT_OK);
	assert_string_equal(err, "");
	golden("select.txt", out);
	free(out);
	free(err);
	assert_int_equal(run(cmd_select, json, &out, &err), EXIT_OK);
	assert_string_equal(err, "");
	golden("select.json", out);
	free(out);
	free(err);
	assert_int_equal(run(cmd_select, bad, &out, &err), EXIT_INVALID);
	assert_string_equal(out, "");
	assert_string_equal(
		err,
		"stratactl: select: expected a quoted string after '==' at 6\n");
	free(out);
	free(err);
}

static void usage_errors(void **state)
{
	static const struct {
		int (*fn)(int, char **);
		const char *args[8];
		const char *first_line;
	} cases[] = {
		{ cmd_compile, { NULL }, "stratactl: a path is needed\n" },
		{ cmd_compile,
		  { "x", "--image", NULL },
		  "stratactl: --image goes with --apply\n" },
		{ cmd_compile,
		  { "x", "--diff", "--apply", NULL },
		  "stratactl: --diff and --apply exclude each other\n" },
		{ cmd_compile, { "-f", NULL }, "stratactl: -f needs a path\n" },
		{ cmd_compile,
		  { "x", "--node", NULL },
		  "stratactl: --node needs a name\n" },
		{ cmd_compile,
		  { "x", "--felix", "Key", NULL },
		  "stratactl: --felix needs KEY=VALUE\n" },
		{ cmd_compile,
		  { "x", "-o", "yaml", NULL },
		  "stratactl: -o needs \"text\" or \"json\"\n" },
		{ cmd_compile,
		  { "x", "--frobnicate", NULL },
		  "stratactl: unknown option \"--frobnicate\"\n" },
		{ cmd_select, { NULL }, "stratactl: a selector is needed\n" },
		{ cmd_select,
		  { "all()", NULL },
		  "stratactl: a path is needed\n" },
		{ cmd_select,
		  { "all()", "x", "-z", NULL },
		  "stratactl: unknown option \"-z\"\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err;

		assert_int_equal(run(cases[i].fn, cases[i].args, &out, &err),
				 EXIT_USAGE);
		assert_string_equal(out, "");
		if (strncmp(err, cases[i].first_line,
			    strlen(cases[i].first_line)))
			fail_msg("case %zu: %s", i, err);
		free(out);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compile_example),
		cmocka_unit_test(compile_json),
		cmocka_unit_test(compile_options),
		cmocka_unit_test(compile_broken),
		cmocka_unit_test(select_example),
		cmocka_unit_test(usage_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
