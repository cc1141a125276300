// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: allocation-failure injection (issue 9, item 3). For
 * every ioctl path, read() and write(), the test fails the n-th
 * allocation of the call through /proc/thread-self/fail-nth, for
 * n = 1, 2, ... until the call runs without a failure having been
 * injected, twice in a row (the kernel resets fail-nth to 0 when it
 * injects one, so a non-zero value read back means nothing was failed;
 * see fn_pass() for the second time). Each attempt starts
 * from freshly created events, so that a path that allocates only the
 * first time (a wait-all's group, a user's timer count) is met every time.
 *
 * A call whose allocation was failed must:
 *  - return -1 with ENOMEM: the contract's errno for memory it cannot
 *    get. No path here has another errno that an allocation failure may
 *    turn into (CREATE's EMFILE and ENFILE come from limits, not from
 *    allocations), so ENOMEM is the only one accepted;
 *  - change no event's state: every involved event's signaled state
 *    (EVOBJ_IOC_READ) and timer state (fdinfo) are as before, so a
 *    signaled synchronization event is still signaled (nothing was
 *    consumed) and a signal-and-wait's signal event was not set;
 *  - leave no fd behind (/proc/self/fd is counted before and after);
 *  - leak nothing: kmemleak (scripts/vm.sh fails the run on any report)
 *    and, with root and SLUB's sysfs, the in-use objects of the
 *    kmalloc-cg-* and filp caches, which must come back to where they
 *    were after ROUNDS more passes (see slab_in_use()).
 * An injected failure that the kernel absorbs (debugobjects and kmemleak
 * refill their pools with allocations that may fail) lets the call
 * succeed; it must then succeed exactly as without the failure.
 *
 * failslab and fail_page_alloc ignore allocations that may sleep by
 * default, which are all of evobj's (GFP_KERNEL_ACCOUNT): the fixture
 * makes them eligible through debugfs (ignore-gfp-wait=N, min-order=0),
 * restricts random failures to tasks that ask (task-filter=Y,
 * probability=0) and keeps the injections quiet (verbose=0, so that the
 * console carries no stack dumps); it restores every value at the end.
 *
 * Skips where /proc/thread-self/fail-nth is absent (a kernel without
 * CONFIG_FAULT_INJECTION, such as every Debian kernel) or without root
 * and the failslab debugfs directory.
 */

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "evobj_files.h"
#include "evobj_test.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define DEBUGFS		"/sys/kernel/debug"
#define SLAB_SYSFS	"/sys/kernel/slab"
/* No path has nearly this many allocations: a bound against a loop. */
#define MAX_NTH		256
/* Extra passes over the failing calls for the slab count. */
#define ROUNDS		4
#define MAX_EVS		(EVOBJ_MAX_WAIT + 2)
#define HOUR_NS		(3600 * NSEC_PER_SEC)

enum fn_op {
	OP_CREATE,
	OP_WAIT_ANY,
	OP_WAIT_ALL,
	OP_SET,
	OP_RESET,
	OP_PULSE,
	OP_READ,
	OP_TIMER,
	OP_READ_FD,
	OP_WRITE_FD,
};

/*
 * One path. @evs lists the events the call involves, one letter each:
 * n/N a notification event, s/S a synchronization event, lower case
 * non-signaled, upper case signaled. A wait's objects are the first
 * @count of them, then the alert (if @alert), then the signal event (if
 * @signal); the other ops work on evs[0]. @after is what the events
 * must be once the call ran without an injected failure.
 */
struct fn_case {
	enum fn_op op;
	const char *evs;
	const char *after;
	/* waits */
	uint32_t count;
	bool alert;
	bool signal;
	bool block;		/* timeout in the future: the queueing path */
	uint64_t block_ns;	/* how far (default: LONG_WAIT_NS) */
	bool pregroup;		/* a wait-all already joined the objects */
	int fail_errno;		/* without injection: 0 or this errno */
	uint32_t index;		/* without injection: the winner */
	/* EVOBJ_IOC_CREATE */
	uint32_t type;
	uint32_t flags;
	/* EVOBJ_IOC_TIMER on evs[0] */
	bool disarm;		/* armed first, then disarmed */
	bool rearm;		/* armed first, then armed again */
	bool other_timer;	/* evs[1]'s timer is armed: the user is counted */
	const char *timer_after;	/* evs[0]'s fdinfo timer: */
};

