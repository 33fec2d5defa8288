// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Programmed acknowledgements (status.h, DOC: Endpoint status).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uthash.h>
#include "log.h"
#include "status.h"

struct srec {
	struct dstatus_rec r;
	bool seen;
	UT_hash_handle hh; /* by key */
	UT_hash_handle hn; /* by kernel name */
};

struct dstatus {
	struct dsync *sync;
	char *dir;
	struct srec *by_key, *by_name;
	bool cleaned;
	unsigned int write_errors;
};

struct dstatus *dstatus_new(struct dsync *sync, const char *dir)
{
	struct dstatus *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->sync = sync;
	if (dir && *dir) {
		s->dir = strdup(dir);
		if (!s->dir) {
			free(s);
			return NULL;
		}
		while (strlen(s->dir) > 1 && s->dir[strlen(s->dir) - 1] == '/')
			s->dir[strlen(s->dir) - 1] = '\0';
	}
	return s;
}

static void rec_free(struct srec *e)
{
	free(e->r.key);
	free(e->r.endpoint);
	free(e->r.ns);
	free(e->r.name);
	free(e->r.pod);
	free(e->r.iface);
	free(e);
}

void dstatus_free(struct dstatus *s)
{
	struct srec *e, *tmp;

	if (!s)
		return;
	HASH_ITER (hh, s->by_key, e, tmp) {
		HASH_DELETE(hh, s->by_key, e);
		HASH_DELETE(hn, s->by_name, e);
		rec_free(e);
	}
	free(s->dir);
	free(s);
}

static char *xstrdup(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		abort();
	return d;
}

struct json_object *dstatus_json(const struct dstatus_rec *r)
{
	struct json_object *o = json_object_new_object();
	char stamp[40];
	struct tm tm;
	time_t sec = (time_t)(r->programmed_ns / 1000000000ULL);

	gmtime_r(&sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + strlen(stamp), sizeof(stamp) - strlen(stamp), ".%03uZ",
		 (unsigned int)(r->programmed_ns % 1000000000ULL / 1000000));
	json_object_object_add(o, "endpoint",
			       json_object_new_string(r->endpoint));
	json_object_object_add(
		o, "kind", json_object_new_string(res_kind_name(r->res_kind)));
	json_object_object_add(o, "namespace", json_object_new_string(r->ns));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	if (r->pod)
		json_object_object_add(o, "pod",
				       json_object_new_string(r->pod));
	if (r->iface)
		json_object_object_add(o, "interface",
				       json_object_new_string(r->iface));
	json_object_object_add(o, "id", json_object_new_int64(r->id));
	json_object_object_add(o, "status",
			       json_object_new_string("programmed"));
	json_object_object_add(o, "generation",
			       json_object_new_int64((int64_t)r->generation));
	json_object_object_add(o, "programmedAt",
			       json_object_new_string(stamp));
	return o;
}

