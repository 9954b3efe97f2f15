#define _GNU_SOURCE
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CWinsock.h"

// initial-exec: the library is linked into the executable's startup set, so the thread-locals are
// reached with one load instead of a __tls_get_addr call.
static __thread int32_t last_error __attribute__((tls_model("initial-exec")));
static __thread void *thread_context __attribute__((tls_model("initial-exec")));

int32_t cwinsock_get_last_error(void) { return last_error; }
void cwinsock_set_last_error(int32_t code) { last_error = code; }
void *cwinsock_get_thread_context(void) { return thread_context; }
void cwinsock_set_thread_context(void *context) { thread_context = context; }

int cwinsock_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags) {
    return accept4(fd, address, (socklen_t *)length, flags);
}

int cwinsock_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

long cwinsock_sendmsg(int fd, const struct msghdr *message, int flags) {
    return syscall(SYS_sendmsg, fd, message, flags);
}
