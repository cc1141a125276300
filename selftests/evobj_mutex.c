// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: mutexes (Documentation/evobj.rst, "Mutexes").
 * Creation and its errors; UNLOCK (previous count, EINVAL for owner 0,
 * EPERM for anyone but the owner, changing nothing); KILL and the
 * abandoned flag that the next acquisition reports once with
 * EOWNERDEAD; READ_MUTEX and READ; a count at U32_MAX that satisfies
 * nobody; waits that acquire for their owner (recursion, wait-any and
 * atomic wait-all mixed with events and semaphores, the alert,
 * EVOBJ_IOC_WAIT with the 32-byte struct, wait sets); owner 0 in a wait
 * naming a mutex being EINVAL with nothing done; the FIFO order of
 * waiters of different owners; signal-and-wait unlocking first; which
 * ioctls belong to which fd; poll, read(), write(), mmap and fdinfo;
 * named mutexes through struct evobj_open's VER2 fields; and a stress
 * test with exact invariants, abandonment by a killed child included.
 */

#include <sched.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "evobj_test.h"

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION
#define SEM	EVOBJ_SEMAPHORE
#define MTX	EVOBJ_MUTEX
#define ABANDONED	EVOBJ_MUTEX_ABANDONED

/* The 24-byte struct evobj_waitset_wait, which waits with owner 0. */
#define WAIT_VER0	_IOC(_IOC_READ | _IOC_WRITE, EVOBJ_IOC_MAGIC, 0x0F, \
			     EVOBJ_WAITSET_WAIT_SIZE_VER0)
#define WAITSET_ANY_VER0 _IOC(_IOC_READ | _IOC_WRITE, EVOBJ_IOC_MAGIC, 0x0D, \
			      EVOBJ_WAITSET_WAIT_SIZE_VER0)
#define WAITSET_ALL_VER0 _IOC(_IOC_READ | _IOC_WRITE, EVOBJ_IOC_MAGIC, 0x0E, \
			      EVOBJ_WAITSET_WAIT_SIZE_VER0)

/* EVOBJ_IOC_CREATE_MUTEX with every field given; -1 with errno. */
static int mtx_create_full(int dev, uint32_t owner, uint32_t count,
			   uint32_t flags, uint32_t pad)
{
	struct evobj_mutex args = {
		.owner = owner, .count = count, .flags = flags, .pad = pad,
	};

	return ioctl(dev, EVOBJ_IOC_CREATE_MUTEX, &args);
}

static int mtx_create(int dev, uint32_t owner, uint32_t count)
{
	return mtx_create_full(dev, owner, count, 0, 0);
}

/* EVOBJ_IOC_UNLOCK for @owner: the previous count, or -1 with errno. */
static int64_t mtx_unlock(int fd, uint32_t owner)
{
	struct evobj_mutex_unlock args = { .owner = owner, .count = POISON32 };

	if (ioctl(fd, EVOBJ_IOC_UNLOCK, &args))
		return -1;
	return args.count;
}

static int mtx_kill(int fd, uint32_t owner)
{
	uint32_t arg = owner;

	return ioctl(fd, EVOBJ_IOC_KILL, &arg);
}

/* EVOBJ_IOC_READ_MUTEX, poisoned first; fails the test if it fails. */
static struct evobj_mutex_state mtx_state(int fd)
{
	struct evobj_mutex_state st = { POISON32, POISON32, POISON32, POISON32 };

	if (ioctl(fd, EVOBJ_IOC_READ_MUTEX, &st))
		st.owner = st.count = st.flags = st.pad = POISON32 - 1;
	return st;
}

/* The whole state of mutex @fd, and its signaled state by READ. */
#define CHECK_MUTEX(fd, _owner, _count, _flags) do { \
	struct evobj_mutex_state _st = mtx_state(fd); \
	EXPECT_EQ((uint32_t)(_owner), _st.owner) TH_LOG("owner of fd %d", fd); \
	EXPECT_EQ((uint32_t)(_count), _st.count) TH_LOG("count of fd %d", fd); \
	EXPECT_EQ((uint32_t)(_flags), _st.flags) TH_LOG("flags of fd %d", fd); \
	EXPECT_EQ(0, _st.pad); \
	EXPECT_EQ((_owner) == 0, ev_signaled(fd)); \
} while (0)

/*
 * A wait-any or wait-all on @fds for @owner with @timeout: the ioctl's
 * result with errno kept, the index (written on EOWNERDEAD too) in
 * *index.
 */
static int mwait_t(int dev, bool all, const int32_t *fds, uint32_t count,
		   uint32_t owner, uint64_t timeout, uint32_t *index)
{
	struct evobj_wait w = wait_args(fds, count, timeout);
	int ret;

	w.owner = owner;
	ret = ev_wait(dev, all, &w);
	if (index)
		*index = w.index;
	return ret;
}

static int mwait(int dev, bool all, const int32_t *fds, uint32_t count,
		 uint32_t owner, uint32_t *index)
{
	return mwait_t(dev, all, fds, count, owner, 0, index);
}

/* EVOBJ_IOC_WAIT on @fd itself with the 32-byte struct. */
static int mwait_one(int fd, uint32_t owner, uint64_t timeout, uint32_t *index)
{
	struct evobj_waitset_wait w = one_args(timeout);
	int ret;

	w.owner = owner;
	ret = ioctl(fd, EVOBJ_IOC_WAIT, &w);
	if (index)
		*index = w.index;
	return ret;
}

/*
 * A thread in EVOBJ_IOC_WAIT on mutex @fd, or in @cmd on a wait set,
 * for @owner, set before it starts.
 */
static int mone_waiter_start(struct one_waiter *w, int fd, unsigned long cmd,
			     uint32_t owner)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->cmd = cmd;
	w->args = one_args(deadline_in(LONG_WAIT_NS));
	w->args.owner = owner;
	w->ret = w->err = (int)POISON32;
	atomic_init(&w->done, false);
	return pthread_create(&w->thread, NULL, one_waiter_fn, w);
}

/* A waiter thread (evobj_test.h's) for @owner, queued as the @n-th on @fd. */
static bool mwaiter_start(struct waiter *w, int dev, bool all,
			  const int32_t *fds, uint32_t count, uint32_t owner,
			  int fd, long n)
{
	waiter_init(w, dev, all, fds, count, deadline_in(LONG_WAIT_NS));
	w->args.owner = owner;
	return waiter_start_queued(w, fd, n);
}

static int set_create(int dev, const int32_t *fds, uint32_t count)
{
	struct evobj_waitset args = { .fds = (uintptr_t)fds, .count = count };

	return ioctl(dev, EVOBJ_IOC_WAITSET, &args);
}

/* ---- creation ---- */

TEST_F(evobj, create_and_read)
{
	static const uint32_t cases[][2] = {	/* owner, count */
		{ 0, 0 }, { 123, 1 }, { 123, 2 }, { 1, 1 }, { UINT32_MAX, 1 },
		{ 7, UINT32_MAX - 1 }, { 7, UINT32_MAX },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct evobj_state state = { POISON32, POISON32 };
		int fd = mtx_create(self->dev, cases[i][0], cases[i][1]);

		ASSERT_LE(0, fd) TH_LOG("owner %u count %u: %s", cases[i][0],
					cases[i][1], strerror(errno));
		CHECK_MUTEX(fd, cases[i][0], cases[i][1], 0);
		ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ, &state));
		EXPECT_EQ(MTX, state.type);
		EXPECT_EQ(cases[i][0] == 0, state.signaled);
		EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
		ASSERT_EQ(0, close(fd));
	}
}

TEST_F(evobj, create_bad_args)
{
	static const uint32_t bad[][4] = {	/* owner, count, flags, pad */
		{ 123, 0, 0, 0 }, { UINT32_MAX, 0, 0, 0 },
		{ 0, 1, 0, 0 }, { 0, 2, 0, 0 }, { 0, UINT32_MAX, 0, 0 },
		{ 0, 0, EVOBJ_SIGNALED, 0 }, { 5, 1, EVOBJ_SIGNALED, 0 },
		{ 0, 0, EVOBJ_SIGNALED | EVOBJ_CLOEXEC, 0 },
		{ 0, 0, 0x8, 0 }, { 0, 0, 0x80000000U, 0 }, { 0, 0, 0xffffffffU, 0 },
		{ 0, 0, 0, 1 }, { 5, 1, 0, 0x100 }, { 0, 0, 0, 0xffffffffU },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, mtx_create_full(self->dev, bad[i][0], bad[i][1],
					      bad[i][2], bad[i][3]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("owner %u count %u flags %#x pad %#x",
						bad[i][0], bad[i][1], bad[i][2],
						bad[i][3]);
	}
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_CREATE_MUTEX, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_CREATE_MUTEX, bad_address()));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(evobj, create_fd_flags)
{
	static const uint32_t flags[] = {
		0, EVOBJ_CLOEXEC, EVOBJ_NONBLOCK, EVOBJ_CLOEXEC | EVOBJ_NONBLOCK,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(flags); i++) {
		int fd = mtx_create_full(self->dev, 9, 1, flags[i], 0);

		ASSERT_LE(0, fd);
		EXPECT_EQ(flags[i] & EVOBJ_CLOEXEC ? FD_CLOEXEC : 0,
			  fcntl(fd, F_GETFD) & FD_CLOEXEC);
		EXPECT_EQ(flags[i] & EVOBJ_NONBLOCK ? O_NONBLOCK : 0,
			  fcntl(fd, F_GETFL) & O_NONBLOCK);
		CHECK_MUTEX(fd, 9, 1, 0);
		ASSERT_EQ(0, close(fd));
	}
}

/* ---- UNLOCK, KILL, READ_MUTEX ---- */

TEST_F(evobj, unlock_counts_down)
{
	int fd = mtx_create(self->dev, 123, 2);

	ASSERT_LE(0, fd);
	/* Owner 0 is nobody: EINVAL, not EPERM. */
	errno = 0;
	EXPECT_EQ(-1, mtx_unlock(fd, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, mtx_unlock(fd, 456));
	EXPECT_EQ(EPERM, errno);
	CHECK_MUTEX(fd, 123, 2, 0);
	EXPECT_EQ(2, mtx_unlock(fd, 123));
	CHECK_MUTEX(fd, 123, 1, 0);
	errno = 0;
	EXPECT_EQ(-1, mtx_unlock(fd, 124));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, mtx_unlock(fd, 123));
	CHECK_MUTEX(fd, 0, 0, 0);
	/* Unowned: nobody may unlock it, its last owner included. */
	for (int i = 0; i < 2; i++) {
		errno = 0;
		EXPECT_EQ(-1, mtx_unlock(fd, i ? 456 : 123));
		EXPECT_EQ(EPERM, errno);
		errno = 0;
		EXPECT_EQ(-1, mtx_unlock(fd, 0));
		EXPECT_EQ(EINVAL, errno);
	}
	CHECK_MUTEX(fd, 0, 0, 0);
}

/* A bad pointer is EFAULT before anything changes, a read-only one too. */
TEST_F(evobj, unlock_bad_pointer_changes_nothing)
{
	struct evobj_mutex_unlock args = { .owner = 5, .count = 0 };
	void *ro = readonly_copy(&args, sizeof(args));
	int fd = mtx_create(self->dev, 5, 1);

	ASSERT_LE(0, fd);
	ASSERT_NE(NULL, ro);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_UNLOCK, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_UNLOCK, bad_address()));
	EXPECT_EQ(EFAULT, errno);
	CHECK_MUTEX(fd, 5, 1, 0);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_UNLOCK, ro));
	EXPECT_EQ(EFAULT, errno);
	CHECK_MUTEX(fd, 5, 1, 0);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_KILL, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_READ_MUTEX, NULL));
	EXPECT_EQ(EFAULT, errno);
	{
		struct evobj_mutex_state zero = { 0 };
		void *rost = readonly_copy(&zero, sizeof(zero));

		ASSERT_NE(NULL, rost);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_READ_MUTEX, rost));
		EXPECT_EQ(EFAULT, errno);
	}
	CHECK_MUTEX(fd, 5, 1, 0);
}

/* A wait acquires for its owner, and the owner's waits recurse. */
TEST_F(evobj, wait_acquires_and_recurses)
{
	int32_t fd = mtx_create(self->dev, 0, 0);
	uint32_t index;

	ASSERT_LE(0, fd);
	CHECK_MUTEX(fd, 0, 0, 0);
	EXPECT_EQ(0, mwait(self->dev, false, &fd, 1, 456, &index));
	EXPECT_EQ(0, index);
	CHECK_MUTEX(fd, 456, 1, 0);
	EXPECT_EQ(0, mwait(self->dev, false, &fd, 1, 456, &index));
	EXPECT_EQ(0, index);
	CHECK_MUTEX(fd, 456, 2, 0);
	EXPECT_EQ(0, mwait(self->dev, true, &fd, 1, 456, &index));
	CHECK_MUTEX(fd, 456, 3, 0);
	EXPECT_EQ(3, mtx_unlock(fd, 456));
	EXPECT_EQ(2, mtx_unlock(fd, 456));
	CHECK_MUTEX(fd, 456, 1, 0);
	/* Another owner finds it taken, with a real timeout too. */
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, &fd, 1, 123, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	errno = 0;
	EXPECT_EQ(-1, mwait_t(self->dev, true, &fd, 1, 123,
			      deadline_in(20 * NSEC_PER_MSEC), &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(fd, 456, 1, 0);
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
	EXPECT_EQ(1, mtx_unlock(fd, 456));
	EXPECT_EQ(0, mwait(self->dev, false, &fd, 1, 123, &index));
	CHECK_MUTEX(fd, 123, 1, 0);
}

TEST_F(evobj, kill_abandons)
{
	int32_t fd = mtx_create(self->dev, 456, 3);
	struct evobj_state state = { POISON32, POISON32 };
	uint32_t index;

	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, mtx_kill(fd, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, mtx_kill(fd, 123));
	EXPECT_EQ(EPERM, errno);
	CHECK_MUTEX(fd, 456, 3, 0);
	/* A recursion count goes with the owner. */
	EXPECT_EQ(0, mtx_kill(fd, 456));
	CHECK_MUTEX(fd, 0, 0, ABANDONED);
	ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ, &state));
	EXPECT_EQ(MTX, state.type);
	EXPECT_EQ(1, state.signaled);
	/* Reading, again and again, does not clear the flag. */
	CHECK_MUTEX(fd, 0, 0, ABANDONED);
	/* Unowned now: killing or unlocking for the dead owner is EPERM. */
	errno = 0;
	EXPECT_EQ(-1, mtx_kill(fd, 456));
	EXPECT_EQ(EPERM, errno);
	errno = 0;
	EXPECT_EQ(-1, mtx_unlock(fd, 456));
	EXPECT_EQ(EPERM, errno);
	CHECK_MUTEX(fd, 0, 0, ABANDONED);
	/* The next acquisition learns it, and has the mutex. */
	index = POISON32;
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, &fd, 1, 123, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(0, index);
	CHECK_MUTEX(fd, 123, 1, 0);
	/* Once: the owner's next wait is an ordinary recursion. */
	EXPECT_EQ(0, mwait(self->dev, false, &fd, 1, 123, &index));
	CHECK_MUTEX(fd, 123, 2, 0);
	/* Killed again, acquired again. */
	EXPECT_EQ(0, mtx_kill(fd, 123));
	CHECK_MUTEX(fd, 0, 0, ABANDONED);
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, &fd, 1, 123, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(0, index);
	CHECK_MUTEX(fd, 123, 1, 0);
	EXPECT_EQ(1, mtx_unlock(fd, 123));
	EXPECT_EQ(0, mwait(self->dev, false, &fd, 1, 789, &index));
	CHECK_MUTEX(fd, 789, 1, 0);
}

