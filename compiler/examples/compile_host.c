/* compile_host.c: a host that compiles a policy at run time with libgovc and enforces
 * it with libgov. Usage: compile_host POLICY.gov < RECORDS.jsonl
 * Diagnostics go to stderr as govc prints them; one decision per line to stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/gov_compiler.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: compile_host POLICY.gov < RECORDS.jsonl\n");
        return 2;
    }
    gov_compiler *c;
    if (gov_compiler_new(&c, NULL, NULL) != GOV_OK || gov_compiler_add_path(c, argv[1]) != GOV_OK)
        return 2;
    int rc = gov_compiler_build(c);
    const char *text;
    size_t len;
    if (gov_compiler_render(c, GOVC_FORMAT_TEXT, &text, &len) == GOV_OK)
        fwrite(text, 1, len, stderr);
    gov_compiled out;
    if (rc != GOV_OK || gov_compiler_program(c, 0, &out) != GOV_OK) {
        fprintf(stderr, "compile_host: %s\n", rc == GOV_OK ? "no policy in the sources" : gov_compiler_errmsg(c));
        gov_compiler_free(c);
        return 1;
    }
    gov_program *p;
    gov_error err;
    rc = gov_program_load(out.bytes, out.len, &p, &err);
    gov_compiler_free(c);   /* the program is a copy: the compiler may go */
    if (rc != GOV_OK) {
        fprintf(stderr, "compile_host: %s\n", err.message);
        return 1;
    }
    size_t size = gov_arena_size(p, NULL);
    void *arena = malloc(size);
    gov_vm *vm;
    if (!arena || gov_vm_init(p, NULL, arena, size, &vm) != GOV_OK)
        return 2;
    char line[65536], json[65536];
    for (uint64_t n = 1; fgets(line, sizeof line, stdin); n++) {
        size_t l = strcspn(line, "\r\n");
        const gov_decision *d = gov_eval_json(vm, line, l, n);
        if (gov_decision_json(d, json, sizeof json, &l) == GOV_OK)
            puts(json);
    }
    free(arena);
    gov_program_free(p);
    return 0;
}
