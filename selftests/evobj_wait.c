// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: EVOBJ_IOC_WAIT_ANY and EVOBJ_IOC_WAIT_ALL. Which wait
 * wins and what it consumes, queue order, pulse, alert, signal-and-wait,
 * timeouts on both clocks, signals, and every argument error.
 *
 * Threads that must queue in a known order are started one at a time,
 * each once the previous one shows up in fdinfo's waiters count.
 */

#include <sched.h>
#include <sys/epoll.h>

#include "evobj_files.h"
#include "evobj_test.h"

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION

/* Creates @n events of @type with @flags into @fds, asserting success. */
#define CREATE(fds, n, type, flags) do { \
	for (unsigned int _i = 0; _i < (n); _i++) { \
		(fds)[_i] = ev_create(self->dev, (type), (flags)); \
		ASSERT_LE(0, (fds)[_i]); \
	} \
} while (0)

/* An already signaled synchronization event satisfies and is consumed. */
TEST_F(evobj, any_signaled_sync_is_consumed)
{
	int32_t fd;
	struct evobj_wait w;

	CREATE(&fd, 1, S, EVOBJ_SIGNALED);
	w = wait_args(&fd, 1, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, ev_signaled(fd));
	/* Now it is not: a zero timeout returns at once. */
	w = wait_args(&fd, 1, 0);
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
}

TEST_F(evobj, any_signaled_notification_stays)
{
	int32_t fd;
	struct evobj_wait w;

	CREATE(&fd, 1, N, EVOBJ_SIGNALED);
	for (int i = 0; i < 3; i++) {
		w = wait_args(&fd, 1, 0);
		ASSERT_EQ(0, ev_wait(self->dev, false, &w));
		EXPECT_EQ(0, w.index);
		EXPECT_EQ(1, ev_signaled(fd));
	}
}

