/* SPDX-License-Identifier: GPL-3.0-or-later */
/* files.c - files in chats: /upload, /download, /open, the numbered
 * links in messages, and a progress line for each transfer.
 *
 * An upload asks the session for a slot (XEP-0363, xmpp/upload.c), PUTs
 * the file over HTTPS (net/http.c, in our loop), and only once the server
 * has the whole file sends its link, as a message with an out-of-band
 * element (XEP-0066). A download fetches a link into the downloads folder
 * (core/files.c: a .part file, a safe name that replaces nothing, and an
 * aesgcm:// link decrypted on the way, XEP-0454).
 *
 * In a chat where OMEMO is on, an upload is encrypted (XEP-0454): a fresh
 * key and IV for the file (core/aesgcm.c), the ciphertext and its tag
 * streamed to the slot, and the aesgcm:// link, which holds the key, sent
 * only inside an OMEMO message, without the out-of-band element (it would
 * go in clear). The key is on no screen: links are shown without their
 * fragment (files_hide_keys), and every copy of it is wiped when freed.
 *
 * A transfer is stopped with /upload cancel, or with a key (M-c by
 * default: cancel-transfer), which stops the newest one of the window.
 *
 * Each transfer has one info line in the window that started it, which is
 * rewritten in place with a bar, percent, bytes, rate and time left. The
 * numbers change at every packet, but the line is rewritten at most four
 * times a second (a 250 ms timer while something runs), so that a fast
 * transfer does not turn into a stream of screen updates over SSH. */
#include "ui/ui_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/files.h"
#include "core/omemochat.h"
#include "core/pins.h"
#include "net/http.h"
#include "ui/commands.h"
#include "ui/xalloc.h"

#define LINKS_KEPT 100
#define REPAINT_MS 250

struct transfer {
    struct transfer *next;
    struct ui *ui;
    unsigned long number;
    bool upload, running;
    char *name;    /* shown */
    char *window;  /* JID of the window that started it; NULL: status */
    struct ui_acct *acct; /* ...and the account it was started for */
    char *to;      /* upload: where the link goes */
    char *get_url; /* upload: the link, once the slot came */
    bool room;
    int fd;                  /* upload: the file */
    unsigned long long size; /* upload: its size */
    bool encrypted;          /* upload: aesgcm://, into an OMEMO chat */
    bool waiting_keys;       /* uploaded; its link waits for the peer's OMEMO keys */
    struct aesgcm_link key;  /* encrypted: the file's key and IV */
    struct aesgcm_seal *seal;
    struct http_xfer *http;
    struct download *dl;
    uint64_t done, total;
    uint64_t started; /* uv_now */
    char line_id[32]; /* the progress line's id in its window */
};

struct ui_files {
    struct http *http;
    uv_timer_t repaint;
    struct transfer *list;
    unsigned long next_number;
    char *links[LINKS_KEPT]; /* ring: link number n is links[(n - 1) % LINKS_KEPT] */
    unsigned long nlinks;    /* links ever numbered */
    unsigned long newest;    /* the number of the newest message's link: /download's */
};

static struct ui_files *files_of(struct ui *ui)
{
    if (!ui->files) {
        ui->files = xalloc_realloc(NULL, sizeof *ui->files);
        memset(ui->files, 0, sizeof *ui->files);
        uv_timer_init(ui->loop, &ui->files->repaint);
        ui->files->repaint.data = ui;
    }
    return ui->files;
}

static struct chatwin *window_of(struct ui *ui, const struct transfer *t)
{
    /* The window is its account's (chatwins_find sees the context's). */
    int was = ui->wins.acct;
    if (t->acct)
        ui->wins.acct = (int)t->acct->index;
    struct chatwin *w = t->window ? chatwins_find(&ui->wins, t->window, NULL) : NULL;
    ui->wins.acct = was;
    return w ? w : ui->wins.w[0];
}

