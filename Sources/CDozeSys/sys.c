#include "CDozeSys.h"
int doze_sys_version(void) { return 1; }
