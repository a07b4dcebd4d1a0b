/* SPDX-License-Identifier: GPL-3.0-or-later */
/* prompt.c - reads answers from /dev/tty, so that a password never passes
 * through stdin redirections or the shell history, and turns echo off
 * while a secret is typed. Used only before curses takes the terminal. */

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/prompt.h"

#define ANSWER_MAX 1024

/* Reads one line into buf (NUL-terminated, newline removed). Returns the
 * length or -1 on end of input. */
static int read_line(int fd, char *buf, size_t size)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r <= 0)
            return n ? (int)n : -1;
        if (c == '\n' || c == '\r')
            break;
        if (n + 1 < size)
            buf[n++] = c;
    }
    buf[n] = '\0';
    return (int)n;
}

static int ask(const char *question, char *buf, size_t size, bool echo)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct termios saved, quiet;
    bool restore = false;
    if (!echo && tcgetattr(fd, &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    if (write(fd, question, strlen(question)) < 0) {
        /* nothing to do: the read below still works without the question */
    }
    int n = read_line(fd, buf, size);
    if (restore)
        tcsetattr(fd, TCSAFLUSH, &saved);
    close(fd);
    return n;
}

char *prompt_secret(const char *question)
{
    char *buf = sodium_malloc(ANSWER_MAX);
    if (!buf)
        return NULL;
    if (ask(question, buf, ANSWER_MAX, false) <= 0) {
        sodium_free(buf);
        return NULL;
    }
    return buf;
}

char *prompt_line(const char *question)
{
    char buf[ANSWER_MAX];
    if (ask(question, buf, sizeof buf, true) <= 0)
        return NULL;
    return strdup(buf);
}
