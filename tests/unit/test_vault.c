/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_vault.c - the password vault: round trips with and without a master
 * passphrase, file modes, every way a vault can be damaged or tampered
 * with, fresh nonces, and writes that fail half way (a full tmpfs when we
 * may mount one, RLIMIT_FSIZE always). The byte offsets used to tamper
 * with the file are those of docs/vault.md. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "../check.h"
#include "core/vault.h"

#define HDR 108
#define SUM 32

static char base[512];
static char err[512];

static const char *fresh_dir(const char *name)
{
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", base, name);
    return dir;
}

static char *path_in(const char *dir, const char *name)
{
    static char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void spit(const char *path, const unsigned char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(buf, 1, len, f);
    fclose(f);
}

static int mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static bool contains(const unsigned char *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

static void fix_checksum(unsigned char *buf, size_t len)
{
    crypto_generichash(buf + len - SUM, SUM, buf, len - SUM, NULL, 0);
}

/* Offset of record i (0-based) in a vault image. */
static size_t record_at(const unsigned char *b, int i)
{
    size_t off = HDR;
    for (int k = 0; k < i; k++) {
        size_t jl = (size_t)b[off + 2] << 8 | b[off + 3];
        size_t cl = (size_t)b[off + 4] << 24 | (size_t)b[off + 5] << 16 | (size_t)b[off + 6] << 8 |
                    b[off + 7];
        off += 32 + jl + cl;
    }
    return off;
}

static struct vault *open_ok(const char *dir, const char *pass)
{
    struct vault *v = vault_open(dir, pass, 0, NULL, err, sizeof err);
    if (!v)
        fprintf(stderr, "vault_open: %s\n", err);
    return v;
}

static bool has_password(struct vault *v, const char *jid, const char *want)
{
    char *pw = NULL;
    int r = vault_get_password(v, jid, &pw, err, sizeof err);
    bool ok = r == 1 && strcmp(pw, want) == 0;
    vault_free_secret(pw);
    return ok;
}

static enum vault_error open_fails(const char *dir, const char *pass)
{
    enum vault_error code = VAULT_OK;
    struct vault *v = vault_open(dir, pass, 0, &code, err, sizeof err);
    if (v) {
        vault_close(v);
        return VAULT_OK;
    }
    return code;
}

static void test_keyfile_round_trip(void)
{
    const char *dir = fresh_dir("keyfile");
    struct vault *v = open_ok(dir, NULL);
    CHECK(v != NULL);
    CHECK(access(dir, F_OK) != 0); /* nothing created before the first store */
    CHECK(vault_store_password(v, "alice@example.org", "hunter2-keyfile", err, sizeof err) == 0);
    CHECK(mode_of(dir) == 0700);
    CHECK(mode_of(path_in(dir, "vault")) == 0600);
    CHECK(mode_of(path_in(dir, "vault.key")) == 0600);
    CHECK(has_password(v, "alice@example.org", "hunter2-keyfile"));
    CHECK(has_password(v, "Alice@Example.ORG/phone", "hunter2-keyfile"));
    char *pw = (char *)"x";
    CHECK(vault_get_password(v, "bob@example.org", &pw, err, sizeof err) == 0 && pw == NULL);
    vault_close(v);
    CHECK(!vault_has_passphrase(dir));
    v = open_ok(dir, NULL);
    CHECK(v && has_password(v, "alice@example.org", "hunter2-keyfile"));
    vault_close(v);
    CHECK(open_fails(dir, "a passphrase") == VAULT_ERR_NO_PASSPHRASE);
}

static void test_passphrase_round_trip(void)
{
    const char *dir = fresh_dir("pass");
    struct vault *v = open_ok(dir, "correct horse");
    CHECK(v && vault_store_password(v, "alice@example.org", "hunter2-pass", err, sizeof err) == 0);
    vault_close(v);
    CHECK(mode_of(path_in(dir, "vault")) == 0600);
    CHECK(access(path_in(dir, "vault.key"), F_OK) != 0);
    CHECK(vault_has_passphrase(dir));
    v = open_ok(dir, "correct horse");
    CHECK(v && has_password(v, "alice@example.org", "hunter2-pass"));
    vault_close(v);
    CHECK(open_fails(dir, "wrong horse") == VAULT_ERR_PASSPHRASE);
    CHECK(strstr(err, "wrong passphrase") != NULL);
    CHECK(open_fails(dir, NULL) == VAULT_ERR_NEED_PASSPHRASE);
}

static void test_scram_and_remove(void)
{
    const char *dir = fresh_dir("scram");
    unsigned char salt[16], salted[20];
    memset(salt, 0x5a, sizeof salt);
    memcpy(salted, "SALTEDPASSWORDBYTES!", 20);
    struct vault *v = open_ok(dir, NULL);
    CHECK(vault_store_scram(v, "carol@example.org", "SCRAM-SHA-1", salt, sizeof salt, 4096, salted,
                            sizeof salted, err, sizeof err) == 0);
    vault_close(v);
    v = open_ok(dir, NULL);
    struct vault_scram *s = NULL;
    CHECK(vault_get_scram(v, "carol@example.org", &s, err, sizeof err) == 1);
    CHECK(s && strcmp(s->mechanism, "SCRAM-SHA-1") == 0 && s->iterations == 4096);
    CHECK(s && s->saltlen == 16 && memcmp(s->salt, salt, 16) == 0);
    CHECK(s && s->saltedlen == 20 && memcmp(s->salted, salted, 20) == 0);
    vault_free_scram(s);
    char *pw = NULL;
    CHECK(vault_get_password(v, "carol@example.org", &pw, err, sizeof err) == 0);
    /* Storing the password replaces the salted password: one record per JID. */
    CHECK(vault_store_password(v, "carol@example.org", "carol-pw", err, sizeof err) == 0);
    CHECK(vault_get_scram(v, "carol@example.org", &s, err, sizeof err) == 0 && s == NULL);
    CHECK(has_password(v, "carol@example.org", "carol-pw"));
    CHECK(vault_remove(v, "carol@example.org", err, sizeof err) == 1);
    CHECK(vault_remove(v, "carol@example.org", err, sizeof err) == 0);
    vault_close(v);
    v = open_ok(dir, NULL);
    CHECK(vault_get_password(v, "carol@example.org", &pw, err, sizeof err) == 0);
    CHECK(vault_store_scram(v, "carol@example.org", "", salt, 16, 4096, salted, 20, err,
                            sizeof err) == -1);
    CHECK(vault_store_password(v, "carol@example.org", "", err, sizeof err) == -1);
    CHECK(vault_store_password(v, "/res", "x", err, sizeof err) == -1);
    vault_close(v);
}

/* No secret byte may appear in any file of the data folder. */
static void test_no_plaintext(void)
{
    const char *dir = fresh_dir("plain");
    const char *secret = "unmistakable-secret-42";
    unsigned char salted[20];
    memcpy(salted, "SALTED-PW-BYTES-0123", 20);
    struct vault *v = open_ok(dir, NULL);
    CHECK(vault_store_password(v, "a@example.org", secret, err, sizeof err) == 0);
    CHECK(vault_store_scram(v, "b@example.org", "SCRAM-SHA-256", (const unsigned char *)"salt", 4,
                            4096, salted, 20, err, sizeof err) == 0);
    vault_close(v);
    DIR *d = opendir(dir);
    int files = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        size_t len = 0;
        unsigned char *buf = slurp(path_in(dir, e->d_name), &len);
        files++;
        CHECK(buf && !contains(buf, len, secret, strlen(secret)));
        CHECK(buf && !contains(buf, len, salted, sizeof salted));
        free(buf);
    }
    if (d)
        closedir(d);
    CHECK(files == 2); /* vault and vault.key, no temporary left over */
}

static void test_fresh_nonce(void)
{
    const char *dir = fresh_dir("nonce");
    struct vault *v = open_ok(dir, NULL);
    size_t l1, l2;
    CHECK(vault_store_password(v, "a@example.org", "same-password", err, sizeof err) == 0);
    unsigned char *f1 = slurp(path_in(dir, "vault"), &l1);
    CHECK(vault_store_password(v, "a@example.org", "same-password", err, sizeof err) == 0);
    unsigned char *f2 = slurp(path_in(dir, "vault"), &l2);
    CHECK(f1 && f2 && l1 == l2);
    size_t r = record_at(f1, 0), jl = 13, ct = r + 32 + jl;
    CHECK(memcmp(f1 + r + 8, f2 + r + 8, 24) != 0);       /* nonce */
    CHECK(memcmp(f1 + ct, f2 + ct, l1 - SUM - ct) != 0);  /* ciphertext */
    CHECK(memcmp(f1 + r + 32, "a@example.org", jl) == 0); /* layout as documented */
    free(f1);
    free(f2);
    vault_close(v);
}

/* A vault with two records of equal size, for the tampering tests. */
static unsigned char *two_records(const char *dir, size_t *len)
{
    struct vault *v = open_ok(dir, NULL);
    CHECK(vault_store_password(v, "alice@example.org", "pw-AAAA", err, sizeof err) == 0);
    CHECK(vault_store_password(v, "bobby@example.org", "pw-BBBB", err, sizeof err) == 0);
    vault_close(v);
    return slurp(path_in(dir, "vault"), len);
}

static void test_damage(void)
{
    const char *dir = fresh_dir("damage");
    size_t len;
    unsigned char *good = two_records(dir, &len), *bad = malloc(len);
    const char *path = path_in(dir, "vault");

    memcpy(bad, good, len);
    bad[record_at(bad, 1) + 40] ^= 1; /* a flipped ciphertext bit */
    spit(path, bad, len);
    CHECK(open_fails(dir, NULL) == VAULT_ERR_CORRUPTED);
    CHECK(strstr(err, "vault is corrupted") != NULL);

    fix_checksum(bad, len); /* a deliberate change: AEAD still catches it */
    spit(path, bad, len);
    CHECK(open_fails(dir, NULL) == VAULT_ERR_CORRUPTED);
    CHECK(strstr(err, "does not authenticate") != NULL);

    size_t cuts[] = {len - 1, len - SUM, len / 2, HDR, 50, 9, 3, 0};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        spit(path, good, cuts[i]);
        CHECK(open_fails(dir, NULL) == VAULT_ERR_TRUNCATED);
        CHECK(strstr(err, "vault is truncated") != NULL);
    }

    memcpy(bad, good, len);
    bad[8] = 2;
    spit(path, bad, len);
    CHECK(open_fails(dir, NULL) == VAULT_ERR_VERSION);
    CHECK(strstr(err, "unsupported vault version 2") != NULL);

    spit(path, (const unsigned char *)"[account x]\njid = y\n", 20);
    CHECK(open_fails(dir, NULL) == VAULT_ERR_CORRUPTED);

    spit(path, good, len);
    CHECK(open_fails(dir, NULL) == VAULT_OK);
    free(good);
    free(bad);
}

