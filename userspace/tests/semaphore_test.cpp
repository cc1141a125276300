// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::semaphore against the real module: create and its checks,
// release and the previous count, EOVERFLOW, the unit every kind of wait
// takes, wait-all over semaphores and events, FIFO order of release,
// wait sets, the alert and signal-and-wait, the fd's flags and polling,
// and named semaphores (the events' namespace, EMEDIUMTYPE across kinds).
#include <atomic>
#include <cerrno>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <evobj/evobj.hpp>
#include <evobj/uapi/linux/evobj.h>

#include "helpers.hpp"

namespace {

using namespace std::chrono_literals;
using evobj::disposition;
using evobj::kind;
using evobj_test::short_timeout;
using evobj_test::slack;
using evobj_test::throws_errno;

static_assert(evobj::semaphore_max == EVOBJ_SEMAPHORE_MAX);
static_assert(std::is_nothrow_move_constructible_v<evobj::semaphore>);
static_assert(!std::is_copy_constructible_v<evobj::semaphore>);
// A semaphore goes wherever an event does in a wait, but never a temporary.
static_assert(std::is_convertible_v<const evobj::semaphore&, evobj::event_ref>);
static_assert(!std::is_constructible_v<evobj::event_ref, evobj::semaphore&&>);
static_assert(std::is_convertible_v<std::vector<evobj::semaphore>&, evobj::event_span>);
static_assert(std::is_trivially_copyable_v<evobj::event_ref>);

// Needs the module and, in it, semaphores: one without them says ENOTTY
// to EVOBJ_IOC_CREATE_SEMAPHORE, and these tests skip there.
class Semaphore : public evobj_test::Device {
protected:
    void SetUp() override
    {
        evobj_test::Device::SetUp();
        if (IsSkipped() || HasFailure())
            return;
        try {
            static_cast<void>(evobj::semaphore::create(0, 1));
        } catch (const std::system_error& e) {
            if (e.code().value() == ENOTTY && !evobj_test::device_required())
                GTEST_SKIP() << "this evobj module has no semaphores (ENOTTY)";
            throw;
        }
    }
};

// The waits queued on an object (fdinfo "waiters:").
unsigned waiters(int fd)
{
    std::ifstream in("/proc/self/fdinfo/" + std::to_string(fd));
    std::string key;
    while (in >> key)
        if (key == "waiters:") {
            unsigned n = 0;
            in >> n;
            return n;
        }
    return ~0U;
}

// Blocks until n waits are queued on fd.
::testing::AssertionResult await_waiters(int fd, unsigned n)
{
    const auto until = std::chrono::steady_clock::now() + slack;
    unsigned now = 0;
    while ((now = waiters(fd)) != n) {
        if (std::chrono::steady_clock::now() > until)
            return ::testing::AssertionFailure() << now << " waiters, expected " << n;
        std::this_thread::sleep_for(1ms);
    }
    return ::testing::AssertionSuccess();
}

// Blocks until `order` has n entries (a woken waiter records itself
// some time after the kernel completed its wait), then returns a copy.
std::vector<int> await_order(std::mutex& lock, const std::vector<int>& order, std::size_t n)
{
    const auto until = std::chrono::steady_clock::now() + slack;
    for (;;) {
        {
            const std::lock_guard g(lock);
            if (order.size() >= n || std::chrono::steady_clock::now() > until)
                return order;
        }
        std::this_thread::sleep_for(1ms);
    }
}

// A name no other test or run uses.
std::string unique_name(const char* what)
{
    static std::atomic<int> counter{0};
    return "evobj-test-sem/" + std::to_string(::getpid()) + "/" + std::to_string(counter++) + "/" + what;
}

TEST_F(Semaphore, CreateGivesItsCountAndMaximum)
{
    const evobj::semaphore sem = evobj::semaphore::create(2, 5);
    ASSERT_TRUE(sem.valid());
    EXPECT_EQ(sem.query(), (evobj::semaphore_state{2, 5}));
    EXPECT_EQ(sem.count(), 2U);
    EXPECT_EQ(sem.max_count(), 5U);
    // The kernel's own view: a semaphore, signaled while its count is above 0.
    evobj_state st{};
    ASSERT_EQ(::ioctl(sem.native_handle(), EVOBJ_IOC_READ, &st), 0);
    EXPECT_EQ(st.type, static_cast<std::uint32_t>(EVOBJ_SEMAPHORE));
    EXPECT_EQ(st.signaled, 1U);
    EXPECT_EQ(evobj::semaphore::create(0, evobj::semaphore_max).query(),
              (evobj::semaphore_state{0, evobj::semaphore_max}));
}

TEST_F(Semaphore, CreateRefusesABadCountMaximumOrFlag)
{
    const char* const op = "EVOBJ_IOC_CREATE_SEMAPHORE";
    EXPECT_TRUE(throws_errno([] { static_cast<void>(evobj::semaphore::create(0, 0)); }, EINVAL, op));
    EXPECT_TRUE(throws_errno([] { static_cast<void>(evobj::semaphore::create(3, 2)); }, EINVAL, op));
    EXPECT_TRUE(throws_errno([] { static_cast<void>(evobj::semaphore::create(0, evobj::semaphore_max + 1)); },
                             EINVAL, op));
    EXPECT_TRUE(throws_errno([] { static_cast<void>(evobj::semaphore::create(0, 1, 0x80)); }, EINVAL, op));
}

TEST_F(Semaphore, TheFdIsCloexecUnlessInheritableAndNonblockOnRequest)
{
    const evobj::semaphore plain = evobj::semaphore::create(0, 1);
    EXPECT_NE(::fcntl(plain.native_handle(), F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_EQ(::fcntl(plain.native_handle(), F_GETFL) & O_NONBLOCK, 0);
    const evobj::semaphore both = evobj::semaphore::create(
        0, 1, evobj::semaphore_flags::inheritable | evobj::semaphore_flags::nonblock);
    EXPECT_EQ(::fcntl(both.native_handle(), F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_NE(::fcntl(both.native_handle(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_F(Semaphore, ReleaseReturnsThePreviousCount)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 10);
    EXPECT_EQ(sem.release(), 0U);
    EXPECT_EQ(sem.release(3), 1U);
    EXPECT_EQ(sem.release(6), 4U);
    EXPECT_EQ(sem.count(), 10U);
}

TEST_F(Semaphore, ReleasePastTheMaximumIsEoverflowAndChangesNothing)
{
    const evobj::semaphore sem = evobj::semaphore::create(2, 3);
    EXPECT_TRUE(throws_errno([&] { sem.release(2); }, EOVERFLOW, "EVOBJ_IOC_RELEASE"));
    EXPECT_EQ(sem.count(), 2U);
    EXPECT_EQ(sem.release(1), 2U); // exactly to the maximum
    EXPECT_TRUE(throws_errno([&] { sem.release(1); }, EOVERFLOW, "EVOBJ_IOC_RELEASE"));
    EXPECT_TRUE(throws_errno([&] { sem.release(evobj::semaphore_max); }, EOVERFLOW, "EVOBJ_IOC_RELEASE"));
    EXPECT_EQ(sem.count(), 3U);
}

TEST_F(Semaphore, ReleaseOfNothingIsEinval)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 3);
    EXPECT_TRUE(throws_errno([&] { sem.release(0); }, EINVAL, "EVOBJ_IOC_RELEASE"));
    EXPECT_EQ(sem.count(), 0U);
}

TEST_F(Semaphore, OperationsOfTheOtherKindAreEinval)
{
    const evobj::semaphore sem = evobj::semaphore::create(1, 1);
    const evobj::event ev = evobj::event::create(kind::notification);
    // An event's operations on a semaphore and a semaphore's on an event.
    const evobj::event as_event = evobj::event::adopt(::fcntl(sem.native_handle(), F_DUPFD_CLOEXEC, 0));
    EXPECT_TRUE(throws_errno([&] { as_event.set(); }, EINVAL, "EVOBJ_IOC_SET"));
    EXPECT_TRUE(throws_errno([&] { as_event.reset(); }, EINVAL, "EVOBJ_IOC_RESET"));
    EXPECT_EQ(sem.count(), 1U);
    const evobj::semaphore as_sem = evobj::semaphore::adopt(::fcntl(ev.native_handle(), F_DUPFD_CLOEXEC, 0));
    EXPECT_TRUE(throws_errno([&] { as_sem.release(); }, EINVAL, "EVOBJ_IOC_RELEASE"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(as_sem.query()); }, EINVAL, "EVOBJ_IOC_READ_SEMAPHORE"));
    EXPECT_FALSE(ev.is_set());
}

TEST_F(Semaphore, EachWaitTakesOneUnit)
{
    const evobj::semaphore sem = evobj::semaphore::create(2, 2);
    EXPECT_TRUE(sem.try_wait());
    EXPECT_EQ(sem.count(), 1U);
    EXPECT_TRUE(sem.wait_for(short_timeout));
    EXPECT_EQ(sem.count(), 0U);
    EXPECT_FALSE(sem.try_wait());
    EXPECT_FALSE(sem.wait_for(short_timeout));
    EXPECT_EQ(sem.count(), 0U);
}

TEST_F(Semaphore, AWaiterBlocksUntilARelease)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 1);
    std::atomic<bool> done{false};
    std::thread t([&] {
        sem.wait();
        done = true;
    });
    ASSERT_TRUE(await_waiters(sem.native_handle(), 1));
    EXPECT_FALSE(done);
    EXPECT_EQ(sem.release(), 0U);
    t.join();
    EXPECT_TRUE(done);
    EXPECT_EQ(sem.count(), 0U); // the waiter took the unit
}

TEST_F(Semaphore, WaitAnyOverSemaphoresAndEventsTakesOneUnitOfTheWinner)
{
    const evobj::event ev = evobj::event::create(kind::synchronization);
    const evobj::semaphore sem = evobj::semaphore::create(2, 5);
    EXPECT_EQ(std::optional<std::size_t>(1), evobj::wait_any({ev, sem}, evobj::deadline::immediate()));
    EXPECT_EQ(sem.count(), 1U);
    // The lowest index wins, and only it gives anything up.
    ev.set();
    EXPECT_EQ(std::optional<std::size_t>(0), evobj::wait_any({ev, sem}, evobj::deadline::immediate()));
    EXPECT_EQ(sem.count(), 1U);
    EXPECT_EQ(std::optional<std::size_t>(1), evobj::wait_any({ev, sem}, evobj::deadline::immediate()));
    EXPECT_EQ(std::nullopt, evobj::wait_any({ev, sem}, evobj::deadline::immediate()));
    EXPECT_EQ(sem.count(), 0U);
}

TEST_F(Semaphore, WaitAnyOverARangeOfSemaphores)
{
    std::vector<evobj::semaphore> sems;
    for (int i = 0; i < 3; ++i)
        sems.push_back(evobj::semaphore::create(0, 1));
    sems[2].release();
    EXPECT_EQ(std::optional<std::size_t>(2), evobj::wait_any(sems, evobj::deadline::immediate()));
    EXPECT_EQ(std::nullopt, evobj::wait_any(sems, evobj::deadline::immediate()));
}

TEST_F(Semaphore, WaitAllOverMixedObjectsTakesOneUnitOfEachSemaphore)
{
    const evobj::semaphore a = evobj::semaphore::create(2, 5);
    const evobj::semaphore b = evobj::semaphore::create(1, 1);
    const evobj::event sync = evobj::event::create(kind::synchronization, true);
    const evobj::event manual = evobj::event::create(kind::notification, true);
    EXPECT_TRUE(evobj::wait_all({a, sync, b, manual}, evobj::deadline::immediate()));
    EXPECT_EQ(a.count(), 1U);
    EXPECT_EQ(b.count(), 0U);
    EXPECT_FALSE(sync.is_set());
    EXPECT_TRUE(manual.is_set());
    // b is at 0 now: the wait-all fails and takes nothing from the rest.
    sync.set();
    EXPECT_FALSE(evobj::wait_all({a, sync, b, manual}, evobj::deadline::immediate()));
    EXPECT_EQ(a.count(), 1U);
    EXPECT_TRUE(sync.is_set());
}

TEST_F(Semaphore, WaitAllWaitsForEveryObjectAtOnce)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 2);
    const evobj::event ev = evobj::event::create(kind::synchronization);
    std::atomic<bool> done{false};
    std::thread t([&] {
        EXPECT_TRUE(evobj::wait_all({sem, ev}, evobj::deadline::after(slack)));
        done = true;
    });
    ASSERT_TRUE(await_waiters(sem.native_handle(), 1));
    EXPECT_EQ(sem.release(), 0U);
    std::this_thread::sleep_for(short_timeout);
    EXPECT_FALSE(done);
    EXPECT_EQ(sem.count(), 1U); // held for the wait-all, not taken
    ev.set();
    t.join();
    EXPECT_TRUE(done);
    EXPECT_EQ(sem.count(), 0U);
    EXPECT_FALSE(ev.is_set());
}

