// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The handle table (see win32.hpp), CloseHandle, DuplicateHandle, the
// pseudo-handles and the fd <-> handle conversions.
#include <cerrno>
#include <mutex>
#include <new>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <linux/evobj.h>

#include "sys.hpp"
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
// Serializes what changes a slot's fd: installing, closing, adopting an
// inherited fd, the pending closes; and allocating a chunk.
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

// ---- hazard records ------------------------------------------------------------

} // namespace

// One per thread that has made a call, reused after the thread ends,
// never freed: CloseHandle may be reading it at any time.
struct hazard_record {
    std::atomic<unsigned> count{0}; // fds[0, count) are in use by a call
    std::atomic<int> fds[max_call_handles];
    std::atomic<bool> taken{true};
    hazard_record* next = nullptr;
};

namespace {

std::atomic<hazard_record*> records{nullptr};

// Closed handles whose fd a call was using, and how many (read without
// the lock by every call's end, to know whether to look). Made on first
// use (static constructors may make calls) and never destroyed (threads
// may still make calls while the process exits). Under table_lock.
std::vector<int>& pending()
{
    static std::vector<int>* const list = new std::vector<int>;
    return *list;
}
std::atomic<std::size_t> pending_count{0};

struct record_owner {
    hazard_record* rec = nullptr;
    ~record_owner()
    {
        if (!rec)
            return;
        rec->count.store(0, std::memory_order_release);
        rec->taken.store(false, std::memory_order_release);
    }
};
thread_local record_owner my_record;

hazard_record* thread_record() noexcept
{
    if (my_record.rec)
        return my_record.rec;
    after_fork_handler();
    for (hazard_record* r = records.load(std::memory_order_acquire); r; r = r->next) {
        bool free = false;
        if (!r->taken.load(std::memory_order_relaxed) &&
            r->taken.compare_exchange_strong(free, true, std::memory_order_acquire))
            return my_record.rec = r;
    }
    auto* r = new (std::nothrow) hazard_record;
    if (!r)
        return nullptr;
    r->next = records.load(std::memory_order_relaxed);
    while (!records.compare_exchange_weak(r->next, r, std::memory_order_release,
                                          std::memory_order_relaxed)) {
    }
    return my_record.rec = r;
}

// True if a call is using fd. After the caller's full barrier.
bool in_use(int fd) noexcept
{
    for (hazard_record* r = records.load(std::memory_order_acquire); r; r = r->next) {
        const unsigned n = r->count.load(std::memory_order_seq_cst);
        for (unsigned i = 0; i < n && i < max_call_handles; ++i)
            if (r->fds[i].load(std::memory_order_relaxed) == fd)
                return true;
    }
    return false;
}

// Under table_lock: closes a slot's fd and frees the slot.
void free_slot(slot* s, int fd) noexcept
{
    thread_obj* thread = s->thread;
    s->thread = nullptr;
    const int saved = errno;
    if (s->in_set.exchange(false, std::memory_order_acquire))
        forget_sets_with(fd);
    sys::unmap_word(s->word);
    ::close(fd);
    errno = saved;
    s->ctl.store(0, std::memory_order_release);
    if (thread)
        thread->put();
}

// Under table_lock: the pending closes no call uses any more.
void reclaim() noexcept
{
    std::atomic_thread_fence(std::memory_order_seq_cst);
    std::erase_if(pending(), [](int fd) {
        if (in_use(fd))
            return false;
        free_slot(find_slot(static_cast<std::uintptr_t>(fd)), fd);
        return true;
    });
    pending_count.store(pending().size(), std::memory_order_relaxed);
}

// Publishes a slot under table_lock: its fields first, then the bits.
void publish(slot* s, ACCESS_MASK access, win32::kind kind, thread_obj* thread,
             sys::word word = {}) noexcept
{
    static std::uint64_t serials = 0; // under table_lock
    s->serial = ++serials;
    s->access = access;
    s->kind = kind;
    s->thread = thread;
    s->word = word;
    s->ctl.store(slot_open | slot_alloc, std::memory_order_release);
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
    if (sys::read(static_cast<int>(fd), st) != 0)
        return false;
    slot* s = make_slot(fd);
    if (!s || s->ctl.load(std::memory_order_relaxed) != 0)
        return false; // ours already: a closed handle whose fd a call still uses
    publish(s, all_access(kind_of_type(st.type)), kind_of_type(st.type), nullptr);
    return true;
}

// The slot of an open handle's fd, or nullptr. After the call's barrier.
slot* open_slot(long fd) noexcept
{
    slot* s = find_slot(static_cast<std::uintptr_t>(fd));
    if (s && (s->ctl.load(std::memory_order_seq_cst) & slot_open))
        return s;
    return nullptr;
}

} // namespace

