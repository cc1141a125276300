// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: many threads, many operations, exact accounting. A
 * lost wake-up shows as a thread stuck until its deadline, a duplicated
 * one as more consumptions than the sets could have produced.
 *
 * EVOBJ_STRESS_OPS (default 100000) is the number of operations each
 * test performs: hand-offs, sets, or waiter wake-ups.
 *
 * The accounting rests on one rule of the contract: a set that finds a
 * synchronization event non-signaled (previous state 0) produces exactly
 * one consumption, now by a waiter or later by a wait that finds it
 * signaled; a set that finds it signaled produces none. So over a run,
 * sets returning 0 == consumptions + the final state.
 */

#include <sched.h>
#include <sys/epoll.h>

#include "evobj_test.h"

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION

/* A stuck thread gives up after this long without progress. */
#define STALL_NS	(20 * NSEC_PER_SEC)

/*
 * Hand-off: producers and consumers pass NTOK tokens through pairs of
 * synchronization events, work[i] and ack[i]. A producer takes any ack
 * and sets the matching work; a consumer takes any work and sets the
 * matching ack. Each token is in one place at a time, so every set must
 * find its event non-signaled and every hand-off must arrive; stop (a
 * notification event, the alert) ends the threads.
 */
#define NTOK	4

struct handoff {
	int dev;
	int32_t work[NTOK], ack[NTOK], stop;
	unsigned long ops;
	atomic_ulong tickets;	/* hand-offs producers may still start */
	atomic_ulong consumed;
	atomic_ulong bad_prev;	/* sets that found their event signaled */
	atomic_ulong failures;	/* wait errors, timeouts included */
};

static void *handoff_thread(struct handoff *h, bool producer)
{
	const int32_t *from = producer ? h->ack : h->work;
	const int32_t *to = producer ? h->work : h->ack;

	for (;;) {
		struct evobj_wait w = wait_args(from, NTOK, deadline_in(STALL_NS));

		if (producer && atomic_fetch_add(&h->tickets, 1) >= h->ops)
			break;
		w.alert = h->stop;
		if (ev_wait(h->dev, false, &w)) {
			atomic_fetch_add(&h->failures, 1);
			break;
		}
		if (w.index == NTOK)
			break;
		if (w.index > NTOK) {
			atomic_fetch_add(&h->failures, 1);
			break;
		}
		if (!producer)
			atomic_fetch_add(&h->consumed, 1);
		if (ev_set(to[w.index]) != 0)
			atomic_fetch_add(&h->bad_prev, 1);
	}
	return NULL;
}

static void *handoff_producer(void *arg)
{
	return handoff_thread(arg, true);
}

static void *handoff_consumer(void *arg)
{
	return handoff_thread(arg, false);
}

/* ops counts hand-offs, each a wake-up of a consumer by a producer. */
TEST_F_TIMEOUT(evobj, sync_handoff, 300)
{
	enum { NP = 3, NC = 3 };
	struct handoff h = { .dev = self->dev, .ops = stress_ops() };
	pthread_t prod[NP], cons[NC];
	uint64_t start = now_ns(CLOCK_MONOTONIC);

	for (int i = 0; i < NTOK; i++) {
		h.work[i] = ev_create(self->dev, S, 0);
		h.ack[i] = ev_create(self->dev, S, EVOBJ_SIGNALED);
		ASSERT_LE(0, h.work[i]);
		ASSERT_LE(0, h.ack[i]);
	}
	h.stop = ev_create(self->dev, N, 0);
	ASSERT_LE(0, h.stop);
	for (int i = 0; i < NC; i++)
		ASSERT_EQ(0, pthread_create(&cons[i], NULL, handoff_consumer, &h));
	for (int i = 0; i < NP; i++)
		ASSERT_EQ(0, pthread_create(&prod[i], NULL, handoff_producer, &h));
	for (int i = 0; i < NP; i++)
		ASSERT_EQ(0, pthread_join(prod[i], NULL));
	/* The last tokens reach consumers, which give back their acks. */
	for (uint64_t end = deadline_in(STALL_NS);
	     atomic_load(&h.consumed) < h.ops && now_ns(CLOCK_MONOTONIC) < end;)
		sleep_ns(NSEC_PER_MSEC);
	sleep_ns(10 * NSEC_PER_MSEC);
	ASSERT_EQ(0, ev_set(h.stop));
	for (int i = 0; i < NC; i++)
		ASSERT_EQ(0, pthread_join(cons[i], NULL));

	TH_LOG("%lu hand-offs in %llu ms", h.ops,
	       (now_ns(CLOCK_MONOTONIC) - start) / NSEC_PER_MSEC);
	EXPECT_EQ(0, atomic_load(&h.failures));
	EXPECT_EQ(0, atomic_load(&h.bad_prev));
	EXPECT_EQ(h.ops, atomic_load(&h.consumed));
	/* Every token is back home. */
	for (int i = 0; i < NTOK; i++) {
		EXPECT_EQ(0, ev_signaled(h.work[i]));
		EXPECT_EQ(1, ev_signaled(h.ack[i]));
	}
}

