// SPDX-License-Identifier: GPL-2.0-only
/*
 * Named events (EVOBJ_IOC_OPEN): create-or-open, open-only and
 * create-only; an existing event's type and state win; the name lives as
 * long as its event; names are per IPC namespace; System V style access
 * with two uids; the per-user limit max_names; every errno; and races of
 * create, open and the last close across threads and processes, with
 * exact accounting of who created what.
 */
#include <grp.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "evobj_files.h"
#include "evobj_test.h"

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION
#define ALWAYS	EVOBJ_OPEN_ALWAYS
#define EXISTING EVOBJ_OPEN_EXISTING
#define NEW	EVOBJ_CREATE_NEW
#define MAX_NAMES "/sys/module/evobj/parameters/max_names"
/* Unprivileged ids for the access and limit tests. */
#define UID1	1000
#define UID2	1001
#define GID1	1000
#define GID2	1001

/* EVOBJ_IOC_OPEN of an event (obj_open_args()). */
static int ev_open(int dev, const char *name, uint32_t type, uint32_t flags,
		   uint32_t disposition, uint32_t mode, int *created)
{
	return obj_open_args(dev, (struct evobj_open) {
		.name = (uintptr_t)name, .type = type, .flags = flags,
		.disposition = disposition, .mode = mode,
	}, created);
}

#define UNAME(what) test_name((char[128]){0}, 128, "", what)

TEST_F(evobj, create_then_open_same_event)
{
	const char *name = UNAME("same");
	int a, b, created;

	a = ev_open(self->dev, name, N, 0, ALWAYS, 0600, &created);
	ASSERT_LE(0, a) TH_LOG("open: %s", strerror(errno));
	EXPECT_EQ(1, created);
	b = ev_open(self->dev, name, N, 0, ALWAYS, 0600, &created);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, created);
	/* One event behind both fds: a set through one shows in the other. */
	EXPECT_EQ(0, ev_signaled(b));
	EXPECT_EQ(0, ev_set(a));
	EXPECT_EQ(1, ev_signaled(b));
	EXPECT_EQ(1, ev_reset(b));
	EXPECT_EQ(0, ev_signaled(a));
	close(a);
	close(b);
}

TEST_F(evobj, existing_type_and_state_win)
{
	const char *name = UNAME("wins");
	struct evobj_state st;
	int a, b, created;

	a = ev_open(self->dev, name, N, 0, NEW, 0600, &created);
	ASSERT_LE(0, a);
	EXPECT_EQ(1, created);
	b = ev_open(self->dev, name, S, EVOBJ_SIGNALED, ALWAYS, 0666, &created);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, created);
	ASSERT_EQ(0, ioctl(b, EVOBJ_IOC_READ, &st));
	EXPECT_EQ(N, st.type);
	EXPECT_EQ(0, st.signaled);
	close(a);
	close(b);
}

TEST_F(evobj, created_with_type_and_state)
{
	const char *name = UNAME("typed");
	struct evobj_state st;
	int fd, created;

	fd = ev_open(self->dev, name, S, EVOBJ_SIGNALED, ALWAYS, 0600, &created);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, created);
	ASSERT_EQ(0, ioctl(fd, EVOBJ_IOC_READ, &st));
	EXPECT_EQ(S, st.type);
	EXPECT_EQ(1, st.signaled);
	close(fd);
}

TEST_F(evobj, dispositions)
{
	const char *name = UNAME("disp");
	int fd, again, created;

	errno = 0;
	EXPECT_EQ(-1, ev_open(self->dev, name, N, 0, EXISTING, 0600, &created));
	EXPECT_EQ(ENOENT, errno);
	fd = ev_open(self->dev, name, N, 0, NEW, 0600, &created);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1, created);
	errno = 0;
	EXPECT_EQ(-1, ev_open(self->dev, name, N, 0, NEW, 0600, &created));
	EXPECT_EQ(EEXIST, errno);
	again = ev_open(self->dev, name, S, 0, EXISTING, 0600, &created);
	ASSERT_LE(0, again);
	EXPECT_EQ(0, created);
	close(again);
	close(fd);
}

