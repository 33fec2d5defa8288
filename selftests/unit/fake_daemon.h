/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A stand-in for stratad's local API in the CLI's unit tests: a Unix
 * socket in a directory of the test's that accepts one connection, records
 * the first request line and answers with a fixed reply (or closes without
 * answering when it is NULL). Include after cmocka.
 */
#ifndef STRATA_FAKE_DAEMON_H
#define STRATA_FAKE_DAEMON_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct fake {
	char path[256];
	int lfd;
	const char *reply;
	char request[4096];
	pthread_t thread;
};

static void *fake_thread(void *arg)
{
	struct fake *f = arg;
	size_t got = 0;
	int fd = accept(f->lfd, NULL, NULL);

	if (fd < 0)
		return NULL;
	while (got < sizeof(f->request) - 1 && !memchr(f->request, '\n', got)) {
		ssize_t n = recv(fd, f->request + got,
				 sizeof(f->request) - 1 - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	f->request[got] = '\0';
	if (f->reply)
		assert_true(send(fd, f->reply, strlen(f->reply), MSG_NOSIGNAL) >
			    0);
	close(fd);
	return NULL;
}

/* Listen at @dir/fake.sock (f->path) and answer @reply to one request. */
static void fake_start(struct fake *f, const char *dir, const char *reply)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s/fake.sock", dir);
	unlink(f->path);
	strcpy(sun.sun_path, f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(f->lfd >= 0);
	assert_int_equal(bind(f->lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(f->lfd, 1), 0);
	f->reply = reply;
	assert_int_equal(pthread_create(&f->thread, NULL, fake_thread, f), 0);
}

/* Wait for the one connection to be served, and clean up. */
static void fake_stop(struct fake *f)
{
	pthread_join(f->thread, NULL);
	close(f->lfd);
	unlink(f->path);
}

#endif /* STRATA_FAKE_DAEMON_H */
