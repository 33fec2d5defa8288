// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The stratactl grammar: command words to model objects. The same code
 * reads command lines and batch files (which give each word's line
 * number). stratactl(8) is the user-facing description; the usage texts
 * in userspace/cli/ are its summaries.
 *
 * Lists are comma-separated ("80,443") and a list keyword may be
 * repeated to extend its list; scalar keywords may appear once. Numbers
 * are decimal, or hexadecimal with 0x.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "text.h"

const struct strata_proto_name strata_protos[] = {
	{ "tcp", 6 },	     { "udp", 17 },   { "icmp", 1 },
	{ "icmpv6", 58 },    { "sctp", 132 }, { "udplite", 136 },
	{ "ipv6-icmp", 58 },
};

const size_t strata_n_protos = sizeof(strata_protos) / sizeof(strata_protos[0]);

const char *const strata_list_names[__STRATA_LIST_MAX] = {
	[STRATA_LIST_INGRESS] = "ingress",
	[STRATA_LIST_EGRESS] = "egress",
	[STRATA_LIST_UNTRACKED_INGRESS] = "untracked-ingress",
	[STRATA_LIST_UNTRACKED_EGRESS] = "untracked-egress",
	[STRATA_LIST_PREDNAT_INGRESS] = "prednat-ingress",
	[STRATA_LIST_FORWARD_INGRESS] = "forward-ingress",
	[STRATA_LIST_FORWARD_EGRESS] = "forward-egress",
};

#define SOFF(f) offsetof(struct sc_settings, f)

/* In attribute order: "settings show" prints them this way. */
const struct strata_skey strata_skeys[] = {
	{ "mark-mask", "mark_mask", STRATA_SET_A_MARK_MASK, SKEY_MARK,
	  SOFF(mark_mask) },
	{ "mark-accept", "mark_accept", STRATA_SET_A_MARK_ACCEPT, SKEY_MARK,
	  SOFF(mark_accept) },
	{ "failsafe-in", "failsafe_in", STRATA_SET_A_FAILSAFE_IN,
	  SKEY_FAILSAFE_IN, 0 },
	{ "failsafe-out", "failsafe_out", STRATA_SET_A_FAILSAFE_OUT,
	  SKEY_FAILSAFE_OUT, 0 },
	{ "wl-prefixes", "wl_prefixes", STRATA_SET_A_WL_PREFIXES,
	  SKEY_WL_PREFIXES, 0 },
	{ "wl-to-host", "wl_to_host", STRATA_SET_A_WL_TO_HOST, SKEY_WL_TO_HOST,
	  SOFF(wl_to_host) },
	{ "log-rate", "log_rate", STRATA_SET_A_LOG_RATE, SKEY_U32,
	  SOFF(log_rate) },
	{ "log-burst", "log_burst", STRATA_SET_A_LOG_BURST, SKEY_U32,
	  SOFF(log_burst) },
	{ "ct-invalid-drop", "ct_invalid_drop", STRATA_SET_A_CT_INVALID_DROP,
	  SKEY_BOOL, SOFF(ct_invalid_drop) },
	{ "allow-ipip", "allow_ipip", STRATA_SET_A_ALLOW_IPIP, SKEY_BOOL,
	  SOFF(allow_ipip) },
	{ "allow-vxlan", "allow_vxlan", STRATA_SET_A_ALLOW_VXLAN, SKEY_BOOL,
	  SOFF(allow_vxlan) },
	{ "vxlan-port", "vxlan_port", STRATA_SET_A_VXLAN_PORT, SKEY_U16,
	  SOFF(vxlan_port) },
	{ "flow-rate", "flow_rate", STRATA_SET_A_FLOW_RATE, SKEY_U32,
	  SOFF(flow_rate) },
	{ "flow-burst", "flow_burst", STRATA_SET_A_FLOW_BURST, SKEY_U32,
	  SOFF(flow_burst) },
	{ "limit-tiers", "limit_tiers", STRATA_SET_A_LIMIT_TIERS, SKEY_U32,
	  SOFF(limits.tiers) },
	{ "limit-policies", "limit_policies", STRATA_SET_A_LIMIT_POLICIES,
	  SKEY_U32, SOFF(limits.policies) },
	{ "limit-rules", "limit_rules", STRATA_SET_A_LIMIT_RULES, SKEY_U32,
	  SOFF(limits.rules) },
	{ "limit-ipsets", "limit_ipsets", STRATA_SET_A_LIMIT_IPSETS, SKEY_U32,
	  SOFF(limits.ipsets) },
	{ "limit-members", "limit_members", STRATA_SET_A_LIMIT_MEMBERS,
	  SKEY_U32, SOFF(limits.members) },
	{ "limit-endpoints", "limit_endpoints", STRATA_SET_A_LIMIT_ENDPOINTS,
	  SKEY_U32, SOFF(limits.endpoints) },
};

const size_t strata_n_skeys = sizeof(strata_skeys) / sizeof(strata_skeys[0]);

/**
 * strata_settings_key() - the stratactl keyword of a setting
 * @attr: STRATA_SET_A_*
 *
 * Return: the keyword, or NULL for an unknown attribute.
 */
const char *strata_settings_key(int attr)
{
	size_t i;

	for (i = 0; i < strata_n_skeys; i++)
		if (strata_skeys[i].attr == attr)
			return strata_skeys[i].key;
	return NULL;
}

static int perr_vset(struct strata_perr *perr, int kind, const char *fmt,
		     va_list ap)
{
	if (perr) {
		perr->kind = kind;
		perr->line = 0;
		perr->arg = -1;
		vsnprintf(perr->msg, sizeof(perr->msg), fmt, ap);
	}
	return -EINVAL;
}

