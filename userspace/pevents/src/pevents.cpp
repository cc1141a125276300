// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// pevents' API over evobj's raw ioctls: each event is one evobj event fd,
// each call one ioctl.
#include <pevents.h>

#include <cerrno>
#include <cstdint>
#include <ctime>
#include <limits>
#include <new>
#include <system_error>

#include <sys/ioctl.h>
#include <unistd.h>

#include <evobj/device.hpp>
#include <linux/evobj.h>

struct neosmart::neosmart_event_t_ {
    int fd;
};

namespace neosmart {
namespace {

static_assert(WAIT_TIMEOUT == ETIMEDOUT, "the library returns ETIMEDOUT, as pevents on Linux");

int device_fd() noexcept
{
    try {
        return evobj::device::instance().native_handle();
    } catch (const std::system_error& e) {
        errno = e.code().value();
    } catch (...) {
        errno = ENOMEM;
    }
    return -1;
}

// Relative milliseconds as an absolute CLOCK_MONOTONIC deadline, taken
// once so that a restart after a signal keeps it.
std::uint64_t deadline(std::uint64_t ms) noexcept
{
    if (ms == WAIT_INFINITE)
        return EVOBJ_TIMEOUT_INFINITE;
    if (ms == 0)
        return 0;
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const std::uint64_t now_ns =
        static_cast<std::uint64_t>(now.tv_sec) * 1000000000U + static_cast<std::uint64_t>(now.tv_nsec);
    constexpr auto max_ns = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (ms > (max_ns - now_ns) / 1000000U)
        return EVOBJ_TIMEOUT_INFINITE; // beyond what the kernel can count: never
    return now_ns + ms * 1000000U;
}

int wait(const std::int32_t* fds, int count, bool all, std::uint64_t ms, int& index) noexcept
{
    index = -1;
    if (count < 1 || count > EVOBJ_MAX_WAIT)
        return EINVAL;
    const int dev = device_fd();
    if (dev < 0)
        return errno;
    evobj_wait w{};
    w.timeout = deadline(ms);
    w.fds = reinterpret_cast<std::uintptr_t>(fds);
    w.count = static_cast<std::uint32_t>(count);
    w.alert = -1;
    w.signal = -1;
    while (::ioctl(dev, all ? EVOBJ_IOC_WAIT_ALL : EVOBJ_IOC_WAIT_ANY, &w) != 0) {
        if (errno != EINTR)
            return errno; // ETIMEDOUT is WAIT_TIMEOUT
    }
    index = all ? 0 : static_cast<int>(w.index);
    return 0;
}

int change(neosmart_event_t event, unsigned long request) noexcept
{
    if (!event)
        return EINVAL;
    return ::ioctl(event->fd, request, nullptr) == 0 ? 0 : errno;
}

} // namespace

neosmart_event_t CreateEvent(bool manualReset, bool initialState)
{
    const int dev = device_fd();
    if (dev < 0)
        return nullptr;
    auto* event = new (std::nothrow) neosmart_event_t_;
    if (!event) {
        errno = ENOMEM;
        return nullptr;
    }
    evobj_create c{manualReset ? std::uint32_t{EVOBJ_NOTIFICATION} : std::uint32_t{EVOBJ_SYNCHRONIZATION},
                   EVOBJ_CLOEXEC | (initialState ? EVOBJ_SIGNALED : 0U)};
    event->fd = ::ioctl(dev, EVOBJ_IOC_CREATE, &c);
    if (event->fd < 0) {
        const int err = errno;
        delete event;
        errno = err;
        return nullptr;
    }
    return event;
}

int DestroyEvent(neosmart_event_t event)
{
    if (!event)
        return EINVAL;
    // Waits in progress keep the object alive; they are not woken.
    ::close(event->fd);
    delete event;
    return 0;
}

int WaitForEvent(neosmart_event_t event, uint64_t milliseconds)
{
    if (!event)
        return EINVAL;
    const std::int32_t fd = event->fd;
    int index;
    return wait(&fd, 1, false, milliseconds, index);
}

int SetEvent(neosmart_event_t event)
{
    return change(event, EVOBJ_IOC_SET);
}

int ResetEvent(neosmart_event_t event)
{
    return change(event, EVOBJ_IOC_RESET);
}

int PulseEvent(neosmart_event_t event)
{
    return change(event, EVOBJ_IOC_PULSE);
}

int WaitForMultipleEvents(neosmart_event_t* events, int count, bool waitAll, uint64_t milliseconds)
{
    int index;
    return WaitForMultipleEvents(events, count, waitAll, milliseconds, index);
}

int WaitForMultipleEvents(neosmart_event_t* events, int count, bool waitAll, uint64_t milliseconds,
                          int& index)
{
    index = -1;
    if (!events || count < 1 || count > EVOBJ_MAX_WAIT)
        return EINVAL;
    std::int32_t fds[EVOBJ_MAX_WAIT];
    for (int i = 0; i < count; ++i) {
        if (!events[i])
            return EINVAL;
        fds[i] = events[i]->fd;
    }
    return wait(fds, count, waitAll, milliseconds, index);
}

int GetEventFd(neosmart_event_t event)
{
    return event ? event->fd : -1;
}

} // namespace neosmart
