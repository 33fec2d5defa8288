// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sync engine (sync.h, DOC: Sync engine): datastore events to the
 * resource store and compile, coalesced, programmed as one transaction
 * per batch, with repair after failures and drift.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "dsf.h"
#include "log.h"
#include "sync.h"

#define DEFAULT_PROBE_MS 5000
#define MAX_EVENT_TIMES	 (1U << 20)

struct listener {
	dsync_commit_fn fn;
	void *arg;
};

struct dsync {
	sd_event *loop;
	struct dsync_config cfg;
	char *node;
	struct dkern *k;
	struct cmp *c;
	struct dstore *store;
	struct ds *ds;
	struct listener *ls;
	size_t n_ls;
	sd_event_source *flush_timer, *resync_timer, *probe_timer, *ev_io;
	bool armed, backoff;
	bool need_dump; /* the compiler's view of the kernel is not right */
	bool verify; /* compare with the kernel (drift) */
	bool programmed_once;
	unsigned int fail_streak;
	uint64_t kernel_gen;
	uint64_t *ev_ns;
	size_t n_ev, cap_ev;
	struct dsync_status st;
	char **problems;
	size_t n_problems;
	unsigned int felix_errors_logged;
};

static const char *const phase_names[] = {
	[DSYNC_WAITING] = "waiting-for-datastore",
	[DSYNC_PROGRAMMED] = "programmed",
	[DSYNC_PENDING] = "pending",
	[DSYNC_FAILING] = "failing",
};

const char *dsync_phase_name(int phase)
{
	if (phase < 0 || phase > DSYNC_FAILING)
		return "?";
	return phase_names[phase];
}

uint64_t dsync_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The interface that holds one of a host endpoint's expected IPs. */
static const char *hep_iface(void *arg, const struct cmp_ep_ref *ep)
{
	static char found[IF_NAMESIZE + 1];
	struct ifaddrs *ifa, *i;
	const char *ret = NULL;
	size_t j;

	if (getifaddrs(&ifa))
		return NULL;
	for (j = 0; j < ep->n_ips && !ret; j++) {
		const struct strata_prefix *p = &ep->ips[j];

		for (i = ifa; i && !ret; i = i->ifa_next) {
			const void *a = NULL;
			size_t len = 0;

			if (!i->ifa_addr)
				continue;
			if (p->family == 4 &&
			    i->ifa_addr->sa_family == AF_INET) {
				a = &((struct sockaddr_in *)i->ifa_addr)
					     ->sin_addr;
				len = 4;
			} else if (p->family == 6 &&
				   i->ifa_addr->sa_family == AF_INET6) {
				a = &((struct sockaddr_in6 *)i->ifa_addr)
					     ->sin6_addr;
				len = 16;
			}
			if (a && !memcmp(a, p->addr, len)) {
				snprintf(found, sizeof(found), "%s",
					 i->ifa_name);
				ret = found;
			}
		}
	}
	freeifaddrs(ifa);
	return ret;
}

struct dsync *dsync_new(sd_event *loop, const struct dsync_config *cfg,
			struct dkern *k)
{
	struct dsync *s = calloc(1, sizeof(*s));
	struct cmp_config cc = { 0 };

	if (!s)
		return NULL;
	s->loop = sd_event_ref(loop);
	s->cfg = *cfg;
	s->node = strdup(cfg->node);
	if (!s->node) {
		sd_event_unref(loop);
		free(s);
		return NULL;
	}
	s->cfg.node = s->node;
	if (!s->cfg.probe_interval_ms)
		s->cfg.probe_interval_ms = DEFAULT_PROBE_MS;
	if (!s->cfg.retry_min_ms)
		s->cfg.retry_min_ms = 250;
	if (s->cfg.retry_max_ms < s->cfg.retry_min_ms)
		s->cfg.retry_max_ms = s->cfg.retry_min_ms;
	s->k = k;
	cc.deny_action = cfg->deny_reject ? STRATA_ACT_REJECT : STRATA_ACT_DENY;
	cc.hep_iface = hep_iface;
	s->c = cmp_new(s->node, &cc);
	s->store = dstore_new(s->c);
	s->need_dump = true;
	s->st.phase = DSYNC_WAITING;
	s->st.started_ns = dsync_now_ns();
	return s;
}

