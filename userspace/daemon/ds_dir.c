// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ds_dir.c - the directory datastore (ds_dir.h, DOC: Directory datastore):
 * manifests in a directory, read with the policy layer's document reader
 * (doc.h, libyaml), turned into json-c objects, watched with inotify.
 *
 * State: per file, the objects it defines (by key: apiVersion group, kind,
 * namespace, name); per key, the files defining it (sorted) and what was
 * last reported. A file event rereads that file and reports the keys
 * whose effective definition changed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <uthash.h>
#include "doc.h"
#include "ds_dir.h"

struct dir_obj {
	char *key;
	struct json_object *obj;
	const char *api, *kind, *ns, *name; /* into @strs */
	unsigned int line;
	char *strs;
	UT_hash_handle hh;
};

struct dir_file {
	char *name;
	struct dir_obj *objs; /* hash by key */
	struct dir_obj **order; /* document order */
	size_t n;
	bool seen;
	UT_hash_handle hh;
};

struct dir_key {
	char *key;
	char **owners; /* file names, sorted */
	size_t n_owners;
	struct json_object *cur; /* last reported, or NULL */
	char *api, *kind, *ns, *name;
	UT_hash_handle hh;
};

struct ds_dir {
	struct ds ds; /* first */
	char *path;
	unsigned int retry_ms;
	void (*log)(int level, const char *msg, void *arg);
	void *log_arg;
	int ifd, wd;
	sd_event_source *io, *retry, *start;
	struct dir_file *files;
	struct dir_key *keys;
	uint64_t rev;
	bool synced, connected, started;
	struct ds_stats st;
};

static const struct ds_ops dir_ops;

bool ds_is_dir(const struct ds *ds)
{
	return ds && ds->ops == &dir_ops;
}

static void dir_log(struct ds_dir *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dir_log(struct ds_dir *d, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->log)
		d->log(level, msg, d->log_arg);
	else
		fprintf(stderr, "directory: %s\n", msg);
}

static void emit_status(struct ds_dir *d, const char *kind, const char *ns,
			const char *name, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void emit_status(struct ds_dir *d, const char *kind, const char *ns,
			const char *name, const char *fmt, ...)
{
	struct ds_event ev = { .type = DS_STATUS };
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ev.kind = kind;
	ev.ns = ns;
	ev.name = name;
	ev.connected = d->connected;
	ev.message = msg;
	dir_log(d, LOG_WARNING, "%s", msg);
	d->ds.sink(&ev, d->ds.sink_arg);
}

static void emit_connected(struct ds_dir *d, bool connected, const char *msg)
{
	struct ds_event ev = { .type = DS_STATUS };

	if (d->connected == connected)
		return;
	d->connected = connected;
	ev.connected = connected;
	ev.message = msg;
	d->ds.sink(&ev, d->ds.sink_arg);
}

/* --- documents to objects ----------------------------------------- */

static struct json_object *node_json(const struct doc_node *n)
{
	struct json_object *o;
	size_t i;

	if (!n)
		return NULL;
	switch (n->type) {
	case DOC_NULL:
		return NULL;
	case DOC_BOOL:
		return json_object_new_boolean(n->b);
	case DOC_INT:
		return json_object_new_int64(n->i);
	case DOC_FLOAT:
		return json_object_new_double(n->f);
	case DOC_STR:
		return json_object_new_string_len(n->text, (int)n->len);
	case DOC_MAP:
		o = json_object_new_object();
		for (i = 0; i < n->n; i++)
			json_object_object_add(o, n->pairs[i].key,
					       node_json(n->pairs[i].val));
		return o;
	case DOC_SEQ:
		o = json_object_new_array_ext((int)n->n);
		for (i = 0; i < n->n; i++)
			json_object_array_add(o, node_json(n->items[i]));
		return o;
	}
	return NULL;
}

static const char *const namespaced_kinds[] = {
	"Pod",
	"ServiceAccount",
	"NetworkPolicy",
	"StagedNetworkPolicy",
	"NetworkSet",
	"StagedKubernetesNetworkPolicy",
	"WorkloadEndpoint",
};

static bool kind_namespaced(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(namespaced_kinds) / sizeof(namespaced_kinds[0]);
	     i++)
		if (!strcmp(kind, namespaced_kinds[i]))
			return true;
	return false;
}