/* A wait that fails acquires nothing and so does not clear the flag. */
TEST_F(evobj, abandoned_stays_until_acquired)
{
	int32_t m = mtx_create(self->dev, 5, 1);
	int32_t never = ev_create(self->dev, N, 0);
	int32_t fds[] = { m, never };
	uint32_t index;

	ASSERT_LE(0, m);
	ASSERT_LE(0, never);
	ASSERT_EQ(0, mtx_kill(m, 5));
	/* A wait-all that cannot complete, a test and a blocking one. */
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, true, fds, 2, 6, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	errno = 0;
	EXPECT_EQ(-1, mwait_t(self->dev, true, fds, 2, 6,
			      deadline_in(20 * NSEC_PER_MSEC), &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(m, 0, 0, ABANDONED);
	/* Owner 0 is refused before anything happens. */
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, &m, 1, 0, &index));
	EXPECT_EQ(EINVAL, errno);
	CHECK_MUTEX(m, 0, 0, ABANDONED);
	/* EVOBJ_IOC_WAIT on the mutex's own fd reports it likewise. */
	index = POISON32;
	errno = 0;
	EXPECT_EQ(-1, mwait_one(m, 6, 0, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(0, index);
	CHECK_MUTEX(m, 6, 1, 0);
}

/* A count at U32_MAX satisfies no wait, not even its owner's. */
TEST_F(evobj, count_at_max_not_acquirable)
{
	int32_t fd = mtx_create(self->dev, 123, UINT32_MAX);
	int32_t sem = sem_create(self->dev, 1, 1);
	int32_t fds[] = { fd, sem };
	uint32_t index;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, sem);
	for (int all = 0; all < 2; all++) {
		errno = 0;
		EXPECT_EQ(-1, mwait(self->dev, all, &fd, 1, 123, &index));
		EXPECT_EQ(ETIMEDOUT, errno);
		errno = 0;
		EXPECT_EQ(-1, mwait_t(self->dev, all, &fd, 1, 123,
				      deadline_in(10 * NSEC_PER_MSEC), &index));
		EXPECT_EQ(ETIMEDOUT, errno);
		CHECK_MUTEX(fd, 123, UINT32_MAX, 0);
	}
	errno = 0;
	EXPECT_EQ(-1, mwait_one(fd, 123, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	/* A wait-all with it takes nothing; a wait-any gets the next one. */
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, true, fds, 2, 123, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(1, sem_count(sem));
	EXPECT_EQ(0, mwait(self->dev, false, fds, 2, 123, &index));
	EXPECT_EQ(1, index);
	EXPECT_EQ(0, sem_count(sem));
	CHECK_MUTEX(fd, 123, UINT32_MAX, 0);
	/* One below: one acquisition, up to the maximum, and no more. */
	EXPECT_EQ(UINT32_MAX, mtx_unlock(fd, 123));
	CHECK_MUTEX(fd, 123, UINT32_MAX - 1, 0);
	EXPECT_EQ(0, mwait(self->dev, false, &fd, 1, 123, &index));
	CHECK_MUTEX(fd, 123, UINT32_MAX, 0);
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, &fd, 1, 123, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(fd, 123, UINT32_MAX, 0);
	/* Killed at the maximum: unowned, count 0. */
	EXPECT_EQ(0, mtx_kill(fd, 123));
	CHECK_MUTEX(fd, 0, 0, ABANDONED);
}

/*
 * The owner's own wait queued while the count is at U32_MAX becomes
 * satisfiable when the owner unlocks once: that unlock must complete it,
 * as any state change completes the waits it makes satisfiable (ntsync
 * wakes its owner's waits on every unlock, not only the last).
 */
TEST_F(evobj, count_at_max_owner_woken_by_unlock)
{
	struct waiter w;
	int32_t m = mtx_create(self->dev, 7, UINT32_MAX);

	ASSERT_LE(0, m);
	ASSERT_TRUE(mwaiter_start(&w, self->dev, false, &m, 1, 7, m, 1));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	EXPECT_EQ(UINT32_MAX, mtx_unlock(m, 7));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret) TH_LOG("the owner's wait was not completed: %s",
				   strerror(w.err));
	CHECK_MUTEX(m, 7, UINT32_MAX, 0);
	EXPECT_EQ(0, fdinfo_num(m, "waiters"));
}

/* The owner's wait-all, held back by an event, recurses when it is set. */
TEST_F(evobj, owner_wait_all_recurses_on_set)
{
	struct waiter w;
	int32_t fds[2];

	fds[0] = mtx_create(self->dev, 7, 1);
	fds[1] = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	ASSERT_TRUE(mwaiter_start(&w, self->dev, true, fds, 2, 7, fds[1], 1));
	CHECK_MUTEX(fds[0], 7, 1, 0);
	ASSERT_EQ(0, ev_set(fds[1]));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	CHECK_MUTEX(fds[0], 7, 2, 0);
	EXPECT_EQ(0, ev_signaled(fds[1]));
	/* Another owner's, likewise held back, does not complete. */
	ASSERT_TRUE(mwaiter_start(&w, self->dev, true, fds, 2, 8, fds[1], 1));
	ASSERT_EQ(0, ev_set(fds[1]));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	EXPECT_EQ(1, ev_signaled(fds[1]));
	EXPECT_EQ(2, mtx_unlock(fds[0], 7));
	EXPECT_EQ(1, mtx_unlock(fds[0], 7));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	CHECK_MUTEX(fds[0], 8, 1, 0);
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/* ---- waits mixing mutexes with other objects ---- */

TEST_F(evobj, wait_any_mixed)
{
	int32_t objs[EVOBJ_MAX_WAIT + 1];
	uint32_t index;

	objs[0] = sem_create(self->dev, 2, 3);
	objs[1] = mtx_create(self->dev, 0, 0);
	ASSERT_LE(0, objs[0]);
	ASSERT_LE(0, objs[1]);
	/* The lowest index wins, and only it is taken. */
	for (int i = 1; i >= 0; i--) {
		EXPECT_EQ(0, mwait(self->dev, false, objs, 2, 123, &index));
		EXPECT_EQ(0, index);
		EXPECT_EQ(i, sem_count(objs[0]));
		CHECK_MUTEX(objs[1], 0, 0, 0);
	}
	EXPECT_EQ(0, mwait(self->dev, false, objs, 2, 123, &index));
	EXPECT_EQ(1, index);
	CHECK_MUTEX(objs[1], 123, 1, 0);
	ASSERT_EQ(0, sem_release(objs[0], 1));
	EXPECT_EQ(0, mwait(self->dev, false, objs, 2, 123, &index));
	EXPECT_EQ(0, index);
	CHECK_MUTEX(objs[1], 123, 1, 0);
	EXPECT_EQ(0, mwait(self->dev, false, objs, 2, 123, &index));
	EXPECT_EQ(1, index);
	CHECK_MUTEX(objs[1], 123, 2, 0);
	/* Another owner: nothing it may take. */
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, objs, 2, 456, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(objs[1], 123, 2, 0);
	/* Abandoned: the acquisition fails with its index. */
	ASSERT_EQ(0, mtx_kill(objs[1], 123));
	index = POISON32;
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, objs, 2, 456, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(1, index);
	CHECK_MUTEX(objs[1], 456, 1, 0);
	EXPECT_EQ(0, mwait(self->dev, false, objs, 2, 456, &index));
	EXPECT_EQ(1, index);
	CHECK_MUTEX(objs[1], 456, 2, 0);
	EXPECT_EQ(0, sem_count(objs[0]));
	/* A mutex named again and again is acquired once per wait. */
	for (int i = 2; i < EVOBJ_MAX_WAIT; i++)
		objs[i] = objs[1];
	EXPECT_EQ(0, mwait(self->dev, false, objs, EVOBJ_MAX_WAIT, 456, &index));
	EXPECT_EQ(1, index);
	CHECK_MUTEX(objs[1], 456, 3, 0);
	objs[0] = objs[1];
	EXPECT_EQ(0, mwait(self->dev, false, objs, EVOBJ_MAX_WAIT, 456, &index));
	EXPECT_EQ(0, index);
	CHECK_MUTEX(objs[1], 456, 4, 0);
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, objs, EVOBJ_MAX_WAIT, 789, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	objs[EVOBJ_MAX_WAIT] = objs[1];
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, false, objs, EVOBJ_MAX_WAIT + 1, 456, &index));
	EXPECT_EQ(EINVAL, errno);
	CHECK_MUTEX(objs[1], 456, 4, 0);
}

/* Mutexes among events: a mutex taken by another owner is not signaled. */
TEST_F(evobj, wait_any_mutex_among_events)
{
	int32_t sync = ev_create(self->dev, S, EVOBJ_SIGNALED);
	int32_t notif = ev_create(self->dev, N, EVOBJ_SIGNALED);
	int32_t m = mtx_create(self->dev, 9, 1);
	int32_t fds[3];
	uint32_t index;

	ASSERT_LE(0, sync);
	ASSERT_LE(0, notif);
	ASSERT_LE(0, m);
	fds[0] = m;
	fds[1] = sync;
	fds[2] = notif;
	EXPECT_EQ(0, mwait(self->dev, false, fds, 3, 10, &index));
	EXPECT_EQ(1, index);
	EXPECT_EQ(0, ev_signaled(sync));
	EXPECT_EQ(0, mwait(self->dev, false, fds, 3, 10, &index));
	EXPECT_EQ(2, index);
	CHECK_MUTEX(m, 9, 1, 0);
	/* Its owner gets it first, the events untouched. */
	EXPECT_EQ(0, ev_set(sync));
	EXPECT_EQ(0, mwait(self->dev, false, fds, 3, 9, &index));
	EXPECT_EQ(0, index);
	EXPECT_EQ(1, ev_signaled(sync));
	CHECK_MUTEX(m, 9, 2, 0);
}

TEST_F(evobj, wait_all_mixed)
{
	int32_t objs[2];
	uint32_t index;

	objs[0] = sem_create(self->dev, 2, 3);
	objs[1] = mtx_create(self->dev, 0, 0);
	ASSERT_LE(0, objs[0]);
	ASSERT_LE(0, objs[1]);
	EXPECT_EQ(0, mwait(self->dev, true, objs, 2, 123, &index));
	EXPECT_EQ(0, index);
	EXPECT_EQ(1, sem_count(objs[0]));
	CHECK_MUTEX(objs[1], 123, 1, 0);
	/* Another owner: nothing taken, the semaphore's unit neither. */
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, true, objs, 2, 456, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(1, sem_count(objs[0]));
	CHECK_MUTEX(objs[1], 123, 1, 0);
	EXPECT_EQ(0, mwait(self->dev, true, objs, 2, 123, &index));
	EXPECT_EQ(0, sem_count(objs[0]));
	CHECK_MUTEX(objs[1], 123, 2, 0);
	/* The semaphore empty: the owner's recursion waits too. */
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, true, objs, 2, 123, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(objs[1], 123, 2, 0);
	ASSERT_EQ(0, sem_release(objs[0], 3));
	EXPECT_EQ(0, mwait(self->dev, true, objs, 2, 123, &index));
	EXPECT_EQ(2, sem_count(objs[0]));
	CHECK_MUTEX(objs[1], 123, 3, 0);
	/* Abandoned: the wait-all completes, takes all, says EOWNERDEAD. */
	ASSERT_EQ(0, mtx_kill(objs[1], 123));
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, true, objs, 2, 123, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(1, sem_count(objs[0]));
	CHECK_MUTEX(objs[1], 123, 1, 0);
	/* Twice in a wait-all: EINVAL, nothing acquired. */
	{
		int32_t twice[] = { objs[1], objs[0], objs[1] };

		errno = 0;
		EXPECT_EQ(-1, mwait(self->dev, true, twice, 3, 123, &index));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(1, sem_count(objs[0]));
		CHECK_MUTEX(objs[1], 123, 1, 0);
	}
	/* With an event in place of the mutex, the owner matters nothing. */
	{
		int32_t ev[2] = { objs[0], ev_create(self->dev, N, EVOBJ_SIGNALED) };

		ASSERT_LE(0, ev[1]);
		EXPECT_EQ(0, mwait(self->dev, true, ev, 2, 0, &index));
		EXPECT_EQ(0, sem_count(objs[0]));
		EXPECT_EQ(1, ev_signaled(ev[1]));
	}
}

/* Two mutexes of two owners in one wait-all: both must be acquirable. */
TEST_F(evobj, wait_all_two_mutexes)
{
	int32_t fds[2];
	uint32_t index;

	fds[0] = mtx_create(self->dev, 0, 0);
	fds[1] = mtx_create(self->dev, 2, 1);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	errno = 0;
	EXPECT_EQ(-1, mwait(self->dev, true, fds, 2, 1, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(fds[0], 0, 0, 0);
	CHECK_MUTEX(fds[1], 2, 1, 0);
	EXPECT_EQ(0, mwait(self->dev, true, fds, 2, 2, &index));
	CHECK_MUTEX(fds[0], 2, 1, 0);
	CHECK_MUTEX(fds[1], 2, 2, 0);
}

/* ---- owner 0, and the size of struct evobj_waitset_wait ---- */

/*
 * A wait naming a mutex (as an object, the alert or the signal) with
 * owner 0 is EINVAL before anything happens: no object taken, no
 * signal set or released, the signal field left alone, nothing queued.
 */
TEST_F(evobj, wait_owner_zero_einval)
{
	int32_t m = mtx_create(self->dev, 0, 0);
	int32_t held = mtx_create(self->dev, 5, 1);
	int32_t sync = ev_create(self->dev, S, EVOBJ_SIGNALED);
	int32_t sig = ev_create(self->dev, S, 0);
	int32_t sem = sem_create(self->dev, 1, 5);
	int32_t sigsem = sem_create(self->dev, 0, 5);

	ASSERT_LE(0, m);
	ASSERT_LE(0, held);
	ASSERT_LE(0, sync);
	ASSERT_LE(0, sig);
	ASSERT_LE(0, sem);
	ASSERT_LE(0, sigsem);
	for (int c = 0; c < 5; c++) {
		for (int all = 0; all < 2; all++) {
			for (int blocking = 0; blocking < 2; blocking++) {
				int32_t fds[3] = { sync, sem, m };
				struct evobj_wait w;

				if (c == 1) {
					fds[0] = m;
					fds[2] = sync;
				}
				w = wait_args(fds, 3, blocking ?
					      deadline_in(LONG_WAIT_NS) : 0);
				if (c == 2) {
					fds[2] = held;	/* the alert instead */
					w.count = 2;
					w.alert = m;
				}
				if (c == 3) {
					w.count = 2;	/* the signal only */
					w.signal = held;
				}
				if (c == 4)
					w.signal = sigsem;
				else if (c < 2)
					w.signal = sig;
				errno = 0;
				EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
				EXPECT_EQ(EINVAL, errno)
					TH_LOG("case %d all %d blocking %d", c, all,
					       blocking);
				EXPECT_EQ(c == 3 ? held : c == 4 ? sigsem :
					  c < 2 ? sig : -1, w.signal);
				EXPECT_EQ(1, ev_signaled(sync));
				EXPECT_EQ(1, sem_count(sem));
				EXPECT_EQ(0, ev_signaled(sig));
				EXPECT_EQ(0, sem_count(sigsem));
				CHECK_MUTEX(m, 0, 0, 0);
				CHECK_MUTEX(held, 5, 1, 0);
			}
		}
	}
	EXPECT_EQ(0, fdinfo_num(m, "waiters"));
	EXPECT_EQ(0, fdinfo_num(sync, "waiters"));
	/* On the mutex's own fd, and with the 24-byte struct (owner 0). */
	{
		struct evobj_waitset_wait w = one_args(0);

		w.signal = sig;
		errno = 0;
		EXPECT_EQ(-1, ioctl(m, EVOBJ_IOC_WAIT, &w));
		EXPECT_EQ(EINVAL, errno);
		w.owner = 7;
		errno = 0;
		EXPECT_EQ(-1, ioctl(m, WAIT_VER0, &w));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(sig, w.signal);
		EXPECT_EQ(0, ev_signaled(sig));
		CHECK_MUTEX(m, 0, 0, 0);
		/* An event's fd with a mutex alert, 24 bytes. */
		w = one_args(0);
		w.alert = m;
		errno = 0;
		EXPECT_EQ(-1, ioctl(sync, WAIT_VER0, &w));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(1, ev_signaled(sync));
		CHECK_MUTEX(m, 0, 0, 0);
	}
	/* Without a mutex anywhere, owner 0 is fine. */
	{
		int32_t fds[] = { sync, sem };
		uint32_t index;

		EXPECT_EQ(0, mwait(self->dev, true, fds, 2, 0, &index));
		EXPECT_EQ(0, ev_signaled(sync));
		EXPECT_EQ(0, sem_count(sem));
	}
}

/* The 32-byte struct's pad must be 0; the 24-byte one still works on events. */
TEST_F(evobj, waitset_wait_sizes)
{
	int32_t m = mtx_create(self->dev, 0, 0);
	int32_t ev = ev_create(self->dev, N, EVOBJ_SIGNALED);
	int32_t fds[2];
	struct evobj_waitset_wait w;
	int set, evset;

	ASSERT_LE(0, m);
	ASSERT_LE(0, ev);
	ASSERT_EQ(EVOBJ_WAITSET_WAIT_SIZE_VER1, sizeof(struct evobj_waitset_wait));
	fds[0] = ev;
	fds[1] = m;
	set = set_create(self->dev, fds, 2);
	ASSERT_LE(0, set) TH_LOG("a wait set with a mutex: %s", strerror(errno));
	evset = set_create(self->dev, &ev, 1);
	ASSERT_LE(0, evset);
	for (int i = 0; i < 3; i++) {
		unsigned long cmd = i == 0 ? EVOBJ_IOC_WAIT :
				    i == 1 ? EVOBJ_IOC_WAITSET_ANY : EVOBJ_IOC_WAITSET_ALL;
		int target = i == 0 ? m : set;

		w = one_args(0);
		w.owner = 3;
		w.pad = 1;
		errno = 0;
		EXPECT_EQ(-1, ioctl(target, cmd, &w));
		EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %d", i);
		w.pad = 0x80000000U;
		errno = 0;
		EXPECT_EQ(-1, ioctl(target, cmd, &w));
		EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %d", i);
		CHECK_MUTEX(m, 0, 0, 0);
	}
	/* The 24-byte struct on a set with a mutex: owner 0, EINVAL. */
	w = one_args(0);
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, WAITSET_ANY_VER0, &w));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, WAITSET_ALL_VER0, &w));
	EXPECT_EQ(EINVAL, errno);
	CHECK_MUTEX(m, 0, 0, 0);
	/* And on events alone it waits as before. */
	w = one_args(0);
	ASSERT_EQ(0, ioctl(evset, WAITSET_ANY_VER0, &w));
	EXPECT_EQ(0, w.index);
	w = one_args(0);
	ASSERT_EQ(0, ioctl(ev, WAIT_VER0, &w));
	EXPECT_EQ(0, w.index);
	/* A 32-byte wait with a nonzero owner on events alone: fine. */
	w = one_args(0);
	w.owner = 77;
	ASSERT_EQ(0, ioctl(evset, EVOBJ_IOC_WAITSET_ALL, &w));
	EXPECT_EQ(0, w.index);
}

