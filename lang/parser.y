/* parser.y: the gov grammar (spec/language.md §2), a pure LALR(1) Bison parser.
 *
 * Actions build the AST of one file into P->mod, allocating from the arena. Blocks
 * (rule, gate, ...) are built through P->cur, set by a mid-rule action after the
 * header. Error recovery works at two depths: a bad clause inside a block resumes at the
 * next clause keyword or the closing brace; a bad declaration resumes at the next
 * declaration keyword. Bison reports nothing more until three tokens have been shifted,
 * which suppresses cascades. Expression height is bounded by GOV_MAX_NESTING here, so
 * every recursive pass over the tree is bounded too.
 */
%define api.pure full
%define api.prefix {gov_yy}
%define api.location.type {GovLoc}
%define parse.error custom
%locations
%expect 0
%parse-param {GovParser *P}
%lex-param {GovParser *P}

%code requires {
#include "lang/lex.h"
#include "lang/parse.h"
}

%code provides {
int gov_yyparse(GovParser *P);
int govX_lex(GovLexer *lx, GOV_YYSTYPE *val, GovLoc *loc);
}

%code {
#include <string.h>

#define YYMAXDEPTH 10000
#define YYINITDEPTH 200
/* Bison's stack, when it grows, comes from the arena: nothing to free on any exit. */
#define YYMALLOC(n) govA_alloc(P->arena, (n))
#define YYFREE(p) ((void)0)

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                      \
    do {                                                                 \
        if (N) {                                                         \
            (Cur).lo = YYRHSLOC(Rhs, 1).lo;                              \
            (Cur).hi = YYRHSLOC(Rhs, N).hi;                              \
        } else {                                                         \
            (Cur).lo = (Cur).hi = YYRHSLOC(Rhs, 0).hi;                   \
        }                                                                \
    } while (0)

static int gov_yylex(GOV_YYSTYPE *v, GovLoc *l, GovParser *P)
{
    int t = govX_lex(&P->lx, v, l);
    P->lx.bad_run = false;
    P->lx.ntok++;
    P->prev_tok = P->tok, P->prev_loc = P->tok_loc;
    P->tok = t, P->tok_loc = *l;
    return t;
}

static void gov_yyerror(GovLoc *l, GovParser *P, const char *msg)
{
    /* Only Bison's own failure ("memory exhausted": the stack passed YYMAXDEPTH) gets
     * here; syntax errors go through yyreport_syntax_error. */
    (void)msg;
    /* Each level of nesting takes a bounded number of stack entries (at most the
     * length of the longest rule), so a full stack means far more than
     * GOV_MAX_NESTING levels: a chain like `- - - ... 1` or `not not ... x`, which
     * has no brackets for the lexer to count. */
    govD_error(P->diags, "E010", govP_span(P, *l),
               "nesting too deep: more than %d levels of nested expressions or blocks", GOV_MAX_NESTING);
    if (P->cur)
        P->cur->syntax_error = 1; /* the parse stops here: no "missing clause" errors */
}

#define SP(l) govP_span(P, (l))
/* The span from the start of one symbol to the end of another (for mid-rule actions,
 * whose own @$ is empty). */
#define SP2(a, b) govP_span(P, (GovLoc){(a).lo, (b).hi})
}

%union {
    int64_t i;
    double f;
    GovStr s;
    GovExpr *e;
    GovExprList el;
    GovNameList nl;
    int lvl;
}

