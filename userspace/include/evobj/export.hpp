// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// EVOBJ_API marks the library's interface. libevobj is built with
// -fvisibility=hidden, so these are the only symbols the shared library
// exports: its internals can change within an ABI without anyone
// having been able to link against them.
#pragma once

#if __cplusplus < 202002L
#error "evobj needs C++20 or later: compile with -std=c++20"
#endif

#if defined(__GNUC__)
#define EVOBJ_API __attribute__((visibility("default")))
#else
#define EVOBJ_API
#endif
