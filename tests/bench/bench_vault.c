/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_vault.c - puts passwords into a data folder's vault before a
 * benchmark starts tuktuk with several accounts (tests/bench/accounts.sh).
 * Only the first account can take --password-file; the others read the
 * vault, or would ask on the input line, and a question answered through
 * the pty would be counted in the time to the rosters. So the vault is
 * filled beforehand, in key-file mode (DATA/vault.key, no passphrase), as
 * tuktuk itself fills it when a password is kept (core/vault.c).
 *
 * usage: bench_vault DATA_DIR PASSWORD_FILE JID [JID...]
 * Started without arguments (as scripts/bench does with every bench_*),
 * it only says that it is a helper. */
#include <stdio.h>
#include <string.h>

#include "core/vault.h"

int main(int argc, char **argv)
{
    if (argc == 1) {
        printf("(helper for tests/bench/accounts.sh: fills a vault; nothing to do alone)\n");
        return 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: bench_vault DATA_DIR PASSWORD_FILE JID [JID...]\n");
        return 2;
    }
    /* The password comes from a file, as --password-file reads it, so that
     * it is on no command line. */
    char pw[256];
    FILE *f = fopen(argv[2], "r");
    if (!f || !fgets(pw, sizeof pw, f)) {
        fprintf(stderr, "bench_vault: cannot read %s\n", argv[2]);
        if (f)
            fclose(f);
        return 1;
    }
    fclose(f);
    pw[strcspn(pw, "\r\n")] = '\0';
    char err[256];
    struct vault *v = vault_open(argv[1], NULL, 0, NULL, err, sizeof err);
    if (!v) {
        fprintf(stderr, "bench_vault: %s\n", err);
        return 1;
    }
    int rc = 0;
    for (int i = 3; i < argc && rc == 0; i++)
        if (vault_store_password(v, argv[i], pw, err, sizeof err) < 0) {
            fprintf(stderr, "bench_vault: %s: %s\n", argv[i], err);
            rc = 1;
        }
    vault_close(v);
    return rc;
}
