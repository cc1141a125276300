// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mapped state word (Documentation/evobj.rst, "The mapped state
 * word"): the shape of a mapping and its errors, the word following the
 * ioctls, changes through the word seen by every kernel path (reads,
 * poll, waits, wait sets, wait-all), the kernel holding the word while a
 * wait is queued, a poller registered or the timer armed (and ignoring
 * what is written meanwhile), pulses never showing, garbage reduced to
 * one bit, one process per word, vm.max_map_count, and a stress of the
 * word against kernel waits whose exact invariant is raised = taken +
 * final state; then closer looks (see the comment half-way down).
 */

#include <poll.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "evobj_test.h"

#define SIG	EVOBJ_WORD_SIGNALED
#define KERN	EVOBJ_WORD_KERNEL

static size_t page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* The word of event fd @fd, or NULL with errno. */
static _Atomic uint32_t *map_word(int fd)
{
	void *p = mmap(NULL, page(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void unmap_word(_Atomic uint32_t *w)
{
	munmap((void *)w, page());
}

/* The mapping process's change: only from @old, as the contract says. */
static bool cas(_Atomic uint32_t *w, uint32_t old, uint32_t new)
{
	return atomic_compare_exchange_strong(w, &old, new);
}

/* Waits up to LONG_WAIT_NS for the kernel bit of @w to be @held. */
static bool kernel_holds(_Atomic uint32_t *w, bool held)
{
	uint64_t end = deadline_in(LONG_WAIT_NS);

	while (!!(atomic_load(w) & KERN) != held) {
		if (now_ns(CLOCK_MONOTONIC) > end)
			return false;
		sleep_ns(NSEC_PER_MSEC);
	}
	return true;
}

TEST_F(evobj, shape_errors)
{
	int fd = ev_create(self->dev, EVOBJ_NOTIFICATION, 0);
	int32_t fds[1] = { fd };
	struct evobj_waitset ws = { .fds = (uintptr_t)fds, .count = 1 };
	int set;

	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * page(), PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page(), PROT_READ, MAP_SHARED, fd, page()));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page(), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page(), PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Neither the device nor a wait set has a word. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page(), PROT_READ, MAP_SHARED, self->dev, 0));
	EXPECT_EQ(ENODEV, errno);
	set = ioctl(self->dev, EVOBJ_IOC_WAITSET, &ws);
	ASSERT_LE(0, set);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page(), PROT_READ, MAP_SHARED, set, 0));
	EXPECT_EQ(ENODEV, errno);
	close(set);
	close(fd);
}

TEST_F(evobj, word_follows_ioctls)
{
	int fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, EVOBJ_SIGNALED);
	_Atomic uint32_t *w, *w2;
	char val[16];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fdinfo_str(fd, "word", val, sizeof(val)));
	EXPECT_STREQ("none", val);
	w = map_word(fd);
	ASSERT_NE(NULL, w) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(SIG, atomic_load(w));
	ASSERT_EQ(0, fdinfo_str(fd, "word", val, sizeof(val)));
	EXPECT_STREQ("mapped", val);
	EXPECT_EQ(1, ev_reset(fd));
	EXPECT_EQ(0, atomic_load(w));
	EXPECT_EQ(0, ev_set(fd));
	EXPECT_EQ(SIG, atomic_load(w));
	/* A second mapping in the same process is the same word. */
	w2 = map_word(fd);
	ASSERT_NE(NULL, w2);
	EXPECT_EQ(1, ev_pulse(fd));
	EXPECT_EQ(0, atomic_load(w2));
	unmap_word(w2);
	unmap_word(w);
	close(fd);
}

TEST_F(evobj, changes_through_the_word_are_seen)
{
	int n = ev_create(self->dev, EVOBJ_NOTIFICATION, 0);
	int s = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	int32_t fds[2] = { n, s };
	struct evobj_wait wt = wait_args(&fds[1], 1, 0);
	struct evobj_waitset ws = { .fds = (uintptr_t)fds, .count = 2 };
	struct evobj_waitset_wait sw = { .alert = -1, .signal = -1 };
	_Atomic uint32_t *nw, *swd;
	struct pollfd pfd = { .fd = n, .events = POLLIN };
	int set;

	ASSERT_LE(0, n);
	ASSERT_LE(0, s);
	nw = map_word(n);
	swd = map_word(s);
	ASSERT_NE(NULL, nw);
	ASSERT_NE(NULL, swd);

	ASSERT_TRUE(cas(nw, 0, SIG));
	EXPECT_EQ(1, ev_signaled(n));
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_TRUE(cas(nw, SIG, 0));
	EXPECT_EQ(0, ev_signaled(n));
	EXPECT_EQ(0, poll(&pfd, 1, 0));

	/* A wait takes a synchronization event set through its word. */
	ASSERT_TRUE(cas(swd, 0, SIG));
	EXPECT_EQ(0, ev_wait(self->dev, false, &wt));
	EXPECT_EQ(0, atomic_load(swd));
	EXPECT_EQ(-1, ev_wait(self->dev, false, &wt));
	EXPECT_EQ(ETIMEDOUT, errno);

	/* So does a wait set, and a wait-all over both words. */
	set = ioctl(self->dev, EVOBJ_IOC_WAITSET, &ws);
	ASSERT_LE(0, set);
	ASSERT_TRUE(cas(swd, 0, SIG));
	EXPECT_EQ(0, ioctl(set, EVOBJ_IOC_WAITSET_ANY, &sw));
	EXPECT_EQ(1, sw.index);
	EXPECT_EQ(0, atomic_load(swd));
	ASSERT_TRUE(cas(nw, 0, SIG));
	ASSERT_TRUE(cas(swd, 0, SIG));
	wt = wait_args(fds, 2, 0);
	EXPECT_EQ(0, ev_wait(self->dev, true, &wt));
	EXPECT_EQ(SIG, atomic_load(nw));
	EXPECT_EQ(0, atomic_load(swd));
	close(set);
	unmap_word(nw);
	unmap_word(swd);
	close(n);
	close(s);
}

TEST_F(evobj, queued_wait_holds_the_word)
{
	int fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	int32_t fds[1] = { fd };
	struct waiter wt;
	_Atomic uint32_t *w;
	char val[16];

	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	waiter_init(&wt, self->dev, false, fds, 1, EVOBJ_TIMEOUT_INFINITE);
	ASSERT_TRUE(waiter_start_queued(&wt, fd, 1));
	ASSERT_TRUE(kernel_holds(w, true));
	ASSERT_EQ(0, fdinfo_str(fd, "word", val, sizeof(val)));
	EXPECT_STREQ("held", val);
	EXPECT_FALSE(cas(w, 0, SIG));
	/* Scribbled while held: the kernel's state wins, nobody is woken. */
	atomic_store(w, SIG);
	sleep_ns(200 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&wt.done));
	EXPECT_EQ(0, ev_signaled(fd));
	EXPECT_EQ(KERN, atomic_load(w));
	EXPECT_EQ(0, ev_set(fd));
	JOIN_DONE(&wt);
	EXPECT_EQ(0, wt.ret);
	EXPECT_EQ(0, atomic_load(w));
	unmap_word(w);
	close(fd);
}

