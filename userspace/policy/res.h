/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Policy resources: the Calico model (projectcalico.org/v3) as typed C
 * structs, parsed and validated from documents (doc.h) with every error
 * collected, Kubernetes objects converted into it the way Calico's
 * Kubernetes datastore converts them, a store keyed by (kind, namespace,
 * name), and output in Calico's YAML and JSON.
 *
 * Kinds read (../shared/reference/calico-semantics.md §1, §5.1):
 *
 *   projectcalico.org/v3 (also crd.projectcalico.org/v1): Tier,
 *     GlobalNetworkPolicy, NetworkPolicy, StagedGlobalNetworkPolicy,
 *     StagedNetworkPolicy, StagedKubernetesNetworkPolicy, Profile,
 *     HostEndpoint, WorkloadEndpoint, GlobalNetworkSet, NetworkSet
 *   networking.k8s.io/v1 NetworkPolicy -> NetworkPolicy knp.default.<name>
 *   v1 Namespace -> Profile kns.<ns>; v1 ServiceAccount -> Profile
 *     ksa.<ns>.<sa>; v1 Pod -> WorkloadEndpoint <node>-k8s-<pod>-eth0
 *   policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy ->
 *     GlobalNetworkPolicy kanp.kube-admin.<name> (tier kube-admin),
 *     BaselineAdminNetworkPolicy -> kbanp.kube-baseline.<name> (tier
 *     kube-baseline); v1alpha2 ClusterNetworkPolicy ->
 *     kcnp.kube-admin.<name> or kcnp.kube-baseline.<name>
 *   v1 List and <Kind>List: their items
 *
 * Every resource holds exactly the fields that can change an L3/L4
 * verdict (plus labels and annotations); fields that cannot (qosControls,
 * ipNATs, ...) are accepted with a warning and dropped. Defaults are
 * applied as Calico's API applies them: tier "default", types from the
 * rules, Tier defaultAction Deny, stagedAction Set, namespace "default".
 */
#ifndef STRATA_RES_H
#define STRATA_RES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "doc.h"
#include "selector.h"

struct json_object;

enum res_kind {
	RES_TIER,
	RES_GNP, /* GlobalNetworkPolicy */
	RES_NP, /* NetworkPolicy (also converted Kubernetes ones) */
	RES_SGNP, /* StagedGlobalNetworkPolicy */
	RES_SNP, /* StagedNetworkPolicy (also StagedKubernetesNetworkPolicy) */
	RES_PROFILE,
	RES_HEP, /* HostEndpoint */
	RES_WEP, /* WorkloadEndpoint */
	RES_GNS, /* GlobalNetworkSet */
	RES_NETSET, /* NetworkSet */
	RES_KIND_MAX,
};

/* "GlobalNetworkPolicy", ... */
const char *res_kind_name(enum res_kind k);
bool res_kind_namespaced(enum res_kind k);
bool res_kind_is_policy(enum res_kind k); /* GNP, NP and staged */
bool res_kind_is_staged(enum res_kind k);
/*
 * The kind a command-line word names: "tier", "tiers", "gnp",
 * "globalnetworkpolicy", "globalnetworkpolicies", "networkpolicy", "np",
 * "sgnp", "snp", "profile", "pro", "hostendpoint", "hep",
 * "workloadendpoint", "wep", "globalnetworkset", "gns", "networkset",
 * "netset" (case-insensitive, singular or plural); -1 if none.
 */
int res_kind_parse(const char *word);

enum res_action {
	RES_ALLOW,
	RES_DENY,
	RES_LOG,
	RES_PASS,
};
const char *res_action_name(enum res_action a); /* "Allow", ... */

enum res_staged_action {
	RES_STAGED_NONE, /* not a staged kind */
	RES_STAGED_SET,
	RES_STAGED_DELETE,
	RES_STAGED_LEARN,
	RES_STAGED_IGNORE,
};

/* Policy types (res_policy.types). */
#define RES_INGRESS (1U << 0)
#define RES_EGRESS  (1U << 1)

/**
 * struct res_cidr - an address or network
 * @family: 4 or 6
 * @prefix: prefix length (32 or 128 for an address written without one)
 * @addr: the address as written (host bits kept), network byte order;
 *        IPv4 in the first 4 bytes
 * @text: as written, for output
 */
struct res_cidr {
	uint8_t family;
	uint8_t prefix;
	uint8_t addr[16];
	const char *text;
};

