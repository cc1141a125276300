/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * <windows.h> for code ported from Windows that uses only what
 * <evobj/win32.h> provides (events, semaphores, mutexes, waits, APCs, handles, errors). Opt-in:
 * this directory is on the include path only for who asks for it
 * (pkg-config --cflags evobj-win32-compat, or the CMake target
 * evobj::win32_compat), so it never shadows MinGW's or Wine's headers.
 */
#ifndef EVOBJ_WIN32_COMPAT_WINDOWS_H
#define EVOBJ_WIN32_COMPAT_WINDOWS_H

#include <evobj/win32.h>

#endif /* EVOBJ_WIN32_COMPAT_WINDOWS_H */
