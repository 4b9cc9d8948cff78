/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small client for QEMU's qtest protocol.  See qtest_client.h. */
#define _GNU_SOURCE
#include "qtest_client.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct qt *qt_start(const char *extra_args)
{
    const char *qemu = getenv("GV_QEMU");
    const char *fw = getenv("GV_FIRMWARE");
    char *args = strdup(extra_args ? extra_args : "");
    char *argv[64];
    int argc = 0, in[2], out[2];
    struct qt *qt;
    char *save = NULL;

    if (!qemu || !args) {
        fprintf(stderr, "qtest: set GV_QEMU to qemu-system-x86_64\n");
        free(args);
        return NULL;
    }
    argv[argc++] = (char *)qemu;
    if (fw) {
        argv[argc++] = "-L";
        argv[argc++] = (char *)fw;
    }
    argv[argc++] = "-M";
    argv[argc++] = "q35";
    argv[argc++] = "-accel";
    argv[argc++] = "qtest";
    argv[argc++] = "-qtest";
    argv[argc++] = "stdio";
    argv[argc++] = "-qtest-log";
    argv[argc++] = "none";
    argv[argc++] = "-nodefaults";
    argv[argc++] = "-display";
    argv[argc++] = "none";
    for (char *t = strtok_r(args, " ", &save); t && argc < 62;
         t = strtok_r(NULL, " ", &save)) {
        argv[argc++] = t;
    }
    argv[argc] = NULL;

    if (pipe(in) || pipe(out)) {
        free(args);
        return NULL;
    }
    /* A write to a QEMU that died must fail with EPIPE (qt->broken, the
     * fuzzer's finding), not kill the test with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    qt = calloc(1, sizeof(*qt));
    qt->pid = fork();
    if (qt->pid == 0) {
        signal(SIGPIPE, SIG_DFL);   /* QEMU starts as it would alone */
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execv(qemu, argv);
        _exit(127);
    }
    free(args);
    close(in[0]);
    close(out[1]);
    qt->to = fdopen(in[1], "w");
    qt->from = fdopen(out[0], "r");
    return qt;
}

void qt_quit(struct qt *qt)
{
    int status;

    if (!qt) {
        return;
    }
    fclose(qt->to);
    fclose(qt->from);
    /* QEMU does not exit when qtest's stdin closes.  pid 0: reaped. */
    if (qt->pid > 0) {
        kill(qt->pid, SIGTERM);
        waitpid(qt->pid, &status, 0);
    }
    free(qt);
}

/* Send one command; the reply line (after "OK") goes to @reply. */
static bool qt_cmd_reply(struct qt *qt, char *reply, size_t reply_len,
                         const char *fmt, va_list ap)
{
    char *line = NULL;
    size_t cap = 0;

    if (qt->broken) {
        return false;
    }
    if (qt->trace) {
        va_list aq;

        va_copy(aq, ap);
        vfprintf(qt->trace, fmt, aq);
        va_end(aq);
        fputc('\n', qt->trace);
    }
    if (vfprintf(qt->to, fmt, ap) < 0 || fputc('\n', qt->to) == EOF ||
        fflush(qt->to) == EOF) {
        qt->broken = true;          /* EPIPE: QEMU is gone */
        return false;
    }
    for (;;) {
        if (getline(&line, &cap, qt->from) < 0) {
            qt->broken = true;
            free(line);
            return false;
        }
        if (!strncmp(line, "IRQ", 3)) {
            continue;   /* asynchronous interrupt notification */
        }
        if (strncmp(line, "OK", 2)) {
            fprintf(stderr, "qtest: unexpected reply: %s", line);
            qt->broken = true;
            free(line);
            return false;
        }
        snprintf(reply, reply_len, "%s", line + 2);
        free(line);
        return true;
    }
}

