/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The one place where kmod/core/ meets its environment. Everything under
 * kmod/core/ is plain C that compiles unchanged into strata.ko and into
 * userspace (unit tests, fuzzers, benchmarks, stratactl explain); the
 * other files include only this header, never <linux/...> or libc headers
 * directly.
 */
#ifndef _STRATA_CORE_TYPES_H
#define _STRATA_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <asm/byteorder.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <errno.h>
#include <endian.h>
#include <stdio.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ s8;
typedef __INT16_TYPE__ s16;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif
#endif /* __KERNEL__ */

/*
 * Publication of pointers read by the packet path without locks. In the
 * kernel these are RCU; in userspace, acquire/release atomics (userspace
 * readers of a state are the tests and benchmarks).
 */
#ifdef __KERNEL__
#include <linux/rcupdate.h>
#define SC_READ_PTR(p)		rcu_dereference_check(p, 1)
#define SC_PUBLISH_PTR(p, v)	rcu_assign_pointer(p, v)
#define SC_INIT_PTR(p, v)	RCU_INIT_POINTER(p, v)
#else
#define SC_READ_PTR(p)		__atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define SC_PUBLISH_PTR(p, v)	__atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define SC_INIT_PTR(p, v)	((p) = (v))
#endif

/* The userspace contract: object layouts and constants the engine uses. */
#include <linux/strata.h>

#endif /* _STRATA_CORE_TYPES_H */