/* The events of one attempt. */
struct fn_ctx {
	int dev;
	int nev;
	int ev[MAX_EVS];
	int32_t fds[EVOBJ_MAX_WAIT];
	struct evobj_wait w;
	uint64_t value;		/* read()/write() buffer */
	uint32_t prev;		/* SET/RESET/PULSE's previous state */
	struct evobj_state state;	/* READ's */
	int new_fd;		/* what CREATE returned */
	int signaled[MAX_EVS];
	char timer[MAX_EVS][16];
};

FIXTURE(failnth) {
	int dev;
	int nth;		/* /proc/thread-self/fail-nth */
	int kmsg;		/* /dev/kmsg, when verbose */
	int nsaved;
	struct {
		char path[96];
		char val[32];
	} saved[24];
};

FIXTURE_VARIANT(failnth) {
	const char *name;
	struct fn_case c;
};

/* Sets a fault-injection knob, remembering its value for the teardown. */
static int knob(FIXTURE_DATA(failnth) *self, const char *attr,
		const char *name, const char *val)
{
	int i = self->nsaved;

	if (i >= (int)ARRAY_SIZE(self->saved))
		return -1;
	snprintf(self->saved[i].path, sizeof(self->saved[i].path),
		 DEBUGFS "/%s/%s", attr, name);
	if (file_read(self->saved[i].path, self->saved[i].val,
		      sizeof(self->saved[i].val), true))
		return -1;
	self->nsaved++;
	return file_write(self->saved[i].path, val);
}

FIXTURE_SETUP(failnth)
{
	static const char *const quiet[][2] = {
		{ "probability", "0" },
		{ "task-filter", "Y" },
		{ "verbose", "0" },
		{ "ignore-gfp-wait", "N" },
	};
	struct stat st;
	unsigned int i;

	self->nth = -1;
	self->kmsg = -1;
	self->nsaved = 0;
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev) TH_LOG("open " EVOBJ_DEV ": %s", strerror(errno));

	self->nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (self->nth < 0)
		SKIP(return, FAIL_NTH " is absent: the kernel has no CONFIG_FAULT_INJECTION");
	if (geteuid())
		SKIP(return, "needs root to make GFP_KERNEL allocations fail (debugfs)");
	if (stat(DEBUGFS "/failslab", &st))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	if (stat(DEBUGFS "/failslab", &st))
		SKIP(return, DEBUGFS "/failslab is absent: %s",
		     "no CONFIG_FAILSLAB or CONFIG_FAULT_INJECTION_DEBUG_FS");

	for (i = 0; i < ARRAY_SIZE(quiet); i++)
		ASSERT_EQ(0, knob(self, "failslab", quiet[i][0], quiet[i][1]))
			TH_LOG("failslab/%s: %s", quiet[i][0], strerror(errno));
	/* Slab pages too: a kmalloc() may fail for want of a new slab. */
	if (!stat(DEBUGFS "/fail_page_alloc", &st)) {
		for (i = 0; i < ARRAY_SIZE(quiet); i++)
			ASSERT_EQ(0, knob(self, "fail_page_alloc", quiet[i][0], quiet[i][1]))
				TH_LOG("fail_page_alloc/%s: %s", quiet[i][0], strerror(errno));
		ASSERT_EQ(0, knob(self, "fail_page_alloc", "ignore-gfp-highmem", "N"));
		ASSERT_EQ(0, knob(self, "fail_page_alloc", "min-order", "0"));
	}
	/*
	 * EVOBJ_FAILNTH_VERBOSE=1: a stack dump per injection, and the
	 * attempt in the kernel log before each, to see what failed (the
	 * run then fails scripts/vm.sh's log check: for diagnosis only).
	 */
	if (getenv("EVOBJ_FAILNTH_VERBOSE")) {
		self->kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
		ASSERT_EQ(0, knob(self, "failslab", "verbose", "2"));
		ASSERT_EQ(0, knob(self, "failslab", "verbose_ratelimit_burst", "100000"));
		if (!stat(DEBUGFS "/fail_page_alloc", &st)) {
			ASSERT_EQ(0, knob(self, "fail_page_alloc", "verbose", "2"));
			ASSERT_EQ(0, knob(self, "fail_page_alloc", "verbose_ratelimit_burst",
					  "100000"));
		}
	}
}

