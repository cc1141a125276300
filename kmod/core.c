// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj core: the event object, its locking, its state changes and how a
 * state change completes the waits queued on it.
 *
 * Every state change in the module goes through here: the ioctls,
 * read()/write(), the hardirq timer and the exported kernel API alike.
 * Semantics follow the NT kernel's KEVENT; see uapi/linux/evobj.h. The
 * waits themselves are in wait.c, the wait-all groups in group.c.
 */

#include <linux/err.h>
#include <linux/export.h>
#include <linux/file.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "internal.h"
#include "trace.h"

/*
 * Bounded cost. A set or pulse runs with interrupts off, possibly in
 * hardirq context, so what it does under the event's lock is bounded:
 *  - it walks the event's queue only as far as it completes waits: a
 *    synchronization event stops at the first wait it completes, a
 *    semaphore's release of n units after at most n (semaphore.c); a
 *    mutex's unlock (process context only) walks as a notification
 *    set does, as waits of its new owner's may follow (mutex.c);
 *  - a completed wait's entry is unlinked by whoever completes it, and an
 *    entry of a wait already completed through another object is
 *    unlinked the first time a walk meets it, so none is walked twice;
 *  - a wait-any names each object once in the queues: a repeated fd
 *    could never win over its lower index (wait.c);
 *  - a blocked wait-all costs a walk one flag read in the common case
 *    (the object that held it back last time is checked first) and at
 *    most EVOBJ_MAX_WAIT;
 *  - tasks are not woken under the lock: up to EVOBJ_WAKE_BATCH are
 *    pinned and woken after it is dropped, the rest one lock round trip
 *    each, or on PREEMPT_RT from hardirq by the irq_work's thread.
 * So the time with interrupts off is a constant per wait completed, plus
 * a constant per blocked wait-all entry and per entry of a wait that
 * completed elsewhere; max_waiters bounds how many entries one event may
 * hold at once.
 *
 * The set, reset, pulse and timer tracepoints fire under the lock, so
 * that each event's records come in the order of its state changes. Off,
 * each is a static branch never taken; on, one lock-free ring buffer
 * write of a few fields, still a constant.
 */
VISIBLE_IF_KUNIT unsigned int evobj_max_waiters = 4096;
module_param_named(max_waiters, evobj_max_waiters, uint, 0644);
MODULE_PARM_DESC(max_waiters,
		 "Most waits queued on one event at once; more fail with ENOSPC (default 4096)");

/*
 * Locking protocol.
 *
 * ev->lock is a raw spinlock taken with interrupts off: events are set
 * from hardirq context, also on PREEMPT_RT, so nothing under it sleeps or
 * takes a spinlock_t. Tasks and poll waiters are woken only after it is
 * dropped (evobj_wake_finish()).
 *
 * A wait-all must find all its objects signaled at one instant and
 * consume them together. The lock of its group's root (group.c) provides
 * that instant: while an object has wait-all entries queued (all_hint >
 * 0), whoever changes its state or walks its queue holds the group lock
 * first, then the object's. The hint changes only under both, so the
 * holder of ev->lock reads it reliably; evobj_lock() takes the group
 * lock too, at its second and last pass, when it guessed wrong. Lockdep
 * checks the rule (evobj_assert_locked()). Events that no queued
 * wait-all names take their own lock only, and a group joins only events
 * that one wait-all named together, so unrelated users never share a
 * lock.
 *
 * Process context takes these locks with evobj_lock_irq(), which
 * disables interrupts without saving their state: cheaper than the
 * irqsave of evobj_lock(), which any context may use.
 *
 * Under a group lock any number of that group's object locks may be held
 * at once: the group lock orders them, which raw_spin_lock_nest_lock()
 * tells lockdep. No path holds two group locks, or takes a group lock
 * while holding an object's.
 */