TEST_F(Semaphore, AWaitAllNamingOneSemaphoreTwiceIsEinval)
{
    const evobj::semaphore sem = evobj::semaphore::create(2, 2);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::wait_all({sem, sem})); }, EINVAL,
                             "EVOBJ_IOC_WAIT_ALL"));
    EXPECT_EQ(sem.count(), 2U);
}

TEST_F(Semaphore, ReleaseCompletesWaitersInFifoOrderOnePerUnit)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 10);
    std::mutex lock;
    std::vector<int> order;
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&, i] {
            EXPECT_TRUE(sem.wait_for(slack));
            const std::lock_guard g(lock);
            order.push_back(i);
        });
        // Queued one after the other.
        ASSERT_TRUE(await_waiters(sem.native_handle(), static_cast<unsigned>(i + 1)));
    }
    // One unit at a time, each to the longest waiting, which takes it.
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(sem.release(), 0U);
        ASSERT_TRUE(await_waiters(sem.native_handle(), static_cast<unsigned>(2 - i)));
        EXPECT_EQ(sem.count(), 0U);
        std::vector<int> expected;
        for (int j = 0; j <= i; ++j)
            expected.push_back(j);
        EXPECT_EQ(await_order(lock, order, expected.size()), expected);
    }
    for (std::thread& t : threads)
        t.join();
}

