/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http.c - file transfers over HTTPS with libcurl, inside our one libuv
 * loop.
 *
 * libcurl's multi-socket interface tells us which sockets to watch
 * (CURLMOPT_SOCKETFUNCTION: one uv_poll per socket) and when it next
 * needs the clock (CURLMOPT_TIMERFUNCTION: one uv_timer), and we call
 * curl_multi_socket_action when either fires. So a transfer costs no
 * thread and nothing waits: the keyboard and the XMPP stream go on while
 * megabytes move. (Reading the file being uploaded is an ordinary read()
 * of a local file, 64 KiB at a time, like reading a config file.)
 *
 * Everything from the network is bounded, since any contact can send us a
 * link: https only, redirects included (a redirect to http:// or file://
 * is refused by curl); a body longer than the limit is stopped where it
 * crosses it, whether or not the server announced its length; the
 * response headers are capped at HTTP_MAX_HEADER_BYTES; and a transfer
 * that moves no byte for stall_s seconds ends. The certificate is checked
 * as the XMPP connection's is (tls_http_trust: the system roots, the
 * --ca-file, and a certificate the user pinned with /tls trust), and the
 * name in the URL must match it.
 *
 * libcurl is loaded at the first transfer (dlopen), not when tuktuk
 * starts: Debian's libcurl brings 26 libraries (GnuTLS, Kerberos, LDAP,
 * libssh2, RTMP...), and linking it made every process pay for their
 * relocations and constructors, 1.5 MB of PSS in a session that never
 * moves a file (docs/benchmarks.md, issue 9 item 16). It is looked up by
 * its soname, as the dynamic linker would have at start, and stays loaded
 * once in. The price is the compiler's type check of curl_easy_setopt's
 * arguments (a macro of curl.h that would call the linked symbol). */
#include "net/http.h"

#ifdef TUKTUK_NO_CURL
/* The static build (Makefile, docs/dependencies.md): no libcurl, so no
 * transfer starts, and the user is told why. */
#include <stdio.h>
#include <stdlib.h>

struct http {
    int unused;
};

struct http *http_new(uv_loop_t *loop)
{
    return calloc(1, sizeof(struct http));
}

void http_free(struct http *h)
{
    free(h);
}

struct http_xfer *http_start(struct http *h, const struct http_request *r, char *err, size_t errlen)
{
    snprintf(err, errlen, "this tuktuk was built without HTTP (make static): use make");
    return NULL;
}

void http_cancel(struct http_xfer *x)
{
}
#else
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/tls.h"

#define HTTP_DEFAULT_MAX (1ull << 30)
#define HTTP_DEFAULT_STALL_S 30
#define HTTP_BUFFER (256 * 1024)

struct http {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    struct http_xfer *xfers; /* running, as a list */
};

struct http_xfer {
    struct http *h;
    CURL *easy;
    struct curl_slist *headers;
    struct http_xfer *next;
    struct http_request r;
    char *url, *ca_file, *pinned;
    uint64_t got, header_bytes;
    char reason[256];               /* ours, when a callback stopped it */
    char curl_err[CURL_ERROR_SIZE]; /* curl's */
};

/* The soname of libcurl 7 and 8 alike. */
#define HTTP_LIBCURL "libcurl.so.4"

#define CURL_FUNCTIONS(X)                                                                          \
    X(curl_global_init)                                                                            \
    X(curl_multi_init)                                                                             \
    X(curl_multi_setopt)                                                                           \
    X(curl_multi_add_handle)                                                                       \
    X(curl_multi_remove_handle)                                                                    \
    X(curl_multi_assign)                                                                           \
    X(curl_multi_socket_action)                                                                    \
    X(curl_multi_info_read)                                                                        \
    X(curl_multi_cleanup)                                                                          \
    X(curl_easy_init)                                                                              \
    X(curl_easy_setopt)                                                                            \
    X(curl_easy_getinfo)                                                                           \
    X(curl_easy_strerror)                                                                          \
    X(curl_easy_cleanup)                                                                           \
    X(curl_slist_append)                                                                           \
    X(curl_slist_free_all)

/* libcurl's functions, with the types curl.h gives them. */
static struct {
#define FIELD(f) __typeof__(f) *f;
    CURL_FUNCTIONS(FIELD)
#undef FIELD
} lib;

/* Loads libcurl once and initialises it; false when it is missing or not
 * the library curl.h describes (a function is absent). */
