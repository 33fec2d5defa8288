// SPDX-License-Identifier: GPL-2.0
/*
 * strata-probe: a test helper that talks to strata.ko below the level of
 * libstrata, to send what a well-behaved client never would. It builds
 * every generic netlink message and every state image itself (nothing from
 * libstrata), so that the kernel's checks are tested against the uapi
 * header alone.
 *
 *   strata-probe ioctl NR          raw ioctl NR (hex) on /dev/strata
 *   strata-probe genl CASE         a crafted or malformed GET_VERSION request
 *   strata-probe genl-cases        list the CASEs
 *   strata-probe run [FILE]        run a script (default: stdin)
 *
 * "ioctl" and "genl" print "errno=NAME msg=EXTACK" (or "errno=0") and exit
 * 0 when the request was answered, 2 on a local failure.
 *
 * Scripts
 * =======
 *
 * One request per line; '#' starts a comment. A line ending in
 * "=> ERRNO", "=> ERRNO "REGEX"" or "=> ERRNO 'TEXT'" is a test point: it
 * passes when the request fails with ERRNO (or succeeds, for "ok"/"0") and
 * REGEX (POSIX extended) matches, or TEXT is part of, the result line:
 *
 *   errno=NAME msg="extack text" attr=6/1 cookie=KIND:ID   (errors)
 *   errno=0 OUTPUT                                          (success)
 *
 * where attr is the path of attribute types the extack offset points at
 * in the request. Test points print "ok - LINE" or "not ok - LINE" with
 * the result as a "# " diagnostic; lines without "=>" must succeed and
 * print only when they do not ("not ok - setup: LINE"). The exit status
 * is 0 when every line passed.
 *
 * Commands (ID is a number, REF is ID or name=NAME):
 *
 *   sock N | close N               use (open) / close socket N (0..7)
 *   netns NAME|PATH                switch the process's network namespace:
 *                                  ioctls and sockets opened from now on
 *                                  act there (open sockets stay where
 *                                  they are)
 *   begin | commit | abort         TX_BEGIN, TX_COMMIT, TX_ABORT
 *   version | stats | getsettings | flush | ioc-stats
 *   tier ID [name=] [action=deny|pass|N] [replace]
 *   policy ID [name=] [in=RULES] [out=RULES] [append] [replace]
 *   ipset ID [name=] [family=4|6] [kind=addr|net|port] [members=M] [replace]
 *   members add|del REF M [exist]  (split into messages of 3000)
 *   endpoint ID [name=] [kind=wl|host] [if=] [addrs=P] [spoof=P] [mark=]
 *            [nomatch=allow|deny] [profiles=ID+ID] [in=L] [out=L]
 *            [uin=L] [uout=L] [prednat=L] [fin=L] [fout=L] [replace]
 *   settings KEY=VALUE...          see set_keys[] below
 *   del KIND REF | get KIND REF    KIND: tier policy ipset endpoint
 *   dump KIND [REF]                checks order/resumption, prints counts
 *   dumpmembers REF
 *   dumpintr KIND [REF]            dump, with a commit from socket 7 after
 *                                  the first message
 *   bulk KIND FROM TO [opts]       one request per object, 64 per send
 *   digest | digest-save NAME | digest-check NAME
 *   unchanged NAME | unchanged off every test point also checks the digest
 *   subscribe GROUP | events       listen on a multicast group, drain it
 *   mcast GROUP                    try to join a group (permission test)
 *   raw CMD [flags=..] [reserved=N] ATTR...   (see raw_attrs())
 *   batch | endbatch               queue requests, send them in one write
 *   image [tiers=N] [policies=N] [rules=N] [ipsets=N] [members=N]
 *         [endpoints=N] [case=NAME]   build, mutate and load an image
 *   recvbuf N                      read length (dump tests); reopens sockets
 *
 *   RULES: RULE;RULE..., RULE: ACTION[,KEY=VALUE]..., list values
 *          joined with '+'; "@N" makes N rules. See rule_keys[].
 *   M:     N@ADDR (N consecutive addresses) or ADDR[/LEN][+...];
 *          address+port sets: ADDR~PROTO~PORT, or N@ADDR~PROTO.
 *   L:     TIER:POLICY+POLICY/TIER:POLICY...
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <regex.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/strata.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define MAX_SOCKS	8
#define MEMBERS_PER_MSG 3000
#define BULK_WINDOW	64

static const char *errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "unknown";
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fprintf(stderr, "strata-probe: out of memory\n");
		exit(2);
	}
	return p;
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p) {
		fprintf(stderr, "strata-probe: out of memory\n");
		exit(2);
	}
	return p;
}

/* ---- output text ----------------------------------------------------- */

struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = t->cap - t->len;

		va_start(ap, fmt);
		n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? room : 0, fmt,
			      ap);
		va_end(ap);
		if (n < 0)
			return;
		if (t->s && (size_t)n < room) {
			t->len += n;
			return;
		}
		t->cap = (t->cap + n + 1) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
}

static void text_reset(struct text *t)
{
	t->len = 0;
	if (t->s)
		t->s[0] = '\0';
}

static void text_free(struct text *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

/* FNV-1a, 64 bits */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--) {
		h ^= *c++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

/* ---- message building ---------------------------------------------- */

struct msg {
	unsigned char *b;
	size_t len, cap;
	size_t nest[32];
	int depth;
	bool overflow; /* an attribute outgrew its 16-bit length */
};

static void msg_room(struct msg *m, size_t n)
{
	if (m->len + n <= m->cap)
		return;
	m->cap = (m->len + n) * 2 + 256;
	m->b = xrealloc(m->b, m->cap);
}

static void msg_init(struct msg *m, uint16_t family, uint8_t cmd,
		     uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	m->len = 0;
	m->depth = 0;
	m->overflow = false;
	msg_room(m, NLMSG_HDRLEN + GENL_HDRLEN);
	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh = (struct nlmsghdr *)m->b;
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = STRATA_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
}

static struct nlmsghdr *msg_hdr(struct msg *m)
{
	return (struct nlmsghdr *)m->b;
}

static void msg_put(struct msg *m, uint16_t type, const void *data, size_t n)
{
	struct nlattr *a;
	size_t total = NLA_ALIGN(NLA_HDRLEN + n);

	if (NLA_HDRLEN + n > 0xffff)
		m->overflow = true;
	msg_room(m, total);
	a = (struct nlattr *)(m->b + m->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	if (n)
		memcpy(m->b + m->len + NLA_HDRLEN, data, n);
	memset(m->b + m->len + NLA_HDRLEN + n, 0, total - NLA_HDRLEN - n);
	m->len += total;
}

static void msg_u8(struct msg *m, uint16_t type, uint8_t v)
{
	msg_put(m, type, &v, 1);
}

static void msg_u16(struct msg *m, uint16_t type, uint16_t v)
{
	msg_put(m, type, &v, 2);
}

static void msg_u32(struct msg *m, uint16_t type, uint32_t v)
{
	msg_put(m, type, &v, 4);
}

static void msg_u64(struct msg *m, uint16_t type, uint64_t v)
{
	msg_put(m, type, &v, 8);
}

static void msg_str(struct msg *m, uint16_t type, const char *s)
{
	msg_put(m, type, s, strlen(s) + 1);
}

static void msg_nest(struct msg *m, uint16_t type, bool flag)
{
	msg_put(m, type | (flag ? NLA_F_NESTED : 0), NULL, 0);
	m->nest[m->depth++] = m->len - NLA_HDRLEN;
}

static void msg_end(struct msg *m)
{
	struct nlattr *a = (struct nlattr *)(m->b + m->nest[--m->depth]);

	if (m->len - m->nest[m->depth] > 0xffff)
		m->overflow = true;
	a->nla_len = m->len - m->nest[m->depth];
}

static void msg_finish(struct msg *m, uint32_t seq)
{
	msg_hdr(m)->nlmsg_len = m->len;
	msg_hdr(m)->nlmsg_seq = seq;
}

/* ---- sockets ------------------------------------------------------- */

struct psock {
	int fd;
	uint32_t seq;
};

static struct psock socks[MAX_SOCKS];
static int cur_sock;
static int strata_family = -1;
static int strata_grp[2] = { -1, -1 };
static size_t recv_len = 65536;
static int event_fd = -1;

struct ack {
	int err; /* positive errno, 0 */
	char msg[512];
	long off; /* -1: none */
	unsigned char cookie[20];
	int cookie_len;
	int miss_type;
	bool intr;
	int nmsgs;
};

typedef int (*data_fn)(const struct nlmsghdr *nlh, void *arg);

/* Called once after the first datagram of a reply (dumpintr). */
static void (*after_first)(void);

static int open_sock(void)
{
	struct sockaddr_nl self = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("socket");
		exit(2);
	}
	/* bound now: an unbound socket (port id 0) gets no multicast */
	if (bind(fd, (struct sockaddr *)&self, sizeof(self)) < 0) {
		perror("bind");
		exit(2);
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

static struct psock *sock_get(int i)
{
	struct psock *s = &socks[i];

	if (s->fd <= 0) {
		s->fd = open_sock();
		s->seq = 1000 * (i + 1);
	}
	return s;
}

static int send_buf(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(fd, buf, len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	return 0;
}

/* Receive one datagram into *buf (grown as needed); returns its length. */
static ssize_t recv_dgram(int fd, unsigned char **buf, size_t *cap)
{
	ssize_t n;

	/* peek the length first, like libnl, so big messages are whole */
	n = recv(fd, *buf, recv_len < *cap ? recv_len : *cap,
		 MSG_PEEK | MSG_TRUNC);
	if (n < 0)
		return -errno;
	if ((size_t)n > *cap) {
		*cap = n;
		*buf = xrealloc(*buf, *cap);
	}
	n = recv(fd, *buf, (size_t)n > recv_len ? (size_t)n : recv_len, 0);
	return n < 0 ? -errno : n;
}

static void parse_ack_tlvs(const struct nlmsghdr *nlh, struct ack *a)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e), len = nlh->nlmsg_len - NLMSG_HDRLEN;
	const unsigned char *base = NLMSG_DATA(nlh);

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *t = (const void *)(base + off);
		size_t alen = t->nla_len, n = alen - NLA_HDRLEN;
		const unsigned char *d = base + off + NLA_HDRLEN;

		if (alen < NLA_HDRLEN || off + alen > len)
			break;
		if (getenv("STRATA_PROBE_DEBUG"))
			fprintf(stderr, "ack tlv %u len %zu\n",
				t->nla_type & NLA_TYPE_MASK, n);
		switch (t->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (n >= sizeof(a->msg))
				n = sizeof(a->msg) - 1;
			memcpy(a->msg, d, n);
			a->msg[n] = '\0';
			break;
		case NLMSGERR_ATTR_OFFS:
			if (n >= 4)
				a->off = *(const uint32_t *)d;
			break;
		case NLMSGERR_ATTR_COOKIE:
			if (n > sizeof(a->cookie))
				n = sizeof(a->cookie);
			memcpy(a->cookie, d, n);
			a->cookie_len = n;
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (n >= 4)
				a->miss_type = *(const uint32_t *)d;
			break;
		}
		off += NLA_ALIGN(alen);
	}
}

/* The DONE message of a dump: its errno and extack message. */
static void parse_done(const struct nlmsghdr *nlh, struct ack *a)
{
	const unsigned char *base = NLMSG_DATA(nlh);
	size_t len = nlh->nlmsg_len - NLMSG_HDRLEN, off = 4;
	int err = 0;

	if (len >= 4)
		memcpy(&err, base, 4);
	a->err = err < 0 ? -err : 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *t = (const void *)(base + off);
		size_t alen = t->nla_len, n = alen - NLA_HDRLEN;

		if (alen < NLA_HDRLEN || off + alen > len)
			break;
		if ((t->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			if (n >= sizeof(a->msg))
				n = sizeof(a->msg) - 1;
			memcpy(a->msg, base + off + NLA_HDRLEN, n);
			a->msg[n] = '\0';
		}
		off += NLA_ALIGN(alen);
	}
}

/*
 * Read replies to request @seq until its ack (or, for a dump, DONE).
 * Data messages go to @fn. Returns 0, or -errno on a local failure.
 */
static int wait_reply(struct psock *s, uint32_t seq, data_fn fn, void *arg,
		      struct ack *a)
{
	static unsigned char *buf;
	static size_t cap;
	bool first_done = false;
	ssize_t n;

	if (!buf) {
		cap = 1 << 18;
		buf = xcalloc(1, cap);
	}
	memset(a, 0, sizeof(*a));
	a->off = -1;
	for (;;) {
		struct nlmsghdr *nlh;
		size_t rem;

		if (first_done && after_first) {
			void (*fn_once)(void) = after_first;

			after_first = NULL;
			fn_once();
		}
		n = recv_dgram(s->fd, &buf, &cap);
		if (n < 0)
			return n;
		first_done = true;
		rem = n;
		for (nlh = (void *)buf; NLMSG_OK(nlh, rem);
		     nlh = NLMSG_NEXT(nlh, rem)) {
			if (nlh->nlmsg_seq != seq)
				continue; /* a late reply to something else */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				a->intr = true;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				a->err = -e->error;
				parse_ack_tlvs(nlh, a);
				return 0;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				parse_done(nlh, a);
				return 0;
			}
			a->nmsgs++;
			if (fn && fn(nlh, arg) < 0 && !a->err)
				a->err = EBADMSG;
		}
	}
}

static int request(struct psock *s, struct msg *m, data_fn fn, void *arg,
		   struct ack *a)
{
	uint32_t seq = ++s->seq;
	int ret;

	msg_finish(m, seq);
	ret = send_buf(s->fd, m->b, m->len);
	if (ret)
		return ret;
	return wait_reply(s, seq, fn, arg, a);
}

/* ---- attribute parsing ------------------------------------------------- */

#define for_each_attr(a, data, len, rem)                          \
	for ((a) = (const struct nlattr *)(data), (rem) = (len);  \
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN && \
	     (a)->nla_len <= (rem);                               \
	     (rem) -= (size_t)NLA_ALIGN((a)->nla_len) < (rem)     \
			      ? (size_t)NLA_ALIGN((a)->nla_len)   \
			      : (rem),                            \
	    (a) = (const struct nlattr *)((const char *)(a) +     \
					  NLA_ALIGN((a)->nla_len)))

#define ATTR_MAX 64

static const void *adata(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static size_t alen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static void parse_attrs(const void *data, size_t len, const struct nlattr **tb)
{
	const struct nlattr *a;
	size_t rem;

	memset(tb, 0, sizeof(*tb) * ATTR_MAX);
	for_each_attr (a, data, len, rem) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type < ATTR_MAX)
			tb[type] = a;
	}
}

static void parse_nest(const struct nlattr *nest, const struct nlattr **tb)
{
	parse_attrs(adata(nest), alen(nest), tb);
}

static void parse_genl(const struct nlmsghdr *nlh, const struct nlattr **tb)
{
	parse_attrs((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
		    nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb);
}

static uint8_t get_u8(const struct nlattr *a)
{
	return a ? *(const uint8_t *)adata(a) : 0;
}

static uint16_t get_u16(const struct nlattr *a)
{
	uint16_t v = 0;

	if (a)
		memcpy(&v, adata(a), 2);
	return v;
}

static uint32_t get_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (a)
		memcpy(&v, adata(a), 4);
	return v;
}

static uint64_t get_u64(const struct nlattr *a)
{
	uint64_t v = 0;

	if (a)
		memcpy(&v, adata(a), 8);
	return v;
}

static const char *get_str(const struct nlattr *a)
{
	return a ? adata(a) : "";
}

/* ---- family resolution ------------------------------------------------ */

struct resolve {
	int family;
	int grp[2];
};

