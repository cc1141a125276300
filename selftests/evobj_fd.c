// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj selftests: the event fd as a file. poll, select and epoll;
 * read() and write(); fdinfo; sharing through fork, SCM_RIGHTS and
 * pidfd_getfd; closing fds while a wait is in progress; and the module
 * staying loaded while an event fd is open.
 */

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "evobj_test.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

#define N	EVOBJ_NOTIFICATION
#define S	EVOBJ_SYNCHRONIZATION

static const uint32_t types[] = { N, S };

/* EPOLLIN only while signaled, EPOLLOUT always; polling never consumes. */
TEST_F(evobj, poll_state)
{
	for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
		int fd = ev_create(self->dev, types[t], 0);

		ASSERT_LE(0, fd);
		EXPECT_EQ(POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
		EXPECT_EQ(0, poll_revents(fd, POLLIN));
		EXPECT_EQ(POLLOUT | POLLWRNORM,
			  poll_revents(fd, POLLOUT | POLLWRNORM));
		ASSERT_EQ(0, ev_set(fd));
		for (int i = 0; i < 3; i++) {
			EXPECT_EQ(POLLIN | POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
			EXPECT_EQ(POLLIN | POLLRDNORM,
				  poll_revents(fd, POLLIN | POLLRDNORM));
		}
		EXPECT_EQ(1, ev_signaled(fd));
		ASSERT_EQ(1, ev_reset(fd));
		EXPECT_EQ(POLLOUT, poll_revents(fd, POLLIN | POLLOUT));
		ASSERT_EQ(0, close(fd));
	}
}

TEST_F(evobj, select_state)
{
	int fd = ev_create(self->dev, S, 0);
	struct timeval tv = {};
	fd_set rd, wr;

	ASSERT_LE(0, fd);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(fd, &rd);
	FD_SET(fd, &wr);
	EXPECT_EQ(1, select(fd + 1, &rd, &wr, NULL, &tv));
	EXPECT_FALSE(FD_ISSET(fd, &rd));
	EXPECT_TRUE(FD_ISSET(fd, &wr));

	ASSERT_EQ(0, ev_set(fd));
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(fd, &rd);
	FD_SET(fd, &wr);
	tv.tv_sec = tv.tv_usec = 0;
	EXPECT_EQ(2, select(fd + 1, &rd, &wr, NULL, &tv));
	EXPECT_TRUE(FD_ISSET(fd, &rd));
	EXPECT_TRUE(FD_ISSET(fd, &wr));
	EXPECT_EQ(1, ev_signaled(fd));
}

/* Level-triggered epoll follows the state and never consumes. */
TEST_F(evobj, epoll_level)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
	int fd = ev_create(self->dev, S, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	memset(&ev, 0xa5, sizeof(ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(0, ev_set(fd));
	for (int i = 0; i < 2; i++) {
		memset(&ev, 0xa5, sizeof(ev));
		EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 0));
		EXPECT_EQ(EPOLLIN, ev.events);
		EXPECT_EQ(42, ev.data.u64);
	}
	EXPECT_EQ(1, ev_signaled(fd));
	ASSERT_EQ(1, ev_reset(fd));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
}

/*
 * Edge-triggered: an edge per transition to signaled. Setting a signaled
 * event is no transition, and a pulse is never visibly signaled.
 */
TEST_F(evobj, epoll_edge)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int fd = ev_create(self->dev, N, 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(0, ev_pulse(fd));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));

	ASSERT_EQ(0, ev_set(fd));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(1, ev_set(fd));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_EQ(1, ev_reset(fd));
	ASSERT_EQ(0, ev_set(fd));
	EXPECT_EQ(1, epoll_wait(ep, &ev, 1, 0));
}

struct setter {
	int fd;
	uint64_t delay_ns;
	int64_t prev;
};

static void *setter_fn(void *arg)
{
	struct setter *s = arg;

	sleep_ns(s->delay_ns);
	s->prev = ev_set(s->fd);
	return NULL;
}

