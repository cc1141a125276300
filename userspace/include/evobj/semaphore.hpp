// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::semaphore: a move-only owner of one NT-style semaphore's fd
// (KSEMAPHORE, Win32's CreateSemaphore).
//
// A semaphore holds a count from 0 to a maximum fixed when it is made,
// and is signaled while the count is above 0. Every wait that it
// satisfies takes one unit: its own wait(), and wait_any, wait_all, the
// alert and wait sets (<evobj/wait.hpp>, <evobj/wait_set.hpp>), where it
// goes beside events, in any order. release(n) adds n units.
//
// A handle, like evobj::event: every operation on the kernel object is a
// const member, safe to call from any number of threads at once; only
// the owning operations (move, release_handle, destruction) need
// exclusive access, and a semaphore must outlive every wait that names it.
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

namespace evobj {

/// The largest maximum count (EVOBJ_SEMAPHORE_MAX, Win32's LONG maximum).
inline constexpr std::uint32_t semaphore_max = 0x7fffffff;

/// The flags of semaphore::create and semaphore::open, or'ed together.
namespace semaphore_flags {
/// None: the fd is close-on-exec and read(2) of it blocks.
inline constexpr unsigned none = 0;
/// The fd survives exec (no O_CLOEXEC), for a child that is to inherit it.
inline constexpr unsigned inheritable = 0x1;
/// O_NONBLOCK: read(2) of the fd fails with EAGAIN instead of waiting.
/// The library's own waits are not affected.
inline constexpr unsigned nonblock = 0x2;
} // namespace semaphore_flags

/// A snapshot of a semaphore's count and maximum (EVOBJ_IOC_READ_SEMAPHORE).
struct semaphore_state {
    std::uint32_t count;
    std::uint32_t max;

    friend constexpr bool operator==(const semaphore_state&, const semaphore_state&) noexcept = default;
};

struct opened_semaphore;

class EVOBJ_API semaphore {
public:
    using native_handle_type = int;

    /// An empty semaphore, owning nothing: what a moved-from one becomes.
    /// Every operation on it but the owning ones fails with EBADF.
    constexpr semaphore() noexcept = default;

    /// Creates a semaphore with `count` units (0 .. max) and a maximum of
    /// `max` (1 .. semaphore_max), through device::instance()
    /// (device::create_semaphore does it on a given device). Throws
    /// std::system_error "EVOBJ_IOC_CREATE_SEMAPHORE": EINVAL for a bad
    /// count, maximum or flag; or the device's open error.
    [[nodiscard]] static semaphore create(std::uint32_t count, std::uint32_t max,
                                          unsigned flags = semaphore_flags::none);

    /// Opens or creates the semaphore called `name`, in the namespace of
    /// named events (one name is one object, whatever its kind), through
    /// device::instance(). `count`, `max` and `mode` apply only if this
    /// call creates it, but must be valid in every case. Throws
    /// std::system_error "EVOBJ_IOC_OPEN": EMEDIUMTYPE if the name is an
    /// event's; EINVAL for a bad count or maximum, and otherwise as
    /// event::open; E2BIG or EINVAL from a module without semaphores.
    [[nodiscard]] static opened_semaphore open(std::string_view name, std::uint32_t count,
                                               std::uint32_t max,
                                               evobj::disposition disp = disposition::open_or_create,
                                               unsigned mode = 0600,
                                               unsigned flags = semaphore_flags::none);

    /// Takes ownership of a semaphore fd obtained elsewhere. Not checked:
    /// a foreign fd makes the operations fail (ENOTTY, EINVAL). Its waits
    /// go through device::instance().
    [[nodiscard]] static semaphore adopt(native_handle_type fd) noexcept
    {
        return semaphore(unique_fd(fd), nullptr);
    }

    semaphore(const semaphore&) = delete;
    semaphore& operator=(const semaphore&) = delete;
    semaphore(semaphore&& other) noexcept = default;
    semaphore& operator=(semaphore&& other) noexcept = default;
    /// Closes the fd; never throws, and leaves errno as it found it.
    ~semaphore() = default;

    /// Adds `n` units (1 or more) and completes, in FIFO order, the waits
    /// they satisfy. Returns the count before. Throws std::system_error
    /// "EVOBJ_IOC_RELEASE": EOVERFLOW if the count would pass the
    /// maximum (nothing changes then), EINVAL for n 0.
    std::uint32_t release(std::uint32_t n = 1) const;

    [[nodiscard]] semaphore_state query() const;
    /// The count now (query().count); it may change at once.
    [[nodiscard]] std::uint32_t count() const { return query().count; }
    /// The maximum count, fixed when the semaphore was made.
    [[nodiscard]] std::uint32_t max_count() const { return query().max; }

    /// Blocks until the count is above 0, and takes one unit. Signals
    /// interrupting the wait are absorbed.
    void wait() const;
    /// Non-blocking: takes one unit and returns true if there was one.
    [[nodiscard]] bool try_wait() const { return wait_until(deadline::immediate()); }
    /// Returns false if the deadline passed first (nothing taken).
    [[nodiscard]] bool wait_until(deadline when) const;
    template <class Rep, class Period>
    [[nodiscard]] bool wait_for(std::chrono::duration<Rep, Period> timeout) const
    {
        return wait_until(deadline::after(timeout));
    }

    /// The semaphore fd, for poll/epoll: readable while the count is
    /// above 0 (polling takes nothing). Still owned by this object.
    [[nodiscard]] constexpr native_handle_type native_handle() const noexcept { return fd_.get(); }
    /// Gives up ownership: returns the fd and leaves this semaphore
    /// empty (event::release()'s job; release() is the semaphore's own).
    [[nodiscard]] native_handle_type release_handle() noexcept
    {
        dev_.reset();
        return fd_.release();
    }
    [[nodiscard]] constexpr bool valid() const noexcept { return fd_.valid(); }
    constexpr explicit operator bool() const noexcept { return valid(); }

    friend void swap(semaphore& a, semaphore& b) noexcept
    {
        swap(a.fd_, b.fd_);
        a.dev_.swap(b.dev_);
    }

private:
    semaphore(unique_fd fd, std::shared_ptr<const unique_fd> dev) noexcept
        : fd_(std::move(fd)), dev_(std::move(dev))
    {
    }
    friend class device;
    friend class event_ref;

    unique_fd fd_;
    // The device that made it, as event::dev_; null for an adopted one.
    std::shared_ptr<const unique_fd> dev_;
};

/// What semaphore::open and device::open_semaphore return.
struct opened_semaphore {
    evobj::semaphore sem;
    /// True if this call created the semaphore, false if it existed.
    bool created;
};

} // namespace evobj
