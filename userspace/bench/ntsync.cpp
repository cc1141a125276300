// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Against Linux's ntsync (6.14+), where /dev/ntsync exists: the same three
// operations on both, in one run: an uncontended set (EVENT_SET against
// EVOBJ_IOC_SET), a wait-any over 64 manual-reset events of which only the
// last is signaled, and a wait-all over 8 signaled manual-reset events
// (both complete at once, consuming nothing). evobj's wait set of the 64
// is shown beside its list. Without /dev/ntsync (Debian's 6.1 and 6.12
// have none) the benchmark says so and measures nothing.
//
// The ntsync ABI is declared here from its documentation, not included:
// the uapi header is missing below 6.14. Only the fields both of its
// published layouts share are set; the rest stay zero.

#include <fcntl.h>
#include <sys/ioctl.h>

#include <array>
#include <cstdint>
#include <iostream>
#include <vector>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

struct nt_event_args {
    std::uint32_t manual;
    std::uint32_t signaled;
};

struct nt_wait_args {
    std::uint64_t timeout; // absolute ns; ~0 never expires
    std::uint64_t objs;    // user address of __u32 fds[count]
    std::uint32_t count;
    std::uint32_t index;   // out
    std::uint32_t flags;
    std::uint32_t owner;
    std::uint32_t reserved[2]; // alert and padding in 6.14; zero
};
static_assert(sizeof(nt_wait_args) == 40);

constexpr unsigned long nt_create_event = _IOW('N', 0x87, nt_event_args);
constexpr unsigned long nt_wait_any = _IOWR('N', 0x82, nt_wait_args);
constexpr unsigned long nt_wait_all = _IOWR('N', 0x83, nt_wait_args);
constexpr unsigned long nt_event_set = _IOR('N', 0x88, std::uint32_t);

constexpr std::size_t many = 64, all = 8;

unique_fd nt_event(int dev, bool manual, bool signaled)
{
    nt_event_args args{.manual = manual, .signaled = signaled};
    return unique_fd(int(checked("NTSYNC_IOC_CREATE_EVENT", [&] { return ::ioctl(dev, nt_create_event, &args); })));
}

std::uint32_t nt_wait(int dev, bool wait_all, std::span<const std::int32_t> fds)
{
    nt_wait_args args{};
    args.timeout = ~std::uint64_t{0};
    args.objs = reinterpret_cast<std::uintptr_t>(fds.data());
    args.count = std::uint32_t(fds.size());
    checked(wait_all ? "NTSYNC_IOC_WAIT_ALL" : "NTSYNC_IOC_WAIT_ANY",
            [&] { return ::ioctl(dev, wait_all ? nt_wait_all : nt_wait_any, &args); });
    return args.index;
}

} // namespace

void bench_ntsync(context& ctx)
{
    const unique_fd nt(::open("/dev/ntsync", O_RDWR | O_CLOEXEC));
    if (nt.get() < 0) {
        std::cerr << "ntsync: /dev/ntsync is absent (Linux 6.14+, or its module built out of tree): skipped\n";
        return;
    }
    const unique_fd dev = evobj_open_device();
    const int n = nt.get(), d = dev.get();

    const unique_fd nt_set_ev = nt_event(n, false, false);
    const unique_fd ev_set_ev = evobj_create(d, EVOBJ_SYNCHRONIZATION);
    const int ns = nt_set_ev.get(), es = ev_set_ev.get();
    measure_group(ctx, "ntsync", "-", "set",
                  {{"ntsync EVENT_SET", true, loop([ns] {
                        std::uint32_t prev;
                        checked("NTSYNC_IOC_EVENT_SET", [&] { return ::ioctl(ns, nt_event_set, &prev); });
                    })},
                   {"evobj SET ioctl", false, loop([es] { evobj_set(es); })}});

    std::vector<unique_fd> owned;
    std::array<std::int32_t, many> nt_many, ev_many;
    for (std::size_t i = 0; i < many; i++) {
        owned.push_back(nt_event(n, true, i == many - 1));
        nt_many[i] = owned.back().get();
        owned.push_back(evobj_create(d, EVOBJ_NOTIFICATION, i == many - 1 ? EVOBJ_SIGNALED : 0));
        ev_many[i] = owned.back().get();
    }
    const unique_fd set = evobj_waitset_create(d, ev_many);
    const int s = set.get();
    measure_group(ctx, "ntsync", "64", "wait-any",
                  {{"ntsync WAIT_ANY on 64, last ready", true,
                    loop([&] { expect(nt_wait(n, false, nt_many) == many - 1, "ntsync: not the last"); })},
                   {"evobj WAIT_ANY on 64, last ready", false,
                    loop([&] { expect(evobj_wait_any(d, ev_many) == many - 1, "evobj: not the last"); })},
                   {"evobj WAITSET_ANY on a set of the 64", false,
                    loop([&] { expect(evobj_waitset_any(s) == many - 1, "evobj set: not the last"); })}});

    std::array<std::int32_t, all> nt_all, ev_all;
    for (std::size_t i = 0; i < all; i++) {
        owned.push_back(nt_event(n, true, true));
        nt_all[i] = owned.back().get();
        owned.push_back(evobj_create(d, EVOBJ_NOTIFICATION, EVOBJ_SIGNALED));
        ev_all[i] = owned.back().get();
    }
    measure_group(ctx, "ntsync", "8", "wait-all",
                  {{"ntsync WAIT_ALL on 8 signaled", true, loop([&] { (void)nt_wait(n, true, nt_all); })},
                   {"evobj WAIT_ALL on 8 signaled", false, loop([&] { evobj_wait_all(d, ev_all); })}});
}

} // namespace evobj::bench
