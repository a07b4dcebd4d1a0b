/* SPDX-License-Identifier: GPL-3.0-or-later */
/* account.h - the account to log in with: a config file section chosen
 * with -a (or the first one), overridden by the command line (see
 * account.c). */
#ifndef TUKTUK_ACCOUNT_H
#define TUKTUK_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/options.h"

struct account {
    char *name; /* the section's name, or NULL when none is used */
    char *jid;  /* NULL when neither the config nor --jid gives one */
    char *server;
    int port;
    enum config_tls tls;
    char *ca_file;
    char *channel_binding;
    char *resource;
    int priority;
    int archive_days; /* first login: days of the server's archive to read */
    bool omemo_blind; /* OMEMO: trust new devices until one is verified */
    enum config_password_mode password_mode;
};

/* Returns 0, or -1 with one line in err when -a names no section. The
 * section is opt->account (the first -a), or the first one. */
int account_resolve(const struct options *opt, const struct config *cfg, struct account *out,
                    char *err, size_t errlen);
/* The same for the section called name (NULL: the first). The command
 * line's --jid, --server... apply only when cli_overrides is set: they
 * are meant for the first account of the run. */
int account_resolve_named(const struct options *opt, const struct config *cfg, const char *name,
                          bool cli_overrides, struct account *out, char *err, size_t errlen);
/* Which sections this run connects (issue 15): every -a, in order; else
 * every section marked autoconnect; else the first one (or none, when
 * the file has no section: then out gets one NULL, the command line's
 * account). Returns how many names were put in out (at most max). */
size_t account_choose(const struct options *opt, const struct config *cfg, const char **out,
                      size_t max);
void account_clear(struct account *a);

#endif
