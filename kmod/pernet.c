// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: created with the namespace (or at module
 * load for namespaces that already exist), destroyed with it. Nothing in
 * one namespace's state refers to another's.
 */
#include <linux/slab.h>
#include <net/netns/generic.h>
#include "strata.h"
#include "mem.h"
#include "pernet.h"

static unsigned int strata_net_id __read_mostly;

struct strata_net *strata_pernet(const struct net *net)
{
	return net_generic(net, strata_net_id);
}

/**
 * strata_generation() - the committed generation of a namespace
 * @sn: the namespace's state
 *
 * Return: the generation number; 0 before the first commit.
 */
u64 strata_generation(struct strata_net *sn)
{
	const struct strata_state *st;
	u64 gen;

	rcu_read_lock();
	st = rcu_dereference(sn->state);
	gen = st ? st->generation : 0;
	rcu_read_unlock();
	return gen;
}

static void strata_state_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(strata_state_cache,
			container_of(head, struct strata_state, rcu));
}

static int __net_init strata_net_init(struct net *net)
{
	struct strata_net *sn = strata_pernet(net);
	struct strata_state *st;

	st = kmem_cache_zalloc(strata_state_cache, GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	sn->net = net;
	mutex_init(&sn->lock);
	atomic64_set(&sn->mem_bytes, 0);
	RCU_INIT_POINTER(sn->state, st);
	return 0;
}

static void __net_exit strata_net_exit(struct net *net)
{
	struct strata_net *sn = strata_pernet(net);
	struct strata_state *st;

	mutex_lock(&sn->lock);
	st = strata_dereference(sn, sn->state);
	RCU_INIT_POINTER(sn->state, NULL);
	mutex_unlock(&sn->lock);
	if (st)
		call_rcu(&st->rcu, strata_state_free_rcu);
	WARN_ON_ONCE(atomic64_read(&sn->mem_bytes));
	mutex_destroy(&sn->lock);
}

static struct pernet_operations strata_net_ops = {
	.init = strata_net_init,
	.exit = strata_net_exit,
	.id = &strata_net_id,
	.size = sizeof(struct strata_net),
};

int strata_pernet_init(void)
{
	return register_pernet_subsys(&strata_net_ops);
}

void strata_pernet_uninit(void)
{
	unregister_pernet_subsys(&strata_net_ops);
}
