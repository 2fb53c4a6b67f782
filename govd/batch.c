/* batch.c: split a request body arriving in pieces into lines, without holding more
 * than one line. A line longer than the maximum is handed over once, cut, marked too
 * long; the rest of it up to its newline is dropped. A trailing '\r' is removed. */
#include <string.h>

#include "govd/govd.h"

static int emit(gd_lines *ls, const char *s, size_t n, bool too_long, gd_line_fn fn, void *ctx)
{
    ls->lineno++;
    if (n && s[n - 1] == '\r' && !too_long)
        n--;
    return fn(ctx, s, n, ls->lineno, too_long);
}

int gd_lines_feed(gd_lines *ls, const char *data, size_t n, gd_line_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(data + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - data) : n;
        size_t piece = end - i;
        if (ls->skipping) {
            if (nl)
                ls->skipping = false;
        } else if (ls->partial.len + piece > ls->max) {
            size_t room = ls->max - ls->partial.len;
            if (!gd_buf_add(&ls->partial, data + i, room))
                return -1;
            int rc = emit(ls, ls->partial.p, ls->partial.len, true, fn, ctx);
            ls->partial.len = 0;
            ls->skipping = !nl;
            if (rc)
                return rc;
        } else if (nl && ls->partial.len == 0) {
            int rc = emit(ls, data + i, piece, false, fn, ctx);
            if (rc)
                return rc;
        } else {
            if (!gd_buf_add(&ls->partial, data + i, piece))
                return -1;
            if (nl) {
                int rc = emit(ls, ls->partial.p, ls->partial.len, false, fn, ctx);
                ls->partial.len = 0;
                if (rc)
                    return rc;
            }
        }
        i = nl ? end + 1 : n;
    }
    return 0;
}

int gd_lines_end(gd_lines *ls, gd_line_fn fn, void *ctx)
{
    int rc = 0;
    if (ls->partial.len && !ls->skipping)
        rc = emit(ls, ls->partial.p, ls->partial.len, false, fn, ctx);
    ls->partial.len = 0;
    ls->skipping = false;
    return rc;
}
