// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for evobj: every operation of the kernel API on both event
 * types, waits from kthreads, wait-any/wait-all/alert, signalling from real
 * hardirq context (a hard hrtimer and a hard irq_work) with task and poll
 * waiters, the hardirq timer, file references, a multi-CPU stress, and
 * the mapped state word.
 */

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/nsproxy.h>
#include <linux/ktime.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/sched/task.h>
#include <linux/wait.h>

#include "compat.h"
#include "internal.h"

/*
 * Generous bounds: the suite runs under QEMU without KVM on a KASAN and
 * lockdep kernel, where a wake-up can take milliseconds. They only cap how
 * long a broken evobj takes to fail the test, never what a pass means.
 */
#define EVOBJ_TEST_LONG_MS	10000
#define EVOBJ_TEST_QUIET_MS	50

static ktime_t evobj_test_in_ms(unsigned int ms)
{
	return ktime_add_ms(ktime_get(), ms);
}

KUNIT_DEFINE_ACTION_WRAPPER(evobj_put_action, evobj_put, struct evobj *);

/* An event that the test owns and that is put when the test ends. */
static struct evobj *evobj_test_create(struct kunit *test, u32 type,
				       bool signaled)
{
	struct evobj *ev = evobj_create(type, signaled);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ev));
	return ev;
}

static unsigned int evobj_nr_waiters(struct evobj *ev)
{
	unsigned long flags;
	unsigned int n;

	raw_spin_lock_irqsave(&ev->lock, flags);
	n = ev->nr_waiters;
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	return n;
}

/*
 * Polls, sleeping, until @n waits are queued on @ev or @done (if not NULL)
 * completes; false on timeout.
 */
static bool evobj_test_wait_waiters(struct evobj *ev, unsigned int n,
				    struct completion *done)
{
	ktime_t deadline = evobj_test_in_ms(EVOBJ_TEST_LONG_MS);

	while (evobj_nr_waiters(ev) != n && !(done && completion_done(done))) {
		if (ktime_after(ktime_get(), deadline))
			return false;
		usleep_range(500, 1000);
	}
	return true;
}

/* Event operations through the kernel API, from the test's own thread. */

static void evobj_create_bad_type_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(evobj_create(EVOBJ_SYNCHRONIZATION + 1, false)));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(evobj_create(U32_MAX, true)));
}

static void evobj_create_initial_state_test(struct kunit *test)
{
	u32 type;

	for (type = EVOBJ_NOTIFICATION; type <= EVOBJ_SYNCHRONIZATION; type++) {
		struct evobj *off = evobj_test_create(test, type, false);
		struct evobj *on = evobj_test_create(test, type, true);

		KUNIT_EXPECT_FALSE(test, evobj_signaled(off));
		KUNIT_EXPECT_TRUE(test, evobj_signaled(on));
		KUNIT_EXPECT_EQ(test, type, on->type);
		KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(on));
	}
}

/* Without waiters both types behave alike: set, reset, pulse. */
static void evobj_set_reset_previous_test(struct kunit *test)
{
	u32 type;

	for (type = EVOBJ_NOTIFICATION; type <= EVOBJ_SYNCHRONIZATION; type++) {
		struct evobj *ev = evobj_test_create(test, type, false);

		KUNIT_EXPECT_FALSE(test, evobj_set(ev));
		KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));
		KUNIT_EXPECT_TRUE(test, evobj_set(ev));
		KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));
		KUNIT_EXPECT_TRUE(test, evobj_reset(ev));
		KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
		KUNIT_EXPECT_FALSE(test, evobj_reset(ev));
		KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	}
}

static void evobj_pulse_previous_test(struct kunit *test)
{
	u32 type;

	for (type = EVOBJ_NOTIFICATION; type <= EVOBJ_SYNCHRONIZATION; type++) {
		struct evobj *ev = evobj_test_create(test, type, false);

		/* Nobody waits: the pulse leaves no trace. */
		KUNIT_EXPECT_FALSE(test, evobj_pulse(ev));
		KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
		KUNIT_EXPECT_FALSE(test, evobj_set(ev));
		KUNIT_EXPECT_TRUE(test, evobj_pulse(ev));
		KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	}
}

static void evobj_wait_consumes_synchronization_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);

	/* A signaled event satisfies even a wait whose timeout has passed. */
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(ev, 0));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(ev, 0));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static void evobj_wait_keeps_notification_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, true);

	KUNIT_EXPECT_EQ(test, 0, evobj_wait(ev, 0));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(ev, KTIME_MAX));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));
}

static void evobj_wait_past_timeout_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	ktime_t start = ktime_get();

	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(ev, 0));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(ev, ktime_sub_ns(start, 1)));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(ev, KTIME_MIN));
	/* Not blocking means well under the quiet period, even under TCG. */
	KUNIT_EXPECT_LT(test, ktime_ms_delta(ktime_get(), start),
			(s64)EVOBJ_TEST_QUIET_MS);
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(ev));
}

static void evobj_wait_absolute_timeout_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	ktime_t deadline = evobj_test_in_ms(30);

	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(ev, deadline));
	KUNIT_EXPECT_GE(test, ktime_get(), deadline);
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(ev));
}

/* Wait-any, wait-all and the alert through evobj_wait_many(). */

static void evobj_test_create_many(struct kunit *test, struct evobj **evs,
				   u32 n, u32 type)
{
	u32 i;

	for (i = 0; i < n; i++)
		evs[i] = evobj_test_create(test, type, false);
}

static void evobj_wait_any_lowest_index_test(struct kunit *test)
{
	struct evobj *evs[3];
	u32 index = U32_MAX;

	evobj_test_create_many(test, evs, ARRAY_SIZE(evs),
			       EVOBJ_SYNCHRONIZATION);
	evobj_set(evs[2]);
	evobj_set(evs[1]);
	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(evs, 3, NULL, NULL, false,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 1U, index);
	/* Only the winner is consumed. */
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[1]));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(evs[2]));

	index = U32_MAX;
	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(evs, 3, NULL, NULL, false,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 2U, index);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			evobj_wait_many(evs, 3, NULL, NULL, false, CLOCK_MONOTONIC,
					0, &index));
}

static void evobj_wait_any_duplicates_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);
	struct evobj *evs[] = { ev, ev };
	u32 index = U32_MAX;

	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(evs, 2, NULL, NULL, false,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 0U, index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static void evobj_wait_bad_arguments_test(struct kunit *test)
{
	struct evobj *a = evobj_test_create(test, EVOBJ_NOTIFICATION, true);
	struct evobj *b = evobj_test_create(test, EVOBJ_NOTIFICATION, true);
	struct evobj *evs[] = { a, b, a };
	u32 index = U32_MAX;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			evobj_wait_many(evs, 3, NULL, NULL, true, CLOCK_MONOTONIC,
					0, &index));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			evobj_wait_many(evs, 0, NULL, NULL, false, CLOCK_MONOTONIC,
					0, &index));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			evobj_wait_many(evs, EVOBJ_MAX_WAIT + 1, NULL, NULL, false,
					CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, U32_MAX, index);
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(a));
}

static void evobj_wait_all_consumes_together_test(struct kunit *test)
{
	struct evobj *evs[2];
	u32 index = U32_MAX;

	evobj_test_create_many(test, evs, 2, EVOBJ_SYNCHRONIZATION);
	evobj_set(evs[0]);
	/* Half signaled: nothing is consumed. */
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			evobj_wait_many(evs, 2, NULL, NULL, true, CLOCK_MONOTONIC,
					0, &index));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(evs[0]));
	KUNIT_EXPECT_EQ(test, U32_MAX, index);

	evobj_set(evs[1]);
	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(evs, 2, NULL, NULL, true,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 0U, index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[0]));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[1]));
}

static void evobj_wait_alert_index_test(struct kunit *test)
{
	struct evobj *alert = evobj_test_create(test, EVOBJ_SYNCHRONIZATION,
						true);
	struct evobj *evs[2];
	u32 index = U32_MAX;

	evobj_test_create_many(test, evs, 2, EVOBJ_NOTIFICATION);
	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(evs, 2, alert, NULL, false,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 2U, index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(alert));

	/* A wait-all is alerted too, without its objects being consumed. */
	evobj_set(alert);
	evobj_set(evs[1]);
	index = U32_MAX;
	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(evs, 2, alert, NULL, true,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 2U, index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(alert));

	/* An object beats the alert: it has the lower index. */
	evobj_set(alert);
	index = U32_MAX;
	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(evs, 2, alert, NULL, false,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 1U, index);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(alert));
}

/* More objects than the wait keeps on its stack: the kmalloc() path. */
static void evobj_wait_max_objects_test(struct kunit *test)
{
	struct evobj **evs = kunit_kcalloc(test, EVOBJ_MAX_WAIT, sizeof(*evs),
					   GFP_KERNEL);
	u32 i, index = U32_MAX;

	KUNIT_ASSERT_NOT_NULL(test, evs);
	evobj_test_create_many(test, evs, EVOBJ_MAX_WAIT,
			       EVOBJ_SYNCHRONIZATION);
	evobj_set(evs[EVOBJ_MAX_WAIT - 1]);
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait_many(evs, EVOBJ_MAX_WAIT, NULL, NULL, false,
					CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, EVOBJ_MAX_WAIT - 1, index);

	for (i = 0; i < EVOBJ_MAX_WAIT; i++)
		evobj_set(evs[i]);
	index = U32_MAX;
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait_many(evs, EVOBJ_MAX_WAIT, NULL, NULL, true,
					CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 0U, index);
	for (i = 0; i < EVOBJ_MAX_WAIT; i++)
		KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[i]));
}

static void evobj_wait_realtime_clock_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	ktime_t deadline = ktime_add_ms(ktime_get_real(), 30);
	u32 index = U32_MAX;

	/* A CLOCK_MONOTONIC-sized value is decades past on CLOCK_REALTIME. */
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			evobj_wait_many(&ev, 1, NULL, NULL, false, CLOCK_REALTIME,
					ktime_get(), &index));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			evobj_wait_many(&ev, 1, NULL, NULL, false, CLOCK_REALTIME,
					deadline, &index));
	KUNIT_EXPECT_GE(test, ktime_get_real(), deadline);
	KUNIT_EXPECT_EQ(test, U32_MAX, index);
}

