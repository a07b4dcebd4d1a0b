/* SPDX-License-Identifier: GPL-3.0-or-later */
/* console.c - the XML console: a window that shows every stanza sent and
 * received, like a telnet session, and sends what is typed into it as
 * raw XML.
 *
 * The session reports each stanza as SESSION_EV_XML, with the SASL
 * payload already redacted. Until the console is first opened, all that
 * costs is a copy into a small ring (the last 200 stanzas, at most 1 MiB),
 * so that opening it shows the login too. While the console window
 * exists, each stanza is also pretty-printed into it (xmlpretty.c), one
 * line per element, every line marked "sent" or "recv" (in the theme's
 * own-nick and other-nick colours; with several accounts, "work sent" and
 * "work recv" say whose stream it is). Its scrollback is 5,000 lines, and its
 * traffic never counts as unread: no '*', no bell, no terminal title. */
#include "ui/ui_int.h"

#include <stdlib.h>
#include <string.h>

#include "ui/xalloc.h"
#include "ui/xmlpretty.h"

#define RING_STANZAS 200
#define RING_BYTES (1024 * 1024)
#define RING_MAX_STANZA (64 * 1024) /* a bigger one is kept as a note only */
#define CONSOLE_LINES 5000

struct kept {
    time_t stamp;
    bool outgoing;
    int acct;   /* the account's index, or -1 */
    char *text; /* NULL: too big to keep; len is its size */
    size_t len;
};

struct ui_console {
    struct kept ring[RING_STANZAS];
    size_t head, count, bytes;
};

/* ---- the ring of recent stanzas ---- */

static void drop_oldest(struct ui_console *c)
{
    struct kept *k = &c->ring[c->head];
    if (k->text)
        c->bytes -= k->len;
    free(k->text);
    memset(k, 0, sizeof *k);
    c->head = (c->head + 1) % RING_STANZAS;
    c->count--;
}

static void keep(struct ui *ui, const struct session_event *ev, time_t now)
{
    if (!ui->console) {
        ui->console = xalloc_realloc(NULL, sizeof *ui->console);
        memset(ui->console, 0, sizeof *ui->console);
    }
    struct ui_console *c = ui->console;
    bool fits = ev->len <= RING_MAX_STANZA;
    while (c->count > 0 && (c->count == RING_STANZAS || (fits && c->bytes + ev->len > RING_BYTES)))
        drop_oldest(c);
    struct kept *k = &c->ring[(c->head + c->count) % RING_STANZAS];
    k->stamp = now;
    k->outgoing = ev->outgoing;
    k->acct = ui->a ? (int)ui->a->index : -1;
    k->len = ev->len;
    k->text = fits ? xalloc_strndup(ev->text, ev->len) : NULL;
    if (fits)
        c->bytes += ev->len;
    c->count++;
}

void ui_console_free(struct ui *ui)
{
    while (ui->console && ui->console->count)
        drop_oldest(ui->console);
    free(ui->console);
    ui->console = NULL;
}

/* ---- showing stanzas ---- */

struct show {
    struct ui *ui;
    struct chatwin *w;
    time_t stamp;
    enum chatline_kind kind;
    size_t lines;
    char nick[80];
};

static int show_line(void *ud, const char *line, size_t len)
{
    struct show *s = ud;
    /* More lines than the scrollback would only push themselves out. */
    if (s->lines + 1 >= s->w->max) {
        ui_info(s->ui, s->w, CHATLINE_INFO, "(cut after %zu lines; --xml-log keeps it whole)",
                s->lines);
        return 1;
    }
    ui_add_line(s->ui, s->w, s->stamp, s->kind, s->nick, line);
    s->lines++;
    return 0;
}

/* "sent" or "recv"; with several accounts, "work sent". */
static void nick_of(struct ui *ui, int acct, bool outgoing, char *buf, size_t len)
{
    const char *dir = outgoing ? "sent" : "recv";
    if (ui->naccts > 1 && acct >= 0 && (size_t)acct < ui->naccts)
        snprintf(buf, len, "%s %s", ui->accts[acct]->name, dir);
    else
        snprintf(buf, len, "%s", dir);
}

static void show(struct ui *ui, struct chatwin *w, time_t stamp, bool outgoing, int acct,
                 const char *text, size_t len)
{
    struct show s = {ui, w, stamp, outgoing ? CHATLINE_OUT : CHATLINE_IN, 0, ""};
    nick_of(ui, acct, outgoing, s.nick, sizeof s.nick);
    xmlpretty(text, len, show_line, &s);
}

static void show_kept(struct ui *ui, struct chatwin *w, const struct kept *k)
{
    char nick[80];
    nick_of(ui, k->acct, k->outgoing, nick, sizeof nick);
    if (k->text)
        show(ui, w, k->stamp, k->outgoing, k->acct, k->text, k->len);
    else
        ui_add_line(ui, w, k->stamp, k->outgoing ? CHATLINE_OUT : CHATLINE_IN, nick,
                    "(a stanza too big to keep before the console was opened)");
}

void ui_console_stanza(struct ui *ui, const struct session_event *ev)
{
    if (!ev->text)
        return;
    time_t now = time(NULL);
    keep(ui, ev, now);
    struct chatwin *w = chatwins_find_kind(&ui->wins, CHATWIN_XML, NULL);
    if (w)
        show(ui, w, now, ev->outgoing, ui->a ? (int)ui->a->index : -1, ev->text, ev->len);
}

void ui_console_open(struct ui *ui)
{
    size_t idx;
    if (!chatwins_find_kind(&ui->wins, CHATWIN_XML, &idx)) {
        unsigned max = ui->wins.scrollback < CONSOLE_LINES ? ui->wins.scrollback : CONSOLE_LINES;
        struct chatwin *w = chatwins_add(&ui->wins, CHATWIN_XML, "xml", max);
        idx = ui->wins.n - 1;
        size_t n = ui->console ? ui->console->count : 0;
        ui_info(ui, w, CHATLINE_INFO,
                "XML console: stanzas sent> and recv>, SASL payloads redacted; XML typed here "
                "is sent as it is.%s",
                n ? " The stanzas from before it was opened:" : "");
        for (size_t i = 0; i < n; i++)
            show_kept(ui, w, &ui->console->ring[(ui->console->head + i) % RING_STANZAS]);
    }
    ui_select_window(ui, idx);
}

void ui_console_send(struct ui *ui, const char *xml)
{
    char err[512];
    if (session_send_raw(ui->a->session, xml, err, sizeof err) == 0)
        return;
    for (char *p = err; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' '; /* one line, whatever the parser said */
    ui_status_error(ui, "not sent: %s", err);
}