static void problems_free(struct dsync *s)
{
	size_t i;

	for (i = 0; i < s->n_problems; i++)
		free(s->problems[i]);
	free(s->problems);
	s->problems = NULL;
	s->n_problems = 0;
}

void dsync_free(struct dsync *s)
{
	if (!s)
		return;
	sd_event_source_disable_unref(s->flush_timer);
	sd_event_source_disable_unref(s->resync_timer);
	sd_event_source_disable_unref(s->probe_timer);
	sd_event_source_disable_unref(s->ev_io);
	dstore_free(s->store);
	cmp_free(s->c);
	problems_free(s);
	free(s->ev_ns);
	free(s->ls);
	free(s->node);
	sd_event_unref(s->loop);
	free(s);
}

int dsync_add_listener(struct dsync *s, dsync_commit_fn fn, void *arg)
{
	struct listener *l = realloc(s->ls, (s->n_ls + 1) * sizeof(*l));

	if (!l)
		return -ENOMEM;
	s->ls = l;
	l[s->n_ls].fn = fn;
	l[s->n_ls].arg = arg;
	s->n_ls++;
	return 0;
}

void dsync_set_ds(struct dsync *s, struct ds *ds)
{
	s->ds = ds;
}

struct ds *dsync_ds(const struct dsync *s)
{
	return s->ds;
}

struct cmp *dsync_cmp(const struct dsync *s)
{
	return s->c;
}

const char *dsync_node(const struct dsync *s)
{
	return s->node;
}

struct rset *dsync_rset(const struct dsync *s)
{
	return dstore_rset(s->store);
}

const char *const *dsync_problems(const struct dsync *s, size_t *n)
{
	*n = s->n_problems;
	return (const char *const *)s->problems;
}

void dsync_get_status(const struct dsync *s, struct dsync_status *st)
{
	struct dstore_stats ss;

	*st = s->st;
	dstore_get_stats(s->store, &ss);
	st->invalid = ss.invalid;
}

/* --- scheduling -------------------------------------------------------- */

static int on_flush(sd_event_source *src, uint64_t usec, void *arg);

static void arm(struct dsync *s, uint64_t delay_ms)
{
	uint64_t now, at;

	sd_event_now(s->loop, CLOCK_MONOTONIC, &now);
	at = now + delay_ms * 1000ULL;
	if (!s->flush_timer) {
		/* accuracy 1 ms: 0 would be sd-event's default, 250 ms */
		if (sd_event_add_time(s->loop, &s->flush_timer, CLOCK_MONOTONIC,
				      at, 1000, on_flush, s) < 0) {
			dlog(LOG_ERR, "cannot arm the programming timer");
			return;
		}
	} else {
		sd_event_source_set_time(s->flush_timer, at);
	}
	sd_event_source_set_enabled(s->flush_timer, SD_EVENT_ONESHOT);
	s->armed = true;
}

/* A change arrived: program it once the window has passed. */
static void schedule(struct dsync *s)
{
	if (!s->st.ds_synced || s->backoff || s->armed)
		return;
	arm(s, s->cfg.coalesce_ms);
}

static void set_phase(struct dsync *s)
{
	if (!s->st.ds_synced || !s->programmed_once)
		s->st.phase = s->backoff ? DSYNC_FAILING : DSYNC_WAITING;
	else if (s->backoff)
		s->st.phase = DSYNC_FAILING;
	else if (s->st.input_seq > s->st.programmed_seq || s->need_dump ||
		 s->verify)
		s->st.phase = DSYNC_PENDING;
	else
		s->st.phase = DSYNC_PROGRAMMED;
}

