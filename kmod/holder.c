// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which process holds a mutex, so that the process's exit abandons it
 * (Windows abandons a dead process's mutexes; a SIGKILLed owner runs no
 * code of its own to do it). See "Mutexes" in Documentation/evobj.rst.
 *
 * A process is its address space here: a holder is an MMU notifier on
 * the mm, whose ->release runs once, when the mm is torn down (the last
 * thread's exit, SIGKILL included, or execve()). It exists from the
 * process's first wait that names a mutex until then. Each mutex that a
 * wait of the process acquired from count 0 (or that it created owned)
 * is on the holder's list, and stays there when unlocked: its next
 * acquisition from 0 moves it only if another process (or nobody: an
 * ntsync wait) acquires it, so that a process locking and unlocking
 * costs one compare, not two list changes. Its end or the holder's
 * release takes it off. ->release abandons those of them still owned.
 * The list holds no reference: as in NT, a mutex ends with its last
 * handle, held or not. A mutex's holder pointer is cleared, under the
 * mutex's lock, before the holder can go, so a holder lives while any
 * mutex points at it.
 *
 * Locking: holder->lock (raw) nests inside the mutex's lock, as an
 * acquisition happens under it, in any context (a hardirq set can
 * complete a wait-all that takes a mutex). Under it only a list is
 * linked or unlinked, or one entry popped: O(1). evobj_holders_lock
 * guards the table of holders, changed once at a process's first
 * mutex wait and once at its exit; lookups are RCU.
 */

#include <linux/hashtable.h>
#include <linux/mmu_notifier.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "internal.h"

/*
 * Checks a wait's owner and finds its holder: -EINVAL if the wait names
 * a mutex (its alert or signal included) with owner 0, else 0 with
 * @holder the current process's if it names one (NULL if not), or
 * -ENOMEM, or -ERESTARTSYS (evobj_holder_current()).
 */
int evobj_wait_holder(struct evobj *const *evs, u32 count,
		      const struct evobj *alert, const struct evobj *signal,
		      u32 owner, struct evobj_holder **holder)
{
	struct evobj_holder *h;

	*holder = NULL;
	if (!evobj_names_mutex(evs, count, alert, signal))
		return 0;
	if (!owner)
		return -EINVAL;
	h = evobj_holder_current();
	if (IS_ERR(h))
		return PTR_ERR(h);
	*holder = h;
	return 0;
}

#if IS_ENABLED(CONFIG_MMU_NOTIFIER)

struct evobj_holder {
	struct mmu_notifier mn;
	raw_spinlock_t lock;
	struct list_head held;		/* struct evobj.held_node, under lock */
	bool gone;			/* ->release ran; under lock */
	bool hashed;			/* in evobj_holders; under its lock */
	struct hlist_node node;		/* in evobj_holders */
	struct rcu_head rcu;
};

/*
 * One holder per process that waits on mutexes; 2^10 buckets keep a
 * lookup short on a machine running thousands of such processes.
 */
static DEFINE_HASHTABLE(evobj_holders, 10);
static DEFINE_SPINLOCK(evobj_holders_lock);

static struct evobj_holder *evobj_holder_of(struct mmu_notifier *mn)
{
	return container_of(mn, struct evobj_holder, mn);
}

static struct mmu_notifier *evobj_holder_alloc(struct mm_struct *mm)
{
	struct evobj_holder *h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);

	if (!h)
		return ERR_PTR(-ENOMEM);
	raw_spin_lock_init(&h->lock);
	INIT_LIST_HEAD(&h->held);
	return &h->mn;
}

/* After mmu_notifier_put()'s SRCU grace period; lookups need one more. */
static void evobj_holder_free(struct mmu_notifier *mn)
{
	kfree_rcu(evobj_holder_of(mn), rcu);
}

/* Takes @h out of the table; true if this call did, and owns its ref. */
static bool evobj_holder_unhash(struct evobj_holder *h)
{
	bool was;

	spin_lock(&evobj_holders_lock);
	was = h->hashed;
	if (was) {
		hash_del_rcu(&h->node);
		h->hashed = false;
	}
	spin_unlock(&evobj_holders_lock);
	return was;
}

/*
 * The process is gone: abandon every mutex it still holds, one at a
 * time, each under its own lock, as EVOBJ_IOC_KILL by its owner would.
 */
static void evobj_holder_release(struct mmu_notifier *mn,
				 struct mm_struct *mm)
{
	struct evobj_holder *h = evobj_holder_of(mn);
	struct evobj *mutex;

