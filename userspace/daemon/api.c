// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The local API (api.h, DOC: Local API): JSON lines over a Unix socket on
 * the daemon's loop.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "dsf.h"
#include "log.h"
#include "api.h"

enum wait_kind {
	W_NONE,
	W_SEQ,
	W_GEN,
	W_ENDPOINT,
};

struct aconn {
	struct dapi *api;
	struct aconn *next, **pprev;
	int fd;
	sd_event_source *io, *timer;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	bool eof, closing;
	/* the request being waited on */
	enum wait_kind wait;
	uint64_t target;
	char *ep;
	struct json_object *id;
	uint64_t wait_start_ns;
	unsigned int timeout_ms;
};

struct dapi {
	sd_event *loop;
	struct dsync *sync;
	struct dstatus *status;
	char *ds_type;
	char *directory;
	char *path;
	sd_event_source *listen;
	struct aconn *conns;
};

struct dapi *dapi_new(sd_event *loop, struct dsync *sync,
		      struct dstatus *status, const char *ds_type)
{
	struct dapi *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->loop = sd_event_ref(loop);
	a->sync = sync;
	a->status = status;
	a->ds_type = strdup(ds_type ? ds_type : "");
	if (!a->ds_type) {
		sd_event_unref(loop);
		free(a);
		return NULL;
	}
	return a;
}

static void conn_free(struct aconn *c)
{
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	close(c->fd);
	*c->pprev = c->next;
	if (c->next)
		c->next->pprev = c->pprev;
	json_object_put(c->id);
	free(c->ep);
	free(c->in);
	free(c->out);
	free(c);
}

void dapi_free(struct dapi *a)
{
	if (!a)
		return;
	while (a->conns)
		conn_free(a->conns);
	sd_event_source_disable_unref(a->listen);
	if (a->path)
		unlink(a->path);
	free(a->path);
	free(a->directory);
	free(a->ds_type);
	sd_event_unref(a->loop);
	free(a);
}

void dapi_set_directory(struct dapi *a, const char *dir)
{
	free(a->directory);
	a->directory = dir ? strdup(dir) : NULL;
}

/* --- replies ------------------------------------------------------------ */

static void out_append(struct aconn *c, const char *s, size_t n)
{
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;

		while (cap < c->out_len + n)
			cap *= 2;
		c->out = realloc(c->out, cap);
		if (!c->out)
			abort();
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, n);
	c->out_len += n;
}

static void conn_update_events(struct aconn *c)
{
	uint32_t ev = 0;

	if (c->out_off < c->out_len)
		ev |= EPOLLOUT;
	if (!c->wait && !c->closing && !c->eof)
		ev |= EPOLLIN;
	sd_event_source_set_io_events(c->io, ev);
}

/* Send what is pending; false if the connection is gone. */
static bool conn_flush(struct aconn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off,
				 c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_free(c);
			return false;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		if (c->closing || (c->eof && !c->wait && !c->in_len)) {
			conn_free(c);
			return false;
		}
	}
	conn_update_events(c);
	return true;
}

/* Queue @reply (taken) with the request's id. */
static void reply(struct aconn *c, struct json_object *id,
		  struct json_object *r)
{
	const char *s;

	if (id)
		json_object_object_add(r, "id", json_object_get(id));
	s = json_object_to_json_string_ext(
		r, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	out_append(c, s, strlen(s));
	out_append(c, "\n", 1);
	json_object_put(r);
}

static struct json_object *ok(void)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(1));
	return r;
}

static struct json_object *error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static struct json_object *error(const char *fmt, ...)
{
	struct json_object *r = json_object_new_object();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg));
	return r;
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

/* --- commands ---------------------------------------------------------- */

struct json_object *dapi_status_json(struct dapi *a)
{
	struct json_object *r = ok(), *ds, *res, *probs;
	struct dsync_status st;
	struct ds_stats dst = { 0 };
	struct cmp_stats cs;
	struct ds *d = dsync_ds(a->sync);
	const char *const *pv;
	size_t np, i;
	int k;

