// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_mutex suite: a mutex's owner and recursion count, unlocks by
 * the owner only, abandonment and the EOWNERDEAD of the wait that gets
 * the mutex next, FIFO hand-over among owners, wait-all with a mutex,
 * signal-and-wait unlocking, what the event functions of the kernel API
 * do when handed a mutex, and a stress of owners taking a mutex by
 * wait-any and wait-all in which nobody ever shares it.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>

#include "kunit.h"

static struct evobj_mutex_state evobj_mx(struct evobj *mutex)
{
	struct evobj_mutex_state state;

	evobj_mutex_read(mutex, &state);
	return state;
}

/* A wait by @owner on @n objects that does not block: 0, or an error. */
static int evobj_mx_try(struct evobj **evs, u32 n, bool all, u32 owner,
			u32 *index)
{
	return evobj_wait_many_in(evs, n, NULL, NULL, all, CLOCK_MONOTONIC, 0,
				  owner, NULL, NULL, index);
}

static void evobj_mutex_create_test(struct kunit *test)
{
	struct evobj *mutex;

	/* An owner without a count, or a count without an owner. */
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(evobj_create_mutex(1, 0, NULL)));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(evobj_create_mutex(0, 1, NULL)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(evobj_create(EVOBJ_MUTEX, false)));

	mutex = evobj_test_create_mutex(test, 0, 0);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(mutex));
	mutex = evobj_test_create_mutex(test, 7, 3);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(mutex));
	KUNIT_EXPECT_EQ(test, 7, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, 3, evobj_mx(mutex).count);

	/* The event API changes nothing, and a wait needs an owner. */
	KUNIT_EXPECT_FALSE(test, evobj_set(mutex));
	KUNIT_EXPECT_FALSE(test, evobj_pulse(mutex));
	KUNIT_EXPECT_FALSE(test, evobj_reset(mutex));
	KUNIT_EXPECT_EQ(test, 7, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, -EINVAL, evobj_wait(mutex, 0));
	KUNIT_EXPECT_EQ(test, 3, evobj_mx(mutex).count);
}

static void evobj_mutex_recursion_test(struct kunit *test)
{
	struct evobj *mutex = evobj_test_create_mutex(test, 0, 0);
	u32 index, prev = 42;

	KUNIT_EXPECT_EQ(test, -EPERM, evobj_task_unlock(mutex, 5, &prev));
	KUNIT_EXPECT_EQ(test, -EINVAL, evobj_task_unlock(mutex, 0, &prev));
	KUNIT_EXPECT_EQ(test, 42, prev);

	KUNIT_EXPECT_EQ(test, 0, evobj_mx_try(&mutex, 1, false, 5, &index));
	KUNIT_EXPECT_EQ(test, 0, evobj_mx_try(&mutex, 1, true, 5, &index));
	KUNIT_EXPECT_EQ(test, 5, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, 2, evobj_mx(mutex).count);
	/* Another owner does not get it, nor unlock it. */
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			evobj_mx_try(&mutex, 1, false, 6, &index));
	KUNIT_EXPECT_EQ(test, -EPERM, evobj_task_unlock(mutex, 6, &prev));

	KUNIT_EXPECT_EQ(test, 0, evobj_task_unlock(mutex, 5, &prev));
	KUNIT_EXPECT_EQ(test, 2, prev);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(mutex));
	KUNIT_EXPECT_EQ(test, 0, evobj_task_unlock(mutex, 5, &prev));
	KUNIT_EXPECT_EQ(test, 1, prev);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(mutex));
	KUNIT_EXPECT_EQ(test, 0, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, -EPERM, evobj_task_unlock(mutex, 5, &prev));

	/* At U32_MAX not even the owner takes it again. */
	mutex = evobj_test_create_mutex(test, 5, U32_MAX);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT,
			evobj_mx_try(&mutex, 1, false, 5, &index));
	KUNIT_EXPECT_EQ(test, 0, evobj_task_unlock(mutex, 5, &prev));
	KUNIT_EXPECT_EQ(test, 0, evobj_mx_try(&mutex, 1, false, 5, &index));
	KUNIT_EXPECT_EQ(test, U32_MAX, evobj_mx(mutex).count);
}

/* Unlocking hands the mutex to the longest waiting owner, then the next. */
static void evobj_mutex_fifo_test(struct kunit *test)
{
	struct evobj *mutex = evobj_test_create_mutex(test, 1, 1);
	struct evobj_waiter *w2, *w3;
	atomic_t finished = ATOMIC_INIT(0);
	u32 prev;

	w2 = evobj_waiter_start_owner(test, &finished, &mutex, 1, false, 2,
				      EVOBJ_TEST_LONG_MS);
	w3 = evobj_waiter_start_owner(test, &finished, &mutex, 1, false, 3,
				      EVOBJ_TEST_LONG_MS);
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(w2));

	KUNIT_EXPECT_EQ(test, 0, evobj_task_unlock(mutex, 1, &prev));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w2));
	KUNIT_EXPECT_EQ(test, 0, w2->ret);
	KUNIT_EXPECT_EQ(test, 2, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, 1, evobj_mx(mutex).count);
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(w3));

	KUNIT_EXPECT_EQ(test, 0, evobj_task_unlock(mutex, 2, &prev));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w3));
	KUNIT_EXPECT_EQ(test, 0, w3->ret);
	KUNIT_EXPECT_EQ(test, 3, evobj_mx(mutex).owner);
}