/* ---- EVOBJ_IOC_WAIT on a mutex fd, wait sets ---- */

TEST_F(evobj, ioc_wait_on_mutex)
{
	int32_t m = mtx_create(self->dev, 0, 0);
	int32_t alert = ev_create(self->dev, S, 0);
	struct evobj_waitset_wait w;
	struct one_waiter ow;
	uint32_t index;

	ASSERT_LE(0, m);
	ASSERT_LE(0, alert);
	EXPECT_EQ(0, mwait_one(m, 11, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_MUTEX(m, 11, 1, 0);
	EXPECT_EQ(0, mwait_one(m, 11, EVOBJ_TIMEOUT_INFINITE, &index));
	CHECK_MUTEX(m, 11, 2, 0);
	errno = 0;
	EXPECT_EQ(-1, mwait_one(m, 12, deadline_in(10 * NSEC_PER_MSEC), &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	/* The alert: index 1, the mutex untouched. */
	ASSERT_EQ(0, ev_set(alert));
	w = one_args(0);
	w.owner = 12;
	w.alert = alert;
	ASSERT_EQ(0, ioctl(m, EVOBJ_IOC_WAIT, &w));
	EXPECT_EQ(1, w.index);
	CHECK_MUTEX(m, 11, 2, 0);
	/* The object first: the owner's recursion beats a signaled alert. */
	ASSERT_EQ(0, ev_set(alert));
	w.owner = 11;
	w.index = POISON32;
	ASSERT_EQ(0, ioctl(m, EVOBJ_IOC_WAIT, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(1, ev_signaled(alert));
	CHECK_MUTEX(m, 11, 3, 0);
	ASSERT_EQ(1, ev_reset(alert));
	/* A blocked one, completed by the last unlock. */
	ASSERT_EQ(0, mone_waiter_start(&ow, m, EVOBJ_IOC_WAIT, 12));
	ASSERT_TRUE(wait_for_waiters(m, 1));
	EXPECT_EQ(3, mtx_unlock(m, 11));
	EXPECT_EQ(2, mtx_unlock(m, 11));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&ow.done));
	EXPECT_EQ(1, mtx_unlock(m, 11));
	JOIN_DONE(&ow);
	EXPECT_EQ(0, ow.ret);
	EXPECT_EQ(0, ow.args.index);
	CHECK_MUTEX(m, 12, 1, 0);
	EXPECT_EQ(0, fdinfo_num(m, "waiters"));
}

TEST_F(evobj, waitset_with_mutexes)
{
	int32_t fds[3];
	struct evobj_waitset_wait w;
	int set;

	fds[0] = ev_create(self->dev, S, 0);
	fds[1] = mtx_create(self->dev, 4, 1);
	fds[2] = sem_create(self->dev, 1, 2);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	ASSERT_LE(0, fds[2]);
	set = set_create(self->dev, fds, 3);
	ASSERT_LE(0, set);
	/* For owner 4 the mutex comes before the semaphore. */
	w = one_args(0);
	w.owner = 4;
	ASSERT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ANY, &w));
	EXPECT_EQ(1, w.index);
	CHECK_MUTEX(fds[1], 4, 2, 0);
	EXPECT_EQ(1, sem_count(fds[2]));
	/* For owner 5 it is not signaled. */
	w = one_args(0);
	w.owner = 5;
	ASSERT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ANY, &w));
	EXPECT_EQ(2, w.index);
	EXPECT_EQ(0, sem_count(fds[2]));
	/* Wait-all: the event too; all or nothing. */
	ASSERT_EQ(0, sem_release(fds[2], 1));
	w = one_args(0);
	w.owner = 4;
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, EVOBJ_IOC_WAITSET_ALL, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(fds[1], 4, 2, 0);
	EXPECT_EQ(1, sem_count(fds[2]));
	ASSERT_EQ(0, ev_set(fds[0]));
	w = one_args(0);
	w.owner = 5;
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, EVOBJ_IOC_WAITSET_ALL, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	w = one_args(0);
	w.owner = 4;
	ASSERT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ALL, &w));
	EXPECT_EQ(0, w.index);
	CHECK_MUTEX(fds[1], 4, 3, 0);
	EXPECT_EQ(0, sem_count(fds[2]));
	EXPECT_EQ(0, ev_signaled(fds[0]));
	/* Abandoned, through the set. */
	ASSERT_EQ(0, mtx_kill(fds[1], 4));
	w = one_args(0);
	w.owner = 6;
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, EVOBJ_IOC_WAITSET_ANY, &w));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(1, w.index);
	CHECK_MUTEX(fds[1], 6, 1, 0);
	/* The set holds the mutex, not the fd. */
	ASSERT_EQ(0, close(fds[1]));
	w = one_args(0);
	w.owner = 6;
	ASSERT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ANY, &w));
	EXPECT_EQ(1, w.index);
}

/* A mutex made through one open of /dev/evobj waits through another. */
TEST_F(evobj, mutex_from_another_open)
{
	int dev2 = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	int32_t m = mtx_create(self->dev, 0, 0);
	uint32_t index;

	ASSERT_LE(0, dev2);
	ASSERT_LE(0, m);
	EXPECT_EQ(0, mwait(dev2, false, &m, 1, 3, &index));
	CHECK_MUTEX(m, 3, 1, 0);
	close(dev2);
	EXPECT_EQ(1, mtx_unlock(m, 3));
}

/* ---- wake-ups ---- */

/* ntsync's wake_any, with our ABI: a semaphore, a mutex, events. */
TEST_F(evobj, wake_any)
{
	struct waiter w;
	int32_t objs[2];

	objs[0] = sem_create(self->dev, 0, 3);
	objs[1] = mtx_create(self->dev, 123, 1);
	ASSERT_LE(0, objs[0]);
	ASSERT_LE(0, objs[1]);
	/* The semaphore wakes owner 456. */
	ASSERT_TRUE(mwaiter_start(&w, self->dev, false, objs, 2, 456, objs[1], 1));
	ASSERT_EQ(0, sem_release(objs[0], 1));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	EXPECT_EQ(0, sem_count(objs[0]));
	/* The mutex wakes it only at its last unlock. */
	ASSERT_EQ(0, mwait(self->dev, false, &objs[1], 1, 123, NULL));
	CHECK_MUTEX(objs[1], 123, 2, 0);
	ASSERT_TRUE(mwaiter_start(&w, self->dev, false, objs, 2, 456, objs[1], 1));
	EXPECT_EQ(2, mtx_unlock(objs[1], 123));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	CHECK_MUTEX(objs[1], 123, 1, 0);
	EXPECT_EQ(1, mtx_unlock(objs[1], 123));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(1, w.args.index);
	CHECK_MUTEX(objs[1], 456, 1, 0);
	/* A kill wakes it too, with EOWNERDEAD and the index. */
	ASSERT_TRUE(mwaiter_start(&w, self->dev, false, objs, 2, 789, objs[1], 1));
	ASSERT_EQ(0, mtx_kill(objs[1], 456));
	JOIN_DONE(&w);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(EOWNERDEAD, w.err);
	EXPECT_EQ(1, w.args.index);
	CHECK_MUTEX(objs[1], 789, 1, 0);
	/* Events wake a wait whose mutex is taken. */
	{
		int32_t fds[2] = { objs[1], ev_create(self->dev, S, 0) };

		ASSERT_LE(0, fds[1]);
		ASSERT_TRUE(mwaiter_start(&w, self->dev, false, fds, 2, 456,
					  fds[1], 1));
		ASSERT_EQ(0, ev_pulse(fds[1]));
		JOIN_DONE(&w);
		EXPECT_EQ(0, w.ret);
		EXPECT_EQ(1, w.args.index);
		EXPECT_EQ(0, ev_signaled(fds[1]));
		CHECK_MUTEX(objs[1], 789, 1, 0);
	}
	/*
	 * Closing the mutex's fd while waited on: the wait holds the
	 * mutex, goes on, and times out, since nobody can unlock it now.
	 */
	waiter_init(&w, self->dev, false, &objs[1], 1,
		    deadline_in(300 * NSEC_PER_MSEC));
	w.args.owner = 456;
	ASSERT_TRUE(waiter_start_queued(&w, objs[1], 1));
	ASSERT_EQ(0, close(objs[1]));
	sleep_ns(50 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	JOIN_DONE(&w);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(ETIMEDOUT, w.err);
	EXPECT_LE(w.args.timeout, w.end_ns);
}

/* ntsync's wake_all, with our ABI. */
TEST_F(evobj, wake_all)
{
	struct waiter w;
	int32_t objs[4];
	uint32_t index;

	objs[0] = sem_create(self->dev, 0, 3);
	objs[1] = mtx_create(self->dev, 123, 1);
	objs[2] = ev_create(self->dev, N, EVOBJ_SIGNALED);
	objs[3] = ev_create(self->dev, S, EVOBJ_SIGNALED);
	for (int i = 0; i < 4; i++)
		ASSERT_LE(0, objs[i]);
	ASSERT_TRUE(mwaiter_start(&w, self->dev, true, objs, 4, 456, objs[1], 1));
	ASSERT_EQ(0, sem_release(objs[0], 1));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	EXPECT_EQ(1, sem_count(objs[0]));
	/* A wait-any gets the unit that the blocked wait-all also wants. */
	EXPECT_EQ(0, mwait(self->dev, false, &objs[0], 1, 123, &index));
	EXPECT_EQ(1, mtx_unlock(objs[1], 123));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	CHECK_MUTEX(objs[1], 0, 0, 0);
	EXPECT_EQ(1, ev_reset(objs[2]));
	ASSERT_EQ(0, sem_release(objs[0], 2));
	EXPECT_EQ(2, sem_count(objs[0]));
	EXPECT_EQ(1, ev_reset(objs[3]));
	EXPECT_EQ(0, ev_set(objs[2]));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	CHECK_MUTEX(objs[1], 0, 0, 0);
	EXPECT_EQ(0, ev_set(objs[3]));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	EXPECT_EQ(1, sem_count(objs[0]));
	CHECK_MUTEX(objs[1], 456, 1, 0);
	EXPECT_EQ(1, ev_signaled(objs[2]));
	EXPECT_EQ(0, ev_signaled(objs[3]));
	/* The mutex's unlock is the last thing a wait-all waited for. */
	ASSERT_EQ(0, ev_set(objs[3]));
	ASSERT_TRUE(mwaiter_start(&w, self->dev, true, objs, 4, 789, objs[1], 1));
	EXPECT_EQ(1, mtx_unlock(objs[1], 456));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, sem_count(objs[0]));
	CHECK_MUTEX(objs[1], 789, 1, 0);
	/* And a kill: EOWNERDEAD, everything taken. */
	ASSERT_EQ(0, sem_release(objs[0], 1));
	ASSERT_EQ(0, ev_set(objs[3]));
	ASSERT_TRUE(mwaiter_start(&w, self->dev, true, objs, 4, 456, objs[1], 1));
	ASSERT_EQ(0, mtx_kill(objs[1], 789));
	JOIN_DONE(&w);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(EOWNERDEAD, w.err);
	EXPECT_EQ(0, sem_count(objs[0]));
	EXPECT_EQ(0, ev_signaled(objs[3]));
	CHECK_MUTEX(objs[1], 456, 1, 0);
}

