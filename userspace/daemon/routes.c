// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Local workload routes and interface settings (routes.h, DOC: Workload
 * routes), with libnl-route.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>
#include <uthash.h>
#include "log.h"
#include "routes.h"

/* A wanted route: key "FAMILY ADDR/LEN" -> interface. */
struct rroute {
	char *key;
	struct strata_prefix dst;
	char ifname[IF_NAMESIZE];
	char *endpoint;
	bool installed; /* in the kernel as wanted */
	bool seen;
	UT_hash_handle hh;
};

/* What an endpoint asks for. */
struct rep {
	char *name;
	char ifname[IF_NAMESIZE];
	struct strata_prefix *addrs;
	uint32_t n_addrs;
	bool seen;
	bool configured; /* interface settings done */
	UT_hash_handle hh;
};

struct droute {
	sd_event *loop;
	struct dsync *sync;
	struct droute_config cfg;
	char *sysctl_root;
	struct nl_sock *sk;
	int link_fd;
	sd_event_source *link_io, *retry;
	struct rroute *routes;
	struct rep *eps;
	bool reconciled;
	struct droute_stats st;
};

struct droute *droute_new(sd_event *loop, struct dsync *sync,
			  const struct droute_config *cfg, char *err,
			  size_t len)
{
	struct droute *r = calloc(1, sizeof(*r));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK };
	int ret;

	if (!r) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	r->loop = sd_event_ref(loop);
	r->sync = sync;
	r->cfg = *cfg;
	r->sysctl_root =
		strdup(cfg->sysctl_root ? cfg->sysctl_root : "/proc/sys");
	r->link_fd = -1;
	r->sk = nl_socket_alloc();
	if (!r->sysctl_root || !r->sk) {
		snprintf(err, len, "out of memory");
		goto fail;
	}
	ret = nl_connect(r->sk, NETLINK_ROUTE);
	if (ret < 0) {
		snprintf(err, len, "rtnetlink: %s", nl_geterror(ret));
		goto fail;
	}
	/* link notifications: an interface appeared, retry what waits */
	r->link_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			    NETLINK_ROUTE);
	if (r->link_fd < 0 ||
	    bind(r->link_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, len, "rtnetlink link notifications: %s",
			 strerror(errno));
		goto fail;
	}
	return r;
fail:
	droute_free(r);
	return NULL;
}

void droute_free(struct droute *r)
{
	struct rroute *x, *xt;
	struct rep *e, *et;

	if (!r)
		return;
	sd_event_source_disable_unref(r->link_io);
	sd_event_source_disable_unref(r->retry);
	if (r->link_fd >= 0)
		close(r->link_fd);
	if (r->sk)
		nl_socket_free(r->sk);
	HASH_ITER (hh, r->routes, x, xt) {
		HASH_DEL(r->routes, x);
		free(x->key);
		free(x->endpoint);
		free(x);
	}
	HASH_ITER (hh, r->eps, e, et) {
		HASH_DEL(r->eps, e);
		free(e->name);
		free(e->addrs);
		free(e);
	}
	free(r->sysctl_root);
	sd_event_unref(r->loop);
	free(r);
}

void droute_get_stats(const struct droute *r, struct droute_stats *st)
{
	struct rroute *x, *xt;

	*st = r->st;
	st->routes = HASH_COUNT(r->routes);
	st->pending = 0;
	HASH_ITER (hh, r->routes, x, xt)
		st->pending += !x->installed;
}

static char *route_key(const struct strata_prefix *p)
{
	char buf[64], *k;

	strata_fmt_prefix(p, buf, sizeof(buf));
	if (asprintf(&k, "%s", buf) < 0)
		abort();
	return k;
}

/* --- interface settings ---------------------------------------------- */

