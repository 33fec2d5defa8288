// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compile: the desired state as a view, as batch text and JSON; single
 * operations as text; applying operations to a userspace engine state;
 * lookups from kernel ids and cookies back to resources; selecting items;
 * problems; FelixConfiguration-like settings.
 */
#include <errno.h>
#include <stdio.h>
#include <strings.h>
#include <json-c/json.h>
#include "cmp_int.h"
#include "state.h"

/* --- the view ----------------------------------------------------------- */

static int by_id(const void *a, const void *b)
{
	const struct kobj *x = *(struct kobj *const *)a;
	const struct kobj *y = *(struct kobj *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The wanted records of @kind, by id; malloc'ed. */
static struct kobj **wanted(const struct cmp *c, uint8_t kind, uint32_t *n)
{
	struct kobj **v, *ko;
	uint32_t k = 0;

	v = cmp_alloc((HASH_CNT(hn, c->kn[kind]) + 1) * sizeof(*v));
	for (ko = c->kn[kind]; ko; ko = ko->hn.next)
		if (ko->wanted && ko->want)
			v[k++] = ko;
	cmp_sort(v, k, sizeof(*v), by_id);
	*n = k;
	return v;
}

static int member_order(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct strata_member));
}

static struct strata_member *members_of(const struct kobj *ko, uint32_t *n)
{
	struct strata_member *v = NULL;
	const struct kmember *m;
	uint32_t k = 0;

	if (ko->n_pos)
		v = cmp_alloc(ko->n_pos * sizeof(*v));
	for (m = ko->members; m; m = m->hh.next)
		if (m->refs)
			v[k++] = m->m;
	cmp_sort(v, k, sizeof(*v), member_order);
	*n = k;
	return v;
}

void cmp_desired(const struct cmp *c, struct cmp_view *v)
{
	struct kobj **ko;
	uint32_t i, n;

	memset(v, 0, sizeof(*v));
	v->settings = c->settings;
	ko = wanted(c, SC_OBJ_TIER, &n);
	v->tiers = cmp_alloc((n + 1) * sizeof(*v->tiers));
	for (i = 0; i < n; i++)
		v->tiers[i] = ko[i]->want;
	v->n_tiers = n;
	free(ko);
	ko = wanted(c, SC_OBJ_POLICY, &n);
	v->policies = cmp_alloc((n + 1) * sizeof(*v->policies));
	for (i = 0; i < n; i++)
		v->policies[i] = ko[i]->want;
	v->n_policies = n;
	free(ko);
	ko = wanted(c, SC_OBJ_IPSET, &n);
	v->ipsets = cmp_alloc((n + 1) * sizeof(*v->ipsets));
	for (i = 0; i < n; i++) {
		v->ipsets[i].set = ko[i]->want;
		v->ipsets[i].members =
			members_of(ko[i], &v->ipsets[i].n_members);
	}
	v->n_ipsets = n;
	free(ko);
	ko = wanted(c, SC_OBJ_ENDPOINT, &n);
	v->endpoints = cmp_alloc((n + 1) * sizeof(*v->endpoints));
	for (i = 0; i < n; i++)
		v->endpoints[i] = ko[i]->want;
	v->n_endpoints = n;
	free(ko);
}

void cmp_view_release(struct cmp_view *v)
{
	uint32_t i;

	for (i = 0; i < v->n_ipsets; i++)
		free((void *)v->ipsets[i].members);
	free(v->tiers);
	free(v->policies);
	free(v->ipsets);
	free(v->endpoints);
	memset(v, 0, sizeof(*v));
}

/* --- lookups ------------------------------------------------------------ */

static const struct ptpl *ko_tpl(const struct kobj *ko)
{
	const struct cpol *p;
	const struct cprof *pr;

	switch (ko->otype) {
	case CMP_SRC_POLICY:
		p = ko->owner;
		return p->reg ? p->reg : p->eff;
	case CMP_SRC_PROFILE:
		pr = ko->owner;
		return pr->tpl;
	}
	return NULL;
}

void cmp_obj_fill(const struct cmp *c, const struct kobj *ko,
		  struct cmp_obj_info *out)
{
	const struct ctier *t;
	const struct cprof *pr;
	const struct lep *l;
	const struct cset *cs;
	const struct ptpl *tpl;

