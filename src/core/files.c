/* SPDX-License-Identifier: GPL-3.0-or-later */
/* files.c - downloads on disk, and the links they come from.
 *
 * A name from the network is only a hint: a contact chooses it, so it
 * loses what could reach outside the downloads folder or hide there
 * (separators, a leading dot, control characters that would also garble
 * the terminal when shown). While a download runs it is NAME.part,
 * created with O_EXCL so that it never writes into a file that exists;
 * at the end the file gets its name with link(2), which fails instead of
 * replacing, so "NAME (1).EXT" is tried next: nothing already in the
 * folder is ever overwritten, even by a file that appeared during the
 * download. A failed download, or a tag that does not authenticate,
 * removes the .part file. */
#include "core/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILES_NAME_MAX 200
#define FILES_TRIES 1000

void files_sanitise_name(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    bool start = true;
    size_t limit = cap - 1 < FILES_NAME_MAX ? cap - 1 : FILES_NAME_MAX;
    for (const unsigned char *p = (const unsigned char *)in; *p && n < limit; p++) {
        unsigned char c = *p;
        if (start && (c == '.' || c == ' ' || c == '-'))
            continue; /* hidden files and option-like names */
        if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f)
            c = '_';
        /* a UTF-8 sequence is kept whole or not at all */
        size_t seq = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        if (n + seq > limit)
            break;
        bool whole = true;
        for (size_t k = 1; k < seq; k++)
            whole = whole && (p[k] & 0xc0) == 0x80;
        if (!whole || (c >= 0x80 && c < 0xc0)) {
            out[n++] = '_';
            start = false;
            continue;
        }
        out[n++] = (char)c;
        for (size_t k = 1; k < seq; k++)
            out[n++] = (char)*++p;
        start = false;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    if (n == 0)
        snprintf(out, cap, "download");
}

static int hexdigit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