	dsync_get_status(a->sync, &st);
	cmp_get_stats(dsync_cmp(a->sync), &cs);
	if (d)
		d->ops->stats(d, &dst);
	add_str(r, "node", dsync_node(a->sync));
	add_str(r, "phase", dsync_phase_name(st.phase));
	ds = json_object_new_object();
	add_str(ds, "type", a->ds_type);
	if (a->directory)
		add_str(ds, "directory", a->directory);
	json_object_object_add(ds, "connected",
			       json_object_new_boolean(st.ds_connected));
	json_object_object_add(ds, "synced",
			       json_object_new_boolean(st.ds_synced));
	add_str(ds, "message", st.ds_message);
	add_u64(ds, "events", st.ds_events);
	add_u64(ds, "resyncs", dst.resyncs);
	add_u64(ds, "errors", dst.errors);
	add_u64(ds, "malformed", dst.malformed);
	add_u64(ds, "reconnects", dst.reconnects);
	json_object_object_add(r, "datastore", ds);
	add_u64(r, "inputSequence", st.input_seq);
	add_u64(r, "programmedSequence", st.programmed_seq);
	add_u64(r, "generation", st.generation);
	add_u64(r, "commits", st.commits);
	add_u64(r, "operations", st.ops);
	add_u64(r, "failures", st.failures);
	add_str(r, "lastError", st.last_error);
	add_u64(r, "repairs", st.repairs);
	add_u64(r, "drift", st.drift);
	add_u64(r, "invalid", st.invalid);
	res = json_object_new_object();
	for (k = 0; k < RES_KIND_MAX; k++)
		add_u64(res, res_kind_name(k),
			rset_count(dsync_rset(a->sync), k));
	json_object_object_add(r, "resources", res);
	add_u64(r, "localEndpoints", cs.local_endpoints);
	add_u64(r, "activePolicies", cs.active_policies);
	add_u64(r, "ipsets", cs.sets);
	add_u64(r, "members", cs.members);
	add_u64(r, "endpointStatusRecords",
		a->status ? dstatus_count(a->status) : 0);
	probs = json_object_new_array();
	pv = dsync_problems(a->sync, &np);
	for (i = 0; i < np; i++)
		json_object_array_add(probs, json_object_new_string(pv[i]));
	json_object_object_add(r, "problems", probs);
	add_u64(r, "uptimeSeconds",
		(dsync_now_ns() - st.started_ns) / 1000000000ULL);
	if (st.first_programmed_ns)
		json_object_object_add(
			r, "firstProgrammedSeconds",
			json_object_new_double((double)(st.first_programmed_ns -
							st.started_ns) /
					       1e9));
	add_str(r, "version", STRATA_CLI_VERSION);
	return r;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A non-negative integer field: 0 absent, 1 present, -1 malformed. */
static int juint(struct json_object *o, const char *k, uint64_t *out)
{
	struct json_object *v;
	int64_t i;

	if (!json_object_object_get_ex(o, k, &v))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	i = json_object_get_int64(v);
	if (i < 0)
		return -1;
	*out = (uint64_t)i;
	return 1;
}

static struct json_object *cmd_get(struct dapi *a, struct json_object *req)
{
	const char *what = jstr(req, "what");
	struct json_object *r, *arr;