static bool load_libcurl(void)
{
    static bool loaded;
    if (loaded)
        return true;
    void *so = dlopen(HTTP_LIBCURL, RTLD_NOW | RTLD_LOCAL);
    if (!so)
        return false;
    bool ok = true;
#define LOOKUP(f) ok = ok && (lib.f = (__typeof__(lib.f))dlsym(so, #f)) != NULL;
    CURL_FUNCTIONS(LOOKUP)
#undef LOOKUP
    if (!ok || lib.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        memset(&lib, 0, sizeof lib);
        dlclose(so);
        return false;
    }
    loaded = true;
    return true;
}

/* One watched socket. */
struct http_sock {
    uv_poll_t poll;
    curl_socket_t fd;
    struct http *h;
};

static void on_sock_closed(uv_handle_t *p)
{
    free(p->data);
}

static void destroy(struct http_xfer *x)
{
    if (x->easy)
        lib.curl_easy_cleanup(x->easy);
    lib.curl_slist_free_all(x->headers);
    free(x->url);
    free(x->ca_file);
    free(x->pinned);
    free(x);
}

static void release(struct http_xfer *x)
{
    struct http *h = x->h;
    for (struct http_xfer **p = &h->xfers; *p; p = &(*p)->next)
        if (*p == x) {
            *p = x->next;
            break;
        }
    lib.curl_multi_remove_handle(h->multi, x->easy);
    destroy(x);
}

/* One line for the user from curl's code and what we knew better. */
static void describe(struct http_xfer *x, CURLcode rc, char *out, size_t cap)
{
    long code = 0;
    lib.curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
    if (x->reason[0])
        snprintf(out, cap, "%s", x->reason);
    else if (rc == CURLE_OK)
        snprintf(out, cap, "the server answered HTTP %ld", code);
    else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
             rc == CURLE_SSL_CONNECT_ERROR)
        snprintf(out, cap, "TLS failed: %s",
                 x->curl_err[0] ? x->curl_err : lib.curl_easy_strerror(rc));
    else if (rc == CURLE_UNSUPPORTED_PROTOCOL)
        snprintf(out, cap, "refused: only https is allowed (%s)",
                 x->curl_err[0] ? x->curl_err : lib.curl_easy_strerror(rc));
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(out, cap, "the server stopped sending (no progress for %u s)", x->r.stall_s);
    else if (rc == CURLE_HTTP_RETURNED_ERROR)
        snprintf(out, cap, "the server answered HTTP %ld", code);
    else if (rc == CURLE_FILESIZE_EXCEEDED)
        snprintf(out, cap, "the file is larger than the limit (%llu bytes)",
                 (unsigned long long)x->r.max_size);
    else if (rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
             rc == CURLE_GOT_NOTHING)
        snprintf(out, cap, "the server went away in the middle of the transfer (%s)",
                 x->curl_err[0] ? x->curl_err : lib.curl_easy_strerror(rc));
    else
        snprintf(out, cap, "%s", x->curl_err[0] ? x->curl_err : lib.curl_easy_strerror(rc));
}

/* Transfers curl has finished: each one's done, then its memory. */
static void reap(struct http *h)
{
    CURLMsg *m;
    int left;
    while ((m = lib.curl_multi_info_read(h->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct http_xfer *x = NULL;
        lib.curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        long code = 0;
        lib.curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
        char err[400];
        bool ok = m->data.result == CURLE_OK && code >= 200 && code < 300;
        if (!ok)
            describe(x, m->data.result, err, sizeof err);
        http_done_fn done = x->r.done;
        void *ud = x->r.ud;
        release(x);
        done(ud, ok ? NULL : err);
    }
}

static void act(struct http *h, curl_socket_t fd, int flags)
{
    int running;
    lib.curl_multi_socket_action(h->multi, fd, flags, &running);
    reap(h);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    struct http_sock *s = p->data;
    int flags = status < 0 ? CURL_CSELECT_ERR : 0;
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    act(s->h, s->fd, flags);
}

static void on_timer(uv_timer_t *t)
{
    act(t->data, CURL_SOCKET_TIMEOUT, 0);
}

static int socket_cb(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct http *h = userp;
    struct http_sock *s = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (s) {
            uv_poll_stop(&s->poll);
            uv_close((uv_handle_t *)&s->poll, on_sock_closed);
            lib.curl_multi_assign(h->multi, fd, NULL);
        }
        return 0;
    }
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s || uv_poll_init_socket(h->loop, &s->poll, fd) != 0) {
            free(s);
            return -1;
        }
        s->fd = fd;
        s->h = h;
        s->poll.data = s;
        lib.curl_multi_assign(h->multi, fd, s);
    }
    int ev = (what & CURL_POLL_IN ? UV_READABLE : 0) | (what & CURL_POLL_OUT ? UV_WRITABLE : 0);
    uv_poll_start(&s->poll, ev, on_poll);
    return 0;
}

