# check_lib.sh - sourced by the CLI test scripts: `check WANT TEXT ARGS...`
# runs "$bin" ARGS (under `timeout $CHECK_TIMEOUT` when set, so a hang is a
# failure) and counts a pass when it exits WANT and stdout+stderr contain
# TEXT.  The caller sets bin, pass and fail.
check() {
	local want=$1 text=$2; shift 2
	local out rc
	out=$(${CHECK_TIMEOUT:+timeout "$CHECK_TIMEOUT"} "$bin" "$@" 2>&1); rc=$?
	if [ "$rc" -eq "$want" ] && grep -qF -- "$text" <<<"$out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: tsmsim $* -> exit $rc (want $want), output lacks '$text'"
		echo "$out" | head -5 | sed 's/^/    /'
	fi
}
