// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: semaphores (Documentation/evobj.rst, "Semaphores").
 * Creation and its errors; RELEASE, its previous count, EOVERFLOW that
 * changes nothing (u32 wraparound included); READ_SEMAPHORE and READ;
 * which ioctls belong to which fd; mmap, poll, read() and write(); waits
 * that take one unit (wait-any against events, atomic wait-all, the
 * alert, EVOBJ_IOC_WAIT, wait sets); a release of n completing exactly n
 * waits in FIFO order and skipping a wait-all held back elsewhere;
 * signal-and-wait releasing one unit, or EOVERFLOW at the maximum with
 * nothing done; named semaphores through struct evobj_open's VER1
 * fields; fdinfo; and a stress test with exact unit accounting.
 */

#include <poll.h>
#include <sched.h>
#include <sys/epoll.h>

#include "evobj_test.h"

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION
#define SEM	EVOBJ_SEMAPHORE
#define SMAX	EVOBJ_SEMAPHORE_MAX

/* A stuck stress thread gives up after this long without progress. */
#define STALL_NS	(20 * NSEC_PER_SEC)

/* ---- creation ---- */

TEST_F(evobj, create_reports_count_and_max)
{
	static const uint32_t cases[][2] = {
		{ 0, 1 }, { 1, 1 }, { 0, 10 }, { 3, 10 }, { 10, 10 },
		{ 0, SMAX }, { SMAX, SMAX }, { SMAX - 1, SMAX },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct evobj_semaphore_state st = { POISON32, POISON32 };
		struct evobj_state state = { POISON32, POISON32 };
		int fd = sem_create(self->dev, cases[i][0], cases[i][1]);

		ASSERT_LE(0, fd) TH_LOG("count %u max %u: %s", cases[i][0],
					cases[i][1], strerror(errno));
		ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, &st));
		EXPECT_EQ(cases[i][0], st.count);
		EXPECT_EQ(cases[i][1], st.max);
		ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ, &state));
		EXPECT_EQ(SEM, state.type);
		EXPECT_EQ(cases[i][0] > 0, state.signaled);
		EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
		ASSERT_EQ(0, close(fd));
	}
}

TEST_F(evobj, create_bad_max)
{
	static const uint32_t bad[] = { 0, SMAX + 1, 0x80000001U, 0xffffffffU };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, sem_create(self->dev, 0, bad[i]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("max %#x", bad[i]);
		errno = 0;
		EXPECT_EQ(-1, sem_create(self->dev, bad[i] ? 1 : 0, bad[i]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("max %#x", bad[i]);
	}
}

TEST_F(evobj, create_count_above_max)
{
	static const uint32_t bad[][2] = {
		{ 2, 1 }, { 11, 10 }, { SMAX, SMAX - 1 }, { SMAX + 1, SMAX },
		{ 0xffffffffU, SMAX }, { 0xffffffffU, 1 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, sem_create(self->dev, bad[i][0], bad[i][1]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("count %#x max %#x", bad[i][0],
						bad[i][1]);
	}
}

/* EVOBJ_SIGNALED is an event's flag: a semaphore says so by its count. */
TEST_F(evobj, create_bad_flags)
{
	static const uint32_t bad[] = {
		EVOBJ_SIGNALED, EVOBJ_SIGNALED | EVOBJ_CLOEXEC,
		EVOBJ_SIGNALED | EVOBJ_NONBLOCK, 0x8, 0x10, 0x80000000U,
		0xfffffff8U, 0xffffffffU,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, sem_create_full(self->dev, 1, 2, bad[i], 0));
		EXPECT_EQ(EINVAL, errno) TH_LOG("flags %#x", bad[i]);
	}
}

TEST_F(evobj, create_bad_pad)
{
	static const uint32_t bad[] = { 1, 0x100, 0x80000000U, 0xffffffffU };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, sem_create_full(self->dev, 1, 2, 0, bad[i]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("pad %#x", bad[i]);
	}
}

TEST_F(evobj, create_bad_pointer)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_CREATE_SEMAPHORE, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_CREATE_SEMAPHORE, bad_address()));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(evobj, create_fd_flags)
{
	static const uint32_t flags[] = {
		0, EVOBJ_CLOEXEC, EVOBJ_NONBLOCK, EVOBJ_CLOEXEC | EVOBJ_NONBLOCK,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(flags); i++) {
		int fd = sem_create_full(self->dev, 1, 3, flags[i], 0);

		ASSERT_LE(0, fd);
		EXPECT_EQ(flags[i] & EVOBJ_CLOEXEC ? FD_CLOEXEC : 0,
			  fcntl(fd, F_GETFD) & FD_CLOEXEC);
		EXPECT_EQ(flags[i] & EVOBJ_NONBLOCK ? O_NONBLOCK : 0,
			  fcntl(fd, F_GETFL) & O_NONBLOCK);
		EXPECT_EQ(1, sem_count(fd));
		ASSERT_EQ(0, close(fd));
	}
}

/* ---- RELEASE and READ_SEMAPHORE ---- */

TEST_F(evobj, release_returns_previous_count)
{
	int fd = sem_create(self->dev, 0, 10);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, sem_release(fd, 1));
	EXPECT_EQ(1, sem_count(fd));
	EXPECT_EQ(1, sem_release(fd, 3));
	EXPECT_EQ(4, sem_count(fd));
	EXPECT_EQ(4, sem_release(fd, 6));
	EXPECT_EQ(10, sem_count(fd));
	EXPECT_EQ(1, ev_signaled(fd));
	EXPECT_EQ(10, sem_max(fd));
}

TEST_F(evobj, release_zero_einval)
{
	int fd = sem_create(self->dev, 2, 5);

	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, sem_release(fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(2, sem_count(fd));
	/* Also at count 0, where a zero release would change nothing anyway. */
	ASSERT_EQ(0, close(fd));
	fd = sem_create(self->dev, 0, 5);
	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, sem_release(fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, sem_count(fd));
}

TEST_F(evobj, release_overflow_changes_nothing)
{
	int fd = sem_create(self->dev, 2, 3);

	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, sem_release(fd, 2));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(2, sem_count(fd));
	errno = 0;
	EXPECT_EQ(-1, sem_release(fd, SMAX));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(2, sem_count(fd));
	/* Up to the maximum exactly is fine, one more is not. */
	EXPECT_EQ(2, sem_release(fd, 1));
	EXPECT_EQ(3, sem_count(fd));
	errno = 0;
	EXPECT_EQ(-1, sem_release(fd, 1));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(3, sem_count(fd));
	EXPECT_EQ(3, sem_max(fd));
}

/*
 * count + n computed in 32 bits wraps: 1 + 0xffffffff is 0, and 2 +
 * 0xfffffffe too, both "below" the maximum if added before compared.
 */
TEST_F(evobj, release_overflow_wraparound)
{
	static const uint32_t cases[][3] = {	/* count, max, n */
		{ 1, SMAX, 0xffffffffU },
		{ 2, SMAX, 0xfffffffeU },
		{ 1, SMAX, 0x80000001U },
		{ 0, SMAX, SMAX + 1 },
		{ 0, SMAX, 0xffffffffU },
		{ SMAX, SMAX, 1 },
		{ SMAX, SMAX, 0x80000001U },
		{ 1, 1, 0xffffffffU },
		{ 5, 10, 0xfffffffbU },		/* 5 + n == 0 */
		{ 5, 10, 0xfffffffcU },		/* 5 + n == 1 */
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		int fd = sem_create(self->dev, cases[i][0], cases[i][1]);

		ASSERT_LE(0, fd);
		errno = 0;
		EXPECT_EQ(-1, sem_release(fd, cases[i][2]));
		EXPECT_EQ(EOVERFLOW, errno) TH_LOG("count %u max %u n %#x",
						   cases[i][0], cases[i][1],
						   cases[i][2]);
		EXPECT_EQ(cases[i][0], sem_count(fd));
		ASSERT_EQ(0, close(fd));
	}
	/* The largest release that fits does. */
	{
		int fd = sem_create(self->dev, 0, SMAX);

		ASSERT_LE(0, fd);
		EXPECT_EQ(0, sem_release(fd, SMAX));
		EXPECT_EQ(SMAX, sem_count(fd));
	}
}

/*
 * A bad pointer is EFAULT before anything changes: unmapped, and a
 * read-only page, which the kernel can read n from but not write the
 * previous count to.
 */
TEST_F(evobj, release_bad_pointer_changes_nothing)
{
	uint32_t one = 1;
	void *ro = readonly_copy(&one, sizeof(one));
	void *gone = mmap(NULL, getpagesize(), PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = sem_create(self->dev, 0, 5);

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, ro);
	ASSERT_NE(MAP_FAILED, gone);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_RELEASE, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_RELEASE, gone));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, sem_count(fd));
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_RELEASE, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, sem_count(fd)) TH_LOG("a release that failed with EFAULT released");
}