static void human(uint64_t n, char *out, size_t cap)
{
    if (n >= 1000000000ull)
        snprintf(out, cap, "%.2f GB", (double)n / 1e9);
    else if (n >= 1000000)
        snprintf(out, cap, "%.1f MB", (double)n / 1e6);
    else if (n >= 1000)
        snprintf(out, cap, "%.1f kB", (double)n / 1e3);
    else
        snprintf(out, cap, "%llu B", (unsigned long long)n);
}

/* "upload a.png [#####-----] 50% 2.5 MB/5.0 MB 1.2 MB/s 2 s left" */
static void progress_text(struct ui *ui, const struct transfer *t, char *out, size_t cap)
{
    double secs = (double)(uv_now(ui->loop) - t->started) / 1000.0;
    double rate = secs > 0.05 ? (double)t->done / secs : 0;
    char done[32], total[32], r[32], bar[21];
    human(t->done, done, sizeof done);
    human(t->total, total, sizeof total);
    human((uint64_t)rate, r, sizeof r);
    unsigned pct = t->total ? (unsigned)(t->done * 100 / t->total) : 0;
    for (int i = 0; i < 20; i++)
        bar[i] = t->total && (uint64_t)i * t->total < t->done * 20 ? '#' : '-';
    bar[20] = '\0';
    char left[32] = "?";
    if (rate > 0 && t->total >= t->done)
        snprintf(left, sizeof left, "%.0f s", (double)(t->total - t->done) / rate);
    snprintf(out, cap, "%s %s [%s] %u%% %s/%s %s/s %s left (M-c or /upload cancel stops it)",
             t->upload ? "upload" : "download", t->name, bar, pct, done, t->total ? total : "?", r,
             left);
}

/* The transfer's line says text now: rewritten in place, or added when
 * it has scrolled out of reach. */
static void set_line(struct ui *ui, struct transfer *t, enum chatline_kind kind, const char *text)
{
    struct chatwin *w = window_of(ui, t);
    struct chatline *l = chatwin_find_id(w, t->line_id);
    if (!l) {
        ui_add_msg(ui, w, time(NULL), kind, NULL, text, t->line_id, false);
        return;
    }
    free(l->text);
    l->text = xalloc_strdup(text);
    l->kind = kind;
    l->rows = 0; /* rewrap */
    if (w == chatwins_current(&ui->wins))
        ui_dirty(ui, UI_DIRTY_CHAT);
}

static void show_progress(struct ui *ui, struct transfer *t)
{
    char text[512];
    progress_text(ui, t, text, sizeof text);
    set_line(ui, t, CHATLINE_INFO, text);
}

static void on_repaint(uv_timer_t *timer)
{
    struct ui *ui = timer->data;
    bool any = false;
    for (struct transfer *t = ui->files->list; t; t = t->next)
        if (t->running) {
            show_progress(ui, t);
            any = true;
        }
    if (!any)
        uv_timer_stop(timer);
}

