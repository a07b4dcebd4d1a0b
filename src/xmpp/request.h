/* SPDX-License-Identifier: GPL-3.0-or-later */
/* request.h - the session's requests in flight: every IQ we ask is
 * answered exactly once, by its answer, its error, a timeout or the end of
 * the session (see request.c). For the files of the session module. */
#ifndef TUKTUK_REQUEST_H
#define TUKTUK_REQUEST_H

#include <mxml.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct session;

enum iq_outcome {
    IQ_RESULT,  /* type="result": iq is the answer */
    IQ_ERROR,   /* type="error": iq is the answer (im_error_condition reads it) */
    IQ_TIMEOUT, /* no answer in time: iq is NULL */
    IQ_GONE     /* the session ended, or a new one replaced it: iq is NULL */
};

/* Called once per request. iq lives until the callback returns. The
 * callback may send more requests; ctx is the caller's, and the callback
 * is where it is freed. During session_free it is called with IQ_GONE
 * and no event reaches the UI any more. */
typedef void (*iq_answer_fn)(struct session *s, enum iq_outcome how, mxml_node_t *iq, void *ctx);

struct request {
    char id[32];
    char *to; /* as sent; NULL: our own account or server */
    iq_answer_fn answer;
    void *ctx;
    uint64_t deadline; /* uv_now() ms */
};

struct request_table {
    struct request *items;
    size_t n, cap;
    uv_timer_t timer; /* the nearest deadline */
};

#define REQUEST_TIMEOUT_MS 30000

void request_table_init(uv_loop_t *loop, struct request_table *t, void *data);

/* Sends iq (a get or set, without id: one is given here; the caller still
 * owns and frees iq) and registers answer. timeout_ms 0: the default.
 * Returns 0, or -1 when it could not be sent (answer is not called). */
int session_iq(struct session *s, mxml_node_t *iq, unsigned timeout_ms, iq_answer_fn answer,
               void *ctx);

/* The same for a request that carries a secret (a new password): the
 * serialised copy is wiped after sending (session_send_node). */
int session_iq_secret(struct session *s, mxml_node_t *iq, iq_answer_fn answer, void *ctx);

/* An IQ result or error came in: true if it answered one of ours. */
bool request_answer(struct session *s, mxml_node_t *iq);

/* Every request in flight ends with IQ_GONE: the session is over, or a new
 * one starts (a resumed stream keeps them: the answers still come). */
void request_all_gone(struct session *s);

#endif
