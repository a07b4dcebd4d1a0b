/* SPDX-License-Identifier: GPL-3.0-or-later */
/* chatlog.c - message history on disk.
 *
 * Each conversation is one file, $DATA/history/ACCOUNT/CONTACT.log, one
 * line per message so that grep and tail work on it:
 *
 *     2026-11-26T12:01:05Z < bob@localhost hi there
 *     2026-11-26T12:01:09Z > alice@localhost line one\nline two
 *
 * (UTC time, '<' received or '>' sent, the sender's bare JID, the text
 * with backslash, newline and carriage return escaped as \\, \n, \r).
 * Files and folders are private (0600, 0700): history is personal. A
 * message is appended before it is shown, so what the user saw is on
 * disk. Reading back takes only the file's tail, so a log of years opens
 * as fast as a new one. */
#include "core/chatlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TAIL_BYTES 65536

/* A JID as one safe path component: no '/', no leading dot. */
static void component(const char *s, char *out, size_t len)
{
    size_t i = 0;
    for (; s[i] && i + 1 < len; i++)
        out[i] = (s[i] == '/' || (i == 0 && s[i] == '.')) ? '_' : s[i];
    out[i] = '\0';
}

int chatlog_path(const char *data_dir, const char *account, const char *contact, char *out,
                 size_t len)
{
    char a[1024], c[1024];
    component(account, a, sizeof a);
    component(contact, c, sizeof c);
    int n = snprintf(out, len, "%s/history/%s/%s.log", data_dir, a, c);
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

int chatlog_append(const char *data_dir, const char *account, const char *contact, time_t stamp,
                   bool outgoing, const char *from, const char *text, char *err, size_t errlen)
{
    char path[4096], ts[32];
    struct tm tm;
    if (chatlog_path(data_dir, account, contact, path, sizeof path) != 0) {
        snprintf(err, errlen, "history: path too long");
        return -1;
    }
    /* The folders exist after the first message: create them only then. */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 && errno == ENOENT && mkdir_p(path) == 0)
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "history: %s: %s", path, strerror(errno));
        return -1;
    }
    gmtime_r(&stamp, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *body = escape(text);
    size_t len = strlen(ts) + strlen(from) + (body ? strlen(body) : 0) + 8;
    char *line = malloc(len);
    int rc = -1;
    if (body && line) {
        int n = snprintf(line, len, "%s %c %s %s\n", ts, outgoing ? '>' : '<', from, body);
        rc = n > 0 && write(fd, line, (size_t)n) == n ? 0 : -1;
    }
    if (rc != 0)
        snprintf(err, errlen, "history: %s: write failed", path);
    free(body);
    free(line);
    close(fd);
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

/* The last TAIL_BYTES of the file, starting at a line boundary. */
static char *read_tail(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    off_t size = lseek(fd, 0, SEEK_END);
    off_t from = size > TAIL_BYTES ? size - TAIL_BYTES : 0;
    char *buf = size >= 0 ? malloc((size_t)(size - from) + 1) : NULL;
    ssize_t n = buf ? pread(fd, buf, (size_t)(size - from), from) : -1;
    close(fd);
    if (n < 0) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (from > 0) {
        char *nl = strchr(buf, '\n');
        memmove(buf, nl ? nl + 1 : buf + n, strlen(nl ? nl + 1 : buf + n) + 1);
    }
    return buf;
}

int chatlog_recent(const char *data_dir, const char *account, const char *contact, int max,
                   chatlog_fn fn, void *ud)
{
    char path[4096];
    if (max <= 0 || chatlog_path(data_dir, account, contact, path, sizeof path) != 0)
        return 0;
    char *buf = read_tail(path);
    if (!buf)
        return 0;
    /* Count the lines, then skip all but the last max. */
    int lines = 0;
    for (char *p = buf; *p; p++)
        lines += *p == '\n';
    int skip = lines > max ? lines - max : 0, found = 0;
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        time_t stamp;
        bool out;
        char *from, *text;
        if (skip > 0) {
            skip--;
            continue;
        }
        if (parse_line(l, &stamp, &out, &from, &text)) {
            fn(ud, stamp, out, from, text);
            found++;
        }
    }
    free(buf);
    return found;
}
