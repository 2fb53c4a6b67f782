/* gov_opcodes.h: the gov instruction set, one X-macro entry per opcode.
 *
 * STABLE: the order of this list (it numbers the opcodes; append new ones at the end),
 * the word layout below, and each entry's meaning. spec/bytecode.md's opcode table is
 * generated from this file (tests/vm/opdoc.awk), and a test fails if they differ.
 *
 * Every instruction is one 32-bit little-endian word, in the manner of Lua 5.4:
 *
 *     31       24 23       16 15        8 7         0
 *    +-----------+-----------+-----------+-----------+
 *    |     C     |     B     |     A     |    op     |   format ABC
 *    +-----------+-----------+-----------+-----------+
 *    |          Bx           |     A     |    op     |   format ABx
 *    +-----------------------+-----------+-----------+
 *
 * R[x] is register x of the rule's record kind. Registers 0 .. nfields-1 hold the
 * record's fields (slot order, read-only); the others are temporaries, zeroed before
 * each record. Every register has one static type, declared in the REGTYPES section.
 * K[x] is constant x, L[x] the value in force of limit x for this record (resolved
 * through the scopes, spec/language.md §5). "class" is I (int, duration, time, money,
 * bool, severity, verdict: int64), F (float, ratio: double) or S (string, id: bytes).
 *
 * Each rule's code runs from its first word; it ends at FIRE, at a taken FIREIF/T..,
 * or by running off the end of its range (not fired). Jumps go forward only:
 * the target pc+1+Bx must lie within the rule's range or be its end. So every word
 * runs at most once per record, and a kind's step bound is the sum of its rules' code
 * lengths (checked by the verifier).
 *
 * Comparisons log their operands (for findings and the trace); LOADL and the T..L forms
 * log the limit they read. The first limit a rule reads is its finding's limit.
 *
 * GOV_OP(name, format, meaning, operand rule checked by the verifier)
 */
