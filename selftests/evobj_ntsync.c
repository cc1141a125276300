// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: /dev/ntsync (Documentation/evobj.rst, "The ntsync
 * device"). Every behaviour the upstream ntsync kselftest checks, in our
 * own tests: semaphore, mutex, manual and auto event state; wait-any and
 * wait-all (count 0, repeats, the 64-object limit, EOWNERDEAD); waking
 * waits of each kind; the alert of wait-any and wait-all; objects closed
 * while waited on; a mutex stress. Then ours: the ABI's numbers and
 * sizes, the argument checks, the index left alone unless the wait
 * completes, timeouts on both clocks and past S64_MAX, tests that no
 * signal interrupts, semaphores of ntsync's limits, another kind's
 * ioctl, EFAULT before a change, objects of two opens and of /dev/evobj
 * in one wait, an ntsync object in evobj waits, poll and fdinfo, and the
 * module parameter. Skips without /dev/ntsync.
 */

#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <sys/wait.h>

#include "evobj_test.h"
#include "../kmod/ntsync_abi.h"

#define NT_DEV		"/dev/ntsync"
/* An address of the kernel's half, which access_ok() refuses. */
#define KERNEL_ADDRESS	0xffffffff81000000ULL
#define NT_PARAM	"/sys/module/evobj/parameters/ntsync"

/* The upstream stress: threads taking one mutex, loops each. */
#define STRESS_THREADS	4
#define STRESS_LOOPS	10000

/* The final ABI's numbers, as Linux 6.14's <linux/ntsync.h> has them. */
_Static_assert(EVOBJ_NT_IOC_CREATE_SEM == 0x40084e80, "CREATE_SEM");
_Static_assert(EVOBJ_NT_IOC_SEM_RELEASE == 0xc0044e81, "SEM_RELEASE");
_Static_assert(EVOBJ_NT_IOC_WAIT_ANY == 0xc0284e82, "WAIT_ANY");
_Static_assert(EVOBJ_NT_IOC_WAIT_ALL == 0xc0284e83, "WAIT_ALL");
_Static_assert(EVOBJ_NT_IOC_CREATE_MUTEX == 0x40084e84, "CREATE_MUTEX");
_Static_assert(EVOBJ_NT_IOC_MUTEX_UNLOCK == 0xc0084e85, "MUTEX_UNLOCK");
_Static_assert(EVOBJ_NT_IOC_MUTEX_KILL == 0x40044e86, "MUTEX_KILL");
_Static_assert(EVOBJ_NT_IOC_CREATE_EVENT == 0x40084e87, "CREATE_EVENT");
_Static_assert(EVOBJ_NT_IOC_EVENT_SET == 0x80044e88, "EVENT_SET");
_Static_assert(EVOBJ_NT_IOC_EVENT_RESET == 0x80044e89, "EVENT_RESET");
_Static_assert(EVOBJ_NT_IOC_EVENT_PULSE == 0x80044e8a, "EVENT_PULSE");
_Static_assert(EVOBJ_NT_IOC_SEM_READ == 0x80084e8b, "SEM_READ");
_Static_assert(EVOBJ_NT_IOC_MUTEX_READ == 0x80084e8c, "MUTEX_READ");
_Static_assert(EVOBJ_NT_IOC_EVENT_READ == 0x80084e8d, "EVENT_READ");
_Static_assert(sizeof(struct evobj_nt_wait) == 40, "wait args");

FIXTURE(nt) {
	int dev;
	int evdev;
};

FIXTURE_SETUP(nt)
{
	self->evdev = -1;
	self->dev = open(NT_DEV, O_RDONLY | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, NT_DEV " is absent (module not loaded, ntsync=0, or a real ntsync)");
	ASSERT_LE(0, self->dev) TH_LOG("open " NT_DEV ": %s", strerror(errno));
	self->evdev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->evdev);
}

FIXTURE_TEARDOWN(nt)
{
	if (self->dev >= 0)
		close(self->dev);
	if (self->evdev >= 0)
		close(self->evdev);
}

static int nt_sem(int dev, uint32_t count, uint32_t max)
{
	struct evobj_nt_sem args = { .count = count, .max = max };

	return ioctl(dev, EVOBJ_NT_IOC_CREATE_SEM, &args);
}

static int nt_mutex(int dev, uint32_t owner, uint32_t count)
{
	struct evobj_nt_mutex args = { .owner = owner, .count = count };

	return ioctl(dev, EVOBJ_NT_IOC_CREATE_MUTEX, &args);
}

static int nt_event(int dev, uint32_t manual, uint32_t signaled)
{
	struct evobj_nt_event args = { .manual = manual, .signaled = signaled };

	return ioctl(dev, EVOBJ_NT_IOC_CREATE_EVENT, &args);
}

/* SEM_RELEASE of *n: 0 and the previous count in *n, or -1 with errno. */
static int nt_release(int fd, uint32_t *n)
{
	return ioctl(fd, EVOBJ_NT_IOC_SEM_RELEASE, n);
}

static int nt_unlock(int fd, uint32_t owner, uint32_t *count)
{
	struct evobj_nt_mutex args = { .owner = owner, .count = POISON32 };
	int ret = ioctl(fd, EVOBJ_NT_IOC_MUTEX_UNLOCK, &args);

	*count = args.count;
	return ret;
}

static int nt_kill(int fd, uint32_t owner)
{
	return ioctl(fd, EVOBJ_NT_IOC_MUTEX_KILL, &owner);
}

/* EVENT_SET/_RESET/_PULSE: the previous state, poisoned, or -1. */
static int64_t nt_change(int fd, unsigned long cmd)
{
	uint32_t prev = POISON32;

	if (ioctl(fd, cmd, &prev))
		return -1;
	return prev;
}

#define CHECK_SEM(fd, c, m) do { \
	struct evobj_nt_sem _s; \
	memset(&_s, 0xcc, sizeof(_s)); \
	EXPECT_EQ(0, ioctl((fd), EVOBJ_NT_IOC_SEM_READ, &_s)); \
	EXPECT_EQ((uint32_t)(c), _s.count); \
	EXPECT_EQ((uint32_t)(m), _s.max); \
} while (0)

#define CHECK_MUTEX(fd, c, o) do { \
	struct evobj_nt_mutex _m; \
	memset(&_m, 0xcc, sizeof(_m)); \
	EXPECT_EQ(0, ioctl((fd), EVOBJ_NT_IOC_MUTEX_READ, &_m)); \
	EXPECT_EQ((uint32_t)(c), _m.count); \
	EXPECT_EQ((uint32_t)(o), _m.owner); \
} while (0)

/* MUTEX_READ of an abandoned mutex: EOWNERDEAD, the state written. */
#define CHECK_MUTEX_DEAD(fd) do { \
	struct evobj_nt_mutex _m; \
	memset(&_m, 0xcc, sizeof(_m)); \
	EXPECT_EQ(-1, ioctl((fd), EVOBJ_NT_IOC_MUTEX_READ, &_m)); \
	EXPECT_EQ(EOWNERDEAD, errno); \
	EXPECT_EQ(0, _m.count); \
	EXPECT_EQ(0, _m.owner); \
} while (0)

#define CHECK_EVENT(fd, sig, man) do { \
	struct evobj_nt_event _e; \
	memset(&_e, 0xcc, sizeof(_e)); \
	EXPECT_EQ(0, ioctl((fd), EVOBJ_NT_IOC_EVENT_READ, &_e)); \
	EXPECT_EQ((uint32_t)(sig), _e.signaled); \
	EXPECT_EQ((uint32_t)(man), _e.manual); \
} while (0)