FIXTURE_TEARDOWN(failnth)
{
	if (self->nth >= 0) {
		EXPECT_EQ(1, pwrite(self->nth, "0", 1, 0));
		close(self->nth);
	}
	while (self->nsaved > 0) {
		self->nsaved--;
		EXPECT_EQ(0, file_write(self->saved[self->nsaved].path,
					self->saved[self->nsaved].val))
			TH_LOG("restore %s", self->saved[self->nsaved].path);
	}
	if (self->kmsg >= 0)
		close(self->kmsg);
	if (self->dev >= 0)
		close(self->dev);
}

/* Open fds of this process. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

/*
 * In-use objects of the caches that evobj's allocations (kmalloc-cg-*,
 * all GFP_KERNEL_ACCOUNT) and its files (filp) come from, or -1 without
 * SLUB's sysfs. Each cache is shrunk first: that flushes the per-CPU
 * slabs and KASAN's quarantine, so "objects" then counts objects in use.
 * Caches merged under one name are counted once.
 */
static long slab_in_use(void)
{
	char seen[64][64], path[PATH_MAX + 16], real[PATH_MAX], buf[256];
	DIR *d = opendir(SLAB_SYSFS);
	struct dirent *de;
	int nseen = 0, i;
	long total = 0;
	const char *base;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "kmalloc-cg-", 11) && strcmp(de->d_name, "filp"))
			continue;
		snprintf(path, sizeof(path), SLAB_SYSFS "/%s", de->d_name);
		if (!realpath(path, real))
			continue;
		base = strrchr(real, '/') + 1;
		for (i = 0; i < nseen && strcmp(seen[i], base); i++)
			;
		if (i < nseen || nseen == 64)
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%.63s", base);
		snprintf(path, sizeof(path), "%s/shrink", real);
		file_write(path, "1");
		snprintf(path, sizeof(path), "%s/objects", real);
		if (file_read(path, buf, sizeof(buf), true)) {
			total = -1;
			break;
		}
		total += strtol(buf, NULL, 10);
	}
	closedir(d);
	return total;
}

static int fn_create(int dev, char spec)
{
	uint32_t type = (spec == 's' || spec == 'S') ? EVOBJ_SYNCHRONIZATION :
						       EVOBJ_NOTIFICATION;

	return ev_create(dev, type, (spec == 'N' || spec == 'S') ? EVOBJ_SIGNALED : 0);
}

static int arm_timer(int fd, uint64_t expires)
{
	struct evobj_timer t = { .expires = expires };

	return ioctl(fd, EVOBJ_IOC_TIMER, &t);
}

