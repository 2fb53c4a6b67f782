/* rcluster.h: a small Redis Cluster client over hiredis 0.14, which has no cluster
 * support (spec/scaleout.md §5 specifies what it does).
 *
 *   resp.c      replies from a server that may be hostile: bounded reply objects for
 *               hiredis's RESP reader, key slots (CRC16 with hash tags), and the parsers
 *               of what a cluster node answers: CLUSTER SLOTS, MOVED/ASK redirections,
 *               stream entries (XRANGE)
 *   rcluster.c  the client: the slot map, one connection per node, pipelined commands
 *               routed by key slot, MOVED/ASK, reconnect and refresh on failover,
 *               TRYAGAIN/CLUSTERDOWN/LOADING retries with backoff, WAIT, scripts
 *
 * Everything is blocking and single-threaded: a cluster handle belongs to one thread.
 */
#ifndef GOVD_RCLUSTER_H
#define GOVD_RCLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#define RC_SLOTS 16384

/* ---------------------------------------------------------------- resp.c */

/* CRC16 (XMODEM: polynomial 0x1021, initial 0) of the key, or of its hash tag: the bytes
 * between the first '{' and the first '}' after it, when there are any. Modulo 16384. */
uint16_t rc_keyslot(const char *key, size_t len);

/* Bounds on what a reply may build: an array of more elements, or a string longer, is
 * refused by the reader (the connection is then dropped as broken). */
#define RC_MAX_ELEMENTS (1 << 22)
#define RC_MAX_STRING ((size_t)512 << 20)
/* Make reader r build its replies with the bounded constructors (freeReplyObject frees
 * them). */
void rc_reader_bound(redisReader *r);

/* What an error reply asks of the client. */
enum { RC_E_NONE, RC_E_MOVED, RC_E_ASK, RC_E_TRYAGAIN, RC_E_CLUSTERDOWN, RC_E_LOADING, RC_E_MASTERDOWN,
       RC_E_READONLY, RC_E_NOSCRIPT, RC_E_BUSY, RC_E_OTHER };
int rc_classify(const redisReply *r);

/* "MOVED 3999 127.0.0.1:6381" or "ASK ...": slot, host (into host, cap bytes) and port.
 * The host may be empty (the node's endpoint is unknown to the sender: use the host the
 * reply came from). 0, or -1 when malformed. */
int rc_parse_redirect(const char *s, size_t len, uint16_t *slot, char *host, size_t cap, int *port);

/* One range of a slot map: slots lo..hi are served by host:port (the master). */
typedef struct rc_range {
    uint16_t lo, hi;
    char host[256];
    int port;
} rc_range;
/* The ranges of a CLUSTER SLOTS reply (RESP2). A master's empty host means "the host
 * this reply came from" (default_host); "?" an unknown endpoint, and such a range is
 * skipped. Checks every type, count and range; returns the number of ranges (at most
 * max), or -1 with the reason in err. */
int rc_parse_slots(const redisReply *r, const char *default_host, rc_range *out, size_t max, char *err,
                   size_t cap);

/* A stream entry id "MS-SEQ", both parts decimal uint64. */
typedef struct rc_id {
    uint64_t ms, seq;
} rc_id;
int rc_parse_id(const char *s, size_t len, rc_id *out);
int rc_id_cmp(rc_id a, rc_id b);
/* "MS-SEQ" into buf (at least 42 bytes); its length. */
int rc_id_fmt(rc_id id, char *buf);

/* One stream entry: its id and the value of the wanted field (NULL when the entry has no
 * such field). Strings point into the reply. */
typedef struct rc_entry {
    rc_id id;
    const char *val;
    size_t len;
} rc_entry;
/* The entries of an XRANGE reply (an array of [id, [field, value, ...]]), each with the
 * value of `field`. Ids must increase strictly and follow `after`. Returns the number of
 * entries (at most max), or -1 with the reason in err. */
