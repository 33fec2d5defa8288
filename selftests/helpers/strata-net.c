// SPDX-License-Identifier: GPL-2.0
/*
 * strata-net: live-traffic probes between network namespaces for the
 * enforce selftests. One process sends many probes (in parallel), runs the
 * servers that count what arrived, listens to Strata's flow events and
 * reads its counters and statistics, so that a test pays for one process
 * launch instead of hundreds (each costs ~40 ms under QEMU/TCG).
 *
 *   strata-net run [FILE]      run a script (default: stdin)
 *
 * It talks to strata.ko over raw generic netlink (uapi header only), in the
 * network namespace it was started in (the "host").
 *
 * Scripts
 * =======
 *
 * One command per line; '#' at the start of a word begins a comment. A line
 * ending in "=> TOKEN..." is a test point: it passes when every TOKEN
 * matches a word of the command's result: "WORD" (present), "!WORD"
 * (absent), or "KEY=N", "KEY!=N", "KEY>=N", "KEY<=N" against a result word
 * "KEY=VALUE"; N may be @X+Y+..., a sum of numbers and variables (stream
 * results: LABEL.sent, LABEL.recv). Test points print "ok - [TITLE: ]LINE" or
 * "not ok - ..." followed by "# got: RESULT" when they fail. Lines without "=>"
 * must succeed (else "not ok - setup: LINE"). Exit status: 0 if every point
 * passed, 1 if not, 2 on a usage error.
 *
 * Namespaces and servers
 *
 *   ns NAME [PATH]            name a network namespace (default PATH
 *                             /run/netns/NAME); "host" is the process's own
 *   listen NS tcp|udp PORTS   echo servers on [::] (IPv4 and IPv6), PORTS
 *                             like 80,443,8000-8010
 *   listen NS icmp            raw sockets counting probe ICMP messages
 *   listen NS rawtcp          raw sockets counting tcpack probes
 *   listen NS seq PORT        UDP sink for sequence streams (useq)
 *   listen NS stream PORT     TCP sink checking a pseudo-random stream
 *
 * Probes (consecutive probe lines run in parallel, as one group; any other
 * command, or the end, runs the group). Each records, by source address
 * and port (TCP, UDP) or by a magic payload (ICMP), whether a server saw
 * it:
 *
 *   tcp NS DST PORT [src=ADDR] [sport=N] [as=LABEL]
 *   udp NS DST PORT [src=ADDR] [sport=N] [as=LABEL] [size=N] [dstopt]
 *                             (size: payload bytes, e.g. to fragment;
 *                             dstopt: an IPv6 destination options header)
 *   icmp NS DST [type=T] [code=C] [src=ADDR] [as=LABEL]
 *   tcpack NS DST PORT [src=ADDR] [as=LABEL]   a bare TCP ACK (raw socket;
 *                             counted by "listen NS rawtcp")
 *
 *   results: connected (TCP handshake and echo) | reply (UDP echo, ICMP
 *   reply) | refused (TCP RST or ICMP port unreachable) | unreach (another
 *   ICMP error) | timeout | error; then err=ERRNO icmp=TYPE/CODE (ICMP
 *   errors), ms=N, fast (ms < 500), arrived=N (server side), at=NS (the
 *   server's namespace), to=ADDR (the address the server was reached at),
 *   from=ADDR (the source the server saw).
 *
 *   timeout MS                how long a group waits (default 1000)
 *
 * Strata (in the host namespace)
 *
 *   events on|off|clear       subscribe to the "flows" group / forget events
 *   events sink               subscribe, but never read (a lagging listener)
 *   ev LABEL TOKEN...         result n=K: events of probe LABEL's flow (its
 *                             source address and port; ICMP: source,
 *                             destination and type) whose line has every
 *                             TOKEN (same matching as expectations)
 *   evdump                    print the events received so far
 *   ctr KIND ID LIST INDEX    one counter: flows= packets= bytes=; KIND rule
 *                             (LIST in|out), tier, profile (in|out),
 *                             nomatch (LIST: in out uin uout prednat fin fout)
 *   ctr-reset                 zero every counter
 *   stats [snap]              statistics (snap: remember them); dstats:
 *   dstats                    the difference since the last snap
 *
 * Streams (run in threads while the script goes on)
 *
 *   useq start LABEL NS DST PORT [pps=N] [count=N]  numbered UDP datagrams
 *   useq stop LABEL            sent= recv= lost= reorder= dup=
 *   tstream start LABEL NS DST PORT [kbps=N] TCP pseudo-random stream
 *   tstream stop LABEL         sent= checked= bad= ok|broken
 *   uflow start LABEL NS DST PORT [pps=N]   UDP requests to an echo server
 *   uflow stop LABEL           sent= replies= lost= ok|broken
 *   cflood start LABEL NS DST PORT [pps=N]  new TCP connections (reset)
 *   cflood stop LABEL          sent= connected=
 *
 * Other
 *
 *   @ TEXT                    title of the following test points
 *   echo TEXT                 print "# TEXT"
 *   sh COMMAND...             run a shell command: rc=N
 *   sleep MS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/errqueue.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/strata.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define MAXNS	  32
#define MAXPROBES 256
#define MAXTOK	  48
#define ADDRLEN	  INET6_ADDRSTRLEN
#define MAGIC	  0x5354524eU /* "STRN" */
#define SEQMAGIC  0x53455131U /* "SEQ1" */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "strata-net: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

/* Copy with truncation. */
static void scopy(char *d, size_t n, const char *s)
{
	size_t l = strnlen(s, n - 1);

	memcpy(d, s, l);
	d[l] = '\0';
}

static const char *errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "unknown";
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- text ------------------------------------------------------------ */

struct text {
	char s[4096];
	size_t len;
};

static void tadd(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void tadd(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->s) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, sizeof(t->s) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len > sizeof(t->s) - 1)
		t->len = sizeof(t->s) - 1;
}

/* ---- addresses ------------------------------------------------------- */

union sa {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr_storage ss;
};

/* Address text, IPv4-mapped IPv6 shown as IPv4. */
static void sa_text(const union sa *a, char *buf, uint16_t *port)
{
	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->v4.sin_addr, buf, ADDRLEN);
		if (port)
			*port = ntohs(a->v4.sin_port);
		return;
	}
	if (IN6_IS_ADDR_V4MAPPED(&a->v6.sin6_addr))
		inet_ntop(AF_INET, &a->v6.sin6_addr.s6_addr[12], buf, ADDRLEN);
	else
		inet_ntop(AF_INET6, &a->v6.sin6_addr, buf, ADDRLEN);
	if (port)
		*port = ntohs(a->v6.sin6_port);
}

static void in6_text(const struct in6_addr *a, char *buf)
{
	if (IN6_IS_ADDR_V4MAPPED(a))
		inet_ntop(AF_INET, &a->s6_addr[12], buf, ADDRLEN);
	else
		inet_ntop(AF_INET6, a, buf, ADDRLEN);
}

/* Parse ADDR (v4 or v6, "%dev" scope allowed for link-local) and port. */
static int sa_parse(const char *s, uint16_t port, union sa *a, socklen_t *len)
{
	char buf[128], *pct;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4.sin_addr) == 1) {
		a->v4.sin_family = AF_INET;
		a->v4.sin_port = htons(port);
		*len = sizeof(a->v4);
		return AF_INET;
	}
	scopy(buf, sizeof(buf), s);
	pct = strchr(buf, '%');
	if (pct)
		*pct++ = '\0';
	if (inet_pton(AF_INET6, buf, &a->v6.sin6_addr) != 1)
		return -1;
	a->v6.sin6_family = AF_INET6;
	a->v6.sin6_port = htons(port);
	if (pct)
		a->v6.sin6_scope_id = strtoul(pct, NULL, 10);
	*len = sizeof(a->v6);
	return AF_INET6;
}

/* ---- namespaces ------------------------------------------------------ */

struct nsent {
	char name[32];
	int fd;
};

static struct nsent nss[MAXNS];
static int nns;
static int self_ns = -1;
static pthread_mutex_t ns_lock = PTHREAD_MUTEX_INITIALIZER;

static int ns_find(const char *name)
{
	int i;

	for (i = 0; i < nns; i++)
		if (!strcmp(nss[i].name, name))
			return i;
	return -1;
}

/* A socket created in namespace @ns (sockets stay where they were made). */
static int sock_in(const char *ns, int domain, int type, int proto)
{
	int i = ns_find(ns), fd, err;

	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	pthread_mutex_lock(&ns_lock);
	if (nss[i].fd != self_ns && setns(nss[i].fd, CLONE_NEWNET)) {
		err = errno;
		pthread_mutex_unlock(&ns_lock);
		errno = err;
		return -1;
	}
	fd = socket(domain, type, proto);
	err = errno;
	if (nss[i].fd != self_ns && setns(self_ns, CLONE_NEWNET))
		die("cannot return to the original namespace: %m");
	pthread_mutex_unlock(&ns_lock);
	errno = err;
	return fd;
}

/* ---- arrivals (what the servers saw) ---------------------------------- */

struct arrival {
	uint8_t proto;
	uint32_t uid; /* ICMP: probe magic id */
	uint8_t type, code; /* ICMP */
	char src[ADDRLEN];
	uint16_t sport;
	char dst[ADDRLEN]; /* where the server was reached */
	char ns[32];
	int count;
};

static struct arrival *arr;
static size_t narr, carr;
static pthread_mutex_t arr_lock = PTHREAD_MUTEX_INITIALIZER;

static void arrival_add(uint8_t proto, uint32_t uid, uint8_t type, uint8_t code,
			const char *src, uint16_t sport, const char *dst,
			const char *ns)
{
	size_t i;

	pthread_mutex_lock(&arr_lock);
	for (i = 0; i < narr; i++) {
		struct arrival *a = &arr[i];

		if (a->proto == proto && a->uid == uid && a->type == type &&
		    a->code == code && a->sport == sport &&
		    !strcmp(a->src, src) && !strcmp(a->ns, ns) &&
		    !strcmp(a->dst, dst)) {
			a->count++;
			goto out;
		}
	}
	if (narr == carr) {
		carr = carr ? carr * 2 : 256;
		arr = realloc(arr, carr * sizeof(*arr));
		if (!arr)
			die("out of memory");
	}
	memset(&arr[narr], 0, sizeof(arr[0]));
	arr[narr].proto = proto;
	arr[narr].uid = uid;
	arr[narr].type = type;
	arr[narr].code = code;
	scopy(arr[narr].src, ADDRLEN, src);
	arr[narr].sport = sport;
	scopy(arr[narr].dst, ADDRLEN, dst);
	scopy(arr[narr].ns, sizeof(arr[0].ns), ns);
	arr[narr].count = 1;
	narr++;
out:
	pthread_mutex_unlock(&arr_lock);
}

/* ---- servers ---------------------------------------------------------- */

enum srv_kind {
	SRV_TCP_LISTEN,
	SRV_TCP_CONN,
	SRV_UDP,
	SRV_ICMP4,
	SRV_ICMP6,
	SRV_SEQ,
	SRV_STREAM_LISTEN,
	SRV_STREAM_CONN,
	SRV_RAWTCP4,
	SRV_RAWTCP6,
};

