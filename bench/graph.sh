#!/usr/bin/env bash
# The Graph transport's throughput as one mailbox against the Graph stand-in, 1 and 4 requests per mailbox;
# see bench/README.md.
#   bench/graph.sh [N=2000] [LATENCY_MS=20]
# Environment: RELAY_HEAP (JVM options of the relay, default "@config/jvm.options"), BENCH_OPTS (JVM options of the
# bench; -Drelay.x=y passes relay.* keys to the relay).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
CP=$(mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout \
  | sed 's/\x1b\[[0-9;]*m//g')
exec java ${BENCH_OPTS:-} -cp "target/test-classes:target/classes:$CP" dev.oauthsmtprelay.bench.GraphBench \
  "${1:-2000}" "${2:-20}" target/oauth-smtp-relay.jar "${RELAY_HEAP:-@config/jvm.options}"