call::call() noexcept : rec_(thread_record()) {}

bool call::use(const HANDLE* handles, unsigned n, handle_ref* refs) noexcept
{
    if (!rec_)
        return fail(ERROR_NOT_ENOUGH_MEMORY, false);
    end();
    for (unsigned i = 0; i < n; ++i) {
        refs[i].fd = static_cast<int>(handle_fd(handles[i]));
        rec_->fds[i].store(refs[i].fd, std::memory_order_relaxed);
    }
    // The full barrier between publishing the fds and reading the slots.
    rec_->count.exchange(n, std::memory_order_seq_cst);
    active_ = true;
    for (unsigned i = 0; i < n; ++i) {
        const long fd = refs[i].fd;
        if (fd < 0) {
            end();
            return fail(ERROR_INVALID_HANDLE, false);
        }
        refs[i].s = open_slot(fd);
        // The slow path, only for handles this process never made.
        if (!refs[i].s && !(adopt(static_cast<std::uintptr_t>(fd)) && (refs[i].s = open_slot(fd)))) {
            end();
            return fail(ERROR_INVALID_HANDLE, false);
        }
    }
    return true;
}

void call::end() noexcept
{
    if (!active_)
        return;
    active_ = false;
    rec_->count.store(0, std::memory_order_release);
    if (pending_count.load(std::memory_order_relaxed)) {
        const std::lock_guard guard(table_lock);
        reclaim();
    }
}

void hazards_after_fork() noexcept
{
    for (hazard_record* r = records.load(std::memory_order_acquire); r; r = r->next) {
        if (r == my_record.rec)
            continue;
        r->count.store(0, std::memory_order_relaxed);
        r->taken.store(false, std::memory_order_relaxed);
    }
}

