/* source.h: the engine interface of the scale-out (spec/scaleout.md §4): where a
 * worker's records come from, who owns which partition, and where decisions, state and
 * offsets are committed. The worker (worker.c) sees only this; redis_source.c implements
 * it on Redis Cluster. Another engine (Kafka: a consumer group's assignment for
 * `balance`, a transactional producer for `commit`) implements the same six operations.
 *
 * The contract an engine keeps:
 *   - balance() is called only when the worker has nothing uncommitted. It returns the
 *     partitions this worker owns from now on, each with a fencing token that grows
 *     every time the partition changes owner.
 *   - load() returns the last committed checkpoint of a partition, read after the claim
 *     that gave the token, so every commit made under an older token is in it or will be
 *     refused.
 *   - commit() applies decisions, state and offset together or not at all, and only
 *     when the token is the partition's newest (GS_FENCED otherwise: another worker owns
 *     it) and the checkpoint's offset is still `from`. GS_UNKNOWN says it may or may not
 *     have applied, or that the offset had moved (the same commit, applied before its
 *     reply was lost): the worker reloads the checkpoint to find out. GS_FAIL: not
 *     applied.
 */
#ifndef GOVD_SOURCE_H
#define GOVD_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#define GS_ID_MAX 48            /* an offset: "MS-SEQ", two decimal uint64s */

enum { GS_OK = 0, GS_FENCED, GS_UNKNOWN, GS_FAIL };

typedef struct gs_source gs_source;

typedef struct gs_owned {
    int part;
    uint64_t token;
} gs_owned;

typedef struct gs_checkpoint {
    char offset[GS_ID_MAX];     /* the last entry decided; "0-0" before the first */
    uint64_t seq;               /* entries decided (the next decision's line is seq + 1) */
    char policy[33], layout[33];/* of the policy that saved the state; "" when none */
    unsigned char *state;       /* malloc'd (free it); NULL when nothing was committed */
    size_t state_len;
} gs_checkpoint;

typedef struct gs_record {
    char id[GS_ID_MAX];         /* the entry's offset */
    const char *data;           /* the record's JSON line (NULL: the entry has none) */
    size_t len;
} gs_record;

typedef struct gs_read {        /* one partition's share of a read */
    int part;
    const char *after;          /* read entries after this offset */
    size_t max;
    gs_record *recs;            /* out: valid until the next read */
    size_t n;
    int status;                 /* GS_OK or GS_FAIL (try again later) */
} gs_read;

typedef struct gs_decision {
    const char *id;             /* the entry it decides */
    const char *json;
    size_t len;
} gs_decision;

typedef struct gs_commit {      /* one partition's share of a commit */
    int part;
    uint64_t token;
    const char *from;           /* the checkpoint's offset this continues */
    const char *to;             /* the last entry decided */
    uint64_t seq;               /* entries decided, after this commit */
    const void *state;
    size_t state_len;
    const char *policy, *layout;
    const gs_decision *d;
    size_t nd;
    int status;                 /* out: GS_OK, GS_FENCED, GS_UNKNOWN, GS_FAIL */
    int replicas;               /* out: replicas that acknowledged it, -1 unknown */
} gs_commit;

typedef struct gs_ops {
    const char *name;
    /* Heartbeat, renew, and claim or release to balance; owned[] gets the partitions
     * owned now (at most max), *n their count. 0, or -1 when the engine could not be
     * reached (owned then lists what the worker may keep trying to commit). */
    int (*balance)(gs_source *s, gs_owned *owned, int *n, int max);
    int (*load)(gs_source *s, int part, uint64_t token, gs_checkpoint *cp);
    int (*read)(gs_source *s, gs_read *rs, size_t n);
    int (*commit)(gs_source *s, gs_commit *cs, size_t n);
    /* Give every partition up (after the last commit) and leave the membership. */
    void (*leave)(gs_source *s);
    void (*close)(gs_source *s);
} gs_ops;

struct gs_source {
    const gs_ops *ops;
};

/* ---------------------------------------------------------------- Redis Cluster */

typedef struct gs_redis_config {
    const char *nodes;          /* seeds: "host:port[,host:port...]" */
    const char *prefix;         /* key prefix (default "gov") */
    int partitions;
    const char *key;            /* the partition key's name ("agent", ...) */
    const char *layout;         /* the policy's state layout (gov_program_state_layout) */
    const char *worker;         /* this worker's id */
    int lease_ms;
    int wait_replicas, wait_ms;
    int connect_ms, io_ms, retry_ms;
} gs_redis_config;

/* Connect, and check (or, the first time, record) the partition count and key under
 * the prefix. NULL with the reason in err. */
gs_source *gs_redis_open(const gs_redis_config *cfg, char *err, size_t cap);

#endif
