#!/usr/bin/env bash
# Install phase of ci/buildspec.yml: the project's npm dependencies, then Terraform pinned by
# version *and* by the SHA-256 of its release zip. Fast when the CodeBuild cache holds what the
# previous build with the same lockfiles left (ci/buildspec.yml `cache:`, keyed by the hash of
# package-lock.json and this file):
#
# - node_modules: reused when its stamp (node_modules/.lanes-installed, written after a
#   successful `npm ci`) names this package-lock.json's SHA-256, the patches' (patches/*.patch,
#   applied by npm ci's postinstall), this Node major and platform;
#   otherwise `npm ci --prefer-offline` from the npm cache in $LANES_CI_CACHE/npm (the registry
#   only for what that cache lacks), which removes node_modules first.
# - the Terraform zip: kept in $LANES_CI_CACHE/terraform; its SHA-256 is checked on every
#   install, cached or downloaded, and a cached zip that does not match is thrown away.
#
#   LANES_CI_CACHE         cache directory (default .ci/cache, relative to the project root)
#   TERRAFORM_VERSION      Terraform version (default 1.11.4)
#   TERRAFORM_SHA256       expected SHA-256 of the zip (default: the value pinned below for the version;
#                          a version without a pinned value needs it, or nothing is installed)
#   TERRAFORM_URL          where to download the zip (default: releases.hashicorp.com; file:// works)
#   TERRAFORM_INSTALL_DIR  where the binary goes (default /usr/local/bin)
#   SKIP_NPM_CI=1          skip the npm step (tests of the Terraform step)
#
# A zip whose hash differs from the expected one is refused loudly (expected and actual hash on
# stderr, exit 1) and nothing is installed.
set -euo pipefail

# SHA-256 of terraform_<version>_linux_amd64.zip, from HashiCorp's terraform_<version>_SHA256SUMS
# (https://releases.hashicorp.com/terraform/<version>/). To add a version, copy its line from that
# file after checking the file's signature (terraform_<version>_SHA256SUMS.sig, HashiCorp's key).
pinned_sha256() {
  case "$1" in
    1.11.4) echo 1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc ;;
    *) return 1 ;;
  esac
}

fail() {
  printf 'install: error: %s\n' "$*" >&2
  exit 1
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."

note() { printf 'install: %s\n' "$*" >&2; }

cache="${LANES_CI_CACHE:-.ci/cache}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

# What node_modules was installed from: the lockfile's hash, the patches npm ci's postinstall
# applies (patches/, patch-package), and what makes native packages differ.
npm_stamp() {
  local lock patches
  lock="$(sha256sum package-lock.json | cut -d ' ' -f 1)" || return 1
  patches="$(cat /dev/null patches/*.patch 2>/dev/null | sha256sum | cut -d ' ' -f 1)"
  printf 'package-lock.json sha256 %s; patches sha256 %s; node %s\n' "$lock" "$patches" "$(node -p 'process.versions.node.split(".")[0] + " " + process.platform + "-" + process.arch')"
}

stamp_file=node_modules/.lanes-installed
if [[ ${SKIP_NPM_CI:-} == 1 ]]; then
  note "SKIP_NPM_CI=1: not installing the npm dependencies"
else
  [[ -f package-lock.json ]] || fail "no package-lock.json in $(pwd): npm ci installs exactly the locked tree and needs it"
  want="$(npm_stamp)" || fail "could not hash package-lock.json"
  if [[ -f $stamp_file && "$(cat "$stamp_file")" == "$want" ]]; then
    note "node_modules matches package-lock.json (${want%%;*}): npm ci skipped"
  else
    [[ -e node_modules ]] && note "node_modules does not match package-lock.json (or is incomplete): reinstalling"
    npm ci --prefer-offline --no-audit --no-fund --no-update-notifier --cache "$cache/npm"
    printf '%s\n' "$want" >"$stamp_file"
    note "npm ci done (${want%%;*})"
  fi
fi

version="${TERRAFORM_VERSION:-1.11.4}"
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-a-z0-9.]*)?$ ]] || fail "TERRAFORM_VERSION='$version' is not a Terraform version (e.g. 1.11.4)"
expected="${TERRAFORM_SHA256:-$(pinned_sha256 "$version" || true)}"
if [[ -z $expected ]]; then
  fail "no SHA-256 is pinned for Terraform $version: set TERRAFORM_SHA256 to the linux_amd64 line of https://releases.hashicorp.com/terraform/$version/terraform_${version}_SHA256SUMS (after checking its signature), or pin it in ci/install.sh. Nothing was installed."
fi
expected="$(printf '%s' "$expected" | tr 'A-F' 'a-f')"
[[ $expected =~ ^[0-9a-f]{64}$ ]] || fail "TERRAFORM_SHA256='$expected' is not a SHA-256 (64 hex characters). Nothing was installed."
url="${TERRAFORM_URL:-https://releases.hashicorp.com/terraform/$version/terraform_${version}_linux_amd64.zip}"
dest="${TERRAFORM_INSTALL_DIR:-/usr/local/bin}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The zip is kept in the cache under its expected hash: another pin never reuses it.
cached_zip="$cache/terraform/terraform_${version}_linux_amd64.${expected}.zip"
zip="$work/terraform.zip"
if [[ -f $cached_zip ]]; then
  cp "$cached_zip" "$zip"
  actual="$(sha256sum "$zip" | cut -d ' ' -f 1)"
  if [[ $actual == "$expected" ]]; then
    note "Terraform $version zip from the cache ($cached_zip)"
  else
    note "cached $cached_zip has SHA-256 $actual, not $expected: discarding it and downloading"
    rm -f "$cached_zip" "$zip"
  fi
fi
from="$url"
if [[ ! -f $zip ]]; then
  note "downloading Terraform $version from $url"
  curl -fsSL --retry 3 -o "$zip" "$url" || fail "could not download $url. Nothing was installed."
else
  from="$cached_zip"
fi
actual="$(sha256sum "$zip" | cut -d ' ' -f 1)"
if [[ $actual != "$expected" ]]; then
  fail "SHA-256 mismatch for $from: expected $expected, actual $actual. Refusing to install it; nothing was installed."
fi
note "SHA-256 $actual verified"
if [[ ! -f $cached_zip ]]; then
  mkdir -p "$(dirname "$cached_zip")"
  cp "$zip" "$cached_zip.$$" && mv -f "$cached_zip.$$" "$cached_zip"
fi

unzip -q "$zip" terraform -d "$work/unpacked" || fail "$from holds no 'terraform' binary. Nothing was installed."
reported="$(CHECKPOINT_DISABLE=1 "$work/unpacked/terraform" version 2>/dev/null || true)"
[[ ${reported%%$'\n'*} == "Terraform v$version" ]] ||
  fail "the binary in $from reports '${reported%%$'\n'*}', not 'Terraform v$version'. Nothing was installed."
mkdir -p "$dest"
install -m 0755 "$work/unpacked/terraform" "$dest/.terraform.partial.$$"
mv -f "$dest/.terraform.partial.$$" "$dest/terraform"
echo "install: Terraform $version installed at $dest/terraform" >&2
