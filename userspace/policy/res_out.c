// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resources out (res.h: res_to_json, res_print): the objects Calico
 * prints (apiVersion, kind, metadata, spec; defaults filled in), as JSON
 * (json-c, fields in Calico's struct order) and YAML (libyaml's emitter,
 * keys sorted as calicoctl prints them), and tables for people.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <yaml.h>
#include "res_int.h"

void res_fmt_double(double v, char *buf, size_t size)
{
	int prec;

	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, size, "%.0f", v);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* --- JSON ------------------------------------------------------------- */

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static void add_str(struct json_object *o, const char *key, const char *s)
{
	if (s && *s)
		add(o, key, json_object_new_string(s));
}

static struct json_object *new_double(double v)
{
	char buf[64];

	res_fmt_double(v, buf, sizeof(buf));
	return json_object_new_double_s(v, buf);
}

static struct json_object *labels_json(const struct sel_label *l, size_t n)
{
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < n; i++)
		add(o, l[i].key, json_object_new_string(l[i].value));
	return o;
}

static struct json_object *strs_json(const char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static struct json_object *cidrs_json(const struct res_cidr *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i].text));
	return a;
}

static struct json_object *port_json(const struct res_port *p)
{
	char buf[16];

	if (p->name)
		return json_object_new_string(p->name);
	if (p->first == p->last)
		return json_object_new_int(p->first);
	snprintf(buf, sizeof(buf), "%u:%u", p->first, p->last);
	return json_object_new_string(buf);
}

static struct json_object *ports_json(const struct res_port *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, port_json(&v[i]));
	return a;
}

static struct json_object *proto_json(const struct res_proto *p)
{
	if (p->name)
		return json_object_new_string(p->name);
	return json_object_new_int(p->num);
}

static struct json_object *icmp_json(const struct res_icmp *i)
{
	struct json_object *o = json_object_new_object();

	if (i->has_type)
		add(o, "type", json_object_new_int(i->type));
	if (i->has_code)
		add(o, "code", json_object_new_int(i->code));
	return o;
}

static struct json_object *entity_json(const struct res_entity *e)
{
	struct json_object *o = json_object_new_object(), *sa;

	if (e->n_nets)
		add(o, "nets", cidrs_json(e->nets, e->n_nets));
	if (e->selector.sel)
		add_str(o, "selector", e->selector.text);
	if (e->ns_selector.sel)
		add_str(o, "namespaceSelector", e->ns_selector.text);
	if (e->n_ports)
		add(o, "ports", ports_json(e->ports, e->n_ports));
	if (e->n_not_nets)
		add(o, "notNets", cidrs_json(e->not_nets, e->n_not_nets));
	if (e->not_selector.sel)
		add_str(o, "notSelector", e->not_selector.text);
	if (e->n_not_ports)
		add(o, "notPorts", ports_json(e->not_ports, e->n_not_ports));
	if (e->has_sa) {
		sa = json_object_new_object();
		if (e->n_sa_names)
			add(sa, "names", strs_json(e->sa_names, e->n_sa_names));
		if (e->sa_selector.sel)
			add_str(sa, "selector", e->sa_selector.text);
		add(o, "serviceAccounts", sa);
	}
	return o;
}

static struct json_object *rule_json(const struct res_rule *r)
{
	struct json_object *o = json_object_new_object(), *md;

	add(o, "action", json_object_new_string(res_action_name(r->action)));
	if (r->ip_version)
		add(o, "ipVersion", json_object_new_int(r->ip_version));
	if (r->proto.set)
		add(o, "protocol", proto_json(&r->proto));
	if (r->icmp.set)
		add(o, "icmp", icmp_json(&r->icmp));
	if (r->not_proto.set)
		add(o, "notProtocol", proto_json(&r->not_proto));
	if (r->not_icmp.set)
		add(o, "notICMP", icmp_json(&r->not_icmp));
	add(o, "source", entity_json(&r->src));
	add(o, "destination", entity_json(&r->dst));
	if (r->n_annotations) {
		md = json_object_new_object();
		add(md, "annotations",
		    labels_json(r->annotations, r->n_annotations));
		add(o, "metadata", md);
	}
	return o;
}

