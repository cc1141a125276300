// SPDX-License-Identifier: GPL-2.0-only
/*
 * Wait sets (Documentation/evobj.rst, "Wait sets"): creation and its
 * errors, waits on a set exactly as on its list (lowest index, atomic
 * wait-all, alert, signal-and-wait, timeouts, EINTR), members that are
 * closed or repeated, poll and epoll on the set, fdinfo, and a stress
 * test whose exact invariant is that every set is taken exactly once.
 * Also the same wait on one event's own fd (EVOBJ_IOC_WAIT), which takes
 * a set wait's argument.
 */

#include <poll.h>
#include <sys/epoll.h>

#include "evobj_test.h"

/* A new wait set over @fds, or -1 with errno. */
static int set_create(int dev, const int32_t *fds, uint32_t count,
		      uint32_t flags)
{
	struct evobj_waitset args = {
		.fds = (uintptr_t)fds,
		.count = count,
		.flags = flags,
	};

	return ioctl(dev, EVOBJ_IOC_WAITSET, &args);
}

static struct evobj_waitset_wait set_args(uint64_t timeout)
{
	struct evobj_waitset_wait w = {
		.timeout = timeout,
		.index = POISON32,
		.alert = -1,
		.signal = -1,
	};

	return w;
}

static int set_wait(int set, bool all, struct evobj_waitset_wait *w)
{
	return ioctl(set, all ? EVOBJ_IOC_WAITSET_ALL : EVOBJ_IOC_WAITSET_ANY,
		     w);
}

/* Makes @n events of @type in @fds; false if one failed. */
static bool make_events(int dev, int32_t *fds, int n, uint32_t type)
{
	for (int i = 0; i < n; i++) {
		fds[i] = ev_create(dev, type, 0);
		if (fds[i] < 0)
			return false;
	}
	return true;
}

/* EVOBJ_IOC_WAIT on event fd @fd. */
static int event_wait(int fd, struct evobj_waitset_wait *w)
{
	return ioctl(fd, EVOBJ_IOC_WAIT, w);
}

/* A thread blocked in one wait on a set, or with @event on an event fd. */
struct set_waiter {
	pthread_t thread;
	int set;
	bool all, event;
	struct evobj_waitset_wait args;
	atomic_bool done;
	int ret, err;
};

static void *set_waiter_fn(void *arg)
{
	struct set_waiter *w = arg;

	w->ret = w->event ? event_wait(w->set, &w->args) :
		 set_wait(w->set, w->all, &w->args);
	w->err = w->ret < 0 ? errno : 0;
	atomic_store(&w->done, true);
	return NULL;
}

/* Starts @w waiting on @target, a set or (@event) an event fd. */
static int waiter_start_on(struct set_waiter *w, int target, bool event,
			   bool all, uint64_t timeout, int signal)
{
	memset(w, 0, sizeof(*w));
	w->set = target;
	w->event = event;
	w->all = all;
	w->args = set_args(timeout);
	w->args.signal = signal;
	atomic_init(&w->done, false);
	return pthread_create(&w->thread, NULL, set_waiter_fn, w);
}

static int set_waiter_start(struct set_waiter *w, int set, bool all,
			    uint64_t timeout)
{
	return waiter_start_on(w, set, false, all, timeout, -1);
}

/*
 * A wait-any on @target (a set of @fd alone, or with @event @fd's own
 * fd) that a signal interrupts once it has set @sig: EINTR, and the
 * argument forgets @sig so that a retry does not set it again.
 */
static void interrupted_wait_forgets_signal(struct __test_metadata *_metadata,
					    int target, bool event, int fd,
					    int sig)
{
	struct set_waiter sw;

	ASSERT_EQ(0, catch_signal(SIGUSR1, false));
	ASSERT_EQ(0, waiter_start_on(&sw, target, event, false,
				     EVOBJ_TIMEOUT_INFINITE, sig));
	ASSERT_TRUE(wait_for_waiters(fd, 1));
	ASSERT_EQ(0, pthread_kill(sw.thread, SIGUSR1));
	JOIN_DONE(&sw);
	ASSERT_EQ(-1, sw.ret);
	ASSERT_EQ(EINTR, sw.err);
	ASSERT_EQ(-1, sw.args.signal);
	ASSERT_EQ(1, ev_signaled(sig));
	ASSERT_EQ(0, fdinfo_num(fd, "waiters"));
}

