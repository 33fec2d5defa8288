// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Talking to stratad's local API (stratad(8), LOCAL API): one JSON request
 * per line on a Unix socket, one JSON reply per line. Used by stratactl
 * apply, delete and status.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"

#define API_DEFAULT_SOCKET "/run/strata/stratad.sock"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --socket, else $STRATAD_SOCKET, else the default. */
const char *cli_api_socket(const char *opt)
{
	const char *env = getenv("STRATAD_SOCKET");

	if (opt && *opt)
		return opt;
	return env && *env ? env : API_DEFAULT_SOCKET;
}

/**
 * cli_api_connect() - connect to the daemon
 * @path: the socket
 * @fd: the connection
 *
 * Return: EXIT_OK, EXIT_PERM or EXIT_UNREACHABLE (reported).
 */
int cli_api_connect(const char *path, int *fd)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "%s: %s: the socket path is too long\n",
			cli.prog, path);
		return EXIT_USAGE;
	}
	strcpy(sun.sun_path, path);
	*fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*fd < 0 || connect(*fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int e = errno;

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		if (e == EACCES || e == EPERM) {
			fprintf(stderr,
				"%s: %s: permission denied: the local API is for root\n",
				cli.prog, path);
			return EXIT_PERM;
		}
		fprintf(stderr, "%s: stratad is not reachable at %s: %s\n",
			cli.prog, path, strerror(e));
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

/**
 * cli_api_connect_wait() - connect, retrying while the daemon is not
 * listening (starting, restarting) for up to @timeout_ms
 *
 * Return: as cli_api_connect().
 */
int cli_api_connect_wait(const char *path, int *fd, unsigned int timeout_ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint64_t end = now_ms() + timeout_ms;

	if (strlen(path) < sizeof(sun.sun_path)) {
		strcpy(sun.sun_path, path);
		for (;;) {
			int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

			if (s < 0)
				break;
			if (!connect(s, (struct sockaddr *)&sun, sizeof(sun))) {
				*fd = s;
				return EXIT_OK;
			}
			close(s);
			if ((errno != ECONNREFUSED && errno != ENOENT) ||
			    now_ms() >= end)
				break;
			usleep(100000);
		}
	}
	return cli_api_connect(path, fd);
}

/**
 * cli_api_call() - one request and its reply
 * @fd: the connection
 * @req: the request (not taken)
 * @timeout_ms: how long to wait for the reply (0: forever)
 * @reply: the reply, whatever its "ok" (the caller puts it)
 *
 * Return: EXIT_OK, or EXIT_UNREACHABLE/EXIT_PERM after reporting why.
 */
int cli_api_call(int fd, struct json_object *req, unsigned int timeout_ms,
		 struct json_object **reply)
{
	const char *s = json_object_to_json_string_ext(
		req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s), off = 0, cap = 4096, got = 0;
	uint64_t end = timeout_ms ? now_ms() + timeout_ms : 0;
	char *buf, *nl = NULL;

	*reply = NULL;
	while (off < len + 1) {
		ssize_t n = off < len
				    ? send(fd, s + off, len - off, MSG_NOSIGNAL)
				    : send(fd, "\n", 1, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "%s: stratad: %s\n", cli.prog,
				strerror(errno));
			return EXIT_UNREACHABLE;
		}
		off += (size_t)n;
	}
	buf = malloc(cap);
	if (!buf)
		return EXIT_UNREACHABLE;
	while (!(nl = memchr(buf, '\n', got))) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int wait = -1;
		ssize_t n;

		if (end) {
			uint64_t now = now_ms();

			if (now >= end) {
				fprintf(stderr,
					"%s: stratad did not answer within %u ms\n",
					cli.prog, timeout_ms);
				free(buf);
				return EXIT_UNREACHABLE;
			}
			wait = (int)(end - now);
		}
		if (poll(&p, 1, wait) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!p.revents)
			continue;
		if (got == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = recv(fd, buf + got, cap - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "%s: stratad closed the connection\n",
				cli.prog);
			free(buf);
			return EXIT_UNREACHABLE;
		}
		got += (size_t)n;
	}
	if (nl)
		*reply = json_tokener_parse(nl > buf ? (*nl = '\0', buf) : "");
	free(buf);
	if (!*reply || !json_object_is_type(*reply, json_type_object)) {
		json_object_put(*reply);
		*reply = NULL;
		fprintf(stderr, "%s: stratad's reply is not JSON\n", cli.prog);
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}

/* The reply's "ok"; else its "error" printed with @what. */
bool cli_api_ok(struct json_object *reply, const char *what)
{
	struct json_object *v;

	if (json_object_object_get_ex(reply, "ok", &v) &&
	    json_object_get_boolean(v))
		return true;
	if (what)
		fprintf(stderr, "%s: %s: %s\n", cli.prog, what,
			json_object_object_get_ex(reply, "error", &v)
				? json_object_get_string(v)
				: "failed");
	return false;
}

/* A field of a reply ("a.b" looks into objects), or NULL. */
struct json_object *cli_api_get(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;

	while (o && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot + 1;
	}
	if (!o || !json_object_object_get_ex(o, path, &o))
		return NULL;
	return o;
}