/* Signal-and-wait (NT's SignalObjectAndWait) through evobj_wait_many(). */
static void evobj_signal_and_wait_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);
	struct evobj *sig = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	struct evobj *twice[] = { ev, ev };
	u32 index = U32_MAX;

	/* A wait that fails its checks sets nothing and consumes nothing. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			evobj_wait_many(twice, 2, NULL, sig, true,
					CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(sig));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));

	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(&ev, 1, NULL, sig, false,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 0U, index);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(sig));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));

	/* The set comes first: a wait may be satisfied by its own signal. */
	index = U32_MAX;
	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(&ev, 1, NULL, ev, false,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 0U, index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static struct kunit_case evobj_event_cases[] = {
	KUNIT_CASE(evobj_create_bad_type_test),
	KUNIT_CASE(evobj_create_initial_state_test),
	KUNIT_CASE(evobj_set_reset_previous_test),
	KUNIT_CASE(evobj_pulse_previous_test),
	KUNIT_CASE(evobj_wait_consumes_synchronization_test),
	KUNIT_CASE(evobj_wait_keeps_notification_test),
	KUNIT_CASE(evobj_wait_past_timeout_test),
	KUNIT_CASE(evobj_wait_absolute_timeout_test),
	KUNIT_CASE(evobj_wait_any_lowest_index_test),
	KUNIT_CASE(evobj_wait_any_duplicates_test),
	KUNIT_CASE(evobj_wait_bad_arguments_test),
	KUNIT_CASE(evobj_wait_all_consumes_together_test),
	KUNIT_CASE(evobj_wait_alert_index_test),
	KUNIT_CASE(evobj_wait_max_objects_test),
	KUNIT_CASE(evobj_wait_realtime_clock_test),
	KUNIT_CASE(evobj_signal_and_wait_test),
	{}
};

static struct kunit_suite evobj_event_suite = {
	.name = "evobj_event",
	.test_cases = evobj_event_cases,
};

/*
 * Waits from kthreads. A waiter runs one evobj_wait_many() and records
 * its result and its rank among the waiters of the test to finish. The
 * test holds a reference to its task; stopping it interrupts a wait still
 * in progress (kthread_stop() makes signal_pending() true), so a failed
 * test never leaves a sleeping kthread behind.
 */
struct evobj_waiter {
	struct task_struct *task;
	struct evobj *evs[2];
	u32 count;
	struct evobj *alert;
	bool all;
	ktime_t timeout;
	atomic_t *finished;	/* shared by the test's waiters */
	int rank;		/* 1 for the first to finish */
	int ret;
	u32 index;
	ktime_t end;		/* when the wait returned */
	struct completion done;
};

static int evobj_waiter_fn(void *data)
{
	struct evobj_waiter *w = data;

	w->ret = evobj_wait_many(w->evs, w->count, w->alert, NULL, w->all,
				 CLOCK_MONOTONIC, w->timeout, &w->index);
	w->end = ktime_get();
	w->rank = atomic_inc_return(w->finished);
	complete(&w->done);
	return 0;
}

static void evobj_waiter_stop(void *data)
{
	struct evobj_waiter *w = data;

	kthread_stop_put(w->task);
}

/*
 * Starts a waiter on @cpu (or any CPU if negative) that gives up after
 * @timeout_ms and, once it is queued on its first object, returns it.
 */
static struct evobj_waiter *
evobj_waiter_start_on(struct kunit *test, atomic_t *finished,
		      struct evobj *const *evs, u32 count, struct evobj *alert,
		      bool all, int cpu, unsigned int timeout_ms)
{
	struct evobj_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	unsigned int queued, alert_queued;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_LE(test, count, ARRAY_SIZE(w->evs));
	for (i = 0; i < count; i++)
		w->evs[i] = evs[i];
	w->count = count;
	w->alert = alert;
	w->all = all;
	w->timeout = evobj_test_in_ms(timeout_ms);
	w->finished = finished;
	w->ret = INT_MIN;
	w->index = U32_MAX;
	init_completion(&w->done);

	queued = evobj_nr_waiters(evs[0]);
	alert_queued = alert ? evobj_nr_waiters(alert) : 0;
	w->task = kthread_create(evobj_waiter_fn, w, "evobj_kunit_w");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, w->task);
	get_task_struct(w->task);
	if (cpu >= 0)
		kthread_bind(w->task, cpu);
	wake_up_process(w->task);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_waiter_stop, w));
	/* Queued, or already done if its timeout is that short. */
	KUNIT_ASSERT_TRUE_MSG(test,
			      evobj_test_wait_waiters(evs[0], queued + 1,
						      &w->done),
			      "waiter never queued");
	/* The alert's entry is linked after the objects'. */
	if (alert)
		KUNIT_ASSERT_TRUE_MSG(test,
				      evobj_test_wait_waiters(alert,
							      alert_queued + 1,
							      &w->done),
				      "waiter never queued on its alert");
	return w;
}

static struct evobj_waiter *
evobj_waiter_start(struct kunit *test, atomic_t *finished,
		   struct evobj *const *evs, u32 count, struct evobj *alert,
		   bool all)
{
	return evobj_waiter_start_on(test, finished, evs, count, alert, all,
				     -1, EVOBJ_TEST_LONG_MS);
}

static bool evobj_test_completes(struct completion *done, unsigned int ms)
{
	return wait_for_completion_timeout(done, msecs_to_jiffies(ms));
}

static bool evobj_waiter_finished(struct evobj_waiter *w)
{
	return wait_for_completion_timeout(&w->done,
					   msecs_to_jiffies(EVOBJ_TEST_LONG_MS));
}

/* True if @w is still waiting after a quiet period. */
static bool evobj_waiter_still_waiting(struct evobj_waiter *w)
{
	return !wait_for_completion_timeout(&w->done,
					    msecs_to_jiffies(EVOBJ_TEST_QUIET_MS));
}

static void evobj_notification_wakes_all_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	struct evobj_waiter *w[4];
	atomic_t finished = ATOMIC_INIT(0);
	int i;

	for (i = 0; i < ARRAY_SIZE(w); i++)
		w[i] = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w[i]));
		KUNIT_EXPECT_EQ(test, 0, w[i]->ret);
		KUNIT_EXPECT_EQ(test, 0U, w[i]->index);
	}
	KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(ev));
}

static void evobj_synchronization_fifo_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	struct evobj_waiter *w[3];
	atomic_t finished = ATOMIC_INIT(0);
	int i, j;

	/* Started one at a time: each is queued before the next starts. */
	for (i = 0; i < ARRAY_SIZE(w); i++)
		w[i] = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);

	for (i = 0; i < ARRAY_SIZE(w); i++) {
		/* The waiter is woken directly: the state never shows it. */
		KUNIT_EXPECT_FALSE(test, evobj_set(ev));
		KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w[i]));
		KUNIT_EXPECT_EQ(test, 0, w[i]->ret);
		KUNIT_EXPECT_EQ(test, i + 1, w[i]->rank);
		KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
		/* Exactly one: the others sleep on. */
		for (j = i + 1; j < ARRAY_SIZE(w); j++)
			KUNIT_EXPECT_TRUE(test,
					  evobj_waiter_still_waiting(w[j]));
		KUNIT_EXPECT_EQ(test, ARRAY_SIZE(w) - i - 1,
				evobj_nr_waiters(ev));
	}
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static void evobj_pulse_wakes_waiters_test(struct kunit *test)
{
	struct evobj *notif = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	struct evobj *sync = evobj_test_create(test, EVOBJ_SYNCHRONIZATION,
					       false);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *n0, *n1, *s0, *s1;

	n0 = evobj_waiter_start(test, &finished, &notif, 1, NULL, false);
	n1 = evobj_waiter_start(test, &finished, &notif, 1, NULL, false);
	s0 = evobj_waiter_start(test, &finished, &sync, 1, NULL, false);
	s1 = evobj_waiter_start(test, &finished, &sync, 1, NULL, false);

	KUNIT_EXPECT_FALSE(test, evobj_pulse(notif));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(n0));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(n1));
	KUNIT_EXPECT_EQ(test, 0, n0->ret);
	KUNIT_EXPECT_EQ(test, 0, n1->ret);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(notif));

	KUNIT_EXPECT_FALSE(test, evobj_pulse(sync));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(s0));
	KUNIT_EXPECT_EQ(test, 0, s0->ret);
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(s1));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(sync));
	KUNIT_EXPECT_FALSE(test, evobj_set(sync));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(s1));
	KUNIT_EXPECT_EQ(test, 0, s1->ret);
}

static void evobj_wait_all_wakes_on_last_test(struct kunit *test)
{
	struct evobj *evs[2];
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	evobj_test_create_many(test, evs, 2, EVOBJ_SYNCHRONIZATION);
	w = evobj_waiter_start(test, &finished, evs, 2, NULL, true);
	KUNIT_EXPECT_FALSE(test, evobj_set(evs[1]));
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(w));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(evs[1]));

	KUNIT_EXPECT_FALSE(test, evobj_set(evs[0]));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 0U, w->index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[0]));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[1]));
}

/*
 * A wait-all queued first on an event must not keep that event from a
 * wait-any queued after it while the wait-all cannot complete.
 */
static void evobj_wait_all_not_holding_back_any_test(struct kunit *test)
{
	struct evobj *evs[2];
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *all, *any;

	evobj_test_create_many(test, evs, 2, EVOBJ_SYNCHRONIZATION);
	all = evobj_waiter_start(test, &finished, evs, 2, NULL, true);
	any = evobj_waiter_start(test, &finished, evs, 1, NULL, false);

	KUNIT_EXPECT_FALSE(test, evobj_set(evs[0]));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(any));
	KUNIT_EXPECT_EQ(test, 0, any->ret);
	KUNIT_EXPECT_EQ(test, 0U, any->index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[0]));
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(all));

	/* Now both at once, for the wait-all alone. */
	KUNIT_EXPECT_FALSE(test, evobj_set(evs[1]));
	KUNIT_EXPECT_FALSE(test, evobj_set(evs[0]));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(all));
	KUNIT_EXPECT_EQ(test, 0, all->ret);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[0]));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[1]));
}

static void evobj_alert_wakes_waiter_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	struct evobj *alert = evobj_test_create(test, EVOBJ_SYNCHRONIZATION,
						false);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *any, *all;

	any = evobj_waiter_start(test, &finished, &ev, 1, alert, false);
	all = evobj_waiter_start(test, &finished, &ev, 1, alert, true);
	KUNIT_EXPECT_EQ(test, 2U, evobj_nr_waiters(alert));

	/* One set of a synchronization alert alerts one wait. */
	KUNIT_EXPECT_FALSE(test, evobj_set(alert));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(any));
	KUNIT_EXPECT_EQ(test, 0, any->ret);
	KUNIT_EXPECT_EQ(test, 1U, any->index);
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(all));

	KUNIT_EXPECT_FALSE(test, evobj_set(alert));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(all));
	KUNIT_EXPECT_EQ(test, 0, all->ret);
	KUNIT_EXPECT_EQ(test, 1U, all->index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(alert));
}

