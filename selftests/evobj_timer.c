// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: EVOBJ_IOC_TIMER, the high-resolution timer that sets
 * an event from hardirq context. One-shot and periodic expiry, disarming
 * and re-arming, argument errors, and every kind of waiter it must wake:
 * the wait ioctls, read() and epoll.
 */

#include <sys/epoll.h>

#include "evobj_test.h"

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION

static int arm(int fd, uint64_t expires, uint64_t period)
{
	struct evobj_timer t = { .expires = expires, .period = period };

	return ioctl(fd, EVOBJ_IOC_TIMER, &t);
}

/* Waits on @fd alone until @timeout; the wait ioctl's result. */
static int wait_one(int dev, int32_t fd, uint64_t timeout)
{
	struct evobj_wait w = wait_args(&fd, 1, timeout);

	return ev_wait(dev, false, &w);
}

/* A one-shot timer sets the event once, not before its expiry. */
TEST_F(evobj, one_shot)
{
	for (int type = 0; type < 2; type++) {
		int32_t fd = ev_create(self->dev, type, 0);
		uint64_t expires = deadline_in(50 * NSEC_PER_MSEC);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, arm(fd, expires, 0));
		EXPECT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
		EXPECT_LE(expires, now_ns(CLOCK_MONOTONIC));
		EXPECT_EQ(type == N, ev_signaled(fd));
		/* Once only. */
		ASSERT_LE(0, ev_reset(fd));
		errno = 0;
		EXPECT_EQ(-1, wait_one(self->dev, fd, deadline_in(100 * NSEC_PER_MSEC)));
		EXPECT_EQ(ETIMEDOUT, errno);
		ASSERT_EQ(0, close(fd));
	}
}

/* An expiry already past fires at once. */
TEST_F(evobj, expiry_in_the_past)
{
	int32_t fd = ev_create(self->dev, S, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, arm(fd, 1, 0));
	EXPECT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
	ASSERT_EQ(0, arm(fd, now_ns(CLOCK_MONOTONIC) - NSEC_PER_MSEC, 0));
	EXPECT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
}

/* A periodic timer keeps setting a synchronization event after each wait. */
TEST_F(evobj, periodic)
{
	const uint64_t period = 20 * NSEC_PER_MSEC;
	int32_t fd = ev_create(self->dev, S, 0);
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uint64_t first = start + period;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, arm(fd, first, period));
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
	/* Ten expiries cannot come before the tenth is due. */
	EXPECT_LE(first + 9 * period, now_ns(CLOCK_MONOTONIC));
	ASSERT_EQ(0, arm(fd, 0, 0));
}

/* expires == 0 and period == 0 disarms; the event is set no more. */
TEST_F(evobj, disarm)
{
	int32_t fd = ev_create(self->dev, S, 0);

	ASSERT_LE(0, fd);
	/* One-shot, disarmed before it expires. */
	ASSERT_EQ(0, arm(fd, deadline_in(100 * NSEC_PER_MSEC), 0));
	ASSERT_EQ(0, arm(fd, 0, 0));
	errno = 0;
	EXPECT_EQ(-1, wait_one(self->dev, fd, deadline_in(300 * NSEC_PER_MSEC)));
	EXPECT_EQ(ETIMEDOUT, errno);

	/* Periodic, running, then disarmed. */
	ASSERT_EQ(0, arm(fd, deadline_in(NSEC_PER_MSEC), 10 * NSEC_PER_MSEC));
	ASSERT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
	ASSERT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
	ASSERT_EQ(0, arm(fd, 0, 0));
	/* An expiry may have landed between the last wait and disarming. */
	ASSERT_LE(0, ev_reset(fd));
	errno = 0;
	EXPECT_EQ(-1, wait_one(self->dev, fd, deadline_in(100 * NSEC_PER_MSEC)));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(0, ev_signaled(fd));

	/* Disarming a disarmed timer is fine. */
	EXPECT_EQ(0, arm(fd, 0, 0));
}

/* expires == 0 with a period is not a disarm: it starts at once. */
TEST_F(evobj, zero_expiry_with_period_runs)
{
	int32_t fd = ev_create(self->dev, S, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, arm(fd, 0, 10 * NSEC_PER_MSEC));
	EXPECT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
	EXPECT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
	ASSERT_EQ(0, arm(fd, 0, 0));
}

/* From hardirq, the set completes a wait-all (and its consumption). */
TEST_F(evobj, completes_wait_all)
{
	int32_t fds[2];
	struct waiter w;

	fds[0] = ev_create(self->dev, S, EVOBJ_SIGNALED);
	fds[1] = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	waiter_init(&w, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w, fds[1], 1));
	ASSERT_EQ(0, arm(fds[1], deadline_in(10 * NSEC_PER_MSEC), 0));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/* Re-arming replaces the earlier setting. */
