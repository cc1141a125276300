// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj waits: wait-any and wait-all on up to EVOBJ_MAX_WAIT events, with
 * an alert, signal-and-wait and absolute timeouts. A wait that cannot
 * block is a test and never queues; a blocking one queues an entry on
 * each object, sleeps until a state change claims it (core.c), and
 * dequeues.
 */

#include <linux/build_bug.h>
#include <linux/export.h>
#include <linux/hash.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "internal.h"
#include "trace.h"

/* Up to this many objects duplicates are found pairwise, else hashed. */
#define EVOBJ_PAIRWISE_MAX	8
/* The hash table's size: a power of two, at least twice EVOBJ_MAX_WAIT. */
#define EVOBJ_DEDUP_SLOTS	128

/*
 * Marks every object entry of @q whose object a lower index names too,
 * and returns whether there was any. Past EVOBJ_PAIRWISE_MAX objects, an
 * open-addressing table of entry indexes (+ 1) on the stack finds them in
 * about one probe each, with no call and no allocation.
 */
static bool evobj_mark_duplicates(struct evobj_q *q)
{
	u8 slots[EVOBJ_DEDUP_SLOTS];
	struct evobj_q_entry *e = q->entries;
	bool any = false;
	u32 i, j, h;

	/* Masking a hash is a modulo; a table at most half full probes little. */
	BUILD_BUG_ON(!is_power_of_2(EVOBJ_DEDUP_SLOTS));
	BUILD_BUG_ON(EVOBJ_DEDUP_SLOTS < 2 * EVOBJ_MAX_WAIT);
	/* A u8 slot holds an index + 1, 0 meaning empty. */
	BUILD_BUG_ON(sizeof(slots[0]) != sizeof(u8));
	BUILD_BUG_ON(EVOBJ_MAX_WAIT >= U8_MAX);

	if (q->count <= EVOBJ_PAIRWISE_MAX) {
		for (i = 1; i < q->count; i++) {
			for (j = 0; j < i && !e[i].skip; j++)
				if (e[i].ev == e[j].ev)
					e[i].skip = true;
			any |= e[i].skip;
		}
		return any;
	}
	memset(slots, 0, sizeof(slots));
	for (i = 0; i < q->count; i++) {
		h = hash_ptr(e[i].ev, ilog2(EVOBJ_DEDUP_SLOTS));
		for (; slots[h]; h = (h + 1) % EVOBJ_DEDUP_SLOTS) {
			if (e[slots[h] - 1].ev == e[i].ev) {
				e[i].skip = true;
				break;
			}
		}
		if (!e[i].skip)
			slots[h] = i + 1;
		any |= e[i].skip;
	}
	return any;
}

/* A wait-any's alert never wins over the same object at a lower index. */
static void evobj_mark_alert(struct evobj_q *q)
{
	struct evobj_q_entry *alert = &q->entries[q->count];
	u32 i;

	for (i = 0; i < q->count; i++)
		if (q->entries[i].ev == alert->ev)
			alert->skip = true;
}

/*
 * Takes the first signaled object of a wait-any, in index order, then
 * the alert: never queued, and only an object seen signaled without its
 * lock is worth taking it. A stale "signaled" costs one lock; a stale
 * "not signaled" is the state at some instant of the call, which is all
 * a wait-any promises (it never saw all its objects at one instant).
 */
static bool evobj_test_entry(struct evobj_q_entry *e)
{
	struct evobj_group *g;

	g = evobj_lock_irq(e->ev);
	evobj_try_wake_any(e, NULL);
	evobj_unlock_irq(e->ev, g);
	return atomic_read(&e->q->claimed) >= 0;
}

static bool evobj_test_any(struct evobj_q *q, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		struct evobj_q_entry *e = &q->entries[i];

		if (!e->skip && evobj_peek(e->ev, q) &&
		    evobj_test_entry(e))
			return true;
	}
	return false;
}

/*
 * Locks all of a wait-all's objects under group lock @g, and unlocks
 * them, consuming them first if @consume. The __release() and
 * __acquire() tell sparse that the locks are held between the two
 * calls, which it cannot follow through a loop.
 */