%token T_EOF 0 "end of file"
%token T_POLICY "'policy'" T_MODULE "'module'" T_IMPORT "'import'" T_RECORD "'record'"
%token T_FROM "'from'" T_IN "'in'" T_CHANNEL "'channel'" T_MAX "'max'" T_MIN "'min'"
%token T_SCOPE "'scope'" T_TENANT "'tenant'" T_PROJECT "'project'" T_WORKFLOW "'workflow'"
%token T_AGENT "'agent'" T_RULE "'rule'" T_ON "'on'" T_WHEN "'when'" T_FOR "'for'"
%token T_CLEAR "'clear'" T_AFTER "'after'" T_SEVERITY "'severity'" T_VERDICT "'verdict'"
%token T_NOTIFY "'notify'" T_ESCALATE "'escalate'" T_WINDOW "'window'" T_OVER "'over'"
%token T_LAST "'last'" T_RUNS "'runs'" T_PER "'per'" T_WHERE "'where'"
%token T_CAPACITY "'capacity'" T_LATENESS "'lateness'" T_DRIFT "'drift'" T_OF "'of'"
%token T_BASELINE "'baseline'" T_CURRENT "'current'" T_TEST "'test'" T_BINS "'bins'"
%token T_MIN_SAMPLES "'min_samples'" T_GATE "'gate'" T_APPROVERS "'approvers'"
%token T_SLA "'sla'" T_TIMEOUT "'timeout'" T_ESCALATION "'escalation'" T_REPEAT "'repeat'"
%token T_EXTERN "'extern'" T_FN "'fn'" T_GIVEN "'given'" T_AT "'at'" T_EXPECT "'expect'"
%token T_FIRED "'fired'" T_NOT "'not'" T_AND "'and'" T_OR "'or'" T_IF "'if'"
%token T_THEN "'then'" T_ELSE "'else'" T_DENY "'deny'"
%token T_ALLOWLIST "'allowlist'" T_DENYLIST "'denylist'"
%token T_APPROVE "'approve'" T_REJECT "'reject'" T_ACK "'ack'" T_TICK "'tick'" T_BY "'by'"
%token T_MOCK "'mock'" T_WAIVE "'waive'" T_UNTIL "'until'"
%token T_GROUP_BY "'group_by'" T_GROUP_WAIT "'group_wait'" T_REPEAT_INTERVAL "'repeat_interval'"
%token T_SILENCE "'silence'" T_EVERY "'every'" T_INHIBIT "'inhibit'"
%token T_ARROW "'->'" T_EQ "'=='" T_NE "'!='" T_LE "'<='" T_GE "'>='"
%token <i> T_INT "integer" T_DURATION "duration" T_MONEY "money amount" T_TIME "time"
%token <i> T_BOOL "'true' or 'false'" T_SEV "severity (info, warning or critical)"
%token <i> T_VERD "verdict (allow, warn, review, pause or block)"
%token T_BADLIT "invalid literal"
%token <f> T_FLOAT "number" T_PERCENT "percentage"
%token <s> T_IDENT "identifier" T_STRING "string"

%type <e> expr opt_for opt_at
%type <el> expr_list expr_list1
%type <s> fname aname opt_from opt_in tname
%type <lvl> level
%type <nl> name_list

%precedence T_ELSE
%left T_OR
%left T_AND
%precedence NOTPREC
%nonassoc T_EQ T_NE '<' T_LE '>' T_GE T_IN T_NOT
%left '+' '-'
%left '*' '/'
%precedence NEG
%precedence '.'

%%

file
    : header imports decls
    ;

/* `version "2026.12.1"` belongs to the header: `version` is a contextual name
 * (spec/language.md §1), so a field or a limit may still be called version. Part of
 * one symbol, it adds no parser stack entry under the declarations. */
header
    : T_POLICY T_IDENT        { govP_header(P, false, $2, SP(@2)); }
    | T_MODULE T_IDENT        { govP_header(P, true, $2, SP(@2)); }
    | T_POLICY T_IDENT T_IDENT T_STRING opt_semi
                              { govP_header(P, false, $2, SP(@2)); govP_version(P, $3, SP(@3), $4, SP(@4)); }
    | T_MODULE T_IDENT T_IDENT T_STRING opt_semi
                              { govP_header(P, true, $2, SP(@2)); govP_version(P, $3, SP(@3), $4, SP(@4)); }
    | error                   { govP_header(P, false, (GovStr){"", 0}, SP(@1)); }
    ;

imports
    : %empty
    | imports T_IMPORT T_STRING opt_semi  { govP_import(P, $3, SP(@3)); }
    ;

decls
    : %empty
    | decls decl opt_semi
    | decls error
    ;

opt_semi: %empty | ';' ;

decl
    : record | channel | limit | scope | rule | window | drift | gate | escalation
    | extern | test | approver_group | waiver | silence
    ;

/* ------------------------------------------------------------------ records */

record
    : T_RECORD T_IDENT        { govP_begin(P, GOV_D_RECORD, $2, SP(@2), (GovStr){0}, SP(@1)); }
      '{' fields '}'          { govP_end(P, SP(@$)); }
    ;

fields
    : %empty
    | fields field opt_semi
    | fields error
    ;

field
    : fname ':' tname opt_from opt_in      { govP_field(P, $1, SP(@1), $3, SP(@3), $4, SP(@4), $5, SP(@5), NULL, SP(@$)); }
    | fname ':' tname opt_from opt_in '=' expr { govP_field(P, $1, SP(@1), $3, SP(@3), $4, SP(@4), $5, SP(@5), $7, SP(@$)); }
    ;