/**
 * struct res_port - a port, a range or a named port
 * @first: first port (0 for a named port)
 * @last: last port, inclusive
 * @name: the port name, or NULL for numbers
 */
struct res_port {
	uint16_t first, last;
	const char *name;
};

/**
 * struct res_proto - a protocol, as a number and as written
 * @set: present
 * @num: IP protocol number (TCP 6, UDP 17, ICMP 1, ICMPv6 58, SCTP 132,
 *       UDPLite 136)
 * @name: the name as written ("TCP"), NULL when written as a number
 */
struct res_proto {
	bool set;
	uint8_t num;
	const char *name;
};

/**
 * struct res_icmp - an icmp/notICMP match
 * @set: present
 * @has_type: a type is given
 * @type: 0-254
 * @has_code: a code is given (only with a type)
 * @code: 0-255
 */
struct res_icmp {
	bool set;
	bool has_type, has_code;
	uint8_t type, code;
};

/*
 * A selector as written (@text, printed back as is) and parsed (@sel:
 * compare and hash with sel_equal()/sel_str()). @sel is NULL when the
 * field is absent: a policy's selector is then all(), a rule's selector,
 * notSelector or namespaceSelector no constraint at all. Converted
 * Kubernetes selectors are written the way Calico writes them
 * ("projectcalico.org/orchestrator == 'k8s' && app == 'web'").
 */
struct res_sel {
	const char *text;
	struct sel *sel;
};

/**
 * struct res_entity - a rule's source or destination (EntityRule)
 * @nets: networks (ORed); @not_nets: none of these. Rules read from
 *        Calico documents hold one family (validated); rules converted
 *        from AdminNetworkPolicy/ClusterNetworkPolicy networks may mix
 *        IPv4 and IPv6, which Calico renders per family
 *        (FilterRuleToIPVersion), as compile must
 * @selector: endpoints and network sets matching it
 * @not_selector: anything but those
 * @ns_selector: namespaces (global() allowed)
 * @ports: ports, ranges and named ports (ORed); @not_ports: none of these
 * @has_sa: a serviceAccounts match is present
 * @sa_names: serviceAccounts.names
 * @sa_selector: serviceAccounts.selector
 */
struct res_entity {
	struct res_cidr *nets, *not_nets;
	size_t n_nets, n_not_nets;
	struct res_sel selector, not_selector, ns_selector;
	struct res_port *ports, *not_ports;
	size_t n_ports, n_not_ports;
	bool has_sa;
	const char **sa_names;
	size_t n_sa_names;
	struct res_sel sa_selector;
};

/**
 * struct res_rule - a Rule
 * @action: enum res_action
 * @ip_version: 4, 6, or 0 for both
 * @proto: protocol; @not_proto: not this protocol
 * @icmp: ICMP type/code; @not_icmp: not this
 * @src: source; @dst: destination
 * @annotations: metadata.annotations (sorted by key)
 * @n_annotations: their count
 * @line: where the rule is in its file (0 when unknown); rules converted
 *        from a Kubernetes rule all point at that rule
 * @col: its column
 */
struct res_rule {
	enum res_action action;
	uint8_t ip_version;
	struct res_proto proto, not_proto;
	struct res_icmp icmp, not_icmp;
	struct res_entity src, dst;
	struct sel_label *annotations;
	size_t n_annotations;
	unsigned int line, col;
};

/**
 * struct res_policy - (Global)NetworkPolicy and their staged kinds
 * @tier: the tier (default "default")
 * @has_order: @order is set (unset: after every ordered policy)
 * @order: lower first
 * @selector: the endpoints it applies to ("" is all())
 * @ns_selector: GlobalNetworkPolicy: the namespaces of those endpoints
 * @sa_selector: their service accounts
 * @types: RES_INGRESS | RES_EGRESS, defaulted from the rules when absent
 * @ingress: rules (@n_ingress)
 * @egress: rules (@n_egress)
 * @do_not_track: GNP: untracked (raw table)
 * @pre_dnat: GNP: before DNAT (ingress only)
 * @apply_on_forward: GNP: also forwarded traffic
 * @assume_needed: performanceHints: AssumeNeededOnEveryNode
 * @staged_action: staged kinds: Set (default), Delete, Learn, Ignore
 * @tier_line: where spec.tier is written (0: not written, defaulted)
 * @tier_col: its column
 */
struct res_policy {
	const char *tier;
	bool has_order;
	double order;
	struct res_sel selector, ns_selector, sa_selector;
	unsigned int types;
	struct res_rule *ingress, *egress;
	size_t n_ingress, n_egress;
	bool do_not_track, pre_dnat, apply_on_forward;
	bool assume_needed;
	enum res_staged_action staged_action;
	unsigned int tier_line, tier_col;
};

