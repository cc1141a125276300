// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// WaitForSingleObject[Ex], WaitForMultipleObjects[Ex], SignalObjectAndWait
// and SleepEx: one evobj wait ioctl each (on the thread's wait set when it
// repeats a list, see wait_sets.cpp), with the thread's alert event when
// alertable.
#include <algorithm>
#include <cerrno>
#include <ctime>

#include <sched.h>

#include <linux/evobj.h>

#include "owner.hpp"
#include "sys.hpp"
#include "win32.hpp"

namespace evobj::win32 {
namespace {

static_assert(MAXIMUM_WAIT_OBJECTS == EVOBJ_MAX_WAIT);
static_assert(SEMAPHORE_MODIFY_STATE == EVENT_MODIFY_STATE); // one check for both kinds
static_assert(WAIT_ABANDONED_0 + MAXIMUM_WAIT_OBJECTS <= WAIT_IO_COMPLETION);

// A relative Win32 timeout as evobj's absolute CLOCK_MONOTONIC deadline,
// taken once so that restarts after a signal or an empty alert keep it.
std::uint64_t deadline(DWORD ms) noexcept
{
    return ms == INFINITE ? EVOBJ_TIMEOUT_INFINITE : sys::deadline_after_ms(ms);
}

// What outcome() returns when the thread's alert won.
constexpr DWORD alerted = 0xFFFFFFFEU;

// What a wait ioctl's result means to Win32: WAIT_OBJECT_0 + i,
// WAIT_ABANDONED_0 + i, WAIT_TIMEOUT, WAIT_FAILED (last error set) or
// alerted.
DWORD outcome(int err, std::uint32_t index, DWORD count, bool all) noexcept
{
    switch (err) {
    case 0:
        if (index < count)
            return WAIT_OBJECT_0 + (all ? 0 : index);
        return alerted;
    case EOWNERDEAD:
        // Satisfied, having acquired an abandoned mutex: the winner of a
        // wait-any; for a wait-all, the mutex the kernel names (0 if it
        // names none of the list). The alert is an event, never abandoned.
        return WAIT_ABANDONED_0 + (index < count ? index : 0);
    case ETIMEDOUT:
        return WAIT_TIMEOUT;
    case EINVAL:
        // The handles are valid events, so this is the same object
        // twice in a wait-all, through two handles.
        return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
    case EPERM:
        // SignalObjectAndWait's mutex, which the thread does not own
        // (nothing happened).
        return fail(ERROR_NOT_OWNER, WAIT_FAILED);
    default:
        return fail(error_from_errno(err), WAIT_FAILED);
    }
}

// One wait in the kernel, restarted after signals with the same deadline.
// Every wait is the calling thread's, its owner id for mutexes.
DWORD wait_once(int dev, const std::int32_t* fds, DWORD count, bool all, std::uint64_t deadline,
                int alert, int signal) noexcept
{
    evobj_wait w{};
    w.timeout = deadline;
    w.fds = reinterpret_cast<std::uintptr_t>(fds);
    w.count = count;
    w.alert = alert;
    w.signal = signal;
    w.owner = sys::current_owner();
    // Win32 waits know no signals: sys::wait restarts after EINTR,
    // without the signal (the kernel cleared w.signal).
    const int err = sys::wait(dev, all, w);
    return outcome(err, w.index, count, all);
}

// The same on a wait set of `count` events (cached_set()).
DWORD wait_set_once(int set, DWORD count, bool all, std::uint64_t deadline, int alert) noexcept
{
    evobj_waitset_wait w{};
    w.timeout = deadline;
    w.alert = alert;
    w.signal = -1;
    w.owner = sys::current_owner();
    const int err = sys::waitset_wait(set, all, w);
    return outcome(err, w.index, count, all);
}

// The mutexes a wait that returned `r` acquired, recorded as the
// thread's (while the call still holds their handles).
void note_wait(DWORD r, const handle_ref* objs, DWORD count, bool all) noexcept
{
    DWORD index = 0;
    if (r < WAIT_OBJECT_0 + count)
        index = r - WAIT_OBJECT_0;
    else if (r >= WAIT_ABANDONED_0 && r < WAIT_ABANDONED_0 + count)
        index = r - WAIT_ABANDONED_0;
    else
        return; // nothing acquired
    if (!all) {
        note_acquired(objs[index]);
        return;
    }
    for (DWORD i = 0; i < count; ++i)
        note_acquired(objs[i]);
}

// Every wait: `signal` (SignalObjectAndWait's, or nullptr) then the
// objects. APCs run after the call has let go of its handles; an alert
// whose APCs an earlier wait already ran is no reason to return, so the
// wait starts again, with the same deadline and without the signal.
DWORD wait_handles(DWORD count, const HANDLE* handles, bool all, DWORD ms, bool alertable,
                   HANDLE signal = nullptr) noexcept
{
    if (count == 0 || count > MAXIMUM_WAIT_OBJECTS || !handles)
        return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
    const int dev = device_fd();
    if (dev < 0)
        return WAIT_FAILED;
    thread_obj* self = nullptr;
    if (alertable && !(self = current_thread()))
        return WAIT_FAILED;
    const std::uint64_t until = deadline(ms);

    // refs[0] is the signal, if any; refs[1, count] the objects.
    HANDLE with_signal[max_call_handles];
    if (signal) {
        with_signal[0] = signal;
        std::copy_n(handles, count, with_signal + 1);
    }
    for (;;) {
        handle_ref refs[max_call_handles];
        std::int32_t fds[MAXIMUM_WAIT_OBJECTS];
        call c;
        if (!(signal ? c.use(with_signal, count + 1, refs) : c.use(handles, count, refs + 1)))
            return WAIT_FAILED;
        if (signal) {
            // An event is set, a semaphore released by one unit (the
            // kernel's choice by the fd's kind; ERROR_TOO_MANY_POSTS at
            // its maximum, before the wait), a mutex unlocked once for
            // the thread (ERROR_NOT_OWNER, before the wait; no access
            // right needed, as for ReleaseMutex); a thread cannot be
            // signaled.
            if (refs[0].kind() == kind::thread)
                return fail(ERROR_INVALID_HANDLE, WAIT_FAILED);
            if (refs[0].kind() != kind::mutex && !(refs[0].access() & EVENT_MODIFY_STATE))
                return fail(ERROR_ACCESS_DENIED, WAIT_FAILED);
        }
        for (DWORD i = 0; i < count; ++i) {
            if (!(refs[1 + i].access() & SYNCHRONIZE))
                return fail(ERROR_ACCESS_DENIED, WAIT_FAILED);
            fds[i] = refs[1 + i].fd;
        }
        if (all) {
            // One handle twice (whatever its low bits). The kernel finds the
            // same object through two handles; this is the cheap common case.
            for (DWORD i = 1; i < count; ++i)
                for (DWORD j = 0; j < i; ++j)
                    if (fds[i] == fds[j])
                        return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
        }
        // One event, no alert, no signal: through its word if it can
        // complete now (or is a test that fails now).
        if (count == 1 && !signal && !self)
            if (std::uint32_t* w = refs[1].s->word.get()) {
                const sys::fast f = sys::try_wait(w, refs[1].s->word.sync, ms == 0);
                if (f != sys::fast::kernel)
                    return f == sys::fast::was_set ? WAIT_OBJECT_0 : WAIT_TIMEOUT;
            }
        const int alert = self ? self->alert : -1;
        const int set = count > 1 && !signal ? cached_set(fds, count, refs + 1) : -1;
        const DWORD r = set >= 0 ? wait_set_once(set, count, all, until, alert)
                                 : wait_once(dev, fds, count, all, until, alert,
                                             signal ? refs[0].fd : -1);
        // A signaled mutex stays recorded: the thread may hold it still
        // (recursion), and if not, its end's kill says EPERM.
        note_wait(r, refs + 1, count, all);
        c.end();
        if (r != alerted)
            return r;
        if (run_apcs(self) > 0)
            return WAIT_IO_COMPLETION;
        signal = nullptr; // set once: the objects alone from now on
    }
}

} // namespace
} // namespace evobj::win32

