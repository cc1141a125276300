// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: io_uring. A poll request on an event fd completes when
 * the event is set, from a thread or from the hardirq timer, and never
 * consumes it; an io_uring read() is a consuming wait like read(2).
 * Skips where io_uring is unavailable or disabled.
 */

#include <liburing.h>
#include <poll.h>

#include "evobj_test.h"

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION

FIXTURE(uring) {
	int dev;
	struct io_uring ring;
	bool ring_ok;
};

FIXTURE_SETUP(uring)
{
	int ret;

	self->ring_ok = false;
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev);
	ret = io_uring_queue_init(8, &self->ring, 0);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "io_uring unavailable: %s", strerror(-ret));
	ASSERT_EQ(0, ret);
	self->ring_ok = true;
}

FIXTURE_TEARDOWN(uring)
{
	if (self->ring_ok)
		io_uring_queue_exit(&self->ring);
	if (self->dev >= 0)
		close(self->dev);
}

static int submit_poll(struct io_uring *ring, int fd, uint64_t tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe)
		return -EBUSY;
	io_uring_prep_poll_add(sqe, fd, POLLIN);
	io_uring_sqe_set_data64(sqe, tag);
	return io_uring_submit(ring);
}

/*
 * The next completion within @ms milliseconds: its res, tag in *@tag;
 * -ETIME if none came.
 */
static int reap(struct io_uring *ring, long long ms, uint64_t *tag)
{
	struct __kernel_timespec ts = {
		.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000,
	};
	struct io_uring_cqe *cqe;
	int ret;

	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	if (ret)
		return ret;
	ret = cqe->res;
	*tag = io_uring_cqe_get_data64(cqe);
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

struct setter {
	int fd;
	int64_t prev;
};

static void *setter_fn(void *arg)
{
	struct setter *s = arg;

	sleep_ns(50 * NSEC_PER_MSEC);
	s->prev = ev_set(s->fd);
	return NULL;
}

TEST_F(uring, poll_already_signaled)
{
	uint64_t tag = POISON64;
	int fd = ev_create(self->dev, S, EVOBJ_SIGNALED);

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, submit_poll(&self->ring, fd, 1));
	EXPECT_EQ(POLLIN, reap(&self->ring, LONG_WAIT_NS / NSEC_PER_MSEC, &tag));
	EXPECT_EQ(1, tag);
	EXPECT_EQ(1, ev_signaled(fd));
}

TEST_F(uring, poll_woken_by_set)
{
	struct setter s = { .prev = -2 };
	uint64_t tag = POISON64;
	pthread_t thread;

	s.fd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, s.fd);
	ASSERT_EQ(1, submit_poll(&self->ring, s.fd, 2));
	/* Pending while non-signaled. */
	EXPECT_EQ(-ETIME, reap(&self->ring, 20, &tag));
	ASSERT_EQ(0, pthread_create(&thread, NULL, setter_fn, &s));
	EXPECT_EQ(POLLIN, reap(&self->ring, LONG_WAIT_NS / NSEC_PER_MSEC, &tag));
	EXPECT_EQ(2, tag);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, s.prev);
	/* Polling does not consume. */
	EXPECT_EQ(1, ev_signaled(s.fd));
}

/* The hardirq timer's set reaches io_uring too (via irq_work on RT). */
TEST_F(uring, poll_woken_by_timer)
{
	struct evobj_timer tm = {};
	uint64_t tag = POISON64;
	int fd = ev_create(self->dev, N, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, submit_poll(&self->ring, fd, 3));
	tm.expires = deadline_in(50 * NSEC_PER_MSEC);
	ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_TIMER, &tm));
	EXPECT_EQ(POLLIN, reap(&self->ring, LONG_WAIT_NS / NSEC_PER_MSEC, &tag));
	EXPECT_EQ(3, tag);
	EXPECT_LE(tm.expires, now_ns(CLOCK_MONOTONIC));
	EXPECT_EQ(1, ev_signaled(fd));
}

/* An io_uring read blocks like read(2) until a set, and consumes. */
TEST_F(uring, read_waits_and_consumes)
{
	struct setter s = { .prev = -2 };
	uint64_t tag = POISON64, v = POISON64;
	struct io_uring_sqe *sqe;
	pthread_t thread;

	s.fd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, s.fd);
	sqe = io_uring_get_sqe(&self->ring);
	ASSERT_NE(NULL, sqe);
	io_uring_prep_read(sqe, s.fd, &v, sizeof(v), 0);
	io_uring_sqe_set_data64(sqe, 4);
	ASSERT_EQ(1, io_uring_submit(&self->ring));
	ASSERT_EQ(0, pthread_create(&thread, NULL, setter_fn, &s));
	EXPECT_EQ(8, reap(&self->ring, LONG_WAIT_NS / NSEC_PER_MSEC, &tag));
	EXPECT_EQ(4, tag);
	EXPECT_EQ(1, v);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, s.prev);
	EXPECT_EQ(0, ev_signaled(s.fd));
}

TEST_HARNESS_MAIN
