/* programs.c: hand-built sample programs shared by the VM tests, the corruption sweep and
 * the example host's test (built with the test assembler until govc emits bytecode).
 *
 * prog_support is the brief's support policy, written out as a compiler would lower it:
 *
 *   record run { latency: duration from "latency_ms" in ms; cost: money from "cost_usd"
 *                tokens: int = 0; accuracy: ratio from "quality_score" = 100%
 *                error: bool = false; action: string = ""; amount: money = $0 }
 *   channel risk_alerts = slack "#risk-alerts"; oncall = pagerduty "support-oncall"
 *   channel leads = email "support-leads@company.com"
 *   max latency_budget = 3s; max cost_cap = $0.12; min accuracy_floor = 95%
 *   scope tenant "acme" { cost_cap = $0.10
 *       scope workflow "refunds" { cost_cap = $0.05 } }
 *   scope project "support" { latency_budget = 2s
 *       scope workflow "refunds" { cost_cap = $0.08 }
 *       scope agent "triage-bot" { latency_budget = 1500ms } }
 *   rule slow_run     { when run.latency > latency_budget; severity warning; notify risk_alerts }
 *   rule over_budget  { when run.cost > cost_cap; severity critical; notify oncall, leads }
 *   rule low_accuracy { when run.accuracy < accuracy_floor; severity warning; verdict review }
 *   rule large_refund { when run.action == "refund" and run.amount > $500; severity info }
 */
#include "tests/vm/programs.h"

#define ABC(o, a, b2, c) tb_op(b, GOVB_ABC(GOV_OP_##o, a, b2, c))
#define ABX(o, a, x) tb_op(b, GOVB_ABX(GOV_OP_##o, a, x))
#define KI(v) tb_k(b, GOVB_TY_INT, v)
#define KF(v) tb_kf(b, GOVB_TY_FLOAT, v)

