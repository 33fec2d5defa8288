// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /metrics (metrics.h, DOC: Metrics): the snapshot, its text, and a small
 * HTTP/1.1 responder on the daemon's loop (one request per connection).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "log.h"
#include "metrics.h"
#include "status.h"

const double dmet_bounds[DMET_BUCKETS] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};

void dmet_observe(struct dmet_hist *h, double s)
{
	unsigned int i;

	for (i = 0; i < DMET_BUCKETS; i++)
		if (s <= dmet_bounds[i])
			break;
	if (i < DMET_BUCKETS)
		h->buckets[i]++;
	h->count++;
	h->sum += s;
}

static void gauge(FILE *f, const char *name, const char *help, uint64_t v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %llu\n", name, help, name,
		name, (unsigned long long)v);
}

static void counter(FILE *f, const char *name, const char *help, uint64_t v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help,
		name, name, (unsigned long long)v);
}

/* A float as Prometheus clients write it: the shortest decimal that reads
 * back as @v ("10", "0.005", "16.1298828125"), exponents only for very
 * large or small values. */
static void fnum(FILE *f, double v)
{
	double a = v < 0 ? -v : v;
	char buf[64];
	int p;

	if (a == 0 || (a >= 1e-6 && a < 1e15)) {
		for (p = 0; p <= 17; p++) {
			snprintf(buf, sizeof(buf), "%.*f", p, v);
			if (strtod(buf, NULL) == v)
				break;
		}
	} else {
		for (p = 1; p <= 17; p++) {
			snprintf(buf, sizeof(buf), "%.*g", p, v);
			if (strtod(buf, NULL) == v)
				break;
		}
	}
	fputs(buf, f);
}

static void hist(FILE *f, const char *name, const char *help,
		 const struct dmet_hist *h)
{
	uint64_t cum = 0;
	unsigned int i;

	fprintf(f, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
	for (i = 0; i < DMET_BUCKETS; i++) {
		cum += h->buckets[i];
		fprintf(f, "%s_bucket{le=\"", name);
		fnum(f, dmet_bounds[i]);
		fprintf(f, "\"} %llu\n", (unsigned long long)cum);
	}
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", name,
		(unsigned long long)h->count);
	fprintf(f, "%s_sum ", name);
	fnum(f, h->sum);
	fprintf(f, "\n%s_count %llu\n", name, (unsigned long long)h->count);
}

void dmet_render(FILE *f, const struct dmet_snapshot *s)
{
	int k;

	gauge(f, "stratad_programmed",
	      "Whether the kernel holds everything the datastore said (1) or changes are pending or failing (0).",
	      s->programmed);
	gauge(f, "stratad_datastore_connected",
	      "Whether the datastore is reachable.", s->ds_connected);
	gauge(f, "stratad_datastore_synced",
	      "Whether the datastore's first complete list is done.",
	      s->ds_synced);
	fprintf(f, "# HELP stratad_resources Resources known, by kind.\n"
		   "# TYPE stratad_resources gauge\n");
	for (k = 0; k < RES_KIND_MAX; k++)
		fprintf(f, "stratad_resources{kind=\"%s\"} %llu\n",
			res_kind_name(k), (unsigned long long)s->resources[k]);
	gauge(f, "stratad_local_endpoints",
	      "Endpoints programmed on this node.", s->local_endpoints);
	gauge(f, "stratad_active_policies",
	      "Policies and profiles compiled for this node's endpoints.",
	      s->active_policies);
	gauge(f, "stratad_ipsets", "IP sets programmed.", s->ipsets);
	gauge(f, "stratad_ipset_members", "Members of the IP sets programmed.",
	      s->members);
	gauge(f, "stratad_selectors", "Distinct rule selectors tracked.",
	      s->selectors);
	gauge(f, "stratad_kernel_generation",
	      "The kernel generation last programmed.", s->generation);
	gauge(f, "stratad_endpoint_status_records",
	      "Programmed acknowledgements (endpoint status records).",
	      s->status_records);
	if (s->first_programmed_s >= 0) {
		fprintf(f,
			"# HELP stratad_first_programmed_seconds Time from start to the first programming.\n"
			"# TYPE stratad_first_programmed_seconds gauge\n"
			"stratad_first_programmed_seconds ");
		fnum(f, s->first_programmed_s);
		fputc('\n', f);
	}
	counter(f, "stratad_updates_applied_total",
		"Transactions committed to the kernel.", s->commits);
	counter(f, "stratad_operations_applied_total",
		"Operations in the transactions committed.", s->ops);
	counter(f, "stratad_apply_failures_total",
		"Transactions the kernel refused or that could not be sent.",
		s->failures);
	counter(f, "stratad_kernel_repairs_total",
		"Programmings that read the kernel's state first.", s->repairs);
	counter(f, "stratad_kernel_drift_operations_total",
		"Operations needed to repair a kernel that differed from the desired state.",
		s->drift);
	counter(f, "stratad_datastore_events_total",
		"Upserts and deletes received from the datastore.",
		s->ds_events);
	counter(f, "stratad_datastore_resyncs_total",
		"Relists of the datastore.", s->ds_resyncs);
	counter(f, "stratad_datastore_errors_total",
		"Datastore connection and protocol errors.", s->ds_errors);
	counter(f, "stratad_datastore_malformed_total",
		"Objects or messages the datastore skipped as malformed.",
		s->ds_malformed);
	counter(f, "stratad_datastore_reconnects_total",
		"Datastore connections re-established.", s->ds_reconnects);
	counter(f, "stratad_invalid_resources_total",
		"Objects refused by validation.", s->invalid);
	if (s->have_kernel_stats) {
		counter(f, "stratad_kernel_flow_events_total",
			"Flow events the kernel sent.", s->flow_events);
		counter(f, "stratad_kernel_flow_events_lost_total",
			"Flow events the kernel could not deliver.",
			s->flow_events_lost);
	}
	hist(f, "stratad_apply_latency_seconds",
	     "Time from a datastore change to the commit that programs it.",
	     &s->latency);
	hist(f, "stratad_apply_duration_seconds", "Time one transaction took.",
	     &s->apply);
}

