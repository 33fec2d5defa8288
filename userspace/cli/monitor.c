// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl monitor: print commits and flow decisions as they happen,
 * until interrupted. With -j, one JSON object per line.
 *
 * Flow events name their endpoints, tiers and policies from a name cache
 * (struct strata_names) read at start. A flow decided by a generation the
 * cache is not of reloads it first, at most once a second
 * (strata_names_due()): a daemon may commit constantly, and at 100k
 * endpoints a reload is not free. Between reloads names may lag behind
 * the configuration. With -n, or when names cannot be read, ids only.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include "cli.h"

void usage_monitor(FILE *f)
{
	fprintf(f, "Usage: stratactl [ -n ] monitor [ config ] [ flows ]\n"
		   "(both when neither is given; -n: ids only, no names)\n");
}

/*
 * @names: the cache, or NULL for ids only
 * @nl: the handle it is read on
 * @warned: a failure to read names was reported
 */
struct monitor {
	struct strata_names *names;
	struct strata_nl *nl;
	bool warned;
};

static int print_event(const struct strata_event *ev, void *arg)
{
	struct monitor *m = arg;
	strata_name_fn fn = m->names ? strata_names_lookup : NULL;
	struct json_object *o;

	if (m->names && ev->type == STRATA_EVENT_FLOW &&
	    strata_names_due(m->names, ev->flow.generation, cli_now_ms()))
		cli_names_load(m->names, m->nl, "monitor", &m->warned);
	if (cli.json) {
		o = strata_json_event_names(ev, fn, m->names);
		printf("%s\n",
		       json_object_to_json_string_ext(
			       o, JSON_C_TO_STRING_PLAIN |
					  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		strata_print_event_names(stdout, ev, fn, m->names);
	}
	fflush(stdout);
	return 0;
}

/* Names, when wanted and readable; otherwise @m stays without. */
static void names_open(struct monitor *m)
{
	struct strata_err err;

	m->nl = strata_nl_open(&err);
	if (!m->nl) {
		fprintf(stderr,
			"%s: monitor: cannot read names (%s): showing ids\n",
			cli.prog, strata_err_str(&err));
		m->warned = true;
		return;
	}
	m->names = strata_names_new();
	if (!m->names) {
		strata_nl_close(m->nl);
		m->nl = NULL;
		return;
	}
	cli_names_load(m->names, m->nl, "monitor", &m->warned);
}

/*
 * Print events until SIGINT, SIGTERM or SIGHUP (a clean exit, status 0)
 * or a receive error. The signals are taken through a signalfd polled
 * beside the netlink socket: libnl restarts reads a signal interrupts.
 */
static int watch(struct strata_mon *mon, struct monitor *m,
		 struct strata_err *err)
{
	struct pollfd pfd[2];
	sigset_t sigs, old;
	int ret = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &sigs, &old))
		return strata_err_set(err, -errno, "cannot block signals");
	pfd[0].fd = strata_mon_fd(mon);
	pfd[0].events = POLLIN;
	pfd[1].fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	pfd[1].events = POLLIN;
	if (pfd[1].fd < 0) {
		ret = strata_err_set(err, -errno, "cannot open a signalfd");
		goto out;
	}
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = strata_err_set(err, -errno, "poll failed");
			break;
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;

			/* consume them, or unblocking below delivers them */
			while (read(pfd[1].fd, &si, sizeof(si)) > 0)
				;
			break;
		}
		if (pfd[0].revents) {
			ret = strata_mon_read(mon, print_event, m, err);
			if (ret < 0)
				break;
			ret = 0;
		}
	}
	close(pfd[1].fd);
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor m = { 0 };
	struct strata_err err;
	struct strata_mon *mon;
	unsigned int groups = 0;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "config"))
			groups |= STRATA_MON_CONFIG;
		else if (!strcmp(argv[i], "flows"))
			groups |= STRATA_MON_FLOWS;
		else
			return cli_usage_error(usage_monitor,
					       "unexpected \"%s\"", argv[i]);
	}
	if (!groups)
		groups = STRATA_MON_CONFIG | STRATA_MON_FLOWS;
	mon = strata_mon_open(groups, &err);
	if (!mon)
		return cli_fail(&err, "monitor");
	/* only flow events name objects */
	if (!cli.numeric && (groups & STRATA_MON_FLOWS))
		names_open(&m);
	ret = watch(mon, &m, &err);
	strata_mon_close(mon);
	strata_names_free(m.names);
	strata_nl_close(m.nl);
	return ret ? cli_fail(&err, "monitor") : EXIT_OK;
}
