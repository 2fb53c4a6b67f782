/* main.c: govd's command line, start-up, signals and shutdown (spec/govd.md §1).
 *
 * Every signal govd handles is blocked in all threads and taken by the main thread with
 * sigtimedwait, which also wakes it for the periodic snapshot: SIGHUP reloads, SIGTERM
 * and SIGINT stop (stop accepting, finish the requests in flight, snapshot, exit 0; 1 when
 * the snapshot could not write every partition).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "govd/govd.h"
#include "govd/worker.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: govd [options] -p POLICY [-p POLICY...]\n"
            "\n"
            "The gov policy decision service: decisions over HTTP for the policies given\n"
            "(.govb files, or .gov sources compiled at start and at each reload).\n"
            "API and behaviour: spec/govd.md.\n"
            "\n"
            "options:\n"
            "  -p, --policy PATH        a policy to serve (repeatable; a .govb, a .gov file or a\n"
            "                           directory of .gov sources)\n"
            "  -l, --listen ADDR        127.0.0.1:PORT (default 127.0.0.1:8181; port 0 picks a\n"
            "                           free one), [::1]:PORT, or unix:PATH (mode 0600).\n"
            "                           A non-loopback address needs --tokens\n"
            "  --tokens FILE            bearer tokens: lines TOKEN NAME ROLE[,ROLE]; roles\n"
            "                           decide, approve, admin. Refused unless mode 0600 or\n"
            "                           stricter. Without it every caller may decide and\n"
            "                           administer, and nobody may approve\n"
            "  --tls-cert PEM, --tls-key PEM   serve HTTPS\n"
            "  --workers N              HTTP worker threads (default: the number of CPUs)\n"
            "  --partitions N           VMs of a policy with keyed state (default 16)\n"
            "  --batch-threads N        threads a batch request is evaluated on: its HTTP worker\n"
            "                           and N-1 helpers (default: the number of CPUs)\n"
            "  --state-dir DIR          save and restore VM state here (spec/govd.md 6)\n"
            "  --snapshot-interval MS   save changed state this often (default 1000)\n"
            "  --decision-log FILE      append every decision to this tamper-evident log\n"
            "                           (spec/govd.md 7; govc audit verify/replay read it)\n"
            "  --log-max-bytes N        rotate the decision log past N bytes (default 64 MiB)\n"
            "  --log-sync WHEN          request (default: one fdatasync per request, before\n"
            "                           its response), line (one per decision), none (the\n"
            "                           page cache: survives kill -9, not a power cut)\n"
            "  --host-lib POLICY=LIB    bind the host functions (extern fn) of the policy named\n"
            "                           POLICY from the shared library LIB (repeatable)\n"
            "  --limits POLICY=FILE     load the limits file FILE (spec/language.md 5.2) beside\n"
            "                           the policy named POLICY, read again at each reload; a\n"
            "                           file that loosens a limit is refused (E050)\n"
            "  --max-body N             largest request body (default 1 MiB)\n"
            "  --max-batch N            largest batch body (default 256 MiB)\n"
            "  --max-connections N      connection limit (default 1024)\n"
            "  --timeout S              idle connection timeout, seconds (default 10)\n"
            "  -h, --help, --version\n"
            "\n"
            "Scale-out on Redis Cluster (spec/scaleout.md): govd --worker --redis NODES -p POLICY\n"
            "decides the partition streams' records; govd produce (see govd produce --help) appends\n"
            "records to them.\n"
            "  --worker                 run as a worker instead of serving HTTP\n"
            "  --redis HOST:PORT[,...]  cluster nodes to start from\n"
            "  --prefix P               key prefix (default gov)\n"
            "  --worker-id ID           this worker's name (default HOST:PID:RANDOM)\n"
            "  --lease-ms MS            partition lease (default 3000): a dead worker's partitions\n"
            "                           are taken over after it\n"
            "  --batch N                entries read per partition per round (default 512)\n"
            "  --poll-ms MS             idle wait (default 10)\n"
            "  --wait-replicas N        replicas that acknowledge each commit (default 1; 0: no WAIT)\n"
            "  --wait-ms MS             how long a commit waits for them (default 100)\n"
            "\n"
            "Signals: SIGHUP reloads the policies; SIGTERM or SIGINT stops after a snapshot (a\n"
            "worker: after its last commit, giving its partitions up).\n"
            "Exit status: 0 stopped by a signal, 2 usage, policy or start-up error.\n");
}

static bool parse_num(const char *opt, const char *s, unsigned long long lo, unsigned long long hi,
                      unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || !*s || v < lo || v > hi) {
        fprintf(stderr, "govd: %s takes a number from %llu to %llu, not '%s'\n", opt, lo, hi, s);
        return false;
    }
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "produce") == 0)
        return gd_produce_main(argc - 1, argv + 1);
    gd_listen l = {.addr = "127.0.0.1:8181", .conn_limit = 1024, .timeout_s = 10};
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    gd_cfg.workers = ncpu > 0 ? (int)ncpu : 2;
    gd_cfg.partitions = 16;
    gd_cfg.batch_threads = ncpu > 0 ? (ncpu > 64 ? 64 : (int)ncpu) : 2;
    gd_cfg.snapshot_ms = 1000;
    gd_cfg.dlog_max = 64ull << 20;
    gd_cfg.max_body = 1u << 20;
    gd_cfg.max_batch = 256u << 20;
    enum { O_TOKENS = 256, O_CERT, O_KEY, O_WORKERS, O_PARTS, O_STATE, O_SNAP, O_DLOG, O_DMAX, O_DKEEP, O_DSYNC, O_HOSTLIB, O_LIMITS, O_MAXBODY,
           O_MAXBATCH, O_MAXCONN, O_TIMEOUT, O_VERSION, O_WORKER, O_REDIS, O_PREFIX, O_WORKER_ID, O_LEASE,
           O_WBATCH, O_POLL, O_WAITR, O_WAITMS, O_BTHREADS };
    bool worker = false;
    gw_config wc = {.batch = 512, .poll_ms = 10,
                    .redis = {.prefix = "gov", .lease_ms = 3000, .wait_replicas = 1, .wait_ms = 100,
                              .connect_ms = 500, .io_ms = 10000, .retry_ms = 2000}};
    static const struct option longopts[] = {
        {"policy", required_argument, 0, 'p'},       {"listen", required_argument, 0, 'l'},
        {"tokens", required_argument, 0, O_TOKENS},  {"tls-cert", required_argument, 0, O_CERT},
        {"tls-key", required_argument, 0, O_KEY},    {"workers", required_argument, 0, O_WORKERS},
        {"partitions", required_argument, 0, O_PARTS}, {"state-dir", required_argument, 0, O_STATE},
        {"snapshot-interval", required_argument, 0, O_SNAP}, {"decision-log", required_argument, 0, O_DLOG},
        {"log-max-bytes", required_argument, 0, O_DMAX}, {"log-keep", required_argument, 0, O_DKEEP},
        {"log-sync", required_argument, 0, O_DSYNC}, {"host-lib", required_argument, 0, O_HOSTLIB},
        {"limits", required_argument, 0, O_LIMITS},
        {"max-body", required_argument, 0, O_MAXBODY}, {"max-batch", required_argument, 0, O_MAXBATCH},
        {"max-connections", required_argument, 0, O_MAXCONN}, {"timeout", required_argument, 0, O_TIMEOUT},
        {"worker", no_argument, 0, O_WORKER},        {"redis", required_argument, 0, O_REDIS},
        {"prefix", required_argument, 0, O_PREFIX},  {"worker-id", required_argument, 0, O_WORKER_ID},
        {"lease-ms", required_argument, 0, O_LEASE}, {"batch", required_argument, 0, O_WBATCH},
        {"poll-ms", required_argument, 0, O_POLL},   {"wait-replicas", required_argument, 0, O_WAITR},
        {"wait-ms", required_argument, 0, O_WAITMS}, {"batch-threads", required_argument, 0, O_BTHREADS},
        {"help", no_argument, 0, 'h'},               {"version", no_argument, 0, O_VERSION},
        {0, 0, 0, 0}};
    int c;
    unsigned long long v;
    while ((c = getopt_long(argc, argv, "p:l:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (gd_cfg.npaths == 64) {
                fprintf(stderr, "govd: at most 64 policies\n");
                return 2;
            }
            gd_cfg.paths[gd_cfg.npaths++] = optarg;
            break;
        case 'l': l.addr = optarg; break;
        case O_TOKENS: l.tokens = optarg; break;
        case O_CERT: l.tls_cert = optarg; break;
        case O_KEY: l.tls_key = optarg; break;
        case O_WORKERS: if (!parse_num("--workers", optarg, 1, 256, &v)) return 2; gd_cfg.workers = (int)v; break;
        case O_BTHREADS: if (!parse_num("--batch-threads", optarg, 1, 64, &v)) return 2; gd_cfg.batch_threads = (int)v; break;
        case O_PARTS: if (!parse_num("--partitions", optarg, 1, 4096, &v)) return 2; gd_cfg.partitions = (int)v; break;
        case O_STATE: gd_cfg.state_dir = optarg; break;
        case O_SNAP: if (!parse_num("--snapshot-interval", optarg, 10, 3600000, &v)) return 2; gd_cfg.snapshot_ms = (int)v; break;
        case O_DLOG: gd_cfg.dlog_path = optarg; break;
        case O_DMAX: if (!parse_num("--log-max-bytes", optarg, 4096, 1ull << 40, &v)) return 2; gd_cfg.dlog_max = v; break;
        case O_DKEEP:
            fprintf(stderr, "govd: --log-keep is gone: the decision log keeps every rotated file, chained to the "
                            "next (spec/trace.md 9.4); archive old files yourself\n");
            return 2;
        case O_HOSTLIB: {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1]) {
                fprintf(stderr, "govd: --host-lib takes POLICY=LIB (the policy's name, a shared library), not '%s'\n",
                        optarg);
                return 2;
            }
            if (gd_cfg.nhost == 64) {
                fprintf(stderr, "govd: at most 64 --host-lib\n");
                return 2;
            }
            *eq = 0;
            gd_cfg.host_policy[gd_cfg.nhost] = optarg;
            gd_cfg.host_lib[gd_cfg.nhost++] = eq + 1;
            break;
        }
        case O_LIMITS: {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1]) {
                fprintf(stderr, "govd: --limits takes POLICY=FILE (the policy's name, a limits file), not '%s'\n",
                        optarg);
                return 2;
            }
            if (gd_cfg.nlimits == 64) {
                fprintf(stderr, "govd: at most 64 --limits\n");
                return 2;
            }
            *eq = 0;
            for (int i = 0; i < gd_cfg.nlimits; i++)
                if (strcmp(gd_cfg.limits_policy[i], optarg) == 0) {
                    fprintf(stderr, "govd: one --limits file per policy ('%s' has two)\n", optarg);
                    return 2;
                }
            gd_cfg.limits_policy[gd_cfg.nlimits] = optarg;
            gd_cfg.limits_file[gd_cfg.nlimits++] = eq + 1;
            break;
        }
        case O_DSYNC:
            if (strcmp(optarg, "request") == 0) gd_cfg.dlog_sync = GD_SYNC_REQUEST;
            else if (strcmp(optarg, "line") == 0) gd_cfg.dlog_sync = GD_SYNC_LINE;
            else if (strcmp(optarg, "none") == 0) gd_cfg.dlog_sync = GD_SYNC_NONE;
            else {
                fprintf(stderr, "govd: --log-sync takes request, line or none, not '%s'\n", optarg);
                return 2;
            }
            break;
        case O_MAXBODY: if (!parse_num("--max-body", optarg, 64, 1ull << 30, &v)) return 2; gd_cfg.max_body = (size_t)v; break;
        case O_MAXBATCH: if (!parse_num("--max-batch", optarg, 64, 1ull << 34, &v)) return 2; gd_cfg.max_batch = (size_t)v; break;
        case O_MAXCONN: if (!parse_num("--max-connections", optarg, 1, 1000000, &v)) return 2; l.conn_limit = (int)v; break;
        case O_TIMEOUT: if (!parse_num("--timeout", optarg, 1, 86400, &v)) return 2; l.timeout_s = (int)v; break;
        case O_WORKER: worker = true; break;
        case O_REDIS: wc.redis.nodes = optarg; break;
        case O_PREFIX: wc.redis.prefix = optarg; break;
        case O_WORKER_ID: wc.redis.worker = optarg; break;
        case O_LEASE: if (!parse_num("--lease-ms", optarg, 100, 600000, &v)) return 2; wc.redis.lease_ms = (int)v; break;
        case O_WBATCH: if (!parse_num("--batch", optarg, 1, 100000, &v)) return 2; wc.batch = (int)v; break;
        case O_POLL: if (!parse_num("--poll-ms", optarg, 1, 10000, &v)) return 2; wc.poll_ms = (int)v; break;
        case O_WAITR: if (!parse_num("--wait-replicas", optarg, 0, 16, &v)) return 2; wc.redis.wait_replicas = (int)v; break;
        case O_WAITMS: if (!parse_num("--wait-ms", optarg, 1, 600000, &v)) return 2; wc.redis.wait_ms = (int)v; break;
        case 'h': usage(stdout); return 0;
        case O_VERSION: printf("govd %s\n", GOVD_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "govd: unexpected argument '%s' (policies are given with -p)\n", argv[optind]);
        return 2;
    }
    if (gd_cfg.npaths == 0) {
        fprintf(stderr, "govd: no policy: give one with -p PATH\n");
        usage(stderr);
        return 2;
    }
    if (worker || wc.redis.nodes) {
        if (!worker || !wc.redis.nodes || gd_cfg.npaths != 1) {
            fprintf(stderr, "govd: a worker takes --worker, --redis NODES and one -p POLICY\n");
            return 2;
        }
        char wid[300];
        if (!wc.redis.worker) {
            char host[200] = "";
            gethostname(host, sizeof host - 1);
            unsigned r = 0;
            FILE *u = fopen("/dev/urandom", "rb");
            if (u) {
                if (fread(&r, sizeof r, 1, u) != 1)
                    r = (unsigned)gd_now_ns();
                fclose(u);
            }
            snprintf(wid, sizeof wid, "%s:%d:%08x", host, (int)getpid(), r);
            wc.redis.worker = wid;
        } else if (!*wc.redis.worker || strlen(wc.redis.worker) > 200 || strpbrk(wc.redis.worker, " \t\r\n")) {
            fprintf(stderr, "govd: --worker-id takes 1 to 200 bytes without spaces\n");
            return 2;
        }
        wc.policy = gd_cfg.paths[0];
        wc.redis.partitions = gd_cfg.partitions;
        /* A lease must outlive a command's retries, so a worker that stalls on one is
         * fenced rather than overtaken in the middle of a commit it still believes in. */
        wc.redis.retry_ms = wc.redis.lease_ms / 2;
        return gd_worker_run(&wc);
    }
    if (!l.tls_cert != !l.tls_key) {
        fprintf(stderr, "govd: --tls-cert and --tls-key go together\n");
        return 2;
    }
    if (gd_cfg.state_dir && mkdir(gd_cfg.state_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "govd: cannot create state directory '%s': %s\n", gd_cfg.state_dir, strerror(errno));
        return 2;
    }
    /* Block the signals before any thread starts, so only sigtimedwait sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* The log first: each VM is attached to it as its state is restored. */
    char msg[512];
    if (gd_cfg.dlog_path && !(gd_log_sink = gd_dlog_open(gd_cfg.dlog_path, gd_cfg.dlog_max, gd_cfg.dlog_sync, msg,
                                                         sizeof msg))) {
        fprintf(stderr, "govd: %s\n", msg);
        return 2;
    }
    gd_buf err = {0};
    if (gd_set_start(&err) != 0) {
        fprintf(stderr, "%sgovd: no policy set could be loaded\n", err.p ? err.p : "");
        gd_buf_free(&err);
        gd_dlog_close(gd_log_sink);
        return 2;
    }
    gd_buf_free(&err);
    if (gd_pool_start(gd_cfg.batch_threads - 1) != 0) {
        fprintf(stderr, "govd: cannot start the batch threads\n");
        gd_set_shutdown();
        gd_dlog_close(gd_log_sink);
        return 2;
    }
    gd_server *srv = gd_server_start(&l, msg, sizeof msg);
    if (!srv) {
        gd_pool_stop();
        fprintf(stderr, "govd: %s\n", msg);
        gd_set_shutdown();
        gd_dlog_close(gd_log_sink);
        return 2;
    }
    gd_log("listening on %s (%d workers%s%s)", gd_server_where(srv), gd_cfg.workers, l.tls_cert ? ", TLS" : "",
           l.tokens ? ", bearer tokens" : "");

    int stop = 0;
    int64_t next = gd_mono_ns() + (int64_t)gd_cfg.snapshot_ms * 1000000;
    while (!stop) {
        int64_t wait = next - gd_mono_ns();
        if (wait < 0)
            wait = 0;
        struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
        int sig = sigtimedwait(&set, NULL, &ts);
        if (sig == SIGHUP) {
            gd_log("SIGHUP: reloading");
            gd_buf e = {0};
            gd_reload(&e);
            gd_buf_free(&e);
        } else if (sig == SIGTERM || sig == SIGINT) {
            gd_log("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
            stop = 1;
        }
        if (gd_mono_ns() >= next) {
            if (gd_cfg.state_dir)
                gd_snapshot_all();
            next = gd_mono_ns() + (int64_t)gd_cfg.snapshot_ms * 1000000;
        }
    }
    atomic_store(&gd_stopping, true);
    gd_server_stop(srv);
    gd_pool_stop();
    /* A state that could not all be written at stop is lost with the process: the log
     * says so and the exit status too, so a supervisor sees it (spec/govd.md 1, 6). */
    int rc = 0;
    if (gd_cfg.state_dir && gd_snapshot_all() != 0) {
        gd_log("the last snapshot failed: the state at stop is not all on disk (exit 1)");
        rc = 1;
    }
    gd_set_shutdown();
    gd_dlog_close(gd_log_sink);
    gd_log("stopped");
    return rc;
}
