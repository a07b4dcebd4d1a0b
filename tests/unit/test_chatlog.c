/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_chatlog.c - text logs (core/chatlog.c): path and mode, escaping of
 * newlines and backslashes, reading back in order, atomic writing, and a
 * write that cannot happen (a full disk) reported and leaving no file. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

/* RLIMIT_FSIZE makes the write itself fail, as a full disk does: the
 * close says so and the half-written file is gone. */
static void test_full_disk(const char *dir)
{
    char err[256] = "", path[4200];
    struct chatlog_writer *w = chatlog_writer_open(dir, "a@x", "full@x", err, sizeof err);
    CHECK(w != NULL);
    if (!w)
        return;
    struct rlimit old;
    getrlimit(RLIMIT_FSIZE, &old);
    struct rlimit tiny = {1, old.rlim_max}; /* the soft limit only, so it can go back */
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &tiny);
    for (int i = 0; i < 2000; i++)
        chatlog_writer_line(w, 1, false, "b@x", "does not fit on this disk at all");
    int rc = chatlog_writer_close(w, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(rc == -1 && strstr(err, "history") != NULL);
    CHECK(chatlog_path(dir, "a@x", "full@x", path, sizeof path) == 0);
    CHECK(access(path, F_OK) != 0);
    strcat(path, ".tmp");
    CHECK(access(path, F_OK) != 0);
}

int main(void)
{
    char dir[] = "/tmp/tuktuk-log-XXXXXX", err[256], path[4096];
    CHECK(mkdtemp(dir) != NULL);
    struct chatlog_writer *w = chatlog_writer_open(dir, "alice@localhost", "bob@localhost", err,
                                                   sizeof err);
    CHECK(w != NULL);
    CHECK(chatlog_writer_line(w, 1000, false, "bob@localhost", "hi there") == 0);
    CHECK(chatlog_writer_line(w, 2000, true, "alice@localhost", "two\nlines \\ slash") == 0);
    CHECK(chatlog_path(dir, "alice@localhost", "bob@localhost", path, sizeof path) == 0);
    CHECK(access(path, F_OK) != 0); /* not there until complete */
    CHECK(chatlog_writer_close(w, err, sizeof err) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    FILE *f = fopen(path, "r");
    char line[256];
    CHECK(f && fgets(line, sizeof line, f));
    CHECK_STR(line, "1970-01-01T00:16:40Z < bob@localhost hi there\n");
    CHECK(f && fgets(line, sizeof line, f));
    CHECK_STR(line, "1970-01-01T00:33:20Z > alice@localhost two\\nlines \\\\ slash\n");
    if (f)
        fclose(f);
    struct seen s = {0};
    CHECK(chatlog_read(path, on_line, &s) == 2);
    CHECK_STR(s.text[0], "bob@localhost|hi there");
    CHECK_STR(s.text[1], "alice@localhost|two\nlines \\ slash");
    CHECK(!s.out[0] && s.out[1] && s.stamp[1] == 2000);
    CHECK(chatlog_read("/nonexistent/x.log", on_line, &s) == -1);
    /* a hostile contact name stays inside the folder */
    CHECK(chatlog_path(dir, "alice@localhost", "../../etc/x", path, sizeof path) == 0);
    CHECK(strstr(path, "/alice@localhost/_._.._etc_x.log") != NULL);
    test_full_disk(dir);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return check_done();
}
