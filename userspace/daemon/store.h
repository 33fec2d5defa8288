/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's resource store: datastore objects in, resources (res.h) in
 * a struct rset, and every resource that changed handed to compile
 * (cmp.h) as it changes.
 *
 * Each datastore object is a source (its apiVersion group, kind,
 * namespace, name) giving zero or more resources (a Pod a
 * WorkloadEndpoint, a Namespace a Profile, a Pod that is not running
 * nothing). An upsert parses the object (RES_F_LENIENT), replaces what the
 * source gave and tells the compiler about the resources that are new,
 * different (res_equal()) or gone; an object that does not validate gives
 * nothing (as Calico drops what it cannot parse) and its errors are
 * returned. A relist (DS_RESET) marks the sources of the kinds it names;
 * the following DS_SYNCED sweeps those not given again (dstore_sweep()),
 * so that nothing is withdrawn while the list is in progress. The tiers
 * and the profile every Calico cluster has (default, kube-admin,
 * kube-baseline, projectcalico-default-allow) come back when a definition
 * of them is deleted.
 */
#ifndef STRATAD_STORE_H
#define STRATAD_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "cmp.h"
#include "doc.h"
#include "ds.h"
#include "res.h"

struct dstore;

/**
 * struct dstore_stats - counters
 * @sources: datastore objects held
 * @invalid: objects refused by validation so far
 * @changes: resource changes given to the compiler so far
 */
struct dstore_stats {
	size_t sources;
	uint64_t invalid;
	uint64_t changes;
};

struct dstore *dstore_new(struct cmp *c);
void dstore_free(struct dstore *s);

/**
 * dstore_apply() - a DS_UPSERT or DS_DELETE
 * @s: the store
 * @ev: the event (@ev->obj parsed for DS_UPSERT)
 * @d: validation errors and warnings of the object
 *
 * Return: how many resources changed (0: nothing did), or -EINVAL when
 * the object did not validate (what it gave before is gone).
 */
int dstore_apply(struct dstore *s, const struct ds_event *ev, struct diags *d);

/* DS_RESET: mark the sources of @api_version's group (NULL: any) and
 * @kind (NULL: any). */
void dstore_mark(struct dstore *s, const char *api_version, const char *kind);
/* DS_SYNCED: remove what marked sources gave; the resources changed. */
size_t dstore_sweep(struct dstore *s);

struct rset *dstore_rset(struct dstore *s);
void dstore_get_stats(const struct dstore *s, struct dstore_stats *st);

#endif /* STRATAD_STORE_H */
