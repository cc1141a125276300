// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj named events: EVOBJ_IOC_OPEN and evobj_open(). As with NT's named
 * objects, processes that share an IPC namespace open one event by name.
 *
 * Lifetime. A name holds no reference to its event: it lives exactly as
 * long as the event, whose last evobj_put() unhashes it. Between that
 * put bringing the count to zero and the release taking the names lock,
 * the entry is still hashed but its event is dying; a lookup that meets
 * such an entry unhashes it itself and reports the name absent. An open
 * racing with the last close therefore gets the old event (its reference
 * taken before the count reached zero) or a fresh one, never a dead one.
 *
 * Scope. The key is the IPC namespace and the name. Each entry pins its
 * namespace, so a namespace's address cannot be reused by a new one while
 * names made in it exist; once the processes of a namespace are gone, so
 * are their fds, their events, the names and the pins. 6.1 does not
 * export put_ipc_ns(), so the pin is taken and dropped through the
 * namespace's own operations, as setns() and /proc/PID/ns do.
 *
 * Cost. One mutex serialises lookups, inserts and removals; each hold is
 * one hash operation on an rhashtable, expected O(1) whatever the number
 * of names. The table grows and shrinks in a worker, hashes with a random
 * seed and rehashes with a new one when a chain grows long, so chosen
 * names cannot pile into one bucket. Allocation and the per-user charge
 * happen outside the lock, so no user's memory cgroup reclaim stalls the
 * others' lookups. The mutex is never taken with interrupts off or under
 * an event's lock, and nothing sleeps under it but the lock itself.
 *
 * Access. The creator's effective uid and gid and the permission bits
 * are recorded; an open needs read and write permission in the class it
 * falls in (owner, group, other), or CAP_IPC_OWNER in the namespace's
 * user namespace, as System V IPC decides.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/ipc_namespace.h>
#include <linux/jhash.h>
#include <linux/moduleparam.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/user_namespace.h>

#include "internal.h"

static unsigned int evobj_max_names = 65536;
module_param_named(max_names, evobj_max_names, uint, 0644);
MODULE_PARM_DESC(max_names, "Most named events one user may hold at once (ENOSPC past it)");

struct evobj_name {
	struct rhash_head node;		/* in evobj_names while hashed */
	struct ipc_namespace *ns;	/* pinned */
	struct evobj *ev;		/* no reference: the event owns the name */
	struct evobj_user *user;	/* charged EVOBJ_LIMIT_NAMES */
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	bool hashed;			/* under evobj_names_lock */
	u8 len;
	char str[];			/* len bytes and a NUL */
};

struct evobj_name_key {
	const struct ipc_namespace *ns;
	const char *str;
	unsigned int len;
};

static u32 evobj_name_hash(const struct ipc_namespace *ns, const char *str,
			   unsigned int len, u32 seed)
{
	return jhash(str, len, seed ^ hash_ptr((void *)ns, 32));
}

static u32 evobj_key_hashfn(const void *data, u32 len, u32 seed)
{
	const struct evobj_name_key *key = data;

	return evobj_name_hash(key->ns, key->str, key->len, seed);
}

static u32 evobj_obj_hashfn(const void *data, u32 len, u32 seed)
{
	const struct evobj_name *n = data;

	return evobj_name_hash(n->ns, n->str, n->len, seed);
}

static int evobj_obj_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct evobj_name_key *key = arg->key;
	const struct evobj_name *n = obj;

	return key->ns != n->ns || key->len != n->len ||
	       memcmp(key->str, n->str, key->len);
}

static const struct rhashtable_params evobj_name_params = {
	.head_offset		= offsetof(struct evobj_name, node),
	.hashfn			= evobj_key_hashfn,
	.obj_hashfn		= evobj_obj_hashfn,
	.obj_cmpfn		= evobj_obj_cmpfn,
	.automatic_shrinking	= true,
};

static struct rhashtable evobj_names;
/* Lookups, inserts and removals in evobj_names, and evobj_name.hashed. */
VISIBLE_IF_KUNIT struct mutex evobj_names_lock =
	__MUTEX_INITIALIZER(evobj_names_lock);

