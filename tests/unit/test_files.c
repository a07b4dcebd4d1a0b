/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_files.c - downloads on disk without a network: names from the
 * network made safe, the links found in a message, the downloads folder
 * chosen, a .part file that becomes NAME, then NAME (1).EXT and never
 * replaces a file, a write that fails (a file size limit stands in for a
 * full disk) and leaves nothing, and aesgcm:// decryption fed in every
 * chunk size, with a tag that must authenticate. Sending: a file sealed
 * for an encrypted upload (read in every buffer size) decrypts to itself
 * through a download, and a changed byte or tag leaves nothing; the
 * aesgcm:// link we write is one we read, with a fresh key each time;
 * keys are cut from text for the screen; an out-of-band URL missing from
 * a body is added to it. */

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check.h"
#include "core/files.h"

static void sanitised(const char *in, const char *want)
{
    char out[256];
    files_sanitise_name(in, out, sizeof out);
    if (strcmp(out, want) != 0)
        fprintf(stderr, "sanitise(\"%s\") = \"%s\"\n", in, out);
    CHECK_STR(out, want);
}

static void test_names(void)
{
    sanitised("photo.jpg", "photo.jpg");
    sanitised("../../etc/passwd", "_.._etc_passwd");
    sanitised("..", "download");
    sanitised(".bashrc", "bashrc");
    sanitised("a/b\\c", "a_b_c");
    sanitised("bell\x07"
              "and\x1b"
              "[2Jesc",
              "bell_and_[2Jesc");
    sanitised("del\x7f", "del_");
    sanitised("-rf", "rf");
    sanitised("", "download");
    sanitised("caf\xc3\xa9.txt", "caf\xc3\xa9.txt");
    sanitised("bad\xff\xfe.txt", "bad__.txt");
    char small[8];
    files_sanitise_name("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", small, sizeof small);
    CHECK_STR(small, "\xc3\xa9\xc3\xa9\xc3\xa9"); /* cut between characters */
    char name[256];
    files_name_from_url("https://h:5281/file_share/abc/My%20File.png?x=1#f", name, sizeof name);
    CHECK_STR(name, "My File.png");
    files_name_from_url("https://h/a/%2e%2e%2fsecret", name, sizeof name);
    CHECK_STR(name, "_secret"); /* decoded, then made safe: no dots, no separator */
    files_name_from_url("https://h/", name, sizeof name);
    CHECK_STR(name, "download");
    files_name_from_url("https://h/x/%00hidden", name, sizeof name);
    CHECK_STR(name, "download");
}

static void links(const char *text, size_t n, const char *first, const char *second)
{
    struct files_link l[4];
    size_t got = files_find_links(text, l, 4);
    CHECK(got == n);
    if (got >= 1 && first)
        CHECK(strlen(first) == l[0].len && strncmp(text + l[0].start, first, l[0].len) == 0);
    if (got >= 2 && second)
        CHECK(strlen(second) == l[1].len && strncmp(text + l[1].start, second, l[1].len) == 0);
}

static void test_links(void)
{
    links("no links here", 0, NULL, NULL);
    links("https://a.example/x.png", 1, "https://a.example/x.png", NULL);
    links("see https://a.example/x.png.", 1, "https://a.example/x.png", NULL);
    links("(https://en.wikipedia.org/wiki/Tuk-tuk_(vehicle))", 1,
          "https://en.wikipedia.org/wiki/Tuk-tuk_(vehicle)", NULL);
    links("two: http://a/1, aesgcm://b/2#00ff!", 2, "http://a/1", "aesgcm://b/2#00ff");
    links("<https://a/b>", 1, "https://a/b", NULL);
    links("https:// alone", 0, NULL, NULL);
    links("xhttps://a/b", 0, NULL, NULL); /* not at a word's start */
    links("HTTPS://A/B", 1, "HTTPS://A/B", NULL);
}

static void hidden(const char *in, const char *want)
{
    char *out = files_hide_keys(in);
    if (want)
        CHECK_STR(out, want);
    else
        CHECK(out == NULL);
    free(out);
}

