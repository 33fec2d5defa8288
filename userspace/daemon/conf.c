// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratad's configuration file and -o options (conf.h): a table of keys
 * with their types, defaults and places in struct dconf.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmp.h"
#include "conf.h"
#include "ds_etcd.h"
#include "log.h"

enum key_type {
	K_STR,
	K_UINT,
	K_PORT,
	K_BOOL,
	K_DUR,
	K_DS,
	K_LEVEL,
	K_TARGET,
	K_DENY,
};

struct key {
	const char *name;
	enum key_type type;
	size_t off;
	const char *def;
	unsigned int min, max; /* K_UINT, K_DUR (ms) */
};

#define O(f) offsetof(struct dconf, f)

/* Every key, in the order stratad.conf(5) and dconf_print() list them. */
static const struct key keys[] = {
	{ "node_name", K_STR, O(node_name), "", 0, 0 },
	{ "datastore", K_DS, O(datastore), "directory", 0, 0 },
	{ "log_level", K_LEVEL, O(log_level), "info", 0, 0 },
	{ "log_target", K_TARGET, O(log_target), "auto", 0, 0 },
	{ "directory", K_STR, O(directory), "/etc/strata/resources.d", 0, 0 },
	{ "kubeconfig", K_STR, O(kubeconfig), "", 0, 0 },
	{ "kube_context", K_STR, O(kube_context), "", 0, 0 },
	{ "kube_page_size", K_UINT, O(kube_page_size), "500", 1, 100000 },
	{ "kube_watch_timeout", K_DUR, O(kube_watch_timeout_ms), "5min", 1000,
	  3600000 },
	{ "kube_http1", K_BOOL, O(kube_http1), "false", 0, 0 },
	{ "kube_consistent_list", K_BOOL, O(kube_consistent_list), "false", 0,
	  0 },
	{ "etcd_endpoints", K_STR, O(etcd_endpoints), "", 0, 0 },
	{ "etcd_prefix", K_STR, O(etcd_prefix), DS_ETCD_PREFIX, 0, 0 },
	{ "etcd_ca_file", K_STR, O(etcd_ca_file), "", 0, 0 },
	{ "etcd_cert_file", K_STR, O(etcd_cert_file), "", 0, 0 },
	{ "etcd_key_file", K_STR, O(etcd_key_file), "", 0, 0 },
	{ "etcd_username", K_STR, O(etcd_username), "", 0, 0 },
	{ "etcd_password", K_STR, O(etcd_password), "", 0, 0 },
	{ "etcd_page_limit", K_UINT, O(etcd_page_limit), "500", 1, 100000 },
	{ "coalesce", K_DUR, O(coalesce_ms), "25ms", 0, 10000 },
	{ "resync_interval", K_DUR, O(resync_interval_ms), "5min", 0,
	  86400000 },
	{ "retry_min", K_DUR, O(retry_min_ms), "250ms", 10, 600000 },
	{ "retry_max", K_DUR, O(retry_max_ms), "30s", 10, 3600000 },
	{ "deny_action", K_DENY, O(deny_reject), "drop", 0, 0 },
	{ "manage_settings", K_BOOL, O(manage_settings), "true", 0, 0 },
	{ "api_socket", K_STR, O(api_socket), "/run/strata/stratad.sock", 0,
	  0 },
	{ "endpoint_status_dir", K_STR, O(endpoint_status_dir),
	  "/run/strata/endpoint-status", 0, 0 },
	{ "metrics_address", K_STR, O(metrics_address), "127.0.0.1", 0, 0 },
	{ "metrics_port", K_PORT, O(metrics_port), "9097", 0, 65535 },
	{ "workload_routes", K_BOOL, O(workload_routes), "false", 0, 0 },
	{ "workload_iface_settings", K_BOOL, O(workload_iface_settings), "true",
	  0, 0 },
	{ "route_table", K_UINT, O(route_table), "254", 1, 0xfffffffe },
	{ "route_protocol", K_UINT, O(route_protocol), "83", 5, 255 },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const ds_names[] = {
	[DCONF_DS_DIRECTORY] = "directory",
	[DCONF_DS_KUBERNETES] = "kubernetes",
	[DCONF_DS_ETCD] = "etcd",
};

static const char *const target_names[] = {
	[DLOG_AUTO] = "auto",
	[DLOG_STDERR] = "stderr",
	[DLOG_JOURNAL] = "journal",
};

const char *dconf_ds_name(int ds)
{
	if (ds < 0 || ds > DCONF_DS_ETCD)
		return "?";
	return ds_names[ds];
}

static void *field(struct dconf *c, const struct key *k)
{
	return (char *)c + k->off;
}

static const void *cfield(const struct dconf *c, const struct key *k)
{
	return (const char *)c + k->off;
}

static const struct key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

int dconf_parse_bool(const char *s, bool *b)
{
	static const char *const t[] = { "true", "yes", "on", "1" };
	static const char *const f[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, t[i])) {
			*b = true;
			return 0;
		}
		if (!strcasecmp(s, f[i])) {
			*b = false;
			return 0;
		}
	}
	return -EINVAL;
}

