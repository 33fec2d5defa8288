/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Programmed acknowledgements: a record per local endpoint that says its
 * policy is in the kernel, so that a CNI plugin or a Neutron agent can
 * wait for it before starting the workload.
 *
 * DOC: Endpoint status
 *
 * A record appears when the transaction that first programs the endpoint
 * (its interface, addresses, tiers, policies and profiles, and every
 * object those refer to) has committed, and is rewritten when a later
 * transaction changes the endpoint's kernel object; it goes when the
 * endpoint leaves this node's desired state. Each record is a file
 * (endpoint_status_dir, default /run/strata/endpoint-status; empty: no
 * files) and an answer of the local API ("endpoint"):
 *
 *   DIR/pod/NAMESPACE/POD   a Kubernetes pod (kernel endpoint pod:NS/POD)
 *   DIR/wep/NAMESPACE/NAME  another workload endpoint
 *   DIR/hep/NAME            a host endpoint
 *
 * holding one line of JSON:
 *
 *   {"endpoint":"pod:shop/web-0","kind":"WorkloadEndpoint",
 *    "namespace":"shop","name":"node--1-k8s-web--0-eth0","pod":"web-0",
 *    "interface":"cali1b2c3d4e5f6","id":3,"status":"programmed",
 *    "generation":42,"programmedAt":"2024-05-01T12:00:00.123Z"}
 *
 * Files are written to a temporary name and renamed into place, so a
 * reader never sees a partial record. After the daemon's first
 * programming (a restart), the directory is made to match the desired
 * state: stale records are removed, missing ones written.
 */
#ifndef STRATAD_STATUS_H
#define STRATAD_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "sync.h"

/**
 * struct dstatus_rec - one endpoint's record
 * @key: its path under the directory ("pod/shop/web-0")
 * @endpoint: the kernel endpoint's name
 * @id: its kernel id
 * @res_kind: RES_WEP or RES_HEP
 * @ns: namespace ("" for host endpoints)
 * @name: the resource's name
 * @pod: the pod (Kubernetes workloads), or NULL
 * @iface: the interface, or NULL
 * @generation: the generation that last programmed it
 * @programmed_ns: when (CLOCK_REALTIME, nanoseconds)
 */
struct dstatus_rec {
	char *key;
	char *endpoint;
	uint32_t id;
	int res_kind;
	char *ns, *name, *pod, *iface;
	uint64_t generation;
	uint64_t programmed_ns;
};

struct dstatus;

/* @dir: the directory, or NULL/"" for none. */
struct dstatus *dstatus_new(struct dsync *sync, const char *dir);
void dstatus_free(struct dstatus *s);

/* The dsync listener (@arg: the struct dstatus). */
void dstatus_on_commit(void *arg, const struct dsync_commit *c);

/**
 * dstatus_find() - a record
 * @s: the records
 * @what: a key ("pod/shop/web-0"), a kernel endpoint name
 *        ("pod:shop/web-0"), or "NAMESPACE/POD"
 *
 * Return: the record, or NULL.
 */
const struct dstatus_rec *dstatus_find(const struct dstatus *s,
				       const char *what);
/* Every record, sorted by key (the array is malloc()ed; free() it). */
size_t dstatus_list(const struct dstatus *s, const struct dstatus_rec ***out);
size_t dstatus_count(const struct dstatus *s);
struct json_object *dstatus_json(const struct dstatus_rec *r);
/* The record's line, as written to its file ("...}\n"), malloc()ed. */
char *dstatus_text(const struct dstatus_rec *r);

#endif /* STRATAD_STATUS_H */
