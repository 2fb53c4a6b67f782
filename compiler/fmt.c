/* fmt.c: the canonical layout of one gov source file (spec/language.md §8).
 *
 * The file is parsed to its AST; a file with lexical or syntax errors is not formatted.
 * The printer then walks the AST and the file's token stream together: the tree says
 * what each construct is and how its expressions nest, the tokens give each keyword,
 * name and literal its exact text and position. Every token printed is the source's own
 * token, taken in source order, so literals keep their spelling (1_000, 95%, $0.10) and
 * nothing is ever reordered. Only `;` separators, doubled parentheses and a trailing
 * comma in a `given` block are dropped. When the walk ends, every other token must have
 * been printed: a formatter bug fails loudly (FMT_INTERNAL) instead of losing text.
 *
 * Comments are not in the token stream. A small scanner that knows strings finds them;
 * each is placed by position as the tokens around it are printed: a comment alone on
 * its line stays alone on its line before the construct it precedes, a comment after
 * code on its line stays at the end of that line, and a block comment between tokens
 * on one line stays between them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/fmt.h"
#include "compiler/govc.h"
#include "lang/parse.h"
#include "parser.h"

typedef struct Tok {
    int t;
    uint32_t lo, hi;
} Tok;

typedef struct Cmt {
    uint32_t lo, hi;
    bool own;       /* nothing but blanks before it on its line */
    bool inl;       /* a one-line block comment with code after it on the line */
} Cmt;

typedef struct Root {
    uint32_t lo;
    GovExpr *e;
} Root;

/* A top-level construct in source order. */
typedef enum { N_DECL, N_SCOPE, N_TEST, N_WAIVER, N_SILENCE } NodeKind;
typedef struct Node {
    uint32_t lo, hi;
    uint8_t kind;
    void *p;
} Node;

typedef struct F {
    const char *src;
    uint32_t len;
    GovArena *arena;
    Tok *tk; uint32_t nt, tcap, ti;
    uint32_t *match;            /* token index of the matching bracket */
    Cmt *cm; uint32_t nc, ccap, ci;
    Root *roots; uint32_t nr, rcap;
    Node *nodes; uint32_t nn, ncap;
    FdDoc d;
    uint32_t last;              /* end of the last token or comment placed */
    bool block_start;           /* just inside `{`: no blank line here */
    jmp_buf fail;
    char why[200];
} F;

static void fail(F *f, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void fail(F *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->why, sizeof f->why, fmt, ap);
    va_end(ap);
    longjmp(f->fail, 1);
}

/* ------------------------------------------------------------------ tokens, comments */

static void lex_all(F *f, GovDiags *diags, uint32_t file)
{
    GovLexer lx = {0};
    lx.base = f->src;
    lx.cur = f->src;
    lx.lim = f->src + f->len;
    lx.file = file;
    lx.arena = f->arena;
    lx.diags = diags;
    for (;;) {
        GOV_YYSTYPE v;
        GovLoc loc;
        int t = govX_lex(&lx, &v, &loc);
        Tok k = {t, loc.lo, loc.hi};
        GOV_PUSH(f->arena, f->tk, f->nt, f->tcap, k);
        if (t == T_EOF)
            break;
    }
    f->match = govA_alloc(f->arena, (f->nt + 1) * sizeof *f->match);
    uint32_t *stack = govA_alloc(f->arena, (f->nt + 1) * sizeof *stack), sp = 0;
    for (uint32_t i = 0; i < f->nt; i++) {
        f->match[i] = UINT32_MAX;
        int t = f->tk[i].t;
        if (t == '(' || t == '[' || t == '{') {
            stack[sp++] = i;
        } else if ((t == ')' || t == ']' || t == '}') && sp > 0) {
            f->match[i] = stack[--sp];
            f->match[stack[sp]] = i;
        }
    }
}

static bool blankch(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Comments, found by a scanner that skips string literals as the lexer reads them. */
static void scan_comments(F *f)
{
    const char *s = f->src;
    uint32_t n = f->len, i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            for (i++; i < n && s[i] != '"' && s[i] != '\n'; i++)
                if (s[i] == '\\' && i + 1 < n && s[i + 1] != '\n')
                    i++;
            i++;
            continue;
        }
        if (c != '/' || i + 1 >= n || (s[i + 1] != '/' && s[i + 1] != '*')) {
            i++;
            continue;
        }
        Cmt m = {i, i, false, false};
        bool block = s[i + 1] == '*';
        if (block) {
            const char *e = strstr(s + i + 2, "*/");
            m.hi = e ? (uint32_t)(e - s) + 2 : n;
        } else {
            const char *e = memchr(s + i, '\n', n - i);
            m.hi = e ? (uint32_t)(e - s) : n;
        }
        uint32_t b = m.lo;
        while (b > 0 && blankch(s[b - 1]))
            b--;
        m.own = b == 0 || s[b - 1] == '\n';
        if (block && !m.own && !memchr(s + m.lo, '\n', m.hi - m.lo)) {
            uint32_t a = m.hi;
            while (a < n && blankch(s[a]))
                a++;
            m.inl = a < n && s[a] != '\n';
        }
        GOV_PUSH(f->arena, f->cm, f->nc, f->ccap, m);
        i = m.hi;
    }
}

/* A comment's text as printed: no trailing blanks on a line comment, no CR. */
static void comment_text(F *f, const Cmt *c, const char **s, uint32_t *len)
{
    const char *t = f->src + c->lo;
    uint32_t n = c->hi - c->lo;
    if (t[1] == '/') {
        while (n > 2 && blankch(t[n - 1]))
            n--;
        *s = t;
        *len = n;
        return;
    }
    char *out = govA_alloc(f->arena, n + 1);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!(t[i] == '\r' && i + 1 < n && t[i + 1] == '\n'))
            out[k++] = t[i];
    *s = out;
    *len = k;
}

