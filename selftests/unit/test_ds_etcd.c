// SPDX-License-Identifier: GPL-2.0
/*
 * The etcd v3 datastore (daemon/ds_etcd.c) against a real etcd (Debian's
 * etcd-server, started per test on 127.0.0.1 by etcd_harness.c), with keys
 * written the way networking-calico writes them: a paginated list of the
 * OpenStack layout (Neutron ports as WorkloadEndpoints, security groups as
 * NetworkPolicies ossg.default.<sgid>), watch events, resume after an etcd
 * restart, compaction (while disconnected and in the middle of a list), a
 * replaced etcd, progress notifications, TLS client certificates,
 * authentication, malformed values, endpoint failover, page halving, the
 * idle watchdog, and ds_free() from the sink. Every wait is for an event,
 * with a timeout.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "ds_etcd.h"
#include "etcd_harness.h"

#define P	DS_ETCD_PREFIX
#define WAIT_MS 15000

struct rec {
	enum ds_event_type type;
	char *kind;
	char *api_version;
	char *ns;
	char *name;
	char *revision;
	char *json;
	char *message;
	bool connected;
};

struct t {
	sd_event *loop;
	struct eh_etcd etcd;
	struct ds *ds;
	struct rec *recs;
	size_t n;
	size_t cap;
	int free_at; /* ds_free() from the sink at this event type */
};

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void sink(const struct ds_event *ev, void *arg)
{
	struct t *t = arg;
	struct rec *r;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->recs = realloc(t->recs, t->cap * sizeof(*t->recs));
		assert_non_null(t->recs);
	}
	r = &t->recs[t->n++];
	r->type = ev->type;
	r->kind = dup0(ev->kind);
	r->api_version = dup0(ev->api_version);
	r->ns = dup0(ev->ns);
	r->name = dup0(ev->name);
	r->revision = dup0(ev->revision);
	r->json = ev->obj ? strdup(json_object_to_json_string_ext(
				    ev->obj,
				    JSON_C_TO_STRING_PLAIN |
					    JSON_C_TO_STRING_NOSLASHESCAPE))
			  : NULL;
	r->message = dup0(ev->message);
	r->connected = ev->connected;
	if (t->free_at && (int)ev->type == t->free_at) {
		ds_free(t->ds);
		t->ds = NULL;
	}
}

static void clear_recs(struct t *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->recs[i].kind);
		free(t->recs[i].api_version);
		free(t->recs[i].ns);
		free(t->recs[i].name);
		free(t->recs[i].revision);
		free(t->recs[i].json);
		free(t->recs[i].message);
	}
	t->n = 0;
}

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	assert_int_equal(sd_event_new(&t->loop), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	ds_free(t->ds);
	eh_destroy(&t->etcd);
	clear_recs(t);
	free(t->recs);
	sd_event_unref(t->loop);
	free(t);
	return 0;
}

static const char *type_name(enum ds_event_type type)
{
	switch (type) {
	case DS_UPSERT:
		return "UPSERT";
	case DS_DELETE:
		return "DELETE";
	case DS_RESET:
		return "RESET";
	case DS_SYNCED:
		return "SYNCED";
	case DS_STATUS:
		return "STATUS";
	}
	return "?";
}

static void dump(struct t *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		fprintf(stderr, "#   %zu %s %s %s/%s rev %s conn %d %s\n", i,
			type_name(t->recs[i].type),
			t->recs[i].kind ? t->recs[i].kind : "-",
			t->recs[i].ns ? t->recs[i].ns : "-",
			t->recs[i].name ? t->recs[i].name : "-",
			t->recs[i].revision ? t->recs[i].revision : "-",
			t->recs[i].connected,
			t->recs[i].message ? t->recs[i].message : "");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

typedef bool (*pred_fn)(struct t *t, const void *arg);

/* Run the loop until @pred holds; fail after @ms. */
static void run_until(struct t *t, pred_fn pred, const void *arg,
		      const char *what)
{
	uint64_t deadline = now_ms() + WAIT_MS;

	while (!pred(t, arg)) {
		if (now_ms() > deadline) {
			dump(t);
			fail_msg("timed out waiting for %s", what);
		}
		assert_true(sd_event_run(t->loop, 100000) >= 0);
	}
}

static size_t count(struct t *t, enum ds_event_type type)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		n += t->recs[i].type == type;
	return n;
}

struct want_count {
	enum ds_event_type type;
	size_t n;
};

static bool has_count(struct t *t, const void *arg)
{
	const struct want_count *w = arg;

	return count(t, w->type) >= w->n;
}

static void wait_count(struct t *t, enum ds_event_type type, size_t n)
{
	struct want_count w = { type, n };
	char what[64];

	snprintf(what, sizeof(what), "%zu %s", n, type_name(type));
	run_until(t, has_count, &w, what);
}

/* The first event at or after @from of @type and @name (any if NULL). */
static long find(struct t *t, size_t from, enum ds_event_type type,
		 const char *name)
{
	size_t i;

	for (i = from; i < t->n; i++)
		if (t->recs[i].type == type &&
		    (!name ||
		     (t->recs[i].name && !strcmp(t->recs[i].name, name))))
			return (long)i;
	return -1;
}

/* find() that fails the test if there is none. */
static size_t must_find(struct t *t, size_t from, enum ds_event_type type,
			const char *name)
{
	long i = find(t, from, type, name);

	if (i < 0) {
		dump(t);
		fail_msg("no %s %s after event %zu", type_name(type),
			 name ? name : "", from);
	}
	return (size_t)i;
}

struct want_ev {
	size_t from;
	enum ds_event_type type;
	const char *name;
};

static bool has_ev(struct t *t, const void *arg)
{
	const struct want_ev *w = arg;

	return find(t, w->from, w->type, w->name) >= 0;
}

/* Wait for an event of @type named @name after @from; its index. */
static size_t wait_ev(struct t *t, size_t from, enum ds_event_type type,
		      const char *name)
{
	struct want_ev w = { from, type, name };
	char what[300];

	snprintf(what, sizeof(what), "%s %s", type_name(type),
		 name ? name : "");
	run_until(t, has_ev, &w, what);
	return must_find(t, from, type, name);
}

/* A DS_STATUS with @connected after @from. */
static bool has_status(struct t *t, const void *arg)
{
	const struct want_ev *w = arg;
	size_t i;

	for (i = w->from; i < t->n; i++)
		if (t->recs[i].type == DS_STATUS && !t->recs[i].kind &&
		    t->recs[i].connected == (w->name != NULL))
			return true;
	return false;
}

static size_t wait_status(struct t *t, size_t from, bool connected)
{
	struct want_ev w = { from, DS_STATUS, connected ? "" : NULL };
	size_t i;

	run_until(t, has_status, &w, connected ? "connected" : "disconnected");
	for (i = from;; i++)
		if (t->recs[i].type == DS_STATUS && !t->recs[i].kind &&
		    t->recs[i].connected == connected)
			return i;
}

static struct ds_etcd_info info(struct t *t)
{
	struct ds_etcd_info i;

	ds_etcd_info(t->ds, &i);
	return i;
}

struct want_info {
	size_t off; /* of a uint64_t or int64_t field */
	int64_t min;
};

static bool has_info(struct t *t, const void *arg)
{
	const struct want_info *w = arg;
	struct ds_etcd_info i = info(t);
	int64_t v;

	memcpy(&v, (char *)&i + w->off, sizeof(v));
	return v >= w->min;
}

