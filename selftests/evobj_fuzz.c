// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj_fuzz: a seeded, multi-threaded fuzzer for /dev/evobj, its
 * object fds and evobj's /dev/ntsync. Not a kselftest: run.sh skips it,
 * scripts/guest/guest-tests.sh and `make fuzz` run it on its own.
 *
 *   evobj_fuzz [--seed S] [--calls N] [--seconds S] [--threads T]
 *              [--slack S] [--unload] [--no-limits] [--smoke] [-v]
 *
 * Threads issue weighted random calls: every evobj ioctl on /dev/evobj,
 * on event fds and on other fds (eventfd, pipes, epoll, sockets, closed
 * numbers), with valid, boundary and malformed arguments (NULL, reserved
 * and kernel addresses, read-only pages, structs straddling into a
 * PROT_NONE page, bad sizes, flags, pads, counts and timeouts), read and
 * write of every size, poll/select/epoll, close and dup2 of fds that
 * other threads use, fork, SCM_RIGHTS, signals with and without
 * SA_RESTART, and hardirq timers armed and cancelled at random.
 *
 * What it checks:
 *  - every failing call returns an errno that the contract allows for it
 *    (an allow-list per call), and calls on fds whose kind is known for
 *    certain (the fuzzer's own persistent fds) with one malformation
 *    return exactly the contract's errno;
 *  - no call outlives its timeout plus a slack (a watchdog thread, which
 *    prints the stuck thread's kernel stack);
 *  - a timed-out wait did not return before its deadline;
 *  - accounting, as evobj_stress: on synchronization events that only
 *    the accounting calls touch, per event, sets that returned 0 ==
 *    consumptions (waits, reads) + resets that returned 1 + final state;
 *    on half of them, sets, resets and takes go through the mapped word
 *    as well (a compare-and-swap from 0 counts as a set that returned 0,
 *    and so on), and their words never hold a bit but the two;
 *  - mapped words of pool events take garbage, yet once an ioctl has
 *    passed the word holds only its two bits, and the rest of the page
 *    reads zero; a bad mapping shape fails;
 *  - events that nothing may signal stay non-signaled, and vice versa,
 *    through READ, poll and fdinfo;
 *  - semaphores: on the accounting semaphores, units released (RELEASE,
 *    write(), signal-and-wait) == units taken (waits, the alert,
 *    read()) + final count, every successful release's previous count
 *    leaves room for its units, and one that cannot fit is EOVERFLOW
 *    exactly; a full semaphore that nothing may take stays full and
 *    refuses every release, signal-and-wait included. Pool semaphores
 *    (valid and malformed CREATE_SEMAPHORE, named ones) meet every
 *    other call.
 *  - mutexes: each thread acquires the accounting mutexes for an owner id
 *    of its own (waits of every kind, the alert, EVOBJ_IOC_WAIT), so it
 *    knows exactly what it holds: every UNLOCK by it returns that count
 *    (EPERM exactly when it holds nothing), READ_MUTEX and fdinfo show
 *    it as the owner with that count, a mutex as its signal unlocks one
 *    (EPERM before anything happens when not held), owner 0 in a wait
 *    naming a mutex is EINVAL with nothing taken; per mutex, KILLs ==
 *    EOWNERDEAD acquisitions + the final abandoned flag, and at the end,
 *    every thread having unlocked what it held, the mutex is unowned. A
 *    held mutex that nobody may unlock stays held and refuses every
 *    acquisition, unlock and kill. Pool mutexes (valid and malformed
 *    CREATE_MUTEX, named ones) meet every other call, with the threads'
 *    owners, 0 and random ones.
 *  - ntsync (/dev/ntsync, when evobj serves it; kmod/ntsync.c): each
 *    thread keeps private objects that nobody else touches, a
 *    semaphore, a mutex and an event made through /dev/ntsync and
 *    through /dev/evobj, and ten more of any kind, made at set-up in
 *    random states (a max of 0 or U32_MAX and a count of U32_MAX among
 *    them) and swapped in now and then, and models their state exactly. Every ntsync object ioctl and the
 *    evobj ioctls of every kind, on its kind or another, with good and
 *    bad pointers, must return exactly the errno that the order of the
 *    kernel's checks gives and the output the model predicts, and the
 *    object then reads back as modelled (EVOBJ_IOC_READ, the ntsync
 *    read and the evobj read of its kind); read() and write() too.
 *    ntsync and evobj waits on them (any, all, count 0, alerts, owners,
 *    duplicates, tests and short timeouts, evobj's signal-and-wait, one
 *    malformation at a time: pad, flags, count, pointers, foreign fds
 *    and alerts, owner 0 naming a mutex) return what the model says,
 *    with its index, and take what it says; blocking ones that an
 *    event's hardirq timer must complete complete so. ntsync's creates meet valid and invalid
 *    arguments (exact errno, O_RDWR | O_CLOEXEC blocking fds, which join
 *    the pool); ntsync ioctls and other 'N' numbers meet every fd, and
 *    ntsync waits the pool (up to 72 fds, random owners and alerts);
 *    the persistent fds and the devices refuse exactly. The accounting
 *    calls go through ntsync too (EVENT_SET/RESET, MUTEX_UNLOCK,
 *    SEM_RELEASE, WAIT_ANY/ALL), under the invariants above. Without
 *    evobj's /dev/ntsync (ntsync=0, or a real ntsync) the fuzzer says
 *    so, and the object fds' ntsync ioctls are fuzzed all the same.
 *
 * Each thread's call sequence derives from the seed, so --seed replays
 * it; with several threads the interleaving (and so what fds hold at a
 * given moment) still differs from run to run.
 *
 * Exit status: 0 clean, 1 a violation, 2 usage or set-up error.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/evobj.h>

#include "evobj_files.h"
#include "../kmod/ntsync_abi.h"

#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL
#define KTIME_MAX_NS	((uint64_t)INT64_MAX)
#define POISON32	0xdeadbeefU
#define PAGE		4096

#define MAX_THREADS	16
#define NSLOT		40	/* the chaos pool of fds */
#define NSTALE		16	/* recently closed fd numbers */
#define NACCT		4	/* accounting events */
#define NSEM		2	/* accounting semaphores */
#define NMTX		2	/* accounting mutexes */
#define MTX_HOLD_MAX	4	/* recursion a thread builds up at most */
#define HELD_OWNER	0x7ffffff0U	/* owns g_mtx_held, for ever */
#define NEVER_OWNER	0xfffffff0U	/* owns nothing, ever */
#define MAX_VIOLATIONS	20	/* printed; the run stops at the first */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const N_EVOBJ = "/dev/evobj";
static const char *const N_NTSYNC = "/dev/ntsync";

/* ---- options and global state ---- */

static uint64_t opt_seed;
static uint64_t opt_calls;
static uint64_t opt_seconds;
static int opt_threads = 4;
static uint64_t opt_slack_ns = 20 * NSEC_PER_SEC;
static bool opt_unload;		/* rmmod attempts run meanwhile */
static bool opt_no_limits;	/* leave max_timers and max_waiters alone */
static int opt_verbose;

static atomic_bool g_stop;
static atomic_uint g_violations;
static atomic_ulong g_calls;
static atomic_ulong g_ok;
static atomic_ulong g_errs[256];
static atomic_ulong g_forks, g_scm_fds, g_timers, g_waits_ok, g_eintr;
static uint64_t g_start_ns;
static atomic_ulong g_nt_calls, g_nt_checks, g_nt_waits_ok;

/* Persistent fds: opened before the threads start, never closed. */
static int g_dev;		/* /dev/evobj */
static int g_acct[NACCT];	/* synchronization, accounting only */
static int g_always;		/* notification, signaled, nothing resets it */
static int g_never;		/* notification, nothing signals it */
static int g_probe[2];		/* notification / synchronization+NONBLOCK */
static int g_efd;		/* eventfd */
static int g_pipe[2];
static int g_closed = 1000;	/* a number never open */
static int g_nt = -1;		/* evobj's /dev/ntsync, -1 if absent */
/*
 * Semaphores that only the accounting calls touch (count 0 at first,
 * max g_sem_max[i]), and one that nothing may take or release: full.
 */
static int g_sem[NSEM];
static const uint32_t g_sem_max[NSEM] = { 3, 1000 };
static int g_sem_full;		/* count 1, max 1, for ever */
/*
 * Mutexes that only the accounting calls touch, each thread for its own
 * owner id (OWNER(t)), and one that HELD_OWNER holds for ever.
 */
static int g_mtx[NMTX];
static int g_mtx_held;
#define OWNER(t)	(0x1000U + (t)->id)

/* The module's per-user and per-event limits, when we may lower them. */
#define PARAM_DIR	"/sys/module/evobj/parameters/"
static long g_max_timers = -1, g_max_waiters = -1;	/* ours */
static long g_old_timers = -1, g_old_waiters = -1;	/* to restore */

struct acct {
	atomic_ulong sets0;	/* SETs that returned 0 */
	atomic_ulong consumed;	/* waits and reads that took it */
	atomic_ulong resets1;	/* RESETs that returned 1 */
};

static struct acct g_acc[NACCT];

struct sem_acct {
	atomic_ulong released;	/* units successful releases put in */
	atomic_ulong taken;	/* units waits, alerts and reads took */
	atomic_ulong overflows;	/* releases refused with EOVERFLOW */
	atomic_ulong ro_efault;	/* units of RELEASEs that failed on a read-only arg */
};

static struct sem_acct g_sacc[NSEM];

struct mtx_acct {
	atomic_ulong acquired;	/* acquisitions, EOWNERDEAD included */
	atomic_ulong kills;	/* KILLs that abandoned it */
	atomic_ulong ownerdead;	/* acquisitions that said EOWNERDEAD */
	atomic_ulong eperm;	/* unlocks, kills and signals refused */
};

static struct mtx_acct g_macc[NMTX];
/*
 * The accounting events whose word is mapped, NULL for the others: their
 * changes and takes go through the word, as the protocol makes them,
 * whenever the kernel does not hold it, and count as the ioctls do.
 * Nothing writes anything else there.
 */
static _Atomic uint32_t *g_acct_w[NACCT];
static atomic_ulong g_word_ops, g_acct_word_counted;

static atomic_int g_slot[NSLOT];
static atomic_bool g_slot_ev[NSLOT];	/* advisory: the slot got an event */
static atomic_int g_stale[NSTALE];
static atomic_uint g_stale_pos;

/* An address range that stays PROT_NONE: never mapped, never reused. */
static char *g_none;

/*
 * An object that only its thread touches, and what it must read back:
 * made through /dev/ntsync or /dev/evobj, driven through both ABIs.
 */
#define NPRIV		6
#define NSPARE		10
enum pkind { K_SEM, K_MTX, K_EV };

struct pobj {
	int fd;
	enum pkind kind;
	bool nt;		/* made through /dev/ntsync */
	uint32_t count, max;	/* a semaphore's */
	uint32_t owner, held;	/* a mutex's owner and recursion count */
	bool abandoned;
	bool manual, signaled;	/* an event's */
};

struct thr {
	int id;
	pid_t tid;
	pthread_t pt;
	uint64_t rng;
	timer_t alarm;
	/* per-thread pages: rw[0..2*PAGE) then PROT_NONE; a RO alias */
	char *rw;
	char *ro_w;		/* writable view of the read-only page */
	char *ro;
	/* the call in flight, for the watchdog */
	_Atomic uint64_t start;
	_Atomic uint64_t limit;
	const char *_Atomic what;
	_Atomic long a0, a1, a2;
	/* what this thread's owner id holds of each accounting mutex */
	uint32_t mcount[NMTX];
	/* objects only this thread touches, modelled exactly */
	struct pobj priv[NPRIV];
	struct pobj spare[NSPARE];	/* and more, kept aside */
};

static struct thr g_thr[MAX_THREADS];

/* ---- small helpers ---- */

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static uint64_t mono(void)
{
	return now_ns(CLOCK_MONOTONIC);
}

static uint64_t rnd(struct thr *t)
{
	/* splitmix64 */
	uint64_t z = (t->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rn(struct thr *t, uint32_t n)
{
	return n ? rnd(t) % n : 0;
}

/* True with probability pct/100. */
static bool pct(struct thr *t, unsigned int p)
{
	return rn(t, 100) < p;
}

static const char *ename(int e)
{
	const char *s = e ? strerrorname_np(e) : "0";

	return s ? s : "E?";
}

static void violation(struct thr *t, const char *fmt, ...)
{
	unsigned int n = atomic_fetch_add(&g_violations, 1);
	char buf[512];
	va_list ap;

	atomic_store(&g_stop, true);
	if (n >= MAX_VIOLATIONS)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "fuzz: VIOLATION (seed %llu, thread %d): %s\n",
		(unsigned long long)opt_seed, t ? t->id : -1, buf);
}

/* An errno allow-list: a bitmap over errno values below 256. */
struct allow {
	uint64_t w[4];
};

static struct allow mk(int first, ...)
{
	struct allow a = { { 0 } };
	va_list ap;
	int e;

	va_start(ap, first);
	for (e = first; e; e = va_arg(ap, int))
		a.w[e / 64] |= 1ULL << (e % 64);
	va_end(ap);
	return a;
}

#define ALLOW(...) mk(__VA_ARGS__, 0)

static bool allowed(const struct allow *a, int e)
{
	return e > 0 && e < 256 && (a->w[e / 64] >> (e % 64) & 1);
}

static struct allow A_CREATE, A_CHANGE, A_TIMER, A_WAIT, A_READ, A_WRITE,
	A_POLL, A_SELECT, A_EPCTL, A_EPWAIT, A_CLOSE, A_DUP, A_SEND, A_RECV, A_OPEN,
	A_NEWFD, A_FORK, A_IOCTL, A_FDINFO, A_ACCT_WAIT, A_NAMED, A_WAITSET,
	A_MMAP, A_RELEASE, A_MUTEX, A_NTIOC, A_NTWAIT;

static void init_allow(void)
{
	/*
	 * The contract's errnos for each call, plus what the other kinds
	 * of fd that the fuzzer throws at it answer (pipes, eventfd,
	 * epoll, sockets, procfs): ENOTTY for an ioctl they do not know
	 * (but EINVAL from epoll, which has ioctls of its own), EBADF for a
	 * closed fd. ENOMEM everywhere the kernel allocates. The exact
	 * errno for evobj's own fds is checked on the persistent ones.
	 */
	A_CREATE = ALLOW(EINVAL, EFAULT, ENOTTY, EBADF, ENOMEM, EMFILE, ENFILE);
	/*
	 * EVOBJ_IOC_OPEN: CREATE's, and those of names (contract, section
	 * 5); EMEDIUMTYPE for a name of another kind (the pool of names
	 * holds events, semaphores and mutexes).
	 */
	A_NAMED = ALLOW(EINVAL, EFAULT, ENOTTY, EBADF, ENOMEM, EMFILE, ENFILE,
			ENOENT, EEXIST, ENAMETOOLONG, ENOSPC, EACCES,
			EMEDIUMTYPE);
	/* RELEASE and READ_SEMAPHORE: EINVAL on an event, ENOTTY elsewhere. */
	A_RELEASE = ALLOW(EINVAL, EFAULT, ENOTTY, EBADF, EOVERFLOW);
	/*
	 * UNLOCK, KILL, READ_MUTEX: EPERM for an owner that does not hold
	 * it, EINVAL on an event or semaphore, ENOTTY elsewhere.
	 */
	A_MUTEX = ALLOW(EINVAL, EFAULT, ENOTTY, EBADF, EPERM);
	A_CHANGE = ALLOW(EFAULT, ENOTTY, EBADF, EINVAL);
	A_TIMER = ALLOW(EINVAL, EFAULT, ENOTTY, EBADF, ENOSPC, ENOMEM);
	/*
	 * EOVERFLOW: the signal is a semaphore at its maximum; EPERM: a
	 * mutex that the wait's owner does not hold; EOWNERDEAD: it
	 * acquired an abandoned mutex.
	 */
	A_WAIT = ALLOW(EINVAL, EBADF, EFAULT, ENOTTY, ETIMEDOUT, EINTR, ENOMEM,
		       ENOSPC, EOVERFLOW, EPERM, EOWNERDEAD);
	A_WAITSET = ALLOW(EINVAL, EBADF, EFAULT, ENOMEM, EMFILE, ENFILE);
	/*
	 * An event's word: EINVAL (a bad shape), EBUSY (another process
	 * maps it: a fork child's), ENOMEM; ENODEV from every other fd,
	 * EACCES from one opened without write.
	 */
	A_MMAP = ALLOW(EINVAL, EBADF, ENODEV, EBUSY, ENOMEM, EACCES);
	A_ACCT_WAIT = ALLOW(ETIMEDOUT, EINTR, ENOMEM, ENOSPC);
	/* ENOSPC: a blocking read() queues as a wait does (max_waiters) */
	A_READ = ALLOW(EINVAL, EAGAIN, EINTR, EFAULT, EBADF, ENOMEM, ENOSPC);
	/* EOVERFLOW: write(n) past a semaphore's maximum */
	A_WRITE = ALLOW(EINVAL, EAGAIN, EINTR, EFAULT, EBADF, EPIPE, ENOMEM,
			ECONNREFUSED, ENOTCONN, ENOBUFS, EMSGSIZE, EOVERFLOW);
	A_POLL = ALLOW(EINTR, EFAULT, EINVAL, ENOMEM);
	A_SELECT = ALLOW(EINTR, EBADF, ENOMEM, EINVAL);
	A_EPCTL = ALLOW(EBADF, EEXIST, EINVAL, ELOOP, ENOENT, ENOMEM, ENOSPC,
			EPERM);
	A_EPWAIT = ALLOW(EBADF, EFAULT, EINTR, EINVAL);
	A_CLOSE = ALLOW(EBADF);
	A_DUP = ALLOW(EBADF, EMFILE, EBUSY);
	A_SEND = ALLOW(EBADF, EAGAIN, ENOMEM, ENOBUFS, ETOOMANYREFS, EMFILE,
		       EINVAL, ECONNREFUSED, EPIPE, ENOTCONN, ENOTSOCK);
	A_RECV = ALLOW(EAGAIN, EMFILE, ENOMEM, EBADF, ENOTSOCK);
	A_OPEN = ALLOW(EMFILE, ENFILE, ENOMEM);
	A_NEWFD = ALLOW(EMFILE, ENFILE, ENOMEM);
	A_FORK = ALLOW(EAGAIN, ENOMEM);
	A_IOCTL = ALLOW(ENOTTY, EBADF, EFAULT, EINVAL);
	A_FDINFO = ALLOW(ENOENT, EMFILE, ENFILE, EINTR, EBADF, EAGAIN, EINVAL);
	/*
	 * ntsync's ioctls on any fd: EINVAL for another kind's (and from
	 * epoll), EPERM for an owner that does not hold the mutex,
	 * EOVERFLOW past a semaphore's max, EOWNERDEAD from MUTEX_READ of
	 * an abandoned one; the creates' errnos.
	 */
	A_NTIOC = ALLOW(EINVAL, EFAULT, ENOTTY, EBADF, EPERM, EOVERFLOW,
			EOWNERDEAD, ENOMEM, EMFILE, ENFILE);
	/* ntsync's waits: EINVAL for every fd that is no object. */
	A_NTWAIT = ALLOW(EINVAL, EFAULT, ETIMEDOUT, EINTR, ENOMEM, ENOSPC,
			 EOWNERDEAD);
	if (opt_unload) {
		/*
		 * A failing rmmod drops the module's references for an
		 * instant: an open of /dev/evobj or a new event's file
		 * (try_module_get) fails meanwhile, a kernel transient.
		 */
		A_OPEN.w[ENODEV / 64] |= 1ULL << (ENODEV % 64);
		A_OPEN.w[ENXIO / 64] |= 1ULL << (ENXIO % 64);
		A_OPEN.w[ENOENT / 64] |= 1ULL << (ENOENT % 64);
		A_CREATE.w[ENOENT / 64] |= 1ULL << (ENOENT % 64);
		A_CREATE.w[ENODEV / 64] |= 1ULL << (ENODEV % 64);
		A_WAITSET.w[ENOENT / 64] |= 1ULL << (ENOENT % 64);
		A_NAMED.w[ENODEV / 64] |= 1ULL << (ENODEV % 64);
		A_NTIOC.w[ENODEV / 64] |= 1ULL << (ENODEV % 64);
		A_NTIOC.w[ENOENT / 64] |= 1ULL << (ENOENT % 64);
	}
}

/*
 * The watchdog's view of the call in flight: @limit is how long it may
 * take (its timeout, or the alarm that interrupts it), the slack comes on
 * top. a0..a2 are printed if it hangs.
 */
static void begin(struct thr *t, const char *what, long a0, long a1, long a2,
		  uint64_t limit)
{
	t->what = what;
	t->a0 = a0;
	t->a1 = a1;
	t->a2 = a2;
	atomic_store(&t->limit, limit);
	atomic_store(&t->start, mono());
}

/* Ends the call: counts it, checks errno against @a, returns @ret. */
static long end(struct thr *t, long ret, const struct allow *a)
{
	int e = ret < 0 ? errno : 0;

	atomic_store(&t->start, 0);
	atomic_fetch_add(&g_calls, 1);
	if (ret >= 0) {
		atomic_fetch_add(&g_ok, 1);
		return ret;
	}
	atomic_fetch_add(&g_errs[e & 255], 1);
	if (e == EINTR)
		atomic_fetch_add(&g_eintr, 1);
	if (a && !allowed(a, e))
		violation(t, "%s(%ld, %#lx, %#lx) failed with %s, which the contract does not allow",
			  t->what, (long)t->a0, (long)t->a1, (long)t->a2,
			  ename(e));
	errno = e;
	return ret;
}

/* A call on a persistent fd with exactly one malformation: exact errno. */
static void expect(struct thr *t, long ret, int want, const char *why)
{
	int e = ret < 0 ? errno : 0;

	if (want == 0 && ret < 0)
		violation(t, "%s: %s(%ld, %#lx, %#lx) failed with %s, expected success",
			  why, t->what, (long)t->a0, (long)t->a1, (long)t->a2,
			  ename(e));
	else if (want && e != want)
		violation(t, "%s: %s(%ld, %#lx, %#lx) returned %ld (%s), expected %s",
			  why, t->what, (long)t->a0, (long)t->a1, (long)t->a2,
			  ret, ename(e), ename(want));
}

/* Per-thread alarm: SIGUSR2 every @ns until disarmed, without SA_RESTART. */
static void alarm_arm(struct thr *t, uint64_t ns)
{
	struct itimerspec its = {
		.it_value = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC },
		.it_interval = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC },
	};

	timer_settime(t->alarm, 0, &its, NULL);
}

static void alarm_off(struct thr *t)
{
	struct itimerspec its = { 0 };

	timer_settime(t->alarm, 0, &its, NULL);
}

/* A short alarm for a call that could block for ever. */
static uint64_t alarm_short(struct thr *t)
{
	uint64_t ns = (1 + rn(t, 40)) * NSEC_PER_MSEC;

	alarm_arm(t, ns);
	return ns;
}

static void on_signal(int sig)
{
	(void)sig;
}

static void set_usr1(bool restart)
{
	struct sigaction sa = {
		.sa_handler = on_signal,
		.sa_flags = restart ? SA_RESTART : 0,
	};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* ---- fds ---- */

static bool persistent(int fd)
{
	if (fd < 3 || fd == g_dev || fd == g_always || fd == g_never ||
	    fd == g_probe[0] || fd == g_probe[1] || fd == g_efd ||
	    fd == g_pipe[0] || fd == g_pipe[1])
		return true;
	for (int i = 0; i < NACCT; i++)
		if (fd == g_acct[i])
			return true;
	for (int i = 0; i < NSEM; i++)
		if (fd == g_sem[i])
			return true;
	for (int i = 0; i < NMTX; i++)
		if (fd == g_mtx[i])
			return true;
	for (int i = 0; i < MAX_THREADS; i++) {
		for (int j = 0; j < NPRIV; j++)
			if (g_thr[i].priv[j].fd >= 3 && fd == g_thr[i].priv[j].fd)
				return true;
		for (int j = 0; j < NSPARE; j++)
			if (g_thr[i].spare[j].fd >= 3 && fd == g_thr[i].spare[j].fd)
				return true;
	}
	return fd == g_sem_full || fd == g_mtx_held || (g_nt >= 0 && fd == g_nt);
}

static void stale_push(int fd)
{
	atomic_store(&g_stale[atomic_fetch_add(&g_stale_pos, 1) % NSTALE], fd);
}

/* Closes what slot @i holds (another thread may be using it). */
static void slot_close(struct thr *t, int i)
{
	int fd = atomic_exchange(&g_slot[i], -1);

	atomic_store(&g_slot_ev[i], false);
	if (fd < 0 || persistent(fd))
		return;
	begin(t, "close", fd, 0, 0, 0);
	end(t, close(fd), &A_CLOSE);
	stale_push(fd);
}

/* Puts a new fd (@ev: an event) into a random slot, closing what was there. */
static void slot_store(struct thr *t, int fd, bool ev)
{
	int i = rn(t, NSLOT);
	int old;

	if (fd < 0)
		return;
	atomic_store(&g_slot_ev[i], ev);
	old = atomic_exchange(&g_slot[i], fd);
	if (old >= 0 && !persistent(old)) {
		begin(t, "close", old, 0, 0, 0);
		end(t, close(old), &A_CLOSE);
		stale_push(old);
	}
}

static void slot_put(struct thr *t, int fd)
{
	slot_store(t, fd, false);
}

/*
 * A fd that was an event when last stored (another thread may have
 * closed it or dup2()ed over it since), else a probe event.
 */
static int pick_event(struct thr *t)
{
	for (int tries = 0; tries < 8; tries++) {
		int i = rn(t, NSLOT), fd;

		if (!atomic_load(&g_slot_ev[i]))
			continue;
		fd = atomic_load(&g_slot[i]);
		if (fd >= 0)
			return fd;
	}
	return g_probe[rn(t, 2)];
}

/* A fd any call may change: the pool, stale numbers, the probes, junk. */
static int pick_fd(struct thr *t)
{
	uint32_t r = rn(t, 100);

	if (r < 60)
		return atomic_load(&g_slot[rn(t, NSLOT)]);
	if (r < 70)
		return atomic_load(&g_stale[rn(t, NSTALE)]);
	if (r < 80)
		return g_probe[rn(t, 2)];
	if (r < 84)
		return g_dev;
	if (r < 87)
		return g_efd;
	if (r < 90)
		return g_pipe[rn(t, 2)];
	if (r < 93)
		return -1;
	if (r < 95)
		return g_closed;
	if (r < 97)
		return INT_MAX;
	return (int)rnd(t);
}

/* A fd for a wait's object or alert: the above, or the never/always events. */
static int pick_obj(struct thr *t)
{
	uint32_t r = rn(t, 100);

	if (r < 8)
		return g_never;
	if (r < 14)
		return g_always;
	return pick_fd(t);
}

/* ---- pointers ---- */

enum ptr_kind { P_VALID, P_NULL, P_NONE, P_LOW, P_KERNEL, P_NONCANON,
		P_RO, P_STRADDLE, P_NKINDS };

static enum ptr_kind pick_ptr(struct thr *t, unsigned int bad_pct)
{
	if (!pct(t, bad_pct))
		return P_VALID;
	return 1 + rn(t, P_NKINDS - 1);
}

static bool ptr_faults(enum ptr_kind k)
{
	return k != P_VALID && k != P_RO;
}

/* read() and write() refuse these in the VFS (access_ok) already. */
static bool vfs_faults(enum ptr_kind k)
{
	return k == P_KERNEL || k == P_NONCANON;
}

/*
 * Where to put an argument of @len bytes whose content is @src: the
 * thread's own buffer, a read-only page with the same content, the last
 * bytes of a page followed by a PROT_NONE one, or an address that faults.
 * Returns the address to pass; after the call, results are at the same
 * place (read back through arg_out()).
 */
static void *arg_at(struct thr *t, enum ptr_kind k, const void *src, size_t len,
		    size_t slot)
{
	char *p;
	size_t in;

	switch (k) {
	case P_VALID:
		p = t->rw + slot * 256;
		memcpy(p, src, len);
		return p;
	case P_NULL:
		return NULL;
	case P_NONE:
		return g_none + rn(t, PAGE);
	case P_LOW:
		return (void *)(uintptr_t)(8 + rn(t, 4088));
	case P_KERNEL:
		return (void *)(uintptr_t)0xffffffff81000000ULL;
	case P_NONCANON:
		return (void *)(uintptr_t)0x8000000000001000ULL;
	case P_RO:
		memcpy(t->ro_w + slot * 256, src, len);
		return t->ro + slot * 256;
	case P_STRADDLE:
	default:
		/* 1 .. len-1 bytes mapped, the rest in the PROT_NONE page */
		in = len > 1 ? 1 + rn(t, len - 1) : 0;
		p = t->rw + 2 * PAGE - in;
		memcpy(p, src, in);
		return p;
	}
}

/* ---- the accounting events ---- */

static int acct_index(int fd)
{
	for (int i = 0; i < NACCT; i++)
		if (fd == g_acct[i])
			return i;
	return -1;
}

static int sem_index(int fd)
{
	for (int i = 0; i < NSEM; i++)
		if (fd == g_sem[i])
			return i;
	return -1;
}

static int mtx_index(int fd)
{
	for (int i = 0; i < NMTX; i++)
		if (fd == g_mtx[i])
			return i;
	return -1;
}

/* A wait, alert or read of @t took @fd: one event, one unit, or a mutex. */
static void consumed(struct thr *t, int fd)
{
	int i = acct_index(fd);

	if (i >= 0)
		atomic_fetch_add(&g_acc[i].consumed, 1);
	i = sem_index(fd);
	if (i >= 0)
		atomic_fetch_add(&g_sacc[i].taken, 1);
	i = mtx_index(fd);
	if (i >= 0) {
		t->mcount[i]++;
		atomic_fetch_add(&g_macc[i].acquired, 1);
	}
}

/* An accounting word as loaded: its two bits and nothing else. */
static uint32_t acct_word(struct thr *t, int i)
{
	uint32_t v = atomic_load(g_acct_w[i]);

	if (v & ~(EVOBJ_WORD_SIGNALED | EVOBJ_WORD_KERNEL))
		violation(t, "accounting event %d's word is %#x, and nobody writes garbage there",
			  i, v);
	return v;
}

/*
 * A set or reset through the word of accounting event @i, unless the
 * kernel holds it or the compare-and-swap loses: then false, and the
 * ioctl does it.
 */
static bool acct_word_change(struct thr *t, int i, bool reset)
{
	uint32_t v = acct_word(t, i);

	if (v & EVOBJ_WORD_KERNEL)
		return false;
	atomic_fetch_add(&g_word_ops, 1);
	if (v == (reset ? 0 : EVOBJ_WORD_SIGNALED))
		return true;		/* nothing to do */
	if (!atomic_compare_exchange_strong(g_acct_w[i], &v,
					    reset ? 0 : EVOBJ_WORD_SIGNALED))
		return false;
	atomic_fetch_add(reset ? &g_acc[i].resets1 : &g_acc[i].sets0, 1);
	atomic_fetch_add(&g_acct_word_counted, 1);
	return true;
}

static void op_acct_change(struct thr *t)
{
	int i = rn(t, NACCT);
	bool reset = pct(t, 20);
	uint32_t *prev = (uint32_t *)(t->rw + 3 * 256);
	long ret;

	if (g_acct_w[i] && pct(t, 40) && acct_word_change(t, i, reset))
		return;
	*prev = POISON32;
	if (pct(t, 30)) {
		/* ntsync's, the same on an evobj event */
		begin(t, reset ? "NT_EVENT_RESET(acct)" : "NT_EVENT_SET(acct)",
		      g_acct[i], 0, 0, 0);
		atomic_fetch_add(&g_nt_calls, 1);
		ret = end(t, ioctl(g_acct[i], reset ? EVOBJ_NT_IOC_EVENT_RESET :
				   EVOBJ_NT_IOC_EVENT_SET, prev), NULL);
	} else {
		begin(t, reset ? "RESET(acct)" : "SET(acct)", g_acct[i], 0, 0, 0);
		ret = end(t, ioctl(g_acct[i], reset ? EVOBJ_IOC_RESET :
				   EVOBJ_IOC_SET, prev), NULL);
	}
	expect(t, ret, 0, "accounting event");
	if (ret)
		return;
	if (*prev > 1) {
		violation(t, "%s returned previous state %#x", t->what, *prev);
		return;
	}
	if (!reset && *prev == 0)
		atomic_fetch_add(&g_acc[i].sets0, 1);
	if (reset && *prev == 1)
		atomic_fetch_add(&g_acc[i].resets1, 1);
}

/* A timeout for a wait: absolute, on @clk; sets *limit for the watchdog. */
static uint64_t pick_timeout(struct thr *t, clockid_t clk, uint64_t *limit,
			     bool *alarm)
{
	uint64_t now = now_ns(clk), ms = NSEC_PER_MSEC;

	*alarm = false;
	*limit = 0;
	switch (rn(t, 10)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return now > NSEC_PER_SEC ? now - NSEC_PER_SEC : 1;
	case 3:
	case 4:
	case 5:
		*limit = (1 + rn(t, 20)) * ms;
		return now + *limit;
	case 6:
		*limit = rn(t, 100) * 1000;
		return now + *limit;
	case 7:
		*alarm = true;
		return now + 10 * NSEC_PER_SEC;
	case 8:
		*alarm = true;
		return EVOBJ_TIMEOUT_INFINITE;
	default:
		*alarm = true;
		return KTIME_MAX_NS + 1 + rn(t, 1000);
	}
}

/* ETIMEDOUT must not come before the deadline. */
static void check_expiry(struct thr *t, long ret, uint64_t timeout, clockid_t clk)
{
	uint64_t now;

	if (ret >= 0 || errno != ETIMEDOUT || timeout > KTIME_MAX_NS)
		return;
	now = now_ns(clk);
	if (now < timeout)
		violation(t, "%s timed out %llu ns before its deadline (clock %d)",
			  t->what, (unsigned long long)(timeout - now), (int)clk);
}

static void sem_signal_outcome(struct thr *t, int i, long ret, bool ro,
			       int32_t after);

static void mtx_signal_outcome(struct thr *t, int i, long ret, int32_t after);
static void mtx_unlock_mine(struct thr *t, int i);

/*
 * A wait on accounting events, well formed (every fd valid), so that it
 * either consumes (and succeeds) or consumes nothing; sometimes its
 * argument is read-only, which must fail without consuming. Accounting
 * semaphores and mutexes stand in for some objects (a wait-all names at
 * most one mutex, object or alert, so that an EOWNERDEAD tells which
 * flag it cleared), and may be the alert or the signal; the owner is
 * the thread's, or now and then 0, which must fail with nothing done.
 */
static void op_acct_wait(struct thr *t)
{
	bool all = pct(t, 35), rt = pct(t, 20), ro = pct(t, 5), al;
	uint32_t count = 1 + rn(t, all ? NACCT : 6), i;
	int32_t *fds = (int32_t *)(t->rw + 4 * 256);
	clockid_t clk = rt ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	struct evobj_wait w = { .alert = -1, .signal = -1, .index = POISON32 };
	struct evobj_wait *uw;
	uint64_t limit;
	int first = rn(t, NACCT);
	bool al_among = false, one, has_mtx = false, owner0 = false;
	int sig_sem;	/* the signal's accounting semaphore, -2 the full one */
	int sig_mtx;	/* the signal's accounting mutex, or -1 */
	bool sig_held;	/* ... which this thread holds */
	uint32_t sig_after;
	long ret;
	int e;

	/* Now and then, give back what this thread holds. */
	for (int j = 0; j < NMTX; j++)
		if (t->mcount[j] >= MTX_HOLD_MAX || (t->mcount[j] && pct(t, 30)))
			mtx_unlock_mine(t, j);
	/* A test through the word: takes it if it is 1, else times out. */
	if (g_acct_w[first] && pct(t, 15)) {
		uint32_t v = acct_word(t, first);

		atomic_fetch_add(&g_word_ops, 1);
		if (v == EVOBJ_WORD_SIGNALED &&
		    atomic_compare_exchange_strong(g_acct_w[first], &v, 0)) {
			atomic_fetch_add(&g_acc[first].consumed, 1);
			atomic_fetch_add(&g_acct_word_counted, 1);
		}
		return;
	}
	/*
	 * The objects: accounting events, and the accounting semaphores
	 * and mutexes in place of some (a wait-all's stay distinct).
	 */
	for (i = 0; i < count; i++) {
		if (all)
			fds[i] = g_acct[(first + i) % NACCT];
		else
			fds[i] = pct(t, 10) ? g_never : g_acct[rn(t, NACCT)];
	}
	if (pct(t, 40)) {
		for (int j = 0; j < NSEM; j++) {
			if (!pct(t, 60))
				continue;
			if (all && count < 6)
				fds[count++] = g_sem[j];
			else if (!all)
				fds[rn(t, count)] = g_sem[j];
		}
	}
	if (pct(t, 35)) {
		if (all && count < 7) {
			fds[count++] = g_mtx[rn(t, NMTX)];
			has_mtx = true;
		} else if (!all) {
			for (int j = 0; j < NMTX; j++) {
				if (pct(t, 60)) {
					fds[rn(t, count)] = g_mtx[j];
					has_mtx = true;
				}
			}
		}
	}
	if (all && pct(t, 30) && count < 8)
		fds[count++] = g_always;
	if (pct(t, 10))
		w.signal = g_probe[rn(t, 2)];
	else if (pct(t, 8))
		w.signal = pct(t, 15) ? g_sem_full : g_sem[rn(t, NSEM)];
	else if (pct(t, 8))
		w.signal = g_mtx[rn(t, NMTX)];
	sig_sem = w.signal == g_sem_full ? -2 : sem_index(w.signal);
	sig_mtx = mtx_index(w.signal);
	sig_held = sig_mtx >= 0 && t->mcount[sig_mtx];
	if (pct(t, 25)) {
		uint32_t r = rn(t, 12);

		w.alert = r < 6 ? g_acct[rn(t, NACCT)] :
			  r < 8 ? g_sem[rn(t, NSEM)] :
			  r < 10 && !(all && has_mtx) ? g_mtx[rn(t, NMTX)] : g_never;
		for (i = 0; i < count; i++)
			al_among |= fds[i] == w.alert;
		/*
		 * A wait-all with its alert among its objects fails; with a
		 * semaphore or mutex signal, after releasing it or before?
		 * Left open: no such wait here.
		 */
		if (all && al_among && (sig_sem != -1 || sig_mtx >= 0)) {
			w.alert = -1;
			al_among = false;
		}
	}
	has_mtx |= mtx_index(w.alert) >= 0;
	/* A mutex as the signal: the unlock is probed first, not read-only. */
	if (sig_mtx >= 0)
		ro = false;
	w.owner = OWNER(t);
	if ((has_mtx || sig_mtx >= 0) && pct(t, 5)) {
		w.owner = 0;
		owner0 = true;
	} else if (!has_mtx && sig_mtx < 0 && pct(t, 30)) {
		w.owner = pct(t, 50) ? 0 : (uint32_t)rnd(t);	/* ignored */
	}
	w.timeout = pick_timeout(t, clk, &limit, &al);
	w.fds = (uintptr_t)fds;
	w.count = count;
	w.flags = rt ? EVOBJ_WAIT_REALTIME : 0;
	/* One object: half the time on its own fd (EVOBJ_IOC_WAIT). */
	one = !all && count == 1 && pct(t, 50);
	if (one) {
		struct evobj_waitset_wait sw = {
			.timeout = w.timeout, .flags = w.flags,
			.index = POISON32, .alert = w.alert, .signal = w.signal,
			.owner = w.owner,
		};
		struct evobj_waitset_wait *usw;

		usw = arg_at(t, ro ? P_RO : P_VALID, &sw, sizeof(sw), 0);
		if (al)
			limit = alarm_short(t);
		begin(t, "WAIT(acct)", fds[0], 1, (long)w.timeout, limit);
		ret = end(t, ioctl(fds[0], EVOBJ_IOC_WAIT, usw), NULL);
		/* The list wait's index: 1 is the alert, as count is. */
		uw = &w;
		w.index = usw->index;
		sig_after = usw->signal;
	} else if (g_nt >= 0 && w.signal == -1 && pct(t, 35)) {
		/* The same wait through /dev/ntsync: alert 0 for none. */
		struct evobj_nt_wait nw = {
			.timeout = w.timeout, .objs = w.fds, .count = count,
			.index = POISON32, .owner = w.owner,
			.flags = rt ? EVOBJ_NT_WAIT_REALTIME : 0,
			.alert = w.alert < 0 ? 0 : w.alert,
		};
		struct evobj_nt_wait *unw;

		unw = arg_at(t, ro ? P_RO : P_VALID, &nw, sizeof(nw), 0);
		if (al)
			limit = alarm_short(t);
		begin(t, all ? "NT_WAIT_ALL(acct)" : "NT_WAIT_ANY(acct)", g_nt,
		      count, (long)w.timeout, limit);
		atomic_fetch_add(&g_nt_calls, 1);
		ret = end(t, ioctl(g_nt, all ? EVOBJ_NT_IOC_WAIT_ALL :
				   EVOBJ_NT_IOC_WAIT_ANY, unw), NULL);
		uw = &w;
		w.index = unw->index;
		sig_after = w.signal;
	} else {
		uw = arg_at(t, ro ? P_RO : P_VALID, &w, sizeof(w), 0);
		if (al)
			limit = alarm_short(t);
		begin(t, all ? "WAIT_ALL(acct)" : "WAIT_ANY(acct)", g_dev,
		      count, (long)w.timeout, limit);
		ret = end(t, ioctl(g_dev, all ? EVOBJ_IOC_WAIT_ALL :
				   EVOBJ_IOC_WAIT_ANY, uw), NULL);
		sig_after = ((struct evobj_wait *)uw)->signal;
	}
	if (al)
		alarm_off(t);
	e = ret < 0 ? errno : 0;
	if (owner0) {
		/* Checked before anything happens: nothing to account. */
		if (ret == 0 || (e != EINVAL && !(ro && e == EFAULT)))
			violation(t, "%s naming a mutex with owner 0 returned %ld (%s), expected EINVAL",
				  t->what, ret, ename(e));
		else if (!ro && sig_after != (uint32_t)w.signal)
			violation(t, "%s with owner 0 rewrote its signal to %d",
				  t->what, (int32_t)sig_after);
		return;
	}
	if (sig_mtx >= 0 && !sig_held) {
		/* EPERM before anything else: nothing to account either. */
		if (e != EPERM)
			violation(t, "%s with a mutex its owner does not hold as its signal returned %ld (%s), expected EPERM",
				  t->what, ret, ename(e));
		else if (sig_after != (uint32_t)w.signal)
			violation(t, "%s refused with EPERM rewrote its signal to %d",
				  t->what, (int32_t)sig_after);
		atomic_fetch_add(&g_macc[sig_mtx].eperm, 1);
		return;
	}
	if (sig_sem != -1)
		sem_signal_outcome(t, sig_sem, ret, ro, (int32_t)sig_after);
	if (sig_mtx >= 0)
		mtx_signal_outcome(t, sig_mtx, ret, (int32_t)sig_after);
	errno = e;
	if (ret < 0 && e != EOWNERDEAD) {
		if (!(allowed(&A_ACCT_WAIT, e) || (ro && e == EFAULT) ||
		      (all && al_among && e == EINVAL) ||
		      (sig_sem != -1 && e == EOVERFLOW)))
			violation(t, "%s over accounting events (count %u, alert %d, signal %d) failed with %s",
				  t->what, count, w.alert, w.signal, ename(e));
		check_expiry(t, ret, w.timeout, clk);
		return;
	}
	if (ro) {
		violation(t, "%s with a read-only argument succeeded", t->what);
		return;
	}
	atomic_fetch_add(&g_waits_ok, 1);
	w.index = ((struct evobj_wait *)uw)->index;
	if (e == EOWNERDEAD) {
		/* The one abandoned mutex it acquired, whose flag it cleared. */
		int32_t dead = -1;

		if (w.index == count && w.alert >= 0)
			dead = w.alert;
		else if (!all && w.index < count)
			dead = fds[w.index];
		else if (all && w.index == 0)
			for (i = 0; i < count; i++)
				if (mtx_index(fds[i]) >= 0)
					dead = fds[i];
		if (mtx_index(dead) < 0) {
			violation(t, "%s failed with EOWNERDEAD, index %u of %u, and no mutex there",
				  t->what, w.index, count);
			return;
		}
		atomic_fetch_add(&g_macc[mtx_index(dead)].ownerdead, 1);
	}
	if (w.index == count && w.alert >= 0) {
		consumed(t, w.alert);
	} else if (w.index >= count || (all && w.index)) {
		violation(t, "%s returned index %u of %u", t->what, w.index, count);
	} else if (all) {
		for (i = 0; i < count; i++)
			consumed(t, fds[i]);
	} else {
		if (fds[w.index] == g_never)
			violation(t, "%s returned the never-signaled event", t->what);
		consumed(t, fds[w.index]);
	}
}

/*
 * What a wait with accounting semaphore @i (-2: the full one) as its
 * signal did to it, from its result (errno in errno if @ret < 0) and
 * the signal field it left, @after. The release comes before anything
 * else but the argument checks: released unless the call failed with
 * EOVERFLOW (the maximum) or EFAULT on a read-only argument (its index
 * is probed first); the queueing failures and EINTR forget the signal.
 * Either way exactly one unit: a restart does not release again.
 */
static void sem_signal_outcome(struct thr *t, int i, long ret, bool ro,
			       int32_t after)
{
	int e = ret < 0 ? errno : 0;
	int32_t fd = i == -2 ? g_sem_full : g_sem[i];
	bool forgets = e == EINTR || e == ENOSPC || e == ENOMEM;

	if (ro && e == EFAULT) {
		errno = e;
		return;
	}
	if (i == -2) {
		if (e != EOVERFLOW)
			violation(t, "%s with the full semaphore as its signal returned %ld (%s), expected EOVERFLOW",
				  t->what, ret, ename(e));
	} else if (e == EOVERFLOW) {
		atomic_fetch_add(&g_sacc[i].overflows, 1);
	} else {
		atomic_fetch_add(&g_sacc[i].released, 1);
	}
	/*
	 * A success or a timeout may follow an SA_RESTART restart, which
	 * forgot the signal: either is right then. EOVERFLOW keeps it.
	 */
	if (!ro && after != (forgets ? -1 : fd) &&
	    !((e == 0 || e == ETIMEDOUT || e == EOWNERDEAD) && after == -1))
		violation(t, "%s (%s) left signal %d, expected %d", t->what,
			  ename(e), after, forgets ? -1 : fd);
	errno = e;
}

/* read() on an accounting event: consumes it, or nothing. */
static void op_acct_read(struct thr *t)
{
	int i = rn(t, NACCT), si = pct(t, 30) ? (int)rn(t, NSEM) : -1;
	int fd = si >= 0 ? g_sem[si] : g_acct[i];
	static const size_t sizes[] = { 8, 8, 8, 16, 4096, 7, 0 };
	size_t len = sizes[rn(t, 7)];
	enum ptr_kind k = pick_ptr(t, 10);
	uint64_t src = POISON32, *buf;
	uint64_t limit;
	long ret;

	if (k == P_STRADDLE)
		k = P_VALID;	/* a straddling buffer may be half written */
	buf = arg_at(t, k, &src, 8, 5);
	limit = alarm_short(t);
	begin(t, si >= 0 ? "read(sem)" : "read(acct)", fd, (long)buf, (long)len,
	      limit);
	ret = end(t, read(fd, buf, len), NULL);
	alarm_off(t);
	if (ret < 0) {
		int e = errno;
		bool ok = e == EINTR || e == EAGAIN || e == ENOMEM ||
			  (e == ENOSPC && g_max_waiters >= 0) ||
			  (len < 8 && e == EINVAL) ||
			  (ptr_faults(k) || k == P_RO ? e == EFAULT : false);

		if (!ok)
			violation(t, "%s(%d, %s buffer, %zu) failed with %s",
				  t->what, fd, k == P_VALID ? "valid" : "bad", len,
				  ename(e));
		return;
	}
	if (ret != 8 || len < 8 || k != P_VALID || *buf != 1) {
		violation(t, "%s(%zu) returned %ld, value %#llx (buffer kind %d)",
			  t->what, len, ret, (unsigned long long)*buf, k);
		return;
	}
	consumed(t, fd);
}

/*
 * RELEASE or write(n) on an accounting semaphore: n of 1 to 3 mostly,
 * and now and then 0, more than the maximum, values whose sum with any
 * count wraps a u32, and for write() bits above 32 (EINVAL: never
 * truncated). Counts the units of every success; checks that its
 * previous count left room for them, and the exact errno where the
 * arguments decide it.
 */
static void op_sem_release(struct thr *t)
{
	int i = rn(t, NSEM), fd = g_sem[i];
	uint32_t max = g_sem_max[i];
	bool by_write = pct(t, 35);
	int want = -1;		/* -1: success or EOVERFLOW */
	uint64_t n;
	long ret;

	switch (rn(t, 12)) {
	case 0:
		n = 0;
		break;
	case 1:
		n = max + 1 + rn(t, 10);	/* never fits */
		break;
	case 2:
		n = pct(t, 50) ? 0xffffffffULL - rn(t, 4) : 0x80000000ULL + rn(t, 4);
		break;
	default:
		n = 1 + rn(t, 3);
		break;
	}
	if (by_write) {
		uint64_t *buf = (uint64_t *)(t->rw + 8 * 256);

		if (pct(t, 10))
			n |= 1ULL << (32 + rn(t, 32));
		*buf = n;
		if (!n || n > EVOBJ_SEMAPHORE_MAX)
			want = EINVAL;
		else if (n > max)
			want = EOVERFLOW;
		begin(t, "write(sem)", fd, (long)n, 8, 0);
		ret = end(t, write(fd, buf, 8), NULL);
		if (ret >= 0 && ret != 8)
			violation(t, "write(sem, %#llx) returned %ld",
				  (unsigned long long)n, ret);
	} else {
		enum ptr_kind k = pick_ptr(t, 10);
		uint32_t n32 = (uint32_t)n, *arg;
		/* ntsync's: 0 is no error, read-only is EFAULT exactly */
		bool ntr = pct(t, 30);

		arg = arg_at(t, k, &n32, 4, 8);
		/*
		 * A read-only n is readable: which of EFAULT and n's own
		 * EINVAL or EOVERFLOW comes first is the kernel's choice,
		 * but it never succeeds, and never releases (the invariant).
		 */
		if (ptr_faults(k))
			want = EFAULT;
		else if (k == P_RO)
			want = ntr ? EFAULT : -2;
		else if (!n32)
			want = ntr ? -1 : EINVAL;
		else if (n32 > max)
			want = EOVERFLOW;
		begin(t, ntr ? "NT_SEM_RELEASE(sem)" : "RELEASE(sem)", fd,
		      (long)n32, k, 0);
		if (ntr)
			atomic_fetch_add(&g_nt_calls, 1);
		ret = end(t, ioctl(fd, ntr ? EVOBJ_NT_IOC_SEM_RELEASE :
				   EVOBJ_IOC_RELEASE, arg), NULL);
		if (k == P_RO && ret < 0 && errno == EFAULT && n32 && n32 <= max)
			atomic_fetch_add(&g_sacc[i].ro_efault, n32);
		if (ret == 0 && k == P_VALID && *arg > max - n32)
			violation(t, "RELEASE(%u) of a semaphore of max %u succeeded with previous count %u",
				  n32, max, *arg);
		n = n32;
	}
	if (want == -2) {
		if (ret == 0 || !(errno == EFAULT ||
				  (errno == EINVAL && !n) || errno == EOVERFLOW))
			violation(t, "RELEASE(%llu) from a read-only page returned %ld (%s)",
				  (unsigned long long)n, ret, ename(errno));
	} else if (want > 0) {
		expect(t, ret, want, "accounting semaphore");
	} else if (ret < 0 && errno != EOVERFLOW) {
		violation(t, "%s(%llu) of a semaphore of max %u failed with %s",
			  t->what, (unsigned long long)n, max, ename(errno));
	}
	if (ret == 0 || ret == 8)
		atomic_fetch_add(&g_sacc[i].released, n);
	else if (errno == EOVERFLOW)
		atomic_fetch_add(&g_sacc[i].overflows, 1);
}

/*
 * The semaphores' read-only calls and refusals on the persistent fds,
 * exactly: READ_SEMAPHORE (count within max, max as created; the full
 * one 1 of 1), READ (type 2), the event ioctls (EINVAL), mmap (ENODEV),
 * any release of the full one (EOVERFLOW), and the semaphore ioctls on
 * events (EINVAL) and on other fds (ENOTTY).
 */
static void op_sem_strict(struct thr *t)
{
	int i = rn(t, NSEM + 1);
	int fd = i < NSEM ? g_sem[i] : g_sem_full;
	uint32_t max = i < NSEM ? g_sem_max[i] : 1;
	struct evobj_semaphore_state *st;
	struct evobj_state *es;
	enum ptr_kind k = pick_ptr(t, 10);
	uint64_t one = 1;
	uint32_t *u;
	void *p;
	long ret;

	switch (rn(t, 8)) {
	case 0:
	case 1:
		st = arg_at(t, k, &(struct evobj_semaphore_state){ POISON32, POISON32 },
			    sizeof(*st), 9);
		begin(t, "READ_SEMAPHORE", fd, k, 0, 0);
		ret = end(t, ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, st), NULL);
		expect(t, ret, ptr_faults(k) || k == P_RO ? EFAULT : 0,
		       "persistent semaphore");
		if (ret == 0 && k == P_VALID &&
		    (st->max != max || st->count > max ||
		     (fd == g_sem_full && st->count != 1)))
			violation(t, "READ_SEMAPHORE of fd %d: count %u max %u, created with max %u",
				  fd, st->count, st->max, max);
		break;
	case 2:
		es = arg_at(t, k, &(struct evobj_state){ POISON32, POISON32 },
			    sizeof(*es), 9);
		begin(t, "READ(sem)", fd, k, 0, 0);
		ret = end(t, ioctl(fd, EVOBJ_IOC_READ, es), NULL);
		expect(t, ret, ptr_faults(k) || k == P_RO ? EFAULT : 0,
		       "persistent semaphore");
		if (ret == 0 && k == P_VALID &&
		    (es->type != EVOBJ_SEMAPHORE || es->signaled > 1 ||
		     (fd == g_sem_full && es->signaled != 1)))
			violation(t, "READ of semaphore fd %d: type %u signaled %u",
				  fd, es->type, es->signaled);
		break;
	case 3: {
		static const unsigned long ev_cmds[] = {
			EVOBJ_IOC_SET, EVOBJ_IOC_RESET, EVOBJ_IOC_PULSE,
			EVOBJ_IOC_TIMER,
		};
		unsigned long cmd = ev_cmds[rn(t, 4)];

		p = arg_at(t, P_VALID, &(struct evobj_timer){
				.expires = mono() + NSEC_PER_MSEC }, 24, 9);
		begin(t, "event ioctl(sem)", fd, cmd, 0, 0);
		ret = end(t, ioctl(fd, cmd, pct(t, 20) ? NULL : p), NULL);
		expect(t, ret, EINVAL, "an event's ioctl on a semaphore");
		break;
	}
	case 4:
		begin(t, "MMAP(sem)", fd, PAGE, MAP_SHARED, 0);
		p = mmap(NULL, PAGE, PROT_READ | (pct(t, 50) ? PROT_WRITE : 0),
			 MAP_SHARED, fd, 0);
		ret = end(t, p == MAP_FAILED ? -1 : 0, NULL);
		expect(t, ret, ENODEV, "mmap of a semaphore");
		if (p != MAP_FAILED)
			munmap(p, PAGE);
		break;
	case 5:
		/* The full one refuses every release. */
		if (pct(t, 50)) {
			u = arg_at(t, P_VALID, &(uint32_t){ 1 + rn(t, 4) }, 4, 9);
			begin(t, "RELEASE(full)", g_sem_full, *u, 0, 0);
			ret = end(t, ioctl(g_sem_full, EVOBJ_IOC_RELEASE, u), NULL);
		} else {
			begin(t, "write(full)", g_sem_full, 1, 8, 0);
			ret = end(t, write(g_sem_full, &one, 8), NULL);
		}
		expect(t, ret, EOVERFLOW, "the full semaphore");
		break;
	default: {
		/* RELEASE/READ_SEMAPHORE on events: EINVAL; elsewhere ENOTTY. */
		int other = rn(t, 4);
		int ofd = other == 0 ? g_probe[rn(t, 2)] : other == 1 ? g_never :
			  other == 2 ? g_dev : g_efd;
		unsigned long cmd = pct(t, 50) ? EVOBJ_IOC_RELEASE :
					       EVOBJ_IOC_READ_SEMAPHORE;

		u = arg_at(t, P_VALID, &(uint64_t){ 1 }, 8, 9);
		begin(t, "semaphore ioctl(other)", ofd, cmd, 0, 0);
		ret = end(t, ioctl(ofd, cmd, u), NULL);
		expect(t, ret, other < 2 ? EINVAL : ENOTTY,
		       "a semaphore's ioctl on another fd");
		break;
	}
	}
}

/* ---- the accounting mutexes ---- */

/*
 * UNLOCK of accounting mutex @i by @t's owner, which holds it: exactly
 * its count back, one less held.
 */
static void mtx_unlock_mine(struct thr *t, int i)
{
	struct evobj_mutex_unlock *u = (void *)(t->rw + 10 * 256);
	long ret;

	u->owner = OWNER(t);
	u->count = POISON32;
	if (pct(t, 30)) {
		/* ntsync's: the same layout, the same answers */
		begin(t, "NT_MUTEX_UNLOCK(acct)", g_mtx[i], u->owner,
		      t->mcount[i], 0);
		atomic_fetch_add(&g_nt_calls, 1);
		ret = end(t, ioctl(g_mtx[i], EVOBJ_NT_IOC_MUTEX_UNLOCK, u), NULL);
	} else {
		begin(t, "UNLOCK(acct)", g_mtx[i], u->owner, t->mcount[i], 0);
		ret = end(t, ioctl(g_mtx[i], EVOBJ_IOC_UNLOCK, u), NULL);
	}
	if (t->mcount[i] == 0) {
		expect(t, ret, EPERM, "unlock of an accounting mutex not held");
		atomic_fetch_add(&g_macc[i].eperm, 1);
		return;
	}
	expect(t, ret, 0, "unlock of an accounting mutex held");
	if (ret == 0 && u->count != t->mcount[i])
		violation(t, "UNLOCK of accounting mutex %d returned count %u, its owner %#x holds %u",
			  i, u->count, OWNER(t), t->mcount[i]);
	if (ret == 0)
		t->mcount[i]--;
}

/*
 * What a wait with accounting mutex @i, held by @t, as its signal did:
 * unlocked once, whatever followed (the argument checks, which come
 * before, all pass here); the queueing failures and EINTR forget the
 * signal, and a success or a timeout may follow an SA_RESTART restart
 * that forgot it.
 */
static void mtx_signal_outcome(struct thr *t, int i, long ret, int32_t after)
{
	int e = ret < 0 ? errno : 0;
	bool forgets = e == EINTR || e == ENOSPC || e == ENOMEM;

	t->mcount[i]--;
	if (after != (forgets ? -1 : g_mtx[i]) &&
	    !((e == 0 || e == ETIMEDOUT || e == EOWNERDEAD) && after == -1))
		violation(t, "%s (%s) with a mutex signal left signal %d, expected %d",
			  t->what, ename(e), after, forgets ? -1 : g_mtx[i]);
	errno = e;
}

/* READ_MUTEX of @fd: what @t holds of it exactly, or -1 for the held one. */
static void mtx_check_state(struct thr *t, int fd, int i, enum ptr_kind k)
{
	struct evobj_mutex_state *st;
	long ret;

	st = arg_at(t, k, &(struct evobj_mutex_state){ POISON32, POISON32,
			POISON32, POISON32 }, sizeof(*st), 9);
	begin(t, "READ_MUTEX", fd, k, 0, 0);
	ret = end(t, ioctl(fd, EVOBJ_IOC_READ_MUTEX, st), NULL);
	expect(t, ret, ptr_faults(k) || k == P_RO ? EFAULT : 0,
	       "persistent mutex");
	if (ret || k != P_VALID)
		return;
	if (st->pad || (st->flags & ~EVOBJ_MUTEX_ABANDONED) ||
	    (st->flags && st->owner) || (!st->owner != !st->count))
		violation(t, "READ_MUTEX of fd %d: owner %#x count %u flags %#x pad %#x",
			  fd, st->owner, st->count, st->flags, st->pad);
	else if (i < 0 && (st->owner != HELD_OWNER || st->count != 1))
		violation(t, "the held mutex reads owner %#x count %u",
			  st->owner, st->count);
	else if (i >= 0 && t->mcount[i] &&
		 (st->owner != OWNER(t) || st->count != t->mcount[i]))
		violation(t, "accounting mutex %d, of which owner %#x holds %u, reads owner %#x count %u",
			  i, OWNER(t), t->mcount[i], st->owner, st->count);
	else if (i >= 0 && !t->mcount[i] && st->owner == OWNER(t))
		violation(t, "accounting mutex %d reads owner %#x, which holds nothing of it",
			  i, st->owner);
}

/*
 * Acquisitions, unlocks, kills and reads of the accounting mutexes by
 * the thread's own owner id, each with its exact result; the held
 * mutex's refusals; the mutex ioctls from other owners, owner 0 and bad
 * pointers; and what a mutex fd refuses (the other kinds' ioctls, read,
 * write, mmap) and the mutex ioctls on the other kinds' fds.
 */
static void op_mtx(struct thr *t)
{
	int i = rn(t, NMTX), fd = g_mtx[i];
	enum ptr_kind k = pick_ptr(t, 10);
	uint32_t *u32;
	long ret;
	void *p;

	switch (rn(t, 14)) {
	case 0:
	case 1:
	case 2: {
		/* EVOBJ_IOC_WAIT for this owner: exact when it holds it. */
		uint64_t limit = pct(t, 60) ? 0 : (1 + rn(t, 5)) * NSEC_PER_MSEC;
		struct evobj_waitset_wait w = {
			.timeout = limit ? mono() + limit : 0,
			.index = POISON32, .alert = -1, .signal = -1,
			.owner = OWNER(t),
		};
		struct evobj_waitset_wait *uw = arg_at(t, P_VALID, &w, sizeof(w), 0);
		bool held = t->mcount[i] > 0;

		if (t->mcount[i] >= MTX_HOLD_MAX) {
			mtx_unlock_mine(t, i);
			return;
		}
		begin(t, "WAIT(mutex)", fd, OWNER(t), (long)w.timeout, limit);
		ret = end(t, ioctl(fd, EVOBJ_IOC_WAIT, uw), NULL);
		if (held)
			expect(t, ret, 0, "its owner's wait on a mutex it holds");
		if (ret == 0 || errno == EOWNERDEAD) {
			if (ret && held)
				violation(t, "its owner's recursion on accounting mutex %d said EOWNERDEAD",
					  i);
			else if (uw->index != 0)
				violation(t, "WAIT on a mutex returned index %u", uw->index);
			if (ret)
				atomic_fetch_add(&g_macc[i].ownerdead, 1);
			consumed(t, fd);
			mtx_check_state(t, fd, i, P_VALID);
		} else if (errno != ETIMEDOUT && errno != EINTR &&
			   errno != ENOSPC && errno != ENOMEM) {
			violation(t, "WAIT on accounting mutex %d failed with %s",
				  i, ename(errno));
		}
		return;
	}
	case 3:
	case 4:
		mtx_unlock_mine(t, i);
		return;
	case 5:
		/*
		 * KILL by this owner: abandons what it holds, else EPERM; a
		 * pointer that faults kills nothing (read-only is readable).
		 */
		if (pct(t, 90))
			k = P_VALID;
		u32 = arg_at(t, k, &(uint32_t){ OWNER(t) }, 4, 9);
		begin(t, "KILL(acct)", fd, OWNER(t), t->mcount[i], 0);
		ret = end(t, ioctl(fd, EVOBJ_IOC_KILL, u32), NULL);
		if (ptr_faults(k)) {
			expect(t, ret, EFAULT, "kill with a faulting pointer");
			return;
		}
		if (!t->mcount[i]) {
			expect(t, ret, EPERM, "kill for an owner that holds nothing");
			atomic_fetch_add(&g_macc[i].eperm, 1);
			return;
		}
		expect(t, ret, 0, "kill for the owner");
		if (ret == 0) {
			t->mcount[i] = 0;
			atomic_fetch_add(&g_macc[i].kills, 1);
		}
		return;
	case 6:
		if (pct(t, 80))
			mtx_check_state(t, fd, i, k);
		else
			mtx_check_state(t, g_mtx_held, -1, k);
		return;
	case 7: {
		/* Other owners, owner 0, bad pointers: exact, nothing changes. */
		struct evobj_mutex_unlock *un;
		int target = pct(t, 30) ? g_mtx_held : fd;
		uint32_t owner = pct(t, 40) ? 0 : NEVER_OWNER;
		bool kill = pct(t, 40);
		int want = owner ? EPERM : EINVAL;

		if (target == g_mtx_held && owner && pct(t, 50))
			owner = OWNER(t);
		if (kill) {
			u32 = arg_at(t, k, &owner, 4, 9);
			p = u32;
		} else {
			un = arg_at(t, k, &(struct evobj_mutex_unlock){ owner, POISON32 },
				    sizeof(*un), 9);
			p = un;
		}
		begin(t, kill ? "KILL(other)" : "UNLOCK(other)", target, owner, k, 0);
		ret = end(t, ioctl(target, kill ? EVOBJ_IOC_KILL : EVOBJ_IOC_UNLOCK, p),
			  NULL);
		/*
		 * An unreadable owner is EFAULT; one that is readable in a
		 * straddling or read-only argument may be refused for itself
		 * first (the count cannot be written back), or EFAULT.
		 */
		if ((k == P_STRADDLE || (k == P_RO && !kill)) && ret < 0 &&
		    (errno == EFAULT || errno == want))
			return;
		if (ptr_faults(k))
			want = EFAULT;
		expect(t, ret, want, "a mutex ioctl that must change nothing");
		return;
	}
	case 8: {
		/* The held mutex refuses every acquisition, and owner 0. */
		struct evobj_wait w = {
			.fds = (uintptr_t)(t->rw + 4 * 256), .count = 1,
			.alert = -1, .signal = -1, .owner = OWNER(t),
		};
		bool all = pct(t, 50);

		*(int32_t *)(t->rw + 4 * 256) = g_mtx_held;
		if (pct(t, 20))
			w.owner = 0;
		begin(t, "WAIT(held)", g_dev, w.owner, all, 0);
		ret = end(t, ioctl(g_dev, all ? EVOBJ_IOC_WAIT_ALL :
				   EVOBJ_IOC_WAIT_ANY, &w), NULL);
		expect(t, ret, w.owner ? ETIMEDOUT : EINVAL, "a wait on the held mutex");
		return;
	}
	case 9: {
		/* The 24-byte struct waits with owner 0: EINVAL on a mutex. */
		static const unsigned long wait_v0 = _IOC(_IOC_READ | _IOC_WRITE,
			EVOBJ_IOC_MAGIC, 0x0F, EVOBJ_WAITSET_WAIT_SIZE_VER0);
		struct evobj_waitset_wait w = {
			.index = POISON32, .alert = -1, .signal = -1,
			.owner = OWNER(t), .pad = pct(t, 50) ? 1U << rn(t, 32) : 0,
		};
		bool v0 = !w.pad || pct(t, 50);

		begin(t, v0 ? "WAIT(mutex, 24 bytes)" : "WAIT(mutex, pad)", fd,
		      w.pad, 0, 0);
		ret = end(t, ioctl(pct(t, 20) ? g_mtx_held : fd,
				   v0 ? wait_v0 : EVOBJ_IOC_WAIT, &w), NULL);
		expect(t, ret, EINVAL, "a mutex wait with owner 0 or a pad");
		return;
	}
	case 10: {
		/* The other kinds' ioctls on a mutex: EINVAL. */
		static const unsigned long cmds[] = {
			EVOBJ_IOC_SET, EVOBJ_IOC_RESET, EVOBJ_IOC_PULSE,
			EVOBJ_IOC_TIMER, EVOBJ_IOC_RELEASE,
			EVOBJ_IOC_READ_SEMAPHORE,
		};
		unsigned long cmd = cmds[rn(t, ARRAY_SIZE(cmds))];
		int target = pct(t, 50) ? g_mtx_held : fd;

		p = arg_at(t, P_VALID, &(struct evobj_timer){
				.expires = mono() + NSEC_PER_MSEC }, 24, 9);
		*(uint32_t *)p = 1;	/* RELEASE's n */
		begin(t, "other ioctl(mutex)", target, cmd, 0, 0);
		ret = end(t, ioctl(target, cmd, pct(t, 20) ? NULL : p), NULL);
		expect(t, ret, EINVAL, "another kind's ioctl on a mutex");
		return;
	}
	case 11: {
		/* The mutex ioctls on events, semaphores (EINVAL), others (ENOTTY). */
		static const unsigned long cmds[] = {
			EVOBJ_IOC_UNLOCK, EVOBJ_IOC_KILL, EVOBJ_IOC_READ_MUTEX,
		};
		int other = rn(t, 5);
		int ofd = other == 0 ? g_probe[rn(t, 2)] : other == 1 ? g_never :
			  other == 2 ? g_sem_full : other == 3 ? g_dev : g_efd;
		unsigned long cmd = cmds[rn(t, 3)];

		p = arg_at(t, P_VALID, &(uint64_t[2]){ 1, 1 }, 16, 9);
		begin(t, "mutex ioctl(other)", ofd, cmd, 0, 0);
		ret = end(t, ioctl(ofd, cmd, p), NULL);
		expect(t, ret, other < 3 ? EINVAL : ENOTTY,
		       "a mutex's ioctl on another fd");
		return;
	}
	case 12: {
		/* read(), write() (EINVAL) and mmap (ENODEV) of a mutex. */
		uint64_t *buf = (uint64_t *)(t->rw + 9 * 256);
		int target = pct(t, 50) ? g_mtx_held : fd;
		int c = rn(t, 3);

		*buf = 1;
		if (c == 2) {
			begin(t, "MMAP(mutex)", target, PAGE, MAP_SHARED, 0);
			p = mmap(NULL, PAGE, PROT_READ | (pct(t, 50) ? PROT_WRITE : 0),
				 MAP_SHARED, target, 0);
			ret = end(t, p == MAP_FAILED ? -1 : 0, NULL);
			expect(t, ret, ENODEV, "mmap of a mutex");
			if (p != MAP_FAILED)
				munmap(p, PAGE);
			return;
		}
		begin(t, c ? "write(mutex)" : "read(mutex)", target, 8, 0, 0);
		ret = end(t, c ? write(target, buf, 8) : read(target, buf, 8), NULL);
		expect(t, ret, EINVAL, "read or write of a mutex");
		return;
	}
	default: {
		/* READ: type 3, signaled while unowned. */
		struct evobj_state *es;
		int target = pct(t, 30) ? g_mtx_held : fd;

		es = arg_at(t, k, &(struct evobj_state){ POISON32, POISON32 },
			    sizeof(*es), 9);
		begin(t, "READ(mutex)", target, k, 0, 0);
		ret = end(t, ioctl(target, EVOBJ_IOC_READ, es), NULL);
		expect(t, ret, ptr_faults(k) || k == P_RO ? EFAULT : 0,
		       "persistent mutex");
		if (ret == 0 && k == P_VALID &&
		    (es->type != EVOBJ_MUTEX || es->signaled > 1 ||
		     (target == g_mtx_held && es->signaled) ||
		     (target == fd && t->mcount[i] && es->signaled)))
			violation(t, "READ of mutex fd %d: type %u signaled %u (held %u by me)",
				  target, es->type, es->signaled,
				  target == fd ? t->mcount[i] : 1);
		return;
	}
	}
}

/* CREATE_MUTEX with valid and malformed arguments: exact errno. */
static void op_create_mtx(struct thr *t)
{
	struct evobj_mutex c = {
		.flags = pct(t, 50) ? rn(t, 2) * EVOBJ_CLOEXEC |
				      rn(t, 2) * EVOBJ_NONBLOCK : 0,
	};
	enum ptr_kind k = pick_ptr(t, 10);
	int fd = pct(t, 90) ? g_dev : pick_fd(t);
	int want = 0;
	void *arg;
	long ret;

	if (pct(t, 50)) {
		c.owner = pct(t, 70) ? OWNER(t) : (uint32_t)rnd(t) | 1;
		c.count = pct(t, 90) ? 1 + rn(t, 3) : UINT32_MAX - rn(t, 2);
	}
	switch (rn(t, 12)) {
	case 0:
		c.owner = 0;
		c.count = 1 + rn(t, 5);
		break;
	case 1:
		c.owner = 1 + rn(t, 1000);
		c.count = 0;
		break;
	case 2:
		c.flags |= pct(t, 50) ? EVOBJ_SIGNALED : 8U << rn(t, 29);
		break;
	case 3:
		c.pad = 1U << rn(t, 32);
		break;
	default:
		break;
	}
	if (!c.owner != !c.count ||
	    (c.flags & ~(EVOBJ_CLOEXEC | EVOBJ_NONBLOCK)) || c.pad)
		want = EINVAL;
	if (ptr_faults(k))
		want = EFAULT;
	arg = arg_at(t, k, &c, sizeof(c), 0);
	begin(t, "CREATE_MUTEX", fd, c.owner, c.count, 0);
	ret = end(t, ioctl(fd, EVOBJ_IOC_CREATE_MUTEX, arg), &A_CREATE);
	if (fd == g_dev && !(ret < 0 && (errno == ENOMEM || errno == EMFILE ||
					 errno == ENFILE ||
					 (opt_unload && (errno == ENOENT ||
							 errno == ENODEV)))))
		expect(t, ret, want, "CREATE_MUTEX on /dev/evobj");
	if (ret >= 0 && fd == g_dev && want == 0 && c.owner == OWNER(t)) {
		struct evobj_mutex_state st = { POISON32, POISON32, POISON32, POISON32 };

		/* Nobody else may change what this owner holds. */
		if (ioctl(ret, EVOBJ_IOC_READ_MUTEX, &st) || st.owner != c.owner ||
		    st.count != c.count || st.flags || st.pad)
			violation(t, "a new mutex (owner %#x count %u) reads owner %#x count %u flags %#x",
				  c.owner, c.count, st.owner, st.count, st.flags);
	}
	if (ret >= 0)
		slot_store(t, ret, true);
}

/* ---- chaos calls ---- */

static void new_object(struct thr *t)
{
	int fd = -1, p[2];
	struct evobj_create c;

	switch (rn(t, 12)) {
	case 10: {
		/* a mutex, unowned, or this thread's, or some owner's */
		struct evobj_mutex mc = { .flags = rn(t, 2) ? EVOBJ_NONBLOCK : 0 };

		if (pct(t, 50)) {
			mc.owner = pct(t, 50) ? OWNER(t) : (uint32_t)rnd(t) | 1;
			mc.count = 1 + rn(t, 2);
		}
		begin(t, "CREATE_MUTEX", g_dev, mc.owner, mc.count, 0);
		fd = end(t, ioctl(g_dev, EVOBJ_IOC_CREATE_MUTEX, &mc), &A_CREATE);
		slot_store(t, fd, true);
		return;
	}
	case 0:
		begin(t, "eventfd", 0, 0, 0, 0);
		fd = end(t, eventfd(rn(t, 2), EFD_NONBLOCK | EFD_CLOEXEC), &A_NEWFD);
		break;
	case 1:
		begin(t, "pipe2", 0, 0, 0, 0);
		if (end(t, pipe2(p, O_NONBLOCK | O_CLOEXEC), &A_NEWFD) == 0) {
			slot_put(t, p[0]);
			fd = p[1];
		}
		break;
	case 2:
		begin(t, "open", 0, 0, 0, 0);
		fd = end(t, open(N_EVOBJ, O_RDWR | O_CLOEXEC), &A_OPEN);
		break;
	case 3:
		begin(t, "epoll_create1", 0, 0, 0, 0);
		fd = end(t, epoll_create1(EPOLL_CLOEXEC), &A_NEWFD);
		break;
	case 4:
	case 5: {
		/* a semaphore, small or at the largest maximum */
		struct evobj_semaphore sc = {
			.max = pct(t, 20) ? EVOBJ_SEMAPHORE_MAX : 1 + rn(t, 8),
			.flags = rn(t, 2) ? EVOBJ_NONBLOCK : 0,
		};

		sc.count = rn(t, sc.max > 8 ? 9 : sc.max + 1);
		begin(t, "CREATE_SEMAPHORE", g_dev, sc.count, sc.max, 0);
		fd = end(t, ioctl(g_dev, EVOBJ_IOC_CREATE_SEMAPHORE, &sc),
			 &A_CREATE);
		slot_store(t, fd, true);
		return;
	}
	case 11:
	default:
		c.type = rn(t, 2);
		c.flags = rn(t, 8);
		begin(t, "CREATE", g_dev, c.type, c.flags, 0);
		fd = end(t, ioctl(g_dev, EVOBJ_IOC_CREATE, &c), &A_CREATE);
		slot_store(t, fd, true);
		return;
	}
	slot_put(t, fd);
}

static void op_create(struct thr *t)
{
	struct evobj_create c = { .type = rn(t, 2), .flags = rn(t, 8) };
	enum ptr_kind k = pick_ptr(t, 15);
	int fd = pct(t, 90) ? g_dev : pick_fd(t);
	int want = 0;
	void *arg;
	long ret;

	if (pct(t, 10))
		c.type = pct(t, 50) ? 2 + rn(t, 10) : (uint32_t)rnd(t);
	else if (pct(t, 10))
		c.flags |= 8U << rn(t, 29);
	if (c.type > EVOBJ_SYNCHRONIZATION || c.flags > 7)
		want = EINVAL;
	if (ptr_faults(k))
		want = EFAULT;
	arg = arg_at(t, k, &c, sizeof(c), 0);
	begin(t, "CREATE", fd, c.type, c.flags, 0);
	ret = end(t, ioctl(fd, EVOBJ_IOC_CREATE, arg), &A_CREATE);
	if (fd == g_dev && !(ret < 0 && (errno == ENOMEM || errno == EMFILE ||
					 errno == ENFILE ||
					 (opt_unload && (errno == ENOENT ||
							 errno == ENODEV)))))
		expect(t, ret, want, "CREATE on /dev/evobj");
	if (ret >= 0)
		slot_store(t, ret, true);
}

/* CREATE_SEMAPHORE with valid and malformed arguments: exact errno. */
static void op_create_sem(struct thr *t)
{
	struct evobj_semaphore c = {
		.max = 1 + rn(t, 16),
		.flags = pct(t, 50) ? rn(t, 2) * EVOBJ_CLOEXEC |
				      rn(t, 2) * EVOBJ_NONBLOCK : 0,
	};
	enum ptr_kind k = pick_ptr(t, 10);
	int fd = pct(t, 90) ? g_dev : pick_fd(t);
	int want = 0;
	void *arg;
	long ret;

	c.count = rn(t, c.max + 1);
	switch (rn(t, 16)) {
	case 0:
		c.max = pct(t, 50) ? 0 : EVOBJ_SEMAPHORE_MAX + 1 + rn(t, 1000);
		break;
	case 1:
		c.count = c.max + 1 + (pct(t, 50) ? rn(t, 10) : (uint32_t)rnd(t) / 2);
		break;
	case 2:
		c.flags |= pct(t, 50) ? EVOBJ_SIGNALED : 8U << rn(t, 29);
		break;
	case 3:
		c.pad = 1U << rn(t, 32);
		break;
	case 4:
		c.max = EVOBJ_SEMAPHORE_MAX;
		c.count = pct(t, 50) ? EVOBJ_SEMAPHORE_MAX : rn(t, 4);
		break;
	default:
		break;
	}
	if (!c.max || c.max > EVOBJ_SEMAPHORE_MAX || c.count > c.max ||
	    (c.flags & ~(EVOBJ_CLOEXEC | EVOBJ_NONBLOCK)) || c.pad)
		want = EINVAL;
	if (ptr_faults(k))
		want = EFAULT;
	arg = arg_at(t, k, &c, sizeof(c), 0);
	begin(t, "CREATE_SEMAPHORE", fd, c.count, c.max, 0);
	ret = end(t, ioctl(fd, EVOBJ_IOC_CREATE_SEMAPHORE, arg), &A_CREATE);
	if (fd == g_dev && !(ret < 0 && (errno == ENOMEM || errno == EMFILE ||
					 errno == ENFILE ||
					 (opt_unload && (errno == ENOENT ||
							 errno == ENODEV)))))
		expect(t, ret, want, "CREATE_SEMAPHORE on /dev/evobj");
	if (ret >= 0 && fd == g_dev && want == 0) {
		struct evobj_semaphore_state st = { POISON32, POISON32 };

		/*
		 * Others may take units already: a stale number they wait
		 * or read on may be this fd's by now.
		 */
		if (ioctl(ret, EVOBJ_IOC_READ_SEMAPHORE, &st) ||
		    st.count > c.count || st.max != c.max)
			violation(t, "a new semaphore (count %u max %u) reads count %u max %u",
				  c.count, c.max, st.count, st.max);
	}
	if (ret >= 0)
		slot_store(t, ret, true);
}

static const unsigned long change_cmd[] = {
	EVOBJ_IOC_SET, EVOBJ_IOC_RESET, EVOBJ_IOC_PULSE,
};

static const char *const change_name[] = { "SET", "RESET", "PULSE" };

static void op_change(struct thr *t)
{
	int c = rn(t, 3), fd = pick_fd(t);
	uint32_t poison = POISON32, *prev;
	enum ptr_kind k = pick_ptr(t, 25);
	bool probe = fd == g_probe[0] || fd == g_probe[1];
	long ret;

	prev = arg_at(t, k, &poison, 4, 1);
	begin(t, change_name[c], fd, (long)prev, 0, 0);
	ret = end(t, ioctl(fd, change_cmd[c], prev), &A_CHANGE);
	if (probe)
		expect(t, ret, ptr_faults(k) && k != P_NULL ? EFAULT :
			       k == P_RO ? EFAULT : 0, "probe event");
	else if (fd == g_dev || fd == g_efd || fd == g_pipe[0] || fd == g_pipe[1])
		expect(t, ret, ENOTTY, "not an event fd");
	if (ret == 0 && k == P_VALID && *prev > 1)
		violation(t, "%s returned previous state %#x", t->what, *prev);
}

static void op_read_state(struct thr *t)
{
	int fd = pct(t, 20) ? pick_obj(t) : pick_fd(t);
	struct evobj_state s = { POISON32, POISON32 }, *st;
	enum ptr_kind k = pick_ptr(t, 20);
	long ret;

	st = arg_at(t, k, &s, sizeof(s), 2);
	begin(t, "READ", fd, (long)st, 0, 0);
	ret = end(t, ioctl(fd, EVOBJ_IOC_READ, st), &A_CHANGE);
	if (fd == g_never || fd == g_always || fd == g_probe[0] ||
	    fd == g_probe[1])
		expect(t, ret, ptr_faults(k) || k == P_RO ? EFAULT : 0,
		       "persistent event");
	if (ret || k != P_VALID)
		return;
	if (st->type > EVOBJ_MUTEX || st->signaled > 1)
		violation(t, "READ returned type %#x signaled %#x", st->type,
			  st->signaled);
	else if ((fd == g_never && (st->signaled || st->type)) ||
		 (fd == g_always && (!st->signaled || st->type)) ||
		 (fd == g_probe[1] && st->type != 1))
		violation(t, "READ of a persistent event (fd %d) returned type %u signaled %u",
			  fd, st->type, st->signaled);
}

static void op_timer(struct thr *t)
{
	int fd = pct(t, 15) ? g_probe[rn(t, 2)] : pick_fd(t);
	struct evobj_timer tm = { 0 }, *arg;
	enum ptr_kind k = pick_ptr(t, 10);
	uint64_t now = mono();
	bool probe = fd == g_probe[0] || fd == g_probe[1];
	int want;
	long ret;

	switch (rn(t, 8)) {
	case 0:
		break;			/* disarm */
	case 1:
		tm.expires = 1 + rn(t, 1000);	/* past */
		break;
	case 2:
		tm.expires = KTIME_MAX_NS + pct(t, 50);
		break;
	case 3:
		tm.expires = EVOBJ_TIMEOUT_INFINITE;
		break;
	default:
		tm.expires = now + rn(t, 20) * NSEC_PER_MSEC;
		break;
	}
	switch (rn(t, 10)) {
	case 0:
		tm.period = 1 + rn(t, EVOBJ_TIMER_MIN_PERIOD - 1);	/* too short */
		break;
	case 1:
		/* the shortest period, now and then: it keeps a CPU busy */
		tm.period = pct(t, 30) ? EVOBJ_TIMER_MIN_PERIOD :
			    EVOBJ_TIMER_MIN_PERIOD * (10 + rn(t, 10));
		break;
	case 2:
		tm.period = KTIME_MAX_NS + 1 + rn(t, 10);
		break;
	case 3:
	case 4:
		tm.period = (1 + rn(t, 20)) * NSEC_PER_MSEC;
		break;
	default:
		break;			/* one shot */
	}
	if (pct(t, 5))
		tm.flags = 1U << rn(t, 32);
	if (pct(t, 5))
		tm.pad = 1U << rn(t, 32);
	arg = arg_at(t, k, &tm, sizeof(tm), 0);
	begin(t, "TIMER", fd, (long)tm.expires, (long)tm.period, 0);
	ret = end(t, ioctl(fd, EVOBJ_IOC_TIMER, arg), &A_TIMER);
	if (ret == 0)
		atomic_fetch_add(&g_timers, 1);
	if (!probe)
		return;
	if (ptr_faults(k)) {
		want = EFAULT;
	} else if (tm.flags || tm.pad ||
		   (tm.period && tm.period < EVOBJ_TIMER_MIN_PERIOD)) {
		want = EINVAL;
	} else {
		/* beyond KTIME_MAX the contract leaves open: infinite or EINVAL */
		if (tm.expires > KTIME_MAX_NS || tm.period > KTIME_MAX_NS)
			return;
		if (ret < 0 && (errno == ENOSPC || errno == ENOMEM))
			return;
		want = 0;
	}
	expect(t, ret, want, "TIMER on a probe event");
}

/* A wait with anything in it; only errnos are checked, and the index. */
static void op_wait(struct thr *t)
{
	bool all = pct(t, 40), rt = pct(t, 20), al;
	int32_t *fds = (int32_t *)(t->rw + 4 * 256);
	struct evobj_wait w = { .alert = -1, .signal = -1, .index = POISON32 };
	clockid_t clk = rt ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	enum ptr_kind k = pick_ptr(t, 8), kf = pick_ptr(t, 8);
	int dev = pct(t, 95) ? g_dev : pick_fd(t);
	uint32_t count, n, i;
	uint64_t limit;
	void *uw;
	int want = 0;
	long ret;

	switch (rn(t, 12)) {
	case 0:
		count = 0;
		break;
	case 1:
		count = EVOBJ_MAX_WAIT;
		break;
	case 2:
		count = EVOBJ_MAX_WAIT + 1;
		break;
	case 3:
		count = pct(t, 50) ? UINT32_MAX : 1U << rn(t, 32);
		break;
	case 4:
		count = 1 + rn(t, EVOBJ_MAX_WAIT);
		break;
	default:
		count = 1 + rn(t, 4);
		break;
	}
	n = count < EVOBJ_MAX_WAIT ? count : EVOBJ_MAX_WAIT;
	for (i = 0; i < n; i++) {
		if (i && pct(t, 10))
			fds[i] = fds[rn(t, i)];		/* a duplicate */
		else
			fds[i] = pick_obj(t);
	}
	if (pct(t, 25))
		w.alert = pct(t, 30) && n ? fds[rn(t, n)] : pick_obj(t);
	if (pct(t, 20)) {
		w.signal = pick_fd(t);
		if (n && pct(t, 30))
			fds[rn(t, n)] = w.signal;	/* among the objects */
	}
	w.timeout = pick_timeout(t, clk, &limit, &al);
	w.count = count;
	w.flags = rt ? EVOBJ_WAIT_REALTIME : 0;
	if (pct(t, 4))
		w.flags |= 2U << rn(t, 31);
	/*
	 * Meaningful only with a mutex in the list (pool mutexes): the
	 * thread's owner mostly, 0 (EINVAL then), any value else.
	 */
	if (pct(t, 70))
		w.owner = OWNER(t);
	else if (pct(t, 40))
		w.owner = (uint32_t)rnd(t);
	w.fds = (uintptr_t)fds;
	if (kf != P_VALID)
		w.fds = (uintptr_t)arg_at(t, kf, fds, n * 4, 4);
	if (kf == P_NONCANON)
		w.fds = rnd(t) | 1ULL << 63;
	uw = arg_at(t, k, &w, sizeof(w), 0);
	if (ptr_faults(k))
		want = EFAULT;
	else if (!count || count > EVOBJ_MAX_WAIT ||
		 (w.flags & ~EVOBJ_WAIT_REALTIME))
		want = EINVAL;
	if (al)
		limit = alarm_short(t);
	begin(t, all ? "WAIT_ALL" : "WAIT_ANY", dev, count, (long)w.timeout, limit);
	ret = end(t, ioctl(dev, all ? EVOBJ_IOC_WAIT_ALL : EVOBJ_IOC_WAIT_ANY, uw),
		  &A_WAIT);
	if (al)
		alarm_off(t);
	if (dev == g_dev && want)
		expect(t, ret, want, "malformed wait on /dev/evobj");
	check_expiry(t, ret, w.timeout, clk);
	if (ret == 0) {
		uint32_t idx = ((struct evobj_wait *)uw)->index;

		atomic_fetch_add(&g_waits_ok, 1);
		if (k != P_VALID || kf == P_NULL || kf == P_NONE || kf == P_LOW ||
		    kf == P_KERNEL || kf == P_NONCANON || kf == P_STRADDLE)
			violation(t, "%s with a bad argument (kinds %d, %d) succeeded",
				  t->what, k, kf);
		else if (idx > count || (idx == count && w.alert < 0) ||
			 (all && idx && idx != count))
			violation(t, "%s returned index %u of %u", t->what, idx, count);
	}
}

/*
 * A wait set of anything, a few waits on it, then into the pool, where
 * every other call meets it: poll, epoll, read, close, dup2, ioctls.
 */
static void op_waitset(struct thr *t)
{
	int32_t *fds = (int32_t *)(t->rw + 4 * 256);
	struct evobj_waitset s = { .flags = EVOBJ_CLOEXEC };
	enum ptr_kind k = pick_ptr(t, 8), kf = pick_ptr(t, 8);
	uint32_t count, n, i;
	int want = 0, set;
	void *us;

	switch (rn(t, 8)) {
	case 0:
		count = pct(t, 50) ? 0 : EVOBJ_MAX_WAIT + 1 + rn(t, 1000);
		break;
	case 1:
		count = EVOBJ_MAX_WAIT;
		break;
	default:
		count = 1 + rn(t, pct(t, 50) ? 4 : EVOBJ_MAX_WAIT);
		break;
	}
	n = count < EVOBJ_MAX_WAIT ? count : EVOBJ_MAX_WAIT;
	for (i = 0; i < n; i++)
		fds[i] = i && pct(t, 10) ? fds[rn(t, i)] : pick_obj(t);
	if (pct(t, 4))
		s.flags |= 1U << rn(t, 32);
	s.count = count;
	s.fds = (uintptr_t)arg_at(t, kf, fds, n * 4, 4);
	us = arg_at(t, k, &s, sizeof(s), 0);
	if (ptr_faults(k))
		want = EFAULT;
	else if (!count || count > EVOBJ_MAX_WAIT || (s.flags & ~EVOBJ_CLOEXEC))
		want = EINVAL;
	begin(t, "WAITSET", g_dev, count, s.flags, 0);
	set = end(t, ioctl(g_dev, EVOBJ_IOC_WAITSET, us), &A_WAITSET);
	if (want)
		expect(t, set, want, "malformed WAITSET");
	if (set < 0)
		return;
	for (int round = rn(t, 4); round > 0; round--) {
		struct evobj_waitset_wait w = { .alert = -1, .signal = -1,
						.index = POISON32 };
		bool all = pct(t, 40), rt = pct(t, 20), al;
		clockid_t clk = rt ? CLOCK_REALTIME : CLOCK_MONOTONIC;
		enum ptr_kind kw = pick_ptr(t, 8);
		unsigned long cmd;
		uint64_t limit;
		bool v0;
		void *uw;
		long ret;

		if (pct(t, 25))
			w.alert = pick_obj(t);
		if (pct(t, 20))
			w.signal = pick_fd(t);
		w.timeout = pick_timeout(t, clk, &limit, &al);
		w.flags = rt ? EVOBJ_WAIT_REALTIME : 0;
		if (pct(t, 4))
			w.flags |= 2U << rn(t, 31);
		/* The owner for its mutexes; 24 bytes wait with owner 0. */
		v0 = pct(t, 10);
		w.owner = pct(t, 85) ? OWNER(t) : 0;
		if (pct(t, 3))
			w.pad = 1U << rn(t, 32);
		cmd = all ? EVOBJ_IOC_WAITSET_ALL : EVOBJ_IOC_WAITSET_ANY;
		if (v0)
			cmd = _IOC(_IOC_READ | _IOC_WRITE, EVOBJ_IOC_MAGIC,
				   _IOC_NR(cmd), EVOBJ_WAITSET_WAIT_SIZE_VER0);
		uw = arg_at(t, kw, &w, sizeof(w), 0);
		if (al)
			limit = alarm_short(t);
		begin(t, all ? "WAITSET_ALL" : "WAITSET_ANY", set, count,
		      (long)w.timeout, limit);
		ret = end(t, ioctl(set, cmd, uw), &A_WAIT);
		if (al)
			alarm_off(t);
		/*
		 * Straddling, a 24-byte one fits when at least 24 bytes
		 * are mapped before the PROT_NONE page.
		 */
		if (ptr_faults(kw) &&
		    !(kw == P_STRADDLE && v0 &&
		      t->rw + 2 * PAGE - (char *)uw >= EVOBJ_WAITSET_WAIT_SIZE_VER0))
			expect(t, ret, EFAULT, "WAITSET wait with a bad pointer");
		else if ((w.flags & ~EVOBJ_WAIT_REALTIME) || (w.pad && !v0))
			expect(t, ret, EINVAL, "WAITSET wait with a bad flag or pad");
		check_expiry(t, ret, w.timeout, clk);
		if (ret == 0) {
			uint32_t idx = ((struct evobj_waitset_wait *)uw)->index;

			atomic_fetch_add(&g_waits_ok, 1);
			if (idx > count || (idx == count && w.alert < 0) ||
			    (all && idx && idx != count))
				violation(t, "%s returned index %u of %u",
					  t->what, idx, count);
		}
	}
	slot_put(t, set);
}

/*
 * The mapped state word: maps the words of pool fds, in every shape
 * (mostly the right one), and writes into mapped words while the other
 * threads use their events: garbage, changes that ignore the kernel's
 * bit, and changes as the protocol makes them. The events of the pool
 * have no invariant but the kernel's own, which no write may break; and
 * the word's own: the page past it reads zero, and once the kernel has
 * passed (an ioctl on the event) the word holds no bit but its two.
 *
 * Each thread unmaps only its own words. A word is mapped through a
 * private dup of the pool fd, numbered from g_word_fd_base up, far above
 * the pool's numbers, so that no other op closes or replaces it (they
 * close and dup2 onto pool numbers only) and ioctls on it reach the
 * mapped event; every write into these words holds g_word_lock, so that
 * between a write and the check after a kernel pass nobody else writes
 * garbage.
 */
#define NWORDS	4
#define WORD_BITS	(EVOBJ_WORD_SIGNALED | EVOBJ_WORD_KERNEL)

struct word_map {
	_Atomic uint32_t *w;	/* NULL: none */
	int fd;			/* the private fd it was mapped through */
};

static struct word_map g_words[MAX_THREADS][NWORDS];
static pthread_mutex_t g_word_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_ulong g_words_mapped;
static int g_word_fd_base = 800;	/* below g_closed; see setup() */

static bool page_tail_zero(const void *page)
{
	const unsigned char *p = page;

	for (size_t i = sizeof(uint32_t); i < PAGE; i++)
		if (p[i])
			return false;
	return true;
}

static void word_unmap(struct thr *t, struct word_map *m)
{
	if (!page_tail_zero((void *)m->w))
		violation(t, "the page of a word (fd %d) has bytes set past the word",
			  m->fd);
	munmap((void *)m->w, PAGE);
	close(m->fd);
	m->w = NULL;
	m->fd = -1;
}

static void word_write(struct thr *t, struct word_map *m)
{
	struct evobj_state st = { POISON32, POISON32 };
	uint32_t old, v;
	long ret;

	pthread_mutex_lock(&g_word_lock);
	old = atomic_load(m->w);
	switch (rn(t, 4)) {
	case 0:
		atomic_store(m->w, (uint32_t)rnd(t));
		break;
	case 1:
		atomic_compare_exchange_strong(m->w, &old,
					       old ^ EVOBJ_WORD_SIGNALED);
		break;
	default:
		if (!(old & EVOBJ_WORD_KERNEL))
			atomic_compare_exchange_strong(m->w, &old,
						       old ^ EVOBJ_WORD_SIGNALED);
		break;
	}
	atomic_fetch_add(&g_word_ops, 1);
	if (pct(t, 50)) {
		/* The kernel's pass rewrites the word: no garbage after it. */
		begin(t, "READ(word)", m->fd, 0, 0, 0);
		ret = end(t, ioctl(m->fd, EVOBJ_IOC_READ, &st), NULL);
		v = atomic_load(m->w);
		if (ret)
			violation(t, "READ on the fd of a mapped word failed: %s",
				  ename(errno));
		else if (st.signaled > 1 || (v & ~WORD_BITS))
			violation(t, "after READ (signaled %u) the word is %#x",
				  st.signaled, v);
	}
	pthread_mutex_unlock(&g_word_lock);
}

static void op_word(struct thr *t)
{
	struct word_map *m = &g_words[t->id][rn(t, NWORDS)];
	int fd, prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED;
	size_t len = PAGE;
	off_t off = 0;
	bool bad = false;
	void *p;
	long ret;

	if (m->w && pct(t, 80)) {
		word_write(t, m);
		return;
	}
	if (m->w)
		word_unmap(t, m);
	switch (rn(t, 12)) {
	case 0:
		len = PAGE * (2 + rn(t, 3));
		bad = true;
		break;
	case 1:
		off = PAGE;
		bad = true;
		break;
	case 2:
		flags = MAP_PRIVATE;
		bad = true;
		break;
	case 3:
		prot |= PROT_EXEC;
		bad = true;
		break;
	case 4:
		prot = PROT_READ;
		break;
	default:
		break;
	}
	fd = pick_fd(t);
	if (!bad && prot == (PROT_READ | PROT_WRITE)) {
		begin(t, "dup", fd, 0, 0, 0);
		fd = end(t, fcntl(fd, F_DUPFD_CLOEXEC, g_word_fd_base), &A_DUP);
		if (fd < 0)
			return;
	}
	begin(t, "MMAP", fd, (long)len, flags, 0);
	p = mmap(NULL, len, prot, flags, fd, off);
	ret = end(t, p == MAP_FAILED ? -1 : 0, &A_MMAP);
	if (ret || bad || prot != (PROT_READ | PROT_WRITE)) {
		if (!ret && bad)
			violation(t, "mmap of fd %d (len %zu, off %lld, flags %#x, prot %#x) succeeded",
				  fd, len, (long long)off, flags, prot);
		else if (!ret && !page_tail_zero(p))
			violation(t, "the page of a word (fd %d) has bytes set past the word",
				  fd);
		if (!ret)
			munmap(p, len);
		if (!bad && prot == (PROT_READ | PROT_WRITE))
			close(fd);
		return;
	}
	atomic_fetch_add(&g_words_mapped, 1);
	m->w = p;
	m->fd = fd;
}

/* Every word is unmapped: a mapping keeps its event, and its timer, alive. */
static void words_unmap_all(void)
{
	for (int i = 0; i < opt_threads; i++)
		for (int j = 0; j < NWORDS; j++)
			if (g_words[i][j].w)
				word_unmap(NULL, &g_words[i][j]);
}

static const size_t rw_sizes[] = { 0, 1, 4, 7, 8, 8, 8, 9, 16, 4096 };

static void op_read(struct thr *t)
{
	int fd = pick_fd(t);
	size_t len = rw_sizes[rn(t, 10)];
	enum ptr_kind k = pick_ptr(t, 20);
	uint64_t zero = 0, limit;
	char *buf;
	long ret;

	if (pct(t, 5))
		len = rnd(t);
	if (k == P_VALID && len > 256)
		buf = t->rw;		/* the whole first page, and more */
	else
		buf = arg_at(t, k, &zero, 8, 6);
	if (k == P_VALID && len > 2 * PAGE)
		len = 2 * PAGE;
	limit = alarm_short(t);
	begin(t, "read", fd, (long)buf, (long)len, limit);
	ret = end(t, read(fd, buf, len), &A_READ);
	alarm_off(t);
	if (fd == g_probe[1]) {
		/* synchronization, NONBLOCK */
		if (len < 8)
			expect(t, ret, vfs_faults(k) ? EFAULT : EINVAL,
			       "short read of an event");
		else if (ret >= 0 && (ret != 8 || (k == P_VALID &&
						   *(uint64_t *)buf != 1)))
			violation(t, "read(probe, %zu) returned %ld", len, ret);
		else if (ret < 0 && errno != EAGAIN && errno != EFAULT)
			violation(t, "read(probe, %zu) failed with %s", len,
				  ename(errno));
	}
}

static void op_write(struct thr *t)
{
	static const uint64_t vals[] = { 1, 1, 1, 0, 2, UINT64_MAX, 1ULL << 32 };
	int fd = pick_fd(t);
	size_t len = rw_sizes[rn(t, 10)];
	uint64_t v = vals[rn(t, 7)];
	enum ptr_kind k = pick_ptr(t, 15);
	char *buf;
	long ret;

	if (pct(t, 5))
		v = rnd(t);
	if (k == P_VALID && len > 256) {
		buf = t->rw;
		memset(buf, 0, 16);
		memcpy(buf, &v, 8);
	} else {
		buf = arg_at(t, k, &v, 8, 6);
	}
	begin(t, "write", fd, (long)v, (long)len, 0);
	ret = end(t, write(fd, buf, len), &A_WRITE);
	if (fd != g_probe[0] && fd != g_probe[1])
		return;
	if (len < 8)
		expect(t, ret, vfs_faults(k) ? EFAULT : EINVAL,
		       "short write to an event");
	else if (ptr_faults(k) && len == 8)
		expect(t, ret, EFAULT, "write from a bad buffer");
	else if (k != P_STRADDLE && len == 8 && v != 1)
		expect(t, ret, EINVAL, "write of a value other than 1");
	else if (k != P_STRADDLE && len == 8 && ret != 8)
		violation(t, "write(probe, 1, 8) returned %ld (%s)", ret,
			  ename(errno));
}

static void op_poll(struct thr *t)
{
	struct pollfd pfd[8];
	int n = 1 + rn(t, 8), i, ms = rn(t, 4);
	long ret;

	for (i = 0; i < n; i++) {
		pfd[i].fd = pick_obj(t);
		pfd[i].events = pct(t, 80) ? POLLIN | POLLOUT : rnd(t);
		pfd[i].revents = 0;
	}
	if (pct(t, 50)) {
		begin(t, "poll", n, ms, 0, ms * NSEC_PER_MSEC);
		ret = end(t, poll(pfd, n, ms), &A_POLL);
	} else {
		fd_set r, w;
		struct timeval tv = { 0, ms * 1000 };
		int max = -1;

		FD_ZERO(&r);
		FD_ZERO(&w);
		for (i = 0; i < n; i++) {
			if (pfd[i].fd < 0 || pfd[i].fd >= FD_SETSIZE)
				continue;
			FD_SET(pfd[i].fd, &r);
			FD_SET(pfd[i].fd, &w);
			max = max > pfd[i].fd ? max : pfd[i].fd;
		}
		begin(t, "select", max + 1, ms, 0, ms * NSEC_PER_MSEC);
		ret = end(t, select(max + 1, &r, &w, NULL, &tv), &A_SELECT);
		/* select on closed fds is EBADF: nothing more to check */
		if (ret < 0)
			return;
		for (i = 0; i < n; i++) {
			int fd = pfd[i].fd;

			if (fd == g_never && FD_ISSET(fd, &r))
				violation(t, "select: never-signaled event readable");
			if (fd == g_always && !FD_ISSET(fd, &r))
				violation(t, "select: signaled event not readable");
		}
		return;
	}
	if (ret < 0)
		return;
	for (i = 0; i < n; i++) {
		/* POLLNVAL: the same number was closed in between */
		if (pfd[i].revents & POLLNVAL)
			continue;
		if (pfd[i].fd == g_never && (pfd[i].revents & POLLIN))
			violation(t, "poll: never-signaled event has POLLIN");
		if (pfd[i].fd == g_always && (pfd[i].events & POLLIN) &&
		    !(pfd[i].revents & POLLIN))
			violation(t, "poll: signaled event lacks POLLIN (revents %#x)",
				  pfd[i].revents);
	}
}

static void op_epoll(struct thr *t)
{
	struct epoll_event ev[8];
	int ep, n = 1 + rn(t, 6), i, ms = rn(t, 4);

	begin(t, "epoll_create1", 0, 0, 0, 0);
	ep = end(t, epoll_create1(EPOLL_CLOEXEC), &A_NEWFD);
	if (ep < 0)
		return;
	for (i = 0; i < n; i++) {
		struct epoll_event e = {
			.events = EPOLLIN | (pct(t, 30) ? EPOLLET : 0) |
				  (pct(t, 20) ? EPOLLONESHOT : 0) |
				  (pct(t, 50) ? EPOLLOUT : 0),
		};
		int fd = pick_obj(t);

		e.data.fd = fd;
		begin(t, "epoll_ctl", ep, fd, 0, 0);
		end(t, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e), &A_EPCTL);
	}
	begin(t, "epoll_wait", ep, ms, 0, ms * NSEC_PER_MSEC);
	if (pct(t, 5))
		end(t, epoll_wait(ep, (void *)g_none, 8, ms), &A_EPWAIT);
	else
		end(t, epoll_wait(ep, ev, pct(t, 5) ? 0 : 8, ms), &A_EPWAIT);
	if (pct(t, 15)) {
		slot_put(t, ep);	/* others may poll it, close it, dup2 it */
		return;
	}
	begin(t, "close", ep, 0, 0, 0);
	end(t, close(ep), &A_CLOSE);
}