TEST_F(evobj, rearm_replaces)
{
	int32_t fd = ev_create(self->dev, S, 0);
	uint64_t late;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, arm(fd, deadline_in(50 * NSEC_PER_MSEC), 0));
	late = deadline_in(300 * NSEC_PER_MSEC);
	ASSERT_EQ(0, arm(fd, late, 0));
	EXPECT_EQ(0, wait_one(self->dev, fd, deadline_in(LONG_WAIT_NS)));
	EXPECT_LE(late, now_ns(CLOCK_MONOTONIC));
}

TEST_F(evobj, bad_arguments)
{
	const struct { struct evobj_timer t; const char *what; } cases[] = {
		{ { .expires = 1, .flags = 1 }, "flags" },
		{ { .expires = 1, .flags = 0x80000000U }, "high flag" },
		{ { .expires = 1, .pad = 1 }, "pad" },
		{ { .flags = 1 }, "flags on a disarm" },
		{ { .expires = 1, .period = 1 }, "period 1" },
		{ { .expires = 1, .period = EVOBJ_TIMER_MIN_PERIOD - 1 }, "period min-1" },
		{ { .expires = 1ULL << 63 }, "expires > KTIME_MAX" },
		{ { .expires = ~0ULL }, "expires ~0" },
		{ { .expires = 1, .period = 1ULL << 63 }, "period > KTIME_MAX" },
	};
	int fd = ev_create(self->dev, S, 0);

	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_TIMER, &cases[i].t))
			TH_LOG("%s", cases[i].what);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", cases[i].what);
	}
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_TIMER, NULL));
	EXPECT_EQ(EFAULT, errno);
	/* None of them armed anything. */
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_EQ(0, ev_signaled(fd));

	/* The smallest period is accepted. */
	EXPECT_EQ(0, arm(fd, deadline_in(NSEC_PER_SEC), EVOBJ_TIMER_MIN_PERIOD));
	EXPECT_EQ(0, arm(fd, 0, 0));
}

/* A blocking read() is woken by the hardirq timer. */
TEST_F(evobj, wakes_read)
{
	int32_t fd = ev_create(self->dev, S, 0);
	uint64_t expires, v = POISON64;

	ASSERT_LE(0, fd);
	expires = deadline_in(50 * NSEC_PER_MSEC);
	ASSERT_EQ(0, arm(fd, expires, 0));
	EXPECT_EQ(8, read(fd, &v, sizeof(v)));
	EXPECT_EQ(1, v);
	EXPECT_LE(expires, now_ns(CLOCK_MONOTONIC));
	EXPECT_EQ(0, ev_signaled(fd));
}

/* epoll is woken by the hardirq timer, once per expiry (edge-triggered). */
TEST_F(evobj, wakes_epoll)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u32 = 7 };
	int32_t fd = ev_create(self->dev, S, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	uint64_t expires;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	expires = deadline_in(50 * NSEC_PER_MSEC);
	ASSERT_EQ(0, arm(fd, expires, 0));
	memset(&ev, 0, sizeof(ev));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, LONG_WAIT_NS / NSEC_PER_MSEC));
	EXPECT_EQ(EPOLLIN, ev.events);
	EXPECT_EQ(7, ev.data.u32);
	EXPECT_LE(expires, now_ns(CLOCK_MONOTONIC));
	EXPECT_EQ(1, ev_signaled(fd));

	/* Periodic: consume each expiry, epoll sees the next one. */
	ASSERT_EQ(1, ev_reset(fd));
	ASSERT_EQ(0, arm(fd, deadline_in(NSEC_PER_MSEC), 10 * NSEC_PER_MSEC));
	for (int i = 0; i < 5; i++) {
		uint64_t v = POISON64;

		EXPECT_EQ(1, epoll_wait(ep, &ev, 1, LONG_WAIT_NS / NSEC_PER_MSEC));
		/* Signaled, and only this thread consumes: does not block. */
		EXPECT_EQ(8, read(fd, &v, sizeof(v)));
		EXPECT_EQ(1, v);
	}
	ASSERT_EQ(0, arm(fd, 0, 0));
}

/* A notification event set by the timer wakes every waiter. */
TEST_F(evobj, wakes_all_waiters)
{
	enum { NW = 3 };
	struct waiter w[NW];
	int32_t fd = ev_create(self->dev, N, 0);

	ASSERT_LE(0, fd);
	for (int i = 0; i < NW; i++) {
		waiter_init(&w[i], self->dev, i == 1, &fd, 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&w[i], fd, i + 1));
	}
	ASSERT_EQ(0, arm(fd, deadline_in(NSEC_PER_MSEC), 0));
	for (int i = 0; i < NW; i++) {
		JOIN_DONE(&w[i]);
		EXPECT_EQ(0, w[i].ret);
		EXPECT_EQ(0, w[i].args.index);
	}
	EXPECT_EQ(1, ev_signaled(fd));
}

/* Closing the last fd of an armed periodic timer stops it cleanly. */
TEST_F(evobj, close_while_armed)
{
	for (int i = 0; i < 20; i++) {
		int fd = ev_create(self->dev, i % 2, 0);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, arm(fd, deadline_in(0), EVOBJ_TIMER_MIN_PERIOD));
		sleep_ns(i * 100000);
		ASSERT_EQ(0, close(fd));
	}
}

TEST_HARNESS_MAIN
