/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evobj internals, shared by the module's files and its KUnit suites
 * (kmod/kunit/). Nothing here is exported; other drivers use
 * <linux/evobj.h>.
 */
#ifndef _EVOBJ_INTERNAL_H
#define _EVOBJ_INTERNAL_H

#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/evobj.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

/* Timer states (evobj.timer_state). */
enum evobj_timer_state {
	EVOBJ_TIMER_OFF,	/* not armed, or a one-shot that fired */
	EVOBJ_TIMER_ARMED,	/* queued in the hrtimer base */
	/* Periodic, found the event signaled: off until it is consumed. */
	EVOBJ_TIMER_PARKED,
};

/* Bits of evobj.work_flags: what the irq_work has to do. */
enum {
	EVOBJ_WORK_POLL,	/* wake poll/epoll waiters */
	EVOBJ_WORK_WAKE,	/* wake the tasks on wake_list */
};

struct device;
struct evobj_holder;
struct evobj_user;
struct evobj_name;
struct ipc_namespace;
struct seq_file;

/*
 * A wait-all group: the events that some wait-all has named together
 * share the lock of their group's root, which makes "all signaled at one
 * instant" and the atomic consumption possible without a global lock.
 * Groups form a union-find forest: merging points one root at another
 * (parent, set once under the root's own lock), union by rank keeps
 * every path short. Each event and each child group holds a reference
 * to the group it points at, so a group lives while anything can reach
 * it. See group.c.
 */
struct evobj_group {
	raw_spinlock_t lock;		/* meaningful on a root only */
	struct evobj_group *parent;	/* NULL for a root */
	refcount_t ref;
	unsigned int rank;		/* under evobj_group_mutex */
};

/*
 * Lifetime: an event is reference counted (ref). Each struct file of an
 * event fd holds one reference, and so does each kernel user
 * (evobj_create(), evobj_get()). A wait in progress pins the struct file
 * of every event fd it names (the ioctl) or relies on its caller's
 * reference (the kernel API), so no wait ever outlives its objects. The
 * last file release stops the timer, which belongs to the open files;
 * the last evobj_put() flushes the deferred work and frees the object
 * after an RCU grace period, so it must come from a context that may
 * sleep.
 */
struct evobj {
	raw_spinlock_t lock;
	/*
	 * Protected by lock; while all_hint > 0 a change also holds the
	 * root lock of the event's group (see core.c's locking protocol).
	 */
	bool signaled;
	/* Waits queued on this event in arrival (FIFO) order. Same locking. */
	struct list_head waiters;
	unsigned int nr_waiters;
	/* Wait-all entries among waiters; changes only under both locks. */
	unsigned int all_hint;
	/* Completed waits whose task is still to be woken; under lock. */
	struct list_head wake_list;
	u32 type;			/* EVOBJ_NOTIFICATION, _SYNCHRONIZATION, ... */
	/*
	 * A semaphore's count, under lock (and the group lock as signaled
	 * is), and its maximum, fixed. signaled is always count > 0, so
	 * that every wait reads one flag whatever the kind.
	 *
	 * A mutex's recursion count and owner (0: unowned), and whether it
	 * was abandoned and not acquired since, under the same locks.
	 * signaled is always owner == 0; a wait of the owner's finds it
	 * ready too (evobj_ready()).
	 */
	u32 count;
	u32 max;
	u32 owner;
	bool abandoned;
	/*
	 * The process whose wait last acquired a mutex from count 0, or
	 * NULL (holder.c), kept when it is unlocked: under lock, and on
	 * the holder's list by held_node under the holder's lock too.
	 */
	struct evobj_holder *holder;
	struct list_head held_node;
	u64 id;				/* unique this boot: fdinfo, tracepoints */
	struct kref ref;
	atomic_t files;			/* open struct files */
	/* Wait-all group: set once, under evobj_group_mutex, never cleared. */
	struct evobj_group *group;

	/* poll/epoll waiters; woken from process context or the work. */
	wait_queue_head_t poll_wq;
	/* Wake-ups that the setter's context could not do itself. */
	struct irq_work work;
	unsigned long work_flags;

	/*
	 * EVOBJ_IOC_TIMER, expiring in hardirq context. timer_state and
	 * timer_expiries are under lock; timer_period changes only while the
	 * timer is off and cancelled; timer_lock serialises arming and owns
	 * timer_user (the user the armed timer is charged to, or NULL).
	 */
	struct hrtimer timer;
	struct mutex timer_lock;	/* arming, cancelling, timer_user */
	enum evobj_timer_state timer_state;
	u64 timer_period;		/* ns; 0 for a one-shot */
	u64 timer_expiries;
	struct evobj_user *timer_user;

