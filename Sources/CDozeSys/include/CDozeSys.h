#ifndef CDOZESYS_H
#define CDOZESYS_H
// Thin wrappers over Linux calls that Swift's Glibc module does not expose (or exposes awkwardly:
// `struct epoll_event` is packed on x86_64, and variadic or macro-based APIs do not import).
// Every function returns -errno on failure so Swift never has to read the thread-local errno.
#include <stdint.h>
#include <stddef.h>

int doze_sys_version(void);

/// One readiness event: the epoll mask and the 64-bit token given to doze_epoll_ctl.
typedef struct { uint32_t events; uint64_t token; } doze_event;

enum {
    DOZE_EPOLLIN = 0x001, DOZE_EPOLLOUT = 0x004, DOZE_EPOLLERR = 0x008,
    DOZE_EPOLLHUP = 0x010, DOZE_EPOLLRDHUP = 0x2000,
    DOZE_CTL_ADD = 1, DOZE_CTL_DEL = 2, DOZE_CTL_MOD = 3,
};

int doze_epoll_create(void);
int doze_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);
/// Waits up to timeout_ms (-1 forever) and fills at most max events; EINTR yields 0.
int doze_epoll_wait(int epfd, doze_event *out, int max, int timeout_ms);

int doze_eventfd(void);
int doze_eventfd_signal(int fd);
int doze_eventfd_drain(int fd);

/// A non-blocking, close-on-exec TCP listener on host:port (IPv4 or IPv6 literal), optionally
/// with SO_REUSEPORT so each event loop can own one listener on the same port.
int doze_listen(const char *host, int port, int reuseport, int backlog);
/// accept4 with SOCK_NONBLOCK|SOCK_CLOEXEC and TCP_NODELAY; writes "ip:port" of the peer into addr.
int doze_accept(int fd, char *addr, size_t addrlen);
/// Starts a non-blocking connect; returns the fd (the connect may still be in progress).
int doze_connect(const char *host, int port);
/// Resolves a host name to a numeric address string (blocking getaddrinfo; call off the loop).
int doze_resolve(const char *host, char *out, size_t outlen);
/// 1 when host is an IPv4 or IPv6 literal.
int doze_is_ip_literal(const char *host);
/// Pending socket error (SO_ERROR) as -errno, or 0.
int doze_socket_error(int fd);
/// The local port a socket is bound to.
int doze_local_port(int fd);

/// read/send that return -errno; send never raises SIGPIPE.
long doze_read(int fd, void *buf, size_t len);
long doze_send(int fd, const void *buf, size_t len);
int doze_shutdown_write(int fd);
int doze_close(int fd);

/// CLOCK_MONOTONIC in nanoseconds.
int64_t doze_now_ns(void);
#endif
