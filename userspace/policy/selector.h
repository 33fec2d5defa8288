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
 */
#ifndef STRATA_SELECTOR_H
#define STRATA_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEL_MAX_LABEL 512 /* characters in a label key */

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
 * @pos: byte offset in the input of the offending token
 * @msg: what was expected there, e.g. "expected a quoted string after =="
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
 * Return: 0 and *@out (one reference), or -EINVAL with @err filled.
 */
int sel_parse(const char *text, unsigned int flags, struct sel **out,
	      struct sel_err *err);

struct sel *sel_get(struct sel *s); /* another reference */
void sel_put(struct sel *s); /* NULL is fine */

/*
 * The canonical form: equivalent spellings (blanks, quotes, operator
 * spellings such as notin / not in, redundant parentheses, set order and
 * duplicates in in/not in, double negation) give the same string, and
 * parsing it gives the same selector. all() is "all()".
 */
const char *sel_str(const struct sel *s);
/* A stable 64-bit hash of sel_str(), for naming IP sets. */
uint64_t sel_hash(const struct sel *s);
bool sel_equal(const struct sel *a, const struct sel *b);

/* Does @s match an item labelled @l? */
bool sel_match(const struct sel *s, const struct sel_labels *l);
bool sel_is_all(const struct sel *s);
bool sel_is_global(const struct sel *s); /* exactly global() */

/*
 * Rewrites for compile (§1.2, §1.3). Each returns a new reference or NULL
 * on allocation failure; the inputs are not consumed.
 *
 * sel_and(): a && b (all() disappears from a conjunction).
 * sel_prefixed(): every label key prefixed with @prefix ("pcns.",
 * "pcsa."); all() becomes has(@all_label) when @all_label is not NULL
 * ("projectcalico.org/namespace", "projectcalico.org/serviceaccount");
 * global() becomes !has(@all_label).
 */
struct sel *sel_and(struct sel *a, struct sel *b);
struct sel *sel_prefixed(struct sel *s, const char *prefix,
			 const char *all_label);
/* label @key == one of @values (serviceAccounts.names, namespace scoping) */
struct sel *sel_in(const char *key, const char *const *values, size_t n);

#endif /* STRATA_SELECTOR_H */