/*
 * When a mutex becomes unowned, the longest waiting wait it can complete
 * acquires it, then every later queued wait of that same owner: here
 * owners 2, 3, 2, 4, 3 queue; the unlock completes the first and third,
 * the next one the second and fifth, the last the fourth.
 */
TEST_F(evobj, unlock_fifo_among_owners)
{
	static const uint32_t owners[] = { 2, 3, 2, 4, 3 };
	enum { K = ARRAY_SIZE(owners) };
	struct waiter w[K];
	int32_t m = mtx_create(self->dev, 1, 1);

	ASSERT_LE(0, m);
	for (int i = 0; i < K; i++) {
		/* wait-any and wait-all alike */
		ASSERT_TRUE(mwaiter_start(&w[i], self->dev, i == 2, &m, 1,
					  owners[i], m, i + 1));
	}
	EXPECT_EQ(1, mtx_unlock(m, 1));
	JOIN_DONE(&w[0]);
	JOIN_DONE(&w[2]);
	EXPECT_EQ(0, w[0].ret);
	EXPECT_EQ(0, w[2].ret);
	CHECK_MUTEX(m, 2, 2, 0);
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w[1].done));
	EXPECT_FALSE(atomic_load(&w[3].done));
	EXPECT_FALSE(atomic_load(&w[4].done));
	EXPECT_EQ(3, fdinfo_num(m, "waiters"));
	EXPECT_EQ(2, mtx_unlock(m, 2));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w[1].done));
	EXPECT_EQ(1, mtx_unlock(m, 2));
	JOIN_DONE(&w[1]);
	JOIN_DONE(&w[4]);
	EXPECT_EQ(0, w[1].ret);
	EXPECT_EQ(0, w[4].ret);
	CHECK_MUTEX(m, 3, 2, 0);
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w[3].done));
	/* The owner's own wait does not queue behind owner 4: it recurses. */
	EXPECT_EQ(0, mwait(self->dev, false, &m, 1, 3, NULL));
	CHECK_MUTEX(m, 3, 3, 0);
	EXPECT_EQ(3, mtx_unlock(m, 3));
	EXPECT_EQ(2, mtx_unlock(m, 3));
	EXPECT_EQ(1, mtx_unlock(m, 3));
	JOIN_DONE(&w[3]);
	EXPECT_EQ(0, w[3].ret);
	CHECK_MUTEX(m, 4, 1, 0);
	EXPECT_EQ(0, fdinfo_num(m, "waiters"));
}

/* The same order when the mutex is abandoned: EOWNERDEAD goes to the first. */
TEST_F(evobj, kill_fifo_reports_once)
{
	struct waiter w[3];
	static const uint32_t owners[] = { 8, 9, 8 };
	int32_t m = mtx_create(self->dev, 1, 2);

	ASSERT_LE(0, m);
	for (int i = 0; i < 3; i++)
		ASSERT_TRUE(mwaiter_start(&w[i], self->dev, false, &m, 1,
					  owners[i], m, i + 1));
	ASSERT_EQ(0, mtx_kill(m, 1));
	JOIN_DONE(&w[0]);
	JOIN_DONE(&w[2]);
	EXPECT_EQ(-1, w[0].ret);
	EXPECT_EQ(EOWNERDEAD, w[0].err);
	EXPECT_EQ(0, w[0].args.index);
	EXPECT_EQ(0, w[2].ret) TH_LOG("the abandonment was reported twice");
	CHECK_MUTEX(m, 8, 2, 0);
	EXPECT_EQ(2, mtx_unlock(m, 8));
	EXPECT_EQ(1, mtx_unlock(m, 8));
	JOIN_DONE(&w[1]);
	EXPECT_EQ(0, w[1].ret);
	CHECK_MUTEX(m, 9, 1, 0);
}

/*
 * A wait-all first in the queue, held back by an event, is skipped: the
 * unlock goes to the wait-any behind it. Once the event is set and the
 * mutex unlocked again, the wait-all acquires it.
 */
TEST_F(evobj, unlock_skips_blocked_wait_all)
{
	struct waiter all, any;
	int32_t fds[2];

	fds[0] = mtx_create(self->dev, 1, 1);
	fds[1] = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	ASSERT_TRUE(mwaiter_start(&all, self->dev, true, fds, 2, 2, fds[0], 1));
	ASSERT_TRUE(mwaiter_start(&any, self->dev, false, fds, 1, 3, fds[0], 2));
	EXPECT_EQ(1, mtx_unlock(fds[0], 1));
	JOIN_DONE(&any);
	EXPECT_EQ(0, any.ret);
	CHECK_MUTEX(fds[0], 3, 1, 0);
	EXPECT_EQ(0, ev_set(fds[1]));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&all.done));
	EXPECT_EQ(1, ev_signaled(fds[1]));
	EXPECT_EQ(1, mtx_unlock(fds[0], 3));
	JOIN_DONE(&all);
	EXPECT_EQ(0, all.ret);
	CHECK_MUTEX(fds[0], 2, 1, 0);
	EXPECT_EQ(0, ev_signaled(fds[1]));
}

/* ---- the alert ---- */

TEST_F(evobj, alert_with_mutexes)
{
	int32_t m = mtx_create(self->dev, 1, 1);
	int32_t sem = sem_create(self->dev, 0, 2);
	int32_t ev = ev_create(self->dev, N, 0);
	int32_t fds[2] = { m, sem };
	struct waiter w;
	struct evobj_wait a;

	ASSERT_LE(0, m);
	ASSERT_LE(0, sem);
	ASSERT_LE(0, ev);
	/* ntsync's alert_any and alert_all, with a mutex among the objects. */
	for (int all = 0; all < 2; all++) {
		waiter_init(&w, self->dev, all, fds, 2, deadline_in(LONG_WAIT_NS));
		w.args.owner = 2;
		w.args.alert = ev;
		ASSERT_TRUE(waiter_start_queued(&w, m, 1));
		ASSERT_EQ(0, ev_set(ev));
		JOIN_DONE(&w);
		EXPECT_EQ(0, w.ret);
		EXPECT_EQ(2, w.args.index);
		CHECK_MUTEX(m, 1, 1, 0);
		ASSERT_EQ(1, ev_reset(ev));
	}
	/* A mutex as the alert: its win acquires it, index == count. */
	{
		int32_t other = mtx_create(self->dev, 0, 0);

		ASSERT_LE(0, other);
		a = wait_args(&sem, 1, 0);
		a.owner = 2;
		a.alert = other;
		ASSERT_EQ(0, ev_wait(self->dev, false, &a));
		EXPECT_EQ(1, a.index);
		CHECK_MUTEX(other, 2, 1, 0);
		/* Owned by 2: no alert for 3. */
		a = wait_args(&sem, 1, 0);
		a.owner = 3;
		a.alert = other;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, true, &a));
		EXPECT_EQ(ETIMEDOUT, errno);
		/* The object first; then the alert for its owner, recursing. */
		ASSERT_EQ(0, sem_release(sem, 1));
		a = wait_args(&sem, 1, 0);
		a.owner = 2;
		a.alert = other;
		ASSERT_EQ(0, ev_wait(self->dev, false, &a));
		EXPECT_EQ(0, a.index);
		CHECK_MUTEX(other, 2, 1, 0);
		a.index = POISON32;
		ASSERT_EQ(0, ev_wait(self->dev, true, &a));
		EXPECT_EQ(1, a.index);
		CHECK_MUTEX(other, 2, 2, 0);
		/* An abandoned alert: EOWNERDEAD, index == count. */
		ASSERT_EQ(0, mtx_kill(other, 2));
		a = wait_args(fds, 2, 0);
		a.owner = 3;
		a.alert = other;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, false, &a));
		EXPECT_EQ(EOWNERDEAD, errno);
		EXPECT_EQ(2, a.index);
		CHECK_MUTEX(other, 3, 1, 0);
		/* The unlock of an alert mutex wakes a blocked wait. */
		waiter_init(&w, self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
		w.args.owner = 4;
		w.args.alert = other;
		ASSERT_TRUE(waiter_start_queued(&w, other, 1));
		EXPECT_EQ(1, mtx_unlock(other, 3));
		JOIN_DONE(&w);
		EXPECT_EQ(0, w.ret);
		EXPECT_EQ(2, w.args.index);
		CHECK_MUTEX(other, 4, 1, 0);
		CHECK_MUTEX(m, 1, 1, 0);
	}
	/* One mutex as object and alert: the object wins. */
	a = wait_args(&m, 1, 0);
	a.owner = 1;
	a.alert = m;
	ASSERT_EQ(0, ev_wait(self->dev, false, &a));
	EXPECT_EQ(0, a.index);
	CHECK_MUTEX(m, 1, 2, 0);
}

/* ---- signal-and-wait ---- */

/* A mutex as the signal is unlocked for the wait's owner, first. */
TEST_F(evobj, signal_and_wait_unlocks)
{
	int32_t m = mtx_create(self->dev, 5, 2);
	int32_t sync = ev_create(self->dev, S, EVOBJ_SIGNALED);
	struct evobj_wait w;

	ASSERT_LE(0, m);
	ASSERT_LE(0, sync);
	w = wait_args(&sync, 1, 0);
	w.owner = 5;
	w.signal = m;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(m, w.signal);
	CHECK_MUTEX(m, 5, 1, 0);
	EXPECT_EQ(0, ev_signaled(sync));
	/* A wait that times out has still unlocked. */
	w = wait_args(&sync, 1, 0);
	w.owner = 5;
	w.signal = m;
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(m, 0, 0, 0);
	/* Unlock and take again: the same mutex as signal and object. */
	ASSERT_EQ(0, mwait(self->dev, false, &m, 1, 5, NULL));
	w = wait_args(&m, 1, 0);
	w.owner = 5;
	w.signal = m;
	ASSERT_EQ(0, ev_wait(self->dev, false, &w));
	CHECK_MUTEX(m, 5, 1, 0);
	/* On an event's own fd. */
	{
		struct evobj_waitset_wait ow = one_args(0);

		ASSERT_EQ(0, ev_set(sync));
		ow.owner = 5;
		ow.signal = m;
		ASSERT_EQ(0, ioctl(sync, EVOBJ_IOC_WAIT, &ow));
		EXPECT_EQ(0, ow.index);
		CHECK_MUTEX(m, 0, 0, 0);
	}
}

/*
 * The unlock comes before the wait queues: a waiter of another owner
 * queued on the mutex gets it, and the signaller's own wait on the same
 * mutex then finds it taken.
 */
TEST_F(evobj, signal_and_wait_hands_over)
{
	struct waiter other;
	int32_t m = mtx_create(self->dev, 5, 1);
	struct evobj_wait w;

	ASSERT_LE(0, m);
	ASSERT_TRUE(mwaiter_start(&other, self->dev, false, &m, 1, 6, m, 1));
	w = wait_args(&m, 1, 0);
	w.owner = 5;
	w.signal = m;
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	JOIN_DONE(&other);
	EXPECT_EQ(0, other.ret);
	CHECK_MUTEX(m, 6, 1, 0);
	/* And a blocking one gets it back when 6 unlocks. */
	{
		struct waiter back;

		ASSERT_EQ(0, mwait(self->dev, false, &m, 1, 6, NULL));
		waiter_init(&back, self->dev, false, &m, 1, deadline_in(LONG_WAIT_NS));
		back.args.owner = 5;
		back.args.signal = -1;
		ASSERT_TRUE(waiter_start_queued(&back, m, 1));
		w = wait_args(&m, 1, deadline_in(LONG_WAIT_NS));
		w.owner = 6;
		w.signal = m;	/* 2 -> 1: 6 keeps it and recurses */
		ASSERT_EQ(0, ev_wait(self->dev, false, &w));
		CHECK_MUTEX(m, 6, 2, 0);
		EXPECT_FALSE(atomic_load(&back.done));
		EXPECT_EQ(2, mtx_unlock(m, 6));
		EXPECT_EQ(1, mtx_unlock(m, 6));
		JOIN_DONE(&back);
		EXPECT_EQ(0, back.ret);
		CHECK_MUTEX(m, 5, 1, 0);
	}
}

/* EPERM, and EINVAL for owner 0, fail the call before anything happens. */
TEST_F(evobj, signal_and_wait_eperm_does_nothing)
{
	int32_t m = mtx_create(self->dev, 5, 1);
	int32_t free_m = mtx_create(self->dev, 0, 0);
	int32_t sync = ev_create(self->dev, S, EVOBJ_SIGNALED);
	int32_t sem = sem_create(self->dev, 1, 5);
	int32_t fds[] = { sync, sem };
	int set;

	ASSERT_LE(0, m);
	ASSERT_LE(0, free_m);
	ASSERT_LE(0, sync);
	ASSERT_LE(0, sem);
	set = set_create(self->dev, fds, 2);
	ASSERT_LE(0, set);
	for (int c = 0; c < 2; c++) {
		int32_t sig = c ? free_m : m;

		for (int all = 0; all < 2; all++) {
			for (int blocking = 0; blocking < 2; blocking++) {
				struct evobj_wait w;

				w = wait_args(fds, 2, blocking ?
					      EVOBJ_TIMEOUT_INFINITE : 0);
				w.owner = 6;
				w.signal = sig;
				errno = 0;
				EXPECT_EQ(-1, ev_wait(self->dev, all, &w));
				EXPECT_EQ(EPERM, errno);
				EXPECT_EQ(sig, w.signal);
				EXPECT_EQ(1, ev_signaled(sync));
				EXPECT_EQ(1, sem_count(sem));
			}
		}
		for (int i = 0; i < 4; i++) {
			struct evobj_waitset_wait ow = one_args(i & 1 ?
						EVOBJ_TIMEOUT_INFINITE : 0);
			unsigned long cmd = i < 2 ? EVOBJ_IOC_WAIT :
				i == 2 ? EVOBJ_IOC_WAITSET_ANY : EVOBJ_IOC_WAITSET_ALL;
			int target = i == 0 ? sync : i == 1 ? sem : set;

			ow.owner = 6;
			ow.signal = sig;
			errno = 0;
			EXPECT_EQ(-1, ioctl(target, cmd, &ow));
			EXPECT_EQ(EPERM, errno) TH_LOG("case %d", i);
			EXPECT_EQ(sig, ow.signal);
			EXPECT_EQ(1, ev_signaled(sync));
			EXPECT_EQ(1, sem_count(sem));
		}
	}
	CHECK_MUTEX(m, 5, 1, 0);
	CHECK_MUTEX(free_m, 0, 0, 0);
	EXPECT_EQ(0, fdinfo_num(sync, "waiters"));
	EXPECT_EQ(0, fdinfo_num(sem, "waiters"));
	/* By the owner, the same call unlocks and takes. */
	{
		struct evobj_wait w = wait_args(fds, 2, 0);

		w.owner = 5;
		w.signal = m;
		ASSERT_EQ(0, ev_wait(self->dev, true, &w));
		CHECK_MUTEX(m, 0, 0, 0);
		EXPECT_EQ(0, ev_signaled(sync));
		EXPECT_EQ(0, sem_count(sem));
	}
}

