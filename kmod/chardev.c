// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/strata: a misc character device for bulk operations that do not fit
 * netlink well. Every ioctl acts on the network namespace of the calling
 * task (not of the task that opened the file) and checks CAP_NET_ADMIN over
 * it itself: file mode 0600 alone is not the permission check.
 *
 * STRATA_IOC_LOAD_IMAGE copies the whole image in (at most the
 * max_image_bytes module parameter), lets the engine validate and load it
 * as one commit, and publishes the result exactly as a netlink commit
 * does, announcing it on the "config" group.
 */
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/strata.h>
#include "strata.h"
#include "chardev.h"
#include "netlink.h"
#include "version.h"
#include "core/model.h"
#include "core/state.h"

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

	mutex_lock(&sn->lock);
	sc_state_stats(sn->state, &s);
	s.generation = sc_state_generation(sn->state);
	s.tx_open = !!sn->tx;
	mutex_unlock(&sn->lock);
	s.mem_bytes = atomic64_read(&sn->mem_bytes);
	memset(s.pad, 0, sizeof(s.pad));
	memset(s.reserved, 0, sizeof(s.reserved));
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static void strata_load_msg(struct strata_ioc_load *req, const char *msg)
{
	strscpy(req->err_msg, msg, sizeof(req->err_msg));
}

static long strata_ioc_load(struct net *net, void __user *arg)
{
	struct strata_net *sn = strata_pernet(net);
	struct sc_runtime *rt = NULL;
	struct strata_ioc_load req;
	struct sc_err err = {};
	void *image = NULL;
	u64 limit;
	long ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	memset(req.err_msg, 0, sizeof(req.err_msg));
	limit = min_t(u64, READ_ONCE(strata_max_image_bytes), INT_MAX);
	if (req.flags || req.pad) {
		strata_load_msg(&req, "flags and pad must be zero");
		ret = -EINVAL;
		goto reply;
	}
	if (!req.len) {
		strata_load_msg(&req, "the image is empty");
		ret = -EINVAL;
		goto reply;
	}
	if (req.len > limit) {
		strata_load_msg(&req,
				"the image is larger than the max_image_bytes module parameter");
		ret = -E2BIG;
		goto reply;
	}
	image = kvmalloc(req.len, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!image) {
		strata_load_msg(&req, "out of memory");
		ret = -ENOMEM;
		goto reply;
	}
	if (copy_from_user(image, u64_to_user_ptr(req.image), req.len)) {
		strata_load_msg(&req, "the image is not readable");
		ret = -EFAULT;
		goto reply;
	}

	mutex_lock(&sn->lock);
	if (sn->tx) {
		strata_load_msg(&req, "a transaction is open");
		ret = -EBUSY;
	} else {
		ret = sc_image_load(sn->state, image, req.len, &rt, &err);
		if (ret) {
			strata_finish_locked(sn);
			strata_load_msg(&req, err.detail[0] ? err.detail :
					err.msg ? err.msg : "refused");
		} else {
			strata_publish_locked(sn, rt);
			strata_genl_notify_commit(net,
						  sc_state_generation(sn->state));
		}
	}
	req.generation = sc_state_generation(sn->state);
	mutex_unlock(&sn->lock);
reply:
	kvfree(image);
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;
	return ret;
}

static long strata_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct net *net = current->nsproxy->net_ns;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case STRATA_IOC_VERSION:
	case STRATA_IOC_STATS:
	case STRATA_IOC_LOAD_IMAGE:
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
	case STRATA_IOC_LOAD_IMAGE:
		return strata_ioc_load(net, uarg);
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

/**
 * strata_chardev_init() - register /dev/strata
 *
 * Return: 0 or a negative errno.
 */
int __init strata_chardev_init(void)
{
	return misc_register(&strata_miscdev);
}

/**
 * strata_chardev_uninit() - unregister /dev/strata
 */
void strata_chardev_uninit(void)
{
	misc_deregister(&strata_miscdev);
}
