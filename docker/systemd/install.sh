#!/bin/sh
# Installs scalelite on a fresh Debian or Ubuntu host, idempotently (run it again to upgrade
# the binary and units; /etc/default/scalelite is never overwritten). As root, from the
# repository root after building the binary (CGO_ENABLED=0 go build -o scalelite ./cmd/scalelite):
#   sh docker/systemd/install.sh ./scalelite
# Then edit /etc/default/scalelite and start either every role in one process
#   systemctl enable --now scalelite.service
# or one process per role (needs REDIS_URL)
#   systemctl enable --now scalelite.target
set -eu
BIN=${1:?usage: install.sh PATH/TO/scalelite}
HERE=$(dirname "$0")

# The spool group as Scalelite's: gid 2000 when free, so that NFS-shared recording
# directories keep their owner across hosts (BBB servers and Scalelite use the same gid).
if ! getent group scalelite-spool >/dev/null; then
	if getent group 2000 >/dev/null; then
		groupadd --system scalelite-spool
	else
		groupadd --system --gid 2000 scalelite-spool
	fi
fi
# The service user: a system user with its own group, a member of scalelite-spool.
if ! getent passwd scalelite >/dev/null; then
	useradd --system --user-group --groups scalelite-spool --home-dir /var/lib/scalelite \
		--no-create-home --shell /usr/sbin/nologin --comment "Scalelite load balancer" scalelite
else
	usermod --append --groups scalelite-spool scalelite
fi

install -m 0755 "$BIN" /usr/local/bin/scalelite
# The recording directories: group scalelite-spool, setgid so that new files keep the group.
for d in /var/bigbluebutton/spool /var/bigbluebutton/recording/scalelite \
	/var/bigbluebutton/published /var/bigbluebutton/unpublished; do
	install -d -o scalelite -g scalelite-spool -m 2775 "$d"
done
if [ ! -e /etc/default/scalelite ]; then
	install -m 0640 -o root -g scalelite "$HERE/../scalelite.env.example" /etc/default/scalelite
	echo "install.sh: edit /etc/default/scalelite (LOADBALANCER_SECRET, DATABASE_URL, ...) before starting"
fi
install -m 0644 "$HERE"/scalelite.service "$HERE"/scalelite-api.service "$HERE"/scalelite-poller.service \
	"$HERE"/scalelite-importer.service "$HERE"/scalelite.target /etc/systemd/system/
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload
fi
echo "install.sh: done; 'scalelite config check' (as root or scalelite) checks /etc/default/scalelite"