static struct json_object *rules_json(const struct res_rule *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, rule_json(&v[i]));
	return a;
}

static const char *staged_name(enum res_staged_action a)
{
	switch (a) {
	case RES_STAGED_SET:
		return "Set";
	case RES_STAGED_DELETE:
		return "Delete";
	case RES_STAGED_LEARN:
		return "Learn";
	case RES_STAGED_IGNORE:
		return "Ignore";
	case RES_STAGED_NONE:
		break;
	}
	return NULL;
}

static struct json_object *policy_spec(const struct res *r)
{
	const struct res_policy *p = &r->pol;
	struct json_object *o = json_object_new_object(), *t;

	if (p->staged_action != RES_STAGED_NONE)
		add(o, "stagedAction",
		    json_object_new_string(staged_name(p->staged_action)));
	add_str(o, "tier", p->tier);
	if (p->has_order)
		add(o, "order", new_double(p->order));
	if (p->n_ingress)
		add(o, "ingress", rules_json(p->ingress, p->n_ingress));
	if (p->n_egress)
		add(o, "egress", rules_json(p->egress, p->n_egress));
	if (p->selector.sel)
		add_str(o, "selector", p->selector.text);
	if (p->types) {
		t = json_object_new_array();
		if (p->types & RES_INGRESS)
			json_object_array_add(
				t, json_object_new_string("Ingress"));
		if (p->types & RES_EGRESS)
			json_object_array_add(t,
					      json_object_new_string("Egress"));
		add(o, "types", t);
	}
	if (p->do_not_track)
		add(o, "doNotTrack", json_object_new_boolean(1));
	if (p->pre_dnat)
		add(o, "preDNAT", json_object_new_boolean(1));
	if (p->apply_on_forward)
		add(o, "applyOnForward", json_object_new_boolean(1));
	if (p->sa_selector.sel)
		add_str(o, "serviceAccountSelector", p->sa_selector.text);
	if (p->ns_selector.sel)
		add_str(o, "namespaceSelector", p->ns_selector.text);
	if (p->assume_needed) {
		t = json_object_new_array();
		json_object_array_add(
			t, json_object_new_string("AssumeNeededOnEveryNode"));
		add(o, "performanceHints", t);
	}
	return o;
}