/* epoll_wait() and poll() blocked in another thread are woken by a set. */
TEST_F(evobj, poll_woken_by_set)
{
	for (int use_epoll = 0; use_epoll < 2; use_epoll++) {
		struct setter s = { .delay_ns = 100 * NSEC_PER_MSEC, .prev = -2 };
		struct epoll_event ev = { .events = EPOLLIN };
		struct pollfd p;
		pthread_t thread;
		int ep = -1;

		s.fd = ev_create(self->dev, S, 0);
		ASSERT_LE(0, s.fd);
		if (use_epoll) {
			ep = epoll_create1(EPOLL_CLOEXEC);
			ASSERT_LE(0, ep);
			ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, s.fd, &ev));
		}
		ASSERT_EQ(0, pthread_create(&thread, NULL, setter_fn, &s));
		if (use_epoll) {
			EXPECT_EQ(1, epoll_wait(ep, &ev, 1, LONG_WAIT_NS / NSEC_PER_MSEC));
			EXPECT_EQ(EPOLLIN, ev.events);
		} else {
			p = (struct pollfd){ .fd = s.fd, .events = POLLIN };
			EXPECT_EQ(1, poll(&p, 1, LONG_WAIT_NS / NSEC_PER_MSEC));
			EXPECT_EQ(POLLIN, p.revents);
		}
		ASSERT_EQ(0, pthread_join(thread, NULL));
		EXPECT_EQ(0, s.prev);
		/* Seen, not consumed. */
		EXPECT_EQ(1, ev_signaled(s.fd));
		if (ep >= 0)
			close(ep);
		close(s.fd);
	}
}

/* read() of a signaled event: 8 bytes of 1; consumes a synchronization one. */
TEST_F(evobj, read_signaled)
{
	for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
		int fd = ev_create(self->dev, types[t], EVOBJ_SIGNALED);
		uint64_t buf[2] = { POISON64, POISON64 };

		ASSERT_LE(0, fd);
		EXPECT_EQ(8, read(fd, buf, 8));
		EXPECT_EQ(1, buf[0]);
		EXPECT_EQ(types[t] == N, ev_signaled(fd));
		ASSERT_LE(0, ev_set(fd));
		/* A larger buffer still gets 8 bytes. */
		buf[0] = buf[1] = POISON64;
		EXPECT_EQ(8, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(1, buf[0]);
		EXPECT_EQ(POISON64, buf[1]);
		ASSERT_EQ(0, close(fd));
	}
}

/* A short or bad buffer fails and consumes nothing. */
TEST_F(evobj, read_bad_buffer)
{
	int fd = ev_create(self->dev, S, EVOBJ_SIGNALED);
	uint64_t buf = POISON64;
	void *ro;

	ASSERT_LE(0, fd);
	for (size_t len = 0; len < 8; len++) {
		errno = 0;
		EXPECT_EQ(-1, read(fd, &buf, len));
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(POISON64, buf);
	EXPECT_EQ(1, ev_signaled(fd));

	errno = 0;
	EXPECT_EQ(-1, read(fd, bad_address(), 8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, ev_signaled(fd));

	/* Readable by the kernel but not writable: still not consumed. */
	ro = readonly_copy(&buf, sizeof(buf));
	ASSERT_NE(NULL, ro);
	errno = 0;
	EXPECT_EQ(-1, read(fd, ro, 8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(1, ev_signaled(fd));
}

/* O_NONBLOCK, from creation or from fcntl, makes read() EAGAIN. */
TEST_F(evobj, read_nonblock)
{
	int fd = ev_create(self->dev, S, EVOBJ_NONBLOCK);
	uint64_t buf = POISON64;

	ASSERT_LE(0, fd);
	errno = 0;
	EXPECT_EQ(-1, read(fd, &buf, 8));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, ev_set(fd));
	EXPECT_EQ(8, read(fd, &buf, 8));
	EXPECT_EQ(1, buf);
	errno = 0;
	EXPECT_EQ(-1, read(fd, &buf, 8));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, close(fd));

	fd = ev_create(self->dev, N, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	errno = 0;
	EXPECT_EQ(-1, read(fd, &buf, 8));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, fdinfo_num(fd, "waiters"));
}

/* A blocking read() waits for a set, FIFO with the other waiters. */
TEST_F(evobj, read_blocks_until_set)
{
	struct waiter r, w;
	int32_t fd;

	fd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fd);
	waiter_init(&r, self->dev, false, &fd, 1, 0);
	r.use_read = true;
	ASSERT_TRUE(waiter_start_queued(&r, fd, 1));
	waiter_init(&w, self->dev, false, &fd, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w, fd, 2));

	ASSERT_EQ(0, ev_set(fd));
	JOIN_DONE(&r);
	EXPECT_EQ(8, r.ret);
	EXPECT_EQ(1, r.value);
	EXPECT_EQ(0, ev_signaled(fd));
	EXPECT_FALSE(atomic_load(&w.done));

	ASSERT_EQ(0, ev_set(fd));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, ev_signaled(fd));
}

