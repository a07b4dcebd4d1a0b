/* SPDX-License-Identifier: GPL-3.0-or-later */
/* server.h - the benchmarks that log in take their account as scripts/bench
 * gives it, JID PASSWORD PORT CAFILE (argv[1..4]): a private Prosody on
 * loopback, STARTTLS, its own CA. Header only, like measure.h. */
#ifndef TUKTUK_BENCH_SERVER_H
#define TUKTUK_BENCH_SERVER_H

#include <stdlib.h>

#include "xmpp/session.h"

static inline struct session_config bench_server(char **argv, const char *resource)
{
    return (struct session_config){
        .jid = argv[1],
        .password = argv[2],
        .server = "127.0.0.1",
        .port = atoi(argv[3]),
        .tls = CONN_TLS_STARTTLS,
        .ca_file = argv[4],
        .resource = resource,
    };
}

#endif
