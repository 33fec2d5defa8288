// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parsed changes: checking them the way the kernel will, and applying them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
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
	size_t i;

	sc_settings_default(&s, &nocaps);
	for (i = 0; i < strata_n_skeys; i++) {
		const struct strata_skey *k = &strata_skeys[i];

		if (!(mask & STRATA_SETTINGS_F(k->attr)))
			continue;
		switch (k->type) {
		case SKEY_U32:
		case SKEY_MARK:
			memcpy((char *)&s + k->off,
			       (const char *)op->settings + k->off, 4);
			break;
		case SKEY_U16:
			memcpy((char *)&s + k->off,
			       (const char *)op->settings + k->off, 2);
			break;
		case SKEY_BOOL:
		case SKEY_WL_TO_HOST:
			memcpy((char *)&s + k->off,
			       (const char *)op->settings + k->off, 1);
			break;
		case SKEY_FAILSAFE_IN:
			s.n_failsafe_in = op->settings->n_failsafe_in;
			memcpy(s.failsafe_in, op->settings->failsafe_in,
			       sizeof(s.failsafe_in));
			break;
		case SKEY_FAILSAFE_OUT:
			s.n_failsafe_out = op->settings->n_failsafe_out;
			memcpy(s.failsafe_out, op->settings->failsafe_out,
			       sizeof(s.failsafe_out));
			break;
		case SKEY_WL_PREFIXES:
			s.n_wl_prefixes = op->settings->n_wl_prefixes;
			memcpy(s.wl_prefixes, op->settings->wl_prefixes,
			       sizeof(s.wl_prefixes));
			break;
		}
	}
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
