// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_semaphore suite: a semaphore's count and maximum, releases
 * that complete as many waits as they add units, in FIFO order and from
 * hardirq context, one unit taken by each kind of wait, and what the
 * event functions of the kernel API do when handed a semaphore.
 */

#include <kunit/test.h>
#include <linux/atomic.h>

#include "kunit.h"

/* A semaphore that the test owns and that is put when the test ends. */
static struct evobj *evobj_test_sem(struct kunit *test, u32 count, u32 max)
{
	struct evobj *sem = evobj_create_semaphore(count, max);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sem);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, sem));
	return sem;
}

static u32 evobj_sem_count(struct evobj *sem)
{
	unsigned long flags;
	u32 count;

	raw_spin_lock_irqsave(&sem->lock, flags);
	count = sem->count;
	raw_spin_unlock_irqrestore(&sem->lock, flags);
	return count;
}

static void evobj_sem_create_test(struct kunit *test)
{
	struct evobj *sem;

	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(evobj_create_semaphore(0, 0)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(evobj_create_semaphore(2, 1)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(evobj_create_semaphore(0,
						       EVOBJ_SEMAPHORE_MAX + 1)));
	/* Not through the event constructor: it has no counts to give. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(evobj_create(EVOBJ_SEMAPHORE, false)));

	sem = evobj_test_sem(test, 0, EVOBJ_SEMAPHORE_MAX);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(sem));
	sem = evobj_test_sem(test, 3, 3);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(sem));
	KUNIT_EXPECT_EQ(test, 3, evobj_sem_count(sem));
}

static void evobj_sem_release_limits_test(struct kunit *test)
{
	struct evobj *sem = evobj_test_sem(test, 1, EVOBJ_SEMAPHORE_MAX);
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	u32 prev = 42;

	KUNIT_EXPECT_EQ(test, -EINVAL, evobj_release(sem, 0, &prev));
	KUNIT_EXPECT_EQ(test, -EINVAL, evobj_release(ev, 1, &prev));
	/* count + n wraps around a u32: still past the maximum. */
	KUNIT_EXPECT_EQ(test, -EOVERFLOW, evobj_release(sem, U32_MAX, &prev));
	KUNIT_EXPECT_EQ(test, -EOVERFLOW,
			evobj_release(sem, EVOBJ_SEMAPHORE_MAX, &prev));
	KUNIT_EXPECT_EQ(test, 42, prev);
	KUNIT_EXPECT_EQ(test, 1, evobj_sem_count(sem));

	KUNIT_EXPECT_EQ(test, 0,
			evobj_release(sem, EVOBJ_SEMAPHORE_MAX - 1, &prev));
	KUNIT_EXPECT_EQ(test, 1, prev);
	KUNIT_EXPECT_EQ(test, EVOBJ_SEMAPHORE_MAX, evobj_sem_count(sem));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
}

static bool evobj_release_two(struct evobj *sem)
{
	u32 prev;

	return !evobj_release(sem, 2, &prev);
}

/* A release of 2 from hardirq wakes the first two of three, in order. */
static void evobj_sem_hardirq_release_test(struct kunit *test)
{
	struct evobj *sem = evobj_test_sem(test, 0, 10);
	struct evobj_irq *irq = evobj_irq_create(test, sem, evobj_release_two);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w[3];
	u32 prev;
	int i;

	for (i = 0; i < ARRAY_SIZE(w); i++)
		w[i] = evobj_waiter_start(test, &finished, &sem, 1, NULL, false);

	evobj_irq_fire_timer(irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_EXPECT_TRUE(test, irq->prev);	/* released */
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w[i]));
		KUNIT_EXPECT_EQ(test, 0, w[i]->ret);
	}
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(w[2]));
	KUNIT_EXPECT_EQ(test, 0, evobj_sem_count(sem));
	KUNIT_EXPECT_EQ(test, 1, evobj_nr_waiters(sem));

	KUNIT_EXPECT_EQ(test, 0, evobj_release(sem, 3, &prev));
	KUNIT_EXPECT_EQ(test, 0, prev);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w[2]));
	KUNIT_EXPECT_EQ(test, 3, w[2]->rank);
	KUNIT_EXPECT_EQ(test, 2, evobj_sem_count(sem));
}

/*
 * A wait-all on a semaphore and an event takes one unit only when both
 * are signaled; a release meanwhile leaves the count to others.
 */
static void evobj_sem_wait_all_test(struct kunit *test)
{
	struct evobj *objs[2] = {
		evobj_test_sem(test, 0, 5),
		evobj_test_create(test, EVOBJ_NOTIFICATION, false),
	};
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *all;
	u32 prev;

	all = evobj_waiter_start(test, &finished, objs, 2, NULL, true);
	KUNIT_EXPECT_EQ(test, 0, evobj_release(objs[0], 2, &prev));
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(all));
	KUNIT_EXPECT_EQ(test, 2, evobj_sem_count(objs[0]));
	/* Taken by a wait-any meanwhile: the wait-all holds nothing. */
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(objs[0], 0));
	KUNIT_EXPECT_EQ(test, 1, evobj_sem_count(objs[0]));

	KUNIT_EXPECT_FALSE(test, evobj_set(objs[1]));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(all));
	KUNIT_EXPECT_EQ(test, 0, all->ret);
	KUNIT_EXPECT_EQ(test, 0, evobj_sem_count(objs[0]));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(objs[1]));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(objs[0], 0));
}

/* Handed a semaphore, the event functions never fail and never overflow. */
static void evobj_sem_event_api_test(struct kunit *test)
{
	struct evobj *sem = evobj_test_sem(test, 0, 2);

	KUNIT_EXPECT_FALSE(test, evobj_set(sem));
	KUNIT_EXPECT_TRUE(test, evobj_set(sem));
	KUNIT_EXPECT_EQ(test, 2, evobj_sem_count(sem));
	KUNIT_EXPECT_TRUE(test, evobj_set(sem));	/* at the maximum */
	KUNIT_EXPECT_EQ(test, 2, evobj_sem_count(sem));
	KUNIT_EXPECT_TRUE(test, evobj_reset(sem));
	KUNIT_EXPECT_TRUE(test, evobj_pulse(sem));
	KUNIT_EXPECT_EQ(test, 2, evobj_sem_count(sem));
}

static struct kunit_case evobj_semaphore_cases[] = {
	KUNIT_CASE(evobj_sem_create_test),
	KUNIT_CASE(evobj_sem_release_limits_test),
	KUNIT_CASE(evobj_sem_hardirq_release_test),
	KUNIT_CASE(evobj_sem_wait_all_test),
	KUNIT_CASE(evobj_sem_event_api_test),
	{}
};

static struct kunit_suite evobj_semaphore_suite = {
	.name = "evobj_semaphore",
	.test_cases = evobj_semaphore_cases,
};

kunit_test_suite(evobj_semaphore_suite);
