// Interposes libcurl's curl_multi_add_handle so that URLSession (FoundationNetworking, which
// drives every transfer through libcurl's multi API) can be given a per-server CA, client
// certificate and key. The executables export this symbol (--export-dynamic-symbol), so the
// dynamic linker binds FoundationNetworking's call here; we set the TLS options on the easy
// handle and call the real function, found with dlsym(RTLD_NEXT). See KubeClient/Config/TLSHook.swift.
//
// No curl headers are installed, so the few prototypes and constants used are declared here;
// they are part of libcurl's stable ABI.
#define _GNU_SOURCE
#include "CCurlHook.h"
#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void CURL;
typedef void CURLM;
struct doze_curl_blob { void *data; size_t len; unsigned int flags; };
enum {
    DOZE_CURL_BLOB_COPY = 1,
    DOZE_CURLOPT_SSL_VERIFYPEER = 64,
    DOZE_CURLOPT_SSL_VERIFYHOST = 81,
    DOZE_CURLOPT_URL = 10002,
    DOZE_CURLOPT_CAINFO = 10065,
    DOZE_CURLOPT_SSLCERTTYPE = 10086,
    DOZE_CURLOPT_SSLKEYTYPE = 10088,
    DOZE_CURLOPT_CAPATH = 10097,
    DOZE_CURLOPT_CONNECT_TO = 10243,
    DOZE_CURLOPT_SSLCERT_BLOB = 40291,
    DOZE_CURLOPT_SSLKEY_BLOB = 40292,
    DOZE_CURLOPT_CAINFO_BLOB = 40309,
    DOZE_CURLINFO_EFFECTIVE_URL = 0x100000 + 1,
};
typedef int (*multi_add_fn)(CURLM *, CURL *);
typedef int (*easy_setopt_fn)(CURL *, int, ...);
typedef int (*easy_getinfo_fn)(CURL *, int, ...);
typedef void *(*slist_append_fn)(void *, const char *);

