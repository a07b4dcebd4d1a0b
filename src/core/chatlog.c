/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chatlog.c - history as text logs, one per conversation.
 *
 * Each conversation is one file, DIR/ACCOUNT/CONTACT.log (the old history
 * is in DIR = $DATA/history), one line per message so that grep and tail
 * work on it:
 *
 *     2026-11-26T12:01:05Z < bob@localhost hi there
 *     2026-11-26T12:01:09Z > alice@localhost line one\nline two
 *
 * (UTC time, '<' received or '>' sent, the sender's bare JID, the text
 * with backslash, newline and carriage return escaped as \\, \n, \r).
 * Files and folders are private (0600, 0700): history is personal.
 *
 * This was tuktuk's history until the message store (store.c) took its
 * place. It stays as the plain-text form of history: old logs are read
 * once into the store, and `tuktuk --export-history` writes them for
 * users who grep their logs. */
#include "core/chatlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A JID as one safe path component: no '/', no leading dot. */
static void component(const char *s, char *out, size_t len)
{
    size_t i = 0;
    for (; s[i] && i + 1 < len; i++)
        out[i] = (s[i] == '/' || (i == 0 && s[i] == '.')) ? '_' : s[i];
    out[i] = '\0';
}

int chatlog_path(const char *dir, const char *account, const char *contact, char *out,
                 size_t len)
{
    char a[1024], c[1024];
    component(account, a, sizeof a);
    component(contact, c, sizeof c);
    int n = snprintf(out, len, "%s/%s/%s.log", dir, a, c);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return 0;
}

static char *escape(const char *text)
{
    size_t len = strlen(text);
    char *out = malloc(len * 2 + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = text; *p; p++) {
        char e = *p == '\\' ? '\\' : *p == '\n' ? 'n' : *p == '\r' ? 'r' : 0;
        if (e) {
            *o++ = '\\';
            *o++ = e;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

struct chatlog_writer {
    FILE *f;
    char path[4096], tmp[4100];
};

struct chatlog_writer *chatlog_writer_open(const char *dir, const char *account,
                                           const char *contact, char *err, size_t errlen)
{
    struct chatlog_writer *w = calloc(1, sizeof *w);
    if (!w || chatlog_path(dir, account, contact, w->path, sizeof w->path) != 0) {
        snprintf(err, errlen, "history: path too long");
        free(w);
        return NULL;
    }
    /* Written beside its final name and renamed when complete, so a
     * reader never sees half a log. */
    snprintf(w->tmp, sizeof w->tmp, "%s.tmp", w->path);
    int fd = mkdir_p(w->tmp) == 0
                 ? open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
                 : -1;
    if (fd < 0 || !(w->f = fdopen(fd, "w"))) {
        snprintf(err, errlen, "history: %s: %s", w->tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(w);
        return NULL;
    }
    return w;
}

int chatlog_writer_line(struct chatlog_writer *w, time_t stamp, bool outgoing, const char *from,
                        const char *text)
{
    char ts[32];
    struct tm tm;
    gmtime_r(&stamp, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *body = escape(text ? text : "");
    int rc = body && fprintf(w->f, "%s %c %s %s\n", ts, outgoing ? '>' : '<', from, body) > 0
                 ? 0
                 : -1;
    free(body);
    return rc;
}

int chatlog_writer_close(struct chatlog_writer *w, char *err, size_t errlen)
{
    int rc = ferror(w->f) ? -1 : 0;
    if (fflush(w->f) != 0 || fsync(fileno(w->f)) != 0)
        rc = -1;
    int saved = errno;
    fclose(w->f);
    if (rc == 0 && rename(w->tmp, w->path) != 0) {
        saved = errno;
        rc = -1;
    }
    if (rc != 0) {
        unlink(w->tmp);
        if (err)
            snprintf(err, errlen, "history: %s: %s", w->path, strerror(saved));
    }
    free(w);
    return rc;
}

static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            *o++ = *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

static bool parse_line(char *line, time_t *stamp, bool *outgoing, char **from, char **text)
{
    struct tm tm = {0};
    int used = 0;
    if (sscanf(line, "%4d-%2d-%2dT%2d:%2d:%2dZ %n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 ||
        used == 0)
        return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    char *p = line + used;
    if ((p[0] != '<' && p[0] != '>') || p[1] != ' ')
        return false;
    *outgoing = p[0] == '>';
    *from = p + 2;
    char *sp = strchr(*from, ' ');
    if (!sp)
        return false;
    *sp = '\0';
    *text = sp + 1;
    unescape(*text);
    *stamp = timegm(&tm);
    return true;
}

int chatlog_read(const char *path, chatlog_fn fn, void *ud)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int found = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        time_t stamp;
        bool out;
        char *from, *text;
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (parse_line(line, &stamp, &out, &from, &text)) {
            fn(ud, stamp, out, from, text);
            found++;
        }
    }
    free(line);
    fclose(f);
    return found;
}