/*
 * Unlocked first, so also before the checks made while queueing: a
 * wait-all naming an object twice fails with EINVAL having unlocked,
 * and rewrites signal to -1. One that fails the argument checks (a bad
 * fd) unlocks nothing.
 */
TEST_F(evobj, signal_and_wait_failures)
{
	int32_t m = mtx_create(self->dev, 5, 3);
	int32_t ev = ev_create(self->dev, N, EVOBJ_SIGNALED);
	int pipefd[2];

	ASSERT_LE(0, m);
	ASSERT_LE(0, ev);
	ASSERT_EQ(0, pipe(pipefd));
	{
		int32_t fds[] = { ev, ev };
		struct evobj_wait w = wait_args(fds, 2, 0);

		w.owner = 5;
		w.signal = m;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, true, &w));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, w.signal);
		CHECK_MUTEX(m, 5, 2, 0);
	}
	{
		int32_t fds[] = { ev, pipefd[0] };
		struct evobj_wait w = wait_args(fds, 2, 0);

		w.owner = 5;
		w.signal = m;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(m, w.signal);
		fds[1] = 1000;
		while (fcntl(fds[1], F_GETFD) >= 0)
			fds[1]++;
		errno = 0;
		EXPECT_EQ(-1, ev_wait(self->dev, false, &w));
		EXPECT_EQ(EBADF, errno);
		EXPECT_EQ(m, w.signal);
		CHECK_MUTEX(m, 5, 2, 0);
	}
}

/* A signal interrupts the wait: unlocked once, and forgotten for the retry. */
TEST_F(evobj, signal_and_wait_interrupted_unlocks_once)
{
	struct waiter w;
	int32_t m = mtx_create(self->dev, 5, 2);
	int32_t never = ev_create(self->dev, N, 0);

	ASSERT_LE(0, m);
	ASSERT_LE(0, never);
	ASSERT_EQ(0, catch_signal(SIGUSR1, false));
	waiter_init(&w, self->dev, false, &never, 1, EVOBJ_TIMEOUT_INFINITE);
	w.args.owner = 5;
	w.args.signal = m;
	ASSERT_TRUE(waiter_start_queued(&w, never, 1));
	CHECK_MUTEX(m, 5, 1, 0);
	ASSERT_EQ(0, pthread_kill(w.thread, SIGUSR1));
	JOIN_DONE(&w);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(EINTR, w.err);
	EXPECT_EQ(-1, w.args.signal);
	CHECK_MUTEX(m, 5, 1, 0);
	/* Retried with the same argument: nothing unlocked again. */
	w.args.timeout = 0;
	errno = 0;
	EXPECT_EQ(-1, ev_wait(self->dev, false, &w.args));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_MUTEX(m, 5, 1, 0);
	/* Restarted under SA_RESTART: once, too. */
	ASSERT_EQ(0, catch_signal(SIGUSR1, true));
	waiter_init(&w, self->dev, false, &never, 1, deadline_in(300 * NSEC_PER_MSEC));
	w.args.owner = 5;
	w.args.signal = m;
	ASSERT_TRUE(waiter_start_queued(&w, never, 1));
	ASSERT_EQ(0, pthread_kill(w.thread, SIGUSR1));
	JOIN_DONE(&w);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(ETIMEDOUT, w.err);
	EXPECT_EQ(1, atomic_load(&signals_caught));
	CHECK_MUTEX(m, 0, 0, 0);
}

/* ---- which ioctl belongs to which fd ---- */

TEST_F(evobj, other_ioctls_einval_on_mutex)
{
	static const unsigned long cmds[] = {
		EVOBJ_IOC_SET, EVOBJ_IOC_RESET, EVOBJ_IOC_PULSE, EVOBJ_IOC_TIMER,
		EVOBJ_IOC_RELEASE, EVOBJ_IOC_READ_SEMAPHORE,
	};
	struct evobj_timer tm = { .expires = deadline_in(NSEC_PER_MSEC) };
	int fd = mtx_create(self->dev, 0, 0);

	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		uint64_t arg[4] = { 1, POISON64, POISON64, POISON64 };
		void *p = cmds[i] == EVOBJ_IOC_TIMER ? (void *)&tm : (void *)arg;

		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, cmds[i], p));
		EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %#lx", cmds[i]);
		if (cmds[i] != EVOBJ_IOC_TIMER) {
			errno = 0;
			EXPECT_EQ(-1, ioctl(fd, cmds[i], NULL));
			EXPECT_EQ(EINVAL, errno) TH_LOG("cmd %#lx, NULL", cmds[i]);
		}
		EXPECT_EQ(1, arg[0]);
		EXPECT_EQ(POISON64, arg[1]);
		CHECK_MUTEX(fd, 0, 0, 0);
	}
	sleep_ns(5 * NSEC_PER_MSEC);
	CHECK_MUTEX(fd, 0, 0, 0);
	EXPECT_EQ(-1, fdinfo_num(fd, "timer"));
}

TEST_F(evobj, mutex_ioctls_einval_on_event_and_semaphore)
{
	int fds[3];

	fds[0] = ev_create(self->dev, N, 0);
	fds[1] = ev_create(self->dev, S, 0);
	fds[2] = sem_create(self->dev, 0, 3);
	for (int i = 0; i < 3; i++) {
		struct evobj_mutex_unlock u = { .owner = 1, .count = POISON32 };
		struct evobj_mutex_state st = { POISON32, POISON32, POISON32,
						POISON32 };
		uint32_t owner = 1;

		ASSERT_LE(0, fds[i]);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fds[i], EVOBJ_IOC_UNLOCK, &u));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(POISON32, u.count);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fds[i], EVOBJ_IOC_KILL, &owner));
		EXPECT_EQ(EINVAL, errno);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fds[i], EVOBJ_IOC_READ_MUTEX, &st));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(POISON32, st.owner);
		EXPECT_EQ(POISON32, st.count);
		/* NULL too: the kind is checked before the argument. */
		errno = 0;
		EXPECT_EQ(-1, ioctl(fds[i], EVOBJ_IOC_UNLOCK, NULL));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0, ev_signaled(fds[i])) TH_LOG("a mutex ioctl signaled it");
	}
	EXPECT_EQ(0, sem_count(fds[2]));
}

TEST_F(evobj, mutex_ioctls_enotty_elsewhere)
{
	uint64_t arg[8] = {};
	int32_t m = mtx_create(self->dev, 0, 0);
	int set, efd, pipefd[2];

	ASSERT_LE(0, m);
	set = set_create(self->dev, &m, 1);
	ASSERT_LE(0, set);
	efd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, pipe(pipefd));
	{
		static const unsigned long mcmds[] = {
			EVOBJ_IOC_UNLOCK, EVOBJ_IOC_KILL, EVOBJ_IOC_READ_MUTEX,
		};
		int others[] = { set, self->dev, pipefd[0] };

		for (unsigned int i = 0; i < ARRAY_SIZE(mcmds); i++) {
			for (unsigned int j = 0; j < ARRAY_SIZE(others); j++) {
				errno = 0;
				EXPECT_EQ(-1, ioctl(others[j], mcmds[i], arg));
				EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx fd %d",
								mcmds[i], j);
			}
		}
	}
	{
		static const unsigned long not_mtx[] = {
			EVOBJ_IOC_CREATE, EVOBJ_IOC_WAIT_ANY, EVOBJ_IOC_WAIT_ALL,
			EVOBJ_IOC_OPEN, EVOBJ_IOC_WAITSET,
			EVOBJ_IOC_CREATE_SEMAPHORE, EVOBJ_IOC_CREATE_MUTEX,
			EVOBJ_IOC_WAITSET_ANY, EVOBJ_IOC_WAITSET_ALL,
			/* unused numbers, and a mutex ioctl of the wrong size */
			_IOWR(EVOBJ_IOC_MAGIC, 0x15, __u32),
			_IOR(EVOBJ_IOC_MAGIC, 0x1F, __u64),
			_IOWR(EVOBJ_IOC_MAGIC, 0x12, __u32),
			_IOR(EVOBJ_IOC_MAGIC, 0x14, __u64),
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(not_mtx); i++) {
			errno = 0;
			EXPECT_EQ(-1, ioctl(m, not_mtx[i], arg));
			EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", not_mtx[i]);
		}
	}
	errno = 0;
	EXPECT_EQ(-1, ioctl(efd, EVOBJ_IOC_CREATE_MUTEX, arg));
	EXPECT_EQ(ENOTTY, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(set, EVOBJ_IOC_CREATE_MUTEX, arg));
	EXPECT_EQ(ENOTTY, errno);
	CHECK_MUTEX(m, 0, 0, 0);
}

/* ---- the mutex fd as a file ---- */

TEST_F(evobj, mmap_enodev)
{
	static const int prots[] = { PROT_READ | PROT_WRITE, PROT_READ };
	int fd = mtx_create(self->dev, 0, 0);

	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(prots); i++) {
		errno = 0;
		EXPECT_EQ(MAP_FAILED, mmap(NULL, getpagesize(), prots[i],
					   MAP_SHARED, fd, 0));
		EXPECT_EQ(ENODEV, errno);
	}
	EXPECT_EQ(-1, fdinfo_num(fd, "word"));
	CHECK_MUTEX(fd, 0, 0, 0);
}

/* read() and write() carry no owner: EINVAL, owned or not, nothing done. */
TEST_F(evobj, read_write_einval)
{
	for (int owned = 0; owned < 2; owned++) {
		int fd = mtx_create_full(self->dev, owned ? 3 : 0, owned,
					 owned ? 0 : EVOBJ_NONBLOCK, 0);
		uint64_t v = POISON64, one = 1, big[2] = { POISON64, POISON64 };

		ASSERT_LE(0, fd);
		errno = 0;
		EXPECT_EQ(-1, read(fd, &v, sizeof(v)));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(POISON64, v);
		errno = 0;
		EXPECT_EQ(-1, read(fd, big, sizeof(big)));
		EXPECT_EQ(EINVAL, errno);
		errno = 0;
		EXPECT_EQ(-1, write(fd, &one, sizeof(one)));
		EXPECT_EQ(EINVAL, errno);
		errno = 0;
		EXPECT_EQ(-1, write_u64(fd, 2));
		EXPECT_EQ(EINVAL, errno);
		CHECK_MUTEX(fd, owned ? 3 : 0, owned, 0);
		close(fd);
	}
}

