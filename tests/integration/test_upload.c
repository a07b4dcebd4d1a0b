/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_upload.c - files over HTTP File Upload (XEP-0363) against the
 * project's test server (Prosody's mod_http_file_share, then ejabberd's
 * mod_http_upload): a 5 MB file goes up through a slot, its link goes to
 * a peer as a message with an out-of-band element (XEP-0066), and the
 * peer's download is byte for byte the file; a second download takes a
 * new name; a file over the service's limit is refused before any slot;
 * the HTTPS trust is the XMPP connection's (no CA: refused; the pinned
 * certificate: accepted). An encrypted upload (XEP-0454, as into an OMEMO
 * chat) puts only ciphertext and its tag on the server, and its aesgcm://
 * link downloads and decrypts to the file. A message whose out-of-band
 * element (XEP-0066) names a URL its body does not, or that has no body,
 * reaches the peer with the URL.
 *
 * Then a hostile HTTPS server of our own, in a child process: an endless
 * body stops at the limit, a huge header is refused, a redirect to
 * http:// is refused, a stall times out, a server cut in the middle is
 * said (downloading and uploading), a cancelled download leaves nothing,
 * and an upload to a server that stops reading can be cancelled. aesgcm:// links
 * (XEP-0454) from it decrypt to the plaintext with a good tag, and leave
 * no file at all with a bad one. */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/aesgcm.h"
#include "core/files.h"
#include "harness.h"
#include "net/http.h"
#include "net/tls.h"

static uv_loop_t loop;
static char tmp[512], ca[512], cert[600], key[700];

struct peer {
    struct tclient c;
    bool slot_seen;
    char put[1024], get[1024], condition[64], text[300];
    char *headers[8];
    unsigned long long max;
    int oob_in; /* messages received with an out-of-band URL */
    /* what the session reported of messages with an out-of-band URL */
    char oob_url[4][300], oob_body[4][300];
    int noob;
};

static void on_event(void *ud, const struct session_event *ev)
{
    struct peer *p = ud;
    harness_on_event(&p->c, ev);
    if (ev->type == SESSION_EV_MESSAGE && ev->msg->oob_url && p->noob < 4) {
        snprintf(p->oob_url[p->noob], sizeof p->oob_url[0], "%s", ev->msg->oob_url);
        snprintf(p->oob_body[p->noob++], sizeof p->oob_body[0], "%s",
                 ev->msg->body ? ev->msg->body : "(none)");
    }
    if (ev->type == SESSION_EV_XML && !ev->outgoing &&
        harness_contains(ev->text, ev->len, "jabber:x:oob") &&
        harness_contains(ev->text, ev->len, "<message"))
        p->oob_in++;
    if (ev->type != SESSION_EV_UPLOAD_SLOT)
        return;
    p->slot_seen = true;
    snprintf(p->condition, sizeof p->condition, "%s", ev->condition ? ev->condition : "");
    snprintf(p->text, sizeof p->text, "%s", ev->text ? ev->text : "");
    p->put[0] = p->get[0] = '\0';
    for (size_t i = 0; i < 8; i++) {
        free(p->headers[i]);
        p->headers[i] = NULL;
    }
    if (ev->slot) {
        snprintf(p->put, sizeof p->put, "%s", ev->slot->put_url);
        snprintf(p->get, sizeof p->get, "%s", ev->slot->get_url);
        for (size_t i = 0; i < 7 && ev->slot->headers[i]; i++)
            p->headers[i] = strdup(ev->slot->headers[i]);
        p->max = ev->slot->max_size;
    }
}

static void start(struct peer *p, const char *user)
{
    char jid[128], err[200];
    memset(p, 0, sizeof *p);
    snprintf(jid, sizeof jid, "%s@localhost/t", user);
    struct session_config cfg = harness_config(jid, "pw-upload");
    p->c.s = session_new(&loop, &cfg, on_event, p, err, sizeof err);
    CHECK(p->c.s != NULL);
    session_connect(p->c.s);
    CHECK(harness_wait(&loop, harness_is_online, &p->c, 10000));
}

static int slot_seen(void *arg)
{
    return ((struct peer *)arg)->slot_seen;
}

static int two_oob(void *arg)
{
    return ((struct peer *)arg)->noob >= 3; /* the file link's, then these two */
}

static int got_message(void *arg)
{
    return ((struct peer *)arg)->c.nmsgs > 0;
}

/* ---- one transfer, run to its end ---- */

