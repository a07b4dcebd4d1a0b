/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nickcolor.h - a nick's colour, the same in every window and in every
 * client that follows XEP-0392 (Consistent Color Generation): the hue
 * comes from the SHA-1 of the nick, and the terminal's palette colour
 * nearest that hue is used. No curses here (screen.c makes the pairs). */
#ifndef TUKTUK_UI_NICKCOLOR_H
#define TUKTUK_UI_NICKCOLOR_H

/* XEP-0392 §5.1: the hue angle of s, in degrees [0, 360). */
double nickcolor_angle(const char *s);

/* The terminal colour for s with ncolors colours: one of the 6x6x6 cube
 * (16-231) with 256 or more, one of red, green, yellow, blue, magenta
 * and cyan (1-6) with 8 or 16, -1 without colours. */
short nickcolor_pick(const char *s, int ncolors);

#endif