/* The AD binds a record to its JID: moved ciphertexts fail. */
static void test_moved_record(void)
{
    const char *dir = fresh_dir("moved");
    size_t len;
    unsigned char *b = two_records(dir, &len);
    size_t a = record_at(b, 0), c = record_at(b, 1), jl = 17, n = 24;
    unsigned char tmp[64];
    /* swap nonce (at +8) and ciphertext (at +32+jl) of the two records */
    memcpy(tmp, b + a + 8, n);
    memcpy(b + a + 8, b + c + 8, n);
    memcpy(b + c + 8, tmp, n);
    size_t cl = 7 + 16;
    memcpy(tmp, b + a + 32 + jl, cl);
    memcpy(b + a + 32 + jl, b + c + 32 + jl, cl);
    memcpy(b + c + 32 + jl, tmp, cl);
    fix_checksum(b, len);
    spit(path_in(dir, "vault"), b, len);
    CHECK(open_fails(dir, NULL) == VAULT_ERR_CORRUPTED);
    CHECK(strstr(err, "does not authenticate") != NULL);

    /* Renaming the JID in place fails the same way. */
    free(b);
    b = two_records(fresh_dir("moved2"), &len);
    b[record_at(b, 0) + 32] = 'm';
    fix_checksum(b, len);
    spit(path_in(fresh_dir("moved2"), "vault"), b, len);
    CHECK(open_fails(fresh_dir("moved2"), NULL) == VAULT_ERR_CORRUPTED);
    free(b);

    /* So does relabelling a password record as a SCRAM one. */
    b = two_records(fresh_dir("kind"), &len);
    b[record_at(b, 0)] = 2;
    fix_checksum(b, len);
    spit(path_in(fresh_dir("kind"), "vault"), b, len);
    CHECK(open_fails(fresh_dir("kind"), NULL) == VAULT_ERR_CORRUPTED);
    CHECK(strstr(err, "does not authenticate") != NULL);
    free(b);
}

