/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error strings, constant-time comparison and file helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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
    static const char suffix[] = ".XXXXXX";
    size_t path_len = strlen(path);
    const uint8_t *p = data;
    size_t off = 0;
    char *tmp;
    int rc = GVC_OK;
    int fd;

    /*
     * Write a temporary file beside @path, then rename it over @path: a
     * crash never leaves a half-written key, and the mode of any file
     * already there never applies to the new contents.
     */
    tmp = OPENSSL_malloc(path_len + sizeof(suffix));
    if (!tmp) {
        return GVC_ERR_NOMEM;
    }
    memcpy(tmp, path, path_len);
    memcpy(tmp + path_len, suffix, sizeof(suffix));
    fd = mkstemp(tmp);  /* created 0600 */
    if (fd < 0) {
        OPENSSL_free(tmp);
        return GVC_ERR_IO;
    }
    if (fchmod(fd, (mode_t)mode) != 0) {
        rc = GVC_ERR_IO;
    }
    while (rc == GVC_OK && off < len) {
        ssize_t n = write(fd, p + off, len - off);

        if (n < 0 && errno != EINTR) {
            rc = GVC_ERR_IO;
        } else if (n > 0) {
            off += (size_t)n;
        }
    }
    if (rc == GVC_OK && fsync(fd) != 0) {
        rc = GVC_ERR_IO;
    }
    if (close(fd) != 0 && rc == GVC_OK) {
        rc = GVC_ERR_IO;
    }
    if (rc == GVC_OK && rename(tmp, path) != 0) {
        rc = GVC_ERR_IO;
    }
    if (rc != GVC_OK) {
        unlink(tmp);
    }
    OPENSSL_free(tmp);
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
