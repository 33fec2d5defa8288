/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The object model: tiers, policies (and profiles), IP sets, endpoints and
 * settings, exactly as userspace configures them (include/uapi/linux/
 * strata.h). Objects are immutable once built: a change replaces the object
 * with a new one. The kernel builds them from netlink attributes or a state
 * image; userspace builds the same structures to encode requests, to write
 * images and to evaluate packets offline.
 *
 * Every object owns one arena; everything it points to lives there, so an
 * object is freed in one call.
 */
#ifndef _STRATA_CORE_MODEL_H
#define _STRATA_CORE_MODEL_H

#include "core_types.h"

/*
 * Environment. The kernel and userspace each provide sc_alloc() and
 * sc_free() for their own struct sc_env (memory accounting).
 */
struct sc_env;

void *sc_alloc(struct sc_env *env, size_t size);	/* zeroed, or NULL */
void sc_free(struct sc_env *env, void *p, size_t size);

/*
 * Counters: @n counters of flows, packets and bytes, kept by the
 * environment (per CPU in the kernel). Committed objects own theirs.
 */
struct sc_ctr;

struct sc_ctr *sc_ctr_alloc(struct sc_env *env, u32 n);
void sc_ctr_free(struct sc_env *env, struct sc_ctr *c, u32 n);

/* Hard upper bounds that no limit setting can raise. */
#define SC_MAX_LIST		65535	/* entries in any one list */
#define SC_MAX_FAILSAFE		64	/* failsafe entries per direction */
#define SC_MAX_EP_REFS		16384	/* policy references per endpoint */
#define SC_MAX_RULES_PER_POLICY	1048576

/**
 * struct sc_err - why a request was refused
 * @code: negative errno
 * @msg: a static message (safe to hand to netlink extack)
 * @kind: SC_OBJ_* of the object concerned, or 0
 * @id: its id, or 0
 * @ref: the id it referred to, or a list index, or 0
 * @detail: the same, formatted, for places that can carry text (ioctl)
 */
struct sc_err {
	int code;
	const char *msg;
	u8 kind;
	u32 id;
	u32 ref;
	char detail[96];
};

enum sc_obj_kind {	/* the uapi's error cookie kinds */
	SC_OBJ_NONE = STRATA_ERR_OBJ_NONE,
	SC_OBJ_TIER = STRATA_ERR_OBJ_TIER,
	SC_OBJ_POLICY = STRATA_ERR_OBJ_POLICY,
	SC_OBJ_IPSET = STRATA_ERR_OBJ_IPSET,
	SC_OBJ_ENDPOINT = STRATA_ERR_OBJ_ENDPOINT,
	SC_OBJ_SETTINGS = STRATA_ERR_OBJ_SETTINGS,
	SC_OBJ_MEMBER = STRATA_ERR_OBJ_MEMBER,
	SC_OBJ_IMAGE = STRATA_ERR_OBJ_IMAGE,
	SC_OBJ_TX = STRATA_ERR_OBJ_TX,
};

int sc_errf(struct sc_err *err, int code, const char *msg, u8 kind, u32 id,
	    u32 ref);
const char *sc_obj_kind_name(u8 kind);

/* An arena: chunks freed together with their owner. */
struct sc_chunk;
struct sc_arena {
	struct sc_env *env;
	struct sc_chunk *head;
	size_t bytes;
};

void sc_arena_init(struct sc_arena *a, struct sc_env *env);
void *sc_arena_alloc(struct sc_arena *a, size_t size);	/* zeroed, 8-aligned */
void *sc_arena_dup(struct sc_arena *a, const void *p, size_t size);
void sc_arena_release(struct sc_arena *a);

/**
 * struct sc_ent - one side (source or destination) of a rule
 *
 * Lists hold @n_x entries at @x; see enum strata_entity_attr for meaning.
 */
struct sc_ent {
	u32 n_nets, n_not_nets;
	u32 n_sets, n_not_sets;
	u32 n_ports, n_not_ports;
	u32 n_psets, n_not_psets;
	struct strata_prefix *nets, *not_nets;
	u32 *sets, *not_sets;
	struct strata_port_range *ports, *not_ports;
	u32 *psets, *not_psets;
};

/**
 * struct sc_rule - a rule; scalar matches apply if their bit is in @present
 * @present: STRATA_IMG_RULE_F_*
 */
struct sc_rule {
	u8 action;
	u8 ip_version;
	u8 proto;
	u8 not_proto;
	u8 icmp_type;
	u8 icmp_code;
	u8 not_icmp_type;
	u8 not_icmp_code;
	u32 present;
	u64 cookie;
	struct sc_ent src;
	struct sc_ent dst;
};

enum sc_dir {
	SC_INGRESS,
	SC_EGRESS,
	SC_NDIRS,
};

/**
 * struct sc_policy - a policy or profile
 * @id: id
 * @name: name
 * @n_rules: rules per direction
 * @rules: rules per direction
 * @serial: unique per object ever built in this environment; compiled
 *          programs key on it
 * @refs: references held by configurations and compiled programs
 * @n_ctr: counters (rules, then the profile ends in and out)
 * @ctr: the counters, allocated when the object is committed
 * @arena: owns the object and everything it points to
 */
struct sc_policy {
	u32 id;
	char name[STRATA_NAME_LEN];
	u32 n_rules[SC_NDIRS];
	u32 cap_rules[SC_NDIRS];	/* slots allocated in rules[] */
	struct sc_rule *rules[SC_NDIRS];
	u64 serial;
	u32 refs;
	u32 n_ctr;		/* counters, owned once committed */
	struct sc_ctr *ctr;
	struct sc_arena arena;
};