TEST_F(evobj, read_semaphore)
{
	struct evobj_semaphore_state st;
	struct evobj_semaphore_state zero = { 0, 0 };
	void *ro = readonly_copy(&zero, sizeof(zero));
	int fd = sem_create(self->dev, 4, 7);

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, ro);
	/* Reading takes nothing, however often. */
	for (int i = 0; i < 3; i++) {
		st.count = st.max = POISON32;
		ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, &st));
		EXPECT_EQ(4, st.count);
		EXPECT_EQ(7, st.max);
	}
	ASSERT_EQ(4, sem_release(fd, 3));
	EXPECT_EQ(7, sem_count(fd));
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, ro));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(7, sem_count(fd));
}

/* EVOBJ_IOC_READ on a semaphore: type 2, signaled while count > 0. */
TEST_F(evobj, read_state_type_and_signaled)
{
	struct evobj_state state;
	int fd = sem_create(self->dev, 0, 2);

	ASSERT_LE(0, fd);
	for (int step = 0; step < 5; step++) {
		int64_t count = sem_count(fd);

		state.type = state.signaled = POISON32;
		ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ, &state));
		EXPECT_EQ(SEM, state.type);
		EXPECT_EQ(count > 0, state.signaled);
		if (step < 2) {
			ASSERT_LE(0, sem_release(fd, 1));
		} else if (step < 4) {
			ASSERT_EQ(0, try_wait(self->dev, false, &fd, 1));
		}
	}
	EXPECT_EQ(0, sem_count(fd));
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_READ, NULL));
	EXPECT_EQ(EFAULT, errno);
}

/* ---- which ioctl belongs to which fd ---- */

TEST_F(evobj, event_ioctls_einval_on_semaphore)
{
	static const unsigned long cmds[] = {
		EVOBJ_IOC_SET, EVOBJ_IOC_RESET, EVOBJ_IOC_PULSE, EVOBJ_IOC_TIMER,
	};
	struct evobj_timer tm = { .expires = deadline_in(NSEC_PER_MSEC) };
	int fd = sem_create(self->dev, 1, 3);

	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		uint64_t arg[4] = { POISON64, POISON64, POISON64, POISON64 };
		void *p = cmds[i] == EVOBJ_IOC_TIMER ? (void *)&tm : (void *)arg;

		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, cmds[i], p));
		EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %#lx", cmds[i]);
		/* A NULL argument too: SET's NULL means "no previous state". */
		if (cmds[i] != EVOBJ_IOC_TIMER) {
			errno = 0;
			EXPECT_EQ(-1, ioctl(fd, cmds[i], NULL));
			EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %#lx, NULL", cmds[i]);
		}
		EXPECT_EQ(POISON64, arg[0]);
		EXPECT_EQ(1, sem_count(fd));
	}
	/* No timer was armed: nothing releases the semaphore later. */
	sleep_ns(5 * NSEC_PER_MSEC);
	EXPECT_EQ(1, sem_count(fd));
	EXPECT_EQ(-1, fdinfo_num(fd, "timer"));
}

TEST_F(evobj, semaphore_ioctls_einval_on_event)
{
	for (uint32_t type = N; type <= S; type++) {
		struct evobj_semaphore_state st = { POISON32, POISON32 };
		uint32_t n = 1;
		int fd = ev_create(self->dev, type, 0);

		ASSERT_LE(0, fd);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_RELEASE, &n));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(1, n);
		EXPECT_EQ(0, ev_signaled(fd)) TH_LOG("RELEASE set an event");
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, &st));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(POISON32, st.count);
		EXPECT_EQ(POISON32, st.max);
		ASSERT_EQ(0, close(fd));
	}
}

TEST_F(evobj, semaphore_ioctls_enotty_elsewhere)
{
	struct evobj_waitset args = { .count = 1 };
	uint64_t arg[8] = {};
	int32_t sem = sem_create(self->dev, 1, 3);
	int set, efd;

	ASSERT_LE(0, sem);
	args.fds = (uintptr_t)&sem;
	set = ioctl(self->dev, EVOBJ_IOC_WAITSET, &args);
	ASSERT_LE(0, set);
	efd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, efd);
	/* The semaphore's own ioctls on a wait set and on /dev/evobj. */
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, EVOBJ_IOC_RELEASE, arg));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, EVOBJ_IOC_READ_SEMAPHORE, arg));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_RELEASE, arg));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_READ_SEMAPHORE, arg));
	EXPECT_EQ(ENOTTY, errno);
	/* The device's and the set's on a semaphore; CREATE_SEMAPHORE elsewhere. */
	{
		static const unsigned long not_sem[] = {
			EVOBJ_IOC_CREATE, EVOBJ_IOC_WAIT_ANY, EVOBJ_IOC_WAIT_ALL,
			EVOBJ_IOC_OPEN, EVOBJ_IOC_WAITSET,
			EVOBJ_IOC_CREATE_SEMAPHORE, EVOBJ_IOC_WAITSET_ANY,
			EVOBJ_IOC_WAITSET_ALL,
			/* unused numbers of the semaphore range */
			_IOWR(EVOBJ_IOC_MAGIC, 0x12, __u32),
			_IOR(EVOBJ_IOC_MAGIC, 0x1F, __u64),
			_IOR(EVOBJ_IOC_MAGIC, 0x10, __u32), /* RELEASE, wrong dir */
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(not_sem); i++) {
			errno = 0;
			EXPECT_EQ(-1, ioctl(sem, not_sem[i], arg));
			EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", not_sem[i]);
		}
	}
	errno = 0;
	EXPECT_EQ(-1, ioctl(efd, EVOBJ_IOC_CREATE_SEMAPHORE, arg));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, EVOBJ_IOC_CREATE_SEMAPHORE, arg));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(1, sem_count(sem));
	EXPECT_EQ(0, ev_signaled(efd));
}

/* ---- the semaphore fd as a file ---- */

TEST_F(evobj, mmap_enodev)
{
	static const int prots[] = { PROT_READ | PROT_WRITE, PROT_READ };
	int fd = sem_create(self->dev, 1, 3);

	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(prots); i++) {
		errno = 0;
		EXPECT_EQ(MAP_FAILED, mmap(NULL, getpagesize(), prots[i],
					   MAP_SHARED, fd, 0));
		EXPECT_EQ(ENODEV, errno);
	}
	EXPECT_EQ(-1, fdinfo_num(fd, "word"));
	EXPECT_EQ(1, sem_count(fd));
}

