#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/secrets.sh - passwords and certificates in the real binary:
# a refused login asks for the password without echo and offers the
# vault once the server accepted it; the next start logs in from the vault;
# /passwd changes the password on the server and the vault follows;
# a refused certificate is shown with its fingerprint, /tls trust pins it
# for good, and the pin is used at the next start.
. "$(dirname "$0")/lib.sh"

user=$(ui_user sec)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$user" right-pw-1 >/dev/null
dir=$UI_TMP/$user
mkdir -p "$dir/data" "$dir/config"
(umask 077 && echo wrong-pw >"$dir/wrongpw")

# run_as NAME ARGS...: a run script that starts tuktuk with ARGS.
run_as() {
	local name=$1
	shift
	{
		echo '#!/bin/sh'
		echo 'export TERM=tmux-256color'
		echo 'unset TMUX'
		printf '"%s" --jid %s@localhost --server 127.0.0.1 --port %s -d "%s" -c "%s"' \
			"$TUKTUK_BIN" "$user" "$TUKTUK_TEST_C2S_PORT" "$dir/data" "$dir/config"
		[ $# -eq 0 ] || printf ' %q' "$@"
		printf ' 2>"%s"\n' "$UI_TMP/$name.err"
		printf 'echo $? >"%s"\n' "$UI_TMP/$name.status"
	} >"$dir/$name"
	chmod +x "$dir/$name"
	if tm has-session -t ui 2>/dev/null; then
		tm new-window -d -t ui -n "$name" "$dir/$name"
	else
		tm new-session -d -s ui -n "$name" -x 100 -y 30 "$dir/$name"
		tm set-option -g status off
	fi
	tm resize-window -t "ui:$name" -x 100 -y 30
}

quit() {
	ui_type "$1" "/quit"
	ui_keys "$1" Enter
	check "$1: /quit exits 0" [ "$(ui_wait_exit "$1")" = 0 ]
}

# 1. Wrong password: asked again, nothing echoed, offered for the vault.
run_as first --ca-file "$TUKTUK_TEST_CA" --password-file "$dir/wrongpw"
check "a refused login asks for the password" ui_wait first "password for $user@localhost"
ui_type first "right-pw-1"
check "the typed password is not shown" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:first | grep -q right-pw"
check "no stars either" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:first | grep -qF '*********'"
ui_keys first Enter
check "then it logs in" ui_wait first "logged in as"
check "and offers the vault" ui_wait first "keep this password in the encrypted vault? (y/n)"
ui_keys first y
check "the password is stored" ui_wait first "password stored in the vault"
check "the vault is private (0600)" [ "$(stat -c %a "$dir/data/vault" 2>/dev/null)" = 600 ]
check "the vault does not hold the password in clear" bash -c "! grep -q right-pw-1 '$dir/data/vault'"
quit first

# 2. Next start: from the vault, no question.
run_as second --ca-file "$TUKTUK_TEST_CA"
check "the next start logs in from the vault" ui_wait second "logged in as"
check "without asking" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:second | grep -q 'password for'"

# 3. /passwd: twice, not shown; the server and the vault change.
ui_type second "/passwd"
ui_keys second Enter
check "/passwd asks for the new password" ui_wait second "new password for the server"
ui_type second "right-pw-2"
ui_keys second Enter
check "and once more" ui_wait second "the new password again"
ui_type second "right-pw-2"
ui_keys second Enter
check "the server changed it" ui_wait second "password changed on the server"
check "the vault follows" ui_wait second "the vault now holds the new password"
check "not shown" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:second | grep -q right-pw-2"
quit second
run_as third --ca-file "$TUKTUK_TEST_CA"
check "the new password from the vault works" ui_wait third "logged in as"
ui_type third "/vault passphrase"
ui_keys third Enter
check "/vault passphrase asks for one" ui_wait third "new vault passphrase"
ui_type third "pass phrase 1"
ui_keys third Enter
check "and once more" ui_wait third "the vault passphrase again"
ui_type third "pass phrase 1"
ui_keys third Enter
check "the vault is protected by it" ui_wait third "the vault is now protected by the passphrase"
check "the key file is gone" [ ! -e "$dir/data/vault.key" ]
quit third
run_as locked --ca-file "$TUKTUK_TEST_CA"
check "the next start asks for the passphrase" ui_wait locked "Vault passphrase:"
ui_type locked "pass phrase 1"
ui_keys locked Enter
check "which opens the vault and logs in" ui_wait locked "logged in as"
quit locked

# No password anywhere (a fresh data folder): the UI asks when the server
# wants one.
rm -rf "$dir/data"
mkdir -p "$dir/data"
run_as fresh --ca-file "$TUKTUK_TEST_CA"
check "with no password, the UI asks for it" ui_wait fresh "password for $user@localhost"
ui_type fresh "right-pw-2"
ui_keys fresh Enter
check "and logs in" ui_wait fresh "logged in as"
check "then offers the vault" ui_wait fresh "keep this password in the encrypted vault? (y/n)"
ui_keys fresh n
check "n keeps nothing" [ ! -e "$dir/data/vault" ]
quit fresh

# 4. Certificates: refused without the CA, trusted on purpose, pinned.
(umask 077 && echo right-pw-2 >"$dir/rightpw")
run_as fourth --password-file "$dir/rightpw"
check "an unknown certificate is refused" ui_wait fourth "certificate refused"
check "its fingerprint is shown" ui_wait fourth "SHA-256"
check "not logged in" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:fourth | grep -q 'logged in as'"
ui_type fourth "/tls trust"
ui_keys fourth Enter
check "/tls trust saves the pin" ui_wait fourth "saved: this account trusts the certificate"
check "and logs in" ui_wait fourth "logged in as"
check "the pin file is private (0600)" [ "$(stat -c %a "$dir/data/trusted-certs" 2>/dev/null)" = 600 ]
quit fourth
run_as fifth --password-file "$dir/rightpw"
check "the pinned certificate is accepted at the next start" ui_wait fifth "logged in as"
quit fifth

# --register with no password: the UI asks for one, then the account is
# created and logged in.
newuser=$(ui_user reg)
cat >"$dir/register" <<EOF2
#!/bin/sh
export TERM=tmux-256color
unset TMUX
"$TUKTUK_BIN" --jid $newuser@localhost --server 127.0.0.1 --port $TUKTUK_TEST_C2S_PORT \
	--ca-file "$TUKTUK_TEST_CA" --register -d "$dir/regdata" -c "$dir/config" 2>"$UI_TMP/register.err"
echo \$? >"$UI_TMP/register.status"
EOF2
chmod +x "$dir/register"
tm new-window -d -t ui -n register "$dir/register" 2>/dev/null ||
	tm new-session -d -s ui -n register -x 100 -y 30 "$dir/register"
tm resize-window -t ui:register -x 100 -y 30
check "--register without a password asks for one" ui_wait register "password for $newuser@localhost"
ui_type register "new-account-pw"
ui_keys register Enter
check "the account is registered" ui_wait register "account registered"
check "and logged in" ui_wait register "logged in as $newuser@localhost"
check "no 'refused' on the way" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:register | grep -q 'registration refused'"
ui_keys register n
quit register

for n in first second third locked fresh fourth fifth register; do
	check "no sanitizer report ($n)" bash -c "! grep -q 'Sanitizer' '$UI_TMP/$n.err'"
done
ui_done