	/* Named events: set once before the event is shared (names.c). */
	struct evobj_name *name;

	/*
	 * The mapped state word (word.c), or NULL: set once, under lock,
	 * with the page holding it and the one mm that may map it (pinned
	 * with mmgrab(), so that no later mm can pass for it). While
	 * owned, the kernel holds the word and signaled is the state; while
	 * not, the word is. owned is under lock.
	 */
	atomic_t *word;
	bool owned;
	struct page *word_page;
	struct mm_struct *word_mm;

	struct rcu_head rcu;		/* frees it after the work's last touch */
};

/*
 * A wait in progress. It has one entry per object it names (and one for
 * the alert), each queued on its object's waiters list unless it repeats
 * an object that an entry of lower index already covers, and it
 * completes exactly once: whoever moves @claimed from -1 to an index
 * owns the completion, consumes what the wait consumes and has its task
 * woken. That claim may race between objects whose locks are unrelated,
 * hence the cmpxchg. The waiter frees the entries only once each is
 * idle, which a claimer makes it last, under the entry's object lock.
 */
struct evobj_q {
	struct task_struct *task;
	atomic_t claimed;
	bool all;
	/* Set by whoever claims @q, if it acquired an abandoned mutex. */
	bool abandoned;
	u32 owner;			/* the mutex owner the wait is for */
	struct evobj_holder *holder;	/* and its process (holder.c), or NULL */
	u32 count;			/* objects, not counting the alert */
	u32 hint;			/* wait-all: an object last seen unsignaled */
	struct evobj_q_entry *entries;	/* count (+ 1 alert) entries */
};

/* Where an entry is (evobj_q_entry.where), under its object's lock. */
enum evobj_entry_where {
	EVOBJ_ENTRY_IDLE,	/* not linked: never, or no longer */
	EVOBJ_ENTRY_QUEUED,	/* on ev->waiters */
	EVOBJ_ENTRY_WAKE,	/* on ev->wake_list: claimed, task to wake */
};

struct evobj_q_entry {
	struct list_head node;		/* in ev->waiters or ev->wake_list */
	struct evobj *ev;
	struct evobj_q *q;
	u32 index;			/* == q->count for the alert */
	u8 where;			/* enum evobj_entry_where */
	bool skip;			/* wait-any: a lower index has ev */
};

/* A set's wake-ups, done once its locks are dropped (core.c). */
#define EVOBJ_WAKE_BATCH	4

struct evobj_wake {
	struct task_struct *tasks[EVOBJ_WAKE_BATCH];
	unsigned int nr;
	bool deferred;			/* more on the event's wake_list */
};

/*
 * What a new object is made of: an event's type and initial state, a
 * semaphore's (type EVOBJ_SEMAPHORE) counts, or a mutex's (EVOBJ_MUTEX)
 * owner and recursion count. The fields of the other kinds are 0.
 * @ntsync gives a semaphore ntsync's limits (/dev/ntsync's, ntsync.c):
 * any max up to U32_MAX, 0 included.
 */
struct evobj_attr {
	u32 type;
	bool signaled;
	u32 count;
	u32 max;
	u32 owner;
	struct evobj_holder *holder;	/* an owned mutex's process, or NULL */
	bool ntsync;
};

/* The kind of object a type names: the two event types are one. */
static inline u32 evobj_kind(u32 type)
{
	return type == EVOBJ_SYNCHRONIZATION ? EVOBJ_NOTIFICATION : type;
}

/* Whether @attr makes an event, a semaphore or a mutex, and nothing else. */
static inline bool evobj_attr_valid(const struct evobj_attr *attr)
{
	if (attr->signaled && attr->type >= EVOBJ_SEMAPHORE)
		return false;
	switch (attr->type) {
	case EVOBJ_SEMAPHORE:
		if (attr->count > attr->max || attr->owner)
			return false;
		return attr->ntsync ||
		       (attr->max && attr->max <= EVOBJ_SEMAPHORE_MAX);
	case EVOBJ_MUTEX:
		/* Owned with a count, or unowned without. */
		return !attr->max && !attr->owner == !attr->count;
	case EVOBJ_NOTIFICATION:
	case EVOBJ_SYNCHRONIZATION:
		return !attr->count && !attr->max && !attr->owner;
	default:
		return false;
	}
}

