-- SPDX-License-Identifier: GPL-3.0-or-later
-- mod_tuktuk_echo: a built-in chat partner for the demo and the tests.
--
-- echo@HOST answers every chat message with the same text prefixed
-- "echo: ", and shows as available ("I repeat what you say") to anyone
-- who probes it or subscribes to it. The account needs no session, and
-- need not even exist: this module answers on its behalf.
--
-- Load it on a VirtualHost: modules_enabled = { "tuktuk_echo" }.

local st = require "util.stanza";
local jid_bare = require "util.jid".bare;
local jid_split = require "util.jid".split;

local echo_bare = module:get_option_string("tuktuk_echo_user", "echo") .. "@" .. module.host;
local echo_full = echo_bare .. "/bot";
local status_text = module:get_option_string("tuktuk_echo_status", "I repeat what you say");

local function is_echo(jid)
	return jid and jid_bare(jid) == echo_bare;
end

local function available_presence(to)
	return st.presence({ from = echo_full, to = to })
		:text_tag("show", "chat")
		:text_tag("status", status_text)
		:text_tag("priority", "0");
end

-- RFC 6121 §5.2.2: answer a chat to the sender's full JID, with the same
-- type. Errors, groupchat and body-less messages (chat states, receipts)
-- get no answer, so that two bots can never loop.
local function on_message(event)
	local stanza = event.stanza;
	if not is_echo(stanza.attr.to) then return; end
	local t = stanza.attr.type or "normal";
	if t == "error" or t == "groupchat" then return true; end
	local body = stanza:get_child_text("body");
	if not body or not stanza.attr.from then return true; end
	local reply = st.message({
		from = echo_full;
		to = stanza.attr.from;
		type = t == "normal" and "chat" or t;
		id = "echo-" .. (stanza.attr.id or tostring(os.time()));
	}):text_tag("body", "echo: " .. body);
	module:send(reply);
	return true;
end

-- Probes (sent when a user who has echo in the roster comes online),
-- subscription requests (auto-approved) and directed presence all get an
-- available presence in return.
local function on_presence(event)
	local stanza = event.stanza;
	if not is_echo(stanza.attr.to) then return; end
	local from = stanza.attr.from;
	if not from then return true; end
	local t = stanza.attr.type;
	local from_bare = jid_bare(from);
	if t == "subscribe" then
		module:send(st.presence({ from = echo_bare, to = from_bare, type = "subscribed" }));
		module:send(available_presence(from_bare));
	elseif t == "probe" then
		module:send(available_presence(from));
	elseif t == nil then
		-- Directed or broadcast available presence: say hello back, but
		-- only to a user of our own host.
		local _, host = jid_split(from);
		if host == module.host then
			module:send(available_presence(from));
		end
	end
	return true;
end

module:hook("message/bare", on_message, 100);
module:hook("message/full", on_message, 100);
module:hook("presence/bare", on_presence, 100);
module:hook("presence/full", on_presence, 100);

module:log("info", "echo bot answering as %s", echo_full);