static unsigned int backoff_ms(struct dsync *s)
{
	uint64_t ms = s->cfg.retry_min_ms;
	unsigned int i;

	for (i = 1; i < s->fail_streak && ms < s->cfg.retry_max_ms; i++)
		ms *= 2;
	if (ms > s->cfg.retry_max_ms)
		ms = s->cfg.retry_max_ms;
	/* up to a quarter less, so that many nodes do not retry together */
	ms -= ms / 4 * (uint64_t)(rand() % 1000) / 1000;
	return (unsigned int)ms;
}

static void fail(struct dsync *s, const char *what,
		 const struct strata_err *err)
{
	unsigned int delay;

	s->st.failures++;
	s->fail_streak++;
	snprintf(s->st.last_error, sizeof(s->st.last_error), "%s: %s", what,
		 strata_err_str(err));
	if (err->src == STRATA_ERR_TRANSPORT)
		s->k->ops->reset(s->k);
	s->need_dump = true;
	delay = backoff_ms(s);
	/* the first failure and then every power of two */
	if (!(s->fail_streak & (s->fail_streak - 1)))
		dlog(LOG_ERR,
		     "%s (failure %u in a row); the kernel keeps its state, retrying in %u ms",
		     s->st.last_error, s->fail_streak, delay);
	s->backoff = true;
	arm(s, delay);
	set_phase(s);
}

/* --- programming ------------------------------------------------------- */

static void set_settings(struct dsync *s, const struct strata_batch *kb)
{
	const struct sc_settings *ks = NULL;
	struct sc_settings x;
	char why[160];
	size_t i;

	if (!s->cfg.manage_settings)
		return;
	for (i = 0; i < kb->n && !ks; i++)
		if (kb->ops[i].type == STRATA_OP_SETTINGS)
			ks = kb->ops[i].settings;
	if (!ks)
		return;
	/* the defaults, within the kernel's own limits, then the keys */
	sc_settings_default(&x, &ks->limits);
	for (i = 0; i < s->cfg.n_felix; i++) {
		if (!cmp_felix_setting(&x, s->cfg.felix_keys[i],
				       s->cfg.felix_values[i], why,
				       sizeof(why)))
			continue;
		if (s->felix_errors_logged++ < 10)
			dlog(LOG_ERR, "felix.%s: %s", s->cfg.felix_keys[i],
			     why);
	}
	cmp_set_settings(s->c, &x);
}

static void update_problems(struct dsync *s)
{
	struct diags d;
	char **v = NULL, buf[1024];
	size_t i, j;

	diags_init(&d);
	cmp_problems(s->c, &d);
	if (d.n) {
		v = calloc(d.n, sizeof(*v));
		if (!v)
			abort();
	}
	for (i = 0; i < d.n; i++) {
		bool known = false;

		v[i] = strdup(diag_format(&d.v[i], buf, sizeof(buf)));
		if (!v[i])
			abort();
		for (j = 0; j < s->n_problems && !known; j++)
			known = !strcmp(s->problems[j], v[i]);
		if (!known)
			dlog(LOG_WARNING, "not programmed: %s", v[i]);
	}
	problems_free(s);
	s->problems = v;
	s->n_problems = d.n;
	diags_release(&d);
}

