// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Kubernetes API datastore: see ds_k8s.h for the protocol it speaks and
 * the events it reports.
 *
 * Structure: one struct k8s_kind per resource, each with at most one HTTP
 * request in flight (a list page or a watch), all on one libcurl multi
 * handle whose sockets and timer are sd-event sources. Response bodies are
 * parsed as they arrive: list bodies by a small structural scanner that
 * hands each element of "items" to a json-c tokener, watch bodies line by
 * line (one event per line) with the tokener fed incrementally.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <yaml.h>
#include "ds_k8s.h"

#define K8S_TOK_DEPTH	128
#define K8S_ERRBODY_MAX 65536
#define K8S_LINE_MAX	(64u << 20)
#define K8S_TOKEN_MAX	65536

/* -------------------------------------------------------------------- */
/* Resources                                                             */

#define CRD(plural, kind, ns)                                                  \
	{                                                                      \
		plural ".crd.projectcalico.org",                               \
			"/apis/crd.projectcalico.org/v1/" plural, kind,        \
			"crd.projectcalico.org/v1", "projectcalico.org/v3", ns \
	}
#define ANP "policy.networking.k8s.io"

static const struct ds_k8s_resource k8s_resources[] = {
	{ "pods", "/api/v1/pods", "Pod", "v1", "v1", true },
	{ "namespaces", "/api/v1/namespaces", "Namespace", "v1", "v1", false },
	{ "serviceaccounts", "/api/v1/serviceaccounts", "ServiceAccount", "v1",
	  "v1", true },
	{ "networkpolicies.networking.k8s.io",
	  "/apis/networking.k8s.io/v1/networkpolicies", "NetworkPolicy",
	  "networking.k8s.io/v1", "networking.k8s.io/v1", true },
	{ "adminnetworkpolicies." ANP,
	  "/apis/" ANP "/v1alpha1/adminnetworkpolicies", "AdminNetworkPolicy",
	  ANP "/v1alpha1", ANP "/v1alpha1", false },
	{ "baselineadminnetworkpolicies." ANP,
	  "/apis/" ANP "/v1alpha1/baselineadminnetworkpolicies",
	  "BaselineAdminNetworkPolicy", ANP "/v1alpha1", ANP "/v1alpha1",
	  false },
	{ "clusternetworkpolicies." ANP,
	  "/apis/" ANP "/v1alpha2/clusternetworkpolicies",
	  "ClusterNetworkPolicy", ANP "/v1alpha2", ANP "/v1alpha2", false },
	CRD("tiers", "Tier", false),
	CRD("globalnetworkpolicies", "GlobalNetworkPolicy", false),
	CRD("networkpolicies", "NetworkPolicy", true),
	CRD("stagedglobalnetworkpolicies", "StagedGlobalNetworkPolicy", false),
	CRD("stagednetworkpolicies", "StagedNetworkPolicy", true),
	CRD("stagedkubernetesnetworkpolicies", "StagedKubernetesNetworkPolicy",
	    true),
	CRD("globalnetworksets", "GlobalNetworkSet", false),
	CRD("networksets", "NetworkSet", true),
	CRD("hostendpoints", "HostEndpoint", false),
	CRD("felixconfigurations", "FelixConfiguration", false),
};

/**
 * ds_k8s_resources() - every resource the datastore knows
 * @n: set to the number of entries
 *
 * Return: the table, in the order kinds are listed.
 */
const struct ds_k8s_resource *ds_k8s_resources(size_t *n)
{
	*n = sizeof(k8s_resources) / sizeof(k8s_resources[0]);
	return k8s_resources;
}

/**
 * ds_k8s_resource_find() - a resource by name ("pods",
 * "tiers.crd.projectcalico.org", ...)
 * @name: the name
 *
 * Return: the entry or NULL.
 */
const struct ds_k8s_resource *ds_k8s_resource_find(const char *name)
{
	size_t i, n;
	const struct ds_k8s_resource *r = ds_k8s_resources(&n);

	for (i = 0; i < n; i++)
		if (!strcmp(r[i].name, name))
			return &r[i];
	return NULL;
}

/* -------------------------------------------------------------------- */
/* Small helpers                                                         */

