// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ds_etcd.c - the etcd v3 datastore (Calico's etcd layout; OpenStack).
 *
 * DOC: etcd layout
 *
 * Calico's etcd datastore (libcalico-go's etcdv3 backend, model/resource.go)
 * keeps every projectcalico.org/v3 resource at
 *
 *   /calico/resources/v3/projectcalico.org/<plural>/<name>              cluster
 *   /calico/resources/v3/projectcalico.org/<plural>/<namespace>/<name>
 * namespaced
 *
 * with <plural> the lower-case plural (workloadendpoints, networkpolicies,
 * globalnetworkpolicies, profiles, tiers, hostendpoints, ...; the table
 * below) and the value the resource's JSON (kind, apiVersion, metadata,
 * spec). Calico sets metadata.resourceVersion from the key's mod_revision
 * when it reads, and its List of profiles always adds the built-in
 * "projectcalico-default-allow" Profile (allow all, revision "0"), which is
 * never stored; a stored key of that name is ignored. Policies written by
 * calicoctl may carry the "projectcalico.org/metadata" annotation with the
 * name the user gave; the key's name is what identifies the object.
 *
 * networking-calico (the OpenStack ML2 driver, networking_calico/
 * datamodel_v3.py, plugins/ml2/drivers/calico/{endpoints,policy}.py, in the
 * calico repository) writes through etcd's JSON gateway (etcd3gw):
 *
 *  - WorkloadEndpoint <host>-openstack-<device_id>-<port_id> (dashes in each
 *    part doubled) in namespace "openstack", or "openstack-region-<name>"
 *    when [calico] openstack_region is set, one per Neutron VM port:
 *    orchestrator "openstack", workload, node, endpoint, interfaceName
 *    "tap<port id[:11]>", mac, ipNetworks (fixed IPs and allowed address
 *    pairs as /32 or /128), allowedIps, ipv4Gateway/ipv6Gateway, ipNATs
 *    (floating IPs); no profiles; labels sg.projectcalico.org/openstack-
 *    <sgid>=<sg name>, sg-name.projectcalico.org/openstack-<name>=<sgid>,
 *    projectcalico.org/openstack-project-{id,name,parent-id},
 *    projectcalico.org/namespace, projectcalico.org/orchestrator=openstack;
 *    annotations openstack.projectcalico.org/{network-id,fqdn};
 *  - NetworkPolicy ossg.default.<sgid> in the same namespace, one per
 *    security group: selector has(sg.projectcalico.org/openstack-<sgid>),
 *    Allow rules only;
 *  - ClusterInformation "default" (datastoreReady, clusterGUID, clusterType)
 *    and FelixConfiguration "default" (interfacePrefix gains "tap");
 *  - creates with a transaction comparing version == 0, updates comparing
 *    mod_revision (or version != 0), deletes comparing mod_revision;
 *  - outside the resources prefix, and so not read here:
 *    /calico/dhcp/v2/<region>/subnet/<id> (the Calico DHCP agent's subnets),
 *    /calico/felix/v2/<region>/host/<host>/status and .../workload/
 *    openstack/<wl>/endpoint/<ep> (Felix's status reports),
 *    /calico/openstack/v2/<region>/neutron_election (leader election);
 *    <region> is "no-region" or "region-<name>". Older releases wrote
 *    security groups as Profiles "openstack-sg-<sgid>"; they are read like
 *    any Profile.
 *
 * DOC: Protocol
 *
 * One request at a time over the JSON gateway (/v3/kv/range, /v3/watch,
 * /v3/auth/authenticate; keys and values base64, int64 as strings):
 *
 *  - List: range requests over [prefix, prefix_end) of @page_limit keys in
 *    key order, the first at the current revision, the others pinned to the
 *    revision the first returned (one consistent snapshot), each continuing
 *    from the last key plus a zero byte. A page larger than
 *    max_page_bytes is abandoned and asked for again with half the limit.
 *    A list that fails part-way resumes from the last key at the same
 *    revision; if that revision has been compacted meanwhile, it starts
 *    over (DS_RESET first, since part of it was reported).
 *  - Watch: a streaming POST /v3/watch from list revision + 1 with
 *    prev_kv (deletes carry the last state) and progress_notify; the
 *    response is a stream of JSON messages parsed incrementally with
 *    json_tokener. The revision the consumer is complete up to advances
 *    with each event's mod_revision and with progress notifications.
 *  - A dropped watch (etcd restart, network) is resumed from that revision
 *    + 1 after a backoff (exponential with jitter), on the next endpoint if
 *    the connection failed; nothing is relisted. If etcd has compacted past
 *    it (the watch is canceled with compact_revision), or the cluster id
 *    changed, or etcd's revision went backwards (restored from a backup):
 *    DS_RESET and a full relist.
 *  - Authentication: a token from /v3/auth/authenticate in the
 *    Authorization header; re-authenticated when etcd says it is invalid
 *    and before every watch restart (etcd 3.4 never answers a watch with an
 *    invalid token: a watch not created within request_timeout_ms is
 *    retried).
 *  - sd-event drives libcurl's multi interface: CURLMOPT_SOCKETFUNCTION
 *    maps sockets to sd-event I/O sources, CURLMOPT_TIMERFUNCTION to one
 *    timer. Nothing blocks; the sink is never called from inside libcurl.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <curl/curl.h>

#include "ds_etcd.h"

#define ETCD_API_VERSION   "projectcalico.org/v3"
#define ETCD_DEFAULT_ALLOW "projectcalico-default-allow"
#define ETCD_HEAD_MAX	   256 /* bytes of a reply kept for error messages */

/*
 * The kinds Calico keeps under /calico/resources/v3/projectcalico.org/
 * (libcalico-go model/resource.go), sorted by plural.
 */
static const struct etcd_kind {
	const char *plural;
	const char *kind;
	bool namespaced;
} etcd_kinds[] = {
	{ "bgpconfigurations", "BGPConfiguration", false },
	{ "bgpfilters", "BGPFilter", false },
	{ "bgppeers", "BGPPeer", false },
	{ "blockaffinities", "BlockAffinity", false },
	{ "caliconodestatuses", "CalicoNodeStatus", false },
	{ "clusterinformations", "ClusterInformation", false },
	{ "felixconfigurations", "FelixConfiguration", false },
	{ "globalnetworkpolicies", "GlobalNetworkPolicy", false },
	{ "globalnetworksets", "GlobalNetworkSet", false },
	{ "hostendpoints", "HostEndpoint", false },
	{ "ipamconfigs", "IPAMConfig", false },
	{ "ippools", "IPPool", false },
	{ "ipreservations", "IPReservation", false },
	{ "kubecontrollersconfigurations", "KubeControllersConfiguration",
	  false },
	{ "networkpolicies", "NetworkPolicy", true },
	{ "networksets", "NetworkSet", true },
	{ "nodes", "Node", false },
	{ "profiles", "Profile", false },
	{ "stagedglobalnetworkpolicies", "StagedGlobalNetworkPolicy", false },
	{ "stagedkubernetesnetworkpolicies", "StagedKubernetesNetworkPolicy",
	  true },
	{ "stagednetworkpolicies", "StagedNetworkPolicy", true },
	{ "tiers", "Tier", false },
	{ "workloadendpoints", "WorkloadEndpoint", true },
};

enum etcd_req_type {
	REQ_AUTH,
	REQ_RANGE,
	REQ_WATCH,
};

/* The request in flight. */
struct etcd_req {
	struct ds_etcd *e;
	enum etcd_req_type type;
	CURL *easy;
	struct curl_slist *headers;
	json_tokener *tok;
	struct json_object *reply; /* auth, range: the reply */
	size_t bytes;
	size_t max_bytes; /* 0: no limit */
	bool too_big;
	bool bad_json;
	char head[ETCD_HEAD_MAX + 1]; /* the first bytes, for messages */
	size_t head_len;
	char errbuf[CURL_ERROR_SIZE];
};

struct ds_etcd {
	struct ds ds; /* first */

	/* configuration */
	char **endpoints;
	size_t n_endpoints;
	size_t ep;
	char *prefix;
	size_t prefix_len;
	char *prefix_end;
	size_t prefix_end_len;
	char *ca_file;
	char *cert_file;
	char *key_file;
	char *username;
	char *password;
	unsigned int page_limit_cfg;
	unsigned int connect_timeout_ms;
	unsigned int request_timeout_ms;
	unsigned int backoff_min_ms;
	unsigned int backoff_max_ms;
	unsigned int watch_idle_ms;
	unsigned int keepalive_s;
	size_t max_page_bytes;

	CURLM *multi;
	sd_event_source *curl_timer;
	sd_event_source *retry_timer;
	sd_event_source *watch_timer;
	struct etcd_req *req;
	struct json_object *pending; /* watch messages not yet handled */
	json_tokener *vtok; /* for values */

	bool started;
	bool listing; /* listing (else watching) */
	bool in_backoff;
	unsigned int page_limit;
	int64_t list_rev; /* the list's pinned revision, 0: not yet */
	char *list_next; /* the key the next page starts at */
	size_t list_next_len;
	bool dirty; /* reported objects since the last DS_RESET */
	int64_t rev;
	int64_t compact_rev;
	char cluster_id[32];
	bool watch_created;

	char *token;
	bool auth_disabled; /* etcd said authentication is not enabled */
	bool auth_retried;

	bool connected;
	bool ever_connected;
	char *status_msg; /* the last DS_STATUS message reported */
	unsigned int failures;
	uint64_t rng;

	struct ds_stats stats;
	uint64_t range_requests;
	uint64_t watches;
	uint64_t auths;

	unsigned int depth;
	bool stopping;
	bool free_pending;
};

/* A key split into its parts (pointing into @buf). */
struct etcd_key {
	const char *kind;
	const char *ns;
	const char *name;
	char buf[512];
	const char *text; /* printable key, for messages */
};

enum etcd_key_result {
	KEY_OK,
	KEY_IGNORE, /* not a resource we know, or the built-in profile */
	KEY_MALFORMED,
};

static void etcd_next(struct ds_etcd *e);
static void etcd_fail(struct ds_etcd *e, bool conn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void etcd_req_abort(struct ds_etcd *e);

const char *ds_etcd_kind(const char *plural, bool *namespaced)
{
	size_t lo = 0, hi = sizeof(etcd_kinds) / sizeof(etcd_kinds[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(plural, etcd_kinds[mid].plural);

		if (!c) {
			if (namespaced)
				*namespaced = etcd_kinds[mid].namespaced;
			return etcd_kinds[mid].kind;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* ---- base64 (the gateway's encoding of bytes) ---- */

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64_encode(const char *in, size_t len)
{
	const unsigned char *p = (const unsigned char *)in;
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	if (!out)
		return NULL;
	for (i = 0; i + 2 < len; i += 3) {
		*o++ = b64_alphabet[p[i] >> 2];
		*o++ = b64_alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = b64_alphabet[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = b64_alphabet[p[i + 2] & 63];
	}
	if (i < len) {
		*o++ = b64_alphabet[p[i] >> 2];
		if (i + 1 < len) {
			*o++ = b64_alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = b64_alphabet[(p[i + 1] & 15) << 2];
		} else {
			*o++ = b64_alphabet[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = 0;
	return out;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode padded base64 into a malloc'ed, NUL-terminated buffer.
 * Return: 0, or -EINVAL (not base64), -ENOMEM.
 */
static int b64_decode(const char *in, size_t len, char **out, size_t *out_len)
{
	size_t i, n = 0;
	char *buf;

	if (len % 4)
		return -EINVAL;
	buf = malloc(len / 4 * 3 + 1);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < len; i += 4) {
		int a = b64_value(in[i]), b = b64_value(in[i + 1]);
		int c = b64_value(in[i + 2]), d = b64_value(in[i + 3]);
		bool last = i + 4 == len;

		if (a < 0 || b < 0)
			goto bad;
		buf[n++] = (char)(a << 2 | b >> 4);
		if (in[i + 2] == '=') {
			if (!last || in[i + 3] != '=' || (b & 15))
				goto bad;
			break;
		}
		if (c < 0)
			goto bad;
		buf[n++] = (char)((b & 15) << 4 | c >> 2);
		if (in[i + 3] == '=') {
			if (!last || (c & 3))
				goto bad;
			break;
		}
		if (d < 0)
			goto bad;
		buf[n++] = (char)((c & 3) << 6 | d);
	}
	buf[n] = 0;
	*out = buf;
	*out_len = n;
	return 0;
bad:
	free(buf);
	return -EINVAL;
}

/* ---- JSON helpers ---- */

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* An int64 field, as the gateway writes it (a string) or as a number. */
static bool jint(struct json_object *o, const char *key, int64_t *out)
{
	struct json_object *v;
	const char *s;
	char *end;

	if (!json_object_object_get_ex(o, key, &v))
		return false;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	errno = 0;
	*out = strtoll(s, &end, 10);
	return *s && !*end && !errno;
}

static bool jbool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) &&
	       json_object_get_boolean(v);
}

/* The message of a gateway error reply ({"error": ..., "message": ...,
 * "code": N} or, in a stream, {"error": {"message": ..., "grpc_code": N}}).
 */
static const char *etcd_error(struct json_object *reply, int64_t *code)
{
	struct json_object *err = NULL;
	const char *msg;

	*code = 0;
	if (!reply || !json_object_is_type(reply, json_type_object))
		return NULL;
	if (json_object_object_get_ex(reply, "error", &err) &&
	    json_object_is_type(err, json_type_object)) {
		if (!jint(err, "grpc_code", code))
			jint(err, "code", code);
		msg = jstr(err, "message");
		return msg ? msg : "error";
	}
	if (!err && !json_object_object_get_ex(reply, "code", NULL))
		return NULL;
	jint(reply, "code", code);
	msg = jstr(reply, "message");
	if (!msg)
		msg = jstr(reply, "error");
	return msg ? msg : "error";
}

/* ---- event reporting ---- */

static void etcd_emit(struct ds_etcd *e, struct ds_event *ev)
{
	if (e->stopping)
		return;
	if (ev->type == DS_UPSERT || ev->type == DS_DELETE) {
		e->stats.events++;
		e->dirty = true;
	}
	if (!ev->api_version && ev->kind)
		ev->api_version = ETCD_API_VERSION;
	e->ds.sink(ev, e->ds.sink_arg);
}

static void etcd_status(struct ds_etcd *e, bool connected, const char *msg)
{
	struct ds_event ev = {
		.type = DS_STATUS,
		.connected = connected,
		.message = msg,
	};

	if (connected == e->connected && e->status_msg &&
	    !strcmp(e->status_msg, msg))
		return;
	e->connected = connected;
	free(e->status_msg);
	e->status_msg = strdup(msg);
	etcd_emit(e, &ev);
}

static void etcd_malformed(struct ds_etcd *e, const struct etcd_key *k,
			   const char *key, const char *why)
{
	struct ds_event ev = {
		.type = DS_STATUS,
		.connected = e->connected,
	};
	char msg[768];

	e->stats.malformed++;
	if (k) {
		ev.kind = k->kind;
		ev.ns = k->ns;
		ev.name = k->name;
	}
	snprintf(msg, sizeof(msg), "etcd: skipped %s: %s", key, why);
	ev.message = msg;
	etcd_emit(e, &ev);
}

static void etcd_connected(struct ds_etcd *e)
{
	char msg[300];

	e->failures = 0;
	e->auth_retried = false;
	if (e->connected)
		return;
	if (e->ever_connected)
		e->stats.reconnects++;
	e->ever_connected = true;
	snprintf(msg, sizeof(msg), "etcd: connected to %s",
		 e->endpoints[e->ep]);
	etcd_status(e, true, msg);
}

/* ---- keys and values ---- */

/* A printable copy of a key for messages (control bytes as '?'). */
static void etcd_key_text(const char *key, size_t len, char *out, size_t size)
{
	size_t i, n = len < size - 1 ? len : size - 1;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)key[i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[n] = 0;
}

static enum etcd_key_result etcd_parse_key(struct ds_etcd *e, const char *key,
					   size_t len, struct etcd_key *k,
					   const char **why)
{
	char *seg[4], *p;
	size_t rest = len - e->prefix_len, n = 0;
	bool namespaced;

	k->kind = k->ns = k->name = NULL;
	if (len < e->prefix_len || memcmp(key, e->prefix, e->prefix_len))
		return KEY_IGNORE;
	if (memchr(key, 0, len) || rest >= sizeof(k->buf)) {
		*why = memchr(key, 0, len) ? "key contains a zero byte"
					   : "key too long";
		return KEY_MALFORMED;
	}
	memcpy(k->buf, key + e->prefix_len, rest);
	k->buf[rest] = 0;
	for (p = k->buf; n < 4;) {
		seg[n++] = p;
		p = strchr(p, '/');
		if (!p)
			break;
		*p++ = 0;
	}
	k->kind = ds_etcd_kind(seg[0], &namespaced);
	if (!k->kind)
		return KEY_IGNORE;
	if (namespaced && n == 3 && *seg[1] && *seg[2]) {
		k->ns = seg[1];
		k->name = seg[2];
	} else if (!namespaced && n == 2 && *seg[1]) {
		k->ns = "";
		k->name = seg[1];
	} else {
		*why = namespaced
			       ? "key is not <prefix><plural>/<namespace>/<name>"
			       : "key is not <prefix><plural>/<name>";
		return KEY_MALFORMED;
	}
	if (!strcmp(k->kind, "Profile") && !strcmp(k->name, ETCD_DEFAULT_ALLOW))
		return KEY_IGNORE;
	return KEY_OK;
}

/* Set @o[@field] to @value if absent. */
static void etcd_default(struct json_object *o, const char *field,
			 const char *value)
{
	if (!json_object_object_get_ex(o, field, NULL))
		json_object_object_add(o, field, json_object_new_string(value));
}

static bool jtype_ok(struct json_object *o, const char *field,
		     enum json_type type)
{
	struct json_object *v;

	return !json_object_object_get_ex(o, field, &v) ||
	       json_object_is_type(v, type);
}

/*
 * Parse a value (base64 @b64) into the object reported for @k, or NULL
 * with @why (pointing into @whybuf) saying why not.
 */
static struct json_object *etcd_parse_value(struct ds_etcd *e,
					    const struct etcd_key *k,
					    const char *b64, int64_t mod_rev,
					    char *whybuf, size_t whysize)
{
	struct json_object *o, *meta;
	enum json_tokener_error jerr;
	char *val, revs[24];
	size_t len;

	if (!b64)
		b64 = "";
	if (b64_decode(b64, strlen(b64), &val, &len)) {
		snprintf(whybuf, whysize, "value is not base64");
		return NULL;
	}
	json_tokener_reset(e->vtok);
	o = json_tokener_parse_ex(e->vtok, val, (int)len);
	jerr = json_tokener_get_error(e->vtok);
	if (jerr == json_tokener_success) {
		size_t end = json_tokener_get_parse_end(e->vtok);

		while (end < len && strchr(" \t\r\n", val[end]))
			end++;
		if (end < len) {
			json_object_put(o);
			o = NULL;
			snprintf(whybuf, whysize,
				 "value is not JSON: data after the end");
		}
	} else {
		json_object_put(o);
		o = NULL;
		snprintf(whybuf, whysize, "value is not JSON: %s",
			 len ? (jerr == json_tokener_continue
					? "unexpected end of data"
					: json_tokener_error_desc(jerr))
			     : "empty");
	}
	free(val);
	if (!o)
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		snprintf(whybuf, whysize, "value is not a JSON object");
		goto bad;
	}
	if (!jtype_ok(o, "kind", json_type_string) ||
	    !jtype_ok(o, "apiVersion", json_type_string)) {
		snprintf(whybuf, whysize, "kind or apiVersion is not a string");
		goto bad;
	}
	if (!jtype_ok(o, "spec", json_type_object)) {
		snprintf(whybuf, whysize, "spec is not an object");
		goto bad;
	}
	if (!json_object_object_get_ex(o, "metadata", &meta)) {
		meta = json_object_new_object();
		json_object_object_add(o, "metadata", meta);
	}
	if (!json_object_is_type(meta, json_type_object)) {
		snprintf(whybuf, whysize, "metadata is not an object");
		goto bad;
	}
	if (!jtype_ok(meta, "name", json_type_string) ||
	    !jtype_ok(meta, "namespace", json_type_string)) {
		snprintf(whybuf, whysize,
			 "metadata.name or metadata.namespace is not a string");
		goto bad;
	}
	etcd_default(o, "kind", k->kind);
	etcd_default(o, "apiVersion", ETCD_API_VERSION);
	etcd_default(meta, "name", k->name);
	if (*k->ns)
		etcd_default(meta, "namespace", k->ns);
	snprintf(revs, sizeof(revs), "%" PRId64, mod_rev);
	json_object_object_add(meta, "resourceVersion",
			       json_object_new_string(revs));
	return o;
bad:
	json_object_put(o);
	return NULL;
}

/*
 * One key-value from a range reply (@prev and @del unused) or a watch event:
 * report it.
 */
static void etcd_kv(struct ds_etcd *e, struct json_object *kv,
		    struct json_object *prev, bool del, bool watch)
{
	struct ds_event ev = { 0 };
	struct json_object *obj = NULL, *pobj = NULL;
	char *key = NULL, text[400], why[200], revs[24];
	const char *kb64 = jstr(kv, "key"), *reason = NULL;
	int64_t mod = 0, version = 0;
	struct etcd_key k;
	size_t klen;

	if (!kb64 || b64_decode(kb64, strlen(kb64), &key, &klen)) {
		etcd_malformed(e, NULL, "a key", "not base64");
		return;
	}
	etcd_key_text(key, klen, text, sizeof(text));
	switch (etcd_parse_key(e, key, klen, &k, &reason)) {
	case KEY_IGNORE:
		goto out;
	case KEY_MALFORMED:
		etcd_malformed(e, NULL, text, reason);
		goto out;
	case KEY_OK:
		break;
	}
	jint(kv, "mod_revision", &mod);
	jint(kv, "version", &version);
	snprintf(revs, sizeof(revs), "%" PRId64, mod);
	ev.kind = k.kind;
	ev.ns = k.ns;
	ev.name = k.name;
	ev.revision = revs;
	if (prev) {
		int64_t pmod = 0;

		jint(prev, "mod_revision", &pmod);
		pobj = etcd_parse_value(e, &k, jstr(prev, "value"), pmod, why,
					sizeof(why));
	}
	if (del) {
		ev.type = DS_DELETE;
		ev.obj = pobj;
		etcd_emit(e, &ev);
		goto out;
	}
	obj = etcd_parse_value(e, &k, jstr(kv, "value"), mod, why, sizeof(why));
	if (obj) {
		ev.type = DS_UPSERT;
		ev.obj = obj;
		etcd_emit(e, &ev);
		goto out;
	}
	etcd_malformed(e, &k, text, why);
	/*
	 * A good value replaced by a bad one: the object is gone as far as
	 * Calico is concerned. Without prev_kv (compacted), the version says
	 * whether the key existed.
	 */
	if (watch && (pobj || (!prev && version > 1))) {
		ev.type = DS_DELETE;
		ev.obj = pobj;
		ev.message = why;
		etcd_emit(e, &ev);
	}
out:
	json_object_put(obj);
	json_object_put(pobj);
	free(key);
}

/* Calico's built-in allow-all profile, part of every list. */
static void etcd_default_allow(struct ds_etcd *e)
{
	struct ds_event ev = {
		.type = DS_UPSERT,
		.kind = "Profile",
		.ns = "",
		.name = ETCD_DEFAULT_ALLOW,
		.revision = "0",
	};
	struct json_object *o = json_tokener_parse(
		"{\"kind\":\"Profile\",\"apiVersion\":\"" ETCD_API_VERSION "\","
		"\"metadata\":{\"name\":\"" ETCD_DEFAULT_ALLOW "\","
		"\"resourceVersion\":\"0\"},"
		"\"spec\":{\"ingress\":[{\"action\":\"Allow\"}],"
		"\"egress\":[{\"action\":\"Allow\"}]}}");

	ev.obj = o;
	etcd_emit(e, &ev);
	json_object_put(o);
}

/* ---- requests ---- */

static size_t etcd_write(char *data, size_t size, size_t n, void *arg)
{
	struct etcd_req *r = arg;
	struct ds_etcd *e = r->e;
	size_t len = size * n, off = 0;

	if (r->head_len < ETCD_HEAD_MAX) {
		size_t c = ETCD_HEAD_MAX - r->head_len;

		c = c < len ? c : len;
		memcpy(r->head + r->head_len, data, c);
		r->head_len += c;
		r->head[r->head_len] = 0;
	}
	r->bytes += len;
	if (r->max_bytes && r->bytes > r->max_bytes) {
		r->too_big = true;
		return 0;
	}
	if (r->type == REQ_WATCH && e->watch_created && e->watch_idle_ms) {
		uint64_t now;

		sd_event_now(e->ds.loop, CLOCK_MONOTONIC, &now);
		sd_event_source_set_time(e->watch_timer,
					 now + e->watch_idle_ms * 1000ULL);
	}
	while (off < len) {
		struct json_object *o;
		enum json_tokener_error jerr;

		if (r->reply) { /* data after a complete reply */
			while (off < len && strchr(" \t\r\n", data[off]))
				off++;
			if (off < len)
				r->bad_json = true;
			break;
		}
		o = json_tokener_parse_ex(r->tok, data + off, (int)(len - off));
		jerr = json_tokener_get_error(r->tok);
		if (jerr == json_tokener_continue)
			break;
		if (jerr != json_tokener_success) {
			r->bad_json = true;
			return 0;
		}
		off += json_tokener_get_parse_end(r->tok);
		json_tokener_reset(r->tok);
		if (r->type == REQ_WATCH)
			json_object_array_add(e->pending, o);
		else
			r->reply = o;
	}
	return len;
}

static void etcd_req_free(struct etcd_req *r)
{
	if (!r)
		return;
	if (r->easy) {
		curl_multi_remove_handle(r->e->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	curl_slist_free_all(r->headers);
	if (r->tok)
		json_tokener_free(r->tok);
	json_object_put(r->reply);
	free(r);
}

/* Drop the request in flight and any watch messages not handled. */
static void etcd_req_abort(struct ds_etcd *e)
{
	struct etcd_req *r = e->req;

	e->req = NULL;
	etcd_req_free(r);
	if (e->pending && json_object_array_length(e->pending))
		json_object_array_del_idx(e->pending, 0,
					  json_object_array_length(e->pending));
	e->watch_created = false;
	sd_event_source_set_enabled(e->watch_timer, SD_EVENT_OFF);
}

static int etcd_request(struct ds_etcd *e, enum etcd_req_type type,
			const char *path, struct json_object *body)
{
	static const char *const types[] = { "Content-Type: application/json",
					     "Expect:" };
	struct etcd_req *r = calloc(1, sizeof(*r));
	char url[1024], auth[1100];
	size_t i;

	if (!r)
		return -ENOMEM;
	r->e = e;
	r->type = type;
	r->easy = curl_easy_init();
	r->tok = json_tokener_new();
	if (!r->easy || !r->tok)
		goto nomem;
	for (i = 0; i < 2; i++) {
		struct curl_slist *l = curl_slist_append(r->headers, types[i]);

		if (!l)
			goto nomem;
		r->headers = l;
	}
	if (e->token && type != REQ_AUTH) {
		struct curl_slist *l;

		snprintf(auth, sizeof(auth), "Authorization: %s", e->token);
		l = curl_slist_append(r->headers, auth);
		if (!l)
			goto nomem;
		r->headers = l;
	}
	snprintf(url, sizeof(url), "%s%s", e->endpoints[e->ep], path);
	curl_easy_setopt(r->easy, CURLOPT_URL, url);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(
		r->easy, CURLOPT_COPYPOSTFIELDS,
		json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, etcd_write);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)e->connect_timeout_ms);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPIDLE, (long)e->keepalive_s);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPINTVL, (long)e->keepalive_s);
	if (type != REQ_WATCH)
		curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS,
				 (long)e->request_timeout_ms);
	if (type == REQ_RANGE)
		r->max_bytes = e->max_page_bytes;
	if (e->ca_file)
		curl_easy_setopt(r->easy, CURLOPT_CAINFO, e->ca_file);
	if (e->cert_file)
		curl_easy_setopt(r->easy, CURLOPT_SSLCERT, e->cert_file);
	if (e->key_file)
		curl_easy_setopt(r->easy, CURLOPT_SSLKEY, e->key_file);
	if (curl_multi_add_handle(e->multi, r->easy) != CURLM_OK)
		goto nomem;
	e->req = r;
	return 0;
nomem:
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
	etcd_req_free(r);
	return -ENOMEM;
}

/* Ask for the next page of the list. */
static int etcd_range(struct ds_etcd *e)
{
	struct json_object *body = json_object_new_object();
	char *key = b64_encode(e->list_next, e->list_next_len);
	char *end = b64_encode(e->prefix_end, e->prefix_end_len);
	int rc = -ENOMEM;

	if (body && key && end) {
		json_object_object_add(body, "key",
				       json_object_new_string(key));
		json_object_object_add(body, "range_end",
				       json_object_new_string(end));
		json_object_object_add(body, "limit",
				       json_object_new_int64(e->page_limit));
		if (e->list_rev)
			json_object_object_add(
				body, "revision",
				json_object_new_int64(e->list_rev));
		rc = etcd_request(e, REQ_RANGE, "/v3/kv/range", body);
	}
	json_object_put(body);
	free(key);
	free(end);
	return rc;
}

static int etcd_watch(struct ds_etcd *e)
{
	struct json_object *body = json_object_new_object();
	struct json_object *create = json_object_new_object();
	char *key = b64_encode(e->prefix, e->prefix_len);
	char *end = b64_encode(e->prefix_end, e->prefix_end_len);
	int rc = -ENOMEM;

	if (body && create && key && end) {
		json_object_object_add(create, "key",
				       json_object_new_string(key));
		json_object_object_add(create, "range_end",
				       json_object_new_string(end));
		json_object_object_add(create, "start_revision",
				       json_object_new_int64(e->rev + 1));
		json_object_object_add(create, "progress_notify",
				       json_object_new_boolean(1));
		json_object_object_add(create, "prev_kv",
				       json_object_new_boolean(1));
		json_object_object_add(body, "create_request", create);
		create = NULL;
		rc = etcd_request(e, REQ_WATCH, "/v3/watch", body);
	}
	json_object_put(create);
	json_object_put(body);
	free(key);
	free(end);
	if (!rc) {
		uint64_t now;

		sd_event_now(e->ds.loop, CLOCK_MONOTONIC, &now);
		sd_event_source_set_time(e->watch_timer,
					 now + e->request_timeout_ms * 1000ULL);
		sd_event_source_set_enabled(e->watch_timer, SD_EVENT_ONESHOT);
	}
	return rc;
}

static int etcd_auth(struct ds_etcd *e)
{
	struct json_object *body = json_object_new_object();
	int rc = -ENOMEM;

	if (body) {
		json_object_object_add(body, "name",
				       json_object_new_string(e->username));
		json_object_object_add(body, "password",
				       json_object_new_string(e->password));
		rc = etcd_request(e, REQ_AUTH, "/v3/auth/authenticate", body);
	}
	json_object_put(body);
	return rc;
}

static void etcd_drop_token(struct ds_etcd *e)
{
	free(e->token);
	e->token = NULL;
}

/* Start (or restart) a list; DS_RESET first if anything was reported. */
static void etcd_list_begin(struct ds_etcd *e)
{
	e->listing = true;
	e->list_rev = 0;
	e->page_limit = e->page_limit_cfg;
	free(e->list_next);
	e->list_next = malloc(e->prefix_len);
	e->list_next_len = e->prefix_len;
	if (e->list_next)
		memcpy(e->list_next, e->prefix, e->prefix_len);
	if (e->dirty) {
		struct ds_event ev = { .type = DS_RESET };

		e->dirty = false;
		e->stats.resyncs++;
		etcd_emit(e, &ev);
	}
}

/* Issue the next request: authenticate, a page, or the watch. */
static void etcd_next(struct ds_etcd *e)
{
	int rc;

	if (e->stopping || e->req || e->in_backoff)
		return;
	if (e->username && !e->token && !e->auth_disabled)
		rc = etcd_auth(e);
	else if (e->listing)
		rc = e->list_next ? etcd_range(e) : -ENOMEM;
	else
		rc = etcd_watch(e);
	if (rc)
		etcd_fail(e, false, "etcd: cannot build a request: %s",
			  strerror(-rc));
}

/*
 * An error: report it, count it, and retry after a backoff (on the next
 * endpoint if the connection failed).
 */
static void etcd_fail(struct ds_etcd *e, bool conn, const char *fmt, ...)
{
	uint64_t delay, now;
	unsigned int shift;
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	etcd_req_abort(e);
	e->stats.errors++;
	etcd_status(e, false, msg);
	if (conn && e->n_endpoints > 1)
		e->ep = (e->ep + 1) % e->n_endpoints;
	shift = e->failures < 20 ? e->failures : 20;
	delay = (uint64_t)e->backoff_min_ms << shift;
	if (delay > e->backoff_max_ms)
		delay = e->backoff_max_ms;
	e->failures++;
	/* jitter: 75% to 125% */
	e->rng ^= e->rng << 13;
	e->rng ^= e->rng >> 7;
	e->rng ^= e->rng << 17;
	delay = delay * 3 / 4 + (delay ? e->rng % (delay / 2 + 1) : 0);
	e->in_backoff = true;
	sd_event_now(e->ds.loop, CLOCK_MONOTONIC, &now);
	sd_event_source_set_time(e->retry_timer, now + delay * 1000);
	sd_event_source_set_enabled(e->retry_timer, SD_EVENT_ONESHOT);
}

static void etcd_check_cluster(struct ds_etcd *e, struct json_object *header,
			       bool *changed)
{
	const char *id = header ? jstr(header, "cluster_id") : NULL;

	*changed = false;
	if (!id)
		return;
	if (e->cluster_id[0] && strcmp(e->cluster_id, id))
		*changed = true;
	snprintf(e->cluster_id, sizeof(e->cluster_id), "%s", id);
}

/* A reply that is not a success: the message for the log. */
static const char *etcd_reply_error(struct etcd_req *r, CURLcode res, long http,
				    int64_t *code, bool *conn, char *buf,
				    size_t size)
{
	const char *msg;

	*code = 0;
	*conn = false;
	if (r->bad_json) {
		snprintf(buf, size, "HTTP %ld, unexpected reply: %.120s", http,
			 r->head);
		return buf;
	}
	if (res != CURLE_OK) {
		*conn = true;
		snprintf(buf, size, "%s",
			 r->errbuf[0] ? r->errbuf : curl_easy_strerror(res));
		return buf;
	}
	msg = etcd_error(r->reply, code);
	if (msg) {
		snprintf(buf, size, "%s", msg);
		return buf;
	}
	if (http != 200 || !r->reply || r->bad_json ||
	    !json_object_is_type(r->reply, json_type_object)) {
		snprintf(buf, size, "HTTP %ld, unexpected reply: %.120s", http,
			 r->head);
		return buf;
	}
	return NULL;
}

static void etcd_auth_done(struct ds_etcd *e, struct etcd_req *r, CURLcode res,
			   long http)
{
	const char *msg, *token;
	char buf[400];
	int64_t code;
	bool conn;

	msg = etcd_reply_error(r, res, http, &code, &conn, buf, sizeof(buf));
	if (msg && strstr(msg, "authentication is not enabled")) {
		e->auth_disabled = true;
		etcd_next(e);
		return;
	}
	if (msg) {
		etcd_fail(e, conn, "etcd: %s: authentication failed: %s",
			  e->endpoints[e->ep], msg);
		return;
	}
	token = jstr(r->reply, "token");
	if (!token) {
		etcd_fail(e, false,
			  "etcd: %s: authentication reply without token",
			  e->endpoints[e->ep]);
		return;
	}
	free(e->token);
	e->token = strdup(token);
	e->auths++;
	etcd_next(e);
}

/* The list is complete at list_rev: report it and watch from there. */
static void etcd_list_done(struct ds_etcd *e)
{
	struct ds_event ev = { .type = DS_SYNCED };

	etcd_default_allow(e);
	etcd_emit(e, &ev);
	e->rev = e->list_rev;
	e->listing = false;
	free(e->list_next);
	e->list_next = NULL;
	etcd_next(e);
}

static void etcd_range_done(struct ds_etcd *e, struct etcd_req *r, CURLcode res,
			    long http)
{
	struct json_object *header = NULL, *kvs = NULL, *last = NULL;
	const char *msg, *lkey;
	char buf[400];
	int64_t code, hrev = 0;
	bool conn, changed;
	size_t i, n;

	if (r->too_big) {
		if (e->page_limit > 1) {
			e->page_limit /= 2;
			etcd_next(e);
			return;
		}
		etcd_fail(e, false, "etcd: one key is larger than %zu bytes",
			  e->max_page_bytes);
		return;
	}
	msg = etcd_reply_error(r, res, http, &code, &conn, buf, sizeof(buf));
	if (msg) {
		if (code == 16 && e->username && !e->auth_retried) {
			/* the token expired or etcd restarted */
			e->auth_retried = true;
			etcd_drop_token(e);
			etcd_next(e);
			return;
		}
		if (strstr(msg, "required revision has been compacted")) {
			/* the snapshot we were paging through is gone */
			etcd_list_begin(e);
			etcd_next(e);
			return;
		}
		if (code == 8 && e->page_limit > 1) { /* ResourceExhausted */
			e->page_limit /= 2;
			etcd_next(e);
			return;
		}
		etcd_fail(e, conn, "etcd: %s: range: %s", e->endpoints[e->ep],
			  msg);
		return;
	}
	etcd_connected(e);
	e->range_requests++;
	json_object_object_get_ex(r->reply, "header", &header);
	etcd_check_cluster(e, header, &changed);
	if (changed && e->list_rev) {
		etcd_list_begin(e);
		etcd_next(e);
		return;
	}
	if (!e->list_rev) {
		if (!header || !jint(header, "revision", &hrev) || hrev <= 0) {
			etcd_fail(e, false,
				  "etcd: range reply without revision");
			return;
		}
		e->list_rev = hrev;
	}
	if (json_object_object_get_ex(r->reply, "kvs", &kvs) &&
	    json_object_is_type(kvs, json_type_array)) {
		n = json_object_array_length(kvs);
		for (i = 0; i < n && !e->stopping; i++) {
			last = json_object_array_get_idx(kvs, i);
			etcd_kv(e, last, NULL, false, false);
		}
	}
	if (e->stopping)
		return;
	if (!jbool(r->reply, "more")) {
		etcd_list_done(e);
		return;
	}
	lkey = last ? jstr(last, "key") : NULL;
	if (!lkey) {
		etcd_fail(e, false, "etcd: range reply with more but no keys");
		return;
	}
	free(e->list_next);
	e->list_next = NULL;
	if (b64_decode(lkey, strlen(lkey), &e->list_next, &e->list_next_len)) {
		etcd_fail(e, false, "etcd: range reply key is not base64");
		return;
	}
	/* continue after the last key: append a zero byte (b64_decode left
	 * room for it) */
	e->list_next[e->list_next_len++] = 0;
	etcd_next(e);
}

/* etcd answered a watch with a cancellation or lost its history. */
static void etcd_relist(struct ds_etcd *e)
{
	etcd_req_abort(e);
	etcd_list_begin(e);
	etcd_next(e);
}

/* One message of the watch stream. */
static void etcd_watch_msg(struct ds_etcd *e, struct json_object *m)
{
	struct json_object *res, *header = NULL, *events = NULL;
	const char *msg, *reason;
	int64_t code, hrev = 0, compact = 0;
	bool changed;
	size_t i, n;

	msg = etcd_error(m, &code);
	if (msg || !json_object_object_get_ex(m, "result", &res) ||
	    !json_object_is_type(res, json_type_object)) {
		if (code == 16)
			etcd_drop_token(e);
		etcd_fail(e, false, "etcd: %s: watch: %s", e->endpoints[e->ep],
			  msg ? msg : "unexpected message");
		return;
	}
	json_object_object_get_ex(res, "header", &header);
	if (header)
		jint(header, "revision", &hrev);
	if (jbool(res, "created")) {
		etcd_check_cluster(e, header, &changed);
		if (changed || (hrev && hrev < e->rev)) {
			/* another cluster, or restored from an older backup */
			etcd_relist(e);
			return;
		}
		e->watch_created = true;
		e->watches++;
		etcd_connected(e);
		if (e->watch_idle_ms) {
			uint64_t now;

			sd_event_now(e->ds.loop, CLOCK_MONOTONIC, &now);
			sd_event_source_set_time(e->watch_timer,
						 now + e->watch_idle_ms *
								 1000ULL);
			sd_event_source_set_enabled(e->watch_timer,
						    SD_EVENT_ONESHOT);
		} else {
			sd_event_source_set_enabled(e->watch_timer,
						    SD_EVENT_OFF);
		}
	}
	if (jbool(res, "canceled")) {
		if (jint(res, "compact_revision", &compact) && compact > 0) {
			e->compact_rev = compact;
			etcd_relist(e);
			return;
		}
		reason = jstr(res, "cancel_reason");
		etcd_fail(e, false, "etcd: %s: watch canceled: %s",
			  e->endpoints[e->ep], reason ? reason : "no reason");
		return;
	}
	if (json_object_object_get_ex(res, "events", &events) &&
	    json_object_is_type(events, json_type_array) &&
	    (n = json_object_array_length(events))) {
		for (i = 0; i < n && !e->stopping; i++) {
			struct json_object *ev =
				json_object_array_get_idx(events, i);
			struct json_object *kv, *prev = NULL;
			const char *type = jstr(ev, "type");
			int64_t mod = 0;

			if (!json_object_object_get_ex(ev, "kv", &kv))
				continue;
			json_object_object_get_ex(ev, "prev_kv", &prev);
			etcd_kv(e, kv, prev, type && !strcmp(type, "DELETE"),
				true);
			if (jint(kv, "mod_revision", &mod) && mod > e->rev)
				e->rev = mod;
		}
	} else if (!jbool(res, "created") && hrev > e->rev) {
		/* a progress notification: nothing up to hrev is missing */
		e->rev = hrev;
	}
}

/* Handle the watch messages received so far. */
static void etcd_drain(struct ds_etcd *e)
{
	while (!e->stopping && json_object_array_length(e->pending)) {
		struct json_object *m = json_object_get(
			json_object_array_get_idx(e->pending, 0));

		json_object_array_del_idx(e->pending, 0, 1);
		etcd_watch_msg(e, m);
		json_object_put(m);
	}
}

static void etcd_watch_done(struct ds_etcd *e, struct etcd_req *r, CURLcode res,
			    long http)
{
	if (r->bad_json)
		etcd_fail(e, false, "etcd: %s: watch: unexpected reply: %.120s",
			  e->endpoints[e->ep], r->head);
	else if (res != CURLE_OK)
		etcd_fail(e, true, "etcd: %s: watch: %s", e->endpoints[e->ep],
			  r->errbuf[0] ? r->errbuf : curl_easy_strerror(res));
	else if (http != 200)
		etcd_fail(e, false, "etcd: %s: watch: HTTP %ld: %.120s",
			  e->endpoints[e->ep], http, r->head);
	else
		etcd_fail(e, true, "etcd: %s: watch closed by the server",
			  e->endpoints[e->ep]);
}

static void etcd_check_done(struct ds_etcd *e)
{
	CURLMsg *m;
	int left;

	while (!e->stopping && (m = curl_multi_info_read(e->multi, &left))) {
		struct etcd_req *r = e->req;
		long http = 0;

		if (m->msg != CURLMSG_DONE || !r || m->easy_handle != r->easy)
			continue;
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &http);
		e->req = NULL;
		if (r->type == REQ_WATCH)
			etcd_drain(e);
		switch (r->type) {
		case REQ_AUTH:
			etcd_auth_done(e, r, m->data.result, http);
			break;
		case REQ_RANGE:
			etcd_range_done(e, r, m->data.result, http);
			break;
		case REQ_WATCH:
			/* unless its last messages moved on already */
			if (!e->req && !e->in_backoff && !e->stopping)
				etcd_watch_done(e, r, m->data.result, http);
			break;
		}
		etcd_req_free(r);
	}
}

/* ---- sd-event glue ---- */

static void etcd_enter(struct ds_etcd *e)
{
	e->depth++;
}

static void etcd_destroy(struct ds_etcd *e);

static void etcd_leave(struct ds_etcd *e)
{
	if (--e->depth == 0 && e->free_pending)
		etcd_destroy(e);
}

static void etcd_after_curl(struct ds_etcd *e)
{
	etcd_drain(e);
	etcd_check_done(e);
}

static int etcd_on_io(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct ds_etcd *e = arg;
	int mask = 0, running;

	if (revents & EPOLLIN)
		mask |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		mask |= CURL_CSELECT_OUT;
	if (revents & (EPOLLERR | EPOLLHUP))
		mask |= CURL_CSELECT_ERR;
	etcd_enter(e);
	curl_multi_socket_action(e->multi, fd, mask, &running);
	etcd_after_curl(e);
	etcd_leave(e);
	return 0;
}

static int etcd_on_curl_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct ds_etcd *e = arg;
	int running;

	etcd_enter(e);
	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	etcd_after_curl(e);
	etcd_leave(e);
	return 0;
}

static int etcd_on_retry(sd_event_source *s, uint64_t usec, void *arg)
{
	struct ds_etcd *e = arg;

	etcd_enter(e);
	e->in_backoff = false;
	/* a fresh token for a new watch: etcd never answers one with a stale
	 * token */
	if (!e->listing && e->username)
		etcd_drop_token(e);
	etcd_next(e);
	etcd_leave(e);
	return 0;
}

static int etcd_on_watch_timer(sd_event_source *s, uint64_t usec, void *arg)
{
	struct ds_etcd *e = arg;

	etcd_enter(e);
	if (e->req && e->req->type == REQ_WATCH) {
		if (e->watch_created)
			etcd_fail(e, false, "etcd: %s: watch idle for %u ms",
				  e->endpoints[e->ep], e->watch_idle_ms);
		else
			etcd_fail(e, false,
				  "etcd: %s: watch not created within %u ms",
				  e->endpoints[e->ep], e->request_timeout_ms);
	}
	etcd_leave(e);
	return 0;
}

static int etcd_curl_socket(CURL *easy, curl_socket_t fd, int what, void *arg,
			    void *sockp)
{
	struct ds_etcd *e = arg;
	sd_event_source *src = sockp;
	uint32_t events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (src) {
			sd_event_source_disable_unref(src);
			curl_multi_assign(e->multi, fd, NULL);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		events |= EPOLLOUT;
	if (src)
		return sd_event_source_set_io_events(src, events) < 0 ? -1 : 0;
	if (sd_event_add_io(e->ds.loop, &src, fd, events, etcd_on_io, e) < 0)
		return -1;
	sd_event_source_set_description(src, "etcd-socket");
	curl_multi_assign(e->multi, fd, src);
	return 0;
}

static int etcd_curl_timer_cb(CURLM *multi, long timeout_ms, void *arg)
{
	struct ds_etcd *e = arg;
	uint64_t now;

	if (timeout_ms < 0)
		return sd_event_source_set_enabled(e->curl_timer,
						   SD_EVENT_OFF) < 0
			       ? -1
			       : 0;
	sd_event_now(e->ds.loop, CLOCK_MONOTONIC, &now);
	if (sd_event_source_set_time(e->curl_timer,
				     now + (uint64_t)timeout_ms * 1000) < 0 ||
	    sd_event_source_set_enabled(e->curl_timer, SD_EVENT_ONESHOT) < 0)
		return -1;
	return 0;
}

/* ---- the ds_ops ---- */

static int etcd_start(struct ds *ds)
{
	struct ds_etcd *e = (struct ds_etcd *)ds;
	uint64_t now;

	if (e->started)
		return -EALREADY;
	e->started = true;
	etcd_list_begin(e);
	/* from the loop: no event is reported from ds_start() */
	e->in_backoff = true;
	sd_event_now(e->ds.loop, CLOCK_MONOTONIC, &now);
	sd_event_source_set_time(e->retry_timer, now);
	return sd_event_source_set_enabled(e->retry_timer, SD_EVENT_ONESHOT);
}

static void etcd_stats(const struct ds *ds, struct ds_stats *out)
{
	*out = ((const struct ds_etcd *)ds)->stats;
}

static void etcd_destroy(struct ds_etcd *e)
{
	size_t i;

	etcd_req_abort(e);
	if (e->multi)
		curl_multi_cleanup(e->multi);
	sd_event_source_disable_unref(e->curl_timer);
	sd_event_source_disable_unref(e->retry_timer);
	sd_event_source_disable_unref(e->watch_timer);
	json_object_put(e->pending);
	if (e->vtok)
		json_tokener_free(e->vtok);
	for (i = 0; i < e->n_endpoints; i++)
		free(e->endpoints[i]);
	free(e->endpoints);
	free(e->prefix);
	free(e->prefix_end);
	free(e->ca_file);
	free(e->cert_file);
	free(e->key_file);
	free(e->username);
	if (e->password)
		explicit_bzero(e->password, strlen(e->password));
	free(e->password);
	free(e->token);
	free(e->list_next);
	free(e->status_msg);
	sd_event_unref(e->ds.loop);
	free(e);
}

static void etcd_free(struct ds *ds)
{
	struct ds_etcd *e = (struct ds_etcd *)ds;

	e->stopping = true;
	if (e->depth) {
		e->free_pending = true;
		return;
	}
	etcd_destroy(e);
}

static const struct ds_ops etcd_ops = {
	.name = "etcd",
	.start = etcd_start,
	.stats = etcd_stats,
	.free = etcd_free,
};

/* ---- construction ---- */

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

static int etcd_set_err(char **err, const char *fmt, const char *arg)
{
	if (err && asprintf(err, fmt, arg) < 0)
		*err = NULL;
	return -EINVAL;
}

static int etcd_parse_endpoints(struct ds_etcd *e, const char *list, char **err)
{
	const char *p = list;

	while (p && *p) {
		const char *end = strchr(p, ','), *s = p;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char **grown, *ep;

		p = end ? end + 1 : NULL;
		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '/' ||
			       s[len - 1] == '\t'))
			len--;
		if (!len)
			continue;
		ep = strndup(s, len);
		if (!ep)
			return -ENOMEM;
		if (strncmp(ep, "http://", 7) && strncmp(ep, "https://", 8)) {
			etcd_set_err(
				err,
				"etcd endpoint \"%s\" is not http:// or https://",
				ep);
			free(ep);
			return -EINVAL;
		}
		grown = realloc(e->endpoints,
				(e->n_endpoints + 1) * sizeof(*grown));
		if (!grown) {
			free(ep);
			return -ENOMEM;
		}
		e->endpoints = grown;
		e->endpoints[e->n_endpoints++] = ep;
	}
	if (!e->n_endpoints)
		return etcd_set_err(err, "no etcd endpoint%s", "");
	return 0;
}

struct ds *ds_etcd_new(const struct ds_etcd_config *cfg, sd_event *loop,
		       ds_event_fn sink, void *sink_arg, char **err)
{
	struct ds_etcd *e;
	const char *prefix = cfg->prefix ? cfg->prefix : DS_ETCD_PREFIX;
	int rc;

	if (err)
		*err = NULL;
	if (!loop || !sink) {
		etcd_set_err(err, "etcd: %s", "no event loop or sink");
		return NULL;
	}
	if (prefix[0] != '/' || prefix[strlen(prefix) - 1] != '/') {
		etcd_set_err(err,
			     "etcd prefix \"%s\" must start and end with '/'",
			     prefix);
		return NULL;
	}
	if (!cfg->cert_file != !cfg->key_file) {
		etcd_set_err(err, "etcd: %s",
			     "a client certificate needs its key and the key "
			     "its certificate");
		return NULL;
	}
	if (!cfg->username != !cfg->password) {
		etcd_set_err(err, "etcd: %s",
			     "a username needs a password and the password a "
			     "username");
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		goto nomem;
	e->ds.ops = &etcd_ops;
	e->ds.loop = sd_event_ref(loop);
	e->ds.sink = sink;
	e->ds.sink_arg = sink_arg;
	rc = etcd_parse_endpoints(e, cfg->endpoints, err);
	if (rc == -ENOMEM)
		goto nomem;
	if (rc)
		goto fail;
	e->prefix = strdup(prefix);
	e->prefix_len = strlen(prefix);
	e->prefix_end = strdup(prefix);
	if (!e->prefix || !e->prefix_end)
		goto nomem;
	/* the end of the prefix range: its last byte plus one ('/' + 1) */
	e->prefix_end_len = e->prefix_len;
	e->prefix_end[e->prefix_end_len - 1]++;
	e->ca_file = dup_or_null(cfg->ca_file);
	e->cert_file = dup_or_null(cfg->cert_file);
	e->key_file = dup_or_null(cfg->key_file);
	e->username = dup_or_null(cfg->username);
	e->password = cfg->password ? strdup(cfg->password) : NULL;
	if ((cfg->ca_file && *cfg->ca_file && !e->ca_file) ||
	    (cfg->cert_file && *cfg->cert_file && !e->cert_file) ||
	    (cfg->key_file && *cfg->key_file && !e->key_file) ||
	    (cfg->username && *cfg->username && !e->username) ||
	    (cfg->password && !e->password))
		goto nomem;
	if (!e->username && e->password) {
		free(e->password);
		e->password = NULL;
	}
	e->page_limit_cfg = cfg->page_limit ? cfg->page_limit : 500;
	e->page_limit = e->page_limit_cfg;
	e->connect_timeout_ms =
		cfg->connect_timeout_ms ? cfg->connect_timeout_ms : 5000;
	e->request_timeout_ms =
		cfg->request_timeout_ms ? cfg->request_timeout_ms : 30000;
	e->backoff_min_ms = cfg->backoff_min_ms ? cfg->backoff_min_ms : 200;
	e->backoff_max_ms = cfg->backoff_max_ms ? cfg->backoff_max_ms : 30000;
	if (e->backoff_max_ms < e->backoff_min_ms)
		e->backoff_max_ms = e->backoff_min_ms;
	e->watch_idle_ms = cfg->watch_idle_ms ? cfg->watch_idle_ms : 660000;
	e->keepalive_s = cfg->keepalive_s ? cfg->keepalive_s : 30;
	e->max_page_bytes = cfg->max_page_bytes ? cfg->max_page_bytes
						: 64u << 20;
	e->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
		 (uintptr_t)e;
	if (!e->rng)
		e->rng = 1;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	e->multi = curl_multi_init();
	e->pending = json_object_new_array();
	e->vtok = json_tokener_new_ex(64);
	if (!e->multi || !e->pending || !e->vtok)
		goto nomem;
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, etcd_curl_socket);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, etcd_curl_timer_cb);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	if (sd_event_add_time(loop, &e->curl_timer, CLOCK_MONOTONIC, 0, 1000,
			      etcd_on_curl_timer, e) < 0 ||
	    sd_event_add_time(loop, &e->retry_timer, CLOCK_MONOTONIC, 0, 1000,
			      etcd_on_retry, e) < 0 ||
	    sd_event_add_time(loop, &e->watch_timer, CLOCK_MONOTONIC, 0, 1000,
			      etcd_on_watch_timer, e) < 0)
		goto nomem;
	sd_event_source_set_enabled(e->curl_timer, SD_EVENT_OFF);
	sd_event_source_set_enabled(e->retry_timer, SD_EVENT_OFF);
	sd_event_source_set_enabled(e->watch_timer, SD_EVENT_OFF);
	sd_event_source_set_description(e->curl_timer, "etcd-curl-timer");
	sd_event_source_set_description(e->retry_timer, "etcd-retry");
	sd_event_source_set_description(e->watch_timer, "etcd-watch-timer");
	return &e->ds;
nomem:
	if (err && !*err)
		*err = strdup("etcd: out of memory");
fail:
	if (e)
		etcd_destroy(e);
	return NULL;
}

int ds_etcd_config_from_env(struct ds_etcd_config *cfg)
{
	static const struct {
		const char *var;
		size_t off;
	} vars[] = {
		{ "ETCD_ENDPOINTS",
		  offsetof(struct ds_etcd_config, endpoints) },
		{ "ETCD_CA_CERT_FILE",
		  offsetof(struct ds_etcd_config, ca_file) },
		{ "ETCD_CERT_FILE",
		  offsetof(struct ds_etcd_config, cert_file) },
		{ "ETCD_KEY_FILE", offsetof(struct ds_etcd_config, key_file) },
		{ "ETCD_USERNAME", offsetof(struct ds_etcd_config, username) },
		{ "ETCD_PASSWORD", offsetof(struct ds_etcd_config, password) },
	};
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char **field = (const char **)((char *)cfg + vars[i].off);
		const char *v = getenv(vars[i].var);

		if (!*field && v && *v)
			*field = v;
	}
	return cfg->endpoints && *cfg->endpoints ? 0 : -ENOENT;
}

void ds_etcd_info(const struct ds *ds, struct ds_etcd_info *out)
{
	const struct ds_etcd *e = (const struct ds_etcd *)ds;

	memset(out, 0, sizeof(*out));
	if (!e->started)
		out->phase = DS_ETCD_IDLE;
	else if (e->in_backoff)
		out->phase = DS_ETCD_BACKOFF;
	else
		out->phase = e->listing ? DS_ETCD_LISTING : DS_ETCD_WATCHING;
	out->revision = e->rev;
	out->compact_revision = e->compact_rev;
	out->range_requests = e->range_requests;
	out->watches = e->watches;
	out->auths = e->auths;
	out->page_limit = e->page_limit;
	out->endpoint = e->endpoints[e->ep];
}