static int run_flush(struct dsync *s, bool drift_check)
{
	struct dsync_commit info = { 0 };
	struct strata_batch ops;
	struct strata_err err;
	uint64_t seq, gen = 0, t0;
	bool full = false;
	size_t i;
	int n, ret;

	strata_err_clear(&err);
	if (s->need_dump) {
		struct strata_batch kb;

		strata_batch_init(&kb);
		ret = s->k->ops->dump(s->k, &kb, &gen, &err);
		if (ret) {
			strata_batch_release(&kb);
			fail(s, "reading the kernel's state", &err);
			return ret;
		}
		set_settings(s, &kb);
		cmp_set_kernel(s->c, &kb);
		strata_batch_release(&kb);
		s->kernel_gen = gen;
		s->need_dump = false;
		s->st.repairs++;
		full = true;
	}
	seq = s->st.input_seq;
	strata_batch_init(&ops);
	n = cmp_flush(s->c, &ops);
	update_problems(s);
	if (n > 0) {
		t0 = dsync_now_ns();
		ret = s->k->ops->apply(s->k, &ops, &gen, &err);
		info.apply_ns = dsync_now_ns() - t0;
		if (ret) {
			strata_batch_release(&ops);
			fail(s, "applying the changes", &err);
			return ret;
		}
		if (s->kernel_gen && gen != s->kernel_gen + 1) {
			dlog(LOG_INFO,
			     "generation %llu: another writer committed since %llu; comparing with the kernel",
			     (unsigned long long)gen,
			     (unsigned long long)s->kernel_gen);
			s->verify = true;
		}
		s->kernel_gen = gen;
		s->st.commits++;
		s->st.ops += (uint64_t)n;
	}
	s->fail_streak = 0;
	s->backoff = false;
	if (drift_check && n > 0) {
		s->st.drift += (uint64_t)n;
		dlog(LOG_WARNING,
		     "the kernel differed from the desired state: %d change%s made it equal again (generation %llu)",
		     n, n == 1 ? "" : "s", (unsigned long long)s->kernel_gen);
	}
	s->st.programmed_seq = seq;
	s->st.generation = s->kernel_gen;
	info.seq = seq;
	info.generation = s->kernel_gen;
	info.ops = (size_t)n;
	info.batch = &ops;
	info.full = full;
	info.first = !s->programmed_once;
	info.drift = drift_check ? (size_t)n : 0;
	info.event_ns = s->ev_ns;
	info.n_events = s->n_ev;
	info.now_ns = dsync_now_ns();
	if (!s->programmed_once) {
		struct cmp_stats cs;

		s->programmed_once = true;
		s->st.first_programmed_ns = info.now_ns;
		cmp_get_stats(s->c, &cs);
		dlog(LOG_NOTICE,
		     "programmed generation %llu in %.3f s: %zu local endpoints, %zu of %zu policies active, %zu IP sets with %zu members, %d change%s",
		     (unsigned long long)s->kernel_gen,
		     (double)(info.now_ns - s->st.started_ns) / 1e9,
		     cs.local_endpoints, cs.active_policies, cs.policies,
		     cs.sets, cs.members, n, n == 1 ? "" : "s");
	} else if (n > 0) {
		dlog(LOG_DEBUG,
		     "programmed generation %llu: %d change%s in %.1f ms",
		     (unsigned long long)s->kernel_gen, n, n == 1 ? "" : "s",
		     (double)info.apply_ns / 1e6);
	}
	set_phase(s);
	for (i = 0; i < s->n_ls; i++)
		s->ls[i].fn(s->ls[i].arg, &info);
	s->n_ev = 0;
	strata_batch_release(&ops);
	return 0;
}

static int flush_all(struct dsync *s)
{
	int ret;

	if (!s->st.ds_synced)
		return 0;
	if (s->verify && !s->need_dump) {
		/* program what is pending first, so that what the
		 * comparison finds is drift alone */
		if (s->st.input_seq > s->st.programmed_seq) {
			ret = run_flush(s, false);
			if (ret)
				return ret;
		}
		s->verify = false;
		s->need_dump = true;
		ret = run_flush(s, s->programmed_once);
	} else {
		s->verify = false;
		ret = run_flush(s, false);
	}
	if (!ret && s->verify)
		arm(s, s->cfg.coalesce_ms); /* a foreign commit meanwhile */
	return ret;
}

static int on_flush(sd_event_source *src, uint64_t usec, void *arg)
{
	struct dsync *s = arg;

	s->armed = false;
	s->backoff = false;
	flush_all(s);
	return 0;
}

int dsync_flush_now(struct dsync *s)
{
	if (s->armed) {
		sd_event_source_set_enabled(s->flush_timer, SD_EVENT_OFF);
		s->armed = false;
	}
	s->backoff = false;
	return flush_all(s);
}

