// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj device: /dev/evobj and the event fds it hands out.
 *
 * /dev/evobj creates events, semaphores, mutexes and wait sets (waitset.c) and
 * runs waits on many objects; each object is an anon-inode fd that works
 * like an eventfd (poll, read, write, fdinfo) and takes its kind's
 * ioctls. Handlers
 * copy in and validate, call into the core, then copy out.
 */

#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

#define EVOBJ_CREATE_FLAGS	(EVOBJ_SIGNALED | EVOBJ_CLOEXEC | EVOBJ_NONBLOCK)

/* Event fd ioctls. */

/*
 * The previous state is written only after the change, so the pointer is
 * probed first: a bad one fails with EFAULT before the state moves. A
 * NULL pointer asks for no previous state (NtSetEvent's is optional too)
 * and spares the two user accesses on the hot path.
 */
static __always_inline long
evobj_ioc_change(struct evobj *ev, u32 __user *uprev,
		 bool (*change)(struct evobj *ev))
{
	if (!uprev) {
		change(ev);
		return 0;
	}
	if (put_user(0, uprev))
		return -EFAULT;
	return put_user(change(ev), uprev);
}

/* evobj_signaled() reads under the lock: never the inside of a pulse. */
static long evobj_ioc_read(struct evobj *ev, struct evobj_state __user *ustate)
{
	struct evobj_state state = {
		.type = ev->type,
		.signaled = evobj_signaled(ev),
	};

	return copy_to_user(ustate, &state, sizeof(state)) ? -EFAULT : 0;
}

static long evobj_ioc_timer(struct evobj *ev, struct evobj_timer __user *utimer)
{
	struct evobj_timer args;

	if (copy_from_user(&args, utimer, sizeof(args)))
		return -EFAULT;
	if (args.flags || args.pad)
		return -EINVAL;
	return evobj_timer_arm(ev, args.expires, args.period);
}

static long evobj_event_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct evobj *ev = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case EVOBJ_IOC_WAIT:
	case EVOBJ_IOC_WAIT_OLD(EVOBJ_IOC_WAIT):
		/* The open file is the wait's reference: no lookup. */
		return evobj_wait_held(&ev, 1, argp, _IOC_SIZE(cmd), false);
	case EVOBJ_IOC_SET:
		return evobj_ioc_change(ev, argp, evobj_task_set);
	case EVOBJ_IOC_RESET:
		return evobj_ioc_change(ev, argp, evobj_task_reset);
	case EVOBJ_IOC_PULSE:
		return evobj_ioc_change(ev, argp, evobj_task_pulse);
	case EVOBJ_IOC_READ:
		return evobj_ioc_read(ev, argp);
	case EVOBJ_IOC_TIMER:
		return evobj_ioc_timer(ev, argp);
	case EVOBJ_IOC_RELEASE:
	case EVOBJ_IOC_READ_SEMAPHORE:
	case EVOBJ_IOC_UNLOCK:
	case EVOBJ_IOC_KILL:
	case EVOBJ_IOC_READ_MUTEX:
		return -EINVAL;		/* another kind's, on an event */
	default:
		/* ntsync's of every kind (EINVAL for another kind's), or none. */
		return evobj_ntsync_obj_ioctl(file->private_data, cmd, argp);
	}
}

/* Semaphore fd ioctls. */

/* The units come in where the previous count goes out. */
static long evobj_ioc_release(struct evobj *sem, u32 __user *uarg)
{
	u32 n, prev;
	int ret;

	/* Probed for the write back too: a release must not then fail. */
	if (get_user(n, uarg) || put_user(n, uarg))
		return -EFAULT;
	ret = evobj_task_release(sem, n, &prev);
	if (ret)
		return ret;
	/* Fails only if another thread unmapped it meanwhile. */
	return put_user(prev, uarg);
}

static long evobj_ioc_read_sem(struct evobj *sem,
			       struct evobj_semaphore_state __user *ustate)
{
	struct evobj_semaphore_state state;

