// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: one event on its own. Creation and its flags, set,
 * reset, pulse and read for both types, and the errors of the event and
 * device ioctls (bad arguments, bad pointers, ioctls on the wrong fd).
 */

#include <sys/stat.h>

#include "evobj_test.h"

static const uint32_t types[] = { EVOBJ_NOTIFICATION, EVOBJ_SYNCHRONIZATION };

TEST_F(evobj, device_node)
{
	struct stat st;

	ASSERT_EQ(0, stat(EVOBJ_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666, st.st_mode & 07777);
}

TEST_F(evobj, create_reports_type_and_state)
{
	for (unsigned int i = 0; i < 2 * ARRAY_SIZE(types); i++) {
		uint32_t type = types[i / 2], signaled = i % 2;
		struct evobj_state state = { POISON32, POISON32 };
		int fd;

		fd = ev_create(self->dev, type, signaled ? EVOBJ_SIGNALED : 0);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ, &state));
		EXPECT_EQ(type, state.type);
		EXPECT_EQ(signaled, state.signaled);
		EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
		ASSERT_EQ(0, close(fd));
	}
}

TEST_F(evobj, create_bad_type)
{
	static const uint32_t bad[] = { 2, 3, 0x80000000U, 0xffffffffU };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, ev_create(self->dev, bad[i], 0));
		EXPECT_EQ(EINVAL, errno);
		errno = 0;
		EXPECT_EQ(-1, ev_create(self->dev, bad[i], EVOBJ_SIGNALED));
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST_F(evobj, create_bad_flags)
{
	static const uint32_t bad[] = { 0x8, 0x10, 0x80000000U, 0xfffffff8U,
					EVOBJ_SIGNALED | 0x100 };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
			errno = 0;
			EXPECT_EQ(-1, ev_create(self->dev, types[t], bad[i]));
			EXPECT_EQ(EINVAL, errno);
		}
	}
}

TEST_F(evobj, create_bad_pointer)
{
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_CREATE, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_CREATE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(evobj, create_fd_flags)
{
	for (uint32_t flags = 0; flags < 8; flags++) {
		int fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, flags);

		ASSERT_LE(0, fd);
		EXPECT_EQ(flags & EVOBJ_CLOEXEC ? FD_CLOEXEC : 0,
			  fcntl(fd, F_GETFD) & FD_CLOEXEC);
		EXPECT_EQ(flags & EVOBJ_NONBLOCK ? O_NONBLOCK : 0,
			  fcntl(fd, F_GETFL) & O_NONBLOCK);
		EXPECT_EQ(flags & EVOBJ_SIGNALED ? 1 : 0, ev_signaled(fd));
		ASSERT_EQ(0, close(fd));
	}
}

/* Set, reset and the previous state they return, for both types. */
TEST_F(evobj, set_reset_previous_state)
{
	for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
		int fd = ev_create(self->dev, types[t], 0);

		ASSERT_LE(0, fd);
		EXPECT_EQ(0, ev_set(fd));
		EXPECT_EQ(1, ev_signaled(fd));
		/* Setting a signaled event changes nothing. */
		EXPECT_EQ(1, ev_set(fd));
		EXPECT_EQ(1, ev_signaled(fd));
		EXPECT_EQ(1, ev_reset(fd));
		EXPECT_EQ(0, ev_signaled(fd));
		EXPECT_EQ(0, ev_reset(fd));
		EXPECT_EQ(0, ev_signaled(fd));
		/* Events do not count: two sets, one reset, non-signaled. */
		EXPECT_EQ(0, ev_set(fd));
		EXPECT_EQ(1, ev_set(fd));
		EXPECT_EQ(1, ev_reset(fd));
		EXPECT_EQ(0, ev_signaled(fd));
		ASSERT_EQ(0, close(fd));
	}
}

/* With nobody waiting, a pulse always ends non-signaled. */
TEST_F(evobj, pulse_without_waiters)
{
	for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
		int fd = ev_create(self->dev, types[t], 0);

		ASSERT_LE(0, fd);
		EXPECT_EQ(0, ev_pulse(fd));
		EXPECT_EQ(0, ev_signaled(fd));
		EXPECT_EQ(0, ev_set(fd));
		EXPECT_EQ(1, ev_pulse(fd));
		EXPECT_EQ(0, ev_signaled(fd));
		ASSERT_EQ(0, close(fd));
	}
}

TEST_F(evobj, read_state)
{
	int fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, EVOBJ_SIGNALED);
	struct evobj_state state;

	ASSERT_LE(0, fd);
	/* Reading never consumes, however often. */
	for (int i = 0; i < 3; i++) {
		state.type = state.signaled = POISON32;
		ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ, &state));
		EXPECT_EQ(EVOBJ_SYNCHRONIZATION, state.type);
		EXPECT_EQ(1, state.signaled);
	}
	errno = 0;
	EXPECT_EQ(-1, ioctl(fd, EVOBJ_IOC_READ, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, ev_signaled(fd));
}

/*
 * SET/RESET/PULSE with an unwritable pointer fail with EFAULT before the
 * state changes: a PROT_NONE page, and a mapped read-only page (which the
 * kernel can read, so only a probe before the change catches it).
 */
