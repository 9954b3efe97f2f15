// The baseline the benchmarks compare wsasend against: the plainest C program that does the same work,
// one blocking sendmsg of BUFFERS iovecs of SIZE bytes per call, on one connection to 127.0.0.1:PORT.
// With "send" after COUNT (one buffer only) each call is one send() instead: the system call wsasend
// makes for a one-buffer WSASend, which the kernel serves more cheaply than a sendmsg.
// usage: sendloop PORT BUFFERS SIZE COUNT [send]
// prints: calls=N bytes=N seconds=S
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: sendloop PORT BUFFERS SIZE COUNT [send]\n"); return 64; }
    int port = atoi(argv[1]), buffers = atoi(argv[2]), size = atoi(argv[3]);
    long count = atol(argv[4]);
    int use_send = argc > 5 && strcmp(argv[5], "send") == 0;
    if (use_send && buffers != 1) { fprintf(stderr, "sendloop: send takes one buffer\n"); return 64; }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address)) { perror("sendloop: connect"); return 69; }
    char *data = malloc((size_t)buffers * size);
    memset(data, 'x', (size_t)buffers * size);
    struct iovec iov[1024];
    for (int i = 0; i < buffers; i++) { iov[i].iov_base = data + (size_t)i * size; iov[i].iov_len = size; }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long long total = 0;
    for (long call = 0; call < count; call++) {
        struct msghdr message = {.msg_iov = iov, .msg_iovlen = buffers};
        ssize_t sent = use_send ? send(fd, data, size, MSG_NOSIGNAL) : sendmsg(fd, &message, MSG_NOSIGNAL);
        if (sent < 0) { perror("sendloop: send"); return 1; }
        total += sent;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("calls=%ld bytes=%lld seconds=%.6f\n", count, total, seconds);
    close(fd);
    return 0;
}