/* The events of one attempt, in the states of @c; 0 or -1. */
static int fn_setup(const struct fn_case *c, struct fn_ctx *x, int dev)
{
	int i;

	memset(x, 0, sizeof(*x));
	x->dev = dev;
	x->new_fd = -1;
	x->nev = strlen(c->evs);
	for (i = 0; i < x->nev; i++) {
		/* Joined unsignaled by a test that times out, then set. */
		x->ev[i] = fn_create(dev, c->pregroup ? tolower(c->evs[i]) : c->evs[i]);
		if (x->ev[i] < 0)
			return -1;
	}
	for (i = 0; i < (int)c->count; i++)
		x->fds[i] = x->ev[i];
	x->w = wait_args(x->fds, c->count, 0);	/* the deadline: fn_call() */
	x->w.alert = c->alert ? x->ev[c->count] : -1;
	x->w.signal = c->signal ? x->ev[c->count + c->alert] : -1;
	if (c->pregroup) {
		struct evobj_wait pre = wait_args(x->fds, c->count, 0);

		if (ev_wait(dev, true, &pre) != -1 || errno != ETIMEDOUT)
			return -1;
		for (i = 0; i < x->nev; i++)
			if ((c->evs[i] == 'N' || c->evs[i] == 'S') && ev_set(x->ev[i]) != 0)
				return -1;
	}
	if (c->op == OP_TIMER) {
		if (c->other_timer && arm_timer(x->ev[1], deadline_in(HOUR_NS)))
			return -1;
		if ((c->disarm || c->rearm) && arm_timer(x->ev[0], deadline_in(HOUR_NS)))
			return -1;
	}
	/* Touch what the call reads and writes: no page fault inside it. */
	x->value = c->op == OP_WRITE_FD ? 1 : POISON64;
	for (i = 0; i < x->nev; i++) {
		x->signaled[i] = ev_signaled(x->ev[i]);
		if (fdinfo_str(x->ev[i], "timer", x->timer[i], sizeof(x->timer[i])))
			return -1;
	}
	return 0;
}

static void fn_teardown(struct fn_ctx *x)
{
	int i;

	for (i = 0; i < x->nev; i++)
		close(x->ev[i]);
	if (x->new_fd >= 0)
		close(x->new_fd);
}

/* The call under test: its return value, errno as it left it. */
static long fn_call(const struct fn_case *c, struct fn_ctx *x)
{
	struct evobj_create cr = { .type = c->type, .flags = c->flags };
	struct evobj_timer t = { 0 };
	long ret;

	switch (c->op) {
	case OP_CREATE:
		ret = ioctl(x->dev, EVOBJ_IOC_CREATE, &cr);
		if (ret >= 0)
			x->new_fd = ret;
		return ret;
	case OP_WAIT_ANY:
	case OP_WAIT_ALL:
		if (c->block)
			x->w.timeout = deadline_in(c->block_ns ? c->block_ns : LONG_WAIT_NS);
		return ioctl(x->dev, c->op == OP_WAIT_ALL ? EVOBJ_IOC_WAIT_ALL :
							  EVOBJ_IOC_WAIT_ANY, &x->w);
	case OP_SET:
		return ioctl(x->ev[0], EVOBJ_IOC_SET, &x->prev);
	case OP_RESET:
		return ioctl(x->ev[0], EVOBJ_IOC_RESET, &x->prev);
	case OP_PULSE:
		return ioctl(x->ev[0], EVOBJ_IOC_PULSE, &x->prev);
	case OP_READ:
		return ioctl(x->ev[0], EVOBJ_IOC_READ, &x->state);
	case OP_TIMER:
		if (!c->disarm)
			t.expires = deadline_in(HOUR_NS + NSEC_PER_SEC);
		return ioctl(x->ev[0], EVOBJ_IOC_TIMER, &t);
	case OP_READ_FD:
		return read(x->ev[0], &x->value, sizeof(x->value));
	case OP_WRITE_FD:
		return write(x->ev[0], &x->value, sizeof(x->value));
	}
	return -1;
}