static int invalid(struct strata_perr *perr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int invalid(struct strata_perr *perr, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = perr_vset(perr, STRATA_PERR_INVALID, fmt, ap);
	va_end(ap);
	return ret;
}

/* Decimal, or hexadecimal with 0x; at most @max. */
static int parse_num(const char *s, uint64_t max, uint64_t *v,
		     struct strata_perr *perr)
{
	const char *p = s;
	unsigned int base = 10;
	uint64_t n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		return invalid(perr, "\"%s\" is not a number", s);
	for (; *p; p++) {
		unsigned int d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			return invalid(perr, "\"%s\" is not a number", s);
		if (n > (UINT64_MAX - d) / base)
			return invalid(perr, "\"%s\" is out of range (0..%llu)",
				       s, (unsigned long long)max);
		n = n * base + d;
	}
	if (n > max)
		return invalid(perr, "\"%s\" is out of range (0..%llu)", s,
			       (unsigned long long)max);
	*v = n;
	return 0;
}

/**
 * strata_parse_u32() - a 32-bit number (decimal or 0x hexadecimal)
 * @s: the text
 * @v: the value
 * @perr: why not
 *
 * Return: 0 or -EINVAL.
 */
int strata_parse_u32(const char *s, uint32_t *v, struct strata_perr *perr)
{
	uint64_t n;

	if (parse_num(s, UINT32_MAX, &n, perr))
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

/**
 * strata_parse_u64() - a 64-bit number (decimal or 0x hexadecimal)
 * @s: the text
 * @v: the value
 * @perr: why not
 *
 * Return: 0 or -EINVAL.
 */
int strata_parse_u64(const char *s, uint64_t *v, struct strata_perr *perr)
{
	return parse_num(s, UINT64_MAX, v, perr);
}

static int parse_max(const char *s, uint64_t max, uint32_t *v,
		     struct strata_perr *perr)
{
	uint64_t n;

	if (parse_num(s, max, &n, perr))
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

/* An address into @addr (16 bytes); returns its family or 0. */
static uint8_t parse_addr(const char *s, uint8_t *addr)
{
	memset(addr, 0, 16);
	if (strchr(s, ':'))
		return inet_pton(AF_INET6, s, addr) == 1 ? STRATA_FAMILY_IPV6
							 : 0;
	return inet_pton(AF_INET, s, addr) == 1 ? STRATA_FAMILY_IPV4 : 0;
}

/**
 * strata_parse_prefix() - an address or ADDR/LEN
 * @s: the text; a bare address is a full-length prefix
 * @p: the prefix
 * @perr: why not (host bits set: with the prefix it probably meant)
 *
 * Return: 0 or -EINVAL.
 */
int strata_parse_prefix(const char *s, struct strata_prefix *p,
			struct strata_perr *perr)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t len;
	uint8_t bits;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	if (alen >= sizeof(buf))
		return invalid(perr, "\"%s\" is not an IPv4 or IPv6 address",
			       s);
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	p->family = parse_addr(buf, p->addr);
	if (!p->family)
		return invalid(perr, "\"%s\" is not an IPv4 or IPv6 address",
			       s);
	bits = sc_family_bits(p->family);
	p->prefix_len = bits;
	if (!slash)
		return 0;
	if (parse_max(slash + 1, bits, &len, NULL))
		return invalid(perr, "\"%s\": prefix length must be 0..%u", s,
			       bits);
	p->prefix_len = (uint8_t)len;
	for (i = 0; i < 16; i++) {
		unsigned int keep = len >= 8 * (i + 1) ? 8
				    : len > 8 * i      ? len - 8 * i
						       : 0;
		uint8_t mask = (uint8_t)(0xff00 >> keep);

		if (p->addr[i] & ~mask) {
			struct strata_prefix fixed = *p;
			char want[STRATA_FMT_LEN];
			unsigned int j;

			for (j = i; j < 16; j++) {
				keep = len >= 8 * (j + 1) ? 8
				       : len > 8 * j	  ? len - 8 * j
							  : 0;
				fixed.addr[j] &= (uint8_t)(0xff00 >> keep);
			}
			return invalid(
				perr,
				"\"%s\" has host bits set (did you mean %s?)",
				s,
				strata_fmt_prefix(&fixed, want, sizeof(want)));
		}
	}
	return 0;
}

/**
 * strata_parse_ports() - a port N or an inclusive range N:M
 * @s: the text
 * @r: the range
 * @perr: why not
 *
 * Return: 0 or -EINVAL.
 */
int strata_parse_ports(const char *s, struct strata_port_range *r,
		       struct strata_perr *perr)
{
	char lo[8];
	const char *colon = strchr(s, ':');
	uint32_t a, b;

	if (!colon) {
		if (parse_max(s, 65535, &a, NULL))
			goto bad;
		r->lo = r->hi = (uint16_t)a;
		return 0;
	}
	if ((size_t)(colon - s) >= sizeof(lo))
		goto bad;
	memcpy(lo, s, (size_t)(colon - s));
	lo[colon - s] = '\0';
	if (parse_max(lo, 65535, &a, NULL) ||
	    parse_max(colon + 1, 65535, &b, NULL))
		goto bad;
	if (a > b)
		return invalid(perr, "\"%s\": the first port is after the last",
			       s);
	r->lo = (uint16_t)a;
	r->hi = (uint16_t)b;
	return 0;
bad:
	return invalid(perr, "\"%s\" is not a port (0..65535) or a range N:M",
		       s);
}

/**
 * strata_parse_proto() - an IP protocol: a name the grammar knows or 1..255
 * @s: the text
 * @proto: the protocol number
 * @perr: why not
 *
 * Return: 0 or -EINVAL.
 */
int strata_parse_proto(const char *s, uint8_t *proto, struct strata_perr *perr)
{
	uint32_t n;
	size_t i;

	for (i = 0; i < strata_n_protos; i++) {
		if (!strcmp(s, strata_protos[i].name)) {
			*proto = strata_protos[i].proto;
			return 0;
		}
	}
	if (parse_max(s, 255, &n, NULL) || !n)
		return invalid(
			perr,
			"\"%s\" is not a protocol (tcp, udp, icmp, icmpv6, sctp, udplite or 1..255)",
			s);
	*proto = (uint8_t)n;
	return 0;
}

/* PROTO:PORT; @s is modified. */
static int parse_proto_port(char *s, uint8_t *proto, uint16_t *port)
{
	char *colon = strchr(s, ':');
	uint32_t n;

	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (strata_parse_proto(s, proto, NULL) ||
	    parse_max(colon + 1, 65535, &n, NULL))
		return -EINVAL;
	*port = (uint16_t)n;
	return 0;
}

/**
 * strata_parse_member() - an IP set member: ADDR, ADDR/LEN or
 * PROTO:PORT@ADDR
 * @s: the text
 * @m: the member
 * @family: the address's family
 * @perr: why not
 *
 * Return: 0 or -EINVAL.
 */
int strata_parse_member(const char *s, struct strata_member *m, uint8_t *family,
			struct strata_perr *perr)
{
	const char *orig = s, *at = strchr(s, '@');
	struct strata_prefix p;
	char pp[32];

	memset(m, 0, sizeof(*m));
	if (at) {
		if ((size_t)(at - s) >= sizeof(pp))
			goto bad;
		memcpy(pp, s, (size_t)(at - s));
		pp[at - s] = '\0';
		if (parse_proto_port(pp, &m->proto, &m->port))
			goto bad;
		s = at + 1;
		if (strchr(s, '/'))
			goto bad;
	}
	if (strata_parse_prefix(s, &p, perr))
		return -EINVAL;
	memcpy(m->addr, p.addr, sizeof(m->addr));
	m->prefix_len = p.prefix_len;
	*family = p.family;
	return 0;
bad:
	return invalid(
		perr,
		"\"%s\" is not a member (ADDR, ADDR/LEN or PROTO:PORT@ADDR)",
		orig);
}

/**
 * strata_parse_failsafe() - PROTO:PORT or PROTO:PORT@PREFIX
 * @s: the text
 * @f: the failsafe entry
 * @perr: why not
 *
 * Return: 0 or -EINVAL.
 */
int strata_parse_failsafe(const char *s, struct strata_failsafe *f,
			  struct strata_perr *perr)
{
	const char *at = strchr(s, '@');
	size_t n = at ? (size_t)(at - s) : strlen(s);
	char pp[32];

	memset(f, 0, sizeof(*f));
	if (n >= sizeof(pp))
		goto bad;
	memcpy(pp, s, n);
	pp[n] = '\0';
	if (parse_proto_port(pp, &f->proto, &f->port))
		goto bad;
	if (at && strata_parse_prefix(at + 1, &f->net, perr))
		return -EINVAL;
	return 0;
bad:
	return invalid(
		perr,
		"\"%s\" is not a failsafe port (PROTO:PORT or PROTO:PORT@PREFIX)",
		s);
}

/* A growable array. */
struct vec {
	void *p;
	uint32_t n, cap;
	size_t size;
};

static void vec_init(struct vec *v, size_t size)
{
	v->p = NULL;
	v->n = v->cap = 0;
	v->size = size;
}

static void *vec_push(struct vec *v)
{
	void *slot;

	if (v->n == v->cap) {
		uint32_t cap = v->cap ? v->cap * 2 : 8;
		void *p;

		if (cap < v->cap)
			return NULL;
		p = realloc(v->p, (size_t)cap * v->size);
		if (!p)
			return NULL;
		v->p = p;
		v->cap = cap;
	}
	slot = (char *)v->p + (size_t)v->n++ * v->size;
	memset(slot, 0, v->size);
	return slot;
}

static void vec_free(struct vec *v)
{
	free(v->p);
	vec_init(v, v->size);
}

/* The words of one command. */
struct words {
	int argc;
	char *const *argv;
	const unsigned int *lines;
	int i;
	struct strata_perr *perr;
};

static int werr(struct words *w, int idx, int kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int werr(struct words *w, int idx, int kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	perr_vset(w->perr, kind, fmt, ap);
	va_end(ap);
	if (w->perr) {
		if (idx >= w->argc)
			idx = w->argc - 1;
		w->perr->arg = idx;
		w->perr->line = w->lines && idx >= 0 ? w->lines[idx] : 0;
	}
	return -EINVAL;
}

/* A value parser failed on word @idx: say which keyword it was for. */
static int werr_value(struct words *w, int idx, const char *kw)
{
	char msg[sizeof(w->perr->msg)];

	if (!w->perr)
		return -EINVAL;
	snprintf(msg, sizeof(msg), "%s", w->perr->msg);
	return werr(w, idx, STRATA_PERR_INVALID, "%s %s", kw, msg);
}

static bool more(const struct words *w)
{
	return w->i < w->argc;
}

static const char *word(struct words *w)
{
	return w->argv[w->i++];
}

/* The argument of the keyword just read. */
static const char *arg(struct words *w, const char *kw)
{
	if (!more(w)) {
		werr(w, w->i - 1, STRATA_PERR_USAGE, "\"%s\" needs an argument",
		     kw);
		return NULL;
	}
	return word(w);
}

static int once(struct words *w, bool *seen, const char *kw)
{
	if (*seen)
		return werr(w, w->i - 1, STRATA_PERR_USAGE,
			    "\"%s\" is given twice", kw);
	*seen = true;
	return 0;
}

typedef int (*elem_fn)(const char *s, void *out, struct strata_perr *perr);

static int elem_u32_id(const char *s, void *out, struct strata_perr *perr)
{
	if (strata_parse_u32(s, out, perr))
		return -EINVAL;
	if (!*(uint32_t *)out)
		return invalid(perr, "\"%s\": ids start at 1", s);
	return 0;
}

static int elem_prefix(const char *s, void *out, struct strata_perr *perr)
{
	return strata_parse_prefix(s, out, perr);
}

static int elem_ports(const char *s, void *out, struct strata_perr *perr)
{
	return strata_parse_ports(s, out, perr);
}

static int elem_failsafe(const char *s, void *out, struct strata_perr *perr)
{
	return strata_parse_failsafe(s, out, perr);
}

/* "a,b,c" after keyword @kw, each element appended to @v. */
static int list_arg(struct words *w, const char *kw, struct vec *v, elem_fn fn)
{
	const char *s = arg(w, kw), *p, *comma;
	int idx = w->i - 1;

	if (!s)
		return -EINVAL;
	for (p = s;; p = comma + 1) {
		char elem[128];
		size_t n;
		void *slot;

		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!n)
			return werr(w, idx, STRATA_PERR_INVALID,
				    "%s \"%s\": empty list element", kw, s);
		if (n >= sizeof(elem))
			return werr(w, idx, STRATA_PERR_INVALID,
				    "%s \"%.*s\": element too long", kw, (int)n,
				    p);
		memcpy(elem, p, n);
		elem[n] = '\0';
		slot = vec_push(v);
		if (!slot)
			return werr(w, idx, STRATA_PERR_INVALID,
				    "out of memory");
		if (fn(elem, slot, w->perr)) {
			v->n--;
			return werr_value(w, idx, kw);
		}
		if (!comma)
			return 0;
	}
}

static int name_arg(struct words *w, const char *kw, uint8_t kind, char *name)
{
	const char *s = arg(w, kw);
	struct sc_err se = { 0 };

	if (!s)
		return -EINVAL;
	if (strlen(s) >= STRATA_NAME_LEN || sc_name_check(s, kind, 0, &se))
		return werr(w, w->i - 1, STRATA_PERR_INVALID, "%s \"%s\": %s",
			    kw, s,
			    strlen(s) >= STRATA_NAME_LEN
				    ? "name is longer than 63 bytes"
				    : se.msg);
	memset(name, 0, STRATA_NAME_LEN);
	memcpy(name, s, strlen(s));
	return 0;
}

static int u32_arg(struct words *w, const char *kw, uint32_t *v)
{
	const char *s = arg(w, kw);

	if (!s)
		return -EINVAL;
	if (strata_parse_u32(s, v, w->perr))
		return werr_value(w, w->i - 1, kw);
	return 0;
}

static int id_arg(struct words *w, const char *kw, uint32_t *v)
{
	const char *s = arg(w, kw);

	if (!s)
		return -EINVAL;
	if (elem_u32_id(s, v, w->perr))
		return werr_value(w, w->i - 1, kw);
	return 0;
}

/* One of @names (NULL-terminated); the index. */
static int choice_arg(struct words *w, const char *kw, const char *const *names,
		      const char *expect)
{
	const char *s = arg(w, kw);
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return i;
	werr(w, w->i - 1, STRATA_PERR_INVALID, "%s \"%s\": expected %s", kw, s,
	     expect);
	return -1;
}

static int missing(struct words *w, const char *obj, const char *kw)
{
	return werr(w, w->argc - 1, STRATA_PERR_USAGE, "%s: \"%s\" is required",
		    obj, kw);
}

static int oom(struct words *w)
{
	return werr(w, w->i > 0 ? w->i - 1 : 0, STRATA_PERR_INVALID,
		    "out of memory");
}

/* tier { add | replace } id ID name NAME [ default { deny | pass } ] */
static int parse_tier(struct words *w, struct strata_op *op)
{
	static const char *const defaults[] = { "deny", "pass", NULL };
	bool seen_id = false, seen_name = false, seen_def = false;
	struct sc_tier *t = sc_tier_new(NULL);
	int c;

	if (!t)
		return oom(w);
	op->tier = t;
	while (more(w)) {
		const char *kw = word(w);

		if (!strcmp(kw, "id")) {
			if (once(w, &seen_id, kw) || id_arg(w, kw, &t->id))
				return -EINVAL;
		} else if (!strcmp(kw, "name")) {
			if (once(w, &seen_name, kw) ||
			    name_arg(w, kw, SC_OBJ_TIER, t->name))
				return -EINVAL;
		} else if (!strcmp(kw, "default")) {
			if (once(w, &seen_def, kw))
				return -EINVAL;
			c = choice_arg(w, kw, defaults, "deny or pass");
			if (c < 0)
				return -EINVAL;
			t->default_action = c ? STRATA_ACT_PASS
					      : STRATA_ACT_DENY;
		} else {
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "unknown tier keyword \"%s\"", kw);
		}
	}
	if (!seen_id)
		return missing(w, "tier", "id");
	if (!seen_name)
		return missing(w, "tier", "name");
	return 0;
}

/* One side (src or dst) of a rule being read. */
enum {
	E_NETS,
	E_NOT_NETS,
	E_SETS,
	E_NOT_SETS,
	E_PORTS,
	E_NOT_PORTS,
	E_PSETS,
	E_NOT_PSETS,
	E_N
};

static const struct {
	const char *kw;
	elem_fn fn;
	size_t size;
} ent_kws[E_N] = {
	[E_NETS] = { "net", elem_prefix, sizeof(struct strata_prefix) },
	[E_NOT_NETS] = { "not-net", elem_prefix, sizeof(struct strata_prefix) },
	[E_SETS] = { "set", elem_u32_id, sizeof(uint32_t) },
	[E_NOT_SETS] = { "not-set", elem_u32_id, sizeof(uint32_t) },
	[E_PORTS] = { "port", elem_ports, sizeof(struct strata_port_range) },
	[E_NOT_PORTS] = { "not-port", elem_ports,
			  sizeof(struct strata_port_range) },
	[E_PSETS] = { "port-set", elem_u32_id, sizeof(uint32_t) },
	[E_NOT_PSETS] = { "not-port-set", elem_u32_id, sizeof(uint32_t) },
};

struct rule_b {
	bool open;
	unsigned int dir;
	struct sc_rule r;
	struct vec side[2][E_N];
	bool seen_ipv, seen_cookie;
};

struct policy_b {
	struct vec rules[SC_NDIRS];
	struct sc_arena scratch;
	struct rule_b rb;
};

static void rule_reset(struct rule_b *rb)
{
	unsigned int s, e;

	for (s = 0; s < 2; s++)
		for (e = 0; e < E_N; e++)
			vec_free(&rb->side[s][e]);
	memset(&rb->r, 0, sizeof(rb->r));
	rb->open = false;
	rb->seen_ipv = rb->seen_cookie = false;
	for (s = 0; s < 2; s++)
		for (e = 0; e < E_N; e++)
			vec_init(&rb->side[s][e], ent_kws[e].size);
}

static void *dup_vec(struct sc_arena *a, const struct vec *v)
{
	return v->n ? sc_arena_dup(a, v->p, (size_t)v->n * v->size) : NULL;
}

/* The rule being read is complete: keep it (lists in the scratch arena). */
static int rule_end(struct policy_b *pb)
{
	struct rule_b *rb = &pb->rb;
	struct sc_rule *slot;
	unsigned int s;

	if (!rb->open)
		return 0;
	for (s = 0; s < 2; s++) {
		struct sc_ent *e = s ? &rb->r.dst : &rb->r.src;
		struct vec *v = rb->side[s];

#define TAKE(cnt, ptr, idx)                              \
	do {                                             \
		e->cnt = v[idx].n;                       \
		e->ptr = dup_vec(&pb->scratch, &v[idx]); \
		if (v[idx].n && !e->ptr)                 \
			return -ENOMEM;                  \
	} while (0)
		TAKE(n_nets, nets, E_NETS);
		TAKE(n_not_nets, not_nets, E_NOT_NETS);
		TAKE(n_sets, sets, E_SETS);
		TAKE(n_not_sets, not_sets, E_NOT_SETS);
		TAKE(n_ports, ports, E_PORTS);
		TAKE(n_not_ports, not_ports, E_NOT_PORTS);
		TAKE(n_psets, psets, E_PSETS);
		TAKE(n_not_psets, not_psets, E_NOT_PSETS);
#undef TAKE
	}
	slot = vec_push(&pb->rules[rb->dir]);
	if (!slot)
		return -ENOMEM;
	*slot = rb->r;
	rule_reset(rb);
	return 0;
}

static int rule_scalar(struct words *w, const char *kw, struct sc_rule *r)
{
	static const struct {
		const char *kw;
		uint32_t bit;
		size_t off;
		uint32_t max;
	} scalars[] = {
		{ "proto", STRATA_IMG_RULE_F_PROTO,
		  offsetof(struct sc_rule, proto), 0 },
		{ "not-proto", STRATA_IMG_RULE_F_NOT_PROTO,
		  offsetof(struct sc_rule, not_proto), 0 },
		{ "icmp-type", STRATA_IMG_RULE_F_ICMP_TYPE,
		  offsetof(struct sc_rule, icmp_type), 254 },
		{ "icmp-code", STRATA_IMG_RULE_F_ICMP_CODE,
		  offsetof(struct sc_rule, icmp_code), 255 },
		{ "not-icmp-type", STRATA_IMG_RULE_F_NOT_ICMP_TYPE,
		  offsetof(struct sc_rule, not_icmp_type), 254 },
		{ "not-icmp-code", STRATA_IMG_RULE_F_NOT_ICMP_CODE,
		  offsetof(struct sc_rule, not_icmp_code), 255 },
	};
	const char *s;
	uint8_t *field;
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if (!strcmp(kw, scalars[i].kw))
			break;
	if (i == sizeof(scalars) / sizeof(scalars[0]))
		return 1;
	if (r->present & scalars[i].bit)
		return werr(w, w->i - 1, STRATA_PERR_USAGE,
			    "\"%s\" is given twice in one rule", kw);
	s = arg(w, kw);
	if (!s)
		return -EINVAL;
	field = (uint8_t *)r + scalars[i].off;
	if (!scalars[i].max) {
		if (strata_parse_proto(s, field, w->perr))
			return werr_value(w, w->i - 1, kw);
	} else {
		if (parse_max(s, scalars[i].max, &v, w->perr))
			return werr_value(w, w->i - 1, kw);
		*field = (uint8_t)v;
	}
	r->present |= scalars[i].bit;
	return 0;
}

/* src-/dst- list keywords (and sport/dport); 1 if @kw is not one. */
static int rule_list(struct words *w, const char *kw, struct rule_b *rb)
{
	unsigned int side, e;
	const char *rest;

	if (!strcmp(kw, "sport") || !strcmp(kw, "dport")) {
		side = kw[0] == 'd';
		e = E_PORTS;
	} else {
		if (!strncmp(kw, "src-", 4))
			side = 0;
		else if (!strncmp(kw, "dst-", 4))
			side = 1;
		else
			return 1;
		rest = kw + 4;
		for (e = 0; e < E_N; e++)
			if (!strcmp(rest, ent_kws[e].kw))
				break;
		if (e == E_N)
			return 1;
	}
	return list_arg(w, kw, &rb->side[side][e], ent_kws[e].fn);
}

static int parse_rule_word(struct words *w, const char *kw, struct rule_b *rb)
{
	static const char *const versions[] = { "4", "6", NULL };
	uint64_t cookie;
	const char *s;
	int ret, c;

	ret = rule_scalar(w, kw, &rb->r);
	if (ret <= 0)
		return ret;
	ret = rule_list(w, kw, rb);
	if (ret <= 0)
		return ret;
	if (!strcmp(kw, "ip-version")) {
		if (rb->seen_ipv)
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "\"%s\" is given twice in one rule", kw);
		rb->seen_ipv = true;
		c = choice_arg(w, kw, versions, "4 or 6");
		if (c < 0)
			return -EINVAL;
		rb->r.ip_version = c ? 6 : 4;
		return 0;
	}
	if (!strcmp(kw, "cookie")) {
		if (rb->seen_cookie)
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "\"%s\" is given twice in one rule", kw);
		rb->seen_cookie = true;
		s = arg(w, kw);
		if (!s)
			return -EINVAL;
		if (strata_parse_u64(s, &cookie, w->perr))
			return werr_value(w, w->i - 1, kw);
		rb->r.cookie = cookie;
		return 0;
	}
	return werr(w, w->i - 1, STRATA_PERR_USAGE,
		    "unknown rule keyword \"%s\"", kw);
}

