// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Timer wake latency: a thread arms a one-shot timer for an absolute
// CLOCK_MONOTONIC time and blocks on it; the sample is how long after that
// time the thread runs again. evobj's EVOBJ_IOC_TIMER (set from hardirq,
// the waiter in EVOBJ_IOC_WAIT_ANY) against a timerfd (the waiter in
// read()). The two alternate sample by sample, so that whatever else the
// host does falls on both alike.

#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

// Far enough ahead that the waiter is asleep before expiry, even under TCG.
constexpr std::uint64_t lead_ns = 1'000'000;

struct latencies {
    std::vector<double> evobj, timerfd;
};

std::uint64_t evobj_sample(int dev, int ev)
{
    const std::int32_t fd = ev;
    const std::uint64_t expires = now_ns() + lead_ns;
    evobj_arm_timer(ev, expires);
    evobj_wait_any(dev, {&fd, 1});
    return now_ns() - expires;
}

std::uint64_t timerfd_sample(int tfd)
{
    const std::uint64_t expires = now_ns() + lead_ns;
    timerfd_arm(tfd, expires);
    eventfd_take(tfd);  // a timerfd reads like an eventfd: the expiry count
    return now_ns() - expires;
}

latencies sample(int dev, int ev, int tfd, int samples)
{
    latencies out;
    for (int i = 0; i < samples; i++) {
        // Who goes first alternates too, in case going second matters.
        if (i % 2) {
            out.timerfd.push_back(double(timerfd_sample(tfd)));
            out.evobj.push_back(double(evobj_sample(dev, ev)));
        } else {
            out.evobj.push_back(double(evobj_sample(dev, ev)));
            out.timerfd.push_back(double(timerfd_sample(tfd)));
        }
    }
    return out;
}

} // namespace

void bench_timer(context& ctx)
{
    ctx.prog.start("timer: evobj EVOBJ_IOC_TIMER and timerfd, alternating");
    const unique_fd dev = evobj_open_device();
    const unique_fd ev = evobj_create(dev.get(), EVOBJ_SYNCHRONIZATION);
    const unique_fd tfd = make_timerfd();
    const int samples = ctx.opts.quick ? 40 : 150;

    struct {
        const char* pct;
        double p;
    } const levels[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}};
    std::vector<double> evobj_trials[3], timerfd_trials[3];
    // On a thread of its own, pinned, so that the latencies do not depend
    // on the main thread's affinity; its errors are rethrown here.
    std::exception_ptr error;
    std::jthread([&] {
        try {
            pin_to_cpu(0);
            sample(dev.get(), ev.get(), tfd.get(), samples / 4);  // warm-up
            for (int t = 0; t < ctx.trials(); t++) {
                const latencies l = sample(dev.get(), ev.get(), tfd.get(), samples);
                for (std::size_t k = 0; k < 3; k++) {
                    evobj_trials[k].push_back(percentile(l.evobj, levels[k].p));
                    timerfd_trials[k].push_back(percentile(l.timerfd, levels[k].p));
                }
            }
        } catch (...) {
            error = std::current_exception();
        }
    }).join();
    if (error)
        std::rethrow_exception(error);

    for (std::size_t k = 0; k < 3; k++) {
        const std::string metric = std::string("latency-") + levels[k].pct;
        ctx.out.add({"timer", "timerfd read()", "-", metric, median(timerfd_trials[k]), "ns", true});
        ctx.out.add({"timer", "evobj TIMER + WAIT_ANY", "-", metric, median(evobj_trials[k]), "ns", false});
    }
    ctx.prog.done(strprintf("p50 %s vs %s", format_value(median(evobj_trials[0]), "ns").c_str(),
                            format_value(median(timerfd_trials[0]), "ns").c_str()));
}

} // namespace evobj::bench