int dconf_parse_duration_ms(const char *s, unsigned int *ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {
		{ "ms", 1 },	{ "s", 1000 },	  { "sec", 1000 },
		{ "m", 60000 }, { "min", 60000 }, { "h", 3600000 },
		{ "", 1000 }, /* a bare number: seconds */
	};
	char *end;
	double v;
	size_t i;

	if (!*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0)
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		v *= units[i].ms;
		if (v > UINT_MAX)
			return -ERANGE;
		if (v > 0 && v < 1)
			return -ERANGE; /* sub-millisecond */
		*ms = (unsigned int)(v + 0.5);
		return 0;
	}
	return -EINVAL;
}

static int set_str(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int set_felix(struct dconf *c, const char *key, const char *value,
		     char *err, size_t len)
{
	struct sc_settings s;
	struct sc_limits caps = { 0 };
	char why[160] = "";
	char **k, **v;
	int ret;

	/* checked against the defaults; applied for real at sync time */
	sc_settings_default(&s, &caps);
	ret = cmp_felix_setting(&s, key, value, why, sizeof(why));
	if (ret == -ENOENT) {
		snprintf(err, len, "unknown FelixConfiguration key \"%s\"",
			 key);
		return -EINVAL;
	}
	if (ret) {
		snprintf(err, len, "felix.%s: %s", key, why);
		return -EINVAL;
	}
	k = realloc(c->felix_keys, (c->n_felix + 1) * sizeof(*k));
	if (!k)
		return -ENOMEM;
	c->felix_keys = k;
	v = realloc(c->felix_values, (c->n_felix + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->felix_values = v;
	k[c->n_felix] = strdup(key);
	v[c->n_felix] = strdup(value);
	if (!k[c->n_felix] || !v[c->n_felix]) {
		free(k[c->n_felix]);
		free(v[c->n_felix]);
		return -ENOMEM;
	}
	c->n_felix++;
	return 0;
}

int dconf_set(struct dconf *c, const char *key, const char *value, char *err,
	      size_t len)
{
	const struct key *k;
	unsigned long long u;
	unsigned int ms;
	char *end;
	bool b;
	int i, ret;

	if (!strncmp(key, "felix.", 6) && key[6])
		return set_felix(c, key + 6, value, err, len);
	k = find_key(key);
	if (!k) {
		snprintf(err, len, "unknown key \"%s\"", key);
		return -EINVAL;
	}
	switch (k->type) {
	case K_STR:
		if (set_str(field(c, k), value)) {
			snprintf(err, len, "out of memory");
			return -ENOMEM;
		}
		return 0;
	case K_UINT:
	case K_PORT:
		errno = 0;
		u = strtoull(value, &end, 10);
		if (!*value || *end || errno ||
		    !isdigit((unsigned char)*value) || u < k->min ||
		    u > k->max) {
			snprintf(err, len,
				 "%s: \"%s\" is not a number from %u to %u",
				 key, value, k->min, k->max);
			return -EINVAL;
		}
		*(unsigned int *)field(c, k) = (unsigned int)u;
		return 0;
	case K_BOOL:
		if (dconf_parse_bool(value, &b)) {
			snprintf(err, len,
				 "%s: \"%s\" is not a boolean (true or false)",
				 key, value);
			return -EINVAL;
		}
		*(bool *)field(c, k) = b;
		return 0;
	case K_DUR:
		ret = dconf_parse_duration_ms(value, &ms);
		if (ret || ms < k->min || ms > k->max) {
			snprintf(
				err, len,
				"%s: \"%s\" is not a duration from %ums to %ums (a number with ms, s, min or h)",
				key, value, k->min, k->max);
			return -EINVAL;
		}
		*(unsigned int *)field(c, k) = ms;
		return 0;
	case K_DS:
		for (i = 0; i <= DCONF_DS_ETCD; i++) {
			if (!strcmp(value, ds_names[i])) {
				*(int *)field(c, k) = i;
				return 0;
			}
		}
		snprintf(err, len,
			 "%s: \"%s\" is not directory, kubernetes or etcd", key,
			 value);
		return -EINVAL;
	case K_LEVEL:
		i = dlog_level_parse(value);
		if (i < LOG_ERR) {
			snprintf(
				err, len,
				"%s: \"%s\" is not error, warning, notice, info or debug",
				key, value);
			return -EINVAL;
		}
		*(int *)field(c, k) = i;
		return 0;
	case K_TARGET:
		for (i = 0; i <= DLOG_JOURNAL; i++) {
			if (!strcmp(value, target_names[i])) {
				*(int *)field(c, k) = i;
				return 0;
			}
		}
		snprintf(err, len, "%s: \"%s\" is not auto, stderr or journal",
			 key, value);
		return -EINVAL;
	case K_DENY:
		if (!strcmp(value, "drop")) {
			*(bool *)field(c, k) = false;
			return 0;
		}
		if (!strcmp(value, "reject")) {
			*(bool *)field(c, k) = true;
			return 0;
		}
		snprintf(err, len, "%s: \"%s\" is not drop or reject", key,
			 value);
		return -EINVAL;
	}
	return -EINVAL;
}

void dconf_init(struct dconf *c)
{
	char err[256], host[256];
	const char *env;
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NKEYS; i++) {
		if (dconf_set(c, keys[i].name, keys[i].def, err, sizeof(err))) {
			/* the table's defaults are valid: only ENOMEM */
			fprintf(stderr, "stratad: %s\n", err);
			abort();
		}
	}
	env = getenv("NODENAME");
	if (env && *env) {
		set_str(&c->node_name, env);
	} else if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		set_str(&c->node_name, host);
	}
}

void dconf_release(struct dconf *c)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == K_STR)
			free(*(char **)field(c, &keys[i]));
	for (i = 0; i < c->n_felix; i++) {
		free(c->felix_keys[i]);
		free(c->felix_values[i]);
	}
	free(c->felix_keys);
	free(c->felix_values);
	memset(c, 0, sizeof(*c));
}

