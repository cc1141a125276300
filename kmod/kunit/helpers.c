// SPDX-License-Identifier: GPL-2.0-only
/*
 * The helpers that several of evobj's KUnit suites use (kunit.h).
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/sched/task.h>
#include <linux/wait.h>

#include "../compat.h"
#include "kunit.h"

void evobj_put_action(void *ev)
{
	evobj_put(ev);
}

void evobj_fput_action(void *file)
{
	__fput_sync(file);
}

ktime_t evobj_test_in_ms(unsigned int ms)
{
	return ktime_add_ms(ktime_get(), ms);
}

/* An object that the test owns and that is put when the test ends. */
static struct evobj *evobj_test_own(struct kunit *test, struct evobj *ev)
{
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ev));
	return ev;
}

struct evobj *evobj_test_create(struct kunit *test, u32 type,
				bool signaled)
{
	return evobj_test_own(test, evobj_create(type, signaled));
}

struct evobj *evobj_test_create_sem(struct kunit *test, u32 count, u32 max)
{
	return evobj_test_own(test, evobj_create_semaphore(count, max));
}

struct evobj *evobj_test_create_mutex(struct kunit *test, u32 owner, u32 count)
{
	return evobj_test_own(test, evobj_create_mutex(owner, count, NULL));
}

unsigned int evobj_nr_waiters(struct evobj *ev)
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
bool evobj_test_wait_waiters(struct evobj *ev, unsigned int n,
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

void evobj_test_create_many(struct kunit *test, struct evobj **evs,
			    u32 n, u32 type)
{
	u32 i;

	for (i = 0; i < n; i++)
		evs[i] = evobj_test_create(test, type, false);
}

static int evobj_waiter_fn(void *data)
{
	struct evobj_waiter *w = data;

	w->ret = evobj_wait_many_in(w->evs, w->count, w->alert, NULL, w->all,
				    CLOCK_MONOTONIC, w->timeout, w->owner,
				    NULL, NULL, &w->index);
	w->end = ktime_get();
	w->rank = atomic_inc_return(w->finished);
	complete(&w->done);
	return 0;
}

void evobj_waiter_stop(void *data)
{
	struct evobj_waiter *w = data;

	kthread_stop_put(w->task);
}

/*
 * Starts a waiter for mutex owner @owner on @cpu (or any CPU if
 * negative) that gives up after @timeout_ms and, once it is queued on
 * its first object, returns it.
 */
static struct evobj_waiter *
evobj_waiter_start_full(struct kunit *test, atomic_t *finished,
			struct evobj *const *evs, u32 count,
			struct evobj *alert, bool all, u32 owner, int cpu,
			unsigned int timeout_ms)
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
	w->owner = owner;
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

/* The same for no owner (no mutex among @evs, @alert). */
struct evobj_waiter *
evobj_waiter_start_on(struct kunit *test, atomic_t *finished,
		      struct evobj *const *evs, u32 count, struct evobj *alert,
		      bool all, int cpu, unsigned int timeout_ms)
{
	return evobj_waiter_start_full(test, finished, evs, count, alert, all,
				       0, cpu, timeout_ms);
}

struct evobj_waiter *
evobj_waiter_start_owner(struct kunit *test, atomic_t *finished,
			 struct evobj *const *evs, u32 count, bool all,
			 u32 owner, unsigned int timeout_ms)
{
	return evobj_waiter_start_full(test, finished, evs, count, NULL, all,
				       owner, -1, timeout_ms);
}

struct evobj_waiter *
evobj_waiter_start(struct kunit *test, atomic_t *finished,
		   struct evobj *const *evs, u32 count, struct evobj *alert,
		   bool all)
{
	return evobj_waiter_start_on(test, finished, evs, count, alert, all,
				     -1, EVOBJ_TEST_LONG_MS);
}

bool evobj_test_completes(struct completion *done, unsigned int ms)
{
	return wait_for_completion_timeout(done, msecs_to_jiffies(ms));
}

bool evobj_waiter_finished(struct evobj_waiter *w)
{
	return wait_for_completion_timeout(&w->done,
					   msecs_to_jiffies(EVOBJ_TEST_LONG_MS));
}

/* True if @w is still waiting after a quiet period. */
bool evobj_waiter_still_waiting(struct evobj_waiter *w)
{
	return !wait_for_completion_timeout(&w->done,
					    msecs_to_jiffies(EVOBJ_TEST_QUIET_MS));
}

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

struct evobj_irq *evobj_irq_create(struct kunit *test,
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

void evobj_irq_fire_timer(struct evobj_irq *irq)
{
	hrtimer_start(&irq->timer, ns_to_ktime(100 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
}

void evobj_irq_fire_work(struct kunit *test, struct evobj_irq *irq)
{
	KUNIT_EXPECT_TRUE(test, irq_work_queue(&irq->work));
}

bool evobj_irq_fired(struct evobj_irq *irq)
{
	return wait_for_completion_timeout(&irq->fired,
					   msecs_to_jiffies(EVOBJ_TEST_LONG_MS));
}

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

/*
 * An event file made the way EVOBJ_IOC_CREATE makes one, minus the fd.
 * The file owns the event's only reference; *@evp borrows it.
 */
struct file *evobj_test_file(struct kunit *test, u32 type,
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
__poll_t evobj_test_poll(struct kunit *test, struct file *file,
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

u64 evobj_test_ns_in_ms(unsigned int ms)
{
	return ktime_to_ns(evobj_test_in_ms(ms));
}

void evobj_thread_stop(void *task)
{
	kthread_stop_put(task);
}

/* Runs @fn on CPU @nth of the online ones (modulo), stopped at test end. */
struct task_struct *evobj_thread_start(struct kunit *test,
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
int evobj_thread_idle(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}