struct run {
    bool done;
    char error[400];
    struct download *dl;
    uint64_t progress_calls, last_done;
};

static int run_done(void *arg)
{
    return ((struct run *)arg)->done;
}

static void on_done(void *ud, const char *error)
{
    struct run *r = ud;
    r->done = true;
    snprintf(r->error, sizeof r->error, "%s", error ? error : "");
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
    struct run *r = ud;
    r->progress_calls++;
    r->last_done = done;
}

static int on_sink(void *ud, const char *buf, size_t len, char *err, size_t errlen)
{
    return download_write(((struct run *)ud)->dl, buf, len, err, errlen);
}

static struct http *http;

static struct aesgcm_seal *sealing; /* the encrypted upload's body */

static long on_seal(void *ud, char *buf, size_t len, char *err, size_t errlen)
{
    return aesgcm_seal_read(sealing, (unsigned char *)buf, len);
}

/* GETs url into dir (decrypting with enc); returns the transfer's error
 * ("" when done) and the saved path in path. */
static void download(const char *url, const struct aesgcm_link *enc, const char *dir,
                     const char *ca_file, const char *pin, uint64_t max, unsigned stall,
                     struct run *r, char *path, size_t pathlen)
{
    char name[256], err[400] = "";
    memset(r, 0, sizeof *r);
    path[0] = '\0';
    files_name_from_url(url, name, sizeof name);
    r->dl = download_open(dir, name, enc, err, sizeof err);
    CHECK(r->dl != NULL);
    struct http_request q = {.url = enc ? enc->https_url : url,
                             .max_size = max,
                             .stall_s = stall,
                             .ca_file = ca_file,
                             .pinned_sha256 = pin,
                             .sink = on_sink,
                             .progress = on_progress,
                             .done = on_done,
                             .ud = r};
    struct http_xfer *x = http_start(http, &q, err, sizeof err);
    CHECK(x != NULL);
    if (!x) {
        download_abort(r->dl);
        snprintf(r->error, sizeof r->error, "%s", err);
        return;
    }
    CHECK(harness_wait(&loop, run_done, r, 30000));
    if (!r->error[0]) {
        if (download_finish(r->dl, path, pathlen, err, sizeof err) != 0)
            snprintf(r->error, sizeof r->error, "%s", err);
    } else {
        download_abort(r->dl);
    }
    r->dl = NULL;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(n > 0 ? (size_t)n : 1);
    *len = b ? fread(b, 1, (size_t)n, f) : 0;
    fclose(f);
    return b;
}

static bool same_file(const char *path, const unsigned char *want, size_t n)
{
    size_t got = 0;
    unsigned char *b = read_file(path, &got);
    bool same = b && got == n && memcmp(b, want, n) == 0;
    free(b);
    return same;
}

/* Files in dir (a .part counts). */
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

static void make_dir(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmp, name);
    mkdir(out, 0700);
}

/* ---- the real server ---- */