static const char *const actions[] = {
	[STRATA_ACT_UNSPEC] = "-",
	[STRATA_ACT_ALLOW] = "allow",
	[STRATA_ACT_DENY] = "deny",
	[STRATA_ACT_PASS] = "pass",
	[STRATA_ACT_LOG] = "log",
	[STRATA_ACT_REJECT] = "reject",
	NULL,
};

static void policy_b_free(struct policy_b *pb)
{
	unsigned int d;

	rule_reset(&pb->rb);
	for (d = 0; d < SC_NDIRS; d++)
		vec_free(&pb->rules[d]);
	sc_arena_release(&pb->scratch);
}

/*
 * policy { add | replace } id ID name NAME [ RULE ]...
 * RULE := { ingress | egress } ACTION [ MATCH ]...
 */
static int parse_policy_words(struct words *w, struct sc_policy *p,
			      struct policy_b *pb)
{
	bool seen_id = false, seen_name = false;
	int c;

	while (more(w)) {
		const char *kw = word(w);

		if (!strcmp(kw, "id")) {
			if (once(w, &seen_id, kw) || id_arg(w, kw, &p->id))
				return -EINVAL;
		} else if (!strcmp(kw, "name")) {
			if (once(w, &seen_name, kw) ||
			    name_arg(w, kw, SC_OBJ_POLICY, p->name))
				return -EINVAL;
		} else if (!strcmp(kw, "ingress") || !strcmp(kw, "egress")) {
			if (rule_end(pb))
				return oom(w);
			pb->rb.open = true;
			pb->rb.dir = kw[0] == 'e' ? SC_EGRESS : SC_INGRESS;
			c = choice_arg(w, kw, actions + 1,
				       "allow, deny, pass, log or reject");
			if (c < 0)
				return -EINVAL;
			pb->rb.r.action = (uint8_t)(c + 1);
		} else if (pb->rb.open) {
			if (parse_rule_word(w, kw, &pb->rb))
				return -EINVAL;
		} else {
			return werr(
				w, w->i - 1, STRATA_PERR_USAGE,
				"unknown policy keyword \"%s\" (rules start with ingress or egress)",
				kw);
		}
	}
	if (rule_end(pb))
		return oom(w);
	if (!seen_id)
		return missing(w, "policy", "id");
	if (!seen_name)
		return missing(w, "policy", "name");
	return 0;
}

