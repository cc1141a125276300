// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// An event waits through the device that made it: one made by
// device::open(path) must wait even where device::instance() cannot open
// /dev/evobj (the device bind-mounted elsewhere, in a container), and
// the device stays open for as long as its events need it.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <evobj/evobj.hpp>

#include "helpers.hpp"

namespace {

using evobj::kind;
using namespace evobj_test;

constexpr const char* child_env = "EVOBJ_TEST_HIDDEN_DEVICE";

// Exit statuses of the child below.
constexpr int child_ok = 0;
constexpr int child_failed = 1;
constexpr int child_cannot = 2; // no mount namespace here: not a verdict

int child_fail(const char* what)
{
    std::fprintf(stderr, "hidden-device child: %s\n", what);
    return child_failed;
}

// In a fresh process (the test binary run again, before main(), so that
// nothing has opened device::instance() yet): opens the device, then
// hides /dev/evobj behind an empty /dev in a private mount namespace,
// and checks that events made through the open device still wait.
int hidden_device_child()
{
    const evobj::device dev = evobj::device::open();
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("none", "/dev", "tmpfs", 0, nullptr) != 0) {
        std::fprintf(stderr, "hidden-device child: cannot hide /dev: %s\n", std::strerror(errno));
        return child_cannot;
    }
    try {
        static_cast<void>(evobj::device::instance());
        return child_fail("device::instance() opened a hidden /dev/evobj");
    } catch (const std::system_error& e) {
        if (e.code().value() != ENOENT)
            return child_fail(e.what());
    }
    try {
        const evobj::event a = dev.create(kind::synchronization, true);
        if (!a.wait_for(std::chrono::seconds(0)))
            return child_fail("wait_for: not signaled");
        if (a.try_wait())
            return child_fail("try_wait: a synchronization event was not consumed");
        a.set();
        a.wait();
        const evobj::event b = dev.create(kind::notification, true);
        if (evobj::wait_any({a, b}, evobj::deadline::immediate()) != std::optional<std::size_t>(1))
            return child_fail("wait_any");
        if (evobj::wait_all({a, b}, evobj::deadline::immediate()))
            return child_fail("wait_all: a is not set");
        if (!evobj::signal_and_wait(a, b, evobj::deadline::immediate()))
            return child_fail("signal_and_wait");
        // A wait list of references only: the device comes with them.
        const evobj::event_ref refs[] = {a, b};
        if (!evobj::wait_all(refs, evobj::deadline::immediate()))
            return child_fail("wait_all of event_refs");
    } catch (const std::system_error& e) {
        return child_fail(e.what());
    }
    return child_ok;
}

// Runs at static initialization, before gtest, only in the child.
const int hidden_device_verdict = [] {
    const char* v = std::getenv(child_env);
    if (v != nullptr && std::string(v) == "1")
        std::_Exit(hidden_device_child());
    return 0;
}();

class DeviceOwn : public Device {};

TEST_F(DeviceOwn, EventsWaitThroughTheirDeviceWhenTheDefaultIsHidden)
{
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::setenv(child_env, "1", 1);
        char self[] = "/proc/self/exe";
        char* const argv[] = {self, nullptr};
        ::execv(self, argv);
        std::_Exit(127);
    }
    int status = 0;
    ASSERT_EQ(pid, ::waitpid(pid, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    if (WEXITSTATUS(status) == child_cannot && !device_required())
        GTEST_SKIP() << "no private mount namespace here (needs root)";
    EXPECT_EQ(child_ok, WEXITSTATUS(status));
}

TEST_F(DeviceOwn, EventsKeepTheirDeviceOpen)
{
    std::optional<evobj::device> dev(evobj::device::open());
    const int dev_fd = dev->native_handle();
    const evobj::event e = dev->create(kind::synchronization, true);
    dev.reset(); // the device object goes; its fd stays, for e's waits
    EXPECT_GE(::fcntl(dev_fd, F_GETFD), 0);
    EXPECT_TRUE(e.try_wait());
    EXPECT_FALSE(e.try_wait());
}

TEST_F(DeviceOwn, ReleaseWithLiveEventsGivesADuplicate)
{
    evobj::device dev = evobj::device::open();
    const int dev_fd = dev.native_handle();
    std::optional<evobj::event> e(dev.create(kind::notification, true));
    const int mine = dev.release();
    EXPECT_FALSE(dev.valid());
    ASSERT_GE(mine, 0);
    EXPECT_NE(dev_fd, mine);
    EXPECT_EQ(FD_CLOEXEC, ::fcntl(mine, F_GETFD));
    EXPECT_TRUE(e->wait_for(std::chrono::seconds(0)));
    e.reset(); // the last user of dev_fd closes it
    EXPECT_EQ(-1, ::fcntl(dev_fd, F_GETFD));
    // The duplicate is a device in its own right.
    const evobj::device again = evobj::device::adopt(mine);
    EXPECT_TRUE(again.create(kind::notification, true).try_wait());
}

TEST_F(DeviceOwn, ReleaseAloneGivesTheFdItself)
{
    evobj::device dev = evobj::device::open();
    const int dev_fd = dev.native_handle();
    const int mine = dev.release();
    EXPECT_EQ(dev_fd, mine);
    EXPECT_EQ(0, ::close(mine));
}

TEST_F(DeviceOwn, MovedEventsKeepTheirDevice)
{
    evobj::device dev = evobj::device::open();
    evobj::event a = dev.create(kind::notification, true);
    evobj::event b = std::move(a);
    dev = evobj::device(); // drop our share
    evobj::event c;
    swap(b, c);
    EXPECT_TRUE(c.wait_for(std::chrono::seconds(0)));
}

} // namespace