/*
 * Free-for-all on one synchronization event: setters hammer it, and
 * consumers take it through the wait ioctls (alone, or twice in one
 * wait-any), through read() and through wait-all with a notification
 * event that stays signaled. Sets returning 0 must equal consumptions
 * plus the final state.
 */
struct ffa {
	int dev;
	int32_t ev, always, stop;
	unsigned long ops;
	atomic_ulong sets;		/* sets still to do */
	atomic_ulong transitions;	/* sets that returned 0 */
	atomic_ulong consumed;
	atomic_ulong failures;
	atomic_bool stopping;
};

struct ffa_consumer {
	struct ffa *f;
	int kind;
	pthread_t thread;
};

static void *ffa_setter(void *arg)
{
	struct ffa *f = arg;
	unsigned long mine = 0;

	while (atomic_fetch_add(&f->sets, 1) < f->ops) {
		int64_t prev = ev_set(f->ev);

		if (prev == 0)
			mine++;
		else if (prev != 1)
			atomic_fetch_add(&f->failures, 1);
		/* Give consumers a chance to get it before the next set. */
		if (prev == 1)
			sched_yield();
	}
	atomic_fetch_add(&f->transitions, mine);
	return NULL;
}

static void *ffa_consume(void *arg)
{
	struct ffa_consumer *c = arg;
	struct ffa *f = c->f;
	unsigned long mine = 0;

	while (!atomic_load(&f->stopping)) {
		int32_t fds[2];
		struct evobj_wait w;
		uint64_t v = 0;
		int ret;

		switch (c->kind) {
		case 0:		/* wait-any, stop as the alert */
		case 1:		/* wait-any on it twice */
		case 2:		/* wait-all with an always-signaled one */
			fds[0] = f->ev;
			fds[1] = c->kind == 1 ? f->ev : f->always;
			w = wait_args(fds, c->kind ? 2 : 1, deadline_in(STALL_NS));
			w.alert = f->stop;
			ret = ev_wait(f->dev, c->kind == 2, &w);
			if (ret)
				atomic_fetch_add(&f->failures, 1);
			else if (w.index < w.count)
				mine++;
			else if (w.index != w.count)
				atomic_fetch_add(&f->failures, 1);
			break;
		default:	/* read(); the main thread sets it to stop us */
			if (read(f->ev, &v, sizeof(v)) != sizeof(v) || v != 1)
				atomic_fetch_add(&f->failures, 1);
			else
				mine++;
			break;
		}
	}
	atomic_fetch_add(&f->consumed, mine);
	return NULL;
}

