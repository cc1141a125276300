// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::device: opening /dev/evobj, the process-wide instance, and
// creating and opening events, semaphores and mutexes.
#include <evobj/device.hpp>

#include <cerrno>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include <linux/evobj.h>

#include "syscall.hpp"

namespace evobj {

static_assert(static_cast<std::uint32_t>(kind::notification) == EVOBJ_NOTIFICATION);
static_assert(static_cast<std::uint32_t>(kind::synchronization) == EVOBJ_SYNCHRONIZATION);
static_assert(max_wait == EVOBJ_MAX_WAIT);
static_assert(static_cast<std::uint32_t>(disposition::open_or_create) == EVOBJ_OPEN_ALWAYS);
static_assert(static_cast<std::uint32_t>(disposition::open_existing) == EVOBJ_OPEN_EXISTING);
static_assert(static_cast<std::uint32_t>(disposition::create_new) == EVOBJ_CREATE_NEW);
static_assert(name_max == EVOBJ_NAME_MAX);
static_assert(semaphore_max == EVOBJ_SEMAPHORE_MAX);
static_assert(EVOBJ_OPEN_SIZE_VER2 == sizeof(evobj_open));
static_assert(mutex_flags::inheritable == semaphore_flags::inheritable);
static_assert(mutex_flags::nonblock == semaphore_flags::nonblock);

namespace {

// The name as the kernel takes it, NUL-terminated, in `buf`: a NUL
// inside would silently shorten the name, so it is refused here, as is
// an empty name; a long one is refused before copying it.
void kernel_name(std::string_view name, char (&buf)[name_max + 1])
{
    if (name.empty() || name.find('\0') != std::string_view::npos)
        detail::throw_error(EINVAL, "EVOBJ_IOC_OPEN");
    if (name.size() > name_max)
        detail::throw_error(ENAMETOOLONG, "EVOBJ_IOC_OPEN");
    std::memcpy(buf, name.data(), name.size());
    buf[name.size()] = '\0';
}

// EVOBJ_IOC_OPEN of `name`, the rest of the request in `args`: the fd,
// and whether the call created the object.
struct named_fd {
    unique_fd fd;
    bool created;
};

named_fd open_named(int dev, std::string_view name, evobj_open args)
{
    char buf[name_max + 1];
    kernel_name(name, buf);
    args.name = reinterpret_cast<std::uintptr_t>(buf);
    int fd = -1;
    detail::check(sys::open(dev, args, fd), "EVOBJ_IOC_OPEN");
    return {unique_fd(fd), (args.result & EVOBJ_OPEN_CREATED) != 0};
}

// semaphore_flags as the kernel's: EINVAL for an unknown one.
std::uint32_t semaphore_fd_flags(unsigned flags, const char* what)
{
    if (flags & ~(semaphore_flags::inheritable | semaphore_flags::nonblock))
        detail::throw_error(EINVAL, what);
    return ((flags & semaphore_flags::inheritable) ? 0U : EVOBJ_CLOEXEC) |
           ((flags & semaphore_flags::nonblock) ? EVOBJ_NONBLOCK : 0U);
}

} // namespace

device device::open(std::string_view path)
{
    const std::string p(path); // open(2) wants a NUL-terminated string
    unique_fd fd(::open(p.c_str(), O_RDWR | O_CLOEXEC));
    if (fd)
        return device(std::make_shared<unique_fd>(std::move(fd)));

    // The two failures a user actually meets get a message that says
    // what to do; the errno is kept for code that inspects it.
    const int err = errno;
    std::string what = "open " + p;
    if (err == ENOENT || err == ENODEV || err == ENXIO)
        what += " (is the evobj kernel module loaded? try: sudo modprobe evobj)";
    else if (err == EACCES || err == EPERM)
        what += " (permission denied by the device node's mode or owner, or a security module)";
    throw std::system_error(err, std::system_category(), what);
}

const device& device::instance()
{
    // A throwing initializer leaves the static uninitialized, so a failed
    // open is retried on the next call. The device is deliberately never
    // destroyed: threads still waiting, or static destructors running
    // after this one, must not see its fd closed (or reused) under them.
    static const device& dev = *new device(open());
    return dev;
}

device device::adopt(native_handle_type fd)
{
    unique_fd owned(fd); // closes it if make_shared throws
    return device(std::make_shared<unique_fd>(std::move(owned)));
}

device::native_handle_type device::release() noexcept
{
    const std::shared_ptr<unique_fd> fd = std::move(fd_);
    if (!fd)
        return -1;
    // Alone, we own the fd and can hand it over. Events made through us
    // still wait through it and will close it, so the caller gets its own.
    if (fd.use_count() == 1)
        return fd->release();
    return ::fcntl(fd->get(), F_DUPFD_CLOEXEC, 0);
}

event device::create(evobj::kind kind, bool signaled) const
{
    int fd = -1;
    detail::check(sys::create(native_handle(), static_cast<std::uint32_t>(kind),
                              EVOBJ_CLOEXEC | (signaled ? EVOBJ_SIGNALED : 0U), fd),
                  "EVOBJ_IOC_CREATE");
    event ev(unique_fd(fd), fd_);
    ev.map_word(kind);
    return ev;
}

opened device::open_event(std::string_view name, evobj::kind kind, evobj::disposition disp,
                          unsigned mode, bool signaled) const
{
    evobj_open args{};
    args.type = static_cast<std::uint32_t>(kind);
    args.flags = EVOBJ_CLOEXEC | (signaled ? EVOBJ_SIGNALED : 0U);
    args.disposition = static_cast<std::uint32_t>(disp);
    args.mode = mode;
    auto [fd, created] = open_named(native_handle(), name, args);
    event ev(std::move(fd), fd_);
    // An existing event keeps its own type, which the word's wait needs.
    evobj_state st{};
    if (created || sys::read(ev.native_handle(), st) == 0)
        ev.map_word(created ? kind : static_cast<evobj::kind>(st.type));
    return opened{std::move(ev), created};
}

semaphore device::create_semaphore(std::uint32_t count, std::uint32_t max, unsigned flags) const
{
    const std::uint32_t fd_flags = semaphore_fd_flags(flags, "EVOBJ_IOC_CREATE_SEMAPHORE");
    int fd = -1;
    detail::check(sys::create_semaphore(native_handle(), count, max, fd_flags, fd),
                  "EVOBJ_IOC_CREATE_SEMAPHORE");
    return semaphore(unique_fd(fd), fd_);
}

opened_semaphore device::open_semaphore(std::string_view name, std::uint32_t count, std::uint32_t max,
                                        evobj::disposition disp, unsigned mode, unsigned flags) const
{
    evobj_open args{};
    args.type = EVOBJ_SEMAPHORE;
    args.flags = semaphore_fd_flags(flags, "EVOBJ_IOC_OPEN");
    args.disposition = static_cast<std::uint32_t>(disp);
    args.mode = mode;
    args.count = count; // VER1: a created semaphore's
    args.max = max;
    auto [fd, created] = open_named(native_handle(), name, args);
    return opened_semaphore{semaphore(std::move(fd), fd_), created};
}

// An owner's count as the kernel takes it: 0 for an unowned mutex, so
// that create() and create(0) need no count.
mutex device::create_mutex(owner_id owner, std::uint32_t count, unsigned flags) const
{
    const std::uint32_t fd_flags = semaphore_fd_flags(flags, "EVOBJ_IOC_CREATE_MUTEX");
    int fd = -1;
    detail::check(sys::create_mutex(native_handle(), owner, owner != 0 ? count : 0U, fd_flags, fd),
                  "EVOBJ_IOC_CREATE_MUTEX");
    return mutex(unique_fd(fd), fd_);
}

opened_mutex device::open_mutex(std::string_view name, owner_id owner, std::uint32_t count,
                                evobj::disposition disp, unsigned mode, unsigned flags) const
{
    evobj_open args{};
    args.type = EVOBJ_MUTEX;
    args.flags = semaphore_fd_flags(flags, "EVOBJ_IOC_OPEN");
    args.disposition = static_cast<std::uint32_t>(disp);
    args.mode = mode;
    args.count = owner != 0 ? count : 0U; // VER2: a created mutex's owner and count
    args.max = 0;
    args.owner = owner;
    auto [fd, created] = open_named(native_handle(), name, args);
    return opened_mutex{mutex(std::move(fd), fd_), created};
}

} // namespace evobj