TEST_F(evobj, change_bad_pointer_changes_nothing)
{
	static const unsigned long cmds[] = {
		EVOBJ_IOC_SET, EVOBJ_IOC_RESET, EVOBJ_IOC_PULSE,
	};
	uint32_t zero = 0;
	void *ro = readonly_copy(&zero, sizeof(zero));
	/* Inaccessible, and unlike an unmapped page never reused. */
	void *gone = mmap(NULL, getpagesize(), PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(NULL, ro);
	ASSERT_NE(MAP_FAILED, gone);
	for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
		for (unsigned int c = 0; c < ARRAY_SIZE(cmds); c++) {
			/* SET must find it non-signaled, the others signaled. */
			uint32_t initial = cmds[c] != EVOBJ_IOC_SET;
			int fd = ev_create(self->dev, types[t],
					   initial ? EVOBJ_SIGNALED : 0);

			ASSERT_LE(0, fd);
			errno = 0;
			EXPECT_EQ(-1, ioctl(fd, cmds[c], gone));
			EXPECT_EQ(EFAULT, errno);
			EXPECT_EQ(initial, ev_signaled(fd));
			errno = 0;
			EXPECT_EQ(-1, ioctl(fd, cmds[c], ro));
			EXPECT_EQ(EFAULT, errno);
			EXPECT_EQ(initial, ev_signaled(fd));
			EXPECT_EQ(0, *(uint32_t *)ro);
			ASSERT_EQ(0, close(fd));
		}
	}
}

/* A NULL argument asks for no previous state; the change still happens. */
TEST_F(evobj, change_null_skips_previous_state)
{
	for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
		int fd = ev_create(self->dev, types[t], 0);

		ASSERT_LE(0, fd);
		EXPECT_EQ(0, ioctl(fd, EVOBJ_IOC_SET, NULL));
		EXPECT_EQ(1, ev_signaled(fd));
		EXPECT_EQ(0, ioctl(fd, EVOBJ_IOC_RESET, NULL));
		EXPECT_EQ(0, ev_signaled(fd));
		EXPECT_EQ(0, ioctl(fd, EVOBJ_IOC_SET, NULL));
		EXPECT_EQ(0, ioctl(fd, EVOBJ_IOC_PULSE, NULL));
		EXPECT_EQ(0, ev_signaled(fd));
		ASSERT_EQ(0, close(fd));
	}
}

/* Each ioctl belongs to one kind of fd; anything else is ENOTTY. */
TEST_F(evobj, ioctl_on_wrong_fd)
{
	static const unsigned long event_cmds[] = {
		EVOBJ_IOC_SET, EVOBJ_IOC_RESET, EVOBJ_IOC_PULSE,
		EVOBJ_IOC_READ, EVOBJ_IOC_TIMER,
	};
	static const unsigned long dev_cmds[] = {
		EVOBJ_IOC_CREATE, EVOBJ_IOC_WAIT_ANY, EVOBJ_IOC_WAIT_ALL,
	};
	static const unsigned long unknown_cmds[] = {
		_IO(EVOBJ_IOC_MAGIC, 0x0F), _IOR(EVOBJ_IOC_MAGIC, 0x03, __u32),
		_IOW(EVOBJ_IOC_MAGIC, 0x08, __u32), /* SET's number, wrong dir */
		_IO('x', 1), 0,
	};
	/* Big enough and zeroed for any of the argument structs. */
	uint64_t arg[8] = {};
	int fd = ev_create(self->dev, EVOBJ_NOTIFICATION, 0);

	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(event_cmds); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->dev, event_cmds[i], arg));
		EXPECT_EQ(ENOTTY, errno);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(dev_cmds); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, dev_cmds[i], arg));
		EXPECT_EQ(ENOTTY, errno);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(unknown_cmds); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->dev, unknown_cmds[i], arg));
		EXPECT_EQ(ENOTTY, errno);
		errno = 0;
		EXPECT_EQ(-1, ioctl(fd, unknown_cmds[i], arg));
		EXPECT_EQ(ENOTTY, errno);
	}
	/* None of it touched the event. */
	EXPECT_EQ(0, ev_signaled(fd));
}

/* An event lives as long as its fd, whatever happens to /dev/evobj's. */
TEST_F(evobj, event_outlives_device_fd)
{
	int fd = ev_create(self->dev, EVOBJ_SYNCHRONIZATION, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(self->dev));
	self->dev = -1;
	EXPECT_EQ(0, ev_set(fd));
	EXPECT_EQ(1, ev_signaled(fd));
	EXPECT_EQ(1, ev_reset(fd));
}

/* Each event is its own object. */
TEST_F(evobj, events_are_independent)
{
	enum { N = 200 };
	int fds[N];

	for (int i = 0; i < N; i++) {
		fds[i] = ev_create(self->dev, i % 2, 0);
		ASSERT_LE(0, fds[i]);
	}
	for (int i = 0; i < N; i += 3)
		ASSERT_EQ(0, ev_set(fds[i]));
	for (int i = 0; i < N; i++)
		EXPECT_EQ(i % 3 == 0, ev_signaled(fds[i]));
	for (int i = 0; i < N; i++)
		ASSERT_EQ(0, close(fds[i]));
}

TEST_HARNESS_MAIN
