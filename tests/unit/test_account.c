/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_account.c - config section + command line merging. */

#include "../check.h"
#include "core/account.h"

int main(void)
{
    static const char text[] = "[account home]\njid = me@home.example\nserver = h.example\n"
                               "port = 5223\ntls = direct\npriority = 7\n"
                               "[account work]\njid = me@work.example\nomemo_trust = manual\n";
    char **warnings = NULL;
    size_t nwarnings = 0;
    struct config *cfg = config_parse(text, sizeof text - 1, "cfg", &warnings, &nwarnings);
    CHECK(cfg != NULL && nwarnings == 0);
    struct options opt = {0};
    struct account a;
    char err[200];

    CHECK(account_resolve(&opt, cfg, &a, err, sizeof err) == 0);
    CHECK_STR(a.name, "home");
    CHECK_STR(a.jid, "me@home.example");
    CHECK_STR(a.server, "h.example");
    CHECK(a.port == 5223 && a.tls == CONFIG_TLS_DIRECT && a.priority == 7);
    CHECK(a.omemo_blind); /* OMEMO's blind trust unless omemo_trust = manual */
    account_clear(&a);

    opt.account = "work";
    opt.server = "override.example";
    CHECK(account_resolve(&opt, cfg, &a, err, sizeof err) == 0);
    CHECK_STR(a.jid, "me@work.example");
    CHECK_STR(a.server, "override.example");
    CHECK(a.port == 0 && a.tls == CONFIG_TLS_AUTO);
    CHECK(!a.omemo_blind);
    account_clear(&a);

    opt.account = "nope";
    CHECK(account_resolve(&opt, cfg, &a, err, sizeof err) == -1);
    CHECK(strstr(err, "nope") != NULL);

    struct options bare = {.jid = "x@y"};
    CHECK(account_resolve(&bare, NULL, &a, err, sizeof err) == 0);
    CHECK_STR(a.jid, "x@y");
    CHECK(a.name == NULL && a.server == NULL);
    account_clear(&a);

    config_free(cfg);
    config_warnings_free(warnings, nwarnings);
    return check_done();
}