static void evobj_kthread_timeout_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start_on(test, &finished, &ev, 1, NULL, false, -1,
				  100);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, w->ret);
	KUNIT_EXPECT_GE(test, w->end, w->timeout);
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(ev));
	/* The expired wait took nothing: the next set stays visible. */
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));
}

/* kthread_stop() interrupts a wait the way a signal does. */
static void evobj_kthread_interrupted_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	kunit_release_action(test, evobj_waiter_stop, w);
	KUNIT_EXPECT_TRUE(test, completion_done(&w->done));
	KUNIT_EXPECT_EQ(test, -ERESTARTSYS, w->ret);
	KUNIT_EXPECT_LT(test, w->end, w->timeout);
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(ev));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static struct kunit_case evobj_wait_cases[] = {
	KUNIT_CASE(evobj_notification_wakes_all_test),
	KUNIT_CASE(evobj_synchronization_fifo_test),
	KUNIT_CASE(evobj_pulse_wakes_waiters_test),
	KUNIT_CASE(evobj_wait_all_wakes_on_last_test),
	KUNIT_CASE(evobj_wait_all_not_holding_back_any_test),
	KUNIT_CASE(evobj_alert_wakes_waiter_test),
	KUNIT_CASE(evobj_kthread_timeout_test),
	KUNIT_CASE(evobj_kthread_interrupted_test),
	{}
};

static struct kunit_suite evobj_wait_suite = {
	.name = "evobj_wait",
	.test_cases = evobj_wait_cases,
};

/*
 * Real hardirq context: a hard hrtimer and a hard irq_work run their
 * callbacks in hardirq context, on PREEMPT_RT too. The callback applies
 * @op to the event and records where it ran and what @op returned.
 */
struct evobj_irq {
	struct hrtimer timer;
	struct irq_work work;
	struct evobj *ev;
	bool (*op)(struct evobj *ev);
	bool in_hardirq;
	bool prev;
	struct completion fired;
};

static void evobj_irq_run(struct evobj_irq *irq)
{
	irq->in_hardirq = in_hardirq();
	irq->prev = irq->op(irq->ev);
	/* Completions use a raw lock: fine in hardirq, also on RT. */
	complete(&irq->fired);
}

static enum hrtimer_restart evobj_irq_timer_fn(struct hrtimer *timer)
{
	evobj_irq_run(container_of(timer, struct evobj_irq, timer));
	return HRTIMER_NORESTART;
}

static void evobj_irq_work_fn(struct irq_work *work)
{
	evobj_irq_run(container_of(work, struct evobj_irq, work));
}

static void evobj_irq_cancel(void *data)
{
	struct evobj_irq *irq = data;

	hrtimer_cancel(&irq->timer);
	irq_work_sync(&irq->work);
}

static struct evobj_irq *evobj_irq_create(struct kunit *test,
					  struct evobj *ev,
					  bool (*op)(struct evobj *ev))
{
	struct evobj_irq *irq = kunit_kzalloc(test, sizeof(*irq), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, irq);
	irq->ev = ev;
	irq->op = op;
	init_completion(&irq->fired);
	evobj_hrtimer_setup(&irq->timer, evobj_irq_timer_fn, CLOCK_MONOTONIC,
			    HRTIMER_MODE_REL_HARD);
	irq->work = IRQ_WORK_INIT_HARD(evobj_irq_work_fn);
	/* Added after the allocation, so it runs before the kfree(). */
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_irq_cancel, irq));
	return irq;
}

static void evobj_irq_fire_timer(struct evobj_irq *irq)
{
	hrtimer_start(&irq->timer, ns_to_ktime(100 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
}

static void evobj_irq_fire_work(struct kunit *test, struct evobj_irq *irq)
{
	KUNIT_EXPECT_TRUE(test, irq_work_queue(&irq->work));
}

static bool evobj_irq_fired(struct evobj_irq *irq)
{
	return wait_for_completion_timeout(&irq->fired,
					   msecs_to_jiffies(EVOBJ_TEST_LONG_MS));
}

/*
 * A poll waiter as select() or epoll would queue it, but whose wake
 * function only records the wake-up, so that the test sees exactly when
 * and with what key evobj wakes its poll_wq.
 */
struct evobj_poller {
	poll_table pt;
	wait_queue_entry_t entry;
	wait_queue_head_t *head;
	__poll_t key;
	atomic_t wakes;
	struct completion woken;
};

static int evobj_poller_wake(wait_queue_entry_t *entry, unsigned int mode,
			     int sync, void *key)
{
	struct evobj_poller *p = container_of(entry, struct evobj_poller,
					      entry);

	WRITE_ONCE(p->key, key_to_poll(key));
	atomic_inc(&p->wakes);
	complete(&p->woken);
	return 0;
}

static void evobj_poller_queue(struct file *file, wait_queue_head_t *head,
			       poll_table *pt)
{
	struct evobj_poller *p = container_of(pt, struct evobj_poller, pt);

	p->head = head;
	init_waitqueue_func_entry(&p->entry, evobj_poller_wake);
	add_wait_queue(head, &p->entry);
}

static void evobj_poller_remove(void *data)
{
	struct evobj_poller *p = data;

	if (p->head)
		remove_wait_queue(p->head, &p->entry);
}

KUNIT_DEFINE_ACTION_WRAPPER(evobj_fput_action, __fput_sync, struct file *);

/*
 * An event file made the way EVOBJ_IOC_CREATE makes one, minus the fd.
 * The file owns the event's only reference; *@evp borrows it.
 */
static struct file *evobj_test_file(struct kunit *test, u32 type,
				    bool signaled, struct evobj **evp)
{
	struct evobj *ev = evobj_create(type, signaled);
	struct file *file;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	file = evobj_file_open(ev, 0);
	if (IS_ERR(file))
		evobj_put(ev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_fput_action, file));
	*evp = ev;
	return file;
}

/* Polls @file with @p queued on it; removed before the file goes. */
static __poll_t evobj_test_poll(struct kunit *test, struct file *file,
				struct evobj_poller **pp)
{
	struct evobj_poller *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	__poll_t mask;

	KUNIT_ASSERT_NOT_NULL(test, p);
	init_completion(&p->woken);
	init_poll_funcptr(&p->pt, evobj_poller_queue);
	mask = vfs_poll(file, &p->pt);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_poller_remove, p));
	KUNIT_ASSERT_NOT_NULL(test, p->head);
	*pp = p;
	return mask;
}

static void evobj_hrtimer_set_wakes_waiter_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	struct evobj_irq *irq = evobj_irq_create(test, ev, evobj_set);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	evobj_irq_fire_timer(irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_EXPECT_FALSE(test, irq->prev);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static void evobj_irq_work_set_wakes_waiters_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	struct evobj_irq *irq = evobj_irq_create(test, ev, evobj_set);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w0, *w1;

	w0 = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	w1 = evobj_waiter_start(test, &finished, &ev, 1, NULL, true);
	evobj_irq_fire_work(test, irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_EXPECT_FALSE(test, irq->prev);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w0));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w1));
	KUNIT_EXPECT_EQ(test, 0, w0->ret);
	KUNIT_EXPECT_EQ(test, 0, w1->ret);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));
}

static void evobj_hardirq_pulse_reset_test(struct kunit *test)
{
	struct evobj *sync = evobj_test_create(test, EVOBJ_SYNCHRONIZATION,
					       false);
	struct evobj *notif = evobj_test_create(test, EVOBJ_NOTIFICATION, true);
	struct evobj_irq *pulse = evobj_irq_create(test, sync, evobj_pulse);
	struct evobj_irq *reset = evobj_irq_create(test, notif, evobj_reset);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, &sync, 1, NULL, false);
	evobj_irq_fire_timer(pulse);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(pulse));
	KUNIT_EXPECT_TRUE(test, pulse->in_hardirq);
	KUNIT_EXPECT_FALSE(test, pulse->prev);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(sync));

	evobj_irq_fire_work(test, reset);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(reset));
	KUNIT_EXPECT_TRUE(test, reset->in_hardirq);
	KUNIT_EXPECT_TRUE(test, reset->prev);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(notif));
}

/*
 * A set from hardirq must not take the poll wait queue's spinlock_t (a
 * sleeping lock on RT, which PROVE_RAW_LOCK_NESTING flags on any kernel):
 * the poller is woken later, through the event's irq_work.
 */
static void evobj_hardirq_set_wakes_poller_test(struct kunit *test)
{
	struct evobj_poller *p;
	struct evobj_irq *irq;
	struct file *file;
	struct evobj *ev;
	__poll_t mask;

	file = evobj_test_file(test, EVOBJ_NOTIFICATION, false, &ev);
	mask = evobj_test_poll(test, file, &p);
	KUNIT_EXPECT_EQ(test, (__poll_t)(EPOLLOUT | EPOLLWRNORM), mask);

	irq = evobj_irq_create(test, ev, evobj_set);
	evobj_irq_fire_work(test, irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_ASSERT_TRUE(test, evobj_test_completes(&p->woken,
						     EVOBJ_TEST_LONG_MS));
	KUNIT_EXPECT_EQ(test, (__poll_t)(EPOLLIN | EPOLLRDNORM),
			READ_ONCE(p->key));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&p->wakes));
	KUNIT_EXPECT_EQ(test, (__poll_t)(EPOLLIN | EPOLLRDNORM | EPOLLOUT |
					 EPOLLWRNORM), vfs_poll(file, NULL));

	/* Again from the hrtimer, after a reset. */
	reinit_completion(&p->woken);
	KUNIT_EXPECT_TRUE(test, evobj_reset(ev));
	irq = evobj_irq_create(test, ev, evobj_set);
	evobj_irq_fire_timer(irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_ASSERT_TRUE(test, evobj_test_completes(&p->woken,
						     EVOBJ_TEST_LONG_MS));
	KUNIT_EXPECT_EQ(test, 2, atomic_read(&p->wakes));
}

/* A pulse never makes the event visibly signaled: pollers sleep on. */
static void evobj_hardirq_pulse_skips_poller_test(struct kunit *test)
{
	struct evobj_poller *p;
	struct evobj_irq *irq;
	struct file *file;
	struct evobj *ev;

	file = evobj_test_file(test, EVOBJ_SYNCHRONIZATION, false, &ev);
	evobj_test_poll(test, file, &p);
	irq = evobj_irq_create(test, ev, evobj_pulse);
	evobj_irq_fire_work(test, irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_EXPECT_FALSE(test, irq->prev);
	KUNIT_EXPECT_FALSE(test, evobj_test_completes(&p->woken,
						      EVOBJ_TEST_QUIET_MS));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&p->wakes));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