	if (!what)
		return error(
			"get: \"what\" is missing (resources, desired or endpoints)");
	if (!strcmp(what, "desired")) {
		r = ok();
		json_object_object_add(r, "desired",
				       cmp_json(dsync_cmp(a->sync)));
		return r;
	}
	if (!strcmp(what, "endpoints")) {
		const struct dstatus_rec **v;
		size_t n = a->status ? dstatus_list(a->status, &v) : 0, i;

		arr = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(arr, dstatus_json(v[i]));
		if (a->status)
			free(v);
		r = ok();
		json_object_object_add(r, "endpoints", arr);
		return r;
	}
	if (!strcmp(what, "resources")) {
		const char *kw = jstr(req, "kind"),
			   *ns = jstr(req, "namespace");
		int kind = -1;
		struct res **v;
		size_t n, i;

		if (kw) {
			kind = res_kind_parse(kw);
			if (kind < 0)
				return error("get: unknown kind \"%s\"", kw);
		}
		n = rset_list(dsync_rset(a->sync), kind, ns, &v);
		arr = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(arr, res_to_json(v[i]));
		free(v);
		r = ok();
		json_object_object_add(r, "resources", arr);
		return r;
	}
	return error(
		"get: unknown \"what\": \"%s\" (resources, desired or endpoints)",
		what);
}

static struct json_object *wait_reply(struct aconn *c, bool done)
{
	struct dsync_status st;
	struct json_object *r;
	uint64_t waited = (dsync_now_ns() - c->wait_start_ns) / 1000000;

	dsync_get_status(c->api->sync, &st);
	if (done) {
		r = ok();
	} else {
		r = error("timed out after %u ms: %s%s%s", c->timeout_ms,
			  dsync_phase_name(st.phase),
			  st.last_error[0] ? ": " : "", st.last_error);
		add_str(r, "phase", dsync_phase_name(st.phase));
		add_str(r, "lastError", st.last_error);
	}
	if (c->wait == W_SEQ)
		add_u64(r, "sequence", c->target);
	add_u64(r, "programmedSequence", st.programmed_seq);
	add_u64(r, "generation", st.generation);
	add_u64(r, "waitedMs", waited);
	return r;
}

/* Whether what @c waits for has happened; replies if so (or @timeout). */
static bool wait_check(struct aconn *c, bool timeout)
{
	struct dsync_status st;
	const struct dstatus_rec *rec = NULL;
	struct json_object *r;
	bool done;

	dsync_get_status(c->api->sync, &st);
	switch (c->wait) {
	case W_SEQ:
		done = st.programmed_seq >= c->target &&
		       st.phase != DSYNC_WAITING;
		break;
	case W_GEN:
		done = st.generation >= c->target && st.first_programmed_ns;
		break;
	case W_ENDPOINT:
		rec = c->api->status ? dstatus_find(c->api->status, c->ep)
				     : NULL;
		done = rec != NULL;
		break;
	default:
		return true;
	}
	if (!done && !timeout)
		return false;
	if (c->wait == W_ENDPOINT) {
		if (done) {
			r = ok();
			json_object_object_add(r, "status", dstatus_json(rec));
		} else {
			r = error(
				"timed out after %u ms: endpoint %s is not programmed",
				c->timeout_ms, c->ep);
		}
	} else {
		r = wait_reply(c, done);
	}
	reply(c, c->id, r);
	json_object_put(c->id);
	c->id = NULL;
	free(c->ep);
	c->ep = NULL;
	c->wait = W_NONE;
	sd_event_source_disable_unref(c->timer);
	c->timer = NULL;
	return true;
}

static void process(struct aconn *c);

static int on_wait_timeout(sd_event_source *s, uint64_t usec, void *arg)
{
	struct aconn *c = arg;

	wait_check(c, true);
	if (conn_flush(c))
		process(c);
	return 0;
}

static struct json_object *start_wait(struct aconn *c, enum wait_kind kind,
				      uint64_t target, const char *ep,
				      uint64_t timeout_ms,
				      struct json_object *id)
{
	uint64_t now;

