// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// A pevents program, unchanged, built only from an installed
// evobj-pevents. Runs with or without the module.
#define WFMO
#define PULSE
#include <pevents.h>

#include <cstdio>

int main()
{
    neosmart::neosmart_event_t events[2] = {neosmart::CreateEvent(true, true),
                                            neosmart::CreateEvent()};
    if (!events[0] || !events[1]) {
        std::printf("pevents: no events (no evobj module)\n");
        return 0;
    }
    int index = -1;
    const int r = neosmart::WaitForMultipleEvents(events, 2, false, 0, index);
    neosmart::PulseEvent(events[1]);
    neosmart::DestroyEvent(events[0]);
    neosmart::DestroyEvent(events[1]);
    std::printf("pevents: wait returned %d, index %d\n", r, index);
    return r == 0 && index == 0 ? 0 : 1;
}
