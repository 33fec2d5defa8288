// SPDX-License-Identifier: GPL-2.0
/*
 * kube-testserver: a Kubernetes API server for tests, speaking the list and
 * watch wire protocol over HTTP/1.1 (keep-alive, chunked transfer) and TLS,
 * over a scripted object store. stratad's Kubernetes datastore is tested
 * against it (selftests/unit/test_ds_k8s.c, make bench-k8s).
 *
 *   kube-testserver [--tls-dir DIR] [--token TOKEN] [--port N] [--http2]
 *
 * --tls-dir generates, in DIR, a CA (ca.crt), a server certificate for
 * 127.0.0.1/localhost signed by it (server.crt, server.key), a client
 * certificate (client.crt, client.key, CN=system:node:test) and an unrelated
 * CA (other-ca.crt), then serves HTTPS; without it the server speaks plain
 * HTTP. Requests must carry "Authorization: Bearer TOKEN" (when --token is
 * given) or a client certificate signed by the CA; otherwise 401.
 *
 * It prints "port N" once listening, then reads commands on stdin, one per
 * line, and answers each with one line "ok ..." or "err ..." (requests:
 * "ok N" then N lines):
 *
 *   resource PATH KIND LISTKIND APIVERSION NAMESPACED BUILTIN
 *                          serve a collection: PATH is cluster-wide
 *                          ("/api/v1/pods"); namespaced ones are served at
 *                          .../namespaces/NS/<plural> too; BUILTIN lists
 *                          omit kind and apiVersion from items (as the real
 *                          API server does for built-in types)
 *   unresource PATH        stop serving it (404), end its watches
 *   put PATH JSON          create or replace an object -> "ok RV ADDED"
 *   delete PATH [NS/]NAME  -> "ok RV"
 *   put-raw PATH JSON      an item listed as is (malformed objects)
 *   load FILE              "PATH JSON" lines, each a put -> "ok N RV"
 *   gen-pods N [NS]        N realistic pods over NS namespaces -> "ok RV";
 *                          again: modifies them (a new label value)
 *   compact [RV]           forget history up to RV (default: now): older
 *                          watches and continue tokens get 410
 *   bookmark [PATH]        BOOKMARK at the current revision to watches that
 *                          allow them -> "ok WATCHES"
 *   gone PATH              ERROR 410 to PATH's watches, then end them
 *   drop [PATH]            cut connections (PATH: those watching it) with
 *                          no TLS close_notify and no final chunk
 *   inject PATH TEXT       TEXT and a newline into PATH's watch streams
 *   fail PATH CODE N [RA]  the next N requests on PATH answer CODE (a
 *                          Status; Retry-After: RA)
 *   cut-list PATH BYTES N  the next N lists of PATH are cut after BYTES of
 *                          body (HTTP/1.1: the connection; HTTP/2:
 *                          RST_STREAM)
 *   expire-continue N      the next N continue tokens are refused with 410
 *   token TOKEN [TOKEN2]   accept these bearer tokens from now on
 *   chunk N                write bodies in HTTP chunks of at most N bytes
 *   watchers [PATH]        -> "ok N" active watches
 *   requests               the request lines since the last call
 *   connections            -> "ok N H2": TCP connections accepted so far,
 *                          how many of them speak HTTP/2
 *   rv                     -> "ok RV" the current revision
 *   quit
 *
 * Revisions are one global counter, as etcd's. Lists follow
 * resourceVersion / resourceVersionMatch semantics (unset: latest; "0" or
 * NotOlderThan: latest; Exact or a legacy non-zero value with limit: that
 * snapshot, 410 if compacted) and paginate consistently from the snapshot
 * the first page was read at.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <nghttp2/nghttp2.h>
#include <json-c/json.h>
#include <uthash.h>

#define MAXREQ 65536

/* ------------------------------------------------------------------ */
/* Store                                                               */

struct version {
	uint64_t rv;
	bool deleted;
	char *json; /* full object */
	char *item; /* as a list item (== json unless built-in) */
	struct version *older;
};

struct obj {
	char *key; /* "ns/name" or "name" */
	struct version *v;
	UT_hash_handle hh;
};

struct event {
	uint64_t rv;
	struct res *res;
	const char *type;
	char *ns;
	struct version *v;
};

struct res {
	char *path, *kind, *list_kind, *api_version;
	char *prefix, *plural; /* path = prefix/plural */
	bool namespaced, builtin, served;
	struct obj *objs;
	struct obj **sorted;
	size_t n_sorted;
	bool dirty;
	int fail_code, fail_count, fail_ra;
	int cut_count;
	size_t cut_at;
	uint64_t raw_seq;
	UT_hash_handle hh;
};

struct qitem {
	char *data;
	size_t len;
	int end; /* 1: end the stream cleanly; 2: cut the connection */
	struct qitem *next;
};

/* A complete response: a list (200) or a Status. */
struct resp {
	int code;
	const char *reason;
	int retry_after;
	char *body;
	size_t len;
	size_t cut_at; /* cut the connection after this much of the body */
};

struct h2conn;

/*
 * A TCP connection (HTTP/1.1, or HTTP/2 with is_h2), or one HTTP/2 stream
 * (h2 set; fd is its connection's). Watches are conns with wres set.
 */