/* The other CPU of evobj_release_waits_for_busy_work_test(). */
struct evobj_busy_work {
	struct evobj *ev;
	atomic_t queued;
};

/*
 * In an IPI, interrupts off: queues the event's work on this CPU, where
 * it stays pending until the handler returns, 100 ms later.
 */
static void evobj_queue_and_hold(void *arg)
{
	struct evobj_busy_work *b = arg;

	irq_work_queue(&b->ev->work);
	atomic_set(&b->queued, 1);
	mdelay(100);
}

/*
 * The last reference dropped while the event's irq_work is pending on
 * another CPU: the release waits for it to run before the event is
 * freed (KASAN would catch a use after free in evobj_work()).
 */
static void evobj_release_waits_for_busy_work_test(struct kunit *test)
{
	struct evobj_busy_work *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	unsigned long end;
	unsigned int cpu;

	KUNIT_ASSERT_NOT_NULL(test, b);
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	b->ev = evobj_create(EVOBJ_NOTIFICATION, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b->ev));
	cpu = cpumask_any_but(cpu_online_mask, get_cpu());
	KUNIT_EXPECT_EQ(test, 0, smp_call_function_single(cpu, evobj_queue_and_hold,
							  b, false));
	put_cpu();
	end = jiffies + msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	while (!atomic_read(&b->queued) && time_before(jiffies, end))
		cpu_relax();
	KUNIT_ASSERT_TRUE(test, atomic_read(&b->queued));
	/* A vCPU preempted for 100 ms may have run it already: no check. */
	if (!irq_work_is_busy(&b->ev->work))
		kunit_info(test, "the work ran before the release");
	evobj_put(b->ev);
}

static struct kunit_case evobj_hardirq_cases[] = {
	KUNIT_CASE(evobj_hrtimer_set_wakes_waiter_test),
	KUNIT_CASE(evobj_irq_work_set_wakes_waiters_test),
	KUNIT_CASE(evobj_hardirq_pulse_reset_test),
	KUNIT_CASE(evobj_hardirq_set_wakes_poller_test),
	KUNIT_CASE(evobj_hardirq_pulse_skips_poller_test),
	KUNIT_CASE(evobj_release_waits_for_busy_work_test),
	{}
};

static struct kunit_suite evobj_hardirq_suite = {
	.name = "evobj_hardirq",
	.test_cases = evobj_hardirq_cases,
};

/* The event's own hardirq timer (EVOBJ_IOC_TIMER). */

static u64 evobj_test_ns_in_ms(unsigned int ms)
{
	return ktime_to_ns(evobj_test_in_ms(ms));
}

static void evobj_timer_one_shot_test(struct kunit *test)
{
	struct evobj *sync = evobj_test_create(test, EVOBJ_SYNCHRONIZATION,
					       false);
	struct evobj *notif = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;
	ktime_t expires;

	w = evobj_waiter_start(test, &finished, &sync, 1, NULL, false);
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(sync, evobj_test_ns_in_ms(2),
						 0));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(sync));

	expires = evobj_test_in_ms(5);
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(notif, expires, 0));
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait(notif, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)));
	KUNIT_EXPECT_GE(test, ktime_get(), expires);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(notif));
	/* One shot: once reset, it stays reset. */
	KUNIT_EXPECT_TRUE(test, evobj_reset(notif));
	msleep(EVOBJ_TEST_QUIET_MS);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(notif));
}

static void evobj_timer_periodic_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	const unsigned int periods = 10;
	ktime_t start = ktime_get();
	unsigned int i, woken = 0;

	KUNIT_ASSERT_EQ(test, 0, evobj_timer_arm(ev, ktime_to_ns(start) +
						 NSEC_PER_MSEC, NSEC_PER_MSEC));
	for (i = 0; i < periods; i++)
		if (!evobj_wait(ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)))
			woken++;
	KUNIT_EXPECT_EQ(test, periods, woken);
	/* Each wait consumed one expiry: the last came periods ms in. */
	KUNIT_EXPECT_GE(test, ktime_ms_delta(ktime_get(), start), (s64)periods);

	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ev, 0, 0));
	evobj_reset(ev);
	msleep(EVOBJ_TEST_QUIET_MS);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static void evobj_timer_rearm_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);

	/* Re-arming replaces: an hour away becomes now. */
	KUNIT_EXPECT_EQ(test, 0,
			evobj_timer_arm(ev, evobj_test_ns_in_ms(3600000), 0));
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ev, 1, 0));
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait(ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)));

	/* Disarming cancels a pending expiry. */
	KUNIT_EXPECT_TRUE(test, evobj_reset(ev));
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ev, evobj_test_ns_in_ms(10),
						 0));
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ev, 0, 0));
	msleep(EVOBJ_TEST_QUIET_MS);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static void evobj_timer_bad_arguments_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);

	KUNIT_EXPECT_EQ(test, -EINVAL,
			evobj_timer_arm(ev, (u64)KTIME_MAX + 1, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			evobj_timer_arm(ev, 0, (u64)KTIME_MAX + 1));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			evobj_timer_arm(ev, 0, EVOBJ_TIMER_MIN_PERIOD - 1));
	KUNIT_EXPECT_EQ(test, -EINVAL, evobj_timer_arm(ev, 0, 1));
	/* None of them armed anything. */
	msleep(EVOBJ_TEST_QUIET_MS);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));

	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ev, 0,
						 EVOBJ_TIMER_MIN_PERIOD));
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait(ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)));
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ev, 0, 0));
}

/* The last put cancels a running periodic timer (KASAN would see it). */
static void evobj_timer_put_while_armed_test(struct kunit *test)
{
	struct evobj *ev = evobj_create(EVOBJ_SYNCHRONIZATION, false);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ev, 0,
						 EVOBJ_TIMER_MIN_PERIOD));
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait(ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)));
	evobj_put(ev);
	/* Leave time for an expiry that the put failed to cancel. */
	msleep(EVOBJ_TEST_QUIET_MS);
}

static struct kunit_case evobj_timer_cases[] = {
	KUNIT_CASE(evobj_timer_one_shot_test),
	KUNIT_CASE(evobj_timer_periodic_test),
	KUNIT_CASE(evobj_timer_rearm_test),
	KUNIT_CASE(evobj_timer_bad_arguments_test),
	KUNIT_CASE(evobj_timer_put_while_armed_test),
	{}
};

static struct kunit_suite evobj_timer_suite = {
	.name = "evobj_timer",
	.test_cases = evobj_timer_cases,
};

/* Event files and references. */

static void evobj_get_file_outlives_fput_test(struct kunit *test)
{
	struct evobj *ev = evobj_create(EVOBJ_SYNCHRONIZATION, false);
	struct evobj *ref;
	struct file *file;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	file = evobj_file_open(ev, 0);
	if (IS_ERR(file))
		evobj_put(ev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);

	ref = evobj_get_file(file);
	KUNIT_EXPECT_PTR_EQ(test, ev, ref);
	KUNIT_EXPECT_EQ(test, 2U, kref_read(&ev->ref));
	__fput_sync(file);
	if (IS_ERR(ref))
		return;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ref));

	/* The file is gone; the event lives on for the reference. */
	KUNIT_EXPECT_EQ(test, 1U, kref_read(&ev->ref));
	KUNIT_EXPECT_FALSE(test, evobj_set(ref));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(ref, 0));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ref));
}

static const struct file_operations evobj_test_foreign_fops = {
	.owner = THIS_MODULE,
};

static void evobj_get_file_foreign_test(struct kunit *test)
{
	struct file *file = anon_inode_getfile("[evobj_kunit]",
					       &evobj_test_foreign_fops, NULL,
					       O_RDWR);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_fput_action, file));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(evobj_get_file(file)));
}

/*
 * evobj_get() resolves an fd of the current task, here the KUnit
 * kthread; the fd is closed again before anything is checked.
 */
static void evobj_get_fd_test(struct kunit *test)
{
	struct evobj *ev, *ref;
	struct file *file;
	int fd;

	file = evobj_test_file(test, EVOBJ_NOTIFICATION, false, &ev);
	fd = get_unused_fd_flags(O_CLOEXEC);
	KUNIT_ASSERT_GE(test, fd, 0);
	get_file(file);		/* the fd table's reference */
	fd_install(fd, file);
	ref = evobj_get(fd);
	KUNIT_EXPECT_EQ(test, 0, close_fd(fd));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ref);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ref));
	KUNIT_EXPECT_PTR_EQ(test, ev, ref);

	KUNIT_EXPECT_EQ(test, -EBADF, PTR_ERR(evobj_get(fd)));
	KUNIT_EXPECT_EQ(test, -EBADF, PTR_ERR(evobj_get(-1)));
	KUNIT_EXPECT_EQ(test, -EBADF, PTR_ERR(evobj_get(INT_MAX)));
}

static void evobj_poll_mask_test(struct kunit *test)
{
	const __poll_t in = EPOLLIN | EPOLLRDNORM, out = EPOLLOUT | EPOLLWRNORM;
	struct file *file;
	struct evobj *ev;

	file = evobj_test_file(test, EVOBJ_SYNCHRONIZATION, true, &ev);
	KUNIT_EXPECT_EQ(test, in | out, vfs_poll(file, NULL));
	/* Polling consumes nothing. */
	KUNIT_EXPECT_EQ(test, in | out, vfs_poll(file, NULL));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(ev, 0));
	KUNIT_EXPECT_EQ(test, out, vfs_poll(file, NULL));
}

/* From process context the poller is woken before evobj_set() returns. */
static void evobj_process_set_wakes_poller_test(struct kunit *test)
{
	struct evobj_poller *p;
	struct file *file;
	struct evobj *ev;

	file = evobj_test_file(test, EVOBJ_NOTIFICATION, false, &ev);
	evobj_test_poll(test, file, &p);
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_EXPECT_TRUE(test, completion_done(&p->woken));
	KUNIT_EXPECT_EQ(test, (__poll_t)(EPOLLIN | EPOLLRDNORM),
			READ_ONCE(p->key));
	/* Already signaled: no second wake-up. */
	KUNIT_EXPECT_TRUE(test, evobj_set(ev));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&p->wakes));
}

static struct kunit_case evobj_file_cases[] = {
	KUNIT_CASE(evobj_get_file_outlives_fput_test),
	KUNIT_CASE(evobj_get_file_foreign_test),
	KUNIT_CASE(evobj_get_fd_test),
	KUNIT_CASE(evobj_poll_mask_test),
	KUNIT_CASE(evobj_process_set_wakes_poller_test),
	{}
};