/* A type name: an identifier, or one of the two types whose names are also keywords. */
tname
    : T_IDENT                 { $$ = $1; }
    | T_SEVERITY              { $$ = (GovStr){"severity", 8}; }
    | T_VERDICT               { $$ = (GovStr){"verdict", 7}; }
    ;

opt_from
    : %empty                  { $$ = (GovStr){NULL, 0}; }
    | T_FROM T_STRING         { $$ = $2; }
    ;

opt_in
    : %empty                  { $$ = (GovStr){NULL, 0}; }
    | T_IN T_IDENT            { $$ = $2; }
    ;

fname
    : T_IDENT                 { $$ = $1; }
    | T_TENANT                { $$ = (GovStr){"tenant", 6}; }
    | T_PROJECT               { $$ = (GovStr){"project", 7}; }
    | T_WORKFLOW              { $$ = (GovStr){"workflow", 8}; }
    | T_AGENT                 { $$ = (GovStr){"agent", 5}; }
    | T_AT                    { $$ = (GovStr){"at", 2}; }
    ;

/* ------------------------------------------------------------------ channels, limits */

channel
    : T_CHANNEL T_IDENT '=' T_IDENT T_STRING { govP_channel(P, $2, SP(@2), $4, SP(@4), $5, SP(@5), SP(@$)); }
    ;

limit
    : T_MAX T_IDENT '=' expr  { govP_limit(P, true, $2, SP(@2), $4, SP(@$)); }
    | T_MIN T_IDENT '=' expr  { govP_limit(P, false, $2, SP(@2), $4, SP(@$)); }
    | T_ALLOWLIST T_IDENT '=' expr { govP_set_limit(P, true, $2, SP(@2), $4, SP(@$)); }
    | T_DENYLIST T_IDENT '=' expr  { govP_set_limit(P, false, $2, SP(@2), $4, SP(@$)); }
    ;

/* ------------------------------------------------------------------ scopes */

scope
    : T_SCOPE level T_STRING  { govP_scope_begin(P, $2, $3, SP2(@1, @3)); }
      '{' scope_items '}'     { govP_scope_end(P); }
    ;

level
    : T_TENANT                { $$ = GOV_LVL_TENANT; }
    | T_PROJECT               { $$ = GOV_LVL_PROJECT; }
    | T_WORKFLOW              { $$ = GOV_LVL_WORKFLOW; }
    | T_AGENT                 { $$ = GOV_LVL_AGENT; }
    ;

scope_items
    : %empty
    | scope_items scope_item opt_semi
    | scope_items error
    ;

scope_item
    : T_IDENT '=' expr        { govP_override(P, $1, SP(@1), $3, SP(@$)); }
    | scope
    ;

/* ------------------------------------------------------------------ rules */

rule
    : T_RULE T_IDENT opt_on   { govP_begin(P, GOV_D_RULE, $2, SP(@2), P->on, SP(@1)); }
      '{' rule_clauses '}'    { govP_end(P, SP(@$)); }
    ;

opt_on
    : %empty                  { P->on = (GovStr){NULL, 0}; }
    | T_ON T_IDENT            { P->on = $2; P->on_span = SP(@2); }
    ;

rule_clauses
    : %empty
    | rule_clauses rule_clause opt_semi
    | rule_clauses error
    ;

rule_clause
    : T_WHEN expr opt_for     { govP_when(P, $2, $3, SP(@1)); }
    | T_CLEAR T_WHEN expr     { govP_clear(P, $3, NULL, SP(@1)); }
    | T_CLEAR T_AFTER expr    { govP_clear(P, NULL, $3, SP(@1)); }
    | T_IDENT T_AFTER expr    { govP_stale(P, $1, SP(@1), $3, SP(@$)); }   /* `stale after D`: contextual */
    | common_clause
    ;

opt_for
    : %empty                  { $$ = NULL; }
    | T_FOR expr              { $$ = $2; }
    ;

/* Clauses shared by rules, drifts, gates and escalations; each checks that it is
 * allowed in the block it appears in. */
