// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj_file suite: event files and references. evobj_get_file()
 * keeps the event past the file's fput() and refuses a file that is not
 * an event's, evobj_get() resolves an fd, poll() reports the state, and a
 * set from process context wakes a poller before it returns.
 */

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/poll.h>

#include "kunit.h"

static void evobj_get_file_outlives_fput_test(struct kunit *test)
{
	struct evobj *ev = evobj_create(EVOBJ_SYNCHRONIZATION, false);
	struct evobj *ref;
	struct file *file;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ev);
	file = evobj_file_open(ev, 0);
	if (IS_ERR(file))
		evobj_put(ev);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);

	ref = evobj_get_file(file);
	KUNIT_EXPECT_PTR_EQ(test, ev, ref);
	KUNIT_EXPECT_EQ(test, 2U, kref_read(&ev->ref));
	__fput_sync(file);
	if (IS_ERR(ref))
		return;
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ref));

	/* The file is gone; the event lives on for the reference. */
	KUNIT_EXPECT_EQ(test, 1U, kref_read(&ev->ref));
	KUNIT_EXPECT_FALSE(test, evobj_set(ref));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(ref, 0));
	KUNIT_EXPECT_FALSE(test, evobj_signaled(ref));
}

static const struct file_operations evobj_test_foreign_fops = {
	.owner = THIS_MODULE,
};

static void evobj_get_file_foreign_test(struct kunit *test)
{
	struct file *file = anon_inode_getfile("[evobj_kunit]",
					       &evobj_test_foreign_fops, NULL,
					       O_RDWR);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_fput_action, file));
	KUNIT_EXPECT_EQ(test, -EINVAL, PTR_ERR(evobj_get_file(file)));
}

/*
 * evobj_get() resolves an fd of the current task, here the KUnit
 * kthread; the fd is closed again before anything is checked.
 */
static void evobj_get_fd_test(struct kunit *test)
{
	struct evobj *ev, *ref;
	struct file *file;
	int fd;

	file = evobj_test_file(test, EVOBJ_NOTIFICATION, false, &ev);
	fd = get_unused_fd_flags(O_CLOEXEC);
	KUNIT_ASSERT_GE(test, fd, 0);
	get_file(file);		/* the fd table's reference */
	fd_install(fd, file);
	ref = evobj_get(fd);
	KUNIT_EXPECT_EQ(test, 0, close_fd(fd));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ref);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, evobj_put_action, ref));
	KUNIT_EXPECT_PTR_EQ(test, ev, ref);

	KUNIT_EXPECT_EQ(test, -EBADF, PTR_ERR(evobj_get(fd)));
	KUNIT_EXPECT_EQ(test, -EBADF, PTR_ERR(evobj_get(-1)));
	KUNIT_EXPECT_EQ(test, -EBADF, PTR_ERR(evobj_get(INT_MAX)));
}

static void evobj_poll_mask_test(struct kunit *test)
{
	const __poll_t in = EPOLLIN | EPOLLRDNORM, out = EPOLLOUT | EPOLLWRNORM;
	struct file *file;
	struct evobj *ev;

	file = evobj_test_file(test, EVOBJ_SYNCHRONIZATION, true, &ev);
	KUNIT_EXPECT_EQ(test, in | out, vfs_poll(file, NULL));
	/* Polling consumes nothing. */
	KUNIT_EXPECT_EQ(test, in | out, vfs_poll(file, NULL));
	KUNIT_EXPECT_EQ(test, 0, evobj_wait(ev, 0));
	KUNIT_EXPECT_EQ(test, out, vfs_poll(file, NULL));
}

/* From process context the poller is woken before evobj_set() returns. */
static void evobj_process_set_wakes_poller_test(struct kunit *test)
{
	struct evobj_poller *p;
	struct file *file;
	struct evobj *ev;

	file = evobj_test_file(test, EVOBJ_NOTIFICATION, false, &ev);
	evobj_test_poll(test, file, &p);
	KUNIT_EXPECT_FALSE(test, evobj_set(ev));
	KUNIT_EXPECT_TRUE(test, completion_done(&p->woken));
	KUNIT_EXPECT_EQ(test, (__poll_t)(EPOLLIN | EPOLLRDNORM),
			READ_ONCE(p->key));
	/* Already signaled: no second wake-up. */
	KUNIT_EXPECT_TRUE(test, evobj_set(ev));
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&p->wakes));
}

static struct kunit_case evobj_file_cases[] = {
	KUNIT_CASE(evobj_get_file_outlives_fput_test),
	KUNIT_CASE(evobj_get_file_foreign_test),
	KUNIT_CASE(evobj_get_fd_test),
	KUNIT_CASE(evobj_poll_mask_test),
	KUNIT_CASE(evobj_process_set_wakes_poller_test),
	{}
};

static struct kunit_suite evobj_file_suite = {
	.name = "evobj_file",
	.test_cases = evobj_file_cases,
};

kunit_test_suite(evobj_file_suite);
