/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench_ui_pty.c - a small "expect" for the UI benchmarks: runs a
 * terminal program under a pseudo-terminal of our own (posix_openpt, no
 * -lutil), reads everything it writes to the terminal, and follows a
 * script of commands read from stdin, one a line:
 *
 *   mark                    reset the clock and the byte counter
 *   wait MS TEXT...         wait (at most MS ms after the mark) until TEXT
 *                           is on the screen; prints "wait OK|TIMEOUT ms",
 *                           the time since the mark of the read that
 *                           completed it
 *   waitraw MS TEXT...      the same, for TEXT in the raw bytes written
 *                           since the mark
 *   screen                  prints the screen, one "screen|ROW" a line
 *   echo TEXT...            prints TEXT (labels for the caller)
 *   settle QUIET MS         read until the program has been quiet for QUIET
 *                           ms (at most MS ms); prints "settle BYTES
 *                           LAST_OUTPUT_MS" counted from the last mark
 *   send TEXT...            type TEXT (C escapes: \r \n \e \t \\ \xHH)
 *   exec CMD...             run CMD with /bin/sh while still reading the
 *                           terminal, with $BENCH_PID set to the program's
 *                           pid; prints "exec STATUS ms"
 *   sleep MS                read the terminal for MS ms
 *   cpu                     prints "cpu MS TICKS_MS": the CPU time of all the
 *                           program's threads from /proc/PID/task/N/schedstat
 *                           (ns resolution), and utime + stime from
 *                           /proc/PID/stat (clock ticks, 10 ms)
 *   rss                     prints "rss HWM_KB RSS_KB" (VmHWM, VmRSS)
 *   bytes                   prints "bytes N" written since the last mark
 *   exit MS                 wait at most MS ms for the program to end by
 *                           itself; prints "exit STATUS ms" (STATUS -1: it
 *                           did not, and was stopped as by quit)
 *   quit MS                 SIGTERM, then SIGKILL after MS ms
 *
 * "wait" looks for TEXT on a model of the screen that interprets what the
 * program writes (cursor moves, erases, scroll regions, insert/delete
 * line, repeat...): curses writes only the cells that change, so a text
 * on screen is often not a run of bytes in the output. Run the program
 * with a TERM that the model covers (screen-256color, xterm-256color).
 *
 * usage: bench_ui_pty ROWS COLS LOGFILE CMD [ARGS...] < script
 * Started without arguments (as scripts/bench does with every bench_*),
 * it only says that it is a helper of tests/bench/ui.sh. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static pid_t child = -1;
static FILE *logfile;
static char *out; /* everything read from the master */
static size_t out_len, out_cap;
static size_t mark_off;      /* byte offset of the last mark */
static double mark_t;        /* time of the last mark, ms */
static double last_output_t; /* time of the last read, ms */
static int child_gone;
/* When each read ended: the time at which a text was complete on screen. */
static struct chunk {
    size_t end;
    double t;
} * chunks;
static size_t nchunks, chunks_cap;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Read what is there, waiting at most timeout ms for the first byte.
 * Returns bytes read, 0 on timeout, -1 when the terminal is gone. */
