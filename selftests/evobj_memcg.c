// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: events are charged to the memory cgroup (contract §4,
 * "Memory is charged"). In a cgroup v2 child of its own, the test
 * creates NOBJ eventfds, then NOBJ events, and compares what each adds to
 * memory.current: both cost the struct file (and dentry) that the VFS
 * charges, an event also its struct evobj, which is several hundred
 * bytes, so it must cost at least MIN_EXTRA more. After closing them
 * the objects' bytes leave the cgroup's slab counters again (within
 * RETURN_SLACK, and within SETTLE_NS: an event may be freed after an RCU
 * grace period), and memory.current comes back within STOCK_SLACK more.
 *
 * memory.current counts pages charged, and a CPU keeps up to
 * MEMCG_CHARGE_BATCH (64) pages charged ahead for the last cgroup that
 * charged there, plus the sub-page bytes of slab objects. So before each
 * reading the test settles every CPU's caches: on each CPU, from a
 * second cgroup, it allocates a slab object (which hands the byte cache
 * back to our cgroup's page cache) and then faults in a page (which
 * returns that page cache to our page counter). That is exact enough to
 * measure what objects cost, but not to prove they were all freed: late
 * in the debug kernel's suite, 45 to 57 pages have stayed charged for a
 * minute with no object counter in memory.stat grown to match, a page
 * cache the settling did not reach. So the return is judged by the slab
 * counters, which count the bytes of live objects, and memory.current
 * only within a page cache per CPU more.
 *
 * Needs root: it mounts cgroup2 at /sys/fs/cgroup if nothing is mounted
 * there (the test VM's init mounts no cgroups) and enables the memory
 * controller; it undoes both at the end. Skips without cgroup2 or the
 * memory controller.
 */

#include <limits.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sched.h>

#include "evobj_files.h"
#include "evobj_test.h"

#define CGROOT		"/sys/fs/cgroup"
#define CG		CGROOT "/evobj_selftest"
#define CG_FLUSH	CGROOT "/evobj_selftest_flush"
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC	0x63677270
#endif

/* Objects per measurement: enough that a page of error is 1 B each. */
#define NOBJ		4096
/* What an event must cost beyond an eventfd, in bytes. */
#define MIN_EXTRA	128
/* How close memory.current must come back after closing them. */
#define RETURN_SLACK	(64 * 1024)
/*
 * How long it may take: a few seconds alone, but the debug kernel late
 * in the whole suite once still held 45 pages after 15 s. A leak never
 * returns, so the wait only decides how long a failure takes to show.
 */
#define SETTLE_NS	(60 * NSEC_PER_SEC)

FIXTURE(memcg) {
	int dev;
	bool mounted;		/* we mounted cgroup2 */
	bool enabled;		/* we enabled +memory in the root */
	bool created;		/* we made CG and CG_FLUSH */
	bool moved;		/* we are in CG */
};

/* Whether the space-separated list in @path names @word. */
static bool file_has_word(const char *path, const char *word)
{
	char buf[512], *save, *tok;

	if (file_read(path, buf, sizeof(buf), false))
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

/* memory.current of @cg in bytes, or -1. */
static long long mem_current(const char *cg)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	if (file_read(path, buf, sizeof(buf), false))
		return -1;
	return strtoll(buf, NULL, 10);
}

/* memory.stat of CG, kept to name what a failed return left charged. */
struct mem_stat {
	char text[8192];
};

static void mem_stat_read(struct mem_stat *st)
{
	if (file_read(CG "/memory.stat", st->text, sizeof(st->text), false))
		st->text[0] = '\0';
}

/* The counter @key of @st, or -1. */
static long long mem_stat_get(const struct mem_stat *st, const char *key)
{
	size_t len = strlen(key);
	long long val;

	for (const char *line = st->text; *line; line += strcspn(line, "\n"), line += *line == '\n')
		if (!strncmp(line, key, len) && line[len] == ' ' &&
		    sscanf(line + len, "%lld", &val) == 1)
			return val;
	return -1;
}

/* The bytes of live slab objects charged to CG, or -1. */
static long long slab_bytes(void)
{
	static struct mem_stat st;
	long long rec, unrec;

	mem_stat_read(&st);
	rec = mem_stat_get(&st, "slab_reclaimable");
	unrec = mem_stat_get(&st, "slab_unreclaimable");
	return rec < 0 || unrec < 0 ? -1 : rec + unrec;
}

/* Logs each memory.stat counter that grew from @before to @after. */
static void mem_stat_log_growth(struct __test_metadata *_metadata,
				const struct mem_stat *before,
				const struct mem_stat *after)
{
	const char *line = after->text;

	while (*line) {
		char key[64], pat[72];
		long long now, then = 0;
		const char *old;

		if (sscanf(line, "%63s %lld", key, &now) == 2) {
			/* "\nkey ", or "key " at the very start */
			snprintf(pat, sizeof(pat), "\n%s ", key);
			old = strstr(before->text, pat);
			if (old)
				old += strlen(pat);
			else if (!strncmp(before->text, pat + 1, strlen(pat + 1)))
				old = before->text + strlen(pat + 1);
			if (old)
				sscanf(old, "%lld", &then);
			if (now > then)
				TH_LOG("memory.stat %s: +%lld", key, now - then);
		}
		line += strcspn(line, "\n");
		line += *line == '\n';
	}
}

static int move_self(const char *cg)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	return file_write(path, "0");
}

