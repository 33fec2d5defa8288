// SPDX-License-Identifier: GPL-2.0
/*
 * Counters of rules, tier defaults, profile ends and no-match actions, and
 * per-namespace statistics.
 *
 * DOC: Counters
 *
 * The engine gives every committed policy, tier and endpoint a block of
 * counters (sc_ctr_alloc()); here a block holds one array of
 * &struct strata_ctr per possible CPU, one after the other, so the packet
 * path adds to its own CPU's array without locks, and readers sum over
 * CPUs. (The per-CPU allocator cannot hold a policy of thousands of
 * rules: it refuses units above 32 KiB.) A block lives as long as its
 * object, which the runtime keeps until a grace period after it is
 * replaced, so the packet path never counts into freed memory.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/overflow.h>
#include "strata.h"
#include "mem.h"
#include "enforce.h"
#include "core/model.h"

/* A block: @n counters for each possible CPU. */
struct sc_ctr {
	u32 n;
	struct strata_ctr c[];
};

static size_t blk_size(u32 n)
{
	return struct_size_t(struct sc_ctr, c, (size_t)n * nr_cpu_ids);
}

/**
 * sc_ctr_alloc() - the kernel's counter blocks for the engine
 * @env: the namespace's allocation context
 * @n: counters
 *
 * Return: a zeroed block, or NULL.
 */
struct sc_ctr *sc_ctr_alloc(struct sc_env *env, u32 n)
{
	struct sc_ctr *c = strata_kvzalloc(env->sn, blk_size(n));

	if (c)
		c->n = n;
	return c;
}

/**
 * sc_ctr_free() - free a block from sc_ctr_alloc()
 * @env: the namespace's allocation context
 * @c: the block, may be NULL
 * @n: its size in counters
 */
void sc_ctr_free(struct sc_env *env, struct sc_ctr *c, u32 n)
{
	strata_kvfree(env->sn, c, blk_size(n));
}

/**
 * strata_ctr_add() - count one evaluation on this CPU
 * @c: the block
 * @idx: the counter
 * @bytes: the packet's length
 *
 * Context: packet path, preemption disabled.
 */
void strata_ctr_add(struct sc_ctr *c, u32 idx, u32 bytes)
{
	struct strata_ctr *x = &c->c[(size_t)smp_processor_id() * c->n + idx];

	x->flows++;
	x->packets++;
	x->bytes += bytes;
}

/**
 * strata_ctr_read() - one counter, summed over CPUs
 * @c: the block
 * @idx: the counter
 * @out: its values
 */
void strata_ctr_read(const struct sc_ctr *c, u32 idx, struct strata_ctr *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct strata_ctr *x = &c->c[(size_t)cpu * c->n + idx];

		out->flows += READ_ONCE(x->flows);
		out->packets += READ_ONCE(x->packets);
		out->bytes += READ_ONCE(x->bytes);
	}
}

/**
 * strata_ctr_reset() - zero a block (racing increments may survive)
 * @c: the block
 * @n: its size in counters
 */
void strata_ctr_reset(struct sc_ctr *c, u32 n)
{
	int cpu;
	u32 i;

	for_each_possible_cpu(cpu) {
		struct strata_ctr *x = &c->c[(size_t)cpu * c->n];

		for (i = 0; i < n; i++) {
			WRITE_ONCE(x[i].flows, 0);
			WRITE_ONCE(x[i].packets, 0);
			WRITE_ONCE(x[i].bytes, 0);
		}
	}
}

/**
 * strata_stats_read() - a namespace's statistics, summed over CPUs
 * @sn: the namespace
 * @out: the sums
 */
void strata_stats_read(struct strata_net *sn, struct strata_stats *out)
{
	int cpu, i;

	memset(out, 0, sizeof(*out));
	if (!sn->enf || !sn->enf->stats)
		return;
	for_each_possible_cpu(cpu) {
		const struct strata_stats *s = per_cpu_ptr(sn->enf->stats, cpu);

		out->packets += READ_ONCE(s->packets);
		out->evaluations += READ_ONCE(s->evaluations);
		for (i = 0; i < __STRATA_REASON_MAX; i++)
			out->reasons[i] += READ_ONCE(s->reasons[i]);
		out->flow_events += READ_ONCE(s->flow_events);
		out->flow_events_lost += READ_ONCE(s->flow_events_lost);
		out->log_lines += READ_ONCE(s->log_lines);
		out->log_lines_lost += READ_ONCE(s->log_lines_lost);
		out->ct_flushed += READ_ONCE(s->ct_flushed);
	}
}