static void test_hide_keys(void)
{
    hidden("https://a/b#frag", NULL); /* only aesgcm:// fragments are keys */
    hidden("no link", NULL);
    hidden("aesgcm://h/f.png#00ff00ff", "aesgcm://h/f.png");
    hidden("see aesgcm://h/f.png#00ff, and AESGCM://h/g#11 too.",
           "see aesgcm://h/f.png, and AESGCM://h/g too.");
    hidden("aesgcm://h/f.png", NULL);
    /* more links than one pass of the finder takes */
    char many[4000] = "", want[4000] = "";
    for (int i = 0; i < 40; i++) {
        snprintf(many + strlen(many), sizeof many - strlen(many), "aesgcm://h/%d#abcd ", i);
        snprintf(want + strlen(want), sizeof want - strlen(want), "aesgcm://h/%d ", i);
    }
    hidden(many, want);
}

static void test_oob(void)
{
    char *b = files_body_with_url("look", "https://h/a.png");
    CHECK_STR(b, "look\nhttps://h/a.png");
    free(b);
    b = files_body_with_url(NULL, "https://h/a.png");
    CHECK_STR(b, "https://h/a.png");
    free(b);
    CHECK(files_body_with_url("https://h/a.png", "https://h/a.png") == NULL);
    CHECK(files_body_with_url("here: https://h/a.png", "https://h/a.png") == NULL);
    CHECK(files_body_with_url("x", "") == NULL);
}