static struct json_object *ep_ports_json(const struct res_ep_port *v, size_t n,
					 bool wep)
{
	struct json_object *a = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < n; i++) {
		o = json_object_new_object();
		add_str(o, "name", v[i].name);
		add(o, "protocol", proto_json(&v[i].proto));
		add(o, "port", json_object_new_int(v[i].port));
		if (wep && v[i].host_port)
			add(o, "hostPort", json_object_new_int(v[i].host_port));
		if (wep)
			add_str(o, "hostIP", v[i].host_ip);
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *spec_json(const struct res *r)
{
	struct json_object *o;

	switch (r->kind) {
	case RES_TIER:
		o = json_object_new_object();
		if (r->tier.has_order)
			add(o, "order", new_double(r->tier.order));
		add(o, "defaultAction",
		    json_object_new_string(
			    res_action_name(r->tier.default_action)));
		return o;
	case RES_GNP:
	case RES_NP:
	case RES_SGNP:
	case RES_SNP:
		return policy_spec(r);
	case RES_PROFILE:
		o = json_object_new_object();
		if (r->prof.n_ingress)
			add(o, "ingress",
			    rules_json(r->prof.ingress, r->prof.n_ingress));
		if (r->prof.n_egress)
			add(o, "egress",
			    rules_json(r->prof.egress, r->prof.n_egress));
		if (r->prof.n_labels)
			add(o, "labelsToApply",
			    labels_json(r->prof.labels, r->prof.n_labels));
		return o;
	case RES_HEP:
		o = json_object_new_object();
		add_str(o, "node", r->hep.node);
		add_str(o, "interfaceName", r->hep.iface);
		if (r->hep.n_expected_ips)
			add(o, "expectedIPs",
			    cidrs_json(r->hep.expected_ips,
				       r->hep.n_expected_ips));
		if (r->hep.n_profiles)
			add(o, "profiles",
			    strs_json(r->hep.profiles, r->hep.n_profiles));
		if (r->hep.n_ports)
			add(o, "ports",
			    ep_ports_json(r->hep.ports, r->hep.n_ports, false));
		return o;
	case RES_WEP:
		o = json_object_new_object();
		add_str(o, "orchestrator", r->wep.orchestrator);
		add_str(o, "workload", r->wep.workload);
		add_str(o, "node", r->wep.node);
		add_str(o, "containerID", r->wep.container_id);
		add_str(o, "pod", r->wep.pod);
		add_str(o, "endpoint", r->wep.endpoint);
		add_str(o, "serviceAccountName", r->wep.service_account);
		if (r->wep.n_ip_networks)
			add(o, "ipNetworks",
			    cidrs_json(r->wep.ip_networks,
				       r->wep.n_ip_networks));
		add_str(o, "ipv4Gateway", r->wep.ipv4_gateway);
		add_str(o, "ipv6Gateway", r->wep.ipv6_gateway);
		if (r->wep.n_profiles)
			add(o, "profiles",
			    strs_json(r->wep.profiles, r->wep.n_profiles));
		add_str(o, "interfaceName", r->wep.iface);
		add_str(o, "mac", r->wep.mac);
		if (r->wep.n_ports)
			add(o, "ports",
			    ep_ports_json(r->wep.ports, r->wep.n_ports, true));
		if (r->wep.n_allow_spoofed)
			add(o, "allowSpoofedSourcePrefixes",
			    cidrs_json(r->wep.allow_spoofed,
				       r->wep.n_allow_spoofed));
		return o;
	case RES_GNS:
	case RES_NETSET:
		o = json_object_new_object();
		if (r->set.n_nets)
			add(o, "nets", cidrs_json(r->set.nets, r->set.n_nets));
		return o;
	case RES_KIND_MAX:
		break;
	}
	return json_object_new_object();
}

struct json_object *res_to_json(const struct res *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *md = json_object_new_object();

	add(o, "apiVersion", json_object_new_string("projectcalico.org/v3"));
	add(o, "kind", json_object_new_string(res_kind_name(r->kind)));
	add_str(md, "name", r->name);
	if (res_kind_namespaced(r->kind))
		add_str(md, "namespace", r->ns);
	add_str(md, "uid", r->uid);
	add_str(md, "resourceVersion", r->resource_version);
	add_str(md, "creationTimestamp", r->creation_timestamp);
	if (r->n_labels)
		add(md, "labels", labels_json(r->labels, r->n_labels));
	if (r->n_annotations)
		add(md, "annotations",
		    labels_json(r->annotations, r->n_annotations));
	add(o, "metadata", md);
	add(o, "spec", spec_json(r));
	return o;
}

/* --- YAML ------------------------------------------------------------- */

static int emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev) ? 0 : -EIO;
}