static int resolve_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[ATTR_MAX], *g, *gtb[ATTR_MAX];
	struct resolve *r = arg;
	size_t rem;

	parse_genl(nlh, tb);
	if (tb[CTRL_ATTR_FAMILY_ID])
		r->family = get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	for_each_attr (g, adata(tb[CTRL_ATTR_MCAST_GROUPS]),
		       alen(tb[CTRL_ATTR_MCAST_GROUPS]), rem) {
		const char *name;

		parse_nest(g, gtb);
		name = get_str(gtb[CTRL_ATTR_MCAST_GRP_NAME]);
		if (!strcmp(name, STRATA_MCGRP_CONFIG))
			r->grp[0] = get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
		if (!strcmp(name, STRATA_MCGRP_FLOWS))
			r->grp[1] = get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

static int resolve_family(void)
{
	struct resolve r = { -1, { -1, -1 } };
	struct msg m = { 0 };
	struct psock s = { open_sock(), 1 };
	struct ack a;
	int ret;

	if (strata_family >= 0)
		return strata_family;
	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	((struct genlmsghdr *)(m.b + NLMSG_HDRLEN))->version = 1;
	msg_str(&m, CTRL_ATTR_FAMILY_NAME, STRATA_GENL_NAME);
	ret = request(&s, &m, resolve_cb, &r, &a);
	close(s.fd);
	free(m.b);
	if (ret || a.err || r.family < 0) {
		fprintf(stderr, "strata-probe: family %s not found\n",
			STRATA_GENL_NAME);
		exit(2);
	}
	strata_family = r.family;
	strata_grp[0] = r.grp[0];
	strata_grp[1] = r.grp[1];
	return strata_family;
}

/* ---- script arguments -------------------------------------------------- */

struct args {
	int n;
	char **v;
};

/* The value of KEY=VALUE among the arguments, or NULL. */
static const char *opt(const struct args *a, const char *key)
{
	size_t k = strlen(key);
	int i;

	for (i = 0; i < a->n; i++)
		if (!strncmp(a->v[i], key, k) && a->v[i][k] == '=')
			return a->v[i] + k + 1;
	return NULL;
}

static bool flag(const struct args *a, const char *name)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->v[i], name))
			return true;
	return false;
}

static int bad_input(const char *what, const char *s)
{
	fprintf(stderr, "strata-probe: bad %s: %s\n", what, s ? s : "(none)");
	return -1;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

static int parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;

	if (parse_u64(s, &x) || x > UINT32_MAX)
		return -1;
	*v = x;
	return 0;
}

static const char *const action_names[] = {
	[STRATA_ACT_ALLOW] = "allow",	[STRATA_ACT_DENY] = "deny",
	[STRATA_ACT_PASS] = "pass",	[STRATA_ACT_LOG] = "log",
	[STRATA_ACT_REJECT] = "reject",
};

static int parse_action(const char *s, uint8_t *v)
{
	uint32_t x;
	size_t i;

	for (i = 1; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (!strcmp(s, action_names[i])) {
			*v = i;
			return 0;
		}
	if (parse_u32(s, &x) || x > 255)
		return bad_input("action", s);
	*v = x;
	return 0;
}

static const char *action_name(uint8_t a)
{
	static char buf[8];

	if (a && a <= STRATA_ACT_MAX)
		return action_names[a];
	snprintf(buf, sizeof(buf), "%u", a);
	return buf;
}

static int parse_proto(const char *s, uint8_t *v)
{
	static const struct {
		const char *n;
		uint8_t p;
	} names[] = { { "tcp", 6 },
		      { "udp", 17 },
		      { "icmp", 1 },
		      { "icmp6", 58 },
		      { "sctp", 132 } };
	uint32_t x;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].n)) {
			*v = names[i].p;
			return 0;
		}
	if (parse_u32(s, &x) || x > 255)
		return bad_input("protocol", s);
	*v = x;
	return 0;
}

/* ADDR[/LEN], IPv4 or IPv6; host bits are kept as given. */
static int parse_prefix(const char *s, struct strata_prefix *p)
{
	char buf[64], *slash;
	uint32_t len;

	memset(p, 0, sizeof(*p));
	if (strlen(s) >= sizeof(buf))
		return bad_input("prefix", s);
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = STRATA_FAMILY_IPV4;
		p->prefix_len = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = STRATA_FAMILY_IPV6;
		p->prefix_len = 128;
	} else {
		return bad_input("address", s);
	}
	if (slash) {
		if (parse_u32(slash, &len) || len > 255)
			return bad_input("prefix length", s);
		p->prefix_len = len;
	}
	return 0;
}

/* The @i-th address after @base (counting in the last 32 bits). */
static void addr_add(struct strata_prefix *p, const struct strata_prefix *base,
		     uint32_t i)
{
	int off = base->family == STRATA_FAMILY_IPV6 ? 12 : 0;
	uint32_t v;

	*p = *base;
	memcpy(&v, p->addr + off, 4);
	v = htonl(ntohl(v) + i);
	memcpy(p->addr + off, &v, 4);
}

/* A list of prefixes: N@ADDR or ADDR[/LEN][+ADDR[/LEN]...]. */
static int parse_prefixes(const char *s, struct strata_prefix **out,
			  uint32_t *n)
{
	struct strata_prefix base;
	const char *at = strchr(s, '@');
	char *copy, *tok, *save;
	uint32_t count, i;

	*out = NULL;
	*n = 0;
	if (!*s)
		return 0;
	if (at) {
		char num[16];

		if ((size_t)(at - s) >= sizeof(num))
			return bad_input("count", s);
		memcpy(num, s, at - s);
		num[at - s] = '\0';
		if (parse_u32(num, &count) || parse_prefix(at + 1, &base))
			return bad_input("generated list", s);
		*out = xcalloc(count, sizeof(**out));
		for (i = 0; i < count; i++)
			addr_add(&(*out)[i], &base, i);
		*n = count;
		return 0;
	}
	copy = strdup(s);
	for (tok = strtok_r(copy, "+", &save); tok;
	     tok = strtok_r(NULL, "+", &save)) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		if (parse_prefix(tok, &(*out)[*n])) {
			free(copy);
			return -1;
		}
		(*n)++;
	}
	free(copy);
	return 0;
}

static int parse_ids(const char *s, uint32_t **out, uint32_t *n)
{
	char *copy = strdup(s), *tok, *save;

	*out = NULL;
	*n = 0;
	for (tok = strtok_r(copy, "+", &save); tok;
	     tok = strtok_r(NULL, "+", &save)) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		if (parse_u32(tok, &(*out)[*n])) {
			free(copy);
			return bad_input("id list", s);
		}
		(*n)++;
	}
	free(copy);
	return 0;
}

static int parse_ports(const char *s, struct strata_port_range **out,
		       uint32_t *n)
{
	char *copy = strdup(s), *tok, *save;

	*out = NULL;
	*n = 0;
	for (tok = strtok_r(copy, "+", &save); tok;
	     tok = strtok_r(NULL, "+", &save)) {
		char *dash = strchr(tok, '-');
		uint32_t lo, hi;

		if (dash)
			*dash++ = '\0';
		if (parse_u32(tok, &lo) || lo > 65535 ||
		    parse_u32(dash ? dash : tok, &hi) || hi > 65535) {
			free(copy);
			return bad_input("port list", s);
		}
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].lo = lo;
		(*out)[*n].hi = hi;
		(*n)++;
	}
	free(copy);
	return 0;
}

/* ---- encoding objects ----------------------------------------------- */

/* A list attribute of the rule's source or destination side. */
static int put_ent_list(struct msg *m, const char *key, const char *val)
{
	static const struct {
		const char *key;
		int type;
		int kind; /* 0 prefixes, 1 ids, 2 ports */
	} keys[] = {
		{ "nets", STRATA_ENT_A_NETS, 0 },
		{ "notnets", STRATA_ENT_A_NOT_NETS, 0 },
		{ "sets", STRATA_ENT_A_SETS, 1 },
		{ "notsets", STRATA_ENT_A_NOT_SETS, 1 },
		{ "ports", STRATA_ENT_A_PORTS, 2 },
		{ "notports", STRATA_ENT_A_NOT_PORTS, 2 },
		{ "psets", STRATA_ENT_A_PORT_SETS, 1 },
		{ "notpsets", STRATA_ENT_A_NOT_PORT_SETS, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		void *p = NULL;
		uint32_t n = 0;
		size_t size;
		int ret;

		if (strcmp(key, keys[i].key))
			continue;
		if (keys[i].kind == 0) {
			ret = parse_prefixes(val, (struct strata_prefix **)&p,
					     &n);
			size = sizeof(struct strata_prefix);
		} else if (keys[i].kind == 1) {
			ret = parse_ids(val, (uint32_t **)&p, &n);
			size = 4;
		} else {
			ret = parse_ports(val, (struct strata_port_range **)&p,
					  &n);
			size = sizeof(struct strata_port_range);
		}
		if (!ret)
			msg_put(m, keys[i].type, p, n * size);
		free(p);
		return ret;
	}
	return bad_input("rule key", key);
}

/*
 * One rule: ACTION[,KEY=VALUE...]. KEY: proto notproto ipv icmp (T[/C])
 * noticmp cookie, and src.X / dst.X with X in nets notnets sets notsets
 * ports notports psets notpsets.
 */
static int put_rule(struct msg *m, char *spec)
{
	char *tok, *save, *src[16], *dst[16];
	int nsrc = 0, ndst = 0, i, ret = 0;
	uint8_t v;

	msg_nest(m, 1, true);
	tok = strtok_r(spec, ",", &save);
	if (!tok || parse_action(tok, &v))
		return bad_input("rule", spec);
	msg_u8(m, STRATA_RULE_A_ACTION, v);
	while ((tok = strtok_r(NULL, ",", &save))) {
		char *val = strchr(tok, '=');
		uint64_t x;

		if (!val)
			return bad_input("rule option", tok);
		*val++ = '\0';
		if (!strcmp(tok, "proto") || !strcmp(tok, "notproto")) {
			if (parse_proto(val, &v))
				return -1;
			msg_u8(m,
			       tok[0] == 'p' ? STRATA_RULE_A_PROTO
					     : STRATA_RULE_A_NOT_PROTO,
			       v);
		} else if (!strcmp(tok, "ipv")) {
			if (parse_u64(val, &x))
				return bad_input("ipv", val);
			msg_u8(m, STRATA_RULE_A_IP_VERSION, x);
		} else if (!strcmp(tok, "icmp") || !strcmp(tok, "noticmp")) {
			char *slash = strchr(val, '/');
			bool neg = tok[0] == 'n';

			if (slash)
				*slash++ = '\0';
			if (parse_u64(val, &x))
				return bad_input("icmp", val);
			msg_u8(m,
			       neg ? STRATA_RULE_A_NOT_ICMP_TYPE
				   : STRATA_RULE_A_ICMP_TYPE,
			       x);
			if (slash) {
				if (parse_u64(slash, &x))
					return bad_input("icmp code", slash);
				msg_u8(m,
				       neg ? STRATA_RULE_A_NOT_ICMP_CODE
					   : STRATA_RULE_A_ICMP_CODE,
				       x);
			}
		} else if (!strcmp(tok, "cookie")) {
			if (parse_u64(val, &x))
				return bad_input("cookie", val);
			msg_u64(m, STRATA_RULE_A_COOKIE, x);
		} else if (!strncmp(tok, "src.", 4) && nsrc < 16) {
			val[-1] = '=';
			src[nsrc++] = tok + 4;
		} else if (!strncmp(tok, "dst.", 4) && ndst < 16) {
			val[-1] = '=';
			dst[ndst++] = tok + 4;
		} else {
			return bad_input("rule option", tok);
		}
	}
	for (i = 0; i < 2 && !ret; i++) {
		char **list = i ? dst : src;
		int n = i ? ndst : nsrc, j;

		if (!n)
			continue;
		msg_nest(m, i ? STRATA_RULE_A_DST : STRATA_RULE_A_SRC, true);
		for (j = 0; j < n && !ret; j++) {
			char *eq = strchr(list[j], '=');

			*eq = '\0';
			ret = put_ent_list(m, list[j], eq + 1);
		}
		msg_end(m);
	}
	msg_end(m);
	return ret;
}

/* RULES for INGRESS or EGRESS: "r1;r2;..." or "@N" (N simple rules). */
static int put_rules(struct msg *m, int type, const char *spec)
{
	char *copy, *tok, *save;
	int ret = 0;

	msg_nest(m, type, true);
	if (spec[0] == '@') {
		uint32_t n, i;

		if (parse_u32(spec + 1, &n))
			return bad_input("rule count", spec);
		for (i = 0; i < n; i++) {
			struct strata_port_range pr = { i % 65535 + 1,
							i % 65535 + 1 };

			msg_nest(m, 1, true);
			msg_u8(m, STRATA_RULE_A_ACTION, STRATA_ACT_ALLOW);
			msg_u8(m, STRATA_RULE_A_PROTO, 6);
			msg_nest(m, STRATA_RULE_A_DST, true);
			msg_put(m, STRATA_ENT_A_PORTS, &pr, sizeof(pr));
			msg_end(m);
			msg_end(m);
		}
		msg_end(m);
		return 0;
	}
	copy = strdup(spec);
	for (tok = strtok_r(copy, ";", &save); tok && !ret;
	     tok = strtok_r(NULL, ";", &save))
		ret = put_rule(m, tok);
	free(copy);
	msg_end(m);
	return ret;
}

/* The object's reference: ID or name=NAME, as the nest's attributes 1, 2. */
static int put_ref(struct msg *m, const char *ref)
{
	uint32_t id;

	if (!strncmp(ref, "name=", 5)) {
		msg_str(m, 2, ref + 5);
		return 0;
	}
	if (parse_u32(ref, &id))
		return bad_input("id", ref);
	msg_u32(m, 1, id);
	return 0;
}

static int kind_attr(const char *kind, uint8_t *cmd_new, uint8_t *cmd_del,
		     uint8_t *cmd_get)
{
	static const struct {
		const char *name;
		int attr;
		uint8_t n, d, g;
	} kinds[] = {
		{ "tier", STRATA_A_TIER, STRATA_CMD_NEW_TIER,
		  STRATA_CMD_DEL_TIER, STRATA_CMD_GET_TIER },
		{ "policy", STRATA_A_POLICY, STRATA_CMD_NEW_POLICY,
		  STRATA_CMD_DEL_POLICY, STRATA_CMD_GET_POLICY },
		{ "ipset", STRATA_A_IPSET, STRATA_CMD_NEW_IPSET,
		  STRATA_CMD_DEL_IPSET, STRATA_CMD_GET_IPSET },
		{ "endpoint", STRATA_A_ENDPOINT, STRATA_CMD_NEW_ENDPOINT,
		  STRATA_CMD_DEL_ENDPOINT, STRATA_CMD_GET_ENDPOINT },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kind, kinds[i].name))
			continue;
		if (cmd_new)
			*cmd_new = kinds[i].n;
		if (cmd_del)
			*cmd_del = kinds[i].d;
		if (cmd_get)
			*cmd_get = kinds[i].g;
		return kinds[i].attr;
	}
	return bad_input("object kind", kind);
}

static uint16_t replace_flag(const struct args *a)
{
	return flag(a, "replace") ? NLM_F_REPLACE : 0;
}

/* NEW_TIER; a[0] is the id. */
static int enc_tier(struct msg *m, const struct args *a, uint32_t id)
{
	const char *v;
	uint8_t act;

	msg_init(m, strata_family, STRATA_CMD_NEW_TIER,
		 NLM_F_ACK | replace_flag(a));
	msg_nest(m, STRATA_A_TIER, true);
	msg_u32(m, STRATA_TIER_A_ID, id);
	if ((v = opt(a, "name")))
		msg_str(m, STRATA_TIER_A_NAME, v);
	if ((v = opt(a, "action"))) {
		if (parse_action(v, &act))
			return -1;
		msg_u8(m, STRATA_TIER_A_DEFAULT_ACTION, act);
	}
	msg_end(m);
	return 0;
}

