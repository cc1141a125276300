// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The multi-object waits: one ioctl (sys::wait, which retries it on EINTR
// with the same absolute deadline), with the outcome turned into a value.
#include <evobj/wait.hpp>

#include <array>
#include <cerrno>
#include <cstdint>

#include <linux/evobj.h>

#include <evobj/device.hpp>

#include "owner.hpp"
#include "syscall.hpp"

namespace evobj {
namespace {

wait_result do_wait(int dev, bool all, event_span events, deadline when,
                    const wait_options& options)
{
    const char* const name = all ? "EVOBJ_IOC_WAIT_ALL" : "EVOBJ_IOC_WAIT_ANY";

    // An empty list goes to the kernel, which says EINVAL like for any
    // other bad count; one too long does not fit the array below.
    if (events.size() > max_wait)
        detail::throw_error(EINVAL, name);
    std::array<std::int32_t, max_wait> fds{};
    for (std::size_t i = 0; i < events.size(); ++i)
        fds[i] = events.native_handle(i);

    evobj_wait args{};
    args.timeout = when.nanoseconds();
    args.fds = reinterpret_cast<std::uintptr_t>(fds.data());
    args.count = static_cast<std::uint32_t>(events.size());
    args.flags = when.realtime() ? EVOBJ_WAIT_REALTIME : 0U;
    args.alert = options.alert.native_handle();
    args.signal = options.signal.native_handle();
    args.owner = options.owner != 0 ? options.owner : sys::current_owner();

    const int err = sys::wait(dev, all, args);
    if (err == ETIMEDOUT)
        return wait_result(wait_status::timed_out);
    // EOWNERDEAD: satisfied, having acquired an abandoned mutex.
    const bool abandoned = err == EOWNERDEAD;
    if (!abandoned)
        detail::check(err, name);
    if (args.index == args.count)
        return wait_result(wait_status::alerted, args.index, abandoned);
    return wait_result(wait_status::signaled, args.index, abandoned);
}

// The free functions wait through the device of the events themselves:
// one made through device::open(path) must be able to wait even where
// device::instance() cannot open /dev/evobj (another path, a container).
int device_for(event_span events, const wait_options& options)
{
    int dev = events.device_handle();
    if (dev < 0)
        dev = options.alert.device_handle();
    if (dev < 0)
        dev = options.signal.device_handle();
    return dev >= 0 ? dev : device::instance().native_handle();
}

} // namespace

std::optional<std::size_t> device::wait_any(event_span events, deadline when) const
{
    const wait_result r = do_wait(native_handle(), false, events, when, {});
    if (r.timed_out())
        return std::nullopt;
    return r.index();
}

bool device::wait_all(event_span events, deadline when) const
{
    return do_wait(native_handle(), true, events, when, {}).signaled();
}

wait_result device::wait_any(event_span events, deadline when, const wait_options& options) const
{
    return do_wait(native_handle(), false, events, when, options);
}

wait_result device::wait_all(event_span events, deadline when, const wait_options& options) const
{
    return do_wait(native_handle(), true, events, when, options);
}

std::optional<std::size_t> wait_any(event_span events, deadline when)
{
    const wait_result r = do_wait(device_for(events, {}), false, events, when, {});
    if (r.timed_out())
        return std::nullopt;
    return r.index();
}

bool wait_all(event_span events, deadline when)
{
    return do_wait(device_for(events, {}), true, events, when, {}).signaled();
}

wait_result wait_any(event_span events, deadline when, const wait_options& options)
{
    return do_wait(device_for(events, options), false, events, when, options);
}

wait_result wait_all(event_span events, deadline when, const wait_options& options)
{
    return do_wait(device_for(events, options), true, events, when, options);
}

bool signal_and_wait(const event& to_set, const event& to_wait, deadline when)
{
    return wait_any({to_wait}, when, wait_options{.alert = {}, .signal = to_set}).signaled();
}

std::optional<std::size_t> signal_and_wait_any(const event& to_set, event_span events, deadline when)
{
    const wait_result r = wait_any(events, when, wait_options{.alert = {}, .signal = to_set});
    if (r.timed_out())
        return std::nullopt;
    return r.index();
}

bool signal_and_wait_all(const event& to_set, event_span events, deadline when)
{
    return wait_all(events, when, wait_options{.alert = {}, .signal = to_set}).signaled();
}

bool signal_and_wait(event_ref to_signal, event_ref to_wait, deadline when)
{
    return wait_any({to_wait}, when, wait_options{.alert = {}, .signal = to_signal}).signaled();
}

std::optional<std::size_t> signal_and_wait_any(event_ref to_signal, event_span events, deadline when)
{
    const wait_result r = wait_any(events, when, wait_options{.alert = {}, .signal = to_signal});
    if (r.timed_out())
        return std::nullopt;
    return r.index();
}

bool signal_and_wait_all(event_ref to_signal, event_span events, deadline when)
{
    return wait_all(events, when, wait_options{.alert = {}, .signal = to_signal}).signaled();
}

} // namespace evobj
