#include "CCurlHook.h"
int doze_curl_hook_version(void) { return 1; }