static struct evobj_group *evobj_lock_irqs_off(struct evobj *ev)
	__acquires(evobj_group) __acquires(&ev->lock)
{
	struct evobj_group *g;

	if (!READ_ONCE(ev->all_hint) || !READ_ONCE(ev->group)) {
		raw_spin_lock(&ev->lock);
		if (!ev->all_hint) {
			__acquire(evobj_group);
			evobj_word_take(ev);
			return NULL;
		}
		/*
		 * A wait-all arrived meanwhile: take its group's lock too.
		 * Its hint was raised under ev->lock after the group was
		 * published, so the group is seen. The second pass takes the
		 * group lock whatever the hint is now (holding both locks is
		 * always allowed), so that no sequence of wait-alls coming and
		 * going can keep a setter, in hardirq say, going round.
		 */
		raw_spin_unlock(&ev->lock);
	}
	g = evobj_group_lock(ev);
	raw_spin_lock_nest_lock(&ev->lock, &g->lock);
	evobj_word_take(ev);
	return g;
}

static void evobj_unlock_irqs_off(struct evobj *ev, struct evobj_group *g)
	__releases(&ev->lock) __releases(evobj_group)
{
	evobj_word_put(ev);
	raw_spin_unlock(&ev->lock);
	if (g)
		evobj_group_unlock(g);
	else
		__release(evobj_group);
}

/* Any context: the state changes of the kernel API and the timer. */
struct evobj_group *evobj_lock(struct evobj *ev, unsigned long *flags)
	__acquires(evobj_group) __acquires(&ev->lock)
{
	local_irq_save(*flags);
	return evobj_lock_irqs_off(ev);
}

void evobj_unlock(struct evobj *ev, struct evobj_group *g, unsigned long flags)
	__releases(&ev->lock) __releases(evobj_group)
{
	evobj_unlock_irqs_off(ev, g);
	local_irq_restore(flags);
}

/*
 * Process context with interrupts on (the ioctls, read(), write() and
 * the waits): the lock still disables interrupts, as hardirq setters take
 * it, but with no flags to save and restore, which is cheaper.
 */
struct evobj_group *evobj_lock_irq(struct evobj *ev)
	__acquires(evobj_group) __acquires(&ev->lock)
{
	lockdep_assert_irqs_enabled();
	local_irq_disable();
	return evobj_lock_irqs_off(ev);
}

void evobj_unlock_irq(struct evobj *ev, struct evobj_group *g)
	__releases(&ev->lock) __releases(evobj_group)
{
	evobj_unlock_irqs_off(ev, g);
	local_irq_enable();
}

/*
 * The rule of the locking protocol, checked under lockdep: a change of
 * @ev holds its lock and, while a wait-all is queued on it, its group's.
 */
static inline void evobj_assert_locked(struct evobj *ev)
{
	lockdep_assert_held(&ev->lock);
	if (IS_ENABLED(CONFIG_LOCKDEP) && ev->all_hint)
		lockdep_assert_held(&evobj_group_root(ev->group)->lock);
}

/* Every change to non-signaled lets a parked timer run again. */
static void evobj_make_unsignaled(struct evobj *ev)
{
	evobj_assert_locked(ev);
	WRITE_ONCE(ev->signaled, false);
	evobj_timer_resume(ev);
}

/* evobj_consume() of a synchronization event, semaphore or mutex. */
void evobj_consume_sync(struct evobj *ev, struct evobj_q *q)
{
	switch (ev->type) {
	case EVOBJ_SEMAPHORE:
		/* Consumed only while signaled: the count is above 0. */
		if (--ev->count)
			return;
		break;
	case EVOBJ_MUTEX:
		/* Ready for @q: unowned, or @q's owner's below U32_MAX. */
		if (!ev->count++)
			evobj_hold(ev, q->holder);
		ev->owner = q->owner;
		if (ev->abandoned) {
			q->abandoned = true;
			ev->abandoned = false;
		}
		break;
	}
	evobj_make_unsignaled(ev);
}

/* Queues @e on its object, unless the object holds max_waiters already. */
int evobj_link(struct evobj_q_entry *e)
{
	struct evobj *ev = e->ev;

	lockdep_assert_held(&ev->lock);
	if (ev->nr_waiters >= READ_ONCE(evobj_max_waiters))
		return -ENOSPC;
	list_add_tail(&e->node, &ev->waiters);
	e->where = EVOBJ_ENTRY_QUEUED;
	ev->nr_waiters++;
	if (e->q->all && e->index < e->q->count)
		ev->all_hint++;
	return 0;
}

/* Takes a queued entry off ev->waiters. */
static void evobj_unqueue(struct evobj_q_entry *e)
{
	struct evobj *ev = e->ev;

	list_del(&e->node);
	ev->nr_waiters--;
	if (e->q->all && e->index < e->q->count)
		ev->all_hint--;
}