/* Of several signaled objects the lowest index wins and only it is consumed. */
TEST_F(evobj, any_lowest_index_wins)
{
	int32_t fds[4];
	struct evobj_wait w;

	CREATE(fds, 4, S, 0);
	ASSERT_EQ(0, ev_set(fds[3]));
	ASSERT_EQ(0, ev_set(fds[1]));
	w = wait_args(fds, 4, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(1, w.index);
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
	EXPECT_EQ(0, ev_signaled(fds[2]));
	EXPECT_EQ(1, ev_signaled(fds[3]));

	w = wait_args(fds, 4, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(3, w.index);
	EXPECT_EQ(0, ev_signaled(fds[3]));
}

/* A notification event at a lower index wins, and is not consumed. */
TEST_F(evobj, any_mixed_types)
{
	int32_t fds[2];
	struct evobj_wait w;

	fds[0] = ev_create(self->dev, N, EVOBJ_SIGNALED);
	fds[1] = ev_create(self->dev, S, EVOBJ_SIGNALED);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	w = wait_args(fds, 2, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(1, ev_signaled(fds[0]));
	EXPECT_EQ(1, ev_signaled(fds[1]));
}

/* Wait-any may name an object twice; it is consumed once. */
TEST_F(evobj, any_duplicates_allowed)
{
	int32_t fd, fds[3];
	struct evobj_wait w;
	struct waiter t;

	CREATE(&fd, 1, S, EVOBJ_SIGNALED);
	fds[0] = fds[1] = fds[2] = fd;
	w = wait_args(fds, 3, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, ev_signaled(fd));

	/*
	 * Blocked on it twice, queued once (the repeat could never win over
	 * its lower index); one set completes it at the lower index.
	 */
	waiter_init(&t, self->dev, false, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&t, fd, 1));
	ASSERT_EQ(0, ev_set(fd));
	JOIN_DONE(&t);
	EXPECT_EQ(0, t.ret);
	EXPECT_EQ(0, t.args.index);
	EXPECT_EQ(0, ev_signaled(fd));
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
}

TEST_F(evobj, all_duplicates_einval)
{
	int32_t fds[3];
	struct evobj_wait w;

	CREATE(fds, 2, S, EVOBJ_SIGNALED);
	fds[2] = fds[0];
	w = wait_args(fds, 3, 0);
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
	EXPECT_EQ(EINVAL, errno);
	/* A duplicate through another fd of the same object counts too. */
	fds[2] = dup(fds[1]);
	ASSERT_LE(0, fds[2]);
	w = wait_args(fds, 3, deadline_in(LONG_WAIT_NS));
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
	EXPECT_EQ(EINVAL, errno);
	/* Nothing was consumed. */
	EXPECT_EQ(1, ev_signaled(fds[0]));
	EXPECT_EQ(1, ev_signaled(fds[1]));
}

/* All signaled: completes and consumes every synchronization event. */
TEST_F(evobj, all_consumes_sync_only)
{
	int32_t fds[4];
	struct evobj_wait w;

	CREATE(fds, 2, S, EVOBJ_SIGNALED);
	CREATE(fds + 2, 2, N, EVOBJ_SIGNALED);
	w = wait_args(fds, 4, 0);
	ASSERT_EQ(0, ev_wait(self->dev, true, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
	EXPECT_EQ(1, ev_signaled(fds[2]));
	EXPECT_EQ(1, ev_signaled(fds[3]));
}

/* Not all signaled: times out and consumes nothing. */
TEST_F(evobj, all_partial_consumes_nothing)
{
	int32_t fds[3];
	struct evobj_wait w;

	CREATE(fds, 3, S, EVOBJ_SIGNALED);
	ASSERT_EQ(1, ev_reset(fds[1]));
	w = wait_args(fds, 3, 0);
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(1, ev_signaled(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
	EXPECT_EQ(1, ev_signaled(fds[2]));
}

/*
 * A blocked wait-all completes only when all its objects are signaled at
 * one instant, and until then leaves the signaled ones alone.
 */
TEST_F(evobj, all_needs_one_instant)
{
	int32_t fds[2];
	struct waiter t;

	CREATE(fds, 2, S, 0);
	waiter_init(&t, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&t, fds[0], 1));
	ASSERT_EQ(1, fdinfo_num(fds[1], "waiters"));

	ASSERT_EQ(0, ev_set(fds[0]));
	EXPECT_EQ(1, ev_signaled(fds[0]));
	ASSERT_EQ(1, ev_reset(fds[0]));
	ASSERT_EQ(0, ev_set(fds[1]));
	/* Each was signaled once, never both together. */
	EXPECT_FALSE(atomic_load(&t.done));
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(1, ev_signaled(fds[1]));
	EXPECT_EQ(1, fdinfo_num(fds[0], "waiters"));

	ASSERT_EQ(0, ev_set(fds[0]));
	JOIN_DONE(&t);
	EXPECT_EQ(0, t.ret);
	EXPECT_EQ(0, t.args.index);
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/*
 * A blocked wait-all does not hold back a wait-any that queued after it
 * on a synchronization event both want.
 */
TEST_F(evobj, all_does_not_block_any)
{
	int32_t fds[2];
	struct waiter all, any;

	CREATE(fds, 2, S, 0);
	waiter_init(&all, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&all, fds[0], 1));
	waiter_init(&any, self->dev, false, fds, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&any, fds[0], 2));

	ASSERT_EQ(0, ev_set(fds[0]));
	JOIN_DONE(&any);
	EXPECT_EQ(0, any.ret);
	EXPECT_EQ(0, any.args.index);
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_FALSE(atomic_load(&all.done));

	ASSERT_EQ(0, ev_set(fds[0]));
	ASSERT_EQ(0, ev_set(fds[1]));
	JOIN_DONE(&all);
	EXPECT_EQ(0, all.ret);
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/*
 * When one set can complete a wait-all and a wait-any alike, the one
 * that queued first wins, whichever kind it is.
 */
TEST_F(evobj, any_and_all_queue_order)
{
	for (int all_first = 0; all_first < 2; all_first++) {
		struct waiter all, any, *first, *second;
		int32_t fds[2];

		CREATE(fds, 2, S, 0);
		waiter_init(&all, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
		waiter_init(&any, self->dev, false, fds, 1, deadline_in(LONG_WAIT_NS));
		first = all_first ? &all : &any;
		second = all_first ? &any : &all;
		ASSERT_TRUE(waiter_start_queued(first, fds[0], 1));
		ASSERT_TRUE(waiter_start_queued(second, fds[0], 2));
		/* The wait-all now lacks only fds[0]. */
		ASSERT_EQ(0, ev_set(fds[1]));
		EXPECT_EQ(1, ev_signaled(fds[1]));

		ASSERT_EQ(0, ev_set(fds[0]));
		JOIN_DONE(first);
		EXPECT_EQ(0, first->ret);
		EXPECT_EQ(0, first->args.index);
		EXPECT_FALSE(atomic_load(&second->done));
		EXPECT_EQ(0, ev_signaled(fds[0]));
		/* The wait-all consumed fds[1] too, the wait-any did not. */
		EXPECT_EQ(!all_first, ev_signaled(fds[1]));

		/* Let the other one finish too. */
		ASSERT_EQ(0, ev_set(fds[0]));
		ASSERT_LE(0, ev_set(fds[1]));
		JOIN_DONE(second);
		EXPECT_EQ(0, second->ret);
		ASSERT_EQ(0, close(fds[0]));
		ASSERT_EQ(0, close(fds[1]));
	}
}

/* A synchronization event wakes its waiters one per set, in FIFO order. */
TEST_F(evobj, sync_fifo)
{
	enum { NW = 4 };
	struct waiter t[NW];
	int32_t fd;

	CREATE(&fd, 1, S, 0);
	for (int i = 0; i < NW; i++) {
		waiter_init(&t[i], self->dev, false, &fd, 1,
			    deadline_in(2 * LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&t[i], fd, i + 1));
	}
	for (int i = 0; i < NW; i++) {
		ASSERT_EQ(0, ev_set(fd));
		JOIN_DONE(&t[i]);
		EXPECT_EQ(0, t[i].ret);
		EXPECT_EQ(0, t[i].args.index);
		/* Consumed by the waiter, nobody else woken. */
		EXPECT_EQ(0, ev_signaled(fd));
		EXPECT_EQ(NW - 1 - i, fdinfo_num(fd, "waiters"));
		for (int j = i + 1; j < NW; j++)
			EXPECT_FALSE(atomic_load(&t[j].done));
	}
}

/* A notification event wakes every waiter and stays signaled. */
TEST_F(evobj, notification_wakes_all)
{
	enum { NW = 4 };
	struct waiter t[NW];
	int32_t fd;

	CREATE(&fd, 1, N, 0);
	for (int i = 0; i < NW; i++) {
		waiter_init(&t[i], self->dev, false, &fd, 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&t[i], fd, i + 1));
	}
	ASSERT_EQ(0, ev_set(fd));
	for (int i = 0; i < NW; i++) {
		JOIN_DONE(&t[i]);
		EXPECT_EQ(0, t[i].ret);
		EXPECT_EQ(0, t[i].args.index);
	}
	EXPECT_EQ(1, ev_signaled(fd));
}

/* Pulsing a notification event wakes all current waiters and resets. */
TEST_F(evobj, pulse_notification_wakes_all)
{
	enum { NW = 3 };
	struct waiter t[NW];
	int32_t fd;

	CREATE(&fd, 1, N, 0);
	for (int i = 0; i < NW; i++) {
		waiter_init(&t[i], self->dev, false, &fd, 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&t[i], fd, i + 1));
	}
	EXPECT_EQ(0, ev_pulse(fd));
	for (int i = 0; i < NW; i++) {
		JOIN_DONE(&t[i]);
		EXPECT_EQ(0, t[i].ret);
		EXPECT_EQ(0, t[i].args.index);
	}
	EXPECT_EQ(0, ev_signaled(fd));
}

/* Pulsing a synchronization event wakes exactly one, the first. */
TEST_F(evobj, pulse_sync_wakes_one)
{
	enum { NW = 3 };
	struct waiter t[NW];
	int32_t fd;

	CREATE(&fd, 1, S, 0);
	for (int i = 0; i < NW; i++) {
		waiter_init(&t[i], self->dev, false, &fd, 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&t[i], fd, i + 1));
	}
	EXPECT_EQ(0, ev_pulse(fd));
	JOIN_DONE(&t[0]);
	EXPECT_EQ(0, t[0].ret);
	EXPECT_EQ(0, ev_signaled(fd));
	EXPECT_EQ(NW - 1, fdinfo_num(fd, "waiters"));
	EXPECT_FALSE(atomic_load(&t[1].done));
	EXPECT_FALSE(atomic_load(&t[2].done));
	/* The rest, one set each. */
	for (int i = 1; i < NW; i++) {
		ASSERT_EQ(0, ev_set(fd));
		JOIN_DONE(&t[i]);
		EXPECT_EQ(0, t[i].ret);
	}
}

/* A pulse completes a wait-all that a set would have completed. */
TEST_F(evobj, pulse_completes_wait_all)
{
	int32_t fds[2];
	struct waiter t;

	fds[0] = ev_create(self->dev, N, EVOBJ_SIGNALED);
	fds[1] = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	waiter_init(&t, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&t, fds[1], 1));
	EXPECT_EQ(0, ev_pulse(fds[1]));
	JOIN_DONE(&t);
	EXPECT_EQ(0, t.ret);
	EXPECT_EQ(0, t.args.index);
	EXPECT_EQ(1, ev_signaled(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/*
 * A pulse completes what a set would: here the wait-any queued behind a
 * wait-all that cannot complete. The wait-all is not satisfied later by
 * an event the pulse left non-signaled.
 */
TEST_F(evobj, pulse_skips_blocked_wait_all)
{
	int32_t fds[2];
	struct waiter all, any;

	CREATE(fds, 1, S, 0);
	CREATE(fds + 1, 1, N, 0);
	waiter_init(&all, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&all, fds[0], 1));
	waiter_init(&any, self->dev, false, fds, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&any, fds[0], 2));

	EXPECT_EQ(0, ev_pulse(fds[0]));
	JOIN_DONE(&any);
	EXPECT_EQ(0, any.ret);
	EXPECT_EQ(0, any.args.index);
	EXPECT_EQ(0, ev_signaled(fds[0]));

	/* Pulsed with nobody else to wake: gone, the wait-all still waits. */
	EXPECT_EQ(0, ev_pulse(fds[0]));
	EXPECT_EQ(0, ev_set(fds[1]));
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(1, fdinfo_num(fds[0], "waiters"));
	EXPECT_FALSE(atomic_load(&all.done));

	ASSERT_EQ(0, ev_set(fds[0]));
	JOIN_DONE(&all);
	EXPECT_EQ(0, all.ret);
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(1, ev_signaled(fds[1]));
}

/* A notification set completes every satisfiable wait, any or all. */
TEST_F(evobj, notification_set_completes_mixed_waits)
{
	int32_t n, m;
	/* any [n], all [n, m], any [n, n], all [n]: each queued once on n */
	static const bool all[] = { false, true, false, true };
	static const long queued[] = { 1, 2, 3, 4 };
	struct waiter t[4];

	CREATE(&n, 1, N, 0);
	CREATE(&m, 1, N, EVOBJ_SIGNALED);
	for (int i = 0; i < 4; i++) {
		int32_t fds[2] = { n, i == 1 ? m : n };

		waiter_init(&t[i], self->dev, all[i], fds, i == 1 || i == 2 ? 2 : 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&t[i], n, queued[i]));
	}
	ASSERT_EQ(0, ev_set(n));
	for (int i = 0; i < 4; i++) {
		JOIN_DONE(&t[i]);
		EXPECT_EQ(0, t[i].ret);
		EXPECT_EQ(0, t[i].args.index);
	}
	EXPECT_EQ(1, ev_signaled(n));
	EXPECT_EQ(1, ev_signaled(m));
	EXPECT_EQ(0, fdinfo_num(n, "waiters"));
}

/* The alert completes a wait-any with index == count and is consumed. */
TEST_F(evobj, alert_any)
{
	int32_t fds[2], alert;
	struct evobj_wait w;
	struct waiter t;

	CREATE(fds, 2, S, 0);
	CREATE(&alert, 1, S, EVOBJ_SIGNALED);
	w = wait_args(fds, 2, 0);
	w.alert = alert;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(2, w.index);
	EXPECT_EQ(0, ev_signaled(alert));

	/* Not signaled: the alert is just one more thing to time out on. */
	w = wait_args(fds, 2, 0);
	w.alert = alert;
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
	EXPECT_EQ(ETIMEDOUT, errno);

	/* Blocked, set the alert. */
	waiter_init(&t, self->dev, false, fds, 2, deadline_in(LONG_WAIT_NS));
	t.args.alert = alert;
	ASSERT_TRUE(waiter_start_queued(&t, alert, 1));
	ASSERT_EQ(0, ev_set(alert));
	JOIN_DONE(&t);
	EXPECT_EQ(0, t.ret);
	EXPECT_EQ(2, t.args.index);
	EXPECT_EQ(0, ev_signaled(alert));
	EXPECT_EQ(0, ev_signaled(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/* A notification alert completes the wait and stays signaled. */
TEST_F(evobj, alert_notification_not_consumed)
{
	int32_t fd, alert;
	struct evobj_wait w;

	CREATE(&fd, 1, S, 0);
	CREATE(&alert, 1, N, EVOBJ_SIGNALED);
	w = wait_args(&fd, 1, 0);
	w.alert = alert;
	ASSERT_EQ(0, ev_wait(self->dev, true, &w));
	EXPECT_EQ(1, w.index);
	EXPECT_EQ(1, ev_signaled(alert));
}

/* The alert completes a wait-all alone and consumes none of its objects. */
TEST_F(evobj, alert_all)
{
	int32_t fds[3], alert;
	struct evobj_wait w;
	struct waiter t;

	CREATE(fds, 3, S, 0);
	CREATE(&alert, 1, S, EVOBJ_SIGNALED);
	ASSERT_EQ(0, ev_set(fds[0]));
	w = wait_args(fds, 3, 0);
	w.alert = alert;
	ASSERT_EQ(0, ev_wait(self->dev, true, &w));
	EXPECT_EQ(3, w.index);
	EXPECT_EQ(0, ev_signaled(alert));
	EXPECT_EQ(1, ev_signaled(fds[0]));

	waiter_init(&t, self->dev, true, fds, 3, deadline_in(LONG_WAIT_NS));
	t.args.alert = alert;
	ASSERT_TRUE(waiter_start_queued(&t, alert, 1));
	ASSERT_EQ(0, ev_set(fds[1]));
	EXPECT_FALSE(atomic_load(&t.done));
	ASSERT_EQ(0, ev_set(alert));
	JOIN_DONE(&t);
	EXPECT_EQ(0, t.ret);
	EXPECT_EQ(3, t.args.index);
	EXPECT_EQ(0, ev_signaled(alert));
	EXPECT_EQ(1, ev_signaled(fds[0]));
	EXPECT_EQ(1, ev_signaled(fds[1]));
	EXPECT_EQ(0, ev_signaled(fds[2]));
}

/* Signal-and-wait sets its event before waiting, even if it cannot block. */
TEST_F(evobj, signal_and_wait_past_timeout)
{
	const uint64_t timeouts[] = { 0, 1, now_ns(CLOCK_MONOTONIC) - NSEC_PER_MSEC };
	int32_t fd, sig;
	struct evobj_wait w;

	CREATE(&fd, 1, S, 0);
	CREATE(&sig, 1, S, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(timeouts); i++) {
		w = wait_args(&fd, 1, timeouts[i]);
		w.signal = sig;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, i % 2, &w));
		EXPECT_EQ(ETIMEDOUT, errno);
		EXPECT_EQ(1, ev_reset(sig));
	}
}

/* The signal is set first: waiting on the very same event succeeds. */
TEST_F(evobj, signal_and_wait_same_event)
{
	int32_t fd;
	struct evobj_wait w;

	CREATE(&fd, 1, S, 0);
	w = wait_args(&fd, 1, 0);
	w.signal = fd;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, ev_signaled(fd));
}

/*
 * Ping-pong: a thread waits on @ping; signal-and-wait sets @ping and waits
 * on @pong, which the thread sets through its own signal-and-wait.
 */
struct pingpong {
	int dev;
	int32_t ping, pong, done;
	int ret, err;
};

static void *pong_fn(void *arg)
{
	struct pingpong *p = arg;
	struct evobj_wait w = wait_args(&p->ping, 1, deadline_in(LONG_WAIT_NS));

	/* Wait for ping, then set pong and wait on done (set by main). */
	p->ret = ev_wait(p->dev, false, &w);
	if (!p->ret) {
		w = wait_args(&p->done, 1, deadline_in(LONG_WAIT_NS));
		w.signal = p->pong;
		p->ret = ev_wait(p->dev, false, &w);
	}
	p->err = p->ret ? errno : 0;
	return NULL;
}

TEST_F(evobj, signal_and_wait_ping_pong)
{
	struct pingpong p = { .dev = self->dev, .ret = -1 };
	struct evobj_wait w;
	pthread_t thread;

	CREATE(&p.ping, 1, S, 0);
	CREATE(&p.pong, 1, S, 0);
	CREATE(&p.done, 1, S, 0);
	ASSERT_EQ(0, pthread_create(&thread, NULL, pong_fn, &p));
	ASSERT_TRUE(wait_for_waiters(p.ping, 1));
	w = wait_args(&p.pong, 1, deadline_in(LONG_WAIT_NS));
	w.signal = p.ping;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	ASSERT_EQ(0, ev_set(p.done));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, p.ret);
	EXPECT_EQ(0, p.err);
	EXPECT_EQ(0, ev_signaled(p.ping));
	EXPECT_EQ(0, ev_signaled(p.pong));
	EXPECT_EQ(0, ev_signaled(p.done));
}

/*
 * Signal-and-wait queues its wait before it sets its signal event, so
 * that nothing the set provokes is missed. A partner thread waiting for
 * @b is woken by the set and at once pulses @a, the event the main
 * thread waits on. Were the set done before the wait is queued, the pulse
 * could find nobody waiting and be lost: the main thread's wait would
 * then time out. Each iteration alternates the type of @a (synchronization,
 * notification), the kind of wait (any, all) and how a blocking partner
 * waits (WAIT_ANY, read()).
 */
#define SIGWAIT_ITERATIONS	1000
/* A lost wake-up costs this long, and this many end the test. */
#define SIGWAIT_MISS_NS		(NSEC_PER_SEC)
#define SIGWAIT_MAX_MISSES	10
/*
 * Across CPUs, epoll instances watching b: waking them is work that the
 * set does after b is signaled, which widens the window in which a
 * module that sets before it queues can be caught.
 */
#define SIGWAIT_POLLERS		256

enum partner_mode {
	PARTNER_SAME_CPU_FIFO,	/* blocked, SCHED_FIFO on the waiter's CPU */
	PARTNER_OTHER_CPU,	/* blocked, on another CPU */
	PARTNER_OTHER_CPU_SPIN,	/* spinning on EVOBJ_IOC_READ, another CPU */
};

struct sigwait_partner {
	pthread_t thread;
	enum partner_mode mode;
	int dev;
	int cpu;		/* pinned to this CPU */
	int32_t a[2];		/* pulses a[i % 2] after its i-th wake-up */
	int32_t b;		/* waits for this */
	atomic_bool stop;
	atomic_int setup;	/* 0 until set up, then 1, or -errno */
	atomic_long taken;	/* how many times the spinning one took b */
	long wakes;
	long errors;
	int last_err;
};

static int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* The @n-th CPU (from 0) that this thread may run on, or -1. */
static int allowed_cpu(int n)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set) && n-- == 0)
			return cpu;
	return -1;
}

