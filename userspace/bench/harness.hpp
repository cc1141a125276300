// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The benchmark harness: calibrated, repeated trials, medians and
// percentiles, a progress line on stderr, and the report (a table for
// people, CSV for the chart).
//
// Every figure is the median of the trials, so one trial disturbed by the
// host (these run under TCG) does not move it. Each benchmark names one
// variant per comparison as its baseline; a figure's ratio is its value
// divided by the baseline's with the same benchmark, parameter and metric.
//
// Errors: a failing system call throws std::system_error. In a helper
// thread of a benchmark that ends the process, with the error printed
// (std::terminate): the threads it works with would wait for it forever.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "bench.hpp"
#include "sys.hpp"

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

/// One variant's measurement: run(n) performs n operations and returns
/// the elapsed nanoseconds.
using run_fn = std::function<std::uint64_t(std::uint64_t)>;

/// The run of a single-threaded operation: n calls of op in a loop.
template <class Op>
run_fn loop(Op op)
{
    return [op](std::uint64_t n) {
        const std::uint64_t start = now_ns();
        for (std::uint64_t i = 0; i < n; i++)
            op();
        return now_ns() - start;
    };
}

/// Calibrates every run to take about ctx.trial_ns(), then does
/// ctx.trials() rounds of one trial of each run in turn: interleaved, so
/// that a disturbance of the host (other VMs, builds) falls on all the
/// variants alike rather than on whichever ran at that moment. Returns,
/// per run, the nanoseconds per operation of each trial.
[[nodiscard]] std::vector<std::vector<double>> interleaved_trials(const context& ctx,
                                                                  const std::vector<run_fn>& runs);

struct variant {
    std::string name;
    bool baseline;
    run_fn run;
};

/// Measures the variants with interleaved_trials() and adds a figure for
/// each: the median nanoseconds per operation.
void measure_group(context& ctx, const std::string& benchmark, const std::string& param,
                   const std::string& metric, const std::vector<variant>& variants);

// The parameter of the ping-pong figures.
inline constexpr const char* pingpong_cross_cpu = "2-cpus";
inline constexpr const char* pingpong_same_cpu = "1-cpu";

// The benchmarks, each adding its figures to ctx.out.
void bench_pingpong(context& ctx);
void bench_set(context& ctx);
void bench_wake_all(context& ctx);
void bench_wait_many(context& ctx);
void bench_timer(context& ctx);
void bench_scaling(context& ctx);
void bench_named(context& ctx);
void bench_fast(context& ctx);
void bench_ntsync(context& ctx);

} // namespace evobj::bench