uint8_t *prog_support(size_t *len) {
    tb *b = tb_new("support_agents");
    uint32_t run = tb_kind(b, "run");
    uint32_t lat = tb_field(b, run, "latency", "latency_ms", GOVB_TY_DURATION, GOVB_U_MS, GOVB_NONE);
    uint32_t cost = tb_field(b, run, "cost", "cost_usd", GOVB_TY_MONEY, GOVB_U_USD, GOVB_NONE);
    tb_field(b, run, "tokens", "tokens", GOVB_TY_INT, GOVB_U_NONE, tb_k(b, GOVB_TY_INT, 0));
    uint32_t acc = tb_field(b, run, "accuracy", "quality_score", GOVB_TY_RATIO, GOVB_U_FRACTION,
                            tb_kf(b, GOVB_TY_RATIO, 1.0));
    tb_field(b, run, "error", "error", GOVB_TY_BOOL, GOVB_U_NONE, tb_k(b, GOVB_TY_BOOL, 0));
    uint32_t action = tb_field(b, run, "action", "action", GOVB_TY_STRING, GOVB_U_NONE, tb_ks(b, GOVB_TY_STRING, ""));
    uint32_t amount = tb_field(b, run, "amount", "amount", GOVB_TY_MONEY, GOVB_U_USD, tb_k(b, GOVB_TY_MONEY, 0));

    uint32_t risk = tb_channel(b, "risk_alerts", GOVB_CH_SLACK, "#risk-alerts");
    uint32_t oncall = tb_channel(b, "oncall", GOVB_CH_PAGERDUTY, "support-oncall");
    uint32_t leads = tb_channel(b, "leads", GOVB_CH_EMAIL, "support-leads@company.com");

    uint32_t lb = tb_limit(b, "latency_budget", GOVB_TY_DURATION, GOVB_DIR_MAX,
                           tb_k(b, GOVB_TY_DURATION, 3000000000), 10);
    uint32_t cc = tb_limit(b, "cost_cap", GOVB_TY_MONEY, GOVB_DIR_MAX, tb_k(b, GOVB_TY_MONEY, 120000), 11);
    uint32_t af = tb_limit(b, "accuracy_floor", GOVB_TY_RATIO, GOVB_DIR_MIN, tb_kf(b, GOVB_TY_RATIO, 0.95), 12);

    uint32_t acme = tb_scope(b, GOVB_LV_TENANT, "acme", GOVB_NONE);
    uint32_t acme_ref = tb_scope(b, GOVB_LV_WORKFLOW, "refunds", acme);
    uint32_t sup = tb_scope(b, GOVB_LV_PROJECT, "support", GOVB_NONE);
    uint32_t sup_ref = tb_scope(b, GOVB_LV_WORKFLOW, "refunds", sup);
    uint32_t triage = tb_scope(b, GOVB_LV_AGENT, "triage-bot", sup);
    tb_override(b, cc, acme, tb_k(b, GOVB_TY_MONEY, 100000), 15);
    tb_override(b, cc, acme_ref, tb_k(b, GOVB_TY_MONEY, 50000), 16);
    tb_override(b, lb, sup, tb_k(b, GOVB_TY_DURATION, 2000000000), 19);
    tb_override(b, cc, sup_ref, tb_k(b, GOVB_TY_MONEY, 80000), 20);
    tb_override(b, lb, triage, tb_k(b, GOVB_TY_DURATION, 1500000000), 21);

    uint32_t r = tb_rule(b, "slow_run", run, GOV_WARNING, GOV_WARN, 24);
    tb_op(b, GOVB_ABX(GOV_OP_TGTL, lat, lb));
    tb_notify(b, r, risk);
    r = tb_rule(b, "over_budget", run, GOV_CRITICAL, GOV_BLOCK, 25);
    tb_op(b, GOVB_ABX(GOV_OP_TGTL, cost, cc));
    tb_notify(b, r, oncall);
    tb_notify(b, r, leads);
    tb_rule(b, "low_accuracy", run, GOV_WARNING, GOV_REVIEW, 26);
    tb_op(b, GOVB_ABX(GOV_OP_TLTL, acc, af));
    uint32_t t1 = tb_reg(b, run, GOVB_TY_BOOL), t2 = tb_reg(b, run, GOVB_TY_BOOL);
    uint32_t ts = tb_reg(b, run, GOVB_TY_STRING), tm = tb_reg(b, run, GOVB_TY_MONEY);
    tb_rule(b, "large_refund", run, GOV_INFO, GOV_ALLOW, 27);
    tb_op(b, GOVB_ABX(GOV_OP_LOADK, ts, tb_ks(b, GOVB_TY_STRING, "refund")));
    tb_op(b, GOVB_ABC(GOV_OP_EQ, t1, action, ts));
    tb_op(b, GOVB_ABX(GOV_OP_LOADK, tm, tb_k(b, GOVB_TY_MONEY, 500000000)));
    tb_op(b, GOVB_ABC(GOV_OP_GT, t2, amount, tm));
    tb_op(b, GOVB_ABC(GOV_OP_AND, t1, t1, t2));
    tb_op(b, GOVB_ABC(GOV_OP_FIREIF, t1, 0, 0));
    uint8_t *f = tb_build(b, len);
    tb_free(b);
    return f;
}

/* Two record kinds, for the "kind" member and kind-specific rules. */
uint8_t *prog_two_kinds(size_t *len) {
    tb *b = tb_new("two_kinds");
    uint32_t run = tb_kind(b, "run");
    uint32_t lat = tb_field(b, run, "latency", "latency", GOVB_TY_DURATION, GOVB_U_S, GOVB_NONE);
    uint32_t tool = tb_kind(b, "tool_call");
    uint32_t name = tb_field(b, tool, "tool", "tool", GOVB_TY_STRING, GOVB_U_NONE, GOVB_NONE);
    tb_rule(b, "slow", run, GOV_WARNING, GOV_WARN, 5);
    tb_op(b, GOVB_ABX(GOV_OP_TGTK, lat, tb_k(b, GOVB_TY_DURATION, 10000000000)));
    tb_rule(b, "shell", tool, GOV_CRITICAL, GOV_BLOCK, 6);
    tb_op(b, GOVB_ABX(GOV_OP_TEQK, name, tb_ks(b, GOVB_TY_STRING, "shell")));
    uint8_t *f = tb_build(b, len);
    tb_free(b);
    return f;
}

