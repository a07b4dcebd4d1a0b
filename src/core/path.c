/* SPDX-License-Identifier: GPL-3.0-or-later */
/* path.c - one way to name a file in a folder, for the config file, the
 * vault, its key, the trusted certificates and the roster cache alike;
 * one lock for the writers of a folder; one name for an account. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/config.h"
#include "core/path.h"

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int path_lock_dir(const char *dir, char *err, size_t errlen)
{
    if (config_dir_make(dir, err, errlen) < 0)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        snprintf(err, errlen, "cannot lock %s: %s", dir, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

bool path_norm_jid(const char *jid, size_t n, char *out)
{
    size_t bare = 0;
    while (bare < n && jid[bare] != '/')
        bare++;
    if (bare == 0 || bare > PATH_JID_MAX)
        return false;
    for (size_t i = 0; i < bare; i++) {
        unsigned char c = (unsigned char)jid[i];
        if (c <= ' ')
            return false;
        out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out[bare] = '\0';
    return true;
}