/* Whether [lo, hi) holds an empty line: two newlines with only blanks between. */
static bool gap_blank(F *f, uint32_t lo, uint32_t hi)
{
    int nl = 0;
    for (uint32_t i = lo; i < hi && i < f->len; i++) {
        char c = f->src[i];
        if (c == '\n') {
            if (++nl >= 2)
                return true;
        } else if (!blankch(c)) {
            nl = 0;
        }
    }
    return false;
}

/* Place the comments that start before `pos`. At an item's start (`item`), a comment
 * on its own line keeps one empty line before it if the source had one. */
static void flush(F *f, uint32_t pos, bool item)
{
    while (f->ci < f->nc && f->cm[f->ci].lo < pos) {
        const Cmt *c = &f->cm[f->ci++];
        const char *s;
        uint32_t n;
        comment_text(f, c, &s, &n);
        if (c->own) {
            bool blank = item && !f->block_start && gap_blank(f, f->last, c->lo);
            fd_op(&f->d, FD_COMMENT, s, n, blank);
            f->block_start = false;
        } else if (c->inl) {
            fd_op(&f->d, FD_INLINE, s, n, 0);
        } else {
            fd_op(&f->d, FD_SUFFIX, s, n, 0);
        }
        f->last = c->hi;
    }
}

static Tok *peek(F *f)
{
    while (f->tk[f->ti].t == ';')
        f->ti++;
    return &f->tk[f->ti];
}

static void text(F *f, const char *s) { fd_str(&f->d, s); }

/* A line break (FD_LINE or FD_FILL) before the next token. The comments before that
 * token go first: a trailing comment then ends the line at this break, not later. */
static void brk(F *f, FdKind k)
{
    flush(f, peek(f)->lo, false);
    fd_op(&f->d, k, NULL, 0, 0);
}

/* Print the next token, which must be of kind t (any kind when t < 0). */
static Tok *take(F *f, int t)
{
    Tok *k = peek(f);
    if (k->t == T_EOF || (t >= 0 && k->t != t))
        fail(f, "unexpected token at byte %u", k->lo);
    flush(f, k->lo, false);
    fd_text(&f->d, f->src + k->lo, k->hi - k->lo);
    f->last = k->hi;
    f->block_start = false;
    f->ti++;
    return k;
}

/* A type name: an identifier, or `severity` / `verdict`, which are also keywords. */
static Tok *take_type(F *f)
{
    int t = peek(f)->t;
    return take(f, t == T_SEVERITY || t == T_VERDICT ? t : T_IDENT);
}

/* Step over a token that is not printed. */
static void drop(F *f, int t)
{
    Tok *k = peek(f);
    if (k->t != t)
        fail(f, "unexpected token at byte %u", k->lo);
    f->ti++;
}

/* Start an item (declaration, clause, field, ...) on a line of its own, after the
 * comments before it, with one empty line before it if the source had any. */
static void item(F *f)
{
    Tok *k = peek(f);
    flush(f, k->lo, true);
    fd_op(&f->d, FD_HARD, NULL, 0, 0);
    if (!f->block_start && gap_blank(f, f->last, k->lo))
        fd_op(&f->d, FD_BLANK, NULL, 0, 0);
}

static bool open_block(F *f)
{
    text(f, " ");
    Tok *open = take(f, '{');
    uint32_t close = f->match[open - f->tk];
    if (close == UINT32_MAX)
        fail(f, "unmatched brace at byte %u", open->lo);
    if (peek(f) == &f->tk[close] && (f->ci >= f->nc || f->cm[f->ci].lo > f->tk[close].lo)) {
        take(f, '}');
        return false;
    }
    fd_op(&f->d, FD_INDENT, NULL, 0, 2);
    f->block_start = true;
    return true;
}

static void close_block(F *f)
{
    Tok *k = peek(f);
    if (k->t != '}')
        fail(f, "expected '}' at byte %u", k->lo);
    flush(f, k->lo, true);
    fd_op(&f->d, FD_POP, NULL, 0, 0);
    fd_op(&f->d, FD_HARD, NULL, 0, 0);
    take(f, '}');
}

/* ------------------------------------------------------------------ expressions */

static int cmp_root(const void *a, const void *b)
{
    uint32_t x = ((const Root *)a)->lo, y = ((const Root *)b)->lo;
    return x < y ? -1 : x > y;
}

static void add_root(F *f, GovExpr *e)
{
    if (e)
        GOV_PUSH(f->arena, f->roots, f->nr, f->rcap, ((Root){e->span.lo, e}));
}

static GovExpr *root_at(F *f)
{
    uint32_t lo = peek(f)->lo, a = 0, b = f->nr;
    while (a < b) {
        uint32_t m = (a + b) / 2;
        if (f->roots[m].lo < lo)
            a = m + 1;
        else
            b = m;
    }
    if (a >= f->nr || f->roots[a].lo != lo)
        fail(f, "no expression at byte %u", lo);
    return f->roots[a].e;
}

/* Index of the token that ends at byte hi. */
static uint32_t tok_ending(F *f, uint32_t hi)
{
    uint32_t a = 0, b = f->nt;
    while (a < b) {
        uint32_t m = (a + b) / 2;
        if (f->tk[m].hi < hi)
            a = m + 1;
        else
            b = m;
    }
    if (a >= f->nt || f->tk[a].hi != hi)
        fail(f, "no token ends at byte %u", hi);
    return a;
}

/* How many pairs of parentheses wrap all of e, whose first token is at index i. */
static uint32_t parens(F *f, const GovExpr *e, uint32_t i)
{
    uint32_t end = tok_ending(f, e->span.hi), k = 0;
    while (i + k < end - k && f->tk[i + k].t == '(' && f->match[i + k] == end - k)
        k++;
    return k;
}

static uint32_t tok_index(F *f, uint32_t lo)
{
    uint32_t a = 0, b = f->nt;
    while (a < b) {
        uint32_t m = (a + b) / 2;
        if (f->tk[m].lo < lo)
            a = m + 1;
        else
            b = m;
    }
    return a;
}

