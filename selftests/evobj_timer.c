// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: EVOBJ_IOC_TIMER, the high-resolution timer that sets
 * an event from hardirq context. One-shot and periodic expiry, disarming
 * and re-arming, argument errors, and every kind of waiter it must wake:
 * the wait ioctls, read() and epoll.
 */

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "evobj_files.h"
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

/*
 * A notification event set by the timer wakes every waiter: more than
 * the four a set wakes itself, so that on PREEMPT_RT the rest are woken
 * by the event's irq_work thread, and elsewhere right after the first.
 */
TEST_F(evobj, wakes_all_waiters)
{
	enum { NW = 13 };
	struct waiter w[NW];
	int32_t fd = ev_create(self->dev, N, 0);
	uint64_t start;

	ASSERT_LE(0, fd);
	for (int i = 0; i < NW; i++) {
		waiter_init(&w[i], self->dev, i == 1, &fd, 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&w[i], fd, i + 1));
	}
	start = now_ns(CLOCK_MONOTONIC);
	ASSERT_EQ(0, arm(fd, deadline_in(NSEC_PER_MSEC), 0));
	for (int i = 0; i < NW; i++) {
		JOIN_DONE(&w[i]);
		EXPECT_EQ(0, w[i].ret);
		EXPECT_EQ(0, w[i].args.index);
	}
	/*
	 * Woken, not merely claimed: a waiter that nobody wakes still
	 * returns success, but only at its deadline.
	 */
	EXPECT_GT(LONG_WAIT_NS / 2, now_ns(CLOCK_MONOTONIC) - start);
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

/*
 * Issue 8: a timer that cannot storm. fdinfo shows its state
 * ("timer:\toff|armed|parked"), its period and how many expiries it has
 * handled. A periodic expiry that finds the event still signaled sets
 * nothing and parks the timer; consuming the event, RESET or PULSE
 * resumes it on its period.
 */

#define TIMER_PERIOD	NSEC_PER_MSEC
/* Long enough for a 1 ms timer to expire many times, even under TCG. */
#define FLAT_NS		(200 * NSEC_PER_MSEC)

/* fdinfo's "timer:" is @state within LONG_WAIT_NS. */
static bool timer_state_becomes(int fd, const char *state)
{
	uint64_t end = deadline_in(LONG_WAIT_NS);
	char val[32];

	do {
		if (!fdinfo_str(fd, "timer", val, sizeof(val)) && !strcmp(val, state))
			return true;
		sleep_ns(NSEC_PER_MSEC);
	} while (now_ns(CLOCK_MONOTONIC) < end);
	return false;
}

/* The event behind @fd is signaled within LONG_WAIT_NS (not consumed). */
static bool becomes_signaled(int fd)
{
	uint64_t end = deadline_in(LONG_WAIT_NS);

	do {
		if (ev_signaled(fd) == 1)
			return true;
		sleep_ns(NSEC_PER_MSEC);
	} while (now_ns(CLOCK_MONOTONIC) < end);
	return false;
}

/*
 * The timer on @fd is parked and stays so: the event is signaled and the
 * expiry count does not move over FLAT_NS. Returns that count.
 */
#define ASSERT_PARKED(fd) ({ \
	char _state[32]; \
	long _n; \
	ASSERT_TRUE(timer_state_becomes(fd, "parked")) { \
		if (fdinfo_str(fd, "timer", _state, sizeof(_state))) \
			snprintf(_state, sizeof(_state), "(no timer: line)"); \
		TH_LOG("timer never parked, last state %s", _state); \
	} \
	EXPECT_EQ(1, ev_signaled(fd)); \
	_n = fdinfo_num(fd, "timer_expiries"); \
	EXPECT_LE(1, _n); \
	sleep_ns(FLAT_NS); \
	EXPECT_EQ(_n, fdinfo_num(fd, "timer_expiries")) \
		TH_LOG("a parked timer kept expiring"); \
	ASSERT_EQ(0, fdinfo_str(fd, "timer", _state, sizeof(_state))); \
	EXPECT_STREQ("parked", _state); \
	EXPECT_EQ(1, ev_signaled(fd)); \
	_n; \
})

/*
 * After what should resume it: the timer expires again (more than
 * @before expiries), sets the event, and parks again.
 */
#define ASSERT_RESUMES(fd, before) do { \
	uint64_t _end = deadline_in(LONG_WAIT_NS); \
	while (fdinfo_num(fd, "timer_expiries") <= (before) && \
	       now_ns(CLOCK_MONOTONIC) < _end) \
		sleep_ns(NSEC_PER_MSEC); \
	ASSERT_LT(before, fdinfo_num(fd, "timer_expiries")) \
		TH_LOG("the timer did not resume"); \
	ASSERT_TRUE(becomes_signaled(fd)); \
} while (0)

