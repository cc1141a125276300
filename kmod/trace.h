/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evobj tracepoints: the "evobj" trace system (events/evobj/ in tracefs,
 * evobj:* for perf, tracepoint:evobj:* for bpftrace). See "Tracing" in
 * Documentation/evobj.rst.
 *
 * Each event is named by its id, a number that no other event of this
 * boot shares and that the "id:" line of its fds' fdinfo shows. Off,
 * a tracepoint is a static branch that is never taken: no argument is
 * computed outside TP_fast_assign(), so the paths that call these under
 * the event's raw lock do no extra work there unless tracing is on.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM evobj

#if !defined(_EVOBJ_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EVOBJ_TRACE_H

#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/tracepoint.h>

#include "internal.h"

#ifndef EVOBJ_TRACE_HELPERS
#define EVOBJ_TRACE_HELPERS
/* The context a state change came from (the ctx field). */
#define EVOBJ_CTX_TASK		0
#define EVOBJ_CTX_SOFTIRQ	1
#define EVOBJ_CTX_HARDIRQ	2
#define EVOBJ_CTX_NMI		3

static inline u8 evobj_trace_ctx(void)
{
	if (in_nmi())
		return EVOBJ_CTX_NMI;
	if (in_hardirq())
		return EVOBJ_CTX_HARDIRQ;
	if (in_serving_softirq())
		return EVOBJ_CTX_SOFTIRQ;
	return EVOBJ_CTX_TASK;
}

/* A wait's timeout as ns from now: -1 never expires, 0 a test. */
static inline s64 evobj_trace_timeout(clockid_t clock, ktime_t timeout)
{
	ktime_t now;

	if (timeout == KTIME_MAX)
		return -1;
	now = clock == CLOCK_REALTIME ? ktime_get_real() : ktime_get();
	return max_t(s64, 0, ktime_to_ns(ktime_sub(timeout, now)));
}
#endif

#define evobj_trace_ctx_name(ctx)					\
	__print_symbolic(ctx,						\
			 { EVOBJ_CTX_TASK, "task" },			\
			 { EVOBJ_CTX_SOFTIRQ, "softirq" },		\
			 { EVOBJ_CTX_HARDIRQ, "hardirq" },		\
			 { EVOBJ_CTX_NMI, "nmi" })

#define evobj_trace_type(type)						\
	__print_symbolic(type,						\
			 { EVOBJ_NOTIFICATION, "notification" },	\
			 { EVOBJ_SYNCHRONIZATION, "synchronization" },	\
			 { EVOBJ_SEMAPHORE, "semaphore" },		\
			 { EVOBJ_MUTEX, "mutex" })

#define evobj_trace_kind(all)	((all) ? "all" : "any")

TRACE_EVENT(evobj_create,
	    TP_PROTO(const struct evobj *ev),
	    TP_ARGS(ev),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u32, type)
			     __field(bool, signaled)),
	    TP_fast_assign(__entry->id = ev->id;
			   __entry->type = ev->type;
			   __entry->signaled = ev->signaled;),
	    TP_printk("id=%llu type=%s signaled=%d", __entry->id,
		      evobj_trace_type(__entry->type), __entry->signaled)
);

/*
 * A set, reset or pulse, recorded under the event's lock: the records of
 * one event are in the order of its state changes, prev is the state
 * before and signaled the state after (a set that a synchronization
 * event's waiter consumed at once leaves it non-signaled).
 */
DECLARE_EVENT_CLASS(evobj_change,
		    TP_PROTO(const struct evobj *ev, bool prev),
		    TP_ARGS(ev, prev),
		    TP_STRUCT__entry(__field(u64, id)
				     __field(u32, type)
				     __field(bool, prev)
				     __field(bool, signaled)
				     __field(u8, ctx)),
		    TP_fast_assign(__entry->id = ev->id;
				   __entry->type = ev->type;
				   __entry->prev = prev;
				   __entry->signaled = ev->signaled;
				   __entry->ctx = evobj_trace_ctx();),
		    TP_printk("id=%llu type=%s prev=%d signaled=%d ctx=%s",
			      __entry->id, evobj_trace_type(__entry->type),
			      __entry->prev, __entry->signaled,
			      evobj_trace_ctx_name(__entry->ctx))
);

DEFINE_EVENT(evobj_change, evobj_set,
	     TP_PROTO(const struct evobj *ev, bool prev),
	     TP_ARGS(ev, prev)
);

DEFINE_EVENT(evobj_change, evobj_reset,
	     TP_PROTO(const struct evobj *ev, bool prev),
	     TP_ARGS(ev, prev)
);

DEFINE_EVENT(evobj_change, evobj_pulse,
	     TP_PROTO(const struct evobj *ev, bool prev),
	     TP_ARGS(ev, prev)
);

/*
 * A semaphore's release, under its lock: prev is the count before, count
 * what is left once the waits it completed took their units.
 */