	raw_spin_lock_irq(&sem->lock);
	state.count = sem->count;
	state.max = sem->max;
	raw_spin_unlock_irq(&sem->lock);
	return copy_to_user(ustate, &state, sizeof(state)) ? -EFAULT : 0;
}

static long evobj_sem_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct evobj *sem = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case EVOBJ_IOC_WAIT:
	case EVOBJ_IOC_WAIT_OLD(EVOBJ_IOC_WAIT):
		return evobj_wait_held(&sem, 1, argp, _IOC_SIZE(cmd), false);
	case EVOBJ_IOC_RELEASE:
		return evobj_ioc_release(sem, argp);
	case EVOBJ_IOC_READ_SEMAPHORE:
		return evobj_ioc_read_sem(sem, argp);
	case EVOBJ_IOC_READ:
		return evobj_ioc_read(sem, argp);
	case EVOBJ_IOC_SET:
	case EVOBJ_IOC_RESET:
	case EVOBJ_IOC_PULSE:
	case EVOBJ_IOC_TIMER:
	case EVOBJ_IOC_UNLOCK:
	case EVOBJ_IOC_KILL:
	case EVOBJ_IOC_READ_MUTEX:
		return -EINVAL;		/* another kind's, on a semaphore */
	default:
		/* ntsync's of every kind (EINVAL for another kind's), or none. */
		return evobj_ntsync_obj_ioctl(file->private_data, cmd, argp);
	}
}

/* Mutex fd ioctls. */

/* The owner comes in where the previous count goes out. */
static long evobj_ioc_unlock(struct evobj *mutex,
			     struct evobj_mutex_unlock __user *uargs)
{
	struct evobj_mutex_unlock args;
	int ret;

	/* Probed for the write back too: an unlock must not then fail. */
	if (copy_from_user(&args, uargs, sizeof(args)) ||
	    put_user(args.count, &uargs->count))
		return -EFAULT;
	ret = evobj_task_unlock(mutex, args.owner, &args.count);
	if (ret)
		return ret;
	/* Fails only if another thread unmapped it meanwhile. */
	return put_user(args.count, &uargs->count);
}

static long evobj_ioc_kill(struct evobj *mutex, u32 __user *uowner)
{
	u32 owner;

	if (get_user(owner, uowner))
		return -EFAULT;
	return evobj_task_kill(mutex, owner);
}

static long evobj_ioc_read_mutex(struct evobj *mutex,
				 struct evobj_mutex_state __user *ustate)
{
	struct evobj_mutex_state state;

	evobj_mutex_read(mutex, &state);
	return copy_to_user(ustate, &state, sizeof(state)) ? -EFAULT : 0;
}

static long evobj_mutex_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct evobj *mutex = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case EVOBJ_IOC_WAIT:
	case EVOBJ_IOC_WAIT_OLD(EVOBJ_IOC_WAIT):
		return evobj_wait_held(&mutex, 1, argp, _IOC_SIZE(cmd), false);
	case EVOBJ_IOC_UNLOCK:
		return evobj_ioc_unlock(mutex, argp);
	case EVOBJ_IOC_KILL:
		return evobj_ioc_kill(mutex, argp);
	case EVOBJ_IOC_READ_MUTEX:
		return evobj_ioc_read_mutex(mutex, argp);
	case EVOBJ_IOC_READ:
		return evobj_ioc_read(mutex, argp);
	case EVOBJ_IOC_SET:
	case EVOBJ_IOC_RESET:
	case EVOBJ_IOC_PULSE:
	case EVOBJ_IOC_TIMER:
	case EVOBJ_IOC_RELEASE:
	case EVOBJ_IOC_READ_SEMAPHORE:
		return -EINVAL;		/* another kind's, on a mutex */
	default:
		/* ntsync's of every kind (EINVAL for another kind's), or none. */
		return evobj_ntsync_obj_ioctl(file->private_data, cmd, argp);
	}
}

/* Event fd operations. */

