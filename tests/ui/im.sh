#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/im.sh - one-to-one chat complete (issue 5), the real binary in
# tmux against the project's Prosody, with three accounts and four
# clients: me (twice: two resources of one account, the second on a
# vt100), a peer and a stranger. Carbons both ways (a message sent from
# one resource shows in the other's window for the peer, not as unread),
# the delivery mark once the peer's client has it ('+' on the vt100), the
# peer's "composing" in my title while typing, "paused" 5 s later, and
# neither after the message, /me as an action, a message from outside the roster
# marked so, an error under the message it answers, a headline marked
# as one, a subscription request shown with a '?' in the roster until
# /authorize, /ping with milliseconds, /version showing tuktuk, /disco,
# /info, /vcard set and /vcard, a request made while I was offline shown
# after my next login, and /quit exiting 0 with no sanitizer report.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
RUN=$TUKTUK_TEST_RUNDIR
W=120
H=40

A=$(ui_user ann)
B=$(ui_user bob)
C=$(ui_user cat)
D=$(ui_user dan)
"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$B" b-pw "$C" c-pw "$D" d-pw >/dev/null
# Both ways, subscription both; the peer knows me by my user name.
"$UI_PROSODY" rosteradd "$RUN" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null

# The title row (0) does not show TEXT, within the usual deadline.
title_lacks() {
	local win=$1 text=$2 deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_row "$win" 0 | grep -qF -- "$text" || return 0
		sleep 0.1
	done
	ui_row "$win" 0 | sed 's/^/# title: /'
	return 1
}

# A roster row of NAME carries the '?' of an unanswered request (or not).
roster_asking() {
	ui_screen "$1" | grep -qE "^\? . $2"
}

wait_asking() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		roster_asking "$@" && return 0
		sleep 0.1
	done
	ui_screen "$1" | sed 's/^/# | /'
	return 1
}

wait_not_asking() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		roster_asking "$@" || return 0
		sleep 0.1
	done
	return 1
}

say() {
	ui_type "$1" "$2"
	ui_keys "$1" Enter
}

ui_start peer "$B" b-pw $W $H
ui_start me "$A" a-pw $W $H
# The second resource runs on a vt100: ASCII marks only.
UI_TERM=vt100 UI_NAME=${A}2 ui_start me2 "$A" a-pw $W $H
ui_start cat "$C" c-pw $W $H
check "peer online" ui_wait peer "[online]"
check "me online" ui_wait_line me -2 "[$A@$DOMAIN/"
check "my second resource online" ui_wait_line me2 -2 "[$A@$DOMAIN/"
check "stranger online" ui_wait cat "[online]"
check "me sees the peer online" ui_wait me "v Friends (1/1)"

# ---- carbons and receipts ----
say me "/msg $B@$DOMAIN"
check "the chat opens" ui_wait me "chat: Bob <$B@$DOMAIN>"
say me "hello carbon"
check "my message shows" ui_wait me "$A> hello carbon"
check "the peer gets it" ui_wait_line peer -2 "[2:$A*]"
check "delivered mark once the peer's client has it" ui_wait me "$A> hello carbon ✓"
check "... kept as delivered in the store (state 2)" test "$(ui_store "$A" \
	"select state from msg where body='hello carbon' and dir=1")" = 2
check "carbon: my other resource lists the peer's window, not unread" \
	ui_wait_line me2 -2 "[2:Bob]"
ui_keys me2 M-2
check "carbon: shown there as my own line" ui_wait me2 "$A> hello carbon"
check "carbon: kept as sent, once" test "$(ui_store "${A}2" \
	"select count(*) from msg where conv='$B@$DOMAIN' and dir=1 and body='hello carbon'")" = 1

say me2 "from my other resource"
check "carbon the other way: shown in my window as my own line" \
	ui_wait me "$A> from my other resource"
check "delivered mark in ASCII on a vt100" ui_wait me2 "$A> from my other resource +"

# ---- chat states ----
ui_keys peer M-2
check "the peer's chat window" ui_wait peer "chat: $A <$A@$DOMAIN>"
ui_type peer "a reply in the making"
check "composing shows in my title" ui_wait_line me 0 "composing…"
check "paused shows 5 s after the last key" ui_wait_line me 0 "paused…"
ui_keys peer Enter
check "the message arrives" ui_wait me "Bob> a reply in the making"
check "composing goes after the message" title_lacks me "paused"

# ---- /me ----
say me "/me waves"
check "/me shows as an action on the peer's screen" ui_wait peer "* $A waves"
check "/me shows as an action on mine" ui_wait me "* $A waves"

# ---- corrections (XEP-0308) ----
say me "see you at 5"
check "the message arrives" ui_wait peer "see you at 5"
say me "/correct see you at 6"
check "the peer sees the correction in its place" ui_wait peer "see you at 6 (corrected)"
check "and no longer the old text" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:peer | grep -q 'see you at 5'"
check "my own line is corrected too" ui_wait me "see you at 6 (corrected)"

