/* SPDX-License-Identifier: GPL-3.0-or-later */
/* options.c - parses the command line (README.md, tuktuk.1). It only
 * fills a struct: reading files and connecting are main.c's business, so
 * every rule here can be checked by a unit test. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"

enum {
    OPT_SERVER = 256,
    OPT_PORT,
    OPT_TLS,
    OPT_CA,
    OPT_PWFILE,
    OPT_RESOURCE,
    OPT_REGISTER,
    OPT_XMLLOG,
    OPT_EXPORT
};

static const struct option long_options[] = {
    {"account", required_argument, NULL, 'a'},
    {"jid", required_argument, NULL, 'j'},
    {"server", required_argument, NULL, OPT_SERVER},
    {"port", required_argument, NULL, OPT_PORT},
    {"tls", required_argument, NULL, OPT_TLS},
    {"ca-file", required_argument, NULL, OPT_CA},
    {"password-file", required_argument, NULL, OPT_PWFILE},
    {"resource", required_argument, NULL, OPT_RESOURCE},
    {"register", no_argument, NULL, OPT_REGISTER},
    {"config", required_argument, NULL, 'c'},
    {"data", required_argument, NULL, 'd'},
    {"xml-log", required_argument, NULL, OPT_XMLLOG},
    {"export-history", optional_argument, NULL, OPT_EXPORT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

const char *options_usage(void)
{
    return "usage: tuktuk [options]\n"
           "  -a, --account NAME     use account NAME from the config file (may be repeated:\n"
           "                         one connection each; default: the autoconnect ones)\n"
           "  -j, --jid JID          log in as JID (bare or full); overrides the account's\n"
           "      --server HOST      connect to HOST instead of looking up SRV records\n"
           "      --port N           TCP port (default: SRV result, else 5222, or 5223 with "
           "--tls direct)\n"
           "      --tls MODE         auto | starttls | direct (default auto; plaintext is never "
           "allowed)\n"
           "      --ca-file FILE     also trust the PEM certificate(s) in FILE\n"
           "      --password-file F  read the password from the first line of F\n"
           "      --resource RES     resource to bind (default: tuktuk.XXXX)\n"
           "      --register         create the account on the server (XEP-0077), then log in\n"
           "  -c, --config DIR       configuration folder (default $XDG_CONFIG_HOME/tuktuk)\n"
           "  -d, --data DIR         data folder: vault, messages (default $XDG_DATA_HOME/tuktuk)\n"
           "      --xml-log FILE     append every stanza sent and received to FILE (secrets "
           "redacted)\n"
           "      --export-history [DIR]  write every conversation from the message store as\n"
           "                         text logs under DIR (default ./tuktuk-history), then exit\n"
           "  -h, --help             this help, then exit\n"
           "  -V, --version          version and library versions, then exit\n";
}

static int parse_port(const char *text, int *port)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < 1 || v > 65535)
        return -1;
    *port = (int)v;
    return 0;
}

static int parse_tls(const char *text, enum config_tls *mode)
{
    if (strcmp(text, "auto") == 0)
        *mode = CONFIG_TLS_AUTO;
    else if (strcmp(text, "starttls") == 0)
        *mode = CONFIG_TLS_STARTTLS;
    else if (strcmp(text, "direct") == 0)
        *mode = CONFIG_TLS_DIRECT;
    else
        return -1;
    return 0;
}

static int apply(int c, const char *arg, struct options *opt, char *err, size_t errlen)
{
    switch (c) {
    case 'a':
        for (size_t i = 0; i < opt->naccounts; i++)
            if (strcmp(opt->accounts[i], arg) == 0)
                return 0; /* twice the same account is once */
        if (opt->naccounts == OPTIONS_MAX_ACCOUNTS) {
            snprintf(err, errlen, "tuktuk: at most %d accounts (-a)", OPTIONS_MAX_ACCOUNTS);
            return -1;
        }
        opt->accounts[opt->naccounts++] = arg;
        opt->account = opt->accounts[0];
        break;
    case 'j':
        opt->jid = arg;
        break;
    case OPT_SERVER:
        opt->server = arg;
        break;
    case OPT_PORT:
        if (parse_port(arg, &opt->port) < 0) {
            snprintf(err, errlen, "tuktuk: --port wants a number from 1 to 65535, not '%s'", arg);
            return -1;
        }
        break;
    case OPT_TLS:
        if (parse_tls(arg, &opt->tls) < 0) {
            snprintf(err, errlen, "tuktuk: --tls wants auto, starttls or direct, not '%s'", arg);
            return -1;
        }
        opt->tls_given = true;
        break;
    case OPT_CA:
        opt->ca_file = arg;
        break;
    case OPT_PWFILE:
        opt->password_file = arg;
        break;
    case OPT_RESOURCE:
        opt->resource = arg;
        break;
    case OPT_REGISTER:
        opt->reg = true;
        break;
    case 'c':
        opt->config_dir = arg;
        break;
    case 'd':
        opt->data_dir = arg;
        break;
    case OPT_XMLLOG:
        opt->xml_log = arg;
        break;
    case OPT_EXPORT:
        opt->export_history = arg ? arg : "tuktuk-history";
        break;
    case 'h':
        opt->help = true;
        break;
    case 'V':
        opt->version = true;
        break;
    default:
        snprintf(err, errlen, "tuktuk: unknown option (try --help)");
        return -1;
    }
    return 0;
}

int options_parse(int argc, char **argv, struct options *opt, char *err, size_t errlen)
{
    memset(opt, 0, sizeof *opt);
    opterr = 0; /* we print our own single line */
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":a:j:c:d:hV", long_options, NULL)) != -1) {
        if (c == ':') {
            snprintf(err, errlen, "tuktuk: option %s needs a value", argv[optind - 1]);
            return -1;
        }
        if (c == '?') {
            snprintf(err, errlen, "tuktuk: unknown option '%s' (try --help)", argv[optind - 1]);
            return -1;
        }
        /* "--export-history DIR" as well as "--export-history=DIR". */
        if (c == OPT_EXPORT && !optarg && optind < argc && argv[optind][0] != '-')
            optarg = argv[optind++];
        if (apply(c, optarg, opt, err, errlen) < 0)
            return -1;
    }
    if (optind < argc) {
        snprintf(err, errlen, "tuktuk: unexpected argument '%s' (try --help)", argv[optind]);
        return -1;
    }
    return 0;
}
