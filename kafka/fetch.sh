#!/usr/bin/env bash
# Fetches the Kafka releases the harness runs (pom.xml copies each one's jars into
# .jars/<version>/lib) and compiles the JSON-lines driver against each. Usage: fetch.sh [VERSION...]
# (default: every release below). Needs Maven and a JDK 17+ (javac).
set -euo pipefail
cd "$(dirname "$0")"
# 4.0.2: the newest 4.0 release, before KAFKA-19522 (the controller elects a fenced last known leader);
# 4.1.0, the first release with that fix, and 4.1.2, the newest 4.1 release; 4.4.0, the newest release.
RELEASES=(4.0.2 4.1.0 4.1.2 4.4.0)
[ $# -gt 0 ] && RELEASES=("$@")
command -v mvn >/dev/null || { echo "kafka:fetch: Maven (mvn) is not on PATH" >&2; exit 2; }
command -v javac >/dev/null || { echo "kafka:fetch: javac (a JDK 17+) is not on PATH" >&2; exit 2; }
for v in "${RELEASES[@]}"; do
  mvn -q -B process-resources -Dkafka.version="$v"
  rm -rf ".jars/$v/driver"
  javac -nowarn --release 17 -cp ".jars/$v/lib/*" -d ".jars/$v/driver" driver/src/main/java/kafkaspec/driver/*.java
  echo "kafka $v: $(ls ".jars/$v/lib" | wc -l) jars in kafka/.jars/$v/lib, driver in kafka/.jars/$v/driver"
done