static void test_dir(void)
{
    char *d = files_download_dir("/srv/dl");
    CHECK_STR(d, "/srv/dl");
    free(d);
    setenv("XDG_DOWNLOAD_DIR", "/x/dl", 1);
    d = files_download_dir(NULL);
    CHECK_STR(d, "/x/dl");
    free(d);
    unsetenv("XDG_DOWNLOAD_DIR");
    setenv("HOME", "/home/ann", 1);
    d = files_download_dir("");
    CHECK_STR(d, "/home/ann/Downloads");
    free(d);
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static bool holds(const char *path, const char *want, size_t n)
{
    char buf[256];
    FILE *f = fopen(path, "rb");
    size_t got = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    return got == n && memcmp(buf, want, n) == 0;
}

static void test_download(const char *dir)
{
    char err[300] = "", path[600], part[600];
    struct download *d = download_open(dir, "a.txt", NULL, err, sizeof err);
    CHECK(d != NULL);
    snprintf(part, sizeof part, "%s/a.txt.part", dir);
    CHECK(access(part, F_OK) == 0);
    struct stat st;
    CHECK(stat(part, &st) == 0 && (st.st_mode & 0777) == 0600);
    CHECK(download_write(d, "one", 3, err, sizeof err) == 0);
    CHECK(download_finish(d, path, sizeof path, err, sizeof err) == 0);
    CHECK(strstr(path, "/a.txt") && holds(path, "one", 3));
    CHECK(access(part, F_OK) != 0);
    /* the same name again: a new one, and the first file stays */
    d = download_open(dir, "a.txt", NULL, err, sizeof err);
    CHECK(download_write(d, "two", 3, err, sizeof err) == 0);
    CHECK(download_finish(d, path, sizeof path, err, sizeof err) == 0);
    CHECK(strstr(path, "/a (1).txt") && holds(path, "two", 3));
    snprintf(path, sizeof path, "%s/a.txt", dir);
    CHECK(holds(path, "one", 3));
    /* a file that appears during the download is not replaced either */
    d = download_open(dir, "b", NULL, err, sizeof err);
    snprintf(path, sizeof path, "%s/b", dir);
    FILE *f = fopen(path, "w");
    fputs("theirs", f);
    fclose(f);
    CHECK(download_write(d, "mine", 4, err, sizeof err) == 0);
    CHECK(download_finish(d, path, sizeof path, err, sizeof err) == 0);
    CHECK(strstr(path, "/b (1)") && holds(path, "mine", 4));
    snprintf(path, sizeof path, "%s/b", dir);
    CHECK(holds(path, "theirs", 6));
    CHECK(entries(dir) == 4);
    /* a write that fails: said, and aborting leaves nothing */
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim = {.rlim_cur = 1000, .rlim_max = RLIM_INFINITY};
    getrlimit(RLIMIT_FSIZE, &old);
    lim.rlim_max = old.rlim_max;
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    d = download_open(dir, "big", NULL, err, sizeof err);
    char block[4096] = {0};
    err[0] = '\0';
    CHECK(download_write(d, block, sizeof block, err, sizeof err) != 0);
    CHECK(strstr(err, "cannot write") != NULL || strstr(err, "disk is full") != NULL);
    download_abort(d);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(entries(dir) == 4);
}

static void test_aesgcm(const char *dir)
{
    unsigned char key[32], iv[12], plain[3000], sealed[3016];
    RAND_bytes(key, sizeof key);
    RAND_bytes(iv, sizeof iv);
    RAND_bytes(plain, sizeof plain);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv);
    EVP_EncryptUpdate(c, sealed, &n, plain, sizeof plain);
    EVP_EncryptFinal_ex(c, sealed + n, &m);
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, sealed + sizeof plain);
    EVP_CIPHER_CTX_free(c);
    char url[300];
    int k = snprintf(url, sizeof url, "aesgcm://h.example/d/f.bin#");
    for (size_t i = 0; i < sizeof iv; i++)
        k += snprintf(url + k, sizeof url - (size_t)k, "%02X", iv[i]);
    for (size_t i = 0; i < sizeof key; i++)
        k += snprintf(url + k, sizeof url - (size_t)k, "%02x", key[i]);
    struct aesgcm_link l;
    CHECK(aesgcm_link_parse(url, &l) == 0);
    CHECK_STR(l.https_url, "https://h.example/d/f.bin");
    CHECK(l.iv_len == 12 && memcmp(l.key, key, 32) == 0);
    /* every chunk size from 1 to 40 bytes, and one write of it all */
    bool all_good = true;
    for (size_t chunk = 1; chunk <= 41; chunk++) {
        size_t step = chunk == 41 ? sizeof sealed : chunk;
        struct aesgcm *g = aesgcm_new(&l);
        unsigned char out[sizeof sealed + 16];
        size_t got = 0;
        for (size_t at = 0; at < sizeof sealed; at += step) {
            size_t len = at + step > sizeof sealed ? sizeof sealed - at : step;
            long w = aesgcm_update(g, sealed + at, len, out + got);
            all_good = all_good && w >= 0;
            got += w > 0 ? (size_t)w : 0;
        }
        all_good =
            all_good && got == sizeof plain && memcmp(out, plain, got) == 0 && aesgcm_final(g);
        aesgcm_free(g);
    }
    CHECK(all_good);
    /* a wrong tag, or a body shorter than a tag, does not authenticate */
    sealed[sizeof sealed - 1] ^= 0x80;
    struct aesgcm *g = aesgcm_new(&l);
    unsigned char out[sizeof sealed + 16];
    CHECK(aesgcm_update(g, sealed, sizeof sealed, out) == (long)sizeof plain);
    CHECK(!aesgcm_final(g));
    aesgcm_free(g);
    g = aesgcm_new(&l);
    CHECK(aesgcm_update(g, sealed, 10, out) == 0);
    CHECK(!aesgcm_final(g));
    aesgcm_free(g);
    /* through a download: nothing is left behind */
    char sub[600], err[300], path[700];
    snprintf(sub, sizeof sub, "%s/enc", dir);
    struct download *d = download_open(sub, "f.bin", &l, err, sizeof err);
    CHECK(download_write(d, (char *)sealed, sizeof sealed, err, sizeof err) == 0);
    CHECK(download_finish(d, path, sizeof path, err, sizeof err) != 0);
    CHECK(strstr(err, "does not authenticate") != NULL);
    CHECK(entries(sub) == 0);
    aesgcm_link_clear(&l);
    CHECK(aesgcm_link_parse("https://h/x#00", &l) != 0);
    CHECK(aesgcm_link_parse("aesgcm://h/x", &l) != 0);
    char bad[200];
    snprintf(bad, sizeof bad, "aesgcm://h/x#%088d", 0);
    bad[20] = 'g'; /* not hex */
    CHECK(aesgcm_link_parse(bad, &l) != 0);
}

/* Seals a file of n random bytes, reading step bytes at a time; the
 * result (n + 16 bytes) in *out. */
static size_t seal_file(const char *dir, const unsigned char *plain, size_t n,
                        const struct aesgcm_link *l, size_t step, unsigned char *out)
{
    char path[600];
    snprintf(path, sizeof path, "%s/plain.bin", dir);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(plain, 1, n, f) == n);
    if (f)
        fclose(f);
    int fd = open(path, O_RDONLY);
    struct aesgcm_seal *s = aesgcm_seal_new(l, fd);
    CHECK(s != NULL);
    size_t got = 0;
    long k;
    while (s && (k = aesgcm_seal_read(s, out + got, step)) > 0)
        got += (size_t)k;
    aesgcm_seal_free(s);
    close(fd);
    unlink(path);
    return got;
}