/*
 * Whether a named open may pass @attr: what evobj_attr_valid() allows,
 * except that an open that never creates (EVOBJ_OPEN_EXISTING) of a
 * semaphore or mutex needs no counts, as OpenSemaphore and OpenMutex
 * have none to give.
 */
static inline bool evobj_open_attr_valid(const struct evobj_attr *attr,
					 u32 disposition)
{
	if ((attr->type == EVOBJ_SEMAPHORE || attr->type == EVOBJ_MUTEX) &&
	    disposition == EVOBJ_OPEN_EXISTING)
		return !attr->signaled;
	return evobj_attr_valid(attr);
}

/* core.c: locking, state changes and completing waits */
struct evobj *evobj_alloc(const struct evobj_attr *attr);
struct evobj_group *evobj_lock(struct evobj *ev, unsigned long *flags)
	__acquires(evobj_group) __acquires(&ev->lock);
void evobj_unlock(struct evobj *ev, struct evobj_group *g,
		  unsigned long flags)
	__releases(&ev->lock) __releases(evobj_group);
struct evobj_group *evobj_lock_irq(struct evobj *ev)
	__acquires(evobj_group) __acquires(&ev->lock);
void evobj_unlock_irq(struct evobj *ev, struct evobj_group *g)
	__releases(&ev->lock) __releases(evobj_group);

/*
 * One of the two, chosen by a constant @task: process context with
 * interrupts on takes the cheaper evobj_lock_irq(), any other context
 * evobj_lock(). @flags is used only by the latter.
 */
static __always_inline struct evobj_group *
evobj_lock_ctx(struct evobj *ev, unsigned long *flags, bool task)
	__acquires(evobj_group) __acquires(&ev->lock)
{
	return task ? evobj_lock_irq(ev) : evobj_lock(ev, flags);
}

static __always_inline void evobj_unlock_ctx(struct evobj *ev,
					     struct evobj_group *g,
					     unsigned long flags, bool task)
	__releases(&ev->lock) __releases(evobj_group)
{
	if (task)
		evobj_unlock_irq(ev, g);
	else
		evobj_unlock(ev, g, flags);
}

/*
 * The mapped word's two halves of every locked section (see "The mapped
 * state word" in Documentation/evobj.rst). Taking it is one atomic OR
 * and one load, letting go one store: never a compare-and-swap loop on
 * memory userspace can write, so no process can stall a set from
 * hardirq by hammering its word. What was read stays a plain bool: any
 * bits userspace wrote but the signaled one mean nothing.
 */
static __always_inline void evobj_word_take(struct evobj *ev)
{
	atomic_t *word = ev->word;

	lockdep_assert_held(&ev->lock);
	if (likely(!word) || ev->owned)
		return;
	atomic_or(EVOBJ_WORD_KERNEL, word);
	/* Whatever the setter through the word wrote before, seen now. */
	smp_mb__after_atomic();
	ev->signaled = atomic_read(word) & EVOBJ_WORD_SIGNALED;
	ev->owned = true;
}

/*
 * Keeps the word while the kernel has to see every change: a wait
 * queued or a wait-all testing (all_hint), a poller registered, or a
 * timer that a consumption must restart. A stale "registered" only
 * keeps the word a while longer; the poller's own locked check comes
 * after its registration, so no poller is missed.
 */
static __always_inline void evobj_word_put(struct evobj *ev)
{
	atomic_t *word = ev->word;
	bool keep;

	if (likely(!word))
		return;
	keep = ev->nr_waiters || ev->all_hint ||
	       ev->timer_state != EVOBJ_TIMER_OFF;
	/* Registered before the poller's locked check, which comes here. */
	keep = keep || waitqueue_active(&ev->poll_wq);
	atomic_set_release(word, (ev->signaled ? EVOBJ_WORD_SIGNALED : 0) |
				 (keep ? EVOBJ_WORD_KERNEL : 0));
	ev->owned = keep;
}

/*
 * The state without the lock: a hint for paths that confirm it under
 * the lock. A mapped event's word is where a set through it shows. A
 * mutex is worth locking if it is unowned or @q's owner's.
 */
static __always_inline bool evobj_peek(const struct evobj *ev,
				       const struct evobj_q *q)
{
	atomic_t *word = READ_ONCE(ev->word);
	u32 owner;

	if (word)
		return atomic_read(word) & EVOBJ_WORD_SIGNALED;
	if (likely(ev->type != EVOBJ_MUTEX))
		return READ_ONCE(ev->signaled);
	owner = READ_ONCE(ev->owner);
	return !owner || owner == q->owner;
}