/* The new fdinfo lines, off, armed and back off. */
TEST_F(evobj, timer_fdinfo)
{
	int32_t fd = ev_create(self->dev, S, 0);
	char state[32];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fdinfo_str(fd, "timer", state, sizeof(state)))
		TH_LOG("no timer: line in fdinfo");
	EXPECT_STREQ("off", state);
	EXPECT_EQ(0, fdinfo_num(fd, "timer_period"));
	EXPECT_EQ(0, fdinfo_num(fd, "timer_expiries"));

	ASSERT_EQ(0, arm(fd, deadline_in(60 * NSEC_PER_SEC), 20 * NSEC_PER_MSEC));
	ASSERT_EQ(0, fdinfo_str(fd, "timer", state, sizeof(state)));
	EXPECT_STREQ("armed", state);
	EXPECT_EQ(20 * NSEC_PER_MSEC, fdinfo_num(fd, "timer_period"));
	EXPECT_EQ(0, fdinfo_num(fd, "timer_expiries"));

	ASSERT_EQ(0, arm(fd, 0, 0));
	ASSERT_EQ(0, fdinfo_str(fd, "timer", state, sizeof(state)));
	EXPECT_STREQ("off", state);
	EXPECT_EQ(0, ev_signaled(fd));
}

/*
 * An unconsumed periodic timer on a synchronization event parks: its
 * expiries stay flat. A read(), a wait, RESET and PULSE each resume it.
 */
TEST_F(evobj, timer_parks_until_consumed)
{
	int32_t fd = ev_create(self->dev, S, 0);
	struct evobj_wait w;
	uint64_t v = POISON64;
	long n;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, arm(fd, deadline_in(TIMER_PERIOD), TIMER_PERIOD));
	EXPECT_EQ(TIMER_PERIOD, fdinfo_num(fd, "timer_period"));
	n = ASSERT_PARKED(fd);

	/* read() consumes. */
	ASSERT_EQ(8, read(fd, &v, sizeof(v)));
	EXPECT_EQ(1, v);
	ASSERT_RESUMES(fd, n);
	n = ASSERT_PARKED(fd);

	/* So does a wait. */
	w = wait_args(&fd, 1, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	ASSERT_RESUMES(fd, n);
	n = ASSERT_PARKED(fd);

	EXPECT_EQ(1, ev_reset(fd));
	ASSERT_RESUMES(fd, n);
	n = ASSERT_PARKED(fd);

	EXPECT_EQ(1, ev_pulse(fd));
	ASSERT_RESUMES(fd, n);
	ASSERT_PARKED(fd);

	ASSERT_EQ(0, arm(fd, 0, 0));
	EXPECT_TRUE(timer_state_becomes(fd, "off"));
}

/*
 * A notification event is not consumed by a wait: the timer stays
 * parked through one, and resumes after RESET.
 */
TEST_F(evobj, timer_parks_notification)
{
	int32_t fd = ev_create(self->dev, N, 0);
	struct evobj_wait w;
	long n;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, arm(fd, deadline_in(TIMER_PERIOD), TIMER_PERIOD));
	n = ASSERT_PARKED(fd);
	w = wait_args(&fd, 1, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(n, ASSERT_PARKED(fd));

	EXPECT_EQ(1, ev_reset(fd));
	ASSERT_RESUMES(fd, n);
	ASSERT_PARKED(fd);
	ASSERT_EQ(0, arm(fd, 0, 0));
}

/*
 * The per-user limit on armed timers, the module parameter max_timers.
 * The test lowers it to LIMIT and the parent puts the old value back,
 * even if the test dies.
 */
#define MAX_TIMERS	"/sys/module/evobj/parameters/max_timers"
#define LIMIT		3
/* max_timers' documented default, checked where there is no parameter. */
#define DEFAULT_MAX_TIMERS	1024

FIXTURE(limit) {
	int dev;
	long restore;		/* max_timers to put back, or -1 */
	bool param;		/* max_timers exists */
};

FIXTURE_SETUP(limit)
{
	self->restore = -1;
	self->param = false;
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev) TH_LOG("open " EVOBJ_DEV ": %s", strerror(errno));
	if (access(MAX_TIMERS, F_OK))
		return;
	self->param = true;
	self->restore = param_read(MAX_TIMERS);
	ASSERT_LE(0, self->restore);
	if (param_write(MAX_TIMERS, LIMIT)) {
		int err = errno;

		self->restore = -1;
		if (err == EACCES || err == EPERM || err == EROFS)
			SKIP(return, MAX_TIMERS " is not writable: %s", strerror(err));
		ASSERT_EQ(0, err) TH_LOG("write " MAX_TIMERS ": %s", strerror(err));
	}
	ASSERT_EQ(LIMIT, param_read(MAX_TIMERS));
}

/* In the parent: self is shared, but the child's fds are not. */
FIXTURE_TEARDOWN_PARENT(limit)
{
	if (self->restore >= 0)
		EXPECT_EQ(0, param_write(MAX_TIMERS, self->restore));
}

#define FAR	(60 * NSEC_PER_SEC)

/* Arming @fd fails with ENOSPC and leaves its timer off. */
#define EXPECT_FULL(fd) do { \
	char _state[32]; \
	errno = 0; \
	EXPECT_EQ(-1, arm(fd, deadline_in(FAR), 0)); \
	EXPECT_EQ(ENOSPC, errno); \
	EXPECT_EQ(0, fdinfo_str(fd, "timer", _state, sizeof(_state))); \
	EXPECT_STREQ("off", _state); \
} while (0)

