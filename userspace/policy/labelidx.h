/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The label index: which selectors match which labelled items, kept up to
 * date incrementally, in the spirit of Felix's label index
 * (calico-semantics.md §2 "Performance classes").
 *
 * Items are endpoints and network sets, keyed by a string id. Each
 * carries its own labels and an ordered list of parent ids (profiles,
 * namespaces, service accounts) whose labels it inherits: the item's own
 * label wins, then the first parent that has the key. A parent may be
 * referenced before it is defined (it contributes nothing until then).
 * Selectors are keyed by a string id (usually their canonical form).
 *
 * The index reports through one callback every (selector, item) pair
 * that starts or stops matching, exactly once per change, as items,
 * parents and selectors are set, changed and deleted. Nothing is
 * reported for a pair whose state did not change (a selector replaced by
 * one that still matches an item, a label change that does not affect a
 * selector).
 *
 * How it is fast:
 *  - an inverted index label key -> value -> items (effective labels,
 *    inherited ones included);
 *  - a selector with an indexable top-level conjunct (==, in, has(),
 *    contains, starts with, ends with: sel_index_terms()) is registered
 *    under the cheapest such term at the time it is set (fewest items):
 *    under each (key, value) for == and in, under the key for the others.
 *    Its candidates when it is set are the items there, and an item that
 *    is set or changes only tests the selectors registered under its own
 *    (key, value) pairs and keys. "k in {}" matches nothing and is never
 *    tested;
 *  - an unoptimisable selector (only !, ||, !=, not in, all() at the top)
 *    tests every item when it is set (a "scan"), every new item, and on
 *    a label change only if it mentions a key whose value changed;
 *  - a change re-evaluates only selectors that mention a key whose
 *    effective value changed, and a parent's change only its children.
 *
 * Single-threaded; the callback must not call back into the index. The
 * index aborts the program if memory runs out (a half-applied change
 * would leave wrong match sets behind; the daemon restarts and resyncs).
 */
#ifndef STRATA_LABELIDX_H
#define STRATA_LABELIDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "selector.h"

struct labelidx;

/**
 * labelidx_cb - a (selector, item) pair started (@match true) or stopped
 * (@match false) matching. The ids are the index's copies, valid during
 * the call.
 */
typedef void (*labelidx_cb)(void *ctx, const char *sel_id, const char *item_id,
			    bool match);

/* A new, empty index reporting to @cb (may be NULL). */
struct labelidx *labelidx_new(labelidx_cb cb, void *ctx);
/* Free everything; reports nothing. NULL is fine. */
void labelidx_free(struct labelidx *idx);

/**
 * labelidx_sel_set() - add selector @id, or replace it (only the pairs
 * whose state changes are reported; setting an equal selector does
 * nothing). The index takes its own reference to @s.
 * Return: 0, or -EINVAL for a NULL id or selector.
 */
int labelidx_sel_set(struct labelidx *idx, const char *id, struct sel *s);
/* Remove selector @id, reporting every pair it matched as stopped.
 * Return: 0 or -ENOENT. */
int labelidx_sel_del(struct labelidx *idx, const char *id);

/**
 * labelidx_item_set() - add item @id or replace its labels and parents
 * @labels: @n labels in any order (copied; of a duplicate key the last
 *          wins)
 * @parents: @np parent ids in priority order (copied; repeats ignored)
 * Return: 0, or -EINVAL for a NULL id, key, value or parent id.
 */
int labelidx_item_set(struct labelidx *idx, const char *id,
		      const struct sel_label *labels, size_t n,
		      const char *const *parents, size_t np);
/* Remove item @id, reporting every pair it was in as stopped.
 * Return: 0 or -ENOENT. */
int labelidx_item_del(struct labelidx *idx, const char *id);

/* Define parent @id's labels, or replace them (copied; last duplicate
 * wins). Only its children are re-evaluated. Return: 0 or -EINVAL. */
int labelidx_parent_set(struct labelidx *idx, const char *id,
			const struct sel_label *labels, size_t n);
/* Forget parent @id's labels (its children keep referring to it).
 * Return: 0 or -ENOENT if it was not defined. */
int labelidx_parent_del(struct labelidx *idx, const char *id);

/* Queries. */
bool labelidx_matches(const struct labelidx *idx, const char *sel_id,
		      const char *item_id);
/* Call @fn for every item selector @sel_id matches (unordered); returns
 * how many, or -ENOENT. @fn must not change the index. */
long labelidx_foreach_item(const struct labelidx *idx, const char *sel_id,
			   void (*fn)(void *ctx, const char *item_id),
			   void *ctx);
/* Call @fn for every selector matching item @item_id (unordered). */
long labelidx_foreach_sel(const struct labelidx *idx, const char *item_id,
			  void (*fn)(void *ctx, const char *sel_id), void *ctx);
/* Item @item_id's effective labels (own plus inherited), sorted; valid
 * until the next change to the index. Return: 0 or -ENOENT. */
int labelidx_item_labels(const struct labelidx *idx, const char *item_id,
			 struct sel_labels *out);

/**
 * struct labelidx_stats - counters for metrics
 * @sels_optimised: selectors found through the inverted index (those
 *                  that match nothing, "k in {}", included)
 * @sels_unoptimised: selectors that scan (Felix's
 *                    felix_label_index_num_active_selectors{optimized=})
 * @items: items; @parents: parents defined or referenced
 * @matches: (selector, item) pairs currently matching
 * @scans: full scans of every item (unoptimisable selector set)
 * @evals: selector evaluations against an item
 * @started, @stopped: pairs reported
 */
struct labelidx_stats {
	size_t sels_optimised;
	size_t sels_unoptimised;
	size_t items;
	size_t parents;
	size_t matches;
	uint64_t scans;
	uint64_t evals;
	uint64_t started;
	uint64_t stopped;
};

void labelidx_get_stats(const struct labelidx *idx, struct labelidx_stats *st);

#endif /* STRATA_LABELIDX_H */