static void op_close(struct thr *t)
{
	slot_close(t, rn(t, NSLOT));
}

static void op_dup2(struct thr *t)
{
	int src = pick_fd(t), d = rn(t, NSLOT);
	int dst = atomic_load(&g_slot[d]);

	if (persistent(dst))
		return;
	if (dst < 0) {
		begin(t, "dup", src, 0, 0, 0);
		slot_put(t, end(t, fcntl(src, F_DUPFD_CLOEXEC, 3), &A_DUP));
		return;
	}
	/* Onto a number another thread may be using right now. */
	begin(t, "dup2", src, dst, 0, 0);
	end(t, dup2(src, dst), &A_DUP);
}

static void op_replace(struct thr *t)
{
	new_object(t);
}

/*
 * A forked child makes a few calls on what it inherited (never the
 * accounting events) and exits; raw syscalls only after fork.
 */
static void op_fork(struct thr *t)
{
	int st, fds[8];
	pid_t pid;
	long ret;

	for (int i = 0; i < 8; i++)
		fds[i] = atomic_load(&g_slot[rn(t, NSLOT)]);
	begin(t, "fork", 0, 0, 0, 0);
	pid = end(t, fork(), &A_FORK);
	if (pid < 0)
		return;
	if (pid == 0) {
		for (int i = 0; i < 8; i++) {
			struct evobj_wait w = {
				.fds = (uintptr_t)&fds[i], .count = 1,
				.alert = -1, .signal = -1,
			};
			uint32_t prev;
			void *p;

			switch (rnd(t) % 6) {
			case 0:
				ioctl(fds[i], EVOBJ_IOC_SET, &prev);
				break;
			case 1:
				ioctl(fds[i], EVOBJ_IOC_PULSE, NULL);
				break;
			case 4:
				/*
				 * The parent's words are not the child's; an
				 * event nobody mapped yet becomes the child's,
				 * and the parent's mmap EBUSY for good.
				 */
				p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					 MAP_SHARED, fds[i], 0);
				if (p == MAP_FAILED && errno != EBUSY &&
				    errno != ENODEV && errno != EBADF &&
				    errno != EACCES && errno != ENOMEM)
					_exit(4);
				if (p != MAP_FAILED) {
					atomic_store((_Atomic uint32_t *)p,
						     (uint32_t)rnd(t));
					munmap(p, PAGE);
				}
				break;
			case 2:
				ret = ioctl(g_dev, EVOBJ_IOC_WAIT_ANY, &w);
				if (ret < 0 && errno != ETIMEDOUT &&
				    errno != EBADF && errno != EINVAL &&
				    errno != ENOMEM)
					_exit(3);
				break;
			case 3:
				close(fds[i]);
				break;
			default:
				ret = ioctl(g_dev, EVOBJ_IOC_CREATE,
					    &(struct evobj_create){ 1, 0 });
				if (ret < 0 && errno != EMFILE && errno != ENOMEM &&
				    !(opt_unload && (errno == ENOENT ||
						     errno == ENODEV)))
					_exit(3);
				break;
			}
		}
		_exit(0);
	}
	atomic_fetch_add(&g_forks, 1);
	begin(t, "waitpid", pid, 0, 0, 0);
	while ((ret = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	end(t, ret, NULL);
	if (ret == pid && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		violation(t, "forked child: status %#x (exit 3: a call failed with a wrong errno, 4: mmap did)",
			  st);
}

/* SCM_RIGHTS: fds travel through a socket and come back as new fds. */
static void op_scm(struct thr *t)
{
	int sv[2], n = 1 + rn(t, 6), fds[6], i;
	char cbuf[CMSG_SPACE(sizeof(fds))] = { 0 }, byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *c;
	long ret;

	begin(t, "socketpair", 0, 0, 0, 0);
	if (end(t, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			      0, sv), &A_NEWFD))
		return;
	for (i = 0; i < n; i++)
		fds[i] = pct(t, 85) ? atomic_load(&g_slot[rn(t, NSLOT)]) :
				      g_probe[rn(t, 2)];
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	begin(t, "sendmsg", sv[0], n, 0, 0);
	ret = end(t, sendmsg(sv[0], &m, MSG_DONTWAIT), &A_SEND);
	if (ret == 1 && pct(t, 85)) {
		memset(cbuf, 0, sizeof(cbuf));
		m.msg_controllen = sizeof(cbuf);
		begin(t, "recvmsg", sv[1], 0, 0, 0);
		ret = end(t, recvmsg(sv[1], &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC),
			  &A_RECV);
		for (c = ret >= 0 ? CMSG_FIRSTHDR(&m) : NULL; c;
		     c = CMSG_NXTHDR(&m, c)) {
			int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			if (c->cmsg_type != SCM_RIGHTS)
				continue;
			memcpy(fds, CMSG_DATA(c), k * sizeof(int));
			atomic_fetch_add(&g_scm_fds, k);
			for (i = 0; i < k; i++) {
				struct evobj_state s;

				begin(t, "READ(scm)", fds[i], 0, 0, 0);
				end(t, ioctl(fds[i], EVOBJ_IOC_READ, &s), &A_CHANGE);
				if (pct(t, 50)) {
					slot_put(t, fds[i]);
				} else {
					begin(t, "close", fds[i], 0, 0, 0);
					end(t, close(fds[i]), &A_CLOSE);
				}
			}
		}
	}
	/* Unreceived fds die with the socket. */
	begin(t, "close", sv[0], 0, 0, 0);
	end(t, close(sv[0]), &A_CLOSE);
	begin(t, "close", sv[1], 0, 0, 0);
	end(t, close(sv[1]), &A_CLOSE);
}

static void op_signal(struct thr *t)
{
	struct thr *to = &g_thr[rn(t, opt_threads)];

	if (pct(t, 20)) {
		set_usr1(pct(t, 50));
		return;
	}
	if (to->tid)
		syscall(SYS_tgkill, getpid(), to->tid, SIGUSR1);
}

/* Numbers in evobj's range that are no evobj ioctl: ENOTTY. */
static void op_ioctl(struct thr *t)
{
	static const unsigned int sizes[] = { 0, 1, 4, 8, 16, 32, 40, 0x3fff };
	unsigned long cmd;
	int fd = pct(t, 50) ? (pct(t, 50) ? g_dev : g_probe[rn(t, 2)]) :
		 pct(t, 10) ? g_sem_full : pct(t, 10) ? g_mtx_held : pick_fd(t);
	enum ptr_kind k = pick_ptr(t, 50);
	char zero[64] = { 0 };
	void *arg = arg_at(t, k, zero, 64, 0);
	long ret;

	if (pct(t, 50)) {
		/* a real one on the wrong kind of fd */
		static const unsigned long real[] = {
			EVOBJ_IOC_CREATE, EVOBJ_IOC_WAIT_ANY, EVOBJ_IOC_WAIT_ALL,
			EVOBJ_IOC_OPEN, EVOBJ_IOC_CREATE_SEMAPHORE,
			/* 5: an event's */
			EVOBJ_IOC_SET, EVOBJ_IOC_RESET, EVOBJ_IOC_PULSE,
			EVOBJ_IOC_TIMER,
			/* 9: both kinds' */
			EVOBJ_IOC_READ, EVOBJ_IOC_WAIT,
			/* 11: a semaphore's */
			EVOBJ_IOC_RELEASE, EVOBJ_IOC_READ_SEMAPHORE,
			/* 13: a wait set's */
			EVOBJ_IOC_WAITSET_ANY, EVOBJ_IOC_WAITSET_ALL,
			/* 15: the device's; 16: a mutex's */
			EVOBJ_IOC_CREATE_MUTEX,
			EVOBJ_IOC_UNLOCK, EVOBJ_IOC_KILL, EVOBJ_IOC_READ_MUTEX,
		};
		bool probe = fd == g_probe[0] || fd == g_probe[1];
		int i = rn(t, ARRAY_SIZE(real)), want = ENOTTY;

		cmd = real[i];
		if (fd == g_dev && (i < 5 || i == 15))
			return;
		/*
		 * The held mutex: the other kinds' ioctls are EINVAL; its
		 * own, READ and WAIT are op_mtx's.
		 */
		if (fd == g_mtx_held) {
			if ((i >= 9 && i < 11) || i >= 16)
				return;
			want = (i >= 5 && i < 9) || (i >= 11 && i < 13) ? EINVAL :
			       ENOTTY;
			begin(t, "ioctl(real)", fd, cmd, (long)arg, 0);
			ret = end(t, ioctl(fd, cmd, arg), &A_IOCTL);
			if (ret > 0)
				slot_put(t, ret);
			expect(t, ret, want, "evobj ioctl on the wrong evobj fd");
			return;
		}
		/* The mutex ioctls on an event or semaphore: EINVAL first. */
		if ((probe || fd == g_sem_full) && i >= 16)
			want = EINVAL;
		if ((probe || fd == g_sem_full) && i >= 9 && i < 11)
			return;
		if (probe && i >= 5 && i < 9)
			return;
		if (fd == g_sem_full && i == 12)
			return;		/* its own READ_SEMAPHORE */
		/*
		 * The other kind's ioctls are EINVAL, before the argument is
		 * read; the full semaphore's own RELEASE reads n, 0: EINVAL.
		 */
		if ((probe && i >= 11 && i < 13) ||
		    (fd == g_sem_full && i >= 5 && i < 9))
			want = EINVAL;
		/*
		 * The full semaphore's own RELEASE reads n (0 here) from a
		 * straddling argument too if 4 bytes of it are mapped; from
		 * a readable but unwritable one it may fail either way.
		 */
		if (fd == g_sem_full && i == 11) {
			bool readable = !ptr_faults(k) ||
				(k == P_STRADDLE &&
				 t->rw + 2 * PAGE - (char *)arg >= 4);

			want = !readable ? EFAULT : k == P_VALID ? EINVAL : -1;
		}
		begin(t, "ioctl(real)", fd, cmd, (long)arg, 0);
		ret = end(t, ioctl(fd, cmd, arg),
			  i >= 11 && i < 13 ? &A_RELEASE : i >= 16 ? &A_MUTEX :
			  &A_IOCTL);
		if (ret > 0 && (cmd == EVOBJ_IOC_CREATE || cmd == EVOBJ_IOC_OPEN ||
				cmd == EVOBJ_IOC_CREATE_SEMAPHORE ||
				cmd == EVOBJ_IOC_CREATE_MUTEX))
			slot_put(t, ret);	/* fd was a /dev/evobj */
		if (want == -1)
			return;
		if (fd == g_dev || probe || fd == g_sem_full)
			expect(t, ret, want, "evobj ioctl on the wrong evobj fd");
		return;
	}
	/*
	 * Only evobj's type: other numbers reach the VFS's own ioctls
	 * (FIONBIO would make a persistent fd blocking).
	 */
	cmd = _IOC(rn(t, 4), EVOBJ_IOC_MAGIC, rn(t, 32), sizes[rn(t, 8)]);
	switch (cmd) {
	case EVOBJ_IOC_CREATE: case EVOBJ_IOC_WAIT_ANY: case EVOBJ_IOC_WAIT_ALL:
	case EVOBJ_IOC_SET: case EVOBJ_IOC_RESET: case EVOBJ_IOC_PULSE:
	case EVOBJ_IOC_READ: case EVOBJ_IOC_TIMER: case EVOBJ_IOC_WAITSET:
	case EVOBJ_IOC_WAITSET_ANY: case EVOBJ_IOC_WAITSET_ALL:
	case EVOBJ_IOC_WAIT: case EVOBJ_IOC_CREATE_SEMAPHORE:
	case EVOBJ_IOC_RELEASE: case EVOBJ_IOC_READ_SEMAPHORE:
	case EVOBJ_IOC_CREATE_MUTEX: case EVOBJ_IOC_UNLOCK: case EVOBJ_IOC_KILL:
	case EVOBJ_IOC_READ_MUTEX:
		return;
	default:
		/* EVOBJ_IOC_OPEN takes struct evobj_open of any size: op_named. */
		if (_IOC_NR(cmd) == _IOC_NR(EVOBJ_IOC_OPEN) &&
		    _IOC_DIR(cmd) == (_IOC_READ | _IOC_WRITE))
			return;
		break;
	}
	begin(t, "ioctl(random)", fd, cmd, (long)arg, 0);
	ret = end(t, ioctl(fd, cmd, arg), &A_IOCTL);
	if (fd == g_dev || fd == g_probe[0] || fd == g_probe[1] ||
	    fd == g_sem_full || fd == g_mtx_held)
		expect(t, ret, ENOTTY, "unknown ioctl number");
	else if (ret == 0)
		violation(t, "unknown ioctl %#lx on fd %d succeeded", cmd, fd);
}

/* /proc/self/fdinfo: the state line agrees with what we know. */
static void op_fdinfo(struct thr *t)
{
	int fd = pct(t, 10) ? (pct(t, 50) ? g_sem_full : g_sem[rn(t, NSEM)]) :
		 pct(t, 10) ? (pct(t, 30) ? g_mtx_held : g_mtx[rn(t, NMTX)]) :
		 pick_obj(t), f;
	char path[64], buf[1024], *p;
	uint64_t limit;
	long n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	begin(t, "open(fdinfo)", fd, 0, 0, 0);
	f = end(t, open(path, O_RDONLY | O_CLOEXEC), fd < 0 ? NULL : &A_FDINFO);
	if (f < 0)
		return;
	/* f may be dup2()ed over meanwhile, by a blocking event fd even */
	limit = alarm_short(t);
	begin(t, "read(fdinfo)", f, 0, 0, limit);
	/* ENOENT: the fd was closed since the open */
	n = end(t, read(f, buf, sizeof(buf) - 1), &A_FDINFO);
	alarm_off(t);
	begin(t, "close", f, 0, 0, 0);
	end(t, close(f), &A_CLOSE);
	if (n <= 0)
		return;
	buf[n] = 0;
	p = strstr(buf, "\ntimer:");
	if (p) {
		p += strlen("\ntimer:");
		p += strspn(p, " \t");
		if (strncmp(p, "off\n", 4) && strncmp(p, "armed\n", 6) &&
		    strncmp(p, "parked\n", 7))
			violation(t, "fdinfo of fd %d: timer: %.8s", fd, p);
		else if ((fd == g_never || fd == g_always) && strncmp(p, "off", 3))
			violation(t, "fdinfo of a never-armed event: timer: %.8s", p);
	}
	p = strstr(buf, "\ntype:\tsemaphore\n");
	if (p) {
		char *c = strstr(buf, "\ncount:"), *m = strstr(buf, "\nmax:");
		char *sg = strstr(buf, "\nsignaled:");
		long count = c ? strtol(c + 7, NULL, 10) : -1;
		long max = m ? strtol(m + 5, NULL, 10) : -1;
		long sig = sg ? strtol(sg + 10, NULL, 10) : -1;

		/* any max, 0 included, for one made by /dev/ntsync */
		if (count < 0 || max < 0 || max > UINT32_MAX ||
		    count > max || sig != (count > 0) ||
		    strstr(buf, "\ntimer:") || strstr(buf, "\nword:"))
			violation(t, "fdinfo of semaphore fd %d: count %ld max %ld signaled %ld%s",
				  fd, count, max, sig,
				  strstr(buf, "\ntimer:") ? ", a timer line" : "");
		else if (fd == g_sem_full && (count != 1 || max != 1))
			violation(t, "fdinfo of the full semaphore: count %ld max %ld",
				  count, max);
		else if (sem_index(fd) >= 0 && max != g_sem_max[sem_index(fd)])
			violation(t, "fdinfo of semaphore fd %d: max %ld", fd, max);
	} else if (fd == g_sem_full || sem_index(fd) >= 0) {
		violation(t, "fdinfo of semaphore fd %d has no type: semaphore", fd);
	}
	if (strstr(buf, "\ntype:\tmutex\n")) {
		char *o = strstr(buf, "\nowner:"), *c = strstr(buf, "\ncount:");
		char *a = strstr(buf, "\nabandoned:"), *sg = strstr(buf, "\nsignaled:");
		long long owner = o ? strtoll(o + 7, NULL, 10) : -1;
		long long count = c ? strtoll(c + 7, NULL, 10) : -1;
		long ab = a ? strtol(a + 11, NULL, 10) : -1;
		long sig = sg ? strtol(sg + 10, NULL, 10) : -1;
		int i = mtx_index(fd);

		if (owner < 0 || owner > UINT32_MAX || count < 0 ||
		    count > UINT32_MAX || (!owner != !count) || ab < 0 || ab > 1 ||
		    (ab && owner) || sig != !owner || !strstr(buf, "\nwaiters:") ||
		    strstr(buf, "\ntimer:") || strstr(buf, "\nword:") ||
		    strstr(buf, "\nmax:"))
			violation(t, "fdinfo of mutex fd %d: owner %lld count %lld abandoned %ld signaled %ld",
				  fd, owner, count, ab, sig);
		else if (fd == g_mtx_held && (owner != HELD_OWNER || count != 1))
			violation(t, "fdinfo of the held mutex: owner %lld count %lld",
				  owner, count);
		else if (i >= 0 && t->mcount[i] &&
			 (owner != OWNER(t) || count != t->mcount[i]))
			violation(t, "fdinfo of accounting mutex %d, of which owner %#x holds %u: owner %lld count %lld",
				  i, OWNER(t), t->mcount[i], owner, count);
	} else if (fd == g_mtx_held || mtx_index(fd) >= 0) {
		violation(t, "fdinfo of mutex fd %d has no type: mutex", fd);
	}
	p = strstr(buf, "signaled:");
	if (!p)
		return;
	p += strlen("signaled:");
	p += strspn(p, " \t");
	if (*p != '0' && *p != '1')
		violation(t, "fdinfo of fd %d: signaled: %.8s", fd, p);
	else if ((fd == g_never && *p != '0') || (fd == g_always && *p != '1'))
		violation(t, "fdinfo of a persistent event (fd %d): signaled: %c",
			  fd, *p);
}

/*
 * A well-formed wait over live pool events (as far as anyone knows:
 * others close and dup2 them meanwhile), so that multi-object waits,
 * wait-all groups, alerts and signal-and-wait race with sets, pulses,
 * timers and closes for real.
 */
static void op_wait_live(struct thr *t)
{
	bool all = pct(t, 50), al = false;
	int32_t *fds = (int32_t *)(t->rw + 4 * 256);
	struct evobj_wait w = { .alert = -1, .signal = -1, .index = POISON32 };
	uint32_t count = pct(t, 10) ? 1 + rn(t, EVOBJ_MAX_WAIT) : 1 + rn(t, 6);
	uint64_t limit = 0;
	long ret;

	for (uint32_t i = 0; i < count; i++)
		fds[i] = pick_event(t);
	if (pct(t, 20))
		w.alert = pick_event(t);
	if (pct(t, 15))
		w.signal = pick_event(t);
	switch (rn(t, 4)) {
	case 0:
		w.timeout = 0;
		break;
	case 1:
		limit = rn(t, 3000) * 1000;
		w.timeout = mono() + limit;
		break;
	case 2:
		limit = (1 + rn(t, 20)) * NSEC_PER_MSEC;
		w.timeout = mono() + limit;
		break;
	default:
		w.timeout = EVOBJ_TIMEOUT_INFINITE;
		limit = alarm_short(t);
		al = true;
		break;
	}
	w.fds = (uintptr_t)fds;
	w.count = count;
	w.owner = pct(t, 90) ? OWNER(t) : 0;
	begin(t, all ? "WAIT_ALL(live)" : "WAIT_ANY(live)", g_dev, count,
	      (long)w.timeout, limit);
	ret = end(t, ioctl(g_dev, all ? EVOBJ_IOC_WAIT_ALL : EVOBJ_IOC_WAIT_ANY, &w),
		  &A_WAIT);
	if (al)
		alarm_off(t);
	check_expiry(t, ret, w.timeout, CLOCK_MONOTONIC);
	if (ret)
		return;
	atomic_fetch_add(&g_waits_ok, 1);
	if (w.index > count || (w.index == count && w.alert < 0) ||
	    (all && w.index && w.index != count))
		violation(t, "%s returned index %u of %u (alert %d)", t->what,
			  w.index, count, w.alert);
}

/*
 * Set, reset, pulse or write(1) a live pool event, or release units of
 * a pool semaphore (RELEASE, write(n)), to complete waits.
 */
static void op_poke(struct thr *t)
{
	static const uint64_t one = 1;
	int fd = pick_event(t), c = rn(t, 8);
	uint32_t prev = POISON32;
	long ret;

	if (c == 6) {
		struct evobj_mutex_unlock u = { .owner = OWNER(t), .count = POISON32 };

		begin(t, "UNLOCK(live)", fd, u.owner, 0, 0);
		ret = end(t, ioctl(fd, EVOBJ_IOC_UNLOCK, &u), &A_MUTEX);
		if (ret == 0 && (u.count == 0 || u.count == POISON32))
			violation(t, "UNLOCK succeeded with previous count %u", u.count);
		return;
	}
	if (c == 7) {
		uint32_t owner = pct(t, 80) ? OWNER(t) : (uint32_t)rnd(t);

		begin(t, "KILL(live)", fd, owner, 0, 0);
		end(t, ioctl(fd, EVOBJ_IOC_KILL, &owner), &A_MUTEX);
		return;
	}

	if (c == 3) {
		begin(t, "write(live)", fd, 1, 8, 0);
		end(t, write(fd, &one, sizeof(one)), &A_WRITE);
		return;
	}
	if (c == 4) {
		uint64_t n = 1 + rn(t, 4);

		begin(t, "write(live, n)", fd, (long)n, 8, 0);
		end(t, write(fd, &n, sizeof(n)), &A_WRITE);
		return;
	}
	if (c == 5) {
		uint32_t n = 1 + rn(t, 4);

		prev = n;
		begin(t, "RELEASE(live)", fd, n, 0, 0);
		ret = end(t, ioctl(fd, EVOBJ_IOC_RELEASE, &prev), &A_RELEASE);
		/* /dev/ntsync's may have any max up to U32_MAX */
		if (ret == 0 && prev > UINT32_MAX - n)
			violation(t, "RELEASE(%u) succeeded with previous count %u",
				  n, prev);
		return;
	}
	begin(t, change_name[c], fd, 0, 0, 0);
	ret = end(t, ioctl(fd, change_cmd[c], pct(t, 50) ? &prev : NULL), &A_CHANGE);
	if (ret == 0 && prev != POISON32 && prev > 1)
		violation(t, "%s returned previous state %#x", t->what, prev);
}

/*
 * Malformed calls on the persistent fds, one malformation each, whose
 * errno the contract fixes exactly.
 */
static void op_strict(struct thr *t)
{
	int32_t *fds = (int32_t *)(t->rw + 4 * 256);
	struct evobj_wait w = {
		.fds = (uintptr_t)fds, .count = 1, .alert = -1, .signal = -1,
	};
	int want = EINVAL, c = rn(t, 13);
	bool all = pct(t, 50);
	uint64_t deadline = 0;
	clockid_t clk = CLOCK_MONOTONIC;
	long ret;

	fds[0] = g_never;
	fds[1] = g_always;
	switch (c) {
	case 0:	/* not an event */
		fds[0] = pct(t, 50) ? g_efd : g_pipe[rn(t, 2)];
		break;
	case 1:
		fds[0] = g_dev;
		break;
	case 2:	/* not open */
		fds[0] = pct(t, 50) ? g_closed : (pct(t, 50) ? -1 : INT_MAX);
		want = EBADF;
		break;
	case 3:
		w.alert = pct(t, 50) ? g_efd : g_dev;
		break;
	case 4:
		w.alert = g_closed;
		want = EBADF;
		break;
	case 5:
		w.signal = pct(t, 50) ? g_pipe[0] : g_dev;
		break;
	case 6:	/* wait-all naming one object twice */
		fds[1] = g_never;
		w.count = 2;
		all = true;
		break;
	case 7:	/* the fd list faults */
		w.fds = pct(t, 50) ? 8 : (uintptr_t)(t->rw + 2 * PAGE - 4);
		w.count = pct(t, 50) ? 2 : 1;
		if (w.count == 1)
			w.fds = (uintptr_t)g_none;
		want = EFAULT;
		break;
	case 8:	/* a test: timeout already passed */
	case 9:
		w.timeout = rn(t, 3) ? 0 : mono() - NSEC_PER_MSEC;
		if (c == 9) {
			clk = CLOCK_REALTIME;
			w.flags = EVOBJ_WAIT_REALTIME;
			w.timeout = now_ns(clk) - rn(t, 1000) * NSEC_PER_MSEC;
		}
		want = ETIMEDOUT;
		break;
	case 10: /* a short real wait that must last until its deadline */
		clk = pct(t, 50) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
		w.flags = clk == CLOCK_REALTIME ? EVOBJ_WAIT_REALTIME : 0;
		w.timeout = now_ns(clk) + (1 + rn(t, 5)) * NSEC_PER_MSEC;
		deadline = w.timeout;
		want = ETIMEDOUT;
		break;
	case 11: /* wait-all needing the never event: times out */
		w.count = 2;
		w.timeout = 0;
		want = ETIMEDOUT;
		all = true;
		break;
	default: /* wait-any on the always event: succeeds, index 1 */
		w.count = 2;
		w.timeout = pct(t, 50) ? 0 : EVOBJ_TIMEOUT_INFINITE;
		all = false;
		want = 0;
		break;
	}
	w.index = POISON32;
	begin(t, all ? "WAIT_ALL(strict)" : "WAIT_ANY(strict)", g_dev, c,
	      (long)w.timeout, deadline ? deadline - now_ns(clk) : 0);
	ret = end(t, ioctl(g_dev, all ? EVOBJ_IOC_WAIT_ALL : EVOBJ_IOC_WAIT_ANY,
			   &w), NULL);
	if (ret < 0 && errno == EINTR && want == ETIMEDOUT)
		return;		/* a signal came first */
	if (ret < 0 && errno == ENOSPC && c == 10 && g_max_waiters >= 0)
		return;		/* others fill the never event's queue */
	expect(t, ret, want, "well-known malformed wait");
	if (want == ETIMEDOUT)
		check_expiry(t, ret, w.timeout, clk);
	if (ret == 0 && w.index != 1)
		violation(t, "wait-any on (never, always) returned index %u", w.index);
}

/*
 * Named events (EVOBJ_IOC_OPEN) over a pool of eight names, so that
 * opens meet creates and last closes of the same name from every thread;
 * now and then an empty, over-long or unreadable name, or bad arguments.
 */
#define NAMED_POOL	8

static void op_named(struct thr *t)
{
	char *name = t->rw + 4 * 256;	/* after arg_at()'s slot 0 */
	struct evobj_open o = {
		.type = rn(t, 4), .flags = rn(t, 8), .disposition = rn(t, 3),
		.mode = 0600 | rn(t, 0200), .result = POISON32,
	};
	enum ptr_kind k = pick_ptr(t, 10);
	int fd = pct(t, 95) ? g_dev : pick_fd(t);
	int want = 0, choice = rn(t, 100);
	struct evobj_open *arg;
	bool attr_ok, pad2_ok;
	long ret;

	/*
	 * A mutex: the VER2 fields, unowned or this thread's (so that its
	 * state is known if this call creates it), EVOBJ_SIGNALED now and
	 * then (EINVAL, as CREATE_MUTEX's unknown flag).
	 */
	if (o.type == EVOBJ_MUTEX) {
		if (!pct(t, 5))
			o.flags &= ~EVOBJ_SIGNALED;
		if (pct(t, 50)) {
			o.owner = OWNER(t);
			o.count = 1 + rn(t, 2);
		}
		if (pct(t, 4)) {
			switch (rn(t, 3)) {
			case 0:
				o.owner = 0;
				o.count = 1 + rn(t, 3);
				break;
			case 1:
				o.owner = OWNER(t);
				o.count = 0;
				break;
			default:
				o.max = 1 + rn(t, 3);
				break;
			}
		}
	} else if (pct(t, 3) && o.disposition != EVOBJ_OPEN_EXISTING) {
		o.owner = 1 + rn(t, 1000);	/* the other kinds pass 0 */
	}
	/*
	 * A semaphore: the VER1 fields, and now and then EVOBJ_SIGNALED,
	 * which the contract makes EINVAL with it.
	 */
	if (o.type == EVOBJ_SEMAPHORE) {
		if (!pct(t, 5))
			o.flags &= ~EVOBJ_SIGNALED;
		o.max = pct(t, 10) ? EVOBJ_SEMAPHORE_MAX : 1 + rn(t, 8);
		o.count = rn(t, o.max > 8 ? 9 : o.max + 1);
	}
	if (o.type != EVOBJ_MUTEX && pct(t, 4)) {
		switch (rn(t, 3)) {
		case 0:
			o.max = pct(t, 50) ? 0 : EVOBJ_SEMAPHORE_MAX + 1 + rn(t, 9);
			break;
		case 1:
			o.count = o.max + 1 + rn(t, 9);
			break;
		default:
			o.count = rn(t, 3);
			o.max = o.count + rn(t, 3);
			break;
		}
	}
	o.name = (uintptr_t)name;
	if (choice < 3) {
		name[0] = '\0';			/* EINVAL */
	} else if (choice < 6) {
		memset(name, 'n', EVOBJ_NAME_MAX + 1);	/* no NUL in 256 */
		name[EVOBJ_NAME_MAX + 1] = '\0';
	} else if (choice < 9) {
		o.name = (uintptr_t)arg_at(t, 1 + rn(t, P_RO - 1), "x", 2, 1);
	} else {
		snprintf(name, 64, "fuzz/%u", rn(t, NAMED_POOL));
	}
	if (pct(t, 5))
		o.type = EVOBJ_MUTEX + 1 + rn(t, 100);
	if (pct(t, 5))
		o.flags |= 8U << rn(t, 29);
	if (pct(t, 3))
		o.disposition = 3 + rn(t, 100);
	if (pct(t, 3))
		o.mode |= 01000U << rn(t, 20);
	if (pct(t, 3))
		o.pad = 1 + rn(t, 100);
	/*
	 * pad2 only with a good name and argument: where its check comes
	 * among the name's is not the contract's.
	 */
	pad2_ok = !(choice >= 9 && k == P_VALID && pct(t, 3));
	if (!pad2_ok)
		o.pad2 = 1U << rn(t, 32);
	/*
	 * An open that never creates ignores a semaphore's and a mutex's
	 * counts; one that may create checks them, name or not.
	 */
	if (o.type == EVOBJ_SEMAPHORE)
		attr_ok = !(o.flags & EVOBJ_SIGNALED) && !o.owner &&
			  (o.disposition == EVOBJ_OPEN_EXISTING ||
			   (o.max && o.max <= EVOBJ_SEMAPHORE_MAX && o.count <= o.max));
	else if (o.type == EVOBJ_MUTEX)
		attr_ok = !(o.flags & EVOBJ_SIGNALED) &&
			  (o.disposition == EVOBJ_OPEN_EXISTING ||
			   (!o.max && !o.owner == !o.count));
	else
		attr_ok = !o.count && !o.max && !o.owner;
	attr_ok &= pad2_ok;

	/* The order the handler checks in; 0 is "success or a name's errno". */
	if (o.flags > 7 || o.pad || o.mode > 0777)
		want = EINVAL;
	else if (choice >= 6 && choice < 9)
		want = EFAULT;
	else if (choice >= 3 && choice < 6)
		want = ENAMETOOLONG;
	else if (k == P_RO)
		want = EFAULT;	/* result is probed before the name is looked up */
	else if (choice < 3 || o.type > EVOBJ_MUTEX || !attr_ok ||
		 o.disposition > EVOBJ_CREATE_NEW)
		want = EINVAL;
	if (ptr_faults(k))
		want = EFAULT;
	arg = arg_at(t, k, &o, sizeof(o), 0);
	begin(t, "OPEN", fd, o.type, o.disposition, 0);
	ret = end(t, ioctl(fd, EVOBJ_IOC_OPEN, arg), &A_NAMED);
	if (fd == g_dev && want && ret >= 0)
		violation(t, "OPEN succeeded, expected %s (flags %#x pad %u mode %#o, name %.8s%s)",
			  ename(want), o.flags, o.pad, o.mode,
			  choice < 9 ? "(bad)" : name, choice < 3 ? " empty" : "");
	else if (fd == g_dev && want)
		expect(t, ret, want, "OPEN on /dev/evobj");
	if (fd == g_dev && ret >= 0 && k == P_VALID) {
		if (arg->result != EVOBJ_OPEN_CREATED && arg->result != 0)
			violation(t, "OPEN wrote result %#x", arg->result);
		else if (o.disposition == EVOBJ_OPEN_EXISTING && arg->result)
			violation(t, "OPEN of an existing name says it created it");
		else if (o.disposition == EVOBJ_CREATE_NEW && !arg->result)
			violation(t, "create-only OPEN did not create");
	}
	if (fd == g_dev && ret >= 0) {
		/* The kind asked for, always; a created one's exact state. */
		struct evobj_state st = { POISON32, POISON32 };
		struct evobj_semaphore_state ss = { POISON32, POISON32 };
		bool created = k == P_VALID && arg->result == EVOBJ_OPEN_CREATED;

		if (ioctl(ret, EVOBJ_IOC_READ, &st))
			violation(t, "READ of a newly opened fd failed: %s",
				  ename(errno));
		else if ((st.type <= EVOBJ_SYNCHRONIZATION ? 0 : st.type) !=
			 (o.type <= EVOBJ_SYNCHRONIZATION ? 0 : o.type))
			violation(t, "OPEN of type %u gave an object of type %u, not EMEDIUMTYPE",
				  o.type, st.type);
		else if (created && st.type != o.type)
			violation(t, "OPEN created type %u, asked for %u", st.type,
				  o.type);
		else if (created && o.type == EVOBJ_SEMAPHORE &&
			 (ioctl(ret, EVOBJ_IOC_READ_SEMAPHORE, &ss) ||
			  ss.max != o.max || ss.count > o.max))
			violation(t, "OPEN created a semaphore of max %u, reads count %u max %u",
				  o.max, ss.count, ss.max);
		else if (created && o.type == EVOBJ_MUTEX && o.owner == OWNER(t)) {
			struct evobj_mutex_state ms = { POISON32, POISON32,
							POISON32, POISON32 };

			/* Nobody else may change what this owner holds. */
			if (ioctl(ret, EVOBJ_IOC_READ_MUTEX, &ms) ||
			    ms.owner != o.owner || ms.count != o.count || ms.flags)
				violation(t, "OPEN created a mutex of owner %#x count %u, reads owner %#x count %u flags %#x",
					  o.owner, o.count, ms.owner, ms.count,
					  ms.flags);
		}
	}
	if (ret >= 0)
		slot_store(t, ret, true);
}

/* ---- /dev/ntsync and the ntsync ioctls of every object fd ---- */

static bool transient(int e);

/* An ntsync call: counted as one, then as any call. */
static long nt_end(struct thr *t, long ret, const struct allow *a)
{
	atomic_fetch_add(&g_nt_calls, 1);
	return end(t, ret, a);
}

/* Whether a create's failure is the machine's, not the contract's. */
static bool create_soft_fail(long ret)
{
	return ret < 0 && (errno == ENOMEM || errno == EMFILE ||
			   errno == ENFILE || (opt_unload && transient(errno)));
}

/*
 * The owners a thread's private mutexes see: three of its own, 0 and
 * one that nothing holds.
 */
#define PRIV_OWNER(t, j)	(0x2000U + (t)->id * 4 + (j))

static uint32_t priv_owner(struct thr *t, const struct pobj *o)
{
	uint32_t r = rn(t, 20);

	if (o && o->kind == K_MTX && o->owner && r < 8)
		return o->owner;
	if (r < 17)
		return PRIV_OWNER(t, r % 3);
	return r < 19 ? 0 : NEVER_OWNER;
}

static const char *pobj_name(const struct pobj *o)
{
	static const char *const names[2][3] = {
		{ "evobj semaphore", "evobj mutex", "evobj event" },
		{ "ntsync semaphore", "ntsync mutex", "ntsync event" },
	};

	return names[o->nt][o->kind];
}

/* Whether a wait of @owner could take @o now. */
static bool pobj_ready(const struct pobj *o, uint32_t owner)
{
	switch (o->kind) {
	case K_SEM:
		return o->count;
	case K_MTX:
		return !o->owner || (o->owner == owner && o->held < UINT32_MAX);
	default:
		return o->signaled;
	}
}

/* A wait of @owner takes @o; true if it was an abandoned mutex. */
static bool pobj_take(struct pobj *o, uint32_t owner)
{
	bool dead = false;

	switch (o->kind) {
	case K_SEM:
		o->count--;
		break;
	case K_MTX:
		dead = o->abandoned;
		o->abandoned = false;
		o->owner = owner;
		o->held++;
		break;
	default:
		if (!o->manual)
			o->signaled = false;
		break;
	}
	return dead;
}

static uint32_t pobj_type(const struct pobj *o)
{
	if (o->kind == K_SEM)
		return EVOBJ_SEMAPHORE;
	if (o->kind == K_MTX)
		return EVOBJ_MUTEX;
	return o->manual ? EVOBJ_NOTIFICATION : EVOBJ_SYNCHRONIZATION;
}

static uint32_t pobj_signaled(const struct pobj *o)
{
	if (o->kind == K_SEM)
		return o->count != 0;
	if (o->kind == K_MTX)
		return !o->owner;
	return o->signaled;
}

static void pobj_str(const struct pobj *o, char *buf, size_t len)
{
	if (o->kind == K_SEM)
		snprintf(buf, len, "count %u max %u", o->count, o->max);
	else if (o->kind == K_MTX)
		snprintf(buf, len, "owner %#x count %u%s", o->owner, o->held,
			 o->abandoned ? " abandoned" : "");
	else
		snprintf(buf, len, "%s, %s", o->manual ? "manual" : "auto",
			 o->signaled ? "signaled" : "not signaled");
}

/* What every reader says of @o, after a violation. */
static void priv_dump(const struct pobj *o)
{
	static const unsigned long cmds[] = {
		EVOBJ_IOC_READ, EVOBJ_NT_IOC_SEM_READ, EVOBJ_IOC_READ_SEMAPHORE,
		EVOBJ_NT_IOC_MUTEX_READ, EVOBJ_IOC_READ_MUTEX,
		EVOBJ_NT_IOC_EVENT_READ,
	};
	char path[64], buf[512];
	ssize_t len;
	int f;

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		uint32_t b[4] = { POISON32, POISON32, POISON32, POISON32 };
		long ret = ioctl(o->fd, cmds[i], b);

		fprintf(stderr, "fuzz:   ioctl %#lx: %ld (%s) %#x %#x %#x %#x\n",
			cmds[i], ret, ename(ret < 0 ? errno : 0), b[0], b[1],
			b[2], b[3]);
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", o->fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	len = f >= 0 ? read(f, buf, sizeof(buf) - 1) : -1;
	if (len > 0) {
		buf[len] = 0;
		fprintf(stderr, "fuzz:   fdinfo:\n%s", buf);
	}
	if (f >= 0)
		close(f);
}

/*
 * Reads @o back through one of its three readers (EVOBJ_IOC_READ, the
 * ntsync read of its kind, the evobj read of its kind) and checks the
 * model: what it must say after @after.
 */
static void priv_check(struct thr *t, struct pobj *o, const char *after)
{
	uint32_t *b = (uint32_t *)(t->rw + 12 * 256), exp[4];
	unsigned long cmd = EVOBJ_IOC_READ;
	const char *what = "READ";
	int n = 2, want = 0, e;
	char model[80];
	long ret;

	exp[0] = pobj_type(o);
	exp[1] = pobj_signaled(o);
	switch (rn(t, 3)) {
	case 0:
		break;
	case 1:
		if (o->kind == K_SEM) {
			cmd = EVOBJ_NT_IOC_SEM_READ;
			what = "NT_SEM_READ";
			exp[0] = o->count;
			exp[1] = o->max;
		} else if (o->kind == K_MTX) {
			cmd = EVOBJ_NT_IOC_MUTEX_READ;
			what = "NT_MUTEX_READ";
			exp[0] = o->owner;
			exp[1] = o->held;
			want = o->abandoned ? EOWNERDEAD : 0;
		} else {
			cmd = EVOBJ_NT_IOC_EVENT_READ;
			what = "NT_EVENT_READ";
			exp[0] = o->manual;
			exp[1] = o->signaled;
		}
		break;
	default:
		if (o->kind == K_SEM) {
			cmd = EVOBJ_IOC_READ_SEMAPHORE;
			what = "READ_SEMAPHORE";
			exp[0] = o->count;
			exp[1] = o->max;
		} else if (o->kind == K_MTX) {
			cmd = EVOBJ_IOC_READ_MUTEX;
			what = "READ_MUTEX";
			exp[0] = o->owner;
			exp[1] = o->held;
			exp[2] = o->abandoned ? EVOBJ_MUTEX_ABANDONED : 0;
			exp[3] = 0;
			n = 4;
		}
		break;
	}
	for (int i = 0; i < 4; i++)
		b[i] = POISON32;
	begin(t, what, o->fd, 0, 0, 0);
	ret = nt_end(t, ioctl(o->fd, cmd, b), NULL);
	e = ret < 0 ? errno : 0;
	atomic_fetch_add(&g_nt_checks, 1);
	pobj_str(o, model, sizeof(model));
	if (e != want) {
		violation(t, "after %s, %s of a private %s (%s) returned %ld (%s), expected %s",
			  after, what, pobj_name(o), model, ret, ename(e),
			  ename(want));
		return;
	}
	for (int i = 0; i < n; i++) {
		if (b[i] == exp[i])
			continue;
		violation(t, "after %s, %s of a private %s reads %#x %#x %#x %#x, the model (%s) says word %d is %#x",
			  after, what, pobj_name(o), b[0], b[1], b[2], b[3],
			  model, i, exp[i]);
		priv_dump(o);
		return;
	}
}

/*
 * A new object of @m's kind (or any kind, if @any), through /dev/ntsync
 * or /dev/evobj, in a random state that @m then models. Returns its fd,
 * or -1 if the machine refused (ENOMEM, EMFILE).
 */
static int priv_make(struct thr *t, struct pobj *m, bool any)
{
	static const uint32_t nt_max[] = { 0, 1, 2, 5, UINT32_MAX };
	static const uint32_t ev_max[] = { 1, 2, 5, EVOBJ_SEMAPHORE_MAX };
	enum pkind kind = any ? (enum pkind)rn(t, 3) : m->kind;
	bool nt = any ? g_nt >= 0 && pct(t, 60) : m->nt;
	uint32_t r;
	long ret;

	*m = (struct pobj){ .kind = kind, .nt = nt, .fd = -1 };
	switch (kind) {
	case K_SEM:
		m->max = nt ? nt_max[rn(t, 5)] : ev_max[rn(t, 4)];
		r = rn(t, 6);
		m->count = r < 3 ? rn(t, m->max < 3 ? m->max + 1 : 3) :
			   r < 5 ? m->max - rn(t, m->max < 2 ? m->max + 1 : 2) : 0;
		if (nt) {
			struct evobj_nt_sem a = { m->count, m->max };

			begin(t, "NT_CREATE_SEM", g_nt, a.count, a.max, 0);
			ret = nt_end(t, ioctl(g_nt, EVOBJ_NT_IOC_CREATE_SEM, &a),
				     &A_CREATE);
		} else {
			struct evobj_semaphore c = {
				.count = m->count, .max = m->max,
				.flags = rn(t, 2) * EVOBJ_NONBLOCK,
			};

			begin(t, "CREATE_SEMAPHORE(priv)", g_dev, c.count, c.max, 0);
			ret = end(t, ioctl(g_dev, EVOBJ_IOC_CREATE_SEMAPHORE, &c),
				  &A_CREATE);
		}
		break;
	case K_MTX:
		r = rn(t, 8);
		if (r >= 3) {
			m->owner = PRIV_OWNER(t, rn(t, 3));
			m->held = r == 7 ? UINT32_MAX - rn(t, 2) : 1 + rn(t, 3);
		}
		if (nt) {
			struct evobj_nt_mutex a = { m->owner, m->held };

			begin(t, "NT_CREATE_MUTEX", g_nt, a.owner, a.count, 0);
			ret = nt_end(t, ioctl(g_nt, EVOBJ_NT_IOC_CREATE_MUTEX, &a),
				     &A_CREATE);
		} else {
			struct evobj_mutex c = { .owner = m->owner, .count = m->held };

			begin(t, "CREATE_MUTEX(priv)", g_dev, c.owner, c.count, 0);
			ret = end(t, ioctl(g_dev, EVOBJ_IOC_CREATE_MUTEX, &c),
				  &A_CREATE);
		}
		break;
	default:
		m->manual = pct(t, 50);
		m->signaled = pct(t, 50);
		if (nt) {
			/* Any nonzero value means yes. */
			struct evobj_nt_event a = {
				m->manual ? 1U << rn(t, 32) : 0,
				m->signaled ? 1U << rn(t, 32) : 0,
			};

			begin(t, "NT_CREATE_EVENT", g_nt, a.manual, a.signaled, 0);
			ret = nt_end(t, ioctl(g_nt, EVOBJ_NT_IOC_CREATE_EVENT, &a),
				     &A_CREATE);
		} else {
			struct evobj_create c = {
				m->manual ? EVOBJ_NOTIFICATION : EVOBJ_SYNCHRONIZATION,
				m->signaled ? EVOBJ_SIGNALED : 0,
			};

			begin(t, "CREATE(priv)", g_dev, c.type, c.flags, 0);
			ret = end(t, ioctl(g_dev, EVOBJ_IOC_CREATE, &c), &A_CREATE);
		}
		break;
	}
	if (!create_soft_fail(ret))
		expect(t, ret, 0, "a valid create of a private object");
	return ret < 0 ? -1 : (int)ret;
}

/*
 * Another private object in place of one: made at set-up in a random
 * state (no other thread ran then, so nothing else ever held it), kept
 * aside untouched since, so its model is still exact.
 */
static void op_nt_priv_swap(struct thr *t)
{
	struct pobj *o = &t->priv[rn(t, NPRIV)], *s = &t->spare[rn(t, NSPARE)];
	struct pobj m = *o;

	*o = *s;
	*s = m;
	priv_check(t, o, "its time aside");
}

enum {
	C_NT_RELEASE, C_NT_SEM_READ, C_NT_UNLOCK, C_NT_KILL, C_NT_MTX_READ,
	C_NT_SET, C_NT_RESET, C_NT_PULSE, C_NT_EV_READ,
	C_SET, C_RESET, C_PULSE, C_READ, C_RELEASE, C_READ_SEM, C_UNLOCK,
	C_KILL, C_READ_MTX, C_NCMD
};

static const struct {
	unsigned long cmd;
	const char *name;
} pcmd[C_NCMD] = {
	[C_NT_RELEASE] = { EVOBJ_NT_IOC_SEM_RELEASE, "NT_SEM_RELEASE" },
	[C_NT_SEM_READ] = { EVOBJ_NT_IOC_SEM_READ, "NT_SEM_READ" },
	[C_NT_UNLOCK] = { EVOBJ_NT_IOC_MUTEX_UNLOCK, "NT_MUTEX_UNLOCK" },
	[C_NT_KILL] = { EVOBJ_NT_IOC_MUTEX_KILL, "NT_MUTEX_KILL" },
	[C_NT_MTX_READ] = { EVOBJ_NT_IOC_MUTEX_READ, "NT_MUTEX_READ" },
	[C_NT_SET] = { EVOBJ_NT_IOC_EVENT_SET, "NT_EVENT_SET" },
	[C_NT_RESET] = { EVOBJ_NT_IOC_EVENT_RESET, "NT_EVENT_RESET" },
	[C_NT_PULSE] = { EVOBJ_NT_IOC_EVENT_PULSE, "NT_EVENT_PULSE" },
	[C_NT_EV_READ] = { EVOBJ_NT_IOC_EVENT_READ, "NT_EVENT_READ" },
	[C_SET] = { EVOBJ_IOC_SET, "SET" },
	[C_RESET] = { EVOBJ_IOC_RESET, "RESET" },
	[C_PULSE] = { EVOBJ_IOC_PULSE, "PULSE" },
	[C_READ] = { EVOBJ_IOC_READ, "READ" },
	[C_RELEASE] = { EVOBJ_IOC_RELEASE, "RELEASE" },
	[C_READ_SEM] = { EVOBJ_IOC_READ_SEMAPHORE, "READ_SEMAPHORE" },
	[C_UNLOCK] = { EVOBJ_IOC_UNLOCK, "UNLOCK" },
	[C_KILL] = { EVOBJ_IOC_KILL, "KILL" },
	[C_READ_MTX] = { EVOBJ_IOC_READ_MUTEX, "READ_MUTEX" },
};

/* The calls of each kind, ntsync's and evobj's. */
static const int kind_cmds[3][9] = {
	[K_SEM] = { C_NT_RELEASE, C_NT_RELEASE, C_NT_SEM_READ, C_RELEASE,
		    C_RELEASE, C_READ_SEM, C_READ, C_NT_RELEASE, C_RELEASE },
	[K_MTX] = { C_NT_UNLOCK, C_NT_UNLOCK, C_NT_KILL, C_NT_MTX_READ,
		    C_UNLOCK, C_UNLOCK, C_KILL, C_READ_MTX, C_READ },
	[K_EV] = { C_NT_SET, C_NT_RESET, C_NT_PULSE, C_NT_EV_READ, C_SET,
		   C_RESET, C_PULSE, C_READ, C_NT_SET },
};

/* A units count for a release of @o: 0, fits, fits exactly, one too many... */
static uint32_t priv_units(struct thr *t, const struct pobj *o)
{
	uint32_t room = o->kind == K_SEM ? o->max - o->count : 3;

	switch (rn(t, 8)) {
	case 0:
		return 0;
	case 1:
		return room;
	case 2:
		return room + 1;	/* U32_MAX's room + 1: 0 */
	case 3:
		return UINT32_MAX - rn(t, 2);
	default:
		return 1 + rn(t, 2);
	}
}

/*
 * An ntsync or evobj ioctl on a private object, its own kind's or
 * another's, with a valid pointer or not: exactly the errno the order
 * of the kernel's checks gives (ntsync.c, device.c), exactly the output
 * the model predicts, and the state read back after it.
 */
static void op_nt_obj(struct thr *t)
{
	struct pobj *o = &t->priv[rn(t, NPRIV)], m = *o;
	enum ptr_kind k = pick_ptr(t, 12);
	bool rd = k == P_VALID || k == P_RO, wr = k == P_VALID;
	bool sem = o->kind == K_SEM, mtx = o->kind == K_MTX, ev = o->kind == K_EV;
	int c = pct(t, 75) ? kind_cmds[o->kind][rn(t, 9)] : (int)rn(t, C_NCMD);
	uint32_t in[4] = { POISON32, POISON32, POISON32, POISON32 };
	uint32_t exp[4] = { 0 }, *p, v;
	int want = 0, nout = 0, e;
	char after[160], model[80];
	size_t len = 8;
	long ret;

	switch (c) {
	case C_NT_RELEASE:
	case C_RELEASE:
		v = priv_units(t, o);
		in[0] = v;
		len = 4;
		exp[0] = o->count;
		nout = 1;
		if (c == C_NT_RELEASE)
			want = !rd ? EFAULT : !sem ? EINVAL : !wr ? EFAULT :
			       v > o->max - o->count ? EOVERFLOW : 0;
		else
			want = !sem ? EINVAL : !wr ? EFAULT : !v ? EINVAL :
			       v > o->max - o->count ? EOVERFLOW : 0;
		if (!want)
			m.count += v;
		break;
	case C_NT_SEM_READ:
	case C_READ_SEM:
		want = !sem ? EINVAL : !wr ? EFAULT : 0;
		exp[0] = o->count;
		exp[1] = o->max;
		nout = 2;
		break;
	case C_NT_UNLOCK:
	case C_UNLOCK:
		v = priv_owner(t, o);
		in[0] = v;
		exp[0] = v;
		exp[1] = o->held;
		nout = 2;
		if (c == C_NT_UNLOCK)
			want = !rd ? EFAULT : !v || !mtx ? EINVAL : !wr ? EFAULT :
			       v != o->owner ? EPERM : 0;
		else
			want = !mtx ? EINVAL : !wr ? EFAULT : !v ? EINVAL :
			       v != o->owner ? EPERM : 0;
		if (!want && !--m.held)
			m.owner = 0;
		break;
	case C_NT_KILL:
	case C_KILL:
		v = priv_owner(t, o);
		in[0] = v;
		len = 4;
		if (c == C_NT_KILL)
			want = !rd ? EFAULT : !v || !mtx ? EINVAL :
			       v != o->owner ? EPERM : 0;
		else
			want = !mtx ? EINVAL : !rd ? EFAULT : !v ? EINVAL :
			       v != o->owner ? EPERM : 0;
		if (!want) {
			m.owner = 0;
			m.held = 0;
			m.abandoned = true;
		}
		break;
	case C_NT_MTX_READ:
	case C_READ_MTX:
		want = !mtx ? EINVAL : !wr ? EFAULT : 0;
		if (!want && c == C_NT_MTX_READ && o->abandoned)
			want = EOWNERDEAD;	/* the state written all the same */
		exp[0] = o->owner;
		exp[1] = o->held;
		exp[2] = o->abandoned ? EVOBJ_MUTEX_ABANDONED : 0;
		nout = c == C_READ_MTX ? 4 : 2;
		len = nout * 4;
		break;
	case C_NT_SET:
	case C_NT_RESET:
	case C_NT_PULSE:
	case C_SET:
	case C_RESET:
	case C_PULSE:
		len = 4;
		exp[0] = o->signaled;
		nout = 1;
		/* evobj's take NULL: no previous state wanted */
		if (!ev)
			want = EINVAL;
		else if (c >= C_SET && k == P_NULL)
			nout = 0;
		else if (!wr)
			want = EFAULT;
		if (!want)
			m.signaled = c == C_NT_SET || c == C_SET;
		break;
	case C_NT_EV_READ:
		want = !ev ? EINVAL : !wr ? EFAULT : 0;
		exp[0] = o->manual;
		exp[1] = o->signaled;
		nout = 2;
		break;
	default:	/* C_READ, any kind */
		want = !wr ? EFAULT : 0;
		exp[0] = pobj_type(o);
		exp[1] = pobj_signaled(o);
		nout = 2;
		break;
	}
	p = arg_at(t, k, in, len, 13);
	begin(t, pcmd[c].name, o->fd, in[0], k, 0);
	ret = (c <= C_NT_EV_READ ? nt_end : end)(t, ioctl(o->fd, pcmd[c].cmd, p),
						   NULL);
	e = ret < 0 ? errno : 0;
	pobj_str(o, model, sizeof(model));
	snprintf(after, sizeof(after), "%s(%#x, pointer kind %d) on it (%s before)",
		 pcmd[c].name, in[0], k, model);
	if (e != want) {
		violation(t, "%s of a private %s (%s, pointer kind %d, arg %#x) returned %ld (%s), expected %s",
			  pcmd[c].name, pobj_name(o), model, k, in[0], ret,
			  ename(e), ename(want));
		return;
	}
	for (int i = 0; (!want || want == EOWNERDEAD) && i < nout; i++)
		if (p[i] != exp[i])
			violation(t, "%s of a private %s (%s, arg %#x) wrote %#x at word %d, the model says %#x",
				  pcmd[c].name, pobj_name(o), model, in[0], p[i],
				  i, exp[i]);
	*o = m;
	priv_check(t, o, after);
}

/* Fds that are no object: ntsync's waits say EINVAL for each. */
static int32_t nt_foreign_fd(struct thr *t)
{
	const int32_t fds[] = { g_closed, -1, g_efd, g_dev, g_nt, g_pipe[0],
				0, INT_MAX };

	return fds[rn(t, ARRAY_SIZE(fds))];
}

/* The same as an alert, where 0 means none. */
static uint32_t nt_foreign_alert(struct thr *t)
{
	int32_t fd = nt_foreign_fd(t);

	return fd ? (uint32_t)fd : 1;
}

/*
 * A wait on private objects, through /dev/ntsync (or /dev/evobj's):
 * any or all, with or without an alert (evobj's: a signal too), for one
 * of the thread's owners (or 0), a test or a short timeout, now and
 * then one malformation.
 * What it returns, its index and what it takes all follow from the
 * model; every object is read back after.
 */
static void op_nt_pwait(struct thr *t)
{
	bool nt = g_nt >= 0 && pct(t, 75), all = pct(t, 40), rt = pct(t, 20);
	int32_t *fds = (int32_t *)(t->rw + 16 * 256);
	clockid_t clk = rt ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	uint32_t count = nt ? rn(t, 7) : 1 + rn(t, 6), owner, index = 0, i, j;
	int idx[8], al = -1, sig = -1, want = 0, bad = -1, e;
	bool dup = false, al_among = false, names_mtx = false, dead = false;
	bool blocking = false, alarmed = false;
	struct pobj m[NPRIV];
	uint64_t now = now_ns(clk), timeout, limit = 0;
	void *uw;
	uint32_t *uindex;
	long ret;

	for (i = 0; i < count; i++)
		idx[i] = rn(t, NPRIV);
	if (pct(t, 30))
		al = rn(t, NPRIV);
	owner = priv_owner(t, count ? &t->priv[idx[0]] : NULL);
	if (nt && pct(t, 15))
		bad = rn(t, 9);
	if (bad == 7) {
		/* owner 0 with a mutex named */
		for (j = 0; j < NPRIV && t->priv[j].kind != K_MTX; j++)
			;
		if (j == NPRIV) {
			bad = -1;
		} else {
			if (count)
				idx[rn(t, count)] = j;
			else
				al = j;
			owner = 0;
		}
	}
	if (bad == 8) {
		/* a wait-all naming one object twice */
		all = true;
		if (!count)
			idx[0] = rn(t, NPRIV);
		if (count < 2)
			count = 2;
		idx[1] = idx[0];
	}
	for (i = 0; i < count; i++) {
		fds[i] = t->priv[idx[i]].fd;
		for (j = 0; j < i; j++)
			dup |= idx[j] == idx[i];
		al_among |= idx[i] == al;
		names_mtx |= t->priv[idx[i]].kind == K_MTX;
	}
	names_mtx |= al >= 0 && t->priv[al].kind == K_MTX;
	switch (rn(t, 10)) {
	case 0:
		timeout = 0;
		break;
	case 1:
		timeout = 1;
		break;
	case 2:
		timeout = now - NSEC_PER_SEC;
		break;
	case 3:
		/* above S64_MAX: in the past to ntsync */
		timeout = nt ? KTIME_MAX_NS + 1 + rn(t, 1000) : now;
		break;
	case 4:
	case 5:
		limit = 50000 + rn(t, 2000000);
		timeout = now + limit;
		blocking = true;
		break;
	default:
		timeout = now;
		break;
	}
	/*
	 * Signal-and-wait (evobj's), in tests only: the signal comes
	 * first then, a semaphore's release or a mutex's unlock before
	 * anything, an event's set before the test.
	 */
	if (!nt && !blocking && !(all && dup) && pct(t, 30)) {
		sig = rn(t, NPRIV);
		names_mtx |= t->priv[sig].kind == K_MTX;
	}
	/* Nothing to wait for: the error or the outcome the model gives. */
	if (bad == 5 && count) {
		fds[rn(t, count)] = nt_foreign_fd(t);
		want = EINVAL;
	}
	if (bad == 2)
		want = EINVAL;		/* count above 64 */
	if (bad == 6 || (bad == 5 && !count))
		want = EINVAL;		/* a foreign alert */
	if (bad == 0 || bad == 1)
		want = EINVAL;		/* pad, flags */
	/*
	 * A wait-all's alert among its objects: ntsync.c refuses it;
	 * evobj's own wait lets the objects come first, then the alert.
	 */
	if ((!owner && names_mtx) || (all && (dup || (nt && al_among))))
		want = EINVAL;
	if (bad == 3 || (bad == 4 && count))
		want = EFAULT;		/* the arguments, the fds */
	memcpy(m, t->priv, sizeof(m));
	if (!want && sig >= 0) {
		struct pobj *so = &m[sig];

		if (so->kind == K_SEM && so->count == so->max) {
			want = EOVERFLOW;
		} else if (so->kind == K_SEM) {
			so->count++;
		} else if (so->kind == K_MTX && so->owner != owner) {
			want = EPERM;
		} else if (so->kind == K_MTX) {
			if (!--so->held)
				so->owner = 0;
		} else {
			so->signaled = true;
		}
	}
	if (!want) {
		bool ready = true;

		if (all) {
			for (i = 0; i < count; i++)
				ready &= pobj_ready(&m[idx[i]], owner);
			/* (an ntsync wait-all of none completes at once) */
		} else {
			ready = false;
		}
		if (all && ready) {
			for (i = 0; i < count; i++)
				dead |= pobj_take(&m[idx[i]], owner);
			index = 0;
		} else if (!all && count) {
			for (i = 0; i < count && !ready; i++) {
				if (pobj_ready(&m[idx[i]], owner)) {
					ready = true;
					dead = pobj_take(&m[idx[i]], owner);
					index = i;
				}
			}
		}
		if (!ready && al >= 0 && pobj_ready(&m[al], owner)) {
			ready = true;
			dead = pobj_take(&m[al], owner);
			index = count;
		}
		want = !ready ? ETIMEDOUT : dead ? EOWNERDEAD : 0;
	}
	if (blocking && pct(t, 20)) {
		alarm_arm(t, 20000 + rn(t, 1000000));
		alarmed = true;
	}
	if (nt) {
		struct evobj_nt_wait w = {
			.timeout = timeout, .objs = (uintptr_t)fds,
			.count = count, .index = POISON32,
			.flags = rt ? EVOBJ_NT_WAIT_REALTIME : 0,
			.owner = owner, .alert = al >= 0 ? t->priv[al].fd : 0,
		};
		enum ptr_kind pk = bad == 3 ? 1 + rn(t, P_NKINDS - 1) : P_VALID;

		if (bad == 0)
			w.pad = 1U << rn(t, 32);
		if (bad == 1)
			w.flags |= 2U << rn(t, 31);
		if (bad == 2)
			w.count = EVOBJ_NT_MAX_WAIT + 1 + rn(t, 200);
		if (bad == 4)
			w.objs = (uintptr_t)arg_at(t, 1 + rn(t, P_RO - 1), fds,
						   4 * count, 17);
		if (bad == 6 || (bad == 5 && !count))
			w.alert = nt_foreign_alert(t);
		uw = arg_at(t, pk, &w, sizeof(w), 11);
		uindex = &((struct evobj_nt_wait *)uw)->index;
		begin(t, all ? "NT_WAIT_ALL(priv)" : "NT_WAIT_ANY(priv)", g_nt,
		      count, bad, limit);
		ret = nt_end(t, ioctl(g_nt, all ? EVOBJ_NT_IOC_WAIT_ALL :
				      EVOBJ_NT_IOC_WAIT_ANY, uw), NULL);
		if (pk != P_VALID)
			uindex = NULL;
	} else {
		struct evobj_wait w = {
			.timeout = timeout, .fds = (uintptr_t)fds,
			.count = count, .index = POISON32,
			.flags = rt ? EVOBJ_WAIT_REALTIME : 0,
			.alert = al >= 0 ? t->priv[al].fd : -1,
			.signal = sig >= 0 ? t->priv[sig].fd : -1,
			.owner = owner,
		};

		uw = arg_at(t, P_VALID, &w, sizeof(w), 11);
		uindex = &((struct evobj_wait *)uw)->index;
		begin(t, all ? "WAIT_ALL(priv)" : "WAIT_ANY(priv)", g_dev,
		      count, bad, limit);
		ret = end(t, ioctl(g_dev, all ? EVOBJ_IOC_WAIT_ALL :
				   EVOBJ_IOC_WAIT_ANY, uw), NULL);
	}
	e = ret < 0 ? errno : 0;
	if (alarmed)
		alarm_off(t);
	if (want == ETIMEDOUT && blocking && e != want &&
	    (e == EINTR || e == ENOMEM || (e == ENOSPC && (dup || al_among))))
		want = e;	/* nothing taken either */
	if (e != want) {
		violation(t, "%s of %u private objects (bad %d, alert %d, signal %d, owner %#x, timeout %llu%s) returned %ld (%s), the model says %s",
			  t->what, count, bad, al, sig, owner,
			  (unsigned long long)timeout, blocking ? ", blocking" : "",
			  ret, ename(e), ename(want));
		return;
	}
	errno = e;
	if (e == ETIMEDOUT)
		check_expiry(t, ret, timeout, clk);
	if (!e || e == EOWNERDEAD) {
		atomic_fetch_add(&g_nt_waits_ok, 1);
		if (uindex && *uindex != index)
			violation(t, "%s of %u private objects (alert %d, signal %d, owner %#x) returned index %u, the model says %u",
				  t->what, count, al, sig, owner, *uindex, index);
		memcpy(t->priv, m, sizeof(m));
	} else if (e == ETIMEDOUT && sig >= 0) {
		/* nothing taken, the signal given */
		memcpy(t->priv, m, sizeof(m));
	} else if (nt && uindex && *uindex != POISON32) {
		violation(t, "%s failed with %s, yet wrote index %u",
			  t->what, ename(e), *uindex);
	}
	{
		char why[256];
		size_t n;

		n = snprintf(why, sizeof(why), "%s (%s, index %u; bad %d, alert %d, signal %d, owner %#x, %s) of",
			     t->what, ename(e), uindex ? *uindex : POISON32, bad,
			     al, sig, owner, blocking ? "blocking" : "a test");
		for (i = 0; i < count && n < sizeof(why) - 8; i++)
			n += snprintf(why + n, sizeof(why) - n, " %d", idx[i]);
		for (j = 0; j < NPRIV; j++)
			priv_check(t, &t->priv[j], why);
	}
}

/*
 * A blocking wait on private objects that a hardirq timer completes:
 * an event not signaled, its timer armed to expire in a moment, and a
 * wait (ntsync's or evobj's) whose other objects cannot complete it
 * (any) or all can (all), so that the timer's set must complete it,
 * with the event's first index, long before its timeout.
 */
static void op_nt_ptimer(struct thr *t)
{
	int32_t *fds = (int32_t *)(t->rw + 16 * 256);
	bool nt = g_nt >= 0 && pct(t, 70), all = pct(t, 40);
	struct evobj_timer *tm = (void *)(t->rw + 13 * 256);
	uint32_t owner = PRIV_OWNER(t, rn(t, 3)), count = 0, index = 0, i;
	int ev = -1, idx[6], al = -1, e;
	struct pobj m[NPRIV];
	uint64_t timeout;
	bool dead = false;
	char why[160];
	long ret;

	for (i = 0; i < NPRIV && ev < 0; i++)
		if (t->priv[(t->id + i) % NPRIV].kind == K_EV &&
		    !t->priv[(t->id + i) % NPRIV].signaled)
			ev = (t->id + i) % NPRIV;
	if (ev < 0)
		return;
	/* The others: none ready (any), all ready (all), each once. */
	for (i = 0; i < NPRIV; i++) {
		if ((int)i == ev || pobj_ready(&t->priv[i], owner) != all ||
		    pct(t, 40))
			continue;
		idx[count++] = i;
	}
	idx[count++] = ev;
	/* the event somewhere, now and then twice in a wait-any */
	for (i = count - 1; i > 0 && pct(t, 50); i--) {
		idx[i] = idx[i - 1];
		idx[i - 1] = ev;
	}
	if (!all && count < 6 && pct(t, 20))
		idx[count++] = ev;
	if (!all && pct(t, 20))
		al = pct(t, 50) ? ev : idx[0];
	for (i = 0; i < count; i++)
		fds[i] = t->priv[idx[i]].fd;
	memcpy(m, t->priv, sizeof(m));
	m[ev].signaled = true;
	if (all) {
		for (i = 0; i < count; i++)
			dead |= pobj_take(&m[idx[i]], owner);
	} else {
		for (i = 0; idx[i] != ev; i++)
			;
		index = i;
		pobj_take(&m[ev], owner);
	}
	*tm = (struct evobj_timer){ .expires = mono() + 50000 + rn(t, 2000000) };
	begin(t, "TIMER(priv)", t->priv[ev].fd, 0, 0, 0);
	ret = end(t, ioctl(t->priv[ev].fd, EVOBJ_IOC_TIMER, tm), &A_TIMER);
	if (ret) {
		if (errno != ENOSPC && errno != ENOMEM)
			violation(t, "arming the timer of a private %s failed: %s",
				  pobj_name(&t->priv[ev]), ename(errno));
		return;		/* max_timers: nothing armed */
	}
	atomic_fetch_add(&g_timers, 1);
	timeout = mono() + 5 * NSEC_PER_SEC;
	if (nt) {
		struct evobj_nt_wait w = {
			.timeout = timeout, .objs = (uintptr_t)fds, .count = count,
			.index = POISON32, .owner = owner,
			.alert = al >= 0 ? t->priv[al].fd : 0,
		};

		begin(t, all ? "NT_WAIT_ALL(timer)" : "NT_WAIT_ANY(timer)", g_nt,
		      count, ev, 5 * NSEC_PER_SEC);
		ret = nt_end(t, ioctl(g_nt, all ? EVOBJ_NT_IOC_WAIT_ALL :
				      EVOBJ_NT_IOC_WAIT_ANY, &w), NULL);
		i = w.index;
	} else {
		struct evobj_wait w = {
			.timeout = timeout, .fds = (uintptr_t)fds, .count = count,
			.index = POISON32, .alert = al >= 0 ? t->priv[al].fd : -1,
			.signal = -1, .owner = owner,
		};

		begin(t, all ? "WAIT_ALL(timer)" : "WAIT_ANY(timer)", g_dev,
		      count, ev, 5 * NSEC_PER_SEC);
		ret = end(t, ioctl(g_dev, all ? EVOBJ_IOC_WAIT_ALL :
				   EVOBJ_IOC_WAIT_ANY, &w), NULL);
		i = w.index;
	}
	e = ret < 0 ? errno : 0;
	if (e == EINTR || e == ENOSPC || e == ENOMEM) {
		/* Not completed: the timer sets the event, for nobody. */
		uint64_t until = mono() + 5 * NSEC_PER_SEC;
		struct evobj_state st = { 0, 0 };

		while (mono() < until && !ioctl(t->priv[ev].fd, EVOBJ_IOC_READ, &st) &&
		       !st.signaled)
			usleep(1000);
		t->priv[ev].signaled = true;
	}
	/* Fired, it holds a max_timers slot until disarmed. */
	*tm = (struct evobj_timer){ 0 };
	begin(t, "TIMER(priv, off)", t->priv[ev].fd, 0, 0, 0);
	expect(t, end(t, ioctl(t->priv[ev].fd, EVOBJ_IOC_TIMER, tm), &A_TIMER),
	       0, "disarming a private event's timer");
	if (e == EINTR || e == ENOSPC || e == ENOMEM) {
		/* nothing taken: every object as before, but the event */
		snprintf(why, sizeof(why), "%s of %u (the event at %u, alert %d) that failed with %s",
			 t->what, count, index, al, ename(e));
		for (i = 0; i < NPRIV; i++)
			priv_check(t, &t->priv[i], why);
		return;
	}
	if (e != (dead ? EOWNERDEAD : 0) || i != index) {
		violation(t, "%s of %u private objects (the %s at index %u, alert %d, owner %#x) that its timer must complete returned %ld (%s), index %u",
			  t->what, count, pobj_name(&t->priv[ev]), index, al, owner,
			  ret, ename(e), i);
		return;
	}
	atomic_fetch_add(&g_nt_waits_ok, 1);
	memcpy(t->priv, m, sizeof(m));
	for (i = 0; i < NPRIV; i++)
		priv_check(t, &t->priv[i], "a wait its timer completed");
}

/*
 * read() and write() of a private object, of either device: a read takes
 * what a wait would (made non-blocking for it, EAGAIN when nothing is
 * there), a write sets an event or releases units; a mutex refuses both.
 */
static void op_nt_prw(struct thr *t)
{
	static const size_t rsizes[] = { 8, 8, 16, 4 };
	struct pobj *o = &t->priv[rn(t, NPRIV)], m = *o;
	uint64_t *buf = (uint64_t *)(t->rw + 13 * 256);
	bool wr = pct(t, 50);
	size_t len = wr ? 8 : rsizes[rn(t, ARRAY_SIZE(rsizes))];
	int want = 0, fl = -1, e;
	char model[80];
	long ret;

	pobj_str(o, model, sizeof(model));
	buf[0] = buf[1] = POISON32;
	if (wr) {
		static const uint64_t ev_v[] = { 1, 1, 1, 0, 2, 1ULL << 32 };

		if (o->kind == K_EV) {
			buf[0] = ev_v[rn(t, ARRAY_SIZE(ev_v))];
		} else {
			buf[0] = priv_units(t, o);
			if (pct(t, 10))
				buf[0] = EVOBJ_SEMAPHORE_MAX + 1ULL + rn(t, 4);
		}
		if (o->kind == K_MTX)
			want = EINVAL;
		else if (o->kind == K_EV)
			want = buf[0] == 1 ? 0 : EINVAL;
		else if (!buf[0] || buf[0] > EVOBJ_SEMAPHORE_MAX)
			want = EINVAL;
		else if (buf[0] > o->max - o->count)
			want = EOVERFLOW;
		if (!want && o->kind == K_EV)
			m.signaled = true;
		else if (!want)
			m.count += buf[0];
	} else {
		if (o->kind == K_MTX || len < 8)
			want = EINVAL;
		else if (!pobj_ready(o, 0))
			want = EAGAIN;
		else
			pobj_take(&m, 0);
		/* never blocks: O_NONBLOCK for this read */
		fl = fcntl(o->fd, F_GETFL);
		if (fl < 0 || fcntl(o->fd, F_SETFL, fl | O_NONBLOCK))
			return;
	}
	begin(t, wr ? "write(priv)" : "read(priv)", o->fd, (long)buf[0], len, 0);
	ret = (wr ? end(t, write(o->fd, buf, len), NULL) :
	       end(t, read(o->fd, buf, len), NULL));
	e = ret < 0 ? errno : 0;
	if (fl >= 0)
		fcntl(o->fd, F_SETFL, fl);
	atomic_fetch_add(&g_nt_calls, 1);
	if (e != want || (!e && ret != 8) || (!e && !wr && buf[0] != 1)) {
		violation(t, "%s(%zu bytes, %#llx) of a private %s (%s) returned %ld (%s), read %#llx; expected %s",
			  t->what, len, wr ? (unsigned long long)buf[0] : 0ULL,
			  pobj_name(o), model, ret, ename(e),
			  (unsigned long long)buf[0], ename(want));
		return;
	}
	*o = m;
	priv_check(t, o, wr ? "a write() of it" : "a read() of it");
}

/* A create on /dev/ntsync, valid or not: exact errno; the new fd goes in the pool. */
static void op_nt_create(struct thr *t)
{
	enum ptr_kind k = pick_ptr(t, 10);
	int fd = pct(t, 90) ? g_nt : pick_fd(t), kind = rn(t, 3), want = 0;
	uint32_t a[2] = { rn(t, 4), rn(t, 4) };
	static const unsigned long cmd[] = {
		EVOBJ_NT_IOC_CREATE_SEM, EVOBJ_NT_IOC_CREATE_MUTEX,
		EVOBJ_NT_IOC_CREATE_EVENT,
	};
	static const char *const name[] = {
		"NT_CREATE_SEM", "NT_CREATE_MUTEX", "NT_CREATE_EVENT",
	};
	void *arg;
	long ret;

	if (g_nt < 0)
		return;
	if (pct(t, 20))
		a[rn(t, 2)] = pct(t, 50) ? UINT32_MAX : (uint32_t)rnd(t);
	if (kind == 0 && pct(t, 50) && a[0] > a[1])
		a[1] = a[0] + rn(t, UINT32_MAX - a[0]);	/* count <= max */
	if (kind == 0 && a[0] > a[1])
		want = EINVAL;
	if (kind == 1 && !a[0] != !a[1])
		want = EINVAL;
	if (ptr_faults(k))
		want = EFAULT;
	arg = arg_at(t, k, a, sizeof(a), 13);
	begin(t, name[kind], fd, a[0], a[1], k);
	ret = nt_end(t, ioctl(fd, cmd[kind], arg), &A_NTIOC);
	if (fd == g_nt && !create_soft_fail(ret))
		expect(t, ret, want, "a create on /dev/ntsync");
	if (ret >= 0 && fd == g_nt && want == 0) {
		int fl = fcntl(ret, F_GETFD), st = fcntl(ret, F_GETFL);

		if (!(fl & FD_CLOEXEC) || (st & O_ACCMODE) != O_RDWR ||
		    (st & O_NONBLOCK))
			violation(t, "%s: the new fd has fd flags %#x, status flags %#x, expected O_RDWR | O_CLOEXEC, blocking",
				  name[kind], fl, st);
	}
	if (ret >= 0)
		slot_store(t, ret, true);
}

static const unsigned long nt_obj_cmds[] = {
	EVOBJ_NT_IOC_SEM_RELEASE, EVOBJ_NT_IOC_SEM_READ,
	EVOBJ_NT_IOC_MUTEX_UNLOCK, EVOBJ_NT_IOC_MUTEX_KILL,
	EVOBJ_NT_IOC_MUTEX_READ, EVOBJ_NT_IOC_EVENT_SET,
	EVOBJ_NT_IOC_EVENT_RESET, EVOBJ_NT_IOC_EVENT_PULSE,
	EVOBJ_NT_IOC_EVENT_READ,
};

/*
 * ntsync object ioctls, and other 'N' numbers, on any fd with random
 * arguments: the pool (events, semaphores, mutexes of both devices),
 * closed numbers, other files and the two devices.
 */
static void op_nt_chaos(struct thr *t)
{
	uint32_t in[16];
	unsigned long cmd;
	int fd = pct(t, 60) ? pick_fd(t) : pct(t, 50) ? pick_event(t) :
		 pct(t, 50) ? g_dev : g_nt;
	enum ptr_kind k = pick_ptr(t, 25);
	void *arg;
	long ret;

	for (int i = 0; i < 16; i++) {
		uint32_t r = rn(t, 10);

		in[i] = r < 3 ? 0 : r < 5 ? 1 + rn(t, 3) : r < 7 ? OWNER(t) :
			r < 8 ? (uint32_t)atomic_load(&g_slot[rn(t, NSLOT)]) :
			(uint32_t)rnd(t);
	}
	if (pct(t, 85))
		cmd = nt_obj_cmds[rn(t, ARRAY_SIZE(nt_obj_cmds))];
	else	/* another 'N' number: none of them blocks or creates */
		cmd = _IOC(rn(t, 4), EVOBJ_NT_IOC_MAGIC,
			   pct(t, 50) ? 0x8e + rn(t, 0x72) : rn(t, 0x80),
			   rn(t, 4) * 4);
	arg = arg_at(t, k, in, 64, 14);
	begin(t, "NT_IOCTL(chaos)", fd, (long)cmd, k, 0);
	ret = nt_end(t, ioctl(fd, cmd, arg), &A_NTIOC);
	if (ret > 0)
		violation(t, "%s(%#lx) returned %ld", t->what, cmd, ret);
}

/*
 * ntsync waits on the pool, with random owners, alerts, counts (past
 * the stack's four objects, past 64), timeouts and pointers.
 */
static void op_nt_wait_chaos(struct thr *t)
{
	int32_t *fds = (int32_t *)(t->rw + 20 * 256);
	bool all = pct(t, 40), rt = pct(t, 20), al;
	clockid_t clk = rt ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	uint32_t r = rn(t, 20), count = r < 14 ? rn(t, 5) : r < 19 ?
		5 + rn(t, EVOBJ_NT_MAX_WAIT - 4) : EVOBJ_NT_MAX_WAIT + 1 + rn(t, 8);
	struct evobj_nt_wait w = { .index = POISON32 }, *uw;
	enum ptr_kind k = pick_ptr(t, 5), ok = pick_ptr(t, 5);
	uint64_t limit;
	long ret;

	if (g_nt < 0)
		return;
	for (uint32_t i = 0; i < count && i < EVOBJ_NT_MAX_WAIT + 8; i++)
		fds[i] = pct(t, 3) ? nt_foreign_fd(t) : pick_obj(t);
	/* the read-only page holds 64 fds at most */
	w.objs = ok == P_VALID ? (uintptr_t)fds :
		 (uintptr_t)arg_at(t, ok, fds, 4 * (count < 64 ? count : 64), 15);
	w.count = count;
	w.flags = rt ? EVOBJ_NT_WAIT_REALTIME : 0;
	if (pct(t, 3))
		w.flags |= 2U << rn(t, 31);
	if (pct(t, 3))
		w.pad = 1U << rn(t, 32);
	w.alert = pct(t, 25) ? (uint32_t)pick_obj(t) : 0;
	r = rn(t, 10);
	w.owner = r < 6 ? OWNER(t) : r < 8 ? 0 : (uint32_t)rnd(t);
	w.timeout = pick_timeout(t, clk, &limit, &al);
	uw = arg_at(t, k, &w, sizeof(w), 11);
	if (al)
		limit = alarm_short(t);
	begin(t, all ? "NT_WAIT_ALL(chaos)" : "NT_WAIT_ANY(chaos)", g_nt,
	      count, (long)w.timeout, limit);
	ret = nt_end(t, ioctl(g_nt, all ? EVOBJ_NT_IOC_WAIT_ALL :
			      EVOBJ_NT_IOC_WAIT_ANY, uw), &A_NTWAIT);
	if (al)
		alarm_off(t);
	if (ret < 0 && errno == ETIMEDOUT && k == P_VALID)
		check_expiry(t, ret, w.timeout, clk);
	if (ret > 0)
		violation(t, "%s returned %ld", t->what, ret);
	if (ret < 0 && errno == EOWNERDEAD)
		ret = 0;
	if (ret || k != P_VALID)
		return;
	atomic_fetch_add(&g_nt_waits_ok, 1);
	if (uw->index > count || (all && uw->index && uw->index != count) ||
	    (uw->index == count && !w.alert && count))
		violation(t, "%s of %u (alert %d) returned index %u", t->what,
			  count, (int)w.alert, uw->index);
	else if (!all && uw->index < count && fds[uw->index] == g_never)
		violation(t, "%s returned the never-signaled event", t->what);
}

/* An ntsync wait on g_nt that must end as @want, @index if it completes. */
static void nt_wait_expect(struct thr *t, bool all, const int32_t *objs,
			   uint32_t count, uint32_t alert, uint32_t owner,
			   struct evobj_nt_wait *tweak, enum ptr_kind k,
			   int want, uint32_t index, const char *why)
{
	struct evobj_nt_wait w = {
		.timeout = 0, .objs = (uintptr_t)objs, .count = count,
		.index = POISON32, .owner = owner, .alert = alert,
	}, *uw;
	long ret;

	if (tweak) {
		w.flags = tweak->flags;
		w.pad = tweak->pad;
		if (tweak->index)	/* marks objs as given, NULL included */
			w.objs = tweak->objs;
	}
	uw = arg_at(t, k, &w, sizeof(w), 11);
	begin(t, all ? "NT_WAIT_ALL(strict)" : "NT_WAIT_ANY(strict)", g_nt,
	      count, alert, 0);
	ret = nt_end(t, ioctl(g_nt, all ? EVOBJ_NT_IOC_WAIT_ALL :
			      EVOBJ_NT_IOC_WAIT_ANY, uw), NULL);
	expect(t, ret, want, why);
	if (k == P_VALID && (ret == 0 ? uw->index != index :
			     uw->index != POISON32))
		violation(t, "%s: %s left index %u, expected %u", why, t->what,
			  uw->index, ret == 0 ? index : POISON32);
}

/* An ntsync object ioctl on a persistent fd: exact errno, and output. */
static void nt_obj_expect(struct thr *t, int fd, unsigned long cmd,
			  uint32_t a0, enum ptr_kind k, int want,
			  const uint32_t *out, int nout, const char *why)
{
	uint32_t in[16] = { a0, POISON32 }, *p;
	long ret;

	p = arg_at(t, k, in, _IOC_SIZE(cmd) ? _IOC_SIZE(cmd) : 4, 13);
	begin(t, "NT_IOCTL(strict)", fd, (long)cmd, a0, 0);
	ret = nt_end(t, ioctl(fd, cmd, p), NULL);
	expect(t, ret, want, why);
	for (int i = 0; k == P_VALID && (!ret || want == EOWNERDEAD) &&
	     i < nout; i++)
		if (p[i] != out[i])
			violation(t, "%s: %s(%#lx) wrote %#x at word %d, expected %#x",
				  why, t->what, cmd, p[i], i, out[i]);
}

/*
 * The ntsync ioctls on the persistent fds, exactly: the devices and
 * other files (ENOTTY), the never and always events, the full
 * semaphore and the held mutex (reads, refusals, another kind's
 * EINVAL), and ntsync waits whose outcome is known: tests, duplicates,
 * count 0, 64 and 65, bad pads, flags, fds, alerts and pointers.
 */
static void op_nt_strict(struct thr *t)
{
	enum ptr_kind k = pick_ptr(t, 15);
	int want_rd = ptr_faults(k) ? EFAULT : 0;	/* reads the argument */
	int want_wr = k == P_VALID ? 0 : EFAULT;	/* writes it */
	uint32_t out[2];
	int32_t objs[EVOBJ_NT_MAX_WAIT + 1];
	struct evobj_nt_wait tw = { 0 };
	unsigned long cmd = nt_obj_cmds[rn(t, ARRAY_SIZE(nt_obj_cmds))];
	int fds[4] = { g_dev, g_efd, g_pipe[0], g_pipe[1] };

	switch (rn(t, g_nt >= 0 ? 22 : 8)) {
	case 0:
		/* another device's, another file's: ENOTTY */
		nt_obj_expect(t, fds[rn(t, 4)], cmd, 1, k, ENOTTY, NULL, 0,
			      "an ntsync object ioctl on no object");
		break;
	case 1:
		out[0] = 1;
		out[1] = 0;
		nt_obj_expect(t, g_never, EVOBJ_NT_IOC_EVENT_READ, 0, k, want_wr,
			      out, 2, "EVENT_READ of the never-signaled event");
		break;
	case 2:
		out[0] = 1;
		out[1] = 1;
		nt_obj_expect(t, g_always, EVOBJ_NT_IOC_EVENT_READ, 0, k,
			      want_wr, out, 2, "EVENT_READ of the always-signaled event");
		break;
	case 3:
		/* another kind's on the events: EINVAL, before the pointer for the reads */
		cmd = nt_obj_cmds[rn(t, 5)];
		nt_obj_expect(t, pct(t, 50) ? g_never : g_always, cmd,
			      NEVER_OWNER, k,
			      (cmd == EVOBJ_NT_IOC_SEM_READ ||
			       cmd == EVOBJ_NT_IOC_MUTEX_READ) ? EINVAL :
			      want_rd ? want_rd : EINVAL, NULL, 0,
			      "a semaphore's or mutex's ntsync ioctl on an event");
		break;
	case 4:
		out[0] = 1;
		out[1] = 1;
		nt_obj_expect(t, g_sem_full, EVOBJ_NT_IOC_SEM_READ, 0, k, want_wr,
			      out, 2, "SEM_READ of the full semaphore");
		break;
	case 5:
		/* any release of the full one overflows; 0 reads its count */
		out[0] = 1;
		if (pct(t, 30))
			nt_obj_expect(t, g_sem_full, EVOBJ_NT_IOC_SEM_RELEASE, 0,
				      k, want_rd ? want_rd : want_wr, out, 1,
				      "a release of 0 of the full semaphore");
		else
			nt_obj_expect(t, g_sem_full, EVOBJ_NT_IOC_SEM_RELEASE,
				      1 + rn(t, 3), k,
				      want_rd ? want_rd : want_wr ? want_wr :
				      EOVERFLOW, NULL, 0,
				      "a release of the full semaphore");
		break;
	case 6:
		out[0] = HELD_OWNER;
		out[1] = 1;
		nt_obj_expect(t, g_mtx_held, EVOBJ_NT_IOC_MUTEX_READ, 0, k,
			      want_wr, out, 2, "MUTEX_READ of the held mutex");
		break;
	case 7:
		if (pct(t, 50)) {
			uint32_t o = pct(t, 70) ? NEVER_OWNER : 0;

			nt_obj_expect(t, g_mtx_held, EVOBJ_NT_IOC_MUTEX_UNLOCK, o,
				      k, want_rd ? want_rd : !o ? EINVAL :
				      want_wr ? want_wr : EPERM, NULL, 0,
				      "an unlock of the held mutex");
		} else {
			uint32_t o = pct(t, 70) ? NEVER_OWNER : 0;

			nt_obj_expect(t, g_mtx_held, EVOBJ_NT_IOC_MUTEX_KILL, o, k,
				      want_rd ? want_rd : !o ? EINVAL : EPERM,
				      NULL, 0, "a kill of the held mutex");
		}
		break;
	case 8:
		/* /dev/ntsync takes none of the objects' ioctls, nor evobj's */
		if (pct(t, 50)) {
			nt_obj_expect(t, g_nt, cmd, 1, k, ENOTTY, NULL, 0,
				      "an object ioctl on /dev/ntsync");
		} else {
			static const unsigned long ev[] = {
				EVOBJ_IOC_CREATE, EVOBJ_IOC_WAIT_ANY,
				EVOBJ_IOC_SET, EVOBJ_IOC_READ,
				EVOBJ_IOC_CREATE_SEMAPHORE, EVOBJ_IOC_WAIT,
				/* the 6.12 draft's CREATE_SEM, 12 bytes */
				_IOWR(EVOBJ_NT_IOC_MAGIC, 0x80, uint32_t[3]),
			};

			nt_obj_expect(t, g_nt, ev[rn(t, ARRAY_SIZE(ev))], 1, k,
				      ENOTTY, NULL, 0,
				      "an evobj or draft ioctl on /dev/ntsync");
		}
		break;
	case 9:
		objs[0] = g_never;
		nt_wait_expect(t, pct(t, 50), objs, 1, 0, OWNER(t), NULL, P_VALID,
			       ETIMEDOUT, 0, "a test of the never-signaled event");
		break;
	case 10:
		objs[0] = g_never;
		objs[1] = g_always;
		nt_wait_expect(t, false, objs, 2, 0, OWNER(t), NULL, P_VALID, 0, 1,
			       "a wait-any on never and always");
		break;
	case 11:
		objs[0] = g_always;
		objs[1] = pct(t, 50) ? g_always : g_never;
		nt_wait_expect(t, true, objs, 2, 0, 0, NULL, P_VALID,
			       objs[1] == g_always ? EINVAL : ETIMEDOUT, 0,
			       "a wait-all on always and always or never");
		break;
	case 12:
		objs[0] = g_always;
		nt_wait_expect(t, true, objs, 1, g_always, 0, NULL, P_VALID,
			       EINVAL, 0, "a wait-all with its alert among its objects");
		break;
	case 13:
		objs[0] = g_mtx_held;
		if (pct(t, 50))
			nt_wait_expect(t, pct(t, 50), objs, 1, 0, 0, NULL, P_VALID,
				       EINVAL, 0, "owner 0 in a wait naming a mutex");
		else
			nt_wait_expect(t, pct(t, 50), objs, 1, 0, NEVER_OWNER,
				       NULL, P_VALID, ETIMEDOUT, 0,
				       "a test of the held mutex");
		break;
	case 14:
		/* count 0: all of none at once; any of none waits for the alert */
		if (pct(t, 50))
			nt_wait_expect(t, true, NULL, 0, pct(t, 50) ? g_never : 0,
				       0, NULL, P_VALID, 0, 0, "a wait-all of no objects");
		else if (pct(t, 50))
			nt_wait_expect(t, false, NULL, 0, 0, 0, NULL, P_VALID,
				       ETIMEDOUT, 0, "a wait-any of nothing");
		else
			nt_wait_expect(t, false, NULL, 0, g_always, 0, NULL,
				       P_VALID, 0, 0,
				       "a wait-any of no objects, alert signaled");
		break;
	case 15:
		/* 64 objects, on the heap: any wins at 0; all names it twice */
		for (int i = 0; i < EVOBJ_NT_MAX_WAIT + 1; i++)
			objs[i] = g_always;
		if (pct(t, 20))
			nt_wait_expect(t, false, objs, EVOBJ_NT_MAX_WAIT + 1, 0, 0,
				       NULL, P_VALID, EINVAL, 0, "a wait of 65");
		else if (pct(t, 50))
			nt_wait_expect(t, false, objs, EVOBJ_NT_MAX_WAIT, 0, 0,
				       NULL, P_VALID, 0, 0, "a wait-any of 64");
		else
			nt_wait_expect(t, true, objs, EVOBJ_NT_MAX_WAIT, 0, 0,
				       NULL, P_VALID, EINVAL, 0,
				       "a wait-all of 64 naming one object 64 times");
		break;
	case 16:
		objs[0] = g_always;
		if (pct(t, 50))
			tw.pad = 1U << rn(t, 32);
		else
			tw.flags = 2U << rn(t, 31);
		nt_wait_expect(t, pct(t, 50), objs, 1, 0, 0, &tw, P_VALID, EINVAL,
			       0, "an ntsync wait with a bad pad or flags");
		break;
	case 17:
		objs[0] = g_always;
		objs[1] = nt_foreign_fd(t);
		nt_wait_expect(t, pct(t, 50), objs, 2, 0, 0, NULL, P_VALID, EINVAL,
			       0, "an ntsync wait on a foreign or closed fd");
		break;
	case 18:
		objs[0] = g_always;
		nt_wait_expect(t, pct(t, 50), objs, 1, nt_foreign_alert(t), 0,
			       NULL, P_VALID, EINVAL, 0,
			       "an ntsync wait with a foreign alert");
		break;
	case 19:
		/* the arguments, then the fds, unreadable */
		objs[0] = g_always;
		if (k == P_VALID)
			k = P_NULL;
		nt_wait_expect(t, pct(t, 50), objs, 1, 0, 0, NULL, k, EFAULT, 0,
			       "an ntsync wait with an unreachable argument");
		break;
	case 20:
		objs[0] = g_always;
		if (!ptr_faults(k))
			k = P_NONE;
		tw.objs = (uintptr_t)arg_at(t, k, objs, 4, 15);
		tw.index = 1;
		nt_wait_expect(t, pct(t, 50), objs, 1, 0, 0, &tw, P_VALID, EFAULT,
			       0, "an ntsync wait with unreadable fds");
		break;
	default:
		/* a wait-all that cannot complete takes nothing */
		objs[0] = pct(t, 50) ? g_always : g_never;
		objs[1] = objs[0] == g_never ? g_sem_full : g_mtx_held;
		nt_wait_expect(t, true, objs, 2,
			       objs[0] == g_always && pct(t, 50) ? g_never : 0,
			       NEVER_OWNER, NULL, P_VALID, ETIMEDOUT, 0,
			       "a wait-all held back by one object");
		break;
	}
}

struct op {
	void (*fn)(struct thr *t);
	unsigned int weight;
};

static const struct op ops[] = {
	{ op_acct_change, 14 },
	{ op_acct_wait, 10 },
	{ op_acct_read, 4 },
	{ op_create, 6 },
	{ op_change, 12 },
	{ op_read_state, 5 },
	{ op_timer, 4 },
	{ op_wait, 12 },
	{ op_read, 5 },
	{ op_write, 5 },
	{ op_poll, 3 },
	{ op_epoll, 2 },
	{ op_close, 3 },
	{ op_dup2, 3 },
	{ op_replace, 4 },
	{ op_fork, 1 },
	{ op_scm, 1 },
	{ op_signal, 2 },
	{ op_ioctl, 4 },
	{ op_fdinfo, 2 },
	{ op_strict, 6 },
	{ op_wait_live, 10 },
	{ op_poke, 8 },
	{ op_named, 4 },
	{ op_waitset, 4 },
	{ op_word, 6 },
	{ op_sem_release, 10 },
	{ op_sem_strict, 4 },
	{ op_create_sem, 3 },
	{ op_mtx, 12 },
	{ op_create_mtx, 3 },
	{ op_nt_obj, 12 },
	{ op_nt_pwait, 6 },
	{ op_nt_ptimer, 2 },
	{ op_nt_prw, 3 },
	{ op_nt_priv_swap, 2 },
	{ op_nt_create, 3 },
	{ op_nt_chaos, 4 },
	{ op_nt_wait_chaos, 5 },
	{ op_nt_strict, 5 },
};

static bool done(void)
{
	if (atomic_load(&g_stop))
		return true;
	if (opt_calls && atomic_load(&g_calls) >= opt_calls)
		return true;
	if (opt_seconds && mono() - g_start_ns >= opt_seconds * NSEC_PER_SEC)
		return true;
	return false;
}

static void *worker(void *arg)
{
	struct thr *t = arg;
	unsigned int total = 0;
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR2,
	};

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	t->tid = gettid();
	sev._sigev_un._tid = t->tid;	/* sigev_notify_thread_id */
	if (timer_create(CLOCK_MONOTONIC, &sev, &t->alarm)) {
		perror("timer_create");
		exit(2);
	}
	while (!done()) {
		unsigned int r = rn(t, total);
		size_t i = 0;

		while (r >= ops[i].weight)
			r -= ops[i++].weight;
		ops[i].fn(t);
	}
	alarm_off(t);
	/* Give back what this owner holds: the mutexes end unowned. */
	for (int j = 0; j < NMTX; j++)
		while (t->mcount[j] && !atomic_load(&g_violations))
			mtx_unlock_mine(t, j);
	return NULL;
}

