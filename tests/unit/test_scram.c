/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_scram.c - the SCRAM client against the RFC 5802 §5 and RFC 7677 §3
 * examples, a -PLUS exchange computed independently (Python hashlib), and
 * every way a server message can be refused. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "xml/base64.h"
#include "xmpp/scram.h"

static char err[256];

static struct scram *new_plain(enum scram_hash h, const char *user, const char *pw,
                               const char *nonce)
{
    return scram_new(h, user, pw, NULL, NULL, 0, false, nonce, err, sizeof err);
}

/* Runs client-first and client-final; returns client-final (caller frees). */
static char *run_to_final(struct scram *s, const char *server_first)
{
    char *first = scram_client_first(s);

    CHECK(first != NULL);
    free(first);
    return scram_client_final(s, server_first, strlen(server_first), err, sizeof err);
}

/* The vault's "salted password only" mode: the stored SaltedPassword
 * gives the RFC's exact proof without the password, while the salt and
 * iteration count are unchanged, and asks for the password otherwise. */
static void test_salted_password_mode(void)
{
    const char *sf = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
    struct scram *full = new_plain(SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    char *expected = run_to_final(full, sf);
    size_t len = 0, salt_len = 0;
    unsigned iter = 0;
    const unsigned char *salted = scram_salted_password(full, &len);
    const unsigned char *salt = scram_salt(full, &salt_len, &iter);
    CHECK(expected && salted && len == 20 && salt && salt_len == 12 && iter == 4096);

    struct scram *s = new_plain(SCRAM_SHA1, "user", NULL, "fyko+d2lbbFgONRv9qkxdawL");
    CHECK(s && scram_use_salted(s, salted, len, salt, salt_len, iter) == 0);
    char *final = run_to_final(s, sf);
    CHECK_STR(final, expected);
    CHECK(scram_verify_server_final(s, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", 30, err, sizeof err) == 0);
    free(final);
    scram_free(s);

    s = new_plain(SCRAM_SHA1, "user", NULL, "fyko+d2lbbFgONRv9qkxdawL");
    CHECK(scram_use_salted(s, salted, len, salt, salt_len, 5000) == 0);
    CHECK(run_to_final(s, sf) == NULL);
    CHECK(scram_needs_password(s));
    CHECK(scram_use_salted(s, salted, 19, salt, salt_len, iter) == -1);
    scram_free(s);
    free(expected);
    scram_free(full);
}

static void test_rfc5802_example(void)
{
    struct scram *s = new_plain(SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    const char *sf = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
    char *first, *final;
    size_t len = 99;

    CHECK(s != NULL);
    CHECK_STR(scram_mechanism(s), "SCRAM-SHA-1");
    CHECK(scram_salted_password(s, &len) == NULL && len == 0);
    first = scram_client_first(s);
    CHECK_STR(first, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    free(first);
    final = scram_client_final(s, sf, strlen(sf), err, sizeof err);
    CHECK_STR(final, "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                     "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
    free(final);
    CHECK(scram_salted_password(s, &len) != NULL && len == 20);
    CHECK(scram_verify_server_final(s, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", 30, err, sizeof err) == 0);
    CHECK(scram_salted_password(s, &len) != NULL && len == 20);
    scram_free(s);
}

static const char rfc7677_server_first[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

static void test_rfc7677_example(void)
{
    struct scram *s = new_plain(SCRAM_SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    char *first, *final;
    const char *v = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    CHECK(s != NULL);
    CHECK_STR(scram_mechanism(s), "SCRAM-SHA-256");
    first = scram_client_first(s);
    CHECK_STR(first, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    free(first);
    final =
        scram_client_final(s, rfc7677_server_first, strlen(rfc7677_server_first), err, sizeof err);
    CHECK_STR(final, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                     "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    free(final);
    CHECK(scram_verify_server_final(s, v, strlen(v), err, sizeof err) == 0);
    scram_free(s);
}

/* A server signature one bit off is refused, and the salted password
 * derived from that server's salt is forgotten. */
static void test_forged_signature(void)
{
    struct scram *s = new_plain(SCRAM_SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    const char *forged = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=";
    const char *short_sig = "v=6rriTRBi23WpRR/wtup+mA==";
    size_t len;

    free(run_to_final(s, rfc7677_server_first));
    CHECK(scram_verify_server_final(s, forged, strlen(forged), err, sizeof err) == -1);
    CHECK(strstr(err, "signature") != NULL);
    CHECK(scram_salted_password(s, &len) == NULL);
    scram_free(s);

    s = new_plain(SCRAM_SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    free(run_to_final(s, rfc7677_server_first));
    CHECK(scram_verify_server_final(s, short_sig, strlen(short_sig), err, sizeof err) == -1);
    scram_free(s);

    s = new_plain(SCRAM_SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    free(run_to_final(s, rfc7677_server_first));
    CHECK(scram_verify_server_final(s, "v=!!!!", 6, err, sizeof err) == -1);
    scram_free(s);
}

/* Expects server_first to be refused with a message containing want. */
static void expect_refused_first(const char *server_first, size_t len, const char *want)
{
    struct scram *s = new_plain(SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    char *first = scram_client_first(s), *final;
    size_t slen;

    free(first);
    err[0] = '\0';
    final = scram_client_final(s, server_first, len, err, sizeof err);
    CHECK(final == NULL);
    if (want && !strstr(err, want))
        fprintf(stderr, "  error was: %s (wanted %s)\n", err, want);
    CHECK(!want || strstr(err, want) != NULL);
    CHECK(scram_salted_password(s, &slen) == NULL);
    /* After a refusal the exchange is over. */
    CHECK(scram_verify_server_final(s, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", 30, err, sizeof err) ==
          -1);
    free(final);
    scram_free(s);
}

static void refuse(const char *server_first, const char *want)
{
    expect_refused_first(server_first, strlen(server_first), want);
}

static void test_server_first_refused(void)
{
    refuse("r=XXXX+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096", "nonce");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096", "nonce"); /* not longer */
    refuse("r=fyko+d2lbbFgONRv9qkxdaw,s=QSXCR+Q6sek8bf92,i=4096", "nonce");  /* shorter */
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rf\x7f,s=QSXCR+Q6sek8bf92,i=4096", "nonce");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4095", "iteration");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=0", "iteration");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=-4096", "iteration");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096x", "iteration");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=99999999999",
           "iteration");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=", "iteration");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf9,i=4096", "salt");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=,i=4096", "salt");
    refuse("e=other-error", "other-error");
    refuse("e=bad\x01text", "bad?text");
    refuse("m=ext,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
           "extension");
    refuse("s=QSXCR+Q6sek8bf92,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,i=4096", "malformed");
    refuse("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92", "malformed");
    refuse("", "malformed");
    refuse("garbage", "malformed");
    expect_refused_first("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j\0,s=QSXCR+Q6sek8bf92,i=4096",
                         73, "malformed");
}

/* Extensions after the iteration count are allowed and ignored. */
static void test_server_first_extension(void)
{
    struct scram *s = new_plain(SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    char *final = run_to_final(
        s, "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,x=future");

    CHECK(final != NULL);
    free(final);
    scram_free(s);
}

static void test_server_final_error(void)
{
    struct scram *s = new_plain(SCRAM_SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");

    free(run_to_final(s, rfc7677_server_first));
    CHECK(scram_verify_server_final(s, "e=invalid-proof", 15, err, sizeof err) == -1);
    CHECK(strstr(err, "invalid-proof") != NULL);
    scram_free(s);

    s = new_plain(SCRAM_SHA256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    free(run_to_final(s, rfc7677_server_first));
    CHECK(scram_verify_server_final(s, "x=1", 3, err, sizeof err) == -1);
    scram_free(s);
}

static void test_out_of_order(void)
{
    struct scram *s = new_plain(SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    const char *sf = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
    char *final;

    CHECK(scram_client_final(s, sf, strlen(sf), err, sizeof err) == NULL);
    scram_free(s);

    s = new_plain(SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    free(scram_client_first(s));
    CHECK(scram_verify_server_final(s, "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", 30, err, sizeof err) ==
          -1);
    scram_free(s);

    /* A second server-first in the same exchange is refused. */
    s = new_plain(SCRAM_SHA1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL");
    final = run_to_final(s, sf);
    CHECK(final != NULL);
    free(final);
    CHECK(scram_client_final(s, sf, strlen(sf), err, sizeof err) == NULL);
    scram_free(s);
}

static void test_username_escaping(void)
{
    struct scram *s = new_plain(SCRAM_SHA1, "a,b=c", "pencil", "nonce");
    char *first = scram_client_first(s);

    CHECK_STR(first, "n,,n=a=2Cb=3Dc,r=nonce");
    free(first);
    scram_free(s);

    /* SASLprep runs before escaping: U+00AA becomes "a". */
    s = new_plain(SCRAM_SHA1, "\xC2\xAA=", "pencil", "nonce");
    first = scram_client_first(s);
    CHECK_STR(first, "n,,n=a=3D,r=nonce");
    free(first);
    scram_free(s);
}

static void test_bad_setup(void)
{
    CHECK(new_plain(SCRAM_SHA1, "user",
                    "pen\x07"
                    "cil",
                    "nonce") == NULL);
    CHECK(strstr(err, "SASLprep") != NULL);
    CHECK(new_plain(SCRAM_SHA1, "user", "\xC3", "nonce") == NULL);
    CHECK(new_plain(SCRAM_SHA1, "", "pencil", "nonce") == NULL);
    CHECK(new_plain(SCRAM_SHA1, NULL, "pencil", "nonce") == NULL);
    /* No password and no stored salted password: refused at the salt. */
    struct scram *nopw = new_plain(SCRAM_SHA1, "user", NULL, "fyko+d2lbbFgONRv9qkxdawL");
    CHECK(nopw != NULL);
    CHECK(run_to_final(nopw, "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
                             "i=4096") == NULL);
    CHECK(scram_needs_password(nopw));
    scram_free(nopw);
    CHECK(new_plain(SCRAM_SHA1, "user", "pencil", "bad,nonce") == NULL);
    CHECK(new_plain(SCRAM_SHA1, "user", "pencil", "") == NULL);
    CHECK(new_plain(SCRAM_SHA1, "user", "pencil", "sp ace") == NULL);
    CHECK(scram_new(SCRAM_SHA256, "user", "pencil", "tls-exporter", NULL, 0, true, "n", err,
                    sizeof err) == NULL);
    CHECK(scram_new(SCRAM_SHA256, "user", "pencil", "bad name", (const unsigned char *)"x", 1, true,
                    "n", err, sizeof err) == NULL);
    CHECK(scram_new((enum scram_hash)7, "user", "pencil", NULL, NULL, 0, false, "n", err,
                    sizeof err) == NULL);
    /* err may be omitted. */
    CHECK(scram_new(SCRAM_SHA1, "", "pencil", NULL, NULL, 0, false, "n", NULL, 0) == NULL);
    scram_free(NULL);
}

static void test_random_nonce(void)
{
    struct scram *a = new_plain(SCRAM_SHA256, "user", "pencil", NULL);
    struct scram *b = new_plain(SCRAM_SHA256, "user", "pencil", NULL);
    char *fa = scram_client_first(a), *fb = scram_client_first(b);
    const char *na = fa ? strstr(fa, ",r=") : NULL;

    CHECK(fa && fb && strcmp(fa, fb) != 0);
    CHECK(na && strlen(na + 3) == 32); /* 24 bytes in base64 */
    CHECK(na && strchr(na + 3, ',') == NULL);
    CHECK(na && strchr(na + 3, '=') == NULL);
    free(fa);
    free(fb);
    scram_free(a);
    scram_free(b);
}

/* cb bytes 0..31; expected values computed with Python's hashlib. */
static void test_plus(void)
{
    unsigned char cb[32];
    const char *sf = "r=abcdefghijklmnopqrstuvwxSERVERpart123,s=c2FsdHNhbHRzYWx0MTIzNA==,i=4096";
    const char *v = "v=CXivhapCkTQadd4W9ycOFdQwIjeXa7FBJPKzkbXFjck=";
    struct scram *s;
    char *first, *final;
    const unsigned char *sp;
    size_t splen;

    for (int i = 0; i < 32; i++)
        cb[i] = (unsigned char)i;
    s = scram_new(SCRAM_SHA256, "user", "pencil", "tls-exporter", cb, sizeof cb, true,
                  "abcdefghijklmnopqrstuvwx", err, sizeof err);
    CHECK(s != NULL);
    CHECK_STR(scram_mechanism(s), "SCRAM-SHA-256-PLUS");
    first = scram_client_first(s);
    CHECK_STR(first, "p=tls-exporter,,n=user,r=abcdefghijklmnopqrstuvwx");
    final = scram_client_final(s, sf, strlen(sf), err, sizeof err);
    /* c= is base64("p=tls-exporter,," followed by the 32 cb bytes). */
    CHECK_STR(final, "c=cD10bHMtZXhwb3J0ZXIsLAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f,"
                     "r=abcdefghijklmnopqrstuvwxSERVERpart123,"
                     "p=M3OpDnbgHTMeD2onrJZq6kwrYS9ESOJ/EENE60xeWH0=");
    sp = scram_salted_password(s, &splen);
    CHECK(sp && splen == 32 && sp[0] == 0x7d && sp[1] == 0xbd && sp[31] == 0x05);
    CHECK(scram_verify_server_final(s, v, strlen(v), err, sizeof err) == 0);
    free(first);
    free(final);
    scram_free(s);
}

/* RFC 5802 §6: with cb data but no -PLUS offered, the flag is "y" (we
 * could bind, the server seemingly cannot); without cb data it is "n",
 * whatever the server offered. */
static void test_gs2_flags(void)
{
    unsigned char cb[32] = {0};
    struct scram *s = scram_new(SCRAM_SHA1, "user", "pencil", "tls-exporter", cb, sizeof cb, false,
                                "nonce", err, sizeof err);
    char *first = scram_client_first(s), *final;

    CHECK_STR(scram_mechanism(s), "SCRAM-SHA-1");
    CHECK_STR(first, "y,,n=user,r=nonce");
    final = run_to_final(s, "r=nonceXYZ,s=QSXCR+Q6sek8bf92,i=4096");
    CHECK(final && strncmp(final, "c=eSws,r=nonceXYZ,p=", 20) == 0);
    free(first);
    free(final);
    scram_free(s);

    s = scram_new(SCRAM_SHA1, "user", "pencil", NULL, NULL, 0, true, "nonce", err, sizeof err);
    first = scram_client_first(s);
    CHECK_STR(scram_mechanism(s), "SCRAM-SHA-1");
    CHECK_STR(first, "n,,n=user,r=nonce");
    free(first);
    scram_free(s);
}

static void check_roundtrip(const unsigned char *data, size_t len)
{
    char *enc = base64_encode(data, len);
    size_t n = 999;
    unsigned char *dec = enc ? base64_decode(enc, strlen(enc), &n) : NULL;

    CHECK(dec != NULL && n == len && (len == 0 || memcmp(dec, data, len) == 0));
    free(enc);
    free(dec);
}

static void expect_decode_fails(const char *text)
{
    size_t n;
    unsigned char *dec = base64_decode(text, strlen(text), &n);

    CHECK(dec == NULL);
    free(dec);
}

static void test_base64(void)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                        "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"}; /* RFC 4648 §10 */
    unsigned char bytes[256];

    for (size_t i = 0; i < 7; i++) {
        char *enc = base64_encode((const unsigned char *)plain[i], strlen(plain[i]));
        CHECK_STR(enc, coded[i]);
        free(enc);
    }
    for (int i = 0; i < 256; i++)
        bytes[i] = (unsigned char)(255 - i);
    for (size_t len = 0; len <= 256; len += (len < 10 ? 1 : 37))
        check_roundtrip(bytes, len);
    expect_decode_fails("Zg=");
    expect_decode_fails("Zg=a");
    expect_decode_fails("Z===");
    expect_decode_fails("====");
    expect_decode_fails("Zh==");     /* unused bits not zero */
    expect_decode_fails("Zm9=");     /* unused bits not zero */
    expect_decode_fails("Zm8=Zm8="); /* padding in the middle */
    expect_decode_fails("Zm9v!A==");
    expect_decode_fails("Zm 9v");
    expect_decode_fails("Zm9v\n");
    CHECK(base64_decode(NULL, 0, NULL) == NULL);
}

int main(void)
{
    test_salted_password_mode();
    test_rfc5802_example();
    test_rfc7677_example();
    test_forged_signature();
    test_server_first_refused();
    test_server_first_extension();
    test_server_final_error();
    test_out_of_order();
    test_username_escaping();
    test_bad_setup();
    test_random_nonce();
    test_plus();
    test_gs2_flags();
    test_base64();
    return check_done();
}
