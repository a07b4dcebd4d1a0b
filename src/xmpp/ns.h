/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ns.h - every XML namespace the protocol layer speaks, in one place, so
 * that a feature file names a constant and a typo is a compile error.
 * The stream's own (jabber:client, the streams namespace) live in
 * xml/stanza.h, where the parser needs them. */
#ifndef TUKTUK_NS_H
#define TUKTUK_NS_H

#define NS_TLS "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_SASL "urn:ietf:params:xml:ns:xmpp-sasl"
#define NS_BIND "urn:ietf:params:xml:ns:xmpp-bind"
#define NS_SESSION "urn:ietf:params:xml:ns:xmpp-session"
#define NS_STREAMS "urn:ietf:params:xml:ns:xmpp-streams"
#define NS_STANZAS "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_ROSTER "jabber:iq:roster"
#define NS_ROSTERVER "urn:xmpp:features:rosterver"
#define NS_PING "urn:xmpp:ping"
#define NS_DELAY "urn:xmpp:delay"
#define NS_CAPS "http://jabber.org/protocol/caps"
#define NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define NS_VERSION "jabber:iq:version"
#define NS_REGISTER "jabber:iq:register"
#define NS_TIME "urn:xmpp:time"
#define NS_CARBONS "urn:xmpp:carbons:2"
#define NS_FORWARD "urn:xmpp:forward:0"
#define NS_RECEIPTS "urn:xmpp:receipts"
#define NS_CHATSTATES "http://jabber.org/protocol/chatstates"
#define NS_CORRECT "urn:xmpp:message-correct:0"
#define NS_DATA "jabber:x:data"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_HTTP_UPLOAD "urn:xmpp:http:upload:0" /* XEP-0363 */
#define NS_OOB "jabber:x:oob"                     /* XEP-0066 */
#define NS_SASL_CB "urn:xmpp:sasl-cb:0"
#define NS_SM "urn:xmpp:sm:3"
#define NS_PUBSUB "http://jabber.org/protocol/pubsub"
#define NS_PUBSUB_OWNER NS_PUBSUB "#owner"
#define NS_VCARD "vcard-temp"
#define NS_VCARD4 "urn:ietf:params:xml:ns:vcard-4.0"
#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER NS_MUC "#user"
#define NS_MUC_OWNER NS_MUC "#owner"
#define NS_MUC_ADMIN NS_MUC "#admin"
#define NS_CONFERENCE "jabber:x:conference"
#define NS_HINTS "urn:xmpp:hints"
#define NS_BLOCKING "urn:xmpp:blocking"
#define NS_PRIVATE "jabber:iq:private"
#define NS_SID "urn:xmpp:sid:0"
#define NS_MAM "urn:xmpp:mam:2"
#define NS_RSM "http://jabber.org/protocol/rsm"
#define NS_PUBSUB_EVENT NS_PUBSUB "#event"
#define NS_OMEMO "eu.siacs.conversations.axolotl"
#define NS_EME "urn:xmpp:eme:0"

#endif
