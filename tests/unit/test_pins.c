/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_pins.c - pinned certificate fingerprints in DATA/trusted-certs:
 * canonical form, one pin per account, other lines kept, mode 0600, and a
 * failed write that leaves the old file as it was. */

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "core/pins.h"

#define FP_A                                                                                       \
    "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"   \
    "67:89"
#define FP_B_RAW "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF"
#define FP_B                                                                                       \
    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:"   \
    "EE:FF"

static char dir[512], file[600], err[512];

static char *slurp(void)
{
    static char buf[8192];
    FILE *f = fopen(file, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

static bool tmp_left(void)
{
    DIR *d = opendir(dir);
    bool found = false;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        found |= strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return found;
}

static void test_set_get(void)
{
    char fp[PINS_FINGERPRINT_LEN];
    struct stat st;
    CHECK(pins_get(dir, "alice@example.org", fp, sizeof fp) == 0); /* no file, no folder */
    CHECK(pins_set(dir, "alice@example.org/tuktuk", FP_A, err, sizeof err) == 0);
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
    CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK_STR(slurp(), "alice@example.org " FP_A "\n");
    CHECK(pins_get(dir, "Alice@Example.org/other", fp, sizeof fp) == 1);
    CHECK_STR(fp, FP_A);
    CHECK(pins_get(dir, "bob@example.org", fp, sizeof fp) == 0);
    CHECK(pins_set(dir, "bob@example.org", FP_B_RAW, err, sizeof err) == 0);
    CHECK(pins_get(dir, "bob@example.org", fp, sizeof fp) == 1);
    CHECK_STR(fp, FP_B);
    /* Trusting a new certificate replaces the account's pin only. */
    CHECK(pins_set(dir, "alice@example.org", FP_B, err, sizeof err) == 0);
    CHECK_STR(slurp(), "bob@example.org " FP_B "\nalice@example.org " FP_B "\n");
    CHECK(!tmp_left());
}

static void test_bad_input(void)
{
    CHECK(pins_set(dir, "alice@example.org", "AB:CD", err, sizeof err) == -1);
    CHECK(strstr(err, "64 hex digits") != NULL);
    CHECK(pins_set(dir, "alice@example.org", FP_B_RAW "00", err, sizeof err) == -1);
    CHECK(pins_set(dir, "alice@example.org",
                   "zz112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF", err,
                   sizeof err) == -1);
    CHECK(pins_set(dir, "", FP_A, err, sizeof err) == -1);
    CHECK(pins_set(dir, "a b@example.org", FP_A, err, sizeof err) == -1);
    CHECK(pins_set(dir, NULL, FP_A, err, sizeof err) == -1);
}

static void test_foreign_lines(void)
{
    FILE *f = fopen(file, "w");
    fputs("# written by hand\n\ncarol@example.org not-a-fingerprint\n"
          "dave@example.org " FP_A "\n",
          f);
    fclose(f);
    char fp[PINS_FINGERPRINT_LEN];
    CHECK(pins_get(dir, "carol@example.org", fp, sizeof fp) == 0);
    CHECK(pins_get(dir, "dave@example.org", fp, sizeof fp) == 1);
    CHECK(pins_set(dir, "erin@example.org", FP_B, err, sizeof err) == 0);
    CHECK_STR(slurp(), "# written by hand\n\ncarol@example.org not-a-fingerprint\n"
                       "dave@example.org " FP_A "\nerin@example.org " FP_B "\n");
    CHECK(pins_remove(dir, "dave@example.org", err, sizeof err) == 1);
    CHECK(pins_remove(dir, "dave@example.org", err, sizeof err) == 0);
    CHECK(pins_get(dir, "dave@example.org", fp, sizeof fp) == 0);
    CHECK(pins_get(dir, "erin@example.org", fp, sizeof fp) == 1);
}

static void test_failed_write(void)
{
    char before[8192];
    snprintf(before, sizeof before, "%s", slurp());
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = strlen(before) + 10;
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    int r = pins_set(dir, "frank@example.org", FP_A, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(r == -1);
    CHECK(strstr(err, "unchanged") != NULL);
    CHECK_STR(slurp(), before);
    CHECK(!tmp_left());
}

int main(void)
{
    char base[400];
    const char *t = getenv("TUKTUK_TEST_TMP");
    if (t && *t) {
        snprintf(base, sizeof base, "%s/pins", t);
        mkdir(base, 0700);
    } else {
        snprintf(base, sizeof base, "/tmp/tuktuk-test-pins-XXXXXX");
        if (!mkdtemp(base))
            return 1;
    }
    snprintf(dir, sizeof dir, "%s/data", base);
    snprintf(file, sizeof file, "%s/trusted-certs", dir);
    test_set_get();
    test_bad_input();
    test_foreign_lines();
    test_failed_write();
    return check_done();
}