TEST_F(evobj, create_bad_args)
{
	int32_t fds[EVOBJ_MAX_WAIT + 1], pipefd[2], set;

	ASSERT_TRUE(make_events(self->dev, fds, EVOBJ_MAX_WAIT + 1,
				EVOBJ_NOTIFICATION));
	ASSERT_EQ(-1, set_create(self->dev, fds, 0, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, set_create(self->dev, fds, EVOBJ_MAX_WAIT + 1, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, set_create(self->dev, fds, 1, EVOBJ_SIGNALED));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, set_create(self->dev, bad_address(), 1, 0));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_WAITSET, bad_address()));
	ASSERT_EQ(EFAULT, errno);

	/* Bad members anywhere in the list, the last one included. */
	ASSERT_EQ(0, pipe(pipefd));
	fds[3] = -1;
	ASSERT_EQ(-1, set_create(self->dev, fds, 4, 0));
	ASSERT_EQ(EBADF, errno);
	fds[3] = pipefd[0];
	ASSERT_EQ(-1, set_create(self->dev, fds, 4, 0));
	ASSERT_EQ(EINVAL, errno);
	fds[3] = self->dev;
	ASSERT_EQ(-1, set_create(self->dev, fds, 4, 0));
	ASSERT_EQ(EINVAL, errno);
	fds[3] = fds[4];
	set = set_create(self->dev, fds, 4, EVOBJ_CLOEXEC);
	ASSERT_LE(0, set);
	ASSERT_EQ(FD_CLOEXEC, fcntl(set, F_GETFD));
	/* A set is not an event: not a member of a set, nor of a list. */
	fds[0] = set;
	ASSERT_EQ(-1, set_create(self->dev, fds, 4, 0));
	ASSERT_EQ(EINVAL, errno);
	{
		struct evobj_wait w = wait_args(fds, 1, 0);

		ASSERT_EQ(-1, ev_wait(self->dev, false, &w));
		ASSERT_EQ(EINVAL, errno);
	}
	ASSERT_EQ(0, fcntl(set_create(self->dev, &fds[4], 1, 0), F_GETFD));
}

TEST_F(evobj, max_count_last_ready)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fds[EVOBJ_MAX_WAIT];
	int set;

	ASSERT_TRUE(make_events(self->dev, fds, EVOBJ_MAX_WAIT,
				EVOBJ_NOTIFICATION));
	set = set_create(self->dev, fds, EVOBJ_MAX_WAIT, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(-1, set_wait(set, false, &w));
	ASSERT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, ev_set(fds[EVOBJ_MAX_WAIT - 1]));
	ASSERT_EQ(0, set_wait(set, false, &w));
	ASSERT_EQ(EVOBJ_MAX_WAIT - 1, w.index);
}

TEST_F(evobj, any_lowest_index_wins)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fds[4];
	int set;

	ASSERT_TRUE(make_events(self->dev, fds, 4, EVOBJ_SYNCHRONIZATION));
	set = set_create(self->dev, fds, 4, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(0, ev_set(fds[3]));
	ASSERT_EQ(0, ev_set(fds[1]));
	ASSERT_EQ(0, set_wait(set, false, &w));
	ASSERT_EQ(1, w.index);
	ASSERT_EQ(0, ev_signaled(fds[1]));
	ASSERT_EQ(1, ev_signaled(fds[3]));
	w = set_args(0);
	ASSERT_EQ(0, set_wait(set, false, &w));
	ASSERT_EQ(3, w.index);
	ASSERT_EQ(-1, set_wait(set, false, &w));
	ASSERT_EQ(ETIMEDOUT, errno);
}

