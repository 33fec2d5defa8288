// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: Memory accounting
 *
 * Fixed-size objects come from Strata's own slab caches. Debian's kernel has
 * no kmemleak, but with slab_nomerge each cache stays separate, and
 * destroying a cache that still holds objects makes the slab allocator
 * complain loudly at module unload; the VM harness fails the run on that.
 *
 * Variable-size (large) allocations go through strata_kvzalloc() and
 * strata_kvfree(), which charge the bytes to the owning namespace and count
 * them module-wide. The caller passes the size back on free, so the
 * accounting costs nothing per object. Unloading with a non-zero count
 * reports the leak.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include "mem.h"

struct kmem_cache *strata_state_cache __read_mostly;

static atomic64_t strata_large_objects = ATOMIC64_INIT(0);
static atomic64_t strata_large_bytes = ATOMIC64_INIT(0);

/**
 * strata_kvzalloc() - allocate zeroed memory charged to a namespace
 * @sn: the namespace to charge
 * @size: bytes
 *
 * Return: the memory, or NULL.
 */
void *strata_kvzalloc(struct strata_net *sn, size_t size)
{
	void *p = kvzalloc(size, GFP_KERNEL_ACCOUNT);

	if (!p)
		return NULL;
	atomic64_add(size, &sn->mem_bytes);
	atomic64_inc(&strata_large_objects);
	atomic64_add(size, &strata_large_bytes);
	return p;
}

/**
 * strata_kvfree() - free memory from strata_kvzalloc()
 * @sn: the namespace that was charged
 * @p: the memory, may be NULL
 * @size: the size passed to strata_kvzalloc()
 */
void strata_kvfree(struct strata_net *sn, void *p, size_t size)
{
	if (!p)
		return;
	kvfree(p);
	atomic64_sub(size, &sn->mem_bytes);
	atomic64_dec(&strata_large_objects);
	atomic64_sub(size, &strata_large_bytes);
}

int strata_mem_init(void)
{
	strata_state_cache = KMEM_CACHE(strata_state, 0);
	if (!strata_state_cache)
		return -ENOMEM;
	return 0;
}

void strata_mem_uninit(void)
{
	s64 objects = atomic64_read(&strata_large_objects);

	/* Objects are freed after an RCU grace period: wait for them. */
	rcu_barrier();
	kmem_cache_destroy(strata_state_cache);
	if (objects)
		pr_err("leaked %lld large allocations (%lld bytes)\n",
		       objects, (long long)atomic64_read(&strata_large_bytes));
}
