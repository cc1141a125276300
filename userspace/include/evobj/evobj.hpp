// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj: NT-style event objects (KEVENT, KSEMAPHORE, KMUTANT) for Linux, through /dev/evobj.
// The whole library in one include.
//
// These headers are independent of the kernel's <linux/evobj.h>: they
// carry the few constants they need, checked against it when the library
// is built. The uapi header is installed beside them, as
// <evobj/uapi/linux/evobj.h>, for code that wants the raw ioctls; that
// path can never clash with a distribution's own <linux/evobj.h>.
#pragma once

#include <evobj/deadline.hpp>
#include <evobj/device.hpp>
#include <evobj/event.hpp>
#include <evobj/export.hpp>
#include <evobj/mutex.hpp>
#include <evobj/semaphore.hpp>
#include <evobj/unique_fd.hpp>
#include <evobj/version.hpp>
#include <evobj/wait.hpp>
#include <evobj/wait_result.hpp>
#include <evobj/wait_set.hpp>