/*
 * Takes b once, blocking; false on an error. The spinning partner does
 * not come here: it watches b with EVOBJ_IOC_READ, the quickest way to
 * see the set, pulses first and takes b after.
 */
static bool partner_take(struct sigwait_partner *p, long i)
{
	struct evobj_wait w;
	uint64_t v = POISON64;

	if (i % 2)
		return read(p->b, &v, sizeof(v)) == sizeof(v) && v == 1;
	w = wait_args(&p->b, 1, deadline_in(LONG_WAIT_NS));
	return !ev_wait(p->dev, false, &w) && w.index == 0;
}

static void partner_spin(struct sigwait_partner *p)
{
	for (long i = 0; !atomic_load(&p->stop); i++) {
		int64_t s;

		while ((s = ev_signaled(p->b)) == 0 && !atomic_load(&p->stop))
			;
		if (atomic_load(&p->stop))
			break;
		if (s != 1 || ev_pulse(p->a[i % 2]) != 0 || ev_reset(p->b) != 1) {
			p->errors++;
			p->last_err = errno;
		}
		p->wakes++;
		atomic_store(&p->taken, i + 1);
	}
}

static void *sigwait_partner_fn(void *arg)
{
	struct sigwait_partner *p = arg;
	struct sched_param sp = { .sched_priority = 10 };

	if (pin_to_cpu(p->cpu) || (p->mode == PARTNER_SAME_CPU_FIFO &&
				   sched_setscheduler(0, SCHED_FIFO, &sp))) {
		atomic_store(&p->setup, -errno);
		return NULL;
	}
	atomic_store(&p->setup, 1);
	if (p->mode == PARTNER_OTHER_CPU_SPIN) {
		partner_spin(p);
		return NULL;
	}
	for (long i = 0;; i++) {
		bool woken = partner_take(p, i);

		if (atomic_load(&p->stop))
			break;
		if (!woken) {
			p->errors++;
			p->last_err = errno;
			continue;
		}
		p->wakes++;
		if (ev_pulse(p->a[i % 2]) != 0) {
			p->errors++;
			p->last_err = errno;
		}
	}
	return NULL;
}

