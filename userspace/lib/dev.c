// SPDX-License-Identifier: LGPL-2.1-or-later
/* /dev/strata ioctls. */
#include <errno.h>
#include <fcntl.h>
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
		int e = errno;

		if (e == ENOENT || e == ENODEV || e == ENXIO)
			return strata_err_set(
				err, -ENOENT,
				"%s does not exist: the strata kernel module is not loaded",
				STRATA_DEV_PATH);
		return strata_err_set(err, -e, "cannot open %s: %s",
				      STRATA_DEV_PATH, strerror(e));
	}
	return fd;
}

static int dev_ioctl(int fd, unsigned long req, void *arg, const char *what,
		     struct strata_err *err)
{
	strata_err_clear(err);
	if (ioctl(fd, req, arg) < 0) {
		int e = errno;

		return strata_err_set(err, -e, "%s: %s", what, strerror(e));
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