static struct kunit_suite evobj_file_suite = {
	.name = "evobj_file",
	.test_cases = evobj_file_cases,
};

/*
 * Bounded cost and a timer that cannot storm: what a set walks, where
 * wait-all takes its lock, the per-event queue limit, and the timer's
 * parking and its end with the last file.
 */

/* A wait-any names a repeated object once in its queue. */
static void evobj_duplicates_queued_once_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	struct evobj *twice[2] = { ev, ev };
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, twice, 2, ev, false);
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(w));
	/* Neither the repeat nor the alert (the same object) is queued. */
	KUNIT_EXPECT_EQ(test, 1U, evobj_nr_waiters(ev));
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 0U, w->index);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

/*
 * A wait completed through one object leaves no entry that a later set
 * of another object walks: it is gone once the waiter has returned.
 */
static void evobj_completed_entries_leave_test(struct kunit *test)
{
	struct evobj *evs[2] = {
		evobj_test_create(test, EVOBJ_NOTIFICATION, false),
		evobj_test_create(test, EVOBJ_NOTIFICATION, false),
	};
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, evs, 2, NULL, false);
	KUNIT_EXPECT_TRUE(test, evobj_test_wait_waiters(evs[1], 1, NULL));
	KUNIT_EXPECT_FALSE(test, evobj_pulse(evs[0]));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0U, w->index);
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(evs[0]));
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(evs[1]));
	/* Pulsed: nobody saw it signaled, and it is not. */
	KUNIT_EXPECT_FALSE(test, evobj_signaled(evs[0]));
}

/* More completed waits than one set's batch: the rest are woken too. */
static void evobj_wake_beyond_batch_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	struct evobj_waiter *w[3 * EVOBJ_WAKE_BATCH + 1];
	atomic_t finished = ATOMIC_INIT(0);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(w); i++)
		w[i] = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	KUNIT_EXPECT_FALSE(test, evobj_pulse(ev));
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w[i]));
		KUNIT_EXPECT_EQ(test, 0, w[i]->ret);
	}
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(ev));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

/*
 * Wait-alls merge the groups of the objects they name; events that no
 * wait-all named together keep apart.
 */
static void evobj_wait_all_groups_test(struct kunit *test)
{
	struct evobj *a = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);
	struct evobj *b = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);
	struct evobj *c = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);
	struct evobj *d = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);
	struct evobj *ab[2] = { a, b }, *cd[2] = { c, d }, *bc[2] = { b, c };
	struct evobj_group *ga, *gc;
	u32 index = U32_MAX;

	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(ab, 2, NULL, NULL, true,
						 CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_EQ(test, 0U, index);
	KUNIT_EXPECT_EQ(test, 0, evobj_wait_many(cd, 2, NULL, NULL, true,
						 CLOCK_MONOTONIC, 0, &index));
	ga = evobj_group_lock_irq(a);
	evobj_group_unlock_irq(ga);
	gc = evobj_group_lock_irq(c);
	evobj_group_unlock_irq(gc);
	KUNIT_EXPECT_PTR_NE(test, ga, gc);

	/* b and c: not all signaled, a test, nothing consumed. */
	evobj_set(b);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			evobj_wait_many(bc, 2, NULL, NULL, true,
					CLOCK_MONOTONIC, 0, &index));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(b));
	ga = evobj_group_lock_irq(a);
	evobj_group_unlock_irq(ga);
	gc = evobj_group_lock_irq(d);
	evobj_group_unlock_irq(gc);
	KUNIT_EXPECT_PTR_EQ(test, ga, gc);
}

/* max_waiters: past it a wait fails with ENOSPC and queues nothing. */
static void evobj_max_waiters_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	struct evobj *other = evobj_test_create(test, EVOBJ_SYNCHRONIZATION,
						false);
	struct evobj *both[2] = { other, ev };
	unsigned int saved = evobj_max_waiters;
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;
	u32 index;

	WRITE_ONCE(evobj_max_waiters, 1);
	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			evobj_wait(ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)));
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			evobj_wait_many(both, 2, NULL, NULL, true,
					CLOCK_MONOTONIC,
					evobj_test_in_ms(EVOBJ_TEST_LONG_MS),
					&index));
	KUNIT_EXPECT_EQ(test, 0U, evobj_nr_waiters(other));
	/* A test never queues, so the limit does not apply to it. */
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(ev, 0));
	WRITE_ONCE(evobj_max_waiters, saved);
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
}

static enum evobj_timer_state evobj_test_timer_state(struct evobj *ev,
						     u64 *expiries)
{
	enum evobj_timer_state state;
	unsigned long flags;

	raw_spin_lock_irqsave(&ev->lock, flags);
	state = ev->timer_state;
	*expiries = ev->timer_expiries;
	raw_spin_unlock_irqrestore(&ev->lock, flags);
	return state;
}

/* An unconsumed periodic timer parks; a consumption starts it again. */
static void evobj_timer_parks_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	u64 before, after;

	KUNIT_ASSERT_EQ(test, 0, evobj_timer_arm(ev, evobj_test_ns_in_ms(1),
						 NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait(ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)));
	/* Nobody consumes: the next expiry sets, the one after parks. */
	msleep(EVOBJ_TEST_QUIET_MS);
	KUNIT_EXPECT_EQ(test, EVOBJ_TIMER_PARKED,
			evobj_test_timer_state(ev, &before));
	msleep(EVOBJ_TEST_QUIET_MS);
	KUNIT_EXPECT_EQ(test, EVOBJ_TIMER_PARKED,
			evobj_test_timer_state(ev, &after));
	KUNIT_EXPECT_EQ(test, before, after);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));

	/* Consumed: armed again, and it sets the event again. */
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(ev, 0));
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait(ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)));
	KUNIT_EXPECT_GT(test, ev->timer_expiries, after);
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ev, 0, 0));
	KUNIT_EXPECT_EQ(test, EVOBJ_TIMER_OFF,
			evobj_test_timer_state(ev, &after));
}

/* The timer belongs to the files: a kernel reference does not keep it. */
static void evobj_timer_stops_with_last_file_test(struct kunit *test)
{
	struct evobj *ev = evobj_create(EVOBJ_NOTIFICATION, false);
	struct evobj *ref;
	struct file *file;
	u64 before, after;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	file = evobj_file_open(ev, 0);
	if (IS_ERR(file))
		evobj_put(ev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	ref = evobj_get_file(file);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ref));

	KUNIT_ASSERT_EQ(test, 0, evobj_timer_arm(ev, evobj_test_ns_in_ms(1),
						 NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait(ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)));
	/* Reset it often, so that it never parks while the file is open. */
	evobj_reset(ev);
	__fput_sync(file);
	KUNIT_EXPECT_EQ(test, EVOBJ_TIMER_OFF,
			evobj_test_timer_state(ev, &before));
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&ev->timer));
	KUNIT_EXPECT_NULL(test, ev->timer_user);
	evobj_reset(ev);
	msleep(EVOBJ_TEST_QUIET_MS);
	KUNIT_EXPECT_EQ(test, EVOBJ_TIMER_OFF,
			evobj_test_timer_state(ev, &after));
	KUNIT_EXPECT_EQ(test, before, after);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

/*
 * A user at a limit of 0 who holds nothing yet: the count made for the
 * charge is dropped again, and the charge fails with -ENOSPC.
 */
static void evobj_user_limit_zero_test(struct kunit *test)
{
	struct evobj_user *u;

	KUNIT_EXPECT_EQ(test, -ENOSPC,
			PTR_ERR(evobj_user_charge(EVOBJ_LIMIT_TIMERS, 0)));
	/* Nothing was left counted: a limit of 1 has room. */
	u = evobj_user_charge(EVOBJ_LIMIT_TIMERS, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(u));
	evobj_user_uncharge(u, EVOBJ_LIMIT_TIMERS);
}

static struct kunit_case evobj_bounded_cases[] = {
	KUNIT_CASE(evobj_duplicates_queued_once_test),
	KUNIT_CASE(evobj_completed_entries_leave_test),
	KUNIT_CASE(evobj_wake_beyond_batch_test),
	KUNIT_CASE(evobj_wait_all_groups_test),
	KUNIT_CASE(evobj_max_waiters_test),
	KUNIT_CASE(evobj_timer_parks_test),
	KUNIT_CASE(evobj_timer_stops_with_last_file_test),
	KUNIT_CASE(evobj_user_limit_zero_test),
	{}
};

static struct kunit_suite evobj_bounded_suite = {
	.name = "evobj_bounded",
	.test_cases = evobj_bounded_cases,
};

/*
 * Stress: kthreads bound to different CPUs set, reset and wait on shared
 * synchronization events. Per event, every state change made by a set is
 * undone exactly once, by a wait that consumed it or a reset that found
 * it signaled: changed == consumed + cancelled (+ 1 if left signaled).
 */
#define EVOBJ_STRESS_EVENTS	3
#define EVOBJ_STRESS_SETS	3000
#define EVOBJ_STRESS_ROUNDS	1000

struct evobj_stress {
	struct evobj *evs[EVOBJ_STRESS_EVENTS];
	atomic_t changed[EVOBJ_STRESS_EVENTS];
	atomic_t cancelled[EVOBJ_STRESS_EVENTS];
	atomic_t consumed[EVOBJ_STRESS_EVENTS];
	atomic_t errors;
	atomic_t next_id;
	atomic_t producers_done;
	struct task_struct *producers[2], *consumers[3];
};

static void evobj_thread_stop(void *task)
{
	kthread_stop_put(task);
}

/* Runs @fn on CPU @nth of the online ones (modulo), stopped at test end. */
static struct task_struct *evobj_thread_start(struct kunit *test,
					      int (*fn)(void *), void *data,
					      unsigned int nth)
{
	unsigned int cpu = cpumask_nth(nth % num_online_cpus(),
				       cpu_online_mask);
	struct task_struct *task;

	task = kthread_create(fn, data, "evobj_kunit_s%u", nth);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	get_task_struct(task);
	kthread_bind(task, cpu);
	wake_up_process(task);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_thread_stop, task));
	return task;
}

