// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_wait suite: waits from kthreads (kunit.h's evobj_waiter).
 * A notification set wakes every waiter, a synchronization set one, in
 * FIFO order; a pulse wakes the waiters present; a wait-all wakes on its
 * last object and holds back no wait-any meanwhile; the alert wakes a
 * waiter; and a wait ends by its timeout or by kthread_stop().
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/kthread.h>

#include "kunit.h"

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

kunit_test_suite(evobj_wait_suite);
