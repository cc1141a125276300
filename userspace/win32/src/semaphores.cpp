// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Creating, opening and releasing semaphores. Their waits, CloseHandle
// and DuplicateHandle are every handle's (waits.cpp, handles.cpp); names
// are the events' (events.cpp), one namespace for both kinds.
#include <cerrno>
#include <cstdint>
#include <new>
#include <string>
#include <string_view>

#include <linux/evobj.h>

#include "sys.hpp"
#include "win32.hpp"

namespace evobj::win32 {
namespace {

static_assert(SEMAPHORE_ALL_ACCESS == EVENT_ALL_ACCESS);

// Creates (or, for a name, opens or creates) a semaphore; the core of
// every CreateSemaphore* and OpenSemaphore* spelling. name == nullptr:
// unnamed. The counts are checked already.
HANDLE open_semaphore(const char* name, bool open_only, LONG initial, LONG max, bool inheritable,
                      ACCESS_MASK access) noexcept
{
    const int dev = device_fd();
    if (dev < 0)
        return nullptr;
    const std::uint32_t flags = inheritable ? 0U : EVOBJ_CLOEXEC;
    const auto count = static_cast<std::uint32_t>(initial);
    const auto maximum = static_cast<std::uint32_t>(max);
    access = map_event_access(access);

    if (!name) {
        int fd = -1;
        if (const int err = sys::create_semaphore(dev, count, maximum, flags, fd); err != 0)
            return fail(error_from_errno(err), HANDLE{});
        const HANDLE h = install(fd, access, kind::semaphore);
        if (h)
            SetLastError(ERROR_SUCCESS);
        return h;
    }

    std::string_view kname; // a suffix of name: NUL-terminated
    if (const DWORD err = kernel_name(name, kname); err != ERROR_SUCCESS)
        return fail(err, HANDLE{});
    evobj_open args{};
    args.name = reinterpret_cast<std::uintptr_t>(kname.data());
    args.type = EVOBJ_SEMAPHORE;
    args.flags = flags;
    args.disposition = open_only ? EVOBJ_OPEN_EXISTING : EVOBJ_OPEN_ALWAYS;
    args.mode = name_mode;
    // The kernel checks them on an open too: OpenSemaphore passes a
    // valid pair, which an existing semaphore ignores.
    args.count = count;
    args.max = maximum;
    int fd = -1;
    if (const int err = sys::open(dev, args, fd); err != 0) {
        // A module without named objects (ENOTTY) or without semaphores
        // (E2BIG: it does not know struct evobj_open's count and max):
        // never fall back to an unnamed semaphore. EMEDIUMTYPE, the name
        // of an event, is ERROR_INVALID_HANDLE, as on Windows.
        return fail(err == ENOTTY || err == E2BIG ? ERROR_NOT_SUPPORTED : error_from_errno(err),
                    HANDLE{});
    }
    const HANDLE h = install(fd, access, kind::semaphore);
    if (h && !open_only)
        SetLastError((args.result & EVOBJ_OPEN_CREATED) ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS);
    return h;
}

// CreateSemaphore's checks, as Windows makes them, before the name is
// looked at: a maximum of at least 1, an initial count from 0 to it.
bool counts_valid(LONG initial, LONG max) noexcept
{
    return max > 0 && initial >= 0 && initial <= max;
}

HANDLE create_semaphore_a(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG max, LPCSTR name,
                          ACCESS_MASK access) noexcept
{
    if (!counts_valid(initial, max))
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    // An empty name is no name, as on Windows.
    return open_semaphore(name && *name ? name : nullptr, false, initial, max, inherit(sa), access);
}

HANDLE create_semaphore_w(LPSECURITY_ATTRIBUTES sa, LONG initial, LONG max, LPCWSTR name,
                          ACCESS_MASK access) noexcept
{
    if (!name || !*name)
        return create_semaphore_a(sa, initial, max, nullptr, access);
    try {
        std::string utf8;
        utf16_to_utf8(name, utf8);
        return create_semaphore_a(sa, initial, max, utf8.c_str(), access);
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
}

HANDLE open_semaphore_a(ACCESS_MASK access, BOOL inheritable, LPCSTR name) noexcept
{
    if (!name)
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    if (!*name)
        return fail(ERROR_INVALID_NAME, HANDLE{}); // nothing has the empty name
    return open_semaphore(name, true, 0, 1, inheritable, access);
}

} // namespace
} // namespace evobj::win32

using namespace evobj::win32;

extern "C" {

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
                               LONG lMaximumCount, LPCSTR lpName)
{
    return create_semaphore_a(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName,
                              SEMAPHORE_ALL_ACCESS);
}

HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
                               LONG lMaximumCount, LPCWSTR lpName)
{
    return create_semaphore_w(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName,
                              SEMAPHORE_ALL_ACCESS);
}

HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
                                 LONG lMaximumCount, LPCSTR lpName, DWORD dwFlags,
                                 DWORD dwDesiredAccess)
{
    if (dwFlags != 0) // reserved
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    return create_semaphore_a(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName,
                              dwDesiredAccess);
}

HANDLE WINAPI CreateSemaphoreExW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
                                 LONG lMaximumCount, LPCWSTR lpName, DWORD dwFlags,
                                 DWORD dwDesiredAccess)
{
    if (dwFlags != 0) // reserved
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    return create_semaphore_w(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName,
                              dwDesiredAccess);
}

HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
    return open_semaphore_a(dwDesiredAccess, bInheritHandle, lpName);
}

HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
    if (!lpName)
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    try {
        std::string utf8;
        utf16_to_utf8(lpName, utf8);
        return open_semaphore_a(dwDesiredAccess, bInheritHandle, utf8.c_str());
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
}

BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount, LPLONG lpPreviousCount)
{
    // Windows checks the count before it looks at the handle.
    if (lReleaseCount <= 0)
        return fail(ERROR_INVALID_PARAMETER, FALSE);
    handle_ref ref;
    call c;
    if (!c.use(&hSemaphore, 1, &ref))
        return FALSE;
    if (ref.kind() != kind::semaphore)
        return fail(ERROR_INVALID_HANDLE, FALSE);
    if (!(ref.access() & SEMAPHORE_MODIFY_STATE))
        return fail(ERROR_ACCESS_DENIED, FALSE);
    std::uint32_t prev = 0;
    // EOVERFLOW, past the maximum: ERROR_TOO_MANY_POSTS, nothing changed.
    if (const int err = evobj::sys::release(ref.fd, static_cast<std::uint32_t>(lReleaseCount), &prev);
        err != 0)
        return fail(error_from_errno(err), FALSE);
    if (lpPreviousCount)
        *lpPreviousCount = static_cast<LONG>(prev);
    return TRUE;
}

} // extern "C"
