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
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include <evobj/deadline.hpp>
#include <evobj/export.hpp>
#include <evobj/unique_fd.hpp>

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

/// What EVOBJ_IOC_OPEN does with a name (NT's CreateEvent and OpenEvent).
enum class disposition : std::uint32_t {
    /// Opens the event of that name, or creates it if there is none.
    open_or_create = 0, // EVOBJ_OPEN_ALWAYS
    /// Opens the event of that name; ENOENT if there is none.
    open_existing = 1, // EVOBJ_OPEN_EXISTING
    /// Creates the event; EEXIST if the name is taken.
    create_new = 2, // EVOBJ_CREATE_NEW
};

/// The longest event name, in bytes (EVOBJ_NAME_MAX).
inline constexpr std::size_t name_max = 255;

struct opened;
class semaphore; // <evobj/semaphore.hpp>
class mutex;     // <evobj/mutex.hpp>

namespace detail {
/// An event's mapped state word (evobj(4), "The mapped state word"), as
/// the library holds it: addr is null if the event is not mapped.
struct word_mapping {
    std::uint32_t* addr = nullptr;
    unsigned generation = 0; // the fork generation it was mapped in
    bool sync = false;       // a synchronization event's
};
} // namespace detail

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

    /// Opens or creates the event called `name` in the caller's IPC
    /// namespace, through device::instance() (device::open_event does it
    /// on a given device). `kind`, `mode` (permission bits, checked on
    /// later opens as System V IPC does) and `signaled` apply only if
    /// this call creates the event: an existing one keeps its own, and
    /// `created` says which happened. The name lives as long as the
    /// event: once its last fd closes, the next create makes a new one.
    /// The fd is O_CLOEXEC. Throws std::system_error "EVOBJ_IOC_OPEN":
    /// EINVAL for an empty name or one containing a NUL byte, or a bad
    /// mode; ENAMETOOLONG past name_max bytes; ENOENT (open_existing of
    /// a missing name); EEXIST (create_new of a taken one); EACCES (the
    /// creator's mode denies us); ENOSPC (the per-user limit of names).
    [[nodiscard]] static opened open(std::string_view name, evobj::kind kind,
                                     evobj::disposition disp = disposition::open_or_create,
                                     unsigned mode = 0600, bool signaled = false);

    /// Takes ownership of an event fd obtained elsewhere (SCM_RIGHTS,
    /// pidfd_getfd, fork). Not checked here: a foreign fd makes the
    /// operations fail with ENOTTY / EINVAL. Its waits go through
    /// device::instance().
    [[nodiscard]] static event adopt(native_handle_type fd) noexcept { return event(unique_fd(fd), nullptr); }

    event(const event&) = delete;
    event& operator=(const event&) = delete;
    event(event&& other) noexcept;
    event& operator=(event&& other) noexcept;
    /// Unmaps the state word and closes the fd; never throws, and leaves
    /// errno as it found it.
    ~event();

    /// Signals the event. Returns the previous state.
    bool set() const;
    /// Makes the event non-signaled. Returns the previous state.
    bool reset() const;
    /// Releases the waiters a set would, then leaves the event
    /// non-signaled, atomically. Returns the previous state.
    bool pulse() const;

    [[nodiscard]] event_state query() const;
    /// The state; no system call for an event whose word is mapped.
    [[nodiscard]] bool is_set() const;
    [[nodiscard]] evobj::kind type() const { return query().kind; }

    /// Blocks until signaled (consuming a synchronization event).
    /// Signals interrupting the wait are absorbed. The waits go through
    /// the device that made the event (device::instance() for an
    /// adopted one).
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
    [[nodiscard]] constexpr native_handle_type native_handle() const noexcept { return fd_.get(); }
    /// Gives up ownership: returns the fd and leaves this event empty.
    [[nodiscard]] native_handle_type release() noexcept;
    /// False for an empty (default-constructed, moved-from or released) event.
    [[nodiscard]] constexpr bool valid() const noexcept { return fd_.valid(); }
    constexpr explicit operator bool() const noexcept { return valid(); }

    friend void swap(event& a, event& b) noexcept
    {
        swap(a.fd_, b.fd_);
        a.dev_.swap(b.dev_);
        std::swap(a.word_, b.word_);
    }

private:
    event(unique_fd fd, std::shared_ptr<const unique_fd> dev) noexcept
        : fd_(std::move(fd)), dev_(std::move(dev))
    {
    }
    friend class device;
    friend class event_ref;

    // Maps the state word of a new event, if the kernel lets us.
    void map_word(evobj::kind kind) noexcept;
    void unmap_word() noexcept;

    unique_fd fd_;
    // The fd of the device that made this event, shared with it so that
    // waits can go through it for as long as the event lives; null for
    // an adopted event, which waits through device::instance().
    std::shared_ptr<const unique_fd> dev_;
    // Events that the library creates or opens map their word, so that
    // set, reset, pulse, is_set and a wait that need not block take no
    // system call while nobody waits in the kernel; adopted ones do not.
    detail::word_mapping word_;
};

/// What event::open and device::open_event return.
struct opened {
    evobj::event ev;
    /// True if this call created the event, false if it existed.
    bool created;
};

/// A non-owning reference to an event, a semaphore or a mutex, for
/// building wait lists out of objects that do not sit side by side in one
/// array (a braced list may mix the kinds), and for naming the alert or
/// signal object of a wait. Trivially copyable; a default-constructed
/// event_ref refers to nothing.
class event_ref {
public:
    constexpr event_ref() noexcept = default;
    event_ref(const event& e) noexcept : fd_(e.native_handle()), dev_(e.dev_.get()) {}
    // A temporary event closes its fd at the end of the full expression.
    event_ref(const event&&) = delete;
    /// A semaphore (<evobj/semaphore.hpp>) or a mutex (<evobj/mutex.hpp>):
    /// a template only so that this header need not define them.
    template <class S>
        requires std::same_as<S, semaphore> || std::same_as<S, mutex>
    event_ref(const S& s) noexcept : fd_(s.native_handle()), dev_(s.dev_.get())
    {
    }
    template <class S>
        requires std::same_as<S, semaphore> || std::same_as<S, mutex>
    event_ref(const S&&) = delete;
    /// Refers to an event fd owned by someone else; waits on it alone go
    /// through device::instance().
    [[nodiscard]] static constexpr event_ref from_native(event::native_handle_type fd) noexcept
    {
        event_ref r;
        r.fd_ = fd;
        return r;
    }

    [[nodiscard]] constexpr event::native_handle_type native_handle() const noexcept { return fd_; }
    constexpr explicit operator bool() const noexcept { return fd_ >= 0; }
    /// The fd of the device the event waits through, or -1 if it has none
    /// of its own (device::instance() then).
    [[nodiscard]] constexpr int device_handle() const noexcept { return dev_ != nullptr ? dev_->get() : -1; }

private:
    event::native_handle_type fd_ = -1;
    const unique_fd* dev_ = nullptr;
};

} // namespace evobj