TEST_F_TIMEOUT(evobj, sync_free_for_all, 300)
{
	enum { NSET = 2, NCONS = 4 };
	struct ffa f = { .dev = self->dev, .ops = stress_ops() };
	struct ffa_consumer c[NCONS];
	pthread_t setters[NSET];
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	unsigned long extra = 0;

	f.ev = ev_create(self->dev, S, 0);
	f.always = ev_create(self->dev, N, EVOBJ_SIGNALED);
	f.stop = ev_create(self->dev, N, 0);
	ASSERT_LE(0, f.ev);
	ASSERT_LE(0, f.always);
	ASSERT_LE(0, f.stop);
	for (int i = 0; i < NCONS; i++) {
		c[i] = (struct ffa_consumer){ .f = &f, .kind = i };
		ASSERT_EQ(0, pthread_create(&c[i].thread, NULL, ffa_consume, &c[i]));
	}
	for (int i = 0; i < NSET; i++)
		ASSERT_EQ(0, pthread_create(&setters[i], NULL, ffa_setter, &f));
	for (int i = 0; i < NSET; i++)
		ASSERT_EQ(0, pthread_join(setters[i], NULL));

	/*
	 * Stop: the alert releases the ioctl waiters; the reader needs sets,
	 * which are counted like the others, until every consumer is out.
	 */
	atomic_store(&f.stopping, true);
	ASSERT_EQ(0, ev_set(f.stop));
	for (int i = 0; i < NCONS; i++) {
		uint64_t end = deadline_in(STALL_NS);

		while (pthread_tryjoin_np(c[i].thread, NULL)) {
			ASSERT_GT(end, now_ns(CLOCK_MONOTONIC));
			if (ev_set(f.ev) == 0)
				extra++;
			sleep_ns(NSEC_PER_MSEC);
		}
	}

	TH_LOG("%lu sets, %lu took effect, in %llu ms", f.ops,
	       atomic_load(&f.transitions),
	       (now_ns(CLOCK_MONOTONIC) - start) / NSEC_PER_MSEC);
	EXPECT_EQ(0, atomic_load(&f.failures));
	EXPECT_EQ(atomic_load(&f.transitions) + extra,
		  atomic_load(&f.consumed) + ev_signaled(f.ev));
	/* Not vacuous: a good share of the sets had a waiter to wake. */
	EXPECT_LT(0, atomic_load(&f.consumed));
}

/*
 * Broadcast rounds: round r sets notification event go[r % NSLOT], and
 * every waiter must see every round. A slot is reset and reused only once
 * all waiters have passed it, so the main thread runs up to NSLOT rounds
 * ahead and waiters find some rounds already signaled and block on
 * others. Waiters report progress by a synchronization event, which the
 * main thread waits on when it is too far ahead.
 */
#define NSLOT	8

struct bcast {
	int dev;
	int32_t go[NSLOT], progress, stop;
	unsigned long rounds;
};

struct bcast_waiter {
	struct bcast *b;
	pthread_t thread;
	atomic_ulong seen;
	int err;
};

static void *bcast_fn(void *arg)
{
	struct bcast_waiter *bw = arg;
	struct bcast *b = bw->b;

	for (unsigned long r = 0; r < b->rounds; r++) {
		struct evobj_wait w = wait_args(&b->go[r % NSLOT], 1,
						deadline_in(STALL_NS));

		w.alert = b->stop;
		/* Wait-all on one object is a wait too: use both kinds. */
		if (ev_wait(b->dev, r % 3 == 0, &w)) {
			bw->err = errno;
			break;
		}
		if (w.index != 0)
			break;
		atomic_store(&bw->seen, r + 1);
		if (ev_set(b->progress) < 0) {
			bw->err = errno;
			break;
		}
	}
	return NULL;
}

