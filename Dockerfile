# SetHub container image: `docker build -t sethub .` from the repository root (azure.yaml points azd here).
# The image serves HTTP on 8080 and the Orleans silo port on 11111; TLS is the front door's job (Container Apps
# ingress, a load balancer). Configure it with the environment variables of the README's Configuration table.

# --- Project files only, so that the restore layer below is reused while no project file changes -----------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS projects
WORKDIR /src
COPY src/ src/
# Keep what `dotnet restore` reads (project files and any MSBuild imports), delete the rest. A new project under src/
# is picked up without editing this file.
RUN find src -type f ! -name '*.csproj' ! -name '*.props' ! -name '*.targets' -delete

# --- Restore, then build and publish ------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
# Identical content gives an identical layer, so this copy (and the restore after it) stays cached when only source
# files changed.
COPY --from=projects /src/src/ src/
RUN dotnet restore src/SetHub/SetHub.csproj
# .editorconfig carries the analyzer settings the build enforces (warnings are errors).
COPY .editorconfig ./
COPY src/ src/
RUN dotnet publish src/SetHub/SetHub.csproj --configuration Release --no-restore --output /app -p:UseAppHost=false

# --- Runtime -------------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The only writable path: ./data, where the default Sqlite mode keeps sethub.db (for a quick `docker run`). The
# AzureStorage and Postgres modes write nothing to disk. The application files stay owned by root.
RUN mkdir /app/data && chown "$APP_UID" /app/data

# appsettings.json sets "Urls" to http://127.0.0.1:5080, and configuration from appsettings.json wins over the
# ASPNETCORE_-prefixed variables (ASPNETCORE_HTTP_PORTS, ASPNETCORE_URLS), so the listening address is set with the
# unprefixed URLS variable, which wins over appsettings.json. ASPNETCORE_HTTP_PORTS (8080 in the base image) is
# cleared so Kestrel does not warn that URLS overrides it. Override either at run time like any setting.
ENV URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS=
# 8080: HTTP (endpoints, /healthz, /readyz). 11111: Orleans silo-to-silo TCP (SetHub__Cluster__SiloPort).
EXPOSE 8080 11111

# The non-root user of the .NET images (app, UID 1654).
USER $APP_UID
ENTRYPOINT ["dotnet", "SetHub.dll"]