common_clause
    : T_SEVERITY T_SEV        { govP_severity(P, (int)$2, SP(@$)); }
    | T_SEVERITY T_IDENT      { govP_severity_limit(P, $2, SP(@2), SP(@$)); }
    | T_VERDICT T_VERD        { govP_verdict(P, (int)$2, SP(@$)); }
    | T_NOTIFY name_list      { govP_notify(P, &$2, SP(@$)); }
    | T_ESCALATE T_IDENT      { govP_escalate(P, $2, SP(@2), SP(@$)); }
    | T_CAPACITY expr         { govP_capacity(P, $2, SP(@$)); }
    | T_PER level             { govP_per(P, $2, SP(@$)); }
    | T_GROUP_BY group_levels { govP_group_by_end(P, SP(@$)); }
    | T_GROUP_WAIT expr       { govP_alerting(P, 0, $2, SP(@$)); }
    | T_REPEAT_INTERVAL expr  { govP_alerting(P, 1, $2, SP(@$)); }
    | T_INHIBIT name_list     { govP_inhibit(P, &$2, SP(@$)); }
    ;

/* group_by LEVEL, ...: the levels whose values name a notification group (§4.8). */
group_levels
    : level                   { govP_group_by(P, $1, SP(@1), 1); }
    | group_levels ',' level  { govP_group_by(P, $3, SP(@3), 0); }
    ;

name_list
    : T_IDENT                 { $$ = (GovNameList){0}; govP_name_push(P, &$$, $1, SP(@1)); }
    | name_list ',' T_IDENT   { $$ = $1; govP_name_push(P, &$$, $3, SP(@3)); }
    ;

/* ------------------------------------------------------------------ windows */

window
    : T_WINDOW T_IDENT '=' aname '(' expr_list ')' T_OVER
                              { govP_begin(P, GOV_D_WINDOW, $2, SP(@2), (GovStr){0}, SP(@1));
                                govP_window_call(P, $4, SP(@4), &$6, SP2(@4, @7)); }
      window_span window_mods { govP_end(P, SP(@$)); }
    ;

window_span
    : T_LAST expr T_RUNS      { govP_window_span(P, $2, NULL, SP(@$)); }
    | expr                    { govP_window_span(P, NULL, $1, SP(@$)); }
    ;

window_mods
    : %empty
    | window_mods window_mod
    ;

window_mod
    : T_PER level             { govP_per(P, $2, SP(@$)); }
    | T_WHERE expr            { govP_where(P, $2, SP(@$)); }
    | T_CAPACITY expr         { govP_capacity(P, $2, SP(@$)); }
    | T_LATENESS expr         { govP_lateness(P, $2, SP(@$)); }
    ;

/* ------------------------------------------------------------------ drift */

drift
    : T_DRIFT T_IDENT opt_on  { govP_begin(P, GOV_D_DRIFT, $2, SP(@2), P->on, SP(@1)); }
      '{' drift_clauses '}'   { govP_end(P, SP(@$)); }
    ;

drift_clauses
    : %empty
    | drift_clauses drift_clause opt_semi
    | drift_clauses error
    ;

drift_clause
    : T_OF expr               { govP_drift_expr(P, 0, $2, SP(@$)); }
    | T_BASELINE expr         { govP_drift_expr(P, 1, $2, SP(@$)); }
    | T_CURRENT expr          { govP_drift_expr(P, 2, $2, SP(@$)); }
    | T_MIN_SAMPLES expr      { govP_drift_expr(P, 3, $2, SP(@$)); }
    | T_TEST T_IDENT '>' expr opt_for { govP_drift_test(P, $2, SP(@2), $4, $5, SP(@$)); }
    | T_IDENT T_AFTER expr    { govP_stale(P, $1, SP(@1), $3, SP(@$)); }   /* `stale after D` */
    | T_BINS '[' expr_list ']' { govP_drift_bins(P, &$3, SP(@$)); }
    | common_clause
    ;

/* ------------------------------------------------------------------ gates */

gate
    : T_GATE T_IDENT opt_on   { govP_begin(P, GOV_D_GATE, $2, SP(@2), P->on, SP(@1)); }
      '{' gate_clauses '}'    { govP_end(P, SP(@$)); }
    ;

gate_clauses
    : %empty
    | gate_clauses gate_clause opt_semi
    | gate_clauses error
    ;

gate_clause
    : T_WHEN expr             { govP_when(P, $2, NULL, SP(@1)); }
    | T_APPROVERS approvers   { govP_approvers_done(P, SP(@$)); }
    | T_APPROVERS T_INT T_OF  { govP_quorum(P, $2, SP(@2), SP2(@1, @3)); }
      approvers               { govP_approvers_done(P, SP(@$)); }
    | T_IDENT expr            { govP_gate_word(P, $1, SP(@1), $2, SP(@$)); }
    | T_SLA expr              { govP_sla(P, $2, SP(@$)); }
    | T_ON T_TIMEOUT T_DENY   { govP_timeout(P, GOV_TIMEOUT_DENY, (GovStr){0}, SP(@3), SP(@$)); }
    | T_ON T_TIMEOUT T_VERD   { govP_timeout_verdict(P, (int)$3, SP(@3), SP(@$)); }
    | T_ON T_TIMEOUT T_ESCALATE T_IDENT { govP_timeout(P, GOV_TIMEOUT_ESCALATE, $4, SP(@4), SP(@$)); }
    | T_ON T_TIMEOUT T_IDENT  { govP_timeout(P, GOV_TIMEOUT_LIMIT, $3, SP(@3), SP(@$)); }
    | common_clause
    ;

