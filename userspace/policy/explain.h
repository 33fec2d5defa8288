/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * explain: what happens to one packet, and why (`stratactl explain`).
 *
 * The answer is the kernel's by construction: each node's state is an
 * engine state (kmod/core/state.h) holding exactly what strata.ko would
 * hold (compiled from resources, or read from the running kernel), and
 * every stage is decided by sc_decide(), the function the netfilter hooks
 * call. What this file adds is the packet's path and the reading of the
 * decision:
 *
 * DOC: The path of a packet
 *
 * Each end of a flow is a workload on some node, a node itself (its host
 * processes; named by `host` or one of its HostEndpoints), or outside
 * (anything else: another network, a network set, a remote address). A
 * node sees the ends as its own workloads, itself, or outside. xp_plan()
 * picks the nodes a packet crosses: the source's node (egress), the node
 * that owns the pre-DNAT destination if it is another one (a NodePort),
 * then the destination's node (ingress), as Calico evaluates a flow
 * between two nodes. xp_hooks() lists the hooks one node's packet meets
 * (docs/ARCHITECTURE.md, "The decision and the hooks"):
 *
 *   from          to            hooks
 *   in (iif)      through (oif) raw-prerouting, prednat, prerouting, forward
 *   in (iif)      this host     raw-prerouting, prednat, prerouting, input
 *   this host     out (oif)     raw-output, output
 *   this host     this host     raw-output, output, then over lo:
 *                               raw-prerouting, prednat, prerouting, input
 *
 * where "in" is a local workload's interface or the interface outside
 * traffic arrives on, and "out" a local workload's interface or the one
 * outside traffic leaves through. Hooks before destination NAT
 * (raw-prerouting, prednat, raw-output) see the pre-DNAT destination on the
 * node that translates it; the others the real one. As in the kernel, the
 * packet's mark is carried from hook to hook (an allow by untracked or
 * pre-DNAT policy sets the accept bits that later stages honour), a
 * NOTRACK verdict makes the later hooks see an untracked packet, and the
 * first drop or reject ends the path.
 *
 * DOC: Reading a decision
 *
 * A step of a decision (struct sc_step) is one program: an endpoint's
 * list of tiers, policies and profiles flattened into rules. Its outcome
 * names the deciding rule, the pass rules taken and the log rules that
 * matched; together with the endpoint's list this tells, for every tier
 * reached, what each of its policies did: no match, the rule that
 * decided (allow, deny, reject, pass), or not reached; whether the tier's
 * default applied; which profiles were tried; and whether the no-match
 * action applied. Objects are named by their kernel names and, when a
 * compiler (cmp.h) is at hand, by their resources with file and line.
 */
#ifndef STRATA_EXPLAIN_H
#define STRATA_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include "strata.h"
#include "cmp.h"
#include "decide.h"

/* enum xp_role - what an end of a flow is (to the cluster, or to a node) */
enum xp_role {
	XP_OUTSIDE, /* not a workload or node that explain models */
	XP_WORKLOAD, /* a workload endpoint */
	XP_HOST, /* a node itself: its host processes */
};

/**
 * struct xp_end - one end of a flow
 * @role: enum xp_role
 * @node: XP_WORKLOAD, XP_HOST: the node it is on (NULL: not known)
 * @iface: XP_WORKLOAD: its interface; XP_HOST: the interface of the host
 *         endpoint it was named by (NULL: none, or "*")
 */
struct xp_end {
	uint8_t role;
	const char *node;
	const char *iface;
};

#define XP_MAX_LEGS  3
#define XP_MAX_HOOKS 6

/**
 * struct xp_leg - one node's part of a flow
 * @node: the node
 * @src: the source as this node sees it (enum xp_role; a workload or host
 *       of another node is XP_OUTSIDE)
 * @dst: the destination, likewise
 * @iif: the interface the packet arrives on (a workload's, or the one
 *       from outside; "lo" from the host to itself); NULL when the host
 *       sends it
 * @oif: the interface it leaves through; NULL when the host receives it
 * @dnat: this node translates the destination: hooks before destination
 *        NAT see the original one
 */
struct xp_leg {
	const char *node;
	uint8_t src, dst;
	const char *iif, *oif;
	bool dnat;
};

/**
 * struct xp_plan_in - what xp_plan() needs
 * @src: the source
 * @dst: the destination
 * @has_orig: a pre-DNAT destination is given
 * @orig_node: the node whose host owns it (a NodePort), or NULL
 * @node: model this node only (--node), or NULL for every node crossed
 * @iif: the interface outside traffic arrives on (NULL: @uplink's)
 * @oif: the interface outside traffic leaves through (NULL: @uplink's)
 * @uplink: a node's default interface to and from outside; never NULL
 * @arg: for @uplink
 */