struct material {
    struct material *next;
    char *origin;
    unsigned char *ca, *cert, *key;
    size_t ca_len, cert_len, key_len;
    int insecure;
    char *server_name;   // tls-server-name, or NULL
    char *port;          // the origin's port, for the rewritten URL
    void *connect_to;    // curl_slist "name:port:host:port"; never freed (curl does not copy it)
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct material *registry;
static atomic_long calls, applied;

int doze_curl_hook_version(void) { return 3; }
long doze_curl_hook_calls(void) { return atomic_load(&calls); }
long doze_curl_hook_applied(void) { return atomic_load(&applied); }

int doze_curl_origin(const char *url, char *out, size_t out_len) {
    if (!url) return -1;
    const char *sep = strstr(url, "://");
    if (!sep || sep == url) return -1;
    size_t scheme_len = (size_t)(sep - url);
    const char *auth = sep + 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = memchr(auth, '@', auth_len);
    if (at) { auth_len -= (size_t)(at + 1 - auth); auth = at + 1; }
    // Host ends at the port colon, except inside an IPv6 [literal].
    size_t host_len = auth_len;
    const char *port = NULL;
    const char *close = auth[0] == '[' ? memchr(auth, ']', auth_len) : NULL;
    const char *colon = memchr(close ? close : auth, ':', auth_len - (size_t)((close ? close : auth) - auth));
    if (colon) { host_len = (size_t)(colon - auth); port = colon + 1; }
    if (host_len == 0) return -1;
    char scheme[16];
    if (scheme_len >= sizeof scheme) return -1;
    for (size_t i = 0; i < scheme_len; i++) scheme[i] = (char)tolower((unsigned char)url[i]);
    scheme[scheme_len] = 0;
    const char *default_port = strcmp(scheme, "https") == 0 ? "443" : strcmp(scheme, "http") == 0 ? "80" : "0";
    size_t port_len = port ? auth_len - host_len - 1 : 0;
    if (port_len == 0) { port = default_port; port_len = strlen(default_port); }
    int n = snprintf(out, out_len, "%s://%.*s:%.*s", scheme, (int)host_len, auth, (int)port_len, port);
    if (n < 0 || (size_t)n >= out_len) return -1;
    for (char *p = out + scheme_len + 3; *p && *p != ':'; p++) *p = (char)tolower((unsigned char)*p);
    if (out[scheme_len + 3] == '[') // lowercase the whole IPv6 literal, colons included
        for (char *p = out + scheme_len + 3; *p && *p != ']'; p++) *p = (char)tolower((unsigned char)*p);
    return 0;
}

static unsigned char *copy_bytes(const unsigned char *p, size_t n) {
    if (!p || n == 0) return NULL;
    unsigned char *c = malloc(n);
    if (c) memcpy(c, p, n);
    return c;
}

static void free_material(struct material *m) {
    if (!m) return;
    // m->connect_to is not freed: easy handles added earlier may still point at it.
    free(m->origin); free(m->ca); free(m->cert); free(m->key); free(m->server_name); free(m->port); free(m);
}

// Unlinks and returns the entry for origin; caller holds the lock.
static struct material *take_locked(const char *origin) {
    for (struct material **pp = &registry; *pp; pp = &(*pp)->next) {
        if (strcmp((*pp)->origin, origin) == 0) {
            struct material *m = *pp;
            *pp = m->next;
            return m;
        }
    }
    return NULL;
}

// origin is "scheme://host:port"; builds the CONNECT_TO entry that sends server_name:port to host:port.
static int set_server_name(struct material *m, const char *origin, const char *server_name) {
    const char *host = strstr(origin, "://") + 3;
    const char *colon = strrchr(host, ':');
    slist_append_fn append = (slist_append_fn)dlsym(RTLD_DEFAULT, "curl_slist_append");
    if (!colon || !append) return -1;
    m->server_name = strdup(server_name);
    m->port = strdup(colon + 1);
    char entry[1024];
    int n = snprintf(entry, sizeof entry, "%s:%s:%.*s:%s", server_name, colon + 1, (int)(colon - host), host, colon + 1);
    if (!m->server_name || !m->port || n < 0 || (size_t)n >= sizeof entry) return -1;
    m->connect_to = append(NULL, entry);
    return m->connect_to ? 0 : -1;
}

int doze_curl_hook_register(const char *url, const unsigned char *ca, size_t ca_len,
                            const unsigned char *cert, size_t cert_len,
                            const unsigned char *key, size_t key_len, int insecure, const char *server_name) {
    char origin[512];
    if (doze_curl_origin(url, origin, sizeof origin) != 0) return -1;
    struct material *m = calloc(1, sizeof *m);
    if (!m) return -1;
    if (server_name && *server_name && set_server_name(m, origin, server_name) != 0) {
        free_material(m);
        return -1;
    }
    m->origin = strdup(origin);
    m->ca = copy_bytes(ca, ca_len); m->ca_len = m->ca ? ca_len : 0;
    m->cert = copy_bytes(cert, cert_len); m->cert_len = m->cert ? cert_len : 0;
    m->key = copy_bytes(key, key_len); m->key_len = m->key ? key_len : 0;
    m->insecure = insecure;
    if (!m->origin || (ca_len && !m->ca) || (cert_len && !m->cert) || (key_len && !m->key)) {
        free_material(m);
        return -1;
    }
    pthread_mutex_lock(&lock);
    struct material *old = take_locked(origin);
    m->next = registry;
    registry = m;
    pthread_mutex_unlock(&lock);
    free_material(old);
    return 0;
}

int doze_curl_hook_unregister(const char *url) {
    char origin[512];
    if (doze_curl_origin(url, origin, sizeof origin) != 0) return 0;
    pthread_mutex_lock(&lock);
    struct material *old = take_locked(origin);
    pthread_mutex_unlock(&lock);
    free_material(old);
    return old != NULL;
}

static multi_add_fn real_multi_add(void) {
    static _Atomic(multi_add_fn) fn;
    multi_add_fn f = atomic_load(&fn);
    if (!f) { f = (multi_add_fn)dlsym(RTLD_NEXT, "curl_multi_add_handle"); atomic_store(&fn, f); }
    return f;
}

int doze_curl_hook_interposes(void) {
    void *first = dlsym(RTLD_DEFAULT, "curl_multi_add_handle");
    return first != NULL && first != (void *)real_multi_add();
}

static void set_blob(easy_setopt_fn setopt, CURL *easy, int option, unsigned char *data, size_t len) {
    struct doze_curl_blob blob = { data, len, DOZE_CURL_BLOB_COPY };
    setopt(easy, option, &blob);
}

// tls-server-name: the URL names the server by that name (so libcurl sends it in SNI and checks
// it in the certificate) and CONNECT_TO sends the connection to the real host.
static void apply_server_name(CURL *easy, const struct material *m, const char *url, easy_setopt_fn setopt) {
    const char *sep = strstr(url, "://");
    if (!sep) return;
    const char *authority = sep + 3;
    const char *rest = authority + strcspn(authority, "/?#");
    size_t len = (size_t)(sep - url) + 3 + strlen(m->server_name) + 1 + strlen(m->port) + strlen(rest) + 1;
    char *rewritten = malloc(len);
    if (!rewritten) return;
    snprintf(rewritten, len, "%.*s://%s:%s%s", (int)(sep - url), url, m->server_name, m->port, rest);
    setopt(easy, DOZE_CURLOPT_URL, rewritten);  // libcurl copies strings
    free(rewritten);
    setopt(easy, DOZE_CURLOPT_CONNECT_TO, m->connect_to);
}

// Gives the easy handle the material registered for its URL's origin; caller holds the lock.
static void apply_locked(CURL *easy, const struct material *m, const char *url, easy_setopt_fn setopt) {
    if (m->server_name) apply_server_name(easy, m, url, setopt);
    if (m->ca) {
        // Trust this CA alone, as kubectl does: drop the default bundle and directory.
        setopt(easy, DOZE_CURLOPT_CAINFO, (char *)NULL);
        setopt(easy, DOZE_CURLOPT_CAPATH, (char *)NULL);
        set_blob(setopt, easy, DOZE_CURLOPT_CAINFO_BLOB, m->ca, m->ca_len);
    }
    if (m->cert && m->key) {
        setopt(easy, DOZE_CURLOPT_SSLCERTTYPE, "PEM");
        set_blob(setopt, easy, DOZE_CURLOPT_SSLCERT_BLOB, m->cert, m->cert_len);
        setopt(easy, DOZE_CURLOPT_SSLKEYTYPE, "PEM");
        set_blob(setopt, easy, DOZE_CURLOPT_SSLKEY_BLOB, m->key, m->key_len);
    }
    if (m->insecure) {
        setopt(easy, DOZE_CURLOPT_SSL_VERIFYPEER, 0L);
        setopt(easy, DOZE_CURLOPT_SSL_VERIFYHOST, 0L);
    }
}

static void configure(CURL *easy) {
    static _Atomic(easy_setopt_fn) setopt_fn;
    static _Atomic(easy_getinfo_fn) getinfo_fn;
    easy_setopt_fn setopt = atomic_load(&setopt_fn);
    easy_getinfo_fn getinfo = atomic_load(&getinfo_fn);
    if (!setopt || !getinfo) {
        setopt = (easy_setopt_fn)dlsym(RTLD_DEFAULT, "curl_easy_setopt");
        getinfo = (easy_getinfo_fn)dlsym(RTLD_DEFAULT, "curl_easy_getinfo");
        atomic_store(&setopt_fn, setopt);
        atomic_store(&getinfo_fn, getinfo);
    }
    if (!setopt || !getinfo) return;
    // Before the transfer starts, the effective URL is the one set with CURLOPT_URL.
    char *url = NULL;
    if (getinfo(easy, DOZE_CURLINFO_EFFECTIVE_URL, &url) != 0 || !url) return;
    char origin[512];
    if (doze_curl_origin(url, origin, sizeof origin) != 0) return;
    pthread_mutex_lock(&lock);
    for (struct material *m = registry; m; m = m->next) {
        if (strcmp(m->origin, origin) == 0) {
            apply_locked(easy, m, url, setopt);
            atomic_fetch_add(&applied, 1);
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}

int curl_multi_add_handle(CURLM *multi, CURL *easy) {
    atomic_fetch_add(&calls, 1);
    if (easy) configure(easy);
    multi_add_fn real = real_multi_add();
    if (!real) return 4; /* CURLM_INTERNAL_ERROR: libcurl is not loaded, which cannot happen here */
    return real(multi, easy);
}