/* Takes @e off whichever list of its object it is on. */
void evobj_unlink(struct evobj_q_entry *e)
{
	lockdep_assert_held(&e->ev->lock);
	if (e->where == EVOBJ_ENTRY_IDLE)
		return;
	if (e->where == EVOBJ_ENTRY_QUEUED)
		evobj_unqueue(e);
	else
		list_del(&e->node);
	/* Last: the waiter may free @e once it reads this without a lock. */
	smp_store_release(&e->where, EVOBJ_ENTRY_IDLE);
}

/*
 * @q was claimed through @e: take @e off its queue and have the task
 * woken once the locks are dropped, by the setter itself while its batch
 * has room, else from the object's wake_list. With no @w the waiter is
 * the caller itself (checking while it queues) and needs no wake-up.
 */
static void evobj_complete(struct evobj_q_entry *e, struct evobj_wake *w)
{
	struct evobj *ev = e->ev;

	lockdep_assert_held(&ev->lock);
	if (w && w->nr < ARRAY_SIZE(w->tasks)) {
		w->tasks[w->nr++] = get_task_struct(e->q->task);
	} else if (w) {
		evobj_unqueue(e);
		list_add_tail(&e->node, &ev->wake_list);
		e->where = EVOBJ_ENTRY_WAKE;
		w->deferred = true;
		return;
	}
	evobj_unlink(e);
}

/* Completes a wait through one of its any-style entries, on e->ev. */
void evobj_try_wake_any(struct evobj_q_entry *e, struct evobj_wake *w)
{
	lockdep_assert_held(&e->ev->lock);
	if (!evobj_ready(e->ev, e->q) || !evobj_claim(e->q, e->index))
		return;
	evobj_consume(e->ev, e->q);
	evobj_complete(e, w);
}

/* Consumes the object of a completed wait-all's entry and unlinks it. */
static void evobj_consume_entry(struct evobj_q_entry *e, struct evobj_group *g)
{
	evobj_lock_nested(e->ev, g);
	evobj_consume(e->ev, e->q);
	evobj_unlink(e);
	evobj_unlock_nested(e->ev);
}

/*
 * True if every object of wait-all @q is ready for it (evobj_ready()).
 * Under the group lock none of them can change state (their all_hint is
 * raised, or the caller holds their locks too), so their states may be
 * read without their locks. The object that held the wait back last
 * time is looked at first: usually it still does.
 */
bool evobj_all_signaled(struct evobj_q *q)
{
	u32 i, k;

	for (k = 0; k < q->count; k++) {
		i = q->hint + k < q->count ? q->hint + k : q->hint + k - q->count;
		if (!evobj_ready(q->entries[i].ev, q)) {
			q->hint = i;
			return false;
		}
	}
	return true;
}

/*
 * Completes wait-all @q if all its objects are signaled, consuming them.
 * The caller holds group lock @g, and the lock of @locked if not NULL;
 * @via is the entry, on @locked, that the caller came through (NULL
 * while the waiter itself checks). Each object's entry is taken off its
 * queue as the object is consumed; the alert's stays until a walk or the
 * waiter removes it, as the caller may be iterating over its list.
 */
void evobj_try_wake_all(struct evobj_q *q, struct evobj_group *g,
			struct evobj *locked, struct evobj_q_entry *via,
			struct evobj_wake *w)
{
	u32 i;

	if (!evobj_all_signaled(q) || !evobj_claim(q, 0))
		return;
	for (i = 0; i < q->count; i++) {
		struct evobj_q_entry *e = &q->entries[i];

		/* No object twice in a wait-all: on @locked is @via alone. */
		if (e->ev == locked)
			evobj_consume(e->ev, q);
		else
			evobj_consume_entry(e, g);
	}
	if (via)
		evobj_complete(via, w);
}

/*
 * @ev has just become signaled: complete, in queue order, the waits that
 * this completes. A synchronization event stops at the first one, a
 * semaphore when its units run out. A mutex is acquired by the first
 * and goes on to its owner's later waits, if any: only a shared owner
 * id has two waits queued at once. An entry whose wait completed
 * through another object is dropped here, so that no later walk meets
 * it again.
 */
void evobj_wake_waiters(struct evobj *ev, struct evobj_group *g,
			struct evobj_wake *w)
{
	struct evobj_q_entry *e, *next;