struct srv {
	enum srv_kind kind;
	int fd;
	char ns[32];
	/* streams */
	uint64_t state, checked, bad;
	uint8_t seedbuf[8];
	int seedlen;
};

/* Sequence streams, by stream id. */
struct seqrx {
	uint32_t id;
	uint64_t recv, reorder, dup, maxseq;
	bool any;
	uint8_t *seen;
	size_t seen_len;
};

static struct seqrx seqrx[16];
static int nseqrx;
static pthread_mutex_t seq_lock = PTHREAD_MUTEX_INITIALIZER;
static int epfd = -1;
static pthread_t srv_thread;
static bool srv_started;

static void srv_watch(struct srv *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, s->fd, &ev))
		die("epoll_ctl: %m");
}

static void srv_close(struct srv *s)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	free(s);
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void srv_tcp_accept(struct srv *l)
{
	union sa peer, local;
	socklen_t plen = sizeof(peer), llen = sizeof(local);
	char src[ADDRLEN], dst[ADDRLEN];
	uint16_t sport, dport;
	struct srv *c;
	int fd;

	fd = accept4(l->fd, &peer.sa, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	getsockname(fd, &local.sa, &llen);
	sa_text(&peer, src, &sport);
	sa_text(&local, dst, &dport);
	c = calloc(1, sizeof(*c));
	if (!c)
		die("out of memory");
	c->fd = fd;
	scopy(c->ns, sizeof(c->ns), l->ns);
	if (l->kind == SRV_TCP_LISTEN) {
		c->kind = SRV_TCP_CONN;
		arrival_add(IPPROTO_TCP, 0, 0, 0, src, sport, dst, l->ns);
	} else {
		c->kind = SRV_STREAM_CONN;
	}
	srv_watch(c);
}

/* Stream: 8 bytes of seed, then xorshift bytes; EOF: send the verdict. */
static void srv_stream_read(struct srv *c)
{
	uint8_t buf[16384];
	ssize_t n, i;
	char out[128];

	n = read(c->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		int fl = fcntl(c->fd, F_GETFL);

		snprintf(out, sizeof(out),
			 "checked=%" PRIu64 " bad=%" PRIu64 "\n", c->checked,
			 c->bad);
		fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
		if (write(c->fd, out, strlen(out)) < 0) {
			/* the client reports the missing verdict */
		}
		srv_close(c);
		return;
	}
	for (i = 0; i < n; i++) {
		if (c->seedlen < 8) {
			c->seedbuf[c->seedlen++] = buf[i];
			if (c->seedlen == 8)
				memcpy(&c->state, c->seedbuf, 8);
			continue;
		}
		if (buf[i] != (uint8_t)(xorshift(&c->state) >> 24))
			c->bad++;
		c->checked++;
	}
}

static void srv_tcp_read(struct srv *c)
{
	char buf[4096];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		srv_close(c);
		return;
	}
	if (write(c->fd, buf, n) < 0) {
		/* the client sees no echo */
	}
}

static void cmsg_dst(struct msghdr *mh, char *dst, struct in6_pktinfo *pi,
		     bool *have)
{
	struct cmsghdr *cm;

	*have = false;
	strcpy(dst, "?");
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO) {
			memcpy(pi, CMSG_DATA(cm), sizeof(*pi));
			in6_text(&pi->ipi6_addr, dst);
			*have = true;
		} else if (cm->cmsg_level == IPPROTO_IP &&
			   cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo p4;

			memcpy(&p4, CMSG_DATA(cm), sizeof(p4));
			inet_ntop(AF_INET, &p4.ipi_addr, dst, ADDRLEN);
		}
	}
}

static void srv_udp_read(struct srv *s)
{
	static uint8_t buf[65536];
	char cbuf[256], src[ADDRLEN], dst[ADDRLEN];
	union sa peer;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &peer,
		.msg_namelen = sizeof(peer),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct in6_pktinfo pi;
	uint16_t sport;
	bool have;
	ssize_t n;

	n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return;
	sa_text(&peer, src, &sport);
	cmsg_dst(&mh, dst, &pi, &have);
	if (s->kind == SRV_SEQ) {
		uint32_t magic, id, seq;
		int i;

		if (n < 12)
			return;
		memcpy(&magic, buf, 4);
		memcpy(&id, buf + 4, 4);
		memcpy(&seq, buf + 8, 4);
		if (magic != SEQMAGIC)
			return;
		pthread_mutex_lock(&seq_lock);
		for (i = 0; i < nseqrx; i++)
			if (seqrx[i].id == id)
				break;
		if (i == nseqrx && nseqrx < 16) {
			memset(&seqrx[i], 0, sizeof(seqrx[i]));
			seqrx[i].id = id;
			nseqrx++;
		}
		if (i < nseqrx) {
			struct seqrx *r = &seqrx[i];

			if (seq / 8 >= r->seen_len) {
				size_t nl = (seq / 8 + 1) * 2;

				r->seen = realloc(r->seen, nl);
				if (!r->seen)
					die("out of memory");
				memset(r->seen + r->seen_len, 0,
				       nl - r->seen_len);
				r->seen_len = nl;
			}
			if (r->seen[seq / 8] & (1 << (seq % 8))) {
				r->dup++;
			} else {
				r->seen[seq / 8] |= 1 << (seq % 8);
				r->recv++;
				if (r->any && seq < r->maxseq)
					r->reorder++;
			}
			if (!r->any || seq > r->maxseq)
				r->maxseq = seq;
			r->any = true;
		}
		pthread_mutex_unlock(&seq_lock);
		return;
	}
	arrival_add(IPPROTO_UDP, 0, 0, 0, src, sport, dst, s->ns);
	/* echo from the address the datagram was sent to */
	mh.msg_iov->iov_len = n;
	mh.msg_controllen = 0;
	if (have) {
		struct cmsghdr *cm;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		pi.ipi6_ifindex = 0;
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		mh.msg_control = NULL;
	}
	sendmsg(s->fd, &mh, MSG_DONTWAIT);
}

/* The probe header inside ICMP: type code csum id seq, then MAGIC uid. */
static void srv_icmp_read(struct srv *s)
{
	uint8_t buf[2048];
	char cbuf[256], src[ADDRLEN], dst[ADDRLEN];
	union sa peer;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &peer,
		.msg_namelen = sizeof(peer),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct in6_pktinfo pi;
	const uint8_t *h;
	uint32_t magic, uid;
	size_t off = 0;
	bool have;
	ssize_t n;

	n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return;
	sa_text(&peer, src, NULL);
	cmsg_dst(&mh, dst, &pi, &have);
	if (s->kind == SRV_ICMP4) {
		const struct iphdr *ip = (const void *)buf;

		if (n < (ssize_t)sizeof(*ip))
			return;
		off = ip->ihl * 4;
		inet_ntop(AF_INET, &ip->daddr, dst, ADDRLEN);
	}
	if (n < (ssize_t)off + 16)
		return;
	h = buf + off;
	memcpy(&magic, h + 8, 4);
	memcpy(&uid, h + 12, 4);
	if (ntohl(magic) != MAGIC)
		return;
	arrival_add(s->kind == SRV_ICMP4 ? IPPROTO_ICMP : IPPROTO_ICMPV6,
		    ntohl(uid), h[0], h[1], src, 0, dst, s->ns);
}

/* Raw TCP segments carrying MAGIC uid as payload (tcpack probes). */
static void srv_rawtcp_read(struct srv *s)
{
	uint8_t buf[2048];
	char src[ADDRLEN], dst[ADDRLEN] = "?";
	union sa peer;
	socklen_t pl = sizeof(peer);
	const uint8_t *h;
	uint32_t magic, uid;
	size_t off = 0, doff;
	ssize_t n;

	n = recvfrom(s->fd, buf, sizeof(buf), MSG_DONTWAIT, &peer.sa, &pl);
	if (n < 0)
		return;
	sa_text(&peer, src, NULL);
	if (s->kind == SRV_RAWTCP4) {
		if (n < 20)
			return;
		off = (buf[0] & 0xf) * 4;
		inet_ntop(AF_INET, buf + 16, dst, ADDRLEN);
	}
	if (n < (ssize_t)off + 20)
		return;
	h = buf + off;
	doff = (size_t)(h[12] >> 4) * 4;
	if (n < (ssize_t)(off + doff + 8))
		return;
	memcpy(&magic, h + doff, 4);
	memcpy(&uid, h + doff + 4, 4);
	if (ntohl(magic) != MAGIC)
		return;
	arrival_add(IPPROTO_TCP, ntohl(uid), 0, 0, src,
		    (uint16_t)(h[0] << 8 | h[1]), dst, s->ns);
}

static void *srv_main(void *arg)
{
	struct epoll_event evs[64];
	int n, i;

	(void)arg;
	for (;;) {
		n = epoll_wait(epfd, evs, 64, -1);
		for (i = 0; i < n; i++) {
			struct srv *s = evs[i].data.ptr;

			switch (s->kind) {
			case SRV_TCP_LISTEN:
			case SRV_STREAM_LISTEN:
				srv_tcp_accept(s);
				break;
			case SRV_TCP_CONN:
				srv_tcp_read(s);
				break;
			case SRV_STREAM_CONN:
				srv_stream_read(s);
				break;
			case SRV_UDP:
			case SRV_SEQ:
				srv_udp_read(s);
				break;
			case SRV_ICMP4:
			case SRV_ICMP6:
				srv_icmp_read(s);
				break;
			case SRV_RAWTCP4:
			case SRV_RAWTCP6:
				srv_rawtcp_read(s);
				break;
			}
		}
	}
	return NULL;
}

static int srv_add(const char *ns, enum srv_kind kind, uint16_t port)
{
	struct srv *s = calloc(1, sizeof(*s));
	int one = 1, zero = 0, fd, big = 4 << 20;
	union sa a;

	if (!s)
		die("out of memory");
	memset(&a, 0, sizeof(a));
	a.v6.sin6_family = AF_INET6;
	a.v6.sin6_port = htons(port);
	switch (kind) {
	case SRV_ICMP4:
		fd = sock_in(ns, AF_INET,
			     SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			     IPPROTO_ICMP);
		break;
	case SRV_RAWTCP4:
	case SRV_RAWTCP6:
		fd = sock_in(ns, kind == SRV_RAWTCP4 ? AF_INET : AF_INET6,
			     SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			     IPPROTO_TCP);
		break;
	case SRV_ICMP6:
		fd = sock_in(ns, AF_INET6,
			     SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			     IPPROTO_ICMPV6);
		if (fd >= 0)
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
				   sizeof(one));
		break;
	case SRV_UDP:
	case SRV_SEQ:
		fd = sock_in(ns, AF_INET6,
			     SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			break;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			   sizeof(one));
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
		if (bind(fd, &a.sa, sizeof(a.v6))) {
			close(fd);
			fd = -1;
		}
		break;
	default:
		fd = sock_in(ns, AF_INET6,
			     SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			break;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, &a.sa, sizeof(a.v6)) || listen(fd, 128)) {
			close(fd);
			fd = -1;
		}
		break;
	}
	if (fd < 0) {
		free(s);
		return -errno;
	}
	s->kind = kind;
	s->fd = fd;
	scopy(s->ns, sizeof(s->ns), ns);
	if (!srv_started) {
		if (pthread_create(&srv_thread, NULL, srv_main, NULL))
			die("pthread_create");
		srv_started = true;
	}
	srv_watch(s);
	return 0;
}

