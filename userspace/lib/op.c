// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parsed changes: checking them the way the kernel will, and applying them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "text.h"

static int check_members(const struct strata_op *op, struct strata_err *err)
{
	struct sc_err se = { 0 };
	char buf[STRATA_FMT_LEN];
	uint32_t i;

	for (i = 0; i < op->n_members; i++) {
		if (!sc_member_check(op->ipset, &op->members[i], &se))
			continue;
		strata_err_from_sc(err, &se);
		snprintf(err->msg, sizeof(err->msg), "ipset %u: member %s: %s",
			 op->ipset->id,
			 strata_fmt_member(op->ipset->family, &op->members[i],
					   buf, sizeof(buf)),
			 se.msg);
		return se.code;
	}
	return 0;
}

/**
 * strata_settings_apply() - copy some settings
 * @dst: changed
 * @src: the values
 * @mask: which fields (STRATA_SETTINGS_F(STRATA_SET_A_x) bits)
 */
void strata_settings_apply(struct sc_settings *dst,
			   const struct sc_settings *src, uint32_t mask)
{
	size_t i;

	for (i = 0; i < strata_n_skeys; i++) {
		const struct strata_skey *k = &strata_skeys[i];

		if (!(mask & STRATA_SETTINGS_F(k->attr)))
			continue;
		switch (k->type) {
		case SKEY_U32:
		case SKEY_MARK:
			memcpy((char *)dst + k->off, (const char *)src + k->off,
			       4);
			break;
		case SKEY_U16:
			memcpy((char *)dst + k->off, (const char *)src + k->off,
			       2);
			break;
		case SKEY_BOOL:
		case SKEY_WL_TO_HOST:
			memcpy((char *)dst + k->off, (const char *)src + k->off,
			       1);
			break;
		case SKEY_FAILSAFE_IN:
			dst->n_failsafe_in = src->n_failsafe_in;
			memcpy(dst->failsafe_in, src->failsafe_in,
			       sizeof(dst->failsafe_in));
			break;
		case SKEY_FAILSAFE_OUT:
			dst->n_failsafe_out = src->n_failsafe_out;
			memcpy(dst->failsafe_out, src->failsafe_out,
			       sizeof(dst->failsafe_out));
			break;
		case SKEY_WL_PREFIXES:
			dst->n_wl_prefixes = src->n_wl_prefixes;
			memcpy(dst->wl_prefixes, src->wl_prefixes,
			       sizeof(dst->wl_prefixes));
			break;
		}
	}
}

/*
 * Settings change only the fields given; check those against defaults for
 * the rest, without relations to fields the kernel holds (a mark within a
 * mask that is not being set) or to its hard caps.
 */
static int check_settings(const struct strata_op *op, struct strata_err *err)
{
	const struct sc_limits nocaps = { UINT32_MAX, UINT32_MAX, UINT32_MAX,
					  UINT32_MAX, UINT32_MAX, UINT32_MAX };
	uint32_t mask = op->settings_mask;
	struct sc_settings s;
	struct sc_err se = { 0 };

	sc_settings_default(&s, &nocaps);
	strata_settings_apply(&s, op->settings, mask);
	if (!(mask & STRATA_SETTINGS_F(STRATA_SET_A_MARK_MASK)))
		s.mark_mask = UINT32_MAX;
	if (!(mask & STRATA_SETTINGS_F(STRATA_SET_A_MARK_ACCEPT)))
		s.mark_accept = 0;
	if (sc_settings_check(&s, &nocaps, &se))
		return strata_err_from_sc(err, &se);
	return 0;
}

/**
 * strata_op_check() - the core model's checks on a parsed change
 * @op: the change
 * @err: the first problem, worded like the kernel's ("policy 5: ...")
 *
 * References between objects are not checked: they may exist in the
 * kernel already, and the kernel checks them at commit.
 *
 * Return: 0 or a negative errno.
 */
int strata_op_check(const struct strata_op *op, struct strata_err *err)
{
	struct sc_err se = { 0 };
	int ret = 0;

	strata_err_clear(err);
	if (op->type == STRATA_OP_SETTINGS)
		return check_settings(op, err);
	if (op->type != STRATA_OP_PUT)
		return 0;
	switch (op->kind) {
	case SC_OBJ_TIER:
		ret = sc_tier_check(op->tier, &se);
		break;
	case SC_OBJ_POLICY:
		ret = sc_policy_check(op->policy, &se);
		break;
	case SC_OBJ_IPSET:
		ret = sc_ipset_check(op->ipset, &se);
		if (!ret)
			return check_members(op, err);
		break;
	case SC_OBJ_ENDPOINT:
		ret = sc_endpoint_check(op->endpoint, &se);
		break;
	}
	if (ret)
		return strata_err_from_sc(err, &se);
	return 0;
}

