# ReverseEtl: build in the SDK image, run in the small runtime image as a non-root user.
# Config is mounted at /app/config (the image holds the shipped config as a default), state and outbox live in /data.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# ReadyToRun (compiled ahead of time for the image's runtime): each run of a CronJob starts about 0.1 s sooner.
RUN dotnet publish src/ReverseEtl.Worker/ReverseEtl.Worker.csproj --configuration Release --use-current-runtime --self-contained false -p:PublishReadyToRun=true --output /app

# The ASP.NET Core runtime: the worker serves health, metrics and the status page with Kestrel.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY config /app/config
ENV RETL_CONFIG_DIR=/app/config \
    RETL_DATA_DIR=/data \
    RETL_HEALTH_PORT=8080 \
    RETL_SHUTDOWN_SECONDS=25
RUN mkdir -p /data && chown app:app /data
USER app
VOLUME /data
EXPOSE 8080
# Meaningful for the long-running worker (the default command); a `run --once` job exits before it matters.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["dotnet", "/app/reverse-etl.dll", "health"]
ENTRYPOINT ["dotnet", "/app/reverse-etl.dll"]
# The verb: `run` schedules every sync (Quartz); `run --once` runs each once and exits (a Kubernetes CronJob).
CMD ["run"]
