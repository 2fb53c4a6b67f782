/* jview.h: a read-only view of one JSON text (a decision or a trace the VM wrote), for
 * the commands that word or tally them (explain, replay), tokenised once the project's
 * validator (vm/gov_jcheck.h) has accepted it; an index
 * names a value, -1 "absent", and every accessor takes -1 and gives the empty answer,
 * so lookups chain without checks. */
#ifndef GOVC_JVIEW_H
#define GOVC_JVIEW_H

#include <stdbool.h>
#include <stddef.h>

typedef struct JView {
    const char *s;
    void *t;            /* the tokens (jview.c), n of them */
    int n;
} JView;

/* Parse text (len bytes); false if it is not JSON (vm/gov_jcheck.h's grammar, a lone
 * surrogate's \u escape refused) or memory ran out. Root: index 0. */
bool jv_parse(JView *j, const char *text, size_t len);
void jv_free(JView *j);
/* The value of member `key` of object i, or -1. */
int jv_member(const JView *j, int i, const char *key);
/* Element e of array i, or -1. */
int jv_element(const JView *j, int i, int e);
/* Elements of array i (0 if i is not an array). */
int jv_count(const JView *j, int i);
/* Token i's text (strings without quotes, escapes as written) into buf; "" for -1. */
const char *jv_text(const JView *j, int i, char *buf, size_t cap);
/* Token i spans exactly this text (a string's content, or a primitive). */
bool jv_is(const JView *j, int i, const char *lit);
/* Token i is the literal null. */
bool jv_null(const JView *j, int i);
/* Token i's raw JSON text: *len bytes at the returned pointer (objects whole). */
const char *jv_raw(const JView *j, int i, size_t *len);

#endif