void dsync_request_resync(struct dsync *s)
{
	s->verify = true;
	if (s->st.ds_synced && !s->backoff) {
		if (s->armed)
			sd_event_source_set_enabled(s->flush_timer,
						    SD_EVENT_OFF);
		s->armed = false;
		arm(s, 0);
	}
	set_phase(s);
}

/* --- datastore events -------------------------------------------------- */

static void note_change(struct dsync *s)
{
	s->st.input_seq++;
	if (s->programmed_once) {
		if (s->n_ev == s->cap_ev && s->cap_ev < MAX_EVENT_TIMES) {
			s->cap_ev = s->cap_ev ? 2 * s->cap_ev : 1024;
			s->ev_ns = realloc(s->ev_ns,
					   s->cap_ev * sizeof(*s->ev_ns));
			if (!s->ev_ns)
				abort();
		}
		if (s->n_ev < s->cap_ev)
			s->ev_ns[s->n_ev++] = dsync_now_ns();
	}
	schedule(s);
	set_phase(s);
}

static void log_diags(const struct ds_event *ev, const struct diags *d)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < d->n; i++) {
		int level = d->v[i].sev == DIAG_ERROR ? LOG_WARNING : LOG_DEBUG;

		if (!dlog_enabled(level))
			continue;
		dlog(level, "%s%s", diag_format(&d->v[i], buf, sizeof(buf)),
		     d->v[i].sev == DIAG_ERROR ? " (the object is ignored)"
					       : "");
	}
}

void dsync_on_event(const struct ds_event *ev, void *arg)
{
	struct dsync *s = arg;
	struct dstore_stats before, after;
	struct diags d;
	bool logs = dsf_logs_itself(s->ds);
	size_t n;

	switch (ev->type) {
	case DS_UPSERT:
	case DS_DELETE:
		s->st.ds_events++;
		dstore_get_stats(s->store, &before);
		diags_init(&d);
		dstore_apply(s->store, ev, &d);
		log_diags(ev, &d);
		diags_release(&d);
		dstore_get_stats(s->store, &after);
		if (after.changes != before.changes)
			note_change(s);
		break;
	case DS_RESET:
		s->st.ds_resets++;
		dstore_mark(s->store, ev->api_version, ev->kind);
		dlog(LOG_INFO,
		     "the datastore lists %s again: enforcing what is known until it is complete",
		     ev->kind ? ev->kind : "everything");
		break;
	case DS_SYNCED:
		n = dstore_sweep(s->store);
		if (n)
			note_change(s);
		if (!s->st.ds_synced) {
			s->st.ds_synced = true;
			dlog(LOG_INFO,
			     "the datastore's list is complete: %zu resources; programming",
			     rset_count(dstore_rset(s->store), -1));
			arm(s, 0);
		} else if (n) {
			dlog(LOG_INFO,
			     "relist complete: %zu resource%s no longer exist",
			     n, n == 1 ? "" : "s");
		}
		set_phase(s);
		break;
	case DS_STATUS:
		if (!ev->kind) {
			if (!logs && ev->connected != s->st.ds_connected)
				dlog(ev->connected ? LOG_NOTICE : LOG_WARNING,
				     "datastore %s%s%s",
				     ev->connected ? "connected"
						   : "disconnected",
				     ev->message ? ": " : "",
				     ev->message ? ev->message : "");
			s->st.ds_connected = ev->connected;
		} else if (!logs && ev->message) {
			dlog(LOG_WARNING, "datastore: %s %s%s%s: %s", ev->kind,
			     ev->ns ? ev->ns : "", ev->ns && *ev->ns ? "/" : "",
			     ev->name ? ev->name : "", ev->message);
		}
		snprintf(s->st.ds_message, sizeof(s->st.ds_message), "%s",
			 ev->message ? ev->message : "");
		break;
	}
}

uint64_t dsync_drain(struct dsync *s)
{
	if (s->ds)
		dsf_drain(s->ds);
	return s->st.input_seq;
}