TEST_F(evobj, poller_and_timer_hold_the_word)
{
	int fd = ev_create(self->dev, EVOBJ_NOTIFICATION, 0);
	struct epoll_event e = { .events = EPOLLIN };
	struct evobj_timer t = { .expires = now_ns(CLOCK_MONOTONIC) + 3600 * NSEC_PER_SEC };
	struct evobj_timer off = { 0 };
	_Atomic uint32_t *w;
	int ep;

	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
	EXPECT_EQ(KERN, atomic_load(w));
	EXPECT_EQ(0, ev_set(fd));
	EXPECT_EQ(1, epoll_wait(ep, &e, 1, 10000));
	EXPECT_EQ(KERN | SIG, atomic_load(w));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL));
	EXPECT_EQ(1, ev_reset(fd));
	EXPECT_EQ(0, atomic_load(w));
	close(ep);

	ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_TIMER, &t));
	EXPECT_EQ(KERN, atomic_load(w));
	ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_TIMER, &off));
	EXPECT_EQ(0, atomic_load(w));
	unmap_word(w);
	close(fd);
}

/* A wait set polled through epoll holds its members' words. */
TEST_F(evobj, polled_wait_set_holds_member_words)
{
	int fd = ev_create(self->dev, EVOBJ_NOTIFICATION, 0);
	int32_t fds[1] = { fd };
	struct evobj_waitset ws = { .fds = (uintptr_t)fds, .count = 1 };
	struct epoll_event e = { .events = EPOLLIN };
	_Atomic uint32_t *w;
	int set, ep;

	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	set = ioctl(self->dev, EVOBJ_IOC_WAITSET, &ws);
	ASSERT_LE(0, set);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, set, &e));
	EXPECT_EQ(KERN, atomic_load(w));
	EXPECT_FALSE(cas(w, 0, SIG));
	EXPECT_EQ(0, ev_set(fd));
	EXPECT_EQ(1, epoll_wait(ep, &e, 1, 10000));
	close(ep);
	close(set);
	unmap_word(w);
	close(fd);
}

TEST_F(evobj, pulse_never_shows)
{
	int fd = ev_create(self->dev, EVOBJ_NOTIFICATION, 0);
	int32_t fds[1] = { fd };
	_Atomic uint32_t *w;
	int i;

	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	for (i = 0; i < 20; i++) {
		struct waiter wt;

		waiter_init(&wt, self->dev, false, fds, 1, EVOBJ_TIMEOUT_INFINITE);
		ASSERT_TRUE(waiter_start_queued(&wt, fd, 1));
		EXPECT_EQ(0, ev_pulse(fd));
		EXPECT_EQ(0, atomic_load(w) & SIG);
		JOIN_DONE(&wt);
		EXPECT_EQ(0, wt.ret);
	}
	EXPECT_EQ(0, atomic_load(w));
	unmap_word(w);
	close(fd);
}

TEST_F(evobj, garbage_is_one_bit)
{
	static const uint32_t junk[] = { 0xfffffffe, 0xffffffff, 0x80000001, KERN };
	int fd = ev_create(self->dev, EVOBJ_NOTIFICATION, 0);
	_Atomic uint32_t *w;
	unsigned int i;

	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	for (i = 0; i < ARRAY_SIZE(junk); i++) {
		atomic_store(w, junk[i]);
		EXPECT_EQ(junk[i] & SIG, ev_signaled(fd));
		EXPECT_EQ(junk[i] & SIG, atomic_load(w));
		EXPECT_EQ(junk[i] & SIG, ev_set(fd));
		EXPECT_EQ(1, ev_reset(fd));
		EXPECT_EQ(0, atomic_load(w));
	}
	unmap_word(w);
	close(fd);
}

TEST_F(evobj, one_process_per_word)
{
	int fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	_Atomic uint32_t *w;
	int status;
	pid_t pid;

	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char vec;
		void *p = mmap(NULL, page(), PROT_READ, MAP_SHARED, fd, 0);

		/* Not inherited, and not to be had: the parent's word. */
		if (p != MAP_FAILED || errno != EBUSY)
			_exit(1);
		if (mincore((void *)w, page(), &vec) == 0 || errno != ENOMEM)
			_exit(2);
		_exit(ev_set(fd) == 0 ? 0 : 3);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(SIG, atomic_load(w));	/* the child's set */
	unmap_word(w);
	close(fd);
}

TEST_F(evobj, mapping_outlives_the_fd)
{
	int fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	_Atomic uint32_t *w;
	int dup;

	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	ASSERT_LE(0, dup);
	close(fd);
	ASSERT_TRUE(cas(w, 0, SIG));
	EXPECT_EQ(1, ev_signaled(dup));
	close(dup);
	/* The mapping keeps the event: still there to write. */
	ASSERT_TRUE(cas(w, SIG, 0));
	unmap_word(w);
	w = map_word(ev_create(self->dev, EVOBJ_NOTIFICATION, 0));
	ASSERT_NE(NULL, w);
	unmap_word(w);
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static bool write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fprintf(f, "%ld\n", v) > 0;
	return fclose(f) == 0 && ok;
}

static long count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	long n = 0;
	int c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* At vm.max_map_count mmap fails with ENOMEM, and the event still works. */
TEST_F(evobj, max_map_count)
{
	static const char knob[] = "/proc/sys/vm/max_map_count";
	long saved = read_long(knob), maps = count_maps();
	_Atomic uint32_t *w[8] = { 0 };
	int fds[8], i, mapped = 0, err = 0;

	ASSERT_LT(0, maps);
	if (saved < 0 || !write_long(knob, maps + 4))
		SKIP(return, "cannot set %s (not root?)", knob);
	for (i = 0; i < 8; i++) {
		fds[i] = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
		if (fds[i] < 0)
			break;
		w[i] = map_word(fds[i]);
		if (!w[i] && !err)
			err = errno;
		mapped += !!w[i];
	}
	write_long(knob, saved);
	ASSERT_EQ(8, i);
	EXPECT_LT(0, mapped);
	EXPECT_GT(8, mapped);
	EXPECT_EQ(ENOMEM, err);
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, ev_set(fds[i]));
		EXPECT_EQ(1, ev_signaled(fds[i]));
		if (w[i]) {
			EXPECT_EQ(SIG, atomic_load(w[i]));
			unmap_word(w[i]);
		}
		close(fds[i]);
	}
}

/*
 * The word raced by kernel waits: setters through the word (or the
 * ioctl while the kernel holds it), takers through the word and blocking
 * waits. Every 0 -> 1 is counted where it happens, and every take.
 */
struct race {
	int dev, fd;
	_Atomic uint32_t *w;
	unsigned long ops;
	atomic_long raised, taken;
	atomic_int setters_done;
};

static void *race_setter(void *arg)
{
	struct race *r = arg;
	unsigned long i;

	for (i = 0; i < r->ops; i++) {
		uint32_t cur = atomic_load(r->w);

		if (cur == 0 && cas(r->w, 0, SIG))
			atomic_fetch_add(&r->raised, 1);
		else if ((cur & KERN) && ev_set(r->fd) == 0)
			atomic_fetch_add(&r->raised, 1);
	}
	atomic_fetch_add(&r->setters_done, 1);
	return NULL;
}