static void sysctl_set(struct droute *r, const char *path, const char *val)
{
	char *p;
	int fd;

	if (asprintf(&p, "%s/%s", r->sysctl_root, path) < 0)
		abort();
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val)) {
		r->st.errors++;
		dlog(LOG_WARNING, "%s: %s", p, strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	free(p);
}

/* Settings of @e's interface; false when it does not exist yet. */
static bool configure(struct droute *r, struct rep *e)
{
	bool v4 = false, v6 = false;
	char path[128];
	uint32_t i;

	if (e->configured || !r->cfg.iface_settings)
		return true;
	if (!if_nametoindex(e->ifname))
		return false;
	for (i = 0; i < e->n_addrs; i++) {
		v4 |= e->addrs[i].family == 4;
		v6 |= e->addrs[i].family == 6;
	}
	if (v4) {
		snprintf(path, sizeof(path), "net/ipv4/conf/%s/proxy_arp",
			 e->ifname);
		sysctl_set(r, path, "1");
		snprintf(path, sizeof(path), "net/ipv4/neigh/%s/proxy_delay",
			 e->ifname);
		sysctl_set(r, path, "0");
		snprintf(path, sizeof(path), "net/ipv4/conf/%s/forwarding",
			 e->ifname);
		sysctl_set(r, path, "1");
		snprintf(path, sizeof(path), "net/ipv4/conf/%s/route_localnet",
			 e->ifname);
		sysctl_set(r, path, "1");
	}
	if (v6) {
		snprintf(path, sizeof(path), "net/ipv6/conf/%s/proxy_ndp",
			 e->ifname);
		sysctl_set(r, path, "1");
		snprintf(path, sizeof(path), "net/ipv6/conf/%s/forwarding",
			 e->ifname);
		sysctl_set(r, path, "1");
		snprintf(path, sizeof(path), "net/ipv6/conf/%s/accept_ra",
			 e->ifname);
		sysctl_set(r, path, "0");
	}
	e->configured = true;
	return true;
}

/* --- routes ------------------------------------------------------------ */

static struct nl_addr *prefix_addr(const struct strata_prefix *p)
{
	struct nl_addr *a = nl_addr_build(p->family == 4 ? AF_INET : AF_INET6,
					  p->addr, p->family == 4 ? 4 : 16);

	if (a)
		nl_addr_set_prefixlen(a, p->prefix_len);
	return a;
}

static struct rtnl_route *route_new(struct droute *r,
				    const struct strata_prefix *p, int ifindex)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct nl_addr *dst = prefix_addr(p);

	if (!rt || !dst)
		abort();
	rtnl_route_set_family(rt, p->family == 4 ? AF_INET : AF_INET6);
	rtnl_route_set_table(rt, r->cfg.table);
	rtnl_route_set_protocol(rt, r->cfg.protocol);
	rtnl_route_set_scope(rt, RT_SCOPE_LINK);
	rtnl_route_set_type(rt, RTN_UNICAST);
	rtnl_route_set_dst(rt, dst);
	nl_addr_put(dst);
	if (ifindex > 0) {
		struct rtnl_nexthop *nh = rtnl_route_nh_alloc();

		if (!nh)
			abort();
		rtnl_route_nh_set_ifindex(nh, ifindex);
		rtnl_route_add_nexthop(rt, nh);
	}
	return rt;
}

static void install(struct droute *r, struct rroute *x)
{
	struct rtnl_route *rt;
	int idx = (int)if_nametoindex(x->ifname), ret;

	if (!idx)
		return; /* when the interface appears */
	rt = route_new(r, &x->dst, idx);
	ret = rtnl_route_add(r->sk, rt, NLM_F_CREATE | NLM_F_REPLACE);
	rtnl_route_put(rt);
	if (ret < 0) {
		r->st.errors++;
		dlog(LOG_WARNING, "route %s dev %s: %s", x->key, x->ifname,
		     nl_geterror(ret));
		return;
	}
	x->installed = true;
	r->st.added++;
	dlog(LOG_DEBUG, "route %s dev %s added", x->key, x->ifname);
}

struct dump_ctx {
	struct droute *r;
	struct rtnl_route **stale;
	size_t n_stale;
};

