// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The one way errors leave the library: std::system_error with the
// kernel's errno and the name of the call that failed.
#include <system_error>

#include "syscall.hpp"

namespace evobj::detail {

void throw_error(int err, const char* what)
{
    throw std::system_error(err, std::system_category(), what);
}

} // namespace evobj::detail
