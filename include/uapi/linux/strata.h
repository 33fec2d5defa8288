/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Strata: host-level tiered network policy engine.
 *
 * This header is the single contract between strata.ko and userspace. It
 * defines the generic netlink family, its commands, attributes and
 * multicast groups, and the ioctl interface of the /dev/strata character
 * device.
 *
 * Generic netlink family "strata"
 * ===============================
 *
 * Every command and every multicast group requires CAP_NET_ADMIN over the
 * user namespace that owns the caller's network namespace. All state is
 * per network namespace: a command acts on the namespace of the socket that
 * sent it. Attributes are validated strictly: unknown attributes, wrong
 * lengths and out-of-range values are refused with -EINVAL (or -ERANGE) and
 * an extended ack message naming the offending attribute.
 *
 * STRATA_CMD_GET_VERSION
 *   Request: no attributes.
 *   Reply:   STRATA_A_VERSION_ABI (u32), STRATA_A_VERSION_GENL (u32),
 *            STRATA_A_VERSION_MODULE (string), STRATA_A_GENERATION (u64).
 *
 * /dev/strata
 * ===========
 *
 * A misc character device (mode 0600). Each ioctl acts on the caller's
 * network namespace and checks CAP_NET_ADMIN over it itself. Unknown ioctl
 * numbers get -ENOTTY. The structures below are fixed-size, naturally
 * aligned and explicitly padded so that 32-bit and 64-bit callers share
 * them; reserved fields must be zero on input and are zero on output.
 */
#ifndef _UAPI_LINUX_STRATA_H
#define _UAPI_LINUX_STRATA_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* Bumped on any incompatible change to this file. */
#define STRATA_ABI_VERSION	1

#define STRATA_GENL_NAME	"strata"
#define STRATA_GENL_VERSION	1

#define STRATA_DEVICE_NAME	"strata"

/**
 * enum strata_cmd - generic netlink commands of the "strata" family
 * @STRATA_CMD_UNSPEC: invalid
 * @STRATA_CMD_GET_VERSION: versions and the committed generation
 */
enum strata_cmd {
	STRATA_CMD_UNSPEC,
	STRATA_CMD_GET_VERSION,

	__STRATA_CMD_MAX
};

#define STRATA_CMD_MAX (__STRATA_CMD_MAX - 1)

/**
 * enum strata_attr - top-level attributes of the "strata" family
 * @STRATA_A_UNSPEC: invalid
 * @STRATA_A_VERSION_ABI: u32, STRATA_ABI_VERSION of the module
 * @STRATA_A_VERSION_GENL: u32, STRATA_GENL_VERSION of the module
 * @STRATA_A_VERSION_MODULE: string, the module's release version
 * @STRATA_A_GENERATION: u64, the namespace's committed generation
 * @STRATA_A_PAD: padding for 64-bit attributes
 */
enum strata_attr {
	STRATA_A_UNSPEC,
	STRATA_A_VERSION_ABI,
	STRATA_A_VERSION_GENL,
	STRATA_A_VERSION_MODULE,
	STRATA_A_GENERATION,
	STRATA_A_PAD,

	__STRATA_A_MAX
};

#define STRATA_A_MAX (__STRATA_A_MAX - 1)

#define STRATA_VERSION_LEN	32

/* ioctl interface of /dev/strata */
#define STRATA_IOC_MAGIC	0xB8

/**
 * struct strata_ioc_version - STRATA_IOC_VERSION result
 * @abi_version: STRATA_ABI_VERSION of the module
 * @genl_version: STRATA_GENL_VERSION of the module
 * @module_version: NUL-terminated release version of the module
 */
struct strata_ioc_version {
	__u32	abi_version;
	__u32	genl_version;
	char	module_version[STRATA_VERSION_LEN];
};

/**
 * struct strata_ioc_stats - STRATA_IOC_STATS result, for the caller's netns
 * @generation: the committed generation (0 before the first commit)
 * @mem_bytes: bytes of large allocations held by this namespace's state
 * @reserved: zero
 */
struct strata_ioc_stats {
	__u64	generation;
	__u64	mem_bytes;
	__u64	reserved[6];
};

#define STRATA_IOC_VERSION	_IOR(STRATA_IOC_MAGIC, 0x00, struct strata_ioc_version)
#define STRATA_IOC_STATS	_IOR(STRATA_IOC_MAGIC, 0x01, struct strata_ioc_stats)

#endif /* _UAPI_LINUX_STRATA_H */
