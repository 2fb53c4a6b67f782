/* produce.c: `govd produce`, which routes JSON lines to the partition streams
 * (spec/scaleout.md §2.3).
 *
 * Each line goes to the partition gov_record_partition gives (round robin when the
 * policy keeps no state); batches are appended by a Lua script that numbers a
 * producer's records per partition and skips those it has already appended, so a
 * batch sent again after a lost reply, or a whole input sent again under the same
 * --producer-id, is appended once. A gap in the numbers (a batch that a failover lost
 * after it was acknowledged) stops the producer: run it again with the same id and
 * input, and the missing records are appended in their order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "govd/govd.h"
#include "govd/redis_source.h"
#include "govd/worker.h"

/* KEYS: input stream, producers hash. ARGV: producer id, number of the first record,
 * records. The number of records appended. */
static const char script_produce[] =
    "local last = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')\n"
    "local first = tonumber(ARGV[2])\n"
    "if first > last + 1 then\n"
    "  return redis.error_reply('GOVGAP partition has records 1..' .. last .. ' of this producer, not ' .. (first - 1))\n"
    "end\n"
    "local n = #ARGV - 2\n"
    "local added = 0\n"
    "for i = 1, n do\n"
    "  if first + i - 1 > last then\n"
    "    redis.call('XADD', KEYS[1], '*', 'r', ARGV[2 + i])\n"
    "    added = added + 1\n"
    "  end\n"
    "end\n"
    "if first + n - 1 > last then redis.call('HSET', KEYS[2], ARGV[1], tostring(first + n - 1)) end\n"
    "return added\n";

typedef struct pbatch {
    char in[160], producers[160];
    uint64_t next;              /* the number the next record gets */
    gd_buf data;                /* the batch's records, back to back */
    size_t *off, *len;
    size_t n, cap;
} pbatch;

typedef struct producer {
    rc_cluster *c;
    char sha[41];
    const char *id;
    pbatch *p;
    int nparts;
    size_t pending;
    uint64_t sent, added;
} producer;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: govd produce --redis HOST:PORT[,...] -p POLICY [options] [FILE...]\n"
            "\n"
            "Append JSON lines (records and events; FILE or stdin) to the partition streams of\n"
            "the Redis Cluster scale-out (spec/scaleout.md): each goes to the partition of its\n"
            "policy's partition key.\n"
            "\n"
            "options:\n"
            "  --redis NODES            cluster nodes to start from\n"
            "  -p, --policy PATH        the policy (.govb or .gov): its partition key\n"
            "  --partitions N           partition streams (default 16)\n"
            "  --prefix P               key prefix (default gov)\n"
            "  --producer-id ID         number records under this id: sending the same input\n"
            "                           again under it appends nothing twice (default: random)\n"
            "  --batch N                records per partition per append (default 512)\n"
            "  --wait-replicas N        replicas that acknowledge each append (default 1)\n"
            "  --wait-ms MS             how long to wait for them (default 100)\n"
            "  --dry-run                print PARTITION<TAB>LINE instead of appending\n"
            "  -h, --help\n");
}

static int flush(producer *pr)
{
    if (pr->pending == 0)
        return 0;
    int n = 0;
    for (int i = 0; i < pr->nparts; i++)
        n += pr->p[i].n > 0;
    rc_cmd *cmds = calloc((size_t)n, sizeof *cmds);
    const char ***argvs = calloc((size_t)n, sizeof *argvs);
    size_t **lens = calloc((size_t)n, sizeof *lens);
    char (*first)[24] = calloc((size_t)n, sizeof *first);
    int *part_of = calloc((size_t)n, sizeof *part_of);
    int rc = 0;
    if (!cmds || !argvs || !lens || !first || !part_of) {
        rc = -1;
        goto out;
    }
    int k = 0;
    for (int i = 0; i < pr->nparts; i++) {
        pbatch *b = &pr->p[i];
        if (!b->n)
            continue;
        int argc = 7 + (int)b->n;
        const char **a = argvs[k] = calloc((size_t)argc, sizeof *a);
        size_t *l = lens[k] = calloc((size_t)argc, sizeof *l);
        if (!a || !l) {
            rc = -1;
            goto out;
        }
        snprintf(first[k], sizeof first[k], "%llu", (unsigned long long)b->next);
        a[0] = "EVALSHA", a[1] = pr->sha, a[2] = "2", a[3] = b->in, a[4] = b->producers, a[5] = pr->id, a[6] = first[k];
        for (int j = 0; j < 7; j++)
            l[j] = strlen(a[j]);
        for (size_t j = 0; j < b->n; j++) {
            a[7 + j] = b->data.p + b->off[j];
            l[7 + j] = b->len[j];
        }
        rc_cmd_init(&cmds[k], b->in, strlen(b->in), argc, a, l);
        cmds[k].script = script_produce;
        cmds[k].idempotent = true; /* numbered: appending twice appends once */
        part_of[k] = i;
        k++;
    }
    rc_run(pr->c, cmds, (size_t)n, true);
    for (k = 0; k < n; k++) {
        pbatch *b = &pr->p[part_of[k]];
        redisReply *r = cmds[k].reply;
        if (cmds[k].status == RC_OK && r && r->type == REDIS_REPLY_INTEGER) {
            pr->added += (uint64_t)r->integer;
            pr->sent += b->n;
            b->next += b->n;
            b->n = 0;
            b->data.len = 0;
        } else {
            fprintf(stderr, "govd produce: partition %d: %s\n", part_of[k],
                    r && r->type == REDIS_REPLY_ERROR ? r->str : pr->c->err);
            rc = -1;
        }
        freeReplyObject(r);
    }
    pr->pending = 0;
out:
    for (k = 0; argvs && k < n; k++) {
        free(argvs[k]);
        free(lens[k]);
    }
    free(cmds), free(argvs), free(lens), free(first), free(part_of);
    return rc;
}