/* Reports any call in flight past its limit and the slack, with its stack. */
static void *watchdog(void *arg)
{
	(void)arg;
	while (!atomic_load(&g_stop)) {
		uint64_t now = mono();

		for (int i = 0; i < opt_threads; i++) {
			struct thr *t = &g_thr[i];
			uint64_t s = atomic_load(&t->start);
			char path[64], stack[2048];
			ssize_t n = 0;
			int f;

			if (!s || now < s + atomic_load(&t->limit) + opt_slack_ns)
				continue;
			violation(t, "%s(%ld, %#lx, %#lx) hangs: in flight for %llu ms, its limit is %llu ms",
				  t->what, (long)t->a0, (long)t->a1, (long)t->a2,
				  (unsigned long long)(now - s) / NSEC_PER_MSEC,
				  (unsigned long long)atomic_load(&t->limit) /
					  NSEC_PER_MSEC);
			snprintf(path, sizeof(path), "/proc/self/task/%d/stack",
				 t->tid);
			f = open(path, O_RDONLY);
			if (f >= 0) {
				n = read(f, stack, sizeof(stack) - 1);
				close(f);
			}
			if (n > 0) {
				stack[n] = 0;
				fprintf(stderr, "fuzz: kernel stack of thread %d:\n%s",
					i, stack);
			}
			fflush(stderr);
			/* A thread stuck in the kernel would block exit(). */
			_exit(1);
		}
		usleep(200000);
	}
	return NULL;
}

