// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Private to libevobj-win32: the handle table, the per-thread APC state
// and the error helpers the API functions share.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <evobj/win32.h>
#include <linux/evobj.h>

#include "word.hpp"

namespace evobj::win32 {

// ---- errors ----------------------------------------------------------------

/// Sets the thread's last error; returns `ret` so a failure is one line.
template <class T>
T fail(DWORD err, T ret) noexcept
{
    SetLastError(err);
    return ret;
}

/// The Win32 error for an errno from the kernel or libc.
DWORD error_from_errno(int err) noexcept;

/// The process-wide /dev/evobj fd, opened on first use; -1 with the last
/// error set if the device cannot be opened.
int device_fd() noexcept;

// ---- names (events.cpp), shared by events and semaphores -------------------

/// The mode of a created name: a Windows named object's default security
/// admits its creator only (and administrators).
inline constexpr std::uint32_t name_mode = 0600;

/// The kernel's name for a Windows object name (prefixes dropped), a
/// view into `name`, so NUL-terminated if `name` is; or the Win32 error.
DWORD kernel_name(std::string_view name, std::string_view& out) noexcept;

/// UTF-16 to UTF-8 (WTF-8 for unpaired surrogates). Throws std::bad_alloc.
void utf16_to_utf8(LPCWSTR in, std::string& out);

/// Whether SECURITY_ATTRIBUTES ask for an inheritable handle.
inline bool inherit(LPSECURITY_ATTRIBUTES sa) noexcept
{
    return sa && sa->bInheritHandle;
}

// ---- threads and APCs --------------------------------------------------------

/// What a thread handle refers to: the thread's APC queue and alert event,
/// and a notification event set when the thread ends (what a wait on a
/// thread handle waits for). Reference-counted: the thread itself holds
/// one reference until it exits, each thread handle one more.
struct thread_obj {
    std::atomic<int> refs{1};
    int alert = -1; // synchronization event: set when an APC is queued
    int exited = -1; // notification event: set when the thread ends
    std::mutex lock;
    std::deque<std::pair<PAPCFUNC, ULONG_PTR>> apcs; // protected by lock
    bool done = false; // protected by lock: the thread has ended

    void get() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
    void put() noexcept;
};

/// The calling thread's object, made on first use (two events); nullptr
/// with the last error set if they cannot be created.
thread_obj* current_thread() noexcept;

/// Registers, once, what a child of fork() must forget: the parent's
/// thread objects and the other threads' calls in progress.
void after_fork_handler() noexcept;

/// Runs the calling thread's queued APCs in order; returns how many ran.
unsigned run_apcs(thread_obj* self);

// ---- the handle table ----------------------------------------------------------
//
// A handle is (fd + 1) * 4: a multiple of 4 (the low two bits are ignored
// on use, as Windows does), never NULL, and the same value in a child
// that inherited the fd across exec, as inherited handles are on Windows.
// The table is indexed by fd, so a lookup is O(1): two levels of arrays,
// the second allocated on demand and never freed.
//
// Lookups take no lock and write nothing shared. A call publishes the
// fds it is about to use in its thread's hazard record, then checks that
// their handles are open (one full barrier between the two, for the
// whole call). CloseHandle clears the handle's open bit, then looks for
// its fd in every thread's record: if no call is using it, the fd is
// closed at once; otherwise the close waits, on a pending list, until
// the last call using it has returned. So a call never sees its fd
// closed, or reused for another object, under it (a kernel wait in
// progress goes on, as evobj promises for a closed fd), and the handle
// is invalid for every new call at once. (Each side writes, then
// fences, then reads what the other wrote: at least one of them sees
// the other.)

enum class kind : std::uint8_t { event, thread, semaphore, mutex };

/// The kind of an evobj fd's object, from EVOBJ_IOC_READ's type.
inline win32::kind kind_of_type(std::uint32_t type) noexcept
{
    switch (type) {
    case EVOBJ_SEMAPHORE:
        return kind::semaphore;
    case EVOBJ_MUTEX:
        return kind::mutex;
    default:
        return kind::event;
    }
}

/// The full access of a handle of that kind made from an fd.
inline ACCESS_MASK all_access(win32::kind k) noexcept
{
    return k == kind::mutex ? MUTEX_ALL_ACCESS : EVENT_ALL_ACCESS;
}

inline constexpr std::uint32_t slot_open = 1U << 0; // the handle is open
inline constexpr std::uint32_t slot_alloc = 1U << 1; // the slot owns its fd (open or pending close)

struct slot {
    std::atomic<std::uint32_t> ctl{0};
    // Written before ctl publishes the slot, stable while it is in use.
    ACCESS_MASK access = 0;
    win32::kind kind = kind::event;
    thread_obj* thread = nullptr;
    // An event's mapped state word (word.hpp), unmapped with the fd, when
    // no call uses it any more; empty for threads and adopted fds.
    sys::word word{};
    // Some thread's cached wait set holds the fd's event (wait_sets.cpp):
    // set by a call that uses the fd, read when the fd is closed.
    std::atomic<bool> in_set{false};
    // Which handle this is of the many its fd number may name over
    // time: a new number at every publish(), so that a mutex's owner
    // records (mutexes.cpp) can tell their handle from a later one.
    std::uint64_t serial = 0;
};

/// A handle one call uses: what call::use() found.
struct handle_ref {
    int fd; // uninitialized until use(): waits keep 65 of them on the stack
    slot* s;

