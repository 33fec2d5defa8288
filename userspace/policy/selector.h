/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Calico selector language (../shared/reference/calico-semantics.md
 * §2): parse, canonical form, match against a label set, and the rewrites
 * compile needs (namespace and service-account scoping). The label index
 * that evaluates many selectors against many labelled items incrementally
 * is labelidx.h.
 *
 * Contract shared by the resource layer (validation), compile (IP sets:
 * equivalent selectors share one set, keyed by the canonical string) and
 * stratactl select/explain.
 *
 * Grammar (blanks are spaces and tabs only, allowed between any tokens):
 *
 *   selector := "" | or
 *   or       := and ( "||" and )*
 *   and      := unary ( "&&" unary )*
 *   unary    := "!"* primary
 *   primary  := "(" or ")" | "all(" ")" | "global(" ")" | "has(" LABEL ")"
 *             | LABEL ( "==" | "!=" | "contains" | "starts" "with"
 *                     | "ends" "with" ) STR
 *             | LABEL ( "in" | "not" "in" ) "{" [ STR ( "," STR )* [","] ] "}"
 *   LABEL    := [A-Za-z0-9_./-]{1,512}
 *   STR      := '...' | "..."   (no escapes; any byte but the quote)
 *
 * "has(", "all(" and "global(" are written without a blank before the
 * parenthesis ("has (x)" is the label "has" followed by garbage). Keyword
 * operators end at a word boundary (the next byte is not a LABEL byte, as
 * in a in{"x"}); "notin", "startswith" and "endswith" are accepted, as
 * Calico does. Parentheses nest at most SEL_MAX_DEPTH deep.
 *
 * Matching: ==, in, contains, starts with and ends with need the label
 * present; != and not in match when it is absent; has() ignores the value;
 * "k in {}" matches nothing and "k not in {}" everything; all() and
 * global() match everything (global() is only a marker for compile, which
 * rewrites it with sel_prefixed()).
 */
#ifndef STRATA_SELECTOR_H
#define STRATA_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEL_MAX_LABEL 512 /* characters in a label key */
#define SEL_MAX_DEPTH 128 /* nested parentheses */

/**
 * struct sel_labels - a label set: @n key/value pairs sorted by key, keys
 * unique. The caller owns the strings.
 */
struct sel_label {
	const char *key;
	const char *value;
};

struct sel_labels {
	const struct sel_label *v;
	size_t n;
};

/* Sort @v by key in place (stable; a later duplicate key wins and the
 * earlier one is dropped); returns the new count. */
size_t sel_labels_sort(struct sel_label *v, size_t n);
/* The value of @key, or NULL when absent (binary search). */
const char *sel_labels_get(const struct sel_labels *l, const char *key);

/* An immutable parsed selector; reference counted. */
struct sel;

/**
 * struct sel_err - where and why parsing failed
 * @pos: byte offset in the input of the offending token (the input's
 *       length when the selector ended too early)
 * @msg: the complete message, ending with " at <pos>", e.g.
 *       "expected a quoted string after '==' at 7"; print it as it is
 */
struct sel_err {
	size_t pos;
	char msg[160];
};

/* Flags for sel_parse(). */
#define SEL_F_ALLOW_GLOBAL                             \
	(1U << 0) /* global() allowed, alone (a rule's \
		   * namespaceSelector) */

/**
 * sel_parse() - parse a selector; "" (or only blanks) is all()
 * @text: the selector, NUL-terminated
 * @flags: SEL_F_*; without SEL_F_ALLOW_GLOBAL, global() is an error, and
 *         with it global() must be the whole selector
 * @out: the selector (one reference) on success
 * @err: filled on -EINVAL; may be NULL
 *
 * Return: 0, -EINVAL (syntax; @err says where and why) or -ENOMEM.
 */
int sel_parse(const char *text, unsigned int flags, struct sel **out,
	      struct sel_err *err);

struct sel *sel_get(struct sel *s); /* another reference */
void sel_put(struct sel *s); /* NULL is fine */

