// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Private helpers shared by the library's translation units: the raw
// ioctl calls and the one way errors leave the library.
#pragma once

#include <cerrno>

#include <sys/ioctl.h>

namespace evobj::detail {

/// Throws std::system_error for the current errno, naming the operation
/// ("EVOBJ_IOC_SET", ...) so that what() says which call failed. Out of
/// line (src/error.cpp): the throw is cold, and one copy of it is enough.
[[noreturn]] void throw_errno(const char* what);
[[noreturn]] void throw_error(int err, const char* what);

/// ioctl(2) on an evobj fd, throwing on failure. Only for the calls that
/// never sleep (everything but the waits), so EINTR cannot happen here.
template <class Arg>
int checked_ioctl(int fd, unsigned long request, Arg* arg, const char* what)
{
    const int ret = ::ioctl(fd, request, arg);
    if (ret < 0)
        throw_errno(what);
    return ret;
}

} // namespace evobj::detail
