/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of the kernel side of Strata (not part of kmod/core/).
 */
#ifndef _STRATA_H
#define _STRATA_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <net/net_namespace.h>

/**
 * struct strata_state - one committed generation of a namespace's state
 * @generation: commit counter; 0 until the first commit
 * @rcu: deferred free after readers are done
 *
 * Immutable once published; replaced as a whole under &strata_net.lock.
 */
struct strata_state {
	u64 generation;
	struct rcu_head rcu;
};

/**
 * struct strata_net - per network namespace state
 * @net: the namespace (not refcounted: lives exactly as long as it)
 * @lock: serialises every change of this namespace's state
 * @state: the committed generation, read under RCU
 * @mem_bytes: bytes of large allocations charged to this namespace
 */
struct strata_net {
	struct net *net;
	struct mutex lock; /* serialises changes; RCU readers take none */
	struct strata_state __rcu *state;
	atomic64_t mem_bytes;
};

struct strata_net *strata_pernet(const struct net *net);
u64 strata_generation(struct strata_net *sn);

#define strata_dereference(sn, p) \
	rcu_dereference_protected(p, lockdep_is_held(&(sn)->lock))

#endif /* _STRATA_H */
