// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stratactl explain: what happens to a packet, and why. The state of
 * each node the packet crosses is compiled from manifests (or read from
 * the running kernel), and every hook is decided by the engine's own
 * sc_decide() (policy/explain.h), so the answer is the kernel's. With
 * staged policies, the verdict they would give is computed beside it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "cmp.h"
#include "explain.h"
#include "state.h"

void usage_explain(FILE *f)
{
	fprintf(f,
		"Usage: stratactl explain [ [ -f ] PATH ]... [ --kernel ] [ --node NODE ]\n"
		"                         --from END --to END [ --proto PROTO ]\n"
		"                         [ --sport PORT ] [ --dport PORT ]\n"
		"                         [ --icmp-type TYPE ] [ --icmp-code CODE ]\n"
		"                         [ --orig-dst ADDR[:PORT] ] [ -4 | -6 ]\n"
		"                         [ --ct { new | established | related | invalid } ]\n"
		"                         [ --iif IFNAME ] [ --oif IFNAME ] [ --reject ]\n"
		"                         [ --felix KEY=VALUE ]... [ -o { text | json } ]\n"
		"END := { NAMESPACE/POD | NAMESPACE/WORKLOADENDPOINT | HOSTENDPOINT |\n"
		"         pod:NS/NAME | wep:NS/NAME | hep:NAME | ADDRESS | host[:ADDRESS] }\n"
		"PATH is a YAML or JSON manifest, a directory of them, or - (stdin).\n"
		"Without PATH (or with --kernel) the running kernel's state is explained;\n"
		"PATHs then only name objects, give staged policies and place an END\n"
		"of another node (outside this host). Prints, per node the packet\n"
		"crosses and per hook, the tiers and policies considered, the\n"
		"rule that decided (file:line) and the verdict, and the verdict staged\n"
		"policies would give. PROTO defaults to tcp, --sport to 40000; --dport\n"
		"is needed for protocols with ports. --reject and --felix are compile's.\n");
}

/* The source port when --sport is not given: an ephemeral one. */
#define EXPLAIN_SPORT 40000

static bool has_ports_proto(uint8_t p)
{
	return p == 6 || p == 17 || p == 33 || p == 132 || p == 136;
}

struct xopts {
	const char **paths;
	size_t n_paths;
	const char *node, *from, *to, *orig, *iif, *oif;
	bool kernel, reject;
	uint8_t family;
	uint8_t proto;
	bool has_sport, has_dport, has_type, has_code;
	uint16_t sport, dport;
	uint8_t icmp_type, icmp_code;
	uint8_t ct;
	char **felix;
	size_t n_felix;
};

/* --- options ------------------------------------------------------------- */

static int num_opt(const char *opt, const char *s, uint32_t max, uint32_t *v)
{
	struct strata_perr perr;

	if (strata_parse_u32(s, v, &perr) || *v > max) {
		fprintf(stderr,
			"%s: explain: %s: \"%s\" is not a number from 0 to %u\n",
			cli.prog, opt, s, max);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

/* The options that take an argument. */
static bool takes_arg(const char *a)
{
	static const char *const opts[] = {
		"-f",	       "--filename", "--node",	"--from",
		"--to",	       "--orig-dst", "--iif",	"--oif",
		"--proto",     "--sport",    "--dport", "--icmp-type",
		"--icmp-code", "--ct",	     "--felix", "-o",
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strcmp(a, opts[i]))
			return true;
	return false;
}

static int parse_args(int argc, char **argv, struct xopts *o)
{
	char pn[16];
	uint32_t v;
	int i, ret;

	o->paths = calloc((size_t)argc + 1, sizeof(*o->paths));
	o->felix = calloc((size_t)argc + 1, sizeof(*o->felix));
	if (!o->paths || !o->felix)
		return cli_usage_error(usage_explain, "out of memory");
	o->proto = 6;
	o->ct = SC_CT_NEW;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i],
			   *arg = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = takes_arg(a);

		if (!takes && a[0] == '-' && a[1] && strcmp(a, "--kernel") &&
		    strcmp(a, "--reject") && strcmp(a, "-4") && strcmp(a, "-6"))
			return cli_usage_error(usage_explain,
					       "unknown option \"%s\"", a);
		if (takes && !arg)
			return cli_usage_error(usage_explain,
					       "%s needs an argument", a);
		if (!strcmp(a, "-f") || !strcmp(a, "--filename")) {
			o->paths[o->n_paths++] = arg;
		} else if (!strcmp(a, "--node")) {
			o->node = arg;
		} else if (!strcmp(a, "--from")) {
			o->from = arg;
		} else if (!strcmp(a, "--to")) {
			o->to = arg;
		} else if (!strcmp(a, "--orig-dst")) {
			o->orig = arg;
		} else if (!strcmp(a, "--iif")) {
			o->iif = arg;
		} else if (!strcmp(a, "--oif")) {
			o->oif = arg;
		} else if (!strcmp(a, "--proto")) {
			struct strata_perr perr;

			if (strata_parse_proto(arg, &o->proto, &perr)) {
				fprintf(stderr, "%s: explain: --proto: %s\n",
					cli.prog, perr.msg);
				return EXIT_INVALID;
			}
		} else if (!strcmp(a, "--sport") || !strcmp(a, "--dport")) {
			ret = num_opt(a, arg, 65535, &v);
			if (ret)
				return ret;
			if (a[2] == 's') {
				o->sport = (uint16_t)v;
				o->has_sport = true;
			} else {
				o->dport = (uint16_t)v;
				o->has_dport = true;
			}
		} else if (!strcmp(a, "--icmp-type") ||
			   !strcmp(a, "--icmp-code")) {
			ret = num_opt(a, arg, 255, &v);
			if (ret)
				return ret;
			if (!strcmp(a, "--icmp-type")) {
				o->icmp_type = (uint8_t)v;
				o->has_type = true;
			} else {
				o->icmp_code = (uint8_t)v;
				o->has_code = true;
			}
		} else if (!strcmp(a, "--ct")) {
			static const char *const cts[] = { "new", "established",
							   "related",
							   "invalid" };
			size_t k;

			for (k = 0; k < 4 && strcmp(arg, cts[k]); k++)
				;
			if (k == 4)
				return cli_usage_error(
					usage_explain,
					"--ct needs new, established, related or invalid");
			o->ct = (uint8_t)k; /* enum sc_ct order */
		} else if (!strcmp(a, "--felix")) {
			if (!strchr(arg, '='))
				return cli_usage_error(
					usage_explain,
					"--felix needs KEY=VALUE");
			o->felix[o->n_felix++] = (char *)arg;
		} else if (!strcmp(a, "-o")) {
			if (strcmp(arg, "json") && strcmp(arg, "text"))
				return cli_usage_error(
					usage_explain,
					"-o needs \"text\" or \"json\"");
			cli.json = !strcmp(arg, "json");
		} else if (!strcmp(a, "--kernel")) {
			o->kernel = true;
		} else if (!strcmp(a, "--reject")) {
			o->reject = true;
		} else if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			o->family = a[1] == '4' ? 4 : 6;
		} else {
			o->paths[o->n_paths++] = a;
		}
		if (takes)
			i++;
	}
	if (!o->from || !o->to)
		return cli_usage_error(usage_explain,
				       "--from and --to are needed");
	if (!has_ports_proto(o->proto) && (o->has_sport || o->has_dport))
		return cli_usage_error(
			usage_explain,
			"--sport and --dport go with tcp, udp, sctp, udplite or dccp");
	if (has_ports_proto(o->proto) && !o->has_dport)
		return cli_usage_error(
			usage_explain, "--dport is needed for %s",
			strata_proto_name(o->proto, pn, sizeof(pn)));
	if (o->proto != 1 && o->proto != 58 && (o->has_type || o->has_code))
		return cli_usage_error(
			usage_explain,
			"--icmp-type and --icmp-code go with icmp or icmpv6");
	if (o->has_code && !o->has_type)
		return cli_usage_error(usage_explain,
				       "--icmp-code needs --icmp-type");
	if (!o->n_paths && (o->n_felix || o->reject))
		return cli_usage_error(
			usage_explain,
			"--felix and --reject go with manifests");
	if (o->kernel && o->n_felix)
		return cli_usage_error(
			usage_explain,
			"--felix does not go with --kernel (the kernel's settings apply)");
	if (!o->n_paths)
		o->kernel = true;
	return EXIT_OK;
}