static void evobj_lock_objects(struct evobj_q *q, struct evobj_group *g)
{
	u32 i;

	for (i = 0; i < q->count; i++) {
		evobj_lock_nested(q->entries[i].ev, g);
		__release(&q->entries[i].ev->lock);
	}
}

static void evobj_unlock_objects(struct evobj_q *q, bool consume)
{
	u32 i;

	for (i = 0; i < q->count; i++) {
		__acquire(&q->entries[i].ev->lock);
		if (consume)
			evobj_consume(q->entries[i].ev, q);
		evobj_unlock_nested(q->entries[i].ev);
	}
}

/*
 * Takes all the objects of a wait-all if they are all signaled at once,
 * else the alert. Holding every object's lock under the group lock holds
 * their states still for the check and the consumption, whether or not
 * a queued wait-all makes their changes take the group lock too: one
 * lock round trip per object, constant work, EVOBJ_MAX_WAIT objects at
 * most, and nothing queued.
 */
static bool evobj_test_all(struct evobj_q *q, u32 n)
{
	struct evobj_group *g;
	bool all;

	g = evobj_group_lock_irq(q->entries[0].ev);
	evobj_lock_objects(q, g);
	all = evobj_all_signaled(q) && evobj_claim(q, 0);
	evobj_unlock_objects(q, all);
	evobj_group_unlock_irq(g);
	if (all || n == q->count)
		return all;
	return evobj_test_entry(&q->entries[q->count]);
}

/*
 * Queues a wait-any's entries in index order, each checked as it is
 * queued, so that of several signaled objects the lowest index wins; no
 * need to queue the rest once it is claimed. Returns 0 or -ENOSPC.
 */
static int evobj_enqueue_any(struct evobj_q *q, u32 n)
{
	struct evobj_group *g;
	int ret = 0;
	u32 i;

	for (i = 0; i < n && !ret && atomic_read(&q->claimed) < 0; i++) {
		struct evobj_q_entry *e = &q->entries[i];

		if (e->skip)
			continue;
		g = evobj_lock_irq(e->ev);
		ret = evobj_link(e);
		if (!ret)
			evobj_try_wake_any(e, NULL);
		evobj_unlock_irq(e->ev, g);
	}
	return ret;
}

/* Takes @e off its object's lists unless a claimer or a walk did. */
static void evobj_dequeue_entry(struct evobj_q_entry *e)
{
	struct evobj_group *g;

	/* Pairs with smp_store_release() in evobj_unlink(). */
	if (smp_load_acquire(&e->where) == EVOBJ_ENTRY_IDLE)
		return;
	g = evobj_lock_irq(e->ev);
	evobj_unlink(e);
	evobj_unlock_irq(e->ev, g);
}

/*
 * Queues a wait-all whole under its group lock, then checks it (objects
 * first), then queues and checks its alert, which may belong to another
 * group. Returns 0 or -ENOSPC; either way the caller dequeues.
 */
static int evobj_enqueue_all(struct evobj_q *q, u32 n)
{
	struct evobj_group *g;
	int ret = 0;
	u32 i;

	g = evobj_group_lock_irq(q->entries[0].ev);
	for (i = 0; i < q->count && !ret; i++) {
		evobj_lock_nested(q->entries[i].ev, g);
		ret = evobj_link(&q->entries[i]);
		evobj_unlock_nested(q->entries[i].ev);
	}
	if (!ret)
		evobj_try_wake_all(q, g, NULL, NULL, NULL);
	evobj_group_unlock_irq(g);
	if (ret || n == q->count || atomic_read(&q->claimed) >= 0)
		return ret;

	g = evobj_lock_irq(q->entries[q->count].ev);
	ret = evobj_link(&q->entries[q->count]);
	if (!ret)
		evobj_try_wake_any(&q->entries[q->count], NULL);
	evobj_unlock_irq(q->entries[q->count].ev, g);
	return ret;
}

