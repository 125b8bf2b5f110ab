#ifndef CCURLHOOK_H
#define CCURLHOOK_H
#include <stddef.h>

/// Bumped when the hook's behaviour changes.
int doze_curl_hook_version(void);

/// Registers (or replaces) the TLS material for the origin of `url` (scheme://host:port, the
/// default port filled in). NULL/0 pointers mean "not set". PEM bytes are copied.
/// `server_name` (kubeconfig tls-server-name, may be NULL): the name sent in SNI and checked in
/// the server's certificate; the request URL's host becomes that name and CURLOPT_CONNECT_TO
/// sends the connection to the real host.
/// Returns 0 on success, -1 if the URL has no usable origin or memory ran out.
int doze_curl_hook_register(const char *url,
                            const unsigned char *ca, size_t ca_len,
                            const unsigned char *cert, size_t cert_len,
                            const unsigned char *key, size_t key_len,
                            int insecure, const char *server_name);

/// Forgets the TLS material for the origin of `url`. Returns 1 if something was removed.
int doze_curl_hook_unregister(const char *url);

/// Writes the normalized origin of `url` ("https://host:443") into `out`; -1 if unusable.
int doze_curl_origin(const char *url, char *out, size_t out_len);

/// 1 if this process's `curl_multi_add_handle` is ours (the executable exports it, so it comes
/// before libcurl's in the global scope), 0 if calls go straight to libcurl.
int doze_curl_hook_interposes(void);

/// How many easy handles passed through the hook, and how many were given TLS material.
/// Tests use these to prove the interposition happened.
long doze_curl_hook_calls(void);
long doze_curl_hook_applied(void);

/// 1 if this process's `curl_multi_setopt` is ours (see sockets.c: the fix for URLSession keeping
/// a write source on a socket curl only reads, which spins a core while a watch idles).
int doze_curl_socket_hook_interposes(void);

/// How many times curl narrowed its interest on a socket and the sources were re-registered.
long doze_curl_hook_narrowed(void);

#endif