static int nth_set(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

static long nth_get(int fd)
{
	char buf[16];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Per path: what the loop found. */
struct fn_stats {
	int points;	/* allocations failed in turn */
	int failed;	/* of them, failing the call with ENOMEM */
	int absorbed;	/* of them, absorbed: the call succeeded */
	char pattern[MAX_NTH + 1];	/* by n: F failed, a absorbed, . none */
};

/*
 * The call ran without an injected failure, or absorbed one: it must
 * have done what it does.
 */
static void check_success(struct __test_metadata *_metadata,
			  const struct fn_case *c, struct fn_ctx *x,
			  long ret, int err, int fds_before, unsigned int n)
{
	char timer[16];
	int i;

	if (c->fail_errno) {
		ASSERT_EQ(-1, ret) TH_LOG("n=%u: expected %s", n, strerror(c->fail_errno));
		ASSERT_EQ(c->fail_errno, err) TH_LOG("n=%u: %s", n, strerror(err));
	} else if (c->op == OP_READ_FD || c->op == OP_WRITE_FD) {
		ASSERT_EQ(8, ret) TH_LOG("n=%u: %s", n, strerror(err));
		ASSERT_EQ(1, x->value);
	} else if (c->op == OP_CREATE) {
		struct evobj_state st = { POISON32, POISON32 };

		ASSERT_LE(0, ret) TH_LOG("n=%u: %s", n, strerror(err));
		ASSERT_EQ(0, ioctl(x->new_fd, EVOBJ_IOC_READ, &st));
		ASSERT_EQ(c->type, st.type);
		ASSERT_EQ(!!(c->flags & EVOBJ_SIGNALED), st.signaled);
		ASSERT_EQ(!!(c->flags & EVOBJ_CLOEXEC),
			  !!(fcntl(x->new_fd, F_GETFD) & FD_CLOEXEC));
		ASSERT_EQ(!!(c->flags & EVOBJ_NONBLOCK),
			  !!(fcntl(x->new_fd, F_GETFL) & O_NONBLOCK));
		ASSERT_EQ(fds_before + 1, count_fds());
	} else {
		ASSERT_EQ(0, ret) TH_LOG("n=%u: %s", n, strerror(err));
	}
	if ((c->op == OP_WAIT_ANY || c->op == OP_WAIT_ALL) && !c->fail_errno)
		ASSERT_EQ(c->index, x->w.index) TH_LOG("n=%u", n);
	if (c->op != OP_CREATE)
		ASSERT_EQ(fds_before, count_fds()) TH_LOG("n=%u", n);
	for (i = 0; i < x->nev; i++) {
		int want = c->after[i] == 'N' || c->after[i] == 'S';

		ASSERT_EQ(want, ev_signaled(x->ev[i]))
			TH_LOG("n=%u: event %d after the call", n, i);
	}
	if (c->op == OP_TIMER) {
		ASSERT_EQ(0, fdinfo_str(x->ev[0], "timer", timer, sizeof(timer)));
		ASSERT_STREQ(c->timer_after, timer) TH_LOG("n=%u", n);
	}
}

/* An injected failure failed the call: it must have changed nothing. */
static void check_failure(struct __test_metadata *_metadata,
			  const struct fn_case *c, struct fn_ctx *x,
			  long ret, int err, int fds_before, unsigned int n)
{
	char timer[16];
	int i;

	ASSERT_EQ(-1, ret) TH_LOG("n=%u: returned %ld", n, ret);
	ASSERT_EQ(ENOMEM, err) TH_LOG("n=%u: %s, not ENOMEM", n, strerror(err));
	ASSERT_EQ(fds_before, count_fds()) TH_LOG("n=%u: an fd was left behind", n);
	for (i = 0; i < x->nev; i++) {
		ASSERT_EQ(x->signaled[i], ev_signaled(x->ev[i]))
			TH_LOG("n=%u: event %d ('%c') changed state", n, i, c->evs[i]);
		ASSERT_EQ(0, fdinfo_str(x->ev[i], "timer", timer, sizeof(timer)));
		ASSERT_STREQ(x->timer[i], timer)
			TH_LOG("n=%u: event %d's timer changed", n, i);
	}
	if (c->op == OP_READ_FD)
		ASSERT_EQ(0, x->value) TH_LOG("read() wrote %llu",
					      (unsigned long long)x->value);
}

/*
 * One pass: n = 1, 2, ... until no failure is injected. Some of the
 * allocations a call makes come and go (a new slab page, its memcg
 * vector, a stack depot pool), so the n-th is not always the same one:
 * the pass ends only after two calls in a row had no injection.
 */
static void fn_pass(struct __test_metadata *_metadata,
		    FIXTURE_DATA(failnth) *self, const char *name,
		    const struct fn_case *c, struct fn_stats *s)
{
	unsigned int n, clean = 0;

	memset(s, 0, sizeof(*s));
	for (n = 1; n <= MAX_NTH; n++) {
		struct fn_ctx x;
		int fds_before, err;
		long ret, left;

		ASSERT_EQ(0, fn_setup(c, &x, self->dev))
			TH_LOG("n=%u: setting up: %s", n, strerror(errno));
		fds_before = count_fds();
		if (self->kmsg >= 0)
			dprintf(self->kmsg, "evobj_failnth: %s n=%u\n", name, n);
		ASSERT_EQ(0, nth_set(self->nth, n));
		ret = fn_call(c, &x);
		err = errno;
		left = nth_get(self->nth);
		ASSERT_EQ(0, nth_set(self->nth, 0));
		ASSERT_LE(0, left);

		if (left) {	/* nothing injected */
			check_success(_metadata, c, &x, ret, err, fds_before, n);
			fn_teardown(&x);
			if (++clean == 2)
				return;
			s->pattern[n - 1] = '.';
			continue;
		}
		/* A '.' just before was not the end after all. */
		clean = 0;
		s->points++;
		if (ret == -1 && err != c->fail_errno) {
			s->failed++;
			s->pattern[n - 1] = 'F';
			check_failure(_metadata, c, &x, ret, err, fds_before, n);
		} else {
			s->absorbed++;
			s->pattern[n - 1] = 'a';
			check_success(_metadata, c, &x, ret, err, fds_before, n);
		}
		fn_teardown(&x);
	}
	ASSERT_TRUE(false) TH_LOG("still failing after %d injections", MAX_NTH);
}

TEST_F_TIMEOUT(failnth, each_allocation, 300)
{
	const struct fn_case *c = &variant->c;
	long before, after = -1;
	struct fn_stats s, r;
	uint64_t end;
	int fails = 0, i;

	ASSERT_EQ(strlen(c->evs), strlen(c->after));
	ASSERT_GE(strlen(c->evs), c->count + c->alert + c->signal);
	fn_pass(_metadata, self, variant->name, c, &s);
	ksft_print_msg("%s: %d failure points, %d failed the call with ENOMEM, %d absorbed (%s)\n",
		       variant->name, s.points, s.failed, s.absorbed, s.pattern);
	if (!s.points)
		return;	/* nothing to fail: no slab count to check */

	/* Slab counts: ROUNDS more passes must leave nothing in use. */
	before = slab_in_use();
	if (before < 0) {
		ksft_print_msg("no " SLAB_SYSFS ": slab counts not checked\n");
		return;
	}
	for (i = 0; i < ROUNDS; i++) {
		fn_pass(_metadata, self, variant->name, c, &r);
		fails += r.failed;
		ksft_print_msg("%s: pass %d: %d failure points, %d failed (%s)\n",
			       variant->name, i + 2, r.points, r.failed, r.pattern);
	}
	/* Events are freed after an RCU grace period (kfree_rcu()). */
	end = deadline_in(15 * NSEC_PER_SEC);
	do {
		after = slab_in_use();
		if (after - before < (fails ? fails : 1))
			break;
		sleep_ns(200 * NSEC_PER_MSEC);
	} while (now_ns(CLOCK_MONOTONIC) < end);
	ksft_print_msg("%s: %d more failed calls, kmalloc-cg-*+filp objects in use %+ld\n",
		       variant->name, fails, after - before);
	/* A leak on every failed call would add at least one object each. */
	if (fails)
		ASSERT_GT(fails, after - before)
			TH_LOG("%d failed calls left %ld objects in use", fails, after - before);
}

/* One variant per path: failnth.<name>.each_allocation. */

/* EVOBJ_IOC_CREATE */
FIXTURE_VARIANT_ADD(failnth, create_notification) {
	.name = "create_notification",
	.c = {
		.op = OP_CREATE,
		.evs = "",
		.after = "",
		.type = EVOBJ_NOTIFICATION,
	},
};

FIXTURE_VARIANT_ADD(failnth, create_sync_all_flags) {
	.name = "create_sync_all_flags",
	.c = {
		.op = OP_CREATE,
		.evs = "",
		.after = "",
		.type = EVOBJ_SYNCHRONIZATION,
		.flags = EVOBJ_SIGNALED | EVOBJ_CLOEXEC | EVOBJ_NONBLOCK,
	},
};

/* EVOBJ_IOC_WAIT_ANY: 1 and 2 objects keep the entries on the stack. */
FIXTURE_VARIANT_ADD(failnth, wait_any_1) {
	.name = "wait_any_1",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "S",
		.after = "s",
		.count = 1,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_any_2) {
	.name = "wait_any_2",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "sS",
		.after = "ss",
		.count = 2,
		.index = 1,
	},
};

/* 3 and 4 objects: the module's arrays are still on its stack. */
FIXTURE_VARIANT_ADD(failnth, wait_any_3) {
	.name = "wait_any_3",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "snS",
		.after = "sns",
		.count = 3,
		.index = 2,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_any_4) {
	.name = "wait_any_4",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "snsS",
		.after = "snss",
		.count = 4,
		.index = 3,
	},
};

