// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::mutex against the real module: create and its checks, the owner
// and recursion count, unlock's previous count and EPERM, kill and the
// abandonment the next acquirer is told of (wait_result::abandoned, in
// every kind of wait), wait-any and wait-all over mutexes beside events
// and semaphores, wait sets, the alert, signal-and-wait unlocking, the
// default owner (the calling thread) and explicit ones, polling, and
// named mutexes (one namespace, EMEDIUMTYPE across kinds).
#include <atomic>
#include <cerrno>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <evobj/evobj.hpp>
#include <evobj/uapi/linux/evobj.h>

#include "helpers.hpp"

namespace {

using namespace std::chrono_literals;
using evobj::disposition;
using evobj::kind;
using evobj::mutex_state;
using evobj_test::short_timeout;
using evobj_test::slack;
using evobj_test::throws_errno;

static_assert(std::is_nothrow_move_constructible_v<evobj::mutex>);
static_assert(!std::is_copy_constructible_v<evobj::mutex>);
// A mutex goes wherever an event does in a wait, but never a temporary.
static_assert(std::is_convertible_v<const evobj::mutex&, evobj::event_ref>);
static_assert(!std::is_constructible_v<evobj::event_ref, evobj::mutex&&>);
static_assert(std::is_convertible_v<std::vector<evobj::mutex>&, evobj::event_span>);

// Needs the module and, in it, mutexes: one without them says ENOTTY to
// EVOBJ_IOC_CREATE_MUTEX, and these tests skip there (not in the VM).
class Mutex : public evobj_test::Device {
protected:
    void SetUp() override
    {
        evobj_test::Device::SetUp();
        if (IsSkipped() || HasFailure())
            return;
        try {
            static_cast<void>(evobj::mutex::create());
        } catch (const std::system_error& e) {
            if (e.code().value() == ENOTTY && !evobj_test::device_required())
                GTEST_SKIP() << "this evobj module has no mutexes (ENOTTY)";
            throw;
        }
    }
};

using NamedMutex = Mutex;

const evobj::owner_id me = evobj::this_thread_owner();

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

std::string unique_name(const char* what)
{
    static std::atomic<int> counter{0};
    return "evobj-test-mutex/" + std::to_string(::getpid()) + "/" + std::to_string(counter++) + "/" + what;
}

TEST(MutexOwner, IsTheCallingThreadsId)
{
    EXPECT_EQ(evobj::this_thread_owner(), static_cast<evobj::owner_id>(::gettid()));
    EXPECT_EQ(evobj::this_thread_owner(), evobj::this_thread_owner());
    evobj::owner_id other = 0;
    std::thread([&] { other = evobj::this_thread_owner(); }).join();
    EXPECT_NE(other, 0U);
    EXPECT_NE(other, evobj::this_thread_owner());
}

TEST(MutexOwner, AForkChildHasItsOwn)
{
    const evobj::owner_id parent = evobj::this_thread_owner();
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const evobj::owner_id child = evobj::this_thread_owner();
        const char ok = child == static_cast<evobj::owner_id>(::gettid()) && child != parent ? 'y' : 'n';
        static_cast<void>(::write(fds[1], &ok, 1));
        ::_exit(0);
    }
    char ok = 0;
    EXPECT_EQ(::read(fds[0], &ok, 1), 1);
    EXPECT_EQ(ok, 'y');
    ::close(fds[0]);
    ::close(fds[1]);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

TEST_F(Mutex, CreateUnownedOrOwned)
{
    const evobj::mutex free = evobj::mutex::create();
    ASSERT_TRUE(free.valid());
    EXPECT_EQ(free.query(), (mutex_state{0, 0, false}));
    evobj_state st{};
    ASSERT_EQ(::ioctl(free.native_handle(), EVOBJ_IOC_READ, &st), 0);
    EXPECT_EQ(st.type, static_cast<std::uint32_t>(EVOBJ_MUTEX));
    EXPECT_EQ(st.signaled, 1U);

    const evobj::mutex held = evobj::mutex::create(42, 3);
    EXPECT_EQ(held.query(), (mutex_state{42, 3, false}));
    EXPECT_EQ(held.owner(), 42U);
    EXPECT_EQ(held.count(), 3U);
    ASSERT_EQ(::ioctl(held.native_handle(), EVOBJ_IOC_READ, &st), 0);
    EXPECT_EQ(st.signaled, 0U);
    // The default count of an owned mutex is 1.
    EXPECT_EQ(evobj::mutex::create(me).query(), (mutex_state{me, 1, false}));
}

TEST_F(Mutex, CreateRefusesAnOwnerWithoutACountAndBadFlags)
{
    const char* const op = "EVOBJ_IOC_CREATE_MUTEX";
    EXPECT_TRUE(throws_errno([] { static_cast<void>(evobj::mutex::create(42, 0)); }, EINVAL, op));
    EXPECT_TRUE(throws_errno([] { static_cast<void>(evobj::mutex::create(0, 1, 0x80)); }, EINVAL, op));
}

TEST_F(Mutex, TheFdIsCloexecUnlessInheritable)
{
    const evobj::mutex plain = evobj::mutex::create();
    EXPECT_NE(::fcntl(plain.native_handle(), F_GETFD) & FD_CLOEXEC, 0);
    const evobj::mutex both =
        evobj::mutex::create(0, 1, evobj::mutex_flags::inheritable | evobj::mutex_flags::nonblock);
    EXPECT_EQ(::fcntl(both.native_handle(), F_GETFD) & FD_CLOEXEC, 0);
    EXPECT_NE(::fcntl(both.native_handle(), F_GETFL) & O_NONBLOCK, 0);
}

TEST_F(Mutex, ItsOwnerTakesItAgainAndUnlockReturnsThePreviousCount)
{
    const evobj::mutex m = evobj::mutex::create();
    for (int i = 0; i < 3; ++i) {
        const evobj::wait_result r = m.try_wait();
        EXPECT_TRUE(r.signaled());
        EXPECT_FALSE(r.abandoned());
    }
    EXPECT_EQ(m.query(), (mutex_state{me, 3, false}));
    EXPECT_EQ(m.unlock(), 3U);
    EXPECT_EQ(m.unlock(), 2U);
    EXPECT_EQ(m.query(), (mutex_state{me, 1, false}));
    EXPECT_EQ(m.unlock(), 1U);
    EXPECT_EQ(m.query(), (mutex_state{0, 0, false}));
    // Unowned: nobody's to unlock.
    EXPECT_TRUE(throws_errno([&] { m.unlock(); }, EPERM, "EVOBJ_IOC_UNLOCK"));
}

TEST_F(Mutex, AnotherOwnerCannotUnlockKillOrTakeIt)
{
    const evobj::mutex m = evobj::mutex::create(me, 1);
    EXPECT_TRUE(throws_errno([&] { m.unlock(me + 1); }, EPERM, "EVOBJ_IOC_UNLOCK"));
    EXPECT_TRUE(throws_errno([&] { m.kill(me + 1); }, EPERM, "EVOBJ_IOC_KILL"));
    EXPECT_TRUE(throws_errno([&] { m.unlock(0); }, EINVAL, "EVOBJ_IOC_UNLOCK"));
    EXPECT_TRUE(m.try_wait(me + 1).timed_out());
    EXPECT_TRUE(m.wait_for(short_timeout, me + 1).timed_out());
    EXPECT_EQ(m.query(), (mutex_state{me, 1, false}));
    EXPECT_EQ(m.unlock(), 1U);
    EXPECT_TRUE(m.try_wait(me + 1).signaled());
    EXPECT_EQ(m.owner(), me + 1);
    EXPECT_TRUE(throws_errno([&] { m.unlock(); }, EPERM, "EVOBJ_IOC_UNLOCK"));
    EXPECT_EQ(m.unlock(me + 1), 1U);
}

TEST_F(Mutex, OperationsOfOtherKindsAreEinval)
{
    const evobj::mutex m = evobj::mutex::create();
    const evobj::event ev = evobj::event::create(kind::notification);
    const evobj::event as_event = evobj::event::adopt(::fcntl(m.native_handle(), F_DUPFD_CLOEXEC, 0));
    EXPECT_TRUE(throws_errno([&] { as_event.set(); }, EINVAL, "EVOBJ_IOC_SET"));
    EXPECT_TRUE(throws_errno([&] { as_event.reset(); }, EINVAL, "EVOBJ_IOC_RESET"));
    const evobj::semaphore as_sem = evobj::semaphore::adopt(::fcntl(m.native_handle(), F_DUPFD_CLOEXEC, 0));
    EXPECT_TRUE(throws_errno([&] { as_sem.release(); }, EINVAL, "EVOBJ_IOC_RELEASE"));
    const evobj::mutex as_mutex = evobj::mutex::adopt(::fcntl(ev.native_handle(), F_DUPFD_CLOEXEC, 0));
    EXPECT_TRUE(throws_errno([&] { as_mutex.unlock(); }, EINVAL, "EVOBJ_IOC_UNLOCK"));
    EXPECT_TRUE(throws_errno([&] { as_mutex.kill(me); }, EINVAL, "EVOBJ_IOC_KILL"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(as_mutex.query()); }, EINVAL, "EVOBJ_IOC_READ_MUTEX"));
    EXPECT_EQ(m.query(), (mutex_state{0, 0, false}));
}

