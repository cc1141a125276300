// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mapped state word (Documentation/evobj.rst, "The mapped state
 * word"): the shape of a mapping and its errors, the word following the
 * ioctls, changes through the word seen by every kernel path (reads,
 * poll, waits, wait sets, wait-all), the kernel holding the word while a
 * wait is queued, a poller registered or the timer armed (and ignoring
 * what is written meanwhile), pulses never showing, garbage reduced to
 * one bit, one process per word, vm.max_map_count, and a stress of the word against kernel
 * waits whose exact invariant is raised = taken + final state.
 */

#include <poll.h>
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
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
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

TEST_HARNESS_MAIN
