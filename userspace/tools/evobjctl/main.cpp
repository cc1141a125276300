// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobjctl: try out, measure and inspect evobj event objects.
//
//   evobjctl demo                 a guided tour that checks what it shows
//   evobjctl bench [options]      evobj against futex, eventfd, pipe, ...
//   evobjctl list                 the event fds open in running processes
//   evobjctl open NAME [-- CMD]   open or create a named event, run CMD with it
//   evobjctl set|reset|pulse|state|wait   on the event fd $EVOBJ_FD
//   evobjctl --version

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include <evobj/version.hpp>

#include "bench.hpp"
#include "evobjctl.hpp"

namespace evobjctl {
namespace {

constexpr const char* device_path = "/dev/evobj";

constexpr const char* usage = R"(Usage: evobjctl COMMAND [OPTIONS]

NT-style event objects (notification and synchronization events) for
Linux, through /dev/evobj.

Commands:
  demo     walk through what evobj events do, checking each step
  bench    measure evobj against futex, eventfd, pipe, epoll and timerfd
  list     show the evobj event fds open in running processes
  open     open or create a named event, and run a command with it as fd 3
  set, reset, pulse, state, wait
           operate on an inherited event fd ($EVOBJ_FD, or --fd N)
  help     show this help

Options:
  -h, --help     show help (also after a command: evobjctl bench --help)
  --version      show the version

Exit status: 0 on success, 1 if a step failed or an error occurred,
2 for a bad command line.
)";

constexpr const char* bench_usage = R"(Usage: evobjctl bench [--quick] [--trials N] [--csv FILE] [--only LIST]

Runs the benchmarks side by side: ping-pong, uncontended set, wake-all,
wait on 64 objects, hardirq timer latency and scaling. Progress goes to
stderr, the table and the targets to stdout. Each figure is the median
of N trials; ratios are to the baseline of the same benchmark.

Options:
  --quick        shorter and fewer trials (3 unless --trials says otherwise)
  --trials N     trials per figure (default 7)
  --csv FILE     also write the figures as CSV:
                 benchmark,variant,param,metric,value,unit,ratio_vs_baseline
  --only LIST    run only these, comma-separated: ping-pong, set, wake-all,
                 wait-many, timer, scaling, named, fast-path, ntsync
  -h, --help     show this help
)";

bool parse_int(std::string_view s, int& out)
{
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

int usage_error(const std::string& message, const char* help_command)
{
    std::cerr << "evobjctl: " << message << "\nTry 'evobjctl " << help_command << "--help'.\n";
    return exit_usage;
}

} // namespace

bool is_help(std::string_view arg)
{
    return arg == "-h" || arg == "--help";
}

std::string escape_name(std::string_view name)
{
    std::string out;
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c >= 0x7f || c == '\\') {
            const char oct[] = {'\\', char('0' + (c >> 6)), char('0' + ((c >> 3) & 7)), char('0' + (c & 7))};
            out.append(oct, sizeof(oct));
        } else {
            out += ch;
        }
    }
    return out;
}

bool device_usable()
{
    const int fd = ::open(device_path, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        ::close(fd);
        return true;
    }
    const int err = errno;
    std::cerr << "evobjctl: cannot open " << device_path << ": " << std::strerror(err) << '\n';
    if (err == ENOENT || err == ENODEV || err == ENXIO) {
        std::cerr << "  is the evobj kernel module loaded? try: sudo modprobe evobj\n";
    } else if (err == EACCES || err == EPERM) {
        struct stat st;
        if (::stat(device_path, &st) == 0)
            std::cerr << "  permission denied: the device is mode " << std::oct << (st.st_mode & 07777)
                      << std::dec << ", owner " << st.st_uid << ", group " << st.st_gid
                      << "; the module creates it 0666, so a udev rule or a security module "
                         "restricts it here (with evobj's group rule: sudo usermod -aG evobj $USER, "
                         "then log in again)\n";
        else
            std::cerr << "  permission denied\n";
    }
    return false;
}

// Every name of an --only list is a benchmark's.
bool valid_only(std::string_view list)
{
    if (list.empty())
        return false;
    while (true) {
        const auto comma = list.find(',');
        const std::string_view name = list.substr(0, comma);
        if (std::ranges::find(evobj::bench::benchmark_names, name) == std::end(evobj::bench::benchmark_names))
            return false;
        if (comma == std::string_view::npos)
            return true;
        list = list.substr(comma + 1);
    }
}

int bench_main(std::span<char* const> args)
{
    evobj::bench::options opts;
    bool trials_given = false;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string_view arg = args[i];
        if (is_help(arg)) {
            std::cout << bench_usage;
            return exit_ok;
        }
        if (arg == "--quick") {
            opts.quick = true;
        } else if (arg == "--trials" || arg == "--csv" || arg == "--only") {
            if (i + 1 == args.size())
                return usage_error(std::string(arg) + " needs a value", "bench ");
            const std::string_view value = args[++i];
            if (arg == "--csv") {
                opts.csv_path = value;
            } else if (arg == "--only") {
                if (!valid_only(value))
                    return usage_error("--only wants benchmark names, not '" + std::string(value) + "'",
                                       "bench ");
                opts.only = value;
            } else if (!parse_int(value, opts.trials) || opts.trials < 1 || opts.trials > 1000) {
                return usage_error("--trials wants a number from 1 to 1000, not '" + std::string(value) + "'",
                                   "bench ");
            } else {
                trials_given = true;
            }
        } else {
            return usage_error("bench: unknown option '" + std::string(arg) + "'", "bench ");
        }
    }
    if (opts.quick && !trials_given)
        opts.trials = 3;
    if (!device_usable())
        return exit_failure;
    return evobj::bench::run(opts);
}

} // namespace evobjctl

int main(int argc, char** argv)
{
    using namespace evobjctl;
    const std::span<char* const> args(argv + 1, std::size_t(argc > 0 ? argc - 1 : 0));
    if (args.empty())
        return usage_error("no command given", "");
    const std::string_view command = args[0];
    const auto rest = args.subspan(1);
    try {
        if (is_help(command) || command == "help") {
            std::cout << usage;
            return exit_ok;
        }
        if (command == "--version") {
            std::cout << "evobjctl " << evobj::version_string << '\n';
            return exit_ok;
        }
        if (command == "demo")
            return demo_main(rest);
        if (command == "bench")
            return bench_main(rest);
        if (command == "list")
            return list_main(rest);
        if (command == "open")
            return open_main(rest);
        if (command == "set" || command == "reset" || command == "pulse" || command == "state" ||
            command == "wait")
            return fd_main(command, rest);
        return usage_error("unknown command '" + std::string(command) + "'", "");
    } catch (const std::exception& e) {
        std::cerr << "evobjctl: " << e.what() << '\n';
        return exit_failure;
    }
}
