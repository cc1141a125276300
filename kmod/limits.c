// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj per-user limits. /dev/evobj is open to every user, so what one
 * user can make the kernel hold beyond memory (which the memory cgroup
 * bounds) is counted per user and capped by module parameters: armed
 * timers, each an hrtimer in some CPU's queue, and named events, each an
 * entry in the one table of names.
 */

#include <linux/cred.h>
#include <linux/err.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "internal.h"

struct evobj_user {
	struct hlist_node node;		/* in evobj_users */
	kuid_t uid;
	unsigned int held[EVOBJ_NR_LIMITS];	/* reference per unit held */
};

/*
 * The users holding anything, and their counts. Charging happens in
 * process context (arming a timer), so a mutex will do; it is held for
 * one hash-bucket lookup.
 */
static DEFINE_HASHTABLE(evobj_users, 6);
static DEFINE_MUTEX(evobj_users_lock);

static struct evobj_user *evobj_user_find(kuid_t uid)
{
	struct evobj_user *u;

	lockdep_assert_held(&evobj_users_lock);
	hash_for_each_possible(evobj_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/**
 * evobj_user_charge() - count one more of @what for the current user
 * @what: which limit
 * @limit: the most the user may hold
 *
 * Context: Process context; may sleep.
 * Return: the user to uncharge later, ERR_PTR(-ENOSPC) at the limit, or
 * ERR_PTR(-ENOMEM).
 */
struct evobj_user *evobj_user_charge(enum evobj_limit what, unsigned int limit)
{
	kuid_t uid = current_uid();
	struct evobj_user *u;

	mutex_lock(&evobj_users_lock);
	u = evobj_user_find(uid);
	if (!u) {
		u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
		if (!u) {
			u = ERR_PTR(-ENOMEM);
			goto out;
		}
		u->uid = uid;
		hash_add(evobj_users, &u->node, __kuid_val(uid));
	}
	if (u->held[what] >= limit) {
		if (!memchr_inv(u->held, 0, sizeof(u->held))) {
			hash_del(&u->node);
			kfree(u);
		}
		u = ERR_PTR(-ENOSPC);
		goto out;
	}
	u->held[what]++;
out:
	mutex_unlock(&evobj_users_lock);
	return u;
}

/**
 * evobj_user_uncharge() - give back one of @what
 * @u: what evobj_user_charge() returned
 * @what: the same limit
 *
 * Context: Process context; may sleep.
 */
void evobj_user_uncharge(struct evobj_user *u, enum evobj_limit what)
{
	mutex_lock(&evobj_users_lock);
	u->held[what]--;
	if (!memchr_inv(u->held, 0, sizeof(u->held))) {
		hash_del(&u->node);
		kfree(u);
	}
	mutex_unlock(&evobj_users_lock);
}
