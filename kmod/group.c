// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj wait-all groups: the lock that makes a wait-all atomic.
 *
 * A wait-all completes only when all its objects are signaled at one
 * instant, and then consumes them together; a set of one of them must be
 * able to check and consume the others. ntsync does this with one lock
 * per device instance. evobj events are not tied to an instance (a wait
 * may name events from any open of /dev/evobj and events that drivers
 * created), so the lock belongs to a group instead: the events that some
 * wait-all has named together. Groups only merge, never split, and only
 * events that one wait named are merged, so a group never spans
 * unrelated users' events: nobody can make another user's set wait for
 * their own walk without holding an fd of that user's event.
 */

#include <linux/irqflags.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "internal.h"

/*
 * Serialises merges, so that the root a merge picks stays a root until
 * it is done. Taken only by a wait-all whose objects are not yet all in
 * one group, and held for constant work: at most EVOBJ_MAX_WAIT objects,
 * each at most a short path from its root (union by rank).
 */
static DEFINE_MUTEX(evobj_group_mutex);

/**
 * evobj_group_lock() - lock the root of an event's group
 * @ev: an event that has a group
 *
 * A merge may make the root a child meanwhile; the check under its lock
 * catches that, and the walk starts again from the new root. Merges only
 * happen under evobj_group_mutex, each at most once per root, so the
 * walk restarts at most once per merge that a wait-all makes meanwhile.
 *
 * Context: interrupts off (evobj_lock() or evobj_group_lock_irq()).
 * Return: the locked root.
 */
struct evobj_group *evobj_group_lock(struct evobj *ev)
	__acquires(evobj_group)
{
	struct evobj_group *root;

	lockdep_assert_irqs_disabled();
	for (;;) {
		root = evobj_group_root(READ_ONCE(ev->group));
		raw_spin_lock(&root->lock);
		if (!root->parent)
			return root;
		raw_spin_unlock(&root->lock);
	}
}

void evobj_group_unlock(struct evobj_group *g)
	__releases(evobj_group)
{
	raw_spin_unlock(&g->lock);
}

/* The group lock from process context, where interrupts are on. */
struct evobj_group *evobj_group_lock_irq(struct evobj *ev)
	__acquires(evobj_group)
{
	lockdep_assert_irqs_enabled();
	local_irq_disable();
	return evobj_group_lock(ev);
}

void evobj_group_unlock_irq(struct evobj_group *g)
	__releases(evobj_group)
{
	evobj_group_unlock(g);
	local_irq_enable();
}

static struct evobj_group *evobj_group_new(void)
{
	struct evobj_group *g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);

	if (g) {
		raw_spin_lock_init(&g->lock);
		refcount_set(&g->ref, 1);
	}
	return g;
}

static void evobj_group_put_node(struct evobj_group *g)
{
	while (g && refcount_dec_and_test(&g->ref)) {
		struct evobj_group *parent = g->parent;

		kfree(g);
		g = parent;
	}
}

/* Points root @child at root @root; @child's lock orders it with users. */
static void evobj_group_merge(struct evobj_group *child,
			      struct evobj_group *root)
{
	lockdep_assert_held(&evobj_group_mutex);
	if (child->rank == root->rank)
		root->rank++;
	refcount_inc(&root->ref);
	raw_spin_lock_irq(&child->lock);
	WRITE_ONCE(child->parent, root);
	raw_spin_unlock_irq(&child->lock);
}

/* True if all of @evs already share one root: the common case. */
static bool evobj_group_joined(struct evobj *const *evs, u32 count)
{
	struct evobj_group *root = NULL;
	u32 i;

	for (i = 0; i < count; i++) {
		struct evobj_group *g = READ_ONCE(evs[i]->group);

		if (!g)
			return false;
		g = evobj_group_root(g);
		if (root && g != root)
			return false;
		root = g;
	}
	return true;
}

/**
 * evobj_group_join() - put the objects of a wait-all into one group
 * @evs: the objects; the caller holds a reference to each
 * @count: how many
 *
 * The root of highest rank among their groups becomes the root of all
 * (a new group if none has one), so paths grow only logarithmically.
 *
 * Context: Process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int evobj_group_join(struct evobj *const *evs, u32 count)
{
	struct evobj_group *root = NULL, *fresh = NULL;
	u32 i;

	if (evobj_group_joined(evs, count))
		return 0;

	mutex_lock(&evobj_group_mutex);
	for (i = 0; i < count; i++) {
		struct evobj_group *g = evs[i]->group;

		if (g) {
			g = evobj_group_root(g);
			if (!root || g->rank > root->rank)
				root = g;
		}
	}
	if (!root) {
		fresh = evobj_group_new();
		root = fresh;
		if (!root) {
			mutex_unlock(&evobj_group_mutex);
			return -ENOMEM;
		}
	}
	for (i = 0; i < count; i++) {
		struct evobj_group *g = evs[i]->group;

		if (!g) {
			refcount_inc(&root->ref);
			/* Read locklessly; used only once all_hint is raised. */
			smp_store_release(&evs[i]->group, root);
			continue;
		}
		g = evobj_group_root(g);
		if (g != root)
			evobj_group_merge(g, root);
	}
	mutex_unlock(&evobj_group_mutex);
	/* The fresh group's first reference was ours. */
	evobj_group_put_node(fresh);
	return 0;
}

/* Drops a released event's reference to its group. */
void evobj_group_put(struct evobj *ev)
{
	evobj_group_put_node(ev->group);
}
