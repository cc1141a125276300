/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evobj compat: the kernel APIs that differ between 6.1, 6.12 and
 * current mainline, so that one source tree builds on all of them. Each
 * guard names the release that changed the API but tests for the API
 * itself, by a macro that kmod/Kbuild defines from the kernel's headers,
 * rather than the version: a kernel with the change backported builds as
 * mainline does. Compile-tested on Debian's 6.1, 6.12 and 6.12-rt; the
 * mainline side follows mainline's headers.
 *
 * An API the module uses that needs no guard here is the same on all
 * three; the commit that adds a use checks that.
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