static void *race_taker(void *arg)
{
	struct race *r = arg;
	int32_t fds[1] = { r->fd };
	unsigned long i = 0;

	while (atomic_load(&r->setters_done) < 2) {
		if (i++ & 1) {
			struct evobj_wait wt = wait_args(fds, 1, deadline_in(NSEC_PER_MSEC));

			if (ev_wait(r->dev, false, &wt) == 0)
				atomic_fetch_add(&r->taken, 1);
		} else if (cas(r->w, SIG, 0)) {
			atomic_fetch_add(&r->taken, 1);
		}
	}
	return NULL;
}

TEST_F(evobj, stress_word_against_kernel_waits)
{
	struct race r = { .dev = self->dev };
	pthread_t t[4];
	int i;

	r.fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	ASSERT_LE(0, r.fd);
	r.w = map_word(r.fd);
	ASSERT_NE(NULL, r.w);
	r.ops = stress_ops();
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, i < 2 ? race_setter : race_taker, &r));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	EXPECT_LT(0, atomic_load(&r.raised));
	EXPECT_EQ(atomic_load(&r.raised), atomic_load(&r.taken) + ev_signaled(r.fd));
	EXPECT_EQ((uint32_t)ev_signaled(r.fd), atomic_load(r.w));
	unmap_word(r.w);
	close(r.fd);
}

/*
 * The cases below look closer: every fd of an event and concurrent
 * mmap()s get the one word; partial wait-alls take nothing; a held
 * word ignores writes for both types; a set that follows the protocol
 * wakes what blocks; the timer's expiry reaches the word; a thread that
 * watches the word never sees a pulse; the first mm owns the word for
 * the event's life (fork, execve); and a stress with wait-alls.
 */

/* How long a scribbled word is given to release a waiter it must not. */
#define SCRIBBLE_NS	(200 * NSEC_PER_MSEC)
/* The environment variable of the re-executed image (exec test). */
#define EXEC_ENV	"EVOBJ_WORD_EXEC"

/* mmap() of @fd with this shape: 0, or the errno it failed with. */
static int map_errno(int fd, size_t len, int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p != MAP_FAILED) {
		munmap(p, len);
		return 0;
	}
	return errno;
}

/*
 * A set that follows the protocol: through the word while the kernel
 * does not hold it, else the ioctl. 1 if this set raised the event, 0
 * if it found it signaled, -1 on an ioctl error or a word that is no
 * state (garbage, which the callers never write).
 */
static int word_set(int fd, _Atomic uint32_t *w)
{
	for (;;) {
		uint32_t v = atomic_load(w);
		int64_t prev;

		if (v & KERN) {
			prev = ev_set(fd);
			return prev < 0 || prev > 1 ? -1 : !prev;
		}
		if (v == SIG)
			return 0;
		if (v)
			return -1;
		if (cas(w, 0, SIG))
			return 1;
	}
}

/* Takes a signaled event through the word; false if the word says no. */
static bool claim(_Atomic uint32_t *w)
{
	return atomic_load(w) == SIG && cas(w, SIG, 0);
}

/* Polls the word until (word & @mask) == @want; bounded. */
static bool word_becomes(_Atomic uint32_t *w, uint32_t mask, uint32_t want)
{
	uint64_t end = deadline_in(LONG_WAIT_NS);

	while ((atomic_load(w) & mask) != want) {
		if (now_ns(CLOCK_MONOTONIC) > end)
			return false;
		sleep_ns(NSEC_PER_MSEC);
	}
	return true;
}

/* Whether every byte of the page after the word reads zero. */
static bool page_tail_zero(_Atomic uint32_t *w)
{
	const unsigned char *p = (const unsigned char *)w;

	for (size_t i = sizeof(*w); i < page(); i++)
		if (p[i])
			return false;
	return true;
}

/* Whether anything is mapped at @addr: mincore() says ENOMEM if not. */
static bool is_mapped(const void *addr)
{
	unsigned char vec;

	return !mincore((void *)addr, page(), &vec) || errno != ENOMEM;
}

/* How many mappings of an event's word /proc/self/maps shows, or -1. */
static int word_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, "anon_inode:[evobj]");
	fclose(f);
	return n;
}

/* fdinfo's word: line, or "?" if absent; main thread only. */
static const char *fdinfo_word(int fd)
{
	static char buf[32];

	if (fdinfo_str(fd, "word", buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	return buf;
}

static int set_create(int dev, const int32_t *fds, uint32_t count)
{
	struct evobj_waitset args = { .fds = (uintptr_t)fds, .count = count };

	return ioctl(dev, EVOBJ_IOC_WAITSET, &args);
}

/* A wait on a set: the index, or -1 with errno. */
static int set_wait(int set, bool all, uint64_t timeout)
{
	struct evobj_waitset_wait w = {
		.timeout = timeout, .index = POISON32, .alert = -1, .signal = -1,
	};
	int ret = ioctl(set, all ? EVOBJ_IOC_WAITSET_ALL : EVOBJ_IOC_WAITSET_ANY,
			&w);

	return ret ? ret : (int)w.index;
}

/* A wait with timeout 0 (a test): the index, or -1 with errno. */
static int test_wait(int dev, bool all, const int32_t *fds, uint32_t count)
{
	struct evobj_wait w = wait_args(fds, count, 0);
	int ret = ev_wait(dev, all, &w);

	return ret ? ret : (int)w.index;
}

static int named_open(int dev, const char *name, uint32_t type,
		      uint32_t disposition)
{
	struct evobj_open args = {
		.name = (uintptr_t)name, .type = type,
		.disposition = disposition, .mode = 0600,
	};

	return ioctl(dev, EVOBJ_IOC_OPEN, &args);
}

static int arm_timer(int fd, uint64_t expires, uint64_t period)
{
	struct evobj_timer t = { .expires = expires, .period = period };

	return ioctl(fd, EVOBJ_IOC_TIMER, &t);
}

/* Sets an event 50 ms from now from a thread: the ioctl, or word_set(). */
struct delayed {
	pthread_t thread;
	int fd;
	_Atomic uint32_t *w;
	int ret;
};

static void *delayed_fn(void *arg)
{
	struct delayed *d = arg;

	sleep_ns(50 * NSEC_PER_MSEC);
	d->ret = d->w ? word_set(d->fd, d->w) : (int)ev_set(d->fd);
	return NULL;
}

static int delayed_start(struct delayed *d, int fd, _Atomic uint32_t *w)
{
	*d = (struct delayed){ .fd = fd, .w = w, .ret = -2 };
	return pthread_create(&d->thread, NULL, delayed_fn, d);
}

/*
 * The re-executed image of exec_drops_mapping: the inherited fd's word
 * belonged to the mm that execve() dropped, so mmap() is EBUSY, no word
 * is mapped (the new image's own mappings may well lie where the old
 * one was, in 32 bits), and the ioctls work. Runs before the harness's
 * main().
 */
static void __attribute__((constructor)) exec_child(void)
{
	const char *env = getenv(EXEC_ENV);
	char *end;
	int fd;

	if (!env)
		return;
	fd = strtol(env, &end, 10);
	if (end == env || *end)
		_exit(10);
	if (map_word(fd) || errno != EBUSY)
		_exit(11);
	if (word_mappings() != 0)
		_exit(12);
	_exit(ev_set(fd) == 0 ? 0 : 13);
}

TEST_F(evobj, shape_details)
{
	int fd, pipefd[2], prot = PROT_READ | PROT_WRITE;
	_Atomic uint32_t *w;
	void *p;

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, map_errno(fd, 2 * page(), prot, MAP_SHARED, page()));
	EXPECT_EQ(EINVAL, map_errno(fd, page(), PROT_READ, MAP_PRIVATE, 0));
	EXPECT_EQ(EINVAL, map_errno(fd, page(), prot | PROT_EXEC, MAP_SHARED, 0));
	/* A refused mmap gives the event no word. */
	EXPECT_STREQ("none", fdinfo_word(fd));
	/* Other fds have no mmap at all; a closed one is EBADF. */
	ASSERT_EQ(0, pipe(pipefd));
	EXPECT_EQ(ENODEV, map_errno(pipefd[0], page(), PROT_READ, MAP_SHARED, 0));
	EXPECT_EQ(EBADF, map_errno(1000, page(), prot, MAP_SHARED, 0));

	w = map_word(fd);
	ASSERT_NE(NULL, w) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_TRUE(page_tail_zero(w));
	/* Read-only is a mapping too; it may not become executable. */
	p = mmap(NULL, page(), PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, page(), PROT_READ | PROT_EXEC));
	EXPECT_EQ(0, munmap(p, page()));
	/* Nor may a mapping grow. */
	p = mremap((void *)w, page(), 2 * page(), MREMAP_MAYMOVE);
	EXPECT_EQ(MAP_FAILED, p);
	if (p != MAP_FAILED)
		w = p;
	EXPECT_EQ(0, ev_set(fd));
	EXPECT_EQ(SIG, atomic_load(w));
	EXPECT_TRUE(page_tail_zero(w));
	close(pipefd[0]);
	close(pipefd[1]);
}

