// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::mutex: a move-only owner of one NT-style mutex's fd (KMUTANT,
// Win32's CreateMutex).
//
// A mutex has an owner, a nonzero 32-bit id, and a recursion count. It is
// signaled while nobody owns it, and for its owner's waits: a wait that it
// satisfies acquires it for the wait's owner (the count goes up by one),
// so its owner may take it again and again, and unlock() by that owner
// gives one back. Waits name their owner in wait_options::owner; by
// default, and in the mutex's own members, the calling thread's id
// (gettid(), this_thread_owner()), so that a mutex behaves as a
// recursive, thread-owned lock. Code that manages ids of its own (Wine's
// thread ids) passes them instead.
//
// When an owner goes away holding a mutex, whoever manages the ids kills
// it (kill()): the mutex is unowned, and the next wait that acquires it
// succeeds and says so, wait_result::abandoned() (never an exception: the
// wait succeeded, and the mutex is the waiter's).
//
// A handle, like evobj::event: every operation on the kernel object is a
// const member, safe to call from any number of threads at once; only the
// owning operations (move, release_handle, destruction) need exclusive
// access, and a mutex must outlive every wait that names it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include <evobj/deadline.hpp>
#include <evobj/event.hpp>
#include <evobj/export.hpp>
#include <evobj/unique_fd.hpp>
#include <evobj/wait_result.hpp>

namespace evobj {

/// A mutex owner: any nonzero 32-bit id the caller chooses.
using owner_id = std::uint32_t;

/// The calling thread's id (gettid()), the library's default owner.
/// Cached per thread, and right again in a fork() child.
[[nodiscard]] EVOBJ_API owner_id this_thread_owner() noexcept;

/// The flags of mutex::create and mutex::open, or'ed together (the same
/// values as semaphore_flags).
namespace mutex_flags {
/// None: the fd is close-on-exec.
inline constexpr unsigned none = 0;
/// The fd survives exec (no O_CLOEXEC), for a child that is to inherit it.
inline constexpr unsigned inheritable = 0x1;
/// O_NONBLOCK on the fd (no effect on the library's waits).
inline constexpr unsigned nonblock = 0x2;
} // namespace mutex_flags

/// A snapshot of a mutex (EVOBJ_IOC_READ_MUTEX).
struct mutex_state {
    /// 0 while unowned.
    owner_id owner;
    /// The recursion count: 0 while unowned.
    std::uint32_t count;
    /// Killed, and not acquired since.
    bool abandoned;

    friend constexpr bool operator==(const mutex_state&, const mutex_state&) noexcept = default;
};

struct opened_mutex;

class EVOBJ_API mutex {
public:
    using native_handle_type = int;

    /// An empty mutex, owning nothing: what a moved-from one becomes.
    /// Every operation on it but the owning ones fails with EBADF.
    constexpr mutex() noexcept = default;

    /// Creates a mutex through device::instance() (device::create_mutex
    /// does it on a given device): unowned if `owner` is 0, else owned by
    /// `owner` with a count of `count` (1 or more; ignored, and 0, for an
    /// unowned one). Throws std::system_error "EVOBJ_IOC_CREATE_MUTEX":
    /// EINVAL for count 0 with an owner, or a bad flag; ENOTTY from a
    /// module without mutexes; or the device's open error.
    [[nodiscard]] static mutex create(owner_id owner = 0, std::uint32_t count = 1,
                                      unsigned flags = mutex_flags::none);

    /// Opens or creates the mutex called `name`, in the one namespace of
    /// named objects, through device::instance(). `owner` and `count`
    /// (as create's), `mode` and `flags` apply only if this call creates
    /// it: opening an existing mutex never acquires it (Win32's
    /// CreateMutex of an existing name). Throws std::system_error
    /// "EVOBJ_IOC_OPEN": EMEDIUMTYPE if the name is another kind's, and
    /// otherwise as event::open; E2BIG or EINVAL from a module without
    /// mutexes.
    [[nodiscard]] static opened_mutex open(std::string_view name, owner_id owner = 0,
                                           std::uint32_t count = 1,
                                           evobj::disposition disp = disposition::open_or_create,
                                           unsigned mode = 0600, unsigned flags = mutex_flags::none);