static bool wrapped(F *f, const GovExpr *e) { return parens(f, e, tok_index(f, e->span.lo)) > 0; }

static void expr(F *f, GovExpr *e);

/* ( a, b, c ): packed, continuation lines aligned after the bracket. */
static void expr_list(F *f, int open, int close, GovExpr **items, uint32_t n)
{
    take(f, open);
    fd_op(&f->d, FD_GROUP, NULL, 0, 0);
    fd_op(&f->d, FD_ALIGN, NULL, 0, 0);
    for (uint32_t i = 0; i < n; i++) {
        if (i) {
            take(f, ',');
            brk(f, FD_FILL);
        }
        expr(f, items[i]);
    }
    fd_op(&f->d, FD_POP, NULL, 0, 0);
    fd_op(&f->d, FD_END, NULL, 0, 0);
    take(f, close);
}

static void chain(F *f, GovExpr *e, uint8_t op, GovExpr ***ops, uint32_t *n, uint32_t *cap)
{
    if (e->kind == GOV_E_BINARY && e->op == op && !wrapped(f, e)) {
        chain(f, e->u.ops.a, op, ops, n, cap);
        chain(f, e->u.ops.b, op, ops, n, cap);
    } else {
        GOV_PUSH(f->arena, *ops, *n, *cap, e);
    }
}

static void inner(F *f, GovExpr *e)
{
    switch ((GovExprKind)e->kind) {
    case GOV_E_INT: case GOV_E_FLOAT: case GOV_E_DURATION: case GOV_E_PERCENT: case GOV_E_MONEY:
    case GOV_E_TIME: case GOV_E_STRING: case GOV_E_BOOL: case GOV_E_SEVERITY: case GOV_E_VERDICT:
    case GOV_E_NAME:
        take(f, -1);
        break;
    case GOV_E_FIELD:
        expr(f, e->u.field.obj);
        take(f, '.');
        take(f, -1);
        break;
    case GOV_E_CALL:
        take(f, -1);
        expr_list(f, '(', ')', e->u.call.args, e->u.call.nargs);
        break;
    case GOV_E_UNARY:
        if (e->op == GOV_AOP_NOT) {
            take(f, T_NOT);
            text(f, " ");
        } else {
            take(f, '-');
            GovExpr *a = e->u.ops.a;
            if (a->kind == GOV_E_UNARY && a->op == GOV_AOP_NEG && !wrapped(f, a))
                text(f, " ");
        }
        expr(f, e->u.ops.a);
        break;
    case GOV_E_BINARY:
        if (e->op == GOV_AOP_AND || e->op == GOV_AOP_OR) {
            /* A chain of one operator: operands one per line when it does not fit,
             * the operator ending each line. */
            GovExpr **ops = NULL;
            uint32_t n = 0, cap = 0;
            chain(f, e->u.ops.a, e->op, &ops, &n, &cap);
            chain(f, e->u.ops.b, e->op, &ops, &n, &cap);
            fd_op(&f->d, FD_GROUP, NULL, 0, 0);
            fd_op(&f->d, FD_ALIGN, NULL, 0, 0);
            for (uint32_t i = 0; i < n; i++) {
                if (i) {
                    text(f, " ");
                    take(f, e->op == GOV_AOP_AND ? T_AND : T_OR);
                    brk(f, FD_LINE);
                }
                expr(f, ops[i]);
            }
            fd_op(&f->d, FD_POP, NULL, 0, 0);
            fd_op(&f->d, FD_END, NULL, 0, 0);
        } else {
            expr(f, e->u.ops.a);
            text(f, " ");
            take(f, -1);
            text(f, " ");
            expr(f, e->u.ops.b);
        }
        break;
    case GOV_E_IN:
        expr(f, e->u.in.x);
        text(f, " ");
        if (e->op) {
            take(f, T_NOT);
            text(f, " ");
        }
        take(f, T_IN);
        text(f, " ");
        expr(f, e->u.in.set);
        break;
    case GOV_E_LIST:
        expr_list(f, '[', ']', e->u.list.items, e->u.list.nitems);
        break;
    case GOV_E_IF:
        fd_op(&f->d, FD_GROUP, NULL, 0, 0);
        fd_op(&f->d, FD_ALIGN, NULL, 0, 0);
        take(f, T_IF);
        text(f, " ");
        expr(f, e->u.ops.a);
        brk(f, FD_LINE);
        take(f, T_THEN);
        text(f, " ");
        expr(f, e->u.ops.b);
        brk(f, FD_LINE);
        take(f, T_ELSE);
        text(f, " ");
        expr(f, e->u.ops.c);
        fd_op(&f->d, FD_POP, NULL, 0, 0);
        fd_op(&f->d, FD_END, NULL, 0, 0);
        break;
    case GOV_E_ERROR:
        fail(f, "error node at byte %u", e->span.lo);
    }
}

/* An expression, with at most one pair of the parentheses that wrap it. */
static void expr(F *f, GovExpr *e)
{
    Tok *k = peek(f);
    if (k->lo != e->span.lo)
        fail(f, "expression at byte %u is not where the tree has it (%u)", k->lo, e->span.lo);
    uint32_t np = parens(f, e, f->ti);
    if (np == 0) {
        inner(f, e);
        return;
    }
    take(f, '(');
    for (uint32_t i = 1; i < np; i++)
        drop(f, '(');
    fd_op(&f->d, FD_ALIGN, NULL, 0, 0);
    inner(f, e);
    fd_op(&f->d, FD_POP, NULL, 0, 0);
    for (uint32_t i = 1; i < np; i++)
        drop(f, ')');
    take(f, ')');
}

static void clause_expr(F *f) { expr(f, root_at(f)); }

/* ------------------------------------------------------------------ declarations */

/* notify a, b, c / approvers "x", "y", group: packed, aligned after the keyword. t is
 * the items' token (-1: a string or a name, as approvers are). */