TEST_F(Mutex, AnotherThreadBlocksUntilTheLastUnlock)
{
    const evobj::mutex m = evobj::mutex::create(me, 2);
    std::atomic<bool> got{false};
    evobj::owner_id theirs = 0;
    std::thread t([&] {
        theirs = evobj::this_thread_owner();
        EXPECT_TRUE(m.wait().signaled());
        got = true;
        EXPECT_EQ(m.unlock(), 1U);
    });
    ASSERT_TRUE(await_waiters(m.native_handle(), 1));
    EXPECT_EQ(m.unlock(), 2U);
    std::this_thread::sleep_for(short_timeout);
    EXPECT_FALSE(got); // still ours, count 1
    EXPECT_EQ(m.unlock(), 1U);
    t.join();
    EXPECT_TRUE(got);
    EXPECT_NE(theirs, me);
    EXPECT_EQ(m.query(), (mutex_state{0, 0, false}));
}

TEST_F(Mutex, KillAbandonsItAndTheNextAcquirerIsTold)
{
    const evobj::mutex m = evobj::mutex::create(7, 2);
    m.kill(7);
    EXPECT_EQ(m.query(), (mutex_state{0, 0, true}));
    const evobj::wait_result r = m.try_wait();
    EXPECT_TRUE(r.signaled());
    EXPECT_TRUE(r.abandoned());
    EXPECT_EQ(r.index(), 0U);
    // Ours now, and no longer abandoned.
    EXPECT_EQ(m.query(), (mutex_state{me, 1, false}));
    const evobj::wait_result again = m.try_wait();
    EXPECT_TRUE(again.signaled());
    EXPECT_FALSE(again.abandoned());
    EXPECT_EQ(m.unlock(), 2U);
    EXPECT_EQ(m.unlock(), 1U);
    // Killing for someone who holds nothing.
    EXPECT_TRUE(throws_errno([&] { m.kill(7); }, EPERM, "EVOBJ_IOC_KILL"));
}

