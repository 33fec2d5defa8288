// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl apply / delete: put Calico and Kubernetes resources into
 * stratad's directory datastore (or take them out) and wait until the
 * daemon has programmed them, as kubectl apply does for a cluster.
 *
 * Every object is checked as stratactl validate checks it (nothing is
 * written if one has an error), then written as one file per object,
 * "KIND.GROUP_NAMESPACE_NAME.json" (GROUP "core" for v1; no NAMESPACE for
 * cluster-scoped kinds), through a temporary file renamed into place, so
 * the daemon never reads a partial file. An object whose file already
 * holds the same content is "unchanged" and not rewritten. Then the
 * daemon is asked to wait until everything it has read is programmed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uthash.h>
#include "cli.h"
#include "doc.h"
#include "res.h"

static void usage_common(FILE *f, const char *verb)
{
	fprintf(f,
		"Usage: stratactl %s { -f PATH | PATH }... [ --dir DIR ] [ --socket PATH ]\n"
		"                      [ --timeout SECONDS ] [ --no-wait ]%s\n"
		"PATH is a YAML or JSON file, a directory (its *.yaml, *.yml and *.json\n"
		"files) or - (standard input). DIR defaults to the directory stratad's\n"
		"directory datastore reads (asked over the local API: --socket, default\n"
		"$STRATAD_SOCKET or /run/strata/stratad.sock). Then it waits (default 30 s)\n"
		"until stratad has programmed the change; --no-wait does not.\n",
		verb, !strcmp(verb, "delete") ? " [ --ignore-not-found ]" : "");
}

void usage_apply(FILE *f)
{
	usage_common(f, "apply");
	fprintf(f,
		"Each object is validated first (as stratactl validate does); nothing is\n"
		"written if any has an error (exit 2).\n");
}

void usage_delete(FILE *f)
{
	usage_common(f, "delete");
	fprintf(f,
		"Removes the objects the files define, as stratactl apply wrote them.\n");
}

struct aopts {
	bool del;
	const char **paths;
	size_t n_paths;
	const char *dir, *sock;
	unsigned int timeout_s;
	bool no_wait, ignore_missing;
};

/* One object: its identity and, for apply, its JSON. */
struct aobj {
	char *api, *kind, *ns, *name;
	char *file; /* the file name in the directory */
	struct json_object *obj;
	const char *action;
};

struct aset {
	struct aobj *v;
	size_t n, cap;
};

static void aset_release(struct aset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].api);
		free(s->v[i].kind);
		free(s->v[i].ns);
		free(s->v[i].name);
		free(s->v[i].file);
		json_object_put(s->v[i].obj);
	}
	free(s->v);
}

static struct json_object *node_json(const struct doc_node *n)
{
	struct json_object *o;
	size_t i;

	if (!n)
		return NULL;
	switch (n->type) {
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
		o = json_object_new_array();
		for (i = 0; i < n->n; i++)
			json_object_array_add(o, node_json(n->items[i]));
		return o;
	default:
		return NULL;
	}
}

/* The kinds stratad reads, and whether they are namespaced. */
static const struct {
	const char *kind;
	bool namespaced;
} kinds[] = {
	{ "Tier", false },
	{ "GlobalNetworkPolicy", false },
	{ "NetworkPolicy", true },
	{ "StagedGlobalNetworkPolicy", false },
	{ "StagedNetworkPolicy", true },
	{ "StagedKubernetesNetworkPolicy", true },
	{ "Profile", false },
	{ "HostEndpoint", false },
	{ "WorkloadEndpoint", true },
	{ "GlobalNetworkSet", false },
	{ "NetworkSet", true },
	{ "Namespace", false },
	{ "ServiceAccount", true },
	{ "Pod", true },
	{ "AdminNetworkPolicy", false },
	{ "BaselineAdminNetworkPolicy", false },
	{ "ClusterNetworkPolicy", false },
};

static int kind_index(const char *kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].kind, kind))
			return (int)i;
	return -1;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		abort();
	return d;
}

