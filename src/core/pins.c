/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pins.c - trust on purpose. When a server's certificate does not verify,
 * the user may decide to trust it anyway with /tls trust; we remember that
 * decision as the SHA-256 fingerprint of that exact certificate, for that
 * one account, in DATA/trusted-certs:
 *
 *   # comments and blank lines are kept as they are
 *   alice@example.org AB:CD:...:EF
 *
 * The TLS layer then accepts that certificate and nothing else that fails
 * verification; a different one is refused again ("fingerprint changed").
 * The file is small and rewritten whole, atomically and with mode 0600,
 * through vault_write_file, under the same folder lock as the vault. */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/config.h"
#include "core/path.h"
#include "core/pins.h"
#include "core/vault.h"

#define PINS_FILE "trusted-certs"
#define PINS_FILE_MAX (1u << 20)
#define PINS_JID_MAX PATH_JID_MAX

/* Canonical "AB:CD:..." from 64 hex digits with any colons or blanks. */
static bool norm_fingerprint(const char *in, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t digits = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ':' || *p == ' ')
            continue;
        const char *h = strchr(hex, *p >= 'a' && *p <= 'f' ? *p - 32 : *p);
        if (!h || !*p || digits == 64)
            return false;
        if (digits > 0 && digits % 2 == 0)
            *out++ = ':';
        *out++ = *h;
        digits++;
    }
    *out = '\0';
    return digits == 64;
}

/* The whole file as a string. Returns 0, 1 when absent, -1 on error. */
static int read_pins(const char *dir, char **text)
{
    char *path = path_join(dir, PINS_FILE);
    FILE *f = path ? fopen(path, "re") : NULL;
    free(path);
    *text = NULL;
    if (!f)
        return errno == ENOENT ? 1 : -1;
    char *buf = malloc(PINS_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, PINS_FILE_MAX + 1, f) : 0;
    bool bad = !buf || ferror(f) || n > PINS_FILE_MAX;
    fclose(f);
    if (bad) {
        free(buf);
        errno = buf ? EFBIG : ENOMEM;
        return -1;
    }
    buf[n] = '\0';
    *text = buf;
    return 0;
}

/* If line (len bytes, no newline) pins jid, its fingerprint goes to fp. */
static bool line_matches(const char *line, size_t len, const char *jid, char *fp)
{
    char ljid[PINS_JID_MAX + 1], field[256];
    size_t j = strcspn(line, " \t\n");
    if (j > len)
        j = len;
    if (len == 0 || line[0] == '#' || !path_norm_jid(line, j, ljid) || strcmp(ljid, jid) != 0)
        return false;
    size_t s = j;
    while (s < len && (line[s] == ' ' || line[s] == '\t'))
        s++;
    size_t flen = len - s;
    while (flen > 0 && (line[s + flen - 1] == ' ' || line[s + flen - 1] == '\r'))
        flen--;
    if (flen == 0 || flen >= sizeof field)
        return false;
    memcpy(field, line + s, flen);
    field[flen] = '\0';
    char tmp[PINS_FINGERPRINT_LEN];
    if (!norm_fingerprint(field, tmp))
        return false;
    if (fp)
        memcpy(fp, tmp, sizeof tmp);
    return true;
}

int pins_get(const char *data_dir, const char *jid, char *out, size_t outlen)
{
    char bare[PINS_JID_MAX + 1], fp[PINS_FINGERPRINT_LEN];
    char *text;
    if (!jid || !path_norm_jid(jid, strlen(jid), bare))
        return 0;
    int r = read_pins(data_dir, &text);
    if (r != 0)
        return r == 1 ? 0 : -1;
    int found = 0;
    for (const char *line = text; *line && !found;) {
        size_t len = strcspn(line, "\n");
        found = line_matches(line, len, bare, fp);
        line += len + (line[len] == '\n');
    }
    free(text);
    if (found)
        snprintf(out, outlen, "%s", fp);
    return found;
}

/* Rewrites the file without jid's lines, adding "jid fp" when fp is
 * non-NULL. Sets *removed when a line for jid was there. */
static int rewrite(const char *dir, const char *jid, const char *fp, int *removed, char *err,
                   size_t errlen)
{
    char *text;
    int r = read_pins(dir, &text);
    if (r < 0) {
        snprintf(err, errlen, "cannot read %s/%s: %s", dir, PINS_FILE, strerror(errno));
        return -1;
    }
    size_t cap = (text ? strlen(text) : 0) + strlen(jid) + PINS_FINGERPRINT_LEN + 4, n = 0;
    char *out = malloc(cap);
    if (!out) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *removed = 0;
    for (const char *line = text ? text : ""; *line;) {
        size_t len = strcspn(line, "\n");
        if (line_matches(line, len, jid, NULL)) {
            *removed = 1;
        } else {
            memcpy(out + n, line, len);
            n += len;
            out[n++] = '\n';
        }
        line += len + (line[len] == '\n');
    }
    if (fp)
        n += (size_t)snprintf(out + n, cap - n, "%s %s\n", jid, fp);
    free(text);
    r = fp || *removed ? vault_write_file(dir, PINS_FILE, out, n, err, errlen) : 0;
    free(out);
    return r;
}

static int change(const char *dir, const char *jid, const char *fp, char *err, size_t errlen)
{
    char bare[PINS_JID_MAX + 1];
    int removed = 0;
    if (!jid || !path_norm_jid(jid, strlen(jid), bare)) {
        snprintf(err, errlen, "invalid JID for a certificate pin");
        return -1;
    }
    int fd = path_lock_dir(dir, err, errlen);
    if (fd < 0)
        return -1;
    int r = rewrite(dir, bare, fp, &removed, err, errlen);
    close(fd);
    return r < 0 ? -1 : removed;
}

int pins_set(const char *data_dir, const char *jid, const char *fingerprint, char *err,
             size_t errlen)
{
    char fp[PINS_FINGERPRINT_LEN];
    if (!fingerprint || !norm_fingerprint(fingerprint, fp)) {
        snprintf(err, errlen, "not a SHA-256 fingerprint (64 hex digits expected)");
        return -1;
    }
    return change(data_dir, jid, fp, err, errlen) < 0 ? -1 : 0;
}

int pins_remove(const char *data_dir, const char *jid, char *err, size_t errlen)
{
    return change(data_dir, jid, NULL, err, errlen);
}