static void signal_and_wait_partner_pulses(struct __test_metadata *_metadata,
					   int dev, enum partner_mode mode)
{
	static const char *const what[] = {
		"same CPU, SCHED_FIFO", "across CPUs", "across CPUs, spinning",
	};
	struct sigwait_partner p = { .dev = dev, .mode = mode };
	int cpu = allowed_cpu(0), misses = 0, errors = 0, last_err = 0;
	int pollers[SIGWAIT_POLLERS];
	int i;

	ASSERT_LE(0, cpu);
	p.cpu = mode == PARTNER_SAME_CPU_FIFO ? cpu : allowed_cpu(1);
	if (p.cpu < 0)
		SKIP(return, "needs two CPUs");
	ASSERT_EQ(0, pin_to_cpu(cpu));
	p.a[0] = ev_create(dev, S, 0);
	p.a[1] = ev_create(dev, N, 0);
	p.b = ev_create(dev, S, 0);
	ASSERT_LE(0, p.a[0]);
	ASSERT_LE(0, p.a[1]);
	ASSERT_LE(0, p.b);
	for (int j = 0; j < SIGWAIT_POLLERS; j++) {
		struct epoll_event ev = { .events = EPOLLIN };

		pollers[j] = -1;
		if (mode == PARTNER_SAME_CPU_FIFO)
			continue;
		pollers[j] = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, pollers[j]);
		ASSERT_EQ(0, epoll_ctl(pollers[j], EPOLL_CTL_ADD, p.b, &ev));
	}
	atomic_init(&p.stop, false);
	atomic_init(&p.setup, 0);
	atomic_init(&p.taken, 0);
	ASSERT_EQ(0, pthread_create(&p.thread, NULL, sigwait_partner_fn, &p));
	while (!atomic_load(&p.setup))
		sleep_ns(NSEC_PER_MSEC);
	if (atomic_load(&p.setup) == -EPERM) {
		ASSERT_EQ(0, pthread_join(p.thread, NULL));
		SKIP(return, "SCHED_FIFO not permitted");
	}
	ASSERT_EQ(1, atomic_load(&p.setup))
		TH_LOG("partner setup: %s", strerror(-atomic_load(&p.setup)));

	for (i = 0; i < SIGWAIT_ITERATIONS && misses < SIGWAIT_MAX_MISSES; i++) {
		struct evobj_wait w = wait_args(&p.a[i % 2], 1,
						deadline_in(SIGWAIT_MISS_NS));
		int ret;

		/*
		 * A blocking partner is blocked on b, so the set wakes it;
		 * a spinning one has taken the last set of b.
		 */
		if (mode != PARTNER_OTHER_CPU_SPIN) {
			ASSERT_TRUE(wait_for_waiters(p.b, 1));
		} else {
			uint64_t end = deadline_in(LONG_WAIT_NS);

			while (atomic_load(&p.taken) < i &&
			       now_ns(CLOCK_MONOTONIC) < end)
				;
			ASSERT_EQ(i, atomic_load(&p.taken));
		}
		w.signal = p.b;
		errno = 0;
		ret = ev_wait(dev, i % 4 >= 2, &w);
		if (ret == -1 && errno == ETIMEDOUT) {
			misses++;
		} else if (ret != 0 || w.index != 0) {
			errors++;
			last_err = errno;
		}
	}
	/* Release the partner. */
	atomic_store(&p.stop, true);
	ASSERT_LE(0, ev_set(p.b));
	ASSERT_EQ(0, pthread_join(p.thread, NULL));

	TH_LOG("%s: %d of %d signal-and-waits missed the partner's pulse",
	       what[mode], misses, i);
	EXPECT_EQ(0, misses);
	EXPECT_EQ(SIGWAIT_ITERATIONS, i);
	EXPECT_EQ(0, errors) TH_LOG("last errno %d", last_err);
	EXPECT_EQ(0, p.errors) TH_LOG("partner: last errno %d", p.last_err);
	EXPECT_EQ(i, p.wakes);
	/* Every pulse completed a wait and left its event non-signaled. */
	EXPECT_EQ(0, ev_signaled(p.a[0]));
	EXPECT_EQ(0, ev_signaled(p.a[1]));
	for (int j = 0; j < SIGWAIT_POLLERS; j++)
		if (pollers[j] >= 0)
			close(pollers[j]);
}