/* Over 4 objects: the module allocates its arrays. */
FIXTURE_VARIANT_ADD(failnth, wait_any_5) {
	.name = "wait_any_5",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "snsnS",
		.after = "snsns",
		.count = 5,
		.index = 4,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_any_8) {
	.name = "wait_any_8",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "snsnSSNS",
		.after = "snsnsSNS",
		.count = 8,
		.index = 4,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_any_64) {
	.name = "wait_any_64",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssSS",
		.after = "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssS",
		.count = 64,
		.index = 62,
	},
};

/* 2 objects and the alert, which wins. */
FIXTURE_VARIANT_ADD(failnth, wait_any_alert) {
	.name = "wait_any_alert",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "snS",
		.after = "sns",
		.count = 2,
		.alert = true,
		.index = 2,
	},
};

/* Signal-and-wait: a failed call must not set the signal event. */
FIXTURE_VARIANT_ADD(failnth, wait_any_signal) {
	.name = "wait_any_signal",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "sSs",
		.after = "ssS",
		.count = 2,
		.signal = true,
		.index = 1,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_any_8_alert_signal) {
	.name = "wait_any_8_alert_signal",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "snsnsnsnSs",
		.after = "snsnsnsnsS",
		.count = 8,
		.alert = true,
		.signal = true,
		.index = 8,
	},
};