TEST_F(Semaphore, AReleaseCompletesNoMoreWaitersThanUnits)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 10);
    std::atomic<int> woken{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&] {
            EXPECT_TRUE(sem.wait_for(slack));
            ++woken;
        });
    ASSERT_TRUE(await_waiters(sem.native_handle(), 3));
    EXPECT_EQ(sem.release(2), 0U);
    ASSERT_TRUE(await_waiters(sem.native_handle(), 1));
    EXPECT_EQ(sem.count(), 0U);
    for (auto until = std::chrono::steady_clock::now() + slack;
         woken < 2 && std::chrono::steady_clock::now() < until;)
        std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(short_timeout);
    EXPECT_EQ(woken, 2);
    sem.release();
    for (std::thread& t : threads)
        t.join();
    EXPECT_EQ(woken, 3);
}

TEST_F(Semaphore, AWaitSetHoldsSemaphoresBesideEvents)
{
    const evobj::event ev = evobj::event::create(kind::synchronization);
    const evobj::semaphore sem = evobj::semaphore::create(0, 3);
    const evobj::wait_set set({ev, sem});
    EXPECT_EQ(std::nullopt, set.wait_any(evobj::deadline::immediate()));
    sem.release(2);
    EXPECT_EQ(std::optional<std::size_t>(1), set.wait_any(evobj::deadline::immediate()));
    EXPECT_EQ(sem.count(), 1U);
    EXPECT_FALSE(set.wait_all(evobj::deadline::immediate()));
    ev.set();
    EXPECT_TRUE(set.wait_all(evobj::deadline::immediate()));
    EXPECT_EQ(sem.count(), 0U);
    EXPECT_FALSE(ev.is_set());
}