/* Parks a finished thread until kthread_stop(). */
static int evobj_thread_idle(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int evobj_stress_producer(void *data)
{
	struct evobj_stress *s = data;
	unsigned int id = atomic_inc_return(&s->next_id);
	unsigned int i;

	for (i = 0; i < EVOBJ_STRESS_SETS; i++) {
		unsigned int e = (i + id) % EVOBJ_STRESS_EVENTS;
		unsigned int r = (e + 1) % EVOBJ_STRESS_EVENTS;

		if (!evobj_set(s->evs[e]))
			atomic_inc(&s->changed[e]);
		if (i % 5 == 0 && evobj_reset(s->evs[r]))
			atomic_inc(&s->cancelled[r]);
		if (i % 64 == 0)
			cond_resched();
	}
	atomic_inc(&s->producers_done);
	return evobj_thread_idle();
}

static void evobj_stress_account(struct evobj_stress *s, int ret, u32 index,
				 bool all)
{
	if (ret == -ETIMEDOUT || ret == -ERESTARTSYS)
		return;
	if (ret || index >= EVOBJ_STRESS_EVENTS || (all && index)) {
		atomic_inc(&s->errors);
		return;
	}
	if (all) {
		atomic_inc(&s->consumed[0]);
		atomic_inc(&s->consumed[1]);
	} else {
		atomic_inc(&s->consumed[index]);
	}
}

static int evobj_stress_any_consumer(void *data)
{
	struct evobj_stress *s = data;

	while (!kthread_should_stop()) {
		u32 index = U32_MAX;
		int ret = evobj_wait_many(s->evs, EVOBJ_STRESS_EVENTS, NULL, NULL,
					  false, CLOCK_MONOTONIC,
					  evobj_test_in_ms(20), &index);

		evobj_stress_account(s, ret, index, false);
	}
	return 0;
}

static int evobj_stress_all_consumer(void *data)
{
	struct evobj_stress *s = data;

	while (!kthread_should_stop()) {
		u32 index = U32_MAX;
		int ret = evobj_wait_many(s->evs, 2, NULL, NULL, true,
					  CLOCK_MONOTONIC,
					  evobj_test_in_ms(20), &index);

		evobj_stress_account(s, ret, index, true);
	}
	return 0;
}

static bool evobj_stress_balanced(struct evobj_stress *s)
{
	unsigned int e;

	for (e = 0; e < EVOBJ_STRESS_EVENTS; e++)
		if (atomic_read(&s->changed[e]) !=
		    atomic_read(&s->consumed[e]) +
		    atomic_read(&s->cancelled[e]) +
		    evobj_signaled(s->evs[e]))
			return false;
	return true;
}

static void evobj_stress_sync_test(struct kunit *test)
{
	struct evobj_stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	ktime_t deadline;
	unsigned int e, t;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 CPUs, has %u", num_online_cpus());
	KUNIT_ASSERT_NOT_NULL(test, s);
	evobj_test_create_many(test, s->evs, EVOBJ_STRESS_EVENTS,
			       EVOBJ_SYNCHRONIZATION);

	for (t = 0; t < 2; t++)
		s->consumers[t] = evobj_thread_start(test,
						     evobj_stress_any_consumer,
						     s, t);
	s->consumers[2] = evobj_thread_start(test, evobj_stress_all_consumer,
					     s, 2);
	for (t = 0; t < 2; t++)
		s->producers[t] = evobj_thread_start(test,
						     evobj_stress_producer,
						     s, t + 1);

	/*
	 * The producers finish; the consumers then drain every event. The
	 * counts lag a consumed signal briefly, hence the polling.
	 */
	deadline = evobj_test_in_ms(6 * EVOBJ_TEST_LONG_MS);
	while (atomic_read(&s->producers_done) < 2 ||
	       !evobj_stress_balanced(s) || evobj_signaled(s->evs[0]) ||
	       evobj_signaled(s->evs[1]) || evobj_signaled(s->evs[2])) {
		if (ktime_after(ktime_get(), deadline))
			break;
		msleep(20);
	}
	for (t = 0; t < 2; t++)
		kunit_release_action(test, evobj_thread_stop, s->producers[t]);
	for (t = 0; t < 3; t++)
		kunit_release_action(test, evobj_thread_stop, s->consumers[t]);

	KUNIT_EXPECT_EQ(test, 0, atomic_read(&s->errors));
	for (e = 0; e < EVOBJ_STRESS_EVENTS; e++) {
		int changed = atomic_read(&s->changed[e]);

		kunit_info(test, "event %u: %d changed, %d consumed, %d cancelled",
			   e, changed, atomic_read(&s->consumed[e]),
			   atomic_read(&s->cancelled[e]));
		KUNIT_EXPECT_GT(test, changed, 0);
		KUNIT_EXPECT_FALSE(test, evobj_signaled(s->evs[e]));
		KUNIT_EXPECT_EQ(test, changed,
				atomic_read(&s->consumed[e]) +
				atomic_read(&s->cancelled[e]));
	}
}

/*
 * Two kthreads on different CPUs hand a token back and forth through two
 * synchronization events. Every wait has a long timeout: one that expires
 * is a lost wake-up, and a set that finds its event already signaled is a
 * token counted twice.
 */
struct evobj_ping_pong {
	struct evobj *ping, *pong;
	atomic_t rounds[2];
	atomic_t timeouts;
	atomic_t doubles;
	struct completion done[2];
};

static int evobj_ping_fn(void *data)
{
	struct evobj_ping_pong *pp = data;
	unsigned int i;

	for (i = 0; i < EVOBJ_STRESS_ROUNDS; i++) {
		if (evobj_set(pp->ping))
			atomic_inc(&pp->doubles);
		if (evobj_wait(pp->pong, evobj_test_in_ms(EVOBJ_TEST_LONG_MS))) {
			atomic_inc(&pp->timeouts);
			break;
		}
		atomic_inc(&pp->rounds[0]);
	}
	complete(&pp->done[0]);
	return evobj_thread_idle();
}

static int evobj_pong_fn(void *data)
{
	struct evobj_ping_pong *pp = data;
	unsigned int i;

	for (i = 0; i < EVOBJ_STRESS_ROUNDS; i++) {
		if (evobj_wait(pp->ping, evobj_test_in_ms(EVOBJ_TEST_LONG_MS))) {
			atomic_inc(&pp->timeouts);
			break;
		}
		if (evobj_set(pp->pong))
			atomic_inc(&pp->doubles);
		atomic_inc(&pp->rounds[1]);
	}
	complete(&pp->done[1]);
	return evobj_thread_idle();
}

static void evobj_stress_ping_pong_test(struct kunit *test)
{
	struct evobj_ping_pong *pp = kunit_kzalloc(test, sizeof(*pp),
						   GFP_KERNEL);
	ktime_t start = ktime_get();
	int i;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 CPUs, has %u", num_online_cpus());
	KUNIT_ASSERT_NOT_NULL(test, pp);
	pp->ping = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	pp->pong = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	init_completion(&pp->done[0]);
	init_completion(&pp->done[1]);
	evobj_thread_start(test, evobj_pong_fn, pp, 1);
	evobj_thread_start(test, evobj_ping_fn, pp, 0);

	for (i = 0; i < 2; i++) {
		bool done = evobj_test_completes(&pp->done[i],
						 6 * EVOBJ_TEST_LONG_MS);

		KUNIT_ASSERT_TRUE(test, done);
	}
	kunit_info(test, "%d round trips in %lld ms", EVOBJ_STRESS_ROUNDS,
		   ktime_ms_delta(ktime_get(), start));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&pp->timeouts));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&pp->doubles));
	KUNIT_EXPECT_EQ(test, EVOBJ_STRESS_ROUNDS, atomic_read(&pp->rounds[0]));
	KUNIT_EXPECT_EQ(test, EVOBJ_STRESS_ROUNDS, atomic_read(&pp->rounds[1]));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(pp->ping));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(pp->pong));
}

/*
 * The module's periodic hardirq timer feeds a synchronization event that
 * waiters on both CPUs drain: hardirq sets racing with waits on other
 * CPUs, under lockdep and KASAN. Every waiter gets its share in time.
 */
struct evobj_timer_stress {
	struct evobj *ev;
	atomic_t woken;
	atomic_t timeouts;
	atomic_t finished;
};

#define EVOBJ_TIMER_STRESS_WAITS	200

static int evobj_timer_stress_fn(void *data)
{
	struct evobj_timer_stress *ts = data;
	unsigned int i;

	for (i = 0; i < EVOBJ_TIMER_STRESS_WAITS; i++) {
		if (evobj_wait(ts->ev, evobj_test_in_ms(EVOBJ_TEST_LONG_MS)))
			atomic_inc(&ts->timeouts);
		else
			atomic_inc(&ts->woken);
	}
	atomic_inc(&ts->finished);
	return evobj_thread_idle();
}

static void evobj_stress_timer_test(struct kunit *test)
{
	struct evobj_timer_stress *ts = kunit_kzalloc(test, sizeof(*ts),
						      GFP_KERNEL);
	ktime_t deadline;
	unsigned int t;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 CPUs, has %u", num_online_cpus());
	KUNIT_ASSERT_NOT_NULL(test, ts);
	ts->ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	for (t = 0; t < 2; t++)
		evobj_thread_start(test, evobj_timer_stress_fn, ts, t);
	KUNIT_ASSERT_EQ(test, 0, evobj_timer_arm(ts->ev, 0,
						 2 * EVOBJ_TIMER_MIN_PERIOD));

	deadline = evobj_test_in_ms(6 * EVOBJ_TEST_LONG_MS);
	while (atomic_read(&ts->finished) < 2 &&
	       ktime_before(ktime_get(), deadline))
		msleep(20);
	KUNIT_EXPECT_EQ(test, 0, evobj_timer_arm(ts->ev, 0, 0));
	KUNIT_EXPECT_EQ(test, 2, atomic_read(&ts->finished));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&ts->timeouts));
	KUNIT_EXPECT_EQ(test, 2 * EVOBJ_TIMER_STRESS_WAITS,
			atomic_read(&ts->woken));
}

static struct kunit_case evobj_stress_cases[] = {
	KUNIT_CASE_SLOW(evobj_stress_sync_test),
	KUNIT_CASE_SLOW(evobj_stress_ping_pong_test),
	KUNIT_CASE_SLOW(evobj_stress_timer_test),
	{}
};

static struct kunit_suite evobj_stress_suite = {
	.name = "evobj_stress",
	.test_cases = evobj_stress_cases,
};

/* Named events (names.c): lifetime, lookup and races. */

#define EVOBJ_NAMES_MANY	1000
#define EVOBJ_NAMES_THREADS	4
#define EVOBJ_NAMES_ITERS	2000

