// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj wait sets: a list of events named once, then waited on as often
 * as needed (Documentation/evobj.rst, "Wait sets"). The set holds a
 * reference to each event, so that a wait on it copies no list from
 * userspace and looks up no fd, where a long list's wait spends most of
 * its time; the wait itself is evobj_wait_many()'s, on the stored list.
 */

#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "internal.h"

/* Immutable once made: waits and polls read it without a lock. */
struct evobj_set {
	u32 count;			/* 1 .. EVOBJ_MAX_WAIT */
	struct evobj *evs[];		/* count, a reference each */
};

static void evobj_set_free(struct evobj_set *set, u32 count)
{
	while (count)
		evobj_put(set->evs[--count]);
	kfree(set);
}

static long evobj_waitset_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct evobj_set *set = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case EVOBJ_IOC_WAITSET_ANY:
	case EVOBJ_IOC_WAIT_OLD(EVOBJ_IOC_WAITSET_ANY):
		return evobj_wait_held(set->evs, set->count, argp,
				       _IOC_SIZE(cmd), false);
	case EVOBJ_IOC_WAITSET_ALL:
	case EVOBJ_IOC_WAIT_OLD(EVOBJ_IOC_WAITSET_ALL):
		return evobj_wait_held(set->evs, set->count, argp,
				       _IOC_SIZE(cmd), true);
	default:
		return -ENOIOCTLCMD;
	}
}

/*
 * Readable while a wait-any would complete at once. Each member's
 * pollers' queue gets this file's entry; the set pins the members, so
 * the queues outlive every entry (epoll's go before the set's release).
 */
static __poll_t evobj_waitset_poll(struct file *file, poll_table *wait)
{
	struct evobj_set *set = file->private_data;
	u32 i;

	for (i = 0; i < set->count; i++)
		poll_wait(file, &set->evs[i]->poll_wq, wait);
	/* Pairs with wq_has_sleeper() in evobj_wake_finish(), as for an event. */
	smp_mb();
	/*
	 * The lockless look saves the lock; the locked read hides pulses.
	 * A mapped member always takes it: only the lock makes the kernel
	 * hold its word, without which a set through the word would not
	 * wake this poller.
	 */
	for (i = 0; i < set->count; i++)
		if ((READ_ONCE(set->evs[i]->word) ||
		     READ_ONCE(set->evs[i]->signaled)) &&
		    evobj_signaled(set->evs[i]))
			return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static void evobj_waitset_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct evobj_set *set = file->private_data;
	u32 i;

	seq_printf(m, "count:\t%u\nids:\t", set->count);
	for (i = 0; i < set->count; i++)
		seq_printf(m, "%s%llu", i ? " " : "", set->evs[i]->id);
	seq_putc(m, '\n');
}

static int evobj_waitset_release(struct inode *inode, struct file *file)
{
	struct evobj_set *set = file->private_data;

	evobj_set_free(set, set->count);
	return 0;
}

static const struct file_operations evobj_waitset_fops = {
	.owner		= THIS_MODULE,
	.release	= evobj_waitset_release,
	.poll		= evobj_waitset_poll,
	.show_fdinfo	= evobj_waitset_show_fdinfo,
	.unlocked_ioctl	= evobj_waitset_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * evobj_ioc_waitset() - EVOBJ_IOC_WAITSET: a new wait set
 * @uargs: the user's struct evobj_waitset
 *
 * Context: Process context; may sleep.
 * Return: the new wait-set fd, -EINVAL (a bad count or flag, an fd that
 * is not an event), -EBADF, -EFAULT, -ENOMEM or -EMFILE.
 */
long evobj_ioc_waitset(struct evobj_waitset __user *uargs)
{
	struct evobj_waitset args;
	struct evobj_set *set;
	s32 __user *ufds;
	long ret;
	u32 i;
	s32 fd;

	if (copy_from_user(&args, uargs, sizeof(args)))
		return -EFAULT;
	if (!args.count || args.count > EVOBJ_MAX_WAIT ||
	    args.flags & ~EVOBJ_CLOEXEC)
		return -EINVAL;
	set = kmalloc(struct_size(set, evs, args.count), GFP_KERNEL_ACCOUNT);
	if (!set)
		return -ENOMEM;
	ufds = u64_to_user_ptr(args.fds);
	for (i = 0; i < args.count; i++) {
		if (get_user(fd, &ufds[i])) {
			ret = -EFAULT;
			goto err;
		}
		set->evs[i] = evobj_get(fd);
		if (IS_ERR(set->evs[i])) {
			ret = PTR_ERR(set->evs[i]);
			goto err;
		}
	}
	set->count = args.count;
	ret = anon_inode_getfd("[evobj-waitset]", &evobj_waitset_fops, set,
			       O_RDWR | (args.flags & EVOBJ_CLOEXEC ?
					 O_CLOEXEC : 0));
	if (ret < 0)
		goto err;
	return ret;
err:
	evobj_set_free(set, i);
	return ret;
}
