// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj semaphores: the object's third kind (NT's KSEMAPHORE), a count
 * from 0 to a maximum, signaled while above 0. The core treats it as an
 * event whose consumption takes one unit (evobj_consume_sync()); what is
 * a semaphore's own is here: making one and releasing units. See
 * "Semaphores" in Documentation/evobj.rst.
 */

#include <linux/err.h>
#include <linux/export.h>

#include "internal.h"
#include "trace.h"

/**
 * evobj_create_semaphore() - create a kernel-owned semaphore
 * @count: initial count, 0 to @max
 * @max: maximum count, 1 to %EVOBJ_SEMAPHORE_MAX
 *
 * The caller owns the only reference and drops it with evobj_put(). The
 * memory is charged to the current task's memory cgroup.
 *
 * Context: Process context; may sleep.
 * Return: the new semaphore, ERR_PTR(-EINVAL) for a bad @count or @max,
 * or ERR_PTR(-ENOMEM).
 */
struct evobj *evobj_create_semaphore(u32 count, u32 max)
{
	const struct evobj_attr attr = {
		.type = EVOBJ_SEMAPHORE,
		.count = count,
		.max = max,
	};

	return evobj_alloc(&attr);
}
EXPORT_SYMBOL_GPL(evobj_create_semaphore);

/*
 * Adds @n units and completes the waits they satisfy, in queue order,
 * through the walk a set makes: the count is above 0 exactly while the
 * semaphore is signaled, each completed wait takes one unit, and the walk
 * stops when none is left. So a release completes at most @n waits, and
 * costs with interrupts off what a set of a notification event that
 * completes as many does. A count above 0 before the release means no
 * wait can use the new units: every wait-any that could take one has,
 * and a wait-all held back is held by its other objects.
 */
static __always_inline int evobj_do_release(struct evobj *sem, u32 n,
					    u32 *prev, bool task)
{
	struct evobj_wake w = { };
	struct evobj_group *g;
	unsigned long flags;
	bool raised;

	if (sem->type != EVOBJ_SEMAPHORE || !n)
		return -EINVAL;
	g = evobj_lock_ctx(sem, &flags, task);
	if (n > sem->max - sem->count) {
		evobj_unlock_ctx(sem, g, flags, task);
		return -EOVERFLOW;
	}
	*prev = sem->count;
	sem->count += n;
	raised = !evobj_signal_locked(sem, g, &w);
	trace_evobj_release(sem, *prev);
	evobj_change_end(sem, g, flags, &w, raised, task);
	return 0;
}

/* The same from process context with interrupts on: ioctls, write(). */
int evobj_task_release(struct evobj *sem, u32 n, u32 *prev)
{
	return evobj_do_release(sem, n, prev, true);
}

/**
 * evobj_release() - release units of a semaphore
 * @sem: the semaphore
 * @n: how many, at least 1
 * @prev: out: the count before, if this returns 0
 *
 * Completes, in the order they started waiting, up to @n of the waits
 * that the new count can satisfy; each takes one unit. The time spent
 * with interrupts off is bounded as evobj_set()'s is, by the waits this
 * completes.
 *
 * Context: Any context, including hardirq and with interrupts disabled,
 * on PREEMPT_RT too. Never sleeps.
 * Return: 0, -EOVERFLOW if the count would exceed the maximum (nothing
 * changes then), or -EINVAL if @sem is not a semaphore or @n is 0.
 */
int evobj_release(struct evobj *sem, u32 n, u32 *prev)
{
	return evobj_do_release(sem, n, prev, false);
}
EXPORT_SYMBOL_GPL(evobj_release);

/**
 * evobj_sem_set() - what evobj_set() does to a semaphore
 * @sem: the semaphore
 *
 * A driver written for events may be handed a semaphore's fd: its set
 * releases one unit, unless the count is at the maximum, and never fails.
 *
 * Return: whether it was signaled.
 */
bool evobj_sem_set(struct evobj *sem)
{
	u32 prev;

	/* At its maximum: signaled, unless that is 0 (/dev/ntsync's). */
	return evobj_release(sem, 1, &prev) ? sem->max > 0 : prev > 0;
}
