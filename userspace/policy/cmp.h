/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compile: Calico and Kubernetes resources (res.h) and a node name to the
 * kernel objects strata.ko takes (kmod/core/model.h), incrementally. This
 * is Felix's calculation graph for Strata: `stratactl compile`, the sync
 * daemon and `stratactl explain` all drive it.
 *
 * DOC: What it computes (../shared/reference/calico-semantics.md §1-§3)
 *
 *  - Local endpoints: the WorkloadEndpoints and HostEndpoints whose node
 *    is ours become kernel endpoints ("pod:<ns>/<pod>" for a Kubernetes
 *    pod's eth0, "wep:<ns>/<name without the node prefix>" for other
 *    workloads, "hep:<name>"): interface (a host endpoint without
 *    interfaceName asks the hep_iface hook, by its expectedIPs),
 *    addresses (ipNetworks, expectedIPs), allowed spoofed source
 *    prefixes, route mark (the route_mark hook; 0 without one), no-match
 *    action deny (a Kubernetes pod is allowed through its kns.<ns>
 *    profile, which allows everything; an OpenStack or plain workload, or
 *    a host endpoint, with no profile allowing is denied), the profiles
 *    that have rules (in order; a profile that is referenced but not
 *    defined becomes a deny-all profile, as Felix does), and per stage and
 *    direction the tiers and policies that apply.
 *  - Labels: an endpoint's own labels (a WorkloadEndpoint's with
 *    projectcalico.org/namespace and /orchestrator set, and
 *    /serviceaccount when it has one shorter than 63 bytes, as Calico's
 *    API stores them), then those its profiles' labelsToApply give it
 *    (namespace labels pcns.*, service account labels pcsa.*); a
 *    NetworkSet's with projectcalico.org/namespace, inheriting from
 *    kns.<namespace>, as Felix's network set processor does.
 *  - Which policies apply: a policy applies to a local endpoint when its
 *    selector matches the endpoint's labels. GlobalNetworkPolicy
 *    selectors are compiled as Calico's update processor does: selector
 *    && pcns.(namespaceSelector) && pcsa.(serviceAccountSelector), every
 *    all() in the result becoming
 *    has(projectcalico.org/namespace) once a namespaceSelector is given
 *    (has(projectcalico.org/serviceaccount) for a serviceAccountSelector);
 *    a NetworkPolicy's selector is ANDed with projectcalico.org/namespace
 *    == '<ns>' and pcsa.(serviceAccountSelector). Staged policies never
 *    apply (see staged_as_enforced).
 *  - Order: tiers by order (unset after every ordered tier), ties by name;
 *    a tier that no Tier resource defines sorts after all defined ones
 *    and denies by default (newer Felix). Policies by order (unset is
 *    +inf), ties by the string "<name>/<namespace>/<kind>" (kind
 *    GlobalNetworkPolicy, NetworkPolicy or KubernetesNetworkPolicy).
 *  - Lists (Felix's tierInfoToProtoTierInfo): a policy governs ingress or
 *    egress by its types; doNotTrack policies go to the untracked lists,
 *    preDNAT ones to the pre-DNAT ingress list, every other one to the
 *    normal lists and, with applyOnForward, to the forward lists too.
 *    Workload endpoints get the normal lists only; a host endpoint with
 *    interface "*" gets no untracked lists (not supported there, as in
 *    Calico). A tier is listed only with at least one policy; the kernel
 *    forces pass at the end of untracked and pre-DNAT tiers.
 *  - Rules: actions (Deny becomes the configured deny action), protocol,
 *    ICMP, nets and notNets (masked), ports and notPorts, selectors: a
 *    rule side's selector is Calico's getEndpointSelector() (the
 *    namespace constraint applies as soon as selector, notSelector,
 *    serviceAccounts or namespaceSelector is present; all() and global()
 *    in a namespaceSelector become has()/!has(projectcalico.org/
 *    namespace); serviceAccounts.names become projectcalico.org/
 *    serviceaccount in {...}); with a positive selector, a notSelector is
 *    folded into it (Felix's combineMatchesIfPossible), otherwise it
 *    becomes a not-set. Named ports become address+port sets over what the
 *    positive selector (or all()) matches, for the rule's protocol (UDP,
 *    SCTP, else TCP), ORed with the numeric ports; the selector's own set
 *    is kept only when there are numeric ports or no named ports.
 *  - IP families: a rule without ipVersion applies to a family unless
 *    filtering its nets or notNets to that family empties the list, or a
 *    notNets entry is that family's catch-all (Felix's
 *    FilterRuleToIPVersion); a rule that applies to both is one kernel
 *    rule of IP version 0, a rule that applies to one gets that version,
 *    a rule that applies to none is left out.
 *  - IP sets: one per canonical selector (selector.h) and family
 *    ("set4:<hash>", "set6:<hash>", the hash being FNV-1a 64 of the
 *    canonical text), holding the addresses of every endpoint and network
 *    set in the cluster that the selector matches; a set holding a prefix
 *    shorter than an address (a network set's net) is a network set, else
 *    an address set (when that changes, the set is deleted and added
 *    again under its id in the same transaction: the kernel cannot change
 *    a set's kind in place). Named port sets
 *    "port4:"/"port6:<hash of selector, protocol, port name>". Only
 *    policies that apply to a local endpoint (or carry performanceHints
 *    AssumeNeededOnEveryNode) and profiles local endpoints use are
 *    compiled, so only their selectors' sets exist (Felix's active rules).
 *  - Tiers: "tier:<name>", one per tier some endpoint lists, with the
 *    Tier's default action. Profiles: "pro:<name>", one per profile with
 *    rules (or missing) that a local endpoint lists.
 *  - Rule cookies: bits 63-32 the FNV-1a 32 hash of the policy's kernel
 *    name, bit 31 the direction (1: egress), bits 30-0 the rule's index
 *    in the resource's ingress or egress list (0x7fffffff: a missing
 *    profile's synthetic deny). cmp_cookie_origin() maps them back.
 *
 * DOC: Kernel identity and restarts
 *
 * Every kernel object's name derives from its resource (above; names
 * longer than 63 bytes keep 50 and end with "~" and 12 hex digits of a
 * hash of the whole). Ids are chosen here: per kind, from 1 upward in
 * name order for the objects one flush creates, never reusing an id that
 * the kernel (as far as the compiler knows) still has. cmp_set_kernel()
 * tells the compiler what the kernel holds (a dump): objects keep their
 * ids by name and the next cmp_flush() emits only the difference, so a
 * restarted daemon changes nothing that did not change.
 *
 * DOC: The incremental engine
 *
 * Resources are given one at a time (cmp_upsert(), cmp_delete()); the
 * compiler copies what it needs and keeps no pointer to them. Two label
 * indexes (labelidx.h) do the matching: policy selectors against local
 * endpoints, and the active rules' selectors against every endpoint and
 * network set in the cluster (membership deltas). cmp_flush() then
 * settles what changed and emits the minimal change set as a batch of
 * operations (struct strata_batch, libstrata's representation of
 * "stratactl batch" files: strata_batch_apply() applies it as one
 * transaction) in a safe order: settings, tiers, new and re-kinded IP
 * sets, member additions and removals, policies and profiles, endpoints,
 * then deletions of endpoints, policies, IP sets and tiers nobody refers
 * to any more. Objects are compared with what the kernel has
 * (strata_*_equal()): an unchanged object is never sent again, members
 * added and removed between two flushes cancel out.
 *
 * After cmp_flush() the compiler assumes its operations were applied. If
 * applying them fails, dump the kernel and call cmp_set_kernel(): the next
 * flush repairs the difference. cmp_desired() is the full desired state
 * after a flush (for images, printing and tests); applying every flush's
 * operations in turn gives exactly that state (selftests/unit/
 * test_compile_diff.c proves it on random change sequences).
 *
 * DOC: For explain
 *
 * A trace names kernel ids: cmp_lookup() gives the resource of a tier,
 * policy, profile, endpoint or set id (kind, namespace, name, manifest
 * position; a set's canonical selector), cmp_rule_origin() the resource
 * rule of a kernel rule (policy id, direction, index in the kernel
 * policy: rules a family filter left out make the two indexes differ),
 * cmp_cookie_origin() the same from a cookie alone. To decide packets
 * offline, apply the flush's operations to an engine state
 * (cmp_state_apply(), kmod/core/state.h) and call sc_decide(). A staged
 * policy's pending verdict is the same with a second compiler whose
 * config has staged_as_enforced: its lookups say which policies are
 * staged. cmp_addr_owners() says which endpoints and network sets hold an
 * address; cmp_select() what a selector matches.
 *
 * Single-threaded. Allocation failure aborts (the label index does too).
 */
#ifndef STRATA_CMP_H
#define STRATA_CMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "strata.h"
#include "strata_text.h"
#include "res.h"

struct cmp;

/**
 * struct cmp_ep_ref - a local endpoint, as the hooks see it
 * @res_kind: RES_WEP or RES_HEP
 * @ns: its namespace ("" for host endpoints)
 * @name: its resource name
 * @iface: its interface name, or NULL (a host endpoint without one)
 * @ips: host endpoints: expectedIPs; workloads: ipNetworks
 * @n_ips: their count
 */
struct cmp_ep_ref {
	int res_kind;
	const char *ns, *name, *iface;
	const struct strata_prefix *ips;
	size_t n_ips;
};

/**
 * struct cmp_config - how to compile
 * @deny_action: what a Deny rule does: STRATA_ACT_DENY (also when 0) or
 *               STRATA_ACT_REJECT (Felix's IptablesFilterDenyAction
 *               REJECT; tier ends and no-match stay drops)
 * @staged_as_enforced: compile staged policies as if they were enforced
 *                      (the preview explain's pending verdict needs): a
 *                      staged policy with stagedAction Set takes the place
 *                      of the enforced policy of the same name, Delete
 *                      removes it, Learn and Ignore change nothing
 * @settings: the settings to keep in the kernel, or NULL to leave the
 *            kernel's alone (cmp_felix_setting() fills them from
 *            FelixConfiguration-like keys)
 * @route_mark: a local endpoint's route mark (within the settings' mark
 *              mask); NULL: 0
 * @hep_iface: the interface of a host endpoint that has no interfaceName
 *             (by its expectedIPs), or NULL if none; NULL hook: such host
 *             endpoints are not programmed (a problem is reported)
 * @hook_arg: passed to the hooks
 */
struct cmp_config {
	uint8_t deny_action;
	bool staged_as_enforced;
	const struct sc_settings *settings;
	uint32_t (*route_mark)(void *arg, const struct cmp_ep_ref *ep);
	const char *(*hep_iface)(void *arg, const struct cmp_ep_ref *ep);
	void *hook_arg;
};

/**
 * cmp_new() - a compiler for node @node
 * @node: the node whose endpoints are programmed (its WorkloadEndpoints'
 *        and HostEndpoints' spec.node)
 * @cfg: options (copied; NULL for the defaults)
 *
 * Return: the compiler (never NULL: allocation failure aborts).
 */
struct cmp *cmp_new(const char *node, const struct cmp_config *cfg);
void cmp_free(struct cmp *c);

/**
 * cmp_set_settings() - change the managed settings (NULL: stop managing
 * them); the next flush sends them if the kernel's differ
 */
void cmp_set_settings(struct cmp *c, const struct sc_settings *s);

/**
 * cmp_hooks_changed() - what the hooks answer may have changed (an
 * interface appeared, marks were reassigned): every local endpoint asks
 * them again at the next flush
 */
void cmp_hooks_changed(struct cmp *c);

/**
 * cmp_upsert() - add a resource, or replace the one of the same kind,
 * namespace and name
 * @c: the compiler
 * @r: the resource (read during the call only)
 *
 * Return: 0, or -EINVAL for a resource kind the compiler does not take
 * (none today).
 */
int cmp_upsert(struct cmp *c, const struct res *r);

/**
 * cmp_delete() - forget a resource
 * @c: the compiler
 * @kind: enum res_kind
 * @ns: its namespace ("" or NULL for cluster-scoped kinds)
 * @name: its name
 *
 * Return: 0 or -ENOENT.
 */
int cmp_delete(struct cmp *c, enum res_kind kind, const char *ns,
	       const char *name);

/**
 * cmp_flush() - settle the changes given so far and emit the operations
 * that bring the kernel from what it has to what is desired
 * @c: the compiler
 * @out: the operations are appended (strata_batch_init() it first);
 *       NULL: emit nothing, only consider the kernel up to date (after
 *       loading cmp_desired() as an image, say)
 *
 * Return: the number of operations appended (0: nothing to do).
 */
int cmp_flush(struct cmp *c, struct strata_batch *out);

/**
 * cmp_set_kernel() - what the kernel holds now
 * @c: the compiler
 * @k: the kernel's objects as PUT operations (cmp_dump_kernel() reads
 *     them; a SETTINGS operation gives its settings), or NULL for an empty
 *     kernel
 *
 * The kernel's objects keep their ids by name; any object the compiler
 * knew under another id gets the kernel's (and the objects referring to
 * it are rebuilt). The next cmp_flush() emits the difference: objects
 * the kernel has and the compiler does not want are deleted.
 *
 * Return: 0, or -EINVAL when @k holds anything but PUT and SETTINGS
 * operations (nothing changed then).
 */
int cmp_set_kernel(struct cmp *c, const struct strata_batch *k);

/**
 * cmp_seed_id() - reserve id @id for the object of @kind named @name,
 * without saying the kernel has it (for a state image, which replaces
 * everything, built by a compiler that should keep a running kernel's
 * ids). Call before the flush that creates the object.
 *
 * Return: 0, -EEXIST if another object of that kind has the id or the
 * object already has another id, -EINVAL for a bad kind, id or name.
 */
int cmp_seed_id(struct cmp *c, uint8_t kind, const char *name, uint32_t id);

/**
 * cmp_dump_kernel() - read the kernel's complete state as PUT operations
 * (settings, tiers, policies, IP sets with their members, endpoints), one
 * generation (dumps that a commit interrupts are retried)
 * @nl: the handle
 * @out: appended to (strata_batch_init() it first)
 * @err: failure
 *
 * Return: 0 or a negative errno.
 */
int cmp_dump_kernel(struct strata_nl *nl, struct strata_batch *out,
		    struct strata_err *err);

/*
 * --- the desired state ---------------------------------------------
 */

/**
 * struct cmp_view - the complete desired state after a flush, sorted by
 * id within each kind
 * @settings: the managed settings, or NULL
 * @tiers: @n_tiers tiers
 * @policies: @n_policies policies and profiles
 * @ipsets: @n_ipsets IP sets, each with its members (sorted)
 * @endpoints: @n_endpoints endpoints
 *
 * The objects belong to the compiler and stay valid until the next change;
 * the arrays belong to the view (cmp_view_release()).
 */
struct cmp_view {
	const struct sc_settings *settings;
	const struct sc_tier **tiers;
	uint32_t n_tiers;
	const struct sc_policy **policies;
	uint32_t n_policies;
	struct strata_image_ipset *ipsets;
	uint32_t n_ipsets;
	const struct sc_endpoint **endpoints;
	uint32_t n_endpoints;
};

void cmp_desired(const struct cmp *c, struct cmp_view *v);
void cmp_view_release(struct cmp_view *v);

/**
 * cmp_print() - the desired state in stratactl batch syntax (tiers, IP
 * sets, policies, endpoints; each object after a comment naming its
 * resource and manifest position), so that `stratactl batch` applies it
 */
void cmp_print(const struct cmp *c, FILE *f);
/* The same as JSON: {"tiers": [...], "ipsets": [...], "policies": [...],
 * "endpoints": [...]}, each object with a "source". */
struct json_object *cmp_json(const struct cmp *c);
/* One operation in batch syntax ("ipset add-members ...", "policy replace
 * ...", "endpoint del ..."), for logs and tests. */
void cmp_print_op(FILE *f, const struct strata_op *op);

/**
 * cmp_state_apply() - apply operations to a userspace engine state (kmod/
 * core/state.h) as one transaction and commit it (explain and the tests
 * evaluate packets with sc_decide() against it)
 * @s: the state
 * @ops: the operations
 * @err: the engine's error
 *
 * Return: 0 or a negative errno (nothing changed).
 */
struct sc_state;
int cmp_state_apply(struct sc_state *s, const struct strata_batch *ops,
		    struct sc_err *err);

/**
 * cmp_state_dump() - the committed objects of an engine state as PUT
 * operations (deep copies), IP sets with their members: what
 * cmp_set_kernel() takes, for tests and explain
 */
void cmp_state_dump(const struct sc_state *s, struct strata_batch *b);

/*
 * --- lookups (explain, flow logs) ----------------------------------
 */

enum cmp_src {
	CMP_SRC_NONE,
	CMP_SRC_TIER, /* a Tier (or a tier no resource defines) */
	CMP_SRC_POLICY, /* a (Global)NetworkPolicy */
	CMP_SRC_PROFILE, /* a Profile */
	CMP_SRC_MISSING_PROFILE, /* a Profile referenced but not defined */
	CMP_SRC_ENDPOINT, /* a WorkloadEndpoint or HostEndpoint */
	CMP_SRC_SET, /* a selector's IP set */
	CMP_SRC_PORT_SET, /* a named port's IP set */
};

/**
 * struct cmp_obj_info - where a kernel object comes from
 * @kind: SC_OBJ_TIER, _POLICY, _IPSET or _ENDPOINT
 * @id: its id
 * @name: its kernel name
 * @src: enum cmp_src
 * @res_kind: the resource's enum res_kind, or -1 (tiers no resource
 *            defines, missing profiles, sets)
 * @ns: the resource's namespace ("" for cluster-scoped), or NULL
 * @res_name: the resource's name, or NULL
 * @file: the manifest it was read from, or NULL
 * @line: the line of its document (0: unknown)
 * @col: its column
 * @staged: a policy whose spec is a staged policy's (staged_as_enforced)
 * @tier: policies: their tier's name
 * @selector: sets: the canonical selector
 * @port_name: port sets: the port name
 * @port_proto: port sets: the protocol
 * @family: sets: 4 or 6
 *
 * Strings belong to the compiler and stay valid until the next change.
 */
struct cmp_obj_info {
	uint8_t kind;
	uint32_t id;
	const char *name;
	int src;
	int res_kind;
	const char *ns, *res_name;
	const char *file;
	unsigned int line, col;
	bool staged;
	const char *tier;
	const char *selector;
	const char *port_name;
	uint8_t port_proto;
	uint8_t family;
};

/**
 * cmp_lookup() - the object of @kind with @id (@name NULL) or @name (@id
 * 0) in the state of the last flush
 *
 * Return: 0 or -ENOENT.
 */
int cmp_lookup(const struct cmp *c, uint8_t kind, uint32_t id, const char *name,
	       struct cmp_obj_info *out);

/**
 * struct cmp_rule_info - where a kernel rule comes from
 * @dir: SC_INGRESS or SC_EGRESS
 * @index: the rule's index in the resource's list of that direction
 * @synthetic: the deny-all rule of a missing profile (no resource rule)
 * @file: the manifest, or NULL
 * @line: the rule's line (a rule a conversion made, such as a namespace
 *        profile's allow-all, gives its resource's; 0: unknown)
 * @col: its column
 */
struct cmp_rule_info {
	uint8_t dir;
	uint32_t index;
	bool synthetic;
	const char *file;
	unsigned int line, col;
};

/* The cookie of resource rule @index of direction @dir of the policy
 * whose kernel name is @kname, and its parts. */
uint64_t cmp_cookie(const char *kname, uint8_t dir, uint32_t index);
#define CMP_COOKIE_SYNTHETIC 0x7fffffffU
static inline uint8_t cmp_cookie_dir(uint64_t cookie)
{
	return (uint8_t)((cookie >> 31) & 1);
}
static inline uint32_t cmp_cookie_index(uint64_t cookie)
{
	return (uint32_t)(cookie & 0x7fffffffU);
}
static inline uint32_t cmp_cookie_hash(uint64_t cookie)
{
	return (uint32_t)(cookie >> 32);
}

/**
 * cmp_rule_origin() - rule @kindex of direction @dir of kernel policy
 * @policy (as a trace or flow event names it)
 * @c: the compiler
 * @policy: the kernel policy or profile id
 * @dir: SC_INGRESS or SC_EGRESS
 * @kindex: the rule's index in the kernel policy's direction
 * @pol: the policy's origin (may be NULL)
 * @rule: the rule's origin
 *
 * Return: 0 or -ENOENT.
 */
int cmp_rule_origin(const struct cmp *c, uint32_t policy, uint8_t dir,
		    uint32_t kindex, struct cmp_obj_info *pol,
		    struct cmp_rule_info *rule);

/**
 * cmp_cookie_origin() - the same from a cookie alone (flow logs that kept
 * no ids): the policy whose kernel name hashes to the cookie's hash
 *
 * Return: 0 or -ENOENT.
 */
int cmp_cookie_origin(const struct cmp *c, uint64_t cookie,
		      struct cmp_obj_info *pol, struct cmp_rule_info *rule);

/**
 * struct cmp_item - an endpoint or network set, as selectors see it
 * @res_kind: RES_WEP, RES_HEP, RES_GNS or RES_NETSET
 * @ns: namespace ("" for cluster-scoped)
 * @name: resource name
 * @node: the node (endpoints), or NULL
 * @addrs: its addresses or networks (masked)
 * @n_addrs: their count
 * @labels: its effective labels (own, then inherited from its profiles)
 */
struct cmp_item {
	int res_kind;
	const char *ns, *name, *node;
	const struct strata_prefix *addrs;
	size_t n_addrs;
	struct sel_labels labels;
};

/**
 * cmp_select() - every endpoint and network set in the cluster that @s
 * matches, as a rule selector sees them (no namespace scoping), sorted
 * by kind, namespace and name
 * @c: the compiler (flushed or not)
 * @s: the selector
 * @fn: called per item (the item is valid during the call)
 * @arg: for @fn
 *
 * Return: the number of items.
 */
size_t cmp_select(struct cmp *c, const struct sel *s,
		  void (*fn)(void *arg, const struct cmp_item *it), void *arg);

/**
 * cmp_addr_owners() - the endpoints and network sets whose addresses or
 * networks contain address @a (explain: "10.65.1.20 is pod api-0"),
 * sorted as cmp_select() sorts
 * @c: the compiler
 * @a: the address (prefix length ignored)
 * @fn: called per item
 * @arg: for @fn
 *
 * Return: the number of items.
 */
size_t cmp_addr_owners(struct cmp *c, const struct strata_prefix *a,
		       void (*fn)(void *arg, const struct cmp_item *it),
		       void *arg);

/**
 * cmp_problems() - what the last flush could not program, as warnings
 * naming the resource (a host endpoint without an interface, two
 * endpoints on one interface, untracked policy on interface "*", ...),
 * appended to @d in a stable order
 */
void cmp_problems(const struct cmp *c, struct diags *d);

/**
 * struct cmp_stats - sizes, for metrics and benchmarks
 */
struct cmp_stats {
	size_t policies, active_policies, profiles, local_endpoints, items;
	size_t selectors, sets, members;
	uint64_t flushes, ops;
};
void cmp_get_stats(const struct cmp *c, struct cmp_stats *st);

/**
 * cmp_felix_setting() - set one FelixConfiguration-like key in @s
 * @s: the settings (start from sc_settings_default())
 * @key: DefaultEndpointToHostAction (Drop, Accept, Return),
 *       FailsafeInboundHostPorts / FailsafeOutboundHostPorts ("tcp:22,
 *       udp:68, tcp:10.0.0.0/8:22", "none"), InterfacePrefix ("cali,tap"),
 *       AllowIPIPPacketsFromWorkloads, AllowVXLANPacketsFromWorkloads
 *       (true/false), VXLANPort, IptablesMarkMask (0xffff0000),
 *       DisableConntrackInvalidCheck (true/false)
 * @value: its value
 * @why: on failure, the reason
 * @len: its size
 *
 * Return: 0, -ENOENT for an unknown key, -EINVAL for a bad value.
 */
int cmp_felix_setting(struct sc_settings *s, const char *key, const char *value,
		      char *why, size_t len);

#endif /* STRATA_CMP_H */
