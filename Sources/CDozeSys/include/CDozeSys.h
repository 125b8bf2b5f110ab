#ifndef CDOZESYS_H
#define CDOZESYS_H
// Thin wrappers over Linux calls that Swift's Glibc module does not expose.
int doze_sys_version(void);
#endif