GOV_OP(LOADK,  ABX, "R[A] := K[Bx]",                "type(R[A]) = type(K[Bx])")
GOV_OP(LOADL,  ABX, "R[A] := L[Bx]",                "type(R[A]) = type(L[Bx])")
GOV_OP(MOV,    ABC, "R[A] := R[B]",                 "type(R[A]) = type(R[B])")
GOV_OP(ADD,    ABC, "R[A] := R[B] + R[C]",          "R[A], R[B], R[C] numeric, one class (I: saturating; F: total)")
GOV_OP(SUB,    ABC, "R[A] := R[B] - R[C]",          "as ADD")
GOV_OP(MUL,    ABC, "R[A] := R[B] * R[C]",          "as ADD")
GOV_OP(DIV,    ABC, "R[A] := R[B] / R[C]",          "as ADD; I truncates toward zero; x/0 = 0")
GOV_OP(NEG,    ABC, "R[A] := -R[B]",                "R[A], R[B] numeric, one class")
GOV_OP(I2F,    ABC, "R[A] := float(R[B])",          "R[A] class F; R[B] numeric class I")
GOV_OP(MULIF,  ABC, "R[A] := round(R[B] * R[C])",   "R[A], R[B] numeric class I; R[C] class F; ties away from zero")
GOV_OP(DIVIF,  ABC, "R[A] := round(R[B] / R[C])",   "as MULIF; x/0 = 0")
GOV_OP(EQ,     ABC, "R[A] := R[B] == R[C]",         "R[A] bool; R[B], R[C] one class (I, F or S)")
GOV_OP(NE,     ABC, "R[A] := R[B] != R[C]",         "as EQ")
GOV_OP(LT,     ABC, "R[A] := R[B] < R[C]",          "R[A] bool; R[B], R[C] one class, I or F")
GOV_OP(LE,     ABC, "R[A] := R[B] <= R[C]",         "as LT")
GOV_OP(GT,     ABC, "R[A] := R[B] > R[C]",          "as LT")
GOV_OP(GE,     ABC, "R[A] := R[B] >= R[C]",         "as LT")
GOV_OP(NOT,    ABC, "R[A] := not R[B]",             "R[A], R[B] bool")
GOV_OP(AND,    ABC, "R[A] := R[B] and R[C]",        "R[A], R[B], R[C] bool")
GOV_OP(OR,     ABC, "R[A] := R[B] or R[C]",         "R[A], R[B], R[C] bool")
GOV_OP(JMP,    ABX, "pc += Bx",                     "A = 0; target in the rule")
GOV_OP(JMPF,   ABX, "if not R[A] then pc += Bx",    "R[A] bool; target in the rule")
GOV_OP(JMPT,   ABX, "if R[A] then pc += Bx",        "R[A] bool; target in the rule")
GOV_OP(FIRE,   ABC, "fire the rule; end it",        "A = B = C = 0")
GOV_OP(FIREIF, ABC, "if R[A] then fire the rule and end it", "R[A] bool; B = C = 0")
GOV_OP(TEQL,   ABX, "if R[A] == L[Bx] then fire",   "class(R[A]) = class(L[Bx])")
GOV_OP(TNEL,   ABX, "if R[A] != L[Bx] then fire",   "as TEQL")
GOV_OP(TLTL,   ABX, "if R[A] < L[Bx] then fire",    "as TEQL")
GOV_OP(TLEL,   ABX, "if R[A] <= L[Bx] then fire",   "as TEQL")
GOV_OP(TGTL,   ABX, "if R[A] > L[Bx] then fire",    "as TEQL")
GOV_OP(TGEL,   ABX, "if R[A] >= L[Bx] then fire",   "as TEQL")
GOV_OP(TEQK,   ABX, "if R[A] == K[Bx] then fire",   "class(R[A]) = class(K[Bx])")
GOV_OP(TNEK,   ABX, "if R[A] != K[Bx] then fire",   "as TEQK")
GOV_OP(TLTK,   ABX, "if R[A] < K[Bx] then fire",    "as TEQK, class I or F")
GOV_OP(TLEK,   ABX, "if R[A] <= K[Bx] then fire",   "as TLTK")
GOV_OP(TGTK,   ABX, "if R[A] > K[Bx] then fire",    "as TLTK")
GOV_OP(TGEK,   ABX, "if R[A] >= K[Bx] then fire",   "as TLTK")
GOV_OP(SETCLR, ABC, "clear := R[A]",               "R[A] bool; B = C = 0; only in a rule whose RULESTATE entry has `clear when`")
/* Built-in functions (spec/stdlib.md; vm/gov_std.h holds their one implementation). */
GOV_OP(ROUND,  ABC, "R[A] := round(R[B])",          "R[A] int; R[B] class F; C = 0; ties away from zero, saturating")
GOV_OP(LEN,    ABC, "R[A] := byte length of R[B]",  "R[A] int; R[B] class S; C = 0")
GOV_OP(STARTS, ABC, "R[A] := R[B] starts with R[C]", "R[A] bool; R[B], R[C] class S")
GOV_OP(ENDS,   ABC, "R[A] := R[B] ends with R[C]",  "as STARTS")
GOV_OP(CONTAINS, ABC, "R[A] := R[C] occurs in R[B]", "as STARTS")
GOV_OP(IEQ,    ABC, "R[A] := R[B] == R[C], ASCII letters folded", "as STARTS")
GOV_OP(MATCH,  ABC, "R[A] := R[B] matches glob P[C]", "R[A] bool; R[B] class S; C < number of PATTERNS")
GOV_OP(HOUR,   ABC, "R[A] := hour of R[B] in zone Z[C] (0..23)", "R[A] int; R[B] time; C < number of ZONES")
GOV_OP(WDAY,   ABC, "R[A] := weekday of R[B] in zone Z[C] (1 Mon .. 7 Sun)", "as HOUR")
GOV_OP(BIZ,    ABC, "R[A] := R[B] is Mon-Fri 09:00-17:00 in zone Z[C]", "R[A] bool; R[B] time; C < number of ZONES")
GOV_OP(LOADW,  ABX, "R[A] := W[Bx]; if W[Bx] has no value, end the rule (not fired)", "rules only; window Bx of the rule's kind; type(R[A]) = its type")
GOV_OP(CALL,   ABC, "R[A] := extern B (R[C] .. R[C+n-1])", "B < externs; n = its arity; type(R[C+i]) = param i (string and id: either); type(R[A]) = its return type; R[A] not a field")
GOV_OP(LOADD,  ABX, "R[A] := D[Bx], drift Bx's statistic; if either window has fewer than min_samples values, end the rule (not fired)", "rules only; drift Bx of the rule's kind; R[A] float")
/* Sets and lists (spec/language.md §5.1): a set is an allowlist's or denylist's value, or a
 * constant list; membership is a binary search over its exact members, then each glob. */
GOV_OP(INSET,  ABC, "R[A] := R[B] is a member of set R[C]", "R[A] bool; R[B] class S; R[C] set")
GOV_OP(INLIST, ABC, "R[A] := R[B] is an element of list R[C]", "R[A] bool; R[B] class S; R[C] strings")
GOV_OP(ANYIN,  ABC, "R[A] := some element of list R[B] is a member of set R[C]", "R[A] bool; R[B] strings; R[C] set")
GOV_OP(ALLIN,  ABC, "R[A] := every element of list R[B] is a member of set R[C] (true for an empty list)", "as ANYIN")