	memset(out, 0, sizeof(*out));
	out->kind = ko->kind;
	out->id = ko->id;
	out->name = ko->name;
	out->src = ko->otype;
	out->res_kind = -1;
	switch (ko->otype) {
	case CMP_SRC_TIER:
		t = ko->owner;
		if (t->defined)
			out->res_kind = RES_TIER;
		out->ns = "";
		out->res_name = t->name;
		out->file = t->file;
		out->line = t->line;
		out->col = t->col;
		break;
	case CMP_SRC_POLICY:
	case CMP_SRC_PROFILE:
		tpl = ko_tpl(ko);
		if (!tpl)
			break;
		out->res_kind = tpl->res_kind;
		out->ns = tpl->ns;
		out->res_name = tpl->name;
		out->file = tpl->file;
		out->line = tpl->line;
		out->col = tpl->col;
		out->staged = tpl->staged;
		out->tier = tpl->tier;
		break;
	case CMP_SRC_MISSING_PROFILE:
		pr = ko->owner;
		out->ns = "";
		out->res_name = pr->name;
		break;
	case CMP_SRC_ENDPOINT:
		l = ko->owner;
		out->res_kind = l->res_kind;
		out->ns = l->ns;
		out->res_name = l->name;
		out->file = l->file;
		out->line = l->line;
		out->col = l->col;
		break;
	case CMP_SRC_SET:
	case CMP_SRC_PORT_SET:
		cs = ko->owner;
		out->selector = cs->csel->key;
		out->port_name = cs->port;
		out->port_proto = cs->proto;
		out->family = ko->family;
		break;
	}
}

int cmp_lookup(const struct cmp *c, uint8_t kind, uint32_t id, const char *name,
	       struct cmp_obj_info *out)
{
	const struct kobj *ko;

	if (kind < SC_OBJ_TIER || kind > SC_OBJ_ENDPOINT)
		return -ENOENT;
	ko = id	    ? ko_find_id(c, kind, id)
	     : name ? ko_find(c, kind, name)
		    : NULL;
	if (!ko || !ko->wanted || !ko->owner)
		return -ENOENT;
	cmp_obj_fill(c, ko, out);
	return 0;
}

static int rule_fill(const struct kobj *ko, uint64_t cookie,
		     struct cmp_rule_info *rule)
{
	const struct ptpl *tpl = ko_tpl(ko);
	uint8_t dir = cmp_cookie_dir(cookie);
	uint32_t index = cmp_cookie_index(cookie);

	memset(rule, 0, sizeof(*rule));
	rule->dir = dir;
	rule->index = index;
	if (index == CMP_COOKIE_SYNTHETIC) {
		rule->synthetic = true;
		return 0;
	}
	if (!tpl || index >= tpl->n_rules[dir])
		return -ENOENT;
	rule->file = tpl->file;
	rule->line = tpl->rules[dir][index].line;
	rule->col = tpl->rules[dir][index].col;
	if (!rule->line) {
		/* a rule a conversion made (a namespace's allow-all): the
		 * resource is where it comes from */
		rule->line = tpl->line;
		rule->col = tpl->col;
	}
	return 0;
}

int cmp_rule_origin(const struct cmp *c, uint32_t policy, uint8_t dir,
		    uint32_t kindex, struct cmp_obj_info *pol,
		    struct cmp_rule_info *rule)
{
	const struct kobj *ko = ko_find_id(c, SC_OBJ_POLICY, policy);
	const struct sc_policy *p;

	if (!ko || !ko->wanted || !ko->owner || !ko->want || dir >= SC_NDIRS)
		return -ENOENT;
	p = ko->want;
	if (kindex >= p->n_rules[dir])
		return -ENOENT;
	if (pol)
		cmp_obj_fill(c, ko, pol);
	return rule_fill(ko, p->rules[dir][kindex].cookie, rule);
}

int cmp_cookie_origin(const struct cmp *c, uint64_t cookie,
		      struct cmp_obj_info *pol, struct cmp_rule_info *rule)
{
	const struct kobj *ko, *best = NULL;
	uint32_t h = cmp_cookie_hash(cookie);

	for (ko = c->kn[SC_OBJ_POLICY]; ko; ko = ko->hn.next)
		if (ko->wanted && ko->owner &&
		    cmp_fnv32(ko->name, strlen(ko->name)) == h &&
		    (!best || strcmp(ko->name, best->name) < 0))
			best = ko;
	if (!best)
		return -ENOENT;
	if (pol)
		cmp_obj_fill(c, best, pol);
	return rule_fill(best, cookie, rule);
}

/* --- printing ----------------------------------------------------------- */

