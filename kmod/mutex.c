// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj mutexes: the object's fourth kind (NT's KMUTANT), owned by a
 * 32-bit id the caller chooses, with a recursion count. It is signaled
 * while unowned; evobj_ready() lets its owner's waits take it again, and
 * evobj_consume_sync() acquires it. What is a mutex's own is here:
 * making one, unlocking, abandoning, reading. See "Mutexes" in
 * Documentation/evobj.rst.
 *
 * Mutexes are process context only, as NT's are released at
 * PASSIVE_LEVEL..DISPATCH_LEVEL by their owner thread: their unlock may
 * walk the whole queue (see "Bounded cost" in core.c), which no hardirq
 * caller should pay, so none can.
 */

#include <linux/err.h>

#include "internal.h"
#include "trace.h"

/*
 * A new mutex, unowned (@owner and @count 0) or held @count times, then
 * by @holder's process (NULL: nobody's).
 */
struct evobj *evobj_create_mutex(u32 owner, u32 count,
				 struct evobj_holder *holder)
{
	const struct evobj_attr attr = {
		.type = EVOBJ_MUTEX,
		.owner = owner,
		.count = count,
		.holder = holder,
	};

	return evobj_alloc(&attr);
}

/*
 * Takes one from the count of @mutex held by @owner, or, if @abandon,
 * the whole count, marking it abandoned; or, given @holder, forgets
 * @holder and abandons it if @holder's process was the last to acquire
 * it from 0 and it is still owned, whoever the owner. A mutex left
 * unowned completes the waits that it can, through a set's walk.
 */
static int evobj_mutex_change(struct evobj *mutex, u32 owner, u32 *prev,
			      bool abandon, struct evobj_holder *holder)
{
	struct evobj_wake w = { };
	struct evobj_group *g;
	bool raised = false;
	int ret = 0;

	if (mutex->type != EVOBJ_MUTEX || (!owner && !holder))
		return -EINVAL;
	g = evobj_lock_irq(mutex);
	if (holder) {
		if (mutex->holder != holder) {
			ret = -EPERM;
			goto unlock;
		}
		/* Off its list; unlocked since, it has nothing to abandon. */
		mutex->holder = NULL;
		if (!mutex->owner) {
			ret = -EPERM;
			goto unlock;
		}
	} else if (mutex->owner != owner) {
		ret = -EPERM;
		goto unlock;
	}
	owner = mutex->owner;
	*prev = mutex->count;
	mutex->count = abandon ? 0 : mutex->count - 1;
	if (!mutex->count) {
		mutex->owner = 0;
		mutex->abandoned = abandon;
		raised = !evobj_signal_locked(mutex, g, &w);
	} else if (*prev == U32_MAX) {
		/* The owner's waits queued at U32_MAX may take it again now. */
		evobj_wake_waiters(mutex, g, &w);
	}
	trace_evobj_unlock(mutex, owner, *prev, abandon);
unlock:
	evobj_change_end(mutex, g, 0, &w, raised, true);
	return ret;
}

/* ReleaseMutex: 0, -EPERM if @owner does not hold it, or -EINVAL. */
int evobj_task_unlock(struct evobj *mutex, u32 owner, u32 *prev)
{
	return evobj_mutex_change(mutex, owner, prev, false, NULL);
}

/* The owner went away: abandons the mutex if @owner holds it, else -EPERM. */
int evobj_task_kill(struct evobj *mutex, u32 owner)
{
	u32 prev;

	return evobj_mutex_change(mutex, owner, &prev, true, NULL);
}

/*
 * @h's process exited: abandons @mutex if that process still holds it
 * (holder.c took it off the list, and holds a reference meanwhile).
 */
void evobj_mutex_abandon(struct evobj *mutex, struct evobj_holder *h)
{
	u32 prev;

	evobj_mutex_change(mutex, 0, &prev, true, h);
}

/* A snapshot of @mutex's state, taken under its lock. */
void evobj_mutex_read(struct evobj *mutex, struct evobj_mutex_state *state)
{
	raw_spin_lock_irq(&mutex->lock);
	*state = (struct evobj_mutex_state) {
		.owner = mutex->owner,
		.count = mutex->count,
		.flags = mutex->abandoned ? EVOBJ_MUTEX_ABANDONED : 0,
	};
	raw_spin_unlock_irq(&mutex->lock);
}