/* --- watching the kernel ---------------------------------------------- */

static int on_kernel_events(sd_event_source *src, int fd, uint32_t revents,
			    void *arg)
{
	struct dsync *s = arg;
	uint64_t last = 0;
	bool lost = false;

	if (s->k->ops->events_read(s->k, &last, &lost) < 0) {
		/* the module went away: the probe notices and repairs */
		sd_event_source_set_enabled(src, SD_EVENT_OFF);
		return 0;
	}
	if (!s->programmed_once || s->need_dump)
		return 0;
	if (lost || last > s->kernel_gen) {
		dlog(LOG_INFO,
		     "generation %llu was committed by another writer%s; comparing with the kernel",
		     (unsigned long long)last,
		     lost ? " (announcements were lost)" : "");
		s->verify = true;
		schedule(s);
		set_phase(s);
	}
	return 0;
}

static void watch_events(struct dsync *s)
{
	int fd = s->k->ops->events_fd(s->k);

	if (fd < 0)
		return;
	if (s->ev_io) {
		if (sd_event_source_get_io_fd(s->ev_io) == fd) {
			sd_event_source_set_enabled(s->ev_io, SD_EVENT_ON);
			return;
		}
		sd_event_source_disable_unref(s->ev_io);
		s->ev_io = NULL;
	}
	sd_event_add_io(s->loop, &s->ev_io, fd, EPOLLIN, on_kernel_events, s);
}

static int rearm(sd_event_source *src, unsigned int ms)
{
	uint64_t now;

	sd_event_now(sd_event_source_get_event(src), CLOCK_MONOTONIC, &now);
	sd_event_source_set_time(src, now + ms * 1000ULL);
	return sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
}

static int on_probe(sd_event_source *src, uint64_t usec, void *arg)
{
	struct dsync *s = arg;
	struct strata_err err;
	uint64_t gen = 0;
	int ret;

	rearm(src, s->cfg.probe_interval_ms);
	if (!s->programmed_once || s->need_dump || s->backoff)
		return 0;
	strata_err_clear(&err);
	ret = s->k->ops->generation(s->k, &gen, &err);
	if (ret) {
		dlog(LOG_WARNING,
		     "the kernel cannot be read (%s): programming again when it can",
		     strata_err_str(&err));
		if (err.src == STRATA_ERR_TRANSPORT)
			s->k->ops->reset(s->k);
		s->verify = true;
		schedule(s);
	} else if (gen != s->kernel_gen) {
		dlog(LOG_INFO,
		     "the kernel is at generation %llu, not %llu (%s); comparing with it",
		     (unsigned long long)gen, (unsigned long long)s->kernel_gen,
		     gen < s->kernel_gen ? "the module was reloaded"
					 : "another writer committed");
		s->verify = true;
		schedule(s);
	}
	watch_events(s);
	set_phase(s);
	return 0;
}

static int on_resync(sd_event_source *src, uint64_t usec, void *arg)
{
	struct dsync *s = arg;

	rearm(src, s->cfg.resync_interval_ms);
	if (s->programmed_once) {
		dlog(LOG_DEBUG, "periodic comparison with the kernel");
		dsync_request_resync(s);
	}
	return 0;
}

int dsync_start(struct dsync *s)
{
	uint64_t now;
	int ret;

	sd_event_now(s->loop, CLOCK_MONOTONIC, &now);
	watch_events(s);
	ret = sd_event_add_time(s->loop, &s->probe_timer, CLOCK_MONOTONIC,
				now + s->cfg.probe_interval_ms * 1000ULL, 0,
				on_probe, s);
	if (ret < 0)
		return ret;
	if (s->cfg.resync_interval_ms) {
		ret = sd_event_add_time(
			s->loop, &s->resync_timer, CLOCK_MONOTONIC,
			now + s->cfg.resync_interval_ms * 1000ULL, 0, on_resync,
			s);
		if (ret < 0)
			return ret;
	}
	return 0;
}
