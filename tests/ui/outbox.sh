#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/outbox.sh - a message typed while offline is not lost (issue
# 16). In an encrypted chat whose keys are here (a message went before),
# it is encrypted at once and waits as that stanza: shown "(pending)"
# with the "~" mark, /quit counts it, /connect sends it and the peer
# decrypts it. To a contact whose OMEMO is not known yet it cannot be
# encrypted yet: it waits as text to be encrypted (pending, '~'), and at
# the next login it is refused in place when the contact's keys cannot
# be read (nothing in clear), or, for Carol, whom alice never met online,
# encrypted and delivered after a restart.
# In a plaintext chat (/omemo off): it is shown at once marked
# "(pending)", /quit then asks first (and "n" stays), and /connect sends
# it, the mark going once the server has it; one the server refuses in
# the end is marked "(not sent)" and its error goes on its own line right
# under it, in place (also when later lines follow it), and keeps that
# mark when read from the store again. Then a plain one and an encrypted
# one written offline and quit with "y" wait in the message store's
# outbox (the store is 0600; the encrypted one as its stanza, its text
# nowhere in the outbox) and reach the peer after the next start's login,
# the encrypted one decrypted, after which the outbox is empty.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user oba)
B=$(ui_user obb)
C=$(ui_user obc)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw "$C" c-pw >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$B" "$A@$DOMAIN" "Alice" Friends >/dev/null

ui_start peer "$B" b-pw 100 30
ui_start carol "$C" c-pw 100 30 # publishes her OMEMO keys; alice never meets them online
ui_start me "$A" a-pw 100 30
check "the peer logs in" ui_wait_line peer -2 "[online]"
check "alice logs in" ui_wait_line me -2 "[online]"
check "carol logs in" ui_wait_line carol -2 "[online]"
ui_say carol "/msg $A@$DOMAIN" # alice's message shows in carol's current window
ui_say peer "/msg $A@$DOMAIN" # what alice sends shows in the peer's current window

# ---- offline in an encrypted chat: encrypted at once, then sent ----
ui_say me "/msg $B@$DOMAIN first, online"
check "a first encrypted message (the keys come)" ui_wait_re me "~$A> first, online"
check "the peer reads it" ui_wait_re peer "~[^ ]*> first, online"
ui_say me "/disconnect"
check "alice is offline" ui_wait_line me -2 "[offline]"
ui_say me "secret while offline"
check "an encrypted chat's message waits too, pending, marked encrypted" \
	ui_wait_re me "\(pending\) ~$A> secret while offline"
check "... not refused" ui_lacks me "not sent"
ui_say me "/quit"
check "/quit counts it" ui_wait me "1 message is not sent yet"
ui_say me "n"
check "n stays, again" ui_wait me "not quitting"
ui_say me "/connect"
check "back online, encrypted" ui_wait_line me -2 "[online]"
check "the peer decrypts it" ui_wait_re peer "~[^ ]*> secret while offline"
check "... once" ui_rows_with peer "secret while offline" 1
check "its pending mark goes" ui_wait_gone me "(pending)"
ui_say me "/omemo off"
ui_say me "/disconnect"
check "offline, the chat now plaintext" ui_wait_line me -2 "[offline]"

# ---- offline: pending, the question, then sent ----
ui_say me "/msg $B@$DOMAIN written while offline"
check "the message is shown at once, marked pending" ui_wait_re me "\(pending\) .*> written while offline"
check "... and not refused" ui_rows_with me "not sent" 1
ui_say me "/quit"
check "/quit asks first" ui_wait me "quit anyway? (y/n)"
check "... and says why" ui_wait me "1 message is not sent yet"
ui_say me "n"
check "n stays" ui_wait me "not quitting"
ui_say me "/connect"
check "back online" ui_wait_line me -2 "[online]"
check "the peer gets it" ui_wait_said peer "written while offline"
check "the pending mark goes" ui_wait_gone me "(pending)"
check "it was sent once" ui_rows_with peer "written while offline" 1

