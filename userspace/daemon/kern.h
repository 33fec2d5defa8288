/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel, as the sync engine sees it: read its whole state, apply a
 * batch as one transaction, read its statistics, hear of commits. Two
 * backends: strata.ko over generic netlink (stratad), and the engine
 * itself in this process (kmod/core/, the same code the module runs), for
 * the unit tests and the scale benchmark.
 */
#ifndef STRATAD_KERN_H
#define STRATAD_KERN_H

#include <stdbool.h>
#include <stdint.h>
#include "strata.h"
#include "strata_text.h"

struct dkern;
struct sc_state;

/**
 * struct dkern_ops - a kernel backend
 * @name: "netlink", "engine"
 * @dump: the complete state (a SETTINGS operation first, then PUTs, IP
 *        sets with their members) and the generation it was read at
 * @apply: @ops as one transaction; the generation it committed
 * @stats: the statistics (flow events lost, ...)
 * @generation: the generation the kernel is at (cheap: no dump)
 * @events_fd: a descriptor that becomes readable when commits are
 *             announced, or -1 (no announcements)
 * @events_read: read the announcements; *@last is set to the highest
 *               generation announced, *@lost to whether some were lost
 * @reset: forget the connection (the module went away); the next call
 *         reconnects
 * @free: release
 */
struct dkern_ops {
	const char *name;
	int (*dump)(struct dkern *k, struct strata_batch *out, uint64_t *gen,
		    struct strata_err *err);
	int (*apply)(struct dkern *k, const struct strata_batch *ops,
		     uint64_t *gen, struct strata_err *err);
	int (*stats)(struct dkern *k, struct strata_stats *st,
		     struct strata_err *err);
	int (*generation)(struct dkern *k, uint64_t *gen,
			  struct strata_err *err);
	int (*events_fd)(struct dkern *k);
	int (*events_read)(struct dkern *k, uint64_t *last, bool *lost);
	void (*reset)(struct dkern *k);
	void (*free)(struct dkern *k);
};

struct dkern {
	const struct dkern_ops *ops;
};

/* strata.ko in this network namespace; connects on first use. */
struct dkern *dkern_nl_new(void);

/**
 * dkern_engine_new() - the engine in this process
 * @s: the state (borrowed; the caller frees it after the backend)
 *
 * Applying runs cmp_state_apply(); a failure can be injected with
 * dkern_engine_fail() for tests.
 */
struct dkern *dkern_engine_new(struct sc_state *s);
/* The next @n applies fail with @code (a transport error if @transport). */
void dkern_engine_fail(struct dkern *k, unsigned int n, int code,
		       bool transport);
/* Applies attempted so far (tests). */
unsigned int dkern_engine_applies(const struct dkern *k);

static inline void dkern_free(struct dkern *k)
{
	if (k)
		k->ops->free(k);
}

#endif /* STRATAD_KERN_H */
