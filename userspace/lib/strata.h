/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libstrata: the userspace library for talking to strata.ko over generic
 * netlink and /dev/strata.
 *
 * Objects are the core model's structures (kmod/core/model.h): build them
 * with sc_*_new(), fill them (lists through sc_arena_dup() on the object's
 * arena, rules through sc_policy_add_rules()) and free them with
 * sc_*_put(). Objects the library returns carry one reference that the
 * caller owns.
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure, and fills a struct strata_err: the kernel's extended ack text,
 * the object it named, the attribute it pointed at. A NULL err is allowed.
 *
 * Requests larger than one netlink attribute (64 KiB) are split across
 * messages as the uapi header describes; when a split is needed and no
 * transaction is open on the handle, the library wraps the messages in a
 * transaction of its own so that the change stays atomic.
 */
#ifndef STRATA_LIB_H
#define STRATA_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/strata.h>
/* the core object model, shared with the kernel (kmod/core/) */
#include "../../kmod/core/model.h"

#define STRATA_CLI_VERSION "0.1.0"

/*
 * Userspace's environment for the core model: sc_alloc() and sc_free()
 * are calloc() and free(). A NULL environment is allowed; its bytes are
 * counted globally (strata_env_bytes()), so tests can check that every
 * object was freed.
 */
struct sc_env {
	size_t bytes;
};

size_t strata_env_bytes(const struct sc_env *env);

/**
 * enum strata_err_src - where a failure came from
 * @STRATA_ERR_LOCAL: the caller's input or the library itself
 * @STRATA_ERR_TRANSPORT: the module cannot be reached (not loaded, socket
 *                        errors, malformed replies)
 * @STRATA_ERR_KERNEL: the kernel refused the request
 */
enum strata_err_src {
	STRATA_ERR_LOCAL,
	STRATA_ERR_TRANSPORT,
	STRATA_ERR_KERNEL,
};

#define STRATA_ERR_PATH_MAX 8

/**
 * struct strata_err - details of a failed request
 * @code: negative errno (0 when no error)
 * @msg: the full text: the kernel's extack message prefixed with the object
 *       it names ("policy 7: rule action must be ..."), or a library
 *       message; may be empty (then strerror(-@code) is all there is)
 * @attr: type of the attribute the kernel pointed at, or -1
 * @offset: byte offset of that attribute in the request, or -1
 * @src: enum strata_err_src
 * @kmsg: the kernel's extack message as sent, or empty
 * @obj_kind: enum sc_obj_kind of the object the error is about, or 0
 * @obj_id: that object's id, or 0
 * @ref: the core model's detail (an index or id it referred to), or 0
 * @miss_type: type of a required attribute the kernel missed, or -1
 * @depth: number of entries in @path
 * @path: attribute types from the top level down to @attr; list elements
 *        are given as their index in the whole list
 */
struct strata_err {
	int code;
	char msg[256];
	int attr;
	int32_t offset;
	int src;
	char kmsg[256];
	uint8_t obj_kind;
	uint32_t obj_id;
	uint32_t ref;
	int miss_type;
	unsigned int depth;
	uint32_t path[STRATA_ERR_PATH_MAX];
};

