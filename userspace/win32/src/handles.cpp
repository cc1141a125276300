// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The handle table (see win32.hpp), CloseHandle, DuplicateHandle, the
// pseudo-handles and the fd <-> handle conversions.
#include <cerrno>
#include <mutex>
#include <new>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/evobj.h>

#include "win32.hpp"

namespace evobj::win32 {
namespace {

// 2^17 chunks of 2^12 slots: every fd below 2^29, the largest whose
// handle, (fd + 1) * 4, still fits in 31 bits (Windows keeps handles to
// 32 bits, and code sign-extends them through LONG).
constexpr unsigned chunk_bits = 12;
constexpr std::size_t chunk_size = std::size_t{1} << chunk_bits;
constexpr std::size_t chunk_count = std::size_t{1} << 17;
constexpr std::uintptr_t max_fd = chunk_size * chunk_count - 1;

std::atomic<slot*> table[chunk_count];
// Serializes what changes the table's shape or a slot's fd: allocating a
// chunk, installing, the final close, and adopting an inherited fd.
std::mutex table_lock;

// The slot of an fd, or nullptr if its chunk was never allocated.
slot* find_slot(std::uintptr_t fd) noexcept
{
    slot* chunk = table[fd >> chunk_bits].load(std::memory_order_acquire);
    return chunk ? &chunk[fd & (chunk_size - 1)] : nullptr;
}

// Under table_lock.
slot* make_slot(std::uintptr_t fd) noexcept
{
    std::atomic<slot*>& entry = table[fd >> chunk_bits];
    slot* chunk = entry.load(std::memory_order_relaxed);
    if (!chunk) {
        chunk = new (std::nothrow) slot[chunk_size];
        if (!chunk)
            return nullptr;
        entry.store(chunk, std::memory_order_release);
    }
    return &chunk[fd & (chunk_size - 1)];
}

// The fd a handle names, or -1: NULL, the pseudo-handles (INVALID_HANDLE_VALUE
// is GetCurrentProcess()) and values past 31 bits name none.
long handle_fd(HANDLE h) noexcept
{
    const auto v = reinterpret_cast<std::uintptr_t>(h);
    const std::uintptr_t index = v >> 2; // the low two bits are ignored
    if (index == 0 || index - 1 > max_fd)
        return -1;
    return static_cast<long>(index - 1);
}

HANDLE fd_handle(int fd) noexcept
{
    return reinterpret_cast<HANDLE>((static_cast<std::uintptr_t>(fd) + 1) << 2);
}

// Drops one reference; the last one of a closed handle closes the fd and
// frees the slot.
void put_slot(slot* s, int fd) noexcept
{
    std::uint32_t c = s->ctl.fetch_sub(1, std::memory_order_acq_rel) - 1;
    if ((c & (slot_refs | slot_open | slot_alloc | slot_dying)) != slot_alloc)
        return;
    // Claim the close; a passing reference taken meanwhile makes the CAS
    // fail, and its own put_slot() comes back here.
    if (!s->ctl.compare_exchange_strong(c, c - slot_alloc + slot_dying, std::memory_order_acq_rel))
        return;
    thread_obj* thread = s->thread;
    {
        // Closed and freed under the lock, so that install() and adopt()
        // never see a free slot whose fd is still open.
        const std::lock_guard guard(table_lock);
        s->thread = nullptr;
        const int saved = errno;
        ::close(fd);
        errno = saved;
        s->ctl.fetch_sub(slot_dying, std::memory_order_release);
    }
    if (thread)
        thread->put();
}

bool try_acquire(slot* s, int fd) noexcept
{
    const std::uint32_t c = s->ctl.fetch_add(1, std::memory_order_acquire);
    if (c & slot_open)
        return true;
    // Not open: give the reference back, which may be a closed handle's
    // last one (the call that held it returned meanwhile).
    put_slot(s, fd);
    return false;
}

// Publishes a slot under table_lock: its fields first, then the bits.
void publish(slot* s, ACCESS_MASK access, win32::kind kind, thread_obj* thread) noexcept
{
    s->access = access;
    s->kind = kind;
    s->thread = thread;
    s->ctl.fetch_add(slot_open | slot_alloc | 1, std::memory_order_release);
}

// An fd this process inherited across exec as a handle (no FD_CLOEXEC),
// used by its handle value before anything here registered it: adopted,
// so that a child uses the handle values its parent passed, as on Windows.
bool adopt(std::uintptr_t fd) noexcept
{
    const std::lock_guard guard(table_lock);
    // The fd first: a bogus handle value allocates nothing.
    const int flags = ::fcntl(static_cast<int>(fd), F_GETFD);
    if (flags < 0 || (flags & FD_CLOEXEC))
        return false;
    evobj_state st{};
    if (::ioctl(static_cast<int>(fd), EVOBJ_IOC_READ, &st) != 0)
        return false;
    slot* s = make_slot(fd);
    if (!s || (s->ctl.load(std::memory_order_relaxed) & (slot_alloc | slot_dying)))
        return false; // ours already (a closed handle whose fd a call still uses)
    publish(s, EVENT_ALL_ACCESS, kind::event, nullptr);
    return true;
}

} // namespace

bool acquire(HANDLE h, handle_ref& ref) noexcept
{
    const long fd = handle_fd(h);
    if (fd < 0)
        return fail(ERROR_INVALID_HANDLE, false);
    slot* s = find_slot(static_cast<std::uintptr_t>(fd));
    if (!s || !try_acquire(s, static_cast<int>(fd))) {
        // The slow path, only for handles this process never made.
        if (!adopt(static_cast<std::uintptr_t>(fd)))
            return fail(ERROR_INVALID_HANDLE, false);
        s = find_slot(static_cast<std::uintptr_t>(fd));
        if (!try_acquire(s, static_cast<int>(fd)))
            return fail(ERROR_INVALID_HANDLE, false);
    }
    ref.fd = static_cast<int>(fd);
    ref.s = s;
    return true;
}

void release(handle_ref& ref) noexcept
{
    if (ref.s)
        put_slot(ref.s, ref.fd);
    ref.s = nullptr;
    ref.fd = -1;
}

HANDLE install(int fd, ACCESS_MASK access, win32::kind kind, thread_obj* thread) noexcept
{
    if (static_cast<std::uintptr_t>(fd) > max_fd) {
        ::close(fd);
        return fail(ERROR_TOO_MANY_OPEN_FILES, HANDLE{});
    }
    const std::lock_guard guard(table_lock);
    slot* s = make_slot(static_cast<std::uintptr_t>(fd));
    if (!s) {
        ::close(fd);
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
    // A new fd's slot is free: its last close was completed under
    // table_lock before the kernel could hand the number out again. Only
    // a use of this handle value racing with its creation can have
    // adopted it meanwhile: the same object, with the creator's access.
    if (s->ctl.load(std::memory_order_relaxed) & slot_alloc) {
        s->access = access;
        return fd_handle(fd);
    }
    if (thread)
        thread->get();
    publish(s, access, kind, thread);
    return fd_handle(fd);
}

bool close_handle(HANDLE h) noexcept
{
    const long fd = handle_fd(h);
    slot* s = fd < 0 ? nullptr : find_slot(static_cast<std::uintptr_t>(fd));
    if (!s || !(s->ctl.fetch_and(~slot_open, std::memory_order_acq_rel) & slot_open))
        return fail(ERROR_INVALID_HANDLE, false);
    // The handle's own reference: the fd closes now, or when the last
    // call using it returns.
    put_slot(s, static_cast<int>(fd));
    return true;
}

ACCESS_MASK map_event_access(ACCESS_MASK access) noexcept
{
    if (access & GENERIC_READ)
        access |= STANDARD_RIGHTS_READ | EVENT_QUERY_STATE;
    if (access & GENERIC_WRITE)
        access |= STANDARD_RIGHTS_WRITE | EVENT_MODIFY_STATE;
    if (access & GENERIC_EXECUTE)
        access |= STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE;
    if (access & GENERIC_ALL)
        access |= EVENT_ALL_ACCESS;
    return access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

} // namespace evobj::win32

using namespace evobj::win32;

extern "C" {

HANDLE WINAPI GetCurrentProcess(void)
{
    return reinterpret_cast<HANDLE>(pseudo_process);
}

HANDLE WINAPI GetCurrentThread(void)
{
    return reinterpret_cast<HANDLE>(pseudo_thread);
}

BOOL WINAPI CloseHandle(HANDLE hObject)
{
    // Closing GetCurrentThread() is a no-op, as on Windows. Closing
    // INVALID_HANDLE_VALUE (also GetCurrentProcess() on Windows, where it
    // succeeds) fails here: it is almost always a failed call's result.
    if (reinterpret_cast<std::uintptr_t>(hObject) == pseudo_thread)
        return TRUE;
    return close_handle(hObject) ? TRUE : FALSE;
}

BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                            HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                            DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions)
{
    if (reinterpret_cast<std::uintptr_t>(hSourceProcessHandle) != pseudo_process ||
        reinterpret_cast<std::uintptr_t>(hTargetProcessHandle) != pseudo_process)
        return fail(ERROR_INVALID_HANDLE, FALSE); // only this process has handles here
    if (dwOptions & ~static_cast<DWORD>(DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS))
        return fail(ERROR_INVALID_PARAMETER, FALSE);
    const bool same_access = dwOptions & DUPLICATE_SAME_ACCESS;
    const bool close_source = dwOptions & DUPLICATE_CLOSE_SOURCE;
    const int dup_cmd = bInheritHandle ? F_DUPFD : F_DUPFD_CLOEXEC;
    const auto src = reinterpret_cast<std::uintptr_t>(hSourceHandle);

    if (src == pseudo_process)
        return fail(ERROR_NOT_SUPPORTED, FALSE); // no process objects
    if (src == pseudo_thread) {
        // A real handle to the calling thread, for QueueUserAPC from
        // other threads and for waiting on its end.
        thread_obj* self = current_thread();
        if (!self)
            return FALSE;
        if (!lpTargetHandle)
            return TRUE;
        const int fd = ::fcntl(self->exited, dup_cmd, 0);
        if (fd < 0)
            return fail(error_from_errno(errno), FALSE);
        const HANDLE h = install(fd, same_access ? THREAD_ALL_ACCESS : dwDesiredAccess,
                                 kind::thread, self);
        if (!h)
            return FALSE;
        *lpTargetHandle = h;
        return TRUE;
    }

    handle_ref ref;
    if (!acquire(hSourceHandle, ref))
        return FALSE;
    BOOL ok = TRUE;
    if (lpTargetHandle) {
        const int fd = ::fcntl(ref.fd, dup_cmd, 0);
        ACCESS_MASK access = same_access ? ref.access()
                             : ref.kind() == kind::event ? map_event_access(dwDesiredAccess)
                                                         : dwDesiredAccess;
        const HANDLE h = fd < 0 ? fail(error_from_errno(errno), HANDLE{})
                                : install(fd, access, ref.kind(), ref.s->thread);
        if (h)
            *lpTargetHandle = h;
        else
            ok = FALSE;
    }
    release(ref);
    // As on Windows, the source is closed even when the duplication failed.
    if (close_source) {
        const DWORD err = GetLastError();
        close_handle(hSourceHandle);
        SetLastError(err);
    }
    return ok;
}

int evobj_win32_fd(HANDLE hObject)
{
    handle_ref ref;
    if (!acquire(hObject, ref))
        return -1;
    const int fd = ref.fd;
    release(ref);
    return fd;
}

HANDLE evobj_win32_handle_from_fd(int fd)
{
    if (fd < 0)
        return fail(ERROR_INVALID_HANDLE, HANDLE{});
    evobj_state st{};
    if (::ioctl(fd, EVOBJ_IOC_READ, &st) != 0)
        return fail(ERROR_INVALID_HANDLE, HANDLE{});
    // Already a handle: that handle (an fd has one owner). An fd whose
    // handle was closed while a call still uses it is no longer the
    // caller's to give.
    if (slot* s = find_slot(static_cast<std::uintptr_t>(fd))) {
        if (try_acquire(s, fd)) {
            put_slot(s, fd);
            return fd_handle(fd);
        }
        if (s->ctl.load(std::memory_order_relaxed) & (slot_alloc | slot_dying))
            return fail(ERROR_INVALID_HANDLE, HANDLE{});
    }
    return install(fd, EVENT_ALL_ACCESS);
}

} // extern "C"