static int parse_policy(struct words *w, struct strata_op *op)
{
	struct sc_policy *p = sc_policy_new(NULL);
	struct sc_err se = { 0 };
	struct policy_b pb;
	unsigned int d;
	int ret;

	if (!p)
		return oom(w);
	op->policy = p;
	memset(&pb, 0, sizeof(pb));
	sc_arena_init(&pb.scratch, NULL);
	for (d = 0; d < SC_NDIRS; d++)
		vec_init(&pb.rules[d], sizeof(struct sc_rule));
	rule_reset(&pb.rb);
	ret = parse_policy_words(w, p, &pb);
	for (d = 0; d < SC_NDIRS && !ret; d++)
		if (sc_policy_add_rules(p, d, pb.rules[d].p, pb.rules[d].n,
					&se))
			ret = werr(w, w->argc - 1, STRATA_PERR_INVALID,
				   "policy %u: %s", p->id, se.msg);
	policy_b_free(&pb);
	return ret;
}

struct tierref_b {
	uint32_t tier;
	struct vec policies;
};

struct endpoint_b {
	struct vec addrs, spoof, profiles;
	struct vec lists[__STRATA_LIST_MAX];
	int cur_list;
	struct tierref_b *cur_tier;
};

static void endpoint_b_free(struct endpoint_b *eb)
{
	unsigned int l;
	uint32_t i;

	vec_free(&eb->addrs);
	vec_free(&eb->spoof);
	vec_free(&eb->profiles);
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		struct tierref_b *t = eb->lists[l].p;

		for (i = 0; i < eb->lists[l].n; i++)
			vec_free(&t[i].policies);
		vec_free(&eb->lists[l]);
	}
}

