#define _GNU_SOURCE
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CWinsock.h"

__thread int32_t cwinsock_last_error __attribute__((tls_model("initial-exec")));
__thread void *cwinsock_thread_context __attribute__((tls_model("initial-exec")));

int cwinsock_accept4(int fd, struct sockaddr *address, unsigned int *length, int flags) {
    return accept4(fd, address, (socklen_t *)length, flags);
}

static pthread_mutex_t cwinsock_engine_start = PTHREAD_MUTEX_INITIALIZER;
void cwinsock_engine_start_lock(void) { pthread_mutex_lock(&cwinsock_engine_start); }
void cwinsock_engine_start_unlock(void) { pthread_mutex_unlock(&cwinsock_engine_start); }
void cwinsock_name_this_thread(const char *name) { pthread_setname_np(pthread_self(), name); }

int cwinsock_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }
