// Raises RLIMIT_NOFILE for the programs that hold many connections: the soft limit to the hard one, and
// as root the hard one too, up to the kernel's ceiling (/proc/sys/fs/nr_open).
#include <stdio.h>
#include <sys/resource.h>

static void raise_fd_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit)) return;
    unsigned long ceiling = 0;
    FILE *file = fopen("/proc/sys/fs/nr_open", "r");
    if (file) {
        if (fscanf(file, "%lu", &ceiling) != 1) ceiling = 0;
        fclose(file);
    }
    if (ceiling > limit.rlim_max) {
        struct rlimit raised = {.rlim_cur = ceiling, .rlim_max = ceiling};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) return;
    }
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
}
