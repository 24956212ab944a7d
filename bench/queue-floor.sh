#!/usr/bin/env bash
# The durable queue hop alone (embedded broker, batch sender, transacted consumers; no Camel, no SMTP), in one JVM
# with the relay's config/jvm.options; see bench/README.md, "The queue hop alone".
#   bench/queue-floor.sh [N=10000] [SENDERS=5] [CONSUMERS=8] [ROUNDS=2] [MODE=jms|listener|core] [WINDOW=1] [apart]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile
CP=$(mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout \
  | sed 's/\x1b\[[0-9;]*m//g')
exec java @config/jvm.options ${BENCH_OPTS:-} -cp "target/test-classes:target/classes:$CP" \
  dev.oauthsmtprelay.bench.QueueFloorBench "${1:-10000}" "${2:-5}" "${3:-8}" "${4:-2}" "${5:-jms}" "${6:-1}" ${7:-}
