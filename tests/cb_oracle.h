/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cb_oracle.h - what any choice of channel-binding type must respect,
 * whatever the server listed (xmpp/negotiate.c, negotiate_cb_choose):
 * shared by the unit test and the fuzz target, which tries every
 * connection, setting and refusal against arbitrary features. */
#ifndef TUKTUK_CB_ORACLE_H
#define TUKTUK_CB_ORACLE_H

#include <stdbool.h>
#include <stdio.h>

#include "xmpp/session_priv.h"

/* NULL when choice is allowed, else what it breaks. */
static inline const char *cb_oracle(int choice, bool listed, unsigned types, bool tls13,
                                    unsigned available, int config, unsigned refused)
{
    if (choice < -1 || choice > 2)
        return "not a type";
    if (choice < 0)
        return NULL; /* giving up is always allowed; the tests check when it is wrong */
    unsigned bit = 1u << choice;
    if (config == SESSION_CB_NONE)
        return "a binding although the setting is none";
    if (!(available & bit))
        return "a type this connection cannot give";
    if (refused & bit)
        return "a type the server refused already";
    if (config != SESSION_CB_AUTO && config != SESSION_CB_EXPORTER + choice)
        return "not the type the setting names";
    if (config == SESSION_CB_AUTO && listed && !(types & bit))
        return "a type the server did not list";
    if (config == SESSION_CB_AUTO && !listed && tls13 && choice != 0)
        return "unlisted on TLS 1.3, something other than tls-exporter";
    return NULL;
}

#endif
