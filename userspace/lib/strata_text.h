/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libstrata's text syntax: the stratactl grammar (command lines and batch
 * files), the printer that writes objects back in that grammar, and JSON.
 * stratactl(8) documents the grammar and the JSON schema; this is their
 * implementation, shared by stratactl, its tests and future tools.
 */
#ifndef STRATA_TEXT_H
#define STRATA_TEXT_H

#include <stdio.h>
#include <json-c/json.h>
#include "strata.h"

/**
 * enum strata_perr_kind - how wrong the input was
 * @STRATA_PERR_USAGE: the command's shape (unknown keyword, missing
 *                     argument or required field, duplicate): exit code 1
 * @STRATA_PERR_INVALID: a value (number, address, name, ...) or the object
 *                       it makes is invalid: exit code 2
 */
enum strata_perr_kind {
	STRATA_PERR_USAGE = 1,
	STRATA_PERR_INVALID = 2,
};

/**
 * struct strata_perr - a parse error
 * @kind: enum strata_perr_kind
 * @line: in a batch file, the line of the offending word; 0 otherwise
 * @arg: index of the offending word in the command, or -1
 * @msg: what is wrong
 */
struct strata_perr {
	int kind;
	unsigned int line;
	int arg;
	char msg[256];
};

/* Values. Each returns 0, or -EINVAL with @perr filled (kind INVALID). */
int strata_parse_u32(const char *s, uint32_t *v, struct strata_perr *perr);
int strata_parse_u64(const char *s, uint64_t *v, struct strata_perr *perr);
int strata_parse_prefix(const char *s, struct strata_prefix *p,
			struct strata_perr *perr);
int strata_parse_ports(const char *s, struct strata_port_range *r,
		       struct strata_perr *perr);
int strata_parse_proto(const char *s, uint8_t *proto, struct strata_perr *perr);
int strata_parse_member(const char *s, struct strata_member *m, uint8_t *family,
			struct strata_perr *perr);
int strata_parse_failsafe(const char *s, struct strata_failsafe *f,
			  struct strata_perr *perr);

/**
 * enum strata_op_type - what one command (or batch line) does
 * @STRATA_OP_PUT: tier|policy|ipset|endpoint add|replace
 * @STRATA_OP_DEL: tier|policy|ipset|endpoint del
 * @STRATA_OP_MEMBERS: ipset add-members|del-members
 * @STRATA_OP_SETTINGS: settings set
 * @STRATA_OP_FLUSH: flush
 */
enum strata_op_type {
	STRATA_OP_NONE,
	STRATA_OP_PUT,
	STRATA_OP_DEL,
	STRATA_OP_MEMBERS,
	STRATA_OP_SETTINGS,
	STRATA_OP_FLUSH,
};

/**
 * struct strata_op - one parsed change
 * @type: enum strata_op_type
 * @kind: SC_OBJ_* the change is about (PUT, DEL, MEMBERS)
 * @replace: PUT: create or replace
 * @add: MEMBERS: add, else delete
 * @exist_ok: MEMBERS: "exist" was given
 * @id: DEL, MEMBERS: the object's id, or 0 to select it by @name
 * @name: DEL, MEMBERS: the object's name
 * @tier: PUT tier
 * @policy: PUT policy
 * @ipset: PUT ipset
 * @endpoint: PUT endpoint
 * @members: PUT ipset, MEMBERS: malloc()ed
 * @n_members: their number
 * @settings: SETTINGS: the values (malloc()ed)
 * @settings_mask: SETTINGS: which ones were given (STRATA_SETTINGS_F())
 * @line: in a batch file, the line the command starts on
 */
struct strata_op {
	int type;
	uint8_t kind;
	bool replace;
	bool add;
	bool exist_ok;
	uint32_t id;
	char name[STRATA_NAME_LEN];
	struct sc_tier *tier;
	struct sc_policy *policy;
	struct sc_ipset *ipset;
	struct sc_endpoint *endpoint;
	struct strata_member *members;
	uint32_t n_members;
	struct sc_settings *settings;
	uint32_t settings_mask;
	unsigned int line;
};

/*
 * Parse one change command: @argv[0] is the object ("tier", "policy",
 * "endpoint", "ipset", "settings", "flush"), @argv[1] the verb. @lines (may
 * be NULL) gives each word's line in a batch file. On error @op is empty.
 */
int strata_parse_op(int argc, char *const *argv, const unsigned int *lines,
		    struct strata_op *op, struct strata_perr *perr);
void strata_op_release(struct strata_op *op);
/* The core model's checks (sc_*_check()), as the kernel will run them. */
int strata_op_check(const struct strata_op *op, struct strata_err *err);
int strata_op_apply(struct strata_nl *nl, const struct strata_op *op,
		    struct strata_err *err);

/* The settings keywords ("mark-mask", ...) by attribute type, or NULL. */
const char *strata_settings_key(int attr);

/**
 * struct strata_batch - a batch file: its changes and the reader's state
 * @ops: the changes, in file order
 * @n: how many
 * @cap: allocated
 * @line: physical lines read so far
 *
 * Lines are fed one by one (strata_batch_line()) so that any source, and
 * a fuzzer, can drive the reader; strata_batch_read() does it for a file.
 */
struct strata_batch {
	struct strata_op *ops;
	size_t n, cap;
	unsigned int line;
	/* the command being read (continuation lines join it) */
	char **words;
	unsigned int *word_lines;
	size_t n_words, cap_words;
	unsigned int start;
};

void strata_batch_init(struct strata_batch *b);
int strata_batch_line(struct strata_batch *b, const char *line,
		      struct strata_perr *perr);
