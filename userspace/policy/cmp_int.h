/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of compile (cmp.h), shared by cmp.c (resources, indexes,
 * settling), cmp_tpl.c (policy and rule templates, kernel policies),
 * cmp_kobj.c (kernel object records, ids, flush, kernel view) and
 * cmp_out.c (views, printing, lookups, the engine-state applier).
 *
 * The objects and how they refer to each other:
 *
 *   resources ------------------------------------> kernel records (kobj)
 *   ctier  (Tier, or a tier policies name)    -----> tier
 *   cpol   (a policy slot: enforced + staged) -----> policy
 *     ptpl (a compiled policy/profile, shared, refcounted)
 *       rtpl (a compiled rule) -> cset (one IP set per family)
 *                                   -> csel (a canonical selector in the
 *                                      IP set label index)
 *   cprof  (Profile, or a name endpoints list) ----> policy (profile)
 *   citem  (every endpoint and network set: IP set members)
 *   lep    (a local endpoint)                 -----> endpoint
 *
 * A kobj is what the kernel has (@have) and what is wanted (@want) under
 * one name and id; cmp_flush() reconciles the dirty ones.
 */
#ifndef STRATA_CMP_INT_H
#define STRATA_CMP_INT_H

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cmp.h"
#include "labelidx.h"

#define uthash_fatal(msg) cmp_oom()
#include <uthash.h>

void cmp_oom(void) __attribute__((noreturn));
void *cmp_alloc(size_t n); /* zeroed; aborts on failure */
void *cmp_realloc(void *p, size_t n);
char *cmp_strdup(const char *s); /* NULL for NULL */
char *cmp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* qsort() that accepts an empty (NULL) array. */
static inline void cmp_sort(void *v, size_t n, size_t size,
			    int (*fn)(const void *, const void *))
{
	if (n > 1)
		qsort(v, n, size, fn);
}

uint64_t cmp_fnv64(const void *p, size_t n);
uint32_t cmp_fnv32(const void *p, size_t n);
/* A kernel name: @full itself if it fits, else 50 bytes, '~' and 12 hex
 * digits of its hash. */
void cmp_kname(char out[STRATA_NAME_LEN], const char *full);

#define LABEL_NS   "projectcalico.org/namespace"
#define LABEL_ORCH "projectcalico.org/orchestrator"
#define LABEL_SA   "projectcalico.org/serviceaccount"

#define NKINDS	  (SC_OBJ_ENDPOINT + 1) /* indexed by SC_OBJ_TIER.._ENDPOINT */
#define FAM(i)	  ((uint8_t)((i) ? STRATA_FAMILY_IPV6 : STRATA_FAMILY_IPV4))
#define FIDX(fam) ((fam) == STRATA_FAMILY_IPV6 ? 1 : 0)

struct cmp;

/* --- kernel records --------------------------------------------------- */

struct kmember {
	UT_hash_handle hh;
	struct strata_member m; /* the key */
	uint32_t refs; /* items contributing it */
	bool in_kernel;
	bool dirty;
	struct kmember *dnext;
};

struct kobj {
	UT_hash_handle hn; /* by name, per kind */
	UT_hash_handle hi; /* by id, per kind (id != 0) */
	uint8_t kind; /* SC_OBJ_* */
	char name[STRATA_NAME_LEN];
	uint32_t id;
	bool wanted;
	bool dirty;
	bool full; /* an IP set sent whole in this flush */
	struct kobj *dnext;
	void *want; /* sc_tier/policy/ipset/endpoint, one reference */
	void *have;
	int otype; /* enum cmp_src of @owner */
	void *owner;
	/* IP sets */
	uint8_t family;
	bool port_set;
	bool tracking; /* members are being computed */
	struct kmember *members;
	struct kmember *mdirty;
	bool mlisted;
	struct kobj *mnext;
	uint32_t n_pos; /* members with refs */
	uint32_t n_short; /* of those, prefixes shorter than an address */
};

struct kobj *ko_find(const struct cmp *c, uint8_t kind, const char *name);
struct kobj *ko_find_id(const struct cmp *c, uint8_t kind, uint32_t id);
/* Find or create (not wanted, no id). */
struct kobj *ko_get(struct cmp *c, uint8_t kind, const char *name, int otype,
		    void *owner);
void ko_dirty(struct cmp *c, struct kobj *ko);
void ko_want(struct cmp *c, struct kobj *ko, bool wanted);
/* The owner lets go: the record stays until the kernel no longer has it. */
void ko_release(struct cmp *c, struct kobj *ko);
void ko_member(struct cmp *c, struct kobj *ko, const struct strata_member *m,
	       int delta);