TEST_F(Mutex, AKillWakesABlockedWaiterWithAbandoned)
{
    const evobj::mutex m = evobj::mutex::create(7, 1);
    evobj::wait_result r(evobj::wait_status::timed_out);
    std::thread t([&] {
        r = m.wait();
        static_cast<void>(m.unlock());
    });
    ASSERT_TRUE(await_waiters(m.native_handle(), 1));
    m.kill(7);
    t.join();
    EXPECT_TRUE(r.signaled());
    EXPECT_TRUE(r.abandoned());
}

TEST_F(Mutex, WaitAnyOverMixedObjectsAcquiresTheWinnerAndSaysAbandoned)
{
    const evobj::event ev = evobj::event::create(kind::synchronization);
    const evobj::semaphore sem = evobj::semaphore::create(0, 1);
    const evobj::mutex m = evobj::mutex::create(9, 1);
    EXPECT_FALSE(evobj::wait_any({ev, sem, m}, evobj::deadline::immediate()).has_value());
    m.kill(9);
    const evobj::wait_result r = evobj::wait_any({ev, sem, m}, evobj::deadline::immediate(), evobj::wait_options{});
    EXPECT_TRUE(r.signaled());
    EXPECT_TRUE(r.abandoned());
    EXPECT_EQ(r.index(), 2U);
    EXPECT_EQ(m.query(), (mutex_state{me, 1, false}));
    // Owned by us, the mutex satisfies our waits: the lowest index wins.
    ev.set();
    const evobj::wait_result r2 = evobj::wait_any({m, ev}, evobj::deadline::immediate(), evobj::wait_options{});
    EXPECT_EQ(r2, evobj::wait_result(evobj::wait_status::signaled, 0));
    EXPECT_TRUE(ev.is_set());
    EXPECT_EQ(m.count(), 2U);
    // The simple form reports the index alone.
    EXPECT_EQ(evobj::wait_any({ev, m}, evobj::deadline::immediate()), std::optional<std::size_t>(0));
    EXPECT_EQ(m.unlock(), 2U);
    EXPECT_EQ(m.unlock(), 1U);
}

