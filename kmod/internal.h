/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evobj internals shared by the core, the device, the timer and the KUnit
 * suite. Nothing here is exported; other drivers use <linux/evobj.h>.
 */
#ifndef _EVOBJ_INTERNAL_H
#define _EVOBJ_INTERNAL_H

#include <linux/evobj.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

/*
 * Lifetime: an event is reference counted (ref). Each struct file of an
 * event fd holds one reference, so do kernel users (evobj_create(),
 * evobj_get()) and every wait in progress for each object it names. The
 * last evobj_put() cancels the timer, flushes the deferred poll wake-up
 * and frees the object after an RCU grace period, so it must come from a
 * context that may sleep.
 */
struct evobj {
	raw_spinlock_t lock;
	/* Protected by lock, and by evobj_all_lock too while all_hint > 0. */
	bool signaled;
	/* Waits queued on this event in arrival (FIFO) order. Same locking. */
	struct list_head waiters;
	unsigned int nr_waiters;
	/* Wait-all entries among waiters; changes only under both locks. */
	unsigned int all_hint;
	u32 type;			/* EVOBJ_NOTIFICATION or _SYNCHRONIZATION */
	struct kref ref;

	/* poll/epoll waiters; woken from process context or irq_work. */
	wait_queue_head_t poll_wq;
	struct irq_work poll_work;

	/* EVOBJ_IOC_TIMER, expiring in hardirq context. */
	struct hrtimer timer;
	struct mutex timer_lock;	/* serialises arming and cancelling */
	u64 timer_period;		/* ns; written only while the timer is off */

	struct rcu_head rcu;		/* frees it after the poll work's last touch */
};

/* core.c */
int evobj_wait_many(struct evobj *const *evs, u32 count, struct evobj *alert,
		    struct evobj *signal, bool all, clockid_t clock,
		    ktime_t timeout, u32 *index);
unsigned int evobj_nr_waiters(struct evobj *ev);

/* device.c */
extern const struct file_operations evobj_event_fops;

/* timer.c */
void evobj_timer_init(struct evobj *ev);
int evobj_timer_arm(struct evobj *ev, u64 expires, u64 period);
void evobj_timer_cancel(struct evobj *ev);

#endif /* _EVOBJ_INTERNAL_H */