/* A route of ours in the kernel: keep it if wanted as it is. */
static void dump_one(struct nl_object *obj, void *arg)
{
	struct dump_ctx *d = arg;
	struct rtnl_route *rt = (struct rtnl_route *)obj;
	struct droute *r = d->r;
	struct nl_addr *dst = rtnl_route_get_dst(rt);
	struct strata_prefix p = { 0 };
	struct rtnl_nexthop *nh;
	struct rroute *x = NULL;
	char name[IF_NAMESIZE] = "";
	char *key;

	if (rtnl_route_get_table(rt) != r->cfg.table ||
	    rtnl_route_get_protocol(rt) != r->cfg.protocol || !dst)
		return;
	p.family = nl_addr_get_family(dst) == AF_INET ? 4 : 6;
	p.prefix_len = (uint8_t)nl_addr_get_prefixlen(dst);
	memcpy(p.addr, nl_addr_get_binary_addr(dst),
	       nl_addr_get_len(dst) > 16 ? 16 : nl_addr_get_len(dst));
	key = route_key(&p);
	HASH_FIND_STR(r->routes, key, x);
	free(key);
	nh = rtnl_route_nexthop_n(rt, 0);
	if (nh && rtnl_route_get_nnexthops(rt) == 1)
		if_indextoname((unsigned int)rtnl_route_nh_get_ifindex(nh),
			       name);
	if (x && !strcmp(name, x->ifname) &&
	    rtnl_route_get_scope(rt) == RT_SCOPE_LINK) {
		x->installed = true;
		return;
	}
	if (!x) {
		/* ours, wanted by nobody: delete */
		nl_object_get(obj);
		d->stale = realloc(d->stale, (d->n_stale + 1) * sizeof(rt));
		if (!d->stale)
			abort();
		d->stale[d->n_stale++] = rt;
	}
}

/* Read our routes from the kernel: delete the stale, add the missing. */
static void reconcile(struct droute *r)
{
	struct nl_cache *cache = NULL;
	struct dump_ctx d = { r, NULL, 0 };
	struct rroute *x, *xt;
	size_t i;
	int ret;

	HASH_ITER (hh, r->routes, x, xt)
		x->installed = false;
	ret = rtnl_route_alloc_cache(r->sk, AF_UNSPEC, 0, &cache);
	if (ret < 0) {
		r->st.errors++;
		dlog(LOG_WARNING, "reading the routes: %s", nl_geterror(ret));
		return;
	}
	nl_cache_foreach(cache, dump_one, &d);
	nl_cache_free(cache);
	for (i = 0; i < d.n_stale; i++) {
		ret = rtnl_route_delete(r->sk, d.stale[i], 0);
		if (ret < 0 && ret != -NLE_OBJ_NOTFOUND) {
			r->st.errors++;
			dlog(LOG_WARNING, "deleting a stale route: %s",
			     nl_geterror(ret));
		} else {
			r->st.deleted++;
		}
		rtnl_route_put(d.stale[i]);
	}
	free(d.stale);
	HASH_ITER (hh, r->routes, x, xt)
		if (!x->installed)
			install(r, x);
	r->reconciled = true;
}

static void remove_route(struct droute *r, struct rroute *x)
{
	if (x->installed) {
		struct rtnl_route *rt = route_new(r, &x->dst, 0);
		int ret = rtnl_route_delete(r->sk, rt, 0);

		rtnl_route_put(rt);
		if (ret < 0 && ret != -NLE_OBJ_NOTFOUND) {
			r->st.errors++;
			dlog(LOG_WARNING, "route %s: %s", x->key,
			     nl_geterror(ret));
		} else {
			r->st.deleted++;
		}
	}
	HASH_DEL(r->routes, x);
	free(x->key);
	free(x->endpoint);
	free(x);
}

/* Bring the routes and settings in line with r->eps. */
static void apply(struct droute *r, bool full)
{
	struct rroute *x, *xt;
	struct rep *e, *et;
	uint32_t i;

	HASH_ITER (hh, r->routes, x, xt)
		x->seen = false;
	HASH_ITER (hh, r->eps, e, et) {
		configure(r, e);
		for (i = 0; i < e->n_addrs; i++) {
			const struct strata_prefix *p = &e->addrs[i];
			char *key;

			if (p->prefix_len != (p->family == 4 ? 32 : 128))
				continue;
			key = route_key(p);
			HASH_FIND_STR(r->routes, key, x);
			if (x && strcmp(x->ifname, e->ifname)) {
				/* moved to another interface */
				x->installed = false;
				snprintf(x->ifname, sizeof(x->ifname), "%s",
					 e->ifname);
			}
			if (!x) {
				x = calloc(1, sizeof(*x));
				if (!x)
					abort();
				x->key = key;
				key = NULL;
				x->dst = *p;
				snprintf(x->ifname, sizeof(x->ifname), "%s",
					 e->ifname);
				HASH_ADD_KEYPTR(hh, r->routes, x->key,
						strlen(x->key), x);
			}
			free(key);
			free(x->endpoint);
			x->endpoint = strdup(e->name);
			x->seen = true;
		}
	}
	HASH_ITER (hh, r->routes, x, xt)
		if (!x->seen)
			remove_route(r, x);
	if (full || !r->reconciled) {
		reconcile(r);
		return;
	}
	HASH_ITER (hh, r->routes, x, xt)
		if (!x->installed)
			install(r, x);
}

