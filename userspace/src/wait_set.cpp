// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Wait sets: EVOBJ_IOC_WAITSET once, then one EVOBJ_IOC_WAITSET_ANY/_ALL
// per wait (sys::waitset_wait, which retries on EINTR with the same
// absolute deadline), the outcome turned into a value as wait.cpp does.
#include <evobj/wait_set.hpp>

#include <array>
#include <cerrno>
#include <cstdint>

#include <linux/evobj.h>

#include "owner.hpp"
#include "syscall.hpp"

namespace evobj {
namespace {

unique_fd make_set(int dev, event_span events)
{
    // An empty set goes to the kernel, which says EINVAL; one too long
    // does not fit the array.
    if (events.size() > max_wait)
        detail::throw_error(EINVAL, "EVOBJ_IOC_WAITSET");
    std::array<std::int32_t, max_wait> fds{};
    for (std::size_t i = 0; i < events.size(); ++i)
        fds[i] = events.native_handle(i);
    evobj_waitset args{};
    args.fds = reinterpret_cast<std::uintptr_t>(fds.data());
    args.count = static_cast<std::uint32_t>(events.size());
    args.flags = EVOBJ_CLOEXEC;
    int fd = -1;
    detail::check(sys::waitset(dev, args, fd), "EVOBJ_IOC_WAITSET");
    return unique_fd(fd);
}

wait_result do_wait(int set, std::size_t size, bool all, deadline when, const wait_options& options)
{
    evobj_waitset_wait args{};
    args.timeout = when.nanoseconds();
    args.flags = when.realtime() ? EVOBJ_WAIT_REALTIME : 0U;
    args.alert = options.alert.native_handle();
    args.signal = options.signal.native_handle();
    args.owner = options.owner != 0 ? options.owner : sys::current_owner();
    const int err = sys::waitset_wait(set, all, args);
    if (err == ETIMEDOUT)
        return wait_result(wait_status::timed_out);
    // EOWNERDEAD: satisfied, having acquired an abandoned mutex.
    const bool abandoned = err == EOWNERDEAD;
    if (!abandoned)
        detail::check(err, all ? "EVOBJ_IOC_WAITSET_ALL" : "EVOBJ_IOC_WAITSET_ANY");
    if (args.index == size)
        return wait_result(wait_status::alerted, args.index, abandoned);
    return wait_result(wait_status::signaled, args.index, abandoned);
}

} // namespace

// Through the device of the events themselves, as the free waits go.
wait_set::wait_set(event_span events)
    : wait_set(events.device_handle() >= 0 ? events.device_handle() : device::instance().native_handle(), events)
{
}

wait_set::wait_set(const device& dev, event_span events) : wait_set(dev.native_handle(), events) {}

wait_set::wait_set(int dev, event_span events) : fd_(make_set(dev, events)), size_(events.size()) {}

std::optional<std::size_t> wait_set::wait_any(deadline when) const
{
    const wait_result r = do_wait(native_handle(), size_, false, when, {});
    if (r.timed_out())
        return std::nullopt;
    return r.index();
}

bool wait_set::wait_all(deadline when) const
{
    return do_wait(native_handle(), size_, true, when, {}).signaled();
}

wait_result wait_set::wait_any(deadline when, const wait_options& options) const
{
    return do_wait(native_handle(), size_, false, when, options);
}

wait_result wait_set::wait_all(deadline when, const wait_options& options) const
{
    return do_wait(native_handle(), size_, true, when, options);
}

} // namespace evobj