static int endpoint_build(struct endpoint_b *eb, struct sc_endpoint *e)
{
	struct sc_arena *a = &e->arena;
	unsigned int l;
	uint32_t i;

	e->n_addrs = eb->addrs.n;
	e->addrs = dup_vec(a, &eb->addrs);
	e->n_spoof = eb->spoof.n;
	e->spoof = dup_vec(a, &eb->spoof);
	e->n_profiles = eb->profiles.n;
	e->profiles = dup_vec(a, &eb->profiles);
	if ((e->n_addrs && !e->addrs) || (e->n_spoof && !e->spoof) ||
	    (e->n_profiles && !e->profiles))
		return -ENOMEM;
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		struct tierref_b *t = eb->lists[l].p;
		struct sc_eplist *el = &e->lists[l];

		if (!eb->lists[l].n)
			continue;
		el->refs =
			sc_arena_alloc(a, eb->lists[l].n * sizeof(*el->refs));
		if (!el->refs)
			return -ENOMEM;
		el->n = eb->lists[l].n;
		for (i = 0; i < el->n; i++) {
			el->refs[i].tier = t[i].tier;
			el->refs[i].n_policies = t[i].policies.n;
			el->refs[i].policies = dup_vec(a, &t[i].policies);
			if (t[i].policies.n && !el->refs[i].policies)
				return -ENOMEM;
		}
	}
	return 0;
}

static int list_index(const char *kw)
{
	int l;

	for (l = 0; l < __STRATA_LIST_MAX; l++)
		if (!strcmp(kw, strata_list_names[l]))
			return l;
	return -1;
}

/* tier ID policies IDS, inside a list. 1 if @kw is neither. */
static int endpoint_list_word(struct words *w, const char *kw,
			      struct endpoint_b *eb)
{
	struct tierref_b *t;