static int enc_policy(struct msg *m, const struct args *a, uint32_t id)
{
	const char *v;
	int ret = 0;

	msg_init(m, strata_family, STRATA_CMD_NEW_POLICY,
		 NLM_F_ACK | replace_flag(a));
	msg_nest(m, STRATA_A_POLICY, true);
	msg_u32(m, STRATA_POLICY_A_ID, id);
	if ((v = opt(a, "name")))
		msg_str(m, STRATA_POLICY_A_NAME, v);
	if (flag(a, "append"))
		msg_u32(m, STRATA_POLICY_A_FLAGS, STRATA_POLICY_F_APPEND);
	if ((v = opt(a, "in")))
		ret = put_rules(m, STRATA_POLICY_A_INGRESS, v);
	if (!ret && (v = opt(a, "out")))
		ret = put_rules(m, STRATA_POLICY_A_EGRESS, v);
	msg_end(m);
	return ret;
}

static int parse_kind(const char *s, uint8_t *kind)
{
	uint32_t x;

	if (!strcmp(s, "addr"))
		*kind = STRATA_IPSET_ADDR;
	else if (!strcmp(s, "net"))
		*kind = STRATA_IPSET_NET;
	else if (!strcmp(s, "port"))
		*kind = STRATA_IPSET_ADDR_PORT;
	else if (!parse_u32(s, &x) && x < 256)
		*kind = x;
	else
		return bad_input("set kind", s);
	return 0;
}

/*
 * Members: N@ADDR[/LEN][~PROTO] or ADDR[/LEN][~PROTO~PORT][+...].
 * Generated address+port members get ports 1, 2, ...
 */
static int parse_members(const char *s, struct strata_member **out, uint32_t *n)
{
	char *copy = strdup(s), *tok, *save;
	uint32_t count = 1, i;
	bool gen = false;

	*out = NULL;
	*n = 0;
	for (tok = strtok_r(copy, "+", &save); tok;
	     tok = strtok_r(NULL, "+", &save)) {
		char *at = strchr(tok, '@'), *c1, *c2 = NULL;
		struct strata_prefix p, q;
		uint8_t proto = 0;
		uint32_t port = 0;

		if (at) {
			*at = '\0';
			if (parse_u32(tok, &count))
				goto bad;
			tok = at + 1;
			gen = true;
		}
		c1 = strchr(tok, '~');
		if (c1) {
			*c1++ = '\0';
			c2 = strchr(c1, '~');
			if (c2)
				*c2++ = '\0';
			if (parse_proto(c1, &proto))
				goto bad;
			if (c2 && (parse_u32(c2, &port) || port > 65535))
				goto bad;
		}
		if (parse_prefix(tok, &p))
			goto bad;
		*out = xrealloc(*out, (*n + count) * sizeof(**out));
		for (i = 0; i < count; i++) {
			struct strata_member *mb = &(*out)[*n + i];

			addr_add(&q, &p, gen ? i : 0);
			memset(mb, 0, sizeof(*mb));
			memcpy(mb->addr, q.addr, 16);
			mb->prefix_len = q.prefix_len;
			mb->proto = proto;
			mb->port = proto ? (gen ? i % 65535 + 1 : port) : 0;
		}
		*n += count;
		count = 1;
		gen = false;
	}
	free(copy);
	return 0;
bad:
	free(copy);
	free(*out);
	*out = NULL;
	return bad_input("members", s);
}

static int enc_ipset(struct msg *m, const struct args *a, uint32_t id,
		     const struct strata_member *mb, uint32_t n)
{
	const char *v;
	uint32_t x;
	uint8_t k;

	msg_init(m, strata_family, STRATA_CMD_NEW_IPSET,
		 NLM_F_ACK | replace_flag(a));
	msg_nest(m, STRATA_A_IPSET, true);
	msg_u32(m, STRATA_IPSET_A_ID, id);
	if ((v = opt(a, "name")))
		msg_str(m, STRATA_IPSET_A_NAME, v);
	v = opt(a, "family");
	if (parse_u32(v ? v : "4", &x))
		return bad_input("family", v);
	msg_u8(m, STRATA_IPSET_A_FAMILY, x);
	v = opt(a, "kind");
	if (parse_kind(v ? v : "addr", &k))
		return -1;
	msg_u8(m, STRATA_IPSET_A_KIND, k);
	if (n)
		msg_put(m, STRATA_IPSET_A_MEMBERS, mb, n * sizeof(*mb));
	msg_end(m);
	return 0;
}

/* L: TIER:POL+POL/TIER:POL... as a nested array of STRATA_TIERREF. */
static int put_eplist(struct msg *m, int type, const char *spec)
{
	char *copy = strdup(spec), *tok, *save;
	int ret = 0;

	msg_nest(m, type, true);
	for (tok = strtok_r(copy, "/", &save); tok && !ret;
	     tok = strtok_r(NULL, "/", &save)) {
		char *colon = strchr(tok, ':');
		uint32_t tier, *ids = NULL, n = 0;

		if (colon)
			*colon++ = '\0';
		if (parse_u32(tok, &tier)) {
			ret = bad_input("tier reference", tok);
			break;
		}
		msg_nest(m, 1, true);
		msg_u32(m, STRATA_TIERREF_A_TIER, tier);
		if (colon) {
			ret = parse_ids(colon, &ids, &n);
			msg_put(m, STRATA_TIERREF_A_POLICIES, ids, n * 4);
			free(ids);
		}
		msg_end(m);
	}
	free(copy);
	msg_end(m);
	return ret;
}

static int enc_endpoint(struct msg *m, const struct args *a, uint32_t id,
			const char *name, const char *ifname)
{
	static const char *const lists[__STRATA_LIST_MAX] = {
		"in", "out", "uin", "uout", "prednat", "fin", "fout",
	};
	const char *v;
	uint32_t x, *ids, n;
	struct strata_prefix *p;
	int l, ret = 0;

	msg_init(m, strata_family, STRATA_CMD_NEW_ENDPOINT,
		 NLM_F_ACK | replace_flag(a));
	msg_nest(m, STRATA_A_ENDPOINT, true);
	msg_u32(m, STRATA_EP_A_ID, id);
	if (name)
		msg_str(m, STRATA_EP_A_NAME, name);
	v = opt(a, "kind");
	if (!v || !strcmp(v, "wl"))
		x = STRATA_EP_WORKLOAD;
	else if (!strcmp(v, "host"))
		x = STRATA_EP_HOST;
	else if (parse_u32(v, &x))
		return bad_input("endpoint kind", v);
	msg_u8(m, STRATA_EP_A_KIND, x);
	if (ifname)
		msg_str(m, STRATA_EP_A_IFNAME, ifname);
	if ((v = opt(a, "addrs"))) {
		if (parse_prefixes(v, &p, &n))
			return -1;
		msg_put(m, STRATA_EP_A_ADDRS, p, n * sizeof(*p));
		free(p);
	}
	if ((v = opt(a, "spoof"))) {
		if (parse_prefixes(v, &p, &n))
			return -1;
		msg_put(m, STRATA_EP_A_SPOOF, p, n * sizeof(*p));
		free(p);
	}
	if ((v = opt(a, "mark"))) {
		if (parse_u32(v, &x))
			return bad_input("mark", v);
		msg_u32(m, STRATA_EP_A_MARK, x);
	}
	if ((v = opt(a, "nomatch"))) {
		uint8_t act;

		if (parse_action(v, &act))
			return -1;
		msg_u8(m, STRATA_EP_A_NO_MATCH, act);
	}
	if ((v = opt(a, "profiles"))) {
		if (parse_ids(v, &ids, &n))
			return -1;
		msg_put(m, STRATA_EP_A_PROFILES, ids, n * 4);
		free(ids);
	}
	for (l = 0; l < __STRATA_LIST_MAX; l++)
		if (opt(a, lists[l]))
			break;
	if (l < __STRATA_LIST_MAX) {
		msg_nest(m, STRATA_EP_A_LISTS, true);
		for (l = 0; l < __STRATA_LIST_MAX && !ret; l++)
			if ((v = opt(a, lists[l])))
				ret = put_eplist(m, l + 1, v);
		msg_end(m);
	}
	msg_end(m);
	return ret;
}

/* failsafe list: PROTO:PORT[@PREFIX][+...] */
static int put_failsafes(struct msg *m, int type, const char *spec)
{
	char *copy = strdup(spec), *tok, *save;
	struct strata_failsafe *f = NULL;
	uint32_t n = 0;
	int ret = 0;

	for (tok = strtok_r(copy, "+", &save); tok && !ret;
	     tok = strtok_r(NULL, "+", &save)) {
		char *colon = strchr(tok, ':'), *at;
		uint32_t port;

		f = xrealloc(f, (n + 1) * sizeof(*f));
		memset(&f[n], 0, sizeof(f[n]));
		if (!colon) {
			ret = bad_input("failsafe", tok);
			break;
		}
		*colon++ = '\0';
		at = strchr(colon, '@');
		if (at)
			*at++ = '\0';
		if (parse_proto(tok, &f[n].proto) || parse_u32(colon, &port) ||
		    port > 65535 || (at && parse_prefix(at, &f[n].net))) {
			ret = bad_input("failsafe", tok);
			break;
		}
		f[n].port = port;
		n++;
	}
	if (!ret)
		msg_put(m, type, f, n * sizeof(*f));
	free(f);
	free(copy);
	return ret;
}

static const struct {
	const char *key;
	int type;
	int size; /* 1, 2, 4 */
} set_keys[] = {
	{ "markmask", STRATA_SET_A_MARK_MASK, 4 },
	{ "markaccept", STRATA_SET_A_MARK_ACCEPT, 4 },
	{ "wltohost", STRATA_SET_A_WL_TO_HOST, 1 },
	{ "lograte", STRATA_SET_A_LOG_RATE, 4 },
	{ "logburst", STRATA_SET_A_LOG_BURST, 4 },
	{ "ctinvalid", STRATA_SET_A_CT_INVALID_DROP, 1 },
	{ "ipip", STRATA_SET_A_ALLOW_IPIP, 1 },
	{ "vxlan", STRATA_SET_A_ALLOW_VXLAN, 1 },
	{ "vxlanport", STRATA_SET_A_VXLAN_PORT, 2 },
	{ "flowrate", STRATA_SET_A_FLOW_RATE, 4 },
	{ "flowburst", STRATA_SET_A_FLOW_BURST, 4 },
	{ "limit.tiers", STRATA_SET_A_LIMIT_TIERS, 4 },
	{ "limit.policies", STRATA_SET_A_LIMIT_POLICIES, 4 },
	{ "limit.rules", STRATA_SET_A_LIMIT_RULES, 4 },
	{ "limit.ipsets", STRATA_SET_A_LIMIT_IPSETS, 4 },
	{ "limit.members", STRATA_SET_A_LIMIT_MEMBERS, 4 },
	{ "limit.endpoints", STRATA_SET_A_LIMIT_ENDPOINTS, 4 },
};

static int enc_settings(struct msg *m, const struct args *a)
{
	int i, ret = 0;
	size_t k;

	msg_init(m, strata_family, STRATA_CMD_SET_SETTINGS, NLM_F_ACK);
	msg_nest(m, STRATA_A_SETTINGS, true);
	for (i = 0; i < a->n && !ret; i++) {
		char *eq = strchr(a->v[i], '=');
		uint64_t x;

		if (!eq)
			return bad_input("setting", a->v[i]);
		*eq = '\0';
		if (!strcmp(a->v[i], "wlprefix")) {
			char *copy = strdup(eq + 1), *tok, *save;

			msg_nest(m, STRATA_SET_A_WL_PREFIXES, true);
			for (tok = strtok_r(copy, "+", &save); tok;
			     tok = strtok_r(NULL, "+", &save))
				msg_str(m, 1, tok);
			msg_end(m);
			free(copy);
		} else if (!strcmp(a->v[i], "failsafein") ||
			   !strcmp(a->v[i], "failsafeout")) {
			ret = put_failsafes(m,
					    a->v[i][8] == 'i'
						    ? STRATA_SET_A_FAILSAFE_IN
						    : STRATA_SET_A_FAILSAFE_OUT,
					    eq + 1);
		} else {
			for (k = 0; k < sizeof(set_keys) / sizeof(set_keys[0]);
			     k++)
				if (!strcmp(a->v[i], set_keys[k].key))
					break;
			if (k == sizeof(set_keys) / sizeof(set_keys[0]) ||
			    parse_u64(eq + 1, &x))
				ret = bad_input("setting", a->v[i]);
			else if (set_keys[k].size == 1)
				msg_u8(m, set_keys[k].type, x);
			else if (set_keys[k].size == 2)
				msg_u16(m, set_keys[k].type, x);
			else
				msg_u32(m, set_keys[k].type, x);
		}
		*eq = '=';
	}
	msg_end(m);
	return ret;
}

/* ---- printing replies ---------------------------------------------- */

static void print_prefix(struct text *t, const struct strata_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(p->family == STRATA_FAMILY_IPV6 ? AF_INET6 : AF_INET, p->addr,
		  buf, sizeof(buf));
	text_add(t, "%s/%u", buf, p->prefix_len);
}

static void print_prefixes(struct text *t, const char *key,
			   const struct nlattr *a)
{
	const struct strata_prefix *p = a ? adata(a) : NULL;
	size_t n = a ? alen(a) / sizeof(*p) : 0, i;

	if (!n)
		return;
	text_add(t, " %s=", key);
	if (n > 8) {
		text_add(t, "#%zu", n);
		return;
	}
	for (i = 0; i < n; i++) {
		struct strata_prefix q;

		memcpy(&q, &p[i], sizeof(q));
		if (i)
			text_add(t, "+");
		print_prefix(t, &q);
	}
}

static void print_ids(struct text *t, const char *key, char sep,
		      const struct nlattr *a)
{
	size_t n = a ? alen(a) / 4 : 0, i;

	if (!n)
		return;
	text_add(t, "%c%s=", sep, key);
	for (i = 0; i < n; i++) {
		uint32_t v;

		memcpy(&v, (const char *)adata(a) + 4 * i, 4);
		text_add(t, "%s%u", i ? "+" : "", v);
	}
}

static void print_ports(struct text *t, const char *key, const struct nlattr *a)
{
	size_t n = a ? alen(a) / 4 : 0, i;

	if (!n)
		return;
	text_add(t, ",%s=", key);
	for (i = 0; i < n; i++) {
		struct strata_port_range r;

		memcpy(&r, (const char *)adata(a) + 4 * i, 4);
		if (r.lo == r.hi)
			text_add(t, "%s%u", i ? "+" : "", r.lo);
		else
			text_add(t, "%s%u-%u", i ? "+" : "", r.lo, r.hi);
	}
}

static void print_ent(struct text *t, const char *side,
		      const struct nlattr *nest)
{
	const struct nlattr *tb[ATTR_MAX];
	char key[32];

	if (!nest)
		return;
	parse_nest(nest, tb);
	if (tb[STRATA_ENT_A_NETS] || tb[STRATA_ENT_A_NOT_NETS]) {
		/* reuse the prefix printer with a "," separator */
		struct text tmp = { 0 };

		snprintf(key, sizeof(key), "%s.nets", side);
		print_prefixes(&tmp, key, tb[STRATA_ENT_A_NETS]);
		snprintf(key, sizeof(key), "%s.notnets", side);
		print_prefixes(&tmp, key, tb[STRATA_ENT_A_NOT_NETS]);
		if (tmp.s) {
			size_t i;

			for (i = 0; i < tmp.len; i++)
				if (tmp.s[i] == ' ')
					tmp.s[i] = ',';
			text_add(t, "%s", tmp.s);
		}
		text_free(&tmp);
	}
	snprintf(key, sizeof(key), "%s.sets", side);
	print_ids(t, key, ',', tb[STRATA_ENT_A_SETS]);
	snprintf(key, sizeof(key), "%s.notsets", side);
	print_ids(t, key, ',', tb[STRATA_ENT_A_NOT_SETS]);
	snprintf(key, sizeof(key), "%s.ports", side);
	print_ports(t, key, tb[STRATA_ENT_A_PORTS]);
	snprintf(key, sizeof(key), "%s.notports", side);
	print_ports(t, key, tb[STRATA_ENT_A_NOT_PORTS]);
	snprintf(key, sizeof(key), "%s.psets", side);
	print_ids(t, key, ',', tb[STRATA_ENT_A_PORT_SETS]);
	snprintf(key, sizeof(key), "%s.notpsets", side);
	print_ids(t, key, ',', tb[STRATA_ENT_A_NOT_PORT_SETS]);
}