int strata_batch_finish(struct strata_batch *b, struct strata_perr *perr);
int strata_batch_read(struct strata_batch *b, FILE *f,
		      struct strata_perr *perr);
void strata_batch_release(struct strata_batch *b);
int strata_batch_apply(struct strata_nl *nl, const struct strata_batch *b,
		       uint64_t *generation, const struct strata_op **failed,
		       struct strata_err *err);
/*
 * A batch file as a complete state image: its objects, and @settings with
 * its "settings set" lines applied. Only what describes a state is
 * allowed (add, replace, add-members, settings set, flush).
 */
int strata_batch_image(const struct strata_batch *b,
		       const struct sc_settings *settings, void **image,
		       size_t *len, const struct strata_op **failed,
		       struct strata_err *err);
/* Copy the fields of @mask (STRATA_SETTINGS_F()) from @src to @dst. */
void strata_settings_apply(struct sc_settings *dst,
			   const struct sc_settings *src, uint32_t mask);

/**
 * typedef strata_name_fn - a name resolver for event and counter output
 * @kind: what @id is: enum strata_err_obj (STRATA_ERR_OBJ_TIER,
 *        STRATA_ERR_OBJ_POLICY for policies and profiles,
 *        STRATA_ERR_OBJ_ENDPOINT)
 * @id: the object's id (never 0)
 * @arg: the resolver's argument
 *
 * Return: the object's name, or NULL when it is unknown. The string must
 * stay valid until the printer that asked returns.
 */
typedef const char *(*strata_name_fn)(uint8_t kind, uint32_t id, void *arg);

/*
 * Text output in the grammar "add" accepts: a command per object, its
 * long lists and rules on continuation lines (a batch file reads them
 * back).
 */
#define STRATA_FMT_LEN 80

const char *strata_action_name(uint8_t action);
const char *strata_proto_name(uint8_t proto, char *buf, size_t len);
const char *strata_fmt_prefix(const struct strata_prefix *p, char *buf,
			      size_t len);
const char *strata_fmt_member(uint8_t family, const struct strata_member *m,
			      char *buf, size_t len);
const char *strata_fmt_failsafe(const struct strata_failsafe *f, char *buf,
				size_t len);
void strata_print_rule(FILE *f, enum sc_dir dir, const struct sc_rule *r);
void strata_print_tier(FILE *f, const struct sc_tier *t);
void strata_print_policy(FILE *f, const struct sc_policy *p);
void strata_print_ipset(FILE *f, const struct sc_ipset *s,
			const struct strata_member *m, uint32_t n);
void strata_print_endpoint(FILE *f, const struct sc_endpoint *e);
void strata_print_settings(FILE *f, const struct sc_settings *s);
void strata_print_stats(FILE *f, const struct strata_stats *st);
void strata_print_counter(FILE *f, const struct strata_counter *c);
void strata_print_counter_names(FILE *f, const struct strata_counter *c,
				strata_name_fn fn, void *arg);
const char *strata_reason_name(unsigned int reason);
const char *strata_counter_kind_name(uint8_t kind);
void strata_print_event(FILE *f, const struct strata_event *ev);
void strata_print_event_names(FILE *f, const struct strata_event *ev,
			      strata_name_fn fn, void *arg);
const char *strata_verdict_name(uint8_t verdict);
const char *strata_hook_name(uint8_t hook);

/*
 * A name cache for the printers (names.c): the names of every tier,
 * policy and endpoint, read with strata_names_load() (one generation,
 * dumps retried while commits interrupt them; a failed load keeps the
 * previous names). strata_names_lookup() is a strata_name_fn whose
 * argument is the cache. strata_names_due() is the reload rule for a
 * stream of events: the event's generation differs from the names', and
 * the last load was attempted STRATA_NAMES_INTERVAL_MS or longer ago
 * (@now_ms: any monotonic clock in milliseconds, the same for both).
 */
#define STRATA_NAMES_INTERVAL_MS 1000

struct strata_names;

struct strata_names *strata_names_new(void);
void strata_names_free(struct strata_names *n);
int strata_names_add(struct strata_names *n, uint8_t kind, uint32_t id,
		     const char *name);
const char *strata_names_lookup(uint8_t kind, uint32_t id, void *names);
size_t strata_names_count(const struct strata_names *n);
bool strata_names_generation(const struct strata_names *n,
			     uint64_t *generation);
bool strata_names_due(const struct strata_names *n, uint64_t generation,
		      uint64_t now_ms);
int strata_names_load(struct strata_names *n, struct strata_nl *nl,
		      uint64_t now_ms, struct strata_err *err);

/* JSON (stratactl(8), "JSON OUTPUT"); the caller owns the object. */
struct json_object *strata_json_rule(const struct sc_rule *r);
struct json_object *strata_json_tier(const struct sc_tier *t);
struct json_object *strata_json_policy(const struct sc_policy *p);
struct json_object *strata_json_ipset(const struct sc_ipset *s, uint32_t count,
				      bool with_members,
				      const struct strata_member *m,
				      uint32_t n);
struct json_object *strata_json_member(uint8_t family, uint8_t kind,
				       const struct strata_member *m);
struct json_object *strata_json_endpoint(const struct sc_endpoint *e);
struct json_object *strata_json_settings(const struct sc_settings *s);
struct json_object *strata_json_stats(const struct strata_stats *st);
struct json_object *strata_json_counter(const struct strata_counter *c);
struct json_object *strata_json_counter_names(const struct strata_counter *c,
					      strata_name_fn fn, void *arg);
struct json_object *strata_json_event(const struct strata_event *ev);
struct json_object *strata_json_event_names(const struct strata_event *ev,
					    strata_name_fn fn, void *arg);

#endif /* STRATA_TEXT_H */
