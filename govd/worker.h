/* worker.h: govd's scale-out modes on Redis Cluster (spec/scaleout.md): the worker
 * (worker.c, `govd --worker`) and the producer (produce.c, `govd produce`). */
#ifndef GOVD_WORKER_H
#define GOVD_WORKER_H

#include "govd/source.h"

typedef struct gw_config {
    const char *policy;         /* a .govb or .gov sources */
    gs_redis_config redis;      /* key and layout are filled from the policy */
    int batch;                  /* entries read per partition per round */
    int poll_ms;                /* idle wait, growing to 5x while nothing comes */
} gw_config;

/* Run a worker until SIGTERM or SIGINT; the process's exit status. */
int gd_worker_run(const gw_config *cfg);
/* `govd produce ARGS`: the exit status. */
int gd_produce_main(int argc, char **argv);

#endif
