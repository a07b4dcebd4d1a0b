/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options.h - the command line (README.md, tuktuk.1), parsed without side
 * effects so that it can be tested (see options.c). */
#ifndef TUKTUK_OPTIONS_H
#define TUKTUK_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

/* -a may be given this many times (one session each). */
#define OPTIONS_MAX_ACCOUNTS 16

struct options {
    const char *account; /* the first -a, or NULL */
    const char *accounts[OPTIONS_MAX_ACCOUNTS];
    size_t naccounts;
    const char *jid;
    const char *server;
    int port;
    enum config_tls tls;
    bool tls_given;
    const char *ca_file;
    const char *password_file;
    const char *resource;
    bool reg;
    const char *config_dir;
    const char *data_dir;
    const char *xml_log;
    const char *export_history; /* --export-history: the folder, then exit */
    bool help;
    bool version;
};

/* Returns 0, or -1 with one line for the user in err (exit status 2). The
 * strings in opt point into argv. */
int options_parse(int argc, char **argv, struct options *opt, char *err, size_t errlen);

/* The --help text. */
const char *options_usage(void);

#endif