static void source_text(const struct cmp_obj_info *in, char *buf, size_t len)
{
	char pos[512] = "";

	if (in->file && in->line)
		snprintf(pos, sizeof(pos), " (%s:%u)", in->file, in->line);
	else if (in->file)
		snprintf(pos, sizeof(pos), " (%s)", in->file);
	switch (in->src) {
	case CMP_SRC_TIER:
		snprintf(buf, len, "Tier %s%s%s", in->res_name,
			 in->res_kind < 0 ? " (not defined)" : "", pos);
		break;
	case CMP_SRC_POLICY:
	case CMP_SRC_PROFILE:
	case CMP_SRC_ENDPOINT:
		snprintf(buf, len, "%s %s%s%s%s",
			 in->res_kind >= 0 ? res_kind_name(in->res_kind) : "?",
			 in->ns && *in->ns ? in->ns : "",
			 in->ns && *in->ns ? "/" : "",
			 in->res_name ? in->res_name : "", pos);
		break;
	case CMP_SRC_MISSING_PROFILE:
		snprintf(buf, len,
			 "Profile %s (not defined: denies everything)",
			 in->res_name);
		break;
	case CMP_SRC_SET:
		snprintf(buf, len, "selector %s", in->selector);
		break;
	case CMP_SRC_PORT_SET:
		snprintf(buf, len, "named port %s/%s of %s",
			 in->port_proto == 17	 ? "UDP"
			 : in->port_proto == 132 ? "SCTP"
						 : "TCP",
			 in->port_name, in->selector);
		break;
	default:
		snprintf(buf, len, "?");
	}
}

static void comment(const struct cmp *c, FILE *f, uint8_t kind,
		    const char *name)
{
	const struct kobj *ko = ko_find(c, kind, name);
	struct cmp_obj_info in;
	char buf[1024];

	if (!ko || !ko->owner)
		return;
	cmp_obj_fill(c, ko, &in);
	source_text(&in, buf, sizeof(buf));
	fprintf(f, "# %s\n", buf);
}

/* "settings set" without the object limits (they stay the kernel's). */
static void print_settings(FILE *f, const struct sc_settings *s)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		cmp_oom();
	strata_print_settings(m, s);
	fclose(m);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "\tlimit-", 7))
			fprintf(f, "%s\n", line);
	free(buf);
}

void cmp_print(const struct cmp *c, FILE *f)
{
	struct cmp_view v;
	uint32_t i;

	cmp_desired(c, &v);
	if (v.settings)
		print_settings(f, v.settings);
	for (i = 0; i < v.n_tiers; i++) {
		comment(c, f, SC_OBJ_TIER, v.tiers[i]->name);
		strata_print_tier(f, v.tiers[i]);
	}
	for (i = 0; i < v.n_ipsets; i++) {
		comment(c, f, SC_OBJ_IPSET, v.ipsets[i].set->name);
		strata_print_ipset(f, v.ipsets[i].set, v.ipsets[i].members,
				   v.ipsets[i].n_members);
	}
	for (i = 0; i < v.n_policies; i++) {
		comment(c, f, SC_OBJ_POLICY, v.policies[i]->name);
		strata_print_policy(f, v.policies[i]);
	}
	for (i = 0; i < v.n_endpoints; i++) {
		comment(c, f, SC_OBJ_ENDPOINT, v.endpoints[i]->name);
		strata_print_endpoint(f, v.endpoints[i]);
	}
	cmp_view_release(&v);
}

static struct json_object *source_json(const struct cmp *c, uint8_t kind,
				       const char *name)
{
	const struct kobj *ko = ko_find(c, kind, name);
	struct json_object *o = json_object_new_object();
	struct cmp_obj_info in;

	if (!ko || !ko->owner)
		return o;
	cmp_obj_fill(c, ko, &in);
	if (in.res_kind >= 0)
		json_object_object_add(
			o, "kind",
			json_object_new_string(res_kind_name(in.res_kind)));
	if (in.ns && *in.ns)
		json_object_object_add(o, "namespace",
				       json_object_new_string(in.ns));
	if (in.res_name)
		json_object_object_add(o, "name",
				       json_object_new_string(in.res_name));
	if (in.file)
		json_object_object_add(o, "file",
				       json_object_new_string(in.file));
	if (in.line)
		json_object_object_add(o, "line",
				       json_object_new_int((int)in.line));
	if (in.staged)
		json_object_object_add(o, "staged", json_object_new_boolean(1));
	if (in.src == CMP_SRC_MISSING_PROFILE)
		json_object_object_add(o, "missing",
				       json_object_new_boolean(1));
	if (in.selector)
		json_object_object_add(o, "selector",
				       json_object_new_string(in.selector));
	if (in.port_name) {
		json_object_object_add(o, "port_name",
				       json_object_new_string(in.port_name));
		json_object_object_add(o, "port_protocol",
				       json_object_new_int(in.port_proto));
	}
	return o;
}