/* Retries what a concurrent failing rmmod refuses for an instant. */
static bool transient(int e)
{
	return e == ENOENT || e == ENODEV || e == ENXIO;
}

static int open_dev(void)
{
	int fd, tries = 0;

	while ((fd = open(N_EVOBJ, O_RDWR | O_CLOEXEC)) < 0 &&
	       transient(errno) && opt_unload && ++tries < 1000)
		usleep(1000);
	return fd;
}

static int create_or_die(uint32_t type, uint32_t flags)
{
	struct evobj_create c = { type, flags };
	int fd, tries = 0;

	while ((fd = ioctl(g_dev, EVOBJ_IOC_CREATE, &c)) < 0 &&
	       transient(errno) && opt_unload && ++tries < 1000)
		usleep(1000);

	if (fd < 0) {
		perror("fuzz: EVOBJ_IOC_CREATE");
		exit(2);
	}
	return fd;
}

static int mtx_or_die(uint32_t owner, uint32_t count)
{
	struct evobj_mutex c = { .owner = owner, .count = count };
	int fd, tries = 0;

	while ((fd = ioctl(g_dev, EVOBJ_IOC_CREATE_MUTEX, &c)) < 0 &&
	       transient(errno) && opt_unload && ++tries < 1000)
		usleep(1000);
	if (fd < 0) {
		perror("fuzz: EVOBJ_IOC_CREATE_MUTEX");
		exit(2);
	}
	return fd;
}