static int emit_scalar(yaml_emitter_t *e, const char *s, size_t len,
		       bool string)
{
	yaml_scalar_style_t style = YAML_PLAIN_SCALAR_STYLE;
	yaml_event_t ev;
	bool b;
	int64_t i;
	double f;

	/* a string that would read back as something else is quoted */
	if (string && doc_resolve_plain(s, len, &b, &i, &f) != DOC_STR)
		style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
	if (string && len == 2 && !memcmp(s, "<<", 2))
		style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
				     (int)len, 1, 1, style);
	return emit(e, &ev);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int emit_json(yaml_emitter_t *e, struct json_object *o)
{
	yaml_event_t ev;
	const char **keys, *s;
	size_t n, i;
	int ret = 0;

	switch (json_object_get_type(o)) {
	case json_type_object:
		n = (size_t)json_object_object_length(o);
		yaml_mapping_start_event_initialize(
			&ev, NULL, NULL, 1,
			n ? YAML_BLOCK_MAPPING_STYLE : YAML_FLOW_MAPPING_STYLE);
		if (emit(e, &ev))
			return -EIO;
		keys = doc_xalloc(NULL, (n + 1) * sizeof(*keys));
		i = 0;
		json_object_object_foreach (o, k, v) {
			(void)v;
			keys[i++] = k;
		}
		qsort(keys, n, sizeof(*keys), key_cmp);
		for (i = 0; i < n && !ret; i++) {
			struct json_object *val;

			json_object_object_get_ex(o, keys[i], &val);
			ret = emit_scalar(e, keys[i], strlen(keys[i]), true);
			if (!ret)
				ret = emit_json(e, val);
		}
		free(keys);
		if (ret)
			return ret;
		yaml_mapping_end_event_initialize(&ev);
		return emit(e, &ev);
	case json_type_array:
		n = json_object_array_length(o);
		yaml_sequence_start_event_initialize(
			&ev, NULL, NULL, 1,
			n ? YAML_BLOCK_SEQUENCE_STYLE
			  : YAML_FLOW_SEQUENCE_STYLE);
		if (emit(e, &ev))
			return -EIO;
		for (i = 0; i < n && !ret; i++)
			ret = emit_json(e, json_object_array_get_idx(o, i));
		if (ret)
			return ret;
		yaml_sequence_end_event_initialize(&ev);
		return emit(e, &ev);
	case json_type_string:
		return emit_scalar(e, json_object_get_string(o),
				   (size_t)json_object_get_string_len(o), true);
	case json_type_null:
		return emit_scalar(e, "null", 4, false);
	default:
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		return emit_scalar(e, s, strlen(s), false);
	}
}

static int write_handler(void *data, unsigned char *buf, size_t size)
{
	return fwrite(buf, 1, size, data) == size;
}

static int yaml_print(FILE *f, struct json_object *o)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	int ret = -EIO;

	if (!yaml_emitter_initialize(&e))
		return -ENOMEM;
	yaml_emitter_set_output(&e, write_handler, f);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_indent(&e, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(&e, &ev))
		goto out;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (emit(&e, &ev) || emit_json(&e, o))
		goto out;
	yaml_document_end_event_initialize(&ev, 1);
	if (emit(&e, &ev))
		goto out;
	yaml_stream_end_event_initialize(&ev);
	if (emit(&e, &ev))
		goto out;
	ret = 0;
out:
	yaml_emitter_delete(&e);
	return ret;
}

/* --- tables ----------------------------------------------------------- */

#define MAX_COLS 8

struct table {
	size_t cols, rows, cap;
	char **cells; /* rows x cols */
	size_t width[MAX_COLS];
};

static void cell(struct table *t, size_t row, size_t col, const char *s)
{
	size_t len;

	if (row >= t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		while (t->cap <= row)
			t->cap *= 2;
		t->cells = doc_xalloc(t->cells,
				      t->cap * MAX_COLS * sizeof(*t->cells));
	}
	if (row >= t->rows) {
		memset(&t->cells[t->rows * MAX_COLS], 0,
		       (row + 1 - t->rows) * MAX_COLS * sizeof(*t->cells));
		t->rows = row + 1;
	}
	len = strlen(s ? s : "");
	t->cells[row * MAX_COLS + col] = doc_xalloc(NULL, len + 1);
	memcpy(t->cells[row * MAX_COLS + col], s ? s : "", len + 1);
	if (len > t->width[col])
		t->width[col] = len;
}

static void join_cidrs(const struct res_cidr *v, size_t n, char *buf,
		       size_t size)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "," : "",
				      v[i].text);
}

static void join_strs(const char *const *v, size_t n, char *buf, size_t size)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "," : "",
				      v[i]);
}

static void join_labels(const struct sel_label *v, size_t n, char *buf,
			size_t size)
{
	size_t i, o = 0;

	buf[0] = 0;
	for (i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s=%s",
				      i ? "," : "", v[i].key, v[i].value);
}