void ko_drop_members(struct cmp *c, struct kobj *ko);

/* --- IP sets ---------------------------------------------------------- */

struct csel {
	UT_hash_handle hh;
	char *key; /* canonical selector */
	struct sel *sel;
	struct cset *sets; /* the sets built on it */
	uint32_t nsets;
	uint32_t active; /* tracking (set, family) pairs */
	bool registered; /* in the IP set label index */
	uint64_t epoch;
};

struct cset {
	UT_hash_handle hh;
	char *key; /* canonical, or canonical "\n" proto "\n" port */
	struct csel *csel;
	bool named;
	uint8_t proto;
	char *port;
	uint32_t trefs; /* templates referring to it */
	uint32_t arefs[2]; /* active references per family */
	struct kobj *ko[2];
	char kname[2][STRATA_NAME_LEN];
	struct cset *snext;
};

struct cset *cset_get(struct cmp *c, struct sel *s, const char *port,
		      uint8_t proto);
void cset_put(struct cmp *c, struct cset *cs);
void cset_aref(struct cmp *c, struct cset *cs, int fi, int delta);

/* --- templates -------------------------------------------------------- */

struct rside {
	struct strata_prefix *nets, *not_nets;
	uint32_t n_nets, n_not_nets;
	struct cset *set, *not_set;
	struct strata_port_range *ports, *not_ports;
	uint32_t n_ports, n_not_ports;
	struct cset **psets, **not_psets;
	uint32_t n_psets, n_not_psets;
};

struct rtpl {
	uint8_t action; /* STRATA_ACT_*, Deny still DENY */
	uint8_t ip_version;
	uint8_t proto, not_proto;
	uint8_t icmp_type, icmp_code, not_icmp_type, not_icmp_code;
	uint32_t present;
	struct rside s[2]; /* source, destination */
	uint8_t fams; /* bit 0: applies to IPv4, bit 1: IPv6 */
	unsigned int line, col;
};

/**
 * struct ptpl - a compiled policy or profile (immutable, shared)
 * @kindname: the sort key's kind ("GlobalNetworkPolicy", "NetworkPolicy",
 *            "KubernetesNetworkPolicy"), NULL for profiles
 */
struct ptpl {
	int refs;
	int res_kind;
	bool staged;
	int staged_action;
	const char *kindname;
	char *ns, *name;
	char *tier;
	struct ctier *tslot;
	bool has_order;
	double order; /* +inf when unset */
	unsigned int types;
	bool dnt, prednat, aof, assume;
	struct sel *sel;
	char *sortkey; /* "<name>/<ns>/<kind>" */
	struct rtpl *rules[SC_NDIRS];
	uint32_t n_rules[SC_NDIRS];
	char *file;
	unsigned int line, col;
	char *problem;
};

struct ctier *ctier_get(struct cmp *c, const char *name);
void ctier_unref(struct cmp *c, struct ctier *t);

struct ptpl *tpl_policy(struct cmp *c, const struct res *r);
struct ptpl *tpl_profile(struct cmp *c, const struct res *r);
void tpl_put(struct cmp *c, struct ptpl *t);
/* Count the active references of @t's sets up (+1) or down (-1). */
void tpl_refs(struct cmp *c, struct ptpl *t, int delta);
bool tpl_has_rules(const struct ptpl *t);
/* Same tier, order, types, flags and selector: endpoints see no change. */
bool tpl_same_meta(const struct ptpl *a, const struct ptpl *b);
/* The kernel policy of @t (NULL: a missing profile's deny-all). */
struct sc_policy *tpl_build(struct cmp *c, const struct ptpl *t,
			    const char *kname, uint32_t id);

/* --- resources -------------------------------------------------------- */

struct ctier {
	UT_hash_handle hh;
	char *name;
	bool defined;
	bool has_order;
	double order;
	uint8_t defact;
	char *file;
	unsigned int line, col;
	uint32_t trefs; /* templates in this tier */
	uint32_t eprefs; /* endpoint lists using it */
	struct kobj *ko;
	char kname[STRATA_NAME_LEN];
};

struct cpol {
	UT_hash_handle hh;
	char *key;
	struct ptpl *src[2]; /* enforced, staged */
	struct ptpl *eff; /* what applies (a reference) */
	struct ptpl *reg; /* whose set references are counted */
	bool in_polx;
	uint32_t n_local;
	bool pending;
	struct cpol *pnext;
	struct kobj *ko;
	char kname[STRATA_NAME_LEN];
};