static void ep_put(struct droute *r, const struct sc_endpoint *ep)
{
	struct rep *e;

	HASH_FIND_STR(r->eps, ep->name, e);
	if (ep->kind != STRATA_EP_WORKLOAD || !ep->ifname[0] ||
	    strchr(ep->ifname, '*')) {
		if (e) {
			HASH_DEL(r->eps, e);
			free(e->name);
			free(e->addrs);
			free(e);
		}
		return;
	}
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e || !(e->name = strdup(ep->name)))
			abort();
		HASH_ADD_KEYPTR(hh, r->eps, e->name, strlen(e->name), e);
	}
	if (strcmp(e->ifname, ep->ifname))
		e->configured = false;
	snprintf(e->ifname, sizeof(e->ifname), "%s", ep->ifname);
	free(e->addrs);
	e->addrs = NULL;
	e->n_addrs = ep->n_addrs;
	if (ep->n_addrs) {
		e->addrs = malloc(ep->n_addrs * sizeof(*e->addrs));
		if (!e->addrs)
			abort();
		memcpy(e->addrs, ep->addrs, ep->n_addrs * sizeof(*e->addrs));
	}
	e->seen = true;
}

static void ep_del(struct droute *r, const struct strata_op *op)
{
	struct rep *e, *et;

	HASH_ITER (hh, r->eps, e, et) {
		if (strcmp(e->name, op->name))
			continue;
		HASH_DEL(r->eps, e);
		free(e->name);
		free(e->addrs);
		free(e);
	}
}

static int on_link(sd_event_source *s, int fd, uint32_t revents, void *arg)
{
	struct droute *r = arg;
	struct rroute *x, *xt;
	struct rep *e, *et;
	char buf[8192];
	bool any = false;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		any = true;
	if (!any)
		return 0;
	HASH_ITER (hh, r->eps, e, et)
		configure(r, e);
	HASH_ITER (hh, r->routes, x, xt)
		if (!x->installed)
			install(r, x);
	return 0;
}

void droute_on_commit(void *arg, const struct dsync_commit *c)
{
	struct droute *r = arg;
	struct rep *e, *et;
	bool changed = false;
	size_t i;

	if (!r->link_io && r->link_fd >= 0)
		sd_event_add_io(r->loop, &r->link_io, r->link_fd, EPOLLIN,
				on_link, r);
	if (c->full) {
		struct cmp_view v;
		uint32_t j;

		HASH_ITER (hh, r->eps, e, et)
			e->seen = false;
		cmp_desired(dsync_cmp(r->sync), &v);
		for (j = 0; j < v.n_endpoints; j++)
			ep_put(r, v.endpoints[j]);
		cmp_view_release(&v);
		HASH_ITER (hh, r->eps, e, et) {
			if (e->seen)
				continue;
			HASH_DEL(r->eps, e);
			free(e->name);
			free(e->addrs);
			free(e);
		}
		apply(r, true);
		return;
	}
	for (i = 0; c->batch && i < c->batch->n; i++) {
		const struct strata_op *op = &c->batch->ops[i];

		if (op->kind != SC_OBJ_ENDPOINT)
			continue;
		if (op->type == STRATA_OP_PUT && op->endpoint)
			ep_put(r, op->endpoint);
		else if (op->type == STRATA_OP_DEL)
			ep_del(r, op);
		changed = true;
	}
	if (changed)
		apply(r, false);
}
