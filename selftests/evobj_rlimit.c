// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: EVOBJ_IOC_CREATE at the fd limit. With every fd below
 * RLIMIT_NOFILE taken, creating an event fails with EMFILE (the VFS's
 * errno, which the contract leaves to it) and leaves nothing behind: the
 * event it made is freed (kmemleak in the test VM checks that), and once
 * the limit is raised the next create gets the very fd that was refused.
 */

#include <sys/resource.h>

#include "evobj_test.h"

TEST_F(evobj, create_at_fd_limit)
{
	struct rlimit rl, low;
	int lowest, fd;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	/* The lowest free fd: every one below it is open. */
	lowest = dup(self->dev);
	ASSERT_LE(0, lowest);
	ASSERT_EQ(0, close(lowest));

	low = rl;
	low.rlim_cur = lowest;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, EVOBJ_SIGNALED);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_EQ(-1, fd);
	ASSERT_EQ(EMFILE, errno);

	fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, EVOBJ_SIGNALED);
	ASSERT_EQ(lowest, fd);
	ASSERT_EQ(1, ev_signaled(fd));
	ASSERT_EQ(0, close(fd));
}

TEST_HARNESS_MAIN