bool evobj_task_set(struct evobj *ev);
bool evobj_task_reset(struct evobj *ev);
bool evobj_task_pulse(struct evobj *ev);

/*
 * The helpers below run once per object of a wait-all, often all under
 * one group lock: inline, as a call and return cost more than they do.
 */

/* Takes another object's lock while its group's lock is held. */
static __always_inline void evobj_lock_nested(struct evobj *ev,
					      struct evobj_group *g)
	__acquires(&ev->lock)
{
	lockdep_assert_held(&g->lock);
	raw_spin_lock_nest_lock(&ev->lock, &g->lock);
	evobj_word_take(ev);
}

static __always_inline void evobj_unlock_nested(struct evobj *ev)
	__releases(&ev->lock)
{
	evobj_word_put(ev);
	raw_spin_unlock(&ev->lock);
}

/*
 * Whether @ev would satisfy a wait of @q now: it is signaled, or it is a
 * mutex that @q's owner holds and may take once more. Under @ev's lock,
 * or under its group's lock while a wait-all is queued on it.
 */
static __always_inline bool evobj_ready(const struct evobj *ev,
					const struct evobj_q *q)
{
	if (likely(READ_ONCE(ev->signaled)))
		return true;
	return ev->type == EVOBJ_MUTEX && ev->owner == q->owner &&
	       ev->count < U32_MAX;
}

void evobj_consume_sync(struct evobj *ev, struct evobj_q *q);

/*
 * A satisfied wait resets a synchronization event, takes one unit of a
 * semaphore and acquires a mutex for @q's owner.
 */
static __always_inline void evobj_consume(struct evobj *ev, struct evobj_q *q)
{
	lockdep_assert_held(&ev->lock);
	if (ev->type != EVOBJ_NOTIFICATION)
		evobj_consume_sync(ev, q);
}

/* Completes @q through @index, unless something completed it first. */
static __always_inline bool evobj_claim(struct evobj_q *q, u32 index)
{
	int unclaimed = -1;

	return atomic_try_cmpxchg(&q->claimed, &unclaimed, index);
}

int evobj_link(struct evobj_q_entry *e);
void evobj_unlink(struct evobj_q_entry *e);
void evobj_try_wake_any(struct evobj_q_entry *e, struct evobj_wake *w);
bool evobj_all_signaled(struct evobj_q *q);
void evobj_try_wake_all(struct evobj_q *q, struct evobj_group *g,
			struct evobj *locked, struct evobj_q_entry *via,
			struct evobj_wake *w);
void evobj_wake_waiters(struct evobj *ev, struct evobj_group *g,
			struct evobj_wake *w);
bool evobj_signal_locked(struct evobj *ev, struct evobj_group *g,
			 struct evobj_wake *w);
void evobj_wake_finish(struct evobj *ev, struct evobj_wake *w, bool pollers);

/*
 * Every set of the module, the timer's included, ends the same way:
 * unlock, then wake the tasks of the waits it completed and, if this
 * change made the event signaled (@raised) and left it so, the pollers.
 * @task is as for evobj_lock_ctx(), which locked the event. Inline,
 * with plain arguments, so that sharing it costs nothing measurable: a
 * struct holding the change cost the ioctl SET 1.6%, and an out-of-line
 * call the timer's wake-up latency 0.3%.
 */
static __always_inline void evobj_change_end(struct evobj *ev,
					     struct evobj_group *g,
					     unsigned long flags,
					     struct evobj_wake *w,
					     bool raised, bool task)
	__releases(&ev->lock) __releases(evobj_group)
{
	bool pollers = raised && ev->signaled;

	evobj_unlock_ctx(ev, g, flags, task);
	evobj_wake_finish(ev, w, pollers);
}

/* semaphore.c */
int evobj_task_release(struct evobj *sem, u32 n, u32 *prev);
bool evobj_sem_set(struct evobj *sem);

/* mutex.c */
struct evobj *evobj_create_mutex(u32 owner, u32 count,
				 struct evobj_holder *holder);
int evobj_task_unlock(struct evobj *mutex, u32 owner, u32 *prev);
int evobj_task_kill(struct evobj *mutex, u32 owner);
void evobj_mutex_read(struct evobj *mutex, struct evobj_mutex_state *state);
void evobj_mutex_abandon(struct evobj *mutex, struct evobj_holder *h);