static void remove_transfer(struct ui *ui, struct transfer *t)
{
    for (struct transfer **p = &ui->files->list; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    if (t->fd >= 0)
        close(t->fd);
    download_abort(t->dl);
    aesgcm_seal_free(t->seal);
    aesgcm_link_clear(&t->key);
    free(t->name);
    free(t->window);
    free(t->to);
    aesgcm_link_free(t->get_url); /* an aesgcm:// link holds the key: wiped */
    free(t);
}

static struct transfer *new_transfer(struct ui *ui, bool upload, const char *name,
                                     const struct chatwin *w)
{
    struct ui_files *f = files_of(ui);
    struct transfer *t = xalloc_realloc(NULL, sizeof *t);
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->ui = ui;
    t->acct = ui->a;
    t->upload = upload;
    t->number = ++f->next_number;
    t->name = xalloc_strdup(name);
    if (w && w->jid) {
        t->window = xalloc_strdup(w->jid);
    }
    snprintf(t->line_id, sizeof t->line_id, "transfer-%lu", t->number);
    t->next = f->list;
    f->list = t;
    return t;
}

/* One line where the transfer started, for its end: its progress line
 * becomes the outcome. */
static void say_end(struct ui *ui, struct transfer *t, enum chatline_kind kind, const char *fmt,
                    const char *a, const char *b)
{
    char text[4608]; /* a path of PATH_MAX, and the words around it */
    snprintf(text, sizeof text, fmt, a, b ? b : "");
    set_line(ui, t, kind, text);
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
    struct transfer *t = ud;
    t->done = done;
    if (total)
        t->total = total;
}

static void start_repaint(struct ui *ui, struct transfer *t)
{
    t->running = true;
    t->started = uv_now(ui->loop);
    show_progress(ui, t);
    if (!uv_is_active((uv_handle_t *)&ui->files->repaint))
        uv_timer_start(&ui->files->repaint, on_repaint, REPAINT_MS, REPAINT_MS);
}

/* The trust of the XMPP connection, for HTTPS too. */
static void trust(struct ui *ui, struct http_request *r, char *pin, size_t pinlen)
{
    r->ca_file = ui->a->http_ca_file;
    pin[0] = '\0';
    if (ui->data_dir && pins_get(ui->data_dir, session_bare_jid(ui->a->session), pin, pinlen) == 1)
        r->pinned_sha256 = pin;
}

/* ---- upload ---- */

/* The file is on the server: its link goes to the chat, and the
 * transfer ends (unless the link waits for the peer's OMEMO keys). */
static void send_link(struct ui *ui, struct transfer *t)
{
    char id[64] = "", nick[256], err[512] = "";
    const char *url = t->get_url;
    /* Called when the transfer ends: the link goes from its account. */
    if (t->acct)
        ui_use_account(ui, t->acct);
    struct chatwin *w = window_of(ui, t);
    int rc;
    if (t->encrypted) {
        /* The first file to a contact may be up before its keys are in:
         * ui_files_omemo_ready sends it then. */
        bool online = session_state(ui->a->session) == SESSION_ONLINE;
        if (!ui->a->omemo) {
            rc = -1;
            snprintf(err, sizeof err, "%s", ui->a->omemo_off);
        } else if (!online && (omemochat_busy(ui->a->omemo, t->to) ||
                               !omemochat_ready(ui->a->omemo, t->to))) {
            rc = -1; /* offline, it waits in the outbox only once encrypted (ui/omemo.c) */
            snprintf(err, sizeof err, "you are not online, and %s's OMEMO keys are not all here",
                     t->to);
        } else if (omemochat_busy(ui->a->omemo, t->to)) {
            t->waiting_keys = true;
            say_end(ui, t, CHATLINE_INFO,
                    "upload %s done (encrypted); its link goes once %s's OMEMO keys are in",
                    t->name, t->to);
            return;
        } else {
            rc = omemochat_send(ui->a->omemo, t->to, url, NULL, id, sizeof id, err, sizeof err);
        }
        if (rc < 0) {
            say_end(ui, t, CHATLINE_ERROR,
                    "upload %s done, but its encrypted link was not sent (nothing in clear "
                    "either): %s",
                    t->name, err);
            remove_transfer(ui, t);
            return;
        }
    } else {
        rc = session_send_file_link(ui->a->session, t->to, t->room ? "groupchat" : "chat", url, id,
                                    sizeof id);
    }
    say_end(ui, t, CHATLINE_INFO, "upload %s done%s", t->name,
            t->encrypted ? " (encrypted, aesgcm://)" : "");
    if (rc < 0) {
        ui_info(ui, w, CHATLINE_ERROR, "the link to %s was not sent (%s)", t->name, url);
    } else if (!t->room || t->encrypted) {
        /* A room shows a plain link when it sends it back; its encrypted
         * copy this device cannot read, so that line is ours to show. */
        time_t now = time(NULL);
        const struct muc_room *r = t->room ? session_muc_room(ui->a->session, t->to) : NULL;
        const char *me = r && r->nick ? r->nick : ui_self_nick(ui, nick, sizeof nick);
        ui_keep_message(ui, &(struct keep){.conv = t->to,
                                           .from = r ? me : session_bare_jid(ui->a->session),
                                           .text = url, .stamp = now, .out = true, .sent_id = id,
                                           .encrypted = t->encrypted});
        struct chatline *l = ui_show_message(ui, w, now, true, me, url, id);
        if (l) {
            l->pending = rc == 1; /* held until we are online: the outbox */
            l->encrypted = t->encrypted;
        }
    }
    remove_transfer(ui, t);
}

void ui_files_omemo_ready(struct ui *ui)
{
    for (struct transfer *t = ui->files ? ui->files->list : NULL, *next; t; t = next) {
        next = t->next;
        if (t->waiting_keys && t->acct == ui->a &&
            (!ui->a->omemo || !omemochat_busy(ui->a->omemo, t->to))) {
            t->waiting_keys = false;
            send_link(ui, t);
        }
    }
}

static void on_upload_done(void *ud, const char *error)
{
    struct transfer *t = ud;
    struct ui *ui = t->ui;
    t->http = NULL;
    t->running = false;
    if (error) {
        say_end(ui, t, CHATLINE_ERROR, "upload %s failed, nothing was sent: %s", t->name, error);
        remove_transfer(ui, t);
        return;
    }
    send_link(ui, t);
}

/* curl asks for the next bytes of an encrypted upload. */
static long on_seal(void *ud, char *buf, size_t len, char *err, size_t errlen)
{
    struct transfer *t = ud;
    long n = aesgcm_seal_read(t->seal, (unsigned char *)buf, len);
    if (n < 0)
        snprintf(err, errlen, "cannot read or encrypt the file: %s", strerror(errno));
    return n;
}

static struct transfer *find_number(struct ui *ui, unsigned long n)
{
    for (struct transfer *t = ui->files ? ui->files->list : NULL; t; t = t->next)
        if (t->number == n)
            return t;
    return NULL;
}

/* A type other clients can show: from the extension, else bytes. */
static const char *content_type(const char *name)
{
    static const char *const types[][2] = {
        {"png", "image/png"},  {"jpg", "image/jpeg"},      {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},  {"webp", "image/webp"},     {"txt", "text/plain"},
        {"log", "text/plain"}, {"pdf", "application/pdf"}, {"mp4", "video/mp4"},
        {"ogg", "audio/ogg"},  {"mp3", "audio/mpeg"},      {"zip", "application/zip"}};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(dot + 1, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

void ui_files_slot(struct ui *ui, const struct session_event *ev)
{
    struct transfer *t = ev->id ? find_number(ui, strtoul(ev->id, NULL, 10)) : NULL;
    if (!t || t->http)
        return;
    if (!ev->slot) {
        say_end(ui, t, CHATLINE_ERROR, "upload %s refused, nothing was sent: %s", t->name,
                ev->text ? ev->text : ev->condition);
        remove_transfer(ui, t);
        return;
    }
    if (t->encrypted) {
        t->get_url = aesgcm_link_format(ev->slot->get_url, &t->key);
        t->seal = t->get_url ? aesgcm_seal_new(&t->key, t->fd) : NULL;
        if (!t->seal) {
            say_end(ui, t, CHATLINE_ERROR, "upload %s failed, nothing was sent: %s", t->name,
                    t->get_url ? "cannot start the encryption"
                               : "the service's link is not https:// (XEP-0454 needs it)");
            remove_transfer(ui, t);
            return;
        }
    } else {
        t->get_url = xalloc_strdup(ev->slot->get_url);
    }
    char pin[PINS_FINGERPRINT_LEN], err[300];
    struct http_request r = {.put = true,
                             .url = ev->slot->put_url,
                             .content_type = content_type(t->name),
                             .headers = ev->slot->headers,
                             .upload_fd = t->fd,
                             .upload_size = t->size + (t->encrypted ? AESGCM_TAG_LEN : 0),
                             .source = t->encrypted ? on_seal : NULL,
                             .stall_s = ui->opt.http_stall_s,
                             .rate_limit = ui->opt.rate_limit_kb * 1000ull,
                             .progress = on_progress,
                             .done = on_upload_done,
                             .ud = t};
    trust(ui, &r, pin, sizeof pin);
    t->total = r.upload_size;
    if (!(t->http = http_start(ui->files->http, &r, err, sizeof err))) {
        say_end(ui, t, CHATLINE_ERROR, "upload %s failed, nothing was sent: %s", t->name, err);
        remove_transfer(ui, t);
        return;
    }
    start_repaint(ui, t);
}

static char *expand_home(const char *path)
{
    const char *home = getenv("HOME");
    size_t n = strlen(path) + (home ? strlen(home) : 0) + 2;
    char *out = xalloc_realloc(NULL, n);
    if (path[0] == '~' && (path[1] == '/' || !path[1]) && home)
        snprintf(out, n, "%s%s", home, path + 1);
    else
        snprintf(out, n, "%s", path);
    return out;
}

static void cancel(struct ui *ui, struct transfer *t)
{
    if (t->http)
        http_cancel(t->http); /* its done says so and removes it */
    else {
        say_end(ui, t, CHATLINE_ERROR, "%s cancelled, nothing was sent%s", t->name, "");
        remove_transfer(ui, t);
    }
}

/* The newest transfer that started in w, or NULL. */
static struct transfer *newest_in(struct ui *ui, struct chatwin *w)
{
    for (struct transfer *t = ui->files ? ui->files->list : NULL; t; t = t->next)
        if (window_of(ui, t) == w)
            return t;
    return NULL;
}

void ui_cmd_upload_cancel(struct ui *ui, const struct command *c)
{
    /* The current window's newest, else the newest of all (the list
     * has the newest first). */
    struct transfer *t = newest_in(ui, chatwins_current(&ui->wins));
    if (!t && !(t = ui->files ? ui->files->list : NULL)) {
        ui_status_error(ui, "no transfer is running");
        return;
    }
    cancel(ui, t);
}

void ui_files_cancel_key(struct ui *ui)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    struct transfer *t = newest_in(ui, w);
    if (!t) {
        ui_info(ui, w, CHATLINE_INFO,
                "no transfer in this window (/upload cancel stops the newest of all)");
        return;
    }
    cancel(ui, t);
}

void ui_cmd_upload(struct ui *ui, const struct command *c)
{
    struct chatwin *w = chatwins_current(&ui->wins);
    if (w->kind != CHATWIN_CHAT && w->kind != CHATWIN_ROOM) {
        ui_status_error(ui, "/upload sends to the current chat or room: open one first");
        return;
    }
    /* In an encrypted chat, the file is encrypted too, and the link
     * goes inside an OMEMO message: never in clear. */
    bool encrypt = ui_omemo_on(ui, w);
    /* Not known yet whether the contact uses OMEMO (just asked): a text
     * message would wait for the answer; a file is not sent in clear on
     * a guess either. */
    if (!encrypt && w->kind == CHATWIN_CHAT && w->omemo == 0 && ui->a->omemo &&
        omemochat_has_devices(ui->a->omemo, w->jid) < 0) {
        ui_info(ui, w, CHATLINE_ERROR,
                "not uploaded: whether %s uses OMEMO is not known yet (asked now); try again "
                "in a moment, or /omemo off to send it in plaintext",
                w->jid);
        return;
    }
    if (encrypt && !ui->a->omemo) {
        ui_info(ui, w, CHATLINE_ERROR, "not uploaded: OMEMO is on in this chat, but %s",
                ui->a->omemo_off);
        return;
    }
    struct ui_files *f = files_of(ui);
    if (!f->http && !(f->http = http_new(ui->loop))) {
        ui_status_error(ui, "cannot upload: HTTP could not start");
        return;
    }
    char *path = expand_home(c->arg[0]);
    /* Tab leaves a space after what it completed */
    for (size_t n = strlen(path); n > 0 && path[n - 1] == ' '; n--)
        path[n - 1] = '\0';
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ui_info(ui, w, CHATLINE_ERROR, "cannot upload %s: %s", path,
                fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        free(path);
        return;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char name[256];
    files_sanitise_name(base, name, sizeof name);
    free(path);
    struct transfer *t = new_transfer(ui, true, name, w);
    t->fd = fd;
    t->size = (unsigned long long)st.st_size;
    t->room = w->kind == CHATWIN_ROOM;
    t->to = xalloc_strdup(w->jid);
    if (encrypt && aesgcm_link_new(&t->key) != 0) {
        ui_info(ui, w, CHATLINE_ERROR, "cannot upload %s: no random bytes for its key", name);
        remove_transfer(ui, t);
        return;
    }
    t->encrypted = encrypt;
    if (encrypt)
        omemochat_busy(ui->a->omemo, t->to); /* the peer's keys are fetched while it uploads */
    /* The slot is for what goes up: encrypted, the tag follows the file. */
    unsigned long long up = t->size + (encrypt ? AESGCM_TAG_LEN : 0);
    if (session_upload_slot(ui->a->session, t->number, name, up, content_type(name)) != 0) {
        ui_info(ui, w, CHATLINE_ERROR, "cannot upload %s: you are not online", name);
        remove_transfer(ui, t);
        return;
    }
    ui_add_msg(ui, w, time(NULL), CHATLINE_INFO, NULL, "upload: asking the server for a slot",
               t->line_id, false);
}

/* ---- links ---- */

char *ui_files_mark(struct ui *ui, const char *text)
{
    return ui_files_mark_as(ui, text, true);
}

char *ui_files_mark_as(struct ui *ui, const char *text, bool newest)
{
    struct files_link found[16];
    size_t n = files_find_links(text, found, 16);
    if (n == 0)
        return NULL;
    struct ui_files *f = files_of(ui);
    size_t len = strlen(text), cap = len + n * 24 + 1, at = 0, from = 0;
    char *out = xalloc_realloc(NULL, cap);
    for (size_t i = 0; i < n; i++) {
        unsigned long number = ++f->nlinks;
        if (newest)
            f->newest = number;
        char **slot = &f->links[(number - 1) % LINKS_KEPT];
        aesgcm_link_free(*slot);
        *slot = xalloc_realloc(NULL, found[i].len + 1);
        memcpy(*slot, text + found[i].start, found[i].len);
        (*slot)[found[i].len] = '\0';
        /* an aesgcm:// link's key stays off the screen */
        size_t shown = found[i].start + found[i].shown;
        memcpy(out + at, text + from, shown - from);
        at += shown - from;
        at += (size_t)snprintf(out + at, cap - at, " [%lu]", number);
        from = found[i].start + found[i].len;
    }
    memcpy(out + at, text + from, len - from + 1);
    return out;
}

/* Link N (0: the newest), or NULL after telling the user. */
static const char *link_arg(struct ui *ui, const char *arg)
{
    struct ui_files *f = files_of(ui);
    char *end = NULL;
    unsigned long n = arg ? strtoul(arg, &end, 10) : f->newest;
    if (arg && (!end || *end || n == 0)) {
        ui_status_error(ui, "%s is not a link number: links are marked [N] in the messages", arg);
        return NULL;
    }
    if (n == 0 || n > f->nlinks || f->nlinks - n >= LINKS_KEPT) {
        ui_status_error(ui, "no link [%lu]: links are marked [N] in the messages", n);
        return NULL;
    }
    return f->links[(n - 1) % LINKS_KEPT];
}

/* ---- download ---- */

static int on_body(void *ud, const char *buf, size_t len, char *err, size_t errlen)
{
    struct transfer *t = ud;
    return download_write(t->dl, buf, len, err, errlen);
}

static void on_download_done(void *ud, const char *error)
{
    struct transfer *t = ud;
    struct ui *ui = t->ui;
    t->http = NULL;
    t->running = false;
    char path[4200], err[400] = "";
    struct download *dl = t->dl;
    t->dl = NULL;
    if (error) {
        download_abort(dl);
        say_end(ui, t, CHATLINE_ERROR, "download %s failed, nothing kept: %s", t->name, error);
    } else if (download_finish(dl, path, sizeof path, err, sizeof err) != 0) {
        say_end(ui, t, CHATLINE_ERROR, "download %s failed, nothing kept: %s", t->name, err);
    } else {
        say_end(ui, t, CHATLINE_INFO, "download %s saved as %s", t->name, path);
    }
    remove_transfer(ui, t);
}

void ui_cmd_download(struct ui *ui, const struct command *c)
{
    const char *url = link_arg(ui, c->arg[0]);
    if (!url)
        return;
    struct ui_files *f = files_of(ui);
    struct chatwin *w = chatwins_current(&ui->wins);
    if (!f->http && !(f->http = http_new(ui->loop))) {
        ui_status_error(ui, "cannot download: HTTP could not start");
        return;
    }
    struct aesgcm_link enc;
    bool encrypted = strncasecmp(url, "aesgcm://", 9) == 0;
    if (encrypted && aesgcm_link_parse(url, &enc) != 0) {
        ui_info(ui, w, CHATLINE_ERROR, "cannot download: the aesgcm:// link has no valid key");
        return;
    }
    char name[256], err[400];
    files_name_from_url(url, name, sizeof name);
    char *dir = files_download_dir(ui->opt.download_dir);
    struct download *dl =
        dir ? download_open(dir, name, encrypted ? &enc : NULL, err, sizeof err) : NULL;
    if (!dir)
        snprintf(err, sizeof err, "no downloads folder (set download_dir)");
    free(dir);
    if (!dl) {
        ui_info(ui, w, CHATLINE_ERROR, "cannot download %s: %s", name, err);
        if (encrypted)
            aesgcm_link_clear(&enc);
        return;
    }
    struct transfer *t = new_transfer(ui, false, name, w);
    t->dl = dl;
    char pin[PINS_FINGERPRINT_LEN];
    struct http_request r = {.url = encrypted ? enc.https_url : url,
                             .max_size = ui->opt.download_max,
                             .stall_s = ui->opt.http_stall_s,
                             .rate_limit = ui->opt.rate_limit_kb * 1000ull,
                             .sink = on_body,
                             .progress = on_progress,
                             .done = on_download_done,
                             .ud = t};
    trust(ui, &r, pin, sizeof pin);
    t->http = http_start(f->http, &r, err, sizeof err);
    if (encrypted)
        aesgcm_link_clear(&enc);
    if (!t->http) {
        ui_info(ui, w, CHATLINE_ERROR, "cannot download %s: %s", name, err);
        remove_transfer(ui, t);
        return;
    }
    start_repaint(ui, t);
}

/* ---- open ---- */

static void on_exit_cb(uv_process_t *p, int64_t status, int sig)
{
    uv_close((uv_handle_t *)p, (uv_close_cb)free);
}

static bool command_exists(const char *cmd)
{
    if (strchr(cmd, '/'))
        return access(cmd, X_OK) == 0;
    const char *path = getenv("PATH");
    char buf[4096];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, cmd);
        if (access(buf, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

void ui_cmd_open(struct ui *ui, const struct command *c)
{
    const char *url = link_arg(ui, c->arg[0]);
    if (!url)
        return;
    struct chatwin *w = chatwins_current(&ui->wins);
    const char *cmd = ui->opt.open_cmd;
    /* Over SSH, without a command chosen on purpose, a browser would open
     * on the wrong machine, or not at all: the URL is what helps. */
    bool chosen = cmd && cmd[0];
    if (!chosen)
        cmd = getenv("SSH_CONNECTION") ? NULL : "xdg-open";
    if (strncasecmp(url, "aesgcm://", 9) == 0) {
        /* a browser cannot decrypt it, and its key is not for the screen */
        char *hidden = files_hide_keys(url);
        ui_info(ui, w, CHATLINE_INFO, "link: %s (encrypted: /download%s%s decrypts it)",
                hidden ? hidden : "aesgcm://", c->arg[0] ? " " : "", c->arg[0] ? c->arg[0] : "");
        free(hidden);
        return;
    }
    if (!cmd || !command_exists(cmd)) {
        ui_info(ui, w, CHATLINE_INFO, "link: %s", url);
        return;
    }
    char *argv[] = {(char *)cmd, (char *)url, NULL};
    uv_stdio_container_t io[3] = {{.flags = UV_IGNORE}, {.flags = UV_IGNORE}, {.flags = UV_IGNORE}};
    uv_process_options_t o = {.file = cmd,
                              .args = argv,
                              .exit_cb = on_exit_cb,
                              .stdio_count = 3,
                              .stdio = io,
                              .flags = UV_PROCESS_DETACHED};
    uv_process_t *p = xalloc_realloc(NULL, sizeof *p);
    int rc = uv_spawn(ui->loop, p, &o);
    if (rc != 0) {
        free(p); /* libuv closes nothing it did not start */
        ui_info(ui, w, CHATLINE_ERROR, "cannot run %s (%s): link: %s", cmd, uv_strerror(rc), url);
        return;
    }
    ui_info(ui, w, CHATLINE_INFO, "opening with %s: %s", cmd, url);
}

/* ---- Tab and the end ---- */

void ui_files_complete_path(struct ui *ui, const char *word, struct input_candidates *c)
{
    char *path = expand_home(word);
    char *slash = strrchr(path, '/');
    const char *dir = slash ? (slash == path ? "/" : path) : ".";
    if (slash && slash != path)
        *slash = '\0';
    size_t keep = slash ? (size_t)(strrchr(word, '/') - word) + 1 : 0;
    uv_fs_t req;
    if (uv_fs_scandir(ui->loop, &req, dir, 0, NULL) >= 0) {
        uv_dirent_t ent;
        while (uv_fs_scandir_next(&req, &ent) != UV_EOF) {
            if (ent.name[0] == '.' && word[keep] != '.')
                continue; /* hidden, unless asked for */
            size_t n = keep + strlen(ent.name) + 2;
            char *cand = xalloc_realloc(NULL, n);
            snprintf(cand, n, "%.*s%s%s", (int)keep, word, ent.name,
                     ent.type == UV_DIRENT_DIR ? "/" : "");
            input_candidates_add(c, cand);
            free(cand);
        }
    }
    uv_fs_req_cleanup(&req);
    free(path);
}

static void on_files_closed(uv_handle_t *h)
{
    free(h->data);
}

void ui_files_free(struct ui *ui)
{
    struct ui_files *f = ui->files;
    if (!f)
        return;
    http_free(f->http); /* no done callback runs */
    while (f->list)
        remove_transfer(ui, f->list); /* a .part file goes too */
    for (size_t i = 0; i < LINKS_KEPT; i++)
        aesgcm_link_free(f->links[i]);
    f->repaint.data = f;
    uv_close((uv_handle_t *)&f->repaint, on_files_closed);
    ui->files = NULL;
}