/* Every fd of an event, a dup or one opened by name, maps the one word. */
TEST_F(evobj, every_fd_maps_the_one_word)
{
	_Atomic uint32_t *a, *b, *c, *d;
	int fd, copy, byname;
	char name[64];

	snprintf(name, sizeof(name), "evobj-word/%d/every-fd", getpid());
	fd = named_open(self->dev, name, EVOBJ_NOTIFICATION, EVOBJ_CREATE_NEW);
	ASSERT_LE(0, fd);
	a = map_word(fd);
	b = map_word(fd);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(a, b);
	copy = dup(fd);
	ASSERT_LE(0, copy);
	c = map_word(copy);
	ASSERT_NE(NULL, c);
	byname = named_open(self->dev, name, EVOBJ_NOTIFICATION,
			    EVOBJ_OPEN_EXISTING);
	ASSERT_LE(0, byname);
	d = map_word(byname);
	ASSERT_NE(NULL, d) TH_LOG("mmap of the fd opened by name: %s",
				  strerror(errno));

	ASSERT_TRUE(cas(a, 0, SIG));
	EXPECT_EQ(SIG, atomic_load(b));
	EXPECT_EQ(SIG, atomic_load(c));
	EXPECT_EQ(SIG, atomic_load(d));
	EXPECT_EQ(1, ev_signaled(byname));
	ASSERT_TRUE(cas(d, SIG, 0));
	EXPECT_EQ(0, atomic_load(a));
	EXPECT_EQ(0, ev_signaled(fd));
	EXPECT_EQ(0, ev_set(byname));
	EXPECT_EQ(SIG, atomic_load(c));
	unmap_word(a);
	EXPECT_EQ(SIG, atomic_load(b));
}

/*
 * Two threads map each of many fresh events at the same instant: both
 * get the event's one word, never a page of their own or another.
 */
#define MAP_RACE_EVENTS	64

struct map_race {
	pthread_barrier_t barrier;
	int fds[MAP_RACE_EVENTS];
	_Atomic uint32_t *words[2][MAP_RACE_EVENTS];
	int errs[2][MAP_RACE_EVENTS];
};

struct map_racer {
	pthread_t thread;
	struct map_race *r;
	int id;
};

static void *map_racer_fn(void *arg)
{
	struct map_racer *m = arg;

	for (int i = 0; i < MAP_RACE_EVENTS; i++) {
		pthread_barrier_wait(&m->r->barrier);
		m->r->words[m->id][i] = map_word(m->r->fds[i]);
		m->r->errs[m->id][i] = m->r->words[m->id][i] ? 0 : errno;
	}
	return NULL;
}

TEST_F(evobj, concurrent_maps_share_the_word)
{
	struct map_racer racers[2];
	struct map_race r;

	for (int i = 0; i < MAP_RACE_EVENTS; i++) {
		r.fds[i] = ev_create(self->dev, i % 2 ? EVOBJ_NOTIFICATION :
				     EVOBJ_SYNCHRONIZATION, 0);
		ASSERT_LE(0, r.fds[i]);
	}
	ASSERT_EQ(0, pthread_barrier_init(&r.barrier, NULL, 2));
	for (int t = 0; t < 2; t++) {
		racers[t] = (struct map_racer){ .r = &r, .id = t };
		ASSERT_EQ(0, pthread_create(&racers[t].thread, NULL,
					    map_racer_fn, &racers[t]));
	}
	for (int t = 0; t < 2; t++)
		ASSERT_EQ(0, pthread_join(racers[t].thread, NULL));
	for (int i = 0; i < MAP_RACE_EVENTS; i++) {
		_Atomic uint32_t *a = r.words[0][i], *b = r.words[1][i];

		ASSERT_NE(NULL, a) TH_LOG("event %d: %s", i, strerror(r.errs[0][i]));
		ASSERT_NE(NULL, b) TH_LOG("event %d: %s", i, strerror(r.errs[1][i]));
		ASSERT_EQ(0, atomic_load(a));
		ASSERT_EQ(0, atomic_load(b));
		ASSERT_TRUE(page_tail_zero(a));
		ASSERT_TRUE(page_tail_zero(b));
		ASSERT_TRUE(cas(a, 0, SIG));
		ASSERT_EQ(SIG, atomic_load(b)) TH_LOG("event %d: two words", i);
		ASSERT_EQ(1, ev_signaled(r.fds[i]));
	}
}

/* The ioctls' previous state, fdinfo and tests agree with the word. */
TEST_F(evobj, ioctls_and_word_agree)
{
	_Atomic uint32_t *w, *nw;
	int fd, n;

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	n = ev_create(self->dev, EVOBJ_NOTIFICATION, 0);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, n);
	w = map_word(fd);
	nw = map_word(n);
	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, nw);

	ASSERT_TRUE(cas(w, 0, SIG));
	EXPECT_EQ(1, fdinfo_num(fd, "signaled"));
	EXPECT_EQ(1, ev_set(fd));
	ASSERT_TRUE(claim(w));
	EXPECT_EQ(0, fdinfo_num(fd, "signaled"));
	EXPECT_EQ(-1, test_wait(self->dev, false, &fd, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(0, ev_reset(fd));
	ASSERT_TRUE(cas(w, 0, SIG));
	EXPECT_EQ(1, ev_reset(fd));
	EXPECT_EQ(0, atomic_load(w));
	ASSERT_TRUE(cas(w, 0, SIG));
	EXPECT_EQ(1, ev_pulse(fd));
	EXPECT_EQ(0, atomic_load(w));
	/* read() takes a word set like a wait. */
	{
		uint64_t v = 0;

		ASSERT_TRUE(cas(w, 0, SIG));
		EXPECT_EQ(8, read(fd, &v, sizeof(v)));
		EXPECT_EQ(1, v);
		EXPECT_EQ(0, atomic_load(w));
	}
	/* A notification event set through the word stays set. */
	ASSERT_TRUE(cas(nw, 0, SIG));
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(0, test_wait(self->dev, false, &n, 1));
		EXPECT_EQ(SIG, atomic_load(nw));
	}
	close(fd);
	close(n);
}

