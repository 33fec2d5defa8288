/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Compiled evaluation programs: one per distinct (endpoint list, family),
 * shared by every endpoint with the same tiers, policies, profiles and
 * no-match action.
 */
#ifndef _STRATA_CORE_PROG_H
#define _STRATA_CORE_PROG_H

#include "core_types.h"
#include "model.h"
#include "objmap.h"

/* Flat rule actions beyond enum strata_action. */
#define SC_ACT_CONTINUE	(STRATA_ACT_MAX + 1)	/* no verdict at this stage */

/* Where a flat rule came from. */
enum sc_origin {
	SC_ORIG_RULE,		/* a policy's rule (tier or profile) */
	SC_ORIG_TIER_END,	/* a tier that applied and decided nothing */
	SC_ORIG_PROFILE_END,	/* a profile that decided nothing */
	SC_ORIG_NO_MATCH,	/* the end: no tier or profile decided */
};

/**
 * struct sc_prule - one rule of a program, in evaluation order
 * @action: enum strata_action or SC_ACT_CONTINUE
 * @origin: enum sc_origin
 * @seg: index of its segment (tier or profile) in the program
 * @next: for pass: the first rule of the next segment
 * @rule: rule index in its policy direction (SC_ORIG_RULE)
 * @policy: its policy (SC_ORIG_RULE)
 * @tier: its tier, NULL in profiles and for the end
 * @src: the rule (SC_ORIG_RULE), for residual evaluation and explain
 */
struct sc_prule {
	u8 action;
	u8 origin;
	u16 seg;
	u32 next;
	u32 rule;
	const struct sc_policy *policy;
	const struct sc_tier *tier;
	const struct sc_rule *src;
};

struct sc_prog;

/* Inputs of a program, resolved against the committed objects. */
struct sc_prog_in {
	u8 list;
	u8 family;
	u8 final;		/* action of the last rule */
	bool profiles;		/* evaluate @ep's profiles */
	bool force_pass;	/* tier ends pass (untracked, pre-DNAT) */
};

struct sc_progcache;

struct sc_progcache *sc_progcache_new(struct sc_env *env);
void sc_progcache_free(struct sc_progcache *pc);
u32 sc_progcache_count(const struct sc_progcache *pc);

/*
 * The program for endpoint @ep's list @in->list in family @in->family
 * (a new reference), from the cache or compiled against @tiers/@policies.
 */
struct sc_prog *sc_prog_get(struct sc_progcache *pc,
			    const struct sc_endpoint *ep,
			    const struct sc_prog_in *in,
			    const struct sc_objmap *tiers,
			    const struct sc_objmap *policies,
			    const struct sc_objmap *ipsets,
			    struct sc_err *err);
void sc_prog_put(struct sc_progcache *pc, struct sc_prog *p);

u32 sc_prog_nrules(const struct sc_prog *p);
const struct sc_prule *sc_prog_rule(const struct sc_prog *p, u32 i);
u32 sc_prog_nresidual(const struct sc_prog *p);
u32 sc_prog_bytes(const struct sc_prog *p);

/*
 * Evaluation. A packet as a program sees it: addresses, L4 key, and the
 * address classes of both sides, resolved on first use.
 */
struct sc_pkt;

struct sc_pview {
	const struct sc_pkt *pkt;
	const struct sc_aidx *aidx;
	u8 slot;
	u8 resolved;				/* bit per side */
	const struct sc_class *cls[2][2];	/* [src/dst][exact/prefix] */
};

#define SC_MAX_PASSES	16	/* pass rules recorded per evaluation */
#define SC_MAX_LOGS	8	/* log rules recorded per evaluation */

/**
 * struct sc_eval - the outcome of one program evaluation
 * @rule: index of the deciding flat rule (never a log or pass rule)
 * @action: its action
 * @n_passes: pass rules taken on the way, in order (at most SC_MAX_PASSES)
 * @passes: their indices
 * @n_logs: log rules matched on the way, in order
 * @logs: their indices (the first SC_MAX_LOGS)
 * @logs_dropped: log rules matched beyond SC_MAX_LOGS
 */
struct sc_eval {
	u32 rule;
	u8 action;
	u8 n_passes;
	u8 n_logs;
	u32 logs_dropped;
	u32 passes[SC_MAX_PASSES];
	u32 logs[SC_MAX_LOGS];
};

struct sc_ep_rt;
struct sc_ctr;
/*
 * The counter of flat rule @i of program @p, as evaluated for endpoint
 * @ep: the object's counters and the index in them. False when the
 * object has none (never committed).
 */
bool sc_prule_counter(const struct sc_prog *p, u32 i,
		      const struct sc_ep_rt *ep, struct sc_ctr **ctr,
		      u32 *idx);
u8 sc_prog_list(const struct sc_prog *p);

void sc_pview_init(struct sc_pview *v, const struct sc_pkt *pkt,
		   const struct sc_aidx *aidx, u8 slot);
void sc_prog_eval(const struct sc_prog *p, struct sc_pview *v,
		  struct sc_eval *out);
void sc_prog_eval_linear(const struct sc_prog *p, struct sc_pview *v,
			 struct sc_eval *out);

#endif /* _STRATA_CORE_PROG_H */