/* The name goes with the event's last fd, and a later create is fresh. */
TEST_F(evobj, lifetime_is_the_events)
{
	const char *name = UNAME("life");
	int a, b, created;

	a = ev_open(self->dev, name, N, EVOBJ_SIGNALED, NEW, 0600, &created);
	ASSERT_LE(0, a);
	b = ev_open(self->dev, name, N, 0, EXISTING, 0600, &created);
	ASSERT_LE(0, b);
	close(a);
	/* b keeps it, and its state. */
	close(ev_open(self->dev, name, N, 0, EXISTING, 0600, &created));
	EXPECT_EQ(0, created);
	EXPECT_EQ(1, ev_signaled(b));
	close(b);
	errno = 0;
	EXPECT_EQ(-1, ev_open(self->dev, name, N, 0, EXISTING, 0600, &created));
	EXPECT_EQ(ENOENT, errno);
	a = ev_open(self->dev, name, S, 0, NEW, 0600, &created);
	ASSERT_LE(0, a) TH_LOG("the name outlived its event: %s", strerror(errno));
	EXPECT_EQ(1, created);
	EXPECT_EQ(0, ev_signaled(a));
	close(a);
}

/* Any reference keeps the name: a dup, a fork's copy, an fd passed on. */
TEST_F(evobj, duplicated_fd_keeps_the_name)
{
	const char *name = UNAME("dup");
	int a, d, created;

	a = ev_open(self->dev, name, N, 0, NEW, 0600, &created);
	ASSERT_LE(0, a);
	d = dup(a);
	ASSERT_LE(0, d);
	close(a);
	a = ev_open(self->dev, name, N, 0, EXISTING, 0600, &created);
	ASSERT_LE(0, a);
	close(a);
	close(d);
	EXPECT_EQ(-1, ev_open(self->dev, name, N, 0, EXISTING, 0600, &created));
}

TEST_F(evobj, names_are_bytes_and_case_sensitive)
{
	const char *a = UNAME("Case"), *b = UNAME("case");
	char c[64];
	int fa, fb, fc, created;

	snprintf(c, sizeof(c), "%s\x01", a);
	fa = ev_open(self->dev, a, N, 0, NEW, 0600, &created);
	ASSERT_LE(0, fa);
	fb = ev_open(self->dev, b, N, 0, NEW, 0600, &created);
	ASSERT_LE(0, fb) TH_LOG("names that differ in case collided");
	fc = ev_open(self->dev, c, N, 0, NEW, 0600, &created);
	ASSERT_LE(0, fc) TH_LOG("a longer name collided with its prefix");
	close(fa);
	close(fb);
	close(fc);
}

TEST_F(evobj, name_lengths)
{
	char name[EVOBJ_NAME_MAX + 2];
	int fd, created;

	errno = 0;
	EXPECT_EQ(-1, ev_open(self->dev, "", N, 0, ALWAYS, 0600, &created));
	EXPECT_EQ(EINVAL, errno);

	memset(name, 'n', sizeof(name));
	snprintf(name, sizeof(name), "%d-", getpid());
	name[strlen(name)] = 'n';
	name[EVOBJ_NAME_MAX] = '\0';		/* 255 bytes: the longest */
	fd = ev_open(self->dev, name, N, 0, NEW, 0600, &created);
	ASSERT_LE(0, fd) TH_LOG("255 bytes: %s", strerror(errno));
	close(fd);
	name[EVOBJ_NAME_MAX] = 'n';
	name[EVOBJ_NAME_MAX + 1] = '\0';	/* 256 bytes */
	errno = 0;
	EXPECT_EQ(-1, ev_open(self->dev, name, N, 0, ALWAYS, 0600, &created));
	EXPECT_EQ(ENAMETOOLONG, errno);
}