using namespace evobj::win32;

extern "C" {

DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return wait_handles(1, &hHandle, false, dwMilliseconds, false);
}

DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
    return wait_handles(1, &hHandle, false, dwMilliseconds, bAlertable);
}

DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds)
{
    return wait_handles(nCount, lpHandles, bWaitAll, dwMilliseconds, false);
}

DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                      DWORD dwMilliseconds, BOOL bAlertable)
{
    return wait_handles(nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
}

DWORD WINAPI SignalObjectAndWait(HANDLE hObjectToSignal, HANDLE hObjectToWaitOn,
                                 DWORD dwMilliseconds, BOOL bAlertable)
{
    // One ioctl: queued on the object before an event is set, so
    // nothing the set provokes is missed (stronger than Windows); a
    // semaphore is released first, as on Windows, so that a release
    // past its maximum fails the call before any wait is made.
    return wait_handles(1, &hObjectToWaitOn, false, dwMilliseconds, bAlertable,
                        hObjectToSignal ? hObjectToSignal : INVALID_HANDLE_VALUE);
}

DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
    if (bAlertable) {
        // The alert event is the one object: set means an APC is queued.
        thread_obj* self = current_thread();
        if (!self)
            return 0; // no alert event: nothing can be queued to us either
        const std::int32_t fd = self->alert;
        const int dev = device_fd();
        if (dev < 0)
            return 0;
        evobj_wait w{};
        w.timeout = deadline(dwMilliseconds);
        w.fds = reinterpret_cast<std::uintptr_t>(&fd);
        w.count = 1;
        w.alert = -1;
        w.signal = -1;
        while (evobj::sys::wait(dev, false, w) == 0) {
            if (run_apcs(self) > 0)
                return WAIT_IO_COMPLETION;
        }
        return 0; // ETIMEDOUT: slept the whole time
    }
    if (dwMilliseconds == 0) {
        ::sched_yield(); // Sleep(0): give up the rest of the time slice
        return 0;
    }
    if (dwMilliseconds == INFINITE) {
        for (;;)
            ::pause();
    }
    const std::uint64_t until = deadline(dwMilliseconds);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(until / 1000000000U);
    ts.tv_nsec = static_cast<long>(until % 1000000000U);
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
    return 0;
}

VOID WINAPI Sleep(DWORD dwMilliseconds)
{
    SleepEx(dwMilliseconds, FALSE);
}

} // extern "C"