/* ops counts wake-ups: rounds x waiters. */
TEST_F_TIMEOUT(evobj, notification_broadcast, 300)
{
	enum { NW = 4 };
	struct bcast b = { .dev = self->dev };
	struct bcast_waiter bw[NW];
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	unsigned long r, stalls = 0;

	b.rounds = stress_ops() / NW;
	for (int i = 0; i < NSLOT; i++) {
		b.go[i] = ev_create(self->dev, N, 0);
		ASSERT_LE(0, b.go[i]);
	}
	b.progress = ev_create(self->dev, S, 0);
	b.stop = ev_create(self->dev, N, 0);
	ASSERT_LE(0, b.progress);
	ASSERT_LE(0, b.stop);
	for (int i = 0; i < NW; i++) {
		bw[i].b = &b;
		bw[i].err = 0;
		atomic_init(&bw[i].seen, 0);
		ASSERT_EQ(0, pthread_create(&bw[i].thread, NULL, bcast_fn, &bw[i]));
	}

	for (r = 0; r < b.rounds; r++) {
		bool behind = true;

		/* Slot r % NSLOT last served round r - NSLOT: all past it? */
		while (r >= NSLOT && behind) {
			struct evobj_wait w = wait_args(&b.progress, 1,
							deadline_in(STALL_NS));

			behind = false;
			for (int i = 0; i < NW; i++)
				behind |= atomic_load(&bw[i].seen) <= r - NSLOT;
			if (behind && ev_wait(self->dev, false, &w))
				stalls++;
			if (stalls)
				break;
		}
		if (stalls || ev_reset(b.go[r % NSLOT]) < 0 ||
		    ev_set(b.go[r % NSLOT]) != 0)
			break;
	}
	for (int i = 0; i < NW; i++) {
		uint64_t end = deadline_in(STALL_NS);

		while (atomic_load(&bw[i].seen) < r && now_ns(CLOCK_MONOTONIC) < end)
			sleep_ns(NSEC_PER_MSEC);
	}
	ASSERT_EQ(0, ev_set(b.stop));
	for (int i = 0; i < NW; i++)
		ASSERT_EQ(0, pthread_join(bw[i].thread, NULL));

	TH_LOG("%lu rounds x %d waiters in %llu ms", b.rounds, NW,
	       (now_ns(CLOCK_MONOTONIC) - start) / NSEC_PER_MSEC);
	EXPECT_EQ(0, stalls);
	EXPECT_EQ(b.rounds, r);
	for (int i = 0; i < NW; i++) {
		EXPECT_EQ(0, bw[i].err);
		EXPECT_EQ(b.rounds, atomic_load(&bw[i].seen));
	}
}

/*
 * Wait-all against wait-any on two synchronization events set at
 * random: every consumption is attributed to the event it took (wait-all
 * takes both), and per event, sets returning 0 == consumptions + final
 * state.
 */
struct mix {
	int dev;
	int32_t ev[2], stop;
	unsigned long ops;
	atomic_ulong sets;
	atomic_ulong transitions[2];
	atomic_ulong consumed[2];
	atomic_ulong alls;
	atomic_ulong failures;
};

struct mix_waiter {
	struct mix *m;
	int kind;	/* 0: wait-all, 1: any [0, 1], 2: any [1, 0], 3: any [1] */
	pthread_t thread;
};

static void *mix_setter(void *arg)
{
	struct mix *m = arg;
	unsigned long mine[2] = {};
	uint32_t rnd = (uint32_t)(uintptr_t)&mine | 1;

	while (atomic_fetch_add(&m->sets, 1) < m->ops) {
		int e = next_rand(&rnd) & 1;
		int64_t prev = ev_set(m->ev[e]);

		if (prev == 0)
			mine[e]++;
		else if (prev != 1)
			atomic_fetch_add(&m->failures, 1);
		if (prev == 1)
			sched_yield();
	}
	atomic_fetch_add(&m->transitions[0], mine[0]);
	atomic_fetch_add(&m->transitions[1], mine[1]);
	return NULL;
}

static void *mix_waiter_fn(void *arg)
{
	struct mix_waiter *mw = arg;
	struct mix *m = mw->m;
	unsigned long mine[2] = {}, alls = 0;

	for (;;) {
		int32_t fds[2];
		struct evobj_wait w;
		uint32_t count = mw->kind == 3 ? 1 : 2;

		fds[0] = m->ev[mw->kind == 2 || mw->kind == 3];
		fds[1] = m->ev[mw->kind != 2];
		w = wait_args(fds, count, deadline_in(STALL_NS));
		w.alert = m->stop;
		if (ev_wait(m->dev, mw->kind == 0, &w)) {
			/* The wait-any threads may starve a wait-all. */
			if (mw->kind == 0 && errno == ETIMEDOUT)
				continue;
			atomic_fetch_add(&m->failures, 1);
			break;
		}
		if (w.index == count)
			break;
		if (mw->kind == 0) {
			alls++;
			mine[0]++;
			mine[1]++;
		} else if (w.index < count) {
			mine[fds[w.index] == m->ev[1]]++;
		} else {
			atomic_fetch_add(&m->failures, 1);
		}
	}
	atomic_fetch_add(&m->consumed[0], mine[0]);
	atomic_fetch_add(&m->consumed[1], mine[1]);
	atomic_fetch_add(&m->alls, alls);
	return NULL;
}