TEST_F(evobj, poll_epollin_iff_count)
{
	int fd = sem_create(self->dev, 0, 3), ep;
	struct epoll_event e = { .events = EPOLLIN | EPOLLOUT }, out[2];

	ASSERT_LE(0, fd);
	EXPECT_EQ(POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
	EXPECT_EQ(0, poll_revents(fd, POLLIN));
	ASSERT_EQ(0, sem_release(fd, 2));
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(POLLIN | POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
	/* Polling took nothing. */
	EXPECT_EQ(2, sem_count(fd));
	ASSERT_EQ(0, try_wait(self->dev, false, &fd, 1));
	EXPECT_EQ(POLLIN | POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
	ASSERT_EQ(0, try_wait(self->dev, false, &fd, 1));
	EXPECT_EQ(POLLOUT, poll_revents(fd, POLLIN | POLLOUT));

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	e.data.fd = fd;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
	ASSERT_EQ(1, epoll_wait(ep, out, 2, 0));
	EXPECT_EQ(EPOLLOUT, out[0].events);
	ASSERT_EQ(0, sem_release(fd, 1));
	ASSERT_EQ(1, epoll_wait(ep, out, 2, 0));
	EXPECT_EQ(EPOLLIN | EPOLLOUT, out[0].events);
	EXPECT_EQ(1, sem_count(fd));
}

struct poller {
	pthread_t thread;
	int fd;
	short revents;
	int ret;
	atomic_bool done;
};

static void *poller_fn(void *arg)
{
	struct poller *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

	/*
	 * Longer than JOIN_DONE's bound: poll() looks once more when it
	 * times out, so only a prompt wake-up may pass.
	 */
	p->ret = poll(&pfd, 1, 3 * LONG_WAIT_NS / NSEC_PER_MSEC);
	p->revents = pfd.revents;
	atomic_store(&p->done, true);
	return NULL;
}

TEST_F_TIMEOUT(evobj, poll_woken_by_release, 60)
{
	struct poller p = { .revents = 0 };
	int fd = sem_create(self->dev, 0, 3);

	ASSERT_LE(0, fd);
	p.fd = fd;
	atomic_init(&p.done, false);
	ASSERT_EQ(0, pthread_create(&p.thread, NULL, poller_fn, &p));
	sleep_ns(50 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&p.done));
	ASSERT_EQ(0, sem_release(fd, 1));
	JOIN_DONE(&p);
	EXPECT_EQ(1, p.ret);
	EXPECT_EQ(POLLIN, p.revents);
	EXPECT_EQ(1, sem_count(fd));
}

TEST_F(evobj, read_takes_one)
{
	uint64_t v;
	int fd = sem_create_full(self->dev, 2, 5, EVOBJ_NONBLOCK, 0);

	ASSERT_LE(0, fd);
	v = POISON64;
	ASSERT_EQ(sizeof(v), read(fd, &v, sizeof(v)));
	EXPECT_EQ(1, v);
	EXPECT_EQ(1, sem_count(fd));
	/* A bigger buffer is fine; the value is still 1, one unit. */
	{
		uint64_t big[2] = { POISON64, POISON64 };

		ASSERT_EQ(sizeof(v), read(fd, big, sizeof(big)));
		EXPECT_EQ(1, big[0]);
		EXPECT_EQ(POISON64, big[1]);
	}
	EXPECT_EQ(0, sem_count(fd));
	errno = 0;
	EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, sem_count(fd));
	ASSERT_EQ(0, sem_release(fd, 1));
	errno = 0;
	EXPECT_EQ(-1, read(fd, &v, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, sem_count(fd));
}

TEST_F(evobj, read_blocks_until_release)
{
	struct waiter w;
	int32_t fd = sem_create(self->dev, 0, 5);

	ASSERT_LE(0, fd);
	waiter_init(&w, self->dev, false, &fd, 1, 0);
	w.use_read = true;
	ASSERT_TRUE(waiter_start_queued(&w, fd, 1));
	EXPECT_FALSE(atomic_load(&w.done));
	ASSERT_EQ(0, sem_release(fd, 2));
	JOIN_DONE(&w);
	EXPECT_EQ(sizeof(uint64_t), w.ret);
	EXPECT_EQ(1, w.value);
	EXPECT_EQ(1, sem_count(fd));
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
}

TEST_F(evobj, write_releases_n)
{
	int fd = sem_create(self->dev, 0, 10);
	uint64_t big[2] = { 2, POISON64 };

	ASSERT_LE(0, fd);
	EXPECT_EQ(sizeof(uint64_t), write_u64(fd, 3));
	EXPECT_EQ(3, sem_count(fd));
	EXPECT_EQ(sizeof(uint64_t), write_u64(fd, 1));
	EXPECT_EQ(4, sem_count(fd));
	/* A longer buffer writes its first __u64. */
	EXPECT_EQ(sizeof(uint64_t), write(fd, big, sizeof(big)));
	EXPECT_EQ(6, sem_count(fd));

	static const uint64_t bad[] = {
		0, SMAX + 1ULL, 1ULL << 32, (1ULL << 32) | 1, UINT64_MAX,
		0xffffffffULL,
	};
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, write_u64(fd, bad[i]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("value %#llx",
						(unsigned long long)bad[i]);
		EXPECT_EQ(6, sem_count(fd));
	}
	errno = 0;
	EXPECT_EQ(-1, write(fd, big, 4));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, write_u64(fd, 5));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(6, sem_count(fd));
	errno = 0;
	EXPECT_EQ(-1, write_u64(fd, SMAX));
	EXPECT_EQ(EOVERFLOW, errno);
	EXPECT_EQ(6, sem_count(fd));
	EXPECT_EQ(sizeof(uint64_t), write_u64(fd, 4));
	EXPECT_EQ(10, sem_count(fd));
	errno = 0;
	EXPECT_EQ(-1, write(fd, bad_address(), sizeof(uint64_t)));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(10, sem_count(fd));
}

TEST_F(evobj, write_wakes_waiters)
{
	struct waiter w[3];
	int32_t fd = sem_create(self->dev, 0, 10);

	ASSERT_LE(0, fd);
	for (int i = 0; i < 3; i++) {
		waiter_init(&w[i], self->dev, false, &fd, 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&w[i], fd, i + 1));
	}
	ASSERT_EQ(sizeof(uint64_t), write_u64(fd, 5));
	for (int i = 0; i < 3; i++) {
		JOIN_DONE(&w[i]);
		EXPECT_EQ(0, w[i].ret);
		EXPECT_EQ(0, w[i].args.index);
	}
	EXPECT_EQ(2, sem_count(fd));
}

/* ---- waits ---- */

