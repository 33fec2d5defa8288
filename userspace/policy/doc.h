/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Documents with positions: the tree every manifest is read into before it
 * becomes a typed resource (res.h).
 *
 * YAML and JSON files are both read with libyaml (JSON is YAML's flow
 * style), so every node knows its line and column, a file may hold many
 * documents ("---"), anchors and aliases are resolved (shared, never
 * copied; a document that would expand past DOC_MAX_WEIGHT nodes or refers
 * to itself is refused) and merge keys ("<<") are applied. Plain scalars
 * are typed the way Kubernetes' YAML reader types them (YAML 1.1: null, ~,
 * true/false/yes/no/on/off/y/n, integers with 0x/0o/0b prefixes or
 * underscores, floats, .inf, .nan); quoted scalars are strings.
 *
 * Objects the daemon's datastores hand over as json-c objects become the
 * same tree without positions; messages about them name the object
 * (doc.origin) instead of a file.
 *
 * Diagnostics (struct diags) collect every error and warning of a run,
 * each with its file, line, column, field path and message, and print as
 * "file:line:col: path: message" ("file:line:col: warning: path: message").
 *
 * Memory: a document's nodes and strings live in its arena and are freed
 * with it. Allocation failure aborts (doc_xalloc()).
 */
#ifndef STRATA_DOC_H
#define STRATA_DOC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_object;

/* Refuse documents whose aliases expand to more nodes than this. */
#define DOC_MAX_WEIGHT (1U << 20)
/* Refuse files larger than this. */
#define DOC_MAX_FILE (64U << 20)
/* Refuse nesting deeper than this. */
#define DOC_MAX_DEPTH 256

/* --- arena ------------------------------------------------------------ */

struct doc_arena;

struct doc_arena *doc_arena_new(void);
/* An arena whose first block holds @first bytes (then they double). */
struct doc_arena *doc_arena_new_sized(size_t first);
/* The bytes allocated from @a so far. */
size_t doc_arena_used(const struct doc_arena *a);
void doc_arena_free(struct doc_arena *a);
/* Zeroed memory from @a (aligned for any type); never NULL. */
void *doc_alloc(struct doc_arena *a, size_t n);
/* A NUL-terminated copy of @n bytes of @s in @a (NULL for NULL). */
char *doc_strndup(struct doc_arena *a, const char *s, size_t n);
char *doc_strdup(struct doc_arena *a, const char *s);
char *doc_printf(struct doc_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* malloc/realloc that abort on failure */
void *doc_xalloc(void *p, size_t n);

/* --- the tree --------------------------------------------------------- */

enum doc_type {
	DOC_NULL,
	DOC_BOOL,
	DOC_INT,
	DOC_FLOAT,
	DOC_STR,
	DOC_MAP,
	DOC_SEQ,
};

struct doc_node;

/**
 * struct doc_pair - one key and value of a mapping, in document order
 * @key: the key's text (scalar keys only; "80" for 80)
 * @line: where the key is (0 when unknown)
 * @col: its column
 * @val: the value
 */
struct doc_pair {
	const char *key;
	unsigned int line, col;
	struct doc_node *val;
};

/**
 * struct doc_node - a node of a document
 * @type: enum doc_type
 * @line: 1-based line of the node's first character (0: no position)
 * @col: 1-based column (characters, not bytes)
 * @text: scalars: the text as written (DOC_STR: the value, which may hold
 *        NUL bytes: see @len); NULL for mappings and sequences
 * @len: length of @text in bytes
 * @b: DOC_BOOL value
 * @i: DOC_INT value
 * @f: DOC_FLOAT value
 * @n: number of @pairs (DOC_MAP) or @items (DOC_SEQ)
 * @pairs: DOC_MAP entries, keys unique
 * @items: DOC_SEQ entries
 * @weight: nodes this one expands to (aliases counted each time)
 */
struct doc_node {
	enum doc_type type;
	unsigned int line, col;
	const char *text;
	size_t len;
	bool b;
	int64_t i;
	double f;
	size_t n;
	struct doc_pair *pairs;
	struct doc_node **items;
	size_t weight;
};

/**
 * struct doc - one input: a file (many documents) or one json-c object
 * @arena: owns everything below
 * @file: the name shown in messages ("policy.yaml", "<stdin>"), or NULL
 * @origin: for positionless input, what messages name instead of a file
 *          ("NetworkPolicy prod/web"); NULL for files
 * @roots: the documents' roots (empty and null documents left out)
 * @lines: @roots[i] starts at line @lines[i]
 * @n: number of roots
 */
struct doc {
	struct doc_arena *arena;
	const char *file;
	const char *origin;
	struct doc_node **roots;
	unsigned int *lines;
	size_t n;
};

/* The value of @key in mapping @map, or NULL (also when @map is not one). */
const struct doc_node *doc_get(const struct doc_node *map, const char *key);
/* The pair of @key in @map, or NULL. */
const struct doc_pair *doc_pair_get(const struct doc_node *map,
				    const char *key);
/* A string node's text, or NULL when @n is not a string. */
const char *doc_str(const struct doc_node *n);
/* "a string", "a number", "a mapping", ... for messages */
const char *doc_type_name(const struct doc_node *n);
bool doc_is_scalar(const struct doc_node *n);

/* --- diagnostics ------------------------------------------------------ */

enum diag_sev {
	DIAG_ERROR,
	DIAG_WARNING,
};

/**
 * struct diag - one message
 * @sev: enum diag_sev
 * @file: the file (NULL for positionless input)
 * @origin: the object named instead of a file (json-c input), or NULL
 * @line: 1-based, 0 when unknown
 * @col: 1-based, 0 when unknown
 * @path: the field path ("spec.ingress[0].action"), "" for the document
 * @msg: what is wrong and what is allowed
 */
struct diag {
	enum diag_sev sev;
	char *file;
	char *origin;
	unsigned int line, col;
	char *path;
	char *msg;
};

struct diags {
	struct diag *v;
	size_t n, cap;
	unsigned int errors, warnings;
};

void diags_init(struct diags *d);
void diags_release(struct diags *d);
/* Append a message (copies every string). */
void diag_add(struct diags *d, enum diag_sev sev, const char *file,
	      const char *origin, unsigned int line, unsigned int col,
	      const char *path, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));
