/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deliberately naive reference evaluator for Strata's policy semantics:
 * tiers, policies and rules walked in order, set membership by scanning
 * member lists. It shares no code with kmod/core/ beyond the object model
 * structures it reads, so the engine can be tested against it.
 */
#ifndef STRATA_TEST_ORACLE_H
#define STRATA_TEST_ORACLE_H

#include "core_types.h"
#include "model.h"
#include "prog.h"
#include "decide.h"

/* A set and its members, as the test built them. */
struct o_set {
	const struct sc_ipset *set;
	u32 n;
	const struct strata_member *m;
};

struct o_world {
	u32 n_tiers, n_policies, n_sets;
	const struct sc_tier **tiers;
	const struct sc_policy **policies;
	const struct o_set *sets;
};

/* One decision point: what a flat rule of a program would be. */
struct o_hit {
	u8 origin; /* enum sc_origin */
	u8 action;
	u32 policy; /* policy (or profile) id, 0 if synthetic */
	u32 rule; /* rule index in its policy direction */
	u32 tier; /* tier id, 0 outside tiers */
};

#define O_MAX 64

struct o_eval {
	struct o_hit final;
	u32 n_logs, n_passes;
	struct o_hit logs[O_MAX];
	struct o_hit passes[O_MAX];
};

/*
 * Evaluate list @list of endpoint @ep in @family for @pkt. @final_action
 * is what the list ends in (no-match action, or SC_ACT_CONTINUE), @force_pass
 * makes tier ends pass, @profiles adds the endpoint's profiles.
 */
void oracle_eval(const struct o_world *w, const struct sc_endpoint *ep, u8 list,
		 const struct sc_pkt *pkt, u8 final_action, bool force_pass,
		 bool profiles, struct o_eval *out);

/* The same outcome read from the engine's evaluation of program @p. */
void oracle_from_engine(const struct sc_prog *p, const struct sc_eval *ev,
			struct o_eval *out);

bool oracle_hit_eq(const struct o_hit *a, const struct o_hit *b);
void oracle_hit_str(const struct o_hit *h, char *buf, size_t n);

#endif /* STRATA_TEST_ORACLE_H */
