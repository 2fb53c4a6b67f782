/* ast.c: names of the tree's enumerations, and array growth in the arena. */
#include "lang/ast.h"

#include <string.h>

void *govA_grow(GovArena *a, void *items, uint32_t n, uint32_t *cap, size_t sz)
{
    if (n < *cap)
        return items;
    uint32_t ncap = *cap ? *cap * 2 : 4;
    void *p = govA_alloc(a, (size_t)ncap * sz);
    if (n)
        memcpy(p, items, (size_t)n * sz);
    *cap = ncap;
    return p;
}

const char *gov_type_name(GovType t)
{
    static const char *const names[GOV_TY__COUNT] = {
        "<error>", "int", "float", "ratio", "duration", "time", "money", "bool",
        "string", "id", "severity", "verdict", "set", "strings", "channel",
    };
    return (unsigned)t < GOV_TY__COUNT ? names[t] : "?";
}

const char *gov_level_name(GovLevel l)
{
    static const char *const names[] = {"tenant", "project", "workflow", "agent"};
    return (unsigned)l < GOV_LVL__COUNT ? names[l] : "?";
}

const char *gov_severity_name(int s)
{
    static const char *const names[] = {"info", "warning", "critical"};
    return s >= 0 && s < 3 ? names[s] : "?";
}

const char *gov_verdict_name(int v)
{
    static const char *const names[] = {"allow", "warn", "review", "pause", "block"};
    return v >= 0 && v < 5 ? names[v] : "?";
}

const char *gov_op_text(GovOp op)
{
    static const char *const names[] = {"+", "-", "*", "/", "==", "!=", "<", "<=", ">", ">=",
                                        "and", "or", "-", "not"};
    return names[op];
}

const char *gov_decl_kind_name(GovDeclKind k)
{
    static const char *const names[GOV_D__COUNT] = {
        "record", "channel", "limit", "rule", "window", "drift", "gate", "escalation", "extern",
        "approver group",
    };
    return (unsigned)k < GOV_D__COUNT ? names[k] : "?";
}