/* Kind "r": fields i j (int) f g (float) s t (string) p q (bool) d (duration)
 * m (money) at slots 6..15; temporaries I I2 F B D M S at 16..22; limits li (int, max,
 * 10), lf (float, min, 0.5). */
tb *ops_prog(void) {
    tb *b = tb_new("ops");
    uint32_t k = tb_kind(b, "r");
    const struct { const char *n; uint32_t t; } fl[] = {
        {"i", GOVB_TY_INT}, {"j", GOVB_TY_INT}, {"f", GOVB_TY_FLOAT}, {"g", GOVB_TY_FLOAT},
        {"s", GOVB_TY_STRING}, {"t", GOVB_TY_STRING}, {"p", GOVB_TY_BOOL}, {"q", GOVB_TY_BOOL},
        {"d", GOVB_TY_DURATION}, {"m", GOVB_TY_MONEY}};
    for (int i = 0; i < 10; i++) {
        uint32_t t = fl[i].t, dflt = t == GOVB_TY_FLOAT ? tb_kf(b, t, 0) : t == GOVB_TY_STRING ? tb_ks(b, t, "") : tb_k(b, t, 0);
        tb_field(b, k, fl[i].n, fl[i].n, t, t == GOVB_TY_DURATION ? GOVB_U_NS : t == GOVB_TY_MONEY ? GOVB_U_MICROS : 0, dflt);
    }
    uint32_t tt[] = {GOVB_TY_INT, GOVB_TY_INT, GOVB_TY_FLOAT, GOVB_TY_BOOL, GOVB_TY_DURATION, GOVB_TY_MONEY, GOVB_TY_STRING};
    for (int i = 0; i < 7; i++) tb_reg(b, k, tt[i]);
    tb_limit(b, "li", GOVB_TY_INT, GOVB_DIR_MAX, tb_k(b, GOVB_TY_INT, 10), 1);
    tb_limit(b, "lf", GOVB_TY_FLOAT, GOVB_DIR_MIN, tb_kf(b, GOVB_TY_FLOAT, 0.5), 2);
    tb_rule(b, "r0", k, GOV_WARNING, GOV_WARN, 3);
    return b;
}

/* One rule that uses every opcode once (golden disassembly, corruption sweep). */
uint8_t *prog_all_ops(size_t *len) {
    tb *b = ops_prog();
    ABX(LOADK, TI, KI(42)); ABX(LOADL, TI2, 0); ABC(MOV, TI, I, 0); ABC(ADD, TI, I, J); ABC(SUB, TI, I, J);
    ABC(MUL, TI, I, J); ABC(DIV, TF, F, G); ABC(NEG, TF, F, 0); ABC(I2F, TF, I, 0); ABC(MULIF, TD, D, F);
    ABC(DIVIF, TM, M, F); ABC(EQ, TB, S, T); ABC(NE, TB, I, J); ABC(LT, TB, I, J); ABC(LE, TB, F, G);
    ABC(GT, TB, I, J); ABC(GE, TB, I, J); ABC(NOT, TB, P, 0); ABC(AND, TB, P, Q); ABC(OR, TB, P, Q);
    ABX(JMP, 0, 0); ABX(JMPF, TB, 0); ABX(JMPT, TB, 0); ABC(FIREIF, TB, 0, 0);
    ABX(TEQL, I, 0); ABX(TNEL, I, 0); ABX(TLTL, I, 0); ABX(TLEL, F, 1); ABX(TGTL, I, 0); ABX(TGEL, I, 0);
    ABX(TEQK, S, tb_ks(b, GOVB_TY_STRING, "x\"y")); ABX(TNEK, I, KI(1)); ABX(TLTK, D, tb_k(b, GOVB_TY_DURATION, 1500000));
    ABX(TLEK, M, tb_k(b, GOVB_TY_MONEY, 120000)); ABX(TGTK, F, KF(0.1)); ABX(TGEK, I, KI(-3)); ABC(FIRE, 0, 0, 0);
    uint8_t *f = tb_build(b, len);
    tb_free(b);
    return f;
}
