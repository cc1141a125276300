// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// pevents' API over evobj's ioctls, through libevobj's error-code layer
// (sys.hpp): each event is one evobj event fd with its state word mapped
// (word.hpp), so that SetEvent, ResetEvent, PulseEvent and a
// WaitForEvent that need not block make no system call while nobody
// waits in the kernel, as neosmart's own take none without contention;
// everything else is one ioctl.
#include <pevents.h>

#include <cerrno>
#include <cstdint>
#include <new>

#include <unistd.h>

#include <linux/evobj.h>

#include "sys.hpp"
#include "word.hpp"

// The word's fields as evobj::sys::word has them; that type is hidden,
// and this one is named by the public header.
struct neosmart::neosmart_event_t_ {
    int fd;
    std::uint32_t* word_addr;
    unsigned word_generation;
    bool sync;
};

namespace neosmart {
namespace {

evobj::sys::word word_of(const neosmart_event_t_* e) noexcept
{
    return {e->word_addr, e->word_generation, e->sync};
}

static_assert(WAIT_TIMEOUT == ETIMEDOUT, "the library returns ETIMEDOUT, as pevents on Linux");

// The device, or -1 with errno set.
int device_fd() noexcept
{
    int dev = -1;
    if (const int err = evobj::sys::device_fd(dev); err != 0) {
        errno = err;
        return -1;
    }
    return dev;
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
    // Taken once, so that a restart after a signal keeps it.
    w.timeout = ms == WAIT_INFINITE ? EVOBJ_TIMEOUT_INFINITE : evobj::sys::deadline_after_ms(ms);
    w.fds = reinterpret_cast<std::uintptr_t>(fds);
    w.count = static_cast<std::uint32_t>(count);
    w.alert = -1;
    w.signal = -1;
    if (const int err = evobj::sys::wait(dev, all, w); err != 0)
        return err; // ETIMEDOUT is WAIT_TIMEOUT
    index = all ? 0 : static_cast<int>(w.index);
    return 0;
}

// SetEvent (`to` EVOBJ_WORD_SIGNALED), ResetEvent and PulseEvent (0).
int change(neosmart_event_t event, std::uint32_t to, int (*op)(int, std::uint32_t*) noexcept) noexcept
{
    if (!event)
        return EINVAL;
    if (std::uint32_t* w = word_of(event).get())
        if (evobj::sys::change(w, to) != evobj::sys::fast::kernel)
            return 0;
    return op(event->fd, nullptr);
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
    if (const int err = evobj::sys::create(dev, manualReset ? EVOBJ_NOTIFICATION : EVOBJ_SYNCHRONIZATION,
                                           EVOBJ_CLOEXEC | (initialState ? EVOBJ_SIGNALED : 0U), event->fd);
        err != 0) {
        delete event;
        errno = err;
        return nullptr;
    }
    // Without a word (an older module, vm.max_map_count) every call is
    // an ioctl, as before.
    const evobj::sys::word w = evobj::sys::map_word(event->fd, !manualReset);
    event->word_addr = w.addr;
    event->word_generation = w.generation;
    event->sync = !manualReset;
    return event;
}

int DestroyEvent(neosmart_event_t event)
{
    if (!event)
        return EINVAL;
    // Waits in progress keep the object alive; they are not woken.
    evobj::sys::word w = word_of(event);
    evobj::sys::unmap_word(w);
    ::close(event->fd);
    delete event;
    return 0;
}

int WaitForEvent(neosmart_event_t event, uint64_t milliseconds)
{
    if (!event)
        return EINVAL;
    if (std::uint32_t* w = word_of(event).get()) {
        const evobj::sys::fast r = evobj::sys::try_wait(w, event->sync, milliseconds == 0);
        if (r != evobj::sys::fast::kernel)
            return r == evobj::sys::fast::was_set ? 0 : WAIT_TIMEOUT;
    }
    const std::int32_t fd = event->fd;
    int index;
    return wait(&fd, 1, false, milliseconds, index);
}

int SetEvent(neosmart_event_t event)
{
    return change(event, EVOBJ_WORD_SIGNALED, evobj::sys::set);
}

int ResetEvent(neosmart_event_t event)
{
    return change(event, 0, evobj::sys::reset);
}

int PulseEvent(neosmart_event_t event)
{
    return change(event, 0, evobj::sys::pulse);
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
