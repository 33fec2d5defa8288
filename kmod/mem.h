/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _STRATA_MEM_H
#define _STRATA_MEM_H

#include "strata.h"

int strata_mem_init(void);
void strata_mem_uninit(void);

void *strata_kvzalloc(struct strata_net *sn, size_t size);
void strata_kvfree(struct strata_net *sn, void *p, size_t size);

#endif /* _STRATA_MEM_H */