TEST_F(evobj, wait_any_takes_one_unit)
{
	int32_t fd = sem_create(self->dev, 3, 3);

	ASSERT_LE(0, fd);
	for (int i = 3; i > 0; i--) {
		EXPECT_EQ(0, try_wait(self->dev, false, &fd, 1));
		EXPECT_EQ(i - 1, sem_count(fd));
	}
	errno = 0;
	EXPECT_EQ(-1, try_wait(self->dev, false, &fd, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(0, sem_count(fd));
}

/* Named twice in a wait-any, a semaphore is queued once and gives one unit. */
TEST_F(evobj, wait_any_same_semaphore_twice)
{
	int32_t fds[3];
	struct waiter w;

	fds[0] = sem_create(self->dev, 2, 5);
	ASSERT_LE(0, fds[0]);
	fds[1] = fds[0];
	fds[2] = fds[0];
	EXPECT_EQ(0, try_wait(self->dev, false, fds, 3));
	EXPECT_EQ(1, sem_count(fds[0]));
	EXPECT_EQ(0, try_wait(self->dev, false, fds, 3));
	EXPECT_EQ(0, sem_count(fds[0]));
	waiter_init(&w, self->dev, false, fds, 3, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w, fds[0], 1));
	ASSERT_EQ(0, sem_release(fds[0], 2));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	EXPECT_EQ(1, sem_count(fds[0]));
}

/* Of several signaled objects the lowest index wins, and only it is taken. */
TEST_F(evobj, wait_any_lowest_index_wins_mixed)
{
	int32_t sync_off = ev_create(self->dev, S, 0);
	int32_t sync_on = ev_create(self->dev, S, EVOBJ_SIGNALED);
	int32_t notif_on = ev_create(self->dev, N, EVOBJ_SIGNALED);
	int32_t sem = sem_create(self->dev, 2, 5);
	int32_t sem0 = sem_create(self->dev, 0, 5);

	ASSERT_LE(0, sync_off);
	ASSERT_LE(0, sync_on);
	ASSERT_LE(0, notif_on);
	ASSERT_LE(0, sem);
	ASSERT_LE(0, sem0);
	{
		int32_t fds[] = { sync_off, sem0, sem, sync_on, notif_on };

		EXPECT_EQ(2, try_wait(self->dev, false, fds, 5));
		EXPECT_EQ(1, sem_count(sem));
		EXPECT_EQ(1, ev_signaled(sync_on));
		EXPECT_EQ(0, sem_count(sem0));
	}
	{
		int32_t fds[] = { sync_on, sem };

		EXPECT_EQ(0, try_wait(self->dev, false, fds, 2));
		EXPECT_EQ(0, ev_signaled(sync_on));
		EXPECT_EQ(1, sem_count(sem));
	}
	{
		int32_t fds[] = { notif_on, sem };

		EXPECT_EQ(0, try_wait(self->dev, false, fds, 2));
		EXPECT_EQ(1, sem_count(sem));
		EXPECT_EQ(1, ev_signaled(notif_on));
	}
	{
		int32_t fds[] = { sem0, sync_off, sem };

		EXPECT_EQ(2, try_wait(self->dev, false, fds, 3));
		EXPECT_EQ(0, sem_count(sem));
	}
	{
		int32_t fds[] = { sem0, sem, sync_off };

		errno = 0;
		EXPECT_EQ(-1, try_wait(self->dev, false, fds, 3));
		EXPECT_EQ(ETIMEDOUT, errno);
	}
}

TEST_F(evobj, wait_all_takes_one_from_each)
{
	int32_t sem1 = sem_create(self->dev, 2, 5);
	int32_t sem2 = sem_create(self->dev, 1, 1);
	int32_t sync = ev_create(self->dev, S, EVOBJ_SIGNALED);
	int32_t notif = ev_create(self->dev, N, EVOBJ_SIGNALED);
	int32_t fds[] = { sem1, sync, notif, sem2 };

	ASSERT_LE(0, sem1);
	ASSERT_LE(0, sem2);
	ASSERT_LE(0, sync);
	ASSERT_LE(0, notif);
	EXPECT_EQ(0, try_wait(self->dev, true, fds, 4));
	EXPECT_EQ(1, sem_count(sem1));
	EXPECT_EQ(0, sem_count(sem2));
	EXPECT_EQ(0, ev_signaled(sync));
	EXPECT_EQ(1, ev_signaled(notif));
}

/* A wait-all that cannot complete takes no unit, and no event either. */
TEST_F(evobj, wait_all_partial_takes_nothing)
{
	int32_t sem = sem_create(self->dev, 1, 5);
	int32_t sem0 = sem_create(self->dev, 0, 5);
	int32_t sync_on = ev_create(self->dev, S, EVOBJ_SIGNALED);
	int32_t sync_off = ev_create(self->dev, S, 0);

	ASSERT_LE(0, sem);
	ASSERT_LE(0, sem0);
	ASSERT_LE(0, sync_on);
	ASSERT_LE(0, sync_off);
	{
		int32_t fds[] = { sem, sync_off };

		errno = 0;
		EXPECT_EQ(-1, try_wait(self->dev, true, fds, 2));
		EXPECT_EQ(ETIMEDOUT, errno);
		EXPECT_EQ(1, sem_count(sem));
	}
	{
		int32_t fds[] = { sync_on, sem0, sem };

		errno = 0;
		EXPECT_EQ(-1, try_wait(self->dev, true, fds, 3));
		EXPECT_EQ(ETIMEDOUT, errno);
		EXPECT_EQ(1, ev_signaled(sync_on));
		EXPECT_EQ(1, sem_count(sem));
	}
	/* And with a real timeout, blocked then timed out: still nothing. */
	{
		struct evobj_wait w;
		int32_t fds[] = { sem, sync_on, sem0 };

		w = wait_args(fds, 3, deadline_in(20 * NSEC_PER_MSEC));
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
		EXPECT_EQ(ETIMEDOUT, errno);
		EXPECT_EQ(1, sem_count(sem));
		EXPECT_EQ(1, ev_signaled(sync_on));
		EXPECT_EQ(0, fdinfo_num(sem, "waiters"));
	}
}

TEST_F(evobj, wait_all_same_semaphore_twice_einval)
{
	int32_t sem = sem_create(self->dev, 2, 5);
	int32_t fds[] = { sem, sem };

	ASSERT_LE(0, sem);
	errno = 0;
	EXPECT_EQ(-1, try_wait(self->dev, true, fds, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(2, sem_count(sem));
}

TEST_F(evobj, wait_all_completes_on_release)
{
	struct waiter w;
	int32_t fds[2];

	fds[0] = sem_create(self->dev, 0, 5);
	fds[1] = ev_create(self->dev, S, EVOBJ_SIGNALED);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	waiter_init(&w, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w, fds[0], 1));
	EXPECT_EQ(1, ev_signaled(fds[1]));
	ASSERT_EQ(0, sem_release(fds[0], 2));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	EXPECT_EQ(1, sem_count(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/*
 * A release of n with more than n waiters queued completes exactly n,
 * the first n to queue, whatever kind of wait they are in; the others
 * stay queued until the next release.
 */
TEST_F(evobj, release_completes_n_in_fifo_order)
{
	enum { K = 6, NREL = 3 };
	struct waiter w[K];
	int32_t fds[2];

	fds[0] = sem_create(self->dev, 0, 100);
	/* Wait-alls need it too: a notification event, always signaled. */
	fds[1] = ev_create(self->dev, N, EVOBJ_SIGNALED);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	for (int i = 0; i < K; i++) {
		/* any, read, all, any, read, all: each kind in both halves */
		waiter_init(&w[i], self->dev, i % 3 == 2, fds,
			    i % 3 == 2 ? 2 : 1, deadline_in(LONG_WAIT_NS));
		w[i].use_read = i % 3 == 1;
		ASSERT_TRUE(waiter_start_queued(&w[i], fds[0], i + 1));
	}
	ASSERT_EQ(0, sem_release(fds[0], NREL));
	for (int i = 0; i < NREL; i++) {
		JOIN_DONE(&w[i]);
		EXPECT_EQ(i % 3 == 1 ? (int)sizeof(uint64_t) : 0, w[i].ret)
			TH_LOG("waiter %d: %s", i, strerror(w[i].err));
	}
	/* The others stay blocked, and no unit is left for them. */
	sleep_ns(50 * NSEC_PER_MSEC);
	for (int i = NREL; i < K; i++) {
		EXPECT_FALSE(atomic_load(&w[i].done)) TH_LOG("waiter %d woke", i);
	}
	EXPECT_EQ(0, sem_count(fds[0]));
	EXPECT_EQ(K - NREL, fdinfo_num(fds[0], "waiters"));

	/* One more: exactly the next in line. */
	ASSERT_EQ(0, sem_release(fds[0], 1));
	JOIN_DONE(&w[NREL]);
	EXPECT_EQ(0, w[NREL].ret);
	sleep_ns(50 * NSEC_PER_MSEC);
	for (int i = NREL + 1; i < K; i++) {
		EXPECT_FALSE(atomic_load(&w[i].done)) TH_LOG("waiter %d woke", i);
	}
	EXPECT_EQ(0, sem_count(fds[0]));

	/* More units than waiters: all of them, and the rest stays. */
	ASSERT_EQ(0, sem_release(fds[0], 10));
	for (int i = NREL + 1; i < K; i++) {
		JOIN_DONE(&w[i]);
		EXPECT_EQ(i % 3 == 1 ? (int)sizeof(uint64_t) : 0, w[i].ret);
	}
	EXPECT_EQ(10 - (K - NREL - 1), sem_count(fds[0]));
	EXPECT_EQ(0, fdinfo_num(fds[0], "waiters"));
	EXPECT_EQ(1, ev_signaled(fds[1]));
}

/*
 * A wait-all first in the queue, held back by an unsignaled event, is
 * skipped: the release goes to the wait-any behind it. Once the event is
 * set, the wait-all takes a unit that is left over.
 */
TEST_F(evobj, release_skips_blocked_wait_all)
{
	struct waiter all, any[2];
	int32_t fds[2];

	fds[0] = sem_create(self->dev, 0, 10);
	fds[1] = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	waiter_init(&all, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&all, fds[0], 1));
	for (int i = 0; i < 2; i++) {
		waiter_init(&any[i], self->dev, false, fds, 1,
			    deadline_in(LONG_WAIT_NS));
		ASSERT_TRUE(waiter_start_queued(&any[i], fds[0], 2 + i));
	}
	/* One unit: the first wait-any, not the wait-all before it. */
	ASSERT_EQ(0, sem_release(fds[0], 1));
	JOIN_DONE(&any[0]);
	EXPECT_EQ(0, any[0].ret);
	sleep_ns(50 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&all.done));
	EXPECT_FALSE(atomic_load(&any[1].done));
	EXPECT_EQ(0, sem_count(fds[0]));
	/* Two units: the second wait-any, and one left that nobody can take. */
	ASSERT_EQ(0, sem_release(fds[0], 2));
	JOIN_DONE(&any[1]);
	EXPECT_EQ(0, any[1].ret);
	sleep_ns(50 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&all.done));
	EXPECT_EQ(1, sem_count(fds[0]));
	/* The event's set completes the wait-all, which takes the unit. */
	ASSERT_EQ(0, ev_set(fds[1]));
	JOIN_DONE(&all);
	EXPECT_EQ(0, all.ret);
	EXPECT_EQ(0, all.args.index);
	EXPECT_EQ(0, sem_count(fds[0]));
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/*
 * A pulse of the event a queued wait-all over a semaphore waits for
 * completes it (the semaphore's unit is there), and takes the unit; a
 * pulse while the semaphore is empty completes nothing and leaves the
 * wait queued.
 */
TEST_F(evobj, pulse_completes_wait_all_with_semaphore)
{
	struct waiter w;
	int32_t fds[2];

	fds[0] = ev_create(self->dev, N, 0);
	fds[1] = sem_create(self->dev, 0, 5);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	waiter_init(&w, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w, fds[1], 1));
	ASSERT_EQ(0, ev_pulse(fds[0]));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	EXPECT_EQ(1, fdinfo_num(fds[1], "waiters"));
	ASSERT_EQ(0, sem_release(fds[1], 2));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	ASSERT_EQ(0, ev_pulse(fds[0]));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(1, sem_count(fds[1]));
	EXPECT_EQ(0, ev_signaled(fds[0]));
}

/* A semaphore named both as an object and as the alert: the object wins. */
TEST_F(evobj, semaphore_object_and_alert)
{
	int32_t sem = sem_create(self->dev, 1, 5);
	struct evobj_wait w;
	struct evobj_waitset_wait ow;

	ASSERT_LE(0, sem);
	w = wait_args(&sem, 1, 0);
	w.alert = sem;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, sem_count(sem));
	ASSERT_EQ(0, sem_release(sem, 1));
	ow = one_args(0);
	ow.alert = sem;
	ASSERT_EQ(0, ioctl(sem, EVOBJ_IOC_WAIT, &ow));
	EXPECT_EQ(0, ow.index);
	EXPECT_EQ(0, sem_count(sem));
}

/* The alert may be a semaphore: its win takes a unit. */
TEST_F(evobj, alert_semaphore_takes_unit)
{
	int32_t never = ev_create(self->dev, N, 0);
	int32_t sem = sem_create(self->dev, 2, 5);
	int32_t obj = sem_create(self->dev, 1, 5);
	struct evobj_wait w;

	ASSERT_LE(0, never);
	ASSERT_LE(0, sem);
	ASSERT_LE(0, obj);
	w = wait_args(&never, 1, 0);
	w.alert = sem;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(1, w.index);
	EXPECT_EQ(1, sem_count(sem));
	/* The objects come first: a signaled object wins, the alert keeps its unit. */
	w = wait_args(&obj, 1, 0);
	w.alert = sem;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, sem_count(obj));
	EXPECT_EQ(1, sem_count(sem));
	/* A wait-all alerted by it. */
	{
		int32_t fds[] = { never, obj };

		w = wait_args(fds, 2, 0);
		w.alert = sem;
		ASSERT_EQ(0, ev_wait(self->dev, true, &w));
		EXPECT_EQ(2, w.index);
		EXPECT_EQ(0, sem_count(sem));
	}
}