TEST_F(evobj, bad_arguments)
{
	const char *name = UNAME("bad");
	struct evobj_open args = {
		.name = (uintptr_t)name, .type = N, .disposition = ALWAYS,
		.mode = 0600,
	};
	struct evobj_open bad;
	void *nowhere = bad_address();

#define EXPECT_OPEN_ERR(err, a) do { \
	errno = 0; \
	EXPECT_EQ(-1, ioctl(self->dev, EVOBJ_IOC_OPEN, (a))); \
	EXPECT_EQ(err, errno); \
} while (0)
	bad = args; bad.type = 2;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	bad = args; bad.flags = 0x8;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	bad = args; bad.disposition = 3;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	bad = args; bad.mode = 01000;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	/* Not truncated to a 16-bit mode on the way in. */
	bad = args; bad.mode = 0x10000 | 0600;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	bad = args; bad.pad = 1;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	bad = args; bad.pad2 = 1;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	/* An owner is a mutex's alone. */
	bad = args; bad.owner = 1;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	bad = args; bad.name = (uintptr_t)nowhere;
	EXPECT_OPEN_ERR(EFAULT, &bad);
	bad = args; bad.name = 0;
	EXPECT_OPEN_ERR(EFAULT, &bad);
	EXPECT_OPEN_ERR(EFAULT, nowhere);
	/* A bad type is refused even when the name exists. */
	int fd = ioctl(self->dev, EVOBJ_IOC_OPEN, &args);

	ASSERT_LE(0, fd);
	bad = args; bad.type = 7;
	EXPECT_OPEN_ERR(EINVAL, &bad);
	/* None of the refusals above created anything or took a reference. */
	close(fd);
	EXPECT_EQ(-1, ev_open(self->dev, name, N, 0, EXISTING, 0600, NULL));
	EXPECT_EQ(ENOENT, errno);
	/* The result is written after the fd exists: a read-only struct fails whole. */
	struct evobj_open *ro = readonly_copy(&args, sizeof(args));

	ASSERT_NE(NULL, ro);
	EXPECT_OPEN_ERR(EFAULT, ro);
	EXPECT_EQ(-1, ev_open(self->dev, name, N, 0, EXISTING, 0600, NULL))
		TH_LOG("a failed open left its new event behind");
	EXPECT_EQ(ENOENT, errno);
#undef EXPECT_OPEN_ERR
}

/* struct evobj_open may grow: the ioctl number carries its size. */
TEST_F(evobj, struct_sizes)
{
	const char *name = UNAME("sizes");
	struct {
		struct evobj_open v0;
		uint64_t more;
	} big = {
		.v0 = { .name = (uintptr_t)name, .type = N,
			.disposition = NEW, .mode = 0600 },
	};
	const unsigned long open_big = _IOC(_IOC_READ | _IOC_WRITE,
					    EVOBJ_IOC_MAGIC, 0x03, sizeof(big));
	const unsigned long open_small = _IOC(_IOC_READ | _IOC_WRITE,
					      EVOBJ_IOC_MAGIC, 0x03, 24);
	/* What a program built before semaphores (VER1) sends. */
	const unsigned long open_v0 = _IOC(_IOC_READ | _IOC_WRITE,
					   EVOBJ_IOC_MAGIC, 0x03,
					   EVOBJ_OPEN_SIZE_VER0);
	struct evobj_open v0 = {
		.name = (uintptr_t)UNAME("sizes-v0"), .type = N,
		.disposition = NEW, .mode = 0600,
	};
	int fd;

	ASSERT_EQ(EVOBJ_OPEN_SIZE_VER2, sizeof(struct evobj_open));
	fd = ioctl(self->dev, open_v0, &v0);
	ASSERT_LE(0, fd) TH_LOG("a VER0 struct: %s", strerror(errno));
	EXPECT_EQ(EVOBJ_OPEN_CREATED, v0.result);
	close(fd);
	big.more = 1;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, open_big, &big));
	EXPECT_EQ(E2BIG, errno) TH_LOG("an unknown nonzero field was ignored");
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->dev, open_small, &big));
	EXPECT_EQ(EINVAL, errno);
	big.more = 0;
	big.v0.result = POISON32;
	fd = ioctl(self->dev, open_big, &big);
	ASSERT_LE(0, fd) TH_LOG("a larger struct with zero tail: %s", strerror(errno));
	EXPECT_EQ(EVOBJ_OPEN_CREATED, big.v0.result);
	close(fd);
}