void files_name_from_url(const char *url, char *out, size_t cap)
{
    const char *s = strstr(url, "://");
    s = s ? s + 3 : url;
    size_t end = strcspn(s, "?#");
    const char *slash = NULL;
    for (const char *p = s; p < s + end; p++)
        if (*p == '/')
            slash = p;
    const char *seg = slash ? slash + 1 : s + end;
    size_t len = (size_t)(s + end - seg);
    char decoded[FILES_NAME_MAX * 3 + 1];
    size_t n = 0;
    for (size_t i = 0; i < len && n < sizeof decoded - 1; i++) {
        int hi = i + 2 < len ? hexdigit(seg[i + 1]) : -1;
        int lo = i + 2 < len ? hexdigit(seg[i + 2]) : -1;
        if (seg[i] == '%' && hi >= 0 && lo >= 0) {
            decoded[n++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            decoded[n++] = seg[i];
        }
    }
    decoded[n] = '\0';
    /* a NUL decoded from %00 ends the name there: sanitise sees the rest */
    files_sanitise_name(decoded, out, cap);
}

char *files_download_dir(const char *configured)
{
    if (configured && configured[0])
        return strdup(configured);
    const char *xdg = getenv("XDG_DOWNLOAD_DIR");
    if (xdg && xdg[0] == '/')
        return strdup(xdg);
    const char *home = getenv("HOME");
    if (!home || home[0] != '/')
        return NULL;
    size_t n = strlen(home) + sizeof "/Downloads";
    char *d = malloc(n);
    if (d)
        snprintf(d, n, "%s/Downloads", home);
    return d;
}

static bool link_char(unsigned char c)
{
    return c > 0x20 && c != 0x7f && c != '<' && c != '>' && c != '"';
}

size_t files_find_links(const char *text, struct files_link *out, size_t max)
{
    static const char *const schemes[] = {"https://", "http://", "aesgcm://"};
    size_t n = 0;
    const char *p = text;
    while (*p && n < max) {
        size_t skip = 0;
        for (size_t i = 0; i < sizeof schemes / sizeof schemes[0] && !skip; i++) {
            size_t sl = strlen(schemes[i]);
            bool at_word =
                p == text || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'));
            if (at_word && strncasecmp(p, schemes[i], sl) == 0)
                skip = sl;
        }
        if (!skip) {
            p++;
            continue;
        }
        size_t len = skip;
        while (link_char((unsigned char)p[len]))
            len++;
        /* trailing punctuation belongs to the sentence; a closing bracket
         * only to the link when the link opened it */
        for (;;) {
            char last = p[len - 1];
            if (len > skip && strchr(".,;:!?'", last)) {
                len--;
                continue;
            }
            if (len > skip && (last == ')' || last == ']')) {
                char open = last == ')' ? '(' : '[';
                int depth = 0;
                for (size_t i = 0; i < len; i++)
                    depth += p[i] == open ? 1 : p[i] == last ? -1 : 0;
                if (depth < 0) {
                    len--;
                    continue;
                }
            }
            break;
        }
        if (len > skip) {
            out[n].start = (size_t)(p - text);
            out[n].len = len;
            const char *hash = skip == 9 ? memchr(p, '#', len) : NULL; /* aesgcm:// */
            out[n].shown = hash ? (size_t)(hash - p) : len;
            n++;
        }
        p += len;
    }
    return n;
}

char *files_hide_keys(const char *text)
{
    struct files_link found[16];
    size_t len = strlen(text), from = 0, at = 0, n;
    char *out = NULL;
    for (size_t base = 0; (n = files_find_links(text + base, found, 16)) > 0;
         base += found[n - 1].start + found[n - 1].len) {
        for (size_t i = 0; i < n; i++) {
            if (found[i].shown == found[i].len)
                continue;
            if (!out && !(out = malloc(len + 1)))
                return NULL;
            size_t cut = base + found[i].start + found[i].shown;
            memcpy(out + at, text + from, cut - from);
            at += cut - from;
            from = base + found[i].start + found[i].len;
        }
    }
    if (out)
        memcpy(out + at, text + from, len - from + 1);
    return out;
}

char *files_body_with_url(const char *body, const char *url)
{
    size_t n = strlen(url), b = body ? strlen(body) : 0;
    if (n == 0 || n > 4096 || (body && strstr(body, url)))
        return NULL;
    char *out = malloc(b + n + 2);
    if (!out)
        return NULL;
    if (b)
        memcpy(out, body, b);
    if (b)
        out[b++] = '\n';
    memcpy(out + b, url, n + 1);
    return out;
}

struct download {
    int fd;
    char *dir, *name, *part;
    struct aesgcm *gcm;
    unsigned char *buf; /* plaintext of one write */
    size_t cap;
};

/* "name (k).ext" into out; k 0: the name itself. */
static void candidate(const char *name, unsigned k, const char *suffix, char *out, size_t cap)
{
    if (k == 0) {
        snprintf(out, cap, "%s%s", name, suffix);
        return;
    }
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        dot = name + strlen(name);
    snprintf(out, cap, "%.*s (%u)%s%s", (int)(dot - name), name, k, dot, suffix);
}

struct download *download_open(const char *dir, const char *name, const struct aesgcm_link *enc,
                               char *err, size_t errlen)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return NULL;
    }
    struct download *d = calloc(1, sizeof *d);
    if (d)
        d->fd = -1;
    if (!d || !(d->dir = strdup(dir)) || !(d->name = strdup(name)) ||
        !(d->part = malloc(strlen(dir) + strlen(name) + 32)) ||
        (enc && !(d->gcm = aesgcm_new(enc)))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (unsigned k = 0; k < FILES_TRIES && d->fd < 0; k++) {
        char file[FILES_NAME_MAX + 32];
        candidate(name, k, ".part", file, sizeof file);
        sprintf(d->part, "%s/%s", dir, file);
        d->fd = open(d->part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (d->fd < 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", d->part, strerror(errno));
            goto fail;
        }
    }
    if (d->fd < 0) {
        snprintf(err, errlen, "cannot find a free name for %s in %s", name, dir);
        goto fail;
    }
    return d;
fail:
    if (d) {
        free(d->part);
        d->part = NULL;
        download_abort(d);
    }
    return NULL;
}

static int write_all(struct download *d, const char *buf, size_t len, char *err, size_t errlen)
{
    while (len > 0) {
        ssize_t n = write(d->fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s: %s", errno == ENOSPC ? "the disk is full" : "cannot write",
                     strerror(errno));
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int download_write(struct download *d, const char *buf, size_t len, char *err, size_t errlen)
{
    if (!d->gcm)
        return write_all(d, buf, len, err, errlen);
    if (d->cap < len + AESGCM_TAG_LEN) {
        unsigned char *b = realloc(d->buf, len + AESGCM_TAG_LEN);
        if (!b) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        d->buf = b;
        d->cap = len + AESGCM_TAG_LEN;
    }
    long n = aesgcm_update(d->gcm, (const unsigned char *)buf, len, d->buf);
    if (n < 0) {
        snprintf(err, errlen, "cannot decrypt the file");
        return -1;
    }
    return write_all(d, (const char *)d->buf, (size_t)n, err, errlen);
}

int download_finish(struct download *d, char *path, size_t pathlen, char *err, size_t errlen)
{
    if (d->gcm && !aesgcm_final(d->gcm)) {
        snprintf(err, errlen,
                 "the file does not authenticate (wrong key or tampered with): removed");
        download_abort(d);
        return -1;
    }
    if (close(d->fd) != 0) {
        d->fd = -1;
        snprintf(err, errlen, "cannot write %s: %s", d->part, strerror(errno));
        download_abort(d);
        return -1;
    }
    d->fd = -1;
    int rc = -1;
    for (unsigned k = 0; k < FILES_TRIES; k++) {
        char file[FILES_NAME_MAX + 32];
        candidate(d->name, k, "", file, sizeof file);
        snprintf(path, pathlen, "%s/%s", d->dir, file);
        if (link(d->part, path) == 0) {
            rc = 0;
            break;
        }
        if (errno != EEXIST) {
            snprintf(err, errlen, "cannot name %s: %s", path, strerror(errno));
            break;
        }
    }
    if (rc < 0 && !err[0])
        snprintf(err, errlen, "cannot find a free name for %s in %s", d->name, d->dir);
    download_abort(d); /* the .part name goes; the file keeps its new one */
    return rc;
}

void download_abort(struct download *d)
{
    if (!d)
        return;
    if (d->fd >= 0)
        close(d->fd);
    if (d->part)
        unlink(d->part);
    aesgcm_free(d->gcm);
    free(d->buf);
    free(d->dir);
    free(d->name);
    free(d->part);
    free(d);
}
