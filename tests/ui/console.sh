#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/console.sh - the XML console, with the real binary in tmux
# against the project's Prosody: /xml opens window 2 and shows the login
# from before it was opened, with the SASL payloads redacted and the
# password nowhere; stanzas are pretty-printed and marked sent> or recv>;
# /raw and XML typed in the console reach a second tuktuk; malformed XML
# gives one line of error; console traffic marks no window unread; /help
# xml, /close, opening it again, and /quit exiting 0.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
RUN=$TUKTUK_TEST_RUNDIR
W=160
H=50

# wait_change WINDOW BEFORE: wait (briefly) until the screen differs from
# BEFORE; fails when it does not change, e.g. at the top of the scrollback.
wait_change() {
	local deadline=$((SECONDS + 2))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ "$(ui_screen "$1")" != "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# page_up_to WINDOW TEXT: PgUp until TEXT is shown or the top is reached;
# every screen seen is appended to $SEEN.
SEEN=$UI_TMP/seen
page_up_to() {
	local win=$1 text=$2 screen i
	for ((i = 0; i < 100; i++)); do
		screen=$(ui_screen "$win")
		printf '%s\n' "$screen" >>"$SEEN"
		grep -qF -- "$text" <<<"$screen" && return 0
		ui_keys "$win" PPage
		wait_change "$win" "$screen" || return 1
	done
	return 1
}

# page_down_all WINDOW: PgDn until the title no longer says "more below",
# appending every screen to $SEEN.
page_down_all() {
	local win=$1 screen i
	for ((i = 0; i < 100; i++)); do
		screen=$(ui_screen "$win")
		printf '%s\n' "$screen" >>"$SEEN"
		grep -qF -- "more below" <<<"$screen" || return 0
		ui_keys "$win" NPage
		wait_change "$win" "$screen" || true
	done
	return 1
}

# errors_shown N: wait until N "not sent:" lines are on screen.
errors_shown() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ "$(ui_screen me | grep -c 'not sent:')" = "$1" ] && return 0
		sleep 0.1
	done
	ui_screen me | sed 's/^/# | /' >&2
	return 1
}

# No SASL element is shown without the redaction.
sasl_redacted() {
	! grep -E '(sent|recv)> +<(auth|response|challenge|success)[ >]' "$SEEN" | grep -vqF '[redacted]'
}

A=$(ui_user x)
B=$(ui_user y)
PW="Console-Secret-$RANDOM$RANDOM-pw"
PLAIN_B64=$(printf '\0%s\0%s' "$A" "$PW" | base64 -w0)
echo "# me=$A peer=$B"
"$UI_PROSODY" adduser "$RUN" "$A" "$PW" "$B" y-pw >/dev/null

ui_start peer "$B" y-pw "$W" "$H"
check "the peer logs in" ui_wait peer "[online]"
ui_start me "$A" "$PW" "$W" "$H"
check "I log in" ui_wait_line me -2 "[$A@$DOMAIN/"

# /xml opens window 2 and focuses it.
ui_type me "/xml"
ui_keys me Enter
check "/xml opens the console" ui_wait me "xml console: stanzas sent> and recv>"
check "the console is window 2 in the status line" ui_wait_line me -2 "[2:xml]"
check "stanzas are marked received" ui_wait_re me 'recv> +<'

# Scroll back to the top: the login from before the console was opened
# is there, the SASL payload is redacted, the password is nowhere.
: >"$SEEN"
check "PgUp reaches the top, and what came before /xml" page_up_to me "XML console: stanzas sent>"
check "the stream header is shown" grep -qF "sent> <stream:stream " "$SEEN"
check "the login's <auth line shows [redacted]" \
	grep -qE 'sent> <auth .*>\[redacted\]</auth>' "$SEEN"
check "the initial presence is marked sent" grep -qE 'sent> <presence' "$SEEN"
check "every SASL element is redacted" sasl_redacted
check "PgDn goes back to the newest line" page_down_all me
check "the password is never shown" test "$(grep -cF -- "$PW" "$SEEN")" = 0
check "nor the PLAIN payload" test "$(grep -cF -- "$PLAIN_B64" "$SEEN")" = 0