static void evobj_dequeue_all(struct evobj_q *q, u32 n)
{
	struct evobj_group *g;
	u32 i;

	g = evobj_group_lock_irq(q->entries[0].ev);
	for (i = 0; i < q->count; i++) {
		struct evobj_q_entry *e = &q->entries[i];

		/* Pairs with smp_store_release() in evobj_unlink(). */
		if (smp_load_acquire(&e->where) == EVOBJ_ENTRY_IDLE)
			continue;
		evobj_lock_nested(e->ev, g);
		evobj_unlink(e);
		evobj_unlock_nested(e->ev);
	}
	evobj_group_unlock_irq(g);
	if (n > q->count)
		evobj_dequeue_entry(&q->entries[q->count]);
}

/*
 * Sleeps until @q is claimed, a signal arrives or @timeout (absolute on
 * @clock, KTIME_MAX for never) passes. The caller decides the outcome
 * from q->claimed once the wait is dequeued: a claim always wins.
 */
static int evobj_sleep(struct evobj_q *q, clockid_t clock, ktime_t timeout)
{
	ktime_t *expires = timeout == KTIME_MAX ? NULL : &timeout;
	int ret = 0;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (atomic_read(&q->claimed) >= 0 || ret)
			break;
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (!schedule_hrtimeout_range_clock(expires, 0,
						    HRTIMER_MODE_ABS, clock))
			ret = -ETIMEDOUT;
	}
	__set_current_state(TASK_RUNNING);
	return ret;
}

/* The blocking wait: queue, then signal, sleep, dequeue. */
static void evobj_dequeue(struct evobj_q *q, u32 n)
{
	u32 i;

	if (q->all) {
		evobj_dequeue_all(q, n);
		return;
	}
	for (i = 0; i < n; i++)
		evobj_dequeue_entry(&q->entries[i]);
}

static bool evobj_test(struct evobj_q *q, u32 n)
{
	return q->all ? evobj_test_all(q, n) : evobj_test_any(q, n);
}

static int evobj_block(struct evobj_q *q, u32 n, struct evobj *signal,
		       clockid_t clock, ktime_t timeout)
{
	int ret = q->all ? evobj_enqueue_all(q, n) : evobj_enqueue_any(q, n);

	/*
	 * max_waiters bounds what waits queue, not what they take: a wait
	 * refused by a full queue that can complete at once still does, as
	 * a test. Refused otherwise, it sets nothing.
	 */
	if (ret && atomic_read(&q->claimed) < 0) {
		evobj_dequeue(q, n);
		evobj_test(q, n);
		/* Claimed by the test, or by a set before the dequeue. */
		if (atomic_read(&q->claimed) < 0)
			return ret;
		if (signal)
			evobj_task_set(signal);
		return 0;
	}
	/*
	 * Queued before the signal event is set: whatever that set
	 * provokes (a partner that at once pulses an object) completes it.
	 * A wait refused but claimed meanwhile still sets it, and does not sleep.
	 */
	if (signal)
		evobj_task_set(signal);
	if (!ret)
		ret = evobj_sleep(q, clock, timeout);
	evobj_dequeue(q, n);
	return ret;
}

/* Sets up @q's entries; wait-any's repeats are marked, not queued. */
static int evobj_q_init(struct evobj_q *q, struct evobj *const *evs,
			struct evobj *alert)
{
	u32 i, n = q->count + !!alert;

	for (i = 0; i < n; i++) {
		struct evobj_q_entry *e = &q->entries[i];

		e->ev = i < q->count ? evs[i] : alert;
		e->q = q;
		e->index = i;
		e->where = EVOBJ_ENTRY_IDLE;
		e->skip = false;
	}
	if (evobj_mark_duplicates(q) && q->all)
		return -EINVAL;
	if (alert && !q->all)
		evobj_mark_alert(q);
	return 0;
}

/*
 * A wait-any that can complete at once, done with no entries: the first
 * object seen signaled without its lock, then the alert, is tried under
 * its lock through one entry on the stack that is never queued. Where
 * queueing would link and unlink every object before the winner, and
 * the entries would be allocated and checked for repeats, this takes
 * one lock. Returns the index it won, or -1.
 */
static int evobj_take_first(struct evobj_q *q, struct evobj *const *evs,
			    struct evobj *alert)
{
	struct evobj_q_entry e = { .q = q, .where = EVOBJ_ENTRY_IDLE };
	u32 i, j, n = q->count + !!alert;

