// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: a pulse is invisible, and a wait that cannot block is
 * a test (contract §1, "Pulse is invisible to observers" and "A wait that
 * cannot block does not wait").
 *
 * One thread pulses an event that nobody ever sets, in a tight loop,
 * while another looks at it in one way: EVOBJ_IOC_READ, poll and epoll
 * with a zero timeout, fdinfo's "signaled:", WAIT_ANY and WAIT_ALL with
 * a zero timeout, read() under O_NONBLOCK. The event is non-signaled
 * before and after every pulse, so none of them may ever see it signaled
 * or be satisfied by it: a pulse completes only waits that were already
 * waiting, and a zero timeout never waits.
 *
 * Throughout, BLOCKERS threads are blocked in a wait-all on the event
 * and another that is never set: no pulse can complete them, but each
 * pulse has them to consider (a module that walks them while the event
 * shows signaled gives a lockless reader a wide window to see it).
 *
 * EVOBJ_OBSERVE_MS (default 1000) is how long each observer watches
 * each type of event.
 */

#include <poll.h>
#include <sys/epoll.h>

#include "evobj_test.h"

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION

#define BLOCKERS	32

static const char *const type_name[] = { "notification", "synchronization" };

enum observer {
	OBS_READ,		/* EVOBJ_IOC_READ */
	OBS_POLL,		/* poll() and epoll_wait() with timeout 0 */
	OBS_FDINFO,		/* "signaled:" in /proc/self/fdinfo */
	OBS_WAIT_ANY,		/* EVOBJ_IOC_WAIT_ANY, timeout 0 */
	OBS_WAIT_ALL,		/* EVOBJ_IOC_WAIT_ALL, timeout 0 */
	OBS_READ_NONBLOCK,	/* read() under O_NONBLOCK */
	OBS_PAST_DEADLINES,	/* WAIT_ANY with every kind of past deadline */
};

struct observe {
	enum observer kind;
	int dev;
	int32_t fd;		/* the pulsed event */
	int32_t other;		/* a signaled notification event, for wait-all */
	int ep;			/* an epoll instance watching fd for EPOLLIN */
	atomic_int started;
	atomic_bool stop;
	/* The pulser's results. */
	long pulses;
	long pulse_bad;		/* pulses that failed or did not return 0 */
	/* The observer's results. */
	long looks;
	long seen;		/* looks that saw it signaled, or were satisfied */
	long errors;		/* looks that failed in an unexpected way */
	int last_err;
};

static long observe_ms(void)
{
	const char *env = getenv("EVOBJ_OBSERVE_MS");
	long ms = env ? strtol(env, NULL, 10) : 0;

	return ms > 0 ? ms : 1000;
}

/* Both threads spin until the other has started, so that they overlap. */
static void start_together(struct observe *o)
{
	atomic_fetch_add(&o->started, 1);
	while (atomic_load(&o->started) < 2)
		;
}

static void *pulser_fn(void *arg)
{
	struct observe *o = arg;

	start_together(o);
	while (!atomic_load_explicit(&o->stop, memory_order_relaxed)) {
		/* Nobody ever sets it: the previous state is always 0. */
		if (ev_pulse(o->fd) != 0)
			o->pulse_bad++;
		o->pulses++;
	}
	return NULL;
}

static void unexpected(struct observe *o, int err)
{
	o->errors++;
	o->last_err = err;
}

/* The past deadlines that OBS_PAST_DEADLINES cycles through. */
static struct evobj_wait past_deadline(struct observe *o, long i)
{
	struct evobj_wait w = wait_args(&o->fd, 1, 0);

	switch (i % 5) {
	case 0:
		break;
	case 1:
		w.timeout = 1;
		break;
	case 2:
		w.timeout = now_ns(CLOCK_MONOTONIC) - NSEC_PER_MSEC;
		break;
	case 3:
		w.timeout = now_ns(CLOCK_MONOTONIC);
		break;
	case 4:
		w.timeout = now_ns(CLOCK_REALTIME) - NSEC_PER_MSEC;
		w.flags = EVOBJ_WAIT_REALTIME;
		break;
	}
	return w;
}

/* One look at the event; true if it saw it signaled or was satisfied. */
static bool look(struct observe *o, long i)
{
	int32_t fds[2] = { o->fd, o->other };
	struct pollfd pfd = { .fd = o->fd, .events = POLLIN | POLLOUT };
	struct epoll_event ev;
	struct evobj_wait w;
	uint64_t v = POISON64;
	int64_t s;
	long n;
	int ret;

	switch (o->kind) {
	case OBS_READ:
		s = ev_signaled(o->fd);
		if (s == 1)
			return true;
		if (s != 0)
			unexpected(o, s < 0 ? errno : 0);
		return false;
	case OBS_POLL:
		if (i % 2) {
			memset(&ev, 0, sizeof(ev));
			ret = epoll_wait(o->ep, &ev, 1, 0);
			if (ret == 1)
				return true;
			if (ret != 0)
				unexpected(o, ret < 0 ? errno : 0);
			return false;
		}
		ret = poll(&pfd, 1, 0);
		if (ret == 1 && (pfd.revents & POLLIN))
			return true;
		/* EPOLLOUT always, and nothing else. */
		if (ret != 1 || pfd.revents != POLLOUT)
			unexpected(o, ret < 0 ? errno : 0);
		return false;
	case OBS_FDINFO:
		n = fdinfo_num(o->fd, "signaled");
		if (n == 1)
			return true;
		if (n != 0)
			unexpected(o, n < 0 ? errno : 0);
		return false;
	case OBS_WAIT_ANY:
	case OBS_WAIT_ALL:
	case OBS_PAST_DEADLINES:
		if (o->kind == OBS_PAST_DEADLINES)
			w = past_deadline(o, i);
		else if (o->kind == OBS_WAIT_ALL)
			/* The other one is always signaled: all hangs on fd. */
			w = wait_args(fds, 2, 0);
		else
			w = wait_args(fds, 1, 0);
		errno = 0;
		ret = ev_wait(o->dev, o->kind == OBS_WAIT_ALL, &w);
		if (ret == 0)
			return true;
		if (ret != -1 || errno != ETIMEDOUT)
			unexpected(o, errno);
		return false;
	case OBS_READ_NONBLOCK:
		errno = 0;
		ret = read(o->fd, &v, sizeof(v));
		if (ret == sizeof(v))
			return true;
		if (ret != -1 || errno != EAGAIN)
			unexpected(o, errno);
		return false;
	}
	return false;
}

static void *observer_fn(void *arg)
{
	struct observe *o = arg;

	start_together(o);
	while (!atomic_load_explicit(&o->stop, memory_order_relaxed)) {
		if (look(o, o->looks))
			o->seen++;
		o->looks++;
	}
	return NULL;
}

/*
 * Pulses an event of @type for @ms while one thread observes it the
 * @kind way; fails the test if the observer ever saw it signaled.
 */
static void observe_pulses(struct __test_metadata *_metadata, int dev,
			   enum observer kind, int type, long ms)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct waiter blockers[BLOCKERS];
	int32_t blocked_on[2];
	struct observe o = {
		.kind = kind,
		.dev = dev,
		.ep = -1,
		.other = -1,
	};
	pthread_t pulser, observer;

	atomic_init(&o.started, 0);
	atomic_init(&o.stop, false);
	o.fd = ev_create(dev, type, kind == OBS_READ_NONBLOCK ? EVOBJ_NONBLOCK : 0);
	ASSERT_LE(0, o.fd);
	if (kind == OBS_WAIT_ALL) {
		o.other = ev_create(dev, N, EVOBJ_SIGNALED);
		ASSERT_LE(0, o.other);
	}
	if (kind == OBS_POLL) {
		o.ep = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, o.ep);
		ASSERT_EQ(0, epoll_ctl(o.ep, EPOLL_CTL_ADD, o.fd, &ev));
	}

	/* Wait-alls on [fd, never]: blocked throughout. */
	blocked_on[0] = o.fd;
	blocked_on[1] = ev_create(dev, N, 0);
	ASSERT_LE(0, blocked_on[1]);
	for (int i = 0; i < BLOCKERS; i++) {
		waiter_init(&blockers[i], dev, true, blocked_on, 2,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&blockers[i], o.fd, i + 1));
	}

	ASSERT_EQ(0, pthread_create(&observer, NULL, observer_fn, &o));
	ASSERT_EQ(0, pthread_create(&pulser, NULL, pulser_fn, &o));
	sleep_ns(ms * NSEC_PER_MSEC);
	atomic_store(&o.stop, true);
	ASSERT_EQ(0, pthread_join(pulser, NULL));
	ASSERT_EQ(0, pthread_join(observer, NULL));

	TH_LOG("%s: %ld of %ld looks saw it signaled, %ld pulses",
	       type_name[type], o.seen, o.looks, o.pulses);
	EXPECT_EQ(0, o.seen)
		TH_LOG("%s event seen signaled or satisfying %ld times in %ld looks during %ld pulses",
		       type_name[type], o.seen, o.looks, o.pulses);
	EXPECT_EQ(0, o.errors)
		TH_LOG("%ld looks failed unexpectedly, the last with errno %d",
		       o.errors, o.last_err);
	EXPECT_EQ(0, o.pulse_bad);
	/* Both really ran, together. */
	EXPECT_LT(0, o.looks);
	EXPECT_LT(0, o.pulses);
	/* Nothing was consumed, queued or left behind. */
	EXPECT_EQ(0, ev_signaled(o.fd));
	EXPECT_EQ(BLOCKERS, fdinfo_num(o.fd, "waiters"));
	if (o.other >= 0)
		EXPECT_EQ(1, ev_signaled(o.other));

	/* No pulse completed a blocker; now complete them all. */
	for (int i = 0; i < BLOCKERS; i++)
		EXPECT_FALSE(atomic_load(&blockers[i].done));
	ASSERT_EQ(0, ev_set(blocked_on[1]));
	/* One set each on a synchronization event, in FIFO order. */
	for (int i = 0; i < (type == S ? BLOCKERS : 1); i++)
		ASSERT_EQ(0, ev_set(o.fd));
	for (int i = 0; i < BLOCKERS; i++) {
		JOIN_DONE(&blockers[i]);
		EXPECT_EQ(0, blockers[i].ret);
		EXPECT_EQ(0, blockers[i].args.index);
	}
	EXPECT_EQ(0, fdinfo_num(o.fd, "waiters"));
	EXPECT_EQ(type == N, ev_signaled(o.fd));
	close(blocked_on[1]);

	if (o.ep >= 0)
		close(o.ep);
	if (o.other >= 0)
		close(o.other);
	close(o.fd);
}

