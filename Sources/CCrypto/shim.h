#ifndef CANARY_CCRYPTO_SHIM_H
#define CANARY_CCRYPTO_SHIM_H

// OpenSSL's one-shot HMAC, the only cryptography canary needs (RFC 6238 TOTP codes),
// behind one function so that Swift sees no macro or deprecated declaration.

#include <openssl/evp.h>
#include <openssl/hmac.h>

/// algorithm: 1 SHA-1, 256 SHA-256, 512 SHA-512. Returns the MAC's length, 0 on failure.
static inline unsigned int ccrypto_hmac(int algorithm, const void *key, int key_length, const unsigned char *data,
                                        size_t data_length, unsigned char *out) {
    const EVP_MD *md = algorithm == 512 ? EVP_sha512() : algorithm == 256 ? EVP_sha256() : EVP_sha1();
    unsigned int length = 0;
    if (HMAC(md, key, key_length, data, data_length, out, &length) == NULL) return 0;
    return length;
}

#endif
