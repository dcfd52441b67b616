/* libgit2 as Debian builds it (mbedTLS) reads and parses the whole system CA bundle
   in git_libgit2_init: ~4.5 ms of every command that opens a repository, which the
   editor and agent hooks pay on every call. SessionTrace never lets libgit2 open a
   network connection (sync runs git itself), so the bundle is never needed.

   Defined in the executable, this function takes the place of mbedTLS's own for
   libgit2 (ELF symbol interposition: the executable's definition is found first).
   It loads nothing and fails, so a TLS connection made through libgit2 would have no
   trusted certificates and be refused: it fails closed. */

#include "no_tls.h"

#ifdef SESSIONTRACE_STATIC_LIBGIT2
/* Linked statically, mbedTLS's own definition is in the same link: the Makefile has the
   linker send libgit2's calls here instead (--wrap). */
#define mbedtls_x509_crt_parse_file __wrap_mbedtls_x509_crt_parse_file
#endif

int mbedtls_x509_crt_parse_file(void *chain, const char *path) {
    (void)chain;
    (void)path;
    return -0x2900; /* MBEDTLS_ERR_X509_FILE_IO_ERROR */
}
