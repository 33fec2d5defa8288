// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A name cache for event and counter output: the names of the tiers,
 * policies and endpoints, read by dumping them, looked up by kind and id
 * (strata_names_lookup() is a strata_name_fn).
 *
 * A load reads the committed generation, the three dumps, and the
 * generation again; it is one generation or it is read again (a few
 * times). A failed load leaves the previous names in place. Whether to
 * load again is strata_names_due(): the generation an event was decided
 * by differs from the cache's, and the last attempt is at least
 * STRATA_NAMES_INTERVAL_MS old, so that a daemon committing constantly
 * does not have every event followed by three dumps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "strata_text.h"

/* The table's allocations may fail: the element is then not added. */
#define HASH_NONFATAL_OOM	 1
#define uthash_nonfatal_oom(obj) (oom = true)
#include <uthash.h>

/* A load interrupted by commits is read again, at most this often. */
#define NAMES_TRIES 5

struct strata_name {
	UT_hash_handle hh;
	uint64_t key;
	char name[];
};

/**
 * struct strata_names - the cache
 * @head: the table (uthash), keyed by kind << 32 | id
 * @n: entries
 * @loaded: a load succeeded; @generation is the one it read
 * @generation: the committed generation the names are of
 * @tried: a load was attempted, at @tried_ms
 * @tried_ms: when the last load was attempted (the caller's clock)
 */
struct strata_names {
	struct strata_name *head;
	size_t n;
	bool loaded;
	uint64_t generation;
	bool tried;
	uint64_t tried_ms;
};

static uint64_t name_key(uint8_t kind, uint32_t id)
{
	return ((uint64_t)kind << 32) | id;
}

struct strata_names *strata_names_new(void)
{
	return calloc(1, sizeof(struct strata_names));
}

static void names_clear(struct strata_names *n)
{
	struct strata_name *e, *tmp;

	HASH_ITER (hh, n->head, e, tmp) {
		HASH_DEL(n->head, e);
		free(e);
	}
	n->head = NULL;
	n->n = 0;
}

void strata_names_free(struct strata_names *n)
{
	if (!n)
		return;
	names_clear(n);
	free(n);
}

/**
 * strata_names_add() - add or replace a name
 * @n: the cache
 * @kind: enum strata_err_obj
 * @id: the object's id (not 0)
 * @name: its name (at most STRATA_NAME_LEN - 1 bytes are kept)
 *
 * Return: 0, -EINVAL for id 0 or an empty name, or -ENOMEM.
 */
int strata_names_add(struct strata_names *n, uint8_t kind, uint32_t id,
		     const char *name)
{
	size_t len = strnlen(name, STRATA_NAME_LEN - 1);
	uint64_t key = name_key(kind, id);
	struct strata_name *e, *old;
	bool oom = false;

	if (!id || !len)
		return -EINVAL;
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return -ENOMEM;
	memset(&e->hh, 0, sizeof(e->hh));
	e->key = key;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	HASH_FIND(hh, n->head, &key, sizeof(key), old);
	if (old) {
		HASH_DEL(n->head, old);
		free(old);
		n->n--;
	}
	HASH_ADD(hh, n->head, key, sizeof(key), e);
	if (oom) {
		free(e);
		return -ENOMEM;
	}
	n->n++;
	return 0;
}

/**
 * strata_names_lookup() - a name, as a strata_name_fn
 * @kind: enum strata_err_obj
 * @id: the object's id
 * @names: the cache (struct strata_names *; may be NULL)
 *
 * Return: the name (valid until the cache is loaded again or freed), or
 * NULL.
 */
const char *strata_names_lookup(uint8_t kind, uint32_t id, void *names)
{
	const struct strata_names *n = names;
	uint64_t key = name_key(kind, id);
	struct strata_name *e;

	if (!n)
		return NULL;
	HASH_FIND(hh, n->head, &key, sizeof(key), e);
	return e ? e->name : NULL;
}

size_t strata_names_count(const struct strata_names *n)
{
	return n->n;
}

/**
 * strata_names_generation() - the generation the names were read at
 * @n: the cache
 * @generation: receives it (may be NULL)
 *
 * Return: false if no load has succeeded yet.
 */