/* Split one line into key and value in place; NULL key for blank lines. */
static int split_line(char *line, char **key, char **value, const char **why)
{
	char *p = line, *eq, *e, *out;

	*key = *value = NULL;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	eq = strchr(p, '=');
	if (!eq) {
		*why = "expected KEY = VALUE";
		return -EINVAL;
	}
	e = eq;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	if (!*p) {
		*why = "a key is missing before '='";
		return -EINVAL;
	}
	for (e = p; *e; e++) {
		if (isspace((unsigned char)*e)) {
			*why = "a key has no spaces";
			return -EINVAL;
		}
	}
	*key = p;
	p = eq + 1;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		out = *value = ++p;
		for (; *p && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*out++ = *p;
		}
		if (*p != '"') {
			*why = "unterminated quoted value";
			return -EINVAL;
		}
		p++;
		*out = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (*p && *p != '#') {
			*why = "text after a quoted value";
			return -EINVAL;
		}
		return 0;
	}
	*value = p;
	/* a comment starts at a '#' after whitespace */
	for (e = p; *e; e++) {
		if (*e == '#' && (e == p || isspace((unsigned char)e[-1]))) {
			*e = '\0';
			break;
		}
	}
	e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return 0;
}

int dconf_load(struct dconf *c, const char *path, bool missing_ok, char *err,
	       size_t len)
{
	char *line = NULL, *key, *value, msg[256];
	unsigned int lineno = 0;
	size_t cap = 0;
	const char *why;
	FILE *f;
	int ret = 0;

	f = fopen(path, "re");
	if (!f) {
		ret = -errno;
		if (ret == -ENOENT && missing_ok)
			return 0;
		snprintf(err, len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		why = NULL;
		if (split_line(line, &key, &value, &why)) {
			snprintf(err, len, "%s:%u: %s", path, lineno, why);
			ret = -EINVAL;
			break;
		}
		if (!key)
			continue;
		if (dconf_set(c, key, value, msg, sizeof(msg))) {
			snprintf(err, len, "%s:%u: %s", path, lineno, msg);
			ret = -EINVAL;
			break;
		}
	}
	if (!ret && ferror(f)) {
		ret = -EIO;
		snprintf(err, len, "%s: read error", path);
	}
	free(line);
	fclose(f);
	return ret;
}

int dconf_set_arg(struct dconf *c, const char *arg, char *err, size_t len)
{
	const char *eq = strchr(arg, '=');
	char key[128];

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(key)) {
		snprintf(err, len, "-o %s: expected KEY=VALUE", arg);
		return -EINVAL;
	}
	memcpy(key, arg, (size_t)(eq - arg));
	key[eq - arg] = '\0';
	return dconf_set(c, key, eq + 1, err, len);
}