/* A wait-all takes words set through the word only all at once. */
TEST_F(evobj, wait_all_takes_word_sets_atomically)
{
	_Atomic uint32_t *w[2];
	int32_t fds[2];
	int set;

	for (int i = 0; i < 2; i++) {
		fds[i] = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
		ASSERT_LE(0, fds[i]);
		w[i] = map_word(fds[i]);
		ASSERT_NE(NULL, w[i]);
	}
	ASSERT_TRUE(cas(w[0], 0, SIG));
	EXPECT_EQ(-1, test_wait(self->dev, true, fds, 2));
	EXPECT_EQ(ETIMEDOUT, errno);
	/* Nothing taken, and the set through the word survived the test. */
	EXPECT_EQ(SIG, atomic_load(w[0]));
	EXPECT_EQ(0, atomic_load(w[1]));
	EXPECT_EQ(1, ev_signaled(fds[0]));
	ASSERT_TRUE(cas(w[1], 0, SIG));
	EXPECT_EQ(0, test_wait(self->dev, true, fds, 2));
	EXPECT_EQ(0, atomic_load(w[0]));
	EXPECT_EQ(0, atomic_load(w[1]));

	/* The same through a wait set. */
	set = set_create(self->dev, fds, 2);
	ASSERT_LE(0, set);
	EXPECT_EQ(0, ev_set(fds[0]));
	EXPECT_EQ(-1, set_wait(set, true, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(SIG, atomic_load(w[0]));
	ASSERT_TRUE(cas(w[1], 0, SIG));
	EXPECT_EQ(0, set_wait(set, true, 0));
	EXPECT_EQ(0, atomic_load(w[0]));
	EXPECT_EQ(0, atomic_load(w[1]));
	/* And a set-any takes a member set through its word. */
	ASSERT_TRUE(cas(w[1], 0, SIG));
	EXPECT_EQ(1, set_wait(set, false, 0));
	EXPECT_EQ(0, atomic_load(w[1]));
	close(set);
}

/*
 * While a wait is queued, nothing written into the word counts: not a
 * scribbled set, not garbage, not for a test that peeks at it; the set
 * ioctl releases the wait and leaves the word clean.
 */
static void held_word_ignores_writes(struct __test_metadata *_metadata,
				     int dev, uint32_t type)
{
	struct waiter wt;
	_Atomic uint32_t *w;
	uint32_t after = type == EVOBJ_SYNCHRONIZATION ? 0 : SIG;
	int32_t fd;

	fd = ev_create(dev, type, 0);
	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	waiter_init(&wt, dev, false, &fd, 1, EVOBJ_TIMEOUT_INFINITE);
	ASSERT_TRUE(waiter_start_queued(&wt, fd, 1));
	ASSERT_TRUE(kernel_holds(w, true));
	EXPECT_EQ(KERN, atomic_load(w));

	/* Even with the kernel's bit cleared by the write. */
	atomic_store(w, SIG);
	sleep_ns(SCRIBBLE_NS);
	ASSERT_FALSE(atomic_load(&wt.done))
		TH_LOG("a write to a held word released the wait");
	EXPECT_EQ(-1, test_wait(dev, false, &fd, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(0, ev_signaled(fd));
	EXPECT_EQ(KERN, atomic_load(w));
	atomic_store(w, 0xffffffff);
	EXPECT_EQ(0, fdinfo_num(fd, "signaled"));
	EXPECT_EQ(KERN, atomic_load(w));
	atomic_store(w, 0xffffffff);
	sleep_ns(SCRIBBLE_NS / 4);
	ASSERT_FALSE(atomic_load(&wt.done));

	EXPECT_EQ(0, ev_set(fd));
	JOIN_DONE(&wt);
	EXPECT_EQ(0, wt.ret);
	EXPECT_EQ(0, wt.args.index);
	/* Nobody queued: let go at once, with the state the set left. */
	EXPECT_EQ(after, atomic_load(w));
	EXPECT_EQ(after, ev_signaled(fd));
	EXPECT_STREQ("mapped", fdinfo_word(fd));
	close(fd);
}

TEST_F(evobj, held_word_ignores_writes_sync)
{
	held_word_ignores_writes(_metadata, self->dev, EVOBJ_SYNCHRONIZATION);
}

TEST_F(evobj, held_word_ignores_writes_notification)
{
	held_word_ignores_writes(_metadata, self->dev, EVOBJ_NOTIFICATION);
}

/*
 * A set that follows the protocol finds the word held by a blocked wait
 * and goes to the ioctl, which completes it: were the word let go
 * meanwhile, the compare-and-swap would succeed and nobody would wake.
 */
TEST_F(evobj, protocol_set_wakes_waits)
{
	struct waiter any, all;
	_Atomic uint32_t *w[2];
	struct delayed d;
	int32_t fds[2];

	for (int i = 0; i < 2; i++) {
		fds[i] = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
		ASSERT_LE(0, fds[i]);
		w[i] = map_word(fds[i]);
		ASSERT_NE(NULL, w[i]);
	}
	waiter_init(&any, self->dev, false, &fds[0], 1,
		    deadline_in(2 * LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&any, fds[0], 1));
	EXPECT_EQ(1, word_set(fds[0], w[0]));
	JOIN_DONE(&any);
	EXPECT_EQ(0, any.ret);
	EXPECT_EQ(0, atomic_load(w[0]));

	/* A wait-all on two words: a set each, the second completes it. */
	waiter_init(&all, self->dev, true, fds, 2, deadline_in(2 * LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&all, fds[1], 1));
	EXPECT_EQ(1, word_set(fds[0], w[0]));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&all.done));
	EXPECT_EQ(SIG | KERN, atomic_load(w[0]));
	ASSERT_EQ(0, delayed_start(&d, fds[1], w[1]));
	ASSERT_EQ(0, pthread_join(d.thread, NULL));
	EXPECT_EQ(1, d.ret);
	JOIN_DONE(&all);
	EXPECT_EQ(0, all.ret);
	EXPECT_EQ(0, atomic_load(w[0]));
	EXPECT_EQ(0, atomic_load(w[1]));
}

/* The same for a poll() that blocks, and an epoll on a wait set. */
TEST_F(evobj, protocol_set_wakes_pollers)
{
	struct epoll_event e = { .events = EPOLLIN };
	struct delayed d;
	struct pollfd p;
	_Atomic uint32_t *w;
	int fd, set, ep;
	uint64_t start;

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, delayed_start(&d, fd, w));
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	start = now_ns(CLOCK_MONOTONIC);
	EXPECT_EQ(1, poll(&p, 1, LONG_WAIT_NS / NSEC_PER_MSEC));
	EXPECT_EQ(POLLIN, p.revents);
	/* Woken by the set, not found set by poll()'s last look at the end. */
	EXPECT_GT(LONG_WAIT_NS / 2, now_ns(CLOCK_MONOTONIC) - start);
	ASSERT_EQ(0, pthread_join(d.thread, NULL));
	EXPECT_EQ(1, d.ret);
	/* poll() is over: the next lock lets go, and polling took nothing. */
	EXPECT_EQ(1, ev_signaled(fd));
	EXPECT_EQ(SIG, atomic_load(w));
	ASSERT_TRUE(claim(w));

	set = set_create(self->dev, &fd, 1);
	ASSERT_LE(0, set);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, set, &e));
	ASSERT_EQ(0, delayed_start(&d, fd, w));
	EXPECT_EQ(1, epoll_wait(ep, &e, 1, LONG_WAIT_NS / NSEC_PER_MSEC));
	ASSERT_EQ(0, pthread_join(d.thread, NULL));
	EXPECT_EQ(1, d.ret);
	EXPECT_EQ(SIG | KERN, atomic_load(w));
	/* Closing the epoll lets go too, at the next lock. */
	ASSERT_EQ(0, close(ep));
	EXPECT_EQ(1, ev_signaled(fd));
	EXPECT_EQ(SIG, atomic_load(w));
	EXPECT_EQ(0, set_wait(set, false, 0));
	EXPECT_EQ(0, atomic_load(w));
	close(set);
	close(fd);
}

