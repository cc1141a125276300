/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the evobj selftests: the fixture that opens
 * /dev/evobj (and skips without it), thin ioctl wrappers, clocks,
 * fdinfo parsing and a waiter thread whose result the test's main thread
 * checks, since the harness's ASSERT_*() may only run there.
 */
#ifndef EVOBJ_TEST_H
#define EVOBJ_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/evobj.h>

#include "kselftest_harness.h"

#define EVOBJ_DEV	"/dev/evobj"
#define POISON32	0xdeadbeefU
#define POISON64	0xdeadbeefdeadbeefULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL
/*
 * Bound on every wait that a correct module completes: long enough for
 * TCG emulation, short enough that a broken module fails the test
 * before the harness's 30 s timeout kills it.
 */
#define LONG_WAIT_NS	(10 * NSEC_PER_SEC)

/* Every test gets /dev/evobj open in self->dev. */
FIXTURE(evobj) {
	int dev;
};

FIXTURE_SETUP(evobj)
{
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev) TH_LOG("open " EVOBJ_DEV ": %s", strerror(errno));
}

FIXTURE_TEARDOWN(evobj)
{
	if (self->dev >= 0)
		close(self->dev);
}

static inline uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* An absolute CLOCK_MONOTONIC deadline @ns from now. */
static inline uint64_t deadline_in(uint64_t ns)
{
	return now_ns(CLOCK_MONOTONIC) + ns;
}

static inline void sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* xorshift: cheap per-thread randomness for the stress tests. */
static inline uint32_t next_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/*
 * The operations a stress test performs: EVOBJ_STRESS_OPS (the debug
 * kernel's runs set 20000), 100000 by default, at least 1.
 */
static inline unsigned long stress_ops(void)
{
	const char *env = getenv("EVOBJ_STRESS_OPS");
	unsigned long ops = 100000;

	if (env && *env)
		ops = strtoul(env, NULL, 0);
	return ops ? ops : 1;
}

/* A new event fd, or -1 with errno. */
static inline int ev_create(int dev, uint32_t type, uint32_t flags)
{
	struct evobj_create args = { .type = type, .flags = flags };

	return ioctl(dev, EVOBJ_IOC_CREATE, &args);
}

/*
 * EVOBJ_IOC_SET/RESET/PULSE: the previous state, or -1 with errno. The
 * output is poisoned, so a call that returns 0 without writing it is
 * caught as the poison value.
 */
static inline int64_t ev_change(int fd, unsigned long cmd)
{
	uint32_t prev = POISON32;

	if (ioctl(fd, cmd, &prev))
		return -1;
	return prev;
}

static inline int64_t ev_set(int fd)
{
	return ev_change(fd, EVOBJ_IOC_SET);
}

static inline int64_t ev_reset(int fd)
{
	return ev_change(fd, EVOBJ_IOC_RESET);
}

static inline int64_t ev_pulse(int fd)
{
	return ev_change(fd, EVOBJ_IOC_PULSE);
}

/* EVOBJ_IOC_READ's signaled field (poison if unwritten), or -1. */
static inline int64_t ev_signaled(int fd)
{
	struct evobj_state state = { .type = POISON32, .signaled = POISON32 };

	if (ioctl(fd, EVOBJ_IOC_READ, &state))
		return -1;
	return state.signaled;
}

/* A wait over @count fds with no alert and no signal, index poisoned. */
static inline struct evobj_wait wait_args(const int32_t *fds, uint32_t count,
					  uint64_t timeout)
{
	struct evobj_wait w = {
		.timeout = timeout,
		.fds = (uintptr_t)fds,
		.count = count,
		.index = POISON32,
		.alert = -1,
		.signal = -1,
	};

	return w;
}

static inline int ev_wait(int dev, bool all, struct evobj_wait *w)
{
	return ioctl(dev, all ? EVOBJ_IOC_WAIT_ALL : EVOBJ_IOC_WAIT_ANY, w);
}

/*
 * The value of @key in /proc/self/fdinfo/@fd, copied to @val; -1 if the
 * file or the key is missing.
 */