	c->wait = kind;
	c->target = target;
	c->ep = ep ? strdup(ep) : NULL;
	c->id = json_object_get(id);
	c->timeout_ms = (unsigned int)timeout_ms;
	c->wait_start_ns = dsync_now_ns();
	if (wait_check(c, false))
		return NULL;
	sd_event_now(c->api->loop, CLOCK_MONOTONIC, &now);
	if (sd_event_add_time(c->api->loop, &c->timer, CLOCK_MONOTONIC,
			      now + timeout_ms * 1000ULL, 1000, on_wait_timeout,
			      c) < 0)
		wait_check(c, true);
	return NULL;
}

/* Handle one request line; the reply is queued (or a wait begins). */
static void handle(struct aconn *c, const char *line, size_t len)
{
	struct dapi *a = c->api;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *req, *id = NULL, *r = NULL;
	const char *cmd;
	uint64_t timeout = DAPI_DEFAULT_TIMEOUT_MS, n = 0;
	int has;

	req = json_tokener_parse_ex(tok, line, (int)len);
	if (!req || json_tokener_get_error(tok) != json_tokener_success ||
	    tok->char_offset != (int)len) {
		json_object_put(req);
		json_tokener_free(tok);
		reply(c, NULL, error("a request is one JSON object per line"));
		return;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(req, json_type_object)) {
		reply(c, NULL, error("a request is one JSON object per line"));
		json_object_put(req);
		return;
	}
	json_object_object_get_ex(req, "id", &id);
	cmd = jstr(req, "command");
	if (juint(req, "timeoutMs", &timeout) < 0 ||
	    timeout > DAPI_MAX_TIMEOUT_MS) {
		r = error("timeoutMs must be a number of milliseconds up to %u",
			  DAPI_MAX_TIMEOUT_MS);
	} else if (!cmd) {
		r = error(
			"\"command\" is missing (status, get, wait, endpoint or resync)");
	} else if (!strcmp(cmd, "status")) {
		r = dapi_status_json(a);
	} else if (!strcmp(cmd, "get")) {
		r = cmd_get(a, req);
	} else if (!strcmp(cmd, "resync")) {
		dsync_request_resync(a->sync);
		r = ok();
	} else if (!strcmp(cmd, "wait")) {
		if ((has = juint(req, "sequence", &n)) < 0) {
			r = error(
				"wait: \"sequence\" must be a non-negative integer");
		} else if (has) {
			start_wait(c, W_SEQ, n, NULL, timeout, id);
		} else if ((has = juint(req, "generation", &n)) < 0) {
			r = error(
				"wait: \"generation\" must be a non-negative integer");
		} else if (has) {
			start_wait(c, W_GEN, n, NULL, timeout, id);
		} else {
			start_wait(c, W_SEQ, dsync_drain(a->sync), NULL,
				   timeout, id);
		}
	} else if (!strcmp(cmd, "endpoint")) {
		const char *ep = jstr(req, "endpoint");
		struct json_object *w;
		bool wait = json_object_object_get_ex(req, "wait", &w) &&
			    json_object_get_boolean(w);
		const struct dstatus_rec *rec;

		if (!ep || !*ep) {
			r = error(
				"endpoint: \"endpoint\" is missing (pod:NAMESPACE/POD, NAMESPACE/POD, ...)");
		} else if (wait) {
			start_wait(c, W_ENDPOINT, 0, ep, timeout, id);
		} else if (a->status && (rec = dstatus_find(a->status, ep))) {
			r = ok();
			json_object_object_add(r, "status", dstatus_json(rec));
		} else {
			r = error("endpoint %s is not programmed", ep);
		}
	} else {
		r = error(
			"unknown command \"%s\" (status, get, wait, endpoint or resync)",
			cmd);
	}
	if (r)
		reply(c, id, r);
	json_object_put(req);
}

/* Handle the complete lines received, unless waiting. */
static void process(struct aconn *c)
{
	char *nl;
	size_t used = 0;

	while (!c->wait && !c->closing) {
		nl = memchr(c->in + used, '\n', c->in_len - used);
		if (!nl)
			break;
		handle(c, c->in + used, (size_t)(nl - (c->in + used)));
		used = (size_t)(nl - c->in) + 1;
	}
	if (used) {
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
	}
	if (!c->wait && c->eof && c->in_len) {
		/* a last request without a newline */
		handle(c, c->in, c->in_len);
		c->in_len = 0;
	}
	conn_flush(c);
}

static int on_conn(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct aconn *c = arg;
	ssize_t n;

	if (revents & EPOLLOUT) {
		if (!conn_flush(c))
			return 0;
	}
	if (!(revents & (EPOLLIN | EPOLLHUP | EPOLLERR)) || c->wait ||
	    c->closing)
		return 0;
	if (c->in_cap - c->in_len < 4096) {
		c->in_cap = c->in_cap ? c->in_cap * 2 : 8192;
		c->in = realloc(c->in, c->in_cap);
		if (!c->in)
			abort();
	}
	n = recv(fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n < 0) {
		conn_free(c);
		return 0;
	}
	if (n == 0)
		c->eof = true;
	c->in_len += (size_t)n;
	if (c->in_len > DAPI_MAX_REQUEST && !memchr(c->in, '\n', c->in_len)) {
		reply(c, NULL,
		      error("a request is larger than %u bytes",
			    DAPI_MAX_REQUEST));
		c->closing = true;
		c->in_len = 0;
	}
	process(c);
	return 0;
}

static struct aconn *conn_new(struct dapi *a, int fd)
{
	struct aconn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->api = a;
	c->fd = fd;
	if (sd_event_add_io(a->loop, &c->io, fd, EPOLLIN, on_conn, c) < 0) {
		free(c);
		return NULL;
	}
	c->next = a->conns;
	if (a->conns)
		a->conns->pprev = &c->next;
	a->conns = c;
	c->pprev = &a->conns;
	return c;
}

int dapi_serve_fd(struct dapi *a, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return conn_new(a, fd) ? 0 : -ENOMEM;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct dapi *a = arg;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct aconn *c;
	int cfd;

	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return 0;
	c = conn_new(a, cfd);
	if (!c) {
		close(cfd);
		return 0;
	}
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    cred.uid != 0) {
		reply(c, NULL,
		      error("permission denied: the local API is for root"));
		c->closing = true;
		conn_flush(c);
	}
	return 0;
}