TEST_F(evobj, poll_epollin_iff_unowned)
{
	int fd = mtx_create(self->dev, 0, 0), ep;
	struct epoll_event e = { .events = EPOLLIN | EPOLLOUT }, out[2];

	ASSERT_LE(0, fd);
	EXPECT_EQ(POLLIN | POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
	/* Polling acquires nothing. */
	CHECK_MUTEX(fd, 0, 0, 0);
	ASSERT_EQ(0, mwait(self->dev, false, &fd, 1, 3, NULL));
	EXPECT_EQ(POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
	EXPECT_EQ(0, poll_revents(fd, POLLIN));
	ASSERT_EQ(0, mwait(self->dev, false, &fd, 1, 3, NULL));
	EXPECT_EQ(2, mtx_unlock(fd, 3));
	EXPECT_EQ(POLLOUT, poll_revents(fd, POLLIN | POLLOUT));

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	e.data.fd = fd;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
	ASSERT_EQ(1, epoll_wait(ep, out, 2, 0));
	EXPECT_EQ(EPOLLOUT, out[0].events);
	EXPECT_EQ(1, mtx_unlock(fd, 3));
	ASSERT_EQ(1, epoll_wait(ep, out, 2, 0));
	EXPECT_EQ(EPOLLIN | EPOLLOUT, out[0].events);
	EXPECT_EQ(POLLIN | POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
	/* Killed: unowned, so readable. */
	ASSERT_EQ(0, mwait(self->dev, false, &fd, 1, 4, NULL));
	EXPECT_EQ(POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
	ASSERT_EQ(0, mtx_kill(fd, 4));
	EXPECT_EQ(POLLIN | POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
	CHECK_MUTEX(fd, 0, 0, ABANDONED);
	close(ep);
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

	p->ret = poll(&pfd, 1, 3 * LONG_WAIT_NS / NSEC_PER_MSEC);
	p->revents = pfd.revents;
	atomic_store(&p->done, true);
	return NULL;
}

/* Only becoming unowned wakes a poller: the last unlock, or a kill. */
TEST_F_TIMEOUT(evobj, poll_woken_by_last_unlock, 90)
{
	struct poller p = { .revents = 0 };
	int fd = mtx_create(self->dev, 3, 2);

	ASSERT_LE(0, fd);
	for (int kill = 0; kill < 2; kill++) {
		p.fd = fd;
		p.revents = 0;
		atomic_init(&p.done, false);
		ASSERT_EQ(0, pthread_create(&p.thread, NULL, poller_fn, &p));
		sleep_ns(50 * NSEC_PER_MSEC);
		EXPECT_FALSE(atomic_load(&p.done));
		if (kill) {
			ASSERT_EQ(0, mtx_kill(fd, 3));
		} else {
			EXPECT_EQ(2, mtx_unlock(fd, 3));
			sleep_ns(50 * NSEC_PER_MSEC);
			EXPECT_FALSE(atomic_load(&p.done));
			EXPECT_EQ(1, mtx_unlock(fd, 3));
		}
		JOIN_DONE(&p);
		EXPECT_EQ(1, p.ret);
		EXPECT_EQ(POLLIN, p.revents);
		ASSERT_EQ(kill ? -1 : 0, mwait(self->dev, false, &fd, 1, 3, NULL));
		if (!kill)
			ASSERT_EQ(0, mwait(self->dev, false, &fd, 1, 3, NULL));
	}
	CHECK_MUTEX(fd, 3, 1, 0);
}

TEST_F(evobj, fdinfo_lines)
{
	char val[300];
	struct waiter w;
	int32_t fd = mtx_create(self->dev, 0, 0);
	int named;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fdinfo_str(fd, "type", val, sizeof(val)));
	EXPECT_STREQ("mutex", val);
	EXPECT_EQ(1, fdinfo_num(fd, "signaled"));
	EXPECT_EQ(0, fdinfo_num(fd, "owner"));
	EXPECT_EQ(0, fdinfo_num(fd, "count"));
	EXPECT_EQ(0, fdinfo_num(fd, "abandoned"));
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
	EXPECT_LT(0, fdinfo_num(fd, "id"));
	EXPECT_EQ(-1, fdinfo_str(fd, "timer", val, sizeof(val)));
	EXPECT_EQ(-1, fdinfo_str(fd, "word", val, sizeof(val)));
	EXPECT_EQ(-1, fdinfo_str(fd, "max", val, sizeof(val)));
	EXPECT_EQ(-1, fdinfo_str(fd, "name", val, sizeof(val)));

	ASSERT_EQ(0, mwait(self->dev, false, &fd, 1, 4000000000U, NULL));
	ASSERT_EQ(0, mwait(self->dev, false, &fd, 1, 4000000000U, NULL));
	ASSERT_EQ(0, fdinfo_str(fd, "owner", val, sizeof(val)));
	EXPECT_STREQ("4000000000", val);
	EXPECT_EQ(2, fdinfo_num(fd, "count"));
	EXPECT_EQ(0, fdinfo_num(fd, "signaled"));
	ASSERT_TRUE(mwaiter_start(&w, self->dev, false, &fd, 1, 5, fd, 1));
	EXPECT_EQ(1, fdinfo_num(fd, "waiters"));
	ASSERT_EQ(0, mtx_kill(fd, 4000000000U));
	JOIN_DONE(&w);
	EXPECT_EQ(EOWNERDEAD, w.err);
	EXPECT_EQ(5, fdinfo_num(fd, "owner"));
	EXPECT_EQ(1, fdinfo_num(fd, "count"));
	EXPECT_EQ(0, fdinfo_num(fd, "abandoned"));
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
	ASSERT_EQ(0, mtx_kill(fd, 5));
	EXPECT_EQ(1, fdinfo_num(fd, "abandoned"));
	EXPECT_EQ(0, fdinfo_num(fd, "owner"));
	EXPECT_EQ(0, fdinfo_num(fd, "count"));
	EXPECT_EQ(1, fdinfo_num(fd, "signaled"));

	{
		char name[128];
		struct evobj_open o = {
			.name = (uintptr_t)name, .type = MTX,
			.disposition = EVOBJ_CREATE_NEW, .mode = 0600,
			.owner = 9, .count = 3,
		};

		snprintf(name, sizeof(name), "evobj-test/%d/mutex/fdinfo", getpid());
		named = ioctl(self->dev, EVOBJ_IOC_OPEN, &o);
		ASSERT_LE(0, named) TH_LOG("open: %s", strerror(errno));
		ASSERT_EQ(0, fdinfo_str(named, "name", val, sizeof(val)));
		EXPECT_NE(NULL, strstr(val, "/mutex/fdinfo"));
		EXPECT_EQ(9, fdinfo_num(named, "owner"));
		EXPECT_EQ(3, fdinfo_num(named, "count"));
		EXPECT_NE(fdinfo_num(fd, "id"), fdinfo_num(named, "id"));
		close(named);
	}
}

/* ---- named mutexes ---- */

/* EVOBJ_IOC_OPEN (obj_open_args()) of a mutex or another kind, mode 0600. */
static int mopen(int dev, const char *name, uint32_t type, uint32_t disposition,
		 uint32_t owner, uint32_t count, uint32_t max, int *created)
{
	return obj_open_args(dev, (struct evobj_open) {
		.name = (uintptr_t)name, .type = type,
		.disposition = disposition, .mode = 0600,
		.count = count, .max = max, .owner = owner,
	}, created);
}

#define UNAME(what) test_name((char[128]){0}, 128, "mutex/", what)

TEST_F(evobj, named_create_and_open)
{
	const char *name = UNAME("same");
	int a, b, c, created;
	uint32_t index;

	ASSERT_EQ(EVOBJ_OPEN_SIZE_VER2, sizeof(struct evobj_open));
	a = mopen(self->dev, name, MTX, EVOBJ_OPEN_ALWAYS, 9, 2, 0, &created);
	ASSERT_LE(0, a) TH_LOG("create: %s", strerror(errno));
	EXPECT_EQ(1, created);
	EXPECT_EQ(MTX, obj_type(a));
	CHECK_MUTEX(a, 9, 2, 0);
	/* Opening the existing one acquires nothing: it keeps its state. */
	b = mopen(self->dev, name, MTX, EVOBJ_OPEN_ALWAYS, 1, 1, 0, &created);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, created);
	CHECK_MUTEX(b, 9, 2, 0);
	close(b);
	b = mopen(self->dev, name, MTX, EVOBJ_OPEN_ALWAYS, 0, 0, 0, &created);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, created);
	CHECK_MUTEX(b, 9, 2, 0);
	/* OPEN_EXISTING ignores the counts, even ones a create refuses. */
	c = mopen(self->dev, name, MTX, EVOBJ_OPEN_EXISTING, 0, 7, 3, &created);
	ASSERT_LE(0, c) TH_LOG("OPEN_EXISTING with counts: %s", strerror(errno));
	EXPECT_EQ(0, created);
	CHECK_MUTEX(c, 9, 2, 0);
	/* One mutex behind the fds. */
	ASSERT_EQ(0, mwait(self->dev, false, &c, 1, 9, &index));
	CHECK_MUTEX(a, 9, 3, 0);
	EXPECT_EQ(3, mtx_unlock(b, 9));
	EXPECT_EQ(2, mtx_unlock(a, 9));
	EXPECT_EQ(1, mtx_unlock(c, 9));
	CHECK_MUTEX(b, 0, 0, 0);
	ASSERT_EQ(0, mwait(self->dev, false, &a, 1, 10, &index));
	ASSERT_EQ(0, mtx_kill(b, 10));
	CHECK_MUTEX(c, 0, 0, ABANDONED);
	errno = 0;
	EXPECT_EQ(-1, mopen(self->dev, name, MTX, EVOBJ_CREATE_NEW, 0, 0, 0,
			    &created));
	EXPECT_EQ(EEXIST, errno);
	/* The name goes with the last fd; a later create is fresh. */
	close(a);
	close(b);
	close(c);
	a = mopen(self->dev, name, MTX, EVOBJ_OPEN_ALWAYS, 0, 0, 0, &created);
	ASSERT_LE(0, a);
	EXPECT_EQ(1, created);
	CHECK_MUTEX(a, 0, 0, 0);
	close(a);
	/* CreateMutex's bInitialOwner: owner and count 1, CREATE_NEW too. */
	a = mopen(self->dev, name, MTX, EVOBJ_CREATE_NEW, 0xfffffffeU, 1, 0,
		  &created);
	ASSERT_LE(0, a);
	EXPECT_EQ(1, created);
	CHECK_MUTEX(a, 0xfffffffeU, 1, 0);
	close(a);
}

/* A creating call's counts follow CREATE_MUTEX's rules, name or not. */
TEST_F(evobj, named_mutex_bad_counts)
{
	static const uint32_t bad[][3] = {	/* owner, count, max */
		{ 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 1, 1 },
		{ 0, UINT32_MAX, 0 }, { 5, 1, EVOBJ_SEMAPHORE_MAX },
	};
	const char *name = UNAME("bad");
	const char *existing = UNAME("bad-existing");
	int fd, created, free_fd;

	fd = mopen(self->dev, existing, MTX, EVOBJ_CREATE_NEW, 0, 0, 0, NULL);
	ASSERT_LE(0, fd);
	free_fd = next_fd();
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		for (uint32_t disp = EVOBJ_OPEN_ALWAYS; disp <= EVOBJ_CREATE_NEW;
		     disp += EVOBJ_CREATE_NEW) {
			errno = 0;
			EXPECT_EQ(-1, mopen(self->dev, name, MTX, disp, bad[i][0],
					    bad[i][1], bad[i][2], &created));
			EXPECT_EQ(EINVAL, errno) TH_LOG("owner %u count %u max %u",
							bad[i][0], bad[i][1],
							bad[i][2]);
		}
		/* An existing name does not spare the check. */
		errno = 0;
		EXPECT_EQ(-1, mopen(self->dev, existing, MTX, EVOBJ_OPEN_ALWAYS,
				    bad[i][0], bad[i][1], bad[i][2], &created));
		EXPECT_EQ(EINVAL, errno) TH_LOG("existing, owner %u count %u max %u",
						bad[i][0], bad[i][1], bad[i][2]);
	}
	/* EVOBJ_SIGNALED is an event's, as CREATE_MUTEX's unknown flag. */
	{
		struct evobj_open o = {
			.name = (uintptr_t)name, .type = MTX,
			.flags = EVOBJ_SIGNALED, .disposition = EVOBJ_OPEN_ALWAYS,
			.mode = 0600,
		};

		errno = 0;
		EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_OPEN, &o));
		EXPECT_EQ(EINVAL, errno);
		/* pad2 must be 0, whatever the disposition. */
		o.flags = 0;
		o.pad2 = 1;
		for (uint32_t disp = 0; disp <= EVOBJ_CREATE_NEW; disp++) {
			o.disposition = disp;
			o.name = (uintptr_t)(disp == EVOBJ_OPEN_EXISTING ? existing :
					     name);
			errno = 0;
			EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_OPEN, &o));
			EXPECT_EQ(EINVAL, errno) TH_LOG("pad2, disposition %u", disp);
		}
	}
	/* The other kinds pass owner 0. */
	for (uint32_t type = N; type <= SEM; type++) {
		errno = 0;
		EXPECT_EQ(-1, mopen(self->dev, name, type, EVOBJ_OPEN_ALWAYS, 1,
				    type == SEM ? 1 : 0, type == SEM ? 2 : 0,
				    &created));
		EXPECT_EQ(EINVAL, errno) TH_LOG("type %u with an owner", type);
	}
	/* A type past the mutex is still a bad type. */
	errno = 0;
	EXPECT_EQ(-1, mopen(self->dev, name, MTX + 1, EVOBJ_OPEN_ALWAYS, 0, 0, 0,
			    &created));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(free_fd, next_fd()) TH_LOG("a failed open kept an fd");
	/* Nothing was created by those calls. */
	errno = 0;
	EXPECT_EQ(-1, mopen(self->dev, name, MTX, EVOBJ_OPEN_EXISTING, 0, 0, 0,
			    &created));
	EXPECT_EQ(ENOENT, errno);
	CHECK_MUTEX(fd, 0, 0, 0);
	close(fd);
}

/* A name of another kind is EMEDIUMTYPE, every way round, and opens nothing. */
TEST_F(evobj, named_kind_mismatch_emediumtype)
{
	const char *ev_name = UNAME("an-event");
	const char *sem_name = UNAME("a-semaphore");
	const char *mtx_name = UNAME("a-mutex");
	int ev, sem, mtx, created, free_fd;

	ev = mopen(self->dev, ev_name, S, EVOBJ_CREATE_NEW, 0, 0, 0, NULL);
	sem = mopen(self->dev, sem_name, SEM, EVOBJ_CREATE_NEW, 0, 1, 2, NULL);
	mtx = mopen(self->dev, mtx_name, MTX, EVOBJ_CREATE_NEW, 4, 1, 0, NULL);
	ASSERT_LE(0, ev);
	ASSERT_LE(0, sem);
	ASSERT_LE(0, mtx);
	free_fd = next_fd();
	for (uint32_t disp = EVOBJ_OPEN_ALWAYS; disp <= EVOBJ_OPEN_EXISTING; disp++) {
		errno = 0;
		EXPECT_EQ(-1, mopen(self->dev, ev_name, MTX, disp, 0, 0, 0, &created));
		EXPECT_EQ(EMEDIUMTYPE, errno) TH_LOG("event as mutex, disp %u", disp);
		errno = 0;
		EXPECT_EQ(-1, mopen(self->dev, sem_name, MTX, disp, 3, 1, 0, &created));
		EXPECT_EQ(EMEDIUMTYPE, errno) TH_LOG("semaphore as mutex, disp %u",
						     disp);
		for (uint32_t type = N; type <= SEM; type++) {
			errno = 0;
			EXPECT_EQ(-1, mopen(self->dev, mtx_name, type, disp, 0,
					    type == SEM ? 1 : 0,
					    type == SEM ? 1 : 0, &created));
			EXPECT_EQ(EMEDIUMTYPE, errno)
				TH_LOG("mutex as type %u, disp %u", type, disp);
		}
	}
	EXPECT_EQ(free_fd, next_fd()) TH_LOG("a failed open kept an fd");
	EXPECT_EQ(0, ev_signaled(ev));
	EXPECT_EQ(1, sem_count(sem));
	CHECK_MUTEX(mtx, 4, 1, 0);
	close(ev);
	close(sem);
	close(mtx);
}

/*
 * A program built before mutexes sends the 40-byte struct: owner reads
 * as 0, so it can create only an unowned mutex, and open any.
 */
TEST_F(evobj, named_ver1_struct)
{
	const unsigned long open_v1 = _IOC(_IOC_READ | _IOC_WRITE,
					   EVOBJ_IOC_MAGIC, 0x03,
					   EVOBJ_OPEN_SIZE_VER1);
	const char *name = UNAME("v1");
	struct evobj_open v1 = {
		.name = (uintptr_t)name, .type = MTX,
		.disposition = EVOBJ_OPEN_ALWAYS, .mode = 0600,
		.result = POISON32,
		/* past VER1's size: the kernel must not read these */
		.owner = POISON32, .pad2 = POISON32,
	};
	int a, b;

	a = ioctl(self->dev, open_v1, &v1);
	ASSERT_LE(0, a) TH_LOG("a VER1 open: %s", strerror(errno));
	EXPECT_EQ(EVOBJ_OPEN_CREATED, v1.result);
	CHECK_MUTEX(a, 0, 0, 0);
	ASSERT_EQ(0, mwait(self->dev, false, &a, 1, 2, NULL));
	v1.result = POISON32;
	v1.count = 1;	/* a count without an owner */
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, open_v1, &v1));
	EXPECT_EQ(EINVAL, errno);
	v1.disposition = EVOBJ_OPEN_EXISTING;
	b = ioctl(self->dev, open_v1, &v1);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, v1.result);
	CHECK_MUTEX(b, 2, 1, 0);
	close(a);
	close(b);
	/* A larger struct from newer userspace: zeros are fine, else E2BIG. */
	{
		struct {
			struct evobj_open o;
			uint64_t more;
		} big = {
			.o = { .name = (uintptr_t)name, .type = MTX,
			       .disposition = EVOBJ_CREATE_NEW, .mode = 0600,
			       .owner = 3, .count = 1 },
		};
		const unsigned long open_big = _IOC(_IOC_READ | _IOC_WRITE,
						    EVOBJ_IOC_MAGIC, 0x03,
						    sizeof(big));

		big.more = 1;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->dev, open_big, &big));
		EXPECT_EQ(E2BIG, errno);
		big.more = 0;
		a = ioctl(self->dev, open_big, &big);
		ASSERT_LE(0, a) TH_LOG("a larger open: %s", strerror(errno));
		CHECK_MUTEX(a, 3, 1, 0);
		close(a);
	}
}

/* ---- abandonment by a process that dies ---- */