/* ---- signal-and-wait ---- */

/* A semaphore as the signal releases one unit, which the wait can take. */
TEST_F(evobj, signal_and_wait_releases_one)
{
	int32_t sem = sem_create(self->dev, 0, 5);
	int32_t sync = ev_create(self->dev, S, EVOBJ_SIGNALED);
	struct evobj_wait w;

	ASSERT_LE(0, sem);
	ASSERT_LE(0, sync);
	w = wait_args(&sync, 1, 0);
	w.signal = sem;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(1, sem_count(sem));
	EXPECT_EQ(0, ev_signaled(sync));
	EXPECT_EQ(sem, w.signal);
	/* Signal and wait on the same semaphore: released, then taken. */
	w = wait_args(&sem, 1, 0);
	w.signal = sem;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(1, sem_count(sem));
	/* A wait that then times out has still released. */
	w = wait_args(&sync, 1, 0);
	w.signal = sem;
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(2, sem_count(sem));
	/* The same through EVOBJ_IOC_WAIT on an event's fd. */
	{
		struct evobj_waitset_wait ow = one_args(0);

		ASSERT_EQ(0, ev_set(sync));
		ow.signal = sem;
		ASSERT_EQ(0, ioctl(sync, EVOBJ_IOC_WAIT, &ow));
		EXPECT_EQ(0, ow.index);
		EXPECT_EQ(3, sem_count(sem));
	}
}

/* The release wakes a partner blocked on the semaphore. */
TEST_F(evobj, signal_and_wait_wakes_partner)
{
	struct waiter partner;
	int32_t sem = sem_create(self->dev, 0, 1);
	int32_t ev = ev_create(self->dev, S, 0);
	struct evobj_wait w;

	ASSERT_LE(0, sem);
	ASSERT_LE(0, ev);
	waiter_init(&partner, self->dev, false, &sem, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&partner, sem, 1));
	w = wait_args(&ev, 1, deadline_in(20 * NSEC_PER_MSEC));
	w.signal = sem;
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	JOIN_DONE(&partner);
	EXPECT_EQ(0, partner.ret);
	EXPECT_EQ(0, sem_count(sem));
}

/*
 * A semaphore signal at its maximum: EOVERFLOW before anything else, so
 * the wait takes nothing (not even what is signaled), queues nowhere,
 * and keeps its signal field.
 */
TEST_F(evobj, signal_and_wait_overflow_does_nothing)
{
	int32_t sem = sem_create(self->dev, 2, 2);
	int32_t sync = ev_create(self->dev, S, EVOBJ_SIGNALED);
	int32_t sem2 = sem_create(self->dev, 1, 5);
	int32_t fds[] = { sync, sem2 };
	struct evobj_waitset args = { .fds = (uintptr_t)fds, .count = 2 };
	int set;

	ASSERT_LE(0, sem);
	ASSERT_LE(0, sync);
	ASSERT_LE(0, sem2);
	for (int all = 0; all < 2; all++) {
		for (int blocking = 0; blocking < 2; blocking++) {
			struct evobj_wait w;

			w = wait_args(fds, 2, blocking ? EVOBJ_TIMEOUT_INFINITE : 0);
			w.signal = sem;
			errno = 0;
			EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
			EXPECT_EQ(EOVERFLOW, errno);
			EXPECT_EQ(sem, w.signal);
			EXPECT_EQ(2, sem_count(sem));
			EXPECT_EQ(1, ev_signaled(sync));
			EXPECT_EQ(1, sem_count(sem2));
		}
	}
	/* On an object's own fd and on a wait set, likewise. */
	set = ioctl(self->dev, EVOBJ_IOC_WAITSET, &args);
	ASSERT_LE(0, set);
	for (int i = 0; i < 4; i++) {
		struct evobj_waitset_wait ow = one_args(i & 1 ? EVOBJ_TIMEOUT_INFINITE : 0);
		unsigned long cmd = i < 2 ? EVOBJ_IOC_WAIT :
				    i == 2 ? EVOBJ_IOC_WAITSET_ANY : EVOBJ_IOC_WAITSET_ALL;
		int target = i == 0 ? sync : i == 1 ? sem2 : set;

		ow.signal = sem;
		errno = 0;
		EXPECT_EQ(-1, ioctl(target, cmd, &ow));
		EXPECT_EQ(EOVERFLOW, errno) TH_LOG("case %d", i);
		EXPECT_EQ(sem, ow.signal);
		EXPECT_EQ(2, sem_count(sem));
		EXPECT_EQ(1, ev_signaled(sync));
		EXPECT_EQ(1, sem_count(sem2));
	}
	EXPECT_EQ(0, fdinfo_num(sync, "waiters"));
	EXPECT_EQ(0, fdinfo_num(sem2, "waiters"));
	EXPECT_EQ(0, fdinfo_num(sem, "waiters"));
	/* Below the maximum, the same call releases and takes. */
	ASSERT_EQ(0, try_wait(self->dev, false, &sem, 1));
	{
		struct evobj_wait w = wait_args(fds, 2, 0);

		w.signal = sem;
		ASSERT_EQ(0, ev_wait(self->dev, true, &w));
		EXPECT_EQ(2, sem_count(sem));
		EXPECT_EQ(0, ev_signaled(sync));
		EXPECT_EQ(0, sem_count(sem2));
	}
}

/*
 * A semaphore signal is released before the checks made while queueing
 * (the contract's amendment): a wait-all that names an object twice
 * fails with EINVAL having released it, and forgets its signal. A wait
 * that fails the argument checks before (a bad fd) releases nothing.
 */
TEST_F(evobj, signal_and_wait_failures)
{
	int32_t sem = sem_create(self->dev, 0, 5);
	int32_t ev = ev_create(self->dev, N, EVOBJ_SIGNALED);
	int pipefd[2];

	ASSERT_LE(0, sem);
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, pipe(pipefd));
	{
		int32_t fds[] = { ev, ev };
		struct evobj_wait w = wait_args(fds, 2, 0);

		w.signal = sem;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(1, sem_count(sem));
		EXPECT_EQ(-1, w.signal);
	}
	{
		int32_t fds[] = { ev, pipefd[0] };
		struct evobj_wait w = wait_args(fds, 2, 0);

		w.signal = sem;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(1, sem_count(sem));
		EXPECT_EQ(sem, w.signal);
		fds[1] = 1000;
		while (fcntl(fds[1], F_GETFD) >= 0)
			fds[1]++;
		w.signal = sem;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(1, sem_count(sem));
		EXPECT_EQ(sem, w.signal);
	}
}

/* A signal interrupts the wait: released once, and forgotten for the retry. */
TEST_F(evobj, signal_and_wait_interrupted_releases_once)
{
	struct waiter w;
	int32_t sem = sem_create(self->dev, 0, 5);
	int32_t never = ev_create(self->dev, N, 0);

	ASSERT_LE(0, sem);
	ASSERT_LE(0, never);
	ASSERT_EQ(0, catch_signal(SIGUSR1, false));
	waiter_init(&w, self->dev, false, &never, 1, EVOBJ_TIMEOUT_INFINITE);
	w.args.signal = sem;
	ASSERT_TRUE(waiter_start_queued(&w, never, 1));
	EXPECT_EQ(1, sem_count(sem));
	ASSERT_EQ(0, pthread_kill(w.thread, SIGUSR1));
	JOIN_DONE(&w);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(EINTR, w.err);
	EXPECT_EQ(-1, w.args.signal);
	EXPECT_EQ(1, sem_count(sem));
	EXPECT_EQ(0, fdinfo_num(never, "waiters"));
}

/* ---- EVOBJ_IOC_WAIT on a semaphore's own fd ---- */

