// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_semaphore suite: a semaphore's count and maximum, releases
 * that complete as many waits as they add units, in FIFO order and from
 * hardirq context, one unit taken by each kind of wait, what the event
 * functions of the kernel API do when handed a semaphore, and a stress
 * of releases against wait-any and wait-all that accounts for every unit.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>

#include "kunit.h"

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

	sem = evobj_test_create_sem(test, 0, EVOBJ_SEMAPHORE_MAX);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(sem));
	sem = evobj_test_create_sem(test, 3, 3);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(sem));
	KUNIT_EXPECT_EQ(test, 3, evobj_sem_count(sem));
}

static void evobj_sem_release_limits_test(struct kunit *test)
{
	struct evobj *sem = evobj_test_create_sem(test, 1, EVOBJ_SEMAPHORE_MAX);
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
	struct evobj *sem = evobj_test_create_sem(test, 0, 10);
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
		evobj_test_create_sem(test, 0, 5),
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
	struct evobj *sem = evobj_test_create_sem(test, 0, 2);

	KUNIT_EXPECT_FALSE(test, evobj_set(sem));
	KUNIT_EXPECT_TRUE(test, evobj_set(sem));
	KUNIT_EXPECT_EQ(test, 2, evobj_sem_count(sem));
	KUNIT_EXPECT_TRUE(test, evobj_set(sem));	/* at the maximum */
	KUNIT_EXPECT_EQ(test, 2, evobj_sem_count(sem));
	KUNIT_EXPECT_TRUE(test, evobj_reset(sem));
	KUNIT_EXPECT_TRUE(test, evobj_pulse(sem));
	KUNIT_EXPECT_EQ(test, 2, evobj_sem_count(sem));
}

/*
 * Stress: a kthread releases 1 or 2 units at a time (some overflow: not
 * released), another sets a synchronization event, while two kthreads
 * take units with wait-any and one takes a unit and the event together
 * with wait-all, each on its own CPU where there are enough. Every unit
 * released is taken once or left: released == taken + count; every set
 * that changed the event is consumed once or left: changed == all +
 * signaled.
 */
#define EVOBJ_SEM_STRESS_OPS	4000

struct evobj_sem_stress {
	struct evobj *objs[2];		/* the semaphore, the event */
	atomic_t released, taken_any, taken_all, changed, errors;
	atomic_t producers_done;
};

static int evobj_sem_releaser(void *data)
{
	struct evobj_sem_stress *s = data;
	unsigned int i;
	u32 prev;

	for (i = 0; i < EVOBJ_SEM_STRESS_OPS; i++) {
		u32 n = 1 + i % 2;
		int ret = evobj_release(s->objs[0], n, &prev);

		if (!ret)
			atomic_add(n, &s->released);
		else if (ret != -EOVERFLOW)
			atomic_inc(&s->errors);
		if (i % 64 == 0)
			cond_resched();
	}
	atomic_inc(&s->producers_done);
	return evobj_thread_idle();
}

static int evobj_sem_setter(void *data)
{
	struct evobj_sem_stress *s = data;
	unsigned int i;

	for (i = 0; i < EVOBJ_SEM_STRESS_OPS; i++) {
		if (!evobj_set(s->objs[1]))
			atomic_inc(&s->changed);
		if (i % 64 == 0)
			cond_resched();
	}
	atomic_inc(&s->producers_done);
	return evobj_thread_idle();
}

static int evobj_sem_taker(void *data, bool all)
{
	struct evobj_sem_stress *s = data;

	while (!kthread_should_stop()) {
		u32 index = U32_MAX;
		int ret = evobj_wait_many(s->objs, all ? 2 : 1, NULL, NULL, all,
					  CLOCK_MONOTONIC,
					  evobj_test_in_ms(20), &index);

		if (ret == -ETIMEDOUT || ret == -ERESTARTSYS)
			continue;
		if (ret || index)
			atomic_inc(&s->errors);
		else
			atomic_inc(all ? &s->taken_all : &s->taken_any);
	}
	return 0;
}

static int evobj_sem_any_taker(void *data)
{
	return evobj_sem_taker(data, false);
}

static int evobj_sem_all_taker(void *data)
{
	return evobj_sem_taker(data, true);
}

static bool evobj_sem_stress_balanced(struct evobj_sem_stress *s)
{
	int taken = atomic_read(&s->taken_any) + atomic_read(&s->taken_all);

	return atomic_read(&s->released) ==
	       taken + (int)evobj_sem_count(s->objs[0]) &&
	       atomic_read(&s->changed) ==
	       atomic_read(&s->taken_all) + (int)evobj_signaled(s->objs[1]);
}

static void evobj_sem_stress_test(struct kunit *test)
{
	struct evobj_sem_stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct task_struct *threads[5];
	ktime_t deadline;
	unsigned int t;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 CPUs, has %u", num_online_cpus());
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->objs[0] = evobj_test_create_sem(test, 0, 8);
	s->objs[1] = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);

	threads[0] = evobj_thread_start(test, evobj_sem_any_taker, s, 0);
	threads[1] = evobj_thread_start(test, evobj_sem_any_taker, s, 1);
	threads[2] = evobj_thread_start(test, evobj_sem_all_taker, s, 2);
	threads[3] = evobj_thread_start(test, evobj_sem_releaser, s, 3);
	threads[4] = evobj_thread_start(test, evobj_sem_setter, s, 4);

	/* The counts lag a completed wait briefly, hence the polling. */
	deadline = evobj_test_in_ms(6 * EVOBJ_TEST_LONG_MS);
	while (atomic_read(&s->producers_done) < 2 ||
	       !evobj_sem_stress_balanced(s) || evobj_sem_count(s->objs[0])) {
		if (ktime_after(ktime_get(), deadline))
			break;
		msleep(20);
	}
	for (t = 0; t < ARRAY_SIZE(threads); t++)
		kunit_release_action(test, evobj_thread_stop, threads[t]);

	kunit_info(test, "released %d, taken %d by wait-any, %d by wait-all, event changed %d",
		   atomic_read(&s->released), atomic_read(&s->taken_any),
		   atomic_read(&s->taken_all), atomic_read(&s->changed));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&s->errors));
	KUNIT_EXPECT_GT(test, atomic_read(&s->taken_all), 0);
	KUNIT_EXPECT_EQ(test, 0, evobj_sem_count(s->objs[0]));
	KUNIT_EXPECT_TRUE(test, evobj_sem_stress_balanced(s));
}

static struct kunit_case evobj_semaphore_cases[] = {
	KUNIT_CASE(evobj_sem_create_test),
	KUNIT_CASE(evobj_sem_release_limits_test),
	KUNIT_CASE(evobj_sem_hardirq_release_test),
	KUNIT_CASE(evobj_sem_wait_all_test),
	KUNIT_CASE(evobj_sem_event_api_test),
	KUNIT_CASE_SLOW(evobj_sem_stress_test),
	{}
};

static struct kunit_suite evobj_semaphore_suite = {
	.name = "evobj_semaphore",
	.test_cases = evobj_semaphore_cases,
};

kunit_test_suite(evobj_semaphore_suite);
