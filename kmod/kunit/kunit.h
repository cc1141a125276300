/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What evobj's KUnit suites share (CONFIG_EVOBJ_KUNIT_TEST): a file per
 * suite in kmod/kunit/, each registering its suite, and these helpers,
 * defined in helpers.c. An event, file, kthread or timer that a helper
 * makes for a test is put, closed, stopped or cancelled when the test
 * ends, by a KUnit action registered before the helper returns.
 */
#ifndef _EVOBJ_KUNIT_H
#define _EVOBJ_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "../internal.h"

/*
 * Generous bounds: the suites run under QEMU without KVM on a KASAN and
 * lockdep kernel, where a wake-up can take milliseconds. They only cap how
 * long a broken evobj takes to fail the test, never what a pass means.
 */
#define EVOBJ_TEST_LONG_MS	10000
#define EVOBJ_TEST_QUIET_MS	50

/*
 * KUnit actions that a helper registers and a suite may release, or
 * that several files register: one definition each, so that
 * kunit_release_action() matches them (KUNIT_DEFINE_ACTION_WRAPPER()
 * would make a static copy per file).
 */
void evobj_put_action(void *ev);
void evobj_fput_action(void *file);
void evobj_waiter_stop(void *data);
void evobj_thread_stop(void *task);

ktime_t evobj_test_in_ms(unsigned int ms);
u64 evobj_test_ns_in_ms(unsigned int ms);
bool evobj_test_completes(struct completion *done, unsigned int ms);

struct evobj *evobj_test_create(struct kunit *test, u32 type, bool signaled);
struct evobj *evobj_test_create_sem(struct kunit *test, u32 count, u32 max);
struct evobj *evobj_test_create_mutex(struct kunit *test, u32 owner, u32 count);
void evobj_test_create_many(struct kunit *test, struct evobj **evs,
			    u32 n, u32 type);
unsigned int evobj_nr_waiters(struct evobj *ev);
bool evobj_test_wait_waiters(struct evobj *ev, unsigned int n,
			     struct completion *done);

/*
 * Waits from kthreads. A waiter runs one evobj_wait_many() and records
 * its result and its rank among the waiters of the test to finish. The
 * test holds a reference to its task; stopping it interrupts a wait still
 * in progress (kthread_stop() makes signal_pending() true), so a failed
 * test never leaves a sleeping kthread behind.
 */
struct evobj_waiter {
	struct task_struct *task;
	struct evobj *evs[2];
	u32 count;
	struct evobj *alert;
	bool all;
	ktime_t timeout;
	u32 owner;		/* for mutexes: evobj_waiter_start_owner() */
	atomic_t *finished;	/* shared by the test's waiters */
	int rank;		/* 1 for the first to finish */
	int ret;
	u32 index;
	ktime_t end;		/* when the wait returned */
	struct completion done;
};

struct evobj_waiter *
evobj_waiter_start_on(struct kunit *test, atomic_t *finished,
		      struct evobj *const *evs, u32 count, struct evobj *alert,
		      bool all, int cpu, unsigned int timeout_ms);
struct evobj_waiter *
evobj_waiter_start_owner(struct kunit *test, atomic_t *finished,
			 struct evobj *const *evs, u32 count, bool all,
			 u32 owner, unsigned int timeout_ms);
struct evobj_waiter *
evobj_waiter_start(struct kunit *test, atomic_t *finished,
		   struct evobj *const *evs, u32 count, struct evobj *alert,
		   bool all);
bool evobj_waiter_finished(struct evobj_waiter *w);
bool evobj_waiter_still_waiting(struct evobj_waiter *w);

/*
 * Real hardirq context: a hard hrtimer and a hard irq_work run their
 * callbacks in hardirq context, on PREEMPT_RT too. The callback applies
 * @op to the event and records where it ran and what @op returned.
 */
struct evobj_irq {
	struct hrtimer timer;
	struct irq_work work;
	struct evobj *ev;
	bool (*op)(struct evobj *ev);
	bool in_hardirq;
	bool prev;
	struct completion fired;
};

struct evobj_irq *evobj_irq_create(struct kunit *test, struct evobj *ev,
				   bool (*op)(struct evobj *ev));
void evobj_irq_fire_timer(struct evobj_irq *irq);
void evobj_irq_fire_work(struct kunit *test, struct evobj_irq *irq);
bool evobj_irq_fired(struct evobj_irq *irq);

/*
 * A poll waiter as select() or epoll would queue it, but whose wake
 * function only records the wake-up, so that the test sees exactly when
 * and with what key evobj wakes its poll_wq.
 */
struct evobj_poller {
	poll_table pt;
	wait_queue_entry_t entry;
	wait_queue_head_t *head;
	__poll_t key;
	atomic_t wakes;
	struct completion woken;
};

struct file *evobj_test_file(struct kunit *test, u32 type, bool signaled,
			     struct evobj **evp);
__poll_t evobj_test_poll(struct kunit *test, struct file *file,
			 struct evobj_poller **pp);

/* Threads of a test, each bound to a CPU (evobj_thread_start()). */
struct task_struct *evobj_thread_start(struct kunit *test,
				       int (*fn)(void *), void *data,
				       unsigned int nth);
int evobj_thread_idle(void);

#endif /* _EVOBJ_KUNIT_H */
