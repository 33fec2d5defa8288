// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: Memory accounting
 *
 * Everything the engine (kmod/core/) allocates goes through sc_alloc() and
 * sc_free(), implemented here for the kernel: kvzalloc() with
 * GFP_KERNEL_ACCOUNT, so the memory is also charged to the memory cgroup
 * of the task that caused it. Each allocation is charged to the owning
 * namespace (&strata_net.mem_bytes, reported by the stats command and
 * ioctl) and counted module-wide. The engine passes the size back on free,
 * so the accounting costs nothing per object.
 *
 * A namespace that still holds charged memory after its state was freed
 * is reported when the namespace goes away, and the module reports any
 * allocation still held when it is unloaded; the VM harness fails a run
 * on either report. Sizes come from requests, so allocations never warn
 * on failure (__GFP_NOWARN): a request that is too big gets -ENOMEM.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include "strata.h"
#include "core/model.h"
#include "mem.h"

static atomic64_t strata_mem_objects = ATOMIC64_INIT(0);
static atomic64_t strata_mem_bytes = ATOMIC64_INIT(0);

/**
 * strata_kvzalloc() - allocate zeroed memory charged to a namespace
 * @sn: the namespace to charge
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: the memory, or NULL.
 */
void *strata_kvzalloc(struct strata_net *sn, size_t size)
{
	void *p;

	if (size > INT_MAX)
		return NULL;
	p = kvzalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!p)
		return NULL;
	atomic64_add(size, &sn->mem_bytes);
	atomic64_inc(&strata_mem_objects);
	atomic64_add(size, &strata_mem_bytes);
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
	atomic64_dec(&strata_mem_objects);
	atomic64_sub(size, &strata_mem_bytes);
}

/**
 * sc_alloc() - the engine's allocator (kmod/core/model.h)
 * @env: the namespace's allocation context
 * @size: bytes
 *
 * Context: process context; may sleep.
 * Return: zeroed memory, or NULL.
 */
void *sc_alloc(struct sc_env *env, size_t size)
{
	return strata_kvzalloc(env->sn, size);
}

/**
 * sc_free() - free memory from sc_alloc()
 * @env: the context it was allocated with
 * @p: the memory, may be NULL
 * @size: the size passed to sc_alloc()
 */
void sc_free(struct sc_env *env, void *p, size_t size)
{
	strata_kvfree(env->sn, p, size);
}

/**
 * strata_mem_init() - set up memory accounting (nothing to allocate)
 *
 * Return: 0.
 */
int strata_mem_init(void)
{
	return 0;
}

/**
 * strata_mem_uninit() - report allocations still held at unload
 */
void strata_mem_uninit(void)
{
	s64 objects, bytes;

	/* Anything freed after a grace period must be gone first. */
	rcu_barrier();
	objects = atomic64_read(&strata_mem_objects);
	bytes = atomic64_read(&strata_mem_bytes);
	if (objects || bytes)
		pr_err("leaked %lld allocations (%lld bytes)\n", objects,
		       bytes);
}
