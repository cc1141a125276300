// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Creating, opening and releasing mutexes, and the records of what each
// thread may hold, so that a thread that ends holding mutexes abandons
// them (win32.hpp, "mutex owners"). Their waits, CloseHandle and
// DuplicateHandle are every handle's (waits.cpp, handles.cpp); names are
// the events' (events.cpp), one namespace for every kind.
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <linux/evobj.h>

#include "owner.hpp"
#include "sys.hpp"
#include "win32.hpp"

namespace evobj::win32 {
namespace {

// ---- owner records ------------------------------------------------------------

// A spin lock: held for a few instructions, and reset in a fork child,
// which a std::mutex cannot be.
class spin {
public:
    void lock() noexcept
    {
        while (held_.exchange(true, std::memory_order_acquire)) {
        }
    }
    void unlock() noexcept { held_.store(false, std::memory_order_release); }
    void reset() noexcept { held_.store(false, std::memory_order_relaxed); }

private:
    std::atomic<bool> held_{false};
};

struct guard {
    explicit guard(spin& s) noexcept : s_(s) { s_.lock(); }
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    ~guard() { s_.unlock(); }
    spin& s_;
};

// A mutex the thread may hold: the handle it came through (fd and
// serial: that handle, not a later one of the same number) and an fd of
// our own, so that the kill at the thread's end reaches the mutex even
// if every handle to it was closed.
struct held {
    int fd;
    std::uint64_t serial;
    int own;
};

void close_quietly(int fd) noexcept
{
    const int saved = errno;
    ::close(fd);
    errno = saved;
}

// Kills the mutex behind `own` if `owner` holds it (EPERM, if not, is
// ignored: the record outlived the ownership), leaving errno alone.
void abandon(int own, std::uint32_t owner) noexcept
{
    const int saved = errno;
    static_cast<void>(sys::kill(own, owner));
    errno = saved;
}

struct owner_records;

// Every thread's records, for exit(): it abandons the mutexes of the
// threads that it ends without their destructors running.
spin registry_lock;
owner_records* registry = nullptr;

struct owner_records {
    spin lock; // the thread writes `list` under it, exit() reads it
    std::vector<held> list;
    std::uint32_t owner = 0;
    owner_records* prev = nullptr; // in registry, under registry_lock
    owner_records* next = nullptr;
    bool listed = false;

    // The thread's end: every mutex it still holds is abandoned.
    ~owner_records()
    {
        unlist();
        const guard g(lock);
        for (const held& h : list) {
            abandon(h.own, owner);
            close_quietly(h.own);
        }
        list.clear();
    }