TEST_F(Mutex, WaitAnyOverARangeOfMutexes)
{
    std::vector<evobj::mutex> ms;
    ms.push_back(evobj::mutex::create(5, 1));
    ms.push_back(evobj::mutex::create());
    EXPECT_EQ(evobj::wait_any(ms, evobj::deadline::immediate()), std::optional<std::size_t>(1));
    EXPECT_EQ(ms[1].owner(), me);
    EXPECT_EQ(ms[0].owner(), 5U);
}

TEST_F(Mutex, WaitAllAcquiresEveryMutexAtomically)
{
    const evobj::event ev = evobj::event::create(kind::synchronization, true);
    const evobj::semaphore sem = evobj::semaphore::create(1, 1);
    const evobj::mutex a = evobj::mutex::create();
    const evobj::mutex b = evobj::mutex::create(5, 1);
    // b is another owner's: nothing is taken.
    EXPECT_FALSE(evobj::wait_all({ev, sem, a, b}, evobj::deadline::after(short_timeout)));
    EXPECT_TRUE(ev.is_set());
    EXPECT_EQ(sem.count(), 1U);
    EXPECT_EQ(a.query(), (mutex_state{0, 0, false}));
    // Abandoned: the wait-all completes, acquiring both, and says so.
    b.kill(5);
    const evobj::wait_result r = evobj::wait_all({ev, sem, a, b}, evobj::deadline::immediate(), evobj::wait_options{});
    EXPECT_TRUE(r.signaled());
    EXPECT_TRUE(r.abandoned());
    EXPECT_FALSE(ev.is_set());
    EXPECT_EQ(sem.count(), 0U);
    EXPECT_EQ(a.query(), (mutex_state{me, 1, false}));
    EXPECT_EQ(b.query(), (mutex_state{me, 1, false}));
}

TEST_F(Mutex, WaitAllNamingOneMutexTwiceIsEinval)
{
    const evobj::mutex m = evobj::mutex::create();
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::wait_all({m, m}, evobj::deadline::immediate())); },
                             EINVAL, "EVOBJ_IOC_WAIT_ALL"));
    EXPECT_EQ(m.owner(), 0U);
}

TEST_F(Mutex, AnExplicitOwnerInTheOptions)
{
    const evobj::mutex m = evobj::mutex::create();
    const evobj::event ev = evobj::event::create(kind::notification);
    const evobj::wait_result r =
        evobj::wait_any({ev, m}, evobj::deadline::immediate(), {.alert = {}, .signal = {}, .owner = 1234});
    EXPECT_EQ(r.index(), 1U);
    EXPECT_EQ(m.query(), (mutex_state{1234, 1, false}));
    EXPECT_TRUE(m.try_wait().timed_out()); // not the calling thread's
    EXPECT_TRUE(m.try_wait(1234).signaled());
    EXPECT_EQ(m.unlock(1234), 2U);
}

TEST_F(Mutex, AWaitSetHoldsMutexesBesideEvents)
{
    const evobj::event ev = evobj::event::create(kind::synchronization);
    const evobj::mutex m = evobj::mutex::create(3, 1);
    const evobj::wait_set set({ev, m});
    EXPECT_FALSE(set.wait_any(evobj::deadline::immediate()).has_value());
    m.kill(3);
    const evobj::wait_result r = set.wait_any(evobj::deadline::immediate(), evobj::wait_options{});
    EXPECT_TRUE(r.signaled());
    EXPECT_TRUE(r.abandoned());
    EXPECT_EQ(r.index(), 1U);
    EXPECT_EQ(m.owner(), me);
    // Our own waits keep acquiring it; another owner's do not.
    EXPECT_FALSE(set.wait_all(evobj::deadline::immediate()));
    ev.set();
    EXPECT_TRUE(set.wait_all(evobj::deadline::immediate(), {.alert = {}, .signal = {}, .owner = 77}).timed_out());
    EXPECT_TRUE(ev.is_set());
    EXPECT_TRUE(set.wait_all(evobj::deadline::immediate()));
    EXPECT_EQ(m.count(), 2U);
}