/* Approvers: strings, and names of approver groups. */
approvers
    : approver
    | approvers ',' approver
    ;

approver
    : T_STRING                { govP_approver(P, $1, false, SP(@1)); }
    | T_IDENT                 { govP_approver(P, $1, true, SP(@1)); }
    ;

/* approvers NAME = "a", "b": a named group of approvers, for gates to list. */
approver_group
    : T_APPROVERS T_IDENT '=' { govP_begin(P, GOV_D_APPROVERS, $2, SP(@2), (GovStr){0}, SP(@1)); }
      group_members           { govP_end(P, SP(@$)); }
    ;

group_members
    : T_STRING                { govP_member(P, $1, SP(@1)); }
    | group_members ',' T_STRING { govP_member(P, $3, SP(@3)); }
    ;

/* ------------------------------------------------------------------ escalations */

escalation
    : T_ESCALATION T_IDENT    { govP_begin(P, GOV_D_ESCALATION, $2, SP(@2), (GovStr){0}, SP(@1)); }
      '{' esc_clauses '}'     { govP_end(P, SP(@$)); }
    ;

esc_clauses
    : %empty
    | esc_clauses esc_clause opt_semi
    | esc_clauses error
    ;

esc_clause
    : T_AFTER expr T_NOTIFY name_list { govP_esc_step(P, $2, &$4, SP(@$)); }
    | T_REPEAT expr           { govP_repeat(P, $2, SP(@$)); }
    | common_clause
    ;

/* ------------------------------------------------------------------ externs */

extern
    : T_EXTERN T_FN T_IDENT   { govP_begin(P, GOV_D_EXTERN, $3, SP(@3), (GovStr){0}, SP(@1)); }
      '(' opt_params ')' T_ARROW tname { govP_extern_ret(P, $9, SP(@9)); }
      opt_on_error            { govP_end(P, SP(@$)); }
    ;

/* `on error VALUE` or `on error verdict V`; `error` is contextual (not a keyword). */
opt_on_error
    : %empty
    | T_ON T_IDENT expr       { govP_on_error(P, $2, SP(@2), $3, -1, SP(@$)); }
    | T_ON T_IDENT T_VERDICT T_VERD { govP_on_error(P, $2, SP(@2), NULL, (int)$4, SP(@$)); }
    ;

opt_params
    : %empty
    | params
    ;

params
    : param
    | params ',' param
    ;

param
    : T_IDENT ':' tname       { govP_param(P, $1, $3, SP(@3), SP(@$)); }
    ;

/* ------------------------------------------------------------------ waivers */

/* waive RULE for LEVEL "NAME" ... until TIME by "WHO" reason "WHY"; `reason` is a word
 * only here (spec/language.md §4.7). */
waiver
    : T_WAIVE T_IDENT T_FOR   { govP_waiver(P, $2, SP(@2), SP(@1)); }
      waive_path T_UNTIL expr T_BY T_STRING T_IDENT T_STRING
                              { govP_waiver_end(P, $7, $9, SP(@9), $10, SP(@10), $11, SP(@11), SP(@$)); }
    ;

waive_path
    : level T_STRING          { govP_waiver_scope(P, $1, $2, SP(@$)); }
    | waive_path level T_STRING { govP_waiver_scope(P, $2, $3, SP2(@2, @3)); }
    ;

/* ------------------------------------------------------------------ silences */

/* silence NAME on RULE, ... [for LEVEL "NAME" ...] from TIME until TIME
 *   [every DAY, ... at "HH:MM" [in "ZONE"] for DURATION] by "WHO" reason "WHY"
 * (spec/language.md §4.9): day names and `reason` are words only here. */
silence
    : T_SILENCE T_IDENT T_ON name_list { govP_silence(P, $2, SP(@2), &$4, SP(@1)); }
      opt_silence_path T_FROM expr T_UNTIL expr opt_every T_BY T_STRING T_IDENT T_STRING
                              { govP_silence_end(P, $8, $10, $13, SP(@13), $14, SP(@14), $15, SP(@15), SP(@$)); }
    ;