/*
 * Out of fds: the open fails before any event exists, so a create-only
 * that failed with EMFILE has created nothing.
 */
TEST_F(evobj, emfile_creates_nothing)
{
	const char *name = UNAME("emfile");
	struct rlimit rl, low;
	int fd;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	fd = dup(self->dev);
	ASSERT_LE(0, fd);
	close(fd);
	/* fd is the lowest free number: nothing at or above it may open. */
	low = rl;
	low.rlim_cur = fd;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
	errno = 0;
	EXPECT_EQ(-1, ev_open(self->dev, name, N, 0, NEW, 0600, NULL));
	EXPECT_EQ(EMFILE, errno);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	fd = ev_open(self->dev, name, N, 0, NEW, 0600, NULL);
	EXPECT_LE(0, fd) TH_LOG("the failed open left an event behind: %s",
				strerror(errno));
	close(fd);
}

TEST_F(evobj, fd_flags)
{
	const char *name = UNAME("flags");
	int a, b, created;
	uint64_t v;

	a = ev_open(self->dev, name, N, 0, NEW, 0600, &created);
	ASSERT_LE(0, a);
	EXPECT_EQ(0, fcntl(a, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, fcntl(a, F_GETFL) & O_NONBLOCK);
	b = ev_open(self->dev, name, N, EVOBJ_CLOEXEC | EVOBJ_NONBLOCK,
		    EXISTING, 0600, &created);
	ASSERT_LE(0, b);
	EXPECT_EQ(FD_CLOEXEC, fcntl(b, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_NONBLOCK, fcntl(b, F_GETFL) & O_NONBLOCK);
	errno = 0;
	EXPECT_EQ(-1, read(b, &v, sizeof(v)));
	EXPECT_EQ(EAGAIN, errno);
	close(a);
	close(b);
}

TEST_F(evobj, fdinfo_shows_the_name)
{
	char name[64], want[128], got[256];
	int fd, plain;

	snprintf(name, sizeof(name), "fdinfo %d\\\n\x7f", getpid());
	snprintf(want, sizeof(want), "fdinfo %d\\134\\012\\177", getpid());
	fd = ev_open(self->dev, name, N, 0, NEW, 0600, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fdinfo_str(fd, "name", got, sizeof(got)));
	EXPECT_STREQ(want, got);
	plain = ev_create(self->dev, N, 0);
	ASSERT_LE(0, plain);
	EXPECT_EQ(-1, fdinfo_str(plain, "name", got, sizeof(got)))
		TH_LOG("an unnamed event shows a name");
	close(plain);
	close(fd);
}

/* Runs the block in a child; the test fails unless it exits 0. */
#define IN_CHILD(...) do { \
	pid_t _pid = fork(); \
	int _st; \
	ASSERT_LE(0, _pid); \
	if (_pid == 0) { \
		__VA_ARGS__; \
		_exit(0); \
	} \
	ASSERT_EQ(_pid, waitpid(_pid, &_st, 0)); \
	ASSERT_TRUE(WIFEXITED(_st)) TH_LOG("child died: status %#x", _st); \
	ASSERT_EQ(0, WEXITSTATUS(_st)) TH_LOG("child check %d failed", WEXITSTATUS(_st)); \
} while (0)
/* In a child: exit with @n unless @cond. */
#define CHILD_CHECK(n, cond) do { if (!(cond)) _exit(n); } while (0)

static bool can_unshare_ipc(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(unshare(CLONE_NEWIPC) ? 1 : 0);
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

/* Another IPC namespace neither sees our names nor shows us its own. */
TEST_F(evobj, names_are_per_ipc_namespace)
{
	const char *name = UNAME("ns");
	int fd, dev = self->dev, created;

	if (!can_unshare_ipc())
		SKIP(return, "cannot unshare(CLONE_NEWIPC) here");
	fd = ev_open(dev, name, N, 0, NEW, 0666, &created);
	ASSERT_LE(0, fd);
	IN_CHILD({
		int mine, c;

		CHILD_CHECK(1, unshare(CLONE_NEWIPC) == 0);
		errno = 0;
		CHILD_CHECK(2, ev_open(dev, name, N, 0, EXISTING, 0, &c) == -1 &&
			       errno == ENOENT);
		mine = ev_open(dev, name, S, EVOBJ_SIGNALED, NEW, 0666, &c);
		CHILD_CHECK(3, mine >= 0 && c == 1);
		/* /dev/evobj opened before the unshare changes nothing:
		 * the caller's namespace decides.
		 */
		CHILD_CHECK(4, ev_signaled(mine) == 1);
		close(mine);
	});
	/* Ours is untouched by the child's of the same name. */
	EXPECT_EQ(0, ev_signaled(fd));
	IN_CHILD({
		int c;

		CHILD_CHECK(1, ev_open(dev, name, N, 0, EXISTING, 0, &c) >= 0 &&
			       c == 0);
	});
	close(fd);
}

/* SCM_RIGHTS: sends @fd over @sock. */
static int send_fd(int sock, int fd)
{
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * An event made by name in a namespace that is then gone keeps working
 * through an fd passed out of it, keeps its name (fdinfo), and is not
 * found by that name anywhere else.
 */
TEST_F(evobj, name_outlives_its_namespace_only_with_its_event)
{
	const char *name = UNAME("gone");
	int sv[2], fd, dev = self->dev;
	char got[256];

	if (!can_unshare_ipc())
		SKIP(return, "cannot unshare(CLONE_NEWIPC) here");
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	IN_CHILD({
		int mine, c;

		CHILD_CHECK(1, unshare(CLONE_NEWIPC) == 0);
		mine = ev_open(dev, name, N, 0, NEW, 0600, &c);
		CHILD_CHECK(2, mine >= 0 && c == 1);
		CHILD_CHECK(3, send_fd(sv[0], mine) == 0);
	});
	fd = recv_fd(sv[1]);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fdinfo_str(fd, "name", got, sizeof(got)));
	EXPECT_STREQ(name, got);
	EXPECT_EQ(-1, ev_open(dev, name, N, 0, EXISTING, 0, NULL));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, ev_set(fd));
	EXPECT_EQ(1, ev_signaled(fd));
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

/* Drops to @uid/@gid with no supplementary groups; exits on failure. */
static void become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		_exit(99);
}

/* Opens @name as @uid/@gid in a child: 0 on success, else the errno. */
static int open_as(int dev, const char *name, uid_t uid, gid_t gid)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		become(uid, gid);
		_exit(ev_open(dev, name, N, 0, EXISTING, 0, NULL) >= 0 ? 0 :
		      errno);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Creates @name as @uid/@gid with @mode, in the caller; restores root. */
static int create_as(int dev, const char *name, uid_t uid, gid_t gid,
		     uint32_t mode)
{
	int fd;

	if (setresgid(-1, gid, -1) || setresuid(-1, uid, -1))
		return -1;
	fd = ev_open(dev, name, N, 0, NEW, mode, NULL);
	if (setresuid(-1, 0, -1) || setresgid(-1, 0, -1))
		abort();
	return fd;
}

/*
 * Access as System V IPC decides it: the owner's bits for the creator's
 * euid, the group's for its egid, the others' for the rest; an open
 * needs read and write; CAP_IPC_OWNER (root here) passes regardless.
 */
TEST_F(evobj, access_by_owner_group_other)
{
	const char *name = UNAME("access");
	int fd, root;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch uids");
	/* Owner UID1, group GID1. */
	fd = create_as(self->dev, name, UID1, GID1, 0600);
	ASSERT_LE(0, fd) TH_LOG("create: %s", strerror(errno));
	EXPECT_EQ(0, open_as(self->dev, name, UID1, GID2));
	EXPECT_EQ(EACCES, open_as(self->dev, name, UID2, GID1));
	EXPECT_EQ(EACCES, open_as(self->dev, name, UID2, GID2));
	root = ev_open(self->dev, name, N, 0, EXISTING, 0, NULL);
	EXPECT_LE(0, root) TH_LOG("root lacks CAP_IPC_OWNER's override");
	close(root);
	close(fd);

	fd = create_as(self->dev, name, UID1, GID1, 0660);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, open_as(self->dev, name, UID2, GID1));
	EXPECT_EQ(EACCES, open_as(self->dev, name, UID2, GID2));
	close(fd);

	/* Read without write is not enough: an open may set and wait. */
	fd = create_as(self->dev, name, UID1, GID1, 0644);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EACCES, open_as(self->dev, name, UID2, GID2));
	close(fd);

	fd = create_as(self->dev, name, UID1, GID1, 0606);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, open_as(self->dev, name, UID2, GID2));
	/* The owner class decides alone, as in System V: no fallback. */
	close(fd);
	fd = create_as(self->dev, name, UID1, GID1, 0066);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EACCES, open_as(self->dev, name, UID1, GID1));
	EXPECT_EQ(0, open_as(self->dev, name, UID2, GID1));
	close(fd);
}

