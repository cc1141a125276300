// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::device: opening /dev/evobj, the process-wide instance, and
// event creation.
#include <evobj/device.hpp>

#include <cerrno>
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

device device::open(std::string_view path)
{
    const std::string p(path); // open(2) wants a NUL-terminated string
    const int fd = ::open(p.c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0)
        return device(fd);

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

device& device::operator=(device&& other) noexcept
{
    // Take other's fd, then let `old` close ours; right for a self-move too.
    device old(std::move(other));
    std::swap(fd_, old.fd_);
    return *this;
}

device::~device()
{
    if (fd_ < 0)
        return;
    // close(2) errors cannot be acted on here (the fd is gone either way);
    // callers checking errno after a scope exit must not see them.
    const int saved = errno;
    ::close(fd_);
    errno = saved;
}

event device::create(evobj::kind kind, bool signaled) const
{
    evobj_create args{};
    args.type = static_cast<std::uint32_t>(kind);
    args.flags = EVOBJ_CLOEXEC | (signaled ? EVOBJ_SIGNALED : 0U);
    return event(detail::checked_ioctl(fd_, EVOBJ_IOC_CREATE, &args, "EVOBJ_IOC_CREATE"));
}

} // namespace evobj
