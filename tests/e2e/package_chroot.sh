#!/usr/bin/env bash
# package_chroot: the drop-in tarball's static binary runs on a host that
# has nothing but a kernel.  The tarball is unpacked into an empty
# directory, which becomes the root (chroot) of every run: no libc, no
# /proc, /dev, /etc or /tmp; the runs are as an unprivileged user
# (nobody's uid) with an empty environment.  --version, --check, --ingest
# of both fixtures (files compared with tests/expected) and --verify.
# For aarch64 the binary runs under qemu-user (qemu-aarch64-static, copied
# into the root); without root the aarch64 steps run under qemu outside a
# chroot, and the x86_64 test is skipped.
#     bash package_chroot.sh BINARY SOURCE_DIR TARBALL x86_64|aarch64
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
TARBALL=${3:-}
ARCH=${4:-x86_64}
yh_init
[ -n "$TARBALL" ] && [ -f "$TARBALL" ] ||
	yh_die "no package tarball '$TARBALL' (cmake --build build --target package-dropin)"

QEMU=""
if [ "$ARCH" = aarch64 ]; then
	QEMU=$(command -v qemu-aarch64-static) ||
		yh_skip "qemu-aarch64-static is missing (apt-get install qemu-user-static): the aarch64 binary was not run"
fi
CHROOT=0
if [ "$(id -u)" = 0 ]; then
	CHROOT=1
	CHROOT_BIN=$(command -v chroot) || yh_skip "chroot (coreutils) is missing"
elif [ -z "$QEMU" ]; then
	yh_skip "not root: chroot needs root (run ctest as root to run the static binary in an empty root)"
fi

ROOT=$T/root
mkdir -m 0755 "$ROOT"
tar xzf "$TARBALL" -C "$ROOT" || yh_die "cannot unpack $TARBALL"
[ "$(ls -A "$ROOT")" = yespo-hook ] || yh_fail "the tarball holds more than yespo-hook/"
mkdir -m 0755 "$ROOT/data"
cp "$YH_DATA/bulk-campaign.json" "$YH_DATA/triggered-campaign.json" "$ROOT/data/"
chmod 0644 "$ROOT"/data/*
# Paths as the binary sees them.
if [ "$CHROOT" = 1 ]; then
	IN=""
	if [ -n "$QEMU" ]; then
		cp "$QEMU" "$ROOT/qemu-aarch64-static"
		QEMU=/qemu-aarch64-static
	fi
else
	IN=$ROOT
fi
RUNAS=65534
say "root $ROOT holds: $(ls -A "$ROOT" | tr '\n' ' ')(chroot: $CHROOT, arch $ARCH)"

# yespo-hook ARGS... run in the root as nobody, output in $T/out.
hook() {
	if [ "$CHROOT" = 1 ]; then
		env -i "$CHROOT_BIN" --userspec=$RUNAS:$RUNAS "$ROOT" $QEMU /yespo-hook/bin/yespo-hook "$@" \
			</dev/null >"$T/out" 2>&1
	else
		env -i $QEMU "$ROOT/yespo-hook/bin/yespo-hook" "$@" </dev/null >"$T/out" 2>&1
	fi
}

# A fresh spool and csv_dir inside the root, and the config for them.
fresh() {
	rm -rf "$ROOT/yespo-hook/spool" "$ROOT/csv"
	mkdir -m 0700 "$ROOT/yespo-hook/spool"
	mkdir -m 0755 "$ROOT/csv"
	cat >"$ROOT/yespo-hook/yespo-hook.conf" <<EOF
spool_dir = "$IN/yespo-hook/spool";
csv_dir = "$IN/csv";
token = "$YH_TOKEN";
EOF
	chmod 0644 "$ROOT/yespo-hook/yespo-hook.conf"
	[ "$CHROOT" = 1 ] && chown -R $RUNAS:$RUNAS "$ROOT/yespo-hook/spool" "$ROOT/csv"
	SPOOL=$ROOT/yespo-hook/spool
	CSV=$ROOT/csv
}

hook --version || yh_fail "--version exited $?: $(cat "$T/out")"
grep -q '^yespo-hook [0-9]' "$T/out" || yh_fail "--version printed: $(cat "$T/out")"

for fixture in bulk-campaign:bulk triggered-campaign:triggered; do
	name=${fixture#*:}
	fresh
	hook --check --config "$IN/yespo-hook/yespo-hook.conf" ||
		yh_fail "--check ($name) exited $?: $(cat "$T/out")"
	if hook --ingest --config "$IN/yespo-hook/yespo-hook.conf" "$IN/data/${fixture%%:*}.json"; then
		grep -qF "$(cat "$YH_EXPECTED/$name/response.json")" "$T/out" ||
			yh_fail "--ingest $name printed: $(cat "$T/out")"
		yh_check_files "$name"
	else
		yh_fail "--ingest $name exited $?: $(cat "$T/out")"
	fi
	hook --verify --config "$IN/yespo-hook/yespo-hook.conf" ||
		yh_fail "--verify ($name) exited $?: $(cat "$T/out")"
done
yh_finish
