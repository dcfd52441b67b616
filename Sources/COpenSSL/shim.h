#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/conf.h>
#include <openssl/sha.h>

/* Git's object id of a blob, SHA-1 of header and content, through OpenSSL's low-level
   SHA-1: it needs no provider, where the first EVP digest fetches one and builds
   OpenSSL's name tables (0.9 ms, a twentieth of an agent hook's budget). That
   interface is deprecated in OpenSSL 3 but kept; the same assembly does the work. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
static inline int sessiontrace_blob_sha1(const unsigned char *header, size_t header_length,
                                         const unsigned char *content, size_t length,
                                         unsigned char digest[20]) {
    SHA_CTX context;
    return SHA1_Init(&context) && SHA1_Update(&context, header, header_length)
        && SHA1_Update(&context, content, length) && SHA1_Final(digest, &context);
}
#pragma clang diagnostic pop