/* The timer's hardirq set reaches the word; parked, it holds it still. */
TEST_F(evobj, timer_fires_into_the_word)
{
	_Atomic uint32_t *w;
	char timer[16];
	uint64_t end;
	uint32_t v;
	int fd;

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	/* A one-shot holds the word until it fires, then lets go, set. */
	ASSERT_EQ(0, arm_timer(fd, deadline_in(30 * NSEC_PER_MSEC), 0));
	EXPECT_TRUE(atomic_load(w) & KERN);
	ASSERT_TRUE(word_becomes(w, SIG | KERN, SIG))
		TH_LOG("word %#x", atomic_load(w));
	EXPECT_EQ(1, ev_signaled(fd));
	ASSERT_TRUE(claim(w));
	EXPECT_EQ(0, ev_signaled(fd));

	/* Periodic: held while it runs, and while parked on a set event. */
	ASSERT_EQ(0, arm_timer(fd, deadline_in(5 * NSEC_PER_MSEC),
			       5 * NSEC_PER_MSEC));
	ASSERT_TRUE(word_becomes(w, SIG | KERN, SIG | KERN))
		TH_LOG("word %#x", atomic_load(w));
	/* The next expiry finds it set and parks: still held. */
	end = deadline_in(LONG_WAIT_NS);
	do {
		ASSERT_EQ(0, fdinfo_str(fd, "timer", timer, sizeof(timer)));
		if (!strcmp(timer, "parked"))
			break;
		sleep_ns(NSEC_PER_MSEC);
	} while (now_ns(CLOCK_MONOTONIC) < end);
	EXPECT_STREQ("parked", timer);
	EXPECT_EQ(SIG | KERN, atomic_load(w));
	EXPECT_FALSE(claim(w));
	EXPECT_EQ(0, test_wait(self->dev, false, &fd, 1));
	EXPECT_TRUE(atomic_load(w) & KERN);
	ASSERT_EQ(0, arm_timer(fd, 0, 0));
	v = atomic_load(w);
	EXPECT_EQ(0, v & ~SIG) TH_LOG("word %#x after the disarm", v);
	EXPECT_EQ(v, ev_signaled(fd));
	close(fd);
}

/*
 * A thread watching the word in a tight loop while pulses release a
 * waiter, round after round, never sees the event signaled.
 */
struct pulse_watch {
	pthread_t waiter, sampler;
	int dev;
	int32_t fd;
	_Atomic uint32_t *w;
	atomic_bool stop_waiter, stop_sampler;
	atomic_ulong woken, samples, seen_signaled;
	atomic_int wait_errors;
};

static void *pulse_waiter_fn(void *arg)
{
	struct pulse_watch *p = arg;

	while (!atomic_load(&p->stop_waiter)) {
		struct evobj_wait w = wait_args(&p->fd, 1,
						deadline_in(LONG_WAIT_NS));

		if (ev_wait(p->dev, false, &w))
			atomic_fetch_add(&p->wait_errors, 1);
		else
			atomic_fetch_add(&p->woken, 1);
	}
	return NULL;
}

static void *pulse_sampler_fn(void *arg)
{
	struct pulse_watch *p = arg;
	unsigned long n = 0, seen = 0;

	while (!atomic_load(&p->stop_sampler)) {
		for (int i = 0; i < 256; i++)
			seen += atomic_load(p->w) & SIG;
		n += 256;
	}
	atomic_store(&p->samples, n);
	atomic_store(&p->seen_signaled, seen);
	return NULL;
}

static void pulse_watched(struct __test_metadata *_metadata, int dev,
			  uint32_t type)
{
	const unsigned long rounds = 100;
	struct pulse_watch p = { .dev = dev };
	uint64_t end;

	p.fd = ev_create(dev, type, 0);
	ASSERT_LE(0, p.fd);
	p.w = map_word(p.fd);
	ASSERT_NE(NULL, p.w);
	ASSERT_EQ(0, pthread_create(&p.sampler, NULL, pulse_sampler_fn, &p));
	ASSERT_EQ(0, pthread_create(&p.waiter, NULL, pulse_waiter_fn, &p));
	for (unsigned long i = 0; i < rounds; i++) {
		ASSERT_TRUE(wait_for_waiters(p.fd, 1));
		ASSERT_EQ(0, ev_pulse(p.fd));
		ASSERT_EQ(0, atomic_load(p.w) & SIG)
			TH_LOG("round %lu: word %#x", i, atomic_load(p.w));
		end = deadline_in(LONG_WAIT_NS);
		while (atomic_load(&p.woken) < i + 1 &&
		       now_ns(CLOCK_MONOTONIC) < end)
			sched_yield();
		ASSERT_EQ(i + 1, atomic_load(&p.woken));
	}
	atomic_store(&p.stop_sampler, true);
	ASSERT_EQ(0, pthread_join(p.sampler, NULL));
	atomic_store(&p.stop_waiter, true);
	ASSERT_TRUE(wait_for_waiters(p.fd, 1));
	ASSERT_EQ(0, ev_set(p.fd));
	ASSERT_EQ(0, pthread_join(p.waiter, NULL));
	TH_LOG("%lu pulses, %lu samples of the word", rounds,
	       (unsigned long)atomic_load(&p.samples));
	EXPECT_EQ(0, atomic_load(&p.seen_signaled));
	EXPECT_EQ(0, atomic_load(&p.wait_errors));
	EXPECT_LT(0, atomic_load(&p.samples));
	close(p.fd);
}

TEST_F_TIMEOUT(evobj, pulse_never_reaches_a_watcher_sync, 120)
{
	pulse_watched(_metadata, self->dev, EVOBJ_SYNCHRONIZATION);
}

TEST_F_TIMEOUT(evobj, pulse_never_reaches_a_watcher_notification, 120)
{
	pulse_watched(_metadata, self->dev, EVOBJ_NOTIFICATION);
}

/* Exit codes of the forked children, to say what failed. */
enum {
	CHILD_OK,
	CHILD_MAPPED,		/* mmap of the parent's event did not fail EBUSY */
	CHILD_INHERITED,	/* the parent's mapping is there */
	CHILD_IOCTL,		/* an ioctl failed */
	CHILD_OWN_MAP,		/* an event of its own could not be mapped */
	CHILD_OWN_WORD,		/* or its word did not work */
};