/* A wait's arguments, index poisoned. */
static struct evobj_nt_wait nt_args(const int *objs, uint32_t count,
				    uint32_t owner, uint32_t alert,
				    uint64_t timeout)
{
	struct evobj_nt_wait w = {
		.timeout = timeout,
		.objs = (uintptr_t)objs,
		.count = count,
		.index = POISON32,
		.owner = owner,
		.alert = alert,
	};

	return w;
}

/*
 * A wait whose timeout is now: a test. 0 or -1 with errno; the index
 * (poison if unwritten) in *index.
 */
static int nt_try(int dev, bool all, uint32_t count, const int *objs,
		  uint32_t owner, uint32_t alert, uint32_t *index)
{
	struct evobj_nt_wait w = nt_args(objs, count, owner, alert,
					 now_ns(CLOCK_MONOTONIC));
	int ret = ioctl(dev, all ? EVOBJ_NT_IOC_WAIT_ALL : EVOBJ_NT_IOC_WAIT_ANY, &w);

	*index = w.index;
	return ret;
}

/* A thread blocked in an ntsync wait; the main thread checks it. */
struct nt_waiter {
	pthread_t thread;
	int dev;
	bool all;
	int objs[EVOBJ_NT_MAX_WAIT];
	struct evobj_nt_wait args;
	atomic_bool done;
	int ret, err;
};

static void *nt_waiter_fn(void *arg)
{
	struct nt_waiter *w = arg;

	w->ret = ioctl(w->dev, w->all ? EVOBJ_NT_IOC_WAIT_ALL :
		       EVOBJ_NT_IOC_WAIT_ANY, &w->args);
	w->err = w->ret < 0 ? errno : 0;
	atomic_store(&w->done, true);
	return NULL;
}

/*
 * Starts @w on @objs and returns once the object behind @queued_fd has
 * @n waiters queued (wait-all's included); false if it never had.
 */
static bool nt_waiter_start(struct nt_waiter *w, int dev, bool all,
			    const int *objs, uint32_t count, uint32_t owner,
			    uint32_t alert, uint64_t timeout, int queued_fd,
			    long n)
{
	memset(w, 0, sizeof(*w));
	w->dev = dev;
	w->all = all;
	memcpy(w->objs, objs, count * sizeof(*objs));
	w->args = nt_args(w->objs, count, owner, alert, timeout);
	w->ret = w->err = (int)POISON32;
	atomic_init(&w->done, false);
	if (pthread_create(&w->thread, NULL, nt_waiter_fn, w))
		return false;
	return wait_for_waiters(queued_fd, n);
}

/* Whether @w is still blocked a while after a change that must not wake it. */
static bool still_blocked(struct nt_waiter *w)
{
	sleep_ns(50 * NSEC_PER_MSEC);
	return !atomic_load(&w->done);
}

/* Upstream semaphore_state: limits, release, EOVERFLOW, waits take one. */
TEST_F(nt, semaphore_state)
{
	uint32_t n, index;
	int sem;

	EXPECT_EQ(-1, nt_sem(self->dev, 3, 2));
	EXPECT_EQ(EINVAL, errno);

	sem = nt_sem(self->dev, 2, 2);
	ASSERT_LE(0, sem);
	CHECK_SEM(sem, 2, 2);

	/* A release of 0 changes nothing and says the count. */
	n = 0;
	EXPECT_EQ(0, nt_release(sem, &n));
	EXPECT_EQ(2, n);
	CHECK_SEM(sem, 2, 2);

	n = 1;
	EXPECT_EQ(-1, nt_release(sem, &n));
	EXPECT_EQ(EOVERFLOW, errno);
	CHECK_SEM(sem, 2, 2);

	EXPECT_EQ(0, nt_try(self->dev, false, 1, &sem, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(sem, 1, 2);
	EXPECT_EQ(0, nt_try(self->dev, false, 1, &sem, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(sem, 0, 2);
	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &sem, 123, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);

	n = 3;
	EXPECT_EQ(-1, nt_release(sem, &n));
	EXPECT_EQ(EOVERFLOW, errno);
	CHECK_SEM(sem, 0, 2);

	n = 2;
	EXPECT_EQ(0, nt_release(sem, &n));
	EXPECT_EQ(0, n);
	CHECK_SEM(sem, 2, 2);

	EXPECT_EQ(0, nt_try(self->dev, false, 1, &sem, 123, 0, &index));
	EXPECT_EQ(0, nt_try(self->dev, false, 1, &sem, 123, 0, &index));

	n = 1;
	EXPECT_EQ(0, nt_release(sem, &n));
	EXPECT_EQ(0, n);
	CHECK_SEM(sem, 1, 2);

	/* count + n wraps a u32: EOVERFLOW all the same. */
	n = ~0U;
	EXPECT_EQ(-1, nt_release(sem, &n));
	EXPECT_EQ(EOVERFLOW, errno);
	CHECK_SEM(sem, 1, 2);

	close(sem);
}

/* Upstream mutex_state: create, unlock, recursion, kill, EOWNERDEAD. */
TEST_F(nt, mutex_state)
{
	uint32_t count, index;
	int mutex;

	EXPECT_EQ(-1, nt_mutex(self->dev, 123, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, nt_mutex(self->dev, 0, 2));
	EXPECT_EQ(EINVAL, errno);

	mutex = nt_mutex(self->dev, 123, 2);
	ASSERT_LE(0, mutex);
	CHECK_MUTEX(mutex, 2, 123);

	EXPECT_EQ(-1, nt_unlock(mutex, 0, &count));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, nt_unlock(mutex, 456, &count));
	EXPECT_EQ(EPERM, errno);
	CHECK_MUTEX(mutex, 2, 123);

	EXPECT_EQ(0, nt_unlock(mutex, 123, &count));
	EXPECT_EQ(2, count);
	CHECK_MUTEX(mutex, 1, 123);
	EXPECT_EQ(0, nt_unlock(mutex, 123, &count));
	EXPECT_EQ(1, count);
	CHECK_MUTEX(mutex, 0, 0);
	EXPECT_EQ(-1, nt_unlock(mutex, 123, &count));
	EXPECT_EQ(EPERM, errno);

	EXPECT_EQ(0, nt_try(self->dev, false, 1, &mutex, 456, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_MUTEX(mutex, 1, 456);
	EXPECT_EQ(0, nt_try(self->dev, false, 1, &mutex, 456, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_MUTEX(mutex, 2, 456);

	EXPECT_EQ(0, nt_unlock(mutex, 456, &count));
	EXPECT_EQ(2, count);
	CHECK_MUTEX(mutex, 1, 456);

	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &mutex, 123, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);

	EXPECT_EQ(-1, nt_kill(mutex, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, nt_kill(mutex, 123));
	EXPECT_EQ(EPERM, errno);
	CHECK_MUTEX(mutex, 1, 456);

	EXPECT_EQ(0, nt_kill(mutex, 456));
	CHECK_MUTEX_DEAD(mutex);
	/* Reading does not clear it. */
	CHECK_MUTEX_DEAD(mutex);

	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &mutex, 123, 0, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(0, index);
	CHECK_MUTEX(mutex, 1, 123);

	EXPECT_EQ(0, nt_kill(mutex, 123));
	CHECK_MUTEX_DEAD(mutex);
	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &mutex, 123, 0, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(0, index);
	CHECK_MUTEX(mutex, 1, 123);
	close(mutex);

	mutex = nt_mutex(self->dev, 0, 0);
	ASSERT_LE(0, mutex);
	CHECK_MUTEX(mutex, 0, 0);
	EXPECT_EQ(0, nt_try(self->dev, false, 1, &mutex, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_MUTEX(mutex, 1, 123);
	close(mutex);

	/* A count at U32_MAX satisfies no wait, not even the owner's. */
	mutex = nt_mutex(self->dev, 123, ~0U);
	ASSERT_LE(0, mutex);
	CHECK_MUTEX(mutex, ~0U, 123);
	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &mutex, 123, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	close(mutex);

	/* MUTEX_READ with a bad pointer: EFAULT, abandoned or not. */
	mutex = nt_mutex(self->dev, 1, 1);
	ASSERT_LE(0, mutex);
	EXPECT_EQ(-1, ioctl(mutex, EVOBJ_NT_IOC_MUTEX_READ, bad_address()));
	EXPECT_EQ(EFAULT, errno);
	close(mutex);
}

/* Upstream manual_event_state. */
TEST_F(nt, manual_event_state)
{
	uint32_t index;
	int event;

	event = nt_event(self->dev, 1, 0);
	ASSERT_LE(0, event);
	CHECK_EVENT(event, 0, 1);

	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_SET));
	CHECK_EVENT(event, 1, 1);
	EXPECT_EQ(1, nt_change(event, EVOBJ_NT_IOC_EVENT_SET));
	CHECK_EVENT(event, 1, 1);

	EXPECT_EQ(0, nt_try(self->dev, false, 1, &event, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_EVENT(event, 1, 1);

	EXPECT_EQ(1, nt_change(event, EVOBJ_NT_IOC_EVENT_RESET));
	CHECK_EVENT(event, 0, 1);
	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_RESET));
	CHECK_EVENT(event, 0, 1);

	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &event, 123, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);

	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_SET));
	EXPECT_EQ(1, nt_change(event, EVOBJ_NT_IOC_EVENT_PULSE));
	CHECK_EVENT(event, 0, 1);
	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_PULSE));
	CHECK_EVENT(event, 0, 1);

	close(event);
}

/* Upstream auto_event_state. */
TEST_F(nt, auto_event_state)
{
	uint32_t index;
	int event;

	event = nt_event(self->dev, 0, 1);
	ASSERT_LE(0, event);
	CHECK_EVENT(event, 1, 0);

	EXPECT_EQ(1, nt_change(event, EVOBJ_NT_IOC_EVENT_SET));
	CHECK_EVENT(event, 1, 0);

	EXPECT_EQ(0, nt_try(self->dev, false, 1, &event, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_EVENT(event, 0, 0);

	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_RESET));
	CHECK_EVENT(event, 0, 0);

	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &event, 123, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);

	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_SET));
	EXPECT_EQ(1, nt_change(event, EVOBJ_NT_IOC_EVENT_PULSE));
	CHECK_EVENT(event, 0, 0);
	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_PULSE));
	CHECK_EVENT(event, 0, 0);

	close(event);
}

