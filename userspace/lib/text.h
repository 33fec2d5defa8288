/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to libstrata's text syntax: tables the parser and printers share. */
#ifndef STRATA_LIB_TEXT_H
#define STRATA_LIB_TEXT_H

#include "strata_text.h"

enum strata_skey_type {
	SKEY_U32, /* decimal */
	SKEY_MARK, /* u32, printed in hex */
	SKEY_U16,
	SKEY_BOOL, /* u8 0/1: on|off */
	SKEY_WL_TO_HOST, /* u8: drop|accept|return */
	SKEY_FAILSAFE_IN,
	SKEY_FAILSAFE_OUT,
	SKEY_WL_PREFIXES,
};

/**
 * struct strata_skey - one setting: its keyword, attribute and field
 * @key: the stratactl keyword ("mark-mask")
 * @json: the JSON field name ("mark_mask")
 * @attr: STRATA_SET_A_*
 * @type: enum strata_skey_type
 * @off: offset of the field in struct sc_settings (scalars)
 */
struct strata_skey {
	const char *key;
	const char *json;
	int attr;
	int type;
	size_t off;
};

extern const struct strata_skey strata_skeys[];
extern const size_t strata_n_skeys;

extern const char *const strata_list_names[__STRATA_LIST_MAX];

/* Protocol names the grammar knows. */
struct strata_proto_name {
	const char *name;
	uint8_t proto;
};

extern const struct strata_proto_name strata_protos[];
extern const size_t strata_n_protos;

const char *strata_ipset_kind_name(uint8_t kind);
const char *strata_wl_to_host_name(uint8_t v);

/* A resolver's name for an object, or NULL (no resolver, id 0, unknown). */
const char *strata_name_of(strata_name_fn fn, void *arg, uint8_t kind,
			   uint32_t id);
/* The kind of object (enum strata_err_obj) a counter (STRATA_CTR_*) is of. */
uint8_t strata_counter_obj(uint8_t kind);

#endif /* STRATA_LIB_TEXT_H */