/**
 * struct res_tier - a Tier
 * @has_order: @order is set (unset: last)
 * @order: lower first
 * @default_action: RES_DENY (default) or RES_PASS
 */
struct res_tier {
	bool has_order;
	double order;
	enum res_action default_action;
};

/**
 * struct res_profile - a Profile
 * @labels: labelsToApply (sorted by key)
 * @n_labels: their count
 * @ingress: rules (@n_ingress)
 * @egress: rules (@n_egress)
 */
struct res_profile {
	struct sel_label *labels;
	size_t n_labels;
	struct res_rule *ingress, *egress;
	size_t n_ingress, n_egress;
};

/**
 * struct res_ep_port - a named port of an endpoint
 * @name: the name (may be NULL for a WEP port with only a hostPort)
 * @proto: TCP, UDP or SCTP
 * @port: the port
 * @host_port: WEP: the host port (0: none)
 * @host_ip: WEP: the host IP, or NULL
 */
struct res_ep_port {
	const char *name;
	struct res_proto proto;
	uint16_t port;
	uint16_t host_port;
	const char *host_ip;
};

/**
 * struct res_hep - a HostEndpoint
 * @node: the node it is on
 * @iface: interface name, "*" for all, or NULL
 * @expected_ips: addresses (prefix 32/128)
 * @profiles: profile names
 * @ports: named ports
 */
struct res_hep {
	const char *node;
	const char *iface;
	struct res_cidr *expected_ips;
	size_t n_expected_ips;
	const char **profiles;
	size_t n_profiles;
	struct res_ep_port *ports;
	size_t n_ports;
};

/**
 * struct res_wep - a WorkloadEndpoint
 * @orchestrator: "k8s", "cni", "libnetwork", "openstack", ...
 * @workload: the workload (non-k8s orchestrators)
 * @node: the node it is on
 * @container_id: the container
 * @pod: k8s: the pod
 * @endpoint: the endpoint ("eth0")
 * @service_account: k8s: the pod's service account
 * @iface: the host-side interface
 * @mac: the MAC address, or NULL
 * @ip_networks: its addresses (/32 or /128)
 * @ipv4_gateway: or NULL
 * @ipv6_gateway: or NULL
 * @profiles: profile names, in order
 * @ports: named ports
 * @allow_spoofed: source prefixes it may use besides its own
 */
struct res_wep {
	const char *orchestrator, *workload, *node, *container_id, *pod;
	const char *endpoint, *service_account, *iface, *mac;
	struct res_cidr *ip_networks;
	size_t n_ip_networks;
	const char *ipv4_gateway, *ipv6_gateway;
	const char **profiles;
	size_t n_profiles;
	struct res_ep_port *ports;
	size_t n_ports;
	struct res_cidr *allow_spoofed;
	size_t n_allow_spoofed;
};

/**
 * struct res_netset - a GlobalNetworkSet or NetworkSet
 * @nets: the networks (host bits allowed, as Calico allows them)
 * @n_nets: their count
 */
struct res_netset {
	struct res_cidr *nets;
	size_t n_nets;
};

/**
 * struct res_src - where a resource came from
 * @api_version: "projectcalico.org/v3", "networking.k8s.io/v1", "v1", ...
 *               (NULL for the built-in tiers and profile)
 * @kind: the kind read ("NetworkPolicy", "Pod", ...)
 * @ns: its namespace ("" for cluster-scoped)
 * @name: its name
 * @file: the file, NULL for objects and built-ins
 * @origin: what messages name for objects ("Pod default/web-0")
 * @line: where the document starts
 * @col: its column
 */
struct res_src {
	const char *api_version;
	const char *kind;
	const char *ns;
	const char *name;
	const char *file;
	const char *origin;
	unsigned int line, col;
};

struct res_mem;

/**
 * struct res - one resource
 * @kind: enum res_kind
 * @name: metadata.name
 * @ns: metadata.namespace; "" for cluster-scoped kinds
 * @labels: metadata.labels (sorted by key; for network sets and endpoints
 *          these are what selectors match)
 * @n_labels: their count
 * @annotations: metadata.annotations (sorted by key)
 * @n_annotations: their count
 * @uid: metadata.uid or NULL; @resource_version, @creation_timestamp too
 * @builtin: one of the tiers and profile every Calico cluster has
 *           (default, kube-admin, kube-baseline,
 *           projectcalico-default-allow); a definition read replaces it
 * @src: where it came from
 * @pol: RES_GNP, RES_NP, RES_SGNP, RES_SNP
 * @tier: RES_TIER
 * @prof: RES_PROFILE
 * @hep: RES_HEP
 * @wep: RES_WEP
 * @set: RES_GNS, RES_NETSET
 * @mem: owns every string and array above
 */