int rc_parse_entries(const redisReply *r, const char *field, rc_id after, rc_entry *out, size_t max, char *err,
                     size_t cap);

/* ---------------------------------------------------------------- rcluster.c */

typedef struct rc_node {
    char *host;
    int port;
    redisContext *c;
    int64_t wait_probe_at;      /* mono ns: when to try a blocking WAIT again on this node */
} rc_node;

typedef struct rc_stats {
    uint64_t commands, moved, ask, retries, refreshes, reconnects, io_errors, unreplicated;
} rc_stats;

typedef struct rc_cluster {
    rc_node *nodes;
    int nnodes, capnodes;
    int16_t slot[RC_SLOTS];     /* node index per slot; -1 unknown */
    char **seeds;               /* "host:port" */
    int nseeds;
    int connect_ms;             /* connect timeout */
    int io_ms;                  /* read/write timeout of one command batch */
    int retry_ms;               /* how long a command is retried before it fails */
    int wait_replicas;          /* WAIT numreplicas after writes that ask for it (0: none) */
    int wait_ms;                /* WAIT timeout */
    bool need_refresh;
    rc_stats st;
    char err[256];
} rc_cluster;

/* Open a client on seeds "host:port[,host:port...]" and read the slot map from the
 * first that answers. NULL with the reason in err. */
rc_cluster *rc_open(const char *seeds, int connect_ms, int io_ms, int retry_ms, char *err, size_t cap);
void rc_close(rc_cluster *c);
/* Read the slot map again (CLUSTER SLOTS) from any node that answers. 0 or -1. */
int rc_refresh(rc_cluster *c);

/* A command of a pipeline. The caller fills key/klen (it routes the command), argc,
 * argv, argvlen, idempotent, and script (a Lua body, when argv is an EVALSHA of it: on
 * NOSCRIPT the body is loaded on that node and the command sent again). rc_run fills
 * reply (the caller frees it with freeReplyObject), status and acks. */
enum { RC_OK = 0,               /* reply holds the command's reply (which may be an error
                                   reply of the command itself) */
       RC_FAILED,               /* not executed: no node could take it within retry_ms */
       RC_UNKNOWN };            /* sent, but no reply came: it may or may not have run */
typedef struct rc_cmd {
    const char *key;
    size_t klen;
    int argc;
    const char **argv;
    const size_t *argvlen;
    bool idempotent;            /* safe to send again after a lost connection */
    const char *script;
    redisReply *reply;
    int status;
    int acks;                   /* replicas that acknowledged it (WAIT), or -1 */
    /* private */
    int ask_node;               /* -1, or the node an ASK sent it to */
    bool done;
} rc_cmd;

/* Run the commands: grouped by the node that serves each key's slot, pipelined, and,
 * with wait set, each node's batch followed by WAIT wait_replicas wait_ms (acks says
 * how many replicas acknowledged). MOVED updates the map and resends; ASK resends once
 * to the node named, after ASKING; TRYAGAIN, CLUSTERDOWN, LOADING, MASTERDOWN, READONLY,
 * BUSY and lost connections refresh the map and resend with exponential backoff (10 ms
 * doubling to 500 ms) until retry_ms has passed. A command whose connection broke after
 * it was sent is resent only when idempotent; otherwise its status is RC_UNKNOWN.
 * Returns the number of commands whose status is not RC_OK. */
int rc_run(rc_cluster *c, rc_cmd *cmds, size_t n, bool wait);
/* Prepare cmd (zeroes what rc_run fills). */
void rc_cmd_init(rc_cmd *cmd, const char *key, size_t klen, int argc, const char **argv, const size_t *argvlen);
/* One command: its reply (the caller frees it), or NULL with the reason in c->err. */
redisReply *rc_command(rc_cluster *c, const char *key, bool idempotent, int argc, const char **argv,
                       const size_t *argvlen);

#endif
