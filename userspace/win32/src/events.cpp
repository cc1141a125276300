// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Creating, opening, setting, resetting and pulsing events; names; the
// device; the last error and the errno -> Win32 error mapping.
#include <cerrno>
#include <new>
#include <string>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include <evobj/device.hpp>
#include <evobj/event.hpp>
#include <linux/evobj.h>

#include "sys.hpp"
#include "win32.hpp"

namespace evobj::win32 {
namespace {

thread_local DWORD last_error = ERROR_SUCCESS;
std::atomic<int> device{-1};

constexpr std::string_view global_prefix = "Global\\";
constexpr std::string_view local_prefix = "Local\\";

} // namespace

// UTF-16 to UTF-8. Unpaired surrogates, which Windows names may hold,
// are encoded as their own three bytes (WTF-8), so that no two UTF-16
// names share one UTF-8 name.
void utf16_to_utf8(LPCWSTR in, std::string& out)
{
    for (; *in; ++in) {
        std::uint32_t c = *in;
        if (c >= 0xD800 && c <= 0xDBFF && in[1] >= 0xDC00 && in[1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (static_cast<std::uint32_t>(in[1]) - 0xDC00);
            ++in;
        }
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
        }
    }
}

// The kernel's name for a Windows object name, or an error. An IPC
// namespace is one Windows session in which "Global\" and "Local\" name
// the same objects (as in session 0): both prefixes are dropped, so
// "Global\x", "Local\x" and "x" are one event. Any other backslash names
// an object directory that does not exist here.
DWORD kernel_name(std::string_view name, std::string_view& out) noexcept
{
    if (name.starts_with(global_prefix))
        name.remove_prefix(global_prefix.size());
    else if (name.starts_with(local_prefix))
        name.remove_prefix(local_prefix.size());
    if (name.empty())
        return ERROR_INVALID_NAME;
    if (name.find('\\') != std::string_view::npos)
        return ERROR_PATH_NOT_FOUND;
    if (name.size() > EVOBJ_NAME_MAX)
        return ERROR_FILENAME_EXCED_RANGE;
    out = name;
    return ERROR_SUCCESS;
}

namespace {

// Creates (or, for a name, opens or creates) an event; the core of all
// the CreateEvent* and OpenEvent* spellings. name == nullptr: unnamed.
HANDLE open_event(const char* name, bool open_only, bool manual, bool initial, bool inheritable,
                  ACCESS_MASK access) noexcept
{
    const int dev = device_fd();
    if (dev < 0)
        return nullptr;
    const std::uint32_t flags = (inheritable ? 0U : EVOBJ_CLOEXEC) | (initial ? EVOBJ_SIGNALED : 0U);
    const std::uint32_t type = manual ? EVOBJ_NOTIFICATION : EVOBJ_SYNCHRONIZATION;
    access = map_event_access(access);

    if (!name) {
        int fd = -1;
        if (const int err = sys::create(dev, type, flags, fd); err != 0)
            return fail(error_from_errno(err), HANDLE{});
        const HANDLE h = install(fd, access);
        if (h)
            SetLastError(ERROR_SUCCESS);
        return h;
    }

    std::string_view kname;
    if (const DWORD err = kernel_name(name, kname); err != ERROR_SUCCESS)
        return fail(err, HANDLE{});
    try {
        auto [ev, created] = evobj::event::open(
            kname, manual ? evobj::kind::notification : evobj::kind::synchronization,
            open_only ? evobj::disposition::open_existing : evobj::disposition::open_or_create,
            name_mode, initial);
        const int fd = ev.release();
        // event::open makes the fd close-on-exec, as every event of the
        // library; an inheritable handle is one whose fd is not. (A
        // concurrent exec in between only fails to inherit it.)
        if (inheritable && ::fcntl(fd, F_SETFD, 0) != 0) {
            const int err = errno;
            ::close(fd);
            return fail(error_from_errno(err), HANDLE{});
        }
        const HANDLE h = install(fd, access);
        if (h && !open_only)
            SetLastError(created ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS);
        return h;
    } catch (const std::system_error& e) {
        // A kernel without named events (ENOTTY): never fall back to an
        // unnamed event, which nobody else could open.
        const int err = e.code().value();
        return fail(err == ENOTTY ? ERROR_NOT_SUPPORTED : error_from_errno(err), HANDLE{});
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
}

HANDLE create_event_a(LPSECURITY_ATTRIBUTES sa, LPCSTR name, bool manual, bool initial,
                      ACCESS_MASK access) noexcept
{
    // An empty name is no name, as on Windows.
    return open_event(name && *name ? name : nullptr, false, manual, initial, inherit(sa), access);
}

HANDLE create_event_w(LPSECURITY_ATTRIBUTES sa, LPCWSTR name, bool manual, bool initial,
                      ACCESS_MASK access) noexcept
{
    if (!name || !*name)
        return create_event_a(sa, nullptr, manual, initial, access);
    try {
        std::string utf8;
        utf16_to_utf8(name, utf8);
        return create_event_a(sa, utf8.c_str(), manual, initial, access);
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
}

HANDLE open_event_a(ACCESS_MASK access, BOOL inheritable, LPCSTR name) noexcept
{
    if (!name)
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    if (!*name)
        return fail(ERROR_INVALID_NAME, HANDLE{}); // no event has the empty name
    return open_event(name, true, false, false, inheritable, access);
}

// The state changes: SetEvent (`to` EVOBJ_WORD_SIGNALED), ResetEvent and
// PulseEvent (0), through the word while the kernel does not hold it.
BOOL change(HANDLE h, std::uint32_t to, int (*op)(int, std::uint32_t*) noexcept) noexcept
{
    handle_ref ref;
    call c;
    if (!c.use(&h, 1, &ref))
        return FALSE;
    // A semaphore's handle included: the kernel would say EINVAL, where
    // Windows says ERROR_INVALID_HANDLE for a handle of the wrong type.
    if (ref.kind() != kind::event)
        return fail(ERROR_INVALID_HANDLE, FALSE);
    if (!(ref.access() & EVENT_MODIFY_STATE))
        return fail(ERROR_ACCESS_DENIED, FALSE);
    if (std::uint32_t* w = ref.s->word.get())
        if (sys::change(w, to) != sys::fast::kernel)
            return TRUE;
    if (const int err = op(ref.fd, nullptr); err != 0)
        return fail(error_from_errno(err), FALSE);
    return TRUE;
}

} // namespace

DWORD error_from_errno(int err) noexcept
{
    switch (err) {
    case 0:
        return ERROR_SUCCESS;
    case EBADF:
        return ERROR_INVALID_HANDLE;
    case EINVAL:
    case EFAULT:
        return ERROR_INVALID_PARAMETER;
    case ENOMEM:
        return ERROR_NOT_ENOUGH_MEMORY;
    case EACCES:
    case EPERM:
        return ERROR_ACCESS_DENIED;
    case ENOENT:
        return ERROR_FILE_NOT_FOUND;
    case EEXIST:
        return ERROR_ALREADY_EXISTS;
    case ENAMETOOLONG:
        return ERROR_FILENAME_EXCED_RANGE;
    case ENOTTY:
    case EOPNOTSUPP:
    case ENODEV:
    case ENXIO:
        return ERROR_NOT_SUPPORTED;
    case EMFILE:
    case ENFILE:
        return ERROR_TOO_MANY_OPEN_FILES;
    case ENOSPC:
        return ERROR_NOT_ENOUGH_QUOTA;
    case EOVERFLOW:
        return ERROR_TOO_MANY_POSTS; // a semaphore's release past its maximum
    case EMEDIUMTYPE:
        return ERROR_INVALID_HANDLE; // a name of the other kind (event, semaphore)
    default:
        return ERROR_GEN_FAILURE;
    }
}

int device_fd() noexcept
{
    const int fd = device.load(std::memory_order_acquire);
    if (fd >= 0)
        return fd;
    int dev = -1;
    if (const int err = sys::device_fd(dev); err != 0) {
        // No /dev/evobj (ENOENT, ENODEV): the module is not loaded, so
        // events are not supported here, rather than "file not found".
        // (ENOMEM, the allocation failing, is ERROR_NOT_ENOUGH_MEMORY.)
        return fail(err == ENOENT ? ERROR_NOT_SUPPORTED : error_from_errno(err), -1);
    }
    device.store(dev, std::memory_order_release);
    return dev;
}

} // namespace evobj::win32

using namespace evobj::win32;

extern "C" {

DWORD WINAPI GetLastError(void)
{
    return last_error;
}

VOID WINAPI SetLastError(DWORD dwErrCode)
{
    last_error = dwErrCode;
}

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName)
{
    return create_event_a(lpEventAttributes, lpName, bManualReset, bInitialState, EVENT_ALL_ACCESS);
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCWSTR lpName)
{
    return create_event_w(lpEventAttributes, lpName, bManualReset, bInitialState, EVENT_ALL_ACCESS);
}

HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName,
                             DWORD dwFlags, DWORD dwDesiredAccess)
{
    if (dwFlags & ~static_cast<DWORD>(CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET))
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    return create_event_a(lpEventAttributes, lpName, dwFlags & CREATE_EVENT_MANUAL_RESET,
                          dwFlags & CREATE_EVENT_INITIAL_SET, dwDesiredAccess);
}

HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName,
                             DWORD dwFlags, DWORD dwDesiredAccess)
{
    if (dwFlags & ~static_cast<DWORD>(CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET))
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    return create_event_w(lpEventAttributes, lpName, dwFlags & CREATE_EVENT_MANUAL_RESET,
                          dwFlags & CREATE_EVENT_INITIAL_SET, dwDesiredAccess);
}

HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
    return open_event_a(dwDesiredAccess, bInheritHandle, lpName);
}

HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
    if (!lpName)
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    try {
        std::string utf8;
        utf16_to_utf8(lpName, utf8);
        return open_event_a(dwDesiredAccess, bInheritHandle, utf8.c_str());
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
}

BOOL WINAPI SetEvent(HANDLE hEvent)
{
    return change(hEvent, EVOBJ_WORD_SIGNALED, evobj::sys::set);
}

BOOL WINAPI ResetEvent(HANDLE hEvent)
{
    return change(hEvent, 0, evobj::sys::reset);
}

BOOL WINAPI PulseEvent(HANDLE hEvent)
{
    return change(hEvent, 0, evobj::sys::pulse);
}

} // extern "C"
