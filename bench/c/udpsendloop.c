// The baseline of the datagram rows: one send of SIZE bytes per datagram on a connected UDP socket to
// 127.0.0.1:PORT, blocking, counted at the sender (see bench/run.py for why).
// usage: udpsendloop PORT SIZE COUNT
// prints: calls=N bytes=N seconds=S errors=N   (errors: sends the kernel refused, such as ENOBUFS)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: udpsendloop PORT SIZE COUNT\n"); return 64; }
    int port = atoi(argv[1]), size = atoi(argv[2]);
    long count = atol(argv[3]);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address)) { perror("udpsendloop: connect"); return 69; }
    char *data = malloc((size_t)size + 1);
    memset(data, 'x', (size_t)size + 1);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long long total = 0, errors = 0;
    for (long call = 0; call < count; call++) {
        ssize_t sent = send(fd, data, (size_t)size, MSG_NOSIGNAL);
        if (sent < 0) errors++; else total += sent;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("calls=%ld bytes=%lld seconds=%.6f errors=%lld\n", count, total, seconds, errors);
    close(fd);
    return 0;
}