static void word_list(F *f, int t)
{
    fd_op(&f->d, FD_GROUP, NULL, 0, 0);
    fd_op(&f->d, FD_ALIGN, NULL, 0, 0);
    take(f, t);
    while (peek(f)->t == ',') {
        take(f, ',');
        brk(f, FD_FILL);
        take(f, t);
    }
    fd_op(&f->d, FD_POP, NULL, 0, 0);
    fd_op(&f->d, FD_END, NULL, 0, 0);
}

static void kw_expr(F *f)
{
    take(f, -1);
    text(f, " ");
    clause_expr(f);
}

/* One clause of a rule, drift, gate or escalation (the grammar's *_clause). */
static void clause(F *f)
{
    Tok *k = peek(f);
    switch (k->t) {
    case T_WHEN:
        kw_expr(f);
        if (peek(f)->t == T_FOR) {
            text(f, " ");
            kw_expr(f);
        }
        break;
    case T_IDENT: /* contextual words: `requester EXPR` (a gate), `stale after D` (a rule) */
        if (k->hi - k->lo == 9 && memcmp(f->src + k->lo, "requester", 9) == 0) {
            kw_expr(f);
            break;
        }
        /* fall through */
    case T_CLEAR:
        take(f, -1);
        text(f, " ");
        kw_expr(f);
        break;
    case T_SEVERITY: case T_VERDICT: case T_ESCALATE: case T_PER:
        take(f, -1);
        text(f, " ");
        take(f, -1);
        break;
    case T_CAPACITY: case T_REPEAT: case T_SLA: case T_OF: case T_BASELINE: case T_CURRENT:
    case T_MIN_SAMPLES: case T_GROUP_WAIT: case T_REPEAT_INTERVAL:
        kw_expr(f);
        break;
    case T_GROUP_BY: /* group_by LEVEL, ... */
        take(f, T_GROUP_BY);
        text(f, " ");
        word_list(f, -1);
        break;
    case T_TEST:
        take(f, T_TEST);
        text(f, " ");
        take(f, T_IDENT);
        text(f, " ");
        take(f, '>');
        text(f, " ");
        clause_expr(f);
        if (peek(f)->t == T_FOR) {
            text(f, " ");
            kw_expr(f);
        }
        break;
    case T_BINS: {
        take(f, T_BINS);
        text(f, " ");
        GovExpr **items = NULL;
        uint32_t n = 0, cap = 0;
        /* The items are roots: find each by position as the list is walked. */
        Tok *open = peek(f);
        uint32_t close = f->match[open - f->tk];
        for (uint32_t i = (uint32_t)(open - f->tk) + 1; i < close; i++) {
            if (i == (uint32_t)(open - f->tk) + 1 || f->tk[i - 1].t == ',') {
                uint32_t save = f->ti;
                f->ti = i;
                GOV_PUSH(f->arena, items, n, cap, root_at(f));
                f->ti = save;
            }
        }
        expr_list(f, '[', ']', items, n);
        break;
    }
    case T_APPROVERS:
        take(f, T_APPROVERS);
        text(f, " ");
        if (peek(f)->t == T_INT) { /* a quorum: approvers 2 of ... */
            take(f, T_INT);
            text(f, " ");
            take(f, T_OF);
            text(f, " ");
        }
        word_list(f, -1);
        break;
    case T_NOTIFY: case T_INHIBIT: /* notify CHANNEL, ...; inhibit RULE, ... */
        take(f, -1);
        text(f, " ");
        word_list(f, T_IDENT);
        break;
    case T_ON:
        take(f, T_ON);
        text(f, " ");
        take(f, T_TIMEOUT);
        text(f, " ");
        if (peek(f)->t == T_ESCALATE) {
            take(f, T_ESCALATE);
            text(f, " ");
        }
        take(f, -1);
        break;
    case T_AFTER:
        kw_expr(f);
        text(f, " ");
        take(f, T_NOTIFY);
        text(f, " ");
        word_list(f, T_IDENT);
        break;
    default:
        fail(f, "unknown clause at byte %u", k->lo);
    }
}

static void clauses(F *f)
{
    if (!open_block(f))
        return;
    while (peek(f)->t != '}') {
        item(f);
        clause(f);
    }
    close_block(f);
}

/* The widest name in the run of items starting at i (same kind, no empty line between
 * them), for aligning what follows the names. */
typedef struct Run {
    uint32_t end;
    int32_t name, type;
} Run;

static void record_decl(F *f, GovDecl *d)
{
    take(f, T_RECORD);
    text(f, " ");
    take(f, T_IDENT);
    if (!open_block(f))
        return;
    Run run = {0, 0, 0};
    for (uint32_t i = 0; i < d->u.record.nfields; i++) {
        GovField *fl = &d->u.record.fields[i];
        if (i >= run.end) {
            run = (Run){i, 0, 0};
            do {
                GovField *g = &d->u.record.fields[run.end];
                int32_t nw = (int32_t)(g->name_span.hi - g->name_span.lo);
                run.name = nw > run.name ? nw : run.name;
                bool more = g->json_span.lo != g->name_span.lo || g->unit.s || g->dflt;
                int32_t tw = fd_width(g->type_name.s, g->type_name.len);
                if (more && tw > run.type)
                    run.type = tw;
                run.end++;
            } while (run.end < d->u.record.nfields &&
                     !gap_blank(f, d->u.record.fields[run.end - 1].span.hi, d->u.record.fields[run.end].span.lo));
        }
        item(f);
        if (peek(f)->lo != fl->span.lo)
            fail(f, "field at byte %u is not where the tree has it", peek(f)->lo);
        Tok *name = take(f, -1);
        take(f, ':');
        fd_pad(&f->d, run.name - (int32_t)(name->hi - name->lo) + 1);
        Tok *type = take_type(f);
        int32_t tw = fd_width(f->src + type->lo, type->hi - type->lo);
        bool padded = false;
        while (peek(f)->lo < fl->span.hi && peek(f)->t != T_EOF) {
            fd_pad(&f->d, padded ? 1 : run.type - tw + 1);
            padded = true;
            int t = peek(f)->t;
            if (t == T_FROM || t == T_IN) {
                take(f, t);
                text(f, " ");
                take(f, -1);
            } else {
                take(f, '=');
                text(f, " ");
                clause_expr(f);
            }
        }
    }
    close_block(f);
}