/* A rule in the syntax put_rule() reads. */
static void print_rule(struct text *t, const struct nlattr *el)
{
	const struct nlattr *tb[ATTR_MAX];

	parse_nest(el, tb);
	text_add(t, "%s", action_name(get_u8(tb[STRATA_RULE_A_ACTION])));
	if (tb[STRATA_RULE_A_PROTO])
		text_add(t, ",proto=%u", get_u8(tb[STRATA_RULE_A_PROTO]));
	if (tb[STRATA_RULE_A_NOT_PROTO])
		text_add(t, ",notproto=%u",
			 get_u8(tb[STRATA_RULE_A_NOT_PROTO]));
	if (tb[STRATA_RULE_A_IP_VERSION])
		text_add(t, ",ipv=%u", get_u8(tb[STRATA_RULE_A_IP_VERSION]));
	if (tb[STRATA_RULE_A_ICMP_TYPE]) {
		text_add(t, ",icmp=%u", get_u8(tb[STRATA_RULE_A_ICMP_TYPE]));
		if (tb[STRATA_RULE_A_ICMP_CODE])
			text_add(t, "/%u", get_u8(tb[STRATA_RULE_A_ICMP_CODE]));
	}
	if (tb[STRATA_RULE_A_NOT_ICMP_TYPE]) {
		text_add(t, ",noticmp=%u",
			 get_u8(tb[STRATA_RULE_A_NOT_ICMP_TYPE]));
		if (tb[STRATA_RULE_A_NOT_ICMP_CODE])
			text_add(t, "/%u",
				 get_u8(tb[STRATA_RULE_A_NOT_ICMP_CODE]));
	}
	if (tb[STRATA_RULE_A_COOKIE])
		text_add(t, ",cookie=%" PRIu64,
			 get_u64(tb[STRATA_RULE_A_COOKIE]));
	print_ent(t, "src", tb[STRATA_RULE_A_SRC]);
	print_ent(t, "dst", tb[STRATA_RULE_A_DST]);
}

static uint32_t count_elems(const struct nlattr *arr)
{
	const struct nlattr *el;
	uint32_t n = 0;
	size_t rem;

	if (!arr)
		return 0;
	for_each_attr (el, adata(arr), alen(arr), rem)
		n++;
	return n;
}

static void print_rules(struct text *t, const char *key,
			const struct nlattr *arr)
{
	const struct nlattr *el;
	uint32_t n = count_elems(arr), i = 0;
	size_t rem;

	if (!n)
		return;
	if (n > 16) {
		text_add(t, " %s=#%u", key, n);
		return;
	}
	text_add(t, " %s=", key);
	for_each_attr (el, adata(arr), alen(arr), rem) {
		if (i++)
			text_add(t, ";");
		print_rule(t, el);
	}
}

static void print_tier(struct text *t, const struct nlattr *nest)
{
	const struct nlattr *tb[ATTR_MAX];

	parse_nest(nest, tb);
	text_add(t, "id=%u name=%s action=%s", get_u32(tb[STRATA_TIER_A_ID]),
		 get_str(tb[STRATA_TIER_A_NAME]),
		 action_name(get_u8(tb[STRATA_TIER_A_DEFAULT_ACTION])));
}

static void print_policy(struct text *t, const struct nlattr *nest)
{
	const struct nlattr *tb[ATTR_MAX];

	parse_nest(nest, tb);
	text_add(t, "id=%u name=%s nin=%u nout=%u",
		 get_u32(tb[STRATA_POLICY_A_ID]),
		 get_str(tb[STRATA_POLICY_A_NAME]),
		 get_u32(tb[STRATA_POLICY_A_INGRESS_COUNT]),
		 get_u32(tb[STRATA_POLICY_A_EGRESS_COUNT]));
	print_rules(t, "in", tb[STRATA_POLICY_A_INGRESS]);
	print_rules(t, "out", tb[STRATA_POLICY_A_EGRESS]);
}

static const char *set_kind_name(uint8_t k)
{
	static const char *const n[] = { "0", "addr", "net", "port" };

	return k < 4 ? n[k] : "?";
}

static void print_ipset(struct text *t, const struct nlattr *nest)
{
	const struct nlattr *tb[ATTR_MAX];

	parse_nest(nest, tb);
	text_add(t, "id=%u name=%s family=%u kind=%s count=%u",
		 get_u32(tb[STRATA_IPSET_A_ID]),
		 get_str(tb[STRATA_IPSET_A_NAME]),
		 get_u8(tb[STRATA_IPSET_A_FAMILY]),
		 set_kind_name(get_u8(tb[STRATA_IPSET_A_KIND])),
		 get_u32(tb[STRATA_IPSET_A_COUNT]));
}

static void print_endpoint(struct text *t, const struct nlattr *nest)
{
	static const char *const lists[__STRATA_LIST_MAX] = {
		"in", "out", "uin", "uout", "prednat", "fin", "fout",
	};
	const struct nlattr *tb[ATTR_MAX], *ltb[ATTR_MAX], *el;
	int l;

	parse_nest(nest, tb);
	text_add(t, "id=%u name=%s kind=%s if=%s mark=%u nomatch=%s",
		 get_u32(tb[STRATA_EP_A_ID]), get_str(tb[STRATA_EP_A_NAME]),
		 get_u8(tb[STRATA_EP_A_KIND]) == STRATA_EP_HOST ? "host" : "wl",
		 get_str(tb[STRATA_EP_A_IFNAME]), get_u32(tb[STRATA_EP_A_MARK]),
		 action_name(get_u8(tb[STRATA_EP_A_NO_MATCH])));
	print_prefixes(t, "addrs", tb[STRATA_EP_A_ADDRS]);
	print_prefixes(t, "spoof", tb[STRATA_EP_A_SPOOF]);
	print_ids(t, "profiles", ' ', tb[STRATA_EP_A_PROFILES]);
	if (!tb[STRATA_EP_A_LISTS])
		return;
	parse_nest(tb[STRATA_EP_A_LISTS], ltb);
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		size_t rem;
		int i = 0;

		if (!ltb[l + 1])
			continue;
		text_add(t, " %s=", lists[l]);
		for_each_attr (el, adata(ltb[l + 1]), alen(ltb[l + 1]), rem) {
			const struct nlattr *rtb[ATTR_MAX];
			struct text ids = { 0 };

			parse_nest(el, rtb);
			print_ids(&ids, "", ':',
				  rtb[STRATA_TIERREF_A_POLICIES]);
			/* ids is ":=P+P": print TIER:P+P */
			text_add(t, "%s%u%s%s", i++ ? "/" : "",
				 get_u32(rtb[STRATA_TIERREF_A_TIER]),
				 ids.s ? ":" : "", ids.s ? ids.s + 2 : "");
			text_free(&ids);
		}
	}
}

static void print_failsafes(struct text *t, const char *key,
			    const struct nlattr *a)
{
	size_t n = a ? alen(a) / sizeof(struct strata_failsafe) : 0, i;

	text_add(t, " %s=", key);
	for (i = 0; i < n; i++) {
		struct strata_failsafe f;

		memcpy(&f, (const char *)adata(a) + i * sizeof(f), sizeof(f));
		text_add(t, "%s%u:%u", i ? "+" : "", f.proto, f.port);
		if (f.net.family) {
			text_add(t, "@");
			print_prefix(t, &f.net);
		}
	}
}

static void print_settings(struct text *t, const struct nlattr *nest)
{
	const struct nlattr *tb[ATTR_MAX], *el;
	size_t k, rem;
	int i = 0;

	parse_nest(nest, tb);
	text_add(t, "markmask=%#x markaccept=%#x",
		 get_u32(tb[STRATA_SET_A_MARK_MASK]),
		 get_u32(tb[STRATA_SET_A_MARK_ACCEPT]));
	for (k = 2; k < sizeof(set_keys) / sizeof(set_keys[0]); k++) {
		const struct nlattr *a = tb[set_keys[k].type];
		uint32_t v = set_keys[k].size == 1   ? get_u8(a)
			     : set_keys[k].size == 2 ? get_u16(a)
						     : get_u32(a);

		text_add(t, " %s=%u", set_keys[k].key, v);
	}
	text_add(t, " wlprefix=");
	if (tb[STRATA_SET_A_WL_PREFIXES])
		for_each_attr (el, adata(tb[STRATA_SET_A_WL_PREFIXES]),
			       alen(tb[STRATA_SET_A_WL_PREFIXES]), rem)
			text_add(t, "%s%s", i++ ? "+" : "", get_str(el));
	print_failsafes(t, "failsafein", tb[STRATA_SET_A_FAILSAFE_IN]);
	print_failsafes(t, "failsafeout", tb[STRATA_SET_A_FAILSAFE_OUT]);
}

static void print_stats(struct text *t, const struct nlattr *nest)
{
	const struct nlattr *tb[ATTR_MAX];

	parse_nest(nest, tb);
	text_add(t,
		 "gen=%" PRIu64 " tiers=%u policies=%u rules=%u ipsets=%u"
		 " members=%u endpoints=%u programs=%u classes=%u mem=%" PRIu64
		 " tx=%u",
		 get_u64(tb[STRATA_STATS_A_GENERATION]),
		 get_u32(tb[STRATA_STATS_A_TIERS]),
		 get_u32(tb[STRATA_STATS_A_POLICIES]),
		 get_u32(tb[STRATA_STATS_A_RULES]),
		 get_u32(tb[STRATA_STATS_A_IPSETS]),
		 get_u32(tb[STRATA_STATS_A_MEMBERS]),
		 get_u32(tb[STRATA_STATS_A_ENDPOINTS]),
		 get_u32(tb[STRATA_STATS_A_PROGRAMS]),
		 get_u32(tb[STRATA_STATS_A_CLASSES]),
		 get_u64(tb[STRATA_STATS_A_MEM_BYTES]),
		 get_u8(tb[STRATA_STATS_A_TX_OPEN]));
}

/* A doit reply: print whatever it carries. */
static int print_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[ATTR_MAX];
	struct text *t = arg;

	parse_genl(nlh, tb);
	if (tb[STRATA_A_TIER])
		print_tier(t, tb[STRATA_A_TIER]);
	if (tb[STRATA_A_POLICY])
		print_policy(t, tb[STRATA_A_POLICY]);
	if (tb[STRATA_A_IPSET])
		print_ipset(t, tb[STRATA_A_IPSET]);
	if (tb[STRATA_A_ENDPOINT])
		print_endpoint(t, tb[STRATA_A_ENDPOINT]);
	if (tb[STRATA_A_SETTINGS])
		print_settings(t, tb[STRATA_A_SETTINGS]);
	if (tb[STRATA_A_STATS])
		print_stats(t, tb[STRATA_A_STATS]);
	if (tb[STRATA_A_VERSION_ABI])
		text_add(t, "abi=%u genl=%u module=%s ",
			 get_u32(tb[STRATA_A_VERSION_ABI]),
			 get_u32(tb[STRATA_A_VERSION_GENL]),
			 get_str(tb[STRATA_A_VERSION_MODULE]));
	if (tb[STRATA_A_GENERATION] && !tb[STRATA_A_STATS])
		text_add(t, "%sgen=%" PRIu64, t->len ? " " : "",
			 get_u64(tb[STRATA_A_GENERATION]));
	return 0;
}

/* ---- dumps ------------------------------------------------------------- */

struct dumpck {
	uint8_t cmd;
	uint32_t count, first, last;
	bool broken;
	char why[160];
	uint32_t empty; /* messages carrying no object */
	uint64_t hash;
	uint64_t gen;
	/* policies */
	bool open;
	uint32_t cur, got[2], want[2], rules;
	/* members */
	uint32_t members, reported;
	uint64_t msum;
	/* ids seen, if collecting */
	bool collect;
	uint32_t *ids;
	size_t nids;
};

static void dump_broken(struct dumpck *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void dump_broken(struct dumpck *d, const char *fmt, ...)
{
	va_list ap;

	if (d->broken)
		return;
	d->broken = true;
	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
}

static void hash_text(struct dumpck *d, struct text *t)
{
	if (t->s)
		d->hash = fnv(d->hash, t->s, t->len + 1);
	text_reset(t);
}

static void dump_next_id(struct dumpck *d, uint32_t id)
{
	if (d->count && id <= d->last)
		dump_broken(d, "id %u after %u", id, d->last);
	if (!d->count)
		d->first = id;
	d->last = id;
	d->count++;
	if (d->collect) {
		d->ids = xrealloc(d->ids, (d->nids + 1) * sizeof(*d->ids));
		d->ids[d->nids++] = id;
	}
}

static void policy_close(struct dumpck *d)
{
	if (d->open && (d->got[0] != d->want[0] || d->got[1] != d->want[1]))
		dump_broken(d, "policy %u: %u+%u of %u+%u rules", d->cur,
			    d->got[0], d->got[1], d->want[0], d->want[1]);
	d->open = false;
}

static void dump_policy(struct dumpck *d, const struct nlattr *nest)
{
	static const int arr[2] = { STRATA_POLICY_A_INGRESS,
				    STRATA_POLICY_A_EGRESS };
	static const int start[2] = { STRATA_POLICY_A_INGRESS_START,
				      STRATA_POLICY_A_EGRESS_START };
	const struct nlattr *tb[ATTR_MAX], *el;
	struct text t = { 0 };
	uint32_t id;
	size_t rem;
	int dir;

	parse_nest(nest, tb);
	id = get_u32(tb[STRATA_POLICY_A_ID]);
	if (!d->open || id != d->cur) {
		policy_close(d);
		dump_next_id(d, id);
		d->open = true;
		d->cur = id;
		d->got[0] = d->got[1] = 0;
		d->want[0] = get_u32(tb[STRATA_POLICY_A_INGRESS_COUNT]);
		d->want[1] = get_u32(tb[STRATA_POLICY_A_EGRESS_COUNT]);
		text_add(&t, "policy %u %s %u %u", id,
			 get_str(tb[STRATA_POLICY_A_NAME]), d->want[0],
			 d->want[1]);
		hash_text(d, &t);
	}
	for (dir = 0; dir < 2; dir++) {
		if (!tb[arr[dir]])
			continue;
		if (!tb[start[dir]] || get_u32(tb[start[dir]]) != d->got[dir])
			dump_broken(d, "policy %u dir %d: start %u, have %u",
				    id, dir, get_u32(tb[start[dir]]),
				    d->got[dir]);
		for_each_attr (el, adata(tb[arr[dir]]), alen(tb[arr[dir]]),
			       rem) {
			text_add(&t, "%d ", dir);
			print_rule(&t, el);
			hash_text(d, &t);
			d->got[dir]++;
			d->rules++;
		}
	}
	text_free(&t);
}

static void dump_members(struct dumpck *d, const struct nlattr *nest)
{
	const struct nlattr *tb[ATTR_MAX];
	size_t n, i;

	parse_nest(nest, tb);
	d->reported = get_u32(tb[STRATA_IPSET_A_COUNT]);
	if (!tb[STRATA_IPSET_A_MEMBERS])
		return;
	if (alen(tb[STRATA_IPSET_A_MEMBERS]) % sizeof(struct strata_member))
		dump_broken(d, "members array of %zu bytes",
			    alen(tb[STRATA_IPSET_A_MEMBERS]));
	n = alen(tb[STRATA_IPSET_A_MEMBERS]) / sizeof(struct strata_member);
	for (i = 0; i < n; i++) {
		const char *p =
			(const char *)adata(tb[STRATA_IPSET_A_MEMBERS]) +
			i * sizeof(struct strata_member);

		/* order-independent: members come in index order */
		d->msum += fnv(FNV_INIT, p, sizeof(struct strata_member));
	}
	d->members += n;
}

static int dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[ATTR_MAX], *otb[ATTR_MAX], *nest = NULL;
	struct dumpck *d = arg;
	struct text t = { 0 };

	parse_genl(nlh, tb);
	if (!tb[STRATA_A_GENERATION])
		dump_broken(d, "a message without STRATA_A_GENERATION");
	d->gen = get_u64(tb[STRATA_A_GENERATION]);
	switch (d->cmd) {
	case STRATA_CMD_GET_TIER:
		nest = tb[STRATA_A_TIER];
		if (nest)
			print_tier(&t, nest);
		break;
	case STRATA_CMD_GET_IPSET:
		nest = tb[STRATA_A_IPSET];
		if (nest)
			print_ipset(&t, nest);
		break;
	case STRATA_CMD_GET_ENDPOINT:
		nest = tb[STRATA_A_ENDPOINT];
		if (nest)
			print_endpoint(&t, nest);
		break;
	case STRATA_CMD_GET_POLICY:
		nest = tb[STRATA_A_POLICY];
		if (nest)
			dump_policy(d, nest);
		break;
	case STRATA_CMD_GET_MEMBERS:
		nest = tb[STRATA_A_IPSET];
		if (nest)
			dump_members(d, nest);
		break;
	}
	if (!nest) {
		d->empty++;
	} else if (d->cmd != STRATA_CMD_GET_POLICY &&
		   d->cmd != STRATA_CMD_GET_MEMBERS) {
		parse_nest(nest, otb);
		dump_next_id(d, get_u32(otb[1]));
		hash_text(d, &t);
	}
	text_free(&t);
	return 0;
}