/*
 * max_names: the test lowers it to LIMIT and puts the old value back in
 * the parent, even if the test dies.
 */
#define LIMIT	4

FIXTURE(limit) {
	int dev;
	long restore;
};

FIXTURE_SETUP(limit)
{
	self->restore = -1;
	self->dev = open(EVOBJ_DEV, O_RDWR | O_CLOEXEC);
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, EVOBJ_DEV " is absent (module not loaded)");
	ASSERT_LE(0, self->dev);
	if (geteuid() != 0)
		SKIP(return, "needs root to set " MAX_NAMES " and switch uids");
	self->restore = param_read(MAX_NAMES);
	ASSERT_LE(0, self->restore) TH_LOG(MAX_NAMES " is missing");
	EXPECT_EQ(65536, self->restore) TH_LOG("the documented default changed");
	ASSERT_EQ(0, param_write(MAX_NAMES, LIMIT));
}

FIXTURE_TEARDOWN_PARENT(limit)
{
	if (self->restore >= 0)
		EXPECT_EQ(0, param_write(MAX_NAMES, self->restore));
}

/* As UID1: LIMIT names and no more; opening existing ones is free. */
static int fill_names(int dev, const char *tag, int fds[LIMIT])
{
	char name[64];

	for (int i = 0; i < LIMIT; i++) {
		snprintf(name, sizeof(name), "limit/%s/%d/%d", tag, getpid(), i);
		fds[i] = ev_open(dev, name, N, 0, NEW, 0600, NULL);
		if (fds[i] < 0)
			return i + 1;
	}
	return 0;
}

