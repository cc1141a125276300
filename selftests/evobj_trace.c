// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evobj tracepoints: with events/evobj/ enabled in a tracefs instance
 * of its own, a known sequence (create, set, reset, pulse, waits that
 * succeed and that time out, signal-and-wait, a wait-all with an alert,
 * timer expiries that set and that park) must leave exactly the records
 * expected, fields and order, and nothing else about its events. Skips
 * where tracefs is unavailable; fails if the kernel has trace events but
 * not evobj's, or not one of them.
 */
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "evobj_test.h"

#define TRACEFS		"/sys/kernel/tracing"
#define MAX_RECORDS	64

static const char *const events[] = {
	"evobj_create", "evobj_set", "evobj_reset", "evobj_pulse",
	"evobj_wait_start", "evobj_wait_end", "evobj_timer_expire",
};

FIXTURE(trace) {
	int dev;
	char inst[128];		/* the instance directory, or "" */
};

static int write_file(const char *dir, const char *name, const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* tracefs's root: mounted already, or mounted here; NULL if neither. */
static const char *tracefs_root(void)
{
	struct stat st;

	if (!stat(TRACEFS "/instances", &st))
		return TRACEFS;
	if (!mount("nodev", TRACEFS, "tracefs", 0, NULL) &&
	    !stat(TRACEFS "/instances", &st))
		return TRACEFS;
	if (!stat("/sys/kernel/debug/tracing/instances", &st))
		return "/sys/kernel/debug/tracing";
	return NULL;
}

FIXTURE_SETUP(trace)
{
	const char *root;
	char path[256];
	struct stat st;
	size_t i;

	self->inst[0] = '\0';
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev);

	root = tracefs_root();
	if (!root)
		SKIP(return, "no tracefs (kernel without tracing?)");
	snprintf(path, sizeof(path), "%s/events", root);
	if (stat(path, &st))
		SKIP(return, "tracefs has no events/ (kernel without trace events)");
	/* Events exist, and the module is loaded: evobj's must be there. */
	for (i = 0; i < ARRAY_SIZE(events); i++) {
		snprintf(path, sizeof(path), "%s/events/evobj/%s/enable", root,
			 events[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s: %s", path, strerror(errno));
	}

	/* An instance of its own: its buffer, clock and switches only. */
	snprintf(self->inst, sizeof(self->inst), "%s/instances/evobj_selftest_%d",
		 root, getpid());
	ASSERT_EQ(0, mkdir(self->inst, 0700)) {
		TH_LOG("mkdir %s: %s", self->inst, strerror(errno));
		self->inst[0] = '\0';
	}
	/* One clock for every CPU, so that the merged order is the real one. */
	ASSERT_EQ(0, write_file(self->inst, "trace_clock", "global"));
	ASSERT_EQ(0, write_file(self->inst, "events/evobj/enable", "1"));
	ASSERT_EQ(0, write_file(self->inst, "tracing_on", "1"));
}

FIXTURE_TEARDOWN(trace)
{
	if (self->inst[0]) {
		write_file(self->inst, "tracing_on", "0");
		write_file(self->inst, "events/evobj/enable", "0");
		rmdir(self->inst);
	}
	if (self->dev >= 0)
		close(self->dev);
}

/* The records "event: fields" about the events @ids, in buffer order. */
static int read_records(const char *inst, const long *ids, size_t nids,
			char rec[][256], int max)
{
	char path[256], line[512];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/trace", inst);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *ev = strstr(line, ": evobj_");
		char *id;
		size_t i;

		if (line[0] == '#' || !ev)
			continue;
		ev += 2;
		ev[strcspn(ev, "\n")] = '\0';
		id = strstr(ev, " id=");
		if (!id)
			continue;
		for (i = 0; i < nids; i++)
			if (strtol(id + 4, NULL, 10) == ids[i])
				break;
		if (i == nids)
			continue;
		if (n < max)
			snprintf(rec[n], 256, "%s", ev);
		n++;
	}
	fclose(f);
	return n;
}

/*
 * Whether @rec matches @want, field by field: a wanted "key=*" takes any
 * value of that key.
 */
static bool record_matches(const char *rec, const char *want)
{
	const char *r = rec, *w = want;

	for (;;) {
		size_t rl = strcspn(r, " "), wl = strcspn(w, " ");

		if (wl >= 2 && w[wl - 1] == '*' && w[wl - 2] == '=') {
			if (rl < wl - 1 || strncmp(r, w, wl - 1))
				return false;
		} else if (rl != wl || strncmp(r, w, wl)) {
			return false;
		}
		r += rl;
		w += wl;
		if (!*r || !*w)
			return !*r && !*w;
		r++;
		w++;
	}
}

/* The value of " @key=" in @rec, or LLONG_MIN. */
static long long record_field(const char *rec, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(rec, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : LLONG_MIN;
}

static int wait_one(int dev, bool all, const int32_t *fds, uint32_t count,
		    int32_t alert, int32_t signal, uint64_t timeout)
{
	struct evobj_wait w = wait_args(fds, count, timeout);

	w.alert = alert;
	w.signal = signal;
	return ev_wait(dev, all, &w);
}

static int arm(int fd, uint64_t expires, uint64_t period)
{
	struct evobj_timer t = { .expires = expires, .period = period };

	return ioctl(fd, EVOBJ_IOC_TIMER, &t);
}

/* Polls fdinfo until @key of @fd reads @val; false if it never does. */
static bool wait_fdinfo(int fd, const char *key, const char *val)
{
	uint64_t end = deadline_in(LONG_WAIT_NS);
	char got[64];

	do {
		if (!fdinfo_str(fd, key, got, sizeof(got)) && !strcmp(got, val))
			return true;
		sleep_ns(NSEC_PER_MSEC);
	} while (now_ns(CLOCK_MONOTONIC) < end);
	return false;
}

/* Long enough that the wait starts with time left, even under TCG. */
#define TIMEOUT_NS	(200 * NSEC_PER_MSEC)
#define PERIOD_NS	NSEC_PER_MSEC
#define NR_EVENTS	7

TEST_F(trace, records_of_a_known_sequence)
{
	static const struct { uint32_t type, flags; } make[NR_EVENTS] = {
		{ EVOBJ_NOTIFICATION, 0 },		/* n */
		{ EVOBJ_SYNCHRONIZATION, 0 },		/* s */
		{ EVOBJ_NOTIFICATION, EVOBJ_SIGNALED },	/* a */
		{ EVOBJ_SYNCHRONIZATION, EVOBJ_SIGNALED },	/* b */
		{ EVOBJ_NOTIFICATION, 0 },		/* c: an alert */
		{ EVOBJ_SYNCHRONIZATION, 0 },		/* t: a one-shot timer */
		{ EVOBJ_NOTIFICATION, 0 },		/* p: a periodic timer */
	};
	static char rec[MAX_RECORDS][256], want[MAX_RECORDS][256];
	int32_t fd[NR_EVENTS], ab[2], n, s, a, b, c, t, p;
	int nwant = 0, nrec, timed, i;
	long id[NR_EVENTS];
	long long v;

	for (i = 0; i < NR_EVENTS; i++) {
		fd[i] = ev_create(self->dev, make[i].type, make[i].flags);
		ASSERT_LE(0, fd[i]);
		id[i] = fdinfo_num(fd[i], "id");
		ASSERT_LT(0, id[i]);
		/* Unique, in creation order. */
		if (i)
			ASSERT_LT(id[i - 1], id[i]);
	}
	n = fd[0];
	s = fd[1];
	a = fd[2];
	b = fd[3];
	c = fd[4];
	t = fd[5];
	p = fd[6];

#define WANT(...) snprintf(want[nwant++], sizeof(want[0]), __VA_ARGS__)
	WANT("evobj_create: id=%ld type=notification signaled=0", id[0]);
	WANT("evobj_create: id=%ld type=synchronization signaled=0", id[1]);
	WANT("evobj_create: id=%ld type=notification signaled=1", id[2]);
	WANT("evobj_create: id=%ld type=synchronization signaled=1", id[3]);
	WANT("evobj_create: id=%ld type=notification signaled=0", id[4]);
	WANT("evobj_create: id=%ld type=synchronization signaled=0", id[5]);
	WANT("evobj_create: id=%ld type=notification signaled=0", id[6]);

	/* Set, set again, reset, pulse. */
	ASSERT_EQ(0, ev_set(n));
	WANT("evobj_set: id=%ld type=notification prev=0 signaled=1 ctx=task", id[0]);
	ASSERT_EQ(1, ev_set(n));
	WANT("evobj_set: id=%ld type=notification prev=1 signaled=1 ctx=task", id[0]);
	ASSERT_EQ(1, ev_reset(n));
	WANT("evobj_reset: id=%ld type=notification prev=1 signaled=0 ctx=task", id[0]);
	ASSERT_EQ(0, ev_pulse(n));
	WANT("evobj_pulse: id=%ld type=notification prev=0 signaled=0 ctx=task", id[0]);

	/* A wait that succeeds at once. */
	ASSERT_EQ(0, ev_set(n));
	WANT("evobj_set: id=%ld type=notification prev=0 signaled=1 ctx=task", id[0]);
	ASSERT_EQ(0, wait_one(self->dev, false, &n, 1, -1, -1, EVOBJ_TIMEOUT_INFINITE));
	WANT("evobj_wait_start: id=%ld count=1 kind=any alert=0 signal=0 timeout=-1", id[0]);
	WANT("evobj_wait_end: id=%ld count=1 kind=any result=0 index=0 duration=*", id[0]);

	/*
	 * Signal-and-wait on s itself: queued first, so the set completes
	 * the wait, which consumes s at once (signaled=0 after the set).
	 */
	ASSERT_EQ(0, wait_one(self->dev, false, &s, 1, -1, s, EVOBJ_TIMEOUT_INFINITE));
	WANT("evobj_wait_start: id=%ld count=1 kind=any alert=0 signal=%ld timeout=-1",
	     id[1], id[1]);
	WANT("evobj_set: id=%ld type=synchronization prev=0 signaled=0 ctx=task", id[1]);
	WANT("evobj_wait_end: id=%ld count=1 kind=any result=0 index=0 duration=*", id[1]);

	/* A wait-all with an alert, both objects signaled: index 0. */
	ab[0] = a;
	ab[1] = b;
	ASSERT_EQ(0, wait_one(self->dev, true, ab, 2, c, -1, EVOBJ_TIMEOUT_INFINITE));
	WANT("evobj_wait_start: id=%ld count=2 kind=all alert=%ld signal=0 timeout=-1",
	     id[2], id[4]);
	WANT("evobj_wait_end: id=%ld count=2 kind=all result=0 index=0 duration=*", id[2]);

	/* A test that fails (timeout in the past), then a wait that times out. */
	ASSERT_EQ(-1, wait_one(self->dev, false, &s, 1, -1, -1, 0));
	ASSERT_EQ(ETIMEDOUT, errno);
	WANT("evobj_wait_start: id=%ld count=1 kind=any alert=0 signal=0 timeout=0", id[1]);
	WANT("evobj_wait_end: id=%ld count=1 kind=any result=-110 index=-1 duration=*", id[1]);
	ASSERT_EQ(-1, wait_one(self->dev, false, &s, 1, -1, -1, deadline_in(TIMEOUT_NS)));
	ASSERT_EQ(ETIMEDOUT, errno);
	timed = nwant;
	WANT("evobj_wait_start: id=%ld count=1 kind=any alert=0 signal=0 timeout=*", id[1]);
	WANT("evobj_wait_end: id=%ld count=1 kind=any result=-110 index=-1 duration=*", id[1]);

	/* A one-shot timer sets t in hardirq context; a wait then takes it. */
	ASSERT_EQ(0, arm(t, deadline_in(NSEC_PER_MSEC), 0));
	ASSERT_TRUE(wait_fdinfo(t, "timer_expiries", "1"));
	WANT("evobj_timer_expire: id=%ld expiries=1 period=0 prev=0 parked=0 ctx=hardirq", id[5]);
	ASSERT_EQ(0, wait_one(self->dev, false, &t, 1, -1, -1, EVOBJ_TIMEOUT_INFINITE));
	WANT("evobj_wait_start: id=%ld count=1 kind=any alert=0 signal=0 timeout=-1", id[5]);
	WANT("evobj_wait_end: id=%ld count=1 kind=any result=0 index=0 duration=*", id[5]);

	/* A periodic timer on p: sets it, then finds it signaled and parks. */
	ASSERT_EQ(0, arm(p, deadline_in(PERIOD_NS), PERIOD_NS));
	ASSERT_TRUE(wait_fdinfo(p, "timer", "parked"));
	ASSERT_EQ(0, arm(p, 0, 0));
	WANT("evobj_timer_expire: id=%ld expiries=1 period=%llu prev=0 parked=0 ctx=hardirq",
	     id[6], PERIOD_NS);
	WANT("evobj_timer_expire: id=%ld expiries=2 period=%llu prev=1 parked=1 ctx=hardirq",
	     id[6], PERIOD_NS);
#undef WANT

	ASSERT_EQ(0, write_file(self->inst, "tracing_on", "0"));
	nrec = read_records(self->inst, id, NR_EVENTS, rec, MAX_RECORDS);
	for (i = 0; nrec != nwant && i < nrec && i < MAX_RECORDS; i++)
		TH_LOG("record %d: %s", i, rec[i]);
	ASSERT_EQ(nwant, nrec);
	for (i = 0; i < nwant; i++)
		EXPECT_TRUE(record_matches(rec[i], want[i]))
			TH_LOG("record %d: got \"%s\", want \"%s\"", i, rec[i], want[i]);

	/* The timed wait: some time left at its start, all of it spent. */
	v = record_field(rec[timed], "timeout");
	EXPECT_LT(0, v);
	EXPECT_GE((long long)TIMEOUT_NS, v);
	EXPECT_LE(v - (long long)NSEC_PER_MSEC, record_field(rec[timed + 1], "duration"));

	for (i = 0; i < NR_EVENTS; i++)
		close(fd[i]);
}

/* Off, the same calls leave nothing in the buffer. */
TEST_F(trace, nothing_when_disabled)
{
	char rec[4][256];
	int32_t fd;
	long id;

	ASSERT_EQ(0, write_file(self->inst, "events/evobj/enable", "0"));
	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);
	ASSERT_LE(0, fd);
	id = fdinfo_num(fd, "id");
	ASSERT_EQ(0, ev_set(fd));
	ASSERT_EQ(0, wait_one(self->dev, false, &fd, 1, -1, -1, 0));
	ASSERT_EQ(0, write_file(self->inst, "tracing_on", "0"));
	EXPECT_EQ(0, read_records(self->inst, &id, 1, rec, 4));
	close(fd);
}

TEST_HARNESS_MAIN
