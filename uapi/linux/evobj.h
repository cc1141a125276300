/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * evobj: NT-style event objects (KEVENT) for Linux.
 *
 * Userspace ABI of /dev/evobj and of the per-event file descriptors it
 * hands out. Every structure is built from fixed-width types only, with
 * explicit padding, so that 32- and 64-bit userspace share one layout and
 * the driver needs no compat translation beyond compat_ptr_ioctl.
 */
#ifndef _UAPI_LINUX_EVOBJ_H
#define _UAPI_LINUX_EVOBJ_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Event types (struct evobj_create.type, struct evobj_state.type). */
#define EVOBJ_NOTIFICATION	0	/* manual-reset */
#define EVOBJ_SYNCHRONIZATION	1	/* auto-reset */
/* A semaphore: struct evobj_state.type only; made by ..._CREATE_SEMAPHORE. */
#define EVOBJ_SEMAPHORE		2
/* A mutex: struct evobj_state.type only; made by ..._CREATE_MUTEX. */
#define EVOBJ_MUTEX		3

/* Flags for EVOBJ_IOC_CREATE (bits 0, 1, 2). */
#define EVOBJ_SIGNALED		0x1U	/* created signaled */
#define EVOBJ_CLOEXEC		0x2U	/* O_CLOEXEC on the new fd */
#define EVOBJ_NONBLOCK		0x4U	/* O_NONBLOCK on the new fd */

/* Flags for EVOBJ_IOC_WAIT_ANY and EVOBJ_IOC_WAIT_ALL (bit 0). */
#define EVOBJ_WAIT_REALTIME	0x1U	/* timeout is on CLOCK_REALTIME */

/* A timeout that never expires. */
#define EVOBJ_TIMEOUT_INFINITE	(~(__u64)0)

/*
 * The state word, the __u32 at offset 0 of the page that mmap() of an
 * event fd maps (Documentation/evobj.rst, "The mapped state word").
 */
#define EVOBJ_WORD_SIGNALED	0x1U	/* the event is signaled */
#define EVOBJ_WORD_KERNEL	0x2U	/* the kernel holds the word: hands off */

/* The most objects one wait may name (the alert comes on top). */
#define EVOBJ_MAX_WAIT		64

/*
 * The shortest period EVOBJ_IOC_TIMER accepts, in ns: the timer fires in
 * hardirq context, and a shorter period could keep a CPU in the handler.
 */
#define EVOBJ_TIMER_MIN_PERIOD	100000ULL

/* Dispositions for EVOBJ_IOC_OPEN (struct evobj_open.disposition). */
#define EVOBJ_OPEN_ALWAYS	0	/* open the name, or create it */
#define EVOBJ_OPEN_EXISTING	1	/* open only: ENOENT if absent */
#define EVOBJ_CREATE_NEW	2	/* create only: EEXIST if present */

/* Out flags of EVOBJ_IOC_OPEN (struct evobj_open.result). */
#define EVOBJ_OPEN_CREATED	0x1U	/* this call created the event */

/* The largest maximum count of a semaphore (Win32's LONG maximum). */
#define EVOBJ_SEMAPHORE_MAX	0x7fffffffU

/* The longest name, in bytes, without its terminating NUL. */
#define EVOBJ_NAME_MAX		255

struct evobj_create {
	__u32 type;		/* EVOBJ_NOTIFICATION or EVOBJ_SYNCHRONIZATION */
	__u32 flags;		/* EVOBJ_SIGNALED | EVOBJ_CLOEXEC | EVOBJ_NONBLOCK */
};

struct evobj_state {
	__u32 type;		/* out: the event's type */
	__u32 signaled;		/* out: 1 if signaled, else 0 */
};

struct evobj_wait {
	__u64 timeout;		/* absolute ns; EVOBJ_TIMEOUT_INFINITE never expires */
	__u64 fds;		/* user address of __s32 fds[count] */
	__u32 count;		/* 1 .. EVOBJ_MAX_WAIT */
	__u32 index;		/* out: winning index; count if the alert won */
	__u32 flags;		/* EVOBJ_WAIT_REALTIME */
	__s32 alert;		/* event fd, or -1 */
	__s32 signal;		/* event fd to set before waiting, or -1;
				 * reset to -1 when a signal interrupts the
				 * wait, so a restart does not set it twice
				 */
	__u32 owner;		/* the mutex owner of this wait; any value
				 * if it names no mutex (was pad)
				 */
};

struct evobj_timer {
	__u64 expires;		/* absolute CLOCK_MONOTONIC ns; 0 with period 0 disarms */
	__u64 period;		/* ns between later expiries; 0 = one shot */
	__u32 flags;		/* must be 0 */
	__u32 pad;		/* must be 0 */
};

