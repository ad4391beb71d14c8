#ifndef CANARY_CMALLOC_SHIM_H
#define CANARY_CMALLOC_SHIM_H

// glibc's malloc tuning (mallopt, malloc_trim), which Swift's Glibc module leaves out.
#include <malloc.h>

#endif