TEST_F(evobj, any_blocks_until_set)
{
	struct set_waiter sw;
	int32_t fds[3];
	int set;

	ASSERT_TRUE(make_events(self->dev, fds, 3, EVOBJ_SYNCHRONIZATION));
	set = set_create(self->dev, fds, 3, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(0, set_waiter_start(&sw, set, false, EVOBJ_TIMEOUT_INFINITE));
	ASSERT_TRUE(wait_for_waiters(fds[2], 1));
	ASSERT_FALSE(atomic_load(&sw.done));
	ASSERT_EQ(0, ev_set(fds[2]));
	JOIN_DONE(&sw);
	ASSERT_EQ(0, sw.ret);
	ASSERT_EQ(2, sw.args.index);
	ASSERT_EQ(0, ev_signaled(fds[2]));
	/* Dequeued from every member. */
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, fdinfo_num(fds[i], "waiters"));
}

TEST_F(evobj, timeouts)
{
	struct evobj_waitset_wait w = set_args(0);
	uint64_t start, deadline;
	int32_t fd;
	int set;

	ASSERT_TRUE(make_events(self->dev, &fd, 1, EVOBJ_NOTIFICATION));
	set = set_create(self->dev, &fd, 1, 0);
	ASSERT_LE(0, set);
	start = now_ns(CLOCK_MONOTONIC);
	deadline = start + 20 * NSEC_PER_MSEC;
	w.timeout = deadline;
	ASSERT_EQ(-1, set_wait(set, false, &w));
	ASSERT_EQ(ETIMEDOUT, errno);
	ASSERT_LE(deadline, now_ns(CLOCK_MONOTONIC));
	/* A monotonic deadline read on CLOCK_REALTIME is long past. */
	w = set_args(deadline);
	w.flags = EVOBJ_WAIT_REALTIME;
	ASSERT_EQ(-1, set_wait(set, true, &w));
	ASSERT_EQ(ETIMEDOUT, errno);
	w.flags = EVOBJ_WAIT_REALTIME << 1;
	ASSERT_EQ(-1, set_wait(set, false, &w));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(evobj, all_is_atomic)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fds[3];
	int set;

	ASSERT_TRUE(make_events(self->dev, fds, 3, EVOBJ_SYNCHRONIZATION));
	set = set_create(self->dev, fds, 3, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(0, ev_set(fds[0]));
	ASSERT_EQ(0, ev_set(fds[2]));
	ASSERT_EQ(-1, set_wait(set, true, &w));
	ASSERT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(1, ev_signaled(fds[0]));
	ASSERT_EQ(1, ev_signaled(fds[2]));
	ASSERT_EQ(0, ev_set(fds[1]));
	w = set_args(0);
	ASSERT_EQ(0, set_wait(set, true, &w));
	ASSERT_EQ(0, w.index);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(0, ev_signaled(fds[i]));
}

TEST_F(evobj, all_blocks_until_all)
{
	struct set_waiter sw;
	int32_t fds[2];
	int set;

	ASSERT_TRUE(make_events(self->dev, fds, 2, EVOBJ_SYNCHRONIZATION));
	set = set_create(self->dev, fds, 2, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(0, set_waiter_start(&sw, set, true, EVOBJ_TIMEOUT_INFINITE));
	ASSERT_TRUE(wait_for_waiters(fds[1], 1));
	ASSERT_EQ(0, ev_set(fds[1]));
	sleep_ns(20 * NSEC_PER_MSEC);
	ASSERT_FALSE(atomic_load(&sw.done));
	ASSERT_EQ(0, ev_set(fds[0]));
	JOIN_DONE(&sw);
	ASSERT_EQ(0, sw.ret);
	ASSERT_EQ(0, sw.args.index);
	ASSERT_EQ(0, ev_signaled(fds[0]));
	ASSERT_EQ(0, ev_signaled(fds[1]));
}

TEST_F(evobj, duplicates)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fds[3];
	int set;

	ASSERT_TRUE(make_events(self->dev, fds, 2, EVOBJ_NOTIFICATION));
	fds[2] = fds[0];
	set = set_create(self->dev, fds, 3, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(0, ev_set(fds[0]));
	ASSERT_EQ(0, ev_set(fds[1]));
	/* Wait-any: the first of the repeats wins. */
	ASSERT_EQ(0, set_wait(set, false, &w));
	ASSERT_EQ(0, w.index);
	/* Wait-all: refused, as a list naming an event twice is. */
	w = set_args(0);
	ASSERT_EQ(-1, set_wait(set, true, &w));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(1, ev_signaled(fds[0]));
}

TEST_F(evobj, alert)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fds[2], alert;
	int set;

	ASSERT_TRUE(make_events(self->dev, fds, 2, EVOBJ_SYNCHRONIZATION));
	ASSERT_TRUE(make_events(self->dev, &alert, 1, EVOBJ_SYNCHRONIZATION));
	set = set_create(self->dev, fds, 2, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(0, ev_set(alert));
	w.alert = alert;
	ASSERT_EQ(0, set_wait(set, false, &w));
	ASSERT_EQ(2, w.index);
	ASSERT_EQ(0, ev_signaled(alert));
	ASSERT_EQ(0, ev_set(alert));
	ASSERT_EQ(0, ev_set(fds[0]));
	w.index = POISON32;
	ASSERT_EQ(0, set_wait(set, true, &w));
	ASSERT_EQ(2, w.index);
	ASSERT_EQ(1, ev_signaled(fds[0]));
	/* A bad alert fails before anything is consumed. */
	w.alert = -2;
	ASSERT_EQ(-1, set_wait(set, false, &w));
	ASSERT_EQ(EBADF, errno);
	w.alert = set;
	ASSERT_EQ(-1, set_wait(set, false, &w));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(1, ev_signaled(fds[0]));
}

TEST_F(evobj, signal_and_wait)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fd, sig;
	int set;

	ASSERT_TRUE(make_events(self->dev, &fd, 1, EVOBJ_SYNCHRONIZATION));
	ASSERT_TRUE(make_events(self->dev, &sig, 1, EVOBJ_NOTIFICATION));
	set = set_create(self->dev, &fd, 1, 0);
	ASSERT_LE(0, set);
	/* A wait that fails its checks sets nothing. */
	w.signal = sig;
	w.alert = -2;
	ASSERT_EQ(-1, set_wait(set, false, &w));
	ASSERT_EQ(EBADF, errno);
	ASSERT_EQ(0, ev_signaled(sig));
	/* A test that times out still sets it: it was set before waiting. */
	w.alert = -1;
	ASSERT_EQ(-1, set_wait(set, false, &w));
	ASSERT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(1, ev_signaled(sig));
	/* The signal may be a member: set, then taken by the same wait. */
	w = set_args(0);
	w.signal = fd;
	ASSERT_EQ(0, set_wait(set, false, &w));
	ASSERT_EQ(0, w.index);
	ASSERT_EQ(0, ev_signaled(fd));
}

TEST_F(evobj, signal_interrupts_and_forgets_signal)
{
	int32_t fd, sig;
	int set;

	ASSERT_TRUE(make_events(self->dev, &fd, 1, EVOBJ_SYNCHRONIZATION));
	ASSERT_TRUE(make_events(self->dev, &sig, 1, EVOBJ_SYNCHRONIZATION));
	set = set_create(self->dev, &fd, 1, 0);
	ASSERT_LE(0, set);
	interrupted_wait_forgets_signal(_metadata, set, false, fd, sig);
}

TEST_F(evobj, members_are_events_not_fds)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fds[2], other;
	int set, copy;

	ASSERT_TRUE(make_events(self->dev, fds, 2, EVOBJ_NOTIFICATION));
	ASSERT_EQ(0, ev_set(fds[0]));
	set = set_create(self->dev, fds, 2, 0);
	ASSERT_LE(0, set);
	/* Closed everywhere: the set keeps the event and its state. */
	ASSERT_EQ(0, close(fds[0]));
	ASSERT_EQ(0, set_wait(set, false, &w));
	ASSERT_EQ(0, w.index);
	/* Reopened as another event: the set still has the first. */
	ASSERT_TRUE(make_events(self->dev, &other, 1, EVOBJ_NOTIFICATION));
	ASSERT_EQ(fds[0], dup2(other, fds[0]));
	ASSERT_EQ(0, ev_signaled(fds[0]));
	w = set_args(0);
	ASSERT_EQ(0, set_wait(set, false, &w));
	ASSERT_EQ(0, w.index);
	/* A member reached through another fd of it. */
	copy = dup(fds[1]);
	ASSERT_LE(0, copy);
	ASSERT_EQ(0, close(fds[1]));
	ASSERT_EQ(0, ev_set(copy));
	w = set_args(0);
	ASSERT_EQ(0, set_wait(set, true, &w));
}

