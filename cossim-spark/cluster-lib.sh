# Sourced by cossim-spark/cluster-test.sh and bench/spark-throughput.sh: a Spark 4.2 standalone cluster on this
# machine, from Spark's own jars (fetched from Maven Central by spark-submit-local): one master and WORKERS workers
# (default 2) of one core each, as separate processes on 127.0.0.1, each worker starting its own executor JVM.
#   cluster_start WORK_DIR      builds what is needed, lays out a SPARK_HOME under WORK_DIR, starts the cluster and
#                               waits (at most 60 s) until every worker has registered; sets $master
#   cluster_submit NAME TIMEOUT_S ARGS...   spark-submit --master $master ARGS (log: WORK_DIR/NAME.log)
#     (EXECUTOR_JAVA_OPTS: more options for the executors' JVMs, e.g. a flight recording)
#   cluster_check ARGS...       dev.cossim.spark.ClusterCheck (compares results, writes Parquet)
# An EXIT trap stops every process it started, by process id (executors too), and removes WORK_DIR unless keep=1.
# Needs $here (the cossim-spark directory) and $root (the repository).
source "$root/bin/find-java.sh"
cluster_pids=()
declare -A worker_pid

step() { echo "cluster-test: $*"; }
fail() { echo "cluster-test: FAILED: $*" >&2; exit 1; }

cluster_stop() {
  local p
  for p in "${cluster_pids[@]}"; do
    pkill -KILL -P "$p" 2>/dev/null || true   # the worker's executor JVMs are its children
    kill -KILL "$p" 2>/dev/null || true
  done
  if [[ "${keep:-0}" == 1 ]]; then echo "cluster-test: work directory kept: $cluster_work"; else rm -rf "$cluster_work"; fi
}

cluster_start() {
  cluster_work="$1"
  trap cluster_stop EXIT
  local workers="${WORKERS:-2}"
  # Build: the CLI (through ./cossim), the submit jar and Spark's jars (through spark-submit-local), the checker.
  "$root/cossim" --version >/dev/null
  "$here/spark-submit-local" --version >/dev/null 2>&1 || fail "spark-submit-local does not start"
  submit_jar="$here/target/cossim-spark-0.1.0-SNAPSHOT-submit.jar"
  local check_class="$here/target/test-classes/dev/cossim/spark/ClusterCheck.class"
  [[ -f "$check_class" && "$check_class" -nt "$here/src/test/java/dev/cossim/spark/ClusterCheck.java" ]] \
    || (cd "$root" && ./mvnw -q -B -DskipTests test-compile -pl cossim-spark -am) >&2

  # A SPARK_HOME as a Spark distribution lays it out: jars/, conf/ and a RELEASE file (a worker builds each
  # executor's class path from SPARK_HOME/jars).
  spark_home="$cluster_work/spark-home"
  mkdir -p "$spark_home/conf"
  ln -s "$here/target/spark-jars" "$spark_home/jars"
  echo "Spark 4.2.0 (laid out by cossim-spark/cluster-lib.sh)" > "$spark_home/RELEASE"
  cp "$here/conf/log4j2.properties" "$spark_home/conf/log4j2.properties"
  # The worker's registration line (INFO) tells this script that the cluster is up.
  printf 'logger.worker.name = org.apache.spark.deploy.worker.Worker\nlogger.worker.level = info\n' >> "$spark_home/conf/log4j2.properties"
  export SPARK_HOME="$spark_home" SPARK_CONF_DIR="$spark_home/conf" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
  export SPARK_LOCAL_DIRS="$cluster_work/local"

  opens="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
  local p
  for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
           java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.util.calendar; do
    opens+=" --add-opens=java.base/$p=ALL-UNNAMED"
  done
  log4j="-Dlog4j2.configurationFile=$spark_home/conf/log4j2.properties"

  local port; port="$(free_port)"
  master="spark://127.0.0.1:$port"
  step "starting a master at $master and $workers workers of 1 core each (work directory $cluster_work)"
  "$JAVA" -Xmx256m $opens "$log4j" -cp "$spark_home/conf:$spark_home/jars/*" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$port" --webui-port "$(free_port)" > "$cluster_work/master.log" 2>&1 &
  cluster_pids+=($!); disown $!   # no "Killed" job notices when they are stopped
  local w i
  for w in $(seq 1 "$workers"); do
    mkdir -p "$cluster_work/worker$w"
    "$JAVA" -Xmx256m $opens "$log4j" -cp "$spark_home/conf:$spark_home/jars/*" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --cores 1 --memory "${WORKER_MEMORY:-1g}" --work-dir "$cluster_work/worker$w" \
      --webui-port "$(free_port)" "$master" > "$cluster_work/worker$w.log" 2>&1 &
    cluster_pids+=($!); worker_pid[$w]=$!; disown $!
  done
  for i in $(seq 1 60); do
    [[ "$(grep -l "Successfully registered with master" "$cluster_work"/worker*.log 2>/dev/null | wc -l)" == "$workers" ]] && return 0
    sleep 1
  done
  fail "the workers did not register with the master in 60 s (see $cluster_work/worker*.log)"
}

free_port() { "$JAVA" -cp "$here/target/test-classes" dev.cossim.spark.FreePort; }

cluster_submit() {
  local name="$1" t="$2"; shift 2
  JAVA_OPTS="${DRIVER_JAVA_OPTS:--Xmx512m}" COSSIM_SPARK_LOG4J="$spark_home/conf/log4j2.properties" timeout "$t" \
    "$here/spark-submit-local" \
    --master "$master" --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
    --conf spark.executor.cores=1 --conf "spark.executor.memory=${EXECUTOR_MEMORY:-640m}" \
    --conf "spark.cores.max=${WORKERS:-2}" \
    --conf spark.task.maxFailures=4 --conf spark.serializer=org.apache.spark.serializer.KryoSerializer \
    --conf spark.ui.enabled=false --conf "spark.executor.extraJavaOptions=$opens $log4j ${EXECUTOR_JAVA_OPTS:-}" \
    "$@" > "$cluster_work/$name.log" 2>&1 || { local rc=$?; tail -n 20 "$cluster_work/$name.log" >&2; fail "$name: spark-submit exited $rc"; }
}

cluster_check() {
  "$JAVA" -Xmx512m $opens "$log4j" -cp "$submit_jar:$here/target/test-classes:$here/target/spark-jars/*" \
    dev.cossim.spark.ClusterCheck "$@" 2>>"$cluster_work/check.log" || fail "results differ (above)"
}
