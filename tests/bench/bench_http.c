/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_http.c - file transfer throughput of net/http.c beside the curl
 * command-line tool, on loopback, in one run (issue 14: at least 80 % of
 * curl's).
 *
 * A small HTTPS server of our own (a child process, OpenSSL, the test
 * certificate of scripts/bench's Prosody) serves GET /file with 100 MB
 * (or argv[1] MB) and takes any PUT, reading and dropping the body: a
 * server that costs little, so that the clients are what is measured.
 * Each client then downloads into a file and uploads from one, three times
 * each, best time kept: tuktuk's path (net/http.c in a libuv loop, the
 * download through core/files.c's .part file) and `curl -o` / `curl -T`.
 * The peak RSS growth during tuktuk's transfers is printed too: the file
 * is streamed, so it must stay far below the file's size. An encrypted
 * upload (XEP-0454, as into an OMEMO chat: AES-256-GCM as it streams) is
 * measured the same way, beside curl's plain upload. */
#define _GNU_SOURCE /* strcasestr */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/files.h"
#include "net/http.h"

static size_t file_bytes;
static char ca[512], dir[600];

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* One connection: a GET gets the file, a PUT is read to its end. */
static void serve(SSL *ssl)
{
    static char buf[262144];
    size_t got = 0;
    char *end = NULL;
    while (!end && got < 8192) {
        int n = SSL_read(ssl, buf + got, (int)(8192 - got));
        if (n <= 0)
            return;
        got += (size_t)n;
        buf[got] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    if (!end)
        return;
    if (strncmp(buf, "PUT ", 4) == 0) {
        const char *cl = strcasestr(buf, "\r\nContent-Length:");
        long long left = cl ? atoll(cl + 17) : 0;
        left -= (long long)(got - (size_t)(end + 4 - buf));
        while (left > 0) {
            int n = SSL_read(ssl, buf, sizeof buf);
            if (n <= 0)
                return;
            left -= n;
        }
        const char *ok = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
        SSL_write(ssl, ok, (int)strlen(ok));
    } else {
        char head[128];
        snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", file_bytes);
        SSL_write(ssl, head, (int)strlen(head));
        memset(buf, 'z', sizeof buf);
        for (size_t sent = 0; sent < file_bytes;) {
            size_t n = file_bytes - sent < sizeof buf ? file_bytes - sent : sizeof buf;
            int w = SSL_write(ssl, buf, (int)n);
            if (w <= 0)
                return;
            sent += (size_t)w;
        }
    }
    SSL_shutdown(ssl);
}

static pid_t server(int *port)
{
    char cert[600], key[600];
    snprintf(cert, sizeof cert, "%.500s", ca);
    *strrchr(cert, '/') = '\0';
    snprintf(key, sizeof key, "%.500s/localhost.key", cert);
    strcat(cert, "/localhost.crt");
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 8) != 0 ||
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
    if (SSL_CTX_use_certificate_file(ctx, cert, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        _exit(1);
    for (;;) { /* one client at a time: the benchmark runs them in turn */
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) == 1)
            serve(ssl);
        SSL_free(ssl);
        close(fd);
    }
}

struct job {
    bool done;
    char error[300];
    struct download *dl;
};

static void on_done(void *ud, const char *error)
{
    struct job *j = ud;
    j->done = true;
    snprintf(j->error, sizeof j->error, "%s", error ? error : "");
}

static int on_sink(void *ud, const char *buf, size_t len, char *err, size_t errlen)
{
    return download_write(((struct job *)ud)->dl, buf, len, err, errlen);
}

static struct aesgcm_seal *sealing;

static long on_seal(void *ud, char *buf, size_t len, char *err, size_t errlen)
{
    return aesgcm_seal_read(sealing, (unsigned char *)buf, len);
}

/* One transfer through net/http.c (an upload encrypted when sealed);
 * seconds, or -1. */
static double ours(uv_loop_t *loop, struct http *h, bool put, bool sealed, const char *url,
                   const char *src)
{
    struct job j = {0};
    char err[300], path[1200];
    int fd = put ? open(src, O_RDONLY) : -1;
    if (!put)
        j.dl = download_open(dir, "ours.bin", NULL, err, sizeof err);
    struct aesgcm_link key;
    if (sealed && (aesgcm_link_new(&key) != 0 || !(sealing = aesgcm_seal_new(&key, fd))))
        return -1;
    struct http_request r = {.put = put,
                             .url = url,
                             .upload_fd = fd,
                             .upload_size = file_bytes + (sealed ? AESGCM_TAG_LEN : 0),
                             .source = sealed ? on_seal : NULL,
                             .max_size = file_bytes + 1,
                             .ca_file = ca,
                             .sink = put ? NULL : on_sink,
                             .done = on_done,
                             .ud = &j};
    double t0 = now_s();
    if (!http_start(h, &r, err, sizeof err)) {
        fprintf(stderr, "bench_http: %s\n", err);
        return -1;
    }
    while (!j.done)
        uv_run(loop, UV_RUN_ONCE);
    if (!put && !j.error[0] && download_finish(j.dl, path, sizeof path, err, sizeof err) == 0)
        unlink(path);
    else if (!put)
        download_abort(j.dl);
    double t = now_s() - t0;
    if (sealed) {
        aesgcm_seal_free(sealing);
        aesgcm_link_clear(&key);
    }
    if (fd >= 0)
        close(fd);
    if (j.error[0]) {
        fprintf(stderr, "bench_http: %s\n", j.error);
        return -1;
    }
    return t;
}

static double theirs(bool put, const char *url, const char *src)
{
    char cmd[2000];
    if (put)
        snprintf(cmd, sizeof cmd,
                 "curl -sS --fail -H Expect: --cacert '%s' -o /dev/null -T '%s' '%s'", ca, src,
                 url);
    else /* into a file, as ours writes one */
        snprintf(cmd, sizeof cmd, "curl -sS --fail --cacert '%s' -o '%s/curl.bin' '%s'", ca, dir,
                 url);
    double t0 = now_s();
    int rc = system(cmd);
    double t = now_s() - t0;
    return rc == 0 ? t : -1;
}

static long peak_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 100;
    file_bytes = mb * 1000 * 1000;
    const char *c = getenv("TUKTUK_BENCH_CA");
    if (!c) {
        fprintf(stderr, "bench_http: run through make bench (TUKTUK_BENCH_CA unset)\n");
        return 1;
    }
    snprintf(ca, sizeof ca, "%s", c);
    snprintf(dir, sizeof dir, "%s/http",
             getenv("TUKTUK_BENCH_RUNDIR") ? getenv("TUKTUK_BENCH_RUNDIR") : "/tmp");
    char src[700];
    snprintf(src, sizeof src, "%s/src.bin", dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return 1;
    FILE *f = fopen(src, "wb");
    static char block[1 << 20];
    memset(block, 'q', sizeof block);
    for (size_t i = 0; f && i < mb; i++)
        fwrite(block, 1, 1000 * 1000, f);
    if (f)
        fclose(f);
    int port = 0;
    pid_t pid = server(&port);
    if (pid < 0)
        return 1;
    char url[100];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/file", port);
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct http *h = http_new(&loop);
    long before = peak_kb();
    double best[5] = {1e9, 1e9, 1e9, 1e9, 1e9};
    for (int round = 0; round < 3; round++) {
        double t[5] = {ours(&loop, h, false, false, url, src), theirs(false, url, src),
                       ours(&loop, h, true, false, url, src), theirs(true, url, src),
                       ours(&loop, h, true, true, url, src)};
        for (int i = 0; i < 5; i++)
            if (t[i] > 0 && t[i] < best[i])
                best[i] = t[i];
    }
    long grew = peak_kb() - before;
    const char *what[2] = {"download", "upload"};
    for (int i = 0; i < 2; i++) {
        double a = (double)file_bytes / best[2 * i] / 1e6,
               b = (double)file_bytes / best[2 * i + 1] / 1e6;
        printf("%s %zu MB: tuktuk %.0f MB/s, curl %.0f MB/s: %.0f %% of curl (target >= 80 %%)\n",
               what[i], mb, a, b, 100 * a / b);
    }
    double enc = (double)file_bytes / best[4] / 1e6, plain = (double)file_bytes / best[3] / 1e6;
    printf("encrypted upload (aesgcm) %zu MB: tuktuk %.0f MB/s, curl's plain upload %.0f MB/s: "
           "%.0f %% of curl (target >= 80 %%)\n",
           mb, enc, plain, 100 * enc / plain);
    printf(
        "peak RSS growth over the transfers: %ld kB for %zu MB files (target: not with the size)\n",
        grew, mb);
    http_free(h);
    uv_run(&loop, UV_RUN_NOWAIT);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    unlink(src);
    return 0;
}
