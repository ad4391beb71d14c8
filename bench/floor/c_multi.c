/* The throughput floor of libcurl itself: N GETs of URL?i=K through one multi handle, at
 * most C in flight, each on a fresh connection (as canary's probes are), bodies dropped.
 * What any program driving libcurl must at least spend.
 *
 *   c_multi URL N C
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>

static size_t drop(char *data, size_t size, size_t count, void *user) {
    (void)data;
    (void)user;
    return size * count;
}

static void add(CURLM *multi, const char *base, int index) {
    char url[2048];
    snprintf(url, sizeof url, "%s?i=%d", base, index);
    CURL *easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, drop);
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
    curl_multi_add_handle(multi, easy);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: c_multi URL N C\n");
        return 2;
    }
    const char *base = argv[1];
    int total = atoi(argv[2]), concurrency = atoi(argv[3]);
    curl_global_init(CURL_GLOBAL_ALL);
    CURLM *multi = curl_multi_init();
    int started = 0, done = 0, failed = 0, running = 0;
    while (started < total && started < concurrency) add(multi, base, started++);
    while (done < total) {
        curl_multi_perform(multi, &running);
        CURLMsg *message;
        int left;
        while ((message = curl_multi_info_read(multi, &left))) {
            if (message->msg != CURLMSG_DONE) continue;
            long status = 0;
            curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            if (message->data.result != CURLE_OK || status != 200) failed++;
            curl_multi_remove_handle(multi, message->easy_handle);
            curl_easy_cleanup(message->easy_handle);
            done++;
            if (started < total) add(multi, base, started++);
        }
        if (done < total) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    printf("%d done, %d failed\n", done, failed);
    return failed > 0;
}