	if (!strcmp(kw, "tier")) {
		if (eb->cur_list < 0)
			return werr(
				w, w->i - 1, STRATA_PERR_USAGE,
				"\"tier\" must follow a list keyword (ingress, egress, untracked-ingress, ...)");
		t = vec_push(&eb->lists[eb->cur_list]);
		if (!t)
			return oom(w);
		vec_init(&t->policies, sizeof(uint32_t));
		eb->cur_tier = t;
		return id_arg(w, kw, &t->tier);
	}
	if (!strcmp(kw, "policies") || !strcmp(kw, "policy")) {
		if (!eb->cur_tier)
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "\"%s\" must follow \"tier ID\"", kw);
		return list_arg(w, kw, &eb->cur_tier->policies, elem_u32_id);
	}
	return 1;
}

struct endpoint_seen {
	bool id, name, kind, iface, mark, no_match;
};

static int endpoint_word(struct words *w, const char *kw, struct sc_endpoint *e,
			 struct endpoint_b *eb, struct endpoint_seen *seen)
{
	static const char *const kinds[] = { "workload", "host", NULL };
	static const char *const no_match[] = { "allow", "deny", NULL };
	const char *s;
	int c;

	if (!strcmp(kw, "id"))
		return once(w, &seen->id, kw) || id_arg(w, kw, &e->id);
	if (!strcmp(kw, "name"))
		return once(w, &seen->name, kw) ||
		       name_arg(w, kw, SC_OBJ_ENDPOINT, e->name);
	if (!strcmp(kw, "workload") || !strcmp(kw, "host")) {
		if (once(w, &seen->kind, "kind"))
			return -EINVAL;
		e->kind = kw[0] == 'w' ? STRATA_EP_WORKLOAD : STRATA_EP_HOST;
		return 0;
	}
	if (!strcmp(kw, "kind")) {
		if (once(w, &seen->kind, kw))
			return -EINVAL;
		c = choice_arg(w, kw, kinds, "workload or host");
		if (c < 0)
			return -EINVAL;
		e->kind = c ? STRATA_EP_HOST : STRATA_EP_WORKLOAD;
		return 0;
	}
	if (!strcmp(kw, "iface") || !strcmp(kw, "ifname")) {
		if (once(w, &seen->iface, kw))
			return -EINVAL;
		s = arg(w, kw);
		if (!s)
			return -EINVAL;
		if (!*s || strlen(s) >= STRATA_IFNAME_LEN)
			return werr(
				w, w->i - 1, STRATA_PERR_INVALID,
				"%s \"%s\": interface names are 1..15 bytes",
				kw, s);
		memcpy(e->ifname, s, strlen(s) + 1);
		return 0;
	}
	if (!strcmp(kw, "addr") || !strcmp(kw, "addrs"))
		return list_arg(w, kw, &eb->addrs, elem_prefix);
	if (!strcmp(kw, "spoof"))
		return list_arg(w, kw, &eb->spoof, elem_prefix);
	if (!strcmp(kw, "profiles") || !strcmp(kw, "profile"))
		return list_arg(w, kw, &eb->profiles, elem_u32_id);
	if (!strcmp(kw, "mark"))
		return once(w, &seen->mark, kw) || u32_arg(w, kw, &e->mark);
	if (!strcmp(kw, "no-match")) {
		if (once(w, &seen->no_match, kw))
			return -EINVAL;
		c = choice_arg(w, kw, no_match, "allow or deny");
		if (c < 0)
			return -EINVAL;
		e->no_match = c ? STRATA_ACT_DENY : STRATA_ACT_ALLOW;
		return 0;
	}
	return werr(w, w->i - 1, STRATA_PERR_USAGE,
		    "unknown endpoint keyword \"%s\"", kw);
}

/*
 * endpoint { add | replace } id ID name NAME { workload | host }
 *	iface IFNAME [ addr PREFIXES ] [ spoof PREFIXES ] [ mark MARK ]
 *	[ no-match { allow | deny } ] [ LIST { tier ID policies IDS }... ]...
 *	[ profiles IDS ]
 */
static int parse_endpoint(struct words *w, struct strata_op *op)
{
	struct sc_endpoint *e = sc_endpoint_new(NULL);
	struct endpoint_seen seen = { 0 };
	struct endpoint_b eb;
	unsigned int l;
	int ret = 0;

	if (!e)
		return oom(w);
	op->endpoint = e;
	vec_init(&eb.addrs, sizeof(struct strata_prefix));
	vec_init(&eb.spoof, sizeof(struct strata_prefix));
	vec_init(&eb.profiles, sizeof(uint32_t));
	for (l = 0; l < __STRATA_LIST_MAX; l++)
		vec_init(&eb.lists[l], sizeof(struct tierref_b));
	eb.cur_list = -1;
	eb.cur_tier = NULL;
	while (more(w) && !ret) {
		const char *kw = word(w);
		int li = list_index(kw);

		if (li >= 0) {
			eb.cur_list = li;
			eb.cur_tier = NULL;
			continue;
		}
		ret = endpoint_list_word(w, kw, &eb);
		if (ret <= 0)
			continue;
		eb.cur_list = -1;
		eb.cur_tier = NULL;
		ret = endpoint_word(w, kw, e, &eb, &seen);
	}
	if (!ret && !seen.id)
		ret = missing(w, "endpoint", "id");
	if (!ret && !seen.name)
		ret = missing(w, "endpoint", "name");
	if (!ret && !seen.kind)
		ret = missing(w, "endpoint", "workload\" or \"host");
	if (!ret && !seen.iface)
		ret = missing(w, "endpoint", "iface");
	if (!ret && endpoint_build(&eb, e))
		ret = oom(w);
	endpoint_b_free(&eb);
	return ret ? -EINVAL : 0;
}

struct members_b {
	struct vec m;
	struct vec fam;
	int first_idx;
};

/* "members" LIST: members and, in parallel, their families. */
static int members_arg(struct words *w, const char *kw, struct members_b *mb)
{
	const char *s = arg(w, kw), *p, *comma;
	int idx = w->i - 1;

	if (!s)
		return -EINVAL;
	if (mb->first_idx < 0)
		mb->first_idx = idx;
	for (p = s;; p = comma + 1) {
		struct strata_member *m;
		char elem[128];
		uint8_t *fam;
		size_t n;

		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!n || n >= sizeof(elem))
			return werr(w, idx, STRATA_PERR_INVALID,
				    "%s \"%s\": %s", kw, s,
				    n ? "element too long"
				      : "empty list element");
		memcpy(elem, p, n);
		elem[n] = '\0';
		m = vec_push(&mb->m);
		fam = vec_push(&mb->fam);
		if (!m || !fam)
			return oom(w);
		if (strata_parse_member(elem, m, fam, w->perr))
			return werr_value(w, idx, kw);
		if (!comma)
			return 0;
	}
}

static void members_take(struct members_b *mb, struct strata_op *op)
{
	op->members = mb->m.p;
	op->n_members = mb->m.n;
	vec_init(&mb->m, sizeof(struct strata_member));
	vec_free(&mb->fam);
}

static int family_arg(struct words *w, const char *kw, uint8_t *family)
{
	static const char *const fams[] = { "4",    "6",     "ipv4", "ipv6",
					    "inet", "inet6", NULL };
	int c = choice_arg(w, kw, fams, "4 or 6");

	if (c < 0)
		return -EINVAL;
	*family = c % 2 ? STRATA_FAMILY_IPV6 : STRATA_FAMILY_IPV4;
	return 0;
}