static __poll_t evobj_poll(struct file *file, poll_table *wait)
{
	struct evobj *ev = file->private_data;
	__poll_t events = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &ev->poll_wq, wait);
	/*
	 * Pairs with wq_has_sleeper() in evobj_wake_finish(): either the
	 * setter sees this poller queued and wakes it, or this read sees the
	 * setter's store of signaled. The read takes the event's lock, so it
	 * never sees the inside of a pulse.
	 */
	smp_mb();
	if (evobj_signaled(ev))
		events |= EPOLLIN | EPOLLRDNORM;
	return events;
}

static ssize_t evobj_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct evobj *ev = file->private_data;
	const u64 zero = 0, one = 1;
	ktime_t timeout;
	u32 index;
	int ret;

	if (count < sizeof(one))
		return -EINVAL;
	/* Probe the buffer first: a consumed event must not be lost. */
	if (copy_to_user(buf, &zero, sizeof(zero)))
		return -EFAULT;
	/* Zero is in the past: a non-blocking read never sleeps. */
	timeout = file->f_flags & O_NONBLOCK ? 0 : KTIME_MAX;
	ret = evobj_wait_many(&ev, 1, NULL, NULL, false, CLOCK_MONOTONIC,
			      timeout, &index);
	if (ret == -ETIMEDOUT)
		return -EAGAIN;
	if (ret)
		return ret;
	if (copy_to_user(buf, &one, sizeof(one)))
		return -EFAULT;
	return sizeof(one);
}

static ssize_t evobj_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	struct evobj *ev = file->private_data;
	u64 value;

	if (count < sizeof(value))
		return -EINVAL;
	if (copy_from_user(&value, buf, sizeof(value)))
		return -EFAULT;
	if (value != 1)
		return -EINVAL;
	evobj_task_set(ev);
	return sizeof(value);
}

/* A semaphore's write() releases as many units as it says. */
static ssize_t evobj_sem_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct evobj *sem = file->private_data;
	u64 value;
	u32 prev;
	int ret;

	if (count < sizeof(value))
		return -EINVAL;
	if (copy_from_user(&value, buf, sizeof(value)))
		return -EFAULT;
	if (!value || value > EVOBJ_SEMAPHORE_MAX)
		return -EINVAL;
	ret = evobj_task_release(sem, value, &prev);
	return ret ?: sizeof(value);
}

static const char *const evobj_timer_states[] = {
	[EVOBJ_TIMER_OFF]	= "off",
	[EVOBJ_TIMER_ARMED]	= "armed",
	[EVOBJ_TIMER_PARKED]	= "parked",
};

static void evobj_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct evobj *ev = file->private_data;
	enum evobj_timer_state timer;
	const char *word;
	unsigned int waiters;
	unsigned long flags;
	u64 period, expiries;
	bool signaled;

	/* One snapshot, under the lock: never the inside of a pulse. */
	raw_spin_lock_irqsave(&ev->lock, flags);
	evobj_word_take(ev);
	signaled = ev->signaled;
	evobj_word_put(ev);
	word = !ev->word ? "none" : ev->owned ? "held" : "mapped";
	waiters = ev->nr_waiters;
	timer = ev->timer_state;
	period = ev->timer_period;
	expiries = ev->timer_expiries;
	raw_spin_unlock_irqrestore(&ev->lock, flags);

	seq_printf(m, "id:\t%llu\n", ev->id);
	seq_printf(m, "type:\t%s\n", ev->type == EVOBJ_SYNCHRONIZATION ?
		   "synchronization" : "notification");
	seq_printf(m, "signaled:\t%d\n", signaled);
	seq_printf(m, "waiters:\t%u\n", waiters);
	seq_printf(m, "timer:\t%s\n", evobj_timer_states[timer]);
	seq_printf(m, "timer_period:\t%llu\n", period);
	seq_printf(m, "timer_expiries:\t%llu\n", expiries);
	seq_printf(m, "word:\t%s\n", word);
	evobj_name_show(m, ev);
}

/* The timer belongs to the open files: the last one stops it. */
static int evobj_event_release(struct inode *inode, struct file *file)
{
	struct evobj *ev = file->private_data;

	evobj_timer_file_closed(ev);
	evobj_put(ev);
	return 0;
}