/* ---- a process's exit ---- */

/*
 * Runs @fn in a forked child, which writes one u32 (its owner id, or
 * anything) to the pipe once it holds what it should, then pauses until
 * killed. Returns the child's pid, the u32 in *word; -1 if it failed.
 */
static pid_t holding_child(void (*fn)(int dev, int32_t m, int out), int dev,
			   int32_t m, uint32_t *word)
{
	int pipefd[2];
	pid_t child;

	if (pipe(pipefd))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		close(pipefd[0]);
		fn(dev, m, pipefd[1]);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	if (read(pipefd[0], word, sizeof(*word)) != sizeof(*word)) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
	close(pipefd[0]);
	return child;
}

/* A new unowned mutex in *m, and holding_child() on it. */
static pid_t mutex_and_holder(void (*fn)(int dev, int32_t m, int out),
			      int dev, int32_t *m, uint32_t *word)
{
	*m = mtx_create(dev, 0, 0);
	if (*m < 0)
		return -1;
	return holding_child(fn, dev, *m, word);
}

static void tell(int out, uint32_t word)
{
	if (write(out, &word, sizeof(word)) != sizeof(word))
		_exit(2);
}

/* Takes @m for the child's own pid through a wait-any on the device. */
static void take_by_wait(int dev, int32_t m, int out)
{
	struct evobj_wait wa = wait_args(&m, 1, EVOBJ_TIMEOUT_INFINITE);

	wa.owner = getpid();
	if (ioctl(dev, EVOBJ_IOC_WAIT_ANY, &wa) || wa.index)
		_exit(1);
	tell(out, wa.owner);
}

/* Three times, through EVOBJ_IOC_WAIT on the mutex itself. */
static void take_thrice(int dev, int32_t m, int out)
{
	(void)dev;
	for (int i = 0; i < 3; i++)
		if (mwait_one(m, getpid(), 0, NULL))
			_exit(1);
	tell(out, getpid());
}

static pid_t kill_child(pid_t child)
{
	int status;

	if (kill(child, SIGKILL))
		return -1;
	if (waitpid(child, &status, 0) != child || !WIFSIGNALED(status))
		return -1;
	return child;
}

/*
 * A forked child acquires the mutex for its own owner id and is killed
 * holding it: its exit abandons it, and of the two waiters queued
 * meanwhile the first gets EOWNERDEAD, exactly once; the second gets it
 * cleanly when the first unlocks. Nothing is left for a manager's KILL.
 */
TEST_F(evobj, abandoned_by_killed_child)
{
	struct waiter w[2];
	int32_t m;
	uint32_t owner;
	pid_t child;

	child = mutex_and_holder(take_by_wait, self->dev, &m, &owner);
	ASSERT_LT(0, child);
	CHECK_MUTEX(m, child, 1, 0);
	for (int i = 0; i < 2; i++)
		ASSERT_TRUE(mwaiter_start(&w[i], self->dev, i, &m, 1, 100 + i, m,
					  i + 1));
	ASSERT_EQ(child, kill_child(child));
	JOIN_DONE(&w[0]);
	EXPECT_EQ(-1, w[0].ret);
	EXPECT_EQ(EOWNERDEAD, w[0].err);
	EXPECT_EQ(0, w[0].args.index);
	CHECK_MUTEX(m, 100, 1, 0);
	errno = 0;
	EXPECT_EQ(-1, mtx_kill(m, child));
	EXPECT_EQ(EPERM, errno);
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w[1].done));
	EXPECT_EQ(1, mtx_unlock(m, 100));
	JOIN_DONE(&w[1]);
	EXPECT_EQ(0, w[1].ret) TH_LOG("EOWNERDEAD twice: %s", strerror(w[1].err));
	CHECK_MUTEX(m, 101, 1, 0);
}

/*
 * Held three times and nobody waiting: the exit leaves it unowned,
 * count 0, abandoned, until a wait takes it (EOWNERDEAD) or a poll sees
 * it signaled.
 */
TEST_F(evobj, exit_abandons_recursive_hold)
{
	int32_t m;
	uint32_t owner, index = POISON32;
	pid_t child;

	child = mutex_and_holder(take_thrice, self->dev, &m, &owner);
	ASSERT_LT(0, child);
	CHECK_MUTEX(m, child, 3, 0);
	ASSERT_EQ(child, kill_child(child));
	CHECK_MUTEX(m, 0, 0, ABANDONED);
	EXPECT_EQ(POLLIN | POLLOUT, poll_revents(m, POLLIN | POLLOUT));
	EXPECT_EQ(-1, mwait(self->dev, false, &m, 1, 7, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(0, index);
	CHECK_MUTEX(m, 7, 1, 0);
}

/* Created owned, through both ioctls: held by the creating process. */
static char owned_name[128];

static void create_owned(int dev, int32_t m, int out)
{
	int32_t fd = mopen(dev, owned_name, MTX, EVOBJ_CREATE_NEW, getpid(),
			   2, 0, NULL);

	(void)m;
	if (fd < 0 || mtx_create(dev, getpid(), 1) < 0)
		_exit(1);
	tell(out, getpid());
}

TEST_F(evobj, exit_abandons_created_owned)
{
	const char *name = UNAME("created-owned");
	uint32_t owner;
	pid_t child;
	int32_t m;

	snprintf(owned_name, sizeof(owned_name), "%s", name);
	child = holding_child(create_owned, self->dev, -1, &owner);
	ASSERT_LT(0, child);
	m = mopen(self->dev, name, MTX, EVOBJ_OPEN_EXISTING, 0, 0, 0, NULL);
	ASSERT_LE(0, m);
	CHECK_MUTEX(m, child, 2, 0);
	ASSERT_EQ(child, kill_child(child));
	CHECK_MUTEX(m, 0, 0, ABANDONED);
}

/*
 * What does not abandon: a thread's exit (owner ids are not threads to
 * the kernel) and closing the mutex's fd. The process's exit still
 * does, the mutex living on meanwhile.
 */
static void *take_in_thread(void *arg)
{
	int32_t m = *(int32_t *)arg;

	if (mwait_one(m, gettid(), 0, NULL))
		return (void *)1;
	*(int32_t *)arg = gettid();
	return NULL;
}

static void take_then_let_go(int dev, int32_t m, int out)
{
	int32_t arg = m;
	pthread_t t;
	void *ret;

	(void)dev;
	if (pthread_create(&t, NULL, take_in_thread, &arg) ||
	    pthread_join(t, &ret) || ret)
		_exit(1);
	close(m);
	tell(out, arg);
}

TEST_F(evobj, thread_exit_and_close_abandon_nothing)
{
	int32_t m;
	uint32_t tid;
	pid_t child;

	child = mutex_and_holder(take_then_let_go, self->dev, &m, &tid);
	ASSERT_LT(0, child);
	EXPECT_NE((uint32_t)child, tid);
	CHECK_MUTEX(m, tid, 1, 0);
	sleep_ns(20 * NSEC_PER_MSEC);
	CHECK_MUTEX(m, tid, 1, 0);
	ASSERT_EQ(child, kill_child(child));
	CHECK_MUTEX(m, 0, 0, ABANDONED);
}

/*
 * An unlock to 0 ends the process's hold: this process takes the mutex
 * next, and the child's exit leaves it alone. A recursive acquisition
 * by another process, for the same owner id, does not move the hold:
 * the first acquirer's exit abandons the whole count.
 */
static void take_and_unlock(int dev, int32_t m, int out)
{
	(void)dev;
	if (mwait_one(m, getpid(), 0, NULL) || mtx_unlock(m, getpid()) != 1)
		_exit(1);
	tell(out, getpid());
}

TEST_F(evobj, hold_follows_acquisition_from_zero)
{
	int32_t m;
	uint32_t owner;
	pid_t child;

	child = mutex_and_holder(take_and_unlock, self->dev, &m, &owner);
	ASSERT_LT(0, child);
	CHECK_MUTEX(m, 0, 0, 0);
	ASSERT_EQ(0, mwait_one(m, 5, 0, NULL));
	ASSERT_EQ(child, kill_child(child));
	CHECK_MUTEX(m, 5, 1, 0);
	EXPECT_EQ(1, mtx_unlock(m, 5));

	child = holding_child(take_by_wait, self->dev, m, &owner);
	ASSERT_LT(0, child);
	ASSERT_EQ(0, mwait_one(m, owner, 0, NULL));
	CHECK_MUTEX(m, owner, 2, 0);
	ASSERT_EQ(child, kill_child(child));
	CHECK_MUTEX(m, 0, 0, ABANDONED);
}

/*
 * execve() gives the process a new address space: the old one's mutexes
 * are abandoned while the process lives on.
 */
static void take_and_exec(int dev, int32_t m, int out)
{
	take_by_wait(dev, m, out);
	/* Sleeps in a new image until killed. */
	execl("/bin/sh", "sh", "-c", "while :; do sleep 1; done", (char *)NULL);
	_exit(3);
}

TEST_F(evobj, exec_abandons)
{
	int32_t m;
	uint64_t until = deadline_in(10 * NSEC_PER_SEC);
	uint32_t owner;
	pid_t child;
	int status;

	if (access("/bin/sh", X_OK))
		SKIP(return, "no /bin/sh to exec");
	child = mutex_and_holder(take_and_exec, self->dev, &m, &owner);
	ASSERT_LT(0, child);
	while (!ev_signaled(m) && now_ns(CLOCK_MONOTONIC) < until)
		sleep_ns(5 * NSEC_PER_MSEC);
	EXPECT_EQ(0, waitpid(child, &status, WNOHANG)) TH_LOG("exec failed");
	CHECK_MUTEX(m, 0, 0, ABANDONED);
	EXPECT_EQ(child, kill_child(child));
}

/* ---- stress ---- */

/*
 * Threads of distinct owners acquire mutexes m0 and m1 in every way:
 * wait-any over [m0, m1, ev, sem] in a random order, wait-all over
 * [m0, m1, sem, gate] or [mi, ev], EVOBJ_IOC_WAIT on mi, sometimes
 * recursing once more with a test. ev is a synchronization event that
 * whoever takes it sets again, sem a semaphore of two units that whoever
 * takes one releases. After each acquisition: nobody else is inside
 * (a per-object holder count), READ_MUTEX says owner me and the count
 * expected; then everything is given back, UNLOCK returning the counts
 * expected. Now and then m0's holder kills it instead of unlocking: the
 * next acquisition, of whatever kind, says EOWNERDEAD, and every kill is
 * reported exactly once (or is still pending in the flag at the end).
 * No wait may time out (no lost wake-up). At the end both mutexes are
 * unowned with count 0, the semaphore holds its two units, the event is
 * signaled, and nothing is queued.
 */
#define MSTRESS_THREADS	4
#define SEM_UNITS	2

struct mstress {
	int dev;
	int32_t m[2], ev, sem, gate;
	unsigned long ops;		/* acquisitions per thread */
	atomic_int inside[2];		/* holders of m0, m1 */
	atomic_int ev_inside, sem_inside;
	atomic_ulong acquired[2];
	atomic_ulong kills, ownerdead;	/* of m0, which holders abandon */
	atomic_bool failed;
	char why[256];
	pthread_mutex_t why_lock;
};

struct mstress_thread {
	pthread_t thread;
	struct mstress *s;
	uint32_t owner;
	uint32_t rng;
};

static void __attribute__((format(printf, 2, 3)))
mstress_fail(struct mstress *s, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->why_lock);
	if (!atomic_load(&s->failed)) {
		va_start(ap, fmt);
		vsnprintf(s->why, sizeof(s->why), fmt, ap);
		va_end(ap);
		atomic_store(&s->failed, true);
	}
	pthread_mutex_unlock(&s->why_lock);
}

/* Mutex @i is mine, for the @count-th time; nobody else is inside. */
static bool mstress_enter(struct mstress_thread *t, int i, uint32_t count)
{
	struct mstress *s = t->s;
	struct evobj_mutex_state st = mtx_state(s->m[i]);

	if (count == 1 && atomic_fetch_add(&s->inside[i], 1) != 0) {
		mstress_fail(s, "owner %u acquired m%d while another held it",
			     t->owner, i);
		return false;
	}
	if (st.owner != t->owner || st.count != count || st.flags) {
		mstress_fail(s, "owner %u acquired m%d, READ_MUTEX says owner %u count %u flags %#x (count %u expected)",
			     t->owner, i, st.owner, st.count, st.flags, count);
		return false;
	}
	atomic_fetch_add(&s->acquired[i], 1);
	return true;
}

static bool mstress_leave(struct mstress_thread *t, int i, uint32_t count)
{
	struct mstress *s = t->s;
	int64_t prev;

	if (count == 1)
		atomic_fetch_sub(&s->inside[i], 1);
	prev = mtx_unlock(s->m[i], t->owner);
	if (prev != count) {
		mstress_fail(s, "owner %u's unlock of m%d returned %lld (%s), count %u expected",
			     t->owner, i, (long long)prev,
			     prev < 0 ? strerror(errno) : "", count);
		return false;
	}
	return true;
}

static bool mstress_take_ev(struct mstress_thread *t)
{
	if (atomic_fetch_add(&t->s->ev_inside, 1) != 0) {
		mstress_fail(t->s, "owner %u took ev while another held it", t->owner);
		return false;
	}
	return true;
}

static bool mstress_give_ev(struct mstress_thread *t)
{
	atomic_fetch_sub(&t->s->ev_inside, 1);
	if (ev_set(t->s->ev) != 0) {
		mstress_fail(t->s, "owner %u: ev was signaled while held", t->owner);
		return false;
	}
	return true;
}

static bool mstress_take_sem(struct mstress_thread *t)
{
	if (atomic_fetch_add(&t->s->sem_inside, 1) >= SEM_UNITS) {
		mstress_fail(t->s, "owner %u took a unit beyond the %d", t->owner,
			     SEM_UNITS);
		return false;
	}
	return true;
}

static bool mstress_give_sem(struct mstress_thread *t)
{
	atomic_fetch_sub(&t->s->sem_inside, 1);
	if (sem_release(t->s->sem, 1) < 0) {
		mstress_fail(t->s, "owner %u: release: %s", t->owner, strerror(errno));
		return false;
	}
	return true;
}

/* Holds mutex @i once; maybe recurses with a test, then gives it back. */
static bool mstress_hold(struct mstress_thread *t, int i)
{
	struct mstress *s = t->s;
	bool twice = next_rand(&t->rng) % 4 == 0;
	uint32_t index;

	if (!mstress_enter(t, i, 1))
		return false;
	if (twice) {
		if (mwait(s->dev, next_rand(&t->rng) & 1, &s->m[i], 1, t->owner,
			  &index)) {
			mstress_fail(s, "owner %u's recursion on m%d: %s", t->owner,
				     i, strerror(errno));
			return false;
		}
		if (!mstress_enter(t, i, 2) || !mstress_leave(t, i, 2))
			return false;
	}
	if (next_rand(&t->rng) % 8 == 0)
		sched_yield();
	/* Now and then m0's holder dies: the next acquirer learns it. */
	if (i == 0 && next_rand(&t->rng) % 16 == 0) {
		atomic_fetch_sub(&s->inside[0], 1);
		if (mtx_kill(s->m[0], t->owner)) {
			mstress_fail(s, "owner %u's kill of m0: %s", t->owner,
				     strerror(errno));
			return false;
		}
		atomic_fetch_add(&s->kills, 1);
		return true;
	}
	return mstress_leave(t, i, 1);
}

/*
 * A wait's result: 0, or EOWNERDEAD, which only an acquisition of m0
 * (the one mutex that is abandoned) may report; counted, then as 0.
 */
static int mstress_result(struct mstress_thread *t, int ret, bool m0)
{
	if (ret && errno == EOWNERDEAD) {
		if (!m0) {
			mstress_fail(t->s, "owner %u: EOWNERDEAD without m0", t->owner);
			return ret;
		}
		atomic_fetch_add(&t->s->ownerdead, 1);
		return 0;
	}
	return ret;
}

static void *mstress_fn(void *arg)
{
	struct mstress_thread *t = arg;
	struct mstress *s = t->s;

	for (unsigned long n = 0; n < s->ops && !atomic_load(&s->failed); n++) {
		uint32_t r = next_rand(&t->rng) % 4, index = POISON32;
		int32_t fds[4];
		int ret;

		switch (r) {
		case 0: {	/* wait-any over all four, shuffled */
			int32_t objs[4] = { s->m[0], s->m[1], s->ev, s->sem };

			for (int i = 3; i > 0; i--) {
				int j = next_rand(&t->rng) % (i + 1);
				int32_t x = objs[i];

				objs[i] = objs[j];
				objs[j] = x;
			}
			memcpy(fds, objs, sizeof(objs));
			ret = mwait_t(s->dev, false, fds, 4, t->owner,
				      deadline_in(LONG_WAIT_NS), &index);
			ret = mstress_result(t, ret, index < 4 && fds[index] == s->m[0]);
			if (ret || index > 3)
				break;
			if (fds[index] == s->ev) {
				if (!mstress_take_ev(t) || !mstress_give_ev(t))
					return NULL;
			} else if (fds[index] == s->sem) {
				if (!mstress_take_sem(t) || !mstress_give_sem(t))
					return NULL;
			} else if (!mstress_hold(t, fds[index] == s->m[1])) {
				return NULL;
			}
			continue;
		}
		case 1:		/* wait-all over both mutexes, a unit, the gate */
			fds[0] = s->m[0];
			fds[1] = s->sem;
			fds[2] = s->m[1];
			fds[3] = s->gate;
			ret = mwait_t(s->dev, true, fds, 4, t->owner,
				      deadline_in(LONG_WAIT_NS), &index);
			ret = mstress_result(t, ret, true);
			if (ret)
				break;
			if (!mstress_take_sem(t) || !mstress_enter(t, 0, 1) ||
			    !mstress_enter(t, 1, 1) || !mstress_leave(t, 1, 1) ||
			    !mstress_give_sem(t) || !mstress_leave(t, 0, 1))
				return NULL;
			continue;
		case 2: {	/* wait-all over one mutex and the event */
			int i = next_rand(&t->rng) & 1;

			fds[0] = s->ev;
			fds[1] = s->m[i];
			ret = mwait_t(s->dev, true, fds, 2, t->owner,
				      deadline_in(LONG_WAIT_NS), &index);
			ret = mstress_result(t, ret, i == 0);
			if (ret)
				break;
			if (!mstress_take_ev(t) || !mstress_hold(t, i) ||
			    !mstress_give_ev(t))
				return NULL;
			continue;
		}
		default: {	/* EVOBJ_IOC_WAIT on one mutex */
			int i = next_rand(&t->rng) & 1;

			ret = mwait_one(s->m[i], t->owner, deadline_in(LONG_WAIT_NS),
					&index);
			ret = mstress_result(t, ret, i == 0);
			if (ret)
				break;
			if (index != 0) {
				mstress_fail(s, "EVOBJ_IOC_WAIT returned index %u", index);
				return NULL;
			}
			if (!mstress_hold(t, i))
				return NULL;
			continue;
		}
		}
		mstress_fail(s, "owner %u: wait kind %u returned %d index %u: %s",
			     t->owner, r, ret, index, ret ? strerror(errno) : "");
		return NULL;
	}
	return NULL;
}

TEST_F_TIMEOUT(evobj, stress_owners, 600)
{
	struct mstress_thread th[MSTRESS_THREADS];
	struct mstress *s = calloc(1, sizeof(*s));

	ASSERT_NE(NULL, s);
	s->dev = self->dev;
	s->m[0] = mtx_create(self->dev, 0, 0);
	s->m[1] = mtx_create(self->dev, 0, 0);
	s->ev = ev_create(self->dev, S, EVOBJ_SIGNALED);
	s->sem = sem_create(self->dev, SEM_UNITS, SEM_UNITS);
	s->gate = ev_create(self->dev, N, EVOBJ_SIGNALED);
	ASSERT_LE(0, s->m[0]);
	ASSERT_LE(0, s->m[1]);
	ASSERT_LE(0, s->ev);
	ASSERT_LE(0, s->sem);
	ASSERT_LE(0, s->gate);
	s->ops = stress_ops() / (5 * MSTRESS_THREADS) + 1;
	pthread_mutex_init(&s->why_lock, NULL);
	for (int i = 0; i < MSTRESS_THREADS; i++) {
		th[i].s = s;
		th[i].owner = 1000 + i * 0x01010101U;
		th[i].rng = 0x9e3779b9U * (i + 1);
		ASSERT_EQ(0, pthread_create(&th[i].thread, NULL, mstress_fn, &th[i]));
	}
	for (int i = 0; i < MSTRESS_THREADS; i++)
		ASSERT_EQ(0, pthread_join(th[i].thread, NULL));
	EXPECT_FALSE(atomic_load(&s->failed)) TH_LOG("%s", s->why);
	TH_LOG("%lu acquisitions of m0, %lu of m1; m0 abandoned %lu times, %lu EOWNERDEAD",
	       atomic_load(&s->acquired[0]), atomic_load(&s->acquired[1]),
	       atomic_load(&s->kills), atomic_load(&s->ownerdead));
	EXPECT_LT(0, atomic_load(&s->acquired[0]));
	EXPECT_LT(0, atomic_load(&s->acquired[1]));
	/* Each abandonment reported once, or still pending in the flag. */
	{
		unsigned long pending = atomic_load(&s->kills) -
					atomic_load(&s->ownerdead);

		EXPECT_GE(1, pending) TH_LOG("abandonments lost, or reported twice");
		CHECK_MUTEX(s->m[0], 0, 0, pending == 1 ? ABANDONED : 0);
	}
	CHECK_MUTEX(s->m[1], 0, 0, 0);
	for (int i = 0; i < 2; i++)
		EXPECT_EQ(0, fdinfo_num(s->m[i], "waiters"));
	EXPECT_EQ(SEM_UNITS, sem_count(s->sem));
	EXPECT_EQ(1, ev_signaled(s->ev));
	EXPECT_EQ(0, fdinfo_num(s->sem, "waiters"));
	EXPECT_EQ(0, fdinfo_num(s->ev, "waiters"));
}

/*
 * ntsync's stress_wait: threads whose owner is their tid count under
 * the mutex alone, with no other synchronization: the count is exact.
 */
static unsigned long tid_counter;

struct tid_stress {
	int dev;
	int32_t m, start;
	unsigned long loops;
	atomic_int errors;
};

static void *tid_stress_fn(void *arg)
{
	struct tid_stress *s = arg;
	uint32_t owner = gettid();

	if (mwait_t(s->dev, false, &s->start, 1, owner, EVOBJ_TIMEOUT_INFINITE,
		    NULL))
		atomic_fetch_add(&s->errors, 1);
	for (unsigned long i = 0; i < s->loops; i++) {
		if (mwait_t(s->dev, false, &s->m, 1, owner,
			    deadline_in(LONG_WAIT_NS), NULL)) {
			atomic_fetch_add(&s->errors, 1);
			return NULL;
		}
		tid_counter++;
		if (mtx_unlock(s->m, owner) != 1)
			atomic_fetch_add(&s->errors, 1);
	}
	return NULL;
}

TEST_F_TIMEOUT(evobj, stress_tid_counter, 600)
{
	struct tid_stress s = { .dev = self->dev };
	pthread_t th[MSTRESS_THREADS];

	s.m = mtx_create(self->dev, 0, 0);
	s.start = ev_create(self->dev, N, 0);
	ASSERT_LE(0, s.m);
	ASSERT_LE(0, s.start);
	s.loops = stress_ops() / (10 * MSTRESS_THREADS) + 1;
	tid_counter = 0;
	for (int i = 0; i < MSTRESS_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, tid_stress_fn, &s));
	ASSERT_EQ(0, ev_set(s.start));
	for (int i = 0; i < MSTRESS_THREADS; i++)
		ASSERT_EQ(0, pthread_join(th[i], NULL));
	EXPECT_EQ(0, atomic_load(&s.errors));
	EXPECT_EQ(s.loops * MSTRESS_THREADS, tid_counter);
	CHECK_MUTEX(s.m, 0, 0, 0);
}

