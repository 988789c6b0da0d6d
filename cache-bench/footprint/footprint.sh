#!/usr/bin/env bash
# Fat-jar size and startup time of a minimal Spring Boot application with and without Lamina (docs/benchmarks.md).
#
#   cache-bench/footprint/footprint.sh [runs]        (from the repository root; default 5 runs per app)
#
# Builds Lamina (mvn install, tests skipped), then two throw-away Boot apps under target/footprint:
#   base   spring-boot-starter + spring-boot-starter-cache, one @Cacheable service (Boot's simple cache)
#   lamina the same + io.lamina:cache-spring + cache-redis, one @Cached service, lamina.cache.redis.url set
# packages both with spring-boot-maven-plugin and starts each jar RUNS times (non-web: it starts, then exits),
# reading Boot's own "Started ... in X seconds" line. Lamina's app talks to a redis-server from the PATH on a free
# port when there is one; with none it starts against a closed port (Lamina starts with Redis down by design).
# The Boot version is the root pom's spring-boot.version. Prints a Markdown table.
set -euo pipefail
RUNS=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/cache-bench/target/footprint"
BOOT=$(sed -n 's:.*<spring-boot.version>\(.*\)</spring-boot.version>.*:\1:p' "$ROOT/pom.xml" | head -1)
LAMINA=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -1)
rm -rf "$OUT" && mkdir -p "$OUT"

(cd "$ROOT" && mvn -B -q install -DskipTests -pl cache-core,cache-redis,cache-spring -am)

app() { # name, extra dependencies, extra properties, service source
  local dir="$OUT/$1"
  mkdir -p "$dir/src/main/java/demo" "$dir/src/main/resources"
  cat > "$dir/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>$BOOT</version>
    <relativePath/>
  </parent>
  <groupId>demo</groupId>
  <artifactId>footprint-$1</artifactId>
  <version>1</version>
  <properties><java.version>17</java.version></properties>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter</artifactId></dependency>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-cache</artifactId></dependency>
    $2
  </dependencies>
  <build><plugins><plugin>
    <groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId>
  </plugin></plugins></build>
</project>
POM
  cat > "$dir/src/main/java/demo/App.java" <<JAVA
package demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

@SpringBootApplication
@EnableCaching
public class App {
    public static void main(String[] args) {
        SpringApplication.run(App.class, args).close();
    }
}
JAVA
  printf '%s\n' "$4" > "$dir/src/main/java/demo/Service.java"
  printf 'spring.main.banner-mode=off\n%s\n' "$3" > "$dir/src/main/resources/application.properties"
  (cd "$dir" && mvn -B -q package -DskipTests)
}

PORT=1
REDIS_PID=
if command -v redis-server >/dev/null; then
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no >/dev/null & REDIS_PID=$!
  trap '[ -n "$REDIS_PID" ] && kill $REDIS_PID' EXIT
fi

app base "" "" 'package demo;
@org.springframework.stereotype.Service
public class Service {
    @org.springframework.cache.annotation.Cacheable("products")
    public String find(long id) { return "p" + id; }
}'
app lamina "<dependency><groupId>io.lamina</groupId><artifactId>cache-spring</artifactId><version>$LAMINA</version></dependency>
    <dependency><groupId>io.lamina</groupId><artifactId>cache-redis</artifactId><version>$LAMINA</version></dependency>" \
  "lamina.cache.redis.url=redis://127.0.0.1:$PORT" 'package demo;
@org.springframework.stereotype.Service
public class Service {
    @io.lamina.cache.spring.Cached(cache = "products", key = "#id")
    public String find(long id) { return "p" + id; }
}'

echo "| app | fat jar (MiB) | jars in BOOT-INF/lib | startup, Boot's 'Started in' (s), median of $RUNS | runs |"
echo "|---|---|---|---|---|"
for name in base lamina; do
  jar=$(ls "$OUT/$name"/target/footprint-$name-1.jar)
  mib=$(python3 -c "import os; print(f'{os.path.getsize(\"$jar\")/1048576:.1f}')")
  libs=$(unzip -l "$jar" | grep -c 'BOOT-INF/lib/.*\.jar$')
  times=()
  for _ in $(seq "$RUNS"); do
    t=$(java -jar "$jar" 2>&1 | sed -n 's/.*Started App in \([0-9.]*\) seconds.*/\1/p' | head -1)
    times+=("$t")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "| $name | $mib | $libs | $median | ${times[*]} |"
done