static int print_table(FILE *f, struct res *const *v, size_t n, bool wide,
		       bool all_ns)
{
	struct table t = { 0 };
	const char *hdr[MAX_COLS] = { 0 };
	size_t h = 0, i, r, col;
	char buf[4096];
	enum res_kind kind = n ? v[0]->kind : RES_TIER;
	bool ns = all_ns && res_kind_namespaced(kind);

	if (ns)
		hdr[h++] = "NAMESPACE";
	hdr[h++] = "NAME";
	switch (kind) {
	case RES_TIER:
		hdr[h++] = "ORDER";
		hdr[h++] = "DEFAULTACTION";
		break;
	case RES_GNP:
	case RES_NP:
	case RES_SGNP:
	case RES_SNP:
		hdr[h++] = "TIER";
		hdr[h++] = "ORDER";
		if (res_kind_is_staged(kind))
			hdr[h++] = "STAGEDACTION";
		if (wide) {
			hdr[h++] = "TYPES";
			hdr[h++] = "SELECTOR";
		}
		break;
	case RES_PROFILE:
		if (wide) {
			hdr[h++] = "INGRESS";
			hdr[h++] = "EGRESS";
			hdr[h++] = "LABELSTOAPPLY";
		}
		break;
	case RES_HEP:
		hdr[h++] = "NODE";
		hdr[h++] = "INTERFACE";
		if (wide) {
			hdr[h++] = "EXPECTEDIPS";
			hdr[h++] = "PROFILES";
		}
		break;
	case RES_WEP:
		hdr[h++] = "NODE";
		hdr[h++] = "NETWORKS";
		hdr[h++] = "INTERFACE";
		if (wide) {
			hdr[h++] = "PROFILES";
			hdr[h++] = "LABELS";
		}
		break;
	case RES_GNS:
	case RES_NETSET:
		hdr[h++] = "NETS";
		if (wide)
			hdr[h++] = "LABELS";
		break;
	case RES_KIND_MAX:
		break;
	}
	t.cols = h;
	for (col = 0; col < h; col++)
		cell(&t, 0, col, hdr[col]);
	for (i = 0; i < n; i++) {
		const struct res *x = v[i];

		r = i + 1;
		col = 0;
		if (ns)
			cell(&t, r, col++, x->ns);
		cell(&t, r, col++, x->name);
		switch (kind) {
		case RES_TIER:
			if (x->tier.has_order)
				res_fmt_double(x->tier.order, buf, sizeof(buf));
			cell(&t, r, col++, x->tier.has_order ? buf : "<none>");
			cell(&t, r, col++,
			     res_action_name(x->tier.default_action));
			break;
		case RES_GNP:
		case RES_NP:
		case RES_SGNP:
		case RES_SNP:
			cell(&t, r, col++, x->pol.tier);
			if (x->pol.has_order)
				res_fmt_double(x->pol.order, buf, sizeof(buf));
			cell(&t, r, col++, x->pol.has_order ? buf : "<none>");
			if (res_kind_is_staged(kind))
				cell(&t, r, col++,
				     staged_name(x->pol.staged_action));
			if (wide) {
				cell(&t, r, col++,
				     x->pol.types == (RES_INGRESS | RES_EGRESS)
					     ? "Ingress,Egress"
				     : x->pol.types == RES_INGRESS ? "Ingress"
				     : x->pol.types == RES_EGRESS  ? "Egress"
								   : "<none>");
				cell(&t, r, col++,
				     x->pol.selector.sel
					     ? sel_str(x->pol.selector.sel)
					     : "all()");
			}
			break;
		case RES_PROFILE:
			if (wide) {
				snprintf(buf, sizeof(buf), "%zu",
					 x->prof.n_ingress);
				cell(&t, r, col++, buf);
				snprintf(buf, sizeof(buf), "%zu",
					 x->prof.n_egress);
				cell(&t, r, col++, buf);
				join_labels(x->prof.labels, x->prof.n_labels,
					    buf, sizeof(buf));
				cell(&t, r, col++, buf);
			}
			break;
		case RES_HEP:
			cell(&t, r, col++, x->hep.node);
			cell(&t, r, col++, x->hep.iface ? x->hep.iface : "");
			if (wide) {
				join_cidrs(x->hep.expected_ips,
					   x->hep.n_expected_ips, buf,
					   sizeof(buf));
				cell(&t, r, col++, buf);
				join_strs(x->hep.profiles, x->hep.n_profiles,
					  buf, sizeof(buf));
				cell(&t, r, col++, buf);
			}
			break;
		case RES_WEP:
			cell(&t, r, col++, x->wep.node);
			join_cidrs(x->wep.ip_networks, x->wep.n_ip_networks,
				   buf, sizeof(buf));
			cell(&t, r, col++, buf);
			cell(&t, r, col++, x->wep.iface ? x->wep.iface : "");
			if (wide) {
				join_strs(x->wep.profiles, x->wep.n_profiles,
					  buf, sizeof(buf));
				cell(&t, r, col++, buf);
				join_labels(x->labels, x->n_labels, buf,
					    sizeof(buf));
				cell(&t, r, col++, buf);
			}
			break;
		case RES_GNS:
		case RES_NETSET:
			join_cidrs(x->set.nets, x->set.n_nets, buf,
				   sizeof(buf));
			cell(&t, r, col++, buf);
			if (wide) {
				join_labels(x->labels, x->n_labels, buf,
					    sizeof(buf));
				cell(&t, r, col++, buf);
			}
			break;
		case RES_KIND_MAX:
			break;
		}
	}
	for (r = 0; r < t.rows; r++) {
		for (col = 0; col < t.cols; col++) {
			const char *s = t.cells[r * MAX_COLS + col];

			if (col + 1 < t.cols)
				fprintf(f, "%-*s   ", (int)t.width[col],
					s ? s : "");
			else
				fprintf(f, "%s", s ? s : "");
		}
		fputc('\n', f);
	}
	for (i = 0; i < t.rows * MAX_COLS; i++)
		free(t.cells[i]);
	free(t.cells);
	return ferror(f) ? -EIO : 0;
}

