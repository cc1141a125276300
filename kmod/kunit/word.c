// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_word suite: the mapped state word (word.c), with a word of the
 * test's own playing the page that userspace would map: the test is the
 * mapping process, changing the word by compare-and-swap as the contract
 * says, or scribbling on it as a hostile one would.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/preempt.h>

#include "../compat.h"
#include "kunit.h"

struct evobj_test_word {
	atomic_t word;
	struct evobj *ev;
};

/* The test's word goes before its event: the state moves back first. */
static void evobj_test_unmap(void *data)
{
	struct evobj_test_word *tw = data;
	struct evobj *ev = tw->ev;

	raw_spin_lock_irq(&ev->lock);
	evobj_word_take(ev);
	WRITE_ONCE(ev->word, NULL);
	ev->owned = false;
	raw_spin_unlock_irq(&ev->lock);
}

static atomic_t *evobj_test_map(struct kunit *test, struct evobj *ev)
{
	struct evobj_test_word *tw = kunit_kzalloc(test, sizeof(*tw),
						   GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tw);
	tw->ev = ev;
	raw_spin_lock_irq(&ev->lock);
	evobj_word_attach(ev, &tw->word);
	raw_spin_unlock_irq(&ev->lock);
	/* Registered after the allocation, so it runs before the kfree(). */
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_test_unmap, tw));
	return &tw->word;
}

/* Userspace's change: only from @old, which has EVOBJ_WORD_KERNEL clear. */
static bool evobj_test_word_cas(atomic_t *word, u32 old, u32 new)
{
	return atomic_cmpxchg(word, old, new) == old;
}

static void evobj_word_follows_state_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, true);
	atomic_t *word = evobj_test_map(test, ev);

	/* Nobody waits: the kernel lets go of the word after each change. */
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(word));
	KUNIT_EXPECT_TRUE(test, evobj_reset(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(word));
	KUNIT_EXPECT_TRUE(test, evobj_pulse(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

static void evobj_word_changes_seen_test(struct kunit *test)
{
	struct evobj *note = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	struct evobj *sync = evobj_test_create(test, EVOBJ_SYNCHRONIZATION,
					       false);
	atomic_t *nw = evobj_test_map(test, note);
	atomic_t *sw = evobj_test_map(test, sync);

	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(nw, 0, EVOBJ_WORD_SIGNALED));
	KUNIT_EXPECT_TRUE(test, evobj_signaled(note));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(note, 0));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(nw));
	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(nw, EVOBJ_WORD_SIGNALED, 0));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(note));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(note, 0));

	/* A set through the word is consumed by the kernel's wait. */
	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(sw, 0, EVOBJ_WORD_SIGNALED));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(sync, 0));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(sw));
	KUNIT_EXPECT_FALSE(test, evobj_set(sync));
	KUNIT_EXPECT_TRUE(test, evobj_test_word_cas(sw, EVOBJ_WORD_SIGNALED, 0));
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, evobj_wait(sync, 0));
}

/* A queued wait holds the word: the mapping process keeps its hands off. */
static void evobj_word_held_while_waiting_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	atomic_t *word = evobj_test_map(test, ev);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL, atomic_read(word));
	KUNIT_EXPECT_FALSE(test, evobj_test_word_cas(word, 0,
						     EVOBJ_WORD_SIGNALED));
	/* Scribbled while held: the kernel's state wins. */
	atomic_set(word, EVOBJ_WORD_SIGNALED);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	KUNIT_EXPECT_TRUE(test, evobj_waiter_still_waiting(w));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL, atomic_read(word));
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

/* A wait-all holds every word it names, and consumes through them. */
static void evobj_word_wait_all_test(struct kunit *test)
{
	struct evobj *evs[2];
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;
	atomic_t *words[2];

	evs[0] = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	evs[1] = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	words[0] = evobj_test_map(test, evs[0]);
	words[1] = evobj_test_map(test, evs[1]);
	/* Set through its word before the wait: the wait-all must see it. */
	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(words[1], 0,
						    EVOBJ_WORD_SIGNALED));
	w = evobj_waiter_start(test, &finished, evs, 2, NULL, true);
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL, atomic_read(words[0]));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL | EVOBJ_WORD_SIGNALED,
			atomic_read(words[1]));
	KUNIT_EXPECT_FALSE(test, evobj_set(evs[0]));
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(words[0]));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(words[1]));
}

