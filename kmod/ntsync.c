// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/ntsync served with evobj objects: mainline's final ntsync ABI
 * (ntsync_abi.h) for kernels that have no ntsync driver. Its create
 * ioctls make ordinary evobj objects and return the fds /dev/evobj
 * would give; its waits run evobj's one wait; every object fd takes the
 * ntsync ioctls of its kind (device.c hands them here). See "The ntsync
 * device" in Documentation/evobj.rst, which also lists where this
 * differs from ntsync.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"
#include "ntsync_abi.h"

/* Asked for at load; once loaded, whether evobj's /dev/ntsync exists. */
static bool evobj_ntsync_param = true;
module_param_named(ntsync, evobj_ntsync_param, bool, 0444);
MODULE_PARM_DESC(ntsync,
		 "Register /dev/ntsync (mainline's ntsync ABI) unless a device of that name exists; reads whether it did");

/*
 * Reads *@uarg into *@val and writes it back, in one user-access
 * section: the argument in, and its place probed for the result, so that
 * a call that cannot write its result fails before it changes anything.
 */
static __always_inline int evobj_nt_get_probe(u32 *val, u32 __user *uarg)
{
	u32 v;

	if (!user_access_begin(uarg, sizeof(*uarg)))
		return -EFAULT;
	unsafe_get_user(v, uarg, efault);
	unsafe_put_user(v, uarg, efault);
	user_access_end();
	*val = v;
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

/* Object fd ioctls. */

/*
 * EVENT_SET, _RESET, _PULSE: the previous state out, as a __u32. The
 * pointer is probed first, so that a bad one fails before the change.
 * Inlined into the ioctl's switch, where @change is a direct call.
 */
static __always_inline long
evobj_nt_event_change(struct evobj *ev, u32 __user *uprev,
		      bool (*change)(struct evobj *ev))
{
	if (evobj_kind(ev->type) != EVOBJ_NOTIFICATION)
		return -EINVAL;
	if (put_user(0, uprev))
		return -EFAULT;
	return put_user(change(ev), uprev);
}

static long evobj_nt_event_read(struct evobj *ev,
				struct evobj_nt_event __user *uargs)
{
	struct evobj_nt_event args;

	if (evobj_kind(ev->type) != EVOBJ_NOTIFICATION)
		return -EINVAL;
	args.manual = ev->type == EVOBJ_NOTIFICATION;
	args.signaled = evobj_signaled(ev);
	return copy_to_user(uargs, &args, sizeof(args)) ? -EFAULT : 0;
}

/* A semaphore's count, under its lock. */
static u32 evobj_nt_sem_count(struct evobj *sem)
{
	u32 count;

	raw_spin_lock_irq(&sem->lock);
	count = sem->count;
	raw_spin_unlock_irq(&sem->lock);
	return count;
}

/*
 * The units come in where the previous count goes out. A release of 0
 * is no error here (it is to evobj's own ioctl): it changes nothing.
 */
static long evobj_nt_sem_release(struct evobj *sem, u32 __user *uarg)
{
	u32 n, prev;
	int ret;

	/* ntsync reads the count first: an unreadable one is EFAULT. */
	if (sem->type != EVOBJ_SEMAPHORE)
		return get_user(n, uarg) ? -EFAULT : -EINVAL;
	/* Probed for the write back too: a release must not then fail. */
	if (evobj_nt_get_probe(&n, uarg))
		return -EFAULT;
	if (n) {
		ret = evobj_task_release(sem, n, &prev);
		if (ret)
			return ret;
	} else {
		prev = evobj_nt_sem_count(sem);
	}
	return put_user(prev, uarg);
}

static long evobj_nt_sem_read(struct evobj *sem,
			      struct evobj_nt_sem __user *uargs)
{
	struct evobj_nt_sem args;

	if (sem->type != EVOBJ_SEMAPHORE)
		return -EINVAL;
	raw_spin_lock_irq(&sem->lock);
	args.count = sem->count;
	args.max = sem->max;
	raw_spin_unlock_irq(&sem->lock);
	return copy_to_user(uargs, &args, sizeof(args)) ? -EFAULT : 0;
}

/* The owner comes in where the previous count goes out. */
static long evobj_nt_mutex_unlock(struct evobj *mutex,
				  struct evobj_nt_mutex __user *uargs)
{
	struct evobj_nt_mutex args;
	u32 prev;
	int ret;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if (!args.owner || mutex->type != EVOBJ_MUTEX)
		return -EINVAL;
	if (put_user(args.count, &uargs->count))
		return -EFAULT;
	ret = evobj_task_unlock(mutex, args.owner, &prev);
	if (ret)
		return ret;
	return put_user(prev, &uargs->count);
}

static long evobj_nt_mutex_kill(struct evobj *mutex, u32 __user *uowner)
{
	u32 owner;

	if (get_user(owner, uowner))
		return -EFAULT;
	if (!owner || mutex->type != EVOBJ_MUTEX)
		return -EINVAL;
	return evobj_task_kill(mutex, owner);
}

/* The state is written whether or not the mutex is abandoned. */
static long evobj_nt_mutex_read(struct evobj *mutex,
				struct evobj_nt_mutex __user *uargs)
{
	struct evobj_mutex_state state;
	struct evobj_nt_mutex args;

	if (mutex->type != EVOBJ_MUTEX)
		return -EINVAL;
	evobj_mutex_read(mutex, &state);
	args.owner = state.owner;
	args.count = state.count;
	if (copy_to_user(uargs, &args, sizeof(args)))
		return -EFAULT;
	return state.flags & EVOBJ_MUTEX_ABANDONED ? -EOWNERDEAD : 0;
}

/**
 * evobj_ntsync_obj_ioctl() - an ntsync ioctl on an object fd of any kind
 * @ev: the object
 * @cmd: the ioctl
 * @argp: its argument
 *
 * Return: the ioctl's result, -EINVAL for another kind's, or
 * -ENOIOCTLCMD if @cmd is not one of ntsync's object ioctls.
 */
long evobj_ntsync_obj_ioctl(struct evobj *ev, unsigned int cmd,
			    void __user *argp)
{
	switch (cmd) {
	case EVOBJ_NT_IOC_SEM_RELEASE:
		return evobj_nt_sem_release(ev, argp);
	case EVOBJ_NT_IOC_SEM_READ:
		return evobj_nt_sem_read(ev, argp);
	case EVOBJ_NT_IOC_MUTEX_UNLOCK:
		return evobj_nt_mutex_unlock(ev, argp);
	case EVOBJ_NT_IOC_MUTEX_KILL:
		return evobj_nt_mutex_kill(ev, argp);
	case EVOBJ_NT_IOC_MUTEX_READ:
		return evobj_nt_mutex_read(ev, argp);
	case EVOBJ_NT_IOC_EVENT_SET:
		return evobj_nt_event_change(ev, argp, evobj_task_set);
	case EVOBJ_NT_IOC_EVENT_RESET:
		return evobj_nt_event_change(ev, argp, evobj_task_reset);
	case EVOBJ_NT_IOC_EVENT_PULSE:
		return evobj_nt_event_change(ev, argp, evobj_task_pulse);
	case EVOBJ_NT_IOC_EVENT_READ:
		return evobj_nt_event_read(ev, argp);
	default:
		return -ENOIOCTLCMD;
	}
}

/* /dev/ntsync ioctls. */

/* ntsync's limits: any max, 0 included, up to U32_MAX (evobj_attr_valid()). */
static long evobj_nt_create_sem(struct evobj_nt_sem __user *uargs)
{
	struct evobj_attr attr = { .type = EVOBJ_SEMAPHORE, .ntsync = true };
	struct evobj_nt_sem args;
	struct evobj *sem;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	attr.count = args.count;
	attr.max = args.max;
	sem = evobj_alloc(&attr);
	if (IS_ERR(sem))
		return PTR_ERR(sem);
	return evobj_install(sem, EVOBJ_CLOEXEC);
}

static long evobj_nt_create_mutex(struct evobj_nt_mutex __user *uargs)
{
	struct evobj_nt_mutex args;
	struct evobj *mutex;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	/* No holder: as in ntsync, only MUTEX_KILL abandons. */
	mutex = evobj_create_mutex(args.owner, args.count, NULL);
	if (IS_ERR(mutex))
		return PTR_ERR(mutex);
	return evobj_install(mutex, EVOBJ_CLOEXEC);
}

static long evobj_nt_create_event(struct evobj_nt_event __user *uargs)
{
	struct evobj_nt_event args;
	struct evobj *ev;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	ev = evobj_create(args.manual ? EVOBJ_NOTIFICATION :
			  EVOBJ_SYNCHRONIZATION, args.signaled);
	if (IS_ERR(ev))
		return PTR_ERR(ev);
	return evobj_install(ev, EVOBJ_CLOEXEC);
}

/*
 * The objects of a wait, their files pinned as device.c's waits pin
 * them: arrays on the stack up to EVOBJ_STACK_OBJECTS objects, else one
 * allocation that a wait-all's entries share.
 */
struct evobj_nt_refs {
	struct evobj **evs;		/* count */
	struct file **files;		/* up to count + 1 */
	s32 *fds;			/* count */
	struct evobj_q_entry *room;	/* count + 1, or NULL */
	struct evobj *alert;
	u32 nr_files;
};

/* An object fd's object, its file pinned; NULL for anything else. */
static struct evobj *evobj_nt_fget(struct evobj_nt_refs *refs, s32 fd)
{
	struct file *file;
	struct evobj *ev = evobj_fget_event(fd, &file);

	/* ntsync tells a closed fd from a foreign one by neither. */
	if (IS_ERR_OR_NULL(ev))
		return NULL;
	refs->files[refs->nr_files++] = file;
	return ev;
}

/* ntsync says EINVAL for every fd that is not one of its objects. */
static int evobj_nt_get_refs(struct evobj_nt_refs *refs,
			     const struct evobj_nt_wait *args, bool all)
{
	bool mutex = false;
	u32 i;

	if (evobj_get_fds(refs->fds, u64_to_user_ptr(args->objs), args->count))
		return -EFAULT;
	/* Whether a mutex is named, as each is looked up: one pass, not two. */
	for (i = 0; i < args->count; i++) {
		refs->evs[i] = evobj_nt_fget(refs, refs->fds[i]);
		if (!refs->evs[i])
			return -EINVAL;
		mutex |= refs->evs[i]->type == EVOBJ_MUTEX;
	}
	if (args->alert) {
		refs->alert = evobj_nt_fget(refs, args->alert);
		if (!refs->alert)
			return -EINVAL;
		mutex |= refs->alert->type == EVOBJ_MUTEX;
	}
	/* A wait-all's alert is one of its distinct objects (the core checks the rest). */
	for (i = 0; all && refs->alert && i < args->count; i++)
		if (refs->evs[i] == refs->alert)
			return -EINVAL;
	/* A mutex is acquired for an owner: 0 would own it for nobody. */
	if (!args->owner && mutex)
		return -EINVAL;
	return 0;
}

/*
 * A wait-any of no objects and no alert: ntsync sleeps until the timeout
 * or a signal. A time already past makes it a test, as every wait's is,
 * which fails with -ETIMEDOUT whatever signal is pending.
 */
static int evobj_nt_sleep(clockid_t clock, ktime_t timeout)
{
	ktime_t *expires = timeout == KTIME_MAX ? NULL : &timeout;
	int ret;

	if (evobj_timeout_past(clock, timeout))
		return -ETIMEDOUT;
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		if (!schedule_hrtimeout_range_clock(expires, 0,
						    HRTIMER_MODE_ABS, clock)) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	__set_current_state(TASK_RUNNING);
	return ret;
}

/*
 * U64_MAX never expires; ntsync reads any other time as a signed ktime,
 * so above S64_MAX is in the past.
 */
static ktime_t evobj_nt_timeout(u64 ns)
{
	if (ns == U64_MAX)
		return KTIME_MAX;
	return ns > KTIME_MAX ? 0 : ns_to_ktime(ns);
}

static int evobj_nt_do_wait(const struct evobj_nt_wait *args,
			    struct evobj_nt_refs *refs, bool all, u32 *index)
{
	clockid_t clock = args->flags & EVOBJ_NT_WAIT_REALTIME ?
			  CLOCK_REALTIME : CLOCK_MONOTONIC;
	ktime_t timeout = evobj_nt_timeout(args->timeout);
	int ret;

	ret = evobj_nt_get_refs(refs, args, all);
	if (ret)
		return ret;
	if (args->count) {
		return evobj_wait_many_in(refs->evs, args->count, refs->alert,
					  NULL, all, clock, timeout,
					  args->owner, NULL, refs->room,
					  index);
	}
	/* No objects: all of none are signaled; any of none never is. */
	*index = 0;
	if (all)
		return 0;
	if (refs->alert)
		return evobj_wait_many_in(&refs->alert, 1, NULL, NULL, false,
					  clock, timeout, args->owner, NULL,
					  NULL, index);
	return evobj_nt_sleep(clock, timeout);
}

static long evobj_nt_wait(struct evobj_nt_wait __user *uargs, bool all)
{
	struct evobj *stack_evs[EVOBJ_STACK_OBJECTS];
	struct file *stack_files[EVOBJ_STACK_OBJECTS + 1];
	s32 stack_fds[EVOBJ_STACK_OBJECTS];
	struct evobj_nt_refs refs = {
		.evs = stack_evs,
		.files = stack_files,
		.fds = stack_fds,
	};
	struct evobj_nt_wait args;
	void *heap = NULL;
	u32 index, was;
	int ret;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if (args.pad || args.flags & ~EVOBJ_NT_WAIT_REALTIME ||
	    args.count > EVOBJ_NT_MAX_WAIT)
		return -EINVAL;
	/*
	 * Probed before anything is consumed, rewriting what is there:
	 * ntsync leaves index as it was unless the wait completes.
	 */
	if (evobj_nt_get_probe(&was, &uargs->index))
		return -EFAULT;

	if (args.count > EVOBJ_STACK_OBJECTS) {
		size_t room = all ? (args.count + 1) * sizeof(*refs.room) : 0;

		/* Largest alignment first: entries, pointers, then fds. */
		heap = kmalloc(room + args.count * (sizeof(*refs.evs) +
						    sizeof(*refs.fds)) +
			       (args.count + 1) * sizeof(*refs.files),
			       GFP_KERNEL_ACCOUNT);
		if (!heap)
			return -ENOMEM;
		refs.room = all ? heap : NULL;
		refs.files = heap + room;
		refs.evs = (struct evobj **)&refs.files[args.count + 1];
		refs.fds = (s32 *)&refs.evs[args.count];
	}
	ret = evobj_nt_do_wait(&args, &refs, all, &index);
	/*
	 * Completed, an abandoned mutex's acquisition included. An index
	 * that is there already (0 of a wait-all, say) is not written
	 * again: user accesses are a good part of a short wait's cost.
	 */
	if ((!ret || ret == -EOWNERDEAD) && index != was &&
	    put_user(index, &uargs->index))
		ret = -EFAULT;
	while (refs.nr_files)
		fput(refs.files[--refs.nr_files]);
	kfree(heap);
	return ret;
}

static long evobj_nt_dev_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case EVOBJ_NT_IOC_CREATE_SEM:
		return evobj_nt_create_sem(argp);
	case EVOBJ_NT_IOC_CREATE_MUTEX:
		return evobj_nt_create_mutex(argp);
	case EVOBJ_NT_IOC_CREATE_EVENT:
		return evobj_nt_create_event(argp);
	case EVOBJ_NT_IOC_WAIT_ANY:
		return evobj_nt_wait(argp, false);
	case EVOBJ_NT_IOC_WAIT_ALL:
		return evobj_nt_wait(argp, true);
	default:
		return -ENOIOCTLCMD;
	}
}

static const struct file_operations evobj_nt_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= evobj_nt_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice evobj_nt_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "ntsync",
	.fops	= &evobj_nt_dev_fops,
	.mode	= 0666,
};

/**
 * evobj_ntsync_init() - register /dev/ntsync, if wanted and free
 * @misc_dev: /dev/evobj's device, whose class is the misc class
 *
 * Never fails: evobj works without it, and says so in the log.
 */
void evobj_ntsync_init(struct device *misc_dev)
{
	struct device *other;
	int ret;

	if (!evobj_ntsync_param)
		return;
	other = class_find_device_by_name(misc_dev->class, evobj_nt_misc.name);
	if (other) {
		put_device(other);
		pr_info("/dev/ntsync exists already (the kernel's ntsync?): not registering evobj's\n");
		evobj_ntsync_param = false;
		return;
	}
	ret = misc_register(&evobj_nt_misc);
	if (ret) {
		pr_warn("registering /dev/ntsync failed (%d): going on without it\n",
			ret);
		evobj_ntsync_param = false;
	}
}

void evobj_ntsync_exit(void)
{
	if (evobj_ntsync_param)
		misc_deregister(&evobj_nt_misc);
}