static void scope_block(F *f, GovScope *s)
{
    take(f, T_SCOPE);
    text(f, " ");
    take(f, -1);
    text(f, " ");
    take(f, T_STRING);
    if (!open_block(f))
        return;
    uint32_t oi = 0, si = 0;
    Run run = {0, 0, 0};
    while (peek(f)->t != '}') {
        if (si < s->nchildren && (oi >= s->noverrides || s->children[si]->span.lo < s->overrides[oi].span.lo)) {
            item(f);
            scope_block(f, s->children[si++]);
            continue;
        }
        if (oi >= s->noverrides)
            fail(f, "scope item at byte %u is not in the tree", peek(f)->lo);
        if (oi >= run.end) {
            run = (Run){oi, 0, 0};
            uint32_t next_child = si < s->nchildren ? s->children[si]->span.lo : UINT32_MAX;
            do {
                GovOverride *o = &s->overrides[run.end];
                int32_t nw = (int32_t)(o->name_span.hi - o->name_span.lo);
                run.name = nw > run.name ? nw : run.name;
                run.end++;
            } while (run.end < s->noverrides && s->overrides[run.end].span.lo < next_child &&
                     !gap_blank(f, s->overrides[run.end - 1].span.hi, s->overrides[run.end].span.lo));
        }
        GovOverride *o = &s->overrides[oi++];
        item(f);
        Tok *name = take(f, T_IDENT);
        fd_pad(&f->d, run.name - (int32_t)(name->hi - name->lo) + 1);
        take(f, '=');
        text(f, " ");
        expr(f, o->value);
    }
    close_block(f);
}

/* `{ field: value, ... }` of a given, on one line when it fits. */
static void field_inits(F *f)
{
    take(f, '{');
    if (peek(f)->t == '}') {
        take(f, '}');
        return;
    }
    text(f, " ");
    fd_op(&f->d, FD_GROUP, NULL, 0, 0);
    fd_op(&f->d, FD_ALIGN, NULL, 0, 0);
    for (bool first = true; peek(f)->t != '}'; first = false) {
        if (!first) {
            take(f, ',');
            if (peek(f)->t == '}')
                break;
            brk(f, FD_FILL);
        }
        take(f, -1);
        take(f, ':');
        text(f, " ");
        clause_expr(f);
        if (peek(f)->t == ',' && f->tk[f->ti + 1].t == '}') {
            drop(f, ',');
            break;
        }
    }
    fd_op(&f->d, FD_POP, NULL, 0, 0);
    fd_op(&f->d, FD_END, NULL, 0, 0);
    text(f, " ");
    take(f, '}');
}

static void test_block(F *f, const GovTest *t)
{
    take(f, T_TEST);
    text(f, " ");
    take(f, T_STRING);
    if (!open_block(f))
        return;
    while (peek(f)->t != '}') {
        item(f);
        if (peek(f)->t == T_EXPECT) {
            /* expect verdict V | expect R [not] fired | expect [not] ACTION NAME */
            take(f, T_EXPECT);
            int words = peek(f)->t == T_NOT ? 3 : 2;
            if (peek(f)->t == T_IDENT && f->ti + 1 < f->nt && f->tk[f->ti + 1].t == T_NOT)
                words = 3;
            for (int w = 0; w < words; w++) {
                text(f, " ");
                take(f, -1);
            }
            continue;
        }
        if (peek(f)->t == T_APPROVE || peek(f)->t == T_REJECT || peek(f)->t == T_ACK) {
            /* approve GATE "run" by "who" [at T] */
            take(f, -1);
            for (int w = 0; w < 4; w++) {
                text(f, " ");
                take(f, -1);
            }
            if (peek(f)->t == T_AT) {
                text(f, " ");
                kw_expr(f);
            }
            continue;
        }
        if (peek(f)->t == T_MOCK) {
            /* mock NAME[(ARG, ...)] = VALUE */
            GovTestStep *st = NULL;
            for (uint32_t k = 0; k < t->nsteps && !st; k++)
                if (t->steps[k].kind == GOV_STEP_MOCK && t->steps[k].span.lo == peek(f)->lo)
                    st = &t->steps[k];
            take(f, T_MOCK);
            text(f, " ");
            take(f, T_IDENT);
            if (peek(f)->t == '(')
                expr_list(f, '(', ')', st ? st->args.items : NULL, st ? st->args.n : 0);
            text(f, " ");
            take(f, '=');
            text(f, " ");
            clause_expr(f);
            continue;
        }
        if (peek(f)->t == T_TICK) {
            take(f, T_TICK);
            text(f, " ");
            kw_expr(f);
            continue;
        }
        take(f, T_GIVEN);
        text(f, " ");
        take(f, T_IDENT);
        if (peek(f)->t == T_AT) {
            text(f, " ");
            kw_expr(f);
        }
        text(f, " ");
        if (peek(f)->t == T_IN) {
            /* A table: one row a line, each ending in a comma. */
            take(f, T_IN);
            text(f, " ");
            take(f, '[');
            fd_op(&f->d, FD_INDENT, NULL, 0, 2);
            while (peek(f)->t != ']') {
                fd_op(&f->d, FD_HARD, NULL, 0, 0);
                field_inits(f);
                if (peek(f)->t == ',')
                    take(f, ',');
                else
                    text(f, ",");
            }
            flush(f, peek(f)->lo, true);
            fd_op(&f->d, FD_POP, NULL, 0, 0);
            fd_op(&f->d, FD_HARD, NULL, 0, 0);
            take(f, ']');
            continue;
        }
        field_inits(f);
    }
    close_block(f);
}

