#!/usr/bin/env bash
# Runs every benchmark (JMH at 1 and 2 threads with -prof gc, the load-balancing simulation, propagation through
# a real etcd and ZooKeeper) and
# writes discovery-benchmarks/results/RESULTS.md. Takes about 35 minutes on 2 cores. Not part of the tests.
# PROPAGATION=skip leaves the propagation tables (results/propagation.md) as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
results=discovery-benchmarks/results
mkdir -p "$results"

mvn -B -q -Pbenchmarks -DskipTests install
jar=discovery-benchmarks/target/benchmarks.jar

java -jar "$jar" -t 1 -prof gc -rf json -rff "$results/jmh-t1.json" "$@" | tee "$results/jmh-t1.txt"
# Picker rebuilds happen on the one thread that publishes a view change: measured at 1 thread only.
java -jar "$jar" -t 2 -prof gc -e RebuildBenchmark -rf json -rff "$results/jmh-t2.json" "$@" | tee "$results/jmh-t2.txt"
# The rows the targets compare, again with 3 forks x 10 iterations, so that their 99.9% errors are small.
headline=(-f 3 -wi 5 -w 1 -i 10 -r 1 -rf json)
java -jar "$jar" 'PickBenchmark\.(oursRoundRobin|floorRoundRobin|oursLeastConnection|floorPowerOfTwoChoices)$' -p instances=3,100 -t 1 \
  "${headline[@]}" -rff "$results/headline-t1.json" "$@" | tee "$results/headline-t1.txt"
java -jar "$jar" 'PickBenchmark\.oursLeastConnectionExactScan$|PeerPickBenchmark\.(ribbonBestAvailable|dubboLeastActive|storkPowerOfTwoChoices)$' \
  -p instances=100 -t 1 "${headline[@]}" -rff "$results/headline-peers.json" "$@" | tee "$results/headline-peers.txt"
java -jar "$jar" 'PickBenchmark\.(oursRoundRobin|floorRoundRobin)$' -p instances=100 -t 2 \
  "${headline[@]}" -rff "$results/headline-t2.json" "$@" | tee "$results/headline-t2.txt"
java -cp "$jar" io.discovery.benchmarks.sim.Simulation 42 | tee "$results/simulation.md"
if [ "${PROPAGATION:-}" != skip ]; then
  # Needs the etcd binary, as the tests do (./scripts/test.sh installs it).
  java -cp "$jar" io.discovery.benchmarks.propagation.PropagationBenchmark "$results/propagation.md"
fi

{
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB;"
  echo "JDK: $(java -version 2>&1 | head -1); JMH 1.37, 3 warmup + 3 measured iterations of 1 s, 1 fork;"
  echo "headline rows: 3 forks x (5 warmup + 10 measured iterations of 1 s); $(date -u +%Y-%m-%d)."
  echo "Command: ./scripts/benchmarks.sh"
} > "$results/machine.txt"
java -cp "$jar" io.discovery.benchmarks.Report "$results/RESULTS.md" "$results/simulation.md" "$results/machine.txt" \
  "1=$results/jmh-t1.json" "2=$results/jmh-t2.json" \
  "headline=$results/headline-t1.json" "headline=$results/headline-peers.json" "headline=$results/headline-t2.json" \
  "rebuild-before=$results/before/rebuild.json" "least-connection-t2-before=$results/before/least-connection-t2.json" \
  "least-connection-t2-after=$results/before/least-connection-t2-after.json"