/* holder.c: a process's exit abandons the mutexes it holds */
struct evobj_holder *evobj_holder_current(void);
void evobj_hold_by(struct evobj *mutex, struct evobj_holder *h);
void evobj_unhold_held(struct evobj *mutex);
void evobj_holders_exit(void);

/* @mutex, under its lock, is ending: off its last holder's list. */
static __always_inline void evobj_unhold(struct evobj *mutex)
{
	if (mutex->holder)
		evobj_unhold_held(mutex);
}

/*
 * @mutex, under its lock, has just been acquired from count 0 for @h's
 * process; NULL (a kernel thread's wait, or ntsync's) records nobody.
 * The same holder as last time finds it on its list already.
 */
static __always_inline void evobj_hold(struct evobj *mutex,
				       struct evobj_holder *h)
{
	if (mutex->holder != h)
		evobj_hold_by(mutex, h);
}

int evobj_wait_holder(struct evobj *const *evs, u32 count,
		      const struct evobj *alert, const struct evobj *signal,
		      u32 owner, struct evobj_holder **holder);

/* Whether a wait names a mutex: it needs an owner (evobj_wait_holder()). */
static inline bool evobj_names_mutex(struct evobj *const *evs, u32 count,
				     const struct evobj *alert,
				     const struct evobj *signal)
{
	u32 i;

	if ((alert && alert->type == EVOBJ_MUTEX) ||
	    (signal && signal->type == EVOBJ_MUTEX))
		return true;
	for (i = 0; i < count; i++)
		if (evs[i]->type == EVOBJ_MUTEX)
			return true;
	return false;
}

/* wait.c */

/* Whether absolute @timeout on @clock (KTIME_MAX: never) has passed. */
static inline bool evobj_timeout_past(clockid_t clock, ktime_t timeout)
{
	/* An infinite wait reads no clock. */
	if (timeout == KTIME_MAX)
		return false;
	return ktime_compare(timeout, clock == CLOCK_REALTIME ?
			     ktime_get_real() : ktime_get()) <= 0;
}

int evobj_wait_many_in(struct evobj *const *evs, u32 count,
		       struct evobj *alert, struct evobj *signal, bool all,
		       clockid_t clock, ktime_t timeout, u32 owner,
		       struct evobj_holder *holder, struct evobj_q_entry *room,
		       u32 *index);

/*
 * evobj_wait_many_in() whose entries, if it needs any, are its own, for
 * no owner: it names no mutex.
 */
static inline int evobj_wait_many(struct evobj *const *evs, u32 count,
				  struct evobj *alert, struct evobj *signal,
				  bool all, clockid_t clock, ktime_t timeout,
				  u32 *index)
{
	return evobj_wait_many_in(evs, count, alert, signal, all, clock,
				  timeout, 0, NULL, NULL, index);
}

/* group.c: the locks that make a wait-all atomic */
int evobj_group_join(struct evobj *const *evs, u32 count);
struct evobj_group *evobj_group_lock(struct evobj *ev)
	__acquires(evobj_group);
void evobj_group_unlock(struct evobj_group *g) __releases(evobj_group);
struct evobj_group *evobj_group_lock_irq(struct evobj *ev)
	__acquires(evobj_group);
void evobj_group_unlock_irq(struct evobj_group *g) __releases(evobj_group);

/* The root of @g's tree. Parents only ever go from NULL to a group. */
static inline struct evobj_group *evobj_group_root(struct evobj_group *g)
{
	struct evobj_group *parent;

	while ((parent = READ_ONCE(g->parent)))
		g = parent;
	return g;
}

void evobj_group_put(struct evobj *ev);

/*
 * A wait on at most this many objects keeps its arrays on the stack: the
 * ioctl's fds, files and events, and the wait's entries. One threshold,
 * so that no wait of that size allocates in one layer and not the other.
 */
#define EVOBJ_STACK_OBJECTS	4

/* device.c */
#define EVOBJ_WAIT_FLAGS	(EVOBJ_WAIT_REALTIME)
#define EVOBJ_NO_FD		(-1)

extern const struct file_operations evobj_event_fops;
extern const struct file_operations evobj_sem_fops;
extern const struct file_operations evobj_mutex_fops;

/* Whether @file is one of an object's: an event's, semaphore's or mutex's. */
static inline bool evobj_is_object_file(const struct file *file)
{
	return file->f_op == &evobj_event_fops ||
	       file->f_op == &evobj_sem_fops ||
	       file->f_op == &evobj_mutex_fops;
}

