// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel backends (kern.h): strata.ko over generic netlink, and the
 * engine in this process.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cmp.h"
#include "kern.h"
#include "state.h"

/* --- strata.ko ----------------------------------------------------- */

struct kern_nl {
	struct dkern k;
	struct strata_nl *nl;
	struct strata_mon *mon;
};

static int nl_get(struct kern_nl *kn, struct strata_err *err)
{
	if (kn->nl)
		return 0;
	kn->nl = strata_nl_open(err);
	return kn->nl ? 0 : (err && err->code ? err->code : -ENODEV);
}

/* A transport failure: the next request reconnects. */
static int nl_check(struct kern_nl *kn, int ret, const struct strata_err *err)
{
	if (ret && err && err->src == STRATA_ERR_TRANSPORT) {
		strata_nl_close(kn->nl);
		kn->nl = NULL;
	}
	return ret;
}

static struct strata_op *op_push(struct strata_batch *b)
{
	struct strata_op *op;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->ops = realloc(b->ops, b->cap * sizeof(*b->ops));
		if (!b->ops)
			abort();
	}
	op = &b->ops[b->n++];
	memset(op, 0, sizeof(*op));
	return op;
}

static int put_tier(struct sc_tier *t, void *arg)
{
	struct strata_op *op = op_push(arg);

	op->type = STRATA_OP_PUT;
	op->kind = SC_OBJ_TIER;
	op->tier = t;
	op->id = t->id;
	snprintf(op->name, sizeof(op->name), "%s", t->name);
	return 0;
}

static int put_policy(struct sc_policy *p, void *arg)
{
	struct strata_op *op = op_push(arg);

	op->type = STRATA_OP_PUT;
	op->kind = SC_OBJ_POLICY;
	op->policy = p;
	op->id = p->id;
	snprintf(op->name, sizeof(op->name), "%s", p->name);
	return 0;
}

static int put_ipset(struct sc_ipset *set, uint32_t count, void *arg)
{
	struct strata_op *op = op_push(arg);

	op->type = STRATA_OP_PUT;
	op->kind = SC_OBJ_IPSET;
	op->ipset = set;
	op->id = set->id;
	snprintf(op->name, sizeof(op->name), "%s", set->name);
	return 0;
}

static int put_endpoint(struct sc_endpoint *e, void *arg)
{
	struct strata_op *op = op_push(arg);

	op->type = STRATA_OP_PUT;
	op->kind = SC_OBJ_ENDPOINT;
	op->endpoint = e;
	op->id = e->id;
	snprintf(op->name, sizeof(op->name), "%s", e->name);
	return 0;
}

/*
 * One read of everything. The generation is read before and after: if it
 * did not move, no commit happened in between and the objects are one
 * state (an empty dump reports no generation of its own).
 */
static int dump_once(struct strata_nl *nl, struct strata_batch *b,
		     uint64_t *gen, struct strata_err *err)
{
	struct strata_version_info v1, v2;
	struct strata_op *op;
	size_t i;
	int ret;

	ret = strata_get_version(nl, &v1, err);
	if (ret)
		return ret;
	op = op_push(b);
	op->type = STRATA_OP_SETTINGS;
	op->settings = calloc(1, sizeof(*op->settings));
	if (!op->settings)
		abort();
	op->settings_mask = STRATA_SETTINGS_ALL;
	ret = strata_get_settings(nl, op->settings, err);
	if (!ret)
		ret = strata_dump_tiers(nl, put_tier, b, NULL, err);
	if (!ret)
		ret = strata_dump_policies(nl, put_policy, b, NULL, err);
	if (!ret)
		ret = strata_dump_ipsets(nl, put_ipset, b, NULL, err);
	if (!ret)
		ret = strata_dump_endpoints(nl, put_endpoint, b, NULL, err);
	for (i = 0; !ret && i < b->n; i++) {
		op = &b->ops[i];
		if (op->type == STRATA_OP_PUT && op->kind == SC_OBJ_IPSET)
			ret = strata_get_members(nl, op->id, NULL, &op->members,
						 &op->n_members, err);
	}
	if (!ret)
		ret = strata_get_version(nl, &v2, err);
	if (!ret && v1.generation != v2.generation)
		ret = -EAGAIN;
	if (!ret && gen)
		*gen = v2.generation;
	return ret;
}

