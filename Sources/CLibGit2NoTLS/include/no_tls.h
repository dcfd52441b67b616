#ifndef SESSIONTRACE_NO_TLS_H
#define SESSIONTRACE_NO_TLS_H

/* See no_tls.c: libgit2's CA bundle is never loaded. */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);

#endif
