// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// A drop-in for neosmart pevents (https://github.com/neosmart/pevents):
// the same API, declared the same way, so that a program written for
// pevents compiles and links against evobj-pevents unchanged, and gets
// evobj's kernel events underneath: an atomic wait-all, a real pulse,
// timeouts on CLOCK_MONOTONIC, events that are fds. Our own code, not
// pevents'; Documentation/win32.rst lists every difference.
#pragma once

#if defined(_WIN32) && !defined(CreateEvent)
#error Must include Windows.h prior to including pevents.h!
#endif
// As pevents: the timeout result is ETIMEDOUT unless something (Windows'
// headers) already defined WAIT_TIMEOUT. The library returns ETIMEDOUT.
#ifndef WAIT_TIMEOUT
#include <errno.h>
#define WAIT_TIMEOUT ETIMEDOUT
#endif

#include <stdint.h>

namespace neosmart {
    // An opaque event; pevents' own type name.
    struct neosmart_event_t_;
    typedef neosmart_event_t_ *neosmart_event_t;

    const uint64_t WAIT_INFINITE = ~((uint64_t)0);

    // nullptr if the event cannot be created (no /dev/evobj, no fds left);
    // errno says why.
    neosmart_event_t CreateEvent(bool manualReset = false, bool initialState = false);
    // These return 0, WAIT_TIMEOUT from the waits, or an errno value.
    int DestroyEvent(neosmart_event_t event);
    int WaitForEvent(neosmart_event_t event, uint64_t milliseconds = WAIT_INFINITE);
    int SetEvent(neosmart_event_t event);
    int ResetEvent(neosmart_event_t event);
    // pevents declares these only under WFMO and PULSE; here they are
    // always there (declaring them costs nothing, and needs no macro).
    int WaitForMultipleEvents(neosmart_event_t *events, int count, bool waitAll,
                              uint64_t milliseconds);
    int WaitForMultipleEvents(neosmart_event_t *events, int count, bool waitAll,
                              uint64_t milliseconds, int &index);
    int PulseEvent(neosmart_event_t event);

    // evobj's addition: the event's fd, for poll/epoll (owned by the event).
    int GetEventFd(neosmart_event_t event);
} // namespace neosmart
