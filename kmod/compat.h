/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evobj compat: the kernel APIs that changed after 6.12, so that one
 * source tree builds on 6.1, 6.12 and current mainline. Each guard names
 * the release that changed the API. Compile-tested on Debian's 6.1 and
 * 6.12 (and 6.12-rt); the mainline side is written from mainline's own
 * headers.
 */
#ifndef _EVOBJ_COMPAT_H
#define _EVOBJ_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/version.h>

/*
 * 6.13 added hrtimer_setup(), which sets the callback with the rest;
 * later releases removed hrtimer_init() and made .function private.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
static inline void evobj_hrtimer_setup(struct hrtimer *timer,
				       enum hrtimer_restart (*fn)(struct hrtimer *),
				       clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
}
#else
#define evobj_hrtimer_setup hrtimer_setup
#endif

#endif /* _EVOBJ_COMPAT_H */
