/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_options.c - the command line, as README.md and tuktuk.1 give it. */

#include "../check.h"
#include "core/options.h"

static int parse(struct options *o, char *err, size_t n, int argc, char **argv)
{
    return options_parse(argc, argv, o, err, n);
}

int main(void)
{
    struct options o;
    char err[256];

    char *full[] = {"tuktuk", "--jid",      "a@b",    "--server",  "h",      "--port",
                    "5223",   "--tls",      "direct", "--ca-file", "ca.pem", "--password-file",
                    "pw",     "--resource", "r",      "-c",        "cfg",    "-d",
                    "data",   "--xml-log",  "x.log",  "-a",        "work",   "--register"};
    CHECK(parse(&o, err, sizeof err, 24, full) == 0);
    CHECK_STR(o.jid, "a@b");
    CHECK_STR(o.server, "h");
    CHECK(o.port == 5223);
    CHECK(o.tls == CONFIG_TLS_DIRECT && o.tls_given);
    CHECK_STR(o.ca_file, "ca.pem");
    CHECK_STR(o.password_file, "pw");
    CHECK_STR(o.resource, "r");
    CHECK_STR(o.config_dir, "cfg");
    CHECK_STR(o.data_dir, "data");
    CHECK_STR(o.xml_log, "x.log");
    CHECK_STR(o.account, "work");
    CHECK(o.reg);

    char *help[] = {"tuktuk", "-h"};
    CHECK(parse(&o, err, sizeof err, 2, help) == 0 && o.help);
    char *version[] = {"tuktuk", "--version"};
    CHECK(parse(&o, err, sizeof err, 2, version) == 0 && o.version);
    char *defaults[] = {"tuktuk"};
    CHECK(parse(&o, err, sizeof err, 1, defaults) == 0 && o.tls == CONFIG_TLS_AUTO && o.port == 0);

    /* Bad usage: one line naming the problem. */
    char *badport[] = {"tuktuk", "--port", "70000"};
    CHECK(parse(&o, err, sizeof err, 3, badport) == -1 && strstr(err, "--port"));
    char *badtls[] = {"tuktuk", "--tls", "none"};
    CHECK(parse(&o, err, sizeof err, 3, badtls) == -1 && strstr(err, "--tls"));
    char *unknown[] = {"tuktuk", "--frobnicate"};
    CHECK(parse(&o, err, sizeof err, 2, unknown) == -1 && strstr(err, "--frobnicate"));
    char *missing[] = {"tuktuk", "--jid"};
    CHECK(parse(&o, err, sizeof err, 2, missing) == -1 && strstr(err, "--jid"));
    char *extra[] = {"tuktuk", "stray"};
    CHECK(parse(&o, err, sizeof err, 2, extra) == -1 && strstr(err, "stray"));
    CHECK(strchr(err, '\n') == NULL);
    CHECK(strstr(options_usage(), "--password-file") != NULL);
    return check_done();
}