/* --- context ------------------------------------------------------------- */

#define XC_MAX_NODES 4

/**
 * struct xnode - one node's states
 * @name: the node
 * @c: the compiler of its enforced state (manifests), or NULL
 * @st: the state that decides (compiled, or the kernel's)
 * @pc: the compiler with staged policies as enforced, or NULL
 * @pst: its state
 */
struct xnode {
	char *name;
	struct cmp *c, *pc;
	struct sc_state *st, *pst;
};

/**
 * struct xend - one end of the flow, resolved
 * @e: role, node, interface (explain.h)
 * @spec: as given
 * @literal: an address was given
 * @addr: the packet's address for this end
 * @cand: its addresses (endpoints: all of them; the first of the flow's
 *        family is used)
 * @n_cand: their number
 * @res: the WorkloadEndpoint or HostEndpoint (manifests), or NULL
 * @kname: the kernel endpoint's name ("" if none)
 * @sets: the network sets holding @addr (JSON array)
 */
struct xend {
	struct xp_end e;
	const char *spec;
	bool literal;
	struct strata_prefix addr;
	struct strata_prefix cand[16];
	size_t n_cand;
	const struct res *res;
	char node[256];
	char iface[STRATA_IFNAME_LEN];
	char kname[STRATA_NAME_LEN];
	struct json_object *sets;
};

struct xctx {
	struct xopts *o;
	struct rset *rs;
	struct cmp *resolver;
	bool staged;
	bool managed;
	struct sc_settings settings;
	struct xnode nodes[XC_MAX_NODES];
	size_t n_nodes;
	struct sc_state *kst; /* kernel mode: the kernel's state */
	char self[256]; /* kernel mode: this node's name */
	struct json_object *notes;
	char *strs[16]; /* strings handed out to the planner */
	size_t n_strs;
};

static const struct sc_limits nocaps = { UINT32_MAX, UINT32_MAX, UINT32_MAX,
					 UINT32_MAX, UINT32_MAX, UINT32_MAX };

static void note(struct xctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct xctx *x, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; i < json_object_array_length(x->notes); i++)
		if (!strcmp(json_object_get_string(
				    json_object_array_get_idx(x->notes, i)),
			    buf))
			return;
	json_object_array_add(x->notes, json_object_new_string(buf));
}

static const char *keep(struct xctx *x, const char *s)
{
	if (x->n_strs == sizeof(x->strs) / sizeof(x->strs[0]))
		return s; /* static storage then */
	x->strs[x->n_strs] = strdup(s);
	if (!x->strs[x->n_strs])
		abort();
	return x->strs[x->n_strs++];
}

static void prefix_of(const struct res_cidr *c, struct strata_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = c->family;
	p->prefix_len = c->family == 6 ? 128 : 32;
	memcpy(p->addr, c->addr, sizeof(p->addr));
}