/*
 * Without the parameter only the default can be checked: with the
 * soft fd limit raised, DEFAULT_MAX_TIMERS timers arm and one more does
 * not.
 */
static void check_default_limit(struct __test_metadata *_metadata, int dev)
{
	struct rlimit rl;
	int fd;

	TH_LOG(MAX_TIMERS " is absent: checking the default, %d",
	       DEFAULT_MAX_TIMERS);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	rl.rlim_cur = rl.rlim_max;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_LT(DEFAULT_MAX_TIMERS + 64, rl.rlim_cur);
	for (int i = 0; i < DEFAULT_MAX_TIMERS; i++) {
		fd = ev_create(dev, S, 0);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, arm(fd, deadline_in(FAR), 0)) TH_LOG("timer %d", i);
	}
	fd = ev_create(dev, S, 0);
	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, arm(fd, deadline_in(FAR), 0))
		TH_LOG("the default limit of %d armed timers was not enforced",
		       DEFAULT_MAX_TIMERS);
	EXPECT_EQ(ENOSPC, errno);
}

TEST_F(limit, timer_limit)
{
	int32_t fds[6];
	struct evobj_wait w;
	int dup0;

	if (!self->param) {
		check_default_limit(_metadata, self->dev);
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = ev_create(self->dev, S, 0);
		ASSERT_LE(0, fds[i]);
	}
	for (int i = 0; i < LIMIT; i++) {
		ASSERT_EQ(0, arm(fds[i], deadline_in(FAR), 0)) TH_LOG("timer %d", i);
	}
	EXPECT_FULL(fds[3]);

	/* Re-arming an armed timer takes no second slot, periodic or not. */
	EXPECT_EQ(0, arm(fds[0], deadline_in(FAR), NSEC_PER_SEC));
	EXPECT_EQ(0, arm(fds[0], deadline_in(FAR / 2), 0));
	EXPECT_FULL(fds[3]);

	/* Disarming frees a slot, once. */
	ASSERT_EQ(0, arm(fds[1], 0, 0));
	ASSERT_EQ(0, arm(fds[1], 0, 0));
	EXPECT_EQ(0, arm(fds[3], deadline_in(FAR), 0));
	EXPECT_FULL(fds[4]);

	/* Closing one of two fds of an event keeps its timer and slot. */
	dup0 = dup(fds[0]);
	ASSERT_LE(0, dup0);
	ASSERT_EQ(0, close(dup0));
	EXPECT_FULL(fds[4]);

	/* Closing its last fd stops the timer and frees the slot. */
	ASSERT_EQ(0, close(fds[2]));
	EXPECT_EQ(0, arm(fds[4], deadline_in(FAR), 0));
	EXPECT_FULL(fds[5]);

	/* A one-shot timer that has fired still holds its slot. */
	ASSERT_EQ(0, arm(fds[4], 0, 0));
	ASSERT_EQ(0, arm(fds[1], deadline_in(NSEC_PER_MSEC), 0));
	w = wait_args(&fds[1], 1, deadline_in(LONG_WAIT_NS));
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_FULL(fds[5]);
	ASSERT_EQ(0, arm(fds[1], 0, 0));
	EXPECT_EQ(0, arm(fds[5], deadline_in(FAR), 0));

	/* A parked periodic timer holds its slot too. */
	ASSERT_EQ(0, arm(fds[5], deadline_in(TIMER_PERIOD), TIMER_PERIOD));
	EXPECT_TRUE(timer_state_becomes(fds[5], "parked"));
	EXPECT_FULL(fds[4]);
}

/* The limit is per user: another uid has slots of its own. */
TEST_F(limit, timer_limit_per_user)
{
	int32_t fds[LIMIT + 1];
	int status;
	pid_t pid;

	ASSERT_TRUE(self->param) TH_LOG(MAX_TIMERS " is absent");
	if (getuid())
		SKIP(return, "needs root to become another user");
	for (int i = 0; i < LIMIT; i++) {
		fds[i] = ev_create(self->dev, S, 0);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, arm(fds[i], deadline_in(FAR), 0));
	}
	fds[LIMIT] = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fds[LIMIT]);
	EXPECT_FULL(fds[LIMIT]);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* nobody: exit 0 if it can arm LIMIT timers and not one more. */
		int32_t mine[LIMIT + 1];

		if (setresuid(65534, 65534, 65534))
			_exit(10);
		for (int i = 0; i <= LIMIT; i++) {
			mine[i] = ev_create(self->dev, S, 0);
			if (mine[i] < 0)
				_exit(11);
			if (arm(mine[i], deadline_in(FAR), 0) != (i < LIMIT ? 0 : -1))
				_exit(20 + i);
		}
		_exit(errno == ENOSPC ? 0 : 30);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("another user: exit %d (2x: arming timer x failed or, for x = %d, succeeded)",
		       WEXITSTATUS(status), LIMIT);
	/* Its exit closed its events: root's count is unchanged, still full. */
	EXPECT_FULL(fds[LIMIT]);
}

TEST_HARNESS_MAIN
