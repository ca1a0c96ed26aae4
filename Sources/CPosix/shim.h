#ifndef SHOP_CPOSIX_SHIM_H
#define SHOP_CPOSIX_SHIM_H
// Declarations Glibc's Swift overlay does not import. Never define _GNU_SOURCE here (breaks fd_set).
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>

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
#endif
