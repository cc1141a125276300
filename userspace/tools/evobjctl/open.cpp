// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobjctl open: named events from the shell. Opens or creates the event
// called NAME, says which, and runs a command with the event's fd as fd
// 3, so that a script keeps the name alive for as long as the command
// runs and can use it through `evobjctl set|reset|pulse|wait|state`
// (which take fd $EVOBJ_FD), or read() and write() on fd 3.

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <evobj/evobj.hpp>

#include "evobjctl.hpp"

namespace evobjctl {
namespace {

constexpr const char* open_usage = R"(Usage: evobjctl open NAME [--existing|--new] [--auto] [--signaled]
                      [--mode OCTAL] [-- COMMAND [ARGS...]]

Opens the event called NAME in this IPC namespace, or creates it, and
prints "created NAME" or "opened NAME". With a COMMAND, runs it with the
event as fd 3 and EVOBJ_FD=3 in its environment, and exits with its
status: the name lives until the last fd of the event closes, so the
command (and what it passes fd 3 to) keeps it. Without one, the event is
closed again on exit, and a name only this call held is gone.

Options:
  --existing     open only: fail if there is no event called NAME
  --new          create only: fail if the name is taken
  --auto         create a synchronization (auto-reset) event; the
                 default is a notification (manual-reset) one
  --signaled     create it signaled
  --mode OCTAL   permission bits of a created name (default 600): who
                 else may open it, checked as System V IPC does
  -h, --help     show this help

--auto, --signaled and --mode apply only when this call creates the
event: an existing event keeps its own type, state and mode.
Exit status: the COMMAND's, or 0; 1 on an error, 2 for a bad command
line, 126 if COMMAND cannot run, 127 if it is not found.
)";

int open_usage_error(const std::string& message)
{
    std::cerr << "evobjctl: open: " << message << "\nTry 'evobjctl open --help'.\n";
    return exit_usage;
}

// Why the kernel refused, in the terms of the command line.
std::string open_error(const std::system_error& e, const std::string& name)
{
    const std::string shown = "'" + escape_name(name) + "'";
    switch (e.code().value()) {
    case ENOENT:
        return "no event called " + shown + " (without --existing, open creates it)";
    case EEXIST:
        return "an event called " + shown + " exists already (--new only creates)";
    case EACCES:
        return "permission denied: " + shown +
               " was created by another user with a mode (--mode) that does not let you open it";
    case ENOSPC:
        return "too many named events for this user: the module's limit is "
               "/sys/module/evobj/parameters/max_names";
    case ENAMETOOLONG:
        return "the name is " + std::to_string(name.size()) + " bytes; the most is " +
               std::to_string(evobj::name_max);
    case EINVAL:
        if (name.empty())
            return "the name is empty";
        if (name.find('\0') != std::string::npos)
            return "the name contains a NUL byte";
        return std::string("invalid argument (") + e.what() + ")";
    case ENOTTY:
        return "this evobj module has no named events (EVOBJ_IOC_OPEN): load a newer one";
    default:
        return e.what();
    }
}

} // namespace

int open_main(std::span<char* const> args)
{
    std::optional<std::string> name;
    evobj::disposition disp = evobj::disposition::open_or_create;
    bool existing = false;
    bool create = false;
    evobj::kind kind = evobj::kind::notification;
    bool signaled = false;
    unsigned mode = 0600;
    std::vector<char*> command;

    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string_view arg = args[i];
        if (is_help(arg)) {
            std::cout << open_usage;
            return exit_ok;
        }
        if (arg == "--") {
            command.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            if (command.empty())
                return open_usage_error("'--' must be followed by a command");
            break;
        }
        if (arg == "--existing") {
            existing = true;
        } else if (arg == "--new") {
            create = true;
        } else if (arg == "--auto") {
            kind = evobj::kind::synchronization;
        } else if (arg == "--signaled") {
            signaled = true;
        } else if (arg == "--mode") {
            if (i + 1 == args.size())
                return open_usage_error("--mode needs a value");
            const std::string_view v = args[++i];
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), mode, 8);
            if (v.empty() || ec != std::errc() || end != v.data() + v.size() || mode > 0777)
                return open_usage_error("--mode wants octal permission bits, 0 to 777, not '" + std::string(v) +
                                        "'");
        } else if (arg.starts_with("-") && arg.size() > 1) {
            return open_usage_error("unknown option '" + std::string(arg) + "'");
        } else if (name) {
            return open_usage_error("one NAME only ('" + *name + "', then '" + std::string(arg) +
                                    "'); a command goes after '--'");
        } else {
            name = std::string(arg);
        }
    }
    if (!name)
        return open_usage_error("no NAME given");
    if (existing && create)
        return open_usage_error("--existing and --new exclude each other");
    if (existing)
        disp = evobj::disposition::open_existing;
    else if (create)
        disp = evobj::disposition::create_new;
    if (!device_usable())
        return exit_failure;

    evobj::opened o{};
    try {
        o = evobj::event::open(*name, kind, disp, mode, signaled);
    } catch (const std::system_error& e) {
        std::cerr << "evobjctl: open: " << open_error(e, *name) << '\n';
        return exit_failure;
    }
    std::cout << (o.created ? "created " : "opened ") << escape_name(*name) << std::endl;
    if (command.empty())
        return exit_ok;

    // fd 3 for the command: dup2 clears FD_CLOEXEC on the copy (and
    // replaces whatever fd 3 was; nothing of ours is needed past exec).
    constexpr int child_fd = 3;
    const int fd = o.ev.native_handle();
    if (fd == child_fd ? ::fcntl(fd, F_SETFD, 0) != 0 : ::dup2(fd, child_fd) != child_fd) {
        std::cerr << "evobjctl: open: cannot make the event fd 3: " << std::strerror(errno) << '\n';
        return exit_failure;
    }
    ::setenv("EVOBJ_FD", "3", 1);
    command.push_back(nullptr);
    ::execvp(command[0], command.data());
    const int err = errno;
    std::cerr << "evobjctl: open: cannot run '" << command[0] << "': " << std::strerror(err) << '\n';
    return err == ENOENT ? 127 : 126;
}

} // namespace evobjctl
