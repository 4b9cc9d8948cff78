# Shared helpers for the build scripts.  Source it; do not run it.
# SPDX-License-Identifier: GPL-2.0-or-later

# Where downloads and the QEMU build live.  Outside the checkout on purpose:
# a fresh clone reuses what an earlier clone fetched and compiled.
GV_CACHE=${GRAVITON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/graviton}
export GV_CACHE

gv_log() { printf '[graviton] %s\n' "$*" >&2; }
gv_die() { printf '[graviton] error: %s\n' "$*" >&2; exit 1; }

# Private apt configuration: our own deb-src sources and our own list/cache
# directories, so the system's apt configuration is never edited.
gv_apt_dir="$GV_CACHE/apt"
gv_apt() {
    mkdir -p "$gv_apt_dir/lists/partial" "$gv_apt_dir/archives/partial"
    if [ ! -s "$gv_apt_dir/sources.sources" ]; then
        local sys=/etc/apt/sources.list.d/debian.sources
        [ -r "$sys" ] || gv_die "$sys not found: a Debian 12 machine is needed"
        # Same URIs, suites and keys as the system's, for both kinds.
        sed -e 's/^Types:.*/Types: deb deb-src/' "$sys" >"$gv_apt_dir/sources.sources"
    fi
    apt-get -q -o Dir::Etc::SourceList="$gv_apt_dir/sources.sources" \
        -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$gv_apt_dir/lists" \
        -o Dir::Cache::Archives="$gv_apt_dir/archives" \
        -o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}

# Refresh the private lists at most once per run (and only when asked to
# resolve something that is not cached yet).
gv_apt_update_once() {
    if [ -z "${GV_APT_UPDATED:-}" ]; then
        gv_log "refreshing private apt lists in $gv_apt_dir"
        gv_apt update >/dev/null || gv_die "apt-get update failed (network?)"
        GV_APT_UPDATED=1
    fi
}

# The ABI name of Debian's current 6.1 kernel, e.g. 6.1.0-56-amd64, taken
# from what the linux-image-amd64 meta package depends on.  Uses the
# system's apt lists: the headers are installed from there too.
gv_kernel_abi() {
    if [ -n "${GRAVITON_KERNEL:-}" ]; then
        echo "$GRAVITON_KERNEL"
        return
    fi
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/.*Depends: linux-image-\(6\.1\.[0-9.-]*-amd64\)$/\1/p' | head -n1
}

# Serialise users of one cache directory.
gv_lock() {
    mkdir -p "$GV_CACHE"
    exec 9>"$GV_CACHE/.lock-$1"
    flock 9
}
