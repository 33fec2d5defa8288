// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every stratactl subcommand shares: error reporting and exit codes,
 * connecting (with the ABI check), running a change, showing objects.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

/* A dump a commit interrupted is read again, at most this often. */
#define SHOW_TRIES 5

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

int cli_usage_error(cli_usage_fn usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli.prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (usage)
		usage(stderr);
	return EXIT_USAGE;
}

/**
 * cli_fail() - report a library error; the exit code says what kind it was
 * @err: the error
 * @what: what was being done ("policy add")
 *
 * Return: EXIT_PERM, EXIT_UNREACHABLE (module not loaded, transport),
 * EXIT_INVALID (refused before sending) or EXIT_KERNEL.
 */
int cli_fail(const struct strata_err *err, const char *what)
{
	const char *msg = strata_err_str(err);
	char path[128];

	if (err->code == -EPERM || err->code == -EACCES) {
		fprintf(stderr,
			"%s: %s: permission denied: CAP_NET_ADMIN over this network namespace is required\n",
			cli.prog, what);
		return EXIT_PERM;
	}
	if (err->src == STRATA_ERR_TRANSPORT) {
		fprintf(stderr, "%s: %s: %s%s\n", cli.prog, what, msg,
			strstr(msg, "not loaded") ? " (try: modprobe strata)"
						  : "");
		return EXIT_UNREACHABLE;
	}
	strata_err_attr_path(err, path, sizeof(path));
	fprintf(stderr, "%s: %s: %s", cli.prog, what, msg);
	/* the kernel's errno says which kind of refusal it was */
	if (err->msg[0] && err->code && err->src == STRATA_ERR_KERNEL)
		fprintf(stderr, " (%s)", strerror(-err->code));
	if (path[0])
		fprintf(stderr, " [attribute %s]", path);
	fputc('\n', stderr);
	return err->src == STRATA_ERR_LOCAL ? EXIT_INVALID : EXIT_KERNEL;
}

/**
 * cli_perr() - report a parse error
 * @perr: the error
 * @file: the batch file it is in, or NULL for the command line
 * @usage: printed after a usage error on the command line (may be NULL)
 *
 * Return: EXIT_USAGE or EXIT_INVALID; errors in a file are EXIT_INVALID.
 */
int cli_perr(const struct strata_perr *perr, const char *file,
	     cli_usage_fn usage)
{
	if (file) {
		fprintf(stderr, "%s: %s:%u: %s\n", cli.prog, file, perr->line,
			perr->msg);
		return EXIT_INVALID;
	}
	fprintf(stderr, "%s: %s\n", cli.prog, perr->msg);
	if (perr->kind == STRATA_PERR_USAGE) {
		if (usage)
			usage(stderr);
		return EXIT_USAGE;
	}
	return EXIT_INVALID;
}

