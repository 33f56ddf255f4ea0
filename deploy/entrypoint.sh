#!/bin/sh
# The image's command: which Gatehouse process this container runs (deploy/Dockerfile).
# exec: node replaces this shell, so `docker stop`'s SIGTERM reaches it and it shuts down gracefully.
set -eu
command="${1:-api}"
[ "$#" -gt 0 ] && shift
case "$command" in
  api) exec node /app/api/dist/main.js "$@" ;;
  runner) exec node /app/runner/dist/main.js "$@" ;;
  # The one-shot migration job: migrations as the owner, then the application login.
  migrate) exec node /app/cli/dist/gatehouse.js migrate "$@" ;;
  # Any operators' command, e.g. `gatehouse bootstrap-admin --email … --name …` (docs/cli.md).
  gatehouse) exec node /app/cli/dist/gatehouse.js "$@" ;;
  *)
    echo "usage: <image> api | runner | migrate | gatehouse <command> (got \"$command\")" >&2
    exit 2
    ;;
esac