/*
 * The kernel's preemption model, where it is dynamic: the name in
 * parentheses in /sys/kernel/debug/sched/preempt ("none (voluntary)
 * full"). -1 where there is no such file.
 */
#define PREEMPT_FILE	"/sys/kernel/debug/sched/preempt"

static int preempt_mode(char *mode, size_t len)
{
	char buf[128], *open, *close;
	FILE *f = fopen(PREEMPT_FILE, "re");

	if (!f)
		return -1;
	open = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (open)
		open = strchr(buf, '(');
	close = open ? strchr(open, ')') : NULL;
	if (!close)
		return -1;
	*close = '\0';
	snprintf(mode, len, "%s", open + 1);
	return 0;
}

static int set_preempt_mode(const char *mode)
{
	FILE *f = fopen(PREEMPT_FILE, "we");
	int ret;

	if (!f)
		return -1;
	ret = fputs(mode, f) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/*
 * The same-CPU test wants the partner to run the instant the set wakes
 * it, as it does on PREEMPT_RT: under voluntary (or no) preemption the
 * waker keeps the CPU until it sleeps, and the test could not tell the
 * order apart. Where the model is dynamic and ours to change, it runs
 * under "full" and the parent puts the old model back even if the test
 * dies.
 */
FIXTURE(preempt) {
	int dev;
	char restore[32];	/* the model to put back, or "" */
};

FIXTURE_SETUP(preempt)
{
	char mode[32];

	self->restore[0] = '\0';
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev) TH_LOG("open " EVOBJ_DEV ": %s", strerror(errno));
	if (preempt_mode(mode, sizeof(mode)) ||
	    (strcmp(mode, "none") && strcmp(mode, "voluntary")))
		return;
	if (set_preempt_mode("full")) {
		TH_LOG("cannot switch preemption from %s to full: %s", mode,
		       strerror(errno));
		return;
	}
	snprintf(self->restore, sizeof(self->restore), "%s", mode);
	TH_LOG("preemption %s -> full for this test", mode);
}

/* In the parent: self is shared, but the child's fds are not. */
FIXTURE_TEARDOWN_PARENT(preempt)
{
	if (self->restore[0])
		EXPECT_EQ(0, set_preempt_mode(self->restore));
}

/* The partner at SCHED_FIFO on the waiter's CPU runs the instant it wakes. */
TEST_F_TIMEOUT(preempt, signal_and_wait_queues_before_set_same_cpu, 120)
{
	signal_and_wait_partner_pulses(_metadata, self->dev, PARTNER_SAME_CPU_FIFO);
}

/* The partner, blocked on another CPU, races the waiter. */
TEST_F_TIMEOUT(evobj, signal_and_wait_queues_before_set_cross_cpu, 120)
{
	signal_and_wait_partner_pulses(_metadata, self->dev, PARTNER_OTHER_CPU);
}

/*
 * The partner spins on another CPU, reading b's state, and pulses the
 * moment it sees b set: the quickest reaction there is.
 */
TEST_F_TIMEOUT(evobj, signal_and_wait_queues_before_set_cross_cpu_spin, 120)
{
	signal_and_wait_partner_pulses(_metadata, self->dev, PARTNER_OTHER_CPU_SPIN);
}

/* Zero and past deadlines on both clocks: ETIMEDOUT at once. */
TEST_F(evobj, timeout_past_does_not_block)
{
	const uint64_t mono = now_ns(CLOCK_MONOTONIC);
	const uint64_t real = now_ns(CLOCK_REALTIME);
	const struct { uint64_t timeout; uint32_t flags; } cases[] = {
		{ 0, 0 }, { 1, 0 }, { mono - NSEC_PER_SEC, 0 }, { mono, 0 },
		{ 0, EVOBJ_WAIT_REALTIME }, { real - NSEC_PER_SEC, EVOBJ_WAIT_REALTIME },
		/* A monotonic deadline read as realtime is long past. */
		{ mono + 60 * NSEC_PER_SEC, EVOBJ_WAIT_REALTIME },
	};
	int32_t fd;

	CREATE(&fd, 1, S, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		for (int all = 0; all < 2; all++) {
			struct evobj_wait w = wait_args(&fd, 1, cases[i].timeout);
			uint64_t start = now_ns(CLOCK_MONOTONIC);

			w.flags = cases[i].flags;
			errno = 0;
			EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
			EXPECT_EQ(ETIMEDOUT, errno);
			/* "At once", generously for emulation. */
			EXPECT_GT(5 * NSEC_PER_SEC, now_ns(CLOCK_MONOTONIC) - start);
		}
	}
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
}

