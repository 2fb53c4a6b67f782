/* luapeer.c: the peer a host developer would otherwise embed: the same rules as a Lua
 * function (tests/bench/gen.py writes it from the same rule spec as the .gov policy),
 * evaluated through the Lua C API. Built twice from this one file: against Lua 5.4
 * (build/bench/peer-lua54) and against LuaJIT 2.1 (build/bench/peer-luajit), both from
 * Debian; they export the same lua_* symbols, so they cannot share one executable.
 *
 *   luapeer [-m typed|prebuilt|json|all] [-t BUDGET_MS] [-c COUNT] RULES.lua RECORDS.jsonl
 *
 * The same records, the same untimed summary pass and the same batched timing as
 * evalbench (common.h), so `make bench` can check both engines decided the same.
 *
 *   typed     what a host does per record: build a Lua table from its C values (the same
 *             12 fields gov_set_* sets) and call the rule function; both inside the
 *             timed region, as gov_record_begin, gov_set_* and gov_eval are for libgov.
 *   prebuilt  the Lua peer's best case: every record's table is built before timing;
 *             only the call is timed. Not a like-for-like figure; shown for scale.
 *   json      the JSON line decoded by lua-cjson (Debian's lua-cjson-dev) and the rule
 *             function called on the result, end to end, as gov_eval_json.
 *
 * The rule function resolves limits per record through a table cached per agent
 * (defaults, then tenant, project and agent overrides), and returns the verdict and the
 * number of rules that fired. It builds no findings, actions or provenance, which
 * libgov does on every record: the comparison favours the peer.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "tests/bench/common.h"

int luaopen_cjson(lua_State *L); /* liblua5.x-cjson.a */

#ifndef PEER_NAME
#define PEER_NAME "lua"
#endif

typedef struct Summary {
    unsigned long verdicts[5], errors, findings;
} Summary;

static lua_State *L;
static int F_EVAL, F_JSON, T_PRE, F_RESET; /* stack slots */

static void die(const char *what)
{
    fprintf(stderr, "luapeer (%s): %s: %s\n", PEER_NAME, what, lua_tostring(L, -1));
    exit(2);
}

static void push_record(const Rec *r)
{
    lua_createtable(L, 0, 12);
    for (int k = 0; k < 5; k++) {
        lua_pushlstring(L, r->s[k], r->n[k]);
        lua_setfield(L, -2, rec_keys[k]);
    }
    lua_pushinteger(L, (lua_Integer)(r->at / 1000000)); /* ms: LuaJIT's doubles hold it exactly */
    lua_setfield(L, -2, "at");
    lua_pushinteger(L, (lua_Integer)r->latency_ms);
    lua_setfield(L, -2, "latency_ms");
    lua_pushnumber(L, r->cost_usd);
    lua_setfield(L, -2, "cost_usd");
    lua_pushinteger(L, (lua_Integer)r->tokens);
    lua_setfield(L, -2, "tokens");
    lua_pushnumber(L, r->quality);
    lua_setfield(L, -2, "quality_score");
    lua_pushboolean(L, r->error);
    lua_setfield(L, -2, "error");
    lua_pushlstring(L, r->action, r->naction);
    lua_setfield(L, -2, "action");
}

/* One record through one mode; leaves nothing on the stack; returns the verdict and
 * adds the findings to *nf. */
static inline int eval_one(int mode, const Rec *r, size_t i, unsigned long *nf)
{
    if (mode == 0) {
        lua_pushvalue(L, F_EVAL);
        push_record(r);
    } else if (mode == 1) {
        lua_pushvalue(L, F_EVAL);
        lua_rawgeti(L, T_PRE, (int)i + 1);
    } else {
        lua_pushvalue(L, F_JSON);
        lua_pushlstring(L, r->line, r->len);
    }
    lua_call(L, 1, 2);
    int v = (int)lua_tointeger(L, -2);
    *nf += (unsigned long)lua_tointeger(L, -1);
    lua_pop(L, 2);
    return v;
}

/* The chunk's reset (windows only): forget every window. */
static void reset(void)
{
    if (lua_isnil(L, F_RESET)) return;
    lua_pushvalue(L, F_RESET);
    lua_call(L, 0, 0);
}

/* bench_shift, and the prebuilt tables' "at" with it. */
static void shift(Rec *recs, size_t n, int64_t period, int prebuilt)
{
    bench_shift(recs, n, period);
    for (size_t i = 0; prebuilt && i < n; i++) {
        lua_rawgeti(L, T_PRE, (int)i + 1);
        lua_pushinteger(L, (lua_Integer)(recs[i].at / 1000000));
        lua_setfield(L, -2, "at");
        lua_pop(L, 1);
    }
}

__attribute__((noinline)) unsigned run_peer(int mode, const Rec *recs, size_t n, size_t count);
unsigned run_peer(int mode, const Rec *recs, size_t n, size_t count)
{
    unsigned long nf = 0;
    unsigned sink = 0;
    for (size_t i = 0; i < count; i++) sink += (unsigned)eval_one(mode, &recs[i % n], i % n, &nf);
    return sink + (unsigned)nf;
}

