// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Named events (EVOBJ_IOC_OPEN) through event::open and
// device::open_event: the three dispositions, "created", an existing
// name's type and state winning, the name's lifetime, the permission
// check, and each error the library promises, the name checks among them
// done before any system call.
#include <atomic>
#include <cerrno>
#include <fstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <evobj/evobj.hpp>
#include <evobj/uapi/linux/evobj.h>

#include "helpers.hpp"

namespace {

using evobj::disposition;
using evobj::kind;
using evobj_test::throws_errno;

static_assert(std::is_same_v<decltype(evobj::opened::created), bool>);
static_assert(std::is_same_v<decltype(evobj::opened::ev), evobj::event>);
static_assert(evobj::name_max == EVOBJ_NAME_MAX);

// A name no other test or run uses.
std::string unique_name(const char* what)
{
    static std::atomic<int> counter{0};
    return "evobj-test/" + std::to_string(::getpid()) + "/" + std::to_string(counter++) + "/" + what;
}

// Needs the module and, in it, named events: a module without them says
// ENOTTY to EVOBJ_IOC_OPEN, and these tests skip there.
class Named : public evobj_test::Device {
protected:
    void SetUp() override
    {
        evobj_test::Device::SetUp();
        if (IsSkipped() || HasFailure())
            return;
        try {
            static_cast<void>(evobj::event::open(unique_name("probe"), kind::notification));
        } catch (const std::system_error& e) {
            if (e.code().value() == ENOTTY)
                GTEST_SKIP() << "this evobj module has no named events (EVOBJ_IOC_OPEN: ENOTTY)";
            throw;
        }
    }
};

TEST_F(Named, CreatesThenOpensTheSameEvent)
{
    const std::string name = unique_name("same");
    const evobj::opened first = evobj::event::open(name, kind::notification);
    EXPECT_TRUE(first.created);
    ASSERT_TRUE(first.ev.valid());
    const evobj::opened second = evobj::event::open(name, kind::notification);
    EXPECT_FALSE(second.created);
    EXPECT_NE(first.ev.native_handle(), second.ev.native_handle());
    EXPECT_FALSE(second.ev.is_set());
    first.ev.set();
    EXPECT_TRUE(second.ev.is_set());
    EXPECT_TRUE(second.ev.wait_for(std::chrono::seconds(0)));
}

TEST_F(Named, TheFdIsCloexec)
{
    const evobj::opened o = evobj::event::open(unique_name("cloexec"), kind::notification);
    EXPECT_EQ(FD_CLOEXEC, ::fcntl(o.ev.native_handle(), F_GETFD));
}

TEST_F(Named, ExistingKeepsItsTypeAndState)
{
    const std::string name = unique_name("keeps");
    const evobj::opened made = evobj::event::open(name, kind::notification, disposition::create_new, 0600, true);
    ASSERT_TRUE(made.created);
    EXPECT_EQ((evobj::event_state{kind::notification, true}), made.ev.query());
    const evobj::opened again = evobj::event::open(name, kind::synchronization, disposition::open_or_create, 0600, false);
    EXPECT_FALSE(again.created);
    EXPECT_EQ((evobj::event_state{kind::notification, true}), again.ev.query());
}

TEST_F(Named, CreatedWithTheKindAndStateAsked)
{
    const evobj::opened o =
        evobj::event::open(unique_name("asked"), kind::synchronization, disposition::open_or_create, 0600, true);
    ASSERT_TRUE(o.created);
    EXPECT_EQ((evobj::event_state{kind::synchronization, true}), o.ev.query());
    EXPECT_TRUE(o.ev.try_wait());
    EXPECT_FALSE(o.ev.is_set()); // consumed
}

TEST_F(Named, OpenExistingOfAMissingNameIsEnoent)
{
    EXPECT_TRUE(throws_errno(
        [] { static_cast<void>(evobj::event::open(unique_name("missing"), kind::notification, disposition::open_existing)); },
        ENOENT, "EVOBJ_IOC_OPEN"));
}

TEST_F(Named, OpenExistingOpens)
{
    const std::string name = unique_name("existing");
    const evobj::opened made = evobj::event::open(name, kind::synchronization, disposition::create_new);
    const evobj::opened o = evobj::event::open(name, kind::notification, disposition::open_existing);
    EXPECT_FALSE(o.created);
    EXPECT_EQ(kind::synchronization, o.ev.type());
}

TEST_F(Named, CreateNewOfATakenNameIsEexist)
{
    const std::string name = unique_name("taken");
    const evobj::opened made = evobj::event::open(name, kind::notification, disposition::create_new);
    EXPECT_TRUE(made.created);
    EXPECT_TRUE(throws_errno(
        [&] { static_cast<void>(evobj::event::open(name, kind::notification, disposition::create_new)); },
        EEXIST, "EVOBJ_IOC_OPEN"));
}

TEST_F(Named, TheNameLivesAsLongAsTheEvent)
{
    const std::string name = unique_name("lifetime");
    {
        evobj::opened a = evobj::event::open(name, kind::notification, disposition::create_new, 0600, true);
        const evobj::opened b = evobj::event::open(name, kind::notification, disposition::open_existing);
        // Closing one of two fds leaves the name.
        a.ev = evobj::event();
        EXPECT_FALSE(evobj::event::open(name, kind::notification, disposition::open_existing).created);
        EXPECT_TRUE(b.ev.is_set());
    }
    // The last close removed it: open-only fails, and a create is fresh.
    EXPECT_TRUE(throws_errno(
        [&] { static_cast<void>(evobj::event::open(name, kind::notification, disposition::open_existing)); },
        ENOENT, "EVOBJ_IOC_OPEN"));
    const evobj::opened fresh = evobj::event::open(name, kind::notification);
    EXPECT_TRUE(fresh.created);
    EXPECT_FALSE(fresh.ev.is_set());
}

// The name checks happen before any system call: an empty device (whose
// ioctl would fail with EBADF) shows it.
TEST(NamedChecks, EmptyNameIsEinval)
{
    const evobj::device none;
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(none.open_event("", kind::notification)); }, EINVAL,
                             "EVOBJ_IOC_OPEN"));
}

