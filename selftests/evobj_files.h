/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small file helpers shared by the evobj selftests: read or write a short
 * text file (sysfs, debugfs, cgroupfs) and a module parameter of evobj.
 * No harness here, so that evobj_fuzz can use them too.
 */
#ifndef EVOBJ_FILES_H
#define EVOBJ_FILES_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Reads at most @len - 1 bytes of @path into @buf and NUL-terminates them;
 * with @chomp, cuts @buf at its first newline. Returns 0, or -1 with errno.
 */
static inline int file_read(const char *path, char *buf, size_t len, bool chomp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	if (chomp)
		buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * Writes @val to @path in one write(). Returns 0, or -1 with errno (EIO
 * for a short write).
 */
static inline int file_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(val);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, val, len);
	err = n < 0 ? errno : EIO;
	if (n != (ssize_t)len) {
		close(fd);
		errno = err;
		return -1;
	}
	return close(fd);
}

/* The value of the module parameter at @path, or -1. */
static inline long param_read(const char *path)
{
	char buf[32];

	if (file_read(path, buf, sizeof(buf), false) || !buf[0])
		return -1;
	return strtol(buf, NULL, 10);
}

/* Sets the module parameter at @path to @value: 0, or -1 with errno. */
static inline int param_write(const char *path, long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", value);
	return file_write(path, buf);
}

#endif /* EVOBJ_FILES_H */