TEST_F(evobj, ioc_wait_on_semaphore)
{
	struct evobj_waitset_wait w;
	struct one_waiter ow;
	int32_t sem = sem_create(self->dev, 1, 5);
	int32_t alert = ev_create(self->dev, S, 0);

	ASSERT_LE(0, sem);
	ASSERT_LE(0, alert);
	w = one_args(0);
	ASSERT_EQ(0, ioctl(sem, EVOBJ_IOC_WAIT, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, sem_count(sem));
	w = one_args(0);
	errno = 0;
	EXPECT_EQ(-1, ioctl(sem, EVOBJ_IOC_WAIT, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	/* The alert, index 1. */
	ASSERT_EQ(0, ev_set(alert));
	w = one_args(0);
	w.alert = alert;
	ASSERT_EQ(0, ioctl(sem, EVOBJ_IOC_WAIT, &w));
	EXPECT_EQ(1, w.index);
	EXPECT_EQ(0, ev_signaled(alert));
	/* Blocked, then a release. */
	ASSERT_EQ(0, one_waiter_start(&ow, sem, deadline_in(LONG_WAIT_NS)));
	ASSERT_TRUE(wait_for_waiters(sem, 1));
	ASSERT_EQ(0, sem_release(sem, 1));
	JOIN_DONE(&ow);
	EXPECT_EQ(0, ow.ret);
	EXPECT_EQ(0, ow.args.index);
	EXPECT_EQ(0, sem_count(sem));
	/* Bad flags are EINVAL, a bad pointer EFAULT, and nothing taken. */
	ASSERT_EQ(0, sem_release(sem, 1));
	w = one_args(0);
	w.flags = 2;
	errno = 0;
	EXPECT_EQ(-1, ioctl(sem, EVOBJ_IOC_WAIT, &w));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(sem, EVOBJ_IOC_WAIT, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, sem_count(sem));
}

/* ---- wait sets ---- */

static int set_create(int dev, const int32_t *fds, uint32_t count)
{
	struct evobj_waitset args = { .fds = (uintptr_t)fds, .count = count };

	return ioctl(dev, EVOBJ_IOC_WAITSET, &args);
}

TEST_F(evobj, waitset_with_semaphores)
{
	int32_t ev = ev_create(self->dev, S, 0);
	int32_t sem1 = sem_create(self->dev, 0, 5);
	int32_t sem2 = sem_create(self->dev, 2, 5);
	int32_t fds[] = { ev, sem1, sem2 };
	struct evobj_waitset_wait w;
	int set;

	ASSERT_LE(0, ev);
	ASSERT_LE(0, sem1);
	ASSERT_LE(0, sem2);
	set = set_create(self->dev, fds, 3);
	ASSERT_LE(0, set) TH_LOG("a wait set of semaphores: %s", strerror(errno));
	EXPECT_EQ(POLLIN, poll_revents(set, POLLIN));
	w = one_args(0);
	ASSERT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ANY, &w));
	EXPECT_EQ(2, w.index);
	EXPECT_EQ(1, sem_count(sem2));
	/* A wait-all cannot complete yet, and takes nothing. */
	w = one_args(0);
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, EVOBJ_IOC_WAITSET_ALL, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(1, sem_count(sem2));
	ASSERT_EQ(0, ev_set(ev));
	ASSERT_EQ(0, sem_release(sem1, 3));
	w = one_args(0);
	ASSERT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ALL, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, ev_signaled(ev));
	EXPECT_EQ(2, sem_count(sem1));
	EXPECT_EQ(0, sem_count(sem2));
	/* Any now finds sem1 first. */
	w = one_args(0);
	ASSERT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ANY, &w));
	EXPECT_EQ(1, w.index);
	EXPECT_EQ(1, sem_count(sem1));
	ASSERT_EQ(0, try_wait(self->dev, false, &sem1, 1));
	EXPECT_EQ(0, poll_revents(set, POLLIN));
	/* The set holds the semaphores, not the fds. */
	{
		int32_t keep = dup(sem2);

		ASSERT_LE(0, keep);
		ASSERT_EQ(0, close(sem2));
		ASSERT_EQ(0, sem_release(keep, 1));
		w = one_args(0);
		ASSERT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ANY, &w));
		EXPECT_EQ(2, w.index);
		EXPECT_EQ(0, sem_count(keep));
	}
}

/* A set's wait-all over a semaphore blocks until a release completes it. */
TEST_F(evobj, waitset_all_blocks_until_release)
{
	int32_t notif = ev_create(self->dev, N, EVOBJ_SIGNALED);
	int32_t sem = sem_create(self->dev, 0, 5);
	int32_t sem2 = sem_create(self->dev, 0, 5);
	int32_t fds[] = { notif, sem, sem2 };
	struct one_waiter ow;
	struct waiter any;
	int set;

	ASSERT_LE(0, notif);
	ASSERT_LE(0, sem);
	ASSERT_LE(0, sem2);
	set = set_create(self->dev, fds, 3);
	ASSERT_LE(0, set);
	ASSERT_EQ(0, one_waiter_start_cmd(&ow, set, EVOBJ_IOC_WAITSET_ALL,
					  deadline_in(LONG_WAIT_NS)));
	ASSERT_TRUE(wait_for_waiters(sem, 1));
	/* A wait-any on sem alone behind it. */
	waiter_init(&any, self->dev, false, &sem, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&any, sem, 2));
	/* sem alone: the wait-all still needs sem2; the wait-any wins. */
	ASSERT_EQ(0, sem_release(sem, 1));
	JOIN_DONE(&any);
	EXPECT_EQ(0, any.ret);
	EXPECT_EQ(0, sem_count(sem));
	ASSERT_EQ(0, sem_release(sem, 1));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&ow.done));
	EXPECT_EQ(1, sem_count(sem));
	ASSERT_EQ(0, sem_release(sem2, 1));
	JOIN_DONE(&ow);
	EXPECT_EQ(0, ow.ret);
	EXPECT_EQ(0, ow.args.index);
	EXPECT_EQ(0, sem_count(sem));
	EXPECT_EQ(0, sem_count(sem2));
	EXPECT_EQ(1, ev_signaled(notif));
}

/* ---- named semaphores ---- */

/* EVOBJ_IOC_OPEN (obj_open_args()) with counts, mode 0600. */
static int obj_open(int dev, const char *name, uint32_t type, uint32_t flags,
		    uint32_t disposition, uint32_t count, uint32_t max,
		    int *created)
{
	return obj_open_args(dev, (struct evobj_open) {
		.name = (uintptr_t)name, .type = type, .flags = flags,
		.disposition = disposition, .mode = 0600,
		.count = count, .max = max,
	}, created);
}

#define UNAME(what) test_name((char[128]){0}, 128, "sem/", what)

TEST_F(evobj, named_create_and_open_same)
{
	const char *name = UNAME("same");
	int a, b, c, created;

	ASSERT_EQ(EVOBJ_OPEN_SIZE_VER2, sizeof(struct evobj_open));
	a = obj_open(self->dev, name, SEM, 0, EVOBJ_OPEN_ALWAYS, 2, 5, &created);
	ASSERT_LE(0, a) TH_LOG("create: %s", strerror(errno));
	EXPECT_EQ(1, created);
	EXPECT_EQ(SEM, obj_type(a));
	EXPECT_EQ(2, sem_count(a));
	EXPECT_EQ(5, sem_max(a));
	/* The existing semaphore wins: its count and max, not the caller's. */
	b = obj_open(self->dev, name, SEM, 0, EVOBJ_OPEN_ALWAYS, 0, 9, &created);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, created);
	EXPECT_EQ(2, sem_count(b));
	EXPECT_EQ(5, sem_max(b));
	c = obj_open(self->dev, name, SEM, 0, EVOBJ_OPEN_EXISTING, 0, 1, &created);
	ASSERT_LE(0, c);
	EXPECT_EQ(0, created);
	/* One object behind the fds. */
	EXPECT_EQ(2, sem_release(a, 1));
	EXPECT_EQ(3, sem_count(b));
	EXPECT_EQ(0, try_wait(self->dev, false, &c, 1));
	EXPECT_EQ(2, sem_count(a));
	errno = 0;
	EXPECT_EQ(-1, obj_open(self->dev, name, SEM, 0, EVOBJ_CREATE_NEW, 0, 1,
			       &created));
	EXPECT_EQ(EEXIST, errno);
	/* The name goes with the last fd; a later create is fresh. */
	close(a);
	close(b);
	close(c);
	a = obj_open(self->dev, name, SEM, 0, EVOBJ_OPEN_ALWAYS, 0, 1, &created);
	ASSERT_LE(0, a);
	EXPECT_EQ(1, created);
	EXPECT_EQ(0, sem_count(a));
	EXPECT_EQ(1, sem_max(a));
	close(a);
}

TEST_F(evobj, named_fd_flags)
{
	int fd = obj_open(self->dev, UNAME("flags"), SEM,
			  EVOBJ_CLOEXEC | EVOBJ_NONBLOCK, EVOBJ_CREATE_NEW, 0, 3,
			  NULL);
	uint64_t v;

	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	errno = 0;
	EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);
}