char *dstatus_text(const struct dstatus_rec *r)
{
	struct json_object *o = dstatus_json(r);
	char *s;

	if (asprintf(&s, "%s\n",
		     json_object_to_json_string_ext(
			     o, JSON_C_TO_STRING_PLAIN |
					JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		abort();
	json_object_put(o);
	return s;
}

/* mkdir -p of @path's parent directories (below the status directory). */
static int make_parents(char *path, size_t base)
{
	char *p;

	for (p = path + base + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			int e = -errno;

			*p = '/';
			return e;
		}
		*p = '/';
	}
	return 0;
}

static void write_file(struct dstatus *s, const struct dstatus_rec *r)
{
	char *path, *tmp, *text;
	size_t len;
	int fd, ret = 0;

	if (!s->dir)
		return;
	if (asprintf(&path, "%s/%s", s->dir, r->key) < 0 ||
	    asprintf(&tmp, "%s.tmp", path) < 0)
		abort();
	text = dstatus_text(r);
	len = strlen(text);
	if (mkdir(s->dir, 0755) && errno != EEXIST)
		ret = -errno;
	if (!ret)
		ret = make_parents(path, strlen(s->dir));
	if (!ret) {
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			ret = -errno;
		} else {
			if (write(fd, text, len) != (ssize_t)len)
				ret = -EIO;
			if (close(fd) && !ret)
				ret = -errno;
			if (!ret && rename(tmp, path))
				ret = -errno;
			if (ret)
				unlink(tmp);
		}
	}
	if (ret && s->write_errors++ < 10)
		dlog(LOG_ERR, "endpoint status %s: %s", path, strerror(-ret));
	free(text);
	free(tmp);
	free(path);
}

static void remove_file(struct dstatus *s, const char *key)
{
	char *path;

	if (!s->dir)
		return;
	if (asprintf(&path, "%s/%s", s->dir, key) < 0)
		abort();
	if (unlink(path) && errno != ENOENT)
		dlog(LOG_ERR, "endpoint status %s: %s", path, strerror(errno));
	free(path);
}

/* A key path component: what a file name can hold ('/' would nest). */
static bool key_part_ok(const char *s)
{
	return *s && strcmp(s, ".") && strcmp(s, "..") && !strchr(s, '/');
}

/* Fill a record for kernel endpoint @id / @name from the compiler. */
static struct srec *make_rec(struct dstatus *s, uint32_t id, const char *name,
			     const char *iface, uint64_t gen)
{
	struct cmp_obj_info info;
	struct res *res;
	struct srec *e;
	const char *pod = NULL;
	char *key = NULL;

	if (cmp_lookup(dsync_cmp(s->sync), SC_OBJ_ENDPOINT, id, NULL, &info))
		return NULL;
	res = info.res_name ? rset_get(dsync_rset(s->sync), info.res_kind,
				       info.ns ? info.ns : "", info.res_name)
			    : NULL;
	if (res && res->kind == RES_WEP && res->wep.pod &&
	    res->wep.orchestrator && !strcmp(res->wep.orchestrator, "k8s"))
		pod = res->wep.pod;
	if (info.res_kind == RES_HEP && info.res_name &&
	    key_part_ok(info.res_name)) {
		if (asprintf(&key, "hep/%s", info.res_name) < 0)
			abort();
	} else if (info.res_kind == RES_WEP && info.ns &&
		   key_part_ok(info.ns) && pod && key_part_ok(pod)) {
		if (asprintf(&key, "pod/%s/%s", info.ns, pod) < 0)
			abort();
	} else if (info.res_kind == RES_WEP && info.ns &&
		   key_part_ok(info.ns) && info.res_name &&
		   key_part_ok(info.res_name)) {
		if (asprintf(&key, "wep/%s/%s", info.ns, info.res_name) < 0)
			abort();
	} else {
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		abort();
	e->r.key = key;
	e->r.endpoint = xstrdup(name);
	e->r.id = id;
	e->r.res_kind = info.res_kind;
	e->r.ns = xstrdup(info.ns ? info.ns : "");
	e->r.name = xstrdup(info.res_name);
	e->r.pod = xstrdup(pod);
	e->r.iface = iface && *iface ? xstrdup(iface) : NULL;
	e->r.generation = gen;
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		e->r.programmed_ns = (uint64_t)ts.tv_sec * 1000000000ULL +
				     (uint64_t)ts.tv_nsec;
	}
	return e;
}

static void drop(struct dstatus *s, struct srec *e)
{
	remove_file(s, e->r.key);
	HASH_DELETE(hh, s->by_key, e);
	HASH_DELETE(hn, s->by_name, e);
	rec_free(e);
}

/* Endpoint @ep was (re)programmed at @gen. */
static struct srec *put(struct dstatus *s, const struct sc_endpoint *ep,
			uint64_t gen, bool changed)
{
	struct srec *old, *e;

	HASH_FIND(hn, s->by_name, ep->name, strlen(ep->name), old);
	if (old && !changed && old->r.id == ep->id)
		return old;
	e = make_rec(s, ep->id, ep->name, ep->ifname,
		     old && !changed ? old->r.generation : gen);
	if (!e)
		return NULL;
	if (old) {
		if (strcmp(old->r.key, e->r.key))
			drop(s, old);
		else {
			HASH_DELETE(hh, s->by_key, old);
			HASH_DELETE(hn, s->by_name, old);
			rec_free(old);
		}
	}
	HASH_ADD_KEYPTR(hh, s->by_key, e->r.key, strlen(e->r.key), e);
	HASH_ADD_KEYPTR(hn, s->by_name, e->r.endpoint, strlen(e->r.endpoint),
			e);
	write_file(s, &e->r);
	return e;
}

static void del(struct dstatus *s, const struct strata_op *op)
{
	struct srec *e, *tmp;

	if (op->id) {
		HASH_ITER (hh, s->by_key, e, tmp)
			if (e->r.id == op->id) {
				drop(s, e);
				return;
			}
	}
	HASH_FIND(hn, s->by_name, op->name, strlen(op->name), e);
	if (e)
		drop(s, e);
}

/* Remove files under the directory that no record names. */
static void clean_dir(struct dstatus *s, const char *rel, int depth)
{
	char *path;
	DIR *d;
	struct dirent *de;

	if (asprintf(&path, "%s%s%s", s->dir, *rel ? "/" : "", rel) < 0)
		abort();
	d = opendir(path);
	if (!d) {
		free(path);
		return;
	}
	while ((de = readdir(d))) {
		char *sub;
		struct srec *e;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name) <
		    0)
			abort();
		if (de->d_type == DT_DIR && depth < 2) {
			clean_dir(s, sub, depth + 1);
		} else if (de->d_type != DT_DIR) {
			HASH_FIND(hh, s->by_key, sub, strlen(sub), e);
			if (!e) {
				char *full;

				if (asprintf(&full, "%s/%s", s->dir, sub) < 0)
					abort();
				unlink(full);
				free(full);
			}
		}
		free(sub);
	}
	closedir(d);
	free(path);
}