/* Changing the stored KDF parameters changes the key: refused. */
static void test_kdf_params_bound(void)
{
    const char *dir = fresh_dir("kdf");
    struct vault *v = open_ok(dir, "pp");
    CHECK(v && vault_store_password(v, "a@example.org", "pw", err, sizeof err) == 0);
    vault_close(v);
    size_t len;
    unsigned char *b = slurp(path_in(dir, "vault"), &len);
    b[19] ^= 1; /* opslimit 2 -> 3 */
    fix_checksum(b, len);
    spit(path_in(dir, "vault"), b, len);
    CHECK(open_fails(dir, "pp") == VAULT_ERR_PASSPHRASE);
    b[19] ^= 1;
    b[12] = 0xff; /* an absurd opslimit is refused before any work */
    fix_checksum(b, len);
    spit(path_in(dir, "vault"), b, len);
    CHECK(open_fails(dir, "pp") == VAULT_ERR_CORRUPTED);
    free(b);
}

static void test_broken_not_overwritten(void)
{
    const char *dir = fresh_dir("broken");
    size_t len, after;
    unsigned char *good = two_records(dir, &len);
    struct vault *v = open_ok(dir, NULL);
    good[len - 1] ^= 0xff; /* damaged behind the open handle's back */
    spit(path_in(dir, "vault"), good, len);
    CHECK(vault_store_password(v, "carol@example.org", "pw-C", err, sizeof err) == -1);
    CHECK(strstr(err, "not overwritten") != NULL);
    CHECK(vault_remove(v, "alice@example.org", err, sizeof err) == -1);
    unsigned char *now = slurp(path_in(dir, "vault"), &after);
    CHECK(now && after == len && memcmp(now, good, len) == 0);
    free(now);
    vault_close(v);

    /* Only an explicit VAULT_REPLACE starts over, keeping the old file. */
    enum vault_error code;
    v = vault_open(dir, NULL, VAULT_REPLACE, &code, err, sizeof err);
    CHECK(v != NULL && code == VAULT_OK);
    CHECK(v && vault_store_password(v, "carol@example.org", "pw-C", err, sizeof err) == 0);
    vault_close(v);
    now = slurp(path_in(dir, "vault.broken"), &after);
    CHECK(now && after == len && memcmp(now, good, len) == 0);
    free(now);
    v = open_ok(dir, NULL);
    CHECK(v && has_password(v, "carol@example.org", "pw-C"));
    char *pw = NULL;
    CHECK(v && vault_get_password(v, "alice@example.org", &pw, err, sizeof err) == 0);
    vault_close(v);
    free(good);
}