# /raw: sent, shown pretty-printed, received by the peer.
ui_type me "/raw <message to='$B@$DOMAIN' type='chat'><body>raw hello</body></message>"
ui_keys me Enter
check "/raw: the stanza shows as sent" ui_wait_re me "sent> <message to=.$B@$DOMAIN. type=.chat.>"
check "/raw: one element per line, indented" ui_wait_re me 'sent> +  <body>raw hello</body>'
check "/raw: the closing tag on its own line" ui_wait_re me 'sent> </message>$'
check "/raw: the peer gets a new window" ui_wait_line peer -2 "[2:$A*]"
ui_keys peer M-a
check "/raw: the peer receives the message" ui_wait peer "$A> raw hello"

# A message from the peer: shown as received. In plaintext, so that its
# body is in the stanza (OMEMO is on by default between two tuktuks).
ui_say peer "/omemo off"
ui_type peer "reply for the console"
ui_keys peer Enter
check "a received stanza is marked recv" ui_wait_re me 'recv> <message .*type=.chat'
check "its body on its own line" ui_wait_re me 'recv> +  <body>reply for the console</body>'

# XML typed in the console is sent as raw XML.
ui_type me "<message to='$B@$DOMAIN' type='chat'><body>typed hello</body></message>"
ui_keys me Enter
check "typed XML: the peer receives it" ui_wait peer "$A> typed hello"
check "typed XML: shown as sent" ui_wait_re me 'sent> +  <body>typed hello</body>'

# Malformed XML: one line of error, nothing sent.
ui_type me "/raw <a>"
ui_keys me Enter
check "/raw <a>: an error" ui_wait me "! not sent: "
check "/raw <a>: one line" test "$(ui_screen me | grep -c 'not sent:')" = 1
ui_type me "<b>oops</c>"
ui_keys me Enter
check "typed malformed XML: one more line of error" errors_shown 2
check "nothing malformed was sent" test "$(ui_screen me | grep -cE 'sent> +<(a|b)>')" = 0

# /help xml.
ui_type me "/help xml"
ui_keys me Enter
check "/help xml shows the usage" ui_wait me "Open the XML console: every stanza"

# Console traffic while another window is shown marks nothing unread.
ui_keys me M-1
check "back in the status window" ui_wait me "status: tuktuk"
ui_type me "/raw <message to='$B@$DOMAIN' type='chat'><body>from the status window</body></message>"
ui_keys me Enter
check "the peer gets it" ui_wait peer "$A> from the status window"
ui_type peer "answer while hidden"
ui_keys peer Enter
check "the answer marks the chat unread" ui_wait_re me '\[3:[^]]*\*\]'
check "... but not the console" ui_wait_line me -2 "[2:xml]"
check "the activity list has only the chat" ui_wait_line me -2 "[act: 3]"
check "/raw errors go to the status window too" ui_wait me "! not sent: "

# /close closes it; /xml opens it again with the recent stanzas.
ui_keys me M-2
check "Alt-2 goes to the console" ui_wait me "xml console:"
ui_type me "/close"
ui_keys me Enter
check "/close closes the console" ui_wait_gone me "xml console:"
check "the status line no longer lists it" ui_wait_gone me "[2:xml]"
ui_type me "/xml"
ui_keys me Enter
check "/xml opens it again, as the last window" ui_wait_line me -2 "[3:xml]"
check "with the recent stanzas" ui_wait_re me 'recv> +  <body>answer while hidden</body>'

# /quit from the console.
ui_type me "/quit"
ui_keys me Enter
check "/quit exits with status 0" test "$(ui_wait_exit "$A")" = 0
ui_type peer "/quit"
ui_keys peer Enter
check "the peer exits with status 0" test "$(ui_wait_exit "$B")" = 0
check "no sanitizer report (me)" ui_clean_stderr "$A"
check "no sanitizer report (peer)" ui_clean_stderr "$B"
ui_done
