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

#include <sodium.h>

#include "core/config.h"
#include "core/path.h"
#include "xmpp/jid.h"

#define NAME_MAX_BYTES 200 /* a file name; most file systems allow 255 */

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

char *path_account_file(const char *data_dir, const char *folder, const char *jid)
{
    static const char hexdigits[] = "0123456789abcdef";
    char *bare = jid ? jid_bare_of(jid) : NULL;
    size_t fl = strlen(folder);
    if (!bare || fl > 64) {
        free(bare);
        return NULL;
    }
    /* A bare JID holds no '/' (that starts the resource); a leading dot
     * would make "." or ".." or a hidden file. */
    char name[NAME_MAX_BYTES + 66];
    size_t n = strlen(bare);
    if (n <= NAME_MAX_BYTES) {
        snprintf(name, sizeof name, "%s/%s", folder, bare);
        if (bare[0] == '.')
            name[fl + 1] = '_';
    } else {
        unsigned char h[16];
        crypto_generichash(h, sizeof h, (const unsigned char *)bare, n, NULL, 0);
        char *o = name + snprintf(name, sizeof name, "%s/", folder);
        for (size_t i = 0; i < sizeof h; i++) {
            *o++ = hexdigits[h[i] >> 4];
            *o++ = hexdigits[h[i] & 15];
        }
        *o = '\0';
    }
    free(bare);
    return path_join(data_dir, name);
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
