#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/archive.sh - the server's archive (XEP-0313) through the real
# binary. Bob writes while only Ann's phone is online; her desk logs in
# afterwards and finds every message in Bob's window, once, in order; a
# restart of the desk brings what came since and nothing twice. Her
# laptop reads nothing at login (archive_days = 0), and PgUp at the top
# of the empty chat reads the archive's pages.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user arca)
B=$(ui_user arcb)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw >/dev/null

ui_start phone "$A" a-pw 100 30
ui_start peer "$B" b-pw 100 30
check "the phone logs in" ui_wait phone "logged in as"
check "Bob logs in" ui_wait peer "logged in as"
ui_say peer "/msg $A@$DOMAIN"
# In plaintext: the desk is a device that did not exist when Bob wrote,
# and OMEMO (on by default between tuktuks) encrypts for the devices
# that exist when a message is sent.
ui_say peer "/omemo off"
for i in $(seq 1 30); do
	ui_say peer "archived line $i"
done
check "the phone gets Bob's 30 lines" ui_wait phone "[2:"
ui_keys phone M-2
check "... the last of them" ui_wait phone "archived line 30"

UI_NAME=${A}desk ui_start desk "$A" a-pw 100 30
check "the desk catches up and says so" ui_wait desk "archive: 30 messages caught up"
check "Bob's window is listed, unread" ui_wait_line desk -2 "[2:$B*]"
ui_keys desk M-2
check "the desk shows Bob's last line" ui_wait desk "archived line 30"
check "... once" ui_rows_with desk "archived line 30" 1
check "in order: 29 above 30" ui_above desk "archived line 29" "archived line 30"
ui_say desk "/quit"
check "the desk quits" [ "$(ui_wait_exit "${A}desk")" = 0 ]

ui_say peer "after the restart"
check "the phone gets it" ui_wait phone "after the restart"
UI_NAME=${A}desk ui_start desk "$A" a-pw 100 30
check "the restarted desk catches up one" ui_wait desk "archive: 1 message caught up"
ui_keys desk M-2
check "the new line shows" ui_wait desk "after the restart"
check "nothing twice after a restart" ui_rows_with desk "archived line 30" 1
check "... and the new line once" ui_rows_with desk "after the restart" 1
ui_say desk "/quit"
check "the desk quits again" [ "$(ui_wait_exit "${A}desk")" = 0 ]

# archive_days = 0 reads from the second of the login on, and the
# archive's times are whole seconds: the laptop starts two seconds after
# Bob's last line, so that line is unmistakably older.
sleep 2
mkdir -p "$UI_TMP/${A}lap/config"
printf '[account lap]\njid = %s@%s\narchive_days = 0\n' "$A" "$DOMAIN" >"$UI_TMP/${A}lap/config/config"
UI_NAME=${A}lap ui_start lap "$A" a-pw 100 30
check "the laptop logs in" ui_wait lap "logged in as"
ui_say lap "/msg $B@$DOMAIN"
check "its chat with Bob opens empty" ui_wait lap "chat: $B@$DOMAIN"
check "... with nothing from the archive yet" ui_lacks lap "after the restart"
ui_keys lap PPage
check "PgUp at the top reads the archive" ui_wait lap "after the restart"
for _ in 1 2 3 4; do ui_keys lap PPage; done
check "more PgUp goes back to the first line" ui_wait lap "archived line 1"
check "... the day it was said" ui_lacks lap "--- new since"
ui_say lap "/quit"
check "the laptop quits" [ "$(ui_wait_exit "${A}lap")" = 0 ]
for n in "${A}desk" "${A}lap"; do
	check "no sanitizer report ($n)" bash -c "! grep -q Sanitizer '$UI_TMP/$n.err'"
done
ui_done