/* "networkpolicy.networking.k8s.io_shop_api.json" */
static char *file_name(const char *api, const char *kind, const char *ns,
		       const char *name)
{
	const char *slash = strchr(api, '/');
	char *f, *p;

	if (asprintf(&f, "%s.%.*s%s%s_%s.json", kind,
		     slash ? (int)(slash - api) : 4, slash ? api : "core",
		     *ns ? "_" : "", ns, name) < 0)
		abort();
	for (p = f; *p && *p != '.'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	return f;
}

static void add_object(const struct aopts *o, struct aset *s,
		       const struct doc *doc, const struct doc_node *n,
		       struct diags *d)
{
	const char *api = doc_str(doc_get(n, "apiVersion"));
	const char *kind = doc_str(doc_get(n, "kind"));
	const struct doc_node *meta = doc_get(n, "metadata");
	const char *name = doc_str(doc_get(meta, "name"));
	const char *ns = doc_str(doc_get(meta, "namespace"));
	struct res_list l = { 0 };
	struct aobj *a;
	int ki;
	size_t i;

	if (!api || !kind || !name || !*name) {
		diag_add(d, DIAG_ERROR, doc->file, NULL, n->line, n->col, "",
			 "an object needs apiVersion, kind and metadata.name");
		return;
	}
	ki = kind_index(kind);
	if (ki < 0) {
		diag_add(d, DIAG_WARNING, doc->file, NULL, n->line, n->col, "",
			 "%s is not a kind stratad reads: skipped", kind);
		return;
	}
	if (!o->del) {
		res_parse(doc, n, 0, &l, d);
		res_list_release(&l);
	}
	if (!kinds[ki].namespaced)
		ns = "";
	else if (!ns || !*ns)
		ns = "default";
	for (i = 0; i < s->n; i++) {
		const char *sl = strchr(api, '/');
		const char *osl = strchr(s->v[i].api, '/');
		size_t gl = sl ? (size_t)(sl - api) : 0;
		size_t ogl = osl ? (size_t)(osl - s->v[i].api) : 0;

		if (gl == ogl && !strncmp(api, s->v[i].api, gl) &&
		    !strcmp(kind, s->v[i].kind) && !strcmp(ns, s->v[i].ns) &&
		    !strcmp(name, s->v[i].name)) {
			diag_add(d, DIAG_ERROR, doc->file, NULL, n->line,
				 n->col, "", "%s %s%s%s is defined twice", kind,
				 ns, *ns ? "/" : "", name);
			return;
		}
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			abort();
	}
	a = &s->v[s->n++];
	memset(a, 0, sizeof(*a));
	a->api = xstrdup(api);
	a->kind = xstrdup(kind);
	a->ns = xstrdup(ns);
	a->name = xstrdup(name);
	a->file = file_name(api, kind, ns, name);
	if (!o->del) {
		struct json_object *m;

		a->obj = node_json(n);
		/* the namespace as the daemon will read it */
		if (*ns && json_object_object_get_ex(a->obj, "metadata", &m))
			json_object_object_add(m, "namespace",
					       json_object_new_string(ns));
	}
}

static int read_path(const struct aopts *o, struct aset *s, const char *path,
		     struct diags *d);

static int read_file(const struct aopts *o, struct aset *s, const char *path,
		     struct diags *d)
{
	struct doc doc;
	size_t i, j;
	int ret;

	ret = doc_read_file(&doc, path, d);
	for (i = 0; !ret && i < doc.n; i++) {
		const struct doc_node *root = doc.roots[i];
		const char *kind = doc_str(doc_get(root, "kind"));
		const struct doc_node *items = doc_get(root, "items");
		size_t kl = kind ? strlen(kind) : 0;

		if (kl >= 4 && !strcmp(kind + kl - 4, "List") && items &&
		    items->type == DOC_SEQ) {
			for (j = 0; j < items->n; j++)
				add_object(o, s, &doc, items->items[j], d);
			continue;
		}
		add_object(o, s, &doc, root, d);
	}
	doc_release(&doc);
	return ret;
}

static int name_sort(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int read_path(const struct aopts *o, struct aset *s, const char *path,
		     struct diags *d)
{
	struct dirent **ents;
	struct stat st;
	int n, i, ret = 0;

	if (strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode)) {
		n = scandir(path, &ents, NULL, name_sort);
		if (n < 0) {
			diag_add(d, DIAG_ERROR, path, NULL, 0, 0, "", "%s",
				 strerror(errno));
			return -errno;
		}
		for (i = 0; i < n; i++) {
			const char *e = ents[i]->d_name;
			size_t l = strlen(e);
			char *p;

			if (e[0] != '.' &&
			    ((l > 5 && !strcmp(e + l - 5, ".yaml")) ||
			     (l > 4 && !strcmp(e + l - 4, ".yml")) ||
			     (l > 5 && !strcmp(e + l - 5, ".json")))) {
				if (asprintf(&p, "%s/%s", path, e) < 0)
					abort();
				if (read_file(o, s, p, d))
					ret = -EINVAL;
				free(p);
			}
			free(ents[i]);
		}
		free(ents);
		return ret;
	}
	return read_file(o, s, path, d);
}

/* An object some file of the directory defines. */
struct dent {
	char *key; /* group \x1f kind \x1f ns \x1f name */
	char *file;
	UT_hash_handle hh;
};

static char *ident(const char *api, const char *kind, const char *ns,
		   const char *name)
{
	const char *slash = strchr(api, '/');
	char *k;

	if (asprintf(&k, "%.*s\x1f%s\x1f%s\x1f%s",
		     slash ? (int)(slash - api) : 0, api, kind, ns, name) < 0)
		abort();
	return k;
}

/* What the directory's files define (files that do not parse are
 * skipped: the daemon keeps what they gave before). */
static struct dent *scan_dir(const struct aopts *o, const char *dir)
{
	struct aopts so = *o;
	struct dent *h = NULL, *e;
	struct dirent **ents;
	int n, i;

	so.del = true; /* identities only */
	n = scandir(dir, &ents, NULL, name_sort);
	for (i = 0; i < n; i++) {
		const char *f = ents[i]->d_name;
		size_t l = strlen(f), j;
		struct aset s = { 0 };
		struct diags d;
		char *p;

		if (f[0] == '.' || !((l > 5 && !strcmp(f + l - 5, ".yaml")) ||
				     (l > 4 && !strcmp(f + l - 4, ".yml")) ||
				     (l > 5 && !strcmp(f + l - 5, ".json")))) {
			free(ents[i]);
			continue;
		}
		if (asprintf(&p, "%s/%s", dir, f) < 0)
			abort();
		diags_init(&d);
		read_file(&so, &s, p, &d);
		diags_release(&d);
		free(p);
		for (j = 0; j < s.n; j++) {
			char *k = ident(s.v[j].api, s.v[j].kind, s.v[j].ns,
					s.v[j].name);

			HASH_FIND_STR(h, k, e);
			if (e) {
				free(k);
				continue;
			}
			e = calloc(1, sizeof(*e));
			if (!e)
				abort();
			e->key = k;
			e->file = xstrdup(f);
			HASH_ADD_KEYPTR(hh, h, e->key, strlen(e->key), e);
		}
		aset_release(&s);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return h;
}

static void dents_free(struct dent *h)
{
	struct dent *e, *tmp;

	HASH_ITER (hh, h, e, tmp) {
		HASH_DEL(h, e);
		free(e->key);
		free(e->file);
		free(e);
	}
}

/* The file other than @a's own that defines @a, or NULL. */
static const char *defined_elsewhere(struct dent *h, const struct aobj *a)
{
	char *k = ident(a->api, a->kind, a->ns, a->name);
	struct dent *e;

	HASH_FIND_STR(h, k, e);
	free(k);
	return e && strcmp(e->file, a->file) ? e->file : NULL;
}

/* The daemon's directory (asked over the API). */
static int ask_dir(int fd, char **dir)
{
	struct json_object *req = json_object_new_object(), *rep, *v;
	int ret;

	json_object_object_add(req, "command",
			       json_object_new_string("status"));
	ret = cli_api_call(fd, req, 10000, &rep);
	json_object_put(req);
	if (ret)
		return ret;
	/* the daemon answered: an error reply is its refusal, as for get */
	if (!cli_api_ok(rep, "status")) {
		json_object_put(rep);
		return EXIT_KERNEL;
	}
	v = cli_api_get(rep, "datastore.directory");
	if (!v) {
		struct json_object *t = cli_api_get(rep, "datastore.type");

		fprintf(stderr,
			"%s: stratad reads the %s datastore, not a directory: change the resources there\n",
			cli.prog, t ? json_object_get_string(t) : "?");
		json_object_put(rep);
		return EXIT_KERNEL;
	}
	*dir = xstrdup(json_object_get_string(v));
	json_object_put(rep);
	return EXIT_OK;
}

/* Whether @path holds exactly @text. */
static bool same_content(const char *path, const char *text)
{
	size_t len = strlen(text), got = 0;
	char *buf;
	FILE *f = fopen(path, "re");
	bool same;

	if (!f)
		return false;
	buf = malloc(len + 2);
	if (!buf)
		abort();
	got = fread(buf, 1, len + 1, f);
	fclose(f);
	same = got == len && !memcmp(buf, text, len);
	free(buf);
	return same;
}

static int write_atomic(const char *dir, const char *name, const char *text)
{
	char *tmp, *path;
	size_t len = strlen(text);
	int fd, ret = 0;

	if (asprintf(&tmp, "%s/.%s.tmp", dir, name) < 0 ||
	    asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
	} else {
		if (write(fd, text, len) != (ssize_t)len || fsync(fd))
			ret = -EIO;
		if (close(fd) && !ret)
			ret = -errno;
		if (!ret && rename(tmp, path))
			ret = -errno;
		if (ret)
			unlink(tmp);
	}
	if (ret)
		fprintf(stderr, "%s: %s: %s\n", cli.prog, path, strerror(-ret));
	free(tmp);
	free(path);
	return ret;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* "networkpolicy.networking.k8s.io/api" as kubectl prints it. */
static void print_ref(const struct aobj *a)
{
	const char *slash = strchr(a->api, '/');
	const char *k;

	for (k = a->kind; *k; k++)
		putchar(*k >= 'A' && *k <= 'Z' ? *k - 'A' + 'a' : *k);
	if (slash)
		printf(".%.*s", (int)(slash - a->api), a->api);
	printf("/%s", a->name);
}

static int change(const struct aopts *o, struct aset *s, const char *dir)
{
	struct dent *defs = scan_dir(o, dir);
	const char *other;
	size_t i;
	int failed = 0;

	/* an object a hand-written file defines is the daemon's from there:
	 * writing it here would not change what is programmed */
	for (i = 0; i < s->n; i++) {
		other = defined_elsewhere(defs, &s->v[i]);
		if (!other)
			continue;
		fprintf(stderr,
			"%s: %s %s%s%s is defined in %s/%s, which stratactl %s does not manage: change that file\n",
			cli.prog, s->v[i].kind, s->v[i].ns,
			*s->v[i].ns ? "/" : "", s->v[i].name, dir, other,
			o->del ? "delete" : "apply");
		failed++;
	}
	dents_free(defs);
	if (failed)
		return -failed;
	for (i = 0; i < s->n; i++) {
		struct aobj *a = &s->v[i];
		char *path;

		if (asprintf(&path, "%s/%s", dir, a->file) < 0)
			abort();
		if (o->del) {
			if (!unlink(path))
				a->action = "deleted";
			else if (errno == ENOENT)
				a->action = "not found";
			else {
				fprintf(stderr, "%s: %s: %s\n", cli.prog, path,
					strerror(errno));
				a->action = "failed";
				failed++;
			}
		} else {
			const char *text = json_object_to_json_string_ext(
				a->obj, JSON_C_TO_STRING_PRETTY |
						JSON_C_TO_STRING_SPACED |
						JSON_C_TO_STRING_NOSLASHESCAPE);
			char *line;
			bool exists = !access(path, F_OK);

			if (asprintf(&line, "%s\n", text) < 0)
				abort();
			if (exists && same_content(path, line)) {
				a->action = "unchanged";
			} else if (write_atomic(dir, a->file, line)) {
				a->action = "failed";
				failed++;
			} else {
				a->action = exists ? "configured" : "created";
			}
			free(line);
		}
		free(path);
	}
	sync_dir(dir);
	return failed;
}

static int wait_programmed(int fd, unsigned int timeout_s,
			   struct json_object **out)
{
	struct json_object *req = json_object_new_object(), *rep;
	int ret;

	json_object_object_add(req, "command", json_object_new_string("wait"));
	json_object_object_add(
		req, "timeoutMs",
		json_object_new_int64((int64_t)timeout_s * 1000));
	ret = cli_api_call(fd, req, timeout_s * 1000 + 10000, &rep);
	json_object_put(req);
	if (ret)
		return ret;
	*out = rep;
	if (!cli_api_ok(rep, "waiting for stratad to program the change"))
		return EXIT_KERNEL;
	return EXIT_OK;
}

static int parse_args(int argc, char **argv, struct aopts *o,
		      cli_usage_fn usage)
{
	int i;

	o->paths = calloc((size_t)argc + 1, sizeof(*o->paths));
	if (!o->paths)
		return cli_usage_error(usage, "out of memory");
	o->timeout_s = 30;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-f") || !strcmp(a, "--filename")) {
			if (++i == argc)
				return cli_usage_error(usage, "%s needs a path",
						       a);
			o->paths[o->n_paths++] = argv[i];
		} else if (!strcmp(a, "--dir") || !strcmp(a, "--socket") ||
			   !strcmp(a, "--timeout")) {
			if (++i == argc)
				return cli_usage_error(usage,
						       "%s needs a value", a);
			if (!strcmp(a, "--dir")) {
				o->dir = argv[i];
			} else if (!strcmp(a, "--socket")) {
				o->sock = argv[i];
			} else {
				char *end;
				unsigned long t = strtoul(argv[i], &end, 10);

				if (*end || !*argv[i] || !t || t > 3600)
					return cli_usage_error(
						usage,
						"--timeout takes 1 to 3600 seconds");
				o->timeout_s = (unsigned int)t;
			}
		} else if (!strcmp(a, "--no-wait")) {
			o->no_wait = true;
		} else if (o->del && !strcmp(a, "--ignore-not-found")) {
			o->ignore_missing = true;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error(usage, "unknown option \"%s\"",
					       a);
		} else {
			o->paths[o->n_paths++] = a;
		}
	}
	if (!o->n_paths)
		return cli_usage_error(usage, "at least one -f PATH is needed");
	return EXIT_OK;
}

static int run(int argc, char **argv, bool del)
{
	cli_usage_fn usage = del ? usage_delete : usage_apply;
	struct aopts o = { .del = del };
	struct aset s = { 0 };
	struct json_object *prog = NULL, *out, *arr;
	struct diags d;
	char *dir = NULL;
	size_t i, missing = 0;
	int fd = -1, ret, failed;

	ret = parse_args(argc, argv, &o, usage);
	if (ret)
		goto out;
	diags_init(&d);
	for (i = 0; i < o.n_paths; i++)
		read_path(&o, &s, o.paths[i], &d);
	diags_sort(&d);
	diags_print(&d, stderr);
	if (d.errors) {
		fprintf(stderr, "%s: %s: %u error%s: nothing was %s\n",
			cli.prog, del ? "delete" : "apply", d.errors,
			d.errors == 1 ? "" : "s", del ? "deleted" : "written");
		diags_release(&d);
		ret = EXIT_INVALID;
		goto out;
	}
	diags_release(&d);
	if (!o.no_wait || !o.dir) {
		ret = cli_api_connect(cli_api_socket(o.sock), &fd);
		if (ret)
			goto out;
	}
	if (o.dir)
		dir = xstrdup(o.dir);
	else if ((ret = ask_dir(fd, &dir)))
		goto out;
	failed = change(&o, &s, dir);
	if (failed < 0) {
		fprintf(stderr, "%s: %s: nothing was %s\n", cli.prog,
			del ? "delete" : "apply", del ? "deleted" : "written");
		ret = EXIT_INVALID;
		goto out;
	}
	for (i = 0; i < s.n; i++)
		missing += !strcmp(s.v[i].action, "not found");
	if (!cli.json) {
		for (i = 0; i < s.n; i++) {
			print_ref(&s.v[i]);
			printf(" %s\n", s.v[i].action);
		}
	}
	ret = failed ? EXIT_INVALID : EXIT_OK;
	if (!failed && !o.no_wait) {
		ret = wait_programmed(fd, o.timeout_s, &prog);
		if (!ret && !cli.json)
			printf("programmed: generation %s (waited %s ms)\n",
			       json_object_get_string(
				       cli_api_get(prog, "generation")),
			       json_object_get_string(
				       cli_api_get(prog, "waitedMs")));
	}
	if (cli.json) {
		out = json_object_new_object();
		arr = json_object_new_array();
		for (i = 0; i < s.n; i++) {
			struct json_object *e = json_object_new_object();

			json_object_object_add(
				e, "apiVersion",
				json_object_new_string(s.v[i].api));
			json_object_object_add(
				e, "kind", json_object_new_string(s.v[i].kind));
			json_object_object_add(
				e, "namespace",
				json_object_new_string(s.v[i].ns));
			json_object_object_add(
				e, "name", json_object_new_string(s.v[i].name));
			json_object_object_add(
				e, "file", json_object_new_string(s.v[i].file));
			json_object_object_add(
				e, "action",
				json_object_new_string(s.v[i].action));
			json_object_array_add(arr, e);
		}
		json_object_object_add(out, "objects", arr);
		if (prog && !ret) {
			json_object_object_add(out, "generation",
					       json_object_get(cli_api_get(
						       prog, "generation")));
			json_object_object_add(
				out, "waitedMs",
				json_object_get(cli_api_get(prog, "waitedMs")));
		}
		cli_print_json(out);
		json_object_put(out);
	}
	if (!ret && missing && !o.ignore_missing) {
		fprintf(stderr, "%s: delete: %zu object%s not found in %s\n",
			cli.prog, missing, missing == 1 ? "" : "s", dir);
		ret = EXIT_KERNEL;
	}
out:
	json_object_put(prog);
	if (fd >= 0)
		close(fd);
	free(dir);
	aset_release(&s);
	free(o.paths);
	return ret;
}

int cmd_apply(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cmd_delete(int argc, char **argv)
{
	return run(argc, argv, true);
}