static void test_keyfile_problems(void)
{
    const char *dir = fresh_dir("keyprob");
    size_t len;
    free(two_records(dir, &len));
    unsigned char *key = slurp(path_in(dir, "vault.key"), &len);
    unlink(path_in(dir, "vault.key"));
    CHECK(open_fails(dir, NULL) == VAULT_ERR_KEYFILE);
    CHECK(strstr(err, "vault.key") != NULL);
    key[20] ^= 1;
    spit(path_in(dir, "vault.key"), key, len);
    CHECK(open_fails(dir, NULL) == VAULT_ERR_PASSPHRASE);
    CHECK(strstr(err, "does not match") != NULL);
    free(key);
}

/* Two handles on one folder: each store keeps the other's records. */
static void test_two_writers(void)
{
    const char *dir = fresh_dir("two");
    struct vault *a = open_ok(dir, NULL);
    CHECK(vault_store_password(a, "a@example.org", "pw-a", err, sizeof err) == 0);
    struct vault *b = open_ok(dir, NULL);
    CHECK(vault_store_password(a, "c@example.org", "pw-c", err, sizeof err) == 0);
    CHECK(vault_store_password(b, "b@example.org", "pw-b", err, sizeof err) == 0);
    vault_close(a);
    vault_close(b);
    a = open_ok(dir, NULL);
    CHECK(a && has_password(a, "a@example.org", "pw-a"));
    CHECK(a && has_password(a, "b@example.org", "pw-b"));
    CHECK(a && has_password(a, "c@example.org", "pw-c"));
    vault_close(a);
}