static int nl_dump(struct dkern *k, struct strata_batch *out, uint64_t *gen,
		   struct strata_err *err)
{
	struct kern_nl *kn = (struct kern_nl *)k;
	int tries, ret;

	ret = nl_get(kn, err);
	if (ret)
		return ret;
	for (tries = 0; tries < 8; tries++) {
		struct strata_batch b;
		size_t i;

		strata_batch_init(&b);
		ret = dump_once(kn->nl, &b, gen, err);
		if (!ret) {
			for (i = 0; i < b.n; i++)
				*op_push(out) = b.ops[i];
			free(b.ops);
			return 0;
		}
		strata_batch_release(&b);
		if (ret != -EAGAIN)
			return nl_check(kn, ret, err);
	}
	return strata_err_set(
		err, -EAGAIN,
		"the kernel's state kept changing while it was read");
}

static int nl_apply(struct dkern *k, const struct strata_batch *ops,
		    uint64_t *gen, struct strata_err *err)
{
	struct kern_nl *kn = (struct kern_nl *)k;
	const struct strata_op *failed = NULL;
	int ret;

	ret = nl_get(kn, err);
	if (ret)
		return ret;
	ret = strata_batch_apply(kn->nl, ops, gen, &failed, err);
	if (ret && strata_tx_is_open(kn->nl)) {
		struct strata_err e2;

		strata_tx_abort(kn->nl, &e2);
	}
	return nl_check(kn, ret, err);
}

static int nl_stats(struct dkern *k, struct strata_stats *st,
		    struct strata_err *err)
{
	struct kern_nl *kn = (struct kern_nl *)k;
	int ret = nl_get(kn, err);

	if (ret)
		return ret;
	return nl_check(kn, strata_get_stats(kn->nl, st, err), err);
}

static int nl_generation(struct dkern *k, uint64_t *gen, struct strata_err *err)
{
	struct kern_nl *kn = (struct kern_nl *)k;
	struct strata_version_info v;
	int ret = nl_get(kn, err);

	if (ret)
		return ret;
	ret = nl_check(kn, strata_get_version(kn->nl, &v, err), err);
	if (!ret)
		*gen = v.generation;
	return ret;
}

static int nl_events_fd(struct dkern *k)
{
	struct kern_nl *kn = (struct kern_nl *)k;
	struct strata_err err;

	if (!kn->mon)
		kn->mon = strata_mon_open(STRATA_MON_CONFIG, &err);
	return kn->mon ? strata_mon_fd(kn->mon) : -1;
}

struct ev_acc {
	uint64_t last;
	bool lost;
};

static int on_mon_event(const struct strata_event *ev, void *arg)
{
	struct ev_acc *a = arg;

	if (ev->type == STRATA_EVENT_COMMIT && ev->generation > a->last)
		a->last = ev->generation;
	else if (ev->type == STRATA_EVENT_LOST)
		a->lost = true;
	return 0;
}

static int nl_events_read(struct dkern *k, uint64_t *last, bool *lost)
{
	struct kern_nl *kn = (struct kern_nl *)k;
	struct ev_acc a = { 0, false };
	struct strata_err err;
	int ret;

	*last = 0;
	*lost = false;
	if (!kn->mon)
		return -ENOTCONN;
	ret = strata_mon_read(kn->mon, on_mon_event, &a, &err);
	*last = a.last;
	*lost = a.lost;
	return ret < 0 && ret != -EAGAIN ? ret : 0;
}

static void nl_reset(struct dkern *k)
{
	struct kern_nl *kn = (struct kern_nl *)k;

	strata_nl_close(kn->nl);
	kn->nl = NULL;
	strata_mon_close(kn->mon);
	kn->mon = NULL;
}

static void nl_free(struct dkern *k)
{
	nl_reset(k);
	free(k);
}

static const struct dkern_ops nl_ops = {
	.name = "netlink",
	.dump = nl_dump,
	.apply = nl_apply,
	.stats = nl_stats,
	.generation = nl_generation,
	.events_fd = nl_events_fd,
	.events_read = nl_events_read,
	.reset = nl_reset,
	.free = nl_free,
};