/* --- res_print -------------------------------------------------------- */

/* json-c's pretty printer, with empty objects and lists as {} and [] (it
 * breaks them over two lines; strings hold no raw newline, so a bracket,
 * a newline and blanks up to the closing bracket is always an empty one) */
static void print_json(FILE *f, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			   JSON_C_TO_STRING_NOSLASHESCAPE);
	const char *p, *q;

	for (p = s; *p; p++) {
		fputc(*p, f);
		if (*p != '{' && *p != '[')
			continue;
		if (p[1] != '\n')
			continue;
		for (q = p + 2; *q == ' '; q++)
			;
		if (*q == (*p == '{' ? '}' : ']'))
			p = q - 1;
	}
	fputc('\n', f);
}

int res_print(FILE *f, struct res *const *v, size_t n, enum res_fmt fmt,
	      bool all_ns)
{
	struct json_object *o, *items;
	char kind[64];
	bool one_kind = true;
	size_t i;
	int ret;

	if (fmt == RES_FMT_TABLE || fmt == RES_FMT_WIDE)
		return print_table(f, v, n, fmt == RES_FMT_WIDE, all_ns);
	for (i = 1; i < n; i++)
		if (v[i]->kind != v[0]->kind)
			one_kind = false;
	if (n == 1) {
		o = res_to_json(v[0]);
	} else {
		o = json_object_new_object();
		items = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(items, res_to_json(v[i]));
		if (n && one_kind) {
			snprintf(kind, sizeof(kind), "%sList",
				 res_kind_name(v[0]->kind));
			add(o, "apiVersion",
			    json_object_new_string("projectcalico.org/v3"));
			add(o, "kind", json_object_new_string(kind));
		} else {
			add(o, "apiVersion", json_object_new_string("v1"));
			add(o, "kind", json_object_new_string("List"));
		}
		add(o, "items", items);
	}
	if (fmt == RES_FMT_JSON) {
		print_json(f, o);
		ret = ferror(f) ? -EIO : 0;
	} else {
		ret = yaml_print(f, o);
	}
	json_object_put(o);
	return ret;
}