# ---- refused in the end: the error in place ----
# Two wait for nobody; the server bounces both. Each error goes on the row
# right under its own message (not at the bottom, quoting it), and the
# message is marked "(not sent)" instead of "(pending)".
ui_say me "/disconnect"
check "offline for the refusal" ui_wait_line me -2 "[offline]"
ui_say me "/msg nobody@$DOMAIN"
ui_say me "hello nobody"
check "offline, a stranger whose OMEMO is not known yet: it waits to be encrypted" \
	ui_wait_re me "\(pending\) ~$A> hello nobody"
ui_say me "/omemo off"
ui_say me "is anyone there"
ui_say me "still nobody"
check "pending to nobody" ui_wait_re me "\(pending\) .*> is anyone there"
check "... both" ui_wait_re me "\(pending\) .*> still nobody"
ui_say me "/connect"
check "the one to encrypt is refused in place: nobody has no OMEMO device" \
	ui_wait_under me "> hello nobody" "! not sent: nobody@$DOMAIN has published no OMEMO device"
check "... marked not sent, never sent in clear" ui_wait_re me "\(not sent\) ~$A> hello nobody"
check "the server's refusal shows on its own line" ui_wait me "! not delivered to nobody@$DOMAIN"
check "... and the messages are no longer pending" ui_wait_gone me "(pending)"
check "the first refusal is right under its message" \
	ui_wait_under me "> is anyone there" "! not delivered to nobody@$DOMAIN"
check "... the second under its own" ui_wait_under me "> still nobody" "! not delivered to nobody@$DOMAIN"
check "each is marked as not sent" ui_wait_re me "\(not sent\) .*> is anyone there"
check "... both" ui_wait_re me "\(not sent\) .*> still nobody"
said_times() { ui_chat_text me | grep -oF -- "$1" | wc -l; } # wrapped or not
check "the error does not quote the text again" [ "$(said_times "is anyone there")" = 1 ]
check "the store keeps it as refused" \
	test "$(ui_store "$A" "select state from msg where body='is anyone there'")" = 4

# ---- pending across a restart ----
ui_say me "/disconnect"
check "offline again" ui_wait_line me -2 "[offline]"
ui_say me "/msg $B@$DOMAIN kept across a restart"
check "pending again" ui_wait_re me "\(pending\) .*> kept across a restart"
ui_say me "/omemo on"
ui_say me "encrypted across a restart"
check "an encrypted one pending too" ui_wait_re me "\(pending\) ~$A> encrypted across a restart"
ui_say me "/quit"
check "/quit asks again, counting both" ui_wait me "2 messages are not sent yet"
ui_say me "y"
check "y quits, status 0" [ "$(ui_wait_exit "$A")" = 0 ]
outbox() { ui_store "$A" "select body from outbox"; }
check "the store's outbox holds it" bash -c "$(declare -f ui_store outbox); UI_TMP='$UI_TMP' A='$A'; outbox | grep -qF 'kept across a restart'"
check "... and the encrypted one as its stanza, with no text" test \
	"$(ui_store "$A" "select count(*) from outbox where body='' and stanza like '%<payload>%'")" = 1
check "... its text nowhere in the outbox" test \
	"$(ui_store "$A" "select count(*) from outbox where body like '%encrypted across%' or stanza like '%encrypted across%'")" = 0
check "... and its line says pending" \
	test "$(ui_store "$A" "select state from msg where body='kept across a restart'")" = 3
check "... privately (0600)" [ "$(stat -c %a "$UI_TMP/$A/data/messages.db")" = 600 ]
check "the peer has not got it" ui_lacks peer "kept across a restart"
rm -f "$UI_TMP/$A.status"
ui_start me2 "$A" a-pw 100 30
check "the next start says they wait" ui_wait me2 "2 messages from the last run wait"
check "the peer gets it after the login" ui_wait_said peer "kept across a restart"
check "... once" ui_rows_with peer "kept across a restart" 1
check "the peer decrypts the encrypted one" ui_wait_re peer "~[^ ]*> encrypted across a restart"
check "... once" ui_rows_with peer "encrypted across a restart" 1
ui_keys me2 M-2
check "alice's window shows it once (the history's line took the mark)" \
	ui_rows_with me2 "kept across a restart" 1