TEST_F(evobj, poll_and_epoll)
{
	struct epoll_event ee = { .events = EPOLLIN };
	int32_t fds[3];
	struct pollfd p;
	int set, ep;

	ASSERT_TRUE(make_events(self->dev, fds, 3, EVOBJ_SYNCHRONIZATION));
	set = set_create(self->dev, fds, 3, 0);
	ASSERT_LE(0, set);
	p = (struct pollfd){ .fd = set, .events = POLLIN | POLLOUT };
	ASSERT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(0, ev_set(fds[2]));
	ASSERT_EQ(1, poll(&p, 1, 0));
	ASSERT_EQ(POLLIN, p.revents);
	/* Polling consumes nothing. */
	ASSERT_EQ(1, ev_signaled(fds[2]));

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, set, &ee));
	ASSERT_EQ(1, epoll_wait(ep, &ee, 1, 0));
	ASSERT_EQ(1, ev_reset(fds[2]));
	ASSERT_EQ(0, epoll_wait(ep, &ee, 1, 0));
	/* A pulse with nobody waiting is never seen. */
	ASSERT_EQ(0, ev_pulse(fds[1]));
	ASSERT_EQ(0, epoll_wait(ep, &ee, 1, 0));
	ASSERT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(0, close(ep));
}

struct delayed_set {
	pthread_t thread;
	int fd;
};

