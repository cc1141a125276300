// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_names suite: named events (names.c), their lifetime, lookup,
 * errors, the window of a dying event, and races of opens and creates
 * against each other and against the close of the last file.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/kthread.h>
#include <linux/nsproxy.h>

#include "kunit.h"

#define EVOBJ_NAMES_MANY	1000
#define EVOBJ_NAMES_THREADS	4
#define EVOBJ_NAMES_ITERS	2000

static void evobj_names_lifetime_test(struct kunit *test)
{
	struct evobj *a, *b, *c;
	bool created = false;

	a = evobj_open("kunit/life", EVOBJ_SYNCHRONIZATION, true,
		       EVOBJ_OPEN_ALWAYS, 0600, &created);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, created);
	/* The existing event's type and state win. */
	b = evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
		       EVOBJ_OPEN_ALWAYS, 0, &created);
	KUNIT_ASSERT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_FALSE(test, created);
	KUNIT_EXPECT_EQ(test, EVOBJ_SYNCHRONIZATION, b->type);
	KUNIT_EXPECT_TRUE(test, evobj_signaled(b));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EEXIST),
			    evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
				       EVOBJ_CREATE_NEW, 0600, NULL));
	evobj_put(a);
	/* b still holds it. */
	c = evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
		       EVOBJ_OPEN_EXISTING, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, b, c);
	if (!IS_ERR(c))
		evobj_put(c);
	evobj_put(b);
	/* The last reference took the name with it; the refused
	 * EVOBJ_CREATE_NEW above did not keep one.
	 */
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_EXISTING, 0, NULL));
	a = evobj_open("kunit/life", EVOBJ_NOTIFICATION, false,
		       EVOBJ_CREATE_NEW, 0600, &created);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_TRUE(test, created);
	KUNIT_EXPECT_EQ(test, EVOBJ_NOTIFICATION, a->type);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(a));
	evobj_put(a);
}

static void evobj_names_errors_test(struct kunit *test)
{
	char *name = kunit_kzalloc(test, EVOBJ_NAME_MAX + 2, GFP_KERNEL);
	struct evobj *ev;

	KUNIT_ASSERT_NOT_NULL(test, name);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    evobj_open("", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_ALWAYS, 0600, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    evobj_open("kunit/e", 2, false,
				       EVOBJ_OPEN_ALWAYS, 0600, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    evobj_open("kunit/e", EVOBJ_NOTIFICATION, false,
				       3, 0600, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-EINVAL),
			    evobj_open("kunit/e", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_ALWAYS, 01000, NULL));
	memset(name, 'x', EVOBJ_NAME_MAX + 1);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENAMETOOLONG),
			    evobj_open(name, EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_ALWAYS, 0600, NULL));
	name[EVOBJ_NAME_MAX] = '\0';
	ev = evobj_open(name, EVOBJ_NOTIFICATION, false, EVOBJ_CREATE_NEW,
			0600, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	evobj_put(ev);
}

/*
 * Many names: each opens its own event; names one byte apart, or that
 * share a prefix, never meet.
 */
static void evobj_names_lookup_test(struct kunit *test)
{
	struct evobj **evs = kunit_kcalloc(test, EVOBJ_NAMES_MANY,
					   sizeof(*evs), GFP_KERNEL);
	char name[32];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, evs);
	for (i = 0; i < EVOBJ_NAMES_MANY; i++) {
		snprintf(name, sizeof(name), "kunit/many/%d", i);
		evs[i] = evobj_open(name, EVOBJ_NOTIFICATION, false,
				    EVOBJ_CREATE_NEW, 0600, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, evs[i]);
	}
	for (i = 0; i < EVOBJ_NAMES_MANY; i++) {
		struct evobj *ev;

		snprintf(name, sizeof(name), "kunit/many/%d", i);
		ev = evobj_open(name, EVOBJ_NOTIFICATION, false,
				EVOBJ_OPEN_EXISTING, 0, NULL);
		KUNIT_EXPECT_PTR_EQ(test, evs[i], ev);
		if (!IS_ERR(ev))
			evobj_put(ev);
	}
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/many/", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_EXISTING, 0, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/many/10000", EVOBJ_NOTIFICATION,
				       false, EVOBJ_OPEN_EXISTING, 0, NULL));
	for (i = 0; i < EVOBJ_NAMES_MANY; i++)
		evobj_put(evs[i]);
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/many/0", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_EXISTING, 0, NULL));
}

struct evobj_names_dying {
	struct evobj *ev;
	struct completion done;
};

static int evobj_names_last_put(void *data)
{
	struct evobj_names_dying *d = data;

	evobj_put(d->ev);
	complete(&d->done);
	return evobj_thread_idle();
}

/*
 * The window between the last put and the release unhashing the name:
 * the test holds the names lock, so the release of the event (whose
 * count is already zero) waits on it. A lookup then must not return the
 * dying event, and a create right after must make a fresh one.
 */
static void evobj_names_dying_test(struct kunit *test)
{
	struct evobj_names_dying d;
	struct evobj *fresh;
	unsigned long end;
	bool created;

	d.ev = evobj_open("kunit/dying", EVOBJ_NOTIFICATION, true,
			  EVOBJ_CREATE_NEW, 0600, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d.ev);
	init_completion(&d.done);

	mutex_lock(&evobj_names_lock);
	evobj_thread_start(test, evobj_names_last_put, &d, 1);
	end = jiffies + msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	while (kref_read(&d.ev->ref) && time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, 0, kref_read(&d.ev->ref));
	KUNIT_EXPECT_NULL(test, evobj_name_find(current->nsproxy->ipc_ns,
						"kunit/dying", 11));
	mutex_unlock(&evobj_names_lock);
	end = msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&d.done, end));

	fresh = evobj_open("kunit/dying", EVOBJ_NOTIFICATION, false,
			   EVOBJ_CREATE_NEW, 0600, &created);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fresh);
	KUNIT_EXPECT_TRUE(test, created);
	KUNIT_EXPECT_FALSE(test, evobj_signaled(fresh));
	evobj_put(fresh);
}