TEST_F(Semaphore, AsTheAlertItTakesAUnit)
{
    const evobj::event ev = evobj::event::create(kind::synchronization);
    const evobj::semaphore alert = evobj::semaphore::create(1, 1);
    const evobj::wait_result r =
        evobj::wait_any({ev}, evobj::deadline::immediate(), evobj::wait_options{.alert = alert, .signal = {}});
    EXPECT_TRUE(r.alerted());
    EXPECT_EQ(alert.count(), 0U);
    EXPECT_TRUE(evobj::wait_any({ev}, evobj::deadline::immediate(), evobj::wait_options{.alert = alert, .signal = {}})
                    .timed_out());
}

TEST_F(Semaphore, SignalAndWaitReleasesOneUnit)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 1);
    const evobj::event ev = evobj::event::create(kind::notification, true);
    EXPECT_TRUE(evobj::signal_and_wait(sem, ev, evobj::deadline::immediate()));
    EXPECT_EQ(sem.count(), 1U);
    // At its maximum the call fails before it waits: nothing taken.
    const evobj::event sync = evobj::event::create(kind::synchronization, true);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::signal_and_wait(sem, sync)); }, EOVERFLOW,
                             "EVOBJ_IOC_WAIT_ANY"));
    EXPECT_TRUE(sync.is_set());
    EXPECT_EQ(sem.count(), 1U);
}

