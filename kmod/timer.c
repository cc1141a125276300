// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj timer: EVOBJ_IOC_TIMER arms a high-resolution timer that sets
 * its event from hardirq context, once or periodically. It is the
 * module's own proof that evobj_set() is hardirq-safe, PREEMPT_RT
 * included, and a userspace-visible source of hardirq wake-ups.
 *
 * It cannot storm: as timerfd and POSIX timers re-arm on consumption, a
 * periodic expiry that finds its event still signaled parks the timer
 * until the event is consumed, reset or pulsed; it belongs to the
 * event's open files and stops with the last; and each user may arm at
 * most max_timers.
 */

#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>

#include "compat.h"
#include "internal.h"
#include "trace.h"

static unsigned int evobj_max_timers = 1024;
module_param_named(max_timers, evobj_max_timers, uint, 0644);
MODULE_PARM_DESC(max_timers,
		 "Most armed event timers per user; more fail with ENOSPC (default 1024)");

/*
 * An expiry, in hardirq context: sets the event unless it is signaled
 * already, in which case a periodic timer parks. Returns whether to
 * re-arm, one period on (missed periods collapse: events do not count).
 */
static bool evobj_timer_expired(struct evobj *ev)
{
	struct evobj_wake w = { };
	bool rearm = false, raised = false, prev;
	struct evobj_group *g;
	unsigned long flags;

	g = evobj_lock(ev, &flags);
	/* Not armed: a disarm is waiting for this callback to end. */
	if (ev->timer_state == EVOBJ_TIMER_ARMED) {
		ev->timer_expiries++;
		prev = evobj_signal_locked(ev, g, &w);
		raised = !prev;
		rearm = raised && ev->timer_period;
		if (rearm)
			hrtimer_forward_now(&ev->timer,
					    ns_to_ktime(ev->timer_period));
		else
			ev->timer_state = ev->timer_period ? EVOBJ_TIMER_PARKED :
							     EVOBJ_TIMER_OFF;
		trace_evobj_timer_expire(ev, prev);
	}
	evobj_change_end(ev, g, flags, &w, raised, false);
	return rearm;
}

static enum hrtimer_restart evobj_timer_fn(struct hrtimer *timer)
{
	struct evobj *ev = container_of(timer, struct evobj, timer);

	return evobj_timer_expired(ev) ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

/*
 * The event has just become non-signaled (consumed, reset or pulsed): a
 * parked timer runs again from the next period boundary. Under ev->lock,
 * so that it cannot race with a disarm, which turns the state off under
 * the same lock before it cancels. The hrtimer base lock nests inside
 * ev->lock; the callback runs without the base lock, so no cycle.
 */
void evobj_timer_resume(struct evobj *ev)
{
	lockdep_assert_held(&ev->lock);
	if (ev->timer_state != EVOBJ_TIMER_PARKED)
		return;
	ev->timer_state = EVOBJ_TIMER_ARMED;
	hrtimer_forward_now(&ev->timer, ns_to_ktime(ev->timer_period));
	hrtimer_start_expires(&ev->timer, HRTIMER_MODE_ABS_HARD);
}

void evobj_timer_init(struct evobj *ev)
{
	mutex_init(&ev->timer_lock);
	/* _HARD: expire in hardirq context even on PREEMPT_RT. */
	evobj_hrtimer_setup(&ev->timer, evobj_timer_fn, CLOCK_MONOTONIC,
			    HRTIMER_MODE_ABS_HARD);
}

/* Turns the timer off and waits for a running callback to end. */
static void evobj_timer_halt(struct evobj *ev)
{
	unsigned long flags;

	lockdep_assert_held(&ev->timer_lock);
	raw_spin_lock_irqsave(&ev->lock, flags);
	evobj_word_take(ev);
	ev->timer_state = EVOBJ_TIMER_OFF;
	evobj_word_put(ev);
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	hrtimer_cancel(&ev->timer);
}

/*
 * Arms the timer to first expire at @expires (absolute CLOCK_MONOTONIC
 * ns) and then every @period ns (0: once), replacing any earlier setting;
 * expires == 0 with period == 0 disarms it. An armed timer, fired or
 * not, counts against its user's max_timers until disarmed or stopped.
 */
static int evobj_timer_arm_locked(struct evobj *ev, u64 expires, u64 period)
{
	bool arm = expires || period;
	unsigned long flags;

	lockdep_assert_held(&ev->timer_lock);
	if (arm && !ev->timer_user) {
		struct evobj_user *u;

		u = evobj_user_charge(EVOBJ_LIMIT_TIMERS,
				      READ_ONCE(evobj_max_timers));
		if (IS_ERR(u))
			return PTR_ERR(u);
		ev->timer_user = u;
	}
	evobj_timer_halt(ev);
	if (arm) {
		/* Off and cancelled: nothing reads the period meanwhile. */
		ev->timer_period = period;
		raw_spin_lock_irqsave(&ev->lock, flags);
		/* Armed, it keeps the word: see evobj_word_put(). */
		evobj_word_take(ev);
		ev->timer_state = EVOBJ_TIMER_ARMED;
		evobj_word_put(ev);
		raw_spin_unlock_irqrestore(&ev->lock, flags);
		hrtimer_start(&ev->timer, ns_to_ktime(expires),
			      HRTIMER_MODE_ABS_HARD);
	} else if (ev->timer_user) {
		evobj_user_uncharge(ev->timer_user, EVOBJ_LIMIT_TIMERS);
		ev->timer_user = NULL;
	}
	return 0;
}

int evobj_timer_arm(struct evobj *ev, u64 expires, u64 period)
{
	int ret;

	if (expires > KTIME_MAX || period > KTIME_MAX)
		return -EINVAL;
	if (period && period < EVOBJ_TIMER_MIN_PERIOD)
		return -EINVAL;

	mutex_lock(&ev->timer_lock);
	ret = evobj_timer_arm_locked(ev, expires, period);
	mutex_unlock(&ev->timer_lock);
	return ret;
}

/* Disarms the timer for good: the event dies. */
void evobj_timer_stop(struct evobj *ev)
{
	mutex_lock(&ev->timer_lock);
	evobj_timer_arm_locked(ev, 0, 0);
	mutex_unlock(&ev->timer_lock);
}

/*
 * A file of the event closes; the last one stops the timer, which
 * belongs to the open files. The count drops under timer_lock: a named
 * open may give the event a new file meanwhile, and that file's
 * EVOBJ_IOC_TIMER must not land between this count reaching zero and the
 * stop, which would cancel it.
 */
void evobj_timer_file_closed(struct evobj *ev)
{
	mutex_lock(&ev->timer_lock);
	if (atomic_dec_and_test(&ev->files))
		evobj_timer_arm_locked(ev, 0, 0);
	mutex_unlock(&ev->timer_lock);
}