/* for LEVEL "NAME" LEVEL "NAME" ..., up to the keyword `stop`, on the current line. */
static void scope_path(F *f, int stop)
{
    take(f, T_FOR);
    while (peek(f)->t != stop && peek(f)->t != T_EOF) {
        text(f, " ");
        take(f, -1);
        text(f, " ");
        take(f, T_STRING);
    }
}

/* The end of a waiver or a silence: ` by "WHO" reason "WHY"`. */
static void by_reason(F *f)
{
    text(f, " ");
    take(f, T_BY);
    text(f, " ");
    take(f, T_STRING);
    text(f, " ");
    take(f, T_IDENT);
    text(f, " ");
    take(f, T_STRING);
}

/* waive RULE for LEVEL "NAME" ... until TIME by "WHO" reason "WHY", on one line (an
 * editor indents it as any declaration's first line). */
static void waiver_decl(F *f)
{
    take(f, T_WAIVE);
    text(f, " ");
    take(f, T_IDENT);
    text(f, " ");
    scope_path(f, T_UNTIL);
    text(f, " ");
    kw_expr(f);
    by_reason(f);
}

/* NAME, NAME, ... on the current line, never broken. */
static void name_run(F *f)
{
    take(f, T_IDENT);
    while (peek(f)->t == ',') {
        take(f, ',');
        text(f, " ");
        take(f, T_IDENT);
    }
}

/* silence NAME on RULE, ... [for LEVEL "NAME" ...] from T until T [every DAY, ... at
 * "HH:MM" [in "ZONE"] for D] by "WHO" reason "WHY", on one line, as a waiver is. */
static void silence_decl(F *f)
{
    take(f, T_SILENCE);
    text(f, " ");
    take(f, T_IDENT);
    text(f, " ");
    take(f, T_ON);
    text(f, " ");
    name_run(f);
    if (peek(f)->t == T_FOR) {
        text(f, " ");
        scope_path(f, T_FROM);
    }
    text(f, " ");
    kw_expr(f); /* from */
    text(f, " ");
    kw_expr(f); /* until */
    if (peek(f)->t == T_EVERY) {
        text(f, " ");
        take(f, T_EVERY);
        text(f, " ");
        name_run(f);
        text(f, " ");
        take(f, T_AT);
        text(f, " ");
        take(f, T_STRING);
        if (peek(f)->t == T_IN) {
            text(f, " ");
            take(f, T_IN);
            text(f, " ");
            take(f, T_STRING);
        }
        text(f, " ");
        kw_expr(f); /* for */
    }
    by_reason(f);
}

static void extern_decl(F *f, GovDecl *d)
{
    take(f, T_EXTERN);
    text(f, " ");
    take(f, T_FN);
    text(f, " ");
    take(f, T_IDENT);
    take(f, '(');
    fd_op(&f->d, FD_GROUP, NULL, 0, 0);
    fd_op(&f->d, FD_ALIGN, NULL, 0, 0);
    for (bool first = true; peek(f)->t != ')'; first = false) {
        if (!first) {
            take(f, ',');
            brk(f, FD_FILL);
        }
        take(f, T_IDENT);
        take(f, ':');
        text(f, " ");
        take_type(f);
    }
    fd_op(&f->d, FD_POP, NULL, 0, 0);
    fd_op(&f->d, FD_END, NULL, 0, 0);
    take(f, ')');
    text(f, " ");
    take(f, T_ARROW);
    text(f, " ");
    take_type(f);
    if (peek(f)->t == T_ON) { /* on error VALUE | on error verdict V */
        text(f, " ");
        take(f, T_ON);
        text(f, " ");
        take(f, T_IDENT);
        text(f, " ");
        if (d->u.ext.on_error == GOV_ONERR_VERDICT) {
            take(f, T_VERDICT);
            text(f, " ");
            take(f, T_VERD);
        } else if (d->u.ext.on_error == GOV_ONERR_DEFAULT) {
            expr(f, d->u.ext.on_error_value);
        } else {
            fail(f, "unknown clause at byte %u", peek(f)->lo);
        }
    }
}

static void window_decl(F *f, GovDecl *d, int32_t pad)
{
    fd_op(&f->d, FD_GROUP, NULL, 0, 0);
    take(f, T_WINDOW);
    text(f, " ");
    Tok *name = take(f, T_IDENT);
    fd_pad(&f->d, pad - (int32_t)(name->hi - name->lo) + 1);
    take(f, '=');
    text(f, " ");
    clause_expr(f);
    fd_op(&f->d, FD_INDENT, NULL, 0, 4);
    brk(f, FD_LINE);
    take(f, T_OVER);
    text(f, " ");
    if (peek(f)->t == T_LAST) {
        kw_expr(f);
        text(f, " ");
        take(f, T_RUNS);
    } else {
        clause_expr(f);
    }
    while (peek(f)->lo < d->span.hi && peek(f)->t != T_EOF) {
        brk(f, FD_LINE);
        if (peek(f)->t == T_PER) {
            take(f, T_PER);
            text(f, " ");
            take(f, -1);
        } else {
            kw_expr(f);
        }
    }
    fd_op(&f->d, FD_POP, NULL, 0, 0);
    fd_op(&f->d, FD_END, NULL, 0, 0);
}

static void block_decl(F *f)
{
    take(f, -1);
    text(f, " ");
    take(f, T_IDENT);
    if (peek(f)->t == T_ON) {
        text(f, " ");
        take(f, T_ON);
        text(f, " ");
        take(f, T_IDENT);
    }
    clauses(f);
}

/* A limit's keyword past the three letters of `max` and `min` (allowlist, denylist):
 * limits align their `=`, whatever keyword declares them. */
