// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Private to libevobj-win32: the handle table, the per-thread APC state
// and the error helpers the API functions share.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

#include <evobj/win32.h>

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

/// Runs the calling thread's queued APCs in order; returns how many ran.
unsigned run_apcs(thread_obj* self);

// ---- the handle table ----------------------------------------------------------
//
// A handle is (fd + 1) * 4: a multiple of 4 (the low two bits are ignored
// on use, as Windows does), never NULL, and the same value in a child
// that inherited the fd across exec, as inherited handles are on Windows.
// The table is indexed by fd, so a lookup is O(1) and takes no lock: two
// levels of arrays, the second allocated on demand and never freed.
//
// Each slot's control word counts its users: one reference for the open
// handle and one for every call using it at the moment. CloseHandle drops
// the first; the fd is closed only when the last call using it is done,
// so a wait in progress never sees its fd closed, or reused by another
// object, under it (the kernel wait itself goes on, as evobj promises for
// a closed fd). The slot is reused only after that close.
//
// A lookup is one atomic increment: it takes a reference first and looks
// at the bits after, giving the reference back if the handle was not
// open. Such a passing reference on a closed or free slot is harmless:
// whoever drops a closed slot's last reference, passing or not, closes
// the fd, and a free slot (no slot_alloc) is never closed.

enum class kind : std::uint8_t { event, thread };

inline constexpr std::uint32_t slot_open = 1U << 31; // the handle is open
inline constexpr std::uint32_t slot_alloc = 1U << 30; // the slot owns its fd
inline constexpr std::uint32_t slot_dying = 1U << 29; // its fd is being closed, under table_lock
inline constexpr std::uint32_t slot_refs = slot_dying - 1;

struct slot {
    std::atomic<std::uint32_t> ctl{0};
    // Written before ctl publishes the slot, read after ctl is acquired.
    ACCESS_MASK access = 0;
    win32::kind kind = kind::event;
    thread_obj* thread = nullptr;
};

/// A handle in use by one call: acquire() then release().
struct handle_ref {
    int fd = -1;
    slot* s = nullptr;

    [[nodiscard]] ACCESS_MASK access() const noexcept { return s->access; }
    [[nodiscard]] win32::kind kind() const noexcept { return s->kind; }
};

inline constexpr std::uintptr_t pseudo_process = ~std::uintptr_t{0}; // GetCurrentProcess()
inline constexpr std::uintptr_t pseudo_thread = ~std::uintptr_t{1}; // GetCurrentThread()

/// Takes a reference on an open handle; false with ERROR_INVALID_HANDLE
/// for NULL, INVALID_HANDLE_VALUE, pseudo-handles, closed handles and
/// anything else.
bool acquire(HANDLE h, handle_ref& ref) noexcept;
void release(handle_ref& ref) noexcept;

/// Registers an fd this library just obtained as a handle, taking it
/// over; on failure closes the fd and returns nullptr with the last error
/// set. `thread` (for a thread handle) gains a reference.
HANDLE install(int fd, ACCESS_MASK access, win32::kind kind = kind::event,
               thread_obj* thread = nullptr) noexcept;

/// Closes an open handle (CloseHandle).
bool close_handle(HANDLE h) noexcept;

/// Generic rights (GENERIC_READ, ...) mapped to an event's specific ones.
ACCESS_MASK map_event_access(ACCESS_MASK access) noexcept;

} // namespace evobj::win32