opt_silence_path
    : %empty
    | T_FOR silence_path
    ;

silence_path
    : level T_STRING          { govP_silence_scope(P, $1, $2, SP(@$)); }
    | silence_path level T_STRING { govP_silence_scope(P, $2, $3, SP2(@2, @3)); }
    ;

opt_every
    : %empty
    | T_EVERY silence_days T_AT T_STRING opt_silence_zone T_FOR expr
                              { govP_silence_every(P, $4, SP(@4), $7, SP(@$)); }
    ;

silence_days
    : T_IDENT                 { govP_silence_day(P, $1, SP(@1)); }
    | silence_days ',' T_IDENT { govP_silence_day(P, $3, SP(@3)); }
    ;

opt_silence_zone
    : %empty
    | T_IN T_STRING           { govP_silence_zone(P, $2, SP(@2)); }
    ;

/* ------------------------------------------------------------------ tests */

test
    : T_TEST T_STRING         { govP_test_begin(P, $2, SP2(@1, @2)); }
      '{' test_steps '}'      { govP_test_end(P, SP(@$)); }
    ;

test_steps
    : %empty
    | test_steps test_step opt_semi
    | test_steps error
    ;

test_step
    : T_GIVEN T_IDENT         { govP_given(P, $2, SP(@2), NULL, SP2(@1, @2)); }
      '{' finits '}'
    | T_GIVEN T_IDENT T_AT expr { govP_given(P, $2, SP(@2), $4, SP2(@1, @4)); }
      '{' finits '}'
    | T_GIVEN T_IDENT T_IN    { govP_given(P, $2, SP(@2), NULL, SP2(@1, @3)); govP_table(P); }
      '[' rows ']'
    | T_EXPECT T_IDENT T_FIRED { govP_expect_fired(P, $2, SP(@2), false, SP(@$)); }
    | T_EXPECT T_IDENT T_NOT T_FIRED { govP_expect_fired(P, $2, SP(@2), true, SP(@$)); }
    | T_EXPECT T_VERDICT T_VERD { govP_expect_verdict(P, (int)$3, SP(@$)); }
    | T_EXPECT T_IDENT T_IDENT { govP_expect_action(P, $2, SP(@2), $3, SP(@3), false, SP(@$)); }
    | T_EXPECT T_NOT T_IDENT T_IDENT { govP_expect_action(P, $3, SP(@3), $4, SP(@4), true, SP(@$)); }
    /* `notify` is a keyword (a rule clause), so its action has rules of its own. */
    | T_EXPECT T_NOTIFY T_IDENT { govP_expect_action(P, (GovStr){"notify", 6}, SP(@2), $3, SP(@3), false, SP(@$)); }
    | T_EXPECT T_NOT T_NOTIFY T_IDENT { govP_expect_action(P, (GovStr){"notify", 6}, SP(@3), $4, SP(@4), true, SP(@$)); }
    | T_APPROVE T_IDENT T_STRING T_BY T_STRING opt_at
                              { govP_event_step(P, GOV_STEP_APPROVE, $2, SP(@2), $3, $5, $6, SP(@$)); }
    | T_REJECT T_IDENT T_STRING T_BY T_STRING opt_at
                              { govP_event_step(P, GOV_STEP_REJECT, $2, SP(@2), $3, $5, $6, SP(@$)); }
    | T_ACK T_IDENT T_STRING T_BY T_STRING opt_at
                              { govP_event_step(P, GOV_STEP_ACK, $2, SP(@2), $3, $5, $6, SP(@$)); }
    | T_TICK T_AT expr        { govP_event_step(P, GOV_STEP_TICK, (GovStr){0}, SP(@1), (GovStr){0}, (GovStr){0}, $3, SP(@$)); }
    /* `mock NAME = VALUE`, `mock NAME(ARG, ...) = VALUE`: a host function's answer in
     * this test; `_` matches any argument and `error` as the value fails the call. */
    | T_MOCK T_IDENT '=' expr { govP_mock(P, $2, SP(@2), NULL, $4, SP(@$)); }
    | T_MOCK T_IDENT '(' expr_list ')' '=' expr { govP_mock(P, $2, SP(@2), &$4, $7, SP(@$)); }
    ;

opt_at
    : %empty                  { $$ = NULL; }
    | T_AT expr               { $$ = $2; }
    ;