static void *delayed_set_fn(void *arg)
{
	struct delayed_set *d = arg;

	sleep_ns(50 * NSEC_PER_MSEC);
	ev_set(d->fd);
	return NULL;
}

TEST_F(evobj, poll_wakes_on_member_set)
{
	struct epoll_event ee = { .events = EPOLLIN };
	struct delayed_set d;
	int32_t fds[2];
	struct pollfd p;
	int set, ep;

	ASSERT_TRUE(make_events(self->dev, fds, 2, EVOBJ_NOTIFICATION));
	set = set_create(self->dev, fds, 2, 0);
	ASSERT_LE(0, set);
	p = (struct pollfd){ .fd = set, .events = POLLIN };
	d.fd = fds[1];
	ASSERT_EQ(0, pthread_create(&d.thread, NULL, delayed_set_fn, &d));
	ASSERT_EQ(1, poll(&p, 1, LONG_WAIT_NS / NSEC_PER_MSEC));
	ASSERT_EQ(POLLIN, p.revents);
	ASSERT_EQ(0, pthread_join(d.thread, NULL));

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, set, &ee));
	ASSERT_EQ(1, ev_reset(fds[1]));
	d.fd = fds[0];
	ASSERT_EQ(0, pthread_create(&d.thread, NULL, delayed_set_fn, &d));
	ASSERT_EQ(1, epoll_wait(ep, &ee, 1, LONG_WAIT_NS / NSEC_PER_MSEC));
	ASSERT_EQ(0, pthread_join(d.thread, NULL));
	/* The set closed while in epoll: epoll forgets it. */
	ASSERT_EQ(0, close(set));
	ASSERT_EQ(0, epoll_wait(ep, &ee, 1, 0));
	ASSERT_EQ(0, close(ep));
}

TEST_F(evobj, fd_kinds)
{
	struct evobj_waitset_wait w = set_args(0);
	uint64_t value = 1;
	int32_t fd;
	int set;

	ASSERT_TRUE(make_events(self->dev, &fd, 1, EVOBJ_NOTIFICATION));
	set = set_create(self->dev, &fd, 1, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(-1, read(set, &value, sizeof(value)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, write(set, &value, sizeof(value)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ev_set(set));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, set_wait(fd, false, &w));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, set_wait(self->dev, true, &w));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, ioctl(set, EVOBJ_IOC_WAITSET_ANY, bad_address()));
	ASSERT_EQ(EFAULT, errno);
	/* The index is probed before the wait consumes anything. */
	{
		void *ro = readonly_copy(&w, sizeof(w));

		ASSERT_NE(NULL, ro);
		ASSERT_EQ(0, ev_set(fd));
		ASSERT_EQ(-1, ioctl(set, EVOBJ_IOC_WAITSET_ANY, ro));
		ASSERT_EQ(EFAULT, errno);
	}
}

