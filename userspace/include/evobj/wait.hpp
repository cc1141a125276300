// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Waits on several events at once: wait-any, wait-all, the alert event
// and signal-and-wait (NT's WaitForMultipleObjects, SignalObjectAndWait).
// Semaphores (<evobj/semaphore.hpp>) and mutexes (<evobj/mutex.hpp>) go
// in the same lists, mixed with events in any order: a wait that a
// semaphore satisfies takes one unit of it, where it would consume a
// synchronization event; one that a mutex satisfies acquires it for the
// wait's owner (wait_options::owner: the calling thread by default).
//
// The free functions go through the device of the first event that has
// one (the device that created it), else through the process-wide
// device::instance(); device has the same operations for a given device.
// "Timed out" is a value, never an exception; errors throw
// std::system_error naming the ioctl ("EVOBJ_IOC_WAIT_ANY", ...).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ranges>

#include <evobj/deadline.hpp>
#include <evobj/event.hpp>
#include <evobj/export.hpp>
#include <evobj/mutex.hpp>
#include <evobj/semaphore.hpp>
#include <evobj/wait_result.hpp>

namespace evobj {

/// The most events one wait may name (EVOBJ_MAX_WAIT); the alert comes on top.
inline constexpr std::size_t max_wait = 64;

/// A non-owning list of events (and semaphores) to wait on, like
/// std::span, over owning events, owning semaphores or event_refs. Built
/// implicitly from
///  - any contiguous range of `event` (std::vector<event>, std::array,
///    a C array, std::span<const event>);
///  - any contiguous range of `semaphore`;
///  - any contiguous range of `mutex`;
///  - any contiguous range of `event_ref`;
///  - a braced list, which may mix events, semaphores and mutexes:
///    `evobj::wait_any({a, sem, mtx}, deadline)`.
/// Like std::span it must not outlive what it views; as a parameter it
/// never does, since a braced list lives to the end of the call's full
/// expression.
class event_span {
public:
    constexpr event_span() noexcept = default;
    constexpr event_span(std::initializer_list<event_ref> refs) noexcept : size_(refs.size())
    {
        // Viewing the list's array is what a parameter needs: it lives to
        // the end of the caller's full expression (std::span does the same
        // in C++26). Assigned here, not in the mem-initializer, because
        // -Winit-list-lifetime cannot tell a parameter from a member.
        refs_ = refs.begin();
    }

    template <std::ranges::contiguous_range R>
        requires std::ranges::sized_range<R> &&
                 (std::same_as<std::ranges::range_value_t<R>, event> ||
                  std::same_as<std::ranges::range_value_t<R>, semaphore> ||
                  std::same_as<std::ranges::range_value_t<R>, mutex> ||
                  std::same_as<std::ranges::range_value_t<R>, event_ref>)
    constexpr event_span(R&& range) noexcept : size_(std::ranges::size(range))
    {
        if constexpr (std::same_as<std::ranges::range_value_t<R>, event>)
            events_ = std::ranges::data(range);
        else if constexpr (std::same_as<std::ranges::range_value_t<R>, semaphore>)
            sems_ = std::ranges::data(range);
        else if constexpr (std::same_as<std::ranges::range_value_t<R>, mutex>)
            mutexes_ = std::ranges::data(range);
        else
            refs_ = std::ranges::data(range);
    }