/* A future timeout: queued, claimed at once. */
FIXTURE_VARIANT_ADD(failnth, wait_any_8_block) {
	.name = "wait_any_8_block",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "snsnsnsS",
		.after = "snsnsnss",
		.count = 8,
		.block = true,
		.index = 7,
	},
};

/* Queued, and times out. */
FIXTURE_VARIANT_ADD(failnth, wait_any_8_timeout) {
	.name = "wait_any_8_timeout",
	.c = {
		.op = OP_WAIT_ANY,
		.evs = "snsnsnsn",
		.after = "snsnsnsn",
		.count = 8,
		.block = true,
		.block_ns = 20 * NSEC_PER_MSEC,
		.fail_errno = ETIMEDOUT,
	},
};

/* EVOBJ_IOC_WAIT_ALL: fresh objects need a group. */
FIXTURE_VARIANT_ADD(failnth, wait_all_2) {
	.name = "wait_all_2",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SN",
		.after = "sN",
		.count = 2,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_all_2_grouped) {
	.name = "wait_all_2_grouped",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SN",
		.after = "sN",
		.count = 2,
		.pregroup = true,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_all_8) {
	.name = "wait_all_8",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SNSNSNSS",
		.after = "sNsNsNss",
		.count = 8,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_all_8_grouped) {
	.name = "wait_all_8_grouped",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SNSNSNSS",
		.after = "sNsNsNss",
		.count = 8,
		.pregroup = true,
	},
};

/* Not all signaled: the alert wins, the objects keep their state. */
FIXTURE_VARIANT_ADD(failnth, wait_all_alert) {
	.name = "wait_all_alert",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SnS",
		.after = "Sns",
		.count = 2,
		.alert = true,
		.index = 2,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_all_8_alert) {
	.name = "wait_all_8_alert",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SNSNSNSnS",
		.after = "SNSNSNSns",
		.count = 8,
		.alert = true,
		.index = 8,
	},
};