struct json_object *cmp_json(const struct cmp *c)
{
	struct json_object *o = json_object_new_object(), *a, *x;
	struct cmp_view v;
	uint32_t i;

	cmp_desired(c, &v);
	if (v.settings)
		json_object_object_add(o, "settings",
				       strata_json_settings(v.settings));
	a = json_object_new_array();
	for (i = 0; i < v.n_tiers; i++) {
		x = strata_json_tier(v.tiers[i]);
		json_object_object_add(x, "source",
				       source_json(c, SC_OBJ_TIER,
						   v.tiers[i]->name));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "tiers", a);
	a = json_object_new_array();
	for (i = 0; i < v.n_ipsets; i++) {
		x = strata_json_ipset(v.ipsets[i].set, v.ipsets[i].n_members,
				      true, v.ipsets[i].members,
				      v.ipsets[i].n_members);
		json_object_object_add(x, "source",
				       source_json(c, SC_OBJ_IPSET,
						   v.ipsets[i].set->name));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "ipsets", a);
	a = json_object_new_array();
	for (i = 0; i < v.n_policies; i++) {
		x = strata_json_policy(v.policies[i]);
		json_object_object_add(x, "source",
				       source_json(c, SC_OBJ_POLICY,
						   v.policies[i]->name));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "policies", a);
	a = json_object_new_array();
	for (i = 0; i < v.n_endpoints; i++) {
		x = strata_json_endpoint(v.endpoints[i]);
		json_object_object_add(x, "source",
				       source_json(c, SC_OBJ_ENDPOINT,
						   v.endpoints[i]->name));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "endpoints", a);
	cmp_view_release(&v);
	return o;
}

static const char *const obj_words[NKINDS] = { NULL, "tier", "policy", "ipset",
					       "endpoint" };

void cmp_print_op(FILE *f, const struct strata_op *op)
{
	char *buf = NULL, fmt[STRATA_FMT_LEN];
	size_t len = 0;
	uint32_t i;
	FILE *m;

	switch (op->type) {
	case STRATA_OP_PUT:
		m = open_memstream(&buf, &len);
		if (!m)
			cmp_oom();
		if (op->kind == SC_OBJ_TIER)
			strata_print_tier(m, op->tier);
		else if (op->kind == SC_OBJ_POLICY)
			strata_print_policy(m, op->policy);
		else if (op->kind == SC_OBJ_IPSET)
			strata_print_ipset(m, op->ipset, op->members,
					   op->n_members);
		else
			strata_print_endpoint(m, op->endpoint);
		fclose(m);
		/* "<obj> add ..." -> "<obj> replace ..." */
		if (op->replace && strchr(buf, ' ') &&
		    !strncmp(strchr(buf, ' '), " add ", 5))
			fprintf(f, "%.*s replace %s",
				(int)(strchr(buf, ' ') - buf), buf,
				strchr(buf, ' ') + 5);
		else
			fputs(buf, f);
		free(buf);
		break;
	case STRATA_OP_DEL:
		fprintf(f, "%s del id %u\n", obj_words[op->kind], op->id);
		break;
	case STRATA_OP_MEMBERS:
		fprintf(f, "ipset %s id %u\n",
			op->add ? "add-members" : "del-members", op->id);
		for (i = 0; i < op->n_members; i++) {
			/* set names say their family: "set6:", "port6:" */
			size_t colon = strcspn(op->name, ":");
			uint8_t fam = colon && op->name[colon - 1] == '6'
					      ? STRATA_FAMILY_IPV6
					      : STRATA_FAMILY_IPV4;
			fprintf(f, "%s%s", i % 8 ? "," : "\tmembers ",
				strata_fmt_member(fam, &op->members[i], fmt,
						  sizeof(fmt)));
			if (i % 8 == 7 || i + 1 == op->n_members)
				fputc('\n', f);
		}
		break;
	case STRATA_OP_SETTINGS:
		print_settings(f, op->settings);
		break;
	case STRATA_OP_FLUSH:
		fputs("flush\n", f);
		break;
	}
}

/* --- a userspace engine state ------------------------------------------- */

struct sc_tier *cmp_tier_clone(const struct sc_tier *t)
{
	struct sc_tier *d = sc_tier_new(NULL);

	if (!d)
		cmp_oom();
	d->id = t->id;
	memcpy(d->name, t->name, sizeof(d->name));
	d->default_action = t->default_action;
	return d;
}

struct sc_policy *cmp_policy_clone(const struct sc_policy *p)
{
	struct sc_policy *d = sc_policy_new(NULL);
	struct sc_err err;
	int dir;

