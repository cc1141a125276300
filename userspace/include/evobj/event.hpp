// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::event: a move-only owner of one NT-style event object's fd.
//
// An event is a handle, like a file descriptor: every operation on the
// kernel object (set, reset, pulse, waits, the timer) is a const member
// because it does not change the C++ object, and is therefore safe to
// call concurrently from any number of threads, per the standard
// library's convention that const means thread-safe. Only the owning
// operations (move, release, destruction) need exclusive access, and an
// event must outlive every wait that names it.
#pragma once

#include <chrono>
#include <cstdint>

#include <evobj/deadline.hpp>
#include <evobj/export.hpp>

namespace evobj {

/// The two kinds of NT event (KEVENT).
enum class kind : std::uint32_t {
    /// Manual-reset: stays signaled, every satisfiable waiter is released.
    notification = 0,
    /// Auto-reset: releases exactly one waiter, which consumes the signal.
    synchronization = 1,
};

/// A snapshot of an event's type and state (EVOBJ_IOC_READ).
struct event_state {
    evobj::kind kind;
    bool signaled;

    friend constexpr bool operator==(const event_state&, const event_state&) noexcept = default;
};

class EVOBJ_API event {
public:
    using native_handle_type = int;

    /// An empty event, owning nothing: what a moved-from event becomes.
    /// Every operation on it but the owning ones fails with EBADF.
    constexpr event() noexcept = default;

    /// Creates an event through the process-wide device::instance().
    /// The fd is O_CLOEXEC. Throws std::system_error: "EVOBJ_IOC_CREATE"
    /// from the kernel, or the device's open error (see device::open).
    [[nodiscard]] static event create(evobj::kind kind, bool signaled = false);

    /// Takes ownership of an event fd obtained elsewhere (SCM_RIGHTS,
    /// pidfd_getfd, fork). Not checked here: a foreign fd makes the
    /// operations fail with ENOTTY / EINVAL.
    [[nodiscard]] static event adopt(native_handle_type fd) noexcept { return event(fd); }

    event(const event&) = delete;
    event& operator=(const event&) = delete;
    constexpr event(event&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    event& operator=(event&& other) noexcept;
    /// Closes the fd; never throws, and leaves errno as it found it.
    ~event();

    /// Signals the event. Returns the previous state.
    bool set() const;
    /// Makes the event non-signaled. Returns the previous state.
    bool reset() const;
    /// Releases the waiters a set would, then leaves the event
    /// non-signaled, atomically. Returns the previous state.
    bool pulse() const;

    [[nodiscard]] event_state query() const;
    [[nodiscard]] bool is_set() const { return query().signaled; }
    [[nodiscard]] evobj::kind type() const { return query().kind; }

    /// Blocks until signaled (consuming a synchronization event).
    /// Signals interrupting the wait are absorbed.
    void wait() const;
    /// Non-blocking: consumes the event and returns true if it was
    /// signaled, else returns false.
    [[nodiscard]] bool try_wait() const { return wait_until(deadline::immediate()); }
    /// Returns false if the deadline passed first. A signal interrupting
    /// the wait restarts it with the same absolute deadline.
    [[nodiscard]] bool wait_until(deadline when) const;
    template <class Rep, class Period>
    [[nodiscard]] bool wait_for(std::chrono::duration<Rep, Period> timeout) const
    {
        return wait_until(deadline::after(timeout));
    }

    /// Arms the event's high-resolution timer: the kernel sets the event
    /// from hardirq context at `first`, then every `period` if non-zero
    /// (at least EVOBJ_TIMER_MIN_PERIOD, 100 us). Re-arming replaces the
    /// previous schedule. A `first` already past (even at or before the
    /// clock's epoch) fires at once. A negative period, or one between 0
    /// and the minimum, throws EINVAL "EVOBJ_IOC_TIMER".
    void arm_timer(std::chrono::steady_clock::time_point first,
                   std::chrono::nanoseconds period = std::chrono::nanoseconds::zero()) const;
    /// Stops the timer; the event's state is left as it is.
    void disarm_timer() const;

    /// The event fd, for poll/epoll/io_uring/asio: readable while
    /// signaled (polling never consumes). Still owned by this object.
    [[nodiscard]] constexpr native_handle_type native_handle() const noexcept { return fd_; }
    /// Gives up ownership: returns the fd and leaves this event empty.
    [[nodiscard]] constexpr native_handle_type release() noexcept
    {
        const native_handle_type fd = fd_;
        fd_ = -1;
        return fd;
    }
    /// False for an empty (default-constructed, moved-from or released) event.
    [[nodiscard]] constexpr bool valid() const noexcept { return fd_ >= 0; }
    constexpr explicit operator bool() const noexcept { return valid(); }

    friend void swap(event& a, event& b) noexcept
    {
        const native_handle_type fd = a.fd_;
        a.fd_ = b.fd_;
        b.fd_ = fd;
    }

private:
    constexpr explicit event(native_handle_type fd) noexcept : fd_(fd) {}
    friend class device;

    native_handle_type fd_ = -1;
};

/// A non-owning reference to an event, for building wait lists out of
/// events that do not sit side by side in one array, and for naming the
/// alert or signal event of a wait. Trivially copyable; a
/// default-constructed event_ref refers to nothing.
class event_ref {
public:
    constexpr event_ref() noexcept = default;
    constexpr event_ref(const event& e) noexcept : fd_(e.native_handle()) {}
    // A temporary event closes its fd at the end of the full expression.
    event_ref(const event&&) = delete;
    /// Refers to an event fd owned by someone else.
    [[nodiscard]] static constexpr event_ref from_native(event::native_handle_type fd) noexcept
    {
        event_ref r;
        r.fd_ = fd;
        return r;
    }

    [[nodiscard]] constexpr event::native_handle_type native_handle() const noexcept { return fd_; }
    constexpr explicit operator bool() const noexcept { return fd_ >= 0; }

private:
    event::native_handle_type fd_ = -1;
};

} // namespace evobj
