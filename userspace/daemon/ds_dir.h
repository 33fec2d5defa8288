/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The directory datastore (ds_dir.c): resource manifests in one directory
 * (bare metal, a demo, a ConfigMap mount), watched with inotify on the
 * daemon's sd-event loop.
 *
 * DOC: Directory datastore
 *
 * Files: the directory's *.yaml, *.yml and *.json files (symbolic links
 * followed; names starting with '.' and subdirectories ignored), each
 * holding one or more YAML or JSON documents; a List (kind "List" or
 * "<Kind>List" with "items") gives its items. Every document is an object
 * with apiVersion, kind and metadata.name; a namespaced kind without
 * metadata.namespace is in "default". What is reported:
 *
 *  - at start (and after the directory comes back, or the inotify queue
 *    overflowed): every file, in name order, its objects in document
 *    order, as DS_UPSERT; then DS_SYNCED (once, at start);
 *  - a file written (closed after writing, or renamed into place: write
 *    to a temporary name, then rename(2), as stratactl apply does):
 *    DS_UPSERT for the objects that are new or changed, DS_DELETE (with
 *    the last state) for those it no longer holds; an unchanged object is
 *    not reported again;
 *  - a file removed or renamed away: DS_DELETE for its objects.
 *
 * An object defined by two files (same apiVersion group, kind, namespace
 * and name) is taken from the first file in name order; the other
 * definition is reported as a DS_STATUS problem and used when the first
 * goes away. A document that is not an object with apiVersion, kind and
 * metadata.name is skipped (DS_STATUS with "file:line: why", counted as
 * malformed). A file that does not parse (a YAML syntax error, unreadable)
 * keeps the objects it gave before: a typo never withdraws policy; the
 * error is reported as DS_STATUS and counted.
 *
 * A directory that does not exist at start is waited for (DS_STATUS
 * disconnected, retried every retry_ms): there is no DS_SYNCED until it
 * can be read, so a daemon never programs an empty state because of a
 * missing mount. A directory removed later keeps everything as it was
 * until it comes back, then is compared file by file. Kubernetes
 * ConfigMap volumes (files that are links into a "..data" directory that
 * is swapped atomically) are followed: any change to a ".."-name rereads
 * the directory.
 *
 * @revision of each event is a counter the datastore increments per
 * change it reports.
 */
#ifndef STRATAD_DS_DIR_H
#define STRATAD_DS_DIR_H

#include "ds.h"

/**
 * struct ds_dir_config - what ds_dir_new() needs
 * @path: the directory (copied)
 * @retry_ms: how often a missing directory is looked for (default 1000)
 * @log: log function (level, line, @log_arg); NULL: stderr
 * @log_arg: its argument
 */
struct ds_dir_config {
	const char *path;
	unsigned int retry_ms;
	void (*log)(int level, const char *msg, void *arg);
	void *log_arg;
};

/**
 * ds_dir_new() - create a directory datastore
 * @loop: the event loop (referenced)
 * @cfg: the configuration
 * @sink: where events go; it may not call ds_free()
 * @sink_arg: its argument
 * @err: on failure, why
 * @errlen: its size
 *
 * Nothing is read until ds_start(), which reports the initial objects
 * from the loop (a deferred event source), never from inside ds_start().
 *
 * Return: the datastore, or NULL.
 */
struct ds *ds_dir_new(sd_event *loop, const struct ds_dir_config *cfg,
		      ds_event_fn sink, void *sink_arg, char *err,
		      size_t errlen);

/**
 * ds_dir_drain() - process the inotify events already queued, now
 * @ds: a directory datastore
 *
 * A writer that renamed a file into place and then asks the daemon to
 * wait for it (stratactl apply) is sure its change has been reported once
 * this returns: inotify queues the event before rename(2) returns.
 *
 * Return: the number of files reread.
 */
int ds_dir_drain(struct ds *ds);

/* Whether @ds is a directory datastore. */
bool ds_is_dir(const struct ds *ds);

#endif /* STRATAD_DS_DIR_H */
