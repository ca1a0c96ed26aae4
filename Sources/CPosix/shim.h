#ifndef SHOP_CPOSIX_SHIM_H
#define SHOP_CPOSIX_SHIM_H
// Declarations Glibc's Swift overlay does not import. Never define _GNU_SOURCE here (breaks fd_set).
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <time.h>

extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#ifndef SOCK_NONBLOCK
#define SOCK_NONBLOCK 04000
#endif
#ifndef SOCK_CLOEXEC
#define SOCK_CLOEXEC 02000000
#endif
static const int shop_sock_nonblock = SOCK_NONBLOCK;
static const int shop_sock_cloexec = SOCK_CLOEXEC;
static const unsigned int shop_epollin = EPOLLIN;
static const unsigned int shop_epollout = EPOLLOUT;
static const unsigned int shop_epollerr = EPOLLERR;
static const unsigned int shop_epollhup = EPOLLHUP;
static const unsigned int shop_epollrdhup = EPOLLRDHUP;
static const unsigned int shop_epollet = EPOLLET;
#ifndef EPOLLEXCLUSIVE
#define EPOLLEXCLUSIVE (1u << 28)
#endif
/// Linux ≥ 4.5: of the epoll sets watching one fd with this flag, an event wakes one waiting set.
static const unsigned int shop_epollexclusive = EPOLLEXCLUSIVE;
static const int shop_efd_nonblock = EFD_NONBLOCK;
static const int shop_efd_cloexec = EFD_CLOEXEC;
static const int shop_epoll_cloexec = EPOLL_CLOEXEC;

/// Reads the fd stored in an epoll event (the struct is packed on x86_64; avoid Swift layout surprises).
static inline unsigned long long shop_epoll_event_u64(const struct epoll_event *e) { return e->data.u64; }
static inline unsigned int shop_epoll_event_events(const struct epoll_event *e) { return e->events; }
static inline int shop_epoll_ctl_u64(int epfd, int op, int fd, unsigned int events, unsigned long long token) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &ev);
}
static inline unsigned long shop_epoll_event_size(void) { return sizeof(struct epoll_event); }
#endif
