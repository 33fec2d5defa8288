/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A namespace's state: the committed objects, the address index that holds
 * IP set members, the open transaction, and the compiled runtime the packet
 * path reads. Plain C: the kernel wraps it with a mutex and RCU; userspace
 * (tests, explain) uses it directly.
 *
 * DOC: Commit protocol
 *
 * Writers are serialised by the caller (the kernel's per-netns mutex).
 * Readers (the packet path) only ever see a struct sc_runtime, published by
 * the caller with RCU:
 *
 *   sc_tx_commit()     validate everything, compile, stage; returns the new
 *                      runtime, not yet visible; on error nothing changed
 *   (caller)           publish it: rcu_assign_pointer(current, rt)
 *   (caller)           wait for a grace period: synchronize_rcu()
 *   sc_commit_finish() retire what only the previous runtime used, and
 *                      bring the address index's idle slot up to date
 *
 * IP set members change constantly and are never copied per commit: each
 * address index entry has two slots, and a runtime reads the slot its
 * generation selects. A transaction writes only the idle slot, so readers
 * of the current runtime never see a half-made change; publishing the
 * runtime flips every reader to the new slot at once. That is why the
 * grace period must separate sc_tx_commit() from sc_commit_finish(), and
 * why sc_commit_finish() must run before the next transaction begins.
 */
#ifndef _STRATA_CORE_STATE_H
#define _STRATA_CORE_STATE_H

#include "core_types.h"
#include "model.h"

struct sc_state;
struct sc_tx;
struct sc_runtime;

struct sc_state *sc_state_new(struct sc_env *env, const struct sc_limits *caps);
/* Free everything; no reader may hold the runtime any more. */
void sc_state_free(struct sc_state *s);

u64 sc_state_generation(const struct sc_state *s);
const struct sc_settings *sc_state_settings(const struct sc_state *s);
/* The runtime of the last commit (what the caller published). */
struct sc_runtime *sc_state_runtime(const struct sc_state *s);
void sc_state_stats(const struct sc_state *s, struct strata_ioc_stats *st);
bool sc_state_tx_open(const struct sc_state *s);
struct sc_env *sc_state_env(const struct sc_state *s);
const struct sc_limits *sc_state_caps(const struct sc_state *s);

/*
 * Transactions: at most one per state (-EBUSY). Each operation is checked
 * against the committed state plus the transaction so far; a refused
 * operation returns its error and dooms the transaction (commit then fails
 * with -EINVAL and changes nothing). Operations that take an object always
 * consume the caller's reference, on success and on error.
 */
struct sc_tx *sc_tx_begin(struct sc_state *s, struct sc_err *err);
bool sc_tx_doomed(const struct sc_tx *tx);
u32 sc_tx_ops(const struct sc_tx *tx);

int sc_tx_put_tier(struct sc_tx *tx, struct sc_tier *t, bool replace,
		   struct sc_err *err);
int sc_tx_put_policy(struct sc_tx *tx, struct sc_policy *p, bool replace,
		     struct sc_err *err);
/* Append @more's rules to policy @more->id, created or replaced in @tx. */
int sc_tx_append_rules(struct sc_tx *tx, struct sc_policy *more,
		       struct sc_err *err);
/*
 * Create (or with @replace, create or replace) a set with @n members; a
 * replaced set's old members are dropped.
 */
int sc_tx_put_ipset(struct sc_tx *tx, struct sc_ipset *set,
		    const struct strata_member *m, u32 n, bool replace,
		    struct sc_err *err);
/* Add or remove members of a set (by id, or by name if @id is 0). */
int sc_tx_members(struct sc_tx *tx, u32 id, const char *name, bool add,
		  const struct strata_member *m, u32 n, bool exist_ok,
		  struct sc_err *err);
int sc_tx_put_endpoint(struct sc_tx *tx, struct sc_endpoint *e, bool replace,
		       struct sc_err *err);
/* Delete by id, or by name if @id is 0. */
int sc_tx_del(struct sc_tx *tx, u8 kind, u32 id, const char *name,
	      struct sc_err *err);
int sc_tx_set_settings(struct sc_tx *tx, const struct sc_settings *set,
		       struct sc_err *err);
/* Delete every object (settings stay). */
int sc_tx_flush(struct sc_tx *tx, struct sc_err *err);

/*
 * Commit: on success the transaction is gone, *rt is the new runtime (the
 * caller publishes it, waits a grace period, then calls
 * sc_commit_finish()). On error the transaction is gone and nothing
 * changed; the caller still calls sc_commit_finish() after a grace period
 * if sc_state_needs_finish() says so (staged members were unwound).
 */
int sc_tx_commit(struct sc_tx *tx, struct sc_runtime **rt,
		 struct sc_err *err);
void sc_tx_abort(struct sc_tx *tx);
bool sc_state_needs_finish(const struct sc_state *s);
void sc_commit_finish(struct sc_state *s);

/*
 * Load a complete state image (uapi: STRATA_IOC_LOAD_IMAGE) as one commit,
 * replacing everything. Same protocol as sc_tx_commit(). -EBUSY if a
 * transaction is open.
 */
int sc_image_load(struct sc_state *s, const void *image, size_t len,
		  struct sc_runtime **rt, struct sc_err *err);

/*
 * Reading committed state (under the writers' lock). Objects come in
 * ascending id order: *_next() returns the first with id > @after, or NULL.
 * *_find() looks up by id, or by name if @id is 0.
 */
const struct sc_tier *sc_state_next_tier(const struct sc_state *s, u32 after);
const struct sc_policy *sc_state_next_policy(const struct sc_state *s,
					     u32 after);
const struct sc_ipset *sc_state_next_ipset(const struct sc_state *s,
					   u32 after);
const struct sc_endpoint *sc_state_next_endpoint(const struct sc_state *s,
						 u32 after);
const struct sc_tier *sc_state_find_tier(const struct sc_state *s, u32 id,
					 const char *name);
const struct sc_policy *sc_state_find_policy(const struct sc_state *s, u32 id,
					     const char *name);
const struct sc_ipset *sc_state_find_ipset(const struct sc_state *s, u32 id,
					   const char *name);
const struct sc_endpoint *sc_state_find_endpoint(const struct sc_state *s,
						 u32 id, const char *name);
u32 sc_state_ipset_count(const struct sc_state *s, const struct sc_ipset *set);
/*
 * Committed members of @set, resumable: copies up to @max into @out,
 * starting at *@cursor (0 to begin), advances it; returns the number
 * copied, 0 at the end. Order is stable while no commit happens.
 */
u32 sc_state_members(const struct sc_state *s, const struct sc_ipset *set,
		     u64 *cursor, struct strata_member *out, u32 max);

#endif /* _STRATA_CORE_STATE_H */