static void evobj_sem_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct evobj *sem = file->private_data;
	unsigned int waiters;
	u32 count;

	raw_spin_lock_irq(&sem->lock);
	count = sem->count;
	waiters = sem->nr_waiters;
	raw_spin_unlock_irq(&sem->lock);

	seq_printf(m, "id:\t%llu\n", sem->id);
	seq_puts(m, "type:\tsemaphore\n");
	seq_printf(m, "signaled:\t%d\n", count > 0);
	seq_printf(m, "count:\t%u\n", count);
	seq_printf(m, "max:\t%u\n", sem->max);
	seq_printf(m, "waiters:\t%u\n", waiters);
	evobj_name_show(m, sem);
}

static void evobj_mutex_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct evobj *mutex = file->private_data;
	struct evobj_mutex_state state;
	unsigned int waiters;

	evobj_mutex_read(mutex, &state);
	waiters = READ_ONCE(mutex->nr_waiters);

	seq_printf(m, "id:\t%llu\n", mutex->id);
	seq_puts(m, "type:\tmutex\n");
	seq_printf(m, "signaled:\t%d\n", !state.owner);
	seq_printf(m, "owner:\t%u\n", state.owner);
	seq_printf(m, "count:\t%u\n", state.count);
	seq_printf(m, "abandoned:\t%d\n",
		   !!(state.flags & EVOBJ_MUTEX_ABANDONED));
	seq_printf(m, "waiters:\t%u\n", waiters);
	evobj_name_show(m, mutex);
}

const struct file_operations evobj_event_fops = {
	.owner		= THIS_MODULE,
	.release	= evobj_event_release,
	.poll		= evobj_poll,
	.read		= evobj_read,
	.write		= evobj_write,
	.show_fdinfo	= evobj_show_fdinfo,
	.mmap		= evobj_word_mmap,
	.unlocked_ioctl	= evobj_event_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* A semaphore's: an event's without the mapped word (no .mmap: ENODEV). */
const struct file_operations evobj_sem_fops = {
	.owner		= THIS_MODULE,
	.release	= evobj_event_release,
	.poll		= evobj_poll,
	.read		= evobj_read,
	.write		= evobj_sem_write,
	.show_fdinfo	= evobj_sem_show_fdinfo,
	.unlocked_ioctl	= evobj_sem_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*
 * A mutex's: no read() or write() (EINVAL), as they carry no owner, and
 * no mapped word (ENODEV).
 */
const struct file_operations evobj_mutex_fops = {
	.owner		= THIS_MODULE,
	.release	= evobj_event_release,
	.poll		= evobj_poll,
	.show_fdinfo	= evobj_mutex_show_fdinfo,
	.unlocked_ioctl	= evobj_mutex_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static const struct file_operations *const evobj_kind_fops[] = {
	[EVOBJ_NOTIFICATION]	= &evobj_event_fops,
	[EVOBJ_SYNCHRONIZATION]	= &evobj_event_fops,
	[EVOBJ_SEMAPHORE]	= &evobj_sem_fops,
	[EVOBJ_MUTEX]		= &evobj_mutex_fops,
};

/**
 * evobj_file_open() - a new open file for an object of any kind
 * @ev: the object; the file takes over one reference the caller holds
 * @flags: EVOBJ_NONBLOCK or 0
 *
 * Return: the file, or an ERR_PTR; on error the reference is the
 * caller's still.
 */
struct file *evobj_file_open(struct evobj *ev, unsigned int flags)
{
	struct file *file;

	file = anon_inode_getfile("[evobj]", evobj_kind_fops[ev->type], ev,
				  O_RDWR | (flags & EVOBJ_NONBLOCK ?
					    O_NONBLOCK : 0));
	if (!IS_ERR(file))
		atomic_inc(&ev->files);
	return file;
}

/* /dev/evobj ioctls. */

/*
 * A new object's fd: @ev's reference goes to the file, or is dropped.
 * /dev/ntsync's creates end here too (ntsync.c).
 */
int evobj_install(struct evobj *ev, u32 flags)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(O_RDWR |
				 (flags & EVOBJ_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0)
		goto err_put;
	file = evobj_file_open(ev, flags);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto err_put;
	}
	fd_install(fd, file);
	return fd;

err_put:
	evobj_put(ev);
	return fd;
}

static long evobj_ioc_create(struct evobj_create __user *uargs)
{
	struct evobj_create args;
	struct evobj *ev;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~EVOBJ_CREATE_FLAGS)
		return -EINVAL;
	ev = evobj_create(args.type, args.flags & EVOBJ_SIGNALED);
	if (IS_ERR(ev))
		return PTR_ERR(ev);
	return evobj_install(ev, args.flags);
}

static long evobj_ioc_create_sem(struct evobj_semaphore __user *uargs)
{
	struct evobj_semaphore args;
	struct evobj *sem;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~(EVOBJ_CLOEXEC | EVOBJ_NONBLOCK)) || args.pad)
		return -EINVAL;
	sem = evobj_create_semaphore(args.count, args.max);
	if (IS_ERR(sem))
		return PTR_ERR(sem);
	return evobj_install(sem, args.flags);
}