static int do_dump(struct psock *s, uint8_t cmd, const char *ref,
		   struct dumpck *d, struct ack *a)
{
	struct msg m = { 0 };
	bool collect = d->collect;
	int attr = 0, ret;

	memset(d, 0, sizeof(*d));
	d->collect = collect;
	d->cmd = cmd;
	d->hash = FNV_INIT;
	msg_init(&m, strata_family, cmd, NLM_F_DUMP);
	switch (cmd) {
	case STRATA_CMD_GET_TIER:
		attr = STRATA_A_TIER;
		break;
	case STRATA_CMD_GET_POLICY:
		attr = STRATA_A_POLICY;
		break;
	case STRATA_CMD_GET_ENDPOINT:
		attr = STRATA_A_ENDPOINT;
		break;
	default:
		attr = STRATA_A_IPSET;
		break;
	}
	if (ref) {
		msg_nest(&m, attr, true);
		if (put_ref(&m, ref)) {
			free(m.b);
			return -EINVAL;
		}
		msg_end(&m);
	}
	ret = request(s, &m, dump_cb, d, a);
	free(m.b);
	if (cmd == STRATA_CMD_GET_POLICY)
		policy_close(d);
	if (cmd == STRATA_CMD_GET_MEMBERS && !a->err &&
	    d->members != d->reported)
		dump_broken(d, "%u members dumped, %u reported", d->members,
			    d->reported);
	return ret;
}

/* The whole state's digest: every dump, members and settings. */
static int digest(struct psock *s, uint64_t *out, struct text *t)
{
	static const uint8_t cmds[] = { STRATA_CMD_GET_TIER,
					STRATA_CMD_GET_POLICY,
					STRATA_CMD_GET_IPSET,
					STRATA_CMD_GET_ENDPOINT };
	uint64_t h = FNV_INIT, gen = 0;
	struct text set = { 0 };
	struct dumpck d = { 0 }, md = { 0 };
	struct msg m = { 0 };
	struct ack a;
	uint32_t i, members = 0, counts[4] = { 0 };
	size_t k;
	int ret;

	for (i = 0; i < 4; i++) {
		d.collect = cmds[i] == STRATA_CMD_GET_IPSET;
		ret = do_dump(s, cmds[i], NULL, &d, &a);
		if (ret || a.err || d.broken) {
			free(d.ids);
			return ret ? ret : -(a.err ? a.err : EBADMSG);
		}
		h = fnv(h, &d.hash, sizeof(d.hash));
		counts[i] = d.count;
		gen = d.gen;
		if (!d.collect)
			continue;
		for (k = 0; k < d.nids; k++) {
			char ref[16];

			snprintf(ref, sizeof(ref), "%u", d.ids[k]);
			ret = do_dump(s, STRATA_CMD_GET_MEMBERS, ref, &md, &a);
			if (ret || a.err || md.broken) {
				free(d.ids);
				return ret ? ret : -(a.err ? a.err : EBADMSG);
			}
			h = fnv(h, &d.ids[k], 4);
			h = fnv(h, &md.msum, 8);
			h = fnv(h, &md.members, 4);
			members += md.members;
		}
		free(d.ids);
		d.ids = NULL;
		d.nids = 0;
	}
	msg_init(&m, strata_family, STRATA_CMD_GET_SETTINGS, NLM_F_ACK);
	ret = request(s, &m, print_reply, &set, &a);
	free(m.b);
	if (ret || a.err)
		return ret ? ret : -a.err;
	h = fnv(h, set.s, set.len);
	text_free(&set);
	*out = h;
	text_add(t,
		 "gen=%" PRIu64 " digest=%016" PRIx64
		 " tiers=%u policies=%u ipsets=%u endpoints=%u members=%u",
		 gen, h, counts[0], counts[1], counts[2], counts[3], members);
	return 0;
}

/* ---- raw messages ----------------------------------------------------- */

static const char *const cmd_names[] = {
	[STRATA_CMD_GET_VERSION] = "GET_VERSION",
	[STRATA_CMD_TX_BEGIN] = "TX_BEGIN",
	[STRATA_CMD_TX_COMMIT] = "TX_COMMIT",
	[STRATA_CMD_TX_ABORT] = "TX_ABORT",
	[STRATA_CMD_NEW_TIER] = "NEW_TIER",
	[STRATA_CMD_DEL_TIER] = "DEL_TIER",
	[STRATA_CMD_GET_TIER] = "GET_TIER",
	[STRATA_CMD_NEW_POLICY] = "NEW_POLICY",
	[STRATA_CMD_DEL_POLICY] = "DEL_POLICY",
	[STRATA_CMD_GET_POLICY] = "GET_POLICY",
	[STRATA_CMD_NEW_IPSET] = "NEW_IPSET",
	[STRATA_CMD_DEL_IPSET] = "DEL_IPSET",
	[STRATA_CMD_GET_IPSET] = "GET_IPSET",
	[STRATA_CMD_ADD_MEMBERS] = "ADD_MEMBERS",
	[STRATA_CMD_DEL_MEMBERS] = "DEL_MEMBERS",
	[STRATA_CMD_GET_MEMBERS] = "GET_MEMBERS",
	[STRATA_CMD_NEW_ENDPOINT] = "NEW_ENDPOINT",
	[STRATA_CMD_DEL_ENDPOINT] = "DEL_ENDPOINT",
	[STRATA_CMD_GET_ENDPOINT] = "GET_ENDPOINT",
	[STRATA_CMD_SET_SETTINGS] = "SET_SETTINGS",
	[STRATA_CMD_GET_SETTINGS] = "GET_SETTINGS",
	[STRATA_CMD_GET_STATS] = "GET_STATS",
	[STRATA_CMD_FLUSH] = "FLUSH",
	[STRATA_CMD_COMMIT_EVENT] = "COMMIT_EVENT",
};

static int parse_cmd(const char *s, uint8_t *cmd)
{
	uint32_t x;
	size_t i;

	for (i = 1; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (cmd_names[i] && !strcmp(s, cmd_names[i])) {
			*cmd = i;
			return 0;
		}
	if (parse_u32(s, &x) || x > 255)
		return bad_input("command", s);
	*cmd = x;
	return 0;
}

static int parse_hex(const char *s, unsigned char **out, size_t *n)
{
	size_t len = strlen(s), i;

	if (len % 2)
		return bad_input("hex", s);
	*n = len / 2;
	*out = xcalloc(*n, 1);
	for (i = 0; i < *n; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1) {
			free(*out);
			return bad_input("hex", s);
		}
		(*out)[i] = b;
	}
	return 0;
}

/*
 * Raw request: raw CMD [flags=F+F] [reserved=N] TOKEN... where TOKEN is
 *   T=u8:V T=u16:V T=u32:V T=u64:V   integers
 *   T=str:TEXT                         TEXT and a NUL
 *   T=raw:TEXT                         TEXT without a NUL
 *   T=hex:HEX  T=zero:N  T=rep:N:HEX   bytes
 *   T=len:N                            a bare header claiming length N
 *   T{  T!{  }                         nest (with/without NLA_F_NESTED)
 * F: dump replace create excl append noack, or a number.
 */
static int enc_raw(struct msg *m, const struct args *a)
{
	uint16_t flags = NLM_F_ACK;
	const char *v;
	uint8_t cmd;
	int i;

	if (a->n < 1 || parse_cmd(a->v[0], &cmd))
		return -1;
	if ((v = opt(a, "flags"))) {
		char *copy = strdup(v), *tok, *save;

		for (tok = strtok_r(copy, "+", &save); tok;
		     tok = strtok_r(NULL, "+", &save)) {
			uint32_t x;

			if (!strcmp(tok, "dump"))
				flags = (flags & ~NLM_F_ACK) | NLM_F_DUMP;
			else if (!strcmp(tok, "replace"))
				flags |= NLM_F_REPLACE;
			else if (!strcmp(tok, "create"))
				flags |= NLM_F_CREATE;
			else if (!strcmp(tok, "excl"))
				flags |= NLM_F_EXCL;
			else if (!strcmp(tok, "append"))
				flags |= NLM_F_APPEND;
			else if (!strcmp(tok, "noack"))
				flags &= ~NLM_F_ACK;
			else if (!parse_u32(tok, &x))
				flags |= x;
			else
				return bad_input("flags", tok);
		}
		free(copy);
	}
	msg_init(m, strata_family, cmd, flags);
	if ((v = opt(a, "reserved"))) {
		uint32_t x;

		if (parse_u32(v, &x))
			return bad_input("reserved", v);
		((struct genlmsghdr *)(m->b + NLMSG_HDRLEN))->reserved = x;
	}
	for (i = 1; i < a->n; i++) {
		char *tok = a->v[i], *eq, *colon;
		uint32_t type;
		uint64_t x;

		if (!strncmp(tok, "flags=", 6) || !strncmp(tok, "reserved=", 9))
			continue;
		if (!strcmp(tok, "}")) {
			if (!m->depth)
				return bad_input("nesting", tok);
			msg_end(m);
			continue;
		}
		if (tok[strlen(tok) - 1] == '{') {
			bool noflag = strlen(tok) >= 2 &&
				      tok[strlen(tok) - 2] == '!';
			char num[16];

			snprintf(num, sizeof(num), "%.*s",
				 (int)(strlen(tok) - 1 - noflag), tok);
			if (parse_u32(num, &type))
				return bad_input("nest", tok);
			msg_nest(m, type, !noflag);
			continue;
		}
		eq = strchr(tok, '=');
		colon = eq ? strchr(eq, ':') : NULL;
		if (!eq || !colon)
			return bad_input("raw attribute", tok);
		*eq = '\0';
		if (parse_u32(tok, &type)) {
			*eq = '=';
			return bad_input("attribute type", tok);
		}
		*eq = '=';
		eq++;
		colon++;
		if (!strncmp(eq, "str:", 4)) {
			msg_str(m, type, colon);
		} else if (!strncmp(eq, "raw:", 4)) {
			msg_put(m, type, colon, strlen(colon));
		} else if (!strncmp(eq, "hex:", 4)) {
			unsigned char *b;
			size_t n;

			if (parse_hex(colon, &b, &n))
				return -1;
			msg_put(m, type, b, n);
			free(b);
		} else if (!strncmp(eq, "rep:", 4)) {
			char *c2 = strchr(colon, ':');
			unsigned char *b, *all;
			size_t n, k;

			if (!c2)
				return bad_input("rep", eq);
			*c2 = '\0';
			if (parse_u64(colon, &x) || parse_hex(c2 + 1, &b, &n))
				return bad_input("rep", eq);
			*c2 = ':';
			all = xcalloc(x, n);
			for (k = 0; k < x; k++)
				memcpy(all + k * n, b, n);
			msg_put(m, type, all, x * n);
			free(all);
			free(b);
		} else if (parse_u64(colon, &x)) {
			return bad_input("raw value", eq);
		} else if (!strncmp(eq, "u8:", 3)) {
			msg_u8(m, type, x);
		} else if (!strncmp(eq, "u16:", 4)) {
			msg_u16(m, type, x);
		} else if (!strncmp(eq, "u32:", 4)) {
			msg_u32(m, type, x);
		} else if (!strncmp(eq, "u64:", 4)) {
			msg_u64(m, type, x);
		} else if (!strncmp(eq, "zero:", 5)) {
			unsigned char *z = xcalloc(x, 1);

			msg_put(m, type, z, x);
			free(z);
		} else if (!strncmp(eq, "len:", 4)) {
			struct nlattr *na;

			msg_room(m, NLA_HDRLEN);
			na = (struct nlattr *)(m->b + m->len);
			na->nla_type = type;
			na->nla_len = x;
			m->len += NLA_HDRLEN;
		} else {
			return bad_input("raw attribute", eq);
		}
	}
	while (m->depth)
		msg_end(m);
	return 0;
}

/* The path of attribute types that @off (from the message start) names. */
static bool attr_path(const unsigned char *data, size_t len, long off,
		      struct text *t)
{
	const struct nlattr *a;
	size_t rem;

	for_each_attr (a, data, len, rem) {
		long start = (const unsigned char *)a - data;

		if (off == start) {
			text_add(t, "%u", a->nla_type & NLA_TYPE_MASK);
			return true;
		}
		if (off > start && off < start + a->nla_len) {
			text_add(t, "%u/", a->nla_type & NLA_TYPE_MASK);
			if (!attr_path(data + start + NLA_HDRLEN,
				       a->nla_len - NLA_HDRLEN,
				       off - start - NLA_HDRLEN, t))
				text_add(t, "+%ld", off - start - NLA_HDRLEN);
			return true;
		}
	}
	return false;
}

/* "msg=... attr=... cookie=..." for a refused request. */
static void describe_error(const struct ack *a, const struct msg *sent,
			   struct text *t)
{
	long hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	text_add(t, "msg=\"%s\"", a->msg);
	if (a->off >= 0) {
		text_add(t, " attr=");
		if (a->off < hdr || !sent ||
		    !attr_path(sent->b + hdr, sent->len - hdr, a->off - hdr, t))
			text_add(t, "@%ld", a->off);
	}
	if (a->cookie_len == 8) {
		uint32_t id;

		memcpy(&id, a->cookie + 4, 4);
		text_add(t, " cookie=%u:%u", a->cookie[0], id);
	} else if (a->cookie_len) {
		text_add(t, " cookie=len%d", a->cookie_len);
	}
	if (a->miss_type)
		text_add(t, " miss=%d", a->miss_type);
}

/* ---- state images ----------------------------------------------------- */

