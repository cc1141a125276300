// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj timer: EVOBJ_IOC_TIMER arms a high-resolution timer that sets
 * its event from hardirq context, once or periodically. It is the
 * module's own proof that evobj_set() is hardirq-safe, PREEMPT_RT
 * included, and a userspace-visible source of hardirq wake-ups.
 */

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/mutex.h>

#include "internal.h"

static enum hrtimer_restart evobj_timer_fn(struct hrtimer *timer)
{
	struct evobj *ev = container_of(timer, struct evobj, timer);

	evobj_set(ev);
	if (!ev->timer_period)
		return HRTIMER_NORESTART;
	/* Missed periods collapse into one set: events do not count. */
	hrtimer_forward_now(timer, ns_to_ktime(ev->timer_period));
	return HRTIMER_RESTART;
}

void evobj_timer_init(struct evobj *ev)
{
	mutex_init(&ev->timer_lock);
	/* _HARD: expire in hardirq context even on PREEMPT_RT. */
	hrtimer_init(&ev->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	ev->timer.function = evobj_timer_fn;
}

/*
 * Arms the timer to first expire at @expires (absolute CLOCK_MONOTONIC
 * ns) and then every @period ns (0: once), replacing any earlier setting;
 * expires == 0 with period == 0 disarms it.
 */
int evobj_timer_arm(struct evobj *ev, u64 expires, u64 period)
{
	if (expires > KTIME_MAX || period > KTIME_MAX)
		return -EINVAL;
	if (period && period < EVOBJ_TIMER_MIN_PERIOD)
		return -EINVAL;

	mutex_lock(&ev->timer_lock);
	hrtimer_cancel(&ev->timer);
	/* The callback is not running: period may change under it no more. */
	ev->timer_period = period;
	if (expires || period)
		hrtimer_start(&ev->timer, ns_to_ktime(expires),
			      HRTIMER_MODE_ABS_HARD);
	mutex_unlock(&ev->timer_lock);
	return 0;
}

void evobj_timer_cancel(struct evobj *ev)
{
	mutex_lock(&ev->timer_lock);
	hrtimer_cancel(&ev->timer);
	mutex_unlock(&ev->timer_lock);
}