TEST_F(Semaphore, SignalAndWaitWakesTheSemaphoresWaiter)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 1);
    const evobj::event never = evobj::event::create(kind::notification);
    std::thread t([&] { EXPECT_TRUE(sem.wait_for(slack)); });
    ASSERT_TRUE(await_waiters(sem.native_handle(), 1));
    EXPECT_FALSE(evobj::signal_and_wait(sem, never, evobj::deadline::after(short_timeout)));
    t.join();
    EXPECT_EQ(sem.count(), 0U); // released to the waiter, which took it
}

TEST_F(Semaphore, SignalAndWaitForASemaphore)
{
    const evobj::event to_set = evobj::event::create(kind::notification);
    const evobj::semaphore a = evobj::semaphore::create(1, 1);
    const evobj::semaphore b = evobj::semaphore::create(0, 1);
    EXPECT_TRUE(evobj::signal_and_wait(evobj::event_ref(to_set), a, evobj::deadline::immediate()));
    EXPECT_TRUE(to_set.is_set());
    EXPECT_EQ(a.count(), 0U);
    // Released a, then waited for all of a and b: b is empty.
    EXPECT_FALSE(evobj::signal_and_wait_all(a, {a, b}, evobj::deadline::immediate()));
    EXPECT_EQ(a.count(), 1U);
    EXPECT_EQ(std::optional<std::size_t>(0), evobj::signal_and_wait_any(b, {b, a}, evobj::deadline::immediate()));
    EXPECT_EQ(b.count(), 0U);
}