/* Upstream test_wait_any. */
TEST_F(nt, wait_any)
{
	int objs[EVOBJ_NT_MAX_WAIT + 1];
	uint32_t index, n, i;

	objs[0] = nt_sem(self->dev, 2, 3);
	ASSERT_LE(0, objs[0]);
	objs[1] = nt_mutex(self->dev, 0, 0);
	ASSERT_LE(0, objs[1]);

	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 1, 3);
	CHECK_MUTEX(objs[1], 0, 0);

	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 0, 3);
	CHECK_MUTEX(objs[1], 0, 0);

	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, 0, &index));
	EXPECT_EQ(1, index);
	CHECK_SEM(objs[0], 0, 3);
	CHECK_MUTEX(objs[1], 1, 123);

	n = 1;
	EXPECT_EQ(0, nt_release(objs[0], &n));
	EXPECT_EQ(0, n);

	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 0, 3);
	CHECK_MUTEX(objs[1], 1, 123);

	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, 0, &index));
	EXPECT_EQ(1, index);
	CHECK_SEM(objs[0], 0, 3);
	CHECK_MUTEX(objs[1], 2, 123);

	EXPECT_EQ(-1, nt_try(self->dev, false, 2, objs, 456, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);

	EXPECT_EQ(0, nt_kill(objs[1], 123));
	EXPECT_EQ(-1, nt_try(self->dev, false, 2, objs, 456, 0, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(1, index);
	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 456, 0, &index));
	EXPECT_EQ(1, index);
	close(objs[1]);

	/* The same object twice: the lower index wins, one unit taken. */
	n = 2;
	EXPECT_EQ(0, nt_release(objs[0], &n));
	EXPECT_EQ(0, n);
	objs[1] = objs[0];
	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 456, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 1, 3);

	/* No objects, no alert: the timeout. */
	EXPECT_EQ(-1, nt_try(self->dev, false, 0, NULL, 456, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(POISON32, index);

	for (i = 1; i < EVOBJ_NT_MAX_WAIT + 1; i++)
		objs[i] = objs[0];
	EXPECT_EQ(0, nt_try(self->dev, false, EVOBJ_NT_MAX_WAIT, objs, 123, 0, &index));
	EXPECT_EQ(0, index);
	EXPECT_EQ(-1, nt_try(self->dev, false, EVOBJ_NT_MAX_WAIT + 1, objs, 123, 0, &index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, nt_try(self->dev, false, -1, objs, 123, 0, &index));
	EXPECT_EQ(EINVAL, errno);

	close(objs[0]);
}

/* Upstream test_wait_all. */
TEST_F(nt, wait_all)
{
	uint32_t index, n;
	int objs[2];

	objs[0] = nt_sem(self->dev, 2, 3);
	ASSERT_LE(0, objs[0]);
	objs[1] = nt_mutex(self->dev, 0, 0);
	ASSERT_LE(0, objs[1]);

	EXPECT_EQ(0, nt_try(self->dev, true, 2, objs, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 1, 3);
	CHECK_MUTEX(objs[1], 1, 123);

	EXPECT_EQ(-1, nt_try(self->dev, true, 2, objs, 456, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_SEM(objs[0], 1, 3);
	CHECK_MUTEX(objs[1], 1, 123);

	EXPECT_EQ(0, nt_try(self->dev, true, 2, objs, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 0, 3);
	CHECK_MUTEX(objs[1], 2, 123);

	EXPECT_EQ(-1, nt_try(self->dev, true, 2, objs, 123, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_SEM(objs[0], 0, 3);
	CHECK_MUTEX(objs[1], 2, 123);

	n = 3;
	EXPECT_EQ(0, nt_release(objs[0], &n));
	EXPECT_EQ(0, n);

	EXPECT_EQ(0, nt_try(self->dev, true, 2, objs, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 2, 3);
	CHECK_MUTEX(objs[1], 3, 123);

	EXPECT_EQ(0, nt_kill(objs[1], 123));
	EXPECT_EQ(-1, nt_try(self->dev, true, 2, objs, 123, 0, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 1, 3);
	CHECK_MUTEX(objs[1], 1, 123);
	close(objs[1]);

	objs[1] = nt_event(self->dev, 1, 1);
	ASSERT_LE(0, objs[1]);
	EXPECT_EQ(0, nt_try(self->dev, true, 2, objs, 123, 0, &index));
	EXPECT_EQ(0, index);
	CHECK_SEM(objs[0], 0, 3);
	CHECK_EVENT(objs[1], 1, 1);
	close(objs[1]);

	/* The same object twice: EINVAL, nothing taken. */
	n = 1;
	EXPECT_EQ(0, nt_release(objs[0], &n));
	objs[1] = objs[0];
	EXPECT_EQ(-1, nt_try(self->dev, true, 2, objs, 123, 0, &index));
	EXPECT_EQ(EINVAL, errno);
	CHECK_SEM(objs[0], 1, 3);

	/* No objects: all of none are signaled at once. */
	EXPECT_EQ(0, nt_try(self->dev, true, 0, NULL, 123, 0, &index));
	EXPECT_EQ(0, index);

	close(objs[0]);
}

/* Upstream wake_any: each kind wakes a blocked wait-any. */
TEST_F(nt, wake_any)
{
	struct nt_waiter w;
	uint32_t n, index;
	int objs[2];

	objs[0] = nt_sem(self->dev, 0, 3);
	ASSERT_LE(0, objs[0]);
	objs[1] = nt_mutex(self->dev, 123, 1);
	ASSERT_LE(0, objs[1]);

	/* The semaphore. */
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, objs, 2, 456, 0,
				    deadline_in(LONG_WAIT_NS), objs[1], 1));
	EXPECT_TRUE(still_blocked(&w));
	n = 1;
	EXPECT_EQ(0, nt_release(objs[0], &n));
	EXPECT_EQ(0, n);
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	CHECK_SEM(objs[0], 0, 3);

	/* The mutex: taken again by 123, then unlocked twice. */
	EXPECT_EQ(0, nt_try(self->dev, false, 1, &objs[1], 123, 0, &index));
	EXPECT_EQ(0, index);
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, objs, 2, 456, 0,
				    deadline_in(LONG_WAIT_NS), objs[1], 1));
	EXPECT_EQ(0, nt_unlock(objs[1], 123, &n));
	EXPECT_EQ(2, n);
	EXPECT_TRUE(still_blocked(&w));
	EXPECT_EQ(0, nt_unlock(objs[1], 123, &n));
	EXPECT_EQ(1, n);
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(1, w.args.index);
	CHECK_MUTEX(objs[1], 1, 456);
	close(objs[1]);

	/* An auto-reset event: set, then pulse. */
	objs[1] = nt_event(self->dev, 0, 0);
	ASSERT_LE(0, objs[1]);
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, objs, 2, 456, 0,
				    deadline_in(LONG_WAIT_NS), objs[1], 1));
	EXPECT_EQ(0, nt_change(objs[1], EVOBJ_NT_IOC_EVENT_SET));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(1, w.args.index);
	CHECK_EVENT(objs[1], 0, 0);

	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, objs, 2, 456, 0,
				    deadline_in(LONG_WAIT_NS), objs[1], 1));
	EXPECT_EQ(0, nt_change(objs[1], EVOBJ_NT_IOC_EVENT_PULSE));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(1, w.args.index);
	CHECK_EVENT(objs[1], 0, 0);
	close(objs[1]);

	/* A manual-reset event: set, reset, then pulse. */
	objs[1] = nt_event(self->dev, 1, 0);
	ASSERT_LE(0, objs[1]);
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, objs, 2, 456, 0,
				    deadline_in(LONG_WAIT_NS), objs[1], 1));
	EXPECT_EQ(0, nt_change(objs[1], EVOBJ_NT_IOC_EVENT_SET));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(1, w.args.index);
	CHECK_EVENT(objs[1], 1, 1);
	EXPECT_EQ(1, nt_change(objs[1], EVOBJ_NT_IOC_EVENT_RESET));

	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, objs, 2, 456, 0,
				    deadline_in(LONG_WAIT_NS), objs[1], 1));
	EXPECT_EQ(0, nt_change(objs[1], EVOBJ_NT_IOC_EVENT_PULSE));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(1, w.args.index);
	CHECK_EVENT(objs[1], 0, 1);

	/* Closed while waited on: the wait keeps them and times out. */
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, objs, 2, 123, 0,
				    deadline_in(500 * NSEC_PER_MSEC), objs[1], 1));
	close(objs[0]);
	close(objs[1]);
	JOIN_DONE(&w);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(ETIMEDOUT, w.err);
	EXPECT_EQ(POISON32, w.args.index);
}

