/* parse.h: the parser's context and the actions the grammar calls.
 *
 * The grammar (parser.y) stays declarative: each action is one call into parse.c,
 * which builds the AST, checks the block-level rules a grammar cannot express well
 * (a clause given twice, a clause in the wrong kind of block) and bounds the height of
 * expressions.
 */
#ifndef GOV_PARSE_H
#define GOV_PARSE_H

#include "lang/lex.h"

typedef struct GovParser {
    GovLexer lx;
    GovArena *arena;
    GovDiags *diags;
    GovModule *mod;
    uint32_t file;
    GovDecl *cur;            /* the block being parsed */
    GovScope *scope;         /* innermost open scope block */
    GovTest *test;
    GovTestStep *step;
    GovWaiver *waiver;       /* the waiver being parsed */
    GovSilence *silence;     /* the silence being parsed */
    GovStr on;
    GovSpan on_span;
    bool too_deep;           /* E010 already reported for this file */
    int tok, prev_tok;       /* the last two tokens handed to the parser, and where */
    GovLoc tok_loc, prev_loc;
    uint32_t *decl_counter;  /* running index across the policy, per decl kind */
    uint32_t *scope_counter;
} GovParser;

/* Parse one file (already validated as UTF-8 without NUL) into `mod`. */
void govP_parse_file(GovParser *P, GovModule *mod);

GovSpan govP_span(GovParser *P, GovLoc l);
void govP_header(GovParser *P, bool is_module, GovStr name, GovSpan sp);
void govP_import(GovParser *P, GovStr path, GovSpan sp);
void govP_version(GovParser *P, GovStr word, GovSpan word_sp, GovStr version, GovSpan sp);
void govP_begin(GovParser *P, GovDeclKind k, GovStr name, GovSpan name_sp, GovStr on, GovSpan kw_sp);
void govP_end(GovParser *P, GovSpan sp);
void govP_field(GovParser *P, GovStr name, GovSpan name_sp, GovStr type, GovSpan type_sp,
                GovStr from, GovSpan from_sp, GovStr unit, GovSpan unit_sp, GovExpr *dflt, GovSpan sp);
void govP_channel(GovParser *P, GovStr name, GovSpan name_sp, GovStr kind, GovSpan kind_sp,
                  GovStr target, GovSpan target_sp, GovSpan sp);
void govP_limit(GovParser *P, bool is_max, GovStr name, GovSpan name_sp, GovExpr *value, GovSpan sp);
void govP_set_limit(GovParser *P, bool is_allow, GovStr name, GovSpan name_sp, GovExpr *value, GovSpan sp);
void govP_scope_begin(GovParser *P, int level, GovStr name, GovSpan sp);
void govP_scope_end(GovParser *P);
void govP_override(GovParser *P, GovStr name, GovSpan name_sp, GovExpr *value, GovSpan sp);
void govP_when(GovParser *P, GovExpr *cond, GovExpr *for_, GovSpan kw);
void govP_clear(GovParser *P, GovExpr *when, GovExpr *after, GovSpan kw);
void govP_stale(GovParser *P, GovStr word, GovSpan word_sp, GovExpr *after, GovSpan sp);
void govP_severity(GovParser *P, int sev, GovSpan sp);
void govP_severity_limit(GovParser *P, GovStr name, GovSpan name_sp, GovSpan sp);
void govP_verdict(GovParser *P, int v, GovSpan sp);
void govP_notify(GovParser *P, GovNameList *names, GovSpan sp);
void govP_escalate(GovParser *P, GovStr name, GovSpan name_sp, GovSpan sp);
void govP_capacity(GovParser *P, GovExpr *e, GovSpan sp);
void govP_per(GovParser *P, int level, GovSpan sp);
void govP_group_by(GovParser *P, int level, GovSpan sp, int first);
void govP_silence(GovParser *P, GovStr name, GovSpan name_sp, GovNameList *rules, GovSpan kw);
void govP_silence_scope(GovParser *P, int level, GovStr name, GovSpan sp);
void govP_silence_day(GovParser *P, GovStr day, GovSpan sp);
void govP_silence_zone(GovParser *P, GovStr zone, GovSpan sp);
void govP_silence_every(GovParser *P, GovStr at, GovSpan at_sp, GovExpr *dur, GovSpan sp);
void govP_silence_end(GovParser *P, GovExpr *from, GovExpr *until, GovStr by, GovSpan by_sp, GovStr word,
                      GovSpan word_sp, GovStr reason, GovSpan reason_sp, GovSpan sp);