static int set_kind_arg(struct words *w, const char *kw, uint8_t *kind)
{
	static const char *const kinds[] = { "addr",	  "net",
					     "addr-port", "hash:ip",
					     "hash:net",  "hash:ip,port",
					     NULL };
	int c = choice_arg(w, kw, kinds, "addr, net or addr-port");

	if (c < 0)
		return -EINVAL;
	*kind = (uint8_t)(STRATA_IPSET_ADDR + c % 3);
	return 0;
}

/*
 * ipset { add | replace } id ID name NAME family { 4 | 6 }
 *	kind { addr | net | addr-port } [ members MEMBERS ]...
 */
static int parse_ipset(struct words *w, struct strata_op *op)
{
	bool seen_id = false, seen_name = false, seen_fam = false,
	     seen_kind = false;
	struct sc_ipset *s = sc_ipset_new(NULL);
	struct members_b mb;
	int ret = 0;
	uint32_t i;

	if (!s)
		return oom(w);
	op->ipset = s;
	vec_init(&mb.m, sizeof(struct strata_member));
	vec_init(&mb.fam, 1);
	mb.first_idx = -1;
	while (more(w) && !ret) {
		const char *kw = word(w);

		if (!strcmp(kw, "id"))
			ret = once(w, &seen_id, kw) || id_arg(w, kw, &s->id);
		else if (!strcmp(kw, "name"))
			ret = once(w, &seen_name, kw) ||
			      name_arg(w, kw, SC_OBJ_IPSET, s->name);
		else if (!strcmp(kw, "family"))
			ret = once(w, &seen_fam, kw) ||
			      family_arg(w, kw, &s->family);
		else if (!strcmp(kw, "kind"))
			ret = once(w, &seen_kind, kw) ||
			      set_kind_arg(w, kw, &s->kind);
		else if (!strcmp(kw, "members") || !strcmp(kw, "member"))
			ret = members_arg(w, kw, &mb);
		else
			ret = werr(w, w->i - 1, STRATA_PERR_USAGE,
				   "unknown ipset keyword \"%s\"", kw);
	}
	if (!ret && !seen_id)
		ret = missing(w, "ipset", "id");
	if (!ret && !seen_name)
		ret = missing(w, "ipset", "name");
	if (!ret && !seen_fam)
		ret = missing(w, "ipset", "family");
	if (!ret && !seen_kind)
		ret = missing(w, "ipset", "kind");
	for (i = 0; !ret && i < mb.m.n; i++) {
		uint8_t fam = ((uint8_t *)mb.fam.p)[i];

		if (fam != s->family)
			ret = werr(
				w, mb.first_idx, STRATA_PERR_INVALID,
				"member %u is an IPv%u address but the set is IPv%u",
				i + 1, fam, s->family);
	}
	if (!ret)
		members_take(&mb, op);
	vec_free(&mb.m);
	vec_free(&mb.fam);
	return ret ? -EINVAL : 0;
}

/* { id ID | name NAME }, for del and member changes. */
static int ref_word(struct words *w, const char *kw, struct strata_op *op,
		    bool *seen)
{
	if (!strcmp(kw, "id")) {
		if (*seen)
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "give \"id\" or \"name\", once");
		*seen = true;
		return id_arg(w, kw, &op->id);
	}
	if (!strcmp(kw, "name")) {
		if (*seen)
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "give \"id\" or \"name\", once");
		*seen = true;
		return name_arg(w, kw, op->kind, op->name);
	}
	return 1;
}

static int parse_del(struct words *w, struct strata_op *op, const char *obj)
{
	bool seen = false;
	int ret;

	while (more(w)) {
		const char *kw = word(w);

		ret = ref_word(w, kw, op, &seen);
		if (ret < 0)
			return ret;
		if (ret)
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "unknown %s del keyword \"%s\"", obj, kw);
	}
	if (!seen)
		return missing(w, obj, "id\" or \"name");
	return 0;
}

/* ipset { add-members | del-members } { id ID | name NAME } [ exist ]
 *	members MEMBERS...
 */
static int parse_members(struct words *w, struct strata_op *op)
{
	struct members_b mb;
	bool seen = false;
	int ret = 0;

	vec_init(&mb.m, sizeof(struct strata_member));
	vec_init(&mb.fam, 1);
	mb.first_idx = -1;
	while (more(w) && !ret) {
		const char *kw = word(w);

		ret = ref_word(w, kw, op, &seen);
		if (ret <= 0)
			continue;
		ret = 0;
		if (!strcmp(kw, "exist"))
			op->exist_ok = true;
		else if (!strcmp(kw, "members") || !strcmp(kw, "member"))
			ret = members_arg(w, kw, &mb);
		else
			ret = werr(w, w->i - 1, STRATA_PERR_USAGE,
				   "unknown ipset %s keyword \"%s\"",
				   op->add ? "add-members" : "del-members", kw);
	}
	if (!ret && !seen)
		ret = missing(w, "ipset", "id\" or \"name");
	if (!ret && !mb.m.n)
		ret = missing(w, "ipset", "members");
	if (!ret)
		members_take(&mb, op);
	vec_free(&mb.m);
	vec_free(&mb.fam);
	return ret ? -EINVAL : 0;
}

static int bool_arg(struct words *w, const char *kw, uint8_t *v)
{
	static const char *const vals[] = { "off", "on",    "no",   "yes", "0",
					    "1",   "false", "true", NULL };
	int c = choice_arg(w, kw, vals, "on or off");

	if (c < 0)
		return -EINVAL;
	*v = (uint8_t)(c % 2);
	return 0;
}

static int settings_value(struct words *w, const struct strata_skey *k,
			  struct sc_settings *s)
{
	static const char *const wl2h[] = { "drop", "accept", "return", NULL };
	char *field = (char *)s + k->off;
	uint32_t u = 0;
	struct vec v;
	int c, ret = 0;