/* Upstream wake_all: only all four at once wake it, atomically. */
TEST_F(nt, wake_all)
{
	struct nt_waiter w;
	uint32_t n, index;
	int objs[4];

	objs[0] = nt_sem(self->dev, 0, 3);
	objs[1] = nt_mutex(self->dev, 123, 1);
	objs[2] = nt_event(self->dev, 1, 1);
	objs[3] = nt_event(self->dev, 0, 1);
	ASSERT_LE(0, objs[0]);
	ASSERT_LE(0, objs[1]);
	ASSERT_LE(0, objs[2]);
	ASSERT_LE(0, objs[3]);

	ASSERT_TRUE(nt_waiter_start(&w, self->dev, true, objs, 4, 456, 0,
				    deadline_in(LONG_WAIT_NS), objs[3], 1));

	n = 1;
	EXPECT_EQ(0, nt_release(objs[0], &n));
	EXPECT_EQ(0, n);
	EXPECT_TRUE(still_blocked(&w));
	CHECK_SEM(objs[0], 1, 3);

	EXPECT_EQ(0, nt_try(self->dev, false, 1, &objs[0], 123, 0, &index));
	EXPECT_EQ(0, index);

	EXPECT_EQ(0, nt_unlock(objs[1], 123, &n));
	EXPECT_EQ(1, n);
	EXPECT_TRUE(still_blocked(&w));
	CHECK_MUTEX(objs[1], 0, 0);

	EXPECT_EQ(1, nt_change(objs[2], EVOBJ_NT_IOC_EVENT_RESET));

	n = 2;
	EXPECT_EQ(0, nt_release(objs[0], &n));
	EXPECT_EQ(0, n);
	CHECK_SEM(objs[0], 2, 3);

	EXPECT_EQ(1, nt_change(objs[3], EVOBJ_NT_IOC_EVENT_RESET));
	EXPECT_EQ(0, nt_change(objs[2], EVOBJ_NT_IOC_EVENT_SET));
	EXPECT_EQ(0, nt_change(objs[3], EVOBJ_NT_IOC_EVENT_SET));

	/* The last set completed it, taking one of each. */
	CHECK_SEM(objs[0], 1, 3);
	CHECK_MUTEX(objs[1], 1, 456);
	CHECK_EVENT(objs[2], 1, 1);
	CHECK_EVENT(objs[3], 0, 0);

	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);

	/* Closed while waited on: it times out. */
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, true, objs, 4, 123, 0,
				    deadline_in(500 * NSEC_PER_MSEC), objs[3], 1));
	close(objs[0]);
	close(objs[1]);
	close(objs[2]);
	close(objs[3]);
	JOIN_DONE(&w);
	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(ETIMEDOUT, w.err);
}

