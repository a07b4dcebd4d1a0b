/* queries.c - asking other entities about themselves, and showing the
 * answers: /version (XEP-0092), /ping (XEP-0199), /disco (XEP-0030,
 * disco#info) and /vcard (XEP-0054).
 *
 * Queries go out through session_send_iq; the answer comes back as
 * SESSION_EV_IQ_RESULT with the id the session gave, matched here
 * against a small ring of the queries still waiting (the oldest is
 * forgotten when more than 16 wait, and its answer is then shown raw,
 * like any other). iqview.c pulls the few values shown out of the
 * answer's text. Answers are shown in the window that is current when
 * they arrive. vCards have their own calls and event in the session. */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/iqview.h"
#include "ui/xalloc.h"
#include "xmpp/jid.h"

#define PENDING 16

enum query_kind { QUERY_NONE, QUERY_VERSION, QUERY_PING, QUERY_DISCO };

struct query {
    enum query_kind kind;
    char id[48];
    char *jid;
    uint64_t sent; /* uv_now */
};

struct ui_iq {
    struct query q[PENDING];
    size_t next;
};

static struct ui_iq *iqs(struct ui *ui)
{
    if (!ui->iqs) {
        ui->iqs = xalloc_realloc(NULL, sizeof *ui->iqs);
        memset(ui->iqs, 0, sizeof *ui->iqs);
    }
    return ui->iqs;
}

void ui_iq_free(struct ui *ui)
{
    if (!ui->iqs)
        return;
    for (size_t i = 0; i < PENDING; i++)
        free(ui->iqs->q[i].jid);
    free(ui->iqs);
    ui->iqs = NULL;
}

static struct chatwin *here(struct ui *ui)
{
    return chatwins_current(&ui->wins);
}

/* Software version and ping are answered by clients, not accounts: a
 * contact's bare JID means its best resource. */
static char *target(struct ui *ui, const char *jid)
{
    const struct roster_item *it =
        strchr(jid, '/') ? NULL : roster_find(session_roster(ui->session), jid);
    const struct roster_resource *best = it ? roster_best(it) : NULL;
    if (!best || !best->name || !best->name[0])
        return xalloc_strdup(jid);
    size_t n = strlen(jid) + strlen(best->name) + 2;
    char *full = xalloc_realloc(NULL, n);
    snprintf(full, n, "%s/%s", jid, best->name);
    return full;
}

static char *server_of(struct ui *ui)
{
    const char *at = strchr(session_bare_jid(ui->session), '@');
    return xalloc_strdup(at ? at + 1 : session_bare_jid(ui->session));
}

static void send_query(struct ui *ui, enum query_kind kind, char *to, const char *child,
                       const char *what)
{
    struct ui_iq *p = iqs(ui);
    struct query *q = &p->q[p->next];
    char id[48];
    if (session_send_iq(ui->session, to, "get", child, id, sizeof id) != 0) {
        ui_status_error(ui, "%s: you are not online", what);
        free(to);
        return;
    }
    free(q->jid);
    *q = (struct query){.kind = kind, .jid = to, .sent = uv_now(ui->loop)};
    snprintf(q->id, sizeof q->id, "%s", id);
    p->next = (p->next + 1) % PENDING;
}

void ui_query_version(struct ui *ui, const char *jid)
{
    send_query(ui, QUERY_VERSION, target(ui, jid), "<query xmlns='jabber:iq:version'/>",
               "/version");
}

void ui_query_ping(struct ui *ui, const char *jid)
{
    send_query(ui, QUERY_PING, jid ? target(ui, jid) : server_of(ui),
               "<ping xmlns='urn:xmpp:ping'/>", "/ping");
}

void ui_query_disco(struct ui *ui, const char *jid)
{
    send_query(ui, QUERY_DISCO, jid ? xalloc_strdup(jid) : server_of(ui),
               "<query xmlns='http://jabber.org/protocol/disco#info'/>", "/disco");
}

/* ---- answers ---- */

static void show_version(struct ui *ui, const struct query *q, const char *xml, size_t len)
{
    char name[256] = "", version[256] = "", os[256] = "";
    iqview_text(xml, len, "name", name, sizeof name);
    iqview_text(xml, len, "version", version, sizeof version);
    iqview_text(xml, len, "os", os, sizeof os);
    ui_info(ui, here(ui), CHATLINE_INFO, "%s runs %s%s%s%s%s%s", q->jid,
            name[0] ? name : "(no name)", version[0] ? " " : "", version, os[0] ? " (" : "", os,
            os[0] ? ")" : "");
}

static void show_identities(struct ui *ui, const char *xml, size_t len)
{
    size_t pos = 0, taglen;
    const char *tag;
    while (iqview_next_tag(xml, len, &pos, "identity", &tag, &taglen)) {
        char cat[128] = "?", type[128] = "?", name[256] = "";
        iqview_attr(tag, taglen, "category", cat, sizeof cat);
        iqview_attr(tag, taglen, "type", type, sizeof type);
        iqview_attr(tag, taglen, "name", name, sizeof name);
        ui_info(ui, here(ui), CHATLINE_INFO, "  identity: %s/%s%s%s%s", cat, type,
                name[0] ? " \"" : "", name, name[0] ? "\"" : "");
    }
}