/* The current task's IPC namespace, pinned; NULL if IPC is built out. */
static struct ipc_namespace *evobj_ns_get(void)
{
#ifdef CONFIG_IPC_NS
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;

	return container_of(ns->ns.ops->get(current), struct ipc_namespace, ns);
#else
	/* The only namespace there is; it is never freed. */
	return current->nsproxy->ipc_ns;
#endif
}

static void evobj_ns_put(struct ipc_namespace *ns)
{
#ifdef CONFIG_IPC_NS
	ns->ns.ops->put(&ns->ns);
#endif
}

static struct user_namespace *evobj_ns_owner(struct ipc_namespace *ns)
{
	return ns ? ns->user_ns : &init_user_ns;
}

static void evobj_name_unhash(struct evobj_name *n)
{
	lockdep_assert_held(&evobj_names_lock);
	rhashtable_remove_fast(&evobj_names, &n->node, evobj_name_params);
	n->hashed = false;
}

/**
 * evobj_name_find() - the live entry of a name, with a reference
 * @ns: IPC namespace
 * @str: the name, @len bytes
 * @len: its length
 *
 * An entry whose event is being released counts as absent and is
 * unhashed here, so that a fresh event can take the name at once.
 *
 * Context: under evobj_names_lock.
 * Return: the entry, with a new reference to its event that keeps both
 * alive, or NULL.
 */
VISIBLE_IF_KUNIT struct evobj_name *
evobj_name_find(struct ipc_namespace *ns, const char *str, unsigned int len)
{
	const struct evobj_name_key key = { .ns = ns, .str = str, .len = len };
	struct evobj_name *n;

	lockdep_assert_held(&evobj_names_lock);
	n = rhashtable_lookup_fast(&evobj_names, &key, evobj_name_params);
	if (n && !kref_get_unless_zero(&n->ev->ref)) {
		evobj_name_unhash(n);
		n = NULL;
	}
	return n;
}

static bool evobj_name_permitted(const struct evobj_name *n)
{
	const struct cred *cred = current_cred();
	umode_t granted = n->mode;

	if (uid_eq(cred->euid, n->uid))
		granted >>= 6;
	else if (in_group_p(n->gid))
		granted >>= 3;
	if ((granted & 06) == 06)
		return true;
	return ns_capable(evobj_ns_owner(n->ns), CAP_IPC_OWNER);
}

/*
 * An existing name, found with a reference: the event, or an error. The
 * names lock is not held, as dropping the reference may release the
 * event, which unhashes its name under that lock.
 */
static struct evobj *evobj_name_opened(struct evobj_name *n, u32 disposition,
				       const struct evobj_attr *attr)
{
	int err = 0;

	/* The kind only after the access check: it is not for everyone. */
	if (disposition == EVOBJ_CREATE_NEW)
		err = -EEXIST;
	else if (!evobj_name_permitted(n))
		err = -EACCES;
	else if (evobj_kind(n->ev->type) != evobj_kind(attr->type))
		err = -EMEDIUMTYPE;
	if (err) {
		evobj_put(n->ev);
		return ERR_PTR(err);
	}
	return n->ev;
}

/* A new event and its unhashed name, charged to the current user. */
static struct evobj_name *evobj_name_alloc(struct ipc_namespace *ns,
					   const char *str, unsigned int len,
					   const struct evobj_attr *attr,
					   umode_t mode)
{
	struct evobj_name *n;
	struct evobj *ev;

	n = kzalloc(struct_size(n, str, len + 1), GFP_KERNEL_ACCOUNT);
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->user = evobj_user_charge(EVOBJ_LIMIT_NAMES, READ_ONCE(evobj_max_names));
	if (IS_ERR(n->user)) {
		ev = ERR_CAST(n->user);
		goto err_free;
	}
	ev = evobj_alloc(attr);
	if (IS_ERR(ev))
		goto err_uncharge;
	n->ns = ns;
	n->ev = ev;
	n->uid = current_euid();
	n->gid = current_egid();
	n->mode = mode;
	n->len = len;
	memcpy(n->str, str, len);
	return n;

err_uncharge:
	evobj_user_uncharge(n->user, EVOBJ_LIMIT_NAMES);
err_free:
	kfree(n);
	return ERR_CAST(ev);
}

