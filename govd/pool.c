/* pool.c: the helper threads a batch request evaluates its lanes on (spec/govd.md §5).
 *
 * A job is a function and a number of lanes. Its poster may go on with other work (a
 * batch request reads its next segment) and then waits for it: waiting, it takes the
 * lanes no helper has taken yet, so a job always finishes, even when every helper is
 * busy with another request's job: helpers only speed it up. Lanes are taken in order
 * from a counter under the pool's lock; the poster waits until the lanes helpers took
 * are done.
 */
#include <pthread.h>
#include <stdlib.h>

#include "govd/govd.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;     /* a job was posted, or stop */
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER; /* a lane was done */
static gd_job *queue;
static pthread_t *threads;
static int nthreads;
static bool stopping;

/* Take the next lane of the first job with lanes left (mu held); NULL when none. */
static gd_job *take(int *lane)
{
    gd_job *j = queue;
    if (!j)
        return NULL;
    *lane = j->next++;
    if (j->next == j->nlanes)
        queue = j->link; /* every lane is taken: off the queue */
    return j;
}

static void *helper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    for (;;) {
        int lane;
        gd_job *j;
        while (!(j = take(&lane)) && !stopping)
            pthread_cond_wait(&work, &mu);
        if (!j)
            break;
        pthread_mutex_unlock(&mu);
        j->fn(j->ctx, lane);
        pthread_mutex_lock(&mu);
        j->done++;
        pthread_cond_broadcast(&finished);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int gd_pool_start(int helpers)
{
    if (helpers <= 0)
        return 0;
    threads = calloc((size_t)helpers, sizeof *threads);
    if (!threads)
        return -1;
    for (int i = 0; i < helpers; i++) {
        if (pthread_create(&threads[i], NULL, helper, NULL) != 0)
            break;
        nthreads++;
    }
    return 0;
}

void gd_pool_stop(void)
{
    pthread_mutex_lock(&mu);
    stopping = true;
    pthread_cond_broadcast(&work);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    threads = NULL;
    nthreads = 0;
}

void gd_pool_post(gd_job *j, void (*fn)(void *ctx, int lane), void *ctx, int nlanes)
{
    *j = (gd_job){.fn = fn, .ctx = ctx, .nlanes = nlanes > 0 ? nlanes : 0};
    if (j->nlanes == 0 || nthreads == 0)
        return; /* run by gd_pool_wait, on the poster */
    pthread_mutex_lock(&mu);
    gd_job **tail = &queue;
    while (*tail)
        tail = &(*tail)->link;
    *tail = j;
    pthread_cond_broadcast(&work);
    pthread_mutex_unlock(&mu);
}

void gd_pool_wait(gd_job *j)
{
    if (nthreads == 0) {
        for (int i = j->next; i < j->nlanes; i++)
            j->fn(j->ctx, i);
        j->next = j->done = j->nlanes;
        return;
    }
    pthread_mutex_lock(&mu);
    /* Take this job's lanes no helper took; the others' helpers may hold. */
    while (j->next < j->nlanes) {
        int lane = j->next++;
        if (j->next == j->nlanes) {
            gd_job **q = &queue;
            while (*q != j)
                q = &(*q)->link;
            *q = j->link;
        }
        pthread_mutex_unlock(&mu);
        j->fn(j->ctx, lane);
        pthread_mutex_lock(&mu);
        j->done++;
    }
    while (j->done < j->nlanes)
        pthread_cond_wait(&finished, &mu);
    pthread_mutex_unlock(&mu);
}

void gd_pool_run(void (*fn)(void *ctx, int lane), void *ctx, int nlanes)
{
    if (nlanes == 1) {
        fn(ctx, 0);
        return;
    }
    gd_job j;
    gd_pool_post(&j, fn, ctx, nlanes);
    gd_pool_wait(&j);
}