static void k8s_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void k8s_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool k8s_isws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static uint64_t k8s_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Read a whole (small) file; NUL-terminated, length in *len. */
static char *k8s_read_file(const char *path, size_t max, size_t *len,
			   int *errnum)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		*errnum = errno;
		return NULL;
	}
	for (;;) {
		size_t got;

		if (cap - n < 4096) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				*errnum = ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			*errnum = EFBIG;
			goto fail;
		}
		if (got == 0) {
			if (ferror(f)) {
				*errnum = EIO;
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	if (!buf) {
		buf = malloc(1);
		if (!buf) {
			*errnum = ENOMEM;
			return NULL;
		}
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

static int k8s_b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Standard (or URL-safe) base64, padding optional, whitespace ignored. */
static char *k8s_b64decode(const char *s, size_t *len)
{
	size_t n = strlen(s), o = 0;
	char *out = malloc(n / 4 * 3 + 4);
	unsigned int acc = 0;
	int bits = 0;
	bool pad = false;

	if (!out)
		return NULL;
	for (; *s; s++) {
		int v;

		if (k8s_isws(*s))
			continue;
		if (*s == '=') {
			pad = true;
			continue;
		}
		v = k8s_b64val((unsigned char)*s);
		if (v < 0 || pad) {
			free(out);
			return NULL;
		}
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 6) { /* a lone sextet cannot be */
		free(out);
		return NULL;
	}
	out[o] = '\0';
	*len = o;
	return out;
}

/* -------------------------------------------------------------------- */
/* Connection settings: kubeconfig and in-cluster                        */

/**
 * ds_k8s_conn_clear() - free what a struct ds_k8s_conn owns and zero it
 * @c: the settings
 */
void ds_k8s_conn_clear(struct ds_k8s_conn *c)
{
	free(c->server);
	free(c->ca_file);
	free(c->ca_data);
	free(c->token);
	free(c->token_file);
	free(c->cert_file);
	free(c->key_file);
	free(c->cert_data);
	free(c->key_data);
	memset(c, 0, sizeof(*c));
}

static yaml_node_t *k8s_ymap(yaml_document_t *d, yaml_node_t *map,
			     const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

/* A non-empty scalar, or NULL (absent, empty, null, not a scalar). */
static const char *k8s_yscalar(yaml_node_t *n)
{
	const char *s;

	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	s = (const char *)n->data.scalar.value;
	if (!*s || (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    (!strcmp(s, "null") || !strcmp(s, "~"))))
		return NULL;
	return s;
}

/* The @field mapping of the element of sequence @seq named @name. */
static yaml_node_t *k8s_ynamed(yaml_document_t *d, yaml_node_t *seq,
			       const char *name, const char *field)
{
	yaml_node_item_t *it;

	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return NULL;
	for (it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(d, *it);
		const char *n = k8s_yscalar(k8s_ymap(d, e, "name"));

		if (n && !strcmp(n, name)) {
			yaml_node_t *f = k8s_ymap(d, e, field);

			return f ? f : e; /* present but empty: no fields */
		}
	}
	return NULL;
}

static bool k8s_ytrue(const char *s)
{
	return s && (!strcmp(s, "true") || !strcmp(s, "True") ||
		     !strcmp(s, "TRUE") || !strcmp(s, "yes"));
}

/* A path from a kubeconfig: relative ones are relative to its directory. */
static char *k8s_kpath(const char *kubeconfig, const char *p)
{
	const char *slash;
	char *out;

	if (p[0] == '/' || !(slash = strrchr(kubeconfig, '/')))
		return strdup(p);
	if (asprintf(&out, "%.*s/%s", (int)(slash - kubeconfig), kubeconfig,
		     p) < 0)
		return NULL;
	return out;
}

static int k8s_kdata(const char *path, const char *what, const char *owner,
		     const char *b64, char **data, size_t *len, char *err,
		     size_t errlen)
{
	*data = k8s_b64decode(b64, len);
	if (!*data) {
		k8s_err(err, errlen, "kubeconfig %s: %s: %s is not base64",
			path, owner, what);
		return -EINVAL;
	}
	return 0;
}

/**
 * ds_k8s_conn_from_kubeconfig() - connection settings from a kubeconfig
 * @c: filled in (zeroed first; ds_k8s_conn_clear() it)
 * @path: the kubeconfig file
 * @context: the context to use; NULL: current-context
 * @err: a message on failure
 * @errlen: its size
 *
 * Reads the context's cluster (server, certificate-authority[-data],
 * insecure-skip-tls-verify) and user (token, tokenFile,
 * client-certificate[-data], client-key[-data]). Relative file names are
 * relative to the kubeconfig's directory. Exec plugins and auth providers
 * are refused: stratad does not run programs to get credentials.
 *
 * Return: 0 or a negative errno with @err set.
 */
int ds_k8s_conn_from_kubeconfig(struct ds_k8s_conn *c, const char *path,
				const char *context, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *ctx, *cl, *user;
	const char *cluster_name, *user_name, *s;
	char *text;
	size_t len;
	int rc = -EINVAL, e;

	memset(c, 0, sizeof(*c));
	text = k8s_read_file(path, 16u << 20, &len, &e);
	if (!text) {
		k8s_err(err, errlen, "kubeconfig %s: %s", path, strerror(e));
		return -e;
	}
	if (!yaml_parser_initialize(&parser)) {
		free(text);
		k8s_err(err, errlen, "kubeconfig %s: out of memory", path);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		k8s_err(err, errlen, "kubeconfig %s: line %zu: %s", path,
			parser.problem_mark.line + 1,
			parser.problem ? parser.problem : "not YAML");
		yaml_parser_delete(&parser);
		free(text);
		return -EINVAL;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		k8s_err(err, errlen, "kubeconfig %s: not a mapping", path);
		goto out;
	}
	if (!context)
		context = k8s_yscalar(k8s_ymap(&doc, root, "current-context"));
	if (!context) {
		k8s_err(err, errlen,
			"kubeconfig %s: no current-context and no context given",
			path);
		goto out;
	}
	ctx = k8s_ynamed(&doc, k8s_ymap(&doc, root, "contexts"), context,
			 "context");
	if (!ctx) {
		k8s_err(err, errlen, "kubeconfig %s: context \"%s\" not found",
			path, context);
		goto out;
	}
	cluster_name = k8s_yscalar(k8s_ymap(&doc, ctx, "cluster"));
	user_name = k8s_yscalar(k8s_ymap(&doc, ctx, "user"));
	if (!cluster_name) {
		k8s_err(err, errlen,
			"kubeconfig %s: context \"%s\" names no cluster", path,
			context);
		goto out;
	}
	cl = k8s_ynamed(&doc, k8s_ymap(&doc, root, "clusters"), cluster_name,
			"cluster");
	if (!cl) {
		k8s_err(err, errlen, "kubeconfig %s: cluster \"%s\" not found",
			path, cluster_name);
		goto out;
	}
	s = k8s_yscalar(k8s_ymap(&doc, cl, "server"));
	if (!s) {
		k8s_err(err, errlen,
			"kubeconfig %s: cluster \"%s\" has no server", path,
			cluster_name);
		goto out;
	}
	c->server = strdup(s);
	len = strlen(c->server);
	while (len && c->server[len - 1] == '/')
		c->server[--len] = '\0';
	c->insecure = k8s_ytrue(
		k8s_yscalar(k8s_ymap(&doc, cl, "insecure-skip-tls-verify")));
	s = k8s_yscalar(k8s_ymap(&doc, cl, "certificate-authority-data"));
	if (s && k8s_kdata(path, "certificate-authority-data", cluster_name, s,
			   &c->ca_data, &c->ca_len, err, errlen))
		goto out;
	s = k8s_yscalar(k8s_ymap(&doc, cl, "certificate-authority"));
	if (s && !c->ca_data)
		c->ca_file = k8s_kpath(path, s);

	if (user_name) {
		user = k8s_ynamed(&doc, k8s_ymap(&doc, root, "users"),
				  user_name, "user");
		if (!user) {
			k8s_err(err, errlen,
				"kubeconfig %s: user \"%s\" not found", path,
				user_name);
			goto out;
		}
		if (k8s_ymap(&doc, user, "exec")) {
			k8s_err(err, errlen,
				"kubeconfig %s: user \"%s\": exec credential plugins are not supported (use a token, tokenFile or client certificate)",
				path, user_name);
			goto out;
		}
		if (k8s_ymap(&doc, user, "auth-provider")) {
			k8s_err(err, errlen,
				"kubeconfig %s: user \"%s\": auth providers are not supported (use a token, tokenFile or client certificate)",
				path, user_name);
			goto out;
		}
		s = k8s_yscalar(k8s_ymap(&doc, user, "token"));
		if (s)
			c->token = strdup(s);
		s = k8s_yscalar(k8s_ymap(&doc, user, "tokenFile"));
		if (s && !c->token)
			c->token_file = k8s_kpath(path, s);
		s = k8s_yscalar(
			k8s_ymap(&doc, user, "client-certificate-data"));
		if (s && k8s_kdata(path, "client-certificate-data", user_name,
				   s, &c->cert_data, &c->cert_len, err, errlen))
			goto out;
		s = k8s_yscalar(k8s_ymap(&doc, user, "client-key-data"));
		if (s && k8s_kdata(path, "client-key-data", user_name, s,
				   &c->key_data, &c->key_len, err, errlen))
			goto out;
		s = k8s_yscalar(k8s_ymap(&doc, user, "client-certificate"));
		if (s && !c->cert_data)
			c->cert_file = k8s_kpath(path, s);
		s = k8s_yscalar(k8s_ymap(&doc, user, "client-key"));
		if (s && !c->key_data)
			c->key_file = k8s_kpath(path, s);
		if (!!(c->cert_data || c->cert_file) !=
		    !!(c->key_data || c->key_file)) {
			k8s_err(err, errlen,
				"kubeconfig %s: user \"%s\": a client certificate needs a client key and the other way round",
				path, user_name);
			goto out;
		}
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(text);
	if (rc)
		ds_k8s_conn_clear(c);
	return rc;
}

/**
 * ds_k8s_conn_in_cluster() - connection settings inside a pod
 * @c: filled in (zeroed first; ds_k8s_conn_clear() it)
 * @sa_dir: the service account directory; NULL: DS_K8S_SA_DIR
 * @err: a message on failure
 * @errlen: its size
 *
 * The server is https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT,
 * verified with @sa_dir/ca.crt; the token is @sa_dir/token, read again
 * before each request (the kubelet rotates it).
 *
 * Return: 0 or a negative errno with @err set.
 */
int ds_k8s_conn_in_cluster(struct ds_k8s_conn *c, const char *sa_dir, char *err,
			   size_t errlen)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	char *tok;
	int e;

	memset(c, 0, sizeof(*c));
	if (!sa_dir)
		sa_dir = DS_K8S_SA_DIR;
	if (!host || !*host || !port || !*port) {
		k8s_err(err, errlen,
			"in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
		return -ENOENT;
	}
	if (asprintf(&c->server,
		     strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s",
		     host, port) < 0 ||
	    asprintf(&c->token_file, "%s/token", sa_dir) < 0 ||
	    asprintf(&c->ca_file, "%s/ca.crt", sa_dir) < 0) {
		ds_k8s_conn_clear(c);
		k8s_err(err, errlen, "in-cluster: out of memory");
		return -ENOMEM;
	}
	tok = k8s_read_file(c->token_file, K8S_TOKEN_MAX, NULL, &e);
	if (!tok) {
		k8s_err(err, errlen, "in-cluster: %s: %s", c->token_file,
			strerror(e));
		ds_k8s_conn_clear(c);
		return -e;
	}
	free(tok);
	if (access(c->ca_file, R_OK)) {
		e = errno;
		k8s_err(err, errlen, "in-cluster: %s: %s", c->ca_file,
			strerror(e));
		ds_k8s_conn_clear(c);
		return -e;
	}
	return 0;
}

/**
 * ds_k8s_backoff_ms() - the delay before retry number @failures
 * @failures: consecutive failures so far (0: no delay)
 * @base_ms: the first delay
 * @max_ms: the cap
 * @rnd: a random number (the jitter)
 *
 * Exponential with "equal jitter": d = min(max, base * 2^(failures-1)),
 * the delay is uniform in [d/2, d].
 *
 * Return: milliseconds.
 */
unsigned int ds_k8s_backoff_ms(unsigned int failures, unsigned int base_ms,
			       unsigned int max_ms, uint32_t rnd)
{
	uint64_t d = base_ms;
	unsigned int i;

	if (!failures)
		return 0;
	for (i = 1; i < failures && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	return (unsigned int)(d / 2 + rnd % (d - d / 2 + 1));
}

/* -------------------------------------------------------------------- */
/* The datastore                                                         */

enum k8s_req {
	K8S_NONE,
	K8S_LIST,
	K8S_WATCH,
};

enum k8s_list_mode {
	K8S_LIST_CACHE, /* resourceVersion=0, NotOlderThan */
	K8S_LIST_AT_RV, /* resourceVersion=<rv>, NotOlderThan */
	K8S_LIST_CONSISTENT, /* resourceVersion unset */
};

enum k8s_ls_state {
	LS_START,
	LS_KEY_OR_END,
	LS_KEY_NEXT,
	LS_KEY,
	LS_KEY_ESC,
	LS_COLON,
	LS_VALUE,
	LS_VALUE_TOK,
	LS_AFTER_VALUE,
	LS_ITEMS_FIRST,
	LS_ITEM_NEXT,
	LS_ITEM_TOK,
	LS_ITEM_SEP,
	LS_DONE,
};

/* Streaming list body parser state. */
struct k8s_listp {
	enum k8s_ls_state st;
	char key[16];
	size_t keylen;
	bool key_other;
	char *rv;
	char *cont;
	uint64_t items;
};

/* Watch body: one event per line. */
struct k8s_linep {
	bool bad;
	bool nonblank;
	bool have;
	struct json_object *obj;
	size_t len;
};

struct k8s_ds;

struct k8s_kind {
	struct k8s_ds *ds;
	const struct ds_k8s_resource *res;
	CURL *easy;
	struct curl_slist *hdrs;
	char *url;
	enum k8s_req req;
	enum k8s_req next; /* what the retry timer starts */
	sd_event_source *retry;
	char *rv;
	char *cont;
	enum k8s_list_mode list_mode;
	bool dirty; /* reported objects since the last DS_RESET */
	bool listed_ok; /* a list completed since the last DS_RESET */
	bool synced;
	bool missing;
	bool missing_logged;
	bool had_error;
	bool gone_streak;
	unsigned int failures;
	uint64_t malformed;
	/* the response in progress */
	json_tokener *tok;
	long code;
	bool body_started;
	char *errbody;
	size_t errlen;
	struct k8s_listp ls;
	struct k8s_linep lp;
	bool stop_gone;
	char *stop_msg;
	uint64_t watch_events;
	uint64_t req_start_us;
	char curl_err[CURL_ERROR_SIZE];
};

struct k8s_sock {
	curl_socket_t fd;
	sd_event_source *src;
};

struct k8s_ds {
	struct ds ds;
	struct ds_k8s_conn conn;
	unsigned int page_size;
	unsigned int watch_timeout_s;
	unsigned int backoff_base_ms;
	unsigned int backoff_max_ms;
	unsigned int missing_retry_ms;
	unsigned int connect_timeout_ms;
	bool consistent_list;
	bool http1;
	ds_k8s_log_fn log;
	void *log_arg;
	CURLM *multi;
	sd_event_source *timer;
	struct k8s_sock *socks;
	size_t n_socks;
	size_t cap_socks;
	struct k8s_kind *kinds;
	size_t n_kinds;
	struct ds_stats stats;
	uint64_t rnd;
	int connected; /* -1: not known yet */
	bool synced_reported;
	bool started;
	bool freeing;
	bool token_warned;
	char *token; /* the last token read */
};

static void k8s_log(struct k8s_ds *ds, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void k8s_log(struct k8s_ds *ds, int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ds->log)
		ds->log(level, buf, ds->log_arg);
	else
		fprintf(stderr, "stratad: kubernetes: %s\n", buf);
}

static uint32_t k8s_rand(struct k8s_ds *ds)
{
	/* xorshift64* */
	ds->rnd ^= ds->rnd >> 12;
	ds->rnd ^= ds->rnd << 25;
	ds->rnd ^= ds->rnd >> 27;
	return (uint32_t)((ds->rnd * 2685821657736338717ull) >> 32);
}

static void k8s_emit(struct k8s_ds *ds, const struct ds_event *ev)
{
	if (ds->freeing)
		return;
	if (ev->type == DS_UPSERT || ev->type == DS_DELETE)
		ds->stats.events++;
	ds->ds.sink(ev, ds->ds.sink_arg);
}

static void k8s_set_connected(struct k8s_ds *ds, bool up, const char *msg)
{
	struct ds_event ev = { .type = DS_STATUS, .connected = up };

	if (ds->connected == (int)up)
		return;
	ds->connected = up;
	ev.message = msg;
	k8s_log(ds, up ? LOG_INFO : LOG_WARNING, "%s", msg);
	k8s_emit(ds, &ev);
}

static void k8s_malformed(struct k8s_kind *k, const char *ns, const char *name,
			  const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void k8s_malformed(struct k8s_kind *k, const char *ns, const char *name,
			  const char *fmt, ...)
{
	struct k8s_ds *ds = k->ds;
	struct ds_event ev = {
		.type = DS_STATUS,
		.kind = k->res->kind,
		.api_version = k->res->report_api_version,
		.ns = ns ? ns : "",
		.name = name ? name : "",
		.connected = ds->connected == 1,
	};
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ds->stats.malformed++;
	/* the first ten of a kind, then every thousandth */
	if (++k->malformed <= 10 || !(k->malformed % 1000))
		k8s_log(ds, LOG_WARNING, "%s: skipped: %s (%llu so far)",
			k->res->name, msg, (unsigned long long)k->malformed);
	ev.message = msg;
	k8s_emit(ds, &ev);
}

static const char *k8s_jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *k8s_jobj(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

static void k8s_set_str(char **dst, const char *s)
{
	char *n = s ? strdup(s) : NULL;

	free(*dst);
	*dst = n;
}

/*
 * Check an object of kind @k and report it. @what: "list item", "watch
 * event". Returns false if it was malformed (already reported as such).
 */
static bool k8s_report(struct k8s_kind *k, enum ds_event_type type,
		       struct json_object *obj, const char *what)
{
	const struct ds_k8s_resource *r = k->res;
	struct json_object *md = k8s_jobj(obj, "metadata");
	const char *name = k8s_jstr(md, "name");
	const char *ns = k8s_jstr(md, "namespace");
	const char *rv = k8s_jstr(md, "resourceVersion");
	const char *kind = k8s_jstr(obj, "kind");
	const char *av = k8s_jstr(obj, "apiVersion");
	struct ds_event ev = { .type = type };

	if (!json_object_is_type(obj, json_type_object)) {
		k8s_malformed(k, NULL, NULL, "%s is not an object", what);
		return false;
	}
	if (!md || !name || !*name) {
		k8s_malformed(k, ns, NULL, "%s has no metadata.name", what);
		return false;
	}
	if (!rv || !*rv) {
		k8s_malformed(k, ns, name, "%s %s has no resourceVersion", what,
			      name);
		return false;
	}
	if (r->namespaced && (!ns || !*ns)) {
		k8s_malformed(k, NULL, name, "%s %s has no namespace", what,
			      name);
		return false;
	}
	if (!r->namespaced && ns && *ns) {
		k8s_malformed(
			k, ns, name,
			"%s %s/%s has a namespace but %s is cluster-scoped",
			what, ns, name, r->kind);
		return false;
	}
	if ((kind && strcmp(kind, r->kind)) ||
	    (av && strcmp(av, r->api_version))) {
		k8s_malformed(k, ns, name, "%s %s is a %s %s, not a %s %s",
			      what, name, av ? av : "?", kind ? kind : "?",
			      r->api_version, r->kind);
		return false;
	}
	json_object_object_add(obj, "kind", json_object_new_string(r->kind));
	json_object_object_add(obj, "apiVersion",
			       json_object_new_string(r->report_api_version));
	ev.kind = r->kind;
	ev.api_version = r->report_api_version;
	ev.ns = r->namespaced ? ns : "";
	ev.name = name;
	ev.obj = obj;
	ev.revision = rv;
	k->dirty = true;
	k8s_emit(k->ds, &ev);
	return true;
}

static void k8s_reset(struct k8s_kind *k)
{
	struct k8s_ds *ds = k->ds;
	struct ds_event ev = { .type = DS_RESET,
			       .kind = k->res->kind,
			       .api_version = k->res->report_api_version };

	ds->stats.resyncs++;
	k->dirty = false;
	k->listed_ok = false;
	k->synced = false;
	ds->synced_reported = false;
	k8s_emit(ds, &ev);
}

static void k8s_mark_synced(struct k8s_kind *k)
{
	struct k8s_ds *ds = k->ds;
	struct ds_event ev = { .type = DS_SYNCED };
	size_t i;

	k->synced = true;
	if (ds->synced_reported)
		return;
	for (i = 0; i < ds->n_kinds; i++)
		if (!ds->kinds[i].synced)
			return;
	ds->synced_reported = true;
	k8s_emit(ds, &ev);
}

/* -------------------------------------------------------------------- */
/* Body parsers                                                          */

/*
 * Feed @n bytes to the tokener. 0: needs more (all consumed); 1: a value
 * is complete (*out, *used bytes consumed; tokener reset); -1: not JSON.
 */
static int k8s_tok_feed(json_tokener *tok, const char *p, size_t n,
			struct json_object **out, size_t *used)
{
	struct json_object *o;
	enum json_tokener_error e;

	if (n > INT_MAX)
		n = INT_MAX;
	o = json_tokener_parse_ex(tok, p, (int)n);
	e = json_tokener_get_error(tok);
	if (e == json_tokener_continue) {
		*used = n;
		return 0;
	}
	if (e != json_tokener_success) {
		json_tokener_reset(tok);
		return -1;
	}
	*out = o;
	*used = json_tokener_get_parse_end(tok);
	json_tokener_reset(tok);
	return 1;
}

static int k8s_list_bad(struct k8s_kind *k, const char *why)
{
	free(k->stop_msg);
	if (asprintf(&k->stop_msg, "malformed list response: %s", why) < 0)
		k->stop_msg = NULL;
	return -1;
}

static void k8s_list_meta(struct k8s_kind *k, struct json_object *md)
{
	const char *s;

	s = k8s_jstr(md, "resourceVersion");
	if (s)
		k8s_set_str(&k->ls.rv, s);
	s = k8s_jstr(md, "continue");
	k8s_set_str(&k->ls.cont, s && *s ? s : NULL);
}

/* Scan a list body; report each item as it completes. */
static int k8s_list_feed(struct k8s_kind *k, const char *p, size_t n)
{
	struct k8s_listp *ls = &k->ls;

	while (n) {
		struct json_object *o = NULL;
		size_t used;
		char c = *p;
		int r;

		switch (ls->st) {
		case LS_START:
			if (k8s_isws(c))
				break;
			if (c != '{')
				return k8s_list_bad(k, "not a JSON object");
			ls->st = LS_KEY_OR_END;
			break;
		case LS_KEY_OR_END:
		case LS_KEY_NEXT:
			if (k8s_isws(c))
				break;
			if (c == '"') {
				ls->keylen = 0;
				ls->key_other = false;
				ls->st = LS_KEY;
				break;
			}
			if (c == '}' && ls->st == LS_KEY_OR_END) {
				ls->st = LS_DONE;
				break;
			}
			return k8s_list_bad(k, "expected a key");
		case LS_KEY:
			if (c == '\\') {
				ls->key_other = true;
				ls->st = LS_KEY_ESC;
			} else if (c == '"') {
				ls->key[ls->keylen] = '\0';
				ls->st = LS_COLON;
			} else if (ls->keylen + 1 < sizeof(ls->key)) {
				ls->key[ls->keylen++] = c;
			} else {
				ls->key_other = true;
			}
			break;
		case LS_KEY_ESC:
			ls->st = LS_KEY;
			break;
		case LS_COLON:
			if (k8s_isws(c))
				break;
			if (c != ':')
				return k8s_list_bad(k, "expected ':'");
			ls->st = LS_VALUE;
			break;
		case LS_VALUE:
			if (k8s_isws(c))
				break;
			if (!ls->key_other && !strcmp(ls->key, "items")) {
				if (c != '[')
					return k8s_list_bad(
						k, "items is not an array");
				ls->st = LS_ITEMS_FIRST;
				break;
			}
			ls->st = LS_VALUE_TOK;
			continue;
		case LS_VALUE_TOK:
			r = k8s_tok_feed(k->tok, p, n, &o, &used);
			if (r < 0)
				return k8s_list_bad(k, "not JSON");
			if (r == 0)
				return 0;
			if (!ls->key_other && !strcmp(ls->key, "metadata"))
				k8s_list_meta(k, o);
			json_object_put(o);
			p += used;
			n -= used;
			ls->st = LS_AFTER_VALUE;
			continue;
		case LS_AFTER_VALUE:
			if (k8s_isws(c))
				break;
			if (c == ',')
				ls->st = LS_KEY_NEXT;
			else if (c == '}')
				ls->st = LS_DONE;
			else
				return k8s_list_bad(k, "expected ',' or '}'");
			break;
		case LS_ITEMS_FIRST:
		case LS_ITEM_NEXT:
			if (k8s_isws(c))
				break;
			if (c == ']' && ls->st == LS_ITEMS_FIRST) {
				ls->st = LS_AFTER_VALUE;
				break;
			}
			ls->st = LS_ITEM_TOK;
			continue;
		case LS_ITEM_TOK:
			r = k8s_tok_feed(k->tok, p, n, &o, &used);
			if (r < 0)
				return k8s_list_bad(k, "an item is not JSON");
			if (r == 0)
				return 0;
			ls->items++;
			k8s_report(k, DS_UPSERT, o, "list item");
			json_object_put(o);
			p += used;
			n -= used;
			ls->st = LS_ITEM_SEP;
			continue;
		case LS_ITEM_SEP:
			if (k8s_isws(c))
				break;
			if (c == ',')
				ls->st = LS_ITEM_NEXT;
			else if (c == ']')
				ls->st = LS_AFTER_VALUE;
			else
				return k8s_list_bad(k, "expected ',' or ']'");
			break;
		case LS_DONE:
			if (!k8s_isws(c))
				return k8s_list_bad(k, "data after the object");
			break;
		}
		p++;
		n--;
	}
	return 0;
}

/* One complete watch line. Returns -1 to stop the stream. */
static int k8s_watch_event(struct k8s_kind *k, struct json_object *ev)
{
	const char *type = k8s_jstr(ev, "type");
	struct json_object *obj = k8s_jobj(ev, "object");
	const char *rv;

	if (!json_object_is_type(ev, json_type_object) || !type || !obj) {
		k8s_malformed(k, NULL, NULL,
			      "watch line is not an event (type, object)");
		return 0;
	}
	if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED") ||
	    !strcmp(type, "DELETED")) {
		if (k8s_report(k, type[0] == 'D' ? DS_DELETE : DS_UPSERT, obj,
			       "watch event")) {
			k8s_set_str(&k->rv, k8s_jstr(k8s_jobj(obj, "metadata"),
						     "resourceVersion"));
			k->watch_events++;
		}
		return 0;
	}
	if (!strcmp(type, "BOOKMARK")) {
		rv = k8s_jstr(k8s_jobj(obj, "metadata"), "resourceVersion");
		if (!rv || !*rv) {
			k8s_malformed(k, NULL, NULL,
				      "bookmark without a resourceVersion");
			return 0;
		}
		k8s_set_str(&k->rv, rv);
		k->watch_events++;
		return 0;
	}
	if (!strcmp(type, "ERROR")) {
		struct json_object *code;
		const char *msg = k8s_jstr(obj, "message");

		if (json_object_object_get_ex(obj, "code", &code) &&
		    json_object_get_int(code) == 410) {
			k->stop_gone = true;
			return -1;
		}
		free(k->stop_msg);
		if (asprintf(&k->stop_msg, "watch error %d: %s",
			     json_object_object_get_ex(obj, "code", &code)
				     ? json_object_get_int(code)
				     : 0,
			     msg ? msg : "(no message)") < 0)
			k->stop_msg = NULL;
		return -1;
	}
	k8s_malformed(k, NULL, NULL, "unknown watch event type \"%.64s\"",
		      type);
	return 0;
}

static void k8s_line_reset(struct k8s_kind *k)
{
	json_object_put(k->lp.obj);
	memset(&k->lp, 0, sizeof(k->lp));
	json_tokener_reset(k->tok);
}

static int k8s_watch_feed(struct k8s_kind *k, const char *p, size_t n)
{
	struct k8s_linep *lp = &k->lp;

	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t seg = nl ? (size_t)(nl - p) + 1 : n, i;
		int rc = 0;

		lp->len += seg;
		if (lp->len > K8S_LINE_MAX && !lp->bad) {
			lp->bad = true;
			json_object_put(lp->obj);
			lp->obj = NULL;
			lp->have = false;
		}
		if (!lp->bad && lp->have) {
			for (i = 0; i < seg; i++)
				if (!k8s_isws(p[i]))
					lp->bad = true;
		} else if (!lp->bad) {
			size_t first = 0;

			while (first < seg && k8s_isws(p[first]))
				first++;
			if (first < seg || lp->nonblank) {
				struct json_object *o = NULL;
				size_t used;
				int r;

				lp->nonblank = true;
				r = k8s_tok_feed(k->tok, p, seg, &o, &used);
				if (r < 0) {
					lp->bad = true;
				} else if (r > 0) {
					lp->have = true;
					lp->obj = o;
					for (i = used; i < seg; i++)
						if (!k8s_isws(p[i]))
							lp->bad = true;
				}
			}
		}
		if (nl) {
			if (lp->bad)
				k8s_malformed(k, NULL, NULL,
					      "watch line is not JSON");
			else if (lp->have)
				rc = k8s_watch_event(k, lp->obj);
			else if (lp->nonblank)
				k8s_malformed(k, NULL, NULL,
					      "watch line is truncated JSON");
			k8s_line_reset(k);
			if (rc < 0)
				return -1;
		}
		p += seg;
		n -= seg;
	}
	return 0;
}

/* -------------------------------------------------------------------- */
/* Requests                                                              */

static void k8s_list_start(struct k8s_kind *k);
static void k8s_watch_start(struct k8s_kind *k);
static void k8s_check_done(struct k8s_ds *ds);

static size_t k8s_on_body(char *p, size_t sz, size_t nm, void *arg)
{
	struct k8s_kind *k = arg;
	size_t n = sz * nm;

	if (!k->body_started) {
		k->body_started = true;
		curl_easy_getinfo(k->easy, CURLINFO_RESPONSE_CODE, &k->code);
		k8s_set_connected(k->ds, true, "connected to the API server");
		if (k->code >= 200 && k->code <= 299 && k->had_error) {
			k->ds->stats.reconnects++;
			k->had_error = false;
		}
		if (k->code >= 200 && k->code <= 299 && k->req == K8S_WATCH)
			k->failures = 0;
	}
	if (k->code < 200 || k->code > 299) {
		size_t room = K8S_ERRBODY_MAX - k->errlen;
		char *nb;

		if (n < room)
			room = n;
		if (room) {
			nb = realloc(k->errbody, k->errlen + room + 1);
			if (!nb)
				return n;
			k->errbody = nb;
			memcpy(k->errbody + k->errlen, p, room);
			k->errlen += room;
			k->errbody[k->errlen] = '\0';
		}
		return n;
	}
	if (k->req == K8S_LIST ? k8s_list_feed(k, p, n)
			       : k8s_watch_feed(k, p, n))
		return CURL_WRITEFUNC_ERROR;
	return n;
}

static void k8s_refresh_token(struct k8s_ds *ds)
{
	char *t;
	size_t len;
	int e;

	if (!ds->conn.token_file)
		return;
	t = k8s_read_file(ds->conn.token_file, K8S_TOKEN_MAX, &len, &e);
	if (!t) {
		if (!ds->token_warned)
			k8s_log(ds, LOG_WARNING,
				"%s: %s (using the last token read)",
				ds->conn.token_file, strerror(e));
		ds->token_warned = true;
		return;
	}
	ds->token_warned = false;
	while (len && k8s_isws(t[len - 1]))
		t[--len] = '\0';
	free(ds->token);
	ds->token = t;
}

static int k8s_request(struct k8s_kind *k, enum k8s_req req, char *url)
{
	struct k8s_ds *ds = k->ds;
	const char *token;
	CURL *e;

	e = curl_easy_init();
	if (!e) {
		free(url);
		return -ENOMEM;
	}
	k->easy = e;
	k->req = req;
	free(k->url);
	k->url = url;
	k->code = 0;
	k->body_started = false;
	k->stop_gone = false;
	k->watch_events = 0;
	k->req_start_us = k8s_now_us();
	k->curl_err[0] = '\0';
	free(k->ls.rv);
	free(k->ls.cont);
	memset(&k->ls, 0, sizeof(k->ls));
	free(k->errbody);
	k->errbody = NULL;
	k->errlen = 0;
	free(k->stop_msg);
	k->stop_msg = NULL;
	k8s_line_reset(k);

	k8s_refresh_token(ds);
	token = ds->conn.token ? ds->conn.token : ds->token;
	curl_slist_free_all(k->hdrs);
	k->hdrs = curl_slist_append(NULL, "Accept: application/json");
	if (token && *token) {
		char *h;

		if (asprintf(&h, "Authorization: Bearer %s", token) >= 0) {
			k->hdrs = curl_slist_append(k->hdrs, h);
			free(h);
		}
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, k->hdrs);
	curl_easy_setopt(e, CURLOPT_USERAGENT,
			 "stratad (kubernetes datastore)");
	curl_easy_setopt(e, CURLOPT_PRIVATE, k);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, k8s_on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, k->curl_err);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
			 ds->http1 ? CURL_HTTP_VERSION_1_1
				   : CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)ds->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 10L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	if (ds->conn.ca_data) {
		struct curl_blob b = { ds->conn.ca_data, ds->conn.ca_len,
				       CURL_BLOB_NOCOPY };

		curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &b);
	} else if (ds->conn.ca_file) {
		curl_easy_setopt(e, CURLOPT_CAINFO, ds->conn.ca_file);
	}
	if (ds->conn.cert_data) {
		struct curl_blob b = { ds->conn.cert_data, ds->conn.cert_len,
				       CURL_BLOB_NOCOPY };

		curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &b);
		curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
	} else if (ds->conn.cert_file) {
		curl_easy_setopt(e, CURLOPT_SSLCERT, ds->conn.cert_file);
	}
	if (ds->conn.key_data) {
		struct curl_blob b = { ds->conn.key_data, ds->conn.key_len,
				       CURL_BLOB_NOCOPY };

		curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &b);
		curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
	} else if (ds->conn.key_file) {
		curl_easy_setopt(e, CURLOPT_SSLKEY, ds->conn.key_file);
	}
	if (ds->conn.insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (req == K8S_LIST) {
		/* API servers gzip large lists; a stalled one is abandoned. */
		curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
		curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 256L * 1024);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 60L);
	} else {
		/* The server ends the watch after timeoutSeconds. */
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
				 (2L * ds->watch_timeout_s + 30) * 1000);
	}
	if (curl_multi_add_handle(ds->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		k->easy = NULL;
		k->req = K8S_NONE;
		return -ENOMEM;
	}
	return 0;
}