static void test_server(void)
{
    struct peer ann, bob;
    start(&ann, "up_ann");
    start(&bob, "up_bob");
    /* 5 MB of bytes that do not compress or repeat */
    size_t n = 5 * 1000 * 1000;
    unsigned char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (unsigned char)((i * 2654435761u) >> 13 ^ i);
    char src[600];
    snprintf(src, sizeof src, "%s/five.bin", tmp);
    FILE *f = fopen(src, "wb");
    CHECK(f && fwrite(data, 1, n, f) == n);
    if (f)
        fclose(f);

    CHECK(session_upload_slot(ann.c.s, 7, "five.bin", n, "application/octet-stream") == 0);
    CHECK(harness_wait(&loop, slot_seen, &ann, 10000));
    CHECK(strncmp(ann.put, "https://127.0.0.1:", 18) == 0);
    CHECK(strncmp(ann.get, "https://127.0.0.1:", 18) == 0);
    CHECK(ann.max >= n); /* the service says its limit */

    int fd = open(src, O_RDONLY);
    struct run up = {0};
    char err[300];
    struct http_request q = {.put = true,
                             .url = ann.put,
                             .content_type = "application/octet-stream",
                             .headers = (const char *const *)ann.headers,
                             .upload_fd = fd,
                             .upload_size = n,
                             .ca_file = ca,
                             .progress = on_progress,
                             .done = on_done,
                             .ud = &up};
    CHECK(http_start(http, &q, err, sizeof err) != NULL);
    CHECK(harness_wait(&loop, run_done, &up, 60000));
    CHECK_STR(up.error, "");
    CHECK(up.last_done == n && up.progress_calls > 1);
    close(fd);

    /* The link goes as a message with its out-of-band element. */
    CHECK(session_send_file_link(ann.c.s, "up_bob@localhost", "chat", ann.get, NULL, 0) == 0);
    CHECK(harness_wait(&loop, got_message, &bob, 5000));
    CHECK_STR(bob.c.bodies[0], ann.get);
    CHECK(bob.oob_in == 1);

    /* Bob's download is the file; a second one takes a new name. */
    char dir[600], path[1200], path2[1200];
    make_dir(dir, sizeof dir, "bob");
    struct run r;
    download(bob.c.bodies[0], NULL, dir, ca, NULL, 0, 0, &r, path, sizeof path);
    CHECK_STR(r.error, "");
    CHECK(same_file(path, data, n));
    CHECK(strstr(path, "/five.bin") != NULL);
    download(bob.c.bodies[0], NULL, dir, ca, NULL, 0, 0, &r, path2, sizeof path2);
    CHECK_STR(r.error, "");
    CHECK(strstr(path2, "/five (1).bin") != NULL);
    CHECK(same_file(path2, data, n) && same_file(path, data, n));
    CHECK(entries(dir) == 2); /* no .part left */

    /* The XMPP connection's trust: without the test CA the certificate
     * is refused; pinned, it is accepted. */
    char nodir[600];
    make_dir(nodir, sizeof nodir, "untrusted");
    download(bob.c.bodies[0], NULL, nodir, NULL, NULL, 0, 0, &r, path, sizeof path);
    CHECK(strncmp(r.error, "TLS failed", 10) == 0);
    CHECK(entries(nodir) == 0);
    X509 *x = NULL;
    FILE *cf = fopen(cert, "r");
    if (cf) {
        x = PEM_read_X509(cf, NULL, NULL, NULL);
        fclose(cf);
    }
    unsigned char md[32];
    unsigned mdlen = 0;
    char pin[100] = "";
    CHECK(x && X509_digest(x, EVP_sha256(), md, &mdlen) == 1);
    tls_format_fingerprint(md, mdlen, pin, sizeof pin);
    X509_free(x);
    download(bob.c.bodies[0], NULL, nodir, NULL, pin, 0, 0, &r, path, sizeof path);
    CHECK_STR(r.error, "");
    CHECK(same_file(path, data, n));

    /* Encrypted (XEP-0454): the slot is for the file and its tag, the
     * server gets ciphertext only, and the aesgcm:// link decrypts to the
     * file. */
    struct aesgcm_link fkey;
    CHECK(aesgcm_link_new(&fkey) == 0);
    ann.slot_seen = false;
    CHECK(session_upload_slot(ann.c.s, 9, "secret.bin", n + AESGCM_TAG_LEN, NULL) == 0);
    CHECK(harness_wait(&loop, slot_seen, &ann, 10000));
    CHECK(ann.put[0] != '\0');
    fd = open(src, O_RDONLY);
    sealing = aesgcm_seal_new(&fkey, fd);
    CHECK(sealing != NULL);
    struct http_request qe = {.put = true,
                              .url = ann.put,
                              .content_type = "application/octet-stream",
                              .headers = (const char *const *)ann.headers,
                              .upload_fd = -1,
                              .upload_size = n + AESGCM_TAG_LEN,
                              .source = on_seal,
                              .ca_file = ca,
                              .progress = on_progress,
                              .done = on_done,
                              .ud = &up};
    memset(&up, 0, sizeof up);
    CHECK(http_start(http, &qe, err, sizeof err) != NULL);
    CHECK(harness_wait(&loop, run_done, &up, 60000));
    CHECK_STR(up.error, "");
    CHECK(up.last_done == n + AESGCM_TAG_LEN);
    aesgcm_seal_free(sealing);
    close(fd);
    char *link = aesgcm_link_format(ann.get, &fkey);
    CHECK(link != NULL && strncmp(link, "aesgcm://127.0.0.1:", 19) == 0);
    char edir[600];
    make_dir(edir, sizeof edir, "encrypted");
    struct aesgcm_link enc;
    CHECK(link && aesgcm_link_parse(link, &enc) == 0);
    download(link, &enc, edir, ca, NULL, 0, 0, &r, path, sizeof path);
    CHECK_STR(r.error, "");
    CHECK(same_file(path, data, n));
    CHECK(strstr(path, "/secret.bin") != NULL);
    /* what the server holds: not the file, and a tag longer */
    char rawdir[600], raw[1200];
    make_dir(rawdir, sizeof rawdir, "raw");
    download(ann.get, NULL, rawdir, ca, NULL, 0, 0, &r, raw, sizeof raw);
    CHECK_STR(r.error, "");
    size_t rawlen = 0;
    unsigned char *rawb = read_file(raw, &rawlen);
    CHECK(rawb && rawlen == n + AESGCM_TAG_LEN && memcmp(rawb, data, 4096) != 0);
    free(rawb);
    /* the wrong key: nothing is kept */
    enc.key[0] ^= 1;
    char bad[600];
    make_dir(bad, sizeof bad, "badkey");
    download(link, &enc, bad, ca, NULL, 0, 0, &r, path, sizeof path);
    CHECK(strstr(r.error, "does not authenticate") != NULL);
    CHECK(entries(bad) == 0);
    aesgcm_link_clear(&enc);
    aesgcm_link_clear(&fkey);
    aesgcm_link_free(link);

    /* XEP-0066: a URL only the out-of-band element names reaches the
     * peer, with the body or without one. */
    char xml[1400];
    snprintf(xml, sizeof xml,
             "<message to='up_bob@localhost' type='chat' id='oob1'><body>a picture</body>"
             "<x xmlns='jabber:x:oob'><url>%s</url></x></message>",
             ann.get);
    CHECK(session_send_raw(ann.c.s, xml, err, sizeof err) == 0);
    snprintf(xml, sizeof xml,
             "<message to='up_bob@localhost' type='chat' id='oob2'>"
             "<x xmlns='jabber:x:oob'><url>https://127.0.0.1/only.png</url></x></message>");
    CHECK(session_send_raw(ann.c.s, xml, err, sizeof err) == 0);
    CHECK(harness_wait(&loop, two_oob, &bob, 5000));
    CHECK_STR(bob.oob_url[1], ann.get);
    CHECK_STR(bob.oob_body[1], "a picture");
    CHECK_STR(bob.oob_url[2], "https://127.0.0.1/only.png");
    CHECK_STR(bob.oob_body[2], "(none)");

    /* Over the limit: refused before any slot is asked for. */
    ann.slot_seen = false;
    CHECK(session_upload_slot(ann.c.s, 8, "big.bin", ann.max + 1, NULL) == 0);
    CHECK(harness_wait(&loop, slot_seen, &ann, 10000));
    CHECK_STR(ann.condition, "not-acceptable");
    CHECK(ann.put[0] == '\0' && strstr(ann.text, "limit") != NULL);

    free(data);
    for (size_t i = 0; i < 8; i++)
        free(ann.headers[i]);
    struct peer *all[] = {&ann, &bob};
    for (int i = 0; i < 2; i++) {
        session_disconnect(all[i]->c.s, NULL);
        CHECK(harness_wait(&loop, harness_is_offline, &all[i]->c, 5000));
        harness_free(&all[i]->c, &loop);
    }
}