/* A wait-all takes a mutex only with its other objects, atomically. */
static void evobj_mutex_wait_all_test(struct kunit *test)
{
	struct evobj *objs[2] = {
		evobj_test_create_mutex(test, 1, 1),
		evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false),
	};
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;
	u32 index, prev;

	w = evobj_waiter_start_owner(test, &finished, objs, 2, true, 2,
				     EVOBJ_TEST_LONG_MS);
	evobj_set(objs[1]);
	/* Held back by the mutex: the event is not consumed. */
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(w));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(objs[1]));

	KUNIT_EXPECT_EQ(test, 0, evobj_task_unlock(objs[0], 1, &prev));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 2, evobj_mx(objs[0]).owner);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(objs[1]));

	/* The owner's own wait-all takes it again, with the event. */
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_mx_try(objs, 2, true, 2, &index));
	KUNIT_EXPECT_EQ(test, 1, evobj_mx(objs[0]).count);
	evobj_set(objs[1]);
	KUNIT_EXPECT_EQ(test, 0, evobj_mx_try(objs, 2, true, 2, &index));
	KUNIT_EXPECT_EQ(test, 2, evobj_mx(objs[0]).count);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(objs[1]));
}

static void evobj_mutex_abandon_test(struct kunit *test)
{
	struct evobj *mutex = evobj_test_create_mutex(test, 1, 3);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;
	u32 index = 9, prev;

	KUNIT_EXPECT_EQ(test, -EPERM, evobj_task_kill(mutex, 2));
	KUNIT_EXPECT_EQ(test, -EINVAL, evobj_task_kill(mutex, 0));
	KUNIT_EXPECT_EQ(test, 0, evobj_task_kill(mutex, 1));
	KUNIT_EXPECT_EQ(test, 0, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, 0, evobj_mx(mutex).count);
	KUNIT_EXPECT_EQ(test, EVOBJ_MUTEX_ABANDONED, evobj_mx(mutex).flags);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(mutex));

	/* The next acquirer is told, once; it owns the mutex. */
	KUNIT_EXPECT_EQ(test, -EOWNERDEAD,
			evobj_mx_try(&mutex, 1, false, 2, &index));
	KUNIT_EXPECT_EQ(test, 0, index);
	KUNIT_EXPECT_EQ(test, 2, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, 0, evobj_mx(mutex).flags);
	KUNIT_EXPECT_EQ(test, 0, evobj_mx_try(&mutex, 1, false, 2, &index));
	KUNIT_EXPECT_EQ(test, 0, evobj_task_unlock(mutex, 2, &prev));
	KUNIT_EXPECT_EQ(test, 0, evobj_task_unlock(mutex, 2, &prev));

	/* A queued waiter gets it through the kill, told the same. */
	KUNIT_EXPECT_EQ(test, 0, evobj_mx_try(&mutex, 1, true, 3, &index));
	w = evobj_waiter_start_owner(test, &finished, &mutex, 1, false, 4,
				     EVOBJ_TEST_LONG_MS);
	KUNIT_EXPECT_EQ(test, 0, evobj_task_kill(mutex, 3));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, -EOWNERDEAD, w->ret);
	KUNIT_EXPECT_EQ(test, 4, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, 0, evobj_mx(mutex).flags);
}

/* Signal-and-wait unlocks a mutex signal first, or fails with EPERM. */
static void evobj_mutex_signal_test(struct kunit *test)
{
	struct evobj *mutex = evobj_test_create_mutex(test, 1, 1);
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, true);
	u32 index;

	KUNIT_EXPECT_EQ(test, -EPERM,
			evobj_wait_many_in(&ev, 1, NULL, mutex, false,
					   CLOCK_MONOTONIC, KTIME_MAX, 2, NULL,
					   NULL, &index));
	KUNIT_EXPECT_EQ(test, 1, evobj_mx(mutex).owner);
	KUNIT_EXPECT_EQ(test, 0,
			evobj_wait_many_in(&ev, 1, NULL, mutex, false,
					   CLOCK_MONOTONIC, KTIME_MAX, 1, NULL,
					   NULL, &index));
	KUNIT_EXPECT_EQ(test, 0, evobj_mx(mutex).owner);
}

/*
 * Stress: owners 1..3, each on its own CPU where there are enough, take
 * one mutex by wait-any or, with a semaphore, by wait-all, check that
 * they alone hold it (the owner under the lock, and a count of holders),
 * and unlock it, while a fourth owner takes it and abandons it. Every
 * acquisition is unlocked or killed: acquired == unlocked + killed, and
 * the mutex ends unowned.
 */
#define EVOBJ_MX_STRESS_OPS	1500

struct evobj_mx_stress {
	struct evobj *objs[2];		/* the mutex, a semaphore */
	atomic_t acquired, unlocked, killed, abandoned_seen, errors;
	atomic_t holders, done;
};