struct dkern *dkern_nl_new(void)
{
	struct kern_nl *kn = calloc(1, sizeof(*kn));

	if (!kn)
		return NULL;
	kn->k.ops = &nl_ops;
	return &kn->k;
}

/* --- the engine in this process ------------------------------------- */

struct kern_engine {
	struct dkern k;
	struct sc_state *s;
	unsigned int fail_n;
	int fail_code;
	bool fail_transport;
	unsigned int applies;
};

static int eng_dump(struct dkern *k, struct strata_batch *out, uint64_t *gen,
		    struct strata_err *err)
{
	struct kern_engine *ke = (struct kern_engine *)k;
	struct strata_op *op;

	if (out->n == out->cap) {
		out->cap = out->cap ? 2 * out->cap : 64;
		out->ops = realloc(out->ops, out->cap * sizeof(*out->ops));
		if (!out->ops)
			abort();
	}
	op = &out->ops[out->n++];
	memset(op, 0, sizeof(*op));
	op->type = STRATA_OP_SETTINGS;
	op->settings = malloc(sizeof(*op->settings));
	if (!op->settings)
		abort();
	*op->settings = *sc_state_settings(ke->s);
	op->settings_mask = STRATA_SETTINGS_ALL;
	cmp_state_dump(ke->s, out);
	if (gen)
		*gen = sc_state_generation(ke->s);
	return 0;
}

static int eng_apply(struct dkern *k, const struct strata_batch *ops,
		     uint64_t *gen, struct strata_err *err)
{
	struct kern_engine *ke = (struct kern_engine *)k;
	struct sc_err e = { 0 };
	int ret;

	ke->applies++;
	if (ke->fail_n) {
		ke->fail_n--;
		ret = strata_err_set(err, ke->fail_code, "injected failure");
		if (err && ke->fail_transport)
			err->src = STRATA_ERR_TRANSPORT;
		else if (err)
			err->src = STRATA_ERR_KERNEL;
		return ret;
	}
	ret = cmp_state_apply(ke->s, ops, &e);
	if (ret)
		return strata_err_from_sc(err, &e);
	if (gen)
		*gen = sc_state_generation(ke->s);
	return 0;
}

static int eng_stats(struct dkern *k, struct strata_stats *st,
		     struct strata_err *err)
{
	struct kern_engine *ke = (struct kern_engine *)k;

	memset(st, 0, sizeof(*st));
	sc_state_stats(ke->s, &st->obj);
	return 0;
}

static int eng_generation(struct dkern *k, uint64_t *gen,
			  struct strata_err *err)
{
	*gen = sc_state_generation(((struct kern_engine *)k)->s);
	return 0;
}

static int eng_events_fd(struct dkern *k)
{
	return -1;
}

static int eng_events_read(struct dkern *k, uint64_t *last, bool *lost)
{
	*last = 0;
	*lost = false;
	return 0;
}

static void eng_reset(struct dkern *k)
{
}

static void eng_free(struct dkern *k)
{
	free(k);
}

static const struct dkern_ops engine_ops = {
	.name = "engine",
	.dump = eng_dump,
	.apply = eng_apply,
	.stats = eng_stats,
	.generation = eng_generation,
	.events_fd = eng_events_fd,
	.events_read = eng_events_read,
	.reset = eng_reset,
	.free = eng_free,
};

struct dkern *dkern_engine_new(struct sc_state *s)
{
	struct kern_engine *ke = calloc(1, sizeof(*ke));

	if (!ke)
		return NULL;
	ke->k.ops = &engine_ops;
	ke->s = s;
	return &ke->k;
}

void dkern_engine_fail(struct dkern *k, unsigned int n, int code,
		       bool transport)
{
	struct kern_engine *ke = (struct kern_engine *)k;

	ke->fail_n = n;
	ke->fail_code = code;
	ke->fail_transport = transport;
}

unsigned int dkern_engine_applies(const struct dkern *k)
{
	return ((const struct kern_engine *)k)->applies;
}
