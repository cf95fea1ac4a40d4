# folder-check.sh - sourced by scripts/qualify and scripts/vm-run.
# What powercut run checks of its results folder (pc_folder_exposed in
# harness/util/util.c): DIR (or, while it does not exist, the folder it
# will be made in) and every folder above it may be group- or
# other-writable only when sticky and must be owned by root, us or
# SUDO_UID, an existing DIR writable by its owner only, and no symlink on
# the path given may be another user's (they may re-point it at any time).  qualify and vm-run
# write in their output folders as root (KERNEL.log, vm-console.log): one
# who could make names there could plant a symlink to any file.
# A group write bit counts only when the group is not the owner's private
# group (the owner's primary group, no other member, no other user's
# primary group), as in pc_folder_exposed.
# Prints why and succeeds when others could change names there.
private_group() { # UID GID
	local owner members
	owner=$(getent passwd "$1") || return 1
	[ "$(cut -d: -f4 <<<"$owner")" = "$2" ] || return 1
	members=$(getent group "$2") || return 1
	members=${members##*:}
	[ -z "$members" ] || [ "$members" = "$(cut -d: -f1 <<<"$owner")" ] || return 1
	[ "$(getent passwd | awk -F: -v g="$2" -v u="$1" '$4 == g && $3 != u' | wc -l)" = 0 ]
}
others_write() { # MODE UID GID
	((($1) & 8#002)) || { ((($1) & 8#020)) && ! private_group "$2" "$3"; }
}
trusted_uid() {
	[[ $1 = 0 || $1 = "$(id -u)" || $1 = "${SUDO_UID:-x}" ]]
}
# A symlink on path $1 (as given, not resolved) owned by another user.
untrusted_symlink() {
	local p=$1 prefix="" part uid
	[[ $p = /* ]] || p="$PWD/$p"
	local IFS=/
	for part in $p; do
		[ -n "$part" ] || continue
		prefix+="/$part"
		[ -L "$prefix" ] || continue
		uid=$(stat -c %u -- "$prefix") || continue
		trusted_uid "$uid" || { echo "$prefix is a symlink owned by uid $uid"; return 0; }
	done
	return 1
}
exposed_folder() {
	local d=$1 strict=1 mode uid gid
	untrusted_symlink "$d" && return 0
	while [ ! -e "$d" ]; do d=$(dirname -- "$d") strict=0; done
	d=$(realpath -e -- "$d") || { echo "cannot resolve it"; return 0; }
	while :; do
		read -r mode uid gid < <(stat -c '%a %u %g' -- "$d") || { echo "cannot stat $d"; return 0; }
		mode=$((8#$mode))
		if [ "$strict" = 1 ] && { others_write "$mode" "$uid" "$gid" || ! trusted_uid "$uid"; }; then
			printf 'others can write to it (owner uid %s, mode %04o)\n' "$uid" "$mode"
			return 0
		fi
		if others_write "$mode" "$uid" "$gid" && ! ((mode & 8#1000)); then
			printf '%s is writable by others (mode %04o) and not sticky\n' "$d" "$mode"
			return 0
		fi
		if ! trusted_uid "$uid"; then
			echo "$d is owned by uid $uid"
			return 0
		fi
		[ "$d" != / ] || return 1
		d=$(dirname -- "$d") strict=0
	done
}
