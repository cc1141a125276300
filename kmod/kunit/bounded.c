// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_bounded suite: bounded cost and a timer that cannot storm:
 * what a set walks, where wait-all takes its lock, the per-event queue
 * limit, the per-user limit, and the timer's parking and its end with
 * the last file.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/file.h>

#include "kunit.h"

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

kunit_test_suite(evobj_bounded_suite);
