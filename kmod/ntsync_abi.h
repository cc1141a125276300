/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The ABI of /dev/ntsync as evobj serves it (Documentation/evobj.rst,
 * "The ntsync device"): the ioctl numbers and structure layouts of
 * mainline's final <uapi/linux/ntsync.h> (Linux 6.14), under evobj's own
 * names, since the 6.1 and 6.12 headers have no such file or an early
 * draft of it with other numbers. Layouts are fixed-width, with no
 * implicit padding: one layout on 32 and 64 bits. Usable from userspace
 * too (the selftests).
 */
#ifndef _EVOBJ_NTSYNC_ABI_H
#define _EVOBJ_NTSYNC_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* NTSYNC_IOC_CREATE_SEM, NTSYNC_IOC_SEM_READ: struct ntsync_sem_args. */
struct evobj_nt_sem {
	__u32 count;
	__u32 max;
};

/*
 * NTSYNC_IOC_CREATE_MUTEX, _MUTEX_UNLOCK (owner in, previous count out),
 * _MUTEX_READ: struct ntsync_mutex_args.
 */
struct evobj_nt_mutex {
	__u32 owner;
	__u32 count;
};

/* NTSYNC_IOC_CREATE_EVENT, _EVENT_READ: struct ntsync_event_args. */
struct evobj_nt_event {
	__u32 manual;
	__u32 signaled;
};

/* struct ntsync_wait_args.flags: NTSYNC_WAIT_REALTIME. */
#define EVOBJ_NT_WAIT_REALTIME	0x1U

/* NTSYNC_IOC_WAIT_ANY, _WAIT_ALL: struct ntsync_wait_args (40 bytes). */
struct evobj_nt_wait {
	__u64 timeout;		/* absolute ns; U64_MAX never expires */
	__u64 objs;		/* pointer to count __s32 fds */
	__u32 count;		/* 0 .. EVOBJ_NT_MAX_WAIT */
	__u32 index;		/* out: the winner, count for the alert */
	__u32 flags;		/* EVOBJ_NT_WAIT_REALTIME */
	__u32 owner;		/* mutex owner, nonzero if a mutex is named */
	__u32 alert;		/* an object fd, 0 for none */
	__u32 pad;		/* must be 0 */
};

/* NTSYNC_MAX_WAIT_COUNT. */
#define EVOBJ_NT_MAX_WAIT	64

#define EVOBJ_NT_IOC_MAGIC	'N'

/* On /dev/ntsync. */
#define EVOBJ_NT_IOC_CREATE_SEM		_IOW(EVOBJ_NT_IOC_MAGIC, 0x80, struct evobj_nt_sem)
#define EVOBJ_NT_IOC_WAIT_ANY		_IOWR(EVOBJ_NT_IOC_MAGIC, 0x82, struct evobj_nt_wait)
#define EVOBJ_NT_IOC_WAIT_ALL		_IOWR(EVOBJ_NT_IOC_MAGIC, 0x83, struct evobj_nt_wait)
#define EVOBJ_NT_IOC_CREATE_MUTEX	_IOW(EVOBJ_NT_IOC_MAGIC, 0x84, struct evobj_nt_mutex)
#define EVOBJ_NT_IOC_CREATE_EVENT	_IOW(EVOBJ_NT_IOC_MAGIC, 0x87, struct evobj_nt_event)

/* On an object fd of the kind they name; EINVAL on another kind's. */
#define EVOBJ_NT_IOC_SEM_RELEASE	_IOWR(EVOBJ_NT_IOC_MAGIC, 0x81, __u32)
#define EVOBJ_NT_IOC_MUTEX_UNLOCK	_IOWR(EVOBJ_NT_IOC_MAGIC, 0x85, struct evobj_nt_mutex)
#define EVOBJ_NT_IOC_MUTEX_KILL		_IOW(EVOBJ_NT_IOC_MAGIC, 0x86, __u32)
#define EVOBJ_NT_IOC_EVENT_SET		_IOR(EVOBJ_NT_IOC_MAGIC, 0x88, __u32)
#define EVOBJ_NT_IOC_EVENT_RESET	_IOR(EVOBJ_NT_IOC_MAGIC, 0x89, __u32)
#define EVOBJ_NT_IOC_EVENT_PULSE	_IOR(EVOBJ_NT_IOC_MAGIC, 0x8a, __u32)
#define EVOBJ_NT_IOC_SEM_READ		_IOR(EVOBJ_NT_IOC_MAGIC, 0x8b, struct evobj_nt_sem)
#define EVOBJ_NT_IOC_MUTEX_READ		_IOR(EVOBJ_NT_IOC_MAGIC, 0x8c, struct evobj_nt_mutex)
#define EVOBJ_NT_IOC_EVENT_READ		_IOR(EVOBJ_NT_IOC_MAGIC, 0x8d, struct evobj_nt_event)

#endif /* _EVOBJ_NTSYNC_ABI_H */