/* A signal interrupts a blocking read() (no SA_RESTART). */
TEST_F(evobj, read_interrupted)
{
	struct waiter r;
	int32_t fd;

	fd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, catch_signal(SIGUSR1, false));
	waiter_init(&r, self->dev, false, &fd, 1, 0);
	r.use_read = true;
	ASSERT_TRUE(waiter_start_queued(&r, fd, 1));
	ASSERT_EQ(0, pthread_kill(r.thread, SIGUSR1));
	JOIN_DONE(&r);
	EXPECT_EQ(-1, r.ret);
	EXPECT_EQ(EINTR, r.err);
	EXPECT_EQ(1, atomic_load(&signals_caught));
	EXPECT_EQ(0, ev_signaled(fd));
}

/* write() of 1 sets the event; anything else is EINVAL and changes nothing. */
TEST_F(evobj, write_sets)
{
	static const uint64_t bad[] = { 0, 2, POISON64, ~0ULL };
	uint64_t one = 1;

	for (unsigned int t = 0; t < ARRAY_SIZE(types); t++) {
		int fd = ev_create(self->dev, types[t], 0);

		ASSERT_LE(0, fd);
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			errno = 0;
			EXPECT_EQ(-1, write(fd, &bad[i], 8));
			EXPECT_EQ(EINVAL, errno);
		}
		for (size_t len = 0; len < 8; len++) {
			errno = 0;
			EXPECT_EQ(-1, write(fd, &one, len));
			EXPECT_EQ(EINVAL, errno);
		}
		errno = 0;
		EXPECT_EQ(-1, write(fd, bad_address(), 8));
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(0, ev_signaled(fd));

		EXPECT_EQ(8, write(fd, &one, 8));
		EXPECT_EQ(1, ev_signaled(fd));
		/* Already signaled: still fine, still signaled. */
		EXPECT_EQ(8, write(fd, &one, 8));
		EXPECT_EQ(1, ev_signaled(fd));
		/* A bad value does not reset it either. */
		errno = 0;
		EXPECT_EQ(-1, write(fd, &bad[0], 8));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(1, ev_signaled(fd));
		ASSERT_EQ(0, close(fd));
	}
}

/* write() completes a waiter like a set: the sync event goes to it. */
TEST_F(evobj, write_wakes_waiter)
{
	uint64_t one = 1;
	struct waiter w;
	int32_t fd;

	fd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fd);
	waiter_init(&w, self->dev, false, &fd, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w, fd, 1));
	EXPECT_EQ(8, write(fd, &one, 8));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	EXPECT_EQ(0, ev_signaled(fd));
}