/**
 * strata_op_apply() - send a parsed change to the kernel
 * @nl: the handle (inside a transaction, the change joins it)
 * @op: the change
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_op_apply(struct strata_nl *nl, const struct strata_op *op,
		    struct strata_err *err)
{
	const char *name = op->id ? NULL : op->name;

	switch (op->type) {
	case STRATA_OP_PUT:
		switch (op->kind) {
		case SC_OBJ_TIER:
			return strata_put_tier(nl, op->tier, op->replace, err);
		case SC_OBJ_POLICY:
			return strata_put_policy(nl, op->policy, op->replace,
						 err);
		case SC_OBJ_IPSET:
			return strata_put_ipset(nl, op->ipset, op->members,
						op->n_members, op->replace,
						err);
		case SC_OBJ_ENDPOINT:
			return strata_put_endpoint(nl, op->endpoint,
						   op->replace, err);
		}
		break;
	case STRATA_OP_DEL:
		return strata_del(nl, op->kind, op->id, name, err);
	case STRATA_OP_MEMBERS:
		return strata_members(nl, op->add, op->id, name, op->members,
				      op->n_members, op->exist_ok, err);
	case STRATA_OP_SETTINGS:
		return strata_set_settings(nl, op->settings, op->settings_mask,
					   err);
	case STRATA_OP_FLUSH:
		return strata_flush(nl, err);
	}
	return strata_err_set(err, -EINVAL, "nothing to do");
}

static uint32_t op_obj_id(const struct strata_op *op)
{
	switch (op->kind) {
	case SC_OBJ_TIER:
		return op->tier ? op->tier->id : op->id;
	case SC_OBJ_POLICY:
		return op->policy ? op->policy->id : op->id;
	case SC_OBJ_IPSET:
		return op->ipset ? op->ipset->id : op->id;
	case SC_OBJ_ENDPOINT:
		return op->endpoint ? op->endpoint->id : op->id;
	}
	return 0;
}

/**
 * strata_batch_apply() - apply a batch file's changes as one transaction
 * @nl: the handle (no transaction may be open on it)
 * @b: the changes
 * @generation: receives the generation committed (may be NULL)
 * @failed: receives the change that failed, or NULL (a commit error that
 *          names an object points at the last change of that object)
 * @err: failure
 *
 * Return: 0 or a negative errno; nothing is applied on error.
 */
int strata_batch_apply(struct strata_nl *nl, const struct strata_batch *b,
		       uint64_t *generation, const struct strata_op **failed,
		       struct strata_err *err)
{
	struct strata_err tmp;
	size_t i;
	int ret;

	*failed = NULL;
	strata_err_clear(err);
	if (!b->n)
		return 0;
	ret = strata_tx_begin(nl, err);
	if (ret)
		return ret;
	for (i = 0; i < b->n; i++) {
		ret = strata_op_apply(nl, &b->ops[i], err);
		if (ret) {
			*failed = &b->ops[i];
			strata_tx_abort(nl, &tmp);
			return ret;
		}
	}
	ret = strata_tx_commit(nl, generation, err);
	if (ret && err && err->obj_kind && err->obj_id) {
		for (i = b->n; i-- > 0;) {
			const struct strata_op *op = &b->ops[i];

			if (op->kind == err->obj_kind &&
			    op_obj_id(op) == err->obj_id) {
				*failed = op;
				break;
			}
		}
	}
	return ret;
}

/* What an image will hold: the last put of each object, in file order. */
struct image_objs {
	const struct strata_op **ops;
	struct strata_member **extra; /* members added by add-members */
	uint32_t *n_extra;
	size_t n;
};

static const struct strata_op *image_find(struct image_objs *o, uint8_t kind,
					  uint32_t id, const char *name,
					  size_t *at)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		const struct strata_op *op = o->ops[i];
		const char *oname;
		uint32_t oid;

		if (!op || op->kind != kind)
			continue;
		oid = op_obj_id(op);
		oname = kind == SC_OBJ_TIER	? op->tier->name
			: kind == SC_OBJ_POLICY ? op->policy->name
			: kind == SC_OBJ_IPSET	? op->ipset->name
						: op->endpoint->name;
		if (id ? oid == id : !strcmp(oname, name)) {
			*at = i;
			return op;
		}
	}
	return NULL;
}

static int image_members(struct image_objs *o, size_t at,
			 const struct strata_op *op, struct strata_err *err)
{
	uint32_t n = o->n_extra[at];
	struct strata_member *m;

	m = realloc(o->extra[at], ((size_t)n + op->n_members) * sizeof(*m));
	if (!m)
		return strata_err_set(err, -ENOMEM, "out of memory");
	memcpy(m + n, op->members, (size_t)op->n_members * sizeof(*m));
	o->extra[at] = m;
	o->n_extra[at] = n + op->n_members;
	return 0;
}

static void image_objs_free(struct image_objs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		free(o->extra[i]);
	free(o->ops);
	free(o->extra);
	free(o->n_extra);
}

/* Walk the batch: objects as they end up, settings with their changes. */
static int image_collect(const struct strata_batch *b, struct image_objs *o,
			 struct sc_settings *s, const struct strata_op **failed,
			 struct strata_err *err)
{
	size_t i, at;
	int ret;