struct ib {
	struct strata_img_settings set;
	struct strata_img_tier *tiers;
	struct strata_img_policy *pols;
	struct strata_img_rule *rules;
	struct strata_img_ipset *sets;
	struct strata_member *mem;
	struct strata_img_endpoint *eps;
	struct strata_img_tierref *trefs;
	struct strata_prefix *pfx;
	struct strata_port_range *ports;
	uint32_t *ids;
	struct strata_failsafe *fs;
	uint32_t nt, np, nr, ns, nm, ne, ntr, npfx, nports, nids, nfs;
};

static uint32_t module_cap(const char *name, uint32_t dflt)
{
	char path[128];
	uint32_t v = dflt;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/strata/parameters/max_%s",
		 name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

static void ib_build(struct ib *b, const struct args *a)
{
	uint32_t nt = 0, np = 0, nr = 0, ns = 0, nm = 0, ne = 0, i, k;
	const char *v;

	memset(b, 0, sizeof(*b));
#define IB_OPT(key, var)                      \
	do {                                  \
		if ((v = opt(a, key)))        \
			parse_u32(v, &(var)); \
	} while (0)
	IB_OPT("tiers", nt);
	IB_OPT("policies", np);
	IB_OPT("rules", nr);
	IB_OPT("ipsets", ns);
	IB_OPT("members", nm);
	IB_OPT("endpoints", ne);
#undef IB_OPT
	b->set.mark_mask = 0xffff0000;
	b->set.mark_accept = 0x10000;
	b->set.log_rate = 10;
	b->set.log_burst = 50;
	b->set.flow_rate = 10000;
	b->set.flow_burst = 20000;
	b->set.ct_invalid_drop = 1;
	b->set.vxlan_port = 4789;
	b->set.n_wl_prefixes = 2;
	strcpy(b->set.wl_prefixes[0], "cali");
	strcpy(b->set.wl_prefixes[1], "tap");
	b->set.limit_tiers = module_cap("tiers", 65536);
	b->set.limit_policies = module_cap("policies", 262144);
	b->set.limit_rules = module_cap("rules", 4194304);
	b->set.limit_ipsets = module_cap("ipsets", 262144);
	b->set.limit_members = module_cap("members", 16777216);
	b->set.limit_endpoints = module_cap("endpoints", 262144);
	b->nfs = 2;
	b->fs = xcalloc(2, sizeof(*b->fs));
	b->fs[0].proto = 6;
	b->fs[0].port = 22;
	b->fs[1].proto = 17;
	b->fs[1].port = 53;
	b->set.failsafe_in.off = 0;
	b->set.failsafe_in.count = 1;
	b->set.failsafe_out.off = 1;
	b->set.failsafe_out.count = 1;

	b->nt = nt;
	b->tiers = xcalloc(nt, sizeof(*b->tiers));
	for (i = 0; i < nt; i++) {
		b->tiers[i].id = i + 1;
		b->tiers[i].default_action = STRATA_ACT_PASS;
		snprintf(b->tiers[i].name, STRATA_NAME_LEN, "t%u", i + 1);
	}
	b->np = np;
	b->nr = np * nr;
	b->nports = b->nr;
	b->pols = xcalloc(np, sizeof(*b->pols));
	b->rules = xcalloc(b->nr, sizeof(*b->rules));
	b->ports = xcalloc(b->nports, sizeof(*b->ports));
	for (i = 0; i < np; i++) {
		b->pols[i].id = i + 1;
		snprintf(b->pols[i].name, STRATA_NAME_LEN, "p%u", i + 1);
		if (nr) {
			b->pols[i].ingress.off = i * nr;
			b->pols[i].ingress.count = nr;
		}
	}
	for (k = 0; k < b->nr; k++) {
		struct strata_img_rule *r = &b->rules[k];

		r->action = STRATA_ACT_ALLOW;
		r->proto = 6;
		r->present = STRATA_IMG_RULE_F_PROTO;
		r->cookie = k + 1;
		r->dst_ports.off = k;
		r->dst_ports.count = 1;
		b->ports[k].lo = b->ports[k].hi = k % 65535 + 1;
	}
	b->ns = ns;
	b->nm = ns * nm;
	b->sets = xcalloc(ns, sizeof(*b->sets));
	b->mem = xcalloc(b->nm, sizeof(*b->mem));
	for (i = 0; i < ns; i++) {
		b->sets[i].id = i + 1;
		b->sets[i].family = STRATA_FAMILY_IPV4;
		b->sets[i].kind = STRATA_IPSET_ADDR;
		snprintf(b->sets[i].name, STRATA_NAME_LEN, "s%u", i + 1);
		if (nm) {
			b->sets[i].members.off = i * nm;
			b->sets[i].members.count = nm;
		}
	}
	for (k = 0; k < b->nm; k++) {
		uint32_t ip = htonl(0x0a000000 + k);

		memcpy(b->mem[k].addr, &ip, 4);
		b->mem[k].prefix_len = 32;
	}
	b->ne = ne;
	b->eps = xcalloc(ne, sizeof(*b->eps));
	b->npfx = ne;
	b->pfx = xcalloc(ne, sizeof(*b->pfx));
	if (nt && np) {
		b->ntr = ne;
		b->nids = ne;
	}
	b->trefs = xcalloc(b->ntr, sizeof(*b->trefs));
	b->ids = xcalloc(b->nids, sizeof(*b->ids));
	for (i = 0; i < ne; i++) {
		struct strata_img_endpoint *e = &b->eps[i];
		uint32_t ip = htonl(0xac100000 + i + 1);

		e->id = i + 1;
		e->kind = STRATA_EP_WORKLOAD;
		e->no_match = STRATA_ACT_DENY;
		snprintf(e->name, STRATA_NAME_LEN, "e%u", i + 1);
		snprintf(e->ifname, STRATA_IFNAME_LEN, "cali%u", i + 1);
		memcpy(b->pfx[i].addr, &ip, 4);
		b->pfx[i].family = STRATA_FAMILY_IPV4;
		b->pfx[i].prefix_len = 32;
		e->addrs.off = i;
		e->addrs.count = 1;
		if (b->ntr) {
			e->lists[STRATA_LIST_INGRESS].off = i;
			e->lists[STRATA_LIST_INGRESS].count = 1;
			b->trefs[i].tier = i % nt + 1;
			b->trefs[i].policies.off = i;
			b->trefs[i].policies.count = 1;
			b->ids[i] = i % np + 1;
		}
	}
}

static void ib_free(struct ib *b)
{
	free(b->tiers);
	free(b->pols);
	free(b->rules);
	free(b->sets);
	free(b->mem);
	free(b->eps);
	free(b->trefs);
	free(b->pfx);
	free(b->ports);
	free(b->ids);
	free(b->fs);
}

struct image {
	unsigned char *b;
	size_t len;
	size_t secoff[__STRATA_SEC_MAX]; /* of each section's data */
	size_t tabent[__STRATA_SEC_MAX]; /* of its table entry */
	uint32_t nsec;
};

static void ib_serialize(const struct ib *b, struct image *img)
{
	const struct {
		uint32_t type;
		const void *p;
		uint32_t size, n;
	} secs[] = {
		{ STRATA_SEC_SETTINGS, &b->set, sizeof(b->set), 1 },
		{ STRATA_SEC_TIERS, b->tiers, sizeof(*b->tiers), b->nt },
		{ STRATA_SEC_POLICIES, b->pols, sizeof(*b->pols), b->np },
		{ STRATA_SEC_RULES, b->rules, sizeof(*b->rules), b->nr },
		{ STRATA_SEC_IPSETS, b->sets, sizeof(*b->sets), b->ns },
		{ STRATA_SEC_MEMBERS, b->mem, sizeof(*b->mem), b->nm },
		{ STRATA_SEC_ENDPOINTS, b->eps, sizeof(*b->eps), b->ne },
		{ STRATA_SEC_TIERREFS, b->trefs, sizeof(*b->trefs), b->ntr },
		{ STRATA_SEC_PREFIXES, b->pfx, sizeof(*b->pfx), b->npfx },
		{ STRATA_SEC_PORTS, b->ports, sizeof(*b->ports), b->nports },
		{ STRATA_SEC_IDS, b->ids, 4, b->nids },
		{ STRATA_SEC_FAILSAFES, b->fs, sizeof(*b->fs), b->nfs },
	};
	struct strata_img_header *h;
	size_t len, off, i, n = 0;

	len = sizeof(*h);
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		if (secs[i].n)
			n++;
	len += n * sizeof(struct strata_img_section);
	off = (len + 7) & ~(size_t)7;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		if (secs[i].n)
			off = (off + (size_t)secs[i].size * secs[i].n + 7) &
			      ~(size_t)7;
	memset(img, 0, sizeof(*img));
	img->len = off;
	img->b = xcalloc(1, off);
	img->nsec = n;
	h = (struct strata_img_header *)img->b;
	h->magic = STRATA_IMAGE_MAGIC;
	h->version = STRATA_IMAGE_VERSION;
	h->header_len = sizeof(*h);
	h->total_len = img->len;
	h->n_sections = n;
	off = (sizeof(*h) + n * sizeof(struct strata_img_section) + 7) &
	      ~(size_t)7;
	n = 0;
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		struct strata_img_section *s;
		size_t bytes = (size_t)secs[i].size * secs[i].n;

		if (!secs[i].n)
			continue;
		img->tabent[secs[i].type] = sizeof(*h) + n * sizeof(*s);
		s = (struct strata_img_section *)(img->b +
						  img->tabent[secs[i].type]);
		s->type = secs[i].type;
		s->record_size = secs[i].size;
		s->offset = off;
		s->count = secs[i].n;
		memcpy(img->b + off, secs[i].p, bytes);
		img->secoff[secs[i].type] = off;
		off = (off + bytes + 7) & ~(size_t)7;
		n++;
	}
}

static struct strata_img_section *img_sec(struct image *img, uint32_t type)
{
	return (struct strata_img_section *)(img->b + img->tabent[type]);
}

/*
 * Malformed images, by name. Structural cases change the objects before
 * the image is written; layout cases change its bytes afterwards. Each
 * needs the objects it names (e.g. two tiers for dup-tier-id).
 */
static int ib_case(struct ib *b, const char *c)
{
	if (!strcmp(c, "dup-tier-id"))
		b->tiers[1].id = b->tiers[0].id;
	else if (!strcmp(c, "dup-tier-name"))
		strcpy(b->tiers[1].name, b->tiers[0].name);
	else if (!strcmp(c, "name-no-nul"))
		memset(b->tiers[0].name, 'a', STRATA_NAME_LEN);
	else if (!strcmp(c, "name-empty"))
		b->tiers[0].name[0] = '\0';
	else if (!strcmp(c, "name-space"))
		strcpy(b->tiers[0].name, "a b");
	else if (!strcmp(c, "tier-id-zero"))
		b->tiers[0].id = 0;
	else if (!strcmp(c, "tier-pad"))
		b->tiers[0].pad[1] = 1;
	else if (!strcmp(c, "tier-action"))
		b->tiers[0].default_action = STRATA_ACT_ALLOW;
	else if (!strcmp(c, "rule-action"))
		b->rules[0].action = 0;
	else if (!strcmp(c, "rule-present"))
		b->rules[0].present |= 0x80;
	else if (!strcmp(c, "rule-pad"))
		b->rules[0].pad = 1;
	else if (!strcmp(c, "rule-ports-noproto"))
		b->rules[0].present = 0;
	else if (!strcmp(c, "bad-prefix"))
		b->pfx[0].prefix_len = 24;
	else if (!strcmp(c, "prefix-family"))
		b->pfx[0].family = 5;
	else if (!strcmp(c, "member-len"))
		b->mem[0].prefix_len = 24;
	else if (!strcmp(c, "set-kind"))
		b->sets[0].kind = 9;
	else if (!strcmp(c, "ep-kind"))
		b->eps[0].kind = 7;
	else if (!strcmp(c, "ep-ifname"))
		memset(b->eps[0].ifname, 'x', STRATA_IFNAME_LEN);
	else if (!strcmp(c, "ep-missing-tier"))
		b->trefs[0].tier = 999999;
	else if (!strcmp(c, "ep-missing-policy"))
		b->ids[0] = 999999;
	else if (!strcmp(c, "range-past-pool"))
		b->eps[0].addrs.off = b->npfx;
	else if (!strcmp(c, "range-overlap"))
		b->eps[1].addrs = b->eps[0].addrs;
	else if (!strcmp(c, "range-empty-off")) {
		b->eps[0].spoof.off = 1;
		b->eps[0].spoof.count = 0;
	} else if (!strcmp(c, "limit-above-cap"))
		b->set.limit_tiers = module_cap("tiers", 65536) + 1;
	else if (!strcmp(c, "limit-below-count"))
		b->set.limit_tiers = b->nt - 1;
	else if (!strcmp(c, "wl-prefixes"))
		b->set.n_wl_prefixes = STRATA_MAX_WL_PREFIXES + 1;
	else if (!strcmp(c, "mark-accept"))
		b->set.mark_accept = 1;
	else if (!strcmp(c, "settings-bool"))
		b->set.ct_invalid_drop = 2;
	else
		return 1; /* not a structural case */
	return 0;
}

static int img_case(struct image *img, const char *c)
{
	struct strata_img_header *h = (struct strata_img_header *)img->b;

	if (!strcmp(c, "bad-magic"))
		h->magic ^= 1;
	else if (!strcmp(c, "bad-version"))
		h->version = STRATA_IMAGE_VERSION + 1;
	else if (!strcmp(c, "header-len"))
		h->header_len += 8;
	else if (!strcmp(c, "header-flags"))
		h->flags = 1;
	else if (!strcmp(c, "total-len"))
		h->total_len += 8;
	else if (!strcmp(c, "short"))
		img->len = 16;
	else if (!strcmp(c, "truncated"))
		img->len -= 8;
	else if (!strcmp(c, "nsections-huge"))
		h->n_sections = 0xffffffff;
	else if (!strcmp(c, "table-past-end"))
		h->n_sections = img->len / sizeof(struct strata_img_section);
	else if (!strcmp(c, "unknown-section"))
		img_sec(img, STRATA_SEC_TIERS)->type = 99;
	else if (!strcmp(c, "dup-section"))
		img_sec(img, STRATA_SEC_POLICIES)->type = STRATA_SEC_TIERS;
	else if (!strcmp(c, "record-size"))
		img_sec(img, STRATA_SEC_TIERS)->record_size += 4;
	else if (!strcmp(c, "misaligned"))
		img_sec(img, STRATA_SEC_TIERS)->offset += 4;
	else if (!strcmp(c, "section-past-end"))
		img_sec(img, STRATA_SEC_TIERS)->count += 1000;
	else if (!strcmp(c, "section-overlap"))
		img_sec(img, STRATA_SEC_POLICIES)->offset =
			img_sec(img, STRATA_SEC_TIERS)->offset;
	else if (!strcmp(c, "section-in-header"))
		img_sec(img, STRATA_SEC_TIERS)->offset = 0;
	else if (!strcmp(c, "section-huge"))
		img_sec(img, STRATA_SEC_TIERS)->count = 1ULL << 40;
	else if (!strcmp(c, "section-wrap"))
		img_sec(img, STRATA_SEC_TIERS)->offset = ~7ULL;
	else
		return -1;
	return 0;
}

/* Load @img with STRATA_IOC_LOAD_IMAGE; describe the outcome in @t. */
static int load_image(const void *p, size_t len, uint32_t flags, uint32_t pad,
		      struct text *t)
{
	struct strata_ioc_load req = { 0 };
	int fd, ret = 0;

	fd = open("/dev/strata", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = errno;
		text_add(t, "msg=\"open /dev/strata: %s\"", strerror(ret));
		return ret;
	}
	req.image = (uintptr_t)p;
	req.len = len;
	req.flags = flags;
	req.pad = pad;
	if (ioctl(fd, STRATA_IOC_LOAD_IMAGE, &req) < 0) {
		ret = errno;
		req.err_msg[sizeof(req.err_msg) - 1] = '\0';
		text_add(t, "msg=\"%s\" gen=%" PRIu64, req.err_msg,
			 (uint64_t)req.generation);
	} else {
		text_add(t, "gen=%" PRIu64, (uint64_t)req.generation);
	}
	close(fd);
	return ret;
}