TEST(NamedChecks, NulInTheNameIsEinval)
{
    const evobj::device none;
    using namespace std::string_view_literals;
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(none.open_event("job\0ready"sv, kind::notification)); },
                             EINVAL, "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(none.open_event("\0"sv, kind::notification)); }, EINVAL,
                             "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(none.open_event("job\0"sv, kind::notification)); }, EINVAL,
                             "EVOBJ_IOC_OPEN"));
}

TEST(NamedChecks, LongerThanNameMaxIsEnametoolong)
{
    const evobj::device none;
    const std::string too_long(evobj::name_max + 1, 'x');
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(none.open_event(too_long, kind::notification)); },
                             ENAMETOOLONG, "EVOBJ_IOC_OPEN"));
    // name_max itself passes the checks and reaches the (absent) device.
    const std::string longest(evobj::name_max, 'x');
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(none.open_event(longest, kind::notification)); }, EBADF,
                             "EVOBJ_IOC_OPEN"));
}

TEST_F(Named, TheLongestNameWorks)
{
    std::string name = unique_name("");
    name.resize(evobj::name_max, 'y');
    const evobj::opened a = evobj::event::open(name, kind::notification);
    EXPECT_TRUE(a.created);
    EXPECT_FALSE(evobj::event::open(name, kind::notification).created);
}

TEST_F(Named, NamesAreBytes)
{
    // Anything but NUL: spaces, slashes, backslashes, control and UTF-8 bytes.
    const std::string name = unique_name("a b\\c\n\x01\xc3\xa9");
    const evobj::opened a = evobj::event::open(name, kind::notification);
    EXPECT_TRUE(a.created);
    EXPECT_FALSE(evobj::event::open(name, kind::notification).created);
    // A prefix is another name.
    EXPECT_TRUE(evobj::event::open(name.substr(0, name.size() - 1), kind::notification).created);
}

TEST_F(Named, ModeOutsidePermissionBitsIsEinval)
{
    EXPECT_TRUE(throws_errno(
        [] { static_cast<void>(evobj::event::open(unique_name("mode"), kind::notification, disposition::open_or_create, 01000)); },
        EINVAL, "EVOBJ_IOC_OPEN"));
    EXPECT_TRUE(throws_errno(
        [] { static_cast<void>(evobj::event::open(unique_name("mode"), kind::notification, disposition::open_or_create, 0x10000 | 0600)); },
        EINVAL, "EVOBJ_IOC_OPEN"));
}

