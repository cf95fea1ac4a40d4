# folder-check.sh - sourced by scripts/qualify and scripts/vm-run.
# What powercut run checks of its results folder (pc_folder_exposed in
# harness/util/util.c): DIR (or, while it does not exist, the folder it
# will be made in) and every folder above it may be group- or
# other-writable only when sticky, and an existing DIR must be owned by
# root, us or SUDO_UID and writable by its owner only.  qualify and vm-run
# write in their output folders as root (KERNEL.log, vm-console.log): one
# who could make names there could plant a symlink to any file.
# Prints why and succeeds when others could change names there.
exposed_folder() {
	local d=$1 strict=1 mode uid
	while [ ! -e "$d" ]; do d=$(dirname -- "$d") strict=0; done
	d=$(realpath -e -- "$d") || { echo "cannot resolve it"; return 0; }
	while :; do
		read -r mode uid < <(stat -c '%a %u' -- "$d") || { echo "cannot stat $d"; return 0; }
		mode=$((8#$mode))
		if [ "$strict" = 1 ] && { ((mode & 8#022)) ||
			! [[ $uid = 0 || $uid = "$(id -u)" || $uid = "${SUDO_UID:-x}" ]]; }; then
			printf 'others can write to it (owner uid %s, mode %04o)\n' "$uid" "$mode"
			return 0
		fi
		if ((mode & 8#022)) && ! ((mode & 8#1000)); then
			printf '%s is writable by others (mode %04o) and not sticky\n' "$d" "$mode"
			return 0
		fi
		[ "$d" != / ] || return 1
		d=$(dirname -- "$d") strict=0
	done
}