struct conn {
	int fd;
	gnutls_session_t tls;
	bool cert_ok;
	bool cut;
	bool is_h2;
	int wakefd; /* HTTP/2 connection: wakes its thread */
	/* watch state */
	struct res *wres;
	char *wns;
	bool bookmarks;
	struct timespec deadline;
	struct qitem *qhead, **qtail;
	struct conn *next;
	/* HTTP/2 stream */
	struct h2conn *h2;
	int32_t sid;
	char *path, *method, *auth;
	struct resp resp;
	size_t resp_off, qoff;
	bool deferred;
	char buf[MAXREQ];
	size_t have;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static struct res *resources;
static uint64_t cur_rv = 100, compacted_rv;
static struct event *evlog;
static size_t n_ev, cap_ev, ev_first; /* [ev_first, n_ev) live */
static struct conn *conns;
static char *token, *token2;
static int expire_continue;
static size_t chunk_max;
static char **reqlog;
static size_t n_reqlog, cap_reqlog;
static gnutls_certificate_credentials_t creds;
static bool use_tls, use_h2;
static unsigned long accepted, accepted_h2;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory");
	return p;
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	return s;
}

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64enc(const unsigned char *in, size_t n)
{
	char *out = xmalloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*o++ = b64chars[in[i] >> 2];
		*o++ = b64chars[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		*o++ = b64chars[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		*o++ = b64chars[in[i + 2] & 63];
	}
	if (i < n) {
		*o++ = b64chars[in[i] >> 2];
		if (i + 1 < n) {
			*o++ = b64chars[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
			*o++ = b64chars[(in[i + 1] & 15) << 2];
		} else {
			*o++ = b64chars[(in[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static char *b64dec(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = xmalloc(n + 1);
	unsigned int acc = 0;
	int bits = 0;

	for (; *s && *s != '='; s++) {
		const char *c = strchr(b64chars, *s);

		if (!c || !*s) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned int)(c - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

static char *status_json(int code, const char *reason, const char *msg,
			 const char *cont)
{
	struct json_object *o = json_object_new_object(), *md;
	char *s;

	md = json_object_new_object();
	if (cont)
		json_object_object_add(md, "continue",
				       json_object_new_string(cont));
	json_object_object_add(o, "kind", json_object_new_string("Status"));
	json_object_object_add(o, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(o, "metadata", md);
	json_object_object_add(o, "status", json_object_new_string("Failure"));
	json_object_object_add(o, "message", json_object_new_string(msg));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	json_object_object_add(o, "code", json_object_new_int(code));
	s = xstrdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

static struct res *res_find(const char *path)
{
	struct res *r;

	HASH_FIND_STR(resources, path, r);
	return r;
}

static int cmp_obj(const void *a, const void *b)
{
	return strcmp((*(struct obj *const *)a)->key,
		      (*(struct obj *const *)b)->key);
}

static void res_sort(struct res *r)
{
	struct obj *o, *tmp;
	size_t n = 0;

	if (!r->dirty)
		return;
	free(r->sorted);
	r->sorted = xmalloc(HASH_COUNT(r->objs) * sizeof(*r->sorted));
	HASH_ITER (hh, r->objs, o, tmp)
		r->sorted[n++] = o;
	qsort(r->sorted, n, sizeof(*r->sorted), cmp_obj);
	r->n_sorted = n;
	r->dirty = false;
}

static void qpush(struct conn *c, char *data, size_t len, int end)
{
	struct qitem *q = xmalloc(sizeof(*q));

	q->data = data;
	q->len = len;
	q->end = end;
	q->next = NULL;
	*c->qtail = q;
	c->qtail = &q->next;
	if (c->h2) {
		uint64_t one = 1;

		if (write(c->wakefd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			die("eventfd: %s", strerror(errno));
	}
}

static char *event_line(const char *type, const char *obj, size_t *len)
{
	char *s = xasprintf("{\"type\":\"%s\",\"object\":%s}\n", type, obj);

	*len = strlen(s);
	return s;
}

static void qpush_event(struct conn *c, const char *type, const char *obj)
{
	size_t len;
	char *line = event_line(type, obj, &len);

	qpush(c, line, len, 0);
}

static bool ns_match(struct conn *c, const char *ns)
{
	return !c->wns || (ns && !strcmp(c->wns, ns));
}

/* Append to the log and queue to matching watches. Locked. */
static void emit(struct res *r, const char *type, const char *ns,
		 struct version *v)
{
	struct conn *c;

	if (n_ev == cap_ev) {
		cap_ev = cap_ev ? 2 * cap_ev : 1024;
		evlog = realloc(evlog, cap_ev * sizeof(*evlog));
		if (!evlog)
			die("out of memory");
	}
	evlog[n_ev].rv = v->rv;
	evlog[n_ev].res = r;
	evlog[n_ev].type = type;
	evlog[n_ev].ns = ns ? xstrdup(ns) : NULL;
	evlog[n_ev].v = v;
	n_ev++;
	for (c = conns; c; c = c->next) {
		size_t len;
		char *line;

		if (c->wres != r || !ns_match(c, ns))
			continue;
		line = event_line(type, v->json, &len);
		qpush(c, line, len, 0);
	}
	pthread_cond_broadcast(&cv);
}

/*
 * Set metadata.resourceVersion (and uid, creationTimestamp if missing) and
 * serialise, full and as a list item.
 */
static void finish_version(struct res *r, struct json_object *o,
			   struct version *v)
{
	struct json_object *md, *t;
	char rv[32];

	snprintf(rv, sizeof(rv), "%llu", (unsigned long long)v->rv);
	json_object_object_get_ex(o, "metadata", &md);
	json_object_object_add(md, "resourceVersion",
			       json_object_new_string(rv));
	if (!json_object_object_get_ex(md, "uid", &t)) {
		char uid[64];

		snprintf(uid, sizeof(uid), "6b1f0c2e-%04llx-4d3a-9c1e-%012llx",
			 (unsigned long long)(v->rv & 0xffff),
			 (unsigned long long)v->rv);
		json_object_object_add(md, "uid", json_object_new_string(uid));
	}
	if (!json_object_object_get_ex(md, "creationTimestamp", &t))
		json_object_object_add(
			md, "creationTimestamp",
			json_object_new_string("2026-11-27T09:00:00Z"));
	if (!json_object_object_get_ex(o, "kind", &t))
		json_object_object_add(o, "kind",
				       json_object_new_string(r->kind));
	if (!json_object_object_get_ex(o, "apiVersion", &t))
		json_object_object_add(o, "apiVersion",
				       json_object_new_string(r->api_version));
	v->json = xstrdup(json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (r->builtin) {
		json_object_object_del(o, "kind");
		json_object_object_del(o, "apiVersion");
		v->item = xstrdup(json_object_to_json_string_ext(
			o, JSON_C_TO_STRING_PLAIN |
				   JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		v->item = v->json;
	}
}

static int obj_key(struct res *r, struct json_object *o, char *key,
		   size_t keylen, const char **ns_out)
{
	struct json_object *md, *n, *ns = NULL;

	if (!json_object_object_get_ex(o, "metadata", &md) ||
	    !json_object_object_get_ex(md, "name", &n))
		return -1;
	json_object_object_get_ex(md, "namespace", &ns);
	if (r->namespaced != !!ns)
		return -1;
	*ns_out = ns ? json_object_get_string(ns) : NULL;
	if (ns)
		snprintf(key, keylen, "%s/%s", json_object_get_string(ns),
			 json_object_get_string(n));
	else
		snprintf(key, keylen, "%s", json_object_get_string(n));
	return 0;
}

/* put: returns the type or an error message. Locked. */
static const char *do_put(struct res *r, const char *json, uint64_t *rv_out)
{
	struct json_object *o = json_tokener_parse(json);
	struct version *v;
	struct obj *ob;
	const char *ns, *type;
	char key[512];

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return "err not a JSON object";
	}
	if (obj_key(r, o, key, sizeof(key), &ns)) {
		json_object_put(o);
		return "err no metadata.name, or namespace does not match the resource's scope";
	}
	HASH_FIND_STR(r->objs, key, ob);
	if (!ob) {
		ob = xmalloc(sizeof(*ob));
		ob->key = xstrdup(key);
		ob->v = NULL;
		HASH_ADD_KEYPTR(hh, r->objs, ob->key, strlen(ob->key), ob);
		r->dirty = true;
	}
	type = ob->v && !ob->v->deleted ? "MODIFIED" : "ADDED";
	v = xmalloc(sizeof(*v));
	v->rv = ++cur_rv;
	v->deleted = false;
	v->older = ob->v;
	ob->v = v;
	finish_version(r, o, v);
	json_object_put(o);
	emit(r, type, ns, v);
	*rv_out = v->rv;
	return type;
}

static const char *do_delete(struct res *r, const char *key, uint64_t *rv_out)
{
	struct json_object *o;
	struct version *v;
	struct obj *ob;
	const char *slash = strchr(key, '/');
	char *ns = NULL;

	HASH_FIND_STR(r->objs, key, ob);
	if (!ob || !ob->v || ob->v->deleted)
		return "err not found";
	o = json_tokener_parse(ob->v->json);
	v = xmalloc(sizeof(*v));
	v->rv = ++cur_rv;
	v->deleted = true;
	v->older = ob->v;
	ob->v = v;
	finish_version(r, o, v);
	json_object_put(o);
	if (slash)
		ns = strndup(key, (size_t)(slash - key));
	emit(r, "DELETED", ns, v);
	free(ns);
	*rv_out = v->rv;
	return "ok";
}

/* The version of @o visible at snapshot @s, or NULL. */
static struct version *at(struct obj *o, uint64_t s)
{
	struct version *v;

	for (v = o->v; v; v = v->older)
		if (v->rv <= s)
			return v->deleted ? NULL : v;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Connections                                                         */

static int cwrite(struct conn *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w;

		if (use_tls) {
			w = gnutls_record_send(c->tls, p, n);
			if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
				continue;
		} else {
			w = send(c->fd, p, n, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int cchunk(struct conn *c, const char *p, size_t n)
{
	while (n) {
		size_t m = chunk_max && chunk_max < n ? chunk_max : n;
		char hdr[32];
		int h = snprintf(hdr, sizeof(hdr), "%zx\r\n", m);

		if (cwrite(c, hdr, (size_t)h) || cwrite(c, p, m) ||
		    cwrite(c, "\r\n", 2))
			return -1;
		p += m;
		n -= m;
	}
	return 0;
}

static void resp_status(struct resp *rp, int code, const char *reason,
			const char *msg, const char *cont, int retry_after)
{
	rp->cut_at = 0;
	rp->code = code;
	rp->reason = reason;
	rp->retry_after = retry_after;
	rp->body = status_json(code, reason, msg, cont);
	rp->len = strlen(rp->body);
}

static const char chunked_hdr[] =
	"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	"Cache-Control: no-cache, private\r\nTransfer-Encoding: chunked\r\n\r\n";

/* HTTP/1.1: a list in 64 KiB chunks, a Status with a length. */
static int h1_send(struct conn *c, struct resp *rp)
{
	char *hdr, ra[64] = "";
	size_t i;
	int rc = 0;

	if (rp->code == 200 && rp->cut_at && rp->cut_at < rp->len) {
		/* part of the body, then the connection goes */
		if (!cwrite(c, chunked_hdr, sizeof(chunked_hdr) - 1))
			cchunk(c, rp->body, rp->cut_at);
		rc = -1;
	} else if (rp->code == 200) {
		rc = cwrite(c, chunked_hdr, sizeof(chunked_hdr) - 1);
		for (i = 0; !rc && i < rp->len; i += 1 << 16)
			rc = cchunk(c, rp->body + i,
				    rp->len - i < (1 << 16) ? rp->len - i
							    : 1 << 16);
		if (!rc)
			rc = cwrite(c, "0\r\n\r\n", 5);
	} else {
		if (rp->retry_after)
			snprintf(ra, sizeof(ra), "Retry-After: %d\r\n",
				 rp->retry_after);
		hdr = xasprintf(
			"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n%sContent-Length: %zu\r\n\r\n",
			rp->code, rp->reason, ra, rp->len);
		rc = cwrite(c, hdr, strlen(hdr)) ||
		     cwrite(c, rp->body, rp->len);
		free(hdr);
	}
	free(rp->body);
	rp->body = NULL;
	return rc ? -1 : 0;
}

struct qs {
	char *watch, *rv, *rvm, *limit, *cont, *bookmarks, *timeout;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static char *urldecode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			*o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
			continue;
		}
		*o++ = s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return out;
}

static void parse_qs(const char *q, struct qs *qs)
{
	memset(qs, 0, sizeof(*qs));
	while (q && *q) {
		const char *amp = strchr(q, '&'), *eq;
		size_t n = amp ? (size_t)(amp - q) : strlen(q);
		char **dst = NULL;

		eq = memchr(q, '=', n);
		if (eq) {
			size_t kl = (size_t)(eq - q);

#define KEY(name, field)                                 \
	if (kl == strlen(name) && !strncmp(q, name, kl)) \
		dst = &qs->field;
			KEY("watch", watch)
			KEY("resourceVersion", rv)
			KEY("resourceVersionMatch", rvm)
			KEY("limit", limit)
			KEY("continue", cont)
			KEY("allowWatchBookmarks", bookmarks)
			KEY("timeoutSeconds", timeout)
#undef KEY
			if (dst) {
				free(*dst);
				*dst = urldecode(eq + 1, n - kl - 1);
			}
		}
		q = amp ? amp + 1 : NULL;
	}
}

static void free_qs(struct qs *qs)
{
	free(qs->watch);
	free(qs->rv);
	free(qs->rvm);
	free(qs->limit);
	free(qs->cont);
	free(qs->bookmarks);
	free(qs->timeout);
}

/* Which resource a path names; *ns set for namespaced paths. Locked. */
static struct res *route(const char *path, char **ns)
{
	struct res *r, *tmp;

	*ns = NULL;
	r = res_find(path);
	if (r)
		return r;
	HASH_ITER (hh, resources, r, tmp) {
		size_t pl = strlen(r->prefix);
		const char *p = path, *slash;

		if (!r->namespaced || strncmp(p, r->prefix, pl) ||
		    strncmp(p + pl, "/namespaces/", 12))
			continue;
		p += pl + 12;
		slash = strchr(p, '/');
		if (!slash || strcmp(slash + 1, r->plural))
			continue;
		*ns = strndup(p, (size_t)(slash - p));
		return r;
	}
	return NULL;
}

static const char expired_continue[] =
	"The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

/* A list page (or the Status refusing it). Locked. */
static void build_list(struct res *r, const char *ns, struct qs *qs,
		       struct resp *rp)
{
	uint64_t snap;
	size_t lim = qs->limit ? strtoul(qs->limit, NULL, 10) : 0, i, lo, hi,
	       n = 0, blen, bcap = 1 << 16;
	char *start = NULL, *head, *buf, *next_cont = NULL;
	bool first = true, more = false;
	char last[512] = "";

	if (qs->cont && *qs->cont) {
		char *dec = b64dec(qs->cont);
		struct json_object *t = dec ? json_tokener_parse(dec) : NULL,
				   *x;

		free(dec);
		if (qs->rv && *qs->rv && strcmp(qs->rv, "0")) {
			json_object_put(t);
			resp_status(
				rp, 400, "BadRequest",
				"specifying resource version is not allowed when using continue",
				NULL, 0);
			return;
		}
		if (!t || !json_object_object_get_ex(t, "rv", &x)) {
			json_object_put(t);
			resp_status(rp, 400, "BadRequest",
				    "continue key is not valid", NULL, 0);
			return;
		}
		snap = (uint64_t)json_object_get_int64(x);
		json_object_object_get_ex(t, "start", &x);
		start = xstrdup(json_object_get_string(x));
		json_object_put(t);
		if (expire_continue > 0 || snap < compacted_rv) {
			if (expire_continue > 0)
				expire_continue--;
			free(start);
			resp_status(rp, 410, "Expired", expired_continue,
				    "inconsistent", 0);
			return;
		}
	} else {
		if (qs->rvm && (!qs->rv || !*qs->rv)) {
			resp_status(
				rp, 400, "BadRequest",
				"resourceVersionMatch is forbidden unless resourceVersion is provided",
				NULL, 0);
			return;
		}
		if (qs->rvm && strcmp(qs->rvm, "NotOlderThan") &&
		    strcmp(qs->rvm, "Exact")) {
			resp_status(
				rp, 400, "BadRequest",
				"resourceVersionMatch must be NotOlderThan or Exact",
				NULL, 0);
			return;
		}
		snap = cur_rv;
		if (qs->rv && *qs->rv && strcmp(qs->rv, "0")) {
			uint64_t want = strtoull(qs->rv, NULL, 10);
			bool exact = qs->rvm ? !strcmp(qs->rvm, "Exact")
					     : lim > 0;

			if (exact && want < compacted_rv) {
				resp_status(rp, 410, "Expired",
					    "too old resource version", NULL,
					    0);
				return;
			}
			if (exact) {
				snap = want;
			} else if (want > cur_rv) {
				resp_status(rp, 504, "Timeout",
					    "Too large resource version", NULL,
					    0);
				return;
			}
		} else if (qs->rvm && !strcmp(qs->rvm, "Exact")) {
			resp_status(
				rp, 400, "BadRequest",
				"resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"",
				NULL, 0);
			return;
		}
	}
	res_sort(r);
	lo = 0;
	hi = r->n_sorted;
	while (start && lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(r->sorted[mid]->key, start) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	free(start);
	/* room for the head, written last at the front */
	buf = xmalloc(bcap);
	blen = 1024;
	for (i = lo; i < r->n_sorted; i++) {
		struct obj *o = r->sorted[i];
		struct version *v = at(o, snap);
		size_t len;

		if (!v)
			continue;
		if (ns && (strncmp(o->key, ns, strlen(ns)) ||
			   o->key[strlen(ns)] != '/'))
			continue;
		if (lim && n == lim) {
			more = true;
			break;
		}
		len = strlen(v->item);
		while (blen + len + 3 > bcap) {
			bcap *= 2;
			buf = realloc(buf, bcap);
			if (!buf)
				die("out of memory");
		}
		if (!first)
			buf[blen++] = ',';
		memcpy(buf + blen, v->item, len);
		blen += len;
		first = false;
		n++;
		snprintf(last, sizeof(last), "%s", o->key);
	}
	memcpy(buf + blen, "]}", 2);
	blen += 2;
	if (more) {
		struct json_object *t = json_object_new_object();
		const char *js;

		json_object_object_add(
			t, "v", json_object_new_string("meta.k8s.io/v1"));
		json_object_object_add(t, "rv",
				       json_object_new_int64((int64_t)snap));
		json_object_object_add(t, "start",
				       json_object_new_string(last));
		js = json_object_to_json_string_ext(
			t, JSON_C_TO_STRING_PLAIN |
				   JSON_C_TO_STRING_NOSLASHESCAPE);
		next_cont = b64enc((const unsigned char *)js, strlen(js));
		json_object_put(t);
	}
	head = xasprintf(
		"{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%llu\"%s%s%s},\"items\":[",
		r->list_kind, r->api_version, (unsigned long long)snap,
		next_cont ? ",\"continue\":\"" : "", next_cont ? next_cont : "",
		next_cont ? "\"" : "");
	free(next_cont);
	if (strlen(head) > 1024)
		die("list head too long");
	memcpy(buf + 1024 - strlen(head), head, strlen(head));
	rp->cut_at = 0;
	rp->code = 200;
	rp->reason = "OK";
	rp->retry_after = 0;
	rp->len = blen - (1024 - strlen(head));
	rp->body = xmalloc(rp->len);
	memcpy(rp->body, buf + 1024 - strlen(head), rp->len);
	free(buf);
	free(head);
}

/*
 * Register @c as a watch of @r and queue what it must see first: the
 * events after resourceVersion, a synthetic ADDED per object (unset or
 * "0"), or ERROR 410 (compacted). Locked.
 */
static void watch_begin(struct conn *c, struct res *r, char *ns, struct qs *qs)
{
	bool from_now = !qs->rv || !*qs->rv || !strcmp(qs->rv, "0");
	uint64_t from = from_now ? 0 : strtoull(qs->rv, NULL, 10);
	size_t i;

	c->deadline.tv_sec = 0;
	if (qs->timeout) {
		clock_gettime(CLOCK_MONOTONIC, &c->deadline);
		c->deadline.tv_sec += strtol(qs->timeout, NULL, 10);
	}
	c->wres = r;
	c->wns = ns;
	c->bookmarks = qs->bookmarks && !strcmp(qs->bookmarks, "true");
	c->qhead = NULL;
	c->qtail = &c->qhead;
	if (!from_now && from < compacted_rv) {
		char *st = xasprintf("too old resource version: %llu (%llu)",
				     (unsigned long long)from,
				     (unsigned long long)compacted_rv);
		char *sj = status_json(410, "Expired", st, NULL);

		qpush_event(c, "ERROR", sj);
		qpush(c, NULL, 0, 1);
		free(st);
		free(sj);
	} else if (from_now) {
		res_sort(r);
		for (i = 0; i < r->n_sorted; i++) {
			struct version *v = at(r->sorted[i], cur_rv);

			if (!v)
				continue;
			if (ns && (strncmp(r->sorted[i]->key, ns, strlen(ns)) ||
				   r->sorted[i]->key[strlen(ns)] != '/'))
				continue;
			qpush_event(c, "ADDED", v->json);
		}
	} else {
		for (i = ev_first; i < n_ev; i++) {
			struct event *e = &evlog[i];

			if (e->rv <= from || e->res != r || !ns_match(c, e->ns))
				continue;
			qpush_event(c, e->type, e->v->json);
		}
	}
}

static bool expired(const struct timespec *d)
{
	struct timespec now;

	if (!d->tv_sec)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > d->tv_sec ||
	       (now.tv_sec == d->tv_sec && now.tv_nsec >= d->tv_nsec);
}

static void watch_end(struct conn *c)
{
	while (c->qhead) {
		struct qitem *q = c->qhead;

		c->qhead = q->next;
		free(q->data);
		free(q);
	}
	c->qtail = &c->qhead;
	c->wres = NULL;
	free(c->wns);
	c->wns = NULL;
}

/* HTTP/1.1 watch: one chunk per event until the end, a timeout or a cut. */
static int h1_watch(struct conn *c, struct res *r, char *ns, struct qs *qs)
{
	int rc = 0;

	if (cwrite(c, chunked_hdr, sizeof(chunked_hdr) - 1)) {
		free(ns);
		return -1;
	}
	pthread_mutex_lock(&mu);
	watch_begin(c, r, ns, qs);
	for (;;) {
		struct qitem *q;

		while (!c->qhead && !c->cut && !expired(&c->deadline)) {
			if (c->deadline.tv_sec)
				pthread_cond_timedwait(&cv, &mu, &c->deadline);
			else
				pthread_cond_wait(&cv, &mu);
		}
		if (c->cut) {
			rc = -1;
			break;
		}
		q = c->qhead;
		if (!q) { /* timeoutSeconds */
			pthread_mutex_unlock(&mu);
			rc = cwrite(c, "0\r\n\r\n", 5);
			pthread_mutex_lock(&mu);
			break;
		}
		c->qhead = q->next;
		if (!c->qhead)
			c->qtail = &c->qhead;
		pthread_mutex_unlock(&mu);
		if (q->end == 1)
			rc = cwrite(c, "0\r\n\r\n", 5);
		else if (q->end == 2)
			rc = -1;
		else
			rc = cchunk(c, q->data, q->len);
		pthread_mutex_lock(&mu);
		free(q->data);
		if (q->end || rc) {
			free(q);
			break;
		}
		free(q);
	}
	watch_end(c);
	pthread_mutex_unlock(&mu);
	return rc;
}

static bool token_ok(const char *auth, size_t alen)
{
	const char *const toks[] = { token, token2 };
	size_t i;

	for (i = 0; i < 2; i++)
		if (toks[i] && auth && alen == 7 + strlen(toks[i]) &&
		    !strncmp(auth, "Bearer ", 7) &&
		    !strncmp(auth + 7, toks[i], strlen(toks[i])))
			return true;
	return false;
}

/*
 * Authenticate, log and route one request. Returns 1 with *wr (and *wns,
 * *qs) set for a watch, else 0 with *rp the complete response.
 */
static int dispatch(struct conn *c, const char *method, const char *target_in,
		    const char *auth, size_t alen, struct resp *rp,
		    struct res **wr, char **wns, struct qs *qs)
{
	char *target = xstrdup(target_in), *q, *ns = NULL;
	struct res *r;
	bool authed;

	memset(qs, 0, sizeof(*qs));
	pthread_mutex_lock(&mu);
	if (n_reqlog == cap_reqlog) {
		cap_reqlog = cap_reqlog ? 2 * cap_reqlog : 64;
		reqlog = realloc(reqlog, cap_reqlog * sizeof(*reqlog));
		if (!reqlog)
			die("out of memory");
	}
	reqlog[n_reqlog++] = xasprintf("%s %s", method, target);
	authed = c->cert_ok || token_ok(auth, alen) || (!token && !use_tls);
	if (!authed) {
		pthread_mutex_unlock(&mu);
		free(target);
		resp_status(rp, 401, "Unauthorized", "Unauthorized", NULL, 0);
		return 0;
	}
	if (strcmp(method, "GET")) {
		pthread_mutex_unlock(&mu);
		free(target);
		resp_status(rp, 405, "MethodNotAllowed", "only GET is served",
			    NULL, 0);
		return 0;
	}
	q = strchr(target, '?');
	if (q)
		*q++ = '\0';
	parse_qs(q, qs);
	r = route(target, &ns);
	free(target);
	if (r && !r->served)
		r = NULL;
	if (!r) {
		resp_status(rp, 404, "NotFound",
			    "the server could not find the requested resource",
			    NULL, 0);
	} else if (r->fail_count > 0) {
		r->fail_count--;
		resp_status(rp, r->fail_code,
			    r->fail_code == 429	  ? "TooManyRequests"
			    : r->fail_code == 403 ? "Forbidden"
						  : "InternalError",
			    "injected failure", NULL, r->fail_ra);
	} else if (qs->watch &&
		   (!strcmp(qs->watch, "true") || !strcmp(qs->watch, "1"))) {
		pthread_mutex_unlock(&mu);
		*wr = r;
		*wns = ns;
		return 1;
	} else {
		build_list(r, ns, qs, rp);
		if (rp->code == 200 && r->cut_count > 0) {
			r->cut_count--;
			rp->cut_at = r->cut_at;
		}
	}
	pthread_mutex_unlock(&mu);
	free(ns);
	free_qs(qs);
	return 0;
}

/* Read one request head; returns its length or -1. */
static ssize_t read_request(struct conn *c)
{
	for (;;) {
		char *end;
		ssize_t r;

		c->buf[c->have] = '\0';
		end = strstr(c->buf, "\r\n\r\n");
		if (end)
			return end - c->buf + 4;
		if (c->have >= MAXREQ - 1)
			return -1;
		if (use_tls) {
			r = gnutls_record_recv(c->tls, c->buf + c->have,
					       MAXREQ - 1 - c->have);
			if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
				continue;
		} else {
			r = recv(c->fd, c->buf + c->have, MAXREQ - 1 - c->have,
				 0);
			if (r < 0 && errno == EINTR)
				continue;
		}
		if (r <= 0)
			return -1;
		c->have += (size_t)r;
	}
}

static const char *header(const char *head, const char *name, size_t *len)
{
	const char *p = head;
	size_t nl = strlen(name);

	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1, *e;

			while (*v == ' ')
				v++;
			e = strstr(v, "\r\n");
			*len = e ? (size_t)(e - v) : strlen(v);
			return v;
		}
	}
	return NULL;
}

static int h1_serve(struct conn *c, char *head)
{
	char method[16], target[8192], *ns = NULL;
	const char *auth;
	size_t alen = 0;
	struct res *r = NULL;
	struct resp rp;
	struct qs qs;
	int rc;

	if (sscanf(head, "%15s %8191s", method, target) != 2)
		return -1;
	auth = header(head, "Authorization", &alen);
	if (!dispatch(c, method, target, auth, alen, &rp, &r, &ns, &qs))
		return h1_send(c, &rp);
	rc = h1_watch(c, r, ns, &qs);
	free_qs(&qs);
	return rc;
}

static void unlink_conn(struct conn *c)
{
	struct conn **pp;

	for (pp = &conns; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
}

/* ------------------------------------------------------------------ */
/* HTTP/2 (nghttp2): every stream is a struct conn on the same socket   */

struct h2conn {
	struct conn *c; /* the TCP connection */
	nghttp2_session *ng;
	int wakefd;
};

static ssize_t h2_send_cb(nghttp2_session *ng, const uint8_t *data, size_t len,
			  int flags, void *arg)
{
	struct h2conn *h = arg;

	return cwrite(h->c, (const char *)data, len)
		       ? NGHTTP2_ERR_CALLBACK_FAILURE
		       : (ssize_t)len;
}

static struct conn *h2_stream(struct h2conn *h, int32_t sid)
{
	return nghttp2_session_get_stream_user_data(h->ng, sid);
}

static int h2_begin_headers_cb(nghttp2_session *ng, const nghttp2_frame *f,
			       void *arg)
{
	struct h2conn *h = arg;
	struct conn *s;

	if (f->hd.type != NGHTTP2_HEADERS ||
	    f->headers.cat != NGHTTP2_HCAT_REQUEST)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		die("out of memory");
	s->fd = h->c->fd;
	s->wakefd = h->wakefd;
	s->h2 = h;
	s->sid = f->hd.stream_id;
	s->cert_ok = h->c->cert_ok;
	s->qtail = &s->qhead;
	pthread_mutex_lock(&mu);
	s->next = conns;
	conns = s;
	pthread_mutex_unlock(&mu);
	nghttp2_session_set_stream_user_data(ng, f->hd.stream_id, s);
	return 0;
}

static int h2_header_cb(nghttp2_session *ng, const nghttp2_frame *f,
			const uint8_t *name, size_t nlen, const uint8_t *value,
			size_t vlen, uint8_t flags, void *arg)
{
	struct conn *s = h2_stream(arg, f->hd.stream_id);

	if (!s)
		return 0;
	if (nlen == 5 && !memcmp(name, ":path", 5)) {
		free(s->path);
		s->path = strndup((const char *)value, vlen);
	} else if (nlen == 7 && !memcmp(name, ":method", 7)) {
		free(s->method);
		s->method = strndup((const char *)value, vlen);
	} else if (nlen == 13 && !memcmp(name, "authorization", 13)) {
		free(s->auth);
		s->auth = strndup((const char *)value, vlen);
	}
	return 0;
}

/* DATA for a finished response held in memory. */
static ssize_t h2_read_resp(nghttp2_session *ng, int32_t sid, uint8_t *buf,
			    size_t len, uint32_t *flags,
			    nghttp2_data_source *src, void *arg)
{
	struct conn *s = src->ptr;
	size_t n = s->resp.len - s->resp_off;

	if (s->resp.cut_at && s->resp_off >= s->resp.cut_at)
		return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; /* RST_STREAM */
	if (s->resp.cut_at && n > s->resp.cut_at - s->resp_off)
		n = s->resp.cut_at - s->resp_off;
	if (n > len)
		n = len;
	if (chunk_max && n > chunk_max)
		n = chunk_max;
	memcpy(buf, s->resp.body + s->resp_off, n);
	s->resp_off += n;
	if (s->resp_off == s->resp.len)
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

/* DATA of a watch: its queue; deferred while it is empty. */
static ssize_t h2_read_watch(nghttp2_session *ng, int32_t sid, uint8_t *buf,
			     size_t len, uint32_t *flags,
			     nghttp2_data_source *src, void *arg)
{
	struct conn *s = src->ptr;
	struct qitem *q;
	ssize_t ret;
	size_t n;

	pthread_mutex_lock(&mu);
	q = s->qhead;
	if (!q) {
		if (expired(&s->deadline)) {
			*flags |= NGHTTP2_DATA_FLAG_EOF;
			ret = 0;
		} else {
			s->deferred = true;
			ret = NGHTTP2_ERR_DEFERRED;
		}
	} else if (q->end == 2) {
		ret = NGHTTP2_ERR_CALLBACK_FAILURE;
	} else if (q->end == 1) {
		*flags |= NGHTTP2_DATA_FLAG_EOF;
		ret = 0;
	} else {
		n = q->len - s->qoff;
		if (n > len)
			n = len;
		if (chunk_max && n > chunk_max)
			n = chunk_max;
		memcpy(buf, q->data + s->qoff, n);
		s->qoff += n;
		ret = (ssize_t)n;
	}
	if (q && (q->end || s->qoff == q->len)) {
		s->qhead = q->next;
		if (!s->qhead)
			s->qtail = &s->qhead;
		s->qoff = 0;
		free(q->data);
		free(q);
	}
	pthread_mutex_unlock(&mu);
	return ret;
}

static void h2_respond(struct h2conn *h, struct conn *s, int code,
		       int retry_after, nghttp2_data_source_read_callback rd)
{
	char status[8], ra[16];
	nghttp2_nv nv[4];
	nghttp2_data_provider prd = { .source.ptr = s, .read_callback = rd };
	size_t n = 0;

#define NV(k, v)                                                           \
	nv[n++] = (nghttp2_nv){ (uint8_t *)(k), (uint8_t *)(v), strlen(k), \
				strlen(v), NGHTTP2_NV_FLAG_NONE }
	snprintf(status, sizeof(status), "%d", code);
	NV(":status", status);
	NV("content-type", "application/json");
	NV("cache-control", "no-cache, private");
	if (retry_after) {
		snprintf(ra, sizeof(ra), "%d", retry_after);
		NV("retry-after", ra);
	}
#undef NV
	nghttp2_submit_response(h->ng, s->sid, nv, n, &prd);
}

static void h2_request(struct h2conn *h, struct conn *s)
{
	struct res *r = NULL;
	char *ns = NULL;
	struct qs qs;

	if (!dispatch(s, s->method ? s->method : "GET", s->path ? s->path : "/",
		      s->auth, s->auth ? strlen(s->auth) : 0, &s->resp, &r, &ns,
		      &qs)) {
		h2_respond(h, s, s->resp.code, s->resp.retry_after,
			   h2_read_resp);
		return;
	}
	pthread_mutex_lock(&mu);
	watch_begin(s, r, ns, &qs);
	pthread_mutex_unlock(&mu);
	free_qs(&qs);
	h2_respond(h, s, 200, 0, h2_read_watch);
}

static int h2_frame_recv_cb(nghttp2_session *ng, const nghttp2_frame *f,
			    void *arg)
{
	struct conn *s;

	if ((f->hd.type != NGHTTP2_HEADERS && f->hd.type != NGHTTP2_DATA) ||
	    !(f->hd.flags & NGHTTP2_FLAG_END_STREAM))
		return 0;
	s = h2_stream(arg, f->hd.stream_id);
	if (s)
		h2_request(arg, s);
	return 0;
}

static void h2_free_stream(struct conn *s)
{
	watch_end(s);
	unlink_conn(s);
	free(s->path);
	free(s->method);
	free(s->auth);
	free(s->resp.body);
	free(s);
}

static int h2_stream_close_cb(nghttp2_session *ng, int32_t sid,
			      uint32_t error_code, void *arg)
{
	struct conn *s = h2_stream(arg, sid);

	if (!s)
		return 0;
	nghttp2_session_set_stream_user_data(ng, sid, NULL);
	pthread_mutex_lock(&mu);
	h2_free_stream(s);
	pthread_mutex_unlock(&mu);
	return 0;
}

/* Serve HTTP/2 on @c until the client goes or the connection is cut. */
static void h2_serve(struct conn *c)
{
	nghttp2_session_callbacks *cbs;
	nghttp2_settings_entry iv = { NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS,
				      1000 };
	struct h2conn h = { .c = c };
	struct conn *s, *next;
	uint8_t buf[1 << 16];

	h.wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c->wakefd = h.wakefd;
	nghttp2_session_callbacks_new(&cbs);
	nghttp2_session_callbacks_set_send_callback(cbs, h2_send_cb);
	nghttp2_session_callbacks_set_on_begin_headers_callback(
		cbs, h2_begin_headers_cb);
	nghttp2_session_callbacks_set_on_header_callback(cbs, h2_header_cb);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs,
							     h2_frame_recv_cb);
	nghttp2_session_callbacks_set_on_stream_close_callback(
		cbs, h2_stream_close_cb);
	nghttp2_session_server_new(&h.ng, cbs, &h);
	nghttp2_session_callbacks_del(cbs);
	nghttp2_submit_settings(h.ng, NGHTTP2_FLAG_NONE, &iv, 1);
	for (;;) {
		struct pollfd pfd[2] = { { .fd = c->fd, .events = POLLIN },
					 { .fd = h.wakefd, .events = POLLIN } };
		int timeout = -1;
		uint64_t ev;
		ssize_t n;

		/* resume watches with something to send or a timeout due */
		pthread_mutex_lock(&mu);
		for (s = conns; s; s = s->next) {
			if (s->h2 != &h || !s->wres)
				continue;
			if (s->deferred &&
			    (s->qhead || expired(&s->deadline))) {
				s->deferred = false;
				nghttp2_session_resume_data(h.ng, s->sid);
			}
			if (s->deadline.tv_sec && timeout < 0)
				timeout = 100;
		}
		if (c->cut) {
			pthread_mutex_unlock(&mu);
			break;
		}
		pthread_mutex_unlock(&mu);
		if (nghttp2_session_send(h.ng))
			break;
		if (!nghttp2_session_want_read(h.ng) &&
		    !nghttp2_session_want_write(h.ng))
			break;
		if (!gnutls_record_check_pending(c->tls) &&
		    poll(pfd, 2, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN)
			n = read(h.wakefd, &ev, sizeof(ev));
		if (!gnutls_record_check_pending(c->tls) &&
		    !(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = gnutls_record_recv(c->tls, buf, sizeof(buf));
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0 ||
		    nghttp2_session_mem_recv(h.ng, buf, (size_t)n) < 0)
			break;
	}
	nghttp2_session_del(h.ng);
	pthread_mutex_lock(&mu);
	for (s = conns; s; s = next) {
		next = s->next;
		if (s->h2 == &h)
			h2_free_stream(s);
	}
	c->wakefd = -1;
	pthread_mutex_unlock(&mu);
	close(h.wakefd);
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	bool h2 = false;

	if (use_tls) {
		int r;
		unsigned int status;
		gnutls_datum_t alpn[2] = { { (unsigned char *)"h2", 2 },
					   { (unsigned char *)"http/1.1", 8 } };
		gnutls_datum_t sel;

		gnutls_init(&c->tls, GNUTLS_SERVER);
		gnutls_set_default_priority(c->tls);
		gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, creds);
		gnutls_certificate_server_set_request(c->tls,
						      GNUTLS_CERT_REQUEST);
		if (use_h2)
			gnutls_alpn_set_protocols(
				c->tls, alpn, 2, GNUTLS_ALPN_SERVER_PRECEDENCE);
		else
			gnutls_alpn_set_protocols(c->tls, &alpn[1], 1, 0);
		gnutls_transport_set_int(c->tls, c->fd);
		do
			r = gnutls_handshake(c->tls);
		while (r < 0 && !gnutls_error_is_fatal(r));
		if (r < 0)
			goto out;
		if (gnutls_certificate_get_peers(c->tls, &status) &&
		    gnutls_certificate_verify_peers2(c->tls, &status) == 0 &&
		    status == 0)
			c->cert_ok = true;
		if (!gnutls_alpn_get_selected_protocol(c->tls, &sel) &&
		    sel.size == 2 && !memcmp(sel.data, "h2", 2))
			h2 = true;
		pthread_mutex_lock(&mu);
		accepted_h2 += h2;
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	c->is_h2 = h2;
	pthread_mutex_unlock(&mu);
	if (h2) {
		h2_serve(c);
		goto out;
	}
	for (;;) {
		ssize_t n = read_request(c);

		if (n < 0)
			break;
		if (h1_serve(c, c->buf))
			break;
		memmove(c->buf, c->buf + n, c->have - (size_t)n);
		c->have -= (size_t)n;
	}
out:
	pthread_mutex_lock(&mu);
	unlink_conn(c);
	pthread_mutex_unlock(&mu);
	if (use_tls)
		gnutls_deinit(c->tls);
	close(c->fd);
	free(c);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Certificates                                                        */

static void check(int r, const char *what)
{
	if (r < 0)
		die("%s: %s", what, gnutls_strerror(r));
}

static void write_datum(const char *dir, const char *name, gnutls_datum_t *d)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	if (!f || fwrite(d->data, 1, d->size, f) != d->size || fclose(f))
		die("%s: %s", p, strerror(errno));
	free(p);
	gnutls_free(d->data);
}

static void make_key(gnutls_x509_privkey_t *k)
{
	check(gnutls_x509_privkey_init(k), "privkey_init");
	check(gnutls_x509_privkey_generate(
		      *k, GNUTLS_PK_ECDSA,
		      GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
	      "privkey_generate");
}

static gnutls_x509_crt_t make_crt(const char *dn, gnutls_x509_privkey_t key,
				  unsigned int serial)
{
	gnutls_x509_crt_t c;
	unsigned char ser[4] = { 0, 0, (unsigned char)(serial >> 8),
				 (unsigned char)serial };
	const char *err;
	time_t now = time(NULL);

	check(gnutls_x509_crt_init(&c), "crt_init");
	check(gnutls_x509_crt_set_version(c, 3), "set_version");
	check(gnutls_x509_crt_set_serial(c, ser, sizeof(ser)), "set_serial");
	check(gnutls_x509_crt_set_activation_time(c, now - 3600), "activation");
	check(gnutls_x509_crt_set_expiration_time(c, now + 7 * 86400),
	      "expiration");
	check(gnutls_x509_crt_set_dn(c, dn, &err), "set_dn");
	check(gnutls_x509_crt_set_key(c, key), "set_key");
	return c;
}

static gnutls_x509_crt_t make_ca(const char *dn, gnutls_x509_privkey_t *key,
				 unsigned int serial)
{
	gnutls_x509_crt_t c;

	make_key(key);
	c = make_crt(dn, *key, serial);
	check(gnutls_x509_crt_set_basic_constraints(c, 1, -1), "ca bc");
	check(gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_KEY_CERT_SIGN |
						       GNUTLS_KEY_CRL_SIGN),
	      "ca ku");
	check(gnutls_x509_crt_sign2(c, c, *key, GNUTLS_DIG_SHA256, 0),
	      "ca sign");
	return c;
}

static void leaf(const char *dir, const char *name, const char *dn, bool server,
		 gnutls_x509_crt_t ca, gnutls_x509_privkey_t cakey,
		 unsigned int serial)
{
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t c;
	gnutls_datum_t d;
	unsigned char ip[4] = { 127, 0, 0, 1 };
	char *n;

	make_key(&key);
	c = make_crt(dn, key, serial);
	check(gnutls_x509_crt_set_basic_constraints(c, 0, -1), "bc");
	check(gnutls_x509_crt_set_key_usage(c, GNUTLS_KEY_DIGITAL_SIGNATURE),
	      "ku");
	check(gnutls_x509_crt_set_key_purpose_oid(
		      c,
		      server ? GNUTLS_KP_TLS_WWW_SERVER
			     : GNUTLS_KP_TLS_WWW_CLIENT,
		      0),
	      "purpose");
	if (server) {
		check(gnutls_x509_crt_set_subject_alt_name(
			      c, GNUTLS_SAN_DNSNAME, "localhost", 9,
			      GNUTLS_FSAN_APPEND),
		      "san dns");
		check(gnutls_x509_crt_set_subject_alt_name(
			      c, GNUTLS_SAN_IPADDRESS, ip, 4,
			      GNUTLS_FSAN_APPEND),
		      "san ip");
	}
	check(gnutls_x509_crt_sign2(c, ca, cakey, GNUTLS_DIG_SHA256, 0),
	      "sign");
	check(gnutls_x509_crt_export2(c, GNUTLS_X509_FMT_PEM, &d), "export");
	n = xasprintf("%s.crt", name);
	write_datum(dir, n, &d);
	free(n);
	check(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL,
						GNUTLS_PKCS_PLAIN, &d),
	      "export key");
	n = xasprintf("%s.key", name);
	write_datum(dir, n, &d);
	free(n);
	gnutls_x509_crt_deinit(c);
	gnutls_x509_privkey_deinit(key);
}

static void make_certs(const char *dir)
{
	gnutls_x509_privkey_t cakey, okey;
	gnutls_x509_crt_t ca, other;
	gnutls_datum_t d;
	char *p;

	ca = make_ca("CN=kube-testserver CA", &cakey, 1);
	check(gnutls_x509_crt_export2(ca, GNUTLS_X509_FMT_PEM, &d), "export");
	write_datum(dir, "ca.crt", &d);
	leaf(dir, "server", "CN=kube-apiserver", true, ca, cakey, 2);
	leaf(dir, "client", "O=system:nodes,CN=system:node:test", false, ca,
	     cakey, 3);
	other = make_ca("CN=some other CA", &okey, 4);
	check(gnutls_x509_crt_export2(other, GNUTLS_X509_FMT_PEM, &d),
	      "export");
	write_datum(dir, "other-ca.crt", &d);
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_crt_deinit(other);
	gnutls_x509_privkey_deinit(cakey);
	gnutls_x509_privkey_deinit(okey);

	check(gnutls_certificate_allocate_credentials(&creds), "creds");
	p = xasprintf("%s/ca.crt", dir);
	check(gnutls_certificate_set_x509_trust_file(creds, p,
						     GNUTLS_X509_FMT_PEM),
	      "trust");
	free(p);
	{
		char *crt = xasprintf("%s/server.crt", dir);
		char *key = xasprintf("%s/server.key", dir);

		check(gnutls_certificate_set_x509_key_file(creds, crt, key,
							   GNUTLS_X509_FMT_PEM),
		      "server key");
		free(crt);
		free(key);
	}
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */

/* N pods web-<i> in namespaces ns-<i % NS>; again: MODIFIED versions. */
static unsigned int gen_round;

static void gen_pods(unsigned long n, unsigned long nns)
{
	struct res *r = res_find("/api/v1/pods");
	unsigned long i;

	if (!nns)
		nns = 1;
	gen_round++;
	for (i = 0; i < n; i++) {
		struct version *v = xmalloc(sizeof(*v));
		struct obj *ob = xmalloc(sizeof(*ob)), *old;
		unsigned long ns = i % nns;
		const char *type;
		char *body, nsname[32];

		v->rv = ++cur_rv;
		v->deleted = false;
		v->older = NULL;
		body = xasprintf(
			"\"metadata\":{\"name\":\"web-%08lu\",\"generateName\":\"web-\",\"namespace\":\"ns-%04lu\",\"uid\":\"0b5d8a1e-%04lx-4c7e-9f0a-%012lx\",\"resourceVersion\":\"%llu\",\"creationTimestamp\":\"2026-11-27T09:00:00Z\",\"labels\":{\"app\":\"web\",\"tier\":\"frontend\",\"pod-template-hash\":\"7d4b9c8f6d\",\"shard\":\"s%02lu\",\"generation\":\"g%u\"},\"annotations\":{\"cni.projectcalico.org/podIP\":\"10.%lu.%lu.%lu/32\",\"cni.projectcalico.org/podIPs\":\"10.%lu.%lu.%lu/32\",\"kubectl.kubernetes.io/restartedAt\":\"2026-11-20T10:00:00Z\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"web-7d4b9c8f6d\",\"uid\":\"3f9e7c1a-2b4d-4e6f-8a0c-1d2e3f4a5b6c\",\"controller\":true,\"blockOwnerDeletion\":true}]},"
			"\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"registry.example.com/web:1.27.3\",\"ports\":[{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"},{\"name\":\"metrics\",\"containerPort\":9090,\"protocol\":\"TCP\"}],\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}},\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}],\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"web\",\"serviceAccount\":\"web\",\"nodeName\":\"node-%04lu\",\"securityContext\":{},\"schedulerName\":\"default-scheduler\",\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}],\"priority\":0,\"enableServiceLinks\":true,\"preemptionPolicy\":\"PreemptLowerPriority\"},"
			"\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"2026-11-27T09:00:05Z\"}],\"hostIP\":\"192.168.%lu.%lu\",\"podIP\":\"10.%lu.%lu.%lu\",\"podIPs\":[{\"ip\":\"10.%lu.%lu.%lu\"}],\"startTime\":\"2026-11-27T09:00:00Z\",\"qosClass\":\"Burstable\"}}",
			i, ns, i & 0xffff, i, (unsigned long long)v->rv, i % 16,
			gen_round, (i >> 16) & 255, (i >> 8) & 255, i & 255,
			(i >> 16) & 255, (i >> 8) & 255, i & 255, i % 1000,
			(i / 250) % 256, i % 250 + 1, (i >> 16) & 255,
			(i >> 8) & 255, i & 255, (i >> 16) & 255,
			(i >> 8) & 255, i & 255);
		v->item = xasprintf("{%s", body);
		v->json = xasprintf(
			"{\"kind\":\"Pod\",\"apiVersion\":\"v1\",%s", body);
		free(body);
		ob->key = xasprintf("ns-%04lu/web-%08lu", ns, i);
		HASH_FIND_STR(r->objs, ob->key, old);
		if (old) {
			free(ob->key);
			free(ob);
			ob = old;
			v->older = ob->v;
			type = "MODIFIED";
		} else {
			HASH_ADD_KEYPTR(hh, r->objs, ob->key, strlen(ob->key),
					ob);
			type = "ADDED";
		}
		ob->v = v;
		snprintf(nsname, sizeof(nsname), "ns-%04lu", ns);
		emit(r, type, nsname, v);
	}
	r->dirty = true;
}

static int count_watchers(struct res *r)
{
	struct conn *c;
	int n = 0;

	for (c = conns; c; c = c->next)
		if (c->wres && !c->cut && (!r || c->wres == r))
			n++;
	return n;
}

static void reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static struct res *need_res(const char *path)
{
	struct res *r = path ? res_find(path) : NULL;

	if (!r)
		reply("err unknown resource %s", path ? path : "(none)");
	return r;
}

static void cmd_resource(char *args)
{
	char path[256], kind[64], lkind[64], av[128];
	int nsd, bi;
	struct res *r;
	const char *slash;

	if (sscanf(args, "%255s %63s %63s %127s %d %d", path, kind, lkind, av,
		   &nsd, &bi) != 6 ||
	    !(slash = strrchr(path, '/'))) {
		reply("err usage: resource PATH KIND LISTKIND APIVERSION NAMESPACED BUILTIN");
		return;
	}
	r = res_find(path);
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			die("out of memory");
		r->path = xstrdup(path);
		r->kind = xstrdup(kind);
		r->list_kind = xstrdup(lkind);
		r->api_version = xstrdup(av);
		r->prefix = strndup(path, (size_t)(slash - path));
		r->plural = xstrdup(slash + 1);
		r->namespaced = nsd;
		r->builtin = bi;
		HASH_ADD_KEYPTR(hh, resources, r->path, strlen(r->path), r);
	}
	r->served = true;
	reply("ok");
}

static int cut_conns(struct res *r, bool watches_only)
{
	struct conn *c;
	int n = 0;

	for (c = conns; c; c = c->next) {
		if (r && c->wres != r)
			continue;
		if (watches_only && !c->wres)
			continue;
		c->cut = true;
		shutdown(c->fd, SHUT_RDWR);
		n++;
	}
	pthread_cond_broadcast(&cv);
	return n;
}

static void command(char *line)
{
	char *cmd = line, *args, *path, *rest;
	struct res *r;
	uint64_t rv;
	struct conn *c;
	int n;

	args = strchr(line, ' ');
	if (args)
		*args++ = '\0';
	else
		args = line + strlen(line);
	pthread_mutex_lock(&mu);
	/* PATH then the rest of the line */
	path = args;
	rest = strchr(args, ' ');
	if (rest)
		*rest++ = '\0';
	else
		rest = args + strlen(args);
	if (!*path)
		path = NULL;

	if (!strcmp(cmd, "resource")) {
		if (rest > args && rest[-1] == '\0' && *rest)
			rest[-1] = ' ';
		cmd_resource(args);
	} else if (!strcmp(cmd, "unresource")) {
		if ((r = need_res(path))) {
			r->served = false;
			cut_conns(r, true);
			reply("ok");
		}
	} else if (!strcmp(cmd, "put")) {
		if ((r = need_res(path))) {
			const char *t = do_put(r, rest, &rv);

			if (!strncmp(t, "err", 3))
				reply("%s", t);
			else
				reply("ok %llu %s", (unsigned long long)rv, t);
		}
	} else if (!strcmp(cmd, "delete")) {
		if ((r = need_res(path))) {
			const char *t = do_delete(r, rest, &rv);

			if (strcmp(t, "ok"))
				reply("%s", t);
			else
				reply("ok %llu", (unsigned long long)rv);
		}
	} else if (!strcmp(cmd, "put-raw")) {
		if ((r = need_res(path))) {
			struct obj *ob = xmalloc(sizeof(*ob));
			struct version *v = xmalloc(sizeof(*v));

			v->rv = 0;
			v->deleted = false;
			v->older = NULL;
			v->json = v->item = xstrdup(rest);
			ob->key = xasprintf("~raw-%llu",
					    (unsigned long long)++r->raw_seq);
			ob->v = v;
			HASH_ADD_KEYPTR(hh, r->objs, ob->key, strlen(ob->key),
					ob);
			r->dirty = true;
			reply("ok");
		}
	} else if (!strcmp(cmd, "load")) {
		FILE *f = path ? fopen(path, "r") : NULL;
		char *l = NULL;
		size_t cap = 0;
		int count = 0;
		bool bad = false;

		if (!f) {
			reply("err %s: %s", path ? path : "", strerror(errno));
		} else {
			while (getline(&l, &cap, f) > 0) {
				char *sp = strchr(l, ' ');

				if (l[0] == '#' || l[0] == '\n')
					continue;
				l[strcspn(l, "\n")] = '\0';
				if (!sp) {
					bad = true;
					break;
				}
				*sp = '\0';
				r = res_find(l);
				if (!r || !strncmp(do_put(r, sp + 1, &rv),
						   "err", 3)) {
					reply("err load: bad line for %s", l);
					bad = true;
					break;
				}
				count++;
			}
			free(l);
			fclose(f);
			if (!bad)
				reply("ok %d %llu", count,
				      (unsigned long long)cur_rv);
		}
	} else if (!strcmp(cmd, "gen-pods")) {
		r = res_find("/api/v1/pods");
		if (!r || !path) {
			reply("err gen-pods N [NAMESPACES] needs /api/v1/pods");
		} else {
			gen_pods(strtoul(path, NULL, 10),
				 strtoul(rest, NULL, 10));
			reply("ok %llu", (unsigned long long)cur_rv);
		}
	} else if (!strcmp(cmd, "compact")) {
		size_t i;

		compacted_rv = path ? strtoull(path, NULL, 10) : cur_rv;
		for (i = ev_first; i < n_ev && evlog[i].rv <= compacted_rv;
		     i++) {
			free(evlog[i].ns);
			evlog[i].ns = NULL;
		}
		ev_first = i;
		reply("ok %llu", (unsigned long long)compacted_rv);
	} else if (!strcmp(cmd, "bookmark")) {
		r = path ? res_find(path) : NULL;
		n = 0;
		for (c = conns; c; c = c->next) {
			char *o;

			if (!c->wres || !c->bookmarks || (r && c->wres != r))
				continue;
			o = xasprintf(
				"{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%llu\",\"creationTimestamp\":null}}",
				c->wres->kind, c->wres->api_version,
				(unsigned long long)cur_rv);
			qpush_event(c, "BOOKMARK", o);
			free(o);
			n++;
		}
		pthread_cond_broadcast(&cv);
		reply("ok %d", n);
	} else if (!strcmp(cmd, "gone")) {
		if ((r = need_res(path))) {
			char *m = xasprintf(
				"The resourceVersion for the provided watch is too old.");
			char *sj = status_json(410, "Expired", m, NULL);

			n = 0;
			for (c = conns; c; c = c->next) {
				if (c->wres != r)
					continue;
				qpush_event(c, "ERROR", sj);
				qpush(c, NULL, 0, 1);
				n++;
			}
			free(m);
			free(sj);
			pthread_cond_broadcast(&cv);
			reply("ok %d", n);
		}
	} else if (!strcmp(cmd, "drop")) {
		r = path ? res_find(path) : NULL;
		if (path && !r)
			reply("err unknown resource %s", path);
		else
			reply("ok %d", cut_conns(r, r != NULL));
	} else if (!strcmp(cmd, "inject")) {
		if ((r = need_res(path))) {
			n = 0;
			for (c = conns; c; c = c->next) {
				if (c->wres != r)
					continue;
				qpush(c, xasprintf("%s\n", rest),
				      strlen(rest) + 1, 0);
				n++;
			}
			pthread_cond_broadcast(&cv);
			reply("ok %d", n);
		}
	} else if (!strcmp(cmd, "cut-list")) {
		unsigned long bytes = 0;
		int cnt = 0;

		if ((r = need_res(path))) {
			if (sscanf(rest, "%lu %d", &bytes, &cnt) != 2 ||
			    !bytes) {
				reply("err usage: cut-list PATH BYTES N");
			} else {
				r->cut_at = bytes;
				r->cut_count = cnt;
				reply("ok");
			}
		}
	} else if (!strcmp(cmd, "fail")) {
		int code = 0, cnt = 0, ra = 0;

		if ((r = need_res(path))) {
			if (sscanf(rest, "%d %d %d", &code, &cnt, &ra) < 2) {
				reply("err usage: fail PATH CODE N [RETRY-AFTER]");
			} else {
				r->fail_code = code;
				r->fail_count = cnt;
				r->fail_ra = ra;
				reply("ok");
			}
		}
	} else if (!strcmp(cmd, "expire-continue")) {
		expire_continue = path ? atoi(path) : 1;
		reply("ok");
	} else if (!strcmp(cmd, "token")) {
		free(token);
		free(token2);
		token = path ? xstrdup(path) : NULL;
		token2 = *rest ? xstrdup(rest) : NULL;
		reply("ok");
	} else if (!strcmp(cmd, "chunk")) {
		chunk_max = path ? strtoul(path, NULL, 10) : 0;
		reply("ok");
	} else if (!strcmp(cmd, "watchers")) {
		r = path ? res_find(path) : NULL;
		if (path && !r)
			reply("err unknown resource %s", path);
		else
			reply("ok %d", count_watchers(r));
	} else if (!strcmp(cmd, "requests")) {
		size_t i;

		reply("ok %zu", n_reqlog);
		for (i = 0; i < n_reqlog; i++) {
			reply("%s", reqlog[i]);
			free(reqlog[i]);
		}
		n_reqlog = 0;
	} else if (!strcmp(cmd, "connections")) {
		reply("ok %lu %lu", accepted, accepted_h2);
	} else if (!strcmp(cmd, "rv")) {
		reply("ok %llu", (unsigned long long)cur_rv);
	} else if (!strcmp(cmd, "quit")) {
		reply("ok");
		exit(0);
	} else {
		reply("err unknown command %s", cmd);
	}
	pthread_mutex_unlock(&mu);
}

/* Commands come on stdin; EOF (the test went away) ends the server. */
static void *command_thread(void *arg)
{
	char *line = NULL;
	size_t cap = 0;

	while (getline(&line, &cap, stdin) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		command(line);
	}
	exit(0);
}

int main(int argc, char **argv)
{
	const char *tls_dir = NULL;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	pthread_condattr_t ca;
	int lfd, one = 1, port = 0, i;
	pthread_t cmd_t;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--tls-dir") && i + 1 < argc)
			tls_dir = argv[++i];
		else if (!strcmp(argv[i], "--token") && i + 1 < argc)
			token = xstrdup(argv[++i]);
		else if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--http2"))
			use_h2 = true;
		else
			die("usage: kube-testserver [--tls-dir DIR] [--token TOKEN] [--port N] [--http2]");
	}
	signal(SIGPIPE, SIG_IGN);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cv, &ca);
	if (tls_dir) {
		check(gnutls_global_init(), "gnutls_global_init");
		make_certs(tls_dir);
		use_tls = true;
	}
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 128) || getsockname(lfd, (struct sockaddr *)&sa, &sl))
		die("listen: %s", strerror(errno));
	reply("port %d", ntohs(sa.sin_port));

	if (pthread_create(&cmd_t, NULL, command_thread, NULL))
		die("pthread_create");
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		struct conn *c;
		pthread_t t;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept: %s", strerror(errno));
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (!c)
			die("out of memory");
		c->fd = fd;
		c->wakefd = -1;
		c->qtail = &c->qhead;
		pthread_mutex_lock(&mu);
		accepted++;
		c->next = conns;
		conns = c;
		pthread_mutex_unlock(&mu);
		if (pthread_create(&t, NULL, conn_thread, c))
			die("pthread_create");
		pthread_detach(t);
	}
}
