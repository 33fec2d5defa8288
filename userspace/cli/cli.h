/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef STRATACTL_CLI_H
#define STRATACTL_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>
#include "strata.h"
#include "strata_text.h"

/* Exit codes, documented in stratactl(8). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_INVALID = 2,
	EXIT_UNREACHABLE = 3,
	EXIT_PERM = 4,
	EXIT_KERNEL = 5,
};

/*
 * @json: -j, -o json
 * @numeric: -n: ids only, no names looked up (monitor, counters)
 */
struct cli {
	bool json;
	bool numeric;
	const char *prog;
};

extern struct cli cli;

typedef void (*cli_usage_fn)(FILE *f);

/*
 * @values: the words whose next word is a value that may be anything,
 * "-h" and "--help" included (a name, a path, an interface): there it is
 * that value, not a request for the usage (main.c); NULL: none
 */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	cli_usage_fn usage;
	const char *const *values;
};

/* common.c */
int cli_usage_error(cli_usage_fn usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_fail(const struct strata_err *err, const char *what);
int cli_perr(const struct strata_perr *perr, const char *file,
	     cli_usage_fn usage);
int cli_batch_file(int argc, char **argv, cli_usage_fn usage,
		   struct strata_batch *b, const char **shown, bool *check);
bool cli_is_help(const char *arg);
void cli_print_json(struct json_object *obj);
int cli_connect(struct strata_nl **nl);
int cli_change(int argc, char **argv, cli_usage_fn usage);
int cli_parse_ref(int argc, char **argv, uint32_t *id, const char **name,
		  bool required, cli_usage_fn usage);
uint64_t cli_now_ms(void);
int cli_names_load(struct strata_names *names, struct strata_nl *nl,
		   const char *what, bool *warned);

/*
 * Showing objects of one kind: read them all (retrying a dump that a
 * commit interrupted), then print them as text or as a JSON array.
 */
struct cli_objs {
	void **v;
	uint32_t *count;
	size_t n, cap;
};

struct cli_kind {
	uint8_t kind;
	const char *name;
	cli_usage_fn usage;
	/* read one (@id or @name) or all (@id 0, @name NULL) into @out */
	int (*read)(struct strata_nl *nl, uint32_t id, const char *name,
		    struct cli_objs *out, struct strata_err *err);
	/* print one object (text or JSON into @arr) */
	int (*emit)(struct strata_nl *nl, void *obj, uint32_t count,
		    struct json_object *arr, struct strata_err *err);
	void (*put)(void *obj);
};

int cli_objs_push(struct cli_objs *o, void *obj, uint32_t count);
int cli_object(const struct cli_kind *k, int argc, char **argv);
int cli_show(const struct cli_kind *k, int argc, char **argv);
int cli_show_all(struct strata_nl *nl, const struct cli_kind *k,
		 struct json_object *arr, struct strata_err *err);

extern const struct cli_kind cli_tier_kind, cli_policy_kind, cli_ipset_kind,
	cli_endpoint_kind;

/* One file per subcommand. */
int cmd_version(int argc, char **argv);
void usage_version(FILE *f);
int cmd_tier(int argc, char **argv);
void usage_tier(FILE *f);
int cmd_policy(int argc, char **argv);
void usage_policy(FILE *f);
int cmd_endpoint(int argc, char **argv);
void usage_endpoint(FILE *f);
int cmd_ipset(int argc, char **argv);
void usage_ipset(FILE *f);
int cmd_settings(int argc, char **argv);
void usage_settings(FILE *f);
int cmd_monitor(int argc, char **argv);
void usage_monitor(FILE *f);
int cmd_counters(int argc, char **argv);
void usage_counters(FILE *f);
int cmd_stats(int argc, char **argv);
void usage_stats(FILE *f);
int cmd_flush(int argc, char **argv);
void usage_flush(FILE *f);
int cmd_batch(int argc, char **argv);
void usage_batch(FILE *f);
int cmd_load(int argc, char **argv);
void usage_load(FILE *f);
int cmd_show(int argc, char **argv);
void usage_show(FILE *f);
int cmd_compile(int argc, char **argv);
void usage_compile(FILE *f);
int cmd_select(int argc, char **argv);
void usage_select(FILE *f);
int cmd_explain(int argc, char **argv);
void usage_explain(FILE *f);
int cmd_validate(int argc, char **argv);
void usage_validate(FILE *f);
int cmd_get(int argc, char **argv);
void usage_get(FILE *f);
int cmd_apply(int argc, char **argv);
void usage_apply(FILE *f);
int cmd_delete(int argc, char **argv);
void usage_delete(FILE *f);
int cmd_status(int argc, char **argv);
void usage_status(FILE *f);

/* apiclient.c: stratad's local API (stratad(8), LOCAL API) */
const char *cli_api_socket(const char *opt);
int cli_api_connect(const char *path, int *fd);
int cli_api_connect_wait(const char *path, int *fd, unsigned int timeout_ms);
int cli_api_call(int fd, struct json_object *req, unsigned int timeout_ms,
		 struct json_object **reply);
bool cli_api_ok(struct json_object *reply, const char *what);
struct json_object *cli_api_get(struct json_object *o, const char *path);

#endif /* STRATACTL_CLI_H */