static const char *fmt_addr(const struct strata_prefix *p, char *buf,
			    size_t len)
{
	if (!inet_ntop(p->family == 6 ? AF_INET6 : AF_INET, p->addr, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* --- states -----------------------------------------------------------------
 */

static void problems(const struct cmp *c)
{
	struct diags d;

	diags_init(&d);
	cmp_problems(c, &d);
	diags_print(&d, stderr);
	diags_release(&d);
}

/* A compiler for @node given every resource; with @st, its state too. */
static int compile_node(struct xctx *x, const char *node, bool staged,
			struct cmp **cp, struct sc_state **st)
{
	struct cmp_config cfg = { 0 };
	struct strata_batch b;
	struct res **v = NULL;
	struct sc_err err = { 0 };
	size_t n, i;
	struct cmp *c;

	if (x->o->reject)
		cfg.deny_action = STRATA_ACT_REJECT;
	cfg.staged_as_enforced = staged;
	c = cmp_new(node, &cfg);
	n = rset_list(x->rs, -1, NULL, &v);
	for (i = 0; i < n; i++)
		cmp_upsert(c, v[i]);
	free(v);
	if (x->managed)
		cmp_set_settings(c, &x->settings);
	strata_batch_init(&b);
	cmp_flush(c, st ? &b : NULL);
	if (!staged && st)
		problems(c);
	*cp = c;
	if (st) {
		*st = sc_state_new(NULL, &nocaps);
		if (!*st)
			abort();
		if (xp_commit(*st, &b, &err)) {
			fprintf(stderr,
				"%s: explain: node %s: the engine refused the compiled state: %s\n",
				cli.prog, node, err.msg);
			strata_batch_release(&b);
			return EXIT_INVALID;
		}
	}
	strata_batch_release(&b);
	return EXIT_OK;
}

/* The states of @node (made on first use). */
static int node_get(struct xctx *x, const char *name, struct xnode **out)
{
	struct xnode *n;
	size_t i;
	int ret;

	for (i = 0; i < x->n_nodes; i++)
		if (!strcmp(x->nodes[i].name, name)) {
			*out = &x->nodes[i];
			return EXIT_OK;
		}
	if (x->n_nodes == XC_MAX_NODES)
		abort(); /* at most three legs and one resolver */
	n = &x->nodes[x->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name);
	if (!n->name)
		abort();
	*out = n;
	if (x->kst) {
		/* the kernel decides; manifests name and stage */
		n->st = x->kst;
		if (!x->rs)
			return EXIT_OK;
		ret = compile_node(x, name, false, &n->c, NULL);
		if (!ret && x->staged)
			ret = compile_node(x, name, true, &n->pc, &n->pst);
		return ret;
	}
	ret = compile_node(x, name, false, &n->c, &n->st);
	if (!ret && x->staged)
		ret = compile_node(x, name, true, &n->pc, &n->pst);
	return ret;
}

static void nodes_free(struct xctx *x)
{
	size_t i;

	for (i = 0; i < x->n_nodes; i++) {
		struct xnode *n = &x->nodes[i];

		if (n->st != x->kst)
			sc_state_free(n->st);
		sc_state_free(n->pst);
		cmp_free(n->c);
		cmp_free(n->pc);
		free(n->name);
	}
	sc_state_free(x->kst);
	for (i = 0; i < x->n_strs; i++)
		free(x->strs[i]);
}

/* Read the running kernel's state into an engine state. */
static int kernel_state(struct xctx *x)
{
	struct strata_batch k;
	struct strata_err err;
	struct sc_err serr = { 0 };
	struct strata_nl *nl;
	int ret;

	ret = cli_connect(&nl);
	if (ret)
		return ret;
	strata_batch_init(&k);
	if (cmp_dump_kernel(nl, &k, &err)) {
		ret = cli_fail(&err, "explain: reading the kernel's state");
		goto out;
	}
	x->kst = sc_state_new(NULL, &nocaps);
	if (!x->kst)
		abort();
	/* the pending state is compiled with the kernel's settings */
	x->settings = *k.ops[0].settings; /* cmp_dump_kernel() gives them first
					   */
	x->managed = true;
	if (xp_commit(x->kst, &k, &serr)) {
		fprintf(stderr,
			"%s: explain: the kernel's state does not load into the engine: %s\n",
			cli.prog, serr.msg);
		ret = EXIT_KERNEL;
		goto out;
	}
	ret = EXIT_OK;
out:
	strata_batch_release(&k);
	strata_nl_close(nl);
	return ret;
}

/* --- the ends
 * ------------------------------------------------------------------ */

static void cand_add(struct xend *e, const struct strata_prefix *p)
{
	size_t i;

	for (i = 0; i < e->n_cand; i++)
		if (!memcmp(&e->cand[i], p, sizeof(*p)))
			return;
	if (e->n_cand < sizeof(e->cand) / sizeof(e->cand[0]))
		e->cand[e->n_cand++] = *p;
}

static void cand_res(struct xend *e, const struct res *r)
{
	struct strata_prefix p;
	size_t i;

	if (r->kind == RES_WEP)
		for (i = 0; i < r->wep.n_ip_networks; i++) {
			prefix_of(&r->wep.ip_networks[i], &p);
			cand_add(e, &p);
		}
	else
		for (i = 0; i < r->hep.n_expected_ips; i++) {
			prefix_of(&r->hep.expected_ips[i], &p);
			cand_add(e, &p);
		}
}

/* An address, full length. */
static bool parse_addr(const char *s, struct strata_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, s, p->addr) == 1) {
		p->family = 4;
		p->prefix_len = 32;
		return true;
	}
	if (inet_pton(AF_INET6, s, p->addr) == 1) {
		p->family = 6;
		p->prefix_len = 128;
		return true;
	}
	return false;
}

static void set_end_res(struct xend *e, const struct res *r, uint8_t role)
{
	e->res = r;
	e->e.role = role;
	snprintf(e->node, sizeof(e->node), "%s",
		 r->kind == RES_WEP ? r->wep.node : r->hep.node);
	e->e.node = e->node;
	cand_res(e, r);
}

struct owners {
	struct xctx *x;
	struct xend *e;
	bool sets_only;
	size_t n_eps;
	char first[512];
	char others[1024];
};

static void owner_cb(void *arg, const struct cmp_item *it)
{
	struct owners *o = arg;
	const struct res *r = rset_get(o->x->rs, (enum res_kind)it->res_kind,
				       it->ns, it->name);
	struct json_object *s;
	size_t l;

	if (!r)
		return;
	if (it->res_kind == RES_WEP || it->res_kind == RES_HEP) {
		if (o->sets_only)
			return;
		if (o->n_eps++) {
			l = strlen(o->others);
			snprintf(o->others + l, sizeof(o->others) - l,
				 ", %s %s%s%s", res_kind_name(r->kind), r->ns,
				 *r->ns ? "/" : "", r->name);
			return;
		}
		snprintf(o->first, sizeof(o->first), "%s %s%s%s",
			 res_kind_name(r->kind), r->ns, *r->ns ? "/" : "",
			 r->name);
		set_end_res(o->e, r,
			    r->kind == RES_WEP ? XP_WORKLOAD : XP_HOST);
		return;
	}
	s = json_object_new_object();
	json_object_object_add(s, "kind",
			       json_object_new_string(res_kind_name(r->kind)));
	if (*r->ns)
		json_object_object_add(s, "namespace",
				       json_object_new_string(r->ns));
	json_object_object_add(s, "name", json_object_new_string(r->name));
	if (r->src.file) {
		json_object_object_add(s, "file",
				       json_object_new_string(r->src.file));
		json_object_object_add(s, "line",
				       json_object_new_int64(r->src.line));
	}
	json_object_array_add(o->e->sets, s);
}

/* A WorkloadEndpoint by pod (@pod) or by name, in namespace @ns. */
static const struct res *find_wep(struct rset *rs, const char *ns,
				  const char *name, bool pod, bool short_name)
{
	const struct res *found = NULL;
	struct res **v = NULL;
	size_t n, i;

	n = rset_list(rs, RES_WEP, ns, &v);
	for (i = 0; i < n && !found; i++) {
		const struct res *r = v[i];
		size_t nl = r->wep.node ? strlen(r->wep.node) : 0;

		if (pod) {
			if (r->wep.pod && !strcmp(r->wep.pod, name) &&
			    r->wep.orchestrator &&
			    !strcmp(r->wep.orchestrator, "k8s"))
				found = r;
		} else if (!strcmp(r->name, name)) {
			found = r;
		} else if (short_name && nl &&
			   !strncmp(r->name, r->wep.node, nl) &&
			   r->name[nl] == '-' &&
			   !strcmp(r->name + nl + 1, name)) {
			found = r;
		}
	}
	free(v);
	return found;
}

/* The WorkloadEndpoint or HostEndpoint @s names in the manifests, or NULL. */
static const struct res *manifest_res(struct xctx *x, const char *s)
{
	const char *slash = strchr(s, '/');
	const struct res *r = NULL;
	char ns[256];

	if (!strncmp(s, "pod:", 4) || !strncmp(s, "wep:", 4)) {
		const char *rest = s + 4, *sl = strchr(rest, '/');

		if (sl) {
			snprintf(ns, sizeof(ns), "%.*s", (int)(sl - rest),
				 rest);
			r = find_wep(x->rs, ns, sl + 1, s[0] == 'p', true);
		}
	} else if (!strncmp(s, "hep:", 4)) {
		r = rset_get(x->rs, RES_HEP, "", s + 4);
	} else if (slash) {
		snprintf(ns, sizeof(ns), "%.*s", (int)(slash - s), s);
		r = find_wep(x->rs, ns, slash + 1, true, false);
		if (!r)
			r = find_wep(x->rs, ns, slash + 1, false, true);
	} else {
		r = rset_get(x->rs, RES_HEP, "", s);
	}
	return r;
}

/* Resolve @spec against the manifests. */
static int resolve_manifests(struct xctx *x, const char *what, struct xend *e)
{
	const char *s = e->spec;
	const struct res *r = manifest_res(x, s);

	if (!r) {
		fprintf(stderr,
			"%s: explain: %s %s: no such pod, WorkloadEndpoint or HostEndpoint in the manifests\n",
			cli.prog, what, s);
		return EXIT_INVALID;
	}
	set_end_res(e, r, r->kind == RES_WEP ? XP_WORKLOAD : XP_HOST);
	return EXIT_OK;
}

/* An address's owner in the manifests (cmp_addr_owners()). */
static void owners_manifests(struct xctx *x, const char *what, struct xend *e)
{
	struct owners o = { .x = x, .e = e };
	char buf[INET6_ADDRSTRLEN];

	cmp_addr_owners(x->resolver, &e->addr, owner_cb, &o);
	if (o.n_eps > 1)
		note(x,
		     "%s %s belongs to several endpoints: %s%s; explaining the first",
		     what, fmt_addr(&e->addr, buf, sizeof(buf)), o.first,
		     o.others);
}

/* --- kernel mode: the kernel's endpoints and this host's addresses --- */

static const struct sc_endpoint *kep_find(struct sc_state *st, const char *name)
{
	return sc_state_find_endpoint(st, 0, name);
}

static void kend_set(struct xctx *x, struct xend *e,
		     const struct sc_endpoint *ep)
{
	uint32_t i;

	e->e.role = ep->kind == STRATA_EP_HOST ? XP_HOST : XP_WORKLOAD;
	snprintf(e->node, sizeof(e->node), "%s", x->self);
	e->e.node = e->node;
	snprintf(e->kname, sizeof(e->kname), "%s", ep->name);
	if (strcmp(ep->ifname, "*"))
		snprintf(e->iface, sizeof(e->iface), "%s", ep->ifname);
	e->e.iface = e->iface[0] ? e->iface : NULL;
	for (i = 0; i < ep->n_addrs; i++)
		cand_add(e, &ep->addrs[i]);
}

/* "pod NS/POD", "WorkloadEndpoint NS/NAME" or "HostEndpoint NAME" */
static const char *res_label(const struct res *r, char *buf, size_t len)
{
	if (r->kind == RES_WEP && r->wep.pod && r->wep.orchestrator &&
	    !strcmp(r->wep.orchestrator, "k8s"))
		snprintf(buf, len, "pod %s/%s", r->ns, r->wep.pod);
	else
		snprintf(buf, len, "%s %s%s%s", res_kind_name(r->kind), r->ns,
			 *r->ns ? "/" : "", r->name);
	return buf;
}

/*
 * An end the manifests put on another node (kernel mode): only this host
 * is modelled, so to it the end is outside, with the resource's
 * addresses; the resource and its node name it.
 */
static int remote_end(struct xctx *x, const char *what, struct xend *e,
		      const struct res *r)
{
	char label[512];

	set_end_res(e, r, XP_OUTSIDE);
	note(x,
	     "%s %s is on node %s: only this host (node %s) is modelled, where it is outside; node %s's own policy for it is not part of this answer",
	     what, res_label(r, label, sizeof(label)), e->node, x->self,
	     e->node);
	return EXIT_OK;
}

/*
 * An END in kernel mode: the kernel's endpoint of that name, else, with
 * manifests, a resource they put on another node (remote_end()).
 */
static int resolve_kernel(struct xctx *x, const char *what, struct xend *e)
{
	const char *s = e->spec, *node;
	const struct sc_endpoint *ep = NULL;
	const struct res *r;
	char name[STRATA_NAME_LEN + 8], label[512];

	if (strchr(s, ':') &&
	    (!strncmp(s, "pod:", 4) || !strncmp(s, "wep:", 4) ||
	     !strncmp(s, "hep:", 4))) {
		ep = kep_find(x->kst, s);
	} else if (strchr(s, '/')) {
		snprintf(name, sizeof(name), "pod:%s", s);
		ep = kep_find(x->kst, name);
		if (!ep) {
			snprintf(name, sizeof(name), "wep:%s", s);
			ep = kep_find(x->kst, name);
		}
	} else {
		snprintf(name, sizeof(name), "hep:%s", s);
		ep = kep_find(x->kst, name);
	}
	if (!ep)
		ep = kep_find(x->kst, s); /* a name compile did not make */
	if (ep) {
		kend_set(x, e, ep);
		return EXIT_OK;
	}
	r = x->rs ? manifest_res(x, s) : NULL;
	node = !r ? NULL : r->kind == RES_WEP ? r->wep.node : r->hep.node;
	if (node && *node && strcmp(node, x->self))
		return remote_end(x, what, e, r);
	if (node && *node)
		fprintf(stderr,
			"%s: explain: %s %s: no such endpoint in the kernel (the manifests put %s on this host, node %s)\n",
			cli.prog, what, s, res_label(r, label, sizeof(label)),
			node);
	else
		fprintf(stderr,
			"%s: explain: %s %s: no such endpoint in the kernel%s\n",
			cli.prog, what, s,
			x->rs ? ", nor pod, WorkloadEndpoint or HostEndpoint in the manifests"
			      : "");
	return EXIT_INVALID;
}

/* This host's own addresses (kernel mode): getifaddrs(), lo excluded. */
static void local_addrs(struct xend *e, const struct strata_prefix *want)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		struct strata_prefix p = { 0 };

		if (!i->ifa_addr || !strcmp(i->ifa_name, "lo"))
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			p.family = 4;
			p.prefix_len = 32;
			memcpy(p.addr,
			       &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
			       4);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *a6 =
				&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a6))
				continue;
			p.family = 6;
			p.prefix_len = 128;
			memcpy(p.addr, a6, 16);
		} else {
			continue;
		}
		if (!want || (want->family == p.family &&
			      !memcmp(want->addr, p.addr, 16)))
			cand_add(e, &p);
	}
	freeifaddrs(ifa);
}

