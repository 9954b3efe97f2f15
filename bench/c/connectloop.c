// The baseline of the connection set-up row: COUNT connections to 127.0.0.1:PORT made one after another
// as wsasend's connector makes them (socket, bind to the next source address if any, non-blocking
// connect, poll for POLLOUT, SO_ERROR, back to blocking), all kept open until the end.
// usage: connectloop PORT COUNT [SOURCE[,SOURCE...]]
// prints: connections=N seconds=S
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "fdlimit.h"

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: connectloop PORT COUNT [SOURCE[,SOURCE...]]\n"); return 64; }
    raise_fd_limit();
    int port = atoi(argv[1]);
    long count = atol(argv[2]);
    struct sockaddr_in sources[256];
    int nsources = 0;
    if (argc > 3) {
        for (char *item = strtok(argv[3], ","); item && nsources < 256; item = strtok(NULL, ",")) {
            sources[nsources] = (struct sockaddr_in){.sin_family = AF_INET};
            if (inet_pton(AF_INET, item, &sources[nsources].sin_addr) != 1) {
                fprintf(stderr, "connectloop: '%s' is not an IPv4 address\n", item);
                return 64;
            }
            nsources++;
        }
    }
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int *fds = malloc(sizeof(int) * (size_t)count);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) { perror("connectloop: socket"); return 1; }
        if (nsources && bind(fd, (struct sockaddr *)&sources[i % nsources], sizeof sources[0])) {
            perror("connectloop: bind");
            return 1;
        }
        int flags = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        if (connect(fd, (struct sockaddr *)&address, sizeof address) && errno != EINPROGRESS) {
            perror("connectloop: connect");
            return 69;
        }
        struct pollfd writable = {.fd = fd, .events = POLLOUT};
        poll(&writable, 1, -1);
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error) { fprintf(stderr, "connectloop: connect: %s\n", strerror(error)); return 69; }
        fcntl(fd, F_SETFL, flags);
        fds[i] = fd;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("connections=%ld seconds=%.6f\n", count, seconds);
    for (long i = 0; i < count; i++) close(fds[i]);
    return 0;
}