static int add_record(producer *pr, int part, const char *line, size_t len, int batch)
{
    pbatch *b = &pr->p[part];
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        size_t *o = realloc(b->off, cap * sizeof *o);
        if (o)
            b->off = o;
        size_t *l = o ? realloc(b->len, cap * sizeof *l) : NULL;
        if (!l)
            return -1;
        b->len = l;
        b->cap = cap;
    }
    b->off[b->n] = b->data.len;
    b->len[b->n] = len;
    if (!gd_buf_add(&b->data, line, len))
        return -1;
    b->n++;
    pr->pending++;
    /* A full batch flushes every partition's: one pipelined round trip per node. */
    if (b->n >= (size_t)batch || pr->pending >= (size_t)batch * 16)
        return flush(pr);
    return 0;
}

static bool parse_int(const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || !*s || v < lo || v > hi) {
        fprintf(stderr, "govd produce: %s takes a number from %ld to %ld, not '%s'\n", opt, lo, hi, s);
        return false;
    }
    *out = v;
    return true;
}

int gd_produce_main(int argc, char **argv)
{
    const char *nodes = NULL, *policy = NULL, *prefix = "gov", *pid = NULL;
    long parts = 16, batch = 512, wait_replicas = 1, wait_ms = 100;
    bool dry = false;
    enum { O_REDIS = 256, O_PARTS, O_PREFIX, O_PID, O_BATCH, O_WAITR, O_WAITMS, O_DRY };
    static const struct option longopts[] = {
        {"redis", required_argument, 0, O_REDIS},     {"policy", required_argument, 0, 'p'},
        {"partitions", required_argument, 0, O_PARTS}, {"prefix", required_argument, 0, O_PREFIX},
        {"producer-id", required_argument, 0, O_PID}, {"batch", required_argument, 0, O_BATCH},
        {"wait-replicas", required_argument, 0, O_WAITR}, {"wait-ms", required_argument, 0, O_WAITMS},
        {"dry-run", no_argument, 0, O_DRY},           {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
        switch (ch) {
        case O_REDIS: nodes = optarg; break;
        case 'p': policy = optarg; break;
        case O_PARTS: if (!parse_int("--partitions", optarg, 1, 4096, &parts)) return 2; break;
        case O_PREFIX: prefix = optarg; break;
        case O_PID: pid = optarg; break;
        case O_BATCH: if (!parse_int("--batch", optarg, 1, 100000, &batch)) return 2; break;
        case O_WAITR: if (!parse_int("--wait-replicas", optarg, 0, 16, &wait_replicas)) return 2; break;
        case O_WAITMS: if (!parse_int("--wait-ms", optarg, 1, 600000, &wait_ms)) return 2; break;
        case O_DRY: dry = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!policy || (!nodes && !dry)) {
        fprintf(stderr, "govd produce: give %s\n", !policy ? "the policy (-p POLICY)" : "the cluster (--redis HOST:PORT)");
        usage(stderr);
        return 2;
    }
    if (pid && (!*pid || strlen(pid) > 128 || strpbrk(pid, " \t\r\n"))) {
        fprintf(stderr, "govd produce: --producer-id takes 1 to 128 bytes without spaces\n");
        return 2;
    }
    gd_buf err = {0};
    gov_program *prog = gd_load_program(policy, &err);
    if (!prog) {
        fprintf(stderr, "%sgovd produce: the policy could not be loaded\n", err.p ? err.p : "");
        gd_buf_free(&err);
        return 2;
    }
    gd_buf_free(&err);
    char why[256];
    int key = gov_program_partition(prog, why, sizeof why);
    if (key == GOV_PART_ONE && parts != 1) {
        fprintf(stderr, "govd produce: policy %s cannot be partitioned: %s; use --partitions 1\n",
                gov_program_name(prog), why);
        gov_program_free(prog);
        return 2;
    }
    char idbuf[40];
    if (!pid) {
        unsigned char rnd[8] = {0};
        FILE *u = fopen("/dev/urandom", "rb");
        if (!u || fread(rnd, 1, sizeof rnd, u) != sizeof rnd) {
            fprintf(stderr, "govd produce: cannot read /dev/urandom for a producer id\n");
            if (u)
                fclose(u);
            gov_program_free(prog);
            return 2;
        }
        fclose(u);
        for (int i = 0; i < 8; i++)
            snprintf(idbuf + 2 * i, 3, "%02x", rnd[i]);
        pid = idbuf;
    }
    producer pr;
    memset(&pr, 0, sizeof pr);
    pr.id = pid;
    pr.nparts = (int)parts;
    char msg[512];
    int status = 0;
    if (!dry) {
        pr.c = rc_open(nodes, 500, 10000, 30000, msg, sizeof msg);
        if (!pr.c) {
            fprintf(stderr, "govd produce: %s\n", msg);
            gov_program_free(prog);
            return 2;
        }
        pr.c->wait_replicas = (int)wait_replicas;
        pr.c->wait_ms = (int)wait_ms;
        char ck[160];
        gs_redis_key(ck, sizeof ck, prefix, -1, "config");
        if (gs_redis_meta(pr.c, prefix, (int)parts, gov_partition_name(key), NULL, msg, sizeof msg) != 0 ||
            gs_redis_load_script(pr.c, ck, script_produce, pr.sha, msg, sizeof msg) != 0) {
            fprintf(stderr, "govd produce: %s\n", msg);
            rc_close(pr.c);
            gov_program_free(prog);
            return 2;
        }
        fprintf(stderr, "govd produce: producer id %s\n", pid);
    }
    pr.p = calloc((size_t)parts, sizeof *pr.p);
    if (!pr.p) {
        fprintf(stderr, "govd produce: out of memory\n");
        status = 2;
        goto done;
    }
    for (int i = 0; i < parts; i++) {
        pr.p[i].next = 1;
        if (gs_redis_key(pr.p[i].in, sizeof pr.p[i].in, prefix, i, "in") < 0 ||
            gs_redis_key(pr.p[i].producers, sizeof pr.p[i].producers, prefix, i, "producers") < 0) {
            fprintf(stderr, "govd produce: the prefix is too long\n");
            status = 2;
            goto done;
        }
    }
    uint64_t lines = 0, malformed = 0;
    char *line = NULL;
    size_t lcap = 0;
    int nfiles = argc - optind;
    for (int f = 0; f < (nfiles ? nfiles : 1) && status == 0; f++) {
        const char *path = nfiles ? argv[optind + f] : "-";
        FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
        if (!in) {
            fprintf(stderr, "govd produce: cannot read '%s': %s\n", path, strerror(errno));
            status = 2;
            break;
        }
        ssize_t n;
        while (status == 0 && (n = getline(&line, &lcap, in)) >= 0) {
            size_t len = (size_t)n;
            if (len && line[len - 1] == '\n')
                len--;
            if (len && line[len - 1] == '\r')
                len--;
            if (len == 0)
                continue; /* blank lines are not records (govc run skips them too) */
            uint32_t part = 0;
            if (key == GOV_PART_ANY)
                part = (uint32_t)(lines % (uint64_t)parts);
            else if (gov_record_partition(prog, line, len, (uint32_t)parts, &part) == GOV_EJSON)
                malformed++; /* its partition decides it: an error decision */
            lines++;
            if (dry)
                printf("%u\t%.*s\n", part, (int)len, line);
            else if (add_record(&pr, (int)part, line, len, (int)batch) != 0)
                status = 1;
        }
        if (in != stdin)
            fclose(in);
    }
    free(line);
    if (status == 0 && !dry && flush(&pr) != 0)
        status = 1;
    if (!dry) {
        fprintf(stderr, "govd produce: %llu lines, %llu appended, %llu already there\n", (unsigned long long)lines,
                (unsigned long long)pr.added, (unsigned long long)(pr.sent - pr.added));
        if (malformed)
            fprintf(stderr, "govd produce: %llu lines are not JSON objects: their partitions decide them as errors\n",
                    (unsigned long long)malformed);
        if (status != 0)
            fprintf(stderr, "govd produce: stopped; run again with --producer-id %s and the same input to append "
                            "what is missing, once\n", pid);
    }
done:
    for (int i = 0; pr.p && i < parts; i++) {
        gd_buf_free(&pr.p[i].data);
        free(pr.p[i].off);
        free(pr.p[i].len);
    }
    free(pr.p);
    rc_close(pr.c);
    gov_program_free(prog);
    return status;
}