/* curl's timer: ms 0 means "soon", which we take as the next loop turn
 * (calling curl back from inside its own callback is not allowed). */
static int timer_cb(CURLM *m, long ms, void *userp)
{
    struct http *h = userp;
    if (ms < 0)
        uv_timer_stop(&h->timer);
    else
        uv_timer_start(&h->timer, on_timer, (uint64_t)ms, 0);
    return 0;
}

struct http *http_new(uv_loop_t *loop)
{
    if (!load_libcurl())
        return NULL;
    struct http *h = calloc(1, sizeof *h);
    if (!h || !(h->multi = lib.curl_multi_init())) {
        free(h);
        return NULL;
    }
    h->loop = loop;
    uv_timer_init(loop, &h->timer);
    h->timer.data = h;
    lib.curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    lib.curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    lib.curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    lib.curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    return h;
}

static void on_timer_closed(uv_handle_t *t)
{
    free(t->data);
}

void http_free(struct http *h)
{
    if (!h)
        return;
    while (h->xfers)
        release(h->xfers); /* removing each handle closes its sockets' polls */
    lib.curl_multi_cleanup(h->multi);
    uv_close((uv_handle_t *)&h->timer, on_timer_closed);
}

static size_t on_header(char *buf, size_t size, size_t n, void *ud)
{
    struct http_xfer *x = ud;
    x->header_bytes += n;
    if (x->header_bytes > HTTP_MAX_HEADER_BYTES) {
        snprintf(x->reason, sizeof x->reason,
                 "refused: the server's headers are longer than %d bytes", HTTP_MAX_HEADER_BYTES);
        return 0;
    }
    return n;
}

static size_t on_body(char *buf, size_t size, size_t n, void *ud)
{
    struct http_xfer *x = ud;
    if (x->got + n > x->r.max_size) {
        snprintf(x->reason, sizeof x->reason,
                 "refused: the file is larger than the limit (%llu bytes)",
                 (unsigned long long)x->r.max_size);
        return 0;
    }
    x->got += n;
    if (!x->r.sink)
        return n; /* a PUT's answer: read and dropped */
    if (x->r.sink(x->r.ud, buf, n, x->reason, sizeof x->reason) < 0) {
        if (!x->reason[0])
            snprintf(x->reason, sizeof x->reason, "the download could not be saved");
        return 0;
    }
    return n;
}

static size_t on_read(char *buf, size_t size, size_t n, void *ud)
{
    struct http_xfer *x = ud;
    if (x->r.source) {
        long k = x->r.source(x->r.ud, buf, n, x->reason, sizeof x->reason);
        return k < 0 ? CURL_READFUNC_ABORT : (size_t)k;
    }
    ssize_t got;
    do
        got = read(x->r.upload_fd, buf, n);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        snprintf(x->reason, sizeof x->reason, "cannot read the file: %s", strerror(errno));
        return CURL_READFUNC_ABORT;
    }
    return (size_t)got;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct http_xfer *x = ud;
    if (x->r.progress) {
        if (x->r.put)
            x->r.progress(x->r.ud, (uint64_t)ulnow, x->r.upload_size);
        else
            x->r.progress(x->r.ud, (uint64_t)dlnow, (uint64_t)dltotal);
    }
    return 0;
}

static CURLcode on_ssl_ctx(CURL *e, void *ssl_ctx, void *ud)
{
    struct http_xfer *x = ud;
    return tls_http_trust(ssl_ctx, x->ca_file, x->pinned) == 0 ? CURLE_OK
                                                               : CURLE_SSL_CACERT_BADFILE;
}

