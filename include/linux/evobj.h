/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evobj: NT-style event objects, the interface for other kernel code.
 *
 * A driver typically takes an event that its userspace client created
 * and passed in by fd (evobj_get()), signals it from its interrupt
 * handler (evobj_set()) and drops it when the client goes away
 * (evobj_put()). Kernel code may also own events (evobj_create()), open
 * one that userspace shares by name (evobj_open()) and sleep on them
 * (evobj_wait()). Semaphores are the same kind of object, made by
 * evobj_create_semaphore() and released by evobj_release(). Mutexes are
 * userspace's alone: handed one, the event functions change nothing and
 * evobj_wait() fails with -EINVAL, as a mutex wait needs an owner.
 */
#ifndef _LINUX_EVOBJ_H
#define _LINUX_EVOBJ_H

#include <linux/ktime.h>
#include <linux/types.h>
#include <uapi/linux/evobj.h>

struct evobj;
struct file;

struct evobj *evobj_create(u32 type, bool signaled);
struct evobj *evobj_create_semaphore(u32 count, u32 max);
struct evobj *evobj_get(int fd);
struct evobj *evobj_open(const char *name, u32 type, bool signaled,
			 u32 disposition, umode_t mode, bool *created);
struct evobj *evobj_get_file(struct file *file);
void evobj_put(struct evobj *ev);

bool evobj_set(struct evobj *ev);
bool evobj_reset(struct evobj *ev);
bool evobj_pulse(struct evobj *ev);
bool evobj_signaled(struct evobj *ev);
int evobj_release(struct evobj *sem, u32 n, u32 *prev);

int evobj_wait(struct evobj *ev, ktime_t abs_timeout);

#endif /* _LINUX_EVOBJ_H */