/* Each observer, on a notification and a synchronization event. */
static void observe_both(struct __test_metadata *_metadata, int dev,
			 enum observer kind)
{
	for (int type = N; type <= S; type++)
		observe_pulses(_metadata, dev, kind, type, observe_ms());
}

/* EVOBJ_IOC_READ never reports the instant inside a pulse. */
TEST_F_TIMEOUT(evobj, pulse_invisible_to_read_ioctl, 60)
{
	observe_both(_metadata, self->dev, OBS_READ);
}

/* Nor do poll and (level-triggered) epoll with a zero timeout. */
TEST_F_TIMEOUT(evobj, pulse_invisible_to_poll, 60)
{
	observe_both(_metadata, self->dev, OBS_POLL);
}

/* Nor does fdinfo's "signaled:". */
TEST_F_TIMEOUT(evobj, pulse_invisible_to_fdinfo, 60)
{
	observe_both(_metadata, self->dev, OBS_FDINFO);
}

/* A zero-timeout wait-any is a test: a pulse cannot complete it. */
TEST_F_TIMEOUT(evobj, pulse_never_completes_zero_timeout_wait_any, 60)
{
	observe_both(_metadata, self->dev, OBS_WAIT_ANY);
}

/* Nor a zero-timeout wait-all whose other object is signaled. */
TEST_F_TIMEOUT(evobj, pulse_never_completes_zero_timeout_wait_all, 60)
{
	observe_both(_metadata, self->dev, OBS_WAIT_ALL);
}

/* read() under O_NONBLOCK is EAGAIN, never a pulse's event. */
TEST_F_TIMEOUT(evobj, pulse_never_completes_nonblocking_read, 60)
{
	observe_both(_metadata, self->dev, OBS_READ_NONBLOCK);
}

/*
 * The report: an event that is only ever pulsed, polled by
 * WAIT_ANY in a loop with timeouts already past (0, 1, a millisecond
 * ago, now, and a realtime one a millisecond ago). Every one of them
 * times out.
 */
TEST_F_TIMEOUT(evobj, pulse_only_past_deadline_wait_loop, 60)
{
	observe_both(_metadata, self->dev, OBS_PAST_DEADLINES);
}

TEST_HARNESS_MAIN