HANDLE install(int fd, ACCESS_MASK access, win32::kind kind, thread_obj* thread) noexcept
{
    if (static_cast<std::uintptr_t>(fd) > max_fd) {
        ::close(fd);
        return fail(ERROR_TOO_MANY_OPEN_FILES, HANDLE{});
    }
    // An event's word, so that its state changes and its waits that need
    // not block take no system call; without one, the ioctls.
    sys::word word{};
    if (evobj_state st{}; kind == kind::event && sys::read(fd, st) == 0)
        word = sys::map_word(fd, st.type == EVOBJ_SYNCHRONIZATION);
    const std::lock_guard guard(table_lock);
    slot* s = make_slot(static_cast<std::uintptr_t>(fd));
    if (!s) {
        sys::unmap_word(word);
        ::close(fd);
        return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
    // A new fd's slot is free: its close was done under table_lock before
    // the kernel could hand the number out again. Only a use of this
    // handle value racing with its creation (an inheritable fd) can have
    // adopted it meanwhile: the same object, already a handle.
    if (s->ctl.load(std::memory_order_relaxed) & slot_alloc) {
        sys::unmap_word(word);
        return fd_handle(fd);
    }
    if (thread)
        thread->get();
    publish(s, access, kind, thread, word);
    return fd_handle(fd);
}

bool close_handle(HANDLE h) noexcept
{
    const long fd = handle_fd(h);
    slot* s = fd < 0 ? nullptr : find_slot(static_cast<std::uintptr_t>(fd));
    if (!s)
        return fail(ERROR_INVALID_HANDLE, false);
    const std::lock_guard guard(table_lock);
    // The full barrier between closing the handle and reading the records.
    if (!(s->ctl.fetch_and(~slot_open, std::memory_order_seq_cst) & slot_open))
        return fail(ERROR_INVALID_HANDLE, false);
    if (in_use(static_cast<int>(fd))) {
        // A call is using the fd: its close waits for the call's end.
        try {
            pending().push_back(static_cast<int>(fd));
            pending_count.store(pending().size(), std::memory_order_relaxed);
            return true;
        } catch (const std::bad_alloc&) {
            // No room to wait: leave the fd open (leaked), never close it
            // under the call.
            return true;
        }
    }
    free_slot(s, static_cast<int>(fd));
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

ACCESS_MASK map_mutex_access(ACCESS_MASK access) noexcept
{
    if (access & GENERIC_READ)
        access |= STANDARD_RIGHTS_READ | MUTANT_QUERY_STATE;
    if (access & GENERIC_WRITE)
        access |= STANDARD_RIGHTS_WRITE;
    if (access & GENERIC_EXECUTE)
        access |= STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE;
    if (access & GENERIC_ALL)
        access |= MUTANT_ALL_ACCESS;
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
    call c;
    BOOL ok = TRUE;
    if (!c.use(&hSourceHandle, 1, &ref)) {
        ok = FALSE;
    } else if (lpTargetHandle) {
        const int fd = ::fcntl(ref.fd, dup_cmd, 0);
        ACCESS_MASK access = same_access ? ref.access() : map_access(ref.kind(), dwDesiredAccess);
        const HANDLE h = fd < 0 ? fail(error_from_errno(errno), HANDLE{})
                                : install(fd, access, ref.kind(), ref.s->thread);
        if (h)
            *lpTargetHandle = h;
        else
            ok = FALSE;
    }
    c.end();
    // As on Windows, the source is closed even when the duplication failed.
    if (close_source) {
        const DWORD err = GetLastError();
        close_handle(hSourceHandle);
        if (!ok)
            SetLastError(err);
    }
    return ok;
}

int evobj_win32_fd(HANDLE hObject)
{
    handle_ref ref;
    call c;
    return c.use(&hObject, 1, &ref) ? ref.fd : -1;
}

HANDLE evobj_win32_handle_from_fd(int fd)
{
    if (fd < 0)
        return fail(ERROR_INVALID_HANDLE, HANDLE{});
    evobj_state st{};
    if (evobj::sys::read(fd, st) != 0)
        return fail(ERROR_INVALID_HANDLE, HANDLE{});
    // Already a handle: that handle (an fd has one owner). The fd of a
    // closed handle that a call still uses is no longer the caller's.
    if (const slot* s = find_slot(static_cast<std::uintptr_t>(fd))) {
        const std::uint32_t c = s->ctl.load(std::memory_order_acquire);
        if (c & slot_open)
            return fd_handle(fd);
        if (c & slot_alloc)
            return fail(ERROR_INVALID_HANDLE, HANDLE{});
    }
    // install() closes an fd it cannot take, right for the fds the layer
    // made itself; this one is the caller's, and stays so on failure.
    if (static_cast<std::uintptr_t>(fd) > max_fd)
        return fail(ERROR_TOO_MANY_OPEN_FILES, HANDLE{});
    {
        const std::lock_guard guard(table_lock);
        if (!make_slot(static_cast<std::uintptr_t>(fd)))
            return fail(ERROR_NOT_ENOUGH_MEMORY, HANDLE{});
    }
    return install(fd, all_access(kind_of_type(st.type)), kind_of_type(st.type));
}

} // extern "C"
