// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the state image loader (kmod/core/image.c, compiled
 * unchanged): any input must be either loaded as one commit or refused
 * with an error, without a crash, a leak or undefined behaviour.
 *
 *   make fuzz-image [FUZZ_SECONDS=60]
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "strata.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sc_limits caps = {
		.tiers = 64,
		.policies = 256,
		.rules = 4096,
		.ipsets = 64,
		.members = 4096,
		.endpoints = 64,
	};
	struct sc_state *s = sc_state_new(NULL, &caps);
	struct sc_runtime *rt;
	struct sc_err err;
	void *copy;

	if (!s)
		return 0;
	/* the kernel copies the image into its own aligned buffer */
	copy = malloc(size ? size : 1);
	if (copy) {
		memcpy(copy, data, size);
		sc_image_load(s, copy, size, &rt, &err);
		if (sc_state_needs_finish(s))
			sc_commit_finish(s);
		free(copy);
	}
	sc_state_free(s);
	return 0;
}