static void qt_cmdf(struct qt *qt, char *reply, size_t len,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void qt_cmdf(struct qt *qt, char *reply, size_t len,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (!qt_cmd_reply(qt, reply, len, fmt, ap)) {
        reply[0] = 0;
    }
    va_end(ap);
}

void qt_memread(struct qt *qt, uint64_t addr, void *buf, size_t len)
{
    size_t cap = 2 * len + 16;
    char *r = malloc(cap), *p;
    uint8_t *b = buf;

    qt_cmdf(qt, r, cap, "read 0x%" PRIx64 " 0x%zx", addr, len);
    p = strstr(r, "0x");
    memset(buf, 0xff, len);
    for (size_t i = 0; p && i < len; i++) {
        unsigned v;

        if (sscanf(p + 2 + 2 * i, "%2x", &v) != 1) {
            qt->broken = true;
            break;
        }
        b[i] = (uint8_t)v;
    }
    free(r);
}

void qt_memwrite(struct qt *qt, uint64_t addr, const void *buf, size_t len)
{
    char *hex = malloc(2 * len + 1), r[64];
    const uint8_t *b = buf;

    for (size_t i = 0; i < len; i++) {
        sprintf(hex + 2 * i, "%02x", b[i]);
    }
    hex[2 * len] = 0;
    qt_cmdf(qt, r, sizeof(r), "write 0x%" PRIx64 " 0x%zx 0x%s", addr, len,
            hex);
    free(hex);
}

/* Send one command, return the value after "OK" (0 if none). */
static uint64_t qt_cmd(struct qt *qt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static uint64_t qt_cmd(struct qt *qt, const char *fmt, ...)
{
    char r[512];
    va_list ap;
    bool ok;

    va_start(ap, fmt);
    ok = qt_cmd_reply(qt, r, sizeof(r), fmt, ap);
    va_end(ap);
    return ok ? strtoull(r, NULL, 0) : ~0ull;
}

uint32_t qt_inl(struct qt *qt, uint16_t port)
{
    return (uint32_t)qt_cmd(qt, "inl 0x%x", port);
}

void qt_outl(struct qt *qt, uint16_t port, uint32_t val)
{
    qt_cmd(qt, "outl 0x%x 0x%x", port, val);
}

static const char *const rd_cmd[] = { [1] = "readb", [2] = "readw",
                                      [4] = "readl", [8] = "readq" };
static const char *const wr_cmd[] = { [1] = "writeb", [2] = "writew",
                                      [4] = "writel", [8] = "writeq" };

uint64_t qt_read(struct qt *qt, uint64_t addr, unsigned size)
{
    return qt_cmd(qt, "%s 0x%" PRIx64, rd_cmd[size], addr);
}

void qt_write(struct qt *qt, uint64_t addr, unsigned size, uint64_t val)
{
    qt_cmd(qt, "%s 0x%" PRIx64 " 0x%" PRIx64, wr_cmd[size], addr, val);
}

static uint32_t cfg_addr(int dev, int reg)
{
    return 0x80000000u | (uint32_t)dev << 11 | (reg & 0xfc);
}

uint32_t qt_cfg_read32(struct qt *qt, int dev, int reg)
{
    qt_outl(qt, 0xcf8, cfg_addr(dev, reg));
    return qt_inl(qt, 0xcfc);
}

void qt_cfg_write32(struct qt *qt, int dev, int reg, uint32_t val)
{
    qt_outl(qt, 0xcf8, cfg_addr(dev, reg));
    qt_outl(qt, 0xcfc, val);
}

uint16_t qt_cfg_read16(struct qt *qt, int dev, int reg)
{
    return (uint16_t)(qt_cfg_read32(qt, dev, reg) >> (8 * (reg & 2)));
}

void qt_cfg_write16(struct qt *qt, int dev, int reg, uint16_t val)
{
    uint32_t v = qt_cfg_read32(qt, dev, reg);
    int shift = 8 * (reg & 2);

    v = (v & ~(0xffffu << shift)) | (uint32_t)val << shift;
    qt_cfg_write32(qt, dev, reg, v);
}

int qt_cfg_find_cap(struct qt *qt, int dev, uint8_t id)
{
    int pos = qt_cfg_read32(qt, dev, 0x34) & 0xfc;

    for (int guard = 0; pos && guard < 48; guard++) {
        uint32_t hdr = qt_cfg_read32(qt, dev, pos);

        if ((hdr & 0xff) == id) {
            return pos;
        }
        pos = (hdr >> 8) & 0xfc;
    }
    return 0;
}

void qt_place_bars(struct qt *qt, int dev, uint32_t bar0, uint64_t bar2)
{
    qt_cfg_write32(qt, dev, 0x10, bar0);
    qt_cfg_write32(qt, dev, 0x18, (uint32_t)bar2);
    qt_cfg_write32(qt, dev, 0x1c, (uint32_t)(bar2 >> 32));
    qt_cfg_write16(qt, dev, 0x04, 0x0006);     /* memory + bus master */
}