/*
 * A fork child maps events of its own; the parent's stays the parent's
 * even once the parent has unmapped it everywhere.
 */
TEST_F(evobj, fork_child_maps_its_own)
{
	_Atomic uint32_t *w;
	int fd, status;
	pid_t pid;

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		_Atomic uint32_t *own;
		int own_fd;

		if (map_word(fd) || errno != EBUSY)
			_exit(CHILD_MAPPED);
		if (is_mapped((void *)w))
			_exit(CHILD_INHERITED);
		if (ev_signaled(fd) != 0 || ev_set(fd) != 0)
			_exit(CHILD_IOCTL);
		own_fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
		own = own_fd < 0 ? NULL : map_word(own_fd);
		if (!own)
			_exit(CHILD_OWN_MAP);
		if (!cas(own, 0, SIG) || ev_signaled(own_fd) != 1)
			_exit(CHILD_OWN_WORD);
		_exit(CHILD_OK);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(CHILD_OK, WEXITSTATUS(status));
	EXPECT_EQ(SIG, atomic_load(w));
	ASSERT_TRUE(claim(w));

	unmap_word(w);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(map_word(fd) || errno != EBUSY ? CHILD_MAPPED : CHILD_OK);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(CHILD_OK, WEXITSTATUS(status));
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	EXPECT_EQ(0, atomic_load(w));
	close(fd);
}

/* The first mm to map an event owns its word for the event's life. */
TEST_F(evobj, first_mapper_owns_for_life)
{
	int fd, status;
	pid_t pid;

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		_Atomic uint32_t *w = map_word(fd);

		if (!w)
			_exit(CHILD_OWN_MAP);
		_exit(cas(w, 0, SIG) ? CHILD_OK : CHILD_OWN_WORD);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(CHILD_OK, WEXITSTATUS(status));
	/* The child and its mm are gone: its word is still the state. */
	EXPECT_EQ(NULL, map_word(fd));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(1, ev_signaled(fd));
	EXPECT_EQ(0, test_wait(self->dev, false, &fd, 1));
	EXPECT_EQ(0, ev_signaled(fd));
	EXPECT_EQ(0, ev_set(fd));
	EXPECT_EQ(1, ev_reset(fd));
	close(fd);
}

/* execve() drops the mapping, and the new image is another mm. */
TEST_F(evobj, exec_drops_mapping)
{
	char env[64], *argv[] = { "evobj_word", NULL };
	int fd, status;
	pid_t pid;

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);	/* inherited */
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *const envp[] = { env, NULL };
		_Atomic uint32_t *w = map_word(fd);

		if (!w)
			_exit(CHILD_OWN_MAP);
		/* The check of the new image sees a mapped word. */
		if (word_mappings() != 1)
			_exit(21);
		snprintf(env, sizeof(env), EXEC_ENV "=%d", fd);
		execve("/proc/self/exe", argv, envp);
		_exit(20);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("10-13: the new image's checks failed, 20: execve failed, 21: no word in /proc/self/maps");
	EXPECT_EQ(1, ev_signaled(fd));
	EXPECT_EQ(NULL, map_word(fd));
	EXPECT_EQ(EBUSY, errno);
	close(fd);
}

/*
 * Garbage of every kind, on both types: each kernel path takes the one
 * bit and leaves the word clean; a wait takes it as the bit says.
 */
TEST_F(evobj, garbage_never_leaks)
{
	static const uint32_t junk[] = {
		0xfffffffe, 0xffffffff, 0x80000001, 0x80000000, KERN,
		SIG | KERN, 0x4, 0x5, 0xdeadbeef,
	};
	_Atomic uint32_t *w;
	int fd;

	for (uint32_t type = EVOBJ_NOTIFICATION; type <= EVOBJ_SYNCHRONIZATION;
	     type++) {
		fd = ev_create(self->dev, type, 0);
		ASSERT_LE(0, fd);
		w = map_word(fd);
		ASSERT_NE(NULL, w);
		for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
			uint32_t g = junk[i], s = g & SIG;

			atomic_store(w, g);
			ASSERT_EQ(s, fdinfo_num(fd, "signaled")) TH_LOG("%#x", g);
			ASSERT_EQ(s, atomic_load(w)) TH_LOG("%#x", g);
			atomic_store(w, g | SIG);
			ASSERT_EQ(1, ev_reset(fd)) TH_LOG("%#x", g);
			ASSERT_EQ(0, atomic_load(w));
			atomic_store(w, g);
			if (s) {
				ASSERT_EQ(0, test_wait(self->dev, false, &fd, 1));
				ASSERT_EQ(type == EVOBJ_SYNCHRONIZATION ? 0 : SIG,
					  atomic_load(w)) TH_LOG("%#x", g);
			} else {
				ASSERT_EQ(-1, test_wait(self->dev, false, &fd, 1));
				ASSERT_EQ(ETIMEDOUT, errno);
				ASSERT_EQ(0, ev_signaled(fd));
				ASSERT_EQ(0, atomic_load(w)) TH_LOG("%#x", g);
			}
			ASSERT_LE(0, ev_reset(fd));
		}
		/* The protocol works again on the clean word. */
		ASSERT_EQ(1, word_set(fd, w));
		ASSERT_EQ(1, ev_signaled(fd));
		ASSERT_TRUE(page_tail_zero(w));
		close(fd);
	}
}

/* Unmapped and mapped again, the word keeps the state; no fd needed. */
TEST_F(evobj, unmapped_and_mapped_again)
{
	_Atomic uint32_t *w;
	int fd;

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	ASSERT_TRUE(cas(w, 0, SIG));
	unmap_word(w);
	EXPECT_EQ(1, ev_signaled(fd));
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	EXPECT_EQ(SIG, atomic_load(w));
	ASSERT_TRUE(claim(w));
	EXPECT_EQ(0, ev_signaled(fd));
	/* No fd left: the mapping keeps the event, and works. */
	ASSERT_EQ(0, close(fd));
	for (int i = 0; i < 100; i++) {
		ASSERT_TRUE(cas(w, 0, SIG));
		ASSERT_TRUE(claim(w));
	}
	atomic_store(w, 0xffffffff);
	EXPECT_EQ(0xffffffff, atomic_load(w));
	EXPECT_TRUE(page_tail_zero(w));
	unmap_word(w);
}

/* The mapping keeps a named event, and so its name, alive. */
TEST_F(evobj, mapping_keeps_named_event)
{
	_Atomic uint32_t *w;
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "evobj-word/%d/keep", getpid());
	fd = named_open(self->dev, name, EVOBJ_SYNCHRONIZATION, EVOBJ_CREATE_NEW);
	ASSERT_LE(0, fd);
	w = map_word(fd);
	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, close(fd));
	ASSERT_TRUE(cas(w, 0, SIG));
	fd = named_open(self->dev, name, EVOBJ_SYNCHRONIZATION,
			EVOBJ_OPEN_EXISTING);
	ASSERT_LE(0, fd) TH_LOG("open by name while mapped: %s", strerror(errno));
	EXPECT_EQ(1, ev_signaled(fd));
	EXPECT_EQ(0, test_wait(self->dev, false, &fd, 1));
	EXPECT_EQ(0, atomic_load(w));
	ASSERT_EQ(0, close(fd));
	/* The last reference gone, so is the name. */
	unmap_word(w);
	EXPECT_EQ(-1, named_open(self->dev, name, EVOBJ_SYNCHRONIZATION,
				 EVOBJ_OPEN_EXISTING));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * The stress above with wait-alls: setters raise one mapped
 * synchronization event through the word while the kernel does not hold
 * it, else with the ioctl; takers take it through the word, with a
 * blocking wait-any, or with a blocking wait-all of it and a mapped
 * notification event that stays signaled (so the wait-all consumes it
 * alone). Every raise (a CAS from 0, a SET that returned 0) is taken
 * exactly once (a CAS from 1, a successful wait) or is the final state;
 * every set is counted as a raise or as finding the event set.
 */
