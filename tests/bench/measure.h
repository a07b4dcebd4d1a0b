/* SPDX-License-Identifier: GPL-3.0-or-later */
/* measure.h - what the in-process benchmarks read about themselves: a
 * field of /proc/self/status (memory) and the median of a series. Header
 * only: each benchmark is one program built from its own .c file. */
#ifndef TUKTUK_BENCH_MEASURE_H
#define TUKTUK_BENCH_MEASURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A field of /proc/self/status in KiB (VmHWM, VmRSS); -1 when absent. */
static inline long status_kb(const char *key)
{
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    FILE *f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':')
            v = atol(line + kl + 1);
    if (f)
        fclose(f);
    return v;
}

static inline int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v, so that v[0] and v[n-1] are then the extremes. */
static inline double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