struct res {
	enum res_kind kind;
	const char *name;
	const char *ns;
	struct sel_label *labels;
	size_t n_labels;
	struct sel_label *annotations;
	size_t n_annotations;
	const char *uid, *resource_version, *creation_timestamp;
	bool builtin;
	struct res_src src;
	union {
		struct res_policy pol;
		struct res_tier tier;
		struct res_profile prof;
		struct res_hep hep;
		struct res_wep wep;
		struct res_netset set;
	};
	struct res_mem *mem;
};

void res_free(struct res *r);
/* Semantic equality: every field that is read and printed (selectors by
 * their canonical form, numbers by value, not positions or sources). */
bool res_equal(const struct res *a, const struct res *b);

/*
 * --- parsing ---------------------------------------------------------
 */

/* res_parse() flags */
#define RES_F_LENIENT                                                      \
	(1U << 0) /* unknown fields are warnings, not errors (objects from \
		   * a datastore that may be newer than us) */

/**
 * struct res_list - resources parsed from one document
 * @v: the resources (a List document gives many; a Pod that is not
 *     running gives none)
 * @n: their count
 */
struct res_list {
	struct res **v;
	size_t n, cap;
};

void res_list_release(struct res_list *l); /* frees the resources too */

/**
 * res_parse() - parse and validate one document
 * @doc: the document's file (for positions and names)
 * @root: the document (a mapping with apiVersion and kind)
 * @flags: RES_F_*
 * @out: the resources are appended here
 * @d: every error and warning is added here
 *
 * A document with errors gives no resources. Kinds that are not policy
 * resources (Deployment, IPPool, ...) are skipped with a warning.
 *
 * Return: 0, or -EINVAL when @d received errors.
 */
int res_parse(const struct doc *doc, const struct doc_node *root,
	      unsigned int flags, struct res_list *out, struct diags *d);

/**
 * res_parse_object() - parse a json-c object (from a datastore)
 * @obj: the object (apiVersion, kind, metadata, spec)
 * @flags: RES_F_* (datastores use RES_F_LENIENT)
 * @out: the resources are appended here
 * @d: errors; they name the object ("NetworkPolicy prod/web") instead of
 *     a file
 *
 * Return: 0 or -EINVAL.
 */
int res_parse_object(struct json_object *obj, unsigned int flags,
		     struct res_list *out, struct diags *d);

/*
 * Values, as the parsers read them (exposed for compile and explain).
 */
/* "10.0.0.0/8", "fd00::/8", or an address (prefix full when @need_prefix
 * is false); *@why on failure. */
bool res_parse_cidr(const char *s, bool need_prefix, struct res_cidr *out,
		    const char **why);
/* Whether the host bits of @c are zero; @masked gets the network text. */
bool res_cidr_masked(const struct res_cidr *c, char *masked, size_t size);
/* A protocol name (TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite; also the
 * lowercase forms when @lower_ok) to its number; 0 if unknown. */
uint8_t res_proto_num(const char *name, bool lower_ok);
bool res_proto_has_ports(const struct res_proto *p);
/* "80", "80:90" or a port name; *@why on failure. */
bool res_parse_port(const char *s, struct res_port *out, const char **why);
/*
 * Kubernetes naming, as Calico's converter does it.
 */
/* "cali" + the first 11 hex digits of sha1("<ns>.<pod>"); @prefix NULL
 * is "cali". @out needs 16 bytes. */
void res_k8s_iface_name(const char *ns, const char *pod, const char *prefix,
			char *out, size_t size);
/* "<node>-<orchestrator>-<pod or workload>-<endpoint>", each part's dashes
 * doubled; -EINVAL when a part is missing or starts/ends with '-'. */
int res_wep_name(const char *node, const char *orchestrator,
		 const char *workload, const char *endpoint, char *out,
		 size_t size);

/*
 * --- the store -------------------------------------------------------
 */

struct rset;

/**
 * rset_new() - an empty store
 * @builtins: add the tiers and profile every Calico cluster has
 *            (default, kube-admin, kube-baseline; profile
 *            projectcalico-default-allow)
 */