/* Undoes evobj_name_alloc() for a name that lost a race. */
static void evobj_name_free_unused(struct evobj_name *n)
{
	evobj_put(n->ev);	/* ev->name is not set: the name stays ours */
	evobj_user_uncharge(n->user, EVOBJ_LIMIT_NAMES);
	kfree(n);
}

/*
 * An existing name's event, for evobj_do_open(): with a file if asked
 * for one, which then holds the reference.
 */
static struct evobj *evobj_name_opened_file(struct evobj_name *n,
					    u32 disposition,
					    const struct evobj_attr *attr,
					    struct file **filep,
					    unsigned int fflags)
{
	struct evobj *ev = evobj_name_opened(n, disposition, attr);
	struct file *file;

	if (IS_ERR(ev) || !filep)
		return ev;
	file = evobj_file_open(ev, fflags);
	if (IS_ERR(file)) {
		evobj_put(ev);
		return ERR_CAST(file);
	}
	*filep = file;
	return ev;
}

/*
 * evobj_open(), and EVOBJ_IOC_OPEN's, which asks for a file (@filep, with
 * @fflags): a created event gets it before its name is published, so
 * that nothing can fail once another task may have opened the name. The
 * creator is then the only one to see "created", whatever happens later.
 */
struct evobj *evobj_do_open(const char *name, const struct evobj_attr *attr,
			    u32 disposition, umode_t mode, bool *created,
			    struct file **filep, unsigned int fflags)
{
	size_t len = strnlen(name, EVOBJ_NAME_MAX + 1);
	struct ipc_namespace *ns, *pinned;
	struct evobj_name *n, *fresh;
	struct file *file = NULL;
	int ret;