static void evobj_names_lifetime_test(struct kunit *test)
{
	struct evobj *a, *b, *c;
	bool created = false;

	a = evobj_open("kunit/life", EVOBJ_SYNCHRONIZATION, true,
		       EVOBJ_OPEN_ALWAYS, 0600, &created);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, created);
	/* The existing event's type and state win. */
	b = evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
		       EVOBJ_OPEN_ALWAYS, 0, &created);
	KUNIT_ASSERT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_FALSE(test, created);
	KUNIT_EXPECT_EQ(test, EVOBJ_SYNCHRONIZATION, b->type);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(b));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EEXIST),
			    evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
				       EVOBJ_CREATE_NEW, 0600, NULL));
	evobj_put(a);
	/* b still holds it. */
	c = evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
		       EVOBJ_OPEN_EXISTING, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, b, c);
	if (!IS_ERR(c))
		evobj_put(c);
	evobj_put(b);
	/* The last reference took the name with it; the refused
	 * EVOBJ_CREATE_NEW above did not keep one.
	 */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_EXISTING, 0, NULL));
	a = evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
		       EVOBJ_CREATE_NEW, 0600, &created);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, created);
	KUNIT_EXPECT_EQ(test, EVOBJ_NOTIFICATION, a->type);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(a));
	evobj_put(a);
}

static void evobj_names_errors_test(struct kunit *test)
{
	char *name = kunit_kzalloc(test, EVOBJ_NAME_MAX + 2, GFP_KERNEL);
	struct evobj *ev;

	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    evobj_open("", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_ALWAYS, 0600, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    evobj_open("kunit/e", 2, false,
				       EVOBJ_OPEN_ALWAYS, 0600, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    evobj_open("kunit/e", EVOBJ_NOTIFICATION, false,
				       3, 0600, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    evobj_open("kunit/e", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_ALWAYS, 01000, NULL));
	memset(name, 'x', EVOBJ_NAME_MAX + 1);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENAMETOOLONG),
			    evobj_open(name, EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_ALWAYS, 0600, NULL));
	name[EVOBJ_NAME_MAX] = '\0';
	ev = evobj_open(name, EVOBJ_NOTIFICATION, false, EVOBJ_CREATE_NEW,
			0600, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	evobj_put(ev);
}

/*
 * Many names: each opens its own event; names one byte apart, or that
 * share a prefix, never meet.
 */
static void evobj_names_lookup_test(struct kunit *test)
{
	struct evobj **evs = kunit_kcalloc(test, EVOBJ_NAMES_MANY,
					   sizeof(*evs), GFP_KERNEL);
	char name[32];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, evs);
	for (i = 0; i < EVOBJ_NAMES_MANY; i++) {
		snprintf(name, sizeof(name), "kunit/many/%d", i);
		evs[i] = evobj_open(name, EVOBJ_NOTIFICATION, false,
				    EVOBJ_CREATE_NEW, 0600, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, evs[i]);
	}
	for (i = 0; i < EVOBJ_NAMES_MANY; i++) {
		struct evobj *ev;

		snprintf(name, sizeof(name), "kunit/many/%d", i);
		ev = evobj_open(name, EVOBJ_NOTIFICATION, false,
				EVOBJ_OPEN_EXISTING, 0, NULL);
		KUNIT_EXPECT_PTR_EQ(test, evs[i], ev);
		if (!IS_ERR(ev))
			evobj_put(ev);
	}
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/many/", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_EXISTING, 0, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/many/10000", EVOBJ_NOTIFICATION,
				       false, EVOBJ_OPEN_EXISTING, 0, NULL));
	for (i = 0; i < EVOBJ_NAMES_MANY; i++)
		evobj_put(evs[i]);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/many/0", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_EXISTING, 0, NULL));
}

struct evobj_names_dying {
	struct evobj *ev;
	struct completion done;
};

static int evobj_names_last_put(void *data)
{
	struct evobj_names_dying *d = data;

	evobj_put(d->ev);
	complete(&d->done);
	return evobj_thread_idle();
}

/*
 * The window between the last put and the release unhashing the name:
 * the test holds the names lock, so the release of the event (whose
 * count is already zero) waits on it. A lookup then must not return the
 * dying event, and a create right after must make a fresh one.
 */
static void evobj_names_dying_test(struct kunit *test)
{
	struct evobj_names_dying d;
	struct evobj *fresh;
	unsigned long end;
	bool created;

	d.ev = evobj_open("kunit/dying", EVOBJ_NOTIFICATION, true,
			  EVOBJ_CREATE_NEW, 0600, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d.ev);
	init_completion(&d.done);

	mutex_lock(&evobj_names_lock);
	evobj_thread_start(test, evobj_names_last_put, &d, 1);
	end = jiffies + msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	while (kref_read(&d.ev->ref) && time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, 0, kref_read(&d.ev->ref));
	KUNIT_EXPECT_NULL(test, evobj_name_find(current->nsproxy->ipc_ns,
						"kunit/dying", 11));
	mutex_unlock(&evobj_names_lock);
	end = msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&d.done, end));

	fresh = evobj_open("kunit/dying", EVOBJ_NOTIFICATION, false,
			   EVOBJ_CREATE_NEW, 0600, &created);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fresh);
	KUNIT_EXPECT_TRUE(test, created);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(fresh));
	evobj_put(fresh);
}

struct evobj_names_race {
	atomic_t created;
	atomic_t opened;
	atomic_t holders;
	atomic_t overlap;
	atomic_t errors;
	atomic_t started;
	atomic_t finished;
};

/*
 * Open-or-create, use and put one name, against threads that
 * create-only it: those winners must hold the name one at a time.
 */
static int evobj_names_racer(void *data)
{
	struct evobj_names_race *r = data;
	bool exclusive = atomic_inc_return(&r->started) & 1;
	unsigned int i;

	for (i = 0; i < EVOBJ_NAMES_ITERS; i++) {
		bool created;
		struct evobj *ev;

		ev = evobj_open("kunit/race", EVOBJ_SYNCHRONIZATION, false,
				exclusive ? EVOBJ_CREATE_NEW : EVOBJ_OPEN_ALWAYS,
				0600, &created);
		if (IS_ERR(ev)) {
			if (!exclusive || PTR_ERR(ev) != -EEXIST)
				atomic_inc(&r->errors);
			continue;
		}
		atomic_inc(created ? &r->created : &r->opened);
		if (exclusive && atomic_inc_return(&r->holders) != 1)
			atomic_inc(&r->overlap);
		evobj_set(ev);
		if (exclusive)
			atomic_dec(&r->holders);
		evobj_put(ev);
		if (i % 32 == 0)
			cond_resched();
	}
	atomic_inc(&r->finished);
	return evobj_thread_idle();
}

static void evobj_names_race_test(struct kunit *test)
{
	struct evobj_names_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	unsigned long end;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < EVOBJ_NAMES_THREADS; i++)
		evobj_thread_start(test, evobj_names_racer, r, i);
	end = jiffies + msecs_to_jiffies(20 * EVOBJ_TEST_LONG_MS);
	while (atomic_read(&r->finished) < EVOBJ_NAMES_THREADS &&
	       time_before(jiffies, end))
		msleep(20);
	KUNIT_ASSERT_EQ(test, EVOBJ_NAMES_THREADS, atomic_read(&r->finished));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->errors));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->overlap));
	KUNIT_EXPECT_GT(test, atomic_read(&r->created), 0);
	kunit_info(test, "%d created, %d opened existing",
		   atomic_read(&r->created), atomic_read(&r->opened));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/race", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_EXISTING, 0, NULL));
}

struct evobj_names_closer {
	struct file *file;
	struct completion done;
};

static int evobj_names_close_file(void *data)
{
	struct evobj_names_closer *c = data;

	__fput_sync(c->file);
	complete(&c->done);
	return evobj_thread_idle();
}

/*
 * A named open can give an event a new file while its last file is
 * closing. The close drops the file count and stops the timer in one
 * hold of timer_lock, so the count never reads zero while a stop is
 * still to come: a file opened meanwhile cannot arm a timer that the
 * close then cancels. The test holds timer_lock to stop the close in its
 * tracks and looks at the count.
 */
static void evobj_names_close_vs_open_test(struct kunit *test)
{
	struct evobj_names_closer c;
	struct task_struct *closer;
	struct file *second;
	unsigned long end;
	struct evobj *ev;

	ev = evobj_open("kunit/close-vs-open", EVOBJ_NOTIFICATION, false,
			EVOBJ_CREATE_NEW, 0600, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ev));
	kref_get(&ev->ref);
	c.file = evobj_file_open(ev, 0);
	if (IS_ERR(c.file))
		evobj_put(ev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c.file);
	init_completion(&c.done);

	mutex_lock(&ev->timer_lock);
	closer = evobj_thread_start(test, evobj_names_close_file, &c, 1);
	/* Until the closer sleeps on timer_lock, in the last file's release. */
	end = jiffies + msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	while (READ_ONCE(closer->__state) != TASK_UNINTERRUPTIBLE &&
	       time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&ev->files));
	/* What a named open does meanwhile: a new file for the event. */
	kref_get(&ev->ref);
	second = evobj_file_open(ev, 0);
	if (IS_ERR(second))
		evobj_put(ev);
	mutex_unlock(&ev->timer_lock);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, second);
	end = msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&c.done, end));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&ev->files));

	/* The new file's timer stays armed: only its own close stops it. */
	KUNIT_EXPECT_EQ(test, 0,
			evobj_timer_arm(ev, evobj_test_ns_in_ms(3600000), 0));
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&ev->timer));
	__fput_sync(second);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&ev->timer));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&ev->files));
}

static struct kunit_case evobj_names_cases[] = {
	KUNIT_CASE(evobj_names_lifetime_test),
	KUNIT_CASE(evobj_names_errors_test),
	KUNIT_CASE(evobj_names_lookup_test),
	KUNIT_CASE(evobj_names_dying_test),
	KUNIT_CASE(evobj_names_close_vs_open_test),
	KUNIT_CASE_SLOW(evobj_names_race_test),
	{}
};

static struct kunit_suite evobj_names_suite = {
	.name = "evobj_names",
	.test_cases = evobj_names_cases,
};

/*
 * The mapped state word (word.c), with a word of the test's own playing
 * the page that userspace would map: the test is the mapping process,
 * changing the word by compare-and-swap as the contract says, or
 * scribbling on it as a hostile one would.
 */
struct evobj_test_word {
	atomic_t word;
	struct evobj *ev;
};

/* The test's word goes before its event: the state moves back first. */
static void evobj_test_unmap(void *data)
{
	struct evobj_test_word *tw = data;
	struct evobj *ev = tw->ev;

	raw_spin_lock_irq(&ev->lock);
	evobj_word_take(ev);
	WRITE_ONCE(ev->word, NULL);
	ev->owned = false;
	raw_spin_unlock_irq(&ev->lock);
}

static atomic_t *evobj_test_map(struct kunit *test, struct evobj *ev)
{
	struct evobj_test_word *tw = kunit_kzalloc(test, sizeof(*tw),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tw);
	tw->ev = ev;
	raw_spin_lock_irq(&ev->lock);
	evobj_word_attach(ev, &tw->word);
	raw_spin_unlock_irq(&ev->lock);
	/* Registered after the allocation, so it runs before the kfree(). */
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_test_unmap, tw));
	return &tw->word;
}