/* The CPUs the test may use, and the one it runs its measurements on. */
static cpu_set_t all_cpus;
static int home_cpu = -1;

static int pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Returns every CPU's charge caches for CG to its page counter (see the
 * top of the file); memory.current of CG is then exact to a page. Every
 * CPU, not just ours: an object may be freed on another one (kfree_rcu()
 * frees from a worker), and its uncharge then lands in that CPU's cache.
 */
static int settle(void)
{
	long page = sysconf(_SC_PAGESIZE);
	int ret = 0;

	if (move_self(CG_FLUSH))
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		char *p;
		int fd;

		if (!CPU_ISSET(cpu, &all_cpus) || pin_to(cpu))
			continue;
		/* A slab object charged to CG_FLUSH drains CG's byte cache... */
		fd = eventfd(0, EFD_CLOEXEC);
		/* ...and a page charged to it drains CG's page cache. */
		p = mmap(NULL, page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			memset(p, 1, page);
			munmap(p, page);
		}
		if (fd >= 0)
			close(fd);
		if (fd < 0 || p == MAP_FAILED)
			ret = -1;
	}
	if (pin_to(home_cpu) || move_self(CG))
		ret = -1;
	return ret;
}

static long long settled_current(void)
{
	return settle() ? -1 : mem_current(CG);
}

FIXTURE_SETUP(memcg)
{
	struct statfs sfs;
	struct rlimit rl;

	memset(self, 0, sizeof(*self));
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev) TH_LOG("open " EVOBJ_DEV ": %s", strerror(errno));
	if (geteuid())
		SKIP(return, "needs root to set up a memory cgroup");

	if (statfs(CGROOT, &sfs))
		SKIP(return, CGROOT " is absent: %s", strerror(errno));
	if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		if (mount("cgroup2", CGROOT, "cgroup2", 0, NULL))
			SKIP(return, "cannot mount cgroup2 at " CGROOT ": %s",
			     strerror(errno));
		self->mounted = true;
	}
	if (!file_has_word(CGROOT "/cgroup.controllers", "memory"))
		SKIP(return, "no memory controller in cgroup v2");
	if (!file_has_word(CGROOT "/cgroup.subtree_control", "memory")) {
		ASSERT_EQ(0, file_write(CGROOT "/cgroup.subtree_control", "+memory"))
			TH_LOG("enable +memory: %s", strerror(errno));
		self->enabled = true;
	}
	/* Left over from a run that died? */
	rmdir(CG);
	rmdir(CG_FLUSH);
	ASSERT_EQ(0, mkdir(CG, 0755)) TH_LOG("mkdir " CG ": %s", strerror(errno));
	ASSERT_EQ(0, mkdir(CG_FLUSH, 0755))
		TH_LOG("mkdir " CG_FLUSH ": %s", strerror(errno));
	self->created = true;

	/* One CPU for the measurements (see settle()). */
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(all_cpus), &all_cpus));
	for (int cpu = 0; cpu < CPU_SETSIZE && home_cpu < 0; cpu++)
		if (CPU_ISSET(cpu, &all_cpus))
			home_cpu = cpu;
	ASSERT_EQ(0, pin_to(home_cpu));

	/* Room for NOBJ fds and then some. */
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_cur < NOBJ + 256) {
		rl.rlim_cur = NOBJ + 256;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	}

	ASSERT_EQ(0, move_self(CG)) TH_LOG("move into " CG ": %s", strerror(errno));
	self->moved = true;
}

