// SPDX-License-Identifier: LGPL-2.1-or-later
#include <evobj/evobj.hpp>
#include <gtest/gtest.h>
TEST(Types, Placeholder) { EXPECT_EQ(evobj::max_wait, 64U); }
