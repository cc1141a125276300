// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Private helpers shared by the library's translation units: the one
// way errors leave the library, over the error codes of sys.hpp.
#pragma once

#include "sys.hpp"

namespace evobj::detail {

/// Throws std::system_error for `err`, naming the operation
/// ("EVOBJ_IOC_SET", ...) so that what() says which call failed. Out of
/// line (src/error.cpp): the throw is cold, and one copy of it is enough.
[[noreturn]] void throw_error(int err, const char* what);

/// A sys:: call's result: nothing for 0, std::system_error otherwise.
inline void check(int err, const char* what)
{
    if (err != 0)
        throw_error(err, what);
}

} // namespace evobj::detail
