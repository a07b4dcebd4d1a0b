/* SPDX-License-Identifier: GPL-3.0-or-later */
/* account.c - merges the chosen [account NAME] section with the command
 * line. The command line wins, key by key, so that `tuktuk -a work
 * --server other.example` does what it says. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/account.h"

static char *pick(const char *cli, const char *file)
{
    const char *v = cli ? cli : file;
    return v ? strdup(v) : NULL;
}

int account_resolve(const struct options *opt, const struct config *cfg, struct account *out,
                    char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const struct config_account *sec = cfg ? config_account(cfg, opt->account) : NULL;
    if (opt->account && !sec) {
        snprintf(err, errlen, "tuktuk: no [account %s] in the config file", opt->account);
        return -1;
    }
    out->name = sec ? strdup(sec->name) : NULL;
    out->jid = pick(opt->jid, sec ? sec->jid : NULL);
    out->server = pick(opt->server, sec ? sec->server : NULL);
    out->ca_file = pick(opt->ca_file, sec ? sec->ca_file : NULL);
    out->channel_binding = pick(NULL, sec ? sec->channel_binding : NULL);
    out->resource = pick(opt->resource, sec ? sec->resource : NULL);
    out->port = opt->port ? opt->port : (sec ? sec->port : 0);
    out->tls = opt->tls_given || !sec ? opt->tls : sec->tls;
    out->priority = sec ? sec->priority : 0;
    out->archive_days = sec && sec->archive_days >= 0 ? sec->archive_days : 7;
    out->omemo_blind = !(sec && sec->omemo_trust && strcmp(sec->omemo_trust, "manual") == 0);
    out->password_mode = sec ? sec->password_mode : CONFIG_PASSWORD_FULL;
    return 0;
}

void account_clear(struct account *a)
{
    free(a->name);
    free(a->jid);
    free(a->server);
    free(a->ca_file);
    free(a->channel_binding);
    free(a->resource);
    memset(a, 0, sizeof *a);
}
