#!/usr/bin/env bash
# Re-ships every recording BBB has published (for example after setting up the balancer): runs
# scalelite_post_publish.sh once per record id found in BBB's published status dir, whose files
# are named <record_id>-<format>.done.
set -euo pipefail
RECORDING_DIR=${RECORDING_DIR:-/var/bigbluebutton/recording}
SCRIPT=${SCRIPT:-/usr/local/bigbluebutton/core/scripts/post_publish/scalelite_post_publish.sh}
shopt -s nullglob
declare -A seen=()
for done in "$RECORDING_DIR"/status/published/*.done; do
  name=$(basename "$done" .done)
  [[ $name == *-sender ]] && continue
  if [[ $name =~ ^(.+-[0-9]+)-[A-Za-z_]+$ ]]; then
    id=${BASH_REMATCH[1]}
  else
    continue
  fi
  [[ -n ${seen[$id]:-} ]] && continue
  seen[$id]=1
  "$SCRIPT" -m "$id" || echo "failed: $id" >&2
done
