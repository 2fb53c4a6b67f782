/* fmt_doc.c: the pretty printer under `govc fmt`.
 *
 * A document is a flat list of operations (fmt.h). Groups nest; a group is printed
 * flat (its LINEs as spaces) when all of it, and whatever must follow it on the same
 * line, fits in FMT_WIDTH columns, and broken (its LINEs as newlines) otherwise or when
 * it holds a comment that must end a line. FILL breaks are taken one at a time, only
 * where the next item would not fit: lists pack as many items per line as fit.
 *
 * Indentation is lazy: a line's indentation is written with its first text, so a line
 * that stays empty has no trailing blanks, and a closing brace written after its block's
 * FD_POP takes the outer indentation. Trailing comments wait until the line ends; runs
 * of consecutive lines with trailing comments then have those comments aligned in one
 * column, as gofmt does.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler/fmt.h"

enum { INF = 1 << 29 };

void fd_op(FdDoc *d, FdKind k, const char *s, uint32_t len, int32_t n)
{
    if (d->oom)
        return;
    if (d->n == d->cap) {
        uint32_t cap = d->cap ? d->cap * 2 : 256;
        FdOp *p = realloc(d->ops, cap * sizeof *p);
        if (!p) {
            d->oom = true;
            return;
        }
        d->ops = p;
        d->cap = cap;
    }
    d->ops[d->n++] = (FdOp){(uint8_t)k, n, s, len, 0, 0};
}

void fd_text(FdDoc *d, const char *s, uint32_t len) { fd_op(d, FD_TEXT, s, len, 0); }
void fd_str(FdDoc *d, const char *s) { fd_op(d, FD_TEXT, s, (uint32_t)strlen(s), 0); }

void fd_pad(FdDoc *d, int32_t n)
{
    static const char spaces[] = "                                                                ";
    while (n > 0) {
        int32_t k = n < 64 ? n : 64;
        fd_text(d, spaces, (uint32_t)k);
        n -= k;
    }
}

void fd_free(FdDoc *d)
{
    free(d->ops);
    memset(d, 0, sizeof *d);
}

int32_t fd_width(const char *s, uint32_t len)
{
    int32_t w = 0;
    for (uint32_t i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* ------------------------------------------------------------------ measuring */

static bool is_break(uint8_t k)
{
    return k == FD_LINE || k == FD_FILL || k == FD_HARD || k == FD_BLANK || k == FD_COMMENT;
}

static int32_t flat_width(const FdOp *o)
{
    switch (o->kind) {
    case FD_TEXT: return o->w;
    case FD_INLINE: return o->w + 2;
    case FD_LINE: case FD_FILL: return 1;
    default: return 0;
    }
}

/* Fill in w and rest: pw[i] is the flat width of ops [0, i), hard[i] how many ops in
 * [0, i) force a break, nb[i] the first break at or after i. */
static bool measure(FdDoc *d)
{
    uint32_t n = d->n;
    int64_t *pw = malloc((n + 1) * sizeof *pw);
    uint32_t *hard = malloc((n + 1) * sizeof *hard);
    uint32_t *nb = malloc((n + 1) * sizeof *nb);
    uint32_t *stack = malloc((n + 1) * sizeof *stack);
    int64_t *fill = malloc((n + 1) * sizeof *fill);
    if (!pw || !hard || !nb || !stack || !fill) {
        free(pw), free(hard), free(nb), free(stack), free(fill);
        return false;
    }
    pw[0] = 0;
    hard[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        FdOp *o = &d->ops[i];
        if (o->kind == FD_TEXT || o->kind == FD_INLINE)
            o->w = fd_width(o->s, o->len);
        pw[i + 1] = pw[i] + flat_width(o);
        bool h = o->kind == FD_HARD || o->kind == FD_BLANK || o->kind == FD_COMMENT || o->kind == FD_SUFFIX;
        hard[i + 1] = hard[i] + h;
    }
    nb[n] = n;
    for (uint32_t i = n; i-- > 0;)
        nb[i] = is_break(d->ops[i].kind) ? i : nb[i + 1];
    /* Groups, and each FILL's chunk: up to the next FILL of the same group, or to the
     * group's end plus what follows it on the line. stack[] holds open groups;
     * fill[k] the latest FILL seen in stack level k (-1: none). */
    uint32_t sp = 0;
    fill[0] = -1;
    for (uint32_t i = 0; i < n; i++) {
        FdOp *o = &d->ops[i];
        if (o->kind == FD_GROUP) {
            stack[++sp] = i;
            fill[sp] = -1;
        } else if (o->kind == FD_FILL) {
            if (fill[sp] >= 0)
                d->ops[fill[sp]].w = (int32_t)(pw[i] - pw[fill[sp] + 1]);
            fill[sp] = i;
        } else if (o->kind == FD_END && sp > 0) {
            uint32_t g = stack[sp];
            int64_t rest = pw[nb[i + 1]] - pw[i + 1];
            FdOp *go = &d->ops[g];
            go->w = hard[i] - hard[g] ? INF : (int32_t)(pw[i] - pw[g]);
            go->rest = (int32_t)(rest < INF ? rest : INF);
            if (fill[sp] >= 0) {
                int64_t w = pw[i] - pw[fill[sp] + 1] + rest;
                d->ops[fill[sp]].w = (int32_t)(w < INF ? w : INF);
            }
            sp--;
        }
    }
    if (fill[0] >= 0)
        d->ops[fill[0]].w = (int32_t)(pw[n] - pw[fill[0] + 1]);
    free(pw), free(hard), free(nb), free(stack), free(fill);
    return true;
}