static long pump(int timeout_ms)
{
    if (child_gone)
        return -1;
    struct pollfd p = {master, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
    if (r <= 0)
        return 0;
    long total = 0;
    for (;;) {
        if (out_cap - out_len < 65536) {
            out_cap = out_cap ? out_cap * 2 : 1 << 20;
            out = realloc(out, out_cap);
            if (!out)
                abort();
        }
        ssize_t n = read(master, out + out_len, out_cap - out_len);
        if (n > 0) {
            if (logfile)
                fwrite(out + out_len, 1, (size_t)n, logfile);
            out_len += (size_t)n;
            total += n;
            last_output_t = now_ms();
            if (nchunks == chunks_cap) {
                chunks_cap = chunks_cap ? chunks_cap * 2 : 4096;
                chunks = realloc(chunks, chunks_cap * sizeof *chunks);
                if (!chunks)
                    abort();
            }
            chunks[nchunks++] = (struct chunk){out_len, last_output_t};
            continue;
        }
        if (n < 0 && errno == EAGAIN)
            return total;
        if (n < 0 && errno == EINTR)
            continue;
        child_gone = 1; /* EIO: the slave side is closed */
        return total ? total : -1;
    }
}

/* Time at which the byte at offset off had been read. */
static double time_of(size_t off)
{
    size_t lo = 0, hi = nchunks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (chunks[mid].end <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nchunks ? chunks[lo].t : last_output_t;
}

/* Whether text was written since the mark; *when: when it was complete. */
static int found(const char *text, double *when)
{
    size_t tl = strlen(text);
    if (tl == 0) {
        *when = mark_t;
        return 1;
    }
    if (out_len - mark_off < tl)
        return 0;
    char *p = memmem(out + mark_off, out_len - mark_off, text, tl);
    if (!p)
        return 0;
    *when = time_of((size_t)(p - out) + tl - 1);
    return 1;
}

static size_t unescape(const char *s, char *d)
{
    size_t n = 0;
    while (*s) {
        if (*s != '\\' || !s[1]) {
            d[n++] = *s++;
            continue;
        }
        s++;
        switch (*s) {
        case 'r':
            d[n++] = '\r';
            s++;
            break;
        case 'n':
            d[n++] = '\n';
            s++;
            break;
        case 'e':
            d[n++] = 27;
            s++;
            break;
        case 't':
            d[n++] = '\t';
            s++;
            break;
        case 's':
            d[n++] = ' ';
            s++;
            break;
        case 'x': {
            unsigned v = 0;
            int k = 0;
            s++;
            while (k < 2 && ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
                             (*s >= 'A' && *s <= 'F'))) {
                v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
                s++;
                k++;
            }
            d[n++] = (char)v;
            break;
        }
        default:
            d[n++] = *s++;
            break;
        }
    }
    return n;
}

/* ---- a small terminal: enough of ECMA-48 / VT220 for curses output ----
 * Curses writes only the cells that changed, with cursor moves, scroll
 * regions, insert/delete line and erase sequences, so a text on screen is
 * often not a run of bytes in the output. "wait" therefore looks for it
 * on this model of the screen. */
static int rows, cols;
static unsigned *cell; /* rows * cols code points; 0 = right half of a wide char */
static int cy, cx, wrap_pending;
static int top, bot; /* scroll region, inclusive */
static int save_y, save_x;
static int g0_lines, shifted,
    designating_g0; /* G0 = DEC line drawing; SO selects G1 (assumed lines) */
static unsigned last_char = ' ';
/* parser */
static enum { S_GROUND, S_ESC, S_CSI, S_OSC, S_OSC_ESC, S_CHARSET, S_STR } pstate;
static char csi_buf[64];
static size_t csi_len;
static unsigned utf_cp;
static int utf_need;

static unsigned *at(int y, int x)
{
    return &cell[(size_t)y * (size_t)cols + (size_t)x];
}

static void clear_cells(int y, int x0, int x1)
{
    for (int x = x0; x < x1 && x < cols; x++)
        *at(y, x) = ' ';
}

static void scroll_up(int t, int b, int n)
{
    for (int k = 0; k < n; k++) {
        memmove(at(t, 0), at(t + 1, 0), (size_t)(b - t) * (size_t)cols * sizeof *cell);
        clear_cells(b, 0, cols);
    }
}

static void scroll_down(int t, int b, int n)
{
    for (int k = 0; k < n; k++) {
        memmove(at(t + 1, 0), at(t, 0), (size_t)(b - t) * (size_t)cols * sizeof *cell);
        clear_cells(t, 0, cols);
    }
}

static void term_reset(void)
{
    for (int y = 0; y < rows; y++)
        clear_cells(y, 0, cols);
    cy = cx = wrap_pending = 0;
    top = 0;
    bot = rows - 1;
}

static void line_feed(void)
{
    if (cy == bot)
        scroll_up(top, bot, 1);
    else if (cy < rows - 1)
        cy++;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void put_char(unsigned cp)
{
    int w = 1;
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
        (cp >= 0x20000 && cp <= 0x3fffd))
        w = 2;
    if ((cp >= 0x300 && cp <= 0x36f) || cp == 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f))
        return; /* combining: the model keeps base characters only */
    if (wrap_pending) {
        cx = 0;
        line_feed();
        wrap_pending = 0;
    }
    if (cx + w > cols) {
        cx = 0;
        line_feed();
    }
    if ((g0_lines && !shifted) || shifted)
        cp = cp < 0x80 ? 0x2500 : cp; /* line drawing: never matches text */
    *at(cy, cx) = cp;
    if (w == 2 && cx + 1 < cols)
        *at(cy, cx + 1) = 0;
    last_char = cp;
    cx += w;
    if (cx >= cols) {
        cx = cols - 1;
        wrap_pending = 1;
    }
}