/*
 * Processes contend for one mutex, through EVOBJ_IOC_WAIT on it or a
 * wait-any on the device, while the test kills them and forks new ones.
 * To know exactly which kill abandons it, the test stops every child
 * first (nothing changes the mutex then) and reads its owner; it kills
 * a holder only once the holder has counted its own acquisition, or
 * when no abandonment is still to be reported. So:
 * each kill of a holder is reported by exactly one EOWNERDEAD, the
 * children's or the test's final acquisition; nobody finds another
 * inside the critical section unless its wait said EOWNERDEAD; no wait
 * fails or times out (no lost wake-up).
 */
#define KSTRESS_CHILDREN	4

struct kstress {
	atomic_int stop;
	atomic_int inside;			/* pid in the section, or 0 */
	atomic_int counted[KSTRESS_CHILDREN];	/* slot's child in the section */
	atomic_ulong acquired, ownerdead, overlaps, errors;
	atomic_int last_errno;		/* of a failed wait or unlock */
};

static void kstress_child(struct kstress *ks, int dev, int32_t m, int32_t ev,
			  int slot)
{
	uint32_t me = getpid(), rng = me;
	int32_t fds[2] = { ev, m };

	while (!atomic_load(&ks->stop)) {
		bool dead = false;
		int ret, prev;

		if (next_rand(&rng) & 1)
			ret = mwait_one(m, me, deadline_in(LONG_WAIT_NS), NULL);
		else
			ret = mwait_t(dev, false, fds, 2, me,
				      deadline_in(LONG_WAIT_NS), NULL);
		if (ret && errno == EOWNERDEAD) {
			atomic_fetch_add(&ks->ownerdead, 1);
			dead = true;
		} else if (ret) {
			atomic_store(&ks->last_errno, errno);
			atomic_fetch_add(&ks->errors, 1);
			_exit(1);
		}
		atomic_store(&ks->counted[slot], 1);
		prev = atomic_exchange(&ks->inside, me);
		if (prev && !dead)
			atomic_fetch_add(&ks->overlaps, 1);
		atomic_fetch_add(&ks->acquired, 1);
		for (volatile uint32_t i = next_rand(&rng) % 2000; i; i--)
			;
		atomic_store(&ks->inside, 0);
		atomic_store(&ks->counted[slot], 0);
		if (mtx_unlock(m, me) != 1) {
			atomic_store(&ks->last_errno, -errno);
			atomic_fetch_add(&ks->errors, 1);
			_exit(1);
		}
	}
	_exit(0);
}

static pid_t kstress_fork(struct kstress *ks, int dev, int32_t m, int32_t ev,
			  int slot)
{
	pid_t child;

	atomic_store(&ks->counted[slot], 0);
	child = fork();
	if (child == 0)
		kstress_child(ks, dev, m, ev, slot);
	return child;
}

TEST_F_TIMEOUT(evobj, stress_killed_holders, 600)
{
	struct kstress *ks = mmap(NULL, sizeof(*ks), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned long rounds = stress_ops() / 500 + 10, kills = 0;
	unsigned long expected = 0, skipped = 0;
	int32_t m = mtx_create(self->dev, 0, 0);
	int32_t ev = ev_create(self->dev, N, 0);
	pid_t pid[KSTRESS_CHILDREN];
	uint32_t rng = 12345;
	int status;

	ASSERT_NE(MAP_FAILED, ks);
	ASSERT_LE(0, m);
	ASSERT_LE(0, ev);
	memset(ks, 0, sizeof(*ks));
	for (int i = 0; i < KSTRESS_CHILDREN; i++)
		ASSERT_LT(0, pid[i] = kstress_fork(ks, self->dev, m, ev, i));
	for (unsigned long r = 0; r < rounds; r++) {
		struct evobj_mutex_state st;
		int c = next_rand(&rng) % KSTRESS_CHILDREN;
		bool holds;

		sleep_ns(next_rand(&rng) % (2 * NSEC_PER_MSEC));
		for (int i = 0; i < KSTRESS_CHILDREN; i++)
			ASSERT_EQ(0, kill(pid[i], SIGSTOP));
		for (int i = 0; i < KSTRESS_CHILDREN; i++) {
			ASSERT_EQ(pid[i], waitpid(pid[i], &status, WUNTRACED));
			ASSERT_TRUE(WIFSTOPPED(status))
				TH_LOG("child exited: %#x, errno %d (< 0: of an unlock)",
				       status, atomic_load(&ks->last_errno));
		}
		st = mtx_state(m);
		holds = st.owner == (uint32_t)pid[c];
		if (holds && !atomic_load(&ks->counted[c]) &&
		    expected > atomic_load(&ks->ownerdead)) {
			/* It may hold an EOWNERDEAD it has not counted yet. */
			skipped++;
		} else {
			ASSERT_EQ(pid[c], kill_child(pid[c]));
			expected += holds;
			kills++;
			pid[c] = 0;
		}
		for (int i = 0; i < KSTRESS_CHILDREN; i++)
			if (pid[i])
				ASSERT_EQ(0, kill(pid[i], SIGCONT));
		if (!pid[c])
			ASSERT_LT(0, pid[c] = kstress_fork(ks, self->dev, m, ev, c));
	}
	atomic_store(&ks->stop, 1);
	for (int i = 0; i < KSTRESS_CHILDREN; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("child %d: status %#x", i, status);
	}
	if (mwait_one(m, 1, 0, NULL)) {
		EXPECT_EQ(EOWNERDEAD, errno);
		atomic_fetch_add(&ks->ownerdead, 1);
	}
	TH_LOG("%lu rounds: %lu kills, %lu of holders, %lu skipped; %lu acquisitions",
	       rounds, kills, expected, skipped, atomic_load(&ks->acquired));
	EXPECT_EQ(expected, atomic_load(&ks->ownerdead));
	EXPECT_EQ(0, atomic_load(&ks->overlaps));
	EXPECT_EQ(0, atomic_load(&ks->errors));
	EXPECT_LT(0, expected);
	CHECK_MUTEX(m, 1, 1, 0);
	munmap(ks, sizeof(*ks));
}

TEST_HARNESS_MAIN
