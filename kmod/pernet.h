/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STRATA_PERNET_H
#define _STRATA_PERNET_H

int strata_pernet_init(void);
void strata_pernet_uninit(void);

#endif /* _STRATA_PERNET_H */