static int32_t kw_extra(const GovDecl *d)
{
    if (d->kind != GOV_D_LIMIT || !d->u.limit.set) return 0;
    return d->u.limit.set == GOV_SET_ALLOW ? 6 : 5;
}

/* Channels, limits and windows align their `=` within a run. */
static int run_class(const Node *n)
{
    if (n->kind != N_DECL)
        return -1;
    GovDeclKind k = (GovDeclKind)((GovDecl *)n->p)->kind;
    return k == GOV_D_CHANNEL || k == GOV_D_LIMIT || k == GOV_D_WINDOW || k == GOV_D_APPROVERS ? (int)k : -1;
}

static int cmp_node(const void *a, const void *b)
{
    uint32_t x = ((const Node *)a)->lo, y = ((const Node *)b)->lo;
    return x < y ? -1 : x > y;
}

static void collect_scope(F *f, GovScope *s)
{
    for (uint32_t i = 0; i < s->noverrides; i++)
        add_root(f, s->overrides[i].value);
    for (uint32_t i = 0; i < s->nchildren; i++)
        collect_scope(f, s->children[i]);
}

static void collect(F *f, GovModule *m)
{
    for (uint32_t i = 0; i < m->ndecls; i++) {
        GovDecl *d = m->decls[i];
        GOV_PUSH(f->arena, f->nodes, f->nn, f->ncap, ((Node){d->span.lo, d->span.hi, N_DECL, d}));
        switch ((GovDeclKind)d->kind) {
        case GOV_D_RECORD:
            for (uint32_t k = 0; k < d->u.record.nfields; k++)
                add_root(f, d->u.record.fields[k].dflt);
            break;
        case GOV_D_LIMIT: add_root(f, d->u.limit.value); break;
        case GOV_D_RULE:
            add_root(f, d->u.rule.when), add_root(f, d->u.rule.for_);
            add_root(f, d->u.rule.clear_when), add_root(f, d->u.rule.clear_after);
            add_root(f, d->u.rule.stale_after);
            if (d->u.rule.alerting)
                add_root(f, d->u.rule.alerting->group_wait), add_root(f, d->u.rule.alerting->repeat_interval);
            break;
        case GOV_D_WINDOW:
            add_root(f, d->u.window.call), add_root(f, d->u.window.last_runs), add_root(f, d->u.window.span);
            add_root(f, d->u.window.where), add_root(f, d->u.window.capacity), add_root(f, d->u.window.lateness);
            break;
        case GOV_D_DRIFT:
            add_root(f, d->u.drift.of), add_root(f, d->u.drift.baseline), add_root(f, d->u.drift.current);
            add_root(f, d->u.drift.threshold), add_root(f, d->u.drift.min_samples);
            add_root(f, d->u.drift.capacity), add_root(f, d->u.drift.for_), add_root(f, d->u.drift.stale_after);
            if (d->u.drift.alerting)
                add_root(f, d->u.drift.alerting->group_wait), add_root(f, d->u.drift.alerting->repeat_interval);
            for (uint32_t k = 0; k < d->u.drift.bins.n; k++)
                add_root(f, d->u.drift.bins.items[k]);
            break;
        case GOV_D_GATE:
            add_root(f, d->u.gate.when), add_root(f, d->u.gate.sla), add_root(f, d->u.gate.capacity);
            add_root(f, d->u.gate.requester);
            break;
        case GOV_D_ESCALATION:
            for (uint32_t k = 0; k < d->u.esc.nsteps; k++)
                add_root(f, d->u.esc.steps[k].after);
            add_root(f, d->u.esc.repeat), add_root(f, d->u.esc.capacity);
            break;
        case GOV_D_CHANNEL: case GOV_D_EXTERN: case GOV_D_APPROVERS: case GOV_D__COUNT:
            break;
        }
    }
    for (uint32_t i = 0; i < m->nscopes; i++) {
        GovScope *s = m->scopes[i];
        GOV_PUSH(f->arena, f->nodes, f->nn, f->ncap, ((Node){s->span.lo, s->span.hi, N_SCOPE, s}));
        collect_scope(f, s);
    }
    for (uint32_t i = 0; i < m->nwaivers; i++) {
        GovWaiver *w = m->waivers[i];
        GOV_PUSH(f->arena, f->nodes, f->nn, f->ncap, ((Node){w->span.lo, w->span.hi, N_WAIVER, w}));
        add_root(f, w->until);
    }
    for (uint32_t i = 0; i < m->nsilences; i++) {
        GovSilence *x = m->silences[i];
        GOV_PUSH(f->arena, f->nodes, f->nn, f->ncap, ((Node){x->span.lo, x->span.hi, N_SILENCE, x}));
        add_root(f, x->from), add_root(f, x->until), add_root(f, x->dur);
    }
    for (uint32_t i = 0; i < m->ntests; i++) {
        GovTest *t = m->tests[i];
        GOV_PUSH(f->arena, f->nodes, f->nn, f->ncap, ((Node){t->span.lo, t->span.hi, N_TEST, t}));
        for (uint32_t k = 0; k < t->nsteps; k++) {
            add_root(f, t->steps[k].at);
            add_root(f, t->steps[k].value);
            for (uint32_t j = 0; j < t->steps[k].args.n; j++)
                add_root(f, t->steps[k].args.items[j]);
            for (uint32_t j = 0; j < t->steps[k].ninits; j++)
                add_root(f, t->steps[k].inits[j].value);
        }
    }
    if (f->nr > 1)
        qsort(f->roots, f->nr, sizeof *f->roots, cmp_root);
    if (f->nn > 1)
        qsort(f->nodes, f->nn, sizeof *f->nodes, cmp_node);
}