void govP_group_by_end(GovParser *P, GovSpan sp);
void govP_inhibit(GovParser *P, GovNameList *names, GovSpan sp);
void govP_alerting(GovParser *P, int which, GovExpr *e, GovSpan sp);
void govP_name_push(GovParser *P, GovNameList *l, GovStr name, GovSpan sp);
void govP_window_call(GovParser *P, GovStr agg, GovSpan agg_sp, GovExprList *args, GovSpan sp);
void govP_window_span(GovParser *P, GovExpr *last_runs, GovExpr *span, GovSpan sp);
void govP_where(GovParser *P, GovExpr *e, GovSpan sp);
void govP_lateness(GovParser *P, GovExpr *e, GovSpan sp);
void govP_drift_expr(GovParser *P, int which, GovExpr *e, GovSpan sp);
void govP_drift_test(GovParser *P, GovStr stat, GovSpan stat_sp, GovExpr *threshold, GovExpr *for_, GovSpan sp);
void govP_drift_bins(GovParser *P, GovExprList *bins, GovSpan sp);
void govP_approver(GovParser *P, GovStr who, bool group, GovSpan sp);
void govP_quorum(GovParser *P, int64_t n, GovSpan n_sp, GovSpan sp);
void govP_gate_word(GovParser *P, GovStr word, GovSpan word_sp, GovExpr *e, GovSpan sp);
void govP_member(GovParser *P, GovStr who, GovSpan sp);
void govP_approvers_done(GovParser *P, GovSpan sp);
void govP_sla(GovParser *P, GovExpr *e, GovSpan sp);
void govP_timeout(GovParser *P, GovTimeout t, GovStr chain, GovSpan chain_sp, GovSpan sp);
void govP_timeout_verdict(GovParser *P, int verdict, GovSpan vsp, GovSpan sp);
void govP_esc_step(GovParser *P, GovExpr *after, GovNameList *names, GovSpan sp);
void govP_repeat(GovParser *P, GovExpr *e, GovSpan sp);
void govP_param(GovParser *P, GovStr name, GovStr type, GovSpan type_sp, GovSpan sp);
void govP_extern_ret(GovParser *P, GovStr type, GovSpan sp);
void govP_on_error(GovParser *P, GovStr word, GovSpan word_sp, GovExpr *dflt, int verdict, GovSpan sp);
void govP_test_begin(GovParser *P, GovStr name, GovSpan sp);
void govP_test_end(GovParser *P, GovSpan sp);
void govP_given(GovParser *P, GovStr kind, GovSpan kind_sp, GovExpr *at, GovSpan sp);
void govP_expect_fired(GovParser *P, GovStr rule, GovSpan rule_sp, bool negate, GovSpan sp);
void govP_expect_verdict(GovParser *P, int verdict, GovSpan sp);
void govP_finit(GovParser *P, GovStr name, GovExpr *value, GovSpan sp);
void govP_table(GovParser *P);
void govP_row_end(GovParser *P, GovSpan sp);
void govP_event_step(GovParser *P, GovStepKind k, GovStr name, GovSpan name_sp, GovStr key, GovStr by, GovExpr *at,
                     GovSpan sp);
void govP_waiver(GovParser *P, GovStr rule, GovSpan rule_sp, GovSpan kw);
void govP_waiver_scope(GovParser *P, int level, GovStr name, GovSpan sp);
void govP_waiver_end(GovParser *P, GovExpr *until, GovStr by, GovSpan by_sp, GovStr word, GovSpan word_sp, GovStr reason,
                     GovSpan reason_sp, GovSpan sp);
void govP_mock(GovParser *P, GovStr name, GovSpan name_sp, GovExprList *args, GovExpr *value, GovSpan sp);
void govP_expect_action(GovParser *P, GovStr action, GovSpan action_sp, GovStr name, GovSpan name_sp, bool negate,
                        GovSpan sp);

/* Bytes allocated for an expression or a declaration of one kind: only its own member
 * of the union. Nothing may read or write another kind's member, or copy one whole. */
size_t govP_expr_size(GovExprKind k);
size_t govP_decl_size(GovDeclKind k);
GovExpr *govP_lit(GovParser *P, GovExprKind k, GovSpan sp);
GovExpr *govP_name(GovParser *P, GovStr name, GovSpan sp);
GovExpr *govP_call(GovParser *P, GovStr name, GovSpan name_sp, GovExprList *args, GovSpan sp);
GovExpr *govP_field_access(GovParser *P, GovExpr *obj, GovStr name, GovSpan name_sp, GovSpan sp);
GovExpr *govP_unary(GovParser *P, GovOp op, GovExpr *a, GovSpan sp);
GovExpr *govP_binary(GovParser *P, GovOp op, GovExpr *a, GovExpr *b, GovSpan sp);
GovExpr *govP_in(GovParser *P, GovExpr *x, GovExpr *rhs, bool negate, GovSpan sp);
GovExpr *govP_list(GovParser *P, GovExprList *items, GovSpan sp);
GovExpr *govP_if(GovParser *P, GovExpr *c, GovExpr *a, GovExpr *b, GovSpan sp);

#endif