	if (!d)
		cmp_oom();
	d->id = p->id;
	memcpy(d->name, p->name, sizeof(d->name));
	for (dir = 0; dir < SC_NDIRS; dir++)
		if (sc_policy_add_rules(d, (enum sc_dir)dir, p->rules[dir],
					p->n_rules[dir], &err))
			cmp_oom();
	return d;
}

struct sc_ipset *cmp_ipset_clone(const struct sc_ipset *s)
{
	struct sc_ipset *d = sc_ipset_new(NULL);

	if (!d)
		cmp_oom();
	d->id = s->id;
	memcpy(d->name, s->name, sizeof(d->name));
	d->family = s->family;
	d->kind = s->kind;
	return d;
}

static void *dup_list(struct sc_arena *a, const void *p, size_t n)
{
	void *d;

	if (!n)
		return NULL;
	d = sc_arena_dup(a, p, n);
	if (!d)
		cmp_oom();
	return d;
}

struct sc_endpoint *cmp_endpoint_clone(const struct sc_endpoint *e)
{
	struct sc_endpoint *d = sc_endpoint_new(NULL);
	uint32_t l, i;

	if (!d)
		cmp_oom();
	d->id = e->id;
	memcpy(d->name, e->name, sizeof(d->name));
	d->kind = e->kind;
	d->no_match = e->no_match;
	memcpy(d->ifname, e->ifname, sizeof(d->ifname));
	d->mark = e->mark;
	d->n_addrs = e->n_addrs;
	d->addrs =
		dup_list(&d->arena, e->addrs, e->n_addrs * sizeof(*e->addrs));
	d->n_spoof = e->n_spoof;
	d->spoof =
		dup_list(&d->arena, e->spoof, e->n_spoof * sizeof(*e->spoof));
	d->n_profiles = e->n_profiles;
	d->profiles = dup_list(&d->arena, e->profiles,
			       e->n_profiles * sizeof(*e->profiles));
	for (l = 0; l < __STRATA_LIST_MAX; l++) {
		const struct sc_eplist *s = &e->lists[l];
		struct sc_eplist *t = &d->lists[l];

		t->n = s->n;
		t->refs = dup_list(&d->arena, s->refs, s->n * sizeof(*s->refs));
		for (i = 0; i < s->n; i++)
			t->refs[i].policies =
				dup_list(&d->arena, s->refs[i].policies,
					 s->refs[i].n_policies * sizeof(u32));
	}
	return d;
}

static int apply_one(struct sc_state *s, struct sc_tx *tx,
		     const struct strata_op *op, struct sc_err *err)
{
	const char *name = op->id ? NULL : op->name;
	struct sc_settings set;

	switch (op->type) {
	case STRATA_OP_PUT:
		switch (op->kind) {
		case SC_OBJ_TIER:
			return sc_tx_put_tier(tx, cmp_tier_clone(op->tier),
					      op->replace, err);
		case SC_OBJ_POLICY:
			return sc_tx_put_policy(tx,
						cmp_policy_clone(op->policy),
						op->replace, err);
		case SC_OBJ_IPSET:
			return sc_tx_put_ipset(tx, cmp_ipset_clone(op->ipset),
					       op->members, op->n_members,
					       op->replace, err);
		default:
			return sc_tx_put_endpoint(
				tx, cmp_endpoint_clone(op->endpoint),
				op->replace, err);
		}
	case STRATA_OP_DEL:
		return sc_tx_del(tx, op->kind, op->id, name, err);
	case STRATA_OP_MEMBERS:
		return sc_tx_members(tx, op->id, name, op->add, op->members,
				     op->n_members, op->exist_ok, err);
	case STRATA_OP_SETTINGS:
		set = *sc_state_settings(s);
		strata_settings_apply(&set, op->settings, op->settings_mask);
		return sc_tx_set_settings(tx, &set, err);
	case STRATA_OP_FLUSH:
		return sc_tx_flush(tx, err);
	}
	return sc_errf(err, -EINVAL, "unknown operation", 0, 0, 0);
}

int cmp_state_apply(struct sc_state *s, const struct strata_batch *ops,
		    struct sc_err *err)
{
	struct sc_runtime *rt;
	struct sc_tx *tx;
	size_t i;
	int ret;

