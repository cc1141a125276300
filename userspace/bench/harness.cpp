// SPDX-License-Identifier: LGPL-2.1-or-later
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

void report::write_csv(std::ostream& os) const
{
    os << "benchmark,variant,param,metric,value,unit,ratio_vs_baseline\n";
    for (const figure& f : figures_) {
        const double r = ratio(f);
        os << strprintf("%s,%s,%s,%s,%.6g,%s,", f.benchmark.c_str(), f.variant.c_str(), f.param.c_str(),
                        f.metric.c_str(), f.value, f.unit.c_str())
           << (r > 0 ? strprintf("%.4f", r) : std::string()) << '\n';
    }
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