/*
 * A named event or semaphore: opens the object that has this name in the
 * caller's IPC namespace, or creates it. The event type, EVOBJ_SIGNALED,
 * count, max and mode matter only when this call creates the object; an
 * existing one keeps its own, but must be of the kind asked for
 * (EMEDIUMTYPE otherwise).
 * The struct may grow at its end: EVOBJ_IOC_OPEN's number carries its
 * size, and the module accepts a larger one whose fields unknown to it
 * are zero (E2BIG otherwise).
 */
struct evobj_open {
	__u64 name;		/* user address of a NUL-terminated name,
				 * 1 .. EVOBJ_NAME_MAX bytes
				 */
	__u32 type;		/* EVOBJ_NOTIFICATION, _SYNCHRONIZATION or
				 * EVOBJ_SEMAPHORE (the kind to open)
				 */
	__u32 flags;		/* EVOBJ_SIGNALED | EVOBJ_CLOEXEC | EVOBJ_NONBLOCK */
	__u32 disposition;	/* EVOBJ_OPEN_ALWAYS, _OPEN_EXISTING, _CREATE_NEW */
	__u32 mode;		/* permission bits (0777) of a created name */
	__u32 result;		/* out: EVOBJ_OPEN_CREATED or 0 */
	__u32 pad;		/* must be 0 */
	/* Since VER1: a created EVOBJ_SEMAPHORE's; 0 for an event. */
	__u32 count;		/* initial count, 0 .. max; a mutex's count */
	__u32 max;		/* 1 .. EVOBJ_SEMAPHORE_MAX; 0 for a mutex */
	/* Since VER2: a created EVOBJ_MUTEX's initial owner, else 0. */
	__u32 owner;
	__u32 pad2;		/* must be 0 */
};

/* The size of the first struct evobj_open, with count and max, with owner. */
#define EVOBJ_OPEN_SIZE_VER0	32
#define EVOBJ_OPEN_SIZE_VER1	40
#define EVOBJ_OPEN_SIZE_VER2	48

/*
 * A wait set (EVOBJ_IOC_WAITSET): a list of events named once, then
 * waited on with EVOBJ_IOC_WAITSET_ANY/_ALL on the fd it returns.
 */
struct evobj_waitset {
	__u64 fds;		/* user address of __s32 fds[count] */
	__u32 count;		/* 1 .. EVOBJ_MAX_WAIT */
	__u32 flags;		/* EVOBJ_CLOEXEC */
};

/* A wait on a wait set: struct evobj_wait without the list. */
struct evobj_waitset_wait {
	__u64 timeout;		/* absolute ns; EVOBJ_TIMEOUT_INFINITE never expires */
	__u32 flags;		/* EVOBJ_WAIT_REALTIME */
	__u32 index;		/* out: winning index; the set's count if the alert won */
	__s32 alert;		/* event fd, or -1 */
	__s32 signal;		/* event fd to set before waiting, or -1;
				 * reset to -1 when a signal interrupts the
				 * wait, so a restart does not set it twice
				 */
	/* Since VER1: */
	__u32 owner;		/* the mutex owner this wait is for */
	__u32 pad;		/* must be 0 */
};

/*
 * The first struct evobj_waitset_wait, which waits with owner 0, and the
 * one with owner: the ioctl numbers carry the size, and both are taken.
 */
#define EVOBJ_WAITSET_WAIT_SIZE_VER0	24
#define EVOBJ_WAITSET_WAIT_SIZE_VER1	32

/* A semaphore (EVOBJ_IOC_CREATE_SEMAPHORE). */
struct evobj_semaphore {
	__u32 count;		/* initial count, 0 .. max */
	__u32 max;		/* 1 .. EVOBJ_SEMAPHORE_MAX */
	__u32 flags;		/* EVOBJ_CLOEXEC | EVOBJ_NONBLOCK */
	__u32 pad;		/* must be 0 */
};

struct evobj_semaphore_state {
	__u32 count;		/* out */
	__u32 max;		/* out */
};

/* A mutex (EVOBJ_IOC_CREATE_MUTEX). */
struct evobj_mutex {
	__u32 owner;		/* 0 (unowned), or the initial owner */
	__u32 count;		/* 0 with owner 0, else 1 or more */
	__u32 flags;		/* EVOBJ_CLOEXEC | EVOBJ_NONBLOCK */
	__u32 pad;		/* must be 0 */
};

/* EVOBJ_IOC_UNLOCK. */
struct evobj_mutex_unlock {
	__u32 owner;		/* the owner unlocking, nonzero */
	__u32 count;		/* out: the recursion count before */
};