static char *make_key(const char *api, const char *kind, const char *ns,
		      const char *name)
{
	const char *slash = strchr(api, '/');
	size_t glen = slash ? (size_t)(slash - api) : 0;
	char *k;

	if (asprintf(&k, "%.*s\x1f%s\x1f%s\x1f%s", (int)glen, api, kind, ns,
		     name) < 0)
		abort();
	return k;
}

static void obj_free(struct dir_obj *o)
{
	if (!o)
		return;
	json_object_put(o->obj);
	free(o->key);
	free(o->strs);
	free(o);
}

static void file_free(struct dir_file *f)
{
	struct dir_obj *o, *tmp;

	if (!f)
		return;
	HASH_ITER (hh, f->objs, o, tmp) {
		HASH_DEL(f->objs, o);
		obj_free(o);
	}
	free(f->order);
	free(f->name);
	free(f);
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool is_list_kind(const char *kind)
{
	size_t n = strlen(kind);

	return n >= 4 && !strcmp(kind + n - 4, "List");
}

/* Add one object (taking @obj) to @f; false if it is malformed. */
static void add_object(struct ds_dir *d, struct dir_file *f,
		       struct json_object *obj, unsigned int line)
{
	struct json_object *meta = NULL;
	const char *api, *kind, *name, *ns, *why = NULL;
	struct dir_obj *o, *old;
	size_t la, lk, ln, lns;

	if (!json_object_is_type(obj, json_type_object))
		why = "a document must be an object";
	else if (!(api = jstr(obj, "apiVersion")) || !*api)
		why = "apiVersion is missing";
	else if (!(kind = jstr(obj, "kind")) || !*kind)
		why = "kind is missing";
	else if (!json_object_object_get_ex(obj, "metadata", &meta) ||
		 !json_object_is_type(meta, json_type_object))
		why = "metadata is missing";
	else if (!(name = jstr(meta, "name")) || !*name)
		why = "metadata.name is missing";
	if (why) {
		d->st.malformed++;
		emit_status(d, "", "", f->name, "%s/%s:%u: %s: skipped",
			    d->path, f->name, line, why);
		json_object_put(obj);
		return;
	}
	ns = jstr(meta, "namespace");
	if (!ns || !*ns)
		ns = kind_namespaced(kind) ? "default" : "";
	o = calloc(1, sizeof(*o));
	la = strlen(api) + 1;
	lk = strlen(kind) + 1;
	ln = strlen(name) + 1;
	lns = strlen(ns) + 1;
	if (!o || !(o->strs = malloc(la + lk + ln + lns)))
		abort();
	memcpy(o->strs, api, la);
	memcpy(o->strs + la, kind, lk);
	memcpy(o->strs + la + lk, name, ln);
	memcpy(o->strs + la + lk + ln, ns, lns);
	o->api = o->strs;
	o->kind = o->strs + la;
	o->name = o->strs + la + lk;
	o->ns = o->strs + la + lk + ln;
	o->key = make_key(o->api, o->kind, o->ns, o->name);
	o->obj = obj;
	o->line = line;
	HASH_FIND_STR(f->objs, o->key, old);
	if (old) {
		d->st.malformed++;
		emit_status(
			d, o->kind, o->ns, o->name,
			"%s/%s:%u: %s %s%s%s is defined again (line %u): the first definition is used",
			d->path, f->name, line, o->kind, o->ns,
			*o->ns ? "/" : "", o->name, old->line);
		obj_free(o);
		return;
	}
	HASH_ADD_KEYPTR(hh, f->objs, o->key, strlen(o->key), o);
	f->order = realloc(f->order, (f->n + 1) * sizeof(*f->order));
	if (!f->order)
		abort();
	f->order[f->n++] = o;
}

/* Parse @buf into a new file record; NULL on a syntax error (reported). */
static struct dir_file *parse_file(struct ds_dir *d, const char *name,
				   const char *buf, size_t len)
{
	struct dir_file *f = calloc(1, sizeof(*f));
	struct diags dg;
	struct doc doc;
	char line[1024];
	size_t i, j;

	if (!f || !(f->name = strdup(name)))
		abort();
	diags_init(&dg);
	if (doc_parse(&doc, name, buf, len, &dg)) {
		d->st.errors++;
		emit_status(
			d, "", "", name, "%s/%s, kept as it was: %s", d->path,
			dg.n ? diag_format(&dg.v[0], line, sizeof(line)) : name,
			"the file does not parse");
		diags_release(&dg);
		doc_release(&doc);
		file_free(f);
		return NULL;
	}
	diags_release(&dg);
	for (i = 0; i < doc.n; i++) {
		const struct doc_node *root = doc.roots[i];
		const struct doc_node *kind = doc_get(root, "kind");
		const struct doc_node *items = doc_get(root, "items");

		if (doc_str(kind) && is_list_kind(doc_str(kind)) && items &&
		    items->type == DOC_SEQ) {
			for (j = 0; j < items->n; j++)
				add_object(d, f, node_json(items->items[j]),
					   items->items[j]->line);
			continue;
		}
		add_object(d, f, node_json(root), root->line);
	}
	doc_release(&doc);
	return f;
}

/* --- keys and reporting ------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct dir_key *key_get(struct ds_dir *d, const struct dir_obj *o)
{
	struct dir_key *k;

	HASH_FIND_STR(d->keys, o->key, k);
	if (k)
		return k;
	k = calloc(1, sizeof(*k));
	if (!k || !(k->key = strdup(o->key)) || !(k->api = strdup(o->api)) ||
	    !(k->kind = strdup(o->kind)) || !(k->ns = strdup(o->ns)) ||
	    !(k->name = strdup(o->name)))
		abort();
	HASH_ADD_KEYPTR(hh, d->keys, k->key, strlen(k->key), k);
	return k;
}

static void key_free(struct dir_key *k)
{
	size_t i;

	for (i = 0; i < k->n_owners; i++)
		free(k->owners[i]);
	free(k->owners);
	json_object_put(k->cur);
	free(k->key);
	free(k->api);
	free(k->kind);
	free(k->ns);
	free(k->name);
	free(k);
}

static void key_add_owner(struct dir_key *k, const char *file)
{
	size_t i;

	for (i = 0; i < k->n_owners; i++)
		if (!strcmp(k->owners[i], file))
			return;
	k->owners = realloc(k->owners, (k->n_owners + 1) * sizeof(char *));
	if (!k->owners || !(k->owners[k->n_owners] = strdup(file)))
		abort();
	k->n_owners++;
	qsort(k->owners, k->n_owners, sizeof(char *), name_cmp);
}

static void key_del_owner(struct dir_key *k, const char *file)
{
	size_t i;

	for (i = 0; i < k->n_owners; i++) {
		if (strcmp(k->owners[i], file))
			continue;
		free(k->owners[i]);
		memmove(&k->owners[i], &k->owners[i + 1],
			(k->n_owners - i - 1) * sizeof(char *));
		k->n_owners--;
		return;
	}
}

static void emit_obj(struct ds_dir *d, enum ds_event_type type,
		     const struct dir_key *k, struct json_object *obj)
{
	struct ds_event ev = { .type = type };
	char rev[24];

	snprintf(rev, sizeof(rev), "%llu", (unsigned long long)++d->rev);
	ev.kind = k->kind;
	ev.api_version = k->api;
	ev.ns = k->ns;
	ev.name = k->name;
	ev.obj = obj;
	ev.revision = rev;
	d->st.events++;
	d->ds.sink(&ev, d->ds.sink_arg);
}

/* Report what @k now is, if that changed; frees @k when nobody has it. */
static void key_settle(struct ds_dir *d, struct dir_key *k)
{
	struct dir_file *f = NULL;
	struct dir_obj *o = NULL;
	struct json_object *old;

	if (k->n_owners) {
		HASH_FIND_STR(d->files, k->owners[0], f);
		if (f)
			HASH_FIND_STR(f->objs, k->key, o);
	}
	if (!o) {
		if (k->cur) {
			old = k->cur;
			k->cur = NULL;
			emit_obj(d, DS_DELETE, k, old);
			json_object_put(old);
		}
		if (!k->n_owners) {
			HASH_DEL(d->keys, k);
			key_free(k);
		}
		return;
	}
	if (k->cur && json_object_equal(k->cur, o->obj))
		return;
	json_object_put(k->cur);
	k->cur = json_object_get(o->obj);
	emit_obj(d, DS_UPSERT, k, k->cur);
}

/*
 * Replace file @name's record with @nf (NULL: the file is gone) and
 * report the difference, in @nf's document order then the removals.
 */
static void file_replace(struct ds_dir *d, const char *name,
			 struct dir_file *nf)
{
	struct dir_file *of;
	struct dir_obj *o, *tmp, *x;
	struct dir_key *k;
	char *fname = strdup(name);
	char **gone = NULL;
	size_t n_gone = 0, i;

	if (!fname)
		abort();
	HASH_FIND_STR(d->files, name, of);
	if (of) {
		HASH_DEL(d->files, of);
		HASH_ITER (hh, of->objs, o, tmp) {
			x = NULL;
			if (nf)
				HASH_FIND_STR(nf->objs, o->key, x);
			if (x)
				continue;
			gone = realloc(gone, (n_gone + 1) * sizeof(*gone));
			if (!gone || !(gone[n_gone] = strdup(o->key)))
				abort();
			n_gone++;
		}
	}
	if (nf) {
		HASH_ADD_KEYPTR(hh, d->files, nf->name, strlen(nf->name), nf);
		for (i = 0; i < nf->n; i++) {
			o = nf->order[i];
			k = key_get(d, o);
			key_add_owner(k, fname);
			if (strcmp(k->owners[0], fname)) {
				/* only report a duplicate when it is new */
				x = NULL;
				if (of)
					HASH_FIND_STR(of->objs, o->key, x);
				if (!x)
					emit_status(
						d, o->kind, o->ns, o->name,
						"%s/%s:%u: %s %s%s%s is also defined in %s, which is used",
						d->path, fname, o->line,
						o->kind, o->ns,
						*o->ns ? "/" : "", o->name,
						k->owners[0]);
				continue;
			}
			key_settle(d, k);
		}
	}
	if (n_gone > 1)
		qsort(gone, n_gone, sizeof(*gone), name_cmp);
	for (i = 0; i < n_gone; i++) {
		HASH_FIND_STR(d->keys, gone[i], k);
		if (k) {
			key_del_owner(k, fname);
			key_settle(d, k);
		}
		free(gone[i]);
	}
	free(gone);
	file_free(of);
	free(fname);
}

static bool candidate(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

/* Read file @name again; report what changed. */
static void file_reload(struct ds_dir *d, const char *name)
{
	struct dir_file *nf;
	struct stat st;
	char *buf = NULL;
	ssize_t got;
	size_t len = 0, cap;
	char *path;
	int fd;

	if (asprintf(&path, "%s/%s", d->path, name) < 0)
		abort();
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	free(path);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			d->st.errors++;
			emit_status(d, "", "", name,
				    "%s/%s, kept as it was: %s", d->path, name,
				    strerror(errno));
			return;
		}
		file_replace(d, name, NULL);
		return;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		file_replace(d, name, NULL);
		return;
	}
	if ((unsigned long long)st.st_size > DOC_MAX_FILE) {
		close(fd);
		d->st.errors++;
		emit_status(d, "", "", name,
			    "%s/%s, kept as it was: larger than %u bytes",
			    d->path, name, DOC_MAX_FILE);
		return;
	}
	cap = (size_t)st.st_size + 4096;
	buf = malloc(cap);
	if (!buf)
		abort();
	for (;;) {
		if (len == cap) {
			/* it grew since fstat() */
			if (cap >= DOC_MAX_FILE)
				break;
			cap = cap * 2 > DOC_MAX_FILE ? DOC_MAX_FILE : cap * 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	nf = parse_file(d, name, buf, len);
	free(buf);
	if (nf)
		file_replace(d, name, nf);
}

/* Reread every file; those gone are removed. */
static int rescan(struct ds_dir *d)
{
	struct dir_file *f, *tmp;
	struct dirent **ents = NULL;
	char **gone = NULL;
	size_t n_gone = 0, i;
	int n, j;

	n = scandir(d->path, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	HASH_ITER (hh, d->files, f, tmp)
		f->seen = false;
	for (j = 0; j < n; j++) {
		if (candidate(ents[j]->d_name)) {
			file_reload(d, ents[j]->d_name);
			HASH_FIND_STR(d->files, ents[j]->d_name, f);
			if (f)
				f->seen = true;
		}
		free(ents[j]);
	}
	free(ents);
	HASH_ITER (hh, d->files, f, tmp) {
		if (f->seen)
			continue;
		gone = realloc(gone, (n_gone + 1) * sizeof(*gone));
		if (!gone || !(gone[n_gone] = strdup(f->name)))
			abort();
		n_gone++;
	}
	if (n_gone > 1)
		qsort(gone, n_gone, sizeof(*gone), name_cmp);
	for (i = 0; i < n_gone; i++) {
		file_replace(d, gone[i], NULL);
		free(gone[i]);
	}
	free(gone);
	return 0;
}

/* --- inotify -------------------------------------------------------- */

static int arm_retry(struct ds_dir *d);

static void watch_lost(struct ds_dir *d, const char *why)
{
	if (d->wd >= 0)
		inotify_rm_watch(d->ifd, d->wd);
	d->wd = -1;
	dir_log(d, LOG_WARNING,
		"%s: %s; keeping what it held, looking for it every %u ms",
		d->path, why, d->retry_ms);
	emit_connected(d, false, why);
	arm_retry(d);
}

/* Watch the directory and read it; 0, or -errno (not there yet). */
static int watch_and_scan(struct ds_dir *d)
{
	struct stat st;
	int wd, ret;

	if (stat(d->path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	wd = inotify_add_watch(d->ifd, d->path,
			       IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
				       IN_DELETE | IN_CREATE | IN_DELETE_SELF |
				       IN_MOVE_SELF | IN_ONLYDIR |
				       IN_EXCL_UNLINK);
	if (wd < 0)
		return -errno;
	d->wd = wd;
	emit_connected(d, true, "reading the directory");
	ret = rescan(d);
	if (ret) {
		inotify_rm_watch(d->ifd, wd);
		d->wd = -1;
		emit_connected(d, false, strerror(-ret));
		return ret;
	}
	if (!d->synced) {
		struct ds_event ev = { .type = DS_SYNCED };

		d->synced = true;
		d->ds.sink(&ev, d->ds.sink_arg);
	}
	return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *arg)
{
	struct ds_dir *d = arg;
	int ret;

	ret = watch_and_scan(d);
	if (!ret) {
		d->st.reconnects++;
		dir_log(d, LOG_NOTICE, "%s: reading it again", d->path);
		sd_event_source_set_enabled(d->retry, SD_EVENT_OFF);
		return 0;
	}
	return arm_retry(d);
}

static int arm_retry(struct ds_dir *d)
{
	uint64_t now;

	sd_event_now(d->ds.loop, CLOCK_MONOTONIC, &now);
	if (!d->retry)
		return sd_event_add_time(d->ds.loop, &d->retry, CLOCK_MONOTONIC,
					 now + d->retry_ms * 1000ULL, 1000,
					 on_retry, d);
	sd_event_source_set_time(d->retry, now + d->retry_ms * 1000ULL);
	return sd_event_source_set_enabled(d->retry, SD_EVENT_ONESHOT);
}

struct pending {
	char **names;
	size_t n;
	bool rescan, lost;
	const char *why;
};

static void pending_add(struct pending *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->names[i], name))
			return;
	p->names = realloc(p->names, (p->n + 1) * sizeof(char *));
	if (!p->names || !(p->names[p->n] = strdup(name)))
		abort();
	p->n++;
}

/* Read every queued event; then reread what they name. */
static int drain(struct ds_dir *d)
{
	char buf[16384]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	struct pending p = { 0 };
	size_t i;
	ssize_t n;
	int reread = 0;

	for (;;) {
		n = read(d->ifd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (char *q = buf; q < buf + n;) {
			const struct inotify_event *e = (const void *)q;

			q += sizeof(*e) + e->len;
			if (e->mask & IN_Q_OVERFLOW) {
				p.rescan = true;
				continue;
			}
			if (e->wd != d->wd)
				continue;
			if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF |
				       IN_IGNORED | IN_UNMOUNT)) {
				p.lost = true;
				p.why = e->mask & IN_MOVE_SELF
						? "the directory was moved"
						: "the directory was removed";
				continue;
			}
			if (!e->len)
				continue;
			if (!strncmp(e->name, "..", 2)) {
				/* a ConfigMap's atomic swap */
				p.rescan = true;
				continue;
			}
			if (!candidate(e->name))
				continue;
			if (e->mask & IN_CREATE) {
				struct stat st;
				char *path;

				/* only links are complete on creation */
				if (asprintf(&path, "%s/%s", d->path, e->name) <
				    0)
					abort();
				if (lstat(path, &st) || !S_ISLNK(st.st_mode)) {
					free(path);
					continue;
				}
				free(path);
			}
			pending_add(&p, e->name);
		}
	}
	if (p.lost) {
		watch_lost(d, p.why);
	} else if (p.rescan) {
		d->st.resyncs++;
		dir_log(d, LOG_INFO, "%s: reading every file again", d->path);
		if (rescan(d))
			watch_lost(d, "the directory cannot be read");
		reread = -1;
	} else {
		for (i = 0; i < p.n; i++)
			file_reload(d, p.names[i]);
		reread = (int)p.n;
	}
	for (i = 0; i < p.n; i++)
		free(p.names[i]);
	free(p.names);
	return reread;
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	drain(arg);
	return 0;
}

int ds_dir_drain(struct ds *ds)
{
	struct ds_dir *d = (struct ds_dir *)ds;

	if (!ds_is_dir(ds) || !d->started || d->ifd < 0)
		return 0;
	return drain(d);
}

static int on_start(sd_event_source *s, void *arg)
{
	struct ds_dir *d = arg;
	int ret;

	sd_event_source_set_enabled(s, SD_EVENT_OFF);
	ret = watch_and_scan(d);
	if (ret) {
		dir_log(d, LOG_ERR, "%s: %s; waiting for it (every %u ms)",
			d->path, strerror(-ret), d->retry_ms);
		d->connected = true; /* so that the change is reported */
		emit_connected(d, false, strerror(-ret));
		arm_retry(d);
	}
	return 0;
}

static int dir_start(struct ds *ds)
{
	struct ds_dir *d = (struct ds_dir *)ds;
	int ret;

	if (d->started)
		return -EALREADY;
	d->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->ifd < 0)
		return -errno;
	ret = sd_event_add_io(ds->loop, &d->io, d->ifd, EPOLLIN, on_inotify, d);
	if (ret < 0)
		return ret;
	ret = sd_event_add_defer(ds->loop, &d->start, on_start, d);
	if (ret < 0)
		return ret;
	d->started = true;
	return 0;
}

static void dir_stats(const struct ds *ds, struct ds_stats *out)
{
	*out = ((const struct ds_dir *)ds)->st;
}

static void dir_free(struct ds *ds)
{
	struct ds_dir *d = (struct ds_dir *)ds;
	struct dir_file *f, *ftmp;
	struct dir_key *k, *ktmp;

	sd_event_source_disable_unref(d->io);
	sd_event_source_disable_unref(d->retry);
	sd_event_source_disable_unref(d->start);
	if (d->ifd >= 0)
		close(d->ifd);
	HASH_ITER (hh, d->files, f, ftmp) {
		HASH_DEL(d->files, f);
		file_free(f);
	}
	HASH_ITER (hh, d->keys, k, ktmp) {
		HASH_DEL(d->keys, k);
		key_free(k);
	}
	sd_event_unref(ds->loop);
	free(d->path);
	free(d);
}

static const struct ds_ops dir_ops = {
	.name = "directory",
	.start = dir_start,
	.stats = dir_stats,
	.free = dir_free,
};

struct ds *ds_dir_new(sd_event *loop, const struct ds_dir_config *cfg,
		      ds_event_fn sink, void *sink_arg, char *err,
		      size_t errlen)
{
	struct ds_dir *d;

	if (!cfg->path || !*cfg->path) {
		snprintf(err, errlen, "the directory datastore needs a path");
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !(d->path = strdup(cfg->path))) {
		free(d);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* "dir/" and "dir" are the same directory; messages say "dir/file" */
	while (strlen(d->path) > 1 && d->path[strlen(d->path) - 1] == '/')
		d->path[strlen(d->path) - 1] = '\0';
	d->ds.ops = &dir_ops;
	d->ds.loop = sd_event_ref(loop);
	d->ds.sink = sink;
	d->ds.sink_arg = sink_arg;
	d->retry_ms = cfg->retry_ms ? cfg->retry_ms : 1000;
	d->log = cfg->log;
	d->log_arg = cfg->log_arg;
	d->ifd = d->wd = -1;
	return &d->ds;
}
