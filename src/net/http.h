/* SPDX-License-Identifier: GPL-3.0-or-later */
/* http.h - HTTPS transfers (a PUT from a file or a source, a GET into a sink) through
 * libcurl's multi-socket interface, driven by the application's libuv
 * loop: no thread, and no call that waits (see http.c). Knows no XML. */
#ifndef TUKTUK_HTTP_H
#define TUKTUK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct http;
struct http_xfer;

/* GET: bytes of the body as they come. Returns 0, or -1 to stop the
 * transfer with the reason written to err (a full disk, a bad tag...). */
typedef int (*http_sink_fn)(void *ud, const char *buf, size_t len, char *err, size_t errlen);
/* PUT: the next bytes of the body, when they are not a file's as it is
 * (an encrypted upload): up to len into buf; the count, 0 at the end, or
 * -1 with the reason in err. */
typedef long (*http_source_fn)(void *ud, char *buf, size_t len, char *err, size_t errlen);
/* Bytes done and the whole (0 while unknown). Called often: throttle. */
typedef void (*http_progress_fn)(void *ud, uint64_t done, uint64_t total);
/* Called exactly once, unless http_free comes first: error is NULL when
 * the transfer completed with a 2xx answer, else one line for the user.
 * The transfer is gone once this returns. */
typedef void (*http_done_fn)(void *ud, const char *error);

struct http_request {
    bool put;                   /* PUT upload_fd (or source); else GET into sink */
    const char *url;            /* https:// only, redirects too */
    const char *content_type;   /* PUT */
    const char *const *headers; /* PUT: "Name: value" lines, NULL-ended */
    int upload_fd;              /* PUT: read from its start, not closed here */
    uint64_t upload_size;
    uint64_t max_size;         /* GET: refuse a longer body; 0 = 1 GiB */
    unsigned stall_s;          /* fail after this long without a byte; 0 = 30 */
    uint64_t rate_limit;       /* bytes per second at most; 0 = as fast as it goes */
    const char *ca_file;       /* extra trusted roots, or NULL */
    const char *pinned_sha256; /* a certificate trusted on purpose, or NULL */
    http_sink_fn sink;
    http_source_fn source; /* PUT: the body from here instead of upload_fd */
    http_progress_fn progress;
    http_done_fn done;
    void *ud;
};

/* The response headers we accept, all lines together: more is hostile. */
#define HTTP_MAX_HEADER_BYTES 32768

struct http *http_new(uv_loop_t *loop);
/* Stops every transfer without calling its done callback; the memory goes
 * once libuv has closed the handles. */
void http_free(struct http *h);

/* Starts a transfer (strings are copied). Returns NULL with a reason in
 * err when it could not start. */
struct http_xfer *http_start(struct http *h, const struct http_request *r, char *err,
                             size_t errlen);
/* Stops x: its done callback runs now with "cancelled". */
void http_cancel(struct http_xfer *x);

#endif
