/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stratad's configuration: /etc/strata/stratad.conf (stratad.conf(5)),
 * then "-o KEY=VALUE" options on the command line, which win.
 *
 * The file is "KEY = VALUE" lines; '#' starts a comment (at the start of
 * a line or after whitespace); blank lines are ignored; a value may be
 * double-quoted (then "\"" and "\\" escape). Durations take a unit (ms, s,
 * min, h; a bare number is seconds, as in systemd); booleans are
 * true/false, yes/no, on/off, 1/0. "felix.KEY = VALUE" sets one
 * FelixConfiguration key of the kernel settings (cmp_felix_setting()).
 * An unknown key or a bad value is an error naming the file and line.
 */
#ifndef STRATAD_CONF_H
#define STRATAD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DCONF_PATH "/etc/strata/stratad.conf"

enum dconf_ds {
	DCONF_DS_DIRECTORY,
	DCONF_DS_KUBERNETES,
	DCONF_DS_ETCD,
};

/**
 * struct dconf - the effective configuration (stratad.conf(5) documents
 * every key and its default). Strings are owned; "" means unset where
 * the manual says so.
 */
struct dconf {
	char *node_name;
	int datastore; /* enum dconf_ds */
	int log_level; /* LOG_ERR..LOG_DEBUG */
	int log_target; /* enum dlog_target */

	char *directory;

	char *kubeconfig;
	char *kube_context;
	unsigned int kube_page_size;
	unsigned int kube_watch_timeout_ms;
	bool kube_http1;
	bool kube_consistent_list;

	char *etcd_endpoints;
	char *etcd_prefix;
	char *etcd_ca_file;
	char *etcd_cert_file;
	char *etcd_key_file;
	char *etcd_username;
	char *etcd_password;
	unsigned int etcd_page_limit;

	unsigned int coalesce_ms;
	unsigned int resync_interval_ms;
	unsigned int retry_min_ms;
	unsigned int retry_max_ms;
	bool deny_reject;
	bool manage_settings;

	char *api_socket;
	char *endpoint_status_dir;
	char *metrics_address;
	unsigned int metrics_port;

	bool workload_routes;
	bool workload_iface_settings;
	unsigned int route_table;
	unsigned int route_protocol;

	/* felix.KEY = VALUE, in the order given (later ones win) */
	char **felix_keys, **felix_values;
	size_t n_felix;
};

/* Fill @c with the defaults (node_name: $NODENAME, else the host name). */
void dconf_init(struct dconf *c);
void dconf_release(struct dconf *c);

/**
 * dconf_set() - set one key
 * @c: the configuration
 * @key: the key ("coalesce", "felix.FailsafeInboundHostPorts", ...)
 * @value: its text
 * @err: on failure, what is wrong ("unknown key \"x\"", ...)
 * @len: its size
 *
 * Return: 0, or -EINVAL.
 */
int dconf_set(struct dconf *c, const char *key, const char *value, char *err,
	      size_t len);

/**
 * dconf_load() - read a configuration file on top of @c
 * @c: the configuration
 * @path: the file
 * @missing_ok: a file that does not exist is not an error
 * @err: "PATH:LINE: message" on failure
 * @len: its size
 *
 * Return: 0, -ENOENT (missing, and not @missing_ok), -EINVAL, or another
 * negative errno (unreadable).
 */
int dconf_load(struct dconf *c, const char *path, bool missing_ok, char *err,
	       size_t len);

/* Parse "KEY=VALUE" (a command-line -o). */
int dconf_set_arg(struct dconf *c, const char *arg, char *err, size_t len);

/*
 * Checks across keys (a datastore's required settings, retry bounds),
 * after everything is read. Return: 0 or -EINVAL with @err.
 */
int dconf_check(const struct dconf *c, char *err, size_t len);

/* The effective configuration, as a file stratad reads back. */
void dconf_print(const struct dconf *c, FILE *f);

/* Values, exposed for tests. */
int dconf_parse_duration_ms(const char *s, unsigned int *ms);
int dconf_parse_bool(const char *s, bool *b);
const char *dconf_ds_name(int ds);

#endif /* STRATAD_CONF_H */
