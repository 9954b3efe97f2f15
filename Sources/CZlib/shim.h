// zlib (Debian's zlib1g-dev), for HdrHistogram's compressed encoding: deflate and inflate of one buffer.
#include <zlib.h>