/* An absolute deadline on either clock is honoured, not cut short. */
TEST_F(evobj, timeout_deadline_honoured)
{
	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME };
	int32_t fd;

	CREATE(&fd, 1, S, 0);
	for (unsigned int c = 0; c < ARRAY_SIZE(clocks); c++) {
		for (int all = 0; all < 2; all++) {
			uint64_t deadline = now_ns(clocks[c]) + 100 * NSEC_PER_MSEC;
			struct evobj_wait w = wait_args(&fd, 1, deadline);

			w.flags = clocks[c] == CLOCK_REALTIME ? EVOBJ_WAIT_REALTIME : 0;
			errno = 0;
			EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
			EXPECT_EQ(ETIMEDOUT, errno);
			EXPECT_LE(deadline, now_ns(clocks[c]));
			EXPECT_EQ(0, ev_signaled(fd));
		}
	}
}

/* INFINITE, and any timeout beyond what the kernel represents, never expire. */
TEST_F(evobj, timeout_infinite)
{
	static const uint64_t timeouts[] = {
		EVOBJ_TIMEOUT_INFINITE, (1ULL << 63) + 1, EVOBJ_TIMEOUT_INFINITE - 1,
	};
	int32_t fd;

	CREATE(&fd, 1, S, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(timeouts); i++) {
		struct waiter t;

		waiter_init(&t, self->dev, i % 2, &fd, 1, timeouts[i]);
		ASSERT_TRUE(waiter_start_queued(&t, fd, 1));
		/* Still blocked a while later. */
		sleep_ns(50 * NSEC_PER_MSEC);
		EXPECT_FALSE(atomic_load(&t.done));
		ASSERT_EQ(0, ev_set(fd));
		JOIN_DONE(&t);
		EXPECT_EQ(0, t.ret);
		EXPECT_EQ(0, t.args.index);
	}
}

/*
 * A satisfied wait reports success: the hardirq timer sets the event at
 * the very instant the wait times out. The timer is the only setter and
 * fires once, so either the wait got the event and returns 0, or it timed
 * out and the event is still to be had, now or once the timer fires; a
 * consumed event is never lost.
 */
TEST_F(evobj, satisfied_wait_reports_success)
{
	int won = 0, lost = 0;
	int32_t fd;

	CREATE(&fd, 1, S, 0);
	for (int i = 0; i < 200; i++) {
		uint64_t deadline = deadline_in(2 * NSEC_PER_MSEC + i * 5000);
		struct evobj_timer tm = { .expires = deadline };
		struct evobj_wait w = wait_args(&fd, 1, deadline);
		int ret, err;

		ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_TIMER, &tm));
		ret = ev_wait(self->dev, i % 2, &w);
		err = ret ? errno : 0;
		if (ret == 0) {
			won++;
			EXPECT_EQ(0, w.index);
			EXPECT_EQ(0, ev_signaled(fd));
		} else {
			lost++;
			EXPECT_EQ(ETIMEDOUT, err);
			w = wait_args(&fd, 1, deadline_in(LONG_WAIT_NS));
			ASSERT_EQ(0, ev_wait(self->dev, false, &w));
		}
	}
	TH_LOG("%d waits got the event, %d timed out", won, lost);
	EXPECT_EQ(200, won + lost);
}

/* Without SA_RESTART a signal interrupts the wait with EINTR. */
TEST_F(evobj, signal_interrupts_wait)
{
	int32_t fds[2];

	CREATE(fds, 2, S, 0);
	ASSERT_EQ(0, catch_signal(SIGUSR1, false));
	for (int all = 0; all < 2; all++) {
		struct waiter t;

		waiter_init(&t, self->dev, all, fds, 2, deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&t, fds[0], 1));
		ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR1));
		JOIN_DONE(&t);
		EXPECT_EQ(-1, t.ret);
		EXPECT_EQ(EINTR, t.err);
		EXPECT_GT(t.args.timeout, t.end_ns);
		EXPECT_EQ(all + 1, atomic_load(&signals_caught));
		EXPECT_EQ(0, fdinfo_num(fds[0], "waiters"));
	}
}

/*
 * With SA_RESTART the wait restarts transparently, with the same absolute
 * deadline, and a later set completes it.
 */
TEST_F(evobj, signal_restarts_wait)
{
	int32_t fd;

	CREATE(&fd, 1, S, 0);
	ASSERT_EQ(0, catch_signal(SIGUSR1, true));
	for (int all = 0; all < 2; all++) {
		struct waiter t;

		waiter_init(&t, self->dev, all, &fd, 1, deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&t, fd, 1));
		for (int i = 1; i <= 3; i++) {
			uint64_t end = deadline_in(LONG_WAIT_NS);

			ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR1));
			while (atomic_load(&signals_caught) < 3 * all + i &&
			       now_ns(CLOCK_MONOTONIC) < end)
				sleep_ns(NSEC_PER_MSEC);
			ASSERT_EQ(3 * all + i, atomic_load(&signals_caught));
			/* Queued again once the handler has run. */
			ASSERT_TRUE(wait_for_waiters(fd, 1));
			EXPECT_FALSE(atomic_load(&t.done));
		}
		ASSERT_EQ(0, ev_set(fd));
		JOIN_DONE(&t);
		EXPECT_EQ(0, t.ret);
		EXPECT_EQ(0, t.args.index);
		EXPECT_EQ(0, ev_signaled(fd));
	}

	/* A restarted wait still times out at its first deadline. */
	{
		struct waiter t;
		uint64_t deadline = deadline_in(300 * NSEC_PER_MSEC);

		waiter_init(&t, self->dev, false, &fd, 1, deadline);
		ASSERT_TRUE(waiter_start_queued(&t, fd, 1));
		ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR1));
		JOIN_DONE(&t);
		EXPECT_EQ(-1, t.ret);
		EXPECT_EQ(ETIMEDOUT, t.err);
		EXPECT_LE(deadline, t.end_ns);
		/* Not pushed back by a whole relative timeout again. */
		EXPECT_GT(deadline + 5 * NSEC_PER_SEC, t.end_ns);
	}
}

/*
 * A signal and a set at the same moment: the wait either got the event
 * (returns 0, event consumed) or was interrupted (EINTR, event still
 * signaled). A consumed event is never lost to an EINTR.
 */
TEST_F(evobj, signal_races_set)
{
	int won = 0, interrupted = 0;
	int32_t fd;

	CREATE(&fd, 1, S, 0);
	ASSERT_EQ(0, catch_signal(SIGUSR1, false));
	for (int i = 0; i < 100; i++) {
		struct waiter t;

		waiter_init(&t, self->dev, i % 4 >= 2, &fd, 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&t, fd, 1));
		if (i % 2) {
			ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR1));
			ASSERT_EQ(0, ev_set(fd));
		} else {
			ASSERT_EQ(0, ev_set(fd));
			ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR1));
		}
		JOIN_DONE(&t);
		if (t.ret == 0) {
			won++;
			EXPECT_EQ(0, t.args.index);
			EXPECT_EQ(0, ev_signaled(fd));
		} else {
			interrupted++;
			EXPECT_EQ(EINTR, t.err);
			EXPECT_EQ(1, ev_reset(fd));
		}
	}
	TH_LOG("%d waits got the event, %d were interrupted", won, interrupted);
}

