/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nickcolor.c - XEP-0392 nick colours mapped onto a terminal's palette.
 *
 * The XEP's angle is a hue in HSLuv, drawn at full saturation and half
 * lightness. A terminal has no such colour, so we do what the XEP says
 * for a fixed palette (§5.5-5.6): take the palette colour whose hue is
 * nearest. The palette: the six plain colours with 8 or 16 colours (the
 * bright ones repeat them), or, with 256, the saturated, not too dark
 * colours of the 6x6x6 cube (38 hues), which keeps a nick readable on
 * both dark and light backgrounds. A palette colour's HSLuv hue is taken
 * from its HSV hue, mapped through the HSLuv hues of the six primaries
 * (red at 12°, yellow 86°, green 128°, cyan 192°, blue 266°, magenta
 * 308°); between them the two scales are near enough linear that the
 * nearest colour is the same. */
#include "ui/nickcolor.h"

#include <math.h>
#include <openssl/evp.h>
#include <string.h>

double nickcolor_angle(const char *s)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(s, strlen(s), md, &n, EVP_sha1(), NULL) != 1 || n < 2)
        return 0;
    /* the first two bytes, little-endian: the least significant 16 bits */
    return (md[0] + md[1] * 256) / 65536.0 * 360.0;
}

/* HSV hue (degrees) to HSLuv hue, piecewise linear through the primaries. */
static double hsluv_hue(double h)
{
    static const double hsluv[7] = {12.2, 85.9, 127.7, 192.2, 265.9, 307.7, 372.2};
    int i = (int)(h / 60.0);
    if (i > 5)
        i = 5;
    double t = (h - 60.0 * i) / 60.0;
    return fmod(hsluv[i] + t * (hsluv[i + 1] - hsluv[i]), 360.0);
}

static double hsv_hue(int r, int g, int b)
{
    int max = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int min = r < g ? (r < b ? r : b) : (g < b ? g : b);
    double d = max - min, h;
    if (d == 0)
        return 0;
    if (max == r)
        h = fmod((g - b) / d, 6.0);
    else if (max == g)
        h = (b - r) / d + 2.0;
    else
        h = (r - g) / d + 4.0;
    h *= 60.0;
    return h < 0 ? h + 360.0 : h;
}

static double hue_distance(double a, double b)
{
    double d = fabs(a - b);
    return d > 180.0 ? 360.0 - d : d;
}

short nickcolor_pick(const char *s, int ncolors)
{
    if (ncolors < 8)
        return -1;
    double angle = nickcolor_angle(s);
    short best = -1;
    double best_d = 1e9;
    if (ncolors < 256) {
        /* curses numbers: red 1, green 2, yellow 3, blue 4, magenta 5, cyan 6 */
        static const struct {
            short color;
            int r, g, b;
        } plain[] = {{1, 1, 0, 0}, {3, 1, 1, 0}, {2, 0, 1, 0},
                     {6, 0, 1, 1}, {4, 0, 0, 1}, {5, 1, 0, 1}};
        for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
            double d = hue_distance(angle, hsluv_hue(hsv_hue(plain[i].r, plain[i].g, plain[i].b)));
            if (d < best_d) {
                best_d = d;
                best = plain[i].color;
            }
        }
        return best;
    }
    for (int r = 0; r < 6; r++)
        for (int g = 0; g < 6; g++)
            for (int b = 0; b < 6; b++) {
                int max = r > g ? (r > b ? r : b) : (g > b ? g : b);
                int min = r < g ? (r < b ? r : b) : (g < b ? g : b);
                /* saturated, and neither too dark nor washed out */
                if (max < 3 || max - min < 3)
                    continue;
                double d = hue_distance(angle, hsluv_hue(hsv_hue(r, g, b)));
                if (d < best_d) {
                    best_d = d;
                    best = (short)(16 + 36 * r + 6 * g + b);
                }
            }
    return best;
}