/* A name of the other kind is EMEDIUMTYPE, both ways, and opens nothing. */
TEST_F(evobj, named_kind_mismatch_emediumtype)
{
	const char *ev_name = UNAME("an-event");
	const char *sem_name = UNAME("a-semaphore");
	int ev, sem, created, free_fd;

	ev = obj_open(self->dev, ev_name, N, EVOBJ_SIGNALED, EVOBJ_CREATE_NEW,
		      0, 0, &created);
	ASSERT_LE(0, ev);
	sem = obj_open(self->dev, sem_name, SEM, 0, EVOBJ_CREATE_NEW, 1, 2,
		       &created);
	ASSERT_LE(0, sem);
	free_fd = next_fd();
	for (uint32_t disp = EVOBJ_OPEN_ALWAYS; disp <= EVOBJ_OPEN_EXISTING; disp++) {
		errno = 0;
		EXPECT_EQ(-1, obj_open(self->dev, ev_name, SEM, 0, disp, 0, 1,
				       &created));
		EXPECT_EQ(EMEDIUMTYPE, errno) TH_LOG("disposition %u", disp);
		for (uint32_t type = N; type <= S; type++) {
			errno = 0;
			EXPECT_EQ(-1, obj_open(self->dev, sem_name, type, 0, disp,
					       0, 0, &created));
			EXPECT_EQ(EMEDIUMTYPE, errno)
				TH_LOG("disposition %u type %u", disp, type);
		}
	}
	EXPECT_EQ(free_fd, next_fd()) TH_LOG("a failed open kept an fd");
	/* Both objects as they were. */
	EXPECT_EQ(N, obj_type(ev));
	EXPECT_EQ(1, ev_signaled(ev));
	EXPECT_EQ(1, sem_count(sem));
	EXPECT_EQ(2, sem_max(sem));
	/* The two event types are still one kind. */
	{
		int again = obj_open(self->dev, ev_name, S, 0, EVOBJ_OPEN_EXISTING,
				     0, 0, &created);

		ASSERT_LE(0, again);
		EXPECT_EQ(N, obj_type(again));
		close(again);
	}
	close(ev);
	close(sem);
}

/* count and max belong to semaphores: non-zero for an event is EINVAL. */
TEST_F(evobj, named_event_count_or_max_einval)
{
	static const uint32_t bad[][2] = { { 1, 0 }, { 0, 1 }, { 1, 1 },
					   { 0, SMAX }, { 0xffffffffU, 0 } };
	const char *name = UNAME("ev-count");
	const char *existing = UNAME("ev-existing");
	int fd, created;

	fd = obj_open(self->dev, existing, S, 0, EVOBJ_CREATE_NEW, 0, 0, NULL);
	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		for (uint32_t type = N; type <= S; type++) {
			errno = 0;
			EXPECT_EQ(-1, obj_open(self->dev, name, type, 0,
					       EVOBJ_OPEN_ALWAYS, bad[i][0],
					       bad[i][1], &created));
			EXPECT_EQ(EINVAL, errno) TH_LOG("count %u max %u",
							bad[i][0], bad[i][1]);
			errno = 0;
			EXPECT_EQ(-1, obj_open(self->dev, existing, type, 0,
					       EVOBJ_OPEN_ALWAYS, bad[i][0],
					       bad[i][1], &created));
			EXPECT_EQ(EINVAL, errno);
		}
	}
	/* Nothing was created by those calls. */
	errno = 0;
	EXPECT_EQ(-1, obj_open(self->dev, name, N, 0, EVOBJ_OPEN_EXISTING, 0, 0,
			       &created));
	EXPECT_EQ(ENOENT, errno);
	close(fd);
}

/* A named semaphore's count and max follow CREATE_SEMAPHORE's rules. */
TEST_F(evobj, named_semaphore_bad_count_max)
{
	static const uint32_t bad[][2] = { { 0, 0 }, { 0, SMAX + 1 },
					   { 2, 1 }, { 0xffffffffU, SMAX } };
	const char *name = UNAME("bad");
	int created;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, obj_open(self->dev, name, SEM, 0, EVOBJ_OPEN_ALWAYS,
				       bad[i][0], bad[i][1], &created));
		EXPECT_EQ(EINVAL, errno) TH_LOG("count %u max %u", bad[i][0],
						bad[i][1]);
	}
	errno = 0;
	EXPECT_EQ(-1, obj_open(self->dev, name, SEM, 0, EVOBJ_OPEN_EXISTING, 0, 1,
			       &created));
	EXPECT_EQ(ENOENT, errno);
	/* A type past the semaphore is still a bad type. */
	errno = 0;
	EXPECT_EQ(-1, obj_open(self->dev, name, SEM + 1, 0, EVOBJ_OPEN_ALWAYS,
			       0, 1, &created));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * A program built before semaphores sends a VER0-sized struct: its events
 * still work; it cannot make a semaphore (max would be 0).
 */
TEST_F(evobj, named_ver0_open_still_works)
{
	const unsigned long open_v0 = _IOC(_IOC_READ | _IOC_WRITE,
					   EVOBJ_IOC_MAGIC, 0x03,
					   EVOBJ_OPEN_SIZE_VER0);
	const char *name = UNAME("v0");
	struct evobj_open v0 = {
		.name = (uintptr_t)name, .type = S, .flags = EVOBJ_SIGNALED,
		.disposition = EVOBJ_OPEN_ALWAYS, .mode = 0600,
		.result = POISON32,
		/* past VER0's size: the kernel must not read these */
		.count = POISON32, .max = POISON32,
	};
	int a, b;

	a = ioctl(self->dev, open_v0, &v0);
	ASSERT_LE(0, a) TH_LOG("a VER0 open: %s", strerror(errno));
	EXPECT_EQ(EVOBJ_OPEN_CREATED, v0.result);
	EXPECT_EQ(S, obj_type(a));
	EXPECT_EQ(1, ev_signaled(a));
	v0.result = POISON32;
	b = ioctl(self->dev, open_v0, &v0);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, v0.result);
	EXPECT_EQ(1, ev_reset(b));
	EXPECT_EQ(0, ev_signaled(a));
	close(a);
	close(b);
	v0.name = (uintptr_t)UNAME("v0-sem");
	v0.type = SEM;
	v0.flags = 0;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, open_v0, &v0));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- fdinfo ---- */

TEST_F(evobj, fdinfo_lines)
{
	char val[300];
	struct waiter w;
	int32_t fd = sem_create(self->dev, 0, 7);
	int named;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fdinfo_str(fd, "type", val, sizeof(val)));
	EXPECT_STREQ("semaphore", val);
	EXPECT_EQ(0, fdinfo_num(fd, "count"));
	EXPECT_EQ(7, fdinfo_num(fd, "max"));
	EXPECT_EQ(0, fdinfo_num(fd, "signaled"));
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
	EXPECT_LT(0, fdinfo_num(fd, "id"));
	/* No timer and no word: lines an event has. */
	EXPECT_EQ(-1, fdinfo_str(fd, "timer", val, sizeof(val)));
	EXPECT_EQ(-1, fdinfo_str(fd, "timer_period", val, sizeof(val)));
	EXPECT_EQ(-1, fdinfo_str(fd, "word", val, sizeof(val)));
	EXPECT_EQ(-1, fdinfo_str(fd, "name", val, sizeof(val)));

	waiter_init(&w, self->dev, false, &fd, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w, fd, 1));
	ASSERT_EQ(0, sem_release(fd, 3));
	JOIN_DONE(&w);
	EXPECT_EQ(2, fdinfo_num(fd, "count"));
	EXPECT_EQ(1, fdinfo_num(fd, "signaled"));
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
	ASSERT_EQ(2, sem_release(fd, 5));
	EXPECT_EQ(7, fdinfo_num(fd, "count"));

	/* A named one shows its name; ids differ. */
	named = obj_open(self->dev, UNAME("fdinfo"), SEM, 0, EVOBJ_CREATE_NEW,
			 1, SMAX, NULL);
	ASSERT_LE(0, named);
	ASSERT_EQ(0, fdinfo_str(named, "name", val, sizeof(val)));
	EXPECT_NE(NULL, strstr(val, "/sem/fdinfo"));
	EXPECT_EQ(SMAX, fdinfo_num(named, "max"));
	EXPECT_EQ(1, fdinfo_num(named, "count"));
	EXPECT_NE(fdinfo_num(fd, "id"), fdinfo_num(named, "id"));
	close(named);
}

/* ---- stress ---- */

/*
 * Releasers put a fixed number of units into semaphore sem (max MAXC,
 * so releases meet EOVERFLOW and retry), a setter sets synchronization
 * event ev, and waiters take units in every way: wait-any on sem, on
 * [ev, sem] and [sem, ev], wait-all on [sem, always] and [sem, ev],
 * read() and EVOBJ_IOC_WAIT. Every take is attributed to what it took.
 * Exactly: units released == units taken + final count, and for the
 * event, sets returning 0 == takes + final state. No lost wake-up: once
 * the releasers are done, the waiters that want sem alone drain it to 0
 * (bounded), and every wait-any that times out is a failure.
 */
#define MAXC	8

enum { K_ANY, K_ANY_EV_FIRST, K_ANY_SEM_FIRST, K_ALL_ALWAYS, K_ALL_EV,
       K_READ, K_OWN, K_NKINDS };