static void print_file(F *f)
{
    item(f);
    int t = peek(f)->t;
    if (t != T_POLICY && t != T_MODULE)
        fail(f, "no header");
    take(f, t);
    text(f, " ");
    take(f, T_IDENT);
    if (peek(f)->t == T_IDENT) { /* version "..." */
        item(f);
        take(f, T_IDENT);
        text(f, " ");
        take(f, T_STRING);
    }
    while (peek(f)->t == T_IMPORT) {
        item(f);
        take(f, T_IMPORT);
        text(f, " ");
        take(f, T_STRING);
    }
    Run run = {0, 0, 0};
    for (uint32_t i = 0; i < f->nn; i++) {
        Node *n = &f->nodes[i];
        item(f);
        if (peek(f)->lo != n->lo)
            fail(f, "declaration at byte %u is not where the tree has it (%u)", peek(f)->lo, n->lo);
        if (n->kind == N_SCOPE) {
            scope_block(f, n->p);
            continue;
        }
        if (n->kind == N_TEST) {
            test_block(f, n->p);
            continue;
        }
        if (n->kind == N_WAIVER) {
            waiver_decl(f);
            continue;
        }
        if (n->kind == N_SILENCE) {
            silence_decl(f);
            continue;
        }
        int cls = run_class(n);
        if (cls >= 0 && i >= run.end) {
            run = (Run){i, 0, 0};
            do {
                GovDecl *d = f->nodes[run.end].p;
                int32_t w = (int32_t)(d->name_span.hi - d->name_span.lo) + kw_extra(d);
                run.name = w > run.name ? w : run.name;
                run.end++;
            } while (run.end < f->nn && run_class(&f->nodes[run.end]) == cls &&
                     !gap_blank(f, f->nodes[run.end - 1].hi, f->nodes[run.end].lo));
        }
        GovDecl *d = n->p;
        switch ((GovDeclKind)d->kind) {
        case GOV_D_RECORD: record_decl(f, d); break;
        case GOV_D_CHANNEL: {
            take(f, T_CHANNEL);
            text(f, " ");
            Tok *name = take(f, T_IDENT);
            fd_pad(&f->d, run.name - (int32_t)(name->hi - name->lo) + 1);
            take(f, '=');
            text(f, " ");
            take(f, T_IDENT);
            text(f, " ");
            take(f, T_STRING);
            break;
        }
        case GOV_D_LIMIT: {
            take(f, -1);
            text(f, " ");
            Tok *name = take(f, T_IDENT);
            fd_pad(&f->d, run.name - (int32_t)(name->hi - name->lo) - kw_extra(d) + 1);
            take(f, '=');
            text(f, " ");
            clause_expr(f);
            break;
        }
        case GOV_D_APPROVERS: { /* approvers NAME = "a", "b": aligned like channels */
            take(f, T_APPROVERS);
            text(f, " ");
            Tok *name = take(f, T_IDENT);
            fd_pad(&f->d, run.name - (int32_t)(name->hi - name->lo) + 1);
            take(f, '=');
            text(f, " ");
            word_list(f, T_STRING);
            break;
        }
        case GOV_D_WINDOW: window_decl(f, d, run.name); break;
        case GOV_D_EXTERN: extern_decl(f, d); break;
        case GOV_D_RULE: case GOV_D_DRIFT: case GOV_D_GATE: case GOV_D_ESCALATION: block_decl(f); break;
        case GOV_D__COUNT: break;
        }
    }
    flush(f, UINT32_MAX, true);
    if (peek(f)->t != T_EOF)
        fail(f, "tokens left over at byte %u", peek(f)->lo);
    fd_op(&f->d, FD_HARD, NULL, 0, 0);
}

/* ------------------------------------------------------------------ entry point */

/* Parse; false (diagnostics recorded) when the file is not a clean gov source. */
static bool parse(GovArena *a, GovDiags *diags, uint32_t file, GovModule *m)
{
    if (!govF_valid_source(diags, file))
        return false;
    uint32_t counters[GOV_D__COUNT] = {0}, scopes = 0;
    GovParser P = {0};
    P.arena = a;
    P.diags = diags;
    P.decl_counter = counters;
    P.scope_counter = &scopes;
    m->file = file;
    govP_parse_file(&P, m);
    return diags->nerrors == 0;
}

FmtStatus govc_fmt_text(const char *path, const char *text, size_t len, FILE *errs, char **out, size_t *outlen)
{
    jmp_buf oom;
    GovArena arena;
    govA_init(&arena, NULL, NULL, &oom);
    F *volatile fp = NULL;
    if (setjmp(oom)) {
        if (fp)
            fd_free(&fp->d);
        govA_free(&arena);
        return FMT_NOMEM;
    }
    if (len > GOV_MAX_FILE) {
        fprintf(errs, "%s: error[E008]: the file is larger than 64 MiB\n", path);
        govA_free(&arena);
        return FMT_SYNTAX;
    }
    GovSources src = {0};
    src.arena = &arena;
    GovDiags diags;
    govD_init(&diags, &arena, &src);
    char *t = govA_strdup(&arena, text, len);
    uint32_t file = govS_add(&src, path, t, (uint32_t)len);
    GovModule *m = govA_alloc(&arena, sizeof *m);
    if (!parse(&arena, &diags, file, m)) {
        govD_print(&diags, errs, GOV_FMT_TEXT, GOVC_VERSION);
        govA_free(&arena);
        return FMT_SYNTAX;
    }
    F *f = govA_alloc(&arena, sizeof *f);
    fp = f;
    f->src = t;
    f->len = (uint32_t)len;
    f->arena = &arena;
    volatile FmtStatus st = FMT_OK;
    if (setjmp(f->fail)) {
        fprintf(errs, "%s: internal error: govc fmt cannot lay this file out (%s); please report it\n", path,
                f->why);
        st = FMT_INTERNAL;
    } else {
        lex_all(f, &diags, file);
        scan_comments(f);
        collect(f, m);
        print_file(f);
        *out = fd_render(&f->d, outlen);
        if (!*out)
            st = FMT_NOMEM;
    }
    fd_free(&f->d);
    govA_free(&arena);
    return st;
}
