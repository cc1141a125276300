// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj core: the event object, its state changes and its waits.
 *
 * Every state change in the module goes through here: the ioctls,
 * read()/write(), the hardirq timer and the exported kernel API alike.
 * Semantics follow the NT kernel's KEVENT; see uapi/linux/evobj.h.
 */

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

#include "internal.h"

/* Entries that a wait keeps on its stack before it needs kmalloc(). */
#define EVOBJ_STACK_ENTRIES	2

/*
 * A wait in progress. It has one entry per object it names (and one for
 * the alert), each queued on its object's waiters list, and it completes
 * exactly once: whoever moves @claimed from -1 to an index owns the
 * completion, consumes what the wait consumes and wakes @task. That
 * claim may race between objects whose locks are unrelated, hence the
 * cmpxchg. The entries live until the waiter has dequeued them all,
 * which it does under the same locks, so a claimer may use them freely.
 */
struct evobj_q {
	struct task_struct *task;
	atomic_t claimed;
	bool all;
	u32 count;			/* objects, not counting the alert */
	struct evobj_q_entry *entries;	/* count (+ 1 alert) entries */
};

struct evobj_q_entry {
	struct list_head node;		/* in ev->waiters */
	struct evobj *ev;
	struct evobj_q *q;
	u32 index;			/* == q->count for the alert */
};

/*
 * Locking protocol.
 *
 * ev->lock is a raw spinlock taken with interrupts off: events are set
 * from hardirq context, also on PREEMPT_RT, so nothing under it sleeps or
 * takes a spinlock_t. Waking a task (wake_up_process()) is fine under it;
 * waking poll waiters is not on PREEMPT_RT and is done after unlocking,
 * deferred to irq_work when the caller's context cannot take a sleeping
 * lock (evobj_wake_pollers()).
 *
 * A wait-all must find all its objects signaled at one instant and
 * consume them together. evobj_all_lock provides that instant: while an
 * object has wait-all entries queued (all_hint > 0), whoever changes its
 * state or walks its queue also holds evobj_all_lock, taken first. The
 * hint changes only under both locks, so the holder of ev->lock reads it
 * reliably; evobj_lock() retries when it guessed wrong without the global
 * lock. Events that no wait-all names never touch evobj_all_lock.
 *
 * Under evobj_all_lock any number of object locks may be held at once:
 * the global lock orders them, which raw_spin_lock_nest_lock() tells
 * lockdep.
 */
static DEFINE_RAW_SPINLOCK(evobj_all_lock);

static bool evobj_lock(struct evobj *ev, unsigned long *flags)
	__acquires(&evobj_all_lock) __acquires(&ev->lock)
{
	bool all;

	for (;;) {
		all = READ_ONCE(ev->all_hint);
		if (all) {
			raw_spin_lock_irqsave(&evobj_all_lock, *flags);
			raw_spin_lock_nest_lock(&ev->lock, &evobj_all_lock);
		} else {
			raw_spin_lock_irqsave(&ev->lock, *flags);
			__acquire(&evobj_all_lock);
		}
		if (all || !ev->all_hint)
			return all;
		/* A wait-all arrived meanwhile: take the global lock too. */
		__release(&evobj_all_lock);
		raw_spin_unlock_irqrestore(&ev->lock, *flags);
	}
}

static void evobj_unlock(struct evobj *ev, bool all, unsigned long flags)
	__releases(&ev->lock) __releases(&evobj_all_lock)
{
	if (all) {
		raw_spin_unlock(&ev->lock);
		raw_spin_unlock_irqrestore(&evobj_all_lock, flags);
	} else {
		__release(&evobj_all_lock);
		raw_spin_unlock_irqrestore(&ev->lock, flags);
	}
}

/* Takes another object's lock while evobj_all_lock is held. */
static void evobj_lock_nested(struct evobj *ev)
	__acquires(&ev->lock)
{
	lockdep_assert_held(&evobj_all_lock);
	raw_spin_lock_nest_lock(&ev->lock, &evobj_all_lock);
}

static void evobj_unlock_nested(struct evobj *ev)
	__releases(&ev->lock)
{
	raw_spin_unlock(&ev->lock);
}