/* Userspace's change: only from @old, which has EVOBJ_WORD_KERNEL clear. */
static bool evobj_test_word_cas(atomic_t *word, u32 old, u32 new)
{
	return atomic_cmpxchg(word, old, new) == old;
}

static void evobj_word_follows_state_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);
	atomic_t *word = evobj_test_map(test, ev);

	/* Nobody waits: the kernel lets go of the word after each change. */
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(word));
	KUNIT_EXPECT_TRUE(test, evobj_reset(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(word));
	KUNIT_EXPECT_TRUE(test, evobj_pulse(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

static void evobj_word_changes_seen_test(struct kunit *test)
{
	struct evobj *note = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	struct evobj *sync = evobj_test_create(test, EVOBJ_SYNCHRONIZATION,
					       false);
	atomic_t *nw = evobj_test_map(test, note);
	atomic_t *sw = evobj_test_map(test, sync);

	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(nw, 0, EVOBJ_WORD_SIGNALED));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(note));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(note, 0));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(nw));
	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(nw, EVOBJ_WORD_SIGNALED, 0));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(note));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(note, 0));

	/* A set through the word is consumed by the kernel's wait. */
	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(sw, 0, EVOBJ_WORD_SIGNALED));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(sync, 0));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(sw));
	KUNIT_EXPECT_FALSE(test, evobj_set(sync));
	KUNIT_EXPECT_TRUE(test, evobj_test_word_cas(sw, EVOBJ_WORD_SIGNALED, 0));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(sync, 0));
}

/* A queued wait holds the word: the mapping process keeps its hands off. */
static void evobj_word_held_while_waiting_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	atomic_t *word = evobj_test_map(test, ev);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL, atomic_read(word));
	KUNIT_EXPECT_FALSE(test, evobj_test_word_cas(word, 0,
						     EVOBJ_WORD_SIGNALED));
	/* Scribbled while held: the kernel's state wins. */
	atomic_set(word, EVOBJ_WORD_SIGNALED);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(w));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL, atomic_read(word));
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

/* A wait-all holds every word it names, and consumes through them. */
static void evobj_word_wait_all_test(struct kunit *test)
{
	struct evobj *evs[2];
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;
	atomic_t *words[2];

	evs[0] = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	evs[1] = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	words[0] = evobj_test_map(test, evs[0]);
	words[1] = evobj_test_map(test, evs[1]);
	/* Set through its word before the wait: the wait-all must see it. */
	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(words[1], 0,
						    EVOBJ_WORD_SIGNALED));
	w = evobj_waiter_start(test, &finished, evs, 2, NULL, true);
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL, atomic_read(words[0]));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL | EVOBJ_WORD_SIGNALED,
			atomic_read(words[1]));
	KUNIT_EXPECT_FALSE(test, evobj_set(evs[0]));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(words[0]));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(words[1]));
}

/* A set from hardirq takes and lets go of the word like any other. */
static void evobj_word_hardirq_set_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	atomic_t *word = evobj_test_map(test, ev);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;
	struct evobj_irq *irq;

	irq = evobj_irq_create(test, ev, evobj_set);
	evobj_irq_fire_timer(irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(word));
	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(word, EVOBJ_WORD_SIGNALED,
						    0));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));

	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	irq = evobj_irq_create(test, ev, evobj_set);
	evobj_irq_fire_work(test, irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_EXPECT_FALSE(test, irq->prev);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

/* A pulse that releases a waiter never lets the word say signaled. */
static void evobj_word_pulse_invisible_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	atomic_t *word = evobj_test_map(test, ev);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	KUNIT_EXPECT_FALSE(test, evobj_pulse(ev));
	KUNIT_EXPECT_FALSE(test, atomic_read(word) & EVOBJ_WORD_SIGNALED);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

/* Whatever a hostile process writes, the kernel reads one bit of it. */
static void evobj_word_garbage_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	atomic_t *word = evobj_test_map(test, ev);

	atomic_set(word, 0xfffffffe);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
	atomic_set(word, 0x80000001);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(word));
	/* A false "held" only sends the mapping process to the ioctls. */
	atomic_set(word, EVOBJ_WORD_KERNEL);
	KUNIT_EXPECT_FALSE(test, evobj_reset(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

/* A registered poller holds the word, so a set wakes it. */
static void evobj_word_poller_holds_test(struct kunit *test)
{
	struct evobj_poller *p;
	struct file *file;
	struct evobj *ev;
	atomic_t *word;

	file = evobj_test_file(test, EVOBJ_NOTIFICATION, false, &ev);
	word = evobj_test_map(test, ev);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
	evobj_test_poll(test, file, &p);
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL, atomic_read(word));
	KUNIT_EXPECT_FALSE(test, evobj_test_word_cas(word, 0,
						     EVOBJ_WORD_SIGNALED));
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_ASSERT_TRUE(test, evobj_test_completes(&p->woken,
						     EVOBJ_TEST_LONG_MS));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL | EVOBJ_WORD_SIGNALED,
			atomic_read(word));
}

/*
 * The word raced by everything at once: a thread playing the mapping
 * process (compare-and-swap sets and takes, and kernel calls while the
 * kernel holds the word), a kthread waiting in the kernel, and a hard
 * hrtimer setting from hardirq. Every 0 -> 1 change is counted where it
 * happens, and so is every 1 -> 0, so exactly: raised = taken + final.
 */
#define EVOBJ_WORD_STRESS_OPS	20000
#define EVOBJ_WORD_STRESS_IRQS	2000

struct evobj_word_stress {
	struct evobj *ev;
	atomic_t *word;
	struct hrtimer timer;
	atomic_t irqs_left;
	atomic_t raised;
	atomic_t taken;
	atomic_t done;
	struct completion finished;	/* the user and the waiter */
	struct completion irqs_done;
};

static enum hrtimer_restart evobj_word_stress_irq(struct hrtimer *timer)
{
	struct evobj_word_stress *s = container_of(timer, typeof(*s), timer);

	if (!evobj_set(s->ev))
		atomic_inc(&s->raised);
	if (atomic_dec_return(&s->irqs_left) <= 0) {
		complete(&s->irqs_done);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(timer, ns_to_ktime(20 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static int evobj_word_stress_user(void *data)
{
	struct evobj_word_stress *s = data;
	unsigned int i;

	for (i = 0; i < EVOBJ_WORD_STRESS_OPS; i++) {
		u32 w = atomic_read(s->word);

		if (w & EVOBJ_WORD_KERNEL) {
			/* Hands off: what the ioctls would do. */
			if (i & 1) {
				if (!evobj_set(s->ev))
					atomic_inc(&s->raised);
			} else if (evobj_reset(s->ev)) {
				atomic_inc(&s->taken);
			}
		} else if (w == 0 && (i & 1)) {
			if (evobj_test_word_cas(s->word, 0, EVOBJ_WORD_SIGNALED))
				atomic_inc(&s->raised);
		} else if (w == EVOBJ_WORD_SIGNALED) {
			if (evobj_test_word_cas(s->word, w, 0))
				atomic_inc(&s->taken);
		}
		if (i % 64 == 0)
			cond_resched();
	}
	if (atomic_inc_return(&s->done) == 2)
		complete(&s->finished);
	return evobj_thread_idle();
}

static int evobj_word_stress_waiter(void *data)
{
	struct evobj_word_stress *s = data;
	unsigned int i;

	for (i = 0; i < EVOBJ_WORD_STRESS_OPS / 8; i++)
		if (!evobj_wait(s->ev, ktime_add_us(ktime_get(), 200)))
			atomic_inc(&s->taken);
	if (atomic_inc_return(&s->done) == 2)
		complete(&s->finished);
	return evobj_thread_idle();
}

static void evobj_word_stress_cancel(void *data)
{
	struct evobj_word_stress *s = data;

	hrtimer_cancel(&s->timer);
}

static void evobj_word_stress_test(struct kunit *test)
{
	struct evobj_word_stress *s = kunit_kzalloc(test, sizeof(*s),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	s->word = evobj_test_map(test, s->ev);
	atomic_set(&s->irqs_left, EVOBJ_WORD_STRESS_IRQS);
	init_completion(&s->finished);
	init_completion(&s->irqs_done);
	evobj_hrtimer_setup(&s->timer, evobj_word_stress_irq, CLOCK_MONOTONIC,
			    HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_word_stress_cancel,
						  s));
	evobj_thread_start(test, evobj_word_stress_user, s, 0);
	evobj_thread_start(test, evobj_word_stress_waiter, s, 1);
	hrtimer_start(&s->timer, ns_to_ktime(20 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_TRUE(test, evobj_test_completes(&s->finished,
						     6 * EVOBJ_TEST_LONG_MS));
	KUNIT_ASSERT_TRUE(test, evobj_test_completes(&s->irqs_done,
						     EVOBJ_TEST_LONG_MS));
	KUNIT_EXPECT_EQ(test, atomic_read(&s->raised),
			atomic_read(&s->taken) + evobj_signaled(s->ev));
	KUNIT_EXPECT_GT(test, atomic_read(&s->raised), 0);
	/* Nobody left: the word is the state again. */
	KUNIT_EXPECT_EQ(test, (u32)evobj_signaled(s->ev),
			(u32)atomic_read(s->word));
	kunit_info(test, "raised %d, taken %d\n", atomic_read(&s->raised),
		   atomic_read(&s->taken));
}

static struct kunit_case evobj_word_cases[] = {
	KUNIT_CASE(evobj_word_follows_state_test),
	KUNIT_CASE(evobj_word_changes_seen_test),
	KUNIT_CASE(evobj_word_held_while_waiting_test),
	KUNIT_CASE(evobj_word_wait_all_test),
	KUNIT_CASE(evobj_word_hardirq_set_test),
	KUNIT_CASE(evobj_word_pulse_invisible_test),
	KUNIT_CASE(evobj_word_garbage_test),
	KUNIT_CASE(evobj_word_poller_holds_test),
	KUNIT_CASE_SLOW(evobj_word_stress_test),
	{}
};

static struct kunit_suite evobj_word_suite = {
	.name = "evobj_word",
	.test_cases = evobj_word_cases,
};

kunit_test_suites(&evobj_event_suite, &evobj_wait_suite, &evobj_hardirq_suite,
		  &evobj_timer_suite, &evobj_file_suite, &evobj_bounded_suite,
		  &evobj_stress_suite, &evobj_names_suite, &evobj_word_suite);