TEST_F(limit, per_user_enospc)
{
	int dev = self->dev;

	IN_CHILD({
		int fds[LIMIT], fd, c;
		char name[64];

		become(UID1, GID1);
		CHILD_CHECK(1, fill_names(dev, "a", fds) == 0);
		errno = 0;
		CHILD_CHECK(2, ev_open(dev, "limit/one-more", N, 0, ALWAYS,
				       0600, &c) == -1 && errno == ENOSPC);
		/* Opening an existing name is not charged. */
		snprintf(name, sizeof(name), "limit/a/%d/0", getpid());
		fd = ev_open(dev, name, N, 0, ALWAYS, 0600, &c);
		CHILD_CHECK(3, fd >= 0 && c == 0);
		/* Unnamed events do not count. */
		CHILD_CHECK(4, ev_create(dev, N, 0) >= 0);
		/* A name comes back with its event's last fd. */
		close(fds[1]);
		CHILD_CHECK(5, ev_open(dev, "limit/one-more", N, 0, NEW, 0600,
				       &c) >= 0);
		close(fds[0]);
		CHILD_CHECK(6, ev_open(dev, "limit/two-more", N, 0, NEW, 0600,
				       &c) == -1 && errno == ENOSPC);
		close(fd);
		CHILD_CHECK(7, ev_open(dev, "limit/two-more", N, 0, NEW, 0600,
				       &c) >= 0);
	});
	/* Another user has a count of its own. */
	IN_CHILD({
		int fds[LIMIT];

		become(UID2, GID2);
		CHILD_CHECK(1, fill_names(dev, "b", fds) == 0);
	});
}

