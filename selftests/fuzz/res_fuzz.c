// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the manifest loader (userspace/policy/doc.c and
 * res_*.c, compiled unchanged): any input, YAML or JSON, is read into
 * documents and resources with every message formatted; nothing crashes,
 * leaks or invokes undefined behaviour. The oracle: every resource
 * accepted, printed as YAML and as JSON, reads back with no message into
 * a resource equal to it (res_equal), and its json-c form reads back as an
 * object (res_parse_object) equal to it too.
 *
 *   make fuzz-res [FUZZ_SECONDS=300]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "res.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "res_fuzz: %s failed at %d\n", #cond, \
				__LINE__);                                    \
			abort();                                              \
		}                                                             \
	} while (0)

static void dump(const char *what, const struct diags *d, const char *text)
{
	char line[4096];
	size_t i;

	fprintf(stderr, "res_fuzz: %s\n", what);
	for (i = 0; i < d->n; i++)
		fprintf(stderr, "  %s\n",
			diag_format(&d->v[i], line, sizeof(line)));
	if (text)
		fprintf(stderr, "--- printed:\n%s\n", text);
}

/* @r printed in @fmt must read back into one resource equal to it. */
static void round_trip(struct res *r, enum res_fmt fmt)
{
	struct res_list l = { 0 };
	struct diags d;
	struct doc doc;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f);
	CHECK(res_print(f, &r, 1, fmt, false) == 0);
	fclose(f);
	diags_init(&d);
	doc_parse(&doc, "printed", buf, len, &d);
	for (i = 0; i < doc.n; i++)
		res_parse(&doc, doc.roots[i], 0, &l, &d);
	if (d.n || l.n != 1 || !res_equal(r, l.v[0])) {
		dump(d.n	? "the printed resource has messages"
		     : l.n != 1 ? "the printed resource is not one resource"
				: "the printed resource reads back different",
		     &d, buf);
		abort();
	}
	res_list_release(&l);
	doc_release(&doc);
	diags_release(&d);
	free(buf);
}

/* Its json-c form, as a datastore hands it over, reads back equal. */
static void object_trip(struct res *r)
{
	struct json_object *o = res_to_json(r);
	struct res_list l = { 0 };
	struct diags d;

	diags_init(&d);
	CHECK(res_parse_object(o, 0, &l, &d) == 0);
	if (d.n || l.n != 1 || !res_equal(r, l.v[0])) {
		dump("the json-c object reads back different", &d,
		     json_object_to_json_string(o));
		abort();
	}
	res_list_release(&l);
	diags_release(&d);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct res_list l = { 0 };
	struct diags d;
	struct doc doc;
	char line[4096];
	size_t i;

	diags_init(&d);
	doc_parse(&doc, "input", (const char *)data, size, &d);
	for (i = 0; i < doc.n; i++)
		res_parse(&doc, doc.roots[i], size & 1 ? RES_F_LENIENT : 0, &l,
			  &d);
	for (i = 0; i < d.n; i++) {
		diag_format(&d.v[i], line, sizeof(line));
		CHECK(d.v[i].msg[0]);
	}
	/* a document with errors gives no resource: every resource given
	 * is complete and valid, so it must survive printing */
	for (i = 0; i < l.n; i++) {
		round_trip(l.v[i], RES_FMT_YAML);
		round_trip(l.v[i], RES_FMT_JSON);
		object_trip(l.v[i]);
	}
	res_list_release(&l);
	doc_release(&doc);
	diags_release(&d);
	return 0;
}