	if (!ops->n)
		return 0;
	tx = sc_tx_begin(s, err);
	if (!tx)
		return err ? err->code : -EBUSY;
	for (i = 0; i < ops->n; i++) {
		ret = apply_one(s, tx, &ops->ops[i], err);
		if (ret) {
			sc_tx_abort(tx);
			if (sc_state_needs_finish(s))
				sc_commit_finish(s);
			return ret;
		}
	}
	ret = sc_tx_commit(tx, &rt, err);
	if (!ret || sc_state_needs_finish(s))
		sc_commit_finish(s);
	return ret;
}

static void dump_put(struct strata_batch *b, uint8_t kind, void *obj)
{
	struct strata_op *op;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->ops = cmp_realloc(b->ops, b->cap * sizeof(*b->ops));
	}
	op = &b->ops[b->n++];
	memset(op, 0, sizeof(*op));
	op->type = STRATA_OP_PUT;
	op->kind = kind;
	switch (kind) {
	case SC_OBJ_TIER:
		op->tier = obj;
		op->id = op->tier->id;
		snprintf(op->name, sizeof(op->name), "%s", op->tier->name);
		break;
	case SC_OBJ_POLICY:
		op->policy = obj;
		op->id = op->policy->id;
		snprintf(op->name, sizeof(op->name), "%s", op->policy->name);
		break;
	case SC_OBJ_IPSET:
		op->ipset = obj;
		op->id = op->ipset->id;
		snprintf(op->name, sizeof(op->name), "%s", op->ipset->name);
		break;
	default:
		op->endpoint = obj;
		op->id = op->endpoint->id;
		snprintf(op->name, sizeof(op->name), "%s", op->endpoint->name);
	}
}

void cmp_state_dump(const struct sc_state *s, struct strata_batch *b)
{
	const struct sc_tier *t;
	const struct sc_policy *p;
	const struct sc_ipset *set;
	const struct sc_endpoint *e;
	struct strata_op *op;

	for (t = sc_state_next_tier(s, 0); t; t = sc_state_next_tier(s, t->id))
		dump_put(b, SC_OBJ_TIER, cmp_tier_clone(t));
	for (p = sc_state_next_policy(s, 0); p;
	     p = sc_state_next_policy(s, p->id))
		dump_put(b, SC_OBJ_POLICY, cmp_policy_clone(p));
	for (set = sc_state_next_ipset(s, 0); set;
	     set = sc_state_next_ipset(s, set->id)) {
		u32 n = sc_state_ipset_count(s, set), got;
		u64 cursor = 0;

		dump_put(b, SC_OBJ_IPSET, cmp_ipset_clone(set));
		op = &b->ops[b->n - 1];
		op->members = n ? cmp_alloc(n * sizeof(*op->members)) : NULL;
		while (op->n_members < n &&
		       (got = sc_state_members(s, set, &cursor,
					       op->members + op->n_members,
					       n - op->n_members)))
			op->n_members += got;
	}
	for (e = sc_state_next_endpoint(s, 0); e;
	     e = sc_state_next_endpoint(s, e->id))
		dump_put(b, SC_OBJ_ENDPOINT, cmp_endpoint_clone(e));
}

/* --- selecting items ---------------------------------------------------- */

static int kind_rank(int k)
{
	switch (k) {
	case RES_WEP:
		return 0;
	case RES_HEP:
		return 1;
	case RES_NETSET:
		return 2;
	default:
		return 3;
	}
}

static int item_order(const void *a, const void *b)
{
	const struct citem *x = *(struct citem *const *)a;
	const struct citem *y = *(struct citem *const *)b;
	int r = kind_rank(x->res_kind) - kind_rank(y->res_kind);

	if (!r)
		r = strcmp(x->ns, y->ns);
	return r ? r : strcmp(x->name, y->name);
}

static size_t report_items(struct cmp *c, struct citem **v, size_t n,
			   void (*fn)(void *arg, const struct cmp_item *it),
			   void *arg)
{
	struct citem *it;
	size_t i;

	cmp_sort(v, n, sizeof(*v), item_order);
	for (i = 0; i < n && fn; i++) {
		struct cmp_item x = { 0 };

		it = v[i];
		x.res_kind = it->res_kind;
		x.ns = it->ns;
		x.name = it->name;
		x.node = it->node;
		x.addrs = it->cur.addrs;
		x.n_addrs = it->cur.n_addrs;
		labelidx_item_labels(c->ipx, it->id, &x.labels);
		fn(arg, &x);
	}
	free(v);
	return n;
}

size_t cmp_select(struct cmp *c, const struct sel *s,
		  void (*fn)(void *arg, const struct cmp_item *it), void *arg)
{
	struct citem **v, *it;
	size_t n = 0;

	v = cmp_alloc((HASH_CNT(hh, c->items) + 1) * sizeof(*v));
	for (it = c->items; it; it = it->hh.next) {
		struct sel_labels l;

		if (labelidx_item_labels(c->ipx, it->id, &l))
			continue;
		if (sel_match(s, &l))
			v[n++] = it;
	}
	return report_items(c, v, n, fn, arg);
}

