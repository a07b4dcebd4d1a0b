#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/muc.sh - group chat in the real binary, two users at 100x30:
# /join opens the room's window (created, then joined), occupants come and
# go, messages show once each on both sides, the subject goes into the
# title, Tab completes a nick, /nick, /names, nicks in XEP-0392 colours,
# a line naming us highlighted, private messages in their own window,
# /disconnect and /connect joining again without doubled history, /part,
# a refused join says why (naming the room), the account's autojoin joins at login, and /bookmark saves, lists
# and removes a room bookmark.
. "$(dirname "$0")/lib.sh"

send() { # WINDOW TEXT: type a line and Enter
	ui_type "$1" "$2"
	ui_keys "$1" Enter
}
new_user() { # PREFIX: a fresh account with password muc-pw; prints its name
	local u
	u=$(ui_user "$1")
	"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$u" muc-pw >/dev/null
	echo "$u"
}

me=$(ui_user mucme)
pal=$(ui_user mucpal)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$me" muc-pw "$pal" muc-pw >/dev/null
room=ui$$@${TUKTUK_TEST_MUC:-conference.localhost}
ui_start me "$me" muc-pw 100 30
ui_start pal "$pal" muc-pw 100 30
check "me logged in" ui_wait me "logged in as"
check "pal logged in" ui_wait pal "logged in as"

send me "/join $room/anna"
check "the room's window opens" ui_wait_line me 0 "room: $room"
check "the room was created" ui_wait me "you created the room as anna"
check "the title counts one occupant" ui_wait_line me 0 "(1 here, you are anna)"
send pal "/join $room/bert"
check "pal joins and sees who is there" ui_wait pal "you joined the room as bert; here: anna"
check "me sees pal join" ui_wait me "bert joined"
check "and counts two" ui_wait_line me 0 "(2 here, you are anna)"

send pal "hello anna"
check "a message reaches the room" ui_wait me "bert> hello anna"
check "and comes back to its sender" ui_wait pal "bert> hello anna"
check "shown once" bash -c "[ \$(tmux -L $UI_SOCK capture-pane -p -t ui:pal | grep -c 'bert> hello anna') = 1 ]"

# Tab completes a nick at the start of the line, with a colon.
ui_type me "be"
ui_keys me Tab
check "Tab completes the nick" ui_wait_line me -1 "bert:"
send me "tea?"
check "the addressed message arrives" ui_wait pal "anna> bert: tea?"

send me "/topic Tea time"
check "the subject goes into the title" ui_wait_line pal 0 "-- Tea time"
check "and is announced" ui_wait pal "anna set the topic: Tea time"

send pal "/nick bertram"
check "a nick change is shown" ui_wait me "bert is now known as bertram"
send me "/names"
check "/names lists the occupants" ui_wait me "2 here:"
check "with their role" ui_wait me "bertram (online, participant"

# Nick colours (XEP-0392) on the 256-colour palette, and a line naming
# us highlighted (chat.mention: yellow, bold).
row_codes() { # WINDOW TEXT: the escape codes of the rows that show TEXT
	tm capture-pane -e -p -t "ui:$1" | grep -F -- "$2"
}
check "a nick is drawn in a colour of the 256-colour cube" \
	bash -c "tmux -L $UI_SOCK capture-pane -e -p -t ui:me | grep -F 'hello anna' | grep -q '38;5;'"
send pal "anna: look here"
check "a line naming us arrives" ui_wait me "bertram> anna: look here"
check "... and is highlighted" bash -c "tmux -L $UI_SOCK capture-pane -e -p -t ui:me | grep -F 'look here' | grep -qE '\[([0-9;]*;)?33m'"
send pal "no names here"
check "a line that names nobody" ui_wait me "bertram> no names here"
check "... is not" bash -c "! tmux -L $UI_SOCK capture-pane -e -p -t ui:me | grep -F 'no names here' | grep -qE '\[([0-9;]*;)?33m'"