/* Signal-and-wait: the signal event completes the wait-all. */
FIXTURE_VARIANT_ADD(failnth, wait_all_signal) {
	.name = "wait_all_signal",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SSs",
		.after = "ssS",
		.count = 2,
		.signal = true,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_all_8_alert_signal) {
	.name = "wait_all_8_alert_signal",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SNSNSNSSns",
		.after = "sNsNsNssnS",
		.count = 8,
		.alert = true,
		.signal = true,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_all_8_block) {
	.name = "wait_all_8_block",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SNSNSNSS",
		.after = "sNsNsNss",
		.count = 8,
		.block = true,
	},
};

FIXTURE_VARIANT_ADD(failnth, wait_all_8_timeout) {
	.name = "wait_all_8_timeout",
	.c = {
		.op = OP_WAIT_ALL,
		.evs = "SNSNSNSn",
		.after = "SNSNSNSn",
		.count = 8,
		.block = true,
		.block_ns = 20 * NSEC_PER_MSEC,
		.fail_errno = ETIMEDOUT,
	},
};

/* Event fd ioctls. */
FIXTURE_VARIANT_ADD(failnth, set) {
	.name = "set",
	.c = {
		.op = OP_SET,
		.evs = "s",
		.after = "S",
	},
};

FIXTURE_VARIANT_ADD(failnth, reset) {
	.name = "reset",
	.c = {
		.op = OP_RESET,
		.evs = "N",
		.after = "n",
	},
};

FIXTURE_VARIANT_ADD(failnth, pulse) {
	.name = "pulse",
	.c = {
		.op = OP_PULSE,
		.evs = "S",
		.after = "s",
	},
};

FIXTURE_VARIANT_ADD(failnth, read_state) {
	.name = "read_state",
	.c = {
		.op = OP_READ,
		.evs = "S",
		.after = "S",
	},
};

/* The user's first timer: its count is allocated. */
FIXTURE_VARIANT_ADD(failnth, timer_first) {
	.name = "timer_first",
	.c = {
		.op = OP_TIMER,
		.evs = "n",
		.after = "n",
		.timer_after = "armed",
	},
};

FIXTURE_VARIANT_ADD(failnth, timer_second) {
	.name = "timer_second",
	.c = {
		.op = OP_TIMER,
		.evs = "nn",
		.after = "nn",
		.other_timer = true,
		.timer_after = "armed",
	},
};

FIXTURE_VARIANT_ADD(failnth, timer_rearm) {
	.name = "timer_rearm",
	.c = {
		.op = OP_TIMER,
		.evs = "n",
		.after = "n",
		.rearm = true,
		.timer_after = "armed",
	},
};

FIXTURE_VARIANT_ADD(failnth, timer_disarm) {
	.name = "timer_disarm",
	.c = {
		.op = OP_TIMER,
		.evs = "n",
		.after = "n",
		.disarm = true,
		.timer_after = "off",
	},
};

/* read() and write() */
FIXTURE_VARIANT_ADD(failnth, read_fd) {
	.name = "read_fd",
	.c = {
		.op = OP_READ_FD,
		.evs = "S",
		.after = "s",
	},
};

FIXTURE_VARIANT_ADD(failnth, write_fd) {
	.name = "write_fd",
	.c = {
		.op = OP_WRITE_FD,
		.evs = "s",
		.after = "S",
	},
};

/*
 * Without fail-nth (every Debian kernel) the whole file is one skip, not
 * one per path: the harness's own lines, and exit status 0 as the
 * harness gives when its tests skip.
 */
int main(int argc, char **argv)
{
	if (access(FAIL_NTH, F_OK)) {
		printf("TAP version 13\n1..1\n");
		printf("ok 1 failnth # SKIP %s is absent: %s\n", FAIL_NTH,
		       "the kernel has no CONFIG_FAULT_INJECTION");
		printf("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0\n");
		return 0;
	}
	return test_harness_run(argc, argv);
}