static void show_disco(struct ui *ui, const struct query *q, const char *xml, size_t len)
{
    size_t pos = 0, taglen, n = 0;
    const char *tag;
    ui_info(ui, here(ui), CHATLINE_INFO, "disco#info of %s:", q->jid);
    show_identities(ui, xml, len);
    while (iqview_next_tag(xml, len, &pos, "feature", &tag, &taglen)) {
        char var[512];
        if (iqview_attr(tag, taglen, "var", var, sizeof var)) {
            ui_info(ui, here(ui), CHATLINE_INFO, "  feature: %s", var);
            n++;
        }
    }
    if (n == 0)
        ui_info(ui, here(ui), CHATLINE_INFO, "  no features");
}

static void show_answer(struct ui *ui, const struct query *q, const struct session_event *ev)
{
    static const char *const names[] = {"", "version", "ping", "disco#info"};
    uint64_t ms = uv_now(ui->loop) - q->sent;
    bool ok = ev->condition && strcmp(ev->condition, "result") == 0;
    const char *xml = ev->text ? ev->text : "";
    size_t len = ev->text ? ev->len : 0;
    if (q->kind == QUERY_PING && ok)
        ui_info(ui, here(ui), CHATLINE_INFO, "pong from %s: %llu ms", q->jid,
                (unsigned long long)ms);
    else if (!ok)
        ui_info(ui, here(ui), CHATLINE_ERROR, "%s of %s: %s (after %llu ms)", names[q->kind],
                q->jid, ev->condition ? ev->condition : "error", (unsigned long long)ms);
    else if (q->kind == QUERY_VERSION)
        show_version(ui, q, xml, len);
    else
        show_disco(ui, q, xml, len);
}

bool ui_query_answer(struct ui *ui, const struct session_event *ev)
{
    if (!ui->iqs || !ev->id)
        return false;
    for (size_t i = 0; i < PENDING; i++) {
        struct query *q = &ui->iqs->q[i];
        if (q->kind == QUERY_NONE || strcmp(q->id, ev->id) != 0)
            continue;
        show_answer(ui, q, ev);
        free(q->jid);
        memset(q, 0, sizeof *q);
        return true;
    }
    return false;
}

/* ---- vCards ---- */

void ui_query_vcard(struct ui *ui, const char *jid)
{
    if (session_vcard_request(ui->session, jid) != 0)
        ui_status_error(ui, "/vcard: you are not online");
}

void ui_vcard_set(struct ui *ui, const char *field, const char *value)
{
    if (session_vcard_set(ui->session, field, value) != 0) {
        ui_status_error(ui, "/vcard set: %s",
                        session_state(ui->session) == SESSION_ONLINE ? "not a valid value"
                                                                     : "you are not online");
        return;
    }
}

static void show_card(struct ui *ui, const char *jid, const struct session_vcard *v)
{
    const struct {
        const char *label, *value;
    } f[] = {{"FN", v->fn},   {"NICKNAME", v->nickname}, {"EMAIL", v->email},
             {"URL", v->url}, {"BDAY", v->bday},         {"TEL", v->tel},
             {"ORG", v->org}, {"TITLE", v->title},       {"NOTE", v->note}};
    size_t shown = 0;
    ui_info(ui, here(ui), CHATLINE_INFO, "vCard of %s:", jid);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (f[i].value && f[i].value[0]) {
            ui_info(ui, here(ui), CHATLINE_INFO, "  %s: %s", f[i].label, f[i].value);
            shown++;
        }
    }
    if (!shown)
        ui_info(ui, here(ui), CHATLINE_INFO, "  (empty)");
}

/* The session reports a card (for /vcard) or, without one, the outcome
 * of /vcard set; an empty card also comes without one. */
void ui_vcard_event(struct ui *ui, const struct session_event *ev)
{
    const char *jid = ev->jid ? ev->jid : session_bare_jid(ui->session);
    bool ok = !ev->condition || strcmp(ev->condition, "result") == 0;
    if (ev->vcard) {
        show_card(ui, jid, ev->vcard);
        return;
    }
    bool setting = ev->sub_type && strcmp(ev->sub_type, "set") == 0;
    if (setting && ok)
        ui_info(ui, here(ui), CHATLINE_INFO, "your vCard is saved");
    else if (setting)
        ui_info(ui, here(ui), CHATLINE_ERROR, "your vCard is not saved: %s", ev->condition);
    else if (ok)
        ui_info(ui, here(ui), CHATLINE_INFO, "%s has no vCard", jid);
    else
        ui_info(ui, here(ui), CHATLINE_ERROR, "vCard of %s: %s", jid, ev->condition);
}
