/* The start-up floor of libcurl itself: a C program linked with libcurl that does nothing
 * (the dynamic loader maps libcurl and its ~30 libraries, as for curl(1)). */
#include <curl/curl.h>

int main(int argc, char **argv) {
    (void)argv;
    if (argc > 9) curl_global_init(CURL_GLOBAL_ALL);
    return 0;
}