bool strata_names_generation(const struct strata_names *n, uint64_t *generation)
{
	if (n->loaded && generation)
		*generation = n->generation;
	return n->loaded;
}

/**
 * strata_names_due() - whether to load the names again for an event
 * @n: the cache
 * @generation: the generation the event was decided by
 * @now_ms: a monotonic clock, in milliseconds
 *
 * Return: true when the names are not of @generation (or were never
 * loaded) and no load was attempted in the last STRATA_NAMES_INTERVAL_MS.
 */
bool strata_names_due(const struct strata_names *n, uint64_t generation,
		      uint64_t now_ms)
{
	if (n->loaded && n->generation == generation)
		return false;
	return !n->tried || now_ms >= n->tried_ms + STRATA_NAMES_INTERVAL_MS;
}

static int add_tier(struct sc_tier *t, void *arg)
{
	int ret = strata_names_add(arg, STRATA_ERR_OBJ_TIER, t->id, t->name);

	sc_tier_put(t);
	return ret == -ENOMEM ? ret : 0;
}

static int add_policy(struct sc_policy *p, void *arg)
{
	int ret = strata_names_add(arg, STRATA_ERR_OBJ_POLICY, p->id, p->name);

	sc_policy_put(p);
	return ret == -ENOMEM ? ret : 0;
}

static int add_endpoint(struct sc_endpoint *e, void *arg)
{
	int ret =
		strata_names_add(arg, STRATA_ERR_OBJ_ENDPOINT, e->id, e->name);

	sc_endpoint_put(e);
	return ret == -ENOMEM ? ret : 0;
}

/* A dump's generation, when it reported one, must be @want's. */
static int same_gen(int ret, uint64_t got, uint64_t want,
		    struct strata_err *err)
{
	if (ret || got == want)
		return ret;
	return strata_err_set(err, -EAGAIN,
			      "the configuration changed while reading names");
}

/* One attempt: every name, of one generation (else -EAGAIN). */
static int load_once(struct strata_names *n, struct strata_nl *nl,
		     uint64_t *generation, struct strata_err *err)
{
	struct strata_version_info v;
	uint64_t gen0, gen;
	int ret;

	ret = strata_get_version(nl, &v, err);
	if (ret)
		return ret;
	gen0 = v.generation;
	gen = gen0;
	ret = strata_dump_tiers(nl, add_tier, n, &gen, err);
	ret = same_gen(ret, gen, gen0, err);
	if (!ret)
		ret = strata_dump_policies(nl, add_policy, n, &gen, err);
	ret = same_gen(ret, gen, gen0, err);
	if (!ret)
		ret = strata_dump_endpoints(nl, add_endpoint, n, &gen, err);
	ret = same_gen(ret, gen, gen0, err);
	if (!ret)
		ret = strata_get_version(nl, &v, err);
	if (!ret)
		ret = same_gen(ret, v.generation, gen0, err);
	*generation = gen0;
	return ret;
}

/**
 * strata_names_load() - read every tier, policy and endpoint name
 * @n: the cache
 * @nl: the handle
 * @now_ms: a monotonic clock, in milliseconds (strata_names_due())
 * @err: failure
 *
 * Reads are retried (a few times) while commits interrupt them. On
 * failure the cache keeps the names it had.
 *
 * Return: 0 or a negative errno (-EAGAIN: the configuration kept
 * changing).
 */
int strata_names_load(struct strata_names *n, struct strata_nl *nl,
		      uint64_t now_ms, struct strata_err *err)
{
	struct strata_names fresh = { 0 };
	uint64_t gen = 0;
	int ret = -EAGAIN, tries;

	n->tried = true;
	n->tried_ms = now_ms;
	for (tries = 0; tries < NAMES_TRIES && ret == -EAGAIN; tries++) {
		names_clear(&fresh);
		ret = load_once(&fresh, nl, &gen, err);
	}
	if (ret) {
		names_clear(&fresh);
		return ret;
	}
	names_clear(n);
	n->head = fresh.head;
	n->n = fresh.n;
	n->generation = gen;
	n->loaded = true;
	return 0;
}