static inline int fdinfo_str(int fd, const char *key, char *val, size_t len)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	int ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		/* "key:\tvalue\n" */
		snprintf(val, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
		val[strcspn(val, "\n")] = '\0';
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

static inline long fdinfo_num(int fd, const char *key)
{
	char val[64], *end;
	long n;

	if (fdinfo_str(fd, key, val, sizeof(val)))
		return -1;
	n = strtol(val, &end, 10);
	return end == val || *end ? -1 : n;
}

/*
 * Polls fdinfo until the object behind @fd has @n waiters queued: the
 * way to know that a thread is really blocked in a wait, not just about
 * to. Bounded, so that a broken module fails instead of hanging.
 */
static inline bool wait_for_waiters(int fd, long n)
{
	uint64_t end = deadline_in(LONG_WAIT_NS);

	do {
		if (fdinfo_num(fd, "waiters") == n)
			return true;
		sleep_ns(NSEC_PER_MSEC);
	} while (now_ns(CLOCK_MONOTONIC) < end);
	return false;
}

/*
 * A thread blocked in one wait ioctl (or in read() if @use_read). The
 * main thread sets up @args, starts it, and checks ret/err/index after
 * joining; @done tells whether it returned yet.
 */
struct waiter {
	pthread_t thread;
	int dev;
	bool all;
	bool use_read;
	int32_t fds[EVOBJ_MAX_WAIT];
	struct evobj_wait args;
	/* results */
	atomic_bool done;
	int ret;
	int err;
	uint64_t value;		/* what read() returned */
	uint64_t end_ns;	/* CLOCK_MONOTONIC at return */
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;

	if (w->use_read) {
		w->value = POISON64;
		w->ret = read(w->fds[0], &w->value, sizeof(w->value));
	} else {
		w->ret = ev_wait(w->dev, w->all, &w->args);
	}
	w->err = w->ret < 0 ? errno : 0;
	w->end_ns = now_ns(CLOCK_MONOTONIC);
	atomic_store(&w->done, true);
	return NULL;
}

/* Prepares @w to wait on @fds with an absolute monotonic @timeout. */
static inline void waiter_init(struct waiter *w, int dev, bool all,
			       const int32_t *fds, uint32_t count, uint64_t timeout)
{
	memset(w, 0, sizeof(*w));
	w->dev = dev;
	w->all = all;
	memcpy(w->fds, fds, count * sizeof(*fds));
	w->args = wait_args(w->fds, count, timeout);
	w->ret = w->err = (int)POISON32;
	atomic_init(&w->done, false);
}

static inline int waiter_start(struct waiter *w)
{
	return pthread_create(&w->thread, NULL, waiter_fn, w);
}

/*
 * Starts @w and returns once the object behind @fd has @n waiters, so
 * that several waiters queue in a known order. false if it never did.
 */
static inline bool waiter_start_queued(struct waiter *w, int fd, long n)
{
	return !waiter_start(w) && wait_for_waiters(fd, n);
}

/*
 * Joins @w, which must have completed already or do so shortly; fails
 * the test (from its main thread) if it does not. Any waiter struct with
 * a thread and a done flag will do (evobj_waitset.c's set_waiter too).
 */
#define JOIN_DONE(w) do { \
	uint64_t _end = deadline_in(LONG_WAIT_NS); \
	while (!atomic_load(&(w)->done) && now_ns(CLOCK_MONOTONIC) < _end) \
		sleep_ns(NSEC_PER_MSEC); \
	ASSERT_TRUE(atomic_load(&(w)->done)); \
	ASSERT_EQ(0, pthread_join((w)->thread, NULL)); \
} while (0)

/* Signal handling for the EINTR / SA_RESTART tests. */
static atomic_int signals_caught;

static void count_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&signals_caught, 1);
}

static inline int catch_signal(int sig, bool restart)
{
	struct sigaction sa = {
		.sa_handler = count_signal,
		.sa_flags = restart ? SA_RESTART : 0,
	};

	atomic_store(&signals_caught, 0);
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);
}

/*
 * An address nothing is mapped at, hidden from the compiler so that it
 * does not warn about the deliberately bad read()/write() buffers.
 */
static inline void *bad_address(void)
{
	static void *volatile addr = (void *)8;

	return addr;
}

/*
 * A copy of @len bytes of @src in a page that the kernel may read but not
 * write, for EFAULT on copy-out; NULL on failure. Never freed: each test
 * runs in its own process.
 */
static inline void *readonly_copy(const void *src, size_t len)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || len > 4096)
		return NULL;
	memcpy(p, src, len);
	if (mprotect(p, 4096, PROT_READ))
		return NULL;
	return p;
}

/* ---- semaphores, and what every kind of object shares ---- */

/* EVOBJ_IOC_CREATE_SEMAPHORE with every field given; -1 with errno. */
static inline int sem_create_full(int dev, uint32_t count, uint32_t max,
				  uint32_t flags, uint32_t pad)
{
	struct evobj_semaphore args = {
		.count = count, .max = max, .flags = flags, .pad = pad,
	};

	return ioctl(dev, EVOBJ_IOC_CREATE_SEMAPHORE, &args);
}