/* ---- the hostile server ---- */

static unsigned char plain[100000], sealed[100000 + 16];
static unsigned char gcm_key[32], gcm_iv[12];

static void say(SSL *ssl, const char *text)
{
    SSL_write(ssl, text, (int)strlen(text));
}

/* One connection, in a child of the server: what the path asks for. */
static void serve(SSL *ssl, int port)
{
    char req[4096];
    size_t got = 0;
    while (got < sizeof req - 1 && !memmem(req, got, "\r\n\r\n", 4)) {
        int k = SSL_read(ssl, req + got, (int)(sizeof req - 1 - got));
        if (k <= 0)
            return;
        got += (size_t)k;
    }
    req[got] = '\0';
    char chunk[16384];
    memset(chunk, 'x', sizeof chunk);
    if (strstr(req, "GET /endless ")) {
        say(ssl, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        while (SSL_write(ssl, chunk, sizeof chunk) > 0)
            ;
    } else if (strstr(req, "GET /header ")) {
        say(ssl, "HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 100; i++) {
            char line[1100];
            snprintf(line, sizeof line, "X-Filler-%d: %.1000s\r\n", i, chunk);
            if (SSL_write(ssl, line, (int)strlen(line)) <= 0)
                return;
        }
        say(ssl, "Content-Length: 2\r\n\r\nhi");
    } else if (strstr(req, "GET /redirect ")) {
        char r[200];
        snprintf(r, sizeof r,
                 "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/plain\r\n"
                 "Content-Length: 0\r\n\r\n",
                 port);
        say(ssl, r);
    } else if (strstr(req, "GET /stall ")) {
        say(ssl, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nabc");
        sleep(20);
    } else if (strstr(req, "PUT /cut ")) { /* takes a little, then goes */
        SSL_read(ssl, chunk, sizeof chunk);
        return;
    } else if (strstr(req, "PUT /stall ")) { /* reads nothing more */
        sleep(20);
    } else if (strstr(req, "GET /cut ")) {
        say(ssl, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        SSL_write(ssl, chunk, 1000);
    } else if (strstr(req, "GET /good.enc ") || strstr(req, "GET /bad.enc ")) {
        char h[100];
        snprintf(h, sizeof h, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", sizeof sealed);
        say(ssl, h);
        unsigned char body[sizeof sealed];
        memcpy(body, sealed, sizeof body);
        if (strstr(req, "GET /bad.enc "))
            body[sizeof body - 1] ^= 1; /* the tag */
        SSL_write(ssl, body, (int)sizeof body);
    } else {
        say(ssl, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }
    SSL_shutdown(ssl);
}

static pid_t hostile_start(int *port)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 16) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    pid_t pid = fork();
    if (pid != 0) {
        close(lfd);
        return pid;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        _exit(1);
    signal(SIGCHLD, SIG_IGN); /* no zombies from the connections */
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            SSL *ssl = SSL_new(ctx);
            SSL_set_fd(ssl, fd);
            if (SSL_accept(ssl) == 1)
                serve(ssl, *port);
            _exit(0);
        }
        close(fd);
    }
}

static void seal(void)
{
    RAND_bytes(plain, sizeof plain);
    RAND_bytes(gcm_key, sizeof gcm_key);
    RAND_bytes(gcm_iv, sizeof gcm_iv);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    CHECK(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1);
    CHECK(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, sizeof gcm_iv, NULL) == 1);
    CHECK(EVP_EncryptInit_ex(c, NULL, NULL, gcm_key, gcm_iv) == 1);
    CHECK(EVP_EncryptUpdate(c, sealed, &n, plain, sizeof plain) == 1);
    CHECK(EVP_EncryptFinal_ex(c, sealed + n, &m) == 1);
    CHECK(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, sealed + sizeof plain) == 1);
    EVP_CIPHER_CTX_free(c);
}