TEST_F(evobj, fdinfo)
{
	char val[64];
	struct waiter w[2];
	int32_t fds[2];

	fds[0] = ev_create(self->dev, N, 0);
	fds[1] = ev_create(self->dev, S, EVOBJ_SIGNALED);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);

	ASSERT_EQ(0, fdinfo_str(fds[0], "type", val, sizeof(val)));
	EXPECT_STREQ("notification", val);
	ASSERT_EQ(0, fdinfo_str(fds[1], "type", val, sizeof(val)));
	EXPECT_STREQ("synchronization", val);
	EXPECT_EQ(0, fdinfo_num(fds[0], "signaled"));
	EXPECT_EQ(1, fdinfo_num(fds[1], "signaled"));
	EXPECT_EQ(0, fdinfo_num(fds[0], "waiters"));
	EXPECT_EQ(0, fdinfo_num(fds[1], "waiters"));

	/* Two waits on fds[0], one of them a wait-all on both. */
	ASSERT_EQ(1, ev_reset(fds[1]));
	waiter_init(&w[0], self->dev, false, fds, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w[0], fds[0], 1));
	waiter_init(&w[1], self->dev, true, fds, 2, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w[1], fds[0], 2));
	EXPECT_EQ(1, fdinfo_num(fds[1], "waiters"));
	EXPECT_EQ(0, fdinfo_num(fds[1], "signaled"));

	ASSERT_EQ(0, ev_set(fds[0]));
	JOIN_DONE(&w[0]);
	EXPECT_EQ(0, w[0].ret);
	EXPECT_EQ(1, fdinfo_num(fds[0], "signaled"));
	ASSERT_EQ(0, ev_set(fds[1]));
	JOIN_DONE(&w[1]);
	EXPECT_EQ(0, w[1].ret);
	EXPECT_EQ(0, fdinfo_num(fds[0], "waiters"));
	EXPECT_EQ(0, fdinfo_num(fds[1], "waiters"));
	EXPECT_EQ(1, fdinfo_num(fds[0], "signaled"));
	EXPECT_EQ(0, fdinfo_num(fds[1], "signaled"));
}

/*
 * A forked child shares the object: it waits until the parent is blocked
 * on it, then sets it, across processes.
 */
TEST_F(evobj, fork_shares_object)
{
	int32_t fd = ev_create(self->dev, S, 0);
	struct evobj_wait w;
	int status;
	pid_t pid;

	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* fdinfo counts the object's waiters, whoever's fd they use. */
		if (!wait_for_waiters(fd, 1))
			_exit(2);
		_exit(ev_set(fd) == 0 ? 0 : 3);
	}
	w = wait_args(&fd, 1, deadline_in(LONG_WAIT_NS));
	EXPECT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, ev_signaled(fd));

	/* And the other way round: the child consumes what the parent set. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		uint64_t v = 0;

		_exit(read(fd, &v, 8) == 8 && v == 1 ? 0 : 4);
	}
	ASSERT_TRUE(wait_for_waiters(fd, 1));
	ASSERT_EQ(0, ev_set(fd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, ev_signaled(fd));
}

static int send_fd(int sock, int fd)
{
	char data = 'e';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {};
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

TEST_F(evobj, scm_rights_shares_object)
{
	int32_t sv[2], fd, got;
	struct evobj_wait w;
	char val[64];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	fd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, send_fd(sv[0], fd));
	got = recv_fd(sv[1]);
	ASSERT_LE(0, got);
	ASSERT_NE(fd, got);
	ASSERT_EQ(0, fdinfo_str(got, "type", val, sizeof(val)));
	EXPECT_STREQ("synchronization", val);

	/* Both fds are the same object; it survives the sender's close. */
	ASSERT_EQ(0, ev_set(fd));
	EXPECT_EQ(1, ev_signaled(got));
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(1, ev_reset(got));
	EXPECT_EQ(0, ev_set(got));
	w = wait_args(&got, 1, 0);
	EXPECT_EQ(0, ev_wait(self->dev, false, &w));
	EXPECT_EQ(0, w.index);
	EXPECT_EQ(0, ev_signaled(got));
}

