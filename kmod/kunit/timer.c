// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_timer suite: the event's own hardirq timer (EVOBJ_IOC_TIMER),
 * one-shot and periodic, re-armed, its bad arguments refused, and
 * cancelled by the last put while it runs.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>

#include "kunit.h"

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

kunit_test_suite(evobj_timer_suite);