static int sem_or_die(uint32_t count, uint32_t max, uint32_t flags)
{
	struct evobj_semaphore c = { .count = count, .max = max, .flags = flags };
	int fd, tries = 0;

	while ((fd = ioctl(g_dev, EVOBJ_IOC_CREATE_SEMAPHORE, &c)) < 0 &&
	       transient(errno) && opt_unload && ++tries < 1000)
		usleep(1000);
	if (fd < 0) {
		perror("fuzz: EVOBJ_IOC_CREATE_SEMAPHORE");
		exit(2);
	}
	return fd;
}

/* Create, set, wait: that the module works (after a reload, say). */
static int smoke(void)
{
	struct evobj_wait w = { .count = 1, .alert = -1, .signal = -1 };
	struct evobj_wait test = { .count = 1, .alert = -1, .signal = -1 };
	uint32_t prev = POISON32;
	int32_t fd;
	bool ok;

	g_dev = open_dev();
	if (g_dev < 0) {
		perror("fuzz: open /dev/evobj");
		return 1;
	}
	fd = create_or_die(EVOBJ_SYNCHRONIZATION, 0);
	w.fds = (uintptr_t)&fd;
	w.timeout = mono() + 5 * NSEC_PER_SEC;
	test.fds = (uintptr_t)&fd;
	/* set from 0, a wait takes it, a test then finds nothing */
	ok = !ioctl(fd, EVOBJ_IOC_SET, &prev) && prev == 0 &&
	     !ioctl(g_dev, EVOBJ_IOC_WAIT_ANY, &w) && w.index == 0 &&
	     ioctl(g_dev, EVOBJ_IOC_WAIT_ANY, &test) == -1 && errno == ETIMEDOUT;
	if (!ok) {
		fprintf(stderr, "fuzz: smoke: create/set/wait failed: %s (prev %u)\n",
			strerror(errno), prev);
		return 1;
	}
	close(fd);
	close(g_dev);
	printf("fuzz: smoke test passed (create, set, wait, test)\n");
	return 0;
}

