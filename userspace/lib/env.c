// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The core model's environment in userspace: plain calloc()/free(), with a
 * byte count per environment (or a global one for the NULL environment) so
 * that tests can tell that everything built was also freed.
 */
#include <stdlib.h>
#include "strata.h"

static size_t null_env_bytes;

void *sc_alloc(struct sc_env *env, size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p)
		return NULL;
	if (env)
		env->bytes += size;
	else
		__atomic_add_fetch(&null_env_bytes, size, __ATOMIC_RELAXED);
	return p;
}

void sc_free(struct sc_env *env, void *p, size_t size)
{
	if (!p)
		return;
	if (env)
		env->bytes -= size;
	else
		__atomic_sub_fetch(&null_env_bytes, size, __ATOMIC_RELAXED);
	free(p);
}

/**
 * strata_env_bytes() - bytes currently allocated through an environment
 * @env: the environment, or NULL for the shared NULL environment
 *
 * Return: the sum of the sizes passed to sc_alloc() minus those passed to
 * sc_free().
 */
size_t strata_env_bytes(const struct sc_env *env)
{
	if (env)
		return env->bytes;
	return __atomic_load_n(&null_env_bytes, __ATOMIC_RELAXED);
}

/*
 * Counters in userspace: plain zeroed arrays of {flows, packets, bytes}
 * (the offline engine never counts, but committed objects own some).
 */
struct sc_ctr *sc_ctr_alloc(struct sc_env *env, u32 n)
{
	return sc_alloc(env, (size_t)n * 3 * sizeof(uint64_t));
}

void sc_ctr_free(struct sc_env *env, struct sc_ctr *c, u32 n)
{
	sc_free(env, c, (size_t)n * 3 * sizeof(uint64_t));
}