static void do_csi(char final)
{
    int p[16] = {0}, np = 0, priv = 0;
    for (size_t i = 0; i < csi_len; i++) {
        char c = csi_buf[i];
        if (c >= '0' && c <= '9') {
            if (np == 0)
                np = 1;
            p[np - 1] = p[np - 1] * 10 + (c - '0');
        } else if (c == ';' || c == ':') {
            if (np == 0)
                np = 1;
            if (np < 16)
                np++;
        } else {
            priv = c; /* ? > = ! */
        }
    }
    int n1 = p[0] ? p[0] : 1;
    wrap_pending = 0;
    if (priv && final != 'h' && final != 'l')
        return;
    switch (final) {
    case 'A':
        cy = clampi(cy - n1, cy >= top ? top : 0, rows - 1);
        break;
    case 'B':
    case 'e':
        cy = clampi(cy + n1, 0, cy <= bot ? bot : rows - 1);
        break;
    case 'C':
    case 'a':
        cx = clampi(cx + n1, 0, cols - 1);
        break;
    case 'D':
        cx = clampi(cx - n1, 0, cols - 1);
        break;
    case 'E':
        cx = 0;
        cy = clampi(cy + n1, 0, rows - 1);
        break;
    case 'F':
        cx = 0;
        cy = clampi(cy - n1, 0, rows - 1);
        break;
    case 'G':
    case '`':
        cx = clampi(n1 - 1, 0, cols - 1);
        break;
    case 'd':
        cy = clampi(n1 - 1, 0, rows - 1);
        break;
    case 'H':
    case 'f':
        cy = clampi(n1 - 1, 0, rows - 1);
        cx = clampi((np > 1 && p[1] ? p[1] : 1) - 1, 0, cols - 1);
        break;
    case 'J':
        if (p[0] == 0) {
            clear_cells(cy, cx, cols);
            for (int y = cy + 1; y < rows; y++)
                clear_cells(y, 0, cols);
        } else if (p[0] == 1) {
            for (int y = 0; y < cy; y++)
                clear_cells(y, 0, cols);
            clear_cells(cy, 0, cx + 1);
        } else {
            for (int y = 0; y < rows; y++)
                clear_cells(y, 0, cols);
        }
        break;
    case 'K':
        if (p[0] == 0)
            clear_cells(cy, cx, cols);
        else if (p[0] == 1)
            clear_cells(cy, 0, cx + 1);
        else
            clear_cells(cy, 0, cols);
        break;
    case 'L':
        if (cy >= top && cy <= bot)
            scroll_down(cy, bot, clampi(n1, 1, bot - cy + 1));
        break;
    case 'M':
        if (cy >= top && cy <= bot)
            scroll_up(cy, bot, clampi(n1, 1, bot - cy + 1));
        break;
    case 'S':
        scroll_up(top, bot, clampi(n1, 1, bot - top + 1));
        break;
    case 'T':
        scroll_down(top, bot, clampi(n1, 1, bot - top + 1));
        break;
    case 'P': {
        int n = clampi(n1, 1, cols - cx);
        memmove(at(cy, cx), at(cy, cx + n), (size_t)(cols - cx - n) * sizeof *cell);
        clear_cells(cy, cols - n, cols);
        break;
    }
    case '@': {
        int n = clampi(n1, 1, cols - cx);
        memmove(at(cy, cx + n), at(cy, cx), (size_t)(cols - cx - n) * sizeof *cell);
        clear_cells(cy, cx, cx + n);
        break;
    }
    case 'X':
        clear_cells(cy, cx, cx + n1);
        break;
    case 'b':
        for (int i = 0; i < n1 && i < 10000; i++)
            put_char(last_char);
        break;
    case 'r':
        top = clampi((p[0] ? p[0] : 1) - 1, 0, rows - 1);
        bot = clampi((np > 1 && p[1] ? p[1] : rows) - 1, top, rows - 1);
        cy = cx = 0;
        break;
    case 's':
        save_y = cy;
        save_x = cx;
        break;
    case 'u':
        cy = save_y;
        cx = save_x;
        break;
    case 'h':
        if (priv == '?' && (p[0] == 1049 || p[0] == 47 || p[0] == 1047)) {
            save_y = cy;
            save_x = cx;
            for (int y = 0; y < rows; y++)
                clear_cells(y, 0, cols);
        }
        break;
    default:
        break; /* m (colours), l, n, t...: nothing on the screen */
    }
}