void cli_print_json(struct json_object *obj)
{
	printf("%s\n", json_object_to_json_string_ext(
			       obj, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/**
 * cli_connect() - open the netlink handle and check the module's ABI
 * @nl: the handle
 *
 * Return: EXIT_OK, or the exit code after reporting why not.
 */
int cli_connect(struct strata_nl **nl)
{
	struct strata_version_info v;
	struct strata_err err;

	*nl = strata_nl_open(&err);
	if (!*nl)
		return cli_fail(&err, "connect");
	if (strata_get_version(*nl, &v, &err)) {
		strata_nl_close(*nl);
		*nl = NULL;
		return cli_fail(&err, "version");
	}
	if (v.abi != STRATA_ABI_VERSION || v.genl != STRATA_GENL_VERSION) {
		fprintf(stderr,
			"%s: ABI mismatch: stratactl speaks ABI %d (generic netlink %d), the module %u (%u)\n",
			cli.prog, STRATA_ABI_VERSION, STRATA_GENL_VERSION,
			v.abi, v.genl);
		strata_nl_close(*nl);
		*nl = NULL;
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

/**
 * cli_change() - parse, check and apply one change command
 * @argc: words
 * @argv: from the object keyword on ("tier", "add", ...)
 * @usage: the object's usage text
 *
 * Return: the exit code.
 */
int cli_change(int argc, char **argv, cli_usage_fn usage)
{
	struct strata_err err;
	struct strata_perr perr;
	struct strata_nl *nl;
	struct strata_op op;
	char what[64];
	int ret;

	if (strata_parse_op(argc, argv, NULL, &op, &perr))
		return cli_perr(&perr, NULL, usage);
	snprintf(what, sizeof(what), "%s%s%s", argv[0], argc > 1 ? " " : "",
		 argc > 1 ? argv[1] : "");
	if (strata_op_check(&op, &err)) {
		ret = cli_fail(&err, what);
		strata_op_release(&op);
		return ret;
	}
	ret = cli_connect(&nl);
	if (ret) {
		strata_op_release(&op);
		return ret;
	}
	ret = strata_op_apply(nl, &op, &err) ? cli_fail(&err, what) : EXIT_OK;
	strata_nl_close(nl);
	strata_op_release(&op);
	return ret;
}

/**
 * cli_parse_ref() - "[ id ID | name NAME ]", the rest of a command
 * @argc: words left
 * @argv: the words
 * @id: the id, or 0
 * @name: the name, or NULL
 * @required: one of them must be given
 * @usage: the usage text for errors
 *
 * Return: EXIT_OK or the exit code of the error reported.
 */
int cli_parse_ref(int argc, char **argv, uint32_t *id, const char **name,
		  bool required, cli_usage_fn usage)
{
	struct strata_perr perr;

	*id = 0;
	*name = NULL;
	if (argc == 0 && !required)
		return EXIT_OK;
	if (argc != 2)
		return cli_usage_error(usage,
				       "expected \"id ID\" or \"name NAME\"");
	if (!strcmp(argv[0], "id")) {
		if (strata_parse_u32(argv[1], id, &perr)) {
			fprintf(stderr, "%s: id %s\n", cli.prog, perr.msg);
			return EXIT_INVALID;
		}
		if (!*id) {
			fprintf(stderr, "%s: id \"0\": ids start at 1\n",
				cli.prog);
			return EXIT_INVALID;
		}
		return EXIT_OK;
	}
	if (!strcmp(argv[0], "name")) {
		if (!argv[1][0] || strlen(argv[1]) >= STRATA_NAME_LEN) {
			fprintf(stderr, "%s: name must be 1..63 bytes\n",
				cli.prog);
			return EXIT_INVALID;
		}
		*name = argv[1];
		return EXIT_OK;
	}
	return cli_usage_error(usage, "unexpected \"%s\"", argv[0]);
}

/* A monotonic clock in milliseconds, for strata_names_due(). */
uint64_t cli_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/**
 * cli_names_load() - (re)load the names monitor and counters print
 * @names: the cache
 * @nl: the handle
 * @what: the command, for the warning
 * @warned: a warning was printed already (set when one is)
 *
 * Names are a convenience: a failure is a warning on stderr (the first
 * one only), never the command's failure; the output then shows ids (or
 * the names loaded before).
 *
 * Return: 0 or the negative errno of the failure.
 */
int cli_names_load(struct strata_names *names, struct strata_nl *nl,
		   const char *what, bool *warned)
{
	struct strata_err err;
	int ret;

	ret = strata_names_load(names, nl, cli_now_ms(), &err);
	if (ret && !*warned) {
		fprintf(stderr, "%s: %s: cannot read names (%s): showing ids\n",
			cli.prog, what, strata_err_str(&err));
		*warned = true;
	}
	return ret;
}

int cli_objs_push(struct cli_objs *o, void *obj, uint32_t count)
{
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 16;
		void **v = realloc(o->v, cap * sizeof(*v));
		uint32_t *c;

		if (!v)
			return -ENOMEM;
		o->v = v;
		c = realloc(o->count, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		o->count = c;
		o->cap = cap;
	}
	o->v[o->n] = obj;
	o->count[o->n++] = count;
	return 0;
}

static void objs_clear(const struct cli_kind *k, struct cli_objs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		k->put(o->v[i]);
	o->n = 0;
}

/* Read (retrying interrupted dumps) and print every object of a kind. */
static int show_kind(struct strata_nl *nl, const struct cli_kind *k,
		     uint32_t id, const char *name, struct json_object *arr,
		     struct strata_err *err)
{
	struct cli_objs o = { 0 };
	int ret = -EAGAIN, tries;
	size_t i;

	for (tries = 0; tries < SHOW_TRIES && ret == -EAGAIN; tries++) {
		objs_clear(k, &o);
		ret = k->read(nl, id, name, &o, err);
	}
	for (i = 0; i < o.n && !ret; i++)
		ret = k->emit(nl, o.v[i], o.count[i], arr, err);
	objs_clear(k, &o);
	free(o.v);
	free(o.count);
	return ret;
}

int cli_show_all(struct strata_nl *nl, const struct cli_kind *k,
		 struct json_object *arr, struct strata_err *err)
{
	return show_kind(nl, k, 0, NULL, arr, err);
}

/**
 * cli_show() - "x show [ id ID | name NAME ]"
 * @k: the kind
 * @argc: words after "show"
 * @argv: the words
 *
 * Return: the exit code.
 */
int cli_show(const struct cli_kind *k, int argc, char **argv)
{
	struct json_object *arr = cli.json ? json_object_new_array() : NULL;
	struct strata_err err;
	struct strata_nl *nl;
	const char *name;
	char what[32];
	uint32_t id;
	int ret;

	ret = cli_parse_ref(argc, argv, &id, &name, false, k->usage);
	if (!ret)
		ret = cli_connect(&nl);
	if (ret) {
		json_object_put(arr);
		return ret;
	}
	snprintf(what, sizeof(what), "%s show", k->name);
	if (show_kind(nl, k, id, name, arr, &err))
		ret = cli_fail(&err, what);
	else if (arr)
		cli_print_json(arr);
	json_object_put(arr);
	strata_nl_close(nl);
	return ret;
}

/**
 * cli_object() - the verbs every object has: add, replace, del, show
 * @k: the kind
 * @argc: words after the object keyword
 * @argv: the words
 *
 * Return: the exit code.
 */
int cli_object(const struct cli_kind *k, int argc, char **argv)
{
	char **words;
	int ret;

	if (argc == 0)
		return cli_usage_error(k->usage, "%s: a command is needed",
				       k->name);
	if (cli_is_help(argv[0])) {
		k->usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		return cli_show(k, argc - 1, argv + 1);
	/* the parser wants the object keyword too */
	words = calloc((size_t)argc + 1, sizeof(*words));
	if (!words)
		return EXIT_INVALID;
	words[0] = (char *)k->name;
	memcpy(words + 1, argv, (size_t)argc * sizeof(*words));
	ret = cli_change(argc + 1, words, k->usage);
	free(words);
	return ret;
}

/**
 * cli_batch_file() - read the "[ -c | --check ] { FILE | - }" arguments of
 * batch and load, and FILE as a batch
 * @argc: the arguments
 * @argv: their words
 * @usage: the command's usage, for errors
 * @b: filled; the caller releases it when this returns EXIT_OK
 * @shown: FILE as messages name it ("<stdin>" for -)
 * @check: -c was given
 *
 * Return: EXIT_OK, or the exit code of an error already reported (@b is
 * then released).
 */
int cli_batch_file(int argc, char **argv, cli_usage_fn usage,
		   struct strata_batch *b, const char **shown, bool *check)
{
	struct strata_perr perr;
	const char *file = NULL;
	int i, ret;
	FILE *f;

	*check = false;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--check"))
			*check = true;
		else if (!file)
			file = argv[i];
		else
			return cli_usage_error(usage, "unexpected \"%s\"",
					       argv[i]);
	}
	if (!file)
		return cli_usage_error(usage, "a file is needed");
	*shown = strcmp(file, "-") ? file : "<stdin>";
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		fprintf(stderr, "%s: cannot open %s: %m\n", cli.prog, file);
		return EXIT_INVALID;
	}
	strata_batch_init(b);
	ret = strata_batch_read(b, f, &perr);
	if (f != stdin)
		fclose(f);
	if (ret) {
		ret = cli_perr(&perr, *shown, NULL);
		strata_batch_release(b);
		return ret;
	}
	return EXIT_OK;
}