	/* evobj_alloc() checks @attr again, for a creator. */
	if (!len || !evobj_open_attr_valid(attr, disposition) ||
	    disposition > EVOBJ_CREATE_NEW || (mode & ~0777))
		return ERR_PTR(-EINVAL);
	if (len > EVOBJ_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	/* A task past exit_task_namespaces(): a driver's bug. */
	if (WARN_ON_ONCE(!current->nsproxy))
		return ERR_PTR(-ESRCH);
	if (created)
		*created = false;

	/*
	 * Only the task itself can change its namespace (unshare(),
	 * setns()), so the lookup needs no pin on it; a created name pins
	 * it. Opening an existing name, the common case, takes the lock
	 * once.
	 */
	ns = current->nsproxy->ipc_ns;
	mutex_lock(&evobj_names_lock);
	n = evobj_name_find(ns, name, len);
	mutex_unlock(&evobj_names_lock);
	if (n || disposition == EVOBJ_OPEN_EXISTING)
		return n ? evobj_name_opened_file(n, disposition, attr, filep,
						  fflags) :
			   ERR_PTR(-ENOENT);

	pinned = evobj_ns_get();	/* ns itself */
	fresh = evobj_name_alloc(pinned, name, len, attr, mode);
	if (!IS_ERR(fresh) && filep) {
		file = evobj_file_open(fresh->ev, fflags);
		if (IS_ERR(file)) {
			evobj_name_free_unused(fresh);
			fresh = ERR_CAST(file);
		}
	}

	/* Another task may have created it meanwhile: the first one wins. */
	mutex_lock(&evobj_names_lock);
	n = evobj_name_find(ns, name, len);
	if (n || IS_ERR(fresh)) {
		ret = 0;
	} else {
		ret = rhashtable_insert_fast(&evobj_names, &fresh->node,
					     evobj_name_params);
		if (!ret) {
			fresh->hashed = true;
			fresh->ev->name = fresh;	/* and the pin on ns */
		}
	}
	mutex_unlock(&evobj_names_lock);
	if (!IS_ERR(fresh) && (n || ret)) {
		/* Lost the race, or the table could not grow. */
		if (file) {
			fput(file);	/* it holds fresh->ev's reference */
			evobj_user_uncharge(fresh->user, EVOBJ_LIMIT_NAMES);
			kfree(fresh);
		} else {
			evobj_name_free_unused(fresh);
		}
	}
	if (n || IS_ERR(fresh) || ret) {
		evobj_ns_put(pinned);
		/* Whoever created it meanwhile saves a failed allocation. */
		if (n)
			return evobj_name_opened_file(n, disposition, attr,
						      filep, fflags);
		/*
		 * rhashtable fails an insert with -EBUSY or -E2BIG when it
		 * cannot grow in time: to the caller, memory refused.
		 */
		return IS_ERR(fresh) ? ERR_CAST(fresh) : ERR_PTR(-ENOMEM);
	}
	if (created)
		*created = true;
	if (filep)
		*filep = file;
	return fresh->ev;
}

/**
 * evobj_open() - open or create a named event
 * @name: NUL-terminated, 1 to %EVOBJ_NAME_MAX bytes
 * @type: %EVOBJ_NOTIFICATION or %EVOBJ_SYNCHRONIZATION, if this creates it
 * @signaled: initial state, if this creates it
 * @disposition: %EVOBJ_OPEN_ALWAYS (open or create), %EVOBJ_OPEN_EXISTING
 *	or %EVOBJ_CREATE_NEW
 * @mode: permission bits (within 0777) of the name, if this creates it
 * @created: set to whether this call created the event; may be NULL
 *
 * Works as %EVOBJ_IOC_OPEN from the current task would: in its IPC
 * namespace, with its credentials checked against an existing name's
 * owner and mode as System V IPC does, and a created name charged to its
 * user (the max_names module parameter) and its memory cgroup. An
 * existing event keeps its own type, state and mode. The name lasts as
 * long as the event: when the last reference (file or kernel) goes, so
 * does the name.
 *
 * Context: Process context of a task that is not exiting; may sleep.
 * Return: the event with a reference for the caller to drop with
 * evobj_put(), or ERR_PTR(-EINVAL) for an empty name or a bad @type,
 * @disposition or @mode, -ENAMETOOLONG, -ENOENT (%EVOBJ_OPEN_EXISTING of
 * an absent name), -EEXIST (%EVOBJ_CREATE_NEW of an existing one),
 * -EACCES, -EMEDIUMTYPE (the name is another kind's), -ENOSPC (the
 * user's named events at max_names) or -ENOMEM.
 */
struct evobj *evobj_open(const char *name, u32 type, bool signaled,
			 u32 disposition, umode_t mode, bool *created)
{
	const struct evobj_attr attr = { .type = type, .signaled = signaled };

	/* Named semaphores and mutexes are userspace's (EVOBJ_IOC_OPEN). */
	if (type >= EVOBJ_SEMAPHORE)
		return ERR_PTR(-EINVAL);
	return evobj_do_open(name, &attr, disposition, mode, created, NULL, 0);
}
EXPORT_SYMBOL_GPL(evobj_open);

/**
 * evobj_name_release() - the last of a named event: its name goes
 * @ev: the event, whose reference count has reached zero
 *
 * Context: Process context; may sleep.
 */
void evobj_name_release(struct evobj *ev)
{
	struct evobj_name *n = ev->name;

	mutex_lock(&evobj_names_lock);
	if (n->hashed)
		evobj_name_unhash(n);
	mutex_unlock(&evobj_names_lock);
	evobj_user_uncharge(n->user, EVOBJ_LIMIT_NAMES);
	evobj_ns_put(n->ns);
	kfree(n);
}

/* fdinfo: the name, with bytes that are not printable ASCII (and '\') in octal. */
void evobj_name_show(struct seq_file *m, const struct evobj *ev)
{
	const struct evobj_name *n = ev->name;
	unsigned int i;

	if (!n)
		return;
	seq_puts(m, "name:\t");
	for (i = 0; i < n->len; i++) {
		unsigned char c = n->str[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			seq_printf(m, "\\%03o", c);
		else
			seq_putc(m, c);
	}
	seq_putc(m, '\n');
}

int evobj_names_init(void)
{
	return rhashtable_init(&evobj_names, &evobj_name_params);
}

/* Every event is gone by now, and with them every name. */
void evobj_names_exit(void)
{
	rhashtable_destroy(&evobj_names);
}