FIXTURE_TEARDOWN(memcg)
{
	if (self->moved)
		EXPECT_EQ(0, move_self(CGROOT));
	if (self->created) {
		EXPECT_EQ(0, rmdir(CG));
		EXPECT_EQ(0, rmdir(CG_FLUSH));
	}
	if (self->enabled)
		EXPECT_EQ(0, file_write(CGROOT "/cgroup.subtree_control", "-memory"));
	if (self->mounted)
		EXPECT_EQ(0, umount(CGROOT));
	if (self->dev >= 0)
		close(self->dev);
}

/* The objects measured: the i-th of a kind, or -1 with errno. */
enum obj_kind { OBJ_EVENTFD, OBJ_EVENT, OBJ_NAMED };

static int make_one(int dev, enum obj_kind kind, int i)
{
	/* A 200-byte name, unique to this process and i. */
	char name[201];
	struct evobj_open o = {
		.name = (uintptr_t)name, .type = EVOBJ_NOTIFICATION,
		.flags = EVOBJ_CLOEXEC, .disposition = EVOBJ_CREATE_NEW,
		.mode = 0600,
	};

	switch (kind) {
	case OBJ_EVENTFD:
		return eventfd(0, EFD_CLOEXEC);
	case OBJ_EVENT:
		return ev_create(dev, i % 2, EVOBJ_CLOEXEC);
	case OBJ_NAMED:
		memset(name, 'm', 200);
		name[200] = '\0';
		snprintf(name, sizeof(name), "%d/%d/", getpid(), i);
		name[strlen(name)] = 'm';
		return ioctl(dev, EVOBJ_IOC_OPEN, &o);
	}
	errno = EINVAL;
	return -1;
}

/* NOBJ objects of a kind in fds[], or none (all closed) and -1. */
static int make_objects(int dev, enum obj_kind kind, int *fds)
{
	for (int i = 0; i < NOBJ; i++) {
		fds[i] = make_one(dev, kind, i);
		if (fds[i] < 0) {
			while (i--)
				close(fds[i]);
			return -1;
		}
	}
	return 0;
}

static void close_objects(int *fds)
{
	for (int i = 0; i < NOBJ; i++)
		close(fds[i]);
}

/* CG's charge: memory.current after settling, and its live slab bytes. */
struct charge {
	long long cur, slab;
};

static struct charge charge_now(void)
{
	return (struct charge){ .cur = settled_current(), .slab = slab_bytes() };
}

/* The pages every CPU may keep charged ahead for CG (see the top). */
static long long stock_slack(void)
{
	return CPU_COUNT(&all_cpus) * 64LL * sysconf(_SC_PAGESIZE);
}

static bool returned_to(const struct charge *now, const struct charge *ref)
{
	return now->cur >= 0 && now->slab >= 0 &&
	       now->slab <= ref->slab + RETURN_SLACK &&
	       now->cur <= ref->cur + RETURN_SLACK + stock_slack();
}

/*
 * The charge comes back to @ref within @ns: the last frees may wait for
 * RCU (kfree_rcu() batches for up to 5 s before the grace period even
 * starts). The last reading.
 */
static struct charge settles_to(const struct charge *ref, uint64_t ns)
{
	uint64_t end = deadline_in(ns);
	struct charge now;

	do {
		now = charge_now();
		if (returned_to(&now, ref))
			break;
		sleep_ns(50 * NSEC_PER_MSEC);
	} while (now_ns(CLOCK_MONOTONIC) < end);
	return now;
}

/* Fails the test unless @now came back to @ref, naming what did not. */
static void expect_returned(struct __test_metadata *_metadata, const char *what,
			    const struct charge *now, const struct charge *ref)
{
	EXPECT_LE(0, now->slab) TH_LOG("no slab counters in " CG "/memory.stat");
	EXPECT_GE(ref->slab + RETURN_SLACK, now->slab)
		TH_LOG("%lld B of objects still charged after closing the %s",
		       now->slab - ref->slab, what);
	EXPECT_GE(ref->cur + RETURN_SLACK + stock_slack(), now->cur)
		TH_LOG("%lld B still charged after closing the %s",
		       now->cur - ref->cur, what);
}

