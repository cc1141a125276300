// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Uncontended set: signalling an object that nobody waits on, in a loop
// on one thread. evobj's EVOBJ_IOC_SET against eventfd's write(); evobj's
// own write() and SET with the previous state out for information. The second group signals and clears again
// each time (set + reset against write + read), so that every iteration
// really changes the state rather than finding it already signaled. The
// third times waits that complete at once, against a bare ioctl.

#include <cstdint>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
void bench_set(context& ctx)
{
    const unique_fd dev = evobj_open_device();
    const unique_fd ev = evobj_create(dev.get(), EVOBJ_NOTIFICATION);
    const unique_fd efd = make_eventfd();
    const int e = ev.get(), f = efd.get();

    // The eventfd's counter only grows; it would take centuries to overflow.
    measure_group(ctx, "set", "-", "set",
                  {{"eventfd write", true, loop([f] { eventfd_add(f); })},
                   {"evobj SET ioctl", false, loop([e] { evobj_set(e); })},
                   {"evobj SET ioctl, previous state out", false, loop([e] { (void)evobj_set_prev(e); })},
                   {"evobj write", false, loop([e] { eventfd_add(e); })},
                   // The ioctl path alone, without a state change: how much
                   // of SET's cost is the system call rather than the event.
                   {"evobj READ ioctl (no change)", false, loop([e] { evobj_read_state(e); })}});
    eventfd_take(f);  // back to zero

    measure_group(ctx, "set", "-", "set+clear",
                  {{"eventfd write + read", true, loop([f] {
                        eventfd_add(f);
                        eventfd_take(f);
                    })},
                   {"evobj SET + RESET ioctls", false, loop([e] {
                        evobj_set(e);
                        evobj_reset(e);
                    })}});

    // A wait that completes at once, on a signaled notification event:
    // what a wait costs on top of a bare ioctl, without the scheduler.
    // The signal event is signaled too, so the set changes nothing.
    evobj_set(e);
    const unique_fd other = evobj_create(dev.get(), EVOBJ_NOTIFICATION);
    const int d = dev.get(), o = other.get();
    evobj_set(o);
    measure_group(ctx, "set", "-", "wait-signaled",
                  {{"evobj READ ioctl (no change)", true, loop([e] { evobj_read_state(e); })},
                   {"evobj WAIT_ANY 1 fd", false, loop([d, e] { (void)evobj_wait_any(d, {&e, 1}); })},
                   {"evobj WAIT_ANY 1 fd + signal", false, loop([d, e, o] { (void)evobj_wait_any(d, {&e, 1}, o); })},
                   {"evobj WAIT on the event fd", false, loop([e] { evobj_wait_fd(e); })},
                   {"evobj WAIT on the event fd + signal", false, loop([e, o] { evobj_wait_fd(e, o); })},
                   {"evobj read()", false, loop([e] { (void)eventfd_take(e); })}});
}

} // namespace evobj::bench