#define STRESS_SETTERS	2
#define STRESS_TAKERS	2

struct all_race {
	int dev;
	int32_t fds[2];		/* the event; its always-signaled partner */
	_Atomic uint32_t *w, *w2;
	unsigned long sets;	/* per setter */
	atomic_bool setters_done;
	atomic_ulong raised_word, raised_ioctl, not_raised;
	atomic_ulong taken_word, taken_any, taken_all, timeouts;
	atomic_int errors;
};

struct all_racer {
	pthread_t thread;
	struct all_race *r;
	unsigned int seed;
};

static void *all_race_setter(void *arg)
{
	struct all_racer *t = arg;
	struct all_race *r = t->r;
	unsigned long word = 0, by_ioctl = 0, none = 0;

	for (unsigned long i = 0; i < r->sets; i++) {
		for (;;) {
			uint32_t v = atomic_load(r->w);
			int64_t prev;

			if (v & KERN) {
				prev = ev_set(r->fds[0]);
				if (prev < 0 || prev > 1)
					atomic_fetch_add(&r->errors, 1);
				else if (!prev)
					by_ioctl++;
				else
					none++;
				break;
			}
			if (v == SIG) {
				none++;
				break;
			}
			if (v) {
				atomic_fetch_add(&r->errors, 1);
				break;
			}
			if (cas(r->w, 0, SIG)) {
				word++;
				break;
			}
		}
		if (rand_r(&t->seed) % 4 == 0)
			sched_yield();
	}
	atomic_fetch_add(&r->raised_word, word);
	atomic_fetch_add(&r->raised_ioctl, by_ioctl);
	atomic_fetch_add(&r->not_raised, none);
	return NULL;
}

static void *all_race_taker(void *arg)
{
	struct all_racer *t = arg;
	struct all_race *r = t->r;
	unsigned long word = 0, any = 0, all = 0, timeouts = 0;

	while (!atomic_load(&r->setters_done)) {
		bool use_all = rand_r(&t->seed) % 2;
		struct evobj_wait w;

		if (!use_all && claim(r->w)) {
			word++;
			continue;
		}
		w = wait_args(r->fds, use_all ? 2 : 1, deadline_in(NSEC_PER_MSEC));
		if (!ev_wait(r->dev, use_all, &w)) {
			if (w.index)
				atomic_fetch_add(&r->errors, 1);
			else if (use_all)
				all++;
			else
				any++;
		} else if (errno == ETIMEDOUT) {
			timeouts++;
		} else {
			atomic_fetch_add(&r->errors, 1);
		}
	}
	atomic_fetch_add(&r->taken_word, word);
	atomic_fetch_add(&r->taken_any, any);
	atomic_fetch_add(&r->taken_all, all);
	atomic_fetch_add(&r->timeouts, timeouts);
	return NULL;
}

TEST_F_TIMEOUT(evobj, stress_word_against_wait_all, 120)
{
	struct all_racer setters[STRESS_SETTERS], takers[STRESS_TAKERS];
	struct all_race r = {
		.dev = self->dev,
		.sets = stress_ops() / 10 ? stress_ops() / 10 : 1,
	};
	unsigned long raised, taken;
	int64_t final;

	r.fds[0] = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	r.fds[1] = ev_create(self->dev, EVOBJ_NOTIFICATION, EVOBJ_SIGNALED);
	ASSERT_LE(0, r.fds[0]);
	ASSERT_LE(0, r.fds[1]);
	r.w = map_word(r.fds[0]);
	r.w2 = map_word(r.fds[1]);
	ASSERT_NE(NULL, r.w);
	ASSERT_NE(NULL, r.w2);
	for (int i = 0; i < STRESS_TAKERS; i++) {
		takers[i] = (struct all_racer){ .r = &r, .seed = 7 * i + 1 };
		ASSERT_EQ(0, pthread_create(&takers[i].thread, NULL,
					    all_race_taker, &takers[i]));
	}
	for (int i = 0; i < STRESS_SETTERS; i++) {
		setters[i] = (struct all_racer){ .r = &r, .seed = 7 * i + 2 };
		ASSERT_EQ(0, pthread_create(&setters[i].thread, NULL,
					    all_race_setter, &setters[i]));
	}
	for (int i = 0; i < STRESS_SETTERS; i++)
		ASSERT_EQ(0, pthread_join(setters[i].thread, NULL));
	atomic_store(&r.setters_done, true);
	for (int i = 0; i < STRESS_TAKERS; i++)
		ASSERT_EQ(0, pthread_join(takers[i].thread, NULL));

	ASSERT_EQ(0, fdinfo_num(r.fds[0], "waiters"));
	final = ev_signaled(r.fds[0]);
	ASSERT_LE(0, final);
	raised = atomic_load(&r.raised_word) + atomic_load(&r.raised_ioctl);
	taken = atomic_load(&r.taken_word) + atomic_load(&r.taken_any) +
		atomic_load(&r.taken_all);
	TH_LOG("raised %lu through the word + %lu by SET (%lu found it set); taken %lu through the word + %lu wait-any + %lu wait-all (%lu timeouts); final %lld",
	       (unsigned long)atomic_load(&r.raised_word),
	       (unsigned long)atomic_load(&r.raised_ioctl),
	       (unsigned long)atomic_load(&r.not_raised),
	       (unsigned long)atomic_load(&r.taken_word),
	       (unsigned long)atomic_load(&r.taken_any),
	       (unsigned long)atomic_load(&r.taken_all),
	       (unsigned long)atomic_load(&r.timeouts), (long long)final);
	EXPECT_EQ(0, atomic_load(&r.errors));
	EXPECT_EQ(raised, taken + final)
		TH_LOG("%s", raised > taken + final ? "a raise lost" :
		       "a raise taken twice");
	EXPECT_EQ(r.sets * STRESS_SETTERS, raised + atomic_load(&r.not_raised));
	/* Nobody left: the word is the state, clean. */
	EXPECT_EQ((uint32_t)final, atomic_load(r.w));
	EXPECT_EQ(1, ev_signaled(r.fds[1]));
	EXPECT_EQ(SIG, atomic_load(r.w2));
	/* Every path ran, or the test proved little. */
	EXPECT_LT(0, atomic_load(&r.raised_word));
	EXPECT_LT(0, atomic_load(&r.raised_ioctl));
	EXPECT_LT(0, atomic_load(&r.taken_word));
	EXPECT_LT(0, atomic_load(&r.taken_any));
	EXPECT_LT(0, atomic_load(&r.taken_all));
}

TEST_HARNESS_MAIN
