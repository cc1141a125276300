// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// ERROR_NOT_ENOUGH_MEMORY, both ways it arises, each allocation of a
// call failed in turn (n = 0, 1, ... until the call runs with nothing
// failed):
//  - the library's own: this binary replaces operator new, so the n-th
//    allocation of the calling thread throws std::bad_alloc;
//  - the kernel's ENOMEM: /proc/thread-self/fail-nth fails the n-th slab
//    allocation of the thread's next calls (the debug kernel; skipped
//    where the kernel has no fault injection, as every Debian kernel).
// A call whose allocation failed returns its failure value with
// ERROR_NOT_ENOUGH_MEMORY and leaves no fd behind, or, where that
// allocation was optional, succeeds as if nothing had failed.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "win32_helpers.hpp"

namespace {

// How many allocations of this thread may succeed before one fails
// (-1: none fails), and whether one did.
thread_local long allocations_left = -1;
thread_local bool allocation_failed = false;

void* allocate(std::size_t n, std::size_t align)
{
    if (allocations_left == 0) {
        allocations_left = -1;
        allocation_failed = true;
        throw std::bad_alloc();
    }
    if (allocations_left > 0)
        --allocations_left;
    n = n ? n : 1;
    void* p = align ? std::aligned_alloc(align, (n + align - 1) / align * align) : std::malloc(n);
    if (!p)
        throw std::bad_alloc();
    return p;
}

} // namespace

// The replaceable allocation functions; the nothrow forms of libstdc++
// call these. The default operator delete frees them.
void* operator new(std::size_t n)
{
    return allocate(n, 0);
}

void* operator new[](std::size_t n)
{
    return allocate(n, 0);
}

void* operator new(std::size_t n, std::align_val_t al)
{
    return allocate(n, static_cast<std::size_t>(al));
}

void* operator new[](std::size_t n, std::align_val_t al)
{
    return allocate(n, static_cast<std::size_t>(al));
}

namespace {

using namespace win32_test;

std::size_t open_fds()
{
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
        ++n;
    return n;
}

// One call under test: it returns whether it succeeded; undo releases
// what a successful call made.
struct step {
    std::function<bool()> call;
    std::function<void()> undo;
};

std::string long_name(const char* base)
{
    // Longer than any small-string buffer, so that copies allocate.
    return std::string(base) + "-" + std::to_string(::getpid()) + std::string(40, 'x');
}

std::u16string utf16(const std::string& s)
{
    return {s.begin(), s.end()};
}

// The library's calls that allocate, each on a thread of its own, as
// its first call there: that is when the per-thread records are made.
std::vector<std::pair<const char*, std::function<step()>>> library_calls()
{
    return {
        {"CreateEventW, named",
         [] {
             auto h = std::make_shared<HANDLE>();
             auto name = std::make_shared<std::u16string>(utf16(long_name("evobj-mem-w")));
             return step{[=] { return (*h = CreateEventW(nullptr, TRUE, FALSE, name->c_str())) != nullptr; },
                         [=] { CloseHandle(*h); }};
         }},
        {"OpenEventW",
         [] {
             auto name = std::make_shared<std::u16string>(utf16(long_name("evobj-mem-open")));
             auto keep = std::make_shared<owned>(CreateEventW(nullptr, TRUE, FALSE, name->c_str()));
             auto h = std::make_shared<HANDLE>();
             return step{[=] {
                             return (*h = OpenEventW(EVENT_ALL_ACCESS, FALSE, name->c_str())) != nullptr;
                         },
                         [=] {
                             CloseHandle(*h);
                             keep->reset();
                         }};
         }},
        {"QueueUserAPC, a thread's first call",
         [] {
             return step{[] { return QueueUserAPC([](ULONG_PTR) {}, GetCurrentThread(), 0) != 0; },
                         [] { SleepEx(0, TRUE); }};
         }},
    };
}

// What one attempt of a call did, with its n-th allocation made to fail.
struct attempt {
    bool ok; // the call succeeded
    bool failed; // the n-th allocation was made and failed
    DWORD error; // GetLastError() after the call
};

// Fails allocation n = first, first + 1, ... of a call (try_nth makes one
// attempt) until it runs with none failed, and judges each attempt.
void each_allocation(long first, const std::function<attempt(long)>& try_nth)
{
    unsigned failures = 0;
    for (long n = first;; ++n) {
        ASSERT_LT(n, first + 256) << "the call never ran without a failure";
        const std::size_t fds = open_fds();
        const attempt a = try_nth(n);
        if (!a.failed) {
            EXPECT_TRUE(a.ok) << "failed with " << a.error << " with no allocation failed";
            break;
        }
        // An optional allocation (a call's hazard record, which a call
        // naming no handle does without), or one the kernel absorbs
        // (debugobjects and kmemleak refill their pools): then the call
        // must simply succeed.
        if (a.ok)
            continue;
        ++failures;
        EXPECT_EQ(a.error, static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY)) << "allocation " << n;
        EXPECT_EQ(open_fds(), fds) << "allocation " << n;
    }
    // Each call tested allocates: a test that failed nothing proved nothing.
    EXPECT_GT(failures, 0U);
}