    /// Takes ownership of a mutex fd obtained elsewhere. Not checked: a
    /// foreign fd makes the operations fail (ENOTTY, EINVAL). Its waits
    /// go through device::instance().
    [[nodiscard]] static mutex adopt(native_handle_type fd) noexcept { return mutex(unique_fd(fd), nullptr); }

    mutex(const mutex&) = delete;
    mutex& operator=(const mutex&) = delete;
    mutex(mutex&& other) noexcept = default;
    mutex& operator=(mutex&& other) noexcept = default;
    /// Closes the fd; never throws, and leaves errno as it found it.
    /// Closing does not unlock: a mutex another fd still names stays
    /// owned.
    ~mutex() = default;

    /// Gives one count back for `owner`; at 0 the mutex is unowned and
    /// completes, in FIFO order, the waits it can. Returns the count
    /// before (1: now unowned). Throws std::system_error
    /// "EVOBJ_IOC_UNLOCK": EPERM if `owner` does not own it (nothing
    /// changes), EINVAL for owner 0.
    std::uint32_t unlock(owner_id owner = this_thread_owner()) const;

    /// Abandons the mutex held by `owner`, which has gone away: unowned,
    /// count 0, and the next acquisition is told (wait_result::abandoned).
    /// Throws std::system_error "EVOBJ_IOC_KILL": EPERM if `owner` does
    /// not own it, EINVAL for owner 0.
    void kill(owner_id owner) const;

    [[nodiscard]] mutex_state query() const;
    /// The owner now (query().owner, 0 if none); it may change at once.
    [[nodiscard]] owner_id owner() const { return query().owner; }
    /// The recursion count now (query().count).
    [[nodiscard]] std::uint32_t count() const { return query().count; }

    /// Blocks until the mutex is unowned or `owner`'s, and acquires it.
    /// Signals interrupting the wait are absorbed. The result is
    /// signaled(), and abandoned() if the previous owner was killed.
    wait_result wait(owner_id owner = this_thread_owner()) const;
    /// Non-blocking: acquires it if it can at once (else timed_out()).
    [[nodiscard]] wait_result try_wait(owner_id owner = this_thread_owner()) const;
    /// timed_out() if the deadline passed first (nothing acquired).
    [[nodiscard]] wait_result wait_until(deadline when, owner_id owner = this_thread_owner()) const;
    template <class Rep, class Period>
    [[nodiscard]] wait_result wait_for(std::chrono::duration<Rep, Period> timeout,
                                       owner_id owner = this_thread_owner()) const
    {
        return wait_until(deadline::after(timeout), owner);
    }

    /// The mutex fd, for poll/epoll: readable while unowned (polling
    /// acquires nothing). Still owned by this object.
    [[nodiscard]] constexpr native_handle_type native_handle() const noexcept { return fd_.get(); }
    /// Gives up ownership of the fd: returns it and leaves this object
    /// empty.
    [[nodiscard]] native_handle_type release_handle() noexcept
    {
        dev_.reset();
        return fd_.release();
    }
    [[nodiscard]] constexpr bool valid() const noexcept { return fd_.valid(); }
    constexpr explicit operator bool() const noexcept { return valid(); }

    friend void swap(mutex& a, mutex& b) noexcept
    {
        swap(a.fd_, b.fd_);
        a.dev_.swap(b.dev_);
    }

private:
    mutex(unique_fd fd, std::shared_ptr<const unique_fd> dev) noexcept : fd_(std::move(fd)), dev_(std::move(dev)) {}
    friend class device;
    friend class event_ref;

    unique_fd fd_;
    // The device that made it, as event::dev_; null for an adopted one.
    std::shared_ptr<const unique_fd> dev_;
};

/// What mutex::open and device::open_mutex return.
struct opened_mutex {
    evobj::mutex mtx;
    /// True if this call created the mutex, false if it existed.
    bool created;
};

} // namespace evobj
