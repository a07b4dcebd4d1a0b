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
    return account_resolve_named(opt, cfg, opt->account, true, out, err, errlen);
}

size_t account_choose(const struct options *opt, const struct config *cfg, const char **out,
                      size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < opt->naccounts && n < max; i++)
        out[n++] = opt->accounts[i];
    bool given = n > 0;
    for (size_t i = 0; !given && cfg && i < cfg->naccounts && n < max; i++)
        if (cfg->accounts[i].autoconnect)
            out[n++] = cfg->accounts[i].name;
    if (n == 0 && max > 0)
        out[n++] = cfg && cfg->naccounts ? cfg->accounts[0].name : NULL;
    return n;
}

int account_resolve_named(const struct options *opt, const struct config *cfg, const char *name,
                          bool cli_overrides, struct account *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const struct config_account *sec = cfg ? config_account(cfg, name) : NULL;
    if (name && !sec) {
        snprintf(err, errlen, "tuktuk: no [account %s] in the config file", name);
        return -1;
    }
    static const struct options none;
    if (!cli_overrides)
        opt = &none;
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
