#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/history.sh - a history file that cannot be written (here its
# folder is a plain file; a full disk looks the same to tuktuk) is said on
# screen, and the messages are shown all the same: nothing is lost
# silently. The project's echo contact answers.
. "$(dirname "$0")/lib.sh"

user=$(ui_user hist)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$user" hist-pw >/dev/null
mkdir -p "$UI_TMP/$user/data"
: >"$UI_TMP/$user/data/history" # where the history folder should be
ui_start me "$user" hist-pw 100 30
check "logged in" ui_wait me "logged in as"
ui_type me "/msg echo@localhost is anyone there"
ui_keys me Enter
check "my message is shown" ui_wait me "> is anyone there"
check "the echo's answer is shown" ui_wait me "echo: is anyone there"
check "the failed history write is said" ui_wait me "history:"
check "once, not for every message" bash -c "[ \$(tmux -L $UI_SOCK capture-pane -p -t ui:me | grep -c 'history:') -eq 1 ]"
ui_type me "/quit"
ui_keys me Enter
check "/quit exits 0" [ "$(ui_wait_exit "$user")" = 0 ]
check "no sanitizer report" bash -c "! grep -q Sanitizer '$UI_TMP/$user.err'"
ui_done