struct evobj_names_race {
	atomic_t created;
	atomic_t opened;
	atomic_t holders;
	atomic_t overlap;
	atomic_t errors;
	atomic_t started;
	atomic_t finished;
};

/*
 * Open-or-create, use and put one name, against threads that
 * create-only it: those winners must hold the name one at a time.
 */
static int evobj_names_racer(void *data)
{
	struct evobj_names_race *r = data;
	bool exclusive = atomic_inc_return(&r->started) & 1;
	unsigned int i;

	for (i = 0; i < EVOBJ_NAMES_ITERS; i++) {
		bool created;
		struct evobj *ev;

		ev = evobj_open("kunit/race", EVOBJ_SYNCHRONIZATION, false,
				exclusive ? EVOBJ_CREATE_NEW : EVOBJ_OPEN_ALWAYS,
				0600, &created);
		if (IS_ERR(ev)) {
			if (!exclusive || PTR_ERR(ev) != -EEXIST)
				atomic_inc(&r->errors);
			continue;
		}
		atomic_inc(created ? &r->created : &r->opened);
		if (exclusive && atomic_inc_return(&r->holders) != 1)
			atomic_inc(&r->overlap);
		evobj_set(ev);
		if (exclusive)
			atomic_dec(&r->holders);
		evobj_put(ev);
		if (i % 32 == 0)
			cond_resched();
	}
	atomic_inc(&r->finished);
	return evobj_thread_idle();
}

static void evobj_names_race_test(struct kunit *test)
{
	struct evobj_names_race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	unsigned long end;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < EVOBJ_NAMES_THREADS; i++)
		evobj_thread_start(test, evobj_names_racer, r, i);
	end = jiffies + msecs_to_jiffies(20 * EVOBJ_TEST_LONG_MS);
	while (atomic_read(&r->finished) < EVOBJ_NAMES_THREADS &&
	       time_before(jiffies, end))
		msleep(20);
	KUNIT_ASSERT_EQ(test, EVOBJ_NAMES_THREADS, atomic_read(&r->finished));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->errors));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&r->overlap));
	KUNIT_EXPECT_GT(test, atomic_read(&r->created), 0);
	kunit_info(test, "%d created, %d opened existing",
		   atomic_read(&r->created), atomic_read(&r->opened));
	KUNIT_EXPECT_PTR_EQ(test, ERR_PTR(-ENOENT),
			    evobj_open("kunit/race", EVOBJ_NOTIFICATION, false,
				       EVOBJ_OPEN_EXISTING, 0, NULL));
}

struct evobj_names_closer {
	struct file *file;
	struct completion done;
};

static int evobj_names_close_file(void *data)
{
	struct evobj_names_closer *c = data;

	__fput_sync(c->file);
	complete(&c->done);
	return evobj_thread_idle();
}

/*
 * A named open can give an event a new file while its last file is
 * closing. The close drops the file count and stops the timer in one
 * hold of timer_lock, so the count never reads zero while a stop is
 * still to come: a file opened meanwhile cannot arm a timer that the
 * close then cancels. The test holds timer_lock to stop the close in its
 * tracks and looks at the count.
 */
static void evobj_names_close_vs_open_test(struct kunit *test)
{
	struct evobj_names_closer c;
	struct task_struct *closer;
	struct file *second;
	unsigned long end;
	struct evobj *ev;

	ev = evobj_open("kunit/close-vs-open", EVOBJ_NOTIFICATION, false,
			EVOBJ_CREATE_NEW, 0600, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ev));
	kref_get(&ev->ref);
	c.file = evobj_file_open(ev, 0);
	if (IS_ERR(c.file))
		evobj_put(ev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c.file);
	init_completion(&c.done);

	mutex_lock(&ev->timer_lock);
	closer = evobj_thread_start(test, evobj_names_close_file, &c, 1);
	/* Until the closer sleeps on timer_lock, in the last file's release. */
	end = jiffies + msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	while (READ_ONCE(closer->__state) != TASK_UNINTERRUPTIBLE &&
	       time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&ev->files));
	/* What a named open does meanwhile: a new file for the event. */
	kref_get(&ev->ref);
	second = evobj_file_open(ev, 0);
	if (IS_ERR(second))
		evobj_put(ev);
	mutex_unlock(&ev->timer_lock);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, second);
	end = msecs_to_jiffies(EVOBJ_TEST_LONG_MS);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&c.done, end));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&ev->files));

	/* The new file's timer stays armed: only its own close stops it. */
	KUNIT_EXPECT_EQ(test, 0,
			evobj_timer_arm(ev, evobj_test_ns_in_ms(3600000), 0));
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&ev->timer));
	__fput_sync(second);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&ev->timer));
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&ev->files));
}

static struct kunit_case evobj_names_cases[] = {
	KUNIT_CASE(evobj_names_lifetime_test),
	KUNIT_CASE(evobj_names_errors_test),
	KUNIT_CASE(evobj_names_lookup_test),
	KUNIT_CASE(evobj_names_dying_test),
	KUNIT_CASE(evobj_names_close_vs_open_test),
	KUNIT_CASE_SLOW(evobj_names_race_test),
	{}
};

static struct kunit_suite evobj_names_suite = {
	.name = "evobj_names",
	.test_cases = evobj_names_cases,
};

kunit_test_suite(evobj_names_suite);