static void owners_kernel(struct xctx *x, struct xend *e)
{
	const struct sc_endpoint *ep;
	struct xend probe = { 0 };
	uint32_t i, id = 0;

	while ((ep = sc_state_next_endpoint(x->kst, id))) {
		id = ep->id;
		for (i = 0; i < ep->n_addrs; i++)
			if (sc_prefix_contains(&ep->addrs[i], e->addr.family,
					       e->addr.addr)) {
				struct strata_prefix a = e->addr;

				kend_set(x, e, ep);
				e->n_cand = 0;
				cand_add(e, &a);
				return;
			}
	}
	local_addrs(&probe, &e->addr);
	if (probe.n_cand) {
		e->e.role = XP_HOST;
		snprintf(e->node, sizeof(e->node), "%s", x->self);
		e->e.node = e->node;
	}
}

/* The addresses of the host of @node. */
static void host_addrs(struct xctx *x, struct xend *e)
{
	struct res **v = NULL;
	size_t n, i;

	if (x->kst) {
		const struct sc_endpoint *ep;
		uint32_t id = 0, k;

		while ((ep = sc_state_next_endpoint(x->kst, id))) {
			id = ep->id;
			if (ep->kind == STRATA_EP_HOST)
				for (k = 0; k < ep->n_addrs; k++)
					cand_add(e, &ep->addrs[k]);
		}
		local_addrs(e, NULL);
		return;
	}
	n = rset_list(x->rs, RES_HEP, NULL, &v);
	for (i = 0; i < n; i++)
		if (v[i]->hep.node && !strcmp(v[i]->hep.node, e->node))
			cand_res(e, v[i]);
	free(v);
}

