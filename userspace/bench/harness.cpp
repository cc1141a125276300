// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Statistics, progress display and report output of the benchmarks.

#include "harness.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdarg>
#include <iostream>
#include <ostream>
#include <stdexcept>

#include "sys.hpp"

namespace evobj::bench {

double median(std::vector<double> values)
{
    if (values.empty())
        throw std::invalid_argument("median of nothing");
    std::ranges::sort(values);
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        throw std::invalid_argument("percentile of nothing");
    std::ranges::sort(values);
    // Nearest rank: the smallest value with at least p% of them at or below.
    const auto rank = std::size_t(std::ceil(p / 100.0 * double(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::string strprintf(const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    const int len = std::vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (len < 0)
        throw std::invalid_argument("strprintf: bad format");
    if (std::size_t(len) < sizeof(small))
        return std::string(small, std::size_t(len));
    std::string big(std::size_t(len) + 1, '\0');
    va_start(ap, fmt);
    std::vsnprintf(big.data(), big.size(), fmt, ap);
    va_end(ap);
    big.resize(std::size_t(len));
    return big;
}

std::string format_value(double value, const std::string& unit)
{
    if (unit == "ns") {
        if (value >= 1e6)
            return strprintf("%.2f ms", value / 1e6);
        if (value >= 1e3)
            return strprintf("%.2f us", value / 1e3);
        return strprintf("%.0f ns", value);
    }
    if (unit == "ops/s") {
        if (value >= 1e6)
            return strprintf("%.2f M/s", value / 1e6);
        return strprintf("%.1f k/s", value / 1e3);
    }
    if (unit == "x")
        return strprintf("%.2fx", value);
    return strprintf("%.2f %s", value, unit.c_str());
}

const figure* report::find(const std::string& benchmark, const std::string& variant,
                           const std::string& param, const std::string& metric) const
{
    const auto it = std::ranges::find_if(figures_, [&](const figure& f) {
        return f.benchmark == benchmark && f.variant == variant && f.param == param && f.metric == metric;
    });
    return it == figures_.end() ? nullptr : &*it;
}

double report::ratio(const figure& f) const
{
    const auto it = std::ranges::find_if(figures_, [&](const figure& b) {
        return b.baseline && b.benchmark == f.benchmark && b.param == f.param && b.metric == f.metric;
    });
    if (it == figures_.end() || it->value == 0)
        return 0;
    return f.value / it->value;
}

void report::print_table(std::ostream& os) const
{
    os << strprintf("%-12s %-30s %6s %-11s %11s %7s\n", "benchmark", "variant", "param", "metric", "value",
                    "ratio");
    std::string last;
    for (const figure& f : figures_) {
        if (f.benchmark != last && !last.empty())
            os << '\n';
        last = f.benchmark;
        const double r = ratio(f);
        os << strprintf("%-12s %-30s %6s %-11s %11s %7s%s\n", f.benchmark.c_str(), f.variant.c_str(),
                        f.param.c_str(), f.metric.c_str(), format_value(f.value, f.unit).c_str(),
                        r > 0 ? strprintf("%.2fx", r).c_str() : "-", f.baseline ? "  baseline" : "");
    }
}

namespace {

// RFC 4180: a field with a comma, quote or newline is quoted, quotes doubled.
std::string csv_field(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string quoted = "\"";
    for (const char c : s)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + '"';
}

} // namespace

void report::write_csv(std::ostream& os) const
{
    os << "benchmark,variant,param,metric,value,unit,ratio_vs_baseline\n";
    for (const figure& f : figures_) {
        const double r = ratio(f);
        os << csv_field(f.benchmark) << ',' << csv_field(f.variant) << ',' << csv_field(f.param) << ','
           << csv_field(f.metric) << ',' << strprintf("%.6g", f.value) << ',' << csv_field(f.unit) << ','
           << (r > 0 ? strprintf("%.4f", r) : std::string()) << '\n';
    }
}

namespace {

// The n that makes run(n) take about `target` ns.
std::uint64_t calibrate(const run_fn& run, std::uint64_t target)
{
    for (std::uint64_t n = 16;; n *= 4) {
        const std::uint64_t elapsed = run(n);
        if (elapsed >= target / 8 || n >= (std::uint64_t{1} << 32)) {
            const double per_op = std::max(double(elapsed) / double(n), 1.0);
            return std::max<std::uint64_t>(16, std::uint64_t(double(target) / per_op));
        }
    }
}

} // namespace

std::vector<std::vector<double>> interleaved_trials(const context& ctx, const std::vector<run_fn>& runs)
{
    std::vector<std::uint64_t> n;
    for (const run_fn& run : runs)
        n.push_back(calibrate(run, ctx.trial_ns()));  // doubles as the warm-up
    std::vector<std::vector<double>> per_op(runs.size());
    for (int t = 0; t < ctx.trials(); t++)
        for (std::size_t i = 0; i < runs.size(); i++)
            per_op[i].push_back(double(runs[i](n[i])) / double(n[i]));
    return per_op;
}

void measure_group(context& ctx, const std::string& benchmark, const std::string& param,
                   const std::string& metric, const std::vector<variant>& variants)
{
    ctx.prog.start(benchmark + (param == "-" ? "" : " " + param) + " " + metric);
    std::vector<run_fn> runs;
    for (const variant& v : variants)
        runs.push_back(v.run);
    const auto trials = interleaved_trials(ctx, runs);
    std::string summary;
    for (std::size_t i = 0; i < variants.size(); i++) {
        const double value = median(trials[i]);
        ctx.out.add({benchmark, variants[i].name, param, metric, value, "ns", variants[i].baseline});
        summary += (i ? ", " : "") + variants[i].name + " " + format_value(value, "ns");
    }
    ctx.prog.done(summary);
}

progress::progress() : suite_started_(now_ns()) {}

void progress::start(const std::string& what)
{
    step_started_ = now_ns();
    std::cerr << strprintf("[%6.1f s] %s ...", double(step_started_ - suite_started_) / 1e9, what.c_str())
              << std::flush;
}

void progress::done(const std::string& summary)
{
    std::cerr << strprintf(" %s (%.1f s)\n", summary.c_str(), double(now_ns() - step_started_) / 1e9)
              << std::flush;
}

} // namespace evobj::bench