/*
 * A signal-and-wait restarted under SA_RESTART is the same call, not a
 * second one: it must not set its signal event again.
 */
TEST_F(evobj, signal_and_wait_restart_signals_once)
{
	int32_t fd, sig;
	struct evobj_wait w;
	struct waiter t;

	CREATE(&fd, 1, S, 0);
	CREATE(&sig, 1, S, 0);
	ASSERT_EQ(0, catch_signal(SIGUSR1, true));
	waiter_init(&t, self->dev, false, &fd, 1, deadline_in(LONG_WAIT_NS));
	t.args.signal = sig;
	ASSERT_TRUE(waiter_start_queued(&t, fd, 1));
	/* Take what the waiter signaled. */
	w = wait_args(&sig, 1, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	ASSERT_EQ(0, pthread_kill(t.thread, SIGUSR1));
	for (uint64_t end = deadline_in(LONG_WAIT_NS);
	     !atomic_load(&signals_caught) && now_ns(CLOCK_MONOTONIC) < end;)
		sleep_ns(NSEC_PER_MSEC);
	ASSERT_EQ(1, atomic_load(&signals_caught));
	ASSERT_TRUE(wait_for_waiters(fd, 1));
	EXPECT_EQ(0, ev_signaled(sig));
	ASSERT_EQ(0, ev_set(fd));
	JOIN_DONE(&t);
	EXPECT_EQ(0, t.ret);
	EXPECT_EQ(0, t.args.index);
}

TEST_F(evobj, bad_count)
{
	int32_t fds[EVOBJ_MAX_WAIT + 1];
	struct evobj_wait w;

	CREATE(fds, EVOBJ_MAX_WAIT + 1, S, EVOBJ_SIGNALED);
	for (int all = 0; all < 2; all++) {
		w = wait_args(fds, 0, 0);
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
		EXPECT_EQ(EINVAL, errno);
		w = wait_args(fds, EVOBJ_MAX_WAIT + 1, 0);
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
		EXPECT_EQ(EINVAL, errno);
		w = wait_args(fds, 0xffffffffU, 0);
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
		EXPECT_EQ(EINVAL, errno);
	}
	/* Nothing consumed by the failed calls. */
	for (int i = 0; i <= EVOBJ_MAX_WAIT; i++)
		EXPECT_EQ(1, ev_signaled(fds[i]));
}

/* EVOBJ_MAX_WAIT objects is allowed, for both kinds. */
TEST_F(evobj, max_count)
{
	int32_t fds[EVOBJ_MAX_WAIT];
	struct evobj_wait w;
	struct waiter t;

	CREATE(fds, EVOBJ_MAX_WAIT, S, 0);
	ASSERT_EQ(0, ev_set(fds[EVOBJ_MAX_WAIT - 1]));
	w = wait_args(fds, EVOBJ_MAX_WAIT, 0);
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(EVOBJ_MAX_WAIT - 1, w.index);

	for (int i = 0; i < EVOBJ_MAX_WAIT; i++)
		ASSERT_EQ(0, ev_set(fds[i]));
	w = wait_args(fds, EVOBJ_MAX_WAIT, 0);
	ASSERT_EQ(0, ev_wait(self->dev, true, &w));
	EXPECT_EQ(0, w.index);
	for (int i = 0; i < EVOBJ_MAX_WAIT; i++)
		EXPECT_EQ(0, ev_signaled(fds[i]));

	/* Blocked on all of them; only the last set completes it. */
	waiter_init(&t, self->dev, true, fds, EVOBJ_MAX_WAIT,
		    deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&t, fds[0], 1));
	for (int i = EVOBJ_MAX_WAIT - 1; i > 0; i--)
		ASSERT_EQ(0, ev_set(fds[i]));
	EXPECT_FALSE(atomic_load(&t.done));
	ASSERT_EQ(0, ev_set(fds[0]));
	JOIN_DONE(&t);
	EXPECT_EQ(0, t.ret);
	for (int i = 0; i < EVOBJ_MAX_WAIT; i++)
		EXPECT_EQ(0, ev_signaled(fds[i]));
}

TEST_F(evobj, bad_flags_and_pad)
{
	static const uint32_t bad_flags[] = { 0x2, 0x4, 0x80000000U, 0xfffffffeU };
	int32_t fd;
	struct evobj_wait w;

	CREATE(&fd, 1, S, EVOBJ_SIGNALED);
	for (int all = 0; all < 2; all++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad_flags); i++) {
			w = wait_args(&fd, 1, 0);
			w.flags = bad_flags[i];
			errno = 0;
			EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
			EXPECT_EQ(EINVAL, errno);
		}
	}
	EXPECT_EQ(1, ev_signaled(fd));
}

TEST_F(evobj, bad_pointers)
{
	int32_t fd, *edge;
	struct evobj_wait w, *ro;
	char *page;

	CREATE(&fd, 1, S, EVOBJ_SIGNALED);
	/*
	 * The last fd slot of a page whose successor is inaccessible (not
	 * unmapped, which a later mmap() could fill).
	 */
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, mprotect(page + 4096, 4096, PROT_NONE));
	edge = (int32_t *)(page + 4096) - 1;
	*edge = fd;
	for (int all = 0; all < 2; all++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->dev, all ? EVOBJ_IOC_WAIT_ALL :
				    EVOBJ_IOC_WAIT_ANY, NULL));
		EXPECT_EQ(EFAULT, errno);

		w = wait_args(NULL, 1, 0);
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
		EXPECT_EQ(EFAULT, errno);

		w = wait_args(&fd, 1, 0);
		w.fds = 8;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
		EXPECT_EQ(EFAULT, errno);

		/* The list runs off the end of the mapped memory. */
		w = wait_args(edge, 2, 0);
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
		EXPECT_EQ(EFAULT, errno);

		/*
		 * A struct the kernel can read but not write back: EFAULT,
		 * and the event the wait would have won is not lost.
		 */
		w = wait_args(&fd, 1, 0);
		ro = readonly_copy(&w, sizeof(w));
		ASSERT_NE(NULL, ro);
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, all, ro));
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(1, ev_signaled(fd));
	}
}