class Win32Memory : public Device {};

TEST_F(Win32Memory, LibraryAllocationFailures)
{
    // The process-wide /dev/evobj fd, opened once and kept, is not counted.
    owned warm(auto_event());
    ASSERT_NE(HANDLE(warm), nullptr);
    for (const auto& [what, make] : library_calls()) {
        SCOPED_TRACE(what);
        each_allocation(0, [&make](long n) {
            attempt a{};
            std::thread([&] {
                // Everything but the call itself, before the countdown.
                step s = make();
                SetLastError(0xdeadbeef);
                allocations_left = n;
                a.ok = s.call();
                allocations_left = -1;
                a.failed = allocation_failed;
                a.error = GetLastError();
                if (a.ok)
                    s.undo();
            }).join();
            return a;
        });
    }
}

// An fd from elsewhere whose handle needs a new chunk of the handle
// table: without memory for it the call fails and the fd stays the
// caller's, so that it can try again. Chunks stay once made, so each
// try takes an fd in the next chunk up until one was new.
TEST_F(Win32Memory, HandleFromFdLeavesTheFdWhenOutOfMemory)
{
    constexpr int chunk = 4096; // the table's slots per chunk
    rlimit old{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &old), 0);
    rlimit more = old;
    more.rlim_cur = std::max<rlim_t>(old.rlim_cur, 12 * chunk);
    more.rlim_max = std::max(more.rlim_max, more.rlim_cur);
    if (::setrlimit(RLIMIT_NOFILE, &more) != 0)
        GTEST_SKIP() << "cannot raise RLIMIT_NOFILE to " << more.rlim_cur;
    owned ev(auto_event());
    ASSERT_NE(HANDLE(ev), nullptr);
    bool tested = false;
    for (int c = 3; c < 12 && !tested; ++c) {
        const int fd = ::fcntl(evobj_win32_fd(ev), F_DUPFD_CLOEXEC, c * chunk + 5);
        ASSERT_GE(fd, c * chunk) << std::strerror(errno);
        SetLastError(0xdeadbeef);
        allocations_left = 0;
        allocation_failed = false;
        HANDLE h = evobj_win32_handle_from_fd(fd);
        allocations_left = -1;
        const DWORD error = GetLastError();
        if (allocation_failed) {
            tested = true;
            EXPECT_EQ(h, nullptr);
            EXPECT_EQ(error, static_cast<DWORD>(ERROR_NOT_ENOUGH_MEMORY));
            ASSERT_NE(::fcntl(fd, F_GETFD), -1) << "the fd was closed";
            h = evobj_win32_handle_from_fd(fd); // the retry that it allows
        }
        ASSERT_NE(h, nullptr) << "error " << GetLastError();
        EXPECT_EQ(evobj_win32_fd(h), fd);
        EXPECT_TRUE(CloseHandle(h));
    }
    ::setrlimit(RLIMIT_NOFILE, &old);
    EXPECT_TRUE(tested) << "every chunk tried was already made";
}