static int do_image(const struct args *a, struct text *t)
{
	const char *c = opt(a, "case"), *v;
	struct image img;
	struct ib b;
	uint32_t flags = 0, pad = 0;
	int ret, layout = 0;

	ib_build(&b, a);
	if (c)
		layout = ib_case(&b, c);
	ib_serialize(&b, &img);
	ib_free(&b);
	if (layout && img_case(&img, c)) {
		free(img.b);
		return bad_input("image case", c);
	}
	if ((v = opt(a, "ioc"))) {
		if (!strcmp(v, "flags"))
			flags = 1;
		else if (!strcmp(v, "pad"))
			pad = 1;
		else if (!strcmp(v, "len0"))
			img.len = 0;
		else if (!strcmp(v, "fault")) {
			ret = load_image((void *)16, img.len, 0, 0, t);
			free(img.b);
			return ret;
		} else if (!strcmp(v, "huge")) {
			img.len = (size_t)1 << 40;
		} else {
			free(img.b);
			return bad_input("ioc", v);
		}
	}
	ret = load_image(img.b, img.len, flags, pad, t);
	free(img.b);
	return ret;
}

/* ---- the script interpreter ------------------------------------------ */

struct result {
	int err; /* positive errno, 0; -1: the script is wrong */
	struct text out;
};

struct expect {
	bool has;
	int err;
	bool has_re;
	bool literal;
	regex_t re;
	char *re_src;
};

struct queued {
	unsigned char *b;
	size_t len;
	uint32_t seq;
	char *line;
	struct expect e;
};

static bool batching;
static struct queued *queue;
static size_t nqueue;
static int failures;
static int points;

struct saved {
	char name[32];
	uint64_t digest;
};

static struct saved saved[16];
static int nsaved;
static int unchanged_idx = -1;

static int errno_of(const char *name)
{
	int e;

	if (!strcmp(name, "ok") || !strcmp(name, "0"))
		return 0;
	for (e = 1; e < 4096; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return -1;
}

static void result_line(const struct result *r, struct text *line)
{
	text_reset(line);
	text_add(line, "errno=%s%s%s",
		 r->err < 0 ? "script-error" : errname(r->err),
		 r->out.len ? " " : "", r->out.s ? r->out.s : "");
}

/*
 * Saved digests also go to a file ($STRATA_PROBE_DIGESTS, default
 * /run/strata-probe.digests), so that one probe can check what another
 * saved.
 */
static const char *digest_file(void)
{
	const char *f = getenv("STRATA_PROBE_DIGESTS");

	return f ? f : "/run/strata-probe.digests";
}

static int find_saved(const char *name)
{
	char n[32];
	uint64_t d;
	int i, found = -1;
	FILE *f;

	for (i = 0; i < nsaved; i++)
		if (!strcmp(saved[i].name, name))
			return i;
	f = fopen(digest_file(), "r");
	if (!f)
		return -1;
	while (fscanf(f, "%31s %" SCNx64, n, &d) == 2)
		if (!strcmp(n, name) && nsaved < 16) {
			if (found < 0)
				found = nsaved++;
			snprintf(saved[found].name, sizeof(saved[found].name),
				 "%s", n);
			saved[found].digest = d;
		}
	fclose(f);
	return found;
}

static void store_saved(const struct saved *sv)
{
	FILE *f = fopen(digest_file(), "a");

	if (f) {
		fprintf(f, "%s %" PRIx64 "\n", sv->name, sv->digest);
		fclose(f);
	}
}

static void report(const char *line, const struct expect *e,
		   const struct result *r)
{
	struct text rl = { 0 };
	bool pass;

	result_line(r, &rl);
	if (!e->has) {
		if (r->err) {
			failures++;
			printf("not ok - setup: %s\n# %s\n", line, rl.s);
		}
		text_free(&rl);
		return;
	}
	points++;
	pass = r->err == e->err &&
	       (!e->has_re ||
		(e->literal ? strstr(rl.s, e->re_src) != NULL
			    : !regexec(&e->re, rl.s, 0, NULL, 0)));
	if (pass && unchanged_idx >= 0) {
		struct text dt = { 0 };
		uint64_t d;
		int ret = digest(sock_get(cur_sock), &d, &dt);

		if (ret || d != saved[unchanged_idx].digest) {
			pass = false;
			printf("# state changed: %s\n", dt.s ? dt.s : "?");
		}
		text_free(&dt);
	}
	if (!pass)
		failures++;
	printf("%s - %s\n", pass ? "ok" : "not ok", line);
	if (!pass) {
		printf("# got: %s\n", rl.s);
		printf("# want: errno=%s%s%s%s\n", errname(e->err),
		       e->has_re ? " matching \"" : "",
		       e->has_re ? e->re_src : "", e->has_re ? "\"" : "");
	}
	fflush(stdout);
	text_free(&rl);
}

/* Send one request now, or queue it in a batch. */
static int single(struct msg *m, struct result *r, const char *line,
		  const struct expect *e, bool *queued)
{
	struct psock *s = sock_get(cur_sock);
	struct ack a;
	int ret;

	*queued = false;
	if (m->overflow)
		return bad_input("request",
				 "an attribute is longer than 64 KiB");
	if (batching) {
		struct queued *q;

		queue = xrealloc(queue, (nqueue + 1) * sizeof(*queue));
		q = &queue[nqueue++];
		q->seq = ++s->seq;
		msg_finish(m, q->seq);
		q->b = xcalloc(1, m->len);
		memcpy(q->b, m->b, m->len);
		q->len = m->len;
		q->line = strdup(line);
		q->e = *e;
		*queued = true;
		return 0;
	}
	ret = request(s, m, print_reply, &r->out, &a);
	if (ret) {
		r->err = -ret;
		text_add(&r->out, "msg=\"local: %s\"", strerror(-ret));
		return 0;
	}
	r->err = a.err;
	if (a.err) {
		text_reset(&r->out);
		describe_error(&a, m, &r->out);
	}
	return 0;
}

static int end_batch(void)
{
	struct psock *s = sock_get(cur_sock);
	unsigned char *all = NULL;
	size_t len = 0, i;
	int ret;

	for (i = 0; i < nqueue; i++) {
		all = xrealloc(all, len + queue[i].len);
		memcpy(all + len, queue[i].b, queue[i].len);
		len += queue[i].len;
	}
	batching = false;
	ret = nqueue ? send_buf(s->fd, all, len) : 0;
	free(all);
	for (i = 0; i < nqueue; i++) {
		struct result r = { 0 };
		struct msg m = { .b = queue[i].b, .len = queue[i].len };
		struct ack a;

		if (!ret)
			ret = wait_reply(s, queue[i].seq, print_reply, &r.out,
					 &a);
		if (ret) {
			r.err = -ret;
		} else {
			r.err = a.err;
			if (a.err) {
				text_reset(&r.out);
				describe_error(&a, &m, &r.out);
			}
		}
		report(queue[i].line, &queue[i].e, &r);
		text_free(&r.out);
		free(queue[i].b);
		free(queue[i].line);
		if (queue[i].e.has_re && !queue[i].e.literal)
			regfree(&queue[i].e.re);
		free(queue[i].e.re_src);
	}
	free(queue);
	queue = NULL;
	nqueue = 0;
	return 0;
}

/* Send a run of requests, @window at a time; stop at the first refusal. */
struct bulk {
	struct msg *msgs;
	size_t n;
};

static int send_bulk(struct bulk *bk, struct result *r, const char *what)
{
	struct psock *s = sock_get(cur_sock);
	size_t i, j;
	int ret = 0;

	for (i = 0; i < bk->n; i++)
		if (bk->msgs[i].overflow)
			return bad_input("request",
					 "an attribute is longer than 64 KiB");
	for (i = 0; i < bk->n && !r->err; i = j) {
		unsigned char *all = NULL;
		uint32_t first = s->seq + 1;
		size_t len = 0, end, bytes = 0;

		/* at most BULK_WINDOW requests or ~128 KiB per write */
		for (end = i; end < bk->n && end - i < BULK_WINDOW; end++) {
			if (end > i && bytes + bk->msgs[end].len > 131072)
				break;
			bytes += bk->msgs[end].len;
		}
		for (j = i; j < end; j++) {
			msg_finish(&bk->msgs[j], ++s->seq);
			all = xrealloc(all, len + bk->msgs[j].len);
			memcpy(all + len, bk->msgs[j].b, bk->msgs[j].len);
			len += bk->msgs[j].len;
		}
		ret = send_buf(s->fd, all, len);
		free(all);
		for (j = i; j < end && !ret; j++) {
			struct ack a;

			ret = wait_reply(s, first + (j - i), NULL, NULL, &a);
			if (!ret && a.err && !r->err) {
				r->err = a.err;
				text_add(&r->out, "at=%s#%zu ", what, j);
				describe_error(&a, &bk->msgs[j], &r->out);
			}
		}
		if (ret) {
			r->err = -ret;
			break;
		}
	}
	if (!r->err)
		text_add(&r->out, "n=%zu", bk->n);
	for (i = 0; i < bk->n; i++)
		free(bk->msgs[i].b);
	free(bk->msgs);
	return 0;
}

static struct msg *bulk_add(struct bulk *bk)
{
	bk->msgs = xrealloc(bk->msgs, (bk->n + 1) * sizeof(*bk->msgs));
	memset(&bk->msgs[bk->n], 0, sizeof(*bk->msgs));
	return &bk->msgs[bk->n++];
}

static int cmd_members(const struct args *a, struct result *r)
{
	struct strata_member *mb;
	struct bulk bk = { 0 };
	uint32_t n, i;
	bool add;

	if (a->n < 3)
		return bad_input("members", "add|del REF M");
	add = !strcmp(a->v[0], "add");
	if (parse_members(a->v[2], &mb, &n))
		return -1;
	for (i = 0; i < n || (i == 0 && n == 0); i += MEMBERS_PER_MSG) {
		uint32_t k = n - i < MEMBERS_PER_MSG ? n - i : MEMBERS_PER_MSG;
		struct msg *m = bulk_add(&bk);

		msg_init(m, strata_family,
			 add ? STRATA_CMD_ADD_MEMBERS : STRATA_CMD_DEL_MEMBERS,
			 NLM_F_ACK);
		msg_nest(m, STRATA_A_IPSET, true);
		if (put_ref(m, a->v[1]))
			return -1;
		msg_put(m, STRATA_IPSET_A_MEMBERS, mb + i, k * sizeof(*mb));
		msg_end(m);
		if (flag(a, "exist"))
			msg_u32(m, STRATA_A_FLAGS, STRATA_F_EXIST);
		if (!n)
			break;
	}
	free(mb);
	return send_bulk(&bk, r, "members");
}

static int cmd_bulk(const struct args *a, struct result *r)
{
	struct args all = { a->n - 3, a->v + 3 }, rest = { 0, NULL };
	uint32_t from, to, i;
	struct bulk bk = { 0 };
	const char *pfx = opt(&all, "name");
	char name[STRATA_NAME_LEN], ifname[STRATA_IFNAME_LEN];
	int ret = 0;

	if (a->n < 3 || parse_u32(a->v[1], &from) || parse_u32(a->v[2], &to) ||
	    from > to)
		return bad_input("bulk", "KIND FROM TO");
	/* every option but name=, which names each object */
	rest.v = xcalloc(all.n, sizeof(*rest.v));
	for (i = 0; i < (uint32_t)all.n; i++)
		if (strncmp(all.v[i], "name=", 5))
			rest.v[rest.n++] = all.v[i];
	for (i = from; i <= to && !ret; i++) {
		struct msg *m = bulk_add(&bk);

		if (!strcmp(a->v[0], "tier")) {
			ret = enc_tier(m, &rest, i);
			snprintf(name, sizeof(name), "%s%u", pfx ? pfx : "t",
				 i);
		} else if (!strcmp(a->v[0], "policy")) {
			ret = enc_policy(m, &rest, i);
			snprintf(name, sizeof(name), "%s%u", pfx ? pfx : "p",
				 i);
		} else if (!strcmp(a->v[0], "ipset")) {
			ret = enc_ipset(m, &rest, i, NULL, 0);
			snprintf(name, sizeof(name), "%s%u", pfx ? pfx : "s",
				 i);
		} else if (!strcmp(a->v[0], "endpoint")) {
			const char *ifp = opt(&rest, "if");

			snprintf(name, sizeof(name), "%s%u", pfx ? pfx : "e",
				 i);
			snprintf(ifname, sizeof(ifname), "%s%u",
				 ifp ? ifp : "cali", i);
			ret = enc_endpoint(m, &rest, i, name, ifname);
			name[0] = '\0';
		} else {
			ret = bad_input("bulk kind", a->v[0]);
		}
		if (ret)
			break;
		if (name[0]) {
			/* NAME (attribute 2 of every kind) goes at the end of
			 * the object's nest, the message's only attribute */
			struct nlattr *nest =
				(struct nlattr *)(m->b + NLMSG_HDRLEN +
						  GENL_HDRLEN);

			msg_str(m, 2, name);
			nest->nla_len = m->len - NLMSG_HDRLEN - GENL_HDRLEN;
		}
	}
	free(rest.v);
	if (ret) {
		for (i = 0; i < bk.n; i++)
			free(bk.msgs[i].b);
		free(bk.msgs);
		return ret;
	}
	return send_bulk(&bk, r, a->v[0]);
}

static int join_group(int fd, const char *name, struct result *r)
{
	int grp = !strcmp(name, "config")  ? strata_grp[0]
		  : !strcmp(name, "flows") ? strata_grp[1]
					   : -2;

	if (grp == -2)
		return bad_input("group", name);
	if (grp < 0) {
		r->err = ENOENT;
		text_add(&r->out, "msg=\"group not found\"");
		return 0;
	}
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0)
		r->err = errno;
	return 0;
}