#define wait_info(t, field, least)                                            \
	do {                                                                  \
		struct want_info w_ = { offsetof(struct ds_etcd_info, field), \
					(int64_t)(least) };                   \
		run_until(t, has_info, &w_, #field " >= " #least);            \
	} while (0)

static struct ds_stats stats(struct t *t)
{
	struct ds_stats s;

	t->ds->ops->stats(t->ds, &s);
	return s;
}

static void start_etcd(struct t *t, const struct eh_opts *opts)
{
	if (eh_start(&t->etcd, opts))
		fail_msg("cannot start etcd");
}

static struct ds_etcd_config base_cfg(struct t *t)
{
	struct ds_etcd_config c = {
		.endpoints = t->etcd.url,
		.backoff_min_ms = 20,
		.backoff_max_ms = 300,
		.request_timeout_ms = 5000,
	};

	return c;
}

static void start_ds(struct t *t, const struct ds_etcd_config *cfg)
{
	char *err = NULL;

	t->ds = ds_etcd_new(cfg, t->loop, sink, t, &err);
	if (!t->ds)
		fail_msg("ds_etcd_new: %s", err ? err : "?");
	assert_int_equal(ds_start(t->ds), 0);
	assert_int_equal(ds_start(t->ds), -EALREADY);
	assert_int_equal(t->n, 0); /* nothing from ds_start() */
}

static void stop_ds(struct t *t)
{
	ds_free(t->ds);
	t->ds = NULL;
	clear_recs(t);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	assert_true(vasprintf(&s, f, ap) >= 0);
	va_end(ap);
	return s;
}

static char *revstr(int64_t rev)
{
	return fmt("%lld", (long long)rev);
}

/* ---- networking-calico's objects ---- */

#define SG_WEB	"4b1a2c3d-0001-4e5f-8a9b-0c1d2e3f4a5b"
#define SG_DB	"4b1a2c3d-0002-4e5f-8a9b-0c1d2e3f4a5b"
#define PROJECT "0c8f6d1e2a3b4c5d6e7f8a9b0c1d2e3f"

/* <host>-openstack-<device_id>-<port_id>, dashes in each part doubled. */
static char *nc_name(const char *host, const char *device, const char *port)
{
	const char *parts[3] = { host, device, port };
	char *out = malloc(3 * 2 * 64 + 32), *o = out;
	int i;

	for (i = 0; i < 3; i++) {
		const char *p;

		if (i)
			o += sprintf(o, i == 1 ? "-openstack-" : "-");
		for (p = parts[i]; *p; p++) {
			*o++ = *p;
			if (*p == '-')
				*o++ = '-';
		}
	}
	*o = 0;
	return out;
}

struct port {
	const char *ns;
	const char *host;
	const char *device;
	const char *id;
	const char *ip4;
	const char *ip6;
	const char *sg;
	const char *sg_name;
	char *name; /* filled */
	char *key; /* filled */
};

/* The WorkloadEndpoint networking-calico writes for a Neutron port. */
static char *nc_wep(struct port *p)
{
	free(p->name);
	free(p->key);
	p->name = nc_name(p->host, p->device, p->id);
	p->key = fmt(P "workloadendpoints/%s/%s", p->ns, p->name);
	return fmt(
		"{\"kind\": \"WorkloadEndpoint\", \"apiVersion\": \"projectcalico.org/v3\", "
		"\"metadata\": {\"name\": \"%s\", \"namespace\": \"%s\", "
		"\"creationTimestamp\": \"2024-05-02T10:11:12Z\", "
		"\"uid\": \"9e0b7a52-5c1d-4a43-9f0e-2f6d1c3b4a59\", "
		"\"annotations\": {\"openstack.projectcalico.org/network-id\": "
		"\"b5f6e7d8-1111-4222-8333-944455566677\", "
		"\"openstack.projectcalico.org/fqdn\": \"vm-%.8s.openstack.example.\"}, "
		"\"labels\": {\"sg.projectcalico.org/openstack-%s\": \"%s\", "
		"\"sg-name.projectcalico.org/openstack-%s\": \"%s\", "
		"\"projectcalico.org/namespace\": \"%s\", "
		"\"projectcalico.org/orchestrator\": \"openstack\", "
		"\"projectcalico.org/openstack-project-id\": \"" PROJECT "\", "
		"\"projectcalico.org/openstack-project-name\": \"demo\", "
		"\"projectcalico.org/openstack-project-parent-id\": \"default\"}}, "
		"\"spec\": {\"orchestrator\": \"openstack\", \"workload\": \"%s\", "
		"\"node\": \"%s\", \"endpoint\": \"%s\", \"interfaceName\": \"tap%.11s\", "
		"\"mac\": \"fa:16:3e:4c:2a:%.2s\", "
		"\"ipNetworks\": [\"%s/32\", \"%s/128\"], "
		"\"ipv4Gateway\": \"10.65.0.1\", \"ipv6Gateway\": \"fd5f:65::1\", "
		"\"allowedIps\": [], "
		"\"ipNATs\": [{\"internalIP\": \"%s\", \"externalIP\": \"172.24.4.10\", "
		"\"source\": \"openstack\"}]}}",
		p->name, p->ns, p->device, p->sg, p->sg_name, p->sg_name, p->sg,
		p->ns, p->device, p->host, p->id, p->id, p->id, p->ip4, p->ip6,
		p->ip4);
}

static void port_free(struct port *p)
{
	free(p->name);
	free(p->key);
	p->name = p->key = NULL;
}

/* The NetworkPolicy networking-calico writes for a security group: SSH from
 * anywhere, everything from members, all egress. */
static char *nc_policy_key(const char *ns, const char *sg)
{
	return fmt(P "networkpolicies/%s/ossg.default.%s", ns, sg);
}

static char *nc_policy(const char *ns, const char *sg, int port)
{
	return fmt(
		"{\"kind\": \"NetworkPolicy\", \"apiVersion\": \"projectcalico.org/v3\", "
		"\"metadata\": {\"name\": \"ossg.default.%s\", \"namespace\": \"%s\", "
		"\"creationTimestamp\": \"2024-05-02T10:11:10Z\", "
		"\"uid\": \"1d2c3b4a-0000-4111-8222-933344455566\"}, "
		"\"spec\": {\"ingress\": ["
		"{\"action\": \"Allow\", \"ipVersion\": 4, \"protocol\": \"TCP\", "
		"\"source\": {\"nets\": [\"0.0.0.0/0\"]}, "
		"\"destination\": {\"ports\": [%d]}}, "
		"{\"action\": \"Allow\", \"ipVersion\": 4, \"source\": {\"selector\": "
		"\"has(sg.projectcalico.org/openstack-%s)\"}}], "
		"\"egress\": [{\"action\": \"Allow\", \"ipVersion\": 4}, "
		"{\"action\": \"Allow\", \"ipVersion\": 6}], "
		"\"selector\": \"has(sg.projectcalico.org/openstack-%s)\"}}",
		sg, ns, port, sg, sg);
}

static struct port port_n(const char *host, int i)
{
	static char devs[64][40], ids[64][40], ip4s[64][20], ip6s[64][40];
	struct port p = {
		.ns = "openstack",
		.host = host,
		.sg = SG_WEB,
		.sg_name = "web",
	};

	snprintf(devs[i], sizeof(devs[i]), "8e1a3f5e-3d8c-4b0c-9d6f-%012d", i);
	snprintf(ids[i], sizeof(ids[i]),
		 "%02d3b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", i);
	snprintf(ip4s[i], sizeof(ip4s[i]), "10.65.0.%d", 10 + i);
	snprintf(ip6s[i], sizeof(ip6s[i]), "fd5f:65::%x", 16 + i);
	p.device = devs[i];
	p.id = ids[i];
	p.ip4 = ip4s[i];
	p.ip6 = ip6s[i];
	return p;
}

/* Create port @i on @host; its revision. */
static int64_t create_port(struct t *t, struct port *p)
{
	char *v = nc_wep(p);
	int64_t rev = eh_create(&t->etcd, p->key, v);

	free(v);
	assert_true(rev > 0);
	return rev;
}

/* @json equals @want once @want has metadata.resourceVersion @rev. */
static void assert_obj(const char *json, const char *want, const char *rev)
{
	struct json_object *got = json_tokener_parse(json);
	struct json_object *exp = json_tokener_parse(want), *meta;

	assert_non_null(got);
	assert_non_null(exp);
	assert_true(json_object_object_get_ex(exp, "metadata", &meta));
	json_object_object_add(meta, "resourceVersion",
			       json_object_new_string(rev));
	if (!json_object_equal(got, exp))
		fail_msg("object\n%s\nexpected\n%s", json,
			 json_object_to_json_string(exp));
	json_object_put(got);
	json_object_put(exp);
}

static void assert_rec(struct t *t, size_t i, enum ds_event_type type,
		       const char *kind, const char *ns, const char *name,
		       const char *rev)
{
	struct rec *r = &t->recs[i];

	if (r->type != type || strcmp(r->kind, kind) || strcmp(r->ns, ns) ||
	    strcmp(r->name, name) || (rev && strcmp(r->revision, rev)) ||
	    strcmp(r->api_version, "projectcalico.org/v3")) {
		dump(t);
		fail_msg("event %zu: expected %s %s %s/%s rev %s", i,
			 type_name(type), kind, ns, name, rev ? rev : "-");
	}
}

static const char default_allow[] =
	"{\"kind\":\"Profile\",\"apiVersion\":\"projectcalico.org/v3\","
	"\"metadata\":{\"name\":\"projectcalico-default-allow\","
	"\"resourceVersion\":\"0\"},\"spec\":{\"ingress\":[{\"action\":"
	"\"Allow\"}],\"egress\":[{\"action\":\"Allow\"}]}}";

static void assert_default_allow(struct t *t, size_t i)
{
	assert_rec(t, i, DS_UPSERT, "Profile", "",
		   "projectcalico-default-allow", "0");
	assert_string_equal(t->recs[i].json, default_allow);
}

/* ---- pure functions ---- */

static void kinds(void **state)
{
	bool ns = false;

	assert_string_equal(ds_etcd_kind("workloadendpoints", &ns),
			    "WorkloadEndpoint");
	assert_true(ns);
	assert_string_equal(ds_etcd_kind("networkpolicies", &ns),
			    "NetworkPolicy");
	assert_true(ns);
	assert_string_equal(ds_etcd_kind("globalnetworkpolicies", &ns),
			    "GlobalNetworkPolicy");
	assert_false(ns);
	assert_string_equal(ds_etcd_kind("profiles", &ns), "Profile");
	assert_false(ns);
	assert_string_equal(ds_etcd_kind("tiers", NULL), "Tier");
	assert_string_equal(ds_etcd_kind("networksets", &ns), "NetworkSet");
	assert_true(ns);
	assert_string_equal(ds_etcd_kind("stagedkubernetesnetworkpolicies",
					 &ns),
			    "StagedKubernetesNetworkPolicy");
	assert_true(ns);
	assert_string_equal(ds_etcd_kind("bgpconfigurations", NULL),
			    "BGPConfiguration");
	assert_string_equal(ds_etcd_kind("workloadendpoints", NULL),
			    "WorkloadEndpoint");
	assert_null(ds_etcd_kind("WorkloadEndpoints", NULL));
	assert_null(ds_etcd_kind("workloadendpoint", NULL));
	assert_null(ds_etcd_kind("kubernetesnetworkpolicies", NULL));
	assert_null(ds_etcd_kind("", NULL));
	assert_null(ds_etcd_kind("zzz", NULL));
}

static void config_error(struct t *t, const struct ds_etcd_config *c,
			 const char *msg)
{
	char *err = NULL;
	struct ds *ds = ds_etcd_new(c, t->loop, sink, t, &err);

	assert_null(ds);
	assert_non_null(err);
	assert_string_equal(err, msg);
	free(err);
}

static void config(void **state)
{
	struct t *t = *state;
	struct ds_etcd_config c = { 0 };
	struct ds_etcd_info i;
	char *err = NULL;
	struct ds *ds;

	config_error(t, &c, "no etcd endpoint");
	c.endpoints = " , ";
	config_error(t, &c, "no etcd endpoint");
	c.endpoints = "http://a:2379,ftp://b";
	config_error(t, &c,
		     "etcd endpoint \"ftp://b\" is not http:// or https://");
	c.endpoints = "http://a:2379";
	c.prefix = "/calico";
	config_error(t, &c,
		     "etcd prefix \"/calico\" must start and end with '/'");
	c.prefix = NULL;
	c.cert_file = "/c.pem";
	config_error(
		t, &c,
		"etcd: a client certificate needs its key and the key its certificate");
	c.cert_file = NULL;
	c.password = "x";
	config_error(
		t, &c,
		"etcd: a username needs a password and the password a username");
	c.password = NULL;

	c.endpoints = " https://e1:2379/ ,http://e2:2379";
	ds = ds_etcd_new(&c, t->loop, sink, t, &err);
	assert_non_null(ds);
	assert_null(err);
	ds_etcd_info(ds, &i);
	assert_int_equal(i.phase, DS_ETCD_IDLE);
	assert_string_equal(i.endpoint, "https://e1:2379");
	assert_int_equal(i.page_limit, 500);
	assert_string_equal(ds->ops->name, "etcd");
	ds_free(ds);

	memset(&c, 0, sizeof(c));
	unsetenv("ETCD_ENDPOINTS");
	assert_int_equal(ds_etcd_config_from_env(&c), -ENOENT);
	setenv("ETCD_ENDPOINTS", "https://etcd:2379", 1);
	setenv("ETCD_CA_CERT_FILE", "/etc/calico/ca.pem", 1);
	setenv("ETCD_CERT_FILE", "/etc/calico/cert.pem", 1);
	setenv("ETCD_KEY_FILE", "/etc/calico/key.pem", 1);
	setenv("ETCD_USERNAME", "calico", 1);
	setenv("ETCD_PASSWORD", "pw", 1);
	c.username = "mine";
	assert_int_equal(ds_etcd_config_from_env(&c), 0);
	assert_string_equal(c.endpoints, "https://etcd:2379");
	assert_string_equal(c.ca_file, "/etc/calico/ca.pem");
	assert_string_equal(c.cert_file, "/etc/calico/cert.pem");
	assert_string_equal(c.key_file, "/etc/calico/key.pem");
	assert_string_equal(c.username, "mine"); /* set fields stay */
	assert_string_equal(c.password, "pw");
	unsetenv("ETCD_ENDPOINTS");
	unsetenv("ETCD_CA_CERT_FILE");
	unsetenv("ETCD_CERT_FILE");
	unsetenv("ETCD_KEY_FILE");
	unsetenv("ETCD_USERNAME");
	unsetenv("ETCD_PASSWORD");
}

/* ---- against etcd ---- */

/*
 * The OpenStack layout listed in pages of 4: ports in two region
 * namespaces, a security group policy, ClusterInformation and
 * FelixConfiguration, a legacy security-group Profile; networking-calico's
 * keys outside the resources prefix and an unknown plural are not reported.
 */
static void list_openstack(void **state)
{
	struct t *t = *state;
	struct port web = {
		.ns = "openstack",
		.host = "compute-1",
		.device = "8e1a3f5e-3d8c-4b0c-9d6f-2b7a0c1e4f10",
		.id = "0f3b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
		.ip4 = "10.65.0.12",
		.ip6 = "fd5f:65::12",
		.sg = SG_WEB,
		.sg_name = "web",
	};
	struct port db = {
		.ns = "openstack-region-RegionTwo",
		.host = "compute-7",
		.device = "77aa0000-1111-4222-8333-444455556666",
		.id = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
		.ip4 = "10.66.0.5",
		.ip6 = "fd5f:66::5",
		.sg = SG_DB,
		.sg_name = "db",
	};
	static const char ci[] =
		"{\"kind\": \"ClusterInformation\", \"apiVersion\": \"projectcalico.org/v3\", "
		"\"metadata\": {\"name\": \"default\"}, \"spec\": {\"clusterGUID\": "
		"\"5d1f0a8c3b7e4f2a9c6d\", \"clusterType\": \"openstack\", "
		"\"datastoreReady\": true}}";
	static const char fc[] =
		"{\"kind\": \"FelixConfiguration\", \"apiVersion\": \"projectcalico.org/v3\", "
		"\"metadata\": {\"name\": \"default\"}, \"spec\": {\"interfacePrefix\": "
		"\"tap\", \"endpointReportingEnabled\": true}}";
	static const char legacy[] =
		"{\"kind\": \"Profile\", \"apiVersion\": \"projectcalico.org/v3\", "
		"\"metadata\": {\"name\": \"openstack-sg-legacy\"}, \"spec\": "
		"{\"ingress\": [{\"action\": \"Allow\"}], \"egress\": []}}";
	char *wv = nc_wep(&web), *dv = nc_wep(&db);
	char *pk = nc_policy_key("openstack", SG_WEB);
	char *pv = nc_policy("openstack", SG_WEB, 22);
	char *rweb, *rdb, *rpol, *rci, *prev_name = NULL;
	struct ds_etcd_config c;
	struct ds_etcd_info in;
	struct ds_stats s;
	size_t i, wi = 0, di = 0, pi = 0, cii = 0, fci = 0, li = 0, weps = 0;
	int k;

	start_etcd(t, NULL);
	rweb = revstr(eh_create(&t->etcd, web.key, wv));
	rdb = revstr(eh_create(&t->etcd, db.key, dv));
	rpol = revstr(eh_create(&t->etcd, pk, pv));
	rci = revstr(eh_create(&t->etcd, P "clusterinformations/default", ci));
	assert_true(eh_create(&t->etcd, P "felixconfigurations/default", fc) >
		    0);
	assert_true(eh_create(&t->etcd, P "profiles/openstack-sg-legacy",
			      legacy) > 0);
	for (k = 0; k < 20; k++) {
		struct port p = port_n("compute-2", k);

		create_port(t, &p);
		port_free(&p);
	}
	/* networking-calico's other keys, and a kind we do not know */
	assert_true(
		eh_put(&t->etcd,
		       "/calico/dhcp/v2/no-region/subnet/5e8c7f10-aaaa-4bbb-8ccc-ddddeeeeffff",
		       "{\"network_id\": \"b5f6e7d8-1111-4222-8333-944455566677\", "
		       "\"cidr\": \"10.65.0.0/24\", \"gateway_ip\": \"10.65.0.1\", "
		       "\"host_routes\": [], \"dns_servers\": []}") > 0);
	assert_true(
		eh_put(&t->etcd,
		       "/calico/felix/v2/no-region/host/compute-1/status",
		       "{\"time\": \"2024-05-02T10:11:12Z\", \"uptime\": 10}") >
		0);
	assert_true(eh_put(&t->etcd,
			   "/calico/openstack/v2/no-region/neutron_election",
			   "neutron-server-1") > 0);
	assert_true(eh_put(&t->etcd, P "futurekinds/x",
			   "{\"kind\": \"FutureKind\"}") > 0);

	c = base_cfg(t);
	c.page_limit = 4;
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	wait_info(t, watches, 1);

	assert_int_equal(t->recs[0].type, DS_STATUS);
	assert_true(t->recs[0].connected);
	{
		char *m = fmt("etcd: connected to %s", t->etcd.url);

		assert_string_equal(t->recs[0].message, m);
		free(m);
	}
	/* 26 objects and the built-in profile, then SYNCED */
	assert_int_equal(count(t, DS_UPSERT), 27);
	assert_int_equal(count(t, DS_RESET), 0);
	assert_int_equal(count(t, DS_DELETE), 0);
	assert_int_equal(t->n, 1 + 27 + 1);
	assert_int_equal(t->recs[t->n - 1].type, DS_SYNCED);
	assert_default_allow(t, t->n - 2);
	for (i = 1; i < t->n - 2; i++) {
		struct rec *r = &t->recs[i];

		assert_int_equal(r->type, DS_UPSERT);
		if (!strcmp(r->name, web.name))
			wi = i;
		else if (!strcmp(r->name, db.name))
			di = i;
		else if (!strcmp(r->kind, "NetworkPolicy"))
			pi = i;
		else if (!strcmp(r->kind, "ClusterInformation"))
			cii = i;
		else if (!strcmp(r->kind, "FelixConfiguration"))
			fci = i;
		else if (!strcmp(r->kind, "Profile"))
			li = i;
		if (!strcmp(r->kind, "WorkloadEndpoint") &&
		    !strcmp(r->ns, "openstack")) {
			/* listed in key order */
			if (prev_name)
				assert_true(strcmp(prev_name, r->name) < 0);
			prev_name = r->name;
			weps++;
		}
	}
	assert_int_equal(weps, 21);
	assert_rec(t, wi, DS_UPSERT, "WorkloadEndpoint", "openstack", web.name,
		   rweb);
	assert_obj(t->recs[wi].json, wv, rweb);
	assert_rec(t, di, DS_UPSERT, "WorkloadEndpoint",
		   "openstack-region-RegionTwo", db.name, rdb);
	assert_obj(t->recs[di].json, dv, rdb);
	assert_rec(t, pi, DS_UPSERT, "NetworkPolicy", "openstack",
		   "ossg.default." SG_WEB, rpol);
	assert_obj(t->recs[pi].json, pv, rpol);
	assert_rec(t, cii, DS_UPSERT, "ClusterInformation", "", "default", rci);
	assert_obj(t->recs[cii].json, ci, rci);
	assert_rec(t, fci, DS_UPSERT, "FelixConfiguration", "", "default",
		   NULL);
	assert_rec(t, li, DS_UPSERT, "Profile", "", "openstack-sg-legacy",
		   NULL);
	/* key order across kinds */
	assert_true(cii < fci && fci < pi && pi < li && li < wi);
	assert_true(di < wi); /* "openstack-region-.../" < "openstack/" */

	in = info(t);
	assert_int_equal(in.range_requests, 7); /* 27 keys by 4 */
	assert_int_equal(in.revision, eh_revision(&t->etcd));
	assert_int_equal(in.phase, DS_ETCD_WATCHING);
	assert_int_equal(in.page_limit, 4);
	assert_int_equal(in.watches, 1);
	s = stats(t);
	assert_int_equal(s.events, 27);
	assert_int_equal(s.malformed, 0);
	assert_int_equal(s.errors, 0);
	assert_int_equal(s.resyncs, 0);
	assert_int_equal(s.reconnects, 0);

	free(wv);
	free(dv);
	free(pk);
	free(pv);
	free(rweb);
	free(rdb);
	free(rpol);
	free(rci);
	port_free(&web);
	port_free(&db);
}

/* Create, modify and delete a port, change a policy; keys outside the
 * resources prefix and the built-in profile's key are not reported. */
static void watch_events(void **state)
{
	struct t *t = *state;
	struct port p = port_n("compute-1", 1), q = port_n("compute-1", 2);
	char *pk = nc_policy_key("openstack", SG_WEB);
	char *pv = nc_policy("openstack", SG_WEB, 22), *pv2, *v1, *v2, *r;
	struct ds_etcd_config c;
	int64_t r1, r2, r3, rp, rq;
	size_t n0, i;

	start_etcd(t, NULL);
	rp = eh_create(&t->etcd, pk, pv);
	assert_true(rp > 0);
	c = base_cfg(t);
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	wait_info(t, watches, 1);

	n0 = t->n;
	v1 = nc_wep(&p);
	r1 = eh_create(&t->etcd, p.key, v1);
	p.sg = SG_DB; /* moved to another security group */
	p.sg_name = "db";
	v2 = nc_wep(&p);
	r2 = eh_update(&t->etcd, p.key, v2, r1);
	r3 = eh_delete(&t->etcd, p.key, r2);
	assert_true(r1 > 0 && r2 > r1 && r3 > r2);
	wait_ev(t, n0, DS_DELETE, p.name);
	assert_int_equal(t->n, n0 + 3);
	r = revstr(r1);
	assert_rec(t, n0, DS_UPSERT, "WorkloadEndpoint", "openstack", p.name,
		   r);
	assert_obj(t->recs[n0].json, v1, r);
	free(r);
	r = revstr(r2);
	assert_rec(t, n0 + 1, DS_UPSERT, "WorkloadEndpoint", "openstack",
		   p.name, r);
	assert_obj(t->recs[n0 + 1].json, v2, r);
	assert_non_null(strstr(t->recs[n0 + 1].json,
			       "\"sg.projectcalico.org/openstack-" SG_DB
			       "\":\"db\""));
	/* the delete carries the last state */
	assert_obj(t->recs[n0 + 2].json, v2, r);
	free(r);
	r = revstr(r3);
	assert_rec(t, n0 + 2, DS_DELETE, "WorkloadEndpoint", "openstack",
		   p.name, r);
	assert_null(t->recs[n0 + 2].message);
	free(r);

	/* a rule added to the security group */
	n0 = t->n;
	pv2 = nc_policy("openstack", SG_WEB, 443);
	rp = eh_update(&t->etcd, pk, pv2, rp);
	i = wait_ev(t, n0, DS_UPSERT, "ossg.default." SG_WEB);
	r = revstr(rp);
	assert_rec(t, i, DS_UPSERT, "NetworkPolicy", "openstack",
		   "ossg.default." SG_WEB, r);
	assert_obj(t->recs[i].json, pv2, r);
	free(r);

	/* not ours, then a marker */
	n0 = t->n;
	assert_true(eh_put(&t->etcd, "/calico/dhcp/v2/no-region/subnet/x",
			   "{}") > 0);
	assert_true(eh_put(&t->etcd, "/calico/felix/v2/no-region/host/h/status",
			   "{}") > 0);
	assert_true(eh_put(&t->etcd, P "profiles/projectcalico-default-allow",
			   "{\"spec\": {}}") > 0);
	assert_true(eh_put(&t->etcd, P "futurekinds/y", "{}") > 0);
	free(v1);
	v1 = nc_wep(&q);
	rq = eh_create(&t->etcd, q.key, v1);
	wait_ev(t, n0, DS_UPSERT, q.name);
	assert_int_equal(t->n, n0 + 1);
	assert_int_equal(info(t).revision, rq);
	assert_int_equal(stats(t).events, 2 + 3 + 1 + 1);
	assert_int_equal(stats(t).errors, 0);

	free(v1);
	free(v2);
	free(pk);
	free(pv);
	free(pv2);
	port_free(&p);
	port_free(&q);
}

/* etcd restarts: the watch resumes from the last revision (no relist),
 * catching up on what was written before it reconnected, then live. */
static void restart_resume(void **state)
{
	struct t *t = *state;
	struct port a = port_n("compute-1", 1), b = port_n("compute-1", 2),
		    d = port_n("compute-1", 3);
	struct ds_etcd_config c;
	size_t n0, i, j;
	int64_t rb, rd;
	char *r, *m;

	start_etcd(t, NULL);
	create_port(t, &a);
	c = base_cfg(t);
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	wait_info(t, watches, 1);

	n0 = t->n;
	eh_stop(&t->etcd);
	i = wait_status(t, n0, false);
	m = fmt("etcd: %s: watch", t->etcd.url);
	assert_true(!strncmp(t->recs[i].message, m, strlen(m)));
	free(m);
	assert_int_equal(eh_restart(&t->etcd), 0);
	/* written before the client reconnects (it does not run meanwhile) */
	rb = create_port(t, &b);
	j = wait_ev(t, n0, DS_UPSERT, b.name);
	r = revstr(rb);
	assert_rec(t, j, DS_UPSERT, "WorkloadEndpoint", "openstack", b.name, r);
	free(r);
	i = wait_status(t, i, true);
	assert_true(i < j);
	m = fmt("etcd: connected to %s", t->etcd.url);
	assert_string_equal(t->recs[i].message, m);
	free(m);

	/* and live */
	rd = create_port(t, &d);
	j = wait_ev(t, j, DS_UPSERT, d.name);
	r = revstr(rd);
	assert_rec(t, j, DS_UPSERT, "WorkloadEndpoint", "openstack", d.name, r);
	free(r);

	assert_int_equal(count(t, DS_RESET), 0);
	assert_int_equal(count(t, DS_SYNCED), 1);
	assert_int_equal(count(t, DS_UPSERT), 1 + 1 + 2); /* no replay */
	assert_int_equal(stats(t).reconnects, 1);
	assert_int_equal(stats(t).resyncs, 0);
	assert_true(stats(t).errors >= 1);
	assert_int_equal(info(t).range_requests, 1); /* no relist */
	assert_int_equal(info(t).watches, 2);
	assert_int_equal(info(t).revision, rd);
	port_free(&a);
	port_free(&b);
	port_free(&d);
}

/* etcd compacts past the client's revision while it is away: DS_RESET and
 * a relist that reports exactly the current state. */
static void compaction(void **state)
{
	struct t *t = *state;
	struct port a = port_n("compute-1", 1), b = port_n("compute-1", 2),
		    cp = port_n("compute-1", 3), d = port_n("compute-1", 4);
	struct ds_etcd_config c;
	int64_t ra, rb, rc, rd, cur;
	size_t n0, i, reset;
	char *v, *r;

	start_etcd(t, NULL);
	ra = create_port(t, &a);
	rb = create_port(t, &b);
	rd = create_port(t, &d);
	c = base_cfg(t);
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	wait_info(t, watches, 1);

	n0 = t->n;
	eh_stop(&t->etcd);
	wait_status(t, n0, false);
	assert_int_equal(eh_restart(&t->etcd), 0);
	assert_true(eh_delete(&t->etcd, a.key, ra) > 0);
	b.sg = SG_DB;
	v = nc_wep(&b);
	rb = eh_update(&t->etcd, b.key, v, rb);
	assert_true(rb > 0);
	rc = create_port(t, &cp);
	cur = eh_revision(&t->etcd);
	assert_int_equal(cur, rc);
	assert_int_equal(eh_compact(&t->etcd, cur), 0);

	wait_count(t, DS_SYNCED, 2);
	reset = must_find(t, n0, DS_RESET, NULL);
	for (i = n0; i < reset; i++)
		assert_int_equal(t->recs[i].type, DS_STATUS);
	/* b, c, d in key order, the built-in profile, SYNCED */
	assert_int_equal(t->n, reset + 6);
	r = revstr(rb);
	assert_rec(t, reset + 1, DS_UPSERT, "WorkloadEndpoint", "openstack",
		   b.name, r);
	assert_obj(t->recs[reset + 1].json, v, r);
	free(r);
	r = revstr(rc);
	assert_rec(t, reset + 2, DS_UPSERT, "WorkloadEndpoint", "openstack",
		   cp.name, r);
	free(r);
	r = revstr(rd);
	assert_rec(t, reset + 3, DS_UPSERT, "WorkloadEndpoint", "openstack",
		   d.name, r);
	free(r);
	assert_default_allow(t, reset + 4);
	assert_int_equal(t->recs[reset + 5].type, DS_SYNCED);
	assert_int_equal(count(t, DS_RESET), 1);
	assert_int_equal(stats(t).resyncs, 1);
	assert_int_equal(info(t).compact_revision, cur);
	assert_int_equal(info(t).revision, cur);

	/* watching again */
	n0 = t->n;
	a.device = "11111111-2222-4333-8444-555566667777";
	ra = create_port(t, &a);
	wait_ev(t, n0, DS_UPSERT, a.name);
	assert_int_equal(info(t).revision, ra);
	free(v);
	port_free(&a);
	port_free(&b);
	port_free(&cp);
	port_free(&d);
}

/* The list's pinned revision is compacted between two pages: the list
 * starts over, after a DS_RESET for what the first page reported. */
static void compaction_mid_list(void **state)
{
	struct t *t = *state;
	struct ds_etcd_config c;
	struct port p[8];
	size_t i, reset;
	int k;

	start_etcd(t, NULL);
	for (k = 0; k < 7; k++) {
		p[k] = port_n("compute-3", k);
		create_port(t, &p[k]);
	}
	c = base_cfg(t);
	c.page_limit = 2;
	start_ds(t, &c);
	wait_info(t, range_requests, 1);
	/* the second page is asked for and not yet sent */
	p[7] = port_n("compute-3", 7);
	create_port(t, &p[7]);
	assert_int_equal(eh_compact(&t->etcd, eh_revision(&t->etcd)), 0);

	wait_count(t, DS_SYNCED, 1);
	assert_int_equal(count(t, DS_RESET), 1);
	reset = must_find(t, 0, DS_RESET, NULL);
	assert_int_equal(find(t, 0, DS_UPSERT, p[0].name), 1);
	assert_int_equal(find(t, 0, DS_UPSERT, p[1].name), 2);
	assert_int_equal(reset, 3);
	for (k = 0; k < 8; k++)
		assert_rec(t, reset + 1 + (size_t)k, DS_UPSERT,
			   "WorkloadEndpoint", "openstack", p[k].name, NULL);
	assert_default_allow(t, reset + 9);
	assert_int_equal(t->recs[reset + 10].type, DS_SYNCED);
	assert_int_equal(t->n, reset + 11);
	assert_int_equal(stats(t).resyncs, 1);
	assert_int_equal(stats(t).errors, 0);
	for (i = 0; i < 8; i++)
		port_free(&p[i]);
}

/* A new etcd on the same URLs (restored, or replaced): its revision is
 * behind ours, or its cluster id differs: DS_RESET and a relist. */
static void replaced(void **state)
{
	struct t *t = *state;
	struct port p[6];
	const char *keys[20], *vals[20];
	char *kbuf[20];
	struct ds_etcd_config c;
	size_t n0, reset, i, j;
	int k;

	start_etcd(t, NULL);
	for (k = 0; k < 5; k++) {
		p[k] = port_n("compute-4", k);
		create_port(t, &p[k]);
	}
	c = base_cfg(t);
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	wait_info(t, watches, 1);

	/* the same cluster from scratch: revision 1 < ours */
	n0 = t->n;
	eh_stop(&t->etcd);
	wait_status(t, n0, false);
	eh_wipe(&t->etcd);
	assert_int_equal(eh_restart(&t->etcd), 0);
	p[5] = port_n("compute-4", 5);
	create_port(t, &p[5]);
	wait_count(t, DS_SYNCED, 2);
	reset = must_find(t, n0, DS_RESET, NULL);
	i = must_find(t, reset, DS_UPSERT, NULL);
	assert_rec(t, i, DS_UPSERT, "WorkloadEndpoint", "openstack", p[5].name,
		   "2");
	assert_default_allow(t, i + 1);
	assert_int_equal(t->recs[i + 2].type, DS_SYNCED);
	assert_int_equal(t->n, i + 3);
	for (j = reset + 1; j < i; j++)
		assert_int_equal(t->recs[j].type, DS_STATUS);

	/* another cluster: its id differs */
	n0 = t->n;
	eh_stop(&t->etcd);
	wait_status(t, n0, false);
	eh_wipe(&t->etcd);
	eh_set_cluster_token(&t->etcd, "another-cluster");
	assert_int_equal(eh_restart(&t->etcd), 0);
	for (k = 0; k < 20; k++) {
		kbuf[k] = fmt(P "globalnetworksets/set-%02d", k);
		keys[k] = kbuf[k];
		vals[k] = "{\"spec\": {\"nets\": [\"198.51.100.0/24\"]}}";
	}
	assert_int_equal(eh_put_many(&t->etcd, keys, vals, 20), 2);
	wait_count(t, DS_SYNCED, 3);
	reset = must_find(t, n0, DS_RESET, NULL);
	i = must_find(t, reset, DS_UPSERT, NULL);
	for (k = 0; k < 20; k++) {
		char *name = fmt("set-%02d", k);

		assert_rec(t, i + (size_t)k, DS_UPSERT, "GlobalNetworkSet", "",
			   name, "2");
		free(name);
		free(kbuf[k]);
	}
	assert_default_allow(t, i + 20);
	assert_int_equal(t->n, i + 22);
	assert_int_equal(count(t, DS_RESET), 2);
	assert_int_equal(stats(t).resyncs, 2);
	for (k = 0; k < 6; k++)
		port_free(&p[k]);
}

/* Progress notifications advance the revision without events, so that a
 * compaction at the current revision needs no relist. */
static void progress(void **state)
{
	struct t *t = *state;
	struct eh_opts o = { .progress_ms = 100 };
	struct ds_etcd_config c;
	size_t n0;
	int64_t r;

	start_etcd(t, &o);
	c = base_cfg(t);
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	wait_info(t, watches, 1);
	n0 = t->n;
	r = eh_put(&t->etcd, "/calico/felix/v2/no-region/host/compute-1/status",
		   "{\"uptime\": 1}");
	assert_true(r > info(t).revision);
	wait_info(t, revision, r);
	assert_int_equal(t->n, n0);

	eh_stop(&t->etcd);
	wait_status(t, n0, false);
	assert_int_equal(eh_restart(&t->etcd), 0);
	assert_int_equal(eh_compact(&t->etcd, r), 0);
	wait_info(t, watches, 2);
	assert_int_equal(count(t, DS_RESET), 0);
	assert_int_equal(info(t).range_requests, 1);
}

/* TLS with client certificates; without one, or without the CA, nothing
 * is listed and the error is reported. */
static void tls(void **state)
{
	struct t *t = *state;
	struct eh_opts o = { .tls = true };
	struct port a = port_n("compute-5", 1), b = port_n("compute-5", 2);
	struct ds_etcd_config c;
	size_t i;
	char *m;

	start_etcd(t, &o);
	assert_true(!strncmp(t->etcd.url, "https://", 8));
	create_port(t, &a);
	c = base_cfg(t);
	c.ca_file = t->etcd.ca;
	c.cert_file = t->etcd.cert;
	c.key_file = t->etcd.key;
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	assert_int_equal(find(t, 0, DS_UPSERT, a.name), 1);
	wait_info(t, watches, 1);
	create_port(t, &b);
	wait_ev(t, 0, DS_UPSERT, b.name);
	stop_ds(t);

	m = fmt("etcd: %s: range: ", t->etcd.url);
	c.cert_file = c.key_file = NULL; /* no client certificate */
	start_ds(t, &c);
	i = wait_status(t, 0, false);
	assert_true(!strncmp(t->recs[i].message, m, strlen(m)));
	assert_int_equal(count(t, DS_UPSERT), 0);
	assert_true(stats(t).errors >= 1);
	stop_ds(t);

	c.ca_file = NULL; /* the system's CAs do not know this one */
	c.cert_file = t->etcd.cert;
	c.key_file = t->etcd.key;
	start_ds(t, &c);
	i = wait_status(t, 0, false);
	assert_true(!strncmp(t->recs[i].message, m, strlen(m)));
	assert_non_null(strstr(t->recs[i].message, "SSL certificate problem"));
	free(m);
	port_free(&a);
	port_free(&b);
}

/* Username and password: a token, renewed after etcd restarts (it forgets
 * simple tokens); a wrong password or none is reported. */
static void auth(void **state)
{
	struct t *t = *state;
	struct port a = port_n("compute-6", 1), b = port_n("compute-6", 2),
		    d = port_n("compute-6", 3);
	struct ds_etcd_config c;
	size_t n0, i;
	char *m;

	start_etcd(t, NULL);
	assert_int_equal(eh_auth_enable(&t->etcd, "root", "s3cret"), 0);
	create_port(t, &a);
	c = base_cfg(t);
	c.username = "root";
	c.password = "s3cret";
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	assert_int_equal(find(t, 0, DS_UPSERT, a.name), 1);
	wait_info(t, watches, 1);
	assert_int_equal(info(t).auths, 1);
	create_port(t, &b);
	wait_ev(t, 0, DS_UPSERT, b.name);

	n0 = t->n;
	eh_stop(&t->etcd);
	wait_status(t, n0, false);
	assert_int_equal(eh_restart(&t->etcd), 0);
	create_port(t, &d);
	wait_ev(t, n0, DS_UPSERT, d.name);
	assert_true(info(t).auths >= 2);
	assert_int_equal(count(t, DS_RESET), 0);
	stop_ds(t);

	c.password = "wrong";
	start_ds(t, &c);
	i = wait_status(t, 0, false);
	m = fmt("etcd: %s: authentication failed: etcdserver: authentication "
		"failed, invalid user ID or password",
		t->etcd.url);
	assert_string_equal(t->recs[i].message, m);
	free(m);
	stop_ds(t);

	c.username = c.password = NULL;
	start_ds(t, &c);
	i = wait_status(t, 0, false);
	m = fmt("etcd: %s: range: etcdserver: user name is empty", t->etcd.url);
	assert_string_equal(t->recs[i].message, m);
	free(m);
	port_free(&a);
	port_free(&b);
	port_free(&d);
}

static void assert_skipped(struct t *t, size_t i, const char *kind,
			   const char *ns, const char *name, const char *msg)
{
	struct rec *r = &t->recs[i];

	if (r->type != DS_STATUS || !r->message || strcmp(r->message, msg) ||
	    (kind && (!r->kind || strcmp(r->kind, kind) || strcmp(r->ns, ns) ||
		      strcmp(r->name, name))) ||
	    (!kind && r->kind)) {
		dump(t);
		fail_msg("event %zu: expected STATUS %s %s/%s \"%s\"", i,
			 kind ? kind : "-", ns ? ns : "-", name ? name : "-",
			 msg);
	}
}

/* Malformed keys and values are skipped, counted and reported; a good
 * object replaced by a malformed one is deleted. */
static void malformed(void **state)
{
	struct t *t = *state;
	static const char *const bad[][2] = {
		{ P "globalnetworkpolicies/ns/extra", "{}" },
		{ P "networkpolicies/openstack/bad-spec", "{\"spec\": [1]}" },
		{ P "tiers/empty", "" },
		{ P "tiers/kind", "{\"kind\": 7}" },
		{ P "workloadendpoints/onlyname", "{}" },
		{ P "workloadendpoints/openstack/bad-array", "[1, 2]" },
		{ P "workloadendpoints/openstack/bad-json", "{not json" },
		{ P "workloadendpoints/openstack/bad-meta",
		  "{\"metadata\": \"x\"}" },
		{ P "workloadendpoints/openstack/bad-name",
		  "{\"metadata\": {\"name\": 1}}" },
		{ P "workloadendpoints/openstack/cut", "{\"spec\": {" },
		{ P "workloadendpoints/openstack/trailing", "{} x" },
	};
	static const char *const why[][4] = {
		{ NULL, NULL, NULL, "key is not <prefix><plural>/<name>" },
		{ "NetworkPolicy", "openstack", "bad-spec",
		  "spec is not an object" },
		{ "Tier", "", "empty", "value is not JSON: empty" },
		{ "Tier", "", "kind", "kind or apiVersion is not a string" },
		{ NULL, NULL, NULL,
		  "key is not <prefix><plural>/<namespace>/<name>" },
		{ "WorkloadEndpoint", "openstack", "bad-array",
		  "value is not a JSON object" },
		{ "WorkloadEndpoint", "openstack", "bad-json",
		  "value is not JSON: quoted object property name expected" },
		{ "WorkloadEndpoint", "openstack", "bad-meta",
		  "metadata is not an object" },
		{ "WorkloadEndpoint", "openstack", "bad-name",
		  "metadata.name or metadata.namespace is not a string" },
		{ "WorkloadEndpoint", "openstack", "cut",
		  "value is not JSON: unexpected end of data" },
		{ "WorkloadEndpoint", "openstack", "trailing",
		  "value is not JSON: data after the end" },
	};
	size_t nbad = sizeof(bad) / sizeof(bad[0]), i, k, n0;
	struct port w = port_n("compute-8", 1);
	struct ds_etcd_config c;
	int64_t rg, rt, rw, rx;
	char *r, *m, *v;

	start_etcd(t, NULL);
	for (i = 0; i < nbad; i++)
		assert_true(eh_put(&t->etcd, bad[i][0], bad[i][1]) > 0);
	rg = eh_put(&t->etcd, P "globalnetworkpolicies/minimal",
		    "{\"spec\": {\"selector\": \"all()\"}}");
	rt = eh_put(
		&t->etcd, P "tiers/security",
		"{\"kind\": \"Tier\", \"apiVersion\": \"projectcalico.org/v3\", "
		"\"metadata\": {\"name\": \"security\"}, "
		"\"spec\": {\"order\": 100, \"defaultAction\": \"Deny\"}}");
	c = base_cfg(t);
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);

	/* STATUS connected, then everything in key order */
	assert_int_equal(t->n, 1 + nbad + 2 + 2);
	for (i = 1, k = 0; i < t->n; i++) {
		if (t->recs[i].type != DS_STATUS)
			continue;
		assert_true(k < nbad);
		m = fmt("etcd: skipped %s: %s", bad[k][0], why[k][3]);
		assert_skipped(t, i, why[k][0], why[k][1], why[k][2], m);
		free(m);
		k++;
	}
	assert_int_equal(k, nbad);
	/* filled in: kind, apiVersion, metadata.name */
	r = revstr(rg);
	i = must_find(t, 0, DS_UPSERT, "minimal");
	assert_int_equal(i, 1);
	assert_rec(t, i, DS_UPSERT, "GlobalNetworkPolicy", "", "minimal", r);
	m = fmt("{\"spec\":{\"selector\":\"all()\"},\"metadata\":{\"name\":"
		"\"minimal\",\"resourceVersion\":\"%s\"},\"kind\":"
		"\"GlobalNetworkPolicy\",\"apiVersion\":\"projectcalico.org/v3\"}",
		r);
	assert_string_equal(t->recs[i].json, m);
	free(m);
	free(r);
	r = revstr(rt);
	i = must_find(t, 0, DS_UPSERT, "security");
	assert_rec(t, i, DS_UPSERT, "Tier", "", "security", r);
	free(r);
	assert_int_equal(stats(t).malformed, nbad);
	assert_int_equal(stats(t).events, 3);

	/* watching: good, then malformed: deleted */
	wait_info(t, watches, 1);
	n0 = t->n;
	v = nc_wep(&w);
	rw = eh_create(&t->etcd, w.key, v);
	wait_ev(t, n0, DS_UPSERT, w.name);
	rx = eh_put(&t->etcd, w.key, "{\"kind\": \"WorkloadEndpoint\"");
	i = wait_ev(t, n0, DS_DELETE, w.name);
	assert_int_equal(i, n0 + 2);
	m = fmt("etcd: skipped %s: value is not JSON: unexpected end of data",
		w.key);
	assert_skipped(t, n0 + 1, "WorkloadEndpoint", "openstack", w.name, m);
	free(m);
	r = revstr(rx);
	assert_rec(t, i, DS_DELETE, "WorkloadEndpoint", "openstack", w.name, r);
	free(r);
	assert_string_equal(t->recs[i].message,
			    "value is not JSON: unexpected end of data");
	r = revstr(rw);
	assert_obj(t->recs[i].json, v, r); /* the last good state */
	free(r);

	/* malformed again: nothing more to delete */
	n0 = t->n;
	assert_true(eh_put(&t->etcd, w.key, "[]") > 0);
	assert_true(eh_put(&t->etcd, P "workloadendpoints/openstack/new", "7") >
		    0);
	rx = eh_put(&t->etcd, P "workloadendpoints/openstack/new",
		    "{\"spec\": {}}");
	i = wait_ev(t, n0, DS_UPSERT, "new");
	assert_int_equal(i, n0 + 2);
	assert_int_equal(t->recs[n0].type, DS_STATUS);
	assert_int_equal(t->recs[n0 + 1].type, DS_STATUS);
	r = revstr(rx);
	assert_rec(t, i, DS_UPSERT, "WorkloadEndpoint", "openstack", "new", r);
	free(r);
	assert_int_equal(stats(t).malformed, nbad + 3);
	assert_int_equal(count(t, DS_DELETE), 1);
	free(v);
	port_free(&w);
}