/* --- collecting -------------------------------------------------------- */

struct dmetrics {
	struct dsync *sync;
	struct dstatus *status;
	struct dkern *k;
	struct dmet_hist latency, apply;
	sd_event_source *listen;
	sd_event *loop;
	unsigned int conns;
	struct hconn *head;
};

struct dmetrics *dmet_new(struct dsync *sync, struct dstatus *status,
			  struct dkern *k)
{
	struct dmetrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->sync = sync;
	m->status = status;
	m->k = k;
	return m;
}

void dmet_on_commit(void *arg, const struct dsync_commit *c)
{
	struct dmetrics *m = arg;
	size_t i;

	if (c->ops)
		dmet_observe(&m->apply, (double)c->apply_ns / 1e9);
	for (i = 0; i < c->n_events; i++)
		dmet_observe(&m->latency,
			     (double)(c->now_ns - c->event_ns[i]) / 1e9);
}

void dmet_collect(struct dmetrics *m, struct dmet_snapshot *s)
{
	struct dsync_status st;
	struct cmp_stats cs;
	struct ds_stats ds = { 0 };
	struct strata_stats ks;
	struct strata_err err;
	struct ds *d = dsync_ds(m->sync);
	int k;

	memset(s, 0, sizeof(*s));
	dsync_get_status(m->sync, &st);
	cmp_get_stats(dsync_cmp(m->sync), &cs);
	if (d)
		d->ops->stats(d, &ds);
	s->programmed = st.phase == DSYNC_PROGRAMMED;
	s->ds_connected = st.ds_connected;
	s->ds_synced = st.ds_synced;
	for (k = 0; k < RES_KIND_MAX; k++)
		s->resources[k] = rset_count(dsync_rset(m->sync), k);
	s->local_endpoints = cs.local_endpoints;
	s->active_policies = cs.active_policies;
	s->ipsets = cs.sets;
	s->members = cs.members;
	s->selectors = cs.selectors;
	s->generation = st.generation;
	s->status_records = m->status ? dstatus_count(m->status) : 0;
	s->first_programmed_s =
		st.first_programmed_ns
			? (double)(st.first_programmed_ns - st.started_ns) / 1e9
			: -1;
	s->commits = st.commits;
	s->ops = st.ops;
	s->failures = st.failures;
	s->repairs = st.repairs;
	s->drift = st.drift;
	s->ds_events = st.ds_events;
	s->ds_resyncs = ds.resyncs;
	s->ds_errors = ds.errors;
	s->ds_malformed = ds.malformed;
	s->ds_reconnects = ds.reconnects;
	s->invalid = st.invalid;
	strata_err_clear(&err);
	if (m->k && !m->k->ops->stats(m->k, &ks, &err)) {
		s->have_kernel_stats = true;
		s->flow_events = ks.flow_events;
		s->flow_events_lost = ks.flow_events_lost;
	}
	s->latency = m->latency;
	s->apply = m->apply;
}

/* --- HTTP ------------------------------------------------------------- */

#define HTTP_MAX_REQ   8192
#define HTTP_MAX_CONNS 16
#define HTTP_TIMEOUT_S 10

struct hconn {
	struct dmetrics *m;
	struct hconn *next, **pprev;
	int fd;
	sd_event_source *io, *timer;
	char req[HTTP_MAX_REQ];
	size_t req_len;
	char *out;
	size_t out_len, out_off;
};

static void hconn_close(struct hconn *c)
{
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	close(c->fd);
	free(c->out);
	c->m->conns--;
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	free(c);
}

static void respond(struct hconn *c, const char *status, const char *type,
		    const char *body, size_t blen, bool head)
{
	char *hdr;
	int n;

	n = asprintf(&hdr,
		     "HTTP/1.1 %s\r\n"
		     "Content-Type: %s\r\n"
		     "Content-Length: %zu\r\n"
		     "Connection: close\r\n\r\n",
		     status, type, blen);
	if (n < 0)
		abort();
	c->out = malloc((size_t)n + (head ? 0 : blen));
	if (!c->out)
		abort();
	memcpy(c->out, hdr, (size_t)n);
	if (!head)
		memcpy(c->out + n, body, blen);
	c->out_len = (size_t)n + (head ? 0 : blen);
	free(hdr);
}

