/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error strings, constant-time comparison and file helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "gvc_internal.h"

const char *gvc_strerror(int err)
{
    switch (err) {
    case GVC_OK:
        return "success";
    case GVC_ERR_ARG:
        return "invalid argument";
    case GVC_ERR_AUTH:
        return "authentication failed";
    case GVC_ERR_NOMEM:
        return "out of memory";
    case GVC_ERR_CRYPTO:
        return "cryptographic library failure";
    case GVC_ERR_IO:
        return "file input/output error";
    case GVC_ERR_FORMAT:
        return "malformed key, certificate or encoding";
    default:
        return "unknown error";
    }
}

int gvc_memcmp_ct(const void *a, const void *b, size_t len)
{
    if (!a || !b || len == 0) {
        return GVC_ERR_ARG;
    }
    return CRYPTO_memcmp(a, b, len) == 0 ? GVC_OK : GVC_ERR_AUTH;
}

int gvc_read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
    uint8_t *data = NULL;
    size_t used = 0;
    struct stat st;
    int fd;
    int rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return GVC_ERR_IO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = GVC_ERR_IO;
        goto done;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    /* One byte more than allowed to notice a file that grew; one NUL. */
    data = OPENSSL_malloc(max + 2);
    if (!data) {
        rc = GVC_ERR_NOMEM;
        goto done;
    }
    while (used <= max) {
        ssize_t n = read(fd, data + used, max + 1 - used);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = GVC_ERR_IO;
            goto done;
        }
        if (n == 0) {
            break;
        }
        used += (size_t)n;
    }
    if (used > max) {
        rc = GVC_ERR_FORMAT;
        goto done;
    }
    data[used] = 0;
    *buf = data;
    *len = used;
    data = NULL;
    rc = GVC_OK;
done:
    OPENSSL_clear_free(data, max + 2);
    close(fd);
    return rc;
}

int gvc_write_file(const char *path, const void *data, size_t len,
                   unsigned mode)
{
    const uint8_t *p = data;
    size_t done_len = 0;
    int rc = GVC_OK;
    int fd;

    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        return GVC_ERR_IO;
    }
    /* An existing file keeps its mode through open(); set ours first. */
    if (fchmod(fd, (mode_t)mode) != 0) {
        rc = GVC_ERR_IO;
        goto done;
    }
    while (done_len < len) {
        ssize_t n = write(fd, p + done_len, len - done_len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = GVC_ERR_IO;
            goto done;
        }
        done_len += (size_t)n;
    }
    if (fsync(fd) != 0) {
        rc = GVC_ERR_IO;
    }
done:
    if (close(fd) != 0 && rc == GVC_OK) {
        rc = GVC_ERR_IO;
    }
    return rc;
}

int gvc_pem_no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    /* No passphrase: encrypted PEM fails to decode rather than prompt. */
    return -1;
}