	lockdep_assert_held(&ev->lock);
	list_for_each_entry_safe(e, next, &ev->waiters, node) {
		if (!ev->signaled &&
		    (ev->type != EVOBJ_MUTEX || ev->count == U32_MAX))
			break;
		if (atomic_read(&e->q->claimed) >= 0)
			evobj_unlink(e);
		else if (e->q->all && e->index < e->q->count)
			evobj_try_wake_all(e->q, g, ev, e, w);
		else
			evobj_try_wake_any(e, w);
	}
}

/*
 * Sets @ev, which the caller has locked with evobj_lock() (@g its group
 * lock or NULL), and completes the waits that this completes. Returns
 * the previous state.
 */
bool evobj_signal_locked(struct evobj *ev, struct evobj_group *g,
			 struct evobj_wake *w)
{
	bool prev = ev->signaled;

	evobj_assert_locked(ev);
	if (!prev) {
		WRITE_ONCE(ev->signaled, true);
		evobj_wake_waiters(ev, g, w);
	}
	return prev;
}

/* Wakes, one lock round trip each, the tasks left on @ev's wake_list. */
static void evobj_wake_deferred(struct evobj *ev)
{
	struct evobj_q_entry *e;
	struct task_struct *task;
	unsigned long flags;

	for (;;) {
		raw_spin_lock_irqsave(&ev->lock, flags);
		e = list_first_entry_or_null(&ev->wake_list,
					     struct evobj_q_entry, node);
		if (!e) {
			raw_spin_unlock_irqrestore(&ev->lock, flags);
			return;
		}
		/* Pin the task first: once @e is idle its wait may be gone. */
		task = get_task_struct(e->q->task);
		evobj_unlink(e);
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		wake_up_process(task);
		put_task_struct(task);
	}
}

static void evobj_work(struct irq_work *work)
{
	struct evobj *ev = container_of(work, struct evobj, work);

	if (test_and_clear_bit(EVOBJ_WORK_WAKE, &ev->work_flags))
		evobj_wake_deferred(ev);
	if (test_and_clear_bit(EVOBJ_WORK_POLL, &ev->work_flags))
		wake_up_poll(&ev->poll_wq, EPOLLIN | EPOLLRDNORM);
}

/*
 * Whether the caller may do unbounded wake-ups itself: not from hardirq
 * or with interrupts off on PREEMPT_RT, where the contract allows only a
 * few; elsewhere each costs one short lock round trip.
 */
static bool evobj_may_wake_all(void)
{
	return !IS_ENABLED(CONFIG_PREEMPT_RT) || preemptible();
}

/*
 * The second half of every set: wakes the tasks of the waits it
 * completed, and poll waiters if the event was left signaled, now that no
 * lock is held. Poll waiters sit on a wait queue whose spinlock_t is a
 * sleeping lock on PREEMPT_RT: the caller wakes them directly only where
 * it could sleep, else the irq_work does, which runs in hardirq context
 * on !RT and in a kthread on RT.
 */
void evobj_wake_finish(struct evobj *ev, struct evobj_wake *w, bool pollers)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++) {
		wake_up_process(w->tasks[i]);
		put_task_struct(w->tasks[i]);
	}
	if (w->deferred) {
		if (evobj_may_wake_all()) {
			evobj_wake_deferred(ev);
		} else {
			set_bit(EVOBJ_WORK_WAKE, &ev->work_flags);
			irq_work_queue(&ev->work);
		}
	}
	/* Pairs with smp_mb() in evobj_poll(). */
	if (!pollers || !wq_has_sleeper(&ev->poll_wq))
		return;
	if (preemptible()) {
		wake_up_poll(&ev->poll_wq, EPOLLIN | EPOLLRDNORM);
	} else {
		set_bit(EVOBJ_WORK_POLL, &ev->work_flags);
		irq_work_queue(&ev->work);
	}
}

/*
 * A new object of any kind, with one reference for the caller, charged
 * to the current task's memory cgroup: ERR_PTR(-EINVAL) for an @attr
 * that evobj_attr_valid() refuses, or ERR_PTR(-ENOMEM).
 */
struct evobj *evobj_alloc(const struct evobj_attr *attr)
{
	static atomic64_t last_id;
	struct evobj *ev;