	switch (k->type) {
	case SKEY_U32:
	case SKEY_MARK:
		if (u32_arg(w, k->key, &u))
			return -EINVAL;
		memcpy(field, &u, sizeof(u));
		return 0;
	case SKEY_U16: {
		const char *a = arg(w, k->key);
		uint16_t p;

		if (!a)
			return -EINVAL;
		if (parse_max(a, 65535, &u, w->perr))
			return werr_value(w, w->i - 1, k->key);
		p = (uint16_t)u;
		memcpy(field, &p, sizeof(p));
		return 0;
	}
	case SKEY_BOOL:
		return bool_arg(w, k->key, (uint8_t *)field);
	case SKEY_WL_TO_HOST:
		c = choice_arg(w, k->key, wl2h, "drop, accept or return");
		if (c < 0)
			return -EINVAL;
		*field = (char)c;
		return 0;
	case SKEY_FAILSAFE_IN:
	case SKEY_FAILSAFE_OUT: {
		struct strata_failsafe *f = k->type == SKEY_FAILSAFE_IN
						    ? s->failsafe_in
						    : s->failsafe_out;
		uint32_t *n = k->type == SKEY_FAILSAFE_IN ? &s->n_failsafe_in
							  : &s->n_failsafe_out;

		if (more(w) && !strcmp(w->argv[w->i], "none")) {
			w->i++;
			*n = 0;
			return 0;
		}
		vec_init(&v, sizeof(*f));
		ret = list_arg(w, k->key, &v, elem_failsafe);
		if (!ret && v.n > SC_MAX_FAILSAFE)
			ret = werr(w, w->i - 1, STRATA_PERR_INVALID,
				   "%s: at most %u entries", k->key,
				   SC_MAX_FAILSAFE);
		if (!ret) {
			if (v.n)
				memcpy(f, v.p, v.n * sizeof(*f));
			*n = v.n;
		}
		vec_free(&v);
		return ret;
	}
	case SKEY_WL_PREFIXES: {
		const char *a = arg(w, k->key), *p, *comma;
		uint16_t n = 0;

		if (!a)
			return -EINVAL;
		memset(s->wl_prefixes, 0, sizeof(s->wl_prefixes));
		s->n_wl_prefixes = 0;
		if (!strcmp(a, "none"))
			return 0;
		for (p = a;; p = comma + 1) {
			size_t len;

			comma = strchr(p, ',');
			len = comma ? (size_t)(comma - p) : strlen(p);
			if (!len || len >= STRATA_IFNAME_LEN)
				return werr(
					w, w->i - 1, STRATA_PERR_INVALID,
					"%s \"%s\": prefixes are 1..15 bytes",
					k->key, a);
			if (n == STRATA_MAX_WL_PREFIXES)
				return werr(w, w->i - 1, STRATA_PERR_INVALID,
					    "%s: at most %u prefixes", k->key,
					    STRATA_MAX_WL_PREFIXES);
			memcpy(s->wl_prefixes[n++], p, len);
			if (!comma)
				break;
		}
		s->n_wl_prefixes = n;
		return 0;
	}
	}
	return -EINVAL;
}

/* settings set KEY VALUE [ KEY VALUE ]... */
static int parse_settings(struct words *w, struct strata_op *op)
{
	struct sc_settings *s = calloc(1, sizeof(*s));
	size_t i;

	if (!s)
		return oom(w);
	op->settings = s;
	while (more(w)) {
		const char *kw = word(w);

		for (i = 0; i < strata_n_skeys; i++)
			if (!strcmp(kw, strata_skeys[i].key))
				break;
		if (i == strata_n_skeys)
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "unknown setting \"%s\"", kw);
		if (op->settings_mask & STRATA_SETTINGS_F(strata_skeys[i].attr))
			return werr(w, w->i - 1, STRATA_PERR_USAGE,
				    "\"%s\" is given twice", kw);
		if (settings_value(w, &strata_skeys[i], s))
			return -EINVAL;
		op->settings_mask |= STRATA_SETTINGS_F(strata_skeys[i].attr);
	}
	if (!op->settings_mask)
		return werr(w, w->argc - 1, STRATA_PERR_USAGE,
			    "settings set: give at least one setting");
	return 0;
}

static int parse_verb(struct words *w, struct strata_op *op, const char *obj)
{
	const char *verb;

	if (!more(w))
		return werr(w, w->argc - 1, STRATA_PERR_USAGE,
			    "%s: a command is needed", obj);
	verb = word(w);
	if (!strcmp(verb, "add") || !strcmp(verb, "replace")) {
		op->type = STRATA_OP_PUT;
		op->replace = verb[0] == 'r';
		switch (op->kind) {
		case SC_OBJ_TIER:
			return parse_tier(w, op);
		case SC_OBJ_POLICY:
			return parse_policy(w, op);
		case SC_OBJ_IPSET:
			return parse_ipset(w, op);
		default:
			return parse_endpoint(w, op);
		}
	}
	if (!strcmp(verb, "del") || !strcmp(verb, "delete")) {
		op->type = STRATA_OP_DEL;
		return parse_del(w, op, obj);
	}
	if (op->kind == SC_OBJ_IPSET &&
	    (!strcmp(verb, "add-members") || !strcmp(verb, "del-members"))) {
		op->type = STRATA_OP_MEMBERS;
		op->add = verb[0] == 'a';
		return parse_members(w, op);
	}
	return werr(w, w->i - 1, STRATA_PERR_USAGE, "unknown %s command \"%s\"",
		    obj, verb);
}

/**
 * strata_parse_op() - parse one change command
 * @argc: number of words
 * @argv: the words, from the object keyword on
 * @lines: each word's line in a batch file (may be NULL)
 * @op: the change (strata_op_release() it)
 * @perr: why not; @perr->kind tells usage errors from invalid values
 *
 * Only the syntax and the values are checked here; strata_op_check()
 * runs the model's checks on the objects.
 *
 * Return: 0 or -EINVAL.
 */
int strata_parse_op(int argc, char *const *argv, const unsigned int *lines,
		    struct strata_op *op, struct strata_perr *perr)
{
	static const struct {
		const char *name;
		uint8_t kind;
	} objs[] = {
		{ "tier", SC_OBJ_TIER },
		{ "policy", SC_OBJ_POLICY },
		{ "ipset", SC_OBJ_IPSET },
		{ "endpoint", SC_OBJ_ENDPOINT },
	};
	struct words w = { argc, argv, lines, 1, perr };
	const char *obj;
	size_t i;
	int ret;

	memset(op, 0, sizeof(*op));
	if (perr)
		memset(perr, 0, sizeof(*perr));
	if (argc < 1)
		return werr(&w, 0, STRATA_PERR_USAGE, "a command is needed");
	obj = argv[0];
	op->line = lines ? lines[0] : 0;
	if (!strcmp(obj, "flush")) {
		op->type = STRATA_OP_FLUSH;
		if (argc > 1)
			return werr(&w, 1, STRATA_PERR_USAGE,
				    "flush: unexpected \"%s\"", argv[1]);
		return 0;
	}
	if (!strcmp(obj, "settings")) {
		if (argc < 2 || strcmp(argv[1], "set")) {
			ret = werr(&w, argc > 1 ? 1 : 0, STRATA_PERR_USAGE,
				   "settings: only \"set\" changes settings");
			return ret;
		}
		op->type = STRATA_OP_SETTINGS;
		w.i = 2;
		ret = parse_settings(&w, op);
		goto out;
	}
	for (i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		if (!strcmp(obj, objs[i].name))
			break;
	if (i == sizeof(objs) / sizeof(objs[0]))
		return werr(&w, 0, STRATA_PERR_USAGE, "unknown object \"%s\"",
			    obj);
	op->kind = objs[i].kind;
	ret = parse_verb(&w, op, obj);
out:
	if (ret) {
		unsigned int line = op->line;

		strata_op_release(op);
		op->line = line;
	}
	return ret;
}

/**
 * strata_op_release() - free what a parsed change holds
 * @op: the change; it is empty afterwards
 */
void strata_op_release(struct strata_op *op)
{
	sc_tier_put(op->tier);
	sc_policy_put(op->policy);
	sc_ipset_put(op->ipset);
	sc_endpoint_put(op->endpoint);
	free(op->members);
	free(op->settings);
	memset(op, 0, sizeof(*op));
}
