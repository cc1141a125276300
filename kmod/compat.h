/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evobj compat: the kernel APIs that changed after 6.12, so that one
 * source tree builds on 6.1, 6.12 and current mainline. Each guard names
 * the release that changed the API but tests for the API itself, by a
 * macro that kmod/Kbuild defines from the kernel's headers, rather than
 * the version: a kernel with the change backported builds as mainline
 * does. Compile-tested on Debian's 6.1 and 6.12 (and 6.12-rt); the
 * mainline side is written from mainline's own headers (6.19/7.0-era:
 * include/linux/ns/ns_common_types.h with struct ns_tree, kzalloc_obj()
 * in use).
 *
 * Audited there and unchanged for this module, so no guard: fget/fput,
 * get_unused_fd_flags/fd_install, anon_inode_getfile, noop_llseek (only
 * no_llseek went, in 6.12), compat_ptr_ioctl, module_misc_device,
 * irq_work_{queue,sync,is_busy}, schedule_hrtimeout_range_clock (moved
 * to kernel/time/sleep_timeout.c in 6.13, same signature),
 * hrtimer_{start,start_expires,forward_now,cancel}, kfree_rcu,
 * module_param_named, seq_printf, TRACE_EVENT and trace_*_enabled(), and
 * for KUnit close_fd, __fput_sync, kthread_stop_put and
 * KUNIT_DEFINE_ACTION_WRAPPER. kmalloc() and kzalloc() remain beside
 * the newer kmalloc_obj(). The module uses none of MODULE_IMPORT_NS (a
 * string literal since 6.13), del_timer/from_timer (gone by 6.16 for
 * timer_delete and timer_container_of), struct fd, class_create or
 * prandom_u32_max. Named events (names.c) pin IPC namespaces through
 * ns.ops->get/put, which 6.1 through mainline have, and need no guard:
 * 6.1 exports neither put_ipc_ns() nor init_ipc_ns (Debian's 6.12 does),
 * and 6.18 renamed ns_common.count, which get_ipc_ns() hides, to
 * __ns_ref.
 */
#ifndef _EVOBJ_COMPAT_H
#define _EVOBJ_COMPAT_H

#include <linux/hrtimer.h>

/*
 * 6.13 added hrtimer_setup(), which sets the callback with the rest;
 * later releases removed hrtimer_init() and made .function private.
 * EVOBJ_HAVE_HRTIMER_SETUP: <linux/hrtimer.h> declares hrtimer_setup().
 */
#ifdef EVOBJ_HAVE_HRTIMER_SETUP
#define evobj_hrtimer_setup hrtimer_setup
#else
static inline void evobj_hrtimer_setup(struct hrtimer *timer,
				       enum hrtimer_restart (*fn)(struct hrtimer *),
				       clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
}
#endif

/*
 * 6.3 made vm_flags writable only through vm_flags_set() and friends.
 * EVOBJ_HAVE_VM_FLAGS_SET: <linux/mm.h> declares vm_flags_set().
 */
#include <linux/mm.h>

static inline void evobj_vm_flags_mod(struct vm_area_struct *vma,
				      vm_flags_t set, vm_flags_t clear)
{
#ifdef EVOBJ_HAVE_VM_FLAGS_SET
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

#endif /* _EVOBJ_COMPAT_H */