	raw_spin_lock_irq(&h->lock);
	h->gone = true;
	raw_spin_unlock_irq(&h->lock);
	for (;;) {
		bool live = false;

		/* A mutex freed meanwhile is freed after a grace period. */
		rcu_read_lock();
		raw_spin_lock_irq(&h->lock);
		mutex = list_first_entry_or_null(&h->held, struct evobj,
						 held_node);
		if (mutex) {
			list_del_init(&mutex->held_node);
			live = kref_get_unless_zero(&mutex->ref);
		}
		raw_spin_unlock_irq(&h->lock);
		if (mutex && !live) {
			/* Its last put is under way: only forget @h. */
			raw_spin_lock_irq(&mutex->lock);
			if (mutex->holder == h)
				mutex->holder = NULL;
			raw_spin_unlock_irq(&mutex->lock);
		}
		rcu_read_unlock();
		if (!mutex)
			break;
		if (live) {
			evobj_mutex_abandon(mutex, h);
			evobj_put(mutex);
		}
		cond_resched();
	}
	if (evobj_holder_unhash(h))
		mmu_notifier_put(&h->mn);
}

static const struct mmu_notifier_ops evobj_holder_ops = {
	.release	= evobj_holder_release,
	.alloc_notifier	= evobj_holder_alloc,
	.free_notifier	= evobj_holder_free,
};

/*
 * The current process's holder, made at its first call: NULL for a
 * kernel thread, ERR_PTR(-ENOMEM) or ERR_PTR(-ERESTARTSYS). The table
 * keeps the reference until the process exits, and the caller runs in
 * the process, so the holder outlives the call without one of its own.
 */
struct evobj_holder *evobj_holder_current(void)
{
	struct mm_struct *mm = current->mm;
	struct mmu_notifier *mn;
	struct evobj_holder *h;
	bool keep;

	if (!mm)
		return NULL;
	rcu_read_lock();
	hash_for_each_possible_rcu(evobj_holders, h, node, (unsigned long)mm) {
		if (h->mn.mm == mm && !READ_ONCE(h->gone)) {
			rcu_read_unlock();
			return h;
		}
	}
	rcu_read_unlock();

	/*
	 * Once per process: mmu_notifier_get() takes mmap_lock to write,
	 * and every VMA's locks, which a pending signal interrupts with
	 * -EINTR. Nothing is done yet, so the ioctl restarts (a stop
	 * signal must not fail a wait).
	 */
	mn = mmu_notifier_get(&evobj_holder_ops, mm);
	if (mn == ERR_PTR(-EINTR))
		return ERR_PTR(-ERESTARTSYS);
	if (IS_ERR(mn))
		return ERR_CAST(mn);
	h = evobj_holder_of(mn);
	spin_lock(&evobj_holders_lock);
	/* Another thread of the process may have won the race. */
	keep = !h->hashed && !h->gone;
	if (keep) {
		hash_add_rcu(evobj_holders, &h->node, (unsigned long)mm);
		h->hashed = true;
	}
	spin_unlock(&evobj_holders_lock);
	if (!keep)
		mmu_notifier_put(mn);
	return h;
}

/*
 * evobj_hold() where @mutex's last holder was another (or none): off that
 * one's list, onto @h's (NULL: nobody's).
 */
void evobj_hold_by(struct evobj *mutex, struct evobj_holder *h)
{
	lockdep_assert_held(&mutex->lock);
	evobj_unhold(mutex);
	if (!h)
		return;
	raw_spin_lock(&h->lock);
	if (!h->gone) {
		list_add_tail(&mutex->held_node, &h->held);
		mutex->holder = h;
	}
	raw_spin_unlock(&h->lock);
}

/*
 * evobj_unhold() of a held @mutex: off its holder's list, if the
 * holder's release did not take it off first.
 */
void evobj_unhold_held(struct evobj *mutex)
{
	struct evobj_holder *h = mutex->holder;

	lockdep_assert_held(&mutex->lock);
	mutex->holder = NULL;
	raw_spin_lock(&h->lock);
	list_del_init(&mutex->held_node);
	raw_spin_unlock(&h->lock);
}

/* Module exit: no object is left, so no holder holds anything. */
void evobj_holders_exit(void)
{
	struct evobj_holder *h;
	unsigned int bkt;

	for (;;) {
		/* The first holder left, or NULL: the loops end on a find. */
		spin_lock(&evobj_holders_lock);
		hash_for_each(evobj_holders, bkt, h, node)
			break;
		spin_unlock(&evobj_holders_lock);
		if (!h)
			break;
		if (evobj_holder_unhash(h))
			mmu_notifier_put(&h->mn);
	}
	/* Every free_notifier has run before the module's text goes. */
	mmu_notifier_synchronize();
}

#else /* !CONFIG_MMU_NOTIFIER: nothing is abandoned at a process's exit */

struct evobj_holder *evobj_holder_current(void)
{
	return NULL;
}

void evobj_hold_by(struct evobj *mutex, struct evobj_holder *h)
{
}

void evobj_unhold_held(struct evobj *mutex)
{
}

void evobj_holders_exit(void)
{
}

#endif