	for (i = 0; i < n; i++) {
		e.ev = i < q->count ? evs[i] : alert;
		e.index = i;
		if (!evobj_peek(e.ev, q) || !evobj_test_entry(&e))
			continue;
		/*
		 * An object named at a lower index too (the alert among the
		 * objects included) wins there: it was signaled at the claim.
		 */
		for (j = 0; j < i && j < q->count; j++)
			if (evs[j] == e.ev)
				return j;
		return i;
	}
	return -1;
}

/*
 * evobj_wait_untraced() for waits that must queue, or wait-alls. @room,
 * if not NULL, holds the entries of a wait too large for the stack.
 */
static int evobj_wait_queued(struct evobj_q *q, struct evobj *const *evs,
			     struct evobj *alert, struct evobj *signal,
			     clockid_t clock, ktime_t timeout, bool past,
			     struct evobj_q_entry *room)
{
	/* The objects' entries, and the alert's. */
	struct evobj_q_entry stack_entries[EVOBJ_STACK_OBJECTS + 1];
	u32 n = q->count + !!alert;
	int ret;

	q->entries = stack_entries;
	if (n > ARRAY_SIZE(stack_entries)) {
		q->entries = room ?: kmalloc_array(n, sizeof(*q->entries),
						   GFP_KERNEL_ACCOUNT);
		if (!q->entries)
			return -ENOMEM;
	}
	ret = evobj_q_init(q, evs, alert);
	if (!ret && q->all)
		ret = evobj_group_join(evs, q->count);
	if (ret)
		goto out;

	if (past) {
		/* A test: the signal first, so that it can satisfy it. */
		if (signal)
			evobj_task_set(signal);
		if (!evobj_test(q, n))
			ret = -ETIMEDOUT;
	} else if (q->all && evobj_test_all(q, q->count)) {
		/*
		 * All signaled already: taken as queueing would have, since
		 * no wait queued on them could take them (a signaled event
		 * has completed every wait it can), but with one locked pass
		 * where queueing, completing and dequeueing take three.
		 */
		if (signal)
			evobj_task_set(signal);
	} else {
		ret = evobj_block(q, n, signal, clock, timeout);
	}
out:
	if (q->entries != stack_entries && q->entries != room)
		kfree(q->entries);
	return ret;
}

/*
 * Releases a semaphore or unlocks a mutex that is a wait's signal. An
 * event is set once the wait is queued; these come first, as a release
 * or unlock can fail (EOVERFLOW, EPERM), and must fail before the wait
 * can have taken anything.
 */
static int evobj_signal_first(struct evobj *signal, u32 owner)
{
	u32 prev;

	if (signal->type == EVOBJ_SEMAPHORE)
		return evobj_task_release(signal, 1, &prev);
	return evobj_task_unlock(signal, owner, &prev);
}

/* evobj_wait_many() without its tracepoints. */
static int evobj_wait_untraced(struct evobj *const *evs, u32 count,
			       struct evobj *alert, struct evobj *signal,
			       bool all, clockid_t clock, ktime_t timeout,
			       u32 owner, struct evobj_holder *holder,
			       struct evobj_q_entry *room, u32 *index)
{
	struct evobj_q q = {
		.task = current,
		.claimed = ATOMIC_INIT(-1),
		.all = all,
		.owner = owner,
		.holder = holder,
		.count = count,
	};
	int claimed, ret;
	bool past;

	if (!count || count > EVOBJ_MAX_WAIT)
		return -EINVAL;
	if (signal && signal->type >= EVOBJ_SEMAPHORE) {
		ret = evobj_signal_first(signal, owner);
		if (ret)
			return ret;
		signal = NULL;
	}
	past = evobj_timeout_past(clock, timeout);
	if (!all) {
		/* A test sets the signal first, a blocking wait once queued. */
		if (past && signal)
			evobj_task_set(signal);
		ret = evobj_take_first(&q, evs, alert);
		if (ret >= 0) {
			if (!past && signal)
				evobj_task_set(signal);
			*index = ret;
			return q.abandoned ? -EOWNERDEAD : 0;
		}
		if (past)
			return -ETIMEDOUT;
	}
	ret = evobj_wait_queued(&q, evs, alert, signal, clock, timeout,
				past, room);
	/* Read after dequeueing: no claim can come later. */
	claimed = atomic_read(&q.claimed);
	if (claimed >= 0) {
		*index = claimed;
		ret = q.abandoned ? -EOWNERDEAD : 0;
	}
	return ret;
}

