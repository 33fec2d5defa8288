/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The address index: every IP set member of a state, organised so that the
 * packet path resolves an address to the sets containing it with one or a
 * few hash probes, and so that members change without copying anything the
 * packet path reads.
 *
 * DOC: Address classes
 *
 * An address's *class* is the sorted list of ids of the sets that contain
 * it. Classes are interned: equal lists share one immutable object, so a
 * class pointer is as good as its contents. Three tables hold members:
 *
 *  - exact: full-length addresses (address sets, and /32 or /128 members
 *    of network sets); an entry's class lists the sets holding exactly it;
 *  - prefix: shorter network members; an entry carries the sets listing
 *    that prefix and, pushed down, the union over every prefix containing
 *    it, so the longest present prefix answers for all of them;
 *  - port: address+protocol+port members of named-port sets.
 *
 * An address therefore resolves to two classes, exact and prefix, found by
 * one exact probe and one probe per distinct prefix length present.
 *
 * DOC: Two slots
 *
 * Every entry holds its state twice, slot 0 and slot 1. A runtime reads the
 * slot its generation names; a transaction writes only the other one. After
 * the new runtime is published and a grace period has passed, sync copies
 * the new slot over the old, so that both agree again before the next
 * transaction. Entries that disappear are unlinked only then, and freed a
 * grace period later. Tables grow by copying into a new table, published
 * with one pointer store; readers of either table see the same contents.
 */
#ifndef _STRATA_CORE_ADDRIDX_H
#define _STRATA_CORE_ADDRIDX_H

#include "core_types.h"
#include "model.h"

struct sc_class {
	struct sc_class *inext;
	u32 refs;
	u32 hash;
	u32 n;
	u32 ids[];
};

enum sc_aidx_table {
	SC_TAB_EXACT,
	SC_TAB_PREFIX,
	SC_TAB_PORT,
	SC_NTABS,
};

struct sc_htab;
struct sc_deferred;

/**
 * struct sc_aidx - the address index of one state
 * @tab: the tables, read locklessly by the packet path
 * @nplens: per slot and family (0: IPv4, 1: IPv6), distinct prefix lengths
 *          present in the prefix table
 * @plens: those lengths, longest first
 * @plen_count: per slot and family, live prefix entries of each length
 */
struct sc_aidx {
	struct sc_env *env;
	struct sc_htab *tab[SC_NTABS];
	u8 nplens[2][2];
	u8 plens[2][2][129];
	u32 plen_count[2][2][129];

	/* control plane only */
	u32 nclasses;
	u32 icap;
	struct sc_class **intern;
	u32 ntouched, tcap;
	void **touched;
	u8 touched_tab_bits;
	bool prefix_dirty;
	struct sc_deferred *defer_now, *defer_next;
};

int sc_aidx_init(struct sc_aidx *a, struct sc_env *env);
void sc_aidx_release(struct sc_aidx *a);

/*
 * Staging, into slot @stage (the other one is live). Return 0 when the
 * member was added (removed), 1 when it already was (was not) there and
 * @exist_ok, -EEXIST / -ENOENT otherwise, or -ENOMEM.
 */
int sc_aidx_add(struct sc_aidx *a, u8 stage, u32 set, u8 kind, u8 family,
		const struct strata_member *m, bool exist_ok);
int sc_aidx_del(struct sc_aidx *a, u8 stage, u32 set, u8 kind, u8 family,
		const struct strata_member *m, bool exist_ok);
/* Remove @set from every member in slot @stage; returns members dropped. */
int sc_aidx_drop_set(struct sc_aidx *a, u8 stage, u32 set);
/* Finish staging (prefix push-down); may fail with -ENOMEM. */
int sc_aidx_prepare(struct sc_aidx *a, u8 stage);
/* Undo everything staged in @stage. */
void sc_aidx_revert(struct sc_aidx *a, u8 stage);
/* After slot @live was published and a grace period passed. */
void sc_aidx_sync(struct sc_aidx *a, u8 live);
/* Free what was retired a grace period ago (call after one has passed). */
void sc_aidx_reclaim(struct sc_aidx *a);
bool sc_aidx_has_deferred(const struct sc_aidx *a);

/* Packet path: resolve @addr in slot @slot. Either class may be NULL. */
void sc_aidx_lookup(const struct sc_aidx *a, u8 slot, u8 family,
		    const u8 *addr, const struct sc_class **exact,
		    const struct sc_class **prefix);
bool sc_aidx_port_member(const struct sc_aidx *a, u8 slot, u32 set,
			 u8 family, const u8 *addr, u8 proto, u16 port);
static inline bool sc_class_has(const struct sc_class *c, u32 id)
{
	u32 lo = 0, hi;

	if (!c)
		return false;
	hi = c->n;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (c->ids[mid] < id)
			lo = mid + 1;
		else if (c->ids[mid] > id)
			hi = mid;
		else
			return true;
	}
	return false;
}

/* Members of @set live in slot @slot, resumable (see sc_state_members). */
u32 sc_aidx_members(const struct sc_aidx *a, u8 slot, u32 set, u8 family,
		    u64 *cursor, struct strata_member *out, u32 max);
u32 sc_aidx_entries(const struct sc_aidx *a);
u32 sc_hash_ids(const u32 *ids, u32 n);

#endif /* _STRATA_CORE_ADDRIDX_H */