/* Upstream alert_any: the alert wins after the objects, index count. */
TEST_F(nt, alert_any)
{
	struct nt_waiter w;
	uint32_t index, n;
	int objs[2], event;

	objs[0] = nt_sem(self->dev, 0, 2);
	objs[1] = nt_sem(self->dev, 1, 2);
	event = nt_event(self->dev, 1, 1);
	ASSERT_LE(0, objs[0]);
	ASSERT_LE(0, objs[1]);
	ASSERT_LE(0, event);

	EXPECT_EQ(0, nt_try(self->dev, false, 0, NULL, 123, event, &index));
	EXPECT_EQ(0, index);
	EXPECT_EQ(1, nt_change(event, EVOBJ_NT_IOC_EVENT_RESET));
	EXPECT_EQ(-1, nt_try(self->dev, false, 0, NULL, 123, event, &index));
	EXPECT_EQ(ETIMEDOUT, errno);

	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_SET));
	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, event, &index));
	EXPECT_EQ(1, index);
	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, event, &index));
	EXPECT_EQ(2, index);

	/* Woken by the alert. */
	EXPECT_EQ(1, nt_change(event, EVOBJ_NT_IOC_EVENT_RESET));
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, objs, 2, 123, event,
				    deadline_in(LONG_WAIT_NS), event, 1));
	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_SET));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(2, w.args.index);
	close(event);

	/* An auto-reset alert is consumed. */
	event = nt_event(self->dev, 0, 1);
	ASSERT_LE(0, event);
	n = 1;
	EXPECT_EQ(0, nt_release(objs[0], &n));
	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, event, &index));
	EXPECT_EQ(0, index);
	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, event, &index));
	EXPECT_EQ(2, index);
	EXPECT_EQ(-1, nt_try(self->dev, false, 2, objs, 123, event, &index));
	EXPECT_EQ(ETIMEDOUT, errno);

	close(event);
	close(objs[0]);
	close(objs[1]);
}

/* Upstream alert_all. */
TEST_F(nt, alert_all)
{
	struct nt_waiter w;
	uint32_t index, n;
	int objs[2], event;

	objs[0] = nt_sem(self->dev, 2, 2);
	objs[1] = nt_sem(self->dev, 1, 2);
	event = nt_event(self->dev, 1, 1);
	ASSERT_LE(0, objs[0]);
	ASSERT_LE(0, objs[1]);
	ASSERT_LE(0, event);

	EXPECT_EQ(0, nt_try(self->dev, true, 2, objs, 123, event, &index));
	EXPECT_EQ(0, index);
	EXPECT_EQ(0, nt_try(self->dev, true, 2, objs, 123, event, &index));
	EXPECT_EQ(2, index);

	EXPECT_EQ(1, nt_change(event, EVOBJ_NT_IOC_EVENT_RESET));
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, true, objs, 2, 123, event,
				    deadline_in(LONG_WAIT_NS), event, 1));
	EXPECT_EQ(0, nt_change(event, EVOBJ_NT_IOC_EVENT_SET));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(2, w.args.index);
	close(event);

	event = nt_event(self->dev, 0, 1);
	ASSERT_LE(0, event);
	n = 2;
	EXPECT_EQ(0, nt_release(objs[1], &n));
	EXPECT_EQ(0, nt_try(self->dev, true, 2, objs, 123, event, &index));
	EXPECT_EQ(0, index);
	EXPECT_EQ(0, nt_try(self->dev, true, 2, objs, 123, event, &index));
	EXPECT_EQ(2, index);
	EXPECT_EQ(-1, nt_try(self->dev, true, 2, objs, 123, event, &index));
	EXPECT_EQ(ETIMEDOUT, errno);

	/* Ours: a wait-all's alert may not be one of its objects. */
	EXPECT_EQ(-1, nt_try(self->dev, true, 2, objs, 123, objs[1], &index));
	EXPECT_EQ(EINVAL, errno);
	/* A wait-any's may: the object's own index wins. */
	n = 1;
	EXPECT_EQ(0, nt_release(objs[1], &n));
	EXPECT_EQ(0, nt_try(self->dev, false, 2, objs, 123, objs[1], &index));
	EXPECT_EQ(1, index);

	close(event);
	close(objs[0]);
	close(objs[1]);
}

static unsigned int stress_counter;
static int stress_dev, stress_start, stress_mutex;

static void *stress_thread(void *arg)
{
	struct evobj_nt_wait w = nt_args(&stress_start, 1, syscall(SYS_gettid),
					 0, UINT64_MAX);
	uint32_t count, i;

	(void)arg;
	if (ioctl(stress_dev, EVOBJ_NT_IOC_WAIT_ANY, &w))
		return (void *)1;
	w.objs = (uintptr_t)&stress_mutex;
	for (i = 0; i < STRESS_LOOPS; i++) {
		if (ioctl(stress_dev, EVOBJ_NT_IOC_WAIT_ANY, &w))
			return (void *)1;
		stress_counter++;	/* under the mutex */
		if (nt_unlock(stress_mutex, w.owner, &count) || count != 1)
			return (void *)1;
	}
	return NULL;
}

/* Upstream stress_wait: a mutex makes a plain counter exact. */
TEST_F(nt, stress_wait)
{
	pthread_t threads[STRESS_THREADS];
	void *res;
	int i;

	stress_dev = self->dev;
	stress_counter = 0;
	stress_mutex = nt_mutex(self->dev, 0, 0);
	ASSERT_LE(0, stress_mutex);
	stress_start = nt_event(self->dev, 1, 0);
	ASSERT_LE(0, stress_start);

	for (i = 0; i < STRESS_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, stress_thread, NULL));
	EXPECT_EQ(0, nt_change(stress_start, EVOBJ_NT_IOC_EVENT_SET));
	for (i = 0; i < STRESS_THREADS; i++) {
		EXPECT_EQ(0, pthread_join(threads[i], &res));
		EXPECT_EQ(NULL, res);
	}
	EXPECT_EQ(STRESS_LOOPS * STRESS_THREADS, stress_counter);
	CHECK_MUTEX(stress_mutex, 0, 0);
	close(stress_start);
	close(stress_mutex);
}

