// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/strata: a misc character device for bulk operations that do not fit
 * netlink well. Every ioctl acts on the network namespace of the calling
 * task (not of the task that opened the file) and checks CAP_NET_ADMIN over
 * it itself: file mode 0600 alone is not the permission check.
 */
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/strata.h>
#include "strata.h"
#include "chardev.h"
#include "version.h"

static long strata_ioc_version(void __user *arg)
{
	struct strata_ioc_version v = {
		.abi_version = STRATA_ABI_VERSION,
		.genl_version = STRATA_GENL_VERSION,
	};

	strscpy(v.module_version, STRATA_VERSION, sizeof(v.module_version));
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long strata_ioc_stats(struct net *net, void __user *arg)
{
	struct strata_net *sn = strata_pernet(net);
	struct strata_ioc_stats s = {};

	s.generation = strata_generation(sn);
	s.mem_bytes = atomic64_read(&sn->mem_bytes);
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long strata_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct net *net = current->nsproxy->net_ns;
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != STRATA_IOC_MAGIC)
		return -ENOTTY;

	switch (cmd) {
	case STRATA_IOC_VERSION:
	case STRATA_IOC_STATS:
		break;
	default:
		return -ENOTTY;
	}
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;

	switch (cmd) {
	case STRATA_IOC_VERSION:
		return strata_ioc_version(uarg);
	case STRATA_IOC_STATS:
		return strata_ioc_stats(net, uarg);
	}
	return -ENOTTY;
}

static const struct file_operations strata_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = strata_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice strata_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = STRATA_DEVICE_NAME,
	.fops = &strata_fops,
	.mode = 0600,
};

int __init strata_chardev_init(void)
{
	return misc_register(&strata_miscdev);
}

void strata_chardev_uninit(void)
{
	misc_deregister(&strata_miscdev);
}
