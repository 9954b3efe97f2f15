// Linux's epoll, which Swift's Glibc module leaves out: the TCP sink watches its connections with it.
#include <sys/epoll.h>