    [[nodiscard]] ACCESS_MASK access() const noexcept { return s->access; }
    [[nodiscard]] win32::kind kind() const noexcept { return s->kind; }
};

inline constexpr std::uintptr_t pseudo_process = ~std::uintptr_t{0}; // GetCurrentProcess()
inline constexpr std::uintptr_t pseudo_thread = ~std::uintptr_t{1}; // GetCurrentThread()

/// The most handles one call uses: a wait's 64 and a signal.
inline constexpr unsigned max_call_handles = MAXIMUM_WAIT_OBJECTS + 1;

struct hazard_record;

/// One API call's use of handles, from use() to end() (or destruction).
/// Calls do not nest: a call ends before any user code (an APC) runs.
class call {
public:
    call() noexcept;
    call(const call&) = delete;
    call& operator=(const call&) = delete;
    ~call() { end(); }

    /// Finds the n handles, which must all be open: false with
    /// ERROR_INVALID_HANDLE for NULL, INVALID_HANDLE_VALUE,
    /// pseudo-handles, closed handles and anything else.
    bool use(const HANDLE* handles, unsigned n, handle_ref* refs) noexcept;
    /// The handles are no longer used (the fds may be closed).
    void end() noexcept;

private:
    hazard_record* rec_;
    bool active_ = false;
};

/// Registers an fd this library just obtained as a handle, taking it
/// over; on failure closes the fd and returns nullptr with the last error
/// set. `thread` (for a thread handle) gains a reference.
HANDLE install(int fd, ACCESS_MASK access, win32::kind kind = kind::event,
               thread_obj* thread = nullptr) noexcept;

/// Closes an open handle (CloseHandle); not inside a call.
bool close_handle(HANDLE h) noexcept;

/// In a child after fork(): the other threads' calls are not running here.
void hazards_after_fork() noexcept;

// ---- wait sets ------------------------------------------------------------------
//
// A thread that calls WaitForMultipleObjects[Ex] twice in a row with the
// same handles waits, from the second call on, on a wait set made of
// them (EVOBJ_IOC_WAITSET), which needs neither the list nor the fd
// lookups in the kernel. One set per thread, for its latest list. A set
// holds its events, so it must not outlive their handles: closing the fd
// of any member (when no call uses it any more) closes every set that
// holds it, before the fd number can be reused.

/// The wait set to wait on instead of the call's list `fds` (count >= 2,
/// each held by the calling call, `refs` their handles), or -1 for the list.
int cached_set(const std::int32_t* fds, unsigned count, const handle_ref* refs) noexcept;

/// Under table_lock, when closing `fd`, whose slot is in_set: closes the
/// cached sets that hold it.
void forget_sets_with(int fd) noexcept;

/// Generic rights (GENERIC_READ, ...) mapped to an event's specific ones,
/// which are a semaphore's too (SEMAPHORE_MODIFY_STATE is
/// EVENT_MODIFY_STATE's bit).
ACCESS_MASK map_event_access(ACCESS_MASK access) noexcept;

/// The same for a mutex (MUTANT_QUERY_STATE is bit 0).
ACCESS_MASK map_mutex_access(ACCESS_MASK access) noexcept;

/// The generic rights of an object of kind `k` mapped (threads keep theirs).
inline ACCESS_MASK map_access(win32::kind k, ACCESS_MASK access) noexcept
{
    switch (k) {
    case kind::thread:
        return access;
    case kind::mutex:
        return map_mutex_access(access);
    default:
        return map_event_access(access);
    }
}

// ---- mutex owners (mutexes.cpp) ---------------------------------------------------
//
// A mutex's owner is the thread's id (gettid()). Each thread records the
// mutexes it may hold, from what its waits and creations acquired, with
// an fd of its own for each; when it ends, it kills (EVOBJ_IOC_KILL) the
// ones it still holds, which abandons them, as Windows does. So does
// exit() for every thread's. A record may outlive the ownership (a
// release through another handle, a signal-and-wait): the kill then says
// EPERM, and changes nothing.

/// The calling thread's acquisition of the mutex behind `ref` (in a
/// call); nothing for any other kind.
void note_acquired(const handle_ref& ref) noexcept;

/// The calling thread's unlock of that mutex, `prev` the count before.
void note_released(const handle_ref& ref, std::uint32_t prev) noexcept;

/// In a child after fork(): no thread of the parent's holds anything here.
void owners_after_fork() noexcept;

} // namespace evobj::win32
