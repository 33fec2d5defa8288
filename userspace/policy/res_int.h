/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the resource files (res_*.c): the parse context
 * with its field path, typed readers that report errors at the node's
 * position, name checks (Kubernetes and Calico formats), addresses, ports
 * and protocols.
 */
#ifndef STRATA_RES_INT_H
#define STRATA_RES_INT_H

#include <stdarg.h>
#include "res.h"

struct res_mem {
	struct doc_arena *arena;
	struct sel **sels;
	size_t n_sels, cap_sels;
};

/* A new resource of @kind with its own memory. */
struct res *res_alloc(enum res_kind kind);
/* A resource is complete: its size sizes the next ones of its kind. */
void res_settle(struct res *r);
void *res_zalloc(struct res *r, size_t n);
const char *res_strdup(struct res *r, const char *s);
/* Keep a selector reference until the resource is freed. */
void res_keep_sel(struct res *r, struct sel *s);

/**
 * struct rctx - parsing one document
 * @doc: the input (file name or origin for messages)
 * @d: where messages go
 * @flags: RES_F_*
 * @r: the resource being filled (allocations)
 * @path: the field path so far ("spec.ingress[0]")
 * @plen: its length
 * @ns_default: the namespace of namespaced objects that give none
 * @api: the document's apiVersion
 */
struct rctx {
	const struct doc *doc;
	const char *api;
	struct diags *d;
	unsigned int flags;
	struct res *r;
	char path[1024];
	size_t plen;
	const char *ns_default;
};

/* Append ".name" (or "name" at the start) / "[i]"; returns the length to
 * give back to rp_pop(). */
size_t rp_push(struct rctx *c, const char *name);
size_t rp_push_idx(struct rctx *c, size_t i);
void rp_pop(struct rctx *c, size_t len);

/* An error at @n's position (the document's when @n is NULL or has no
 * position), at the current path. */
void rp_err(struct rctx *c, const struct doc_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rp_warn(struct rctx *c, const struct doc_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error about a scalar value: the message starts with the value
 * ("\"80:70\": the range start is above its end"). */
void rp_bad(struct rctx *c, const struct doc_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The scalar as it is quoted in messages, into @buf. */
const char *rp_repr(const struct doc_node *n, char *buf, size_t size);

/*
 * Typed readers. Each reports a type error at @n and returns false (NULL)
 * when @n is not of the expected type. A null @n never reaches them: the
 * field walker treats null as absent.
 */
const char *rp_string(struct rctx *c, const struct doc_node *n);
bool rp_bool(struct rctx *c, const struct doc_node *n, bool *out);
bool rp_double(struct rctx *c, const struct doc_node *n, double *out);
bool rp_int(struct rctx *c, const struct doc_node *n, int64_t min, int64_t max,
	    int64_t *out);
/* A list of strings; @check (may be NULL) validates each (returns false
 * after reporting). */
bool rp_strings(struct rctx *c, const struct doc_node *n,
		bool (*check)(struct rctx *c, const struct doc_node *item,
			      const char *s),
		const char ***out, size_t *count);
/* A mapping of strings to strings, sorted by key; @k8s_labels checks keys
 * and values as Kubernetes labels (annotations: keys only). */
enum rp_labels_check {
	RP_LABELS,
	RP_PROFILE_LABELS, /* labels; "pcns."/"pcsa." + a label key too, as
			    * Calico's converter makes them */
	RP_ANNOTATIONS,
	RP_ANY,
};
bool rp_labels(struct rctx *c, const struct doc_node *n,
	       enum rp_labels_check check, struct sel_label **out,
	       size_t *count);
bool rp_expect(struct rctx *c, const struct doc_node *n, enum doc_type t);

/*
 * Walking a mapping: each present, non-null field calls its handler with
 * the path extended; fields not in the table are errors (warnings with
 * RES_F_LENIENT) with a suggestion.
 */
enum rp_field_flags {
	RPF_IGNORE = 1 << 0, /* accepted and ignored silently */
	RPF_WARN = 1 << 1, /* accepted, ignored, with a warning (@why) */
	RPF_REJECT = 1 << 2, /* an error (@why): not supported */
};

struct rp_field {
	const char *name;
	void (*fn)(struct rctx *c, const struct doc_node *v, void *obj);
	unsigned int flags;
	const char *why;
};

/* Return: false if @n is not a mapping (reported). @partial: fields not in
 * the table are ignored silently (Kubernetes objects read in part). */
bool rp_map(struct rctx *c, const struct doc_node *n,
	    const struct rp_field *fields, void *obj, bool partial);

/*
 * Names.
 */
bool rp_is_dns_label(const char *s); /* [a-z0-9]([-a-z0-9]*[a-z0-9])?, 63 */
bool rp_is_dns_subdomain(const char *s); /* labels joined by dots, 253 */
/* Kubernetes label key (qualified name) / value; @why gets the reason. */
bool rp_is_label_key(const char *s, const char **why);
bool rp_is_label_value(const char *s, const char **why);
bool rp_is_port_name(const char *s, const char **why);
bool rp_is_iface(const char *s); /* [a-zA-Z0-9_.-]{1,15} */

/*
 * Values.
 */
/* sha1 of @len bytes, as 40 hex digits (+NUL) */
void res_sha1_hex(const void *data, size_t len, char out[41]);

/* Kubernetes resource references used by the parsers */
int res_parse_calico(struct rctx *c, const struct doc_node *root,
		     const char *kind, struct res_list *out);
int res_parse_k8s(struct rctx *c, const struct doc_node *root,
		  const char *api_version, const char *kind,
		  struct res_list *out);
/* metadata of any object into @r (name required); @namespaced */
void res_parse_meta(struct rctx *c, const struct doc_node *root,
		    bool namespaced);
/* rules of a policy or profile */
void res_parse_rules(struct rctx *c, const struct doc_node *n,
		     struct res_rule **out, size_t *count, bool ingress);
/* a selector field; @flags SEL_F_* */
void res_parse_selector(struct rctx *c, const struct doc_node *n,
			unsigned int flags, struct res_sel *out);
/* Parse a selector we built ourselves (conversions); false on failure,
 * reported at @n. */
bool res_make_selector(struct rctx *c, const struct doc_node *n,
		       const char *text, unsigned int flags,
		       struct res_sel *out);
/* policy name checks (Calico's formats, tier prefix) */
void res_check_policy_name(struct rctx *c, const struct doc_node *at);
/* defaults and cross-field checks of a policy after parsing */
void res_policy_finish(struct rctx *c, const struct doc_node *spec,
		       bool types_given);
void res_list_push(struct res_list *l, struct res *r);
/* Record where @c->r came from: the document at @root, of @kind, named
 * @ns/@name (the source object's, which conversions rename). */
void res_src_fill(struct rctx *c, const struct doc_node *root, const char *kind,
		  const char *ns, const char *name);

#endif /* STRATA_RES_INT_H */