/* A set from hardirq takes and lets go of the word like any other. */
static void evobj_word_hardirq_set_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	atomic_t *word = evobj_test_map(test, ev);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;
	struct evobj_irq *irq;

	irq = evobj_irq_create(test, ev, evobj_set);
	evobj_irq_fire_timer(irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(word));
	KUNIT_ASSERT_TRUE(test, evobj_test_word_cas(word, EVOBJ_WORD_SIGNALED,
						    0));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));

	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	irq = evobj_irq_create(test, ev, evobj_set);
	evobj_irq_fire_work(test, irq);
	KUNIT_ASSERT_TRUE(test, evobj_irq_fired(irq));
	KUNIT_EXPECT_TRUE(test, irq->in_hardirq);
	KUNIT_EXPECT_FALSE(test, irq->prev);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

/* A pulse that releases a waiter never lets the word say signaled. */
static void evobj_word_pulse_invisible_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	atomic_t *word = evobj_test_map(test, ev);
	atomic_t finished = ATOMIC_INIT(0);
	struct evobj_waiter *w;

	w = evobj_waiter_start(test, &finished, &ev, 1, NULL, false);
	KUNIT_EXPECT_FALSE(test, evobj_pulse(ev));
	KUNIT_EXPECT_FALSE(test, atomic_read(word) & EVOBJ_WORD_SIGNALED);
	KUNIT_ASSERT_TRUE(test, evobj_waiter_finished(w));
	KUNIT_EXPECT_EQ(test, 0, w->ret);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

/* Whatever a hostile process writes, the kernel reads one bit of it. */
static void evobj_word_garbage_test(struct kunit *test)
{
	struct evobj *ev = evobj_test_create(test, EVOBJ_NOTIFICATION, false);
	atomic_t *word = evobj_test_map(test, ev);

	atomic_set(word, 0xfffffffe);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
	atomic_set(word, 0x80000001);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(ev));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_SIGNALED, atomic_read(word));
	/* A false "held" only sends the mapping process to the ioctls. */
	atomic_set(word, EVOBJ_WORD_KERNEL);
	KUNIT_EXPECT_FALSE(test, evobj_reset(ev));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
}

/* A registered poller holds the word, so a set wakes it. */
static void evobj_word_poller_holds_test(struct kunit *test)
{
	struct evobj_poller *p;
	struct file *file;
	struct evobj *ev;
	atomic_t *word;

	file = evobj_test_file(test, EVOBJ_NOTIFICATION, false, &ev);
	word = evobj_test_map(test, ev);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(word));
	evobj_test_poll(test, file, &p);
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL, atomic_read(word));
	KUNIT_EXPECT_FALSE(test, evobj_test_word_cas(word, 0,
						     EVOBJ_WORD_SIGNALED));
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_ASSERT_TRUE(test, evobj_test_completes(&p->woken,
						     EVOBJ_TEST_LONG_MS));
	KUNIT_EXPECT_EQ(test, EVOBJ_WORD_KERNEL | EVOBJ_WORD_SIGNALED,
			atomic_read(word));
}

/*
 * The word raced by everything at once: a thread playing the mapping
 * process (compare-and-swap sets and takes, and kernel calls while the
 * kernel holds the word), a kthread waiting in the kernel, and a hard
 * hrtimer setting from hardirq. Every 0 -> 1 change is counted where it
 * happens, and so is every 1 -> 0, so exactly: raised = taken + final.
 */
#define EVOBJ_WORD_STRESS_OPS	20000
#define EVOBJ_WORD_STRESS_IRQS	2000

struct evobj_word_stress {
	struct evobj *ev;
	atomic_t *word;
	struct hrtimer timer;
	atomic_t irqs_left;
	atomic_t raised;
	atomic_t taken;
	atomic_t done;
	struct completion finished;	/* the user and the waiter */
	struct completion irqs_done;
};

static enum hrtimer_restart evobj_word_stress_irq(struct hrtimer *timer)
{
	struct evobj_word_stress *s = container_of(timer, typeof(*s), timer);

