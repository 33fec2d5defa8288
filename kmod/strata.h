/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of the kernel side of Strata (not part of kmod/core/).
 *
 * DOC: Locking
 *
 * Each network namespace has one &struct strata_net. Its @lock (a mutex)
 * serialises everything that reads or changes the engine state
 * (&struct sc_state) and the open transaction: every generic netlink
 * handler, every dump call (held within one dumpit call only, never across
 * calls), the ioctls, the netlink release notifier and namespace exit.
 * The packet path never takes it: it reads @runtime under RCU. A commit
 * publishes the new runtime with rcu_assign_pointer(), waits for a grace
 * period with the mutex held, then lets the engine retire what only the
 * old runtime used (see kmod/core/state.h, "Commit protocol").
 *
 * Nothing else nests inside @lock except the RCU grace period and
 * allocations. It nests inside the netlink dump mutex (dumpit) and the
 * netlink notifier chain's rwsem (release notifier).
 */
#ifndef _STRATA_H
#define _STRATA_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/atomic.h>
#include <net/net_namespace.h>

struct sc_state;
struct sc_runtime;
struct sc_tx;
struct sc_settings;
struct sc_err;
struct sock;

/**
 * struct sc_env - the engine's allocation context (kmod/core/model.h)
 * @sn: the namespace every allocation is charged to
 *
 * The kernel's sc_alloc() and sc_free() (kmod/mem.c) charge
 * &strata_net.mem_bytes and the module-wide counters.
 */
struct sc_env {
	struct strata_net *sn;
};

/**
 * struct strata_net - per network namespace state
 * @net: the namespace (not refcounted: lives exactly as long as it)
 * @lock: serialises every use of @state and @tx (see DOC: Locking)
 * @env: allocation context handed to the engine
 * @state: the engine state: committed objects, address index
 * @runtime: the compiled runtime of the last commit, read under RCU
 * @tx: the open transaction, or NULL
 * @tx_portid: netlink port id of the socket that owns @tx (0: none)
 * @tx_sk: that socket, compared only, never dereferenced
 * @tx_doomed: a request in @tx was refused before it reached the engine
 * @tx_settings: settings as changed so far in @tx, or NULL if unchanged
 * @mem_bytes: bytes of memory charged to this namespace
 * @enf: enforcement: hooks, conntrack, statistics, rate limits
 *       (kmod/enforce.h); NULL while the namespace is set up or torn down
 */
struct strata_net {
	struct net *net;
	struct mutex lock; /* see DOC: Locking */
	struct sc_env env;
	struct sc_state *state;
	struct sc_runtime __rcu *runtime;
	struct sc_tx *tx;
	u32 tx_portid;
	const struct sock *tx_sk;
	bool tx_doomed;
	struct sc_settings *tx_settings;
	atomic64_t mem_bytes;
	struct strata_enforce *enf;
};

/* Module parameters (kmod/pernet.c). */
extern unsigned int strata_max_tx_ops;
extern unsigned int strata_max_image_bytes;

struct strata_net *strata_pernet(const struct net *net);
u64 strata_generation(struct strata_net *sn);

int strata_commit_locked(struct strata_net *sn, struct sc_tx *tx, u64 *gen,
			 struct sc_err *err);
void strata_tx_abort_locked(struct strata_net *sn);
void strata_tx_release_locked(struct strata_net *sn);
void strata_publish_locked(struct strata_net *sn, struct sc_runtime *rt);
void strata_finish_locked(struct strata_net *sn);

#define strata_dereference(sn, p) \
	rcu_dereference_protected(p, lockdep_is_held(&(sn)->lock))

#endif /* _STRATA_H */