TEST_F_TIMEOUT(evobj, wait_all_vs_any, 300)
{
	enum { NSET = 2, NWAIT = 5 };
	struct mix m = { .dev = self->dev, .ops = stress_ops() };
	struct mix_waiter mw[NWAIT];
	pthread_t setters[NSET];
	uint64_t start = now_ns(CLOCK_MONOTONIC);

	m.ev[0] = ev_create(self->dev, S, 0);
	m.ev[1] = ev_create(self->dev, S, 0);
	m.stop = ev_create(self->dev, N, 0);
	ASSERT_LE(0, m.ev[0]);
	ASSERT_LE(0, m.ev[1]);
	ASSERT_LE(0, m.stop);
	for (int i = 0; i < NWAIT; i++) {
		/* Two wait-alls, so that they compete with each other too. */
		mw[i] = (struct mix_waiter){ .m = &m, .kind = i < 2 ? 0 : i - 1 };
		ASSERT_EQ(0, pthread_create(&mw[i].thread, NULL, mix_waiter_fn, &mw[i]));
	}
	for (int i = 0; i < NSET; i++)
		ASSERT_EQ(0, pthread_create(&setters[i], NULL, mix_setter, &m));
	for (int i = 0; i < NSET; i++)
		ASSERT_EQ(0, pthread_join(setters[i], NULL));
	/*
	 * Waiters drain what is signaled before they see the alert: objects
	 * come before it in a wait-any. A wait-all may leave one event.
	 */
	ASSERT_EQ(0, ev_set(m.stop));
	for (int i = 0; i < NWAIT; i++)
		ASSERT_EQ(0, pthread_join(mw[i].thread, NULL));

	TH_LOG("%lu sets, %lu+%lu took effect, %lu wait-alls, in %llu ms",
	       m.ops, atomic_load(&m.transitions[0]),
	       atomic_load(&m.transitions[1]), atomic_load(&m.alls),
	       (now_ns(CLOCK_MONOTONIC) - start) / NSEC_PER_MSEC);
	EXPECT_EQ(0, atomic_load(&m.failures));
	for (int e = 0; e < 2; e++)
		EXPECT_EQ(atomic_load(&m.transitions[e]),
			  atomic_load(&m.consumed[e]) + ev_signaled(m.ev[e]));
	/* Not vacuous: the wait-alls got through sometimes. */
	EXPECT_LT(0, atomic_load(&m.alls));
}

/*
 * Hardirq setter: a periodic timer sets a synchronization event that
 * threads take with the wait ioctls, read() and epoll + read(). Expiries
 * may merge, so nothing can be counted exactly; what must hold is that
 * nobody waits for long while the timer keeps firing (no lost wake-up),
 * and that each expiry is taken at most once: consumptions never
 * outnumber the expiries that could have happened.
 */
struct tstress {
	int dev;
	int32_t ev;
	unsigned long ops;
	atomic_ulong consumed;
	atomic_ulong failures;
};

struct tstress_thread {
	struct tstress *t;
	int kind;
	pthread_t thread;
};

