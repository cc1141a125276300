// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobjctl list: the evobj event fds of running processes, from /proc.
//
// An event fd is an anonymous inode, so /proc/<pid>/fd/<n> links to
// "anon_inode:[evobj]" (the name kmod/device.c gives it), and the event's
// show_fdinfo adds "type:", "signaled:", "waiters:" and, for a named
// event, "name:" lines to /proc/<pid>/fdinfo/<n>. Processes come and go while we read: whatever
// vanished under us is skipped without comment.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "evobjctl.hpp"

namespace evobjctl {
namespace {

namespace fs = std::filesystem;

constexpr const char* list_usage = R"(Usage: evobjctl list [--pid PID]

Shows every evobj event fd open in running processes (or in PID only):
its type, whether it is signaled, how many waits are queued on it and,
for a named event, its name, as the kernel reports them in
/proc/<pid>/fdinfo/<fd> (bytes of a name that are not printable, and
backslashes, as \ooo octal; "-" for an unnamed event). Processes of
other users are visible to root only.

Options:
  --pid PID    only that process
  -h, --help   show this help
)";

constexpr std::string_view link_target = "anon_inode:[evobj]";

struct row {
    long pid;
    std::string command;
    long fd;
    std::string type = "?";
    std::string signaled = "?";
    std::string waiters = "?";
    std::string name = "-";
};

std::optional<long> as_number(const std::string& s)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::strtol(s.c_str(), nullptr, 10);
}

// The "key:\tvalue" lines of an fdinfo file that describe the event.
void read_fdinfo(const fs::path& path, row& r)
{
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = line.substr(0, colon);
        // The name is everything after the tab, spaces included (the
        // kernel escapes the bytes that could confuse us).
        if (key == "name" && line.size() > colon + 1) {
            r.name = line.substr(colon + 2);
            continue;
        }
        const auto start = line.find_first_not_of(" \t", colon + 1);
        const std::string value = start == std::string::npos ? "" : line.substr(start);
        if (key == "type")
            r.type = value;
        else if (key == "signaled")
            r.signaled = value;
        else if (key == "waiters")
            r.waiters = value;
    }
}

std::string first_line(const fs::path& path)
{
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// Appends the process's event fds; false if we may not look at them.
bool scan_process(long pid, std::vector<row>& rows)
{
    const fs::path proc = fs::path("/proc") / std::to_string(pid);
    std::error_code ec;
    fs::directory_iterator fds(proc / "fd", ec);
    if (ec)
        return ec != std::errc::permission_denied;
    const std::string command = first_line(proc / "comm");
    // increment(ec), not a range-for: the process may exit meanwhile.
    for (; !ec && fds != fs::directory_iterator(); fds.increment(ec)) {
        const fs::path& path = fds->path();
        const std::optional<long> fd = as_number(path.filename());
        if (!fd)
            continue;
        std::error_code link_ec;
        const fs::path target = fs::read_symlink(path, link_ec);
        if (link_ec || target.native() != link_target)
            continue;
        row r{.pid = pid, .command = command, .fd = *fd};
        read_fdinfo(proc / "fdinfo" / std::to_string(*fd), r);
        rows.push_back(std::move(r));
    }
    return true;
}

} // namespace

int list_main(std::span<char* const> args)
{
    std::optional<long> only;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string arg = args[i];
        if (is_help(arg)) {
            std::cout << list_usage;
            return exit_ok;
        }
        if (arg == "--pid" && i + 1 < args.size() && (only = as_number(args[i + 1]))) {
            i++;
            continue;
        }
        std::cerr << "evobjctl: list: bad argument '" << arg << "'\nTry 'evobjctl list --help'.\n";
        return exit_usage;
    }

    std::vector<row> rows;
    int hidden = 0;
    if (only) {
        if (!fs::exists(fs::path("/proc") / std::to_string(*only))) {
            std::cerr << "evobjctl: list: no process " << *only << '\n';
            return exit_failure;
        }
        hidden += !scan_process(*only, rows);
    } else {
        for (const fs::directory_entry& entry : fs::directory_iterator("/proc"))
            if (const std::optional<long> pid = as_number(entry.path().filename()))
                hidden += !scan_process(*pid, rows);
    }

    if (rows.empty()) {
        std::cout << "no evobj event fds found\n";
    } else {
        std::printf("%7s  %-16s %5s  %-15s  %8s  %7s  %s\n", "PID", "COMMAND", "FD", "TYPE", "SIGNALED",
                    "WAITERS", "NAME");
        for (const row& r : rows)
            std::printf("%7ld  %-16s %5ld  %-15s  %8s  %7s  %s\n", r.pid, r.command.c_str(), r.fd, r.type.c_str(),
                        r.signaled.c_str(), r.waiters.c_str(), r.name.c_str());
    }
    if (hidden)
        std::cerr << "evobjctl: list: " << hidden << " process" << (hidden > 1 ? "es" : "")
                  << " could not be inspected (permission denied); run as root to see all\n";
    return exit_ok;
}

} // namespace evobjctl