/* The first endpoint is down: the next one is used. */
static void failover(void **state)
{
	struct t *t = *state;
	struct ds_etcd_config c;
	struct eh_etcd dead;
	char *eps, *m;

	start_etcd(t, NULL);
	/* a second etcd, stopped: its port refuses connections */
	assert_int_equal(eh_start(&dead, NULL), 0);
	eh_stop(&dead);
	eps = fmt("%s,%s", dead.url, t->etcd.url);
	c = base_cfg(t);
	c.endpoints = eps;
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	assert_int_equal(t->recs[0].type, DS_STATUS);
	assert_false(t->recs[0].connected);
	m = fmt("etcd: %s: range: ", dead.url);
	assert_true(!strncmp(t->recs[0].message, m, strlen(m)));
	free(m);
	assert_true(t->recs[1].connected);
	assert_string_equal(info(t).endpoint, t->etcd.url);
	eh_destroy(&dead);
	free(eps);
}

/* A page larger than max_page_bytes is asked for again with half the keys. */
static void page_halving(void **state)
{
	struct t *t = *state;
	struct ds_etcd_config c;
	char big[3001], *v;
	size_t i;
	int k;

	start_etcd(t, NULL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	for (k = 0; k < 6; k++) {
		char *key = fmt(P "tiers/t%d", k);

		v = fmt("{\"metadata\": {\"annotations\": {\"a\": \"%s\"}}}",
			big);
		assert_true(eh_put(&t->etcd, key, v) > 0);
		free(key);
		free(v);
	}
	c = base_cfg(t);
	c.page_limit = 10;
	c.max_page_bytes = 8192; /* one value fits, two do not */
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	assert_int_equal(count(t, DS_UPSERT), 7);
	for (i = 1; i <= 6; i++)
		assert_string_equal(t->recs[i].kind, "Tier");
	assert_int_equal(info(t).page_limit, 1);
	assert_int_equal(info(t).range_requests, 6);
	assert_int_equal(stats(t).errors, 0);
	stop_ds(t);

	c.max_page_bytes = 2048; /* not even one */
	start_ds(t, &c);
	i = wait_status(t, 0, false);
	assert_string_equal(t->recs[i].message,
			    "etcd: one key is larger than 2048 bytes");
	assert_int_equal(count(t, DS_UPSERT), 0);
}

/* A watch silent for longer than watch_idle_ms is resumed (no relist). */
static void idle_watch(void **state)
{
	struct t *t = *state;
	struct port a = port_n("compute-9", 1);
	struct ds_etcd_config c;
	size_t i;
	char *m;

	start_etcd(t, NULL);
	c = base_cfg(t);
	c.watch_idle_ms = 200;
	start_ds(t, &c);
	wait_count(t, DS_SYNCED, 1);
	wait_info(t, watches, 3);
	i = wait_status(t, 0, false);
	m = fmt("etcd: %s: watch idle for 200 ms", t->etcd.url);
	assert_string_equal(t->recs[i].message, m);
	free(m);
	create_port(t, &a);
	wait_ev(t, 0, DS_UPSERT, a.name);
	assert_int_equal(count(t, DS_RESET), 0);
	assert_int_equal(info(t).range_requests, 1);
	port_free(&a);
}

/* The sink may free the datastore; nothing is reported after. */
static void free_in_sink(void **state)
{
	struct t *t = *state;
	struct port a = port_n("compute-9", 1), b = port_n("compute-9", 2);
	struct ds_etcd_config c;
	size_t n;

	start_etcd(t, NULL);
	create_port(t, &a);
	c = base_cfg(t);
	t->free_at = DS_UPSERT;
	start_ds(t, &c);
	wait_count(t, DS_UPSERT, 1);
	assert_null(t->ds);
	n = t->n;
	create_port(t, &b);
	/* nothing is left to run */
	assert_int_equal(sd_event_run(t->loop, 200000), 0);
	assert_int_equal(t->n, n);
	port_free(&a);
	port_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds),
		cmocka_unit_test_setup_teardown(config, setup, teardown),
		cmocka_unit_test_setup_teardown(list_openstack, setup,
						teardown),
		cmocka_unit_test_setup_teardown(watch_events, setup, teardown),
		cmocka_unit_test_setup_teardown(restart_resume, setup,
						teardown),
		cmocka_unit_test_setup_teardown(compaction, setup, teardown),
		cmocka_unit_test_setup_teardown(compaction_mid_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(progress, setup, teardown),
		cmocka_unit_test_setup_teardown(tls, setup, teardown),
		cmocka_unit_test_setup_teardown(auth, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(failover, setup, teardown),
		cmocka_unit_test_setup_teardown(page_halving, setup, teardown),
		cmocka_unit_test_setup_teardown(idle_watch, setup, teardown),
		cmocka_unit_test_setup_teardown(free_in_sink, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
