/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Strata: host-level tiered network policy engine.
 *
 * This header is the single contract between strata.ko and userspace: the
 * generic netlink family (commands, attributes, multicast groups), the
 * /dev/strata ioctls and the binary state image they load.
 *
 * Model
 * =====
 *
 * All state is per network namespace: a request acts on the namespace of
 * the socket (netlink) or of the calling task (ioctl). Objects have a u32
 * id chosen by userspace (1..U32_MAX) and a name unique per kind:
 *
 *  - IP set: a family (4 or 6) and a kind: addresses, networks (CIDRs,
 *    matched by containment) or address+protocol+port (named ports).
 *  - Policy: ordered ingress and egress rules. Profiles are policies too:
 *    an endpoint lists them after its tiers.
 *  - Tier: a default action (deny or pass) for when it applies and no rule
 *    decides.
 *  - Endpoint: a workload or host interface, its addresses, and per stage
 *    and direction an ordered list of (tier, ordered policies), then its
 *    profiles and its no-match action.
 *  - Settings: marks, failsafe ports, workload interface prefixes, limits.
 *
 * Evaluation (per endpoint and direction) follows Calico: tiers in list
 * order; in a tier, policies then rules in order; the first allow, deny or
 * reject decides; pass jumps to the next tier; log records and continues;
 * a tier that applies and decides nothing takes its default action; then
 * the profiles in order (pass ends a profile); then the no-match action.
 *
 * Generic netlink family "strata"
 * ===============================
 *
 * Every command and every multicast group requires CAP_NET_ADMIN over the
 * user namespace owning the network namespace. Attributes are validated
 * strictly: unknown attributes, bad lengths and out-of-range values get
 * -EINVAL or -ERANGE and an extended ack message that names the attribute.
 * Unknown ids get -ENOENT, duplicate ids or names -EEXIST, limits -ENOSPC,
 * deleting an object something still refers to -EBUSY. A failed request
 * changes nothing.
 *
 * Transactions. STRATA_CMD_TX_BEGIN opens the namespace's one transaction,
 * owned by the socket that sent it (others get -EBUSY until it ends;
 * closing the socket aborts it). Change requests on that socket are then
 * queued: each is checked when it arrives (ids, names, sizes) and refused
 * at once if wrong, which also dooms the transaction; references between
 * objects are checked at commit. STRATA_CMD_TX_COMMIT applies everything
 * atomically or nothing, and replies with the new STRATA_A_GENERATION;
 * STRATA_CMD_TX_ABORT discards it. A change request outside a transaction
 * is a transaction of its own. Reads always see committed state. Every
 * commit is announced on the "config" multicast group.
 *
 * Errors. Besides the message and the offending attribute, a refusal by
 * the engine carries an extended ack cookie, struct strata_err_cookie,
 * naming the object it concerns (kind and id).
 *
 * Objects: NEW_x creates (-EEXIST if the id exists) or, with
 * NLM_F_REPLACE, creates or replaces; DEL_x deletes by id or name; GET_x
 * returns one object by id or name, or all of them with NLM_F_DUMP. A
 * single GET_x whose object does not fit one message fails with -EMSGSIZE:
 * dump it instead. Dumps carry as many objects per message as fit, resume
 * across messages, report STRATA_A_GENERATION in every message (a message
 * may carry only the generation), set NLM_F_DUMP_INTR if a commit happened
 * meanwhile, and report a failure as the error of NLMSG_DONE.
 *
 * Sizes. An attribute holds at most 65,531 bytes, so one endpoint (its
 * addresses, spoof prefixes and policy references) and one rule must each
 * fit in about 64 KiB: up to roughly 3,000 prefixes or 16,000 policy
 * references. Larger ones cannot be sent over netlink (libstrata refuses
 * them with -EMSGSIZE) and can only be loaded by image; such objects then
 * dump with -EMSGSIZE. Policies and sets have no such limit (they span
 * messages, see below).
 *
 * Large objects span several messages: a policy's rules can be appended
 * with NEW_POLICY carrying STRATA_POLICY_F_APPEND in STRATA_POLICY_A_FLAGS
 * (same transaction as its creation; APPEND and NLM_F_REPLACE exclude each
 * other), and set members are added with
 * ADD_MEMBERS. In dumps, a policy whose rules do not fit one message is
 * continued in the next with STRATA_POLICY_A_INGRESS_START/EGRESS_START
 * giving the index of the first rule carried.
 *
 * Commands and their attributes (top level):
 *
 *   GET_VERSION      -> VERSION_ABI, VERSION_GENL, VERSION_MODULE, GENERATION
 *   TX_BEGIN, TX_ABORT
 *   TX_COMMIT        -> GENERATION
 *   (a change outside a transaction, committed at once, also replies with
 *   GENERATION)
 *   NEW_TIER         TIER { ID, NAME, DEFAULT_ACTION }
 *   NEW_POLICY       POLICY { ID, NAME, INGRESS [RULE...], EGRESS [RULE...],
 *                    FLAGS }
 *   NEW_IPSET        IPSET { ID, NAME, FAMILY, KIND, MEMBERS }
 *                    (with NLM_F_REPLACE the members are replaced whole)
 *   ADD_MEMBERS      IPSET { ID | NAME, MEMBERS }, FLAGS (STRATA_F_EXIST:
 *   DEL_MEMBERS      ignore members already present / absent)
 *   GET_MEMBERS      IPSET { ID | NAME } (dump) -> IPSET { ID, MEMBERS }...
 *   NEW_ENDPOINT     ENDPOINT { ID, NAME, KIND, IFNAME, ADDRS, SPOOF, MARK,
 *                    NO_MATCH, PROFILES, INGRESS, EGRESS, UNTRACKED_*,
 *                    PREDNAT_INGRESS, FORWARD_* }
 *   DEL_x / GET_x    x { ID | NAME }
 *   SET_SETTINGS     SETTINGS { any subset; others keep their value }
 *   GET_SETTINGS     -> SETTINGS { all }
 *   GET_STATS        -> STATS { ... }
 *   FLUSH            delete every object (settings keep their values)
 *   GET_COUNTERS     (dump) -> COUNTER...; optional COUNTER { KIND, ID }
 *                    selects one object
 *   RESET_COUNTERS   zero every counter (or one object's: COUNTER)
 *   FLOW_EVENT       "flows" group only: FLOW { ... }
 *
 * /dev/strata
 * ===========
 *
 * A misc character device (mode 0600). Each ioctl acts on the calling
 * task's network namespace and checks CAP_NET_ADMIN over it itself.
 * Unknown ioctls get -ENOTTY. STRATA_IOC_LOAD_IMAGE validates a complete
 * state image (layout below) and swaps it in atomically as one commit
 * (-EBUSY while a transaction is open); any error leaves the state as it
 * was and the reason in strata_ioc_load.err_msg.
 *
 * Structures are fixed-size, naturally aligned and explicitly padded;
 * reserved and pad fields must be zero on input and are zero on output.
 * Binary arrays in attributes and images use the structures below in host
 * byte order unless a field says __be.
 */
#ifndef _UAPI_LINUX_STRATA_H
#define _UAPI_LINUX_STRATA_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Bumped on any incompatible change to this file. */
#define STRATA_ABI_VERSION	1

#define STRATA_GENL_NAME	"strata"
#define STRATA_GENL_VERSION	1
#define STRATA_MCGRP_CONFIG	"config"
#define STRATA_MCGRP_FLOWS	"flows"

#define STRATA_DEVICE_NAME	"strata"

#define STRATA_VERSION_LEN	32
#define STRATA_NAME_LEN		64	/* names: 1..63 bytes + NUL */
#define STRATA_IFNAME_LEN	16	/* IFNAMSIZ */
#define STRATA_MAX_WL_PREFIXES	8

/**
 * enum strata_cmd - generic netlink commands of the "strata" family
 */
enum strata_cmd {
	STRATA_CMD_UNSPEC,
	STRATA_CMD_GET_VERSION,
	STRATA_CMD_TX_BEGIN,
	STRATA_CMD_TX_COMMIT,
	STRATA_CMD_TX_ABORT,
	STRATA_CMD_NEW_TIER,
	STRATA_CMD_DEL_TIER,
	STRATA_CMD_GET_TIER,
	STRATA_CMD_NEW_POLICY,
	STRATA_CMD_DEL_POLICY,
	STRATA_CMD_GET_POLICY,
	STRATA_CMD_NEW_IPSET,
	STRATA_CMD_DEL_IPSET,
	STRATA_CMD_GET_IPSET,
	STRATA_CMD_ADD_MEMBERS,
	STRATA_CMD_DEL_MEMBERS,
	STRATA_CMD_GET_MEMBERS,
	STRATA_CMD_NEW_ENDPOINT,
	STRATA_CMD_DEL_ENDPOINT,
	STRATA_CMD_GET_ENDPOINT,
	STRATA_CMD_SET_SETTINGS,
	STRATA_CMD_GET_SETTINGS,
	STRATA_CMD_GET_STATS,
	STRATA_CMD_FLUSH,
	STRATA_CMD_COMMIT_EVENT,	/* "config" group: GENERATION */
	STRATA_CMD_GET_COUNTERS,	/* dump: COUNTER... */
	STRATA_CMD_RESET_COUNTERS,
	STRATA_CMD_FLOW_EVENT,		/* "flows" group: FLOW */

	__STRATA_CMD_MAX
};

#define STRATA_CMD_MAX (__STRATA_CMD_MAX - 1)

/**
 * enum strata_err_obj - the kind of object an error concerns
 * @STRATA_ERR_OBJ_NONE: none in particular
 * @STRATA_ERR_OBJ_TIER: a tier
 * @STRATA_ERR_OBJ_POLICY: a policy or profile
 * @STRATA_ERR_OBJ_IPSET: an IP set
 * @STRATA_ERR_OBJ_ENDPOINT: an endpoint
 * @STRATA_ERR_OBJ_SETTINGS: the settings
 * @STRATA_ERR_OBJ_MEMBER: an IP set member (id: the set)
 * @STRATA_ERR_OBJ_IMAGE: the image as a whole
 * @STRATA_ERR_OBJ_TX: the transaction
 */
enum strata_err_obj {
	STRATA_ERR_OBJ_NONE,
	STRATA_ERR_OBJ_TIER,
	STRATA_ERR_OBJ_POLICY,
	STRATA_ERR_OBJ_IPSET,
	STRATA_ERR_OBJ_ENDPOINT,
	STRATA_ERR_OBJ_SETTINGS,
	STRATA_ERR_OBJ_MEMBER,
	STRATA_ERR_OBJ_IMAGE,
	STRATA_ERR_OBJ_TX,
};

/**
 * struct strata_err_cookie - extended ack cookie of a refused request
 * @kind: enum strata_err_obj
 * @pad: zero
 * @id: the object's id (0 if unknown)
 */
struct strata_err_cookie {
	__u8	kind;
	__u8	pad[3];
	__u32	id;
};

/**
 * enum strata_attr - top-level attributes
 * @STRATA_A_VERSION_ABI: u32, STRATA_ABI_VERSION of the module
 * @STRATA_A_VERSION_GENL: u32, STRATA_GENL_VERSION of the module
 * @STRATA_A_VERSION_MODULE: string, the module's release version
 * @STRATA_A_GENERATION: u64, the committed generation (0 before any commit)
 * @STRATA_A_PAD: padding for 64-bit attributes
 * @STRATA_A_TIER: nested, enum strata_tier_attr
 * @STRATA_A_POLICY: nested, enum strata_policy_attr
 * @STRATA_A_IPSET: nested, enum strata_ipset_attr
 * @STRATA_A_ENDPOINT: nested, enum strata_endpoint_attr
 * @STRATA_A_SETTINGS: nested, enum strata_settings_attr
 * @STRATA_A_STATS: nested, enum strata_stats_attr
 * @STRATA_A_FLAGS: u32, STRATA_F_*
 * @STRATA_A_COUNTER: nested, enum strata_counter_attr
 * @STRATA_A_FLOW: nested, enum strata_flow_attr
 */
enum strata_attr {
	STRATA_A_UNSPEC,
	STRATA_A_VERSION_ABI,
	STRATA_A_VERSION_GENL,
	STRATA_A_VERSION_MODULE,
	STRATA_A_GENERATION,
	STRATA_A_PAD,
	STRATA_A_TIER,
	STRATA_A_POLICY,
	STRATA_A_IPSET,
	STRATA_A_ENDPOINT,
	STRATA_A_SETTINGS,
	STRATA_A_STATS,
	STRATA_A_FLAGS,
	STRATA_A_COUNTER,
	STRATA_A_FLOW,

	__STRATA_A_MAX
};

#define STRATA_A_MAX (__STRATA_A_MAX - 1)

/* STRATA_A_FLAGS */
#define STRATA_F_EXIST		(1U << 0)	/* members: ignore present/absent */

/**
 * enum strata_action - rule actions, tier defaults and no-match actions
 * @STRATA_ACT_ALLOW: accept; final
 * @STRATA_ACT_DENY: drop; final
 * @STRATA_ACT_PASS: skip to the next tier (in a profile: the next profile)
 * @STRATA_ACT_LOG: log and continue with the next rule
 * @STRATA_ACT_REJECT: drop and answer (TCP RST or ICMP prohibited); final
 */
enum strata_action {
	STRATA_ACT_UNSPEC,
	STRATA_ACT_ALLOW,
	STRATA_ACT_DENY,
	STRATA_ACT_PASS,
	STRATA_ACT_LOG,
	STRATA_ACT_REJECT,

	__STRATA_ACT_MAX
};

#define STRATA_ACT_MAX (__STRATA_ACT_MAX - 1)

/* Address families of sets, prefixes and rules (not AF_*: 0 means any). */
#define STRATA_FAMILY_ANY	0
#define STRATA_FAMILY_IPV4	4
#define STRATA_FAMILY_IPV6	6

/**
 * struct strata_prefix - an IPv4 or IPv6 prefix (16 bytes of address)
 * @addr: the address in network byte order; IPv4 in addr[0..3], the rest
 *        zero; bits beyond @prefix_len must be zero
 * @family: STRATA_FAMILY_IPV4 or STRATA_FAMILY_IPV6
 * @prefix_len: 0..32 or 0..128
 * @pad: zero
 */
struct strata_prefix {
	__u8	addr[16];
	__u8	family;
	__u8	prefix_len;
	__u8	pad[2];
};

/**
 * struct strata_port_range - an inclusive port range, @lo <= @hi
 * @lo: first port
 * @hi: last port
 */
struct strata_port_range {
	__u16	lo;
	__u16	hi;
};

/**
 * struct strata_member - one IP set member
 * @addr: address in network byte order (IPv4 in addr[0..3], rest zero)
 * @prefix_len: full length (32/128) for address and address+port sets;
 *              any length for network sets (host bits zero)
 * @proto: address+port sets: the IP protocol (TCP, UDP or SCTP); else 0
 * @pad: zero
 * @port: address+port sets: the port; else 0
 */
struct strata_member {
	__u8	addr[16];
	__u8	prefix_len;
	__u8	proto;
	__u16	port;
};

enum strata_ipset_kind {
	STRATA_IPSET_UNSPEC,
	STRATA_IPSET_ADDR,	/* hash:ip */
	STRATA_IPSET_NET,	/* hash:net, longest-prefix containment */
	STRATA_IPSET_ADDR_PORT,	/* hash:ip,port: named ports */

	__STRATA_IPSET_MAX
};

#define STRATA_IPSET_MAX (__STRATA_IPSET_MAX - 1)

/**
 * enum strata_tier_attr - STRATA_A_TIER
 * @STRATA_TIER_A_ID: u32, required
 * @STRATA_TIER_A_NAME: string, required on creation
 * @STRATA_TIER_A_DEFAULT_ACTION: u8, STRATA_ACT_DENY (default) or _PASS
 */
enum strata_tier_attr {
	STRATA_TIER_A_UNSPEC,
	STRATA_TIER_A_ID,
	STRATA_TIER_A_NAME,
	STRATA_TIER_A_DEFAULT_ACTION,

	__STRATA_TIER_A_MAX
};

#define STRATA_TIER_A_MAX (__STRATA_TIER_A_MAX - 1)

/**
 * enum strata_policy_attr - STRATA_A_POLICY
 * @STRATA_POLICY_A_ID: u32
 * @STRATA_POLICY_A_NAME: string, required on creation
 * @STRATA_POLICY_A_INGRESS: nested array of STRATA_RULE (any nla_type)
 * @STRATA_POLICY_A_EGRESS: nested array of STRATA_RULE
 * @STRATA_POLICY_A_FLAGS: u32, STRATA_POLICY_F_*
 * @STRATA_POLICY_A_INGRESS_START: u32, dumps: index of the first ingress
 *                                 rule in this message
 * @STRATA_POLICY_A_EGRESS_START: u32, the same for egress
 * @STRATA_POLICY_A_INGRESS_COUNT: u32, dumps: total ingress rules
 * @STRATA_POLICY_A_EGRESS_COUNT: u32, dumps: total egress rules
 */
enum strata_policy_attr {
	STRATA_POLICY_A_UNSPEC,
	STRATA_POLICY_A_ID,
	STRATA_POLICY_A_NAME,
	STRATA_POLICY_A_INGRESS,
	STRATA_POLICY_A_EGRESS,
	STRATA_POLICY_A_FLAGS,
	STRATA_POLICY_A_INGRESS_START,
	STRATA_POLICY_A_EGRESS_START,
	STRATA_POLICY_A_INGRESS_COUNT,
	STRATA_POLICY_A_EGRESS_COUNT,

	__STRATA_POLICY_A_MAX
};

#define STRATA_POLICY_A_MAX (__STRATA_POLICY_A_MAX - 1)

/* Append the rules to the policy created earlier in this transaction. */
#define STRATA_POLICY_F_APPEND	(1U << 0)

/**
 * enum strata_rule_attr - one rule, an element of INGRESS/EGRESS
 * @STRATA_RULE_A_ACTION: u8, enum strata_action, required
 * @STRATA_RULE_A_IP_VERSION: u8, 0 (both), 4 or 6
 * @STRATA_RULE_A_PROTO: u8, match this IP protocol (1..255)
 * @STRATA_RULE_A_NOT_PROTO: u8, match any protocol but this one
 * @STRATA_RULE_A_ICMP_TYPE: u8 0..254, needs PROTO ICMP or ICMPv6
 * @STRATA_RULE_A_ICMP_CODE: u8, needs ICMP_TYPE
 * @STRATA_RULE_A_NOT_ICMP_TYPE: u8 0..254, match any type but this
 * @STRATA_RULE_A_NOT_ICMP_CODE: u8, with NOT_ICMP_TYPE: any but type+code
 * @STRATA_RULE_A_SRC: nested, enum strata_entity_attr
 * @STRATA_RULE_A_DST: nested, enum strata_entity_attr
 * @STRATA_RULE_A_COOKIE: u64, opaque to the kernel, echoed in dumps, traces
 *                        and flow events (e.g. the rule's manifest origin)
 * @STRATA_RULE_A_PAD: padding
 *
 * The fields are ANDed. Ports need PROTO TCP, UDP or SCTP; a rule whose
 * IP_VERSION excludes a family, or whose nets/sets on one side all belong
 * to the other family, is left out of that family's evaluation.
 */
enum strata_rule_attr {
	STRATA_RULE_A_UNSPEC,
	STRATA_RULE_A_ACTION,
	STRATA_RULE_A_IP_VERSION,
	STRATA_RULE_A_PROTO,
	STRATA_RULE_A_NOT_PROTO,
	STRATA_RULE_A_ICMP_TYPE,
	STRATA_RULE_A_ICMP_CODE,
	STRATA_RULE_A_NOT_ICMP_TYPE,
	STRATA_RULE_A_NOT_ICMP_CODE,
	STRATA_RULE_A_SRC,
	STRATA_RULE_A_DST,
	STRATA_RULE_A_COOKIE,
	STRATA_RULE_A_PAD,

	__STRATA_RULE_A_MAX
};

#define STRATA_RULE_A_MAX (__STRATA_RULE_A_MAX - 1)

/**
 * enum strata_entity_attr - the source or destination side of a rule
 * @STRATA_ENT_A_NETS: binary, struct strata_prefix[]: any contains it
 * @STRATA_ENT_A_NOT_NETS: binary, struct strata_prefix[]: none contains it
 * @STRATA_ENT_A_SETS: binary, __u32[] set ids: every set contains it (AND)
 * @STRATA_ENT_A_NOT_SETS: binary, __u32[]: no set contains it
 * @STRATA_ENT_A_PORTS: binary, struct strata_port_range[]: any contains it
 * @STRATA_ENT_A_NOT_PORTS: binary, struct strata_port_range[]: none does
 * @STRATA_ENT_A_PORT_SETS: binary, __u32[] address+port set ids, ORed with
 *                          PORTS: (address, protocol, port) is a member
 * @STRATA_ENT_A_NOT_PORT_SETS: binary, __u32[]: member of none
 */
enum strata_entity_attr {
	STRATA_ENT_A_UNSPEC,
	STRATA_ENT_A_NETS,
	STRATA_ENT_A_NOT_NETS,
	STRATA_ENT_A_SETS,
	STRATA_ENT_A_NOT_SETS,
	STRATA_ENT_A_PORTS,
	STRATA_ENT_A_NOT_PORTS,
	STRATA_ENT_A_PORT_SETS,
	STRATA_ENT_A_NOT_PORT_SETS,

	__STRATA_ENT_A_MAX
};

#define STRATA_ENT_A_MAX (__STRATA_ENT_A_MAX - 1)

/**
 * enum strata_ipset_attr - STRATA_A_IPSET
 * @STRATA_IPSET_A_ID: u32
 * @STRATA_IPSET_A_NAME: string
 * @STRATA_IPSET_A_FAMILY: u8, STRATA_FAMILY_IPV4 or _IPV6, required
 * @STRATA_IPSET_A_KIND: u8, enum strata_ipset_kind, required
 * @STRATA_IPSET_A_MEMBERS: binary, struct strata_member[]
 * @STRATA_IPSET_A_COUNT: u32, dumps: number of members
 */
enum strata_ipset_attr {
	STRATA_IPSET_A_UNSPEC,
	STRATA_IPSET_A_ID,
	STRATA_IPSET_A_NAME,
	STRATA_IPSET_A_FAMILY,
	STRATA_IPSET_A_KIND,
	STRATA_IPSET_A_MEMBERS,
	STRATA_IPSET_A_COUNT,

	__STRATA_IPSET_A_MAX
};

#define STRATA_IPSET_A_MAX (__STRATA_IPSET_A_MAX - 1)

enum strata_endpoint_kind {
	STRATA_EP_UNSPEC,
	STRATA_EP_WORKLOAD,
	STRATA_EP_HOST,

	__STRATA_EP_MAX
};

#define STRATA_EP_MAX (__STRATA_EP_MAX - 1)

/**
 * enum strata_list - an endpoint's policy lists, by stage and direction
 * @STRATA_LIST_INGRESS: normal policy, traffic to the endpoint
 * @STRATA_LIST_EGRESS: normal policy, traffic from the endpoint
 * @STRATA_LIST_UNTRACKED_INGRESS: host endpoints: before conntrack
 * @STRATA_LIST_UNTRACKED_EGRESS: host endpoints: before conntrack
 * @STRATA_LIST_PREDNAT_INGRESS: host endpoints: before DNAT
 * @STRATA_LIST_FORWARD_INGRESS: host endpoints: forwarded traffic in
 * @STRATA_LIST_FORWARD_EGRESS: host endpoints: forwarded traffic out
 */
enum strata_list {
	STRATA_LIST_INGRESS,
	STRATA_LIST_EGRESS,
	STRATA_LIST_UNTRACKED_INGRESS,
	STRATA_LIST_UNTRACKED_EGRESS,
	STRATA_LIST_PREDNAT_INGRESS,
	STRATA_LIST_FORWARD_INGRESS,
	STRATA_LIST_FORWARD_EGRESS,

	__STRATA_LIST_MAX
};

#define STRATA_LIST_MAX (__STRATA_LIST_MAX - 1)

/**
 * enum strata_endpoint_attr - STRATA_A_ENDPOINT
 * @STRATA_EP_A_ID: u32
 * @STRATA_EP_A_NAME: string
 * @STRATA_EP_A_KIND: u8, enum strata_endpoint_kind, required
 * @STRATA_EP_A_IFNAME: string, interface name (need not exist yet); host
 *                      endpoints may use "*" for every host interface
 * @STRATA_EP_A_ADDRS: binary, struct strata_prefix[]: the endpoint's
 *                     addresses
 * @STRATA_EP_A_SPOOF: binary, struct strata_prefix[]: further source
 *                     prefixes a workload may send from
 * @STRATA_EP_A_MARK: u32, route mark value, within the settings' mark mask
 * @STRATA_EP_A_NO_MATCH: u8, STRATA_ACT_DENY (default) or _ALLOW: the
 *                        action when no tier and no profile decides
 * @STRATA_EP_A_PROFILES: binary, __u32[] policy ids, in order
 * @STRATA_EP_A_LISTS: nested; inside, attribute type (enum strata_list + 1)
 *                     holds a nested array of STRATA_TIERREF
 */
enum strata_endpoint_attr {
	STRATA_EP_A_UNSPEC,
	STRATA_EP_A_ID,
	STRATA_EP_A_NAME,
	STRATA_EP_A_KIND,
	STRATA_EP_A_IFNAME,
	STRATA_EP_A_ADDRS,
	STRATA_EP_A_SPOOF,
	STRATA_EP_A_MARK,
	STRATA_EP_A_NO_MATCH,
	STRATA_EP_A_PROFILES,
	STRATA_EP_A_LISTS,

	__STRATA_EP_A_MAX
};

#define STRATA_EP_A_MAX (__STRATA_EP_A_MAX - 1)

/**
 * enum strata_tierref_attr - one tier of an endpoint's list
 * @STRATA_TIERREF_A_TIER: u32 tier id
 * @STRATA_TIERREF_A_POLICIES: binary, __u32[] policy ids, in order
 */
enum strata_tierref_attr {
	STRATA_TIERREF_A_UNSPEC,
	STRATA_TIERREF_A_TIER,
	STRATA_TIERREF_A_POLICIES,

	__STRATA_TIERREF_A_MAX
};

#define STRATA_TIERREF_A_MAX (__STRATA_TIERREF_A_MAX - 1)

/**
 * struct strata_failsafe - a port that host endpoint policy cannot close
 * @proto: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP
 * @pad: zero
 * @port: the port (inbound: destination; outbound: destination)
 * @net: if net.family is non-zero, only peers in this prefix
 */
struct strata_failsafe {
	__u8	proto;
	__u8	pad;
	__u16	port;
	struct strata_prefix net;
};

enum strata_wl_to_host {
	STRATA_WL_TO_HOST_DROP,		/* Felix's default */
	STRATA_WL_TO_HOST_ACCEPT,
	STRATA_WL_TO_HOST_RETURN,	/* continue with host endpoint policy */

	__STRATA_WL_TO_HOST_MAX
};

#define STRATA_WL_TO_HOST_MAX (__STRATA_WL_TO_HOST_MAX - 1)

/**
 * enum strata_settings_attr - STRATA_A_SETTINGS
 * @STRATA_SET_A_MARK_MASK: u32, the skb->mark bits Strata may touch
 *                          (default 0xffff0000)
 * @STRATA_SET_A_MARK_ACCEPT: u32, bits set on allowed packets, within the
 *                            mask (default 0x10000)
 * @STRATA_SET_A_FAILSAFE_IN: binary, struct strata_failsafe[] (default:
 *                            Felix's inbound list)
 * @STRATA_SET_A_FAILSAFE_OUT: binary, struct strata_failsafe[] (default:
 *                             Felix's outbound list)
 * @STRATA_SET_A_WL_PREFIXES: nested array of strings: interface name
 *                            prefixes that mean "workload" (cali, tap)
 * @STRATA_SET_A_WL_TO_HOST: u8, enum strata_wl_to_host (default DROP)
 * @STRATA_SET_A_LOG_RATE: u32, log lines per second (default 10)
 * @STRATA_SET_A_LOG_BURST: u32 (default 50)
 * @STRATA_SET_A_CT_INVALID_DROP: u8 bool, drop conntrack-invalid (default 1)
 * @STRATA_SET_A_ALLOW_IPIP: u8 bool, IP-in-IP from workloads (default 0)
 * @STRATA_SET_A_ALLOW_VXLAN: u8 bool, VXLAN from workloads (default 0)
 * @STRATA_SET_A_VXLAN_PORT: u16 (default 4789)
 * @STRATA_SET_A_FLOW_RATE: u32, flow events per second (default 10000)
 * @STRATA_SET_A_FLOW_BURST: u32 (default 20000)
 * @STRATA_SET_A_LIMIT_TIERS: u32, at most the module's hard cap
 * @STRATA_SET_A_LIMIT_POLICIES: u32
 * @STRATA_SET_A_LIMIT_RULES: u32, rules in all policies
 * @STRATA_SET_A_LIMIT_IPSETS: u32
 * @STRATA_SET_A_LIMIT_MEMBERS: u32, members in all sets
 * @STRATA_SET_A_LIMIT_ENDPOINTS: u32
 */
enum strata_settings_attr {
	STRATA_SET_A_UNSPEC,
	STRATA_SET_A_MARK_MASK,
	STRATA_SET_A_MARK_ACCEPT,
	STRATA_SET_A_FAILSAFE_IN,
	STRATA_SET_A_FAILSAFE_OUT,
	STRATA_SET_A_WL_PREFIXES,
	STRATA_SET_A_WL_TO_HOST,
	STRATA_SET_A_LOG_RATE,
	STRATA_SET_A_LOG_BURST,
	STRATA_SET_A_CT_INVALID_DROP,
	STRATA_SET_A_ALLOW_IPIP,
	STRATA_SET_A_ALLOW_VXLAN,
	STRATA_SET_A_VXLAN_PORT,
	STRATA_SET_A_FLOW_RATE,
	STRATA_SET_A_FLOW_BURST,
	STRATA_SET_A_LIMIT_TIERS,
	STRATA_SET_A_LIMIT_POLICIES,
	STRATA_SET_A_LIMIT_RULES,
	STRATA_SET_A_LIMIT_IPSETS,
	STRATA_SET_A_LIMIT_MEMBERS,
	STRATA_SET_A_LIMIT_ENDPOINTS,

	__STRATA_SET_A_MAX
};

#define STRATA_SET_A_MAX (__STRATA_SET_A_MAX - 1)

/**
 * enum strata_stats_attr - STRATA_A_STATS (all u32 unless noted)
 * @STRATA_STATS_A_GENERATION: u64
 * @STRATA_STATS_A_TIERS: number of tiers
 * @STRATA_STATS_A_POLICIES: number of policies
 * @STRATA_STATS_A_RULES: rules in all policies
 * @STRATA_STATS_A_IPSETS: number of IP sets
 * @STRATA_STATS_A_MEMBERS: members in all sets
 * @STRATA_STATS_A_ENDPOINTS: number of endpoints
 * @STRATA_STATS_A_PROGRAMS: compiled evaluation programs
 * @STRATA_STATS_A_CLASSES: interned address classes
 * @STRATA_STATS_A_MEM_BYTES: u64, memory charged to this namespace
 * @STRATA_STATS_A_TX_OPEN: u8, a transaction is open
 * @STRATA_STATS_A_PAD: padding
 * @STRATA_STATS_A_PACKETS: u64, packets the hooks looked at
 * @STRATA_STATS_A_EVALUATIONS: u64, decisions that evaluated policy
 * @STRATA_STATS_A_REASONS: binary, __u64[__STRATA_REASON_MAX]: verdicts
 *                          reached per enum strata_reason
 * @STRATA_STATS_A_FLOW_EVENTS: u64, flow events sent
 * @STRATA_STATS_A_FLOW_EVENTS_LOST: u64, flow events dropped (rate limit,
 *                                   no memory, full receive queues)
 * @STRATA_STATS_A_LOG_LINES: u64, log lines written
 * @STRATA_STATS_A_LOG_LINES_LOST: u64, log lines suppressed by the limit
 * @STRATA_STATS_A_CT_FLUSHED: u64, conntrack entries removed because an
 *                            endpoint lost an address
 */
enum strata_stats_attr {
	STRATA_STATS_A_UNSPEC,
	STRATA_STATS_A_GENERATION,
	STRATA_STATS_A_TIERS,
	STRATA_STATS_A_POLICIES,
	STRATA_STATS_A_RULES,
	STRATA_STATS_A_IPSETS,
	STRATA_STATS_A_MEMBERS,
	STRATA_STATS_A_ENDPOINTS,
	STRATA_STATS_A_PROGRAMS,
	STRATA_STATS_A_CLASSES,
	STRATA_STATS_A_MEM_BYTES,
	STRATA_STATS_A_TX_OPEN,
	STRATA_STATS_A_PAD,
	STRATA_STATS_A_PACKETS,
	STRATA_STATS_A_EVALUATIONS,
	STRATA_STATS_A_REASONS,
	STRATA_STATS_A_FLOW_EVENTS,
	STRATA_STATS_A_FLOW_EVENTS_LOST,
	STRATA_STATS_A_LOG_LINES,
	STRATA_STATS_A_LOG_LINES_LOST,
	STRATA_STATS_A_CT_FLUSHED,

	__STRATA_STATS_A_MAX
};

#define STRATA_STATS_A_MAX (__STRATA_STATS_A_MAX - 1)

/**
 * enum strata_reason - why a packet got its verdict (flow events, stats)
 * @STRATA_REASON_NONE: no opinion
 * @STRATA_REASON_POLICY: a rule, a tier's default, a profile or the
 *                        endpoint's no-match action (see the trace)
 * @STRATA_REASON_ESTABLISHED: conntrack established or related
 * @STRATA_REASON_CT_INVALID: conntrack invalid
 * @STRATA_REASON_UNKNOWN_IFACE: workload interface with no endpoint
 * @STRATA_REASON_NOT_COMMITTED: workload interface before the first commit
 * @STRATA_REASON_SPOOF: source address not the workload's
 * @STRATA_REASON_TUNNEL: IP-in-IP or VXLAN from a workload
 * @STRATA_REASON_FAILSAFE: a failsafe port
 * @STRATA_REASON_WL_TO_HOST: the workload-to-host action
 * @STRATA_REASON_HOST_TO_WL: host to its own workloads
 * @STRATA_REASON_ND: IPv6 neighbour discovery and friends
 * @STRATA_REASON_NO_ENDPOINT: no endpoint involved
 */
enum strata_reason {
	STRATA_REASON_NONE,
	STRATA_REASON_POLICY,
	STRATA_REASON_ESTABLISHED,
	STRATA_REASON_CT_INVALID,
	STRATA_REASON_UNKNOWN_IFACE,
	STRATA_REASON_NOT_COMMITTED,
	STRATA_REASON_SPOOF,
	STRATA_REASON_TUNNEL,
	STRATA_REASON_FAILSAFE,
	STRATA_REASON_WL_TO_HOST,
	STRATA_REASON_HOST_TO_WL,
	STRATA_REASON_ND,
	STRATA_REASON_NO_ENDPOINT,

	__STRATA_REASON_MAX
};

#define STRATA_REASON_MAX (__STRATA_REASON_MAX - 1)

/**
 * enum strata_counter_kind - what a counter counts
 * @STRATA_CTR_RULE: a rule: ID policy, LIST 0 ingress / 1 egress, INDEX
 *                   the rule
 * @STRATA_CTR_TIER_DEFAULT: a tier's default action: ID tier, LIST the
 *                           endpoint list (enum strata_list)
 * @STRATA_CTR_PROFILE_END: a profile that decided nothing: ID policy,
 *                          LIST 0 ingress / 1 egress
 * @STRATA_CTR_NO_MATCH: an endpoint's no-match action: ID endpoint, LIST
 *                       the list
 */
enum strata_counter_kind {
	STRATA_CTR_UNSPEC,
	STRATA_CTR_RULE,
	STRATA_CTR_TIER_DEFAULT,
	STRATA_CTR_PROFILE_END,
	STRATA_CTR_NO_MATCH,

	__STRATA_CTR_MAX
};

#define STRATA_CTR_MAX (__STRATA_CTR_MAX - 1)

/**
 * enum strata_counter_attr - STRATA_A_COUNTER, one counter
 *
 * Counters count evaluations: a new flow (or an untracked packet) that
 * reached the rule or default: FLOWS decisions, and the PACKETS and BYTES
 * evaluated (one packet per tracked flow). A log or pass rule counts too.
 * An object's counters start at zero when it is created or replaced.
 *
 * @STRATA_CTR_A_KIND: u8, enum strata_counter_kind
 * @STRATA_CTR_A_ID: u32
 * @STRATA_CTR_A_LIST: u8
 * @STRATA_CTR_A_INDEX: u32
 * @STRATA_CTR_A_FLOWS: u64
 * @STRATA_CTR_A_PACKETS: u64
 * @STRATA_CTR_A_BYTES: u64
 * @STRATA_CTR_A_PAD: padding
 *
 * GET_COUNTERS (dump) may carry a COUNTER with KIND and ID to select one
 * object's counters.
 */
enum strata_counter_attr {
	STRATA_CTR_A_UNSPEC,
	STRATA_CTR_A_KIND,
	STRATA_CTR_A_ID,
	STRATA_CTR_A_LIST,
	STRATA_CTR_A_INDEX,
	STRATA_CTR_A_FLOWS,
	STRATA_CTR_A_PACKETS,
	STRATA_CTR_A_BYTES,
	STRATA_CTR_A_PAD,

	__STRATA_CTR_A_MAX
};

#define STRATA_CTR_A_MAX (__STRATA_CTR_A_MAX - 1)

/* Hooks, as reported in flow events (enum sc_hook in kmod/core/decide.h). */
enum strata_hook {
	STRATA_HOOK_RAW_PRE,
	STRATA_HOOK_RAW_OUT,
	STRATA_HOOK_PREDNAT,
	STRATA_HOOK_PRE,
	STRATA_HOOK_INPUT,
	STRATA_HOOK_FORWARD,
	STRATA_HOOK_OUTPUT,

	__STRATA_HOOK_MAX
};

#define STRATA_HOOK_MAX (__STRATA_HOOK_MAX - 1)

/* Verdicts, as reported in flow events. */
enum strata_verdict {
	STRATA_VERDICT_NONE,	/* no opinion: the packet went on */
	STRATA_VERDICT_ALLOW,
	STRATA_VERDICT_DENY,
	STRATA_VERDICT_REJECT,
	STRATA_VERDICT_NOTRACK,	/* allowed before conntrack, untracked */

	__STRATA_VERDICT_MAX
};

#define STRATA_VERDICT_MAX (__STRATA_VERDICT_MAX - 1)

/**
 * enum strata_flow_attr - STRATA_A_FLOW, one flow event ("flows" group)
 *
 * Sent for every new flow Strata decided (allowed or denied), for every
 * untracked packet policy decided, and for every packet a log rule
 * matched; rate-limited per namespace (settings FLOW_RATE/BURST), and
 * never blocking: what cannot be sent is counted in
 * STRATA_STATS_A_FLOW_EVENTS_LOST.
 *
 * @STRATA_FLOW_A_GENERATION: u64, the generation that decided
 * @STRATA_FLOW_A_TIMESTAMP: u64, ktime_get_real_ns()
 * @STRATA_FLOW_A_FAMILY: u8, 4 or 6
 * @STRATA_FLOW_A_PROTO: u8
 * @STRATA_FLOW_A_SADDR: binary, 4 or 16 bytes
 * @STRATA_FLOW_A_DADDR: binary, 4 or 16 bytes
 * @STRATA_FLOW_A_SPORT: u16
 * @STRATA_FLOW_A_DPORT: u16
 * @STRATA_FLOW_A_ICMP_TYPE: u8
 * @STRATA_FLOW_A_ICMP_CODE: u8
 * @STRATA_FLOW_A_IIF: string
 * @STRATA_FLOW_A_OIF: string
 * @STRATA_FLOW_A_EP_IN: u32, endpoint the packet came from
 * @STRATA_FLOW_A_EP_OUT: u32, endpoint the packet goes to
 * @STRATA_FLOW_A_HOOK: u8, enum strata_hook
 * @STRATA_FLOW_A_VERDICT: u8, enum strata_verdict
 * @STRATA_FLOW_A_REASON: u8, enum strata_reason
 * @STRATA_FLOW_A_LEN: u32, packet length
 * @STRATA_FLOW_A_MARK: u32, skb->mark after Strata
 * @STRATA_FLOW_A_STEPS: nested array of STEP (enum strata_step_attr)
 * @STRATA_FLOW_A_LOGGED: flag, a log rule matched
 * @STRATA_FLOW_A_PAD: padding
 */
enum strata_flow_attr {
	STRATA_FLOW_A_UNSPEC,
	STRATA_FLOW_A_GENERATION,
	STRATA_FLOW_A_TIMESTAMP,
	STRATA_FLOW_A_FAMILY,
	STRATA_FLOW_A_PROTO,
	STRATA_FLOW_A_SADDR,
	STRATA_FLOW_A_DADDR,
	STRATA_FLOW_A_SPORT,
	STRATA_FLOW_A_DPORT,
	STRATA_FLOW_A_ICMP_TYPE,
	STRATA_FLOW_A_ICMP_CODE,
	STRATA_FLOW_A_IIF,
	STRATA_FLOW_A_OIF,
	STRATA_FLOW_A_EP_IN,
	STRATA_FLOW_A_EP_OUT,
	STRATA_FLOW_A_HOOK,
	STRATA_FLOW_A_VERDICT,
	STRATA_FLOW_A_REASON,
	STRATA_FLOW_A_LEN,
	STRATA_FLOW_A_MARK,
	STRATA_FLOW_A_STEPS,
	STRATA_FLOW_A_LOGGED,
	STRATA_FLOW_A_PAD,

	__STRATA_FLOW_A_MAX
};

#define STRATA_FLOW_A_MAX (__STRATA_FLOW_A_MAX - 1)

/**
 * enum strata_step_attr - one program evaluated for a flow event
 * @STRATA_STEP_A_ENDPOINT: u32, endpoint id
 * @STRATA_STEP_A_LIST: u8, enum strata_list
 * @STRATA_STEP_A_ACTION: u8, the deciding action (enum strata_action, or
 *                        0: no verdict at this stage)
 * @STRATA_STEP_A_KIND: u8, what decided: enum strata_counter_kind
 * @STRATA_STEP_A_TIER: u32, tier id (0: none)
 * @STRATA_STEP_A_POLICY: u32, policy or profile id (0: none)
 * @STRATA_STEP_A_RULE: u32, rule index in the policy direction
 * @STRATA_STEP_A_COOKIE: u64, the rule's cookie
 * @STRATA_STEP_A_PASSES: u32, pass rules and tier defaults passed
 * @STRATA_STEP_A_LOGS: nested array of LOG (enum strata_log_attr)
 * @STRATA_STEP_A_PAD: padding
 */
enum strata_step_attr {
	STRATA_STEP_A_UNSPEC,
	STRATA_STEP_A_ENDPOINT,
	STRATA_STEP_A_LIST,
	STRATA_STEP_A_ACTION,
	STRATA_STEP_A_KIND,
	STRATA_STEP_A_TIER,
	STRATA_STEP_A_POLICY,
	STRATA_STEP_A_RULE,
	STRATA_STEP_A_COOKIE,
	STRATA_STEP_A_PASSES,
	STRATA_STEP_A_LOGS,
	STRATA_STEP_A_PAD,

	__STRATA_STEP_A_MAX
};

#define STRATA_STEP_A_MAX (__STRATA_STEP_A_MAX - 1)

/**
 * enum strata_log_attr - a log rule that matched
 * @STRATA_LOG_A_TIER: u32
 * @STRATA_LOG_A_POLICY: u32
 * @STRATA_LOG_A_RULE: u32
 */
enum strata_log_attr {
	STRATA_LOG_A_UNSPEC,
	STRATA_LOG_A_TIER,
	STRATA_LOG_A_POLICY,
	STRATA_LOG_A_RULE,

	__STRATA_LOG_A_MAX
};

#define STRATA_LOG_A_MAX (__STRATA_LOG_A_MAX - 1)

/*
 * State image (STRATA_IOC_LOAD_IMAGE)
 * ===================================
 *
 * A flat, versioned little-endian-host binary: a header, a section table,
 * then the sections. Every section is an array of fixed-size records;
 * variable-length lists (rules, prefixes, ids, ports, members) are
 * (offset, count) ranges into the typed pool sections. The loader checks
 * sizes, alignment, that sections lie inside the image and do not overlap
 * each other or the header and table, that every range lies inside its
 * pool and no two ranges overlap (so no list can alias or contain
 * another), every count against the limits, every reference, and that ids
 * and names are unique. An image replaces the whole state, settings
 * included. A section type absent from the table is empty (the settings
 * section is required).
 */
#define STRATA_IMAGE_MAGIC	0x49525453	/* "STRI" */
#define STRATA_IMAGE_VERSION	1

enum strata_image_section_type {
	STRATA_SEC_UNSPEC,
	STRATA_SEC_SETTINGS,	/* 1 x struct strata_img_settings */
	STRATA_SEC_TIERS,	/* struct strata_img_tier[] */
	STRATA_SEC_POLICIES,	/* struct strata_img_policy[] */
	STRATA_SEC_RULES,	/* struct strata_img_rule[] */
	STRATA_SEC_IPSETS,	/* struct strata_img_ipset[] */
	STRATA_SEC_MEMBERS,	/* struct strata_member[] */
	STRATA_SEC_ENDPOINTS,	/* struct strata_img_endpoint[] */
	STRATA_SEC_TIERREFS,	/* struct strata_img_tierref[] */
	STRATA_SEC_PREFIXES,	/* struct strata_prefix[] */
	STRATA_SEC_PORTS,	/* struct strata_port_range[] */
	STRATA_SEC_IDS,		/* __u32[] */
	STRATA_SEC_FAILSAFES,	/* struct strata_failsafe[] */

	__STRATA_SEC_MAX
};

#define STRATA_SEC_MAX (__STRATA_SEC_MAX - 1)

/**
 * struct strata_img_range - a list inside a pool section
 * @off: index of the first record in the pool
 * @count: number of records (0: empty, @off must be 0)
 */
struct strata_img_range {
	__u32	off;
	__u32	count;
};

/**
 * struct strata_img_header - at offset 0
 * @magic: STRATA_IMAGE_MAGIC
 * @version: STRATA_IMAGE_VERSION
 * @header_len: sizeof(struct strata_img_header)
 * @total_len: the whole image, bytes
 * @n_sections: entries in the section table that follows the header
 * @flags: zero
 */
struct strata_img_header {
	__u32	magic;
	__u16	version;
	__u16	header_len;
	__u64	total_len;
	__u32	n_sections;
	__u32	flags;
};

/**
 * struct strata_img_section - a section table entry
 * @type: enum strata_image_section_type; each type at most once
 * @record_size: sizeof the record type (checked)
 * @offset: from the start of the image, 8-byte aligned
 * @count: number of records
 */
struct strata_img_section {
	__u32	type;
	__u32	record_size;
	__u64	offset;
	__u64	count;
};

struct strata_img_tier {
	__u32	id;
	__u8	default_action;
	__u8	pad[3];
	char	name[STRATA_NAME_LEN];
};

struct strata_img_policy {
	__u32	id;
	__u32	pad;
	char	name[STRATA_NAME_LEN];
	struct strata_img_range ingress;	/* RULES */
	struct strata_img_range egress;		/* RULES */
};

/**
 * struct strata_img_rule - a rule; lists index the pools
 * @present: STRATA_IMG_RULE_F_* bits saying which scalar matches are set
 */
struct strata_img_rule {
	__u8	action;
	__u8	ip_version;
	__u8	proto;
	__u8	not_proto;
	__u8	icmp_type;
	__u8	icmp_code;
	__u8	not_icmp_type;
	__u8	not_icmp_code;
	__u32	present;
	__u32	pad;
	__u64	cookie;
	struct strata_img_range src_nets, src_not_nets;		/* PREFIXES */
	struct strata_img_range src_sets, src_not_sets;		/* IDS */
	struct strata_img_range src_ports, src_not_ports;	/* PORTS */
	struct strata_img_range src_port_sets, src_not_port_sets; /* IDS */
	struct strata_img_range dst_nets, dst_not_nets;
	struct strata_img_range dst_sets, dst_not_sets;
	struct strata_img_range dst_ports, dst_not_ports;
	struct strata_img_range dst_port_sets, dst_not_port_sets;
};

#define STRATA_IMG_RULE_F_PROTO		(1U << 0)
#define STRATA_IMG_RULE_F_NOT_PROTO	(1U << 1)
#define STRATA_IMG_RULE_F_ICMP_TYPE	(1U << 2)
#define STRATA_IMG_RULE_F_ICMP_CODE	(1U << 3)
#define STRATA_IMG_RULE_F_NOT_ICMP_TYPE	(1U << 4)
#define STRATA_IMG_RULE_F_NOT_ICMP_CODE	(1U << 5)

struct strata_img_ipset {
	__u32	id;
	__u8	family;
	__u8	kind;
	__u8	pad[2];
	char	name[STRATA_NAME_LEN];
	struct strata_img_range members;	/* MEMBERS */
};

struct strata_img_tierref {
	__u32	tier;
	__u32	pad;
	struct strata_img_range policies;	/* IDS */
};

struct strata_img_endpoint {
	__u32	id;
	__u32	mark;
	__u8	kind;
	__u8	no_match;
	__u8	pad[6];
	char	name[STRATA_NAME_LEN];
	char	ifname[STRATA_IFNAME_LEN];
	struct strata_img_range addrs;		/* PREFIXES */
	struct strata_img_range spoof;		/* PREFIXES */
	struct strata_img_range profiles;	/* IDS */
	struct strata_img_range lists[__STRATA_LIST_MAX];	/* TIERREFS */
};

struct strata_img_settings {
	__u32	mark_mask;
	__u32	mark_accept;
	__u32	log_rate;
	__u32	log_burst;
	__u32	flow_rate;
	__u32	flow_burst;
	__u8	wl_to_host;
	__u8	ct_invalid_drop;
	__u8	allow_ipip;
	__u8	allow_vxlan;
	__u16	vxlan_port;
	__u16	n_wl_prefixes;
	char	wl_prefixes[STRATA_MAX_WL_PREFIXES][STRATA_IFNAME_LEN];
	struct strata_img_range failsafe_in;	/* FAILSAFES */
	struct strata_img_range failsafe_out;	/* FAILSAFES */
	__u32	limit_tiers;
	__u32	limit_policies;
	__u32	limit_rules;
	__u32	limit_ipsets;
	__u32	limit_members;
	__u32	limit_endpoints;
};

/* ioctl interface of /dev/strata */
#define STRATA_IOC_MAGIC	0xB8

/**
 * struct strata_ioc_version - STRATA_IOC_VERSION result
 * @abi_version: STRATA_ABI_VERSION of the module
 * @genl_version: STRATA_GENL_VERSION of the module
 * @module_version: NUL-terminated release version of the module
 */
struct strata_ioc_version {
	__u32	abi_version;
	__u32	genl_version;
	char	module_version[STRATA_VERSION_LEN];
};

/**
 * struct strata_ioc_stats - STRATA_IOC_STATS result, for the caller's netns
 * @generation: the committed generation (0 before the first commit)
 * @mem_bytes: bytes of memory charged to this namespace's state
 * @tiers: number of tiers
 * @policies: number of policies
 * @rules: rules in all policies
 * @ipsets: number of IP sets
 * @members: members in all sets
 * @endpoints: number of endpoints
 * @programs: compiled evaluation programs
 * @classes: interned address classes
 * @tx_open: 1 if a transaction is open
 * @pad: zero
 * @reserved: zero
 */
struct strata_ioc_stats {
	__u64	generation;
	__u64	mem_bytes;
	__u32	tiers;
	__u32	policies;
	__u32	rules;
	__u32	ipsets;
	__u32	members;
	__u32	endpoints;
	__u32	programs;
	__u32	classes;
	__u8	tx_open;
	__u8	pad[7];
	__u64	reserved[4];
};

/**
 * struct strata_ioc_load - STRATA_IOC_LOAD_IMAGE argument
 * @image: user pointer to the image
 * @len: its length in bytes
 * @flags: zero
 * @generation: out: the generation the image became
 * @err_msg: out: why the image was refused, NUL-terminated
 */
struct strata_ioc_load {
	__u64	image;
	__u64	len;
	__u32	flags;
	__u32	pad;
	__u64	generation;
	char	err_msg[128];
};

#define STRATA_IOC_VERSION	_IOR(STRATA_IOC_MAGIC, 0x00, struct strata_ioc_version)
#define STRATA_IOC_STATS	_IOR(STRATA_IOC_MAGIC, 0x01, struct strata_ioc_stats)
#define STRATA_IOC_LOAD_IMAGE	_IOWR(STRATA_IOC_MAGIC, 0x02, struct strata_ioc_load)

#endif /* _UAPI_LINUX_STRATA_H */
