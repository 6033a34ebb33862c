/*
 * Helpers for the tool tests (test_cat_*, test_perf_*, test_pcap_*): find
 * the built tools, run them as child processes with files for stdin, stdout
 * and stderr, bounded waits, and free UDP ports.
 */
#ifndef USCTP_TESTS_TOOLRUN_H
#define USCTP_TESTS_TOOLRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The built tool (build/tools/<name>), or NULL (a message says why). */
const char *tr_tool(const char *name);
/* A UDP port free on IPv4 and IPv6 right now, the kernel's pick. */
uint16_t tr_free_udp_port(void);
/* A scratch directory for this test (created once, under TMPDIR or /tmp). */
const char *tr_tmpdir(void);
/* tr_tmpdir()/name in a static buffer (one of 8 rotating ones). */
const char *tr_path(const char *name);

/* Start argv[0] with stdin/stdout/stderr from/to the given files (NULL:
 * /dev/null), extra environment "K=V" strings in env (NULL-terminated, may
 * be NULL). Returns the pid. */
pid_t tr_spawn(const char *const *argv, const char *in, const char *out, const char *err,
	       const char *const *env);
/* Wait up to timeout_ms for pid; its exit status, 128+signal if killed by
 * one, or -1 on timeout (then the child is killed). */
int tr_wait(pid_t pid, int timeout_ms);
/* Run to completion (bounded): tr_spawn + tr_wait. */
int tr_run(const char *const *argv, const char *in, const char *out, const char *err, const char *const *env,
	   int timeout_ms);

/* Read a whole file (malloc'd, NUL-terminated; *len without the NUL), or NULL. */
char *tr_read(const char *path, size_t *len);
/* Write len bytes to path. */
void tr_write(const char *path, const void *data, size_t len);
/* FNV-1a 64 of a buffer: a checksum for messages in test output. */
uint64_t tr_fnv(const void *data, size_t len);
/* True if the file contains the string. */
bool tr_file_has(const char *path, const char *needle);
/* Wait up to timeout_ms until the file contains needle. */
bool tr_wait_file_has(const char *path, const char *needle, int timeout_ms);
/* Sleep ms milliseconds. */
void tr_sleep_ms(int ms);
/* True if program is on PATH. */
bool tr_have_program(const char *program);

#endif
