// SPDX-License-Identifier: LGPL-2.1-or-later
//
// evobj: NT-style event objects (KEVENT) for Linux, through /dev/evobj.
// The whole library in one include.
#pragma once

#include <evobj/deadline.hpp>
#include <evobj/device.hpp>
#include <evobj/event.hpp>
#include <evobj/version.hpp>
#include <evobj/wait.hpp>
