/* blocker.c: a host function that blocks in C, for the binding's GIL test
 * (tests/test_threads.py). `fds` packs two file descriptors: it writes one byte to the
 * upper one ("entered") and then waits to read one byte from the lower one ("go"), and
 * returns that byte. While it waits, Python code in other threads can run only if the
 * evaluation that called it released the GIL. */
#include <stdint.h>
#include <unistd.h>

__attribute__((visibility("default"))) int gov_test_block(int64_t fds, int64_t *out);

int gov_test_block(int64_t fds, int64_t *out)
{
    int go = (int)(fds & 0xffff), entered = (int)((fds >> 16) & 0xffff);
    unsigned char c = 'e';
    if (write(entered, &c, 1) != 1 || read(go, &c, 1) != 1)
        return 1;
    *out = c;
    return 0;
}