TEST_F(Mutex, AsTheAlertItIsAcquired)
{
    const evobj::event ev = evobj::event::create(kind::notification);
    const evobj::mutex m = evobj::mutex::create();
    const evobj::wait_result r = evobj::wait_any({ev}, evobj::deadline::immediate(), {.alert = m, .signal = {}});
    EXPECT_TRUE(r.alerted());
    EXPECT_FALSE(r.abandoned());
    EXPECT_EQ(m.query(), (mutex_state{me, 1, false}));
    m.kill(me);
    const evobj::wait_result r2 = evobj::wait_all({ev}, evobj::deadline::immediate(), {.alert = m, .signal = {}});
    EXPECT_TRUE(r2.alerted());
    EXPECT_TRUE(r2.abandoned());
}

TEST_F(Mutex, SignalAndWaitUnlocksOnceForTheWaitsOwner)
{
    const evobj::mutex m = evobj::mutex::create(me, 2);
    const evobj::event ev = evobj::event::create(kind::synchronization, true);
    EXPECT_TRUE(evobj::signal_and_wait(m, ev, evobj::deadline::immediate()));
    EXPECT_EQ(m.query(), (mutex_state{me, 1, false}));
    ev.set();
    EXPECT_TRUE(evobj::signal_and_wait(m, ev, evobj::deadline::immediate()));
    EXPECT_EQ(m.query(), (mutex_state{0, 0, false}));
    // Not ours: EPERM before anything happens (the event stays set).
    const evobj::mutex theirs = evobj::mutex::create(5, 1);
    ev.set();
    EXPECT_TRUE(throws_errno(
        [&] { static_cast<void>(evobj::signal_and_wait(theirs, ev, evobj::deadline::immediate())); }, EPERM,
        "EVOBJ_IOC_WAIT_ANY"));
    EXPECT_TRUE(ev.is_set());
    EXPECT_EQ(theirs.query(), (mutex_state{5, 1, false}));
    // With the owner in the options, it is theirs to unlock.
    const evobj::wait_result r =
        evobj::wait_any({ev}, evobj::deadline::immediate(), {.alert = {}, .signal = theirs, .owner = 5});
    EXPECT_TRUE(r.signaled());
    EXPECT_EQ(theirs.query(), (mutex_state{0, 0, false}));
}

TEST_F(Mutex, SignalAndWaitHandsItToAWaiter)
{
    const evobj::mutex m = evobj::mutex::create(me, 1);
    const evobj::event done = evobj::event::create(kind::synchronization);
    std::thread t([&] {
        EXPECT_TRUE(m.wait().signaled());
        done.set();
        EXPECT_EQ(m.unlock(), 1U);
    });
    ASSERT_TRUE(await_waiters(m.native_handle(), 1));
    EXPECT_TRUE(evobj::signal_and_wait(m, done, evobj::deadline::after(slack)));
    t.join();
}

TEST_F(Mutex, SignalAndWaitForAMutex)
{
    const evobj::event ev = evobj::event::create(kind::notification);
    const evobj::mutex m = evobj::mutex::create();
    EXPECT_TRUE(evobj::signal_and_wait(ev, m, evobj::deadline::immediate()));
    EXPECT_TRUE(ev.is_set());
    EXPECT_EQ(m.owner(), me);
}

TEST_F(Mutex, PollSaysReadableWhileUnowned)
{
    const evobj::mutex m = evobj::mutex::create();
    pollfd p{m.native_handle(), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 1);
    EXPECT_TRUE(m.try_wait().signaled());
    p.revents = 0;
    EXPECT_EQ(::poll(&p, 1, 0), 0); // owned, even by us
    EXPECT_EQ(m.unlock(), 1U);
    EXPECT_EQ(::poll(&p, 1, 0), 1);
}