static int resolve(struct xctx *x, const char *what, struct xend *e)
{
	const char *s = e->spec;
	int ret;

	e->sets = json_object_new_array();
	e->e.role = XP_OUTSIDE;
	if (!strcmp(s, "host") || !strncmp(s, "host:", 5)) {
		e->e.role = XP_HOST;
		if (s[4] == ':') {
			if (!parse_addr(s + 5, &e->addr)) {
				fprintf(stderr,
					"%s: explain: %s %s: \"%s\" is not an address\n",
					cli.prog, what, s, s + 5);
				return EXIT_INVALID;
			}
			e->literal = true;
			cand_add(e, &e->addr);
		}
		return EXIT_OK; /* the node and addresses come later */
	}
	if (parse_addr(s, &e->addr)) {
		e->literal = true;
		if (x->kst) {
			struct owners os = { .x = x,
					     .e = e,
					     .sets_only = true };

			owners_kernel(x, e);
			if (x->resolver) /* the network sets, from the manifests
					  */
				cmp_addr_owners(x->resolver, &e->addr, owner_cb,
						&os);
		} else {
			owners_manifests(x, what, e);
		}
		e->n_cand = 0;
		cand_add(e, &e->addr);
		return EXIT_OK;
	}
	ret = x->kst ? resolve_kernel(x, what, e)
		     : resolve_manifests(x, what, e);
	return ret;
}

/* The node of a "host" end: --node, the other end's, or this host. */
static int host_node(struct xctx *x, const char *what, struct xend *e,
		     const struct xend *other)
{
	if (e->e.role != XP_HOST || e->e.node)
		return EXIT_OK;
	if (x->kst)
		snprintf(e->node, sizeof(e->node), "%s", x->self);
	else if (x->o->node)
		snprintf(e->node, sizeof(e->node), "%s", x->o->node);
	else if (other->e.role != XP_OUTSIDE && other->e.node)
		snprintf(e->node, sizeof(e->node), "%s", other->e.node);
	else
		return cli_usage_error(usage_explain,
				       "%s host: which node? give --node",
				       what);
	e->e.node = e->node;
	if (!e->literal)
		host_addrs(x, e);
	return EXIT_OK;
}

/* The endpoint's address of @family. */
static bool pick(struct xend *e, uint8_t family)
{
	size_t i;

	if (e->literal)
		return e->addr.family == family;
	for (i = 0; i < e->n_cand; i++)
		if (e->cand[i].family == family) {
			e->addr = e->cand[i];
			return true;
		}
	return false;
}

static bool has_family(const struct xend *e, uint8_t family)
{
	size_t i;

	if (e->literal)
		return e->addr.family == family;
	for (i = 0; i < e->n_cand; i++)
		if (e->cand[i].family == family)
			return true;
	return false;
}

/* The kernel endpoint of a resolved resource on its node (its interface). */
static int end_iface(struct xctx *x, const char *what, struct xend *e)
{
	struct cmp_obj_info in;
	struct cmp_view v;
	struct xnode *n;
	uint32_t i;
	int ret;

	if (x->kst || !e->res)
		return EXIT_OK;
	ret = node_get(x, e->node, &n);
	if (ret)
		return ret;
	cmp_desired(n->c, &v);
	for (i = 0; i < v.n_endpoints; i++) {
		const struct sc_endpoint *ep = v.endpoints[i];

		if (cmp_lookup(n->c, SC_OBJ_ENDPOINT, ep->id, NULL, &in) ||
		    in.res_kind != (int)e->res->kind ||
		    strcmp(in.ns, e->res->ns) ||
		    strcmp(in.res_name, e->res->name))
			continue;
		snprintf(e->kname, sizeof(e->kname), "%s", ep->name);
		if (strcmp(ep->ifname, "*"))
			snprintf(e->iface, sizeof(e->iface), "%s", ep->ifname);
		break;
	}
	cmp_view_release(&v);
	e->e.iface = e->iface[0] ? e->iface : NULL;
	if (!e->kname[0] && e->e.role == XP_WORKLOAD) {
		fprintf(stderr,
			"%s: explain: %s %s: WorkloadEndpoint %s/%s is not programmed on node %s (see the warnings)\n",
			cli.prog, what, e->spec, e->res->ns, e->res->name,
			e->node);
		return EXIT_INVALID;
	}
	if (!e->kname[0])
		note(x,
		     "HostEndpoint %s is not programmed on node %s (no interfaceName)",
		     e->res->name, e->node);
	return EXIT_OK;
}

/* Another node's endpoint (kernel mode): its resource, no kernel name. */
static struct json_object *remote_json(const struct res *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "kind",
			       json_object_new_string(res_kind_name(r->kind)));
	if (*r->ns)
		json_object_object_add(o, "namespace",
				       json_object_new_string(r->ns));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	if (r->kind == RES_WEP && r->wep.pod && r->wep.orchestrator &&
	    !strcmp(r->wep.orchestrator, "k8s"))
		json_object_object_add(o, "pod",
				       json_object_new_string(r->wep.pod));
	if (r->src.file) {
		json_object_object_add(o, "file",
				       json_object_new_string(r->src.file));
		json_object_object_add(o, "line",
				       json_object_new_int64(r->src.line));
	}
	return o;
}

