// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: created with the namespace (or at module
 * load for namespaces that already exist), destroyed with it. Nothing in
 * one namespace's state refers to another's.
 *
 * DOC: Limits
 *
 * Module parameters set hard caps on what one namespace may hold; a
 * namespace's settings (STRATA_SET_A_LIMIT_*) may lower its limits but
 * never raise them above these caps (-ERANGE). The caps are read when a
 * namespace is created (0444); max_tx_ops and max_image_bytes are read per
 * request and may be changed at run time (0644).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <net/netns/generic.h>
#include "strata.h"
#include "mem.h"
#include "pernet.h"
#include "enforce.h"
#include "core/model.h"
#include "core/state.h"

static unsigned int max_tiers = 65536;
module_param(max_tiers, uint, 0444);
MODULE_PARM_DESC(max_tiers, "Hard cap on tiers per namespace (default 65536)");

static unsigned int max_policies = 262144;
module_param(max_policies, uint, 0444);
MODULE_PARM_DESC(max_policies,
		 "Hard cap on policies and profiles per namespace (default 262144)");

static unsigned int max_rules = 4194304;
module_param(max_rules, uint, 0444);
MODULE_PARM_DESC(max_rules,
		 "Hard cap on rules in all policies of a namespace (default 4194304)");

static unsigned int max_ipsets = 262144;
module_param(max_ipsets, uint, 0444);
MODULE_PARM_DESC(max_ipsets, "Hard cap on IP sets per namespace (default 262144)");

static unsigned int max_members = 16777216;
module_param(max_members, uint, 0444);
MODULE_PARM_DESC(max_members,
		 "Hard cap on members in all IP sets of a namespace (default 16777216)");

static unsigned int max_endpoints = 262144;
module_param(max_endpoints, uint, 0444);
MODULE_PARM_DESC(max_endpoints,
		 "Hard cap on endpoints per namespace (default 262144)");

unsigned int strata_max_tx_ops = 1048576;
module_param_named(max_tx_ops, strata_max_tx_ops, uint, 0644);
MODULE_PARM_DESC(max_tx_ops,
		 "Most change requests in one transaction (default 1048576)");

unsigned int strata_max_image_bytes = 256 << 20;
module_param_named(max_image_bytes, strata_max_image_bytes, uint, 0644);
MODULE_PARM_DESC(max_image_bytes,
		 "Largest state image STRATA_IOC_LOAD_IMAGE accepts (default 256 MiB)");

static unsigned int strata_net_id __read_mostly;

/**
 * strata_pernet() - the Strata state of a network namespace
 * @net: the namespace
 *
 * Return: its &struct strata_net; valid as long as @net is.
 */
struct strata_net *strata_pernet(const struct net *net)
{
	return net_generic(net, strata_net_id);
}

/**
 * strata_generation() - the committed generation of a namespace
 * @sn: the namespace's state
 *
 * Context: process context; takes &strata_net.lock.
 * Return: the generation number; 0 before the first commit.
 */
u64 strata_generation(struct strata_net *sn)
{
	u64 gen;

	mutex_lock(&sn->lock);
	gen = sc_state_generation(sn->state);
	mutex_unlock(&sn->lock);
	return gen;
}

/**
 * strata_publish_locked() - make a committed runtime visible
 * @sn: the namespace
 * @rt: the runtime sc_tx_commit() or sc_image_load() returned
 *
 * Publishes @rt to the packet path, waits until no reader can still see
 * the previous runtime, then lets the engine retire what only that one
 * used.
 *
 * Context: process context, &strata_net.lock held; sleeps.
 */
void strata_publish_locked(struct strata_net *sn, struct sc_runtime *rt)
{
	struct sc_runtime *old = strata_dereference(sn, sn->runtime);

	lockdep_assert_held(&sn->lock);
	strata_enforce_prepare(sn, rt);
	rcu_assign_pointer(sn->runtime, rt);
	synchronize_rcu();
	/* the old runtime lives until sc_commit_finish() */
	if (sn->enf)
		strata_enforce_commit(sn, old, rt);
	sc_commit_finish(sn->state);
}

/**
 * strata_finish_locked() - complete a failed commit or an abort
 * @sn: the namespace
 *
 * Context: process context, &strata_net.lock held; may sleep.
 */
void strata_finish_locked(struct strata_net *sn)
{
	lockdep_assert_held(&sn->lock);
	if (!sc_state_needs_finish(sn->state))
		return;
	synchronize_rcu();
	sc_commit_finish(sn->state);
}

/**
 * strata_tx_release_locked() - forget the open transaction's bookkeeping
 * @sn: the namespace
 *
 * The engine's transaction itself must already be gone (committed or
 * aborted).
 *
 * Context: &strata_net.lock held.
 */