	o->ops = calloc(b->n + 1, sizeof(*o->ops));
	o->extra = calloc(b->n + 1, sizeof(*o->extra));
	o->n_extra = calloc(b->n + 1, sizeof(*o->n_extra));
	if (!o->ops || !o->extra || !o->n_extra)
		return strata_err_set(err, -ENOMEM, "out of memory");
	for (i = 0; i < b->n; i++) {
		const struct strata_op *op = &b->ops[i];
		const struct strata_op *old;

		*failed = op;
		switch (op->type) {
		case STRATA_OP_FLUSH:
			for (at = 0; at < o->n; at++)
				o->ops[at] = NULL;
			break;
		case STRATA_OP_SETTINGS:
			strata_settings_apply(s, op->settings,
					      op->settings_mask);
			break;
		case STRATA_OP_PUT:
			old = image_find(o, op->kind, op_obj_id(op), NULL, &at);
			if (old && !op->replace)
				return strata_err_set(
					err, -EEXIST, "%s %u is added twice",
					sc_obj_kind_name(op->kind),
					op_obj_id(op));
			if (old) {
				o->ops[at] = NULL;
				free(o->extra[at]);
				o->extra[at] = NULL;
				o->n_extra[at] = 0;
			}
			o->ops[o->n++] = op;
			break;
		case STRATA_OP_MEMBERS:
			if (!op->add)
				return strata_err_set(
					err, -EINVAL,
					"del-members cannot be part of a complete state");
			if (!image_find(o, SC_OBJ_IPSET, op->id, op->name, &at))
				return strata_err_set(
					err, -ENOENT,
					"members of an IP set the file does not define");
			ret = image_members(o, at, op, err);
			if (ret)
				return ret;
			break;
		default:
			return strata_err_set(
				err, -EINVAL,
				"del cannot be part of a complete state");
		}
	}
	*failed = NULL;
	return 0;
}

/**
 * strata_batch_image() - a batch file as a complete state image
 * @b: the parsed file
 * @settings: the settings the file's "settings set" lines change (the
 *            kernel's current ones, typically)
 * @image: receives a malloc()ed image
 * @len: its length
 * @failed: the command that cannot be part of an image, or NULL
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int strata_batch_image(const struct strata_batch *b,
		       const struct sc_settings *settings, void **image,
		       size_t *len, const struct strata_op **failed,
		       struct strata_err *err)
{
	struct strata_image_in in = { 0 };
	struct image_objs o = { 0 };
	struct strata_image_ipset *sets = NULL;
	const struct sc_endpoint **eps = NULL;
	const struct sc_policy **pols = NULL;
	const struct sc_tier **tiers = NULL;
	struct strata_member **merged = NULL;
	struct sc_settings *s;
	size_t i;
	int ret;

	*image = NULL;
	*len = 0;
	*failed = NULL;
	s = malloc(sizeof(*s));
	if (!s)
		return strata_err_set(err, -ENOMEM, "out of memory");
	*s = *settings;
	ret = image_collect(b, &o, s, failed, err);
	if (ret)
		goto out;
	tiers = calloc(o.n + 1, sizeof(*tiers));
	pols = calloc(o.n + 1, sizeof(*pols));
	sets = calloc(o.n + 1, sizeof(*sets));
	eps = calloc(o.n + 1, sizeof(*eps));
	merged = calloc(o.n + 1, sizeof(*merged));
	if (!tiers || !pols || !sets || !eps || !merged) {
		ret = strata_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < o.n; i++) {
		const struct strata_op *op = o.ops[i];
		struct strata_image_ipset *is;

		if (!op)
			continue;
		switch (op->kind) {
		case SC_OBJ_TIER:
			tiers[in.n_tiers++] = op->tier;
			break;
		case SC_OBJ_POLICY:
			pols[in.n_policies++] = op->policy;
			break;
		case SC_OBJ_ENDPOINT:
			eps[in.n_endpoints++] = op->endpoint;
			break;
		case SC_OBJ_IPSET:
			is = &sets[in.n_ipsets++];
			is->set = op->ipset;
			is->members = op->members;
			is->n_members = op->n_members;
			if (!o.n_extra[i])
				break;
			/* the set's own members, then those added later */
			merged[i] =
				malloc(((size_t)op->n_members + o.n_extra[i]) *
				       sizeof(**merged));
			if (!merged[i]) {
				ret = strata_err_set(err, -ENOMEM,
						     "out of memory");
				goto out;
			}
			memcpy(merged[i], op->members,
			       (size_t)op->n_members * sizeof(**merged));
			memcpy(merged[i] + op->n_members, o.extra[i],
			       (size_t)o.n_extra[i] * sizeof(**merged));
			is->members = merged[i];
			is->n_members = op->n_members + o.n_extra[i];
			break;
		}
	}
	in.settings = s;
	in.tiers = tiers;
	in.policies = pols;
	in.ipsets = sets;
	in.endpoints = eps;
	ret = strata_image_build(&in, image, len, err);
out:
	for (i = 0; merged && i < o.n; i++)
		free(merged[i]);
	free(merged);
	free(tiers);
	free(pols);
	free(sets);
	free(eps);
	image_objs_free(&o);
	free(s);
	return ret;
}
