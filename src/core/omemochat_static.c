/* SPDX-License-Identifier: GPL-3.0-or-later */
/* omemochat_static.c - omemochat.c's calls for `make static`, which has no
 * OMEMO: Debian ships libomemo-c without a static archive to link. The
 * binary starts without it and says so once; with no glue the UI never
 * encrypts, and a chat forced on with /omemo on sends nothing. Not part
 * of the ordinary build (the Makefile leaves *_static.c out of LIB_SRC). */
#include <stdio.h>

#include "core/omemochat.h"

struct omemochat *omemochat_start(const char *data_dir, struct vault *v, struct session *s,
                                  omemochat_notice_fn notice, void *ud, char *said, size_t saidlen)
{
    (void)data_dir, (void)v, (void)s, (void)notice, (void)ud;
    snprintf(said, saidlen, "OMEMO is off: this static build has no libomemo-c");
    return NULL;
}

void omemochat_set_blind(struct omemochat *c, bool blind)
{
    (void)c, (void)blind;
}

void omemochat_free(struct omemochat *c)
{
    (void)c;
}

void omemochat_event(struct omemochat *c, const struct session_event *ev)
{
    (void)c, (void)ev;
}

int omemochat_rekey(struct omemochat *c, struct vault *v, char *err, size_t errlen)
{
    (void)c, (void)v, (void)err, (void)errlen;
    return 0;
}

int omemochat_has_devices(struct omemochat *c, const char *jid)
{
    (void)c, (void)jid;
    return 0;
}

bool omemochat_busy(struct omemochat *c, const char *jid)
{
    (void)c, (void)jid;
    return false;
}

void omemochat_settle(struct omemochat *c)
{
    (void)c;
}

void omemochat_prepare(struct omemochat *c, const char *jid)
{
    (void)c, (void)jid;
}

bool omemochat_ready(struct omemochat *c, const char *jid)
{
    (void)c, (void)jid;
    return false;
}

int omemochat_send(struct omemochat *c, const char *jid, const char *text, const char *replace_id,
                   char *id_out, size_t id_len, char *err, size_t errlen)
{
    (void)c, (void)jid, (void)text, (void)replace_id, (void)id_out, (void)id_len;
    snprintf(err, errlen, "this build has no OMEMO");
    return -1;
}

int omemochat_send_as(struct omemochat *c, const char *jid, const char *text, const char *id,
                      char *err, size_t errlen)
{
    (void)c, (void)jid, (void)text, (void)id;
    snprintf(err, errlen, "this build has no OMEMO");
    return -1;
}

int omemochat_decrypt(struct omemochat *c, const struct session_message *msg, char **text,
                      char *err, size_t errlen)
{
    (void)c, (void)msg;
    *text = NULL;
    snprintf(err, errlen, "this build has no OMEMO");
    return -1;
}

char *omemochat_fingerprints(struct omemochat *c, const char *jid)
{
    (void)c, (void)jid;
    return NULL;
}

int omemochat_trust(struct omemochat *c, const char *jid, const char *fp, bool trust, char *err,
                    size_t errlen)
{
    (void)c, (void)jid, (void)fp, (void)trust;
    snprintf(err, errlen, "this build has no OMEMO");
    return -1;
}