TEST_F(evobj, pidfd_getfd_shares_object)
{
	int fd, pidfd, got;

	fd = ev_create(self->dev, N, 0);
	ASSERT_LE(0, fd);
	pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0 && errno == ENOSYS)
		SKIP(return, "pidfd_open: not supported");
	ASSERT_LE(0, pidfd);
	got = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (got < 0 && errno == ENOSYS)
		SKIP(return, "pidfd_getfd: not supported");
	ASSERT_LE(0, got);
	ASSERT_NE(fd, got);
	/* pidfd_getfd() always sets close-on-exec. */
	EXPECT_EQ(FD_CLOEXEC, fcntl(got, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, ev_set(got));
	EXPECT_EQ(1, ev_signaled(fd));
	ASSERT_EQ(0, close(fd));
	EXPECT_EQ(1, ev_signaled(got));
}

/* Closing one fd while a wait uses it leaves the wait undisturbed. */
TEST_F(evobj, close_during_wait)
{
	struct waiter w;
	int32_t fd, other;

	fd = ev_create(self->dev, S, 0);
	ASSERT_LE(0, fd);
	other = dup(fd);
	ASSERT_LE(0, other);
	waiter_init(&w, self->dev, false, &fd, 1, deadline_in(LONG_WAIT_NS));
	ASSERT_TRUE(waiter_start_queued(&w, fd, 1));
	ASSERT_EQ(0, close(fd));
	sleep_ns(20 * NSEC_PER_MSEC);
	EXPECT_FALSE(atomic_load(&w.done));
	EXPECT_EQ(1, fdinfo_num(other, "waiters"));
	ASSERT_EQ(0, ev_set(other));
	JOIN_DONE(&w);
	EXPECT_EQ(0, w.ret);
	EXPECT_EQ(0, w.args.index);
	EXPECT_EQ(0, ev_signaled(other));
}

/* Closing every fd: the waits hold the object and simply time out. */
TEST_F(evobj, close_last_fd_during_wait)
{
	struct waiter w[2];
	int32_t fds[2];

	fds[0] = ev_create(self->dev, S, 0);
	fds[1] = ev_create(self->dev, N, 0);
	ASSERT_LE(0, fds[0]);
	ASSERT_LE(0, fds[1]);
	waiter_init(&w[0], self->dev, false, fds, 2, deadline_in(300 * NSEC_PER_MSEC));
	waiter_init(&w[1], self->dev, true, fds, 2, deadline_in(300 * NSEC_PER_MSEC));
	ASSERT_TRUE(waiter_start_queued(&w[0], fds[0], 1));
	ASSERT_TRUE(waiter_start_queued(&w[1], fds[0], 2));
	ASSERT_EQ(0, close(fds[0]));
	ASSERT_EQ(0, close(fds[1]));
	for (int i = 0; i < 2; i++) {
		JOIN_DONE(&w[i]);
		EXPECT_EQ(-1, w[i].ret);
		EXPECT_EQ(ETIMEDOUT, w[i].err);
		EXPECT_LE(w[i].args.timeout, w[i].end_ns);
	}
}

/*
 * While an event fd is open the module cannot be unloaded, even with
 * /dev/evobj closed. Skips where evobj is built in or we lack the right.
 */
TEST_F(evobj, module_pinned_by_event)
{
	int fd = ev_create(self->dev, S, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(self->dev));
	self->dev = -1;
	errno = 0;
	if (syscall(SYS_delete_module, "evobj", O_NONBLOCK) == 0) {
		/* The object's code is gone under an open fd. */
		TH_LOG("evobj was unloaded while an event fd was open");
		ASSERT_TRUE(false);
	}
	/* Built in, no module support at all, or not root. */
	if (errno == ENOENT || errno == ENOSYS || errno == EPERM)
		SKIP(return, "evobj is not an unloadable module here (%s)",
		     strerror(errno));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(0, ev_set(fd));
}

TEST_HARNESS_MAIN
