/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmllog.c - appends "TIME >> xml" (sent) and "TIME << xml" (received)
 * lines. The file is opened with O_APPEND and mode 0600 so that a log of
 * private conversations is never world-readable, even for a moment. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/xmllog.h"

struct xmllog {
    int fd;
};

struct xmllog *xmllog_open(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open XML log %s: %s", path, strerror(errno));
        return NULL;
    }
    /* An existing file keeps its old mode on open(): tighten it. */
    fchmod(fd, 0600);
    struct xmllog *log = malloc(sizeof *log);
    if (!log) {
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    log->fd = fd;
    return log;
}

void xmllog_close(struct xmllog *log)
{
    if (!log)
        return;
    close(log->fd);
    free(log);
}

int xmllog_write(struct xmllog *log, bool outgoing, const char *xml, size_t len)
{
    char prefix[48];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    size_t n = strftime(prefix, sizeof prefix - 4, "%Y-%m-%dT%H:%M:%SZ", &tm);
    memcpy(prefix + n, outgoing ? " >> " : " << ", 4);
    struct iovec iov[3] = {
        {prefix, n + 4},
        {(void *)xml, len},
        {"\n", 1},
    };
    ssize_t want = (ssize_t)(n + 4 + len + 1);
    return writev(log->fd, iov, 3) == want ? 0 : -1;
}
