// The baseline of the cost table's connection rows: CONNECTIONS blocking connections to 127.0.0.1:PORT
// (bound to the SOURCE addresses in turn, if any), then CALLS sends of SIZE bytes, one send() each, taken
// in turn over the connections. It shows what the kernel alone makes of spreading the same calls over
// more sockets (more socket state than the caches hold), so that wsasend's own growth can be told apart.
// usage: roundrobin PORT CONNECTIONS CALLS SIZE [SOURCE[,SOURCE...]]
// prints: calls=N seconds=S
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "fdlimit.h"

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: roundrobin PORT CONNECTIONS CALLS SIZE [SOURCE[,SOURCE...]]\n"); return 64; }
    raise_fd_limit();
    int port = atoi(argv[1]);
    long connections = atol(argv[2]), calls = atol(argv[3]);
    int size = atoi(argv[4]);
    if (connections < 1 || size < 1 || size > 65536) { fprintf(stderr, "roundrobin: bad arguments\n"); return 64; }
    struct sockaddr_in sources[256];
    int nsources = 0;
    if (argc > 5) {
        for (char *item = strtok(argv[5], ","); item && nsources < 256; item = strtok(NULL, ",")) {
            sources[nsources] = (struct sockaddr_in){.sin_family = AF_INET};
            if (inet_pton(AF_INET, item, &sources[nsources].sin_addr) != 1) {
                fprintf(stderr, "roundrobin: '%s' is not an IPv4 address\n", item);
                return 64;
            }
            nsources++;
        }
    }
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int *fds = malloc(sizeof(int) * (size_t)connections);
    for (long i = 0; i < connections; i++) {
        fds[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (fds[i] < 0) { perror("roundrobin: socket"); return 1; }
        if (nsources && bind(fds[i], (struct sockaddr *)&sources[i % nsources], sizeof sources[0])) {
            perror("roundrobin: bind");
            return 1;
        }
        if (connect(fds[i], (struct sockaddr *)&address, sizeof address)) { perror("roundrobin: connect"); return 69; }
    }
    char *data = malloc((size_t)size);
    memset(data, 'x', (size_t)size);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long next = 0;
    for (long call = 0; call < calls; call++) {
        if (send(fds[next], data, (size_t)size, MSG_NOSIGNAL) < 0) { perror("roundrobin: send"); return 1; }
        if (++next == connections) next = 0;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("calls=%ld seconds=%.6f\n", calls, seconds);
    for (long i = 0; i < connections; i++) close(fds[i]);
    return 0;
}