struct evobj_mx_thread {
	struct evobj_mx_stress *s;
	u32 owner;
};

/* Holds the mutex for a moment, alone; then lets it go. */
static void evobj_mx_hold(struct evobj_mx_stress *s, u32 owner, bool kill)
{
	u32 prev;

	atomic_inc(&s->acquired);
	if (atomic_inc_return(&s->holders) != 1 ||
	    evobj_mx(s->objs[0]).owner != owner ||
	    evobj_mx(s->objs[0]).count != 1)
		atomic_inc(&s->errors);
	atomic_dec(&s->holders);
	if (kill) {
		if (evobj_task_kill(s->objs[0], owner))
			atomic_inc(&s->errors);
		else
			atomic_inc(&s->killed);
	} else {
		if (evobj_task_unlock(s->objs[0], owner, &prev) || prev != 1)
			atomic_inc(&s->errors);
		else
			atomic_inc(&s->unlocked);
	}
}

static int evobj_mx_taker(void *data)
{
	struct evobj_mx_thread *t = data;
	struct evobj_mx_stress *s = t->s;
	unsigned int i;

	for (i = 0; i < EVOBJ_MX_STRESS_OPS; i++) {
		bool all = i % 3 == 0;
		u32 index = U32_MAX, prev;
		int ret;

		ret = evobj_wait_many_in(s->objs, all ? 2 : 1, NULL, NULL, all,
					 CLOCK_MONOTONIC, evobj_test_in_ms(50),
					 t->owner, NULL, NULL, &index);
		if (ret == -ETIMEDOUT || ret == -ERESTARTSYS)
			continue;
		if (ret == -EOWNERDEAD)
			atomic_inc(&s->abandoned_seen);
		else if (ret || index)
			atomic_inc(&s->errors);
		if (all && evobj_release(s->objs[1], 1, &prev))
			atomic_inc(&s->errors);
		/* The fourth owner abandons what it takes. */
		evobj_mx_hold(s, t->owner, t->owner == 4);
		if (i % 64 == 0)
			cond_resched();
	}
	atomic_inc(&s->done);
	return evobj_thread_idle();
}

static void evobj_mutex_stress_test(struct kunit *test)
{
	struct evobj_mx_stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct evobj_mx_thread *t = kunit_kcalloc(test, 4, sizeof(*t),
						  GFP_KERNEL);
	struct task_struct *threads[4];
	ktime_t deadline;
	unsigned int i;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 CPUs, has %u", num_online_cpus());
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, t);
	s->objs[0] = evobj_test_create_mutex(test, 0, 0);
	s->objs[1] = evobj_test_create_sem(test, 1, 1);
	for (i = 0; i < ARRAY_SIZE(threads); i++) {
		t[i] = (struct evobj_mx_thread) { .s = s, .owner = i + 1 };
		threads[i] = evobj_thread_start(test, evobj_mx_taker, &t[i], i);
	}

	deadline = evobj_test_in_ms(6 * EVOBJ_TEST_LONG_MS);
	while (atomic_read(&s->done) < ARRAY_SIZE(threads) &&
	       ktime_before(ktime_get(), deadline))
		msleep(20);
	for (i = 0; i < ARRAY_SIZE(threads); i++)
		kunit_release_action(test, evobj_thread_stop, threads[i]);

	kunit_info(test, "acquired %d, unlocked %d, killed %d, abandoned seen %d",
		   atomic_read(&s->acquired), atomic_read(&s->unlocked),
		   atomic_read(&s->killed), atomic_read(&s->abandoned_seen));
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(threads), atomic_read(&s->done));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&s->errors));
	KUNIT_EXPECT_EQ(test, atomic_read(&s->acquired),
			atomic_read(&s->unlocked) + atomic_read(&s->killed));
	/* Each kill but maybe the last is seen by the next acquirer. */
	KUNIT_EXPECT_LE(test, atomic_read(&s->abandoned_seen),
			atomic_read(&s->killed));
	KUNIT_EXPECT_GE(test, atomic_read(&s->abandoned_seen) + 1,
			atomic_read(&s->killed));
	KUNIT_EXPECT_EQ(test, 0, evobj_mx(s->objs[0]).owner);
	KUNIT_EXPECT_EQ(test, 0, evobj_mx(s->objs[0]).count);
}

static struct kunit_case evobj_mutex_cases[] = {
	KUNIT_CASE(evobj_mutex_create_test),
	KUNIT_CASE(evobj_mutex_recursion_test),
	KUNIT_CASE(evobj_mutex_fifo_test),
	KUNIT_CASE(evobj_mutex_wait_all_test),
	KUNIT_CASE(evobj_mutex_abandon_test),
	KUNIT_CASE(evobj_mutex_signal_test),
	KUNIT_CASE_SLOW(evobj_mutex_stress_test),
	{}
};

static struct kunit_suite evobj_mutex_suite = {
	.name = "evobj_mutex",
	.test_cases = evobj_mutex_cases,
};

kunit_test_suite(evobj_mutex_suite);