/* A satisfied wait resets a synchronization event. */
static void evobj_consume(struct evobj *ev)
{
	lockdep_assert_held(&ev->lock);
	if (ev->type == EVOBJ_SYNCHRONIZATION)
		WRITE_ONCE(ev->signaled, false);
}

static bool evobj_claim(struct evobj_q *q, u32 index)
{
	int unclaimed = -1;

	return atomic_try_cmpxchg(&q->claimed, &unclaimed, index);
}

/* Completes a wait through one of its any-style entries, on e->ev. */
static void evobj_try_wake_any(struct evobj_q_entry *e)
{
	lockdep_assert_held(&e->ev->lock);
	if (!e->ev->signaled || !evobj_claim(e->q, e->index))
		return;
	evobj_consume(e->ev);
	wake_up_process(e->q->task);
}

/*
 * Completes a wait-all if all its objects are signaled. @locked is an
 * object whose lock the caller already holds, or NULL. Under
 * evobj_all_lock no object of the wait can change state (their all_hint
 * is raised), so their signaled flags may be read without their locks.
 */
static void evobj_try_wake_all(struct evobj_q *q, struct evobj *locked)
{
	u32 i;

	lockdep_assert_held(&evobj_all_lock);
	for (i = 0; i < q->count; i++)
		if (!READ_ONCE(q->entries[i].ev->signaled))
			return;
	if (!evobj_claim(q, 0))
		return;
	for (i = 0; i < q->count; i++) {
		struct evobj *ev = q->entries[i].ev;

		if (ev == locked) {
			evobj_consume(ev);
			continue;
		}
		evobj_lock_nested(ev);
		evobj_consume(ev);
		evobj_unlock_nested(ev);
	}
	wake_up_process(q->task);
}

/*
 * @ev has just become signaled: complete, in queue order, the waits that
 * this completes. A synchronization event stops at the first one.
 */
static void evobj_wake_waiters(struct evobj *ev)
{
	struct evobj_q_entry *e;

	lockdep_assert_held(&ev->lock);
	list_for_each_entry(e, &ev->waiters, node) {
		if (!ev->signaled)
			break;
		if (e->q->all && e->index < e->q->count)
			evobj_try_wake_all(e->q, ev);
		else
			evobj_try_wake_any(e);
	}
}