/*
 * evobj's /dev/ntsync, if there is one: absent with ntsync=0, and a
 * real ntsync's objects take no evobj ioctl. The ntsync ioctls of evobj
 * object fds are fuzzed either way.
 */
static void nt_open(void)
{
	struct evobj_nt_event a = { 1, 0 };
	struct evobj_state st;
	int fd;

	g_nt = open(N_NTSYNC, O_RDWR | O_CLOEXEC);
	if (g_nt < 0) {
		printf("fuzz: %s: %s (evobj loaded with ntsync=0?): fuzzing without it\n",
		       N_NTSYNC, strerror(errno));
		g_nt = -1;
		return;
	}
	fd = ioctl(g_nt, EVOBJ_NT_IOC_CREATE_EVENT, &a);
	if (fd < 0 || ioctl(fd, EVOBJ_IOC_READ, &st)) {
		printf("fuzz: %s is not evobj's (a real ntsync?): fuzzing without it\n",
		       N_NTSYNC);
		if (fd >= 0)
			close(fd);
		close(g_nt);
		g_nt = -1;
		return;
	}
	close(fd);
	printf("fuzz: %s is evobj's: fuzzing it too\n", N_NTSYNC);
}

static void setup(void)
{
	size_t i;
	int mfd;

	g_dev = open_dev();
	if (g_dev < 0) {
		fprintf(stderr, "fuzz: open %s: %s\n", N_EVOBJ, strerror(errno));
		exit(2);
	}
	for (i = 0; i < NACCT; i++)
		g_acct[i] = create_or_die(EVOBJ_SYNCHRONIZATION,
					  i >= NACCT / 2 ? EVOBJ_NONBLOCK : 0);
	/* Half of them, one of each kind, change through their words too. */
	for (i = 0; i < NACCT; i += 2) {
		void *w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			       g_acct[i], 0);

		if (w == MAP_FAILED)
			fprintf(stderr, "fuzz: accounting event %zu: no word: %s\n",
				i, strerror(errno));
		else
			g_acct_w[i] = w;
	}
	g_always = create_or_die(EVOBJ_NOTIFICATION, EVOBJ_SIGNALED);
	g_never = create_or_die(EVOBJ_NOTIFICATION, EVOBJ_NONBLOCK);
	g_probe[0] = create_or_die(EVOBJ_NOTIFICATION, 0);
	g_probe[1] = create_or_die(EVOBJ_SYNCHRONIZATION, EVOBJ_NONBLOCK);
	for (i = 0; i < NSEM; i++)
		g_sem[i] = sem_or_die(0, g_sem_max[i], i ? EVOBJ_NONBLOCK : 0);
	g_sem_full = sem_or_die(1, 1, EVOBJ_NONBLOCK);
	for (i = 0; i < NMTX; i++)
		g_mtx[i] = mtx_or_die(0, 0);
	g_mtx_held = mtx_or_die(HELD_OWNER, 1);
	nt_open();
	g_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (g_efd < 0 || pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC)) {
		perror("fuzz: eventfd/pipe");
		exit(2);
	}
	while (fcntl(g_closed, F_GETFD) >= 0)
		g_closed++;
	{
		struct rlimit rl;

		if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 1024)
			g_word_fd_base = rl.rlim_cur * 3 / 4;
	}
	g_none = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g_none == MAP_FAILED)
		exit(2);
	for (int i = 0; i < opt_threads; i++) {
		struct thr *t = &g_thr[i];

		t->id = i;
		t->rng = opt_seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
		t->rw = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		mfd = memfd_create("evobj_fuzz", MFD_CLOEXEC);
		if (t->rw == MAP_FAILED || mfd < 0 || ftruncate(mfd, PAGE)) {
			perror("fuzz: mmap/memfd");
			exit(2);
		}
		mprotect(t->rw + 2 * PAGE, PAGE, PROT_NONE);
		t->ro_w = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		t->ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, mfd, 0);
		if (t->ro_w == MAP_FAILED || t->ro == MAP_FAILED)
			exit(2);
		close(mfd);
	}
	/* The pool: mostly events, some other kinds. */
	{
		struct thr *t = &g_thr[0];
		uint64_t saved = t->rng;

		for (i = 0; i < NSLOT; i++)
			atomic_store(&g_slot[i], -1);
		for (i = 0; i < NSTALE; i++)
			atomic_store(&g_stale[i], g_closed);
		for (i = 0; i < NSLOT * 3 / 4; i++)
			new_object(t);
		t->rng = saved;
	}
	/*
	 * Each thread's private objects: one of each kind through each
	 * device (/dev/evobj's alone without /dev/ntsync).
	 */
	for (int j = 0; j < opt_threads; j++) {
		struct thr *t = &g_thr[j];
		uint64_t saved = t->rng;

		for (i = 0; i < NPRIV; i++) {
			struct pobj *o = &t->priv[i];

			o->kind = i % 3;
			o->nt = g_nt >= 0 && i < 3;
			o->fd = priv_make(t, o, false);
			if (o->fd < 0) {
				perror("fuzz: a private object");
				exit(2);
			}
			/* nobody else runs yet: exactly as made */
			for (int n = 0; n < 3; n++)
				priv_check(t, o, "its creation");
		}
		for (i = 0; i < NSPARE; i++) {
			struct pobj *o = &t->spare[i];

			o->fd = priv_make(t, o, true);
			if (o->fd < 0) {
				perror("fuzz: a private object");
				exit(2);
			}
			for (int n = 0; n < 3; n++)
				priv_check(t, o, "its creation");
		}
		t->rng = saved;
	}
	/*
	 * The numbers the pool's set-up closed (slots stored twice) are
	 * the private objects' now: they are stale to nobody.
	 */
	for (i = 0; i < NSTALE; i++)
		atomic_store(&g_stale[i], g_closed);
	atomic_store(&g_calls, 0);
	atomic_store(&g_ok, 0);
	memset(g_errs, 0, sizeof(g_errs));
}

