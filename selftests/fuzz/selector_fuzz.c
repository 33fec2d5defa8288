// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the selector language (userspace/policy/selector.c,
 * compiled unchanged). Any input is either refused with a position inside
 * it and a message, or parsed into a selector whose canonical form parses
 * back to itself (same string, same matches on label sets built from its
 * own keys and values), and whose rewrites are canonical too; nothing
 * crashes, leaks or invokes undefined behaviour.
 *
 *   make fuzz-selector [FUZZ_SECONDS=120]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "selector_fuzz: %s failed at %d\n", \
				#cond, __LINE__);                           \
			abort();                                            \
		}                                                           \
	} while (0)

/* Parse @text: it must give back @want (a canonical string). */
static struct sel *reparse(const char *text, unsigned int flags)
{
	struct sel_err err;
	struct sel *s = NULL;
	int rc = sel_parse(text, flags, &s, &err);

	if (rc) {
		fprintf(stderr, "selector_fuzz: canonical \"%s\" refused: %s\n",
			text, err.msg);
		abort();
	}
	CHECK(strcmp(sel_str(s), text) == 0);
	return s;
}

/* Match @s and @c (equal selectors) on label sets made of @s's keys. */
static void check_matches(struct sel *s, struct sel *c, uint32_t bits)
{
	const char *keys[16], *vals[16];
	struct sel_term terms[16];
	struct sel_label l[16];
	size_t nk = sel_keys(s, keys, 16), nt = sel_index_terms(s, terms, 16);
	size_t i, j, round;

	if (nk > 16)
		nk = 16;
	if (nt > 16)
		nt = 16;
	for (i = 0; i < nk; i++) {
		vals[i] = "x";
		for (j = 0; j < nt; j++)
			if (!strcmp(terms[j].key, keys[i]) && terms[j].n)
				vals[i] = terms[j].values[bits % terms[j].n];
	}
	for (round = 0; round < 4; round++) {
		struct sel_labels ls = { l, 0 };

		for (i = 0; i < nk; i++) {
			/* round 0: none; 1: all, term values; 2: all,
			 * empty values; 3: some */
			if (round == 0 || (round == 3 && !((bits >> i) & 1)))
				continue;
			l[ls.n].key = keys[i];
			l[ls.n].value = round == 2 ? "" : vals[i];
			ls.n++;
		}
		CHECK(sel_match(s, &ls) == sel_match(c, &ls));
	}
}

/* Keys prefixed with "p.": the prefixed selector on prefixed labels
 * means what the selector means on the labels. */
static void check_prefixed(struct sel *s, uint32_t bits)
{
	struct sel *p = sel_prefixed(s, "p.", NULL), *c;
	const char *keys[16];
	char pk[16][SEL_MAX_LABEL + 3];
	struct sel_label l[16], lp[16];
	size_t nk = sel_keys(s, keys, 16), i;
	struct sel_labels ls = { l, 0 }, lps = { lp, 0 };

	if (!p)
		return; /* a key too long to prefix */
	c = reparse(sel_str(p), SEL_F_ALLOW_GLOBAL);
	sel_put(c);
	if (nk > 16)
		nk = 16;
	for (i = 0; i < nk; i++) {
		if (!((bits >> i) & 1))
			continue;
		snprintf(pk[i], sizeof(pk[i]), "p.%s", keys[i]);
		l[ls.n].key = keys[i];
		l[ls.n].value = (bits >> (i + 16)) & 1 ? "x" : "";
		lp[lps.n].key = pk[i];
		lp[lps.n].value = l[ls.n].value;
		ls.n++;
		lps.n++;
	}
	lps.n = sel_labels_sort(lp, lps.n);
	CHECK(sel_match(s, &ls) == sel_match(p, &lps));
	sel_put(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int flags;
	struct sel_err err;
	struct sel *s, *c, *a;
	uint32_t bits = 0;
	char *text;
	size_t i;
	int rc;

	if (size == 0)
		return 0;
	/* first byte: flags and label-set choices; the rest: the text */
	flags = data[0] & 1 ? SEL_F_ALLOW_GLOBAL : 0;
	for (i = 0; i < size; i++)
		bits = bits * 31 + data[i];
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	memset(&err, 0, sizeof(err));
	rc = sel_parse(text, flags, &s, &err);
	if (rc) {
		CHECK(rc == -EINVAL);
		CHECK(s == NULL);
		CHECK(err.pos <= strlen(text));
		CHECK(err.msg[0] != '\0');
		CHECK(strstr(err.msg, " at ") != NULL);
		free(text);
		return 0;
	}
	c = reparse(sel_str(s), flags);
	CHECK(sel_equal(s, c));
	CHECK(sel_hash(s) == sel_hash(c));
	check_matches(s, c, bits);
	sel_put(c);

	/* s && s is s */
	a = sel_and(s, s);
	if (a) {
		CHECK(sel_is_global(s) || sel_equal(a, s));
		sel_put(a);
	}
	check_prefixed(s, bits);
	a = sel_prefixed(s, "pcns.", "projectcalico.org/namespace");
	if (a) {
		c = reparse(sel_str(a), 0);
		sel_put(c);
		sel_put(a);
	}
	sel_put(s);
	free(text);
	return 0;
}