size_t cmp_addr_owners(struct cmp *c, const struct strata_prefix *a,
		       void (*fn)(void *arg, const struct cmp_item *it),
		       void *arg)
{
	struct citem **v, *it;
	size_t n = 0;
	uint32_t i;

	v = cmp_alloc((HASH_CNT(hh, c->items) + 1) * sizeof(*v));
	for (it = c->items; it; it = it->hh.next)
		for (i = 0; i < it->cur.n_addrs; i++)
			if (sc_prefix_contains(&it->cur.addrs[i], a->family,
					       a->addr)) {
				v[n++] = it;
				break;
			}
	return report_items(c, v, n, fn, arg);
}

/* --- problems ----------------------------------------------------------- */

static int lep_order(const void *a, const void *b)
{
	const struct lep *x = *(struct lep *const *)a;
	const struct lep *y = *(struct lep *const *)b;

	return strcmp(x->id, y->id);
}

static int tpl_order(const void *a, const void *b)
{
	const struct ptpl *x = *(struct ptpl *const *)a;
	const struct ptpl *y = *(struct ptpl *const *)b;
	int r = x->res_kind - y->res_kind;

	if (!r)
		r = strcmp(x->ns, y->ns);
	return r ? r : strcmp(x->name, y->name);
}

static void tpl_problem(struct diags *d, const struct ptpl *t)
{
	diag_add(d, DIAG_WARNING, t->file, NULL, t->line, t->col, "",
		 "%s %s%s%s: %s", res_kind_name(t->res_kind), t->ns,
		 *t->ns ? "/" : "", t->name, t->problem);
}

void cmp_problems(const struct cmp *c, struct diags *d)
{
	const struct lep **lv, *l;
	const struct ptpl **tv;
	const struct cpol *p;
	const struct cprof *pr;
	size_t n = 0, i, k;

	lv = cmp_alloc((HASH_CNT(hh, c->leps) + 1) * sizeof(*lv));
	for (l = c->leps; l; l = l->hh.next)
		if (l->problem)
			lv[n++] = l;
	cmp_sort(lv, n, sizeof(*lv), lep_order);
	for (i = 0; i < n; i++)
		diag_add(d, DIAG_WARNING, lv[i]->file, NULL, lv[i]->line,
			 lv[i]->col, "", "%s %s%s%s: %s",
			 res_kind_name(lv[i]->res_kind), lv[i]->ns,
			 *lv[i]->ns ? "/" : "", lv[i]->name, lv[i]->problem);
	free(lv);
	k = 2 * HASH_CNT(hh, c->pols) + HASH_CNT(hh, c->profs) + 1;
	tv = cmp_alloc(k * sizeof(*tv));
	n = 0;
	for (p = c->pols; p; p = p->hh.next)
		for (i = 0; i < 2; i++)
			if (p->src[i] && p->src[i]->problem)
				tv[n++] = p->src[i];
	for (pr = c->profs; pr; pr = pr->hh.next)
		if (pr->tpl && pr->tpl->problem)
			tv[n++] = pr->tpl;
	cmp_sort(tv, n, sizeof(*tv), tpl_order);
	for (i = 0; i < n; i++)
		tpl_problem(d, tv[i]);
	free(tv);
}

/* --- FelixConfiguration-like settings ----------------------------------- */

static int fail(char *why, size_t len, const char *fmt, const char *v)
{
	snprintf(why, len, fmt, v);
	return -EINVAL;
}

static bool parse_bool(const char *v, uint8_t *out)
{
	if (!strcasecmp(v, "true") || !strcmp(v, "1")) {
		*out = 1;
		return true;
	}
	if (!strcasecmp(v, "false") || !strcmp(v, "0")) {
		*out = 0;
		return true;
	}
	return false;
}

/* "tcp:22,udp:68" or "tcp:10.0.0.0/8:22", or "none"; @out changes only
 * on success. */
