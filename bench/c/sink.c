// The benchmarks' receiver: accepts any number of TCP connections on 127.0.0.1:PORT and reads and
// discards everything with epoll, so that it never limits the sender it measures; a UDP socket on the
// same port drains datagrams (recvmmsg, 64 at a time), so that connected UDP senders have a peer and
// every datagram takes the whole path to a socket. It raises its open-file limit (fdlimit.h) to accept
// 100,000 connections.
// usage: sink PORT [READY_FILE]   (writes its port to READY_FILE once listening; PORT 0 picks one)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "fdlimit.h"

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: sink PORT [READY_FILE]\n"); return 64; }
    raise_fd_limit();
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 4096)) {
        perror("sink: bind/listen");
        return 69;
    }
    socklen_t length = sizeof address;
    getsockname(listener, (struct sockaddr *)&address, &length);
    int datagrams = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int size = 8 << 20;
    setsockopt(datagrams, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (bind(datagrams, (struct sockaddr *)&address, sizeof address)) {
        perror("sink: bind (UDP)");
        return 69;
    }
    if (argc > 2) {
        FILE *ready = fopen(argv[2], "w");
        fprintf(ready, "%d\n", ntohs(address.sin_port));
        fclose(ready);
    }
    int poller = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
    struct epoll_event udp = {.events = EPOLLIN, .data.fd = datagrams};
    epoll_ctl(poller, EPOLL_CTL_ADD, datagrams, &udp);
    static char buffer[1 << 20];
    static char slots[64][65536];
    static struct iovec vectors[64];
    static struct mmsghdr messages[64];
    for (int i = 0; i < 64; i++) {
        vectors[i] = (struct iovec){.iov_base = slots[i], .iov_len = sizeof slots[i]};
        messages[i].msg_hdr = (struct msghdr){.msg_iov = &vectors[i], .msg_iovlen = 1};
    }
    struct epoll_event events[256];
    for (;;) {
        int count = epoll_wait(poller, events, 256, -1);
        for (int i = 0; i < count; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                int client;
                while ((client = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    struct epoll_event added = {.events = EPOLLIN, .data.fd = client};
                    epoll_ctl(poller, EPOLL_CTL_ADD, client, &added);
                }
                continue;
            }
            if (fd == datagrams) {
                while (recvmmsg(datagrams, messages, 64, MSG_DONTWAIT, NULL) > 0) {}
                continue;
            }
            for (;;) {
                ssize_t n = read(fd, buffer, sizeof buffer);
                if (n > 0) continue;
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
                close(fd);
                break;
            }
        }
    }
}
