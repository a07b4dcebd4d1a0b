#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/failures.sh - each failure is said once, clearly (issue 9,
# item 11). A wrong password shows the server's text on one line, not
# three; a first run without a password asks for it without calling that
# an error; a server going down names its condition once, and the state
# that follows does not repeat it; the uninstalled binary needs no theme
# file for the default theme. Runs its own Prosody, which it stops.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

ui_own_server failures-server

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user fail)
N=$(ui_user nopw)
"$UI_PROSODY" adduser "$server" "$A" right-pw "$N" n-pw >/dev/null

# TEXT shows on exactly COUNT rows of window WIN, once the screen settles



# start WINDOW NAME USER [ARGS...]: tuktuk as USER@DOMAIN in a window of
# its own, with ARGS (a password file, a resource) and its files under NAME.
start() {
	local win=$1 name=$2 user=$3 dir=$UI_TMP/$2
	shift 3
	mkdir -p "$dir/data" "$dir/config"
	{
		echo "#!/bin/sh"
		echo "export TERM=tmux-256color"
		echo "unset TMUX"
		# Away from the repository's themes/: as an uninstalled build/tuktuk
		# run from anywhere.
		echo "cd \"$dir\""
		printf '"%s" --jid "%s" --server 127.0.0.1 --port "%s" --ca-file "%s" -d "%s" -c "%s"' \
			"$TUKTUK_BIN" "$user@$DOMAIN" "$TUKTUK_TEST_C2S_PORT" "$TUKTUK_TEST_CA" \
			"$dir/data" "$dir/config"
		[ $# -eq 0 ] || printf ' "%s"' "$@"
		echo " 2>\"$UI_TMP/$name.err\""
		echo "echo \$? >\"$UI_TMP/$name.status\""
	} >"$dir/run"
	chmod +x "$dir/run"
	if ! tm has-session -t ui 2>/dev/null; then
		tm new-session -d -s ui -n "$win" -x 120 -y 30 "$dir/run"
		tm set-option -g status off
		tm set-option -g remain-on-exit off
	else
		tm new-window -d -t ui -n "$win" "$dir/run"
	fi
	tm resize-window -t "ui:$win" -x 120 -y 30
}

(umask 077 && echo wrong-pw >"$UI_TMP/wrong-pw" && echo right-pw >"$UI_TMP/right-pw")

# ---- a wrong password ----
start me me "$A" --password-file "$UI_TMP/wrong-pw" --resource desk
check "a wrong password asks for the right one" ui_wait_line me -1 "password for $A@$DOMAIN"
check "the server's text is said once" ui_rows_with me "doesn't match" 1
check "... and its condition once" ui_rows_with me "not-authorized" 1
check "no 'login refused' inside 'login refused'" \
	test "$(ui_screen me | grep -o 'login refused' | wc -l)" -le 1
ui_type me "right-pw"
ui_keys me Enter
check "the right password logs in" ui_wait_line me -2 "[online]"
check "the uninstalled build needs no file for the default theme" \
	ui_lacks me "theme default not found"
ui_keys me n Enter

# ---- a first run without a password ----
start nopw "$N" "$N"
check "without a password: asked for it" ui_wait_line nopw -1 "password for $N@$DOMAIN"
check "... and told why, once" ui_rows_with nopw "a password is needed to log in" 1
check "... without calling it an error" ui_lacks nopw "password-required"
check "... nor an error line (!)" \
	test "$(ui_screen nopw | grep -cE '^[0-9:]+ ! ' || true)" -eq 0
ui_type nopw "n-pw"
ui_keys nopw Enter
check "the typed password logs in" ui_wait_line nopw -2 "[online]"
ui_keys nopw n Enter
ui_type nopw "/quit"
ui_keys nopw Enter
check "it exits 0" test "$(ui_wait_exit "$N")" = 0

# ---- another client takes our resource: a stream error ----
start other other "$A" --password-file "$UI_TMP/right-pw" --resource desk
check "a second client with the same resource logs in" ui_wait_line other -2 "[online]"
check "the first is told why it was closed" ui_wait me "server closed the stream: conflict"
check "... naming the condition once" ui_rows_with me "conflict" 1
check "... and the state that follows does not repeat it" ui_lacks me "offline: server closed"

for who in me other; do
	ui_type $who "/quit"
	ui_keys $who Enter
done
check "/quit exits 0" test "$(ui_wait_exit me)" = 0
check "no sanitizer report" ui_clean_stderr me
check "no sanitizer report (no password)" ui_clean_stderr "$N"
check "no sanitizer report (other)" ui_clean_stderr other
ui_done
