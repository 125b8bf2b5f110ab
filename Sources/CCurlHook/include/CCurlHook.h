#ifndef CCURLHOOK_H
#define CCURLHOOK_H
int doze_curl_hook_version(void);
#endif
