// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_stress suite: kthreads bound to different CPUs race on shared
 * synchronization events under lockdep and KASAN: sets, resets and waits
 * that account for every state change, a ping-pong that loses no wake-up
 * and counts no token twice, and the hardirq timer feeding waiters.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "kunit.h"

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

kunit_test_suite(evobj_stress_suite);