    [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
    [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
    /// The fd of the i-th object.
    [[nodiscard]] constexpr event::native_handle_type native_handle(std::size_t i) const noexcept
    {
        return (*this)[i].native_handle();
    }
    /// The i-th object.
    [[nodiscard]] constexpr event_ref operator[](std::size_t i) const noexcept
    {
        if (events_ != nullptr)
            return events_[i];
        if (sems_ != nullptr)
            return sems_[i];
        if (mutexes_ != nullptr)
            return mutexes_[i];
        return refs_[i];
    }
    /// The device the first event with one of its own waits through
    /// (see event_ref::device_handle), or -1 if none has.
    [[nodiscard]] int device_handle() const noexcept
    {
        for (std::size_t i = 0; i < size_; ++i)
            if (const int dev = (*this)[i].device_handle(); dev >= 0)
                return dev;
        return -1;
    }

private:
    // Exactly one of the four points at the viewed array (none if empty).
    const event* events_ = nullptr;
    const semaphore* sems_ = nullptr;
    const mutex* mutexes_ = nullptr;
    const event_ref* refs_ = nullptr;
    std::size_t size_ = 0;
};

/// The extra events of a wait, with designated initializers:
/// `wait_any(evs, deadline, {.alert = stop})`, `{.signal = done}`.
struct wait_options {
    /// Completes the wait with wait_result::alerted() when signaled
    /// (consumed if a synchronization event, one unit taken if a
    /// semaphore, acquired if a mutex). Wait-any and wait-all.
    event_ref alert;
    /// Set in the same call, just before the wait starts (NT's
    /// SignalObjectAndWait): no window in which a waker can miss us. A
    /// semaphore is released by one unit instead, before the wait
    /// queues (NT's order); at its maximum the whole call fails with
    /// EOVERFLOW before anything else happens. A mutex is unlocked once
    /// for `owner`, first too; EPERM, if `owner` does not own it, fails
    /// the call before anything else happens.
    event_ref signal;
    /// The owner the wait acquires mutexes for (and unlocks `signal`
    /// for): 0, the default, is the calling thread (this_thread_owner()).
    /// Ignored by a wait that names no mutex.
    owner_id owner = 0;
};

/// Waits until one of `events` is signaled and returns its index (the
/// lowest if several are; only that one is consumed: one unit, for a
/// semaphore; acquired, for a mutex), or std::nullopt on timeout. 1 to max_wait objects; an
/// object may appear twice.
[[nodiscard]] EVOBJ_API std::optional<std::size_t> wait_any(event_span events, deadline when = {});
/// Waits until all `events` are signaled at one instant, then consumes
/// every synchronization event among them, and one unit of every
/// semaphore, atomically. False on timeout. A duplicated object is EINVAL.
[[nodiscard]] EVOBJ_API bool wait_all(event_span events, deadline when = {});

/// The general forms, with an alert and/or a signal event.
///
/// Every wait: a signal handler interrupting it (EINTR) resumes it with
/// the same absolute deadline, and without setting `signal` again; a
/// wait that was satisfied reports it even if its deadline passed at the
/// same moment. Errors throw std::system_error naming the ioctl.
[[nodiscard]] EVOBJ_API wait_result wait_any(event_span events, deadline when, const wait_options& options);
[[nodiscard]] EVOBJ_API wait_result wait_all(event_span events, deadline when, const wait_options& options);

/// Alertable forms: wait_result::alerted() if `alert` won.
[[nodiscard]] inline wait_result wait_any(event_span events, deadline when, const event& alert)
{
    return wait_any(events, when, wait_options{.alert = alert, .signal = {}});
}
[[nodiscard]] inline wait_result wait_all(event_span events, deadline when, const event& alert)
{
    return wait_all(events, when, wait_options{.alert = alert, .signal = {}});
}

/// Sets `to_set`, then waits for `to_wait`, in one call. False on timeout
/// (`to_set` stays set).
[[nodiscard]] EVOBJ_API bool signal_and_wait(const event& to_set, const event& to_wait, deadline when = {});
/// Sets `to_set`, then waits for any of `events`.
[[nodiscard]] EVOBJ_API std::optional<std::size_t> signal_and_wait_any(const event& to_set, event_span events,
                                                             deadline when = {});
/// Sets `to_set`, then waits for all of `events`.
[[nodiscard]] EVOBJ_API bool signal_and_wait_all(const event& to_set, event_span events, deadline when = {});

/// The same three with any kind of object to signal: an event is set, a
/// semaphore released by one unit (EOVERFLOW at its maximum, before the
/// wait), a mutex unlocked once for the calling thread (EPERM if it is
/// not the owner, before the wait), e.g. `signal_and_wait(sem, ev)`; and
/// any kind to wait for (a mutex is acquired for the calling thread).
/// An abandoned mutex acquired reads as a plain success here: the forms
/// with wait_options return wait_result::abandoned().
[[nodiscard]] EVOBJ_API bool signal_and_wait(event_ref to_signal, event_ref to_wait, deadline when = {});
[[nodiscard]] EVOBJ_API std::optional<std::size_t> signal_and_wait_any(event_ref to_signal, event_span events,
                                                                       deadline when = {});
[[nodiscard]] EVOBJ_API bool signal_and_wait_all(event_ref to_signal, event_span events, deadline when = {});

} // namespace evobj