static void term_feed(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        switch (pstate) {
        case S_OSC:
            if (c == 7)
                pstate = S_GROUND;
            else if (c == 27)
                pstate = S_OSC_ESC;
            continue;
        case S_STR:
            if (c == 27)
                pstate = S_OSC_ESC;
            continue;
        case S_OSC_ESC:
            pstate = S_GROUND; /* ESC \ ends the string */
            continue;
        case S_CHARSET:
            if (designating_g0)
                g0_lines = c == '0';
            pstate = S_GROUND;
            continue;
        case S_ESC:
            pstate = S_GROUND;
            switch (c) {
            case '[':
                pstate = S_CSI;
                csi_len = 0;
                break;
            case ']':
                pstate = S_OSC;
                break;
            case 'P':
            case '^':
            case '_':
                pstate = S_STR;
                break;
            case '(':
                pstate = S_CHARSET;
                designating_g0 = 1;
                break;
            case ')':
            case '*':
            case '+':
                pstate = S_CHARSET;
                designating_g0 = 0;
                break;
            case '7':
                save_y = cy;
                save_x = cx;
                break;
            case '8':
                cy = save_y;
                cx = save_x;
                wrap_pending = 0;
                break;
            case 'D':
                wrap_pending = 0;
                line_feed();
                break;
            case 'E':
                wrap_pending = 0;
                cx = 0;
                line_feed();
                break;
            case 'M':
                wrap_pending = 0;
                if (cy == top)
                    scroll_down(top, bot, 1);
                else if (cy > 0)
                    cy--;
                break;
            case 'c':
                term_reset();
                break;
            default:
                break;
            }
            continue;
        case S_CSI:
            if (c >= 0x40 && c <= 0x7e) {
                do_csi((char)c);
                pstate = S_GROUND;
            } else if (csi_len < sizeof csi_buf - 1) {
                csi_buf[csi_len++] = (char)c;
            }
            continue;
        case S_GROUND:
            break;
        }
        if (utf_need) {
            if ((c & 0xc0) == 0x80) {
                utf_cp = utf_cp << 6 | (c & 0x3f);
                if (--utf_need == 0)
                    put_char(utf_cp);
                continue;
            }
            utf_need = 0;
        }
        if (c >= 0xc0 && c < 0xf8) {
            utf_need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
            utf_cp = c & (c >= 0xf0 ? 0x07 : c >= 0xe0 ? 0x0f : 0x1f);
            continue;
        }
        if (c >= 0x20 && c != 0x7f && c < 0x80) {
            put_char(c);
            continue;
        }
        switch (c) {
        case 27:
            pstate = S_ESC;
            break;
        case '\r':
            cx = 0;
            wrap_pending = 0;
            break;
        case '\n':
        case 11:
        case 12:
            wrap_pending = 0;
            line_feed();
            break;
        case '\b':
            if (cx > 0)
                cx--;
            wrap_pending = 0;
            break;
        case '\t':
            cx = clampi((cx / 8 + 1) * 8, 0, cols - 1);
            break;
        case 14:
            shifted = 1;
            break;
        case 15:
            shifted = 0;
            break;
        default:
            break;
        }
    }
}