    void unlist() noexcept
    {
        const guard g(registry_lock);
        if (!listed)
            return;
        (prev ? prev->next : registry) = next;
        if (next)
            next->prev = prev;
        prev = next = nullptr;
        listed = false;
    }
};

// exit(), and a return from main(): the threads still running end
// without their records' destructors, so their mutexes are abandoned
// here. (The calling thread's records went with its thread_local
// destructors, which run first.)
void abandon_all() noexcept
{
    const guard r(registry_lock);
    for (owner_records* o = registry; o; o = o->next) {
        const guard g(o->lock);
        for (const held& h : o->list)
            abandon(h.own, o->owner);
    }
}

thread_local owner_records my_records;

owner_records& records() noexcept
{
    owner_records& o = my_records;
    if (!o.listed) {
        static const bool registered = std::atexit(abandon_all) == 0;
        static_cast<void>(registered);
        o.owner = sys::current_owner();
        const guard g(registry_lock);
        o.next = registry;
        if (registry)
            registry->prev = &o;
        registry = &o;
        o.listed = true;
    }
    return o;
}

} // namespace

void note_acquired(const handle_ref& ref) noexcept
{
    if (ref.kind() != kind::mutex)
        return;
    owner_records& o = records();
    for (const held& h : o.list)
        if (h.fd == ref.fd && h.serial == ref.s->serial)
            return; // again, through the same handle: already recorded
    const int saved = errno;
    const int own = ::fcntl(ref.fd, F_DUPFD_CLOEXEC, 0);
    errno = saved;
    if (own < 0)
        return; // no fd left: this one is not abandoned at the thread's end
    try {
        const guard g(o.lock);
        o.list.push_back(held{ref.fd, ref.s->serial, own});
    } catch (const std::bad_alloc&) {
        close_quietly(own);
    }
}

void note_released(const handle_ref& ref, std::uint32_t prev) noexcept
{
    if (prev != 1)
        return; // still held
    owner_records& o = my_records;
    int own = -1;
    {
        const guard g(o.lock);
        for (auto it = o.list.begin(); it != o.list.end(); ++it) {
            if (it->fd == ref.fd && it->serial == ref.s->serial) {
                own = it->own;
                o.list.erase(it);
                break;
            }
        }
    }
    if (own >= 0)
        close_quietly(own);
}

void owners_after_fork() noexcept
{
    // The child's threads hold nothing: its one thread has another id
    // than the parent's, and the other threads are not here. Their
    // records are forgotten (theirs leak: their threads do not exist).
    registry_lock.reset();
    owner_records& o = my_records;
    o.lock.reset();
    for (const held& h : o.list)
        close_quietly(h.own);
    o.list.clear();
    o.owner = 0;
    o.prev = o.next = nullptr;
    o.listed = false;
    registry = nullptr;
}

namespace {

// ---- the API ------------------------------------------------------------------

// Creates (or, for a name, opens or creates) a mutex; the core of every
// CreateMutex* and OpenMutex* spelling. name == nullptr: unnamed.
HANDLE open_mutex(const char* name, bool open_only, bool initial_owner, bool inheritable,
                  ACCESS_MASK access) noexcept
{
    const int dev = device_fd();
    if (dev < 0)
        return nullptr;
    const std::uint32_t flags = inheritable ? 0U : EVOBJ_CLOEXEC;
    const std::uint32_t owner = initial_owner ? sys::current_owner() : 0U;
    const std::uint32_t count = initial_owner ? 1U : 0U;
    access = map_mutex_access(access);

    HANDLE h = nullptr;
    bool created = true;
    if (!name) {
        int fd = -1;
        if (const int err = sys::create_mutex(dev, owner, count, flags, fd); err != 0)
            return fail(err == ENOTTY ? ERROR_NOT_SUPPORTED : error_from_errno(err), HANDLE{});
        h = install(fd, access, kind::mutex);
    } else {
        std::string_view kname; // a suffix of name: NUL-terminated
        if (const DWORD err = kernel_name(name, kname); err != ERROR_SUCCESS)
            return fail(err, HANDLE{});
        evobj_open args{};
        args.name = reinterpret_cast<std::uintptr_t>(kname.data());
        args.type = EVOBJ_MUTEX;
        args.flags = flags;
        args.disposition = open_only ? EVOBJ_OPEN_EXISTING : EVOBJ_OPEN_ALWAYS;
        args.mode = name_mode;
        // VER2: a created mutex's owner and count; an existing one is
        // not acquired (CreateMutex of an existing name ignores
        // bInitialOwner).
        args.owner = owner;
        args.count = count;
        int fd = -1;
        if (const int err = sys::open(dev, args, fd); err != 0) {
            // A module without named objects (ENOTTY) or without mutexes
            // (E2BIG: it does not know VER2's owner): never fall back to
            // an unnamed mutex. EMEDIUMTYPE, the name of another kind, is
            // ERROR_INVALID_HANDLE, as on Windows.
            return fail(err == ENOTTY || err == E2BIG ? ERROR_NOT_SUPPORTED : error_from_errno(err),
                        HANDLE{});
        }
        created = (args.result & EVOBJ_OPEN_CREATED) != 0;
        h = install(fd, access, kind::mutex);
    }
    if (!h)
        return nullptr;
    if (initial_owner && created) {
        // Ours from the start: recorded as a wait's acquisition is.
        handle_ref ref;
        call c;
        if (c.use(&h, 1, &ref))
            note_acquired(ref);
    }
    if (!open_only)
        SetLastError(created ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS);
    return h;
}

HANDLE create_mutex_a(LPSECURITY_ATTRIBUTES sa, bool initial_owner, LPCSTR name,
                      ACCESS_MASK access) noexcept
{
    // An empty name is no name, as on Windows.
    return open_mutex(name && *name ? name : nullptr, false, initial_owner, inherit(sa), access);
}

HANDLE create_mutex_w(LPSECURITY_ATTRIBUTES sa, bool initial_owner, LPCWSTR name,
                      ACCESS_MASK access) noexcept
{
    if (!name || !*name)
        return create_mutex_a(sa, initial_owner, nullptr, access);
    try {
        std::string utf8;
        utf16_to_utf8(name, utf8);
        return create_mutex_a(sa, initial_owner, utf8.c_str(), access);
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
}

HANDLE open_mutex_a(ACCESS_MASK access, BOOL inheritable, LPCSTR name) noexcept
{
    if (!name)
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    if (!*name)
        return fail(ERROR_INVALID_NAME, HANDLE{}); // nothing has the empty name
    return open_mutex(name, true, false, inheritable, access);
}

} // namespace
} // namespace evobj::win32

using namespace evobj::win32;

extern "C" {

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner, LPCSTR lpName)
{
    return create_mutex_a(lpMutexAttributes, bInitialOwner, lpName, MUTEX_ALL_ACCESS);
}

HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner, LPCWSTR lpName)
{
    return create_mutex_w(lpMutexAttributes, bInitialOwner, lpName, MUTEX_ALL_ACCESS);
}

HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCSTR lpName, DWORD dwFlags,
                             DWORD dwDesiredAccess)
{
    if (dwFlags & ~static_cast<DWORD>(CREATE_MUTEX_INITIAL_OWNER))
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    return create_mutex_a(lpMutexAttributes, dwFlags & CREATE_MUTEX_INITIAL_OWNER, lpName,
                          dwDesiredAccess);
}

HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCWSTR lpName, DWORD dwFlags,
                             DWORD dwDesiredAccess)
{
    if (dwFlags & ~static_cast<DWORD>(CREATE_MUTEX_INITIAL_OWNER))
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    return create_mutex_w(lpMutexAttributes, dwFlags & CREATE_MUTEX_INITIAL_OWNER, lpName,
                          dwDesiredAccess);
}

HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
    return open_mutex_a(dwDesiredAccess, bInheritHandle, lpName);
}

HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
    if (!lpName)
        return fail(ERROR_INVALID_PARAMETER, HANDLE{});
    try {
        std::string utf8;
        utf16_to_utf8(lpName, utf8);
        return open_mutex_a(dwDesiredAccess, bInheritHandle, utf8.c_str());
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
}

BOOL WINAPI ReleaseMutex(HANDLE hMutex)
{
    handle_ref ref;
    call c;
    if (!c.use(&hMutex, 1, &ref))
        return FALSE;
    if (ref.kind() != kind::mutex)
        return fail(ERROR_INVALID_HANDLE, FALSE);
    // No access right is needed, as on Windows (MUTEX_MODIFY_STATE is
    // "reserved"): only ownership counts.
    std::uint32_t prev = 0;
    if (const int err = evobj::sys::unlock(ref.fd, evobj::sys::current_owner(), &prev); err != 0)
        return fail(err == EPERM ? ERROR_NOT_OWNER : error_from_errno(err), FALSE);
    note_released(ref, prev);
    return TRUE;
}

} // extern "C"