/*
 * Small limits, so that ENOSPC paths run all the time (issue 8: a
 * per-user cap on armed timers, a per-event cap on queued waiters).
 */
static void limits_lower(uint64_t seed)
{
	long t = 2 + seed % 7, w = 2 + (seed >> 8) % 3;

	g_old_timers = param_read(PARAM_DIR "max_timers");
	g_old_waiters = param_read(PARAM_DIR "max_waiters");
	if (g_old_timers >= 0 && !param_write(PARAM_DIR "max_timers", t))
		g_max_timers = t;
	if (g_old_waiters >= 0 && !param_write(PARAM_DIR "max_waiters", w))
		g_max_waiters = w;
	printf("fuzz: limits: max_timers %ld, max_waiters %ld%s\n",
	       g_max_timers, g_max_waiters,
	       g_max_timers < 0 && g_max_waiters < 0 ? " (module defaults)" : "");
}

static void limits_restore(void)
{
	if (g_max_timers >= 0)
		param_write(PARAM_DIR "max_timers", g_old_timers);
	if (g_max_waiters >= 0)
		param_write(PARAM_DIR "max_waiters", g_old_waiters);
}

static int arm_one(int fd)
{
	struct evobj_timer tm = { .expires = mono() + 3600 * NSEC_PER_SEC };

	return ioctl(fd, EVOBJ_IOC_TIMER, &tm);
}