int dconf_check(const struct dconf *c, char *err, size_t len)
{
	if (!*c->node_name) {
		snprintf(
			err, len,
			"node_name is empty (and neither $NODENAME nor the host name gives one)");
		return -EINVAL;
	}
	if (c->retry_min_ms > c->retry_max_ms) {
		snprintf(err, len,
			 "retry_min (%ums) is longer than retry_max (%ums)",
			 c->retry_min_ms, c->retry_max_ms);
		return -EINVAL;
	}
	if (c->datastore == DCONF_DS_DIRECTORY && !*c->directory) {
		snprintf(err, len, "datastore directory needs a directory");
		return -EINVAL;
	}
	if (c->datastore == DCONF_DS_ETCD && !*c->etcd_endpoints &&
	    !getenv("ETCD_ENDPOINTS")) {
		snprintf(
			err, len,
			"datastore etcd needs etcd_endpoints (or $ETCD_ENDPOINTS)");
		return -EINVAL;
	}
	if (c->etcd_prefix[0] &&
	    c->etcd_prefix[strlen(c->etcd_prefix) - 1] != '/') {
		snprintf(err, len, "etcd_prefix must end with '/'");
		return -EINVAL;
	}
	if (*c->api_socket && *c->api_socket != '/') {
		snprintf(err, len, "api_socket must be an absolute path");
		return -EINVAL;
	}
	return 0;
}

static void print_duration(FILE *f, unsigned int ms)
{
	if (ms && ms % 3600000 == 0)
		fprintf(f, "%uh", ms / 3600000);
	else if (ms && ms % 60000 == 0)
		fprintf(f, "%umin", ms / 60000);
	else if (ms && ms % 1000 == 0)
		fprintf(f, "%us", ms / 1000);
	else
		fprintf(f, "%ums", ms);
}

static void print_str(FILE *f, const char *s)
{
	bool quote = !*s || strpbrk(s, "\"#\\") || isspace((unsigned char)*s) ||
		     isspace((unsigned char)s[strlen(s) - 1]);

	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void dconf_print(const struct dconf *c, FILE *f)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		const void *p = cfield(c, k);

		fprintf(f, "%s = ", k->name);
		switch (k->type) {
		case K_STR:
			print_str(f, *(char *const *)p);
			break;
		case K_UINT:
		case K_PORT:
			fprintf(f, "%u", *(const unsigned int *)p);
			break;
		case K_BOOL:
			fputs(*(const bool *)p ? "true" : "false", f);
			break;
		case K_DUR:
			print_duration(f, *(const unsigned int *)p);
			break;
		case K_DS:
			fputs(dconf_ds_name(*(const int *)p), f);
			break;
		case K_LEVEL:
			fputs(dlog_level_name(*(const int *)p), f);
			break;
		case K_TARGET:
			fputs(target_names[*(const int *)p], f);
			break;
		case K_DENY:
			fputs(*(const bool *)p ? "reject" : "drop", f);
			break;
		}
		fputc('\n', f);
	}
	for (i = 0; i < c->n_felix; i++) {
		fprintf(f, "felix.%s = ", c->felix_keys[i]);
		print_str(f, c->felix_values[i]);
		fputc('\n', f);
	}
}