	if (!evobj_attr_valid(attr))
		return ERR_PTR(-EINVAL);
	ev = kzalloc(sizeof(*ev), GFP_KERNEL_ACCOUNT);
	if (!ev)
		return ERR_PTR(-ENOMEM);
	raw_spin_lock_init(&ev->lock);
	INIT_LIST_HEAD(&ev->waiters);
	INIT_LIST_HEAD(&ev->wake_list);
	INIT_LIST_HEAD(&ev->held_node);
	ev->type = attr->type;
	ev->id = atomic64_inc_return(&last_id);
	ev->count = attr->count;
	ev->max = attr->max;
	ev->owner = attr->owner;
	if (attr->type == EVOBJ_MUTEX)
		ev->signaled = !attr->owner;
	else
		ev->signaled = attr->signaled || attr->count;
	kref_init(&ev->ref);
	init_waitqueue_head(&ev->poll_wq);
	init_irq_work(&ev->work, evobj_work);
	evobj_timer_init(ev);
	if (attr->type == EVOBJ_MUTEX && attr->owner && attr->holder) {
		/* Not shared yet; the lock is for the holder's lockdep rule. */
		raw_spin_lock_irq(&ev->lock);
		evobj_hold(ev, attr->holder);
		raw_spin_unlock_irq(&ev->lock);
	}
	trace_evobj_create(ev);
	return ev;
}

/**
 * evobj_create() - create a kernel-owned event
 * @type: %EVOBJ_NOTIFICATION or %EVOBJ_SYNCHRONIZATION
 * @signaled: initial state
 *
 * The caller owns the only reference and drops it with evobj_put(). The
 * memory is charged to the current task's memory cgroup.
 *
 * Context: Process context; may sleep.
 * Return: the new event, ERR_PTR(-EINVAL) for a bad @type or
 * ERR_PTR(-ENOMEM).
 */
struct evobj *evobj_create(u32 type, bool signaled)
{
	const struct evobj_attr attr = { .type = type, .signaled = signaled };

	/* Events only: a semaphore has no maximum here, a mutex no owner. */
	if (evobj_kind(type) != EVOBJ_NOTIFICATION)
		return ERR_PTR(-EINVAL);
	return evobj_alloc(&attr);
}
EXPORT_SYMBOL_GPL(evobj_create);

/**
 * evobj_get_file() - take a reference to the object behind a file
 * @file: a file that may be an evobj event's or semaphore's
 *
 * Context: Any context.
 * Return: the object with a new reference, or ERR_PTR(-EINVAL) if @file
 * is not an evobj event or semaphore.
 */
struct evobj *evobj_get_file(struct file *file)
{
	struct evobj *ev;