struct file *evobj_file_open(struct evobj *ev, unsigned int flags);
int evobj_install(struct evobj *ev, u32 flags);
/**
 * evobj_fget_event() - the event behind a wait's fd, its file pinned
 * @fd: an event fd, or -1 for none
 * @filep: out: the pinned file, for the caller to fput(), or NULL
 *
 * Return: the event, NULL for -1, ERR_PTR(-EBADF) if @fd is not open or
 * ERR_PTR(-EINVAL) if it is not an event.
 *
 * Inline: it runs for every fd of a wait, /dev/evobj's and /dev/ntsync's.
 */
static inline struct evobj *evobj_fget_event(s32 fd, struct file **filep)
{
	struct file *file;

	*filep = NULL;
	if (fd == EVOBJ_NO_FD)
		return NULL;
	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	if (!evobj_is_object_file(file)) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	*filep = file;
	return file->private_data;
}

int evobj_get_fds(s32 *fds, const s32 __user *ufds, u32 count);
long evobj_wait_copy_out(int ret, u32 index, u32 __user *uindex,
			 struct evobj *signal, s32 __user *usignal);
long evobj_wait_held(struct evobj *const *evs, u32 count,
		     struct evobj_waitset_wait __user *uargs, size_t usize,
		     bool all);

/*
 * The wait ioctls of userspace built before struct evobj_waitset_wait
 * had an owner: the same numbers with the 24-byte struct.
 */
#define EVOBJ_IOC_WAIT_OLD(nr)						\
	_IOC(_IOC_READ | _IOC_WRITE, EVOBJ_IOC_MAGIC, _IOC_NR(nr),	\
	     EVOBJ_WAITSET_WAIT_SIZE_VER0)

/* The clock of a wait's EVOBJ_WAIT_FLAGS. */
static inline clockid_t evobj_wait_clock(u32 flags)
{
	return flags & EVOBJ_WAIT_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
}

/* A wait's timeout from userspace's ns. */
static inline ktime_t evobj_timeout(u64 ns)
{
	/* INFINITE, and anything too far to represent, never expires. */
	return ns > KTIME_MAX ? KTIME_MAX : ns_to_ktime(ns);
}

/* ntsync.c: /dev/ntsync, and the ntsync ioctls of every object fd */
long evobj_ntsync_obj_ioctl(struct evobj *ev, unsigned int cmd,
			    void __user *argp);
void evobj_ntsync_init(struct device *misc_dev);
void evobj_ntsync_exit(void);

/* word.c: the mapped state word */
int evobj_word_mmap(struct file *file, struct vm_area_struct *vma);
void evobj_word_free(struct evobj *ev);

/* waitset.c */
long evobj_ioc_waitset(struct evobj_waitset __user *uargs);

/* timer.c */
void evobj_timer_init(struct evobj *ev);
int evobj_timer_arm(struct evobj *ev, u64 expires, u64 period);
void evobj_timer_stop(struct evobj *ev);
void evobj_timer_file_closed(struct evobj *ev);
void evobj_timer_resume(struct evobj *ev);

/* names.c: named events */
int evobj_names_init(void);
void evobj_names_exit(void);
void evobj_name_release(struct evobj *ev);
void evobj_name_show(struct seq_file *m, const struct evobj *ev);
struct evobj *evobj_do_open(const char *name, const struct evobj_attr *attr,
			    u32 disposition, umode_t mode, bool *created,
			    struct file **filep, unsigned int fflags);

/* limits.c: what each user may hold at once */
enum evobj_limit {
	EVOBJ_LIMIT_TIMERS,	/* armed timers: max_timers */
	EVOBJ_LIMIT_NAMES,	/* named events: max_names */
	EVOBJ_NR_LIMITS,
};

struct evobj_user *evobj_user_charge(enum evobj_limit what, unsigned int limit);
void evobj_user_uncharge(struct evobj_user *u, enum evobj_limit what);

/*
 * Reached only by the KUnit suites besides their own file, where they are
 * VISIBLE_IF_KUNIT: static in a kernel without KUnit.
 */
#if IS_ENABLED(CONFIG_KUNIT)
extern unsigned int evobj_max_waiters;
void evobj_word_attach(struct evobj *ev, atomic_t *word);
/* A lookup raced with a release. */
extern struct mutex evobj_names_lock;
struct evobj_name *evobj_name_find(struct ipc_namespace *ns, const char *str,
				   unsigned int len);
#endif

#endif /* _EVOBJ_INTERNAL_H */