TEST_F(Semaphore, PollSaysReadableWhileTheCountIsAboveZero)
{
    const evobj::semaphore sem = evobj::semaphore::create(0, 2);
    pollfd p{sem.native_handle(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 0);
    sem.release();
    EXPECT_EQ(::poll(&p, 1, 0), 1);
    EXPECT_NE(p.revents & POLLIN, 0);
    EXPECT_EQ(sem.count(), 1U); // polling takes nothing
}

TEST_F(Semaphore, MovedFromIsEmptyAndReleaseHandleGivesTheFd)
{
    evobj::semaphore a = evobj::semaphore::create(1, 1);
    const int fd = a.native_handle();
    evobj::semaphore b = std::move(a);
    EXPECT_FALSE(a.valid()); // NOLINT(bugprone-use-after-move): the documented state
    EXPECT_EQ(b.native_handle(), fd);
    EXPECT_TRUE(throws_errno([&] { a.release(); }, EBADF, "EVOBJ_IOC_RELEASE"));
    const int owned = b.release_handle();
    EXPECT_EQ(owned, fd);
    EXPECT_FALSE(b.valid());
    const evobj::semaphore c = evobj::semaphore::adopt(owned);
    EXPECT_EQ(c.count(), 1U);
}

TEST_F(Semaphore, ThroughAGivenDevice)
{
    const evobj::device dev = evobj::device::open();
    const evobj::semaphore sem = dev.create_semaphore(1, 2);
    EXPECT_EQ(std::optional<std::size_t>(0), dev.wait_any({sem}, evobj::deadline::immediate()));
    EXPECT_EQ(sem.count(), 0U);
}

class NamedSemaphore : public Semaphore {};

TEST_F(NamedSemaphore, CreatesThenOpensTheSameSemaphore)
{
    const std::string name = unique_name("same");
    const evobj::opened_semaphore first = evobj::semaphore::open(name, 1, 3);
    EXPECT_TRUE(first.created);
    ASSERT_TRUE(first.sem.valid());
    // The existing semaphore's count and maximum win.
    const evobj::opened_semaphore second = evobj::semaphore::open(name, 0, 7);
    EXPECT_FALSE(second.created);
    EXPECT_EQ(second.sem.query(), (evobj::semaphore_state{1, 3}));
    EXPECT_EQ(first.sem.release(), 1U);
    EXPECT_TRUE(second.sem.try_wait());
    EXPECT_EQ(first.sem.count(), 1U);
    EXPECT_NE(::fcntl(second.sem.native_handle(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST_F(NamedSemaphore, Dispositions)
{
    const std::string name = unique_name("disp");
    EXPECT_TRUE(throws_errno(
        [&] { static_cast<void>(evobj::semaphore::open(name, 0, 1, disposition::open_existing)); }, ENOENT,
        "EVOBJ_IOC_OPEN"));
    const evobj::opened_semaphore made = evobj::semaphore::open(name, 0, 1, disposition::create_new);
    EXPECT_TRUE(made.created);
    EXPECT_TRUE(throws_errno(
        [&] { static_cast<void>(evobj::semaphore::open(name, 0, 1, disposition::create_new)); }, EEXIST,
        "EVOBJ_IOC_OPEN"));
    const evobj::opened_semaphore again = evobj::semaphore::open(name, 0, 1, disposition::open_existing);
    EXPECT_FALSE(again.created);
}

TEST_F(NamedSemaphore, ANameOfTheOtherKindIsEmediumtype)
{
    const std::string ev_name = unique_name("event");
    const evobj::opened ev = evobj::event::open(ev_name, kind::synchronization);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::semaphore::open(ev_name, 0, 1)); }, EMEDIUMTYPE,
                             "EVOBJ_IOC_OPEN"));
    const std::string sem_name = unique_name("semaphore");
    const evobj::opened_semaphore sem = evobj::semaphore::open(sem_name, 0, 1);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::event::open(sem_name, kind::notification)); },
                             EMEDIUMTYPE, "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno(
        [&] { static_cast<void>(evobj::event::open(sem_name, kind::synchronization, disposition::open_existing)); },
        EMEDIUMTYPE, "EVOBJ_IOC_OPEN"));
}

TEST_F(NamedSemaphore, BadCountsAndNamesAreRefused)
{
    const std::string name = unique_name("bad");
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::semaphore::open(name, 2, 1)); }, EINVAL,
                             "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::semaphore::open(name, 0, 0)); }, EINVAL,
                             "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::semaphore::open(name, 0, 1, disposition::open_or_create,
                                                                            0600, 0x80)); },
                             EINVAL, "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno([] { static_cast<void>(evobj::semaphore::open("", 0, 1)); }, EINVAL, "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno([] { static_cast<void>(evobj::semaphore::open(std::string(256, 'x'), 0, 1)); },
                             ENAMETOOLONG, "EVOBJ_IOC_OPEN"));
    // None of them made the name.
    EXPECT_TRUE(throws_errno(
        [&] { static_cast<void>(evobj::semaphore::open(name, 0, 1, disposition::open_existing)); }, ENOENT,
        "EVOBJ_IOC_OPEN"));
}

} // namespace