static int k8s_retry_fire(sd_event_source *s, uint64_t usec, void *arg)
{
	struct k8s_kind *k = arg;

	if (k->next == K8S_WATCH)
		k8s_watch_start(k);
	else
		k8s_list_start(k);
	return 0;
}

static void k8s_schedule(struct k8s_kind *k, enum k8s_req next, unsigned int ms)
{
	struct k8s_ds *ds = k->ds;
	uint64_t now;

	k->next = next;
	if (!ms) {
		if (next == K8S_WATCH)
			k8s_watch_start(k);
		else
			k8s_list_start(k);
		return;
	}
	sd_event_now(ds->ds.loop, CLOCK_MONOTONIC, &now);
	if (!k->retry) {
		if (sd_event_add_time(ds->ds.loop, &k->retry, CLOCK_MONOTONIC,
				      now + (uint64_t)ms * 1000, 1000,
				      k8s_retry_fire, k) < 0) {
			k8s_log(ds, LOG_ERR, "%s: cannot arm a timer",
				k->res->name);
			return;
		}
	} else {
		sd_event_source_set_time(k->retry, now + (uint64_t)ms * 1000);
	}
	sd_event_source_set_enabled(k->retry, SD_EVENT_ONESHOT);
}

/* A failed request: count, log, retry after a backoff. */
static void k8s_fail(struct k8s_kind *k, enum k8s_req next,
		     unsigned int retry_after_ms, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void k8s_fail(struct k8s_kind *k, enum k8s_req next,
		     unsigned int retry_after_ms, const char *fmt, ...)
{
	struct k8s_ds *ds = k->ds;
	unsigned int ms;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ds->stats.errors++;
	k->had_error = true;
	k->failures++;
	ms = ds_k8s_backoff_ms(k->failures, ds->backoff_base_ms,
			       ds->backoff_max_ms, k8s_rand(ds));
	if (ms < retry_after_ms)
		ms = retry_after_ms;
	if (!(k->failures & (k->failures - 1)))
		k8s_log(ds, LOG_WARNING,
			"%s: %s (failure %u, retrying in %u ms)", k->res->name,
			msg, k->failures, ms);
	k8s_schedule(k, next, ms);
}

static char *k8s_url(struct k8s_kind *k, const char *query)
{
	char *u;

	if (asprintf(&u, "%s%s?%s", k->ds->conn.server, k->res->path, query) <
	    0)
		return NULL;
	return u;
}

static void k8s_list_start(struct k8s_kind *k)
{
	struct k8s_ds *ds = k->ds;
	char *q = NULL, *esc = NULL, *url;
	int r;

	/*
	 * A list from the start reads a new snapshot: whatever an abandoned
	 * list reported may be gone from it, and its deletion predates the
	 * watch that follows. Start from a clean slate.
	 */
	if (!k->cont && k->dirty)
		k8s_reset(k);

	if (k->cont) {
		esc = curl_easy_escape(NULL, k->cont, 0);
		r = asprintf(&q, "continue=%s&limit=%u", esc ? esc : "",
			     ds->page_size);
	} else if (k->list_mode == K8S_LIST_CONSISTENT || ds->consistent_list) {
		r = asprintf(&q, "limit=%u", ds->page_size);
	} else if (k->list_mode == K8S_LIST_AT_RV && k->rv) {
		esc = curl_easy_escape(NULL, k->rv, 0);
		r = asprintf(
			&q,
			"limit=%u&resourceVersion=%s&resourceVersionMatch=NotOlderThan",
			ds->page_size, esc ? esc : "");
	} else {
		r = asprintf(
			&q,
			"limit=%u&resourceVersion=0&resourceVersionMatch=NotOlderThan",
			ds->page_size);
	}
	curl_free(esc);
	url = r < 0 ? NULL : k8s_url(k, q);
	free(q);
	if (!url || k8s_request(k, K8S_LIST, url))
		k8s_fail(k, K8S_LIST, 0, "out of memory");
}

static void k8s_watch_start(struct k8s_kind *k)
{
	struct k8s_ds *ds = k->ds;
	unsigned int t = ds->watch_timeout_s;
	char *q = NULL, *esc, *url;
	int r;

	t += k8s_rand(ds) % t;
	esc = curl_easy_escape(NULL, k->rv ? k->rv : "", 0);
	r = asprintf(
		&q,
		"allowWatchBookmarks=true&resourceVersion=%s&timeoutSeconds=%u&watch=true",
		esc ? esc : "", t);
	curl_free(esc);
	url = r < 0 ? NULL : k8s_url(k, q);
	free(q);
	if (!url || k8s_request(k, K8S_WATCH, url))
		k8s_fail(k, K8S_WATCH, 0, "out of memory");
}

/* The message of a Status body (or the start of whatever it is). */
static char *k8s_status_msg(struct k8s_kind *k)
{
	struct json_object *o;
	char *m = NULL;

	if (!k->errbody)
		return strdup("(no body)");
	o = json_tokener_parse(k->errbody);
	if (o && k8s_jstr(o, "message")) {
		const char *reason = k8s_jstr(o, "reason");

		if (asprintf(&m, "%s%s%s", reason ? reason : "",
			     reason ? ": " : "", k8s_jstr(o, "message")) < 0)
			m = NULL;
	}
	json_object_put(o);
	if (!m && asprintf(&m, "%.200s", k->errbody) < 0)
		m = NULL;
	return m;
}

static void k8s_missing(struct k8s_kind *k)
{
	struct k8s_ds *ds = k->ds;

	if (!k->missing_logged)
		k8s_log(ds, LOG_INFO,
			"%s: not served by the API server (HTTP 404: CRD not installed or API not enabled); retrying every %u s",
			k->res->name, (ds->missing_retry_ms + 999) / 1000);
	k->missing_logged = true;
	k->missing = true;
	k->failures = 0;
	free(k->cont);
	k->cont = NULL;
	k->list_mode = K8S_LIST_CACHE;
	if (k->dirty || k->listed_ok)
		k8s_reset(k);
	k8s_mark_synced(k);
	k8s_schedule(k, K8S_LIST, ds->missing_retry_ms);
}

static void k8s_list_done(struct k8s_kind *k, CURLcode rc, long code,
			  unsigned int retry_after_ms)
{
	struct k8s_ds *ds = k->ds;
	char *m;

	if (rc == CURLE_OK && code == 200) {
		if (k->ls.st != LS_DONE) {
			k8s_fail(k, K8S_LIST, 0,
				 "malformed list response: truncated");
			return;
		}
		if (!k->ls.rv) {
			k8s_fail(k, K8S_LIST, 0,
				 "malformed list response: no resourceVersion");
			return;
		}
		if (k->had_error)
			ds->stats.reconnects++;
		k->had_error = false;
		k->failures = 0;
		k->gone_streak = false;
		if (k->missing_logged)
			k8s_log(ds, LOG_INFO, "%s: now served", k->res->name);
		k->missing_logged = false;
		k->missing = false;
		if (k->ls.cont) {
			k8s_set_str(&k->cont, k->ls.cont);
			k8s_list_start(k);
			return;
		}
		free(k->cont);
		k->cont = NULL;
		k8s_set_str(&k->rv, k->ls.rv);
		k->listed_ok = true;
		k8s_mark_synced(k);
		k8s_watch_start(k);
		return;
	}
	if (rc == CURLE_OK && code == 410) {
		m = k8s_status_msg(k);
		k8s_log(ds, LOG_INFO,
			"%s: list answered 410 Gone (%s): listing again from the latest revision",
			k->res->name, m ? m : "");
		free(m);
		free(k->cont);
		k->cont = NULL;
		k->list_mode = K8S_LIST_CONSISTENT;
		if (k->dirty || k->listed_ok)
			k8s_reset(k);
		if (k->gone_streak) {
			k8s_fail(k, K8S_LIST, 0,
				 "list answered 410 Gone again");
			return;
		}
		k->gone_streak = true;
		k8s_list_start(k);
		return;
	}
	if (rc == CURLE_OK && code == 404) {
		k8s_missing(k);
		return;
	}
	if (rc == CURLE_OK) {
		m = k8s_status_msg(k);
		k8s_fail(k, K8S_LIST, retry_after_ms, "list: HTTP %ld: %s",
			 code, m ? m : "");
		free(m);
		return;
	}
	if (k->stop_msg) {
		k8s_fail(k, K8S_LIST, 0, "%s", k->stop_msg);
		return;
	}
	k8s_fail(k, K8S_LIST, 0, "list: %s",
		 k->curl_err[0] ? k->curl_err : curl_easy_strerror(rc));
}

static void k8s_watch_done(struct k8s_kind *k, CURLcode rc, long code,
			   unsigned int retry_after_ms)
{
	struct k8s_ds *ds = k->ds;
	uint64_t lasted_ms = (k8s_now_us() - k->req_start_us) / 1000;
	char *m;

	if (k->stop_gone || (rc == CURLE_OK && code == 410)) {
		k8s_log(ds, LOG_INFO,
			"%s: resourceVersion %s is gone (410): listing again",
			k->res->name, k->rv ? k->rv : "");
		k->list_mode = K8S_LIST_AT_RV;
		free(k->cont);
		k->cont = NULL;
		k8s_reset(k);
		k8s_list_start(k);
		return;
	}
	if (rc == CURLE_OK && code == 200) {
		if (k->had_error)
			ds->stats.reconnects++;
		k->had_error = false;
		if (!k->watch_events &&
		    lasted_ms < 500u * ds->watch_timeout_s) {
			k8s_fail(k, K8S_WATCH, 0,
				 "watch closed after %llu ms without events",
				 (unsigned long long)lasted_ms);
			return;
		}
		k->failures = 0;
		k8s_watch_start(k);
		return;
	}
	if (rc == CURLE_OK && code == 404) {
		/* The CRD went away: relist (which finds it missing). */
		k->list_mode = K8S_LIST_CACHE;
		if (k->dirty || k->listed_ok)
			k8s_reset(k);
		k8s_list_start(k);
		return;
	}
	if (rc == CURLE_OK) {
		m = k8s_status_msg(k);
		k8s_fail(k, K8S_WATCH, retry_after_ms, "watch: HTTP %ld: %s",
			 code, m ? m : "");
		free(m);
		return;
	}
	if (k->stop_msg) {
		k8s_fail(k, K8S_WATCH, 0, "%s", k->stop_msg);
		return;
	}
	k8s_fail(k, K8S_WATCH, 0, "watch: %s",
		 k->curl_err[0] ? k->curl_err : curl_easy_strerror(rc));
}

static void k8s_done(struct k8s_kind *k, CURLcode rc)
{
	struct k8s_ds *ds = k->ds;
	enum k8s_req req = k->req;
	curl_off_t ra = 0;
	long code = 0;
	unsigned int ra_ms;

	curl_easy_getinfo(k->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(k->easy, CURLINFO_RETRY_AFTER, &ra);
	curl_multi_remove_handle(ds->multi, k->easy);
	curl_easy_cleanup(k->easy);
	k->easy = NULL;
	k->req = K8S_NONE;
	ra_ms = ra > 0 && ra < 3600 ? (unsigned int)ra * 1000 : 0;
	if (code)
		k8s_set_connected(ds, true, "connected to the API server");
	else if (rc != CURLE_OK && !k->stop_msg)
		k8s_set_connected(ds, false,
				  k->curl_err[0] ? k->curl_err
						 : curl_easy_strerror(rc));
	if (req == K8S_LIST)
		k8s_list_done(k, rc, code, ra_ms);
	else
		k8s_watch_done(k, rc, code, ra_ms);
}

static void k8s_check_done(struct k8s_ds *ds)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(ds->multi, &left))) {
		struct k8s_kind *k = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &k);
		k8s_done(k, msg->data.result);
	}
}