struct cprof {
	UT_hash_handle hh;
	char *name;
	struct ptpl *tpl; /* NULL: referenced but not defined */
	bool defined;
	uint32_t eprefs; /* local endpoints listing it */
	struct ptpl *reg;
	bool regd; /* @reg counted (NULL for a missing profile) */
	bool pending;
	struct cprof *pnext;
	struct kobj *ko;
	char kname[STRATA_NAME_LEN];
};

struct cport {
	char *name;
	uint8_t proto;
	uint16_t port;
};

struct contrib {
	struct strata_prefix *addrs;
	uint32_t n_addrs;
	struct cport *ports;
	uint32_t n_ports;
};

struct lep;

struct citem {
	UT_hash_handle hh;
	char *id;
	int res_kind;
	char *ns, *name, *node;
	struct contrib cur, nxt;
	bool updating;
	struct lep *lep;
};

struct ltier {
	struct ctier *t;
	struct cpol **pols;
	uint32_t n;
};

struct ifclaim;

struct lep {
	UT_hash_handle hh;
	char *id;
	struct citem *item;
	int res_kind;
	char *ns, *name;
	char kname[STRATA_NAME_LEN];
	uint8_t kind;
	char *iface; /* as the resource gives it, or NULL */
	char ifname[STRATA_IFNAME_LEN]; /* resolved ("": none) */
	struct ifclaim *claim;
	struct strata_prefix *addrs, *spoof;
	uint32_t n_addrs, n_spoof;
	char **profiles;
	uint32_t n_profiles;
	struct cprof **prefs; /* slots referenced (one reference each) */
	char *file;
	unsigned int line, col;
	/* the last build */
	struct ltier *lists[__STRATA_LIST_MAX];
	uint32_t n_lists[__STRATA_LIST_MAX];
	struct ctier **trefs;
	uint32_t n_trefs;
	uint32_t mark;
	bool programmed;
	bool dirty;
	struct lep *dnext;
	struct kobj *ko;
	char *problem;
};

struct ifclaim {
	UT_hash_handle hh;
	char ifname[STRATA_IFNAME_LEN];
	struct lep **v;
	uint32_t n, cap;
	struct lep *winner;
};

struct cmp {
	char *node;
	struct cmp_config cfg;
	struct sc_settings *settings; /* managed, or NULL */
	struct sc_settings *ksettings; /* the kernel's, or NULL: unknown */
	bool settings_dirty;

	struct labelidx *ipx; /* rule selectors x all items */
	struct labelidx *polx; /* policy selectors x local endpoints */
	struct ctier *tiers;
	struct cpol *pols;
	struct cprof *profs;
	struct citem *items;
	struct lep *leps;
	struct csel *csels;
	struct cset *csets;
	struct ifclaim *ifs;

	struct kobj *kn[NKINDS], *ki[NKINDS];
	uint32_t next_id[NKINDS];
	struct kobj *dirty;
	struct kobj *mdirty;
	struct cpol *ppending;
	struct cprof *prpending;
	struct lep *ldirty;
	bool all_dirty; /* rebuild every endpoint */
	uint64_t epoch;
	struct citem *cb_item; /* the item the IP set index reports about */
	uint64_t flushes, ops;
};

void lep_dirty(struct cmp *c, struct lep *l);
void cmp_all_leps_dirty(struct cmp *c);
/* Settle activations and endpoint lists (the first half of a flush). */
void cmp_settle(struct cmp *c);
/* The kernel endpoint of @l (ids assigned). */
struct sc_endpoint *lep_build(struct cmp *c, struct lep *l);
/* Free an owner-less record nobody needs (after a flush). */
void cmp_gc(struct cmp *c);

/* Resource -> owner lookups for cmp_lookup(). */
void cmp_obj_fill(const struct cmp *c, const struct kobj *ko,
		  struct cmp_obj_info *out);

/* Deep copies (an engine state and the compiler never share objects). */
struct sc_tier *cmp_tier_clone(const struct sc_tier *t);
struct sc_policy *cmp_policy_clone(const struct sc_policy *p);
struct sc_ipset *cmp_ipset_clone(const struct sc_ipset *s);
struct sc_endpoint *cmp_endpoint_clone(const struct sc_endpoint *e);

/* Order: tiers, then policies within a tier (exposed for tests). */
int cmp_tier_cmp(const struct ctier *a, const struct ctier *b);
int cmp_pol_cmp(const struct ptpl *a, const struct ptpl *b);

#endif /* STRATA_CMP_INT_H */
