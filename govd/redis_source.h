/* redis_source.h: what the producer (produce.c) shares with the Redis engine
 * (redis_source.c): key names and the configuration check (spec/scaleout.md §2). */
#ifndef GOVD_REDIS_SOURCE_H
#define GOVD_REDIS_SOURCE_H

#include <stddef.h>

#include "govd/rcluster.h"

/* "PREFIX:{pN}:WHAT" for partition part >= 0, "PREFIX:{meta}:WHAT" for part -1. Its
 * length, or -1 when it does not fit in cap. */
int gs_redis_key(char *buf, size_t cap, const char *prefix, int part, const char *what);
/* Record the partition count, the key and (when layout is not NULL) the state layout
 * under prefix the first time; refuse (-1, the reason in err) when what is recorded
 * differs. */
int gs_redis_meta(rc_cluster *c, const char *prefix, int partitions, const char *key, const char *layout, char *err,
                  size_t cap);
/* SCRIPT LOAD body on the node serving key; its SHA1 (40 hex digits) into sha. */
int gs_redis_load_script(rc_cluster *c, const char *key, const char *body, char sha[41], char *err, size_t cap);

#endif
