// The baseline of the non-blocking rows: one sendmsg of BUFFERS iovecs of SIZE bytes per call on a
// non-blocking TCP socket to 127.0.0.1:PORT; on EAGAIN it waits in poll for POLLOUT and tries again,
// as wsasend --mode nonblocking does with WSAPoll.
// usage: nbsendloop PORT BUFFERS SIZE COUNT
// prints: calls=N bytes=N seconds=S eagain=N   (calls counts the sends that took data)
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
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: nbsendloop PORT BUFFERS SIZE COUNT\n"); return 64; }
    int port = atoi(argv[1]), buffers = atoi(argv[2]), size = atoi(argv[3]);
    long count = atol(argv[4]);
    if (buffers < 1 || buffers > 1024) { fprintf(stderr, "nbsendloop: BUFFERS is 1 to 1024\n"); return 64; }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&address, sizeof address)) { perror("nbsendloop: connect"); return 69; }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    char *data = malloc((size_t)buffers * size);
    memset(data, 'x', (size_t)buffers * size);
    struct iovec iov[1024];
    for (int i = 0; i < buffers; i++) { iov[i].iov_base = data + (size_t)i * size; iov[i].iov_len = size; }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long long total = 0, eagain = 0;
    for (long call = 0; call < count;) {
        struct msghdr message = {.msg_iov = iov, .msg_iovlen = buffers};
        ssize_t sent = sendmsg(fd, &message, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno != EAGAIN) { perror("nbsendloop: sendmsg"); return 1; }
            eagain++;
            struct pollfd writable = {.fd = fd, .events = POLLOUT};
            poll(&writable, 1, -1);
            continue;
        }
        total += sent;
        call++;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("calls=%ld bytes=%lld seconds=%.6f eagain=%lld\n", count, total, seconds, eagain);
    close(fd);
    return 0;
}