/* fds that are not open are EBADF, open non-events EINVAL, both places. */
TEST_F(evobj, bad_fds)
{
	/* Not open: a closed fd, -1, -2, a huge one; open: a pipe, /dev/evobj. */
	static const int errs[] = { EBADF, EBADF, EBADF, EBADF, EINVAL, EINVAL };
	int32_t fds[2], closed, pipefd[2], bad[ARRAY_SIZE(errs)];
	struct evobj_wait w;

	CREATE(fds, 1, S, EVOBJ_SIGNALED);
	ASSERT_EQ(0, pipe(pipefd));
	/* Closed last, so that no later open reuses its number. */
	CREATE(&closed, 1, S, 0);
	ASSERT_EQ(0, close(closed));
	bad[0] = closed;
	bad[1] = -1;
	bad[2] = -2;
	bad[3] = 1 << 30;
	bad[4] = pipefd[0];
	bad[5] = self->dev;

	for (int all = 0; all < 2; all++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			/* In the list, after a valid signaled event. */
			fds[1] = bad[i];
			w = wait_args(fds, 2, 0);
			errno = 0;
			EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
			EXPECT_EQ(errs[i], errno);

			/* As the alert (-1 means none there). */
			if (bad[i] != -1) {
				w = wait_args(fds, 1, 0);
				w.alert = bad[i];
				errno = 0;
				EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
				EXPECT_EQ(errs[i], errno);
			}

			/* As the signal. */
			if (bad[i] != -1) {
				w = wait_args(fds, 1, 0);
				w.signal = bad[i];
				errno = 0;
				EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
				EXPECT_EQ(errs[i], errno);
			}
			/* None of the failed waits consumed fds[0]. */
			EXPECT_EQ(1, ev_signaled(fds[0]));
		}
	}
}

/* A bad alert or wait list does not set the signal event. */
TEST_F(evobj, bad_wait_does_not_signal)
{
	int32_t fds[2], sig, pipefd[2];
	struct evobj_wait w;

	CREATE(fds, 1, S, 0);
	CREATE(&sig, 1, S, 0);
	ASSERT_EQ(0, pipe(pipefd));
	fds[1] = pipefd[0];
	w = wait_args(fds, 2, 0);
	w.signal = sig;
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ev_signaled(sig));

	w = wait_args(fds, 1, 0);
	w.signal = sig;
	w.alert = pipefd[1];
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ev_signaled(sig));

	/* Nor does a wait-all that names an object twice. */
	fds[1] = fds[0];
	w = wait_args(fds, 2, 0);
	w.signal = sig;
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ev_signaled(sig));
}

/*
 * max_waiters bounds the waits *queued* on an event. A wait that can
 * complete at once queues nothing, so it completes, whatever the queues
 * of its other objects hold, in whichever order it names them and with
 * whatever timeout, as the same wait with timeout 0 does. Found by
 * evobj_fuzz: with max_waiters reached on event "full", a wait-any on
 * (full, ready) with an infinite timeout failed with ENOSPC, while
 * (ready, full) and the timeout-0 test of (full, ready) succeeded.
 */
#define MAX_WAITERS	"/sys/module/evobj/parameters/max_waiters"

FIXTURE(full_queue) {
	int dev;
	long restore;		/* max_waiters to put back, or -1 */
};

FIXTURE_SETUP(full_queue)
{
	self->restore = -1;
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev) TH_LOG("open " EVOBJ_DEV ": %s", strerror(errno));
	if (access(MAX_WAITERS, F_OK))
		SKIP(return, MAX_WAITERS " is absent");
	self->restore = param_read(MAX_WAITERS);
	ASSERT_LE(0, self->restore);
	if (param_write(MAX_WAITERS, 1)) {
		int err = errno;

		self->restore = -1;
		SKIP(return, MAX_WAITERS " is not writable: %s", strerror(err));
	}
}

FIXTURE_TEARDOWN_PARENT(full_queue)
{
	if (self->restore >= 0)
		EXPECT_EQ(0, param_write(MAX_WAITERS, self->restore));
}

TEST_F(full_queue, wait_that_completes_at_once_is_not_refused)
{
	int32_t full, never, ready, fds[2];
	struct evobj_wait w;
	struct waiter blocked, blocked_all;

	CREATE(&full, 1, N, 0);
	CREATE(&never, 1, N, 0);
	CREATE(&ready, 1, N, EVOBJ_SIGNALED);

	/* One waiter fills full's queue (max_waiters 1). */
	waiter_init(&blocked, self->dev, false, &full, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&blocked, full, 1));

	/* A wait that has to queue on full is refused... */
	w = wait_args(&full, 1, deadline_in(LONG_WAIT_NS));
	EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
	EXPECT_EQ(ENOSPC, errno);

	/* ...but ready is signaled: nothing needs to queue. */
	fds[0] = ready;
	fds[1] = full;
	w = wait_args(fds, 2, deadline_in(LONG_WAIT_NS));
	EXPECT_EQ(0, ev_wait(self->dev, false, &w)) TH_LOG("(ready, full): %s", strerror(errno));
	EXPECT_EQ(0, w.index);

	fds[0] = full;
	fds[1] = ready;
	w = wait_args(fds, 2, 0);
	EXPECT_EQ(0, ev_wait(self->dev, false, &w)) TH_LOG("(full, ready), test: %s", strerror(errno));
	EXPECT_EQ(1, w.index);

	w = wait_args(fds, 2, deadline_in(LONG_WAIT_NS));
	EXPECT_EQ(0, ev_wait(self->dev, false, &w)) TH_LOG("(full, ready): %s", strerror(errno));
	EXPECT_EQ(1, w.index);

	w = wait_args(fds, 2, EVOBJ_TIMEOUT_INFINITE);
	EXPECT_EQ(0, ev_wait(self->dev, false, &w)) TH_LOG("(full, ready), infinite: %s", strerror(errno));
	EXPECT_EQ(1, w.index);

	/* The alert: (full) with ready as the alert completes with index 1. */
	w = wait_args(&full, 1, deadline_in(LONG_WAIT_NS));
	w.alert = ready;
	EXPECT_EQ(0, ev_wait(self->dev, false, &w)) TH_LOG("(full) alert ready: %s", strerror(errno));
	EXPECT_EQ(1, w.index);

	/*
	 * Wait-all: a blocked wait-all on (ready, never) fills ready's
	 * queue; a wait-all on (ready) alone can complete at once.
	 */
	ASSERT_EQ(0, ev_set(full));
	JOIN_DONE(&blocked);
	EXPECT_EQ(0, blocked.ret);
	fds[0] = ready;
	fds[1] = never;
	waiter_init(&blocked_all, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&blocked_all, never, 1));
	ASSERT_EQ(1, fdinfo_num(ready, "waiters"));
	w = wait_args(&ready, 1, deadline_in(LONG_WAIT_NS));
	EXPECT_EQ(0, ev_wait(self->dev, true, &w)) TH_LOG("wait-all (ready): %s", strerror(errno));
	w = wait_args(&ready, 1, deadline_in(LONG_WAIT_NS));
	EXPECT_EQ(0, ev_wait(self->dev, false, &w)) TH_LOG("wait-any (ready): %s", strerror(errno));
	/* read() waits the same way */
	{
		uint64_t v = 0;

		EXPECT_EQ(8, read(ready, &v, sizeof(v))) TH_LOG("read(ready): %s", strerror(errno));
	}
	ASSERT_EQ(0, ev_set(never));
	JOIN_DONE(&blocked_all);
	EXPECT_EQ(0, blocked_all.ret);
}

TEST_HARNESS_MAIN