/*
 * Names made in an IPC namespace that has gone (with its processes) are
 * uncharged: the user can make LIMIT new ones, twice over.
 */
TEST_F(limit, names_go_with_their_namespace)
{
	int dev = self->dev;

	if (!can_unshare_ipc())
		SKIP(return, "cannot unshare(CLONE_NEWIPC) here");
	for (int round = 0; round < 2; round++) {
		IN_CHILD({
			int fds[LIMIT];

			CHILD_CHECK(1, unshare(CLONE_NEWIPC) == 0);
			become(UID1, GID1);
			CHILD_CHECK(2, fill_names(dev, "ns", fds) == 0);
			errno = 0;
			CHILD_CHECK(3, ev_open(dev, "limit/ns/more", N, 0, NEW,
					       0600, NULL) == -1 &&
				       errno == ENOSPC);
		});
	}
}

/*
 * Races. Shared between processes: a barrier and counters in a
 * MAP_SHARED page.
 */
struct race {
	atomic_int ready;
	atomic_int go;
	atomic_long created;	/* results with EVOBJ_OPEN_CREATED */
	atomic_long opened;	/* results without */
	atomic_int holders;	/* create-only winners holding the name */
	atomic_int overlap;	/* a second holder while one held it */
	atomic_int errors;	/* unexpected errno, or a result we poisoned */
	int dev;
	char name[64];
	long ops;
};

#define RACE_PROCS	4
#define RACE_THREADS	4

static void race_barrier(struct race *r, int n)
{
	atomic_fetch_add(&r->ready, 1);
	while (atomic_load(&r->ready) < n)
		sched_yield();
}

/* All open-or-create one name at once and hold it: exactly one creates. */
static void *race_one_creator(void *arg)
{
	struct race *r = arg;
	int fd, created;

	race_barrier(r, RACE_PROCS * RACE_THREADS);
	fd = ev_open(r->dev, r->name, N, 0, ALWAYS, 0600, &created);
	if (fd < 0 || created < 0) {
		atomic_fetch_add(&r->errors, 1);
		return NULL;
	}
	atomic_fetch_add(created ? &r->created : &r->opened, 1);
	/* Hold it until everyone has opened, then check it is one event. */
	while (atomic_load(&r->created) + atomic_load(&r->opened) +
	       atomic_load(&r->errors) < RACE_PROCS * RACE_THREADS)
		sched_yield();
	if (created)
		ev_set(fd);
	atomic_fetch_add(&r->go, 1);
	while (atomic_load(&r->go) < RACE_PROCS * RACE_THREADS)
		sched_yield();
	if (ev_signaled(fd) != 1)
		atomic_fetch_add(&r->errors, 1);
	atomic_fetch_add(&r->ready, 1);	/* done reading: now close */
	while (atomic_load(&r->ready) < 2 * RACE_PROCS * RACE_THREADS)
		sched_yield();
	close(fd);
	return NULL;
}

/*
 * Churn: threads create-only (a winner must be alone: the name is a
 * lock) and open-or-create-and-close at once, so that opens race with
 * last closes. No result may be an error other than EEXIST; every fd
 * must be a live event.
 */