static void *tstress_fn(void *arg)
{
	struct tstress_thread *tt = arg;
	struct tstress *t = tt->t;
	int ep = -1;

	if (tt->kind == 2) {
		struct epoll_event ev = { .events = EPOLLIN };

		ep = epoll_create1(EPOLL_CLOEXEC);
		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, t->ev, &ev))
			atomic_fetch_add(&t->failures, 1);
	}
	while (atomic_fetch_add(&t->consumed, 1) < t->ops) {
		struct evobj_wait w = wait_args(&t->ev, 1, deadline_in(STALL_NS));
		struct epoll_event ev;
		uint64_t v;
		int ret;

		switch (tt->kind) {
		case 0:
		case 1:
			ret = ev_wait(t->dev, tt->kind, &w) ? -1 : 0;
			break;
		default:
			/* The nonblocking read may lose the race to another. */
			ret = epoll_wait(ep, &ev, 1, STALL_NS / NSEC_PER_MSEC);
			if (ret == 1) {
				ret = read(t->ev, &v, sizeof(v));
				ret = ret == sizeof(v) ? 0 : errno == EAGAIN ? 1 : -1;
			} else {
				ret = -1;
			}
			if (ret == 1)
				atomic_fetch_sub(&t->consumed, 1);
			break;
		}
		if (ret < 0) {
			atomic_fetch_add(&t->failures, 1);
			break;
		}
	}
	if (ep >= 0)
		close(ep);
	return NULL;
}

/* ops / 20 consumptions, to keep the hardirq load bearable under TCG. */
TEST_F_TIMEOUT(evobj, timer_setter, 300)
{
	enum { NT = 3 };
	const uint64_t period = 2 * EVOBJ_TIMER_MIN_PERIOD;
	struct tstress t = { .dev = self->dev, .ops = stress_ops() / 20 + 1 };
	struct tstress_thread tt[NT];
	struct evobj_timer tm = { .period = period };
	uint64_t start = now_ns(CLOCK_MONOTONIC), elapsed;

	/* The epoll thread reads without blocking: the others may win. */
	t.ev = ev_create(self->dev, S, EVOBJ_NONBLOCK);
	ASSERT_LE(0, t.ev);
	tm.expires = deadline_in(period);
	ASSERT_EQ(0, ioctl(t.ev, EVOBJ_IOC_TIMER, &tm));
	for (int i = 0; i < NT; i++) {
		tt[i] = (struct tstress_thread){ .t = &t, .kind = i };
		ASSERT_EQ(0, pthread_create(&tt[i].thread, NULL, tstress_fn, &tt[i]));
	}
	/* Once the count is reached the others need one more expiry each. */
	for (int i = 0; i < NT; i++)
		ASSERT_EQ(0, pthread_join(tt[i].thread, NULL));
	elapsed = now_ns(CLOCK_MONOTONIC) - tm.expires;
	tm = (struct evobj_timer){};
	ASSERT_EQ(0, ioctl(t.ev, EVOBJ_IOC_TIMER, &tm));

	TH_LOG("%lu timer wake-ups in %llu ms", t.ops,
	       (now_ns(CLOCK_MONOTONIC) - start) / NSEC_PER_MSEC);
	EXPECT_EQ(0, atomic_load(&t.failures));
	/* At most one consumption per expiry (plus one in flight per thread). */
	EXPECT_GE(elapsed / period + 1 + NT, t.ops);
}

/* Unreclaimable slab memory in kB, from /proc/meminfo. */
static long slab_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Creating and closing events ten times EVOBJ_STRESS_OPS times (a million
 * by default) leaves no memory behind: an object or a file leaked per
 * iteration would be hundreds of megabytes of slab. Closes wait for
 * nothing (no waiter, no timer), so the memory is freed at close time.
 */
TEST_F_TIMEOUT(evobj, create_close_no_leak, 600)
{
	unsigned long n = 10 * stress_ops();
	long before, after;

	/* Warm the caches first, so their growth is not counted. */
	for (int i = 0; i < 10000; i++)
		ASSERT_EQ(0, close(ev_create(self->dev, i & 1, i & 2 ? EVOBJ_SIGNALED : 0)));
	before = slab_kb();
	ASSERT_LT(0, before);
	for (unsigned long i = 0; i < n; i++) {
		int fd = ev_create(self->dev, i & 1, 0);

		ASSERT_LE(0, fd);
		if (i % 3 == 0)
			ASSERT_EQ(0, ev_set(fd));
		ASSERT_EQ(0, close(fd));
	}
	after = slab_kb();
	TH_LOG("%lu events created and closed; unreclaimable slab %ld -> %ld kB",
	       n, before, after);
	/* 1M leaked objects of >= 200 bytes would be >= 200 MB. */
	EXPECT_GT(before + 16384, after);
}

TEST_HARNESS_MAIN