	if (!evobj_is_object_file(file))
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
 * The event's timer, which belongs to its files, stops when the last of
 * them closes.
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

static void evobj_last_put(struct kref *ref)
{
	struct evobj *ev = container_of(ref, struct evobj, ref);

	/* A held mutex ends with its last handle, as NT's do. */
	if (ev->type == EVOBJ_MUTEX) {
		raw_spin_lock_irq(&ev->lock);
		evobj_unhold(ev);
		raw_spin_unlock_irq(&ev->lock);
	}
	/* A later open of the name makes a fresh event. */
	if (ev->name)
		evobj_name_release(ev);
	/* The timer may queue the work, so it goes first. */
	evobj_timer_stop(ev);
	/*
	 * With no reference left nothing can queue the work again; wait
	 * only if it is pending or running. On PREEMPT_RT irq_work_sync()
	 * always waits for an RCU grace period, which made every close()
	 * cost one. irq_work_single() may touch the work just after it stops
	 * being busy, within an RCU read-side section: kfree_rcu() covers that.
	 */
	if (irq_work_is_busy(&ev->work))
		irq_work_sync(&ev->work);
	evobj_group_put(ev);
	evobj_word_free(ev);
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
	kref_put(&ev->ref, evobj_last_put);
}
EXPORT_SYMBOL_GPL(evobj_put);

/*
 * Set, or pulse: the same walk; a pulse then resets under the same lock.
 * Inlined into each caller, where @pulse and @task are constants.
 */
static __always_inline bool evobj_signal(struct evobj *ev, bool pulse,
					 bool task)
{
	struct evobj_wake w = { };
	struct evobj_group *g;
	unsigned long flags;
	bool prev;

	g = evobj_lock_ctx(ev, &flags, task);
	prev = evobj_signal_locked(ev, g, &w);
	if (pulse) {
		evobj_make_unsignaled(ev);
		trace_evobj_pulse(ev, prev);
	} else {
		trace_evobj_set(ev, prev);
	}
	evobj_change_end(ev, g, flags, &w, !prev, task);
	return prev;
}

static __always_inline bool evobj_unsignal(struct evobj *ev, bool task)
{
	struct evobj_group *g;
	unsigned long flags;
	bool prev;

	g = evobj_lock_ctx(ev, &flags, task);
	prev = ev->signaled;
	evobj_make_unsignaled(ev);
	trace_evobj_reset(ev, prev);
	evobj_unlock_ctx(ev, g, flags, task);
	return prev;
}

/*
 * The same from process context with interrupts on: the ioctls, write()
 * and signal-and-wait.
 */
bool evobj_task_set(struct evobj *ev)
{
	return evobj_signal(ev, false, true);
}

bool evobj_task_reset(struct evobj *ev)
{
	return evobj_unsignal(ev, true);
}

bool evobj_task_pulse(struct evobj *ev)
{
	return evobj_signal(ev, true, true);
}

/**
 * evobj_set() - signal an event
 * @ev: the event
 *
 * A notification event completes every wait that this makes satisfiable
 * and stays signaled. A synchronization event completes the longest
 * waiting wait that can complete and stays non-signaled, or becomes
 * signaled if none can. Setting a signaled event changes nothing.
 * Given a semaphore, it releases one unit, unless the count is at its
 * maximum (evobj_release() reports that; this one never fails). Given a
 * mutex, it changes nothing: only its owner unlocks it.
 *
 * The time spent with interrupts off is bounded by the waits this
 * completes (see "Bounded cost" in the evobj core); tasks are woken after
 * the lock is dropped, on PREEMPT_RT in hardirq context only the first
 * few, the rest by a kernel thread right after.
 *
 * Context: Any context, including hardirq and with interrupts disabled,
 * on PREEMPT_RT too. Never sleeps.
 * Return: the previous state.
 */
bool evobj_set(struct evobj *ev)
{
	if (unlikely(ev->type == EVOBJ_SEMAPHORE))
		return evobj_sem_set(ev);
	if (unlikely(ev->type == EVOBJ_MUTEX))
		return evobj_signaled(ev);
	return evobj_signal(ev, false, false);
}
EXPORT_SYMBOL_GPL(evobj_set);

/**
 * evobj_reset() - make an event non-signaled
 * @ev: the event
 *
 * A semaphore or mutex is left as it is.
 *
 * Context: Any context, including hardirq. Never sleeps.
 * Return: the previous state.
 */
bool evobj_reset(struct evobj *ev)
{
	if (unlikely(ev->type >= EVOBJ_SEMAPHORE))
		return evobj_signaled(ev);
	return evobj_unsignal(ev, false);
}
EXPORT_SYMBOL_GPL(evobj_reset);

/**
 * evobj_pulse() - complete the waits a set would, then reset, atomically
 * @ev: the event
 *
 * Nobody sees the event signaled: not evobj_signaled(), not poll, not a
 * wait that does not block. A semaphore or mutex is left as it is.
 *
 * Context: Any context, including hardirq. Never sleeps.
 * Return: the previous state.
 */
bool evobj_pulse(struct evobj *ev)
{
	if (unlikely(ev->type >= EVOBJ_SEMAPHORE))
		return evobj_signaled(ev);
	return evobj_signal(ev, true, false);
}
EXPORT_SYMBOL_GPL(evobj_pulse);

/**
 * evobj_signaled() - read an event's state
 * @ev: the event
 *
 * Read under the event's lock, so never the instant inside a pulse. A
 * snapshot: another context may change the state right after.
 *
 * Context: Any context.
 * Return: true if @ev is signaled.
 */
bool evobj_signaled(struct evobj *ev)
{
	unsigned long flags;
	bool signaled;

	raw_spin_lock_irqsave(&ev->lock, flags);
	evobj_word_take(ev);
	signaled = ev->signaled;
	evobj_word_put(ev);
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	return signaled;
}
EXPORT_SYMBOL_GPL(evobj_signaled);

