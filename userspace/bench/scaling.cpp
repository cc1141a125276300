// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Scaling: do independent events contend? Each thread, on its own CPU,
// works on its own pair of events and never blocks; the figure is the
// total throughput of 2 threads over that of 1 (2.00x is perfect).
//
// An evobj step is two EVOBJ_IOC_WAIT_ANY calls, each setting one event
// of the pair and consuming the other, so it takes both events' locks and
// the whole wait path. The eventfd baseline's step writes and reads each
// eventfd of its pair once. The evobj waits all go through one /dev/evobj
// fd, as with the C++ library's device::instance(); a variant with one
// /dev/evobj fd per thread shows what sharing that file costs.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <latch>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

// Two synchronization events, the first created signaled; a step sets
// the second while consuming the first, then the other way round.
class evobj_pair {
public:
    explicit evobj_pair(int dev)
        : dev_(dev),
          a_(evobj_create(dev, EVOBJ_SYNCHRONIZATION, EVOBJ_SIGNALED)),
          b_(evobj_create(dev, EVOBJ_SYNCHRONIZATION)),
          fd_{a_.get(), b_.get()}
    {
    }

    // Back to the starting state after each step, so runs chain.
    void step()
    {
        evobj_wait_any(dev_, {&fd_[0], 1}, fd_[1]);
        evobj_wait_any(dev_, {&fd_[1], 1}, fd_[0]);
    }

private:
    int dev_;
    unique_fd a_, b_;
    std::int32_t fd_[2];
};

class eventfd_pair {
public:
    eventfd_pair() { eventfd_add(fd_[0].get()); }

    void step()
    {
        eventfd_add(fd_[1].get());
        eventfd_take(fd_[0].get());
        eventfd_add(fd_[0].get());
        eventfd_take(fd_[1].get());
    }

private:
    unique_fd fd_[2] = {make_eventfd(), make_eventfd()};
};

// Each of `threads` threads does n steps on its own pair; returns the time
// from the first start to the last finish.
template <class Pair>
std::uint64_t run_threads(std::vector<Pair>& pairs, int threads, std::uint64_t n)
{
    const auto slots = static_cast<std::size_t>(threads);
    std::vector<std::uint64_t> start(slots), end(slots);
    std::latch go(threads);
    {
        std::vector<std::jthread> workers;
        for (int t = 0; t < threads; t++) {
            workers.emplace_back([&, t] {
                pin_to_cpu(t);
                Pair& p = pairs[std::size_t(t)];
                go.arrive_and_wait();
                start[std::size_t(t)] = now_ns();
                for (std::uint64_t i = 0; i < n; i++)
                    p.step();
                end[std::size_t(t)] = now_ns();
            });
        }
    }
    return std::ranges::max(end) - std::ranges::min(start);
}

} // namespace

void bench_scaling(context& ctx)
{
    ctx.prog.start("scaling: 1 and 2 threads on their own event pairs");
    const unique_fd shared = evobj_open_device();
    const unique_fd own[2] = {evobj_open_device(), evobj_open_device()};
    std::vector<eventfd_pair> eventfds(2);
    std::vector<evobj_pair> evobjs, evobjs_own;
    for (int t = 0; t < 2; t++) {
        evobjs.emplace_back(shared.get());
        evobjs_own.emplace_back(own[t].get());
    }

    struct row {
        const char* name;
        bool baseline;
        std::function<std::uint64_t(int threads, std::uint64_t n)> run;
    } const rows[] = {
        {"eventfd write + read", true, [&](int t, std::uint64_t n) { return run_threads(eventfds, t, n); }},
        {"evobj WAIT_ANY+signal", false, [&](int t, std::uint64_t n) { return run_threads(evobjs, t, n); }},
        {"evobj one /dev/evobj per thread", false,
         [&](int t, std::uint64_t n) { return run_threads(evobjs_own, t, n); }},
    };
    std::vector<run_fn> runs;
    for (const row& r : rows)
        for (const int threads : {1, 2})
            runs.push_back([&r, threads](std::uint64_t n) { return r.run(threads, n); });
    const auto trials = interleaved_trials(ctx, runs);

    std::string summary;
    for (std::size_t i = 0; i < std::size(rows); i++) {
        double throughput[2];
        for (const int threads : {1, 2}) {
            // Each of `threads` threads did n steps in the time measured.
            throughput[threads - 1] = threads * 1e9 / median(trials[2 * i + std::size_t(threads - 1)]);
            ctx.out.add({"scaling", rows[i].name, std::to_string(threads), "throughput", throughput[threads - 1],
                         "ops/s", rows[i].baseline});
        }
        const double speedup = throughput[1] / throughput[0];
        ctx.out.add({"scaling", rows[i].name, "2v1", "speedup", speedup, "x", rows[i].baseline});
        summary += strprintf("%s%s %.2fx", i ? ", " : "", rows[i].name, speedup);
    }
    ctx.prog.done(summary);
}

} // namespace evobj::bench
