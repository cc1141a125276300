// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobjctl set|reset|pulse|state|wait: the operations on an event fd
// that a script holds, fd $EVOBJ_FD (as `evobjctl open NAME -- COMMAND`
// hands it over) or --fd N.

#include <linux/evobj.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>

#include <sys/ioctl.h>

#include <evobj/evobj.hpp>

#include "evobjctl.hpp"

namespace evobjctl {
namespace {

constexpr const char* fd_usage = R"(Usage: evobjctl set|reset|pulse|state [--fd N]
       evobjctl wait [--fd N] [--timeout SECONDS]

Operate on an event fd this process inherited: fd N, or $EVOBJ_FD,
which `evobjctl open NAME -- COMMAND` sets for COMMAND.

  set      signal the event
  reset    make it non-signaled
  pulse    release the waiters a set would, then leave it non-signaled
  state    print its type and state: "notification 1", "synchronization 0",
           "semaphore 1" (a semaphore's: 1 while its count is above 0),
           "mutex 0 owner 1234 count 2" (a mutex's: 1 while unowned, then
           its owner and recursion count, and "abandoned" if it is)
  wait     wait until it is signaled (consuming a synchronization event);
           with --timeout, at most that long (0: test without waiting)

set, reset and pulse print the previous state (0 or 1).
Exit status: 0 on success, 1 on an error or if wait timed out, 2 for a
bad command line.
)";

int fd_usage_error(std::string_view command, const std::string& message)
{
    std::cerr << "evobjctl: " << command << ": " << message << "\nTry 'evobjctl " << command << " --help'.\n";
    return exit_usage;
}

std::optional<int> parse_fd(std::string_view s)
{
    int fd = -1;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), fd);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || fd < 0)
        return std::nullopt;
    return fd;
}

} // namespace

int fd_main(std::string_view command, std::span<char* const> args)
{
    std::optional<int> fd;
    std::optional<double> timeout;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string_view arg = args[i];
        if (is_help(arg)) {
            std::cout << fd_usage;
            return exit_ok;
        }
        if ((arg == "--fd" || (arg == "--timeout" && command == "wait")) && i + 1 == args.size())
            return fd_usage_error(command, std::string(arg) + " needs a value");
        if (arg == "--fd") {
            if (!(fd = parse_fd(args[++i])))
                return fd_usage_error(command, "--fd wants an fd number, not '" + std::string(args[i]) + "'");
        } else if (arg == "--timeout" && command == "wait") {
            const std::string v = args[++i];
            char* end = nullptr;
            const double t = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0' || !(t >= 0) || t > 1e9)
                return fd_usage_error(command, "--timeout wants seconds (0 or more), not '" + v + "'");
            timeout = t;
        } else {
            return fd_usage_error(command, "unknown argument '" + std::string(arg) + "'");
        }
    }
    if (!fd) {
        const char* env = std::getenv("EVOBJ_FD");
        if (env == nullptr)
            return fd_usage_error(command, "no event fd: give --fd N, or run under "
                                           "'evobjctl open NAME -- COMMAND', which sets EVOBJ_FD");
        if (!(fd = parse_fd(env)))
            return fd_usage_error(command, "EVOBJ_FD is '" + std::string(env) + "', not an fd number");
    }

    // The fd stays the caller's: borrowed for the call, never closed.
    struct borrowed {
        evobj::event ev;
        ~borrowed() { static_cast<void>(ev.release()); }
    } b{evobj::event::adopt(*fd)};
    const evobj::event& ev = b.ev;
    try {
        // One harmless ioctl first, so that a wrong fd gets its own message.
        const evobj::event_state st = ev.query();
        // EVOBJ_IOC_READ reports a semaphore as its own type, which the
        // event class does not name: a wait takes one of its units.
        const bool semaphore = static_cast<std::uint32_t>(st.kind) == EVOBJ_SEMAPHORE;
        // A mutex too, whose owner and count EVOBJ_IOC_READ_MUTEX gives.
        const bool mutex = static_cast<std::uint32_t>(st.kind) == EVOBJ_MUTEX;
        if (command == "state" && mutex) {
            evobj_mutex_state ms{};
            if (::ioctl(*fd, EVOBJ_IOC_READ_MUTEX, &ms) != 0)
                throw std::system_error(errno, std::system_category(), "EVOBJ_IOC_READ_MUTEX");
            std::cout << "mutex " << st.signaled << " owner " << ms.owner << " count " << ms.count
                      << ((ms.flags & EVOBJ_MUTEX_ABANDONED) ? " abandoned" : "") << '\n';
        } else if (command == "state") {
            std::cout << (semaphore                                ? "semaphore "
                          : st.kind == evobj::kind::notification ? "notification "
                                                                 : "synchronization ")
                      << st.signaled << '\n';
        } else if (mutex) {
            // A wait would acquire it for this process's thread, which
            // exits at once: the mutex would stay owned by a dead id.
            std::cerr << "evobjctl: " << command << ": fd " << *fd
                      << " is a mutex: set, reset and pulse are an event's, and a wait would leave it "
                         "owned by evobjctl, which exits\n";
            return exit_failure;
        } else if (semaphore && command != "wait") {
            std::cerr << "evobjctl: " << command << ": fd " << *fd
                      << " is a semaphore: set, reset and pulse are an event's\n";
            return exit_failure;
        } else if (command == "set") {
            std::cout << ev.set() << '\n';
        } else if (command == "reset") {
            std::cout << ev.reset() << '\n';
        } else if (command == "pulse") {
            std::cout << ev.pulse() << '\n';
        } else if (!timeout) {
            ev.wait();
        } else if (!ev.wait_for(std::chrono::duration<double>(*timeout))) {
            std::cerr << "evobjctl: wait: timed out\n";
            return exit_failure;
        }
    } catch (const std::system_error& e) {
        const int err = e.code().value();
        if (err == EBADF)
            std::cerr << "evobjctl: " << command << ": fd " << *fd << " is not open\n";
        else if (err == ENOTTY || err == EINVAL)
            std::cerr << "evobjctl: " << command << ": fd " << *fd << " is not an evobj event\n";
        else
            std::cerr << "evobjctl: " << command << ": " << e.what() << '\n';
        return exit_failure;
    }
    return exit_ok;
}

} // namespace evobjctl
