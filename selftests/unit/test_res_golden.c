// SPDX-License-Identifier: GPL-2.0
/*
 * Golden files for stratactl validate and get (userspace/cli/validate.c,
 * get.c, compiled into this test with the helpers they share): what they
 * print on standard output and standard error, and their exit status, for
 * a realistic broken manifest set (golden/validate/bad-shop/) and the
 * example (examples/shop/).
 *
 * STRATA_GOLDEN_UPDATE=1 rewrites the golden files from the output (then
 * review the diff).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "res_test.h"

#include "../../userspace/cli/apiclient.c"
#include "../../userspace/cli/common.c"
#include "../../userspace/cli/get.c"
#include "../../userspace/cli/validate.c"

struct cli cli = { .prog = "stratactl" };

#define EXAMPLE "../../examples/shop"
#define GOLDEN	"golden/"

#include "golden_test.h"

static void validate_bad(void **state)
{
	const char *args[] = { "-f", GOLDEN "validate/bad-shop", NULL };
	const char *json[] = { "-o", "json", GOLDEN "validate/bad-shop", NULL };
	char *out, *err;

	assert_int_equal(run(cmd_validate, args, &out, &err), EXIT_INVALID);
	assert_string_equal(out, "");
	golden("validate/bad-shop.err", err);
	free(out);
	free(err);
	assert_int_equal(run(cmd_validate, json, &out, &err), EXIT_INVALID);
	assert_string_equal(err, "");
	golden("validate/bad-shop.json", out);
	free(out);
	free(err);
}

static void validate_example(void **state)
{
	const char *args[] = { EXAMPLE, NULL };
	const char *quiet[] = { "-q",
				"-f",
				EXAMPLE "/10-tiers.yaml",
				"-f",
				EXAMPLE "/30-pci.yaml",
				NULL };
	char *out, *err;

	assert_int_equal(run(cmd_validate, args, &out, &err), EXIT_OK);
	assert_string_equal(out, "35 resources valid\n");
	assert_string_equal(err, "");
	free(out);
	free(err);
	assert_int_equal(run(cmd_validate, quiet, &out, &err), EXIT_OK);
	assert_string_equal(out, "");
	assert_string_equal(err, "");
	free(out);
	free(err);
}

static void usage_errors(void **state)
{
	static const struct {
		int (*fn)(int, char **);
		const char *args[8];
		int rc;
		const char *first_line;
	} cases[] = {
		{ cmd_validate,
		  { NULL },
		  EXIT_USAGE,
		  "stratactl: a path is needed\n" },
		{ cmd_validate,
		  { "-x", "a", NULL },
		  EXIT_USAGE,
		  "stratactl: unknown option \"-x\"\n" },
		{ cmd_validate,
		  { "-o", "yaml", "a", NULL },
		  EXIT_USAGE,
		  "stratactl: -o needs \"text\" or \"json\"\n" },
		{ cmd_validate,
		  { "-f", NULL },
		  EXIT_USAGE,
		  "stratactl: -f needs a path\n" },
		{ cmd_get,
		  { NULL },
		  EXIT_USAGE,
		  "stratactl: a kind is needed\n" },
		{ cmd_get,
		  { "pods", "-f", "x", NULL },
		  EXIT_USAGE,
		  "stratactl: unknown kind \"pods\"\n" },
		{ cmd_get,
		  { "gnp", "--socket", "/nonexistent/stratad.sock", NULL },
		  EXIT_UNREACHABLE,
		  "stratactl: stratad is not reachable at /nonexistent/stratad.sock: No such file or directory\n" },
		{ cmd_get,
		  { "gnp", "-o", "xml", "-f", "x", NULL },
		  EXIT_USAGE,
		  "stratactl: unknown output format \"xml\"\n" },
		{ cmd_get,
		  { "all", "-f", "x", NULL },
		  EXIT_USAGE,
		  "stratactl: \"all\" prints YAML or JSON (-o)\n" },
		{ cmd_get,
		  { "np", "a", "-A", "-f", "x", NULL },
		  EXIT_USAGE,
		  "stratactl: a NAME needs one kind and one namespace (not all, not -A)\n" },
		{ cmd_get,
		  { "np", "a", "b", NULL },
		  EXIT_USAGE,
		  "stratactl: unexpected \"b\"\n" },
		{ cmd_get,
		  { "tier", "nope", "-f", EXAMPLE, NULL },
		  EXIT_INVALID,
		  "stratactl: get: Tier \"nope\" not found\n" },
		{ cmd_get,
		  { "np", "x", "-n", "db", "-f", EXAMPLE, NULL },
		  EXIT_INVALID,
		  "stratactl: get: NetworkPolicy \"x\" in namespace db not found\n" },
		{ cmd_get,
		  { "tier", "-f", GOLDEN "validate/bad-shop", NULL },
		  EXIT_INVALID,
		  "golden/validate/bad-shop/00-namespaces.yaml:12:29: metadata.labels.pci: true: expected a string, not a boolean (quote it: \"true\")\n" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err, *nl;
		int rc = run(cases[i].fn, cases[i].args, &out, &err);

		nl = strchr(err, '\n');
		if (nl)
			nl[1] = 0;
		if (rc != cases[i].rc || strcmp(err, cases[i].first_line))
			fail_msg("case %zu: exit %d (want %d), \"%s\"", i, rc,
				 cases[i].rc, err);
		free(out);
		free(err);
	}
}

static void get_outputs(void **state)
{
	static const struct {
		const char *args[10];
		const char *golden;
	} cases[] = {
		{ { "tier", "-f", EXAMPLE, NULL }, "get/tiers.txt" },
		{ { "gnp", "-f", EXAMPLE, "-o", "wide", NULL },
		  "get/gnp-wide.txt" },
		{ { "wep", "-A", "-f", EXAMPLE, "-o", "wide", NULL },
		  "get/wep-wide.txt" },
		{ { "profile", "-f", EXAMPLE, NULL }, "get/profiles.txt" },
		{ { "np", "knp.default.api", "-n", "backend", "-f", EXAMPLE,
		    "-o", "yaml", NULL },
		  "get/knp-api.yaml" },
		{ { "gnp", "pci.cardholder-zone", "-f", EXAMPLE, "-o", "json",
		    NULL },
		  "get/cardholder-zone.json" },
		{ { "netset", "-n", "backend", "-f", EXAMPLE, "-o", "yaml",
		    NULL },
		  "get/netset.yaml" },
		{ { "hep", "-f", EXAMPLE, "-o", "yaml", NULL },
		  "get/hep.yaml" },
		{ { "np", "-f", EXAMPLE, NULL }, "get/np-default-ns.txt" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err;

		assert_int_equal(run(cmd_get, cases[i].args, &out, &err),
				 EXIT_OK);
		golden(cases[i].golden, out);
		free(out);
		free(err);
	}
}

/* get all -A -o yaml, read back: the same resources. */
static void get_round_trip(void **state)
{
	const char *args[] = { "all", "-A", "-o", "yaml", "-f", EXAMPLE, NULL };
	char file[] = "/tmp/strata-golden-all-XXXXXX";
	const char *paths[] = { EXAMPLE, file };
	struct rset *a = rset_new(true), *b = rset_new(true);
	struct res **va, **vb;
	struct diags d;
	char *out, *err;
	size_t na, nb, i;
	int fd;

	assert_int_equal(run(cmd_get, args, &out, &err), EXIT_OK);
	assert_string_equal(err, "");
	fd = mkstemp(file);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, strlen(out)), (ssize_t)strlen(out));
	close(fd);
	free(out);
	free(err);
	diags_init(&d);
	assert_int_equal(rset_load(a, &paths[0], 1, 0, &d), 0);
	assert_int_equal(rset_load(b, &paths[1], 1, 0, &d), 0);
	assert_int_equal(d.n, 0);
	na = rset_list(a, -1, NULL, &va);
	nb = rset_list(b, -1, NULL, &vb);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		if (!res_equal(va[i], vb[i]))
			fail_msg("%s %s differs", res_kind_name(va[i]->kind),
				 va[i]->name);
	free(va);
	free(vb);
	diags_release(&d);
	rset_free(a);
	rset_free(b);
	unlink(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validate_bad),
		cmocka_unit_test(validate_example),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(get_outputs),
		cmocka_unit_test(get_round_trip),
	};

	return cmocka_run_group_tests_name("res_golden", tests, NULL, NULL);
}
