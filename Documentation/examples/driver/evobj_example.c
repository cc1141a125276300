// SPDX-License-Identifier: GPL-2.0-only
/*
 * The smallest out-of-tree driver that uses evobj's kernel API: at load
 * it creates a synchronization event, sets it as an interrupt handler
 * would, checks that the set is seen, and drops it. It exists to show
 * (and to test, scripts/deb-test.sh) how such a driver is built against
 * an installed evobj: the header from /usr/src/evobj-VERSION and the
 * Module.symvers of the evobj build for the same kernel
 * (KBUILD_EXTRA_SYMBOLS; see the Makefile beside it).
 */
#include <linux/err.h>
#include <linux/evobj.h>
#include <linux/module.h>

static int __init evobj_example_init(void)
{
	struct evobj *ev = evobj_create(EVOBJ_SYNCHRONIZATION, false);
	bool was_set;

	if (IS_ERR(ev))
		return PTR_ERR(ev);
	was_set = evobj_set(ev);	/* any context, hardirq included */
	pr_info("evobj_example: set an event (was %s, now %s)\n",
		was_set ? "set" : "clear", evobj_signaled(ev) ? "set" : "clear");
	evobj_put(ev);
	return 0;
}

static void __exit evobj_example_exit(void)
{
}

module_init(evobj_example_init);
module_exit(evobj_example_exit);

MODULE_DESCRIPTION("evobj example: a driver built against an installed evobj");
MODULE_LICENSE("GPL");