/* Ours: what the wait refuses, and that it refuses before taking. */
TEST_F(nt, wait_bad_args)
{
	struct evobj_nt_wait w;
	int sem, objs[2], pipefd[2];
	uint32_t index;

	sem = nt_sem(self->dev, 1, 1);
	ASSERT_LE(0, sem);

	w = nt_args(&sem, 1, 1, 0, 0);
	w.pad = 1;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, &w));
	EXPECT_EQ(EINVAL, errno);
	w = nt_args(&sem, 1, 1, 0, 0);
	w.flags = 2;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ALL, &w));
	EXPECT_EQ(EINVAL, errno);
	w = nt_args(bad_address(), 1, 1, 0, 0);
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, &w));
	EXPECT_EQ(EFAULT, errno);
	CHECK_SEM(sem, 1, 1);
	/* Of no objects, objs is never read, as in ntsync: not even checked. */
	w = nt_args(NULL, 0, 1, 0, 0);
	w.objs = KERNEL_ADDRESS;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(0, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ALL, &w));
	EXPECT_EQ(0, w.index);

	/* A closed fd, and an fd that is no object: EINVAL (not EBADF). */
	ASSERT_EQ(0, pipe(pipefd));
	objs[0] = sem;
	objs[1] = 1000;
	EXPECT_EQ(-1, nt_try(self->dev, false, 2, objs, 1, 0, &index));
	EXPECT_EQ(EINVAL, errno);
	objs[1] = pipefd[0];
	EXPECT_EQ(-1, nt_try(self->dev, true, 2, objs, 1, 0, &index));
	EXPECT_EQ(EINVAL, errno);
	objs[1] = -1;
	EXPECT_EQ(-1, nt_try(self->dev, false, 2, objs, 1, 0, &index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, nt_try(self->dev, false, 1, objs, 1, pipefd[1], &index));
	EXPECT_EQ(EINVAL, errno);
	/* /dev/ntsync itself is no object either. */
	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &self->dev, 1, 0, &index));
	EXPECT_EQ(EINVAL, errno);
	CHECK_SEM(sem, 1, 1);

	/* A mutex needs an owner, the alert's included. */
	objs[1] = nt_mutex(self->dev, 0, 0);
	ASSERT_LE(0, objs[1]);
	EXPECT_EQ(-1, nt_try(self->dev, false, 2, objs, 0, 0, &index));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, nt_try(self->dev, false, 1, objs, 0, objs[1], &index));
	EXPECT_EQ(EINVAL, errno);
	CHECK_SEM(sem, 1, 1);
	CHECK_MUTEX(objs[1], 0, 0);

	/* An index that cannot be written: EFAULT before anything is taken. */
	w = nt_args(&sem, 1, 1, 0, 0);
	{
		struct evobj_nt_wait *ro = readonly_copy(&w, sizeof(w));

		ASSERT_NE(NULL, ro);
		EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, ro));
		EXPECT_EQ(EFAULT, errno);
	}
	CHECK_SEM(sem, 1, 1);

	/* Not ioctls of the device: the early 6.12 draft's SEM_POST, evobj's. */
	EXPECT_EQ(-1, ioctl(self->dev, _IOWR('N', 0x81, __u32), &index));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_SEM_READ, &w));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_CREATE, &w));
	EXPECT_EQ(ENOTTY, errno);

	close(objs[1]);
	close(pipefd[0]);
	close(pipefd[1]);
	close(sem);
}

/* Ours: timeouts, absolute on either clock; infinite; past S64_MAX. */
TEST_F(nt, wait_timeouts)
{
	struct evobj_nt_wait w;
	struct nt_waiter nw;
	uint64_t start;
	int ev;

	ev = nt_event(self->dev, 1, 0);
	ASSERT_LE(0, ev);

	start = now_ns(CLOCK_MONOTONIC);
	w = nt_args(&ev, 1, 1, 0, start + 100 * NSEC_PER_MSEC);
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_LE(start + 100 * NSEC_PER_MSEC, now_ns(CLOCK_MONOTONIC));
	EXPECT_EQ(POISON32, w.index);

	/* REALTIME: a monotonic value would be decades in the past. */
	start = now_ns(CLOCK_REALTIME);
	w = nt_args(&ev, 1, 1, 0, start + 100 * NSEC_PER_MSEC);
	w.flags = EVOBJ_NT_WAIT_REALTIME;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ALL, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_LE(start + 100 * NSEC_PER_MSEC, now_ns(CLOCK_REALTIME));

	/* Above S64_MAX but not U64_MAX: in the past, as to ntsync. */
	w = nt_args(&ev, 1, 1, 0, UINT64_MAX - 1);
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	w = nt_args(NULL, 0, 1, 0, 1ULL << 63);
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, &w));
	EXPECT_EQ(ETIMEDOUT, errno);

	/* U64_MAX never expires: a set completes it. */
	ASSERT_TRUE(nt_waiter_start(&nw, self->dev, false, &ev, 1, 1, 0,
				    UINT64_MAX, ev, 1));
	EXPECT_TRUE(still_blocked(&nw));
	EXPECT_EQ(0, nt_change(ev, EVOBJ_NT_IOC_EVENT_SET));
	JOIN_DONE(&nw);
	EXPECT_EQ(0, nw.ret);
	EXPECT_EQ(0, nw.args.index);

	/* A wait-any of nothing sleeps until its timeout, and no longer. */
	start = now_ns(CLOCK_MONOTONIC);
	w = nt_args(NULL, 0, 1, 0, start + 100 * NSEC_PER_MSEC);
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, &w));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_LE(start + 100 * NSEC_PER_MSEC, now_ns(CLOCK_MONOTONIC));
	EXPECT_GT(start + LONG_WAIT_NS, now_ns(CLOCK_MONOTONIC));

	close(ev);
}

/* The signals of test_never_interrupted: SIGUSR1 at a thread until told to stop. */
struct spammer {
	pthread_t thread, target;
	atomic_bool stop;
	atomic_ulong sent;
};

static void *spammer_fn(void *arg)
{
	struct spammer *s = arg;

	while (!atomic_load(&s->stop)) {
		pthread_kill(s->target, SIGUSR1);
		atomic_fetch_add(&s->sent, 1);
	}
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * Ours (the fuzzer found it): a wait whose timeout has passed is a test,
 * which fails with ETIMEDOUT however many signals come meanwhile, a
 * wait-any of no objects included: it sleeps only when it can block.
 */
TEST_F(nt, test_never_interrupted)
{
	struct sigaction sa = { .sa_handler = on_usr1 }, old;
	unsigned long eintr[2] = { 0, 0 }, other = 0, n = 0;
	struct spammer s = { .target = pthread_self() };
	uint64_t end;
	int ev;

	ev = nt_event(self->dev, 0, 0);
	ASSERT_LE(0, ev);
	/* No SA_RESTART: an interrupted wait would say EINTR. */
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, &old));
	atomic_init(&s.stop, false);
	atomic_init(&s.sent, 0);
	ASSERT_EQ(0, pthread_create(&s.thread, NULL, spammer_fn, &s));
	end = now_ns(CLOCK_MONOTONIC) + 2 * NSEC_PER_SEC;
	for (; now_ns(CLOCK_MONOTONIC) < end; n++) {
		/* of nothing or of one unsignaled event; at 0 or now */
		struct evobj_nt_wait w = nt_args(&ev, n & 1, 1, 0, n & 2 ? 0 :
						 now_ns(CLOCK_MONOTONIC));

		if (!ioctl(self->dev, EVOBJ_NT_IOC_WAIT_ANY, &w))
			other++;
		else if (errno == EINTR)
			eintr[n & 1]++;
		else if (errno != ETIMEDOUT)
			other++;
	}
	atomic_store(&s.stop, true);
	pthread_join(s.thread, NULL);
	sigaction(SIGUSR1, &old, NULL);
	EXPECT_EQ(0, eintr[0])
		TH_LOG("%lu of %lu tests of no objects interrupted, %lu signals",
		       eintr[0], n / 2, atomic_load(&s.sent));
	EXPECT_EQ(0, eintr[1])
		TH_LOG("%lu of %lu tests of one event interrupted, %lu signals",
		       eintr[1], n / 2, atomic_load(&s.sent));
	EXPECT_EQ(0, other);
	close(ev);
}

