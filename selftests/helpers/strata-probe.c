// SPDX-License-Identifier: GPL-2.0
/*
 * strata-probe: a test helper that talks to strata.ko below the level of
 * libstrata, to send what a well-behaved client never would.
 *
 *   strata-probe ioctl NR          raw ioctl NR (hex) on /dev/strata
 *   strata-probe genl CASE         a crafted or malformed genetlink request
 *   strata-probe genl-cases        list the CASEs
 *
 * Prints "errno=NAME msg=EXTACK" (or "errno=0") and exits 0 when the
 * request was answered, 2 on a local failure. Tests compare the output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include "strata.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static const char *errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "unknown";
}

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

struct req {
	struct nlmsghdr nlh;
	struct genlmsghdr g;
	unsigned char attrs[256];
};

static unsigned char *put_attr(unsigned char *p, uint16_t type, uint16_t len,
			       const void *data, size_t dlen)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = len;
	memcpy(p + NLA_HDRLEN, data, dlen);
	return p + NLA_ALIGN(NLA_HDRLEN + dlen);
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

/* Fill @r for @name; returns the message length or -1. */
static int build(struct req *r, int family, const char *name)
{
	unsigned char *p = r->attrs;
	uint32_t u32 = 1;
	char s[64];

	memset(r, 0, sizeof(*r));
	r->nlh.nlmsg_type = family;
	r->nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r->nlh.nlmsg_seq = 1;
	r->g.cmd = STRATA_CMD_GET_VERSION;
	r->g.version = STRATA_GENL_VERSION;

	if (!strcmp(name, "valid")) {
	} else if (!strcmp(name, "short-u32")) {
		p = put_attr(p, STRATA_A_VERSION_ABI, NLA_HDRLEN + 2, &u32, 2);
	} else if (!strcmp(name, "long-u64")) {
		uint64_t v[2] = { 1, 2 };

		p = put_attr(p, STRATA_A_GENERATION, NLA_HDRLEN + 16, v, 16);
	} else if (!strcmp(name, "unknown-attr")) {
		p = put_attr(p, STRATA_A_MAX + 7, NLA_HDRLEN + 4, &u32, 4);
	} else if (!strcmp(name, "truncated-attr")) {
		/* claims 64 bytes, 8 follow */
		p = put_attr(p, STRATA_A_VERSION_ABI, 64, &u32, 4);
	} else if (!strcmp(name, "bad-cmd")) {
		r->g.cmd = 200;
	} else if (!strcmp(name, "reserved")) {
		r->g.reserved = 0x55;
	} else if (!strcmp(name, "pad-attr")) {
		p = put_attr(p, STRATA_A_PAD, NLA_HDRLEN + 4, &u32, 4);
	} else if (!strcmp(name, "string-too-long")) {
		memset(s, 'v', sizeof(s) - 1);
		s[sizeof(s) - 1] = '\0';
		p = put_attr(p, STRATA_A_VERSION_MODULE, NLA_HDRLEN + sizeof(s),
			     s, sizeof(s));
	} else if (!strcmp(name, "string-no-nul")) {
		memset(s, 'v', 8);
		p = put_attr(p, STRATA_A_VERSION_MODULE, NLA_HDRLEN + 8, s, 8);
	} else if (!strcmp(name, "short-header")) {
		r->nlh.nlmsg_len = NLMSG_HDRLEN + 2;
		return r->nlh.nlmsg_len;
	} else if (!strcmp(name, "zero-attr-len")) {
		p = put_attr(p, STRATA_A_VERSION_ABI, 0, &u32, 4);
	} else {
		return -1;
	}
	r->nlh.nlmsg_len = p - (unsigned char *)r;
	return r->nlh.nlmsg_len;
}

static int do_genl(const char *name)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr nlh;
		unsigned char b[8192];
	} reply;
	struct strata_err err;
	struct nl_sock *sk;
	struct req r;
	int fd, family, len, one = 1;
	ssize_t n;

	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) < 0) {
		fprintf(stderr, "genetlink socket failed\n");
		return 2;
	}
	family = genl_ctrl_resolve(sk, STRATA_GENL_NAME);
	nl_socket_free(sk);
	if (family < 0) {
		fprintf(stderr, "family %s not found\n", STRATA_GENL_NAME);
		return 2;
	}
	len = build(&r, family, name);
	if (len < 0) {
		fprintf(stderr, "unknown case %s\n", name);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0) {
		perror("socket");
		return 2;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (sendto(fd, &r, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) <
	    0) {
		perror("sendto");
		return 2;
	}
	for (;;) {
		n = recv(fd, &reply, sizeof(reply), 0);
		if (n < (ssize_t)NLMSG_HDRLEN) {
			perror("recv");
			return 2;
		}
		if (reply.nlh.nlmsg_type == NLMSG_ERROR)
			break;
		/* a data reply precedes the ack of a valid request */
	}
	strata_nl_parse_error(&reply.nlh, &err);
	printf("errno=%s msg=%s\n", errname(-err.code), err.msg);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (argc == 2 && !strcmp(argv[1], "genl-cases")) {
		for (i = 0; cases[i]; i++)
			puts(cases[i]);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "ioctl"))
		return do_ioctl(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "genl"))
		return do_genl(argv[2]);
	fprintf(stderr,
		"usage: strata-probe ioctl NR | genl CASE | genl-cases\n");
	return 2;
}
