// SPDX-License-Identifier: GPL-2.0
/*
 * strata.ko: module init and exit only. Each subsystem registers itself;
 * init runs in dependency order and unwinds in exact reverse on failure.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <net/genetlink.h>
#include <linux/strata.h>
#include "mem.h"
#include "pernet.h"
#include "netlink.h"
#include "chardev.h"
#include "version.h"

static int __init strata_mod_init(void)
{
	int ret;

	ret = strata_mem_init();
	if (ret)
		goto err_mem;
	ret = strata_pernet_init();
	if (ret)
		goto err_pernet;
	ret = strata_genl_init();
	if (ret)
		goto err_genl;
	ret = strata_chardev_init();
	if (ret)
		goto err_chardev;

	pr_info("version %s loaded (ABI %u)\n", STRATA_VERSION,
		STRATA_ABI_VERSION);
	return 0;

err_chardev:
	strata_genl_uninit();
err_genl:
	strata_pernet_uninit();
err_pernet:
	strata_mem_uninit();
err_mem:
	return ret;
}

static void __exit strata_mod_exit(void)
{
	strata_chardev_uninit();
	strata_genl_uninit();
	strata_pernet_uninit();
	strata_mem_uninit();
	pr_info("unloaded\n");
}

module_init(strata_mod_init);
module_exit(strata_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Strata tiered network policy engine");
MODULE_VERSION(STRATA_VERSION);
MODULE_ALIAS_GENL_FAMILY(STRATA_GENL_NAME);
