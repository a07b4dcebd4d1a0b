#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/keys.sh - key bindings from the config file: a rebound key
# works, an unbound one does nothing, and a bad line is reported with its
# reason while the rest still applies.
. "$(dirname "$0")/lib.sh"

user=$(ui_user keys)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$user" keys-pw >/dev/null
mkdir -p "$UI_TMP/$user/config"
cat >"$UI_TMP/$user/config/config" <<'EOF2'
[ui]
bind.M-u = window-2
bind.M-2 = none
bind.M-q = explode
colour = red
[account broken
EOF2
ui_start me "$user" keys-pw 100 30
check "logged in" ui_wait me "logged in as"
check "a bad binding is reported" ui_wait me "bind.M-q: unknown action 'explode'"
# The chat pane wraps long paths anywhere: read its text as one line.
pane_text() {
	ui_screen me | sed -e 's/^[^│]*│//' -e 's/^ *//' | tr -d '\n'
}
check "an unknown key is reported with its line" bash -c "$(declare -f tm ui_screen pane_text); UI_SOCK=$UI_SOCK; pane_text | grep -q 'config/config:5: *unknown key'"
check "a syntax error too, and the client still runs" bash -c "$(declare -f tm ui_screen pane_text); UI_SOCK=$UI_SOCK; pane_text | grep -q 'config/config:6: *syntax error'"
ui_type me "/msg friend@localhost"
ui_keys me Enter
check "/msg opens window 2" ui_wait_line me 0 "friend@localhost"
ui_keys me M-1
check "Alt-1 still goes to the status window" ui_wait_line me 0 "status:"
ui_keys me M-2
# Keys are handled in order: once "zz" shows, Alt-2 has been handled.
ui_type me "zz"
ui_wait_line me -1 "zz" >/dev/null
check "the unbound Alt-2 does nothing" bash -c "tmux -L $UI_SOCK capture-pane -p -t ui:me | head -1 | grep -q 'status:'"
ui_keys me C-u
ui_keys me M-u
check "the rebound Alt-u goes to window 2" ui_wait_line me 0 "friend@localhost"
ui_type me "/quit"
ui_keys me Enter
check "/quit exits 0" [ "$(ui_wait_exit "$user")" = 0 ]
check "no sanitizer report" bash -c "! grep -q Sanitizer '$UI_TMP/$user.err'"
ui_done