TEST_F(evobj, fdinfo)
{
	int32_t fds[3];
	char ids[128], want[128];
	int set;

	ASSERT_TRUE(make_events(self->dev, fds, 2, EVOBJ_NOTIFICATION));
	fds[2] = fds[0];
	set = set_create(self->dev, fds, 3, 0);
	ASSERT_LE(0, set);
	ASSERT_EQ(3, fdinfo_num(set, "count"));
	ASSERT_EQ(0, fdinfo_str(set, "ids", ids, sizeof(ids)));
	snprintf(want, sizeof(want), "%ld %ld %ld", fdinfo_num(fds[0], "id"),
		 fdinfo_num(fds[1], "id"), fdinfo_num(fds[0], "id"));
	ASSERT_STREQ(want, ids);
}

/*
 * Waiters on one set of synchronization events race setters. Every set
 * that finds its event non-signaled must be taken by exactly one wait or
 * be left signaled at the end: nothing lost, nothing taken twice.
 */
#define STRESS_EVENTS	8
#define STRESS_WAITERS	3

struct stress {
	int set;
	int32_t fds[STRESS_EVENTS];
	atomic_ulong taken;
	atomic_bool stop;
	unsigned long sets;
};

static void *stress_waiter(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&s->stop)) {
		struct evobj_waitset_wait w = set_args(deadline_in(NSEC_PER_MSEC));

		if (!set_wait(s->set, false, &w))
			atomic_fetch_add(&s->taken, 1);
	}
	return NULL;
}

/* EVOBJ_IOC_WAIT: a wait on the one event whose fd it is called on. */
TEST_F(evobj, event_wait_basics)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t sync, note;
	int set;

	ASSERT_TRUE(make_events(self->dev, &sync, 1, EVOBJ_SYNCHRONIZATION));
	ASSERT_TRUE(make_events(self->dev, &note, 1, EVOBJ_NOTIFICATION));
	ASSERT_EQ(-1, event_wait(sync, &w));
	ASSERT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, w.index);
	ASSERT_EQ(0, ev_set(sync));
	w.index = POISON32;
	ASSERT_EQ(0, event_wait(sync, &w));
	ASSERT_EQ(0, w.index);
	ASSERT_EQ(0, ev_signaled(sync));
	ASSERT_EQ(0, ev_set(note));
	ASSERT_EQ(0, event_wait(note, &w));
	ASSERT_EQ(1, ev_signaled(note));
	/* The checks and errors of a set's wait. */
	w.flags = EVOBJ_WAIT_REALTIME << 1;
	ASSERT_EQ(-1, event_wait(note, &w));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ioctl(note, EVOBJ_IOC_WAIT, bad_address()));
	ASSERT_EQ(EFAULT, errno);
	w = set_args(0);
	{
		void *ro = readonly_copy(&w, sizeof(w));

		ASSERT_NE(NULL, ro);
		ASSERT_EQ(0, ev_set(sync));
		ASSERT_EQ(-1, ioctl(sync, EVOBJ_IOC_WAIT, ro));
		ASSERT_EQ(EFAULT, errno);
		/* Probed first: nothing was consumed. */
		ASSERT_EQ(1, ev_signaled(sync));
	}
	/* Only on an event fd. */
	set = set_create(self->dev, &note, 1, 0);
	ASSERT_LE(0, set);
	w = set_args(0);
	ASSERT_EQ(-1, event_wait(set, &w));
	ASSERT_EQ(ENOTTY, errno);
	ASSERT_EQ(-1, event_wait(self->dev, &w));
	ASSERT_EQ(ENOTTY, errno);
}

TEST_F(evobj, event_wait_blocks_until_set)
{
	struct set_waiter sw;
	int32_t fd;

	ASSERT_TRUE(make_events(self->dev, &fd, 1, EVOBJ_SYNCHRONIZATION));
	ASSERT_EQ(0, waiter_start_on(&sw, fd, true, false,
				     EVOBJ_TIMEOUT_INFINITE, -1));
	ASSERT_TRUE(wait_for_waiters(fd, 1));
	ASSERT_FALSE(atomic_load(&sw.done));
	ASSERT_EQ(0, ev_set(fd));
	JOIN_DONE(&sw);
	ASSERT_EQ(0, sw.ret);
	ASSERT_EQ(0, sw.args.index);
	ASSERT_EQ(0, ev_signaled(fd));
	ASSERT_EQ(0, fdinfo_num(fd, "waiters"));
}