static void test_set_passphrase(void)
{
    const char *dir = fresh_dir("rekey");
    size_t len;
    free(two_records(dir, &len));
    struct vault *v = open_ok(dir, NULL);
    CHECK(v && vault_set_passphrase(v, "new master", err, sizeof err) == 0);
    CHECK(vault_has_passphrase(dir));
    CHECK(access(path_in(dir, "vault.key"), F_OK) != 0);
    CHECK(v && has_password(v, "alice@example.org", "pw-AAAA"));
    vault_close(v);
    v = open_ok(dir, "new master");
    CHECK(v && has_password(v, "bobby@example.org", "pw-BBBB"));
    CHECK(v && vault_set_passphrase(v, NULL, err, sizeof err) == 0);
    vault_close(v);
    CHECK(!vault_has_passphrase(dir));
    CHECK(mode_of(path_in(dir, "vault.key")) == 0600);
    v = open_ok(dir, NULL);
    CHECK(v && has_password(v, "alice@example.org", "pw-AAAA"));
    vault_close(v);
}

static bool leftover_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    bool found = false;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        found |= strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return found;
}

/* After a failed store: same bytes on disk, still readable, handle intact. */
static void check_intact(const char *dir, struct vault *v, const unsigned char *before, size_t len)
{
    size_t after;
    unsigned char *now = slurp(path_in(dir, "vault"), &after);
    CHECK(now && after == len && memcmp(now, before, len) == 0);
    free(now);
    CHECK(!leftover_tmp(dir));
    char *pw = NULL;
    CHECK(vault_get_password(v, "bob@example.org", &pw, err, sizeof err) == 0);
    CHECK(has_password(v, "alice@example.org", "pw-alice"));
    struct vault *again = open_ok(dir, NULL);
    CHECK(again && has_password(again, "alice@example.org", "pw-alice"));
    vault_close(again);
}

static void test_full_disk_tmpfs(void)
{
    const char *dir = fresh_dir("tmpfs");
    mkdir(dir, 0700);
    if (mount("tmpfs", dir, "tmpfs", 0, "size=16k,mode=0700") != 0) {
        printf("note: tmpfs not mountable here (%s); RLIMIT_FSIZE test only\n", strerror(errno));
        return;
    }
    struct vault *v = open_ok(dir, NULL);
    CHECK(vault_store_password(v, "alice@example.org", "pw-alice", err, sizeof err) == 0);
    size_t len;
    unsigned char *before = slurp(path_in(dir, "vault"), &len);
    int fd = open(path_in(dir, "filler"), O_WRONLY | O_CREAT, 0600);
    char block[512] = {0};
    while (write(fd, block, sizeof block) > 0)
        ;
    close(fd);
    CHECK(vault_store_password(v, "bob@example.org", "pw-bob", err, sizeof err) == -1);
    CHECK(strstr(err, "No space left on device") != NULL);
    CHECK(strstr(err, "the old vault is unchanged") != NULL);
    check_intact(dir, v, before, len);
    unlink(path_in(dir, "filler"));
    CHECK(vault_store_password(v, "bob@example.org", "pw-bob", err, sizeof err) == 0);
    vault_close(v);
    free(before);
    CHECK(umount(dir) == 0);
}

static void test_full_disk_rlimit(void)
{
    const char *dir = fresh_dir("rlimit");
    struct vault *v = open_ok(dir, NULL);
    CHECK(vault_store_password(v, "alice@example.org", "pw-alice", err, sizeof err) == 0);
    size_t len;
    unsigned char *before = slurp(path_in(dir, "vault"), &len);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = len + 20; /* the next vault is longer than that */
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    int r = vault_store_password(v, "bob@example.org", "pw-bob", err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(r == -1);
    CHECK(strstr(err, "File too large") != NULL);
    CHECK(strstr(err, "the old vault is unchanged") != NULL);
    check_intact(dir, v, before, len);
    vault_close(v);
    free(before);
}

int main(void)
{
    const char *t = getenv("TUKTUK_TEST_TMP");
    if (t && *t) {
        snprintf(base, sizeof base, "%s/vault", t);
        mkdir(base, 0700);
    } else {
        snprintf(base, sizeof base, "/tmp/tuktuk-test-vault-XXXXXX");
        if (!mkdtemp(base))
            return 1;
    }
    test_keyfile_round_trip();
    test_passphrase_round_trip();
    test_scram_and_remove();
    test_no_plaintext();
    test_fresh_nonce();
    test_damage();
    test_moved_record();
    test_kdf_params_bound();
    test_broken_not_overwritten();
    test_keyfile_problems();
    test_two_writers();
    test_set_passphrase();
    test_full_disk_tmpfs();
    test_full_disk_rlimit();
    return check_done();
}
