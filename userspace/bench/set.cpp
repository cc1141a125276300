// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Uncontended set: signalling an object that nobody waits on, in a loop
// on one thread. evobj's EVOBJ_IOC_SET against eventfd's write(); evobj's
// own write() for information. The second group signals and clears again
// each time (set + reset against write + read), so that every iteration
// really changes the state rather than finding it already signaled.

#include <cstdint>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

template <class Op>
void variant(context& ctx, const char* metric, const char* name, bool baseline, Op&& op)
{
    ctx.prog.start(strprintf("%s: %s", metric, name));
    const double per_op = median(per_op_trials(ctx, [&](std::uint64_t n) {
        const std::uint64_t start = now_ns();
        for (std::uint64_t i = 0; i < n; i++)
            op();
        return now_ns() - start;
    }));
    ctx.out.add({"set", name, "-", metric, per_op, "ns", baseline});
    ctx.prog.done(format_value(per_op, "ns"));
}

} // namespace

void bench_set(context& ctx)
{
    const unique_fd dev = evobj_open_device();
    const unique_fd ev = evobj_create(dev.get(), EVOBJ_NOTIFICATION);
    const unique_fd efd = make_eventfd();
    const int e = ev.get(), f = efd.get();

    variant(ctx, "set", "eventfd write", true, [f] { eventfd_add(f); });
    variant(ctx, "set", "evobj SET ioctl", false, [e] { evobj_set(e); });
    variant(ctx, "set", "evobj write", false, [e] { eventfd_add(e); });
    // The eventfd counter grew by one per write above: start from zero.
    eventfd_take(f);

    variant(ctx, "set+clear", "eventfd write + read", true, [f] {
        eventfd_add(f);
        eventfd_take(f);
    });
    variant(ctx, "set+clear", "evobj SET + RESET ioctls", false, [e] {
        evobj_set(e);
        evobj_reset(e);
    });
}

} // namespace evobj::bench