void strata_tx_release_locked(struct strata_net *sn)
{
	lockdep_assert_held(&sn->lock);
	sn->tx = NULL;
	WRITE_ONCE(sn->tx_portid, 0);
	sn->tx_sk = NULL;
	sn->tx_doomed = false;
	strata_kvfree(sn, sn->tx_settings, sizeof(*sn->tx_settings));
	sn->tx_settings = NULL;
}

/**
 * strata_tx_abort_locked() - abort the open transaction, if any
 * @sn: the namespace
 *
 * Context: process context, &strata_net.lock held; may sleep.
 */
void strata_tx_abort_locked(struct strata_net *sn)
{
	lockdep_assert_held(&sn->lock);
	if (!sn->tx)
		return;
	sc_tx_abort(sn->tx);
	strata_tx_release_locked(sn);
	strata_finish_locked(sn);
}

/**
 * strata_commit_locked() - commit a transaction and publish the result
 * @sn: the namespace
 * @tx: the transaction (the namespace's open one, or a request's own)
 * @gen: set to the new generation on success
 * @err: why the commit failed
 *
 * The transaction is gone afterwards, whatever the result.
 *
 * Context: process context, &strata_net.lock held; sleeps.
 * Return: 0 or a negative errno (then nothing changed).
 */
int strata_commit_locked(struct strata_net *sn, struct sc_tx *tx, u64 *gen,
			 struct sc_err *err)
{
	struct sc_runtime *rt = NULL;
	int ret;

	lockdep_assert_held(&sn->lock);
	ret = sc_tx_commit(tx, &rt, err);
	if (tx == sn->tx)
		strata_tx_release_locked(sn);
	if (ret) {
		strata_finish_locked(sn);
		return ret;
	}
	strata_publish_locked(sn, rt);
	*gen = sc_state_generation(sn->state);
	return 0;
}

static int __net_init strata_net_init(struct net *net)
{
	struct strata_net *sn = strata_pernet(net);
	const struct sc_limits caps = {
		.tiers = max_tiers,
		.policies = max_policies,
		.rules = max_rules,
		.ipsets = max_ipsets,
		.members = max_members,
		.endpoints = max_endpoints,
	};
	int ret;

	sn->net = net;
	sn->env.sn = sn;
	mutex_init(&sn->lock);
	atomic64_set(&sn->mem_bytes, 0);
	sn->state = sc_state_new(&sn->env, &caps);
	if (!sn->state) {
		mutex_destroy(&sn->lock);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(sn->runtime, sc_state_runtime(sn->state));
	ret = strata_enforce_net_init(sn);
	if (ret) {
		RCU_INIT_POINTER(sn->runtime, NULL);
		sc_state_free(sn->state);
		sn->state = NULL;
		mutex_destroy(&sn->lock);
		return ret;
	}
	strata_events_configure(sn, sc_state_runtime(sn->state));
	return 0;
}

/* Stop everything; the batch exit frees after one grace period for all. */
static void __net_exit strata_net_exit(struct net *net)
{
	struct strata_net *sn = strata_pernet(net);

	/* no hook starts once this returns; running ones end by the batch */
	strata_enforce_net_stop(sn);
	mutex_lock(&sn->lock);
	strata_tx_abort_locked(sn);
	RCU_INIT_POINTER(sn->runtime, NULL);
	mutex_unlock(&sn->lock);
}

static void __net_exit strata_net_exit_batch(struct list_head *net_list)
{
	struct net *net;

	/* hooks still running after their unregistration end here */
	synchronize_rcu();
	list_for_each_entry(net, net_list, exit_list) {
		struct strata_net *sn = strata_pernet(net);
		s64 left;

		strata_enforce_net_free(sn);
		mutex_lock(&sn->lock);
		if (sc_state_needs_finish(sn->state))
			sc_commit_finish(sn->state);
		sc_state_free(sn->state);
		sn->state = NULL;
		mutex_unlock(&sn->lock);
		left = atomic64_read(&sn->mem_bytes);
		if (left)
			pr_err("namespace leaked %lld bytes\n", left);
		mutex_destroy(&sn->lock);
	}
}

static struct pernet_operations strata_net_ops = {
	.init = strata_net_init,
	.exit = strata_net_exit,
	.exit_batch = strata_net_exit_batch,
	.id = &strata_net_id,
	.size = sizeof(struct strata_net),
};

/**
 * strata_pernet_init() - set up the state of every namespace, now and later
 *
 * Return: 0 or a negative errno.
 */
int strata_pernet_init(void)
{
	return register_pernet_subsys(&strata_net_ops);
}

/**
 * strata_pernet_uninit() - free the state of every namespace
 */
void strata_pernet_uninit(void)
{
	unregister_pernet_subsys(&strata_net_ops);
}
