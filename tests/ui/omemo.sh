#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/omemo.sh - OMEMO (XEP-0384) as a user meets it, two tuktuks on
# the project's Prosody: a first message that waits for the contact's
# keys and goes out encrypted, the '~' mark on both sides and [OMEMO] in
# the titles, a file uploaded encrypted (aesgcm://, XEP-0454) whose link
# shows no key and never goes in clear, and which the peer's /download
# decrypts, /omemo fingerprints in the form other clients show, a
# device untrusted with /omemo untrust so that the next message is not
# sent and stays on the input line, /omemo trust and the next message
# going out, /correct sending an encrypted correction,
# /omemo off sending in plaintext (no mark, [plaintext]), the key store
# on disk mode 0600 and without the message text, a second device of
# mine that Bob encrypts for once he hears of it and that decrypts his
# message from the archive, /omemo off and /omemo on in a chat kept
# across restarts, and /quit exiting 0.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
RUN=$TUKTUK_TEST_RUNDIR
A=$(ui_user ann)
B=$(ui_user bob)
"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$B" b-pw >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null

mkdir -p "$UI_TMP/$B/config"
printf '[ui]\ndownload_dir = %s\n' "$UI_TMP/dl" >"$UI_TMP/$B/config/config"
UI_ARGS="--xml-log $UI_TMP/me.xml" ui_start me "$A" a-pw 220 36
ui_start peer "$B" b-pw 220 36
check "me logged in" ui_wait me "logged in as"
check "the peer logged in" ui_wait peer "logged in as"
check "a new identity is said" ui_wait me "OMEMO: a new identity for this device"

ui_say me "/msg Bob hello in secret"
check "my line is marked encrypted" ui_wait me "~$A> hello in secret"
check "the title says the chat is encrypted" ui_wait_line me 0 "[OMEMO]"
check "the peer gets a new chat" ui_wait peer "[2:"
ui_keys peer M-2
check "... with the mark" ui_wait_re peer "~[^ ]*> hello in secret"
check "the peer's title says [OMEMO]" ui_wait_line peer 0 "[OMEMO]"
check "no fallback text shows" ui_lacks peer "I sent you an OMEMO encrypted message"

# A file into the encrypted chat (XEP-0454): encrypted, its aesgcm:// link
# inside an OMEMO message (no out-of-band element, nothing in clear), and
# the key on no screen; the peer's /download decrypts it.
head -c 300000 /dev/urandom >"$UI_TMP/secret.bin"
ui_say me "/upload $UI_TMP/secret.bin"
check "the upload is encrypted" ui_wait me "upload secret.bin done (encrypted, aesgcm://)" 30
check "my line: the aesgcm:// link without its key, numbered, marked" \
	ui_wait_re me "~$A> aesgcm://127\.0\.0\.1:[0-9]+/[^ #]*secret\.bin \[[0-9]+\]"
check "the peer gets it, marked encrypted, without the key" \
	ui_wait_re peer "~[^ ]*> aesgcm://127\.0\.0\.1:[0-9]+/[^ #]*secret\.bin \[[0-9]+\]"
ui_say peer "/download"
check "the peer's /download decrypts it" ui_wait peer "saved as $UI_TMP/dl/secret.bin" 30
check "... byte for byte" cmp -s "$UI_TMP/secret.bin" "$UI_TMP/dl/secret.bin"
ui_say peer "/open"
check "/open shows the link without its key" ui_wait peer "(encrypted: /download decrypts it)"
no_key() { ! ui_screen "$1" | grep -qE '#[0-9a-f]{40}'; }
check "no key on my screen" no_key me
check "no key on the peer's screen" no_key peer
check "nor on stderr" bash -c "! grep -qi aesgcm '$UI_TMP/$A.err' '$UI_TMP/$B.err'"