/* The network sets (manifests) holding a remote end's address. */
static void remote_sets(struct xctx *x, struct xend *e)
{
	struct owners os = { .x = x, .e = e, .sets_only = true };

	if (x->kst && e->res && e->e.role == XP_OUTSIDE && x->resolver)
		cmp_addr_owners(x->resolver, &e->addr, owner_cb, &os);
}

static struct json_object *end_json(struct xctx *x, struct xend *e)
{
	struct json_object *o = json_object_new_object();
	char buf[INET6_ADDRSTRLEN];
	struct xnode *n = NULL;

	json_object_object_add(o, "spec", json_object_new_string(e->spec));
	json_object_object_add(o, "role",
			       json_object_new_string(xp_role_name(e->e.role)));
	json_object_object_add(o, "node",
			       (e->e.role != XP_OUTSIDE || e->res) && e->e.node
				       ? json_object_new_string(e->e.node)
				       : NULL);
	json_object_object_add(
		o, "address",
		json_object_new_string(fmt_addr(&e->addr, buf, sizeof(buf))));
	json_object_object_add(o, "iface",
			       e->e.iface ? json_object_new_string(e->e.iface)
					  : NULL);
	if (e->kname[0] && e->e.node)
		node_get(x, e->e.node, &n);
	if (e->kname[0])
		json_object_object_add(o, "endpoint",
				       xp_object_json(n ? n->c : NULL,
						      SC_OBJ_ENDPOINT,
						      e->kname));
	else if (e->res && e->e.role == XP_OUTSIDE)
		json_object_object_add(o, "endpoint", remote_json(e->res));
	else
		json_object_object_add(o, "endpoint", NULL);
	json_object_object_add(o, "sets", json_object_get(e->sets));
	return o;
}

/* --- the default interface to and from outside -------------------------- */

static const char *uplink(void *arg, const char *node)
{
	struct xctx *x = arg;
	const char *first = NULL, *first_hep = NULL;
	size_t n = 0, i;

	if (x->kst) {
		const struct sc_endpoint *ep, *best = NULL;
		uint32_t id = 0;

		while ((ep = sc_state_next_endpoint(x->kst, id))) {
			id = ep->id;
			if (ep->kind != STRATA_EP_HOST ||
			    !strcmp(ep->ifname, "*"))
				continue;
			n++;
			if (!best || strcmp(ep->name, best->name) < 0)
				best = ep;
		}
		if (best) {
			first = keep(x, best->ifname);
			first_hep = keep(x, best->name);
		}
	} else {
		struct res **v = NULL;
		size_t k = rset_list(x->rs, RES_HEP, NULL, &v);

		for (i = 0; i < k; i++) {
			const struct res *r = v[i];

			if (!r->hep.node || strcmp(r->hep.node, node) ||
			    !r->hep.iface || !strcmp(r->hep.iface, "*"))
				continue;
			if (!n++) {
				first = r->hep.iface;
				first_hep = r->name;
			}
		}
		free(v);
	}
	if (!n) {
		note(x,
		     "node %s: traffic from and to outside is taken to use interface eth0, which has no host endpoint (--iif, --oif)",
		     node);
		return "eth0";
	}
	if (n == 1)
		note(x,
		     "node %s: traffic from and to outside is taken to use %s, the interface of host endpoint %s (--iif, --oif)",
		     node, first, first_hep);
	else
		note(x,
		     "node %s: traffic from and to outside is taken to use %s, the interface of host endpoint %s, the first of %zu (--iif, --oif)",
		     node, first, first_hep, n);
	return first;
}

/* --- the command ------------------------------------------------------------
 */

/* The FelixConfiguration keys given with --felix, on the defaults. */
static int felix_settings(struct xctx *x)
{
	static const struct sc_limits caps = { 0 };
	char why[160];
	size_t i;

	if (!x->o->n_felix)
		return EXIT_OK;
	sc_settings_default(&x->settings, &caps);
	for (i = 0; i < x->o->n_felix; i++) {
		const char *kv = x->o->felix[i], *eq = strchr(kv, '=');
		char key[64];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
		if (cmp_felix_setting(&x->settings, key, eq + 1, why,
				      sizeof(why))) {
			fprintf(stderr, "%s: explain: --felix %s: %s\n",
				cli.prog, key, why);
			return EXIT_INVALID;
		}
	}
	x->managed = true;
	return EXIT_OK;
}

/* Read the manifests; a compiler over all of them resolves addresses. */
static int load_manifests(struct xctx *x)
{
	struct res **v = NULL;
	struct diags d;
	size_t n, i;
	int ret;

	diags_init(&d);
	x->rs = rset_new(true);
	ret = rset_load(x->rs, x->o->paths, x->o->n_paths, 0, &d);
	diags_sort(&d);
	diags_print(&d, stderr);
	if (ret || d.errors) {
		fprintf(stderr, "%s: explain: %u error%s in the manifests\n",
			cli.prog, d.errors, d.errors == 1 ? "" : "s");
		diags_release(&d);
		return EXIT_INVALID;
	}
	diags_release(&d);
	x->resolver = cmp_new("", NULL);
	n = rset_list(x->rs, -1, NULL, &v);
	for (i = 0; i < n; i++) {
		cmp_upsert(x->resolver, v[i]);
		if (res_kind_is_staged(v[i]->kind))
			x->staged = true;
	}
	free(v);
	return EXIT_OK;
}

/* --orig-dst ADDR, ADDR:PORT or [ADDR6]:PORT */
static int parse_orig(const struct xopts *o, struct strata_prefix *a,
		      bool *has_port, uint16_t *port)
{
	const char *s = o->orig, *colon = strrchr(s, ':');
	char host[INET6_ADDRSTRLEN + 2];
	uint32_t v;

	*has_port = false;
	if (parse_addr(s, a))
		return EXIT_OK;
	if (s[0] == '[' && colon && colon > s && colon[-1] == ']')
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s - 2),
			 s + 1);
	else if (colon && !strchr(s, '['))
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	else
		host[0] = 0;
	if (!host[0] || !parse_addr(host, a) ||
	    (a->family == 6 && s[0] != '[')) {
		fprintf(stderr,
			"%s: explain: --orig-dst %s: not ADDRESS, IPV4:PORT or [IPV6]:PORT\n",
			cli.prog, s);
		return EXIT_INVALID;
	}
	if (!has_ports_proto(o->proto)) {
		fprintf(stderr,
			"%s: explain: --orig-dst %s: a port goes with tcp, udp, sctp, udplite or dccp\n",
			cli.prog, s);
		return EXIT_INVALID;
	}
	if (num_opt("--orig-dst", colon + 1, 65535, &v))
		return EXIT_INVALID;
	*has_port = true;
	*port = (uint16_t)v;
	return EXIT_OK;
}

