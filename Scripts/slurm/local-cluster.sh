#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for testing the sharded verification
# (Scripts/slurm/verify-array.sbatch) — what .ci/run uses. Needs root and Debian's slurm-wlm and
# munge (`apt-get install slurm-wlm munge`; `start` installs them when missing).
#
#   Scripts/slurm/local-cluster.sh start   # munged, slurmctld, slurmd; waits until the node is idle
#   Scripts/slurm/local-cluster.sh stop    # stops the three daemons by their pids
#
# The cluster: one node (this host) with CPUs=2, one partition `local`, processes tracked by
# /proc (proctrack/linuxproc, no cgroups), no task binding (task/none), cons_tres selection.
# Its state lives under $SLURM_LOCAL_DIR (default /tmp/theorycheck-slurm).
set -euo pipefail

STATE="${SLURM_LOCAL_DIR:-/tmp/theorycheck-slurm}"
CONF=/etc/slurm/slurm.conf
HOST="$(hostname -s)"

need_root() {
    if [ "$(id -u)" != 0 ]; then echo "local-cluster.sh: must run as root (munged, slurmctld and slurmd run as root here)" >&2; exit 2; fi
}

install_if_missing() {
    if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
        echo "installing slurm-wlm and munge"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
    fi
}

write_config() {
    mkdir -p /etc/slurm "$STATE/ctld" "$STATE/d" "$STATE/log" /run/munge /var/log/munge /var/lib/munge
    cat > "$CONF" <<EOF
# Written by Scripts/slurm/local-cluster.sh: a single-node cluster for testing.
ClusterName=theorycheck
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=10
Waittime=0
NodeName=$HOST CPUs=2 State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
    # proctrack/linuxproc and task/none need no cgroups; an empty cgroup.conf keeps slurmd quiet.
    [ -f /etc/slurm/cgroup.conf ] || echo "CgroupPlugin=autodetect" > /etc/slurm/cgroup.conf
}

start() {
    need_root
    install_if_missing
    write_config
    if [ ! -s /etc/munge/munge.key ]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    # munged runs as root here, so its directories belong to root.
    chown -R root:root /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
    chmod 0400 /etc/munge/munge.key
    # munged as root (--force: it warns about running as root in a container), pid in its own file.
    munged --force --pid-file="$STATE/munged.pid" --socket=/run/munge/munge.socket.2
    munge -n | unmunge >/dev/null || { echo "munge does not work" >&2; exit 1; }
    slurmctld
    slurmd
    # Wait until the node is idle (the controller registers it within seconds).
    for _ in $(seq 1 60); do
        state="$(sinfo -h -N -o '%t' 2>/dev/null | head -1 || true)"
        if [ "$state" = "idle" ]; then
            echo "local Slurm cluster up: node $HOST, CPUs=2, partition local (state in $STATE)"
            return 0
        fi
        if [ "$state" = "down" ] || [ "$state" = "drain" ] || [ "$state" = "down*" ]; then
            scontrol update nodename="$HOST" state=resume 2>/dev/null || true
        fi
        sleep 1
    done
    echo "the node did not become idle; logs:" >&2
    tail -20 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2 || true
    exit 1
}

stop_pid() {
    local name="$1" file="$2"
    if [ -s "$file" ]; then
        local pid
        pid="$(cat "$file")"
        if kill "$pid" 2>/dev/null; then
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
            echo "stopped $name (pid $pid)"
        fi
        rm -f "$file"
    fi
}

stop() {
    need_root
    stop_pid slurmd "$STATE/slurmd.pid"
    stop_pid slurmctld "$STATE/slurmctld.pid"
    stop_pid munged "$STATE/munged.pid"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