struct rset *rset_new(bool builtins);
void rset_free(struct rset *s);

/* The number of resources (of @kind, or all with -1). */
size_t rset_count(const struct rset *s, int kind);
/* Incremented by every change, for consumers that cache. */
uint64_t rset_generation(const struct rset *s);
/* The resource, or NULL; @ns is ignored for cluster-scoped kinds. */
struct res *rset_get(const struct rset *s, enum res_kind kind, const char *ns,
		     const char *name);

/**
 * rset_put() - add or replace a resource
 * @s: the store (takes ownership of @r)
 * @r: the resource
 * @old: the resource it replaced is stored here for the caller to
 *       inspect and res_free() (NULL: none); may be NULL, in which case
 *       the old one is freed
 */
void rset_put(struct rset *s, struct res *r, struct res **old);

/* Delete and free; -ENOENT if absent. */
int rset_del(struct rset *s, enum res_kind kind, const char *ns,
	     const char *name);

/**
 * rset_apply_source() - what one source object now gives
 * @s: the store
 * @api_version: the source's apiVersion (group matters: "v1",
 *               "networking.k8s.io/v1", "projectcalico.org/v3", ...)
 * @kind: the source's kind
 * @ns: its namespace ("" for cluster-scoped)
 * @name: its name
 * @l: the resources it converts to now (taken over and emptied); NULL or
 *     empty removes what it gave before (a deleted object, or a pod that
 *     stopped running)
 *
 * For datastores: each object is one source; an update replaces what the
 * source gave before, a delete removes it.
 */
void rset_apply_source(struct rset *s, const char *api_version,
		       const char *kind, const char *ns, const char *name,
		       struct res_list *l);

/**
 * rset_mark_sources() - a datastore relists (DS_RESET): mark its sources
 * @s: the store
 * @api_version: the sources' apiVersion (its group is what counts), or
 *               NULL for every group
 * @kind: their kind, or NULL for every kind
 *
 * The resources stay until rset_sweep_sources(); every source
 * rset_apply_source() gives again in the meantime is unmarked.
 */
void rset_mark_sources(struct rset *s, const char *api_version,
		       const char *kind);

/* The relist is complete (DS_SYNCED): delete what the sources still
 * marked gave; returns how many sources went. */
size_t rset_sweep_sources(struct rset *s);

/**
 * rset_list() - the resources, sorted by kind, namespace and name
 * @s: the store
 * @kind: a kind, or -1 for all
 * @ns: a namespace, or NULL for all (ignored for cluster-scoped kinds)
 * @out: a malloc'ed array the caller frees (the resources stay owned by
 *       the store)
 *
 * Return: the count.
 */
size_t rset_list(const struct rset *s, int kind, const char *ns,
		 struct res ***out);

/**
 * rset_load() - read files, directories and "-" (standard input)
 * @s: the store; valid resources are added
 * @paths: files ("-" for standard input) and directories (their *.yaml,
 *         *.yml and *.json files, sorted, not recursive)
 * @n: number of paths
 * @flags: RES_F_*
 * @d: every error and warning
 *
 * Besides each document's own errors, a resource defined twice is an
 * error at the second definition naming the first; a policy in a tier
 * that is not defined, and a profile an endpoint names that is not
 * defined, are warnings.
 *
 * Return: 0, or -EINVAL when @d received errors.
 */
int rset_load(struct rset *s, const char *const *paths, size_t n,
	      unsigned int flags, struct diags *d);

/*
 * --- output ----------------------------------------------------------
 */

/* The resource as Calico prints it (apiVersion, kind, metadata, spec),
 * as a new json-c object. */
struct json_object *res_to_json(const struct res *r);

enum res_fmt {
	RES_FMT_YAML,
	RES_FMT_JSON,
	RES_FMT_TABLE,
	RES_FMT_WIDE,
};

/**
 * res_print() - print resources
 * @f: the stream
 * @v: the resources (one kind for tables)
 * @n: their count
 * @fmt: YAML and JSON print one resource as itself and several as a List
 *       (<Kind>List when they are all of one kind, as calicoctl does);
 *       the tables print a header and one line per resource
 * @all_ns: tables: add a NAMESPACE column
 *
 * Return: 0 or -EIO.
 */
int res_print(FILE *f, struct res *const *v, size_t n, enum res_fmt fmt,
	      bool all_ns);

/* Shortest text that reads back as @v ("1000", "0.5", "1e+300"). */
void res_fmt_double(double v, char *buf, size_t size);

#endif /* STRATA_RES_H */