// The kernel's ENOMEM through fail-nth. failslab ignores allocations that
// may sleep unless told (ignore-gfp-wait=N); random failures stay off
// (probability=0, task-filter=Y) and so do stack dumps (verbose=0, or
// the VM's kernel-log check fails the run). Every knob is restored.
class Win32KernelMemory : public Device {
protected:
    static constexpr const char* failslab = "/sys/kernel/debug/failslab/";

    void SetUp() override
    {
        Device::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        nth_ = ::open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
        if (nth_ < 0)
            GTEST_SKIP() << "no /proc/thread-self/fail-nth: the kernel has no fault injection";
        struct stat st;
        if (::geteuid() != 0 || ::stat(failslab, &st) != 0)
            GTEST_SKIP() << "needs root and " << failslab;
        for (const auto& [knob, value] : {std::pair{"probability", "0"}, {"task-filter", "Y"},
                                          {"verbose", "0"}, {"ignore-gfp-wait", "N"}})
            ASSERT_TRUE(set(knob, value)) << failslab << knob;
    }

    void TearDown() override
    {
        if (nth_ >= 0) {
            arm(0);
            ::close(nth_);
        }
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it)
            std::ofstream(it->first) << it->second << '\n';
    }

    // Fails this thread's n-th allocation from now on (0: none).
    void arm(unsigned n) const
    {
        const std::string v = std::to_string(n);
        ASSERT_EQ(::pwrite(nth_, v.data(), v.size(), 0), static_cast<ssize_t>(v.size()));
    }

    // Whether the armed failure happened: the kernel sets fail-nth to 0
    // when it injects one. Disarms.
    bool injected() const
    {
        char buf[16] = {};
        const bool yes = ::pread(nth_, buf, sizeof(buf) - 1, 0) > 0 && std::atoi(buf) == 0;
        arm(0);
        return yes;
    }

private:
    bool set(const char* knob, const char* value)
    {
        const std::string path = std::string(failslab) + knob;
        std::string old;
        if (!(std::ifstream(path) >> old))
            return false;
        saved_.emplace_back(path, old);
        return static_cast<bool>(std::ofstream(path) << value << '\n');
    }

    int nth_ = -1;
    std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(Win32KernelMemory, KernelAllocationFailures)
{
    const std::string name = long_name("evobj-mem-kernel");
    std::vector<owned> all(MAXIMUM_WAIT_OBJECTS);
    std::vector<HANDLE> handles;
    for (auto& h : all) {
        h.reset(manual_event(true));
        ASSERT_NE(HANDLE(h), nullptr);
        handles.push_back(h);
    }
    HANDLE made = nullptr;
    const std::pair<const char*, step> calls[] = {
        {"CreateEventA",
         {[&] { return (made = CreateEventA(nullptr, FALSE, FALSE, nullptr)) != nullptr; },
          [&] { CloseHandle(made); }}},
        {"CreateEventA, named",
         {[&] { return (made = CreateEventA(nullptr, FALSE, FALSE, name.c_str())) != nullptr; },
          [&] { CloseHandle(made); }}},
        {"WaitForMultipleObjects, all of 64",
         {[&] {
              // Never the same list twice in a row, so never a wait set:
              // a set the kernel cannot make falls back to the list, and
              // would absorb the failure of the list's one allocation.
              std::reverse(handles.begin(), handles.end());
              return WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, handles.data(), TRUE, 0) ==
                     WAIT_OBJECT_0;
          },
          [] {}}},
    };
    for (const auto& [what, s] : calls) {
        SCOPED_TRACE(what);
        // Once unarmed, so that what only a first call does is done.
        ASSERT_TRUE(s.call());
        s.undo();
        each_allocation(1, [&](long n) {
            SetLastError(0xdeadbeef);
            arm(static_cast<unsigned>(n));
            attempt a{};
            a.ok = s.call();
            a.error = GetLastError();
            a.failed = injected();
            if (a.ok)
                s.undo();
            return a;
        });
    }
}

} // namespace
