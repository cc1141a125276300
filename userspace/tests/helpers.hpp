// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// What the device tests share: skipping where /dev/evobj is absent (the
// build host), failing instead inside the VM, and checking that an error
// is the std::system_error the library promises.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string>
#include <system_error>

#include <unistd.h>

#include <gtest/gtest.h>

namespace evobj_test {

using namespace std::chrono_literals;

// Long enough to tell "blocked" from "returned", short enough for TCG.
inline constexpr auto short_timeout = 50ms;
// How late a wakeup may come under an emulated, loaded guest.
inline constexpr auto slack = 5s;

// run-tests.sh sets EVOBJ_TESTS_REQUIRE_DEVICE=1 in the VM, where a
// missing device is a failure, not a reason to skip.
inline bool device_required()
{
    const char* v = std::getenv("EVOBJ_TESTS_REQUIRE_DEVICE");
    return v != nullptr && std::string(v) == "1";
}

// Fixture for every test that needs the module.
class Device : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (::access("/dev/evobj", R_OK | W_OK) == 0)
            return;
        if (device_required())
            FAIL() << "/dev/evobj: " << std::generic_category().message(errno);
        else
            GTEST_SKIP() << "/dev/evobj absent: the evobj module is not loaded";
    }
};

// Runs f, which must throw std::system_error with errno `err` and a
// what() naming `op`.
template <class F>
::testing::AssertionResult throws_errno(F&& f, int err, const std::string& op)
{
    try {
        f();
    } catch (const std::system_error& e) {
        if (e.code() != std::error_code(err, std::system_category()))
            return ::testing::AssertionFailure()
                   << "errno " << e.code().value() << " (" << e.what() << "), expected " << err;
        if (std::string(e.what()).find(op) == std::string::npos)
            return ::testing::AssertionFailure() << "what() \"" << e.what() << "\" does not name " << op;
        return ::testing::AssertionSuccess();
    } catch (...) {
        return ::testing::AssertionFailure() << "threw something else than std::system_error";
    }
    return ::testing::AssertionFailure() << "did not throw";
}

} // namespace evobj_test