static void aesgcm_url(char *out, size_t cap, int port, const char *path)
{
    int k = snprintf(out, cap, "aesgcm://127.0.0.1:%d/%s#", port, path);
    for (size_t i = 0; i < sizeof gcm_iv; i++)
        k += snprintf(out + k, cap - (size_t)k, "%02x", gcm_iv[i]);
    for (size_t i = 0; i < sizeof gcm_key; i++)
        k += snprintf(out + k, cap - (size_t)k, "%02x", gcm_key[i]);
}

static int some_bytes(void *arg)
{
    return ((struct run *)arg)->last_done > 0;
}

/* A download from the hostile server that must fail saying why, and
 * leave nothing in dir. */
static void refused(int port, const char *what, uint64_t max, unsigned stall, const char *why,
                    const char *dir)
{
    char url[200], path[1200];
    struct run r;
    snprintf(url, sizeof url, "https://127.0.0.1:%d/%s", port, what);
    download(url, NULL, dir, ca, NULL, max, stall, &r, path, sizeof path);
    if (!strstr(r.error, why))
        fprintf(stderr, "%s: %s\n", what, r.error);
    CHECK(strstr(r.error, why) != NULL);
    CHECK(entries(dir) == 0);
}

static void test_hostile(void)
{
    int port = 0;
    seal();
    pid_t pid = hostile_start(&port);
    CHECK(pid > 0);
    char dir[600], url[400], path[1200];
    make_dir(dir, sizeof dir, "hostile");
    struct run r;

    refused(port, "endless", 1 << 20, 0, "larger than the limit", dir);
    refused(port, "header", 0, 0, "headers are longer", dir);
    refused(port, "redirect", 0, 0, "only https", dir);
    refused(port, "stall", 0, 2, "stopped sending", dir);
    refused(port, "cut", 0, 0, "went away", dir);

    /* http:// is refused before anything is asked. */
    char err[200] = "";
    struct http_request plainq = {.url = "http://127.0.0.1:1/x", .done = on_done, .ud = &r};
    CHECK(http_start(http, &plainq, err, sizeof err) == NULL);
    CHECK(strstr(err, "only https") != NULL);

    /* Cancelled in the middle: done says so, and the caller's abort
     * leaves nothing. */
    char name[64] = "stall";
    memset(&r, 0, sizeof r);
    r.dl = download_open(dir, name, NULL, err, sizeof err);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/stall", port);
    struct http_request sq = {.url = url,
                              .ca_file = ca,
                              .sink = on_sink,
                              .progress = on_progress,
                              .done = on_done,
                              .ud = &r};
    struct http_xfer *x = http_start(http, &sq, err, sizeof err);
    CHECK(x != NULL);
    CHECK(harness_wait(&loop, some_bytes, &r, 10000));
    CHECK(entries(dir) == 1); /* stall.part */
    http_cancel(x);
    CHECK(r.done);
    CHECK_STR(r.error, "cancelled");
    download_abort(r.dl);
    CHECK(entries(dir) == 0);

    /* Uploads: a server that goes away in the middle is said; one that
     * stops reading can be cancelled. */
    char big[600];
    snprintf(big, sizeof big, "%s/five.bin", tmp);
    struct stat st;
    CHECK(stat(big, &st) == 0);
    int fd = open(big, O_RDONLY);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/cut", port);
    memset(&r, 0, sizeof r);
    struct http_request put = {.put = true,
                               .url = url,
                               .upload_fd = fd,
                               .upload_size = (uint64_t)st.st_size,
                               .ca_file = ca,
                               .progress = on_progress,
                               .done = on_done,
                               .ud = &r};
    CHECK(http_start(http, &put, err, sizeof err) != NULL);
    CHECK(harness_wait(&loop, run_done, &r, 20000));
    CHECK(strstr(r.error, "went away") != NULL);
    lseek(fd, 0, SEEK_SET);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/stall", port);
    memset(&r, 0, sizeof r);
    x = http_start(http, &put, err, sizeof err);
    CHECK(x != NULL);
    CHECK(harness_wait(&loop, some_bytes, &r, 10000));
    CHECK(!r.done);
    http_cancel(x);
    CHECK(r.done && strcmp(r.error, "cancelled") == 0);
    close(fd);

    /* aesgcm://: decrypted with a good tag, nothing at all with a bad one */
    struct aesgcm_link enc;
    aesgcm_url(url, sizeof url, port, "good.enc");
    CHECK(aesgcm_link_parse(url, &enc) == 0);
    download(url, &enc, dir, ca, NULL, 0, 0, &r, path, sizeof path);
    CHECK_STR(r.error, "");
    CHECK(same_file(path, plain, sizeof plain));
    CHECK(strstr(path, "/good.enc") != NULL);
    aesgcm_link_clear(&enc);
    CHECK(unlink(path) == 0);
    aesgcm_url(url, sizeof url, port, "bad.enc");
    CHECK(aesgcm_link_parse(url, &enc) == 0);
    download(url, &enc, dir, ca, NULL, 0, 0, &r, path, sizeof path);
    CHECK(strstr(r.error, "does not authenticate") != NULL);
    CHECK(entries(dir) == 0);
    aesgcm_link_clear(&enc);
    /* a link without a whole key is no link */
    CHECK(aesgcm_link_parse("aesgcm://127.0.0.1/x#00ff", &enc) != 0);

    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

int main(void)
{
    const char *rundir = harness_env("TUKTUK_TEST_RUNDIR");
    snprintf(tmp, sizeof tmp, "%s", harness_env("TUKTUK_TEST_TMP"));
    snprintf(ca, sizeof ca, "%s", harness_env("TUKTUK_TEST_CA"));
    /* the server's certificate and key lie next to the CA */
    snprintf(cert, sizeof cert, "%s", ca);
    char *slash = strrchr(cert, '/');
    if (slash)
        *slash = '\0';
    snprintf(key, sizeof key, "%s/localhost.key", cert);
    snprintf(cert + strlen(cert), sizeof cert - strlen(cert), "/localhost.crt");
    uv_loop_init(&loop);
    http = http_new(&loop);
    CHECK(http != NULL);
    char args[800];
    snprintf(args, sizeof args, "adduser %s up_ann pw-upload up_bob pw-upload", rundir);
    CHECK(harness_server(args) == 0);
    test_server();
    test_hostile();
    http_free(http);
    uv_run(&loop, UV_RUN_NOWAIT);
    return check_done();
}