struct sstress {
	int dev;
	int32_t sem, ev, always, stop;
	unsigned long units;		/* to release in all */
	atomic_ulong budget;		/* units claimed by releasers so far */
	atomic_ulong released;		/* units that releases put in */
	atomic_ulong taken;		/* units that waits took */
	atomic_ulong ev_sets0, ev_taken;
	atomic_ulong overflows, alls, failures;
	atomic_bool releasing, stopping;
};

struct sstress_waiter {
	struct sstress *s;
	int kind;
	pthread_t thread;
};

static void *sstress_releaser(void *arg)
{
	struct sstress *s = arg;
	uint32_t rnd = (uint32_t)(uintptr_t)&rnd | 1;
	unsigned long mine = 0;

	for (;;) {
		unsigned long want = 1 + next_rand(&rnd) % 3, start;
		uint64_t end = deadline_in(STALL_NS);

		start = atomic_fetch_add(&s->budget, want);
		if (start >= s->units)
			break;
		if (start + want > s->units)
			want = s->units - start;
		for (;;) {
			int64_t prev;

			if (next_rand(&rnd) & 1) {
				prev = sem_release(s->sem, want);
			} else {
				prev = write_u64(s->sem, want) == sizeof(uint64_t) ?
				       0 : -1;
			}
			if (prev >= 0) {
				if (prev + want > MAXC)
					atomic_fetch_add(&s->failures, 1);
				mine += want;
				break;
			}
			if (errno != EOVERFLOW || now_ns(CLOCK_MONOTONIC) > end) {
				atomic_fetch_add(&s->failures, 1);
				break;
			}
			atomic_fetch_add(&s->overflows, 1);
			sched_yield();
		}
	}
	atomic_fetch_add(&s->released, mine);
	return NULL;
}

static void *sstress_setter(void *arg)
{
	struct sstress *s = arg;
	unsigned long mine = 0;

	while (atomic_load(&s->releasing)) {
		int64_t prev = ev_set(s->ev);

		if (prev == 0)
			mine++;
		else if (prev != 1)
			atomic_fetch_add(&s->failures, 1);
		sleep_ns(100000);
	}
	atomic_fetch_add(&s->ev_sets0, mine);
	return NULL;
}

static void *sstress_waiter_fn(void *arg)
{
	struct sstress_waiter *sw = arg;
	struct sstress *s = sw->s;
	unsigned long units = 0, evs = 0, alls = 0;

	while (!atomic_load(&s->stopping)) {
		int32_t fds[2];
		struct evobj_wait w;
		struct evobj_waitset_wait ow;
		uint32_t count = 1;
		uint64_t v;
		int ret;

		switch (sw->kind) {
		case K_READ:
			/* The main thread releases to get it out at the end. */
			v = 0;
			if (read(s->sem, &v, sizeof(v)) != sizeof(v) || v != 1)
				atomic_fetch_add(&s->failures, 1);
			else
				units++;
			continue;
		case K_OWN:
			ow = one_args(deadline_in(STALL_NS));
			ow.alert = s->stop;
			ret = ioctl(s->sem, EVOBJ_IOC_WAIT, &ow);
			if (ret)
				atomic_fetch_add(&s->failures, 1);
			else if (ow.index == 0)
				units++;
			else if (ow.index != 1)
				atomic_fetch_add(&s->failures, 1);
			continue;
		case K_ANY:
			fds[0] = s->sem;
			break;
		case K_ANY_EV_FIRST:
			fds[0] = s->ev;
			fds[1] = s->sem;
			count = 2;
			break;
		case K_ANY_SEM_FIRST:
			fds[0] = s->sem;
			fds[1] = s->ev;
			count = 2;
			break;
		case K_ALL_ALWAYS:
			fds[0] = s->sem;
			fds[1] = s->always;
			count = 2;
			break;
		default: /* K_ALL_EV */
			fds[0] = s->sem;
			fds[1] = s->ev;
			count = 2;
			break;
		}
		w = wait_args(fds, count, deadline_in(STALL_NS));
		w.alert = s->stop;
		ret = ev_wait(s->dev, sw->kind >= K_ALL_ALWAYS, &w);
		if (ret) {
			/* Wait-anys may starve a wait-all on [sem, ev]. */
			if (sw->kind == K_ALL_EV && errno == ETIMEDOUT)
				continue;
			atomic_fetch_add(&s->failures, 1);
			continue;
		}
		if (w.index == count)
			continue;	/* the stop alert: the loop ends */
		if (w.index > count || (sw->kind >= K_ALL_ALWAYS && w.index)) {
			atomic_fetch_add(&s->failures, 1);
		} else if (sw->kind >= K_ALL_ALWAYS) {
			units++;
			alls++;
			if (sw->kind == K_ALL_EV)
				evs++;
		} else if (fds[w.index] == s->sem) {
			units++;
		} else {
			evs++;
		}
	}
	atomic_fetch_add(&s->taken, units);
	atomic_fetch_add(&s->ev_taken, evs);
	atomic_fetch_add(&s->alls, alls);
	return NULL;
}

TEST_F_TIMEOUT(evobj, stress_release_vs_waits, 600)
{
	enum { NREL = 3 };
	struct sstress s = { .dev = self->dev, .units = stress_ops() };
	struct sstress_waiter sw[K_NKINDS + 1];
	pthread_t rel[NREL], setter;
	uint64_t start = now_ns(CLOCK_MONOTONIC), end;
	unsigned long extra = 0;
	int nw = 0;

	s.sem = sem_create(self->dev, 0, MAXC);
	s.ev = ev_create(self->dev, S, 0);
	s.always = ev_create(self->dev, N, EVOBJ_SIGNALED);
	s.stop = ev_create(self->dev, N, 0);
	ASSERT_LE(0, s.sem);
	ASSERT_LE(0, s.ev);
	ASSERT_LE(0, s.always);
	ASSERT_LE(0, s.stop);
	atomic_store(&s.releasing, true);
	for (int k = 0; k < K_NKINDS; k++) {
		sw[nw] = (struct sstress_waiter){ .s = &s, .kind = k };
		ASSERT_EQ(0, pthread_create(&sw[nw].thread, NULL,
					    sstress_waiter_fn, &sw[nw]));
		nw++;
	}
	/* Two wait-alls on [sem, ev], so that they compete with each other. */
	sw[nw] = (struct sstress_waiter){ .s = &s, .kind = K_ALL_EV };
	ASSERT_EQ(0, pthread_create(&sw[nw].thread, NULL, sstress_waiter_fn,
				    &sw[nw]));
	nw++;
	ASSERT_EQ(0, pthread_create(&setter, NULL, sstress_setter, &s));
	for (int i = 0; i < NREL; i++)
		ASSERT_EQ(0, pthread_create(&rel[i], NULL, sstress_releaser, &s));
	for (int i = 0; i < NREL; i++)
		ASSERT_EQ(0, pthread_join(rel[i], NULL));
	atomic_store(&s.releasing, false);
	ASSERT_EQ(0, pthread_join(setter, NULL));

	/*
	 * No lost wake-up: the waiters on sem alone are (or soon are) in
	 * their waits, so whatever is left is taken, within a bound.
	 */
	end = deadline_in(STALL_NS);
	while (sem_count(s.sem) != 0 && now_ns(CLOCK_MONOTONIC) < end)
		sleep_ns(NSEC_PER_MSEC);
	EXPECT_EQ(0, sem_count(s.sem)) TH_LOG("units left with waiters blocked");

	/* Stop: the alert for the ioctl waiters, units for the reader. */
	atomic_store(&s.stopping, true);
	ASSERT_EQ(0, ev_set(s.stop));
	for (int i = 0; i < nw; i++) {
		end = deadline_in(STALL_NS);
		while (pthread_tryjoin_np(sw[i].thread, NULL)) {
			ASSERT_GT(end, now_ns(CLOCK_MONOTONIC))
				TH_LOG("waiter kind %d never returned", sw[i].kind);
			if (sem_release(s.sem, 1) >= 0)
				extra++;
			sleep_ns(NSEC_PER_MSEC);
		}
	}

	TH_LOG("%lu units, %lu overflows, %lu wait-alls, ev %lu sets, in %llu ms",
	       s.units, atomic_load(&s.overflows), atomic_load(&s.alls),
	       atomic_load(&s.ev_sets0),
	       (now_ns(CLOCK_MONOTONIC) - start) / NSEC_PER_MSEC);
	EXPECT_EQ(0, atomic_load(&s.failures));
	EXPECT_EQ(s.units, atomic_load(&s.released));
	EXPECT_EQ(atomic_load(&s.released) + extra,
		  atomic_load(&s.taken) + sem_count(s.sem));
	EXPECT_EQ(atomic_load(&s.ev_sets0),
		  atomic_load(&s.ev_taken) + ev_signaled(s.ev));
	/* Not vacuous: the wait-alls got through, releases hit the maximum. */
	EXPECT_LT(0, atomic_load(&s.alls));
	EXPECT_LT(0, atomic_load(&s.overflows));
}

TEST_HARNESS_MAIN