finits
    : %empty
    | finits1
    | finits1 ','
    ;

/* The rows of a table-driven `given KIND in [ {...}, {...} ]`. */
rows
    : row
    | rows ',' row
    | rows ','
    ;

row
    : '{' finits '}'          { govP_row_end(P, SP(@$)); }
    ;

finits1
    : finit
    | finits1 ',' finit
    ;

finit
    : fname ':' expr          { govP_finit(P, $1, $3, SP(@$)); }
    ;

/* ------------------------------------------------------------------ expressions */

expr
    : T_INT                   { $$ = govP_lit(P, GOV_E_INT, SP(@1)); $$->u.i = $1; }
    | T_FLOAT                 { $$ = govP_lit(P, GOV_E_FLOAT, SP(@1)); $$->u.f = $1; }
    | T_DURATION              { $$ = govP_lit(P, GOV_E_DURATION, SP(@1)); $$->u.i = $1; }
    | T_PERCENT               { $$ = govP_lit(P, GOV_E_PERCENT, SP(@1)); $$->u.f = $1; }
    | T_MONEY                 { $$ = govP_lit(P, GOV_E_MONEY, SP(@1)); $$->u.i = $1; }
    | T_TIME                  { $$ = govP_lit(P, GOV_E_TIME, SP(@1)); $$->u.i = $1; }
    | T_STRING                { $$ = govP_lit(P, $1.s ? GOV_E_STRING : GOV_E_ERROR, SP(@1)); $$->u.str = $1; }
    | T_BOOL                  { $$ = govP_lit(P, GOV_E_BOOL, SP(@1)); $$->u.i = $1; }
    | T_SEV                   { $$ = govP_lit(P, GOV_E_SEVERITY, SP(@1)); $$->u.i = $1; }
    | T_VERD                  { $$ = govP_lit(P, GOV_E_VERDICT, SP(@1)); $$->u.i = $1; }
    | T_BADLIT                { $$ = govP_lit(P, GOV_E_ERROR, SP(@1)); /* reported by the lexer */ }
    | T_IDENT                 { $$ = govP_name(P, $1, SP(@1)); }
    | aname '(' expr_list ')' { $$ = govP_call(P, $1, SP(@1), &$3, SP(@$)); }
    | expr '.' fname          { $$ = govP_field_access(P, $1, $3, SP(@3), SP(@$)); }
    | '(' expr ')'            { $$ = $2; $$->span = SP(@$); }
    | '-' expr %prec NEG      { $$ = govP_unary(P, GOV_AOP_NEG, $2, SP(@$)); }
    | T_NOT expr %prec NOTPREC { $$ = govP_unary(P, GOV_AOP_NOT, $2, SP(@$)); }
    | expr '+' expr           { $$ = govP_binary(P, GOV_AOP_ADD, $1, $3, SP(@$)); }
    | expr '-' expr           { $$ = govP_binary(P, GOV_AOP_SUB, $1, $3, SP(@$)); }
    | expr '*' expr           { $$ = govP_binary(P, GOV_AOP_MUL, $1, $3, SP(@$)); }
    | expr '/' expr           { $$ = govP_binary(P, GOV_AOP_DIV, $1, $3, SP(@$)); }
    | expr T_EQ expr          { $$ = govP_binary(P, GOV_AOP_EQ, $1, $3, SP(@$)); }
    | expr T_NE expr          { $$ = govP_binary(P, GOV_AOP_NE, $1, $3, SP(@$)); }
    | expr '<' expr           { $$ = govP_binary(P, GOV_AOP_LT, $1, $3, SP(@$)); }
    | expr T_LE expr          { $$ = govP_binary(P, GOV_AOP_LE, $1, $3, SP(@$)); }
    | expr '>' expr           { $$ = govP_binary(P, GOV_AOP_GT, $1, $3, SP(@$)); }
    | expr T_GE expr          { $$ = govP_binary(P, GOV_AOP_GE, $1, $3, SP(@$)); }
    | expr T_AND expr         { $$ = govP_binary(P, GOV_AOP_AND, $1, $3, SP(@$)); }
    | expr T_OR expr          { $$ = govP_binary(P, GOV_AOP_OR, $1, $3, SP(@$)); }
    | '[' expr_list ']'       { $$ = govP_list(P, &$2, SP(@$)); }
    | expr T_IN expr          { $$ = govP_in(P, $1, $3, false, SP(@$)); }
    | expr T_NOT T_IN expr %prec T_IN { $$ = govP_in(P, $1, $4, true, SP(@$)); }
    | T_IF expr T_THEN expr T_ELSE expr { $$ = govP_if(P, $2, $4, $6, SP(@$)); }
    ;

