# Build in the SDK image, run in the small runtime image as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/ReverseEtl.Worker/ReverseEtl.Worker.csproj --configuration Release --output /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app .
COPY config /app/config
ENV RETL_CONFIG_DIR=/app/config RETL_DATA_DIR=/data
RUN mkdir -p /data && chown app /data
USER app
VOLUME /data
ENTRYPOINT ["dotnet", "/app/reverse-etl.dll"]
CMD ["run", "--once"]
