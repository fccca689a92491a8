# Helpers shared by .ci/run and the service scripts (sourced, not executed).

# Prints a visible stage header.
ci_header() {
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}

ci_fail() {
  printf '\033[31mCI FAILED: %s\033[0m\n' "$*" >&2
  exit 1
}

# Retries a command until it succeeds, once a second, at most $1 times. Returns 1 when it never did.
ci_wait_for() {
  local tries=$1
  shift
  local i
  for ((i = 1; i <= tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  return 1
}

# Installs Debian packages, without prompts; `apt-get update` at most once per run.
ci_apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z "${CI_APT_UPDATED:-}" ]]; then
    apt-get update -qq </dev/null
    export CI_APT_UPDATED=1
  fi
  apt-get install -y -qq --no-install-recommends "$@" </dev/null
}