# ---- a stranger, errors, headlines ----
say cat "/msg $A@$DOMAIN hi from a stranger"
check "a stranger's message opens a window" ui_wait_line me -2 "[3:$C*]"
ui_keys me M-3
check "marked as not in the roster (title)" ui_wait_line me 0 "(not in roster)"
check "marked as not in the roster (line)" ui_wait me "$C@$DOMAIN is not in your roster"
say cat "/raw <presence to='$A@$DOMAIN'><status>just passing</status></presence>"
ui_keys me M-1
check "a stranger's presence is shown, marked" ui_wait me "$C@$DOMAIN/"
check "... as not in the roster" ui_wait me "(not in roster) is online: just passing"
ui_keys me M-3
say me "/msg nobody$$@$DOMAIN are you there"
check "an error names what failed, under the message it answers" \
	ui_wait_under me "> are you there" "! not delivered to nobody$$@$DOMAIN: service-unavailable"
check "... which is marked" ui_wait_re me "\(not sent\) .*> are you there"
say peer "/raw <message to='$A@$DOMAIN' type='headline'><body>news flash</body></message>"
ui_keys me M-2
check "a headline is marked as one" ui_wait me "Bob> [headline] news flash"

# ---- subscriptions ----
ui_keys me M-1
ui_keys cat M-1
say me "/roster add $C@$DOMAIN Carol"
check "the stranger sees my request" ui_wait cat "$A@$DOMAIN wants to see your presence: /authorize"
say cat "/authorize $A@$DOMAIN"
check "I see the answer" ui_wait me "$C@$DOMAIN now shares their presence with you"
say cat "/subscribe $A@$DOMAIN"
check "their request shows in my status window" \
	ui_wait me "$C@$DOMAIN wants to see your presence: /authorize"
check "and marks them in my roster" wait_asking me Carol
say me "/authorize $C@$DOMAIN"
check "the mark goes once answered" wait_not_asking me Carol
check "they see my answer" ui_wait cat "$A@$DOMAIN now shares their presence with you"

# ---- information ----
say me "/ping"
check "/ping shows the round trip in ms" ui_wait me "pong from $DOMAIN: "
check "... in ms" bash -c "tmux -L '$UI_SOCK' capture-pane -p -t ui:me | grep -qE 'pong from $DOMAIN: [0-9]+ ms'"
say me "/version $B@$DOMAIN"
check "/version shows the peer's client" ui_wait me "$B@$DOMAIN/"
check "... tuktuk" ui_wait me "runs tuktuk"
say me "/disco"
check "/disco lists identities" ui_wait me "identity: server/im"
check "/disco lists features" ui_wait me "feature: urn:xmpp:ping"
say me "/info $B@$DOMAIN"
check "/info shows the details" ui_wait me "subscription: both"
# The version answers come after the details.
more_versions() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_screen me | sed -n '/subscription: both/,$p' | grep -q "runs tuktuk" && return 0
		sleep 0.1
	done
	ui_screen me | sed 's/^/# | /' >&2
	return 1
}
check "/info asks each resource for its version" more_versions
say me "/version"
check "a missing argument is one usage line" ui_wait me "missing argument; usage: /version JID"
say me "/info"
check "/info in the status window wants a JID" ui_wait me "no contact here; usage: /info [JID]"
say me "/vcard set PHOTO x"
check "an unknown vCard field is a usage error" ui_wait me "unknown vCard field; usage: /vcard"
say me "/vcard set FN Ann Example"
check "/vcard set is saved" ui_wait me "your vCard is saved"
say me "/vcard"
check "/vcard shows FN" ui_wait me "FN: Ann Example"
say peer "/vcard $A@$DOMAIN"
check "the peer sees it too" ui_wait peer "FN: Ann Example"

# ---- a request made while I am offline shows after my next login ----
say me "/quit"
say me2 "/quit"
check "me exits" test "$(ui_wait_exit "$A")" = 0
check "my other resource exits" test "$(ui_wait_exit "${A}2")" = 0
ui_start dan "$D" d-pw $W $H
check "another stranger online" ui_wait dan "[online]"
say dan "/subscribe $A@$DOMAIN"
say dan "/quit"
check "... and leaves" test "$(ui_wait_exit "$D")" = 0
UI_NAME=${A}3 ui_start me3 "$A" a-pw $W $H
check "after login, the offline request shows" \
	ui_wait me3 "$D@$DOMAIN wants to see your presence: /authorize"

# ---- the end ----
for w in me3 peer cat; do
	say "$w" "/quit"
done
for n in "$A" "${A}2" "${A}3" "$B" "$C" "$D"; do
	check "$n exits with status 0" test "$(ui_wait_exit "$n")" = 0
	check "$n: no sanitizer report" ui_clean_stderr "$n"
done
ui_done