/* mkdir -p the directory of @path. */
static int make_dir_of(const char *path)
{
	char *d = strdup(path), *p;
	int ret = 0;

	if (!d)
		return -ENOMEM;
	p = strrchr(d, '/');
	if (p && p != d) {
		*p = '\0';
		for (p = d + 1; !ret; p++) {
			p = strchr(p, '/');
			if (p)
				*p = '\0';
			if (mkdir(d, 0755) && errno != EEXIST)
				ret = -errno;
			if (!p)
				break;
			*p = '/';
		}
	}
	free(d);
	return ret;
}

int dapi_listen(struct dapi *a, const char *path, char *err, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, len, "api_socket %s: the path is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	ret = make_dir_of(path);
	if (ret) {
		snprintf(err, len, "api_socket %s: %s", path, strerror(-ret));
		return ret;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* a socket someone answers on is another daemon's */
	{
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (probe >= 0 &&
		    !connect(probe, (struct sockaddr *)&sun, sizeof(sun))) {
			close(probe);
			close(fd);
			snprintf(err, len,
				 "api_socket %s: another stratad is running",
				 path);
			return -EADDRINUSE;
		}
		if (probe >= 0)
			close(probe);
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(path, 0600) || listen(fd, 64)) {
		ret = -errno;
		snprintf(err, len, "api_socket %s: %s", path, strerror(errno));
		close(fd);
		return ret;
	}
	ret = sd_event_add_io(a->loop, &a->listen, fd, EPOLLIN, on_accept, a);
	if (ret < 0) {
		close(fd);
		snprintf(err, len, "api_socket %s: %s", path, strerror(-ret));
		return ret;
	}
	sd_event_source_set_io_fd_own(a->listen, 1);
	a->path = strdup(path);
	return 0;
}

void dapi_on_commit(void *arg, const struct dsync_commit *cm)
{
	struct dapi *a = arg;
	struct aconn *c, *next;

	for (c = a->conns; c; c = next) {
		next = c->next;
		if (c->wait && wait_check(c, false) && conn_flush(c))
			process(c);
	}
}
