// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Named events: opening an existing name (EVOBJ_IOC_OPEN) against
// creating an unnamed event (EVOBJ_IOC_CREATE), each followed by a close,
// with 10 and with 100,000 other names present. The names sit in a hash
// table, so the open should cost the same at both sizes; CREATE is the
// baseline that shows what the lookup and the permission check add.

#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include <linux/evobj.h>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

constexpr const char* max_names_param = "/sys/module/evobj/parameters/max_names";

// EVOBJ_IOC_OPEN: the fd, or -1 with errno.
int try_open_named(int dev, const std::string& name, std::uint32_t disposition)
{
    evobj_open args{};
    args.name = reinterpret_cast<std::uintptr_t>(name.c_str());
    args.type = EVOBJ_NOTIFICATION;
    args.flags = EVOBJ_CLOEXEC;
    args.disposition = disposition;
    args.mode = 0600;
    return ::ioctl(dev, EVOBJ_IOC_OPEN, &args);
}

int open_named(int dev, const std::string& name, std::uint32_t disposition)
{
    const int fd = try_open_named(dev, name, disposition);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "EVOBJ_IOC_OPEN " + name);
    return fd;
}

// Room for @fds descriptors: raises the soft limit, and the hard one if
// privileged. False if the system will not allow it.
bool allow_fds(rlim_t fds)
{
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return false;
    if (rl.rlim_cur >= fds)
        return true;
    rl.rlim_cur = fds;
    if (rl.rlim_max < fds)
        rl.rlim_max = fds;
    return ::setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

long read_param(const char* path)
{
    std::ifstream in(path);
    long v = -1;
    in >> v;
    return in ? v : -1;
}

bool write_param(const char* path, long value)
{
    std::ofstream out(path);
    out << value << '\n';
    out.flush();
    return static_cast<bool>(out);
}

void measure_at(context& ctx, int dev, int present)
{
    std::vector<unique_fd> held;
    held.reserve(present);
    for (int i = 0; i < present; i++)
        held.emplace_back(open_named(dev, strprintf("bench/%d/%d", ::getpid(), i), EVOBJ_CREATE_NEW));

    // Cycle over 64 of the names so the lookups are not of one hot entry.
    std::vector<std::string> names;
    for (int i = 0; i < 64; i++)
        names.push_back(strprintf("bench/%d/%d", ::getpid(), (i * 7919) % present));
    std::vector<std::string> absent;
    for (int i = 0; i < 64; i++)
        absent.push_back(strprintf("bench/%d/absent/%d", ::getpid(), i));
    std::size_t next = 0;
    measure_group(ctx, "named", strprintf("%d-names", present), "open+close",
                  {{"CREATE unnamed + close", true, loop([dev] { (void)evobj_create(dev, EVOBJ_NOTIFICATION); })},
                   {"OPEN existing name + close", false, loop([dev, &names, &next] {
                        unique_fd fd(open_named(dev, names[next++ & 63], EVOBJ_OPEN_EXISTING));
                    })},
                   // The lookup alone: no fd, no file, no reference.
                   {"OPEN absent name (ENOENT)", false, loop([dev, &absent, &next] {
                        (void)try_open_named(dev, absent[next++ & 63], EVOBJ_OPEN_EXISTING);
                    })}});
}

} // namespace

void bench_named(context& ctx)
{
    const unique_fd dev = evobj_open_device();
    constexpr int big = 100'000;

    measure_at(ctx, dev.get(), 10);

    // 100,000 names need as many fds, and the per-user limit raised.
    const long old_max = read_param(max_names_param);
    const bool raised = old_max >= 0 && old_max < big + 16 && write_param(max_names_param, big + 16);
    if (!allow_fds(big + 1024) || (old_max >= 0 && old_max < big + 16 && !raised)) {
        std::cerr << "named: skipping 100000 names: needs RLIMIT_NOFILE above 100000 and "
                  << max_names_param << " raised (run as root)\n";
        return;
    }
    try {
        measure_at(ctx, dev.get(), big);
    } catch (...) {
        if (raised)
            write_param(max_names_param, old_max);
        throw;
    }
    if (raised)
        write_param(max_names_param, old_max);
}

} // namespace evobj::bench
