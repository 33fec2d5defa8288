/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STRATA_CHARDEV_H
#define _STRATA_CHARDEV_H

int strata_chardev_init(void);
void strata_chardev_uninit(void);

#endif /* _STRATA_CHARDEV_H */