# Private messages with an occupant have a window of their own.
send pal "/msg $room/anna psst"
check "the sender's private window" ui_wait_line pal 0 "private: anna in $room"
check "... shows what was sent" ui_wait pal "bertram> psst"
check "the receiver gets a window for it, marked as a mention" \
	ui_wait_re me '\[[0-9]+:bertram/ui[0-9]*!\]'
check "... not a line in the room's window" ui_lacks me "psst"
ui_keys me M-a
check "Alt-a goes to it" ui_wait_line me 0 "private: bertram in $room"
check "... and the message is there" ui_wait me "bertram> psst"
send me "psst yourself"
check "text typed there goes back privately" ui_wait pal "anna> psst yourself"
ui_keys me M-2
ui_keys pal M-2

# The roster pane lists the room, with its unread count.
check "the roster lists the rooms" ui_wait me "v Rooms (1/1)"
ui_keys me M-1
send pal "for the roster"
check "... with the room's unread count" ui_wait_re me '^ +\* ui[0-9]+ \(1\) +│'
ui_keys me M-2

# /disconnect then /connect joins the room again, and its history,
# replayed at the join, shows no line twice.
send me "/disconnect"
check "the room says /connect joins it again" ui_wait_said me "/connect joins the room again"
send me "/connect"
check "/connect joins the room again" ui_wait me "you joined the room as anna"
check "the replayed history is not shown twice" ui_rows_with me "bert> hello anna" 1
check "... nor is our own line" ui_rows_with me "anna> bert: tea?" 1
# /part and /join again: a new join, which gets the room's last messages.
send me "/part"
check "/part leaves" ui_wait_line me 0 "$room (not in it)"
send me "/join $room/anna"
check "/join comes back" ui_rows_with me "you joined the room as anna" 2
check "... and the replayed history is not shown twice" ui_rows_with me "bert> hello anna" 1
check "... nor the lines that came after it" ui_rows_with me "bertram> for the roster" 1

# A third login cannot take a nick in use: it is told why.
third=$(new_user mucthird)
ui_start third "$third" muc-pw 100 30
check "third logged in" ui_wait third "logged in as"
send third "/join $room/anna"
check "a refused join names the room and says why" ui_wait_said third "could not join $room: conflict"
check "and what to do, with the real room and nick" ui_wait_said third "the nick anna is taken there: /join $room/anna_ tries another"
check "no placeholder left in" ui_lacks third "ROOM@SERVICE"

# A room in the account's autojoin is joined at login, in the background.
auto=$(new_user mucauto)
mkdir -p "$UI_TMP/$auto/config"
printf '[account main]\njid = %s@localhost\nautojoin = %s/otto\n' "$auto" "$room" \
	>"$UI_TMP/$auto/config/config"
ui_start auto "$auto" muc-pw 100 30
check "autojoin joins the room" ui_wait me "otto joined"
check "in a window of its own" ui_wait auto "[2:ui"
ui_keys auto M-2
check "which says so" ui_wait auto "you joined the room as otto"

send pal "/part off to bed"
check "leaving is shown to the room" ui_wait me "bertram left (off to bed)"
check "and to the one who left" ui_wait pal "you left the room"
check "the title says so" ui_wait_line pal 0 "$room (not in it)"

# Bookmarks (XEP-0402): the current room, listed, then removed.
ui_keys me M-2
send me "/bookmark Tea room"
check "/bookmark saves the room" ui_wait me "bookmark of $room saved"
send me "/bookmark list"
check "/bookmark list shows it" ui_wait me "$room \"Tea room\" as anna"
check "to be joined at login" ui_wait me "joined at login"
send me "/bookmark remove"
check "/bookmark remove removes it" ui_wait me "bookmark of $room removed"

for who in me pal third auto; do
	send "$who" "/quit"
done
check "me exits 0" [ "$(ui_wait_exit "$me")" = 0 ]
check "pal exits 0" [ "$(ui_wait_exit "$pal")" = 0 ]
check "third exits 0" [ "$(ui_wait_exit "$third")" = 0 ]
check "auto exits 0" [ "$(ui_wait_exit "$auto")" = 0 ]
check "no sanitizer report" ui_clean_stderr "$me"
check "none for pal either" ui_clean_stderr "$pal"
ui_done