/* One screen row as UTF-8, trailing blanks kept. */
static size_t row_text(int y, char *buf, size_t len)
{
    size_t n = 0;
    for (int x = 0; x < cols && n + 5 < len; x++) {
        unsigned cp = *at(y, x);
        if (cp == 0)
            continue;
        if (cp < 0x80) {
            buf[n++] = (char)cp;
        } else if (cp < 0x800) {
            buf[n++] = (char)(0xc0 | cp >> 6);
            buf[n++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            buf[n++] = (char)(0xe0 | cp >> 12);
            buf[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
            buf[n++] = (char)(0x80 | (cp & 0x3f));
        } else {
            buf[n++] = (char)(0xf0 | cp >> 18);
            buf[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
            buf[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
            buf[n++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    buf[n] = '\0';
    return n;
}

static size_t fed; /* bytes of out given to the model */

static int on_screen(const char *text)
{
    if (fed < out_len) {
        term_feed(out + fed, out_len - fed);
        fed = out_len;
    }
    char buf[8192];
    for (int y = 0; y < rows; y++)
        if (row_text(y, buf, sizeof buf) && strstr(buf, text))
            return 1;
    return 0;
}

static void dump_screen(void)
{
    on_screen("\x01");
    char buf[8192];
    for (int y = 0; y < rows; y++) {
        size_t n = row_text(y, buf, sizeof buf);
        while (n > 0 && buf[n - 1] == ' ')
            buf[--n] = '\0';
        printf("screen|%s\n", buf);
    }
}

static void type_keys(const char *text)
{
    char buf[4096];
    size_t n = unescape(text, buf), off = 0;
    while (off < n) {
        ssize_t w = write(master, buf + off, n - off);
        if (w > 0)
            off += (size_t)w;
        else if (w < 0 && errno != EAGAIN && errno != EINTR)
            return;
        else
            pump(5); /* the terminal's input is full: let the program read */
    }
}

static double cpu_ms(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    /* after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime(14) stime(15) */
    unsigned long long ut = 0, st = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

/* CPU time of every thread, in ms, from the scheduler's own accounting. */
static double sched_ms(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    double total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p2[300];
        snprintf(p2, sizeof p2, "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
        FILE *f = fopen(p2, "r");
        unsigned long long ns = 0;
        if (f) {
            if (fscanf(f, "%llu", &ns) == 1)
                total += (double)ns / 1e6;
            fclose(f);
        }
    }
    closedir(d);
    return total;
}

static void rss_kb(pid_t pid, long *hwm, long *rss)
{
    char path[64], line[256];
    *hwm = *rss = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmHWM:", 6) == 0)
            *hwm = atol(line + 6);
        else if (strncmp(line, "VmRSS:", 6) == 0)
            *rss = atol(line + 6);
    }
    fclose(f);
}

static int run_shell(const char *cmd)
{
    char pidbuf[32];
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)child);
    setenv("BENCH_PID", pidbuf, 1);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    if (pid < 0)
        return -1;
    int st;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            break;
        if (pump(2) < 0)
            usleep(2000);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void stop_child(int grace_ms)
{
    if (child <= 0)
        return;
    kill(child, SIGTERM);
    double end = now_ms() + grace_ms;
    int st;
    while (now_ms() < end) {
        if (waitpid(child, &st, WNOHANG) == child) {
            child = -1;
            return;
        }
        if (pump(10) < 0)
            usleep(10000);
    }
    kill(child, SIGKILL);
    waitpid(child, &st, 0);
    child = -1;
}

static void on_alarm(int sig)
{
    (void)sig;
    /* A runaway script: never outlive the benchmark. */
    if (child > 0)
        kill(child, SIGKILL);
    _exit(3);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        if (argc == 1) {
            printf(
                "(helper for tests/bench/ui.sh: runs a client under a pty; nothing to do alone)\n");
            return 0;
        }
        fprintf(stderr, "usage: bench_ui_pty ROWS COLS LOGFILE CMD [ARGS...] < script\n");
        return 2;
    }
    signal(SIGALRM, on_alarm);
    alarm(300);
    struct winsize ws = {.ws_row = (unsigned short)atoi(argv[1]),
                         .ws_col = (unsigned short)atoi(argv[2])};
    logfile = strcmp(argv[3], "-") ? fopen(argv[3], "w") : NULL;
    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master)) {
        perror("bench_ui_pty: posix_openpt");
        return 1;
    }
    rows = ws.ws_row;
    cols = ws.ws_col;
    cell = malloc((size_t)rows * (size_t)cols * sizeof *cell);
    if (!cell)
        abort();
    term_reset();
    char *slave = ptsname(master);
    ioctl(master, TIOCSWINSZ, &ws);
    mark_t = now_ms();
    child = fork();
    if (child == 0) {
        setsid();
        int s = open(slave, O_RDWR);
        if (s < 0)
            _exit(126);
        ioctl(s, TIOCSCTTY, 0);
        ioctl(s, TIOCSWINSZ, &ws);
        dup2(s, 0);
        dup2(s, 1);
        dup2(s, 2);
        if (s > 2)
            close(s);
        close(master);
        execvp(argv[4], argv + 4);
        _exit(127);
    }
    fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    setvbuf(stdout, NULL, _IOLBF, 0);

    char line[8192];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *arg = strchr(line, ' ');
        if (arg)
            *arg++ = '\0';
        else
            arg = line + strlen(line);
        if (strcmp(line, "mark") == 0) {
            pump(0);
            mark_off = out_len;
            mark_t = now_ms();
        } else if (strcmp(line, "wait") == 0 || strcmp(line, "waitraw") == 0) {
            /* wait: TEXT on the screen model; waitraw: TEXT in the bytes
             * written since the mark. */
            int raw = line[4] == 'r';
            char *text = strchr(arg, ' ');
            text = text ? text + 1 : arg + strlen(arg);
            double end = mark_t + atoi(arg), t, when = 0;
            char want[4096];
            want[unescape(text, want)] = '\0';
            int ok = 0;
            for (;;) {
                if (raw ? found(want, &when) : on_screen(want)) {
                    if (!raw)
                        when = last_output_t > mark_t ? last_output_t : mark_t;
                    ok = 1;
                    break;
                }
                t = now_ms();
                if (t >= end || pump((int)(end - t) + 1) < 0)
                    break;
            }
            printf("wait %s %.1f\n", ok ? "OK" : "TIMEOUT", (ok ? when : now_ms()) - mark_t);
        } else if (strcmp(line, "settle") == 0) {
            int quiet = atoi(arg);
            char *p = strchr(arg, ' ');
            double end = now_ms() + (p ? atoi(p + 1) : 5000);
            double since = now_ms();
            for (;;) {
                double t = now_ms();
                double q = (last_output_t > since ? last_output_t : since) + quiet;
                if (t >= q || t >= end)
                    break;
                double wait = (q < end ? q : end) - t;
                if (pump((int)wait + 1) < 0)
                    break;
            }
            printf("settle %zu %.1f\n", out_len - mark_off,
                   last_output_t > mark_t ? last_output_t - mark_t : 0.0);
        } else if (strcmp(line, "send") == 0) {
            type_keys(arg);
        } else if (strcmp(line, "exec") == 0) {
            double t0 = now_ms();
            int st = run_shell(arg);
            printf("exec %d %.1f\n", st, now_ms() - t0);
        } else if (strcmp(line, "sleep") == 0) {
            double end = now_ms() + atoi(arg);
            while (now_ms() < end)
                if (pump((int)(end - now_ms()) + 1) < 0)
                    usleep(1000);
        } else if (strcmp(line, "cpu") == 0) {
            printf("cpu %.1f %.0f\n", sched_ms(child), cpu_ms(child));
        } else if (strcmp(line, "rss") == 0) {
            long hwm, rss;
            rss_kb(child, &hwm, &rss);
            printf("rss %ld %ld\n", hwm, rss);
        } else if (strcmp(line, "bytes") == 0) {
            pump(0);
            printf("bytes %zu\n", out_len - mark_off);
        } else if (strcmp(line, "echo") == 0) {
            printf("%s\n", arg);
        } else if (strcmp(line, "screen") == 0) {
            dump_screen();
        } else if (strcmp(line, "exit") == 0) {
            double t0 = now_ms(), end = t0 + atoi(arg);
            int st = -1, status;
            while (child > 0) {
                if (waitpid(child, &status, WNOHANG) == child) {
                    st = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                    child = -1;
                    break;
                }
                if (now_ms() >= end)
                    break;
                if (pump(10) < 0)
                    usleep(10000);
            }
            printf("exit %d %.1f\n", st, now_ms() - t0);
            stop_child(2000);
        } else if (strcmp(line, "quit") == 0) {
            stop_child(atoi(arg) > 0 ? atoi(arg) : 2000);
        } else if (line[0] && line[0] != '#') {
            fprintf(stderr, "bench_ui_pty: unknown command %s\n", line);
        }
        fflush(stdout);
    }
    stop_child(2000);
    if (logfile)
        fclose(logfile);
    return 0;
}