static long evobj_ioc_create_mutex(struct evobj_mutex __user *uargs)
{
	struct evobj_holder *holder = NULL;
	struct evobj_mutex args;
	struct evobj *mutex;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~(EVOBJ_CLOEXEC | EVOBJ_NONBLOCK)) || args.pad)
		return -EINVAL;
	if (args.owner) {
		holder = evobj_holder_current();
		if (IS_ERR(holder))
			return PTR_ERR(holder);
	}
	mutex = evobj_create_mutex(args.owner, args.count, holder);
	if (IS_ERR(mutex))
		return PTR_ERR(mutex);
	return evobj_install(mutex, args.flags);
}

/*
 * struct evobj_open may grow: the size comes from the ioctl number, a
 * larger struct from newer userspace is accepted if what this module
 * does not know of it is zero (E2BIG otherwise), a smaller one is not.
 * The name is copied to the heap, not the stack: with its NUL it is 256
 * bytes, half of the frame every ioctl path keeps within.
 */
static long evobj_ioc_open(struct evobj_open __user *uargs, size_t usize)
{
	struct evobj_attr attr;
	struct evobj_open args;
	struct file *file;
	struct evobj *ev;
	bool created;
	char *name;
	long len;
	int fd;

	if (usize < EVOBJ_OPEN_SIZE_VER0)
		return -EINVAL;
	fd = copy_struct_from_user(&args, sizeof(args), uargs, usize);
	if (fd)
		return fd;
	/* mode is checked whole here: evobj_open() takes a 16-bit umode_t. */
	if ((args.flags & ~EVOBJ_CREATE_FLAGS) || args.pad || args.pad2 ||
	    (args.mode & ~0777))
		return -EINVAL;
	name = kmalloc(EVOBJ_NAME_MAX + 1, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	len = strncpy_from_user(name, u64_to_user_ptr(args.name),
				EVOBJ_NAME_MAX + 1);
	if (len > EVOBJ_NAME_MAX)
		len = -ENAMETOOLONG;
	/*
	 * What can fail is tried before the event may be created, so that a
	 * creator never fails after another task has opened its name: the
	 * fd is reserved, the result probed, the file made before the name
	 * is published (evobj_do_open()).
	 */
	fd = len < 0 ? len :
	     get_unused_fd_flags(O_RDWR |
				 (args.flags & EVOBJ_CLOEXEC ? O_CLOEXEC : 0));
	if (fd >= 0 && put_user(0, &uargs->result)) {
		put_unused_fd(fd);
		fd = -EFAULT;
	}
	if (fd < 0) {
		kfree(name);
		return fd;
	}
	attr = (struct evobj_attr) {
		.type = args.type,
		.signaled = args.flags & EVOBJ_SIGNALED,
		.count = args.count,	/* 0 from a VER0 struct */
		.max = args.max,
		.owner = args.owner,	/* 0 from a VER0 or VER1 one */
	};
	/* A mutex created owned is held by this process. */
	if (args.type == EVOBJ_MUTEX && args.owner) {
		attr.holder = evobj_holder_current();
		if (IS_ERR(attr.holder)) {
			put_unused_fd(fd);
			kfree(name);
			return PTR_ERR(attr.holder);
		}
	}
	ev = evobj_do_open(name, &attr, args.disposition, args.mode, &created,
			   &file, args.flags);
	kfree(name);
	if (IS_ERR(ev)) {
		put_unused_fd(fd);
		return PTR_ERR(ev);
	}
	/* Fails only if another thread unmapped the struct meanwhile. */
	if (created && put_user(EVOBJ_OPEN_CREATED, &uargs->result)) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return fd;
}

/*
 * The events of a wait. It pins their files rather than taking object
 * references: fget() is needed to find them anyway, and holding it spares
 * two more atomics per object on the hot path. A file closed meanwhile is
 * released when the wait ends, so the wait is not disturbed. Small waits
 * keep the arrays on the stack; larger ones allocate them, charged to
 * the caller's memory cgroup, so that no ioctl frame grows past 512 bytes.
 * A large wait-all allocates the wait's entries with them: it queues,
 * or tests under its locks, through entries, where a wait-any that can
 * complete at once needs none.
 */
struct evobj_wait_refs {
	struct evobj **evs;		/* count */
	struct file **files;		/* up to count + 2 */
	s32 *fds;			/* count */
	struct evobj_q_entry *room;	/* count + 1, or NULL */
	struct evobj *alert;
	struct evobj *signal;
	u32 nr_files;
};

/* Inline: it runs for every fd of a wait, -1 included. */
static __always_inline struct evobj *
evobj_wait_ref(struct evobj_wait_refs *refs, s32 fd)
{
	struct evobj *ev = evobj_fget_event(fd, &refs->files[refs->nr_files]);

	if (refs->files[refs->nr_files])
		refs->nr_files++;
	return ev;
}

static void evobj_put_refs(struct evobj_wait_refs *refs)
{
	while (refs->nr_files)
		fput(refs->files[--refs->nr_files]);
}

/**
 * evobj_get_fds() - read a wait's fds
 * @fds: where they go, @count of them
 * @ufds: where they come from
 * @count: how many
 *
 * One user-access section: one STAC/CLAC pair whatever their number,
 * and none of the hardened-usercopy checks that copy_from_user() makes
 * of a heap buffer. /dev/ntsync's waits read theirs here too. No fds
 * read nothing, @ufds not even checked, as copy_from_user() of nothing.
 *
 * Return: 0, or -EFAULT.
 */
int evobj_get_fds(s32 *fds, const s32 __user *ufds, u32 count)
{
	u32 i;

	if (!count)
		return 0;
	if (!user_access_begin(ufds, array_size(count, sizeof(*ufds))))
		return -EFAULT;
	for (i = 0; i < count; i++)
		unsafe_get_user(fds[i], &ufds[i], efault);
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

static int evobj_get_refs(struct evobj_wait_refs *refs,
			  const struct evobj_wait *args)
{
	u32 i;

	if (evobj_get_fds(refs->fds, u64_to_user_ptr(args->fds), args->count))
		return -EFAULT;
	for (i = 0; i < args->count; i++) {
		refs->evs[i] = evobj_wait_ref(refs, refs->fds[i]);
		if (!refs->evs[i])
			return -EBADF;	/* -1 is no event fd either */
		if (IS_ERR(refs->evs[i]))
			return PTR_ERR(refs->evs[i]);
	}
	refs->alert = evobj_wait_ref(refs, args->alert);
	if (IS_ERR(refs->alert))
		return PTR_ERR(refs->alert);
	refs->signal = evobj_wait_ref(refs, args->signal);
	if (IS_ERR(refs->signal))
		return PTR_ERR(refs->signal);
	return 0;
}

/**
 * evobj_wait_copy_out() - what a wait ioctl writes back, and returns
 * @ret: evobj_wait_many()'s result
 * @index: its winning index, meaningful if @ret is 0 or -EOWNERDEAD
 * @uindex: where the index goes; 0 is there already (probed first)
 * @signal: the wait's signal event, or NULL
 * @usignal: where its fd came from
 *
 * Return: @ret, or -EFAULT if a write failed.
 */
long evobj_wait_copy_out(int ret, u32 index, u32 __user *uindex,
			 struct evobj *signal, s32 __user *usignal)
{
	bool forget;

	/* An abandoned mutex's wait completed: its index counts too. */
	if ((!ret || ret == -EOWNERDEAD) && index && put_user(index, uindex))
		ret = -EFAULT;
	/*
	 * Interrupted after the signal event was set: the restart (under
	 * SA_RESTART, or the caller's retry after EINTR) continues this
	 * call and must not set it again, so the call forgets it. A
	 * semaphore is released, and a mutex unlocked, before the checks
	 * made while queueing, so their failures forget it too.
	 */
	forget = ret == -ERESTARTSYS ||
		 (signal && signal->type >= EVOBJ_SEMAPHORE &&
		  (ret == -ENOSPC || ret == -ENOMEM || ret == -EINVAL));
	if (forget && signal && put_user(EVOBJ_NO_FD, usignal))
		ret = -EFAULT;
	return ret;
}

/**
 * evobj_wait_held() - a wait ioctl on objects the caller holds already
 * @evs: the objects: a wait set's, or an event fd's own
 * @count: how many
 * @uargs: the ioctl's argument
 * @usize: its size, from the ioctl number: %EVOBJ_WAITSET_WAIT_SIZE_VER0
 *         (owner 0) or %EVOBJ_WAITSET_WAIT_SIZE_VER1
 * @all: wait for all of @evs rather than any
 *
 * Return: the ioctl's result.
 */
long evobj_wait_held(struct evobj *const *evs, u32 count,
		     struct evobj_waitset_wait __user *uargs, size_t usize,
		     bool all)
{
	struct file *alert_file, *signal_file = NULL;
	struct evobj_waitset_wait args = { };
	struct evobj *alert, *signal;
	struct evobj_holder *holder;
	u32 index;
	long ret;

	if (copy_from_user(&args, uargs, usize))
		return -EFAULT;
	if (args.flags & ~EVOBJ_WAIT_FLAGS || args.pad)
		return -EINVAL;
	/* Probed before anything is consumed, as for a list's wait. */
	if (put_user(0, &uargs->index))
		return -EFAULT;

	alert = evobj_fget_event(args.alert, &alert_file);
	if (IS_ERR(alert))
		return PTR_ERR(alert);
	signal = evobj_fget_event(args.signal, &signal_file);
	if (IS_ERR(signal)) {
		ret = PTR_ERR(signal);
		goto out;
	}
	/* Before the wait, which may release its signal first. */
	ret = evobj_wait_holder(evs, count, alert, signal, args.owner,
				&holder);
	if (ret)
		goto out;
	ret = evobj_wait_many_in(evs, count, alert, signal, all,
				 evobj_wait_clock(args.flags),
				 evobj_timeout(args.timeout), args.owner, holder,
				 NULL, &index);
	ret = evobj_wait_copy_out(ret, index, &uargs->index, signal,
				  &uargs->signal);
out:
	if (signal_file)
		fput(signal_file);
	if (alert_file)
		fput(alert_file);
	return ret;
}

/* The wait itself, once its arguments are copied in and checked. */
static long evobj_do_wait(struct evobj_wait __user *uargs,
			  const struct evobj_wait *args,
			  struct evobj_wait_refs *refs, bool all)
{
	struct evobj_holder *holder;
	u32 index;
	int ret;

	refs->nr_files = 0;	/* the rest is filled as it is used */
	ret = evobj_get_refs(refs, args);
	if (ret)
		goto out;
	/* Before the wait, which may release its signal first. */
	ret = evobj_wait_holder(refs->evs, args->count, refs->alert,
				refs->signal, args->owner, &holder);
	if (ret)
		goto out;

	ret = evobj_wait_many_in(refs->evs, args->count, refs->alert,
				 refs->signal, all,
				 evobj_wait_clock(args->flags),
				 evobj_timeout(args->timeout), args->owner,
				 holder, refs->room, &index);
	ret = evobj_wait_copy_out(ret, index, &uargs->index, refs->signal,
				  &uargs->signal);
out:
	evobj_put_refs(refs);
	return ret;
}

static long evobj_ioc_wait(struct evobj_wait __user *uargs, bool all)
{
	struct evobj *stack_evs[EVOBJ_STACK_OBJECTS];
	struct file *stack_files[EVOBJ_STACK_OBJECTS + 2];
	s32 stack_fds[EVOBJ_STACK_OBJECTS];
	struct evobj_wait_refs refs = {
		.evs = stack_evs,
		.files = stack_files,
		.fds = stack_fds,
	};
	struct evobj_wait args;
	void *heap = NULL;
	long ret;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if (!args.count || args.count > EVOBJ_MAX_WAIT ||
	    args.flags & ~EVOBJ_WAIT_FLAGS)
		return -EINVAL;
	/*
	 * Probe where the result goes before anything is consumed. Writing
	 * 0, the most common result, makes the final write unneeded then:
	 * user accesses are a good part of a wait's cost.
	 */
	if (put_user(0, &uargs->index))
		return -EFAULT;

	if (args.count > EVOBJ_STACK_OBJECTS) {
		size_t room = all ? (args.count + 1) * sizeof(*refs.room) : 0;

		/* Largest alignment first: entries, pointers, then fds. */
		heap = kmalloc(room + args.count * (sizeof(*refs.evs) +
						    sizeof(*refs.fds)) +
			       (args.count + 2) * sizeof(*refs.files),
			       GFP_KERNEL_ACCOUNT);
		if (!heap)
			return -ENOMEM;
		refs.room = all ? heap : NULL;
		refs.files = heap + room;
		refs.evs = (struct evobj **)&refs.files[args.count + 2];
		refs.fds = (s32 *)&refs.evs[args.count];
	}
	ret = evobj_do_wait(uargs, &args, &refs, all);
	kfree(heap);
	return ret;
}

static long evobj_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case EVOBJ_IOC_CREATE:
		return evobj_ioc_create(argp);
	case EVOBJ_IOC_WAIT_ANY:
		return evobj_ioc_wait(argp, false);
	case EVOBJ_IOC_WAIT_ALL:
		return evobj_ioc_wait(argp, true);
	case EVOBJ_IOC_WAITSET:
		return evobj_ioc_waitset(argp);
	case EVOBJ_IOC_CREATE_SEMAPHORE:
		return evobj_ioc_create_sem(argp);
	case EVOBJ_IOC_CREATE_MUTEX:
		return evobj_ioc_create_mutex(argp);
	default:
		/* EVOBJ_IOC_OPEN, whatever size of struct evobj_open. */
		if (_IOC_TYPE(cmd) == EVOBJ_IOC_MAGIC &&
		    _IOC_NR(cmd) == _IOC_NR(EVOBJ_IOC_OPEN) &&
		    _IOC_DIR(cmd) == (_IOC_READ | _IOC_WRITE))
			return evobj_ioc_open(argp, _IOC_SIZE(cmd));
		return -ENOIOCTLCMD;
	}
}

static const struct file_operations evobj_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= evobj_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice evobj_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "evobj",
	.fops	= &evobj_dev_fops,
	.mode	= 0666,
};

static int __init evobj_init(void)
{
	int ret = evobj_names_init();

	if (ret)
		return ret;
	ret = misc_register(&evobj_misc);
	if (ret) {
		evobj_names_exit();
		return ret;
	}
	/* Optional: evobj loads whether or not it registers. */
	evobj_ntsync_init(evobj_misc.this_device);
	return 0;
}
module_init(evobj_init);

static void __exit evobj_exit(void)
{
	evobj_ntsync_exit();
	misc_deregister(&evobj_misc);
	evobj_names_exit();
	evobj_holders_exit();
}
module_exit(evobj_exit);

MODULE_AUTHOR("The evobj developers");
MODULE_DESCRIPTION("NT-style event objects: notification and synchronization events, semaphores, mutexes");
MODULE_LICENSE("GPL");
MODULE_VERSION(EVOBJ_VERSION);