static bool setup(struct http_xfer *x)
{
    CURL *e = x->easy;
    bool ok = true;
#define SET(opt, val) ok = ok && lib.curl_easy_setopt(e, opt, val) == CURLE_OK
    SET(CURLOPT_URL, x->url);
    SET(CURLOPT_PRIVATE, x);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
    SET(CURLOPT_FOLLOWLOCATION, x->r.put ? 0L : 1L);
    SET(CURLOPT_MAXREDIRS, 5L);
    SET(CURLOPT_USERAGENT, "tuktuk/" TUKTUK_VERSION);
    SET(CURLOPT_ERRORBUFFER, x->curl_err);
    SET(CURLOPT_FAILONERROR, 1L);
    SET(CURLOPT_BUFFERSIZE, (long)HTTP_BUFFER);
    SET(CURLOPT_UPLOAD_BUFFERSIZE, (long)HTTP_BUFFER);
    SET(CURLOPT_CONNECTTIMEOUT, 30L);
    SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    SET(CURLOPT_LOW_SPEED_TIME, (long)x->r.stall_s);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->r.max_size);
    SET(CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)x->r.rate_limit);
    SET(CURLOPT_MAX_RECV_SPEED_LARGE, (curl_off_t)x->r.rate_limit);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, x);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, x);
    /* Trust: none of curl's own defaults, ours instead (tls_http_trust). */
    SET(CURLOPT_CAINFO, NULL);
    SET(CURLOPT_CAPATH, NULL);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    SET(CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
    SET(CURLOPT_SSL_CTX_DATA, x);
    /* curl matches a cached connection or TLS session by the options it
     * knows, and the trust is ours, which it does not see: so no transfer
     * rides on another's verification (a test checks this: a transfer
     * without the test CA after one with it is refused). One handshake per
     * file is nothing. */
    SET(CURLOPT_FRESH_CONNECT, 1L);
    SET(CURLOPT_FORBID_REUSE, 1L);
    SET(CURLOPT_SSL_SESSIONID_CACHE, 0L);
    /* curl shares one certificate store between the transfers of a multi
     * handle; the roots tls_http_trust adds would then stay for the next
     * transfer, whatever its own trust. */
    SET(CURLOPT_CA_CACHE_TIMEOUT, 0L);
    if (x->r.put) {
        SET(CURLOPT_UPLOAD, 1L);
        SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)x->r.upload_size);
        SET(CURLOPT_READFUNCTION, on_read);
        SET(CURLOPT_READDATA, x);
        SET(CURLOPT_HTTPHEADER, x->headers);
    }
#undef SET
    return ok;
}

/* A header line from the slot may not smuggle another line in. */
static bool add_header(struct curl_slist **list, const char *line)
{
    if (strpbrk(line, "\r\n"))
        return true; /* dropped */
    struct curl_slist *l = lib.curl_slist_append(*list, line);
    if (!l)
        return false;
    *list = l;
    return true;
}

struct http_xfer *http_start(struct http *h, const struct http_request *r, char *err, size_t errlen)
{
    if (strncmp(r->url, "https://", 8) != 0) {
        snprintf(err, errlen, "refused: only https is allowed");
        return NULL;
    }
    struct http_xfer *x = calloc(1, sizeof *x);
    if (!x) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    x->h = h;
    x->r = *r;
    if (!x->r.max_size)
        x->r.max_size = HTTP_DEFAULT_MAX;
    if (r->put)
        x->r.max_size = 1 << 20; /* the answer to a PUT is small */
    if (!x->r.stall_s)
        x->r.stall_s = HTTP_DEFAULT_STALL_S;
    x->url = strdup(r->url);
    x->ca_file = r->ca_file ? strdup(r->ca_file) : NULL;
    x->pinned = r->pinned_sha256 && r->pinned_sha256[0] ? strdup(r->pinned_sha256) : NULL;
    x->easy = lib.curl_easy_init();
    bool ok = x->url && x->easy && (!r->ca_file || x->ca_file);
    if (ok && r->put && r->content_type) {
        char ct[300];
        snprintf(ct, sizeof ct, "Content-Type: %s", r->content_type);
        ok = add_header(&x->headers, ct);
    }
    for (size_t i = 0; ok && r->put && r->headers && r->headers[i]; i++)
        ok = add_header(&x->headers, r->headers[i]);
    ok = ok && add_header(&x->headers, "Expect:"); /* no 1 s wait for 100-continue */
    if (!ok || !setup(x) || lib.curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
        snprintf(err, errlen, "cannot start the transfer");
        destroy(x);
        return NULL;
    }
    x->next = h->xfers;
    h->xfers = x;
    return x;
}

void http_cancel(struct http_xfer *x)
{
    http_done_fn done = x->r.done;
    void *ud = x->r.ud;
    release(x);
    done(ud, "cancelled");
}
#endif