/* -------------------------------------------------------------------- */
/* libcurl on sd-event                                                   */

static int k8s_io(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct k8s_ds *ds = arg;
	int flags = 0, running;

	if (revents & EPOLLIN)
		flags |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(ds->multi, fd, flags, &running);
	k8s_check_done(ds);
	return 0;
}

static int k8s_timer_fire(sd_event_source *s, uint64_t usec, void *arg)
{
	struct k8s_ds *ds = arg;
	int running;

	curl_multi_socket_action(ds->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	k8s_check_done(ds);
	return 0;
}

static int k8s_curl_timer(CURLM *multi, long timeout_ms, void *arg)
{
	struct k8s_ds *ds = arg;
	uint64_t now;

	if (timeout_ms < 0)
		return sd_event_source_set_enabled(ds->timer, SD_EVENT_OFF) < 0
			       ? -1
			       : 0;
	sd_event_now(ds->ds.loop, CLOCK_MONOTONIC, &now);
	if (sd_event_source_set_time(ds->timer,
				     now + (uint64_t)timeout_ms * 1000) < 0 ||
	    sd_event_source_set_enabled(ds->timer, SD_EVENT_ONESHOT) < 0)
		return -1;
	return 0;
}

static int k8s_curl_sock(CURL *e, curl_socket_t fd, int what, void *arg,
			 void *sockp)
{
	struct k8s_ds *ds = arg;
	sd_event_source *src = sockp;
	uint32_t events = 0;
	size_t i;

	if (what == CURL_POLL_REMOVE) {
		for (i = 0; i < ds->n_socks; i++) {
			if (ds->socks[i].fd != fd)
				continue;
			sd_event_source_disable_unref(ds->socks[i].src);
			ds->socks[i] = ds->socks[--ds->n_socks];
			break;
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		events |= EPOLLOUT;
	if (src) {
		if (sd_event_source_set_io_events(src, events) < 0)
			return -1;
		return 0;
	}
	if (ds->n_socks == ds->cap_socks) {
		size_t cap = ds->cap_socks ? 2 * ds->cap_socks : 16;
		struct k8s_sock *ns = realloc(ds->socks, cap * sizeof(*ns));

		if (!ns)
			return -1;
		ds->socks = ns;
		ds->cap_socks = cap;
	}
	if (sd_event_add_io(ds->ds.loop, &src, fd, events, k8s_io, ds) < 0)
		return -1;
	ds->socks[ds->n_socks].fd = fd;
	ds->socks[ds->n_socks++].src = src;
	curl_multi_assign(ds->multi, fd, src);
	return 0;
}

/* -------------------------------------------------------------------- */
/* ds_ops                                                                */

static int k8s_start(struct ds *d)
{
	struct k8s_ds *ds = (struct k8s_ds *)d;
	size_t i;

	if (ds->started)
		return -EALREADY;
	ds->started = true;
	for (i = 0; i < ds->n_kinds; i++)
		k8s_list_start(&ds->kinds[i]);
	return 0;
}

static void k8s_stats(const struct ds *d, struct ds_stats *out)
{
	*out = ((const struct k8s_ds *)d)->stats;
}

static void k8s_free(struct ds *d)
{
	struct k8s_ds *ds = (struct k8s_ds *)d;
	size_t i;

	ds->freeing = true;
	for (i = 0; i < ds->n_kinds; i++) {
		struct k8s_kind *k = &ds->kinds[i];

		if (k->easy) {
			curl_multi_remove_handle(ds->multi, k->easy);
			curl_easy_cleanup(k->easy);
		}
		curl_slist_free_all(k->hdrs);
		sd_event_source_disable_unref(k->retry);
		if (k->tok)
			json_tokener_free(k->tok);
		json_object_put(k->lp.obj);
		free(k->url);
		free(k->rv);
		free(k->cont);
		free(k->errbody);
		free(k->stop_msg);
		free(k->ls.rv);
		free(k->ls.cont);
	}
	if (ds->multi)
		curl_multi_cleanup(ds->multi);
	for (i = 0; i < ds->n_socks; i++)
		sd_event_source_disable_unref(ds->socks[i].src);
	free(ds->socks);
	sd_event_source_disable_unref(ds->timer);
	sd_event_unref(ds->ds.loop);
	free(ds->kinds);
	free(ds->token);
	ds_k8s_conn_clear(&ds->conn);
	free(ds);
	curl_global_cleanup();
}

static const struct ds_ops k8s_ops = {
	.name = "kubernetes",
	.start = k8s_start,
	.stats = k8s_stats,
	.free = k8s_free,
};

/**
 * ds_k8s_new() - create the Kubernetes API datastore
 * @loop: the event loop it runs on (referenced)
 * @cfg: configuration (copied; NULL: in-cluster defaults)
 * @sink: where events go
 * @sink_arg: its argument
 * @err: a message on failure
 * @errlen: its size
 *
 * Resolves the connection (kubeconfig or in-cluster) now, so that a bad
 * configuration fails at once; nothing is sent before ds_start().
 *
 * Return: the datastore, or NULL with @err set.
 */
struct ds *ds_k8s_new(sd_event *loop, const struct ds_k8s_config *cfg,
		      ds_event_fn sink, void *sink_arg, char *err,
		      size_t errlen)
{
	static const struct ds_k8s_config defaults;
	const struct ds_k8s_resource *all;
	struct k8s_ds *ds;
	size_t i, n_all;
	int r;

	if (!cfg)
		cfg = &defaults;
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		k8s_err(err, errlen, "libcurl initialisation failed");
		return NULL;
	}
	ds = calloc(1, sizeof(*ds));
	if (!ds) {
		curl_global_cleanup();
		k8s_err(err, errlen, "out of memory");
		return NULL;
	}
	ds->ds.ops = &k8s_ops;
	ds->ds.loop = sd_event_ref(loop);
	ds->ds.sink = sink;
	ds->ds.sink_arg = sink_arg;
	ds->connected = -1;
	ds->page_size = cfg->page_size ? cfg->page_size : 500;
	ds->watch_timeout_s = cfg->watch_timeout_s ? cfg->watch_timeout_s : 300;
	ds->backoff_base_ms = cfg->backoff_base_ms ? cfg->backoff_base_ms : 250;
	ds->backoff_max_ms = cfg->backoff_max_ms ? cfg->backoff_max_ms : 30000;
	if (ds->backoff_max_ms < ds->backoff_base_ms)
		ds->backoff_max_ms = ds->backoff_base_ms;
	ds->missing_retry_ms = cfg->missing_retry_ms ? cfg->missing_retry_ms
						     : 60000;
	ds->connect_timeout_ms =
		cfg->connect_timeout_ms ? cfg->connect_timeout_ms : 10000;
	ds->consistent_list = cfg->consistent_list;
	ds->http1 = cfg->http1;
	ds->log = cfg->log;
	ds->log_arg = cfg->log_arg;
	if (getrandom(&ds->rnd, sizeof(ds->rnd), GRND_NONBLOCK) !=
	    sizeof(ds->rnd))
		ds->rnd = k8s_now_us() ^ (uint64_t)getpid();
	ds->rnd |= 1;

	r = cfg->kubeconfig
		    ? ds_k8s_conn_from_kubeconfig(&ds->conn, cfg->kubeconfig,
						  cfg->context, err, errlen)
		    : ds_k8s_conn_in_cluster(&ds->conn, cfg->sa_dir, err,
					     errlen);
	if (r)
		goto fail;

	all = ds_k8s_resources(&n_all);
	if (cfg->resources)
		for (n_all = 0; cfg->resources[n_all]; n_all++)
			;
	ds->kinds = calloc(n_all ? n_all : 1, sizeof(*ds->kinds));
	if (!ds->kinds) {
		k8s_err(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < n_all; i++) {
		struct k8s_kind *k = &ds->kinds[i];
		const struct ds_k8s_resource *res = &all[i];

		if (cfg->resources) {
			size_t j;

			res = ds_k8s_resource_find(cfg->resources[i]);
			if (!res) {
				k8s_err(err, errlen, "unknown resource \"%s\"",
					cfg->resources[i]);
				goto fail;
			}
			for (j = 0; j < i; j++)
				if (ds->kinds[j].res == res) {
					k8s_err(err, errlen,
						"resource \"%s\" listed twice",
						res->name);
					goto fail;
				}
		}
		k->ds = ds;
		k->res = res;
		k->tok = json_tokener_new_ex(K8S_TOK_DEPTH);
		ds->n_kinds++;
		if (!k->tok) {
			k8s_err(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (!ds->n_kinds) {
		k8s_err(err, errlen, "no resources to watch");
		goto fail;
	}
	ds->multi = curl_multi_init();
	if (!ds->multi || sd_event_add_time(loop, &ds->timer, CLOCK_MONOTONIC,
					    0, 1, k8s_timer_fire, ds) < 0) {
		k8s_err(err, errlen, "out of memory");
		goto fail;
	}
	sd_event_source_set_enabled(ds->timer, SD_EVENT_OFF);
	curl_multi_setopt(ds->multi, CURLMOPT_SOCKETFUNCTION, k8s_curl_sock);
	curl_multi_setopt(ds->multi, CURLMOPT_SOCKETDATA, ds);
	curl_multi_setopt(ds->multi, CURLMOPT_TIMERFUNCTION, k8s_curl_timer);
	curl_multi_setopt(ds->multi, CURLMOPT_TIMERDATA, ds);
	curl_multi_setopt(ds->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	return &ds->ds;
fail:
	k8s_free(&ds->ds);
	return NULL;
}