struct xp_plan_in {
	const struct xp_end *src, *dst;
	bool has_orig;
	const char *orig_node;
	const char *node;
	const char *iif, *oif;
	const char *(*uplink)(void *arg, const char *node);
	void *arg;
};

/**
 * xp_plan() - the nodes a packet crosses and how each one sees it
 * @in: the ends and options
 * @legs: filled with up to XP_MAX_LEGS legs, in the packet's order
 * @why: on failure, the reason
 * @len: its size
 *
 * Return: the number of legs (at least 1), or -EINVAL when no node is
 * involved (both ends outside and no --node).
 */
int xp_plan(const struct xp_plan_in *in, struct xp_leg *legs, char *why,
	    size_t len);

/**
 * struct xp_hook - one hook a packet meets on a node
 * @hook: enum sc_hook
 * @iif: the input interface the hook sees (NULL: none)
 * @oif: the output interface (NULL: none, or not routed yet)
 * @orig: the hook sees the pre-DNAT destination
 */
struct xp_hook {
	uint8_t hook;
	const char *iif, *oif;
	bool orig;
};

/**
 * xp_hooks() - the hooks of one leg, in the order the packet meets them
 * @leg: the leg
 * @out: up to XP_MAX_HOOKS hooks
 *
 * Return: their number.
 */
size_t xp_hooks(const struct xp_leg *leg, struct xp_hook *out);

/**
 * struct xp_flow - the packet
 * @pkt: family, protocol, addresses (the real, post-DNAT destination),
 *       ports or ICMP type and code (SC_PKT_L4 set), length
 * @has_orig: @orig_daddr (and @orig_dport) is the destination before DNAT
 * @orig_daddr: that destination
 * @orig_dport: its port (protocols with ports)
 * @ct: enum sc_ct of the connection at the hooks after conntrack
 *      (SC_CT_NEW: the first packet; the raw hooks always see NEW)
 */
struct xp_flow {
	struct sc_pkt pkt;
	bool has_orig;
	uint8_t orig_daddr[16];
	uint16_t orig_dport;
	uint8_t ct;
};

/**
 * struct xp_state - one node's engine state and how to name its objects
 * @st: the committed state (its runtime decides)
 * @names: the compiler the state was built from or that describes it
 *         (resources, files and lines; staged policies), or NULL: name
 *         objects by their kernel names only
 * @by_cookie: find rules' resource positions by their cookies rather than
 *             by the compiler's ids (a state read from the kernel, whose
 *             ids the compiler did not choose)
 */
struct xp_state {
	struct sc_state *st;
	const struct cmp *names;
	bool by_cookie;
};

/**
 * xp_run() - decide one leg, hook by hook
 * @x: the node's state
 * @flow: the packet
 * @leg: the leg
 * @verdict: the leg's outcome: SC_V_DROP or SC_V_REJECT if a hook dropped
 *           it (the path ends there), else SC_V_ACCEPT
 *
 * Return: the leg as JSON (stratactl(8), EXPLAINING A PACKET: NODE), owned
 * by the caller.
 */
struct json_object *xp_run(const struct xp_state *x, const struct xp_flow *flow,
			   const struct xp_leg *leg, uint8_t *verdict);

/**
 * xp_step_json() - one program's evaluation, read: tiers with what each
 * policy did, profiles, the no-match action (STEP in stratactl(8))
 * @x: the state the step was decided in
 * @st: the step
 */
struct json_object *xp_step_json(const struct xp_state *x,
				 const struct sc_step *st);

/**
 * xp_object_json() - a kernel object's identity: "kernel_name", and its
 * resource ("kind", "namespace", "name", "file", "line", "staged") as the
 * compiler knows it, or as far as the kernel name tells
 * @names: the compiler, or NULL
 * @kind: SC_OBJ_TIER, SC_OBJ_POLICY (policies and profiles) or
 *        SC_OBJ_ENDPOINT
 * @kname: the kernel name
 */
struct json_object *xp_object_json(const struct cmp *names, uint8_t kind,
				   const char *kname);

/**
 * xp_commit() - apply @ops to @st and commit, even when @ops is empty (a
 * kernel that was given a state has committed a generation: workloads no
 * longer fail closed)
 *
 * Return: 0 or a negative errno (@err says why).
 */
int xp_commit(struct sc_state *st, const struct strata_batch *ops,
	      struct sc_err *err);

/**
 * xp_print() - the text form of a whole explanation (the JSON stratactl
 * explain -o json prints) as a person reads it
 * @f: where to
 * @res: the explanation
 */
void xp_print(FILE *f, struct json_object *res);

/* Keywords: "raw-prerouting", ..., "new", "established", ... */
const char *xp_role_name(uint8_t role);
const char *xp_ct_name(uint8_t ct);

#endif /* STRATA_EXPLAIN_H */
