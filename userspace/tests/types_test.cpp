// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// What needs no device: the types' shape, deadline arithmetic, event_span
// and wait_result, and the errors of an empty event.
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <evobj/evobj.hpp>

#include "helpers.hpp"

namespace {

using namespace std::chrono_literals;
using evobj_test::throws_errno;
using std::chrono::steady_clock;
using std::chrono::system_clock;

// An event owns an fd: movable, never copyable, and moves cannot throw
// (so std::vector<event> moves rather than copies on growth).
static_assert(!std::is_copy_constructible_v<evobj::event>);
static_assert(!std::is_copy_assignable_v<evobj::event>);
static_assert(std::is_nothrow_move_constructible_v<evobj::event>);
static_assert(std::is_nothrow_move_assignable_v<evobj::event>);
static_assert(std::is_nothrow_destructible_v<evobj::event>);
static_assert(std::is_nothrow_swappable_v<evobj::event>);
static_assert(std::is_nothrow_default_constructible_v<evobj::event>);
static_assert(!std::is_copy_constructible_v<evobj::device>);
static_assert(std::is_nothrow_move_constructible_v<evobj::device>);
static_assert(std::is_nothrow_destructible_v<evobj::device>);
// An event is its fd, a shared reference to the device it waits through
// and its mapped word: still a small handle.
static_assert(sizeof(evobj::event) <= sizeof(int) + 2 * sizeof(void*) + sizeof(int) +
                                          sizeof(evobj::detail::word_mapping));
// unique_fd is exactly an fd.
static_assert(sizeof(evobj::unique_fd) == sizeof(int));
static_assert(!std::is_copy_constructible_v<evobj::unique_fd>);
static_assert(!std::is_copy_assignable_v<evobj::unique_fd>);
static_assert(std::is_nothrow_move_constructible_v<evobj::unique_fd>);
static_assert(std::is_nothrow_move_assignable_v<evobj::unique_fd>);
static_assert(std::is_nothrow_destructible_v<evobj::unique_fd>);
static_assert(!std::is_convertible_v<int, evobj::unique_fd>); // explicit ownership

// Non-owning pieces are cheap values.
static_assert(std::is_trivially_copyable_v<evobj::event_ref>);
static_assert(std::is_trivially_copyable_v<evobj::event_span>);
static_assert(std::is_trivially_copyable_v<evobj::deadline>);
static_assert(std::is_trivially_copyable_v<evobj::wait_result>);
// A temporary event would close its fd before the wait: refused.
static_assert(!std::is_constructible_v<evobj::event_ref, evobj::event&&>);
static_assert(std::is_convertible_v<const evobj::event&, evobj::event_ref>);

// Wait lists from the usual containers, of events or of references.
static_assert(std::is_convertible_v<std::vector<evobj::event>&, evobj::event_span>);
static_assert(std::is_convertible_v<std::array<evobj::event, 2>&, evobj::event_span>);
static_assert(std::is_convertible_v<std::span<const evobj::event>, evobj::event_span>);
static_assert(std::is_convertible_v<std::vector<evobj::event_ref>&, evobj::event_span>);
static_assert(!std::is_convertible_v<std::vector<int>&, evobj::event_span>);

// Deadlines come from steady_clock and system_clock time points.
static_assert(std::is_convertible_v<steady_clock::time_point, evobj::deadline>);
static_assert(std::is_convertible_v<system_clock::time_point, evobj::deadline>);
static_assert(std::is_convertible_v<std::chrono::time_point<steady_clock, std::chrono::seconds>,
                                    evobj::deadline>);

// The values the ABI fixes.
static_assert(evobj::max_wait == 64);
static_assert(static_cast<std::uint32_t>(evobj::kind::notification) == 0);
static_assert(static_cast<std::uint32_t>(evobj::kind::synchronization) == 1);

constexpr std::uint64_t infinite = ~std::uint64_t{0};
constexpr auto ktime_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

TEST(Deadline, DefaultIsInfiniteMonotonic)
{
    constexpr evobj::deadline d;
    static_assert(d.is_infinite());
    EXPECT_EQ(infinite, d.nanoseconds());
    EXPECT_FALSE(d.realtime());
    EXPECT_EQ(evobj::deadline::infinite(), d);
}

TEST(Deadline, ImmediateIsZero)
{
    EXPECT_EQ(0U, evobj::deadline::immediate().nanoseconds());
    EXPECT_FALSE(evobj::deadline::immediate().is_infinite());
}

TEST(Deadline, SteadyClockMapsOneToOne)
{
    constexpr evobj::deadline d = steady_clock::time_point(1234567891ns);
    static_assert(d.nanoseconds() == 1234567891U);
    EXPECT_FALSE(d.realtime());
}

TEST(Deadline, SystemClockIsRealtime)
{
    const evobj::deadline d = system_clock::time_point(5s);
    EXPECT_EQ(5'000'000'000U, d.nanoseconds());
    EXPECT_TRUE(d.realtime());
}

TEST(Deadline, RoundsUpToWholeNanoseconds)
{
    using ps = std::chrono::duration<std::int64_t, std::pico>;
    const evobj::deadline d = std::chrono::time_point<steady_clock, ps>(ps(1001));
    EXPECT_EQ(2U, d.nanoseconds());
    const evobj::deadline f =
        std::chrono::time_point<steady_clock, std::chrono::duration<double>>(
            std::chrono::duration<double>(1.5e-9));
    EXPECT_EQ(2U, f.nanoseconds());
}

TEST(Deadline, AtOrBeforeEpochDoesNotBlock)
{
    EXPECT_EQ(0U, evobj::deadline(steady_clock::time_point(-5s)).nanoseconds());
    EXPECT_EQ(0U, evobj::deadline(system_clock::time_point(0s)).nanoseconds());
    EXPECT_TRUE(evobj::deadline(system_clock::time_point(-1ns)).realtime());
}

TEST(Deadline, BeyondKtimeMaxIsInfinite)
{
    EXPECT_TRUE(evobj::deadline(steady_clock::time_point::max()).is_infinite());
    EXPECT_TRUE(evobj::deadline(system_clock::time_point::max()).is_infinite());
    // hours::max() is far beyond 2^63 ns, and must not wrap on the way.
    const evobj::deadline h = std::chrono::time_point<steady_clock, std::chrono::hours>::max();
    EXPECT_TRUE(h.is_infinite());
    const evobj::deadline big = std::chrono::time_point<steady_clock, std::chrono::hours>(
        std::chrono::hours(1'000'000'000));
    EXPECT_EQ(infinite, big.nanoseconds());
    // The last representable nanosecond is kept, the next microsecond is not.
    using us = std::chrono::microseconds;
    const evobj::deadline last = steady_clock::time_point(std::chrono::nanoseconds(ktime_max - 1));
    EXPECT_EQ(ktime_max - 1, last.nanoseconds());
    const evobj::deadline below = std::chrono::time_point<steady_clock, us>(us(ktime_max / 1000));
    EXPECT_EQ(ktime_max / 1000 * 1000, below.nanoseconds());
    const evobj::deadline above = std::chrono::time_point<steady_clock, us>(us(ktime_max / 1000 + 1));
    EXPECT_TRUE(above.is_infinite());
}

TEST(Deadline, AfterIsRelativeToSteadyNow)
{
    const auto before = steady_clock::now();
    const evobj::deadline d = evobj::deadline::after(1s);
    const auto after = steady_clock::now();
    EXPECT_FALSE(d.realtime());
    EXPECT_GE(d.nanoseconds(), static_cast<std::uint64_t>((before + 1s).time_since_epoch().count()));
    EXPECT_LE(d.nanoseconds(), static_cast<std::uint64_t>((after + 1s).time_since_epoch().count()));
}

TEST(Deadline, AfterSaturates)
{
    EXPECT_EQ(0U, evobj::deadline::after(0s).nanoseconds());
    EXPECT_EQ(0U, evobj::deadline::after(-1s).nanoseconds());
    EXPECT_TRUE(evobj::deadline::after(std::chrono::nanoseconds::max()).is_infinite());
    EXPECT_TRUE(evobj::deadline::after(std::chrono::hours::max()).is_infinite());
}

TEST(Deadline, OtherClocksGoThroughSteadyClock)
{
    // file_clock is neither steady nor system: converted once, relative.
    using fc = std::chrono::file_clock;
    const evobj::deadline d = fc::now() + 10s;
    EXPECT_FALSE(d.realtime());
    const auto now = static_cast<std::uint64_t>(steady_clock::now().time_since_epoch().count());
    EXPECT_GT(d.nanoseconds(), now + 9'000'000'000U);
    EXPECT_LE(d.nanoseconds(), now + 10'000'000'000U);
    EXPECT_TRUE(evobj::deadline(fc::time_point::max()).is_infinite());
}

TEST(WaitResult, Accessors)
{
    constexpr evobj::wait_result r(evobj::wait_status::signaled, 3);
    static_assert(r.signaled() && !r.alerted() && !r.timed_out());
    static_assert(r.index() == 3);
    static_assert(r.status() == evobj::wait_status::signaled);
    EXPECT_TRUE(evobj::wait_result(evobj::wait_status::alerted, 2).alerted());
    EXPECT_TRUE(evobj::wait_result(evobj::wait_status::timed_out).timed_out());
    EXPECT_NE(evobj::wait_result(evobj::wait_status::signaled, 1),
              evobj::wait_result(evobj::wait_status::signaled, 2));
}

TEST(EventSpan, ViewsEventsAndRefs)
{
    std::array<evobj::event, 3> evs{evobj::event::adopt(100), evobj::event::adopt(101),
                                    evobj::event::adopt(102)};
    const evobj::event_span s = evs;
    ASSERT_EQ(3U, s.size());
    EXPECT_EQ(101, s.native_handle(1));
    const std::vector<evobj::event_ref> refs{evs[2], evs[0]};
    const evobj::event_span r = refs;
    ASSERT_EQ(2U, r.size());
    EXPECT_EQ(102, r.native_handle(0));
    EXPECT_EQ(100, r.native_handle(1));
    // These fds were never opened: nothing must be closed for real.
    for (auto& e : evs)
        EXPECT_GE(e.release(), 100);
}

TEST(EventSpan, BracedList)
{
    evobj::event a = evobj::event::adopt(7); // never opened, released below
    auto size_of = [](evobj::event_span s) { return std::pair(s.size(), s.native_handle(s.size() - 1)); };
    EXPECT_EQ(std::pair(std::size_t{2}, 7), size_of({a, a}));
    EXPECT_EQ(std::pair(std::size_t{1}, 9), size_of({evobj::event_ref::from_native(9)}));
    EXPECT_EQ(7, a.release());
}

TEST(Event, EmptyOwnsNothing)
{
    evobj::event e;
    EXPECT_FALSE(e.valid());
    EXPECT_FALSE(static_cast<bool>(e));
    EXPECT_EQ(-1, e.native_handle());
    EXPECT_EQ(-1, e.release());
    EXPECT_FALSE(evobj::event_ref(e));
}

TEST(Event, EmptyFailsWithEbadfNamingTheIoctl)
{
    const evobj::event e;
    EXPECT_TRUE(throws_errno([&] { e.set(); }, EBADF, "EVOBJ_IOC_SET"));
    EXPECT_TRUE(throws_errno([&] { e.reset(); }, EBADF, "EVOBJ_IOC_RESET"));
    EXPECT_TRUE(throws_errno([&] { e.pulse(); }, EBADF, "EVOBJ_IOC_PULSE"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(e.is_set()); }, EBADF, "EVOBJ_IOC_READ"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(e.type()); }, EBADF, "EVOBJ_IOC_READ"));
    EXPECT_TRUE(throws_errno([&] { e.arm_timer(steady_clock::now()); }, EBADF, "EVOBJ_IOC_TIMER"));
    EXPECT_TRUE(throws_errno([&] { e.disarm_timer(); }, EBADF, "EVOBJ_IOC_TIMER"));
}

TEST(Event, ForeignFdIsNotTty)
{
    // An fd that is not an event: its driver does not know our ioctls.
    const int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    const evobj::event e = evobj::event::adopt(fd);
    EXPECT_TRUE(throws_errno([&] { e.set(); }, ENOTTY, "EVOBJ_IOC_SET"));
}

TEST(Event, MoveTransfersTheFd)
{
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    evobj::event a = evobj::event::adopt(fd);
    evobj::event b(std::move(a));
    EXPECT_FALSE(a.valid()); // NOLINT(bugprone-use-after-move): specified
    EXPECT_EQ(fd, b.native_handle());
    evobj::event c;
    c = std::move(b);
    EXPECT_EQ(fd, c.native_handle());
    EXPECT_EQ(-1, b.native_handle()); // NOLINT(bugprone-use-after-move)
    swap(a, c);
    EXPECT_EQ(fd, a.native_handle());
    EXPECT_FALSE(c.valid());
}

TEST(Event, MoveAssignmentClosesTheOldFd)
{
    const int fd1 = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int fd2 = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd1, 0);
    ASSERT_GE(fd2, 0);
    {
        evobj::event a = evobj::event::adopt(fd1);
        a = evobj::event::adopt(fd2);
        EXPECT_EQ(fd2, a.native_handle());
        EXPECT_EQ(-1, ::fcntl(fd1, F_GETFD));
        EXPECT_EQ(EBADF, errno);
        evobj::event& same = a; // a reference: -Wself-move would flag `a = std::move(a)`
        a = std::move(same);    // self-move: keeps the fd
        EXPECT_EQ(fd2, a.native_handle());
    }
    EXPECT_EQ(-1, ::fcntl(fd2, F_GETFD));
    EXPECT_EQ(EBADF, errno);
}

TEST(Event, ReleaseGivesUpOwnership)
{
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    int released = -1;
    {
        evobj::event e = evobj::event::adopt(fd);
        released = e.release();
        EXPECT_FALSE(e.valid());
    }
    EXPECT_EQ(fd, released);
    EXPECT_EQ(0, ::close(released)); // still open: the destructor left it
}

TEST(Event, DestructorKeepsErrno)
{
    {
        // close() of an fd that is already closed fails with EBADF: the
        // destructor must hide that from its caller.
        const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(0, ::close(fd));
        const evobj::event e = evobj::event::adopt(fd);
        errno = EDOM;
    }
    EXPECT_EQ(EDOM, errno);
}

TEST(Device, OpenMissingSaysModuleNotLoaded)
{
    try {
        static_cast<void>(evobj::device::open("/nonexistent/evobj"));
        FAIL() << "did not throw";
    } catch (const std::system_error& e) {
        EXPECT_EQ(std::error_code(ENOENT, std::system_category()), e.code());
        EXPECT_NE(std::string::npos, std::string(e.what()).find("/nonexistent/evobj"));
        EXPECT_NE(std::string::npos, std::string(e.what()).find("module"));
    }
}

// Checks, in the calling process, that opening `path` is refused with
// EACCES and a message about permissions.
bool open_is_denied(const char* path)
{
    try {
        static_cast<void>(evobj::device::open(path));
    } catch (const std::system_error& e) {
        return e.code() == std::error_code(EACCES, std::system_category()) &&
               std::string(e.what()).find("permission") != std::string::npos;
    }
    return false;
}

TEST(Device, OpenDeniedSaysPermission)
{
    char path[] = "/tmp/evobj-denied.XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(0, ::fchmod(fd, 0));
    ::close(fd);
    if (::geteuid() != 0) {
        EXPECT_TRUE(open_is_denied(path));
    } else {
        // Root is never denied by a file mode (the VM runs as root), so
        // the check runs in a child that gave up root for nobody.
        const pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            const bool ok = ::setgid(65534) == 0 && ::setuid(65534) == 0 && open_is_denied(path);
            ::_exit(ok ? 0 : 1);
        }
        int status = 0;
        ASSERT_EQ(pid, ::waitpid(pid, &status, 0));
        EXPECT_TRUE(WIFEXITED(status));
        EXPECT_EQ(0, WEXITSTATUS(status));
    }
    ::unlink(path);
}

TEST(Device, MoveOnlyOwner)
{
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    evobj::device a = evobj::device::adopt(fd);
    EXPECT_TRUE(a.valid());
    evobj::device b(std::move(a));
    EXPECT_FALSE(a.valid()); // NOLINT(bugprone-use-after-move): specified
    EXPECT_EQ(fd, b.native_handle());
    evobj::device c;
    EXPECT_FALSE(static_cast<bool>(c));
    c = std::move(b);
    EXPECT_EQ(fd, c.native_handle());
    evobj::device& same = c;
    c = std::move(same); // self-move keeps the fd
    EXPECT_EQ(fd, c.native_handle());
    const int released = c.release();
    EXPECT_EQ(fd, released);
    EXPECT_FALSE(c.valid());
    EXPECT_EQ(0, ::close(released));
}

// fd numbers are reused at once, so "closed" is checked with F_GETFD.
bool is_open(int fd)
{
    return ::fcntl(fd, F_GETFD) >= 0;
}

TEST(UniqueFd, ClosesOnceAndKeepsErrno)
{
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    {
        const evobj::unique_fd u(fd);
        EXPECT_TRUE(u.valid());
        EXPECT_EQ(fd, u.get());
        errno = EDOM;
    }
    EXPECT_EQ(EDOM, errno);
    EXPECT_FALSE(is_open(fd));
}

TEST(UniqueFd, MoveReleaseReset)
{
    const int a = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const int b = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    evobj::unique_fd u(a);
    evobj::unique_fd v(std::move(u));
    EXPECT_FALSE(u.valid()); // NOLINT(bugprone-use-after-move): specified
    EXPECT_EQ(-1, u.get());  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(a, v.get());
    evobj::unique_fd& same = v;
    v = std::move(same); // a self-move keeps the fd open
    EXPECT_TRUE(is_open(a));
    EXPECT_EQ(a, v.get());
    v.reset(b); // closes a
    EXPECT_FALSE(is_open(a));
    EXPECT_EQ(b, v.get());
    v.reset(b); // the same fd again: kept, not closed
    EXPECT_TRUE(is_open(b));
    const int released = v.release();
    EXPECT_EQ(b, released);
    EXPECT_FALSE(static_cast<bool>(v));
    v.reset(); // nothing to close
    EXPECT_TRUE(is_open(b));
    evobj::unique_fd w(b);
    evobj::unique_fd x;
    x = std::move(w); // assignment moves ownership
    EXPECT_EQ(b, x.get());
    x = evobj::unique_fd(); // and closes what it held
    EXPECT_FALSE(is_open(b));
}

TEST(Device, EmptyFailsNamingTheIoctl)
{
    const evobj::device d;
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(d.create(evobj::kind::notification)); }, EBADF,
                             "EVOBJ_IOC_CREATE"));
    const evobj::event e;
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(d.wait_any({e}, {})); }, EBADF,
                             "EVOBJ_IOC_WAIT_ANY"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(d.wait_all({e}, {})); }, EBADF,
                             "EVOBJ_IOC_WAIT_ALL"));
}

TEST(Version, MatchesTheProject)
{
    EXPECT_GE(evobj::version_major, 0);
    EXPECT_STRNE("", evobj::version_string);
}

} // namespace