/* Ours: ntsync's semaphore limits, max 0 and U32_MAX. */
TEST_F(nt, semaphore_limits)
{
	struct evobj_semaphore_state st;
	uint32_t n, index;
	int sem;

	sem = nt_sem(self->dev, 0, 0);
	ASSERT_LE(0, sem);
	CHECK_SEM(sem, 0, 0);
	n = 1;
	EXPECT_EQ(-1, nt_release(sem, &n));
	EXPECT_EQ(EOVERFLOW, errno);
	n = 0;
	EXPECT_EQ(0, nt_release(sem, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &sem, 1, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	close(sem);

	sem = nt_sem(self->dev, ~0U, ~0U);
	ASSERT_LE(0, sem);
	CHECK_SEM(sem, ~0U, ~0U);
	/* evobj's own read says the same. */
	EXPECT_EQ(0, ioctl(sem, EVOBJ_IOC_READ_SEMAPHORE, &st));
	EXPECT_EQ(~0U, st.max);
	EXPECT_EQ(0, nt_try(self->dev, false, 1, &sem, 1, 0, &index));
	CHECK_SEM(sem, ~0U - 1, ~0U);
	n = 1;
	EXPECT_EQ(0, nt_release(sem, &n));
	EXPECT_EQ(~0U - 1, n);
	n = 1;
	EXPECT_EQ(-1, nt_release(sem, &n));
	EXPECT_EQ(EOVERFLOW, errno);
	close(sem);

	/* /dev/evobj keeps its own limits. */
	{
		struct evobj_semaphore a = { .count = 0, .max = 0 };

		EXPECT_EQ(-1, ioctl(self->evdev, EVOBJ_IOC_CREATE_SEMAPHORE, &a));
		EXPECT_EQ(EINVAL, errno);
	}
}

/* Ours: another kind's ntsync ioctl is EINVAL, and changes nothing. */
TEST_F(nt, wrong_kind)
{
	struct evobj_nt_mutex m = { .owner = 1 };
	struct evobj_nt_event e;
	struct evobj_nt_sem s;
	int sem, mutex, ev;
	uint32_t v = 1;

	sem = nt_sem(self->dev, 1, 2);
	mutex = nt_mutex(self->dev, 1, 1);
	ev = nt_event(self->dev, 0, 1);
	ASSERT_LE(0, sem);
	ASSERT_LE(0, mutex);
	ASSERT_LE(0, ev);

	EXPECT_EQ(-1, ioctl(sem, EVOBJ_NT_IOC_MUTEX_UNLOCK, &m));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(sem, EVOBJ_NT_IOC_MUTEX_KILL, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(sem, EVOBJ_NT_IOC_MUTEX_READ, &m));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(sem, EVOBJ_NT_IOC_EVENT_SET, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(sem, EVOBJ_NT_IOC_EVENT_READ, &e));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(mutex, EVOBJ_NT_IOC_SEM_RELEASE, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(mutex, EVOBJ_NT_IOC_SEM_READ, &s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(mutex, EVOBJ_NT_IOC_EVENT_PULSE, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(ev, EVOBJ_NT_IOC_SEM_RELEASE, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(ev, EVOBJ_NT_IOC_MUTEX_UNLOCK, &m));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(ev, EVOBJ_NT_IOC_MUTEX_KILL, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(ev, EVOBJ_NT_IOC_SEM_READ, &s));
	EXPECT_EQ(EINVAL, errno);
	/* A create on an object is no object ioctl. */
	EXPECT_EQ(-1, ioctl(ev, EVOBJ_NT_IOC_CREATE_EVENT, &e));
	EXPECT_EQ(ENOTTY, errno);

	CHECK_SEM(sem, 1, 2);
	CHECK_MUTEX(mutex, 1, 1);
	CHECK_EVENT(ev, 1, 0);
	close(sem);
	close(mutex);
	close(ev);
}

/* Ours: a pointer that cannot be written fails before the change. */
TEST_F(nt, efault_changes_nothing)
{
	struct evobj_nt_mutex m = { .owner = 1, .count = 0 };
	uint32_t one = 1, *ro;
	int sem, mutex, ev;

	sem = nt_sem(self->dev, 0, 2);
	mutex = nt_mutex(self->dev, 1, 1);
	ev = nt_event(self->dev, 1, 0);
	ASSERT_LE(0, sem);
	ASSERT_LE(0, mutex);
	ASSERT_LE(0, ev);

	EXPECT_EQ(-1, ioctl(ev, EVOBJ_NT_IOC_EVENT_SET, bad_address()));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(ev, EVOBJ_NT_IOC_EVENT_SET, NULL));
	EXPECT_EQ(EFAULT, errno);
	CHECK_EVENT(ev, 0, 1);

	ro = readonly_copy(&one, sizeof(one));
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(-1, ioctl(sem, EVOBJ_NT_IOC_SEM_RELEASE, ro));
	EXPECT_EQ(EFAULT, errno);
	CHECK_SEM(sem, 0, 2);

	EXPECT_EQ(-1, ioctl(mutex, EVOBJ_NT_IOC_MUTEX_UNLOCK,
			    readonly_copy(&m, sizeof(m))));
	EXPECT_EQ(EFAULT, errno);
	CHECK_MUTEX(mutex, 1, 1);

	close(sem);
	close(mutex);
	close(ev);
}

/*
 * Forks a child that runs @take on mutex @m and, if it succeeds, says so
 * and pauses until killed: its pid, or -1.
 */
static pid_t nt_holding_child(int dev, int m, bool (*take)(int dev, int m))
{
	int pipefd[2];
	pid_t child;
	char c = 0;

	if (pipe(pipefd))
		return -1;
	child = fork();
	if (child == 0) {
		if (!take(dev, m) || write(pipefd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (child > 0 && read(pipefd[0], &c, 1) != 1) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
	close(pipefd[0]);
	close(pipefd[1]);
	return child;
}

static bool nt_kill_child(pid_t child)
{
	int status;

	return !kill(child, SIGKILL) && waitpid(child, &status, 0) == child;
}

/* Takes @m through /dev/evobj for the child's pid, and unlocks it. */
static bool evobj_take_and_unlock(int dev, int m)
{
	struct evobj_waitset_wait w = one_args(0);
	struct evobj_mutex_unlock u = { .owner = getpid() };

	(void)dev;
	w.owner = getpid();
	return !ioctl(m, EVOBJ_IOC_WAIT, &w) &&
	       !ioctl(m, EVOBJ_IOC_UNLOCK, &u) && u.count == 1;
}

/*
 * A process that took a mutex through /dev/evobj and unlocked it stays
 * its last holder until another acquisition from 0: one through
 * /dev/ntsync ends that, so the first process's death leaves the new
 * owner alone.
 */
TEST_F(nt, ntsync_acquisition_ends_a_process_hold)
{
	int m = nt_mutex(self->dev, 0, 0);
	uint32_t index, count;
	pid_t child;

	ASSERT_LE(0, m);
	child = nt_holding_child(self->dev, m, evobj_take_and_unlock);
	ASSERT_LT(0, child);
	CHECK_MUTEX(m, 0, 0);
	ASSERT_EQ(0, nt_try(self->dev, false, 1, &m, 9, 0, &index));
	ASSERT_TRUE(nt_kill_child(child));
	CHECK_MUTEX(m, 1, 9);
	EXPECT_EQ(0, nt_unlock(m, 9, &count));
	close(m);
}

/* Takes @m through /dev/ntsync for the child's pid. */
static bool nt_take(int dev, int m)
{
	uint32_t index;

	return !nt_try(dev, false, 1, &m, getpid(), 0, &index);
}

/*
 * As in ntsync, a process's death abandons nothing that it acquired
 * through /dev/ntsync: whoever manages owner ids (wineserver) kills it.
 * (Acquired through /dev/evobj, the exit would: evobj_mutex.c.)
 */
TEST_F(nt, death_abandons_nothing)
{
	int m = nt_mutex(self->dev, 0, 0);
	uint32_t index, count;
	pid_t child;

	ASSERT_LE(0, m);
	child = nt_holding_child(self->dev, m, nt_take);
	ASSERT_LT(0, child);
	CHECK_MUTEX(m, 1, child);
	ASSERT_TRUE(nt_kill_child(child));
	CHECK_MUTEX(m, 1, child);
	ASSERT_EQ(0, nt_kill(m, child));
	CHECK_MUTEX_DEAD(m);
	EXPECT_EQ(-1, nt_try(self->dev, false, 1, &m, 9, 0, &index));
	EXPECT_EQ(EOWNERDEAD, errno);
	EXPECT_EQ(0, nt_unlock(m, 9, &count));
	close(m);
}

/* Ours: an ntsync object fd is an evobj fd: waits, poll, read, fdinfo. */
TEST_F(nt, ntsync_fd_in_evobj)
{
	struct evobj_wait w;
	struct pollfd p;
	int32_t fds[3];
	char type[32];
	uint64_t v;
	int flags;

	fds[0] = nt_event(self->dev, 0, 0);
	fds[1] = nt_sem(self->dev, 0, 5);
	fds[2] = nt_mutex(self->dev, 7, 1);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	ASSERT_LE(0, fds[2]);

	/* O_CLOEXEC and O_RDWR, as ntsync's. */
	flags = fcntl(fds[0], F_GETFD);
	EXPECT_TRUE(flags & FD_CLOEXEC);
	EXPECT_EQ(O_RDWR, fcntl(fds[0], F_GETFL) & O_ACCMODE);

	EXPECT_EQ(0, fdinfo_str(fds[0], "type", type, sizeof(type)));
	EXPECT_STREQ("synchronization", type);
	EXPECT_EQ(0, fdinfo_str(fds[1], "type", type, sizeof(type)));
	EXPECT_STREQ("semaphore", type);
	EXPECT_EQ(7, fdinfo_num(fds[2], "owner"));

	/* evobj's ioctls on them, and poll. */
	EXPECT_EQ(0, ev_set(fds[0]));
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLIN);
	w = wait_args(fds, 3, 0);
	w.owner = 7;
	EXPECT_EQ(0, ev_wait(self->evdev, false, &w));
	EXPECT_EQ(0, w.index);
	CHECK_EVENT(fds[0], 0, 0);

	/* A release through write() shows in SEM_READ; read() takes it. */
	v = 2;
	EXPECT_EQ(8, write(fds[1], &v, sizeof(v)));
	CHECK_SEM(fds[1], 2, 5);
	EXPECT_EQ(8, read(fds[1], &v, sizeof(v)));
	CHECK_SEM(fds[1], 1, 5);

	/* An evobj wait-all acquires the ntsync mutex for its owner. */
	EXPECT_EQ(0, nt_change(fds[0], EVOBJ_NT_IOC_EVENT_SET));
	w = wait_args(fds, 3, 0);
	w.owner = 7;
	EXPECT_EQ(0, ev_wait(self->evdev, true, &w));
	CHECK_SEM(fds[1], 0, 5);
	CHECK_MUTEX(fds[2], 2, 7);
	CHECK_EVENT(fds[0], 0, 0);

	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
}

/*
 * Ours: evobj objects (plain, named) take the ntsync ioctls and go in
 * ntsync waits, mixed with objects of two opens of /dev/ntsync.
 */
TEST_F(nt, evobj_fd_in_ntsync)
{
	struct evobj_semaphore sa = { .count = 1, .max = 3 };
	struct evobj_mutex ma = { .owner = 0, .count = 0 };
	int objs[4], dev2, named;
	char name[64];
	struct evobj_open o = {
		.name = (uintptr_t)name,
		.type = EVOBJ_NOTIFICATION,
		.flags = EVOBJ_CLOEXEC | EVOBJ_SIGNALED,
		.disposition = EVOBJ_CREATE_NEW,
		.mode = 0600,
	};
	struct nt_waiter w;
	uint32_t index, n;

	snprintf(name, sizeof(name), "evobj-ntsync-%d", getpid());
	objs[0] = ev_create(self->evdev, EVOBJ_SYNCHRONIZATION, 0);
	objs[1] = ioctl(self->evdev, EVOBJ_IOC_CREATE_SEMAPHORE, &sa);
	objs[2] = ioctl(self->evdev, EVOBJ_IOC_CREATE_MUTEX, &ma);
	named = ioctl(self->evdev, EVOBJ_IOC_OPEN, &o);
	ASSERT_LE(0, objs[0]);
	ASSERT_LE(0, objs[1]);
	ASSERT_LE(0, objs[2]);
	ASSERT_LE(0, named);

	CHECK_EVENT(objs[0], 0, 0);
	CHECK_EVENT(named, 1, 1);
	CHECK_SEM(objs[1], 1, 3);
	CHECK_MUTEX(objs[2], 0, 0);

	/* A second open's object beside the first's and evobj's. */
	dev2 = open(NT_DEV, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, dev2);
	objs[3] = nt_event(dev2, 1, 1);
	ASSERT_LE(0, objs[3]);
	close(dev2);	/* the objects outlive it */

	/* All four, the unsignaled evobj event among them: nothing taken. */
	EXPECT_EQ(-1, nt_try(self->dev, true, 4, objs, 5, 0, &index));
	EXPECT_EQ(ETIMEDOUT, errno);
	CHECK_SEM(objs[1], 1, 3);
	CHECK_MUTEX(objs[2], 0, 0);

	/* Wait-all of the evobj sem, mutex, the other open's event, named. */
	{
		int all[4] = { objs[1], objs[2], objs[3], named };

		EXPECT_EQ(0, nt_try(self->dev, true, 4, all, 5, 0, &index));
		EXPECT_EQ(0, index);
	}
	CHECK_SEM(objs[1], 0, 3);
	CHECK_MUTEX(objs[2], 1, 5);

	/* The ntsync ioctls on the evobj objects. */
	n = 2;
	EXPECT_EQ(0, nt_release(objs[1], &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(0, nt_unlock(objs[2], 5, &n));
	EXPECT_EQ(1, n);

	/* An evobj event wakes an ntsync wait-any. */
	ASSERT_TRUE(nt_waiter_start(&w, self->dev, false, &objs[0], 1, 5, 0,
				    deadline_in(LONG_WAIT_NS), objs[0], 1));
	EXPECT_EQ(0, ev_set(objs[0]));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	CHECK_EVENT(objs[0], 0, 0);

	close(named);
	close(objs[0]);
	close(objs[1]);
	close(objs[2]);
	close(objs[3]);
}

/* Ours: the device node and the module parameter that made it. */
TEST_F(nt, device_and_parameter)
{
	char buf[8] = "";
	struct stat st;
	FILE *f;

	ASSERT_EQ(0, stat(NT_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666, st.st_mode & 0777);
	EXPECT_EQ(0, access("/sys/class/misc/ntsync", F_OK));

	f = fopen(NT_PARAM, "re");
	if (!f)
		SKIP(return, NT_PARAM " absent: /dev/ntsync is not evobj's");
	EXPECT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	EXPECT_STREQ("Y\n", buf);
	/* Read-only once loaded. */
	EXPECT_EQ(0444, (stat(NT_PARAM, &st), st.st_mode & 0777));
}

TEST_HARNESS_MAIN