	if (!evobj_set(s->ev))
		atomic_inc(&s->raised);
	if (atomic_dec_return(&s->irqs_left) <= 0) {
		complete(&s->irqs_done);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(timer, ns_to_ktime(20 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static int evobj_word_stress_user(void *data)
{
	struct evobj_word_stress *s = data;
	unsigned int i;

	for (i = 0; i < EVOBJ_WORD_STRESS_OPS; i++) {
		u32 w = atomic_read(s->word);

		if (w & EVOBJ_WORD_KERNEL) {
			/* Hands off: what the ioctls would do. */
			if (i & 1) {
				if (!evobj_set(s->ev))
					atomic_inc(&s->raised);
			} else if (evobj_reset(s->ev)) {
				atomic_inc(&s->taken);
			}
		} else if (w == 0 && (i & 1)) {
			if (evobj_test_word_cas(s->word, 0, EVOBJ_WORD_SIGNALED))
				atomic_inc(&s->raised);
		} else if (w == EVOBJ_WORD_SIGNALED) {
			if (evobj_test_word_cas(s->word, w, 0))
				atomic_inc(&s->taken);
		}
		if (i % 64 == 0)
			cond_resched();
	}
	if (atomic_inc_return(&s->done) == 2)
		complete(&s->finished);
	return evobj_thread_idle();
}

static int evobj_word_stress_waiter(void *data)
{
	struct evobj_word_stress *s = data;
	unsigned int i;

	for (i = 0; i < EVOBJ_WORD_STRESS_OPS / 8; i++)
		if (!evobj_wait(s->ev, ktime_add_us(ktime_get(), 200)))
			atomic_inc(&s->taken);
	if (atomic_inc_return(&s->done) == 2)
		complete(&s->finished);
	return evobj_thread_idle();
}

static void evobj_word_stress_cancel(void *data)
{
	struct evobj_word_stress *s = data;

	hrtimer_cancel(&s->timer);
}

static void evobj_word_stress_test(struct kunit *test)
{
	struct evobj_word_stress *s = kunit_kzalloc(test, sizeof(*s),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->ev = evobj_test_create(test, EVOBJ_SYNCHRONIZATION, false);
	s->word = evobj_test_map(test, s->ev);
	atomic_set(&s->irqs_left, EVOBJ_WORD_STRESS_IRQS);
	init_completion(&s->finished);
	init_completion(&s->irqs_done);
	evobj_hrtimer_setup(&s->timer, evobj_word_stress_irq, CLOCK_MONOTONIC,
			    HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_word_stress_cancel,
						  s));
	evobj_thread_start(test, evobj_word_stress_user, s, 0);
	evobj_thread_start(test, evobj_word_stress_waiter, s, 1);
	hrtimer_start(&s->timer, ns_to_ktime(20 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);
	KUNIT_ASSERT_TRUE(test, evobj_test_completes(&s->finished,
						     6 * EVOBJ_TEST_LONG_MS));
	KUNIT_ASSERT_TRUE(test, evobj_test_completes(&s->irqs_done,
						     EVOBJ_TEST_LONG_MS));
	KUNIT_EXPECT_EQ(test, atomic_read(&s->raised),
			atomic_read(&s->taken) + evobj_signaled(s->ev));
	KUNIT_EXPECT_GT(test, atomic_read(&s->raised), 0);
	/* Nobody left: the word is the state again. */
	KUNIT_EXPECT_EQ(test, (u32)evobj_signaled(s->ev),
			(u32)atomic_read(s->word));
	kunit_info(test, "raised %d, taken %d\n", atomic_read(&s->raised),
		   atomic_read(&s->taken));
}

static struct kunit_case evobj_word_cases[] = {
	KUNIT_CASE(evobj_word_follows_state_test),
	KUNIT_CASE(evobj_word_changes_seen_test),
	KUNIT_CASE(evobj_word_held_while_waiting_test),
	KUNIT_CASE(evobj_word_wait_all_test),
	KUNIT_CASE(evobj_word_hardirq_set_test),
	KUNIT_CASE(evobj_word_pulse_invisible_test),
	KUNIT_CASE(evobj_word_garbage_test),
	KUNIT_CASE(evobj_word_poller_holds_test),
	KUNIT_CASE_SLOW(evobj_word_stress_test),
	{}
};

static struct kunit_suite evobj_word_suite = {
	.name = "evobj_word",
	.test_cases = evobj_word_cases,
};

kunit_test_suite(evobj_word_suite);
