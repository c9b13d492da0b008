#!/usr/bin/env bash
# The programs the test suite runs for real: PostgreSQL (server, contrib, pg_dump/pg_restore), pgBackRest,
# barman-cloud, age, zstd, lz4 and openssl, all Debian packages. Run as root, this installs the missing ones;
# otherwise it stops at once with the exact command that would.
set -euo pipefail

missing=()
need() { # need <package> <check command…>
  local package=$1
  shift
  if ! "$@" >/dev/null 2>&1; then
    case " ${missing[*]} " in *" $package "*) ;; *) missing+=("$package") ;; esac
  fi
}
need postgresql compgen -G '/usr/lib/postgresql/*/bin/initdb'
need postgresql-contrib compgen -G '/usr/lib/postgresql/*/lib/amcheck.so'
need pgbackrest command -v pgbackrest
need barman-cli-cloud command -v barman-cloud-wal-archive
need age command -v age
need zstd command -v zstd
need lz4 command -v lz4
need openssl command -v openssl

[ ${#missing[@]} -eq 0 ] && exit 0

install="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "The tests need Debian packages that are not installed: ${missing[*]}" >&2
  echo "Install them, then run the tests again:" >&2
  echo "  sudo sh -c '$install'" >&2
  exit 1
fi
echo "installing ${missing[*]} for the tests" >&2
sh -c "$install" >/dev/null