TEST_F_TIMEOUT(memcg, event_charged_beyond_eventfd, 240)
{
	struct charge base, with_efd, after_efd, with_ev, after_ev;
	long long per_efd, per_ev;
	uint64_t closed;
	int *fds = calloc(NOBJ, sizeof(*fds));

	ASSERT_NE(NULL, fds);
	/*
	 * Warm up: the fd table grows to NOBJ fds, charged and kept. With
	 * eventfds only, which free at once: nothing is left to be freed
	 * later, during a measurement.
	 */
	ASSERT_EQ(0, make_objects(self->dev, OBJ_EVENTFD, fds));
	close_objects(fds);
	base = charge_now();
	ASSERT_LT(0, base.cur);

	ASSERT_EQ(0, make_objects(self->dev, OBJ_EVENTFD, fds));
	with_efd = charge_now();
	close_objects(fds);
	after_efd = settles_to(&base, SETTLE_NS);

	ASSERT_EQ(0, make_objects(self->dev, OBJ_EVENT, fds))
		TH_LOG("create: %s", strerror(errno));
	with_ev = charge_now();
	close_objects(fds);
	closed = now_ns(CLOCK_MONOTONIC);
	after_ev = settles_to(&after_efd, SETTLE_NS);
	closed = now_ns(CLOCK_MONOTONIC) - closed;

	per_efd = (with_efd.cur - base.cur) / NOBJ;
	per_ev = (with_ev.cur - after_efd.cur) / NOBJ;
	TH_LOG("memory.current: base %lld; %d eventfds +%lld (%lld B each), closed %+lld; %d events +%lld (%lld B each), closed %+lld (slab %+lld) after %llu ms",
	       base.cur, NOBJ, with_efd.cur - base.cur, per_efd,
	       after_efd.cur - base.cur, NOBJ, with_ev.cur - after_efd.cur,
	       per_ev, after_ev.cur - after_efd.cur,
	       after_ev.slab - after_efd.slab,
	       (unsigned long long)(closed / NSEC_PER_MSEC));

	/* An eventfd costs something (its struct file), or nothing works. */
	EXPECT_LT(64, per_efd);
	/* An event costs its struct evobj on top. */
	EXPECT_LE(per_efd + MIN_EXTRA, per_ev)
		TH_LOG("an event costs %lld B, an eventfd %lld B: the event itself is not charged",
		       per_ev, per_efd);
	/* And both give it all back. */
	expect_returned(_metadata, "eventfds", &after_efd, &base);
	expect_returned(_metadata, "events", &after_ev, &after_efd);
	free(fds);
}

/*
 * A named event is charged its name too (contract section 5, and issue
 * 12's "memory is charged to the caller's memory cgroup"): NOBJ events
 * with 200-byte names cost at least 200 B each more than unnamed ones.
 */
TEST_F_TIMEOUT(memcg, name_charged, 240)
{
	struct charge base, with_ev, after_ev, with_named, after_named;
	long long per_ev, per_named;
	static struct mem_stat before, after;
	int *fds = calloc(NOBJ, sizeof(*fds));
	uint64_t closed;

	ASSERT_NE(NULL, fds);
	ASSERT_EQ(0, make_objects(self->dev, OBJ_EVENTFD, fds));
	close_objects(fds);
	base = charge_now();
	ASSERT_LT(0, base.cur);

	ASSERT_EQ(0, make_objects(self->dev, OBJ_EVENT, fds));
	with_ev = charge_now();
	close_objects(fds);
	after_ev = settles_to(&base, SETTLE_NS);

	mem_stat_read(&before);
	ASSERT_EQ(0, make_objects(self->dev, OBJ_NAMED, fds))
		TH_LOG("open: %s", strerror(errno));
	with_named = charge_now();
	close_objects(fds);
	closed = now_ns(CLOCK_MONOTONIC);
	after_named = settles_to(&after_ev, SETTLE_NS);
	closed = now_ns(CLOCK_MONOTONIC) - closed;

	per_ev = (with_ev.cur - base.cur) / NOBJ;
	per_named = (with_named.cur - after_ev.cur) / NOBJ;
	TH_LOG("%d events +%lld B each; %d named events +%lld B each, closed %+lld (slab %+lld) after %llu ms",
	       NOBJ, per_ev, NOBJ, per_named, after_named.cur - after_ev.cur,
	       after_named.slab - after_ev.slab,
	       (unsigned long long)(closed / NSEC_PER_MSEC));
	EXPECT_LE(per_ev + 200, per_named)
		TH_LOG("the name is not charged to the cgroup");
	expect_returned(_metadata, "events", &after_ev, &base);
	expect_returned(_metadata, "named events", &after_named, &after_ev);
	if (!returned_to(&after_named, &after_ev)) {
		mem_stat_read(&after);
		mem_stat_log_growth(_metadata, &before, &after);
	}
	free(fds);
}

TEST_HARNESS_MAIN