TEST_F(evobj, event_wait_alert)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fd, alert;

	ASSERT_TRUE(make_events(self->dev, &fd, 1, EVOBJ_SYNCHRONIZATION));
	ASSERT_TRUE(make_events(self->dev, &alert, 1, EVOBJ_SYNCHRONIZATION));
	ASSERT_EQ(0, ev_set(alert));
	w.alert = alert;
	ASSERT_EQ(0, event_wait(fd, &w));
	ASSERT_EQ(1, w.index);
	ASSERT_EQ(0, ev_signaled(alert));
	/* The event wins over the alert when both are signaled. */
	ASSERT_EQ(0, ev_set(alert));
	ASSERT_EQ(0, ev_set(fd));
	w.index = POISON32;
	ASSERT_EQ(0, event_wait(fd, &w));
	ASSERT_EQ(0, w.index);
	ASSERT_EQ(1, ev_signaled(alert));
	/* The event as its own alert is the event. */
	ASSERT_EQ(0, ev_set(fd));
	w.alert = fd;
	ASSERT_EQ(0, event_wait(fd, &w));
	ASSERT_EQ(0, w.index);
	w.alert = -2;
	ASSERT_EQ(-1, event_wait(fd, &w));
	ASSERT_EQ(EBADF, errno);
}

TEST_F(evobj, event_wait_signal_and_wait)
{
	struct evobj_waitset_wait w = set_args(0);
	int32_t fd, sig;

	ASSERT_TRUE(make_events(self->dev, &fd, 1, EVOBJ_SYNCHRONIZATION));
	ASSERT_TRUE(make_events(self->dev, &sig, 1, EVOBJ_SYNCHRONIZATION));
	/* A wait that fails its checks sets nothing. */
	w.signal = sig;
	w.alert = -2;
	ASSERT_EQ(-1, event_wait(fd, &w));
	ASSERT_EQ(EBADF, errno);
	ASSERT_EQ(0, ev_signaled(sig));
	/* The signal may be the event itself: set, then taken. */
	w = set_args(0);
	w.signal = fd;
	ASSERT_EQ(0, event_wait(fd, &w));
	ASSERT_EQ(0, ev_signaled(fd));
	/* Interrupted once the signal was set: it is forgotten. */
	interrupted_wait_forgets_signal(_metadata, fd, true, fd, sig);
}

TEST_F_TIMEOUT(evobj, stress_every_set_taken_once, 120)
{
	pthread_t threads[STRESS_WAITERS];
	unsigned long ops = stress_ops() / 4, left = 0;
	struct stress s = { .sets = 0 };

	ASSERT_TRUE(make_events(self->dev, s.fds, STRESS_EVENTS,
				EVOBJ_SYNCHRONIZATION));
	s.set = set_create(self->dev, s.fds, STRESS_EVENTS, 0);
	ASSERT_LE(0, s.set);
	for (int i = 0; i < STRESS_WAITERS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, stress_waiter, &s));
	for (unsigned long i = 0; i < ops; i++) {
		int64_t prev = ev_set(s.fds[(i * 7) % STRESS_EVENTS]);

		ASSERT_LE(0, prev);
		s.sets += !prev;
	}
	atomic_store(&s.stop, true);
	for (int i = 0; i < STRESS_WAITERS; i++)
		ASSERT_EQ(0, pthread_join(threads[i], NULL));
	for (int i = 0; i < STRESS_EVENTS; i++) {
		ASSERT_EQ(0, fdinfo_num(s.fds[i], "waiters"));
		left += ev_signaled(s.fds[i]);
	}
	TH_LOG("%lu sets, %lu taken, %lu left", s.sets,
	       (unsigned long)atomic_load(&s.taken), left);
	ASSERT_EQ(s.sets, atomic_load(&s.taken) + left);
}

TEST_HARNESS_MAIN
