#!/bin/sh
# handler/static-build.sh: the drop-in package's static yespo-hook for one
# architecture, linked against musl and against libfcgi, libconfig, cJSON,
# libxlsxwriter and zlib built from their Debian source packages (see
# handler/package.cmake, which runs it).
#
#     static-build.sh ARCH WORK OUT VERSION SOURCE.c...
#
# ARCH is x86_64 (the host's musl-gcc, from musl-tools) or aarch64
# (aarch64-linux-gnu-gcc with Debian's musl-dev:arm64, unpacked into WORK:
# nothing is installed on the system).  The sources and libraries are kept
# under WORK and reused: only the first build needs the network (a private
# apt sources list with deb-src lines, so the system's apt setup is left
# alone) and takes about a minute; later builds compile just yespo-hook.
#
# musl rather than a static glibc: musl never loads NSS modules (a static
# glibc binary would dlopen the host's, of another glibc version, for any
# user or host lookup), and the binary is a fifth of the size.  libfcgi's
# only name lookup (gethostbyname in OS_CreateLocalIpcFd) runs only when
# it opens its own TCP socket, which yespo-hook never asks for: it takes
# requests on fd 0 from the web server.
set -eu

[ $# -ge 5 ] || { echo "usage: $0 ARCH WORK OUT VERSION SOURCE.c..." >&2; exit 2; }
ARCH=$1 WORK=$2 OUT=$3 VERSION=$4
shift 4
LIBS="libfcgi libconfig cjson libxlsxwriter zlib"
# A cache made for another set of libraries is made anew.
MARK=built.$(echo $LIBS | tr ' ' '+')

die() { echo "static-build.sh: $*" >&2; exit 1; }

# Private apt state: deb-src lines for the sources, deb lines (with arm64)
# for musl-dev:arm64.  Same release as the host, so the same versions as
# its -dev packages.
apt_private() {
	A=$WORK/apt
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "cannot tell the Debian release from /etc/os-release"
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	cat >"$A/sources.list" <<EOF
deb [arch=amd64,arm64] http://deb.debian.org/debian $codename main
deb-src http://deb.debian.org/debian $codename main
deb [arch=amd64,arm64] http://deb.debian.org/debian $codename-updates main
deb-src http://deb.debian.org/debian $codename-updates main
deb [arch=amd64,arm64] http://deb.debian.org/debian-security $codename-security main
deb-src http://deb.debian.org/debian-security $codename-security main
EOF
	set -- -o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache" \
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64 \
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root
	[ -f "$A/updated" ] || { apt-get "$@" update >&2 && touch "$A/updated"; } ||
		die "apt-get update failed (the first build needs deb.debian.org)"
	APT_OPTS=$*
}

# The Debian source packages, unpacked with their patches applied.
fetch_sources() {
	[ -f "$WORK/src/$MARK" ] && return 0
	apt_private
	rm -rf "$WORK/src" && mkdir -p "$WORK/src"
	# shellcheck disable=SC2086 # APT_OPTS is a list of words without spaces
	(cd "$WORK/src" && apt-get $APT_OPTS source --download-only $LIBS >&2) ||
		die "apt-get source $LIBS failed"
	for lib in $LIBS; do
		dsc=$(ls "$WORK/src/${lib}"_*.dsc) || die "no $lib .dsc"
		(cd "$WORK/src" && dpkg-source -x "$dsc" "$lib" >&2) || die "dpkg-source -x $dsc failed"
	done
	touch "$WORK/src/$MARK"
}

# Debian's musl for arm64: libc.a, crt files and headers, plus a gcc specs
# file pointing at where they were unpacked.
fetch_musl_arm64() {
	M=$WORK/musl-aarch64
	[ -f "$M/musl-gcc.specs" ] && return 0
	apt_private
	rm -rf "$M" && mkdir -p "$M/debs"
	# shellcheck disable=SC2086
	(cd "$M/debs" && apt-get $APT_OPTS download musl-dev:arm64 musl:arm64 >&2) ||
		die "apt-get download musl-dev:arm64 failed"
	for deb in "$M"/debs/*.deb; do dpkg-deb -x "$deb" "$M/root"; done
	sed "s|/usr/|$M/root/usr/|g" "$M/root/usr/lib/aarch64-linux-musl/musl-gcc.specs" \
		>"$M/musl-gcc.specs.new"
	mv "$M/musl-gcc.specs.new" "$M/musl-gcc.specs"
}

case $ARCH in
x86_64)
	CC=musl-gcc AR=ar RANLIB=ranlib STRIP=strip HOST=x86_64-linux-musl
	command -v musl-gcc >/dev/null || die "musl-gcc not found (apt-get install musl-tools)"
	;;
aarch64)
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		die "aarch64-linux-gnu-gcc not found (apt-get install gcc-aarch64-linux-gnu)"
	fetch_musl_arm64
	CC="aarch64-linux-gnu-gcc -specs=$WORK/musl-aarch64/musl-gcc.specs"
	AR=aarch64-linux-gnu-ar RANLIB=aarch64-linux-gnu-ranlib
	STRIP=aarch64-linux-gnu-strip HOST=aarch64-linux-musl
	;;
*) die "unknown architecture $ARCH (x86_64 or aarch64)" ;;
esac
CFLAGS="-O2 -fno-plt"
P=$WORK/$ARCH

# The libraries, once per architecture.
if [ ! -f "$P/$MARK" ]; then
	fetch_sources
	rm -rf "$P" && mkdir -p "$P/include" "$P/lib" "$P/obj"
	S=$WORK/src
	# cJSON: one file (its CMake build adds nothing for a static archive).
	$CC $CFLAGS -std=c89 -c "$S/cjson/cJSON.c" -o "$P/obj/cJSON.o"
	$AR rcs "$P/lib/libcjson.a" "$P/obj/cJSON.o"
	mkdir -p "$P/include/cjson" && cp "$S/cjson/cJSON.h" "$P/include/cjson/"
	# libconfig: its own configure, C library only.
	mkdir -p "$P/obj/libconfig"
	(cd "$P/obj/libconfig" && CC="$CC" AR=$AR RANLIB=$RANLIB CFLAGS="$CFLAGS" \
		"$S/libconfig/configure" --host=$HOST --disable-shared --enable-static \
		--disable-cxx --disable-examples --prefix="$P" >&2 &&
		make -C lib libconfig.la >&2) || die "libconfig build failed"
	cp "$P/obj/libconfig/lib/.libs/libconfig.a" "$P/lib/"
	cp "$S/libconfig/lib/libconfig.h" "$P/include/"
	# libfcgi: its source has no configure script (autogen.sh needs
	# autotools); what configure would find on Linux is fixed here.
	cat >"$P/obj/fcgi_config.h" <<'EOF'
#define HAVE_ARPA_INET_H 1
#define HAVE_FPOS 1
#define HAVE_INTTYPES_H 1
#define HAVE_LIMITS_H 1
#define HAVE_MEMORY_H 1
#define HAVE_NETDB_H 1
#define HAVE_NETINET_IN_H 1
#define HAVE_SOCKLEN 1
#define HAVE_STDINT_H 1
#define HAVE_STDLIB_H 1
#define HAVE_STRERROR 1
#define HAVE_STRINGS_H 1
#define HAVE_STRING_H 1
#define HAVE_SYS_PARAM_H 1
#define HAVE_SYS_SOCKET_H 1
#define HAVE_SYS_STAT_H 1
#define HAVE_SYS_TIME_H 1
#define HAVE_SYS_TYPES_H 1
#define HAVE_UNISTD_H 1
#define STDC_HEADERS 1
EOF
	for f in fcgiapp os_unix fcgi_stdio; do
		$CC $CFLAGS -I"$P/obj" -I"$S/libfcgi/include" -c "$S/libfcgi/libfcgi/$f.c" \
			-o "$P/obj/$f.o"
	done
	$AR rcs "$P/lib/libfcgi.a" "$P/obj/fcgiapp.o" "$P/obj/os_unix.o" "$P/obj/fcgi_stdio.o"
	for h in fastcgi.h fcgiapp.h fcgimisc.h fcgios.h fcgi_stdio.h; do
		cp "$S/libfcgi/include/$h" "$P/include/"
	done
	cp "$P/obj/fcgi_config.h" "$P/include/"
	# zlib, for libxlsxwriter's zip container: its C files, no configure.
	mkdir -p "$P/obj/zlib"
	for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite infback \
	    inffast inflate inftrees trees uncompr zutil; do
		$CC $CFLAGS -D_LARGEFILE64_SOURCE=1 -c "$S/zlib/$f.c" -o "$P/obj/zlib/$f.o"
	done
	$AR rcs "$P/lib/libz.a" "$P/obj/zlib"/*.o
	cp "$S/zlib/zlib.h" "$S/zlib/zconf.h" "$P/include/"
	# libxlsxwriter with its bundled minizip, tmpfileplus and md5.
	X=$S/libxlsxwriter
	mkdir -p "$P/obj/xlsx"
	for f in "$X"/src/*.c "$X"/third_party/minizip/ioapi.c "$X"/third_party/minizip/zip.c \
	    "$X"/third_party/tmpfileplus/tmpfileplus.c "$X"/third_party/md5/md5.c; do
		$CC $CFLAGS -I"$X/include" -I"$P/include" -DNOCRYPT -DNOUNCRYPT \
			-c "$f" -o "$P/obj/xlsx/$(basename "$f" .c).o"
	done
	$AR rcs "$P/lib/libxlsxwriter.a" "$P/obj/xlsx"/*.o
	cp -R "$X/include/xlsxwriter.h" "$X/include/xlsxwriter" "$P/include/"
	touch "$P/$MARK"
fi

# yespo-hook itself: static, stripped, no dynamic section.
mkdir -p "$(dirname "$OUT")"
$CC $CFLAGS -std=c11 -D_GNU_SOURCE -DYH_VERSION="\"$VERSION\"" -Wall -Wextra \
	-I"$P/include" -I"$P/include/cjson" -static -o "$OUT.tmp" "$@" \
	"$P/lib/libfcgi.a" "$P/lib/libconfig.a" "$P/lib/libcjson.a" \
	"$P/lib/libxlsxwriter.a" "$P/lib/libz.a" -lm
$STRIP --strip-unneeded "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
