/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_chatlog.c - history files (core/chatlog.c): path and mode, escaping of newlines
 * and backslashes, reading back the most recent messages in order. */
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "core/chatlog.h"

struct seen {
    int n;
    char text[8][64];
    bool out[8];
    time_t stamp[8];
};

static void on_line(void *ud, time_t stamp, bool outgoing, const char *from, const char *text)
{
    struct seen *s = ud;
    if (s->n < 8) {
        snprintf(s->text[s->n], sizeof s->text[s->n], "%s|%s", from, text);
        s->out[s->n] = outgoing;
        s->stamp[s->n] = stamp;
    }
    s->n++;
}

/* A write that cannot happen (here: the history folder is a file, as
 * good as a full or read-only disk) is reported, never silent. A full
 * disk proper: RLIMIT_FSIZE makes the write itself fail. */
static void test_write_failures(void)
{
    char dir[] = "/tmp/tuktuk-logf-XXXXXX", err[256] = "", path[4200];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/history", dir);
    FILE *blocker = fopen(path, "w");
    CHECK(blocker != NULL);
    if (blocker)
        fclose(blocker);
    CHECK(chatlog_append(dir, "a@x", "b@x", 1, false, "b@x", "lost?", err, sizeof err) == -1);
    CHECK(strstr(err, "history") != NULL);
    unlink(path);

    err[0] = '\0';
    CHECK(chatlog_append(dir, "a@x", "b@x", 1, false, "b@x", "first", err, sizeof err) == 0);
    struct rlimit old;
    getrlimit(RLIMIT_FSIZE, &old);
    struct rlimit tiny = {1, old.rlim_max}; /* the soft limit only, so it can go back */
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &tiny);
    int rc = chatlog_append(dir, "a@x", "b@x", 2, false, "b@x", "does not fit", err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(rc == -1 && strstr(err, "history") != NULL);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    test_write_failures();
    char dir[] = "/tmp/tuktuk-log-XXXXXX", err[256], path[4096];
    CHECK(mkdtemp(dir) != NULL);
    CHECK(chatlog_append(dir, "alice@localhost", "bob@localhost", 1000, false, "bob@localhost",
                         "hi there", err, sizeof err) == 0);
    CHECK(chatlog_append(dir, "alice@localhost", "bob@localhost", 2000, true, "alice@localhost",
                         "two\nlines \\ slash", err, sizeof err) == 0);
    CHECK(chatlog_path(dir, "alice@localhost", "bob@localhost", path, sizeof path) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    FILE *f = fopen(path, "r");
    char line[256];
    CHECK(f && fgets(line, sizeof line, f));
    CHECK_STR(line, "1970-01-01T00:16:40Z < bob@localhost hi there\n");
    CHECK(fgets(line, sizeof line, f));
    CHECK_STR(line, "1970-01-01T00:33:20Z > alice@localhost two\\nlines \\\\ slash\n");
    fclose(f);
    struct seen s = {0};
    CHECK(chatlog_recent(dir, "alice@localhost", "bob@localhost", 10, on_line, &s) == 2);
    CHECK_STR(s.text[0], "bob@localhost|hi there");
    CHECK_STR(s.text[1], "alice@localhost|two\nlines \\ slash");
    CHECK(!s.out[0] && s.out[1] && s.stamp[1] == 2000);
    memset(&s, 0, sizeof s);
    CHECK(chatlog_recent(dir, "alice@localhost", "bob@localhost", 1, on_line, &s) == 1);
    CHECK_STR(s.text[0], "alice@localhost|two\nlines \\ slash");
    CHECK(chatlog_recent(dir, "alice@localhost", "nobody@localhost", 5, on_line, &s) == 0);
    /* a hostile contact name stays inside the history folder */
    CHECK(chatlog_path(dir, "alice@localhost", "../../etc/x", path, sizeof path) == 0);
    CHECK(strstr(path, "/history/alice@localhost/_._.._etc_x.log") != NULL);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return check_done();
}
