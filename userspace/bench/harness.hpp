// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The benchmark harness: calibrated, repeated trials, medians and
// percentiles, a progress line on stderr, and the report (a table for
// people, CSV for the chart).
//
// Every figure is the median of the trials, so one trial disturbed by the
// host (these run under TCG) does not move it. Each benchmark names one
// variant per comparison as its baseline; a figure's ratio is its value
// divided by the baseline's with the same benchmark, parameter and metric.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "bench.hpp"

namespace evobj::bench {

/// One row of the report.
struct figure {
    std::string benchmark;
    std::string variant;
    std::string param;   // "-" when the benchmark has none
    std::string metric;
    double value;
    std::string unit;    // "ns", "ops/s" or "x"
    bool baseline;       // the row this group's ratios divide by
};

class report {
public:
    void add(figure f) { figures_.push_back(std::move(f)); }
    [[nodiscard]] const std::vector<figure>& figures() const noexcept { return figures_; }
    /// The row matching all four keys, or nullptr.
    [[nodiscard]] const figure* find(const std::string& benchmark, const std::string& variant,
                                     const std::string& param, const std::string& metric) const;
    /// value / the group's baseline value; 0 if the group has none.
    [[nodiscard]] double ratio(const figure& f) const;

    void print_table(std::ostream& os) const;
    void write_csv(std::ostream& os) const;

private:
    std::vector<figure> figures_;
};

/// One line of progress per step on stderr, so that a slow TCG run is
/// visibly alive and a log shows where it stopped.
class progress {
public:
    progress();
    void start(const std::string& what);
    void done(const std::string& summary);

private:
    std::uint64_t suite_started_;
    std::uint64_t step_started_ = 0;
};

struct context {
    const options& opts;
    report& out;
    progress& prog;

    [[nodiscard]] int trials() const noexcept { return opts.trials; }
    /// How long one trial of a throughput benchmark should take.
    [[nodiscard]] std::uint64_t trial_ns() const noexcept { return opts.quick ? 20'000'000 : 80'000'000; }
};

[[nodiscard]] double median(std::vector<double> values);
/// The p-th percentile (0..100), nearest rank.
[[nodiscard]] double percentile(std::vector<double> values, double p);
[[nodiscard]] std::string format_value(double value, const std::string& unit);
/// printf into a std::string (GCC 12's libstdc++ has no std::format).
[[nodiscard]] std::string strprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// Runs `run(n)`, which performs n operations and returns the elapsed
/// nanoseconds, once to warm up and calibrate n to about ctx.trial_ns(),
/// then ctx.trials() times. Returns each trial's nanoseconds per operation.
template <class Run>
std::vector<double> per_op_trials(const context& ctx, Run&& run)
{
    std::uint64_t n = 16;
    for (;;) {
        const std::uint64_t elapsed = run(n);
        if (elapsed >= ctx.trial_ns() / 8 || n >= (std::uint64_t{1} << 32)) {
            const double per_op = double(elapsed) / double(n);
            n = std::uint64_t(double(ctx.trial_ns()) / (per_op > 0 ? per_op : 1.0));
            if (n < 16)
                n = 16;
            break;
        }
        n *= 4;
    }
    std::vector<double> result;
    for (int t = 0; t < ctx.trials(); t++)
        result.push_back(double(run(n)) / double(n));
    return result;
}

// The benchmarks, each adding its figures to ctx.out.
void bench_pingpong(context& ctx);
void bench_set(context& ctx);
void bench_wake_all(context& ctx);
void bench_wait_many(context& ctx);
void bench_timer(context& ctx);
void bench_scaling(context& ctx);

} // namespace evobj::bench
