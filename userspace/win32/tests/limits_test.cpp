// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The kernel's refusals as Win32 errors: another user's name
// (ERROR_ACCESS_DENIED), the per-user named-event limit and the waiters
// per event (ERROR_NOT_ENOUGH_QUOTA). They change the module's
// parameters or uid, so they need root: in the VM guest, not on a host.
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

// Sets a module parameter for the test's duration.
class parameter {
public:
    explicit parameter(const char* name) : path_(std::string("/sys/module/evobj/parameters/") + name)
    {
        std::ifstream in(path_);
        in >> old_;
    }
    [[nodiscard]] bool set(unsigned value) const
    {
        std::ofstream out(path_);
        out << value << '\n';
        out.flush();
        return static_cast<bool>(out);
    }
    ~parameter()
    {
        if (!old_.empty())
            std::ofstream(path_) << old_ << '\n';
    }

private:
    std::string path_;
    std::string old_;
};

class Win32Limit : public Device {
protected:
    void SetUp() override
    {
        Device::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        if (::geteuid() != 0)
            GTEST_SKIP() << "needs root (module parameters, another uid)";
    }
};

bool kernel_has_names()
{
    HANDLE h = CreateEventA(nullptr, FALSE, FALSE, ("evobj-win32-limit-probe-" + std::to_string(::getpid())).c_str());
    if (!h)
        return false;
    CloseHandle(h);
    return true;
}

TEST_F(Win32Limit, AnotherUsersNameIsAccessDenied)
{
    if (!kernel_has_names())
        GTEST_SKIP() << "the evobj module has no named events";
    const std::string name = "evobj-win32-owned-" + std::to_string(::getpid());
    owned ev(CreateEventA(nullptr, TRUE, FALSE, name.c_str())); // mode 0600, ours
    ASSERT_NE(HANDLE(ev), nullptr);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
            ::_exit(2);
        SetLastError(0);
        const HANDLE h = OpenEventA(SYNCHRONIZE, FALSE, name.c_str());
        ::_exit(!h && GetLastError() == ERROR_ACCESS_DENIED ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "2: could not change uid; 1: not ERROR_ACCESS_DENIED";
}

TEST_F(Win32Limit, NamedEventsPastTheUsersLimitAreQuota)
{
    if (!kernel_has_names())
        GTEST_SKIP() << "the evobj module has no named events";
    parameter max_names("max_names");
    ASSERT_TRUE(max_names.set(2));
    std::vector<HANDLE> held;
    DWORD error = ERROR_SUCCESS;
    for (int i = 0; i < 4 && error == ERROR_SUCCESS; ++i) {
        HANDLE h = CreateEventA(nullptr, TRUE, FALSE,
                                ("evobj-win32-quota-" + std::to_string(i)).c_str());
        if (h)
            held.push_back(h);
        else
            error = GetLastError();
    }
    EXPECT_EQ(error, static_cast<DWORD>(ERROR_NOT_ENOUGH_QUOTA));
    EXPECT_LE(held.size(), 2U);
    for (HANDLE h : held)
        CloseHandle(h);
}

TEST_F(Win32Limit, WaitersPastTheEventsLimitAreQuota)
{
    parameter max_waiters("max_waiters");
    ASSERT_TRUE(max_waiters.set(1));
    owned ev(auto_event());
    std::thread waiter([&] { WaitForSingleObject(ev, 10000); });
    ASSERT_TRUE(await_waiters(ev, 1));
    EXPECT_FAILS_WITH(WaitForSingleObject(ev, 5000), WAIT_FAILED, ERROR_NOT_ENOUGH_QUOTA);
    SetEvent(ev);
    waiter.join();
}

TEST_F(Device, OutOfFdsIsTooManyOpenFiles)
{
    owned first(auto_event()); // the device is open before the limit drops
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const rlimit low{64, 64};
        if (::setrlimit(RLIMIT_NOFILE, &low) != 0)
            ::_exit(2);
        for (int i = 0; i < 100; ++i)
            if (!CreateEventA(nullptr, FALSE, FALSE, nullptr))
                ::_exit(GetLastError() == ERROR_TOO_MANY_OPEN_FILES ? 0 : 1);
        ::_exit(3);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: another error; 3: never failed";
}

} // namespace
