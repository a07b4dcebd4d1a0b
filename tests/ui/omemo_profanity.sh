#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/omemo_profanity.sh - OMEMO with a client we did not write:
# Profanity 0.13.1 (Debian's, OMEMO through libsignal-protocol-c) and
# tuktuk in tmux on the project's Prosody, both ways. Profanity runs with
# its own HOME and XDG folders under the test's temporary folder, an
# account file that trusts the test server's certificate, keys made with
# /omemo gen (then a restart, after which Profanity publishes its device
# list, into one that must exist already: see below) and blind trust;
# tuktuk trusts blindly by default. Each side
# must show the other's message decrypted (tuktuk with its '~' mark), and
# neither the OMEMO fallback text; tuktuk's empty answer to Profanity's
# first message shows nothing there. A file tuktuk uploads into the chat
# reaches Profanity as an aesgcm:// link that its /url save decrypts, and
# one Profanity sends with /sendfile is decrypted by tuktuk's /download.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

# The tmux window NAME is gone (its program exited).
ui_wait_gone_window() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		tm list-windows -F '#W' 2>/dev/null | grep -qx "$1" || return 0
		sleep 0.1
	done
	return 1
}

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
RUN=$TUKTUK_TEST_RUNDIR
A=$(ui_user tuk)
P=$(ui_user prof)
"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$P" p-pw >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$P@$DOMAIN" "Prof" Friends >/dev/null

PH=$UI_TMP/profanity-home
mkdir -p "$PH/config/profanity" "$PH/data/profanity"
chmod -R go-rwx "$PH"
cat >"$PH/data/profanity/accounts" <<-EOF2
	[$P@$DOMAIN]
	enabled=true
	jid=$P@$DOMAIN
	server=127.0.0.1
	port=$TUKTUK_TEST_C2S_PORT
	password=p-pw
	resource=prof
	tls.policy=trust
EOF2
chmod 600 "$PH/data/profanity/accounts"

mkdir -p "$UI_TMP/$A/config"
printf '[ui]\ndownload_dir = %s\n' "$UI_TMP/dl" >"$UI_TMP/$A/config/config"
ui_start me "$A" a-pw 130 36
check "tuktuk logged in" ui_wait me "logged in as"
prof_start() {
	tm new-window -d -t ui -n prof "env HOME='$PH' XDG_CONFIG_HOME='$PH/config' XDG_DATA_HOME='$PH/data' TERM=tmux-256color profanity -a '$P@$DOMAIN' 2>>'$UI_TMP/profanity.err'"
	tm resize-window -t ui:prof -x 130 -y 36
}
# Profanity 0.13.1 publishes its device list only into one that exists:
# when the server answers item-not-found it logs "can't get OMEMO device
# list" and publishes nothing. A tuktuk logged in once as the same account
# makes the list (with its own device, which then stays on it).
UI_NAME=${P}prep ui_start prep "$P" p-pw 100 30
check "tuktuk as Profanity's account made its device list" ui_wait prep "OMEMO: a new identity"
sleep 2 # the list and bundle go out right after login; nothing on screen says so
ui_say prep "/quit"
check "... and quit" [ "$(ui_wait_exit "${P}prep")" = 0 ]
prof_start
check "Profanity logged in" ui_wait prof "logged in successfully" 30
ui_say prof "/omemo gen"
check "Profanity made its OMEMO keys" ui_wait_re prof "OMEMO cr[a-z]*tographic materials generated" 60
# Profanity 0.13.1 publishes its device list when it connects with keys,
# not when it makes them: it starts again.
ui_say prof "/quit"
check "Profanity quits" ui_wait_gone_window prof
prof_start
check "Profanity logged in again" ui_wait prof "logged in successfully" 30
ui_say prof "/omemo trustmode blind"
ui_say prof "/omemo start $A@$DOMAIN"
check "Profanity's chat with tuktuk is OMEMO" ui_wait prof "OMEMO" 30
sleep 2 # Profanity fetches tuktuk's devices and bundle without saying when done
ui_say prof "hello from profanity"

check "tuktuk gets Profanity's message" ui_wait me "[2:" 30
ui_keys me M-2
check "... decrypted, marked '~'" ui_wait_re me "~[^ ]*> hello from profanity"
check "... not the fallback text" ui_lacks me "I sent you an OMEMO encrypted message"
check "tuktuk announced Profanity's device" ui_wait me "new device"

ui_say me "hello from tuktuk"
check "my line is encrypted" ui_wait_re me "~$A> hello from tuktuk"
check "Profanity shows it decrypted" ui_wait prof "hello from tuktuk" 30
check "... not the fallback text" ui_lacks prof "I sent you an OMEMO encrypted message"
# tuktuk answered Profanity's first (prekey) message with an empty one
# (XEP-0384): Profanity takes it without a word.
check "... and nothing about tuktuk's empty answer" ui_lacks prof "ecrypt"

# A file from tuktuk into the OMEMO chat (XEP-0454): Profanity gets the
# aesgcm:// link, decrypted from the OMEMO message, and its /url save
# downloads and decrypts the file. (Profanity's HTTP trusts the test
# server's certificate through the account's tls.policy=trust.)
head -c 100000 /dev/urandom >"$UI_TMP/for-prof.bin"
ui_say me "/upload $UI_TMP/for-prof.bin"
check "tuktuk's upload is encrypted" ui_wait me "upload for-prof.bin done (encrypted, aesgcm://)" 30
check "Profanity shows the aesgcm:// link" ui_wait prof "aesgcm://" 30
# Profanity wraps long lines itself, indenting the rest: joined again.
LINK=$(tm capture-pane -p -t ui:prof | awk '/aesgcm:\/\// { on = 1; sub(/.*aesgcm:/, "aesgcm:"); printf "%s", $0; next }
	on && /^ +[0-9a-f]+ *$/ { gsub(/ /, ""); printf "%s", $0; next } { on = 0 }' |
	grep -oE 'aesgcm://[^ ]*for-prof\.bin#[0-9a-f]{88}' | head -1)
check "... whole, with its key" [ -n "$LINK" ]
mkdir -p "$UI_TMP/prof-dl"
ui_say prof "/url save $LINK $UI_TMP/prof-dl/got.bin"
same_soon() {
	local deadline=$((SECONDS + 30))
	while [ "$SECONDS" -le "$deadline" ]; do
		cmp -s "$1" "$2" && return 0
		sleep 0.2
	done
	return 1
}
check "Profanity's /url save decrypts it to the file" same_soon "$UI_TMP/for-prof.bin" "$UI_TMP/prof-dl/got.bin"

# And the other way: Profanity's /sendfile in the OMEMO chat encrypts;
# tuktuk shows the link without its key, and /download decrypts it.
head -c 100000 /dev/urandom >"$UI_TMP/from-prof.bin"
ui_say prof "/sendfile $UI_TMP/from-prof.bin"
check "tuktuk gets Profanity's aesgcm:// link, marked, without the key" \
	ui_wait_re me "~[^ ]*> aesgcm://127\.0\.0\.1:[0-9]+/[^ #]*from-prof\.bin \[[0-9]+\]" 30
ui_say me "/download"
check "tuktuk's /download decrypts it" same_soon "$UI_TMP/from-prof.bin" "$UI_TMP/dl/from-prof.bin"

ui_say me "/quit"
check "tuktuk exits 0" [ "$(ui_wait_exit "$A")" = 0 ]
ui_say prof "/quit"
check "no sanitizer report" ui_clean_stderr "$A"
ui_done
