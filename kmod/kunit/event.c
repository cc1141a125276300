// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_event suite: every operation of the kernel API on both event
 * types, from the test's own thread: create, set, reset and pulse and
 * what they return, waits that consume or keep the state, timeouts
 * already past, absolute or on CLOCK_REALTIME, and wait-any, wait-all,
 * the alert and signal-and-wait through evobj_wait_many().
 */

#include <kunit/test.h>
#include <linux/err.h>

#include "kunit.h"

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

kunit_test_suite(evobj_event_suite);
