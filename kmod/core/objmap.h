/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * An object map: objects of one kind by id (a sorted array: ordered
 * iteration for resumable dumps, binary search for lookups) and by name (a
 * hash). Control plane only; the packet path never reads it.
 */
#ifndef _STRATA_CORE_OBJMAP_H
#define _STRATA_CORE_OBJMAP_H

#include "core_types.h"
#include "model.h"

struct sc_objent {
	u32 id;
	u32 users;	/* committed objects that refer to this one */
	u32 count;	/* IP sets: members */
	const char *name;
	void *obj;
};

struct sc_namenode;

struct sc_objmap {
	struct sc_env *env;
	u32 n, cap;
	struct sc_objent *ents;
	u32 nbuckets;
	struct sc_namenode **names;
	u32 nspare;			/* name nodes kept for set/del */
	struct sc_namenode *spare;
};

void sc_objmap_init(struct sc_objmap *m, struct sc_env *env);
void sc_objmap_release(struct sc_objmap *m);
/*
 * Make room so that @extra inserts (or deletes undone by inserts) cannot
 * fail: sc_objmap_set() and sc_objmap_del() then never allocate.
 */
int sc_objmap_reserve(struct sc_objmap *m, u32 extra);
struct sc_objent *sc_objmap_get(const struct sc_objmap *m, u32 id);
struct sc_objent *sc_objmap_get_name(const struct sc_objmap *m,
				     const char *name);
/* First entry with id > @after, or NULL. */
struct sc_objent *sc_objmap_next(const struct sc_objmap *m, u32 after);
/* Insert or replace; returns the previous object (or NULL). */
int sc_objmap_set(struct sc_objmap *m, u32 id, const char *name, void *obj,
		  void **old);
/* Remove; returns the object (or NULL). */
void *sc_objmap_del(struct sc_objmap *m, u32 id);

u32 sc_hash_bytes(const void *p, size_t len, u32 seed);
u32 sc_hash_str(const char *s);

#endif /* _STRATA_CORE_OBJMAP_H */
