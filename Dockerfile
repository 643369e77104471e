# orderhub image: built with Maven, run on a JRE. Routes and config stay files next to the
# jar, as in a checkout, so operators can read and override them.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY connectors ./connectors
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app orderhub
WORKDIR /app
COPY --from=build /src/target/orderhub-*.jar /app/orderhub.jar
COPY routes /app/routes
COPY config /app/config
COPY connectors /app/connectors
RUN mkdir -p /app/data && chown orderhub /app/data
USER orderhub
# In a container the HTTP port and the broker listen on every interface: both need credentials there.
ENV ORDERHUB_DATA_DIR=/app/data ORDERHUB_BROKER_HOST=0.0.0.0 ORDERHUB_HTTP_HOST=0.0.0.0
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health/liveness || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/orderhub.jar"]