static void test_seal(const char *dir)
{
    static unsigned char plain[70001], sealed[sizeof plain + 16];
    RAND_bytes(plain, sizeof plain);
    struct aesgcm_link l, l2;
    CHECK(aesgcm_link_new(&l) == 0 && aesgcm_link_new(&l2) == 0);
    CHECK(l.iv_len == 12);
    CHECK(memcmp(l.key, l2.key, 32) != 0 && memcmp(l.iv, l2.iv, 12) != 0); /* fresh */
    /* the link we send is one we read, with the same key and IV */
    char *url = aesgcm_link_format("https://up.example:5281/s/ab/f.png", &l);
    CHECK(url && strncmp(url, "aesgcm://up.example:5281/s/ab/f.png#", 36) == 0);
    CHECK(url && strlen(url) == 36 + 88);
    struct aesgcm_link back;
    CHECK(url && aesgcm_link_parse(url, &back) == 0);
    CHECK_STR(back.https_url, "https://up.example:5281/s/ab/f.png");
    CHECK(back.iv_len == 12 && memcmp(back.key, l.key, 32) == 0);
    CHECK(memcmp(back.iv, l.iv, 12) == 0);
    aesgcm_link_free(url);
    CHECK(aesgcm_link_format("http://h/x", &l) == NULL); /* XEP-0454: https only */
    CHECK(aesgcm_link_format("https://h/x#f", &l) == NULL);
    /* sealed in any buffer size, it decrypts to the file through a download */
    bool same = true;
    size_t steps[] = {1, 15, 16, 17, 4096, 65536, sizeof sealed};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        size_t n = seal_file(dir, plain, i == 0 ? 100 : sizeof plain, &back, steps[i], sealed);
        same = same && n == (i == 0 ? 100 : sizeof plain) + 16;
    }
    CHECK(same);
    char sub[600], err[300], path[700];
    snprintf(sub, sizeof sub, "%s/sealed", dir);
    struct download *d = download_open(sub, "f.png", &back, err, sizeof err);
    CHECK(download_write(d, (char *)sealed, sizeof sealed, err, sizeof err) == 0);
    CHECK(download_finish(d, path, sizeof path, err, sizeof err) == 0);
    FILE *f = fopen(path, "rb");
    static unsigned char again[sizeof plain + 1];
    size_t n = f ? fread(again, 1, sizeof again, f) : 0;
    if (f)
        fclose(f);
    CHECK(n == sizeof plain && memcmp(again, plain, n) == 0);
    unlink(path);
    /* a changed byte of ciphertext, or of the tag: nothing is kept */
    size_t flip[] = {0, sizeof plain / 2, sizeof sealed - 1};
    for (size_t i = 0; i < 3; i++) {
        sealed[flip[i]] ^= 1;
        d = download_open(sub, "f.png", &back, err, sizeof err);
        CHECK(download_write(d, (char *)sealed, sizeof sealed, err, sizeof err) == 0);
        CHECK(download_finish(d, path, sizeof path, err, sizeof err) != 0);
        CHECK(strstr(err, "does not authenticate") != NULL);
        CHECK(entries(sub) == 0);
        sealed[flip[i]] ^= 1;
    }
    /* the wrong key does not authenticate either */
    struct aesgcm *g = aesgcm_new(&l2);
    static unsigned char out[sizeof sealed + 16];
    CHECK(g && aesgcm_update(g, sealed, sizeof sealed, out) == (long)sizeof plain);
    CHECK(g && !aesgcm_final(g));
    aesgcm_free(g);
    /* an empty file is a tag alone, and authenticates */
    CHECK(seal_file(dir, plain, 0, &back, 7, sealed) == 16);
    g = aesgcm_new(&back);
    CHECK(g && aesgcm_update(g, sealed, 16, out) == 0 && aesgcm_final(g));
    aesgcm_free(g);
    aesgcm_link_clear(&back);
    aesgcm_link_clear(&l);
    aesgcm_link_clear(&l2);
}

int main(void)
{
    char dir[] = "/tmp/tuktuk-files-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    test_names();
    test_links();
    test_dir();
    test_download(dir);
    test_aesgcm(dir);
    test_hide_keys();
    test_oob();
    test_seal(dir);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return check_done();
}
