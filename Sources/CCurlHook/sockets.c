// Works around a busy loop in URLSession on Linux (swift-corelibs-foundation's _MultiHandle).
//
// libcurl tells its user, through CURLMOPT_SOCKETFUNCTION, which readiness it waits for on each
// socket: IN, OUT, INOUT or REMOVE. Foundation turns each answer into libdispatch read/write
// sources, but it only ever *adds* sources: when curl narrows its interest from OUT (connecting,
// sending the request) to IN (waiting for the response), the write source stays. A socket is
// always writable, so that source fires for as long as the transfer lives, and every firing runs
// curl_multi_socket_action, which finds nothing to do. For an ordinary request that lasts
// milliseconds; for a watch that idles for minutes it is a core spinning at 100% (seen: an idle
// `doze controller` with five watches, one of them caught in this path, epoll_ctl MOD ~9,000/s).
//
// The fix sits between curl and Foundation's callback: when curl drops an interest it had on a
// socket, Foundation is first told REMOVE (it cancels both sources and forgets them) and then the
// new interest with no stored sources (it creates just the ones now wanted and stores them with
// curl_multi_assign, as for a new socket). Both are paths Foundation already handles, since curl
// itself sends REMOVE and a fresh registration back to back.
#define _GNU_SOURCE
#include "CCurlHook.h"
#include <dlfcn.h>
#include <stdarg.h>
#include <stdatomic.h>

typedef void CURLM;
typedef void CURL;
typedef int (*socket_fn)(CURL *easy, int s, int what, void *userp, void *socketp);
typedef int (*multi_setopt_fn)(CURLM *, int, ...);

enum {
    POLL_NONE = 0, POLL_IN = 1, POLL_OUT = 2, POLL_INOUT = 3, POLL_REMOVE = 4,
    CURLMOPT_SOCKETFUNCTION = 20001,
    TRACKED_SOCKETS = 65536,
};

static _Atomic(socket_fn) foundation_callback;
static _Atomic unsigned char interest[TRACKED_SOCKETS];   // what curl last asked for, per fd
static atomic_long narrowed;

long doze_curl_hook_narrowed(void) { return atomic_load(&narrowed); }

static int socket_callback(CURL *easy, int s, int what, void *userp, void *socketp) {
    socket_fn real = atomic_load(&foundation_callback);
    if (s < 0 || s >= TRACKED_SOCKETS || what < POLL_NONE || what > POLL_REMOVE)
        return real(easy, s, what, userp, socketp);
    unsigned char before = atomic_exchange(&interest[s], (unsigned char)(what == POLL_REMOVE ? 0 : what));
    // NONE keeps curl's stored pointer, so it cannot be re-registered here; pass it on as is.
    int dropped = (before & ~what & POLL_INOUT) != 0 && what != POLL_REMOVE && what != POLL_NONE;
    if (!dropped) return real(easy, s, what, userp, socketp);
    atomic_fetch_add(&narrowed, 1);
    real(easy, s, POLL_REMOVE, userp, socketp);
    return real(easy, s, what, userp, NULL);
}

static multi_setopt_fn real_multi_setopt(void) {
    static _Atomic(multi_setopt_fn) fn;
    multi_setopt_fn f = atomic_load(&fn);
    if (!f) { f = (multi_setopt_fn)dlsym(RTLD_NEXT, "curl_multi_setopt"); atomic_store(&fn, f); }
    return f;
}

int doze_curl_socket_hook_interposes(void) {
    void *first = dlsym(RTLD_DEFAULT, "curl_multi_setopt");
    return first != NULL && first != (void *)real_multi_setopt();
}

// Every CURLMoption takes one argument that is a long, a pointer or a function pointer, all passed
// the same way on the ABIs Swift supports on Linux (x86_64, arm64), so it is forwarded as a pointer.
int curl_multi_setopt(CURLM *multi, int option, ...) {
    va_list ap;
    va_start(ap, option);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    multi_setopt_fn real = real_multi_setopt();
    if (!real) return 4; /* CURLM_INTERNAL_ERROR: libcurl is not loaded, which cannot happen here */
    if (option == CURLMOPT_SOCKETFUNCTION && arg) {
        socket_fn given = (socket_fn)arg;
        socket_fn expected = NULL;
        // Foundation passes one static function for every session; anything else goes through untouched.
        if (atomic_compare_exchange_strong(&foundation_callback, &expected, given) || expected == given)
            return real(multi, option, (void *)socket_callback);
    }
    return real(multi, option, arg);
}
