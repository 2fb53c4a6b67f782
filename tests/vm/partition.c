/* partition.c: unit tests of the partition function (vm/partition.c, spec/scaleout.md
 * §1): the spec's examples, how a line's key is found and decoded (escaped names and
 * values, surrogate pairs, the first member of the name, values that are not strings,
 * lines that are not JSON), and the refusals. Expected partitions are computed here from
 * the decoded key with XXH3-64 directly, so the scanner is checked against the plain
 * definition. Links the static library to reach govP_record_partition.
 */
#include <stdio.h>
#include <string.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "vm/gov_int.h"

static int nfail;

static void check(int cond, const char *name)
{
    printf("%s - partition %s\n", cond ? "ok" : "not ok", name);
    if (!cond)
        nfail++;
}

static uint32_t want(const char *key, uint32_t n)
{
    return (uint32_t)(XXH3_64bits(key, strlen(key)) % n);
}

/* The line's partition among n for level part, and its return code. */
static int line(int part, const char *json, uint32_t n, uint32_t *out)
{
    return govP_record_partition(part, json, strlen(json), n, out);
}

static void agent_case(const char *name, const char *json, const char *key, int rc_want)
{
    static const uint32_t counts[] = {1, 2, 7, 64, 4096};
    int ok = 1;
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        uint32_t got = 12345;
        int rc = line(GOV_PART_AGENT, json, counts[i], &got);
        if (rc != rc_want || got != want(key, counts[i]))
            ok = 0;
    }
    check(ok, name);
}

int main(void)
{
    /* spec/scaleout.md §1's examples */
    check(gov_partition_of("", 0, 64) == 2, "\"\" -> 2 of 64");
    check(gov_partition_of("agent-0001", 10, 64) == 11, "agent-0001 -> 11 of 64");
    check(gov_partition_of("caf\xc3\xa9", 5, 64) == 63, "cafe (UTF-8) -> 63 of 64");
    check(gov_partition_of("triage-bot", 10, 64) == 61, "triage-bot -> 61 of 64");
    check(gov_partition_of("triage-bot", 10, 1) == 0, "one partition");
    check(gov_partition_of("x", 1, 0) == 0, "n 0 gives 0");
    check(gov_partition_of(NULL, 0, 64) == 2, "NULL with length 0 is the empty key");

    agent_case("plain member", "{\"kind\":\"tool_call\",\"agent\":\"triage-bot\",\"n\":1}", "triage-bot", GOV_OK);
    agent_case("spaces around", " { \"agent\" : \"a b\" } ", "a b", GOV_OK);
    agent_case("escaped name", "{\"\\u0061gent\":\"x1\"}", "x1", GOV_OK);
    agent_case("escaped value", "{\"agent\":\"caf\\u00e9\\n\\\"q\\\"\"}", "caf\xc3\xa9\n\"q\"", GOV_OK);
    agent_case("surrogate pair", "{\"agent\":\"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80", GOV_OK);
    agent_case("raw UTF-8 value", "{\"agent\":\"caf\xc3\xa9\"}", "caf\xc3\xa9", GOV_OK);
    agent_case("first member decides", "{\"agent\":\"one\",\"agent\":\"two\"}", "one", GOV_OK);
    agent_case("first member not a string", "{\"agent\":7,\"agent\":\"two\"}", "", GOV_OK);
    agent_case("nested member ignored", "{\"x\":{\"agent\":\"in\"},\"y\":[1,{\"agent\":\"z\"}],\"agent\":\"out\"}", "out",
               GOV_OK);
    /* plain strings are scanned in one run, escaped ones decoded: both before the key */
    agent_case("escaped string skipped", "{\"x\":\"a\\\"b\\u0041\",\"agent\":\"k\"}", "k", GOV_OK);
    agent_case("control character in a skipped string", "{\"x\":\"a\x01\",\"agent\":\"k\"}", "", GOV_EJSON);
    agent_case("literals and numbers skipped", "{\"a\":true,\"b\":-1.5e3,\"c\":null,\"agent\":\"k\"}", "k", GOV_OK);
    agent_case("absent member: empty key", "{\"tenant\":\"acme\"}", "", GOV_OK);
    agent_case("empty object", "{}", "", GOV_OK);
    agent_case("prefix of the name", "{\"agen\":\"a\",\"agents\":\"b\"}", "", GOV_OK);
    agent_case("not JSON", "not json", "", GOV_EJSON);
    agent_case("empty line", "", "", GOV_EJSON);
    agent_case("array", "[\"agent\",\"a\"]", "", GOV_EJSON);
    agent_case("cut in the value", "{\"agent\":\"abc", "", GOV_EJSON);
    agent_case("bad escape", "{\"agent\":\"a\\qb\"}", "", GOV_EJSON);
    agent_case("lone low surrogate", "{\"agent\":\"\\udc00\"}", "", GOV_EJSON);
    agent_case("raw control character", "{\"agent\":\"a\x01\"}", "", GOV_EJSON);
    agent_case("malformed before the member", "{\"x\":,\"agent\":\"a\"}", "", GOV_EJSON);
    agent_case("unbalanced before the member", "{\"x\":[1}],\"agent\":\"a\"}", "", GOV_EJSON);

    uint32_t got;
    check(line(GOV_PART_TENANT, "{\"agent\":\"a\",\"tenant\":\"acme\"}", 64, &got) == GOV_OK && got == want("acme", 64),
          "tenant level reads tenant");
    check(line(GOV_PART_RUN, "{\"run_id\":\"r-9\"}", 64, &got) == GOV_OK && got == want("r-9", 64),
          "run_id level reads run_id");
    check(line(GOV_PART_WORKFLOW, "{\"workflow\":\"w\"}", 7, &got) == GOV_OK && got == want("w", 7),
          "workflow level reads workflow");
    got = 9;
    check(line(GOV_PART_ANY, "{\"agent\":\"a\"}", 4, &got) == GOV_EMISUSE && got == 0, "level any is refused");
    check(line(GOV_PART_ONE, "{\"agent\":\"a\"}", 2, &got) == GOV_EMISUSE && got == 0,
          "level none over 2 partitions is refused");
    check(line(GOV_PART_ONE, "{\"agent\":\"a\"}", 1, &got) == GOV_OK && got == 0, "level none over 1 partition");
    check(line(GOV_PART_AGENT, "{\"agent\":\"a\"}", 0, &got) == GOV_EMISUSE, "0 partitions are refused");
    check(line(99, "{}", 4, &got) == GOV_EMISUSE, "an unknown level is refused");
    check(gov_record_partition(NULL, "{}", 2, 4, &got) == GOV_EMISUSE, "NULL program is refused");
    check(gov_record_partition(NULL, "{}", 2, 4, NULL) == GOV_EMISUSE, "NULL out is refused");
    /* deep nesting before the member is skipped without recursion */
    static char deep[200064];
    size_t k = 0;
    k += (size_t)sprintf(deep, "{\"x\":");
    for (int i = 0; i < 100000; i++)
        deep[k++] = '[';
    for (int i = 0; i < 100000; i++)
        deep[k++] = ']';
    strcpy(deep + k, ",\"agent\":\"deep\"}");
    check(line(GOV_PART_AGENT, deep, 64, &got) == GOV_OK && got == want("deep", 64), "100000 levels of nesting");
    return nfail ? 1 : 0;
}