/*
 * The canonical form, sel_str(): a deterministic printing such that
 * equivalent spellings give the same string and sel_parse(sel_str(x))
 * gives x back (same string). It is a canonical syntax, not a boolean
 * minimiser. Rules:
 *
 *  - one blank around binary operators, none elsewhere:
 *    a == "x", a in {"x", "y"}, has(a), !has(a), a && b || c;
 *  - strings in double quotes, or single quotes when they contain a
 *    double quote (a value cannot contain both);
 *  - in / not in: values sorted bytewise, duplicates dropped; one value
 *    becomes == / !=  (a in {"x"} is a == "x"); the empty set stays
 *    (a in {} matches nothing, a not in {} everything);
 *  - operator spellings: "not in", "starts with", "ends with";
 *  - negation: !! cancels; !(a == "x") is a != "x" and the other way
 *    round; !(a in {...}) is a not in {...} and the other way round;
 *    other negations print as "!" before has(), all() or a parenthesised
 *    && / || group;
 *  - && and || are flattened (a && (b && c) is a && b && c), their
 *    operands sorted bytewise by their own canonical text, duplicates
 *    dropped; all() disappears from a conjunction (one of only all() is
 *    all()), and a disjunction containing all() is all();
 *  - parentheses only where needed: around a || group inside && or
 *    after !.
 *
 * all() prints as "all()" (also for "" and blanks), global() as
 * "global()".
 */
const char *sel_str(const struct sel *s);
/* A stable 64-bit hash of sel_str() (FNV-1a), for naming IP sets. */
uint64_t sel_hash(const struct sel *s);
bool sel_equal(const struct sel *a, const struct sel *b);

/* Does @s match an item labelled @l? */
bool sel_match(const struct sel *s, const struct sel_labels *l);
bool sel_is_all(const struct sel *s);
bool sel_is_global(const struct sel *s); /* exactly global() */

/*
 * Rewrites for compile (§1.2, §1.3). Each returns a new reference, or
 * NULL on allocation failure or when the result cannot be written in the
 * language (a prefixed key longer than SEL_MAX_LABEL or not made of label
 * characters; a value with both quote characters); the inputs are not
 * consumed. Results are canonical.
 *
 * sel_and(): a && b (all() disappears from a conjunction); NULL when
 * global() would not be alone.
 * sel_prefixed(): every label key prefixed with @prefix ("pcns.",
 * "pcsa."); all() becomes has(@all_label) when @all_label is not NULL
 * ("projectcalico.org/namespace", "projectcalico.org/serviceaccount");
 * global() becomes !has(@all_label).
 */
struct sel *sel_and(struct sel *a, struct sel *b);
struct sel *sel_prefixed(struct sel *s, const char *prefix,
			 const char *all_label);
/* label @key == one of @values (serviceAccounts.names, namespace scoping);
 * no values gives "key in {}", which matches nothing */
struct sel *sel_in(const char *key, const char *const *values, size_t n);

/*
 * Introspection for the label index and explain.
 */

/**
 * struct sel_term - an indexable top-level conjunct of a selector: an item
 * can only match if it carries label @key with (unless @has) one of the
 * @n sorted @values (n == 0: the selector matches nothing)
 */
struct sel_term {
	const char *key;
	const char *const *values;
	size_t n;
	bool has; /* has(), contains, starts with, ends with: any value */
};

/**
 * sel_index_terms() - the indexable conjuncts of @s: the selector itself
 * or, for a &&, its operands, that are ==, in, has(), contains, starts
 * with or ends with. Fills at most @max entries of @out (pointing into
 * @s) and returns how many there are; 0 means the selector is not
 * optimisable (all(), !, ||, !=, not in alone) and every item must be
 * tested.
 */
size_t sel_index_terms(const struct sel *s, struct sel_term *out, size_t max);

/* The distinct label keys @s mentions, sorted; fills at most @max of @out
 * and returns the count. A selector's result depends on these only. */
size_t sel_keys(const struct sel *s, const char **out, size_t max);

#endif /* STRATA_SELECTOR_H */