/*
 * After the run: nothing waits on the persistent events any more, and
 * once every fd is closed all of max_timers can be armed again, and
 * no more (a slot leaked or given back twice shows here).
 */
static void leak_checks(void)
{
	int pers[NACCT + NSEM + NMTX + 6], n = 0, fds[64], armed = 0, i;
	struct evobj_timer off = { 0 };
	uint64_t end;

	words_unmap_all();
	for (i = 0; i < NACCT; i++)
		pers[n++] = g_acct[i];
	pers[n++] = g_always;
	pers[n++] = g_never;
	pers[n++] = g_probe[0];
	pers[n++] = g_probe[1];
	for (i = 0; i < NSEM; i++)
		pers[n++] = g_sem[i];
	pers[n++] = g_sem_full;
	for (i = 0; i < NMTX; i++)
		pers[n++] = g_mtx[i];
	pers[n++] = g_mtx_held;
	for (i = 0; i < n; i++) {
		char path[64], buf[1024], *p;
		ssize_t len = -1;
		int f;

		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pers[i]);
		f = open(path, O_RDONLY | O_CLOEXEC);
		if (f >= 0) {
			len = read(f, buf, sizeof(buf) - 1);
			close(f);
		}
		if (len <= 0)
			continue;
		buf[len] = 0;
		p = strstr(buf, "waiters:");
		if (p && strtol(p + strlen("waiters:"), NULL, 10) != 0)
			violation(NULL, "fd %d has %ld waiters after every wait returned",
				  pers[i], strtol(p + strlen("waiters:"), NULL, 10));
	}
	for (i = 0; i < 2; i++)
		ioctl(g_probe[i], EVOBJ_IOC_TIMER, &off);
	for (i = 0; i < NSLOT; i++) {
		int fd = atomic_exchange(&g_slot[i], -1);

		if (fd >= 0 && !persistent(fd))
			close(fd);
	}
	if (g_max_timers < 0 || g_max_timers > 60)
		return;
	/* Files in flight in closed sockets may be released by a worker. */
	end = mono() + 5 * NSEC_PER_SEC;
	for (i = 0; i < g_max_timers + 1; i++) {
		fds[i] = create_or_die(EVOBJ_SYNCHRONIZATION, 0);
		while (arm_one(fds[i]) && errno == ENOSPC && i < g_max_timers &&
		       mono() < end)
			usleep(10000);
	}
	for (i = 0; i < g_max_timers + 1; i++) {
		struct evobj_timer again = { .expires = mono() + 3600 * NSEC_PER_SEC };

		/* re-arming an armed timer takes no second slot */
		if (!ioctl(fds[i], EVOBJ_IOC_TIMER, &again))
			armed++;
	}
	printf("fuzz: after the run, %d timers armed of max_timers %ld\n",
	       armed, g_max_timers);
	if (armed != g_max_timers)
		violation(NULL, "after every fd closed, %d timers could be armed, max_timers is %ld (%s)",
			  armed, g_max_timers, armed < g_max_timers ?
			  "timer slots leaked" : "a slot given back twice");
	for (i = 0; i < g_max_timers + 1; i++)
		close(fds[i]);
	/* closing gave every slot back */
	fds[0] = create_or_die(EVOBJ_SYNCHRONIZATION, 0);
	end = mono() + 5 * NSEC_PER_SEC;
	while (arm_one(fds[0]) && mono() < end)
		usleep(10000);
	if (arm_one(fds[0]))
		violation(NULL, "no timer can be armed after closing every armed one: %s",
			  ename(errno));
	close(fds[0]);
}

static int report(void)
{
	uint64_t secs = mono() - g_start_ns;
	unsigned long calls = atomic_load(&g_calls), errs = 0;
	char line[2048];
	size_t len = 0;
	int bad = 0;

	/* The accounting invariant, per event. */
	for (int i = 0; i < NACCT; i++) {
		struct evobj_state s = { POISON32, POISON32 };
		unsigned long sets0 = atomic_load(&g_acc[i].sets0);
		unsigned long cons = atomic_load(&g_acc[i].consumed);
		unsigned long res = atomic_load(&g_acc[i].resets1);

		if (ioctl(g_acct[i], EVOBJ_IOC_READ, &s) || s.signaled > 1) {
			violation(NULL, "READ of accounting event %d failed", i);
			bad = 1;
			continue;
		}
		printf("fuzz: accounting event %d: %lu sets from 0 %s %lu consumed + %lu reset + %u final\n",
		       i, sets0, sets0 == cons + res + s.signaled ? "==" : "!=",
		       cons, res, s.signaled);
		if (sets0 != cons + res + s.signaled) {
			violation(NULL, "accounting event %d: %lu sets that returned 0, but %lu consumptions + %lu resets that returned 1 + final state %u (%s)",
				  i, sets0, cons, res, s.signaled,
				  sets0 > cons + res + s.signaled ?
				  "a lost signal" : "a duplicated consumption");
			bad = 1;
		}
	}
	/* Per semaphore: units released == units taken + final count. */
	for (int i = 0; i < NSEM; i++) {
		struct evobj_semaphore_state st = { POISON32, POISON32 };
		unsigned long rel = atomic_load(&g_sacc[i].released);
		unsigned long took = atomic_load(&g_sacc[i].taken);
		unsigned long ro = atomic_load(&g_sacc[i].ro_efault);

		if (ioctl(g_sem[i], EVOBJ_IOC_READ_SEMAPHORE, &st) ||
		    st.max != g_sem_max[i] || st.count > st.max) {
			violation(NULL, "READ_SEMAPHORE of accounting semaphore %d failed or is wrong (count %u max %u)",
				  i, st.count, st.max);
			bad = 1;
			continue;
		}
		printf("fuzz: accounting semaphore %d (max %u): %lu units released %s %lu taken + %u final; %lu releases refused (EOVERFLOW)\n",
		       i, st.max, rel, rel == took + st.count ? "==" : "!=", took,
		       st.count, atomic_load(&g_sacc[i].overflows));
		if (rel != took + st.count) {
			violation(NULL, "accounting semaphore %d: %lu units released, but %lu taken + final count %u (%s)%s",
				  i, rel, took, st.count,
				  rel > took + st.count ? "units lost" :
				  "units taken or released that nobody released",
				  ro ? "; RELEASEs that failed with EFAULT on a read-only argument may have released" : "");
			if (ro)
				fprintf(stderr, "fuzz: %lu units in RELEASEs that failed with EFAULT on a read-only argument%s\n",
					ro, took + st.count - rel == ro ?
					": exactly the difference, so the kernel released them before it failed (the contract: EFAULT before anything changes)" : "");
			bad = 1;
		}
	}
	{
		struct evobj_semaphore_state st = { POISON32, POISON32 };

		if (ioctl(g_sem_full, EVOBJ_IOC_READ_SEMAPHORE, &st) ||
		    st.count != 1 || st.max != 1) {
			violation(NULL, "the full semaphore ended with count %u max %u",
				  st.count, st.max);
			bad = 1;
		}
	}
	/*
	 * Per mutex: unowned now that every owner gave back what it held,
	 * and kills == EOWNERDEAD acquisitions + the flag still set.
	 */
	for (int i = 0; i < NMTX; i++) {
		struct evobj_mutex_state st = { POISON32, POISON32, POISON32, POISON32 };
		unsigned long kills = atomic_load(&g_macc[i].kills);
		unsigned long dead = atomic_load(&g_macc[i].ownerdead);
		bool flag;

		if (ioctl(g_mtx[i], EVOBJ_IOC_READ_MUTEX, &st)) {
			violation(NULL, "READ_MUTEX of accounting mutex %d failed: %s",
				  i, ename(errno));
			bad = 1;
			continue;
		}
		flag = st.flags & EVOBJ_MUTEX_ABANDONED;
		printf("fuzz: accounting mutex %d: %lu acquisitions; %lu kills %s %lu EOWNERDEAD + %d abandoned; %lu refused (EPERM); ends owner %#x count %u\n",
		       i, atomic_load(&g_macc[i].acquired), kills,
		       kills == dead + flag ? "==" : "!=", dead, flag,
		       atomic_load(&g_macc[i].eperm), st.owner, st.count);
		if (st.owner || st.count || st.pad ||
		    (st.flags & ~EVOBJ_MUTEX_ABANDONED)) {
			violation(NULL, "accounting mutex %d ends owner %#x count %u flags %#x, though every owner unlocked what it held",
				  i, st.owner, st.count, st.flags);
			bad = 1;
		}
		if (kills != dead + flag) {
			violation(NULL, "accounting mutex %d: %lu kills, but %lu acquisitions said EOWNERDEAD and the flag is %d (%s)",
				  i, kills, dead, flag, kills > dead + flag ?
				  "an abandonment lost" : "EOWNERDEAD without a kill, or twice");
			bad = 1;
		}
	}
	{
		struct evobj_mutex_state st = { POISON32, POISON32, POISON32, POISON32 };

		if (ioctl(g_mtx_held, EVOBJ_IOC_READ_MUTEX, &st) ||
		    st.owner != HELD_OWNER || st.count != 1 || st.flags) {
			violation(NULL, "the held mutex ended owner %#x count %u flags %#x",
				  st.owner, st.count, st.flags);
			bad = 1;
		}
	}
	for (int i = 0; i < 2; i++) {
		struct evobj_state s = { POISON32, POISON32 };
		int fd = i ? g_always : g_never;

		if (ioctl(fd, EVOBJ_IOC_READ, &s) || s.signaled != (uint32_t)i) {
			violation(NULL, "the %s event ended with state %u",
				  i ? "always-signaled" : "never-signaled",
				  s.signaled);
			bad = 1;
		}
	}
	for (int e = 1; e < 256; e++) {
		unsigned long n = atomic_load(&g_errs[e]);

		if (!n)
			continue;
		errs += n;
		len += snprintf(line + len, sizeof(line) - len, " %s %lu",
				ename(e), n);
		if (len >= sizeof(line))
			break;
	}
	printf("fuzz: %lu calls, %lu ok, %lu errors (%s ), %.0f calls/s over %.1f s\n",
	       calls, atomic_load(&g_ok), errs, len ? line : "", calls /
	       ((double)secs / NSEC_PER_SEC), (double)secs / NSEC_PER_SEC);
	printf("fuzz: %lu waits succeeded, %lu forks, %lu fds through SCM_RIGHTS, %lu timers armed, %lu EINTR\n",
	       atomic_load(&g_waits_ok), atomic_load(&g_forks),
	       atomic_load(&g_scm_fds), atomic_load(&g_timers),
	       atomic_load(&g_eintr));
	printf("fuzz: %lu words mapped, %lu operations through words, %lu of them counted sets, resets and takes\n",
	       atomic_load(&g_words_mapped), atomic_load(&g_word_ops),
	       atomic_load(&g_acct_word_counted));
	printf("fuzz: ntsync: %lu calls%s, %lu private objects read back as modelled, %lu waits completed\n",
	       atomic_load(&g_nt_calls),
	       g_nt >= 0 ? "" : " (no /dev/ntsync: object ioctls only)",
	       atomic_load(&g_nt_checks), atomic_load(&g_nt_waits_ok));
	if (atomic_load(&g_violations) || bad) {
		printf("fuzz: FAIL: %u violations (seed %llu; replay with --seed %llu)\n",
		       atomic_load(&g_violations), (unsigned long long)opt_seed,
		       (unsigned long long)opt_seed);
		return 1;
	}
	printf("fuzz: PASS (seed %llu)\n", (unsigned long long)opt_seed);
	return 0;
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: evobj_fuzz [--seed S] [--calls N] [--seconds S] [--threads T]\n"
		"                  [--slack S] [--unload] [--no-limits] [--smoke] [-v]\n"
		"  --seed S     replay a run (default: from the clock; printed)\n"
		"  --calls N    stop after N calls (default 100000 unless --seconds)\n"
		"  --seconds S  stop after S seconds\n"
		"  --threads T  threads issuing calls (default 4, at most %d)\n"
		"  --slack S    seconds a call may overrun its timeout (default 20)\n"
		"  --unload     rmmod runs meanwhile: tolerate its transient\n"
		"               refusal of new module references (ENODEV, ENOENT)\n"
		"  --no-limits  keep evobj's max_timers and max_waiters (by default\n"
		"               they are lowered for the run, where writable)\n"
		"  --smoke      only check create/set/wait, then exit\n",
		MAX_THREADS);
	exit(rc);
}

int main(int argc, char **argv)
{
	pthread_t wd;
	bool seeded = false;
	sigset_t set;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--smoke"))
			return smoke();
		if (!strcmp(a, "--unload")) {
			opt_unload = true;
			continue;
		}
		if (!strcmp(a, "--no-limits")) {
			opt_no_limits = true;
			continue;
		}
		if (!strcmp(a, "-v")) {
			opt_verbose++;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			usage(0);
		if (!v)
			usage(2);
		if (!strcmp(a, "--seed")) {
			opt_seed = strtoull(v, NULL, 0);
			seeded = true;
		} else if (!strcmp(a, "--calls")) {
			opt_calls = strtoull(v, NULL, 0);
		} else if (!strcmp(a, "--seconds")) {
			opt_seconds = strtoull(v, NULL, 0);
		} else if (!strcmp(a, "--threads")) {
			opt_threads = atoi(v);
		} else if (!strcmp(a, "--slack")) {
			opt_slack_ns = strtoull(v, NULL, 0) * NSEC_PER_SEC;
		} else {
			usage(2);
		}
		i++;
	}
	if (opt_threads < 1 || opt_threads > MAX_THREADS)
		usage(2);
	if (!opt_calls && !opt_seconds)
		opt_calls = 100000;
	if (!seeded)
		opt_seed = mono() ^ ((uint64_t)getpid() << 32) ^ now_ns(CLOCK_REALTIME);
	printf("fuzz: seed %llu, %d threads, %llu calls, %llu s (replay: --seed %llu)\n",
	       (unsigned long long)opt_seed, opt_threads,
	       (unsigned long long)opt_calls, (unsigned long long)opt_seconds,
	       (unsigned long long)opt_seed);
	fflush(stdout);

	init_allow();
	signal(SIGPIPE, SIG_IGN);
	set_usr1(false);
	{
		struct sigaction sa = { .sa_handler = on_signal };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR2, &sa, NULL);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if (!opt_no_limits)
		limits_lower(opt_seed);
	setup();
	g_start_ns = mono();
	for (i = 0; i < opt_threads; i++)
		if (pthread_create(&g_thr[i].pt, NULL, worker, &g_thr[i])) {
			perror("fuzz: pthread_create");
			return 2;
		}
	/* The watchdog and main thread take no signals meant for workers. */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&wd, NULL, watchdog, NULL);
	for (i = 0; i < opt_threads; i++)
		pthread_join(g_thr[i].pt, NULL);
	atomic_store(&g_stop, true);
	pthread_join(wd, NULL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	leak_checks();
	limits_restore();
	(void)opt_verbose;
	return report();
}