/* ------------------------------------------------------------------ rendering */

typedef struct Suffix {
    uint32_t line;      /* output line number */
    size_t at;          /* buffer offset where " comment" starts */
    int32_t col;        /* width of the code before it */
    int32_t depth;      /* the line's block depth */
    bool alignable;     /* one single-line comment */
} Suffix;

typedef struct R {
    char *buf;
    size_t len, cap;
    int32_t col;
    bool at_start;
    uint32_t line;
    int32_t *ind; uint32_t nind;
    int32_t *depth;     /* depth[k]: FD_INDENTs among ind[0..k] */
    int32_t line_depth; /* of the current line, set by its first text */
    uint8_t *flat; uint32_t nflat;
    uint32_t *pend; uint32_t npend;
    Suffix *sfx; uint32_t nsfx, sfxcap;
    bool oom;
    const FdDoc *d;
} R;

static void put(R *r, const char *s, size_t n)
{
    if (r->oom)
        return;
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (r->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(r->buf, cap);
        if (!p) {
            r->oom = true;
            return;
        }
        r->buf = p;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = 0;
}

static void trim(R *r)
{
    while (r->len > 0 && r->buf[r->len - 1] == ' ') {
        r->len--;
        r->col--;
    }
    if (r->buf)
        r->buf[r->len] = 0;
}

static uint32_t count_nl(const char *s, uint32_t n)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

/* Write the line's indentation before its first text. */
static void start_text(R *r)
{
    if (!r->at_start)
        return;
    int32_t ind = r->nind ? r->ind[r->nind - 1] : 0;
    for (int32_t i = 0; i < ind; i++)
        put(r, " ", 1);
    r->col = ind;
    r->line_depth = r->nind ? r->depth[r->nind - 1] : 0;
    r->at_start = false;
}

static void newline(R *r)
{
    trim(r);
    for (uint32_t k = 0; k < r->npend; k++) {
        const FdOp *o = &r->d->ops[r->pend[k]];
        if (k == 0) {
            if (r->nsfx == r->sfxcap) {
                uint32_t cap = r->sfxcap ? r->sfxcap * 2 : 64;
                Suffix *p = realloc(r->sfx, cap * sizeof *p);
                if (!p) {
                    r->oom = true;
                    return;
                }
                r->sfx = p;
                r->sfxcap = cap;
            }
            r->sfx[r->nsfx++] = (Suffix){r->line, r->len, r->col, r->line_depth,
                                         r->npend == 1 && !memchr(o->s, '\n', o->len)};
        }
        put(r, " ", 1);
        put(r, o->s, o->len);
        r->line += count_nl(o->s, o->len);
    }
    r->npend = 0;
    put(r, "\n", 1);
    r->line++;
    r->col = 0;
    r->at_start = true;
}

static void blank(R *r)
{
    if (r->len == 0)
        return;
    if (!r->at_start)
        newline(r);
    if (!(r->len >= 2 && r->buf[r->len - 2] == '\n')) {
        put(r, "\n", 1);
        r->line++;
    }
}

static bool top_flat(const R *r) { return r->nflat && r->flat[r->nflat - 1]; }

static void render_op(R *r, uint32_t i)
{
    const FdOp *o = &r->d->ops[i];
    switch (o->kind) {
    case FD_TEXT:
        start_text(r);
        put(r, o->s, o->len);
        r->col += o->w;
        break;
    case FD_LINE:
        if (top_flat(r)) {
            if (!r->at_start) {
                put(r, " ", 1);
                r->col++;
            }
        } else if (!r->at_start) {
            newline(r);
        }
        break;
    case FD_FILL:
        if (top_flat(r) || (!r->npend && r->col + 1 + o->w <= FMT_WIDTH)) {
            if (!r->at_start) {
                put(r, " ", 1);
                r->col++;
            }
        } else if (!r->at_start) {
            newline(r);
        }
        break;
    case FD_HARD:
        if (!r->at_start)
            newline(r);
        break;
    case FD_BLANK:
        blank(r);
        break;
    case FD_GROUP: {
        bool flat = top_flat(r);
        if (!flat) {
            int32_t col = r->at_start ? (r->nind ? r->ind[r->nind - 1] : 0) : r->col;
            flat = o->w < INF && (int64_t)col + o->w + o->rest <= FMT_WIDTH;
        }
        r->flat[r->nflat++] = flat;
        break;
    }
    case FD_END:
        if (r->nflat)
            r->nflat--;
        break;
    case FD_ALIGN:
        r->ind[r->nind] = r->at_start ? (r->nind ? r->ind[r->nind - 1] : 0) : r->col;
        r->depth[r->nind] = r->nind ? r->depth[r->nind - 1] : 0;
        r->nind++;
        break;
    case FD_INDENT:
        r->ind[r->nind] = (r->nind ? r->ind[r->nind - 1] : 0) + o->n;
        r->depth[r->nind] = (r->nind ? r->depth[r->nind - 1] : 0) + 1;
        r->nind++;
        break;
    case FD_POP:
        if (r->nind)
            r->nind--;
        break;
    case FD_SUFFIX:
        if (r->at_start && !r->npend) {
            /* Its code went elsewhere (a dropped ';'): it stands on its own line. */
            start_text(r);
            put(r, o->s, o->len);
            r->line += count_nl(o->s, o->len);
            newline(r);
        } else {
            r->pend[r->npend++] = i;
        }
        break;
    case FD_INLINE:
        if (r->at_start) {
            start_text(r);
        } else if (r->len && r->buf[r->len - 1] != ' ' && r->buf[r->len - 1] != '(' &&
                   r->buf[r->len - 1] != '[') {
            put(r, " ", 1);
            r->col++;
        }
        put(r, o->s, o->len);
        put(r, " ", 1);
        r->col += o->w + 1;
        break;
    case FD_COMMENT:
        if (!r->at_start)
            newline(r);
        if (o->n)
            blank(r);
        start_text(r);
        put(r, o->s, o->len);
        r->line += count_nl(o->s, o->len);
        newline(r);
        break;
    }
}

/* Align the trailing comments of each run of consecutive lines at one block depth
 * (continuation lines included) to one column. */
static char *align_suffixes(R *r, size_t *outlen)
{
    size_t extra = 0;
    int32_t *pad = calloc(r->nsfx + 1, sizeof *pad);
    if (!pad)
        return NULL;
    for (uint32_t a = 0; a < r->nsfx;) {
        uint32_t b = a + 1;
        if (r->sfx[a].alignable)
            while (b < r->nsfx && r->sfx[b].alignable && r->sfx[b].line == r->sfx[b - 1].line + 1 &&
                   r->sfx[b].depth == r->sfx[a].depth)
                b++;
        int32_t m = 0;
        for (uint32_t k = a; k < b; k++)
            m = r->sfx[k].col > m ? r->sfx[k].col : m;
        for (uint32_t k = a; k < b; k++) {
            pad[k] = m - r->sfx[k].col;
            extra += (size_t)pad[k];
        }
        a = b;
    }
    char *out = malloc(r->len + extra + 1);
    if (!out) {
        free(pad);
        return NULL;
    }
    size_t o = 0, from = 0;
    for (uint32_t k = 0; k < r->nsfx; k++) {
        if (r->sfx[k].at > from)
            memcpy(out + o, r->buf + from, r->sfx[k].at - from);
        o += r->sfx[k].at - from;
        memset(out + o, ' ', (size_t)pad[k]);
        o += (size_t)pad[k];
        from = r->sfx[k].at;
    }
    if (r->len > from)
        memcpy(out + o, r->buf + from, r->len - from);
    o += r->len - from;
    out[o] = 0;
    *outlen = o;
    free(pad);
    return out;
}

char *fd_render(FdDoc *d, size_t *len)
{
    if (d->oom || !measure(d))
        return NULL;
    R r = {0};
    r.d = d;
    r.at_start = true;
    r.ind = malloc((d->n + 1) * sizeof *r.ind);
    r.depth = malloc((d->n + 1) * sizeof *r.depth);
    r.flat = malloc(d->n + 1);
    r.pend = malloc((d->n + 1) * sizeof *r.pend);
    char *out = NULL;
    if (r.ind && r.depth && r.flat && r.pend) {
        for (uint32_t i = 0; i < d->n; i++)
            render_op(&r, i);
        if (!r.at_start || r.npend)
            newline(&r);
        if (!r.oom)
            out = align_suffixes(&r, len);
    }
    free(r.buf), free(r.ind), free(r.depth), free(r.flat), free(r.pend), free(r.sfx);
    return out;
}