/* The node whose host owns address @a (a NodePort's), or NULL. */
static const char *orig_owner(struct xctx *x, const struct strata_prefix *a)
{
	struct res **v = NULL;
	const char *node = NULL;
	size_t n, i, k;

	if (x->kst) {
		const struct sc_endpoint *ep;
		struct xend probe = { 0 };
		uint32_t id = 0;

		while ((ep = sc_state_next_endpoint(x->kst, id))) {
			id = ep->id;
			if (ep->kind != STRATA_EP_HOST)
				continue;
			for (k = 0; k < ep->n_addrs; k++)
				if (sc_prefix_contains(&ep->addrs[k], a->family,
						       a->addr))
					return x->self;
		}
		local_addrs(&probe, a);
		return probe.n_cand ? x->self : NULL;
	}
	n = rset_list(x->rs, RES_HEP, NULL, &v);
	for (i = 0; i < n && !node; i++)
		for (k = 0; k < v[i]->hep.n_expected_ips && !node; k++) {
			struct strata_prefix p;

			prefix_of(&v[i]->hep.expected_ips[k], &p);
			if (p.family == a->family &&
			    !memcmp(p.addr, a->addr, sizeof(p.addr)))
				node = v[i]->hep.node;
		}
	free(v);
	return node;
}

static const char *family_name(uint8_t family)
{
	return family == 6 ? "IPv6" : "IPv4";
}

/* The flow's family: -4/-6, a literal address, the protocol, else IPv4
 * if both ends have an IPv4 address, else IPv6. */
static int choose_family(struct xctx *x, struct xend *from, struct xend *to,
			 const struct strata_prefix *orig, uint8_t *family)
{
	const struct xend *ends[2] = { from, to };
	const char *opt[2] = { "--from", "--to" };
	uint8_t f = x->o->family;
	size_t i;

	if (!f && from->literal)
		f = from->addr.family;
	if (!f && to->literal)
		f = to->addr.family;
	if (!f && orig)
		f = orig->family;
	if (!f && x->o->proto == 58)
		f = 6;
	if (!f && x->o->proto == 1)
		f = 4;
	if (!f)
		f = has_family(from, 4) && has_family(to, 4) ? 4 : 6;
	for (i = 0; i < 2; i++) {
		if (has_family(ends[i], f))
			continue;
		if (ends[i]->literal)
			fprintf(stderr,
				"%s: explain: %s %s is not an %s address\n",
				cli.prog, opt[i], ends[i]->spec,
				family_name(f));
		else
			fprintf(stderr,
				"%s: explain: %s %s has no %s address%s\n",
				cli.prog, opt[i], ends[i]->spec, family_name(f),
				ends[i]->e.role == XP_HOST
					? " (give host:ADDRESS)"
					: "");
		return EXIT_INVALID;
	}
	if (orig && orig->family != f) {
		fprintf(stderr,
			"%s: explain: --orig-dst %s is not an %s address\n",
			cli.prog, x->o->orig, family_name(f));
		return EXIT_INVALID;
	}
	if ((x->o->proto == 1 && f == 6) || (x->o->proto == 58 && f == 4)) {
		fprintf(stderr,
			"%s: explain: protocol %s does not go with %s (use %s)\n",
			cli.prog, x->o->proto == 1 ? "icmp" : "icmpv6",
			family_name(f), f == 6 ? "icmpv6" : "icmp");
		return EXIT_INVALID;
	}
	pick(from, f);
	pick(to, f);
	*family = f;
	return EXIT_OK;
}

static struct json_object *flow_json(const struct xp_flow *fl)
{
	struct json_object *o = json_object_new_object();
	char buf[INET6_ADDRSTRLEN], pn[16];
	struct strata_prefix p = { .family = fl->pkt.family };

	json_object_object_add(o, "family",
			       json_object_new_int(fl->pkt.family));
	json_object_object_add(o, "protocol",
			       json_object_new_string(strata_proto_name(
				       fl->pkt.proto, pn, sizeof(pn))));
	json_object_object_add(o, "proto", json_object_new_int(fl->pkt.proto));
	memcpy(p.addr, fl->pkt.saddr, sizeof(p.addr));
	json_object_object_add(
		o, "src",
		json_object_new_string(fmt_addr(&p, buf, sizeof(buf))));
	if (has_ports_proto(fl->pkt.proto))
		json_object_object_add(o, "sport",
				       json_object_new_int(fl->pkt.sport));
	memcpy(p.addr, fl->pkt.daddr, sizeof(p.addr));
	json_object_object_add(
		o, "dst",
		json_object_new_string(fmt_addr(&p, buf, sizeof(buf))));
	if (has_ports_proto(fl->pkt.proto))
		json_object_object_add(o, "dport",
				       json_object_new_int(fl->pkt.dport));
	if (fl->pkt.proto == 1 || fl->pkt.proto == 58) {
		json_object_object_add(o, "icmp_type",
				       json_object_new_int(fl->pkt.icmp_type));
		json_object_object_add(o, "icmp_code",
				       json_object_new_int(fl->pkt.icmp_code));
	}
	if (fl->has_orig) {
		memcpy(p.addr, fl->orig_daddr, sizeof(p.addr));
		json_object_object_add(
			o, "orig_dst",
			json_object_new_string(fmt_addr(&p, buf, sizeof(buf))));
		if (has_ports_proto(fl->pkt.proto))
			json_object_object_add(
				o, "orig_dport",
				json_object_new_int(fl->orig_dport));
	}
	json_object_object_add(o, "ct",
			       json_object_new_string(xp_ct_name(fl->ct)));
	return o;
}

/*
 * Run every leg against the enforced states (@pending false) or the
 * states with staged policies enforced: {"verdict", "nodes"}.
 */
static int run_legs(struct xctx *x, const struct xp_flow *fl,
		    const struct xp_leg *legs, int n, bool pending,
		    struct json_object **out)
{
	struct json_object *nodes = json_object_new_array();
	uint8_t verdict = SC_V_ACCEPT;
	int i, ret;

	*out = json_object_new_object();
	for (i = 0; i < n && verdict == SC_V_ACCEPT; i++) {
		struct xp_state xs = { 0 };
		struct xnode *node;

		ret = node_get(x, legs[i].node, &node);
		if (ret) {
			json_object_put(nodes);
			return ret;
		}
		xs.st = pending ? node->pst : node->st;
		xs.names = pending ? node->pc : node->c;
		xs.by_cookie = x->kst && !pending;
		json_object_array_add(nodes,
				      xp_run(&xs, fl, &legs[i], &verdict));
	}
	json_object_object_add(
		*out, "verdict",
		json_object_new_string(verdict == SC_V_ACCEPT
					       ? "allow"
					       : strata_verdict_name(verdict)));
	json_object_object_add(*out, "nodes", nodes);
	return EXIT_OK;
}

