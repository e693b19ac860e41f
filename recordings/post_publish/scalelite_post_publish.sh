#!/usr/bin/env bash
# Scalelite(-go) post_publish script for BigBlueButton servers.
#
# BBB runs it after each publish step as: scalelite_post_publish.sh -m <record_id> [-f <format>]
# It packs every format published so far into one uncompressed tar whose entries are
# <format>/<record_id>/... and delivers it to the balancer, either into the spool directory
# (local path, NFS mount, or any rsync destination such as host:/path) or by HTTPS upload.
# Settings are read from /etc/default/scalelite-post-publish (see recordings.md).
set -euo pipefail

CONFIG=${SCALELITE_POST_PUBLISH_CONFIG:-/etc/default/scalelite-post-publish}
# shellcheck disable=SC1090
[ -r "$CONFIG" ] && . "$CONFIG"

PUBLISHED_DIR=${PUBLISHED_DIR:-/var/bigbluebutton/published}
RECORDING_DIR=${RECORDING_DIR:-/var/bigbluebutton/recording}
WORK_DIR=${WORK_DIR:-/var/bigbluebutton/recording/scalelite}
SPOOL_DIR=${SPOOL_DIR:-}              # e.g. /mnt/scalelite-recordings/var/bigbluebutton/spool or user@host:/spool
UPLOAD_URL=${UPLOAD_URL:-}            # e.g. https://lb.example.com/recordings/upload
SERVER_ID=${SERVER_ID:-$(hostname -f)} # the server's id in the balancer, or its API host name
SECRET=${SECRET:-}                    # the server's BBB secret (default: read from bbb-web)
EXTRA_RSYNC_OPTS=${EXTRA_RSYNC_OPTS:-}
DELETE_RECORDING=${DELETE_RECORDING:-false}
CURL_OPTS=${CURL_OPTS:-}

log() { echo "scalelite_post_publish: $*" >&2; }

record_id=""
while getopts "m:f:" opt; do
  case $opt in
    m) record_id=$OPTARG ;;
    f) ;; # format: ignored, every published format is shipped
    *) log "usage: $0 -m <record_id>"; exit 1 ;;
  esac
done
if [[ ! $record_id =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]]; then
  log "invalid or missing record id: '$record_id'"
  exit 1
fi

shopt -s nullglob
formats=()
for dir in "$PUBLISHED_DIR"/*/"$record_id"; do
  [ -d "$dir" ] && formats+=("$(basename "$(dirname "$dir")")/$record_id")
done
if [ ${#formats[@]} -eq 0 ]; then
  log "no published format of $record_id yet"
  exit 0
fi

mkdir -p "$WORK_DIR"
archive="$WORK_DIR/$record_id.tar"
tmp="$WORK_DIR/.$record_id.tar.$$"
trap 'rm -f "$tmp"' EXIT
log "packing ${formats[*]}"
tar --create --file "$tmp" --directory "$PUBLISHED_DIR" -- "${formats[@]}"
mv -f "$tmp" "$archive"

if [ -n "$UPLOAD_URL" ]; then
  if [ -z "$SECRET" ]; then
    SECRET=$(sed -n 's/^securitySalt=//p' /etc/bigbluebutton/bbb-web.properties 2>/dev/null | tail -n 1)
    [ -z "$SECRET" ] && SECRET=$(sed -n 's/^securitySalt=//p' /usr/share/bbb-web/WEB-INF/classes/bigbluebutton.properties | tail -n 1)
  fi
  ts=$(date +%s)
  sum=$(sha256sum "$archive" | cut -d' ' -f1)
  sig=$(printf 'scalelite-recording-upload\n%s\n%s\n%s\n%s' "$SERVER_ID" "$record_id" "$ts" "$sum" |
    openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)
  log "uploading $(stat -c %s "$archive") bytes to $UPLOAD_URL"
  # shellcheck disable=SC2086
  curl --fail --silent --show-error --retry 5 --retry-all-errors --retry-delay 10 $CURL_OPTS \
    -X POST -T "$archive" -H 'Content-Type: application/x-tar' \
    -H "X-Recording-Server: $SERVER_ID" -H "X-Recording-ID: $record_id" \
    -H "X-Recording-Timestamp: $ts" -H "X-Recording-SHA256: $sum" \
    -H "X-Recording-Signature: $sig" "$UPLOAD_URL" >/dev/null
  rm -f "$archive"
elif [ -n "$SPOOL_DIR" ]; then
  # rsync writes to a dot-temp name in the destination and renames it: the importer never
  # sees a partial archive.
  log "transferring to $SPOOL_DIR"
  # shellcheck disable=SC2086
  rsync --verbose --remove-source-files --protect-args $EXTRA_RSYNC_OPTS "$archive" "$SPOOL_DIR/"
else
  log "neither UPLOAD_URL nor SPOOL_DIR is set in $CONFIG"
  exit 1
fi

if [ "$DELETE_RECORDING" = "true" ]; then
  bbb-record --delete "$record_id" || log "bbb-record --delete $record_id failed"
fi
mkdir -p "$RECORDING_DIR/status/published"
touch "$RECORDING_DIR/status/published/$record_id-sender.done"
log "done: $record_id"