struct sc_tier {
	u32 id;
	char name[STRATA_NAME_LEN];
	u8 default_action;
	u64 serial;
	u32 refs;
	u32 n_ctr;		/* counters, owned once committed */
	struct sc_ctr *ctr;
	struct sc_arena arena;
};

/**
 * struct sc_ipset - an IP set's definition; its members live in the
 * address index of the state that holds it
 */
struct sc_ipset {
	u32 id;
	char name[STRATA_NAME_LEN];
	u8 family;
	u8 kind;
	u64 serial;
	u32 refs;
	struct sc_arena arena;
};

struct sc_tierref {
	u32 tier;
	u32 n_policies;
	u32 *policies;
};

struct sc_eplist {
	u32 n;
	struct sc_tierref *refs;
};

struct sc_endpoint {
	u32 id;
	char name[STRATA_NAME_LEN];
	u8 kind;
	u8 no_match;
	char ifname[STRATA_IFNAME_LEN];
	u32 mark;
	u32 n_addrs, n_spoof, n_profiles;
	struct strata_prefix *addrs;
	struct strata_prefix *spoof;
	u32 *profiles;
	struct sc_eplist lists[__STRATA_LIST_MAX];
	u64 serial;
	u32 refs;
	u32 n_ctr;		/* counters, owned once committed */
	struct sc_ctr *ctr;
	struct sc_arena arena;
};

/**
 * struct sc_limits - object limits (settings) or hard caps (module)
 */
struct sc_limits {
	u32 tiers;
	u32 policies;
	u32 rules;
	u32 ipsets;
	u32 members;
	u32 endpoints;
};

struct sc_settings {
	u32 mark_mask;
	u32 mark_accept;
	u32 log_rate;
	u32 log_burst;
	u32 flow_rate;
	u32 flow_burst;
	u8 wl_to_host;
	u8 ct_invalid_drop;
	u8 allow_ipip;
	u8 allow_vxlan;
	u16 vxlan_port;
	u16 n_wl_prefixes;
	char wl_prefixes[STRATA_MAX_WL_PREFIXES][STRATA_IFNAME_LEN];
	u32 n_failsafe_in, n_failsafe_out;
	struct strata_failsafe failsafe_in[SC_MAX_FAILSAFE];
	struct strata_failsafe failsafe_out[SC_MAX_FAILSAFE];
	struct sc_limits limits;
};

void sc_settings_default(struct sc_settings *s, const struct sc_limits *caps);
int sc_settings_check(const struct sc_settings *s,
		      const struct sc_limits *caps, struct sc_err *err);

/*
 * Building objects. sc_*_new() returns an empty object with one reference;
 * fill it (lists via sc_arena_dup() on its arena, or the helpers below),
 * then sc_*_check() it. sc_*_put() drops a reference and frees the object
 * with the last one.
 */
struct sc_tier *sc_tier_new(struct sc_env *env);
struct sc_policy *sc_policy_new(struct sc_env *env);
struct sc_ipset *sc_ipset_new(struct sc_env *env);
struct sc_endpoint *sc_endpoint_new(struct sc_env *env);

void sc_tier_put(struct sc_tier *t);
void sc_policy_put(struct sc_policy *p);
void sc_ipset_put(struct sc_ipset *s);
void sc_endpoint_put(struct sc_endpoint *e);

static inline void sc_obj_get(u32 *refs)
{
	(*refs)++;
}

/* Append @n rules (deep-copied into the policy's arena) to direction @dir. */
int sc_policy_add_rules(struct sc_policy *p, enum sc_dir dir,
			const struct sc_rule *rules, u32 n, struct sc_err *err);
/* Deep-copy a rule's lists into @a (used by builders). */
int sc_rule_copy(struct sc_arena *a, struct sc_rule *dst,
		 const struct sc_rule *src);

int sc_name_check(const char *name, u8 kind, u32 id, struct sc_err *err);
int sc_prefix_check(const struct strata_prefix *p, u8 family,
		    struct sc_err *err);
int sc_tier_check(const struct sc_tier *t, struct sc_err *err);
int sc_rule_check(const struct sc_rule *r, u32 policy, u32 index,
		  struct sc_err *err);
int sc_policy_check(const struct sc_policy *p, struct sc_err *err);
int sc_ipset_check(const struct sc_ipset *s, struct sc_err *err);
int sc_member_check(const struct sc_ipset *s, const struct strata_member *m,
		    struct sc_err *err);
int sc_endpoint_check(const struct sc_endpoint *e, struct sc_err *err);

u32 sc_sort_unique_u32(u32 *v, u32 n);
void sc_sort_u64(u64 *v, u32 n);

/* Counters an object needs once committed (0: none). */
u32 sc_policy_counters(const struct sc_policy *p);
#define SC_TIER_COUNTERS	__STRATA_LIST_MAX	/* default, per list */
#define SC_EP_COUNTERS		__STRATA_LIST_MAX	/* no-match, per list */

/* Prefix helpers shared by the engine and its users. */
bool sc_prefix_contains(const struct strata_prefix *p, u8 family,
			const u8 *addr);
static inline u8 sc_family_bits(u8 family)
{
	return family == STRATA_FAMILY_IPV6 ? 128 : 32;
}

#endif /* _STRATA_CORE_MODEL_H */
