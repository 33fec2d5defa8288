/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local API: stratactl (and CNI plugins, Neutron agents) talk to the
 * daemon over a Unix socket. stratad(8) documents the protocol; this is
 * its implementation.
 *
 * DOC: Local API
 *
 * A Unix stream socket (api_socket, default /run/strata/stratad.sock),
 * mode 0600; a peer that is not root (SO_PEERCRED) gets one error reply
 * and is disconnected. A request is one JSON object on one line ending in
 * '\n' (at most 1 MiB); each gets exactly one reply, one JSON object on
 * one line, in order. A request may carry "id" (any JSON value), echoed
 * in its reply. Replies have "ok": true and the fields below, or "ok":
 * false and "error" (a message).
 *
 *  {"command":"status"}
 *      "node", "phase" (waiting-for-datastore, programmed, pending,
 *      failing), "datastore" {"type", "directory" (the directory
 *      datastore's), "connected", "synced", "message",
 *      "events", "resyncs", "errors", "malformed", "reconnects"},
 *      "inputSequence", "programmedSequence", "generation", "commits",
 *      "operations", "failures", "lastError", "repairs", "drift",
 *      "invalid", "resources" {kind: count}, "localEndpoints",
 *      "activePolicies", "ipsets", "members", "endpointStatusRecords",
 *      "problems" [message...], "uptimeSeconds",
 *      "firstProgrammedSeconds" (absent until programmed), "version"
 *  {"command":"get","what":"resources"[,"kind":K][,"namespace":NS]}
 *      "resources": [resource...] as Calico prints them (kind: a kind
 *      word stratactl get takes: "gnp", "networkpolicy", ...)
 *  {"command":"get","what":"desired"}
 *      "desired": {"tiers", "ipsets", "policies", "endpoints"}: the
 *      kernel objects this node should hold (stratactl compile -o json)
 *  {"command":"get","what":"endpoints"}
 *      "endpoints": [endpoint status record...] (status.h)
 *  {"command":"wait"[,"sequence":N | "generation":G][,"timeoutMs":T]}
 *      Replies once the datastore changes up to input sequence N are
 *      programmed, or the kernel generation G is (G: a generation a
 *      reply gave). Without either: everything the datastore has reported
 *      by now, after the directory datastore has read its queued events
 *      (so a file renamed into place before the request is covered).
 *      "sequence", "programmedSequence", "generation", "waitedMs".
 *      timeoutMs defaults to 30000 (at most 3600000); on timeout "ok" is
 *      false, with "phase" and "lastError".
 *  {"command":"endpoint","endpoint":E[,"wait":true][,"timeoutMs":T]}
 *      E: "pod:NS/POD", "NS/POD", "pod/NS/POD", "wep/NS/NAME",
 *      "hep/NAME" or a kernel endpoint name. "status": the record once
 *      it exists (with "wait", the reply waits for it; without, "ok" is
 *      false and "error" says it is not programmed).
 *  {"command":"resync"}
 *      Compare the kernel with the desired state now (repairing drift).
 *
 * A connection waiting for a reply reads no further requests until it
 * is answered.
 */
#ifndef STRATAD_API_H
#define STRATAD_API_H

#include <stddef.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "status.h"
#include "sync.h"

#define DAPI_MAX_REQUEST	(1U << 20)
#define DAPI_DEFAULT_TIMEOUT_MS 30000U
#define DAPI_MAX_TIMEOUT_MS	3600000U

struct dapi;

/**
 * dapi_new() - the API (not listening yet)
 * @loop: the event loop
 * @sync: the engine
 * @status: the endpoint records
 * @ds_type: the datastore's name, for status
 */
struct dapi *dapi_new(sd_event *loop, struct dsync *sync,
		      struct dstatus *status, const char *ds_type);
void dapi_free(struct dapi *a);
/* The directory datastore's directory, reported by "status" (stratactl
 * apply writes there). */
void dapi_set_directory(struct dapi *a, const char *dir);

/**
 * dapi_listen() - listen on @path (its directory is created, 0755; a
 * stale socket is replaced; a socket another daemon answers on is not)
 *
 * Return: 0 or a negative errno (@err says why).
 */
int dapi_listen(struct dapi *a, const char *path, char *err, size_t len);

/* Serve an already connected socket (tests; socketpair()). */
int dapi_serve_fd(struct dapi *a, int fd);

/* The dsync listener (@arg: the API): answers waiters. */
void dapi_on_commit(void *arg, const struct dsync_commit *c);

/* One request's reply, for requests that do not wait (tests). */
struct json_object *dapi_status_json(struct dapi *a);

#endif /* STRATAD_API_H */
