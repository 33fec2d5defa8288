// SPDX-License-Identifier: LGPL-2.1-or-later
/* /dev/strata ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "strata.h"

#define STRATA_DEV_PATH "/dev/" STRATA_DEVICE_NAME

int strata_dev_open(struct strata_err *err)
{
	int fd = open(STRATA_DEV_PATH, O_RDWR | O_CLOEXEC);

	strata_err_clear(err);
	if (fd < 0) {
		int e = errno, code = -e;

		if (e == ENOENT || e == ENODEV || e == ENXIO) {
			code = -ENOENT;
			strata_err_set(
				err, code,
				"%s does not exist: the strata kernel module is not loaded",
				STRATA_DEV_PATH);
		} else {
			strata_err_set(err, code, "cannot open %s: %s",
				       STRATA_DEV_PATH, strerror(e));
		}
		/* permission problems are the kernel's answer, not absence */
		if (err)
			err->src = (e == EACCES || e == EPERM)
					   ? STRATA_ERR_KERNEL
					   : STRATA_ERR_TRANSPORT;
		return code;
	}
	return fd;
}

static int dev_ioctl(int fd, unsigned long req, void *arg, const char *what,
		     struct strata_err *err)
{
	strata_err_clear(err);
	if (ioctl(fd, req, arg) < 0) {
		int e = errno;

		strata_err_set(err, -e, "%s: %s", what, strerror(e));
		if (err)
			err->src = STRATA_ERR_KERNEL;
		return -e;
	}
	return 0;
}

int strata_dev_version(int fd, struct strata_ioc_version *v,
		       struct strata_err *err)
{
	memset(v, 0, sizeof(*v));
	return dev_ioctl(fd, STRATA_IOC_VERSION, v, "STRATA_IOC_VERSION", err);
}

int strata_dev_stats(int fd, struct strata_ioc_stats *s, struct strata_err *err)
{
	memset(s, 0, sizeof(*s));
	return dev_ioctl(fd, STRATA_IOC_STATS, s, "STRATA_IOC_STATS", err);
}

/**
 * strata_dev_load_image() - replace the whole state with an image
 * @fd: /dev/strata (strata_dev_open())
 * @image: the image (strata_image_build())
 * @len: its length
 * @generation: receives the generation the image became (may be NULL)
 * @err: failure; the message is the kernel's reason when it gives one
 *
 * Return: 0 or a negative errno (-EBUSY while a transaction is open).
 */
int strata_dev_load_image(int fd, const void *image, size_t len,
			  uint64_t *generation, struct strata_err *err)
{
	struct strata_ioc_load ld;

	strata_err_clear(err);
	memset(&ld, 0, sizeof(ld));
	ld.image = (uint64_t)(uintptr_t)image;
	ld.len = len;
	if (ioctl(fd, STRATA_IOC_LOAD_IMAGE, &ld) < 0) {
		int e = errno;

		ld.err_msg[sizeof(ld.err_msg) - 1] = '\0';
		if (ld.err_msg[0])
			strata_err_set(err, -e, "image refused: %s",
				       ld.err_msg);
		else
			strata_err_set(err, -e, "image refused: %s",
				       strerror(e));
		if (err) {
			err->src = STRATA_ERR_KERNEL;
			snprintf(err->kmsg, sizeof(err->kmsg), "%s",
				 ld.err_msg);
		}
		return -e;
	}
	if (generation)
		*generation = ld.generation;
	return 0;
}