void dstatus_on_commit(void *arg, const struct dsync_commit *c)
{
	struct dstatus *s = arg;
	struct srec *e, *tmp;
	size_t i;

	/* the endpoints this transaction put: programmed now */
	for (i = 0; c->batch && i < c->batch->n; i++) {
		const struct strata_op *op = &c->batch->ops[i];

		if (op->kind != SC_OBJ_ENDPOINT)
			continue;
		if (op->type == STRATA_OP_PUT && op->endpoint)
			put(s, op->endpoint, c->generation, true);
		else if (op->type == STRATA_OP_DEL)
			del(s, op);
	}
	if (!c->full)
		return;
	/* everything the kernel holds now has its record, nothing else */
	{
		struct cmp_view v;
		uint32_t j;

		HASH_ITER (hh, s->by_key, e, tmp)
			e->seen = false;
		cmp_desired(dsync_cmp(s->sync), &v);
		for (j = 0; j < v.n_endpoints; j++) {
			e = put(s, v.endpoints[j], c->generation, false);
			if (e)
				e->seen = true;
		}
		cmp_view_release(&v);
		HASH_ITER (hh, s->by_key, e, tmp)
			if (!e->seen)
				drop(s, e);
	}
	if (!s->cleaned && s->dir) {
		s->cleaned = true;
		clean_dir(s, "", 0);
	}
}

const struct dstatus_rec *dstatus_find(const struct dstatus *s,
				       const char *what)
{
	struct srec *e;
	char *key;

	HASH_FIND(hh, s->by_key, what, strlen(what), e);
	if (e)
		return &e->r;
	HASH_FIND(hn, s->by_name, what, strlen(what), e);
	if (e)
		return &e->r;
	if (asprintf(&key, "pod/%s", what) < 0)
		abort();
	HASH_FIND(hh, s->by_key, key, strlen(key), e);
	free(key);
	return e ? &e->r : NULL;
}

static int rec_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct dstatus_rec *const *)a)->key,
		      (*(const struct dstatus_rec *const *)b)->key);
}

size_t dstatus_list(const struct dstatus *s, const struct dstatus_rec ***out)
{
	size_t n = HASH_CNT(hh, s->by_key), i = 0;
	const struct dstatus_rec **v = calloc(n ? n : 1, sizeof(*v));
	struct srec *e, *tmp;

	if (!v)
		abort();
	HASH_ITER (hh, s->by_key, e, tmp)
		v[i++] = &e->r;
	if (n > 1)
		qsort(v, n, sizeof(*v), rec_cmp);
	*out = v;
	return n;
}

size_t dstatus_count(const struct dstatus *s)
{
	return HASH_CNT(hh, s->by_key);
}