TEST_F(Mutex, MovedFromIsEmptyAndReleaseHandleGivesTheFd)
{
    evobj::mutex m = evobj::mutex::create();
    const int fd = m.native_handle();
    evobj::mutex n = std::move(m);
    EXPECT_FALSE(m.valid()); // NOLINT(bugprone-use-after-move): documented state
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(m.query()); }, EBADF, "EVOBJ_IOC_READ_MUTEX"));
    EXPECT_EQ(n.native_handle(), fd);
    const int released = n.release_handle();
    EXPECT_EQ(released, fd);
    EXPECT_FALSE(n.valid());
    const evobj::mutex back = evobj::mutex::adopt(released);
    EXPECT_EQ(back.query(), (mutex_state{0, 0, false}));
}

TEST_F(Mutex, ThroughAGivenDevice)
{
    const evobj::device dev = evobj::device::open();
    const evobj::mutex m = dev.create_mutex(me, 1);
    EXPECT_EQ(m.query(), (mutex_state{me, 1, false}));
    EXPECT_TRUE(dev.wait_any({m}, evobj::deadline::immediate()).has_value());
    EXPECT_EQ(m.count(), 2U);
}

TEST_F(NamedMutex, CreatesThenOpensTheSameMutexWithoutAcquiringIt)
{
    const std::string name = unique_name("shared");
    auto [first, created] = evobj::mutex::open(name, me, 1);
    EXPECT_TRUE(created);
    EXPECT_EQ(first.query(), (mutex_state{me, 1, false}));
    // Opening an existing one ignores owner and count.
    auto [second, created2] = evobj::mutex::open(name, 99, 5);
    EXPECT_FALSE(created2);
    EXPECT_EQ(second.query(), (mutex_state{me, 1, false}));
    EXPECT_EQ(second.unlock(), 1U);
    EXPECT_EQ(first.query(), (mutex_state{0, 0, false}));
    auto [third, created3] = evobj::mutex::open(name, 0, 0, disposition::open_existing);
    EXPECT_FALSE(created3);
    EXPECT_TRUE(third.try_wait(44).signaled());
    EXPECT_EQ(first.owner(), 44U);
}

TEST_F(NamedMutex, AnotherThreadMeetsItThroughTheName)
{
    const std::string name = unique_name("threads");
    auto [mine, created] = evobj::mutex::open(name);
    ASSERT_TRUE(created);
    EXPECT_EQ(mine.query(), (mutex_state{0, 0, false}));
    ASSERT_TRUE(mine.try_wait().signaled());
    std::thread t([&] {
        auto [theirs, c] = evobj::mutex::open(name, 0, 1, disposition::open_existing);
        EXPECT_FALSE(c);
        EXPECT_TRUE(theirs.try_wait().timed_out());
        theirs.kill(me); // as a manager of owner ids would
        const evobj::wait_result r = theirs.try_wait();
        EXPECT_TRUE(r.signaled());
        EXPECT_TRUE(r.abandoned());
        EXPECT_EQ(theirs.unlock(), 1U);
    });
    t.join();
    EXPECT_EQ(mine.query(), (mutex_state{0, 0, false}));
}

TEST_F(NamedMutex, DispositionsAndOtherKindsNames)
{
    const std::string name = unique_name("kinds");
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::mutex::open(name, 0, 0, disposition::open_existing)); },
                             ENOENT, "EVOBJ_IOC_OPEN"));
    auto [m, created] = evobj::mutex::open(name, 0, 0, disposition::create_new);
    EXPECT_TRUE(created);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::mutex::open(name, 0, 0, disposition::create_new)); },
                             EEXIST, "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::event::open(name, kind::notification)); }, EMEDIUMTYPE,
                             "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::semaphore::open(name, 0, 1)); }, EMEDIUMTYPE,
                             "EVOBJ_IOC_OPEN"));
    const std::string ev_name = unique_name("an-event");
    auto [ev, c] = evobj::event::open(ev_name, kind::notification);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::mutex::open(ev_name)); }, EMEDIUMTYPE, "EVOBJ_IOC_OPEN"));
    // A created one's owner without a count is refused.
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::mutex::open(unique_name("bad"), 42, 0)); }, EINVAL,
                             "EVOBJ_IOC_OPEN"));
}

} // namespace