/* ---- generic netlink -------------------------------------------------- */

static int genl_fd = -1, ev_fd = -1;
static int strata_family = -1, flows_grp = -1;
static uint32_t nl_seq = 1;

struct nlmsg {
	uint8_t b[8192];
	size_t len;
	size_t nest[8];
	int depth;
};

static void nl_init(struct nlmsg *m, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *h = (void *)m->b;
	struct genlmsghdr *g = (void *)(m->b + NLMSG_HDRLEN);

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = nl_seq++;
	g->cmd = cmd;
	g->version = STRATA_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->depth = 0;
}

static void nl_put(struct nlmsg *m, uint16_t type, const void *d, size_t n)
{
	struct nlattr *a = (void *)(m->b + m->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + n;
	if (n)
		memcpy(m->b + m->len + NLA_HDRLEN, d, n);
	memset(m->b + m->len + NLA_HDRLEN + n, 0, NLA_ALIGN(n) - n);
	m->len += NLA_HDRLEN + NLA_ALIGN(n);
}

static void nl_nest(struct nlmsg *m, uint16_t type)
{
	m->nest[m->depth++] = m->len;
	nl_put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nl_end(struct nlmsg *m)
{
	struct nlattr *a = (void *)(m->b + m->nest[--m->depth]);

	a->nla_len = m->len - m->nest[m->depth];
}

static int nl_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, big = 8 << 20;

	if (fd < 0 || bind(fd, (void *)&sa, sizeof(sa)))
		die("netlink socket: %m");
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	return fd;
}

#define for_each_nla(a, data, len, rem)                           \
	for ((a) = (const struct nlattr *)(data), (rem) = (len);  \
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN && \
	     (a)->nla_len <= (rem);                               \
	     (rem) -= NLA_ALIGN((a)->nla_len),                    \
	    (a) = (const struct nlattr *)((const char *)(a) +     \
					  NLA_ALIGN((a)->nla_len)))

#define TBMAX 64

static const void *nla_data_(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static size_t nla_len_(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static void nla_parse_(const void *d, size_t len, const struct nlattr **tb)
{
	const struct nlattr *a;
	size_t rem;

	memset(tb, 0, TBMAX * sizeof(*tb));
	for_each_nla(a, d, len, rem)
	{
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t < TBMAX)
			tb[t] = a;
	}
}

static uint64_t nla_uint(const struct nlattr *a)
{
	uint64_t v = 0;

	if (!a)
		return 0;
	switch (nla_len_(a)) {
	case 1:
		return *(const uint8_t *)nla_data_(a);
	case 2: {
		uint16_t x;

		memcpy(&x, nla_data_(a), 2);
		return x;
	}
	case 4: {
		uint32_t x;

		memcpy(&x, nla_data_(a), 4);
		return x;
	}
	case 8:
		memcpy(&v, nla_data_(a), 8);
		return v;
	}
	return 0;
}

typedef void (*nl_cb)(const struct nlmsghdr *h, void *arg);

/* Send @m on @fd; pass each reply to @cb until the ack or NLMSG_DONE. */
static int nl_talk(int fd, struct nlmsg *m, nl_cb cb, void *arg, char *emsg,
		   size_t emlen)
{
	struct nlmsghdr *h = (void *)m->b;
	static uint8_t buf[1 << 16];
	uint32_t seq = h->nlmsg_seq;

	h->nlmsg_len = m->len;
	if (emsg)
		emsg[0] = '\0';
	if (send(fd, m->b, m->len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *r;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		len = (int)n;
		for (r = (void *)buf; NLMSG_OK(r, len);
		     r = NLMSG_NEXT(r, len)) {
			if (r->nlmsg_seq != seq)
				continue;
			if (r->nlmsg_type == NLMSG_DONE)
				return 0;
			if (r->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(r);

				if (e->error && emsg &&
				    (r->nlmsg_flags & NLM_F_ACK_TLVS)) {
					const struct nlattr *tb[TBMAX];
					size_t off = NLMSG_HDRLEN + sizeof(*e);

					nla_parse_((char *)r + off,
						   r->nlmsg_len - off, tb);
					if (tb[NLMSGERR_ATTR_MSG])
						snprintf(
							emsg, emlen, "%s",
							(const char *)nla_data_(
								tb[NLMSGERR_ATTR_MSG]));
				}
				return e->error;
			}
			if (cb)
				cb(r, arg);
			if (!(r->nlmsg_flags & NLM_F_MULTI) &&
			    !(h->nlmsg_flags & NLM_F_ACK))
				return 0;
		}
	}
}

static void resolve_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *tb[TBMAX], *g, *gt[TBMAX];
	size_t rem;

	(void)arg;
	nla_parse_((const char *)NLMSG_DATA(h) + GENL_HDRLEN,
		   h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb);
	if (tb[CTRL_ATTR_FAMILY_ID])
		strata_family = (int)nla_uint(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return;
	for_each_nla(g, nla_data_(tb[CTRL_ATTR_MCAST_GROUPS]),
		     nla_len_(tb[CTRL_ATTR_MCAST_GROUPS]), rem)
	{
		nla_parse_(nla_data_(g), nla_len_(g), gt);
		if (gt[CTRL_ATTR_MCAST_GRP_NAME] &&
		    !strcmp(nla_data_(gt[CTRL_ATTR_MCAST_GRP_NAME]),
			    STRATA_MCGRP_FLOWS))
			flows_grp = (int)nla_uint(gt[CTRL_ATTR_MCAST_GRP_ID]);
	}
}

static int genl(void)
{
	struct nlmsg m;
	int ret;

	if (genl_fd >= 0)
		return 0;
	genl_fd = nl_open();
	nl_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	m.b[NLMSG_HDRLEN + 1] = 1;
	nl_put(&m, CTRL_ATTR_FAMILY_NAME, STRATA_GENL_NAME,
	       strlen(STRATA_GENL_NAME) + 1);
	ret = nl_talk(genl_fd, &m, resolve_cb, NULL, NULL, 0);
	if (ret || strata_family < 0) {
		close(genl_fd);
		genl_fd = -1;
		return ret ? ret : -ENOENT;
	}
	return 0;
}

/* ---- flow events ------------------------------------------------------ */

struct event {
	uint8_t fam, proto, type;
	char src[ADDRLEN], dst[ADDRLEN];
	uint16_t sport, dport;
	char *line;
};

static struct event *evs;
static size_t nevs, cevs;

static const char *const hook_names[] = {
	"raw_pre", "raw_out", "prednat", "pre", "input", "forward", "output",
};
static const char *const verdict_names[] = {
	"none", "allow", "deny", "reject", "notrack",
};
static const char *const reason_names[] = {
	"none",		 "policy", "established", "invalid",  "unknown_iface",
	"not_committed", "spoof",  "tunnel",	  "failsafe", "wl_to_host",
	"host_to_wl",	 "nd",	   "no_endpoint",
};
static const char *const list_names[] = {
	"in", "out", "uin", "uout", "prednat", "fin", "fout",
};
static const char *const action_names[] = {
	"none", "allow", "deny", "pass", "log", "reject",
};
static const char *const kind_names[] = {
	"none", "rule", "tier", "profile", "nomatch",
};

#define NAME(tab, i) ((size_t)(i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : "?")

static void addr_text(const struct nlattr *a, char *buf)
{
	strcpy(buf, "-");
	if (!a)
		return;
	if (nla_len_(a) == 4)
		inet_ntop(AF_INET, nla_data_(a), buf, ADDRLEN);
	else if (nla_len_(a) == 16)
		inet_ntop(AF_INET6, nla_data_(a), buf, ADDRLEN);
}

static void event_parse(const struct nlmsghdr *h)
{
	const struct nlattr *tb[TBMAX], *f[TBMAX], *s, *st[TBMAX], *l,
		*lt[TBMAX];
	struct event e;
	struct text t = { .len = 0 };
	size_t rem, rem2;
	int i = 0;

	nla_parse_((const char *)NLMSG_DATA(h) + GENL_HDRLEN,
		   h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb);
	if (!tb[STRATA_A_FLOW])
		return;
	nla_parse_(nla_data_(tb[STRATA_A_FLOW]), nla_len_(tb[STRATA_A_FLOW]),
		   f);
	memset(&e, 0, sizeof(e));
	e.fam = nla_uint(f[STRATA_FLOW_A_FAMILY]);
	e.proto = nla_uint(f[STRATA_FLOW_A_PROTO]);
	addr_text(f[STRATA_FLOW_A_SADDR], e.src);
	addr_text(f[STRATA_FLOW_A_DADDR], e.dst);
	e.sport = nla_uint(f[STRATA_FLOW_A_SPORT]);
	e.dport = nla_uint(f[STRATA_FLOW_A_DPORT]);
	e.type = nla_uint(f[STRATA_FLOW_A_ICMP_TYPE]);
	tadd(&t, "hook=%s verdict=%s reason=%s fam=%u proto=%u src=%s dst=%s",
	     NAME(hook_names, nla_uint(f[STRATA_FLOW_A_HOOK])),
	     NAME(verdict_names, nla_uint(f[STRATA_FLOW_A_VERDICT])),
	     NAME(reason_names, nla_uint(f[STRATA_FLOW_A_REASON])), e.fam,
	     e.proto, e.src, e.dst);
	if (f[STRATA_FLOW_A_SPORT])
		tadd(&t, " sport=%u dport=%u", e.sport, e.dport);
	if (f[STRATA_FLOW_A_ICMP_TYPE])
		tadd(&t, " type=%u code=%u", e.type,
		     (unsigned int)nla_uint(f[STRATA_FLOW_A_ICMP_CODE]));
	tadd(&t, " iif=%s oif=%s",
	     f[STRATA_FLOW_A_IIF]
		     ? (const char *)nla_data_(f[STRATA_FLOW_A_IIF])
		     : "-",
	     f[STRATA_FLOW_A_OIF]
		     ? (const char *)nla_data_(f[STRATA_FLOW_A_OIF])
		     : "-");
	tadd(&t, " ep_in=%u ep_out=%u mark=0x%x len=%u gen=%" PRIu64 "%s",
	     (unsigned int)nla_uint(f[STRATA_FLOW_A_EP_IN]),
	     (unsigned int)nla_uint(f[STRATA_FLOW_A_EP_OUT]),
	     (unsigned int)nla_uint(f[STRATA_FLOW_A_MARK]),
	     (unsigned int)nla_uint(f[STRATA_FLOW_A_LEN]),
	     nla_uint(f[STRATA_FLOW_A_GENERATION]),
	     f[STRATA_FLOW_A_LOGGED] ? " logged" : "");
	if (f[STRATA_FLOW_A_STEPS]) {
		for_each_nla(s, nla_data_(f[STRATA_FLOW_A_STEPS]),
			     nla_len_(f[STRATA_FLOW_A_STEPS]), rem)
		{
			nla_parse_(nla_data_(s), nla_len_(s), st);
			tadd(&t,
			     " s%d.ep=%u s%d.list=%s s%d.action=%s s%d.kind=%s s%d.tier=%u s%d.policy=%u s%d.rule=%u s%d.cookie=%" PRIu64
			     " s%d.passes=%u",
			     i,
			     (unsigned int)nla_uint(st[STRATA_STEP_A_ENDPOINT]),
			     i,
			     NAME(list_names, nla_uint(st[STRATA_STEP_A_LIST])),
			     i,
			     NAME(action_names,
				  nla_uint(st[STRATA_STEP_A_ACTION])),
			     i,
			     NAME(kind_names, nla_uint(st[STRATA_STEP_A_KIND])),
			     i, (unsigned int)nla_uint(st[STRATA_STEP_A_TIER]),
			     i,
			     (unsigned int)nla_uint(st[STRATA_STEP_A_POLICY]),
			     i, (unsigned int)nla_uint(st[STRATA_STEP_A_RULE]),
			     i, nla_uint(st[STRATA_STEP_A_COOKIE]), i,
			     (unsigned int)nla_uint(st[STRATA_STEP_A_PASSES]));
			if (st[STRATA_STEP_A_LOGS]) {
				tadd(&t, " s%d.logs=", i);
				for_each_nla(l,
					     nla_data_(st[STRATA_STEP_A_LOGS]),
					     nla_len_(st[STRATA_STEP_A_LOGS]),
					     rem2)
				{
					nla_parse_(nla_data_(l), nla_len_(l),
						   lt);
					tadd(&t, "%u/%u/%u,",
					     (unsigned int)nla_uint(
						     lt[STRATA_LOG_A_TIER]),
					     (unsigned int)nla_uint(
						     lt[STRATA_LOG_A_POLICY]),
					     (unsigned int)nla_uint(
						     lt[STRATA_LOG_A_RULE]));
				}
				t.s[--t.len] = '\0';
			}
			i++;
		}
	}
	tadd(&t, " steps=%d", i);
	e.line = strdup(t.s);
	if (!e.line)
		die("out of memory");
	if (nevs == cevs) {
		cevs = cevs ? cevs * 2 : 256;
		evs = realloc(evs, cevs * sizeof(*evs));
		if (!evs)
			die("out of memory");
	}
	evs[nevs++] = e;
}

static uint64_t ev_lost_local;

static bool ev_sink; /* subscribed, never read: a subscriber that lags */

/* What has arrived so far, bounded: events may keep coming under a flood. */
static void events_drain(void)
{
	static uint8_t buf[1 << 16];
	int budget = 256;

	if (ev_fd < 0 || ev_sink)
		return;
	while (budget--) {
		ssize_t n = recv(ev_fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *h;
		int len;

		if (n < 0) {
			if (errno == ENOBUFS) {
				ev_lost_local++;
				continue;
			}
			return;
		}
		len = (int)n;
		for (h = (void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
			if (h->nlmsg_type == strata_family)
				event_parse(h);
	}
}

static int events_on(void)
{
	int ret = genl();

	if (ret)
		return ret;
	if (flows_grp < 0)
		return -ENOENT;
	if (ev_fd >= 0)
		return 0;
	ev_fd = nl_open();
	if (setsockopt(ev_fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &flows_grp,
		       sizeof(flows_grp)))
		return -errno;
	return 0;
}

/* ---- result matching ------------------------------------------------- */

/* Does result @res satisfy token @tok? */
static bool tok_ok(const char *res, const char *tok)
{
	char key[64], rw[128];
	const char *op = NULL, *p;
	int oplen = 0;
	bool neg = tok[0] == '!';
	long long want, got;
	size_t klen;

	if (neg)
		tok++;
	for (p = tok; *p; p++) {
		if ((p[0] == '>' || p[0] == '<' || p[0] == '!') &&
		    p[1] == '=') {
			op = p;
			oplen = 2;
			break;
		}
		if (p[0] == '=') {
			op = p;
			oplen = 1;
			break;
		}
	}
	if (!op || oplen == 1 || neg) {
		/* whole word present (or absent) */
		bool found = false;
		size_t tl = strlen(tok);

		for (p = res; *p;) {
			size_t wl = strcspn(p, " ");

			if (wl == tl && !strncmp(p, tok, tl)) {
				found = true;
				break;
			}
			p += wl;
			p += strspn(p, " ");
		}
		return neg ? !found : found;
	}
	klen = (size_t)(op - tok);
	if (klen >= sizeof(key))
		return false;
	memcpy(key, tok, klen);
	key[klen] = '\0';
	want = strtoll(op + 2, NULL, 0);
	for (p = res; *p;) {
		size_t wl = strcspn(p, " ");

		if (wl < sizeof(rw)) {
			memcpy(rw, p, wl);
			rw[wl] = '\0';
			if (!strncmp(rw, key, klen) && rw[klen] == '=') {
				got = strtoll(rw + klen + 1, NULL, 0);
				switch (op[0]) {
				case '>':
					return got >= want;
				case '<':
					return got <= want;
				default:
					return got != want;
				}
			}
		}
		p += wl;
		p += strspn(p, " ");
	}
	return false;
}

static char title[256];
static bool show_result;
static long start_ms;
static int failures, points;

/* Variables: stream results (LABEL.sent, LABEL.recv), for expectations. */
struct var {
	char name[48];
	long long v;
};

static struct var vars[64];
static int nvars;

static void var_set(const char *label, const char *what, long long v)
{
	char name[48];
	int i;

	snprintf(name, sizeof(name), "%.31s.%.15s", label, what);
	for (i = 0; i < nvars; i++)
		if (!strcmp(vars[i].name, name))
			break;
	if (i == nvars) {
		if (nvars == 64)
			return;
		nvars++;
	}
	scopy(vars[i].name, sizeof(vars[i].name), name);
	vars[i].v = v;
}

/* KEY=@A+B+3 (or >=, <=, !=): the sum of variables and numbers. */
static void tok_expand(const char *tok, char *out, size_t n)
{
	const char *at = strstr(tok, "=@");
	char buf[256], *t, *save;
	long long sum = 0;

	if (!at) {
		scopy(out, n, tok);
		return;
	}
	scopy(buf, sizeof(buf), at + 2);
	for (t = strtok_r(buf, "+", &save); t; t = strtok_r(NULL, "+", &save)) {
		char *end;
		long long x = strtoll(t, &end, 0);
		int i;

		if (*end) {
			for (i = 0; i < nvars; i++)
				if (!strcmp(vars[i].name, t))
					break;
			if (i == nvars) {
				snprintf(out, n, "undefined-variable-%s", t);
				return;
			}
			x = vars[i].v;
		}
		sum += x;
	}
	snprintf(out, n, "%.*s=%lld", (int)(at - tok), tok, sum);
}

static void point(const char *line, const char *res, char **tok, int ntok,
		  bool is_test)
{
	bool ok = true;
	char x[256];
	int i;

	for (i = 0; i < ntok; i++) {
		tok_expand(tok[i], x, sizeof(x));
		if (!tok_ok(res, x)) {
			ok = false;
			if (strcmp(x, tok[i]))
				printf("# %s is %s\n", tok[i], x);
		}
	}
	if (!is_test) {
		if (!ok) {
			failures++;
			printf("not ok - setup: %s\n# got: %s\n", line, res);
		}
		return;
	}
	points++;
	if (!ok)
		failures++;
	printf("%s - %s%s%s\n", ok ? "ok" : "not ok", title,
	       title[0] ? ": " : "", line);
	if (!ok || show_result)
		printf("# got: %s\n", res);
	show_result = false;
	fflush(stdout);
}

/* ---- probes ------------------------------------------------------------ */

enum {
	P_TCP,
	P_UDP,
	P_ICMP,
	P_TCPACK
};
enum {
	S_CONNECTING,
	S_WAITING,
	S_DONE
};

struct probe {
	char line[512];
	int kind;
	char ns[32], dst[ADDRLEN + 16], src[ADDRLEN], label[32];
	int port, sport, type, code, size;
	bool dstopt;
	bool is_test;
	char *tok[MAXTOK];
	int ntok;
	char tokbuf[512];
	/* runtime */
	int fd, fam, state;
	uint32_t uid;
	uint16_t id;
	char lsrc[ADDRLEN];
	uint16_t lsport;
	long t0, ms;
	struct text res;
};

struct label {
	char name[32];
	int kind, fam;
	char src[ADDRLEN], dst[ADDRLEN];
	uint16_t sport;
	int type;
};

static struct probe probes[MAXPROBES];
static int nprobes;
static struct label labels[1024];
static int nlabels;
static long group_timeout = 1000;
static uint32_t next_uid;

static void label_set(const struct probe *p)
{
	struct label *l = NULL;
	int i;

	if (!p->label[0])
		return;
	for (i = 0; i < nlabels; i++)
		if (!strcmp(labels[i].name, p->label))
			l = &labels[i];
	if (!l) {
		if (nlabels == (int)(sizeof(labels) / sizeof(labels[0])))
			return;
		l = &labels[nlabels++];
	}
	memset(l, 0, sizeof(*l));
	scopy(l->name, sizeof(l->name), p->label);
	l->kind = p->kind == P_TCPACK ? P_TCP : p->kind;
	l->fam = p->fam;
	scopy(l->src, sizeof(l->src), p->lsrc);
	l->sport = p->lsport;
	{
		char d[ADDRLEN + 16], *pct;

		scopy(d, sizeof(d), p->dst);
		pct = strchr(d, '%');
		if (pct)
			*pct = '\0';
		scopy(l->dst, sizeof(l->dst), d);
	}
	l->type = p->type;
}

static uint16_t csum(const void *d, size_t n)
{
	const uint8_t *p = d;
	uint32_t s = 0;

	while (n > 1) {
		s += (p[0] << 8) | p[1];
		p += 2;
		n -= 2;
	}
	if (n)
		s += p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static void probe_finish(struct probe *p, const char *what)
{
	if (p->state == S_DONE)
		return;
	p->ms = now_ms() - p->t0;
	tadd(&p->res, "%s", what);
	p->state = S_DONE;
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
}

/* Read an ICMP error from the error queue: icmp=T/C. */
static void errqueue(struct probe *p)
{
	char cbuf[512], dbuf[64];
	struct iovec iov = { dbuf, sizeof(dbuf) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	if (recvmsg(p->fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		struct sock_extended_err ee;

		if (!((cm->cmsg_level == IPPROTO_IP &&
		       cm->cmsg_type == IP_RECVERR) ||
		      (cm->cmsg_level == IPPROTO_IPV6 &&
		       cm->cmsg_type == IPV6_RECVERR)))
			continue;
		memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
		if (ee.ee_origin == SO_EE_ORIGIN_ICMP ||
		    ee.ee_origin == SO_EE_ORIGIN_ICMP6)
			tadd(&p->res, " icmp=%u/%u", ee.ee_type, ee.ee_code);
		tadd(&p->res, " err=%s", errname((int)ee.ee_errno));
		return;
	}
}

/* The source address the kernel would pick from @p->ns to @d. */
static void pick_source(struct probe *p, const union sa *d, socklen_t dl)
{
	int u = sock_in(p->ns, p->fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	union sa l;
	socklen_t ll = sizeof(l);

	if (u >= 0 && !connect(u, &d->sa, dl) && !getsockname(u, &l.sa, &ll))
		sa_text(&l, p->lsrc, NULL);
	if (u >= 0)
		close(u);
}

/*
 * A bare TCP ACK (no connection) with MAGIC uid as payload, from a raw
 * socket: conntrack finds it invalid (with nf_conntrack_tcp_loose=0).
 */
static void probe_start_tcpack(struct probe *p, const union sa *d, socklen_t dl)
{
	uint8_t seg[28], pseudo[40 + 28];
	uint32_t m = htonl(MAGIC), u = htonl(p->uid), seq = htonl(p->uid);
	uint16_t sport = (uint16_t)(40000 + p->uid % 20000), c;
	union sa src;
	socklen_t sl;
	int off = 16;

	if (p->src[0])
		scopy(p->lsrc, sizeof(p->lsrc), p->src);
	else
		pick_source(p, d, dl);
	if (sa_parse(p->lsrc, 0, &src, &sl) != p->fam) {
		probe_finish(p, "error no-source");
		return;
	}
	p->lsport = sport;
	p->fd = sock_in(p->ns, p->fam, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			IPPROTO_TCP);
	if (p->fd < 0 || bind(p->fd, &src.sa, sl)) {
		tadd(&p->res, "error raw err=%s", errname(errno));
		probe_finish(p, "");
		return;
	}
	memset(seg, 0, sizeof(seg));
	seg[0] = sport >> 8;
	seg[1] = sport & 0xff;
	seg[2] = (uint8_t)(p->port >> 8);
	seg[3] = (uint8_t)(p->port & 0xff);
	memcpy(seg + 4, &seq, 4);
	seg[11] = 1; /* ack 1 */
	seg[12] = 5 << 4;
	seg[13] = 0x10; /* ACK */
	seg[14] = 2; /* window 512 */
	memcpy(seg + 20, &m, 4);
	memcpy(seg + 24, &u, 4);
	if (p->fam == AF_INET) {
		memcpy(pseudo, &src.v4.sin_addr, 4);
		memcpy(pseudo + 4, &d->v4.sin_addr, 4);
		pseudo[8] = 0;
		pseudo[9] = IPPROTO_TCP;
		pseudo[10] = 0;
		pseudo[11] = sizeof(seg);
		memcpy(pseudo + 12, seg, sizeof(seg));
		c = csum(pseudo, 12 + sizeof(seg));
		memcpy(seg + 16, &c, 2);
	} else {
		/* the kernel fills in the checksum at offset 16 */
		setsockopt(p->fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off,
			   sizeof(off));
	}
	{
		union sa dd = *d;

		if (p->fam == AF_INET)
			dd.v4.sin_port = 0;
		else
			dd.v6.sin6_port = 0;
		if (sendto(p->fd, seg, sizeof(seg), 0, &dd.sa, dl) < 0) {
			tadd(&p->res, "error send err=%s", errname(errno));
			probe_finish(p, "");
			return;
		}
	}
	p->state = S_WAITING;
}

static void probe_start(struct probe *p)
{
	union sa d, s;
	socklen_t dl, sl;
	int one = 1, type;
	uint8_t pkt[32];

	p->fd = -1;
	p->t0 = now_ms();
	p->uid = next_uid++;
	p->id = (uint16_t)(p->uid * 7919 + 1);
	p->fam = sa_parse(p->dst, p->kind == P_ICMP ? 0 : p->port, &d, &dl);
	if (p->fam < 0) {
		probe_finish(p, "error bad-address");
		return;
	}
	if (p->kind == P_TCPACK) {
		probe_start_tcpack(p, &d, dl);
		return;
	}
	type = p->kind == P_TCP	  ? SOCK_STREAM
	       : p->kind == P_UDP ? SOCK_DGRAM
				  : SOCK_RAW;
	p->fd = sock_in(p->ns, p->fam, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
			p->kind == P_ICMP ? (p->fam == AF_INET ? IPPROTO_ICMP
							       : IPPROTO_ICMPV6)
					  : 0);
	if (p->fd < 0) {
		tadd(&p->res, "error err=%s", errname(errno));
		p->state = S_DONE;
		return;
	}
	/* raw ICMP sockets read errors quoting their probe as data */
	if (p->kind != P_ICMP && p->fam == AF_INET)
		setsockopt(p->fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	else if (p->kind != P_ICMP)
		setsockopt(p->fd, IPPROTO_IPV6, IPV6_RECVERR, &one,
			   sizeof(one));
	if (p->fam == AF_INET6)
		setsockopt(p->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (p->src[0] || p->sport) {
		if (sa_parse(p->src[0] ? p->src
				       : (p->fam == AF_INET ? "0.0.0.0" : "::"),
			     p->kind == P_ICMP ? 0 : p->sport, &s,
			     &sl) != p->fam) {
			probe_finish(p, "error bad-source");
			return;
		}
		setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(p->fd, &s.sa, sl)) {
			tadd(&p->res, "error bind err=%s", errname(errno));
			probe_finish(p, "");
			return;
		}
	}
	if (p->kind == P_ICMP) {
		uint32_t m = htonl(MAGIC), u = htonl(p->uid);

		memset(pkt, 0, sizeof(pkt));
		pkt[0] = (uint8_t)p->type;
		pkt[1] = (uint8_t)p->code;
		memcpy(pkt + 4, &p->id, 2);
		pkt[7] = 1;
		memcpy(pkt + 8, &m, 4);
		memcpy(pkt + 12, &u, 4);
		if (p->fam == AF_INET) {
			uint16_t c = csum(pkt, 20);

			memcpy(pkt + 2, &c, 2);
		}
		if (sendto(p->fd, pkt, 20, 0, &d.sa, dl) < 0) {
			tadd(&p->res, "error send err=%s", errname(errno));
			probe_finish(p, "");
			return;
		}
		if (p->src[0])
			scopy(p->lsrc, sizeof(p->lsrc), p->src);
		else {
			/* the source the kernel picks: ask with a UDP socket */
			int u2 = sock_in(p->ns, p->fam,
					 SOCK_DGRAM | SOCK_CLOEXEC, 0);
			union sa l;
			socklen_t ll = sizeof(l);

			if (u2 >= 0 && !connect(u2, &d.sa, dl) &&
			    !getsockname(u2, &l.sa, &ll))
				sa_text(&l, p->lsrc, NULL);
			if (u2 >= 0)
				close(u2);
		}
		p->state = S_WAITING;
		return;
	}
	if (connect(p->fd, &d.sa, dl) && errno != EINPROGRESS) {
		int e = errno;

		if (e == ECONNREFUSED)
			tadd(&p->res, "refused");
		else if (e == EHOSTUNREACH || e == ENETUNREACH || e == EACCES)
			tadd(&p->res, "unreach err=%s", errname(e));
		else
			tadd(&p->res, "error err=%s", errname(e));
		probe_finish(p, "");
		return;
	}
	{
		union sa l;
		socklen_t ll = sizeof(l);

		if (!getsockname(p->fd, &l.sa, &ll))
			sa_text(&l, p->lsrc, &p->lsport);
	}
	if (p->kind == P_UDP) {
		static char msg[65536];
		size_t len;

		snprintf(msg, sizeof(msg), "strata-net %010u", p->uid);
		len = strlen(msg);
		if (p->size > (int)len && p->size <= (int)sizeof(msg)) {
			memset(msg + len, 'x', (size_t)p->size - len);
			len = (size_t)p->size;
		}
		if (p->dstopt && p->fam == AF_INET6) {
			/* a destination options header (PadN) before UDP */
			static const uint8_t opt[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };

			setsockopt(p->fd, IPPROTO_IPV6, IPV6_DSTOPTS, opt,
				   sizeof(opt));
		}
		if (send(p->fd, msg, len, 0) < 0) {
			int e = errno;

			if (e == ECONNREFUSED)
				tadd(&p->res, "refused");
			else
				tadd(&p->res, "error send err=%s", errname(e));
			probe_finish(p, "");
			return;
		}
		p->state = S_WAITING;
	} else {
		p->state = S_CONNECTING;
	}
}

static void icmp_input(struct probe *p)
{
	uint8_t buf[2048];
	const uint8_t *h, *inner;
	ssize_t n;
	size_t off = 0, ioff;
	uint8_t reply;

	n = recv(p->fd, buf, sizeof(buf), 0);
	if (n < 0)
		return;
	if (p->fam == AF_INET) {
		off = (buf[0] & 0xf) * 4;
		reply = p->type == 8	? 0
			: p->type == 13 ? 14
			: p->type == 15 ? 16
					: 255;
	} else {
		reply = p->type == 128 ? 129 : p->type == 139 ? 140 : 255;
	}
	if (n < (ssize_t)off + 8)
		return;
	h = buf + off;
	if (h[0] == reply && !memcmp(h + 4, &p->id, 2)) {
		probe_finish(p, "reply");
		return;
	}
	/* an error quoting our probe */
	if (p->fam == AF_INET &&
	    (h[0] == 3 || h[0] == 4 || h[0] == 5 || h[0] == 11 || h[0] == 12)) {
		inner = h + 8;
		if ((size_t)n < off + 8 + 20)
			return;
		ioff = (inner[0] & 0xf) * 4;
		if ((size_t)n < off + 8 + ioff + 8 || inner[9] != IPPROTO_ICMP)
			return;
		if (memcmp(inner + ioff + 4, &p->id, 2))
			return;
	} else if (p->fam == AF_INET6 && h[0] >= 1 && h[0] <= 4) {
		inner = h + 8;
		if ((size_t)n < 8 + 40 + 8 || inner[6] != IPPROTO_ICMPV6)
			return;
		if (memcmp(inner + 40 + 4, &p->id, 2))
			return;
	} else {
		return;
	}
	tadd(&p->res, "unreach icmp=%u/%u", h[0], h[1]);
	probe_finish(p, "");
}

static void probe_event(struct probe *p, short re)
{
	char buf[64];
	int err = 0;
	socklen_t el = sizeof(err);
	ssize_t n;

	if (p->kind == P_TCPACK) {
		/* copies of every TCP segment in the namespace: ignore */
		while (recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		return;
	}
	if (p->kind == P_ICMP) {
		if (re & POLLIN)
			icmp_input(p);
		return;
	}
	if (p->state == S_CONNECTING) {
		getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (err) {
			if (err == ECONNREFUSED)
				tadd(&p->res, "refused");
			else if (err == EHOSTUNREACH || err == ENETUNREACH ||
				 err == EACCES)
				tadd(&p->res, "unreach");
			else
				tadd(&p->res, "error");
			errqueue(p);
			if (!strstr(p->res.s, "err="))
				tadd(&p->res, " err=%s", errname(err));
			probe_finish(p, "");
			return;
		}
		snprintf(buf, sizeof(buf), "strata-net %u\n", p->uid);
		if (send(p->fd, buf, strlen(buf), MSG_NOSIGNAL) < 0) {
			tadd(&p->res, "error send err=%s", errname(errno));
			probe_finish(p, "");
			return;
		}
		p->state = S_WAITING;
		return;
	}
	if (re & POLLERR) {
		getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (p->kind == P_UDP) {
			if (err == ECONNREFUSED)
				tadd(&p->res, "refused");
			else
				tadd(&p->res, "unreach");
			errqueue(p);
			probe_finish(p, "");
			return;
		}
	}
	n = recv(p->fd, buf, sizeof(buf), 0);
	if (n > 0) {
		probe_finish(p, p->kind == P_TCP ? "connected" : "reply");
		return;
	}
	if (n == 0) {
		probe_finish(p, "closed");
		return;
	}
	if (errno == EAGAIN)
		return;
	err = errno;
	if (err == ECONNREFUSED)
		tadd(&p->res, p->kind == P_TCP ? "reset" : "refused");
	else
		tadd(&p->res, "error");
	errqueue(p);
	tadd(&p->res, " err=%s", errname(err));
	probe_finish(p, "");
}

static void probe_arrivals(struct probe *p)
{
	int count = 0;
	char at[64] = "", to[ADDRLEN] = "", from[ADDRLEN] = "";
	size_t i;

	pthread_mutex_lock(&arr_lock);
	for (i = 0; i < narr; i++) {
		const struct arrival *a = &arr[i];
		bool m;

		if (p->kind == P_TCPACK)
			m = a->proto == IPPROTO_TCP && a->uid == p->uid;
		else if (p->kind == P_ICMP)
			m = (a->proto == IPPROTO_ICMP ||
			     a->proto == IPPROTO_ICMPV6) &&
			    a->uid == p->uid && a->type == p->type &&
			    a->code == p->code;
		else
			m = a->proto == (p->kind == P_TCP ? IPPROTO_TCP
							  : IPPROTO_UDP) &&
			    a->sport == p->lsport && !strcmp(a->src, p->lsrc);
		if (!m)
			continue;
		count += a->count;
		scopy(at, sizeof(at), a->ns);
		scopy(to, sizeof(to), a->dst);
		scopy(from, sizeof(from), a->src);
	}
	pthread_mutex_unlock(&arr_lock);
	tadd(&p->res, " arrived=%d", count);
	if (count)
		tadd(&p->res, " at=%s to=%s from=%s", at, to, from);
}

static void group_run(void)
{
	struct pollfd pf[MAXPROBES + 1];
	long deadline;
	int i, left;

	if (!nprobes)
		return;
	for (i = 0; i < nprobes; i++) {
		probes[i].res.len = 0;
		probes[i].res.s[0] = '\0';
		probes[i].state = S_CONNECTING;
		probe_start(&probes[i]);
	}
	deadline = now_ms() + group_timeout;
	for (;;) {
		long wait = deadline - now_ms();

		left = 0;
		for (i = 0; i < nprobes; i++) {
			struct probe *p = &probes[i];

			pf[i].fd = p->state == S_DONE ? -1 : p->fd;
			pf[i].events = p->state == S_CONNECTING ? POLLOUT
								: POLLIN;
			pf[i].revents = 0;
			if (p->state != S_DONE)
				left++;
		}
		if (!left || wait <= 0)
			break;
		pf[nprobes].fd = ev_fd;
		pf[nprobes].events = POLLIN;
		pf[nprobes].revents = 0;
		if (poll(pf, nprobes + 1, (int)wait) < 0 && errno != EINTR)
			die("poll: %m");
		for (i = 0; i < nprobes; i++)
			if (pf[i].fd >= 0 && pf[i].revents)
				probe_event(&probes[i], pf[i].revents);
		if (pf[nprobes].revents)
			events_drain();
	}
	for (i = 0; i < nprobes; i++)
		if (probes[i].state != S_DONE)
			probe_finish(&probes[i], "timeout");
	/* let servers and events catch up with what just happened */
	sleep_ms(30);
	events_drain();
	for (i = 0; i < nprobes; i++) {
		struct probe *p = &probes[i];

		tadd(&p->res, " ms=%ld%s", p->ms, p->ms < 500 ? " fast" : "");
		probe_arrivals(p);
		label_set(p);
		point(p->line, p->res.s, p->tok, p->ntok, p->is_test);
	}
	nprobes = 0;
}

/* ---- counters and stats ------------------------------------------------ */

struct ctr_want {
	uint8_t kind, list;
	uint32_t id, index;
	bool found;
	uint64_t flows, packets, bytes;
};

static void ctr_cb(const struct nlmsghdr *h, void *arg)
{
	struct ctr_want *w = arg;
	const struct nlattr *tb[TBMAX], *c[TBMAX], *a;
	size_t rem;

	(void)tb;
	for_each_nla(a, (const char *)NLMSG_DATA(h) + GENL_HDRLEN,
		     h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rem)
	{
		if ((a->nla_type & NLA_TYPE_MASK) != STRATA_A_COUNTER)
			continue;
		nla_parse_(nla_data_(a), nla_len_(a), c);
		if (nla_uint(c[STRATA_CTR_A_KIND]) != w->kind ||
		    nla_uint(c[STRATA_CTR_A_ID]) != w->id ||
		    nla_uint(c[STRATA_CTR_A_LIST]) != w->list ||
		    nla_uint(c[STRATA_CTR_A_INDEX]) != w->index)
			continue;
		w->found = true;
		w->flows = nla_uint(c[STRATA_CTR_A_FLOWS]);
		w->packets = nla_uint(c[STRATA_CTR_A_PACKETS]);
		w->bytes = nla_uint(c[STRATA_CTR_A_BYTES]);
	}
}

static int lookup(const char *const *tab, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tab[i], s))
			return (int)i;
	return -1;
}

static void do_ctr(char **av, int ac, struct text *t)
{
	struct ctr_want w = { 0 };
	struct nlmsg m;
	char em[256];
	int k, l, ret;

	if (ac < 5) {
		tadd(t, "error usage");
		return;
	}
	k = lookup(kind_names, 5, av[1]);
	l = lookup(list_names, 7, av[3]);
	if (k <= 0 || l < 0) {
		tadd(t, "error bad kind or list");
		return;
	}
	w.kind = (uint8_t)k;
	w.id = strtoul(av[2], NULL, 0);
	w.list = (uint8_t)l;
	w.index = strtoul(av[4], NULL, 0);
	if ((ret = genl())) {
		tadd(t, "error genl err=%s", errname(-ret));
		return;
	}
	nl_init(&m, (uint16_t)strata_family, STRATA_CMD_GET_COUNTERS,
		NLM_F_DUMP);
	nl_nest(&m, STRATA_A_COUNTER);
	nl_put(&m, STRATA_CTR_A_KIND, &w.kind, 1);
	nl_put(&m, STRATA_CTR_A_ID, &w.id, 4);
	nl_end(&m);
	ret = nl_talk(genl_fd, &m, ctr_cb, &w, em, sizeof(em));
	if (ret) {
		tadd(t, "error err=%s msg=\"%s\"", errname(-ret), em);
		return;
	}
	if (!w.found) {
		tadd(t, "missing");
		return;
	}
	tadd(t, "flows=%" PRIu64 " packets=%" PRIu64 " bytes=%" PRIu64, w.flows,
	     w.packets, w.bytes);
}

static void do_simple(uint8_t cmd, struct text *t)
{
	struct nlmsg m;
	char em[256];
	int ret = genl();

	if (!ret) {
		nl_init(&m, (uint16_t)strata_family, cmd, NLM_F_ACK);
		ret = nl_talk(genl_fd, &m, NULL, NULL, em, sizeof(em));
	}
	tadd(t, "errno=%s", errname(-ret));
}

#define NSTATS (8 + __STRATA_REASON_MAX)

static const char *const stat_names[NSTATS] = {
	"gen",
	"packets",
	"evaluations",
	"flow_events",
	"flow_events_lost",
	"log_lines",
	"ct_flushed",
	"log_lines_lost",
	"r.none",
	"r.policy",
	"r.established",
	"r.invalid",
	"r.unknown_iface",
	"r.not_committed",
	"r.spoof",
	"r.tunnel",
	"r.failsafe",
	"r.wl_to_host",
	"r.host_to_wl",
	"r.nd",
	"r.no_endpoint",
};
static uint64_t stats_snap[NSTATS];

static void stats_cb(const struct nlmsghdr *h, void *arg)
{
	uint64_t *v = arg;
	const struct nlattr *tb[TBMAX], *s[TBMAX];
	int i;

	nla_parse_((const char *)NLMSG_DATA(h) + GENL_HDRLEN,
		   h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, tb);
	if (!tb[STRATA_A_STATS])
		return;
	nla_parse_(nla_data_(tb[STRATA_A_STATS]), nla_len_(tb[STRATA_A_STATS]),
		   s);
	v[0] = nla_uint(s[STRATA_STATS_A_GENERATION]);
	v[1] = nla_uint(s[STRATA_STATS_A_PACKETS]);
	v[2] = nla_uint(s[STRATA_STATS_A_EVALUATIONS]);
	v[3] = nla_uint(s[STRATA_STATS_A_FLOW_EVENTS]);
	v[4] = nla_uint(s[STRATA_STATS_A_FLOW_EVENTS_LOST]);
	v[5] = nla_uint(s[STRATA_STATS_A_LOG_LINES]);
	v[6] = nla_uint(s[STRATA_STATS_A_CT_FLUSHED]);
	v[7] = nla_uint(s[STRATA_STATS_A_LOG_LINES_LOST]);
	if (s[STRATA_STATS_A_REASONS])
		for (i = 0;
		     i < __STRATA_REASON_MAX &&
		     (size_t)(i + 1) * 8 <= nla_len_(s[STRATA_STATS_A_REASONS]);
		     i++)
			memcpy(&v[8 + i],
			       (const char *)nla_data_(
				       s[STRATA_STATS_A_REASONS]) +
				       8 * i,
			       8);
}

static void do_stats(bool delta, bool snap, struct text *t)
{
	uint64_t v[NSTATS] = { 0 };
	struct nlmsg m;
	char em[256];
	int ret = genl(), i;

	if (!ret) {
		nl_init(&m, (uint16_t)strata_family, STRATA_CMD_GET_STATS, 0);
		ret = nl_talk(genl_fd, &m, stats_cb, v, em, sizeof(em));
	}
	if (ret) {
		tadd(t, "error err=%s", errname(-ret));
		return;
	}
	for (i = 0; i < NSTATS; i++)
		tadd(t, "%s%s=%" PRIu64, i ? " " : "", stat_names[i],
		     delta && i ? v[i] - stats_snap[i] : v[i]);
	if (snap || delta)
		memcpy(stats_snap, v, sizeof(v));
}

/* ---- streams ----------------------------------------------------------- */

enum {
	ST_USEQ,
	ST_TCP,
	ST_UFLOW,
	ST_CFLOOD
};

struct stream {
	char label[32];
	int kind;
	int fd;
	volatile bool stop;
	pthread_t th;
	uint32_t id;
	long rate; /* pps, or kB/s for TCP */
	uint64_t count; /* useq: stop after this many (0: no limit) */
	char ns[32]; /* cflood: where to connect from, and to */
	union sa dst;
	socklen_t dstlen;
	uint64_t sent, replies;
	int err;
};

static struct stream streams[16];
static int nstreams;

static void sleep_until(uint64_t due)
{
	uint64_t now = now_ns();

	if (due > now) {
		struct timespec ts = { (time_t)((due - now) / 1000000000ULL),
				       (long)((due - now) % 1000000000ULL) };

		nanosleep(&ts, NULL);
	}
}

/* Numbered datagrams, one way: every one is a new flow to conntrack. */
static void *useq_main(void *arg)
{
	struct stream *s = arg;
	uint8_t buf[64];
	uint64_t t0 = now_ns(), gap = 1000000000ULL / (uint64_t)s->rate;
	uint32_t magic = SEQMAGIC;

	/*
	 * One CPU: a sender that migrates leaves datagrams in two CPUs'
	 * backlogs (veth), which the kernel may then deliver out of order.
	 */
	{
		cpu_set_t cs;

		CPU_ZERO(&cs);
		CPU_SET(0, &cs);
		pthread_setaffinity_np(pthread_self(), sizeof(cs), &cs);
	}
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &magic, 4);
	memcpy(buf + 4, &s->id, 4);
	while (!s->stop && (!s->count || s->sent < s->count)) {
		uint32_t seq = (uint32_t)s->sent;

		sleep_until(t0 + s->sent * gap);
		memcpy(buf + 8, &seq, 4);
		if (send(s->fd, buf, sizeof(buf), 0) < 0) {
			/* local congestion or an ICMP error: count, go on */
			s->err++;
			sleep_ms(1);
			continue;
		}
		s->sent++;
	}
	return NULL;
}

/* Request and reply: an established UDP flow once the first reply came. */
static void *uflow_main(void *arg)
{
	struct stream *s = arg;
	char buf[64];
	uint64_t t0 = now_ns(), gap = 1000000000ULL / (uint64_t)s->rate;

	while (!s->stop) {
		sleep_until(t0 + s->sent * gap);
		snprintf(buf, sizeof(buf), "uflow %010" PRIu64, s->sent);
		if (send(s->fd, buf, strlen(buf), MSG_DONTWAIT) < 0)
			s->err++;
		else
			s->sent++;
		while (recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			s->replies++;
	}
	return NULL;
}

/* A pseudo-random byte stream the server checks. Non-blocking: a stalled
 * connection must not keep the stop request from being seen.
 */
static void *tstream_main(void *arg)
{
	struct stream *s = arg;
	uint8_t buf[4096 + 8];
	uint64_t st = ((uint64_t)s->id << 32) | 0x9e3779b9U, t0 = now_ns();
	size_t len = 8, off = 0, i;

	memcpy(buf, &st, 8);
	while (!s->stop) {
		struct pollfd pf = { s->fd, POLLOUT, 0 };
		ssize_t n;

		if (off == len) {
			sleep_until(t0 +
				    s->sent * 1000000ULL / (uint64_t)s->rate);
			for (i = 0; i < 4096; i++)
				buf[i] = (uint8_t)(xorshift(&st) >> 24);
			len = 4096;
			off = 0;
		}
		n = write(s->fd, buf + off, len - off);
		if (n < 0 && errno == EAGAIN) {
			poll(&pf, 1, 50);
			continue;
		}
		if (n <= 0) {
			s->err++;
			break;
		}
		off += (size_t)n;
		s->sent += (uint64_t)n;
	}
	/* the seed is not part of the checked stream */
	s->sent = s->sent >= 8 ? s->sent - 8 : 0;
	return NULL;
}

/* New TCP connections, one after the other: each one a new flow. */
static void *cflood_main(void *arg)
{
	struct stream *s = arg;
	uint64_t t0 = now_ns(), gap = 1000000000ULL / (uint64_t)s->rate;
	struct linger lg = { 1, 0 };

	while (!s->stop) {
		int fd = sock_in(s->ns, s->dst.sa.sa_family,
				 SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct pollfd pf = { fd, POLLOUT, 0 };
		int err = 0;
		socklen_t el = sizeof(err);

		sleep_until(t0 + s->sent * gap);
		if (fd < 0) {
			s->err++;
			sleep_ms(10);
			continue;
		}
		s->sent++;
		if ((!connect(fd, &s->dst.sa, s->dstlen) ||
		     errno == EINPROGRESS) &&
		    poll(&pf, 1, 200) > 0 &&
		    !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) && !err)
			s->replies++;
		/* reset rather than TIME_WAIT: thousands of them */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
	}
	return NULL;
}

static struct stream *stream_find(const char *label)
{
	int i;

	for (i = 0; i < nstreams; i++)
		if (!strcmp(streams[i].label, label))
			return &streams[i];
	return NULL;
}

/* KIND start LABEL NS DST PORT [pps=|kbps=] */
static void stream_start(int kind, char **av, int ac, struct text *t)
{
	struct stream *s;
	union sa d;
	socklen_t dl;
	int fam, big = 4 << 20, i;

	if (ac < 6 || nstreams == 16) {
		tadd(t, "error usage");
		return;
	}
	s = &streams[nstreams];
	memset(s, 0, sizeof(*s));
	scopy(s->label, sizeof(s->label), av[2]);
	s->kind = kind;
	s->rate = kind == ST_TCP      ? 256
		  : kind == ST_UFLOW  ? 50
		  : kind == ST_CFLOOD ? 200
				      : 1000;
	s->id = next_uid++;
	for (i = 6; i < ac; i++) {
		if (!strncmp(av[i], "pps=", 4) || !strncmp(av[i], "kbps=", 5))
			s->rate = strtol(strchr(av[i], '=') + 1, NULL, 0);
		if (!strncmp(av[i], "count=", 6))
			s->count = strtoull(av[i] + 6, NULL, 0);
	}
	fam = sa_parse(av[4], (uint16_t)atoi(av[5]), &d, &dl);
	if (fam < 0 || s->rate <= 0) {
		tadd(t, "error bad address or rate");
		return;
	}
	if (kind == ST_CFLOOD) {
		scopy(s->ns, sizeof(s->ns), av[3]);
		s->dst = d;
		s->dstlen = dl;
		if (pthread_create(&s->th, NULL, cflood_main, s)) {
			tadd(t, "error thread");
			return;
		}
		nstreams++;
		tadd(t, "started");
		return;
	}
	s->fd = sock_in(
		av[3], fam,
		(kind == ST_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || connect(s->fd, &d.sa, dl)) {
		tadd(t, "error connect err=%s", errname(errno));
		if (s->fd >= 0)
			close(s->fd);
		return;
	}
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	if (kind == ST_TCP)
		fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
	if (pthread_create(&s->th, NULL,
			   kind == ST_TCP     ? tstream_main
			   : kind == ST_UFLOW ? uflow_main
					      : useq_main,
			   s)) {
		tadd(t, "error thread");
		return;
	}
	nstreams++;
	tadd(t, "started");
}

static void stream_stop(int kind, char **av, int ac, struct text *t)
{
	struct stream *s = ac >= 3 ? stream_find(av[2]) : NULL;
	int i;

	if (!s || s->kind != kind) {
		tadd(t, "error no such stream");
		return;
	}
	s->stop = true;
	pthread_join(s->th, NULL);
	if (kind == ST_USEQ) {
		struct seqrx r = { 0 };

		sleep_ms(500); /* the last datagrams in flight */
		pthread_mutex_lock(&seq_lock);
		for (i = 0; i < nseqrx; i++)
			if (seqrx[i].id == s->id)
				r = seqrx[i];
		pthread_mutex_unlock(&seq_lock);
		tadd(t,
		     "sent=%" PRIu64 " recv=%" PRIu64 " lost=%" PRId64
		     " reorder=%" PRIu64 " dup=%" PRIu64 " senderr=%d",
		     s->sent, r.recv, (int64_t)(s->sent - r.recv), r.reorder,
		     r.dup, s->err);
	} else if (kind == ST_CFLOOD) {
		tadd(t, "sent=%" PRIu64 " connected=%" PRIu64 " err=%d",
		     s->sent, s->replies, s->err);
		var_set(s->label, "sent", (long long)s->sent);
		s->label[0] = '\0';
		return;
	} else if (kind == ST_UFLOW) {
		char buf[64];
		long until = now_ms() + 300;

		while (now_ms() < until) {
			struct pollfd pf = { s->fd, POLLIN, 0 };

			if (poll(&pf, 1, 50) > 0 &&
			    recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
				s->replies++;
		}
		tadd(t,
		     "sent=%" PRIu64 " replies=%" PRIu64 " lost=%" PRId64
		     " senderr=%d %s",
		     s->sent, s->replies, (int64_t)(s->sent - s->replies),
		     s->err,
		     s->sent && s->sent == s->replies && !s->err ? "ok"
								 : "broken");
	} else {
		char buf[256] = "";
		uint64_t checked = 0, bad = 0;
		size_t got = 0;
		long until = now_ms() + 10000;

		shutdown(s->fd, SHUT_WR);
		while (got < sizeof(buf) - 1 && now_ms() < until) {
			struct pollfd pf = { s->fd, POLLIN, 0 };
			ssize_t n;

			if (poll(&pf, 1, 100) <= 0)
				continue;
			n = read(s->fd, buf + got, sizeof(buf) - 1 - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		buf[got] = '\0';
		if (sscanf(buf, "checked=%" SCNu64 " bad=%" SCNu64, &checked,
			   &bad) != 2)
			tadd(t, "noverdict ");
		tadd(t,
		     "sent=%" PRIu64 " checked=%" PRIu64 " bad=%" PRIu64
		     " err=%d %s",
		     s->sent, checked, bad, s->err,
		     !s->err && s->sent && checked == s->sent && !bad
			     ? "ok"
			     : "broken");
	}
	var_set(s->label, "sent", (long long)s->sent);
	if (kind == ST_USEQ) {
		pthread_mutex_lock(&seq_lock);
		for (i = 0; i < nseqrx; i++)
			if (seqrx[i].id == s->id)
				var_set(s->label, "recv",
					(long long)seqrx[i].recv);
		pthread_mutex_unlock(&seq_lock);
	}
	close(s->fd);
	s->label[0] = '\0';
}

/* ---- the script ------------------------------------------------------- */

static int split(char *s, char **av, int max)
{
	int n = 0;

	while (*s && n < max) {
		s += strspn(s, " \t");
		if (!*s || *s == '#')
			break;
		av[n++] = s;
		s += strcspn(s, " \t");
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static const char *kv(char **av, int ac, const char *key)
{
	size_t kl = strlen(key);
	int i;

	for (i = 0; i < ac; i++)
		if (!strncmp(av[i], key, kl) && av[i][kl] == '=')
			return av[i] + kl + 1;
	return NULL;
}

static void queue_probe(const char *line, char **av, int ac, bool is_test,
			const char *tokstr)
{
	struct probe *p;
	const char *v;

	if (nprobes == MAXPROBES)
		group_run();
	p = &probes[nprobes];
	memset(p, 0, sizeof(*p));
	scopy(p->line, sizeof(p->line), line);
	p->kind = !strcmp(av[0], "tcpack") ? P_TCPACK
		  : !strcmp(av[0], "tcp")  ? P_TCP
		  : !strcmp(av[0], "udp")  ? P_UDP
					   : P_ICMP;
	scopy(p->ns, sizeof(p->ns), av[1]);
	scopy(p->dst, sizeof(p->dst), av[2]);
	if (p->kind != P_ICMP)
		p->port = ac > 3 ? atoi(av[3]) : 0;
	if ((v = kv(av, ac, "src")))
		scopy(p->src, sizeof(p->src), v);
	if ((v = kv(av, ac, "sport")))
		p->sport = atoi(v);
	if ((v = kv(av, ac, "as")))
		scopy(p->label, sizeof(p->label), v);
	p->type = strchr(p->dst, ':') ? 128 : 8;
	if ((v = kv(av, ac, "type")))
		p->type = atoi(v);
	if ((v = kv(av, ac, "code")))
		p->code = atoi(v);
	if ((v = kv(av, ac, "size")))
		p->size = atoi(v);
	for (int i = 0; i < ac; i++)
		if (!strcmp(av[i], "dstopt"))
			p->dstopt = true;
	p->is_test = is_test;
	scopy(p->tokbuf, sizeof(p->tokbuf), tokstr);
	p->ntok = split(p->tokbuf, p->tok, MAXTOK);
	nprobes++;
}

static void do_ev(char **av, int ac, struct text *t)
{
	bool dst_tok = false;
	const struct label *l = NULL;
	int i, n = 0;
	size_t e;

	/* ICMP events carry no id: the probe's destination, unless a token
	 * names one (after DNAT the event's is another)
	 */
	for (i = 2; i < ac; i++)
		if (!strncmp(av[i], "dst=", 4))
			dst_tok = true;
	events_drain();
	for (i = 0; i < nlabels; i++)
		if (!strcmp(labels[i].name, av[1]))
			l = &labels[i];
	if (!l) {
		tadd(t, "error no probe labelled %s", av[1]);
		return;
	}
	for (e = 0; e < nevs; e++) {
		const struct event *ev = &evs[e];
		bool m;

		if (l->kind == P_ICMP)
			m = (ev->proto == 1 || ev->proto == 58) &&
			    !strcmp(ev->src, l->src) &&
			    (dst_tok || !strcmp(ev->dst, l->dst)) &&
			    ev->type == l->type;
		else
			m = ev->proto == (l->kind == P_TCP ? 6 : 17) &&
			    !strcmp(ev->src, l->src) && ev->sport == l->sport;
		if (!m)
			continue;
		for (i = 2; i < ac; i++)
			if (!tok_ok(ev->line, av[i]))
				break;
		if (i == ac)
			n++;
	}
	tadd(t, "n=%d", n);
}

static void ev_show(const char *label)
{
	const struct label *l = NULL;
	size_t e;
	int i;

	for (i = 0; i < nlabels; i++)
		if (!strcmp(labels[i].name, label))
			l = &labels[i];
	if (!l)
		return;
	printf("# probe %s: src=%s sport=%u dst=%s\n", l->name, l->src,
	       l->sport, l->dst);
	for (e = 0; e < nevs; e++)
		if (!strcmp(evs[e].src, l->src) &&
		    (l->kind == P_ICMP || evs[e].sport == l->sport))
			printf("#   event: %s\n", evs[e].line);
}

static void run_line(char *raw)
{
	char line[1024], work[1024], *arrow, *av[64], *tok[MAXTOK];
	char tokstr[512] = "";
	int ac, ntok = 0;
	bool is_test = false;
	struct text t = { .len = 0 };

	raw[strcspn(raw, "\n")] = '\0';
	scopy(line, sizeof(line), raw);
	scopy(work, sizeof(work), raw);
	arrow = strstr(work, "=>");
	if (arrow) {
		*arrow = '\0';
		scopy(tokstr, sizeof(tokstr), arrow + 2);
		is_test = true;
	}
	/* the title line keeps its words */
	{
		char *p = work + strspn(work, " \t");

		if (p[0] == '@' && (p[1] == ' ' || !p[1])) {
			group_run();
			p += 1 + strspn(p + 1, " \t");
			scopy(title, sizeof(title), p);
			printf("# [%ld ms] %s\n", now_ms() - start_ms, title);
			return;
		}
	}
	ac = split(work, av, 64);
	if (!ac)
		return;
	if (!strcmp(av[0], "tcp") || !strcmp(av[0], "udp") ||
	    !strcmp(av[0], "icmp") || !strcmp(av[0], "tcpack")) {
		if (ac < 3) {
			point(line, "error usage", tok, 0, is_test);
			failures++;
			return;
		}
		queue_probe(line, av, ac, is_test, tokstr);
		return;
	}
	group_run();
	ntok = split(tokstr, tok, MAXTOK);
	if (!strcmp(av[0], "ns")) {
		char path[256];
		int fd;

		if (ac < 2 || nns == MAXNS) {
			tadd(&t, "error usage");
		} else {
			if (ac > 2)
				scopy(path, sizeof(path), av[2]);
			else
				snprintf(path, sizeof(path), "/run/netns/%s",
					 av[1]);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				tadd(&t, "error err=%s", errname(errno));
			} else {
				scopy(nss[nns].name, sizeof(nss[0].name),
				      av[1]);
				nss[nns++].fd = fd;
				tadd(&t, "ok");
			}
		}
		if (!is_test)
			tok[ntok++] = "ok";
	} else if (!strcmp(av[0], "listen")) {
		int ret = 0;

		if (ac < 3) {
			tadd(&t, "error usage");
		} else if (!strcmp(av[2], "icmp")) {
			ret = srv_add(av[1], SRV_ICMP4, 0);
			if (!ret)
				ret = srv_add(av[1], SRV_ICMP6, 0);
		} else if (!strcmp(av[2], "rawtcp")) {
			ret = srv_add(av[1], SRV_RAWTCP4, 0);
			if (!ret)
				ret = srv_add(av[1], SRV_RAWTCP6, 0);
		} else if (ac >= 4) {
			enum srv_kind k = !strcmp(av[2], "tcp") ? SRV_TCP_LISTEN
					  : !strcmp(av[2], "udp") ? SRV_UDP
					  : !strcmp(av[2], "seq")
						  ? SRV_SEQ
						  : SRV_STREAM_LISTEN;
			char *save, *r, buf[256];

			scopy(buf, sizeof(buf), av[3]);
			for (r = strtok_r(buf, ",", &save); r && !ret;
			     r = strtok_r(NULL, ",", &save)) {
				int lo = atoi(r), hi = lo, p;
				char *dash = strchr(r, '-');

				if (dash)
					hi = atoi(dash + 1);
				for (p = lo; p <= hi && !ret; p++)
					ret = srv_add(av[1], k, (uint16_t)p);
			}
		} else {
			tadd(&t, "error usage");
		}
		if (!t.len)
			tadd(&t, ret ? "error err=%s" : "ok", errname(-ret));
		if (!is_test)
			tok[ntok++] = "ok";
	} else if (!strcmp(av[0], "echo")) {
		const char *p = strstr(line, "echo") + 4;

		printf("#%s\n", p);
		return;
	} else if (!strcmp(av[0], "timeout") && ac > 1) {
		group_timeout = atol(av[1]);
		return;
	} else if (!strcmp(av[0], "sleep") && ac > 1) {
		sleep_ms(atol(av[1]));
		events_drain();
		return;
	} else if (!strcmp(av[0], "events") && ac > 1) {
		if (!strcmp(av[1], "on") || !strcmp(av[1], "sink")) {
			int ret = events_on();

			ev_sink = av[1][0] == 's';
			tadd(&t, ret ? "error err=%s" : "ok", errname(-ret));
		} else if (!strcmp(av[1], "clear")) {
			size_t e;

			events_drain();
			for (e = 0; e < nevs; e++)
				free(evs[e].line);
			nevs = 0;
			tadd(&t, "ok");
		} else if (!strcmp(av[1], "off")) {
			if (ev_fd >= 0)
				close(ev_fd);
			ev_fd = -1;
			tadd(&t, "ok");
		}
		if (!is_test)
			tok[ntok++] = "ok";
	} else if (!strcmp(av[0], "ev") && ac > 1) {
		do_ev(av, ac, &t);
		if (!is_test)
			return;
	} else if (!strcmp(av[0], "evshow") && ac > 1) {
		events_drain();
		ev_show(av[1]);
		return;
	} else if (!strcmp(av[0], "evdump")) {
		size_t e;

		events_drain();
		for (e = 0; e < nevs; e++)
			printf("# event: %s\n", evs[e].line);
		printf("# %zu events, %" PRIu64 " overruns\n", nevs,
		       ev_lost_local);
		return;
	} else if (!strcmp(av[0], "ctr")) {
		do_ctr(av, ac, &t);
		show_result = is_test;
		if (!is_test)
			return;
	} else if (!strcmp(av[0], "ctr-reset")) {
		do_simple(STRATA_CMD_RESET_COUNTERS, &t);
		if (!is_test)
			tok[ntok++] = "errno=0";
	} else if (!strcmp(av[0], "stats")) {
		do_stats(false, ac > 1 && !strcmp(av[1], "snap"), &t);
		if (!is_test) {
			printf("# stats: %s\n", t.s);
			return;
		}
	} else if (!strcmp(av[0], "dstats")) {
		do_stats(true, false, &t);
		if (!is_test) {
			printf("# dstats: %s\n", t.s);
			return;
		}
	} else if ((!strcmp(av[0], "useq") || !strcmp(av[0], "tstream") ||
		    !strcmp(av[0], "uflow") || !strcmp(av[0], "cflood")) &&
		   ac > 1) {
		int kind = av[0][0] == 't'   ? ST_TCP
			   : av[0][0] == 'c' ? ST_CFLOOD
			   : av[0][1] == 's' ? ST_USEQ
					     : ST_UFLOW;

		if (!strcmp(av[1], "start"))
			stream_start(kind, av, ac, &t);
		else
			stream_stop(kind, av, ac, &t);
		if (!is_test)
			tok[ntok++] = "!error";
		if (!is_test && !strcmp(av[1], "start"))
			tok[ntok++] = "started";
		if (!is_test && strcmp(av[1], "start"))
			printf("# %s: %s\n", line, t.s);
		show_result = strcmp(av[1], "start");
	} else if (!strcmp(av[0], "sh")) {
		const char *cmd = strstr(line, "sh") + 2;
		char *c = strdup(cmd), *a;
		int rc;

		if (!c)
			die("out of memory");
		a = strstr(c, "=>");
		if (a)
			*a = '\0';
		fflush(stdout);
		rc = system(c);
		free(c);
		tadd(&t, "rc=%d",
		     WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc));
		events_drain();
		if (!is_test)
			tok[ntok++] = "rc=0";
	} else {
		tadd(&t, "error unknown command %s", av[0]);
		tok[ntok++] = "!error";
	}
	point(line, t.s, tok, ntok, is_test);
}

int main(int argc, char **argv)
{
	FILE *in = stdin;
	char *line = NULL;
	size_t cap = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || strcmp(argv[1], "run")) {
		fprintf(stderr, "usage: %s run [FILE]\n", argv[0]);
		return 2;
	}
	if (argc > 2 && !(in = fopen(argv[2], "r")))
		die("%s: %m", argv[2]);
	self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self_ns < 0)
		die("/proc/self/ns/net: %m");
	snprintf(nss[0].name, sizeof(nss[0].name), "host");
	nss[0].fd = self_ns;
	nns = 1;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	start_ms = now_ms();
	next_uid = ((uint32_t)getpid() << 12) ^ (uint32_t)now_ns();
	while (getline(&line, &cap, in) > 0)
		run_line(line);
	group_run();
	free(line);
	fflush(stdout);
	return failures ? 1 : 0;
}