ui_say peer "/omemo fingerprints"
check "/omemo fingerprints shows ours" ui_wait_re peer "OMEMO this device \([0-9]+\): ([0-9a-f]{8} ){7}[0-9a-f]{8}"
check "... and the contact's, blindly trusted" ui_wait_re peer "OMEMO $A@$DOMAIN \([0-9]+\): ([0-9a-f]{8} ){7}[0-9a-f]{8}, trusted \(blind\)"
FP=$(ui_screen peer | grep -oE "OMEMO $A@$DOMAIN \([0-9]+\): ([0-9a-f]{8} ){7}[0-9a-f]{8}" | head -1 | sed 's/.*): //')
check "the fingerprint is read off the screen" [ ${#FP} -eq 71 ]

ui_say peer "/omemo untrust $A@$DOMAIN $FP"
check "untrust is said" ui_wait peer "is now untrusted"
ui_say peer "this must not go out"
check "it is not sent, and why" ui_wait peer "not sent (OMEMO is on in this chat): no trusted device of $A@$DOMAIN"
check "the text stays on the input line" ui_wait_line peer -1 "this must not go out"
ui_keys peer C-e C-u # the kept text goes, for the command
ui_say peer "/omemo trust $A@$DOMAIN $FP"
check "trust is said" ui_wait peer "is now verified"
ui_say peer "now verified"
check "after trust it goes out, encrypted" ui_wait_re me "~[^ ]*> now verified"
check "the refused text never reached me" ui_lacks me "this must not go out"
ui_say peer "/correct now verified!"
check "an encrypted correction replaces the line" ui_wait_re me "~[^ ]*> now verified!"

ui_say peer "/omemo off"
check "the title says plaintext" ui_wait_line peer 0 "[plaintext]"
ui_say peer "in the clear"
check "it arrives" ui_wait me "> in the clear"
check "... without the mark" ui_lacks me "~Bob> in the clear"

# My desk, a second device: Bob hears of it (a notification), trusts it
# by hand (he verified my first one) and encrypts for it too; the desk,
# offline then, reads it from the archive.
UI_NAME=${A}desk ui_start desk "$A" a-pw 220 36
check "the desk logs in with its own identity" ui_wait desk "OMEMO: a new identity"
check "Bob is told of my new device" ui_rows_with peer "OMEMO: new device" 2
# Bob verified my first device: the new one waits for his trust.
check "... not trusted blindly" ui_wait peer "not trusted; /omemo trust JID FINGERPRINT"
FP2=$(ui_screen peer | grep -oE "fingerprint ([0-9a-f]{8} ){7}[0-9a-f]{8}: not trusted" | head -1 |
	sed -e 's/^fingerprint //' -e 's/: not trusted$//')
ui_say peer "/omemo trust $A@$DOMAIN $FP2"
check "Bob trusts it" ui_wait peer "is now verified" # the second time
ui_say desk "/quit"
check "the desk quits" [ "$(ui_wait_exit "${A}desk")" = 0 ]
ui_say peer "/omemo on"
ui_say peer "for the desk too"
check "the phone reads it" ui_wait_re me "~Bob> for the desk too"
UI_NAME=${A}desk ui_start desk "$A" a-pw 220 36
check "the desk catches up from the archive" ui_wait desk "caught up"
ui_keys desk M-2
check "... and decrypts it, marked" ui_wait_re desk "~[^ ]*> for the desk too"
check "... once" ui_rows_with desk "for the desk too" 1
# (Bob's messages from before the desk existed were not encrypted for it:
# their fallback text shows, as in every OMEMO client.)
ui_say desk "/quit"
check "the desk quits again" [ "$(ui_wait_exit "${A}desk")" = 0 ]

# /omemo on|off is kept per chat across a restart (the message store).
restart_me() {
	ui_say me "/quit"
	check "me quits to start again" [ "$(ui_wait_exit "$A")" = 0 ]
	ui_start me "$A" a-pw 220 36
	check "... and is back" ui_wait me "logged in as"
}
ui_keys me M-2
ui_say me "/omemo off"
check "I turn OMEMO off with Bob" ui_wait_line me 0 "[plaintext]"
check "... kept, not for this run only" ui_lacks me "for this run only"
restart_me
ui_say me "/msg Bob plain after a restart"
check "after a restart the chat is still plaintext" ui_wait_line me 0 "[plaintext]"
check "... my line has no mark" ui_wait me " $A> plain after a restart"
check "... and it arrives in plaintext" ui_wait_re peer "[0-9] [^~ ]*$A[^ ]*> plain after a restart"
ui_say me "/omemo on"
restart_me
ui_say me "/msg Bob secret after a restart"
check "after /omemo on and a restart it is encrypted" ui_wait me "~$A> secret after a restart"
check "... the title says so" ui_wait_line me 0 "[OMEMO]"
check "... and it arrives encrypted" ui_wait_re peer "~[^ ]*> secret after a restart"

KS=$UI_TMP/$A/data/omemo/$A@$DOMAIN
check "the key store is private (0600)" [ "$(stat -c %a "$KS" 2>/dev/null)" = 600 ]
check "the key store holds no message text" bash -c "! grep -q 'hello in secret' '$KS'"

ui_say me "/quit"
ui_say peer "/quit"
check "me exits 0" [ "$(ui_wait_exit "$A")" = 0 ]
check "the file's link never went in clear (my XML log)" \
	bash -c "grep -q 'eu.siacs.conversations.axolotl' '$UI_TMP/me.xml' && ! grep -qiE 'aesgcm|jabber:x:oob' '$UI_TMP/me.xml'"
check "the peer exits 0" [ "$(ui_wait_exit "$B")" = 0 ]
check "no sanitizer report (me)" ui_clean_stderr "$A"
check "no sanitizer report (peer)" ui_clean_stderr "$B"
ui_done
