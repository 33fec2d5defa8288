/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libstrata: the userspace library for talking to strata.ko over generic
 * netlink and /dev/strata. Every function reports failures as a negative
 * errno and fills a struct strata_err with the kernel's extended ack text
 * when there is one.
 */
#ifndef STRATA_LIB_H
#define STRATA_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/strata.h>

#define STRATA_CLI_VERSION "0.1.0"

/**
 * struct strata_err - details of a failed request
 * @code: negative errno (0 when no error)
 * @msg: the kernel's extack message, or a library message; may be empty
 * @attr: type of the attribute the kernel pointed at, or -1
 * @offset: byte offset of that attribute in the request, or -1
 */
struct strata_err {
	int code;
	char msg[256];
	int attr;
	int32_t offset;
};

void strata_err_clear(struct strata_err *err);
int strata_err_set(struct strata_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct strata_nl;

struct strata_nl *strata_nl_open(struct strata_err *err);
void strata_nl_close(struct strata_nl *nl);

/**
 * struct strata_version_info - STRATA_CMD_GET_VERSION reply
 */
struct strata_version_info {
	uint32_t abi;
	uint32_t genl;
	char module[STRATA_VERSION_LEN];
	uint64_t generation;
};

int strata_get_version(struct strata_nl *nl, struct strata_version_info *v,
		       struct strata_err *err);

int strata_dev_open(struct strata_err *err);
int strata_dev_version(int fd, struct strata_ioc_version *v,
		       struct strata_err *err);
int strata_dev_stats(int fd, struct strata_ioc_stats *s,
		     struct strata_err *err);

#endif /* STRATA_LIB_H */