static void handle(struct hconn *c)
{
	char method[16], path[1024];
	const char *text = "text/plain; charset=utf-8";
	bool head;

	c->req[c->req_len] = '\0';
	if (sscanf(c->req, "%15s %1023s", method, path) != 2) {
		respond(c, "400 Bad Request", text, "bad request\n", 12, false);
		return;
	}
	head = !strcmp(method, "HEAD");
	if (strcmp(method, "GET") && !head) {
		respond(c, "405 Method Not Allowed", text,
			"only GET and HEAD\n", 18, false);
		return;
	}
	path[strcspn(path, "?")] = '\0';
	if (!strcmp(path, "/metrics")) {
		struct dmet_snapshot s;
		char *body = NULL;
		size_t blen = 0;
		FILE *f = open_memstream(&body, &blen);

		if (!f)
			abort();
		dmet_collect(c->m, &s);
		dmet_render(f, &s);
		fclose(f);
		respond(c, "200 OK", "text/plain; version=0.0.4; charset=utf-8",
			body, blen, head);
		free(body);
	} else if (!strcmp(path, "/")) {
		static const char idx[] = "stratad: see /metrics\n";

		respond(c, "200 OK", text, idx, sizeof(idx) - 1, head);
	} else {
		respond(c, "404 Not Found", text, "not found\n", 10, head);
	}
}

/* Write what is pending; true when the connection is done. */
static bool flush_out(struct hconn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			sd_event_source_set_io_events(c->io, EPOLLOUT);
			return false;
		}
		if (n <= 0)
			return true;
		c->out_off += (size_t)n;
	}
	return true;
}

static int on_conn(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct hconn *c = arg;
	ssize_t n;

	if (c->out) {
		if (flush_out(c))
			hconn_close(c);
		return 0;
	}
	n = recv(fd, c->req + c->req_len, sizeof(c->req) - 1 - c->req_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		hconn_close(c);
		return 0;
	}
	c->req_len += (size_t)n;
	c->req[c->req_len] = '\0';
	if (!strstr(c->req, "\r\n\r\n") && !strstr(c->req, "\n\n")) {
		if (c->req_len < sizeof(c->req) - 1)
			return 0;
		respond(c, "431 Request Header Fields Too Large",
			"text/plain; charset=utf-8", "too large\n", 10, false);
	} else {
		handle(c);
	}
	if (flush_out(c))
		hconn_close(c);
	return 0;
}

static int on_conn_timeout(sd_event_source *s, uint64_t usec, void *arg)
{
	hconn_close(arg);
	return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct dmetrics *m = arg;
	struct hconn *c;
	uint64_t now;
	int cfd;

	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return 0;
	if (m->conns >= HTTP_MAX_CONNS) {
		close(cfd);
		return 0;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return 0;
	}
	c->m = m;
	c->fd = cfd;
	m->conns++;
	c->next = m->head;
	if (m->head)
		m->head->pprev = &c->next;
	m->head = c;
	c->pprev = &m->head;
	sd_event_now(m->loop, CLOCK_MONOTONIC, &now);
	if (sd_event_add_io(m->loop, &c->io, cfd, EPOLLIN, on_conn, c) < 0 ||
	    sd_event_add_time(m->loop, &c->timer, CLOCK_MONOTONIC,
			      now + HTTP_TIMEOUT_S * 1000000ULL, 0,
			      on_conn_timeout, c) < 0)
		hconn_close(c);
	return 0;
}

int dmet_serve(struct dmetrics *m, sd_event *loop, const char *addr,
	       unsigned int port, char *err, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t slen;
	int fd, one = 1, ret;

	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		slen = sizeof(*a4);
	} else if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		slen = sizeof(*a6);
	} else {
		snprintf(err, len, "metrics_address \"%s\" is not an address",
			 addr);
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, len, "metrics: socket: %s", strerror(errno));
		return ret;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, slen) || listen(fd, 16)) {
		ret = -errno;
		snprintf(err, len, "metrics: %s port %u: %s", addr, port,
			 strerror(errno));
		close(fd);
		return ret;
	}
	m->loop = loop;
	ret = sd_event_add_io(loop, &m->listen, fd, EPOLLIN, on_accept, m);
	if (ret < 0) {
		close(fd);
		snprintf(err, len, "metrics: %s", strerror(-ret));
		return ret;
	}
	sd_event_source_set_io_fd_own(m->listen, 1);
	return 0;
}

unsigned int dmet_bound_port(const struct dmetrics *m)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (!m->listen || getsockname(sd_event_source_get_io_fd(m->listen),
				      (struct sockaddr *)&ss, &len))
		return 0;
	return ntohs(ss.ss_family == AF_INET
			     ? ((struct sockaddr_in *)&ss)->sin_port
			     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

void dmet_free(struct dmetrics *m)
{
	if (!m)
		return;
	while (m->head)
		hconn_close(m->head);
	sd_event_source_disable_unref(m->listen);
	free(m);
}