static inline int sem_create(int dev, uint32_t count, uint32_t max)
{
	return sem_create_full(dev, count, max, 0, 0);
}

/*
 * EVOBJ_IOC_RELEASE of @n: the previous count, or -1 with errno. If the
 * call fails, the argument must still hold @n (nothing written back).
 */
static inline int64_t sem_release(int fd, uint32_t n)
{
	uint32_t arg = n;

	if (ioctl(fd, EVOBJ_IOC_RELEASE, &arg)) {
		int e = errno;

		if (arg != n)
			return -2;	/* a failed release wrote back */
		errno = e;
		return -1;
	}
	return arg;
}

/* The count, by EVOBJ_IOC_READ_SEMAPHORE; -1 on failure. */
static inline int64_t sem_count(int fd)
{
	struct evobj_semaphore_state st = { POISON32, POISON32 };

	if (ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, &st))
		return -1;
	return st.count;
}

static inline int64_t sem_max(int fd)
{
	struct evobj_semaphore_state st = { POISON32, POISON32 };

	if (ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, &st))
		return -1;
	return st.max;
}

/* EVOBJ_IOC_READ's type (poison if unwritten), or -1. */
static inline int64_t obj_type(int fd)
{
	struct evobj_state state = { POISON32, POISON32 };

	if (ioctl(fd, EVOBJ_IOC_READ, &state))
		return -1;
	return state.type;
}

static inline short poll_revents(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events, .revents = 0x7fff };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

static inline ssize_t write_u64(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v));
}

/* A test (timeout 0) wait on @fds; the index, or -1 with errno. */
static inline int64_t try_wait(int dev, bool all, const int32_t *fds,
			       uint32_t count)
{
	struct evobj_wait w = wait_args(fds, count, 0);

	if (ev_wait(dev, all, &w))
		return -1;
	return w.index;
}

static inline struct evobj_waitset_wait one_args(uint64_t timeout)
{
	struct evobj_waitset_wait w = {
		.timeout = timeout,
		.index = POISON32,
		.alert = -1,
		.signal = -1,
	};

	return w;
}

/*
 * A thread in EVOBJ_IOC_WAIT on one object's own fd, or in @cmd on a
 * wait set's.
 */
struct one_waiter {
	pthread_t thread;
	int fd;
	unsigned long cmd;
	struct evobj_waitset_wait args;
	atomic_bool done;
	int ret, err;
};

static void *one_waiter_fn(void *arg)
{
	struct one_waiter *w = arg;

	w->ret = ioctl(w->fd, w->cmd, &w->args);
	w->err = w->ret < 0 ? errno : 0;
	atomic_store(&w->done, true);
	return NULL;
}

static inline int one_waiter_start_cmd(struct one_waiter *w, int fd,
				       unsigned long cmd, uint64_t timeout)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->cmd = cmd;
	w->args = one_args(timeout);
	w->ret = w->err = (int)POISON32;
	atomic_init(&w->done, false);
	return pthread_create(&w->thread, NULL, one_waiter_fn, w);
}

static inline int one_waiter_start(struct one_waiter *w, int fd, uint64_t timeout)
{
	return one_waiter_start_cmd(w, fd, EVOBJ_IOC_WAIT, timeout);
}

/* ---- named objects ---- */

/*
 * EVOBJ_IOC_OPEN with the VER2 struct as *args gives it (name, type,
 * flags, disposition, mode, counts, owner): the fd, or -1 with errno.
 * *created, if given, gets the result flag, poisoned first so that a
 * call that does not write it is caught: 1 created, 0 opened, -1 on
 * failure, -2 for anything else.
 */
static inline int obj_open_args(int dev, struct evobj_open args, int *created)
{
	int fd;

	args.result = POISON32;
	fd = ioctl(dev, EVOBJ_IOC_OPEN, &args);
	if (created)
		*created = fd < 0 ? -1 : args.result == EVOBJ_OPEN_CREATED ? 1 :
			   args.result == 0 ? 0 : -2;
	return fd;
}

/*
 * A name unique to this process, suite (@kind, "" or "sem/") and call
 * site, so tests never collide: UNAME(what) in each suite.
 */
static inline const char *test_name(char *buf, size_t len, const char *kind,
				    const char *what)
{
	snprintf(buf, len, "evobj-test/%d/%s%s", getpid(), kind, what);
	return buf;
}

/* The lowest free fd number: a failed open must not have used one up. */
static inline int next_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

#endif /* EVOBJ_TEST_H */