int main(int argc, char **argv)
{
    const char *mode = "all";
    double budget = 400;
    long count = 0;
    int a = 1;
    for (; a + 1 < argc && argv[a][0] == '-'; a += 2) {
        if (!strcmp(argv[a], "-m")) mode = argv[a + 1];
        else if (!strcmp(argv[a], "-t")) budget = atof(argv[a + 1]);
        else if (!strcmp(argv[a], "-c")) count = atol(argv[a + 1]);
    }
    if (argc - a != 2) {
        fprintf(stderr, "usage: luapeer [-m typed|prebuilt|json|all] [-t MS] [-c COUNT] RULES.lua RECORDS.jsonl\n");
        return 2;
    }
    size_t rlen, n;
    unsigned char *rb = bench_slurp(argv[a + 1], &rlen);
    if (!rb) return 2;
    Rec *recs = bench_records((char *)rb, &n);
    if (!n) return 2;

    L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushcfunction(L, luaopen_cjson);
    lua_call(L, 0, 1);
    lua_setglobal(L, "cjson");
    if (luaL_loadfile(L, argv[a]) != 0) die("load");
    lua_call(L, 0, 2); /* the chunk returns the rule function, and with windows a reset */
    F_EVAL = lua_gettop(L) - 1;
    F_RESET = lua_gettop(L);
    static const char wrap[] = "local eval, decode = ..., cjson.decode\n"
                               "return function(s) return eval(decode(s)) end\n";
    if (luaL_loadbuffer(L, wrap, sizeof wrap - 1, "json") != 0) die("wrap");
    lua_pushvalue(L, F_EVAL);
    lua_call(L, 1, 1);
    F_JSON = lua_gettop(L);
    lua_createtable(L, (int)n, 0);
    T_PRE = lua_gettop(L);
    int want[3] = {!strcmp(mode, "typed") || !strcmp(mode, "all"), !strcmp(mode, "prebuilt") || !strcmp(mode, "all"),
                   !strcmp(mode, "json") || !strcmp(mode, "all")};
    if (want[1] || count) {
        for (size_t i = 0; i < n; i++) {
            push_record(&recs[i]);
            lua_rawseti(L, T_PRE, (int)i + 1);
        }
    }
    printf("peer %s\n", PEER_NAME);
    int64_t period = bench_period(recs, n);
    if (count > 0) {
        int m = want[0] ? 0 : want[1] ? 1 : 2;
        unsigned long nf = 0; /* warm-up: the counted records' agents resolved and cached */
        for (size_t i = 0; i < n && i < 1500; i++) eval_one(m, &recs[i], i, &nf);
        shift(recs, n, period, m == 1);
        lua_gc(L, LUA_GCCOLLECT, 0);
        fprintf(stderr, "(sink %u)\n", run_peer(m, recs, n, (size_t)count));
        return 0;
    }
    static const char *const label[3] = {"typed", "prebuilt", "json"};
    unsigned sink = 0;
    for (int m = 0; m < 3; m++) {
        if (!want[m]) continue;
        Summary s = {{0}, 0, 0};
        reset(); /* each mode's pass from empty windows, as evalbench's fresh VMs */
        for (size_t i = 0; i < n; i++) s.verdicts[eval_one(m, &recs[i], i, &s.findings)]++;
        printf("decisions %s verdicts=%lu/%lu/%lu/%lu/%lu findings=%lu errors=%lu\n", label[m], s.verdicts[0],
               s.verdicts[1], s.verdicts[2], s.verdicts[3], s.verdicts[4], s.findings, s.errors);
    }
    enum { MAXB = 20000 };
    double *t = malloc(MAXB * sizeof *t);
    for (int m = 0; m < 3; m++) {
        if (!want[m]) continue;
        size_t i = 0;
        unsigned long nf = 0;
        double total = 0;
        int nb = MAXB;
        for (int b = 0; b < nb; b++) {
            double t0 = bench_now_ns(), paused = 0;
            for (int k = 0; k < BATCH; k++, i = i + 1 == n ? 0 : i + 1) {
                if (i == 0) { /* a new pass over the records: later in event time, untimed */
                    double tp = bench_now_ns();
                    shift(recs, n, period, m == 1);
                    paused += bench_now_ns() - tp;
                }
                sink += (unsigned)eval_one(m, &recs[i], i, &nf);
            }
            double dt = bench_now_ns() - t0 - paused;
            total += dt;
            t[b] = dt / BATCH;
            if (b == 0) nb = bench_batches(dt, budget, 30, MAXB);
        }
        char lab[32];
        snprintf(lab, sizeof lab, "time %s", label[m]);
        bench_report(lab, t, nb, total, (double)nb * BATCH);
    }
    fprintf(stderr, "(sink %u)\n", sink);
    free(t);
    lua_close(L);
    free(recs);
    free(rb);
    return 0;
}
