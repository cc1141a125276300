// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// A wait set: events named once, then waited on as often as needed with
// no list to pass (EVOBJ_IOC_WAITSET). For a loop that waits on the same
// events again and again, as an epoll set is for poll(): each wait then
// copies no list and looks up no fd in the kernel.
#pragma once

#include <cstddef>
#include <optional>

#include <evobj/deadline.hpp>
#include <evobj/device.hpp>
#include <evobj/export.hpp>
#include <evobj/unique_fd.hpp>
#include <evobj/wait.hpp>

namespace evobj {

/// Holds the events themselves, not their fds: an event whose every fd
/// was closed after the set was made stays in it, state and all, while
/// the set lives. Movable, not copyable. Waits behave exactly as the
/// free functions on the same list (wait.hpp): lowest index, atomic
/// wait-all, alert, signal, deadlines, EINTR. native_handle() can be
/// polled: readable while a wait_any() would complete at once.
class EVOBJ_API wait_set {
public:
    /// A set of `events` (1 to max_wait; an event may appear twice, but a
    /// set that has one twice cannot wait_all(): EINVAL), made through the
    /// device of its events, as the free waits choose it.
    explicit wait_set(event_span events);
    /// The same, through `dev`.
    wait_set(const device& dev, event_span events);

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    /// The wait-set fd, for poll/epoll.
    [[nodiscard]] int native_handle() const noexcept { return fd_.get(); }

    [[nodiscard]] std::optional<std::size_t> wait_any(deadline when = {}) const;
    [[nodiscard]] bool wait_all(deadline when = {}) const;
    [[nodiscard]] wait_result wait_any(deadline when, const wait_options& options) const;
    [[nodiscard]] wait_result wait_all(deadline when, const wait_options& options) const;

private:
    wait_set(int dev, event_span events);

    unique_fd fd_;
    std::size_t size_ = 0;
};

} // namespace evobj