/* Everything but printing: the explanation as JSON in @res. */
static int explain(struct xctx *x, struct json_object **res)
{
	const struct xopts *o = x->o;
	struct xend from = { .spec = o->from }, to = { .spec = o->to };
	struct strata_prefix orig = { 0 };
	struct xp_leg legs[XP_MAX_LEGS];
	struct xp_plan_in in = { 0 };
	struct xp_flow fl = { 0 };
	struct json_object *enforced = NULL, *pend = NULL, *v;
	bool orig_port = false;
	uint16_t oport = 0;
	uint8_t family;
	char why[256];
	int ret, n;

	*res = NULL;
	if (o->orig) {
		ret = parse_orig(o, &orig, &orig_port, &oport);
		if (ret)
			return ret;
	}
	ret = resolve(x, "--from", &from);
	if (!ret)
		ret = resolve(x, "--to", &to);
	if (!ret)
		ret = host_node(x, "--from", &from, &to);
	if (!ret)
		ret = host_node(x, "--to", &to, &from);
	if (!ret)
		ret = end_iface(x, "--from", &from);
	if (!ret)
		ret = end_iface(x, "--to", &to);
	if (!ret)
		ret = choose_family(x, &from, &to, o->orig ? &orig : NULL,
				    &family);
	if (ret)
		goto out;
	remote_sets(x, &from);
	remote_sets(x, &to);

	fl.pkt.family = family == 6 ? STRATA_FAMILY_IPV6 : STRATA_FAMILY_IPV4;
	fl.pkt.proto = o->proto;
	fl.pkt.len = 64;
	memcpy(fl.pkt.saddr, from.addr.addr, sizeof(fl.pkt.saddr));
	memcpy(fl.pkt.daddr, to.addr.addr, sizeof(fl.pkt.daddr));
	if (has_ports_proto(o->proto)) {
		fl.pkt.flags |= SC_PKT_L4;
		fl.pkt.sport = o->has_sport ? o->sport : EXPLAIN_SPORT;
		fl.pkt.dport = o->dport;
	} else if (o->proto == 1 || o->proto == 58) {
		fl.pkt.flags |= SC_PKT_L4;
		fl.pkt.icmp_type = o->has_type	   ? o->icmp_type
				   : o->proto == 1 ? 8
						   : 128;
		fl.pkt.icmp_code = o->icmp_code;
	}
	fl.ct = o->ct;
	if (o->orig) {
		fl.has_orig = true;
		memcpy(fl.orig_daddr, orig.addr, sizeof(fl.orig_daddr));
		fl.orig_dport = orig_port ? oport : fl.pkt.dport;
	}

	in.src = &from.e;
	in.dst = &to.e;
	in.has_orig = fl.has_orig;
	in.orig_node = fl.has_orig ? orig_owner(x, &orig) : NULL;
	in.node = x->kst ? x->self : o->node;
	in.iif = o->iif;
	in.oif = o->oif;
	in.uplink = uplink;
	in.arg = x;
	if (fl.has_orig && !in.orig_node)
		note(x,
		     "--orig-dst %s is no node's address: destination NAT is taken to happen on the first node",
		     o->orig);
	n = xp_plan(&in, legs, why, sizeof(why));
	if (n < 0) {
		ret = cli_usage_error(usage_explain, "%s", why);
		goto out;
	}
	if (n > 1 && fl.has_orig && in.orig_node &&
	    strcmp(legs[0].node, legs[n - 1].node))
		note(x,
		     "the source address is kept as given; kube-proxy masquerades it when it forwards to another node (externalTrafficPolicy: Cluster)");

	ret = run_legs(x, &fl, legs, n, false, &enforced);
	if (!ret && x->staged)
		ret = run_legs(x, &fl, legs, n, true, &pend);
	if (ret)
		goto out;

	*res = json_object_new_object();
	json_object_object_add(*res, "flow", flow_json(&fl));
	json_object_object_add(*res, "from", end_json(x, &from));
	json_object_object_add(*res, "to", end_json(x, &to));
	json_object_object_add(*res, "source",
			       json_object_new_string(x->kst ? "kernel"
							     : "manifests"));
	json_object_object_get_ex(enforced, "nodes", &v);
	json_object_object_add(*res, "nodes", json_object_get(v));
	json_object_object_get_ex(enforced, "verdict", &v);
	json_object_object_add(*res, "verdict", json_object_get(v));
	json_object_object_add(*res, "pending", pend);
	pend = NULL;
	json_object_object_add(*res, "notes", json_object_get(x->notes));
out:
	json_object_put(enforced);
	json_object_put(pend);
	json_object_put(from.sets);
	json_object_put(to.sets);
	return ret;
}

/* Reads the kernel's state (the tests put a compiled state there). */
static int (*read_kernel)(struct xctx *x) = kernel_state;

/*
 * The node name stratad programs this host as (its local API's status),
 * quietly: false when no daemon answers within a second.
 */
static bool daemon_node(char *buf, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = cli_api_socket(NULL), *node;
	struct json_object *req, *reply = NULL;
	bool found = false;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return false;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return false;
	}
	req = json_object_new_object();
	json_object_object_add(req, "command",
			       json_object_new_string("status"));
	if (cli_api_call(fd, req, 1000, &reply) == EXIT_OK && reply) {
		node = json_object_get_string(cli_api_get(reply, "node"));
		if (node && *node && strlen(node) < len) {
			snprintf(buf, len, "%s", node);
			found = true;
		}
	}
	json_object_put(reply);
	json_object_put(req);
	close(fd);
	return found;
}

int cmd_explain(int argc, char **argv)
{
	struct xopts o = { 0 };
	struct xctx x = { .o = &o };
	struct json_object *res = NULL;
	int ret;

	x.notes = json_object_new_array();
	ret = parse_args(argc, argv, &o);
	if (ret)
		goto out;
	if (o.n_paths) {
		ret = load_manifests(&x);
		if (ret)
			goto out;
	}
	if (o.kernel) {
		if (o.node) {
			snprintf(x.self, sizeof(x.self), "%s", o.node);
		} else if (daemon_node(x.self, sizeof(x.self))) {
			note(&x,
			     "this host is node %s, as stratad programs it (--node)",
			     x.self);
		} else if (gethostname(x.self, sizeof(x.self))) {
			snprintf(x.self, sizeof(x.self), "localhost");
		}
		x.self[sizeof(x.self) - 1] = 0;
		ret = read_kernel(&x);
	} else {
		ret = felix_settings(&x);
	}
	if (ret)
		goto out;
	ret = explain(&x, &res);
	if (ret)
		goto out;
	if (cli.json)
		cli_print_json(res);
	else
		xp_print(stdout, res);
out:
	json_object_put(res);
	json_object_put(x.notes);
	nodes_free(&x);
	cmp_free(x.resolver);
	rset_free(x.rs);
	free(o.paths);
	free(o.felix);
	return ret;
}