/* Flags of struct evobj_mutex_state. */
#define EVOBJ_MUTEX_ABANDONED	0x1U	/* killed; not acquired since */

struct evobj_mutex_state {
	__u32 owner;		/* out: 0 while unowned */
	__u32 count;		/* out */
	__u32 flags;		/* out: EVOBJ_MUTEX_ABANDONED */
	__u32 pad;		/* out: 0 */
};

/*
 * ioctl code 0xE6, numbers 0x00-0x1F, is reserved for evobj (free in
 * Documentation/userspace-api/ioctl/ioctl-number.rst as of Linux 6.12).
 */
#define EVOBJ_IOC_MAGIC		0xE6

/* On /dev/evobj. */
#define EVOBJ_IOC_CREATE	_IOW(EVOBJ_IOC_MAGIC, 0x00, struct evobj_create)
#define EVOBJ_IOC_WAIT_ANY	_IOWR(EVOBJ_IOC_MAGIC, 0x01, struct evobj_wait)
#define EVOBJ_IOC_WAIT_ALL	_IOWR(EVOBJ_IOC_MAGIC, 0x02, struct evobj_wait)
/* Returns the new event fd. */
#define EVOBJ_IOC_OPEN		_IOWR(EVOBJ_IOC_MAGIC, 0x03, struct evobj_open)
/* Returns the new wait-set fd. */
#define EVOBJ_IOC_WAITSET	_IOW(EVOBJ_IOC_MAGIC, 0x04, struct evobj_waitset)
/* Returns the new semaphore fd. */
#define EVOBJ_IOC_CREATE_SEMAPHORE \
	_IOW(EVOBJ_IOC_MAGIC, 0x05, struct evobj_semaphore)
/* Returns the new mutex fd. */
#define EVOBJ_IOC_CREATE_MUTEX	_IOW(EVOBJ_IOC_MAGIC, 0x06, struct evobj_mutex)

/*
 * On an event fd. SET, RESET and PULSE write the previous state (0 or 1)
 * to the __u32 the argument points to; a NULL argument skips that.
 */
#define EVOBJ_IOC_SET		_IOR(EVOBJ_IOC_MAGIC, 0x08, __u32)
#define EVOBJ_IOC_RESET		_IOR(EVOBJ_IOC_MAGIC, 0x09, __u32)
#define EVOBJ_IOC_PULSE		_IOR(EVOBJ_IOC_MAGIC, 0x0A, __u32)
#define EVOBJ_IOC_READ		_IOR(EVOBJ_IOC_MAGIC, 0x0B, struct evobj_state)
#define EVOBJ_IOC_TIMER		_IOW(EVOBJ_IOC_MAGIC, 0x0C, struct evobj_timer)
/* A wait on this one event: a wait set's wait, with index 1 for the alert. */
#define EVOBJ_IOC_WAIT		_IOWR(EVOBJ_IOC_MAGIC, 0x0F, struct evobj_waitset_wait)

/* On a wait-set fd. */
#define EVOBJ_IOC_WAITSET_ANY	_IOWR(EVOBJ_IOC_MAGIC, 0x0D, struct evobj_waitset_wait)
#define EVOBJ_IOC_WAITSET_ALL	_IOWR(EVOBJ_IOC_MAGIC, 0x0E, struct evobj_waitset_wait)

/*
 * On a semaphore fd, which also takes EVOBJ_IOC_READ and EVOBJ_IOC_WAIT.
 * RELEASE reads the units to release and writes back the previous count.
 */
#define EVOBJ_IOC_RELEASE	_IOWR(EVOBJ_IOC_MAGIC, 0x10, __u32)
#define EVOBJ_IOC_READ_SEMAPHORE \
	_IOR(EVOBJ_IOC_MAGIC, 0x11, struct evobj_semaphore_state)

/*
 * On a mutex fd, which also takes EVOBJ_IOC_READ and EVOBJ_IOC_WAIT.
 * A wait that acquires an abandoned mutex fails with EOWNERDEAD, having
 * acquired it.
 */
#define EVOBJ_IOC_UNLOCK	_IOWR(EVOBJ_IOC_MAGIC, 0x12, struct evobj_mutex_unlock)
#define EVOBJ_IOC_KILL		_IOW(EVOBJ_IOC_MAGIC, 0x13, __u32)
#define EVOBJ_IOC_READ_MUTEX	_IOR(EVOBJ_IOC_MAGIC, 0x14, struct evobj_mutex_state)

#endif /* _UAPI_LINUX_EVOBJ_H */
