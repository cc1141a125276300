// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_hardirq suite: signalling from real hardirq context, a hard
 * hrtimer and a hard irq_work (kunit.h's evobj_irq). A set or a pulse
 * wakes task waiters and a reset clears the state from there; a set
 * wakes pollers later, through the event's irq_work, never taking a
 * sleeping lock in hardirq, and a pulse leaves them asleep; the last put
 * of an event whose irq_work is pending on another CPU waits for it.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/poll.h>
#include <linux/smp.h>

#include "kunit.h"

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

kunit_test_suite(evobj_hardirq_suite);