static void evobj_poll_work(struct irq_work *work)
{
	struct evobj *ev = container_of(work, struct evobj, poll_work);

	wake_up_poll(&ev->poll_wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * Wakes poll/epoll waiters after the event became signaled. Their wait
 * queue has a spinlock_t, a sleeping lock on PREEMPT_RT: take it directly
 * only where sleeping would be allowed, else from an irq_work, which runs
 * in hardirq context on !RT and in a kthread on RT.
 */
static void evobj_wake_pollers(struct evobj *ev)
{
	/* Pairs with smp_mb() in evobj_poll(). */
	if (!wq_has_sleeper(&ev->poll_wq))
		return;
	if (preemptible())
		wake_up_poll(&ev->poll_wq, EPOLLIN | EPOLLRDNORM);
	else
		irq_work_queue(&ev->poll_work);
}

/**
 * evobj_create() - create a kernel-owned event
 * @type: %EVOBJ_NOTIFICATION or %EVOBJ_SYNCHRONIZATION
 * @signaled: initial state
 *
 * The caller owns the only reference and drops it with evobj_put().
 *
 * Context: Process context; may sleep.
 * Return: the new event, ERR_PTR(-EINVAL) for a bad @type or
 * ERR_PTR(-ENOMEM).
 */
struct evobj *evobj_create(u32 type, bool signaled)
{
	struct evobj *ev;

	if (type != EVOBJ_NOTIFICATION && type != EVOBJ_SYNCHRONIZATION)
		return ERR_PTR(-EINVAL);
	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev)
		return ERR_PTR(-ENOMEM);
	raw_spin_lock_init(&ev->lock);
	INIT_LIST_HEAD(&ev->waiters);
	ev->type = type;
	ev->signaled = signaled;
	kref_init(&ev->ref);
	init_waitqueue_head(&ev->poll_wq);
	init_irq_work(&ev->poll_work, evobj_poll_work);
	evobj_timer_init(ev);
	return ev;
}
EXPORT_SYMBOL_GPL(evobj_create);

/**
 * evobj_get_file() - take a reference to the event behind a file
 * @file: a file that may be an evobj event fd's
 *
 * Context: Any context.
 * Return: the event with a new reference, or ERR_PTR(-EINVAL) if @file is
 * not an evobj event.
 */
struct evobj *evobj_get_file(struct file *file)
{
	struct evobj *ev;

	if (file->f_op != &evobj_event_fops)
		return ERR_PTR(-EINVAL);
	ev = file->private_data;
	kref_get(&ev->ref);
	return ev;
}
EXPORT_SYMBOL_GPL(evobj_get_file);

/**
 * evobj_get() - take a reference to the event behind a userspace fd
 * @fd: a file descriptor of the current task
 *
 * The reference stays valid after userspace closes @fd; a driver
 * typically takes it in an ioctl and drops it when its client goes away.
 *
 * Context: Process context.
 * Return: the event with a new reference, ERR_PTR(-EBADF) if @fd is not
 * open, ERR_PTR(-EINVAL) if it is not an evobj event.
 */
struct evobj *evobj_get(int fd)
{
	struct file *file = fget(fd);
	struct evobj *ev;

	if (!file)
		return ERR_PTR(-EBADF);
	ev = evobj_get_file(file);
	fput(file);
	return ev;
}
EXPORT_SYMBOL_GPL(evobj_get);

static void evobj_release(struct kref *ref)
{
	struct evobj *ev = container_of(ref, struct evobj, ref);

	/* The timer may queue the poll work, so it goes first. */
	evobj_timer_cancel(ev);
	/*
	 * With no reference left nothing can queue the poll work again; wait
	 * only if it is pending or running. On PREEMPT_RT irq_work_sync()
	 * always waits for an RCU grace period, which made every close()
	 * cost one. irq_work_single() may touch the work just after it stops
	 * being busy, within an RCU read-side section: kfree_rcu() covers that.
	 */
	if (irq_work_is_busy(&ev->poll_work))
		irq_work_sync(&ev->poll_work);
	kfree_rcu(ev, rcu);
}

/**
 * evobj_put() - drop a reference to an event
 * @ev: the event
 *
 * The last reference cancels the event's timer and frees it.
 *
 * Context: Process context; may sleep.
 */
void evobj_put(struct evobj *ev)
{
	might_sleep();
	kref_put(&ev->ref, evobj_release);
}
EXPORT_SYMBOL_GPL(evobj_put);

/*
 * Sets @ev and completes the waits that this completes; a pulse then
 * resets it, under the same lock. Returns the previous state and tells
 * through @woke whether pollers must learn that @ev became signaled.
 */
static bool evobj_signal(struct evobj *ev, bool pulse, bool *woke)
{
	unsigned long flags;
	bool all, prev;

	all = evobj_lock(ev, &flags);
	prev = ev->signaled;
	if (!prev) {
		WRITE_ONCE(ev->signaled, true);
		evobj_wake_waiters(ev);
	}
	if (pulse)
		WRITE_ONCE(ev->signaled, false);
	*woke = !prev && ev->signaled;
	evobj_unlock(ev, all, flags);
	return prev;
}

/**
 * evobj_set() - signal an event
 * @ev: the event
 *
 * A notification event completes every wait that this makes satisfiable
 * and stays signaled. A synchronization event completes the longest
 * waiting wait that can complete and stays non-signaled, or becomes
 * signaled if none can. Setting a signaled event changes nothing.
 *
 * Context: Any context, including hardirq and with interrupts disabled,
 * on PREEMPT_RT too. Never sleeps.
 * Return: the previous state.
 */
bool evobj_set(struct evobj *ev)
{
	bool woke, prev = evobj_signal(ev, false, &woke);

	if (woke)
		evobj_wake_pollers(ev);
	return prev;
}
EXPORT_SYMBOL_GPL(evobj_set);

/**
 * evobj_reset() - make an event non-signaled
 * @ev: the event
 *
 * Context: Any context, including hardirq. Never sleeps.
 * Return: the previous state.
 */
bool evobj_reset(struct evobj *ev)
{
	unsigned long flags;
	bool all, prev;

	all = evobj_lock(ev, &flags);
	prev = ev->signaled;
	WRITE_ONCE(ev->signaled, false);
	evobj_unlock(ev, all, flags);
	return prev;
}
EXPORT_SYMBOL_GPL(evobj_reset);

/**
 * evobj_pulse() - complete the waits a set would, then reset, atomically
 * @ev: the event
 *
 * Poll waiters are not woken: the event is never seen signaled.
 *
 * Context: Any context, including hardirq. Never sleeps.
 * Return: the previous state.
 */
bool evobj_pulse(struct evobj *ev)
{
	bool woke;

	return evobj_signal(ev, true, &woke);
}
EXPORT_SYMBOL_GPL(evobj_pulse);

/**
 * evobj_signaled() - read an event's state
 * @ev: the event
 *
 * A snapshot: another context may change the state right after.
 *
 * Context: Any context.
 * Return: true if @ev is signaled.
 */
bool evobj_signaled(struct evobj *ev)
{
	return READ_ONCE(ev->signaled);
}
EXPORT_SYMBOL_GPL(evobj_signaled);

unsigned int evobj_nr_waiters(struct evobj *ev)
{
	unsigned long flags;
	unsigned int n;
	bool all;

	all = evobj_lock(ev, &flags);
	n = ev->nr_waiters;
	evobj_unlock(ev, all, flags);
	return n;
}

static void evobj_link(struct evobj_q_entry *e, bool all_entry)
{
	struct evobj *ev = e->ev;

	lockdep_assert_held(&ev->lock);
	list_add_tail(&e->node, &ev->waiters);
	ev->nr_waiters++;
	if (all_entry)
		ev->all_hint++;
}

static void evobj_unlink(struct evobj_q_entry *e, bool all_entry)
{
	struct evobj *ev = e->ev;

	lockdep_assert_held(&ev->lock);
	list_del(&e->node);
	ev->nr_waiters--;
	if (all_entry)
		ev->all_hint--;
}

/*
 * Queues a wait-any's entries in index order, each checked as it is
 * queued, so that of several signaled objects the lowest index wins; no
 * need to queue the rest once it is claimed. Returns how many it queued.
 */
static u32 evobj_enqueue_any(struct evobj_q *q, u32 n)
{
	unsigned long flags;
	u32 i;

	for (i = 0; i < n && atomic_read(&q->claimed) < 0; i++) {
		struct evobj_q_entry *e = &q->entries[i];
		bool all = evobj_lock(e->ev, &flags);

		evobj_link(e, false);
		evobj_try_wake_any(e);
		evobj_unlock(e->ev, all, flags);
	}
	return i;
}

static void evobj_dequeue_any(struct evobj_q *q, u32 n)
{
	unsigned long flags;
	u32 i;

	for (i = 0; i < n; i++) {
		struct evobj_q_entry *e = &q->entries[i];
		bool all = evobj_lock(e->ev, &flags);

		evobj_unlink(e, false);
		evobj_unlock(e->ev, all, flags);
	}
}

/* Queues a wait-all whole, then checks it and its alert (objects first). */
static void evobj_enqueue_all(struct evobj_q *q, u32 n)
{
	unsigned long flags;
	u32 i;

	raw_spin_lock_irqsave(&evobj_all_lock, flags);
	for (i = 0; i < n; i++) {
		struct evobj_q_entry *e = &q->entries[i];

		evobj_lock_nested(e->ev);
		evobj_link(e, i < q->count);
		evobj_unlock_nested(e->ev);
	}
	evobj_try_wake_all(q, NULL);
	if (n > q->count) {
		struct evobj_q_entry *alert = &q->entries[q->count];

		evobj_lock_nested(alert->ev);
		evobj_try_wake_any(alert);
		evobj_unlock_nested(alert->ev);
	}
	raw_spin_unlock_irqrestore(&evobj_all_lock, flags);
}

static void evobj_dequeue_all(struct evobj_q *q, u32 n)
{
	unsigned long flags;
	u32 i;

	raw_spin_lock_irqsave(&evobj_all_lock, flags);
	for (i = 0; i < n; i++) {
		struct evobj_q_entry *e = &q->entries[i];

		evobj_lock_nested(e->ev);
		evobj_unlink(e, i < q->count);
		evobj_unlock_nested(e->ev);
	}
	raw_spin_unlock_irqrestore(&evobj_all_lock, flags);
}

static ktime_t evobj_now(clockid_t clock)
{
	return clock == CLOCK_REALTIME ? ktime_get_real() : ktime_get();
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

	if (expires && ktime_compare(timeout, evobj_now(clock)) <= 0)
		return -ETIMEDOUT;
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

static bool evobj_has_duplicates(struct evobj *const *evs, u32 count)
{
	u32 i, j;

	for (i = 0; i < count; i++)
		for (j = i + 1; j < count; j++)
			if (evs[i] == evs[j])
				return true;
	return false;
}

/**
 * evobj_wait_many() - the one wait of the module
 * @evs: the objects; the caller holds a reference to each
 * @count: how many, 1 .. %EVOBJ_MAX_WAIT
 * @alert: an extra object that completes the wait with index @count, or NULL
 * @signal: an object to set just before waiting (signal-and-wait), or NULL;
 *          a wait that fails its checks does not set it
 * @all: wait for all of @evs at once rather than for any
 * @clock: %CLOCK_MONOTONIC or %CLOCK_REALTIME
 * @timeout: absolute on @clock; KTIME_MAX never expires, a past time
 *           does not block
 * @index: out: wait-any's winning index, 0 for a wait-all, @count if the
 *         alert won
 *
 * Context: Process context; may sleep.
 * Return: 0, -ETIMEDOUT, -ERESTARTSYS, -EINVAL (a wait-all naming an
 * object twice, a bad count) or -ENOMEM.
 */
int evobj_wait_many(struct evobj *const *evs, u32 count, struct evobj *alert,
		    struct evobj *signal, bool all, clockid_t clock,
		    ktime_t timeout, u32 *index)
{
	struct evobj_q_entry stack_entries[EVOBJ_STACK_ENTRIES];
	u32 i, n = count + !!alert;
	struct evobj_q q = {
		.task = current,
		.claimed = ATOMIC_INIT(-1),
		.all = all,
		.count = count,
		.entries = stack_entries,
	};
	int claimed, ret;

	if (!count || count > EVOBJ_MAX_WAIT)
		return -EINVAL;
	if (all && evobj_has_duplicates(evs, count))
		return -EINVAL;
	if (n > ARRAY_SIZE(stack_entries)) {
		q.entries = kmalloc_array(n, sizeof(*q.entries), GFP_KERNEL);
		if (!q.entries)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		q.entries[i].ev = i < count ? evs[i] : alert;
		q.entries[i].q = &q;
		q.entries[i].index = i;
	}

	if (signal)
		evobj_set(signal);
	if (all) {
		evobj_enqueue_all(&q, n);
		ret = evobj_sleep(&q, clock, timeout);
		evobj_dequeue_all(&q, n);
	} else {
		u32 queued = evobj_enqueue_any(&q, n);

		ret = evobj_sleep(&q, clock, timeout);
		evobj_dequeue_any(&q, queued);
	}

	/* Read after dequeueing: no claim can come later. */
	claimed = atomic_read(&q.claimed);
	if (claimed >= 0) {
		*index = claimed;
		ret = 0;
	}
	if (q.entries != stack_entries)
		kfree(q.entries);
	return ret;
}

/**
 * evobj_wait() - wait for an event to be signaled
 * @ev: the event; the caller holds a reference
 * @abs_timeout: absolute %CLOCK_MONOTONIC time; KTIME_MAX waits forever,
 *               a time already past does not block
 *
 * Consumes a synchronization event. Waits are served in FIFO order with
 * every other wait on @ev, including userspace's.
 *
 * Context: Process context; sleeps interruptibly.
 * Return: 0 once signaled, -ETIMEDOUT, or -ERESTARTSYS on a signal.
 */
int evobj_wait(struct evobj *ev, ktime_t abs_timeout)
{
	u32 index;

	return evobj_wait_many(&ev, 1, NULL, NULL, false, CLOCK_MONOTONIC,
			       abs_timeout, &index);
}
EXPORT_SYMBOL_GPL(evobj_wait);