/**
 * evobj_wait_many_in() - the one wait of the module
 * @evs: the objects; the caller holds a reference to each
 * @count: how many, 1 .. %EVOBJ_MAX_WAIT
 * @alert: an extra object that completes the wait with index @count, or NULL
 * @signal: an object to set once the wait is queued (signal-and-wait), or
 *          NULL; a wait that fails its checks does not set it. A
 *          semaphore is released by one unit first, before anything
 *          else: -EOVERFLOW at its maximum; a mutex is unlocked for
 *          @owner first: -EPERM if @owner does not hold it
 * @all: wait for all of @evs at once rather than for any
 * @clock: %CLOCK_MONOTONIC or %CLOCK_REALTIME
 * @timeout: absolute on @clock; KTIME_MAX never expires, a past time
 *           makes the wait a test that never queues
 * @owner: the mutex owner the wait acquires mutexes for; nonzero if
 *         @evs, @alert or @signal hold a mutex (the caller checks that:
 *         evobj_wait_holder())
 * @holder: the process a mutex acquired from count 0 is held by, whose
 *          exit abandons it (evobj_wait_holder()), or NULL
 * @room: NULL, or room for @count + 1 entries that a caller allocating
 *        its own arrays for the wait made in the same allocation, so that
 *        a large wait-all allocates once, not twice
 * @index: out: wait-any's winning index, 0 for a wait-all, @count if the
 *         alert won
 *
 * Context: Process context; may sleep.
 * Return: 0, -EOWNERDEAD (completed, @index valid, and a mutex it
 * acquired was abandoned), -ETIMEDOUT, -ERESTARTSYS, -EINVAL (a wait-all
 * naming an object twice, a bad count), -ENOSPC (an object has
 * max_waiters queued), -EOVERFLOW (the signal is a semaphore at its
 * maximum), -EPERM (the signal is a mutex @owner does not hold) or
 * -ENOMEM.
 */
int evobj_wait_many_in(struct evobj *const *evs, u32 count,
		       struct evobj *alert, struct evobj *signal, bool all,
		       clockid_t clock, ktime_t timeout, u32 owner,
		       struct evobj_holder *holder, struct evobj_q_entry *room,
		       u32 *index)
{
	u64 start = 0;
	int ret;

	trace_evobj_wait_start(evs, count, alert, signal, all, clock, timeout);
	/* The clock is read only for a record that will be written. */
	if (trace_evobj_wait_end_enabled())
		start = ktime_get_ns();
	ret = evobj_wait_untraced(evs, count, alert, signal, all, clock,
				  timeout, owner, holder, room, index);
	trace_evobj_wait_end(evs, count, all, ret, index, start);
	return ret;
}

/**
 * evobj_wait() - wait for an event to be signaled
 * @ev: the event; the caller holds a reference
 * @abs_timeout: absolute %CLOCK_MONOTONIC time; KTIME_MAX waits forever,
 *               a time already past only tests the state
 *
 * Consumes a synchronization event, or one unit of a semaphore. Waits
 * are served in FIFO order with
 * every other wait on @ev, including userspace's.
 *
 * Context: Process context; sleeps interruptibly.
 * Return: 0 once signaled, -ETIMEDOUT, -ERESTARTSYS on a signal,
 * -ENOSPC if @ev has max_waiters waits queued already, or -EINVAL for a
 * mutex, which needs an owner.
 */
int evobj_wait(struct evobj *ev, ktime_t abs_timeout)
{
	u32 index;

	if (ev->type == EVOBJ_MUTEX)
		return -EINVAL;

	return evobj_wait_many(&ev, 1, NULL, NULL, false, CLOCK_MONOTONIC,
			       abs_timeout, &index);
}
EXPORT_SYMBOL_GPL(evobj_wait);
