/* pii_host.c: an example host that gives a policy two host functions.
 *
 *   pii_host POLICY.govb < records.jsonl
 *
 * policies/content_safety declares
 *
 *     extern fn pii_score(text: string) -> ratio on error 100%
 *     extern fn on_watchlist(customer: id, amount: money) -> bool on error verdict review
 *
 * and this file defines them as C functions of the shape spec/bytecode.md §7 gives:
 * strings arrive as (bytes, length), money as int64 micro-dollars, the result goes
 * through the last pointer, and the int returned is 0 for success. The host binds each
 * one by name with its C signature (gov_vm_bind checks it against the declaration and
 * prepares the libffi call once), checks that nothing the policy needs is left
 * unbound (gov_vm_ready), then evaluates one JSON record per line and prints each
 * decision, and each host failure the decision lists.
 *
 * Built with -DGOV_HOST_LIBRARY the same functions make a host library for
 * `govc run --host-lib` (the Makefile builds $(BUILD)/hosts/content_safety.so that
 * way): the gov_sig_NAME descriptors are what govc reads to bind them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gov.h>

#define EXPORT __attribute__((visibility("default")))

EXPORT int pii_score(const char *s, size_t n, double *out);
EXPORT int on_watchlist(const char *customer, size_t n, int64_t amount, int *out);

/* A word (a run of bytes between spaces) looks like personal data when it holds an '@'
 * followed later by a '.' (an e-mail address) or 7 or more digits (a phone, card or
 * account number). The score is the share of such words. The scanner works within a
 * fixed budget: a text over 4096 bytes is a failure (status 2), and the policy counts
 * an unscanned text as all personal data (its `on error 100%`). */
int pii_score(const char *s, size_t n, double *out)
{
    if (n > 4096)
        return 2;
    size_t words = 0, pii = 0;
    for (size_t i = 0; i < n;) {
        while (i < n && s[i] == ' ')
            i++;
        if (i == n)
            break;
        int at = 0, dot_after_at = 0, digits = 0;
        for (; i < n && s[i] != ' '; i++) {
            if (s[i] == '@') at = 1;
            else if (s[i] == '.' && at) dot_after_at = 1;
            else if (s[i] >= '0' && s[i] <= '9') digits++;
        }
        words++;
        pii += dot_after_at || digits >= 7;
    }
    *out = words ? (double)pii / (double)words : 0.0;
    return 0;
}
EXPORT const gov_sig gov_sig_pii_score = {GOV_C_DOUBLE, 1, {GOV_C_STRING}, 0};

/* Customers the fraud desk watches, for payments of $100 or more. A run without a
 * customer cannot be looked up: status 1 (the policy sends it to review). */
int on_watchlist(const char *customer, size_t n, int64_t amount, int *out)
{
    static const char *const watched[] = {"cus_7781", "cus_9034"};
    if (n == 0)
        return 1;
    *out = 0;
    for (size_t i = 0; i < sizeof watched / sizeof watched[0]; i++)
        if (strlen(watched[i]) == n && memcmp(watched[i], customer, n) == 0)
            *out = amount >= INT64_C(100000000);
    return 0;
}
EXPORT const gov_sig gov_sig_on_watchlist = {GOV_C_INT, 2, {GOV_C_STRING, GOV_C_INT64}, 0};

#ifndef GOV_HOST_LIBRARY
static char out[1 << 16];

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pii_host POLICY.govb < records.jsonl\n");
        return 1;
    }
    FILE *f = fopen(argv[1], "rb");
    static unsigned char bytes[1 << 20];
    size_t len = f ? fread(bytes, 1, sizeof bytes, f) : 0;
    if (f) fclose(f);
    gov_program *p;
    gov_error err;
    if (gov_program_load(bytes, len, &p, &err) != GOV_OK) {
        fprintf(stderr, "pii_host: %s: %s\n", argv[1], err.message);
        return 2;
    }
    size_t size = gov_arena_size(p, NULL); /* counts the prepared calls too */
    void *arena = malloc(size);
    gov_vm *vm;
    if (!arena || gov_vm_init(p, NULL, arena, size, &vm) != GOV_OK) return 1;
    /* Bind by name; a signature that differs from the declaration is refused here. */
    if (gov_vm_bind(vm, "pii_score", (gov_fn)pii_score, &gov_sig_pii_score) != GOV_OK ||
        gov_vm_bind(vm, "on_watchlist", (gov_fn)on_watchlist, &gov_sig_on_watchlist) != GOV_OK ||
        gov_vm_ready(vm) != GOV_OK) {
        fprintf(stderr, "pii_host: %s\n", gov_vm_errmsg(vm));
        return 2;
    }
    char line[1 << 16];
    uint64_t lineno = 0;
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\n");
        lineno++;
        if (n == 0) continue;
        const gov_decision *d = gov_eval_json(vm, line, n, lineno);
        size_t dl;
        if (gov_decision_json(d, out, sizeof out, &dl) == GOV_OK) puts(out);
        fflush(stdout); /* each decision before its host failures on stderr */
        for (size_t i = 0; i < gov_decision_host_error_count(d); i++) {
            gov_host_error h;
            gov_decision_host_error(d, i, &h);
            fprintf(stderr, "line %llu: host function %s %s (status %d) in rule %s\n", (unsigned long long)lineno,
                    h.name, h.reason, h.status, h.rule);
        }
    }
    free(arena);
    gov_program_free(p);
    return 0;
}
#endif