TRACE_EVENT(evobj_release,
	    TP_PROTO(const struct evobj *sem, u32 prev),
	    TP_ARGS(sem, prev),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u32, prev)
			     __field(u32, count)
			     __field(u8, ctx)),
	    TP_fast_assign(__entry->id = sem->id;
			   __entry->prev = prev;
			   __entry->count = sem->count;
			   __entry->ctx = evobj_trace_ctx();),
	    TP_printk("id=%llu prev=%u count=%u ctx=%s", __entry->id,
		      __entry->prev, __entry->count,
		      evobj_trace_ctx_name(__entry->ctx))
);

/*
 * A mutex's unlock or kill by @owner, under its lock: prev is the count
 * before; owner_after and count the state once the waits it completed
 * acquired it (0 and 0 if none did).
 */
TRACE_EVENT(evobj_unlock,
	    TP_PROTO(const struct evobj *mutex, u32 owner, u32 prev, bool kill),
	    TP_ARGS(mutex, owner, prev, kill),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u32, owner)
			     __field(u32, prev)
			     __field(u32, owner_after)
			     __field(u32, count)
			     __field(bool, kill)),
	    TP_fast_assign(__entry->id = mutex->id;
			   __entry->owner = owner;
			   __entry->prev = prev;
			   __entry->owner_after = mutex->owner;
			   __entry->count = mutex->count;
			   __entry->kill = kill;),
	    TP_printk("id=%llu owner=%u prev=%u owner_after=%u count=%u kill=%d",
		      __entry->id, __entry->owner, __entry->prev,
		      __entry->owner_after, __entry->count, __entry->kill)
);

/*
 * A wait begins: id is the object at index 0, alert and signal the ids
 * of the alert and signal-and-wait objects (0: none), timeout the ns
 * left (-1: never; 0: a test, which never blocks).
 */
TRACE_EVENT(evobj_wait_start,
	    TP_PROTO(struct evobj *const *evs, u32 count,
		     const struct evobj *alert, const struct evobj *signal,
		     bool all, clockid_t clock, ktime_t timeout),
	    TP_ARGS(evs, count, alert, signal, all, clock, timeout),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, alert)
			     __field(u64, signal)
			     __field(s64, timeout)
			     __field(u32, count)
			     __field(bool, all)),
	    TP_fast_assign(__entry->id = count ? evs[0]->id : 0;
			   __entry->alert = alert ? alert->id : 0;
			   __entry->signal = signal ? signal->id : 0;
			   __entry->timeout = evobj_trace_timeout(clock, timeout);
			   __entry->count = count;
			   __entry->all = all;),
	    TP_printk("id=%llu count=%u kind=%s alert=%llu signal=%llu timeout=%lld",
		      __entry->id, __entry->count, evobj_trace_kind(__entry->all),
		      __entry->alert, __entry->signal, __entry->timeout)
);

/*
 * A wait ends: result is 0 or the negative errno, index the winning
 * index (0 for a wait-all, count for the alert; -1 on failure), duration
 * the ns since it began (0 if tracing was turned on meanwhile).
 */
TRACE_EVENT(evobj_wait_end,
	    TP_PROTO(struct evobj *const *evs, u32 count, bool all, int result,
		     const u32 *index, u64 start),
	    TP_ARGS(evs, count, all, result, index, start),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, duration)
			     __field(u32, count)
			     __field(s32, result)
			     __field(s32, index)
			     __field(bool, all)),
	    TP_fast_assign(__entry->id = count ? evs[0]->id : 0;
			   __entry->duration = start ? ktime_get_ns() - start : 0;
			   __entry->count = count;
			   __entry->result = result;
			   __entry->index = result && result != -EOWNERDEAD ?
					  -1 : (s32)*index;
			   __entry->all = all;),
	    TP_printk("id=%llu count=%u kind=%s result=%d index=%d duration=%llu",
		      __entry->id, __entry->count, evobj_trace_kind(__entry->all),
		      __entry->result, __entry->index, __entry->duration)
);

/*
 * A timer expiry, in hardirq context under the event's lock: prev is the
 * state it found (signaled: it set nothing), parked whether a periodic
 * timer now waits for the event to be consumed, ctx the context it ran
 * in (hardirq, on PREEMPT_RT too: the timer is HRTIMER_MODE_ABS_HARD).
 */
TRACE_EVENT(evobj_timer_expire,
	    TP_PROTO(const struct evobj *ev, bool prev),
	    TP_ARGS(ev, prev),
	    TP_STRUCT__entry(__field(u64, id)
			     __field(u64, expiries)
			     __field(u64, period)
			     __field(bool, prev)
			     __field(bool, parked)
			     __field(u8, ctx)),
	    TP_fast_assign(__entry->id = ev->id;
			   __entry->expiries = ev->timer_expiries;
			   __entry->period = ev->timer_period;
			   __entry->prev = prev;
			   __entry->parked = ev->timer_state == EVOBJ_TIMER_PARKED;
			   __entry->ctx = evobj_trace_ctx();),
	    TP_printk("id=%llu expiries=%llu period=%llu prev=%d parked=%d ctx=%s",
		      __entry->id, __entry->expiries, __entry->period,
		      __entry->prev, __entry->parked,
		      evobj_trace_ctx_name(__entry->ctx))
);

#endif /* _EVOBJ_TRACE_H */

/* Out of tree: kmod/Kbuild adds -I$(src) for trace.c, which defines them. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