void strata_err_clear(struct strata_err *err);
int strata_err_set(struct strata_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int strata_err_from_sc(struct strata_err *err, const struct sc_err *e);
const char *strata_err_str(const struct strata_err *err);
/* "policy.ingress[3].src.nets", or "" if the kernel named no attribute */
const char *strata_err_attr_path(const struct strata_err *err, char *buf,
				 size_t len);

/*
 * Generic netlink handle. One socket; at most one transaction open on it
 * (the kernel aborts it when the handle is closed).
 */
struct strata_nl;

struct strata_nl *strata_nl_open(struct strata_err *err);
void strata_nl_close(struct strata_nl *nl);

/**
 * struct strata_version_info - STRATA_CMD_GET_VERSION reply
 */
struct strata_version_info {
	uint32_t abi;
	uint32_t genl;
	char module[STRATA_VERSION_LEN];
	uint64_t generation;
};

int strata_get_version(struct strata_nl *nl, struct strata_version_info *v,
		       struct strata_err *err);

/* Transactions (STRATA_CMD_TX_*). */
int strata_tx_begin(struct strata_nl *nl, struct strata_err *err);
int strata_tx_commit(struct strata_nl *nl, uint64_t *generation,
		     struct strata_err *err);
int strata_tx_abort(struct strata_nl *nl, struct strata_err *err);
bool strata_tx_is_open(const struct strata_nl *nl);

/* Changing objects. @replace sends NLM_F_REPLACE (create or replace). */
int strata_put_tier(struct strata_nl *nl, const struct sc_tier *t, bool replace,
		    struct strata_err *err);
int strata_put_policy(struct strata_nl *nl, const struct sc_policy *p,
		      bool replace, struct strata_err *err);
int strata_put_ipset(struct strata_nl *nl, const struct sc_ipset *s,
		     const struct strata_member *m, uint32_t n, bool replace,
		     struct strata_err *err);
int strata_put_endpoint(struct strata_nl *nl, const struct sc_endpoint *e,
			bool replace, struct strata_err *err);
int strata_del(struct strata_nl *nl, uint8_t kind, uint32_t id,
	       const char *name, struct strata_err *err);
int strata_members(struct strata_nl *nl, bool add, uint32_t id,
		   const char *name, const struct strata_member *m, uint32_t n,
		   bool exist_ok, struct strata_err *err);
int strata_flush(struct strata_nl *nl, struct strata_err *err);

/*
 * Settings. A mask selects fields by their attribute type: bit
 * STRATA_SETTINGS_F(STRATA_SET_A_x).
 */
#define STRATA_SETTINGS_F(attr) (1U << (attr))
#define STRATA_SETTINGS_ALL \
	(((1U << __STRATA_SET_A_MAX) - 1) & ~STRATA_SETTINGS_F(0))

int strata_set_settings(struct strata_nl *nl, const struct sc_settings *s,
			uint32_t mask, struct strata_err *err);
int strata_get_settings(struct strata_nl *nl, struct sc_settings *s,
			struct strata_err *err);

/**
 * struct strata_stats - STRATA_CMD_GET_STATS
 * @obj: the object counts and memory (the same as STRATA_IOC_STATS)
 * @packets: packets the hooks looked at
 * @evaluations: decisions that evaluated policy
 * @flow_events: flow events sent
 * @flow_events_lost: flow events dropped
 * @log_lines: log lines written
 * @log_lines_lost: log lines suppressed by the rate limit
 * @ct_flushed: conntrack entries removed when an endpoint lost an address
 * @reasons: verdicts reached per enum strata_reason
 */
struct strata_stats {
	struct strata_ioc_stats obj;
	uint64_t packets;
	uint64_t evaluations;
	uint64_t flow_events;
	uint64_t flow_events_lost;
	uint64_t log_lines;
	uint64_t log_lines_lost;
	uint64_t ct_flushed;
	uint64_t reasons[__STRATA_REASON_MAX];
};

int strata_get_stats(struct strata_nl *nl, struct strata_stats *st,
		     struct strata_err *err);

/**
 * struct strata_counter - one counter (STRATA_A_COUNTER)
 * @kind: enum strata_counter_kind
 * @id: the policy (rules, profile ends), tier or endpoint
 * @list: rules and profile ends: 0 ingress, 1 egress; tier defaults and
 *        no-match actions: enum strata_list
 * @index: rules: the rule's index in its direction
 * @flows: decisions
 * @packets: packets evaluated
 * @bytes: bytes evaluated
 */
struct strata_counter {
	uint8_t kind;
	uint32_t id;
	uint8_t list;
	uint32_t index;
	uint64_t flows;
	uint64_t packets;
	uint64_t bytes;
};

typedef int (*strata_counter_fn)(const struct strata_counter *c, void *arg);

/*
 * Counters of every object (@kind 0), of every object of the kind that
 * STRATA_CTR_@kind counts (@id 0), or of one object.
 */
int strata_dump_counters(struct strata_nl *nl, uint8_t kind, uint32_t id,
			 strata_counter_fn fn, void *arg, uint64_t *generation,
			 struct strata_err *err);
int strata_reset_counters(struct strata_nl *nl, uint8_t kind, uint32_t id,
			  struct strata_err *err);

/*
 * Reading objects. A get takes an id, or a name when @id is 0. Dumps call
 * @fn once per object, in the kernel's order; the callback owns the
 * reference it is given. A callback returning a negative value stops the
 * dump and that value is returned. @generation (may be NULL) receives the
 * generation the dump saw.
 *
 * If the state changes during a dump (NLM_F_DUMP_INTR, or the generation
 * differs between messages), the dump runs to its end and then fails with
 * -EAGAIN: objects already delivered may mix two generations, so the
 * library does not retry by itself; the caller decides (stratactl retries
 * a few times before printing anything).
 */
typedef int (*strata_tier_fn)(struct sc_tier *t, void *arg);
typedef int (*strata_policy_fn)(struct sc_policy *p, void *arg);
typedef int (*strata_ipset_fn)(struct sc_ipset *s, uint32_t count, void *arg);
typedef int (*strata_endpoint_fn)(struct sc_endpoint *e, void *arg);
typedef int (*strata_members_fn)(const struct strata_member *m, uint32_t n,
				 void *arg);

int strata_get_tier(struct strata_nl *nl, uint32_t id, const char *name,
		    struct sc_tier **out, struct strata_err *err);
int strata_get_policy(struct strata_nl *nl, uint32_t id, const char *name,
		      struct sc_policy **out, struct strata_err *err);
int strata_get_ipset(struct strata_nl *nl, uint32_t id, const char *name,
		     struct sc_ipset **out, uint32_t *count,
		     struct strata_err *err);
int strata_get_endpoint(struct strata_nl *nl, uint32_t id, const char *name,
			struct sc_endpoint **out, struct strata_err *err);

int strata_dump_tiers(struct strata_nl *nl, strata_tier_fn fn, void *arg,
		      uint64_t *generation, struct strata_err *err);
int strata_dump_policies(struct strata_nl *nl, strata_policy_fn fn, void *arg,
			 uint64_t *generation, struct strata_err *err);
int strata_dump_ipsets(struct strata_nl *nl, strata_ipset_fn fn, void *arg,
		       uint64_t *generation, struct strata_err *err);
int strata_dump_endpoints(struct strata_nl *nl, strata_endpoint_fn fn,
			  void *arg, uint64_t *generation,
			  struct strata_err *err);
int strata_dump_members(struct strata_nl *nl, uint32_t id, const char *name,
			strata_members_fn fn, void *arg, uint64_t *generation,
			struct strata_err *err);
/* All members of a set in one malloc()ed array (free() it). */
int strata_get_members(struct strata_nl *nl, uint32_t id, const char *name,
		       struct strata_member **out, uint32_t *n,
		       struct strata_err *err);

/*
 * Events: the "config" group announces every commit, the "flows" group
 * every flow decision (rate-limited by the kernel). A monitor is a socket
 * of its own, subscribed to the groups asked for.
 */
#define STRATA_MON_CONFIG (1U << 0)
#define STRATA_MON_FLOWS  (1U << 1)

#define STRATA_FLOW_MAX_STEPS 16
#define STRATA_FLOW_MAX_LOGS  16

/**
 * struct strata_flow_log - a log rule that matched
 * @tier: its tier (0: a profile)
 * @policy: its policy
 * @rule: its index in the policy's direction
 */
struct strata_flow_log {
	uint32_t tier;
	uint32_t policy;
	uint32_t rule;
};

/**
 * struct strata_flow_step - one program a decision evaluated
 * @endpoint: the endpoint
 * @list: enum strata_list
 * @action: the deciding action (enum strata_action), 0 for none
 * @kind: what decided (enum strata_counter_kind), 0 for nothing
 * @tier: tier id, 0 for none
 * @policy: policy or profile id, 0 for none
 * @rule: the rule's index in the policy's direction
 * @cookie: the rule's cookie
 * @passes: pass rules and tier defaults passed
 * @n_logs: entries in @logs
 * @logs: the log rules that matched
 */
struct strata_flow_step {
	uint32_t endpoint;
	uint8_t list;
	uint8_t action;
	uint8_t kind;
	uint32_t tier;
	uint32_t policy;
	uint32_t rule;
	uint64_t cookie;
	uint32_t passes;
	uint32_t n_logs;
	struct strata_flow_log logs[STRATA_FLOW_MAX_LOGS];
};

/**
 * struct strata_flow - a flow event (enum strata_flow_attr)
 * @generation: the generation that decided
 * @timestamp: nanoseconds since the epoch
 * @family: 4 or 6
 * @proto: IP protocol
 * @saddr: source address (IPv4 in the first 4 bytes)
 * @daddr: destination address
 * @has_ports: @sport and @dport were sent
 * @sport: source port
 * @dport: destination port
 * @has_icmp: @icmp_type and @icmp_code were sent
 * @icmp_type: ICMP type
 * @icmp_code: ICMP code
 * @iif: input interface, or empty
 * @oif: output interface, or empty
 * @ep_in: endpoint the packet came from, or 0
 * @ep_out: endpoint the packet goes to, or 0
 * @hook: enum strata_hook
 * @verdict: enum strata_verdict
 * @reason: enum strata_reason
 * @len: packet length
 * @mark: the packet mark after Strata
 * @logged: a log rule matched
 * @truncated: the kernel sent more steps or logs than the arrays hold
 * @n_steps: entries in @steps
 * @steps: the programs evaluated
 */
struct strata_flow {
	uint64_t generation;
	uint64_t timestamp;
	uint8_t family;
	uint8_t proto;
	uint8_t saddr[16];
	uint8_t daddr[16];
	bool has_ports;
	uint16_t sport;
	uint16_t dport;
	bool has_icmp;
	uint8_t icmp_type;
	uint8_t icmp_code;
	char iif[STRATA_IFNAME_LEN];
	char oif[STRATA_IFNAME_LEN];
	uint32_t ep_in;
	uint32_t ep_out;
	uint8_t hook;
	uint8_t verdict;
	uint8_t reason;
	uint32_t len;
	uint32_t mark;
	bool logged;
	bool truncated;
	uint32_t n_steps;
	struct strata_flow_step steps[STRATA_FLOW_MAX_STEPS];
};

/**
 * enum strata_event_type - what a monitor saw
 * @STRATA_EVENT_COMMIT: a commit (@generation)
 * @STRATA_EVENT_FLOW: a flow decision (@flow)
 * @STRATA_EVENT_LOST: the socket overflowed: events were lost
 */
enum strata_event_type {
	STRATA_EVENT_COMMIT = 1,
	STRATA_EVENT_FLOW,
	STRATA_EVENT_LOST,
};

struct strata_event {
	int type;
	uint64_t generation;
	struct strata_flow flow;
};

typedef int (*strata_event_fn)(const struct strata_event *ev, void *arg);

struct strata_mon;

struct strata_mon *strata_mon_open(unsigned int groups, struct strata_err *err);
int strata_mon_fd(const struct strata_mon *mon);
int strata_mon_read(struct strata_mon *mon, strata_event_fn fn, void *arg,
		    struct strata_err *err);
void strata_mon_close(struct strata_mon *mon);

/* /dev/strata */
int strata_dev_open(struct strata_err *err);
int strata_dev_version(int fd, struct strata_ioc_version *v,
		       struct strata_err *err);
int strata_dev_stats(int fd, struct strata_ioc_stats *s,
		     struct strata_err *err);
int strata_dev_load_image(int fd, const void *image, size_t len,
			  uint64_t *generation, struct strata_err *err);

/*
 * State images (STRATA_IOC_LOAD_IMAGE). The writer lays out a complete
 * image from objects: the header, the section table, then one 8-byte
 * aligned section per non-empty record type, in enum order (the settings
 * section is always present). Lists become ranges into the pools; every
 * non-empty list gets a range of its own.
 */
struct strata_image_ipset {
	const struct sc_ipset *set;
	const struct strata_member *members;
	uint32_t n_members;
};

struct strata_image_in {
	const struct sc_settings *settings;
	const struct sc_tier *const *tiers;
	uint32_t n_tiers;
	const struct sc_policy *const *policies;
	uint32_t n_policies;
	const struct strata_image_ipset *ipsets;
	uint32_t n_ipsets;
	const struct sc_endpoint *const *endpoints;
	uint32_t n_endpoints;
};

int strata_image_build(const struct strata_image_in *in, void **image,
		       size_t *len, struct strata_err *err);

/*
 * Equality of model objects, field by field (lists element by element, in
 * order; serial numbers and reference counts are not compared). On a
 * difference, @why (may be NULL) names the first one.
 */
bool strata_rule_equal(const struct sc_rule *a, const struct sc_rule *b,
		       char *why, size_t len);
bool strata_tier_equal(const struct sc_tier *a, const struct sc_tier *b,
		       char *why, size_t len);
bool strata_policy_equal(const struct sc_policy *a, const struct sc_policy *b,
			 char *why, size_t len);
bool strata_ipset_equal(const struct sc_ipset *a, const struct sc_ipset *b,
			char *why, size_t len);
bool strata_endpoint_equal(const struct sc_endpoint *a,
			   const struct sc_endpoint *b, char *why, size_t len);
bool strata_settings_equal(const struct sc_settings *a,
			   const struct sc_settings *b, char *why, size_t len);

#endif /* STRATA_LIB_H */