static int cmd_events(struct result *r)
{
	unsigned char buf[8192];
	uint64_t last = 0;
	int n = 0;
	ssize_t len;

	if (event_fd < 0)
		return bad_input("events", "not subscribed");
	while ((len = recv(event_fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *nlh;
		size_t rem = len;

		for (nlh = (void *)buf; NLMSG_OK(nlh, rem);
		     nlh = NLMSG_NEXT(nlh, rem)) {
			const struct nlattr *tb[ATTR_MAX];
			const struct genlmsghdr *g = NLMSG_DATA(nlh);

			if (nlh->nlmsg_type != strata_family ||
			    g->cmd != STRATA_CMD_COMMIT_EVENT)
				continue;
			parse_genl(nlh, tb);
			last = get_u64(tb[STRATA_A_GENERATION]);
			n++;
		}
	}
	text_add(&r->out, "n=%d last=%" PRIu64, n, last);
	return 0;
}

/* A commit from socket 7 in the middle of a dump. */
static void intr_commit(void)
{
	static uint32_t k;
	struct msg m = { 0 };
	struct args none = { 0, NULL };
	struct ack a;
	char name[32];

	enc_tier(&m, &none, 4000000000u + k);
	snprintf(name, sizeof(name), "intr%u", k++);
	msg_str(&m, STRATA_TIER_A_NAME, name);
	((struct nlattr *)(m.b + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len =
		m.len - NLMSG_HDRLEN - GENL_HDRLEN;
	if (request(sock_get(MAX_SOCKS - 1), &m, NULL, NULL, &a) || a.err)
		fprintf(stderr, "strata-probe: mid-dump commit failed\n");
	free(m.b);
}

static int ioc_stats(struct result *r)
{
	struct strata_ioc_stats st;
	int fd = open("/dev/strata", O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, STRATA_IOC_STATS, &st) < 0) {
		r->err = errno;
		if (fd >= 0)
			close(fd);
		return 0;
	}
	close(fd);
	text_add(&r->out,
		 "gen=%" PRIu64 " tiers=%u policies=%u rules=%u ipsets=%u"
		 " members=%u endpoints=%u programs=%u classes=%u mem=%" PRIu64
		 " tx=%u",
		 (uint64_t)st.generation, st.tiers, st.policies, st.rules,
		 st.ipsets, st.members, st.endpoints, st.programs, st.classes,
		 (uint64_t)st.mem_bytes, st.tx_open);
	return 0;
}

static int simple_cmd(uint8_t cmd, struct msg *m)
{
	msg_init(m, strata_family, cmd, NLM_F_ACK);
	return 0;
}

/* Run one script line; results in @r. */
static int exec_cmd(struct args *a, const char *line, const struct expect *e,
		    struct result *r, bool *queued)
{
	struct args rest = { a->n - 1, a->v + 1 };
	const char *c = a->v[0];
	struct msg m = { 0 };
	uint32_t id = 0, n;
	int ret = 0;

	*queued = false;
	if (!strcmp(c, "sock") || !strcmp(c, "close")) {
		uint32_t i;

		if (rest.n != 1 || parse_u32(rest.v[0], &i) || i >= MAX_SOCKS)
			return bad_input("socket", line);
		if (c[0] == 's') {
			cur_sock = i;
			sock_get(i);
		} else if (socks[i].fd > 0) {
			close(socks[i].fd);
			socks[i].fd = 0;
		}
		return 0;
	}
	if (!strcmp(c, "netns")) {
		char path[256];
		int fd;

		if (rest.n != 1)
			return bad_input("netns", line);
		snprintf(path, sizeof(path), "%s%s",
			 rest.v[0][0] == '/' ? "" : "/var/run/netns/",
			 rest.v[0]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
			r->err = errno;
			text_add(&r->out, "msg=\"%s: %s\"", path,
				 strerror(errno));
		}
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (!strcmp(c, "recvbuf")) {
		uint64_t x;

		if (rest.n != 1 || parse_u64(rest.v[0], &x) || x < 256)
			return bad_input("recvbuf", line);
		recv_len = x;
		/* the kernel sizes dump messages by the largest read a
		 * socket ever did: start afresh */
		for (x = 0; x < MAX_SOCKS; x++)
			if (socks[x].fd > 0) {
				close(socks[x].fd);
				socks[x].fd = 0;
			}
		return 0;
	}
	if (!strcmp(c, "batch")) {
		batching = true;
		return 0;
	}
	if (!strcmp(c, "endbatch"))
		return end_batch();
	if (!strcmp(c, "digest") || !strcmp(c, "digest-save") ||
	    !strcmp(c, "digest-check") || !strcmp(c, "unchanged")) {
		uint64_t d;
		int i;

		if (!strcmp(c, "unchanged") && rest.n == 1 &&
		    !strcmp(rest.v[0], "off")) {
			unchanged_idx = -1;
			return 0;
		}
		if (strcmp(c, "digest") && rest.n != 1)
			return bad_input(c, line);
		if (!strcmp(c, "unchanged")) {
			unchanged_idx = find_saved(rest.v[0]);
			return unchanged_idx < 0 ? bad_input("digest", line)
						 : 0;
		}
		ret = digest(sock_get(cur_sock), &d, &r->out);
		if (ret) {
			r->err = -ret;
			return 0;
		}
		if (!strcmp(c, "digest-save")) {
			i = find_saved(rest.v[0]);
			if (i < 0) {
				if (nsaved == 16)
					return bad_input("digest", "too many");
				i = nsaved++;
			}
			snprintf(saved[i].name, sizeof(saved[i].name), "%s",
				 rest.v[0]);
			saved[i].digest = d;
			store_saved(&saved[i]);
		} else if (!strcmp(c, "digest-check")) {
			i = find_saved(rest.v[0]);
			if (i < 0)
				return bad_input("digest", line);
			if (saved[i].digest != d) {
				r->err = ESTALE;
				text_add(&r->out, " (differs from %s)",
					 rest.v[0]);
			}
		}
		return 0;
	}
	if (!strcmp(c, "subscribe") || !strcmp(c, "mcast")) {
		int fd;

		if (rest.n != 1)
			return bad_input(c, line);
		fd = open_sock();
		ret = join_group(fd, rest.v[0], r);
		if (c[0] == 's' && !r->err && !ret) {
			if (event_fd >= 0)
				close(event_fd);
			event_fd = fd;
		} else {
			close(fd);
		}
		return ret;
	}
	if (!strcmp(c, "events"))
		return cmd_events(r);
	if (!strcmp(c, "ioc-stats"))
		return ioc_stats(r);
	if (!strcmp(c, "image")) {
		ret = do_image(&rest, &r->out);
		if (ret < 0)
			return ret;
		r->err = ret;
		return 0;
	}
	if (!strcmp(c, "members"))
		return cmd_members(&rest, r);
	if (!strcmp(c, "bulk"))
		return cmd_bulk(&rest, r);
	if (!strcmp(c, "dump") || !strcmp(c, "dumpmembers") ||
	    !strcmp(c, "dumpintr")) {
		uint8_t cmd = STRATA_CMD_GET_MEMBERS;
		struct dumpck d = { 0 };
		struct ack ak;

		if (!strcmp(c, "dumpintr"))
			after_first = intr_commit;
		if (c[4] == '\0' || c[4] == 'i') {
			if (rest.n < 1 ||
			    kind_attr(rest.v[0], NULL, NULL, &cmd) < 0)
				return bad_input("dump", line);
			rest.n--;
			rest.v++;
		}
		ret = do_dump(sock_get(cur_sock), cmd,
			      rest.n ? rest.v[0] : NULL, &d, &ak);
		if (ret) {
			r->err = -ret;
			return 0;
		}
		if (ak.err) {
			r->err = ak.err;
			text_add(&r->out, "msg=\"%s\" msgs=%d", ak.msg,
				 ak.nmsgs);
			return 0;
		}
		if (d.broken) {
			r->err = EBADMSG;
			text_add(&r->out, "msg=\"%s\"", d.why);
			return 0;
		}
		if (cmd == STRATA_CMD_GET_MEMBERS)
			text_add(&r->out, "count=%u reported=%u", d.members,
				 d.reported);
		else
			text_add(&r->out, "count=%u first=%u last=%u", d.count,
				 d.first, d.last);
		if (cmd == STRATA_CMD_GET_POLICY)
			text_add(&r->out, " rules=%u", d.rules);
		text_add(&r->out, " msgs=%d empty=%u intr=%d gen=%" PRIu64,
			 ak.nmsgs, d.empty, ak.intr, d.gen);
		free(d.ids);
		return 0;
	}

	/* the rest are single requests */
	if (!strcmp(c, "begin"))
		ret = simple_cmd(STRATA_CMD_TX_BEGIN, &m);
	else if (!strcmp(c, "commit"))
		ret = simple_cmd(STRATA_CMD_TX_COMMIT, &m);
	else if (!strcmp(c, "abort"))
		ret = simple_cmd(STRATA_CMD_TX_ABORT, &m);
	else if (!strcmp(c, "version"))
		ret = simple_cmd(STRATA_CMD_GET_VERSION, &m);
	else if (!strcmp(c, "stats"))
		ret = simple_cmd(STRATA_CMD_GET_STATS, &m);
	else if (!strcmp(c, "getsettings"))
		ret = simple_cmd(STRATA_CMD_GET_SETTINGS, &m);
	else if (!strcmp(c, "flush"))
		ret = simple_cmd(STRATA_CMD_FLUSH, &m);
	else if (!strcmp(c, "settings"))
		ret = enc_settings(&m, &rest);
	else if (!strcmp(c, "raw"))
		ret = enc_raw(&m, &rest);
	else if (!strcmp(c, "tier") || !strcmp(c, "policy") ||
		 !strcmp(c, "ipset") || !strcmp(c, "endpoint")) {
		if (rest.n < 1 || parse_u32(rest.v[0], &id))
			return bad_input("id", line);
		rest.n--;
		rest.v++;
		if (c[0] == 't') {
			ret = enc_tier(&m, &rest, id);
		} else if (c[0] == 'p') {
			ret = enc_policy(&m, &rest, id);
		} else if (c[0] == 'i') {
			struct strata_member *mb = NULL;
			const char *v = opt(&rest, "members");

			n = 0;
			if (v && parse_members(v, &mb, &n))
				return -1;
			ret = enc_ipset(&m, &rest, id, mb, n);
			free(mb);
		} else {
			ret = enc_endpoint(&m, &rest, id, opt(&rest, "name"),
					   opt(&rest, "if"));
		}
	} else if (!strcmp(c, "del") || !strcmp(c, "get")) {
		uint8_t del, get;
		int attr;

		if (rest.n != 2)
			return bad_input(c, line);
		attr = kind_attr(rest.v[0], NULL, &del, &get);
		if (attr < 0)
			return -1;
		msg_init(&m, strata_family, c[0] == 'd' ? del : get, NLM_F_ACK);
		msg_nest(&m, attr, true);
		ret = put_ref(&m, rest.v[1]);
		msg_end(&m);
	} else {
		return bad_input("command", c);
	}
	if (!ret)
		ret = single(&m, r, line, e, queued);
	free(m.b);
	return ret;
}

static void parse_expect(char *s, struct expect *e)
{
	char *q1, *q2, *name;

	memset(e, 0, sizeof(*e));
	while (*s == ' ' || *s == '\t')
		s++;
	name = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = '\0';
	e->has = true;
	e->err = errno_of(name);
	q1 = strpbrk(s, "'\"");
	q2 = strrchr(s, '\'');
	if (q1 && *q1 == '\'' && q2 > q1) {
		/* 'literal': a substring, no regex */
		*q2 = '\0';
		e->re_src = strdup(q1 + 1);
		e->literal = true;
		e->has_re = true;
		return;
	}
	q1 = strchr(s, '"');
	q2 = strrchr(s, '"');
	if (q1 && q2 > q1) {
		*q2 = '\0';
		e->re_src = strdup(q1 + 1);
		if (regcomp(&e->re, e->re_src, REG_EXTENDED | REG_NOSUB)) {
			fprintf(stderr, "strata-probe: bad regex %s\n",
				e->re_src);
			e->err = -2;
		}
		e->has_re = true;
	}
}

static int run_script(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;

	resolve_family();
	while (getline(&line, &cap, f) >= 0) {
		char *p = line, *arrow, *copy, *tok, *save;
		struct args a = { 0, NULL };
		struct result r = { 0 };
		struct expect e = { 0 };
		bool queued = false;
		int ret;

		p[strcspn(p, "\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		copy = strdup(p);
		arrow = strstr(copy, "=>");
		if (arrow) {
			*arrow = '\0';
			parse_expect(arrow + 2, &e);
		}
		a.v = xcalloc(strlen(copy) + 1, sizeof(*a.v));
		for (tok = strtok_r(copy, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save))
			a.v[a.n++] = tok;
		if (e.has && e.err < 0) {
			r.err = -1;
			text_add(&r.out, "bad expectation");
			ret = 0;
		} else {
			ret = a.n ? exec_cmd(&a, p, &e, &r, &queued) : 0;
		}
		if (ret < 0) {
			r.err = -1;
			text_add(&r.out, "(script error)");
		}
		if (!queued) {
			report(p, &e, &r);
			if (e.has_re && !e.literal)
				regfree(&e.re);
			free(e.re_src);
		}
		text_free(&r.out);
		free(a.v);
		free(copy);
	}
	free(line);
	if (batching)
		end_batch();
	printf("# probe: %d test points, %d failures\n", points, failures);
	return failures ? 1 : 0;
}

/* ---- legacy single requests (selftests/kmod) -------------------------- */

static int do_ioctl(const char *arg)
{
	unsigned char buf[4096] = { 0 };
	unsigned long nr = strtoul(arg, NULL, 16);
	int fd = open("/dev/strata", O_RDWR);

	if (fd < 0) {
		perror("open /dev/strata");
		return 2;
	}
	if (ioctl(fd, nr, buf) < 0)
		printf("errno=%s\n", errname(errno));
	else
		printf("errno=0\n");
	close(fd);
	return 0;
}

static const char *const cases[] = {
	"valid",
	"short-u32",
	"long-u64",
	"unknown-attr",
	"truncated-attr",
	"bad-cmd",
	"reserved",
	"pad-attr",
	"string-too-long",
	"string-no-nul",
	"short-header",
	"zero-attr-len",
	NULL,
};

/* GET_VERSION requests, valid and not. */
static int build_case(struct msg *m, const char *name)
{
	uint32_t u32 = 1;
	char s[64];

	msg_init(m, strata_family, STRATA_CMD_GET_VERSION, NLM_F_ACK);
	if (!strcmp(name, "valid")) {
	} else if (!strcmp(name, "short-u32")) {
		msg_put(m, STRATA_A_VERSION_ABI, &u32, 2);
	} else if (!strcmp(name, "long-u64")) {
		uint64_t v[2] = { 1, 2 };

		msg_put(m, STRATA_A_GENERATION, v, 16);
	} else if (!strcmp(name, "unknown-attr")) {
		msg_u32(m, STRATA_A_MAX + 7, 1);
	} else if (!strcmp(name, "truncated-attr")) {
		/* claims 64 bytes, 8 follow */
		msg_u32(m, STRATA_A_VERSION_ABI, 1);
		((struct nlattr *)(m->b + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len =
			64;
	} else if (!strcmp(name, "bad-cmd")) {
		((struct genlmsghdr *)(m->b + NLMSG_HDRLEN))->cmd = 200;
	} else if (!strcmp(name, "reserved")) {
		((struct genlmsghdr *)(m->b + NLMSG_HDRLEN))->reserved = 0x55;
	} else if (!strcmp(name, "pad-attr")) {
		msg_u32(m, STRATA_A_PAD, 1);
	} else if (!strcmp(name, "string-too-long")) {
		memset(s, 'v', sizeof(s) - 1);
		s[sizeof(s) - 1] = '\0';
		msg_put(m, STRATA_A_VERSION_MODULE, s, sizeof(s));
	} else if (!strcmp(name, "string-no-nul")) {
		memset(s, 'v', 8);
		msg_put(m, STRATA_A_VERSION_MODULE, s, 8);
	} else if (!strcmp(name, "short-header")) {
		m->len = NLMSG_HDRLEN + 2;
	} else if (!strcmp(name, "zero-attr-len")) {
		msg_u32(m, STRATA_A_VERSION_ABI, 1);
		((struct nlattr *)(m->b + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len =
			0;
	} else {
		return -1;
	}
	return 0;
}

static int do_genl(const char *name)
{
	struct psock s;
	struct msg m = { 0 };
	struct ack a;
	int ret;

	resolve_family();
	if (build_case(&m, name)) {
		fprintf(stderr, "unknown case %s\n", name);
		return 2;
	}
	s.fd = open_sock();
	s.seq = 1;
	ret = request(&s, &m, NULL, NULL, &a);
	free(m.b);
	close(s.fd);
	if (ret) {
		fprintf(stderr, "request failed: %s\n", strerror(-ret));
		return 2;
	}
	printf("errno=%s msg=%s\n", errname(a.err), a.msg);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "genl-cases")) {
		for (i = 0; cases[i]; i++)
			puts(cases[i]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "ioctl"))
		return do_ioctl(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "genl"))
		return do_genl(argv[2]);
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "run")) {
		FILE *f = argc == 3 ? fopen(argv[2], "r") : stdin;

		if (!f) {
			perror(argv[2]);
			return 2;
		}
		return run_script(f);
	}
	fprintf(stderr, "usage: strata-probe ioctl NR | genl CASE | "
			"genl-cases | run [FILE]\n");
	return 2;
}