static void *race_churn(void *arg)
{
	struct race *r = arg;
	long i;

	race_barrier(r, RACE_PROCS * RACE_THREADS);
	for (i = 0; i < r->ops; i++) {
		bool exclusive = i & 1;
		int fd, created;

		fd = ev_open(r->dev, r->name, S, 0, exclusive ? NEW : ALWAYS,
			     0600, &created);
		if (fd < 0) {
			if (!exclusive || errno != EEXIST)
				atomic_fetch_add(&r->errors, 1);
			continue;
		}
		if (created < 0 || (exclusive && created != 1))
			atomic_fetch_add(&r->errors, 1);
		atomic_fetch_add(created == 1 ? &r->created : &r->opened, 1);
		if (exclusive && atomic_fetch_add(&r->holders, 1) != 0)
			atomic_fetch_add(&r->overlap, 1);
		/* A dead event would fail here, or trip KASAN. */
		if (ev_set(fd) < 0 || ev_signaled(fd) < 0)
			atomic_fetch_add(&r->errors, 1);
		if (exclusive)
			atomic_fetch_sub(&r->holders, 1);
		close(fd);
	}
	return NULL;
}

static void race_run(struct __test_metadata *_metadata, struct race *r,
		     void *(*fn)(void *))
{
	pid_t pids[RACE_PROCS];
	int st;

	for (int p = 0; p < RACE_PROCS; p++) {
		pids[p] = fork();
		ASSERT_LE(0, pids[p]);
		if (pids[p] == 0) {
			pthread_t t[RACE_THREADS];

			for (int i = 0; i < RACE_THREADS; i++)
				if (pthread_create(&t[i], NULL, fn, r))
					_exit(1);
			for (int i = 0; i < RACE_THREADS; i++)
				pthread_join(t[i], NULL);
			_exit(0);
		}
	}
	for (int p = 0; p < RACE_PROCS; p++) {
		ASSERT_EQ(pids[p], waitpid(pids[p], &st, 0));
		ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
}

static struct race *race_new(int dev, const char *tag)
{
	struct race *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->dev = dev;
	snprintf(r->name, sizeof(r->name), "race/%s/%d", tag, getpid());
	return r;
}

TEST_F_TIMEOUT(evobj, race_exactly_one_creator, 300)
{
	const long rounds = 20;

	for (long round = 0; round < rounds; round++) {
		struct race *r = race_new(self->dev, "one");

		ASSERT_NE(NULL, r);
		snprintf(r->name + strlen(r->name), 16, "/%ld", round);
		race_run(_metadata, r, race_one_creator);
		EXPECT_EQ(0, atomic_load(&r->errors));
		EXPECT_EQ(1, atomic_load(&r->created))
			TH_LOG("round %ld: %ld creators", round,
			       atomic_load(&r->created));
		EXPECT_EQ(RACE_PROCS * RACE_THREADS - 1, atomic_load(&r->opened));
		/* Everyone closed: the name is gone. */
		EXPECT_EQ(-1, ev_open(self->dev, r->name, N, 0, EXISTING, 0, NULL));
		munmap(r, sizeof(*r));
	}
}

TEST_F_TIMEOUT(evobj, race_open_with_last_close, 600)
{
	struct race *r = race_new(self->dev, "churn");

	ASSERT_NE(NULL, r);
	/* A tenth of the stress budget per thread, at least 200 opens. */
	r->ops = stress_ops() / (10 * RACE_PROCS * RACE_THREADS);
	if (r->ops < 200)
		r->ops = 200;
	race_run(_metadata, r, race_churn);
	TH_LOG("%ld opens: %ld created, %ld opened existing",
	       r->ops * RACE_PROCS * RACE_THREADS, atomic_load(&r->created),
	       atomic_load(&r->opened));
	EXPECT_EQ(0, atomic_load(&r->errors));
	EXPECT_EQ(0, atomic_load(&r->overlap))
		TH_LOG("two create-only winners held the name at once");
	EXPECT_LT(0, atomic_load(&r->created));
	EXPECT_LT(0, atomic_load(&r->opened))
		TH_LOG("no open ever found an existing event: no race was run");
	EXPECT_EQ(-1, ev_open(self->dev, r->name, N, 0, EXISTING, 0, NULL))
		TH_LOG("the name outlived every fd");
	EXPECT_EQ(ENOENT, errno);
	munmap(r, sizeof(*r));
}

TEST_HARNESS_MAIN