aname
    : T_IDENT                 { $$ = $1; }
    | T_MIN                   { $$ = (GovStr){"min", 3}; }
    | T_MAX                   { $$ = (GovStr){"max", 3}; }
    ;

expr_list
    : %empty                  { $$ = (GovExprList){0}; }
    | expr_list1              { $$ = $1; }
    ;

expr_list1
    : expr                    { $$ = (GovExprList){0}; GOV_PUSH(P->arena, $$.items, $$.n, $$.cap, $1); }
    | expr_list1 ',' expr     { $$ = $1; GOV_PUSH(P->arena, $$.items, $$.n, $$.cap, $3); }
    ;

%%

/* Syntax errors: "unexpected X; expected A, B or C", with a hint for the common
 * mistakes. One diagnostic per error; Bison's recovery suppresses the cascade. */
static int yyreport_syntax_error(const yypcontext_t *ctx, GovParser *P)
{
    enum { MAXEXP = 6 };
    yysymbol_kind_t exp[YYNTOKENS];
    int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
    bool want_expr = false, want_clause = false, want_ident = false, want_op = false;
    for (int i = 0; i < n; i++) {
        want_op |= strcmp(yysymbol_name(exp[i]), "'+'") == 0;
        want_expr |= exp[i] == YYSYMBOL_T_INT;
        want_ident |= exp[i] == YYSYMBOL_T_IDENT;
        want_clause |= exp[i] == YYSYMBOL_T_WHEN;
    }
    if (P->cur)
        P->cur->syntax_error = 1;
    /* A lexical error at or just before this token was reported already, and this is
     * most likely its consequence (`max a = 1 # note`): say nothing more. */
    if (P->lx.err_tok && P->lx.ntok - P->lx.err_tok <= 1)
        return 0;
    yysymbol_kind_t got = yypcontext_token(ctx);
    GovLoc *loc = yypcontext_location(ctx);
    /* A rule clause that starts with a name is `stale after D` (`stale` is contextual):
     * any other name there is the mistake, not what follows it. */
    if (n == 1 && exp[0] == YYSYMBOL_T_AFTER && P->prev_tok == T_IDENT && P->cur && P->cur->kind == GOV_D_RULE) {
        GovDiag *g = govD_error(P->diags, "E013", govP_span(P, P->prev_loc), "unexpected identifier");
        govD_note(P->diags, g, (GovSpan){UINT32_MAX, 0, 0},
                  "a rule clause starts with when, clear, stale after, severity, verdict, notify or escalate");
        return 0;
    }
    char buf[512];
    int len = snprintf(buf, sizeof buf, "unexpected %s", yysymbol_name(got));
    if (n > MAXEXP) {
        /* A long list helps nobody: name the class when there is one. */
        if (want_expr)
            snprintf(buf + len, sizeof buf - (size_t)len, "; expected an expression");
    } else if (n > 0) {
        len += snprintf(buf + len, sizeof buf - (size_t)len, "; expected ");
        for (int i = 0; i < n && len < (int)sizeof buf; i++)
            len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%s",
                            i == 0 ? "" : i == n - 1 ? " or " : ", ", yysymbol_name(exp[i]));
    }
    GovDiag *g = govD_error(P->diags, "E013", govP_span(P, *loc), "%s", buf);
    const char *gn = yysymbol_name(got);
    bool cmp = got == YYSYMBOL_T_EQ || got == YYSYMBOL_T_NE || got == YYSYMBOL_T_LE ||
               got == YYSYMBOL_T_GE || strcmp(gn, "'<'") == 0 || strcmp(gn, "'>'") == 0;
    if (cmp && want_op) /* just after an operand: `a < b < c` */
        govD_note(P->diags, g, (GovSpan){UINT32_MAX, 0, 0},
                  "comparisons do not chain: write 'a < b and b < c'");
    else if (gn[0] == '\'' && gn[1] >= 'a' && gn[1] <= 'z' && (want_expr || want_ident))
        govD_note(P->diags, g, (GovSpan){UINT32_MAX, 0, 0},
                  "%s is a keyword; it cannot be used as a name", gn);
    else if (want_clause && P->cur && P->cur->kind == GOV_D_RULE)
        govD_note(P->diags, g, (GovSpan){UINT32_MAX, 0, 0},
                  "a rule clause starts with when, clear, stale after, severity, verdict, notify or escalate");
    return 0;
}