TEST_F(Named, ModeDeniesOtherUsersWithEacces)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root, to open as another user";
    const std::string priv = unique_name("private");
    const std::string pub = unique_name("public");
    const evobj::opened a = evobj::event::open(priv, kind::notification, disposition::create_new, 0600);
    const evobj::opened b = evobj::event::open(pub, kind::notification, disposition::create_new, 0666);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // A child that gave up root for nobody: its own device fd, since
        // the parent's instance may not be open yet and root opened it.
        int status = 0;
        try {
            if (::setgid(65534) != 0 || ::setuid(65534) != 0)
                ::_exit(10);
            const evobj::device dev = evobj::device::open();
            try {
                static_cast<void>(dev.open_event(priv, kind::notification, disposition::open_existing));
                status = 11;
            } catch (const std::system_error& e) {
                if (e.code().value() != EACCES)
                    status = 12;
            }
            if (status == 0 && dev.open_event(pub, kind::notification, disposition::open_existing).created)
                status = 13;
        } catch (...) {
            status = 14;
        }
        ::_exit(status);
    }
    int status = 0;
    ASSERT_EQ(pid, ::waitpid(pid, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(0, WEXITSTATUS(status)) << "10: setuid, 11: opened a 0600 event as nobody, 12: not EACCES, "
                                         "13: a 0666 event not opened, 14: another error";
}

// max_names, the module parameter that limits each user's named events.
class NamedLimit : public Named {
protected:
    static constexpr const char* param = "/sys/module/evobj/parameters/max_names";

    void SetUp() override
    {
        Named::SetUp();
        if (IsSkipped() || HasFailure())
            return;
        std::ifstream in(param);
        if (!(in >> saved_) || ::access(param, W_OK) != 0)
            GTEST_SKIP() << param << " cannot be changed here (needs root)";
    }
    void TearDown() override
    {
        if (saved_ != 0)
            set_limit(saved_);
    }
    static void set_limit(unsigned long n) { std::ofstream(param) << n << '\n'; }

    unsigned long saved_ = 0;
};

TEST_F(NamedLimit, PastTheUsersLimitIsEnospc)
{
    // The probe's name is gone; this test holds no other name.
    set_limit(2);
    const std::string name_a = unique_name("limit-a");
    const evobj::opened a = evobj::event::open(name_a, kind::notification);
    const evobj::opened b = evobj::event::open(unique_name("limit-b"), kind::notification);
    EXPECT_TRUE(throws_errno(
        [] { static_cast<void>(evobj::event::open(unique_name("limit-c"), kind::notification)); }, ENOSPC,
        "EVOBJ_IOC_OPEN"));
    // Opening an existing name takes no more of the limit.
    EXPECT_FALSE(evobj::event::open(name_a, kind::notification).created);
}

TEST_F(Named, OnAGivenDeviceTheEventWaitsThroughIt)
{
    const evobj::device dev = evobj::device::open();
    const std::string name = unique_name("device");
    const evobj::opened a = dev.open_event(name, kind::synchronization, disposition::open_or_create, 0600, true);
    EXPECT_TRUE(a.created);
    EXPECT_TRUE(a.ev.try_wait());
    const evobj::opened b = dev.open_event(name, kind::synchronization);
    EXPECT_FALSE(b.created);
    a.ev.set();
    EXPECT_TRUE(b.ev.try_wait());
}

TEST_F(Named, RacingCreatorsMakeOneEvent)
{
    // Many threads opening one name at once: exactly one creates it.
    const std::string name = unique_name("race");
    std::atomic<int> created{0};
    std::vector<evobj::event> kept(8);
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&, i] {
                evobj::opened o = evobj::event::open(name, kind::notification);
                created += o.created;
                kept[static_cast<std::size_t>(i)] = std::move(o.ev);
            });
    }
    EXPECT_EQ(1, created);
    kept[0].set();
    for (const evobj::event& e : kept)
        EXPECT_TRUE(e.is_set());
}

} // namespace