static int parse_failsafes(const char *v, struct strata_failsafe *out,
			   uint32_t *n_out, char *why, size_t len)
{
	struct strata_failsafe tmp[SC_MAX_FAILSAFE];
	char *copy = cmp_strdup(v), *tok, *save = NULL;
	uint32_t n = 0;
	int ret = 0;

	if (strcasecmp(v, "none"))
		for (tok = strtok_r(copy, ", ", &save); tok && !ret;
		     tok = strtok_r(NULL, ", ", &save)) {
			char *first = strchr(tok, ':');
			char *last = strrchr(tok, ':');
			struct strata_perr perr;
			char *text;

			if (n == SC_MAX_FAILSAFE) {
				ret = fail(why, len,
					   "too many failsafe ports in \"%s\"",
					   v);
				break;
			}
			if (!first || first == last)
				text = cmp_strdup(tok);
			else
				text = cmp_printf("%.*s:%s@%.*s",
						  (int)(first - tok), tok,
						  last + 1,
						  (int)(last - first - 1),
						  first + 1);
			if (strata_parse_failsafe(text, &tmp[n], &perr) ||
			    (tmp[n].proto != 6 && tmp[n].proto != 17 &&
			     tmp[n].proto != 132))
				ret = fail(
					why, len,
					"\"%s\" is not a failsafe port (PROTOCOL:PORT or PROTOCOL:NET:PORT)",
					tok);
			else
				n++;
			free(text);
		}
	free(copy);
	if (ret)
		return ret;
	memcpy(out, tmp, n * sizeof(*tmp));
	*n_out = n;
	return 0;
}

int cmp_felix_setting(struct sc_settings *s, const char *key, const char *value,
		      char *why, size_t len)
{
	unsigned long long x;
	char *end;

	if (!strcmp(key, "DefaultEndpointToHostAction")) {
		if (!strcasecmp(value, "Drop"))
			s->wl_to_host = STRATA_WL_TO_HOST_DROP;
		else if (!strcasecmp(value, "Accept"))
			s->wl_to_host = STRATA_WL_TO_HOST_ACCEPT;
		else if (!strcasecmp(value, "Return"))
			s->wl_to_host = STRATA_WL_TO_HOST_RETURN;
		else
			return fail(why, len,
				    "\"%s\" is not Drop, Accept or Return",
				    value);
		return 0;
	}
	if (!strcmp(key, "FailsafeInboundHostPorts"))
		return parse_failsafes(value, s->failsafe_in, &s->n_failsafe_in,
				       why, len);
	if (!strcmp(key, "FailsafeOutboundHostPorts"))
		return parse_failsafes(value, s->failsafe_out,
				       &s->n_failsafe_out, why, len);
	if (!strcmp(key, "InterfacePrefix")) {
		char *copy = cmp_strdup(value), *tok, *save = NULL;
		uint16_t n = 0;

		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (n == STRATA_MAX_WL_PREFIXES ||
			    strlen(tok) >= STRATA_IFNAME_LEN || !*tok) {
				free(copy);
				return fail(
					why, len,
					"\"%s\" is not a list of up to 8 interface prefixes",
					value);
			}
			snprintf(s->wl_prefixes[n++], STRATA_IFNAME_LEN, "%s",
				 tok);
		}
		free(copy);
		if (!n)
			return fail(why, len, "\"%s\" names no prefix", value);
		s->n_wl_prefixes = n;
		return 0;
	}
	if (!strcmp(key, "AllowIPIPPacketsFromWorkloads"))
		return parse_bool(value, &s->allow_ipip)
			       ? 0
			       : fail(why, len, "\"%s\" is not true or false",
				      value);
	if (!strcmp(key, "AllowVXLANPacketsFromWorkloads"))
		return parse_bool(value, &s->allow_vxlan)
			       ? 0
			       : fail(why, len, "\"%s\" is not true or false",
				      value);
	if (!strcmp(key, "DisableConntrackInvalidCheck")) {
		uint8_t b;

		if (!parse_bool(value, &b))
			return fail(why, len, "\"%s\" is not true or false",
				    value);
		s->ct_invalid_drop = !b;
		return 0;
	}
	if (!strcmp(key, "VXLANPort")) {
		x = strtoull(value, &end, 10);
		if (!*value || *end || !x || x > 65535)
			return fail(why, len, "\"%s\" is not a port", value);
		s->vxlan_port = (uint16_t)x;
		return 0;
	}
	if (!strcmp(key, "IptablesMarkMask") ||
	    !strcmp(key, "NftablesMarkMask")) {
		x = strtoull(value, &end, 0);
		if (!*value || *end || !x || x > 0xffffffffULL)
			return fail(why, len, "\"%s\" is not a 32-bit mask",
				    value);
		s->mark_mask = (uint32_t)x;
		/* the accept bit is the lowest bit of the mask, as Felix
		 * allocates it */
		s->mark_accept = (uint32_t)(x & -x);
		return 0;
	}
	snprintf(why, len, "unknown setting \"%s\"", key);
	return -ENOENT;
}