void diag_vadd(struct diags *d, enum diag_sev sev, const char *file,
	       const char *origin, unsigned int line, unsigned int col,
	       const char *path, const char *fmt, va_list ap)
	__attribute__((format(printf, 8, 0)));
/* Format one message as it is printed, into @buf; returns @buf. */
char *diag_format(const struct diag *m, char *buf, size_t size);
/* Print every message, one per line, in the order they were added. */
void diags_print(const struct diags *d, FILE *f);
/* Sort by file, line, column (stable), for output across files. */
void diags_sort(struct diags *d);

/* --- reading ---------------------------------------------------------- */

/**
 * doc_parse() - read YAML or JSON text
 * @doc: filled; release with doc_release() even on failure
 * @name: the file name shown in messages
 * @buf: the text (need not be NUL-terminated)
 * @len: its length
 * @d: syntax errors go here
 *
 * Documents before a syntax error are kept.
 *
 * Return: 0, or -EINVAL after adding the error to @d.
 */
int doc_parse(struct doc *doc, const char *name, const char *buf, size_t len,
	      struct diags *d);

/**
 * doc_read_file() - read a file ("-": standard input) and parse it
 * @doc: filled; release with doc_release()
 * @path: the file
 * @d: errors (unreadable, too large, syntax) go here
 *
 * Return: 0, -EINVAL (syntax), or a negative errno (unreadable).
 */
int doc_read_file(struct doc *doc, const char *path, struct diags *d);

/**
 * doc_from_json() - the tree of a json-c object, one root, no positions
 * @doc: filled; release with doc_release()
 * @obj: the object (not kept)
 * @origin: what messages about it name ("Pod default/web-0")
 */
void doc_from_json(struct doc *doc, struct json_object *obj,
		   const char *origin);

void doc_release(struct doc *doc);

/* Parse a plain scalar the way the loader types it (exposed for tests). */
enum doc_type doc_resolve_plain(const char *s, size_t len, bool *b, int64_t *i,
				double *f);

#endif /* STRATA_DOC_H */
