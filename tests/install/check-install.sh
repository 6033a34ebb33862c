#!/usr/bin/env bash
# Installs the library into a scratch prefix, then builds and runs a program
# against it using nothing but `pkg-config --cflags --libs usctp`.
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib64/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig"
flags=$(pkg-config --cflags --libs usctp)
echo "pkg-config --cflags --libs usctp: $flags"
cat > "$prefix/main.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <usctp.h>
int main(void) { printf("usctp %s\n", usctp_version()); return strcmp(usctp_version(), "0.0.0") == 0; }
C
# A sanitizer build's library needs the sanitizer runtime in the program too.
san=""
grep -q "^USCTP_SANITIZE:BOOL=ON" "$build/CMakeCache.txt" && san="-fsanitize=address,undefined"
grep -q "^USCTP_TSAN:BOOL=ON" "$build/CMakeCache.txt" && san="-fsanitize=thread"
cc $san "$prefix/main.c" $flags -o "$prefix/main"
libdir=$(pkg-config --variable=libdir usctp)
LD_LIBRARY_PATH="$libdir" "$prefix/main"
test -f "$prefix/include/usctp.h"
ls "$libdir"/libusctp.a "$libdir"/libusctp.so >/dev/null
