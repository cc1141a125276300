// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// WaitForSingleObject[Ex], WaitForMultipleObjects[Ex], SignalObjectAndWait
// and SleepEx: one evobj wait ioctl each, with the thread's alert event
// when alertable.
#include <cerrno>
#include <ctime>

#include <sched.h>
#include <sys/ioctl.h>

#include <linux/evobj.h>

#include "win32.hpp"

namespace evobj::win32 {
namespace {

static_assert(MAXIMUM_WAIT_OBJECTS == EVOBJ_MAX_WAIT);

// A relative Win32 timeout as evobj's absolute CLOCK_MONOTONIC deadline,
// taken once so that restarts after a signal or an empty alert keep it.
std::uint64_t deadline(DWORD ms) noexcept
{
    if (ms == INFINITE)
        return EVOBJ_TIMEOUT_INFINITE;
    if (ms == 0)
        return 0; // already past: a test, never a wait
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1000000000U +
           static_cast<std::uint64_t>(now.tv_nsec) + std::uint64_t{ms} * 1000000U;
}

// The references a wait holds on its handles for as long as it runs.
struct wait_refs {
    handle_ref refs[MAXIMUM_WAIT_OBJECTS];
    std::int32_t fds[MAXIMUM_WAIT_OBJECTS];
    DWORD count = 0;

    ~wait_refs()
    {
        for (DWORD i = 0; i < count; ++i)
            release(refs[i]);
    }
};

// The shared core: validated handles in, a Win32 wait result out.
DWORD wait(const std::int32_t* fds, DWORD count, bool all, DWORD ms, bool alertable,
           int signal) noexcept
{
    const int dev = device_fd();
    if (dev < 0)
        return WAIT_FAILED;
    thread_obj* self = nullptr;
    if (alertable && !(self = current_thread()))
        return WAIT_FAILED;

    evobj_wait w{};
    w.timeout = deadline(ms);
    w.fds = reinterpret_cast<std::uintptr_t>(fds);
    w.count = count;
    w.alert = self ? self->alert : -1;
    w.signal = signal;
    const unsigned long request = all ? EVOBJ_IOC_WAIT_ALL : EVOBJ_IOC_WAIT_ANY;
    for (;;) {
        if (::ioctl(dev, request, &w) == 0) {
            if (w.index < count)
                return WAIT_OBJECT_0 + (all ? 0 : w.index);
            // Alerted: the APCs run here, in the waiting thread. An alert
            // whose APCs an earlier wait already ran is no reason to
            // return: wait again, without setting the signal twice.
            w.signal = -1;
            if (run_apcs(self) > 0)
                return WAIT_IO_COMPLETION;
            continue;
        }
        switch (errno) {
        case EINTR:
            continue; // Win32 waits know no signals; the kernel cleared w.signal
        case ETIMEDOUT:
            return WAIT_TIMEOUT;
        case EINVAL:
            // The handles are valid events, so this is the same object
            // twice in a wait-all, through two handles.
            return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
        default:
            return fail(error_from_errno(errno), WAIT_FAILED);
        }
    }
}

DWORD wait_handles(DWORD count, const HANDLE* handles, bool all, DWORD ms, bool alertable) noexcept
{
    if (count == 0 || count > MAXIMUM_WAIT_OBJECTS || !handles)
        return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
    wait_refs w;
    for (DWORD i = 0; i < count; ++i) {
        if (!acquire(handles[i], w.refs[i]))
            return WAIT_FAILED;
        w.count = i + 1;
        if (!(w.refs[i].access() & SYNCHRONIZE))
            return fail(ERROR_ACCESS_DENIED, WAIT_FAILED);
        w.fds[i] = w.refs[i].fd;
    }
    if (all) {
        // One handle twice (whatever its low bits). The kernel finds the
        // same object through two handles; this is the cheap common case.
        for (DWORD i = 1; i < count; ++i)
            for (DWORD j = 0; j < i; ++j)
                if (w.fds[i] == w.fds[j])
                    return fail(ERROR_INVALID_PARAMETER, WAIT_FAILED);
    }
    return wait(w.fds, count, all, ms, alertable, -1);
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
    handle_ref sig, obj;
    if (!acquire(hObjectToSignal, sig))
        return WAIT_FAILED;
    DWORD ret;
    if (sig.kind() != kind::event)
        ret = fail(ERROR_INVALID_HANDLE, WAIT_FAILED);
    else if (!(sig.access() & EVENT_MODIFY_STATE))
        ret = fail(ERROR_ACCESS_DENIED, WAIT_FAILED);
    else if (!acquire(hObjectToWaitOn, obj))
        ret = WAIT_FAILED;
    else if (!(obj.access() & SYNCHRONIZE))
        ret = fail(ERROR_ACCESS_DENIED, WAIT_FAILED);
    else
        // One ioctl: queued on the object before the signal is set, so
        // nothing the set provokes is missed (stronger than Windows).
        ret = wait(&obj.fd, 1, false, dwMilliseconds, bAlertable, sig.fd);
    release(obj);
    release(sig);
    return ret;
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
        for (;;) {
            if (::ioctl(dev, EVOBJ_IOC_WAIT_ANY, &w) == 0) {
                if (run_apcs(self) > 0)
                    return WAIT_IO_COMPLETION;
                continue;
            }
            if (errno != EINTR)
                return 0; // ETIMEDOUT: slept the whole time
        }
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