check "... and the encrypted one, its line found by id" \
	ui_rows_with me2 "encrypted across a restart" 1
check "the outbox is empty once the server has it" bash -c "$(declare -f ui_store outbox); UI_TMP='$UI_TMP' A='$A'
	for _ in \$(seq $((UI_WAIT * 10))); do [ -z \"\$(outbox)\" ] && exit 0; sleep 0.1; done; exit 1"
check "... and its line is no longer pending (sent, or delivered)" bash -c "
	case '$(ui_store "$A" "select state from msg where body='kept across a restart'")' in 1|2) exit 0;; esac; exit 1"
ui_say me2 "/msg nobody@$DOMAIN"
check "read again, the refused line keeps its mark" ui_wait_re me2 "\(not sent\) .*> is anyone there"
ui_say me2 "/quit"
check "alice exits 0" [ "$(ui_wait_exit "$A")" = 0 ]
check "no sanitizer report" ui_clean_stderr "$A"

# Offline from the start (the server cannot be reached): the devices we
# hold sessions with stand for the peer's list, so an encrypted chat
# still takes a message, encrypted, and it goes at the next start.
rm -f "$UI_TMP/$A.status"
TUKTUK_TEST_C2S_PORT=1 ui_start me3 "$A" a-pw 100 30
check "started where the server cannot be reached" ui_wait me3 "reconnecting"
ui_say me3 "/msg $B@$DOMAIN"
ui_say me3 "typed offline from the start"
check "offline from the start, an encrypted chat takes it, pending, encrypted" \
	ui_wait_re me3 "\(pending\) ~$A> typed offline from the start"
ui_say me3 "/quit"
check "/quit counts it" ui_wait me3 "1 message is not sent yet"
ui_say me3 "y"
check "... and keeps it" [ "$(ui_wait_exit "$A")" = 0 ]
check "its outbox row has no text" \
	test "$(ui_store "$A" "select count(*) from outbox where body like '%offline from the start%' or stanza like '%offline from the start%'")" = 0
rm -f "$UI_TMP/$A.status"
ui_start me4 "$A" a-pw 100 30
check "at the next start the peer decrypts it" ui_wait_re peer "~[^ ]*> typed offline from the start"
check "... once" ui_rows_with peer "typed offline from the start" 1

# ---- a contact never met with OMEMO, written to offline, across a restart ----
ui_say me4 "/disconnect"
check "offline before meeting carol" ui_wait_line me4 -2 "[offline]"
ui_say me4 "/msg $C@$DOMAIN"
ui_say me4 "hello carol, never met"
check "taken, pending, to be encrypted" ui_wait_re me4 "\(pending\) ~$A> hello carol, never met"
ui_say me4 "/quit"
check "/quit counts it" ui_wait me4 "1 message is not sent yet"
ui_say me4 y
quit_wait() {
	local r
	r=$(ui_wait_exit "$A")
	[ "$r" = 0 ] && return 0
	echo "status: $r" >&2
	ui_screen me4 >&2
	return 1
}
check "kept at quit" quit_wait
check "it waits in the outbox to be encrypted, not as a message to send" \
	test "$(ui_store "$A" "select type from outbox where body='hello carol, never met'")" = encrypt
rm -f "$UI_TMP/$A.status"
ui_start me5 "$A" a-pw 100 30
check "online, her keys are fetched and carol decrypts it" ui_wait_re carol "~[^ ]*> hello carol, never met"
check "... once" ui_rows_with carol "hello carol, never met" 1
check "no fallback text reached her screen" ui_lacks carol "I sent you an OMEMO encrypted message"
outbox_empty() {
	for _ in $(seq 50); do
		[ "$(ui_store "$A" "select count(*) from outbox")" = 0 ] && return 0
		sleep 0.2
	done
	return 1
}
check "the outbox is empty once the server has it" outbox_empty
for who in me5 peer carol; do
	ui_say "$who" "/quit"
done
check "alice exits 0 again" [ "$(ui_wait_exit "$A")" = 0 ]
check "no sanitizer report again" ui_clean_stderr "$A"
ui_done
